"""Benchmark: the participant-analytics queries and pages (issue 3) at demo scale 1 and 10.

Prints medians; run with `python benchmarks/bench_teilnehmende.py [--scales 1 10] [--runs 5]`.
Per query: the time of one run_query on a read-only connection (default filters). Per page:
the server-side time of an AppTest run with warm caches and with cold caches (cache cleared,
then the Quartier filter switched).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from biwaq.zahlen import analytics
from biwaq.speicher import store  # noqa: E402
from biwaq.einlesen.demo import write_demo  # noqa: E402
from biwaq.speicher.filters import Filter  # noqa: E402
from biwaq.speicher.queries import run_query  # noqa: E402

QUERIES = {
    "zielgruppen_reichweite": {"dim": "quartal"},
    "zielstand_verlauf": {"laufzeit_start": dt.date(2015, 10, 1)},
    "zielgruppen_repraesentation": {},
    "zielgruppen_zugangswege": {"dim": "zielgruppe"},
    "zielgruppen_kombinationen": {},
    "vermittlung_trichter": {"dim": "zielgruppe"},
    "vermittlung_stufenzeiten": {"dim": "zielgruppe"},
    "vermittlung_verweildauer": {},
    "vermittlung_arten": {},
    "vermittlung_austritte": {"dim": "zielgruppe"},
    "esf_indikatoren": {"geschlecht": None},
}
PAGES = ("pages/teilnehmende/zielgruppen.py", "pages/teilnehmende/vermittlung.py",
         "pages/teilnehmende/esf_indikatoren.py")


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def bench_queries(db: Path, runs: int) -> dict[str, float]:
    con = store.connect_readonly(db)
    try:
        out = {name: median_ms(lambda n=name, p=extra: run_query(n, con, **Filter().params(),
                                                                 **p), runs)
               for name, extra in QUERIES.items()}
        df = run_query("vermittlung_verweildauer", con, **Filter().params())
        out["analytics.kohorten (quartal)"] = median_ms(
            lambda: analytics.kohorten(df, "quartal"), runs)
        return out
    finally:
        con.close()


def bench_pages(db: Path, runs: int) -> dict[str, tuple[float, float]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["BIWAQ_DB"] = str(db)
    out = {}
    for path in PAGES:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300).run()
        at.switch_page(path).run()
        assert not at.exception, at.exception
        warm = median_ms(lambda: at.run(), runs)
        quartiere = ["Süd-Ost", "Magdeburger Allee"]

        def cold():
            st.cache_data.clear()
            at.selectbox(key="filter_quartier").set_value(quartiere[0])
            quartiere.reverse()
            at.run()

        out[path] = (warm, median_ms(cold, runs))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            src, db = Path(tmp) / "demo", Path(tmp) / "biwaq.duckdb"
            write_demo(src, scale=scale)
            store.build(db, src, quelle="demo")
            print(f"\nFaktor {scale}")
            print(f"  {'Abfrage':<34} {'Median (ms)':>12}")
            for name, ms in bench_queries(db, args.runs).items():
                print(f"  {name:<34} {ms:>12.1f}", flush=True)
            print(f"  {'Seite (AppTest)':<40} {'warm (ms)':>10} {'kalt (ms)':>10}")
            for path, (warm, cold) in bench_pages(db, args.runs).items():
                print(f"  {path:<40} {warm:>10.0f} {cold:>10.0f}", flush=True)


if __name__ == "__main__":
    main()
