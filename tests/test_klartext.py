"""Issue 15, plain German: no page shows end users developer talk — no "siehe README", no
command lines, no "MILP, HiGHS, scipy" — except inside an expandable „Methodik“ note.

Every internal page (AppTest, local mode = role `steuerung`, demo database with a publication)
and the public app are walked element by element; every string field of every element's
protobuf (text, labels, help texts, captions, alerts) is checked, skipping only what sits in an
expander whose label starts with „Methodik“."""
from __future__ import annotations

import re

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Expander

from biwaq.oeffentlich import publish
from biwaq.app.registry import PAGES
from conftest import ROOT

ENTWICKLERSPRACHE = re.compile(
    r"README|python -m|streamlit run|Kommandozeile|\bMILP\b|HiGHS|scipy|linprog", re.I)


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
                out.append(w)
    return out


def sichtbare_texte(knoten) -> list[str]:
    """Texts of the element tree below `knoten`, without „Methodik“ expanders."""
    if isinstance(knoten, Expander) and knoten.label.startswith("Methodik"):
        return []
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


@pytest.mark.parametrize("spec", PAGES, ids=[p.url for p in PAGES])
def test_no_developer_talk_on_internal_pages(spec, mit_veroeffentlichung):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    at.switch_page(spec.path).run()
    assert not at.exception, at.exception
    texte = sichtbare_texte(at._tree)
    assert len(texte) > 10                       # the walk sees the page
    treffer = sorted({t[:120] for t in texte if ENTWICKLERSPRACHE.search(t)})
    assert not treffer, treffer


def test_public_app_keeps_the_method_in_a_methodik_note(mit_veroeffentlichung, monkeypatch,
                                                        tmp_path):
    monkeypatch.setenv("BIWAQ_DB", str(tmp_path / "gibt-es-nicht.duckdb"))
    at = AppTest.from_file(str(ROOT / "oeffentlich.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    texte = sichtbare_texte(at._tree)
    assert any("Zahlen unter" in t for t in texte)      # the plain-words note is there
    assert not [t for t in texte if ENTWICKLERSPRACHE.search(t)]
    # the method for a statistician is still there, in its own expandable note
    methodik = " ".join(_methodik_texte(at._tree))
    assert "Sekundärsperrung" in methodik and "HiGHS" in methodik
