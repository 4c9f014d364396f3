"""The optional table raumgesuche (issue 12): import, refusals with place and value, optional
in a build, demo data that is plausible and leaves the older demo tables untouched."""
from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from biwaq.speicher import importer, store
from biwaq.einlesen.contract import LEERSTAND_ARTEN, RAUMGESUCH_STATUS, TABLES
from biwaq.einlesen.demo import generate
from biwaq.speicher.importer import Eingabe

KOPF = ("gesuch_id;betrieb_id;datum;art;flaeche_min_m2;flaeche_max_m2;quartier;branche;"
        "status;objekt_id;erledigt_am")


def csv(*zeilen: str) -> bytes:
    return ("\n".join([KOPF, *zeilen]) + "\n").encode("utf-8")


@pytest.fixture
def echte_db(tmp_path, demo_db):
    """The demo data imported as real data (so that a further import is allowed)."""
    db = tmp_path / "biwaq.duckdb"
    erg = importer.importiere([Eingabe.aus_pfad(p) for p in sorted(store.DEMO_DIR.iterdir())
                               if p.suffix in (".csv", ".geojson")
                               and p.name != "raumgesuche.csv"], db, wer="test")
    assert erg.ok, erg.fehler[:3]
    return db


def zeilen(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_import_accepts_requests_and_upserts_on_the_key(echte_db):
    daten = csv("G-1;;03.02.2017;Ladenlokal;60;120;Süd-Ost;Gastronomie;offen;;",
                "G-2;B-0001;2017-03-01;Büro;;200;;;vermittelt;L-0004;22.07.2017")
    erg = importer.importiere([Eingabe("raumgesuche_2017.csv", daten)], echte_db, wer="test")
    assert erg.ok, [str(f) for f in erg.fehler]
    assert zeilen(echte_db, "select gesuch_id, flaeche_min_m2, flaeche_max_m2, quartier, "
                  "status, objekt_id, cast(erledigt_am as varchar) from raumgesuche "
                  "order by 1") == [
        ("G-1", 60.0, 120.0, "Süd-Ost", "offen", None, None),
        ("G-2", None, 200.0, None, "vermittelt", "L-0004", "2017-07-22")]
    neu = csv("G-1;;03.02.2017;Ladenlokal;60;150;Süd-Ost;Gastronomie;offen;;")
    erg = importer.importiere([Eingabe("raumgesuche.csv", neu)], echte_db, wer="test")
    assert erg.ok and erg.eintraege[0].aktualisiert == 1 and erg.eintraege[0].eingefuegt == 0
    assert zeilen(echte_db, "select flaeche_max_m2 from raumgesuche where gesuch_id = 'G-1'"
                  ) == [(150.0,)]


def test_import_refuses_broken_requests_with_row_column_and_value(echte_db):
    vorher = zeilen(echte_db, "select count(*) from raumgesuche")
    daten = csv("G-1;;03.02.2017;Ladenlokal;200;120;;;offen;;",          # row 2: min > max
                "G-2;;03.02.2017;Büro;;;;;zurückgezogen;;",                # row 3: no date
                "G-3;;03.02.2017;Büro;;;;;vermittelt;L-9999;01.03.2017",   # row 4: unknown unit
                "G-4;;03.02.2017;Büro;;;;;zurückgezogen;;01.01.2017",      # row 5: before datum
                "G-5;;03.02.2017;Kiosk;;;;;erledigt;;")                    # row 6: value lists
    erg = importer.importiere([Eingabe("raumgesuche.csv", daten)], echte_db, wer="test")
    assert not erg.ok
    gefunden = {(f.zeile, f.spalte, f.wert) for f in erg.fehler}
    assert {(3, "erledigt_am", ""),
            (4, "objekt_id", "L-9999"), (5, "erledigt_am", "01.01.2017"),
            (6, "art", "Kiosk"), (6, "status", "erledigt")} <= gefunden
    assert any(z == 2 and s == "flaeche_max_m2" and w.startswith("120") for z, s, w in gefunden)
    texte = {(f.zeile, f.spalte): f.erwartet for f in erg.fehler}
    assert "Mindestfläche" in texte[(2, "flaeche_max_m2")]
    assert "Leerstände" in texte[(4, "objekt_id")]
    assert all(f.datei == "raumgesuche.csv" for f in erg.fehler)
    assert zeilen(echte_db, "select count(*) from raumgesuche") == vorher


def test_build_works_without_the_optional_table(tmp_path):
    quelle = tmp_path / "lieferung"
    shutil.copytree(store.DEMO_DIR, quelle)
    (quelle / "raumgesuche.csv").unlink()
    db = store.build(tmp_path / "ohne.duckdb", quelle)
    assert zeilen(db, "select count(*) from raumgesuche") == [(0,)]
    assert zeilen(db, "select count(*) from leerstaende")[0][0] > 0
    ohne_ziele = tmp_path / "ohne_ziele"
    shutil.copytree(quelle, ohne_ziele)
    (ohne_ziele / "ziele.csv").unlink()
    with pytest.raises(store.ImportFehler, match="ziele"):      # required tables stay required
        store.build(tmp_path / "x.duckdb", ohne_ziele)


def test_demo_requests_are_plausible_and_some_are_met_by_a_relet_unit():
    t = generate()
    g, leer = t["raumgesuche"], t["leerstaende"].set_index("objekt_id")
    assert list(g.columns) == TABLES["raumgesuche"].column_names
    assert 30 <= len(g) <= 60 and g["gesuch_id"].is_unique
    assert set(g["art"]) <= set(LEERSTAND_ARTEN) and set(g["status"]) == set(RAUMGESUCH_STATUS)
    assert (g["flaeche_min_m2"].fillna(0) <= g["flaeche_max_m2"].fillna(1e9)).all()
    assert (g["erledigt_am"].isna() == g["status"].eq("offen")).all()
    assert (g["erledigt_am"].dropna() >= g.loc[g["erledigt_am"].notna(), "datum"]).all()
    met = g[g["status"] == "vermittelt"]
    assert len(met) >= 5 and met["objekt_id"].notna().all()
    einheit = leer.loc[met["objekt_id"]]
    assert (einheit["status"] == "wiederbelegt").all()
    assert (pd.to_datetime(einheit["wiederbelegt_am"]).to_numpy()
            == pd.to_datetime(met["erledigt_am"]).to_numpy()).all()
    assert (einheit["art"].to_numpy() == met["art"].to_numpy()).all()
    assert (g["datum"] <= pd.Timestamp("2018-12-31")).all()
    assert set(g["betrieb_id"].dropna()) <= set(t["betriebe"]["betrieb_id"])
