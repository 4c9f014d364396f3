"""ESF+-Indikatoren: the participant indicators the funder asks for, each with its definition."""
import streamlit as st

from biwaq.zahlen import analytics as an
from biwaq.app import charts_teilnehmende as ct
from biwaq.app import bericht, ui
from biwaq.zahlen import zusammenfassung as zf
from biwaq.einlesen.contract import QUARTIERE, TRAEGER

filt = ui.page_header(
    "ESF+-Indikatoren",
    "Die gemeinsamen Teilnehmendenindikatoren des Europäischen Sozialfonds Plus: Merkmale bei "
    "Eintritt und Ergebnisse bei Austritt. Jede Zeile sagt in der Spalte **Definition**, wie "
    "sie gezählt wird; Indikatoren, die der Datenvertrag nicht erfasst, bleiben leer und "
    "sagen warum.")

with st.expander("Wie wird gezählt?"):
    st.markdown(
        "- **Merkmale** (obere Zeilen): Personen mit **Eintritt im Zeitraum**; Bezugsgröße "
        "sind alle Eintritte im Zeitraum.\n"
        "- **Ergebnisse** (untere Zeilen): Personen mit **Austritt im Zeitraum**. „Bei "
        "Austritt“ heißt: innerhalb von **4 Wochen (28 Tagen) nach dem Austritt** – eine "
        "Vermittlung, die spätestens am 28. Tag nach dem Austritt beginnt, zählt; eine am 29. "
        "Tag nicht.\n"
        "- **Jede Person zählt einmal** (eine Teilnehmenden-Nr.), auch bei mehreren "
        "Vermittlungen.\n"
        "- Quartier, Zeitraum, Träger und Zielgruppe aus der Seitenleiste gelten für alle "
        "Zeilen.")

# every cell of Quartier × Träger × Geschlecht in one grouped query (issue 14); the main table
# is its total cell, the same rows as the query esf_indikatoren
zellen = an.esf_zellen(ui.query("esf_gliederung", **filt.params()))
werte = zellen(None, None, None)
tabelle = an.esf_tabelle(werte)
zahl = werte.set_index("schluessel")["wert"] if len(werte) else {}
c1, c2 = st.columns(2)
ui.metric(c1, "esf_teilnehmende", zahl.get("teilnehmende", 0))
ui.metric(c2, "austritte", zahl.get("austritte", 0))

if zahl.get("teilnehmende", 0) == 0 and zahl.get("austritte", 0) == 0:
    ui.empty_message()
else:
    st.caption("Filter: " + filt.beschreibung())
    for bereich in (an.BEI_EINTRITT, an.BEI_AUSTRITT):
        st.markdown(f"**{bereich}**")
        st.table(an.esf_anzeige(tabelle[tabelle["Bereich"] == bereich]).set_index("Indikator"))
    ui.download_buttons(tabelle, "ESF+-Indikatoren", "esf", filt)

    st.header("Anteile im Überblick")
    erfasst = tabelle[tabelle["Anzahl"].notna()
                      & ~tabelle["Indikator"].isin(["Teilnehmende insgesamt",
                                                    "Austritte insgesamt"])
                      & tabelle["Anteil (%)"].notna()]
    if erfasst.empty:
        ui.empty_message()
    else:
        ui.chart_block(ct.esf_chart(erfasst), erfasst[["Bereich", "Indikator", "Anzahl",
                                                       "Bezugsgröße", "Anteil (%)"]],
                       "ESF+-Indikatoren Anteile", key="esf_anteile", filt=filt,
                       umbruch=("Bereich", "Indikator"),
                       zusammenfassung=" ".join(
                           zf.rangfolge(f"{bereich}, Anteil an der Bezugsgröße",
                                        teil["Indikator"], teil["Anteil (%)"], stellen=1,
                                        einheit=" %", hoch="am höchsten", tief="am niedrigsten")
                           for bereich, teil in erfasst.groupby("Bereich", sort=False)))

# --- The funder's table: by sex, Quartier and Träger, with totals (steuerung, issue 11) ------

st.header("Nach Geschlecht, Quartier und Träger")
st.markdown(
    "Die erfassten Indikatoren so, wie der Fördermittelgeber sie tabelliert: je Zeile der "
    "Indikator insgesamt und **davon** Frauen, Männer und nicht-binäre Personen, je Quartier "
    "und Träger und zusammen („Insgesamt“). Jede Zelle ist eigens gezählt; eine Person zählt "
    "einmal. Zeitraum und "
    "Zielgruppe gelten; ist in der Seitenleiste ein Quartier oder Träger gewählt, nur dieses.")
gliederung = an.esf_gliederung(
    zellen, [filt.quartier] if filt.quartier else [*QUARTIERE, None],
    [filt.traeger] if filt.traeger else [*TRAEGER, None])
# one Quartier × Träger at a time on screen (all columns readable at 1024 px, issue 15);
# the XLSX below holds every combination
g1, g2 = st.columns(2)
q_werte = list(dict.fromkeys(gliederung["Quartier"]))      # "Insgesamt" last, if there
t_werte = list(dict.fromkeys(gliederung["Träger"]))
g_quartier = g1.selectbox("Quartier der Tabelle", q_werte, index=len(q_werte) - 1,
                          key="esf_gliederung_quartier")
g_traeger = g2.selectbox("Träger der Tabelle", t_werte, index=len(t_werte) - 1,
                         key="esf_gliederung_traeger")
auswahl = gliederung[(gliederung["Quartier"] == g_quartier) & (gliederung["Träger"] == g_traeger)]
ui.tabelle(auswahl.drop(columns=["Quartier", "Träger", "Bereich"]).reset_index(drop=True),
           key="esf_gliederung_table", umbruch=("Indikator",))
st.caption("Die Tabelle zeigt das gewählte Quartier und den gewählten Träger; die XLSX-Datei "
           "enthält alle Kombinationen mit den Spalten Quartier, Träger und Bereich.")
st.download_button(
    "XLSX (ein Tabellenblatt)",
    lambda: bericht.xlsx_bytes({"ESF+ nach Geschlecht": gliederung},
                               "ESF+-Indikatoren nach Geschlecht, Quartier und Träger",
                               filt.beschreibung(), ui.datenstand_text()),
    file_name="biwaq_esf_nach_geschlecht_quartier_traeger.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="esf_gliederung_xlsx", on_click="ignore", icon=":material/download:")
