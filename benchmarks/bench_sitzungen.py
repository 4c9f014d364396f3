"""How many concurrent sessions one machine carries (issue 14): N browsers against one server.

Run: `python benchmarks/bench_sitzungen.py [--db FILE.duckdb] [--sitzungen 1,2,4,8,16]
[--seite uebersicht] [--runden 3] [--client browser|websocket] [--eigene-filter]`

For every N a fresh dashboard server is started (`streamlit run dashboard.py --server.headless
true`, `BIWAQ_DB` on the database – default the scale-1 demo, built into a temporary folder;
`--db /work/bench/s1000/biwaq.duckdb` for scale 1000, opened read-only; comments and published
figures go to the temporary folder, never next to the database). One warm-up visit (not
measured) opens the page, as any server has had one visit before the crowd arrives. Then, per
round, N sessions start at the same moment; each

1. opens the page in its own browser context (new session, so Streamlit runs the script for it)
   and waits until the page has finished drawing: the title is there and Streamlit's running
   indicator (`stStatusWidget`) is gone, twice with 0.5 s between (as `tests/browser.py`);
2. switches the sidebar filter "Quartier" (session i: Süd-Ost for even i, Magdeburger Allee for
   odd i) and waits until the page says so in its filter line and has finished drawing again.

Printed per N: median and 90th percentile of both times over all sessions and rounds, the
server's CPU seconds per session (open + filter change; from /proc/<pid>/stat of the server and
its children, over the measured rounds) – the figure that says how many sessions the cores
carry however loaded the machine is –, the cores the server used on average, its peak
resident memory (VmRSS sampled every 0.1 s), the whole machine's CPU busy share over the
measurement, and the 1-minute load before and after. The browser's wait includes a 0.5 s settle
pause (a constant); it is subtracted from the times printed.

Caveat printed with the table: the browsers (one Chromium, a renderer per session) run on the
same 2 cores as the server, so at large N they take CPU from it; `--client websocket` replaces
the browsers by a light client that speaks Streamlit's own websocket protocol (the protobuf
`BackMsg`/`ForwardMsg` of the installed Streamlit) and only waits for `script_finished` – it
measures the server alone (no drawing). With `--eigene-filter` (websocket only) every session
also sets its own period (start one day later per session), so no session finds another's
results in Streamlit's cache: the worst case of N people each asking something new.

Speed is measured here, never by a timed test. Linux only (/proc).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM_ARGS, StreamlitServer, chromium_path  # noqa: E402

from biwaq.einlesen.contract import LAUFZEIT_ENDE, LAUFZEIT_START  # noqa: E402

QUARTIERE = ("Süd-Ost", "Magdeburger Allee")
PAUSE_S = 0.5                       # settle pause inside the wait, as tests/browser.wait_for_app
TAKT = os.sysconf("SC_CLK_TCK")


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}".replace(".", ",")


def de(x: float, stellen: int = 2) -> str:
    return f"{x:.{stellen}f}".replace(".", ",")


def tausender(x: float) -> str:
    return f"{x:,.0f}".replace(",", ".")


# --- server process figures from /proc -------------------------------------------------------

def _baum(pid: int) -> list[int]:
    """pid and all its descendants."""
    kinder: dict[int, list[int]] = {}
    for eintrag in os.listdir("/proc"):
        if eintrag.isdigit():
            try:
                with open(f"/proc/{eintrag}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kinder.setdefault(ppid, []).append(int(eintrag))
    out, offen = [], [pid]
    while offen:
        p = offen.pop()
        out.append(p)
        offen.extend(kinder.get(p, []))
    return out


def _proc_texte(pid: int, datei: str) -> list[str]:
    """/proc/<p>/<datei> of every process of the tree that still exists."""
    texte = []
    for p in _baum(pid):
        try:
            with open(f"/proc/{p}/{datei}") as f:
                texte.append(f.read())
        except OSError:
            pass
    return texte


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process tree (terminated children not counted)."""
    felder = [t.rsplit(")", 1)[1].split() for t in _proc_texte(pid, "stat")]
    return sum(int(f[11]) + int(f[12]) for f in felder) / TAKT


def rss_mb(pid: int) -> float:
    """Resident memory of a process tree in MB (VmRSS summed)."""
    return sum(int(z.split()[1]) for t in _proc_texte(pid, "status")
               for z in t.splitlines() if z.startswith("VmRSS:")) / 1024


def maschine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    with open("/proc/stat") as f:
        werte = [int(x) for x in f.readline().split()[1:]]
    leer = werte[3] + werte[4]
    return sum(werte) - leer, sum(werte)


class Messung:
    """CPU seconds and peak RSS of the server tree, machine busy share, over a `with` block."""

    def __init__(self, pid: int):
        self.pid, self.spitze_mb, self._stop = pid, 0.0, threading.Event()

    def _abtasten(self) -> None:
        while not self._stop.is_set():
            self.spitze_mb = max(self.spitze_mb, rss_mb(self.pid))
            self._stop.wait(0.1)

    def __enter__(self):
        self.t0, self.cpu0, self.m0 = time.monotonic(), cpu_s(self.pid), maschine_cpu()
        self._faden = threading.Thread(target=self._abtasten, daemon=True)
        self._faden.start()
        return self

    def __exit__(self, *exc):
        self.wand = time.monotonic() - self.t0
        self.cpu = cpu_s(self.pid) - self.cpu0
        self.kerne = self.cpu / self.wand
        m1 = maschine_cpu()
        self.maschine = (m1[0] - self.m0[0]) / max(1, m1[1] - self.m0[1])
        self._stop.set()
        self._faden.join()


# --- clients -----------------------------------------------------------------------------------

WARTEN_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')"""


async def _fertig(page, timeout: float) -> None:
    """As tests/browser.wait_for_app, in async form."""
    await page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout)
    await page.wait_for_function(WARTEN_JS, timeout=timeout)
    await page.wait_for_timeout(PAUSE_S * 1000)
    await page.wait_for_function(WARTEN_JS, timeout=timeout)


async def browser_sitzung(browser, url: str, i: int, timeout: float) -> tuple[float, float]:
    """Open the page, then switch the Quartier filter: seconds until drawn, each."""
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    try:
        page = await ctx.new_page()
        t0 = time.monotonic()
        await page.goto(url, timeout=timeout)
        await _fertig(page, timeout)
        t_auf = time.monotonic() - t0
        q = QUARTIERE[i % 2]
        t0 = time.monotonic()
        await page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
            has_text="Quartier").first.click(timeout=timeout)
        await page.get_by_role("option", name=q, exact=True).click(timeout=timeout)
        await page.wait_for_selector(
            f'[data-testid="stCaptionContainer"]:has-text("Quartier: {q}")', timeout=timeout)
        await _fertig(page, timeout)
        return t_auf, time.monotonic() - t0
    finally:
        await ctx.close()


async def browser_runde(url: str, n: int, runden: int, timeout: float, pid: int) -> tuple:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            seite = await browser.new_page()    # warm-up, not measured: the start page first
            await seite.goto(url.rsplit("/", 1)[0] + "/", timeout=timeout)   # (see warm_up)
            await _fertig(seite, timeout)
            await seite.close()
            await browser_sitzung(browser, url, 0, timeout)
            werte = []
            with Messung(pid) as m:
                for _ in range(runden):
                    werte += await asyncio.gather(
                        *(browser_sitzung(browser, url, i, timeout) for i in range(n)))
            return werte, m
        finally:
            await browser.close()


# --- light client: Streamlit's websocket protocol, no browser ----------------------------------

class WsSitzung:
    """One Streamlit session over `/_stcore/stream` with the installed Streamlit's protobufs:
    send `BackMsg.rerun_script`, read `ForwardMsg`s until `script_finished`. No drawing."""

    def __init__(self, basis: str, seite: str):
        self.adresse = basis.replace("http://", "ws://") + "/_stcore/stream"
        self.seite = "" if seite == "uebersicht" else seite
        self.seiten_hash, self.widgets = "", {}

    async def __aenter__(self):
        import websockets

        self.ws = await websockets.connect(self.adresse, subprotocols=["streamlit"],
                                           max_size=None, open_timeout=60)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def lauf(self, timeout: float, **werte: str | list[str]) -> None:
        """One script run; `werte`: widget key -> string value (selectbox option) or list of
        ISO dates (date range)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string, cs.page_name, cs.page_script_hash = "", self.seite, self.seiten_hash
        for key, wert in werte.items():
            w = cs.widget_states.widgets.add()
            w.id = self.widgets[key]
            if isinstance(wert, str):
                w.string_value = wert
            else:
                w.string_array_value.data.extend(wert)
        await self.ws.send(msg.SerializeToString())
        self.texte = []
        async with asyncio.timeout(timeout):
            while True:
                fm = ForwardMsg()
                fm.ParseFromString(await self.ws.recv())
                art = fm.WhichOneof("type")
                if art == "new_session":
                    self.seiten_hash = fm.new_session.page_script_hash
                elif art == "delta" and fm.delta.WhichOneof("type") == "new_element":
                    el = fm.delta.new_element
                    inhalt = getattr(el, el.WhichOneof("type") or "", None)
                    wid = getattr(inhalt, "id", "")
                    if isinstance(wid, str) and "-filter_" in wid:
                        self.widgets["filter_" + wid.rsplit("-filter_", 1)[1]] = wid
                    if el.WhichOneof("type") == "markdown":
                        self.texte.append(el.markdown.body)
                elif art == "page_not_found":
                    raise RuntimeError(f"Seite {self.seite!r} nicht gefunden")
                elif art == "script_finished":
                    if fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        return


async def ws_sitzung(basis: str, seite: str, i: int, timeout: float,
                     eigen: int = 0) -> tuple[float, float]:
    """Open the page, then switch the Quartier filter: seconds until the script finished.
    `eigen` > 0: the period starts that many days after the project start as well, so that no
    other session's results are in Streamlit's cache."""
    async with WsSitzung(basis, seite) as s:
        t0 = time.monotonic()
        await s.lauf(timeout)
        t_auf = time.monotonic() - t0
        if "filter_quartier" not in s.widgets:
            raise RuntimeError("Filter „Quartier“ nicht gefunden")
        q = QUARTIERE[i % 2]
        werte: dict = {"filter_quartier": q}
        if eigen:
            von = LAUFZEIT_START + dt.timedelta(days=eigen)
            werte["filter_zeitraum"] = [von.isoformat(), LAUFZEIT_ENDE.isoformat()]
        t0 = time.monotonic()
        await s.lauf(timeout, **werte)
        t_filter = time.monotonic() - t0
        erwartet = f"Quartier: {q}" + (f" · Zeitraum: {von:%d.%m.%Y}" if eigen else "")
        if not any(erwartet in t for t in s.texte):   # the page's filter line
            raise RuntimeError(f"Filter „{erwartet}“ kam auf der Seite nicht an")
        return t_auf, t_filter


async def ws_runde(basis: str, seite: str, n: int, runden: int, timeout: float,
                   pid: int, eigen: bool = False) -> tuple:
    await ws_sitzung(basis, "uebersicht", 0, timeout)       # warm-up, not measured
    await ws_sitzung(basis, seite, 0, timeout)
    werte = []
    with Messung(pid) as m:
        for r in range(runden):
            werte += await asyncio.gather(*(
                ws_sitzung(basis, seite, i, timeout, eigen=(r * n + i + 1) if eigen else 0)
                for i in range(n)))
    return werte, m


# --- one N ---------------------------------------------------------------------------------------

def perzentil(werte: list[float], q: float) -> float:
    """q-quantile, linear interpolation (statistics.quantiles, 'inclusive')."""
    if len(werte) == 1:
        return werte[0]
    return statistics.quantiles(werte, n=100, method="inclusive")[round(q * 100) - 1]


def messen(db: Path, tmp: Path, n: int, seite: str, runden: int, client: str,
           timeout: float, eigen: bool) -> None:
    env = {"BIWAQ_DB": str(db), "BIWAQ_KOMMENTARE": str(tmp / "kommentare.sqlite"),
           "BIWAQ_OEFFENTLICH_DIR": str(tmp / "oeffentlich")}
    last_vor = load()
    server = StreamlitServer("dashboard.py", env=env)
    try:
        url = server.url + "/" + ("" if seite == "uebersicht" else seite)
        if client == "browser":
            werte, m = asyncio.run(browser_runde(url, n, runden, timeout * 1000,
                                                 server.proc.pid))
            abzug = PAUSE_S
        else:
            werte, m = asyncio.run(ws_runde(server.url, seite, n, runden, timeout,
                                            server.proc.pid, eigen))
            abzug = 0.0
    finally:
        server.stop()
    auf = [a - abzug for a, _ in werte]
    fil = [f - abzug for _, f in werte]
    je_sitzung = m.cpu / len(werte)
    print(f"| {n:>2} | {len(werte):>3} | {de(statistics.median(auf))} | {de(perzentil(auf, .9))} "
          f"| {de(statistics.median(fil))} | {de(perzentil(fil, .9))} | {de(je_sitzung)} "
          f"| {de(m.kerne)} | {tausender(m.spitze_mb)} | {de(100 * m.maschine, 0)} % "
          f"| {last_vor} → {load()} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=None,
                    help="Datenbank (nur lesend); Standard: Demodaten Faktor 1, frisch gebaut")
    ap.add_argument("--sitzungen", default="1,2,4,8,16", help="N, z. B. 1,2,4")
    ap.add_argument("--seite", default="uebersicht", help="Adresse der Seite aus der Registry")
    ap.add_argument("--runden", type=int, default=3, help="Runden je N (alle N gleichzeitig)")
    ap.add_argument("--client", choices=("browser", "websocket"), default="browser")
    ap.add_argument("--eigene-filter", action="store_true",
                    help="nur websocket: jede Sitzung mit eigenem Zeitraum (kein Cache-Treffer)")
    ap.add_argument("--timeout", type=float, default=300, help="Sekunden je Schritt höchstens")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if a.db is None:
            from biwaq.speicher import store
            db = tmp / "biwaq.duckdb"
            store.build(db, store.DEMO_DIR)
        else:
            db = a.db.resolve()
        print(f"Rechner: {os.cpu_count()} Kerne, Last {load()} (1 min); Datenbank {db} "
              f"({tausender(db.stat().st_size / 1e6)} MB); Seite {a.seite}; Client {a.client}; "
              f"{a.runden} Runden je N" + ("; jede Sitzung eigener Zeitraum (kein Cache-Treffer)"
                                           if a.eigene_filter else ""))
        if a.client == "browser":
            print("Hinweis: Server und Chromium teilen sich dieselben Kerne; bei großem N "
                  "nehmen die Browser dem Server Rechenzeit.")
        print("\n| N | Messungen | Öffnen Median s | Öffnen P90 s | Filter Median s | "
              "Filter P90 s | Server-CPU je Sitzung s | Server-CPU Kerne | Server RSS Spitze MB | Rechner ausgelastet "
              "| Last vor → nach |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for n in (int(x) for x in a.sitzungen.split(",")):
            messen(db, tmp, n, a.seite, a.runden, a.client, a.timeout, a.eigene_filter)
        if a.db is None:
            shutil.rmtree(tmp / "oeffentlich", ignore_errors=True)


if __name__ == "__main__":
    main()
