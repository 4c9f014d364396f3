"""Benchmark (issue 14): the batch checks across files – keys repeated in two files of one
table, and references that must exist – set-based (biwaq.einlesen.validate) against the
row-by-row loops they replaced (kept verbatim in tests/test_validate_mengen.py).

The demo export of scale K is read with the importer's reader; teilnehmende and aktivitaeten
are each split into two files (halves; the second repeats the first 1,000 keys of the first),
and stored keys are given for betriebe. Prints the time of each check, old and new, whether
their messages are identical, and the machine's load (shared machine).

Run: `python benchmarks/bench_import_pruefungen.py [--skala 100] [--runs 3]`
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
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from biwaq.einlesen import validate  # noqa: E402
from biwaq.einlesen.demo import write_demo  # noqa: E402
from biwaq.einlesen.fileio import kommandozeilen_grenze, lies_datei  # noqa: E402
from test_validate_mengen import alt_batch_references, alt_duplicate_keys_across_files  # noqa: E402


def median(fn, runs: int) -> tuple[float, object]:
    zeiten, ergebnis = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        ergebnis = fn()
        zeiten.append(time.perf_counter() - t0)
    return statistics.median(zeiten), ergebnis


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skala", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, kommandozeilen_grenze(100_000):
        ordner = Path(tmp) / "demo"
        write_demo(ordner, scale=a.skala)
        teile = []
        for name in ("teilnehmende", "aktivitaeten", "vermittlungen", "betriebe"):
            (g,) = lies_datei(f"{name}.csv", path=ordner / f"{name}.csv")
            df = g.frame
            if name in ("teilnehmende", "aktivitaeten"):
                h = len(df) // 2
                zweite = pd.concat([df.iloc[:1000], df.iloc[h:]])
                zweite.index = np.arange(2, 2 + len(zweite))       # its own Excel rows
                teile += [(name, f"A/{name}.csv", df.iloc[:h]), (name, f"B/{name}.csv", zweite)]
            elif name == "betriebe":
                bekannt = {("betriebe", "betrieb_id"): set(df["betrieb_id"].iloc[::2])}
                teile.append((name, f"{name}.csv", df.iloc[1::2]))
            else:
                teile.append((name, f"{name}.csv", df))
    zeilen = sum(len(df) for _, _, df in teile)
    print(f"Faktor {a.skala}: {zeilen:,} Zeilen in {len(teile)} Dateien "
          f"(Median aus {a.runs})".replace(",", "."))
    print(f"| Prüfung | vorher (Schleife) | jetzt (mengenbasiert) | Meldungen gleich | Last |")
    print("|---|---:|---:|---|---:|")
    array = {k: np.array(sorted(v), dtype=object) for k, v in bekannt.items()}
    for titel, alt, neu in (
            ("Schlüssel in zwei Dateien", lambda: alt_duplicate_keys_across_files(teile),
             lambda: validate._duplicate_keys_across_files(teile)),
            ("Verweise (Lieferung + Datenbank)", lambda: alt_batch_references(teile, bekannt),
             lambda: validate._batch_references(teile, array))):
        t_alt, e_alt = median(alt, a.runs)
        t_neu, e_neu = median(neu, a.runs)
        print(f"| {titel} ({len(e_neu)} Meldungen) | {t_alt:.2f} s | {t_neu:.2f} s "
              f"| {'ja' if e_alt == e_neu else 'NEIN'} | {os.getloadavg()[0]:.1f} |"
              .replace(".", ","))


if __name__ == "__main__":
    main()
