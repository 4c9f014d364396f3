"""Import of a batch of contract files: read and check everything, then one atomic upsert."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from biwaq.speicher import store
from biwaq.einlesen.contract import LOAD_ORDER, TABLES
from biwaq.einlesen.fileio import Fehler, Gelesen, groesse_fehler, lies_datei
from biwaq.einlesen.validate import validate_batch

MAX_BACKUPS = store.MAX_BACKUPS       # backups kept in data/backup/ (oldest are deleted)
GEO_SUFFIXES = (".geojson", ".gpkg", ".shp")
ROLLE_GEODATEN = "steuerung"
NUR_STEUERUNG = ("Stadtteilgrenzen ersetzen darf nur die Steuerungsrunde (Rolle „steuerung“). "
                 "Es wurde nichts geändert.")
GEO_TABELLE = "stadtteil_geo"
DEMO_FEHLER = ("Die Datenbank enthält Demodaten: ihr Entfernen bitte ausdrücklich bestätigen "
               "(Seite „Daten“: Bestätigungsfeld ankreuzen). Echte Daten werden nie mit "
               "Demodaten gemischt.")
# what the command line adds to DEMO_FEHLER (a web user never sees a command-line flag)
DEMO_FEHLER_BEFEHL = "Am Befehl: --demo-entfernen angeben."
DEMO_HINWEIS = ("Die Datenbank enthält Demodaten: beim Einspielen werden sie alle gelöscht "
                "(gezählt ist so, als wären sie schon entfernt). Zum Einspielen das Löschen "
                "bitte ausdrücklich bestätigen (Seite „Daten“: Bestätigungsfeld ankreuzen und "
                "erneut prüfen).")
DATENBANK = "Datenbank"
MELDUNG_SPALTEN = ["Art", "Datei", "Zeile", "Spalte", "Wert", "Erwartet"]


@dataclass(frozen=True)
class Eingabe:
    """One file of a batch: a path (CLI) or uploaded bytes (page)."""
    name: str
    data: bytes | None = None
    path: Path | None = None
    geodaten: bool = False      # district outlines whatever the name (e.g. a zipped Shapefile)

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


class _Zaehlung:
    """Totals over the batch entries (`eintraege`) of an import or its dry run."""
    eintraege: list[Eintrag]

    @property
    def eingefuegt(self) -> int:
        return sum(e.eingefuegt for e in self.eintraege)

    @property
    def aktualisiert(self) -> int:
        return sum(e.aktualisiert for e in self.eintraege)


@dataclass
class ImportErgebnis(_Zaehlung):
    ok: bool
    fehler: list[Fehler]
    warnungen: list[Fehler]
    eintraege: list[Eintrag]
    import_nr: int | None = None
    demo_entfernt: bool = False
    backup: Path | None = None

    def je_datei(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(e.datei, e.tabelle or "–", e.zeilen, e.eingefuegt, e.aktualisiert,
              e.zeilen - e.eingefuegt - e.aktualisiert) for e in self.eintraege],
            columns=["Datei", "Tabelle", "Zeilen", "Neu", "Geändert", "Unverändert"])


@dataclass(frozen=True)
class Aenderung:
    """One field of a stored record that a batch would change (values as the page shows them:
    dates TT.MM.JJJJ, ja/nein, decimal comma, „(leer)“)."""
    tabelle: str
    schluessel: str
    feld: str
    bisher: str
    neu: str


AENDERUNG_SPALTEN = ["Tabelle", "Datensatz", "Feld", "Bisher", "Neu"]


@dataclass
class Probelauf(_Zaehlung):
    """What a batch would change, found without writing anything (the import's dry run).

    `eintraege` carry the counts the import would report (inserted, updated; unchanged is the
    rest), `aenderungen` every changed field of every updated record, `stand` the database
    file version compared against: importiere(..., stand=stand) stores exactly this batch or,
    if the database changed meanwhile, nothing.
    """
    ok: bool
    fehler: list[Fehler]
    warnungen: list[Fehler]
    eintraege: list[Eintrag]
    aenderungen: list[Aenderung]
    stand: tuple | None
    demo_entfernen: bool = False
    bestaetigung_fehlt: bool = False   # demo data would be deleted, not yet confirmed
    import_nr: int | None = None      # log number of a refused attempt, if it was logged

    def je_tabelle(self) -> pd.DataFrame:
        """Per table: rows that would be inserted, updated and left unchanged."""
        zeilen: dict[str, list[int]] = {}
        for e in self.eintraege:
            if e.tabelle:
                z = zeilen.setdefault(e.tabelle, [0, 0, 0])
                z[0] += e.eingefuegt
                z[1] += e.aktualisiert
                z[2] += e.zeilen - e.eingefuegt - e.aktualisiert
        return pd.DataFrame([(tabellen_titel(t), *z) for t, z in zeilen.items()],
                            columns=["Tabelle", "Neu", "Geändert", "Unverändert"])

    def aenderungen_tabelle(self) -> pd.DataFrame:
        return pd.DataFrame([(tabellen_titel(a.tabelle), a.schluessel, a.feld, a.bisher, a.neu)
                             for a in self.aenderungen], columns=AENDERUNG_SPALTEN)


def tabellen_titel(tabelle: str) -> str:
    """German title of a contract table (or of the district outlines)."""
    return "Stadtteilgrenzen" if tabelle == GEO_TABELLE else TABLES[tabelle].title


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

    @property
    def nur_geodaten(self) -> bool:
        """Only district outlines (no records) – the batch replacing the outlines."""
        return bool(self.eintraege) and all(e.tabelle == GEO_TABELLE for e in self.eintraege)


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
        if e.geodaten or Path(e.name).suffix.lower() in GEO_SUFFIXES + (".zip",):
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
    from biwaq.einlesen import geo

    zu_gross = groesse_fehler(e.groesse(), hochgeladen=e.data is not None)
    if zu_gross:
        fehler.append(Fehler(anzeige, None, None, None, zu_gross.split(" – ")[0]
                             if e.data is not None or "Kommandozeile" not in zu_gross
                             else zu_gross))
        return None
    try:
        if e.data is None and Path(e.name).suffix.lower() != ".zip":
            gdf = geo.read_districts(e.path, name=anzeige)
        else:      # an upload: GeoJSON, GeoPackage, or a Shapefile with its parts as .zip
            daten = e.data if e.data is not None else e.path.read_bytes()
            gdf = geo.read_districts_upload(e.name, daten, name=anzeige)
    except ValueError as err:
        fehler.append(Fehler(anzeige, None, None, None, str(err).split(": ", 1)[-1]))
        return None
    except Exception:   # noqa: BLE001 – any unreadable geodata file gets the same message
        fehler.append(Fehler(anzeige, None, None, None,
                             "Geodatei nicht lesbar: erwartet GeoJSON, GeoPackage oder "
                             "Shapefile mit dem Attribut „stadtteil“"))
        return None
    warnungen += [Fehler(anzeige, None, None, None, h, art="Warnung")
                  for h in gdf.attrs.get("hinweise", [])]
    return gdf


# --- The stored state --------------------------------------------------------------------------

REFERENZIERT = sorted({c.references for t in TABLES.values() for c in t.columns
                       if c.references})


def _bekannte_schluessel(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], np.ndarray]:
    """Per referenced (table, column): the stored distinct values, as an object array (read
    column-wise, no Python tuple per row; NULL as None)."""
    out = {}
    for table, col in REFERENZIERT:
        werte = con.execute("select distinct " + _q(col) + " from " + store.ident(table)
                            ).fetchnumpy()[col]
        out[(table, col)] = (werte.astype(object).filled(None) if np.ma.isMaskedArray(werte)
                             else np.asarray(werte, dtype=object))
    return out


def _zustand(db: Path) -> tuple[str | None, dict[tuple[str, str], np.ndarray]]:
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
               backup_dir: Path | str | None = None, behalte: int = MAX_BACKUPS,
               stand: tuple | None = None) -> ImportErgebnis:
    """Import a batch: all or nothing. Every problem of every file is reported at once; with
    any error nothing is stored (the attempt is logged as 'abgelehnt'). A clean batch is
    upserted on the keys in one transaction on a copy that then replaces the file (readers
    keep answering); the previous file is kept in `backup_dir` (default: <db folder>/backup).

    A database holding demo data is emptied first, but only with `demo_entfernen=True`.
    A database file held open for writing by another program refuses the batch with
    store.DatenbankGesperrt's message (the attempt cannot be logged then). With `stand` (from
    a Probelauf) the batch is stored only if the database file is still that version.
    """
    db = Path(db) if db else store.db_path()
    backup_dir = Path(backup_dir) if backup_dir else db.parent / "backup"
    st = lies_stapel(eingaben)
    try:
        return _importiere(st, db, demo_entfernen, wer, backup_dir, behalte, stand)
    except store.DatenbankGesperrt as e:   # cannot even log the attempt: say so, change nothing
        st.fehler = [Fehler(DATENBANK, None, None, None, str(e))]
        for e_ in st.eintraege:
            e_.eingefuegt = e_.aktualisiert = 0
        return ImportErgebnis(False, st.fehler, _sortiert(st.warnungen, st.eintraege),
                              st.eintraege, None)


def importiere_geodaten(dateiname: str, inhalt: bytes, db: Path | str | None = None, *,
                        wer: str, rolle: str | None, backup_dir: Path | str | None = None,
                        behalte: int = MAX_BACKUPS) -> ImportErgebnis:
    """Replace the district outlines from an uploaded file (GeoJSON, GeoPackage, or a
    Shapefile as .zip with .shp, .shx, .dbf, .prj, .cpg) – a write, so for role `steuerung`
    only: the role is checked here, where the upload is handled, not only by hiding the
    widget (issue 13.6). Any other role (or none) is refused before anything is read or
    written. Otherwise exactly like importiere: checked, logged with the user, the previous
    file kept as a backup. Outlines alone leave a demo database's records in place.
    """
    if rolle != ROLLE_GEODATEN:
        return ImportErgebnis(False, [Fehler(DATENBANK, None, None, None, NUR_STEUERUNG)], [],
                              [], None)
    return importiere([Eingabe(dateiname, inhalt, geodaten=True)], db, wer=wer,
                      backup_dir=backup_dir, behalte=behalte)


def _pruefen(st: _Stapel, db: Path, demo_entfernen: bool, probe: bool = False
             ) -> tuple[tuple | None, list, bool]:
    """Check the batch against the stored state (errors go to st.fehler).
    Returns (file version checked against, parts per table, demo data will be removed).
    A batch of district outlines alone may go into a demo database without removing it.
    probe (dry run): a missing confirmation of the demo removal is no error but a note, and
    the batch is checked as the import with removal would check it (the user may want to see
    what would change before agreeing to delete anything)."""
    stamp = store.file_stamp(db) if db.exists() else None
    quelle, known = _zustand(db)
    muss_entfernen = quelle == "demo" and not st.nur_geodaten
    if muss_entfernen and not demo_entfernen:
        if probe:
            st.warnungen.insert(0, Fehler(DATENBANK, None, None, None, DEMO_HINWEIS,
                                          art="Hinweis"))
        else:
            st.fehler.insert(0, Fehler(DATENBANK, None, None, None, DEMO_FEHLER))
    demo = quelle == "demo" and (demo_entfernen or (probe and muss_entfernen))
    teile = [(g.tabelle, g.datei, g.frame) for _, g in st.gelesen]
    st.fehler += validate_batch(teile, {} if quelle == "demo" else known,
                                parse_fehler=st.fehler)
    return stamp, teile, demo


GEAENDERT_SEIT_PROBELAUF = ("Die Datenbank wurde seit dem Probelauf geändert (ein anderer Import "
                            "oder eine neue Datenbankdatei) – bitte den Probelauf wiederholen.")


def _importiere(st: _Stapel, db: Path, demo_entfernen: bool, wer: str, backup_dir: Path,
                behalte: int, stand: tuple | None = None) -> ImportErgebnis:
    stamp, teile, demo = _pruefen(st, db, demo_entfernen)
    if stand is not None and stamp != stand:
        st.fehler.insert(0, Fehler(DATENBANK, None, None, None, GEAENDERT_SEIT_PROBELAUF))
    if st.fehler:
        return _ablehnen(db, st, wer)
    try:
        with store.replace_atomically(db, backup_dir=backup_dir) as con:
            nr = _einspielen(con, st, teile, demo_entfernen, stamp, db, wer, stand)
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


def probelauf(eingaben: list[Eingabe], db: Path | str | None = None, *,
              demo_entfernen: bool = False, ablehnung_protokollieren: bool = False,
              wer: str = "unbekannt") -> Probelauf:
    """Dry run of importiere (as DHIS2's import dryRun): read and check the batch exactly as
    the import does and work out, per file and table, the rows that would be inserted,
    updated (with each changed field: old → new) and left unchanged – writing nothing.

    With `ablehnung_protokollieren`, a batch with errors is logged as a refused attempt marked
    as a dry run (column `probelauf`; the page "Daten" shows „Probelauf mit Fehlern“);
    otherwise the database file is not touched at all. A database file held
    open by another program gives its German message as the only error.
    """
    db = Path(db) if db else store.db_path()
    st = lies_stapel(eingaben)
    try:
        stamp, teile, demo = _pruefen(st, db, demo_entfernen, probe=True)
        if st.fehler:
            nr = (_ablehnen(db, st, wer, probelauf=True).import_nr
                  if ablehnung_protokollieren else None)
            return Probelauf(False, _sortiert(st.fehler, st.eintraege),
                             _sortiert(st.warnungen, st.eintraege), st.eintraege, [], stamp,
                             demo and demo_entfernen, import_nr=nr)
        aenderungen = _vergleichen_ohne_schreiben(db, st, demo)
    except store.DatenbankGesperrt as e:
        return Probelauf(False, [Fehler(DATENBANK, None, None, None, str(e))],
                         _sortiert(st.warnungen, st.eintraege), st.eintraege, [], None)
    return Probelauf(True, [], _sortiert(st.warnungen, st.eintraege), st.eintraege,
                     aenderungen, stamp, demo and demo_entfernen,
                     bestaetigung_fehlt=demo and not demo_entfernen)


def _vergleichen_ohne_schreiben(db: Path, st: _Stapel, demo: bool) -> list[Aenderung]:
    """Counts into st.eintraege and the field changes, against a read-only view of the file
    (demo data that would be removed count as absent)."""
    aenderungen: list[Aenderung] = []
    if not db.exists():
        con = duckdb.connect(":memory:")
        store.create_schema(con)
    else:
        con = store.connect_readonly(db)
    try:
        for table, teile in _nach_tabelle(st).items():
            if demo:
                for nr, df in teile:
                    st.eintraege[nr].eingefuegt = len(df)
                continue
            zaehlung, aend = _vergleichen(con, table, teile)
            con.execute("drop table _neu")
            aenderungen += aend
            for nr, (ins, upd) in zaehlung.items():
                st.eintraege[nr].eingefuegt, st.eintraege[nr].aktualisiert = ins, upd
        for nr, gdf in st.geo:
            (ins, upd), aend = _geo_vergleichen(con, gdf)
            st.eintraege[nr].eingefuegt, st.eintraege[nr].aktualisiert = ins, upd
            aenderungen += aend
    finally:
        con.close()
    return aenderungen


def _nach_tabelle(st: _Stapel) -> dict[str, list[tuple[int, pd.DataFrame]]]:
    """The batch's frames per table, in load order (references first)."""
    by_table: dict[str, list[tuple[int, pd.DataFrame]]] = {}
    for nr, g in st.gelesen:
        by_table.setdefault(g.tabelle, []).append((nr, g.frame))
    return {t: by_table[t] for t in LOAD_ORDER if t in by_table}


def _einspielen(con, st: _Stapel, teile, demo_entfernen: bool, stamp, db: Path,
                wer: str, stand: tuple | None = None) -> int:
    """Inside the write transaction (on the copy): re-check what another import may have
    changed meanwhile, remove demo data if confirmed, upsert, log. Returns the import number."""
    quelle = store.get_meta(con).get("datenquelle")
    demo_bleibt = quelle == "demo" and not demo_entfernen
    if demo_bleibt and not st.nur_geodaten:
        raise _Abbruch([Fehler(DATENBANK, None, None, None, DEMO_FEHLER)])
    demo = quelle == "demo" and demo_entfernen
    if demo:
        _demo_loeschen(con)
    if (store.file_stamp(db) if db.exists() else None) != stamp:
        if stand is not None:       # the dry run the user saw no longer holds
            raise _Abbruch([Fehler(DATENBANK, None, None, None, GEAENDERT_SEIT_PROBELAUF)])
        fehler = validate_batch(teile, _bekannte_schluessel(con))
        if fehler:
            raise _Abbruch(fehler)
    teile.clear()     # the caller's list: from here on only st.gelesen holds the frames
    by_table = _nach_tabelle(st)
    leerstaende = "leerstaende" in by_table
    for table in list(by_table):
        for nr, (ins, upd) in _upsert_mit_zaehlung(con, table, by_table.pop(table)).items():
            st.eintraege[nr].eingefuegt, st.eintraege[nr].aktualisiert = ins, upd
        _frames_freigeben(st, table)
    for nr, gdf in st.geo:
        st.eintraege[nr].eingefuegt, st.eintraege[nr].aktualisiert = _geo_ersetzen(con, gdf)
    if not st.geo and (leerstaende or demo):
        _leerstaende_verorten(con)
    if not demo_bleibt:    # outlines alone leave a demo database a demo database
        store.set_meta(con, datenquelle="echt", datenstand=str(store.datenstand(con)),
                       letzter_import=dt.datetime.now().isoformat(timespec="seconds"))
    return _protokollieren(con, st, "ok", wer, demo)


def _frames_freigeben(st: _Stapel, table: str) -> None:
    """Drop the batch's frames of a table once DuckDB holds its rows (issue 14: the frames of
    all files were kept until the end of the write, beside DuckDB's own memory for the marts
    and the data-quality rules). Counts and messages stay in st.eintraege / st.fehler."""
    for _, g in st.gelesen:
        if g.tabelle == table:
            g.frame = None


def _leerstaende_verorten(con) -> None:
    """New or changed vacancies get their district from the position (contract: stadtteil is
    derived from the position when empty), against the stored outlines."""
    from biwaq.einlesen import geo

    umrisse = con.execute("select * from stadtteil_geo").df()
    if umrisse.empty:
        con.execute("delete from leerstand_lage")
    else:
        geo.assign_vacancies(con, geo.districts_from_store(umrisse))


def _demo_loeschen(con) -> None:
    """Empty every contract table. District outlines stay: they are geometry labelled
    'schematisch', not records, and are replaced when real geodata is imported.
    The tables are dropped and created again from schema.sql (no foreign keys, views are
    bound by name): deleting 10 M rows one by one from their key index made the commit of
    an import into a demo database its slowest step (12 of 23 s CPU at scale 100)."""
    for table in LOAD_ORDER:
        con.execute("drop table " + store.ident(table))
    store.create_schema(con)
    con.execute("delete from _meta where schluessel in ('quelle_verzeichnis')")


def _upsert_mit_zaehlung(con, table: str, teile: list[tuple[int, pd.DataFrame]]
                         ) -> dict[int, tuple[int, int]]:
    """Upsert on the key; per batch entry: (rows inserted, rows changed). Identical rows
    count as neither, so importing the same file twice reports 0 and 0. Into an empty table
    (a first import, or the demo data just removed) every row is new: inserted directly,
    without the comparison table (`validate_batch` found the keys unique; a key repeated
    after all raises duckdb.ConstraintException, which refuses the batch)."""
    if con.execute("select count(*) from " + store.ident(table)).fetchone()[0] == 0:
        for nr, df in teile:
            store.einfuegen_frame(con, table, df)
        return {nr: (len(df), 0) for nr, df in teile}
    zaehlung, _ = _vergleichen(con, table, teile, felder=False)
    con.execute("insert or replace into " + store.ident(table)
                + " by name select * exclude (_nr) from _neu")
    con.execute("drop table _neu")
    return zaehlung


def _vergleichen(con, table: str, teile: list[tuple[int, pd.DataFrame]], felder: bool = True
                 ) -> tuple[dict[int, tuple[int, int]], list[Aenderung]]:
    """Compare the batch's rows of `table` with the stored ones by key (the one definition of
    "new", "changed" and "unchanged" for the import and its dry run). Leaves the rows in the
    temp table _neu. Returns per batch entry (inserted, changed) and, with `felder`, every
    changed field of every changed record."""
    cols, key = TABLES[table].column_names, TABLES[table].key
    teile_src = [store.fuer_duckdb(df, table, nr) for nr, df in teile]
    if any(isinstance(x, pd.DataFrame) for x in teile_src):     # cells not of their type
        src = pd.concat([store._for_duckdb(df, table).assign(_nr=nr) for nr, df in teile],  # noqa: F841
                        ignore_index=True)
    else:       # Arrow tables (the common case): scanned by DuckDB without Python objects
        import pyarrow as pa
        src = pa.concat_tables(teile_src)  # noqa: F841
    del teile_src
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
    counts = {nr: (0, 0) for nr, _ in teile}
    counts.update({int(r[0]): (int(r[1]), int(r[2])) for r in rows})
    aenderungen: list[Aenderung] = []
    if felder:
        schluessel = ", ".join("n." + _q(c) for c in key)
        for c in cols:
            if c in key:
                continue
            for *k, alt, neu in con.execute(
                    "select " + schluessel + ", t." + _q(c) + ", n." + _q(c) + " from _neu n "
                    "join " + t + " t on " + on + " where t." + _q(c) + " is distinct from n."
                    + _q(c) + " order by " + schluessel).fetchall():
                aenderungen.append(Aenderung(table, " / ".join(_anzeige(x) if x != "" else "alle" for x in k),
                                             c, _anzeige(alt), _anzeige(neu)))
        reihe = {c: i for i, c in enumerate(cols)}
        aenderungen.sort(key=lambda a: (a.schluessel, reihe[a.feld]))
    return counts, aenderungen


def _anzeige(v) -> str:
    """A stored value as the page shows it (German dates and decimals)."""
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "(leer)"
    if isinstance(v, (bool, np.bool_)):
        return "ja" if v else "nein"
    if isinstance(v, (dt.date, pd.Timestamp)):
        return v.strftime("%d.%m.%Y")
    if isinstance(v, float):
        text = f"{v:.6f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return str(v)


def _geo_ersetzen(con, gdf) -> tuple[int, int]:
    """Replace the district outlines; (new districts, changed districts)."""
    from biwaq.einlesen import geo

    zaehlung, _ = _geo_vergleichen(con, gdf)
    geo.store_districts(con, gdf)
    return zaehlung


def _geo_vergleichen(con, gdf) -> tuple[tuple[int, int], list[Aenderung]]:
    """Outlines of the file against the stored ones, by district name: ((new, changed),
    changes). A changed outline is shown with its area in hectares (ETRS89/UTM 32N); a
    district missing from the file is listed as removed (the file replaces all outlines)."""
    from biwaq.einlesen import geo

    neu = geo.district_rows(gdf).set_index("stadtteil")
    alt = con.execute("select stadtteil, quartier, schematisch, wkt, flaeche_ha_utm "
                      "from stadtteil_geo").df().set_index("stadtteil")
    aend: list[Aenderung] = []
    neu_n = geaendert = 0
    for name, r in neu.iterrows():
        if name not in alt.index:
            neu_n += 1
            continue
        a = alt.loc[name]
        felder = [(f, _anzeige(a[f]), _anzeige(r[f])) for f in ("quartier", "schematisch")
                  if _anzeige(a[f]) != _anzeige(r[f])]
        if a["wkt"] != r["wkt"]:
            felder.append(("Umriss", geo.ha_text(a["flaeche_ha_utm"]),
                           geo.ha_text(r["flaeche_ha_utm"])))
        if felder:
            geaendert += 1
            aend += [Aenderung(GEO_TABELLE, name, f, x, y) for f, x, y in felder]
    for name in alt.index.difference(neu.index):
        aend.append(Aenderung(GEO_TABELLE, name, "Umriss",
                              geo.ha_text(alt.at[name, "flaeche_ha_utm"]),
                              "(entfällt – nicht in der Datei)"))
    return (neu_n, geaendert), aend


def _protokollieren(con, st: _Stapel, ergebnis: str, wer: str, demo_entfernt: bool,
                    probelauf: bool = False) -> int:
    """Log one attempt (`ergebnis` 'ok' or 'abgelehnt'; `probelauf`: a dry run on the page,
    which never stores data) with its files and messages; returns its number."""
    nr = con.execute("select coalesce(max(import_nr), 0) + 1 from importprotokoll").fetchone()[0]
    con.execute(
        "insert into importprotokoll (import_nr, zeitpunkt, wer, ergebnis, fehler, warnungen, "
        "demo_entfernt, eingefuegt, aktualisiert, probelauf) values ($nr, $zeit, $wer, "
        "$ergebnis, $fehler, $warnungen, $demo, $ein, $akt, $probe)",
        {"nr": nr, "zeit": dt.datetime.now().replace(microsecond=0), "wer": wer,
         "ergebnis": ergebnis, "fehler": len(st.fehler), "warnungen": len(st.warnungen),
         "demo": demo_entfernt, "ein": sum(e.eingefuegt for e in st.eintraege),
         "akt": sum(e.aktualisiert for e in st.eintraege), "probe": probelauf})
    for e in st.eintraege:
        con.execute(
            "insert into importprotokoll_datei values ($nr, $i, $datei, $sha, $groesse, "
            "$tabelle, $zeilen, $ein, $akt)",
            {"nr": nr, "i": e.nr, "datei": e.datei, "sha": e.sha256, "groesse": e.groesse,
             "tabelle": e.tabelle, "zeilen": e.zeilen, "ein": e.eingefuegt,
             "akt": e.aktualisiert})
    meldungen = [*_sortiert(st.fehler, st.eintraege), *_sortiert(st.warnungen, st.eintraege)]
    if meldungen:
        src = pd.DataFrame({  # noqa: F841 (scanned by DuckDB)
            "import_nr": nr, "nr": range(len(meldungen)),
            "art": ["Fehler" if m.art == "Fehler" else "Hinweis" for m in meldungen],
            "datei": [m.datei for m in meldungen],
            "zeile": pd.array([m.zeile for m in meldungen], dtype="Int64"),
            "spalte": [m.spalte for m in meldungen], "wert": [m.wert for m in meldungen],
            "meldung": [m.erwartet for m in meldungen]})
        con.execute("insert into importprotokoll_meldung by name select * from src")
    return nr


def _sortiert(fehler: list[Fehler], eintraege: list[Eintrag]) -> list[Fehler]:
    """Batch-wide messages first, then by file (in batch order) and Excel row."""
    reihe = {e.datei: i for i, e in enumerate(eintraege)}
    return sorted(fehler, key=lambda f: (reihe.get(f.datei, -1), f.zeile or 0))


def _ablehnen(db: Path, st: _Stapel, wer: str, probelauf: bool = False) -> ImportErgebnis:
    """Nothing is stored; the attempt itself is logged when a database exists (as a dry run
    with `probelauf`). Writing the log entry leaves the data as they are, so the stored marts
    and data-quality result are kept (store.replace_atomically)."""
    st.fehler = _sortiert(st.fehler, st.eintraege)
    st.warnungen = _sortiert(st.warnungen, st.eintraege)
    for e in st.eintraege:
        e.eingefuegt = e.aktualisiert = 0
    nr = None
    if db.exists():
        try:
            with store.replace_atomically(db) as con:
                nr = _protokollieren(con, st, "abgelehnt", wer, False, probelauf)
        except (OSError, duckdb.Error) as err:
            st.warnungen.append(Fehler(DATENBANK, None, None, None,
                                       f"Ablehnung konnte nicht protokolliert werden: {err}",
                                       art="Warnung"))
    return ImportErgebnis(False, st.fehler, st.warnungen, st.eintraege, nr)



