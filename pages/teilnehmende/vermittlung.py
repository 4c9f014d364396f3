"""Vermittlung: the placement funnel per group, time to placement per entry cohort, placements
by type and sector, exits by reason."""
import pandas as pd
import streamlit as st

from biwaq.zahlen import analytics as an
from biwaq.app import charts_teilnehmende as ct
from biwaq.zahlen import kennzahlen as kz
from biwaq.app import ui
from biwaq.zahlen import zusammenfassung as zf
from biwaq.einlesen.contract import (AUSTRITTSGRUENDE, BEGLEITUNG, PRAXIS, VERMITTLUNGSARTEN,
                            ZIELGRUPPEN_NAMEN)

filt = ui.page_header(
    "Vermittlung",
    "Wie kommen Teilnehmende in Arbeit, und bleiben sie dort? Vom Erstkontakt über Begleitung "
    "und Praxiserfahrung bis zur Vermittlung und zum Verbleib nach sechs Monaten – für alle "
    "Teilnehmenden und die Zielgruppen nebeneinander.")
params = filt.params()

st.info("Diese Seite zählt zwei **Kohorten**, nicht Ereignisse im Zeitraum wie die Übersicht: "
        "**Trichter** und **Zeit zwischen den Stufen**: Personen mit **Erstkontakt im "
        "Zeitraum**, verfolgt bis zum Datenstand. **Zeit bis zur Vermittlung**: Personen mit "
        "**Eintritt im Zeitraum**. **Vermittlungen** unten zählt jede Vermittlung mit Beginn im "
        "Zeitraum, nicht Personen.", icon=":material/info:")
ui.wie_gezaehlt(
    ["kohorte_erstkontakte", "kohorte_eingetreten", "kohorte_vermittelt", "kohorte_verbleib",
     "uebergangsquote", "stufen_personen", "stufen_median_tage", "inzidenz_kumulativ",
     "vermittlungen", "anteil_in_gruppe"],
    ("**Stufen**: Erstkontakt → Eintritt (formale Aufnahme) → **aktiv begleitet** "
     f"({' oder '.join(BEGLEITUNG)}) → **Praxiserfahrung** ({', '.join(PRAXIS[:-1])} oder "
     f"{PRAXIS[-1]}) → **Vermittlung** (Arbeit oder Ausbildung, jede Art) → **Verbleib nach "
     "6 Monaten** (eine Vermittlung bestand nach sechs Monaten noch). Wer eine Stufe "
     "überspringt (z. B. Vermittlung ohne Praxiserfahrung), zählt in den späteren Stufen "
     "trotzdem.",
     "Vermittlungen der letzten sechs Monate vor dem Datenstand haben noch keinen Verbleib; "
     "bei jungen Kohorten ist die letzte Stufe daher niedriger.",
     "**Zielgruppen überschneiden sich**: Eine Person zählt in jeder ihrer Gruppen und "
     "einmal bei „Alle Teilnehmenden“.",
     "Quartier, Zeitraum, Träger und Zielgruppe aus der Seitenleiste gelten für alle Zahlen "
     "dieser Seite."))

if filt.zielgruppe:
    st.info(f"Zielgruppenfilter aktiv: Es zählen nur **{ZIELGRUPPEN_NAMEN[filt.zielgruppe]}**; "
            "die Aufschlüsselung nach Zielgruppen zeigt deren Überschneidung mit den anderen "
            "Gruppen.", icon=":material/filter_alt:")

# --- Funnel ----------------------------------------------------------------------------------
st.header("Vom Erstkontakt zum Verbleib")
c1, c2 = st.columns(2)
dim = c1.selectbox("Gruppen nebeneinander", list(an.DIMENSIONEN),
                   format_func=an.DIMENSIONEN.get, key="funnel_dim")
ansicht = c2.radio("Darstellung", ["anteil", "anzahl"], horizontal=True, key="funnel_ansicht",
                   format_func={"anteil": "Anteil der Erstkontakte",
                                "anzahl": "Anzahl Personen"}.get)
dim = an.pruefe_dim(dim, an.DIMENSIONEN)
trichter = ui.query("vermittlung_trichter", **params, dim=dim)
if trichter.empty:
    ui.empty_message()
else:
    lang = an.sortiert(an.trichter_lang(trichter), dim)
    alle = lang[lang["gruppe"] == "alle"].set_index("stufe")["personen"]
    cols = st.columns(4)
    for col, stufe, kid in zip(cols, ("Erstkontakt", "Eintritt", "Vermittlung",
                                      an.STUFE_VERBLEIB),
                               ("kohorte_erstkontakte", "kohorte_eingetreten",
                                "kohorte_vermittelt", "kohorte_verbleib")):
        ui.metric(col, kid, alle[stufe],
                  hilfe=kz.get(kid).definition + ("" if stufe == "Erstkontakt" else
                  " " + kz.fmt("anteil_erstkontakte", None, basis=alle["Erstkontakt"],
                               zaehler=alle[stufe]) + " der Erstkontakte."))
    tabelle = pd.DataFrame({
        "Gruppe": lang["Gruppe"], "Stufe": lang["stufe"], kz.label("personen"): lang["personen"],
        kz.label("uebergangsquote"): [kz.runde(x * 100, 1) for x in lang["quote_vorstufe"]],
        kz.label("anteil_erstkontakte"): [kz.runde(x * 100, 1)
                                          for x in lang["quote_erstkontakt"]]})
    satz = zf.trichter([("mit Erstkontakt", alle["Erstkontakt"]),
                        ("eingetreten", alle["Eintritt"]), ("vermittelt", alle["Vermittlung"]),
                        ("mit Verbleib nach 6 Monaten", alle[an.STUFE_VERBLEIB])])
    ui.chart_block(ct.trichter_chart(lang, ansicht), tabelle, "Vermittlungstrichter",
                   key="funnel_trichter", filt=filt, zusammenfassung=satz)

# --- Time between stages ---------------------------------------------------------------------
st.header("Zeit zwischen den Stufen")
st.caption(kz.get("stufen_median_tage").definition + " " + kz.get("stufen_personen").definition
           + " Wer die spätere Stufe noch nicht erreicht hat, fehlt – die Werte beschreiben die "
           "bisher erfolgreichen Wege, nicht die Wartezeit aller.")
zeiten = ui.query("vermittlung_stufenzeiten", **params, dim=dim)
if zeiten.empty:
    ui.empty_message()
else:
    zeiten = an.sortiert(zeiten, dim)
    zeiten["Schritt"] = zeiten["schritt"].map(an.SCHRITTE)
    zeiten = zeiten.sort_values(["schritt"], kind="stable")
    tabelle = pd.DataFrame({"Gruppe": zeiten["Gruppe"], "Schritt": zeiten["Schritt"],
                            kz.label("stufen_personen"): zeiten["personen"],
                            kz.label("stufen_umgekehrt"): zeiten["umgekehrt"],
                            kz.label("stufen_median_tage"): [kz.runde(x, 1) for x in
                                                             zeiten["median_tage"]]})
    erste = tabelle[tabelle["Gruppe"] == tabelle["Gruppe"].iloc[0]]
    satz = zf.rangfolge(f"Median der Tage je Schritt für {erste['Gruppe'].iloc[0]}",
                        erste["Schritt"], erste[kz.label("stufen_median_tage")], stellen=1,
                        einheit=" Tage", hoch="am längsten", tief="am kürzesten")
    ui.chart_block(ct.stufenzeiten_chart(zeiten), tabelle, "Zeit zwischen den Stufen",
                   key="funnel_zeiten", filt=filt, zusammenfassung=satz)

# --- Time to placement per entry cohort ------------------------------------------------------
st.header("Zeit bis zur Vermittlung je Eintrittskohorte")
st.markdown(
    "Kohorte hier: Personen mit **Eintritt im Zeitraum**, nach Eintrittsquartal oder -jahr. "
    "Jede Kurve zeigt den **Anteil, der bis zum jeweiligen Tag nach dem Eintritt vermittelt "
    "war**. Jüngere Kohorten hatten weniger Zeit: Wer noch in Betreuung ist, zählt bis zu "
    "seinem letzten Stand mit. Wer **ohne Vermittlung ausgetreten** ist, zählt nie als "
    "vermittelt. Als Vermittlung zählt die erste, wenn sie spätestens 28 Tage nach dem "
    "Austritt beginnt. Die Tabelle darunter vergleicht Kohorten nur zu Zeitpunkten, die "
    "**alle** ihre Mitglieder erreicht haben – dort ist der Wert der einfache Anteil und "
    "zwischen Kohorten vergleichbar; sonst steht „–“.")
with st.expander("Methodik (für Statistikerinnen und Statistiker)"):
    st.markdown(
        "Die Kurven sind **kumulative Inzidenzen** nach **Aalen–Johansen**: Wer am Datenstand "
        "noch im Projekt ist, ist **zensiert** (zählt bis zu seinem letzten Beobachtungstag "
        "mit); ein Austritt ohne Vermittlung ist ein **konkurrierendes Ereignis**.")
einheit = st.radio("Kohorten", ["quartal", "jahr"], horizontal=True, key="funnel_kohorte",
                   format_func={"jahr": "Eintrittsjahr", "quartal": "Eintrittsquartal"}.get)
verweil = ui.query("vermittlung_verweildauer", **params)
if verweil.empty:
    ui.empty_message()
else:
    koh = an.kohorten(verweil, einheit)
    kurve_tab = pd.DataFrame({"Kohorte (Eintritt)": koh.kurven["kohorte"],
                              "Tage seit Eintritt": koh.kurven["tage"].astype(int),
                              kz.label("inzidenz_kumulativ"): [kz.runde(x * 100, 1) for x in
                                                               koh.kurven["inzidenz"]],
                              kz.label("noch_unter_beobachtung"):
                                  koh.kurven["unter_risiko"].astype(int)})
    ui.chart_block(ct.inzidenz_chart(koh.kurven), kurve_tab,
                   "Zeit bis zur Vermittlung je Eintrittskohorte", key="funnel_kurven",
                   filt=filt, zusammenfassung=zf.kohorten(
                       180, [(k, v) for k, v in zip(koh.tabelle["kohorte"],
                                                    koh.tabelle["inzidenz_180"]) if pd.notna(v)]))
    st.markdown("**Vermittelt innerhalb von … Tagen nach Eintritt (nur vollständig beobachtete "
                "Kohorten)**")
    vergleich = pd.DataFrame({"Kohorte (Eintritt)": koh.tabelle["kohorte"],
                              kz.label("eintritte"): koh.tabelle["eintritte"],
                              kz.label("beobachtet_mindestens"): koh.tabelle["beobachtet_tage"]})
    for h in an.HORIZONTE:
        vergleich[kz.label(f"inzidenz_{h}")] = [kz.runde(x * 100, 1)
                                                for x in koh.tabelle[f"inzidenz_{h}"]]
    anzeige = vergleich.copy()
    for h in an.HORIZONTE:
        anzeige[kz.label(f"inzidenz_{h}")] = [kz.zahl(v, 1) for v in
                                              vergleich[kz.label(f"inzidenz_{h}")]]
    ui.tabelle(anzeige, key="funnel_kohorten_table", column_config={
        "Kohorte (Eintritt)": st.column_config.TextColumn(
            "Kohorte", help="Kohorte (Eintritt): die Personen mit Eintritt in diesem Quartal")})
    ui.download_buttons(vergleich, "Vermittelt nach Tagen je Kohorte", "funnel_kohorten", filt)

# --- Placements by type and sector -----------------------------------------------------------
st.header("Vermittlungen nach Art und Branche")
st.caption("Vermittlungen mit Beginn im Zeitraum; jede Vermittlung zählt (wer zweimal "
           "vermittelt wurde, zweimal). **Lokaler Betrieb** = Arbeitgeber ist ein bekannter "
           "Betrieb der Programmgebiete.")
arten = ui.query("vermittlung_arten", **params)
if arten.empty:
    ui.empty_message()
else:
    summe = int(arten["vermittlungen"].sum())
    lokal = int(arten.loc[arten["lokal"], "vermittlungen"].sum())
    logistik = int(arten.loc[arten["branche"] == "Logistik", "vermittlungen"].sum())
    m1, m2, m3 = st.columns(3)
    ui.metric(m1, "vermittlungen", summe)
    ui.metric(m2, "vermittlungen_lokal", lokal,
              hilfe=f"{ui.fmt_pct(an.anteil(lokal, summe))} aller Vermittlungen")
    ui.metric(m3, "vermittlungen_logistik", logistik,
              hilfe=f"{ui.fmt_pct(an.anteil(logistik, summe))} aller Vermittlungen")
    tabelle = pd.DataFrame({"Art": arten["art"], "Branche": arten["branche"],
                            "Lokaler Betrieb": arten["lokal"].map({True: "ja", False: "nein"}),
                            kz.label("vermittlungen"): arten["vermittlungen"],
                            kz.label("personen"): arten["personen"]})
    je_branche = tabelle.groupby("Branche", sort=False)[kz.label("vermittlungen")].sum()
    ui.chart_block(ct.arten_chart(arten, VERMITTLUNGSARTEN), tabelle,
                   "Vermittlungen nach Branche und Art", key="funnel_arten", filt=filt,
                   zusammenfassung=zf.rangfolge("Vermittlungen nach Branche", je_branche.index,
                                                je_branche.values))

# --- Exits by reason -------------------------------------------------------------------------
st.header("Austritte nach Grund")
st.caption(f"Personen mit Austritt im Zeitraum, Gruppen wie oben ({an.DIMENSIONEN[dim]}).")
aus = ui.query("vermittlung_austritte", **params, dim=dim)
if aus.empty:
    ui.empty_message()
else:
    aus = an.sortiert(aus, dim)
    tabelle, satz = zf.anteile_in_gruppen(aus, "austrittsgrund", "Austrittsgrund",
                                          "Austrittsgründe")
    ui.chart_block(ct.anteile_chart(aus, "austrittsgrund", "Austritte nach Grund",
                                    (*AUSTRITTSGRUENDE, an.OHNE_ANGABE)),
                   tabelle, "Austritte nach Grund", key="funnel_austritte", filt=filt,
                   zusammenfassung=satz)
