"""Leerstand page counted in DuckDB (issue 14): the new queries against the pandas results
they replace, on the demo and on hand-made fixtures with boundary cases."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from biwaq.speicher import store
from biwaq.speicher.filters import Filter
from biwaq.speicher.queries import run_query
from biwaq.zahlen import oekonomie as oek
from test_oekonomie import GRENZ_GESUCHE, GRENZ_LEER, LEER, SEITE_ALLE

D = dt.date
QUARTIERE = (None, "Magdeburger Allee", "Süd-Ost")

# page filters to try on the demo: none, an art, statuses, districts with 'ohne Angabe',
# an area range, a range of leer_seit, one that selects nothing
SEITEN = [
    {},
    dict(arten=["Ladenlokal"]),
    dict(status=["leer", "Zwischennutzung"]),
    dict(stadtteile=["Ilversgehofen", "ohne Angabe"]),
    dict(flaeche_min=80, flaeche_max=500),
    dict(leer_von=D(2016, 1, 1), leer_bis=D(2017, 6, 30)),
    dict(flaeche_min=10 ** 9),
]
ZEITRAEUME = [Filter(), Filter(von=D(2016, 1, 1), bis=D(2016, 12, 31))]


@pytest.fixture(scope="module")
def demo(demo_db):
    con = store.connect_readonly(demo_db)
    yield con
    con.close()


def objekte(con, filt, seite):
    return run_query("oek_leerstand_objekte", con, **filt.params(), **{**SEITE_ALLE, **seite})


def zahlen(con, filt, seite):
    return run_query("oek_leerstand_zahlen", con, **filt.params(), **{**SEITE_ALLE, **seite})


def gleiche_zeilen(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """The same rows and values (a column that is empty in the first rows only comes back
    as object rather than string dtype)."""
    def werte(df):
        df = df.reset_index(drop=True).astype(object)
        return df.where(df.notna(), None)
    pd.testing.assert_frame_equal(werte(a), werte(b))


def gleiche_kennzahlen(neu: dict, alt: dict) -> None:
    assert neu["einheiten"] == alt["einheiten"]
    assert neu["wiederbelegt"] == alt["wiederbelegt"]
    # the median: the same float (middle value or mean of the two middle ones)
    assert (np.isnan(neu["median_monate"]) and np.isnan(alt["median_monate"])) \
        or neu["median_monate"] == alt["median_monate"]
    # the area: summed exactly in DuckDB, in floating point by pandas
    assert neu["flaeche_m2"] == pytest.approx(alt["flaeche_m2"], rel=1e-12, abs=1e-9)


@pytest.mark.parametrize("quartier", QUARTIERE)
def test_vacancy_figures_and_map_rows_equal_the_pandas_ones_on_the_demo(demo, quartier):
    geprueft = 0
    for zeit in ZEITRAEUME:
        filt = Filter(quartier=quartier, von=zeit.von, bis=zeit.bis)
        for seite in SEITEN:
            alt = objekte(demo, filt, seite)
            z = zahlen(demo, filt, seite)
            gleiche_kennzahlen(oek.leerstand_kennzahlen_gezaehlt(z), oek.leerstand_kennzahlen(alt))
            assert (int(z["objekte"].iloc[0]) if len(z) else 0) == len(alt)
            assert dict(zip(z["status_stichtag"], z["anzahl"])) == \
                alt["status_stichtag"].value_counts().to_dict()
            for n in (1, 7, 10_000):
                karte = run_query("oek_leerstand_karte", demo, **filt.params(),
                                  **{**SEITE_ALLE, **seite}, zeilen=n)
                gleiche_zeilen(karte, alt.head(n))
                assert karte["objekt_id"].tolist() == \
                    oek.karte_auswahl(alt, n)["objekt_id"].tolist()
            geprueft += len(alt) > 7
    assert geprueft >= 4                 # the cases are not all empty


def test_vacancy_figures_by_hand_odd_even_and_empty(db_factory):
    """LEER (see test_oekonomie): at 01.06.2018 L1 (48.0 months), L3 (516 days = 16.95) and
    L5 (0) stand vacant: median 16.95. Ilversgehofen and Herrenberg: L1 and L3, median
    (48.0 + 16.95) / 2; L2 re-let on 01.09.2017 counts as re-let in the period."""
    con = db_factory(**LEER)
    w = oek.leerstand_kennzahlen_gezaehlt(zahlen(con, Filter(), {}))
    assert (w["einheiten"], w["flaeche_m2"], w["wiederbelegt"]) == (3, 5380.0, 1)
    assert w["median_monate"] == 516 / 30.4375
    z = zahlen(con, Filter(), dict(stadtteile=["Ilversgehofen", "Herrenberg"]))
    w = oek.leerstand_kennzahlen_gezaehlt(z)
    assert (w["einheiten"], w["flaeche_m2"], w["wiederbelegt"]) == (2, 5080.0, 1)
    assert w["median_monate"] == (48.0 + 516 / 30.4375) / 2
    assert dict(zip(z["status_stichtag"], z["anzahl"])) == {
        "leer": 1, "wiederbelegt": 1, "Zwischennutzung": 1}
    assert z["objekte"].iloc[0] == 3
    # nothing selected: no rows; the figures as leerstand_kennzahlen gives them on no rows
    leer = zahlen(con, Filter(), dict(arten=["Büro"], status=["leer"]))
    assert leer.empty
    w = oek.leerstand_kennzahlen_gezaehlt(leer)
    assert (w["einheiten"], w["flaeche_m2"], w["wiederbelegt"]) == (0, 0.0, 0)
    assert np.isnan(w["median_monate"])
    # only re-let objects selected: no vacant one, the median is missing, not 0
    w = oek.leerstand_kennzahlen_gezaehlt(zahlen(con, Filter(), dict(status=["wiederbelegt"])))
    assert (w["einheiten"], w["wiederbelegt"]) == (0, 1) and np.isnan(w["median_monate"])


RAEUME_SUCHEN = [
    dict(raum_status=None),
    dict(raum_status=["leer", "in Vermarktung", "Zwischennutzung"], raum_sortierung="dauer"),
    dict(raum_arten=["Ladenlokal", "Büro"], raum_min=50, raum_max=300,
         raum_sortierung="flaeche_auf"),
    dict(raum_quartier="Süd-Ost", raum_stadtteile=["Herrenberg", "ohne Angabe"]),
    dict(raum_min=10 ** 9),
]


@pytest.mark.parametrize("suche", RAEUME_SUCHEN)
def test_premises_search_first_rows_and_map_hits_equal_the_full_list(demo, suche):
    params = dict(raum_status=["leer", "in Vermarktung"], raum_arten=None, raum_min=None,
                  raum_max=None, raum_quartier=None, raum_stadtteile=None,
                  raum_sortierung="flaeche_ab") | suche
    alle = run_query("oek_leerstand_raeume", demo, **params)
    for zeilen, punkte in ((5, 3), (3, 0), (10_000, 10_000)):
        erste = run_query("oek_leerstand_raeume_erste", demo, **params, zeilen=zeilen,
                          punkte=punkte)
        assert set(erste["treffer"]) <= {len(alle)}
        liste = erste[erste["in_liste"]].reset_index(drop=True)
        gleiche_zeilen(liste[list(alle.columns)], alle.head(zeilen))
        gleiche_zeilen(oek.raeume_tabelle(liste[list(alle.columns)]),
                       oek.raeume_tabelle(alle).head(zeilen))
        karte = erste[erste["auf_karte"]]
        assert sorted(karte["objekt_id"]) == sorted(oek.karte_auswahl(alle, punkte)[
            "objekt_id"].head(punkte))
    if suche.get("raum_min") != 10 ** 9:
        assert len(alle) > 5


def pandas_paare(con, quartier) -> pd.DataFrame:
    """Every (open request, available unit) pair, worked out in pandas from the stored
    tables – independent of the SQL macros."""
    g = con.execute("select * from stg_raumgesuche where status = 'offen'").df()
    o = con.execute("select * from mart_leerstaende "
                    "where status in ('leer', 'in Vermarktung')").df()
    if quartier is not None:
        g = g[g["quartier"].isna() | (g["quartier"] == quartier)]
        o = o[o["quartier"] == quartier]
    p = g.merge(o, on="art", suffixes=("_g", ""))
    passt = ((p["flaeche_min_m2"].isna() | (p["flaeche_m2"] >= p["flaeche_min_m2"]))
             & (p["flaeche_max_m2"].isna() | (p["flaeche_m2"] <= p["flaeche_max_m2"]))
             & (p["quartier_g"].isna() | (p["quartier"] == p["quartier_g"])))
    return p[passt.fillna(False)].rename(columns={"objekt_id": "objekt"})


@pytest.mark.parametrize("quartier", QUARTIERE)
def test_requests_figures_and_first_rows_equal_pandas_on_the_demo(demo, quartier):
    paare = pandas_paare(demo, quartier)
    gesuche = run_query("oek_raumgesuche", demo, quartier=quartier)
    n = paare.groupby("gesuch_id")["objekt"].nunique()
    mit = gesuche.assign(passende_objekte=gesuche["gesuch_id"].map(n).fillna(0).astype(int))
    for von, bis in ((D(2015, 10, 1), D(2018, 12, 31)), (D(2017, 1, 1), D(2017, 6, 30))):
        z = run_query("oek_raumgesuche_zahlen", demo, quartier=quartier, von=von, bis=bis)
        datenstand = demo.execute("select wert from _meta where schluessel = 'datenstand'"
                                  ).fetchone()[0]
        alt = oek.gesuche_kennzahlen(mit, von, oek.stichtag(bis, datenstand))
        assert z.iloc[0][["offen", "mit_passendem", "vermittelt"]].to_dict() == alt
        assert z["gesuche"].iloc[0] == len(gesuche)
    assert alt["offen"] > 3 and 0 < alt["mit_passendem"]
    # the first rows: counts from all pairs, names as oek_raumgesuche_passend gives them
    passend = run_query("oek_raumgesuche_passend", demo, quartier=quartier, k=2)
    voll = oek.gesuche_tabelle_gezaehlt(oek.mit_passenden_anzahl(gesuche, passend), passend)
    assert voll["passende Objekte"].tolist() == \
        mit.loc[mit["status"] == "offen", "passende_objekte"].tolist()
    for zeilen in (3, 10_000):
        erste = run_query("oek_raumgesuche_erste", demo, quartier=quartier, k=2, zeilen=zeilen)
        gleiche_zeilen(oek.gesuche_tabelle_gezaehlt(erste, erste), voll.head(zeilen))
    # the units' table: the first rows of the full one, the count of all
    angebote = run_query("oek_raumgesuche_angebote", demo, quartier=quartier, k=2)
    je_objekt = paare.groupby("objekt")["gesuch_id"].agg(sorted)
    assert dict(zip(angebote["objekt_id"], angebote["passende_gesuche"])) == \
        je_objekt.map(len).to_dict()
    assert dict(zip(angebote["objekt_id"], angebote["gesuche"].map(list))) == \
        je_objekt.map(lambda g: g[:2]).to_dict()
    seite = run_query("oek_raumgesuche_angebote_seite", demo, quartier=quartier, k=2,
                      zeilen=4)
    assert set(seite["alle"]) == {len(angebote)} and len(angebote) > 4
    gleiche_zeilen(oek.angebote_tabelle_gezaehlt(seite),
                   oek.angebote_tabelle_gezaehlt(angebote).head(4))


def test_requests_first_rows_at_boundary_areas_worked_by_hand(db_factory):
    """GRENZ_* (see test_oekonomie): closed bounds, open bounds, the empty range 100–80,
    ties in area named by objekt_id; requests A–H oldest first (all of the same day, by id)."""
    con = db_factory(**GRENZ_LEER, raumgesuche=GRENZ_GESUCHE)
    hand = {"A": ["U3", "U1", "U2"], "B": ["U3", "U1"], "C": ["U1", "U2", "U4"],
            "D": ["U3", "U1", "U2", "U4"], "E": [], "F": ["U2"], "G": [], "H": ["U7"]}
    flaeche = {o["objekt_id"]: o["flaeche_m2"] for o in GRENZ_LEER["leerstaende"]}
    for k in (1, 2, 10):
        erste = run_query("oek_raumgesuche_erste", con, quartier=None, k=k, zeilen=6)
        assert erste["gesuch_id"].tolist() == list("ABCDEF")
        assert erste["passende_objekte"].tolist() == [len(hand[g]) for g in "ABCDEF"]
        assert [[o["adresse"] for o in objs] for objs in erste["objekte"]] == [
            [f"Straße {o}" for o in hand[g][:k]] for g in "ABCDEF"]
        assert [[o["flaeche_m2"] for o in objs] for objs in erste["objekte"]] == [
            [flaeche[o] for o in hand[g][:k]] for g in "ABCDEF"]
    z = run_query("oek_raumgesuche_zahlen", con, quartier=None, von=D(2015, 1, 1),
                  bis=D(2018, 12, 31)).iloc[0]
    assert (z["gesuche"], z["offen"], z["mit_passendem"], z["vermittelt"]) == (8, 8, 6, 0)
    # Süd-Ost: units U2 and U4 only; B and H want Magdeburger Allee
    z = run_query("oek_raumgesuche_zahlen", con, quartier="Süd-Ost", von=D(2015, 1, 1),
                  bis=D(2018, 12, 31)).iloc[0]
    assert (z["offen"], z["mit_passendem"]) == (6, 4)           # A, C, D, F
    seite = run_query("oek_raumgesuche_angebote_seite", con, quartier=None, k=10, zeilen=2)
    assert list(zip(seite["objekt_id"], seite["passende_gesuche"], seite["alle"])) == [
        ("U1", 4, 5), ("U2", 4, 5)]
    assert [list(g) for g in seite["gesuche"]] == [["A", "B", "C", "D"], ["A", "C", "D", "F"]]
