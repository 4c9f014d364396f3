"""Column widths from the longest text (biwaq.app.spalten, issue 15): measured with the font
the table draws with, checked against values worked out by hand and measured in Chromium."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from biwaq.app import spalten as sp
from biwaq.zahlen import oekonomie as oek


@pytest.mark.parametrize("text, chromium_px", [
    # measured by tests/abgeschnitten.js in Chromium (canvas measureText, 14px "Source Sans")
    ("Wiesenhügeler Straße 32b", 152), ("in Vermarktung", 90), ("Gewerbeeinheit", 93),
    ("Kreativwirtschaft", 99)])
def test_text_width_is_what_chromium_draws(text, chromium_px):
    assert sp.textbreite(text) == pytest.approx(chromium_px, abs=1.0)


def test_header_is_measured_bold():
    assert sp.textbreite("Gewerbeeinheit", fett=True) > sp.textbreite("Gewerbeeinheit") + 2


def test_column_width_is_the_widest_text_plus_padding():
    s = pd.Series(["Brachfläche", "Gewerbeeinheit", None])
    # widest: "Gewerbeeinheit" (92.9 px) > header "Art" (bold, 18.1 px) > "–" (missing)
    erwartet = math.ceil(sp.textbreite("Gewerbeeinheit") + sp.ZELLE_RAND_PX + sp.SICHERHEIT_PX)
    assert erwartet == 113
    assert sp.breite_noetig(s, "Art") == 113
    # a long header wins over short cells
    kopf = sp.textbreite("Monate leer (Stichtag)", fett=True)
    assert sp.breite_noetig(pd.Series([1.5, 2.0]), "Monate leer (Stichtag)") == \
        math.ceil(kopf + sp.ZELLE_RAND_PX + sp.SICHERHEIT_PX)


def test_shown_texts_are_german():
    assert sp.anzeige_texte(pd.Series([5, 1234])) == ["5", "1.234"]
    assert sp.anzeige_texte(pd.Series([50.977123]), {"type_config": {"step": 1e-6}}) \
        == ["50,977123"]
    # decimals unknown: the widest case (4) is measured
    assert sp.anzeige_texte(pd.Series([12.5, None, 3.0])) == ["–", "3,0000", "12,5000"]
    assert sp.anzeige_texte(pd.Series([12600.0, 3.0])) == ["3", "12.600"]
    assert sp.anzeige_texte(pd.Series(pd.to_datetime(["2018-12-31"]))) == ["00.00.0000"]
    assert sp.anzeige_texte(pd.Series(["kurz", "viel länger"]))[0] == "viel länger"


def test_wrapped_lines_by_hand():
    # column 120 px: 100 px for text. "aaaaaaa" = 49.44 px, a space 2.80 px:
    # two words 101.7 px > 100 -> 2 lines; "aaaaaa" = 42.38 px: 87.5 px -> 1 line
    assert sp.textbreite("aaaaaaa") == pytest.approx(49.44, abs=0.01)
    assert sp.zeilen_noetig("aaaaaaa aaaaaaa", 120) == 2
    assert sp.zeilen_noetig("aaaaaa aaaaaa", 120) == 1
    assert sp.zeilen_noetig("aaaaaaa aaaaaaa aaaaaaa", 120) == 3


def test_wide_table_wraps_its_long_column_and_fits():
    lang = "; ".join(f"Ilversgehofener Platz {i} (136 m²)" for i in range(3))
    t = pd.DataFrame({"Gesuch": ["G-0001", "G-0002"], "Art": ["Ladenlokal", "Büro"],
                      "Objekte": [lang, "Am Wiesenhügel 9 (52 m²)"]})
    breite, hoehe = sp.breiten(t, {}, umbruch=("Objekte",), breite_px=400)
    assert sum(breite.values()) <= 400
    assert breite["Gesuch"] == sp.breite_noetig(t["Gesuch"], "Gesuch")
    zeilen = sp.zeilen_noetig(lang, breite["Objekte"])
    assert zeilen >= 3 and hoehe == max(sp.UMBRUCH_MIN_PX, zeilen * sp.UMBRUCH_ZEILE_PX + 8)
    # a table that fits keeps one line per row and natural widths
    breite, hoehe = sp.breiten(t, {}, umbruch=("Objekte",), breite_px=2000)
    assert hoehe is None and breite["Objekte"] == sp.breite_noetig(t["Objekte"], "Objekte")


def test_only_shown_columns_are_sized():
    t = pd.DataFrame({"a": ["x"], "b": ["y" * 200]})
    breite, _ = sp.breiten(t, {}, spalten=["a"])
    assert list(breite) == ["a"]


def test_units_table_names_at_most_namen_requests():
    angebote = pd.DataFrame({"objekt_id": ["L1"], "adresse": ["Am Anger 1"],
                             "stadtteil": ["Altstadt"], "art": ["Büro"], "flaeche_m2": [80.0],
                             "status": ["leer"], "passende_gesuche": [5],
                             "gesuche": [["G1", "G2", "G3", "G4"]]})
    assert oek.angebote_tabelle_gezaehlt(angebote)["Gesuche"][0] == \
        "G1, G2, G3, G4 … und 1 weitere"
    assert oek.angebote_tabelle_gezaehlt(angebote, namen=2)["Gesuche"][0] == \
        "G1, G2 … und 3 weitere"
