"""Issue 14: reading a CSV file does not keep its bytes while the cells are converted (at
scale 1000 the 467 MB of aktivitaeten.csv were held through the whole reading)."""
from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

import pytest

from biwaq.einlesen import fileio

DATEIEN = {
    # read by Arrow (plain UTF-8, no quotes)
    "arrow": "tn_id;datum;art\nP1;01.02.2016;Coaching\nP2;03.02.2016;Coaching\n".encode(),
    # quotes: read by pandas from the decoded text
    "pandas": 'tn_id;datum;art\n"P1";01.02.2016;Coaching\nP2;03.02.2016;"Coaching"\n'.encode(),
    # UTF-8 and Windows-1252 lines: decoded line by line
    "gemischt": "tn_id;datum;art\nP1;01.02.2016;Coaching\n".encode()
                + "P2;03.02.2016;Erstgespräch\n".encode("cp1252")
                + "P3;04.02.2016;Erstgespräch\n".encode(),
}


@pytest.mark.parametrize("art", list(DATEIEN))
def test_the_bytes_are_released_before_the_cells_are_converted(art, tmp_path, monkeypatch):
    pfad = tmp_path / "aktivitaeten.csv"
    pfad.write_bytes(DATEIEN[art])
    gelesen: dict[str, bytes] = {}
    echt_lesen, echt_rahmen = Path.read_bytes, fileio._rahmen

    def read_bytes(self):
        gelesen["daten"] = echt_lesen(self)       # the test's own reference
        return gelesen["daten"]

    referenzen = []

    def rahmen(*args, **kwargs):
        # the test's reference and getrefcount's argument only: nobody else holds the bytes
        # (Arrow's reader threads let go of their view of the buffer a moment after parsing)
        for _ in range(200):
            gc.collect()
            if sys.getrefcount(gelesen["daten"]) == 2:
                break
            time.sleep(0.01)
        referenzen.append(sys.getrefcount(gelesen["daten"]))
        return echt_rahmen(*args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(fileio, "_rahmen", rahmen)
    (g,) = fileio.lies_datei(pfad.name, path=pfad)
    assert referenzen == [2]
    assert g.frame is not None and list(g.frame["tn_id"]) == (
        ["P1", "P2", "P3"] if art == "gemischt" else ["P1", "P2"])
    assert list(g.frame["art"])[-1] == ("Erstgespräch" if art == "gemischt" else "Coaching")


# --- The lock message on every system (issue 14, point 4) --------------------------------------

import duckdb  # noqa: E402

from biwaq.speicher import store  # noqa: E402


@pytest.mark.parametrize("text, pid, programm", [
    # Linux / macOS: DuckDB's POSIX lock conflict (with and without "by user")
    ('IO Error: Could not set lock on file "/srv/biwaq.duckdb": Conflicting lock is held in '
     '/usr/bin/python3.11 (PID 4711). See also https://duckdb.org/docs/stable/connect/'
     'concurrency', 4711, "python3.11"),
    ('IO Error: Could not set lock on file "/tmp/b.duckdb": Conflicting lock is held in '
     '/opt/homebrew/bin/duckdb (PID 44251) by user anna. See also https://duckdb.org/faq',
     44251, "duckdb"),
    # Windows, current DuckDB: the OS sentence (in the system's language) and the program
    ('IO Error: Cannot open file "C:\\Daten\\biwaq.duckdb": The process cannot access the file '
     'because it is being used by another process. File is already open in '
     'C:\\Programme\\DBeaver\\dbeaver.exe (PID 3528).', 3528, "dbeaver.exe"),
    ('IO Error: Cannot open file "E:\\biwaq.duckdb": Der Prozess kann nicht auf die Datei '
     'zugreifen, da sie von einem anderen Prozess verwendet wird. File is already open in '
     'D:\\Tools\\duckdb.exe (PID 77).', 77, "duckdb.exe"),
    # Windows, older DuckDB: no program named
    ('IO Error: Cannot open file "C:\\x\\biwaq.duckdb": The process cannot access the file '
     'because it is being used by another process.', None, None),
])
def test_the_lock_message_on_every_system(text, pid, programm):
    e = store.als_sperre(duckdb.IOException(text))
    assert e is not None and (e.pid, e.programm) == (pid, programm)
    meldung = str(e)
    assert meldung.startswith("Die Datenbank ist gerade von einem anderen Programm"
                              + (f" (PID {pid})" if pid else "") + " geöffnet – bitte dort "
                              "schließen und erneut versuchen.")
    assert meldung.endswith("Es wurde nichts geändert.")
    assert "Error" not in meldung and "lock" not in meldung
    if pid:       # where to look the number up, on each system
        assert all(w in meldung for w in ("Task-Manager", "Aktivitätsanzeige", f"ps -p {pid}"))


def test_other_errors_are_no_lock():
    assert store.als_sperre(duckdb.IOException('IO Error: Cannot open file "x": No such file '
                                               'or directory')) is None
    assert store.als_sperre(ValueError("Conflicting lock is held in x (PID 1)")) is None
