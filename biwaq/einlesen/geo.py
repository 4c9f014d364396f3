"""District geodata: read in any CRS, WGS84 for display, ETRS89/UTM 32N for areas and distances."""
from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely import wkt as shapely_wkt

from biwaq.einlesen import metadaten
from biwaq.einlesen.contract import ERFURT_BBOX, QUARTIERE, STADTTEILE
from biwaq.einlesen.fileio import normalise_header

WGS84 = "EPSG:4326"
UTM32 = "EPSG:25832"
GEO_ENDUNGEN = (".geojson", ".json", ".gpkg", ".shp")
UPLOAD_ENDUNGEN = ("geojson", "json", "gpkg", "zip")
MAX_ENTPACKT = 200 * 1024 * 1024     # bytes a zip upload may unpack to
FLAECHEN = ("Polygon", "MultiPolygon")
GESPEICHERT = ("stadtteil", "quartier", "schematisch")   # attributes taken from a file


class GeoFehler(ValueError):
    """Unusable district geodata; the message is German and names the file."""


# --- Reading ---------------------------------------------------------------------------------

def read_districts(path: Path | str, name: str | None = None) -> gpd.GeoDataFrame:
    """Read district outlines (GeoJSON, GeoPackage, Shapefile) with a `stadtteil` attribute.

    Any CRS; the result is WGS84, one row per district (parts with the same name are merged).
    Raises GeoFehler with a German message for unreadable files, a missing CRS or attribute,
    empty names, non-area geometries, outlines that do not lie in Erfurt (naming swapped
    axes or the CRS the coordinates fit), text with damaged umlauts that cannot be re-read
    with certainty, and outlines that cannot be repaired. What was repaired or re-read is in
    `attrs["hinweise"]` (German notes naming the district, with old and new area).
    """
    name = name or Path(path).name
    try:
        gdf = gpd.read_file(path)
    except Exception as e:   # pyogrio raises DataSourceError, fiona/GDAL others
        raise GeoFehler(f"{name}: Die Datei lässt sich nicht als Geodaten lesen (erwartet: "
                        f"GeoJSON, GeoPackage oder Shapefile). Meldung: {e}") from None
    hinweise: list[str] = []
    gdf = _umlaute_pruefen(gdf, Path(path), name, hinweise)
    out = prepare_districts(gdf, name, hinweise)
    out.attrs["quelle"] = name
    out.attrs["hinweise"] = hinweise
    return out


def _verstuemmelt(gdf: gpd.GeoDataFrame) -> dict[str, list[tuple[int, str, str]]]:
    """Text attributes with mojibake („WiesenhÃ¼gel“ for „Wiesenhügel“): per column the
    (feature number, value as read, value as ftfy repairs it). Detection by ftfy; only the
    attributes that are stored are looked at."""
    import ftfy

    out: dict[str, list[tuple[int, str, str]]] = {}
    for col in gdf.columns:      # only the attributes that are stored
        if col == gdf.geometry.name or normalise_header(col) not in GESPEICHERT:
            continue
        for i, v in enumerate(gdf[col]):
            if isinstance(v, str) and ftfy.badness.is_bad(v):
                out.setdefault(col, []).append((i + 1, v, ftfy.fix_encoding(v)))
    return out


def _umlaute_pruefen(gdf: gpd.GeoDataFrame, path: Path, name: str,
                     hinweise: list[str]) -> gpd.GeoDataFrame:
    """A Shapefile whose .dbf is UTF-8 but has no .cpg is read as ISO-8859-1 by GDAL, so
    „Wiesenhügel“ arrives as „WiesenhÃ¼gel“. Then the file is read again as UTF-8 – kept,
    with a note, only if that gives exactly the repaired text; every other damaged text
    is refused, naming the attribute, the feature and the value."""
    kaputt = _verstuemmelt(gdf)
    if not kaputt:
        return gdf
    spalte, faelle = next(iter(kaputt.items()))
    beispiel = f"Objekt {faelle[0][0]}: „{faelle[0][1]}“"
    cpg = path.with_suffix(".cpg")
    if path.suffix.lower() == ".shp" and not any(
            p.name.lower() == cpg.name.lower() for p in path.parent.iterdir()):
        try:
            neu = gpd.read_file(path, encoding="UTF-8")
        except Exception:   # noqa: BLE001 – not UTF-8 after all: refused below
            neu = None
        if neu is not None and not _verstuemmelt(neu) and all(
                neu[c].iloc[i - 1] == richtig for c, f in kaputt.items() for i, _, richtig in f):
            paare = ", ".join(f"„{alt}“ → „{richtig}“" for c, f in kaputt.items()
                              for _, alt, richtig in f)
            hinweise.append(f"Umlaute in „{spalte}“ verstümmelt – fehlt die .cpg-Datei? Die "
                            f".dbf ist UTF-8-kodiert; sie wurde als UTF-8 neu gelesen: {paare}. "
                            "Bitte die .cpg-Datei (Inhalt: UTF-8) mitliefern.")
            return neu
        raise GeoFehler(f"{name}: Umlaute in „{spalte}“ verstümmelt – fehlt die .cpg-Datei? "
                        f"({beispiel}; auch als UTF-8 gelesen nicht eindeutig lesbar.) Bitte "
                        "das Shapefile mit .cpg-Datei (UTF-8) speichern.")
    if path.suffix.lower() == ".shp":
        raise GeoFehler(f"{name}: Umlaute in „{spalte}“ verstümmelt ({beispiel}) – stimmt die "
                        "Kodierung in der .cpg-Datei? Bitte das Shapefile mit .cpg-Datei "
                        "(UTF-8) neu speichern.")
    raise GeoFehler(f"{name}: Umlaute in „{spalte}“ verstümmelt ({beispiel}, gemeint ist wohl "
                    f"„{faelle[0][2]}“) – der Text wurde beim Speichern doppelt umkodiert. "
                    "Bitte die Datei im GIS neu als UTF-8 speichern.")


def prepare_districts(gdf: gpd.GeoDataFrame, name: str,
                      hinweise: list[str] | None = None) -> gpd.GeoDataFrame:
    """Check and normalise outlines read from a file (see read_districts); notes on repairs
    are appended to `hinweise`."""
    hinweise = [] if hinweise is None else hinweise
    gdf = gdf.rename(columns={c: normalise_header(c) for c in gdf.columns
                              if c != gdf.geometry.name})
    if gdf.empty:
        raise GeoFehler(f"{name}: Die Datei enthält keine Flächen.")
    if "stadtteil" not in gdf.columns:
        vorhanden = ", ".join(c for c in gdf.columns if c != gdf.geometry.name) or "keine"
        raise GeoFehler(f"{name}: Attribut „stadtteil“ fehlt in den Geodaten "
                        f"(vorhandene Attribute: {vorhanden}).")
    if gdf.crs is None:
        raise GeoFehler(f"{name}: Koordinatensystem (CRS) ist nicht angegeben – bei einem "
                        "Shapefile fehlt meist die .prj-Datei. Bitte mit Koordinatensystem "
                        "speichern (z. B. ETRS89 / UTM 32N, EPSG:25832).")
    _check_rows(gdf, name)
    gdf["stadtteil"] = gdf["stadtteil"].astype(str).str.strip()
    quelle_crs = gdf.crs.to_string()
    roh = gdf.geometry.copy()
    gdf = gdf.to_crs(WGS84)
    _check_lies_in_erfurt(gdf, roh, name, quelle_crs)
    gdf["quartier"] = _quartier(gdf)
    gdf["schematisch"] = _ja_nein(gdf["schematisch"]) if "schematisch" in gdf else False
    gdf = gdf.set_geometry(_umrisse_reparieren(gdf, name, hinweise))
    gdf = gdf.dissolve(by="stadtteil", as_index=False,
                       aggfunc={"quartier": "first", "schematisch": "max"})
    return gdf[["stadtteil", "quartier", "schematisch", "geometry"]]


_GRUENDE = {   # GEOS validity reasons (shapely.is_valid_reason) in plain German
    "Self-intersection": "der Umriss schneidet sich selbst (z. B. eine Acht/Schleife)",
    "Ring Self-intersection": "der Umriss berührt sich selbst in einem Punkt (doppelter Punkt)",
    "Too few points": "zu wenige verschiedene Punkte (doppelte Punkte)",
    "Hole lies outside shell": "ein Loch liegt außerhalb der Fläche",
    "Nested holes": "Löcher liegen ineinander",
    "Interior is disconnected": "ein Loch zerteilt die Fläche",
    "Nested shells": "Teilflächen liegen ineinander",
    "Duplicate Rings": "ein Ring ist doppelt vorhanden",
    "Ring not closed": "ein Ring ist nicht geschlossen",
    "Invalid Coordinate": "ungültige Koordinate",
}


def ha_text(flaeche_ha: float) -> str:
    """An area in hectares as shown in notes and the dry run: one decimal, German format
    (1.234,5 ha)."""
    return f"{flaeche_ha:,.1f} ha".replace(",", "X").replace(".", ",").replace("X", ".")


def _ha(geom) -> str:
    """Area of a WGS84 geometry in hectares (measured in ETRS89/UTM 32N), German format."""
    return ha_text(gpd.GeoSeries([geom], crs=WGS84).to_crs(UTM32).area.iloc[0] / 10_000)


def _umrisse_reparieren(gdf: gpd.GeoDataFrame, name: str, hinweise: list[str]) -> list:
    """3-D coordinates are reduced to 2-D, repeated points removed, invalid outlines repaired
    with GEOS MakeValid (shapely.make_valid, method "structure": areas are kept, lines and
    points left from collapsed parts dropped). Each repair is announced naming the district,
    the reason and the area before and after (hectares, UTM 32N); an outline with no area
    left is refused."""
    out = []
    for i, (stadtteil, g) in enumerate(zip(gdf["stadtteil"], gdf.geometry)):
        wer = f"Stadtteil „{stadtteil}“ (Objekt {i + 1})"
        if shapely.has_z(g):
            g = shapely.force_2d(g)
            hinweise.append(f"{wer}: 3-D-Koordinaten (mit Höhe) – auf 2-D (Lage) reduziert; "
                            f"Fläche unverändert {_ha(g)}.")
        ohne = shapely.remove_repeated_points(g)
        doppelt = shapely.get_num_coordinates(g) - shapely.get_num_coordinates(ohne)
        if doppelt and shapely.is_valid(ohne):
            hinweise.append(f"{wer}: {doppelt} doppelte Punkte entfernt; Fläche vorher "
                            f"{_ha(g)}, nachher {_ha(ohne)}.")
            g = ohne
        if not shapely.is_valid(g):
            grund = shapely.is_valid_reason(g)
            art = grund.split("[")[0]
            text = _GRUENDE.get(art, f"ungültiger Umriss ({art})")
            if "[" in grund:
                x, y = (float(v) for v in grund.split("[")[1].rstrip("]").split()[:2])
                text += f" bei {y:.5f}° N, {x:.5f}° O".replace(".", ",")
            neu = shapely.make_valid(g, method="structure", keep_collapsed=False)
            if neu.geom_type == "GeometryCollection":
                neu = shapely.union_all([p for p in neu.geoms if p.geom_type in FLAECHEN])
            if neu.is_empty or neu.geom_type not in FLAECHEN:
                raise GeoFehler(f"{name}: {wer}: {text} – der Umriss lässt sich nicht "
                                "reparieren (keine Fläche übrig). Bitte im GIS korrigieren.")
            hinweise.append(f"{wer}: {text} – automatisch repariert (GEOS MakeValid); Fläche "
                            f"vorher {_ha(g)}, nachher {_ha(neu)}. Bitte den Umriss im GIS "
                            "prüfen.")
            g = neu
        out.append(g)
    return out


def _check_rows(gdf: gpd.GeoDataFrame, name: str) -> None:
    """Every feature needs a name and an area geometry (feature numbers count from 1)."""
    probleme = []
    leer = gdf["stadtteil"].isna() | (gdf["stadtteil"].astype(str).str.strip() == "")
    for i in gdf.index[leer][:10]:
        probleme.append(f"Objekt {_nr(gdf, i)}: Attribut „stadtteil“ ist leer")
    typ = gdf.geometry.geom_type
    falsch = gdf.geometry.isna() | gdf.geometry.is_empty | ~typ.isin(FLAECHEN)
    for i in gdf.index[falsch][:10]:
        art = "keine Geometrie" if gdf.geometry[i] is None or gdf.geometry[i].is_empty \
            else f"Geometrie {typ[i]}"
        probleme.append(f"Objekt {_nr(gdf, i)} ({gdf.at[i, 'stadtteil']}): {art} – "
                        "erwartet sind Flächen (Polygon oder MultiPolygon)")
    if probleme:
        raise GeoFehler(f"{name}: " + "; ".join(probleme))


def _nr(gdf: gpd.GeoDataFrame, i) -> int:
    return int(gdf.index.get_loc(i)) + 1


def _quartier(gdf: gpd.GeoDataFrame) -> pd.Series:
    """Programme area: the file's value where it is one of the two, else from the name."""
    von_name = gdf["stadtteil"].map(STADTTEILE)
    if "quartier" not in gdf:
        return von_name.astype(object)
    eigen = gdf["quartier"].where(gdf["quartier"].isin(QUARTIERE))
    return eigen.fillna(von_name).astype(object).where(lambda s: s.notna(), None)


def _ja_nein(s: pd.Series) -> pd.Series:
    text = s.astype(str).str.strip().str.lower()
    return text.isin({"true", "1", "ja", "j", "x", "yes", "wahr"})


def _in_erfurt(lon: float, lat: float, rand: float = 0.0) -> bool:
    b = ERFURT_BBOX
    return (b["lat_min"] - rand <= lat <= b["lat_max"] + rand
            and b["lon_min"] - rand <= lon <= b["lon_max"] + rand)


# Coordinate systems Erfurt's geodata come in; used to say which one the numbers fit.
BEKANNTE_CRS = {"EPSG:25832": "ETRS89 / UTM Zone 32N", "EPSG:4326": "WGS84 (Länge/Breite)",
                "EPSG:31468": "DHDN / Gauß-Krüger Zone 4", "EPSG:31467": "DHDN / Gauß-Krüger "
                "Zone 3", "EPSG:25833": "ETRS89 / UTM Zone 33N", "EPSG:3857": "Web Mercator"}


def _passendes_crs(roh: gpd.GeoSeries) -> str | None:
    """The known CRS in which the file's raw numbers would lie in Erfurt, if any."""
    x0, y0, x1, y1 = roh.total_bounds
    for code, titel in BEKANNTE_CRS.items():
        mitte = gpd.GeoSeries(gpd.points_from_xy([(x0 + x1) / 2], [(y0 + y1) / 2]), crs=code)
        try:
            p = mitte.to_crs(WGS84).iloc[0]
        except Exception:   # noqa: BLE001 – numbers out of that CRS's range
            continue
        if p.is_valid and not p.is_empty and _in_erfurt(p.x, p.y):
            return f"{titel}, {code}"
    return None


def _check_lies_in_erfurt(gdf: gpd.GeoDataFrame, roh: gpd.GeoSeries, name: str,
                          quelle_crs: str) -> None:
    """Outlines far from Erfurt almost always mean swapped axes (latitude given as x) or a
    wrong or missing CRS declaration (e.g. UTM metres in a GeoJSON without a "crs" member are
    read as degrees). The whole file and every single outline are checked."""
    mitten = gdf.geometry.representative_point()
    drin = [_in_erfurt(p.x, p.y, rand=0.05) for p in mitten]
    if not any(drin):
        lon0, lat0, lon1, lat1 = gdf.total_bounds
        lat, lon = (lat0 + lat1) / 2, (lon0 + lon1) / 2
        if _in_erfurt(lat, lon):
            grund = ("Breite und Länge sind vertauscht (die Datei gibt die Breite als erste "
                     "Koordinate an). Bitte im GIS mit der Achsenfolge Länge, Breite (x = Ost) "
                     "speichern.")
        else:
            passt = _passendes_crs(roh)
            grund = (f"Die Zahlen passen zu {passt}, angegeben ist aber {quelle_crs} – bitte "
                     "das Koordinatensystem richtig angeben." if passt else
                     "Stimmt das in der Datei angegebene Koordinatensystem?")
        raise GeoFehler(f"{name}: Die Flächen liegen nicht in Erfurt (Mitte bei "
                        f"{lat:.4f}° N, {lon:.4f}° O nach Umrechnung aus {quelle_crs}). "
                        + grund)
    ausserhalb = [f"„{st}“ (Objekt {i + 1}, bei {p.y:.4f}° N, {p.x:.4f}° O"
                  + (", Breite und Länge vertauscht?" if _in_erfurt(p.y, p.x) else "") + ")"
                  for i, (st, p, ok) in enumerate(zip(gdf["stadtteil"], mitten, drin)) if not ok]
    if ausserhalb:
        raise GeoFehler(f"{name}: Umrisse liegen nicht in Erfurt: " + "; ".join(ausserhalb)
                        + ". Bitte die Koordinaten dieser Stadtteile im GIS prüfen.")


def read_districts_upload(dateiname: str, inhalt: bytes, name: str | None = None
                          ) -> gpd.GeoDataFrame:
    """Outlines from an uploaded file: GeoJSON or GeoPackage as is; a Shapefile as a .zip with
    its sidecar files (.shp, .shx, .dbf and .prj for the CRS). Messages name the file as
    `name` (default: dateiname)."""
    endung = Path(dateiname).suffix.lower()
    dateiname = name or dateiname
    if endung == ".shp":
        raise GeoFehler(f"{dateiname}: Ein Shapefile besteht aus mehreren Dateien (.shp, .shx, "
                        ".dbf, .prj). Bitte alle zusammen als ZIP-Datei hochladen – oder die "
                        "Umrisse als GeoJSON oder GeoPackage speichern.")
    if endung not in (".zip", ".geojson", ".json", ".gpkg"):
        raise GeoFehler(f"{dateiname}: Dateityp {endung or '(ohne Endung)'} wird nicht "
                        "unterstützt (erwartet: .geojson, .gpkg oder ein Shapefile als .zip).")
    with tempfile.TemporaryDirectory(prefix="biwaq_geo_") as tmp:
        ziel = Path(tmp) / ("upload" + endung)
        ziel.write_bytes(inhalt)
        if endung == ".zip":
            ziel = _entpacken(ziel, Path(tmp) / "inhalt", dateiname)
        gdf = read_districts(ziel, name=dateiname)
    return gdf


def _entpacken(zip_pfad: Path, ordner: Path, dateiname: str) -> Path:
    """Unpack flat (member paths are ignored, so nothing lands outside `ordner`)."""
    try:
        zf = zipfile.ZipFile(zip_pfad)
    except zipfile.BadZipFile:
        raise GeoFehler(f"{dateiname}: Die ZIP-Datei ist beschädigt oder keine ZIP-Datei.") \
            from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()
                 and not Path(i.filename).name.startswith(".")
                 and "__MACOSX" not in i.filename]
        if sum(i.file_size for i in infos) > MAX_ENTPACKT:
            raise GeoFehler(f"{dateiname}: Der ZIP-Inhalt ist größer als "
                            f"{MAX_ENTPACKT // 2**20} MB.")
        ordner.mkdir()
        for info in infos:
            (ordner / Path(info.filename).name).write_bytes(zf.read(info))
    kandidaten = sorted(p for p in ordner.iterdir() if p.suffix.lower() in GEO_ENDUNGEN)
    if not kandidaten:
        raise GeoFehler(f"{dateiname}: Die ZIP-Datei enthält keine Geodaten (.shp, .gpkg, "
                        ".geojson).")
    if len(kandidaten) > 1:
        raise GeoFehler(f"{dateiname}: Die ZIP-Datei enthält mehrere Geodaten-Dateien ("
                        + ", ".join(p.name for p in kandidaten) + "); bitte genau eine.")
    pfad = kandidaten[0]
    if pfad.suffix.lower() == ".shp":
        fehlen = [e for e in (".shx", ".dbf") if not any(
            p.name.lower() == pfad.stem.lower() + e for p in ordner.iterdir())]
        if fehlen:
            raise GeoFehler(f"{dateiname}: Zum Shapefile {pfad.name} fehlen "
                            + ", ".join(fehlen) + " (nötig sind .shp, .shx, .dbf und .prj).")
    return pfad


# --- Storing ---------------------------------------------------------------------------------

def district_rows(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Outlines as rows of table stadtteil_geo: stadtteil, quartier, schematisch, wkt (WGS84),
    flaeche_ha_utm (hectares, measured in ETRS89/UTM 32N)."""
    area_ha = gdf.to_crs(UTM32).geometry.area / 10_000
    return pd.DataFrame({
        "stadtteil": gdf["stadtteil"].astype(str).to_numpy(),
        "quartier": gdf["quartier"].to_numpy(),
        "schematisch": gdf["schematisch"].to_numpy(),
        "wkt": gdf.geometry.to_wkt().to_numpy(),
        "flaeche_ha_utm": area_ha.to_numpy(),
    })


def store_districts(con, gdf: gpd.GeoDataFrame) -> None:
    """Replace the stored outlines (WKT in WGS84, area from UTM 32N) and re-locate every vacancy
    in them (table leerstand_lage)."""
    src = district_rows(gdf)  # noqa: F841 (scanned by DuckDB)
    con.execute("delete from stadtteil_geo")
    con.execute("insert into stadtteil_geo by name select * from src")
    assign_vacancies(con, gdf)
    werte = {"geodaten_geladen": dt.datetime.now().isoformat(timespec="seconds"),
             "geodaten_schematisch": str(bool(gdf["schematisch"].all())),
             "geodaten_hinweise": "\n".join(gdf.attrs.get("hinweise", []))}
    if gdf.attrs.get("quelle"):
        werte["geodaten"] = gdf.attrs["quelle"]
    metadaten.set_meta(con, **werte)


def assign_vacancies(con, districts: gpd.GeoDataFrame) -> pd.DataFrame:
    """District of every vacancy's position (spatial join); for a position outside every
    district, the nearest district and the distance in metres (UTM 32N). Replaces
    leerstand_lage and returns it. Call again after vacancies were imported."""
    df = con.execute("select objekt_id, lat, lon from leerstaende order by objekt_id").df()
    lage = pd.DataFrame({"objekt_id": df["objekt_id"],
                         "stadtteil_lage": locate_points(df["lat"], df["lon"], districts)})
    nah = nearest_district(df["lat"], df["lon"], districts)
    aussen = lage["stadtteil_lage"].isna()
    lage["naechster_stadtteil"] = nah["stadtteil"].where(aussen, None)
    lage["abstand_m"] = nah["abstand_m"].where(aussen, None)
    src = lage  # noqa: F841 (scanned by DuckDB)
    con.execute("delete from leerstand_lage")
    con.execute("insert into leerstand_lage by name select * from src")
    return lage


def districts_from_store(df: pd.DataFrame) -> gpd.GeoDataFrame:
    """Rows of `stadtteil_geo` back into a GeoDataFrame (WGS84)."""
    geom = df["wkt"].map(shapely_wkt.loads)
    return gpd.GeoDataFrame(df.drop(columns=["wkt"]), geometry=list(geom), crs=WGS84)


# --- Positions ---------------------------------------------------------------------------------

def _points_utm(lat, lon) -> gpd.GeoDataFrame:
    lat = pd.Series(lat).reset_index(drop=True).astype(float)
    lon = pd.Series(lon).reset_index(drop=True).astype(float)
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=WGS84).to_crs(UTM32)


def locate_points(lat, lon, districts: gpd.GeoDataFrame) -> pd.Series:
    """District name for each WGS84 position (None where the point lies in no district).

    The join runs in UTM 32N, the CRS city geodata is drawn in. Points on a shared border get
    the first matching district; input order is kept.
    """
    pts = _points_utm(lat, lon)
    joined = gpd.sjoin(pts, districts.to_crs(UTM32)[["stadtteil", "geometry"]],
                       how="left", predicate="intersects")
    joined = joined[~joined.index.duplicated(keep="first")].sort_index()
    out = joined["stadtteil"].astype(object)
    return out.where(out.notna(), None)


def nearest_district(lat, lon, districts: gpd.GeoDataFrame) -> pd.DataFrame:
    """Nearest district and distance to its outline in metres (0 inside), per position."""
    pts = _points_utm(lat, lon)
    if pts.empty or districts.empty:
        return pd.DataFrame({"stadtteil": pd.Series([None] * len(pts), dtype=object),
                             "abstand_m": pd.Series([None] * len(pts), dtype=float)})
    joined = gpd.sjoin_nearest(pts, districts.to_crs(UTM32)[["stadtteil", "geometry"]],
                               how="left", distance_col="abstand_m")
    joined = joined[~joined.index.duplicated(keep="first")].sort_index()
    return pd.DataFrame({"stadtteil": joined["stadtteil"].astype(object).to_numpy(),
                         "abstand_m": joined["abstand_m"].round(0).to_numpy()})
