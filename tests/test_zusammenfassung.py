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
        "Nach 180 Tagen vermittelt: zwischen 12,0 % (Eintritt Q3/2016) und 30,5 % "
        "(Eintritt Q1/2017), je nach Kohorte.")
    assert zf.kohorten(365, [("2016", 0.25)]) == (
        "Nach 365 Tagen vermittelt: 25,0 % (Eintritt 2016).")
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


# --- The general sentences (worked out by hand) ----------------------------------------------

def test_verlauf_in_the_singular():
    assert zf.verlauf("Leerstand", ["2016 Q1", "2016 Q2"], [45, 55], einzahl=True) == (
        "Leerstand steigt von 45 im Q1/2016 auf 55 im Q2/2016.")


def test_rangfolge_names_largest_and_smallest_bar():
    assert zf.rangfolge("Betriebe", ["A", "B", "C"], [30, 12, 37]) == (
        "Betriebe: am meisten C (37), am wenigsten B (12).")
    # shares with one decimal, rounded once half away from zero; a missing value is left out
    assert zf.rangfolge("Wege", ["A", "B", "C"], [33.25, float("nan"), 4.75], stellen=1,
                        einheit=" %", hoch="am häufigsten", tief="am seltensten") == (
        "Wege: am häufigsten A (33,3 %), am seltensten C (4,8 %).")
    assert zf.rangfolge("Betriebe", ["A"], [1234]) == "Betriebe: A (1.234)."
    assert zf.rangfolge("Eintritte", ["2017 Q2", "2018 Q4"], [80, 9]) == (
        "Eintritte: am meisten Q2/2017 (80), am wenigsten Q4/2018 (9).")
    assert zf.rangfolge("Betriebe", ["A", "B"], [2, 2]) == "Betriebe: überall 2."
    with pytest.raises(ValueError):
        zf.rangfolge("Betriebe", ["A"], [None])


def test_anzahlen_vergleich_paare_aufzaehlung():
    assert zf.anzahlen("Von 9 Zielen sind", ["im Plan", "knapp", "hinter Plan"], [5, 0, 4]) == (
        "Von 9 Zielen sind: 5 im Plan und 4 hinter Plan.")
    assert zf.vergleich("Der Anteil", ["A", "B"], [26.8, 9.0], [12.0, 10.7], "hier", "dort") == (
        "Der Anteil ist hier in 1 von 2 Fällen höher als dort (größter Abstand: A, 26,8 % "
        "gegen 12,0 %).")
    assert zf.paare(["A", "A", "B", "B"], ["A", "B", "A", "B"], [5, 2, 2, 7]) == (
        "Am häufigsten zusammen: A und B (2 Personen).")
    assert zf.paare(["A", "B"], ["B", "A"], [0, 0]).startswith("Keine erreichte Person")
    assert zf.aufzaehlung("Noch aktiv", ["A 75,4 %", "B 72,6 %"]) == (
        "Noch aktiv: A 75,4 % und B 72,6 %.")


# --- Every chart has its sentence ------------------------------------------------------------

def _aufrufe_ohne_satz() -> list[str]:
    """chart_block / chart_block_de calls in pages/ and biwaq/ without a `zusammenfassung`."""
    import ast
    fehlt = []
    for pfad in [*(ROOT / "pages").rglob("*.py"), *(ROOT / "biwaq").rglob("*.py")]:
        for knoten in ast.walk(ast.parse(pfad.read_text(encoding="utf-8"))):
            if not (isinstance(knoten, ast.Call) and isinstance(knoten.func, ast.Attribute)
                    and knoten.func.attr in ("chart_block", "chart_block_de")):
                continue
            satz = next((k.value for k in knoten.keywords if k.arg == "zusammenfassung"), None)
            if satz is None or (isinstance(satz, ast.Constant) and not satz.value):
                fehlt.append(f"{pfad.relative_to(ROOT)}:{knoten.lineno}")
    return fehlt


def test_every_chart_block_call_passes_a_summary():
    assert not _aufrufe_ohne_satz()


def diagramme(at: AppTest) -> list[tuple[str | None, pd.DataFrame | None]]:
    """Every chart drawn with its table tab (tabs „Diagramm“ | „Tabelle“) on the page, in page
    order: (the markdown sentence right above the tabs or None, the table in the tab)."""
    from streamlit.testing.v1 import element_tree as et
    out = []

    def walk(block):
        kinder = list(block.children.values())
        for i, k in enumerate(kinder):
            if not isinstance(k, et.Block):
                continue
            tabs = [t for t in k.children.values() if isinstance(t, et.Tab)]
            if [t.label for t in tabs] == ["Diagramm", "Tabelle"]:
                vorher = kinder[i - 1] if i else None
                satz = vorher.value if type(vorher) is et.Markdown else None   # not a caption
                tab = next((e.value for e in tabs[1].children.values()
                            if isinstance(e, et.Dataframe)), None)
                out.append((satz, tab))
            else:
                walk(k)
    walk(at._tree)
    return out


D = pd.Timestamp
KOMBIS = {"ohne Filter": {},
          "Magdeburger Allee 2016 bis Mitte 2017": dict(
              quartier="Magdeburger Allee", von=D("2016-01-01").date(),
              bis=D("2017-06-30").date())}
SEITEN = ["pages/ueberblick/uebersicht.py", "pages/teilnehmende/zielgruppen.py",
          "pages/teilnehmende/vermittlung.py", "pages/teilnehmende/esf_indikatoren.py",
          "pages/oekonomie/betriebe.py", "pages/oekonomie/leerstand.py"]


def _seite_gefiltert(pfad, **kombi):
    from test_kennzahlen_seiten import seite
    return seite(pfad, **kombi)


def de(x, stellen=0) -> str:
    """German number text, written here independently of the project's formatter."""
    text = f"{float(x):,.{stellen}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def _groesste(tab, name, wert, stellen=0, einheit=""):
    zeile = tab.loc[tab[wert].astype(float).idxmax()]
    return f"{zeile[name]} ({de(zeile[wert], stellen)}{einheit})"


def _kleinste(tab, name, wert, stellen=0, einheit=""):
    zeile = tab.loc[tab[wert].astype(float).idxmin()]
    return f"{zeile[name]} ({de(zeile[wert], stellen)}{einheit})"


def _pruefe(pfad: str, satz: str, tab: pd.DataFrame) -> None:
    """The figures of one summary sentence worked out from the table beside it."""
    spalten = list(tab.columns)
    if "Zugangsweg" in spalten or "Austrittsgrund" in spalten:
        weg = "Zugangsweg" if "Zugangsweg" in spalten else "Austrittsgrund"
        erste = tab[tab["Gruppe"] == tab["Gruppe"].iloc[0]]
        anteil = "Anteil in der Gruppe (%)"
        assert f"am häufigsten {_groesste(erste, weg, anteil, 1, ' %')}" in satz
        assert f"am seltensten {_kleinste(erste, weg, anteil, 1, ' %')}" in satz
    elif "und Gruppe" in spalten:
        aus = tab[tab["Gruppe"] != tab["und Gruppe"]]
        zeile = aus.loc[aus["Personen"].idxmax()]
        assert f"{zeile['Gruppe']} und {zeile['und Gruppe']} ({de(zeile['Personen'])}" in satz
    elif spalten[:3] == ["Gruppe", "Erreichte Personen", "Eintritte"]:
        gruppen = tab[tab["Gruppe"] != "Alle Teilnehmenden"]
        alle = tab.loc[tab["Gruppe"] == "Alle Teilnehmenden", "Erreichte Personen"].iloc[0]
        assert f"Erreichte Personen insgesamt: {de(alle)}." in satz
        assert f"am meisten {_groesste(gruppen, 'Gruppe', 'Erreichte Personen')}" in satz
    elif "Anteil Teilnehmende (%)" in spalten:
        st_ = tab[tab["Stadtteil"] != "Insgesamt"]
        hoeher = int((st_["Anteil Teilnehmende (%)"] > st_["Anteil Bevölkerung (%)"]).sum())
        assert f"in {hoeher} von {len(st_)} " in satz
    elif "Median (Tage)" in spalten:
        erste = tab[tab["Gruppe"] == tab["Gruppe"].iloc[0]]
        assert f"am längsten {_groesste(erste, 'Schritt', 'Median (Tage)', 1, ' Tage')}" in satz
    elif spalten[:3] == ["Art", "Branche", "Lokaler Betrieb"]:
        je = tab.groupby("Branche")["Vermittlungen"].sum()
        assert f"am meisten {je.idxmax()} ({de(je.max())})" in satz
    elif "Anteil (%)" in spalten and "Indikator" in spalten:
        for bereich, teil in tab.groupby("Bereich"):         # one sentence per part
            assert (f"{bereich}, Anteil an der Bezugsgröße: am höchsten "
                    f"{_groesste(teil, 'Indikator', 'Anteil (%)', 1, ' %')}") in satz, satz
    elif spalten[0] == "Quartal" and "Bis" in spalten:                 # target course
        erste, letzte = tab.iloc[0], tab.iloc[-1]
        assert f"{de(erste['Erreicht (kumuliert)'])} im Q" in satz
        assert f"{de(letzte['Erreicht (kumuliert)'])} im Q" in satz
        assert "Ziellinie im " in satz and f": {de(letzte['Ziellinie'])}." in satz
    elif "Status" in spalten and "Ziel" in spalten:                    # on-track status
        for s in ("im Plan", "knapp", "hinter Plan"):
            n = int((tab["Status"] == s).sum())
            assert (f"{n} {s}" in satz) == (n > 0), (s, satz)
    elif spalten[0] == "Quartal":                 # a course per quarter: sum of the series
        werte = tab.drop(columns=[c for c in ("Quartal", "Stand am") if c in spalten]
                         ).select_dtypes("number")
        summe = werte.sum(axis=1) if "Eintritte im Quartal" not in spalten else \
            tab["Eintritte im Quartal"]
        q0 = "Q{1}/{0}".format(*tab["Quartal"].iloc[0].split(" Q"))
        qn = "Q{1}/{0}".format(*tab["Quartal"].iloc[-1].split(" Q"))
        assert f"{de(summe.iloc[0])} im {q0}" in satz, satz
        assert f"{de(summe.iloc[-1])} im {qn}" in satz, satz
    elif "Gesamt" in spalten and "Migrantenökonomie" in spalten:
        assert f"am meisten {_groesste(tab, spalten[0], 'Gesamt')}" in satz
    elif "Beschäftigte" in spalten:
        assert f"am meisten {_groesste(tab, 'Branche', 'Beschäftigte')}" in satz
    elif "Betrieb" in spalten and "Vermittlungen" in spalten:
        assert f"am meisten {_groesste(tab, 'Betrieb', 'Vermittlungen')}" in satz
    elif "Status am Stichtag" in spalten:
        assert f"Die Karte zeigt {de(len(tab))} Objekte" in satz
        for s, n in tab["Status am Stichtag"].value_counts().items():
            assert f"{de(n)} {s}" in satz
    elif "Anteil aktiv" in spalten:
        zeilen = tab[(tab["Beginn"] == "seit Gründung") & (tab["Monate"] == 24)]
        for _, z in zeilen.iterrows():
            wert = (de(z["Anteil aktiv"] * 100, 1) + " %" if z["unter Beobachtung"] >= 5
                    else "–")
            assert f"{z['Gruppe']} {wert}" in satz, satz
    elif "Vermittelt bis dahin (%)" in spalten:     # checked against the comparison table
        assert satz.startswith("Nach 180 Tagen vermittelt") or "Keine Kohorte" in satz
    elif "Stufe" in spalten:                      # the funnel
        alle = tab[tab["Gruppe"] == "Alle Teilnehmenden"].set_index("Stufe")["Personen"]
        assert f"Von {de(alle['Erstkontakt'])} Personen mit Erstkontakt" in satz
    else:
        raise AssertionError(f"{pfad}: keine Prüfung für die Tabelle {spalten}")


@pytest.mark.parametrize("kombi", list(KOMBIS))
@pytest.mark.parametrize("pfad", SEITEN)
def test_every_chart_has_a_summary_with_the_figures_of_its_table(demo_env, pfad, kombi):
    at = _seite_gefiltert(pfad, **KOMBIS[kombi])
    bloecke = diagramme(at)
    assert bloecke, "die Seite zeigt kein Diagramm"
    for satz, tab in bloecke:
        assert satz and satz.strip(), f"Diagramm ohne Satz auf {pfad}"
        assert tab is not None and len(tab)
        _pruefe(pfad, satz, tab)
    if pfad.endswith("vermittlung.py"):          # cohort sentence: the 180-day column
        vergleich = next(d.value for d in at.dataframe if "180 Tage (%)" in d.value.columns)
        werte = vergleich[vergleich["180 Tage (%)"] != "–"]
        zahl = werte["180 Tage (%)"].str.replace(",", ".").astype(float)
        satz = next(s for s, t in bloecke if "Vermittelt bis dahin (%)" in t.columns)
        if len(werte) > 1 and zahl.min() < zahl.max():
            lo, hi = werte.loc[zahl.idxmin()], werte.loc[zahl.idxmax()]
            q = "Q{1}/{0}".format
            assert (f"zwischen {lo['180 Tage (%)']} % (Eintritt "
                    f"{q(*lo['Kohorte (Eintritt)'].split(' Q'))}) und {hi['180 Tage (%)']} % "
                    f"(Eintritt {q(*hi['Kohorte (Eintritt)'].split(' Q'))})") in satz, satz


def test_the_walk_finds_a_chart_without_a_summary(demo_env, monkeypatch):
    from biwaq.app import ui
    echt = ui.chart_block

    def ohne(*a, **kw):
        kw["zusammenfassung"] = None
        return echt(*a, **kw)
    monkeypatch.setattr(ui, "chart_block", ohne)
    at = _seite("pages/teilnehmende/zielgruppen.py")
    assert any(satz is None for satz, _ in diagramme(at))


def test_balken_lists_the_bar_labels_suppressed_ones_as_a_star():
    import plotly.graph_objects as go
    fig = go.Figure()
    fig.add_bar(x=["2016", "2017"], y=[120, 0], text=["120", "*"], name="Süd-Ost")
    fig.add_bar(x=["2016", "2017"], y=[1234, 98], text=["1.234", "98"], name="Magdeburger Allee")
    assert zf.balken("Neue Teilnehmende je Jahr", fig) == (
        "Neue Teilnehmende je Jahr: Süd-Ost – 2016 120, 2017 *; Magdeburger Allee – 2016 "
        "1.234, 2017 98.")
    h = go.Figure().add_bar(y=["Arbeit", "Ausbildung"], x=[40, 0], text=["40", "*"],
                            orientation="h", name="Personen")
    assert zf.balken("Art", h) == "Art: Arbeit 40, Ausbildung *."
    assert zf.balken("Art", go.Figure()) == "Art: keine Werte."


def test_public_charts_have_a_summary_with_only_what_the_table_shows(demo_env, monkeypatch,
                                                                    tmp_path):
    """The public app: a sentence above every chart whose values are the published ones –
    every number or `*` in it stands in the table beside the chart (nothing more is told)."""
    import re
    from biwaq.oeffentlich import publish
    out = tmp_path / "oeffentlich"
    publish.publish(demo_env, out)
    monkeypatch.setenv("BIWAQ_OEFFENTLICH_DIR", str(out))
    monkeypatch.setenv("BIWAQ_DB", str(tmp_path / "gibt-es-nicht.duckdb"))
    at = AppTest.from_file(str(ROOT / "oeffentlich.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    bloecke = diagramme(at)
    assert len(bloecke) >= 3
    for satz, tab in bloecke:
        assert satz, "öffentliches Diagramm ohne Satz"
        zellen = {str(v).strip() for v in tab.to_numpy().ravel()}
        werte = re.findall(r"(?<=\s)(\d[\d.]*|\\\*)(?=[,;.]?(\s|$))", satz)
        assert werte, satz
        for w, _ in werte:
            w = w.rstrip(".")                                   # end of the sentence
            if re.fullmatch(r"20\d\d", w):                      # a year is a category
                continue
            assert w.replace("\\", "") in zellen, (w, satz)


def test_anteile_in_gruppen_table_and_sentence():
    """Shares within each group, worked out by hand: Alle 61 + 35 + 4 = 100 → 61,0 / 35,0 /
    4,0 %; Ältere 2 + 1 = 3 → 66,7 % (2/3 = 0,6666…) and 33,3 %; the sentence ranks the first
    group only. A row of 0 in a group of 0 has no share (NaN)."""
    import math

    from biwaq.zahlen import kennzahlen as kz

    df = pd.DataFrame({"Gruppe": ["Alle Teilnehmenden"] * 3 + ["Ältere (55+)"] * 2 + ["Leer"],
                       "zugangsweg": ["Jobcenter", "aufsuchend", "Presse", "Jobcenter",
                                      "aufsuchend", "Presse"],
                       "personen": [61, 35, 4, 2, 1, 0]})
    tabelle, satz = zf.anteile_in_gruppen(df, "zugangsweg", "Zugangsweg", "Zugangswege")
    assert list(tabelle.columns) == ["Gruppe", "Zugangsweg", kz.label("personen"),
                                     kz.label("anteil_in_gruppe"), kz.label("personen_gruppe")]
    anteile = list(tabelle[kz.label("anteil_in_gruppe")])
    assert anteile[:5] == [61.0, 35.0, 4.0, 66.7, 33.3] and math.isnan(anteile[5])
    assert list(tabelle[kz.label("personen_gruppe")]) == [100, 100, 100, 3, 3, 0]
    assert list(tabelle["Zugangsweg"]) == list(df["zugangsweg"])
    assert satz == ("Zugangswege (Alle Teilnehmenden): am häufigsten Jobcenter (61,0 %), "
                    "am seltensten Presse (4,0 %).")
    with pytest.raises(ValueError):
        zf.anteile_in_gruppen(df.iloc[0:0], "zugangsweg", "Zugangsweg", "Zugangswege")
