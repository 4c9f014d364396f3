"""XLSX cells stored as Excel shows them (number formats, date and WAHR/FALSCH cells in text
columns; biwaq.einlesen.zellformat). Every file is built here with openpyxl; the expected
texts are worked out by hand from Excel's display rules."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from biwaq.einlesen.fileio import lies_datei
from biwaq.einlesen.zellformat import datum_anzeige, zahl_general, zahl_nullen

KOPF = ["tn_id", "quartier", "stadtteil", "traeger", "geschlecht", "geburtsjahr",
        "alleinerziehend", "migrationshintergrund", "schutzsuchend", "langzeitarbeitslos",
        "sgb2_bezug", "bildungsniveau", "zugangsweg", "erstkontakt", "eintritt", "austritt",
        "austrittsgrund"]
ZEILE = ["TN-1", "Süd-Ost", "Herrenberg", "KIK", "w", 1980, "nein", "ja", "nein", "nein", "ja",
         "ISCED 0-2", "Jobcenter", dt.date(2018, 3, 5), dt.date(2018, 3, 10), None, None]
SPALTE = {n: chr(65 + i) for i, n in enumerate(KOPF)}


def mappe(zellen: dict[str, tuple], zeilen: int = 1) -> bytes:
    """A teilnehmende workbook with `zeilen` rows; `zellen` {'tn_id2': (value, format)}."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "teilnehmende"
    ws.append(KOPF)
    for i in range(zeilen):
        ws.append([f"TN-{i + 1}", *ZEILE[1:]])
    for ort, (wert, fmt) in zellen.items():
        name, zeile = ort.rstrip("0123456789"), ort[len(ort.rstrip("0123456789")):]
        c = ws[f"{SPALTE[name]}{zeile}"]
        c.value = wert
        if fmt:
            c.number_format = fmt
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def lies(zellen, zeilen=1):
    [g] = lies_datei("teilnehmende.xlsx", mappe(zellen, zeilen))
    return g


def fehler(g):
    return [str(f) for f in g.fehler]


# --- numbers in text columns ----------------------------------------------------------------

@pytest.mark.parametrize("wert, fmt, gezeigt", [
    (123, "00000", "00123"),          # Excel: 00123
    (123.0, "00000", "00123"),
    (12.5, "000", "013"),             # rounded half away from zero, then padded
    (-7, "000", "-007"),
    (123456, "000", "123456"),        # wider than the format: all digits
    (123, "General", "123"),
    (123, "@", "123"),                # text format on a number cell: shown as General
    (0.1 + 0.2, "General", "0,3"),    # Excel keeps 15 significant digits
    (85.5, "General", "85,5"),
])
def test_number_in_text_column_is_stored_as_excel_shows_it(wert, fmt, gezeigt):
    g = lies({"tn_id2": (wert, fmt)})
    assert fehler(g) == []
    assert g.frame.at[2, "tn_id"] == gezeigt


def test_number_with_other_format_in_text_column_is_refused_naming_the_format():
    g = lies({"tn_id2": (1234, "#,##0.00")})
    assert fehler(g) == [
        "teilnehmende.xlsx, Zeile 2, Spalte „tn_id“: Wert „1234“ – Zahl mit dem Zahlenformat "
        "„#,##0.00“ in einer Textspalte – wie Excel sie anzeigt, lässt sich nicht sicher "
        "bestimmen (gespeichert ist die Zahl 1234); bitte die Spalte als Text formatieren und "
        "den Wert so eintragen, wie er gespeichert werden soll"]


def test_percent_formatted_number_in_text_column_is_refused_not_a_note():
    g = lies({"stadtteil2": (0.181, "0.0%")})
    assert [f.erwartet.split(" – ")[0] for f in g.fehler] == [
        "Zahl mit dem Zahlenformat „0.0%“ in einer Textspalte"]
    assert g.fehler[0].wert == "0,181"
    assert not any("Prozent" in w.erwartet for w in g.warnungen)


def test_long_number_under_general_in_text_column_is_refused():
    # 123456789012 (12 digits): Excel's General shows 1,23457E+11 in a standard column
    g = lies({"tn_id2": (123456789012, None)})
    assert [(f.zeile, f.spalte, f.wert) for f in g.fehler] == [(2, "tn_id", "123456789012")]
    assert g.fehler[0].erwartet.startswith("Zahl in einer Textspalte, die Excel je nach "
                                           "Spaltenbreite gerundet oder als Exponentialzahl")


def test_numbers_in_number_columns_keep_their_value_whatever_the_format():
    g = lies({"geburtsjahr2": (1980, "00000")})
    assert fehler(g) == [] and g.frame.at[2, "geburtsjahr"] == 1980


# --- date and WAHR/FALSCH cells -------------------------------------------------------------

@pytest.mark.parametrize("spalte, fmt, gezeigt", [
    ("tn_id", "DD.MM.YYYY", "01.03.2018"),
    ("stadtteil", "D. MMM", "1. Mrz"),            # Excel's auto-conversion of '1-3'
    ("tn_id", "mm-dd-yy", "01.03.2018"),          # built-in short date: German system date
    ("quartier", "[$-407]MMMM YYYY", "März 2018"),
])
def test_date_cell_in_text_column_is_refused_as_shown(spalte, fmt, gezeigt):
    g = lies({f"{spalte}2": (dt.datetime(2018, 3, 1), fmt)})
    assert fehler(g) == [
        f"teilnehmende.xlsx, Zeile 2, Spalte „{spalte}“: Wert „{gezeigt}“ – Datum in einer "
        "Textspalte – Excel hat den Eintrag vermutlich als Datum umgewandelt; bitte die Spalte "
        "als Text formatieren und den Wert neu eintragen"]
    assert g.frame.at[2, spalte] is None


def test_date_cell_in_number_column_is_quoted_as_excel_shows_it():
    g = lies({"geburtsjahr2": (dt.datetime(2018, 3, 1), "DD.MM.YYYY")})
    assert fehler(g) == ["teilnehmende.xlsx, Zeile 2, Spalte „geburtsjahr“: Wert „01.03.2018“ "
                         "– erwartet: ganze Zahl"]


def test_boolean_cell_in_text_column_is_refused():
    g = lies({"tn_id2": (True, None)})
    assert fehler(g) == ["teilnehmende.xlsx, Zeile 2, Spalte „tn_id“: Wert „WAHR“ – "
                         "Wahrheitswert (WAHR/FALSCH) in einer Textspalte – bitte den Wert als "
                         "Text eintragen"]


def test_all_refused_cells_are_reported_also_beyond_the_header_search_rows():
    # rows 2 (inside the first 30 rows, read before the header is known) and 40 (after)
    g = lies({"tn_id2": (dt.datetime(2018, 3, 1), "DD.MM.YYYY"), "tn_id40": (7, "000")},
             zeilen=45)
    assert [(f.zeile, f.wert) for f in g.fehler] == [(2, "01.03.2018")]
    assert g.frame.at[40, "tn_id"] == "007"


def test_date_cells_in_date_columns_are_unchanged():
    g = lies({"eintritt2": (dt.datetime(2018, 3, 10, 23, 0), "DD.MM.YYYY")})
    assert fehler(g) == [] and g.frame.at[2, "eintritt"] == dt.date(2018, 3, 10)


# --- the renderers --------------------------------------------------------------------------

def test_renderers_by_hand():
    assert zahl_nullen(2.5, "00") == "03" and zahl_nullen(-2.5, "00") == "-03"
    assert zahl_nullen(5, "0.00") is None and zahl_nullen(5, '"A"000') is None
    assert zahl_general(99_999_999_999) == "99999999999" and zahl_general(1e11) is None
    assert zahl_general(1 / 3) is None                     # width decides the digits
    d = dt.datetime(2018, 3, 1, 14, 5, 9)
    assert datum_anzeige(d, "DD.MM.YY hh:mm:ss") == "01.03.18 14:05:09"
    assert datum_anzeige(d, "dddd, d. mmmm yyyy") == "Donnerstag, 1. März 2018"
    assert datum_anzeige(d, "h:mm AM/PM") == "2:05 PM"
    assert datum_anzeige(dt.date(2018, 10, 9), "MMM") == "Okt"


# --- hidden rows and columns ----------------------------------------------------------------

def mappe_ausgeblendet(zeilen: list[int], spalten: list[str], filter_: bool = False) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "teilnehmende"
    ws.append(KOPF)
    for i in range(4):
        ws.append([f"TN-{i + 1}", *ZEILE[1:]])
    for r in zeilen:
        ws.row_dimensions[r].hidden = True
    for c in spalten:
        ws.column_dimensions[c].hidden = True
    if filter_:
        ws.auto_filter.ref = "A1:Q5"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_hidden_rows_are_read_with_a_note_naming_them():
    [g] = lies_datei("teilnehmende.xlsx", mappe_ausgeblendet([3, 4], [], filter_=True))
    assert g.fehler == [] and g.frame.index.tolist() == [2, 3, 4, 5]
    assert [str(w) for w in g.warnungen] == [
        "teilnehmende.xlsx, Zeile 3: Zeilen 3–4: in Excel ausgeblendet (z. B. durch einen "
        "Filter) – trotzdem eingelesen; bitte prüfen, ob die Zeilen zur Lieferung gehören"]
    assert {w.art for w in g.warnungen} == {"Hinweis"}


def test_one_hidden_row_and_hidden_columns():
    [g] = lies_datei("teilnehmende.xlsx", mappe_ausgeblendet([5], ["C", "F"]))
    assert g.fehler == [] and g.frame.at[5, "stadtteil"] == "Herrenberg"
    assert [str(w) for w in g.warnungen] == [
        "teilnehmende.xlsx, Zeile 1, Spalte „stadtteil, geburtsjahr“: Spalten in Excel "
        "ausgeblendet (Spalten C, F) – trotzdem eingelesen; bitte prüfen, ob die Werte stimmen",
        "teilnehmende.xlsx, Zeile 5: in Excel ausgeblendet (z. B. durch einen Filter) – "
        "trotzdem eingelesen; bitte prüfen, ob sie zur Lieferung gehört"]


def test_hidden_empty_rows_and_columns_outside_the_table_give_no_note():
    [g] = lies_datei("teilnehmende.xlsx", mappe_ausgeblendet([9], ["T"]))
    assert g.fehler == [] and g.warnungen == []
