"""Benchmark: quality rule Q16 (possible duplicate person) on large generated tables.

Issue 13.14: the old self-join was quadratic (424k identical participants: over 17 minutes and
about 20 GB of spill files). The rule now partitions by the compared columns and looks only at
neighbours in first-contact order. This script times it on an in-memory table with
N identical records (same attributes, first contacts spread over the project period) plus N
distinct ones, for several N, and prints the time per run and per 100k rows – roughly
constant per row means about linear time. It also checks that no temporary files are left.

Run: `python benchmarks/bench_q16.py [--sizes 50000 100000 200000 400000] [--runs 3]`
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from biwaq.speicher.queries import load_query  # noqa: E402

TABELLE = """
create or replace table stg_teilnehmende as
with ids as (select range as i from range($n * 2))
select 'TN-' || lpad(i::varchar, 8, '0') as tn_id,
       'Magdeburger Allee' as quartier, 'Ilversgehofen' as stadtteil, 'KIK' as traeger,
       'm' as geschlecht,
       -- the first n identical, the second n differ in birth year and district
       case when i < $n then 1980 else 1940 + (i % 60) end as geburtsjahr,
       false as alleinerziehend, false as migrationshintergrund, false as schutzsuchend,
       false as langzeitarbeitslos, true as sgb2_bezug,
       case when i < $n then 'ISCED 3-4' else 'ISCED ' || (i % 97) end as bildungsniveau,
       case when i < $n then 'Jobcenter' else 'Weg ' || (i // 60) end as zugangsweg,
       date '2015-10-01' + (i % 1186)::int as erstkontakt,
       null::date as eintritt, null::date as austritt, null::varchar as austrittsgrund
from ids
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[50_000, 100_000, 200_000, 400_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    sql = load_query("qualitaet_q16_doppelte_person").sql
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(config={"threads": int(args.threads)})
        con.execute("set temp_directory = ?", [tmp])
        print(f"{'identisch':>10} {'verschieden':>12} {'Zeilen':>9} {'Treffer':>9} "
              f"{'Median s':>9} {'s je 100k':>10}")
        for n in args.sizes:
            con.execute(TABELLE, {"n": n})
            zeiten, treffer = [], 0
            for _ in range(args.runs):
                t0 = time.perf_counter()
                treffer = con.execute("select count(*) from (" + sql + "\n)").fetchone()[0]
                zeiten.append(time.perf_counter() - t0)
            med = statistics.median(zeiten)
            print(f"{n:>10,} {n:>12,} {2 * n:>9,} {treffer:>9,} {med:>9.2f} "
                  f"{med / (2 * n) * 100_000:>10.3f}".replace(",", "."))
        con.close()
        rest = list(Path(tmp).iterdir())
        print(f"Temporäre Dateien danach: {len(rest)}")


if __name__ == "__main__":
    main()
