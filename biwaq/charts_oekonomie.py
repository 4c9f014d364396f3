"""Plotly figures of the local-economy pages: vacancy map and trend, business charts, survival."""
from __future__ import annotations

import math
import os

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from biwaq.charts import farbe, german_layout
from biwaq.contract import LEERSTAND_STATUS
from biwaq.oekonomie import ANDERE, MIGRANT, URSPRUENGE, Ueberleben

# Basemap: the OSM street map is loaded by the user's browser; "ohne" needs no network at all.
HINTERGRUENDE = {"osm": "open-street-map", "ohne": "white-bg"}
HINTERGRUND_NAMEN = {"osm": "Straßenkarte (OpenStreetMap)", "ohne": "ohne Hintergrundkarte"}
GROESSE_MIN_PX, GROESSE_MAX_PX = 7.0, 30.0
FLAECHE_MIN_M2, FLAECHE_MAX_M2 = 30.0, 25_000.0
KARTE_HOEHE = 600


def hintergrund_standard() -> str:
    """The basemap setting: $BIWAQ_KARTE = osm | ohne (default osm)."""
    wert = os.environ.get("BIWAQ_KARTE", "osm").strip().lower()
    return wert if wert in HINTERGRUENDE else "osm"


def _de(x: float, stellen: int = 0) -> str:
    text = f"{x:,.{stellen}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def marker_groesse(flaeche_m2) -> np.ndarray:
    """Point diameter in px from floor area: logarithmic between 30 m² (7 px) and 25,000 m²
    (30 px), clamped. A 35 m² shop and a 2.5 ha brownfield stay both visible and distinct;
    an area-true (sqrt) scale would make the brownfield 27 times wider than the shop."""
    a = np.clip(np.asarray(flaeche_m2, dtype=float), FLAECHE_MIN_M2, FLAECHE_MAX_M2)
    anteil = (np.log(a) - math.log(FLAECHE_MIN_M2)) / (math.log(FLAECHE_MAX_M2)
                                                        - math.log(FLAECHE_MIN_M2))
    return GROESSE_MIN_PX + anteil * (GROESSE_MAX_PX - GROESSE_MIN_PX)


def ausschnitt(lon_min: float, lat_min: float, lon_max: float, lat_max: float,
               breite_px: float = 900, hoehe_px: float = KARTE_HOEHE) -> tuple[dict, float]:
    """Centre and zoom that fit a WGS84 box into a map of the given size (MapLibre's 512 px
    world at zoom 0, web Mercator)."""
    y = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))   # noqa: E731
    d_lon = max(lon_max - lon_min, 1e-4)
    d_y = max(y(lat_max) - y(lat_min), 1e-6)
    z_lon = math.log2(breite_px * 360 / (d_lon * 512))
    z_lat = math.log2(hoehe_px * 2 * math.pi / (d_y * 512))
    mitte_y = (y(lat_max) + y(lat_min)) / 2
    mitte_lat = math.degrees(2 * math.atan(math.exp(mitte_y)) - math.pi / 2)
    return {"lat": mitte_lat, "lon": (lon_min + lon_max) / 2}, min(z_lon, z_lat) - 0.15


def leerstand_karte(objekte: pd.DataFrame, umrisse: gpd.GeoDataFrame | None,
                    hintergrund: str = "ohne", hoehe: int = KARTE_HOEHE) -> go.Figure:
    """District outlines and one point per object, coloured by status and sized by area.

    Outlines and points are map data, drawn on top of whatever basemap loads, so the map is
    complete without tiles. No text layers (those would need font downloads)."""
    fig = go.Figure()
    boxen = []
    if umrisse is not None and len(umrisse):
        schematisch = bool(umrisse["schematisch"].all())
        quartier = umrisse["quartier"].fillna("übriges Stadtgebiet")
        fig.add_trace(go.Choroplethmap(
            geojson=umrisse[["stadtteil", "geometry"]].__geo_interface__,
            locations=umrisse["stadtteil"], featureidkey="properties.stadtteil",
            z=np.ones(len(umrisse)), colorscale=[[0, "rgba(90,90,90,0.10)"],
                                                 [1, "rgba(90,90,90,0.10)"]],
            showscale=False, marker_line_color="#3a3a3a", marker_line_width=1.6,
            customdata=np.column_stack([quartier]),
            hovertemplate="<b>%{location}</b><br>%{customdata[0]}<extra></extra>",
            name="Stadtteile (schematisch)" if schematisch else "Stadtteile",
            showlegend=True))
        innen = umrisse[umrisse["quartier"].notna()]
        boxen.append((innen if len(innen) else umrisse).total_bounds)
    for status in LEERSTAND_STATUS:
        teil = objekte[objekte["status"] == status]
        if teil.empty:
            continue
        fig.add_trace(go.Scattermap(
            lat=teil["lat"], lon=teil["lon"], mode="markers", name=status,
            marker=dict(size=marker_groesse(teil["flaeche_m2"]), color=farbe(status),
                        opacity=0.85),
            customdata=_hover_daten(teil),
            hovertemplate=("<b>%{customdata[0]}</b><br>Art: %{customdata[1]}<br>"
                           "Fläche: %{customdata[2]} m²<br>leer seit: %{customdata[3]}<br>"
                           "Status: %{customdata[4]}<br>Nachnutzung: %{customdata[5]}"
                           "<extra></extra>")))
    if len(objekte):
        boxen.append((objekte["lon"].min(), objekte["lat"].min(),
                      objekte["lon"].max(), objekte["lat"].max()))
    if boxen:
        b = np.array(boxen, dtype=float)
        mitte, zoom = ausschnitt(b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max(),
                                 hoehe_px=hoehe)
    else:
        mitte, zoom = {"lat": 50.975, "lon": 11.04}, 11.5
    german_layout(fig)
    fig.update_layout(
        height=hoehe, margin=dict(l=0, r=0, t=0, b=0), uirevision="leerstand_karte",
        map=dict(style=HINTERGRUENDE.get(hintergrund, "white-bg"), center=mitte, zoom=zoom),
        legend=dict(orientation="v", yanchor="top", y=0.99, xanchor="left", x=0.01,
                    bgcolor="rgba(255,255,255,0.85)"))
    return fig


def _hover_daten(teil: pd.DataFrame) -> np.ndarray:
    return np.column_stack([
        teil["adresse"].astype(str),
        teil["art"].astype(str),
        [_de(x) for x in teil["flaeche_m2"]],
        pd.to_datetime(teil["leer_seit"]).dt.strftime("%d.%m.%Y"),
        teil["status"].astype(str),
        teil["nachnutzung"].fillna("–").astype(str),
    ])


def leerstand_verlauf_chart(verlauf: pd.DataFrame, mass: str) -> go.Figure:
    """Vacant stock per district at each quarter's end: one line per district."""
    titel = {"einheiten": ("Leerstehende Einheiten", "Einheiten"),
             "flaeche_m2": ("Leerstehende Fläche", "m²")}[mass]
    fig = go.Figure()
    for i, (stadtteil, teil) in enumerate(verlauf.groupby("stadtteil", sort=True)):
        stand = pd.to_datetime(teil["stichtag"]).dt.strftime("%d.%m.%Y")
        fig.add_scatter(x=teil["quartal_label"], y=teil[mass], name=stadtteil,
                        mode="lines+markers", line=dict(color=farbe(stadtteil, i), width=2.5),
                        customdata=np.column_stack([stand]),
                        hovertemplate=f"{stadtteil}<br>Stand %{{customdata[0]}}: "
                                      f"%{{y:,.0f}} {titel[1]}<extra></extra>")
    fig.update_layout(xaxis_title="Quartal (Stand am Quartalsende)", yaxis_title=titel[1],
                      yaxis_rangemode="tozero")
    return german_layout(fig, f"{titel[0]} je Stadtteil")


def betriebe_chart(tab: pd.DataFrame, dim_label: str) -> go.Figure:
    """Advised businesses per category, stacked: migrant-run and other."""
    fig = go.Figure()
    x = tab[dim_label].astype(str)
    for gruppe in (MIGRANT, ANDERE):
        fig.add_bar(x=x, y=tab[gruppe], name=gruppe, marker_color=farbe(gruppe),
                    hovertemplate="%{x}: %{y} " + gruppe + "<extra></extra>")
    fig.update_layout(barmode="stack", xaxis_title=dim_label, yaxis_title="Betriebe",
                      xaxis_type="category", legend_traceorder="normal")
    return german_layout(fig, f"Beratene Betriebe nach {dim_label}")


def beratungen_chart(tab: pd.DataFrame, nach: str) -> go.Figure:
    """Consultations per quarter, stacked by format or topic."""
    fig = go.Figure()
    for i, col in enumerate(c for c in tab.columns if c != "Quartal"):
        fig.add_bar(x=tab["Quartal"], y=tab[col], name=col, marker_color=farbe(col, i),
                    hovertemplate="%{x}: %{y} × " + col + "<extra></extra>")
    fig.update_layout(barmode="stack", xaxis_title="Quartal", yaxis_title="Beratungen",
                      legend_traceorder="normal")
    return german_layout(fig, "Beratungen je Quartal nach "
                         + ("Format" if nach == "format" else "Thema"))


def ueberleben_chart(u: Ueberleben, max_monate: float = 60) -> go.Figure:
    """Kaplan–Meier curves side by side (since founding | since first consultation), one line
    per group with its 95 % band; ticks mark censored businesses (still active at the end)."""
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.06,
                        subplot_titles=[f"Anteil aktiv {t}" for t in URSPRUENGE.values()])
    for col, ursprung in enumerate(URSPRUENGE, start=1):
        for gruppe in (MIGRANT, ANDERE):
            km = u.kurven.get((ursprung, gruppe))
            if km is None:
                continue
            km = _bis(km, max_monate)
            c = farbe(gruppe)
            fig.add_scatter(x=km["zeit"], y=km["ci_oben"], mode="lines", line_shape="hv",
                            line=dict(width=0, color=c), hoverinfo="skip", showlegend=False,
                            legendgroup=gruppe, row=1, col=col)
            fig.add_scatter(x=km["zeit"], y=km["ci_unten"], mode="lines", line_shape="hv",
                            line=dict(width=0, color=c), fill="tonexty",
                            fillcolor=_transparent(c, 0.15), hoverinfo="skip",
                            showlegend=False, legendgroup=gruppe, row=1, col=col)
            fig.add_scatter(x=km["zeit"], y=km["ueberleben"], mode="lines", line_shape="hv",
                            line=dict(width=2.5, color=c), name=gruppe, legendgroup=gruppe,
                            showlegend=col == 1, customdata=km[["n_risiko"]],
                            hovertemplate=gruppe + "<br>Monat %{x:.1f}: %{y:.0%} aktiv<br>"
                            "unter Beobachtung: %{customdata[0]}<extra></extra>",
                            row=1, col=col)
            zens = km[km["zensiert"] > 0]
            fig.add_scatter(x=zens["zeit"], y=zens["ueberleben"], mode="markers",
                            marker=dict(symbol="line-ns-open", size=9, color=c),
                            name="zensiert (Ende der Beobachtung)", legendgroup="zensiert",
                            showlegend=False, hoverinfo="skip", row=1, col=col)
        for m in (12, 24):
            fig.add_vline(x=m, line=dict(color="#888", dash="dot", width=1), row=1, col=col)
        fig.update_xaxes(title_text="Monate", range=[0, max_monate], dtick=12, row=1, col=col)
    fig.update_yaxes(range=[0, 1.03], tickformat=".0%", row=1, col=1,
                     title_text="Anteil noch aktiv")
    german_layout(fig, "Stabilisierung: Anteil der Betriebe, die noch aktiv sind")
    fig.update_layout(height=500, margin=dict(t=90, b=20),
                      legend=dict(orientation="h", yanchor="top", y=-0.18, x=0))
    return fig


def _bis(km: pd.DataFrame, max_monate: float) -> pd.DataFrame:
    """The curve up to max_monate, its last value carried to the edge if it goes on."""
    teil = km[km["zeit"] <= max_monate]
    if km["zeit"].max() > max_monate:
        rand = teil.iloc[[-1]].assign(zeit=max_monate, zensiert=0)
        teil = pd.concat([teil, rand], ignore_index=True)
    return teil


def _transparent(hex_farbe: str, alpha: float) -> str:
    h = hex_farbe.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def beschaeftigte_chart(tab: pd.DataFrame) -> go.Figure:
    """Current headcount of active advised businesses by sector (migrant-run / other)."""
    fig = go.Figure()
    tab = tab.iloc[::-1]       # largest on top
    from biwaq import kennzahlen as kz

    spalte = {MIGRANT: kz.label("beschaeftigte_migrant"),
              ANDERE: kz.label("beschaeftigte_andere")}
    for gruppe in (MIGRANT, ANDERE):
        fig.add_bar(y=tab["Branche"], x=tab[spalte[gruppe]], name=gruppe, orientation="h",
                    marker_color=farbe(gruppe),
                    hovertemplate="%{y}: %{x} Beschäftigte (" + gruppe + ")<extra></extra>")
    fig.update_layout(barmode="stack", xaxis_title="Beschäftigte (aktueller Stand)",
                      legend_traceorder="normal")
    german_layout(fig, "Beschäftigte der aktiven beratenen Betriebe")
    fig.update_layout(height=max(320, 40 * len(tab) + 140), margin=dict(t=90))
    return fig


def vermittlungen_chart(df: pd.DataFrame, top: int = 15) -> go.Figure:
    """Businesses with the most placements from the project (horizontal bars)."""
    teil = df.head(top).iloc[::-1].copy()
    doppelt = teil["name"].duplicated(keep=False)
    teil["label"] = teil["name"].where(~doppelt, teil["name"] + " (" + teil["betrieb_id"] + ")")
    fig = go.Figure()
    migrant = teil["migrantenoekonomie"].astype(bool)
    sammel = teil["betrieb_id"].eq("")          # see oekonomie.vermittlungen_zusammenfassen
    for gruppe, maske, f in ((MIGRANT, migrant, farbe(MIGRANT)),
                             (ANDERE, ~migrant & ~sammel, farbe(ANDERE)),
                             ("zusammengefasst", sammel, farbe("ohne Angabe"))):
        t = teil[maske]
        if t.empty:
            continue
        fig.add_bar(y=t["label"], x=t["vermittlungen"], orientation="h", name=gruppe,
                    marker_color=f,
                    hovertemplate="%{y}: %{x} Vermittlungen<extra></extra>")
    fig.update_layout(barmode="overlay", xaxis_title="Vermittlungen",
                      yaxis=dict(type="category", categoryorder="array",
                                 categoryarray=list(teil["label"])),
                      xaxis_dtick=1)
    titel = "Lokale Betriebe, in die Teilnehmende vermittelt wurden"
    german_layout(fig, titel + (f" (die {top} häufigsten)" if len(df) > top else ""))
    fig.update_layout(height=max(320, 28 * len(teil) + 160), margin=dict(t=90))
    return fig
