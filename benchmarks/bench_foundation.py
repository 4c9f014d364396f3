"""Benchmark: demo generation, database build and one overview rerun, at scale 1 and 100.

Prints medians; run with `python benchmarks/bench_foundation.py [--scales 1 100] [--runs 5]`.
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

from biwaq.speicher import store  # noqa: E402
from biwaq.einlesen.demo import write_demo  # noqa: E402


def timed(fn, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def page_reruns(db: Path, runs: int, page: str | None = None) -> tuple[float, float]:
    """Median server-side time of a page rerun (AppTest): with warm caches, and with cold ones
    (caches cleared, Quartier filter switched). `page` e.g. "pages/oekonomie/leerstand.py";
    None = the start page (overview)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["BIWAQ_DB"] = str(db)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    warm, _ = timed(lambda: at.run(), runs)
    quartiere = ["Süd-Ost", "Magdeburger Allee"]

    def cold():
        st.cache_data.clear()
        at.selectbox(key="filter_quartier").set_value(quartiere[0])
        quartiere.reverse()
        at.run()

    cold_t, _ = timed(cold, runs)
    return warm, cold_t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print(f"{'Faktor':>6} {'Demo (s)':>9} {'Aufbau (s)':>11} {'Rerun warm (ms)':>16} "
          f"{'Rerun kalt (ms)':>16}")
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            src, db = Path(tmp) / "demo", Path(tmp) / "biwaq.duckdb"
            t0 = time.perf_counter()
            write_demo(src, scale=scale)
            demo_t = time.perf_counter() - t0
            runs = args.runs if scale < 10 else max(1, args.runs // 2)
            build_t, _ = timed(lambda: store.build(db, src, quelle="demo"), runs)
            warm, cold = page_reruns(db, args.runs)
            print(f"{scale:>6} {demo_t:>9.1f} {build_t:>11.2f} {warm * 1000:>16.0f} "
                  f"{cold * 1000:>16.0f}", flush=True)


if __name__ == "__main__":
    main()
