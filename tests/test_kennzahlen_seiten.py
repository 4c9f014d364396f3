"""Figures on the pages against the catalogue and against an independent computation.

1. Every key figure and table column header shown on any page (AppTest, several filter
   combinations) is a figure of the catalogue (biwaq.zahlen.kennzahlen) or a named attribute column.
2. Figures sampled from every page agree with a computation from the raw contract files
   data/demo/*.csv written here with pandas only – none of the project's SQL, marts or
   helpers (issue 10: "checked against an independent computation").
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from biwaq.zahlen import kennzahlen as kz
from biwaq.einlesen.contract import BERATUNGSFORMATE, QUARTIERE, STADTTEILE
from biwaq.app.registry import PAGES
from browser import parse_int
from conftest import ROOT

D = dt.date
DEMO = ROOT / "data" / "demo"
START, ENDE = D(2015, 10, 1), D(2018, 12, 31)

# Filter combinations of the issue: none; Süd-Ost + 01.04.–30.06.2017 + Alleinerziehende;
# Träger Euratibor + 2016.
KOMBINATIONEN = {
    "ohne Filter": dict(),
    "Süd-Ost Q2 2017 Alleinerziehende": dict(quartier="Süd-Ost", von=D(2017, 4, 1),
                                             bis=D(2017, 6, 30), zielgruppe="alleinerziehend"),
    "Euratibor 2016": dict(traeger="Euratibor", von=D(2016, 1, 1), bis=D(2016, 12, 31)),
}


# --- AppTest helpers -----------------------------------------------------------------------

def seite(pfad: str, quartier=None, traeger=None, zielgruppe=None, von=START,
          bis=ENDE) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    at.switch_page(pfad).run()
    if quartier:
        at.selectbox(key="filter_quartier").set_value(quartier)
    if traeger:
        at.selectbox(key="filter_traeger").set_value(traeger)
    if zielgruppe:
        at.selectbox(key="filter_zielgruppe").set_value(zielgruppe)
    at.date_input(key="filter_zeitraum").set_value((von, bis))
    at.run()
    assert not at.exception, at.exception
    return at


def metriken(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def spalten(at: AppTest) -> set[str]:
    return {str(c) for d in [*at.dataframe, *at.table] for c in d.value.columns}


def kategorie(spalte: str) -> bool:
    """A pivoted table's column named after a value of a dimension (a year, a Quartier, a
    district, a consultation format): the cells are the figure, the header is no figure."""
    return (bool(re.fullmatch(r"\d{4}", spalte)) or spalte in QUARTIERE
            or spalte in STADTTEILE or spalte in BERATUNGSFORMATE)


# --- 1. Everything shown is in the catalogue -------------------------------------------------

@pytest.mark.parametrize("kombi", list(KOMBINATIONEN))
def test_every_figure_on_every_page_is_in_the_catalogue(demo_env, kombi):
    labels = {k.label for k in kz.alle()}
    fehlt = {}
    for p in PAGES:
        at = seite(p.path, **KOMBINATIONEN[kombi])
        unbekannt = ({f"Kennzahl {m}" for m in metriken(at) if m not in labels}
                     | {f"Spalte {c}" for c in spalten(at)
                        if c not in labels and c not in kz.MERKMALE and not kategorie(c)})
        if unbekannt:
            fehlt[p.path] = sorted(unbekannt)
    assert not fehlt, fehlt


def test_what_wirtschaft_sees_is_in_the_catalogue(demo_env):
    """Role `wirtschaft` (issue 13): the protected placements on Betriebe are their own
    figure (filters do not apply, small counts suppressed), not the steering committee's
    „Vermittlungen in lokale Betriebe“; the Leerstand page's requests are catalogue figures."""
    from test_auth import als_rolle

    labels = {k.label for k in kz.alle()}
    fehlt = {}
    for pfad in ("pages/oekonomie/betriebe.py", "pages/oekonomie/leerstand.py"):
        at = als_rolle("wirtschaft", pfad)
        unbekannt = ({m for m in metriken(at) if m not in labels}
                     | {c for c in spalten(at) if c not in labels and c not in kz.MERKMALE
                        and not kategorie(c)})
        if unbekannt:
            fehlt[pfad] = sorted(unbekannt)
        if pfad.endswith("betriebe.py"):
            gezeigt = set(metriken(at))
            assert kz.label("vermittlungen_lokale_betriebe_geschuetzt") in gezeigt
            assert kz.label("vermittlungen_lokale_betriebe") not in gezeigt
        else:
            assert {kz.label(k) for k in ("gesuche_offen", "gesuche_mit_passendem",
                                          "gesuche_vermittelt")} <= set(metriken(at))
    assert not fehlt, fehlt


def test_the_check_would_catch_a_figure_missing_from_the_catalogue(demo_env, monkeypatch):
    # without "Eintritte" in the catalogue, the Übersicht would be reported
    monkeypatch.setattr(kz, "KATALOG", tuple(k for k in kz.KATALOG if k.label != "Eintritte"))
    labels = {k.label for k in kz.KATALOG}
    at = seite("pages/ueberblick/uebersicht.py")
    assert "Eintritte" in set(metriken(at)) - labels


def test_how_it_is_counted_is_the_catalogue_text(demo_env):
    at = seite("pages/ueberblick/uebersicht.py")
    text = " ".join(e.markdown[0].value for e in at.expander
                    if e.label == "Wie wird gezählt?")
    for kid in ("erreichte_personen", "eintritte", "vermittelte_personen", "verbleib_personen"):
        assert kz.get(kid).definition in text, kid
    at = seite("pages/teilnehmende/vermittlung.py")
    text = " ".join(e.markdown[0].value for e in at.expander
                    if e.label == "Wie wird gezählt?")
    for kid in ("kohorte_erstkontakte", "vermittlungen", "inzidenz_kumulativ"):
        assert kz.get(kid).definition in text, kid


# --- 2. An independent computation from the raw files ---------------------------------------

def _csv(name: str) -> pd.DataFrame:
    df = pd.read_csv(DEMO / f"{name}.csv", sep=";", encoding="utf-8-sig", dtype=str,
                     keep_default_na=False)
    for c in df.columns:
        if df[c].str.fullmatch(r"\d{2}\.\d{2}\.\d{4}|").all() and (df[c] != "").any():
            df[c] = pd.to_datetime(df[c].replace("", None), format="%d.%m.%Y")
        elif set(df[c].unique()) <= {"ja", "nein", ""}:
            df[c] = df[c].eq("ja")
    return df.replace("", None)


@pytest.fixture(scope="module")
def roh() -> dict[str, pd.DataFrame]:
    return {n: _csv(n) for n in ("teilnehmende", "vermittlungen", "betriebe", "beratungen",
                                 "leerstaende")}


def _im(s: pd.Series, von, bis) -> pd.Series:
    return s.notna() & (s >= pd.Timestamp(von)) & (s <= pd.Timestamp(bis))


def erwartet(roh, quartier=None, traeger=None, zielgruppe=None, von=START, bis=ENDE) -> dict:
    """The figures by their definitions in the catalogue, from the raw files."""
    tn = roh["teilnehmende"].copy()
    # age at entry (else first contact) = year − birth year; 55+ is a target group
    jahr = tn["eintritt"].fillna(tn["erstkontakt"]).dt.year
    tn["55plus"] = (jahr - tn["geburtsjahr"].astype(int)) >= 55
    if quartier:
        tn = tn[tn["quartier"] == quartier]
    if traeger:
        tn = tn[tn["traeger"] == traeger]
    if zielgruppe:
        tn = tn[tn[zielgruppe].astype(bool)]
    vm = roh["vermittlungen"]
    vm_tn = vm[vm["tn_id"].isin(tn["tn_id"])]
    vm_zeit = vm_tn[_im(vm_tn["beginn"], von, bis)]
    gruppen = ["alleinerziehend", "55plus", "migrationshintergrund", "schutzsuchend",
               "langzeitarbeitslos"]
    erreicht = tn[_im(tn["erstkontakt"], von, bis)]
    kohorte = erreicht
    k_vm = vm[vm["tn_id"].isin(kohorte["tn_id"])]

    be, ber = roh["betriebe"], roh["beratungen"]
    ber_zeit = ber[_im(ber["datum"], von, bis)]
    beraten = be[be["betrieb_id"].isin(ber_zeit["betrieb_id"])]
    if quartier:
        beraten = beraten[beraten["quartier"] == quartier]
    lokal = vm_zeit[vm_zeit["betrieb_id"].notna()]
    # placements into local firms: Träger/Zielgruppe for the person (all persons when
    # Quartier is the only filter: the Quartier is the firm's seat), Quartier for the firm
    tn_alle = roh["teilnehmende"].copy()
    tn_alle["55plus"] = (tn_alle["eintritt"].fillna(tn_alle["erstkontakt"]).dt.year
                         - tn_alle["geburtsjahr"].astype(int)) >= 55
    if traeger:
        tn_alle = tn_alle[tn_alle["traeger"] == traeger]
    if zielgruppe:
        tn_alle = tn_alle[tn_alle[zielgruppe].astype(bool)]
    firm = vm[vm["tn_id"].isin(tn_alle["tn_id"]) & _im(vm["beginn"], von, bis)
              & vm["betrieb_id"].notna()].merge(be[["betrieb_id", "quartier"]], on="betrieb_id")
    if quartier:
        firm = firm[firm["quartier"] == quartier]
    le = roh["leerstaende"]
    wieder = le[_im(le["wiederbelegt_am"], von, bis)]
    if quartier:
        wieder = wieder[wieder["quartier"] == quartier]
    return {
        "uebersicht": {
            "Erreichte Personen": len(erreicht),
            "Eintritte": int(_im(tn["eintritt"], von, bis).sum()),
            "Vermittelte Personen": vm_zeit["tn_id"].nunique(),
            "Verbleib nach 6 Monaten":
                vm_zeit.loc[vm_zeit["verbleib_6m"] == "ja", "tn_id"].nunique(),
            "Beratene Betriebe": len(beraten),
            "Wiederbelegte Leerstände": len(wieder),
        },
        "vermittlung": {
            "Erstkontakte (Kohorte)": len(kohorte),
            "davon eingetreten": int(kohorte["eintritt"].notna().sum()),
            "davon vermittelt": k_vm["tn_id"].nunique(),
            "davon Verbleib 6 Monate":
                k_vm.loc[k_vm["verbleib_6m"] == "ja", "tn_id"].nunique(),
            "Vermittlungen": len(vm_zeit),
            "bei lokalen Betrieben": len(lokal),
            "in der Logistik": int((vm_zeit["branche"] == "Logistik").sum()),
        },
        "zielgruppen": {
            "Erreichte Personen": len(erreicht),
            "Eintritte": int(_im(tn["eintritt"], von, bis).sum()),
            "Summe der fünf Gruppen": int(sum(erreicht[g].astype(bool).sum() for g in gruppen)),
        },
        "esf_indikatoren": {
            "Teilnehmende (Eintritte im Zeitraum)": int(_im(tn["eintritt"], von, bis).sum()),
            "Austritte im Zeitraum": int(_im(tn["austritt"], von, bis).sum()),
        },
        "betriebe": {
            "Beratene Betriebe": len(beraten),
            "davon Migrantenökonomie": int(beraten["migrantenoekonomie"].astype(bool).sum()),
            "Beratungen im Zeitraum":
                int(ber_zeit["betrieb_id"].isin(beraten["betrieb_id"]).sum()),
            "Vermittlungen in lokale Betriebe": len(firm),
            "Einstellende Betriebe": firm["betrieb_id"].nunique(),
        },
    }


SEITEN = {"uebersicht": "pages/ueberblick/uebersicht.py",
          "vermittlung": "pages/teilnehmende/vermittlung.py",
          "zielgruppen": "pages/teilnehmende/zielgruppen.py",
          "esf_indikatoren": "pages/teilnehmende/esf_indikatoren.py",
          "betriebe": "pages/oekonomie/betriebe.py"}


@pytest.mark.parametrize("kombi", list(KOMBINATIONEN))
def test_page_figures_agree_with_the_raw_files(demo_env, roh, kombi):
    filt = KOMBINATIONEN[kombi]
    soll = erwartet(roh, **filt)
    abweichungen = {}
    for name, pfad in SEITEN.items():
        gezeigt = metriken(seite(pfad, **filt))
        for label, wert in soll[name].items():
            if label not in gezeigt:
                # a figure is only drawn when its block has data (e.g. no placements)
                assert wert == 0, (name, label, "fehlt", wert)
                continue
            if parse_int(gezeigt[label]) != wert:
                abweichungen[(name, label)] = (gezeigt[label], wert)
    assert not abweichungen, abweichungen


def test_same_label_same_figure_events_versus_cohort(demo_env, roh):
    """Issue 10.1 with Süd-Ost, 01.04.–30.06.2017, Alleinerziehende: the Übersicht counts
    events in the period (entries 6, persons placed 1, of them still in work 1), the
    Vermittlung page its cohort by first contact (7 entered, 2 placed, 0 in work after 6
    months) – under different labels now. Unfiltered, 'Vermittelte Personen' (177 people) and
    'Vermittlungen' (184 placements) are different figures with different labels."""
    filt = KOMBINATIONEN["Süd-Ost Q2 2017 Alleinerziehende"]
    ue = metriken(seite(SEITEN["uebersicht"], **filt))
    ve = metriken(seite(SEITEN["vermittlung"], **filt))
    assert [parse_int(ue[k]) for k in ("Eintritte", "Vermittelte Personen",
                                       "Verbleib nach 6 Monaten")] \
        == [6, 1, 1]
    assert [parse_int(ve[k]) for k in ("davon eingetreten", "davon vermittelt",
                                       "davon Verbleib 6 Monate")] == [7, 2, 0]
    assert not set(ue) & set(ve)                     # no label on both pages
    soll = erwartet(roh, **filt)                      # and the raw files agree
    assert soll["uebersicht"]["Eintritte"] == 6 and soll["vermittlung"]["davon eingetreten"] == 7
    ue = metriken(seite(SEITEN["uebersicht"]))
    ve = metriken(seite(SEITEN["vermittlung"]))
    assert parse_int(ue["Vermittelte Personen"]) == 177
    assert parse_int(ve["Vermittlungen"]) == 184
    assert "Vermittlungen" not in ue


def test_vermittlung_says_which_cohort_each_part_counts(demo_env, roh):
    """Issue 10.8: the page called its cohort 'Erstkontakt im Zeitraum' where the incidence
    table counts entries in the period. Each part now says its cohort, and the incidence
    table's entries are the persons with Eintritt in the period (Träger Euratibor, 2016)."""
    filt = KOMBINATIONEN["Euratibor 2016"]
    at = seite(SEITEN["vermittlung"], **filt)
    texte = " ".join(m.value for m in [*at.markdown, *at.info])
    assert "Kohorte hier: Personen mit **Eintritt im Zeitraum**" in texte
    assert "**Trichter** und **Zeit zwischen den Stufen**: Personen mit **Erstkontakt im " \
           "Zeitraum**" in texte
    tab = next(d.value for d in at.dataframe if "Beobachtet mindestens (Tage)" in d.value.columns)
    tn = roh["teilnehmende"]
    eintritte = tn[(tn["traeger"] == "Euratibor") & _im(tn["eintritt"], filt["von"], filt["bis"])]
    erstkontakte = tn[(tn["traeger"] == "Euratibor")
                      & _im(tn["erstkontakt"], filt["von"], filt["bis"])]
    assert tab["Eintritte"].sum() == len(eintritte) != len(erstkontakte)
    assert parse_int(metriken(at)["Erstkontakte (Kohorte)"]) == len(erstkontakte)


def test_vacant_area_is_rounded_not_cut(demo_env, roh):
    """Issue 10.3: the demo's vacant area at the end of 2018 is 76 074.5 m² (sum of the units
    not re-let by 31.12.2018, from the raw file); shown as 76.075 m², not 76.074."""
    le = roh["leerstaende"]
    wieder = le["wiederbelegt_am"].where(le["status"] == "wiederbelegt")
    leer = le[wieder.isna() | (wieder > pd.Timestamp(ENDE))]
    flaeche = leer["flaeche_m2"].str.replace(".", "").str.replace(",", ".").astype(float).sum()
    assert flaeche == 76074.5
    at = seite("pages/oekonomie/leerstand.py")
    assert metriken(at)["Leerstehende Fläche"] == "76.075 m²"


def test_time_between_stages_table_agrees_with_funnel_and_text(demo_env):
    """Issue 10.2, unfiltered: 'aktiv begleitet → Praxiserfahrung' showed 316 people, median
    111 days, against 323 / 108 by the caption; the 7 people with a practice before their
    first coaching were left out (316 + 7 = 323). Now the table counts all 323 – the funnel's
    transition – with the 7 shown, reversed order as 0 days: median 108."""
    at = seite(SEITEN["vermittlung"])
    zeiten = next(d.value for d in at.dataframe if "Median (Tage)" in d.value.columns)
    zeile = zeiten[(zeiten["Gruppe"] == "Alle Teilnehmenden")
                   & (zeiten["Schritt"] == "Aktiv begleitet → Praxiserfahrung")].iloc[0]
    assert (zeile["Personen mit beiden Stufen"], zeile["davon in anderer Reihenfolge"],
            zeile["Median (Tage)"]) == (323, 7, 108)
    trichter = next(d.value for d in at.dataframe if "Übergangsquote (%)" in d.value.columns)
    alle = trichter[trichter["Gruppe"] == "Alle Teilnehmenden"].set_index("Stufe")
    # the funnel: 722 actively supported, of them 323 with practice = 44.7 %
    assert alle.loc["Aktiv begleitet", "Personen"] == 722
    assert alle.loc["Praxiserfahrung", "Übergangsquote (%)"] == kz.runde(100 * 323 / 722, 1)


def test_funnel_stage_and_overview_figure_have_different_labels(demo_env):
    """Attacker test 29.11.2026: for Zeitraum 2017 Übersicht showed „Verbleib nach 6 Monaten“
    55 (placements begun in the period) and the Vermittlung funnel 34 under the same words
    (people of the period's first contacts). The funnel's stage now carries the catalogue
    label of its own figure, the same number as the metric above it."""
    von, bis = dt.date(2017, 1, 1), dt.date(2017, 12, 31)
    ue = metriken(seite(SEITEN["uebersicht"], von=von, bis=bis))
    at = seite(SEITEN["vermittlung"], von=von, bis=bis)
    ve = metriken(at)
    stufe = kz.label("kohorte_verbleib")
    trichter = next(d.value for d in at.dataframe if "Stufe" in d.value.columns)
    stufen = set(trichter["Stufe"])
    assert "Verbleib nach 6 Monaten" in ue and "Verbleib nach 6 Monaten" not in stufen
    assert stufe in stufen
    alle = trichter[trichter["Gruppe"] == trichter["Gruppe"].iloc[0]].set_index("Stufe")
    assert int(alle.loc[stufe, kz.label("personen")]) == parse_int(ve[stufe])
