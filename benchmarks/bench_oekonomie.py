"""Benchmark: the local-economy pages and their library steps, at scale 1 and 10.

Prints medians: spatial assignment of all vacancies, Kaplan–Meier for all advised businesses
(from the database's counts per day as the Betriebe page and the committee report do, query
included), and the server-side time of a Leerstand and a
Betriebe rerun (AppTest; warm caches, and cold after a filter change), with the load. Run with `python benchmarks/bench_oekonomie.py [--scales 1 10]`.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_foundation import page_reruns, timed  # noqa: E402

from biwaq.einlesen import geo
from biwaq.zahlen import oekonomie
from biwaq.speicher import store  # noqa: E402
from biwaq.einlesen.demo import write_demo  # noqa: E402
from biwaq.speicher.filters import Filter  # noqa: E402
from biwaq.speicher.queries import run_query  # noqa: E402


def library_steps(db: Path, runs: int) -> tuple[int, float, int, float]:
    con = store.connect_readonly(db)
    try:
        umrisse = geo.districts_from_store(run_query("oek_stadtteil_umrisse", con))
        pts = con.execute("select lat, lon from leerstaende").df()
        n_b = oekonomie.kennzahlen_gezaehlt(run_query(
            "oek_betriebe_gruppen", con, **Filter().params(), branchen=None))["betriebe"]
        gez_t, _ = timed(lambda: oekonomie.ueberleben_gezaehlt(run_query(
            "oek_betriebe_ueberleben", con, **Filter().params(), branchen=None)), runs)
    finally:
        con.close()
    lage_t, _ = timed(lambda: geo.locate_points(pts["lat"], pts["lon"], umrisse), runs)
    return len(pts), lage_t, n_b, gez_t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print(f"{'Faktor':>6} {'Leerst.':>8} {'Lage (ms)':>10} {'Betriebe':>9} "
          f"{'KM gez.':>8} "
          f"{'Leerstand warm/kalt (ms)':>25} {'Betriebe warm/kalt (ms)':>24} {'Last':>5}")
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            src, db = Path(tmp) / "demo", Path(tmp) / "biwaq.duckdb"
            write_demo(src, scale=scale)
            store.build(db, src, quelle="demo")
            n_l, lage_t, n_b, gez_t = library_steps(db, args.runs)
            lw, lk = page_reruns(db, args.runs, "pages/oekonomie/leerstand.py")
            bw, bk = page_reruns(db, args.runs, "pages/oekonomie/betriebe.py")
            print(f"{scale:>6} {n_l:>8} {lage_t * 1000:>10.1f} {n_b:>9} "
                  f"{gez_t * 1000:>8.1f} "
                  f"{f'{lw * 1000:.0f} / {lk * 1000:.0f}':>25} "
                  f"{f'{bw * 1000:.0f} / {bk * 1000:.0f}':>24} {os.getloadavg()[0]:>5.1f}",
                  flush=True)


if __name__ == "__main__":
    main()
