"""Benchmark: publishing the public figures (queries, suppression MILP, LP audit, write),
and a second publication of the same data audited together with the first (revisions).

Prints, per demo scale, the median time of each step and the size of the model;
run with `python benchmarks/bench_publish.py [--scales 1 10] [--runs 3]`.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from biwaq.oeffentlich import disclosure, publish
from biwaq.speicher import store  # noqa: E402
from biwaq.einlesen.demo import write_demo  # noqa: E402


def median_time(fn, runs: int):
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            demo, db = Path(tmp) / f"demo{scale}", Path(tmp) / f"biwaq{scale}.duckdb"
            write_demo(demo, seed=2015, scale=scale)
            store.build(db, demo)
            t_read, roh = median_time(lambda: publish.lesen(db), args.runs)
            verbund, _ = publish.verbund_bauen(roh)
            t_prot, erg = median_time(lambda: disclosure.schuetzen(verbund), args.runs)
            t_audit, _ = median_time(lambda: disclosure.pruefen(verbund, erg.gesperrt,
                                                                erg.anforderungen), args.runs)
            zaehler = iter(range(10 ** 6))
            t_all, _ = median_time(
                lambda: publish.publish(db, Path(tmp) / f"out{scale}_{next(zaehler)}"), args.runs)
            # Revision 2 of the same data: the joint audit with revision 1 (biwaq.oeffentlich.revisionen).
            t_zweite = statistics.median(_zweite(db, Path(tmp) / f"rev{scale}")
                                         for _ in range(args.runs))
            print(f"Faktor {scale}: {len(verbund.zellen)} Zellen, "
                  f"{len(verbund.gleichungen)} Gleichungen, {len(erg.anforderungen)} primär, "
                  f"{len(erg.sekundaer)} sekundär gesperrt, {erg.runden} Runde(n)")
            print(f"  Abfragen {t_read:.2f} s · Sperrung (MILP + Prüfung) {t_prot:.2f} s · "
                  f"Prüfung allein {t_audit:.2f} s · publish gesamt {t_all:.2f} s · "
                  f"zweite Veröffentlichung (gemeinsam geprüft) {t_zweite:.2f} s")


def _zweite(db: Path, out: Path):
    """Seconds of the second publication into a fresh directory (the first is setup)."""
    import shutil
    for p in (out, out.with_name(out.name + ".intern")):
        shutil.rmtree(p, ignore_errors=True)
    publish.publish(db, out)
    t0 = time.perf_counter()
    publish.publish(db, out)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
