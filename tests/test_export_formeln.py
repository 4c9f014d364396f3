"""Issue 13.10: downloads cannot carry formulas. Text starting with = + - @ tab or CR is
written as text in every CSV (apostrophe in front, OWASP „CSV Injection“) and XLSX (a string
cell, never a formula or link); numbers stay numbers."""
from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pandas as pd
from streamlit.testing.v1 import AppTest

from biwaq.app import export
from conftest import ROOT

PREFIXE = ["=", "+", "-", "@", "\t", "\r"]
# Field case 12: an innocent marker and a live link in a vacancy's free text.
FALL12 = ["== klären ==", '=HYPERLINK("https://example.invalid/x";"Exposé ansehen")']


def frame() -> pd.DataFrame:
    texte = [p + "1+2" for p in PREFIXE] + FALL12 + ["Magdeburger Allee 1"]
    n = len(texte)
    return pd.DataFrame({"Adresse": texte, "Fläche (m²)": [-5.5] + [60.0] * (n - 1),
                         "Anzahl": list(range(-1, n - 1))})


def csv_zeilen(daten: bytes) -> list[list[str]]:
    text = daten.decode("utf-8-sig")
    assert "\r\n\r\n" in text                       # header lines, blank line, table
    tabelle = text[text.index("\r\n\r\n") + 4:]
    return list(csv.reader(io.StringIO(tabelle, newline=""), delimiter=";"))


def test_csv_prefixes_each_formula_character_and_keeps_numbers():
    df = frame()
    zeilen = csv_zeilen(export.to_excel_csv(df, "Räume finden", "Quartier: alle"))
    assert zeilen[0] == ["Adresse", "Fläche (m²)", "Anzahl"]
    adressen = [z[0] for z in zeilen[1:]]
    for gezeigt, original in zip(adressen, df["Adresse"]):
        if original[0] in "=+-@\t\r":
            assert gezeigt == "'" + original        # apostrophe in front, text unchanged
        else:
            assert gezeigt == original
    assert not any(a[0] in "=+-@\t\r" for a in adressen)
    # numbers stay numbers: a negative number is not prefixed
    assert zeilen[1][1] == "-5,5" and zeilen[1][2] == "-1"


def xlsx_zellen(daten: bytes):
    """The XML of every worksheet (joined) and the first sheet (the data table)."""
    z = zipfile.ZipFile(io.BytesIO(daten))
    xml = "".join(z.read(n).decode() for n in z.namelist()
                  if n.startswith("xl/worksheets/sheet"))
    wb = openpyxl.load_workbook(io.BytesIO(daten))
    return xml, wb.worksheets[0]


def test_xlsx_writes_text_as_text_never_a_formula():
    df = frame()
    xml, ws = xlsx_zellen(export.to_xlsx(df, "Räume finden", "Quartier: alle"))
    assert re.findall(r"<f>", xml) == []            # no formula cell at all
    assert "<hyperlink" not in xml
    zeilen = [r for r in ws.iter_rows(values_only=False)]
    kopf = next(i for i, r in enumerate(zeilen) if r[0].value == "Adresse")
    for r, original in zip(zeilen[kopf + 1:], df["Adresse"]):
        assert r[0].data_type == "s"
        # the text exactly as stored (a CR is stored as the OOXML escape _x000D_, which
        # Excel reads back as CR; openpyxl leaves it escaped)
        assert r[0].value.replace("_x000D_", "\r") == original
    erste = zeilen[kopf + 1]
    assert erste[1].data_type == "n" and erste[1].value == -5.5
    assert erste[2].data_type == "n" and erste[2].value == -1


def test_export_leaves_the_frame_and_plain_values_alone():
    df = frame()
    vorher = df.copy()
    out = export.text_als_text(df)
    pd.testing.assert_frame_equal(df, vorher)        # no change to the caller's frame
    assert out["Anzahl"].tolist() == df["Anzahl"].tolist()
    assert export.als_text("Süd-Ost") == "Süd-Ost" and export.als_text(None) is None
    assert export.als_text("-3") == "'-3"           # text, even if it looks like a number


def test_import_error_report_on_the_daten_page_carries_no_formula(demo_env):
    """The rejected import's report (Daten page) shows the value as it looks; its download
    must not turn that value into a formula."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    at.switch_page("pages/daten/daten.py").run()
    kopf = ("tn_id;quartier;stadtteil;traeger;geschlecht;geburtsjahr;alleinerziehend;"
            "migrationshintergrund;schutzsuchend;langzeitarbeitslos;zugangsweg;erstkontakt\n")
    zeile = ("X-1;Süd-Ost;Herrenberg;KIK;w;=1+2;nein;nein;nein;nein;Jobcenter;01.02.2016\n"
             "X-2;Süd-Ost;Herrenberg;KIK;w;1980;@SUMME(1);nein;nein;nein;Jobcenter;01.02.2016\n")
    at.file_uploader(key="daten_upload").set_value(
        [("teilnehmende.csv", (kopf + zeile).encode("utf-8"), "text/csv")])
    at.checkbox(key="daten_demo_entfernen").check()
    at.button(key="daten_import").click().run()
    assert not at.exception
    fehler = next(d.value for d in at.dataframe if "Erwartet" in d.value.columns)
    werte = fehler["Wert"].astype(str).tolist()
    assert "=1+2" in werte and "@SUMME(1)" in werte
    zeilen = csv_zeilen(export.to_excel_csv(fehler, "Importfehler", "Test"))
    spalte = zeilen[0].index("Wert")
    assert {z[spalte] for z in zeilen[1:]} >= {"'=1+2", "'@SUMME(1)"}
    xml, _ = xlsx_zellen(export.to_xlsx(fehler, "Importfehler", "Test"))
    assert "<f>" not in xml


def test_published_csvs_carry_no_formula_and_read_back_exactly(tmp_path):
    """A district name typed as a formula (free text in the vacancy export) lands in the
    published CSVs as text; the public app reads the name back unchanged."""
    import datetime as dt

    from biwaq.oeffentlich import publish, published
    from conftest import make_db

    name = '=HYPERLINK("https://example.invalid";"x")'
    leer = [dict(objekt_id=f"L{i}", stadtteil=name if i < 4 else "'Apostroph",
                 leer_seit=dt.date(2016, 1, 1), oeffentlich=True) for i in range(8)]
    db = make_db(tmp_path / "f.duckdb", leerstaende=leer)
    out = tmp_path / "pub"
    publish.publish(db, out)
    for p in out.glob("*.csv"):
        for zeile in csv.reader(io.StringIO(p.read_text(encoding="utf-8"))):
            assert not any(z[:1] in ("=", "+", "-", "@", "\t", "\r") for z in zeile if z), \
                (p.name, zeile)
    d = published.laden(out)
    assert name in d.dim_werte("leerstaende_bestand", "stadtteil")
    assert set(d.tabellen["leerstaende_bestand"]["stadtteil"]) >= {name, "'Apostroph"}
    assert set(d.orte["stadtteil"]) == {name, "'Apostroph"}
