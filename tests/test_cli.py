"""Command line: demo and build as a user runs them."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import duckdb

from conftest import ROOT


def run(*args, **kw):
    return subprocess.run([sys.executable, "-m", "biwaq", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=300, **kw)


def test_demo_then_build_gives_a_demo_database(tmp_path):
    out, db = tmp_path / "demo", tmp_path / "x.duckdb"
    r = run("demo", "--seed", "7", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert (out / "teilnehmende.csv").exists() and (out / "stadtteile.geojson").exists()
    r = run("build", "--db", str(db), "--from", str(out))
    assert r.returncode == 0, r.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        n = con.execute("select count(*) from teilnehmende").fetchone()[0]
        quelle = con.execute("select wert from _meta where schluessel = 'datenquelle'").fetchone()
    finally:
        con.close()
    lines = (out / "teilnehmende.csv").read_text(encoding="utf-8-sig").splitlines()
    assert n == len(lines) - 1
    assert quelle == ("demo",)


def test_build_with_errors_exits_nonzero_names_the_problem_and_keeps_the_db(tmp_path, demo_db):
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(demo_db, db)
    before = db.read_bytes()
    src = tmp_path / "export"
    shutil.copytree(ROOT / "data" / "demo", src)
    (src / "ziele.csv").unlink()
    text = (src / "vermittlungen.csv").read_text(encoding="utf-8-sig").splitlines()
    cells = text[2].split(";")
    cells[1] = "31.02.2017"                     # beginn of Excel row 3: no such day
    text[2] = ";".join(cells)
    (src / "vermittlungen.csv").write_text("\n".join(text) + "\n", encoding="utf-8-sig")
    r = run("build", "--db", str(db), "--from", str(src))
    assert r.returncode == 1
    assert "vermittlungen.csv, Zeile 3, Spalte „beginn“: Wert „31.02.2017“" in r.stderr
    assert "Tabellen fehlen im Verzeichnis: ziele" in r.stderr
    assert "unverändert" in r.stderr
    assert db.read_bytes() == before


def test_help_lists_the_commands():
    r = run("--help")
    assert r.returncode == 0
    assert "demo" in r.stdout and "build" in r.stdout


def test_command_line_has_its_own_file_limit_that_a_user_can_raise(tmp_path):
    """Issue 14: the 50 MB limit is the web upload's; `build`/`import` read from disk with
    --max-mb / BIWAQ_MAX_MB (default 2048 MB)."""
    out, db = tmp_path / "demo", tmp_path / "x.duckdb"
    assert run("demo", "--scale", "3", "--out", str(out)).returncode == 0
    groesse = (out / "aktivitaeten.csv").stat().st_size
    assert 1024 * 1024 < groesse < 2 * 1024 * 1024          # between 1 and 2 MB at scale 3
    r = run("build", "--db", str(db), "--from", str(out), "--max-mb", "1")
    assert r.returncode == 1 and not db.exists()
    assert ("aktivitaeten.csv: Datei ist " in r.stderr
            and "erlaubt sind auf der Kommandozeile höchstens 1 MB je Datei – Grenze mit "
                "--max-mb oder BIWAQ_MAX_MB erhöhen oder die Datei teilen" in r.stderr)
    r = run("build", "--db", str(db), "--from", str(out),
            env={**os.environ, "BIWAQ_MAX_MB": "2"})
    assert r.returncode == 0, r.stderr
    r = run("import", "--db", str(db), "--max-mb", "1", str(out / "aktivitaeten.csv"))
    assert r.returncode == 1 and "höchstens 1 MB je Datei" in r.stderr
    r = run("build", "--db", str(db), "--from", str(out), "--max-mb", "null")
    assert r.returncode == 2 and "keine ganze Zahl ab 1" in r.stderr


def test_upload_limit_stays_50_mb_inside_the_command_line_limit():
    from biwaq.einlesen import fileio

    mb = 1024 * 1024
    with fileio.kommandozeilen_grenze(2048):
        assert fileio.groesse_fehler(60 * mb, hochgeladen=False) is None
        assert "höchstens 50 MB" in fileio.groesse_fehler(60 * mb, hochgeladen=True)
        assert "Kommandozeile höchstens 2048 MB" in fileio.groesse_fehler(2049 * mb, False)
    assert "höchstens 50 MB" in fileio.groesse_fehler(60 * mb, hochgeladen=False)
    assert fileio.kommandozeilen_mb() == 2048 or "BIWAQ_MAX_MB" in os.environ
    assert fileio.kommandozeilen_mb("300") == 300
