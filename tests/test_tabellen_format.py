"""Issue 15: German formats in every table on every page.

Every page of the internal dashboard is opened in every role that may see it (AppTest,
demo database with a publication), and so is the public app. Every table it shows
(st.dataframe and st.table) is checked as the browser would draw it:

- text cells: no ISO timestamp („2018-12-31 00:00:00“), no „None“, „nan“, „NaT“, „<NA>“,
  no number with a decimal point („107.6“, „0.25 %“);
- a missing value is drawn with a placeholder other than Streamlit's „None“;
- date columns carry a German date format (TT.MM.JJJJ), decimal columns and whole-number
  columns with values of 1.000 or more a German number format („localized“ or „percent“);
  years (whole numbers 1900–2100) may stay as they are.
"""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from test_auth import als_rolle
from test_klartext import (FAELLE, mit_veroeffentlichung,  # noqa: F401 – same pages, roles
                           oeffentliche_app)

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
LEER_WORTE = {"None", "none", "nan", "NaN", "NaT", "<NA>", "null"}
DATUM = re.compile(r"\b\d{1,2}\.\d{1,2}\.(\d{4}|\d{2})?")
DEZIMALPUNKT = re.compile(r"(?<![\d.])\d+\.\d{1,2}(?![\d.])|(?<![\d.])0\.\d+")


def text_fehler(wert: str) -> str | None:
    """Why a text cell is not German-formatted, or None."""
    w = wert.strip()
    if w in LEER_WORTE:
        return "leerer Wert als Wort"
    if ISO.search(w):
        return "ISO-Datum"
    if DEZIMALPUNKT.search(DATUM.sub("", w)):
        return "Dezimalpunkt"
    return None


def test_the_text_check_catches_what_the_issue_saw():
    assert text_fehler("2018-12-31 00:00:00") == "ISO-Datum"
    assert text_fehler("None") and text_fehler("nan") and text_fehler("NaT")
    assert text_fehler("107.6") == "Dezimalpunkt" and text_fehler("0.25 %") == "Dezimalpunkt"
    for gut in ("107,6 %", "1.234", "31.12.2018", "Q4/2015", "2015 Q4", "Am Herrenberg 34",
                "45–75 m²", "86 % (55–96 %)", "12.500 m²", "01.10.2015 12:30:00"):
        assert text_fehler(gut) is None, gut


def _ist_jahr(s: pd.Series) -> bool:
    werte = s.dropna()
    return len(werte) > 0 and pd.api.types.is_integer_dtype(s) and werte.between(1900, 2100).all()


def tabellen_fehler(at: AppTest) -> list[str]:
    """Every formatting fault of every table on the page, as „key/Spalte: Grund (Wert)“."""
    fehler = []
    for d in at.dataframe:
        df = d.value
        cfg = json.loads(d.proto.columns) if d.proto.columns else {}
        name = d.proto.id.split("-")[-1][:40] or "?"
        if df.isna().any().any() and d.proto.placeholder in ("", "None"):
            fehler.append(f"{name}: fehlende Werte erscheinen als „None“")
        for c in df.columns:
            s = df[c]
            typ = cfg.get(str(c), {}).get("type_config", {})
            if pd.api.types.is_datetime64_any_dtype(s):
                if typ.get("type") not in ("date", "datetime") or \
                        not str(typ.get("format", "")).startswith("DD.MM.YYYY"):
                    fehler.append(f"{name}/{c}: Datum ohne deutsches Format")
            elif pd.api.types.is_bool_dtype(s):
                fehler.append(f"{name}/{c}: Wahrheitswert statt ja/nein")
            elif pd.api.types.is_numeric_dtype(s):
                braucht = (pd.api.types.is_float_dtype(s) and not _ist_ganz(s)) or \
                          (s.dropna().abs().ge(1000).any() and not _ist_jahr(s))
                if braucht and typ.get("format") not in ("localized", "percent"):
                    fehler.append(f"{name}/{c}: Zahl ohne deutsches Format")
            else:
                for w in s.dropna().astype(str).unique()[:500]:
                    grund = text_fehler(w)
                    if grund:
                        fehler.append(f"{name}/{c}: {grund} ({w[:40]})")
                        break
    for t in at.table:
        for c in t.value.columns:
            for w in t.value[c].dropna().astype(str).unique():
                grund = text_fehler(w)
                if grund:
                    fehler.append(f"Tabelle/{c}: {grund} ({w[:40]})")
                    break
    return fehler


def _ist_ganz(s: pd.Series) -> bool:
    werte = s.dropna()
    return bool((werte == werte.round()).all()) and not werte.abs().ge(1000).any()


@pytest.mark.parametrize("rolle,spec", FAELLE, ids=[f"{r}-{p.url}" for r, p in FAELLE])
def test_every_table_on_every_page_is_german(rolle, spec, mit_veroeffentlichung):
    at = als_rolle(rolle, spec.path)
    fehler = tabellen_fehler(at)
    assert not fehler, fehler


def test_every_table_of_the_public_app_is_german(oeffentliche_app):
    at = oeffentliche_app
    assert len(at.dataframe) >= 3
    assert not tabellen_fehler(at)


def test_the_walk_would_catch_a_table_in_english_formats(demo_env, monkeypatch):
    """The same walk on a page whose table is drawn without the German formatter fails."""
    import streamlit as st
    from biwaq.app import ui

    def roh(fig, table, titel, key, filt=None, zusammenfassung=None, prozent=(), roh=()):
        st.dataframe(table.assign(Datum=pd.Timestamp("2018-12-31"), Text="107.6"),
                     hide_index=True, key=f"{key}_table")
    monkeypatch.setattr(ui, "chart_block", roh)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    at.switch_page("pages/teilnehmende/zielgruppen.py").run()
    fehler = " ".join(tabellen_fehler(at))
    assert "Datum ohne deutsches Format" in fehler and "Dezimalpunkt (107.6)" in fehler
