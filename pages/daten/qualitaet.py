"""Datenqualität: every rule with its severity, number of violations and offending ids."""
import pandas as pd
import streamlit as st

from biwaq.zahlen import quality
from biwaq.app import ui
from biwaq.einlesen.contract import TRAEGER_NAMEN

MAX_IDS = quality.MAX_IDS        # ids named per rule in the overview table (30)
MAX_ZEILEN = quality.MAX_ZEILEN  # violations of the chosen rule shown (1,000; downloads: all)

filt = ui.page_header(
    "Datenqualität",
    "Prüfregeln über den gespeicherten Daten: jede Regel mit Nummer, Beschreibung und "
    "Schweregrad. **Fehler** sind sicher falsche Angaben, **Warnungen** wahrscheinlich falsche – "
    "bitte im Fachverfahren prüfen und mit dem nächsten Export korrigieren. Genannt werden nur "
    "Pseudonyme (Teilnehmenden-, Betriebs- und Objektnummern).")
st.caption("Es gelten die Filter **Quartier** und **Träger** (Träger nur für Regeln über "
           "Teilnehmende; Betriebe und Leerstände haben keinen Träger). **Zeitraum** und "
           "**Zielgruppe** gelten hier nicht: geprüft wird immer der ganze Bestand.")


@st.cache_resource(show_spinner="Regeln werden geprüft …", max_entries=3)
def _pruefen(stamp: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All rules over one database version, as counts and the first ids per rule and
    (Quartier, Träger) – a few hundred rows whatever the data size (issue 14). Shared by
    every session and never changed in place. Read from the result stored at the last write
    while it is valid, else computed."""
    return quality.pruefen_gruppen_gespeichert(ui.connection(), MAX_IDS, MAX_ZEILEN)


@st.cache_data(show_spinner=False, max_entries=50)
def _je_regel(stamp: tuple, quartier: str | None, traeger: str | None) -> pd.DataFrame:
    """Per rule under the filters: anzahl (violations), n_ids (distinct ids) and the first
    MAX_IDS distinct ids in the rule's order – a bounded table whatever the data size."""
    regeln, gruppen = _pruefen(stamp)
    return quality.je_filter(regeln, gruppen, quartier, traeger, MAX_IDS,
                             n_ids_direkt=lambda r: quality.n_ids_gefiltert(
                                 quality.REGEL[r], ui.connection(), quartier, traeger))


@st.cache_data(show_spinner=False, max_entries=20)
def _faelle(stamp: tuple, regel: str, quartier: str | None, traeger: str | None,
            limit: int | None) -> pd.DataFrame:
    """The violations of one rule under the filters: at most `limit` from the checked
    groups (no query), or all (None, for a download) from the rule's query."""
    if limit is not None and limit <= MAX_ZEILEN:
        return quality.erste_faelle(_pruefen(stamp)[1], regel, quartier, traeger, limit)
    return quality.verstoesse_gefiltert(quality.REGEL[regel], ui.connection(), quartier,
                                        traeger, limit)


stamp = ui.db_stamp()
regeln = _je_regel(stamp, filt.quartier, filt.traeger)

c1, c2 = st.columns(2)
schwere = c1.segmented_control("Schweregrad", ["Alle", quality.FEHLER, quality.WARNUNG],
                               default="Alle", key="qualitaet_schwere") or "Alle"
nur_verstoesse = c2.toggle("Nur Regeln mit Verstößen", key="qualitaet_nur_verstoesse")

n_fehler = int(regeln.loc[regeln["schwere"] == quality.FEHLER, "anzahl"].sum())
n_warn = int(regeln.loc[regeln["schwere"] == quality.WARNUNG, "anzahl"].sum())
m1, m2, m3 = st.columns(3)
m1.metric("Regeln geprüft", ui.fmt_int(len(regeln)))
m2.metric("Verstöße gegen Fehler-Regeln", ui.fmt_int(n_fehler))
m3.metric("Warnungen", ui.fmt_int(n_warn))
if n_fehler:
    st.error("Es gibt Verstöße gegen Fehler-Regeln: die betroffenen Zahlen sind unzuverlässig.",
             icon=":material/error:")
elif n_warn:
    st.info("Keine Fehler; einige Warnungen bitte prüfen.", icon=":material/info:")
else:
    st.success("Alle Regeln sind erfüllt.", icon=":material/check_circle:")

sicht = regeln
if schwere != "Alle":
    sicht = sicht[sicht["schwere"] == schwere]
if nur_verstoesse:
    sicht = sicht[sicht["anzahl"] > 0]


def ids_text(ids: list[str], n: int) -> str:
    """The first MAX_IDS ids and how many more there are (n = distinct ids in all)."""
    mehr = f" … und {ui.fmt_int(n - len(ids[:MAX_IDS]))} weitere" if n > MAX_IDS else ""
    return ", ".join(ids[:MAX_IDS]) + mehr


class _Geltung:
    """What the downloads write as their filter line (this page's own wording)."""

    def __init__(self, text: str):
        self.text = text

    def beschreibung(self) -> str:
        return self.text


filter_text = ("Quartier: " + (filt.quartier or "beide") + " · Träger: "
               + (TRAEGER_NAMEN.get(filt.traeger, filt.traeger) if filt.traeger else "alle")
               + " (Zeitraum und Zielgruppe gelten nicht)")

st.header("Regeln")
if sicht.empty:
    ui.empty_message()
else:
    # Sortable table of the counts; the rule texts (too long for a table cell, which cannot
    # wrap) stand in full right below, where they wrap.
    tabelle = pd.DataFrame({
        "Regel": sicht["id"], "Schweregrad": sicht["schwere"], "Verstöße": sicht["anzahl"],
        "Tabelle": sicht["tabelle"],
        "Betroffene Nummern": [ids_text(i, n) for i, n in zip(sicht["ids"], sicht["n_ids"])]})
    # widths from the longest text; the id list (up to MAX_IDS) wraps (issue 15)
    ui.tabelle(tabelle, key="qualitaet_regeln", height="content",
               umbruch=("Betroffene Nummern",))
    st.subheader("Was prüft jede Regel?")
    st.table(pd.DataFrame({"Regel": sicht["id"], "Beschreibung": sicht["beschreibung"],
                           "Hinweis": sicht["hinweis"].fillna("")}).set_index("Regel"))

    mit = sicht[sicht["anzahl"] > 0]
    if not mit.empty:
        st.header("Verstöße im Einzelnen")
        wahl = st.selectbox("Regel", mit["id"].tolist(), key="qualitaet_regel",
                            format_func=lambda r: f"{r} – {quality.REGEL[r].beschreibung}")
        n = int(mit.loc[mit["id"] == wahl, "anzahl"].iloc[0])

        def tabelle_faelle(limit: int | None) -> pd.DataFrame:
            einzeln = _faelle(stamp, wahl, filt.quartier, filt.traeger, limit)
            return pd.DataFrame({"Nummer": einzeln["id"], "Angaben": einzeln["details"],
                                 "Quartier": einzeln["quartier"],
                                 "Träger": einzeln["traeger"].fillna("–")})
        if n > MAX_ZEILEN:
            st.caption(f"Gezeigt werden die ersten {ui.fmt_int(MAX_ZEILEN)} von "
                       f"{ui.fmt_int(n)} Verstößen; alle stehen in den Downloads.")
        ui.tabelle(tabelle_faelle(MAX_ZEILEN), key="qualitaet_faelle", umbruch=("Angaben",))
        # the full list is read and written only when a button is pressed
        ui.download_buttons(lambda: tabelle_faelle(None), f"Datenqualität {wahl}",
                            "qualitaet", _Geltung(filter_text))
