"""Benchmark at every scale (issue 14): demo, build, import and every page of the registry.

Run: `python benchmarks/bench_skalen.py [--skalen 1,100,1000] [--runs 5] [--seiten uebersicht,...]`
or `python benchmarks/bench_skalen.py --db FILE.duckdb [--runs 3] [--seiten ...]` (pages only, on an
existing database, opened read-only).

Prints, per demo scale K:

* `demo --scale K`, `build`, `import` of the same folder (with the demo removed) and `publish`
  (disclosure control of the built database, which the public page then shows): wall time
  and peak resident memory of each command's own process (`os.wait4` rusage, `ru_maxrss`).
  The command-line file limit is lifted for these runs (`BIWAQ_MAX_MB`), as a user would do.
* for every page of `biwaq.app.registry.PAGES`: the server-side time (AppTest, median of `--runs`)
  of a first visit (all Streamlit caches cleared just before the page opens), a rerun (warm
  caches) and a filter change (data cache cleared, then the Quartier filter switched; "–" on a
  page without that filter); the rows every named query returned on the first visit; and the
  floor: a bare Streamlit script that draws the same output elements (charts, tables, metrics,
  texts – recorded from the page's own rerun, widgets and layout left out) from precomputed
  objects, with the ratio rerun / floor.
* the machine's 1-minute load average next to every figure – the machine is shared, so a
  figure taken under load 4 may be twice what a quiet machine gives.

Speed is measured here, never by a timed test.
"""
from __future__ import annotations

import argparse
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from biwaq.app import registry  # noqa: E402

# Output elements the floor script redraws (widgets, layout and downloads are left out).
ELEMENTE = ("plotly_chart", "dataframe", "table", "metric", "markdown", "caption", "subheader",
            "title", "header", "info", "warning", "error", "success", "text", "write", "badge")
QUARTIERE = ["Süd-Ost", "Magdeburger Allee"]


AUSGABE = sys.stdout


def zeige(*args, **kwargs) -> None:
    """Print to the benchmark's own output (solvers write to file descriptor 1 as well)."""
    kwargs.pop("flush", None)
    print(*args, **kwargs, file=AUSGABE, flush=True)


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}".replace(".", ",")


def befehl(args: list[str], env: dict | None = None) -> tuple[float, float]:
    """Run `python -m biwaq ARGS`; returns (seconds, peak RSS of that process in MB)."""
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "biwaq", *args], cwd=ROOT,
                         env={**os.environ, **(env or {})},
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    dauer = time.perf_counter() - t0
    fehler = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0,):
        raise SystemExit(f"`biwaq {' '.join(args[:2])}` endete mit {code}:\n{fehler[-2000:]}")
    return dauer, ru.ru_maxrss / 1024


def median_s(fn, runs: int) -> float:
    zeiten = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        zeiten.append(time.perf_counter() - t0)
    return statistics.median(zeiten)


# --- instrumentation: query rows and the output elements of a page ---------------------------

class Zaehler:
    """Wraps run_query in every loaded biwaq module to note (name, rows) of each call."""

    def __init__(self):
        from biwaq.speicher import queries

        self.original = queries.run_query
        self.zeilen: dict[str, int] = {}
        self.module = [m for n, m in sys.modules.items()
                       if n.startswith("biwaq") and getattr(m, "run_query", None) is self.original]

        def gezaehlt(name, con, **params):
            df = self.original(name, con, **params)
            self.zeilen[name] = self.zeilen.get(name, 0) + len(df)
            return df
        self.gezaehlt = gezaehlt

    def __enter__(self):
        self.zeilen.clear()
        for m in self.module:
            m.run_query = self.gezaehlt
        return self

    def __exit__(self, *exc):
        for m in self.module:
            m.run_query = self.original


class Aufnahme:
    """Records the output-element calls of one page run (on st.* and on any container), as
    picklable (name, args, kwargs); arguments that cannot be pickled are dropped."""

    def __init__(self):
        self.aufrufe: list[tuple[str, tuple, dict]] = []
        self.gesichert: list[tuple[object, str, object]] = []

    def _huelle(self, name, fn):
        aufrufe = self.aufrufe

        def aufgenommen(*args, **kwargs):
            a = args[1:] if args and type(args[0]).__name__ == "DeltaGenerator" else args
            try:
                aufrufe.append((name, a, kwargs))
                pickle.dumps(aufrufe[-1])
            except Exception:   # noqa: BLE001 - callbacks, lambdas: keep the plain part
                kw = {k: v for k, v in kwargs.items() if _picklebar(v)}
                aufrufe[-1] = (name, tuple(x for x in a if _picklebar(x)), kw)
            return fn(*args, **kwargs)
        return aufgenommen

    def __enter__(self):
        import streamlit as st
        from streamlit.delta_generator import DeltaGenerator

        for name in ELEMENTE:
            for ziel in (DeltaGenerator, st):
                fn = getattr(ziel, name, None)
                if fn is not None:
                    self.gesichert.append((ziel, name, fn))
                    setattr(ziel, name, self._huelle(name, fn))
        return self

    def __exit__(self, *exc):
        for ziel, name, fn in self.gesichert:
            setattr(ziel, name, fn)
        self.gesichert.clear()


def _picklebar(v) -> bool:
    try:
        pickle.dumps(v)
        return True
    except Exception:   # noqa: BLE001
        return False


BODEN_SKRIPT = """
import pickle
import streamlit as st

@st.cache_resource
def _aufrufe(pfad):
    with open(pfad, "rb") as f:
        return pickle.load(f)

for name, args, kwargs in _aufrufe({pfad!r}):
    getattr(st, name)(*args, **kwargs)
"""


# --- pages ------------------------------------------------------------------------------------

def seite_messen(db: Path, spec, runs: int, tmp: Path) -> dict:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["BIWAQ_DB"] = str(db)

    def oeffnen():
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=900).run()
        st.cache_data.clear()
        st.cache_resource.clear()
        return at

    # first visit: caches cleared right before the page opens
    erste, zeilen = [], {}
    for i in range(runs):
        at = oeffnen()
        with Zaehler() as z:
            t0 = time.perf_counter()
            at.switch_page(spec.path).run()
            erste.append(time.perf_counter() - t0)
        if i == 0:
            zeilen = dict(z.zeilen)
        if at.exception:
            raise SystemExit(f"{spec.path}: {at.exception}")
    rerun = median_s(lambda: at.run(), runs)

    # the floor: the same output elements from precomputed objects
    with Aufnahme() as a:
        at.run()
    pfad = tmp / f"boden_{spec.url}.pickle"
    pfad.write_bytes(pickle.dumps(a.aufrufe))
    boden_at = AppTest.from_string(BODEN_SKRIPT.format(pfad=str(pfad)), default_timeout=900).run()
    if boden_at.exception:
        raise SystemExit(f"Boden {spec.path}: {boden_at.exception}")
    boden = median_s(lambda: boden_at.run(), runs)

    # filter change: data cache cleared, Quartier switched
    filterwechsel = None
    if any(s.key == "filter_quartier" for s in at.selectbox):
        werte = list(QUARTIERE)

        def wechseln():
            st.cache_data.clear()
            at.selectbox(key="filter_quartier").set_value(werte[0])
            werte.reverse()
            at.run()
        filterwechsel = median_s(wechseln, runs)
    return {"erste": statistics.median(erste), "rerun": rerun, "filter": filterwechsel,
            "boden": boden, "elemente": len(a.aufrufe), "zeilen": zeilen, "last": load()}


def ms(s: float | None) -> str:
    if s is None:
        return "–"
    return f"{s * 1000:,.0f} ms".replace(",", ".") if s < 10 else f"{s:,.1f} s".replace(".", ",")


def mb_text(mb: float) -> str:
    return f"{mb:,.0f} MB".replace(",", ".")


def zahl(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def nur_lesend(db: Path, tmp: Path) -> None:
    """Prepare measuring the pages of an existing database without writing anything beside or
    into it (issue 14: a shared scale-1000 file got a kommentare.sqlite beside it and grew
    between runs). Comments go to a file in `tmp` (the store's default is the database's
    folder); a file written with another schema is refused (SystemExit, German): the
    dashboard would migrate it – rewrite it – on the first page visit."""
    from biwaq.speicher import store

    os.environ["BIWAQ_KOMMENTARE"] = str(tmp / "kommentare.sqlite")
    stand = store.stored_schema_version(db)
    if stand != store.SCHEMA_VERSION:
        raise SystemExit(
            f"{db} wurde mit einem anderen Schema geschrieben ({stand or 'keines'}, dieser "
            f"Stand: {store.SCHEMA_VERSION}). Das Dashboard würde die Datei beim ersten "
            "Seitenaufruf umschreiben (Schema-Umzug); gemessen wird nur lesend. Bitte eine "
            "Kopie umstellen und messen: cp --reflink=auto DATEI /tmp/x.duckdb; python -c "
            "\"from biwaq.speicher import store; store.ensure_database('/tmp/x.duckdb')\"")


def skala(k: int, runs: int, seiten: list, tmp: Path, mit_import: bool = True,
          vorhanden: Path | None = None) -> None:
    """Measure scale K; with `vorhanden` (an existing database) only its pages are measured."""
    if vorhanden is not None:
        zeige(f"\n### Seiten auf {vorhanden} (ohne demo, build, import)\n", flush=True)
        seiten_messen(vorhanden, runs, seiten, tmp)
        return
    demo_dir, db = tmp / f"demo_{k}", tmp / f"build_{k}.duckdb"
    env = {"BIWAQ_MAX_MB": "100000"}
    zeige(f"\n### Faktor {k}\n", flush=True)
    zeige("| Schritt | Zeit | Spitzenspeicher | Last (1 min) |")
    zeige("|---|---:|---:|---:|")
    t, mb = befehl(["demo", "--scale", str(k), "--out", str(demo_dir)])
    groesse = sum(p.stat().st_size for p in demo_dir.iterdir()) / 1024 / 1024
    zeige(f"| `demo --scale {k}` ({groesse:,.0f} MB Dateien) | {ms(t)} | {mb_text(mb)} | {load()} |",
          flush=True)
    t, mb = befehl(["build", "--db", str(db), "--from", str(demo_dir)], env)
    zeige(f"| `build` | {ms(t)} | {mb_text(mb)} | {load()} |", flush=True)
    if mit_import:
        imp = tmp / f"import_{k}.duckdb"
        shutil.copy(db, imp)
        dateien = sorted(str(p) for p in demo_dir.iterdir() if p.suffix in (".csv", ".geojson"))
        t, mb = befehl(["import", "--db", str(imp), "--demo-entfernen", *dateien], env)
        zeige(f"| `import` derselben Dateien (Demo entfernt) | {ms(t)} | {mb_text(mb)} "
              f"| {load()} |", flush=True)
        imp.unlink()
        shutil.rmtree(tmp / "backup", ignore_errors=True)
    # the public page shows the last publication: publish first, as the project would
    oeffentlich = tmp / f"oeffentlich_{k}"
    t, mb = befehl(["publish", "--db", str(db), "--out", str(oeffentlich)])
    zeige(f"| `publish` (Sperrung und Prüfung) | {ms(t)} | {mb_text(mb)} | {load()} |", flush=True)
    os.environ["BIWAQ_OEFFENTLICH_DIR"] = str(oeffentlich)
    seiten_messen(db, runs, seiten, tmp)
    shutil.rmtree(oeffentlich, ignore_errors=True)
    shutil.rmtree(Path(str(oeffentlich) + ".intern"), ignore_errors=True)
    shutil.rmtree(demo_dir)
    db.unlink()


def seiten_messen(db: Path, runs: int, seiten: list, tmp: Path) -> None:
    """Print the page table (first visit, rerun, filter change, floor, rows) for database DB."""
    zeige("\n| Seite | erster Aufruf | Rerun | Filterwechsel | Boden (Rerun) | Rerun/Boden "
          "| Zeilen aus Abfragen (größte) | Last |")
    zeige("|---|---:|---:|---:|---:|---:|---|---:|")
    details = []
    for spec in seiten:
        r = seite_messen(db, spec, runs, tmp)
        verhaeltnis = f"{r['rerun'] / r['boden']:.2f}×".replace(".", ",")
        gross = max(r["zeilen"].items(), key=lambda kv: kv[1], default=("–", 0))
        zeige(f"| {spec.title} | {ms(r['erste'])} | {ms(r['rerun'])} | {ms(r['filter'])} "
              f"| {ms(r['boden'])} | {verhaeltnis} "
              f"| {zahl(sum(r['zeilen'].values()))} ({gross[0]}: {zahl(gross[1])}) "
              f"| {r['last']} |", flush=True)
        details.append((spec.title, r["zeilen"]))
    zeige("\nZeilen je benannter Abfrage (erster Aufruf, Standardfilter):")
    for titel, zeilen in details:
        zeige(f"- {titel}: " + (", ".join(f"{n} {zahl(z)}" for n, z in sorted(zeilen.items()))
                                or "keine"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skalen", default="1,100,1000", help="Faktoren, z. B. 1,100")
    ap.add_argument("--runs", type=int, default=5, help="Wiederholungen je Seitenmessung")
    ap.add_argument("--seiten", default=None,
                    help="nur diese Seiten (Adressen aus der Registry, z. B. uebersicht,leerstand)")
    ap.add_argument("--ohne-import", action="store_true", help="den Import nicht messen")
    ap.add_argument("--db", type=Path, default=None,
                    help="nur die Seiten auf dieser vorhandenen Datenbank messen (nur lesend)")
    ap.add_argument("--oeffentlich", type=Path, default=None,
                    help="mit --db: Verzeichnis der Veröffentlichung für die öffentliche Seite")
    a = ap.parse_args()
    global AUSGABE
    AUSGABE = os.fdopen(os.dup(1), "w")        # the table; the MILP's log goes to /dev/null
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    sys.stdout = open(os.devnull, "w")
    from streamlit import logger
    logger.set_log_level("error")   # AppTest without a server warns on every run
    seiten = [p for p in registry.PAGES
              if not a.seiten or p.url in a.seiten.split(",")]
    zeige(f"Rechner: {os.cpu_count()} Kerne, Last beim Start {load()} "
          f"(1 min), Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as d:
        if a.db is not None:
            nur_lesend(a.db.resolve(), Path(d))
            if a.oeffentlich is not None:
                os.environ["BIWAQ_OEFFENTLICH_DIR"] = str(a.oeffentlich.resolve())
            skala(0, a.runs, seiten, Path(d), vorhanden=a.db.resolve())
            return
        for k in (int(x) for x in a.skalen.split(",")):
            skala(k, a.runs, seiten, Path(d), not a.ohne_import)


if __name__ == "__main__":
    main()
