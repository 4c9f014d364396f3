"""Benchmark: reading contract files cell by cell (biwaq.einlesen.fileio / biwaq.einlesen.werte): every CSV of the
demo export at a scale, and the participants as an .xlsx (read twice by openpyxl: cached
results and formulas). Prints per file the median wall seconds, the median CPU seconds of
the process (all threads: Arrow's CSV reader uses both cores) and the machine's load (1-min
mean; the machine is shared, at load 4-8 wall times are up to twice too high).

Run: `python benchmarks/bench_werte.py [--scale 20] [--runs 3]`.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from bench_import import median  # noqa: E402 – same timing as the import benchmark

from biwaq.einlesen.demo import write_demo  # noqa: E402
from biwaq.einlesen.fileio import lies_datei  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = [p for p in write_demo(tmp / "export", scale=args.scale) if p.suffix == ".csv"]
        tn = next(p for p in files if p.name == "teilnehmende.csv")
        xlsx = tmp / "teilnehmende.xlsx"
        pd.read_csv(tn, sep=";", dtype=str, keep_default_na=False).to_excel(
            xlsx, index=False, sheet_name="teilnehmende")
        print(f"{'Datei':<22} {'Zeilen':>9} {'Sekunden':>9} {'CPU-s':>7} {'Last':>5}")
        for p in [*files, xlsx]:
            zeilen = lies_datei(p.name, path=p)[0].zeilen
            s = median(lambda p=p: lies_datei(p.name, path=p), args.runs)
            cpu = []
            for _ in range(args.runs):
                t0 = time.process_time()
                lies_datei(p.name, path=p)
                cpu.append(time.process_time() - t0)
            print(f"{p.name:<22} {zeilen:>9,} {s:>9.2f} {statistics.median(cpu):>7.2f} "
                  f"{os.getloadavg()[0]:>5.1f}".replace(",", "."))


if __name__ == "__main__":
    main()
