"""The internal DuckDB store: schema, building from a folder of contract files, connections."""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from biwaq.einlesen.contract import LOAD_ORDER, PFLICHT_TABELLEN, TABLES
from biwaq.einlesen.fileio import Fehler, lies_datei
from biwaq.einlesen.validate import validate_tables
from biwaq.einlesen.metadaten import get_meta, set_meta  # noqa: F401 (re-exported)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = ROOT / "data" / "biwaq.duckdb"
DEMO_DIR = ROOT / "data" / "demo"
SCHEMA_SQL = Path(__file__).with_name("sql") / "schema.sql"
MAKROS_SQL = SCHEMA_SQL.with_name("makros.sql")     # shared blocks of queries/*.sql
# Files record the schema they were written with; a different one is migrated on start.
SCHEMA_VERSION = hashlib.sha256(SCHEMA_SQL.read_bytes()
                                + MAKROS_SQL.read_bytes()).hexdigest()[:16]
DATA_SUFFIXES = (".csv", ".xlsx", ".xlsm")
GEO_SUFFIXES = (".geojson", ".gpkg", ".shp")


class ImportFehler(Exception):
    """A batch of files that breaks the contract; carries every problem found."""

    def __init__(self, fehler: list[Fehler]):
        self.fehler = list(fehler)
        super().__init__("\n".join(str(f) for f in self.fehler))


class DatenbankGesperrt(RuntimeError):
    """Another program (DuckDB CLI, DBeaver, a notebook) holds the database file open for
    writing (on Windows: open at all); DuckDB then refuses every other open, read-only ones
    included. The message is plain German for every system: it names the other program and
    its process id where DuckDB gives them, where to look the number up (Task-Manager,
    Aktivitätsanzeige, ps) and what to do; nothing was changed."""

    def __init__(self, pid: int | None = None, programm: str | None = None):
        self.pid, self.programm = pid, programm
        wer = f" (PID {pid})" if pid is not None else ""
        was = f" Programm: {programm}." if programm else ""
        finden = (f" Welches Programm die Nummer {pid} hat, zeigt unter Windows der Task-Manager "
                  f"(Spalte PID), unter macOS die Aktivitätsanzeige, unter Linux „ps -p {pid}“."
                  if pid is not None else "")
        super().__init__(
            f"Die Datenbank ist gerade von einem anderen Programm{wer} geöffnet – bitte dort "
            f"schließen und erneut versuchen.{was} (Das kann die DuckDB-Kommandozeile, DBeaver "
            f"oder ein Notebook sein, das die Datei geöffnet hat.){finden} Es wurde nichts "
            "geändert.")


# DuckDB's message on Linux and macOS, e.g. 'IO Error: Could not set lock on file "/x.duckdb":
# Conflicting lock is held in /usr/bin/python3.11 (PID 4711). See also https://duckdb.org/…'
_SPERRE = re.compile(r"Could not set lock on file.*?Conflicting lock is held in (?P<prog>.*?)"
                     r"(?: \(PID (?P<pid>\d+)\))?(?: by user .*?)?(?:\. See also|\.?$)", re.S)
# … and on Windows, where the file itself is locked: 'IO Error: Cannot open file "C:\x.duckdb":
# The process cannot access the file because it is being used by another process. File is
# already open in C:\Programme\DBeaver\dbeaver.exe (PID 3528).' – the middle sentence comes
# from Windows in its own language; older DuckDB versions end after it.
_SPERRE_WINDOWS = (
    re.compile(r"Cannot open file.*?File is already open in (?P<prog>.*?)"
               r"(?: \(PID (?P<pid>\d+)\))?\.?\s*$", re.S),
    re.compile(r"Cannot open file.*?(?P<prog>)(?P<pid>)(?:being used by another process|"
               r"von einem anderen Prozess verwendet)", re.S))


def als_sperre(err: BaseException) -> DatenbankGesperrt | None:
    """DatenbankGesperrt for DuckDB's error when another program holds the file (the lock
    conflict of Linux/macOS, or Windows' "file is being used by another process"), naming
    the program and its process id where DuckDB gives them; None for any other error."""
    if not isinstance(err, duckdb.Error):
        return None
    m = next((m for r in (_SPERRE, *_SPERRE_WINDOWS) if (m := r.search(str(err)))), None)
    if m is None:
        return None
    prog = re.split(r"[\\/]", m["prog"].strip())[-1] if m["prog"] else None
    return DatenbankGesperrt(int(m["pid"]) if m["pid"] else None, prog or None)


@contextmanager
def sperre_melden() -> Iterator[None]:
    """Turn DuckDB's lock conflict into DatenbankGesperrt; every other error passes."""
    try:
        yield
    except duckdb.Error as e:
        gesperrt = als_sperre(e)
        if gesperrt is None:
            raise
        raise gesperrt from None


def db_path() -> Path:
    """The database file: $BIWAQ_DB, else data/biwaq.duckdb."""
    return Path(os.environ.get("BIWAQ_DB") or DEFAULT_DB)


def ident(table_name: str) -> str:
    """A table name from the contract's allow-list, quoted for SQL."""
    if table_name not in TABLES:
        raise ValueError(f"unbekannte Tabelle {table_name!r}")
    return '"' + table_name + '"'


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    con.execute(MAKROS_SQL.read_text(encoding="utf-8"))


def _for_duckdb(df: pd.DataFrame, table_name: str) -> pd.DataFrame:
    """Contract columns only, dates as datetime64 so DuckDB reads them fast and exactly."""
    out = pd.DataFrame(index=range(len(df)))
    for col in TABLES[table_name].columns:
        v = df[col.name].reset_index(drop=True) if col.name in df else None
        if v is None:
            out[col.name] = pd.Series([None] * len(df), dtype=object)
        elif col.type == "date":
            out[col.name] = pd.to_datetime(v, errors="coerce")
        else:
            out[col.name] = v
    if table_name == "ziele":   # '' stands for "all" in the key
        out["quartier"] = out["quartier"].fillna("")
        out["zielgruppe"] = out["zielgruppe"].fillna("")
    return out


_ARROW_TYP = {"text": "string", "int": "int64", "float": "float64", "bool": "bool_",
              "date": "date32"}


def fuer_duckdb(df: pd.DataFrame, table_name: str, nr: int | None = None):
    """The contract columns of a typed frame (as `biwaq.einlesen.fileio` reads it) as an Arrow
    table, which DuckDB scans in parallel without touching Python objects (a pandas frame of
    object columns is scanned value by value: 4.4 of 33 s of a scale-100 build). Same values
    as `_for_duckdb` (dates as DATE, '' for "all" in the key of ziele); with `nr`, an extra
    column `_nr` holding it (the importer's batch entry). A frame whose cells are not of the
    column's type (hand-made frames in tests: dates as text …) is returned as `_for_duckdb`
    gives it, which DuckDB casts as before. Returns pyarrow.Table or pandas.DataFrame."""
    import pyarrow as pa

    spalten = {}
    try:
        for col in TABLES[table_name].columns:
            typ = getattr(pa, _ARROW_TYP[col.type])()
            if col.name not in df:
                spalten[col.name] = pa.nulls(len(df), typ)
                continue
            v = df[col.name]
            if table_name == "ziele" and col.name in ("quartier", "zielgruppe"):
                v = v.astype(object).where(v.notna(), "")
            spalten[col.name] = pa.array(v.array if isinstance(v.dtype, pd.api.extensions.
                                                               ExtensionDtype) else v.to_numpy(),
                                         type=typ, from_pandas=True)
        if nr is not None:
            spalten["_nr"] = pa.array(np.full(len(df), nr, dtype=np.int32))
        return pa.table(spalten)
    except (pa.ArrowException, TypeError, ValueError):
        out = _for_duckdb(df, table_name)
        return out if nr is None else out.assign(_nr=nr)


def upsert_frame(con: duckdb.DuckDBPyConnection, table_name: str, df: pd.DataFrame) -> None:
    """Insert or replace rows by the table's primary key."""
    src = fuer_duckdb(df, table_name)  # noqa: F841 (scanned by DuckDB by name)
    con.execute("insert or replace into " + ident(table_name) + " by name select * from src")


def einfuegen_frame(con: duckdb.DuckDBPyConnection, table_name: str, df: pd.DataFrame) -> None:
    """Insert rows into a table that holds none of their keys (a fresh `build`, whose keys
    `validate` found unique): a plain insert, without the conflict check of `upsert_frame`.
    A key that is there after all raises duckdb.ConstraintException (nothing is replaced)."""
    src = fuer_duckdb(df, table_name)  # noqa: F841 (scanned by DuckDB by name)
    con.execute("insert into " + ident(table_name) + " by name select * from src")


def datenstand(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """Latest date of any event in the data: the 'as of' date of the figures."""
    row = con.execute("""
        select greatest(
            (select max(greatest(erstkontakt, coalesce(eintritt, erstkontakt),
                                 coalesce(austritt, erstkontakt))) from teilnehmende),
            (select max(datum) from aktivitaeten),
            (select max(beginn) from vermittlungen),
            (select max(datum) from beratungen),
            (select max(greatest(leer_seit, coalesce(wiederbelegt_am, leer_seit)))
               from leerstaende))
    """).fetchone()
    return row[0]


def read_folder(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, str], list[Fehler]]:
    """Read every contract file of a folder: typed frames, their file names, all problems."""
    frames: dict[str, pd.DataFrame] = {}
    dateien: dict[str, str] = {}
    fehler: list[Fehler] = []
    for path in sorted(Path(folder).iterdir()):
        if path.suffix.lower() not in DATA_SUFFIXES:
            continue
        for g in lies_datei(path.name, path=path):   # a workbook may hold several tables
            fehler += g.fehler
            if g.tabelle is None or g.frame is None:
                continue
            if g.tabelle in frames:
                fehler.append(Fehler(g.datei, None, None, None, f"Tabelle {g.tabelle} kommt "
                                     f"doppelt vor (auch {dateien[g.tabelle]})"))
                continue
            frames[g.tabelle], dateien[g.tabelle] = g.frame, g.datei
    return frames, dateien, fehler


def build(db: Path | str | None = None, source_dir: Path | str | None = None,
          quelle: str | None = None, geodaten: Path | str | None = None) -> Path:
    """Build a fresh database from a folder of contract files; replace `db` atomically.

    Nothing is replaced if any file breaks the contract (ImportFehler lists every problem)
    or the district geodata are unusable (geo.GeoFehler). `geodaten` is a district file
    (GeoJSON, GeoPackage, Shapefile); default: the first one found in the folder.
    """
    db = Path(db) if db else db_path()
    source_dir = Path(source_dir) if source_dir else DEMO_DIR
    if quelle is None:   # demo folders carry a marker file (see biwaq.einlesen.demo.write_demo)
        quelle = "demo" if (source_dir / "DEMODATEN.txt").exists() else "import"
    frames, dateien, fehler = read_folder(source_dir)
    fehler += validate_tables(frames, dateien, parse_fehler=fehler)
    missing = [t for t in PFLICHT_TABELLEN if t not in frames]
    if missing:
        fehler.append(Fehler(str(source_dir), None, None, None,
                             "Tabellen fehlen im Verzeichnis: " + ", ".join(missing)))
    if fehler:
        raise ImportFehler(fehler)
    # A rebuild replaces everything: keep the previous file (it may hold imported data).
    backup_dir = db.parent / "backup" if db.exists() else None
    with replace_atomically(db, fresh=True, backup_dir=backup_dir) as con:
        for name in LOAD_ORDER:
            if name in frames:          # optional tables may be missing
                einfuegen_frame(con, name, frames.pop(name))    # freed once loaded
        _load_geodata(con, source_dir, geodaten)
        set_meta(con, datenquelle=quelle, quelle_verzeichnis=str(source_dir),
                 erstellt_am=dt.datetime.now().isoformat(timespec="seconds"),
                 datenstand=str(datenstand(con)))
    if backup_dir is not None:
        prune_backups(backup_dir, db)
    return db


MAX_BACKUPS = 10          # backups kept per database file in <db folder>/backup/


def prune_backups(backup_dir: Path, db: Path, keep: int = MAX_BACKUPS) -> Path | None:
    """Keep the newest `keep` backups of this database file; return the newest kept."""
    if not backup_dir.exists():
        return None
    backups = sorted(backup_dir.glob(f"{db.stem}-*{db.suffix}"))   # names carry a time stamp
    for alt in backups[:-keep] if keep > 0 else backups:
        alt.unlink()
    return backups[-1] if backups and keep > 0 else None


def _load_geodata(con: duckdb.DuckDBPyConnection, folder: Path,
                  geodaten: Path | str | None = None) -> None:
    """District outlines from `geodaten`, else the first geodata file in the folder, if any."""
    from biwaq.einlesen import geo   # geopandas is heavy; only load it when building

    files = [Path(geodaten)] if geodaten else sorted(
        p for p in folder.iterdir() if p.suffix.lower() in GEO_SUFFIXES)
    if files:
        geo.store_districts(con, geo.read_districts(files[0]))


@contextmanager
def replace_atomically(db: Path | str, fresh: bool = False, backup_dir: Path | None = None
                       ) -> Iterator[duckdb.DuckDBPyConnection]:
    """Write to a copy of the database inside one transaction; on success the copy replaces
    the file in one step (os.replace), so readers never see a half-written state and keep
    their open connection to the old file until they reconnect. On any error the copy is
    discarded and the file is untouched. Writers are serialised by a lock file.

    fresh=True starts from an empty schema instead of a copy. With backup_dir, the previous
    file is copied there (time-stamped) before it is replaced. At the end the marts are
    copied (MARTS) and every step of VORBERECHNUNGEN runs – unless the data and _meta are
    exactly those the file's stored results belong to (`_vorberechnet_gueltig`; e.g. a
    refused import that wrote only its log entry): then they are kept as they are.
    """
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(_lock_pfad(db), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _reste_loeschen(db)      # we hold the writers' lock: leftovers are from a killed writer
        tmp = db.with_name(f"{_tmp_praefix(db)}{os.getpid()}.{uuid.uuid4().hex}.tmp")
        # Hold the file open read-only until it is replaced: refuses (DatenbankGesperrt) while
        # another program has it open for writing, and keeps one from opening it meanwhile –
        # its changes would otherwise be lost with the replaced file. DuckDB's lock is a POSIX
        # record lock, which the process loses when it closes *any* descriptor of the file, so
        # the copy and the backup read from one descriptor that stays open until the end.
        quelle = open(db, "rb") if db.exists() else None
        waechter = None
        try:
            waechter = connect_readonly(db) if quelle is not None else None
            if quelle is not None and not fresh:
                with open(tmp, "wb") as ziel:
                    shutil.copyfileobj(quelle, ziel, 1 << 20)
            con = duckdb.connect(str(tmp))
            try:
                create_schema(con)
                con.execute("begin transaction")
                meta_vorher = get_meta(con)
                yield con
                if _vorberechnet_gueltig(con, meta_vorher):
                    # the data are those the stored results were computed from (e.g. a
                    # refused import wrote its log entry only): keep them, compute nothing
                    con.execute("commit")
                else:
                    materialisiere_marts(con)
                    set_meta(con, schema_version=SCHEMA_VERSION)
                    _alte_vorberechnungen_loeschen(con)
                    con.execute("commit")
                    # Own transaction: a failing step (a rule's error) never stops a write –
                    # the data stand, no result is stored, the page computes (and shows the
                    # error).
                    try:
                        con.execute("begin transaction")
                        _vorberechnen(con)
                        set_meta(con, **{SCHRITTE: _schritte()})
                        con.execute("commit")
                    except Exception:   # noqa: BLE001 - see above; nothing half-stored survives
                        con.execute("rollback")
                con.execute("checkpoint")
            finally:
                con.close()
            if backup_dir is not None and quelle is not None:
                backup_dir.mkdir(parents=True, exist_ok=True)
                stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
                ziel_pfad = backup_dir / f"{db.stem}-{stamp}{db.suffix}"
                teil = ziel_pfad.with_name(f".{ziel_pfad.name}.tmp")   # a killed copy is no backup
                try:
                    # The old file is never written again (the copy replaces it), so the backup
                    # can be a second name for it: no second copy of a GB-sized file.
                    os.link(db, teil)
                except OSError:            # another file system, or no hard links there
                    quelle.seek(0)
                    with open(teil, "wb") as ziel:
                        shutil.copyfileobj(quelle, ziel, 1 << 20)
                os.replace(teil, ziel_pfad)
            os.replace(tmp, db)
        finally:
            if waechter is not None:
                waechter.close()
            if quelle is not None:
                quelle.close()
            for leftover in _reste(tmp.parent, tmp.name):
                _entfernen(leftover)


# Marts every page needs, computed once per database version (issue 14): at the end of every
# write (replace_atomically) each view is copied into the table <name>__fest, and
# connect_readonly serves that table under the view's name. A file without them (written by
# hand, older versions) is read through the views as before.
# mart_tn_gruppen (0.9 M people × 6 rows at scale 1000) is no longer read by any page: the
# queries count per list of groups (macro tn_gruppen), so it is not copied.
MARTS = ("mart_teilnehmende", "mart_tn_verlauf", "mart_leerstaende")
FEST = "__fest"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _schema_hash() -> str:
    return hashlib.sha256(SCHEMA_SQL.read_bytes()).hexdigest()


def _daten_fingerabdruck(con: duckdb.DuckDBPyConnection, katalog: str | None = None) -> str:
    """Row count and order-independent sum of row hashes of every data table (not _meta, the
    import log or the materialised copies), as text: changes with any insert, update or
    delete, also one made by another program directly in the file. katalog: the attached
    database's name (reader) or None (the writer's own file). One linear scan per table."""
    where = "table_schema = 'main' and table_type = 'BASE TABLE'"
    par: dict = {}
    if katalog:
        where += " and table_catalog = $k"
        par["k"] = katalog
    namen = sorted(n for (n,) in con.execute(
        "select table_name from information_schema.tables where " + where, par).fetchall()
        if n != "_meta" and not n.startswith("importprotokoll") and not n.endswith(FEST))
    teile = []
    for n in namen:               # identifiers from the file's own catalog, quoted
        quelle = (_q(katalog) + ".main." if katalog else "") + _q(n)
        anzahl, summe = con.execute(
            "select count(*), coalesce(sum(hash(t)), 0) from " + quelle + " t").fetchone()
        teile.append(f"{n}:{anzahl}:{summe}")
    return hashlib.sha256("|".join(teile).encode("utf-8")).hexdigest()


def materialisiere_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Copy every view of MARTS into its table <name>__fest (same columns and rows), inside
    the writer's transaction, so they always match the data of the same file version. Noted
    in _meta: the hash of schema.sql ('marts_schema') and a fingerprint of the data
    ('marts_daten', `_daten_fingerabdruck`): after a change of a view definition, or a change
    of the data by any other way (another program writing the file directly), readers use
    the views again until the next write — never a stale copy."""
    for m in MARTS:
        con.execute("create or replace table " + _q(m + FEST) + " as select * from " + _q(m))
    set_meta(con, marts_schema=_schema_hash(), marts_daten=_daten_fingerabdruck(con))


# Further results computed once per write by later groups (issue 14): e.g. zahlen.quality
# registers the data-quality rules here. Each writes tables <name>__fest (and its own guard
# in _meta) in the writer's transaction, after the marts. Every other <name>__fest in the
# copy (from the previous version, or of a step not registered in this process) is dropped
# first, so a file never keeps a result of older data. Readers see these tables only while
# the marts' guard holds (connect_readonly); the step checks its own further guard.
VORBERECHNUNGEN: dict[str, Callable[[duckdb.DuckDBPyConnection], None]] = {}


def vorberechnung(name: str):
    """Decorator: register `fn(con)` to run at the end of every write (replace_atomically),
    inside its transaction; it must only create tables whose names end in FEST, and its
    result may depend only on the data tables and _meta (a write that changes neither keeps
    the stored result, see `_vorberechnet_gueltig`)."""
    def registrieren(fn):
        VORBERECHNUNGEN[name] = fn
        return fn
    return registrieren


# _meta key: the steps of VORBERECHNUNGEN whose results the file holds (set only when all
# of them succeeded, removed with the old results).
SCHRITTE = "vorberechnet_schritte"


def _schritte() -> str:
    return ",".join(sorted(VORBERECHNUNGEN))


def _vorberechnet_gueltig(con: duckdb.DuckDBPyConnection, meta_vorher: dict[str, str]) -> bool:
    """Whether a write may keep the stored marts and VORBERECHNUNGEN results as they are
    (issue 14: a refused import writes only its log entry, and rerunning every data-quality
    rule for it cost 5–25 s at scale 1000). Fail closed – True only if all of these hold,
    checked on the writer's copy after the caller's changes:
    `_meta` is exactly what it was before them; it was written with today's schema
    (SCHEMA_VERSION, hash of schema.sql) by the same registered steps, all of which
    succeeded (SCHRITTE); every mart copy exists; and the fingerprint of all data tables
    (`_daten_fingerabdruck`, one scan per table) equals the one noted when the copies were
    made – the readers' own guard (`_marts_aktuell`). The import log and _meta are not data
    tables: steps must depend only on the data tables and _meta."""
    meta = get_meta(con)
    if (meta != meta_vorher or meta.get("schema_version") != SCHEMA_VERSION
            or meta.get("marts_schema") != _schema_hash() or meta.get(SCHRITTE) != _schritte()):
        return False
    da = {n for (n,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "and table_type = 'BASE TABLE'").fetchall()}
    if not all(m + FEST in da for m in MARTS):
        return False
    return meta.get("marts_daten") == _daten_fingerabdruck(con)


def sichtbare_tabellen(con) -> set[str]:
    """Names of the tables and views a reader connection (connect_readonly) shows in its own
    catalog: the stored results `<name>__fest` appear there only while the marts' guard
    holds, so a step's reader checks its tables with this first."""
    return {n for (n,) in con.execute(
        "select table_name from information_schema.tables where table_catalog = 'memory'"
    ).fetchall()}


def _alte_vorberechnungen_loeschen(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every stored result of an earlier version (in the writer's data transaction, so a
    failing step afterwards can never leave an old result beside new data)."""
    con.execute("delete from _meta where schluessel = $k", {"k": SCHRITTE})
    alt = [n for (n,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "and table_type = 'BASE TABLE'").fetchall()
        if n.endswith(FEST) and n[:-len(FEST)] not in MARTS]
    for n in alt:
        con.execute("drop table " + _q(n))


def _vorberechnen(con: duckdb.DuckDBPyConnection) -> None:
    for fn in VORBERECHNUNGEN.values():
        fn(_InTransaktion(con))


class _InTransaktion:
    """The writer's connection for code that opens cursors (e.g. queries.run_query): in
    DuckDB a cursor is a new connection outside the writer's open transaction, which would
    not see the data being written. Here cursor() is the connection itself and close() of
    such a cursor does nothing; everything else goes to the connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con

    def cursor(self) -> _InTransaktion:
        return self

    def close(self) -> None:
        pass

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def _lock_pfad(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def _tmp_praefix(db: Path) -> str:
    return f".{db.name}."


def _reste(ordner: Path, praefix: str) -> list[Path]:
    """Files and folders a writer leaves beside its copy: the copy, its .wal, DuckDB's
    spill folder (<copy>.tmp) – and in the backup folder a half-written backup."""
    if not ordner.exists():
        return []
    return [p for p in ordner.iterdir() if p.name.startswith(praefix)
            and (p.name.endswith((".tmp", ".tmp.wal", ".tmp.tmp")))]


def _entfernen(p: Path) -> None:
    if p.is_dir():
        shutil.rmtree(p, ignore_errors=True)
    elif p.exists():
        p.unlink()


def _reste_loeschen(db: Path) -> list[Path]:
    """Remove what a killed writer left (only call while holding the writers' lock)."""
    weg = _reste(db.parent, _tmp_praefix(db)) + _reste(db.parent / "backup", f".{db.stem}-")
    for p in weg:
        _entfernen(p)
    return weg


def aufraeumen(db: Path | str | None = None) -> list[Path]:
    """At start: delete temporary copies, WAL files and half-written backups that a killed
    import or build left beside the database file – unless a writer is running right now
    (its lock is held; then nothing is touched). Returns the paths removed."""
    db = Path(db) if db else db_path()
    if not db.parent.exists():
        return []
    if not _lock_pfad(db).exists() and not (_reste(db.parent, _tmp_praefix(db))
                                            + _reste(db.parent / "backup", f".{db.stem}-")):
        return []      # nothing to clean: a reader creates no lock file beside the database
    with open(_lock_pfad(db), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return []
        try:
            return _reste_loeschen(db)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_database(db: Path | str | None = None) -> Path:
    """Build the demo database if the file is missing (first start); bring a file written by
    an older version of the dashboard to the current schema."""
    db = Path(db) if db else db_path()
    aufraeumen(db)
    if not db.exists():
        build(db, DEMO_DIR)
    elif stored_schema_version(db) != SCHEMA_VERSION:
        migrate(db)
    return db


def stored_schema_version(db: Path | str) -> str | None:
    """The schema version noted in the file's _meta, None without one. Reads _meta alone (no
    views, no check of the materialised marts: that costs a scan of every table)."""
    con = duckdb.connect(":memory:")
    try:
        with sperre_melden():
            con.execute("attach $path as biwaq_datei (read_only)", {"path": str(db)})
        row = con.execute("select wert from biwaq_datei.main._meta "
                          "where schluessel = 'schema_version'").fetchone()
    except duckdb.CatalogException:
        return None
    finally:
        con.close()
    return row[0] if row else None


def migrate(db: Path | str) -> None:
    """Additive schema changes (new tables, new or changed views) on a copy that then replaces
    the file; derived tables are filled again. Stored records are kept as they are."""
    from biwaq.einlesen import geo

    with replace_atomically(db) as con:    # runs create_schema on the copy
        umrisse = con.execute("select * from stadtteil_geo").df()
        if not umrisse.empty:
            geo.assign_vacancies(con, geo.districts_from_store(umrisse))


def _makros_anlegen(con: duckdb.DuckDBPyConnection) -> None:
    """Create the macros of makros.sql. A file from an older version may lack a table a table
    macro reads (e.g. mart_leerstaende before its migration): then every macro that can be
    made is made, one statement at a time, and the others are left out (a query needing one
    fails instead of reading something else)."""
    text = MAKROS_SQL.read_text(encoding="utf-8")
    try:
        con.execute(text)
    except duckdb.CatalogException:
        for teil in text.split(";\n"):
            try:
                con.execute(teil)
            except duckdb.CatalogException:
                pass


def connect_readonly(db: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the database file as it is now.

    duckdb.connect(path) shares one database instance per path within a process; while any
    connection to it is open (the UI keeps one per file version), a new connect after
    os.replace would still read the replaced file. So the file is ATTACHed to a fresh
    in-memory instance instead, and every table and view is exposed under its plain name
    (views in the default catalog, so cursors see them too). Older connections keep reading
    the file version they opened.

    Raises DatenbankGesperrt when another program holds the file open for writing.
    """
    pfad = Path(db or db_path())
    zustand = _datei_zustand(pfad)       # before the attach: the state the attach reads
    con = duckdb.connect(":memory:")
    try:
        with sperre_melden():
            con.execute("attach $path as biwaq_datei (read_only)", {"path": str(pfad)})
        names = con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'biwaq_datei' and table_schema = 'main'").fetchall()
        vorhanden = {n for (n,) in names}
        fest = {n for n in vorhanden if n.endswith(FEST)}
        if fest and not _marts_aktuell(con, vorhanden, pfad, zustand):
            vorhanden -= fest      # stale or foreign copies (marts and VORBERECHNUNGEN): not used
        for (name,) in names:    # names from the file's own catalog, quoted as identifiers
            if name.endswith(FEST) and (name[:-len(FEST)] in MARTS or name not in vorhanden):
                continue
            quelle = name + FEST if name in MARTS and name + FEST in vorhanden else name
            con.execute("create view " + _q(name) + " as select * from biwaq_datei.main."
                        + _q(quelle))
        _makros_anlegen(con)                                    # the queries' shared blocks
    except Exception:
        con.close()
        raise
    return con


def _marts_aktuell(con: duckdb.DuckDBPyConnection, vorhanden: set[str], db: Path,
                   zustand: tuple | None) -> bool:
    """Whether the attached file's materialised marts were written with today's schema.sql
    and from exactly the data the file holds now (see materialisiere_marts). zustand: the
    file's `_datei_zustand` taken before it was attached."""
    if "_meta" not in vorhanden:
        return False
    meta = dict(con.execute("select schluessel, wert from biwaq_datei.main._meta "
                            "where schluessel in ('marts_schema', 'marts_daten')").fetchall())
    return (meta.get("marts_schema") == _schema_hash()
            and meta.get("marts_daten") == _daten_fingerabdruck_datei(con, db, zustand))


# The data fingerprint of a file, kept per process and file state (issue 14): computing it
# scans every data table (0.3 s at demo scale 1000, up to 1 s under load) on every open.
# A state is the stat of the file and of its write-ahead log (device, inode, size, mtime,
# ctime; the WAL's, or that there is none). Any write to a DuckDB file goes to the file or to
# its WAL and sets their mtime and ctime to the time of the write; os.replace gives another
# inode. A fingerprint is kept only for a state whose last change (mtime and ctime of both
# files) lies at least RUHE_S before the state was taken, and that is the same before the
# attach, before and after the scan (so it is the state that was read, also when the file is
# replaced meanwhile): a later write then always sets a newer time, so it can never be taken for
# the kept state even with a coarse file-system clock (the "racy git" rule of Git's index,
# Documentation/technical/racy-git.txt). A state changed less than RUHE_S ago is scanned on
# every open, as before. ctime cannot be set back by a program (mtime can, with utime).
RUHE_S = 2.0
_FINGERABDRUECKE: dict[tuple, str] = {}
_FINGERABDRUECKE_MAX = 8


def _jetzt() -> float:
    return time.time()


def _datei_zustand(db: Path) -> tuple | None:
    """The state of the database file and its WAL as a hashable key, or None when either was
    changed less than RUHE_S ago (or the file is gone)."""
    grenze = _jetzt() - RUHE_S
    teile: list = []
    for p in (db, db.with_name(db.name + ".wal")):
        try:
            st = os.stat(p)
        except FileNotFoundError:
            if p == db:
                return None
            teile.append(None)
            continue
        if st.st_mtime_ns > grenze * 1e9 or st.st_ctime_ns > grenze * 1e9:
            return None
        teile.append((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    return (str(db.resolve()), *teile)


def _daten_fingerabdruck_datei(con: duckdb.DuckDBPyConnection, db: Path,
                               zustand: tuple | None) -> str:
    """`_daten_fingerabdruck` of the attached file `db` (catalog biwaq_datei), taken from the
    process's cache when the file is in a state already scanned (see RUHE_S). zustand: its
    `_datei_zustand` from before the attach."""
    vorher = zustand if zustand is not None and _datei_zustand(db) == zustand else None
    if vorher is not None and vorher in _FINGERABDRUECKE:
        return _FINGERABDRUECKE[vorher]
    wert = _daten_fingerabdruck(con, "biwaq_datei")
    if vorher is not None and _datei_zustand(db) == vorher:
        while len(_FINGERABDRUECKE) >= _FINGERABDRUECKE_MAX:
            _FINGERABDRUECKE.pop(next(iter(_FINGERABDRUECKE)))
        _FINGERABDRUECKE[vorher] = wert
    return wert


def file_stamp(db: Path | str | None = None) -> tuple[str, int, int]:
    """Identity of the current database file; changes when a build or import replaces it."""
    p = Path(db or db_path())
    st = p.stat()
    return str(p.resolve()), st.st_ino, st.st_mtime_ns
