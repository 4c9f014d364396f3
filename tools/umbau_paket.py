"""Regroup the flat `biwaq/` package into subpackages along the flow of data (issue 10).

    einlesen → speicher → zahlen → app → oeffentlich

A group may import the groups before it, never one after it; `cli.py` and `__main__.py`
stay at the top (`python -m biwaq …` keeps working). The script is idempotent and works on
any checkout of this repository (run it from anywhere):

    python tools/umbau_paket.py            # regroup, then commit the result
    python tools/umbau_paket.py --check    # only say whether anything is left to do (exit 1)
    python tools/umbau_paket.py --repo DIR

What it does, in this order:
1. Refuses (exit 2, nothing changed) when `biwaq/` holds a module that is not in `MODULE`
   below, a folder that is not a group, or a module twice: add a new module to `MODULE`
   (group and a short German description for the README) and run again.
2. Breaks the import cycle geo ↔ store: `set_meta`/`get_meta` (the `_meta` table) move from
   `store.py` into `einlesen/metadaten.py`; `store` re-exports them, `geo` imports metadaten.
3. `git mv` of every module (and `biwaq/sql/`) into its group; writes each group's
   `__init__.py`.
4. Rewrites every tracked `*.py`, `*.md`, `*.sql` and `requirements*.txt`: `from biwaq import
   a, b` (split by group), dotted names `biwaq.x` (imports and strings such as
   `"biwaq.ui.query"` in tests), paths `biwaq/x.py`, `"biwaq" / "x.py"` and `biwaq/sql/`,
   and `Path(__file__)…parent.parent` in moved modules; any other `__file__` use in a moved
   module stops the script for a look by hand.
5. Regenerates the `biwaq/` part of the "Aufbau" listing in README.md from `GROUPS`/`MODULE`.
"""
from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from pathlib import Path

# Group folder, heading in the README listing (in the order of the data flow).
GROUPS: dict[str, str] = {
    "einlesen": "1 Einlesen: Datenvertrag, Dateiformate, Prüfregeln, Geodaten, Demodaten",
    "speicher": "2 Speicher: DuckDB-Schema, Aufbau, Import, Filter, benannte Abfragen",
    "zahlen": "3 Zahlen: Katalog der Kennzahlen und die Schätzer (ohne Streamlit)",
    "app": "4 App: Streamlit-Hilfen, Rollen, Diagramme, Downloads, Bericht",
    "oeffentlich": "5 Öffentlich: Geheimhaltung, Veröffentlichen, öffentliche Ansicht",
}

# Module -> (group, German description for the README). New modules: add one line here.
MODULE: dict[str, tuple[str, str]] = {
    "contract": ("einlesen", "Datenvertrag als Code (Tabellen, Spalten, Wertelisten)"),
    "werte": ("einlesen", "was gesehen wurde, wird gespeichert: Werte lesen oder ablehnen"),
    "fileio": ("einlesen", "Lesen/Schreiben von Vertragsdateien (CSV-Varianten, XLSX)"),
    "zellformat": ("einlesen", "Excel-Zellen wie angezeigt: Zahlenformate, Datumszellen, "
                               "ausgeblendete Zeilen/Spalten"),
    "validate": ("einlesen", "Prüfregeln des Vertrags mit deutschen Fehlermeldungen"),
    "geo": ("einlesen", "Stadtteilgrenzen lesen/prüfen, Lage zuordnen, Grenzen ersetzen"),
    "metadaten": ("einlesen", "Angaben zum Datenstand (Tabelle _meta) schreiben und lesen"),
    "demo": ("einlesen", "Demodaten-Generator"),
    "store": ("speicher", "DuckDB-Schema (sql/schema.sql, Makros sql/makros.sql), Aufbau, "
                          "Verbindungen"),
    "importer": ("speicher", "Import einer Lieferung: alles oder nichts, Upsert, Protokoll, "
                             "Sicherung"),
    "filters": ("speicher", "die gemeinsamen Filter als Werte für SQL-Parameter"),
    "queries": ("speicher", "run_query(name, **params): Werte immer als DuckDB-Parameter"),
    "kennzahlen": ("zahlen", "Katalog aller Kennzahlen: Beschriftung, Definition, Quelle, "
                             "Rundung"),
    "analytics": ("zahlen", "Kennzahlen Teilnehmende (Trichter, Aalen–Johansen, ESF+-"
                            "Indikatoren)"),
    "survival": ("zahlen", "Kaplan–Meier mit Zensierung, verzögertem Eintritt, Greenwood-Band"),
    "oekonomie": ("zahlen", "Kennzahlen Lokale Ökonomie (Leerstände, Betriebe, Überleben)"),
    "zielstand": ("zahlen", "Zielwerte und Zielerreichung im Verlauf"),
    "quality": ("zahlen", "Datenqualitätsregeln Q01–Q37"),
    "texte": ("zahlen", "Zahl mit Einzahl/Mehrzahl („1 aktiven Betrieb“)"),
    "zusammenfassung": ("zahlen", "Ein-Satz-Zusammenfassungen der Diagramme (Textalternative)"),
    "registry": ("app", "Seitenverzeichnis (Bereich, Adresse, Rollen)"),
    "auth": ("app", "Anmeldung (st.login) und Rollen: Navigation je Rolle"),
    "ui": ("app", "Streamlit-Hilfen der Seiten: Filterleiste, Verbindung, Tabellen"),
    "spalten": ("app", "Spaltenbreiten der Tabellen aus dem längsten Text (nichts abgeschnitten)"),
    "barrierefrei": ("app", "Sprache de, Kontrast, deutscher Datei-Upload (beide Einstiege)"),
    "export": ("app", "Downloads: CSV für deutsches Excel, XLSX, jeweils mit Filterangaben"),
    "charts": ("app", "Plotly-Diagramme, Farbschema (Okabe–Ito, farbenblind lesbar)"),
    "charts_teilnehmende": ("app", "Diagramme der Teilnehmende-Seiten"),
    "charts_oekonomie": ("app", "Karte, Verlauf, Betriebs- und Überlebensdiagramme"),
    "charts_zielstand": ("app", "Diagramme zum Zielstand"),
    "charts_bericht": ("app", "Diagramme des Berichts"),
    "kartentext": ("app", "Kartenbeschriftung als Schriftumrisse (ohne Schriftserver)"),
    "kartenserver": ("app", "prüft im Browser, ob die Straßenkarte erreichbar ist"),
    "zielstand_ui": ("app", "Zielstand auf den Seiten"),
    "kommentare": ("app", "Kommentare zu Kennzahlen (eigene kleine Ablage)"),
    "kommentare_ui": ("app", "Kommentare auf den Seiten"),
    "bericht": ("app", "Bericht für den Lenkungskreis: Inhalte"),
    "bericht_pdf": ("app", "Bericht als PDF"),
    "bericht_ui": ("app", "Bericht auf der Seite"),
    "disclosure": ("oeffentlich", "Geheimhaltung: Primär-/Sekundärsperrung, LP-Prüfung"),
    "rollenschutz": ("oeffentlich", "Zahlen für andere Rollen als Steuerung: dieselbe "
                                    "Kleinzahlregel"),
    "revisionen": ("oeffentlich", "Veröffentlichungen gemeinsam geprüft (Revisionen)"),
    "publish": ("oeffentlich", "öffentliche Tabellen bauen, sperren, prüfen, schreiben"),
    "published": ("oeffentlich", "veröffentlichtes Verzeichnis lesen (ohne Datenbank)"),
    "vorschau": ("oeffentlich", "Vorschau vor dem Veröffentlichen (interne App)"),
    "aktualitaet": ("oeffentlich", "ob eine Veröffentlichung noch zu den Daten passt "
                                   "(gespeicherter Fingerabdruck)"),
    "public_view": ("oeffentlich", "öffentliche Ansicht: Zahlen und Diagramme"),
    "public_ui": ("oeffentlich", "öffentliche Ansicht in Streamlit"),
    "handout": ("oeffentlich", "Handzettel (PDF)"),
    "foerderhinweis": ("oeffentlich", "Förderhinweis mit EU-Emblem (App und PDF)"),
    "erklaerung": ("oeffentlich", "Erklärung zur Barrierefreiheit (öffentliche Seite)"),
}

# Stay at the top of biwaq/.
TOP = {"__init__", "__main__", "cli"}
# Folders moved along with a module: biwaq/<name>/ -> biwaq/<group>/<name>/.
ORDNER = {"sql": "speicher"}
# `__file__` uses allowed in a moved module (after rewriting); anything else stops the script.
FILE_OK = (re.compile(r"Path\(__file__\)\.resolve\(\)\.parents\[2\]"),
           re.compile(r'Path\(__file__\)\.with_name\("sql"\)'))
TEXT_SUFFIXES = (".py", ".md", ".sql")
# Never rewritten: this script and its test (their flat names are the input, on purpose).
AUSGENOMMEN = {Path("tools/umbau_paket.py"), Path("tests/test_paketstruktur.py")}


class Abbruch(Exception):
    """The checkout is not in a state the script can regroup; nothing has been changed."""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout


# --- 1. What is there --------------------------------------------------------------------------

def bestand(repo: Path) -> dict[str, Path]:
    """Every module of biwaq/ (flat or already grouped) -> its path; raises Abbruch on
    unknown modules, unknown folders or a module found twice."""
    pkg = repo / "biwaq"
    if not (pkg / "__init__.py").exists():
        raise Abbruch(f"{pkg} ist kein Paket (biwaq/__init__.py fehlt).")
    fehler, gefunden = [], {}
    for p in sorted(pkg.glob("*.py")):
        if p.stem not in TOP and p.stem not in MODULE:
            fehler.append(f"biwaq/{p.name}: nicht in der Tabelle MODULE")
        gefunden.setdefault(p.stem, []).append(p)
    for d in sorted(x for x in pkg.iterdir() if x.is_dir()):
        if d.name in ORDNER or d.name == "__pycache__":
            continue
        if d.name not in GROUPS:
            fehler.append(f"biwaq/{d.name}/: unbekannter Ordner (keine Gruppe aus GROUPS)")
            continue
        for p in sorted(d.glob("*.py")):
            if p.stem == "__init__":
                continue
            if p.stem not in MODULE:
                fehler.append(f"biwaq/{d.name}/{p.name}: nicht in der Tabelle MODULE")
            elif MODULE[p.stem][0] != d.name:
                fehler.append(f"biwaq/{d.name}/{p.name}: laut MODULE in {MODULE[p.stem][0]}/")
            gefunden.setdefault(p.stem, []).append(p)
    for name, ps in gefunden.items():
        if len(ps) > 1:
            fehler.append(f"Modul {name} liegt mehrfach vor: {', '.join(map(str, ps))}")
    if fehler:
        raise Abbruch("Umbau abgebrochen, nichts geändert:\n  " + "\n  ".join(fehler)
                      + "\nNeue Module in tools/umbau_paket.py, Tabelle MODULE, eintragen "
                        "(Gruppe und Beschreibung).")
    return {n: ps[0] for n, ps in gefunden.items()}


# --- 2. The geo <-> store cycle ----------------------------------------------------------------

METADATEN_KOPF = '''"""Notes on the loaded data (table `_meta`: source, as-of date, geodata): write and read.

Shared by the store (build, import) and the geodata step, so that `geo` need not import
`store` (which imports `geo` when it builds).
"""
from __future__ import annotations

import duckdb


'''


def zyklus_aufloesen(repo: Path) -> bool:
    """Move set_meta/get_meta from biwaq/store.py to biwaq/metadaten.py (flat checkout only)."""
    store, geo = repo / "biwaq/store.py", repo / "biwaq/geo.py"
    if not store.exists():
        return False                       # already regrouped
    text = store.read_text(encoding="utf-8")
    baum = ast.parse(text)
    funcs = [n for n in baum.body if isinstance(n, ast.FunctionDef)
             and n.name in ("set_meta", "get_meta")]
    if len(funcs) != 2:
        raise Abbruch("biwaq/store.py definiert set_meta/get_meta nicht mehr wie erwartet: "
                      "Zyklus geo ↔ store von Hand prüfen.")
    zeilen = text.splitlines(keepends=True)
    teile = []
    for f in sorted(funcs, key=lambda n: n.lineno, reverse=True):
        start = (f.decorator_list[0].lineno if f.decorator_list else f.lineno) - 1
        ende = f.end_lineno
        while ende < len(zeilen) and not zeilen[ende].strip():
            ende += 1
        teile.insert(0, "".join(zeilen[start:f.end_lineno]).rstrip() + "\n")
        del zeilen[start:ende]
    letzte = max(n.end_lineno for n in baum.body
                 if isinstance(n, (ast.Import, ast.ImportFrom)) and n.col_offset == 0
                 and n.lineno < min(f.lineno for f in funcs))
    zeilen.insert(letzte, "from biwaq.metadaten import get_meta, set_meta  "
                          "# noqa: F401 (re-exported)\n")
    (repo / "biwaq/metadaten.py").write_text(METADATEN_KOPF + "\n\n".join(teile),
                                             encoding="utf-8")
    store.write_text("".join(zeilen), encoding="utf-8")
    g = geo.read_text(encoding="utf-8")
    if "from biwaq import store\n" not in g:
        raise Abbruch("biwaq/geo.py importiert store nicht wie erwartet: von Hand prüfen.")
    g = g.replace("from biwaq import store\n", "from biwaq import metadaten\n")
    g = g.replace("store.set_meta(", "metadaten.set_meta(")
    rest = re.findall(r"(?<![\w.])store\.\w+", g)
    if rest:
        raise Abbruch(f"biwaq/geo.py nutzt noch {sorted(set(rest))}: Zyklus von Hand lösen.")
    geo.write_text(g, encoding="utf-8")
    git(repo, "add", "biwaq/metadaten.py")
    return True


# --- 3. Moving ---------------------------------------------------------------------------------

def verschieben(repo: Path, module: dict[str, Path]) -> list[str]:
    """git mv of each flat module (and folder) into its group; returns what moved."""
    bewegt = []
    for g, titel in GROUPS.items():
        init = repo / "biwaq" / g / "__init__.py"
        if not init.exists():
            init.parent.mkdir(exist_ok=True)
            init.write_text(f'"""{titel.split(" ", 1)[1]}."""\n', encoding="utf-8")
            git(repo, "add", str(init.relative_to(repo)))
    for name, pfad in sorted(module.items()):
        if name in TOP or pfad.parent.name != "biwaq":
            continue
        ziel = f"biwaq/{MODULE[name][0]}/{name}.py"
        git(repo, "mv", f"biwaq/{name}.py", ziel)
        bewegt.append(ziel)
    for ordner, g in ORDNER.items():
        if (repo / "biwaq" / ordner).is_dir() and any((repo / "biwaq" / ordner).iterdir()):
            git(repo, "mv", f"biwaq/{ordner}", f"biwaq/{g}/{ordner}")
            bewegt.append(f"biwaq/{g}/{ordner}/")
    return bewegt


# --- 4. Rewriting ------------------------------------------------------------------------------

def _ziel(name: str) -> str:
    if name in TOP or name in GROUPS:
        return "biwaq"
    if name not in MODULE:
        raise KeyError(name)
    return f"biwaq.{MODULE[name][0]}"


def _import_zeile(einzug: str, paket: str, namen: list[str]) -> str:
    zeile = f"{einzug}from {paket} import {', '.join(namen)}"
    if len(zeile) <= 99:
        return zeile
    innen = einzug + "    "
    out, akt = [], f"{einzug}from {paket} import ("
    for i, n in enumerate(namen):
        stueck = n + (", " if i < len(namen) - 1 else ")")
        if len(akt) + len(stueck.rstrip()) > 99:
            out.append(akt.rstrip())
            akt = innen
        akt += stueck
    return "\n".join(out + [akt])


def from_biwaq_umschreiben(text: str, datei: str) -> str:
    """Split every `from biwaq import a, b` by the group of each name."""
    try:
        baum = ast.parse(text)
    except SyntaxError as e:
        raise Abbruch(f"{datei}: kein gültiges Python ({e}).") from e
    zeilen = text.splitlines(keepends=True)
    knoten = [n for n in ast.walk(baum) if isinstance(n, ast.ImportFrom)
              and n.level == 0 and n.module == "biwaq"]
    for n in sorted(knoten, key=lambda n: n.lineno, reverse=True):
        gruppen: dict[str, list[str]] = {}
        for a in n.names:
            try:
                paket = _ziel(a.name)
            except KeyError:
                raise Abbruch(f"{datei}:{n.lineno}: `from biwaq import {a.name}` – "
                              f"{a.name} steht nicht in MODULE.") from None
            gruppen.setdefault(paket, []).append(a.name + (f" as {a.asname}" if a.asname else ""))
        if list(gruppen) == ["biwaq"]:
            continue
        erste = zeilen[n.lineno - 1]
        einzug = erste[:n.col_offset]
        if einzug.strip():
            raise Abbruch(f"{datei}:{n.lineno}: Import nicht am Zeilenanfang – von Hand ändern.")
        letzte = zeilen[n.end_lineno - 1]
        rest = letzte[n.end_col_offset:]
        neu = "\n".join(_import_zeile(einzug if i else einzug, p, ns).lstrip(" ") if i == 0
                        else _import_zeile(einzug, p, ns)
                        for i, (p, ns) in enumerate(gruppen.items()))
        zeilen[n.lineno - 1:n.end_lineno] = [einzug + neu + rest]
    return "".join(zeilen)


def _namen_muster() -> re.Pattern:
    namen = "|".join(sorted(MODULE, key=len, reverse=True))
    return re.compile(rf"(?<![\w./])biwaq([./])({namen})\b(?!/)")


def text_umschreiben(text: str) -> str:
    """Dotted names, file paths and path segments of flat modules -> grouped ones."""
    def punkt(m: re.Match) -> str:
        sep, name = m.group(1), m.group(2)
        return f"biwaq{sep}{MODULE[name][0]}{sep}{name}"
    text = _namen_muster().sub(punkt, text)
    namen = "|".join(sorted(MODULE, key=len, reverse=True))
    text = re.sub(rf'"biwaq" / "({namen})\.py"',
                  lambda m: f'"biwaq" / "{MODULE[m.group(1)][0]}" / "{m.group(1)}.py"', text)
    for ordner, g in ORDNER.items():
        text = re.sub(rf"(?<![\w./])biwaq/{ordner}/", f"biwaq/{g}/{ordner}/", text)
    # every module of the package, wherever it lies now
    text = re.sub(r"""(glob\(["'])biwaq/\*\.py(["']\))""", r"\1biwaq/**/*.py\2", text)
    return text


def from_biwaq_in_text(text: str, datei: str) -> str:
    """`from biwaq import a, b` left in strings (code run by `python -c`) and in prose: one
    group each, else stop (a string cannot be split safely)."""
    def ersetzen(m: re.Match) -> str:
        namen = [n.strip().split(" as ")[0] for n in m.group(1).split(",") if n.strip()]
        if not all(n in MODULE or n in TOP or n in GROUPS for n in namen):
            raise Abbruch(f"{datei}: `{m.group(0)}` – Name nicht in MODULE.")
        ziele = {_ziel(n) for n in namen}
        if ziele == {"biwaq"}:
            return m.group(0)
        if len(ziele) > 1:
            raise Abbruch(f"{datei}: `{m.group(0)}` in einem Text mischt Gruppen – von Hand "
                          "aufteilen.")
        return f"from {ziele.pop()} import {m.group(1)}"
    return re.sub(r"(?<![\w.])from biwaq import ([\w ,]+?)(?=[;\n\"'`)]|$)", ersetzen, text)


def datei_pfade_umschreiben(text: str, datei: str) -> str:
    """`Path(__file__)` one level deeper in a moved module; stop on any other use."""
    text = text.replace("Path(__file__).resolve().parent.parent",
                        "Path(__file__).resolve().parents[2]")
    for zeile_nr, zeile in enumerate(text.splitlines(), 1):
        if "__file__" in zeile:
            rest = zeile
            for muster in FILE_OK:
                rest = muster.sub("", rest)
            if "__file__" in rest:
                raise Abbruch(f"{datei}:{zeile_nr}: `__file__` – Pfad nach dem Verschieben von "
                              "Hand prüfen und in FILE_OK aufnehmen:\n    " + zeile.strip())
    return text


def zu_bearbeiten(repo: Path) -> list[Path]:
    namen = git(repo, "ls-files", "-z").split("\0")
    out = []
    for n in namen:
        if not n or Path(n) in AUSGENOMMEN or n.startswith("data/"):
            continue
        if n.endswith(TEXT_SUFFIXES) or re.fullmatch(r"requirements[\w-]*\.txt", n):
            out.append(repo / n)
    return out


# --- 5. README listing -------------------------------------------------------------------------

def aufbau_liste(vorhanden: set[str]) -> list[str]:
    """Lines of the `biwaq/` listing for the modules that exist, grouped in flow order."""
    zeilen = ["biwaq/              Bibliothek entlang des Datenflusses; eine Gruppe importiert nur "
              "die davor\n",
              "  __main__.py, cli.py   Kommandozeile: python -m biwaq build|import|check|bericht|"
              "publish|handout|demo\n"]
    for g, titel in GROUPS.items():
        zeilen.append(f"  {g}/{' ' * max(1, 16 - len(g))}{titel}\n")
        for name, (gruppe, text) in MODULE.items():
            if gruppe == g and name in vorhanden:
                datei = f"{name}.py"
                zeilen.append(f"    {datei}{' ' * max(1, 22 - len(datei))}{text}\n")
        if g in ORDNER.values():
            for o, og in ORDNER.items():
                if og == g:
                    zeilen.append(f"    {o}/{' ' * max(1, 22 - len(o) - 1)}"
                                  "Schema und Makros (DuckDB)\n")
    return zeilen


def readme_umschreiben(text: str, vorhanden: set[str]) -> str:
    zeilen = text.splitlines(keepends=True)
    try:
        kopf = next(i for i, z in enumerate(zeilen) if z.strip() == "## Aufbau")
        start = next(i for i in range(kopf, len(zeilen)) if zeilen[i].startswith("biwaq/"))
    except StopIteration:
        raise Abbruch("README.md: Abschnitt „## Aufbau“ mit Zeile „biwaq/“ fehlt.") from None
    ende = start + 1
    while ende < len(zeilen) and zeilen[ende].startswith("  "):
        ende += 1
    zeilen[start:ende] = aufbau_liste(vorhanden)
    return "".join(zeilen)


# --- Driver ------------------------------------------------------------------------------------

def umbauen(repo: Path, nur_pruefen: bool = False) -> list[str]:
    """Regroup the checkout at `repo`; returns a line per change (empty: nothing to do).

    Raises Abbruch (before changing anything) for modules missing from MODULE."""
    module = bestand(repo)
    flach = sorted(n for n, p in module.items() if n not in TOP and p.parent.name == "biwaq")
    if nur_pruefen:
        return [f"biwaq/{n}.py liegt noch flach" for n in flach]
    aenderungen = []
    if zyklus_aufloesen(repo):
        aenderungen.append("set_meta/get_meta: biwaq/store.py -> biwaq/metadaten.py")
        module = bestand(repo)
    bewegt = verschieben(repo, module)
    aenderungen += [f"git mv -> {z}" for z in bewegt]
    verschoben = {repo / z for z in bewegt}
    for pfad in zu_bearbeiten(repo):
        if not pfad.exists():
            continue
        alt = pfad.read_text(encoding="utf-8")
        neu = alt
        rel = str(pfad.relative_to(repo))
        if pfad.suffix == ".py":
            neu = from_biwaq_umschreiben(neu, rel)
        neu = from_biwaq_in_text(neu, rel)
        neu = text_umschreiben(neu)
        if pfad in verschoben or (pfad.suffix == ".py" and pfad.parent.parent.name == "biwaq"
                                  and pfad.parent.name in GROUPS):
            neu = datei_pfade_umschreiben(neu, rel)
        if pfad.name == "README.md" and pfad.parent == repo:
            neu = readme_umschreiben(neu, set(bestand(repo)))
        if neu != alt:
            pfad.write_text(neu, encoding="utf-8")
            aenderungen.append(f"umgeschrieben: {rel}")
    return aenderungen


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1])
    ap.add_argument("--check", action="store_true",
                    help="nur prüfen: Exit-Code 1, wenn noch Module flach liegen")
    args = ap.parse_args(argv)
    try:
        aenderungen = umbauen(args.repo.resolve(), nur_pruefen=args.check)
    except Abbruch as e:
        print(e, file=sys.stderr)
        return 2
    for a in aenderungen:
        print(a)
    if args.check:
        return 1 if aenderungen else 0
    print(f"{len(aenderungen)} Änderungen." if aenderungen else "Nichts zu tun.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
