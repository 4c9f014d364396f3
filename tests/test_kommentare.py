"""Comments store (biwaq/app/kommentare.py, issue 11): concurrent writers, survival of imports,
rebuilds and migrations, ownership and history, plain text for markup and formulas."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import threading

import pytest

from biwaq.speicher import importer, store
from biwaq.app import kommentare
from biwaq.speicher.filters import Filter
from biwaq.speicher.importer import Eingabe
from conftest import ROOT

FORMEL = '=HYPERLINK("https://example.invalid/x";"Exposé") <script>alert(1)</script> **fett**'


@pytest.fixture
def ks(tmp_path) -> kommentare.KommentarStore:
    return kommentare.KommentarStore(tmp_path / "kommentare.sqlite")


def test_default_path_is_next_to_the_database_and_configurable(tmp_path, monkeypatch):
    monkeypatch.delenv(kommentare.ENV, raising=False)
    monkeypatch.setenv("BIWAQ_DB", str(tmp_path / "x" / "biwaq.duckdb"))
    assert kommentare.pfad() == tmp_path / "x" / "kommentare.sqlite"
    monkeypatch.setenv(kommentare.ENV, str(tmp_path / "y.sqlite"))
    assert kommentare.pfad() == tmp_path / "y.sqlite"


def test_comment_records_figure_filters_stand_author_and_time(ks):
    f = Filter(quartier="Süd-Ost", von=dt.date(2016, 1, 1), bis=dt.date(2017, 6, 30))
    kid = ks.hinzufuegen("uebersicht.vermittlungen", "Vermittlungen", f, "2018-12-31",
                         "Anna", "  Süd-Ost holt auf.  ")
    row = ks.liste().iloc[0]
    assert row["id"] == kid and row["kennzahl"] == "uebersicht.vermittlungen"
    assert row["text"] == "Süd-Ost holt auf."
    assert row["autor"] == "Anna" and row["datenstand"] == "2018-12-31"
    assert "Quartier: Süd-Ost" in row["filter_text"]
    assert dt.datetime.fromisoformat(row["erstellt"]) <= dt.datetime.now(dt.UTC).replace(
        tzinfo=None)
    # shown beside the figure only under the same filters: not for both areas
    assert len(ks.liste("uebersicht.vermittlungen", f)) == 1
    assert len(ks.liste("uebersicht.vermittlungen", Filter())) == 0
    assert len(ks.liste("uebersicht.eintritte", f)) == 0
    # without sign-in the author is „lokal“
    ks.hinzufuegen("x", "X", Filter(), None, None, "ohne Anmeldung")
    assert ks.liste("x").iloc[0]["autor"] == "lokal"


def test_only_the_author_edits_and_deletes_and_history_keeps_everything(ks):
    kid = ks.hinzufuegen("k", "K", Filter(), None, "Anna", "erste Fassung")
    with pytest.raises(kommentare.KommentarFehler, match="Nur die Verfasserin"):
        ks.aendern(kid, "Ben", "fremd")
    with pytest.raises(kommentare.KommentarFehler, match="Nur die Verfasserin"):
        ks.loeschen(kid, "Ben")
    ks.aendern(kid, "Anna", "zweite Fassung")
    assert ks.liste("k").iloc[0]["text"] == "zweite Fassung"
    ks.loeschen(kid, "Anna")
    assert ks.liste("k").empty
    assert len(ks.liste("k", mit_geloeschten=True)) == 1
    h = ks.historie(kid)
    assert list(h["aktion"]) == ["angelegt", "geändert", "gelöscht"]
    assert list(h["text"]) == ["erste Fassung", "zweite Fassung", "zweite Fassung"]
    with pytest.raises(kommentare.KommentarFehler):
        ks.aendern(kid, "Anna", "nach dem Löschen")


@pytest.mark.parametrize("text,meldung", [("   ", "leer"), ("x" * 1001, "1001 Zeichen")])
def test_empty_or_too_long_text_is_refused(ks, text, meldung):
    with pytest.raises(kommentare.KommentarFehler, match=meldung):
        ks.hinzufuegen("k", "K", Filter(), None, "Anna", text)
    assert ks.liste().empty


def test_two_users_in_threads_comment_at_the_same_time(ks):
    start = threading.Barrier(2)

    def schreibe(name):
        start.wait()
        for i in range(40):
            ks.hinzufuegen("k", "K", Filter(), None, name, f"{name} {i}")

    threads = [threading.Thread(target=schreibe, args=(n,)) for n in ("Anna", "Ben")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    df = ks.liste()
    assert len(df) == 80
    assert set(df["text"]) == {f"{n} {i}" for n in ("Anna", "Ben") for i in range(40)}
    assert len(ks.historie()) == 80


SCHREIBER = """
import sys
from biwaq.speicher.filters import Filter
from biwaq.app.kommentare import KommentarStore
ks = KommentarStore(sys.argv[1])
for i in range(30):
    ks.hinzufuegen("k", "K", Filter(), None, sys.argv[2], sys.argv[2] + " " + str(i))
"""


def test_two_processes_comment_at_the_same_time(tmp_path):
    path = tmp_path / "kommentare.sqlite"
    kommentare.KommentarStore(path)
    procs = [subprocess.Popen([sys.executable, "-c", SCHREIBER, str(path), n], cwd=ROOT)
             for n in ("Anna", "Ben")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    df = kommentare.KommentarStore(path).liste()
    assert len(df) == 60 and df["text"].is_unique


def test_backup_after_each_write_keeps_the_newest(ks):
    for i in range(kommentare.MAX_SICHERUNGEN + 3):
        ks.hinzufuegen("k", "K", Filter(), None, "Anna", f"t{i}")
    kopien = sorted((ks.path.parent / "kommentare_backup").glob("*.sqlite"))
    assert len(kopien) == kommentare.MAX_SICHERUNGEN
    neueste = kommentare.KommentarStore(kopien[-1], sicherung=False).liste()
    assert len(neueste) == kommentare.MAX_SICHERUNGEN + 3


def test_import_rebuild_and_migration_keep_every_comment(demo_db, tmp_path, monkeypatch):
    db = tmp_path / "daten" / "biwaq.duckdb"
    db.parent.mkdir()
    shutil.copy(demo_db, db)
    monkeypatch.setenv("BIWAQ_DB", str(db))
    monkeypatch.delenv(kommentare.ENV, raising=False)
    ks = kommentare.KommentarStore()
    assert ks.path == db.parent / "kommentare.sqlite"
    ids = [ks.hinzufuegen("uebersicht.eintritte", "Eintritte", Filter(), "2018-12-31",
                          "Anna", f"Kommentar {i}") for i in range(3)]
    vorher = ks.liste()

    # an import (replaces the database file), a rebuild from a folder, a migration
    erg = importer.importiere([Eingabe.aus_pfad(store.DEMO_DIR / "ziele.csv")], db,
                              demo_entfernen=True, wer="test")
    assert erg.ok and erg.demo_entfernt
    store.build(db, store.DEMO_DIR)
    store.migrate(db)
    nachher = kommentare.KommentarStore().liste()
    assert list(nachher["id"]) == list(vorher["id"]) and sorted(ids) == sorted(nachher["id"])
    assert list(nachher["text"]) == list(vorher["text"])


def test_markup_and_formulas_stay_plain_text(ks):
    kid = ks.hinzufuegen("k", "K", Filter(), None, "Anna", FORMEL)
    assert ks.liste().iloc[0]["text"] == FORMEL
    tab = kommentare.export_tabelle(ks.liste())
    assert tab.iloc[0]["Kommentar"] == FORMEL
    assert kid == 1


def test_public_code_never_reads_comments():
    # comments are internal: the publishing path and the public app do not import the store
    for datei in ("biwaq/oeffentlich/publish.py", "biwaq/oeffentlich/published.py", "biwaq/oeffentlich/public_view.py",
                  "biwaq/oeffentlich/public_ui.py", "biwaq/oeffentlich/handout.py", "oeffentlich.py"):
        assert "kommentare" not in (ROOT / datei).read_text(encoding="utf-8"), datei
