"""A published directory of public figures, read back for display (never the internal store).

This module and everything the public app imports must not import biwaq.speicher.store,
biwaq.speicher.queries, biwaq.app.ui or duckdb (tests/test_public_app.py checks this).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from biwaq.app.export import FORMEL_ZEICHEN
from biwaq.zahlen import kennzahlen as kz

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIR = ROOT / "data" / "oeffentlich"
ENV_DIR = "BIWAQ_OEFFENTLICH_DIR"
MANIFEST = "manifest.json"
ORTE_DATEI = "leerstaende_orte.csv"
INSGESAMT = "Insgesamt"
STERN = "*"

# Table eintritte_vermittlungen counts people – each participant with an entry once, in the
# year of their first placement in work or training – not placements: its `kennzahl` value
# is the catalogue's label of that figure, "Arbeit gefunden" (kennzahlen 'oeffentlich_arbeit'),
# as on the public page, the handout and the internal preview. Publications before this change
# wrote "Vermittlungen" there.
ARBEIT = kz.label("oeffentlich_arbeit")
# Dimension values renamed since earlier publications, (table, dimension) -> {old: new}:
# applied whenever a publication or an internal revision is read (laden, revisionen.aus_json),
# so that older publications stay readable and every revision is compared cell by cell
# with the newer ones (revisionen: the joint audit pairs cells by table and key).
FRUEHERE_WERTE: dict[tuple[str, str], dict[str, str]] = {
    ("eintritte_vermittlungen", "kennzahl"): {"Vermittlungen": ARBEIT},
}


def heutiger_wert(tabelle: str, dim: str, wert: str) -> str:
    """A dimension value as publications write it today (FRUEHERE_WERTE); else unchanged."""
    return FRUEHERE_WERTE.get((tabelle, dim), {}).get(wert, wert)


def heutiger_schluessel(tabelle: str, dims: list[str], key) -> tuple:
    """A cell key (values in the order of `dims`) as publications write it today."""
    return tuple(heutiger_wert(tabelle, d, v) for d, v in zip(dims, key))


def _heutige_tabelle(name: str, df: pd.DataFrame) -> pd.DataFrame:
    for (tabelle, dim), alt_neu in FRUEHERE_WERTE.items():
        if tabelle == name and dim in df:
            df[dim] = df[dim].replace(alt_neu)
    return df


def _heutiges_manifest(manifest: dict) -> dict:
    for t in manifest.get("tabellen", []):
        for d in t.get("dimensionen", []):
            d["werte"] = [heutiger_wert(t["name"], d["name"], w) for w in d["werte"]]
    return manifest


PRUEFSUMMEN = "pruefsummen"          # manifest: file name -> SHA-256 of every file written
MINDEST_SCHWELLE = 3                 # smallest threshold accepted (disclosure.py)


class NichtVeroeffentlicht(Exception):
    """No (complete) publication in the directory."""


class Ungueltig(NichtVeroeffentlicht):
    """The directory holds a publication that must not be shown: a file differs from its
    checksum in the manifest, or an unsuppressed count lies below the threshold."""


def verzeichnis() -> Path:
    """The published directory: $BIWAQ_OEFFENTLICH_DIR, else data/oeffentlich."""
    return Path(os.environ.get(ENV_DIR) or DEFAULT_DIR)


@dataclass
class Oeffentlich:
    """Manifest, tidy tables (`wert` missing where `gesperrt`) and public vacancy positions."""
    manifest: dict
    tabellen: dict[str, pd.DataFrame]
    orte: pd.DataFrame

    def __post_init__(self) -> None:
        self.tabellen = {k: _heutige_tabelle(k, _normalisieren(v))
                         for k, v in self.tabellen.items()}
        self.manifest = _heutiges_manifest(self.manifest)

    # --- manifest facts ---
    @property
    def datenstand(self) -> dt.date:
        """The month of the data as-of date, as its first day (public outputs name only the
        month: an exact latest event date can identify a person, issue 13.9)."""
        jahr, monat = (int(x) for x in self.manifest["datenstand"].split("-")[:2])
        return dt.date(jahr, monat, 1)

    @property
    def datenstand_text(self) -> str:
        """„März 2019“."""
        return monat(self.datenstand)

    @property
    def revision(self) -> int:
        """Number of this publication (1, 2, …); earlier ones stay in `revisionen/`."""
        return int(self.manifest.get("revision", 1))

    @property
    def veroeffentlicht_am(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.manifest["veroeffentlicht_am"])

    @property
    def ist_demo(self) -> bool:
        return self.manifest.get("datenquelle") == "demo"

    @property
    def schwelle(self) -> int:
        return int(self.manifest["schwelle"])

    @property
    def hinweis(self) -> str:
        return self.manifest["hinweis"]

    def info(self, name: str) -> dict:
        return next(t for t in self.manifest["tabellen"] if t["name"] == name)

    def dim_werte(self, name: str, dim: str) -> list[str]:
        return next(d["werte"] for d in self.info(name)["dimensionen"] if d["name"] == dim)

    # --- cells ---
    def wert(self, name: str, **dims: str):
        """The published value of one cell; None when it is suppressed."""
        df = self.tabellen[name]
        m = pd.Series(True, index=df.index)
        for k, v in dims.items():
            m &= df[k] == str(v)
        rows = df[m]
        if len(rows) != 1:
            raise KeyError(f"{name} {dims}: {len(rows)} Zeilen")
        r = rows.iloc[0]
        return None if r["gesperrt"] or pd.isna(r["wert"]) else r["wert"]


def text_schuetzen(v):
    """For a published CSV cell: text a spreadsheet would run as a formula (= + - @ tab CR,
    OWASP „CSV Injection“) — and text already starting with an apostrophe, so that reading
    back is exact — gets an apostrophe in front. `text_zurueck` undoes it."""
    return "'" + v if isinstance(v, str) and v.startswith((*FORMEL_ZEICHEN, "'")) else v


def text_zurueck(v):
    """Undo `text_schuetzen` (one leading apostrophe) when reading a published CSV."""
    return v[1:] if isinstance(v, str) and v.startswith("'") else v


def _normalisieren(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if c not in ("wert", "gesperrt"):
            out[c] = out[c].astype(str).map(text_zurueck)
    g = out["gesperrt"]
    out["gesperrt"] = g if g.dtype == bool else g.astype(str).str.lower().eq("true")
    out["wert"] = pd.to_numeric(out["wert"], errors="coerce")
    out.loc[out["gesperrt"], "wert"] = float("nan")
    return out


def laden(pfad: Path | str | None = None) -> Oeffentlich:
    """Read manifest.json and every table it lists."""
    pfad = Path(pfad) if pfad else verzeichnis()
    try:
        manifest = json.loads((pfad / MANIFEST).read_text(encoding="utf-8"))
        tabellen = {t["name"]: pd.read_csv(pfad / t["datei"], dtype=str, keep_default_na=False,
                                           na_values={"wert": [""]})
                    for t in manifest["tabellen"]}
        orte = pd.read_csv(pfad / manifest["orte"]["datei"], dtype={"stadtteil": str, "art": str})
        for c in ("stadtteil", "art"):
            orte[c] = orte[c].map(text_zurueck)
    except (FileNotFoundError, KeyError, json.JSONDecodeError) as e:
        raise NichtVeroeffentlicht(
            f"Im Verzeichnis {pfad} liegen keine (vollständigen) öffentlichen Zahlen. "
            "Sie entstehen mit `python -m biwaq publish --out VERZEICHNIS`.") from e
    pruefen(pfad, manifest, tabellen)
    return Oeffentlich(manifest, tabellen, orte)


def pruefsumme(datei: Path | str) -> str:
    """SHA-256 of a file's bytes, as 64 hex digits."""
    h = hashlib.sha256()
    with open(datei, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def dateien(manifest: dict) -> list[str]:
    """The files of a publication besides its manifest (tables and vacancy positions)."""
    return [t["datei"] for t in manifest["tabellen"]] + [manifest["orte"]["datei"]]


def pruefen(pfad: Path | str, manifest: dict, tabellen: dict[str, pd.DataFrame]) -> None:
    """Fail closed before anything is shown: raises Ungueltig unless every file the manifest
    lists has the SHA-256 recorded in the manifest's `pruefsummen` (written by publish), the
    threshold is at least 3, and no unsuppressed count (tables not marked `abgeleitet`) lies
    between 1 and threshold−1. `tabellen`: the raw CSVs as read (text columns)."""
    pfad = Path(pfad)
    summen = manifest.get(PRUEFSUMMEN)
    namen = dateien(manifest)
    if not isinstance(summen, dict) or any(n not in summen for n in namen):
        raise Ungueltig(f"Die Veröffentlichung in {pfad} hat keine vollständigen Prüfsummen.")
    falsch = [n for n in namen if Path(n).name != n or pruefsumme(pfad / n) != summen[n]]
    if falsch:
        raise Ungueltig(f"In der Veröffentlichung {pfad} passen Dateien nicht zu ihren "
                        f"Prüfsummen: {', '.join(falsch)}.")
    try:
        schwelle = int(manifest["schwelle"])
    except (TypeError, ValueError) as e:
        raise Ungueltig(f"Die Veröffentlichung in {pfad} nennt keine gültige Schwelle.") from e
    if schwelle < MINDEST_SCHWELLE:
        raise Ungueltig(f"Die Veröffentlichung in {pfad} hat die Schwelle {schwelle}; "
                        f"nötig ist mindestens {MINDEST_SCHWELLE}.")
    for t in manifest["tabellen"]:
        if t.get("abgeleitet"):
            continue
        df = tabellen[t["name"]]
        offen = ~df["gesperrt"].astype(str).str.lower().eq("true")
        wert = pd.to_numeric(df.loc[offen, "wert"], errors="coerce")
        if ((wert >= 1) & (wert < schwelle)).any():
            raise Ungueltig(f"In der Veröffentlichung {pfad} steht in {t['datei']} eine "
                            f"ungesperrte Zahl unter {schwelle}.")


def stempel(pfad: Path | str | None = None) -> tuple[str, int]:
    """Identity of the current publication (changes when a new one is swapped in)."""
    pfad = Path(pfad) if pfad else verzeichnis()
    try:
        return str(pfad.resolve()), (pfad / MANIFEST).stat().st_mtime_ns
    except FileNotFoundError:
        return str(pfad), 0


# --- Formatting for people ---------------------------------------------------------------

def zahl(v) -> str:
    """German thousands dot; `*` for a suppressed value."""
    if v is None or pd.isna(v):
        return STERN
    return f"{int(v):,}".replace(",", ".")


def prozent(v) -> str:
    """A published rate (percent, unrounded) as German text, rounded once to the catalogue's
    decimals, half away from zero (78 of 346 -> '22,5 %'); `*` for a suppressed value."""
    from biwaq.zahlen import kennzahlen as kz

    if v is None or pd.isna(v):
        return STERN
    return kz.fmt("vermittlungsquote", float(v) / 100)


def datum(d: dt.date) -> str:
    return d.strftime("%d.%m.%Y")


MONATE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember")


def monat(d: dt.date) -> str:
    """German month and year: „März 2019“."""
    return f"{MONATE[d.month - 1]} {d.year}"
