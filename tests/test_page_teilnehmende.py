"""Participant pages (Zielgruppen, Vermittlung, ESF+-Indikatoren): AppTest with filters against
direct SQL on the demo database, the figure functions, and real headless Chromium."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from biwaq.zahlen import analytics as an
from biwaq.app import charts_teilnehmende as ct
from biwaq.app.charts import FARBEN
from browser import metric_value, parse_int, screenshot, wait_for_app
from conftest import ROOT, demo_con

D = dt.date
START, ENDE = D(2015, 10, 1), D(2018, 12, 31)
ZIELGRUPPEN = "pages/teilnehmende/zielgruppen.py"
VERMITTLUNG = "pages/teilnehmende/vermittlung.py"
ESF = "pages/teilnehmende/esf_indikatoren.py"


def sql(db, text: str, **params):
    con = demo_con(db)
    try:
        return con.execute(text, params).fetchone()[0]
    finally:
        con.close()


def sql_erreicht(db, quartier=None, zielgruppe=None) -> int:
    return sql(db, "select count(*) from mart_teilnehmende where erstkontakt between $a and $b "
                   "and ($q is null or quartier = $q) "
                   "and ($g is null or list_contains(zielgruppen, $g))",
               a=START, b=ENDE, q=quartier, g=zielgruppe)


def sql_vermittelt(db, traeger=None) -> int:
    """Persons with first contact in the period and any placement (funnel stage)."""
    return sql(db, "select count(*) from teilnehmende t where erstkontakt between $a and $b "
                   "and ($t is null or traeger = $t) "
                   "and exists (select 1 from vermittlungen v where v.tn_id = t.tn_id)",
               a=START, b=ENDE, t=traeger)


def sql_frauen(db, quartier=None) -> int:
    return sql(db, "select count(*) from teilnehmende where eintritt between $a and $b "
                   "and geschlecht = 'w' and ($q is null or quartier = $q)",
               a=START, b=ENDE, q=quartier)


def metric(at: AppTest, label: str) -> int:
    return parse_int(next(m for m in at.metric if m.label == label).value)


def open_page(path: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


# --- AppTest ----------------------------------------------------------------------------------

def test_zielgruppen_page_follows_filters(demo_env):
    at = open_page(ZIELGRUPPEN)
    assert at.title[0].value == "Zielgruppen"
    alle = metric(at, "Erreichte Personen")
    assert alle == sql_erreicht(demo_env)
    reich = at.dataframe[0].value.set_index("Gruppe")
    assert reich.loc["Alle Teilnehmenden", "Erreichte Personen"] == alle
    assert reich.loc["Geflüchtete", "Erreichte Personen"] == sql_erreicht(demo_env,
                                                                zielgruppe="schutzsuchend")

    at.selectbox(key="filter_quartier").set_value("Süd-Ost").run()
    assert not at.exception
    sued_ost = metric(at, "Erreichte Personen")
    assert sued_ost == sql_erreicht(demo_env, quartier="Süd-Ost") and 0 < sued_ost < alle

    # a breakdown by sex: the three values add up to the total
    at.selectbox(key="reach_dim").set_value("geschlecht").run()
    assert not at.exception
    tab = at.dataframe[0].value
    alle_tab = tab[tab["Gruppe"] == "Alle Teilnehmenden"]
    assert set(alle_tab["Geschlecht"]) == {"weiblich", "männlich", "divers"}
    assert alle_tab["Erreichte Personen"].sum() == sued_ost


def test_zielgruppen_group_filter_explains_overlap_and_trager_hides_targets(demo_env):
    at = open_page(ZIELGRUPPEN)
    at.selectbox(key="filter_zielgruppe").set_value("alleinerziehend").run()
    assert not at.exception
    assert metric(at, "Erreichte Personen") == sql_erreicht(demo_env,
                                                            zielgruppe="alleinerziehend")
    assert any("Überschneidung" in i.value for i in at.info)
    at.selectbox(key="filter_traeger").set_value("KIK").run()
    assert any("nicht nach Träger vereinbart" in i.value for i in at.info)
    assert all(m.label != "Ziele hinter Plan" for m in at.metric)


def test_vermittlung_page_follows_filters(demo_env):
    at = open_page(VERMITTLUNG)
    assert at.title[0].value == "Vermittlung"
    alle = metric(at, "davon vermittelt")
    assert alle == sql_vermittelt(demo_env)
    at.selectbox(key="filter_traeger").set_value("Euratibor").run()
    assert not at.exception
    eura = metric(at, "davon vermittelt")
    assert eura == sql_vermittelt(demo_env, "Euratibor") and 0 < eura < alle
    # groups by sex in the funnel table, the cohort table by quarter
    at.selectbox(key="funnel_dim").set_value("geschlecht").run()
    trichter = at.dataframe[0].value
    assert set(trichter["Gruppe"]) == {"Alle Teilnehmenden", "weiblich", "männlich", "divers"}
    kohorten_tabelle = lambda: next(d.value for d in at.dataframe
                                    if {"Kohorte (Eintritt)", "Eintritte"} <= set(d.value.columns))
    assert kohorten_tabelle()["Kohorte (Eintritt)"].iloc[0] == "2015 Q4"   # default: quarters
    at.radio(key="funnel_kohorte").set_value("jahr").run()
    assert not at.exception
    kohorten = kohorten_tabelle()
    assert kohorten["Kohorte (Eintritt)"].tolist() == ["2015", "2016", "2017", "2018"]
    assert kohorten["Eintritte"].sum() == sql(
        demo_env, "select count(*) from teilnehmende where eintritt between $a and $b "
                  "and traeger = 'Euratibor'", a=START, b=ENDE)


def test_esf_page_follows_filters(demo_env):
    at = open_page(ESF)
    assert at.title[0].value == "ESF+-Indikatoren"
    eintritt = at.table[0].value
    assert parse_int(eintritt.loc["Frauen", "Anzahl"]) == sql_frauen(demo_env)
    assert eintritt.loc["Drittstaatsangehörige", "Anzahl"] == "nicht erfasst"
    assert "Definition" in eintritt.columns
    at.selectbox(key="filter_quartier").set_value("Magdeburger Allee").run()
    assert not at.exception
    ma = parse_int(at.table[0].value.loc["Frauen", "Anzahl"])
    assert ma == sql_frauen(demo_env, "Magdeburger Allee") and ma < sql_frauen(demo_env)
    ergebnis = at.table[1].value
    assert "In Beschäftigung sechs Monate nach Austritt" in ergebnis.index


@pytest.mark.parametrize("path", [ZIELGRUPPEN, VERMITTLUNG, ESF])
def test_empty_filter_result_shows_message(demo_env, path):
    # The demo has no refugees before 2016.
    at = open_page(path)
    at.selectbox(key="filter_zielgruppe").set_value("schutzsuchend")
    at.date_input(key="filter_zeitraum").set_value((D(2015, 10, 1), D(2015, 12, 31)))
    at.run()
    assert not at.exception
    assert any("keine Daten" in i.value for i in at.info)


# --- Figure functions -------------------------------------------------------------------------

def _trichter_frame():
    wide = pd.DataFrame([
        dict(gruppe="alle", erstkontakt=10, eintritt=8, begleitet=6, praxis=4, vermittelt=3,
             verbleib=2, eintritt_v=8, begleitet_v=6, praxis_v=4, vermittelt_v=2,
             verbleib_v=2),
        dict(gruppe="55plus", erstkontakt=4, eintritt=2, begleitet=2, praxis=1, vermittelt=1,
             verbleib=0, eintritt_v=2, begleitet_v=2, praxis_v=1, vermittelt_v=1,
             verbleib_v=0)])
    return an.sortiert(an.trichter_lang(wide), "zielgruppe")


def test_funnel_figure_one_figure_for_all_groups():
    fig = ct.trichter_chart(_trichter_frame(), "anteil")
    assert [t.name for t in fig.data] == ["Alle Teilnehmenden", "Ältere (55+)"]
    assert fig.layout.barmode == "group"
    assert list(fig.data[0].x) == [name for _, name in an.STUFEN]
    assert list(fig.data[1].y) == pytest.approx([100, 50, 50, 25, 25, 0])
    assert fig.data[1].marker.color == FARBEN["55plus"]          # same colour as elsewhere
    assert "Übergang 50 %" in fig.data[0].hovertext[4]             # 2 of 4 practicers placed
    anzahl = ct.trichter_chart(_trichter_frame(), "anzahl")
    assert list(anzahl.data[0].y) == [10, 8, 6, 4, 3, 2]


def test_incidence_figure_steps_per_cohort():
    kurven = pd.DataFrame({"kohorte": ["2016", "2016", "2017"], "tage": [0.0, 30.0, 0.0],
                           "inzidenz": [0.0, 0.25, 0.0], "unter_risiko": [4, 3, 2]})
    fig = ct.inzidenz_chart(kurven)
    assert [t.name for t in fig.data] == ["Eintritt 2016", "Eintritt 2017"]
    assert fig.data[0].line.shape == "hv"
    assert list(fig.data[0].y) == [0, 25]


def test_share_figure_adds_to_100_per_group():
    df = an.sortiert(pd.DataFrame({"gruppe": ["alle", "alle", "w"],
                                   "zugangsweg": ["Jobcenter", "KONTAKT-Laden", "Jobcenter"],
                                   "personen": [3, 1, 2]}), "geschlecht")
    fig = ct.anteile_chart(df, "zugangsweg", "Zugangswege", ("Jobcenter", "KONTAKT-Laden"))
    jc = next(t for t in fig.data if t.name == "Jobcenter")
    assert list(jc.y) == ["Alle Teilnehmenden", "weiblich"]
    assert list(jc.x) == [75, 100]
    assert jc.marker.color == FARBEN["Jobcenter"]


def test_combination_and_representation_figures():
    m = an.kombinationsmatrix(pd.DataFrame({"zeile": ["55plus", "55plus"],
                                            "spalte": ["55plus", "langzeitarbeitslos"],
                                            "personen": [5, 2]}))
    fig = ct.kombinationen_chart(m)
    assert fig.data[0].z[1][1] == 5 and fig.data[0].z[1][4] == 2 and fig.data[0].z[0][0] == 0
    rep = an.repraesentation(pd.DataFrame([dict(stadtteil="Herrenberg", quartier="Süd-Ost",
                                                teilnehmende=10, mit_migration=3,
                                                bev_gewicht=1000.0, bev_mig_summe=9000.0,
                                                jahr_von=2016, jahr_bis=2016)]))
    fig = ct.repraesentation_chart(rep)
    assert [t.name for t in fig.data] == ["Teilnehmende", "Bevölkerung"]
    assert list(fig.data[0].y) == pytest.approx([30, 30])       # district and total
    assert list(fig.data[1].y) == pytest.approx([9, 9])


def test_esf_figure_and_placements_figure():
    tab = an.esf_tabelle(pd.DataFrame({"schluessel": ["teilnehmende", "frauen"],
                                       "wert": [10, 4], "basis": [10, 10]}))
    erfasst = tab[tab["Indikator"] == "Frauen"]
    fig = ct.esf_chart(erfasst)
    assert list(fig.data[0].x) == [40.0]
    arten = pd.DataFrame({"art": ["Ausbildung", "Geringfügig", "Ausbildung"],
                          "branche": ["Logistik", "Logistik", "Handel"],
                          "lokal": [True, False, False], "vermittlungen": [2, 3, 1],
                          "personen": [2, 3, 1]})
    fig = ct.arten_chart(arten, ("Ausbildung", "Geringfügig"))
    assert [t.name for t in fig.data] == ["Ausbildung", "Geringfügig"]
    assert list(fig.layout.yaxis.categoryarray) == ["Handel", "Logistik"]   # largest on top


# --- Browser ----------------------------------------------------------------------------------

# The data Plotly drew (_fullData: binary-encoded arrays decoded; typed arrays made plain
# lists), per chart on the page.
PLOTS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(
    d => d._fullData.map(t => ({name: t.name, x: Array.from(t.x || []),
                                 y: Array.from(t.y || [])})))"""


def _open(page, server, url: str):
    page.goto(f"{server.url}/{url}")
    wait_for_app(page)
    assert page.get_by_text("Page not found").count() == 0
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    page.wait_for_timeout(1000)


def _shot(page, name: str):
    page.set_viewport_size({"width": 1400, "height": 5200})    # the app scrolls inside
    page.wait_for_timeout(1500)
    screenshot(page, name)


@pytest.mark.browser
def test_zielgruppen_in_browser(demo_server, page):
    _open(page, demo_server, "zielgruppen")
    assert page.locator(".js-plotly-plot").count() >= 4
    erreicht = sql_erreicht(demo_server.db)
    assert parse_int(metric_value(page, "Erreichte Personen")) == erreicht
    daten = page.evaluate(PLOTS)
    balken = next(t for t in daten[0] if t["name"] == "Erreicht (Erstkontakt)")
    assert balken["x"][0] == "Alle Teilnehmenden" and balken["y"][0] == erreicht
    assert balken["y"][4] == sql_erreicht(demo_server.db, zielgruppe="schutzsuchend")
    # the chart's one-sentence summary (issue 15), with the figure in German format
    satz = page.get_by_text("Erreichte Personen insgesamt:").first
    assert satz.is_visible()
    assert f"insgesamt: {erreicht:,}.".replace(",", ".") in satz.inner_text()
    _shot(page, "zielgruppen")


@pytest.mark.browser
def test_vermittlung_in_browser(demo_server, page):
    _open(page, demo_server, "vermittlung")
    assert page.locator(".js-plotly-plot").count() >= 4
    vermittelt = sql_vermittelt(demo_server.db)
    assert parse_int(metric_value(page, "davon vermittelt")) == vermittelt
    daten = page.evaluate(PLOTS)
    alle = next(t for t in daten[0] if t["name"] == "Alle Teilnehmenden")
    erst = sql_erreicht(demo_server.db)
    assert alle["x"][4] == "Vermittlung"
    assert alle["y"][4] == pytest.approx(vermittelt / erst * 100)
    _shot(page, "vermittlung")


@pytest.mark.browser
def test_esf_in_browser(demo_server, page):
    _open(page, demo_server, "esf-indikatoren")
    assert page.get_by_text("Definition").first.is_visible()
    frauen = sql_frauen(demo_server.db)
    zeile = page.locator("tr", has_text="Frauen").first
    assert str(frauen) in zeile.inner_text()
    daten = page.evaluate(PLOTS)
    balken = daten[0][0]
    i = balken["y"].index("Frauen")
    gesamt = sql(demo_server.db, "select count(*) from teilnehmende where eintritt between $a "
                                 "and $b", a=START, b=ENDE)
    assert balken["x"][i] == pytest.approx(round(frauen / gesamt * 100, 1))
    _shot(page, "esf_indikatoren")


def test_reach_figure_per_dimension():
    roh = pd.DataFrame({"gruppe": ["alle", "alle", "55plus"],
                        "auspraegung": ["2016 Q1", "2016 Q3", "2016 Q1"],
                        "erreicht": [5, 2, 1], "eingetreten": [4, 2, 1]})
    reich = an.reichweite_tabelle(roh, "quartal", D(2016, 1, 1), D(2016, 9, 30))
    fig = ct.reichweite_chart(reich, "quartal", "eingetreten")
    alle = next(t for t in fig.data if t.name == "Alle Teilnehmenden")
    assert alle.type == "scatter"                                   # a line over time
    assert list(alle.x) == ["2016 Q1", "2016 Q2", "2016 Q3"] and list(alle.y) == [4, 0, 2]
    assert fig.layout.title.text == "Eintritte je Zielgruppe nach Quartal"
    gesamt = ct.reichweite_chart(an.reichweite_tabelle(
        roh.assign(auspraegung="Gesamt").groupby(["gruppe", "auspraegung"], as_index=False)
        .sum(), "gesamt"), "gesamt")
    assert [t.name for t in gesamt.data] == ["Erreicht (Erstkontakt)", "Eingetreten (Eintritt)"]
    assert list(gesamt.data[0].y)[:2] == [7, 0]                     # alle, Alleinerziehende
