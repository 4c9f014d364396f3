"""The catalogue of figures: one definition per label, sources that exist, rounding once and
half away from zero, rates below the minimum base."""
from __future__ import annotations

import math
import re

import pytest

from biwaq import kennzahlen as kz
from biwaq.queries import QUERY_DIR, query_names


def test_a_label_means_one_thing():
    je_label = {}
    for k in kz.alle():
        je_label.setdefault(k.label, set()).add(k.definition)
    doppelt = {lab: d for lab, d in je_label.items() if len(d) > 1}
    assert not doppelt, doppelt
    assert not {k.label for k in kz.alle()} & kz.MERKMALE     # never both figure and attribute


def test_the_check_would_catch_two_definitions_under_one_label(monkeypatch):
    extra = kz.Kennzahl("x", "Vermittlungen", "Personen", "etwas anderes", "q.c")
    monkeypatch.setattr(kz, "KATALOG", (*kz.KATALOG, extra))
    with pytest.raises(AssertionError):
        test_a_label_means_one_thing()


def test_every_figure_is_complete_and_its_named_query_columns_exist():
    namen = set(query_names())
    for k in kz.alle():
        assert k.label and k.definition and k.quelle and k.einheit, k.id
        assert k.nachkommastellen in (0, 1, 2), k.id
        for abfrage, spalte in re.findall(r"\b([a-z0-9_]+)\.([a-z0-9_]+)\b", k.quelle):
            if abfrage in namen:
                sql = (QUERY_DIR / f"{abfrage}.sql").read_text(encoding="utf-8")
                assert re.search(rf"\b{spalte}\b", sql), (k.id, abfrage, spalte)
        if k.mindestbasis is not None:
            assert k.ist_quote, k.id
    with pytest.raises(KeyError, match="nicht im Katalog"):
        kz.get("gibt_es_nicht")


def test_round_once_half_away_from_zero():
    # issue 10.3: 78 of 346 = 22.543…% -> 22,5 % (one decimal); 22.5 -> 23 (not 22, as
    # Python's half-to-even round gives); 41.05 -> 41,1 although the float 41.05 is stored
    # as 41.04999…; an area of 76 074.5 m² -> 76.075 (rounded, not cut to 76.074)
    assert kz.fmt("vermittlungsquote", 78 / 346) == "22,5 %"
    assert round(22.5) == 22 and kz.runde(22.5) == 23 and kz.runde(-22.5) == -23
    assert f"{41.05:.1f}" == "41.0" and kz.runde(41.05, 1) == 41.1
    assert kz.fmt("median_leerstandsdauer", 41.07) == "41,1 Monate"
    assert kz.fmt("leerstehende_flaeche", 76074.5) == "76.075 m²"
    assert kz.zahl(1234567.25, 1) == "1.234.567,3"
    assert kz.fmt("eintritte", None) == "–" and math.isnan(kz.runde(float("nan")))


def test_rates_below_the_minimum_base_and_small_bases_show_the_count():
    # survival in plain words: minimum base 5 businesses; 2 of 4 is not shown as 50 %
    assert kz.quote_text("stabil_24", 2, 4) == "– (zu wenige Betriebe: 4, mindestens 5)"
    # 6 of 8 = 75 %, the base always shown
    assert kz.quote_text("stabil_24", 6, 8) == "75 % (6 von 8)"
    # issue 10.7: 2 of 3 people = 66.67 % -> "66,7 % (2 von 3)"; on 40 people no count
    assert kz.fmt("anteil_in_gruppe", None, basis=3, zaehler=2) == "66,7 % (2 von 3)"
    assert kz.fmt("anteil_in_gruppe", None, basis=40, zaehler=10) == "25,0 %"
    assert math.isnan(kz.prozentwert("stabil_12", 1, 2))
    assert kz.prozentwert("anteil_in_gruppe", 1, 8) == 12.5


def test_how_it_is_counted_is_rendered_from_the_catalogue():
    text = kz.wie_gezaehlt(["eintritte", "vermittelte_personen"], ("Zusatz.",))
    assert text.splitlines() == [f"- **Eintritte**: {kz.get('eintritte').definition}",
                                 f"- **Vermittelte Personen**: "
                                 f"{kz.get('vermittelte_personen').definition}",
                                 "- Zusatz."]
