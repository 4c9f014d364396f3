"""Plotly figures of the local-economy pages: vacancy map and trend, business charts, survival."""
from __future__ import annotations

import math
import os

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from biwaq.app.charts import farbe, german_layout
from biwaq.app import kartentext
from biwaq.app.kartentext import KARTE_HOEHE, ausschnitt, beschriftung_geojson  # noqa: F401
from biwaq.einlesen.contract import LEERSTAND_STATUS
from biwaq.zahlen.oekonomie import ANDERE, MIGRANT, URSPRUENGE, Ueberleben

# Basemap: the OSM street map is loaded by the user's browser; "ohne" needs no network at all.
HINTERGRUENDE = {"osm": "open-street-map", "ohne": "white-bg"}
HINTERGRUND_NAMEN = {"osm": "Straßenkarte (OpenStreetMap), wenn erreichbar",
                     "ohne": "ohne Hintergrundkarte"}
KACHEL_PROBE = "https://tile.openstreetmap.org/0/0/0.png"   # the style's own tile server
GROESSE_MIN_PX, GROESSE_MAX_PX = 11.0, 32.0
FLAECHE_MIN_M2, FLAECHE_MAX_M2 = 30.0, 25_000.0
TREFFER_FARBE = "#000000"
TREFFER_NAME = "Treffer aus „Räume finden“"
NAMEN_HOEHE_ANTEIL = 0.016   # district names: capital height as share of the map's height
# Status by pattern as well as colour (MapLibre circles only: layered discs, no icon sprites,
# which would have to be downloaded): (symbol in the legend, rings as (diameter share, white?)).
STATUS_MUSTER = {
    "leer": ("●", ()),
    "in Vermarktung": ("◉", ((0.64, True), (0.34, False))),
    "Zwischennutzung": ("◎", ((0.74, True), (0.52, False), (0.28, True))),
    "wiederbelegt": ("○", ((0.6, True),)),
}


def hintergrund_standard() -> str:
    """The basemap setting: $BIWAQ_KARTE = osm | ohne (default osm)."""
    wert = os.environ.get("BIWAQ_KARTE", "osm").strip().lower()
    return wert if wert in HINTERGRUENDE else "osm"


def _de(x: float, stellen: int = 0) -> str:
    text = f"{x:,.{stellen}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def marker_groesse(flaeche_m2) -> np.ndarray:
    """Point diameter in px from floor area: logarithmic between 30 m² (11 px) and 25,000 m²
    (32 px), clamped. A 35 m² shop and a 2.5 ha brownfield stay both visible and distinct (and
    the smallest point still shows its status pattern); an area-true (sqrt) scale would make
    the brownfield 27 times wider than the shop."""
    a = np.clip(np.asarray(flaeche_m2, dtype=float), FLAECHE_MIN_M2, FLAECHE_MAX_M2)
    anteil = (np.log(a) - math.log(FLAECHE_MIN_M2)) / (math.log(FLAECHE_MAX_M2)
                                                        - math.log(FLAECHE_MIN_M2))
    return GROESSE_MIN_PX + anteil * (GROESSE_MAX_PX - GROESSE_MIN_PX)


def umrisse_im_quartier(umrisse: gpd.GeoDataFrame | None, quartier: str | None
                        ) -> gpd.GeoDataFrame | None:
    """The districts the map draws: those of the chosen programme area, or of both areas
    (districts of the rest of the city only when no district belongs to an area)."""
    if umrisse is None or not len(umrisse):
        return None
    if quartier:
        teil = umrisse[umrisse["quartier"] == quartier]
    else:
        teil = umrisse[umrisse["quartier"].notna()]
        teil = teil if len(teil) else umrisse
    return teil.reset_index(drop=True) if len(teil) else None


def namen_platz(umrisse: gpd.GeoDataFrame, hoehe_grad: float, punkte: pd.DataFrame,
                zoom: float) -> tuple[list[float], list[float]]:
    """A place for each district's name inside the district where it covers as few points as
    possible (MapLibre draws points over polygons, so a covered name would be hidden) and no
    name placed before; ties go to the place nearest the district's representative point.
    `punkte`: lat, lon, groesse_px of the drawn points; `zoom`: the map's zoom (px -> degrees).

    Candidates are a 9 x 9 grid over the district's bounding box, kept where the label's centre
    lies inside the district."""
    import shapely

    grad_px = 360 / (512 * 2 ** zoom)          # degrees of longitude per pixel
    p_lat = punkte["lat"].to_numpy(float)
    p_lon = punkte["lon"].to_numpy(float)
    p_r = punkte["groesse_px"].to_numpy(float) / 2 * grad_px
    gesetzt, out_lat, out_lon = [], [], []
    for name, geom in zip(umrisse["stadtteil"], umrisse.geometry):
        rp = geom.representative_point()
        x0, y0, x1, y1 = geom.bounds
        kandidaten = [(rp.y, rp.x)] + [
            (y, x) for y in np.linspace(y0, y1, 9)[1:-1] for x in np.linspace(x0, x1, 9)[1:-1]
            if geom.contains(shapely.Point(x, y))]
        best = None
        for la, lo in kandidaten:
            halb = kartentext.text_breite_grad(name, hoehe_grad, la) / 2
            kos = math.cos(math.radians(la))
            box = (lo - halb, la - 0.6 * hoehe_grad, lo + halb, la + 0.6 * hoehe_grad)
            bedeckt = int(((p_lon + p_r > box[0]) & (p_lon - p_r < box[2])
                           & (p_lat + p_r * kos > box[1]) & (p_lat - p_r * kos < box[3])).sum())
            ueber = sum(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                        for b in gesetzt)
            wert = (ueber, bedeckt, (la - rp.y) ** 2 + ((lo - rp.x) * kos) ** 2)
            if best is None or wert < best[0]:
                best = (wert, la, lo, box)
        gesetzt.append(best[3])
        out_lat.append(best[1])
        out_lon.append(best[2])
    return out_lat, out_lon


def stadtteil_namen(umrisse: gpd.GeoDataFrame, hoehe_grad: float,
                    punkte: pd.DataFrame | None = None, zoom: float = 12.0
                    ) -> list[go.Choroplethmap]:
    """District names on the map, each inside its district where it covers the fewest points
    and no other name (namen_platz), dark on a white rim."""
    if punkte is None:
        punkte = pd.DataFrame({"lat": [], "lon": [], "groesse_px": []})
    lat, lon = namen_platz(umrisse, hoehe_grad, punkte, zoom)
    return kartentext.namen_traces(umrisse["stadtteil"].tolist(), lat, lon, hoehe_grad,
                                   "Stadtteilnamen", verschieben=False)


def leerstand_karte(objekte: pd.DataFrame, umrisse: gpd.GeoDataFrame | None,
                    hintergrund: str = "ohne", hoehe: int = KARTE_HOEHE,
                    quartier: str | None = None, treffer: pd.DataFrame | None = None
                    ) -> go.Figure:
    """The vacancy map: outlines and names of the districts of `quartier` (None = both
    programme areas), one point per object sized by area, coloured and patterned by its status
    at the reference date (`status_stichtag`, else `status`), and the hits of "Räume finden"
    (`treffer`: rows with lat, lon, adresse, ...) ringed in black. The view fits the drawn
    districts and points.

    Everything is map data drawn on top of whatever basemap loads, so the map is complete
    without tiles; names are polygons (see beschriftung_geojson), not text layers."""
    fig = go.Figure()
    boxen = []
    umrisse = umrisse_im_quartier(umrisse, quartier)
    if umrisse is not None:
        schematisch = bool(umrisse["schematisch"].all())
        q = umrisse["quartier"].fillna("übriges Stadtgebiet")
        fig.add_trace(go.Choroplethmap(
            geojson=umrisse[["stadtteil", "geometry"]].__geo_interface__,
            locations=umrisse["stadtteil"], featureidkey="properties.stadtteil",
            z=np.ones(len(umrisse)), colorscale=[[0, "rgba(90,90,90,0.10)"],
                                                 [1, "rgba(90,90,90,0.10)"]],
            showscale=False, marker_line_color="#3a3a3a", marker_line_width=1.6,
            customdata=np.column_stack([q]),
            hovertemplate="<b>%{location}</b><br>%{customdata[0]}<extra></extra>",
            name="Stadtteile (schematisch)" if schematisch else "Stadtteile",
            showlegend=False))
        _legende(fig, "▭", "#3a3a3a",
                 "Stadtteile (schematisch)" if schematisch else "Stadtteile", "Stadtteile")
        boxen.append(umrisse.total_bounds)
    if len(objekte):
        boxen.append((objekte["lon"].min(), objekte["lat"].min(),
                      objekte["lon"].max(), objekte["lat"].max()))
    if treffer is not None and len(treffer):
        boxen.append((treffer["lon"].min(), treffer["lat"].min(),
                      treffer["lon"].max(), treffer["lat"].max()))
    if boxen:
        b = np.array(boxen, dtype=float)
        box = (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
        mitte, zoom = ausschnitt(*box, hoehe_px=hoehe)
    else:
        box, mitte, zoom = None, {"lat": 50.975, "lon": 11.04}, 11.5
    if treffer is not None and len(treffer):
        fig.add_trace(go.Scattermap(
            lat=treffer["lat"], lon=treffer["lon"], mode="markers",
            name=TREFFER_NAME, legendgroup=TREFFER_NAME, showlegend=False,
            marker=dict(size=marker_groesse(treffer["flaeche_m2"]) + 9, color=TREFFER_FARBE,
                        opacity=0.9),
            customdata=_hover_daten(treffer), hovertemplate=HOVER))
        _legende(fig, "◯", TREFFER_FARBE, TREFFER_NAME, TREFFER_NAME)
    spalte = "status_stichtag" if "status_stichtag" in objekte else "status"
    for status in LEERSTAND_STATUS:
        teil = objekte[objekte[spalte] == status]
        if teil.empty:
            continue
        zeichen, ringe = STATUS_MUSTER[status]
        groesse = marker_groesse(teil["flaeche_m2"])
        fig.add_trace(go.Scattermap(
            lat=teil["lat"], lon=teil["lon"], mode="markers", name=status,
            legendgroup=status, meta=status, showlegend=False,
            marker=dict(size=groesse, color=farbe(status), opacity=1.0),
            customdata=_hover_daten(teil, spalte), hovertemplate=HOVER))
        _legende(fig, zeichen, farbe(status), status, status)
        for anteil, weiss in ringe:
            fig.add_trace(go.Scattermap(
                lat=teil["lat"], lon=teil["lon"], mode="markers", legendgroup=status,
                showlegend=False, hoverinfo="skip", name=f"{status} (Muster)",
                marker=dict(size=groesse * anteil, color="#ffffff" if weiss else farbe(status),
                            opacity=1.0)))
    if umrisse is not None:      # drawn below the points: placed where they cover fewest
        hoehe_grad = max(min((box[3] - box[1]) * NAMEN_HOEHE_ANTEIL, 0.003), 0.0006)
        teile = [pd.DataFrame({"lat": objekte["lat"], "lon": objekte["lon"],
                               "groesse_px": marker_groesse(objekte["flaeche_m2"])})]
        if treffer is not None and len(treffer):
            teile.append(pd.DataFrame({"lat": treffer["lat"], "lon": treffer["lon"],
                                       "groesse_px": marker_groesse(treffer["flaeche_m2"]) + 9}))
        for t in stadtteil_namen(umrisse, hoehe_grad, pd.concat(teile), zoom):
            fig.add_trace(t)
    german_layout(fig)
    fig.update_layout(
        height=hoehe + 40, margin=dict(l=0, r=0, t=40, b=0),
        uirevision=f"leerstand_karte_{quartier or 'beide'}",
        map=dict(style=HINTERGRUENDE.get(hintergrund, "white-bg"), center=mitte, zoom=zoom),
        # above the map, not on it: nothing of the map is hidden
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0,
                    title_text="Status am Stichtag:", font_size=13, itemwidth=30))
    return fig


def _legende(fig: go.Figure, zeichen: str, farbe_: str, wort: str, gruppe: str) -> None:
    """One legend entry: the symbol in its colour, then the word (`<span>` styling of plotly
    text). The entry belongs to a trace of its own without points whose marker is invisible,
    because a map trace's own legend mark is always a plain dot and showed the status twice
    ("● • leer"); clicking the entry still hides and shows the whole `gruppe`."""
    fig.add_trace(go.Scattermap(
        lat=[None], lon=[None], mode="markers", legendgroup=gruppe, hoverinfo="skip",
        name=f'<span style="color:{farbe_};font-size:18px">{zeichen}</span> {wort}',
        marker=dict(size=1, opacity=0, color="rgba(0,0,0,0)"), showlegend=True))


HOVER = ("<b>%{customdata[0]}</b><br>Art: %{customdata[1]}<br>Fläche: %{customdata[2]} m²"
         "<br>Status: %{customdata[4]}<br>frei seit: %{customdata[3]}<br>"
         "Eigentümer: %{customdata[6]}<br>Nachnutzung: %{customdata[5]}<extra></extra>")


def _hover_daten(teil: pd.DataFrame, status_spalte: str = "status") -> np.ndarray:
    """address, type, area, vacant since, status, new use, owner type (for HOVER)."""
    return np.column_stack([
        teil["adresse"].astype(str),
        teil["art"].astype(str),
        [_de(x) for x in teil["flaeche_m2"]],
        pd.to_datetime(teil["leer_seit"]).dt.strftime("%d.%m.%Y"),
        teil[status_spalte].astype(str),
        teil["nachnutzung"].fillna("–").astype(str),
        teil["eigentuemer_typ"].fillna("ohne Angabe").astype(str),
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
                            name="Ende der Beobachtung (noch aktiv)", legendgroup="ende",
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
    from biwaq.zahlen import kennzahlen as kz

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
