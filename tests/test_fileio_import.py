"""Reading contract files in every form the contract allows (CSV variants, Excel)."""
from __future__ import annotations

import datetime as dt
import io
import unicodedata

import openpyxl
import pandas as pd
import pytest

from biwaq.einlesen.fileio import lies_datei, normalise_header

D = dt.date
KOPF = ["betrieb_id", "name", "quartier", "branche", "gruendung", "migrantenoekonomie",
        "beschaeftigte", "status", "lat", "lon"]
ZEILEN = [["B-1", "Bäckerei Özdemir", "Süd-Ost", "Handwerk", "01.06.2016", "ja", "3", "aktiv",
           "50,948", "11,058"],
          ["B-2", "Café Müller", "Magdeburger Allee", "Gastronomie", "2015-03-02", "nein", "1.250",
           "aktiv", "", ""]]


def csv_bytes(kopf, zeilen, sep=";", encoding="utf-8-sig", titel=None) -> bytes:
    def zelle(v):
        return f'"{v}"' if sep in v else v
    lines = ([titel, ""] if titel else []) + [sep.join(zelle(v) for v in r)
                                              for r in [kopf, *zeilen]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def lies(name, data):
    [g] = lies_datei(name, data)
    assert g.fehler == [], [str(f) for f in g.fehler]
    return g


def check_betriebe(df: pd.DataFrame):
    assert df.index.tolist()[:2] in ([2, 3], [4, 5])
    r1, r2 = df.iloc[0], df.iloc[1]
    assert r1["name"] == "Bäckerei Özdemir" and r2["name"] == "Café Müller"
    assert r1["gruendung"] == D(2016, 6, 1) and r2["gruendung"] == D(2015, 3, 2)
    assert bool(r1["migrantenoekonomie"]) is True and bool(r2["migrantenoekonomie"]) is False
    assert r1["beschaeftigte"] == 3 and r2["beschaeftigte"] == 1250   # thousands dot in ints
    assert r1["lat"] == pytest.approx(50.948) and pd.isna(r2["lat"])
    assert pd.isna(r1["status_datum"])       # optional column missing -> NULL


@pytest.mark.parametrize("sep, encoding", [(";", "utf-8-sig"), (";", "utf-8"), (";", "cp1252"),
                                           (",", "utf-8-sig"), (",", "cp1252")])
def test_csv_separators_and_encodings(sep, encoding):
    g = lies("betriebe.csv", csv_bytes(KOPF, ZEILEN, sep, encoding))
    check_betriebe(g.frame)
    assert g.kopfzeile == 1 and g.warnungen == []


def test_header_spelling_variants_map_to_contract_names():
    kopf = ["Betrieb-ID", " NAME ", "Quartier", "Branche", "Gründung", "Migrantenökonomie",
            "Beschäftigte", "Status", "Lat", "LON"]
    g = lies("Betriebe Export 2018.csv", csv_bytes(kopf, ZEILEN))
    assert g.tabelle == "betriebe"
    check_betriebe(g.frame)
    assert normalise_header("Fläche m²") == "flaeche_m2"
    assert normalise_header("Straße\u00a0Nr") == "strasse_nr"


def test_title_row_above_header_in_csv_is_skipped_with_warning():
    g = lies("betriebe.csv", csv_bytes(KOPF, ZEILEN, titel="Betriebe; Stand 31.12.2018"))
    assert g.kopfzeile == 3 and g.frame.index.tolist() == [4, 5]
    check_betriebe(g.frame)
    assert [w.erwartet for w in g.warnungen] == [
        "Kopfzeile in Zeile 3 erkannt; die Zeilen darüber (z. B. ein Titel) werden übersprungen"]


def test_unknown_columns_are_ignored_with_a_warning_and_not_stored():
    kopf = KOPF + ["Bemerkung"]
    zeilen = [r + ["Inhaberin Frau Ö."] for r in ZEILEN]
    g = lies("betriebe.csv", csv_bytes(kopf, zeilen))
    assert "bemerkung" not in g.frame.columns
    [w] = g.warnungen
    assert (w.zeile, w.spalte, w.art) == (1, "Bemerkung", "Warnung")
    assert "gehört nicht zum Datenvertrag und wird ignoriert" in w.erwartet


def test_booleans_words_and_x_empty():
    kopf = ["betrieb_id", "name", "quartier", "branche", "gruendung", "migrantenoekonomie",
            "status"]
    werte = ["ja", "Nein", "J", "n", "1", "0", "TRUE", "false", "x", "X"]
    zeilen = [[f"B-{i}", "N", "Süd-Ost", "Handel", "01.01.2016", w, "aktiv"]
              for i, w in enumerate(werte)]
    g = lies("betriebe.csv", csv_bytes(kopf, zeilen))
    assert g.frame["migrantenoekonomie"].tolist() == [True, False, True, False, True, False,
                                                      True, False, True, True]


def test_values_match_regardless_of_case_and_unicode_form():
    zeilen = [["B-1", "N", unicodedata.normalize("NFD", "süd-ost"), "Handel", "01.01.2016",
               "ja", "", "AKTIV", "", ""]]
    g = lies("betriebe.csv", csv_bytes(KOPF, zeilen))
    assert g.frame.iloc[0]["quartier"] == "Süd-Ost" and g.frame.iloc[0]["status"] == "aktiv"


def test_blank_rows_are_skipped_but_excel_numbering_kept():
    data = csv_bytes(KOPF, [ZEILEN[0], [""] * len(KOPF), ZEILEN[1]])
    g = lies("betriebe.csv", data)
    assert g.frame.index.tolist() == [2, 4]


def test_header_only_is_a_warning():
    g = lies("betriebe.csv", csv_bytes(KOPF, []))
    assert len(g.frame) == 0
    assert [w.erwartet for w in g.warnungen] == ["Datei enthält keine Datenzeilen"]


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


EXCEL_ZEILEN = [["B-1", "Bäckerei Özdemir", "Süd-Ost", "Handwerk", dt.datetime(2016, 6, 1),
                 True, 3, "aktiv", 50.948, 11.058],
                ["B-2", "Café Müller", "Magdeburger Allee", "Gastronomie", D(2015, 3, 2),
                 "nein", 1250.0, "aktiv", None, None]]


def test_xlsx_with_date_cells_title_row_and_sheet_named_like_the_table():
    data = xlsx({"Hinweise": [["Bitte nicht ändern"]],
                 "Betriebe": [["Betriebe – Export"], [], KOPF, *EXCEL_ZEILEN]})
    [g] = lies_datei("betriebe_2018.xlsx", data)
    assert g.fehler == []
    assert g.datei == "betriebe_2018.xlsx (Blatt „Betriebe“)" and g.kopfzeile == 3
    check_betriebe(g.frame)
    assert g.frame.index.tolist() == [4, 5]


def test_xlsx_first_sheet_when_none_is_named_like_the_table():
    [g] = lies_datei("betriebe.xlsx", xlsx({"Tabelle1": [KOPF, *EXCEL_ZEILEN]}))
    assert g.fehler == [] and g.datei == "betriebe.xlsx"
    check_betriebe(g.frame)


def test_workbook_with_several_table_sheets():
    tn_kopf = ["tn_id", "quartier", "traeger", "geschlecht", "geburtsjahr", "alleinerziehend",
               "migrationshintergrund", "schutzsuchend", "langzeitarbeitslos", "zugangsweg",
               "erstkontakt"]
    tn = ["TN-1", "Süd-Ost", "KIK", "w", 1980, "nein", "nein", "nein", "ja", "Jobcenter",
          D(2016, 2, 1)]
    data = xlsx({"betriebe": [KOPF, *EXCEL_ZEILEN], "Teilnehmende": [tn_kopf, tn],
                 "Notizen": [["frei"]]})
    gelesen = lies_datei("export.xlsx", data)
    assert [(g.tabelle, g.zeilen, g.fehler) for g in gelesen] == [
        ("betriebe", 2, []), ("teilnehmende", 1, [])]
    assert gelesen[1].frame.iloc[0]["erstkontakt"] == D(2016, 2, 1)


def test_xlsx_stray_values_without_header_are_a_warning():
    rows = [KOPF, EXCEL_ZEILEN[0] + [None, "Notiz"], EXCEL_ZEILEN[1]]
    [g] = lies_datei("betriebe.xlsx", xlsx({"betriebe": rows}))
    assert g.fehler == []
    [w] = g.warnungen
    assert (w.zeile, w.spalte) == (2, "Spalte L") and "ohne Überschrift" in w.erwartet


def test_a_cell_with_a_line_break_keeps_excel_row_numbers():
    data = ("betrieb_id;name;quartier;branche;gruendung;migrantenoekonomie;status\n"
            'B-1;"Zwei\nZeilen";Süd-Ost;Handel;01.01.2016;ja;aktiv\n'
            "B-2;X;Süd-Ost;Handel;01.01.2016;ja;aktiv\n").encode()
    g = lies("betriebe.csv", data)
    assert g.frame.index.tolist() == [2, 3]
    assert g.frame.loc[2, "name"] == "Zwei\nZeilen"
