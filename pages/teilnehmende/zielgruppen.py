"""Zielgruppen: whom the project reaches – per group, against targets and the population,
by access route, and how the groups combine."""
import pandas as pd
import streamlit as st

from biwaq.zahlen import analytics as an
from biwaq.app import charts_teilnehmende as ct
from biwaq.zahlen import kennzahlen as kz
from biwaq.app import ui
from biwaq.app import zielstand_ui as zui
from biwaq.zahlen import zusammenfassung as zf
from biwaq.einlesen.contract import ZIELGRUPPEN_NAMEN, ZUGANGSWEGE

filt = ui.page_header(
    "Zielgruppen",
    "Wen erreicht das Projekt – Alleinerziehende, Ältere (55+), Menschen mit "
    "Migrationshintergrund, Geflüchtete, Langzeitarbeitslose? Im Vergleich mit den Zielen, mit "
    "der Bevölkerung der Stadtteile und nach Zugangsweg.")
params = filt.params()

ui.wie_gezaehlt(
    ["erreichte_personen", "eintritte", "summe_gruppen", "anteil_in_gruppe"],
    ("**Zielgruppen überschneiden sich**: Eine Person zählt einmal in jeder Gruppe, zu der "
     "sie gehört (z. B. alleinerziehend *und* langzeitarbeitslos), und einmal in jeder "
     "Gesamtzahl. Die Gruppen addieren sich deshalb nicht zur Gesamtzahl.",
     "**Ältere (55+)** und die **Altersgruppen**: Alter bei Eintritt (ohne Eintritt: bei "
     "Erstkontakt), berechnet als Jahr minus Geburtsjahr – also auf ein Jahr genau, weil "
     "das Geburtsdatum aus Datenschutzgründen nicht erfasst wird.",
     "Quartier, Zeitraum und Träger aus der Seitenleiste gelten für alle Zahlen dieser "
     "Seite. Der **Zielgruppenfilter** beschränkt die gezählten Personen auf diese Gruppe."))

if filt.zielgruppe:
    name = ZIELGRUPPEN_NAMEN[filt.zielgruppe]
    st.info(f"Zielgruppenfilter aktiv: Es zählen nur **{name}**. Die Aufschlüsselung nach "
            f"Zielgruppen zeigt deshalb, wie viele von ihnen zugleich zu den anderen Gruppen "
            f"gehören (Überschneidung), nicht die anderen Gruppen insgesamt.",
            icon=":material/filter_alt:")

# --- Reach per group -------------------------------------------------------------------------
st.header("Erreichte und eingetretene Personen")
c1, c2 = st.columns([1, 1])
dim = c1.selectbox("Aufschlüsseln nach", list(an.REICHWEITE_DIMENSIONEN),
                   format_func=an.REICHWEITE_DIMENSIONEN.get, key="reach_dim")
mass = c2.radio("Zählen", ["erreicht", "eingetreten"], horizontal=True, key="reach_mass",
                format_func={"erreicht": "Erreicht (Erstkontakt)",
                             "eingetreten": "Eingetreten (Eintritt)"}.get,
                disabled=dim == "gesamt",
                help="Ohne Aufschlüsselung zeigt das Diagramm beides nebeneinander.")
roh = ui.query("zielgruppen_reichweite", **params,
               dim=an.pruefe_dim(dim, an.REICHWEITE_DIMENSIONEN))
reich = an.reichweite_tabelle(roh, dim, filt.von, filt.bis)
gesamt = reich[reich["gruppe"] == "alle"]
m1, m2, m3 = st.columns(3)
ui.metric(m1, "erreichte_personen", gesamt["erreicht"].sum())
ui.metric(m2, "eintritte", gesamt["eingetreten"].sum())
if not gesamt.empty and gesamt["erreicht"].sum() > 0:
    je_gruppe = reich[reich["gruppe"] != "alle"].groupby("gruppe")["erreicht"].sum()
    ui.metric(m3, "summe_gruppen", je_gruppe.sum())
    m3.caption("Keine Zahl von Personen: Wer zu mehreren Gruppen gehört, zählt in jeder mit; "
               "wer zu keiner gehört, fehlt. Darum weicht die Summe von den "
               f"{kz.zahl(gesamt['erreicht'].sum())} erreichten Personen ab.")
if reich.empty or (reich["erreicht"].sum() == 0 and reich["eingetreten"].sum() == 0):
    ui.empty_message()
else:
    spalte = an.REICHWEITE_DIMENSIONEN[dim] if dim != "gesamt" else None
    tabelle = reich.rename(columns={"Auspraegung": spalte or "Auspraegung",
                                    "erreicht": kz.label("erreichte_personen"),
                                    "eingetreten": kz.label("eintritte")})
    spalten = ["Gruppe", *([spalte] if spalte else []), kz.label("erreichte_personen"),
               kz.label("eintritte")]
    gezeigt = kz.label("eintritte" if mass == "eingetreten" and dim != "gesamt"
                       else "erreichte_personen")
    if spalte:      # one row per value of the dimension: the row of all participants
        alle_tn = tabelle[tabelle["gruppe"] == "alle"]
        satz = zf.rangfolge(f"{gezeigt} nach {spalte}", alle_tn[spalte], alle_tn[gezeigt])
    else:
        gruppen = tabelle[tabelle["gruppe"] != "alle"]
        satz = (f"{gezeigt} insgesamt: {kz.zahl(tabelle.loc[tabelle['gruppe'] == 'alle', gezeigt].sum())}. "
                + zf.rangfolge("Je Zielgruppe", gruppen["Gruppe"], gruppen[gezeigt])
                + " Eine Person kann zu mehreren Gruppen gehören.")
    ui.chart_block(ct.reichweite_chart(reich, dim, mass), tabelle[spalten],
                   "Erreichte und eingetretene Personen je Zielgruppe", key="reach_gruppen",
                   filt=filt, zusammenfassung=satz)

# --- Targets: the on-track rule of biwaq/zahlen/zielstand.py (steuerung) -------------------------------
zui.abschnitt(filt, key="reach_ziele", kennzahlen=("teilnehmende", "eintritte"))

# --- Representation --------------------------------------------------------------------------
st.header("Vertretung im Vergleich zur Bevölkerung")
rep = an.repraesentation(ui.query("zielgruppen_repraesentation", **params))
if rep["teilnehmende"].iloc[-1] == 0:
    ui.empty_message()
else:
    jahre = rep[["jahr_von", "jahr_bis"]].iloc[-1]
    jahre_text = (f"{int(jahre.jahr_von)}–{int(jahre.jahr_bis)}" if pd.notna(jahre.jahr_von)
                  and jahre.jahr_von != jahre.jahr_bis else
                  f"{int(jahre.jahr_von)}" if pd.notna(jahre.jahr_von) else "–")
    st.markdown(
        "Anteil mit **Migrationshintergrund** unter den erreichten Personen neben dem "
        "Anteil in der Bevölkerung ihrer Stadtteile (Stadtteilstatistik, nach Einwohnerzahl "
        f"gewichtet, Jahre {jahre_text}). Liegt der Anteil unter den Teilnehmenden niedriger, "
        "ist die Gruppe unterdurchschnittlich erreicht.")
    tabelle = pd.DataFrame({
        "Stadtteil": rep["stadtteil"], "Quartier": rep["quartier"],
        kz.label("erreichte_personen"): rep["teilnehmende"],
        kz.label("mit_migration"): rep["mit_migration"],
        kz.label("anteil_migration_tn"): [kz.runde(x * 100, 1)
                                          for x in rep["anteil_teilnehmende"]],
        kz.label("anteil_migration_bev"): [kz.runde(x * 100, 1)
                                           for x in rep["anteil_bevoelkerung"]]})
    stadtteile = tabelle[tabelle["Stadtteil"] != "Insgesamt"]
    satz = zf.vergleich("Der Anteil mit Migrationshintergrund", stadtteile["Stadtteil"],
                        stadtteile[kz.label("anteil_migration_tn")],
                        stadtteile[kz.label("anteil_migration_bev")],
                        "unter den erreichten Personen", "in der Bevölkerung")
    ui.chart_block(ct.repraesentation_chart(rep), tabelle,
                   "Migrationshintergrund Teilnehmende und Bevölkerung", key="reach_rep",
                   filt=filt, zusammenfassung=satz)
    if filt.zielgruppe:
        st.caption(f"Der Zielgruppenfilter gilt auch hier: Anteil unter den erreichten "
                   f"{ZIELGRUPPEN_NAMEN[filt.zielgruppe]}.")
st.caption(
    "Für **Alleinerziehende, Ältere (55+), Geflüchtete und Langzeitarbeitslose** enthält die "
    "Stadtteilstatistik des Datenvertrags keine Bevölkerungszahl. Für diese Gruppen ist ein "
    "Vergleich mit der Bevölkerung deshalb hier nicht möglich; es werden keine Zahlen "
    "geschätzt.")

# --- Access routes ---------------------------------------------------------------------------
st.header("Zugangswege")
st.markdown("Über welchen Weg kamen die erreichten Personen ins Projekt? Grundlage für die "
            "Entscheidung, wo aufsuchende Arbeit und Stunden im KONTAKT-Laden wirken.")
zdim = st.selectbox("Zeilen", list(an.DIMENSIONEN), format_func=an.DIMENSIONEN.get,
                    key="reach_zugang_dim")
zug = ui.query("zielgruppen_zugangswege", **params, dim=an.pruefe_dim(zdim, an.DIMENSIONEN))
if zug.empty:
    ui.empty_message()
else:
    zug = an.sortiert(zug, zdim)
    tabelle, satz = zf.anteile_in_gruppen(zug, "zugangsweg", "Zugangsweg", "Zugangswege")
    ui.chart_block(ct.anteile_chart(zug, "zugangsweg", "Zugangswege je Gruppe", ZUGANGSWEGE),
                   tabelle, "Zugangswege je Gruppe", key="reach_zugang", filt=filt,
                   zusammenfassung=satz)

# --- Combinations ----------------------------------------------------------------------------
st.header("Kombinationen der Zielgruppen")
st.markdown("Wie viele erreichte Personen gehören zu zwei Gruppen zugleich? Auf der Diagonale "
            "steht die Größe der Gruppe.")
komb = ui.query("zielgruppen_kombinationen", **params)
if komb.empty:
    ui.empty_message()
else:
    matrix = an.kombinationsmatrix(komb)
    lang = matrix.stack().rename("Personen").reset_index()
    lang.columns = ["Gruppe", "und Gruppe", kz.label("personen")]
    groesse = lang["Gruppe"].map({n: matrix.loc[n, n] for n in matrix.index})
    lang[kz.label("anteil_an_gruppe")] = [kz.prozentwert("anteil_an_gruppe", p, g)
                                          for p, g in zip(lang[kz.label("personen")], groesse)]
    ui.chart_block(ct.kombinationen_chart(matrix), lang, "Kombinationen der Zielgruppen",
                   key="reach_kombi", filt=filt,
                   zusammenfassung=zf.paare(lang["Gruppe"], lang["und Gruppe"],
                                            lang[kz.label("personen")]))
