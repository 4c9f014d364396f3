"""Übersicht: headline figures against the funder's targets and the quarterly trend."""
import streamlit as st

from biwaq.app import charts, ui
from biwaq.app import bericht_ui
from biwaq.zahlen import kennzahlen as kz
from biwaq.app import kommentare_ui as kui
from biwaq.zahlen import zusammenfassung as zf
from biwaq.app import zielstand_ui as zui

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
stand = zui.zielstand(filt)          # on-track rule (biwaq/zahlen/zielstand.py)

cols = st.columns(3)
for i, row in enumerate(kennzahlen.itertuples()):
    with cols[i % 3].container(border=True):
        kid = KATALOG_ID[row.kennzahl]
        ui.metric(st, kid, row.wert,
                  hilfe=kz.get(kid).definition
                  + (" Zählt nur Quartier und Zeitraum (keine Angabe zu Träger oder Zielgruppe "
                     "bei Betrieben und Leerständen)." if row.kennzahl in NUR_QUARTIER else ""))
        # --- on track (steuerung) ---
        ziel = zui.kopf_zeile(stand, row.kennzahl, filt)
        if ziel is not None:
            zui.status_badge(ziel)
            st.caption(zui.karten_text(ziel))
        elif stand is not None:
            st.caption("Kein Ziel für diese Auswahl vereinbart.")
        kui.beim_wert(f"uebersicht.{row.kennzahl}", kz.label(kid), filt,
                      key=f"uebersicht_komm_{row.kennzahl}")
        if row.kennzahl in NUR_QUARTIER and (filt.traeger or filt.zielgruppe):
            st.caption("Träger- und Zielgruppenfilter gelten hier nicht.")

if stand is None:
    st.caption(zui.TRAEGER_HINWEIS)
else:
    st.caption("Die große Zahl zählt im gewählten Zeitraum; der Vergleich mit dem Ziel darunter "
               "zählt ab Laufzeitbeginn bis zum Stichtag (siehe „Stand gegenüber den Zielen“).")

st.caption("Alle Zahlen dieser Seite zählen **Ereignisse im Zeitraum** (Erstkontakt, "
           "Eintritt, Beginn der Vermittlung im Zeitraum) und **Personen**, jede einmal. Die "
           "Seite **Vermittlung** zählt dagegen eine Kohorte (Erstkontakt im Zeitraum) bis zum "
           "Datenstand und dort unter **Vermittlungen** jede Vermittlung.")
ui.wie_gezaehlt(list(KATALOG_ID.values()),
                ("Zielgruppen überschneiden sich; eine Person zählt in jeder ihrer Gruppen.",))

st.header("Entwicklung je Quartal")
trend = ui.query("uebersicht_trend", **filt.params())
if trend.empty or (trend["eintritte"].sum() == 0 and trend["vermittlungen"].sum() == 0):
    ui.empty_message()
else:
    spalten = {"quartal_label": "Quartal",
               "eintritte": kz.label("eintritte_quartal"),
               "vermittlungen": kz.label("vermittelte_personen_quartal")}
    tabelle = trend.rename(columns=spalten)[list(spalten.values())]
    satz = " ".join(zf.verlauf(kz.label(kid), trend["quartal_label"], trend[col])
                    for col, kid in (("eintritte", "eintritte_quartal"),
                                     ("vermittlungen", "vermittelte_personen_quartal")))
    ui.chart_block(charts.trend_chart(trend), tabelle,
                   "Eintritte und vermittelte Personen je Quartal", key="uebersicht_trend",
                   filt=filt, zusammenfassung=satz)

# --- On track against every target (steuerung) ----------------------------------------------
zui.abschnitt(filt, key="uebersicht_ziele")

# --- Comments and the committee report (steuerung) ------------------------------------------
kui.alle_liste()
if kui.autor() is not None:
    bericht_ui.knoepfe(filt)
