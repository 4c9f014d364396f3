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

from biwaq import store
from biwaq.contract import ERFURT_BBOX, QUARTIERE, STADTTEILE
from biwaq.fileio import normalise_header

WGS84 = "EPSG:4326"
UTM32 = "EPSG:25832"
GEO_ENDUNGEN = (".geojson", ".json", ".gpkg", ".shp")
UPLOAD_ENDUNGEN = ("geojson", "json", "gpkg", "zip")
MAX_ENTPACKT = 200 * 1024 * 1024     # bytes a zip upload may unpack to
FLAECHEN = ("Polygon", "MultiPolygon")


class GeoFehler(ValueError):
    """Unusable district geodata; the message is German and names the file."""


# --- Reading ---------------------------------------------------------------------------------

def read_districts(path: Path | str, name: str | None = None) -> gpd.GeoDataFrame:
    """Read district outlines (GeoJSON, GeoPackage, Shapefile) with a `stadtteil` attribute.

    Any CRS; the result is WGS84, one row per district (parts with the same name are merged).
    Raises GeoFehler with a German message for unreadable files, a missing CRS or attribute,
    empty names, non-area geometries and outlines that do not lie in Erfurt.
    """
    name = name or Path(path).name
    try:
        gdf = gpd.read_file(path)
    except Exception as e:   # pyogrio raises DataSourceError, fiona/GDAL others
        raise GeoFehler(f"{name}: Die Datei lässt sich nicht als Geodaten lesen (erwartet: "
                        f"GeoJSON, GeoPackage oder Shapefile). Meldung: {e}") from None
    out = prepare_districts(gdf, name)
    out.attrs["quelle"] = name
    return out


def prepare_districts(gdf: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """Check and normalise outlines read from a file (see read_districts)."""
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
    quelle_crs = gdf.crs.to_string()
    gdf = gdf.to_crs(WGS84)
    _check_lies_in_erfurt(gdf, name, quelle_crs)
    gdf["stadtteil"] = gdf["stadtteil"].astype(str).str.strip()
    gdf["quartier"] = _quartier(gdf)
    gdf["schematisch"] = _ja_nein(gdf["schematisch"]) if "schematisch" in gdf else False
    gdf = gdf.set_geometry(shapely.make_valid(gdf.geometry.values))
    gdf = gdf.dissolve(by="stadtteil", as_index=False,
                       aggfunc={"quartier": "first", "schematisch": "max"})
    return gdf[["stadtteil", "quartier", "schematisch", "geometry"]]


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


def _check_lies_in_erfurt(gdf: gpd.GeoDataFrame, name: str, quelle_crs: str) -> None:
    """Outlines far from Erfurt almost always mean a wrong or missing CRS declaration
    (e.g. UTM metres in a GeoJSON without a "crs" member are read as degrees)."""
    lon0, lat0, lon1, lat1 = gdf.total_bounds
    lat, lon = (lat0 + lat1) / 2, (lon0 + lon1) / 2
    b = ERFURT_BBOX
    if not (b["lat_min"] <= lat <= b["lat_max"] and b["lon_min"] <= lon <= b["lon_max"]):
        raise GeoFehler(f"{name}: Die Flächen liegen nicht in Erfurt (Mitte bei "
                        f"{lat:.4f}° N, {lon:.4f}° O nach Umrechnung aus {quelle_crs}). "
                        "Stimmt das in der Datei angegebene Koordinatensystem?")


def read_districts_upload(dateiname: str, inhalt: bytes) -> gpd.GeoDataFrame:
    """Outlines from an uploaded file: GeoJSON or GeoPackage as is; a Shapefile as a .zip with
    its sidecar files (.shp, .shx, .dbf and .prj for the CRS)."""
    endung = Path(dateiname).suffix.lower()
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
             "geodaten_schematisch": str(bool(gdf["schematisch"].all()))}
    if gdf.attrs.get("quelle"):
        werte["geodaten"] = gdf.attrs["quelle"]
    store.set_meta(con, **werte)


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


def replace_geodata(db: Path | str, gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Store new outlines in the database file through store.replace_atomically (open sessions
    keep reading the old file until they reconnect). Returns the new vacancy locations."""
    with store.replace_atomically(db) as con:
        store_districts(con, gdf)
        lage = con.execute("select * from leerstand_lage order by objekt_id").df()
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
