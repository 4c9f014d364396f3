"""Named queries: one queries/<name>.sql file each, every value bound as a DuckDB parameter."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from biwaq.speicher import store
from biwaq.speicher.filters import FILTER_KEYS

QUERY_DIR = store.ROOT / "queries"
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")
_STRING = re.compile(r"'(?:[^']|'')*'")


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    header: str                 # the leading comment: purpose, parameters, grain
    params: frozenset[str]      # $names the SQL uses


def _header(sql: str) -> str:
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return "\n".join(lines)


@functools.cache
def load_query(name: str) -> Query:
    """Read queries/<name>.sql once."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"ungültiger Abfragename {name!r}")
    path = QUERY_DIR / f"{name}.sql"
    sql = path.read_text(encoding="utf-8")
    code = _STRING.sub("''", _COMMENT.sub("", sql))
    return Query(name, sql, _header(sql), frozenset(_PARAM.findall(code)))


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.sql"))


@functools.cache
def _default_connection(stamp: tuple) -> duckdb.DuckDBPyConnection:
    return store.connect_readonly(stamp[0])


def default_connection() -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current database file (reopened when it is replaced)."""
    db = store.ensure_database()
    return _default_connection(store.file_stamp(db))


def run_query(name: str, con: duckdb.DuckDBPyConnection | None = None, **params) -> pd.DataFrame:
    """Run a named query with bound parameters; returns a DataFrame.

    The shared filter values may always be passed (queries use those they need); any other
    parameter must be one the query declares, and every parameter it uses must be given.
    """
    q = load_query(name)
    missing = q.params - params.keys()
    if missing:
        raise TypeError(f"Abfrage {name}: Parameter fehlen: {', '.join(sorted(missing))}")
    unknown = params.keys() - q.params - set(FILTER_KEYS)
    if unknown:
        raise TypeError(f"Abfrage {name}: unbekannte Parameter: {', '.join(sorted(unknown))}")
    bound = {k: v for k, v in params.items() if k in q.params}
    cur = (con or default_connection()).cursor()
    try:
        return cur.execute(q.sql, bound).df()
    finally:
        cur.close()
