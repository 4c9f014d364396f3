"""Betriebe and Leerstand pages: AppTest with filters against direct SQL, real browser checks."""
from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from biwaq.app import charts_oekonomie as ch
from biwaq.einlesen.contract import STADTTEILE
from biwaq.einlesen.demo import schematic_districts
from biwaq.zahlen import oekonomie as oek
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


def raeume_tab(at):
    return next(d.value for d in at.dataframe if "Zwischennutzung" in d.value.columns)


def test_raeume_finden_lists_available_units_largest_first(demo_env):
    at = open_page("leerstand")
    assert at.multiselect(key="leer_raeume_status").value == ["leer", "in Vermarktung"]
    at.multiselect(key="leer_raeume_art").set_value(["Ladenlokal", "Büro"])
    at.number_input(key="leer_raeume_von").set_value(80)
    at.number_input(key="leer_raeume_bis").set_value(150)
    at.selectbox(key="leer_raeume_gebiet").set_value("Magdeburger Allee")
    at.button(key="leer_raeume_suchen").click().run()
    assert not at.exception
    tab = raeume_tab(at)
    # "verfügbar" (the default): leer or in Vermarktung – temporary use is not free
    erwartet = sql(demo_env, """
        select flaeche_m2 from leerstaende
        where status in ('leer', 'in Vermarktung') and art in ('Ladenlokal', 'Büro')
          and flaeche_m2 between 80 and 150 and quartier = 'Magdeburger Allee'
        order by flaeche_m2 desc, objekt_id""")
    assert tab["Fläche (m²)"].tolist() == [r[0] for r in erwartet] and len(erwartet) > 2
    assert set(tab["Quartier"]) == {"Magdeburger Allee"}
    assert set(tab["Status"]) <= {"leer", "in Vermarktung"}
    assert any("Status: leer, in Vermarktung" in m.value for m in at.markdown)


def test_raeume_finden_status_district_and_sorting_by_time_empty(demo_env):
    at = open_page("leerstand")
    at.multiselect(key="leer_raeume_status").set_value(["Zwischennutzung"])
    at.multiselect(key="leer_raeume_stadtteil").set_value(["Herrenberg", "Ilversgehofen"])
    at.radio(key="leer_raeume_sortierung").set_value("dauer")
    at.button(key="leer_raeume_suchen").click().run()
    assert not at.exception
    tab = raeume_tab(at)
    erwartet = sql(demo_env, """
        select objekt_id from leerstaende
        where status = 'Zwischennutzung' and stadtteil in ('Herrenberg', 'Ilversgehofen')
        order by leer_seit, flaeche_m2 desc, objekt_id""")
    assert tab["Objekt"].tolist() == [r[0] for r in erwartet] and len(erwartet) >= 2
    assert (tab["Zwischennutzung"] != "").any()          # the temporary use is named
    at.radio(key="leer_raeume_sortierung").set_value("flaeche_auf")
    at.button(key="leer_raeume_suchen").click().run()
    assert raeume_tab(at)["Fläche (m²)"].is_monotonic_increasing


def karte_spec(at: AppTest) -> dict:
    chart = next(c for c in at.get("plotly_chart") if "Stadtteilnamen" in c.proto.spec)
    return json.loads(chart.proto.spec)


def test_leerstand_map_follows_quartier_and_states_the_reference_date(demo_env):
    at = open_page("leerstand")
    text = " ".join(m.value for m in at.markdown)
    assert "**Status am Stichtag 31.12.2018** – beide Quartiere." in text
    assert any("„Status am Stichtag“: **wiederbelegt**" in c.value for c in at.caption)
    spec = karte_spec(at)
    namen = next(t for t in spec["data"] if t.get("name") == "Stadtteilnamen")
    assert len(namen["locations"]) == 6
    assert not any(t.get("name") == ch.TREFFER_NAME for t in spec["data"])
    at.selectbox(key="filter_quartier").set_value("Süd-Ost").run()
    at.date_input(key="filter_zeitraum").set_value((D(2017, 1, 1), D(2017, 12, 31))).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "**Status am Stichtag 31.12.2018** – Quartier Süd-Ost." not in text
    assert "**Status am Stichtag 31.12.2017** – Quartier Süd-Ost." in text
    spec = karte_spec(at)
    namen = next(t for t in spec["data"] if t.get("name") == "Stadtteilnamen")
    assert sorted(namen["locations"]) == ["Herrenberg", "Melchendorf", "Wiesenhügel"]
    # points by status at the end of 2017: a unit re-let in 2018 counts as 'leer'
    punkte = {t["meta"]: len(t["customdata"]) for t in spec["data"] if t.get("meta")}
    erwartet = dict(sql(demo_env, """
        select case when status = 'wiederbelegt' and wiederbelegt_am <= date '2017-12-31'
                    then 'wiederbelegt' when status = 'wiederbelegt' then 'leer'
                    else status end, count(*)
        from leerstaende
        where quartier = 'Süd-Ost' and leer_seit <= date '2017-12-31'
          and (status <> 'wiederbelegt' or wiederbelegt_am >= date '2017-01-01')
        group by 1"""))
    assert punkte == erwartet and erwartet["leer"] > 0
    spaet = sql(demo_env, """select count(*) from leerstaende where quartier = 'Süd-Ost'
        and status = 'wiederbelegt' and wiederbelegt_am > date '2017-12-31'
        and leer_seit <= date '2017-12-31'""")[0][0]
    assert spaet > 0           # the demo has units that are 'leer' on this map only


def test_raeume_finden_hits_go_on_the_map_after_a_search(demo_env):
    at = open_page("leerstand")
    at.number_input(key="leer_raeume_von").set_value(3000)
    at.button(key="leer_raeume_suchen").click().run()
    spec = karte_spec(at)
    treffer = next(t for t in spec["data"] if t.get("name") == ch.TREFFER_NAME)
    erwartet = sorted(r[0] for r in sql(demo_env, """select adresse from leerstaende
        where status in ('leer', 'in Vermarktung') and flaeche_m2 >= 3000"""))
    assert sorted(c[0] for c in treffer["customdata"]) == erwartet and erwartet


def test_requests_meet_offers_on_the_page(demo_env):
    at = open_page("leerstand")
    offen = sql(demo_env, "select count(*) from raumgesuche where status = 'offen'")[0][0]
    mit = sql(demo_env, """
        select count(*) from raumgesuche g where status = 'offen' and exists (
            select 1 from leerstaende l where l.status in ('leer', 'in Vermarktung')
              and l.art = g.art
              and (g.flaeche_min_m2 is null or l.flaeche_m2 >= g.flaeche_min_m2)
              and (g.flaeche_max_m2 is null or l.flaeche_m2 <= g.flaeche_max_m2)
              and (g.quartier is null or l.quartier = g.quartier))""")[0][0]
    vermittelt = sql(demo_env, """select count(*) from raumgesuche where status = 'vermittelt'
        and erledigt_am between date '2015-10-01' and date '2018-12-31'""")[0][0]
    assert offen > 10 and 0 < mit < offen and vermittelt >= 5
    assert metric(at, "Offene Gesuche") == str(offen)
    assert metric(at, "davon mit passendem Objekt") == str(mit)
    assert metric(at, "Vermittelt im Zeitraum") == str(vermittelt)
    gesuche = next(d.value for d in at.dataframe if "Fläche gesucht" in d.value.columns)
    assert len(gesuche) == offen and (gesuche["passende Objekte"] > 0).sum() == mit
    angebote = next(d.value for d in at.dataframe if "passende Gesuche" in d.value.columns)
    assert set(angebote["Status"]) <= {"leer", "in Vermarktung"} and len(angebote) > 0


def test_units_table_names_the_requests_of_the_rows_shown(demo_env, monkeypatch):
    """Issue 14: the units' table names the requests only for the rows it shows; with 3
    rows shown they equal the first 3 rows from the pair-based query, and the caption
    gives the total."""
    from biwaq.speicher.queries import run_query
    from biwaq.zahlen import oekonomie as oek

    monkeypatch.setattr(oek, "GESUCHE_MAX_ZEILEN", 3)
    at = open_page("leerstand")
    con = demo_con(demo_env)
    try:
        paare = run_query("oek_raumgesuche_angebote", con, quartier=None, k=oek.GESUCHE_K)
    finally:
        con.close()
    voll = oek.angebote_tabelle_gezaehlt(paare)
    kurz = oek.angebote_tabelle_gezaehlt(paare, namen=oek.GESUCHE_NAMEN_BILDSCHIRM)
    angebote = next(d.value for d in at.dataframe if "passende Gesuche" in d.value.columns)
    assert len(voll) > 3 and len(angebote) == 3
    # on screen the first GESUCHE_NAMEN_BILDSCHIRM requests (issue 15), the same first names
    assert angebote["Gesuche"].tolist() == kurz["Gesuche"].head(3).tolist()
    for gezeigt, alle in zip(angebote["Gesuche"], voll["Gesuche"]):
        namen = gezeigt.split(" … ")[0].split(", ")
        assert len(namen) <= oek.GESUCHE_NAMEN_BILDSCHIRM
        assert alle.split(" … ")[0].split(", ")[:len(namen)] == namen
    assert all(g.startswith("G") for g in angebote["Gesuche"])
    assert angebote["Objekt"].tolist() == voll["Objekt"].head(3).tolist()
    assert any(f"ersten 3 von {len(voll)} Objekten" in c.value for c in at.caption)


def geojson_bytes(crs: str, **props) -> bytes:
    gdf = schematic_districts().to_crs(crs).assign(**props)
    path = io.BytesIO()
    gdf.to_file(path, driver="GeoJSON")
    return path.getvalue()


def test_leerstand_geodata_upload_replaces_outlines(demo_env):
    at = open_page("leerstand")
    # a file without the district attribute: clear message, data untouched, attempt logged
    before = sql(demo_env, "select * from stadtteil_geo order by stadtteil")
    bad = json.loads(geojson_bytes("EPSG:25832"))
    for f in bad["features"]:
        f["properties"]["name"] = f["properties"].pop("stadtteil")
    at.file_uploader(key="leer_geo_upload").set_value(
        ("grenzen.geojson", json.dumps(bad).encode(), "application/geo+json")).run()
    at.button(key="leer_geo_uebernehmen").click().run()
    assert any("grenzen.geojson: Attribut „stadtteil“ fehlt" in e.value
               and "nichts geändert" in e.value for e in at.error)
    assert sql(demo_env, "select * from stadtteil_geo order by stadtteil") == before
    assert sql(demo_env, "select ergebnis, wer from importprotokoll") == [("abgelehnt", "lokal")]

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
    # logged and backed up like an import; the demo records stay (outlines are no records)
    assert sql(demo_env, "select import_nr, ergebnis, wer, aktualisiert from importprotokoll "
                         "order by import_nr") == [(1, "abgelehnt", "lokal", 0),
                                                   (2, "ok", "lokal", 6)]
    assert meta["datenquelle"] == "demo" and sql(demo_env, "select count(*) from teilnehmende"
                                                 ) == [(880,)]
    assert len(list((demo_env.parent / "backup").glob("biwaq-*.duckdb"))) == 1


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
    # Our rule: a closure on the day of the first consultation counts (at risk from the entry
    # day on); lifelines counts a subject at risk only after its entry: enter a hair earlier.
    eintritt = [max(0.0, tage(erst, g)) for g, erst, _, _ in rows]
    km = lifelines.KaplanMeierFitter().fit(dauer, [zu for _, _, zu, _ in rows], entry=eintritt)
    return float(km.predict(24))


def test_betriebe_figures_follow_filters(demo_env):
    at = open_page("betriebe")
    assert at.title[0].value == "Betriebe"
    alle = parse_int(metric(at, "Beratene Betriebe"))
    assert alle == advised(demo_env)
    assert metric(at, "Geschätzt aktiv 24 Monate nach Gründung") == \
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
    """Pixel counts of a map screenshot: all non-white, close to each status colour, near-black
    (district names, the rings of "Räume finden" hits). The legend (top left, 300 x 230 px,
    drawn as SVG, not by the map) is blanked first."""
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    img[:60, :] = 255
    nicht_weiss = (np.abs(img - 255).sum(axis=2) > 30).sum()
    farben = {"leer": (213, 94, 0), "in Vermarktung": (0, 114, 178),
              "Zwischennutzung": (204, 121, 167), "wiederbelegt": (0, 158, 115),
              "schwarz": (10, 10, 10)}
    nah = {k: int((np.abs(img - np.array(v)).sum(axis=2) < 90).sum()) for k, v in farben.items()}
    return {"nicht_weiss": int(nicht_weiss), "gesamt": img.shape[0] * img.shape[1], **nah}


def karte_figur(page) -> dict:
    """Trace names, locations and hover data, and the map style of the vacancy map as the
    browser holds them (Plotly's graph div)."""
    return page.evaluate("""() => {
        const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
        return {style: gd.layout.map.style,
                traces: gd.data.map(t => ({name: t.name || '', locations: t.locations || [],
                                           adressen: (t.customdata || []).map(c => c[0])}))};
    }""")


def trace(fig: dict, anfang: str) -> dict:
    return next(t for t in fig["traces"] if t["name"].startswith(anfang))


def open_map(page, url: str) -> None:
    page.goto(url + "/leerstand")
    wait_for_app(page)
    page.wait_for_function("""() => {
        const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
        return gd && gd.data && gd.data.some(t => t.name === 'Stadtteilnamen');
    }""", timeout=30_000)


def warte_auf_karte(page, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=30_000)
    wait_for_app(page)
    page.locator('[data-testid="stPlotlyChart"]').first.locator("canvas").first.wait_for(
        timeout=30_000)
    page.wait_for_timeout(2500)                       # let MapLibre draw its layers


SUED_OST = sorted(k for k, v in STADTTEILE.items() if v == "Süd-Ost")


@pytest.mark.browser
def test_leerstand_map_offline_notice_names_and_points(demo_server, page):
    blocked = block_internet(page)
    open_map(page, demo_server.url)
    # the browser cannot reach the tile server: a notice, the map without tiles or credit
    warte_auf_karte(page, "Die Straßenkarte lässt sich nicht laden")
    fig = karte_figur(page)
    assert fig["style"] == "white-bg"
    karten = {u for u in blocked if any(w in u for w in ("openstreetmap", "openmaptiles",
                                                           "glyphs", "carto"))}
    assert karten <= {ch.KACHEL_PROBE}, blocked     # only the one test tile; no fonts, no tiles
    karte = page.locator('[data-testid="stPlotlyChart"]').first
    assert "OpenStreetMap" not in karte.inner_text()
    assert "OpenStreetMap" not in page.locator('[data-testid="stMain"]').inner_text().replace(
        "Straßenkarte (OpenStreetMap)", "")
    # all six district names are drawn (as outlines: no font server needed)
    assert sorted(trace(fig, "Stadtteilnamen")["locations"]) == sorted(STADTTEILE)
    # the legend as drawn: one symbol per status, then the word (was "● • leer")
    legende = karte.locator(".legendtext").evaluate_all("els => els.map(e => e.textContent)")
    assert legende == ["▭ Stadtteile (schematisch)", "● leer", "◉ in Vermarktung",
                       "◎ Zwischennutzung", "○ wiederbelegt"], legende
    png = karte.screenshot()
    (ROOT / "screenshots").mkdir(exist_ok=True)
    (ROOT / "screenshots" / "leerstand_karte.png").write_bytes(png)
    px = map_pixels(png)
    assert px["nicht_weiss"] > 0.05 * px["gesamt"], px
    for status in ("leer", "in Vermarktung", "Zwischennutzung", "wiederbelegt"):
        assert px[status] > 300, (status, px)     # many points of every status
    assert px["schwarz"] > 1500, px               # the names' letters (no search yet: no rings)
    shown = parse_int(metric_value(page, "Leerstehend am Stichtag"))
    assert shown == vacant_at(demo_server.db, ENDE)
    assert page.get_by_text("schematisch", exact=False).first.is_visible()
    page.set_viewport_size({"width": 1400, "height": 4200})
    page.wait_for_timeout(1500)
    screenshot(page, "leerstand")


@pytest.mark.browser
def test_leerstand_map_sued_ost_draws_only_its_districts(demo_server, page):
    block_internet(page)
    open_map(page, demo_server.url)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has_text="Quartier").first.click()
    page.get_by_role("option", name="Süd-Ost").click()
    warte_auf_karte(page, "Status am Stichtag 31.12.2018 – Quartier Süd-Ost")
    fig = karte_figur(page)
    assert sorted(trace(fig, "Stadtteile (schematisch)")["locations"]) == SUED_OST
    assert sorted(trace(fig, "Stadtteilnamen")["locations"]) == SUED_OST
    png = page.locator('[data-testid="stPlotlyChart"]').first.screenshot()
    (ROOT / "screenshots" / "leerstand_karte_sued_ost.png").write_bytes(png)
    assert map_pixels(png)["schwarz"] > 1500


@pytest.mark.browser
def test_leerstand_street_map_where_the_tile_server_answers(demo_server, page):
    from PIL import Image

    kachel = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 230, 200)).save(kachel, "PNG")
    block_internet(page)          # last route wins: tiles answered, everything else blocked
    page.route("https://tile.openstreetmap.org/**",
               lambda r: r.fulfill(status=200, content_type="image/png", body=kachel.getvalue()))
    open_map(page, demo_server.url)
    page.wait_for_function("""() => document.querySelector(
        '[data-testid="stPlotlyChart"] .js-plotly-plot').layout.map.style === 'open-street-map'
        """, timeout=30_000)
    wait_for_app(page)
    assert page.get_by_text("Die Straßenkarte lässt sich nicht laden").count() == 0
    assert page.get_by_text("© OpenStreetMap-Mitwirkende", exact=False).count() == 1


@pytest.mark.browser
def test_raeume_finden_hits_are_ringed_on_the_map(demo_server, page):
    block_internet(page)
    open_map(page, demo_server.url)
    form = page.locator('[data-testid="stForm"]')
    von = form.locator('[data-testid="stNumberInput"]').filter(has_text="Fläche von")
    von.locator("input").fill("3000")
    form.get_by_role("button", name="Räume suchen").click()
    warte_auf_karte(page, "Treffer aus „Räume finden“")
    erwartet = sorted(r[0] for r in sql(demo_server.db, """
        select adresse from leerstaende
        where status in ('leer', 'in Vermarktung') and flaeche_m2 >= 3000"""))
    assert len(erwartet) >= 2
    fig = karte_figur(page)
    assert sorted(trace(fig, ch.TREFFER_NAME)["adressen"]) == erwartet
    png = page.locator('[data-testid="stPlotlyChart"]').first.screenshot()
    (ROOT / "screenshots" / "leerstand_karte_treffer.png").write_bytes(png)
    # black rings add dark pixels beyond the names' letters
    assert map_pixels(png)["schwarz"] > 1500 + 200 * len(erwartet)


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
    # the curve's one-sentence summary (issue 15), no method name outside „Methodik“
    assert page.get_by_text("Geschätzt noch aktiv 24 Monate nach der Gründung:").first.is_visible()
    assert "Kaplan" not in page.locator('[data-testid="stMain"]').inner_text()
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
    wert = metric(at, "Geschätzt aktiv 24 Monate nach Gründung")
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


def test_map_and_premises_search_are_bounded_on_screen(demo_env, monkeypatch):
    """Issue 14 (80,000 vacancies at scale 1000): the map draws at most KARTE_MAX_PUNKTE
    points – the largest – and says so; "Räume finden" lists the first RAEUME_MAX_ZEILEN hits
    with the count; the table behind the map and the downloads keep every object."""
    from biwaq.app import ui
    from biwaq.zahlen import oekonomie as oek

    monkeypatch.setattr(oek, "KARTE_MAX_PUNKTE", 10)
    monkeypatch.setattr(oek, "RAEUME_MAX_ZEILEN", 5)
    verschoben = []
    original_lazy = ui._lazy
    monkeypatch.setattr(ui, "_lazy", lambda fn, *a: verschoben.append(
        (a[1], original_lazy(fn, *a))) or verschoben[-1][1])
    at = open_page("leerstand")
    assert not at.exception
    alle = sql(demo_env, """select count(*) from leerstaende
        where leer_seit <= date '2018-12-31'
          and (status <> 'wiederbelegt' or wiederbelegt_am >= date '2015-10-01')""")[0][0]
    groesste = [r[0] for r in sql(demo_env, """select adresse from leerstaende
        where leer_seit <= date '2018-12-31'
          and (status <> 'wiederbelegt' or wiederbelegt_am >= date '2015-10-01')
        order by flaeche_m2 desc, objekt_id limit 10""")]
    spec = karte_spec(at)
    gezeigt = [c[0] for t in spec["data"] if t.get("meta") for c in t["customdata"]]
    assert alle > 10 and sorted(gezeigt) == sorted(groesste)
    assert any(f"die 10 größten von {alle} Objekten" in c.value for c in at.caption)
    from biwaq.zahlen import kennzahlen as kz
    assert metric(at, kz.label("leerstehend_stichtag")) == ui.fmt_int(vacant_at(demo_env, ENDE))

    at.button(key="leer_raeume_suchen").click().run()
    ids = {r[0] for r in sql(demo_env, """select objekt_id from leerstaende
        where status in ('leer', 'in Vermarktung')""")}
    treffer = len(ids)
    assert len(raeume_tab(at)) == 5 and treffer > 5
    assert any(f"die ersten 5 von {treffer} Treffern" in c.value for c in at.caption)
    from biwaq.app import charts_oekonomie as ch_oek
    ringe = next(t for t in karte_spec(at)["data"]
                 if t.get("name") == ch_oek.TREFFER_NAME and t.get("customdata"))
    assert len(ringe["customdata"]) == 10
    csv = next(f for titel, f in verschoben if titel == "Räume finden")().decode("utf-8-sig")
    assert ids <= {line.rsplit(";", 1)[-1].strip().strip('"') for line in csv.splitlines()}


def test_estimated_24_months_metric_is_the_survival_table_value(demo_env):
    """Attacker test 29.11.2026: three "24 months" figures read as one. The metric says it is
    the estimate („Geschätzt …“) and shows exactly the survival table's value for all advised
    businesses since founding at 24 months (same rounding)."""
    at = open_page("betriebe")
    wert = metric(at, "Geschätzt aktiv 24 Monate nach Gründung")
    tab = next(d.value for d in at.dataframe if "aktiv (95-%-KI)" in d.value.columns)
    zeile = tab[(tab["Beginn"] == "seit Gründung") & (tab["Gruppe"] == oek.ALLE)
                & (tab["nach Monaten"] == 24)].iloc[0]
    assert zeile["aktiv (95-%-KI)"].startswith(wert + " ("), (wert, zeile["aktiv (95-%-KI)"])


def test_leerstand_page_reads_the_rows_it_shows_downloads_hold_all(demo_env, monkeypatch):
    """Issue 14: the table behind the map lists the objects the map draws and says how many
    there are; its download, and those of both "Gesuche und Angebote" tables, are read on
    click and hold every row; the key figures equal those counted from the contract table."""
    from biwaq.app import ui
    from biwaq.zahlen import oekonomie as oek

    monkeypatch.setattr(oek, "KARTE_MAX_PUNKTE", 10)
    monkeypatch.setattr(oek, "GESUCHE_MAX_ZEILEN", 4)
    verschoben = []
    original_lazy = ui._lazy
    monkeypatch.setattr(ui, "_lazy", lambda fn, *a: verschoben.append(
        (a[1], a[0], original_lazy(fn, *a))) or verschoben[-1][2])
    at = open_page("leerstand")
    assert not at.exception
    alle = sql(demo_env, """select count(*) from leerstaende
        where leer_seit <= date '2018-12-31'
          and (status <> 'wiederbelegt' or wiederbelegt_am >= date '2015-10-01')""")[0][0]
    tab = next(d.value for d in at.dataframe if "Status am Stichtag" in d.value.columns)
    assert len(tab) == 10 and alle > 10
    assert any(f"Gezeigt werden die 10 größten von {alle} Objekten" in c.value
               for c in at.caption)
    assert parse_int(metric(at, "Leerstehend am Stichtag")) == vacant_at(demo_env, ENDE)
    tabellen = {titel: t for titel, t, _ in verschoben}
    voll = tabellen["Leerstände und Brachflächen"]()
    assert len(voll) == alle and voll["Objekt"].head(10).tolist() == tab["Objekt"].tolist()
    offen = sql(demo_env, "select count(*) from raumgesuche where status = 'offen'")[0][0]
    gesuche = next(d.value for d in at.dataframe if "Fläche gesucht" in d.value.columns)
    assert len(gesuche) == 4 and len(tabellen["Offene Raumgesuche"]()) == offen > 4
    assert tabellen["Offene Raumgesuche"]()["Gesuch"].head(4).tolist() == \
        gesuche["Gesuch"].tolist()
    assert any(f"ersten 4 von {offen} offenen Gesuchen" in c.value for c in at.caption)
    angebote = tabellen["Objekte mit passenden Gesuchen"]()
    assert len(angebote) > 4 and any(f"ersten 4 von {len(angebote)} Objekten" in c.value
                                     for c in at.caption)
