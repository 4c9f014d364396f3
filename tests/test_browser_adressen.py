"""Every page's address opened first on a fresh server (issue 15): the page opens, in German, with
no "Page not found" dialog. An address that no page has shows Streamlit's dialog in German.

Why a fresh server per address: only the server's very first script run goes through
Streamlit's legacy `pages/` mode, which sent "Page not found" for every deep link
(`biwaq.app.barrierefrei.nach_navigation` explains it). These tests deliberately skip
`browser.warm_up`.
"""
from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from biwaq.app import registry
from biwaq.oeffentlich import erklaerung, publish
from browser import StreamlitServer, screenshot, wait_for_app
from conftest import ROOT

DIALOG = '[role="dialog"]'


def _kein_dialog(page) -> None:
    page.wait_for_timeout(1500)     # the dialog, if any, comes with the first messages
    dialoge = page.locator(DIALOG)
    assert dialoge.count() == 0, dialoge.first.inner_text()


@pytest.mark.browser
@pytest.mark.parametrize("spec", registry.PAGES, ids=lambda p: p.url)
def test_page_address_opened_first_on_a_fresh_server(spec, demo_db, tmp_path, page):
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, db)
    server = StreamlitServer("dashboard.py", env={"BIWAQ_DB": str(db),
                                                  "BIWAQ_OEFFENTLICH_DIR": str(tmp_path / "o")})
    try:
        page.goto(f"{server.url}/{spec.url}")
        wait_for_app(page, timeout=120_000)
        _kein_dialog(page)
        # the start page's own name leads to its address "/"
        assert page.url == (f"{server.url}/" if spec.default else f"{server.url}/{spec.url}")
        h1 = page.locator('[data-testid="stMain"] h1').first.inner_text().strip()
        assert h1 == spec.title
        aktiv = page.locator('[data-testid="stSidebarNav"] a[aria-current="page"]')
        assert aktiv.count() == 1   # text: the icon's name, then the title
        assert aktiv.inner_text().splitlines()[-1].strip() == spec.title
        if spec.url == "leerstand":
            screenshot(page, "adresse_zuerst_leerstand")
    finally:
        server.stop()


@pytest.fixture(scope="module")
def veroeffentlicht(demo_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("oeff_adressen") / "oeffentlich"
    publish.publish(demo_db, out)
    return out


@pytest.mark.browser
@pytest.mark.parametrize("pfad,titel", [("barrierefreiheit", erklaerung.TITEL),
                                        ("zahlen", "BIWAQ Erfurt – Zahlen für die Stadtteile")])
def test_public_address_opened_first_on_a_fresh_server(pfad, titel, veroeffentlicht, page):
    server = StreamlitServer("oeffentlich.py",
                             env={"BIWAQ_OEFFENTLICH_DIR": str(veroeffentlicht)})
    try:
        page.goto(f"{server.url}/{pfad}")
        wait_for_app(page, timeout=120_000)
        _kein_dialog(page)
        assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == titel
    finally:
        server.stop()


@pytest.mark.browser
def test_unknown_address_says_so_in_german(demo_server, page):
    """A mistyped address: Streamlit shows the start page and its dialog – in German."""
    page.goto(demo_server.url + "/gibt-es-nicht")
    wait_for_app(page, timeout=120_000)
    dialog = page.locator(DIALOG)
    dialog.wait_for(timeout=10_000)
    page.wait_for_timeout(500)
    text = dialog.inner_text()
    assert "Seite nicht gefunden" in text
    assert "Diese Seite gibt es nicht. Sie sehen die Startseite." in text
    assert "Page not found" not in text and "requested" not in text
    assert dialog.locator("button").get_attribute("aria-label") == "Schließen"


def test_start_page_by_its_own_name_opens_it(demo_env):
    """`/uebersicht` (the start page's name; its address is "/") showed "Page not found":
    now a hidden page of that name switches to the start page."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    start = next(p for p in registry.PAGES if p.default)
    page_hash = next(h for h, info in at._registered_pages.items()
                     if info.get("url_pathname") == start.url)
    at._page_hash = page_hash
    at.run()
    assert not at.exception
    assert at.title[0].value == start.title
    assert at.metric    # the page itself ran, with its figures
