"""Issue 14: reading a CSV file does not keep its bytes while the cells are converted (at
scale 1000 the 467 MB of aktivitaeten.csv were held through the whole reading)."""
from __future__ import annotations

import sys
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
        referenzen.append(sys.getrefcount(gelesen["daten"]))
        return echt_rahmen(*args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(fileio, "_rahmen", rahmen)
    (g,) = fileio.lies_datei(pfad.name, path=pfad)
    assert referenzen == [2]
    assert g.frame is not None and list(g.frame["tn_id"]) == (
        ["P1", "P2", "P3"] if art == "gemischt" else ["P1", "P2"])
    assert list(g.frame["art"])[-1] == ("Erstgespräch" if art == "gemischt" else "Coaching")
