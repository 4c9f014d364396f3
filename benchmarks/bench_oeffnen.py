"""Opening a database file read-only (`store.connect_readonly`, issue 14): the first open in a
process (the data fingerprint of every table is computed for the marts' guard) and further
opens of the same, unchanged file (the fingerprint kept per file state).

Run: `python benchmarks/bench_oeffnen.py --db FILE.duckdb [--runs 5]` (only reads the file).
Prints both times and the machine's 1-minute load average (the machine is shared).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from biwaq.speicher import store  # noqa: E402


def oeffnen_s(db: Path) -> float:
    t0 = time.perf_counter()
    con = store.connect_readonly(db)
    con.close()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="Datenbankdatei (nur lesend)")
    ap.add_argument("--runs", type=int, default=5, help="weitere Öffnungen (Median)")
    a = ap.parse_args()
    erst = oeffnen_s(a.db)
    weitere = statistics.median(oeffnen_s(a.db) for _ in range(a.runs))
    ruhig = store._datei_zustand(a.db) is not None
    print(f"connect_readonly {a.db}: erstes Öffnen {erst * 1000:.0f} ms, weitere (Median aus "
          f"{a.runs}) {weitere * 1000:.0f} ms"
          + ("" if ruhig else " (Datei vor weniger als 2 s geändert: jedes Öffnen rechnet)")
          + f", Last {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} Kerne")


if __name__ == "__main__":
    main()
