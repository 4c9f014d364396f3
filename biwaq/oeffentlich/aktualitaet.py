"""Whether a publication still matches the database, without reading the database on a visit
(issue 14).

A publication keeps the fingerprint of the aggregates it was computed from
(`publish.fingerabdruck`, in its internal values `<dir>.intern/NNNN.json`). Every write of the
database (`store.replace_atomically`) stores the same fingerprint of the data it writes, as the
one-row table `oeffentlich_fingerabdruck__fest`, together with a hash of everything that
fingerprint depends on besides the data (`_code_hash`). A page visit then compares two stored
strings instead of running every public query over the whole database.

Fail closed: the stored value is used only when it is provably the one of the data the file
holds now — the store exposes `__fest` tables only while its guard holds (same schema, data
tables exactly those the writer saw, see `store.connect_readonly`), and the code hash must be
today's (same public queries, same publishing code, same schema and macros, same `_meta`).
Otherwise `gespeichert` answers None and the caller computes the fingerprint as before (the
page's background check); it never claims „aktuell“ without proof.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from biwaq.speicher import store
from biwaq.speicher.queries import load_query

TABELLE = "oeffentlich_fingerabdruck" + store.FEST
# every named query publish.lesen runs (their text is part of the code hash)
# publish (and its solver) is imported only when a write computes: the dashboard imports this
# module at start to register the step.
PUBLISH_PY = Path(__file__).with_name("publish.py")
ABFRAGEN = ("meta", "oeffentlich_teilnehmende", "oeffentlich_vermittlungen",
            "oeffentlich_beratungen", "oeffentlich_leerstaende")


def _code_hash(con) -> str:
    """SHA-256 (hex) over what `publish.fingerabdruck(publish.lesen(con))` depends on besides
    the data tables: the source of publish.py, the text of every query in ABFRAGEN, the store's
    schema version (schema.sql and makros.sql) and `_meta` without the guards of stored
    results (keys `marts_*`, `vorberechnet_*`)."""
    h = hashlib.sha256()
    h.update(PUBLISH_PY.read_bytes())
    for n in ABFRAGEN:
        h.update(n.encode() + b"\0" + load_query(n).sql.encode("utf-8") + b"\0")
    h.update(store.SCHEMA_VERSION.encode())
    meta = sorted((k, v) for k, v in con.execute("select schluessel, wert from _meta").fetchall()
                  if not k.startswith(("marts_", "vorberechnet_")))
    h.update(repr(meta).encode("utf-8"))
    return h.hexdigest()


@store.vorberechnung("oeffentlich")
def vorberechnen(con: duckdb.DuckDBPyConnection) -> None:
    """Store the fingerprint of the public aggregates of the data being written, with its code
    hash, as table TABELLE (one row; called by store.replace_atomically inside the writer's
    transaction, after the marts). Costs one run of the public queries per write."""
    from biwaq.oeffentlich import publish

    wert = publish.fingerabdruck(publish.lesen(con=con))
    con.execute("create or replace table " + TABELLE
                + " (code varchar not null, fingerabdruck varchar not null)")
    con.execute("insert into " + TABELLE + " values ($code, $f)",
                {"code": _code_hash(con), "f": wert})


def gespeichert(con: duckdb.DuckDBPyConnection) -> str | None:
    """The stored `publish.fingerabdruck` of the data a read-only connection
    (store.connect_readonly) sees, as hex text — None when there is none or it cannot be
    proven to belong to this data and code (table missing: written by an older version or
    the file changed by another program; code hash different; more or fewer than one row)."""
    cur = con.cursor()           # the UI's connection is shared by sessions: a cursor each
    try:
        da = store.sichtbare_tabellen(cur)
        if not {TABELLE, "_meta"} <= da:
            return None
        zeilen = cur.execute("select code, fingerabdruck from " + TABELLE).fetchall()
        if len(zeilen) != 1 or zeilen[0][0] != _code_hash(cur):
            return None
        return zeilen[0][1]
    except duckdb.Error:
        return None
    finally:
        cur.close()
