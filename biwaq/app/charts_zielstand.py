"""Figures of the on-track rule (biwaq.zahlen.zielstand): plotly for the pages, matplotlib for the
report. Both draw the same series with the same colours and labels."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from biwaq.zahlen import zielstand as zs
from biwaq.app.charts import O, TITEL_UND_LEGENDE_PX, german_layout

STATUS_FARBEN = {zs.IM_PLAN: O["gruen"], zs.KNAPP: O["orange"], zs.HINTER: O["zinnober"]}
FARBE_IST, FARBE_ZIEL, FARBE_HOCH = O["blau"], O["grau"], O["blau"]
SERIEN = {"ist": "Erreicht (kumuliert)", "ziel": "Ziellinie (gleichmäßig)",
          "hoch": "Hochrechnung (Tempo der letzten 4 Quartale)"}


def ziellinie(zeile) -> tuple[list, list]:
    """Target line from 0 at the project start to the target at its deadline."""
    return [zs.LAUFZEIT_START, zeile.bis], [0, zeile.zielwert]


def verlauf_chart(verlauf: pd.DataFrame, zeile) -> go.Figure:
    """Cumulative actual per quarter end (solid), target line (grey), projection (dashed) for
    one target. `verlauf`: rows of Zielstand.verlauf for this target; `zeile`: its row of
    Zielstand.tabelle."""
    fig = go.Figure()
    x, y = ziellinie(zeile)
    fig.add_scatter(x=x, y=y, name=SERIEN["ziel"], mode="lines",
                    line=dict(color=FARBE_ZIEL, width=2),
                    hovertemplate="%{x|%d.%m.%Y}: %{y:.0f}<extra>Ziellinie</extra>")
    fig.add_scatter(x=verlauf["datum"], y=verlauf["kumuliert"], name=SERIEN["ist"],
                    mode="lines+markers", line=dict(color=FARBE_IST, width=3),
                    customdata=verlauf["quartal"],
                    hovertemplate="%{customdata} (bis %{x|%d.%m.%Y}): %{y}<extra></extra>")
    if zeile.stichtag < zeile.bis:
        fig.add_scatter(x=[zeile.stichtag, zeile.bis], y=[zeile.wert, zeile.hochrechnung],
                        name=SERIEN["hoch"], mode="lines",
                        line=dict(color=FARBE_HOCH, width=2, dash="dash"),
                        hovertemplate="Hochrechnung %{x|%d.%m.%Y}: %{y:.0f}<extra></extra>")
    fig.add_hline(y=zeile.zielwert, line=dict(color=O["schwarz"], width=1, dash="dot"),
                  annotation_text=f"Ziel {zs.zahl_text(zeile.zielwert)}",
                  annotation_position="top left")
    fig.update_layout(xaxis_title=None, yaxis_title="Anzahl (kumuliert ab Laufzeitbeginn)",
                      xaxis=dict(tickformat="%m/%Y"))
    return german_layout(fig, f"{zeile.label}: {zeile.status}")


def status_chart(tab: pd.DataFrame) -> go.Figure:
    """Every target: reached as % of the value expected by the Stichtag (bar, coloured by
    status), with the thresholds 90 % and 100 % as dotted lines named at their top. The value
    labels (zielstand.prozent_text) stand in a column right of the plot, one per bar: never on
    a threshold line, never cut at the edge (a label "outside" the bar sat on the 90/100 %
    lines and "110,0 %" was clipped). The x axis runs from 0 to at least 110 %."""
    tab = tab.iloc[::-1]
    fig = go.Figure()
    werte = [float(zs.prozent_wert(q)) if q is not None else 0 for q in tab["quote_exakt"]]
    for st_name, farbe in STATUS_FARBEN.items():
        teil = tab[tab["status"] == st_name]
        if teil.empty:
            continue
        fig.add_bar(x=[float(zs.prozent_wert(q)) if q is not None else 0
                       for q in teil["quote_exakt"]],
                    y=teil["label"], orientation="h", name=st_name, marker_color=farbe,
                    text=[zs.prozent_text(q) for q in teil["quote_exakt"]],
                    textposition="none",
                    hovertemplate="%{y}: %{text} des Erwarteten<extra>" + st_name + "</extra>")
    for label, q in zip(tab["label"], tab["quote_exakt"]):
        fig.add_annotation(x=1, xref="paper", xanchor="left", xshift=8, y=label, yref="y",
                           text=zs.prozent_text(q), showarrow=False, font=dict(size=14))
    # the lines' names above the plot, 100 % to the right of its line, 90 % to the left
    for s, anker in zip(zs.SCHWELLEN.values(), ("left", "right")):
        fig.add_vline(x=float(s) * 100, line=dict(color=O["schwarz"], width=1, dash="dot"))
        fig.add_annotation(x=float(s) * 100, xref="x", y=1, yref="paper", yanchor="bottom",
                           xanchor=anker, text=zs.prozent_text(s), showarrow=False,
                           font=dict(size=12))
    fig.update_layout(barmode="overlay", xaxis_title="Erreicht in % des zum Stichtag Erwarteten",
                      yaxis_title=None, height=max(320, 28 * len(tab) + 140),
                      xaxis=dict(range=[0, max([110.0, *werte]) * 1.03], ticksuffix="\u00a0%"),
                      yaxis=dict(categoryorder="array", categoryarray=list(tab["label"])))
    german_layout(fig, "Stand gegenüber den Zielen")
    fig.update_layout(margin=dict(r=STATUS_RAND_RECHTS, t=TITEL_UND_LEGENDE_PX + 15))
    return fig


STATUS_RAND_RECHTS = 90   # px right of the plot for the value labels ("110,0 %")
