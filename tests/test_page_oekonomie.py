"""Betriebe and Leerstand pages: AppTest with filters against direct SQL, real browser checks."""
from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from biwaq.demo import schematic_districts
from browser import metric_value, parse_int, screenshot, wait_for_app
from conftest import ROOT, demo_con

D = dt.date
START, ENDE = D(2015, 10, 1), D(2018, 12, 31)


def sql(db, text: str, **params):
    con = demo_con(db)
    try:
        return con.execute(text, params).fetchall()
    finally:
        con.close()


def vacant_at(db, stichtag, von=START, quartier=None, art=None) -> int:
    """Vacancies standing empty on `stichtag`, counted straight from the contract table."""
    return sql(db, """
        select count(*) from leerstaende
        where leer_seit <= $s and (status <> 'wiederbelegt' or wiederbelegt_am > $s)
          and ($q is null or quartier = $q) and ($a is null or art = $a)""",
               s=stichtag, q=quartier, a=art)[0][0]


def metric(at: AppTest, label: str) -> str:
    return next(m for m in at.metric if m.label == label).value


def open_page(name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    at.switch_page(f"pages/oekonomie/{name}.py").run()
    assert not at.exception, at.exception
    return at


# --- Leerstand -------------------------------------------------------------------------------

def test_leerstand_figures_follow_shared_and_page_filters(demo_env):
    at = open_page("leerstand")
    assert at.title[0].value == "Leerstand"
    assert any("Demodaten" in w.value for w in at.warning)
    assert any("schematisch" in i.value for i in at.info)
    alle = parse_int(metric(at, "Leerstehend am Stichtag"))
    assert alle == vacant_at(demo_env, ENDE) > 0

    at.multiselect(key="leer_art").set_value(["Ladenlokal"]).run()
    laeden = parse_int(metric(at, "Leerstehend am Stichtag"))
    assert laeden == vacant_at(demo_env, ENDE, art="Ladenlokal")
    assert 0 < laeden < alle
    assert any("Art: Ladenlokal" in c.value for c in at.caption)     # written above charts

    at.selectbox(key="filter_quartier").set_value("Süd-Ost").run()
    assert parse_int(metric(at, "Leerstehend am Stichtag")) == vacant_at(
        demo_env, ENDE, quartier="Süd-Ost", art="Ladenlokal")

    # an earlier period moves the reference date to its end
    at.multiselect(key="leer_art").set_value([])
    at.selectbox(key="filter_quartier").set_value("Beide")
    at.date_input(key="filter_zeitraum").set_value((START, D(2016, 12, 31))).run()
    assert parse_int(metric(at, "Leerstehend am Stichtag")) == vacant_at(
        demo_env, D(2016, 12, 31))
    relet = sql(demo_env, "select count(*) from leerstaende where status = 'wiederbelegt' "
                          "and wiederbelegt_am between $a and $b", a=START, b=D(2016, 12, 31))
    assert parse_int(metric(at, "Wiederbelegt im Zeitraum")) == relet[0][0]


def test_leerstand_says_partner_and_group_do_not_apply(demo_env):
    at = open_page("leerstand")
    vorher = metric(at, "Leerstehend am Stichtag")
    at.selectbox(key="filter_traeger").set_value("Euratibor").run()
    assert metric(at, "Leerstehend am Stichtag") == vorher
    texte = " ".join(c.value for c in at.caption)
    assert "Träger und Zielgruppe gelten hier nicht (gewählt: Träger Euratibor e.V.)" in texte


def test_raeume_finden_lists_matching_vacant_units_largest_first(demo_env):
    at = open_page("leerstand")
    at.multiselect(key="leer_raeume_art").set_value(["Ladenlokal", "Büro"])
    at.number_input(key="leer_raeume_von").set_value(80)
    at.number_input(key="leer_raeume_bis").set_value(150)
    at.selectbox(key="leer_raeume_gebiet").set_value("Magdeburger Allee")
    at.button(key="leer_raeume_suchen").click().run()
    assert not at.exception
    tab = next(d.value for d in at.dataframe if "Zwischennutzung" in d.value.columns)
    erwartet = sql(demo_env, """
        select flaeche_m2 from leerstaende
        where status <> 'wiederbelegt' and art in ('Ladenlokal', 'Büro')
          and flaeche_m2 between 80 and 150 and quartier = 'Magdeburger Allee'
        order by flaeche_m2 desc""")
    assert tab["Fläche (m²)"].tolist() == [r[0] for r in erwartet] and len(erwartet) > 2
    assert set(tab["Quartier"]) == {"Magdeburger Allee"}


def geojson_bytes(crs: str, **props) -> bytes:
    gdf = schematic_districts().to_crs(crs).assign(**props)
    path = io.BytesIO()
    gdf.to_file(path, driver="GeoJSON")
    return path.getvalue()


def test_leerstand_geodata_upload_replaces_outlines(demo_env):
    at = open_page("leerstand")
    # a file without the district attribute: clear message, database untouched
    before = demo_env.read_bytes()
    bad = json.loads(geojson_bytes("EPSG:25832"))
    for f in bad["features"]:
        f["properties"]["name"] = f["properties"].pop("stadtteil")
    at.file_uploader(key="leer_geo_upload").set_value(
        ("grenzen.geojson", json.dumps(bad).encode(), "application/geo+json")).run()
    at.button(key="leer_geo_uebernehmen").click().run()
    assert any("grenzen.geojson: Attribut „stadtteil“ fehlt" in e.value
               and "nichts geändert" in e.value for e in at.error)
    assert demo_env.read_bytes() == before

    # the same outlines in UTM 32N, marked as real: stored, the page drops the note
    at.file_uploader(key="leer_geo_upload").set_value(
        ("amtlich.geojson", geojson_bytes("EPSG:25832", schematisch=False),
         "application/geo+json")).run()
    at.button(key="leer_geo_uebernehmen").click().run()
    assert not at.exception
    assert any("6 Stadtteilumrisse aus amtlich.geojson übernommen" in s.value
               for s in at.success)
    assert not any("schematisch" in i.value for i in at.info)
    meta = dict(sql(demo_env, "select schluessel, wert from _meta"))
    assert meta["geodaten"] == "amtlich.geojson"


# --- Betriebe --------------------------------------------------------------------------------

def advised(db, quartier=None, von=START, bis=ENDE) -> int:
    return sql(db, """
        select count(distinct b.betrieb_id) from beratungen r join betriebe b using (betrieb_id)
        where r.datum between $von and $bis and ($q is null or b.quartier = $q)""",
               q=quartier, von=von, bis=bis)[0][0]


def placements_to_firms(db, traeger=None, migration=None) -> int:
    return sql(db, """
        select count(*) from vermittlungen v join teilnehmende t using (tn_id)
        where v.betrieb_id is not null and v.beginn between $a and $b
          and ($t is null or t.traeger = $t)
          and ($m is null or t.migrationshintergrund = $m)""",
               a=START, b=ENDE, t=traeger, m=migration)[0][0]


def survival_24_lifelines(db) -> float:
    """24-month survival since founding, straight from the tables with lifelines."""
    lifelines = pytest.importorskip("lifelines")
    rows = sql(db, """
        select b.gruendung, min(r.datum), b.status = 'geschlossen', b.status_datum
        from betriebe b join beratungen r using (betrieb_id)
        group by all having count(*) filter (where r.datum between $a and $b) > 0""",
               a=START, b=ENDE)
    tage = lambda a, b: (a - b).days / (365.25 / 12)   # noqa: E731
    dauer = [tage(sd if zu else ENDE, g) for g, _, zu, sd in rows]
    eintritt = [max(0.0, tage(erst, g)) for g, erst, _, _ in rows]
    km = lifelines.KaplanMeierFitter().fit(dauer, [zu for _, _, zu, _ in rows], entry=eintritt)
    return float(km.predict(24))


def test_betriebe_figures_follow_filters(demo_env):
    at = open_page("betriebe")
    assert at.title[0].value == "Betriebe"
    alle = parse_int(metric(at, "Beratene Betriebe"))
    assert alle == advised(demo_env)
    assert metric(at, "24 Monate nach Gründung aktiv") == \
        f"{survival_24_lifelines(demo_env) * 100:.0f} %"
    vermittelt = parse_int(metric(at, "Vermittlungen in lokale Betriebe"))
    assert vermittelt == placements_to_firms(demo_env)

    at.selectbox(key="filter_quartier").set_value("Süd-Ost").run()
    so = parse_int(metric(at, "Beratene Betriebe"))
    assert so == advised(demo_env, "Süd-Ost") and 0 < so < alle

    at.selectbox(key="filter_quartier").set_value("Beide")
    at.selectbox(key="filter_traeger").set_value("KIK").run()
    assert parse_int(metric(at, "Beratene Betriebe")) == alle        # does not apply ...
    texte = " ".join(c.value for c in at.caption)
    assert "gelten hier nicht (gewählt: Träger Kontakt in Krisen e.V.)" in texte   # ... said
    kik = parse_int(metric(at, "Vermittlungen in lokale Betriebe"))  # applies here
    assert kik == placements_to_firms(demo_env, "KIK") and 0 < kik < vermittelt

    at.selectbox(key="filter_zielgruppe").set_value("migrationshintergrund").run()
    assert parse_int(metric(at, "Vermittlungen in lokale Betriebe")) == placements_to_firms(
        demo_env, "KIK", migration=True)
    assert any("zu einer Zeile zusammengefasst" in c.value for c in at.caption)
    tab = next(d.value for d in at.dataframe if "vom Projekt beraten" in d.value.columns)
    einzeln = tab[~tab["Betrieb"].str.startswith("weitere Betriebe")]
    assert (einzeln["Vermittlungen"] >= 3).all()


def test_betriebe_sector_filter_and_empty_period(demo_env):
    at = open_page("betriebe")
    at.multiselect(key="betr_branche").set_value(["Gastronomie"]).run()
    n = sql(demo_env, """select count(distinct betrieb_id) from beratungen join betriebe
                         using (betrieb_id) where branche = 'Gastronomie'""")[0][0]
    assert parse_int(metric(at, "Beratene Betriebe")) == n
    # no restaurant was advised in the first half of October 2015
    assert advised(demo_env, von=START, bis=D(2015, 10, 15)) > 0
    assert sql(demo_env, """select count(*) from beratungen join betriebe using (betrieb_id)
                            where branche = 'Gastronomie' and datum <= '2015-10-15'""") == [(0,)]
    at.date_input(key="filter_zeitraum").set_value((START, D(2015, 10, 15))).run()
    assert not at.exception
    assert not any(m.label == "Beratene Betriebe" for m in at.metric)
    assert sum("keine Daten" in i.value for i in at.info) == 2     # businesses, placements


# --- Browser ---------------------------------------------------------------------------------

def block_internet(page) -> list[str]:
    """Abort every request that leaves this machine; returns the list of blocked URLs."""
    blocked: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "ws://", "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    return blocked


def map_pixels(png: bytes) -> dict:
    """Pixel counts of a map screenshot: all non-white, and close to each status colour.
    The legend (top left, 200 x 130 px, drawn as SVG, not by the map) is blanked first."""
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    img[:130, :200] = 255
    nicht_weiss = (np.abs(img - 255).sum(axis=2) > 30).sum()
    farben = {"leer": (213, 94, 0), "in Vermarktung": (0, 114, 178),
              "Zwischennutzung": (204, 121, 167), "wiederbelegt": (0, 158, 115)}
    # points are drawn with opacity 0.85 over white or the grey district fill
    nah = {k: int((np.abs(img - np.array(v)).sum(axis=2) < 90).sum()) for k, v in farben.items()}
    return {"nicht_weiss": int(nicht_weiss), "gesamt": img.shape[0] * img.shape[1], **nah}


@pytest.mark.browser
def test_leerstand_map_draws_outlines_and_points_without_network(demo_server, page):
    blocked = block_internet(page)
    page.goto(demo_server.url + "/leerstand")
    wait_for_app(page)
    # the default street map cannot load its tiles here; switch the basemap off
    page.get_by_text("ohne Hintergrundkarte").click()
    wait_for_app(page)
    blocked.clear()
    karte = page.locator('[data-testid="stPlotlyChart"]').first
    karte.locator("canvas").first.wait_for(timeout=30_000)
    page.wait_for_timeout(2500)                       # let MapLibre draw its layers
    png = karte.screenshot()
    (ROOT / "screenshots").mkdir(exist_ok=True)
    (ROOT / "screenshots" / "leerstand_karte.png").write_bytes(png)
    px = map_pixels(png)
    # an empty map frame is white; outlines (grey fill, dark lines) and points are not
    assert px["nicht_weiss"] > 0.05 * px["gesamt"], px
    for status in ("leer", "in Vermarktung", "Zwischennutzung", "wiederbelegt"):
        assert px[status] > 500, (status, px)     # many points of every status
    assert not any("openstreetmap" in u for u in blocked), blocked   # no tiles wanted now
    shown = parse_int(metric_value(page, "Leerstehend am Stichtag"))
    assert shown == vacant_at(demo_server.db, ENDE)
    assert page.get_by_text("schematisch", exact=False).first.is_visible()
    page.set_viewport_size({"width": 1400, "height": 4200})
    page.wait_for_timeout(1500)
    screenshot(page, "leerstand")


@pytest.mark.browser
def test_betriebe_in_browser(demo_server, page):
    block_internet(page)
    page.goto(demo_server.url + "/betriebe")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    assert page.get_by_text("Page not found").count() == 0
    assert parse_int(metric_value(page, "Beratene Betriebe")) == advised(demo_server.db)
    # the survival chart draws both panels with both groups
    chart = page.locator(".js-plotly-plot", has_text="Anteil aktiv seit erster Beratung")
    assert chart.count() == 1
    assert chart.locator("g.trace.scatter").count() >= 8
    assert "Migrantenökonomie" in chart.inner_text()
    # survival in plain words above the curve (issue 12), with the count
    satz = page.get_by_text("deren Gründung mindestens 24 Monate zurückliegt").first
    assert satz.is_visible() and satz.inner_text().startswith("Von ")
    page.set_viewport_size({"width": 1400, "height": 5200})
    page.wait_for_timeout(1500)
    screenshot(page, "betriebe")


def test_survival_on_almost_nothing_shows_a_dash_and_its_base(demo_env):
    """Issue 10.5: Süd-Ost, 01.04.–30.06.2017 showed '24 Monate nach Gründung aktiv 100 %'
    and '100 % (100–100 %)' with 0 or 1 businesses still under observation."""
    import datetime as dt

    at = open_page("betriebe")
    at.selectbox(key="filter_quartier").set_value("Süd-Ost")
    at.date_input(key="filter_zeitraum").set_value((dt.date(2017, 4, 1), dt.date(2017, 6, 30)))
    at.run()
    assert not at.exception
    wert = metric(at, "24 Monate nach Gründung aktiv")
    basis = next(c.value for c in at.caption if c.value.startswith("Basis: "))
    n = int(basis.split()[1])
    assert n < 5 and wert == "–"
    assert basis.endswith(f"– zu wenige Betriebe unter Beobachtung: {n}, mindestens 5")
    tab = next(d.value for d in at.dataframe if "aktiv (95-%-KI)" in d.value.columns)
    klein = tab[tab["unter Beobachtung"] < 5]
    assert len(klein) and not klein["aktiv (95-%-KI)"].str.contains("100 %").any()
    assert klein["aktiv (95-%-KI)"].str.startswith("–").all()
    # the plain-words sentences always give the count
    texte = " ".join(m.value for m in at.markdown)
    assert "Von " in texte and "deren Gründung mindestens 24 Monate zurückliegt" in texte
