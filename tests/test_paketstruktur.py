"""The package shows the flow (issue 10): biwaq/ is grouped einlesen → speicher → zahlen → app
→ oeffentlich; a group imports only groups before it, so no two groups import each other."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

ORDNUNG = ["einlesen", "speicher", "zahlen", "app", "oeffentlich"]
OBEN = {"__init__", "__main__", "cli"}          # stay at the top of biwaq/
SKRIPT = ROOT / "tools" / "umbau_paket.py"


def _modulname(pfad: Path) -> str:
    teile = pfad.relative_to(ROOT).with_suffix("").parts
    return ".".join(teile[:-1] if teile[-1] == "__init__" else teile)


def _module() -> dict[str, Path]:
    return {_modulname(p): p for p in (ROOT / "biwaq").rglob("*.py")
            if "__pycache__" not in p.parts}


def _importe(pfad: Path, module: dict[str, Path]) -> set[str]:
    """biwaq modules a file imports, at any level (also inside functions)."""
    out = set()
    for n in ast.walk(ast.parse(pfad.read_text(encoding="utf-8"))):
        if isinstance(n, ast.Import):
            out |= {a.name for a in n.names}
        elif isinstance(n, ast.ImportFrom) and n.level == 0 and n.module:
            out.add(n.module)
            out |= {f"{n.module}.{a.name}" for a in n.names}
        elif isinstance(n, ast.ImportFrom):
            raise AssertionError(f"{pfad}: relative import – use `from biwaq.<gruppe> import …`")
    return {m for m in out if m in module}


def _gruppe(modul: str) -> str | None:
    teile = modul.split(".")
    return teile[1] if len(teile) > 2 and teile[1] in ORDNUNG else None


def _kanten() -> list[tuple[str, str]]:
    module = _module()
    return [(m, z) for m, p in module.items() for z in _importe(p, module)]


def test_every_module_lives_in_a_group_only_cli_stays_on_top():
    flach = {p.stem for p in (ROOT / "biwaq").glob("*.py")}
    assert flach == OBEN
    ordner = {p.name for p in (ROOT / "biwaq").iterdir() if p.is_dir()} - {"__pycache__"}
    assert ordner == set(ORDNUNG)
    assert (ROOT / "biwaq" / "speicher" / "sql" / "schema.sql").exists()


def test_groups_import_only_groups_before_them():
    """einlesen → speicher → zahlen → app → oeffentlich: an import that runs back up the
    flow (e.g. zahlen importing app) would let two groups import each other."""
    falsch = []
    for von, nach in _kanten():
        gv, gn = _gruppe(von), _gruppe(nach)
        if gv and gn and ORDNUNG.index(gn) > ORDNUNG.index(gv):
            falsch.append(f"{von} -> {nach}")
    assert not falsch, falsch
    # the check can fail: the graph holds edges across groups at all
    assert ("biwaq.speicher.store", "biwaq.einlesen.geo") in _kanten()


def test_no_import_cycle_between_groups():
    """Independent of the order above: the graph of groups (ast imports) has no cycle."""
    graph: dict[str, set[str]] = {g: set() for g in ORDNUNG}
    for von, nach in _kanten():
        gv, gn = _gruppe(von), _gruppe(nach)
        if gv and gn and gv != gn:
            graph[gv].add(gn)
    farbe: dict[str, int] = {}

    def besuch(g: str, weg: list[str]) -> None:
        farbe[g] = 1
        for n in graph[g]:
            if farbe.get(n) == 1:
                raise AssertionError(" -> ".join(weg + [g, n]))
            if n not in farbe:
                besuch(n, weg + [g])
        farbe[g] = 2

    for g in ORDNUNG:
        if g not in farbe:
            besuch(g, [])


def _zyklen_der_module() -> list[list[str]]:
    """Import cycles between modules (ast imports at any level, also inside functions)."""
    graph: dict[str, set[str]] = {}
    for von, nach in _kanten():
        if von != nach:
            graph.setdefault(von, set()).add(nach)
    zyklen, farbe = [], {}

    def besuch(m: str, weg: list[str]) -> None:
        farbe[m] = 1
        for n in sorted(graph.get(m, ())):
            if farbe.get(n) == 1:
                zyklen.append(weg[weg.index(n):] + [n] if n in weg else [m, n])
            elif n not in farbe:
                besuch(n, weg + [n])
        farbe[m] = 2

    for m in sorted(graph):
        if m not in farbe:
            besuch(m, [m])
    return zyklen


def test_no_import_cycle_between_modules_also_inside_a_group():
    """E.g. bericht -> bericht_pdf -> bericht (a function-level import) was such a cycle: the
    report's file writer now lives in bericht_pdf, which alone imports bericht."""
    assert not _zyklen_der_module(), _zyklen_der_module()
    assert ("biwaq.app.bericht_pdf", "biwaq.app.bericht") in _kanten()


def test_geo_and_store_no_longer_import_each_other():
    kanten = set(_kanten())
    assert ("biwaq.einlesen.geo", "biwaq.speicher.store") not in kanten
    assert ("biwaq.einlesen.geo", "biwaq.einlesen.metadaten") in kanten
    from biwaq.einlesen import metadaten
    from biwaq.speicher import store
    assert store.set_meta is metadaten.set_meta and store.get_meta is metadaten.get_meta


def test_only_app_and_public_groups_use_streamlit():
    """einlesen, speicher and zahlen stay importable and testable without Streamlit."""
    module = _module()
    falsch = []
    for m, p in module.items():
        if _gruppe(m) in ("einlesen", "speicher", "zahlen"):
            baum = ast.parse(p.read_text(encoding="utf-8"))
            for n in ast.walk(baum):
                namen = ([a.name for a in n.names] if isinstance(n, ast.Import) else
                         [n.module or ""] if isinstance(n, ast.ImportFrom) else [])
                falsch += [f"{m}: {x}" for x in namen if x.split(".")[0] == "streamlit"]
    assert not falsch, falsch


def test_script_finds_nothing_left_to_do_on_this_checkout():
    r = subprocess.run([sys.executable, str(SKRIPT), "--check", "--repo", str(ROOT)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo,
                   check=True, capture_output=True)


@pytest.fixture
def kleines_repo(tmp_path: Path) -> Path:
    """A tiny flat checkout: geo and store import each other, a test patches a dotted name."""
    (tmp_path / "biwaq" / "sql").mkdir(parents=True)
    (tmp_path / "tests").mkdir()
    (tmp_path / "biwaq" / "__init__.py").write_text('"""biwaq."""\n')
    (tmp_path / "biwaq" / "sql" / "schema.sql").write_text("create table _meta(k text);\n")
    (tmp_path / "biwaq" / "contract.py").write_text("X = 1\n")
    (tmp_path / "biwaq" / "store.py").write_text(
        "from pathlib import Path\n\nfrom biwaq.contract import X\n\n"
        "ROOT = Path(__file__).resolve().parent.parent\n"
        'SCHEMA = Path(__file__).with_name("sql") / "schema.sql"\n\n\n'
        "def set_meta(con, **values):\n    return values\n\n\n"
        "def get_meta(con):\n    return {}\n\n\n"
        "def build():\n    from biwaq import geo   # heavy\n    return geo\n")
    (tmp_path / "biwaq" / "geo.py").write_text(
        "from biwaq import store\n\n\ndef store_districts(con):\n"
        "    store.set_meta(con, a=1)\n")
    (tmp_path / "biwaq" / "ui.py").write_text("from biwaq import contract, geo, store\n")
    (tmp_path / "tests" / "test_x.py").write_text(
        'def test_x(monkeypatch):\n    monkeypatch.setattr("biwaq.ui.query", None)\n'
        'CODE = "import sys; from biwaq import store; print(1)"\n'
        'DATEIEN = ROOT.glob("biwaq/*.py")\n')
    (tmp_path / "README.md").write_text(
        "# x\n\nSiehe `biwaq/geo.py` und `biwaq/sql/schema.sql`.\n\n## Aufbau\n\n```\n"
        "biwaq/   alt\n  geo.py  alt\noeffentlich.py  x\n```\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "flat")
    return tmp_path


def _lauf(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SKRIPT), "--repo", str(repo), *args],
                          capture_output=True, text=True)


def test_script_regroups_a_flat_checkout_and_is_idempotent(kleines_repo: Path):
    assert _lauf(kleines_repo, "--check").returncode == 1
    r = _lauf(kleines_repo)
    assert r.returncode == 0, r.stderr
    b = kleines_repo / "biwaq"
    assert (b / "einlesen" / "geo.py").exists() and not (b / "geo.py").exists()
    assert (b / "speicher" / "sql" / "schema.sql").exists()
    store = (b / "speicher" / "store.py").read_text()
    assert "ROOT = Path(__file__).resolve().parents[2]" in store
    assert "from biwaq.einlesen.contract import X" in store
    assert "    from biwaq.einlesen import geo   # heavy\n" in store
    assert "def set_meta" not in store
    assert "from biwaq.einlesen.metadaten import get_meta, set_meta" in store
    geo = (b / "einlesen" / "geo.py").read_text()
    assert "from biwaq.einlesen import metadaten\n" in geo
    assert "metadaten.set_meta(con, a=1)" in geo and "store" not in geo.replace(
        "store_districts", "")
    assert "def set_meta" in (b / "einlesen" / "metadaten.py").read_text()
    assert (b / "app" / "ui.py").read_text() == ("from biwaq.einlesen import contract, geo\n"
                                                 "from biwaq.speicher import store\n")
    test_x = (kleines_repo / "tests" / "test_x.py").read_text()
    assert '"biwaq.app.ui.query"' in test_x
    assert '"import sys; from biwaq.speicher import store; print(1)"' in test_x
    assert 'ROOT.glob("biwaq/**/*.py")' in test_x
    readme = (kleines_repo / "README.md").read_text()
    assert "`biwaq/einlesen/geo.py` und `biwaq/speicher/sql/schema.sql`" in readme
    assert "  einlesen/" in readme and "oeffentlich.py  x\n" in readme
    _git(kleines_repo, "add", "-A")
    _git(kleines_repo, "commit", "-qm", "grouped")
    nochmal = _lauf(kleines_repo)
    assert nochmal.returncode == 0 and "Nichts zu tun" in nochmal.stdout
    status = subprocess.run(["git", "status", "--porcelain"], cwd=kleines_repo,
                            capture_output=True, text=True).stdout
    assert status == ""
    assert _lauf(kleines_repo, "--check").returncode == 0


def test_script_stops_on_a_module_missing_from_its_table(kleines_repo: Path):
    (kleines_repo / "biwaq" / "neu_modul.py").write_text("X = 2\n")
    r = _lauf(kleines_repo)
    assert r.returncode == 2
    assert "biwaq/neu_modul.py: nicht in der Tabelle MODULE" in r.stderr
    assert (kleines_repo / "biwaq" / "geo.py").exists()           # nothing was changed
    assert not (kleines_repo / "biwaq" / "einlesen").exists()
