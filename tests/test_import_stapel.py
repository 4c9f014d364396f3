"""Importer batches: same-named files, a database held by another program, leftovers of a
killed import (issue 9 kinds 8 and 10, issue 13 item 14)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from biwaq.speicher import importer, store
from biwaq.speicher.importer import Eingabe
from conftest import ROOT

FAELLE = Path("/work/shared/field-cases")
FALL14 = FAELLE / "14-gleicher-dateiname-zwei-traeger"
KOPF = ("tn_id;quartier;traeger;geschlecht;geburtsjahr;alleinerziehend;migrationshintergrund;"
        "schutzsuchend;langzeitarbeitslos;zugangsweg;erstkontakt;eintritt\n")


def run(*args):
    return subprocess.run([sys.executable, "-m", "biwaq", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=300)


def inhalt(db: Path, tabellen=("teilnehmende", "betriebe", "leerstaende", "stadtteil_geo")
           ) -> dict:
    """Stored rows of these tables (sorted), to compare a database before and after."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(con.execute("select * from " + t).fetchall(), key=repr)
                for t in tabellen}
    finally:
        con.close()


@pytest.fixture
def echt_db(demo_db, tmp_path) -> Path:
    """A database with real (non-demo) data: the demo build imported once."""
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, db)
    erg = importer.importiere([Eingabe.aus_pfad(store.DEMO_DIR / "betriebe.csv")], db,
                              demo_entfernen=True, wer="test")
    assert erg.ok, erg.fehler[:3]
    return db


# --- Kind 8: several files with the same name ------------------------------------------------

def test_field_case_14_same_name_from_two_folders_is_refused_like_different_names(echt_db):
    vorher = inhalt(echt_db)
    erg = importer.importiere([Eingabe.aus_pfad(FALL14 / "KIK" / "teilnehmende.csv"),
                               Eingabe.aus_pfad(FALL14 / "Euratibor" / "teilnehmende.csv")],
                              echt_db, wer="test")
    assert not erg.ok
    assert [str(f) for f in erg.fehler] == [
        "Euratibor/teilnehmende.csv, Zeile 2, Spalte „tn_id“: Wert „TN-907801“ – Schlüssel "
        "doppelt (schon in KIK/teilnehmende.csv, Zeile 2)"]
    assert inhalt(echt_db) == vorher
    con = duckdb.connect(str(echt_db), read_only=True)
    try:
        log = con.execute("select ergebnis, eingefuegt from importprotokoll "
                          "where import_nr = $n", {"n": erg.import_nr}).fetchall()
        dateien = con.execute("select datei from importprotokoll_datei where import_nr = $n "
                              "order by nr", {"n": erg.import_nr}).fetchall()
    finally:
        con.close()
    assert log == [("abgelehnt", 0)]
    assert dateien == [("KIK/teilnehmende.csv",), ("Euratibor/teilnehmende.csv",)]


def test_field_case_14_on_the_command_line(echt_db):
    vorher = echt_db.read_bytes()
    r = run("import", "--db", str(echt_db), str(FALL14 / "KIK" / "teilnehmende.csv"),
            str(FALL14 / "Euratibor" / "teilnehmende.csv"))
    assert r.returncode == 1
    assert ("Euratibor/teilnehmende.csv, Zeile 2, Spalte „tn_id“: Wert „TN-907801“ – "
            "Schlüssel doppelt (schon in KIK/teilnehmende.csv, Zeile 2)") in r.stderr
    assert "Traceback" not in r.stderr
    con = duckdb.connect(str(echt_db), read_only=True)
    try:
        assert con.execute("select count(*) from teilnehmende where tn_id = 'TN-907801'"
                           ).fetchone() == (0,)
    finally:
        con.close()
    assert len(vorher) > 0


def test_three_uploads_with_the_same_name_are_numbered(echt_db):
    """Three uploads named teilnehmende.csv (the page has no folders): the third repeats a
    key of the first; the second is fine. Hand-worked: one error, in the 3rd file, row 3."""
    a = KOPF + ("TN-990001;Süd-Ost;KIK;w;1980;nein;nein;nein;ja;Jobcenter;01.02.2016;\n"
                "TN-990002;Süd-Ost;KIK;m;1981;nein;nein;nein;ja;Jobcenter;01.02.2016;\n")
    b = KOPF + "TN-990003;Süd-Ost;KIK;w;1982;nein;nein;nein;ja;Jobcenter;01.02.2016;\n"
    c = KOPF + ("TN-990004;Süd-Ost;KIK;w;1983;nein;nein;nein;ja;Jobcenter;01.02.2016;\n"
                "TN-990002;Magdeburger Allee;KIK;m;1981;nein;nein;nein;ja;Jobcenter;"
                "01.03.2016;\n")
    vorher = inhalt(echt_db)
    erg = importer.importiere([Eingabe("teilnehmende.csv", x.encode()) for x in (a, b, c)],
                              echt_db, wer="test")
    assert not erg.ok
    assert [str(f) for f in erg.fehler] == [
        "teilnehmende.csv (3. Datei), Zeile 3, Spalte „tn_id“: Wert „TN-990002“ – Schlüssel "
        "doppelt (schon in teilnehmende.csv (1. Datei), Zeile 3)"]
    assert [e.datei for e in erg.eintraege] == [
        "teilnehmende.csv (1. Datei)", "teilnehmende.csv (2. Datei)",
        "teilnehmende.csv (3. Datei)"]
    assert inhalt(echt_db) == vorher


def test_same_named_files_without_a_shared_key_are_all_stored_and_counted(echt_db):
    a = KOPF + "TN-990011;Süd-Ost;KIK;w;1980;nein;nein;nein;ja;Jobcenter;01.02.2016;\n"
    b = KOPF + ("TN-990012;Süd-Ost;KIK;w;1982;nein;nein;nein;ja;Jobcenter;01.02.2016;\n"
                "TN-990013;Süd-Ost;KIK;w;1982;nein;nein;nein;ja;Jobcenter;01.02.2016;\n")
    erg = importer.importiere([Eingabe("teilnehmende.csv", x.encode()) for x in (a, b)],
                              echt_db, wer="test")
    assert erg.ok, erg.fehler
    assert [(e.datei, e.eingefuegt) for e in erg.eintraege] == [
        ("teilnehmende.csv (1. Datei)", 1), ("teilnehmende.csv (2. Datei)", 2)]
    con = duckdb.connect(str(echt_db), read_only=True)
    try:
        n = con.execute("select count(*) from teilnehmende where tn_id like 'TN-9900%'"
                        ).fetchone()[0]
        log = con.execute("select eingefuegt from importprotokoll where import_nr = $n",
                          {"n": erg.import_nr}).fetchone()[0]
    finally:
        con.close()
    assert n == log == 3


def test_display_names_only_change_for_repeated_names(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    namen = importer.anzeigenamen([
        Eingabe.aus_pfad(tmp_path / "a" / "teilnehmende.csv"),
        Eingabe.aus_pfad(tmp_path / "b" / "teilnehmende.csv"),
        Eingabe.aus_pfad(tmp_path / "a" / "betriebe.csv"),
        Eingabe("ziele.csv", b"x"), Eingabe.aus_pfad(tmp_path / "ziele.csv")])
    assert namen == ["a/teilnehmende.csv", "b/teilnehmende.csv", "betriebe.csv",
                     "ziele.csv (1. Datei)", "ziele.csv (2. Datei)"]


# --- Kind 10: the database file held by another program ----------------------------------------

HALTER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("offen", flush=True)
time.sleep(120)
"""


@pytest.fixture
def fremder_schreiber():
    """Start a process that holds the given file open for writing (like the DuckDB CLI);
    yields a function (path -> pid)."""
    procs = []

    def halten(db: Path) -> int:
        p = subprocess.Popen([sys.executable, "-c", HALTER, str(db)], stdout=subprocess.PIPE,
                             text=True)
        procs.append(p)
        assert p.stdout.readline().strip() == "offen"
        return p.pid

    yield halten
    for p in procs:
        p.kill()
        p.wait()


def test_field_case_16_import_while_another_program_writes(echt_db, fremder_schreiber):
    pid = fremder_schreiber(echt_db)
    vorher = echt_db.read_bytes()
    r = run("import", "--db", str(echt_db),
            str(FAELLE / "16-duckdb-sperre-fremder-schreiber" / "betriebe_nachtrag.csv"))
    assert r.returncode == 1
    assert (f"Die Datenbank ist gerade von einem anderen Programm (PID {pid}) geöffnet – "
            "bitte dort schließen und erneut versuchen") in r.stderr
    assert "Traceback" not in r.stderr and "IO Error" not in r.stderr
    assert echt_db.read_bytes() == vorher
    assert not [p for p in echt_db.parent.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("befehl", [["check"], ["build"], ["publish", "--out", "PUB"]])
def test_check_build_publish_while_another_program_writes(echt_db, tmp_path, befehl,
                                                          fremder_schreiber):
    pid = fremder_schreiber(echt_db)
    vorher = echt_db.read_bytes()
    args = [str(tmp_path / "pub") if a == "PUB" else a for a in befehl]
    r = run(*args, "--db", str(echt_db))
    assert r.returncode == 1, r.stdout
    assert r.stderr.strip().startswith(
        f"Die Datenbank ist gerade von einem anderen Programm (PID {pid}) geöffnet – bitte "
        "dort schließen und erneut versuchen.")
    assert "Traceback" not in r.stderr
    assert echt_db.read_bytes() == vorher
    assert not (tmp_path / "pub").exists()


def test_a_read_only_open_names_the_lock(echt_db, fremder_schreiber):
    pid = fremder_schreiber(echt_db)
    with pytest.raises(store.DatenbankGesperrt) as e:
        store.connect_readonly(echt_db)
    assert e.value.pid == pid
    assert "Conflicting" not in str(e.value)


def test_a_page_shows_the_lock_message_instead_of_a_traceback(demo_env, fremder_schreiber):
    from streamlit.testing.v1 import AppTest

    pid = fremder_schreiber(demo_env)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert any(f"anderen Programm (PID {pid}) geöffnet – bitte dort schließen" in e.value
               for e in at.error)


# --- Leftovers of a killed import --------------------------------------------------------------

def _reste_anlegen(db: Path) -> list[Path]:
    """What `kill -9` during an import leaves: the full-size copy, its WAL, DuckDB's spill
    folder, and a half-written backup."""
    tmp = db.with_name(f".{db.name}.4242.0123abcd.tmp")
    shutil.copyfile(db, tmp)
    wal = Path(str(tmp) + ".wal")
    wal.write_bytes(b"\0" * 4096)
    spill = Path(str(tmp) + ".tmp")
    spill.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"\0" * 1024)
    (db.parent / "backup").mkdir(exist_ok=True)
    halb = db.parent / "backup" / f".{db.stem}-20260101-000000-000000{db.suffix}.tmp"
    halb.write_bytes(b"\0" * 100)
    return [tmp, wal, spill, halb]


def test_leftovers_of_a_killed_import_are_removed_by_the_next_import(echt_db):
    reste = _reste_anlegen(echt_db)
    erg = importer.importiere([Eingabe.aus_pfad(store.DEMO_DIR / "ziele.csv")], echt_db,
                              wer="test")
    assert erg.ok
    assert [p for p in reste if p.exists()] == []
    assert sorted(p.name for p in echt_db.parent.iterdir() if p.name.startswith(".")) == []


def test_leftovers_are_removed_at_the_next_start(echt_db):
    reste = _reste_anlegen(echt_db)
    store.ensure_database(echt_db)
    assert [p for p in reste if p.exists()] == []


def test_leftovers_of_a_running_writer_are_kept(echt_db):
    """While another writer holds the writers' lock, its copy is not stale."""
    import fcntl

    reste = _reste_anlegen(echt_db)
    with open(echt_db.with_name(echt_db.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        code = ("import sys; from biwaq.speicher import store; "
                "print(len(store.aufraeumen(sys.argv[1])))")
        r = subprocess.run([sys.executable, "-c", code, str(echt_db)], cwd=ROOT, text=True,
                           capture_output=True, timeout=60)
    assert r.stdout.strip() == "0", r.stderr
    assert all(p.exists() for p in reste)
    assert store.aufraeumen(echt_db) and not any(p.exists() for p in reste)


def test_no_temporary_files_after_a_normal_import(echt_db):
    vorher = set(os.listdir(echt_db.parent))
    importer.importiere([Eingabe.aus_pfad(store.DEMO_DIR / "ziele.csv")], echt_db, wer="t")
    neu = set(os.listdir(echt_db.parent)) - vorher
    assert neu <= {"backup"}


# --- Dry run (Probelauf) -------------------------------------------------------------------------

def _tn_zeilen() -> list[str]:
    return (store.DEMO_DIR / "teilnehmende.csv").read_text(encoding="utf-8-sig").splitlines()


def _lieferung(tmp_path: Path) -> tuple[Path, str]:
    """Row 1 of the demo participants with sex m → w and exit 16.10.2016 → 31.10.2016, one new
    participant, one unchanged row. Hand-worked: 1 new, 1 changed (2 fields), 1 unchanged."""
    t = _tn_zeilen()
    kopf = t[0].split(";")
    geaendert = t[1].split(";")
    assert geaendert[0] == "TN-000001" and geaendert[kopf.index("geschlecht")] == "m"
    assert geaendert[kopf.index("austritt")] == "16.10.2016"
    geaendert[kopf.index("geschlecht")] = "w"
    geaendert[kopf.index("austritt")] = "31.10.2016"
    neu = t[2].split(";")
    neu[0] = "TN-999999"
    p = tmp_path / "teilnehmende_nachtrag.csv"
    p.write_text("\n".join([t[0], ";".join(geaendert), ";".join(neu), t[3]]) + "\n",
                 encoding="utf-8")
    return p, t[3].split(";")[0]


@pytest.fixture
def alles_echt(demo_db, tmp_path) -> Path:
    """Every demo file imported as real data."""
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, db)
    dateien = [p for p in sorted(store.DEMO_DIR.iterdir()) if p.suffix in (".csv", ".geojson")]
    erg = importer.importiere([Eingabe.aus_pfad(p) for p in dateien], db, demo_entfernen=True,
                              wer="test")
    assert erg.ok
    return db


def test_dry_run_shows_new_changed_unchanged_and_each_changed_field(alles_echt, tmp_path):
    datei, _ = _lieferung(tmp_path)
    vorher, mtime = alles_echt.read_bytes(), alles_echt.stat().st_mtime_ns
    p = importer.probelauf([Eingabe.aus_pfad(datei)], alles_echt)
    assert p.ok and p.fehler == []
    assert p.je_tabelle().values.tolist() == [["Teilnehmende", 1, 1, 1]]
    assert p.aenderungen == [
        importer.Aenderung("teilnehmende", "TN-000001", "geschlecht", "m", "w"),
        importer.Aenderung("teilnehmende", "TN-000001", "austritt", "16.10.2016",
                           "31.10.2016")]
    assert alles_echt.read_bytes() == vorher and alles_echt.stat().st_mtime_ns == mtime
    # Einspielen stores exactly that batch, with the counts the dry run showed
    erg = importer.importiere([Eingabe.aus_pfad(datei)], alles_echt, wer="test",
                              stand=p.stand)
    assert erg.ok and (erg.eingefuegt, erg.aktualisiert) == (1, 1)
    con = duckdb.connect(str(alles_echt), read_only=True)
    try:
        assert con.execute("select geschlecht, strftime(austritt, '%d.%m.%Y') from "
                           "teilnehmende where tn_id = 'TN-000001'").fetchone() == (
            "w", "31.10.2016")
    finally:
        con.close()


def test_einspielen_after_the_database_changed_stores_nothing(alles_echt, tmp_path):
    datei, _ = _lieferung(tmp_path)
    p = importer.probelauf([Eingabe.aus_pfad(datei)], alles_echt)
    zwischen = importer.importiere([Eingabe.aus_pfad(store.DEMO_DIR / "ziele.csv")],
                                   alles_echt, wer="andere")     # another import meanwhile
    assert zwischen.ok
    vorher = inhalt(alles_echt)
    erg = importer.importiere([Eingabe.aus_pfad(datei)], alles_echt, wer="test", stand=p.stand)
    assert not erg.ok
    assert [f.erwartet for f in erg.fehler] == [importer.GEAENDERT_SEIT_PROBELAUF]
    assert inhalt(alles_echt) == vorher


def test_dry_run_of_new_outlines_names_the_area_change(alles_echt, tmp_path):
    import json

    gj = json.loads((store.DEMO_DIR / "stadtteile.geojson").read_text(encoding="utf-8"))
    feat = next(f for f in gj["features"] if f["properties"]["stadtteil"] == "Herrenberg")
    ring = feat["geometry"]["coordinates"][0] if feat["geometry"]["type"] == "Polygon" \
        else feat["geometry"]["coordinates"][0][0]
    cx = sum(x for x, _ in ring[:-1]) / (len(ring) - 1)
    cy = sum(y for _, y in ring[:-1]) / (len(ring) - 1)
    for pt in ring:          # twice the size in each direction: four times the area
        pt[0], pt[1] = cx + 2 * (pt[0] - cx), cy + 2 * (pt[1] - cy)
    gj["features"] = [f for f in gj["features"] if f["properties"]["stadtteil"] != "Melchendorf"]
    p = tmp_path / "stadtteile.geojson"
    p.write_text(json.dumps(gj), encoding="utf-8")
    con = duckdb.connect(str(alles_echt), read_only=True)
    alt = dict(con.execute("select stadtteil, flaeche_ha_utm from stadtteil_geo").fetchall())
    con.close()
    pr = importer.probelauf([Eingabe.aus_pfad(p)], alles_echt)
    assert pr.ok, pr.fehler
    assert pr.je_tabelle().values.tolist() == [["Stadtteilgrenzen", 0, 1, 4]]
    [herrenberg, melchendorf] = pr.aenderungen
    assert (herrenberg.schluessel, herrenberg.feld) == ("Herrenberg", "Umriss")
    assert herrenberg.bisher == f"{alt['Herrenberg']:.1f} ha".replace(".", ",")
    neu_ha = float(herrenberg.neu.removesuffix(" ha").replace(",", "."))
    assert neu_ha == pytest.approx(4 * alt["Herrenberg"], rel=0.01)
    assert (melchendorf.schluessel, melchendorf.neu) == ("Melchendorf",
                                                          "(entfällt – nicht in der Datei)")


def test_cli_dry_run_prints_the_changes_and_leaves_the_file_alone(alles_echt, tmp_path):
    datei, _ = _lieferung(tmp_path)
    vorher, mtime = alles_echt.read_bytes(), alles_echt.stat().st_mtime_ns
    dateien_vorher = sorted(os.listdir(alles_echt.parent))
    r = run("import", "--probelauf", "--db", str(alles_echt), str(datei))
    assert r.returncode == 0, r.stderr
    assert "Probelauf – es wurde nichts geändert" in r.stdout
    assert "Teilnehmende TN-000001: geschlecht: m → w" in r.stdout
    assert "Teilnehmende TN-000001: austritt: 16.10.2016 → 31.10.2016" in r.stdout
    assert "Zusammen: 1 neu, 1 geändert" in r.stdout
    assert alles_echt.read_bytes() == vorher and alles_echt.stat().st_mtime_ns == mtime
    assert sorted(os.listdir(alles_echt.parent)) == dateien_vorher
    # a refused dry run changes nothing either (not even the import log)
    kaputt = tmp_path / "teilnehmende_kaputt.csv"
    kaputt.write_text(_tn_zeilen()[0] + "\nTN-1;Nirgendwo" + ";" * 15 + "\n", encoding="utf-8")
    r = run("import", "--probelauf", "--db", str(alles_echt), str(kaputt))
    assert r.returncode == 1 and "Probelauf: der Import würde abgelehnt" in r.stderr
    assert alles_echt.read_bytes() == vorher and alles_echt.stat().st_mtime_ns == mtime


# --- Notes in the import log -----------------------------------------------------------------------

def test_the_import_log_keeps_every_error_and_note(echt_db):
    erg = importer.importiere([Eingabe.aus_pfad(FALL14 / "KIK" / "teilnehmende.csv"),
                               Eingabe.aus_pfad(FALL14 / "Euratibor" / "teilnehmende.csv")],
                              echt_db, wer="test")
    con = duckdb.connect(str(echt_db), read_only=True)
    try:
        gespeichert = con.execute(
            "select art, datei, zeile, spalte, wert, meldung from importprotokoll_meldung "
            "where import_nr = $n order by nr", {"n": erg.import_nr}).fetchall()
        zahl = con.execute("select fehler + warnungen from importprotokoll where import_nr = $n",
                           {"n": erg.import_nr}).fetchone()[0]
    finally:
        con.close()
    assert gespeichert == [
        ("Fehler", "Euratibor/teilnehmende.csv", 2, "tn_id", "TN-907801",
         "Schlüssel doppelt (schon in KIK/teilnehmende.csv, Zeile 2)"),
        *[("Hinweis", w.datei, w.zeile, w.spalte, w.wert, w.erwartet) for w in erg.warnungen]]
    assert zahl == len(gespeichert)


def test_an_older_database_gets_the_notes_table_on_migration(echt_db):
    con = duckdb.connect(str(echt_db))
    con.execute("drop table importprotokoll_meldung")
    con.execute("update _meta set wert = 'alt' where schluessel = 'schema_version'")
    con.close()
    store.ensure_database(echt_db)
    con = duckdb.connect(str(echt_db), read_only=True)
    try:
        assert con.execute("select count(*) from importprotokoll_meldung").fetchone() == (0,)
        assert con.execute("select count(*) from importprotokoll").fetchone()[0] >= 1
    finally:
        con.close()


def test_daten_page_shows_the_notes_of_a_logged_import(demo_env):
    from streamlit.testing.v1 import AppTest

    erg = importer.importiere([Eingabe.aus_pfad(FALL14 / "KIK" / "teilnehmende.csv"),
                               Eingabe.aus_pfad(FALL14 / "Euratibor" / "teilnehmende.csv")],
                              demo_env, demo_entfernen=True, wer="test")
    assert not erg.ok
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    at.switch_page("pages/daten/daten.py").run()
    assert not at.exception
    assert at.selectbox(key="daten_protokoll_nr").value == erg.import_nr
    meld = next(d.value for d in at.dataframe if "Meldung" in d.value.columns)
    assert meld.iloc[0].tolist() == ["Fehler", "Euratibor/teilnehmende.csv", "2", "tn_id",
                                     "TN-907801",
                                     "Schlüssel doppelt (schon in KIK/teilnehmende.csv, Zeile 2)"]


def test_daten_page_dry_run_then_einspielen(demo_env, tmp_path):
    from streamlit.testing.v1 import AppTest

    datei, _ = _lieferung(tmp_path)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    at.switch_page("pages/daten/daten.py").run()
    at.file_uploader(key="daten_upload").set_value(
        [("teilnehmende_nachtrag.csv", datei.read_bytes(), "text/csv")])
    at.checkbox(key="daten_demo_entfernen").check()
    at.button(key="daten_import").click().run()
    assert not at.exception
    info = next(i.value for i in at.info if "Probelauf" in i.value)
    assert "3 Datensätze neu anlegen und 0 ändern; vorher würden alle Demodaten entfernt" in info
    con = duckdb.connect(str(demo_env), read_only=True)
    assert con.execute("select count(*) from teilnehmende").fetchone() == (880,)
    con.close()
    at.button(key="daten_einspielen").click().run()
    assert not at.exception
    assert at.success[-1].value.startswith("Import Nr. 1 gespeichert: 3 Datensätze neu")
    # a second dry run of the same file: nothing new, nothing changed, and a Verwerfen button
    at.button(key="daten_import").click().run()
    assert next(d.value for d in at.dataframe if "Unverändert" in d.value.columns
                ).values.tolist() == [["Teilnehmende", 0, 0, 3]]
    at.button(key="daten_verwerfen").click().run()
    assert not any("Probelauf" in i.value for i in at.info)


KILL_SKRIPT = """
import sys, time
from biwaq.speicher import store
with store.replace_atomically(sys.argv[1]) as con:
    con.execute("create table gross as select range as i, repeat('x', 200) as t "
                "from range(200000)")
    print("mitten im Import", flush=True)
    time.sleep(120)
"""


def test_a_really_killed_import_leaves_nothing_after_the_next_import(echt_db):
    """kill -9 while a writer holds its copy open: the copy and its WAL stay on disk; the next
    import removes them and the database keeps its content."""
    vorher = inhalt(echt_db)
    p = subprocess.Popen([sys.executable, "-c", KILL_SKRIPT, str(echt_db)], cwd=ROOT,
                         stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "mitten im Import"
    finally:
        p.kill()
        p.wait()
    reste = [x for x in echt_db.parent.iterdir() if x.name.startswith(f".{echt_db.name}.")]
    assert {x.suffix for x in reste} >= {".tmp", ".wal"}, reste      # the copy and its WAL
    assert sum(x.stat().st_size for x in reste if x.is_file()) >= echt_db.stat().st_size
    assert inhalt(echt_db) == vorher
    erg = importer.importiere([Eingabe.aus_pfad(store.DEMO_DIR / "ziele.csv")], echt_db,
                              wer="test")
    assert erg.ok
    assert [x for x in echt_db.parent.iterdir() if x.name.startswith(".")] == []


def test_while_an_import_replaces_the_file_no_other_program_can_open_it_for_writing(echt_db):
    """Otherwise the other program's changes would go to the replaced file and be lost."""
    code = ("import sys, duckdb\ntry:\n    duckdb.connect(sys.argv[1])\n    print('offen')\n"
            "except duckdb.IOException as e:\n    print('gesperrt' if 'lock' in str(e) else e)")
    with store.replace_atomically(echt_db) as con:
        con.execute("select 1")
        r = subprocess.run([sys.executable, "-c", code, str(echt_db)], text=True,
                           capture_output=True, timeout=60)
    assert r.stdout.strip() == "gesperrt", r.stderr
    r = subprocess.run([sys.executable, "-c", code, str(echt_db)], text=True,
                       capture_output=True, timeout=60)
    assert r.stdout.strip() == "offen"


def test_field_case_16_the_other_programs_changes_survive(echt_db, tmp_path):
    """The other program writes after our refused import and closes: its table is there and
    ours did not overwrite anything."""
    schreiber = ("import sys, time, duckdb\ncon = duckdb.connect(sys.argv[1])\nprint('offen', "
                 "flush=True)\nsys.stdin.readline()\ncon.execute(\"create table notiz as select "
                 "'Auswertung Kollegin' as text\")\ncon.close()\n")
    p = subprocess.Popen([sys.executable, "-c", schreiber, str(echt_db)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "offen"
        erg = importer.importiere([Eingabe.aus_pfad(
            FAELLE / "16-duckdb-sperre-fremder-schreiber" / "betriebe_nachtrag.csv")], echt_db,
            wer="test")
        assert not erg.ok and "anderen Programm (PID" in erg.fehler[0].erwartet
        p.stdin.write("weiter\n")
        p.stdin.flush()
        assert p.wait(60) == 0
    finally:
        p.kill()
    con = duckdb.connect(str(echt_db), read_only=True)
    try:
        assert con.execute("select text from notiz").fetchall() == [("Auswertung Kollegin",)]
    finally:
        con.close()


def test_daten_page_two_uploads_with_the_same_name(demo_env):
    from streamlit.testing.v1 import AppTest

    kik = (FALL14 / "KIK" / "teilnehmende.csv").read_bytes()
    eur = (FALL14 / "Euratibor" / "teilnehmende.csv").read_bytes()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    at.switch_page("pages/daten/daten.py").run()
    at.file_uploader(key="daten_upload").set_value(
        [("teilnehmende.csv", kik, "text/csv"), ("teilnehmende.csv", eur, "text/csv")])
    at.checkbox(key="daten_demo_entfernen").check()
    at.button(key="daten_import").click().run()
    assert not at.exception
    assert "Import abgelehnt" in at.error[0].value and "1 Fehler" in at.error[0].value
    fehler = next(d.value for d in at.dataframe if "Erwartet" in d.value.columns)
    assert fehler.values.tolist() == [[
        "teilnehmende.csv (2. Datei)", "2", "tn_id", "TN-907801",
        "Schlüssel doppelt (schon in teilnehmende.csv (1. Datei), Zeile 2)"]]
    con = duckdb.connect(str(demo_env), read_only=True)
    try:
        assert con.execute("select count(*) from teilnehmende").fetchone() == (880,)
        assert con.execute("select datei from importprotokoll_datei order by nr").fetchall() == [
            ("teilnehmende.csv (1. Datei)",), ("teilnehmende.csv (2. Datei)",)]
    finally:
        con.close()


def test_dry_run_into_demo_database_needs_no_confirmation_but_import_does(tmp_path):
    """A user may look before agreeing to delete anything: the dry run of a real batch into a
    demo database is no error, counts as if the demo were gone (1 new business), and says the
    deletion needs the confirmation; the import itself still refuses without it."""
    db = store.build(tmp_path / "biwaq.duckdb", store.DEMO_DIR)
    kopf, erste = (store.DEMO_DIR / "betriebe.csv").read_text(
        encoding="utf-8-sig").splitlines()[:2]
    eingabe = [importer.Eingabe("betriebe_echt.csv", (kopf + "\n" + erste + "\n").encode())]
    vorher = db.read_bytes()
    p = importer.probelauf(eingabe, db)
    assert p.ok and p.bestaetigung_fehlt and not p.demo_entfernen
    assert (p.eingefuegt, p.aktualisiert) == (1, 0)
    assert [w.erwartet for w in p.warnungen if w.datei == importer.DATENBANK] == [
        importer.DEMO_HINWEIS]
    assert db.read_bytes() == vorher
    erg = importer.importiere(eingabe, db, stand=p.stand)
    assert not erg.ok and [f.erwartet for f in erg.fehler] == [importer.DEMO_FEHLER]
    p2 = importer.probelauf(eingabe, db, demo_entfernen=True)
    assert p2.ok and p2.demo_entfernen and not p2.bestaetigung_fehlt
