"""Benchmark: Datenqualität from the result stored at the last write vs. computing all rules
(issue 14), and the cost of opening a database file (store.connect_readonly, which checks
the data fingerprint).

Prints per run, with the machine's load: opening the file, reading the stored result
(quality.vorberechnet) and computing it (quality.pruefen_gruppen), and whether both agree.
Reads the file only.

Run: `python benchmarks/bench_vorberechnet.py --db FILE [--runs 3]`
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from biwaq.speicher import store  # noqa: E402
from biwaq.zahlen import quality  # noqa: E402


def last() -> str:
    return f"{os.getloadavg()[0]:.1f}".replace(".", ",")


def ms(s: float) -> str:
    return f"{s * 1000:,.0f} ms".replace(",", ".")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--ohne-rechnen", action="store_true",
                    help="die Regeln nicht zum Vergleich rechnen")
    a = ap.parse_args()
    auf, gel, rech = [], [], []
    for i in range(a.runs):
        t = time.perf_counter()
        con = store.connect_readonly(a.db)
        auf.append(time.perf_counter() - t)
        try:
            t = time.perf_counter()
            v = quality.vorberechnet(con)
            gel.append(time.perf_counter() - t)
            zeile = (f"Lauf {i + 1}: Öffnen {ms(auf[-1])} (Last {last()}), gespeichert "
                     + ("ungültig/fehlt" if v is None else ms(gel[-1])) + f" (Last {last()})")
            if not a.ohne_rechnen:
                t = time.perf_counter()
                r = quality.pruefen_gruppen(con, quality.MAX_IDS, quality.MAX_ZEILEN)
                rech.append(time.perf_counter() - t)
                gleich = v is not None and r[1]["anzahl"].sum() == v[1]["anzahl"].sum() and (
                    r[0]["hinweis"].tolist() == v[0]["hinweis"].tolist())
                n = f"{int(r[1]['anzahl'].sum()):,}".replace(",", ".")
                zeile += (f", gerechnet {ms(rech[-1])} (Last {last()}), Verstöße {n} "
                          + ("gleich" if gleich else "VERSCHIEDEN"))
            print(zeile, flush=True)
        finally:
            con.close()
    print(f"Median: Öffnen {ms(statistics.median(auf))}, gespeichert "
          f"{ms(statistics.median(gel))}"
          + (f", gerechnet {ms(statistics.median(rech))}" if rech else ""))


if __name__ == "__main__":
    main()
