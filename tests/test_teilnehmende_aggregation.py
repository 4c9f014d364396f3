"""Issue 14: the participant pages aggregate in DuckDB. Each grouped or count-based result
equals what the per-cell / per-person computation gives – on the hand-made fixture of
test_teilnehmende_queries (twelve people) and on the demo data."""
from __future__ import annotations

import datetime as dt
import itertools

import duckdb
import pandas as pd
import pytest

from biwaq.einlesen.contract import GESCHLECHT, QUARTIERE, TRAEGER, ZIELGRUPPEN
from biwaq.speicher.filters import Filter
from biwaq.speicher.queries import run_query
from biwaq.zahlen import analytics as an
from test_teilnehmende_queries import FIXTURE

D = dt.date
FILTER = [Filter(), Filter(von=D(2017, 1, 1), bis=D(2017, 12, 31)),
          Filter(zielgruppe="langzeitarbeitslos"), Filter(quartier="Süd-Ost"),
          Filter(traeger="Euratibor", von=D(2016, 1, 1), bis=D(2016, 12, 31))]


@pytest.fixture
def con(db_factory):
    return db_factory(**FIXTURE)


@pytest.fixture(scope="module")
def demo(demo_db):
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


def _zellen_einzeln_gleich(con, filt: Filter) -> int:
    """Every cell of the one grouped query esf_gliederung equals the query esf_indikatoren run
    for that cell's Quartier, Träger and Geschlecht (the former one query per cell)."""
    zellen = an.esf_zellen(run_query("esf_gliederung", con, **filt.params()))
    quartiere = [filt.quartier] if filt.quartier else [*QUARTIERE, None]
    traeger = [filt.traeger] if filt.traeger else [*TRAEGER, None]
    geprueft = 0
    for q, t, g in itertools.product(quartiere, traeger, [*GESCHLECHT, None]):
        einzeln = run_query("esf_indikatoren", con,
                            **{**filt.params(), "quartier": q, "traeger": t}, geschlecht=g)
        aus_einer = zellen(q, t, g)
        pd.testing.assert_frame_equal(
            aus_einer[["pos", "schluessel", "wert", "basis"]].astype(
                {"pos": int, "wert": int, "basis": int}).reset_index(drop=True),
            einzeln[["pos", "schluessel", "wert", "basis"]].astype(
                {"pos": int, "wert": int, "basis": int}).reset_index(drop=True),
            check_names=False, obj=f"Zelle {q}/{t}/{g} {filt}")
        geprueft += int(einzeln["wert"].sum() > 0)
    return geprueft


@pytest.mark.parametrize("filt", FILTER, ids=str)
def test_esf_one_grouped_query_equals_one_query_per_cell_fixture(con, filt):
    assert _zellen_einzeln_gleich(con, filt) > 0      # some cells are not empty


def test_esf_one_grouped_query_equals_one_query_per_cell_demo(demo):
    assert _zellen_einzeln_gleich(demo, Filter()) > 20
    assert _zellen_einzeln_gleich(demo, Filter(quartier="Magdeburger Allee",
                                               zielgruppe="55plus")) > 5


def test_esf_cells_by_hand(con):
    """Twelve people, whole period: Süd-Ost × Euratibor holds P03 (m, Eintritt 2016, Austritt
    2017-03-10, placement 2017-04-06 = exit + 27 days, Geringfügig, verbleib nein); Süd-Ost
    × alle adds P06 (d, Eintritt 2017) and P12 (no Eintritt). Men in all areas with Eintritt:
    P02, P03, P07, P08, P11 = 5."""
    zellen = an.esf_zellen(run_query("esf_gliederung", con, **Filter().params()))
    so_eu = zellen("Süd-Ost", "Euratibor", None).set_index("schluessel")
    assert so_eu.loc["teilnehmende", "wert"] == 1
    assert so_eu.loc["austritte", "wert"] == 1
    assert so_eu.loc["beschaeftigt_bei_austritt", "wert"] == 1
    assert so_eu.loc["beschaeftigt_6m", "wert"] == 0
    so = zellen("Süd-Ost", None, None).set_index("schluessel")
    assert so.loc["teilnehmende", "wert"] == 2 and so.loc["nicht_binaer", "wert"] == 1
    assert zellen(None, None, "m").set_index("schluessel").loc["teilnehmende", "wert"] == 5
    # a cell nobody is in: all zero, every indicator present
    leer = zellen("Süd-Ost", "Euratibor", "w")
    assert len(leer) == 16 and (leer["wert"] == 0).all()


def test_esf_zellen_of_an_empty_result():
    assert an.esf_zellen(pd.DataFrame(columns=["quartier", "traeger", "geschlecht", "pos",
                                               "schluessel", "wert", "basis"]))(
        None, None, None).empty
