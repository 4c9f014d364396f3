"""Public figures for residents (`streamlit run oeffentlich.py`).

Reads only a published directory ($BIWAQ_OEFFENTLICH_DIR, default data/oeffentlich) written
by `python -m biwaq publish`. This process has no connection to the internal database: it
imports neither biwaq.speicher.store, biwaq.speicher.queries, biwaq.app.ui nor duckdb (tests/test_public_app.py).
"""
import streamlit as st

from biwaq.app import barrierefrei
from biwaq.oeffentlich import erklaerung, foerderhinweis, public_ui, published

st.set_page_config(page_title="BIWAQ Erfurt – Zahlen für die Stadtteile",
                   page_icon="🏘️", layout="wide")   # emoji: drawn in the browser, no fetch
barrierefrei.einrichten()   # lang="de", caption contrast


def zahlen() -> None:
    st.title("BIWAQ Erfurt – Zahlen für die Stadtteile")
    st.markdown("Das Projekt BIWAQ hilft Menschen in der **Magdeburger Allee** und in "
                "**Süd-Ost**, Arbeit zu finden. Es hilft auch kleinen Betrieben und kümmert "
                "sich um leere Läden. Hier sehen Sie, was bisher erreicht wurde.")
    st.html(foerderhinweis.html_block())
    try:
        daten = public_ui.laden()
    except published.Ungueltig:      # fail closed: changed files or a small count
        st.warning("Zurzeit können wir keine Zahlen zeigen: Die veröffentlichten Zahlen sind "
                   "nicht vollständig oder wurden verändert. Bitte schauen Sie später wieder "
                   "vorbei.", icon=":material/block:")
        return
    except published.NichtVeroeffentlicht:
        st.info("Es sind noch keine Zahlen veröffentlicht. Bitte schauen Sie später wieder "
                "vorbei.", icon=":material/hourglass_empty:")
        return
    public_ui.zeigen(daten)


def barrierefreiheit() -> None:
    erklaerung.zeigen()


# No menu (position hidden): this also switches off Streamlit's automatic pages/ folder, so no
# internal page can be opened through this server. Every page links the accessibility
# statement (BITV 2.0 § 7) at its foot, and the statement links back.
ZAHLEN = st.Page(zahlen, title="Zahlen für die Stadtteile", url_path="start", default=True)
ERKLAERUNG = st.Page(barrierefreiheit, title=erklaerung.TITEL, url_path="barrierefreiheit")
# The start page's address is "/"; "/zahlen" leads there (Streamlit finds no default page by
# its own name, so it gets an internal one).
ZAHLEN_ADRESSE = st.Page(lambda: st.switch_page(ZAHLEN), title="Zahlen für die Stadtteile",
                         url_path="zahlen", visibility="hidden")
seite = st.navigation([ZAHLEN, ERKLAERUNG, ZAHLEN_ADRESSE], position="hidden")
barrierefrei.nach_navigation()   # no "Page not found" on a fresh server's first run
seite.run()
st.divider()
if seite.url_path == ERKLAERUNG.url_path:
    st.page_link(ZAHLEN, label="Zurück zu den Zahlen für die Stadtteile",
                 icon=":material/arrow_back:")
else:
    st.page_link(ERKLAERUNG, label=erklaerung.TITEL, icon=":material/accessibility:")
