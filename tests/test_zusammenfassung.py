"""Issue 15, charts: one-sentence summaries built from the chart's data (worked out by hand),
at most a handful of lines per chart (cohort curves as small multiples), value labels on the
funnel; and the pages show the sentences next to their charts (AppTest)."""
from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from biwaq.app import charts_teilnehmende as ct
from biwaq.zahlen import zusammenfassung as zf
from conftest import ROOT


def test_verlauf_names_first_last_and_a_higher_peak():
    assert zf.verlauf("Vermittlungen", ["2015 Q4", "2016 Q1", "2018 Q2"], [3, 25, 21]) == (
        "Vermittlungen steigen von 3 im Q4/2015 auf 21 im Q2/2018 (höchster Wert 25 im "
        "Q1/2016).")
    assert zf.verlauf("Eintritte", ["2017 Q1", "2017 Q2"], [1234, 12]) == (
        "Eintritte sinken von 1.234 im Q1/2017 auf 12 im Q2/2017.")
    assert zf.verlauf("Eintritte", ["2017 Q1", "2017 Q2"], [5, 5]) == (
        "Eintritte bleiben gleich: 5 im Q1/2017 und im Q2/2017.")
    assert zf.verlauf("Eintritte", ["2017 Q1"], [7]) == (
        "Eintritte: 7 im Q1/2017 (nur dieser eine Zeitpunkt).")
    with pytest.raises(ValueError):
        zf.verlauf("Eintritte", [], [])


def test_trichter_gives_shares_of_the_first_stage_rounded_once():
    # 250/346 = 72,254 % -> 72,3 %; 78/346 = 22,543 % -> 22,5 %; 45/346 = 13,005 % -> 13,0 %
    assert zf.trichter([("mit Erstkontakt", 346), ("eingetreten", 250), ("vermittelt", 78),
                        ("mit Verbleib nach 6 Monaten", 45)]) == (
        "Von 346 Personen mit Erstkontakt sind 250 eingetreten (72,3 %), 78 vermittelt "
        "(22,5 %) und 45 mit Verbleib nach 6 Monaten (13,0 %).")
    assert zf.trichter([("mit Erstkontakt", 0), ("eingetreten", 0)]) == (
        "Von 0 Personen mit Erstkontakt sind 0 eingetreten.")


def test_kohorten_names_lowest_and_highest_cohort():
    assert zf.kohorten(180, [("2016 Q3", 0.12), ("2017 Q1", 0.3051), ("2016 Q4", 0.2)]) == (
        "Nach 180 Tagen vermittelt: zwischen 12,0 % (Eintritt 2016 Q3) und 30,5 % "
        "(Eintritt 2017 Q1), je nach Kohorte.")
    assert zf.kohorten(180, []) == "Keine Kohorte ist schon 180 Tage beobachtet."


def _kurven(namen):
    return pd.DataFrame([{"kohorte": n, "tage": t, "inzidenz": i, "unter_risiko": 10}
                         for n in namen for t, i in ((0, 0.0), (100, 0.2), (300, 0.4))])


def test_thirteen_quarterly_cohorts_become_small_multiples_of_at_most_four_lines():
    namen = ["2015 Q4"] + [f"{j} Q{q}" for j in (2016, 2017, 2018) for q in (1, 2, 3, 4)]
    fig = ct.inzidenz_chart(_kurven(namen))
    assert len(fig.data) == 13
    je_panel = pd.Series([t.xaxis for t in fig.data]).value_counts()
    assert len(je_panel) == 4 and je_panel.max() <= 4          # 2015, 2016, 2017, 2018
    assert [a.text for a in fig.layout.annotations][:4] == [
        "Eintritt 2015", "Eintritt 2016", "Eintritt 2017", "Eintritt 2018"]
    # one legend entry per quarter, the same colour for a quarter in every panel
    assert sorted(t.name for t in fig.data if t.showlegend is not False) == [
        "Q1", "Q2", "Q3", "Q4"]
    farben = {(t.name, t.line.color) for t in fig.data}
    assert len(farben) == 4
    # few cohorts (years) stay one chart
    assert len({t.xaxis for t in ct.inzidenz_chart(_kurven(["2016", "2017", "2018"])).data}) == 1


def test_funnel_bars_carry_value_labels():
    lang = pd.DataFrame({"gruppe": ["alle"] * 2, "Gruppe": ["Alle"] * 2,
                         "stufe": ["Erstkontakt", "Eintritt"], "personen": [346, 250],
                         "quote_erstkontakt": [1.0, 250 / 346],
                         "quote_vorstufe": [float("nan"), 250 / 346]})
    (bar,) = ct.trichter_chart(lang, "anteil").data
    assert list(bar.text) == ["100,0 %", "72,3 %"]
    (bar,) = ct.trichter_chart(lang, "anzahl").data
    assert list(bar.text) == ["346", "250"]


def _seite(pfad):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    at.switch_page(pfad).run()
    assert not at.exception, at.exception
    return at


def test_uebersicht_trend_has_its_summary_from_the_table(demo_env):
    at = _seite("pages/ueberblick/uebersicht.py")
    tab = next(d.value for d in at.dataframe if "Quartal" in d.value.columns)
    erste, letzte = tab.iloc[0], tab.iloc[-1]
    spalte = tab.columns[1]                                     # Eintritte im Quartal
    a, b = int(erste[spalte]), int(letzte[spalte])
    p0 = "Q{1}/{0}".format(*erste["Quartal"].split(" Q"))
    pn = "Q{1}/{0}".format(*letzte["Quartal"].split(" Q"))
    text = " ".join(m.value for m in at.markdown)
    assert f"{spalte} " in text and f"{a} im {p0}" in text and f"{b} im {pn}" in text


def test_vermittlung_summaries_next_to_funnel_and_cohorts(demo_env):
    at = _seite("pages/teilnehmende/vermittlung.py")
    text = " ".join(m.value for m in at.markdown)
    werte = {m.label: m.value for m in at.metric}
    erst = next(v for k, v in werte.items() if "Erstkontakt" in k)
    assert f"Von {erst} Personen mit Erstkontakt sind " in text
    assert "Nach 180 Tagen vermittelt:" in text
