"""Accessibility and German wording for what Streamlit itself renders (both apps).

`einrichten()` is called once per script run by `dashboard.py` and `oeffentlich.py`, right after
`st.set_page_config`. It fixes, without touching any page:

- the document language: Streamlit's index.html says `lang="en"`; every page here is German
  (WCAG 2.1 SC 3.1.1, BITV 2.0 Prüfschritt 9.3.1.1), so the script sets `lang="de"`;
- the contrast of `st.caption`: Streamlit draws captions with opacity 0.6, which gives
  #828180 on white (3.9:1, below the 4.5:1 of WCAG SC 1.4.3); opacity 0.8 gives about 6:1;
- English texts that Streamlit and Plotly write: the file uploader ("Upload", "200MB per file
  • CSV", "Drag and drop files here", the size of a chosen file "23.0B" -> "23 Byte",
  "1.2MB" -> "1,2 MB"), the skip link, and screen-reader names, tooltips and
  placeholders ("Help for …", "Choose an option", "Main menu", "Download plot as a PNG", …).
  Streamlit 1.67 has no setting or parameter for them (`st.file_uploader` has none, there is no
  i18n option). The script rewrites exactly these texts (list SKRIPT, anchored patterns) to
  German whenever they are drawn (a MutationObserver), so the page and a screen reader both
  get German (WCAG SC 3.1.2); accepted file types and size limits stay as Streamlit writes them.

Nothing here reads data; the public app may import it (no database access).
"""
from __future__ import annotations

import streamlit as st

CAPTION_OPACITY = 0.8

STIL = f"""<style>
[data-testid="stCaptionContainer"] {{ opacity: {CAPTION_OPACITY}; }}
</style>"""

# English text that Streamlit and Plotly write -> German. Anchored patterns, so a German text
# never matches again and the observer stops after one pass.
SKRIPT = r"""<script>
(() => {
  document.documentElement.lang = 'de';
  if (window.__biwaqDeutsch) { window.__biwaqDeutsch(); return; }
  const TEXTE = [                       // visible text in the file uploader and the skip link
    [/^Upload$/, 'Datei auswählen'],
    [/^Upload directories$/, 'Ordner auswählen'],
    [/^Drag and drop files here$/, 'Dateien hierher ziehen'],
    [/^Drag and drop a file here$/, 'Datei hierher ziehen'],
    [/^Drag and drop directories here$/, 'Ordner hierher ziehen'],
    [/^(\d+(?:\.\d+)?)\s?([KMGT]?B) per file/,
     (m, n, e) => 'Höchstens ' + n.replace('.', ',') + ' ' + e + ' je Datei'],
    [/^Skip to main content$/, 'Zum Inhalt springen'],
    [/^(\d+(?:\.\d+)?)\s?B$/, (m, n) => Math.round(parseFloat(n)) + ' Byte'],  // "23.0B"
    [/^(\d+(?:\.\d+)?)\s?([KMGT]B)$/, (m, n, e) => n.replace('.', ',') + ' ' + e],
  ];
  const NAMEN = [                       // aria-label, title, placeholder
    [/^Add files$/, 'Weitere Dateien hinzufügen'],
    [/^Remove (.+)$/, '$1 entfernen'],
    [/^file upload$/, 'Datei hochladen'],
    [/^Help for (.+)$/, 'Hilfe zu $1'],
    [/^Choose an option$/, 'Bitte wählen'],
    [/^Choose date range$/, 'Zeitraum wählen'],
    [/^(.+) start date$/, '$1: Anfangsdatum'],
    [/^(.+) end date$/, '$1: Enddatum'],
    [/^day, (.+)$/, 'Tag, $1'], [/^month, (.+)$/, 'Monat, $1'], [/^year, (.+)$/, 'Jahr, $1'],
    [/^App pages$/, 'Seiten'],
    [/^Main menu$/, 'Hauptmenü'],
    [/^Sidebar$/, 'Seitenleiste'],
    [/^Collapse sidebar$/, 'Seitenleiste einklappen'],
    [/^Expand sidebar$/, 'Seitenleiste ausklappen'],
    [/^Link to heading$/, 'Link zu dieser Überschrift'],
    [/^Download as CSV$/, 'Als CSV herunterladen'],
    [/^Show\/hide columns$/, 'Spalten ein- oder ausblenden'],
    [/^Search$/, 'Suchen'],
    [/^Fullscreen$/, 'Vollbild'],
    [/^Close fullscreen$/, 'Vollbild schließen'],
    [/^Open$/, 'Öffnen'],
    [/^Map$/, 'Karte'],
    [/^Download plot as a PNG$/, 'Diagramm als PNG herunterladen'],
    [/^Zoom$/, 'Zoomen'], [/^Zoom in$/, 'Vergrößern'], [/^Zoom out$/, 'Verkleinern'],
    [/^Pan$/, 'Verschieben'], [/^Autoscale$/, 'Automatisch skalieren'],
    [/^Reset axes$/, 'Achsen zurücksetzen'], [/^Reset view$/, 'Ansicht zurücksetzen'],
    [/^Toggle attribution$/, 'Quellenangabe ein- oder ausblenden'],
    [/^Increment$/, 'Erhöhen'], [/^Decrement$/, 'Verringern'],
    [/^Running\.\.\.$/, 'Läuft …'],
  ];
  const ATTRIBUTE = ['aria-label', 'title', 'placeholder'];
  const ersetzen = (s, regeln) => {
    for (const [muster, neu] of regeln) if (muster.test(s)) return s.replace(muster, neu);
    return null;
  };
  const deutsch = () => {
    const orte = document.querySelectorAll(
      '[data-testid="stFileUploader"], [data-testid="stSkipToContent"]');
    for (const box of orte) {
      const w = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
      for (let t = w.nextNode(); t; t = w.nextNode()) {
        const neu = ersetzen(t.nodeValue.trim(), TEXTE);
        if (neu !== null) t.nodeValue = neu;
      }
    }
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
      for (const a of ATTRIBUTE) {
        const alt = el.getAttribute(a);
        const neu = alt === null ? null : ersetzen(alt, NAMEN);
        if (neu !== null) el.setAttribute(a, neu);
      }
    }
  };
  window.__biwaqDeutsch = deutsch;
  new MutationObserver(deutsch).observe(document.body, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ATTRIBUTE});
  deutsch();
})();
</script>"""


def einrichten() -> None:
    """Insert the style and the script into the running page (no visible element)."""
    st.html(STIL)
    st.html(SKRIPT, unsafe_allow_javascript=True)
