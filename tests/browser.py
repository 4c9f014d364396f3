"""Browser-test helpers: run `streamlit run` on a free port, drive it with headless Chromium."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
SCREENSHOTS = ROOT / "screenshots"


def chromium_path() -> str:
    path = os.environ.get("BIWAQ_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RuntimeError("Browser-Tests brauchen Chromium: `apt-get install -y chromium` "
                           "(oder BIWAQ_CHROMIUM=/pfad/zu/chromium setzen).")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """`streamlit run <script>` in a subprocess with its own environment."""

    def __init__(self, script: str = "dashboard.py", env: dict | None = None,
                 args: list[str] | None = None, cwd: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / script),
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", *(["--"] + args if args else [])]
        self.log = open(ROOT / ".pytest_cache" / f"streamlit_{self.port}.log", "w") \
            if (ROOT / ".pytest_cache").exists() else subprocess.DEVNULL
        self.proc = subprocess.Popen(cmd, cwd=cwd or ROOT, env={**os.environ, **(env or {})},
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit ist beendet (Code {self.proc.returncode})")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("streamlit antwortet nicht")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        if hasattr(self.log, "close"):
            self.log.close()


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until the page has rendered and Streamlit has finished running the script."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')""",
        timeout=timeout)
    page.wait_for_timeout(500)   # let charts finish drawing
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')""",
        timeout=timeout)


def warm_up(browser, url: str) -> None:
    """Open the start page once, so the first page a test opens does not also pay for the
    server's first script run (Streamlit's legacy `pages/` mode; `tests/test_browser_adressen.py`
    checks that a deep link opened first still works)."""
    pg = browser.new_page()
    try:
        pg.goto(url + "/")
        wait_for_app(pg)
    finally:
        pg.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def metric_value(page, label: str) -> str:
    """The shown value of the st.metric with this label."""
    box = page.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def parse_int(text: str) -> int:
    return int(text.replace(".", "").replace("\u202f", "").strip())
