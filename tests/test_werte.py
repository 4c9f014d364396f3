"""Cell text -> value rules of biwaq.einlesen.werte, one kind at a time, with values worked out by hand."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from biwaq.einlesen.contract import TABLES, Column
from biwaq.einlesen.werte import lies_spalte, sichtbar, zeilen_text

HEUTE = dt.date(2026, 11, 29)


def spalte(werte, col: Column, table="leerstaende"):
    s = pd.Series(werte, index=range(2, 2 + len(werte)), dtype=object)
    return lies_spalte(s, col, TABLES[table], heute=HEUTE)


def test_sichtbar_names_every_hidden_character():
    assert sichtbar("Magdeburger\u00a0Allee") == "Magdeburger␣Allee (geschütztes Leerzeichen)"
    assert sichtbar("KIK\u200b") == "KIK¤ (Null-Breite-Leerzeichen)"
    assert sichtbar("a\x00b\x07") == "a␀b␇ (Steuerzeichen U+0000, Steuerzeichen U+0007)"
    assert sichtbar("Süd-Ost") == "Süd-Ost"


def test_zeilen_text_joins_runs():
    assert zeilen_text([3]) == "Zeile 3"
    assert zeilen_text([2, 3, 4, 7, 9, 10]) == "Zeilen 2–4, 7, 9–10"


@pytest.mark.parametrize("werte, erwartet, fehler", [
    (["85,5", "1.250"], [85.5, 1250.0], {}),                 # comma column: dot = thousands
    (["12.5", "1,250"], [12.5, 1250.0], {}),                 # point column: comma = thousands
    (["1.250,5", "3"], [1250.5, 3.0], {}),                   # German with decimals: certain
    (["1,250.5", "3"], [1250.5, 3.0], {}),                   # English with decimals: certain
    (["12.5", "1.250"], [12.5, None], {3: "mehrdeutig"}),    # 1.25 or 1250? refused
    (["1.250"], [None], {2: "mehrdeutig"}),                  # alone: refused
    (["85,5", "12.5", "1.250"], [85.5, 12.5, None], {4: "mehrdeutig"}),   # mixed column
    (["1,25"], [1.25], {}),                                  # plain decimal comma
    (["0,125", "0.5"], [0.125, 0.5], {}),                    # a leading 0 is no thousands group
    (["85,5", "1,250"], [85.5, 1.25], {}),                   # comma column: comma = decimal
    (["1,250"], [None], {2: "mehrdeutig"}),                  # alone: refused as well
    (["inf", "-inf", "NaN", "1e308"], [None] * 4,
     {2: "keine Zahl", 3: "keine Zahl", 4: "keine Zahl", 5: "unplausibel groß"}),
])
def test_thousands_separators_are_read_only_where_certain(werte, erwartet, fehler):
    sp = spalte(werte, TABLES["leerstaende"].column("flaeche_m2"))
    assert [None if pd.isna(v) else float(v) for v in sp.typed] == erwartet
    assert {r: t for r, (_, t) in sp.fehler.items()} .keys() == fehler.keys()
    for r, t in fehler.items():
        assert t in sp.fehler[r][1]


def test_a_coordinate_column_cannot_hold_thousands():
    sp = spalte(["50,99", "50.991"], TABLES["leerstaende"].column("lat"))
    assert list(sp.typed) == [50.99, 50.991] and sp.fehler == {} and sp.hinweise == []


def test_percent_text_in_a_percent_column_is_the_shown_value():
    sp = spalte(["18,1 %", "7,4%"], TABLES["stadtteile"].column("sgb2_quote"), "stadtteile")
    assert list(sp.typed) == [18.1, 7.4] and sp.fehler == {}


@pytest.mark.parametrize("wert, teil", [
    ("01.01.1900", "Platzhalter"), ("00.00.0000", "Platzhalter"), ("31.12.9999", "Platzhalter"),
    ("9999-12-31", "Platzhalter"), ("1900-01-01", "Platzhalter"), ("30.12.1899", "Platzhalter"),
    ("01.01.0001", "Platzhalter"), ("0000-00-00", "Platzhalter"),
    ("01.03.16", "gemeint 01.03.2016?"), ("1.3.99", "gemeint 01.03.1999?"),
    ("42430", "42430 = 01.03.2016"), ("42430,0", "42430 = 01.03.2016"),
    ("2016", "nur ein Jahr"), ("31.12.2999", "außerhalb des plausiblen Zeitraums 01.01.2008–"
                                             "30.11.2027"),   # 29.11.2026 + 366 days
    ("14.07.2007", "außerhalb"), ("31.02.2016", "diesen Tag gibt es nicht"),
])
def test_date_variants_are_refused_in_their_own_column(wert, teil):
    sp = spalte(["01.03.2016", wert], TABLES["teilnehmende"].column("austritt"), "teilnehmende")
    assert sp.typed[2] == dt.date(2016, 3, 1) and sp.typed[3] is None
    assert teil in sp.fehler[3][1]


def test_plausible_windows_differ_by_column():
    betriebe = TABLES["betriebe"]
    assert spalte(["15.03.1890"], betriebe.column("gruendung"), "betriebe").fehler == {}
    assert spalte(["15.03.1960"], TABLES["leerstaende"].column("leer_seit")).fehler == {}
    assert 2 in spalte(["15.03.1940"], TABLES["leerstaende"].column("leer_seit")).fehler
    assert spalte(["31.12.2030"], TABLES["ziele"].column("bis"), "ziele").fehler == {}
    assert 2 in spalte(["31.12.2101"], TABLES["ziele"].column("bis"), "ziele").fehler


def test_x_column_empty_means_no_even_when_required():
    col = TABLES["teilnehmende"].column("alleinerziehend")
    sp = spalte(["x", "", "X", ""], col, "teilnehmende")
    assert list(sp.typed) == [True, False, True, False]
    [h] = sp.hinweise
    assert h.rows == [3, 5] and h.meldung().startswith("Zeilen 3, 5: leere Zellen als „nein“")
    # a column that also uses "nein" keeps an empty cell empty (the required check refuses it)
    sp = spalte(["x", "", "nein"], col, "teilnehmende")
    assert pd.isna(sp.typed[3]) and sp.hinweise == []


def test_value_list_with_hidden_characters_is_normalised_or_refused_visibly():
    col = TABLES["teilnehmende"].column("traeger")
    sp = spalte(["\u200bKIK", "Eura\u00adtibor", "KI\u00a0K"], col, "teilnehmende")
    assert list(sp.typed) == ["KIK", "Euratibor", None]
    assert sp.fehler[4] == ("KI␣K (geschütztes Leerzeichen)", "erwartet: einer von KIK, Euratibor")
    assert [h.rows for h in sp.hinweise] == [[2, 3]]


def test_free_text_keeps_line_breaks_and_gets_spaces_normalised():
    col = TABLES["betriebe"].column("name")
    sp = spalte(["Zwei\nZeilen", "Café\u00a0Müller", "Ab\x00c"], col, "betriebe")
    assert list(sp.typed) == ["Zwei\nZeilen", "Café Müller", None]
    assert "Steuerzeichen" in sp.fehler[4][1]


def test_excel_error_values_are_refused_with_their_own_message():
    sp = spalte(["#DIV/0!", "#NV"], TABLES["stadtteile"].column("einwohner"), "stadtteile")
    assert all("Formelfehler" in t for _, t in sp.fehler.values()) and len(sp.fehler) == 2


def test_a_business_outside_erfurt_is_stored_with_a_warning_naming_its_rows():
    """The contract requires vacancies in Erfurt (refused, see bad_files/leerstaende_werte.csv)
    but not businesses: Berlin (52,52 / 13,40) and Hamburg are stored, with one warning."""
    from biwaq.einlesen.fileio import lies_datei

    kopf = "betrieb_id;name;quartier;branche;gruendung;migrantenoekonomie;status;lat;lon\n"
    zeilen = ["B-1;A;Süd-Ost;Handel;01.03.2016;nein;aktiv;52,52;13,40",
              "B-2;B;Süd-Ost;Handel;01.03.2016;nein;aktiv;50,95;11,04",
              "B-3;C;Süd-Ost;Handel;01.03.2016;nein;aktiv;53,55;9,99"]
    [g] = lies_datei("betriebe.csv", (kopf + "\n".join(zeilen) + "\n").encode())
    assert g.fehler == [] and list(g.frame["lat"]) == [52.52, 50.95, 53.55]
    assert [str(w) for w in g.warnungen] == [
        "betriebe.csv, Zeile 2, Spalte „lat, lon“: Wert „52,52 / 13,4“ – Zeilen 2, 4: Position "
        "liegt nicht in Erfurt – bitte prüfen (gespeichert; die Datenqualität meldet sie als "
        "Regel Q22)"]
