"""Import of a batch of contract files: read and check everything, then one atomic upsert."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from biwaq import store
from biwaq.contract import LOAD_ORDER, TABLES
from biwaq.fileio import MAX_DATEI_BYTES, MAX_DATEI_MB, Fehler, Gelesen, groesse_text, lies_datei
from biwaq.validate import validate_batch

MAX_BACKUPS = store.MAX_BACKUPS       # backups kept in data/backup/ (oldest are deleted)
GEO_SUFFIXES = (".geojson", ".gpkg", ".shp")
GEO_TABELLE = "stadtteil_geo"
DEMO_FEHLER = ("Die Datenbank enthält Demodaten: ihr Entfernen bitte ausdrücklich bestätigen "
               "(Seite „Daten“: Bestätigungsfeld; Befehl: --demo-entfernen). Echte Daten werden "
               "nie mit Demodaten gemischt.")
DATENBANK = "Datenbank"
MELDUNG_SPALTEN = ["Art", "Datei", "Zeile", "Spalte", "Wert", "Erwartet"]


@dataclass(frozen=True)
class Eingabe:
    """One file of a batch: a path (CLI) or uploaded bytes (page)."""
    name: str
    data: bytes | None = None
    path: Path | None = None

    @classmethod
    def aus_pfad(cls, path: Path | str) -> Eingabe:
        return cls(Path(path).name, None, Path(path))

    def groesse(self) -> int:
        return len(self.data) if self.data is not None else self.path.stat().st_size

    def sha256(self) -> str:
        h = hashlib.sha256()
        if self.data is not None:
            h.update(self.data)
        else:
            with open(self.path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
        return h.hexdigest()


@dataclass
class Eintrag:
    """One table from one file of the batch, with what the import did with its rows."""
    nr: int
    datei: str
    sha256: str
    groesse: int
    tabelle: str | None
    zeilen: int = 0
    eingefuegt: int = 0
    aktualisiert: int = 0


@dataclass
class ImportErgebnis:
    ok: bool
    fehler: list[Fehler]
    warnungen: list[Fehler]
    eintraege: list[Eintrag]
    import_nr: int | None = None
    demo_entfernt: bool = False
    backup: Path | None = None

    @property
    def eingefuegt(self) -> int:
        return sum(e.eingefuegt for e in self.eintraege)

    @property
    def aktualisiert(self) -> int:
        return sum(e.aktualisiert for e in self.eintraege)

    def je_datei(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(e.datei, e.tabelle or "–", e.zeilen, e.eingefuegt, e.aktualisiert,
              e.zeilen - e.eingefuegt - e.aktualisiert) for e in self.eintraege],
            columns=["Datei", "Tabelle", "Zeilen", "Neu", "Geändert", "Unverändert"])


def meldungen_tabelle(meldungen: list[Fehler]) -> pd.DataFrame:
    """Errors/warnings as a table (Art, Datei, Zeile, Spalte, Wert, Erwartet) for display."""
    return pd.DataFrame(
        [(m.art, m.datei, "" if m.zeile is None else str(m.zeile), m.spalte or "", m.wert or "",
          m.erwartet) for m in meldungen], columns=MELDUNG_SPALTEN)


class _Abbruch(Exception):
    def __init__(self, fehler: list[Fehler]):
        self.fehler = fehler
        super().__init__(f"{len(fehler)} Fehler")


# --- Reading ---------------------------------------------------------------------------------

@dataclass
class _Stapel:
    gelesen: list[tuple[int, Gelesen]] = field(default_factory=list)     # (entry nr, table)
    geo: list[tuple[int, object]] = field(default_factory=list)          # (entry nr, gdf)
    eintraege: list[Eintrag] = field(default_factory=list)
    fehler: list[Fehler] = field(default_factory=list)
    warnungen: list[Fehler] = field(default_factory=list)


def lies_stapel(eingaben: list[Eingabe]) -> _Stapel:
    """Read every file; collect all problems (nothing is written)."""
    st = _Stapel()
    if not eingaben:
        st.fehler.append(Fehler("–", None, None, None, "Keine Dateien angegeben"))
    for e, anzeige in zip(eingaben, anzeigenamen(eingaben)):
        if e.path is not None and not e.path.is_file():
            st.fehler.append(Fehler(anzeige, None, None, None, "Datei nicht gefunden"))
            st.eintraege.append(Eintrag(len(st.eintraege), anzeige, "", 0, None))
            continue
        sha, groesse = e.sha256(), e.groesse()
        if Path(e.name).suffix.lower() in GEO_SUFFIXES:
            nr = len(st.eintraege)
            st.eintraege.append(Eintrag(nr, anzeige, sha, groesse, GEO_TABELLE))
            gdf = _lies_geo(e, anzeige, st.fehler, st.warnungen)
            if gdf is not None:
                st.geo.append((nr, gdf))
                st.eintraege[-1].zeilen = len(gdf)
            continue
        for g in _umbenannt(lies_datei(e.name, e.data, e.path), Path(e.name).name, anzeige):
            nr = len(st.eintraege)
            st.eintraege.append(Eintrag(nr, g.datei, sha, groesse, g.tabelle, g.zeilen))
            st.fehler += g.fehler
            st.warnungen += g.warnungen
            if g.frame is not None and g.tabelle is not None:
                st.gelesen.append((nr, g))
    return st


def anzeigenamen(eingaben: list[Eingabe]) -> list[str]:
    """A distinct name per file of the batch, as messages and the import log show it.

    Files with the same name (each partner exports `teilnehmende.csv`) are told apart by their
    folder where the folders' names differ ("KIK/teilnehmende.csv"), else by their place among
    the files of that name ("teilnehmende.csv (2. Datei)"). Unique names stay as they are.
    Returns one name per entry of `eingaben`, in order.
    """
    namen = [Path(e.name).name for e in eingaben]
    anzahl = Counter(namen)
    out: list[str] = []
    for e, name in zip(eingaben, namen):
        if anzahl[name] < 2:
            out.append(name)
            continue
        gleich = [x for x, n in zip(eingaben, namen) if n == name]
        ordner = [x.path.parent.name if x.path is not None else "" for x in gleich]
        if all(ordner) and len(set(ordner)) == len(ordner):
            out.append(f"{e.path.parent.name}/{name}")
        else:
            stelle = next(i for i, x in enumerate(gleich) if x is e) + 1
            out.append(f"{name} ({stelle}. Datei)")
    return out


def _umbenannt(gelesen: list[Gelesen], basis: str, anzeige: str) -> list[Gelesen]:
    """Results of lies_datei (which names a file by its base name) under the batch's display
    name, in the table and in every message."""
    if anzeige == basis:
        return gelesen

    def neu(text: str) -> str:
        return anzeige + text[len(basis):] if text.startswith(basis) else text

    for g in gelesen:
        g.datei = neu(g.datei)
        g.fehler = [dataclasses.replace(f, datei=neu(f.datei)) for f in g.fehler]
        g.warnungen = [dataclasses.replace(f, datei=neu(f.datei)) for f in g.warnungen]
    return gelesen


def _lies_geo(e: Eingabe, anzeige: str, fehler: list[Fehler], warnungen: list[Fehler]):
    """District outlines of one geodata file; its notes (repairs, re-read encodings) become
    warnings, its problems errors (named by `anzeige`)."""
    from biwaq import geo

    if e.groesse() > MAX_DATEI_BYTES:
        fehler.append(Fehler(anzeige, None, None, None,
                             f"Datei ist {groesse_text(e.groesse())} groß; erlaubt sind "
                             f"höchstens {MAX_DATEI_MB} MB je Datei"))
        return None
    try:
        if e.data is None:
            gdf = geo.read_districts(e.path, name=anzeige)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                p = Path(tmp) / Path(e.name).name
                p.write_bytes(e.data)
                gdf = geo.read_districts(p, name=anzeige)
    except ValueError as err:
        fehler.append(Fehler(anzeige, None, None, None, str(err).split(": ", 1)[-1]))
        return None
    except Exception:   # noqa: BLE001 – any unreadable geodata file gets the same message
        fehler.append(Fehler(anzeige, None, None, None,
                             "Geodatei nicht lesbar: erwartet GeoJSON, GeoPackage oder "
                             "Shapefile mit dem Attribut „stadtteil“"))
        return None
    warnungen += [Fehler(anzeige, None, "stadtteil", None, h, art="Warnung")
                  for h in gdf.attrs.get("hinweise", [])]
    return gdf


# --- The stored state --------------------------------------------------------------------------

REFERENZIERT = sorted({c.references for t in TABLES.values() for c in t.columns
                       if c.references})


def _bekannte_schluessel(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], set]:
    out = {}
    for table, col in REFERENZIERT:
        rows = con.execute("select distinct " + _q(col) + " from " + store.ident(table)
                           ).fetchall()
        out[(table, col)] = {r[0] for r in rows}
    return out


def _zustand(db: Path) -> tuple[str | None, dict[tuple[str, str], set]]:
    """(datenquelle, stored keys that references may point at) of an existing database."""
    if not db.exists():
        return None, {}
    con = store.connect_readonly(db)
    try:
        return store.get_meta(con).get("datenquelle"), _bekannte_schluessel(con)
    finally:
        con.close()


VERTRAGSSPALTEN = frozenset(c.name for t in TABLES.values() for c in t.columns)


def _q(col: str) -> str:
    """A column name from the contract's allow-list, quoted for SQL (values are never
    formatted into SQL; only these identifiers are)."""
    if col not in VERTRAGSSPALTEN:
        raise ValueError(f"unbekannte Spalte {col!r}")
    return '"' + col + '"'


# --- Import ----------------------------------------------------------------------------------

def importiere(eingaben: list[Eingabe], db: Path | str | None = None, *,
               demo_entfernen: bool = False, wer: str = "unbekannt",
               backup_dir: Path | str | None = None, behalte: int = MAX_BACKUPS
               ) -> ImportErgebnis:
    """Import a batch: all or nothing. Every problem of every file is reported at once; with
    any error nothing is stored (the attempt is logged as 'abgelehnt'). A clean batch is
    upserted on the keys in one transaction on a copy that then replaces the file (readers
    keep answering); the previous file is kept in `backup_dir` (default: <db folder>/backup).

    A database holding demo data is emptied first, but only with `demo_entfernen=True`.
    A database file held open for writing by another program refuses the batch with
    store.DatenbankGesperrt's message (the attempt cannot be logged then).
    """
    db = Path(db) if db else store.db_path()
    backup_dir = Path(backup_dir) if backup_dir else db.parent / "backup"
    st = lies_stapel(eingaben)
    try:
        return _importiere(st, db, demo_entfernen, wer, backup_dir, behalte)
    except store.DatenbankGesperrt as e:   # cannot even log the attempt: say so, change nothing
        st.fehler = [Fehler(DATENBANK, None, None, None, str(e))]
        for e_ in st.eintraege:
            e_.eingefuegt = e_.aktualisiert = 0
        return ImportErgebnis(False, st.fehler, _sortiert(st.warnungen, st.eintraege),
                              st.eintraege, None)


def _importiere(st: _Stapel, db: Path, demo_entfernen: bool, wer: str, backup_dir: Path,
                behalte: int) -> ImportErgebnis:
    stamp = store.file_stamp(db) if db.exists() else None
    quelle, known = _zustand(db)
    demo = quelle == "demo"
    if demo and not demo_entfernen:
        st.fehler.insert(0, Fehler(DATENBANK, None, None, None, DEMO_FEHLER))
    teile = [(g.tabelle, g.datei, g.frame) for _, g in st.gelesen]
    st.fehler += validate_batch(teile, {} if demo else known, parse_fehler=st.fehler)
    if st.fehler:
        return _ablehnen(db, st, wer)
    try:
        with store.replace_atomically(db, backup_dir=backup_dir) as con:
            nr = _einspielen(con, st, teile, demo_entfernen, stamp, db, wer)
    except _Abbruch as e:
        st.fehler = e.fehler
        return _ablehnen(db, st, wer)
    except duckdb.Error as e:   # a constraint the checks above missed: nothing was replaced
        st.fehler = [Fehler(DATENBANK, None, None, None,
                            f"Die Datenbank hat die Daten abgelehnt: {e}")]
        return _ablehnen(db, st, wer)
    backup = store.prune_backups(backup_dir, db, behalte) if stamp else None
    return ImportErgebnis(True, [], _sortiert(st.warnungen, st.eintraege), st.eintraege, nr,
                          demo, backup)


def _einspielen(con, st: _Stapel, teile, demo_entfernen: bool, stamp, db: Path,
                wer: str) -> int:
    """Inside the write transaction (on the copy): re-check what another import may have
    changed meanwhile, remove demo data if confirmed, upsert, log. Returns the import number."""
    quelle = store.get_meta(con).get("datenquelle")
    demo = quelle == "demo"
    if demo and not demo_entfernen:
        raise _Abbruch([Fehler(DATENBANK, None, None, None, DEMO_FEHLER)])
    if demo:
        _demo_loeschen(con)
    if (store.file_stamp(db) if db.exists() else None) != stamp:
        fehler = validate_batch(teile, _bekannte_schluessel(con))
        if fehler:
            raise _Abbruch(fehler)
    by_table: dict[str, list[tuple[int, pd.DataFrame]]] = {}
    for nr, g in st.gelesen:
        by_table.setdefault(g.tabelle, []).append((nr, g.frame))
    for table in LOAD_ORDER:
        if table in by_table:
            for nr, (ins, upd) in _upsert_mit_zaehlung(con, table, by_table[table]).items():
                st.eintraege[nr].eingefuegt, st.eintraege[nr].aktualisiert = ins, upd
    for nr, gdf in st.geo:
        st.eintraege[nr].eingefuegt, st.eintraege[nr].aktualisiert = _geo_ersetzen(con, gdf)
    if not st.geo and ("leerstaende" in by_table or demo):
        _leerstaende_verorten(con)
    store.set_meta(con, datenquelle="echt", datenstand=str(store.datenstand(con)),
                   letzter_import=dt.datetime.now().isoformat(timespec="seconds"))
    return _protokollieren(con, st, "ok", wer, demo)


def _leerstaende_verorten(con) -> None:
    """New or changed vacancies get their district from the position (contract: stadtteil is
    derived from the position when empty), against the stored outlines."""
    from biwaq import geo

    umrisse = con.execute("select * from stadtteil_geo").df()
    if umrisse.empty:
        con.execute("delete from leerstand_lage")
    else:
        geo.assign_vacancies(con, geo.districts_from_store(umrisse))


def _demo_loeschen(con) -> None:
    """Empty every contract table. District outlines stay: they are geometry labelled
    'schematisch', not records, and are replaced when real geodata is imported."""
    for table in LOAD_ORDER:
        con.execute("delete from " + store.ident(table))
    con.execute("delete from _meta where schluessel in ('quelle_verzeichnis')")


def _upsert_mit_zaehlung(con, table: str, teile: list[tuple[int, pd.DataFrame]]
                         ) -> dict[int, tuple[int, int]]:
    """Upsert on the key; per batch entry: (rows inserted, rows changed). Identical rows
    count as neither, so importing the same file twice reports 0 and 0."""
    cols, key = TABLES[table].column_names, TABLES[table].key
    src = pd.concat([store._for_duckdb(df, table).assign(_nr=nr) for nr, df in teile],  # noqa: F841
                    ignore_index=True)
    t = store.ident(table)
    con.execute("create or replace temp table _neu as select *, 0 as _nr from " + t + " limit 0")
    con.execute("insert into _neu by name select * from src")
    on = " and ".join("t." + _q(c) + " = n." + _q(c) for c in key)
    diff = " or ".join("t." + _q(c) + " is distinct from n." + _q(c) for c in cols)
    k0 = "t." + _q(key[0])
    rows = con.execute(
        "select n._nr, count(*) filter (where " + k0 + " is null), "
        "count(*) filter (where " + k0 + " is not null and (" + diff + ")) "
        "from _neu n left join " + t + " t on " + on + " group by n._nr").fetchall()
    con.execute("insert or replace into " + t + " by name select * exclude (_nr) from _neu")
    con.execute("drop table _neu")
    counts = {nr: (0, 0) for nr, _ in teile}
    counts.update({int(r[0]): (int(r[1]), int(r[2])) for r in rows})
    return counts


def _geo_ersetzen(con, gdf) -> tuple[int, int]:
    """Replace the district outlines; (new districts, changed districts)."""
    from biwaq import geo

    sql = "select stadtteil, quartier, schematisch, wkt from stadtteil_geo"
    vorher = {r[0]: r[1:] for r in con.execute(sql).fetchall()}
    geo.store_districts(con, gdf)
    nachher = {r[0]: r[1:] for r in con.execute(sql).fetchall()}
    neu = sum(1 for k in nachher if k not in vorher)
    geaendert = sum(1 for k in nachher if k in vorher and vorher[k] != nachher[k])
    return neu, geaendert


def _protokollieren(con, st: _Stapel, ergebnis: str, wer: str, demo_entfernt: bool) -> int:
    nr = con.execute("select coalesce(max(import_nr), 0) + 1 from importprotokoll").fetchone()[0]
    con.execute(
        "insert into importprotokoll values ($nr, $zeit, $wer, $ergebnis, $fehler, $warnungen, "
        "$demo, $ein, $akt)",
        {"nr": nr, "zeit": dt.datetime.now().replace(microsecond=0), "wer": wer,
         "ergebnis": ergebnis, "fehler": len(st.fehler), "warnungen": len(st.warnungen),
         "demo": demo_entfernt, "ein": sum(e.eingefuegt for e in st.eintraege),
         "akt": sum(e.aktualisiert for e in st.eintraege)})
    for e in st.eintraege:
        con.execute(
            "insert into importprotokoll_datei values ($nr, $i, $datei, $sha, $groesse, "
            "$tabelle, $zeilen, $ein, $akt)",
            {"nr": nr, "i": e.nr, "datei": e.datei, "sha": e.sha256, "groesse": e.groesse,
             "tabelle": e.tabelle, "zeilen": e.zeilen, "ein": e.eingefuegt,
             "akt": e.aktualisiert})
    return nr


def _sortiert(fehler: list[Fehler], eintraege: list[Eintrag]) -> list[Fehler]:
    """Batch-wide messages first, then by file (in batch order) and Excel row."""
    reihe = {e.datei: i for i, e in enumerate(eintraege)}
    return sorted(fehler, key=lambda f: (reihe.get(f.datei, -1), f.zeile or 0))


def _ablehnen(db: Path, st: _Stapel, wer: str) -> ImportErgebnis:
    """Nothing is stored; the attempt itself is logged when a database exists."""
    st.fehler = _sortiert(st.fehler, st.eintraege)
    st.warnungen = _sortiert(st.warnungen, st.eintraege)
    for e in st.eintraege:
        e.eingefuegt = e.aktualisiert = 0
    nr = None
    if db.exists():
        try:
            with store.replace_atomically(db) as con:
                nr = _protokollieren(con, st, "abgelehnt", wer, False)
        except (OSError, duckdb.Error) as err:
            st.warnungen.append(Fehler(DATENBANK, None, None, None,
                                       f"Ablehnung konnte nicht protokolliert werden: {err}",
                                       art="Warnung"))
    return ImportErgebnis(False, st.fehler, st.warnungen, st.eintraege, nr)



