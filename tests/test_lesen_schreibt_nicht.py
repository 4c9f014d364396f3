"""A read never writes (issue 14): visiting pages leaves the database file and its folder
as they were — no comments file, no lock file, no migration — and the page benchmark on an
existing file refuses one it would rewrite."""
from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from biwaq.app import kommentare
from biwaq.speicher import store
from test_auth import als_rolle

ROOT = Path(__file__).resolve().parents[1]


def _zustand(ordner: Path) -> dict:
    return {p.name: (p.stat().st_ino, p.stat().st_size, p.stat().st_mtime_ns)
            for p in ordner.iterdir()}


@pytest.fixture
def eigener_ordner(demo_db, tmp_path, monkeypatch):
    """The demo database alone in its own folder; comments at their default place."""
    import streamlit as st

    ordner = tmp_path / "daten"
    ordner.mkdir()
    db = ordner / "biwaq.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("BIWAQ_DB", str(db))
    monkeypatch.delenv(kommentare.ENV, raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield ordner
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize("seite", ["pages/ueberblick/uebersicht.py",
                                   "pages/oeffentlich/zahlen.py"])
def test_visiting_a_page_writes_nothing_beside_or_into_the_database(eigener_ordner, seite):
    vorher = _zustand(eigener_ordner)
    at = als_rolle("steuerung", seite)        # Übersicht shows the comments of its figures
    assert not at.exception, at.exception
    if seite.endswith("uebersicht.py"):   # the comments of a figure were read and shown
        assert "uebersicht_komm_eintritte_text" in {w.key for w in at.text_area}
    assert _zustand(eigener_ordner) == vorher     # no kommentare.sqlite, no .lock, same file


def test_reading_comments_creates_no_file_writing_does(tmp_path):
    from biwaq.speicher.filters import Filter

    pfad = tmp_path / "k" / "kommentare.sqlite"
    ks = kommentare.KommentarStore(pfad)
    assert ks.liste().empty and ks.historie().empty
    assert list(ks.liste().columns) == kommentare.SPALTEN
    assert not pfad.parent.exists()
    kid = ks.hinzufuegen("k", "K", Filter(), None, "Anna", "Text")
    assert pfad.exists()
    assert list(kommentare.KommentarStore(pfad).liste()["id"]) == [kid]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_skalen",
                                                  ROOT / "benchmarks" / "bench_skalen.py")
    modul = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(modul)
    return modul


def test_page_benchmark_keeps_comments_in_its_own_folder(demo_db, tmp_path, monkeypatch):
    monkeypatch.delenv(kommentare.ENV, raising=False)
    _bench().nur_lesend(demo_db, tmp_path)
    assert os.environ[kommentare.ENV] == str(tmp_path / "kommentare.sqlite")
    assert kommentare.pfad() == tmp_path / "kommentare.sqlite"


def test_page_benchmark_refuses_a_file_it_would_migrate(demo_db, tmp_path, monkeypatch):
    monkeypatch.delenv(kommentare.ENV, raising=False)
    db = tmp_path / "alt.duckdb"
    shutil.copy(demo_db, db)
    con = duckdb.connect(str(db))
    con.execute("update _meta set wert = 'anders' where schluessel = 'schema_version'")
    con.close()
    vorher = _zustand(tmp_path)
    with pytest.raises(SystemExit, match="anderen Schema"):
        _bench().nur_lesend(db, tmp_path / "bench")
    assert _zustand(tmp_path) == vorher
    assert store.stored_schema_version(db) == "anders"
