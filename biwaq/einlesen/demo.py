"""Deterministic, vectorised, plausible demo data in contract form (BIWAQ Erfurt 2015–2018)."""
from __future__ import annotations

import dataclasses
import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from numpy.random import PCG64, Generator, SeedSequence
from pyproj import Transformer

from biwaq.einlesen.contract import (AKTIVITAETEN, AUSTRITTSGRUENDE, BERATUNGSFORMATE, BILDUNG, EIGENTUEMER,
                            LAUFZEIT_ENDE, LAUFZEIT_START, LEERSTAND_ARTEN, LEERSTAND_STATUS,
                            QUARTIERE, TABLES, TRAEGER, VERBLEIB, VERMITTLUNGSARTEN,
                            ZUGANGSWEGE)
from biwaq.einlesen.fileio import CSV_ENCODING, CSV_SEP, format_for_csv

DEFAULT_SEED = 2015
REST = "Übriges Stadtgebiet"
SCHEMATIC_NOTE = "Schematische Darstellung um die Stadtteilmitte, keine amtlichen Grenzen"

# --- Facts (shared/erfurt-facts.md) ----------------------------------------------------------

# name: (quartier, lat, lon, flaeche_ha, einwohner 2013, SGB II %, ALO %, migration %)
DISTRICTS = {
    "Andreasvorstadt": ("Magdeburger Allee", 50.986, 11.015, 352.0, 13800, 18.1, 7.4, 9.6),
    "Johannesvorstadt": ("Magdeburger Allee", 50.987, 11.040, 236.0, 7450, 18.7, 7.7, 8.4),
    "Ilversgehofen": ("Magdeburger Allee", 50.998, 11.025, 274.0, 14100, 20.6, 8.0, 8.6),
    "Herrenberg": ("Süd-Ost", 50.948, 11.058, 169.0, 9180, 26.8, 9.4, 8.8),
    "Wiesenhügel": ("Süd-Ost", 50.950, 11.043, 45.0, 6080, 25.1, 9.1, 7.0),
    "Melchendorf": ("Süd-Ost", 50.958, 11.072, 564.0, 11798, 15.5, 6.7, 6.1),
}
DISTRICT_NAMES = list(DISTRICTS)
DISTRICT_AREA = np.array([QUARTIERE.index(v[0]) for v in DISTRICTS.values()])  # 0 = MA, 1 = SO
DISTRICT_POP = np.array([v[4] for v in DISTRICTS.values()], dtype=float)
CITY = {"einwohner": 205_112, "sgb2_quote": 14.6, "alo_quote": 6.3, "migrationsanteil": 7.5,
        "flaeche_ha": 26_988.0}
RATES = ("sgb2_quote", "alo_quote", "migrationsanteil")
YEARS = range(2013, 2019)
ACT = {a: i for i, a in enumerate(AKTIVITAETEN)}

# Trends after 2013: population growth, unemployment down, SGB II dip, migration up 2015/16.
POP_GROWTH = {2013: 0.0, 2014: 0.003, 2015: 0.009, 2016: 0.019, 2017: 0.023, 2018: 0.027}
DISTRICT_DRIFT = {"Andreasvorstadt": 0.004, "Johannesvorstadt": 0.003, "Ilversgehofen": 0.002,
                  "Herrenberg": 0.0, "Wiesenhügel": -0.003, "Melchendorf": -0.001, REST: 0.001}
REFUGEE_HOUSING = {"Herrenberg": 1.5, "Wiesenhügel": 1.4, "Melchendorf": 1.2,
                   "Ilversgehofen": 1.1, "Andreasvorstadt": 0.9, "Johannesvorstadt": 0.9,
                   REST: 0.7}
SGB2_FACTOR = {2013: 1.0, 2014: 0.99, 2015: 0.975, 2016: 0.995, 2017: 0.96, 2018: 0.92}
ALO_FACTOR = {2013: 1.0, 2014: 0.96, 2015: 0.91, 2016: 0.86, 2017: 0.80, 2018: 0.75}
MIG_PLUS = {2013: 0.0, 2014: 0.4, 2015: 1.1, 2016: 2.6, 2017: 3.2, 2018: 3.7}

# --- Dates as integer days since 1970-01-01 ---------------------------------------------------


def _day(iso: str) -> int:
    return int(np.datetime64(iso, "D").astype(np.int64))


START = _day(LAUFZEIT_START.isoformat())
END = _day(LAUFZEIT_ENDE.isoformat())          # data stand: nothing after this day
REFUGEES_FROM = _day("2016-01-01")
VERBLEIB_OBSERVABLE = _day("2018-06-30")       # 6 months later is the data stand
NEVER = _day("2100-01-01")


def _dates(days, present=None) -> np.ndarray:
    """Integer days -> datetime64[s] (NaT where not present)."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[s]")
    if present is not None:
        d = np.where(present, d, np.datetime64("NaT", "s"))
    return d


def _year(days) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype(
        "datetime64[Y]").astype(np.int64) + 1970


def _jan1(year) -> np.ndarray:
    return (np.asarray(year) - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(
        np.int64)


def _workday(day, lo, hi) -> np.ndarray:
    """Move Saturdays/Sundays to the Friday before or Monday after, staying within lo..hi."""
    wd = (day + 3) % 7                       # 0 = Monday
    weekend = wd >= 5
    friday, monday = day - (wd - 4), day + (7 - wd)
    return np.where(weekend & (friday >= lo), friday,
                    np.where(weekend & (monday <= hi), monday, day))


# --- Random helpers (all vectorised) -----------------------------------------------------------


def _rngs(seed: int) -> dict[str, Generator]:
    """One PCG64 stream per topic, so the topics don't shift each other."""
    topics = ("betriebe", "teilnehmende", "vermittlungen", "aktivitaeten", "beratungen",
              "leerstaende")
    return {t: Generator(PCG64(s)) for t, s in zip(topics, SeedSequence(seed).spawn(len(topics)))}


def _choice(rng: Generator, n: int, p) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _choice_rows(rng: Generator, probs: np.ndarray) -> np.ndarray:
    """Row-wise categorical draw from an (n, k) matrix of weights."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def _share(rng: Generator, weight, target: float) -> np.ndarray:
    """Exactly round(target·n) rows, drawn without replacement with odds by weight.

    Efraimidis–Spirakis keys (log u / w): rows with weight 0 are never drawn.
    """
    weight = np.asarray(weight, dtype=float)
    k = min(int(round(target * weight.size)), int((weight > 0).sum()))
    keys = np.full(weight.size, -np.inf)
    pos = weight > 0
    keys[pos] = np.log(rng.random(int(pos.sum()))) / weight[pos]
    out = np.zeros(weight.size, dtype=bool)
    if k > 0:
        out[np.argpartition(-keys, k - 1)[:k]] = True
    return out


def _uniform(rng: Generator, lo, hi, size: int | None = None) -> np.ndarray:
    """Integers lo..hi inclusive (element-wise; requires hi >= lo)."""
    lo, hi = np.asarray(lo, np.int64), np.asarray(hi, np.int64)
    shape = np.broadcast_shapes(lo.shape, hi.shape, () if size is None else (size,))
    return lo + np.floor(rng.random(shape) * (hi - lo + 1)).astype(np.int64)


def _minutes(rng: Generator, n: int, lo: int, hi: int, step: int = 15) -> np.ndarray:
    return lo + step * rng.integers(0, (hi - lo) // step + 1, size=n)


def _nullable_int(values, known) -> pd.Series:
    return pd.Series(values, dtype="Int64").mask(~np.asarray(known))


def _ids(prefix: str, n: int, width: int, start: int = 1) -> np.ndarray:
    """prefix + zero-padded numbers start .. start+n-1 (padded to `width`, or wider if needed)."""
    w = max(width, len(str(start + n - 1)))
    return (prefix + pd.Series(np.arange(start, start + n)).astype(str).str.zfill(w)
            ).to_numpy(object)


def _pick(options, idx, missing=None) -> np.ndarray:
    """Index array -> object array of labels (idx < 0 -> missing)."""
    labels = np.array(list(options) + [missing], dtype=object)
    idx = np.asarray(idx)
    return labels[np.where(idx < 0, len(labels) - 1, idx)]


def _areas(rng: Generator, n: int, share_ma: float) -> np.ndarray:
    """Programme area per row (0 = Magdeburger Allee, 1 = Süd-Ost), exact share."""
    return (~_share(rng, np.ones(n), share_ma)).astype(np.int64)


def _district_in_area(rng: Generator, area: np.ndarray, weights=DISTRICT_POP) -> np.ndarray:
    """District index for each row, drawn within its programme area by weight."""
    out = np.empty(area.size, dtype=np.int64)
    for q in (0, 1):
        rows = np.flatnonzero(area == q)
        members = np.flatnonzero(DISTRICT_AREA == q)
        out[rows] = members[_choice(rng, rows.size, np.asarray(weights, float)[members])]
    return out


# --- Schematic district shapes --------------------------------------------------------------


@lru_cache(maxsize=1)
def _shapes_utm() -> tuple:
    """Voronoi cell of each centre, clipped to a circle grown until the area ≈ flaeche_ha."""
    lat = np.array([v[1] for v in DISTRICTS.values()])
    lon = np.array([v[2] for v in DISTRICTS.values()])
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True).transform(lon, lat)
    centres = shapely.points(x, y)
    region = shapely.box(x.min() - 20_000, y.min() - 20_000, x.max() + 20_000, y.max() + 20_000)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(centres),
                                                       extend_to=region, ordered=True))
    areas = [v[3] * 10_000 for v in DISTRICTS.values()]
    return tuple(_fit_circle(c, cell, a) for c, cell, a in zip(centres, cells, areas))


def _fit_circle(centre, cell, target_m2: float):
    r0 = np.sqrt(target_m2 / np.pi)
    lo, hi = r0, 3 * r0

    def clipped(r):
        return cell.intersection(centre.buffer(r, quad_segs=32))

    if clipped(hi).area < target_m2:
        return clipped(hi)
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if clipped(mid).area < target_m2 else (lo, mid)
    return clipped(hi)


def schematic_districts() -> gpd.GeoDataFrame:
    """The six districts as schematic polygons (EPSG:4326, coordinates rounded to 6 places)."""
    to_wgs = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)

    def to_lonlat(c):
        return np.round(np.column_stack(to_wgs.transform(c[:, 0], c[:, 1])), 6)

    # 1 m inset keeps neighbours strictly apart after rounding the shared Voronoi edges
    geoms = [shapely.geometry.polygon.orient(
        shapely.remove_repeated_points(shapely.transform(g.buffer(-1.0), to_lonlat)), 1.0)
        for g in _shapes_utm()]
    return gpd.GeoDataFrame({"stadtteil": DISTRICT_NAMES,
                             "quartier": [v[0] for v in DISTRICTS.values()],
                             "schematisch": [True] * len(geoms)},
                            geometry=geoms, crs="EPSG:4326")


def _geojson_text(gdf: gpd.GeoDataFrame) -> str:
    features = [{
        "type": "Feature",
        "properties": {"stadtteil": row.stadtteil, "quartier": row.quartier,
                       "schematisch": True, "hinweis": SCHEMATIC_NOTE},
        "geometry": {"type": "Polygon",
                     "coordinates": [[[round(x, 6), round(y, 6)]
                                      for x, y in row.geometry.exterior.coords]]},
    } for row in gdf.itertuples()]
    doc = {"type": "FeatureCollection", "name": "stadtteile_schematisch", "features": features}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _points_in_districts(rng: Generator, district: np.ndarray,
                         margin_m: float = 30.0) -> tuple[np.ndarray, np.ndarray]:
    """Random positions (lat, lon) inside each row's schematic district (rejection sampling)."""
    x = np.empty(district.size)
    y = np.empty(district.size)
    for d, shape in enumerate(_shapes_utm()):
        rows = np.flatnonzero(district == d)
        inner = shape.buffer(-margin_m)
        x0, y0, x1, y1 = inner.bounds
        got_x, got_y = np.empty(0), np.empty(0)
        while got_x.size < rows.size:
            m = 2 * (rows.size - got_x.size) + 16
            cx, cy = rng.uniform(x0, x1, m), rng.uniform(y0, y1, m)
            ok = shapely.contains_xy(inner, cx, cy)
            got_x, got_y = np.r_[got_x, cx[ok]], np.r_[got_y, cy[ok]]
        x[rows], y[rows] = got_x[:rows.size], got_y[:rows.size]
    lon, lat = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True).transform(x, y)
    return np.round(lat, 6), np.round(lon, 6)


# --- stadtteile -------------------------------------------------------------------------------


def _stadtteile() -> pd.DataFrame:
    """Six districts + rest of the city, 2013 matching the official sums; later years trended."""
    base = pd.DataFrame(
        [(n, v[0], v[3], v[4], v[5], v[6], v[7]) for n, v in DISTRICTS.items()],
        columns=["stadtteil", "quartier", "flaeche_ha", "einwohner", *RATES])
    rest = {"stadtteil": REST, "quartier": None,
            "flaeche_ha": CITY["flaeche_ha"] - base["flaeche_ha"].sum(),
            "einwohner": CITY["einwohner"] - base["einwohner"].sum()}
    for rate in RATES:
        inner = (base[rate] * base["einwohner"]).sum()
        rest[rate] = round((CITY[rate] * CITY["einwohner"] - inner) / rest["einwohner"], 1)
    base = pd.concat([base, pd.DataFrame([rest])], ignore_index=True)
    rows = []
    for jahr in YEARS:
        t = base.copy()
        t["jahr"] = jahr
        drift = t["stadtteil"].map(DISTRICT_DRIFT) * (jahr - 2013)
        housing = t["stadtteil"].map(REFUGEE_HOUSING)
        refugees = 0.006 * housing * (jahr >= 2016)
        t["einwohner"] = (t["einwohner"] * (1 + POP_GROWTH[jahr] + drift + refugees)).round()
        t["sgb2_quote"] = (t["sgb2_quote"] * SGB2_FACTOR[jahr]).round(1)
        t["alo_quote"] = (t["alo_quote"] * ALO_FACTOR[jahr]).round(1)
        t["migrationsanteil"] = (t["migrationsanteil"] + MIG_PLUS[jahr] * housing).round(1)
        rows.append(t)
    out = pd.concat(rows, ignore_index=True)
    out["einwohner"] = out["einwohner"].astype(np.int64)
    return out[TABLES["stadtteile"].column_names]


# --- betriebe -----------------------------------------------------------------------------------

BRANCHEN = ("Gastronomie", "Einzelhandel", "Handwerk", "Dienstleistung", "Gesundheit",
            "Kreativwirtschaft", "IT", "Logistik", "Pflege", "Reinigung")
BRANCHE_P = (0.19, 0.17, 0.14, 0.16, 0.07, 0.07, 0.05, 0.05, 0.05, 0.05)
MIGRANT_WEIGHT = (2.0, 1.6, 0.7, 1.0, 0.4, 0.4, 0.6, 1.0, 0.6, 1.6)
STAFF_MU = (1.3, 0.9, 1.2, 0.9, 1.2, 0.5, 0.8, 1.6, 2.2, 1.8)   # log-scale size by sector
KINDS = {
    "Gastronomie": ("Café", "Imbiss", "Bistro", "Pizzeria", "Grill", "Eiscafé", "Teestube",
                    "Restaurant", "Suppenküche"),
    "Einzelhandel": ("Feinkost", "Lebensmittel", "Blumenladen", "Buchladen", "Second-Hand",
                     "Kiosk", "Spätkauf", "Obst & Gemüse", "Handyladen", "Weinhandlung"),
    "Handwerk": ("Bäckerei", "Fahrradwerkstatt", "Malerbetrieb", "Tischlerei", "Schneiderei",
                 "Friseursalon", "Elektro", "Fliesenleger", "Goldschmiede"),
    "Dienstleistung": ("Umzugsservice", "Hausmeisterservice", "Übersetzungsbüro",
                       "Kosmetikstudio", "Nagelstudio", "Reisebüro", "Copyshop", "Textilpflege"),
    "Gesundheit": ("Physiotherapie", "Ergotherapie", "Logopädie", "Fußpflege", "Heilpraxis"),
    "Kreativwirtschaft": ("Atelier", "Fotostudio", "Grafikbüro", "Designbüro", "Tonstudio",
                          "Keramikwerkstatt"),
    "IT": ("IT-Service", "Webdesign", "Computerhilfe", "Softwarebüro", "Handyreparatur"),
    "Logistik": ("Kurierdienst", "Transporte", "Lieferservice", "Fahrradkurier"),
    "Pflege": ("Pflegedienst", "Tagespflege", "Seniorenbetreuung", "Alltagshilfe"),
    "Reinigung": ("Gebäudereinigung", "Reinigungsservice", "Glas- und Gebäudereinigung"),
}
NAME_WORDS = ("Sonnenschein", "Regenbogen", "Kleeblatt", "Lindenblüte", "Domblick",
              "Löwenzahn", "Morgenrot", "Nordlicht", "Gänseblümchen", "Glücksgriff",
              "Zur Linde", "Am Bach", "Pusteblume", "Sternschnuppe", "Hand in Hand")
MIGRANT_WORDS = ("Anatolia", "Bosporus", "Damaskus", "Aleppo", "Saigon", "Hanoi", "Kabul",
                 "Baku", "Tiflis", "Marrakesch", "Levante", "Ararat", "Kaukasus", "Balkan",
                 "Eritrea", "Byblos", "Yerevan", "Mekong")
SURNAMES = ("Krause", "Schubert", "Hoffmann", "Lehmann", "Schulze", "Wagner", "Richter",
            "Neumann", "Wolf", "Schröder", "Zimmermann", "Braun", "Hartmann", "Vogel")
# placement sector a business sector counts as
PLACEMENT_BRANCHE = {"Gastronomie": "Gastronomie", "Einzelhandel": "Handel",
                     "Handwerk": "Handwerk", "Dienstleistung": "Sonstiges",
                     "Gesundheit": "Sonstiges", "Kreativwirtschaft": "Sonstiges", "IT": "Sonstiges",
                     "Logistik": "Logistik", "Pflege": "Pflege", "Reinigung": "Reinigung"}


def _business_names(rng: Generator, branche: np.ndarray, migrant: np.ndarray,
                    district: np.ndarray) -> np.ndarray:
    """Trading names from word lists: 'Café Sonnenschein', 'Anatolia Imbiss', ..."""
    n = branche.size
    kind = np.empty(n, dtype=object)
    for b, name in enumerate(BRANCHEN):
        rows = np.flatnonzero(branche == b)
        kind[rows] = np.array(KINDS[name], dtype=object)[rng.integers(0, len(KINDS[name]),
                                                                      rows.size)]
    word = np.array(NAME_WORDS, dtype=object)[rng.integers(0, len(NAME_WORDS), n)]
    foreign = np.array(MIGRANT_WORDS, dtype=object)[rng.integers(0, len(MIGRANT_WORDS), n)]
    surname = np.array(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), n)]
    place = np.array(DISTRICT_NAMES, dtype=object)[district]
    pattern = rng.random(n)
    native = np.where(pattern < 0.45, kind + " " + word,
                      np.where(pattern < 0.75, kind + " " + surname, kind + " " + place))
    migrant_name = np.where(pattern < 0.6, foreign + " " + kind, kind + " " + foreign)
    return np.where(migrant, migrant_name, native)


def _business_frame(rng: Generator, scale: int) -> dict[str, np.ndarray]:
    """Young businesses: sector, founding, closure, position (internal, integer days)."""
    n = int(rng.integers(120, 141)) * scale
    area = _areas(rng, n, 0.6)
    district = _district_in_area(rng, area)
    branche = _choice(rng, n, BRANCHE_P)
    migrant = _share(rng, np.asarray(MIGRANT_WEIGHT)[branche], 0.30)
    founder = rng.random(n) < 0.35          # founded with the project's pre-founding advice
    years = np.arange(2009, 2019)
    year_p = (0.02, 0.03, 0.05, 0.12, 0.14, 0.17, 0.19, 0.14, 0.10, 0.04)
    jan1 = _jan1(years[_choice(rng, n, year_p)])
    old = np.minimum(jan1 + rng.integers(0, 365, n), _day("2018-09-30"))
    new = _uniform(rng, _day("2016-01-15"), _day("2018-11-30"), n)
    first_vg = np.maximum(new - rng.integers(21, 241, n), START)
    gruendung = np.where(founder, new, old)
    first_vg = np.where(founder, first_vg, -1)
    # closures: mostly within two years of founding, never before the project met the business
    age_at_close = np.where(rng.random(n) < 0.7, rng.integers(120, 730, n),
                            rng.integers(730, 1826, n))
    close = gruendung + age_at_close
    met = np.maximum(gruendung, START)
    closed = _share(rng, (close <= END) & (close >= met + 60), 0.17)
    staff = np.clip(np.floor(np.exp(rng.normal(np.asarray(STAFF_MU)[branche], 0.8))) - 1, 0, 25)
    staff = np.where(closed, 0, staff).astype(np.int64)
    staff_known = closed | (rng.random(n) >= 0.07)
    lat, lon = _points_in_districts(rng, district)
    order = np.argsort(gruendung, kind="stable")
    f = {"area": area, "district": district, "branche": branche, "migrant": migrant,
         "founder": founder, "gruendung": gruendung, "first_vg": first_vg, "closed": closed,
         "end": np.where(closed, close, NEVER), "staff": staff, "staff_known": staff_known,
         "lat": lat, "lon": lon}
    f = {k: v[order] for k, v in f.items()}
    f["name"] = _business_names(rng, f["branche"], f["migrant"], f["district"])
    f["id"] = _ids("B-", n, 4)
    return f


def _betriebe_table(b: dict) -> pd.DataFrame:
    return pd.DataFrame({
        "betrieb_id": b["id"],
        "name": b["name"],
        "quartier": _pick(QUARTIERE, b["area"]),
        "stadtteil": _pick(DISTRICT_NAMES, b["district"]),
        "branche": _pick(BRANCHEN, b["branche"]),
        "gruendung": _dates(b["gruendung"]),
        "migrantenoekonomie": b["migrant"],
        "beschaeftigte": _nullable_int(b["staff"], b["staff_known"]),
        "status": np.where(b["closed"], "geschlossen", "aktiv").astype(object),
        "status_datum": _dates(b["end"], b["closed"]),
        "lat": b["lat"],
        "lon": b["lon"],
    })


def _pick_business(rng: Generator, area: np.ndarray, day: np.ndarray, b: dict,
                   tries: int = 16) -> np.ndarray:
    """A business of the same area that exists on `day` (index, or -1 if none found)."""
    out = np.full(day.size, -1, dtype=np.int64)
    for q in (0, 1):
        rows = np.flatnonzero(area == q)
        pool = np.flatnonzero(b["area"] == q)
        if rows.size == 0 or pool.size == 0:
            continue
        cand = pool[rng.integers(0, pool.size, (rows.size, tries))]
        d = day[rows, None]
        ok = (b["gruendung"][cand] <= d) & (b["end"][cand] > d)
        first = cand[np.arange(rows.size), ok.argmax(axis=1)]
        out[rows] = np.where(ok.any(axis=1), first, -1)
    return out


# --- beratungen ---------------------------------------------------------------------------------

THEMEN = ("Finanzierung", "Marketing", "Personal", "Genehmigungen", "Räume", "Digitalisierung",
          "Buchhaltung")
THEMA_P = {   # per format, over THEMEN
    "Vorgründungsberatung": (0.34, 0.10, 0.02, 0.20, 0.16, 0.04, 0.14),
    "Nachgründungsberatung": (0.22, 0.20, 0.08, 0.07, 0.08, 0.13, 0.22),
    "Branchenpate": (0.12, 0.30, 0.12, 0.08, 0.10, 0.18, 0.10),
    "Seniorexperte": (0.25, 0.18, 0.12, 0.05, 0.05, 0.10, 0.25),
    "Bildungsstammtisch": (0.15, 0.20, 0.20, 0.10, 0.05, 0.20, 0.10),
    "Fachkräftesicherung": (0.03, 0.05, 0.80, 0.04, 0.02, 0.04, 0.02),
}
BERATUNG_MIN = {"Vorgründungsberatung": (60, 180), "Nachgründungsberatung": (45, 120),
                "Branchenpate": (60, 180), "Seniorexperte": (60, 240),
                "Bildungsstammtisch": (90, 180), "Fachkräftesicherung": (30, 120)}
POST_FORMAT_P = (0.0, 0.32, 0.16, 0.12, 0.18, 0.22)   # over BERATUNGSFORMATE


def _second_tuesday(day: np.ndarray) -> np.ndarray:
    first = day.astype("datetime64[D]").astype("datetime64[M]").astype(
        "datetime64[D]").astype(np.int64)
    return first + (1 - (first + 3)) % 7 + 7


def _beratungen(rng: Generator, b: dict) -> pd.DataFrame:
    """1–8 consultations per business; pre-founding advice before, the rest after founding."""
    n = b["gruendung"].size
    total = np.clip(1 + rng.poisson(2.0, n), 1, 8)
    n_vg = np.where(b["founder"], 1 + (rng.random(n) < 0.4), 0)
    lo = np.maximum(b["gruendung"] + 1, START)
    hi = np.minimum(b["end"] - 1, END)
    n_post = np.where(hi >= lo, total - n_vg, 0).clip(0)
    # pre-founding: first at first_vg, a second one between first_vg and founding
    vg_rows = np.flatnonzero(n_vg > 0)
    second = vg_rows[n_vg[vg_rows] == 2]
    firm = np.r_[vg_rows, second]
    day = np.r_[b["first_vg"][vg_rows],
                _uniform(rng, b["first_vg"][second], b["gruendung"][second])]
    fmt = np.zeros(firm.size, dtype=np.int64)
    post = np.repeat(np.arange(n), n_post)
    post_day = _uniform(rng, lo[post], hi[post])
    post_fmt = _choice(rng, post.size, POST_FORMAT_P)
    stammtisch = post_fmt == BERATUNGSFORMATE.index("Bildungsstammtisch")
    fixed = _second_tuesday(post_day)
    post_day = np.where(stammtisch & (fixed >= lo[post]) & (fixed <= hi[post]), fixed, post_day)
    post_day = _workday(post_day, lo[post], hi[post])
    firm, day, fmt = np.r_[firm, post], np.r_[day, post_day], np.r_[fmt, post_fmt]
    key = (firm * 4096 + (day - START + 400)) * 8 + fmt
    _, keep = np.unique(key, return_index=True)
    firm, day, fmt = firm[keep], day[keep], fmt[keep]
    thema = np.empty(fmt.size, dtype=np.int64)
    minutes = np.empty(fmt.size, dtype=np.int64)
    for f, name in enumerate(BERATUNGSFORMATE):
        rows = np.flatnonzero(fmt == f)
        thema[rows] = _choice(rng, rows.size, THEMA_P[name])
        minutes[rows] = _minutes(rng, rows.size, *BERATUNG_MIN[name])
    thema[rng.random(fmt.size) < 0.05] = -1
    return pd.DataFrame({
        "betrieb_id": b["id"][firm],
        "datum": _dates(day),
        "format": _pick(BERATUNGSFORMATE, fmt),
        "thema": _pick(THEMEN, thema),
        "dauer_min": minutes,
    })


# --- teilnehmende --------------------------------------------------------------------------------


def _contact_days(rng: Generator, n: int) -> np.ndarray:
    """First contacts: ramp-up over five months, holiday dips, fading out in autumn 2018."""
    days = np.arange(START, _day("2018-11-30") + 1)
    w = np.minimum(1.0, 0.25 + 0.75 * (days - START) / 150)
    month = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1
    w = w * np.select([month == 12, np.isin(month, (7, 8))], [0.6, 0.8], 1.0)
    fade_from = _day("2018-07-01")
    w = w * np.where(days > fade_from, np.maximum(0.1, 1 - 0.8 * (days - fade_from) / 122), 1)
    w = w * np.where((days + 3) % 7 >= 5, 0.05, 1.0)
    return np.sort(rng.choice(days, size=n, p=w / w.sum()))


ZUGANG_P = {  # over ZUGANGSWEGE: Jobcenter, Aufsuchende Arbeit, KONTAKT-Laden, Bürgerpate,
    #            Eigeninitiative, Sonstiges
    "base": (0.33, 0.17, 0.22, 0.05, 0.15, 0.08),
    "refugee": (0.15, 0.33, 0.14, 0.08, 0.05, 0.25),
    "single_parent": (0.24, 0.10, 0.41, 0.05, 0.14, 0.06),
    "55plus": (0.50, 0.10, 0.15, 0.06, 0.12, 0.07),
}
BILDUNG_P = {  # ISCED 0-2, 3-4, 5-8, unknown
    "refugee": (0.55, 0.25, 0.15, 0.05),
    "55plus": (0.30, 0.62, 0.06, 0.02),
    "base": (0.404, 0.505, 0.075, 0.016),
}


def _person_frame(rng: Generator, scale: int) -> dict[str, np.ndarray]:
    """Who was reached: residence, partner, demography, target groups, access route."""
    n = int(rng.integers(820, 881)) * scale
    ek = _contact_days(rng, n)
    area = _areas(rng, n, 0.55)
    p = {"ek": ek, "area": area, "district": _district_in_area(rng, area),
         "traeger": (rng.random(n) >= np.where(area == 0, 0.62, 0.38)).astype(np.int64)}
    year = _year(ek)
    refugee_p = np.select([year == 2016, year == 2017, year == 2018], [0.125, 0.12, 0.085], 0.0)
    refugee_p = np.where(ek >= REFUGEES_FROM, refugee_p * np.where(area == 1, 1.15, 0.88), 0.0)
    p["refugee"] = rng.random(n) < refugee_p
    sex_p = np.where(p["refugee"][:, None], [0.36, 0.63, 0.01], [0.54, 0.45, 0.01])
    p["sex"] = _ensure_some(rng, _choice_rows(rng, sex_p), value=2, replace=1, minimum=3)
    _enrolment(rng, p)
    _ages(rng, p)
    _target_groups(rng, p)
    return p


def _ensure_some(rng: Generator, codes: np.ndarray, value: int, replace: int,
                 minimum: int) -> np.ndarray:
    """Make sure at least `minimum` rows carry `value` (taken from rows with `replace`)."""
    missing = minimum - int((codes == value).sum())
    if missing > 0:
        pool = np.flatnonzero(codes == replace)
        codes[rng.choice(pool, size=missing, replace=False)] = value
    return codes


def _enrolment(rng: Generator, p: dict) -> None:
    n = p["ek"].size
    lag = np.where(rng.random(n) < 0.35, 0, np.minimum(rng.geometric(1 / 14, n), 60))
    ein = p["ek"] + lag
    p_enrol = np.where(p["ek"] >= _day("2018-10-01"), 0.6, 0.87)
    p["enrolled"] = (rng.random(n) < p_enrol) & (ein <= END)
    p["ein"] = np.where(p["enrolled"], ein, -1)


def _ages(rng: Generator, p: dict) -> None:
    """Age at entry 18–64 (about 25 % 18–29, 18 % 55+); refugees younger."""
    n = p["ek"].size
    refugee = p["refugee"]
    old = _share(rng, np.where(refugee, 0.05, 0.195), 0.18)
    young = np.zeros(n, dtype=bool)
    rest = np.flatnonzero(~old)
    young[rest] = _share(rng, np.where(refugee[rest], 0.45, 0.23), 0.25 * n / max(rest.size, 1))
    p["age"] = np.select([young, old], [rng.integers(18, 30, n),
                                        55 + _choice(rng, n, np.linspace(1.0, 0.35, 10))],
                         rng.integers(30, 55, n))
    ref = np.where(p["enrolled"], p["ein"], p["ek"])
    p["geburtsjahr"] = _year(ref) - p["age"]


def _target_groups(rng: Generator, p: dict) -> None:
    n = p["ek"].size
    age, sex, refugee = p["age"], p["sex"], p["refugee"]
    prime = (age >= 20) & (age <= 50)
    p["single"] = _share(rng, prime * np.select([sex == 0, sex == 1], [1.0, 0.08], 0.3), 0.15)
    mig_w = np.where(np.isin(p["district"], (0, 3)), 1.25, 1.0)
    others = ~refugee
    target = max(0.0, (0.25 * n - refugee.sum()) / max(others.sum(), 1))
    p["migration"] = refugee.copy()
    p["migration"][others] = _share(rng, mig_w[others], target)
    old = age >= 55
    ltu_w = 1 + 0.5 * old - 0.45 * refugee + 0.15 * p["single"] - 0.25 * (age < 25)
    p["ltu"] = _share(rng, ltu_w, 0.60)
    p["sgb2"] = _share(rng, 0.6 + 0.5 * p["ltu"] + 0.3 * refugee + 0.3 * p["single"], 0.75)
    p["sgb2_known"] = rng.random(n) >= 0.03
    bild = np.select([refugee[:, None], old[:, None]],
                     [BILDUNG_P["refugee"], BILDUNG_P["55plus"]], BILDUNG_P["base"])
    b = _choice_rows(rng, bild)
    p["bildung"] = np.where(b == 3, -1, b)
    zug = np.select([refugee[:, None], p["single"][:, None], old[:, None]],
                    [ZUGANG_P["refugee"], ZUGANG_P["single_parent"], ZUGANG_P["55plus"]],
                    ZUGANG_P["base"])
    p["zugang"] = _choice_rows(rng, zug)


# --- exits and placements ---------------------------------------------------------------------

ART_P = (0.35, 0.28, 0.10, 0.20, 0.07)     # over VERMITTLUNGSARTEN
VERBLEIB_P = {  # ja, nein, unbekannt by placement type
    "SV-pflichtig Vollzeit": (0.79, 0.16, 0.05), "SV-pflichtig Teilzeit": (0.69, 0.23, 0.08),
    "Ausbildung": (0.73, 0.19, 0.08), "Geringfügig": (0.53, 0.36, 0.11),
    "Selbstständig": (0.67, 0.24, 0.09)}
PLACEMENT_BRANCHEN = ("Logistik", "Handel", "Gastronomie", "Pflege", "Handwerk", "Reinigung",
                      "Verwaltung", "Produktion", "Sonstiges")
PLACEMENT_BRANCHE_P = {"w": (0.21, 0.18, 0.10, 0.16, 0.03, 0.14, 0.08, 0.06, 0.04),
                       "m": (0.40, 0.08, 0.08, 0.04, 0.13, 0.06, 0.03, 0.14, 0.04)}
OTHER_EXIT = ("Maßnahmeende", "Abbruch", "Weiterbildung", "Umzug", "Sonstiges")
OTHER_EXIT_P = {"dropout": (0.0, 0.85, 0.0, 0.08, 0.07),
                "regular": (0.45, 0.20, 0.15, 0.08, 0.12)}


def _exits(rng: Generator, p: dict) -> None:
    """Planned stay (3–18 months, early drop-outs); exits after the data stand stay open."""
    n = p["ek"].size
    enrolled = p["enrolled"]
    p["dropout"] = enrolled & (rng.random(n) < 0.12)
    stay = np.clip(np.round(rng.lognormal(np.log(290), 0.42, n)), 91, 640).astype(np.int64)
    stay = np.where(p["dropout"], rng.integers(14, 91, n), stay)
    planned = p["ein"] + stay
    p["exited"] = enrolled & (planned <= END)
    p["aus"] = np.where(p["exited"], planned, -1)


def _placements(rng: Generator, p: dict) -> dict[str, np.ndarray]:
    """Placements for ~30 % of leavers; a placement ends participation within 4 weeks."""
    n = p["ek"].size
    exited, age = p["exited"], p["age"]
    regular = np.flatnonzero(exited & ~p["dropout"])
    w = (1.0 - 0.35 * (age >= 55) - 0.25 * p["refugee"] + 0.2 * (age < 30)
         + 0.3 * (p["bildung"] == 2) - 0.15 * (p["bildung"] == 0) - 0.1 * p["ltu"])[regular]
    target = 0.285 * exited.sum() / max(regular.size, 1)
    who = regular[_share(rng, np.clip(w, 0.05, None), target)]
    p["placed"] = np.zeros(n, dtype=bool)
    p["placed"][who] = True
    p["ueb"] = np.zeros(n, dtype=bool)               # post-placement support (Übergangsbegleitung)
    p["ueb"][who] = rng.random(who.size) < 0.75
    lag = np.where(p["ueb"][who], rng.integers(10, 29, who.size), rng.integers(0, 15, who.size))
    p["beginn"] = np.full(n, -1, dtype=np.int64)
    p["beginn"][who] = p["aus"][who] - lag
    art = _placement_art(rng, p, who)
    # rarely a mini-job first, while still in the project, then the placement that ends it
    room = p["beginn"][who] - p["ein"][who] >= 150
    early = who[room & (rng.random(who.size) < 0.03)]
    mini, part_time = VERMITTLUNGSARTEN.index("Geringfügig"), VERMITTLUNGSARTEN.index(
        "SV-pflichtig Teilzeit")
    art[np.isin(who, early) & (art == mini)] = part_time
    early_beginn = _uniform(rng, p["ein"][early] + 45, p["beginn"][early] - 90)
    tn = np.r_[who, early]
    beginn = np.r_[p["beginn"][who], early_beginn]
    art = np.r_[art, np.full(early.size, mini)]
    final = np.r_[np.ones(who.size, bool), np.zeros(early.size, bool)]
    p["austrittsgrund"] = _exit_reasons(rng, p, who, art[final])
    return _placement_details(rng, tn, beginn, art, p["sex"][tn])


def _placement_art(rng: Generator, p: dict, who: np.ndarray) -> np.ndarray:
    """Apprenticeships mostly for the young, part-time more often for single parents."""
    age = p["age"][who]
    appr_w = np.select([age < 25, age < 30, age < 40], [6.0, 3.0, 0.5], 0.08)
    ausbildung = VERMITTLUNGSARTEN.index("Ausbildung")
    appr = _share(rng, appr_w, ART_P[ausbildung])
    rest = np.where(p["single"][who][:, None], [0.25, 0.42, 0.0, 0.25, 0.08],
                    [0.42, 0.29, 0.0, 0.19, 0.08])
    return np.where(appr, ausbildung, _choice_rows(rng, rest))


def _placement_details(rng: Generator, tn, beginn, art, sex) -> dict:
    """Sector and 6-month outcome (not yet observable for starts after 06/2018)."""
    probs = np.where((sex == 0)[:, None], PLACEMENT_BRANCHE_P["w"], PLACEMENT_BRANCHE_P["m"])
    branche = _choice_rows(rng, probs)
    verbleib = _choice_rows(rng, np.array([VERBLEIB_P[a] for a in VERMITTLUNGSARTEN])[art])
    verbleib = np.where(beginn > VERBLEIB_OBSERVABLE, -1, verbleib)
    order = np.lexsort((beginn, tn))
    return {"tn": tn[order], "beginn": beginn[order], "art": art[order],
            "branche": branche[order], "verbleib": verbleib[order],
            "betrieb": np.full(tn.size, -1, dtype=np.int64)}


def _exit_reasons(rng: Generator, p: dict, placed_tn, placed_art) -> np.ndarray:
    """Ausbildung/Arbeitsaufnahme exactly for the placed, other reasons for the rest."""
    reason = np.full(p["ek"].size, -1, dtype=np.int64)
    other = np.array([AUSTRITTSGRUENDE.index(x) for x in OTHER_EXIT])
    for kind in ("dropout", "regular"):
        group = p["dropout"] if kind == "dropout" else ~p["dropout"]
        rows = np.flatnonzero(p["exited"] & ~p["placed"] & group)
        reason[rows] = other[_choice(rng, rows.size, OTHER_EXIT_P[kind])]
    ausbildung = placed_art == VERMITTLUNGSARTEN.index("Ausbildung")
    reason[placed_tn] = np.where(ausbildung, AUSTRITTSGRUENDE.index("Ausbildung"),
                                 AUSTRITTSGRUENDE.index("Arbeitsaufnahme"))
    return reason


def _link_placements(rng: Generator, p: dict, v: dict, acts: dict, b: dict) -> None:
    """~25 % of placements with a local demo business, preferably the internship host."""
    prak = (acts["art"] == ACT["Praktikum"]) & (acts["betrieb"] >= 0)
    tn, host_of = acts["tn"][prak], acts["betrieb"][prak]
    last = np.r_[tn[1:] != tn[:-1], True]               # rows are sorted by person, day
    host = np.full(p["ek"].size, -1, dtype=np.int64)
    host[tn[last]] = host_of[last]
    link = _share(rng, v["art"] != VERMITTLUNGSARTEN.index("Selbstständig"), 0.26)
    h = host[v["tn"]]
    hh = np.maximum(h, 0)
    valid_host = (h >= 0) & (b["gruendung"][hh] <= v["beginn"]) & (b["end"][hh] > v["beginn"])
    use_host = link & valid_host & (rng.random(h.size) < 0.7)
    other = np.flatnonzero(link & ~use_host)
    chosen = np.where(use_host, h, -1)
    chosen[other] = _pick_business(rng, p["area"][v["tn"][other]], v["beginn"][other], b)
    v["betrieb"] = chosen
    sector = np.array([PLACEMENT_BRANCHEN.index(PLACEMENT_BRANCHE[x]) for x in BRANCHEN])
    v["branche"] = np.where(chosen >= 0, sector[b["branche"][np.maximum(chosen, 0)]],
                            v["branche"])


# --- aktivitaeten ----------------------------------------------------------------------------

ACT_MIN = {"Erstgespräch": (30, 90), "Coaching": (45, 120), "Case Management": (30, 120),
           "Kompetenzfeststellung": (120, 360), "Schnuppertag": (240, 420),
           "Betriebsbesichtigung": (60, 180), "Praktikum": (360, 480),
           "Teilqualifizierung": (240, 480), "Bewerbung": (30, 120),
           "Vorstellungsgespräch": (30, 90), "Mediation": (45, 120),
           "Übergangsbegleitung": (30, 90)}
PRAXIS_P = {"Schnuppertag": 0.40, "Betriebsbesichtigung": 0.25, "Praktikum": 0.35}
HOST_P = {"Schnuppertag": 0.45, "Betriebsbesichtigung": 0.30, "Praktikum": 0.65}


class _Events:
    """Collects activity rows as arrays: person, day, art."""

    def __init__(self, rng: Generator):
        self.rng = rng
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def spread(self, art, persons, counts, lo, hi) -> None:
        """`counts[i]` events for `persons[i]`, uniformly in lo[i]..hi[i], on workdays."""
        ok = hi >= lo
        arts = np.asarray(art)[np.repeat(ok, counts)] if np.ndim(art) else art
        persons, counts, lo, hi = persons[ok], counts[ok], lo[ok], hi[ok]
        tn = np.repeat(persons, counts)
        lo_r, hi_r = np.repeat(lo, counts), np.repeat(hi, counts)
        day = _workday(_uniform(self.rng, lo_r, hi_r), lo_r, hi_r)
        self.parts.append((tn, day, np.broadcast_to(arts, tn.shape)))

    def collect(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Concatenate, drop duplicate (person, day, art), sort by person, day, art."""
        tn, day, art = (np.concatenate(x) for x in zip(*self.parts))
        key = (tn.astype(np.int64) * 8192 + (day - START + 1000)) * 16 + art
        _, keep = np.unique(key, return_index=True)
        return tn[keep], day[keep], art[keep]


def _activities(rng: Generator, p: dict, b: dict) -> dict[str, np.ndarray]:
    """The participant path as activity rows, all within erstkontakt..austritt (or data stand)."""
    ev = _Events(rng)
    talk = np.flatnonzero(p["enrolled"] | (rng.random(p["ek"].size) < 0.6))
    ev.spread(ACT["Erstgespräch"], talk, np.ones(talk.size, np.int64), p["ek"][talk],
              p["ek"][talk])
    enr = np.flatnonzero(p["enrolled"])
    end = np.where(p["exited"][enr], p["aus"][enr], END)
    c = {"tn": enr, "e": p["ein"][enr], "end": end, "placed": p["placed"][enr],
         "beginn": p["beginn"][enr], "dropout": p["dropout"][enr], "ueb": p["ueb"][enr],
         "needs_tq": 1 + 0.5 * p["ltu"][enr] + 0.5 * (p["bildung"][enr] == 0)}
    c["pre_end"] = np.where(c["placed"], c["beginn"] - 1, end)   # before the placement
    _support(rng, ev, c)
    _practice(rng, ev, c)
    _job_search(rng, ev, c)
    return _finish_activities(rng, ev, p, b)


def _support(rng: Generator, ev: _Events, c: dict) -> None:
    """Coaching / tandem case management, competence assessment, partial qualifications."""
    tn, e, pre_end = c["tn"], c["e"], c["pre_end"]
    months = (pre_end - e) / 30.4
    kind = _choice(rng, tn.size, (0.46, 0.15, 0.33, 0.06))  # coaching, CM, both, none
    coach, cm = np.isin(kind, (0, 2)), np.isin(kind, (1, 2))
    ev.spread(ACT["Coaching"], tn[coach], 1 + rng.poisson(1.0 * months[coach]), e[coach],
              pre_end[coach])
    ev.spread(ACT["Case Management"], tn[cm], 1 + rng.poisson(0.7 * months[cm]), e[cm],
              pre_end[cm])
    kf = (rng.random(tn.size) < 0.62) & (pre_end - e >= 14)
    ev.spread(ACT["Kompetenzfeststellung"], tn[kf], 1 + (rng.random(kf.sum()) < 0.15), e[kf],
              e[kf] + np.minimum(60, (pre_end - e)[kf]))
    tq = (pre_end - e >= 120) & _share(rng, c["needs_tq"], 0.15)
    ev.spread(ACT["Teilqualifizierung"], tn[tq], np.minimum(4 + rng.poisson(4, tq.sum()), 12),
              e[tq] + 30, pre_end[tq])


def _practice(rng: Generator, ev: _Events, c: dict) -> None:
    """Taster days, company visits, internships: ~45 % of enrolled, ~80 % of those placed."""
    tn, e, pre_end, placed, dropout = c["tn"], c["e"], c["pre_end"], c["placed"], c["dropout"]
    others = max((~placed & ~dropout).sum(), 1)
    p_other = (0.45 * tn.size - 0.82 * placed.sum() - 0.08 * dropout.sum()) / others
    has = rng.random(tn.size) < np.select([placed, dropout], [0.82, 0.08],
                                          np.clip(p_other, 0, 1))
    counts = 1 + rng.binomial(2, 0.3, has.sum())
    lo = e + ((pre_end - e) * 0.3).astype(np.int64)
    kinds = np.array([ACT[k] for k in PRAXIS_P])
    art = kinds[_choice(rng, counts.sum(), list(PRAXIS_P.values()))]
    ev.spread(art, tn[has], counts, lo[has], pre_end[has])


def _job_search(rng: Generator, ev: _Events, c: dict) -> None:
    """Applications, interviews, mediation, post-placement support."""
    tn, e, end, pre_end = c["tn"], c["e"], c["end"], c["pre_end"]
    placed, dropout, beginn = c["placed"], c["dropout"], c["beginn"]
    stay = pre_end - e
    bew = rng.random(tn.size) < np.select([placed, dropout], [0.92, 0.15], 0.55)
    ev.spread(ACT["Bewerbung"], tn[bew], np.minimum(1 + rng.poisson(1.8, bew.sum()), 10),
              e[bew] + (stay[bew] * 0.2).astype(np.int64), pre_end[bew])
    vg = placed & (rng.random(tn.size) < 0.85)
    ev.spread(ACT["Vorstellungsgespräch"], tn[vg], 1 + rng.binomial(2, 0.35, vg.sum()),
              np.maximum(e, beginn - 75)[vg], pre_end[vg])
    vg = ~placed & ~dropout & (rng.random(tn.size) < 0.28)
    ev.spread(ACT["Vorstellungsgespräch"], tn[vg], 1 + rng.binomial(1, 0.3, vg.sum()),
              e[vg] + (stay[vg] * 0.4).astype(np.int64), pre_end[vg])
    med = rng.random(tn.size) < np.where(placed, 0.10, 0.03)
    ev.spread(ACT["Mediation"], tn[med], np.ones(med.sum(), np.int64), e[med], end[med])
    ueb = c["ueb"]
    ev.spread(ACT["Übergangsbegleitung"], tn[ueb], 1 + rng.binomial(3, 0.45, ueb.sum()),
              beginn[ueb], end[ueb])


def _finish_activities(rng: Generator, ev: _Events, p: dict, b: dict) -> dict:
    """Hosts for practical activities, durations (1 % unknown)."""
    tn, day, art = ev.collect()
    betrieb = np.full(tn.size, -1, dtype=np.int64)
    for name, share in HOST_P.items():
        rows = np.flatnonzero((art == ACT[name]) & (rng.random(tn.size) < share))
        betrieb[rows] = _pick_business(rng, p["area"][tn[rows]], day[rows], b)
    minutes = np.empty(tn.size, dtype=np.int64)
    for name, (lo, hi) in ACT_MIN.items():
        rows = np.flatnonzero(art == ACT[name])
        minutes[rows] = _minutes(rng, rows.size, lo, hi, 30 if lo >= 120 else 15)
    known = rng.random(tn.size) >= 0.01
    return {"tn": tn, "day": day, "art": art, "betrieb": betrieb, "minutes": minutes,
            "minutes_known": known}


def _aktivitaeten_table(a: dict, tn_ids: np.ndarray, b: dict) -> pd.DataFrame:
    return pd.DataFrame({
        "tn_id": tn_ids[a["tn"]],
        "datum": _dates(a["day"]),
        "art": _pick(AKTIVITAETEN, a["art"]),
        "dauer_min": _nullable_int(a["minutes"], a["minutes_known"]),
        "betrieb_id": _pick(b["id"], a["betrieb"]),
    })


def _teilnehmende_table(p: dict, tn_ids: np.ndarray) -> pd.DataFrame:
    sgb2 = pd.array(p["sgb2"], dtype="boolean")
    sgb2[~p["sgb2_known"]] = pd.NA
    return pd.DataFrame({
        "tn_id": tn_ids,
        "quartier": _pick(QUARTIERE, p["area"]),
        "stadtteil": _pick(DISTRICT_NAMES, p["district"]),
        "traeger": _pick(TRAEGER, p["traeger"]),
        "geschlecht": _pick(("w", "m", "d"), p["sex"]),
        "geburtsjahr": p["geburtsjahr"],
        "alleinerziehend": p["single"],
        "migrationshintergrund": p["migration"],
        "schutzsuchend": p["refugee"],
        "langzeitarbeitslos": p["ltu"],
        "sgb2_bezug": sgb2,
        "bildungsniveau": _pick(BILDUNG, p["bildung"]),
        "zugangsweg": _pick(ZUGANGSWEGE, p["zugang"]),
        "erstkontakt": _dates(p["ek"]),
        "eintritt": _dates(p["ein"], p["enrolled"]),
        "austritt": _dates(p["aus"], p["exited"]),
        "austrittsgrund": _pick(AUSTRITTSGRUENDE, p["austrittsgrund"]),
    })


def _vermittlungen_table(v: dict, tn_ids: np.ndarray, b: dict) -> pd.DataFrame:
    return pd.DataFrame({
        "tn_id": tn_ids[v["tn"]],
        "beginn": _dates(v["beginn"]),
        "art": _pick(VERMITTLUNGSARTEN, v["art"]),
        "betrieb_id": _pick(b["id"], v["betrieb"]),
        "branche": _pick(PLACEMENT_BRANCHEN, v["branche"]),
        "verbleib_6m": _pick(VERBLEIB, v["verbleib"]),
    })


# --- leerstaende -------------------------------------------------------------------------------

STREETS = {
    "Andreasvorstadt": ("Nordhäuser Straße", "Blumenstraße", "Andreasstraße", "Bergstraße",
                        "Heinrichstraße", "Vollbrachtstraße", "Mühlweg"),
    "Johannesvorstadt": ("Magdeburger Allee", "Johannesstraße", "Leipziger Straße",
                         "Stollbergstraße", "Schlachthofstraße", "Greifswalder Straße"),
    "Ilversgehofen": ("Magdeburger Allee", "Salinenstraße", "Ilversgehofener Platz",
                      "Mittelhäuser Straße", "Albrechtstraße", "Breitscheidstraße"),
    "Herrenberg": ("Am Herrenberg", "Hans-Grundig-Straße", "Weimarische Straße",
                   "Otto-Dix-Straße", "Max-Lingner-Straße"),
    "Wiesenhügel": ("Wiesenhügeler Straße", "Kranichfelder Straße", "Am Wiesenhügel",
                    "Rigaer Straße", "Vilniuser Straße"),
    "Melchendorf": ("Melchendorfer Straße", "Drosselbergstraße", "Am Buchenberg",
                    "Kranichfelder Straße", "Stauffenbergallee", "Buchenberg"),
}
FLAECHE = {  # art: (median m², sigma, min, max, rounding step)
    "Ladenlokal": (85, 0.5, 35, 250, 0.5), "Gewerbeeinheit": (260, 0.6, 80, 900, 1.0),
    "Büro": (120, 0.6, 40, 400, 0.5), "Brachfläche": (3500, 0.9, 800, 25_000, 10.0)}
NACHNUTZUNG = {
    "wiederbelegt": {
        "Ladenlokal": ("Café", "Imbiss", "Friseursalon", "Einzelhandel", "Beratungsstelle",
                       "Nachbarschaftstreff", "Praxis", "Kosmetikstudio"),
        "Gewerbeeinheit": ("Handwerksbetrieb", "Lager", "Werkstatt", "Kita", "Fitnessstudio"),
        "Büro": ("Beratungsstelle", "Büro", "Praxis", "Coworking"),
        "Brachfläche": ("Wohnbebauung", "Gewerbeansiedlung", "Parkplatz", "Gemeinschaftsgarten"),
    },
    "Zwischennutzung": {
        "Ladenlokal": ("Pop-up-Store", "Atelier", "Ausstellung", "Repair-Café",
                       "Nachbarschaftstreff"),
        "Gewerbeeinheit": ("Atelier", "Lager", "Kunstprojekt", "Proberaum"),
        "Büro": ("Atelier", "Projektbüro", "Nachbarschaftstreff"),
        "Brachfläche": ("Urban Gardening", "Parkplatz", "Veranstaltungsfläche"),
    },
}
STATUS_P = (0.30, 0.26, 0.13, 0.31)            # over LEERSTAND_STATUS
OWNER_P = {"Magdeburger Allee": (0.66, 0.14, 0.12, 0.05, 0.03),
           "Süd-Ost": (0.38, 0.42, 0.12, 0.05, 0.03),
           "Brachfläche": (0.35, 0.10, 0.35, 0.17, 0.03)}   # over EIGENTUEMER + unknown


def _addresses(rng: Generator, district: np.ndarray) -> np.ndarray:
    street = np.empty(district.size, dtype=object)
    for d, name in enumerate(DISTRICT_NAMES):
        rows = np.flatnonzero(district == d)
        street[rows] = np.array(STREETS[name], dtype=object)[
            rng.integers(0, len(STREETS[name]), rows.size)]
    number = pd.Series(rng.integers(1, 121, district.size)).astype(str).to_numpy(object)
    suffix = np.array(["", "", "", "", "", "", "", "a", "b"], dtype=object)[
        rng.integers(0, 9, district.size)]
    return street + " " + number + suffix


def _leerstaende(rng: Generator, scale: int) -> pd.DataFrame:
    """Vacant shops, units, offices and brownfields; ~30 % re-let since 2016."""
    n = int(rng.integers(72, 89)) * scale
    area = _areas(rng, n, 0.58)
    district = _district_in_area(rng, area, [0.3, 0.3, 0.4, 0.35, 0.25, 0.40])
    art = _choice(rng, n, (0.55, 0.20, 0.15, 0.10))
    flaeche = np.empty(n)
    for i, name in enumerate(LEERSTAND_ARTEN):
        rows = np.flatnonzero(art == i)
        med, sigma, lo, hi, step = FLAECHE[name]
        raw = np.clip(rng.lognormal(np.log(med), sigma, rows.size), lo, hi)
        flaeche[rows] = np.round(raw / step) * step
    year = 2009 + _choice(rng, n, (0.04, 0.05, 0.07, 0.09, 0.11, 0.13, 0.15, 0.14, 0.12, 0.10))
    leer_seit = np.minimum(_jan1(year) + rng.integers(0, 365, n), END - 30)
    status = _choice(rng, n, STATUS_P)
    relet_from = np.maximum(leer_seit + 60, REFUGEES_FROM)
    relet = LEERSTAND_STATUS.index("wiederbelegt")
    status = np.where((status == relet) & (relet_from > END), 0, status)
    wieder = _uniform(rng, np.minimum(relet_from, END), END)
    nachnutzung = _nachnutzung(rng, art, status)
    owner_p = np.select([art[:, None] == 3, area[:, None] == 0],
                        [OWNER_P["Brachfläche"], OWNER_P["Magdeburger Allee"]],
                        OWNER_P["Süd-Ost"])
    owner = _choice_rows(rng, owner_p)
    owner = np.where(owner == 4, -1, owner)
    public = _share(rng, np.select([owner == 2, owner == 1], [1.8, 1.3], 0.8), 0.40)
    lat, lon = _points_in_districts(rng, district)
    return pd.DataFrame({
        "objekt_id": _ids("L-", n, 4),
        "adresse": _addresses(rng, district),
        "quartier": _pick(QUARTIERE, area),
        "stadtteil": _pick(DISTRICT_NAMES, district),
        "art": _pick(LEERSTAND_ARTEN, art),
        "flaeche_m2": flaeche,
        "leer_seit": _dates(leer_seit),
        "status": _pick(LEERSTAND_STATUS, status),
        "wiederbelegt_am": _dates(wieder, status == relet),
        "nachnutzung": nachnutzung,
        "eigentuemer_typ": _pick(EIGENTUEMER, owner),
        "oeffentlich": public,
        "lat": lat,
        "lon": lon,
    })


def _nachnutzung(rng: Generator, art: np.ndarray, status: np.ndarray) -> np.ndarray:
    out = np.full(art.size, None, dtype=object)
    for state, by_art in NACHNUTZUNG.items():
        for i, name in enumerate(LEERSTAND_ARTEN):
            rows = np.flatnonzero((status == LEERSTAND_STATUS.index(state)) & (art == i)
                                  & (rng.random(art.size) < 0.95))
            uses = np.array(by_art[name], dtype=object)
            out[rows] = uses[rng.integers(0, uses.size, rows.size)]
    return out


# --- raumgesuche (optional table, issue 12) -----------------------------------------------------

RAUMGESUCH_ART_P = (0.58, 0.20, 0.18, 0.04)


def _raumgesuch_rng(seed: int) -> Generator:
    """A stream of its own, outside _rngs: the eight older tables stay byte-identical."""
    return Generator(PCG64(SeedSequence([seed, 12])))


def _runde(x, step: float, up: bool) -> np.ndarray:
    x = np.asarray(x, dtype=float) / step
    return (np.ceil(x) if up else np.floor(x)) * step


def _raumgesuche(rng: Generator, leer: pd.DataFrame, betriebe: pd.DataFrame,
                 scale: int) -> pd.DataFrame:
    """Premises requests: a few dozen per scale unit; about a quarter met by a unit that was
    re-let (erledigt_am = its re-letting day, the request recorded 1–10 months before), some
    withdrawn, the rest open at the data stand."""
    start, end = pd.Timestamp(LAUFZEIT_START), pd.Timestamp(LAUFZEIT_ENDE)
    wieder = leer[(leer["status"] == "wiederbelegt")
                  & (pd.to_datetime(leer["wiederbelegt_am"]) >= start + pd.Timedelta(days=90))]
    k = min(len(wieder), int(rng.integers(9, 13)) * scale)
    met = wieder.iloc[np.sort(rng.choice(len(wieder), size=k, replace=False))]
    n_rest = int(rng.integers(28, 35)) * scale
    # met requests: the unit's type, a range around its area, its programme area (mostly)
    flaeche = met["flaeche_m2"].to_numpy(float)
    met_tag = pd.to_datetime(met["wiederbelegt_am"]).to_numpy()
    datum_met = np.maximum(met_tag - rng.integers(30, 300, k).astype("timedelta64[D]"),
                           np.datetime64(start))
    # other requests
    art = _choice(rng, n_rest, RAUMGESUCH_ART_P)
    med = np.array([FLAECHE[LEERSTAND_ARTEN[a]][0] for a in art], dtype=float)
    wunsch = med * rng.lognormal(0, 0.45, n_rest)
    tage = int((end - start).days) - 30
    datum_rest = np.datetime64(start) + rng.integers(0, tage, n_rest).astype("timedelta64[D]")
    alt = datum_rest < np.datetime64(end - pd.Timedelta(days=365))
    zurueck = alt & (rng.random(n_rest) < 0.35)
    erledigt_rest = np.minimum(datum_rest + rng.integers(60, 400, n_rest).astype("timedelta64[D]"),
                               np.datetime64(end))
    n = k + n_rest
    lo = np.concatenate([flaeche * rng.uniform(0.6, 0.95, k), wunsch * 0.8])
    hi = np.concatenate([flaeche * rng.uniform(1.05, 1.5, k), wunsch * 1.25])
    step = np.where(lo < 100, 5.0, np.where(lo < 1000, 10.0, 100.0))
    lo, hi = _runde(lo / step, 1, False) * step, _runde(hi / step, 1, True) * step
    ohne_min, ohne_max = rng.random(n) < 0.12, rng.random(n) < 0.08
    quartier = np.concatenate([
        np.where(rng.random(k) < 0.75, met["quartier"].to_numpy(object), None),
        np.where(rng.random(n_rest) < 0.8,
                 np.array(QUARTIERE, dtype=object)[rng.integers(0, 2, n_rest)], None)])
    branche = np.array(BRANCHEN, dtype=object)[_choice(rng, n, BRANCHE_P)]
    mit_betrieb = rng.random(n) < 0.3
    betrieb = np.where(mit_betrieb, betriebe["betrieb_id"].to_numpy(object)[
        rng.integers(0, len(betriebe), n)], None)
    status = np.concatenate([np.full(k, "vermittelt", dtype=object),
                             np.where(zurueck, "zurückgezogen", "offen").astype(object)])
    out = pd.DataFrame({
        "betrieb_id": betrieb,
        "datum": pd.to_datetime(np.concatenate([datum_met, datum_rest])),
        "art": np.concatenate([met["art"].to_numpy(object),
                               np.array(LEERSTAND_ARTEN, dtype=object)[art]]),
        "flaeche_min_m2": np.where(ohne_min, np.nan, lo),
        "flaeche_max_m2": np.where(ohne_max, np.nan, hi),
        "quartier": quartier,
        "branche": branche,
        "status": status,
        "objekt_id": np.concatenate([met["objekt_id"].to_numpy(object),
                                     np.full(n_rest, None, dtype=object)]),
        "erledigt_am": pd.to_datetime(np.concatenate([met_tag, np.where(
            zurueck, erledigt_rest, np.datetime64("NaT"))])),
    })
    out = out.sort_values(["datum", "art"], kind="stable").reset_index(drop=True)
    out.insert(0, "gesuch_id", _ids("G-", n, 4))
    return out


# --- ziele -------------------------------------------------------------------------------------

# Achievement the demo shows against each target (some under, some over).
ZIEL_FAKTOR = {
    ("teilnehmende", None, None): 1.06, ("eintritte", None, None): 1.02,
    ("vermittlungen", None, None): 0.93, ("verbleib_6m", None, None): 0.89,
    ("betriebe_beraten", None, None): 1.04, ("leerstaende_wiederbelegt", None, None): 0.96,
    ("teilnehmende", "Magdeburger Allee", None): 1.08, ("teilnehmende", "Süd-Ost", None): 1.03,
    ("eintritte", "Magdeburger Allee", None): 1.05, ("eintritte", "Süd-Ost", None): 0.98,
    ("vermittlungen", "Magdeburger Allee", None): 0.97, ("vermittlungen", "Süd-Ost", None): 0.89,
    ("teilnehmende", None, "alleinerziehend"): 0.92, ("teilnehmende", None, "55plus"): 0.90,
    ("teilnehmende", None, "migrationshintergrund"): 1.06,
    ("teilnehmende", None, "schutzsuchend"): 1.07,
    ("teilnehmende", None, "langzeitarbeitslos"): 0.99,
    ("eintritte", None, "alleinerziehend"): 0.90, ("eintritte", None, "55plus"): 0.88,
    ("eintritte", None, "migrationshintergrund"): 1.04, ("eintritte", None, "schutzsuchend"): 1.05,
    ("eintritte", None, "langzeitarbeitslos"): 0.97,
}


def _nice(value: float) -> int:
    step = 10 if value >= 200 else 5 if value >= 40 else 1
    return int(max(step, round(value / step) * step))


def _actual(tables: dict[str, pd.DataFrame], kennzahl: str, quartier, gruppe) -> int:
    """What the demo data reaches for one target row."""
    tn = tables["teilnehmende"]
    if kennzahl in ("teilnehmende", "eintritte"):
        sel = tn["quartier"].eq(quartier) if quartier else pd.Series(True, index=tn.index)
        if gruppe == "55plus":
            ref = pd.to_datetime(tn["eintritt"].fillna(tn["erstkontakt"]))
            sel &= (ref.dt.year - tn["geburtsjahr"]) >= 55
        elif gruppe:
            sel &= tn[gruppe].astype(bool)
        if kennzahl == "eintritte":
            sel &= tn["eintritt"].notna()
        return int(sel.sum())
    v = tables["vermittlungen"]
    if kennzahl == "vermittlungen":
        area = v["tn_id"].map(tn.set_index("tn_id")["quartier"])
        return int(area.eq(quartier).sum()) if quartier else len(v)
    if kennzahl == "verbleib_6m":
        return int(v["verbleib_6m"].eq("ja").sum())
    if kennzahl == "betriebe_beraten":
        return int(tables["beratungen"]["betrieb_id"].nunique())
    return int(tables["leerstaende"]["status"].eq("wiederbelegt").sum())


def _ziele(tables: dict[str, pd.DataFrame], scale: int) -> pd.DataFrame:
    """Targets agreed with the funder (per scale unit, rounded), multiplied by scale."""
    rows = [(k, q, g, _nice(_actual(tables, k, q, g) / scale / factor) * scale)
            for (k, q, g), factor in ZIEL_FAKTOR.items()]
    out = pd.DataFrame(rows, columns=["kennzahl", "quartier", "zielgruppe", "zielwert"])
    out["bis"] = _dates(np.full(len(out), END))
    return out[TABLES["ziele"].column_names]


# --- people in blocks ------------------------------------------------------------------------

BLOCK_FAKTOR = 50       # people are drawn in blocks of at most this many scale units
PERSONEN_TABELLEN = ("teilnehmende", "aktivitaeten", "vermittlungen")


def _personen_bloecke(r: dict[str, Generator], b: dict, scale: int):
    """Yield {teilnehmende, aktivitaeten, vermittlungen} frames per block of at most
    BLOCK_FAKTOR scale units (ids continue across blocks), so memory stays bounded at any
    scale. Up to BLOCK_FAKTOR the single block draws exactly what the unblocked generator did
    (same seed → same files)."""
    naechste = 1
    for start in range(0, scale, BLOCK_FAKTOR):
        teil = min(BLOCK_FAKTOR, scale - start)
        p = _person_frame(r["teilnehmende"], teil)
        _exits(r["teilnehmende"], p)
        v = _placements(r["vermittlungen"], p)
        acts = _activities(r["aktivitaeten"], p, b)
        _link_placements(r["vermittlungen"], p, v, acts, b)
        tn_ids = _ids("TN-", p["ek"].size, 6, start=naechste)
        naechste += p["ek"].size
        yield {"teilnehmende": _teilnehmende_table(p, tn_ids),
               "aktivitaeten": _aktivitaeten_table(acts, tn_ids, b),
               "vermittlungen": _vermittlungen_table(v, tn_ids, b)}


def _als_text(v: pd.Series, col, table) -> pa.Array:
    """One column in contract form as an Arrow string array without nulls, the same text
    format_for_csv gives (TT.MM.JJJJ, ja/nein, integers, "" for empty), vectorised.

    Dates: one strftime per day of the column's range, then a lookup (O(rows)); integers:
    Arrow's decimal cast; booleans: ja/nein; text: Arrow strings. Floats (and any other
    type) go through format_for_csv itself (repr per value; only the small tables have them)."""
    if col.type == "date":
        tage = pd.to_datetime(v, errors="coerce").to_numpy("datetime64[D]")
        da = ~np.isnat(tage)
        if not da.any():
            return pa.array(np.full(len(v), "", dtype=object), pa.large_string())
        t = tage.astype(np.int64)
        lo, hi = int(t[da].min()), int(t[da].max())
        texte = pd.DatetimeIndex(np.arange(lo, hi + 1).astype("datetime64[D]")).strftime(
            "%d.%m.%Y")
        nachschlag = pa.array(list(texte) + [""], pa.large_string())
        return nachschlag.take(pa.array(np.where(da, t - lo, hi - lo + 1)))
    if col.type == "int":
        i = pa.array(pd.to_numeric(v, errors="coerce").astype("Int64"), pa.int64())
        return pc.fill_null(pc.cast(i, pa.large_string()), "")
    if col.type == "bool":
        b = v.astype("boolean")
        return pa.array(np.where(b.isna(), "", np.where(b.fillna(False), "ja", "nein")),
                        pa.large_string())
    if col.type == "text":
        s = pc.fill_null(pa.array(v, pa.large_string(), from_pandas=True), "")
        # Python's csv (QUOTE_MINIMAL, lineterminator "\n") quotes a field holding ';', '"'
        # or a line feed, doubling the quotes inside.
        heikel = pc.match_substring_regex(s, '[;"\n]')
        if pc.any(heikel).as_py():
            q, leer = pa.scalar('"', pa.large_string()), pa.scalar("", pa.large_string())
            zitiert = pc.binary_join_element_wise(q, pc.replace_substring(s, '"', '""'), q, leer)
            s = pc.if_else(heikel, zitiert, s)
        return s
    einzeln = dataclasses.replace(table, columns=(col,))
    return pa.array(format_for_csv(v.to_frame(col.name), einzeln)[col.name].astype(object),
                    pa.large_string())


def _schreibe(df: pd.DataFrame, name: str, path: Path, anhaengen: bool) -> None:
    """Append a table's rows to its contract CSV (the header and UTF-8 BOM only when the file
    is started), byte for byte what write_contract_csv writes, but formatted column-wise with
    Arrow and joined in C++: at scale 1000 pandas' to_csv took 83 % of `demo` (issue 14).

    Raises ValueError for a one-column table (Python's csv quotes its empty cells; no
    contract table has one column)."""
    table = TABLES[name]
    if len(table.columns) < 2:
        raise ValueError(f"{name}: eine Spalte wird nicht schnell geschrieben")
    with open(path, "ab" if anhaengen else "wb") as f:
        if not anhaengen:
            f.write((CSV_SEP.join(table.column_names) + "\n").encode(CSV_ENCODING))
        if len(df) == 0:
            return
        spalten = [_als_text(df[c.name], c, table) for c in table.columns]
        text = lambda x: pa.scalar(x, pa.large_string())       # noqa: E731
        zeilen = pc.binary_join_element_wise(*spalten, text(CSV_SEP))
        zeilen = pc.binary_join_element_wise(zeilen, text(""), text("\n"))   # zeile + "\n" + ""
        for stueck in (zeilen.chunks if isinstance(zeilen, pa.ChunkedArray) else [zeilen]):
            _schreibe_texte(f, stueck)


def _schreibe_texte(f, texte: pa.Array) -> None:
    """Write the bytes of an Arrow (large_)string array without nulls, back to back."""
    if len(texte) == 0:
        return
    breite = np.int64 if pa.types.is_large_string(texte.type) else np.int32
    _, offsets, daten = texte.buffers()
    o = np.frombuffer(offsets, dtype=breite)[texte.offset:texte.offset + len(texte) + 1]
    f.write(memoryview(daten)[int(o[0]):int(o[-1])])


# --- public interface ------------------------------------------------------------------------


def _erzeuge(seed: int, scale: int):
    """Yield (table, frame, anhaengen) in generation order: the people's tables block by block
    (anhaengen = a later block of the same table), then the others. One generator for
    generate() and write_demo(), so both give the same data."""
    if scale < 1:
        raise ValueError("scale muss mindestens 1 sein")
    r = _rngs(seed)
    b = _business_frame(r["betriebe"], scale)
    teile: dict[str, list[pd.DataFrame]] = {"teilnehmende": [], "vermittlungen": []}
    for i, blk in enumerate(_personen_bloecke(r, b, scale)):
        for t in PERSONEN_TABELLEN:
            yield t, blk[t], i > 0
        for t in teile:                       # kept for the targets (ziele)
            teile[t].append(blk[t])
    tables = {t: pd.concat(f, ignore_index=True) for t, f in teile.items()}
    tables |= {
        "betriebe": _betriebe_table(b),
        "beratungen": _beratungen(r["beratungen"], b),
        "leerstaende": _leerstaende(r["leerstaende"], scale),
        "stadtteile": _stadtteile(),
    }
    tables["ziele"] = _ziele(tables, scale)
    tables["raumgesuche"] = _raumgesuche(_raumgesuch_rng(seed), tables["leerstaende"],
                                         tables["betriebe"], scale)
    for name, df in tables.items():
        if name not in PERSONEN_TABELLEN:
            yield name, df, False


def generate(seed: int = DEFAULT_SEED, scale: int = 1) -> dict[str, pd.DataFrame]:
    """All contract tables (the optional raumgesuche included), typed, columns in contract order (whole frames in memory;
    write_demo streams instead)."""
    teile: dict[str, list[pd.DataFrame]] = {}
    for name, df, _ in _erzeuge(seed, scale):
        teile.setdefault(name, []).append(df)
    return {name: pd.concat(teile[name], ignore_index=True)[TABLES[name].column_names]
            for name in TABLES}


DEMO_MARKER = "DEMODATEN.txt"   # its presence marks a folder as demo data for `build`


def write_demo(out_dir, seed: int = DEFAULT_SEED, scale: int = 1) -> list[Path]:
    """Write `<table>.csv` for every contract table plus `stadtteile.geojson` (schematic shapes)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # Written as generated: people block by block, appended, so memory stays bounded at any
    # scale (issue 14); byte for byte the files write_contract_csv(generate(...)) gives.
    for name, df, anhaengen in _erzeuge(seed, scale):
        _schreibe(df, name, out / f"{name}.csv", anhaengen)
        del df
    paths = [out / f"{name}.csv" for name in TABLES]
    geo = out / "stadtteile.geojson"
    geo.write_text(_geojson_text(schematic_districts()), encoding="utf-8")
    paths.append(geo)
    marker = out / DEMO_MARKER
    marker.write_text(
        "Dieses Verzeichnis enthält erfundene Demodaten (python -m biwaq demo, "
        f"Seed {seed}, Faktor {scale}).\nEine daraus gebaute Datenbank gilt als Demo: "
        "jede Seite des Dashboards zeigt den Hinweis „Demodaten“.\n", encoding="utf-8")
    paths.append(marker)
    return paths
