"""Participant analytics (issue 3): the queries and computations on a hand-made fixture of
twelve people, every expected number worked out by hand in the comments."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from biwaq.zahlen import analytics as an
from biwaq.zahlen import zielstand as zs
from biwaq.speicher.filters import Filter
from biwaq.speicher.queries import run_query

D = dt.date

# Defaults (tests/conftest.py): Magdeburger Allee, Ilversgehofen, KIK, w, born 1980, in no
# group, Jobcenter. Age = year of entry (else of first contact) − birth year.
#
#  id   sex born age band      groups                     contact    entry      exit (reason)
#  P01  w   1985 31 30 bis 44  alleinerz., migration      2016-01-10 2016-01-20 2016-09-30 Arbeitsa.
#  P02  m   1958 58 55+        55plus, langzeitarbeitslos 2016-02-01 2016-02-15 2016-12-31 Maßnahme.
#  P03  m   1995 21 unter 30   migration, schutzsuchend   2016-03-01 2016-03-10 2017-03-10 Maßnahme.
#       (Süd-Ost, Herrenberg, Euratibor, Aufsuchende Arbeit)
#  P04  w   1980 36 30 bis 44  langzeitarbeitslos         2016-04-01 2016-04-05 2017-04-05 Sonstiges
#  P05  w   1990 26 unter 30   alleinerz., langzeitarb.   2016-05-02 –          –
#       (no district, KONTAKT-Laden)
#  P06  d   1955 62 55+        55plus, migration          2017-01-09 2017-01-16 –
#       (Süd-Ost, Wiesenhügel, Bürgerpate)
#  P07  m   1970 47 45 bis 54  langzeitarbeitslos         2017-02-01 2017-02-06 2017-08-31 Ausbildung
#  P08  m   1996 21 unter 30   –                          2017-06-01 2017-06-01 2017-12-01 Abbruch
#  P09  w   1988 30 30 bis 44  migration, langzeitarb.    2018-03-01 2018-03-05 2018-10-31 Arbeitsa.
#       (Euratibor)
#  P10  w   1960 58 55+        55plus                     2018-07-02 2018-07-09 –
#  P11  m   1980 35 30 bis 44  –                          2015-09-01 2015-10-05 2016-03-31 Weiterb.
#  P12  w   1980 38 30 bis 44  alleinerziehend            2018-12-31 –          –
#       (Süd-Ost, Melchendorf, KONTAKT-Laden)
#
# Activities: P01 Coaching 2016-02-01, Praktikum 2016-05-02; P02 Case Management 2016-03-01,
# Schnuppertag 2016-06-01; P03 Coaching 2016-04-01, Schnuppertag 2016-06-01; P04 Coaching
# 2016-05-01, Betriebsbesichtigung 2016-07-01; P06 Coaching 2017-02-01; P07 Case Management
# 2017-03-01, Praktikum 2017-05-02; P08 Erstgespräch 2017-06-01 (no stage); P09 Coaching
# 2018-03-15; P11 Coaching 2015-10-10.
# Placements: P01 Geringfügig 2016-08-01 (verbleib nein) and SV-pflichtig Vollzeit 2016-09-15
# (Logistik, local business B1, ja); P03 Geringfügig 2017-04-06 = exit + 27 days (Gastronomie,
# nein); P04 SV-pflichtig Teilzeit 2017-05-04 = exit + 29 days (Handel, ja); P07 Ausbildung
# 2017-09-01 (Handwerk, B1, ja); P09 Selbstständig 2018-06-04 (no sector, verbleib unknown).
# Data stand: 2018-12-31 (P12's first contact is the latest event).
TEILNEHMENDE = [
    dict(tn_id="P01", geburtsjahr=1985, alleinerziehend=True, migrationshintergrund=True,
         bildungsniveau="ISCED 3-4", erstkontakt=D(2016, 1, 10), eintritt=D(2016, 1, 20),
         austritt=D(2016, 9, 30), austrittsgrund="Arbeitsaufnahme"),
    dict(tn_id="P02", geschlecht="m", geburtsjahr=1958, langzeitarbeitslos=True,
         stadtteil="Andreasvorstadt", bildungsniveau="ISCED 0-2", erstkontakt=D(2016, 2, 1),
         eintritt=D(2016, 2, 15), austritt=D(2016, 12, 31), austrittsgrund="Maßnahmeende"),
    dict(tn_id="P03", geschlecht="m", geburtsjahr=1995, migrationshintergrund=True,
         schutzsuchend=True, quartier="Süd-Ost", stadtteil="Herrenberg", traeger="Euratibor",
         zugangsweg="Aufsuchende Arbeit", bildungsniveau="ISCED 0-2",
         erstkontakt=D(2016, 3, 1), eintritt=D(2016, 3, 10), austritt=D(2017, 3, 10),
         austrittsgrund="Maßnahmeende"),
    dict(tn_id="P04", langzeitarbeitslos=True, bildungsniveau="ISCED 3-4",
         erstkontakt=D(2016, 4, 1), eintritt=D(2016, 4, 5), austritt=D(2017, 4, 5),
         austrittsgrund="Sonstiges"),
    dict(tn_id="P05", geburtsjahr=1990, alleinerziehend=True, langzeitarbeitslos=True,
         stadtteil=None, zugangsweg="KONTAKT-Laden", erstkontakt=D(2016, 5, 2)),
    dict(tn_id="P06", geschlecht="d", geburtsjahr=1955, migrationshintergrund=True,
         quartier="Süd-Ost", stadtteil="Wiesenhügel", zugangsweg="Bürgerpate",
         bildungsniveau="ISCED 5-8", erstkontakt=D(2017, 1, 9), eintritt=D(2017, 1, 16)),
    dict(tn_id="P07", geschlecht="m", geburtsjahr=1970, langzeitarbeitslos=True,
         bildungsniveau="ISCED 3-4", erstkontakt=D(2017, 2, 1), eintritt=D(2017, 2, 6),
         austritt=D(2017, 8, 31), austrittsgrund="Ausbildung"),
    dict(tn_id="P08", geschlecht="m", geburtsjahr=1996, bildungsniveau="ISCED 0-2",
         erstkontakt=D(2017, 6, 1), eintritt=D(2017, 6, 1), austritt=D(2017, 12, 1),
         austrittsgrund="Abbruch"),
    dict(tn_id="P09", geburtsjahr=1988, migrationshintergrund=True, langzeitarbeitslos=True,
         traeger="Euratibor", erstkontakt=D(2018, 3, 1), eintritt=D(2018, 3, 5),
         austritt=D(2018, 10, 31), austrittsgrund="Arbeitsaufnahme"),
    dict(tn_id="P10", geburtsjahr=1960, bildungsniveau="ISCED 3-4", erstkontakt=D(2018, 7, 2),
         eintritt=D(2018, 7, 9)),
    dict(tn_id="P11", geschlecht="m", bildungsniveau="ISCED 5-8", erstkontakt=D(2015, 9, 1),
         eintritt=D(2015, 10, 5), austritt=D(2016, 3, 31), austrittsgrund="Weiterbildung"),
    dict(tn_id="P12", alleinerziehend=True, quartier="Süd-Ost", stadtteil="Melchendorf",
         zugangsweg="KONTAKT-Laden", erstkontakt=D(2018, 12, 31)),
]
AKTIVITAETEN = [
    dict(tn_id="P01", datum=D(2016, 2, 1), art="Coaching"),
    dict(tn_id="P01", datum=D(2016, 5, 2), art="Praktikum"),
    dict(tn_id="P02", datum=D(2016, 3, 1), art="Case Management"),
    dict(tn_id="P02", datum=D(2016, 6, 1), art="Schnuppertag"),
    dict(tn_id="P03", datum=D(2016, 4, 1), art="Coaching"),
    dict(tn_id="P03", datum=D(2016, 6, 1), art="Schnuppertag"),
    dict(tn_id="P04", datum=D(2016, 5, 1), art="Coaching"),
    dict(tn_id="P04", datum=D(2016, 7, 1), art="Betriebsbesichtigung"),
    dict(tn_id="P06", datum=D(2017, 2, 1), art="Coaching"),
    dict(tn_id="P07", datum=D(2017, 3, 1), art="Case Management"),
    dict(tn_id="P07", datum=D(2017, 5, 2), art="Praktikum"),
    dict(tn_id="P08", datum=D(2017, 6, 1), art="Erstgespräch"),
    dict(tn_id="P09", datum=D(2018, 3, 15), art="Coaching"),
    dict(tn_id="P11", datum=D(2015, 10, 10), art="Coaching"),
]
VERMITTLUNGEN = [
    dict(tn_id="P01", beginn=D(2016, 8, 1), art="Geringfügig", branche="Handel",
         verbleib_6m="nein"),
    dict(tn_id="P01", beginn=D(2016, 9, 15), art="SV-pflichtig Vollzeit", branche="Logistik",
         betrieb_id="B1", verbleib_6m="ja"),
    dict(tn_id="P03", beginn=D(2017, 4, 6), art="Geringfügig", branche="Gastronomie",
         verbleib_6m="nein"),
    dict(tn_id="P04", beginn=D(2017, 5, 4), art="SV-pflichtig Teilzeit", branche="Handel",
         verbleib_6m="ja"),
    dict(tn_id="P07", beginn=D(2017, 9, 1), art="Ausbildung", branche="Handwerk",
         betrieb_id="B1", verbleib_6m="ja"),
    dict(tn_id="P09", beginn=D(2018, 6, 4), art="Selbstständig"),
]
# Population: two reference years in the period, one (2014) outside it, one district outside
# the programme areas; Andreasvorstadt 2017 has no migration share.
STADTTEILE = [
    dict(stadtteil="Ilversgehofen", quartier="Magdeburger Allee", jahr=2014, einwohner=10000,
         migrationsanteil=50.0),
    dict(stadtteil="Ilversgehofen", quartier="Magdeburger Allee", jahr=2016, einwohner=10000,
         migrationsanteil=10.0),
    dict(stadtteil="Ilversgehofen", quartier="Magdeburger Allee", jahr=2017, einwohner=10000,
         migrationsanteil=12.0),
    dict(stadtteil="Andreasvorstadt", quartier="Magdeburger Allee", jahr=2016, einwohner=5000,
         migrationsanteil=4.0),
    dict(stadtteil="Andreasvorstadt", quartier="Magdeburger Allee", jahr=2017, einwohner=5000,
         migrationsanteil=None),
    dict(stadtteil="Herrenberg", quartier="Süd-Ost", jahr=2016, einwohner=8000,
         migrationsanteil=9.0),
    dict(stadtteil="Herrenberg", quartier="Süd-Ost", jahr=2017, einwohner=8000,
         migrationsanteil=9.0),
    dict(stadtteil="Übriges Stadtgebiet", quartier=None, jahr=2016, einwohner=100000,
         migrationsanteil=5.0),
]
ZIELE = [
    dict(kennzahl="teilnehmende", zielwert=20),
    dict(kennzahl="teilnehmende", zielgruppe="langzeitarbeitslos", zielwert=4),
    dict(kennzahl="eintritte", quartier="Süd-Ost", zielwert=4),
    dict(kennzahl="eintritte", zielgruppe="55plus", zielwert=6),
    dict(kennzahl="vermittlungen", zielwert=99),            # not a reach target: never shown
]
FIXTURE = dict(teilnehmende=TEILNEHMENDE, aktivitaeten=AKTIVITAETEN,
               vermittlungen=VERMITTLUNGEN, betriebe=[dict(betrieb_id="B1")],
               stadtteile=STADTTEILE, ziele=ZIELE)


@pytest.fixture
def con(db_factory):
    return db_factory(**FIXTURE)


def q(con, name, filt: Filter = Filter(), **extra) -> pd.DataFrame:
    return run_query(name, con, **filt.params(), **extra)


def test_fixture_data_stand(con):
    assert con.execute("select distinct datenstand from mart_tn_verlauf").fetchall() == [
        (D(2018, 12, 31),)]


# --- Reach and overlap -------------------------------------------------------------------------

def test_reach_per_group_overlaps(con):
    df = q(con, "zielgruppen_reichweite", dim="gesamt").set_index("gruppe")
    # Reached = first contact 01.10.2015–31.12.2018: everyone but P11 (contact 2015-09-01) → 11.
    # Enrolled = entry in the period: P01–P04, P06–P11 → 10 (P05, P12 never enrolled).
    assert df.loc["alle", ["erreicht", "eingetreten"]].tolist() == [11, 10]
    # alleinerziehend: P01, P05, P12 reached, only P01 enrolled.
    assert df.loc["alleinerziehend", ["erreicht", "eingetreten"]].tolist() == [3, 1]
    # 55plus: P02 (58), P06 (62), P10 (58), all enrolled.
    assert df.loc["55plus", ["erreicht", "eingetreten"]].tolist() == [3, 3]
    # migration: P01, P03, P06, P09.
    assert df.loc["migrationshintergrund", ["erreicht", "eingetreten"]].tolist() == [4, 4]
    assert df.loc["schutzsuchend", ["erreicht", "eingetreten"]].tolist() == [1, 1]    # P03
    # long-term unemployed: P02, P04, P05, P07, P09 reached; P05 not enrolled.
    assert df.loc["langzeitarbeitslos", ["erreicht", "eingetreten"]].tolist() == [5, 4]
    # Overlap: the groups sum to 3+3+4+1+5 = 16 > 11 persons.
    assert df.drop(index="alle")["erreicht"].sum() == 16


def test_reach_with_group_filter_shows_overlap(con):
    df = q(con, "zielgruppen_reichweite", Filter(zielgruppe="migrationshintergrund"),
           dim="gesamt").set_index("gruppe")["erreicht"]
    # Only P01, P03, P06, P09 count; the other groups show who of them also belongs there:
    # P01 single parent, P06 55+, P03 refugee, P09 long-term unemployed.
    assert df.to_dict() == {"alle": 4, "migrationshintergrund": 4, "alleinerziehend": 1,
                            "55plus": 1, "schutzsuchend": 1, "langzeitarbeitslos": 1}


def test_reach_by_quarter_uses_the_event_date(con):
    df = q(con, "zielgruppen_reichweite", dim="quartal")
    alle = df[df.gruppe == "alle"].set_index("auspraegung")
    # Contacts: 2016 Q1 P01 P02 P03; Q2 P04 P05; 2017 Q1 P06 P07; Q2 P08; 2018 Q1 P09;
    # Q3 P10; Q4 P12.
    assert alle["erreicht"][alle["erreicht"] > 0].to_dict() == {
        "2016 Q1": 3, "2016 Q2": 2, "2017 Q1": 2, "2017 Q2": 1, "2018 Q1": 1, "2018 Q3": 1,
        "2018 Q4": 1}
    # Entries: 2015 Q4 P11 (entry 2015-10-05, contact before the period); 2016 Q1 P01 P02 P03;
    # 2016 Q2 P04; 2017 Q1 P06 P07; Q2 P08; 2018 Q1 P09; Q3 P10.
    assert alle["eingetreten"][alle["eingetreten"] > 0].to_dict() == {
        "2015 Q4": 1, "2016 Q1": 3, "2016 Q2": 1, "2017 Q1": 2, "2017 Q2": 1, "2018 Q1": 1,
        "2018 Q3": 1}
    # Filled table: every quarter of the period, zeros where nothing happened.
    voll = an.reichweite_tabelle(df, "quartal", D(2015, 10, 1), D(2018, 12, 31))
    alle_voll = voll[voll.gruppe == "alle"]
    assert len(alle_voll) == 13 and alle_voll["erreicht"].sum() == 11
    assert alle_voll.set_index("Auspraegung").loc["2016 Q3", "erreicht"] == 0
    assert len(voll) == 6 * 13                       # 'alle' + five groups, 13 quarters each


@pytest.mark.parametrize("dim, erwartet", [
    # sex of the 11 reached: w P01 P04 P05 P09 P10 P12; m P02 P03 P07 P08; d P06
    ("geschlecht", {"w": 6, "m": 4, "d": 1}),
    # unter 30: P03 P05 P08; 30–44: P01 P04 P09 P12; 45–54: P07; 55+: P02 P06 P10
    ("altersgruppe", {"unter 30": 3, "30 bis 44": 4, "45 bis 54": 1, "55 und älter": 3}),
    ("quartier", {"Magdeburger Allee": 8, "Süd-Ost": 3}),      # Süd-Ost: P03 P06 P12
    ("traeger", {"KIK": 9, "Euratibor": 2}),                   # Euratibor: P03 P09
])
def test_reach_breakdowns(con, dim, erwartet):
    df = q(con, "zielgruppen_reichweite", dim=dim)
    alle = df[df.gruppe == "alle"].set_index("auspraegung")["erreicht"]
    assert alle.to_dict() == erwartet


def test_filters_restrict_reach(con):
    erreicht = lambda f: q(con, "zielgruppen_reichweite", f, dim="gesamt").set_index(
        "gruppe").loc["alle", "erreicht"]
    assert erreicht(Filter(quartier="Süd-Ost")) == 3                 # P03 P06 P12
    assert erreicht(Filter(traeger="Euratibor")) == 2                # P03 P09
    assert erreicht(Filter(von=D(2017, 1, 1), bis=D(2017, 12, 31))) == 3   # P06 P07 P08


def test_dimension_allow_list():
    assert an.pruefe_dim("geschlecht", an.DIMENSIONEN) == "geschlecht"
    with pytest.raises(ValueError):
        an.pruefe_dim("tn_id", an.DIMENSIONEN)
    with pytest.raises(ValueError):
        an.pruefe_dim("quartal", an.DIMENSIONEN)          # only offered for reach


def test_hostile_dimension_is_compared_not_executed(con):
    df = q(con, "zielgruppen_reichweite", dim="quartier' or 1=1 --")
    assert df["auspraegung"].isna().all()                # no branch matches: value is NULL
    assert df.set_index("gruppe").loc["alle", "erreicht"] == 11


def test_combinations(con):
    m = an.kombinationsmatrix(q(con, "zielgruppen_kombinationen"))
    # Pairs among the reached: P01 (ae, mig), P02 (55, lza), P03 (mig, ref), P05 (ae, lza),
    # P06 (55, mig), P09 (mig, lza). Diagonal = group sizes 3, 3, 4, 1, 5.
    ae, p55, mig, ref, lza = ("Alleinerziehende", "Ältere (55+)", "Mit Migrationshintergrund",
                              "Geflüchtete", "Langzeitarbeitslose")
    assert [m.loc[g, g] for g in (ae, p55, mig, ref, lza)] == [3, 3, 4, 1, 5]
    assert m.loc[ae, mig] == m.loc[mig, ae] == 1
    assert m.loc[ae, lza] == 1 and m.loc[p55, lza] == 1 and m.loc[p55, mig] == 1
    assert m.loc[mig, ref] == 1 and m.loc[mig, lza] == 1
    assert m.loc[ae, p55] == 0 and m.loc[ref, lza] == 0 and m.loc[ae, ref] == 0


def test_access_routes(con):
    df = q(con, "zielgruppen_zugangswege", dim="zielgruppe")
    alle = df[df.gruppe == "alle"].set_index("zugangsweg")["personen"].to_dict()
    # Jobcenter: P01 P02 P04 P07 P08 P09 P10; KONTAKT-Laden P05 P12; P03 outreach; P06 mentor.
    assert alle == {"Jobcenter": 7, "KONTAKT-Laden": 2, "Aufsuchende Arbeit": 1,
                    "Bürgerpate": 1}
    ae = df[df.gruppe == "alleinerziehend"].set_index("zugangsweg")["personen"].to_dict()
    assert ae == {"Jobcenter": 1, "KONTAKT-Laden": 2}           # P01; P05 P12


# --- Targets -----------------------------------------------------------------------------------

def ziele(con, filt=Filter()):
    """Reach targets under the on-track rule (biwaq/zahlen/zielstand.py) as Zielgruppen shows them."""
    df = zs.zielstand(run_query("zielstand_verlauf", con, **zs.zielstand_params(filt))).tabelle
    df = df[df["kennzahl"].isin(["teilnehmende", "eintritte"])]
    return df.set_index(df["kennzahl"] + "/" + df["quartier"].fillna("") + "/"
                        + df["zielgruppe"].fillna(""))


def test_targets_at_the_data_stand(con):
    z = ziele(con)
    assert set(z.index) == {"teilnehmende//", "teilnehmende//langzeitarbeitslos",
                            "eintritte/Süd-Ost/", "eintritte//55plus"}
    # Target period 01.10.2015–31.12.2018, data stand 31.12.2018: all time has elapsed.
    assert (z["zeit_anteil"] == 1.0).all()
    # Reached from the project start: the 11 of the period (P11's contact lies before it).
    assert z.loc["teilnehmende//", ["wert", "status"]].tolist() == [11, "hinter Plan"]
    # Long-term unemployed reached: P02 P04 P05 P07 P09 = 5 ≥ 4.
    assert z.loc["teilnehmende//langzeitarbeitslos", ["wert", "status", "ziel_erreicht"]
                 ].tolist() == [5, "im Plan", True]
    assert z.loc["eintritte/Süd-Ost/", "wert"] == 2                 # P03 P06 (P12 not enrolled)
    assert z.loc["eintritte//55plus", "wert"] == 3                  # P02 P06 P10
    assert z.loc["eintritte//55plus", "fortschritt"] == pytest.approx(0.5)


def test_targets_at_an_earlier_cut_off(con):
    z = ziele(con, Filter(bis=D(2016, 12, 31)))
    # Elapsed: 01.10.2015–31.12.2016 = 458 of 01.10.2015–31.12.2018 = 1188 days (inclusive).
    assert z["zeit_anteil"].tolist() == pytest.approx([458 / 1188] * 4)
    # By 31.12.2016: reached P01–P05 = 5; expected 20 × 458/1188 = 7.7 → 64.8 % → behind.
    assert z.loc["teilnehmende//", ["wert", "status"]].tolist() == [5, "hinter Plan"]
    # Long-term unemployed reached by then: P02 P04 P05 = 3 of 4 (75 % ≥ 38.6 %) → on track.
    assert z.loc["teilnehmende//langzeitarbeitslos", ["wert", "status"]].tolist() == [
        3, "im Plan"]
    # expected by then 4 × 458/1188 = 1.54; reached 3 → 3 / 1.54 = 194.5 % of the expected
    assert z.loc["teilnehmende//langzeitarbeitslos", "erwartet"] == pytest.approx(
        4 * 458 / 1188)
    assert z.loc["teilnehmende//langzeitarbeitslos", "quote"] == pytest.approx(
        3 / (4 * 458 / 1188))
    assert z.loc["eintritte/Süd-Ost/", "wert"] == 1                 # P03


def test_targets_follow_area_and_group_filters(con):
    assert list(ziele(con, Filter(quartier="Süd-Ost")).index) == ["eintritte/Süd-Ost/"]
    z = ziele(con, Filter(zielgruppe="langzeitarbeitslos"))
    assert list(z.index) == ["teilnehmende//langzeitarbeitslos"]
    assert z["wert"].item() == 5
    # The start of the period does not apply: targets are counted from the project start.
    assert ziele(con, Filter(von=D(2018, 1, 1))).loc["teilnehmende//", "wert"] == 11


# --- Representation --------------------------------------------------------------------------

def test_representation_migration_share(con):
    rep = an.repraesentation(q(con, "zielgruppen_repraesentation")).set_index("stadtteil")
    # Years in the period with data: 2016, 2017 (2014 lies outside, so its 50 % is ignored).
    # Ilversgehofen: reached P01 P04 P07 P08 P09 P10 = 6, migration P01 P09 = 2;
    # population (10000·10 + 10000·12) / 20000 = 11 %.
    assert rep.loc["Ilversgehofen", ["teilnehmende", "mit_migration"]].tolist() == [6, 2]
    assert rep.loc["Ilversgehofen", "anteil_bevoelkerung"] == pytest.approx(0.11)
    # Andreasvorstadt: only 2016 has a share (2017 is empty and is left out of the weights).
    assert rep.loc["Andreasvorstadt", "anteil_bevoelkerung"] == pytest.approx(0.04)
    assert rep.loc["Herrenberg", ["teilnehmende", "mit_migration"]].tolist() == [1, 1]
    # P05 (no district), P06 (Wiesenhügel) and P12 (Melchendorf) have no population row.
    assert rep.loc[an.OHNE_ANGABE, ["teilnehmende", "mit_migration"]].tolist() == [3, 1]
    assert "Übriges Stadtgebiet" not in rep.index
    # Total: 4 of 11 participants; population (220000 + 20000 + 144000) / 41000 = 9.366 %.
    assert rep.loc["Insgesamt", "anteil_teilnehmende"] == pytest.approx(4 / 11)
    assert rep.loc["Insgesamt", "anteil_bevoelkerung"] == pytest.approx(384000 / 41000 / 100)
    assert rep.loc["Insgesamt", ["jahr_von", "jahr_bis"]].tolist() == [2016, 2017]


def test_representation_in_one_area(con):
    rep = an.repraesentation(q(con, "zielgruppen_repraesentation",
                               Filter(quartier="Süd-Ost"))).set_index("stadtteil")
    assert list(rep.index) == ["Herrenberg", an.OHNE_ANGABE, "Insgesamt"]
    assert rep.loc["Insgesamt", ["teilnehmende", "mit_migration"]].tolist() == [3, 2]
    assert rep.loc["Insgesamt", "anteil_bevoelkerung"] == pytest.approx(0.09)


def test_representation_falls_back_to_the_latest_year(con):
    # Period within 2019: no reference year in it → latest year up to 2019 (2017).
    rep = an.repraesentation(q(con, "zielgruppen_repraesentation",
                               Filter(von=D(2019, 1, 1), bis=D(2019, 6, 30))))
    assert rep["jahr_von"].dropna().unique().tolist() == [2017]


# --- Funnel --------------------------------------------------------------------------------

def test_funnel_stages_and_rates(con):
    wide = q(con, "vermittlung_trichter", dim="zielgruppe")
    lang = an.trichter_lang(wide)
    alle = lang[lang.gruppe == "alle"].set_index("stufe")
    # Cohort: contact in the period = 11 (not P11).
    # Eintritt: P01–P04, P06–P10 = 9. Aktiv begleitet: P01 P02 P03 P04 P06 P07 P09 = 7.
    # Praxis: P01 P02 P03 P04 P07 = 5. Vermittlung: P01 P03 P04 P07 P09 = 5 (P09 without
    # practice). Verbleib: P01 P04 P07 = 3.
    assert alle["personen"].tolist() == [11, 9, 7, 5, 5, 3]
    # Conversion = reached this stage and the one before / persons of the stage before:
    # 9/11; 7/9; 5/7 (all practicers were coached); 4/5 (P09 skipped practice, P02 not
    # placed); 3/5.
    assert alle["quote_vorstufe"].tolist()[1:] == pytest.approx([9 / 11, 7 / 9, 5 / 7, 4 / 5,
                                                                 3 / 5])
    assert math.isnan(alle["quote_vorstufe"].iloc[0])
    assert alle["quote_erstkontakt"].tolist() == pytest.approx([1, 9 / 11, 7 / 11, 5 / 11,
                                                                5 / 11, 3 / 11])
    # Long-term unemployed P02 P04 P05 P07 P09: entry 4 (not P05), coached 4, practice
    # P02 P04 P07 = 3, placed P04 P07 P09 = 3 (of the practicers P04 P07 → 2/3), verbleib P04 P07.
    lza = lang[lang.gruppe == "langzeitarbeitslos"]
    assert lza["personen"].tolist() == [5, 4, 4, 3, 3, 2]
    assert lza["quote_vorstufe"].tolist()[4] == pytest.approx(2 / 3)
    # Migration P01 P03 P06 P09: all enrolled and coached, practice P01 P03, placed P01 P03 P09,
    # verbleib P01.
    mig = lang[lang.gruppe == "migrationshintergrund"]
    assert mig["personen"].tolist() == [4, 4, 4, 2, 3, 1]


def test_funnel_by_sex_and_filter(con):
    wide = q(con, "vermittlung_trichter", dim="geschlecht").set_index("gruppe")
    # w: P01 P04 P05 P09 P10 P12 = 6 contacts; enrolled P01 P04 P09 P10; placed P01 P04 P09.
    assert wide.loc["w", ["erstkontakt", "eintritt", "vermittelt"]].tolist() == [6, 4, 3]
    wide = q(con, "vermittlung_trichter", Filter(traeger="Euratibor"), dim="zielgruppe")
    # Euratibor: P03, P09, both placed; verbleib none (P03 nein, P09 unknown).
    alle = wide.set_index("gruppe").loc["alle"]
    assert alle[["erstkontakt", "vermittelt", "verbleib"]].tolist() == [2, 2, 0]


def test_time_between_stages(con):
    df = q(con, "vermittlung_stufenzeiten", dim="zielgruppe")
    alle = df[df.gruppe == "alle"].set_index("schritt")
    # 1 contact→entry: 10, 14, 9, 4, 7, 5, 0, 4, 7 days → sorted 0 4 4 5 7 7 9 10 14 → 7.
    # 2 entry→coaching: 12, 15, 22, 26, 16, 23, 10 → median 16.
    # 3 coaching→practice: 91, 92, 61, 61, 62 → median 62.
    # 4 practice→placement: P01 91, P03 309, P04 307, P07 122 → (122 + 307) / 2 = 214.5.
    # 5 entry→placement: P01 194, P03 392, P04 394, P07 207, P09 91 → median 207.
    assert alle["personen"].tolist() == [9, 7, 5, 4, 5]
    assert alle["median_tage"].tolist() == [7, 16, 62, 214.5, 207]


def test_exits_by_reason(con):
    df = q(con, "vermittlung_austritte", dim="zielgruppe")
    alle = df[df.gruppe == "alle"].set_index("austrittsgrund")["personen"].to_dict()
    # Exits in the period: P01 P09 Arbeitsaufnahme, P02 P03 Maßnahmeende, P04 Sonstiges,
    # P07 Ausbildung, P08 Abbruch, P11 Weiterbildung (2016-03-31).
    assert alle == {"Arbeitsaufnahme": 2, "Maßnahmeende": 2, "Sonstiges": 1, "Ausbildung": 1,
                    "Abbruch": 1, "Weiterbildung": 1}


def test_placements_by_type_and_sector(con):
    df = q(con, "vermittlung_arten")
    assert df["vermittlungen"].sum() == 6 and df["personen"].sum() == 6   # P01 twice
    assert df.loc[df.lokal, "vermittlungen"].sum() == 2                   # P01 SV, P07 (B1)
    assert df.loc[df.branche == "Logistik", "vermittlungen"].sum() == 1
    assert df.loc[df.art == "Selbstständig", "branche"].tolist() == ["ohne Angabe"]
    # Only 2017 starts: P03, P04, P07.
    assert q(con, "vermittlung_arten", Filter(von=D(2017, 1, 1), bis=D(2017, 12, 31)))[
        "vermittlungen"].sum() == 3


# --- Time to placement: censoring --------------------------------------------------------------

def test_time_to_placement_events(con):
    df = q(con, "vermittlung_verweildauer")
    rows = {(str(r.kohorte.date()), r.tage, r.ereignis) for r in df.itertuples()}
    # 1 = placement by exit + 28 days, 2 = exit without one, 0 = censored at 31.12.2018.
    assert rows == {
        ("2015-10-01", 178, 2),   # P11 left into training without placement (05.10.–31.03.)
        ("2016-01-01", 194, 1),   # P01: first placement 01.08.2016
        ("2016-01-01", 320, 2),   # P02: exit 31.12.2016
        ("2016-01-01", 392, 1),   # P03: placement 27 days after the exit still counts
        ("2016-04-01", 365, 2),   # P04: placement 29 days after the exit → exit is the event
        ("2017-01-01", 714, 0),   # P06: still in the project
        ("2017-01-01", 207, 1),   # P07
        ("2017-04-01", 183, 2),   # P08: drop-out
        ("2018-01-01", 91, 1),    # P09: placed while still in the project
        ("2018-07-01", 175, 0),   # P10: still in the project
    }


def test_young_cohorts_are_not_compared(con):
    koh = an.kohorten(q(con, "vermittlung_verweildauer"), "jahr")
    t = koh.tabelle.set_index("kohorte")
    # 2016: P01 194 (1), P02 320 (2), P04 365 (2), P03 392 (1); latest entry 05.04.2016 is
    # observed 1000 days. No censoring: F(90) = F(180) = 0, F(365) = 1/4 (only P01 by then).
    assert t.loc["2016", "beobachtet_tage"] == 1000
    assert t.loc["2016", ["inzidenz_90", "inzidenz_180", "inzidenz_365"]].tolist() == [
        0, 0, 0.25]
    # 2017: P08 183 (2), P07 207 (1), P06 714 (0); latest entry 01.06.2017 → 578 days.
    # F(365) = S(183) · 1/2 = 2/3 · 1/2 = 1/3.
    assert t.loc["2017", "inzidenz_365"] == pytest.approx(1 / 3)
    # 2018: P09 placed at 91, P10 censored at 175; latest entry 09.07.2018 observed 175 days.
    # The raw share placed is 1/2, but 180 and 365 days are not yet observed for everyone:
    # no value, so it is never set against the older cohorts' rates.
    assert t.loc["2018", "beobachtet_tage"] == 175
    assert t.loc["2018", "inzidenz_90"] == 0
    assert math.isnan(t.loc["2018", "inzidenz_180"]) and math.isnan(t.loc["2018",
                                                                          "inzidenz_365"])
    # The 2016 curve ends at 1/2 (2 of 4 placed, nobody censored).
    kurve = koh.kurven[koh.kurven.kohorte == "2016"]
    assert kurve["inzidenz"].iloc[-1] == pytest.approx(0.5)


def test_quarter_cohorts(con):
    koh = an.kohorten(q(con, "vermittlung_verweildauer"), "quartal")
    assert koh.tabelle["kohorte"].tolist() == ["2015 Q4", "2016 Q1", "2016 Q2", "2017 Q1",
                                               "2017 Q2", "2018 Q1", "2018 Q3"]
    assert koh.tabelle["eintritte"].tolist() == [1, 3, 1, 2, 1, 1, 1]


# --- ESF+ ------------------------------------------------------------------------------------

def esf(con, filt=Filter()):
    return q(con, "esf_indikatoren", filt, geschlecht=None).set_index("schluessel")


def test_esf_characteristics_at_entry(con):
    e = esf(con)
    # Entries in the period: P01–P04, P06–P11 = 10 (P11 entered 05.10.2015).
    assert (e["basis"].iloc[:12] == 10).all()
    assert e.loc["teilnehmende", "wert"] == 10
    # w: P01 P04 P09 P10; m: P02 P03 P07 P08 P11; d: P06.
    assert e.loc[["frauen", "maenner", "nicht_binaer"], "wert"].tolist() == [4, 5, 1]
    assert e.loc["langzeitarbeitslos", "wert"] == 4            # P02 P04 P07 P09
    assert e.loc["alter_18_29", "wert"] == 2                   # P03 P08 (21 each)
    assert e.loc["ab55", "wert"] == 3                          # P02 P06 P10
    # ISCED 0-2 P02 P03 P08; 3-4 P01 P04 P07 P10; 5-8 P06 P11; unknown P09.
    assert e.loc[["isced_0_2", "isced_3_4", "isced_5_8", "isced_unbekannt"],
                 "wert"].tolist() == [3, 4, 2, 1]
    assert e.loc["migrationshintergrund", "wert"] == 4         # P01 P03 P06 P09


def test_esf_results_upon_leaving(con):
    e = esf(con)
    # Exits in the period: P01 P02 P03 P04 P07 P08 P09 P11 = 8.
    assert e.loc["austritte", ["wert", "basis"]].tolist() == [8, 8]
    # Employment within 28 days of exit: P01 (two placements, counts once), P03 (27 days
    # after exit), P09 (self-employed); not P04 (29 days), not P07 (training).
    assert e.loc["beschaeftigt_bei_austritt", ["wert", "basis"]].tolist() == [3, 8]
    # Education/training: P07 (Ausbildung placement and reason), P11 (reason Weiterbildung).
    assert e.loc["bildung_bei_austritt", "wert"] == 2
    # Six months after: exits by 30.06.2018 = all but P09 (31.10.2018) → base 7; of those in
    # employment upon leaving, P01's job lasted (ja), P03's did not (nein) → 1.
    assert e.loc["beschaeftigt_6m", ["wert", "basis"]].tolist() == [1, 7]


def test_esf_window_is_28_days(db_factory):
    """Placement 28 days after exit counts, 29 days does not (boundary itself)."""
    base = dict(erstkontakt=D(2016, 1, 4), eintritt=D(2016, 1, 4), austritt=D(2016, 6, 30),
                austrittsgrund="Maßnahmeende")
    con = db_factory(teilnehmende=[dict(tn_id="A", **base), dict(tn_id="B", **base)],
                     vermittlungen=[dict(tn_id="A", beginn=D(2016, 7, 28)),     # + 28 days
                                    dict(tn_id="B", beginn=D(2016, 7, 29))])    # + 29 days
    e = esf(con)
    assert e.loc["beschaeftigt_bei_austritt", "wert"] == 1


def test_esf_filters(con):
    assert esf(con, Filter(quartier="Süd-Ost")).loc["teilnehmende", "wert"] == 2   # P03 P06
    e = esf(con, Filter(von=D(2017, 1, 1), bis=D(2017, 12, 31)))
    # Entries 2017: P06 P07 P08; exits 2017: P03 P04 P07 P08; employed upon leaving: P03.
    assert e.loc[["teilnehmende", "austritte", "beschaeftigt_bei_austritt"],
                 "wert"].tolist() == [3, 4, 1]


def test_esf_table_lists_every_indicator_with_definition(con):
    tab = an.esf_tabelle(q(con, "esf_indikatoren", geschlecht=None))
    assert tab["Definition"].str.len().min() > 20
    zeile = tab.set_index("Indikator")
    assert zeile.loc["Frauen", ["Anzahl", "Bezugsgröße", "Anteil (%)"]].tolist() == [4, 10,
                                                                                     40.0]
    # Not in the contract: no value, and the definition says so.
    arbeitslos = zeile.loc["Arbeitslose, einschließlich Langzeitarbeitsloser"]
    assert pd.isna(arbeitslos["Anzahl"]) and "Nicht ermittelbar" in arbeitslos["Definition"]
    assert "28 Tagen" in zeile.loc["In Beschäftigung (einschließlich Selbstständiger) bei "
                                   "Austritt", "Definition"]
    anzeige = an.esf_anzeige(tab).set_index("Indikator")
    assert anzeige.loc["Frauen", "Anteil"] == "40,0\u00a0%"
    assert anzeige.loc["Drittstaatsangehörige", "Anzahl"] == "nicht erfasst"


# --- Aalen–Johansen estimator ----------------------------------------------------------------

def test_aalen_johansen_by_hand():
    # t: 2 censored; 3 one placement and one exit; 5 placement; 6 censored; 8 placement.
    # t=3: n=5 → F = 1/5 = 0.2, S = 1 − 2/5 = 0.6
    # t=5: n=3 → F = 0.2 + 0.6·1/3 = 0.4, S = 0.6·2/3 = 0.4
    # t=8: n=1 → F = 0.4 + 0.4·1 = 0.8, S = 0
    k = an.aalen_johansen([2, 3, 3, 5, 6, 8], [0, 1, 2, 1, 0, 1]).set_index("tage")
    assert k.loc[3.0, "inzidenz"] == pytest.approx(0.2)
    assert k.loc[5.0, "inzidenz"] == pytest.approx(0.4)
    assert k.loc[8.0, "inzidenz"] == pytest.approx(0.8)
    assert k.loc[3.0, "unter_risiko"] == 5 and k.loc[8.0, "ueberleben"] == pytest.approx(0)
    assert k.loc[0.0, "inzidenz"] == 0
    # The naive share (3 of 6) would understate it: censored persons were not yet done.
    assert an.inzidenz_bei(k.reset_index(), 4) == pytest.approx(0.2)
    assert an.inzidenz_bei(k.reset_index(), 7.5) == pytest.approx(0.4)


def test_aalen_johansen_weights_equal_expanded_rows():
    tage, ereignis, anzahl = [10, 10, 20, 30], [1, 2, 0, 1], [3, 2, 4, 1]
    gewichtet = an.aalen_johansen(tage, ereignis, anzahl)
    einzeln = an.aalen_johansen(np.repeat(tage, anzahl), np.repeat(ereignis, anzahl))
    pd.testing.assert_frame_equal(gewichtet, einzeln)
    # by hand: t=10 n=10: F = 3/10, S = 5/10; t=30 n=1: F = 0.3 + 0.5 = 0.8
    assert gewichtet["inzidenz"].iloc[-1] == pytest.approx(0.8)


def test_aalen_johansen_without_competing_events_is_one_minus_kaplan_meier():
    k = an.aalen_johansen([1, 2, 2, 4, 5], [1, 0, 1, 1, 0]).set_index("tage")
    # KM: t=1 S = 4/5; t=2 S = 4/5 · 3/4 = 3/5; t=4 S = 3/5 · 1/2 = 3/10
    assert (1 - k.loc[4.0, "ueberleben"]) == pytest.approx(k.loc[4.0, "inzidenz"])
    assert k.loc[4.0, "inzidenz"] == pytest.approx(0.7)


def test_aalen_johansen_matches_lifelines_without_ties():
    from lifelines import AalenJohansenFitter

    rng = np.random.default_rng(3)
    tage = rng.permutation(np.arange(1, 201)).astype(float)[:120]     # distinct times
    ereignis = rng.choice([0, 1, 2], size=120, p=[0.3, 0.4, 0.3])
    unser = an.aalen_johansen(tage, ereignis)
    ajf = AalenJohansenFitter(calculate_variance=False).fit(tage, ereignis,
                                                            event_of_interest=1)
    ref = ajf.cumulative_density_.iloc[:, 0]
    for t in (20, 60, 100, 150, 199):
        assert an.inzidenz_bei(unser, t) == pytest.approx(ref[ref.index <= t].iloc[-1])


def test_aalen_johansen_rejects_bad_input():
    with pytest.raises(ValueError):
        an.aalen_johansen([1, 2], [1, 3])
    with pytest.raises(ValueError):
        an.aalen_johansen([-1, 2], [1, 0])


def test_anteil_and_german_numbers():
    assert math.isnan(an.anteil(3, 0)) and an.anteil(1, 4) == 0.25
    assert an.zahl_text(1234.5, 1, "%") == "1.234,5\u00a0%"
    assert an.zahl_text(None) == "–"


def test_time_between_stages_counts_everyone_the_funnel_counts(db_factory):
    # issue 10.2: three people who reached practice and placement, two in another order.
    #   R1: entry 10.01.2016, Praktikum 01.02., Coaching 01.03. (practice first), placed 01.04.
    #   R2: entry 10.01.2016, Coaching 20.01., Praktikum 19.02., placed 31.01. (before practice)
    #   R3: entry 10.01.2016, Coaching 15.01., Praktikum 15.03., placed 14.05.
    akt = [("R1", D(2016, 2, 1), "Praktikum"), ("R1", D(2016, 3, 1), "Coaching"),
           ("R2", D(2016, 1, 20), "Coaching"), ("R2", D(2016, 2, 19), "Praktikum"),
           ("R3", D(2016, 1, 15), "Coaching"), ("R3", D(2016, 3, 15), "Praktikum")]
    con = db_factory(
        teilnehmende=[dict(tn_id=t, erstkontakt=D(2016, 1, 5), eintritt=D(2016, 1, 10))
                      for t in ("R1", "R2", "R3")],
        aktivitaeten=[dict(tn_id=t, datum=d, art=a) for t, d, a in akt],
        vermittlungen=[dict(tn_id="R1", beginn=D(2016, 4, 1)),
                       dict(tn_id="R2", beginn=D(2016, 1, 31)),
                       dict(tn_id="R3", beginn=D(2016, 5, 14))])
    df = q(con, "vermittlung_stufenzeiten", dim="zielgruppe")
    alle = df[df.gruppe == "alle"].set_index("schritt")
    # step 3 coaching -> practice: R1 01.03. -> 01.02. = -29 days (counts as 0), R2 30, R3 60
    #   -> 3 persons, 1 reversed, median of 0, 30, 60 = 30 (before: 2 persons, median 45)
    # step 4 practice -> placement: R1 01.02. -> 01.04. = 29 + 31 = 60, R2 19.02. -> 31.01. =
    #   -19 (0), R3 15.03. -> 14.05. = 16 + 30 + 14 = 60 -> 3 persons, 1 reversed, median 60
    assert alle.loc[3, ["personen", "umgekehrt", "median_tage"]].tolist() == [3, 1, 30]
    assert alle.loc[4, ["personen", "umgekehrt", "median_tage"]].tolist() == [3, 1, 60]
    # the funnel counts the same people at these transitions
    trichter = q(con, "vermittlung_trichter", dim="zielgruppe").set_index("gruppe").loc["alle"]
    assert (trichter["praxis_v"], trichter["vermittelt_v"]) == (3, 3)
