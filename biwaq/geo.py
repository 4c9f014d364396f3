"""District geodata: read in any CRS, WGS84 for display, ETRS89/UTM 32N for areas."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely import wkt as shapely_wkt

from biwaq.contract import STADTTEILE
from biwaq.fileio import normalise_header

WGS84 = "EPSG:4326"
UTM32 = "EPSG:25832"


def read_districts(path: Path | str) -> gpd.GeoDataFrame:
    """Read district outlines (GeoJSON, GeoPackage, Shapefile) with a `stadtteil` attribute."""
    gdf = gpd.read_file(path)
    gdf.columns = [c if c == gdf.geometry.name else normalise_header(c) for c in gdf.columns]
    if "stadtteil" not in gdf.columns:
        raise ValueError(f"{Path(path).name}: Attribut „stadtteil“ fehlt in den Geodaten")
    if gdf.crs is None:
        raise ValueError(f"{Path(path).name}: Koordinatensystem (CRS) ist nicht angegeben")
    gdf = gdf.to_crs(WGS84)
    if "quartier" not in gdf.columns:
        gdf["quartier"] = gdf["stadtteil"].map(STADTTEILE)
    if "schematisch" not in gdf.columns:
        gdf["schematisch"] = False
    gdf["schematisch"] = gdf["schematisch"].fillna(False).astype(bool)
    return gdf[["stadtteil", "quartier", "schematisch", "geometry"]]


def store_districts(con, gdf: gpd.GeoDataFrame) -> None:
    """Replace the stored outlines (WKT in WGS84, area from UTM 32N)."""
    area_ha = gdf.to_crs(UTM32).geometry.area / 10_000
    src = pd.DataFrame({  # noqa: F841 (scanned by DuckDB)
        "stadtteil": gdf["stadtteil"].astype(str).to_numpy(),
        "quartier": gdf["quartier"].to_numpy(),
        "schematisch": gdf["schematisch"].to_numpy(),
        "wkt": gdf.geometry.to_wkt().to_numpy(),
        "flaeche_ha_utm": area_ha.to_numpy(),
    })
    con.execute("delete from stadtteil_geo")
    con.execute("insert into stadtteil_geo by name select * from src")


def districts_from_store(df: pd.DataFrame) -> gpd.GeoDataFrame:
    """Rows of `stadtteil_geo` back into a GeoDataFrame (WGS84)."""
    geom = df["wkt"].map(shapely_wkt.loads)
    return gpd.GeoDataFrame(df.drop(columns=["wkt"]), geometry=list(geom), crs=WGS84)


def locate_points(lat, lon, districts: gpd.GeoDataFrame) -> pd.Series:
    """District name for each WGS84 position (None where the point lies in no district).

    Points on a shared border get the first matching district; input order is kept.
    """
    lat = pd.Series(lat).reset_index(drop=True).astype(float)
    lon = pd.Series(lon).reset_index(drop=True).astype(float)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=WGS84)
    joined = gpd.sjoin(pts, districts.to_crs(WGS84)[["stadtteil", "geometry"]],
                       how="left", predicate="intersects")
    joined = joined[~joined.index.duplicated(keep="first")].sort_index()
    out = joined["stadtteil"].astype(object)
    return out.where(out.notna(), None)
