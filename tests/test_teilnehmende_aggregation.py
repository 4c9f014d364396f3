"""Issue 14: the participant pages aggregate in DuckDB. Each grouped or count-based result
equals what the per-cell / per-person computation gives – on the hand-made fixture of
test_teilnehmende_queries (twelve people) and on the demo data."""
from __future__ import annotations

import datetime as dt
import itertools

import duckdb
import pandas as pd
import pytest

from biwaq.einlesen.contract import GESCHLECHT, QUARTIERE, TRAEGER
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


# --- Counts per list of groups (macro tn_gruppen) against a per-person recomputation ---------
#
# pandas reads the unfiltered persons (mart_tn_verlauf) and their groups (view
# mart_tn_gruppen, one row per person and group), restricts them by hand to the filter and
# counts person by person; the queries count per distinct list of groups in DuckDB.

DIMS = ("zielgruppe", "quartier", "traeger", "geschlecht", "altersgruppe")


def _personen(con, filt: Filter) -> pd.DataFrame:
    """mart_tn_verlauf restricted by hand: Quartier, Träger, Zielgruppe (the period is
    applied per query, to the date each one counts)."""
    tn = con.execute("select * from mart_tn_verlauf").df()
    if filt.quartier:
        tn = tn[tn["quartier"] == filt.quartier]
    if filt.traeger:
        tn = tn[tn["traeger"] == filt.traeger]
    if filt.zielgruppe:
        tn = tn[[filt.zielgruppe in list(z) for z in tn["zielgruppen"]]]
    return tn


def _im_zeitraum(s: pd.Series, filt: Filter) -> pd.Series:
    d = pd.to_datetime(s)
    return (d >= pd.Timestamp(filt.von)) & (d <= pd.Timestamp(filt.bis))


def _mit_gruppen(con, tn: pd.DataFrame, dim: str) -> pd.DataFrame:
    g = con.execute("select tn_id, gruppe from mart_tn_gruppen where dim = $d", {"d": dim}).df()
    return g.merge(tn, on="tn_id")


def _sortiert(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = df.copy()
    for k in keys:
        out[k] = out[k].astype(object).where(out[k].notna(), None)
    return out.sort_values(keys, key=lambda s: s.map(lambda x: (x is None, str(x)))
                           ).reset_index(drop=True)


def _gleich(abfrage: pd.DataFrame, hand: pd.DataFrame, keys: list[str]) -> None:
    a = _sortiert(abfrage, keys)
    h = _sortiert(hand, keys)[list(a.columns)]
    pd.testing.assert_frame_equal(a, h, check_dtype=False)


def _pruefe_gruppenabfragen(con, filt: Filter, dim: str) -> None:
    p = {**filt.params(), "dim": dim}
    tn = _personen(con, filt)
    # funnel: Erstkontakt in the period
    k = tn[_im_zeitraum(tn["erstkontakt"], filt)].copy()
    da = {c: k[c].notna() for c in ("eintritt", "begleitet_am", "praxis_am", "vermittelt_am")}
    k = k.assign(erstkontakt_n=1, eintritt_n=da["eintritt"], begleitet=da["begleitet_am"],
                 praxis=da["praxis_am"], vermittelt=da["vermittelt_am"],
                 verbleib=k["verbleib_6m_ja"], eintritt_v=da["eintritt"],
                 begleitet_v=da["begleitet_am"] & da["eintritt"],
                 praxis_v=da["praxis_am"] & da["begleitet_am"],
                 vermittelt_v=da["vermittelt_am"] & da["praxis_am"],
                 verbleib_v=k["verbleib_6m_ja"] & da["vermittelt_am"])
    spalten = ["erstkontakt_n", "eintritt_n", "begleitet", "praxis", "vermittelt", "verbleib",
               "eintritt_v", "begleitet_v", "praxis_v", "vermittelt_v", "verbleib_v"]
    hand = (_mit_gruppen(con, k, dim).groupby("gruppe", dropna=False)[spalten].sum()
            .astype(int).reset_index()
            .rename(columns={"erstkontakt_n": "erstkontakt", "eintritt_n": "eintritt"}))
    _gleich(run_query("vermittlung_trichter", con, **p), hand, ["gruppe"])
    # time between stages: days of both stages reached, reversed as 0 days
    paare = {1: ("erstkontakt", "eintritt"), 2: ("eintritt", "begleitet_am"),
             3: ("begleitet_am", "praxis_am"), 4: ("praxis_am", "vermittelt_am"),
             5: ("eintritt", "vermittelt_am")}
    teile = []
    for schritt, (a, b) in paare.items():
        t = k[k[a].notna() & k[b].notna()]
        teile.append(pd.DataFrame({"tn_id": t["tn_id"], "schritt": schritt,
                                   "tage": (pd.to_datetime(t[b]) - pd.to_datetime(t[a])).dt.days}))
    s = _mit_gruppen(con, pd.concat(teile), dim)
    if len(s):
        hand = (s.groupby(["gruppe", "schritt"], dropna=False)
                .agg(personen=("tage", "size"), umgekehrt=("tage", lambda x: int((x < 0).sum())),
                     median_tage=("tage", lambda x: float(x.clip(lower=0).median())))
                .reset_index())
        _gleich(run_query("vermittlung_stufenzeiten", con, **p), hand, ["gruppe", "schritt"])
    else:
        assert run_query("vermittlung_stufenzeiten", con, **p).empty
    # access routes: Erstkontakt in the period
    hand = (_mit_gruppen(con, k, dim).groupby(["gruppe", "zugangsweg"], dropna=False)
            .size().rename("personen").reset_index())
    _gleich(run_query("zielgruppen_zugangswege", con, **p), hand, ["gruppe", "zugangsweg"])
    # exits by reason: Austritt in the period
    a = tn[_im_zeitraum(tn["austritt"], filt)].copy()
    a["austrittsgrund"] = a["austrittsgrund"].fillna("ohne Angabe")
    hand = (_mit_gruppen(con, a, dim).groupby(["gruppe", "austrittsgrund"], dropna=False)
            .size().rename("personen").reset_index())
    _gleich(run_query("vermittlung_austritte", con, **p), hand, ["gruppe", "austrittsgrund"])


def _pruefe_reichweite(con, filt: Filter, dim: str) -> None:
    tn = _personen(con, filt)
    teile = []
    for mass, spalte in (("erreicht", "erstkontakt"), ("eingetreten", "eintritt")):
        t = tn[_im_zeitraum(tn[spalte], filt)]
        datum = pd.to_datetime(t[spalte])
        wert = {"gesamt": pd.Series("Gesamt", index=t.index),
                "quartal": datum.dt.year.astype(str) + " Q" + datum.dt.quarter.astype(str)
                }.get(dim, t[dim] if dim in t else None)
        teile.append(pd.DataFrame({"tn_id": t["tn_id"], "mass": mass, "auspraegung": wert}))
    e = pd.concat(teile)
    g = tn[["tn_id", "zielgruppen"]].assign(
        gruppe=[["alle", *z] for z in tn["zielgruppen"]]).explode("gruppe")[["tn_id", "gruppe"]]
    m = e.merge(g, on="tn_id")
    hand = (m.assign(erreicht=m["mass"] == "erreicht", eingetreten=m["mass"] == "eingetreten")
            .groupby(["gruppe", "auspraegung"], dropna=False)[["erreicht", "eingetreten"]].sum()
            .astype(int).reset_index())
    _gleich(run_query("zielgruppen_reichweite", con, **filt.params(), dim=dim), hand,
            ["gruppe", "auspraegung"])


def _pruefe_kombinationen(con, filt: Filter) -> None:
    tn = _personen(con, filt)
    tn = tn[_im_zeitraum(tn["erstkontakt"], filt)]
    paare = [(a, b) for z in tn["zielgruppen"] for a in z for b in z]
    hand = (pd.DataFrame(paare, columns=["zeile", "spalte"]).groupby(["zeile", "spalte"])
            .size().rename("personen").reset_index())
    _gleich(run_query("zielgruppen_kombinationen", con, **filt.params()), hand,
            ["zeile", "spalte"])


def _pruefe_alle(con, filt: Filter) -> None:
    _pruefe_kombinationen(con, filt)
    for dim in DIMS:
        _pruefe_gruppenabfragen(con, filt, dim)
    for dim in an.REICHWEITE_DIMENSIONEN:
        _pruefe_reichweite(con, filt, dim)


@pytest.mark.parametrize("filt", FILTER, ids=str)
def test_group_queries_equal_per_person_counts_fixture(con, filt):
    _pruefe_alle(con, filt)


@pytest.mark.parametrize("filt", [Filter(), Filter(quartier="Süd-Ost", zielgruppe="55plus"),
                                  Filter(traeger="KIK", von=D(2017, 1, 1), bis=D(2017, 6, 30))],
                         ids=str)
def test_group_queries_equal_per_person_counts_demo(demo, filt):
    _pruefe_alle(demo, filt)


def test_filtered_funnel_by_hand(con):
    """The fixture restricted by hand: Süd-Ost = P03 (contact 2016-03-01, entry, Coaching,
    Schnuppertag, placed 2017-04-06), P06 (2017-01-09, entry, Coaching), P12 (2018-12-31,
    contact only). Unfiltered, the Süd-Ost row of the breakdown by Quartier is the same."""
    so = run_query("vermittlung_trichter", con, **Filter(quartier="Süd-Ost").params(),
                   dim="quartier").set_index("gruppe")
    assert so.loc["alle", ["erstkontakt", "eintritt", "begleitet", "praxis", "vermittelt"]
                  ].tolist() == [3, 2, 2, 1, 1]
    alle = run_query("vermittlung_trichter", con, **Filter().params(),
                     dim="quartier").set_index("gruppe")
    pd.testing.assert_series_equal(alle.loc["Süd-Ost"], so.loc["Süd-Ost"], check_names=False)
    assert alle.loc["alle", "erstkontakt"] == 11      # P11's contact 2015-09-01 is before
    assert alle.loc["Magdeburger Allee", "erstkontakt"] == 8   # the period: 12 − 3 − P11


def test_tn_gruppen_macro_is_the_view_mart_tn_gruppen(demo):
    """One definition of a person's groups: the macro's lists, unnested, are exactly the
    rows of the view mart_tn_gruppen for every dimension."""
    for dim in DIMS:
        makro = demo.execute(
            "select tn_id, unnest(tn_gruppen($d, zielgruppen, quartier, traeger, geschlecht, "
            "altersgruppe)) as gruppe from mart_teilnehmende order by all", {"d": dim}).df()
        sicht = demo.execute("select tn_id, gruppe from mart_tn_gruppen where dim = $d "
                             "order by all", {"d": dim}).df()
        assert len(makro) > 0
        pd.testing.assert_frame_equal(makro, sicht)


# --- Aalen–Johansen from counts per day = from one row per person --------------------------

def test_aalen_johansen_counts_equal_persons_by_hand_with_ties_on_day_0():
    """Eight persons: day 0 one placement, one competing exit, one censored; day 3 two
    placements, one exit, one censored; day 5 one placement. By hand:
    t=0: n=8, F1 = 1/8, S = 6/8; t=3: n=5, F1 = 1/8 + 6/8·2/5 = 0.425, S = 6/8·2/5 = 0.3;
    t=5: n=1, F1 = 0.425 + 0.3·1 = 0.725, S = 0."""
    tage = [0, 0, 0, 3, 3, 3, 3, 5]
    ereignis = [1, 2, 0, 1, 1, 2, 0, 1]
    je_person = an.aalen_johansen(tage, ereignis)
    je_tag = an.aalen_johansen([0, 0, 0, 3, 3, 3, 5], [0, 1, 2, 0, 1, 2, 1],
                               [1, 1, 1, 1, 2, 1, 1])
    pd.testing.assert_frame_equal(je_person, je_tag)
    k = je_tag.set_index("tage")
    assert k["inzidenz"].tolist() == pytest.approx([0.125, 0.425, 0.725])
    assert k["ueberleben"].tolist() == pytest.approx([0.75, 0.3, 0.0])
    assert k["unter_risiko"].tolist() == [8, 5, 1]


def _je_person(con, filt: Filter) -> pd.DataFrame:
    """One row per person with Eintritt in the period: cohort (quarter), tage, ereignis –
    computed in pandas from mart_tn_verlauf as the query's header defines them."""
    tn = _personen(con, filt)
    tn = tn[_im_zeitraum(tn["eintritt"], filt)].copy()
    ein, aus = pd.to_datetime(tn["eintritt"]), pd.to_datetime(tn["austritt"])
    verm, stand = pd.to_datetime(tn["vermittelt_am"]), pd.to_datetime(tn["datenstand"])
    platz = verm.notna() & (aus.isna() | (verm <= aus + pd.Timedelta(days=28)))
    ereignis = platz.map({True: 1, False: 0})
    ereignis[~platz & aus.notna()] = 2
    ende = verm.where(ereignis == 1, aus.where(ereignis == 2, stand.fillna(ein)))
    return pd.DataFrame({"kohorte": ein.dt.to_period("Q").dt.start_time,
                         "tage": (ende - ein).dt.days.clip(lower=0),
                         "ereignis": ereignis, "eintritt": ein, "datenstand": stand})


@pytest.mark.parametrize("filt", [Filter(), Filter(quartier="Süd-Ost", zielgruppe="55plus")],
                         ids=str)
def test_cohort_curves_from_counts_equal_per_person_estimate_demo(demo, filt):
    """The page's curves (query vermittlung_verweildauer: counts per cohort, day and event)
    equal the Aalen–Johansen estimate from one row per person, cohort by cohort, and so do
    the horizon shares."""
    for einheit in ("quartal", "jahr"):
        koh = an.kohorten(run_query("vermittlung_verweildauer", demo, **filt.params()), einheit)
        p = _je_person(demo, filt)
        p["name"] = [an.kohorte_label(k, einheit) for k in p["kohorte"]]
        assert sorted(p["name"].unique()) == koh.tabelle["kohorte"].tolist()
        for name, teil in p.groupby("name"):
            hand = an.aalen_johansen(teil["tage"], teil["ereignis"])
            kurve = koh.kurven[koh.kurven["kohorte"] == name].reset_index(drop=True)
            assert len(hand) > 1
            assert kurve["tage"].tolist() == hand["tage"].tolist()
            assert kurve["inzidenz"].to_numpy() == pytest.approx(hand["inzidenz"].to_numpy())
            assert kurve["unter_risiko"].tolist() == hand["unter_risiko"].tolist()
            zeile = koh.tabelle.set_index("kohorte").loc[name]
            assert zeile["eintritte"] == len(teil)
            beobachtet = (teil["datenstand"].iloc[0] - teil["eintritt"].max()).days
            for h in an.HORIZONTE:
                if beobachtet >= h:        # observed in full: the plain share placed by h
                    anteil = ((teil["ereignis"] == 1) & (teil["tage"] <= h)).mean()
                    assert zeile[f"inzidenz_{h}"] == pytest.approx(anteil)
                else:
                    assert pd.isna(zeile[f"inzidenz_{h}"])


def test_esf_of_an_empty_period_is_all_zero(con):
    """Nobody in the period: the main table still lists every indicator with 0, the split has
    only its all-zero total cell."""
    leer = Filter(von=D(2030, 1, 1), bis=D(2030, 12, 31))
    e = run_query("esf_indikatoren", con, **leer.params(), geschlecht="w")
    assert len(e) == 16 and (e["wert"] == 0).all() and (e["basis"] == 0).all()
    g = run_query("esf_gliederung", con, **leer.params())
    assert len(g) == 16 and g[["quartier", "traeger", "geschlecht"]].isna().all().all()
    assert (g["wert"] == 0).all()
