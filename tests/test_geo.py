"""District geodata: any CRS in, same districts out; positions located; problems reported."""
from __future__ import annotations

import io
import shutil
import zipfile

import duckdb
import geopandas as gpd
import pandas as pd
import pytest

from biwaq import cli
from biwaq.einlesen import geo
from biwaq.speicher import importer, store
from biwaq.einlesen.demo import schematic_districts
from biwaq.speicher.queries import run_query
from test_import_stapel import inhalt

ANGER = (50.976, 11.035)            # Erfurt city centre: between the two programme areas
FLUGHAFEN = (50.980, 10.958)        # Erfurt airport: in the city, outside both areas


@pytest.fixture(scope="module")
def demo_shapes() -> gpd.GeoDataFrame:
    return schematic_districts()


def write(gdf: gpd.GeoDataFrame, path, crs: str | None = None, driver: str = "GeoJSON"):
    out = gdf.to_crs(crs) if crs else gdf
    out.to_file(path, driver=driver)
    return path


def test_geojson_in_utm_and_in_wgs84_give_the_same_districts(demo_shapes, tmp_path):
    utm = geo.read_districts(write(demo_shapes, tmp_path / "utm.geojson", "EPSG:25832"))
    wgs = geo.read_districts(write(demo_shapes, tmp_path / "wgs.geojson", "EPSG:4326"))
    assert utm.crs == wgs.crs == "EPSG:4326"
    assert list(utm["stadtteil"]) == list(wgs["stadtteil"]) == sorted(demo_shapes["stadtteil"])
    assert list(utm["quartier"]) == list(wgs["quartier"])
    assert utm["schematisch"].all()
    a_utm = utm.to_crs(geo.UTM32).set_index("stadtteil").area
    a_wgs = wgs.to_crs(geo.UTM32).set_index("stadtteil").area
    pd.testing.assert_series_equal(a_utm, a_wgs, rtol=1e-6)
    # the demo's Wiesenhügel was drawn with 45 ha (facts: 0.45 km²)
    assert a_utm["Wiesenhügel"] / 10_000 == pytest.approx(45, rel=0.01)
    for s in utm["stadtteil"]:
        g1 = utm.set_index("stadtteil").geometry[s]
        g2 = wgs.set_index("stadtteil").geometry[s]
        assert g1.symmetric_difference(g2).area < 1e-6 * g1.area


def test_geopackage_and_zipped_shapefile_read_the_same(demo_shapes, tmp_path):
    gpkg = geo.read_districts(write(demo_shapes, tmp_path / "s.gpkg", "EPSG:25832", "GPKG"))
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    write(demo_shapes[["stadtteil", "geometry"]], shp_dir / "stadtteile.shp", "EPSG:25832",
          "ESRI Shapefile")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in shp_dir.iterdir():
            zf.write(p, "ordner/" + p.name)       # a folder inside the zip is fine
    shp = geo.read_districts_upload("stadtteile.zip", buf.getvalue())
    assert list(shp["stadtteil"]) == list(gpkg["stadtteil"])
    assert list(shp["quartier"]) == list(gpkg["quartier"])      # from the district name
    assert not shp["schematisch"].any()                          # no such attribute in it
    assert shp.attrs["quelle"] == "stadtteile.zip"


def test_points_are_located_in_their_district(demo_shapes):
    mitten = demo_shapes.to_crs(geo.UTM32).geometry.representative_point().to_crs(geo.WGS84)
    lat = list(mitten.y) + [ANGER[0], FLUGHAFEN[0]]
    lon = list(mitten.x) + [ANGER[1], FLUGHAFEN[1]]
    got = geo.locate_points(lat, lon, demo_shapes)
    assert list(got) == list(demo_shapes["stadtteil"]) + [None, None]
    nah = geo.nearest_district([FLUGHAFEN[0]], [FLUGHAFEN[1]], demo_shapes)
    assert nah["stadtteil"][0] == "Andreasvorstadt"              # the western district
    assert 2_000 < nah["abstand_m"][0] < 6_000


@pytest.mark.parametrize("aendern, meldung", [
    (lambda g: g.rename(columns={"stadtteil": "name"}), "Attribut „stadtteil“ fehlt"),
    (lambda g: g.assign(stadtteil=[None] + list(g["stadtteil"][1:])),
     "Objekt 1: Attribut „stadtteil“ ist leer"),
    (lambda g: g.set_geometry(g.geometry.centroid), "Geometrie Point"),
])
def test_unusable_geodata_get_a_clear_german_message(demo_shapes, tmp_path, aendern, meldung):
    path = write(aendern(demo_shapes.copy()), tmp_path / "kaputt.geojson")
    with pytest.raises(geo.GeoFehler, match=meldung) as err:
        geo.read_districts(path)
    assert str(err.value).startswith("kaputt.geojson: ")


def test_missing_crs_and_wrong_crs_are_refused(demo_shapes, tmp_path):
    ohne = demo_shapes.to_crs(geo.UTM32).set_crs(None, allow_override=True)
    write(ohne[["stadtteil", "geometry"]], tmp_path / "ohne.shp", driver="ESRI Shapefile")
    with pytest.raises(geo.GeoFehler, match="Koordinatensystem .CRS. ist nicht angegeben"):
        geo.read_districts(tmp_path / "ohne.shp")
    # UTM coordinates declared as WGS84 land far from Erfurt
    falsch = demo_shapes.to_crs(geo.UTM32).set_crs(geo.WGS84, allow_override=True)
    with pytest.raises(geo.GeoFehler, match="liegen nicht in Erfurt"):
        geo.prepare_districts(falsch, "falsch.geojson")


def test_upload_messages_for_shapefile_parts(demo_shapes, tmp_path):
    with pytest.raises(geo.GeoFehler, match="als ZIP-Datei hochladen"):
        geo.read_districts_upload("stadtteile.shp", b"\x00")
    write(demo_shapes[["stadtteil", "geometry"]], tmp_path / "s.shp", "EPSG:25832",
          "ESRI Shapefile")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in tmp_path.glob("s.*"):
            if p.suffix != ".dbf":
                zf.write(p, p.name)
    with pytest.raises(geo.GeoFehler, match="fehlen .dbf"):
        geo.read_districts_upload("teile.zip", buf.getvalue())
    with pytest.raises(geo.GeoFehler, match="keine ZIP-Datei"):
        geo.read_districts_upload("x.zip", b"kein zip")
    with pytest.raises(geo.GeoFehler, match="nicht unterstützt"):
        geo.read_districts_upload("x.kml", b"")


@pytest.fixture
def export_dir(tmp_path):
    """The demo export with two vacancies changed: L-0001 without district (position inside
    Johannesvorstadt), L-0002 without district at the airport (outside every district)."""
    src = tmp_path / "export"
    shutil.copytree(store.DEMO_DIR, src)
    path = src / "leerstaende.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    head = lines[0].split(";")
    i_st, i_lat, i_lon = head.index("stadtteil"), head.index("lat"), head.index("lon")
    for n, pos in ((1, None), (2, FLUGHAFEN)):
        parts = lines[n].split(";")
        parts[i_st] = ""
        if pos is not None:
            parts[i_lat], parts[i_lon] = (str(x).replace(".", ",") for x in pos)
        lines[n] = ";".join(parts)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return src


def test_build_assigns_districts_and_reports_outside_positions(export_dir, tmp_path, capsys):
    db = tmp_path / "biwaq.duckdb"
    assert cli.main(["build", "--db", str(db), "--from", str(export_dir)]) == 0
    out = capsys.readouterr().out
    assert "1 Leerstand passt nicht zu den Stadtteilumrissen" in out
    assert "L-0002" in out and "außerhalb aller Stadtteile" in out and "L-0001" not in out
    con = duckdb.connect(str(db), read_only=True)
    try:
        mart = con.execute("select objekt_id, stadtteil, stadtteil_herkunft from "
                           "mart_leerstaende where objekt_id in ('L-0001', 'L-0002') "
                           "order by 1").fetchall()
        assert mart == [("L-0001", "Johannesvorstadt", "Lage"), ("L-0002", None, None)]
        lage = run_query("oek_leerstand_lage", con)
        assert list(lage["objekt_id"]) == ["L-0002"]
        assert lage["hinweis"][0].startswith("außerhalb aller Stadtteile (")
        assert lage["naechster_stadtteil"][0] == "Andreasvorstadt"
        # the reported vacancy stays in the figures, without a district
        assert con.execute("select count(*) from mart_leerstaende").fetchone()[0] == 80
    finally:
        con.close()


def test_build_with_geodaten_option_takes_that_file(export_dir, demo_shapes, tmp_path, capsys):
    city = demo_shapes.copy()
    city["schematisch"] = False
    utm = write(city, tmp_path / "stadtteile_amtlich.gpkg", "EPSG:25832", "GPKG")
    db = tmp_path / "biwaq.duckdb"
    assert cli.main(["build", "--db", str(db), "--from", str(export_dir),
                     "--geodaten", str(utm)]) == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        meta = store.get_meta(con)
        assert meta["geodaten"] == "stadtteile_amtlich.gpkg"
        assert meta["geodaten_schematisch"] == "False"
        assert not run_query("oek_stadtteil_umrisse", con)["schematisch"].any()
    finally:
        con.close()


def test_build_with_bad_geodata_changes_nothing(export_dir, demo_db, demo_shapes, tmp_path,
                                                capsys):
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, db)
    before = db.read_bytes()
    bad = write(demo_shapes.rename(columns={"stadtteil": "name"}), tmp_path / "bad.geojson")
    assert cli.main(["build", "--db", str(db), "--from", str(export_dir),
                     "--geodaten", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.geojson: Attribut „stadtteil“ fehlt" in err and "unverändert" in err
    assert db.read_bytes() == before


def test_replacing_geodata_keeps_open_readers_working(demo_db, demo_shapes, tmp_path):
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, db)
    alt = duckdb.connect(str(db), read_only=True)
    try:
        # real-looking outlines: the demo shapes moved 400 m east, not schematic
        neu = demo_shapes.to_crs(geo.UTM32)
        neu["geometry"] = neu.geometry.translate(400, 0)
        neu["schematisch"] = False
        buf = io.BytesIO()
        neu.to_file(buf, driver="GeoJSON")
        erg = importer.importiere_geodaten("verschoben.geojson", buf.getvalue(), db, wer="t",
                                           rolle="steuerung")
        assert erg.ok, erg.fehler
        con = store.connect_readonly(db)     # a fresh instance: `alt` still holds the old file
        lage = con.execute("select * from leerstand_lage").df()
        con.close()
        assert len(lage) == 80
        moved_out = int(lage["stadtteil_lage"].isna().sum())
        assert moved_out > 0                         # points near the west edges fall outside
        # the old connection still reads the old file
        assert alt.execute("select bool_and(schematisch) from stadtteil_geo").fetchone()[0]
        alt.close()     # DuckDB reuses an open database of the same path within a process
        neu_con = duckdb.connect(str(db), read_only=True)
        try:
            assert not neu_con.execute(
                "select bool_or(schematisch) from stadtteil_geo").fetchone()[0]
            berichtet = run_query("oek_leerstand_lage", neu_con)
            # every position outside is reported (the demo vacancies all have a district)
            assert (berichtet["stadtteil_lage"].isna()).sum() == moved_out
        finally:
            neu_con.close()
    finally:
        alt.close()


OHNE_PROTOKOLL = ("stadtteil_geo", "leerstand_lage", "leerstaende", "_meta")


def test_failed_upload_changes_nothing(demo_db, tmp_path):
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, db)
    before = db.read_bytes()
    with pytest.raises(geo.GeoFehler):
        geo.read_districts_upload("leer.geojson", b'{"type": "FeatureCollection", '
                                                  b'"features": []}')
    erg = importer.importiere_geodaten("leer.geojson", b'{"type": "FeatureCollection", '
                                       b'"features": []}', db, wer="t", rolle="steuerung")
    assert not erg.ok and "keine Flächen" in erg.fehler[0].erwartet
    (tmp_path / "vorher.duckdb").write_bytes(before)
    assert inhalt(db, OHNE_PROTOKOLL) == inhalt(tmp_path / "vorher.duckdb", OHNE_PROTOKOLL)


def test_demo_positions_all_lie_in_their_recorded_district(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        assert run_query("oek_leerstand_lage", con).empty
        lage = con.execute("select count(*) filter (where stadtteil_lage is not null), "
                           "count(*) from leerstand_lage").fetchone()
        assert lage == (80, 80)
    finally:
        con.close()
