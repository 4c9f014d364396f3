"""Notes on the loaded data (table `_meta`: source, as-of date, geodata): write and read.

Shared by the store (build, import) and the geodata step, so that `geo` need not import
`store` (which imports `geo` when it builds).
"""
from __future__ import annotations

import duckdb


def set_meta(con: duckdb.DuckDBPyConnection, **values: str) -> None:
    for k, v in values.items():
        con.execute("insert or replace into _meta values ($k, $v)", {"k": k, "v": str(v)})


def get_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("select schluessel, wert from _meta").fetchall())
