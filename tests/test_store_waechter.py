"""The guard of the materialised marts at a lower price (issue 14): the data fingerprint of a
file is computed once per process and file state, and a state changed by anyone — also by a
program writing the file directly — is never taken for one already scanned (fail closed)."""
from __future__ import annotations

import os
import shutil
import sys
import time

import duckdb
import pytest

from biwaq.speicher import store


def _quelle_der_sicht(con, name: str) -> str:
    return con.execute("select sql from duckdb_views() where view_name = $n "
                       "and database_name <> 'biwaq_datei'", {"n": name}).fetchone()[0]


@pytest.fixture
def scans(monkeypatch) -> list:
    """Every scan of an attached file's data tables (the process cache emptied first)."""
    monkeypatch.setattr(store, "_FINGERABDRUECKE", {})
    liste: list = []
    echt = store._daten_fingerabdruck

    def gezaehlt(con, katalog=None):
        if katalog:
            liste.append(katalog)
        return echt(con, katalog)
    monkeypatch.setattr(store, "_daten_fingerabdruck", gezaehlt)
    return liste


@pytest.fixture
def db(demo_db, tmp_path, scans):
    """A copy of the demo database."""
    kopie = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, kopie)
    return kopie


def _spaeter(monkeypatch, s: float = 60) -> None:
    """The clock `s` seconds ahead: every state on disk counts as settled (RUHE_S ago)."""
    monkeypatch.setattr(store, "_jetzt", lambda: time.time() + s)


def _liest(db, erwartet_fest: bool) -> int:
    con = store.connect_readonly(db)
    try:
        assert ("__fest" in _quelle_der_sicht(con, "mart_teilnehmende")) == erwartet_fest
        return con.execute("select count(*) from mart_teilnehmende where quartier = 'Süd-Ost'"
                           ).fetchone()[0]
    finally:
        con.close()


def test_a_settled_file_is_scanned_once_per_process(db, scans, monkeypatch):
    _spaeter(monkeypatch)
    _liest(db, True)
    _liest(db, True)
    _liest(db, True)
    assert scans == ["biwaq_datei"]


def test_a_file_changed_just_now_is_scanned_on_every_open(db, scans):
    # the copy was written a moment ago: its state may still change within the clock's tick
    _liest(db, True)
    _liest(db, True)
    assert scans == ["biwaq_datei", "biwaq_datei"]


def _direkt_aendern(db, mit_wal: bool) -> None:
    """Another program: one participant moves to Süd-Ost (the row count stays)."""
    raw = duckdb.connect(str(db))
    try:
        if mit_wal:       # the change stays in the write-ahead log, the file is not touched
            raw.execute("set checkpoint_threshold = '1TB'")
            raw.execute("pragma disable_checkpoint_on_shutdown")
        raw.execute("update teilnehmende set quartier = 'Süd-Ost' where tn_id = (select "
                    "min(tn_id) from teilnehmende where quartier = 'Magdeburger Allee')")
    finally:
        raw.close()


@pytest.mark.parametrize("mit_wal", [False, True], ids=["in_der_datei", "im_wal"])
@pytest.mark.parametrize("zeit_zurueck", [False, True], ids=["", "mtime_zurueckgesetzt"])
def test_a_direct_write_of_another_connection_makes_readers_use_the_views(db, scans, monkeypatch,
                                                                          mit_wal,
                                                                          zeit_zurueck):
    _spaeter(monkeypatch)
    vorher = _liest(db, True)                 # scanned and kept for this state
    st = os.stat(db)
    _direkt_aendern(db, mit_wal)
    assert db.with_name(db.name + ".wal").exists() == mit_wal
    if zeit_zurueck:     # a program that hides its change: the old mtime set back (ctime moves)
        os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert _liest(db, False) == vorher + 1    # the views, with the change
    assert _liest(db, False) == vorher + 1
    # the new state was scanned (never the kept fingerprint of the old one), then kept
    assert len(scans) == 2


def test_a_write_through_the_store_gets_a_new_fingerprint(db, scans, monkeypatch):
    _spaeter(monkeypatch)
    vorher = _liest(db, True)
    with store.replace_atomically(db) as con:
        con.execute("update teilnehmende set quartier = 'Süd-Ost' where tn_id = (select "
                    "min(tn_id) from teilnehmende where quartier = 'Magdeburger Allee')")
    assert _liest(db, True) == vorher + 1     # new file, new copies: used, with the change


def test_a_file_replaced_while_it_is_opened_is_never_taken_for_the_one_read(db, scans,
                                                                           monkeypatch,
                                                                           tmp_path):
    """The file is swapped (os.replace) right after a reader attached the old one: what the
    reader computed from the old file must not be kept for the new file's state."""
    _spaeter(monkeypatch)
    anders = tmp_path / "anders.duckdb"
    shutil.copy(db, anders)
    _direkt_aendern(anders, mit_wal=False)     # the same marts, data changed directly
    echt = store._datei_zustand
    aufrufe = []

    def tauschen(pfad):
        # the first look at the file after the attach (not in connect_readonly itself)
        if not aufrufe and sys._getframe(1).f_code.co_name != "connect_readonly":
            aufrufe.append(pfad)
            os.replace(anders, db)
        return echt(pfad)
    monkeypatch.setattr(store, "_datei_zustand", tauschen)
    con = store.connect_readonly(db)
    con.close()
    monkeypatch.setattr(store, "_datei_zustand", echt)
    assert aufrufe                           # swapped while it was open
    _liest(db, False)                          # the new file: its changed data, by the views
