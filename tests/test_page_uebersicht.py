"""Overview page: AppTest with filters against direct SQL, and a real browser check."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from browser import metric_value, parse_int, screenshot, wait_for_app
from conftest import ROOT, demo_con

START, ENDE = "2015-10-01", "2018-12-31"


def sql_reached(db, quartier=None) -> int:
    con = demo_con(db)
    try:
        return con.execute(
            "select count(*) from teilnehmende where erstkontakt between $a and $b "
            "and ($q is null or quartier = $q)", {"a": START, "b": ENDE, "q": quartier}
        ).fetchone()[0]
    finally:
        con.close()


def metric(at: AppTest, label: str) -> int:
    return parse_int(next(m for m in at.metric if m.label == label).value)


def test_overview_renders_and_follows_quartier_filter(demo_env):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert any("Demodaten" in w.value for w in at.warning)
    assert at.title[0].value == "Übersicht"
    labels = {m.label for m in at.metric}
    # issue 10.1: people placed are "Vermittelte Personen" (the Vermittlung page's
    # "Vermittlungen" counts every placement)
    assert labels == {"Erreichte Personen", "Eintritte", "Vermittelte Personen",
                      "Verbleib nach 6 Monaten", "Beratene Betriebe",
                      "Wiederbelegte Leerstände"}
    alle = metric(at, "Erreichte Personen")
    assert alle == sql_reached(demo_env)

    at.selectbox(key="filter_quartier").set_value("Süd-Ost").run()
    assert not at.exception
    sued_ost = metric(at, "Erreichte Personen")
    assert sued_ost == sql_reached(demo_env, "Süd-Ost")
    assert 0 < sued_ost < alle
    assert "Quartier: Süd-Ost" in " ".join(c.value for c in at.caption)


def test_overview_empty_period_shows_message(demo_env):
    import datetime as dt

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    # The demo has no refugees before 2016 (they appear from 2016 on).
    at.selectbox(key="filter_zielgruppe").set_value("schutzsuchend")
    at.date_input(key="filter_zeitraum").set_value((dt.date(2015, 10, 1), dt.date(2015, 12, 31)))
    at.run()
    assert not at.exception
    assert metric(at, "Eintritte") == 0
    assert any("keine Daten" in i.value for i in at.info)


@pytest.mark.browser
def test_overview_in_browser_matches_database(demo_server, page):
    page.goto(demo_server.url + "/")        # the overview is the start page
    wait_for_app(page)
    assert page.get_by_text("Page not found").count() == 0
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    assert page.get_by_text("Demodaten").first.is_visible()
    shown = parse_int(metric_value(page, "Erreichte Personen"))
    assert shown == sql_reached(demo_server.db)
    screenshot(page, "uebersicht")


def test_first_start_builds_the_demo_database(tmp_path, monkeypatch):
    import streamlit as st

    db = tmp_path / "neu" / "biwaq.duckdb"
    monkeypatch.setenv("BIWAQ_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not at.exception
    assert db.exists()
    assert metric(at, "Erreichte Personen") == sql_reached(db)
    st.cache_data.clear()
    st.cache_resource.clear()
