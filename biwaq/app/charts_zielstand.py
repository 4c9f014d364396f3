"""Figures of the on-track rule (biwaq.zahlen.zielstand): plotly for the pages, matplotlib for the
report. Both draw the same series with the same colours and labels."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from biwaq.zahlen import zielstand as zs
from biwaq.app.charts import O, german_layout

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
    status), with the thresholds 90 % and 100 % as lines. Labels are zielstand.prozent_text."""
    tab = tab.iloc[::-1]
    fig = go.Figure()
    for st_name, farbe in STATUS_FARBEN.items():
        teil = tab[tab["status"] == st_name]
        if teil.empty:
            continue
        fig.add_bar(x=[float(zs.prozent_wert(q)) if q is not None else 0
                       for q in teil["quote_exakt"]],
                    y=teil["label"], orientation="h", name=st_name, marker_color=farbe,
                    text=[zs.prozent_text(q) for q in teil["quote_exakt"]],
                    textposition="outside",
                    cliponaxis=False,
                    hovertemplate="%{y}: %{text} des Erwarteten<extra>" + st_name + "</extra>")
    for s in zs.SCHWELLEN.values():
        fig.add_vline(x=float(s) * 100, line=dict(color=O["schwarz"], width=1, dash="dot"))
    fig.update_layout(barmode="overlay", xaxis_title="Erreicht in % des zum Stichtag Erwarteten",
                      yaxis_title=None, height=max(320, 28 * len(tab) + 120),
                      yaxis=dict(categoryorder="array", categoryarray=list(tab["label"])))
    return german_layout(fig, "Stand gegenüber den Zielen")
