"""Shared fixtures: small hand-made databases, the demo database, Streamlit cache resets."""
from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from biwaq.speicher import store
from biwaq.einlesen.contract import TABLES

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))   # tests/browser.py
D = dt.date

# Defaults for required columns, so a fixture row only states what the test is about.
DEFAULTS = {
    "teilnehmende": dict(quartier="Magdeburger Allee", stadtteil="Ilversgehofen", traeger="KIK",
                         geschlecht="w", geburtsjahr=1980, alleinerziehend=False,
                         migrationshintergrund=False, schutzsuchend=False,
                         langzeitarbeitslos=False, zugangsweg="Jobcenter",
                         erstkontakt=D(2016, 1, 1)),
    "aktivitaeten": dict(art="Coaching"),
    "vermittlungen": dict(art="SV-pflichtig Vollzeit"),
    "betriebe": dict(name="Testbetrieb", quartier="Magdeburger Allee", branche="Handel",
                     gruendung=D(2015, 1, 1), migrantenoekonomie=False, status="aktiv"),
    "beratungen": dict(format="Nachgründungsberatung"),
    "leerstaende": dict(adresse="Magdeburger Allee 1", quartier="Magdeburger Allee",
                        art="Ladenlokal", flaeche_m2=100.0, leer_seit=D(2015, 1, 1),
                        status="leer", lat=50.99, lon=11.03),
    "stadtteile": dict(),
    "ziele": dict(bis=D(2018, 12, 31)),
    "raumgesuche": dict(datum=D(2016, 1, 1), art="Ladenlokal", status="offen"),
}


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows with defaults filled in, all contract columns present."""
    cols = TABLES[table].column_names
    full = [{**DEFAULTS[table], **r} for r in rows]
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in full], columns=cols)


def make_db(path: Path, datenquelle: str = "test", **tables: list[dict]) -> Path:
    """A database with the real schema holding exactly the given rows."""
    con = duckdb.connect(str(path))
    try:
        store.create_schema(con)
        for name, rows in tables.items():
            if rows:
                store.upsert_frame(con, name, frame(name, rows))
        store.set_meta(con, datenquelle=datenquelle, datenstand=str(store.datenstand(con)))
        con.execute("checkpoint")
    finally:
        con.close()
    return path


@pytest.fixture
def db_factory(tmp_path):
    """make(**tables) -> read-only connection to a fresh fixture database."""
    opened = []

    def make(**tables):
        path = make_db(tmp_path / f"fixture{len(opened)}.duckdb", **tables)
        con = duckdb.connect(str(path), read_only=True)
        opened.append(con)
        return con

    yield make
    for con in opened:
        con.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo data built once per test session (with the stored data-quality result, as
    the dashboard and the command line write it)."""
    from biwaq.zahlen import quality  # noqa: F401  registers its store.vorberechnung
    from biwaq.zahlen import zielstand  # noqa: F401  as does the on-track rule
    from biwaq.oeffentlich import aktualitaet  # noqa: F401  every write stores the public fingerprint

    path = tmp_path_factory.mktemp("demo") / "biwaq.duckdb"
    store.build(path, store.DEMO_DIR)
    return path


@pytest.fixture
def demo_env(demo_db, monkeypatch, tmp_path):
    """BIWAQ_DB pointing at a private copy of the demo database; Streamlit caches cleared."""
    import streamlit as st

    copy = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, copy)
    monkeypatch.setenv("BIWAQ_DB", str(copy))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield copy
    st.cache_data.clear()
    st.cache_resource.clear()


def demo_con(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


# --- Browser tests --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def demo_server(demo_db, tmp_path_factory, browser):
    """The internal dashboard served on a free port over a copy of the demo database."""
    from browser import StreamlitServer, warm_up

    copy = tmp_path_factory.mktemp("server") / "biwaq.duckdb"
    shutil.copy(demo_db, copy)
    oeffentlich = copy.parent / "oeffentlich"     # its own published folder (empty at first)
    server = StreamlitServer("dashboard.py", env={"BIWAQ_DB": str(copy),
                                                  "BIWAQ_OEFFENTLICH_DIR": str(oeffentlich)})
    server.db = copy
    server.oeffentlich = oeffentlich
    warm_up(browser, server.url)
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    pg = context.new_page()
    yield pg
    context.close()
