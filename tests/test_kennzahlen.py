"""The catalogue of figures: one definition per label, sources that exist, rounding once and
half away from zero, rates below the minimum base."""
from __future__ import annotations

import math
import re

import pytest

from biwaq.zahlen import kennzahlen as kz
from biwaq.speicher.queries import QUERY_DIR, query_names


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


def test_participants_under_the_filters_are_defined_once(db_factory, tmp_path):
    """Issue 10: the block applying Quartier, Träger and Zielgruppe lives in one macro
    (biwaq/speicher/sql/makros.sql), in the file and in the dashboard's read-only connection."""
    from biwaq.speicher import store

    for datei in QUERY_DIR.glob("*.sql"):
        assert "list_contains(zielgruppen, $zielgruppe)" not in datei.read_text(), datei.name
    D = __import__("datetime").date
    con = db_factory(teilnehmende=[
        dict(tn_id="A", quartier="Süd-Ost", alleinerziehend=True),
        dict(tn_id="B", quartier="Süd-Ost", traeger="Euratibor", alleinerziehend=True),
        dict(tn_id="C", alleinerziehend=False),
        dict(tn_id="E", geburtsjahr=1950, eintritt=D(2016, 2, 1))])   # 66 at entry: 55plus
    # by hand: Süd-Ost + Alleinerziehende -> A, B; + Träger KIK -> A; Ältere (55+) -> E
    abfrage = "select tn_id from teilnehmende_gefiltert(?, ?, ?) order by tn_id"
    assert [r[0] for r in con.execute(abfrage, ["Süd-Ost", None, "alleinerziehend"]).fetchall()] \
        == ["A", "B"]
    assert [r[0] for r in con.execute(abfrage, ["Süd-Ost", "KIK", "alleinerziehend"])
            .fetchall()] == ["A"]
    assert [r[0] for r in con.execute(abfrage, [None, None, "55plus"]).fetchall()] == ["E"]
    assert len(con.execute(abfrage, [None, None, None]).fetchall()) == 4
    # the dashboard's connection (file attached to an in-memory instance) has them too
    pfad = con.execute("select path from duckdb_databases() where not internal").fetchone()[0]
    ro = store.connect_readonly(pfad)
    try:
        assert ro.cursor().execute(
            "select count(*) from tn_verlauf_gefiltert('Süd-Ost', null, null)").fetchone()[0] == 2
        stand = ro.execute("select datenstand(), stichtag(date '2015-12-31'), "
                           "stichtag(date '2030-01-01')").fetchone()
        assert stand[1] == D(2015, 12, 31) and stand[2] == stand[0] == D(2016, 2, 1)
    finally:
        ro.close()


def test_small_groups_show_their_count_in_the_charts():
    """Issue 10.7: '66,7 %' on three people, in the migration chart, the access routes and the
    exit reasons, shows its count."""
    import pandas as pd

    from biwaq.zahlen import analytics as an
    from biwaq.app import charts_teilnehmende as ct

    # access routes / exit reasons: group "Alle" has 3 people, 2 Jobcenter, 1 KONTAKT-Laden
    # -> 2/3 = 66.67 % -> "66,7 % (2 von 3)"; a group of 40 shows no count
    df = pd.DataFrame({"Gruppe": ["Alle"] * 2 + ["Groß"] * 2, "gruppe": ["alle"] * 2 + ["x"] * 2,
                       "zugangsweg": ["Jobcenter", "KONTAKT-Laden"] * 2,
                       "personen": [2, 1, 30, 10]})
    fig = ct.anteile_chart(df, "zugangsweg", "Zugangswege")
    jobcenter = next(t for t in fig.data if t.name == "Jobcenter")
    assert list(jobcenter.text) == ["66,7 % (2 von 3)", "75,0 %"]       # 30 of 40 = 75 %
    kontakt = next(t for t in fig.data if t.name == "KONTAKT-Laden")
    assert kontakt.customdata[0][1] == "33,3 % (1 von 3)"
    # migration chart: a district with 3 participants, 2 with migration background
    rep = an.repraesentation(pd.DataFrame({
        "stadtteil": ["Herrenberg"], "quartier": ["Süd-Ost"], "teilnehmende": [3],
        "mit_migration": [2], "bev_gewicht": [1.0], "bev_mig_summe": [9.0],
        "jahr_von": [2016], "jahr_bis": [2016]}))
    fig = ct.repraesentation_chart(rep)
    teilnehmende = next(t for t in fig.data if t.name == "Teilnehmende")
    assert list(teilnehmende.text) == ["66,7 % (2 von 3)", "66,7 % (2 von 3)"]  # district, total
    bevoelkerung = next(t for t in fig.data if t.name == "Bevölkerung")
    assert list(bevoelkerung.text)[0] == "9,0 %"                 # 9.0 / (1.0 * 100)


def test_shares_of_people_and_of_businesses_follow_one_rule_each():
    # catalogue helpers _anteil_personen / _anteil_betriebe: a share of people is shown on any
    # base with its count below 20 (issue 10.7); a share of businesses needs 5 (issue 10.5)
    personen = [k for k in kz.alle() if k.ist_quote and k.basis_einheit == "Personen"]
    betriebe = [k for k in kz.alle() if k.ist_quote and k.basis_einheit.startswith("Betriebe")]
    assert {k.id for k in personen} == {"anteil_migration_tn", "anteil_in_gruppe",
                                        "anteil_an_gruppe"}
    assert {k.id for k in betriebe} == {"aktiv_24_gruendung", "stabil_12", "stabil_24",
                                        "km_anteil_aktiv", "km_aktiv_ki"}
    for k in personen:
        assert (k.mindestbasis, k.basis_zeigen_unter, k.nachkommastellen) == (None, 20, 1), k.id
    for k in betriebe:
        assert (k.mindestbasis, k.basis_zeigen_unter) == (kz.MINDESTBASIS_UEBERLEBEN, None)
        assert kz.fmt(k.id, 0.5, basis=4).startswith("– (zu wenige Betriebe")
