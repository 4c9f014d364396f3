"""Query tests: every query file runs; the overview queries give hand-computed results."""
from __future__ import annotations

import datetime as dt

import pytest

from biwaq.speicher.filters import Filter
from biwaq.speicher.queries import load_query, query_names, run_query

D = dt.date

# Example values for parameters that are not shared filters (extend when adding queries).
EXAMPLE_PARAMS: dict = {
    # Lokale Ökonomie (oek_*): page filters of Leerstand and Betriebe, "Räume finden"
    "arten": ["Ladenlokal"], "status": ["leer"], "stadtteile": ["Ilversgehofen"],
    "flaeche_min": 50.0, "flaeche_max": 500.0, "leer_von": D(2014, 1, 1),
    "leer_bis": D(2018, 12, 31), "branchen": ["Handel"], "raum_arten": ["Ladenlokal"],
    "raum_min": 50.0, "raum_max": 200.0, "raum_quartier": "Süd-Ost",
    "raum_status": ["leer", "Zwischennutzung"], "raum_stadtteile": ["Herrenberg"],
    "raum_sortierung": "dauer",
}
# issue 3 (participant analytics): breakdown dimension, start of every target period
EXAMPLE_PARAMS.update(dim="zielgruppe", laufzeit_start=D(2015, 10, 1))
# issue 11: the funder's split of the ESF+ indicators by sex
EXAMPLE_PARAMS.update(geschlecht="w")
# Data-quality rules (biwaq.zahlen.quality.PARAMS): days after exit, Erfurt's bounding box.
EXAMPLE_PARAMS.update(karenz_tage=28, lat_min=50.85, lat_max=51.08, lon_min=10.86,
                      lon_max=11.18)
# Import log: errors and notes of one import attempt
EXAMPLE_PARAMS.update(import_nr=1)
# issue 14: how many names per request / unit in "Gesuche und Angebote"
EXAMPLE_PARAMS.update(k=10)
# ... and for how many rows the units' table names them
EXAMPLE_PARAMS.update(zeilen=200)
# ... and how many hits of "Räume finden" the map rings (Leerstand, issue 14)
EXAMPLE_PARAMS.update(punkte=2000)


def test_every_query_has_header_and_runs(db_factory):
    con = db_factory(**OVERVIEW_FIXTURE)
    names = query_names()
    assert "uebersicht_kennzahlen" in names
    for name in names:
        q = load_query(name)
        assert "Grain" in q.header or "grain" in q.header, f"{name}: header lacks the grain"
        assert "Parameters" in q.header, f"{name}: header lacks the parameters"
        for p in q.params:
            assert "$" + p in q.header or p in q.header, f"{name}: ${p} not documented"
        params = {**Filter().params(), **{k: v for k, v in EXAMPLE_PARAMS.items()
                                         if k in q.params}}
        run_query(name, con, **params)   # raises on SQL errors or missing parameters


def test_run_query_rejects_unknown_and_missing_params(db_factory):
    con = db_factory()
    with pytest.raises(TypeError, match="fehlen"):
        run_query("uebersicht_kennzahlen", con, quartier=None)
    with pytest.raises(TypeError, match="unbekannte"):
        run_query("meta", con, tippfehler=1)


def test_values_are_bound_not_formatted(db_factory):
    """A hostile filter value is compared as text, never executed."""
    con = db_factory(**OVERVIEW_FIXTURE)
    f = Filter(quartier="x' or 1=1 --")
    df = run_query("uebersicht_kennzahlen", con, **f.params())
    assert df.loc[df.kennzahl == "teilnehmende", "wert"].item() == 0


# Five people, three businesses, three vacancies, worked through by hand below.
OVERVIEW_FIXTURE = dict(
    teilnehmende=[
        dict(tn_id="P1", erstkontakt=D(2016, 1, 10), eintritt=D(2016, 1, 20),
             austritt=D(2016, 6, 10), austrittsgrund="Arbeitsaufnahme", alleinerziehend=True),
        dict(tn_id="P2", traeger="Euratibor", erstkontakt=D(2016, 2, 1), eintritt=D(2016, 2, 15),
             migrationshintergrund=True),
        dict(tn_id="P3", quartier="Süd-Ost", stadtteil="Herrenberg", erstkontakt=D(2016, 3, 1)),
        dict(tn_id="P4", quartier="Süd-Ost", stadtteil="Herrenberg", geburtsjahr=1960,
             langzeitarbeitslos=True, erstkontakt=D(2017, 11, 1), eintritt=D(2018, 1, 5)),
        dict(tn_id="P5", erstkontakt=D(2015, 9, 1), eintritt=D(2015, 10, 5)),
    ],
    vermittlungen=[
        dict(tn_id="P1", beginn=D(2016, 6, 1), verbleib_6m="ja"),
        dict(tn_id="P2", beginn=D(2017, 3, 1), verbleib_6m="nein"),
        dict(tn_id="P2", beginn=D(2017, 5, 1), verbleib_6m="ja"),
        dict(tn_id="P4", beginn=D(2018, 9, 1)),
    ],
    betriebe=[dict(betrieb_id="B1"), dict(betrieb_id="B2", quartier="Süd-Ost"),
              dict(betrieb_id="B3", quartier="Süd-Ost")],
    beratungen=[dict(betrieb_id="B1", datum=D(2016, 5, 1)),
                dict(betrieb_id="B1", datum=D(2016, 6, 1)),
                dict(betrieb_id="B2", datum=D(2019, 1, 1)),
                dict(betrieb_id="B3", datum=D(2017, 1, 1))],
    leerstaende=[dict(objekt_id="L1", status="wiederbelegt", wiederbelegt_am=D(2017, 6, 1)),
                 dict(objekt_id="L2", quartier="Süd-Ost", status="wiederbelegt",
                      wiederbelegt_am=D(2015, 5, 1)),
                 dict(objekt_id="L3", quartier="Süd-Ost")],
    ziele=[dict(kennzahl="teilnehmende", zielwert=10),
           dict(kennzahl="teilnehmende", quartier="Magdeburger Allee", zielwert=6),
           dict(kennzahl="eintritte", zielgruppe="alleinerziehend", zielwert=2),
           dict(kennzahl="betriebe_beraten", zielwert=5)],
)

ORDER = ["teilnehmende", "eintritte", "vermittlungen", "verbleib_6m", "betriebe_beraten",
         "leerstaende_wiederbelegt"]


@pytest.mark.parametrize("filt, expected", [
    # P5's first contact lies before the period; P2 counts once despite two placements.
    (Filter(), [4, 4, 3, 2, 2, 1]),
    (Filter(quartier="Magdeburger Allee"), [2, 3, 2, 2, 1, 1]),
    (Filter(quartier="Süd-Ost"), [2, 1, 1, 0, 1, 0]),
    # Only P4 is 55+ at entry; business and vacancy figures ignore the target group.
    (Filter(zielgruppe="55plus"), [1, 1, 1, 0, 2, 1]),
    (Filter(traeger="Euratibor"), [1, 1, 1, 1, 2, 1]),
    (Filter(von=D(2016, 1, 1), bis=D(2016, 12, 31)), [3, 2, 1, 1, 1, 0]),
])
def test_overview_figures(db_factory, filt, expected):
    con = db_factory(**OVERVIEW_FIXTURE)
    df = run_query("uebersicht_kennzahlen", con, **filt.params())
    assert df["kennzahl"].tolist() == ORDER
    assert df["wert"].tolist() == expected


def test_overview_targets_match_area_and_group(db_factory):
    con = db_factory(**OVERVIEW_FIXTURE)
    ziel = lambda f: run_query("uebersicht_kennzahlen", con, **f.params()).set_index(
        "kennzahl")["zielwert"]
    assert ziel(Filter())["teilnehmende"] == 10
    assert ziel(Filter(quartier="Magdeburger Allee"))["teilnehmende"] == 6
    assert ziel(Filter(quartier="Süd-Ost")).isna()["teilnehmende"]        # none agreed
    assert ziel(Filter(zielgruppe="alleinerziehend"))["eintritte"] == 2
    assert ziel(Filter(zielgruppe="alleinerziehend")).isna()["teilnehmende"]
    assert ziel(Filter(zielgruppe="55plus"))["betriebe_beraten"] == 5    # group n/a there


def test_overview_trend_by_quarter(db_factory):
    con = db_factory(**OVERVIEW_FIXTURE)
    df = run_query("uebersicht_trend", con,
                   **Filter(von=D(2016, 1, 1), bis=D(2016, 6, 30)).params())
    assert df["quartal_label"].tolist() == ["2016 Q1", "2016 Q2"]
    assert df["eintritte"].tolist() == [2, 0]        # P1, P2 in Q1
    assert df["vermittlungen"].tolist() == [0, 1]    # P1's placement in June
