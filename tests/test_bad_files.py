"""Bad input: every file of tests/bad_files gives exactly its expected messages (German, with
file, Excel row, column and value), and a rejected batch changes no stored data."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from biwaq.speicher import importer, store
from biwaq.einlesen.contract import TABLES
from biwaq.speicher.importer import Eingabe

CORPUS = Path(__file__).resolve().parent / "bad_files"
EXPECTED = pd.read_csv(CORPUS / "erwartet.csv", sep=";", dtype=str, keep_default_na=False)
DATEN_TABELLEN = [*TABLES, "stadtteil_geo", "_meta"]


@pytest.fixture(scope="module")
def echt_db(tmp_path_factory) -> Path:
    """A database holding the demo files as if they were real data (imported, not built)."""
    db = tmp_path_factory.mktemp("echt") / "biwaq.duckdb"
    files = sorted(p for p in store.DEMO_DIR.iterdir() if p.suffix in (".csv", ".geojson"))
    erg = importer.importiere([Eingabe.aus_pfad(p) for p in files], db, wer="test")
    assert erg.ok, erg.fehler[:5]
    return db


def inhalt(db: Path) -> dict[str, list[tuple]]:
    """Every row of every data table, sorted (the content a failed import must not touch)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(con.execute("select * from " + (store.ident(t) if t in TABLES else t))
                          .fetchall(), key=repr)
                for t in DATEN_TABELLEN}
    finally:
        con.close()


def protokoll(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select import_nr, ergebnis, fehler from importprotokoll "
                           "order by import_nr").fetchall()
    finally:
        con.close()


def passt(f, row) -> bool:
    return (f.datei == row.datei and ("" if f.zeile is None else str(f.zeile)) == row.zeile
            and (f.spalte or "") == row.spalte and (f.wert or "") == row.wert
            and row.meldung in f.erwartet)


def test_every_corpus_file_has_expectations():
    files = {p.name for p in CORPUS.iterdir() if p.suffix not in (".py", ".md")} - {"erwartet.csv"}
    assert files == set(EXPECTED["datei"])


@pytest.mark.parametrize("datei", sorted(EXPECTED["datei"].unique()))
def test_bad_file_gives_exactly_its_messages_and_changes_nothing(echt_db, tmp_path, datei):
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(echt_db, db)
    vorher, log_vorher = inhalt(db), protokoll(db)
    erg = importer.importiere([Eingabe.aus_pfad(CORPUS / datei)], db, wer="test")
    erwartet = list(EXPECTED[EXPECTED["datei"] == datei].itertuples())
    assert not erg.ok
    assert len(erg.fehler) == len(erwartet), [str(f) for f in erg.fehler]
    for row in erwartet:
        assert any(passt(f, row) for f in erg.fehler), (row, [str(f) for f in erg.fehler])
    assert inhalt(db) == vorher
    # the attempt itself is logged, with the number of errors
    assert protokoll(db) == log_vorher + [(len(log_vorher) + 1, "abgelehnt", len(erwartet))]
    assert not (tmp_path / "backup").exists()      # no backup: nothing was replaced


def test_uploaded_bytes_give_the_same_messages_as_paths(echt_db, tmp_path):
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(echt_db, db)
    name = "teilnehmende_typen.csv"
    von_pfad = importer.importiere([Eingabe.aus_pfad(CORPUS / name)], db)
    hochgeladen = importer.importiere([Eingabe(name, (CORPUS / name).read_bytes())], db)
    assert [str(f) for f in hochgeladen.fehler] == [str(f) for f in von_pfad.fehler]
    assert len(hochgeladen.fehler) == 3


def test_a_batch_reports_all_errors_of_all_files_at_once_and_stores_none(echt_db, tmp_path):
    """A good file next to bad ones is not stored either (all or nothing)."""
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(echt_db, db)
    vorher = inhalt(db)
    gut = tmp_path / "betriebe_neu.csv"
    gut.write_text("betrieb_id;name;quartier;branche;gruendung;migrantenoekonomie;status\n"
                   "B-8001;Neuer Laden;Süd-Ost;Handel;01.01.2017;nein;aktiv\n",
                   encoding="utf-8")
    namen = ["teilnehmende_typen.csv", "aktivitaeten_unbekannt.csv", "ziele.xls"]
    erg = importer.importiere([Eingabe.aus_pfad(gut)] + [Eingabe.aus_pfad(CORPUS / n)
                                                       for n in namen], db)
    assert not erg.ok
    assert len(erg.fehler) == 3 + 2 + 1
    assert [f.datei for f in erg.fehler] == ["teilnehmende_typen.csv"] * 3 + [
        "aktivitaeten_unbekannt.csv"] * 2 + ["ziele.xls"]     # batch order, then Excel row
    assert inhalt(db) == vorher
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select count(*) from betriebe where betrieb_id = 'B-8001'"
                           ).fetchone()[0] == 0
        dateien = con.execute("select datei, sha256, tabelle from importprotokoll_datei "
                              "where import_nr = (select max(import_nr) from importprotokoll) "
                              "order by nr").fetchall()
    finally:
        con.close()
    assert dateien[0] == ("betriebe_neu.csv", hashlib.sha256(gut.read_bytes()).hexdigest(),
                          "betriebe")
    assert [d[0] for d in dateien] == ["betriebe_neu.csv", *namen]


def test_a_200_mb_file_is_refused_with_the_size_limit(echt_db, tmp_path):
    db = tmp_path / "biwaq.duckdb"
    shutil.copy(echt_db, db)
    riesig = tmp_path / "teilnehmende_riesig.csv"
    with open(riesig, "wb") as f:      # sparse: 200 MB long, hardly any disk space
        f.truncate(200 * 1024 * 1024)
    erg = importer.importiere([Eingabe.aus_pfad(riesig)], db)
    assert not erg.ok
    assert [str(f) for f in erg.fehler] == [
        "teilnehmende_riesig.csv: Datei ist 200,0 MB groß; erlaubt sind höchstens 50 MB je "
        "Datei – bitte in mehrere Dateien teilen (z. B. nach Jahr oder Träger)"]
    # the same limit applies to uploaded bytes (the page; Streamlit caps uploads at 50 MB too)
    gross = b"tn_id;quartier\n" + b"x" * (50 * 1024 * 1024)
    erg = importer.importiere([Eingabe("teilnehmende.csv", gross)], db)
    assert "erlaubt sind höchstens 50 MB" in erg.fehler[0].erwartet


def test_upload_limit_matches_streamlit_config():
    import tomllib

    from biwaq.einlesen.fileio import MAX_DATEI_MB

    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml")
                           .read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == MAX_DATEI_MB == 50
