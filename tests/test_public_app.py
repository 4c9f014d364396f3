"""The public app: reads only a published directory, has no path to the internal database,
shows `*` with the explanation; the one-page handout PDF."""
from __future__ import annotations

import ast
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from biwaq import handout, publish, published
from browser import StreamlitServer, metric_value, screenshot, wait_for_app, warm_up
from conftest import ROOT

I = published.INSGESAMT
VERBOTEN = {"duckdb", "biwaq.store", "biwaq.queries", "biwaq.ui", "biwaq.publish",
            "biwaq.vorschau", "biwaq.importer"}


@pytest.fixture(scope="module")
def pub_dir(demo_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("oeff") / "oeffentlich"
    publish.publish(demo_db, out)
    return out


@pytest.fixture
def public_env(pub_dir, monkeypatch, tmp_path):
    import streamlit as st

    monkeypatch.setenv("BIWAQ_OEFFENTLICH_DIR", str(pub_dir))
    monkeypatch.setenv("BIWAQ_DB", str(tmp_path / "gibt-es-nicht.duckdb"))
    st.cache_data.clear()
    yield pub_dir
    st.cache_data.clear()


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any level (also inside functions)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            if node.module == "biwaq":
                out |= {f"biwaq.{a.name}" for a in node.names}
    return out


def test_public_entry_point_imports_nothing_that_reaches_the_database():
    """Static: follow every biwaq module the public app imports, transitively."""
    seen, todo, alle = set(), [ROOT / "oeffentlich.py"], set()
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        mods = _imports(f)
        alle |= mods
        for m in mods:
            if m.startswith("biwaq."):
                p = ROOT / (m.replace(".", "/") + ".py")
                if p.exists():
                    todo.append(p)
    assert ROOT / "biwaq" / "public_ui.py" in seen     # the walk did reach the view
    assert not alle & VERBOTEN, alle & VERBOTEN
    assert not {m for m in alle if m.split(".")[0] == "duckdb"}


def test_public_process_has_no_database_module_and_no_database(pub_dir, tmp_path):
    """Dynamic: the app runs in a fresh interpreter with BIWAQ_DB pointing nowhere; afterwards
    neither duckdb nor the store is loaded, and no database file was created."""
    db = tmp_path / "gibt-es-nicht.duckdb"
    code = (
        "import json, sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(ROOT / 'oeffentlich.py')!r}, default_timeout=60).run()\n"
        "print(json.dumps({'exc': [str(e.value) for e in at.exception],\n"
        "  'metrics': {m.label: m.value for m in at.metric},\n"
        "  'mods': sorted(m for m in sys.modules if m == 'duckdb' or m.startswith('duckdb.')\n"
        "                 or m.startswith('biwaq.'))}))\n")
    env = {**os.environ, "BIWAQ_DB": str(db), "BIWAQ_OEFFENTLICH_DIR": str(pub_dir)}
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=240)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["exc"] == []
    assert not set(out["mods"]) & VERBOTEN, out["mods"]
    assert "duckdb" not in out["mods"]
    assert "biwaq.published" in out["mods"]
    d = published.laden(pub_dir)
    assert out["metrics"]["Menschen im Projekt"] == published.zahl(
        d.wert("teilnehmende", quartier=I, zielgruppe=I, jahr=I))
    assert not db.exists()


def test_public_page_shows_published_figures_and_the_star_note(public_env):
    d = published.laden(public_env)
    at = AppTest.from_file(str(ROOT / "oeffentlich.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "BIWAQ Erfurt – Zahlen für die Stadtteile"
    werte = {m.label: m.value for m in at.metric}
    assert werte["Menschen im Projekt"] == published.zahl(
        d.wert("teilnehmende", quartier=I, zielgruppe=I, jahr=I))
    assert werte["Arbeit gefunden"] == published.zahl(
        d.wert("eintritte_vermittlungen", kennzahl="Vermittlungen", quartier=I, jahr=I))
    assert werte["Betriebe beraten"] == published.zahl(d.wert("betriebe_beraten", quartier=I))
    assert any("* bedeutet" in i.value for i in at.info)
    assert any("Demodaten" in w.value for w in at.warning)
    # A suppressed cell appears as `*` in a table.
    frames = [df.value for df in at.dataframe]
    assert any((f.astype(str) == "*").any().any() for f in frames)
    # Short sentences with the same numbers.
    text = " ".join(m.value for m in at.markdown)
    assert f"{werte['Menschen im Projekt']} Menschen haben beim Projekt mitgemacht." in text
    # Issue 13.9 and 13.8: month only, and which publication this is.
    captions = " ".join(c.value for c in at.caption)
    assert "Stand der Daten: Dezember 2018" in captions
    assert "Veröffentlichung Nr. 1" in captions
    seite = " ".join(str(e.value) for e in at.main if hasattr(e, "value"))
    assert "31.12.2018" not in seite and "2018-12-31" not in seite


def test_public_page_without_publication_says_so(monkeypatch, tmp_path):
    import streamlit as st

    monkeypatch.setenv("BIWAQ_OEFFENTLICH_DIR", str(tmp_path / "leer"))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "oeffentlich.py"), default_timeout=60).run()
    assert not at.exception
    assert any("noch keine Zahlen veröffentlicht" in i.value for i in at.info)
    assert not at.metric


def test_handout_is_one_a4_page_with_the_key_figures(pub_dir):
    d = published.laden(pub_dir)
    reader = PdfReader(io.BytesIO(handout.pdf(d)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == \
        (210, 297)
    text = reader.pages[0].extract_text()
    for wert in (d.wert("teilnehmende", quartier=I, zielgruppe=I, jahr=I),
                 d.wert("eintritte_vermittlungen", kennzahl="Vermittlungen", quartier=I, jahr=I),
                 d.wert("betriebe_beraten", quartier=I),
                 d.wert("leerstaende_wiederbelegt", stadtteil=I, jahr=I)):
        assert wert is not None and published.zahl(wert) in text
    # Issue 13.9: the data as-of date only as a month, never the exact latest event date.
    assert "Stand der Daten: Dezember 2018" in text
    assert "31.12.2018" not in text
    assert "* bedeutet" in text
    assert "DEMODATEN" in text
    # A suppressed district value appears as `*` in the vacancy table.
    gesperrt = [s for s in d.dim_werte("leerstaende_wiederbelegt", "stadtteil")
                if d.wert("leerstaende_wiederbelegt", stadtteil=s, jahr=I) is None]
    for s in gesperrt:
        zeile = next(z for z in text.splitlines() if z.startswith(s))
        assert zeile.endswith("*")


@pytest.fixture(scope="module")
def public_server(pub_dir, tmp_path_factory, browser):
    server = StreamlitServer("oeffentlich.py", env={
        "BIWAQ_OEFFENTLICH_DIR": str(pub_dir),
        "BIWAQ_DB": str(tmp_path_factory.mktemp("nodb") / "gibt-es-nicht.duckdb")})
    warm_up(browser, server.url)
    yield server
    server.stop()


@pytest.mark.browser
def test_public_page_in_browser(public_server, pub_dir, page):
    d = published.laden(pub_dir)
    page.goto(public_server.url + "/")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    assert page.get_by_text("Page not found").count() == 0
    assert metric_value(page, "Menschen im Projekt") == published.zahl(
        d.wert("teilnehmende", quartier=I, zielgruppe=I, jahr=I))
    assert page.get_by_text("* bedeutet").first.is_visible()
    assert page.get_by_text("Handzettel (PDF, eine Seite)").count() == 1
    # No sidebar navigation: this server offers no other page.
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    screenshot(page, "oeffentlich")
    page.get_by_role("heading", name="Leere Läden und Flächen").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "oeffentlich_leerstand")
    with page.expect_download() as dl:
        page.get_by_text("Handzettel (PDF, eine Seite)").click()
    pdf = Path(dl.value.path()).read_bytes()
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
