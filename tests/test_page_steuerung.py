"""Steering pages (issue 11): the on-track rule on Übersicht and Zielgruppen, comments beside
figures, the report button – AppTest against the library's values, and headless Chromium."""
from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from biwaq.zahlen import zielstand as zs
from biwaq.einlesen.contract import LAUFZEIT_START
from biwaq.speicher.queries import run_query
from browser import screenshot, wait_for_app
from conftest import ROOT, demo_con

D = dt.date
ZIELGRUPPEN = "pages/teilnehmende/zielgruppen.py"


def erwartet_stand(db, bis, quartier=None, zielgruppe=None) -> zs.Zielstand:
    con = demo_con(db)
    try:
        return zs.zielstand(run_query("zielstand_verlauf", con, quartier=quartier,
                                      zielgruppe=zielgruppe, bis=bis,
                                      laufzeit_start=LAUFZEIT_START))
    finally:
        con.close()


def texte(at: AppTest) -> str:
    return "\n".join([c.value for c in at.caption] + [m.value for m in at.markdown])


def test_overview_on_track_for_any_period(demo_env):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    at.date_input(key="filter_zeitraum").set_value((D(2016, 1, 1), D(2017, 6, 30))).run()
    assert not at.exception
    soll = erwartet_stand(demo_env, D(2017, 6, 30)).tabelle.set_index("ziel_id")
    v = soll.loc["vermittlungen||"]
    alles = texte(at)
    # a period not starting at the project start still gets the target comparison
    assert f"bis 30.06.2017): {v['wert']} von 200" in alles
    assert zs.prozent_text(v["quote"]) in alles
    assert "ab Laufzeitbeginn" in alles
    # status table: one row per target, status equal to the library's
    tab = next(df.value for df in at.dataframe if "Status" in df.value.columns)
    assert len(tab) == len(soll) == 22
    assert list(tab["Status"]) == list(soll["status"])
    assert not any(t == "100,0\u00a0%" for t, s in zip(tab["Erreicht in % des Erwarteten"],
                                                     tab["Status"]) if s != "im Plan")


def test_overview_quartier_shows_that_areas_targets_and_trager_hides_them(demo_env):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    at.selectbox(key="filter_quartier").set_value("Süd-Ost").run()
    assert not at.exception
    tab = next(df.value for df in at.dataframe if "Status" in df.value.columns)
    assert all("Süd-Ost" in z for z in tab["Ziel"])
    assert len(tab) == 3                      # teilnehmende, eintritte, vermittlungen
    at.selectbox(key="filter_traeger").set_value("KIK").run()
    assert not at.exception
    assert "nicht nach Träger vereinbart" in texte(at) + " ".join(i.value for i in at.info)
    assert not any("Status" in df.value.columns for df in at.dataframe)


def test_zielgruppen_uses_the_same_rule(demo_env):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    at.switch_page(ZIELGRUPPEN).run()
    assert not at.exception
    tab = next(df.value for df in at.dataframe if "Status" in df.value.columns)
    soll = erwartet_stand(demo_env, D(2018, 12, 31)).tabelle
    soll = soll[soll["kennzahl"].isin(["teilnehmende", "eintritte"])]
    assert list(tab["Ziel"]) == list(soll["label"])
    assert list(tab["Status"]) == list(soll["status"])
    # Langzeitarbeitslose reached: 528 of 530 = 99.6 % → knapp, shown as 99,6 % (not 100 %)
    zeile = tab[tab["Ziel"].str.startswith("Erreichte Personen · Langzeitarbeitslose")].iloc[0]
    assert zeile["Erreicht"] == 528 and zeile["Status"] == "knapp"
    assert zeile["Erreicht in % des Erwarteten"] == "99,6\u00a0%"


@pytest.mark.browser
def test_overview_on_track_in_browser(demo_server, page):
    page.goto(demo_server.url + "/")
    wait_for_app(page)
    page.get_by_text("Stand gegenüber den Zielen").first.scroll_into_view_if_needed()
    assert page.get_by_text("Stichtag: 31.12.2018").first.is_visible()
    assert page.get_by_text("88,5 % des Erwarteten").count() >= 1
    assert page.locator(".js-plotly-plot").count() >= 3
    assert page.get_by_text("Hochrechnung").count() >= 1
    screenshot(page, "uebersicht_zielstand")


FORMEL = '=HYPERLINK("https://example.invalid/x";"Exposé") <script>alert(1)</script> **fett**'


def test_comment_beside_a_figure_with_its_filters_as_plain_text(demo_env):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    at.selectbox(key="filter_quartier").set_value("Süd-Ost").run()
    at.text_area(key="uebersicht_komm_vermittlungen_text").input(FORMEL)
    at.button(key="FormSubmitter:uebersicht_komm_vermittlungen_neu-Speichern").click().run()
    assert not at.exception
    # shown verbatim as plain text (st.text), with its filters, beside the figure and in the list
    assert FORMEL in [t.value for t in at.text]
    liste = next(df.value for df in at.dataframe if "Kommentar" in df.value.columns)
    assert list(liste["Kommentar"]) == [FORMEL]
    assert "Quartier: Süd-Ost" in liste.iloc[0]["Filter"]
    assert liste.iloc[0]["Verfasst von"] == "lokal"
    assert liste.iloc[0]["Datenstand"] == "31.12.2018"
    # under both areas the figure does not show the Süd-Ost comment beside it
    at.selectbox(key="filter_quartier").set_value("Beide").run()
    assert FORMEL not in [t.value for t in at.text]
    liste = next(df.value for df in at.dataframe if "Kommentar" in df.value.columns)
    assert len(liste) == 1                  # but the list on Übersicht keeps it, with filters


@pytest.mark.browser
def test_zielgruppen_on_track_in_browser(demo_server, page):
    page.goto(demo_server.url + "/zielgruppen")
    wait_for_app(page)
    page.get_by_text("Stand gegenüber den Zielen").first.scroll_into_view_if_needed()
    assert page.get_by_text("Stichtag: 31.12.2018").first.is_visible()
    page.get_by_text("Verlauf je Quartal für").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "zielgruppen_zielstand")


@pytest.mark.browser
def test_comment_and_report_download_in_browser(demo_server, page, tmp_path):
    from pypdf import PdfReader

    page.goto(demo_server.url + "/")
    wait_for_app(page)
    page.get_by_role("button", name="Kommentieren").first.click()
    feld = page.get_by_label("Neuer Kommentar").first
    feld.fill("<b>Browser</b> =1+1")
    page.get_by_role("button", name="Speichern").first.click()
    wait_for_app(page)
    knopf = page.get_by_role("button", name="Kommentare (1)").first
    if not page.get_by_text("<b>Browser</b> =1+1").first.is_visible():
        knopf.click()
    # shown as plain text beside the figure, tags and formula included
    page.get_by_text("<b>Browser</b> =1+1").first.wait_for(state="visible", timeout=10_000)
    screenshot(page, "uebersicht_kommentar_popover")
    page.keyboard.press("Escape")
    page.get_by_text("Kommentare zu Zahlen").scroll_into_view_if_needed()
    screenshot(page, "uebersicht_kommentare")
    with page.expect_download(timeout=120_000) as dl:
        page.get_by_role("button", name="Bericht (PDF)").click()
    ziel = tmp_path / dl.value.suggested_filename
    dl.value.save_as(ziel)
    assert ziel.name == "biwaq_bericht_2015-10-01_bis_2018-12-31_stand_2018-12-31.pdf"
    text = " ".join(p.extract_text() for p in PdfReader(str(ziel)).pages)
    assert "Bericht für die Steuerungsrunde" in text and "<b>Browser</b> =1+1" in text


def test_author_edits_and_deletes_own_comment_on_the_page(demo_env):
    from biwaq.app import kommentare
    from biwaq.speicher.filters import Filter

    ks = kommentare.KommentarStore()
    kid = ks.hinzufuegen("uebersicht.eintritte", "Eintritte", Filter(), "2018-12-31", "lokal",
                         "alt")
    fremd = ks.hinzufuegen("uebersicht.eintritte", "Eintritte", Filter(), "2018-12-31", "Anna",
                           "von Anna")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    key = "uebersicht_komm_eintritte"
    # only one's own comment gets edit controls
    keys = {w.key for w in at.text_input}
    assert f"{key}_edit_{kid}" in keys and f"{key}_edit_{fremd}" not in keys
    at.text_input(key=f"{key}_edit_{kid}").input("neu")
    at.button(key=f"{key}_save_{kid}").click().run()
    assert not at.exception
    assert "neu" in [t.value for t in at.text]
    at.button(key=f"{key}_del_{kid}").click().run()
    assert not at.exception
    assert "neu" not in [t.value for t in at.text] and "von Anna" in [t.value for t in at.text]
    assert list(ks.historie(kid)["aktion"]) == ["angelegt", "geändert", "gelöscht"]
