"""Übersicht: headline figures against the funder's targets and the quarterly trend."""
import pandas as pd
import streamlit as st

from biwaq import charts, ui
from biwaq.contract import KENNZAHLEN_NAMEN, LAUFZEIT_START

NUR_QUARTIER = ("betriebe_beraten", "leerstaende_wiederbelegt")

filt = ui.page_header(
    "Übersicht",
    "Wen erreicht das Projekt, wie viele kommen in Arbeit und bleiben dort, wie viele "
    "Betriebe werden beraten und Leerstände wieder genutzt – jeweils neben dem mit dem "
    "Fördermittelgeber vereinbarten Ziel.")

kennzahlen = ui.query("uebersicht_kennzahlen", **filt.params())
zielvergleich = filt.von <= LAUFZEIT_START and filt.traeger is None


def zieltext(wert: int, ziel, bis) -> str:
    if pd.isna(ziel):
        return "Kein Ziel für diese Auswahl vereinbart."
    anteil = wert / ziel if ziel else 0
    return (f"Ziel: {ui.fmt_int(ziel)} bis {pd.Timestamp(bis).strftime('%d.%m.%Y')} · "
            f"erreicht: {ui.fmt_pct(anteil)}")


cols = st.columns(3)
for i, row in enumerate(kennzahlen.itertuples()):
    with cols[i % 3].container(border=True):
        st.metric(KENNZAHLEN_NAMEN[row.kennzahl], ui.fmt_int(row.wert),
                  help="Zählt nur Quartier und Zeitraum (keine Angabe zu Träger oder "
                       "Zielgruppe bei Betrieben und Leerständen)."
                  if row.kennzahl in NUR_QUARTIER else None)
        if zielvergleich:
            st.caption(zieltext(row.wert, row.zielwert, row.bis))
            if not pd.isna(row.zielwert) and row.zielwert > 0:
                st.progress(min(1.0, row.wert / row.zielwert))
        if row.kennzahl in NUR_QUARTIER and (filt.traeger or filt.zielgruppe):
            st.caption("Träger- und Zielgruppenfilter gelten hier nicht.")

if not zielvergleich:
    st.caption("Der Zielvergleich erscheint nur, wenn der Zeitraum am Laufzeitbeginn "
               "(01.10.2015) beginnt und alle Träger gewählt sind: Ziele gelten für die "
               "gesamte Laufzeit und sind nicht nach Träger vereinbart.")

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
