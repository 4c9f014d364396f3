"""Text on MapLibre maps without a font server: labels drawn as polygons from the outline of
DejaVu Sans (shipped with matplotlib). MapLibre text layers load their glyphs from the internet,
so offline they stay empty; these polygons are plain map data. Used by the vacancy map and the
public map (no database code here)."""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go

BESCHRIFTUNG_FARBE = "#1a1a1a"
KARTE_HOEHE = 600


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


@lru_cache(maxsize=256)
def _text_form(text: str):
    """The outline of `text` as a shapely geometry in font units (DejaVu Sans, em = 1,
    baseline at y = 0), centred horizontally. Drawn from the font file that matplotlib ships:
    map labels need no glyph server (MapLibre text layers load fonts from the internet)."""
    import shapely
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    pfad = TextPath((0, 0), text, size=1, prop=FontProperties(family="DejaVu Sans",
                                                              weight="bold"))
    form = shapely.Polygon()
    for ring in pfad.to_polygons():      # even-odd: holes of a, e, o are rings too
        if len(ring) >= 4:
            form = form.symmetric_difference(shapely.Polygon(ring).buffer(0))
    x0, _, x1, _ = form.bounds if not form.is_empty else (0, 0, 0, 0)
    return shapely.affinity.translate(form.simplify(0.008), -(x0 + x1) / 2, 0)


@lru_cache(maxsize=256)
def _rand_form(text: str, halo: float):
    """The letters widened by `halo` (share of the capital height): the white rim."""
    return _text_form(text).buffer(halo / 0.73, quad_segs=3, join_style="round").simplify(0.01)


def beschriftung_geojson(texte, lat, lon, hoehe_grad: float, halo: float = 0.0) -> dict:
    """Text drawn as polygons on the map: one GeoJSON feature per label (property `name`),
    centred on (lat, lon), capital height about `hoehe_grad` degrees of latitude; `halo` > 0
    widens the letters by that share of the height (a white rim under the text)."""
    import shapely

    features = []
    for text, la, lo in zip(texte, lat, lon):
        form = _rand_form(str(text), halo) if halo else _text_form(str(text))
        k = hoehe_grad / 0.73                       # DejaVu's capital height is 0.73 em
        kx = k / math.cos(math.radians(float(la)))  # degrees of longitude are shorter
        geo = shapely.affinity.affine_transform(form, [kx, 0, 0, k, float(lo),
                                                       float(la) - 0.36 * k])
        features.append({"type": "Feature", "id": str(text), "properties": {"name": str(text)},
                         "geometry": shapely.geometry.mapping(geo)})
    return {"type": "FeatureCollection", "features": features}


def flaeche_trace(geojson: dict, farbe_: str, name: str, **kw) -> go.Choroplethmap:
    """All features of `geojson` (property `name`) filled in one colour, no outline, no hover,
    not in the legend. Drawn where plotly puts polygon traces by default: beneath every point
    trace (plotly.js inserts choroplethmap layers below the first scattermap layer), so a label
    never covers a point."""
    namen = [f["properties"]["name"] for f in geojson["features"]]
    return go.Choroplethmap(
        geojson=geojson, locations=namen, featureidkey="properties.name",
        z=np.ones(len(namen)), colorscale=[[0, farbe_], [1, farbe_]], showscale=False,
        marker_line_width=0, hoverinfo="skip", name=name, showlegend=False, **kw)


def namen_positionen(texte, lat, lon, hoehe_grad: float) -> tuple[list, list]:
    """Label positions: each name at its point, moved up or down by whole line heights when
    it would overlap a name placed before (small neighbouring districts)."""
    boxen, neu_lat = [], []
    for text, la, lo in zip(texte, lat, lon):
        x0, _, x1, _ = _text_form(str(text)).bounds
        halb = (x1 - x0) / 2 * hoehe_grad / 0.73 / math.cos(math.radians(float(la)))
        for schritt in (0, 1, -1, 2, -2, 3, -3):
            y = float(la) + schritt * 1.5 * hoehe_grad
            box = (float(lo) - halb, y - 0.6 * hoehe_grad, float(lo) + halb, y + 0.6 * hoehe_grad)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                       for b in boxen):
                break
        boxen.append(box)
        neu_lat.append(y)
    return neu_lat, [float(x) for x in lon]


def text_breite_grad(text: str, hoehe_grad: float, lat: float) -> float:
    """Width of a label in degrees of longitude (capital height `hoehe_grad` in latitude)."""
    x0, _, x1, _ = _text_form(str(text)).bounds
    return (x1 - x0) * hoehe_grad / 0.73 / math.cos(math.radians(float(lat)))


def namen_traces(texte, lat, lon, hoehe_grad: float, name: str = "Namen",
                 verschieben: bool = True) -> list[go.Choroplethmap]:
    """Labels at the given points (with `verschieben`, moved apart where two would overlap): a
    white rim and the dark letters, as two polygon traces without hover; the second is called
    `name`. MapLibre draws polygon traces below point traces (plotly sorts them so), so labels
    should sit where no point is (see charts_oekonomie.namen_platz)."""
    texte = [str(t) for t in texte]
    if verschieben:
        lat, lon = namen_positionen(texte, lat, lon, hoehe_grad)
    args = (texte, lat, lon, hoehe_grad)
    return [flaeche_trace(beschriftung_geojson(*args, halo=0.14), "rgba(255,255,255,0.8)",
                          f"{name} (Rand)"),
            flaeche_trace(beschriftung_geojson(*args), BESCHRIFTUNG_FARBE, name)]
