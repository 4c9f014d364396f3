"""Benchmark: import of a full export into an empty database, re-import of the same files
(nothing changes), a one-file correction into the full database, the dry run (Probelauf) of
the full export against the full database, and all quality rules.

Prints medians and the machine's load (1-min mean; the machine is shared); run with
`python benchmarks/bench_import.py [--scales 1 20] [--runs 3]`.
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

from biwaq.speicher import importer, store
from biwaq.zahlen import quality  # noqa: E402
from biwaq.einlesen.demo import write_demo  # noqa: E402


def median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 20])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"{'Faktor':>6} {'Zeilen':>9} {'MB':>6} {'Erstimport (s)':>15} {'Wiederholung (s)':>17}"
          f" {'Korrektur (s)':>14} {'Probelauf (s)':>14} {'Aufbau (s)':>11}"
          f" {'Qualität (s)':>13} {'Last':>5}")
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            files = [p for p in write_demo(tmp / "export", scale=scale)
                     if p.suffix in (".csv", ".geojson")]
            eingaben = [importer.Eingabe.aus_pfad(p) for p in files]
            mb = sum(p.stat().st_size for p in files) / 1e6
            db = tmp / "biwaq.duckdb"
            zeilen = 0

            def erst():
                nonlocal zeilen
                for p in tmp.glob("biwaq.duckdb*"):
                    p.unlink()
                erg = importer.importiere(eingaben, db, behalte=1)
                assert erg.ok, erg.fehler[:3]
                zeilen = erg.eingefuegt

            t_erst = median(erst, args.runs)
            t_wieder = median(lambda: importer.importiere(eingaben, db, behalte=1), args.runs)
            korrektur = [importer.Eingabe.aus_pfad(tmp / "export" / "betriebe.csv")]
            t_korr = median(lambda: importer.importiere(korrektur, db, behalte=1), args.runs)
            t_probe = median(lambda: importer.probelauf(eingaben, db), args.runs)
            t_bau = median(lambda: store.build(tmp / "gebaut.duckdb", tmp / "export"), args.runs)

            def pruefen():
                con = store.connect_readonly(db)
                try:
                    quality.pruefen(con)
                finally:
                    con.close()

            t_q = median(pruefen, args.runs)
            print(f"{scale:>6} {zeilen:>9,} {mb:>6.1f} {t_erst:>15.2f} {t_wieder:>17.2f} "
                  f"{t_korr:>14.2f} {t_probe:>14.2f} {t_bau:>11.2f} {t_q:>13.2f} "
                  f"{os.getloadavg()[0]:>5.1f}"
                  .replace(",", "."))


if __name__ == "__main__":
    main()
