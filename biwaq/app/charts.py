"""Plotly figures and the shared colour scheme (Okabe–Ito, readable with colour-blindness)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from biwaq.einlesen.contract import ZIELGRUPPEN_NAMEN

# Okabe & Ito (2008): distinguishable with the common forms of colour-blindness.
OKABE_ITO = {
    "orange": "#E69F00", "himmelblau": "#56B4E9", "gruen": "#009E73", "gelb": "#F0E442",
    "blau": "#0072B2", "zinnober": "#D55E00", "purpur": "#CC79A7", "schwarz": "#000000",
    "grau": "#999999",
}
O = OKABE_ITO
# The same colour for the same group on every page.
FARBEN = {
    # target groups (German display names and keys)
    "alleinerziehend": O["purpur"], "55plus": O["blau"], "migrationshintergrund": O["orange"],
    "schutzsuchend": O["zinnober"], "langzeitarbeitslos": O["gruen"],
    **{ZIELGRUPPEN_NAMEN[k]: v for k, v in {
        "alleinerziehend": O["purpur"], "55plus": O["blau"], "migrationshintergrund": O["orange"],
        "schutzsuchend": O["zinnober"], "langzeitarbeitslos": O["gruen"]}.items()},
    "Alle Teilnehmenden": O["grau"], "Insgesamt": O["grau"],
    # programme areas and partners
    "Magdeburger Allee": O["blau"], "Süd-Ost": O["orange"],
    "KIK": O["gruen"], "Euratibor": O["purpur"],
    # sex
    "w": O["zinnober"], "m": O["himmelblau"], "d": O["gelb"],
    "weiblich": O["zinnober"], "männlich": O["himmelblau"], "divers": O["gelb"],
    # overview series
    "Eintritte": O["blau"], "Vermittlungen": O["orange"],
}
SEQUENZ = [O["blau"], O["orange"], O["gruen"], O["zinnober"], O["purpur"], O["himmelblau"],
           O["gelb"], O["schwarz"], O["grau"]]


def farbe(name: str, i: int = 0) -> str:
    return FARBEN.get(name, SEQUENZ[i % len(SEQUENZ)])


# Every figure of the dashboard uses plotly's "plotly_white" template. As the process default it
# is applied once when a figure is built; `update_layout(template="plotly_white")` validated the
# whole template again for every chart (20–40 ms each, the larger part of a rerun of Betriebe or
# Vermittlung; issue 14). The resulting figure JSON is the same (tests/test_charts_vorlage.py).
VORLAGE = "plotly_white"
pio.templates.default = VORLAGE


def german_layout(fig: go.Figure, titel: str | None = None) -> go.Figure:
    """Decimal comma and thousands dot, readable fonts, legend on top; readable with few
    points (`wenige_punkte`)."""
    fig.update_layout(
        separators=",.", title=titel,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        margin=dict(l=10, r=10, t=60 if titel else 30, b=10), font=dict(size=14),
    )
    wenige_punkte(fig)
    if titel and fig.layout.showlegend:     # room for the title above the legend's row
        fig.update_layout(margin_t=TITEL_UND_LEGENDE_PX, title=dict(y=0.98, yanchor="top"))
    return fig


TITEL_UND_LEGENDE_PX = 95


EIN_PUNKT_SPANNE = pd.Timedelta(days=46)   # half a quarter each side of a lone date


def wenige_punkte(fig: go.Figure) -> go.Figure:
    """Keep a chart readable when its series have one or two points (e.g. one quarter chosen):

    - the legend is shown whenever a trace has a legend entry (plotly hides it for a single
      trace, so a lone bar or point had no name);
    - a line series with a single point gets a marker (a line through one point is invisible);
    - a date x axis whose series all sit on one date spans that date ± half a quarter, with
      day-month-year ticks (plotly's automatic range around one date spans odd hours/dates).
    Charts with several x axes (small multiples) keep their axes. Returns `fig` (changed)."""
    eintraege = [t for t in fig.data if t.name and t.showlegend is not False
                 and getattr(t, "visible", True) is not False]
    if eintraege:
        fig.update_layout(showlegend=True)
    daten = []
    for t in fig.data:
        if t.type not in ("scatter", "bar") or t.x is None:
            continue
        x = [v for v in t.x if v is not None]
        if t.type == "scatter" and len(x) == 1 and t.mode and "markers" not in t.mode:
            t.mode = t.mode + "+markers"
        daten += x
    mehrere_achsen = len({getattr(t, "xaxis", None) or "x" for t in fig.data}) > 1
    if daten and not mehrere_achsen and len({str(v) for v in daten}) == 1:
        tag = _als_datum(daten[0])
        if tag is not None:
            fig.update_xaxes(range=[tag - EIN_PUNKT_SPANNE, tag + EIN_PUNKT_SPANNE],
                             tickformat="%d.%m.%Y", tickvals=[tag], type="date")
    return fig


def _als_datum(v) -> pd.Timestamp | None:
    """A date/datetime x value as a Timestamp; None for numbers and labels ("Q1/2016")."""
    import datetime as dt

    import numpy as np

    if isinstance(v, (dt.date, np.datetime64, pd.Timestamp)):
        return pd.Timestamp(v)
    return None


def trend_chart(df: pd.DataFrame) -> go.Figure:
    """Grouped bars per quarter: entries and persons placed (columns eintritte, vermittlungen;
    labels from the catalogue of figures)."""
    from biwaq.zahlen import kennzahlen

    fig = go.Figure()
    for col, kid, farb_name in (("eintritte", "eintritte_quartal", "Eintritte"),
                                ("vermittlungen", "vermittelte_personen_quartal",
                                 "Vermittlungen")):
        name = kennzahlen.label(kid)
        fig.add_bar(x=df["quartal_label"], y=df[col], name=name, marker_color=farbe(farb_name),
                    hovertemplate="%{x}: %{y} " + name + "<extra></extra>")
    fig.update_layout(barmode="group", xaxis_title="Quartal", yaxis_title="Personen")
    return german_layout(fig, "Eintritte und vermittelte Personen je Quartal")


# --- Participant analytics (issue 3): access routes, age bands, placement types, exit reasons.
# Added with setdefault, so no colour defined above changes.
for _name, _farbe in {
    "Jobcenter": O["blau"], "Aufsuchende Arbeit": O["zinnober"], "KONTAKT-Laden": O["gruen"],
    "Bürgerpate": O["purpur"], "Eigeninitiative": O["himmelblau"], "Sonstiges": O["grau"],
    "unter 30": O["himmelblau"], "30 bis 44": O["gruen"], "45 bis 54": O["orange"],
    "55 und älter": O["blau"],
    "SV-pflichtig Vollzeit": O["blau"], "SV-pflichtig Teilzeit": O["himmelblau"],
    "Ausbildung": O["gruen"], "Geringfügig": O["gelb"], "Selbstständig": O["purpur"],
    "Arbeitsaufnahme": O["blau"], "Weiterbildung": O["himmelblau"], "Abbruch": O["zinnober"],
    "Maßnahmeende": O["orange"], "Umzug": O["gelb"], "ohne Angabe": "#DDDDDD",
    "Erreicht": O["himmelblau"], "Teilnehmende": O["orange"], "Bevölkerung": O["grau"],
}.items():
    FARBEN.setdefault(_name, _farbe)
# --- Lokale Ökonomie: colours for vacancy status, districts, business groups and formats ---
FARBEN.update({
    # vacancy status (map points and tables)
    "leer": O["zinnober"], "in Vermarktung": O["blau"], "Zwischennutzung": O["purpur"],
    "wiederbelegt": O["gruen"],
    # districts of the two programme areas (one line per district)
    "Andreasvorstadt": O["blau"], "Johannesvorstadt": O["himmelblau"],
    "Ilversgehofen": O["gruen"], "Herrenberg": O["orange"], "Wiesenhügel": O["zinnober"],
    "Melchendorf": O["purpur"], "ohne Angabe": O["grau"],
    # businesses: migrant-run like the target group "migration history"
    "Migrantenökonomie": O["orange"], "Andere Betriebe": O["blau"],
    "Alle beratenen Betriebe": O["grau"],
    # consultation formats
    "Vorgründungsberatung": O["himmelblau"], "Nachgründungsberatung": O["blau"],
    "Branchenpate": O["gruen"], "Seniorexperte": O["purpur"],
    "Bildungsstammtisch": O["orange"], "Fachkräftesicherung": O["zinnober"],
})
