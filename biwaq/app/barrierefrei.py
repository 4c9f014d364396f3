"""Accessibility and German wording for what Streamlit itself renders (both apps).

`einrichten()` is called once per script run by `dashboard.py` and `oeffentlich.py`, right after
`st.set_page_config`. It fixes, without touching any page:

- the document language: Streamlit's index.html says `lang="en"`; every page here is German
  (WCAG 2.1 SC 3.1.1, BITV 2.0 Prüfschritt 9.3.1.1), so the script sets `lang="de"`;
- nothing cut in narrow windows (issue 15): key-figure labels and values wrap instead of
  ending in "…" (Streamlit: `white-space: nowrap` with an ellipsis), and the main column keeps
  2 rem side padding up to 1280 px (Streamlit: 5 rem);
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
# Side padding of the main column in windows up to 1280 px (Streamlit: 5 rem): a 1024 px
# window with the sidebar open keeps 660 px for tables and key figures instead of 564 px
# (issue 15: nothing cut at 1024 px; biwaq.app.spalten.BREITE_PX).
RAND_SCHMAL_REM = 2

STIL = f"""<style>
[data-testid="stCaptionContainer"] {{ opacity: {CAPTION_OPACITY}; }}
@media (max-width: 1280px) {{ [data-testid="stMainBlockContainer"] {{
  padding-left: {RAND_SCHMAL_REM}rem; padding-right: {RAND_SCHMAL_REM}rem; }} }}
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricLabel"] p,
[data-testid="stMetricValue"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricValue"] p {{ white-space: normal; }}
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
    [/^Page not found$/, 'Seite nicht gefunden'],            // Streamlit's dialog for an
    [/^The page that you have requested does not seem to exist\..*$/,   // unknown address
     'Diese Seite gibt es nicht. Sie sehen die Startseite.'],
    [/^You have requested page (\S+), but no corresponding file was found.*$/,
     'Die Seite $1 gibt es nicht. Sie sehen die Startseite.'],
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
    [/^Close$/, 'Schließen'],
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
      '[data-testid="stFileUploader"], [data-testid="stSkipToContent"], [role="dialog"]');
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


# Closes Streamlit's "Page not found" dialog once it is drawn (used only when the server said it
# by mistake, see `nach_navigation`); gives up after 15 s.
DIALOG_SCHLIESSEN = r"""<script>
(() => {
  const zu = () => {
    for (const d of document.querySelectorAll('[role="dialog"]')) {
      const h = d.querySelector('h2');
      if (!h || !/^(Page not found|Seite nicht gefunden)$/.test(h.textContent.trim())) continue;
      const knopf = d.querySelector('button');
      if (knopf) { knopf.click(); return true; }
    }
    return false;
  };
  if (zu()) return;
  const beobachter = new MutationObserver(() => { if (zu()) beobachter.disconnect(); });
  beobachter.observe(document.body, {subtree: true, childList: true});
  setTimeout(() => beobachter.disconnect(), 15000);
})();
</script>"""

_ERSTLAUF = "_biwaq_alter_seitenordner_lauf"


def _alter_seitenordner_lauf() -> bool:
    """True while the server's very first script run goes through Streamlit's legacy
    `pages/` mode (see `nach_navigation`). Reads a Streamlit internal; False if it is gone.

    Why an internal: Streamlit 1.67 has no public API that tells whether this run is the
    legacy one. `st.navigation`/`st.Page(url_path=...)` are what the app uses already, and the
    legacy run happens before them; `st.query_params` and `st.context` do not say it either;
    no config option switches the mode off (`PagesManager.__init__` sets
    `uses_pages_directory` only from whether a folder named `pages` lies next to the entry
    script). The public way out is to rename the folder `pages/` (e.g. `seiten/`): then no
    legacy run happens and this function, `nach_navigation` and DIALOG_SCHLIESSEN can go.
    Not done in the parallel work of 29.11.2026 (every page file would move under other
    engineers' open changes); README "Adressen direkt aufrufen"."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:     # pragma: no cover - a later Streamlit without the flag
        return False
    return bool(getattr(PagesManager, "uses_pages_directory", False))


def einrichten() -> None:
    """Insert the style and the script into the running page (no visible element).

    Call before `st.navigation`: it notes whether this is the server's first run in Streamlit's
    legacy `pages/` mode, for `nach_navigation`."""
    if _alter_seitenordner_lauf():
        st.session_state[_ERSTLAUF] = True     # this session began in legacy mode
    st.html(STIL)
    st.html(SKRIPT, unsafe_allow_javascript=True)


def nach_navigation() -> bool:
    """After `st.navigation(...)`: close Streamlit's "Page not found" dialog if
    Streamlit showed it only because this session began in the server's first run. Returns
    True if it added the closing script.

    Why: a project with a `pages/` folder next to the entry script starts every fresh server in
    Streamlit's legacy multipage mode (`PagesManager.uses_pages_directory`, streamlit 1.67
    `runtime/scriptrunner/script_runner.py::_mpa_v1`). Its first script run builds a navigation
    from `pages/*.py` only (none here: pages live in sub-folders), finds no page for an address
    such as `/leerstand`, sends "Page not found" and runs the entry script, whose own
    `st.navigation` then finds and shows the page and switches the legacy mode off for good.
    So in the session that began in legacy mode the dialog is wrong for every registered page
    (every address the navigation knows); that session gets the closing script on each run (a
    rerun may come before the first run's output reached the browser). Any other session
    keeps Streamlit's dialog for an address no page has (in German, by SKRIPT)."""
    if not st.session_state.get(_ERSTLAUF):
        return False
    st.html(DIALOG_SCHLIESSEN, unsafe_allow_javascript=True)
    return True
