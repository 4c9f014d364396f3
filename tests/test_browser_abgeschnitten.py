"""No text cut off (issue 15), in real Chromium: every page of the internal dashboard, the
public app's pages, and the Daten page's error table after a refused import.

`tests/abgeschnitten.js` finds (1) HTML text reaching past an ancestor that clips it (overflow
hidden/clip or an ellipsis: metric labels, captions, buttons, select boxes, tabs …) and (2) in
every st.dataframe (drawn on a canvas by glide-data-grid) each header and cell – all rows –
wider than its column (or, where cells wrap, taller than its row), and every column reaching
past the table's right edge (the table would scroll sideways). The tables behind the charts'
„Tabelle“ tabs are opened and measured too. Each page at 1400 px and at 1024 px (sidebar open).

BEKANNT lists what is still known to be cut, each with its page (empty now); the test fails on
anything else, and on an entry that is no longer found.
"""
from __future__ import annotations

import pytest

from biwaq.app import registry
from biwaq.oeffentlich import publish
from browser import ROOT, StreamlitServer, screenshot, wait_for_app, warm_up

pytestmark = pytest.mark.browser

JS = (ROOT / "tests" / "abgeschnitten.js").read_text(encoding="utf-8")
BAD = ROOT / "tests" / "bad_files" / "teilnehmende_typen.csv"

# page url -> beginnings of findings still known to be cut (fails also when one is fixed:
# remove it here). Empty since the tables size their columns from their longest text
# (biwaq.app.spalten) and show the columns that fit, the rest in the downloads.
BEKANNT: dict[str, tuple[str, ...]] = {}

# window widths checked: a usual desktop and a 1024 px window with the sidebar open
BREITEN = (1400, 1024)


def abgeschnitten(page, tabellen_reiter: bool = True) -> list[str]:
    """Findings of tests/abgeschnitten.js; with `tabellen_reiter` every tab „Tabelle“ (the
    table beside a chart) is opened first, so those tables are measured too."""
    if tabellen_reiter:
        for reiter in page.get_by_role("tab", name="Tabelle").all():
            reiter.scroll_into_view_if_needed(timeout=10_000)
            reiter.click()
    # tables draw late: wait until every visible table has its canvas (hidden tabs have none)
    for tabelle in page.locator('[data-testid="stDataFrame"]').all():   # drawn when in view
        if tabelle.is_visible():
            tabelle.evaluate("e => e.scrollIntoView({block: 'center'})")   # no stability wait
            page.wait_for_timeout(300)
    try:
        page.wait_for_function("""() => [...document.querySelectorAll(
            '[data-testid="stDataFrame"]')].filter(d => d.offsetParent !== null)
            .every(d => d.querySelector('canvas'))""", timeout=60_000)   # slow under load
    except Exception:     # noqa: BLE001 - a table without canvas is reported by the script
        pass
    page.wait_for_timeout(1000)
    funde = page.evaluate(JS)
    # A page that redraws itself (Öffentliche Zahlen polls until its currency check is done)
    # can be between two draws: look again before reporting a table without canvas.
    for _ in range(3):
        if not any(f.startswith("Tabelle nicht gezeichnet") for f in funde):
            break
        page.wait_for_timeout(5000)
        for tabelle in page.locator('[data-testid="stDataFrame"]').all():
            if tabelle.is_visible():
                tabelle.evaluate("e => e.scrollIntoView({block: 'center'})")
        funde = page.evaluate(JS)
    return funde


def _neu_und_erledigt(url: str, funde: list[str]) -> tuple[list[str], list[str]]:
    bekannt = BEKANNT.get(url, ())
    neu = [f for f in funde if not f.startswith(bekannt)] if bekannt else list(funde)
    erledigt = [b for b in bekannt if not any(f.startswith(b) for f in funde)]
    return neu, erledigt


@pytest.mark.parametrize("breite", BREITEN)
@pytest.mark.parametrize("spec", registry.PAGES, ids=lambda p: p.url)
def test_no_text_cut_off_on_internal_page(spec, breite, demo_server, page):
    page.set_viewport_size({"width": breite, "height": 1000})
    page.goto(f"{demo_server.url}/{spec.url}")
    wait_for_app(page)
    neu, erledigt = _neu_und_erledigt(spec.url, abgeschnitten(page))
    assert not neu, "\n".join(neu)
    assert not erledigt, f"nicht mehr abgeschnitten, aus BEKANNT streichen: {erledigt}"


@pytest.fixture(scope="module")
def public_server(demo_db, tmp_path_factory, browser):
    out = tmp_path_factory.mktemp("oeff_abgeschnitten") / "oeffentlich"
    publish.publish(demo_db, out)
    server = StreamlitServer("oeffentlich.py", env={"BIWAQ_OEFFENTLICH_DIR": str(out)})
    warm_up(browser, server.url)
    yield server
    server.stop()


@pytest.mark.parametrize("breite", BREITEN)
@pytest.mark.parametrize("pfad", ["", "barrierefreiheit"])
def test_no_text_cut_off_on_public_page(pfad, breite, public_server, page):
    page.set_viewport_size({"width": breite, "height": 1000})
    page.goto(f"{public_server.url}/{pfad}")
    wait_for_app(page)
    funde = abgeschnitten(page)
    assert not funde, "\n".join(funde)


@pytest.mark.parametrize("breite", BREITEN)
def test_no_text_cut_off_in_the_error_table_of_a_refused_import(breite, demo_server, page):
    """The "Erwartet" column of the error table (was cut at 400 px)."""
    page.set_viewport_size({"width": breite, "height": 1000})
    page.goto(demo_server.url + "/daten")
    wait_for_app(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(BAD))
    page.locator('[data-testid="stFileChip"]').first.wait_for(timeout=30_000)
    page.get_by_role("button", name="Prüfen (Probelauf)").click()
    page.get_by_text("Import abgelehnt").wait_for(timeout=60_000)
    wait_for_app(page)
    funde = abgeschnitten(page)
    screenshot(page, f"daten_fehlertabelle_{breite}")
    assert not funde, "\n".join(funde)


def test_the_check_finds_a_cut_cell_and_a_cut_label(demo_server, page):
    """The check itself: a table cell wider than its column and a clipped label are found."""
    page.goto(f"{demo_server.url}/datenqualitaet")
    wait_for_app(page)
    page.evaluate("""() => {
        const box = document.createElement('div');
        box.style.cssText = 'width:60px;overflow:hidden;white-space:nowrap';
        box.innerHTML = '<span>Ein sehr langer Beschriftungstext</span>';
        document.querySelector('[data-testid="stMain"] h1').after(box);
    }""")
    funde = abgeschnitten(page)
    assert any("Ein sehr langer Beschriftungstext" in f for f in funde), funde


@pytest.fixture(scope="module")
def verstoesse_server(tmp_path_factory, browser):
    """Datenqualität with 1,234 violations of rule Q06: 30 ids named in one cell."""
    import datetime as dt

    from conftest import make_db

    rows = [dict(tn_id=f"TN-{i:06d}", eintritt=dt.date(2016, 2, 1), austritt=dt.date(2017, 1, 2))
            for i in range(1234)]
    db = make_db(tmp_path_factory.mktemp("verstoesse") / "biwaq.duckdb", teilnehmende=rows)
    server = StreamlitServer("dashboard.py", env={"BIWAQ_DB": str(db)})
    warm_up(browser, server.url)
    yield server
    server.stop()


@pytest.mark.parametrize("breite", BREITEN)
def test_no_id_cut_off_on_datenqualitaet_with_many_violations(breite, verstoesse_server, page):
    """„Betroffene Nummern“ (30 ids and „… und 1.204 weitere“) wraps inside the page."""
    page.set_viewport_size({"width": breite, "height": 1000})
    page.goto(f"{verstoesse_server.url}/datenqualitaet")
    wait_for_app(page)
    funde = abgeschnitten(page)
    assert not funde, "\n".join(funde)
