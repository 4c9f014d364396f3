"""Comments on figures (like DHIS2's interpretations): the steering committee's own small store.

The analytics database is replaced on every import and rebuild, so comments live in their own
SQLite file (WAL mode), by default ``kommentare.sqlite`` next to the database, or wherever
``BIWAQ_KOMMENTARE`` points. Nothing in biwaq.speicher.store, importer, build or migration touches it.

- A comment records the figure (``kennzahl``: a stable figure id such as
  ``uebersicht.vermittlungen``), the filters it was written under (JSON of biwaq.speicher.filters.Filter,
  and their German description), the data as-of date, the author (sign-in name, or „lokal“),
  creation and change time (UTC, ISO), and the text (plain text, at most `MAX_ZEICHEN`).
- Authors edit and delete only their own comments. Deleting hides a comment; every creation,
  change and deletion is kept in table ``historie`` with the text at that moment.
- Concurrent writers (several browser sessions, processes): each write is one
  ``BEGIN IMMEDIATE`` transaction; SQLite serialises writers and ``busy_timeout`` lets them
  wait instead of failing, so nothing is lost.
- Backup: after every write a consistent copy (SQLite online backup API) goes to
  ``kommentare_backup/`` beside the file; the newest `MAX_SICHERUNGEN` stay.
- Comments are internal: biwaq.oeffentlich.publish and the public app never read this store.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

import pandas as pd

from biwaq.speicher import store
from biwaq.speicher.filters import Filter

ENV = "BIWAQ_KOMMENTARE"
MAX_ZEICHEN = 1000
MAX_SICHERUNGEN = 10
LOKAL = "lokal"

SCHEMA = """
create table if not exists kommentar (
    id          integer primary key,
    kennzahl    text not null,
    titel       text not null,
    filter_json text not null,
    filter_text text not null,
    datenstand  text,
    autor       text not null,
    erstellt    text not null,
    geaendert   text not null,
    text        text not null,
    geloescht   integer not null default 0
);
create table if not exists historie (
    nr           integer primary key,
    kommentar_id integer not null references kommentar(id),
    aktion       text not null check (aktion in ('angelegt', 'geändert', 'gelöscht')),
    text         text not null,
    autor        text not null,
    zeit         text not null
);
create index if not exists kommentar_kennzahl on kommentar(kennzahl);
"""
SPALTEN = ["id", "kennzahl", "titel", "filter_json", "filter_text", "datenstand", "autor",
           "erstellt", "geaendert", "text", "geloescht"]
HISTORIE_SPALTEN = ["nr", "kommentar_id", "aktion", "text", "autor", "zeit"]


class KommentarFehler(ValueError):
    """A comment that cannot be stored or changed; the message is German, for the user."""


def pfad() -> Path:
    """$BIWAQ_KOMMENTARE, else kommentare.sqlite in the folder of the analytics database."""
    wert = os.environ.get(ENV)
    return Path(wert) if wert else store.db_path().with_name("kommentare.sqlite")


def _jetzt() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def filter_json(filt: Filter) -> str:
    """The filters as stable JSON (dates ISO), the key a comment is matched by."""
    return json.dumps({k: (v.isoformat() if isinstance(v, dt.date) else v)
                       for k, v in filt.params().items()}, sort_keys=True, ensure_ascii=False)


def pruefe_text(text: str) -> str:
    """Trimmed text, or KommentarFehler when empty or longer than MAX_ZEICHEN."""
    text = (text or "").strip()
    if not text:
        raise KommentarFehler("Der Kommentar ist leer.")
    if len(text) > MAX_ZEICHEN:
        raise KommentarFehler(f"Der Kommentar hat {len(text)} Zeichen; erlaubt sind höchstens "
                              f"{MAX_ZEICHEN}.")
    return text


class KommentarStore:
    """The comments file. Every method opens its own connection (safe across threads and
    Streamlit sessions)."""

    def __init__(self, path: Path | str | None = None, sicherung: bool = True):
        self.path = Path(path) if path else pfad()
        self.sicherung_aktiv = sicherung

    def _anlegen(self) -> None:
        """Create the file and its tables if needed. Only writing (and reading an existing
        file) calls this: a page that only shows comments never creates a file (issue 14:
        a benchmark reading a shared database left kommentare.sqlite beside it)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._verbindung() as con:
            con.execute("pragma journal_mode=wal")
            con.executescript(SCHEMA)

    @contextmanager
    def _verbindung(self):
        con = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            con.execute("pragma busy_timeout = 60000")
            con.execute("pragma foreign_keys = on")
            con.execute("pragma synchronous = full")
            yield con
        finally:
            con.close()

    @contextmanager
    def _schreiben(self):
        self._anlegen()
        with self._verbindung() as con:
            con.execute("begin immediate")
            try:
                yield con
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
        if self.sicherung_aktiv:
            self.sichern()

    # --- writing ---------------------------------------------------------------------------

    def hinzufuegen(self, kennzahl: str, titel: str, filt: Filter, datenstand: str | None,
                    autor: str | None, text: str) -> int:
        """Store a new comment; returns its id. Raises KommentarFehler for an empty or too
        long text."""
        text = pruefe_text(text)
        autor = (autor or "").strip() or LOKAL
        zeit = _jetzt()
        with self._schreiben() as con:
            cur = con.execute(
                "insert into kommentar (kennzahl, titel, filter_json, filter_text, datenstand,"
                " autor, erstellt, geaendert, text) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kennzahl, titel, filter_json(filt), filt.beschreibung(), datenstand, autor,
                 zeit, zeit, text))
            kid = cur.lastrowid
            con.execute("insert into historie (kommentar_id, aktion, text, autor, zeit) "
                        "values (?, 'angelegt', ?, ?, ?)", (kid, text, autor, zeit))
        return int(kid)

    def _eigener(self, con, kid: int, autor: str) -> None:
        row = con.execute("select autor, geloescht from kommentar where id = ?",
                          (kid,)).fetchone()
        if row is None or row[1]:
            raise KommentarFehler("Diesen Kommentar gibt es nicht (mehr).")
        if row[0] != ((autor or "").strip() or LOKAL):
            raise KommentarFehler("Nur die Verfasserin oder der Verfasser kann diesen "
                                  "Kommentar ändern oder löschen.")

    def aendern(self, kid: int, autor: str | None, text: str) -> None:
        """Change the text of one's own comment (the old text stays in the history)."""
        text = pruefe_text(text)
        autor = (autor or "").strip() or LOKAL
        zeit = _jetzt()
        with self._schreiben() as con:
            self._eigener(con, kid, autor)
            con.execute("update kommentar set text = ?, geaendert = ? where id = ?",
                        (text, zeit, kid))
            con.execute("insert into historie (kommentar_id, aktion, text, autor, zeit) "
                        "values (?, 'geändert', ?, ?, ?)", (kid, text, autor, zeit))

    def loeschen(self, kid: int, autor: str | None) -> None:
        """Delete one's own comment: hidden everywhere, kept in the history."""
        autor = (autor or "").strip() or LOKAL
        zeit = _jetzt()
        with self._schreiben() as con:
            self._eigener(con, kid, autor)
            text = con.execute("select text from kommentar where id = ?", (kid,)).fetchone()[0]
            con.execute("update kommentar set geloescht = 1, geaendert = ? where id = ?",
                        (zeit, kid))
            con.execute("insert into historie (kommentar_id, aktion, text, autor, zeit) "
                        "values (?, 'gelöscht', ?, ?, ?)", (kid, text, autor, zeit))

    # --- reading ---------------------------------------------------------------------------

    def liste(self, kennzahl: str | None = None, filt: Filter | None = None,
              mit_geloeschten: bool = False) -> pd.DataFrame:
        """Comments (columns `SPALTEN`), newest first; only for this figure id and only those
        written under exactly these filters when given."""
        sql = "select " + ", ".join(SPALTEN) + " from kommentar where 1 = 1"
        werte: list = []
        if kennzahl is not None:
            sql += " and kennzahl = ?"
            werte.append(kennzahl)
        if filt is not None:
            sql += " and filter_json = ?"
            werte.append(filter_json(filt))
        if not mit_geloeschten:
            sql += " and geloescht = 0"
        sql += " order by erstellt desc, id desc"
        if not self.path.exists():
            return pd.DataFrame(columns=SPALTEN)
        self._anlegen()
        with self._verbindung() as con:
            return pd.read_sql_query(sql, con, params=werte)

    def historie(self, kid: int | None = None) -> pd.DataFrame:
        """Every change (nr, kommentar_id, aktion, text, autor, zeit), oldest first."""
        sql = "select " + ", ".join(HISTORIE_SPALTEN) + " from historie"
        werte = []
        if kid is not None:
            sql += " where kommentar_id = ?"
            werte.append(kid)
        if not self.path.exists():
            return pd.DataFrame(columns=HISTORIE_SPALTEN)
        self._anlegen()
        with self._verbindung() as con:
            return pd.read_sql_query(sql + " order by nr", con, params=werte)

    # --- backup ------------------------------------------------------------------------------

    def sichern(self) -> Path:
        """A consistent copy in kommentare_backup/ (online backup API); keeps the newest
        MAX_SICHERUNGEN. Returns the path of the copy."""
        ordner = self.path.parent / "kommentare_backup"
        ordner.mkdir(exist_ok=True)
        stempel = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        ziel = ordner / f"{self.path.stem}-{stempel}-{uuid.uuid4().hex[:6]}.sqlite"
        with self._verbindung() as quelle, closing(sqlite3.connect(ziel)) as kopie:
            quelle.backup(kopie)
        alte = sorted(ordner.glob(f"{self.path.stem}-*.sqlite"))
        for p in alte[:-MAX_SICHERUNGEN]:
            p.unlink(missing_ok=True)
        return ziel


def export_tabelle(df: pd.DataFrame) -> pd.DataFrame:
    """Comments as shown and exported (report, download): German columns, plain text."""
    return pd.DataFrame({
        "Zahl / Diagramm": df["titel"],
        "Kommentar": df["text"],
        "Filter": df["filter_text"],
        "Datenstand": [dt.date.fromisoformat(d).strftime("%d.%m.%Y") if d else "–"
                       for d in df["datenstand"]],
        "Verfasst von": df["autor"],
        "Zeit (UTC)": [dt.datetime.fromisoformat(z).strftime("%d.%m.%Y %H:%M")
                       for z in df["geaendert"]],
    })
