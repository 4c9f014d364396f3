"""Issue 14: every write stores the page's data-quality result (quality.pruefen_gruppen);
readers use it only while it is the result of exactly the data in the file."""
from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest

from biwaq.einlesen.demo import write_demo
from biwaq.speicher import store
from biwaq.zahlen import quality
from conftest import make_db

D = dt.date


def _einfach(df: pd.DataFrame) -> list[dict]:
    """Rows as plain Python values (arrays from DuckDB as lists) to compare two results."""
    def wert(x):
        if isinstance(x, (np.ndarray, list)):
            return [dict(e) if isinstance(e, dict) else e for e in x]
        return None if x is None or (isinstance(x, float) and np.isnan(x)) else x
    return [{k: wert(v) for k, v in r.items()} for r in df.to_dict("records")]


def _gleich(a: tuple[pd.DataFrame, pd.DataFrame], b: tuple[pd.DataFrame, pd.DataFrame]):
    assert _einfach(a[0]) == _einfach(b[0])
    assert _einfach(a[1]) == _einfach(b[1])


@pytest.fixture(scope="module")
def demo_mit_verstoessen(tmp_path_factory):
    """Demo data at scale 5: duplicates (Q16) and double addresses (Q30) occur."""
    ordner = tmp_path_factory.mktemp("demo5")
    write_demo(ordner / "demo", scale=5)
    return store.build(ordner / "biwaq.duckdb", ordner / "demo")


def _lesen(db):
    con = store.connect_readonly(db)
    try:
        return quality.vorberechnet(con), quality.pruefen_gruppen(con)
    finally:
        con.close()


@pytest.mark.parametrize("welche", ["demo", "demo5"])
def test_stored_result_equals_computed_one(welche, demo_db, demo_mit_verstoessen):
    db = demo_db if welche == "demo" else demo_mit_verstoessen
    gespeichert, gerechnet = _lesen(db)
    assert gespeichert is not None
    _gleich(gespeichert, gerechnet)
    if welche == "demo5":
        assert {"Q16", "Q30"} <= set(gerechnet[1]["regel"])


def test_stored_result_of_a_hand_made_case(tmp_path):
    """P1 has an exit reason but no exit date (Q05), P2 is fine: one group, one violation."""
    db = make_db(tmp_path / "h.duckdb", teilnehmende=[
        dict(tn_id="P1", eintritt=D(2016, 3, 1), austrittsgrund="Abbruch"),
        dict(tn_id="P2", eintritt=D(2016, 3, 1), geburtsjahr=1970)])
    with store.replace_atomically(db):
        pass
    gespeichert, gerechnet = _lesen(db)
    _gleich(gespeichert, gerechnet)
    g = gespeichert[1]
    assert set(g["regel"]) == {"Q05"}
    z = g.iloc[0]
    assert (z["quartier"], z["traeger"], z["anzahl"], z["n_ids"], z["n_ids_regel"]) == (
        "Magdeburger Allee", "KIK", 1, 1, 1)
    assert list(z["ids"]) == ["P1"]
    assert [e["id"] for e in z["erste"]] == ["P1"]


def test_data_changed_by_another_program_are_checked_again(tmp_path, demo_db):
    """An update written directly into the file (DuckDB CLI, a notebook): the stored result
    is not used; the page's function computes and finds the new violation."""
    db = tmp_path / "b.duckdb"
    db.write_bytes(demo_db.read_bytes())
    assert _lesen(db)[0] is not None
    raw = duckdb.connect(str(db))
    tn = raw.execute("select tn_id from teilnehmende where eintritt is not null "
                     "and austritt is null order by tn_id limit 1").fetchone()[0]
    raw.execute("update teilnehmende set austrittsgrund = 'Abbruch' where tn_id = $t",
                {"t": tn})
    raw.close()
    gespeichert, gerechnet = _lesen(db)
    assert gespeichert is None
    con = store.connect_readonly(db)
    try:
        regeln, gruppen = quality.pruefen_gruppen_gespeichert(con)
    finally:
        con.close()
    _gleich((regeln, gruppen), gerechnet)
    assert tn in set(np.concatenate(list(gruppen.loc[gruppen["regel"] == "Q05", "ids"])))


@pytest.mark.parametrize("schluessel, wert", [
    ("vorberechnet_qualitaet", "andere Regeln"),    # rule set, rule SQL or code changed
    ("datenstand", "2016-06-30"),                   # read by Q14/Q15, not in the fingerprint
    ("marts_schema", "anders"),                     # schema.sql changed
])
def test_other_rules_or_meta_are_not_served_from_the_store(tmp_path, demo_db, schluessel, wert):
    db = tmp_path / "m.duckdb"
    db.write_bytes(demo_db.read_bytes())
    raw = duckdb.connect(str(db))
    raw.execute("insert or replace into _meta values ($k, $v)", {"k": schluessel, "v": wert})
    raw.close()
    assert _lesen(db)[0] is None


def test_rules_reading_todays_date_are_computed_on_another_day(tmp_path, demo_db):
    """Q27 (dates in the future) depends on the day: stored on another day, it is computed
    afresh (a planted stored row is not shown), every other rule comes from the store."""
    assert quality.heute_abhaengig(quality.REGEL["Q27"])
    assert not quality.heute_abhaengig(quality.REGEL["Q01"])
    db = tmp_path / "t.duckdb"
    db.write_bytes(demo_db.read_bytes())
    raw = duckdb.connect(str(db))
    raw.execute("update _meta set wert = '2000-01-01' "
                "where schluessel = 'vorberechnet_qualitaet_tag'")
    for regel in ("Q27", "Q01"):
        raw.execute("insert into " + quality.FEST_GRUPPEN + " values ($r, 'Süd-Ost', null, 1, "
                    "1, ['X1'], [{'id': 'X1', 'details': 'gepflanzt', 'quartier': 'Süd-Ost', "
                    "'traeger': null, 'nr': 1}], 1)", {"r": regel})
    raw.close()
    gespeichert, gerechnet = _lesen(db)
    g = gespeichert[1]
    assert g.loc[g["regel"] == "Q27"].empty            # computed: the demo has none
    assert list(g.loc[g["regel"] == "Q01", "ids"].iloc[0]) == ["X1"]   # read from the store
    assert _einfach(g[g["regel"] != "Q01"]) == _einfach(gerechnet[1])


def test_a_write_without_the_step_leaves_no_old_result(tmp_path, demo_db, monkeypatch):
    db = tmp_path / "w.duckdb"
    db.write_bytes(demo_db.read_bytes())
    monkeypatch.setattr(store, "VORBERECHNUNGEN", {})
    with store.replace_atomically(db):
        pass
    con = store.connect_readonly(db)
    try:
        tabellen = {n for (n,) in con.execute("select table_name from information_schema.tables "
                                              "where table_catalog = 'biwaq_datei'").fetchall()}
        assert quality.FEST_GRUPPEN not in tabellen and quality.FEST_REGELN not in tabellen
        assert quality.vorberechnet(con) is None
    finally:
        con.close()


def test_a_failing_step_keeps_the_write_and_stores_no_result(tmp_path, demo_db, monkeypatch):
    """A rule that fails while a write stores the results must not stop the import: the data
    are written, no result (old or half) is stored, the page computes as without the store."""
    db = tmp_path / "f.duckdb"
    db.write_bytes(demo_db.read_bytes())
    echt = dict(store.VORBERECHNUNGEN)

    def kaputt(con):
        for fn in echt.values():
            fn(con)                       # writes the tables and its guard …
        raise RuntimeError("Regel kaputt")   # … then fails: all of it must be rolled back

    monkeypatch.setattr(store, "VORBERECHNUNGEN", {"kaputt": kaputt})
    with store.replace_atomically(db) as con:
        con.execute("update teilnehmende set geburtsjahr = 1971 where tn_id = "
                    "(select min(tn_id) from teilnehmende)")
    con = store.connect_readonly(db)
    try:
        assert con.execute("select geburtsjahr from teilnehmende order by tn_id limit 1"
                           ).fetchone()[0] == 1971
        tabellen = {n for (n,) in con.execute("select table_name from information_schema.tables "
                                              "where table_catalog = 'biwaq_datei'").fetchall()}
        assert quality.FEST_GRUPPEN not in tabellen and quality.FEST_REGELN not in tabellen
        assert quality.vorberechnet(con) is None
    finally:
        con.close()
