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

from biwaq import importer, store
from biwaq.importer import Eingabe
from conftest import ROOT

FAELLE = Path("/work/shared/field-cases")
FALL14 = FAELLE / "14-gleicher-dateiname-zwei-traeger"
KOPF = ("tn_id;quartier;traeger;geschlecht;geburtsjahr;alleinerziehend;migrationshintergrund;"
        "schutzsuchend;langzeitarbeitslos;zugangsweg;erstkontakt;eintritt\n")


def run(*args):
    return subprocess.run([sys.executable, "-m", "biwaq", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=300)


def inhalt(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(con.execute("select * from " + t).fetchall(), key=repr)
                for t in ("teilnehmende", "betriebe", "leerstaende", "stadtteil_geo")}
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
        code = ("import sys; from biwaq import store; "
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
