"""Deployable by a city's IT: requirement files, the README's two set-up commands, .ci/run,
and the container recipe (Dockerfile, compose.yaml, .dockerignore).

Docker cannot build on this machine (no engine). So the recipe is checked for consistency
(ports, health path, user, volumes), and its commands are run as written: the Dockerfile's
`RUN pip install` lines in a fresh virtual environment, its `CMD` with its `ENV` on a free port,
and its `HEALTHCHECK` command against that server (marked `slow`); a browser then checks that
the container's dashboard serves no data without a usable sign-in (`[auth]`).
"""
from __future__ import annotations

import ast
import json
import os
import re
import shlex
import subprocess
import sys
import time
import venv
from pathlib import Path, PurePosixPath

import pytest
import yaml

from browser import free_port
from conftest import ROOT

# pillow is a runtime dependency since table widths are measured with it (biwaq/app/spalten.py)
TEST_TOOLS = {"pytest", "pytest-xdist", "playwright", "axe-playwright-python", "lifelines",
              "pypdf", "pyyaml"}
INSTALL_CMD = "pip install -r requirements.txt && streamlit run dashboard.py"
TEST_CMD = "pip install -r requirements-test.txt && python -m pytest"


# --- requirement files and the README's commands ----------------------------------------------

def _requirements(path: Path) -> tuple[dict[str, str], list[str]]:
    """{lower-case name: version} of the pinned lines, and the `-r` includes."""
    pins, includes = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            includes.append(line[3:].strip())
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([0-9][A-Za-z0-9.\-+]*)", line)
        assert m, f"{path.name}: nicht exakt gepinnt: {line!r}"
        pins[m.group(1).lower()] = m.group(2)
    return pins, includes


def test_runtime_requirements_hold_no_test_tools_and_test_file_includes_them():
    run, run_inc = _requirements(ROOT / "requirements.txt")
    test, test_inc = _requirements(ROOT / "requirements-test.txt")
    assert run_inc == []
    assert {"streamlit", "duckdb", "pandas", "fpdf2", "authlib"} <= set(run)
    assert not (TEST_TOOLS & set(run)), "Testwerkzeuge gehören nach requirements-test.txt"
    assert test_inc == ["requirements.txt"]
    assert TEST_TOOLS <= set(test)
    assert not (set(run) & set(test)), "doppelt gepinnt"


def _runtime_imports() -> set[str]:
    files = [ROOT / "dashboard.py", ROOT / "oeffentlich.py", *ROOT.glob("biwaq/**/*.py"),
             *ROOT.glob("pages/*/*.py")]
    mods = set()
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                mods |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                mods.add(node.module.split(".")[0])
    return mods


def test_dashboard_code_imports_no_test_tool():
    mods = _runtime_imports()
    assert "streamlit" in mods and "duckdb" in mods          # the scan sees real imports
    assert not mods & {"pytest", "playwright", "axe_playwright_python", "lifelines", "pypdf",
                       "yaml"}


def _bash_blocks(section: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", section, flags=re.S)]


def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, flags=re.S | re.M)
    assert m, f"README: Abschnitt {title} fehlt"
    return m.group(1)


def test_readme_quick_start_has_exactly_two_setup_commands():
    assert _bash_blocks(_readme_section("Schnellstart")) == [INSTALL_CMD, TEST_CMD]


def test_ci_runs_exactly_the_readme_test_command(tmp_path):
    """.ci/run takes the test command from the README; run its extraction line as written."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "apt-get install -y -q chromium" in script and "command -v chromium" in script
    line = next(ln for ln in script.splitlines() if ln.startswith("TEST_CMD="))
    out = subprocess.run(["bash", "-c", f"{line}\nprintf %s \"$TEST_CMD\""], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert out == TEST_CMD
    assert 'bash -c "$TEST_CMD"' in script


# --- Dockerfile ---------------------------------------------------------------------------------

def _dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    out, buf = [], ""
    for raw in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if raw.lstrip().startswith("#") and not buf:
            continue
        if raw.rstrip().endswith("\\"):
            buf += raw.rstrip()[:-1] + " "
            continue
        line = (buf + raw).strip()
        buf = ""
        if line:
            instr, _, args = line.partition(" ")
            out.append((instr.upper(), args.strip()))
    return out


def _docker_env() -> dict[str, str]:
    env = {}
    for instr, args in _dockerfile():
        if instr == "ENV":
            for tok in shlex.split(args):
                k, _, v = tok.partition("=")
                env[k] = v
    return env


def _exec_form(args: str) -> list[str]:
    cmd = json.loads(args)
    assert isinstance(cmd, list) and all(isinstance(a, str) for a in cmd)
    return cmd


def test_dockerfile_base_user_port_and_health_check():
    instrs = _dockerfile()
    assert instrs[0] == ("FROM", "python:3.11-slim")
    users = [a for i, a in instrs if i == "USER"]
    assert users and users[-1] not in {"root", "0"} and not users[-1].startswith("0:")
    # the last USER comes after the last RUN: nothing later runs as root
    last_user = max(n for n, (i, _) in enumerate(instrs) if i == "USER")
    assert last_user > max(n for n, (i, _) in enumerate(instrs) if i == "RUN")
    env = _docker_env()
    assert env["STREAMLIT_SERVER_ADDRESS"] == "0.0.0.0"
    expose = [a for i, a in instrs if i == "EXPOSE"]
    assert expose == [env["STREAMLIT_SERVER_PORT"]]
    health = next(a for i, a in instrs if i == "HEALTHCHECK")
    opts, _, cmd = health.partition("CMD ")
    hc = _exec_form(cmd)
    assert "/_stcore/health" in " ".join(hc) and "STREAMLIT_SERVER_PORT" in " ".join(hc)
    assert "--start-period=" in opts
    cmd = _exec_form(next(a for i, a in instrs if i == "CMD"))
    assert cmd[:4] == ["python", "-m", "streamlit", "run"] and (ROOT / cmd[4]).exists()
    # the database and the published folder are outside the image's code
    assert PurePosixPath(env["BIWAQ_DB"]).is_absolute()
    assert PurePosixPath(env["BIWAQ_OEFFENTLICH_DIR"]).is_absolute()


def test_dockerignore_keeps_secrets_and_data_out_of_the_image():
    rules = [ln.strip() for ln in (ROOT / ".dockerignore").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    for needed in (".git", ".streamlit/secrets.toml", "secrets", "data/*.duckdb",
                   "data/backup", "data/oeffentlich"):
        assert needed in rules
    assert not any(r.startswith("data/demo") or r == "data" for r in rules), \
        "die Demodaten braucht der erste Start"
    assert "secrets/" in (ROOT / ".gitignore").read_text()


# --- compose.yaml -------------------------------------------------------------------------------

def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def _mounts(service: dict) -> dict[str, tuple[str, str]]:
    """{container path: (volume name, mode)}."""
    out = {}
    for spec in service.get("volumes", []):
        parts = spec.split(":")
        out[parts[1]] = (parts[0], parts[2] if len(parts) > 2 else "rw")
    return out


def _within(path: str, folder: str) -> bool:
    return PurePosixPath(folder) in PurePosixPath(path).parents


def test_compose_two_services_volumes_and_ports():
    c = _compose()
    env = _docker_env()
    port = env["STREAMLIT_SERVER_PORT"]
    dash, pub = c["services"]["dashboard"], c["services"]["oeffentlich"]
    assert dash["command"][-1] == "dashboard.py" and pub["command"][-1] == "oeffentlich.py"
    host_ports = []
    for svc in (dash, pub):
        assert svc["build"] == "." and svc["image"] == dash["image"]
        (p,) = svc["ports"]
        host, hport, cport = p.split(":")
        assert host == "127.0.0.1" and cport == port      # only the reverse proxy reaches it
        host_ports.append(hport)
    assert len(set(host_ports)) == 2
    named = set(c["volumes"])
    dm, pm = _mounts(dash), _mounts(pub)
    assert {v for v, _ in dm.values()} | {v for v, _ in pm.values()} <= named
    # the dashboard holds the database folder (writable: imports, backups) ...
    db_mount = next(p for p in dm if _within(env["BIWAQ_DB"], p))
    assert dm[db_mount][1] == "rw"
    # ... and the published folder's parent: publishing replaces the folder inside it
    pub_mount = next(p for p in dm if _within(env["BIWAQ_OEFFENTLICH_DIR"], p))
    assert pub_mount != db_mount
    # the public service holds only the published volume, read-only
    assert list(pm.values()) == [(dm[pub_mount][0], "ro")]
    assert _within(env["BIWAQ_OEFFENTLICH_DIR"], next(iter(pm)))
    assert not any(_within(env["BIWAQ_DB"], p) for p in pm)
    assert "secrets" not in pub
    # sign-in settings are mounted at run time, not baked into the image
    (sec,) = dash["secrets"]
    assert sec["target"] == "/app/.streamlit/secrets.toml"
    assert c["secrets"][sec["source"]]["file"].startswith("./secrets/")


# --- the recipe's commands, run as written ------------------------------------------------------

def _pip_runs() -> list[list[str]]:
    runs = []
    for instr, args in _dockerfile():
        if instr == "RUN" and args.startswith("pip install"):
            runs.append(shlex.split(args))
    return runs


@pytest.mark.slow
def test_dockerfile_pip_lines_resolve_in_a_fresh_venv(tmp_path):
    """Each `RUN pip install ...` resolves for Python 3.11 in an empty virtual environment
    (`--dry-run`: pip downloads and resolves every pinned wheel, installs nothing)."""
    runs = _pip_runs()
    assert runs == [["pip", "install", "--no-cache-dir", "-r", "requirements.txt"]]
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    assert subprocess.run([str(py), "-c", "import streamlit"], capture_output=True).returncode
    for cmd in runs:
        argv = [str(py), "-m", *cmd, "--dry-run", "--quiet", "--report", str(tmp_path / "r.json")]
        res = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert res.returncode == 0, res.stderr[-3000:]
    report = json.loads((tmp_path / "r.json").read_text())
    got = {i["metadata"]["name"].lower(): i["metadata"]["version"] for i in report["install"]}
    pins, _ = _requirements(ROOT / "requirements.txt")
    assert {k: got.get(k) for k in pins} == pins


# secrets.toml as mounted by compose: not yet filled in, half filled in, complete
SECRETS_OHNE_AUTH = "# Zugangsdaten der Stadt hier eintragen (README „Betrieb“)\n"
SECRETS_UNVOLLSTAENDIG = '[auth]\nredirect_uri = "https://biwaq-dashboard.example.de/oauth2callback"\n'
SECRETS_VOLLSTAENDIG = """[auth]
redirect_uri = "https://biwaq-dashboard.example.de/oauth2callback"
cookie_secret = "ein-langer-zufallswert-nur-fuer-den-test"
client_id = "biwaq"
client_secret = "geheim"
server_metadata_url = "https://login.example.de/.well-known/openid-configuration"
"""
FEHLERSEITE = "Die Anmeldung ist falsch eingerichtet"
ANMELDESEITE = "Bitte melden Sie sich"   # start page, and every page's own address


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("service, secrets, sichtbar, grund", [
    ("dashboard", SECRETS_OHNE_AUTH, FEHLERSEITE, "für ein Netz geöffnet"),
    ("dashboard", SECRETS_UNVOLLSTAENDIG, FEHLERSEITE, "fehlt „cookie_secret“"),
    ("dashboard", SECRETS_VOLLSTAENDIG, ANMELDESEITE, None),
    ("oeffentlich", None, "Es sind noch keine Zahlen veröffentlicht", None),
], ids=["dashboard-ohne-auth", "dashboard-auth-unvollstaendig", "dashboard-mit-auth",
        "oeffentlich"])
def test_compose_command_starts_and_healthcheck_passes(service, secrets, sichtbar, grund,
                                                       tmp_path, demo_db, browser):
    """The service's command with the image's ENV as written — listening on 0.0.0.0 like in the
    container; only the port moves to a free one and the data paths to a temp folder — starts,
    and the HEALTHCHECK command as written exits 0 (and fails once the server is gone).

    Sign-in fails closed in the container: with a secrets file that has no usable `[auth]`, the
    dashboard (a full demo database behind it) shows only the German error page — on its start
    page and on a data page's address — with no figures, tables or navigation; with a complete
    `[auth]` it asks to sign in and shows no data either. The health check passes in every case
    (the server runs; it just serves nothing)."""
    env = {**os.environ, **_docker_env()}
    assert env["STREAMLIT_SERVER_ADDRESS"] == "0.0.0.0"
    env.update(STREAMLIT_SERVER_PORT=str(free_port()),
               STREAMLIT_SERVER_FILE_WATCHER_TYPE="none",
               BIWAQ_DB=str(tmp_path / "biwaq.duckdb"),
               BIWAQ_OEFFENTLICH_DIR=str(tmp_path / "oeffentlich"),
               # only the file compose mounts (never a developer's own secrets.toml)
               STREAMLIT_SECRETS_FILES=str(tmp_path / "secrets.toml"))
    if secrets is not None:
        (tmp_path / "secrets.toml").write_text(secrets, encoding="utf-8")
    if service == "dashboard":
        import shutil
        shutil.copy(demo_db, tmp_path / "biwaq.duckdb")
    cmd = _compose()["services"][service]["command"]
    cmd = [sys.executable if cmd[0] == "python" else cmd[0], *cmd[1:]]
    health = _exec_form(next(a for i, a in _dockerfile() if i == "HEALTHCHECK")
                        .partition("CMD ")[2])
    health = [sys.executable, *health[1:]]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            ok = subprocess.run(health, env=env, capture_output=True).returncode == 0
            if ok or time.monotonic() > deadline or proc.poll() is not None:
                break
            time.sleep(0.5)
        assert ok, "Health-Check des Containers schlägt fehl"
        url = f"http://127.0.0.1:{env['STREAMLIT_SERVER_PORT']}"
        page = browser.new_page()
        try:
            pfade = ["/", "/daten", "/uebersicht"] if service == "dashboard" else ["/"]
            for pfad in pfade:
                page.goto(url + pfad)
                page.get_by_text(sichtbar).first.wait_for(timeout=90_000)
                page.wait_for_function("() => !document.querySelector("
                                       "'[data-testid=\"stStatusWidget\"]')", timeout=60_000)
                if grund:
                    assert page.get_by_text(grund).count() >= 1
                if service == "dashboard":     # no data at all behind a missing sign-in
                    for testid in ("stDataFrame", "stMetric", "stPlotlyChart",
                                   "stFileUploader", "stSidebarNav", "stDownloadButton"):
                        assert page.locator(f'[data-testid="{testid}"]').count() == 0, \
                            f"{pfad}: {testid} sichtbar"
        finally:
            page.close()
    finally:
        proc.terminate()
        proc.wait(15)
    assert subprocess.run(health, env=env, capture_output=True).returncode != 0
