"""Accessibility and German wording for what Streamlit itself renders (both apps).

`einrichten()` is called once per script run by `dashboard.py` and `oeffentlich.py`, right after
`st.set_page_config`. It fixes, without touching any page:

- the document language: Streamlit's index.html says `lang="en"`; every page here is German
  (WCAG 2.1 SC 3.1.1, BITV 2.0 Prüfschritt 9.3.1.1), so the script sets `lang="de"`;
- the contrast of `st.caption`: Streamlit draws captions with opacity 0.6, which gives
  #828180 on white (3.9:1, below the 4.5:1 of WCAG SC 1.4.3); opacity 0.8 gives about 6:1;
- the file uploader's English texts ("Upload", "200MB per file • CSV", "Drag and drop files
  here", the screen-reader labels "Add files", "Remove …", "file upload"): Streamlit 1.67 has no
  setting or parameter for them (`st.file_uploader` has none, there is no i18n option). The
  script rewrites exactly these texts in the uploader's markup to German whenever Streamlit
  draws them (a MutationObserver), so the page and a screen reader both get German text; the
  accepted file types and the per-widget size limit that Streamlit writes stay as they are.

Nothing here reads data; the public app may import it (no database access).
"""
from __future__ import annotations

import streamlit as st

CAPTION_OPACITY = 0.8

STIL = f"""<style>
[data-testid="stCaptionContainer"] {{ opacity: {CAPTION_OPACITY}; }}
</style>"""

# English text in the uploader -> German. Patterns are anchored, so a German text never
# matches again and the observer stops after one pass.
SKRIPT = r"""<script>
(() => {
  document.documentElement.lang = 'de';
  if (window.__biwaqDeutsch) { window.__biwaqDeutsch(); return; }
  const TEXTE = [
    [/^Upload$/, 'Datei auswählen'],
    [/^Upload directories$/, 'Ordner auswählen'],
    [/^Drag and drop files here$/, 'Dateien hierher ziehen'],
    [/^Drag and drop a file here$/, 'Datei hierher ziehen'],
    [/^Drag and drop directories here$/, 'Ordner hierher ziehen'],
    [/^(\d+(?:\.\d+)?)\s?([KMGT]?B) per file/,
     (m, n, e) => 'Höchstens ' + n.replace('.', ',') + ' ' + e + ' je Datei'],
  ];
  const NAMEN = [
    [/^Add files$/, 'Weitere Dateien hinzufügen'],
    [/^Remove (.+)$/, '$1 entfernen'],
    [/^file upload$/, 'Datei hochladen'],
  ];
  const ersetzen = (s, regeln) => {
    for (const [muster, neu] of regeln) if (muster.test(s)) return s.replace(muster, neu);
    return null;
  };
  const deutsch = () => {
    for (const box of document.querySelectorAll('[data-testid="stFileUploader"]')) {
      const w = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
      for (let t = w.nextNode(); t; t = w.nextNode()) {
        const neu = ersetzen(t.nodeValue.trim(), TEXTE);
        if (neu !== null) t.nodeValue = neu;
      }
      for (const el of box.querySelectorAll('[aria-label]')) {
        const neu = ersetzen(el.getAttribute('aria-label'), NAMEN);
        if (neu !== null) el.setAttribute('aria-label', neu);
      }
    }
  };
  window.__biwaqDeutsch = deutsch;
  new MutationObserver(deutsch).observe(document.body, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ['aria-label']});
  deutsch();
})();
</script>"""


def einrichten() -> None:
    """Insert the style and the script into the running page (no visible element)."""
    st.html(STIL)
    st.html(SKRIPT, unsafe_allow_javascript=True)
