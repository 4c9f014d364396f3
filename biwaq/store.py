"""The internal DuckDB store: schema, building from a folder of contract files, connections."""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from biwaq.contract import LOAD_ORDER, TABLES
from biwaq.fileio import Fehler, lies_datei
from biwaq.validate import validate_tables

ROOT = Path(__file__).resolve().parent.parent
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


def upsert_frame(con: duckdb.DuckDBPyConnection, table_name: str, df: pd.DataFrame) -> None:
    """Insert or replace rows by the table's primary key."""
    src = _for_duckdb(df, table_name)  # noqa: F841 (scanned by DuckDB by name)
    con.execute("insert or replace into " + ident(table_name) + " by name select * from src")


def set_meta(con: duckdb.DuckDBPyConnection, **values: str) -> None:
    for k, v in values.items():
        con.execute("insert or replace into _meta values ($k, $v)", {"k": k, "v": str(v)})


def get_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("select schluessel, wert from _meta").fetchall())


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
    if quelle is None:   # demo folders carry a marker file (see biwaq.demo.write_demo)
        quelle = "demo" if (source_dir / "DEMODATEN.txt").exists() else "import"
    frames, dateien, fehler = read_folder(source_dir)
    fehler += validate_tables(frames, dateien, parse_fehler=fehler)
    missing = [t for t in LOAD_ORDER if t not in frames]
    if missing:
        fehler.append(Fehler(str(source_dir), None, None, None,
                             "Tabellen fehlen im Verzeichnis: " + ", ".join(missing)))
    if fehler:
        raise ImportFehler(fehler)
    # A rebuild replaces everything: keep the previous file (it may hold imported data).
    backup_dir = db.parent / "backup" if db.exists() else None
    with replace_atomically(db, fresh=True, backup_dir=backup_dir) as con:
        for name in LOAD_ORDER:
            upsert_frame(con, name, frames[name])
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
    from biwaq import geo   # geopandas is heavy; only load it when building

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
    file is copied there (time-stamped) before it is replaced.
    """
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        tmp = db.with_name(f".{db.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
        try:
            if db.exists() and not fresh:
                shutil.copyfile(db, tmp)
            con = duckdb.connect(str(tmp))
            try:
                create_schema(con)
                con.execute("begin transaction")
                yield con
                set_meta(con, schema_version=SCHEMA_VERSION)
                con.execute("commit")
                con.execute("checkpoint")
            finally:
                con.close()
            if backup_dir is not None and db.exists():
                backup_dir.mkdir(parents=True, exist_ok=True)
                stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
                shutil.copyfile(db, backup_dir / f"{db.stem}-{stamp}{db.suffix}")
            os.replace(tmp, db)
        finally:
            for leftover in (tmp, Path(str(tmp) + ".wal")):
                if leftover.exists():
                    leftover.unlink()


def ensure_database(db: Path | str | None = None) -> Path:
    """Build the demo database if the file is missing (first start); bring a file written by
    an older version of the dashboard to the current schema."""
    db = Path(db) if db else db_path()
    if not db.exists():
        build(db, DEMO_DIR)
    elif stored_schema_version(db) != SCHEMA_VERSION:
        migrate(db)
    return db


def stored_schema_version(db: Path | str) -> str | None:
    con = connect_readonly(db)
    try:
        row = con.execute("select wert from _meta where schluessel = 'schema_version'").fetchone()
    except duckdb.CatalogException:
        return None
    finally:
        con.close()
    return row[0] if row else None


def migrate(db: Path | str) -> None:
    """Additive schema changes (new tables, new or changed views) on a copy that then replaces
    the file; derived tables are filled again. Stored records are kept as they are."""
    from biwaq import geo

    with replace_atomically(db) as con:    # runs create_schema on the copy
        umrisse = con.execute("select * from stadtteil_geo").df()
        if not umrisse.empty:
            geo.assign_vacancies(con, geo.districts_from_store(umrisse))


def connect_readonly(db: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the database file as it is now.

    duckdb.connect(path) shares one database instance per path within a process; while any
    connection to it is open (the UI keeps one per file version), a new connect after
    os.replace would still read the replaced file. So the file is ATTACHed to a fresh
    in-memory instance instead, and every table and view is exposed under its plain name
    (views in the default catalog, so cursors see them too). Older connections keep reading
    the file version they opened.
    """
    con = duckdb.connect(":memory:")
    try:
        con.execute("attach $path as biwaq_datei (read_only)", {"path": str(db or db_path())})
        names = con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'biwaq_datei' and table_schema = 'main'").fetchall()
        for (name,) in names:    # names from the file's own catalog, quoted as identifiers
            q = '"' + name.replace('"', '""') + '"'
            con.execute("create view " + q + " as select * from biwaq_datei.main." + q)
        con.execute(MAKROS_SQL.read_text(encoding="utf-8"))     # the queries' shared blocks
    except Exception:
        con.close()
        raise
    return con


def file_stamp(db: Path | str | None = None) -> tuple[str, int, int]:
    """Identity of the current database file; changes when a build or import replaces it."""
    p = Path(db or db_path())
    st = p.stat()
    return str(p.resolve()), st.st_ino, st.st_mtime_ns
