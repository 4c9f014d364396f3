"""Issue 14: a write that leaves the data as they are (a refused import writes only its log
entry) keeps the stored marts and data-quality result instead of computing them again –
and only then (fail closed)."""
from __future__ import annotations

from pathlib import Path

import shutil

import duckdb
import pytest

from biwaq.speicher import importer, store
from biwaq.speicher.importer import Eingabe
from biwaq.zahlen import quality

KAPUTT = b"tn_id;quartier;traeger\nP1;Nirgendwo;KIK\n"     # refused: required columns missing


@pytest.fixture
def db(tmp_path, demo_db):
    ziel = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, ziel)
    return ziel


@pytest.fixture
def zaehler(monkeypatch):
    """Counts the marts' copies and every registered step (each still does its work)."""
    n = {"marts": 0, "schritte": 0}
    echt_marts = store.materialisiere_marts

    def marts(con):
        n["marts"] += 1
        echt_marts(con)

    def gezaehlt(fn):
        def schritt(con):
            n["schritte"] += 1
            fn(con)
        return schritt

    monkeypatch.setattr(store, "materialisiere_marts", marts)
    monkeypatch.setattr(store, "VORBERECHNUNGEN",
                        {k: gezaehlt(f) for k, f in store.VORBERECHNUNGEN.items()})
    return n


def _gespeichert(db) -> dict:
    """Stored results and their guards, as bytes-exact rows."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        meta = dict(con.execute("select schluessel, wert from _meta").fetchall())
        tabellen = {n: con.execute("select * from " + n + " order by all").fetchall()
                    for (n,) in con.execute("select table_name from information_schema.tables "
                                            "where table_name like '%\\_\\_fest' escape '\\'"
                                            ).fetchall()}
        return {"meta": {k: v for k, v in meta.items() if k != "letzter_import"},
                "tabellen": tabellen}
    finally:
        con.close()


def _gueltig(db) -> bool:
    con = store.connect_readonly(db)
    try:
        vorhanden = {n for (n,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'biwaq_datei'").fetchall()}
        # zustand None: the fingerprint is computed afresh (no per-process cache)
        return store._marts_aktuell(con, vorhanden, Path(db), None) and \
            quality.vorberechnet(con) is not None
    finally:
        con.close()


def test_a_refused_import_keeps_the_stored_results_and_computes_nothing(db, zaehler):
    assert _gueltig(db)
    vorher = _gespeichert(db)
    n_log = duckdb.connect(str(db), read_only=True)
    alt = n_log.execute("select count(*) from importprotokoll").fetchone()[0]
    n_log.close()
    erg = importer.importiere([Eingabe("teilnehmende.csv", KAPUTT)], db, wer="test",
                              demo_entfernen=True)
    assert not erg.ok and erg.import_nr == alt + 1       # refused, and logged
    assert zaehler == {"marts": 0, "schritte": 0}       # nothing computed for the log entry
    assert _gespeichert(db) == vorher                   # results and guards untouched …
    assert _gueltig(db)                                 # … and still served to readers
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select ergebnis from importprotokoll where import_nr = $n",
                       {"n": erg.import_nr}).fetchone()[0] == "abgelehnt"
    con.close()


def test_a_write_that_changes_data_computes_again(db, zaehler):
    with store.replace_atomically(db) as con:
        con.execute("update teilnehmende set geburtsjahr = geburtsjahr + 1 where tn_id = "
                    "(select min(tn_id) from teilnehmende)")
    assert zaehler["marts"] == 1 and zaehler["schritte"] == len(store.VORBERECHNUNGEN) >= 1
    assert _gueltig(db)


def test_a_change_that_leaves_the_data_equal_in_the_end_keeps_them(db, zaehler):
    """Only the result counts: a row changed and changed back is the same data."""
    with store.replace_atomically(db) as con:
        con.execute("update teilnehmende set geburtsjahr = geburtsjahr + 1")
        con.execute("update teilnehmende set geburtsjahr = geburtsjahr - 1")
    assert zaehler == {"marts": 0, "schritte": 0}
    assert _gueltig(db)


def test_a_changed_meta_entry_computes_again(db, zaehler):
    """_meta (e.g. datenstand, read by rules Q14/Q15) is not in the data fingerprint."""
    with store.replace_atomically(db) as con:
        store.set_meta(con, datenstand="2016-06-30")
    assert zaehler["marts"] == 1 and zaehler["schritte"] >= 1
    assert _gueltig(db)


@pytest.mark.parametrize("aendern", [
    "update _meta set wert = 'anders' where schluessel = 'marts_daten'",   # guard broken
    "update _meta set wert = 'anders' where schluessel = 'marts_schema'",  # other schema.sql
    "delete from _meta where schluessel = 'vorberechnet_schritte'",        # a step had failed
    "drop table mart_leerstaende__fest",                                   # a copy is missing
    "update teilnehmende set geburtsjahr = 1950 where tn_id = "            # data changed by
    "(select min(tn_id) from teilnehmende)",                               # another program
])
def test_results_that_were_not_valid_before_are_computed_again(db, zaehler, aendern):
    raw = duckdb.connect(str(db))
    raw.execute(aendern)
    raw.close()
    with store.replace_atomically(db):
        pass
    assert zaehler["marts"] == 1 and zaehler["schritte"] >= 1
    assert _gueltig(db)


def test_other_registered_steps_compute_again(db, zaehler, monkeypatch):
    """The file's results were written by another set of steps: recompute (drops theirs)."""
    vorher = list(store.VORBERECHNUNGEN)          # every step registered (each counted)
    monkeypatch.setattr(store, "VORBERECHNUNGEN",
                        {**store.VORBERECHNUNGEN, "zusatz": lambda con: None})
    with store.replace_atomically(db):
        pass
    assert zaehler["marts"] == 1 and zaehler["schritte"] == len(vorher)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select wert from _meta where schluessel = 'vorberechnet_schritte'"
                       ).fetchone()[0] == ",".join(sorted([*vorher, "zusatz"]))
    con.close()
