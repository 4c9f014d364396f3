"""Übersicht: headline figures against the funder's targets and the quarterly trend."""
import streamlit as st

from biwaq import charts, ui
from biwaq import bericht_ui
from biwaq import kommentare_ui as kui
from biwaq import zielstand_ui as zui
from biwaq.contract import KENNZAHLEN_NAMEN

NUR_QUARTIER = ("betriebe_beraten", "leerstaende_wiederbelegt")

filt = ui.page_header(
    "Übersicht",
    "Wen erreicht das Projekt, wie viele kommen in Arbeit und bleiben dort, wie viele "
    "Betriebe werden beraten und Leerstände wieder genutzt – jeweils neben dem mit dem "
    "Fördermittelgeber vereinbarten Ziel.")

kennzahlen = ui.query("uebersicht_kennzahlen", **filt.params())
stand = zui.zielstand(filt)          # on-track rule (biwaq/zielstand.py)

cols = st.columns(3)
for i, row in enumerate(kennzahlen.itertuples()):
    with cols[i % 3].container(border=True):
        st.metric(KENNZAHLEN_NAMEN[row.kennzahl], ui.fmt_int(row.wert),
                  help="Zählt nur Quartier und Zeitraum (keine Angabe zu Träger oder "
                       "Zielgruppe bei Betrieben und Leerständen)."
                  if row.kennzahl in NUR_QUARTIER else None)
        # --- on track (steuerung) ---
        ziel = zui.kopf_zeile(stand, row.kennzahl, filt)
        if ziel is not None:
            zui.status_badge(ziel)
            st.caption(zui.karten_text(ziel))
        elif stand is not None:
            st.caption("Kein Ziel für diese Auswahl vereinbart.")
        kui.beim_wert(f"uebersicht.{row.kennzahl}", KENNZAHLEN_NAMEN[row.kennzahl], filt,
                      key=f"uebersicht_komm_{row.kennzahl}")
        if row.kennzahl in NUR_QUARTIER and (filt.traeger or filt.zielgruppe):
            st.caption("Träger- und Zielgruppenfilter gelten hier nicht.")

if stand is None:
    st.caption(zui.TRAEGER_HINWEIS)
else:
    st.caption("Die große Zahl zählt im gewählten Zeitraum; der Vergleich mit dem Ziel darunter "
               "zählt ab Laufzeitbeginn bis zum Stichtag (siehe „Stand gegenüber den Zielen“).")

with st.expander("Wie wird gezählt?"):
    st.markdown(
        "- **Erreichte Personen**: Erstkontakt im Zeitraum. **Eintritte**: formaler "
        "Eintritt ins Projekt im Zeitraum.\n"
        "- **Vermittlungen**: Personen mit Beginn einer Arbeit oder Ausbildung im Zeitraum, "
        "jede Person einmal. **Verbleib nach 6 Monaten**: davon sechs Monate später noch "
        "in Arbeit (ja); jüngere Vermittlungen sind noch offen.\n"
        "- **Beratene Betriebe**: Betriebe mit mindestens einer Beratung im Zeitraum. "
        "**Wiederbelegte Leerstände**: Wiederbelegung im Zeitraum.\n"
        "- Zielgruppen überschneiden sich; eine Person zählt in jeder ihrer Gruppen.")

st.subheader("Entwicklung je Quartal")
trend = ui.query("uebersicht_trend", **filt.params())
if trend.empty or (trend["eintritte"].sum() == 0 and trend["vermittlungen"].sum() == 0):
    ui.empty_message()
else:
    tabelle = trend.rename(columns={"quartal_label": "Quartal", "eintritte": "Eintritte",
                                    "vermittlungen": "Vermittlungen"})
    ui.chart_block(charts.trend_chart(trend), tabelle[["Quartal", "Eintritte", "Vermittlungen"]],
                   "Eintritte und Vermittlungen je Quartal", key="uebersicht_trend", filt=filt)

# --- On track against every target (steuerung) ----------------------------------------------
zui.abschnitt(filt, key="uebersicht_ziele")

# --- Comments and the committee report (steuerung) ------------------------------------------
kui.alle_liste()
if kui.autor() is not None:
    bericht_ui.knoepfe(filt)
