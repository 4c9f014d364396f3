"""Downloads: file names (page, title, filters, data date; never the same name for different
filters), XLSX layout (table from A1 on "Daten", filters on "Filter"), German CSV formats."""
from __future__ import annotations

import datetime as dt
import io
import itertools

import pandas as pd
import pytest

from biwaq.app import export
from biwaq.einlesen.contract import TRAEGER, ZIELGRUPPEN
from biwaq.speicher.filters import Filter

D = dt.date


def test_file_name_worked_out_by_hand():
    text = ("Quartier: Süd-Ost · Zeitraum: 01.01.2016 – 31.12.2016 · Träger: alle · "
            "Zielgruppe: Alleinerziehende")
    assert export.dateiname("Eintritte je Quartal", "csv", "Übersicht", text, "31.12.2018") == (
        "biwaq_uebersicht_eintritte_je_quartal_sued_ost_2016-01-01_bis_2016-12-31_"
        "alleinerziehende_stand_2018-12-31.csv")
    # filters left at "beide"/"alle" are not named; the data date may be ISO or a date
    alle = "Quartier: beide · Zeitraum: 01.10.2015 – 31.12.2018 · Träger: alle"
    assert export.dateiname("ESF+-Indikatoren", "xlsx", "ESF+-Indikatoren", alle,
                            D(2018, 12, 31)) == (
        "biwaq_esf_indikatoren_esf_indikatoren_2015-10-01_bis_2018-12-31_stand_2018-12-31.xlsx")
    assert export.dateiname("Titel", "csv") == "biwaq_titel.csv"       # old call still works


def test_different_shared_filters_never_share_a_file_name():
    perioden = [(D(2015, 10, 1), D(2018, 12, 31)), (D(2016, 1, 1), D(2016, 12, 31)),
                (D(2016, 1, 1), D(2016, 12, 30)), (D(2017, 1, 1), D(2016, 12, 31))]
    namen, texte = {}, set()
    for q, t, z, (von, bis) in itertools.product(
            [None, "Magdeburger Allee", "Süd-Ost"], [None, *TRAEGER], [None, *ZIELGRUPPEN],
            perioden):
        text = Filter(quartier=q, traeger=t, zielgruppe=z, von=von, bis=bis).beschreibung()
        texte.add(text)
        name = export.dateiname("Eintritte und Vermittlungen je Quartal", "csv", "Übersicht",
                                text, "2018-12-31")
        assert name.isascii() and " " not in name and len(name) <= export.MAX_DATEINAME
        assert namen.setdefault(name, text) == text, f"{name}: {text} / {namen[name]}"
    assert len(namen) == len(texte) == 3 * (len(TRAEGER) + 1) * (len(ZIELGRUPPEN) + 1) * 4


def test_long_filter_texts_are_cut_but_stay_distinct():
    a = "Suche: " + "Ladenlokal, Büro, Gastronomie, " * 10 + "ab 50 m²"
    b = "Suche: " + "Ladenlokal, Büro, Gastronomie, " * 10 + "ab 60 m²"
    na = export.dateiname("Räume finden", "csv", "Leerstand", a, "2018-12-31")
    nb = export.dateiname("Räume finden", "csv", "Leerstand", b, "2018-12-31")
    assert na != nb
    assert len(na) == len(nb) == export.MAX_DATEINAME
    assert na.endswith("_stand_2018-12-31.csv") and na.startswith("biwaq_leerstand_raeume_")


@pytest.fixture
def tabelle() -> pd.DataFrame:
    return pd.DataFrame({
        "Quartal": ["Q4/2015", "Q1/2016"],
        "Eintritte": [3, 21],
        "Datum": pd.to_datetime(["2018-12-31", "2016-03-31"]),
        "Quote": [107.6, 12.5],
    })


def test_xlsx_table_starts_in_a1_and_filters_are_on_their_own_sheet(tabelle):
    raw = export.to_xlsx(tabelle, "Eintritte je Quartal", "Quartier: Süd-Ost", "31.12.2018")
    back = pd.read_excel(io.BytesIO(raw))                   # no skiprows, first sheet
    pd.testing.assert_frame_equal(back, tabelle, check_dtype=False)
    blaetter = pd.read_excel(io.BytesIO(raw), sheet_name=None, header=None)
    assert list(blaetter) == ["Daten", "Filter"]
    assert blaetter["Filter"][0].tolist() == ["BIWAQ Erfurt – Eintritte je Quartal",
                                              "Filter: Quartier: Süd-Ost",
                                              "Datenstand: 31.12.2018"]


def test_csv_writes_german_formats_worked_out_by_hand():
    df = pd.DataFrame({
        "Stichtag": [D(2018, 12, 31), None],                          # object column of dates
        "Zeitpunkt": pd.to_datetime(["2018-12-31", None]),             # datetime64 with NaT
        "Import": pd.to_datetime(["2018-12-31 14:05", "2019-01-02 08:00"]),
        "Anteil": [107.6, None],                                       # float column
        "Gemischt": ["a", 107.6],                                      # float inside text
        "Aktiv": [True, False],
        "Name": ["Süd-Ost", None],
    })
    text = export.to_excel_csv(df, "Tabelle", "Quartier: beide", "31.12.2018")
    assert text.startswith(b"\xef\xbb\xbf")
    zeilen = text.decode("utf-8-sig").splitlines()
    assert zeilen[:4] == ["BIWAQ Erfurt – Tabelle", "Filter: Quartier: beide",
                          "Datenstand: 31.12.2018", ""]
    assert zeilen[4:] == [
        "Stichtag;Zeitpunkt;Import;Anteil;Gemischt;Aktiv;Name",
        "31.12.2018;31.12.2018;31.12.2018 14:05;107,6;a;ja;Süd-Ost",
        ";;02.01.2019 08:00;;107,6;nein;",
    ]
    for falsch in ("2018-12-31", "00:00:00", "None", "nan", "NaT", "107.6", "True"):
        assert falsch not in "\n".join(zeilen[4:])


def test_xlsx_gets_numbers_percentages_and_dates_back_from_display_texts():
    """Attacker test 29.11.2026: the on-track table's XLSX had '106,0 %' and '31.12.2018' as
    text, the report's ESF+ sheet '773'. Display texts become numbers/dates with the format
    shown; anything that is not exactly such a text stays text (years, ids, mixed decimals)."""
    import datetime as dt
    import openpyxl
    from biwaq.app import export
    df = pd.DataFrame({
        "Ziel": ["Eintritte", "Vermittlungen"],
        "Erreicht": ["1.234", "773"],
        "Quote": ["106,0\u00a0%", "99,6\u00a0%"],
        "Bis": ["31.12.2018", "–"],
        "Jahr": ["2015", "2016"],                 # no thousands separator: not our number text
        "Nummer": ["00123", "12"],                # leading zero: an id, stays text
        "Wert": ["1,5", "2,25"],                  # decimals differ: stays text
        "Anteil": ["12,5", "0,0"],
    })
    typ, formate = export.xlsx_typisiert(df)
    assert typ["Erreicht"].tolist() == [1234, 773] and formate["Erreicht"] == "#,##0"
    assert typ["Quote"].tolist() == pytest.approx([1.06, 0.996])
    assert formate["Quote"] == "0.0 %"
    assert typ["Bis"].tolist()[0] == dt.datetime(2018, 12, 31) and typ["Bis"].tolist()[1] is None
    assert typ["Anteil"].tolist() == [12.5, 0.0] and formate["Anteil"] == "#,##0.0"
    for c in ("Ziel", "Jahr", "Nummer", "Wert"):
        assert typ[c].tolist() == df[c].tolist() and c not in formate
    wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(df, "Ziele", "alle")))
    ws = wb[export.BLATT_DATEN]
    kopf = [c.value for c in ws[1]]
    zeile = {k: c for k, c in zip(kopf, ws[2])}
    assert zeile["Erreicht"].value == 1234 and zeile["Erreicht"].number_format == "#,##0"
    assert zeile["Quote"].value == pytest.approx(1.06)
    assert zeile["Quote"].number_format == "0.0 %"
    assert zeile["Bis"].value == dt.datetime(2018, 12, 31)
    assert zeile["Bis"].number_format == "dd.mm.yyyy"
    assert zeile["Jahr"].value == "2015" and zeile["Nummer"].value == "00123"


def test_report_xlsx_tables_start_in_a1_with_a_filter_sheet():
    """Issue 15: each report table from A1 (reads back without skipping), filters on their own
    sheet; comments stay text even when they look like numbers."""
    import openpyxl
    from biwaq.app import bericht
    tabellen = {"ESF+-Indikatoren": pd.DataFrame({"Indikator": ["Teilnehmende"],
                                                  "Insgesamt": ["773"]}),
                "Kommentare": pd.DataFrame({"Text": ["12"]})}
    data = bericht.xlsx_bytes(tabellen, "Bericht", "Quartier: beide", "31.12.2018",
                              als_text=("Kommentare",))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["ESF+-Indikatoren", "Kommentare", "Filter"]
    esf = wb["ESF+-Indikatoren"]
    assert [c.value for c in esf[1]] == ["Indikator", "Insgesamt"]
    assert esf["B2"].value == 773
    assert wb["Kommentare"]["A2"].value == "12"
    filt = [r[0].value for r in wb["Filter"].iter_rows()]
    assert filt[:3] == ["BIWAQ Erfurt – Bericht", "Filter: Quartier: beide",
                        "Datenstand: 31.12.2018"]
