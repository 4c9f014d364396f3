"""ESF+ indicators by sex × Quartier × Träger with totals (issue 11): hand-made fixture with
every expected cell worked out by hand; the page and its one-sheet XLSX."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from biwaq.zahlen import analytics as an
from biwaq.speicher.filters import Filter
from biwaq.speicher.queries import run_query
from browser import screenshot, wait_for_app
from conftest import ROOT, demo_con

D = dt.date
SO = dict(quartier="Süd-Ost", stadtteil="Herrenberg")
# P1 w MA KIK; P2 m MA Euratibor; P3 d SO KIK langzeitarbeitslos;
# P4 w SO KIK langzeitarbeitslos, exit 30.06.2017, placed 01.06.2017 (employment at exit,
# still in work after six months; exit ≥ 6 months before the data stand 31.12.2018).
TN = [dict(tn_id="P1", erstkontakt=D(2016, 1, 4), eintritt=D(2016, 1, 5)),
      dict(tn_id="P2", geschlecht="m", traeger="Euratibor", erstkontakt=D(2016, 2, 1),
           eintritt=D(2016, 2, 2)),
      dict(tn_id="P3", geschlecht="d", langzeitarbeitslos=True, erstkontakt=D(2016, 3, 1),
           eintritt=D(2016, 3, 2), **SO),
      dict(tn_id="P4", langzeitarbeitslos=True, erstkontakt=D(2017, 1, 2),
           eintritt=D(2017, 1, 3), austritt=D(2017, 6, 30), austrittsgrund="Arbeitsaufnahme",
           **SO),
      dict(tn_id="LATE", erstkontakt=D(2018, 12, 31))]
PLATZ = [dict(vermittlung_id="V1", tn_id="P4", beginn=D(2017, 6, 1), verbleib_6m="ja")]


def gliederung(con, filt=Filter()):
    return an.esf_gliederung(
        lambda q, t, g: run_query("esf_indikatoren", con, **{**filt.params(), "quartier": q,
                                                            "traeger": t}, geschlecht=g),
        ["Magdeburger Allee", "Süd-Ost", None], ["KIK", "Euratibor", None])


def zelle(df, quartier, traeger, indikator):
    r = df[(df["Quartier"] == quartier) & (df["Träger"] == traeger)
           & (df["Indikator"] == indikator)]
    assert len(r) == 1
    return r.iloc[0][["davon Frauen", "davon Männer", "davon nicht-binär", "Insgesamt"]].tolist()


def test_split_by_sex_area_and_partner_by_hand(db_factory):
    con = db_factory(teilnehmende=TN, vermittlungen=PLATZ)
    df = gliederung(con)
    kik, alle = "Kontakt in Krisen e.V.", "Insgesamt"
    assert zelle(df, alle, alle, "Teilnehmende insgesamt") == [2, 1, 1, 4]
    assert zelle(df, "Süd-Ost", kik, "Teilnehmende insgesamt") == [1, 0, 1, 2]
    assert zelle(df, "Magdeburger Allee", alle, "Teilnehmende insgesamt") == [1, 1, 0, 2]
    assert zelle(df, "Magdeburger Allee", "Euratibor e.V.", "Teilnehmende insgesamt") == \
        [0, 1, 0, 1]
    assert zelle(df, "Süd-Ost", "Euratibor e.V.", "Teilnehmende insgesamt") == [0, 0, 0, 0]
    assert zelle(df, alle, kik, "Langzeitarbeitslose") == [1, 0, 1, 2]
    besch = "In Beschäftigung (einschließlich Selbstständiger) bei Austritt"
    assert zelle(df, alle, alle, besch) == [1, 0, 0, 1]
    assert zelle(df, "Süd-Ost", kik, "In Beschäftigung sechs Monate nach Austritt") == \
        [1, 0, 0, 1]
    assert zelle(df, alle, alle, an.ESF_BASIS_6M) == [1, 0, 0, 1]
    # 3 areas × 3 partners, 14 rows each (13 recorded indicators without the sex rows + basis)
    assert len(df) == 9 * 14
    assert not df["Indikator"].isin(["Frauen", "Männer", "Nicht-binäre Personen"]).any()


def test_grand_total_equals_the_main_table_on_demo(demo_db):
    import duckdb
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        df = gliederung(con)
        haupt = an.esf_tabelle(run_query("esf_indikatoren", con, **Filter().params(),
                                         geschlecht=None)).set_index("Indikator")["Anzahl"]
    finally:
        con.close()
    gesamt = df[(df["Quartier"] == "Insgesamt") & (df["Träger"] == "Insgesamt")]
    for name, wert in zip(gesamt["Indikator"], gesamt["Insgesamt"]):
        if name != an.ESF_BASIS_6M:
            assert haupt[name] == wert, name
    # sexes add up to the total (everyone has one of w/m/d in the contract)
    assert (gesamt[["davon Frauen", "davon Männer", "davon nicht-binär"]].sum(axis=1) == gesamt["Insgesamt"]).all()


def test_esf_page_shows_the_split_and_exports_one_sheet(demo_env):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    at.switch_page("pages/teilnehmende/esf_indikatoren.py").run()
    assert not at.exception
    con = demo_con(demo_env)
    try:
        alle = an.esf_gliederung(an.esf_zellen(run_query("esf_gliederung", con,
                                                         **Filter().params())),
                                 ["Magdeburger Allee", "Süd-Ost", None], ["KIK", "Euratibor", None])
    finally:
        con.close()
    assert len(alle) == 9 * 14

    def gezeigt():
        return next(d.value for d in at.dataframe if "davon nicht-binär" in d.value.columns)

    def erwartet(quartier, traeger):
        teil = alle[(alle["Quartier"] == quartier) & (alle["Träger"] == traeger)]
        return teil.drop(columns=["Quartier", "Träger", "Bereich"]).reset_index(drop=True)

    # on screen one Quartier × Träger at a time (issue 15), first the total of both
    assert at.selectbox(key="esf_gliederung_quartier").value == "Insgesamt"
    assert at.selectbox(key="esf_gliederung_traeger").value == "Insgesamt"
    assert gezeigt().equals(erwartet("Insgesamt", "Insgesamt"))
    at.selectbox(key="esf_gliederung_quartier").set_value("Süd-Ost").run()
    at.selectbox(key="esf_gliederung_traeger").set_value("Euratibor e.V.").run()
    assert gezeigt().equals(erwartet("Süd-Ost", "Euratibor e.V.")) and len(gezeigt()) == 14
    at.selectbox(key="filter_quartier").set_value("Süd-Ost").run()
    assert at.selectbox(key="esf_gliederung_quartier").options == ["Süd-Ost"]
    df = gezeigt()
    from biwaq.app import bericht
    data = bericht.xlsx_bytes({"ESF+ nach Geschlecht": df}, "ESF+", "Filter", "31.12.2018")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["ESF+ nach Geschlecht", "Filter"]


@pytest.mark.browser
def test_esf_split_in_browser(demo_server, page):
    page.goto(demo_server.url + "/esf-indikatoren")
    wait_for_app(page)
    from playwright.sync_api import expect

    assert page.locator('[data-testid="stMain"] h1').first.inner_text().startswith("ESF")
    page.get_by_text("Nach Geschlecht, Quartier und Träger").scroll_into_view_if_needed()
    knopf = page.get_by_text("XLSX (ein Tabellenblatt)")
    knopf.scroll_into_view_if_needed(timeout=30_000)     # rendered after the main table
    expect(knopf).to_be_visible(timeout=30_000)
    screenshot(page, "esf_gliederung")


def test_split_columns_do_not_share_a_label_with_an_indicator():
    """One label, one meaning: „Frauen“ is the indicator (women who entered); the split's
    column is the row's indicator among women, so it has its own label."""
    from biwaq.zahlen import kennzahlen as kz
    indikatoren = {name for _, _, _, name, _ in kz.ESF_INDIKATOREN}
    katalog = {k.label for k in kz.alle()}
    for spalte in an.ESF_GESCHLECHTER.values():
        assert spalte not in indikatoren and spalte not in katalog, spalte
        assert spalte in kz.MERKMALE
    assert "Frauen" in indikatoren and "Frauen" not in an.ESF_GESCHLECHTER.values()
