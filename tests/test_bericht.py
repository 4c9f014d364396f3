"""Committee report (issue 11): every figure in the PDF's text equals what the pages show for
the same filters; determinism, file names, Demodaten mark, comments as plain text, the CLI,
and a build without a browser."""
from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys

import openpyxl
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from biwaq.app import bericht, bericht_pdf, kommentare
from biwaq.zahlen import kennzahlen as kz
from biwaq.speicher.filters import Filter
from conftest import ROOT

D = dt.date
FILT = Filter(quartier="Süd-Ost", von=D(2016, 1, 1), bis=D(2017, 6, 30))
FORMEL = '=HYPERLINK("https://example.invalid/x";"Exposé") <script>alert(1)</script>'


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def pdf_text(path) -> str:
    return norm(" ".join(p.extract_text() for p in PdfReader(str(path)).pages))


def zelle(v) -> str:
    return norm(str(v))


@pytest.fixture
def seiten(demo_env):
    """AppTest of the dashboard with the report's filters set in the sidebar."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    at.selectbox(key="filter_quartier").set_value(FILT.quartier)
    at.date_input(key="filter_zeitraum").set_value((FILT.von, FILT.bis))
    at.run()
    assert not at.exception
    return at


def metrik(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_every_figure_in_the_pdf_is_the_pages_figure(seiten, demo_env, tmp_path):
    ks = kommentare.KommentarStore()
    ks.hinzufuegen("uebersicht.vermittlungen", "Vermittlungen", FILT, "2018-12-31", "Anna",
                   FORMEL)
    ks.hinzufuegen("uebersicht.eintritte", "Eintritte", Filter(quartier="Magdeburger Allee"),
                   "2018-12-31", "Ben", "Nur Magdeburger Allee")
    pdf, xlsx = bericht_pdf.erstelle(demo_env, FILT, tmp_path, ks)
    text = pdf_text(pdf)

    # 1 on track: every row of the Übersicht table, cell by cell in order
    at = seiten
    ziele = next(d.value for d in at.dataframe if "Status" in d.value.columns)
    assert len(ziele) == 3
    for r in ziele.itertuples(index=False):
        zeile = " ".join(zelle(v) for v in (r[0], r[1], r[2], r[3], r[6], r[7], r[8], r[9]))
        assert zeile in text, zeile
    # headline cards of Übersicht: the on-track line for Vermittlungen
    assert "hinter Plan" in text

    # 3 funnel: the Vermittlung page's metrics, by the catalogue's labels – in the table row
    # of the stage and under the same label in the report's line of cohort figures
    at.switch_page("pages/teilnehmende/vermittlung.py").run()
    for stufe, kid in bericht.TRICHTER_KENNZAHLEN.items():
        wert = metrik(at, kz.label(kid))
        assert re.search(re.escape(stufe) + r" " + re.escape(wert) + r" ", text), stufe
        assert f"{kz.label(kid)}: {wert}" in text, kid

    # 4 ESF+: the page's main table (count column) and the split by sex for Süd-Ost
    at.switch_page("pages/teilnehmende/esf_indikatoren.py").run()
    for tab in at.table:
        for r in tab.value.itertuples():
            if r.Anzahl != "nicht erfasst":
                assert f"{norm(r.Index)} {norm(r.Anzahl)} {norm(r.Bezugsgröße)}" in text, r.Index
    # on screen one Quartier × Träger at a time (issue 15): Süd-Ost, Träger „Insgesamt“ first
    assert at.selectbox(key="esf_gliederung_traeger").value == "Insgesamt"
    glied = next(d.value for d in at.dataframe if "davon nicht-binär" in d.value.columns)
    for r in glied.itertuples(index=False):
        assert f"{r.Indikator} {r[1]} {r[2]} {r[3]} {r.Insgesamt}" in text, r.Indikator

    # 5 businesses and 6 vacancies: the pages' headline figures in the report's sentences
    at.switch_page("pages/oekonomie/betriebe.py").run()
    assert f"wurden {metrik(at, 'Beratene Betriebe')} Betriebe beraten" in text
    assert f"waren {metrik(at, 'Am Stichtag aktiv')} von ihnen noch aktiv" in text
    at.switch_page("pages/oekonomie/leerstand.py").run()
    assert f"standen {metrik(at, 'Leerstehend am Stichtag')} Objekte" in text
    assert f"wurden {metrik(at, 'Wiederbelegt im Zeitraum')} Objekte wiederbelegt" in text

    # 7 data quality: the page's totals
    at.switch_page("pages/daten/qualitaet.py").run()
    assert (f"{metrik(at, 'Verstöße gegen Fehler-Regeln')} Verstöße gegen Fehler-Regeln, "
            f"{metrik(at, 'Warnungen')} Warnungen") in text

    # 8 comments: the Süd-Ost one as plain text, not the one on Magdeburger Allee
    assert norm(FORMEL)[:40] in text and "Nur Magdeburger Allee" not in text
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes()))
    ws = wb["Kommentare"]
    werte = [c for row in ws.iter_rows() for c in row if c.value == FORMEL]
    assert len(werte) == 1 and werte[0].data_type == "s"


def test_title_page_names_period_filters_stand_and_demo(demo_env, tmp_path):
    pdf, xlsx = bericht_pdf.erstelle(demo_env, FILT, tmp_path)
    assert pdf.name == "biwaq_bericht_2016-01-01_bis_2017-06-30_sued-ost_stand_2018-12-31.pdf"
    assert xlsx.name == "biwaq_bericht_2016-01-01_bis_2017-06-30_sued-ost_stand_2018-12-31.xlsx"
    erste = norm(PdfReader(str(pdf)).pages[0].extract_text())
    for teil in ("Bericht für die Steuerungsrunde", "Zeitraum: 01.01.2016 bis 30.06.2017",
                 "Quartier: Süd-Ost", "Datenstand: 31.12.2018", "DEMODATEN"):
        assert teil in erste, teil
    assert PdfReader(str(pdf)).pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)
    wb = openpyxl.load_workbook(xlsx)
    assert {"Stand gegenüber den Zielen", "Zielgruppen", "Trichter und Verbleib",
            "ESF+-Indikatoren", "ESF+ nach Geschlecht", "Leerstand je Stadtteil",
            "Datenqualität", "Kommentare"} <= set(wb.sheetnames)


def test_no_demo_mark_with_real_data(tmp_path):
    from conftest import make_db
    db = make_db(tmp_path / "echt.duckdb", datenquelle="import",
                 teilnehmende=[dict(tn_id="A", eintritt=D(2016, 2, 1))],
                 ziele=[dict(kennzahl="eintritte", zielwert=10)])
    pdf, _ = bericht_pdf.erstelle(db, Filter(), tmp_path / "b.pdf")
    assert "DEMODATEN" not in pdf_text(pdf)
    # data stand 01.02.2016 = Stichtag: 124 of 1188 days → expected 10 × 124/1188 = 1.04 (shown
    # 1); 1/1.0438 = 95.8 % → knapp; 10.0 % of the target; pace 1 per 124 days over the 1064
    # days left → projection 1 + 1064/124 = 9.58, shown 10.
    assert ("Eintritte · alle Zielgruppen · beide Quartiere 1 1 10 95,8 % 10,0 % knapp 10"
            in pdf_text(pdf))


def test_same_data_and_options_give_identical_files(demo_env, tmp_path):
    a = bericht_pdf.erstelle(demo_env, FILT, tmp_path / "a" / "x.pdf")
    b = bericht_pdf.erstelle(demo_env, FILT, tmp_path / "b" / "x.pdf")
    assert a[0].read_bytes() == b[0].read_bytes()
    assert a[1].read_bytes() == b[1].read_bytes()


def test_cli_builds_without_a_browser(demo_env, tmp_path):
    # no chromium on PATH, and neither playwright nor kaleido may be loaded
    code = ("import sys, runpy; sys.argv = ['biwaq', 'bericht', '--von', '01.10.2015', "
            "'--bis', '31.12.2018', '--quartier', 'Magdeburger Allee', '--out', "
            f"{str(tmp_path)!r}, '--db', {str(demo_env)!r}];\n"
            "from biwaq.cli import main\nrc = main(sys.argv[1:])\n"
            "assert not any(m.split('.')[0] in ('playwright', 'kaleido') for m in sys.modules)\n"
            "sys.exit(rc)")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       env={"PATH": "/nonexistent", "HOME": str(tmp_path),
                            "PYTHONPATH": str(ROOT)}, timeout=300)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "biwaq_bericht_2015-10-01_bis_2018-12-31_magdeburger-allee_stand_2018-12-31.pdf").exists()
    assert (tmp_path / "biwaq_bericht_2015-10-01_bis_2018-12-31_magdeburger-allee_stand_2018-12-31.xlsx").exists()


def test_cli_refuses_a_wrong_date_in_german(tmp_path):
    r = subprocess.run([sys.executable, "-m", "biwaq", "bericht", "--von", "2016-01-01",
                        "--bis", "31.12.2018", "--out", str(tmp_path / "x.pdf")],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2
    assert "kein Datum im Format TT.MM.JJJJ" in r.stderr


def test_every_column_of_the_report_is_a_catalogue_figure_or_an_attribute(demo_env):
    """One label, one definition (issue 10): every column header of every report table (PDF
    and XLSX) is a figure of the catalogue or a named attribute – for the filters of the
    report and with a Träger (no on-track tables then)."""
    from biwaq.zahlen import analytics as an
    from biwaq.speicher import store
    from biwaq.einlesen.contract import QUARTIERE, TRAEGER_NAMEN

    labels = {k.label for k in kz.alle()}
    kategorien = {*QUARTIERE, *TRAEGER_NAMEN.values(), an.INSGESAMT,
                  *an.ESF_GESCHLECHTER.values()}
    con = store.connect_readonly(demo_env)
    try:
        fehlt = {}
        for filt in (FILT, Filter(traeger="Euratibor", von=D(2016, 1, 1), bis=D(2016, 12, 31))):
            d = bericht.daten(con, filt, kommentare.KommentarStore())
            for name, tab in d.tabellen.items():
                rest = {str(c) for c in tab.columns} - labels - kz.MERKMALE - kategorien
                if rest:
                    fehlt[name] = sorted(rest)
    finally:
        con.close()
    assert not fehlt, fehlt


def test_method_names_only_in_the_methodik_note(demo_env, tmp_path):
    """Issue 15: the report's running text names no method ("Kaplan–Meier", "zensiert");
    they stand once, in the line that begins with „Methodik:“ after the survival table – the
    same rule tests/test_klartext.py checks on the pages."""
    from test_klartext import ENTWICKLERSPRACHE

    pdf, _ = bericht_pdf.erstelle(demo_env, Filter(), tmp_path)
    text = norm(" ".join(s.extract_text() for s in PdfReader(str(pdf)).pages))
    assert text.count("Methodik:") == 1
    vor, nach = text.split("Methodik:")
    assert not ENTWICKLERSPRACHE.search(vor), ENTWICKLERSPRACHE.search(vor)
    methodik = nach[:400]
    assert "Kaplan–Meier" in methodik and "zensiert" in methodik
    hinter = nach[len(norm(oek_text())):]
    assert not ENTWICKLERSPRACHE.search(hinter), ENTWICKLERSPRACHE.search(hinter)


def oek_text() -> str:
    from biwaq.zahlen import oekonomie as oek
    return " " + oek.METHODIK_UEBERLEBEN.replace("**", "")
