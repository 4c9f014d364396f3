"""No uploaded file can exhaust the server (issue 13.11): a 5 KB workbook declaring the sheet
size A1:XFD1048576 is read within a hard memory limit, and one that really reaches that far is
refused with a German message. Each read runs in a subprocess under RLIMIT_AS."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "bad_files"
GRENZE = 1536 * 1024 * 1024          # 1.5 GB address space for the whole Python process

SKRIPT = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({grenze}, {grenze}))
from biwaq.einlesen.fileio import lies_datei
gelesen = lies_datei(sys.argv[1], open(sys.argv[2], "rb").read())
print(json.dumps([[g.zeilen, [str(f) for f in g.fehler]] for g in gelesen]))
"""


def lies_begrenzt(name: str, pfad: Path) -> list:
    env = {"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", SKRIPT.format(grenze=GRENZE), name, str(pfad)],
                       capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)


def test_a_small_workbook_reaching_the_last_cell_is_refused_within_the_memory_limit():
    datei = CORPUS / "stadtteile_riesig.xlsx"
    assert datei.stat().st_size < 6000
    [[zeilen, fehler]] = lies_begrenzt(datei.name, datei)
    assert zeilen == 0
    assert fehler == ["stadtteile_riesig.xlsx: Tabellenblatt hat mehr als 200.000 Zeilen – bitte "
                      "in mehrere Dateien teilen (z. B. nach Jahr oder Träger)"]


def test_a_cell_in_the_last_column_is_refused_within_the_memory_limit():
    datei = CORPUS / "stadtteile_breit.xlsx"
    [[zeilen, fehler]] = lies_begrenzt(datei.name, datei)
    assert fehler == ["stadtteile_breit.xlsx: Zeile 2 hat Werte in mehr als 200 Spalten (bis "
                      "Spalte XFD) – erwartet eine Tabelle des Datenvertrags"]


@pytest.fixture
def nur_deklariert(tmp_path) -> Path:
    """Two real rows, declared size A1:XFD1048576 (what made the old reader take 6 GB)."""
    import re
    import zipfile

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "stadtteile"
    ws.append(["stadtteil", "quartier", "jahr", "einwohner"])
    ws.append(["Herrenberg", "Süd-Ost", 2016, 6480])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    pfad = tmp_path / "stadtteile.xlsx"
    with zipfile.ZipFile(pfad, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            inhalt = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                inhalt = re.sub(rb'<dimension ref="[^"]*"\s*/>',
                                b'<dimension ref="A1:XFD1048576"/>', inhalt)
            z.writestr(info, inhalt)
    return pfad


def test_a_declared_size_alone_does_not_cost_memory(nur_deklariert):
    assert nur_deklariert.stat().st_size < 6000
    assert lies_begrenzt(nur_deklariert.name, nur_deklariert) == [[1, []]]
