"""Plotly figures of the participant pages (Zielgruppen, Vermittlung), in the shared colours."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from biwaq.zahlen import kennzahlen as kz
from biwaq.zahlen.analytics import REICHWEITE_DIMENSIONEN, STUFEN
from biwaq.app.charts import FARBEN, O, SEQUENZ, german_layout

def gruppen_farbe(schluessel, name: str, i: int = 0) -> str:
    """The shared colour of a group: by its key ('55plus', 'KIK', 'w'), else by its name."""
    if isinstance(schluessel, str) and schluessel in FARBEN:
        return FARBEN[schluessel]
    return FARBEN.get(name, SEQUENZ[i % len(SEQUENZ)])


def _gruppen(df: pd.DataFrame):
    """(key, German name, colour) for each group of a frame from analytics.sortiert()."""
    paare = df[["gruppe", "Gruppe"]].drop_duplicates()
    return [(k, n, gruppen_farbe(k, n, i)) for i, (k, n) in enumerate(paare.itertuples(
        index=False))]


def reichweite_chart(df: pd.DataFrame, dim: str, mass: str = "erreicht") -> go.Figure:
    """Persons reached / enrolled per target group. `df`: query zielgruppen_reichweite after
    analytics.sortiert() (columns Gruppe, gruppe, auspraegung, Auspraegung, erreicht, eingetreten).

    dim 'gesamt': both measures side by side per group. Otherwise the chosen measure per value
    of the dimension, one bar (or, per quarter, one line) per group."""
    fig = go.Figure()
    if dim == "gesamt":
        for spalte, name, farbe_name in (("erreicht", "Erreicht (Erstkontakt)", "Erreicht"),
                                         ("eingetreten", "Eingetreten (Eintritt)", "Eintritte")):
            fig.add_bar(x=df["Gruppe"], y=df[spalte], name=name, marker_color=FARBEN[farbe_name],
                        text=df[spalte], textposition="outside",
                        hovertemplate="%{x}: %{y} Personen<extra>" + name + "</extra>")
        fig.update_layout(barmode="group", xaxis_title=None, yaxis_title="Personen")
        return german_layout(fig, "Erreichte und eingetretene Personen je Zielgruppe")
    titel_mass = "Erreichte Personen" if mass == "erreicht" else "Eintritte"
    for key, name, farbe in _gruppen(df):
        teil = df[df["gruppe"] == key]
        hover = "%{x}: %{y} Personen<extra>" + name + "</extra>"
        if dim == "quartal":
            fig.add_scatter(x=teil["Auspraegung"], y=teil[mass], name=name, mode="lines+markers",
                            line=dict(color=farbe, width=3 if key == "alle" else 2),
                            hovertemplate=hover)
        else:
            fig.add_bar(x=teil["Auspraegung"], y=teil[mass], name=name, marker_color=farbe,
                        hovertemplate=hover)
    fig.update_layout(barmode="group", xaxis_title=None, yaxis_title="Personen")
    nach = REICHWEITE_DIMENSIONEN.get(dim, dim)
    return german_layout(fig, f"{titel_mass} je Zielgruppe nach {nach}")


def repraesentation_chart(df: pd.DataFrame) -> go.Figure:
    """Share with migration background: participants vs population, per district and in total.
    `df`: analytics.repraesentation()."""
    from biwaq.zahlen import kennzahlen as kz

    teil = df[df["bev_gewicht"].notna() | (df["stadtteil"] == "Insgesamt")]
    fig = go.Figure()
    # the participants' share shows its count on small bases ("2 von 3", issue 10.7)
    texte = {"anteil_teilnehmende": [
                 kz.fmt("anteil_migration_tn", a, basis=n, zaehler=m) if pd.notna(a) else ""
                 for a, n, m in zip(teil["anteil_teilnehmende"], teil["teilnehmende"],
                                    teil["mit_migration"])],
             "anteil_bevoelkerung": [kz.fmt("anteil_migration_bev", a) if pd.notna(a) else ""
                                     for a in teil["anteil_bevoelkerung"]]}
    for spalte, name in (("anteil_teilnehmende", "Teilnehmende"),
                         ("anteil_bevoelkerung", "Bevölkerung")):
        werte = teil[spalte] * 100
        fig.add_bar(x=teil["stadtteil"], y=werte, name=name, marker_color=FARBEN[name],
                    text=texte[spalte], textposition="outside", customdata=texte[spalte],
                    hovertemplate="%{x}: %{customdata}<extra>" + name + "</extra>")
    fig.update_layout(barmode="group", yaxis_title="Anteil mit Migrationshintergrund",
                      yaxis_ticksuffix=" %")
    return german_layout(fig, "Migrationshintergrund: Teilnehmende und Bevölkerung")


def anteile_chart(df: pd.DataFrame, kategorie: str, titel: str,
                  reihenfolge: tuple[str, ...] = ()) -> go.Figure:
    """100 % stacked horizontal bars: for each group (row), the split over `kategorie`.
    `df` has Gruppe, gruppe, the category column and personen."""
    from biwaq.zahlen import kennzahlen as kz

    gesamt = df.groupby("Gruppe", sort=False)["personen"].transform("sum")
    d = df.assign(anteil=df["personen"] / gesamt * 100, basis=gesamt)
    # issue 10.7: on a small group the share shows its count ("67 % (2 von 3)")
    d["text"] = [kz.fmt("anteil_in_gruppe", None, basis=n, zaehler=p)
                 for p, n in zip(d["personen"], d["basis"])]
    gruppen = list(dict.fromkeys(d["Gruppe"]))
    kategorien = [k for k in reihenfolge if k in set(d[kategorie])] + sorted(
        set(d[kategorie]) - set(reihenfolge))
    fig = go.Figure()
    for i, k in enumerate(kategorien):
        teil = d[d[kategorie] == k]
        fig.add_bar(y=teil["Gruppe"], x=teil["anteil"], name=k, orientation="h",
                    marker_color=FARBEN.get(k, SEQUENZ[i % len(SEQUENZ)]),
                    customdata=teil[["personen", "text"]].to_numpy(),
                    text=[t if v >= 6 else "" for t, v in zip(teil["text"], teil["anteil"])],
                    textposition="inside", insidetextanchor="middle",
                    hovertemplate="%{y}: %{customdata[0]} Personen (%{customdata[1]})<extra>"
                                  + k + "</extra>")
    fig.update_layout(barmode="stack", xaxis_title="Anteil der Personen", xaxis_ticksuffix=" %",
                      xaxis_range=[0, 100], height=max(300, 48 * len(gruppen) + 150),
                      legend_traceorder="normal")
    fig.update_yaxes(categoryorder="array", categoryarray=gruppen[::-1])
    return german_layout(fig, titel)


def kombinationen_chart(matrix: pd.DataFrame) -> go.Figure:
    """Heat map of persons in both groups of a pair (diagonal: group size). `matrix` is a
    square frame of counts with German group names as index and columns."""
    z = matrix.to_numpy()
    fig = go.Figure(go.Heatmap(
        z=z, x=list(matrix.columns), y=list(matrix.index), text=z, texttemplate="%{text}",
        colorscale=[[0, "#FFFFFF"], [1, O["blau"]]], showscale=True,
        colorbar=dict(title="Personen"),
        hovertemplate="%{y} und %{x}: %{z} Personen<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=460)
    return german_layout(fig, "Kombinationen der Zielgruppen")


def trichter_chart(df: pd.DataFrame, ansicht: str = "anteil") -> go.Figure:
    """The funnel of every group in one figure: grouped bars per stage, one colour per group.
    `df`: analytics.trichter_lang() after sortiert(); ansicht 'anteil' (share of first contact)
    or 'anzahl' (persons)."""
    fig = go.Figure()
    stufen = [name for _, name in STUFEN]
    for key, name, farbe in _gruppen(df):
        teil = df[df["gruppe"] == key]
        y = teil["quote_erstkontakt"] * 100 if ansicht == "anteil" else teil["personen"]
        hover = [f"{s}: {p} Personen"
                 + (f", Übergang {q * 100:.0f} % von der Vorstufe" if pd.notna(q) else "")
                 for s, p, q in zip(teil["stufe"], teil["personen"], teil["quote_vorstufe"])]
        # value labels on the bars, rounded once here at display (half away from zero)
        text = ([kz.zahl(v, 1) + " %" for v in y] if ansicht == "anteil"
                else [kz.zahl(v) for v in y])
        fig.add_bar(x=teil["stufe"], y=y, name=name, marker_color=farbe, hovertext=hover,
                    hovertemplate="%{hovertext}<extra>" + name + "</extra>",
                    text=text, textposition="outside", cliponaxis=False, textangle=-90,
                    textfont=dict(size=11))
    fig.update_xaxes(categoryorder="array", categoryarray=stufen)
    if ansicht == "anteil":
        fig.update_layout(yaxis_title="Anteil der Erstkontakte", yaxis_ticksuffix=" %",
                          yaxis_range=[0, 125],   # room for the value labels
                          yaxis_tickvals=[0, 20, 40, 60, 80, 100])
    else:
        fig.update_layout(yaxis_title="Personen", yaxis_range=[0, 1.25 * max(
            [float(v) for v in df["personen"]] + [1])])
    fig.update_layout(barmode="group", xaxis_title=None, uniformtext=dict(minsize=10,
                                                                           mode="show"))
    return german_layout(fig, "Vom Erstkontakt zum Verbleib")


def stufenzeiten_chart(df: pd.DataFrame) -> go.Figure:
    """Median days between stages, grouped bars per step, one colour per group.
    `df`: query vermittlung_stufenzeiten after sortiert(), with a column Schritt."""
    fig = go.Figure()
    for key, name, farbe in _gruppen(df):
        teil = df[df["gruppe"] == key]
        fig.add_bar(x=teil["Schritt"], y=teil["median_tage"], name=name, marker_color=farbe,
                    customdata=teil["personen"],
                    hovertemplate="%{x}: Median %{y:.0f} Tage (%{customdata} Personen)"
                                  "<extra>" + name + "</extra>")
    fig.update_layout(barmode="group", xaxis_title=None, yaxis_title="Tage (Median)")
    return german_layout(fig, "Zeit zwischen den Stufen")


def kohorten_farben(n: int) -> list[str]:
    """n colours from Viridis (ordered dark → light, readable with colour-blindness)."""
    if n <= 1:
        return [O["blau"]] * n
    return sample_colorscale("Viridis", [i / (n - 1) * 0.9 for i in range(n)])


MAX_LINIEN = 5     # more lines than this in one chart are not readable (issue 15)


def inzidenz_chart(kurven: pd.DataFrame) -> go.Figure:
    """Cumulative incidence of placement by days since entry, one step line per cohort.
    `kurven`: analytics.kohorten().kurven. More than MAX_LINIEN cohorts (quarters of several
    years): small multiples, one panel per entry year with its quarters
    (inzidenz_kleine_vielfache)."""
    namen = list(dict.fromkeys(kurven["kohorte"]))
    if len(namen) > MAX_LINIEN:
        return inzidenz_kleine_vielfache(kurven)
    fig = go.Figure()
    for name, farbe in zip(namen, kohorten_farben(len(namen))):
        teil = kurven[kurven["kohorte"] == name]
        fig.add_scatter(x=teil["tage"], y=teil["inzidenz"] * 100, name=f"Eintritt {name}",
                        mode="lines", line=dict(shape="hv", color=farbe, width=2),
                        customdata=teil["unter_risiko"],
                        hovertemplate="Tag %{x}: %{y:.1f} % vermittelt "
                                      "(noch %{customdata:.0f} unter Beobachtung)<extra>"
                                      + f"Eintritt {name}</extra>")
    fig.update_layout(xaxis_title="Tage seit Eintritt", yaxis_title="Bis dahin vermittelt",
                      yaxis_ticksuffix=" %", height=480)
    german_layout(fig, "Zeit bis zur Vermittlung je Eintrittskohorte")
    # up to 13 quarterly cohorts: a legend on the right, in cohort order, never over the title
    fig.update_layout(legend=dict(orientation="v", x=1.01, y=1, yanchor="top",
                                  title_text="Kohorte"))
    return fig


def inzidenz_kleine_vielfache(kurven: pd.DataFrame) -> go.Figure:
    """Quarterly cohorts as small multiples: one panel per entry year (two per row), in each
    at most four step lines Q1–Q4, the same colour for a quarter in every panel, one legend.
    `kurven`: analytics.kohorten(..., 'quartal').kurven, cohorts labelled 'JJJJ Qn'."""
    from plotly.subplots import make_subplots

    namen = list(dict.fromkeys(kurven["kohorte"]))
    jahre = list(dict.fromkeys(n.split(" ")[0] for n in namen))
    spalten = 2 if len(jahre) > 1 else 1
    zeilen = -(-len(jahre) // spalten)
    fig = make_subplots(rows=zeilen, cols=spalten, shared_xaxes=True, shared_yaxes=True,
                        subplot_titles=[f"Eintritt {j}" for j in jahre],
                        vertical_spacing=0.12, horizontal_spacing=0.05)
    farben = dict(zip(("Q1", "Q2", "Q3", "Q4"), kohorten_farben(4)))
    gezeigt = set()
    for name in namen:
        jahr, _, quartal = name.partition(" ")
        i = jahre.index(jahr)
        teil = kurven[kurven["kohorte"] == name]
        fig.add_scatter(x=teil["tage"], y=teil["inzidenz"] * 100, name=quartal,
                        legendgroup=quartal, showlegend=quartal not in gezeigt,
                        legendrank=int(quartal[1:]) if quartal[1:].isdigit() else 9,
                        mode="lines", line=dict(shape="hv", color=farben.get(quartal), width=2),
                        customdata=teil["unter_risiko"],
                        hovertemplate="Tag %{x}: %{y:.1f} % vermittelt (noch "
                                      "%{customdata:.0f} unter Beobachtung)<extra>Eintritt "
                                      + name + "</extra>",
                        row=i // spalten + 1, col=i % spalten + 1)
        gezeigt.add(quartal)
    fig.update_yaxes(ticksuffix=" %", range=[0, 100])
    for r in range(1, zeilen + 1):
        fig.update_yaxes(title_text="Vermittelt", row=r, col=1)
    for c in range(1, spalten + 1):
        fig.update_xaxes(title_text="Tage seit Eintritt", row=zeilen, col=c)
    german_layout(fig, "Zeit bis zur Vermittlung je Eintrittskohorte (je Eintrittsjahr)")
    # the legend on the right, Q1..Q4, never over a panel's title
    fig.update_layout(height=260 * zeilen + 120,
                      legend=dict(orientation="v", x=1.01, y=1, yanchor="top",
                                  title_text="Eintritts-<br>quartal"))
    return fig


def arten_chart(df: pd.DataFrame, reihenfolge: tuple[str, ...]) -> go.Figure:
    """Placements per sector (rows, largest at the top), stacked by type.
    `df`: query vermittlung_arten (art, branche, lokal, vermittlungen)."""
    je = df.groupby(["branche", "art"], as_index=False)["vermittlungen"].sum()
    summe = je.groupby("branche")["vermittlungen"].sum().sort_values()
    fig = go.Figure()
    for i, art in enumerate([a for a in reihenfolge if a in set(je["art"])]):
        teil = je[je["art"] == art]
        fig.add_bar(y=teil["branche"], x=teil["vermittlungen"], name=art, orientation="h",
                    marker_color=FARBEN.get(art, SEQUENZ[i % len(SEQUENZ)]),
                    hovertemplate="%{y}: %{x} Vermittlungen<extra>" + art + "</extra>")
    fig.update_yaxes(categoryorder="array", categoryarray=list(summe.index))
    fig.update_layout(barmode="stack", xaxis_title="Vermittlungen",
                      height=max(320, 40 * len(summe) + 150), legend_traceorder="normal")
    return german_layout(fig, "Vermittlungen nach Branche und Art")


def esf_chart(tabelle: pd.DataFrame) -> go.Figure:
    """Share of each recorded ESF+ indicator in its base (bars), one colour per area.
    `tabelle`: analytics.esf_tabelle() without the rows that are the bases themselves."""
    fig = go.Figure()
    for bereich, farbe in zip(list(dict.fromkeys(tabelle["Bereich"])), (O["blau"], O["gruen"])):
        teil = tabelle[tabelle["Bereich"] == bereich]
        fig.add_bar(y=teil["Indikator"], x=teil["Anteil (%)"].astype(float), orientation="h",
                    name=bereich, marker_color=farbe,
                    customdata=teil[["Anzahl", "Bezugsgröße"]].astype(float).to_numpy(),
                    text=[f"{v:.1f} %".replace(".", ",") for v in teil["Anteil (%)"]],
                    textposition="outside", cliponaxis=False,
                    hovertemplate="%{y}: %{customdata[0]:.0f} von %{customdata[1]:.0f} "
                                  "(%{x:.1f} %)<extra></extra>")
    fig.update_yaxes(categoryorder="array", categoryarray=list(tabelle["Indikator"])[::-1])
    fig.update_layout(xaxis_title="Anteil an der Bezugsgröße", xaxis_ticksuffix=" %",
                      xaxis_range=[0, 110], height=max(320, 30 * len(tabelle) + 150))
    return german_layout(fig, "ESF+-Indikatoren: Anteile")
