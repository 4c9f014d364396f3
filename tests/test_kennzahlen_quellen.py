"""One definition per figure: every consumer of a figure (page, and with it its downloads;
committee report; publication) reads a query the catalogue names as the figure's source.

The check reads the code (no database): a consumer "shows" a figure when it calls
kz.label/fmt/get/… or ui.metric with the figure's id; it "reads" a query when the query's name
is a literal in it, or in a function (or module constant that function uses) of a biwaq module
it calls as `alias.function`. Figures whose source names no query (a Python function such as
quality.pruefen) are not checked here. Where the catalogue names two queries for one figure,
the last test compares their values on the demo.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from biwaq.speicher.filters import Filter
from biwaq.speicher.queries import query_names, run_query
from biwaq.zahlen import kennzahlen as kz
from conftest import ROOT, demo_con

ABFRAGEN = set(query_names())
IDS = {k.id for k in kz.alle()}
# The consumers: every page, the committee report, the publication (public page and handout
# show the published tables, which publish.py fills from the named queries).
VERBRAUCHER = sorted((ROOT / "pages").rglob("*.py")) + [
    ROOT / "biwaq" / "app" / "bericht.py", ROOT / "biwaq" / "oeffentlich" / "publish.py"]
AUFRUFE = (r"kz\.(?:label|fmt|get|quote_text|prozentwert|unter_mindestbasis|grund)\(\s*"
           r"[\"']([a-z0-9_]+)[\"']",
           r"ui\.metric\(\s*\w+,\s*[\"']([a-z0-9_]+)[\"']")


def quellen(kid: str) -> set[str]:
    """The named queries in a figure's `quelle`."""
    return set(re.findall(r"[a-z0-9_]+", kz.get(kid).quelle)) & ABFRAGEN


def _literale(node) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
            and isinstance(n.value, str) and n.value in ABFRAGEN}


def _modul_abfragen(pfad: Path) -> dict[str, set[str]]:
    """Per top-level function of a module: the queries named in it or in the module
    constants it uses."""
    baum = ast.parse(pfad.read_text(encoding="utf-8"))
    konstanten = {t.id: _literale(n) for n in baum.body if isinstance(n, ast.Assign)
                  for t in n.targets if isinstance(t, ast.Name)}
    out = {}
    for f in baum.body:
        if isinstance(f, ast.FunctionDef):
            namen = {n.id for n in ast.walk(f) if isinstance(n, ast.Name)}
            out[f.name] = _literale(f).union(*(konstanten.get(n, set()) for n in namen))
    return out


def gelesen(pfad: Path) -> set[str]:
    """The queries a consumer reads, directly or through biwaq functions it calls."""
    baum = ast.parse(pfad.read_text(encoding="utf-8"))
    module = {}
    for n in ast.walk(baum):
        if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("biwaq"):
            for a in n.names:
                datei = ROOT / n.module.replace(".", "/") / f"{a.name}.py"
                if datei.exists():
                    module[a.asname or a.name] = datei
    out = _literale(baum)
    eigene = _modul_abfragen(pfad)
    for n in ast.walk(baum):
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) \
                and n.value.id in module:
            out |= _modul_abfragen(module[n.value.id]).get(n.attr, set())
        if isinstance(n, ast.Name):
            out |= eigene.get(n.id, set())
    return out


def gezeigt(pfad: Path) -> set[str]:
    text = pfad.read_text(encoding="utf-8")
    return {i for muster in AUFRUFE for i in re.findall(muster, text)} & IDS


def abweichungen() -> list[str]:
    fehler = []
    for pfad in VERBRAUCHER:
        liest = gelesen(pfad)
        for kid in sorted(gezeigt(pfad)):
            q = quellen(kid)
            if q and not q & liest:
                fehler.append(f"{pfad.relative_to(ROOT)}: {kid} aus {sorted(q)}, "
                              f"liest {sorted(liest)}")
    return fehler


def test_every_consumer_reads_the_query_the_catalogue_names():
    assert not abweichungen(), "\n".join(abweichungen())


def test_the_scan_sees_the_betriebe_page_and_the_report():
    # not vacuous: both show Betriebe figures and read the catalogue's queries for them
    for pfad in (ROOT / "pages" / "oekonomie" / "betriebe.py",
                 ROOT / "biwaq" / "app" / "bericht.py"):
        assert {"beratene_betriebe", "aktiv_am_stichtag"} <= gezeigt(pfad), pfad
        assert {"oek_betriebe_gruppen", "oek_betriebe_ueberleben"} <= gelesen(pfad), pfad
    assert "oeffentlich_teilnehmende" in gelesen(ROOT / "biwaq" / "oeffentlich" / "publish.py")


def test_the_scan_would_catch_a_figure_read_from_another_query(monkeypatch):
    alt = kz.get("beratene_betriebe")
    falsch = kz.Kennzahl(alt.id, alt.label, alt.einheit, alt.definition,
                         "oek_leerstand_objekte.objekt_id")
    monkeypatch.setitem(kz._NACH_ID, alt.id, falsch)
    assert any("beratene_betriebe" in f and "betriebe.py" in f for f in abweichungen())


def test_every_query_named_as_a_source_exists():
    # a name that looks like a query (a prefix of the queries) but has no file is a stale
    # source, e.g. a removed query
    praefixe = {n.split("_")[0] + "_" for n in ABFRAGEN}
    for k in kz.alle():
        for name in re.findall(r"\b([a-z][a-z0-9]*_[a-z0-9_]+)\.", k.quelle):
            if any(name.startswith(p) for p in praefixe):
                assert name in ABFRAGEN, (k.id, name)


@pytest.mark.parametrize("filt", [
    Filter(), Filter(quartier="Süd-Ost", zielgruppe="alleinerziehend"),
    Filter(traeger="Euratibor", von=Filter().von.replace(year=2016, month=1),
           bis=Filter().bis.replace(year=2016))])
def test_a_figure_from_two_queries_has_one_value(demo_db, filt):
    # Erreichte Personen and Eintritte: Übersicht (uebersicht_kennzahlen), Zielgruppen and
    # the report (zielgruppen_reichweite), Vermittlung's entry cohorts (vermittlung_verweildauer)
    con = demo_con(demo_db)
    try:
        ueb = run_query("uebersicht_kennzahlen", con, **filt.params()).set_index("kennzahl")
        reich = run_query("zielgruppen_reichweite", con, **filt.params(), dim="gesamt")
        alle = reich[reich["gruppe"] == "alle"]
        koh = run_query("vermittlung_verweildauer", con, **filt.params())
        assert int(ueb.loc["teilnehmende", "wert"]) == int(alle["erreicht"].sum())
        assert int(ueb.loc["eintritte", "wert"]) == int(alle["eingetreten"].sum()) \
            == int(koh["anzahl"].sum())
        assert int(ueb.loc["eintritte", "wert"]) > 0
    finally:
        con.close()
