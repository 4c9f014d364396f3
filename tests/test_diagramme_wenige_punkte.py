"""Charts readable at every number of points (issue 15): every page's figures with the period
set to one quarter, two quarters and the whole term. A figure with a legend entry shows its
legend, a line series with one point has a marker, a date axis around a single date spans a
sensible range, and the on-track chart's labels stand right of the plot."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from biwaq.app import charts, registry
from conftest import ROOT

ZEITRAEUME = {
    "ein_quartal": (dt.date(2017, 1, 1), dt.date(2017, 3, 31)),
    "zwei_quartale": (dt.date(2017, 1, 1), dt.date(2017, 6, 30)),
    "ganze_laufzeit": None,
}


def _figuren(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _pruefen(fig: dict, wo: str) -> list[str]:
    fehler = []
    daten = fig.get("data", [])
    layout = fig.get("layout", {})
    if any(t.get("name") and t.get("showlegend") is not False for t in daten) \
            and layout.get("showlegend") is not True:
        fehler.append(f"{wo}: Legende fehlt")
    for t in daten:
        x = [v for v in (t.get("x") or []) if v is not None]
        if t.get("type", "scatter") == "scatter" and len(x) == 1 \
                and "markers" not in (t.get("mode") or "markers"):
            fehler.append(f"{wo}: Linie {t.get('name')!r} mit einem Punkt ohne Marker")
    return fehler


@pytest.mark.parametrize("zeitraum", list(ZEITRAEUME))
def test_every_chart_on_every_page_is_readable(zeitraum, demo_env):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180).run()
    if ZEITRAEUME[zeitraum]:
        at.date_input(key="filter_zeitraum").set_value(ZEITRAEUME[zeitraum]).run()
    fehler, anzahl = [], 0
    for spec in registry.PAGES:
        at.switch_page(spec.path).run()
        assert not at.exception, (spec.url, at.exception)
        for i, fig in enumerate(_figuren(at)):
            anzahl += 1
            fehler += _pruefen(fig, f"{spec.url} Diagramm {i + 1}")
    assert anzahl >= 10
    assert not fehler, "\n".join(fehler)


def test_lone_point_gets_marker_legend_and_a_quarter_wide_date_axis():
    fig = go.Figure()
    fig.add_scatter(x=[dt.date(2017, 3, 31)], y=[4], mode="lines", name="Erreicht")
    charts.german_layout(fig, "Test")
    assert fig.layout.showlegend is True
    assert fig.data[0].mode == "lines+markers"
    lo, hi = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    # 31.03.2017 ± 46 days: 13.02.2017 … 16.05.2017
    assert (lo, hi) == (pd.Timestamp("2017-02-13"), pd.Timestamp("2017-05-16"))
    assert fig.layout.xaxis.tickformat == "%d.%m.%Y"


def test_two_points_and_labels_keep_plotly_axes():
    fig = go.Figure()
    fig.add_scatter(x=[dt.date(2017, 3, 31), dt.date(2017, 6, 30)], y=[4, 6], mode="lines",
                    name="Erreicht")
    fig.add_bar(x=["Q1/2017"], y=[3], name="Eintritte")
    charts.german_layout(fig)
    assert fig.data[0].mode == "lines" and fig.layout.xaxis.range is None
