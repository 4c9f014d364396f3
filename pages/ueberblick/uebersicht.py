"""Übersicht: headline figures against the funder's targets and the quarterly trend."""
import pandas as pd
import streamlit as st

from biwaq import charts, ui
from biwaq import kennzahlen as kz
from biwaq.contract import LAUFZEIT_START

NUR_QUARTIER = ("betriebe_beraten", "leerstaende_wiederbelegt")
# key of uebersicht_kennzahlen (and of the targets) -> figure in the catalogue
KATALOG_ID = {"teilnehmende": "erreichte_personen", "eintritte": "eintritte",
              "vermittlungen": "vermittelte_personen", "verbleib_6m": "verbleib_personen",
              "betriebe_beraten": "beratene_betriebe",
              "leerstaende_wiederbelegt": "wiederbelegte_leerstaende"}

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
            f"erreicht: {kz.fmt('zielerreichung', anteil)}")


cols = st.columns(3)
for i, row in enumerate(kennzahlen.itertuples()):
    with cols[i % 3].container(border=True):
        kid = KATALOG_ID[row.kennzahl]
        ui.metric(st, kid, row.wert,
                  hilfe=kz.get(kid).definition
                  + (" Zählt nur Quartier und Zeitraum (keine Angabe zu Träger oder Zielgruppe "
                     "bei Betrieben und Leerständen)." if row.kennzahl in NUR_QUARTIER else ""))
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

st.caption("Alle Zahlen dieser Seite zählen **Ereignisse im Zeitraum** (Erstkontakt, "
           "Eintritt, Beginn der Vermittlung im Zeitraum) und **Personen**, jede einmal. Die "
           "Seite **Vermittlung** zählt dagegen eine Kohorte (Erstkontakt im Zeitraum) bis zum "
           "Datenstand und dort unter **Vermittlungen** jede Vermittlung.")
ui.wie_gezaehlt(list(KATALOG_ID.values()),
                ("Zielgruppen überschneiden sich; eine Person zählt in jeder ihrer Gruppen.",))

st.subheader("Entwicklung je Quartal")
trend = ui.query("uebersicht_trend", **filt.params())
if trend.empty or (trend["eintritte"].sum() == 0 and trend["vermittlungen"].sum() == 0):
    ui.empty_message()
else:
    spalten = {"quartal_label": "Quartal",
               "eintritte": kz.label("eintritte_quartal"),
               "vermittlungen": kz.label("vermittelte_personen_quartal")}
    tabelle = trend.rename(columns=spalten)[list(spalten.values())]
    ui.chart_block(charts.trend_chart(trend), tabelle,
                   "Eintritte und vermittelte Personen je Quartal", key="uebersicht_trend",
                   filt=filt)
