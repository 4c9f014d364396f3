"""Store: the schema matches the contract, constraints hold, a failed build changes nothing."""
from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest

from biwaq.speicher import store
from biwaq.einlesen.contract import TABLES
from conftest import frame

DUCK_TYPES = {"text": "VARCHAR", "int": "INTEGER", "float": "DOUBLE", "date": "DATE",
              "bool": "BOOLEAN"}


def test_schema_has_every_contract_column_with_its_type():
    con = duckdb.connect()
    store.create_schema(con)
    for name, table in TABLES.items():
        cols = dict(con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = $t", {"t": name}).fetchall())
        assert list(cols) == table.column_names, name
        for c in table.columns:
            assert cols[c.name] == DUCK_TYPES[c.type], (name, c.name)


@pytest.mark.parametrize("name", list(TABLES))
def test_value_lists_are_enforced_by_constraints(name):
    """For every column with a value list, a row with a foreign value is refused."""
    con = duckdb.connect()
    store.create_schema(con)
    from conftest import DEFAULTS
    base = {c.name: (c.values[0] if c.values else None) for c in TABLES[name].columns}
    base.update(DEFAULTS[name])
    for key in TABLES[name].key:
        base.setdefault(key, None)
        if base[key] is None:
            base[key] = {"text": "K1", "date": dt.date(2016, 1, 1), "int": 2016}[
                TABLES[name].column(key).type]
    for c in TABLES[name].column_names:
        if base.get(c) is None and TABLES[name].column(c).required:
            base[c] = {"text": "x", "int": 1, "float": 1.0, "date": dt.date(2016, 1, 1),
                       "bool": False}[TABLES[name].column(c).type]
    store.upsert_frame(con, name, frame(name, [base]))   # the valid row goes in
    for col in TABLES[name].columns:
        if not col.values:
            continue
        bad = {**base, col.name: "Unbekannt"}
        with pytest.raises(duckdb.ConstraintException):
            store.upsert_frame(con, name, frame(name, [bad]))


def test_upsert_is_idempotent_and_replaces_by_key():
    con = duckdb.connect()
    store.create_schema(con)
    rows = [dict(betrieb_id="B1", beschaeftigte=3), dict(betrieb_id="B2")]
    store.upsert_frame(con, "betriebe", frame("betriebe", rows))
    store.upsert_frame(con, "betriebe", frame("betriebe", rows))
    assert con.execute("select count(*) from betriebe").fetchone()[0] == 2
    store.upsert_frame(con, "betriebe", frame("betriebe", [dict(betrieb_id="B1",
                                                                beschaeftigte=7)]))
    assert con.execute("select beschaeftigte from betriebe where betrieb_id = 'B1'"
                       ).fetchone()[0] == 7


def test_targets_for_all_areas_are_stored_with_empty_key_and_read_as_null():
    con = duckdb.connect()
    store.create_schema(con)
    store.upsert_frame(con, "ziele", frame("ziele", [dict(kennzahl="eintritte", zielwert=5)]))
    assert con.execute("select quartier, zielgruppe from ziele").fetchone() == ("", "")
    assert con.execute("select quartier, zielgruppe from stg_ziele").fetchone() == (None, None)


def test_build_with_a_bad_file_leaves_the_database_unchanged(demo_db, tmp_path):
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, db)
    before = db.read_bytes()
    src = tmp_path / "export"
    shutil.copytree(store.DEMO_DIR, src)
    text = (src / "teilnehmende.csv").read_text(encoding="utf-8-sig").splitlines()
    parts = text[1].split(";")
    parts[3] = "Unbekannter Träger"          # traeger of the first participant (Excel row 2)
    text[1] = ";".join(parts)
    (src / "teilnehmende.csv").write_text("\n".join(text) + "\n", encoding="utf-8-sig")
    with pytest.raises(store.ImportFehler) as err:
        store.build(db, src)
    msgs = [str(f) for f in err.value.fehler]
    assert any("teilnehmende.csv, Zeile 2, Spalte „traeger“: Wert „Unbekannter Träger“" in m
               for m in msgs), msgs
    assert db.read_bytes() == before


def test_demo_build_has_all_rows_and_is_marked_as_demo(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        for name in TABLES:
            n_file = sum(1 for _ in open(store.DEMO_DIR / f"{name}.csv", encoding="utf-8-sig")) - 1
            n_db = con.execute("select count(*) from " + store.ident(name)).fetchone()[0]
            assert n_db == n_file, name
        meta = store.get_meta(con)
        assert meta["datenquelle"] == "demo"
        assert meta["datenstand"] == "2018-12-31"
        assert con.execute("select count(*) from stadtteil_geo").fetchone()[0] == 6
    finally:
        con.close()


def test_a_database_from_an_older_version_is_migrated_and_keeps_its_records(demo_db, tmp_path):
    db = tmp_path / "alt.duckdb"
    shutil.copy(demo_db, db)
    con = duckdb.connect(str(db))
    con.execute("drop view mart_tn_gruppen")
    con.execute("drop view mart_leerstaende")
    con.execute("drop table leerstand_lage")
    con.execute("delete from _meta where schluessel = 'schema_version'")
    n_before = con.execute("select count(*) from teilnehmende").fetchone()[0]
    con.close()
    assert store.stored_schema_version(db) is None

    store.ensure_database(db)

    assert store.stored_schema_version(db) == store.SCHEMA_VERSION
    con = store.connect_readonly(db)
    try:
        assert con.execute("select count(*) from teilnehmende").fetchone()[0] == n_before
        assert con.execute("select count(distinct dim) from mart_tn_gruppen").fetchone()[0] == 5
        # derived table filled again: every demo vacancy lies in a district
        assert con.execute("select count(*), count(stadtteil_lage) from leerstand_lage"
                           ).fetchone() == (80, 80)
    finally:
        con.close()


def _quelle_der_sicht(con, name: str) -> str:
    return con.execute("select sql from duckdb_views() where view_name = $n "
                       "and database_name <> 'biwaq_datei'", {"n": name}
                       ).fetchone()[0]


def test_marts_are_materialised_per_version_and_follow_every_import(tmp_path):
    """Issue 14: every write stores each mart as <name>__fest; readers get that table under
    the mart's name, with exactly the rows the view gives – also after an import."""
    from biwaq.speicher import importer
    from conftest import make_db

    db = store.build(tmp_path / "biwaq.duckdb", store.DEMO_DIR, quelle="import")
    con = store.connect_readonly(db)
    try:
        for m in store.MARTS:
            assert f"{m}__fest" in _quelle_der_sicht(con, m)
            assert con.execute(f"select count(*) from (select * from biwaq_datei.main.{m} "
                               f"except all select * from {m})").fetchone() == (0,)
        assert con.execute("select count(*) from mart_teilnehmende").fetchone() == (880,)
    finally:
        con.close()

    kopf, erste = (store.DEMO_DIR / "teilnehmende.csv").read_text(
        encoding="utf-8-sig").splitlines()[:2]
    neu = "TN-NEU01" + erste[erste.index(";"):]
    erg = importer.importiere([importer.Eingabe("teilnehmende.csv",
                                                (kopf + "\n" + neu + "\n").encode())], db)
    assert erg.ok, erg.fehler
    con = store.connect_readonly(db)
    try:
        assert con.execute("select count(*) from mart_teilnehmende").fetchone() == (881,)
        assert con.execute("select count(*) from mart_tn_verlauf where tn_id = 'TN-NEU01'"
                           ).fetchone() == (1,)
    finally:
        con.close()

    # another definition of the views (schema.sql changed since the write): views answer
    raw = duckdb.connect(str(db))
    raw.execute("update _meta set wert = 'anders' where schluessel = 'marts_schema'")
    raw.close()
    con = store.connect_readonly(db)
    try:
        assert "__fest" not in _quelle_der_sicht(con, "mart_tn_verlauf")
        assert con.execute("select count(*) from mart_teilnehmende").fetchone() == (881,)
    finally:
        con.close()

    # a file written without replace_atomically has no copies: the views answer
    hand = make_db(tmp_path / "hand.duckdb", teilnehmende=[dict(tn_id="P1")])
    con = store.connect_readonly(hand)
    try:
        assert "__fest" not in _quelle_der_sicht(con, "mart_teilnehmende")
        assert con.execute("select tn_id from mart_teilnehmende").fetchall() == [("P1",)]
    finally:
        con.close()


def test_marts_are_not_used_after_another_program_changed_the_data(tmp_path):
    """A program that writes the file directly (DuckDB CLI, a notebook) leaves the copies of
    the marts behind the data: readers must answer from the views, never the stale copy."""
    db = store.build(tmp_path / "biwaq.duckdb", store.DEMO_DIR, quelle="import")
    con = store.connect_readonly(db)
    try:
        assert "__fest" in _quelle_der_sicht(con, "mart_teilnehmende")   # fresh: copies used
    finally:
        con.close()
    raw = duckdb.connect(str(db))
    # an update that keeps the row count: one participant moves to Süd-Ost
    tn, quartier = raw.execute("select tn_id, quartier from teilnehmende "
                               "where quartier = 'Magdeburger Allee' order by tn_id limit 1"
                               ).fetchone()
    vorher = raw.execute("select count(*) from mart_teilnehmende where quartier = 'Süd-Ost'"
                         ).fetchone()[0]
    raw.execute("update teilnehmende set quartier = 'Süd-Ost' where tn_id = $t", {"t": tn})
    raw.close()
    con = store.connect_readonly(db)
    try:
        assert "__fest" not in _quelle_der_sicht(con, "mart_teilnehmende")
        assert con.execute("select count(*) from mart_teilnehmende where quartier = 'Süd-Ost'"
                           ).fetchone()[0] == vorher + 1
    finally:
        con.close()
