"""The dashboard's chart template is set once as plotly's default (issue 14: speed) and gives
exactly the figure that setting it on every chart gave."""
from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio

from biwaq.app import charts


def test_every_chart_gets_the_white_template_once():
    fig = charts.german_layout(go.Figure(go.Bar(x=["Q1/2016", "Q2/2016"], y=[3, 4], name="A")),
                               "Titel")
    vorher = go.Figure(go.Bar(x=["Q1/2016", "Q2/2016"], y=[3, 4], name="A"))
    vorher.update_layout(template=pio.templates["plotly_white"])
    charts.german_layout(vorher, "Titel")
    assert pio.templates.default == charts.VORLAGE == "plotly_white"
    assert json.loads(fig.to_json()) == json.loads(vorher.to_json())
    # the template really is the white one (not plotly's grey default)
    assert fig.layout.template.layout.plot_bgcolor == "white"
