"""The public app: reads only a published directory, has no path to the internal database,
shows `*` with the explanation; the one-page handout PDF."""
from __future__ import annotations

import ast
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from biwaq.oeffentlich import foerderhinweis, handout, publish, published
from biwaq.oeffentlich.published import ARBEIT
from browser import StreamlitServer, metric_value, screenshot, wait_for_app, warm_up
from conftest import ROOT, demo_con

I = published.INSGESAMT
VERBOTEN = {"duckdb", "biwaq.speicher.store", "biwaq.speicher.queries", "biwaq.app.ui", "biwaq.oeffentlich.publish",
            "biwaq.oeffentlich.vorschau", "biwaq.speicher.importer"}


@pytest.fixture(scope="module")
def pub_dir(demo_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("oeff") / "oeffentlich"
    publish.publish(demo_db, out)
    return out


@pytest.fixture
def public_env(pub_dir, monkeypatch, tmp_path):
    import streamlit as st

    monkeypatch.setenv("BIWAQ_OEFFENTLICH_DIR", str(pub_dir))
    monkeypatch.setenv("BIWAQ_DB", str(tmp_path / "gibt-es-nicht.duckdb"))
    st.cache_data.clear()
    yield pub_dir
    st.cache_data.clear()


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any level (also inside functions)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            if node.module.split(".")[0] == "biwaq":     # `from biwaq.x import y` may be a module
                out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def test_public_entry_point_imports_nothing_that_reaches_the_database():
    """Static: follow every biwaq module the public app imports, transitively."""
    seen, todo, alle = set(), [ROOT / "oeffentlich.py"], set()
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        mods = _imports(f)
        alle |= mods
        for m in mods:
            if m.startswith("biwaq."):
                p = ROOT / (m.replace(".", "/") + ".py")
                if p.exists():
                    todo.append(p)
    assert ROOT / "biwaq" / "oeffentlich" / "public_ui.py" in seen     # the walk did reach the view
    assert not alle & VERBOTEN, alle & VERBOTEN
    assert not {m for m in alle if m.split(".")[0] == "duckdb"}


def test_public_process_has_no_database_module_and_no_database(pub_dir, tmp_path):
    """Dynamic: the app runs in a fresh interpreter with BIWAQ_DB pointing nowhere; afterwards
    neither duckdb nor the store is loaded, and no database file was created."""
    db = tmp_path / "gibt-es-nicht.duckdb"
    code = (
        "import json, sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(ROOT / 'oeffentlich.py')!r}, default_timeout=60).run()\n"
        "print(json.dumps({'exc': [str(e.value) for e in at.exception],\n"
        "  'metrics': {m.label: m.value for m in at.metric},\n"
        "  'mods': sorted(m for m in sys.modules if m == 'duckdb' or m.startswith('duckdb.')\n"
        "                 or m.startswith('biwaq.'))}))\n")
    env = {**os.environ, "BIWAQ_DB": str(db), "BIWAQ_OEFFENTLICH_DIR": str(pub_dir)}
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=240)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["exc"] == []
    assert not set(out["mods"]) & VERBOTEN, out["mods"]
    assert "duckdb" not in out["mods"]
    assert "biwaq.oeffentlich.published" in out["mods"]
    d = published.laden(pub_dir)
    assert out["metrics"]["Menschen im Projekt"] == published.zahl(
        d.wert("teilnehmende", quartier=I, zielgruppe=I, jahr=I))
    assert not db.exists()


def test_public_page_shows_published_figures_and_the_star_note(public_env):
    d = published.laden(public_env)
    at = AppTest.from_file(str(ROOT / "oeffentlich.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "BIWAQ Erfurt – Zahlen für die Stadtteile"
    werte = {m.label: m.value for m in at.metric}
    assert werte["Menschen im Projekt"] == published.zahl(
        d.wert("teilnehmende", quartier=I, zielgruppe=I, jahr=I))
    assert werte["Arbeit gefunden"] == published.zahl(
        d.wert("eintritte_vermittlungen", kennzahl=ARBEIT, quartier=I, jahr=I))
    assert werte["Betriebe beraten"] == published.zahl(d.wert("betriebe_beraten", quartier=I))
    assert any("* bedeutet" in i.value for i in at.info)
    assert any("Demodaten" in w.value for w in at.warning)
    # A suppressed cell appears as `*` in a table.
    frames = [df.value for df in at.dataframe]
    assert any((f.astype(str) == "*").any().any() for f in frames)
    # Short sentences with the same numbers.
    text = " ".join(m.value for m in at.markdown)
    assert f"{werte['Menschen im Projekt']} Menschen haben beim Projekt mitgemacht." in text
    # Issue 13.9 and 13.8: month only, and which publication this is.
    captions = " ".join(c.value for c in at.caption)
    assert "Stand der Daten: Dezember 2018" in captions
    assert "Veröffentlichung Nr. 1" in captions
    seite = " ".join(str(e.value) for e in at.main if hasattr(e, "value"))
    assert "31.12.2018" not in seite and "2018-12-31" not in seite


def test_public_page_without_publication_says_so(monkeypatch, tmp_path):
    import streamlit as st

    monkeypatch.setenv("BIWAQ_OEFFENTLICH_DIR", str(tmp_path / "leer"))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "oeffentlich.py"), default_timeout=60).run()
    assert not at.exception
    assert any("noch keine Zahlen veröffentlicht" in i.value for i in at.info)
    assert not at.metric


# --- Attacker test (issue 15): the public app shows only what publish wrote -------------------

ZEILE = "Magdeburger Allee,Insgesamt,2015,"


def _kopie(pub_dir, tmp_path) -> Path:
    import shutil

    kopie = tmp_path / "oeffentlich"
    shutil.copytree(pub_dir, kopie)
    return kopie


def _eine_1(kopie: Path) -> None:
    """The attacker's edit: Magdeburger Allee, Insgesamt, 2015 (17 in the demo) becomes 1."""
    f = kopie / "teilnehmende.csv"
    zeilen = f.read_text(encoding="utf-8").split("\n")
    treffer = [i for i, z in enumerate(zeilen) if z.startswith(ZEILE)]
    assert len(treffer) == 1
    zeilen[treffer[0]] = ZEILE + "1,false"
    f.write_text("\n".join(zeilen), encoding="utf-8")


def _summen_neu(kopie: Path, **aenderung) -> None:
    """An attacker who also knows the checksums: recomputes them (and edits the manifest)."""
    m = json.loads((kopie / "manifest.json").read_text(encoding="utf-8"))
    m[published.PRUEFSUMMEN] = {n: published.pruefsumme(kopie / n) for n in published.dateien(m)}
    m.update(aenderung)
    (kopie / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")


def test_manifest_carries_the_sha256_of_every_file_written(pub_dir):
    import hashlib

    m = json.loads((pub_dir / "manifest.json").read_text(encoding="utf-8"))
    summen = m[published.PRUEFSUMMEN]
    dateien = sorted(p.name for p in pub_dir.iterdir() if p.is_file() and p.name != "manifest.json")
    assert sorted(summen) == dateien
    assert {"teilnehmende.csv", "quoten.csv", "leerstaende_orte.csv"} <= set(summen)
    for name, summe in summen.items():
        assert hashlib.sha256((pub_dir / name).read_bytes()).hexdigest() == summe
    kopie = json.loads((pub_dir / "revisionen" / "0001" / "manifest.json").read_text("utf-8"))
    assert kopie[published.PRUEFSUMMEN] == summen


def test_a_changed_file_is_refused_and_the_page_shows_no_figures(pub_dir, tmp_path,
                                                                  monkeypatch):
    import streamlit as st

    kopie = _kopie(pub_dir, tmp_path)
    assert published.laden(kopie).wert("teilnehmende", quartier="Magdeburger Allee",
                                       zielgruppe=I, jahr="2015") == 17
    _eine_1(kopie)
    with pytest.raises(published.Ungueltig, match="Prüfsummen: teilnehmende.csv"):
        published.laden(kopie)
    monkeypatch.setenv("BIWAQ_OEFFENTLICH_DIR", str(kopie))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "oeffentlich.py"), default_timeout=60).run()
    st.cache_data.clear()
    assert not at.exception
    assert any("wurden verändert" in w.value for w in at.warning)
    assert not at.metric and not at.dataframe and not at.table


def test_a_small_count_is_refused_even_with_matching_checksums(pub_dir, tmp_path):
    kopie = _kopie(pub_dir, tmp_path)
    _eine_1(kopie)
    _summen_neu(kopie)
    with pytest.raises(published.Ungueltig, match="teilnehmende.csv eine ungesperrte Zahl unter 3"):
        published.laden(kopie)


def test_threshold_of_the_publication_is_enforced_and_never_below_3(pub_dir, tmp_path):
    kopie = _kopie(pub_dir, tmp_path)
    _summen_neu(kopie, schwelle=2)
    with pytest.raises(published.Ungueltig, match="Schwelle 2"):
        published.laden(kopie)
    # a publication claiming threshold 50 holds 17 (MA, Insgesamt, 2015): below its threshold
    _summen_neu(kopie, schwelle=50)
    with pytest.raises(published.Ungueltig, match="unter 50"):
        published.laden(kopie)
    _summen_neu(kopie, schwelle=3)
    assert published.laden(kopie).schwelle == 3        # unchanged files: shown again


def test_a_publication_without_checksums_is_refused(pub_dir, tmp_path):
    kopie = _kopie(pub_dir, tmp_path)
    m = json.loads((kopie / "manifest.json").read_text(encoding="utf-8"))
    del m[published.PRUEFSUMMEN]
    (kopie / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(published.Ungueltig, match="keine vollständigen Prüfsummen"):
        published.laden(kopie)


def test_handout_is_one_a4_page_with_the_key_figures(pub_dir):
    d = published.laden(pub_dir)
    reader = PdfReader(io.BytesIO(handout.pdf(d)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == \
        (210, 297)
    text = reader.pages[0].extract_text()
    for wert in (d.wert("teilnehmende", quartier=I, zielgruppe=I, jahr=I),
                 d.wert("eintritte_vermittlungen", kennzahl=ARBEIT, quartier=I, jahr=I),
                 d.wert("betriebe_beraten", quartier=I),
                 d.wert("leerstaende_wiederbelegt", stadtteil=I, jahr=I)):
        assert wert is not None and published.zahl(wert) in text
    # Issue 13.9: the data as-of date only as a month, never the exact latest event date.
    assert "Stand der Daten: Dezember 2018" in text
    assert "31.12.2018" not in text
    assert "* bedeutet" in text
    assert "DEMODATEN" in text
    assert foerderhinweis.EMBLEM_TEXT in text and "BIWAQ – Bildung, Wirtschaft, Arbeit" in text
    # Issue 15 / attacker test: German typography as written (Unicode font), no ASCII hyphen
    assert "BIWAQ Erfurt – Zahlen" in text and "BIWAQ Erfurt - Zahlen" not in text
    assert handout.dateiname(d) == \
        f"biwaq_erfurt_zahlen_stand_2018-12_veroeffentlichung_{d.revision}.pdf"
    inhalt = reader.pages[0].get_contents().get_data().decode("latin-1")
    assert "0 0.2 0.6 rg" in inhalt and "1 0.8 0 rg" in inhalt     # EU blue and gold drawn
    # A suppressed district value appears as `*` in the vacancy table.
    gesperrt = [s for s in d.dim_werte("leerstaende_wiederbelegt", "stadtteil")
                if d.wert("leerstaende_wiederbelegt", stadtteil=s, jahr=I) is None]
    for s in gesperrt:
        zeile = next(z for z in text.splitlines() if z.startswith(s))
        assert zeile.endswith("*")


def freigegeben(db) -> tuple[list[str], list[str]]:
    """Addresses of units vacant at the data stand (31.12.2018) with and without the owner's
    consent, straight from the contract table."""
    con = demo_con(db)
    try:
        rows = con.execute("""
            select adresse, coalesce(oeffentlich, false) from leerstaende
            where leer_seit <= date '2018-12-31'
              and (wiederbelegt_am is null or wiederbelegt_am > date '2018-12-31')""").fetchall()
    finally:
        con.close()
    return sorted(a for a, o in rows if o), sorted(a for a, o in rows if not o)


def test_public_page_lists_consented_vacancies_by_address_and_blocks_per_district(
        public_env, demo_db):
    d = published.laden(public_env)
    at = AppTest.from_file(str(ROOT / "oeffentlich.py"), default_timeout=60).run()
    assert not at.exception
    ja, nein = freigegeben(demo_db)
    liste = next(f.value for f in at.dataframe if "Adresse" in f.value.columns)
    assert sorted(liste["Adresse"]) == ja and len(ja) > 5
    assert not set(liste["Adresse"]) & set(nein)
    assert list(liste.columns) == ["Stadtteil", "Adresse", "Art", "Fläche (m²)"]
    for f in at.dataframe:               # never bare coordinates
        assert not {"Breite", "Länge", "lat", "lon"} & set(f.value.columns)
    karte = next(c for c in at.get("plotly_chart") if "Lage freigegeben" in c.proto.spec)
    spec = json.loads(karte.proto.spec)
    punkte = next(t for t in spec["data"] if t.get("name") == "leer (Lage freigegeben)")
    assert sorted(c[0] for c in punkte["customdata"]) == ja
    assert spec["layout"]["map"]["style"] == "white-bg"          # no tiles needed
    # one block per district with its published figures in plain German
    text = " ".join(m.value for m in at.markdown)
    letztes = d.dim_werte("leerstaende_bestand", "jahr")[-1]
    for s in ("Andreasvorstadt", "Herrenberg", "Melchendorf"):
        assert f"**{s}**" in text
        wert = d.wert("leerstaende_bestand", stadtteil=s, jahr=letztes)
        if wert is not None:
            assert f"Ende {letztes} standen hier {published.zahl(wert)} Läden" in text
    # the funding statement with the EU emblem (vector graphics, no download)
    html = " ".join(h.proto.body for h in at.get("html"))
    assert foerderhinweis.EMBLEM_TEXT in html and foerderhinweis.PROGRAMM in html
    assert 'src="data:image/svg+xml;base64,' in html and "http" not in html   # no download


def test_eu_emblem_has_twelve_stars_on_a_circle_of_a_third_of_the_height():
    sterne = foerderhinweis.sterne(150, 100)
    assert len(sterne) == 12
    for stern in sterne:
        mx = sum(x for x, _ in stern) / 10
        my = sum(y for _, y in stern) / 10
        assert abs(((mx - 75) ** 2 + (my - 50) ** 2) ** 0.5 - 100 / 3) < 0.5
        spitze = min(stern, key=lambda p: p[1])          # one point upwards
        assert abs(spitze[0] - stern[0][0]) < 1e-9
        assert max(((x - mx) ** 2 + (y - my) ** 2) ** 0.5 for x, y in stern) < 100 / 18 + 0.3


@pytest.fixture(scope="module")
def public_server(pub_dir, tmp_path_factory, browser):
    server = StreamlitServer("oeffentlich.py", env={
        "BIWAQ_OEFFENTLICH_DIR": str(pub_dir),
        "BIWAQ_DB": str(tmp_path_factory.mktemp("nodb") / "gibt-es-nicht.duckdb")})
    warm_up(browser, server.url)
    yield server
    server.stop()


@pytest.mark.browser
def test_public_page_in_browser(public_server, pub_dir, demo_db, page):
    d = published.laden(pub_dir)
    page.goto(public_server.url + "/")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    assert page.get_by_text("Page not found").count() == 0
    assert metric_value(page, "Menschen im Projekt") == published.zahl(
        d.wert("teilnehmende", quartier=I, zielgruppe=I, jahr=I))
    assert page.get_by_text("* bedeutet").first.is_visible()
    assert page.get_by_text("Handzettel (PDF, eine Seite)").count() == 1
    # No sidebar navigation: this server offers no other page.
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    screenshot(page, "oeffentlich")
    page.get_by_role("heading", name="Leere Läden und Flächen").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "oeffentlich_leerstand")
    # the consented vacancies on the map (no tiles), the funding statement with the emblem
    ja, nein = freigegeben(demo_db)
    page.get_by_role("tab", name="Karte").first.click()
    page.wait_for_function("""() => [...document.querySelectorAll('.js-plotly-plot')].some(
        g => g.data && g.data.some(t => t.name === 'leer (Lage freigegeben)'))""",
                           timeout=30_000)
    gezeigt = page.evaluate("""() => {
        const g = [...document.querySelectorAll('.js-plotly-plot')].find(
            g => g.data && g.data.some(t => t.name === 'leer (Lage freigegeben)'));
        return g.data.find(t => t.name === 'leer (Lage freigegeben)').customdata.map(c => c[0]);
    }""")
    assert sorted(gezeigt) == ja and not set(gezeigt) & set(nein)
    karte = page.locator('[data-testid="stPlotlyChart"]').filter(
        has=page.locator("canvas")).last
    karte.scroll_into_view_if_needed()
    page.wait_for_timeout(2500)
    (ROOT / "screenshots" / "oeffentlich_karte.png").write_bytes(karte.screenshot())
    emblem = page.locator('img[alt="Flagge der Europäischen Union"]')
    assert emblem.count() == 1 and emblem.is_visible()
    assert emblem.evaluate("e => e.complete && e.naturalWidth") > 0      # drawn, not broken
    assert page.get_by_text(foerderhinweis.EMBLEM_TEXT).first.is_visible()
    with page.expect_download() as dl:
        page.get_by_text("Handzettel (PDF, eine Seite)").click()
    pdf = Path(dl.value.path()).read_bytes()
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_public_map_draws_at_most_the_largest_places_and_says_so(public_env, monkeypatch):
    """Issue 14 (22,209 consented places at scale 1000): the map draws the largest
    ORTE_MAX_PUNKTE places and says how many there are; the list keeps all."""
    from biwaq.oeffentlich import public_view

    d = published.laden(public_env)
    monkeypatch.setattr(public_view, "ORTE_MAX_PUNKTE", 3)
    at = AppTest.from_file(str(ROOT / "oeffentlich.py"), default_timeout=60).run()
    assert not at.exception
    orte = d.orte
    groesste = orte.sort_values(["flaeche_m2", "adresse"], ascending=[False, True]).head(3)
    karte = next(c for c in at.get("plotly_chart") if "Lage freigegeben" in c.proto.spec)
    punkte = next(t for t in json.loads(karte.proto.spec)["data"]
                  if t.get("name") == "leer (Lage freigegeben)")
    assert sorted(c[0] for c in punkte["customdata"]) == sorted(groesste["adresse"])
    assert len(orte) > 3
    assert any(f"die 3 größten von {len(orte)} Orten" in c.value for c in at.caption)
    liste = next(f.value for f in at.dataframe if "Adresse" in f.value.columns)
    assert len(liste) == len(orte)


def test_year_filter_sentences_claim_no_share_of_the_people_who_entered(pub_dir):
    """Attacker test 29.11.2026: with Zeitraum 2018 the page said „206 Menschen haben …
    mitgemacht. 72 von ihnen haben eine Arbeit … gefunden. Das sind 35,0 %“ — but the 72 are
    people placed in 2018, most of whom entered earlier. For some years the two figures stand
    side by side, without „von ihnen“ and without a share; for the whole term the share stays."""
    from biwaq.oeffentlich import public_view as pv
    from biwaq.oeffentlich.published import ARBEIT, laden, zahl, prozent
    daten = laden(pub_dir)
    ganz = pv.saetze(daten)
    tn = pv.summe(daten, "teilnehmende", quartier="Insgesamt", zielgruppe="Insgesamt",
                  jahr="Insgesamt")
    vm = pv.summe(daten, "eintritte_vermittlungen", kennzahl=ARBEIT,
                  quartier="Insgesamt", jahr="Insgesamt")
    assert f"{zahl(vm)} von ihnen" in " ".join(ganz)
    assert f"Das sind {prozent(100 * vm / tn)}." in ganz

    jahr = pv.Auswahl(None, ("2018",))
    s = " ".join(pv.saetze(daten, jahr))
    tn18 = pv.summe(daten, "teilnehmende", quartier="Insgesamt", zielgruppe="Insgesamt",
                    jahr="2018")
    vm18 = pv.summe(daten, "eintritte_vermittlungen", kennzahl=ARBEIT,
                    quartier="Insgesamt", jahr="2018")
    assert "von ihnen" not in s and "Das sind" not in s and "%" not in s
    assert f"{zahl(tn18)} Menschen sind im Jahr 2018 ins Projekt gekommen." in s
    assert f"{zahl(vm18)} Menschen haben im Jahr 2018 eine Arbeit" in s
    assert pv._jahre_text(("2016", "2017", "2018")) == "in den Jahren 2016 bis 2018"
    assert pv._jahre_text(("2018", "2016")) == "in den Jahren 2016 und 2018"
    assert pv._jahre_text(("2015", "2016", "2018")) == "in den Jahren 2015, 2016 und 2018"


@pytest.mark.browser
def test_public_page_refuses_a_changed_publication_in_browser(pub_dir, tmp_path, browser,
                                                               page):
    """Attacker test (issue 15): a 1 edited into teilnehmende.csv is never shown; the page
    says in plain German that no figures can be shown now."""
    kopie = _kopie(pub_dir, tmp_path)
    _eine_1(kopie)
    server = StreamlitServer("oeffentlich.py", env={
        "BIWAQ_OEFFENTLICH_DIR": str(kopie),
        "BIWAQ_DB": str(tmp_path / "gibt-es-nicht.duckdb")})
    try:
        warm_up(browser, server.url)
        page.goto(server.url + "/")
        wait_for_app(page)
        page.get_by_text("Zurzeit können wir keine Zahlen zeigen").first.wait_for(
            timeout=30_000)
        assert page.locator('[data-testid="stMetric"]').count() == 0
        assert page.locator(".js-plotly-plot").count() == 0
        assert page.get_by_text("Menschen im Projekt").count() == 0
        screenshot(page, "oeffentlich_verweigert")
    finally:
        server.stop()
