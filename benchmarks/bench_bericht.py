"""Benchmark: the committee report (PDF + XLSX) at demo scale 1 and 10.

Run `python benchmarks/bench_bericht.py [--scales 1 10] [--runs 3]`. Prints per scale the time
of a fresh `python -m biwaq bericht` process (imports included, as on a fresh install) and the
median in-process time of bericht.erstelle, split into computing the figures and the PDF, with
page count and file sizes.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from biwaq.app import bericht, bericht_pdf
from biwaq.speicher import store  # noqa: E402
from biwaq.einlesen.demo import write_demo  # noqa: E402
from biwaq.speicher.filters import Filter  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from pypdf import PdfReader

    for scale in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            write_demo(tmp / "demo", scale=scale)
            db = store.build(tmp / "biwaq.duckdb", tmp / "demo")
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "biwaq", "bericht", "--von", "01.10.2015",
                            "--bis", "31.12.2018", "--out", str(tmp / "cli"), "--db", str(db)],
                           cwd=ROOT, check=True, capture_output=True)
            cli = time.perf_counter() - t0
            daten, pdf = [], []
            for _ in range(args.runs):
                con = store.connect_readonly(db)
                t0 = time.perf_counter()
                d = bericht.daten(con, Filter())
                t1 = time.perf_counter()
                b = bericht_pdf.pdf(d)
                t2 = time.perf_counter()
                con.close()
                daten.append(t1 - t0)
                pdf.append(t2 - t1)
            x = bericht.xlsx(d)
            seiten = len(PdfReader(__import__("io").BytesIO(b)).pages)
            print(f"Faktor {scale}: neuer Prozess (CLI, mit Importen) {cli:.1f} s · "
                  f"Zahlen {statistics.median(daten):.2f} s · PDF {statistics.median(pdf):.2f} s"
                  f" · {seiten} Seiten, PDF {len(b) / 1024:.0f} KB, XLSX {len(x) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
