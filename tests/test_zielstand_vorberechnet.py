"""Issue 14: every write stores the on-track events per target and day (zielstand_tage);
the pages read zielstand_verlauf's rows from them only while they are the result of exactly
the data in the file – else the query runs as before. Same figures either way."""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools

import duckdb
import pandas as pd
import pytest

from biwaq.einlesen.contract import LAUFZEIT_START, QUARTIERE, ZIELGRUPPEN
from biwaq.speicher import importer, store
from biwaq.speicher.importer import Eingabe
from biwaq.speicher.queries import run_query
from biwaq.zahlen import zielstand as zs
from conftest import make_db

D = dt.date
# Stichtage: project end, mid-quarter, a quarter's last and first day, before the project
# start, far after the data stand, the project start itself.
BIS = [D(2018, 12, 31), D(2017, 5, 17), D(2016, 9, 30), D(2016, 10, 1), D(2015, 6, 1),
       D(2030, 1, 1), LAUFZEIT_START]
FILTER = list(itertools.product([None, *QUARTIERE], [None, *ZIELGRUPPEN], BIS))


def _live(con, quartier, zielgruppe, bis, start=LAUFZEIT_START) -> pd.DataFrame:
    return run_query("zielstand_verlauf", con, quartier=quartier, zielgruppe=zielgruppe,
                     bis=bis, laufzeit_start=start)


def _alle_gleich(db) -> int:
    """Stored and live rows equal for every filter (frames to the type) and the rule's
    results too; returns how many events the stored rows hold (to see that data changed)."""
    con = store.connect_readonly(db)
    try:
        assert zs.tage_gueltig(con)
        for quartier, gruppe, bis in FILTER:
            gespeichert = zs.verlauf_roh(con, quartier, gruppe, bis)
            live = _live(con, quartier, gruppe, bis)
            pd.testing.assert_frame_equal(gespeichert, live, check_exact=True)
            a, b = zs.zielstand(gespeichert), zs.zielstand(live)
            pd.testing.assert_frame_equal(a.tabelle, b.tabelle)
            pd.testing.assert_frame_equal(a.verlauf, b.verlauf)
        return int(con.execute("select sum(neu) from " + zs.FEST_TAGE).fetchone()[0])
    finally:
        con.close()


def _ohne_speicher(db, quartier=None, gruppe=None, bis=D(2018, 12, 31)):
    """(stored days valid?, verlauf_roh, live query) on a fresh connection."""
    con = store.connect_readonly(db)
    try:
        return (zs.tage_gueltig(con), zs.verlauf_roh(con, quartier, gruppe, bis),
                _live(con, quartier, gruppe, bis))
    finally:
        con.close()


def test_stored_rows_equal_the_query_on_the_demo(demo_db):
    n = _alle_gleich(demo_db)
    con = store.connect_readonly(demo_db)
    try:
        # not vacuous: the stored path is taken and the demo's targets have events
        assert len(zs.verlauf_roh(con, None, None, D(2018, 12, 31))) > 100
        assert n > 0
    finally:
        con.close()


def test_stored_rows_of_a_hand_made_case(tmp_path):
    """Target 'teilnehmende' for Süd-Ost, 10 by 31.12.2018; Erstkontakte on 15.11.2015,
    15.02.2016 and 20.02.2016 in Süd-Ost, one in Magdeburger Allee (not counted). Stichtag
    18.02.2016 (mid-quarter): Q4 2015 → 1, Q1 2016 → 1 (the 20.02. is after the Stichtag).
    Target 'eintritte' for Süd-Ost: nobody entered – one row, quartal NULL, neu 0."""
    tn = [dict(tn_id="P1", quartier="Süd-Ost", stadtteil="Herrenberg",
               erstkontakt=D(2015, 11, 15)),
          dict(tn_id="P2", quartier="Süd-Ost", stadtteil="Herrenberg", erstkontakt=D(2016, 2, 15)),
          dict(tn_id="P3", quartier="Süd-Ost", stadtteil="Herrenberg", erstkontakt=D(2016, 2, 20)),
          dict(tn_id="P4", erstkontakt=D(2016, 1, 5))]
    db = make_db(tmp_path / "h.duckdb", teilnehmende=tn, ziele=[
        dict(kennzahl="teilnehmende", quartier="Süd-Ost", zielwert=10),
        dict(kennzahl="eintritte", quartier="Süd-Ost", zielwert=5)])
    with store.replace_atomically(db):
        pass
    gueltig, roh, live = _ohne_speicher(db, "Süd-Ost", None, D(2016, 2, 18))
    assert gueltig
    pd.testing.assert_frame_equal(roh, live)
    zeilen = [(r.kennzahl, None if pd.isna(r.quartal) else r.quartal.date(), r.neu)
              for r in roh.itertuples()]
    assert zeilen == [("eintritte", None, 0),
                      ("teilnehmende", D(2015, 10, 1), 1), ("teilnehmende", D(2016, 1, 1), 1)]
    assert {d.date() for d in roh["stichtag"]} == {D(2016, 2, 18)}


def _teilnehmende_geaendert(tmp_path) -> Eingabe:
    """teilnehmende.csv of the demo: 40 persons who came and entered before 2017 with the
    Erstkontakt moved to 03.03.2016 (Eintritt, Austritt dropped, so the record stays valid),
    and 25 new persons of Süd-Ost, alleinerziehend, with Erstkontakt and Eintritt on
    10.05.2017."""
    text = (store.DEMO_DIR / "teilnehmende.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    frueh = [r for r in rows if r["erstkontakt"].endswith(("2015", "2016"))
             and r["eintritt"].endswith(("2015", "2016"))][:40]
    for r in frueh:
        r.update(erstkontakt="03.03.2016", eintritt="", austritt="", austrittsgrund="")
    vorlage = next(r for r in rows if r["quartier"] == "Süd-Ost")
    neu = [{**vorlage, "tn_id": f"TN-NEU-{i:03d}", "alleinerziehend": "ja",
            "erstkontakt": "10.05.2017", "eintritt": "10.05.2017", "austritt": "",
            "austrittsgrund": ""} for i in range(25)]
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";", lineterminator="\n")
    w.writeheader()
    w.writerows(frueh + neu)
    pfad = tmp_path / "teilnehmende_nachtrag.csv"
    pfad.write_text(out.getvalue(), encoding="utf-8")
    return Eingabe.aus_pfad(pfad)


def _im_quartal(db, quartier, gruppe, kennzahl, quartal) -> int:
    con = store.connect_readonly(db)
    try:
        df = zs.verlauf_roh(con, quartier, gruppe, D(2018, 12, 31))
    finally:
        con.close()
    return int(df.loc[(df["kennzahl"] == kennzahl)
                      & (df["quartal"] == pd.Timestamp(quartal)), "neu"].sum())


def test_stored_rows_follow_a_second_import(tmp_path):
    """Import the demo files, then a batch that changes persons: after each write the
    stored rows are those of the data now in the file (and differ from before): 25 more
    Erstkontakte and Eintritte in Q2 2017 for Süd-Ost and for Alleinerziehende."""
    db = tmp_path / "biwaq.duckdb"
    demo = [Eingabe.aus_pfad(p) for p in sorted(store.DEMO_DIR.iterdir())
            if p.suffix in (".csv", ".geojson")]
    assert importer.importiere(demo, db, wer="test").ok
    vorher = _alle_gleich(db)
    faelle = [(q, g, k) for q, g in (("Süd-Ost", None), (None, "alleinerziehend"))
              for k in ("teilnehmende", "eintritte")]
    alt = [_im_quartal(db, *f, D(2017, 4, 1)) for f in faelle]
    erg = importer.importiere([_teilnehmende_geaendert(tmp_path)], db, wer="test")
    assert erg.ok, erg.fehler
    nachher = _alle_gleich(db)
    assert nachher != vorher
    assert [_im_quartal(db, *f, D(2017, 4, 1)) for f in faelle] == [n + 25 for n in alt]


def test_data_changed_by_another_program_are_not_read_from_the_store(tmp_path, demo_db):
    """An update written directly into the file: the store hides the stored days, the page's
    function runs the query on the data as they are now."""
    db = tmp_path / "b.duckdb"
    db.write_bytes(demo_db.read_bytes())
    raw = duckdb.connect(str(db))
    raw.execute("update teilnehmende set erstkontakt = date '2015-10-01' where tn_id in "
                "(select tn_id from teilnehmende order by tn_id desc limit 30)")
    raw.close()
    gueltig, roh, live = _ohne_speicher(db)
    assert not gueltig
    pd.testing.assert_frame_equal(roh, live)
    _, alt, _ = _ohne_speicher(demo_db)
    assert not roh.equals(alt)        # the change shows


def test_days_stored_for_other_data_are_never_used(tmp_path, demo_db):
    """The stored table and guard of one file put into another file with other data (its
    own guard of the marts still holds): not used – the guard binds the days to the data."""
    andere = tmp_path / "andere.duckdb"
    make_db(andere, teilnehmende=[dict(tn_id="P1", erstkontakt=D(2016, 5, 5))],
            ziele=[dict(kennzahl="teilnehmende", zielwert=10)])
    with store.replace_atomically(andere):
        pass
    db = tmp_path / "d.duckdb"
    db.write_bytes(demo_db.read_bytes())
    raw = duckdb.connect(str(db))
    raw.execute("attach $p as andere (read_only)", {"p": str(andere)})
    raw.execute("delete from " + zs.FEST_TAGE)
    raw.execute("insert into " + zs.FEST_TAGE + " select * from andere.main." + zs.FEST_TAGE)
    raw.execute("update _meta set wert = (select wert from andere.main._meta where schluessel "
                "= 'vorberechnet_zielstand') where schluessel = 'vorberechnet_zielstand'")
    raw.close()
    gueltig, roh, live = _ohne_speicher(db)
    assert not gueltig
    pd.testing.assert_frame_equal(roh, live)
    assert len(live) > 100           # the demo's own figures, not the one person of the other


def test_tampered_stored_days_are_not_used(tmp_path, demo_db):
    """Rows of the stored table changed directly in the file (the data untouched): the
    guard covers the table's content, the query runs."""
    db = tmp_path / "t.duckdb"
    db.write_bytes(demo_db.read_bytes())
    raw = duckdb.connect(str(db))
    raw.execute("update " + zs.FEST_TAGE + " set neu = neu + 1000 where tag is not null")
    raw.close()
    gueltig, roh, live = _ohne_speicher(db)
    assert not gueltig
    pd.testing.assert_frame_equal(roh, live)


@pytest.mark.parametrize("schluessel, wert", [
    ("vorberechnet_zielstand", "andere Abfrage"),   # query or code changed
    ("datenstand", "2016-06-30"),                   # read by the query, not in the fingerprint
    ("marts_schema", "anders"),                     # schema.sql changed
])
def test_other_code_or_meta_are_not_served_from_the_store(tmp_path, demo_db, schluessel, wert):
    db = tmp_path / "m.duckdb"
    db.write_bytes(demo_db.read_bytes())
    raw = duckdb.connect(str(db))
    raw.execute("insert or replace into _meta values ($k, $v)", {"k": schluessel, "v": wert})
    raw.close()
    gueltig, roh, live = _ohne_speicher(db)
    assert not gueltig
    pd.testing.assert_frame_equal(roh, live)


def test_another_project_start_runs_the_query(demo_db):
    con = store.connect_readonly(demo_db)
    try:
        assert zs.tage_gueltig(con) and not zs.tage_gueltig(con, D(2016, 1, 1))
        roh = zs.verlauf_roh(con, None, None, D(2018, 12, 31), D(2016, 1, 1))
        pd.testing.assert_frame_equal(roh, _live(con, None, None, D(2018, 12, 31),
                                                 D(2016, 1, 1)))
    finally:
        con.close()


def test_a_write_without_the_step_leaves_no_old_days(tmp_path, demo_db, monkeypatch):
    db = tmp_path / "w.duckdb"
    db.write_bytes(demo_db.read_bytes())
    monkeypatch.setattr(store, "VORBERECHNUNGEN", {})
    with store.replace_atomically(db) as con:
        con.execute("update teilnehmende set erstkontakt = date '2015-10-01' where tn_id = "
                    "(select max(tn_id) from teilnehmende)")
    gueltig, roh, live = _ohne_speicher(db)
    assert not gueltig
    pd.testing.assert_frame_equal(roh, live)


def test_the_query_does_not_read_todays_date():
    """Were it to, the stored days would count only on the day they were written."""
    assert not zs.heute_abhaengig()
