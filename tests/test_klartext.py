"""Issue 15, plain German: no page shows end users developer talk — no "siehe README", no
command lines, no "MILP, HiGHS, scipy" — except inside an expandable „Methodik“ note.

Every internal page (AppTest, local mode = role `steuerung`, demo database with a publication)
and the public app are walked element by element; every string field of every element's
protobuf (text, labels, help texts, captions, alerts) is checked, skipping only what sits in an
expander whose label starts with „Methodik“."""
from __future__ import annotations

import json
import re

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Expander

from biwaq.oeffentlich import publish
from biwaq.app.registry import PAGES, ROLLEN
from conftest import ROOT
from test_auth import als_rolle

ENTWICKLERSPRACHE = re.compile(
    r"README|python -m|streamlit run|Kommandozeile|\bMILP\b|HiGHS|scipy|linprog"
    # statistics jargon: method names belong in the „Methodik“ notes (issue 15)
    r"|Kaplan|Aalen|Johansen|zensier|Inzidenz|kumulativ|Greenwood"
    # developer talk: query language, empty values as code writes them, command-line flags
    r"|\bSQL\b|\bNULL\b|\bNone\b|\bNaN\b|\bNaT\b|DuckDB|(?<![\w-])--[a-z]", re.I)


def test_the_word_list_catches_what_the_issue_names():
    for schlecht in ("kumulative Inzidenz", "Aalen–Johansen-Schätzer", "zensiert",
                     "Kaplan–Meier", "Befehl: --demo-entfernen", "Wert: None", "SQL-Abfrage",
                     "NULL", "MILP mit HiGHS", "siehe README"):
        assert ENTWICKLERSPRACHE.search(schlecht), schlecht
    for gut in ("Anteil, der bis zum Tag vermittelt war", "keine Angabe", "–", "Nonne",
                "Zeitraum 2015–2018", "Ausbildung"):
        assert not ENTWICKLERSPRACHE.search(gut), gut


def _texte(msg: Message) -> list[str]:
    """Every string field of a protobuf message, nested messages included."""
    out = []
    for feld, wert in msg.ListFields():
        einzeln = isinstance(wert, (str, bytes, Message)) or not hasattr(wert, "__iter__")
        werte = [wert] if einzeln else list(wert)
        for w in werte:
            if isinstance(w, Message):
                out += _texte(w)
            elif isinstance(w, str):
                out += _plotly_texte(w) if feld.name == "spec" else [w]
    return out


# Keys of a plotly figure whose strings a reader sees (titles, names, labels, hover texts);
# the rest of the JSON is drawing instructions (`"textposition": "none"`, `null` …).
PLOTLY_SICHTBAR = {"text", "title", "name", "hovertemplate", "texttemplate", "ticktext",
                   "customdata", "labels", "x", "y"}


def _plotly_texte(spec: str) -> list[str]:
    """The strings of a plotly chart spec (JSON) that are shown to a reader."""
    out: list[str] = []

    def sammeln(wert, sichtbar: bool) -> None:
        if isinstance(wert, dict):
            for k, v in wert.items():
                sammeln(v, sichtbar or k in PLOTLY_SICHTBAR)
        elif isinstance(wert, list):
            for v in wert:
                sammeln(v, sichtbar)
        elif isinstance(wert, str) and sichtbar:
            out.append(wert)
    sammeln(json.loads(spec), False)
    return out


def sichtbare_texte(knoten) -> list[str]:
    """Texts of the element tree below `knoten`, without „Methodik“ expanders."""
    if isinstance(knoten, Expander) and knoten.label.startswith("Methodik"):
        return []
    if getattr(getattr(knoten, "proto", None), "body", "").lstrip().startswith("<script>"):
        return []       # the page's own script (biwaq.app.barrierefrei): no text on the page
    out = []
    if isinstance(knoten, Block):
        if getattr(knoten, "proto", None) is not None:
            out += _texte(knoten.proto)
        for kind in knoten.children.values():
            out += sichtbare_texte(kind)
    elif getattr(knoten, "proto", None) is not None:
        out += _texte(knoten.proto)
    return out


def _methodik_texte(knoten) -> list[str]:
    if isinstance(knoten, Expander) and knoten.label.startswith("Methodik"):
        return [t for k in knoten.children.values() for t in sichtbare_texte(k)]
    return [t for k in getattr(knoten, "children", {}).values() for t in _methodik_texte(k)]


@pytest.fixture
def mit_veroeffentlichung(demo_env, monkeypatch, tmp_path):
    out = tmp_path / "oeffentlich"
    publish.publish(demo_env, out)
    monkeypatch.setenv("BIWAQ_OEFFENTLICH_DIR", str(out))
    return out


FAELLE = [(rolle, p) for rolle in ROLLEN for p in PAGES if rolle in p.roles]


@pytest.mark.parametrize("rolle,spec", FAELLE, ids=[f"{r}-{p.url}" for r, p in FAELLE])
def test_no_developer_talk_on_internal_pages(rolle, spec, mit_veroeffentlichung):
    at = als_rolle(rolle, spec.path)
    texte = sichtbare_texte(at._tree)
    assert len(texte) > 10                       # the walk sees the page
    treffer = sorted({t[:120] for t in texte if ENTWICKLERSPRACHE.search(t)})
    assert not treffer, treffer


@pytest.fixture
def oeffentliche_app(mit_veroeffentlichung, monkeypatch, tmp_path) -> AppTest:
    """The public app run on the published folder alone (no database), as deployed."""
    monkeypatch.setenv("BIWAQ_DB", str(tmp_path / "gibt-es-nicht.duckdb"))
    at = AppTest.from_file(str(ROOT / "oeffentlich.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def test_public_app_keeps_the_method_in_a_methodik_note(oeffentliche_app):
    at = oeffentliche_app
    texte = sichtbare_texte(at._tree)
    assert any("Zahlen unter" in t for t in texte)      # the plain-words note is there
    assert not [t for t in texte if ENTWICKLERSPRACHE.search(t)]
    # the method for a statistician is still there, in its own expandable note
    methodik = " ".join(_methodik_texte(at._tree))
    assert "Sekundärsperrung" in methodik and "HiGHS" in methodik


def test_import_messages_for_the_web_name_no_command_line_flag():
    """The importer's messages are shown on the page „Daten“; the command line adds its flag."""
    from biwaq.speicher import importer
    texte = {k: v for k, v in vars(importer).items() if k.isupper() and isinstance(v, str)}
    assert "DEMO_FEHLER" in texte
    assert not [k for k, v in texte.items()
                if k != "DEMO_FEHLER_BEFEHL" and ENTWICKLERSPRACHE.search(v)]
    assert "--demo-entfernen" in importer.DEMO_FEHLER_BEFEHL
