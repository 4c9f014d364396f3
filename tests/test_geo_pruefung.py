"""Geodata as GIS tools export them (issue 9 kind 9): a .dbf in UTF-8 without .cpg, invalid
outlines (bow-tie, repeated points, 3-D), swapped axes and a wrong CRS."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon

from biwaq.einlesen import geo
from biwaq.speicher import importer, store
from biwaq.einlesen.demo import schematic_districts
from biwaq.speicher.importer import Eingabe
from conftest import ROOT
from test_page_daten import upload_server  # noqa: F401 (fixture: a server of its own)

FALL08 = Path("/work/shared/field-cases/08-shapefile-utf8-ohne-cpg/stadtteile_shp")


@pytest.fixture(scope="module")
def umrisse() -> gpd.GeoDataFrame:
    return schematic_districts()[["stadtteil", "geometry"]]


def _mitte_utm(umrisse, name: str) -> tuple[float, float]:
    p = umrisse.to_crs(geo.UTM32).set_index("stadtteil").geometry[name].representative_point()
    return p.x, p.y


def _ersetzt(umrisse, name: str, geom_utm) -> gpd.GeoDataFrame:
    utm = umrisse.to_crs(geo.UTM32).copy()
    utm.loc[utm["stadtteil"] == name, "geometry"] = geom_utm
    return utm


# --- Encoding ------------------------------------------------------------------------------------

def test_field_case_08_shapefile_utf8_without_cpg_is_re_read_with_a_note():
    gdf = geo.read_districts(FALL08 / "stadtteile.shp")
    assert sorted(gdf["stadtteil"]) == ["Andreasvorstadt", "Herrenberg", "Ilversgehofen",
                                        "Johannesvorstadt", "Melchendorf", "Wiesenhügel"]
    assert gdf.set_index("stadtteil").at["Wiesenhügel", "quartier"] == "Süd-Ost"
    assert gdf.attrs["hinweise"] == [
        "Umlaute in „stadtteil“ verstümmelt – fehlt die .cpg-Datei? Die .dbf ist UTF-8-kodiert; "
        "sie wurde als UTF-8 neu gelesen: „WiesenhÃ¼gel“ → „Wiesenhügel“. Bitte die .cpg-Datei "
        "(Inhalt: UTF-8) mitliefern."]


def test_field_case_08_build_names_no_vacancy_and_prints_the_note(tmp_path):
    r = subprocess.run([sys.executable, "-m", "biwaq", "build", "--db", str(tmp_path / "x.duckdb"),
                        "--geodaten", str(FALL08 / "stadtteile.shp")], cwd=ROOT, text=True,
                       capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "Hinweis (Geodaten): Umlaute in „stadtteil“ verstümmelt – fehlt die .cpg-Datei?" \
        in r.stdout
    assert "Leerst" not in r.stdout and "WiesenhÃ¼gel" not in r.stdout.split("→")[-1]
    con = duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True)
    try:
        assert con.execute("select quartier from stadtteil_geo where stadtteil = 'Wiesenhügel'"
                           ).fetchone() == ("Süd-Ost",)
        assert con.execute("select count(*) from stadtteil_geo where stadtteil like '%Ã%'"
                           ).fetchone() == (0,)
    finally:
        con.close()


def test_field_case_08_import_keeps_the_note_in_the_log(demo_db, tmp_path):
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, db)
    erg = importer.importiere([Eingabe.aus_pfad(FALL08 / "stadtteile.shp")], db,
                              demo_entfernen=True, wer="test")
    assert erg.ok, erg.fehler
    [w] = erg.warnungen
    assert (w.datei, w.zeile, w.spalte) == ("stadtteile.shp", None, None)
    assert w.erwartet.startswith("Umlaute in „stadtteil“ verstümmelt – fehlt die .cpg-Datei?")
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select art, meldung from importprotokoll_meldung").fetchall() == [
            ("Hinweis", w.erwartet)]
    finally:
        con.close()


def test_shapefile_with_a_wrong_cpg_is_refused(tmp_path):
    for p in FALL08.iterdir():
        shutil.copy(p, tmp_path / p.name)
    (tmp_path / "stadtteile.cpg").write_text("ISO-8859-1", encoding="ascii")
    with pytest.raises(geo.GeoFehler) as e:
        geo.read_districts(tmp_path / "stadtteile.shp")
    assert str(e.value) == (
        "stadtteile.shp: Umlaute in „stadtteil“ verstümmelt (Objekt 5: „WiesenhÃ¼gel“) – stimmt "
        "die Kodierung in der .cpg-Datei? Bitte das Shapefile mit .cpg-Datei (UTF-8) neu "
        "speichern.")


def test_geojson_with_doubly_converted_text_is_refused(umrisse, tmp_path):
    kaputt = umrisse.copy()
    kaputt["stadtteil"] = kaputt["stadtteil"].str.replace("ü", "Ã¼")
    p = tmp_path / "stadtteile.geojson"
    kaputt.to_file(p, driver="GeoJSON")
    with pytest.raises(geo.GeoFehler, match="Umlaute in „stadtteil“ verstümmelt .Objekt \\d: "
                                            "„WiesenhÃ¼gel“, gemeint ist wohl „Wiesenhügel“."):
        geo.read_districts(p)


# --- Invalid outlines ----------------------------------------------------------------------------

def test_bow_tie_outline_is_repaired_and_announced_with_both_areas(umrisse, tmp_path):
    """Own file: Herrenberg drawn as a bow-tie over a 1000 m × 800 m rectangle (UTM 32N).
    Hand-worked: the crossing is the rectangle's centre; the signed (shoelace) area of the
    figure-eight is 0 ha; MakeValid gives its two triangles, 2 × (1000 · 400 / 2) m² = 40 ha."""
    x, y = _mitte_utm(umrisse, "Herrenberg")
    schleife = Polygon([(x - 500, y - 400), (x + 500, y + 400), (x + 500, y - 400),
                        (x - 500, y + 400)])
    p = tmp_path / "schleife.geojson"
    _ersetzt(umrisse, "Herrenberg", schleife).to_crs(geo.WGS84).to_file(p, driver="GeoJSON")
    gdf = geo.read_districts(p)
    [hinweis] = gdf.attrs["hinweise"]
    assert hinweis.startswith("Stadtteil „Herrenberg“ (Objekt 4): der Umriss schneidet sich "
                              "selbst (z. B. eine Acht/Schleife) bei 50,")
    assert hinweis.endswith("– automatisch repariert (GEOS MakeValid); Fläche vorher 0,0 ha, "
                            "nachher 40,0 ha. Bitte den Umriss im GIS prüfen.")
    neu = gdf.set_index("stadtteil").to_crs(geo.UTM32).geometry["Herrenberg"]
    assert neu.is_valid and neu.area == pytest.approx(400_000, rel=1e-3)
    assert "Leerst" not in hinweis


def test_repeated_points_and_3d_coordinates_are_announced(umrisse, tmp_path):
    x, y = _mitte_utm(umrisse, "Melchendorf")
    mit_doppel = Polygon([(x, y), (x + 600, y), (x + 600, y), (x + 600, y + 500), (x, y + 500)])
    utm = _ersetzt(umrisse, "Melchendorf", mit_doppel)
    utm.loc[utm["stadtteil"] == "Herrenberg", "geometry"] = shapely.force_3d(
        utm.loc[utm["stadtteil"] == "Herrenberg", "geometry"].iloc[0], 212.0)
    p = tmp_path / "stadtteile.gpkg"
    utm.to_file(p, driver="GPKG")
    gdf = geo.read_districts(p)
    assert gdf.attrs["hinweise"] == [
        f"Stadtteil „Herrenberg“ (Objekt 4): 3-D-Koordinaten (mit Höhe) – auf 2-D (Lage) "
        f"reduziert; Fläche unverändert "
        f"{geo._ha(gdf.set_index('stadtteil').geometry['Herrenberg'])}.",
        "Stadtteil „Melchendorf“ (Objekt 6): 1 doppelte Punkte entfernt; Fläche vorher 30,0 ha, "
        "nachher 30,0 ha."]
    assert not gdf.geometry.has_z.any()


def test_an_outline_touching_itself_in_a_point_is_repaired(umrisse, tmp_path):
    """A ring passing twice through one point (a duplicate, not consecutive, point): two
    squares of 300 m × 300 m meeting in a corner – 18 ha before and after."""
    x, y = _mitte_utm(umrisse, "Ilversgehofen")
    acht = Polygon([(x, y), (x + 300, y), (x + 300, y + 300), (x + 600, y + 300),
                    (x + 600, y + 600), (x + 300, y + 600), (x + 300, y + 300), (x, y + 300)])
    p = tmp_path / "acht.geojson"
    _ersetzt(umrisse, "Ilversgehofen", acht).to_crs(geo.WGS84).to_file(p, driver="GeoJSON")
    [hinweis] = geo.read_districts(p).attrs["hinweise"]
    assert re.match("Stadtteil „Ilversgehofen“ \\(Objekt 3\\): der Umriss berührt sich selbst "
                    "in einem Punkt \\(doppelter Punkt\\) bei 5\\d,\\d{5}° N, 11,\\d{5}° O – ",
                    hinweis), hinweis
    assert "Fläche vorher 18,0 ha, nachher 18,0 ha" in hinweis


def test_a_bow_tie_in_the_import_is_a_note_and_the_dry_run_shows_the_area(demo_db, umrisse,
                                                                        tmp_path):
    x, y = _mitte_utm(umrisse, "Herrenberg")
    schleife = Polygon([(x - 500, y - 400), (x + 500, y + 400), (x + 500, y - 400),
                        (x - 500, y + 400)])
    p = tmp_path / "stadtteile.geojson"
    _ersetzt(umrisse, "Herrenberg", schleife).to_crs(geo.WGS84).to_file(p, driver="GeoJSON")
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, db)
    probe = importer.probelauf([Eingabe.aus_pfad(p)], db, demo_entfernen=True)
    assert probe.ok
    assert [w.erwartet.split(":")[0] for w in probe.warnungen] == [
        "Stadtteil „Herrenberg“ (Objekt 4)"]
    [aend] = [a for a in probe.aenderungen if a.feld == "Umriss"]
    assert (aend.schluessel, aend.neu) == ("Herrenberg", "40,0 ha")


# --- Position and CRS ----------------------------------------------------------------------------

def test_swapped_latitude_and_longitude_are_named(umrisse, tmp_path):
    gj = json.loads(umrisse.to_json())
    for f in gj["features"]:
        f["geometry"] = shapely.geometry.mapping(shapely.transform(
            shapely.geometry.shape(f["geometry"]), lambda c: c[:, ::-1]))
    p = tmp_path / "vertauscht.geojson"
    p.write_text(json.dumps(gj), encoding="utf-8")
    with pytest.raises(geo.GeoFehler) as e:
        geo.read_districts(p)
    assert "Die Flächen liegen nicht in Erfurt" in str(e.value)
    assert "Breite und Länge sind vertauscht" in str(e.value)


def test_utm_numbers_declared_as_wgs84_name_the_crs_they_fit(umrisse, tmp_path):
    falsch = umrisse.to_crs(geo.UTM32).set_crs(geo.WGS84, allow_override=True)
    with pytest.raises(geo.GeoFehler) as e:
        geo.prepare_districts(falsch, "falsch.geojson")
    assert ("Die Zahlen passen zu ETRS89 / UTM Zone 32N, EPSG:25832, angegeben ist aber "
            "EPSG:4326") in str(e.value)


def test_gauss_krueger_numbers_declared_as_utm_name_the_crs_they_fit(umrisse):
    falsch = umrisse.to_crs("EPSG:31468").set_crs(geo.UTM32, allow_override=True)
    with pytest.raises(geo.GeoFehler, match="passen zu DHDN / Gauß-Krüger Zone 4, EPSG:31468"):
        geo.prepare_districts(falsch, "gk.shp")


def test_one_district_outside_erfurt_is_named(umrisse):
    verschoben = umrisse.copy()
    i = verschoben.index[verschoben["stadtteil"] == "Melchendorf"][0]
    verschoben.loc[i, "geometry"] = shapely.affinity.translate(verschoben.geometry[i], xoff=1.0)
    with pytest.raises(geo.GeoFehler) as e:
        geo.prepare_districts(verschoben, "stadtteile.geojson")
    assert str(e.value).startswith("stadtteile.geojson: Umrisse liegen nicht in Erfurt: "
                                   "„Melchendorf“ (Objekt 6, bei 50.")
    assert "Andreasvorstadt" not in str(e.value)


def test_refused_geodata_in_an_import_change_nothing(demo_db, umrisse, tmp_path):
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, db)
    falsch = umrisse.to_crs(geo.UTM32).set_crs(geo.WGS84, allow_override=True)
    p = tmp_path / "stadtteile.geojson"
    falsch.to_file(p, driver="GeoJSON")
    con = duckdb.connect(str(db), read_only=True)
    vorher = con.execute("select * from stadtteil_geo order by stadtteil").fetchall()
    con.close()
    erg = importer.importiere([Eingabe.aus_pfad(p)], db, demo_entfernen=True, wer="t")
    assert not erg.ok
    assert "angegeben ist aber EPSG:4326" in erg.fehler[0].erwartet
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select * from stadtteil_geo order by stadtteil").fetchall() == vorher
        assert con.execute("select count(*) from teilnehmende").fetchone() == (880,)
    finally:
        con.close()
    assert store.DEMO_DIR.exists()


# --- Replacing the outlines: role steuerung only, logged and backed up (issue 13.6) ------------

def _geojson(umrisse) -> bytes:
    import io

    buf = io.BytesIO()
    umrisse.assign(schematisch=False).to_crs(geo.UTM32).to_file(buf, driver="GeoJSON")
    return buf.getvalue()


@pytest.mark.parametrize("rolle", ["wirtschaft", "oeffentlich", None])
def test_only_steuerung_may_replace_the_outlines(demo_db, umrisse, tmp_path, rolle):
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, db)
    vorher = db.read_bytes()
    erg = importer.importiere_geodaten("amtlich.geojson", _geojson(umrisse), db, wer="wifoe",
                                       rolle=rolle)
    assert not erg.ok and [str(f) for f in erg.fehler] == [
        "Datenbank: Stadtteilgrenzen ersetzen darf nur die Steuerungsrunde (Rolle "
        "„steuerung“). Es wurde nichts geändert."]
    assert db.read_bytes() == vorher
    assert not (tmp_path / "backup").exists()


def test_steuerung_replaces_the_outlines_logged_with_the_user_and_backed_up(demo_db, umrisse,
                                                                           tmp_path):
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, db)
    vorher = db.read_bytes()
    erg = importer.importiere_geodaten("amtlich.geojson", _geojson(umrisse), db,
                                       wer="leitung@kik-erfurt.de", rolle="steuerung")
    assert erg.ok, erg.fehler
    [backup] = list((tmp_path / "backup").glob("biwaq-*.duckdb"))
    assert backup.read_bytes() == vorher
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select wer, ergebnis, aktualisiert from importprotokoll").fetchall() \
            == [("leitung@kik-erfurt.de", "ok", 6)]
        assert con.execute("select datei, tabelle, zeilen from importprotokoll_datei"
                           ).fetchall() == [("amtlich.geojson", "stadtteil_geo", 6)]
        assert con.execute("select bool_or(schematisch) from stadtteil_geo").fetchone() == (
            False,)
        meta = dict(con.execute("select * from _meta").fetchall())
    finally:
        con.close()
    assert meta["datenquelle"] == "demo"        # outlines alone keep the demo records


def test_zipped_shapefile_of_field_case_08_through_the_upload(demo_db, tmp_path):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for p in FALL08.iterdir():
            z.write(p, p.name)
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, db)
    erg = importer.importiere_geodaten("grenzen.zip", buf.getvalue(), db, wer="t",
                                       rolle="steuerung")
    assert erg.ok, erg.fehler
    assert [w.erwartet.split(" –")[0] for w in erg.warnungen] == [
        "Umlaute in „stadtteil“ verstümmelt"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select quartier from stadtteil_geo where stadtteil = 'Wiesenhügel'"
                           ).fetchone() == ("Süd-Ost",)
    finally:
        con.close()


def test_leerstand_page_hides_the_upload_from_wirtschaft(demo_env):
    from streamlit.testing.v1 import AppTest

    from test_auth import AUTH, EMAIL, ROLLEN_SECRETS

    def seite(rolle):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
        at.secrets = {"auth": AUTH, "rollen": ROLLEN_SECRETS}
        at.user = {"is_logged_in": True, "email": EMAIL[rolle], "email_verified": True, "name": f"Test {rolle}"}
        at.run()
        at.switch_page("pages/oekonomie/leerstand.py").run()
        assert not at.exception
        return at

    assert [u.key for u in seite("steuerung").get("file_uploader")] == ["leer_geo_upload"]
    at = seite("wirtschaft")
    assert at.get("file_uploader") == []
    assert not any("Stadtteilgrenzen laden" in e.label for e in at.expander)


@pytest.mark.browser
def test_leerstand_bow_tie_upload_in_browser(upload_server, page, umrisse, tmp_path):
    from browser import screenshot, wait_for_app

    x, y = _mitte_utm(umrisse, "Herrenberg")
    schleife = Polygon([(x - 500, y - 400), (x + 500, y + 400), (x + 500, y - 400),
                        (x - 500, y + 400)])
    datei = tmp_path / "grenzen_schleife.geojson"
    _ersetzt(umrisse, "Herrenberg", schleife).assign(schematisch=False).to_file(
        datei, driver="GeoJSON")
    page.goto(upload_server.url + "/leerstand")
    wait_for_app(page)
    page.get_by_text("Stadtteilgrenzen laden (Geodaten der Stadt)").click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(datei))
    page.locator('[data-testid="stFileChip"]').first.wait_for(timeout=30_000)
    wait_for_app(page)
    page.get_by_role("button", name="Umrisse übernehmen").click()
    page.get_by_text("6 Stadtteilumrisse aus grenzen_schleife.geojson übernommen").wait_for(
        timeout=60_000)
    wait_for_app(page)
    hinweis = page.locator('[data-testid="stAlertContentWarning"]').filter(
        has_text="grenzen_schleife.geojson: Stadtteil „Herrenberg“")
    text = hinweis.inner_text()
    assert "schneidet sich selbst" in text and "Fläche vorher 0,0 ha, nachher 40,0 ha" in text
    assert "Leerst" not in text
    # the vacancies now outside the repaired outline are not blamed first
    lage = page.locator('[data-testid="stAlertContentWarning"]').filter(
        has_text="passen nicht zu den Stadtteilumrissen").inner_text()
    assert "die Stadtteilumrisse wurden beim Laden repariert" in lage
    assert "bitte zuerst die Umrisse prüfen" in lage
    hinweis.scroll_into_view_if_needed()
    screenshot(page, "leerstand_geodaten_repariert")
    con = duckdb.connect(str(upload_server.db), read_only=True)
    try:
        assert con.execute("select ergebnis, warnungen from importprotokoll").fetchall() == [
            ("ok", 1)]
    finally:
        con.close()


def test_damaged_text_in_an_attribute_that_is_not_stored_is_ignored(umrisse, tmp_path):
    gdf = umrisse.assign(bemerkung="GrÃ¼nflÃ¤che")
    p = tmp_path / "mit_bemerkung.geojson"
    gdf.to_file(p, driver="GeoJSON")
    out = geo.read_districts(p)
    assert out.attrs["hinweise"] == [] and "bemerkung" not in out.columns
