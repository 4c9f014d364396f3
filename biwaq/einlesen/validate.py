"""Contract checks on typed tables: required cells, value lists, ranges, keys, references, date order."""
from __future__ import annotations

import numpy as np
import pandas as pd

from biwaq.einlesen.contract import ERFURT_BBOX, TABLES, Table
from biwaq.einlesen.fileio import Fehler, expected_text
from biwaq.einlesen.werte import lage, sichtbar, zahl_de

MAX_FEHLER_JE_REGEL = 200   # keep reports readable on a badly broken file


def _fmt(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if hasattr(v, "strftime"):
        return v.strftime("%d.%m.%Y")
    if isinstance(v, float):
        return zahl_de(v)       # German decimal comma, as Excel shows it (not '85.5')
    return sichtbar(v) if isinstance(v, str) else str(v)


def _report(fehler: list[Fehler], df: pd.DataFrame, mask: pd.Series, datei: str, spalte: str,
            erwartet: str, wert_spalte: str | None = None) -> None:
    rows = df.index[mask.fillna(False).to_numpy(dtype=bool)]
    angezeigt = df.attrs.get("angezeigt", {})     # cells as they looked (fileio.to_typed)
    for row in rows[:MAX_FEHLER_JE_REGEL]:
        wert = df.at[row, wert_spalte or spalte]
        gezeigt = angezeigt.get((int(row), wert_spalte or spalte))
        fehler.append(Fehler(datei, int(row), spalte, gezeigt or _fmt(wert), erwartet))
    if len(rows) > MAX_FEHLER_JE_REGEL:
        fehler.append(Fehler(datei, None, spalte, None,
                             f"… und {len(rows) - MAX_FEHLER_JE_REGEL} weitere Zeilen "
                             f"mit demselben Fehler ({erwartet})"))


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, errors="coerce")


def validate_table(df: pd.DataFrame, table: Table, datei: str) -> list[Fehler]:
    """Checks within one table. `df` is typed and indexed by Excel row number."""
    fehler: list[Fehler] = []
    for col in table.columns:
        if col.name not in df:
            continue
        s = df[col.name]
        if col.required:
            _report(fehler, df, s.isna(), datei, col.name, "Pflichtfeld ist leer")
        if col.values:
            _report(fehler, df, s.notna() & ~s.isin(col.values), datei, col.name,
                    expected_text(col))
        if col.min is not None:
            num = pd.to_numeric(s, errors="coerce")
            _report(fehler, df, num < col.min, datei, col.name, f"erwartet: mindestens {zahl_de(col.min)}")
        if col.max is not None:
            num = pd.to_numeric(s, errors="coerce")
            _report(fehler, df, num > col.max, datei, col.name, f"erwartet: höchstens {zahl_de(col.max)}")
    fehler += _positionen(df, table, datei)
    fehler += _duplicate_keys(df, table, datei)
    fehler += _table_rules(df, table.name, datei)
    return fehler


def _positionen(df: pd.DataFrame, table: Table, datei: str) -> list[Fehler]:
    """Positions (lat/lon, WGS84): only one of the two given; 0/0 (a placeholder, the Gulf of
    Guinea); latitude and longitude swapped; for vacancies (contract: "inside Erfurt") outside
    Erfurt's bounding box (contract.ERFURT_BBOX). Businesses outside Erfurt are not refused
    (the contract does not require it) but flagged by data-quality rule Q22."""
    if not {"lat", "lon"} <= set(df.columns) or df.empty:
        return []
    lat = pd.to_numeric(df["lat"], errors="coerce").astype("float64")
    lon = pd.to_numeric(df["lon"], errors="coerce").astype("float64")
    b = ERFURT_BBOX
    leer = "oder leer lassen" if not table.column("lat").required else ""
    zeigen = pd.Series([f"{zahl_de(a)} / {zahl_de(o)}" if pd.notna(a) and pd.notna(o) else
                        ("" if pd.isna(a) else zahl_de(a)) + " / " +
                        ("" if pd.isna(o) else zahl_de(o)) for a, o in zip(lat, lon)],
                       index=df.index)
    tmp = df.assign(_pos=zeigen)
    f: list[Fehler] = []
    halb = (lat.isna() != lon.isna()) & (not table.column("lat").required)
    _report(f, tmp, halb, datei, "lat, lon", "Breite und Länge nur zusammen angeben", "_pos")
    null, getauscht, draussen = lage(lat, lon)
    _report(f, tmp, null, datei, "lat, lon", "Position 0/0 ist ein Platzhalter, kein Ort in "
            f"Erfurt – bitte die echte Position eintragen {leer}".strip(), "_pos")
    _report(f, tmp, getauscht, datei, "lat, lon", "Breite und Länge vertauscht? Erfurt liegt "
            "bei etwa 51° Breite (lat) und 11° Länge (lon)", "_pos")
    if table.column("lat").required:
        _report(f, tmp, draussen, datei, "lat, lon", "Position liegt nicht in Erfurt (erwartet: "
                f"Breite {zahl_de(b['lat_min'])}–{zahl_de(b['lat_max'])}, Länge "
                f"{zahl_de(b['lon_min'])}–{zahl_de(b['lon_max'])})", "_pos")
    return f


def _duplicate_keys(df: pd.DataFrame, table: Table, datei: str) -> list[Fehler]:
    key = list(table.key)
    if not set(key) <= set(df.columns) or df.empty:
        return []
    k = _schluessel_codes(df, key)
    dup = k.duplicated(keep="first")
    if not dup.any():
        return []
    # first occurrence only of the keys that repeat (a dict over every row cost 28 % of build)
    mehrfach = k[k.duplicated(keep=False)]
    erste = mehrfach[~mehrfach.duplicated(keep="first")]
    first = {tuple(r): idx for idx, r in zip(erste.index, erste.itertuples(index=False))}
    fehler = []
    for row, r in list(zip(k.index[dup], k[dup].itertuples(index=False)))[:MAX_FEHLER_JE_REGEL]:
        fehler.append(Fehler(datei, int(row), ", ".join(key), " / ".join(_fmt(df.at[row, c])
                                                                         for c in key),
                             f"Schlüssel doppelt (schon in Zeile {first[tuple(r)]})"))
    return fehler


def _schluessel_codes(df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """The key columns as integer codes (one per distinct value, missing values one code):
    equal codes exactly where the cells' texts (`astype(str)`, the comparison before) are
    equal, since a typed key column holds one type (text, date or whole number) – without
    making a text of each of 10 M cells (6 of 10 s of the checks at scale 100)."""
    return pd.DataFrame({c: pd.factorize(df[c], use_na_sentinel=False)[0] for c in key},
                        index=df.index)


def _table_rules(df: pd.DataFrame, name: str, datei: str) -> list[Fehler]:
    """Rules between columns of the same row."""
    f: list[Fehler] = []
    if name == "teilnehmende":
        ek, ein, aus = _dates(df["erstkontakt"]), _dates(df["eintritt"]), _dates(df["austritt"])
        _report(f, df, ein < ek, datei, "eintritt", "Eintritt liegt vor dem Erstkontakt")
        _report(f, df, aus < ein, datei, "austritt", "Austritt liegt vor dem Eintritt")
        _report(f, df, aus.notna() & ein.isna(), datei, "austritt",
                "Austritt ohne Eintritt")
        start_year = ein.dt.year.fillna(ek.dt.year)
        gj = pd.to_numeric(df["geburtsjahr"], errors="coerce")
        _report(f, df, gj > start_year - 15, datei, "geburtsjahr",
                "erwartet: mindestens 15 Jahre vor dem Eintrittsjahr")
        _report(f, df, df["austrittsgrund"].notna() & aus.isna(), datei, "austrittsgrund",
                "Austrittsgrund ohne Austrittsdatum")
    elif name == "betriebe":
        gr, sd = _dates(df["gruendung"]), _dates(df["status_datum"])
        _report(f, df, sd < gr, datei, "status_datum", "Schließung liegt vor der Gründung")
    elif name == "leerstaende":
        ls, wb = _dates(df["leer_seit"]), _dates(df["wiederbelegt_am"])
        _report(f, df, df["status"].eq("wiederbelegt") & wb.isna(), datei, "wiederbelegt_am",
                "Pflichtfeld bei Status „wiederbelegt“ ist leer")
        _report(f, df, wb < ls, datei, "wiederbelegt_am",
                "Wiederbelegung liegt vor „leer seit“")
    elif name == "raumgesuche":
        lo = pd.to_numeric(df["flaeche_min_m2"], errors="coerce")
        hi = pd.to_numeric(df["flaeche_max_m2"], errors="coerce")
        _report(f, df, lo > hi, datei, "flaeche_max_m2",
                "erwartet: Höchstfläche mindestens so groß wie die Mindestfläche")
        da, er = _dates(df["datum"]), _dates(df["erledigt_am"])
        _report(f, df, df["status"].notna() & df["status"].ne("offen") & er.isna(), datei,
                "erledigt_am", "Pflichtfeld bei Status „vermittelt“ oder „zurückgezogen“ ist leer")
        _report(f, df, er < da, datei, "erledigt_am", "„erledigt am“ liegt vor dem Gesuchsdatum")
    return f


def validate_references(frames: dict[str, pd.DataFrame], dateien: dict[str, str],
                        known: dict[tuple[str, str], object] | None = None) -> list[Fehler]:
    """References to participants/businesses must resolve (in the batch or in `known`: per
    referenced (table, column) the stored values, array-like or set). Vectorised like
    `_batch_references`."""
    fehler: list[Fehler] = []
    for name, df in frames.items():
        for col in TABLES[name].columns:
            if not col.references or col.name not in df:
                continue
            ref_table, ref_col = col.references
            targets = _zielwerte((known or {}).get(col.references),
                                 [frames[ref_table][ref_col]] if ref_table in frames else [])
            s = df[col.name]
            label = TABLES[ref_table].title
            _report(fehler, df, s.notna() & ~s.isin(targets), dateien.get(name, name),
                    col.name, f"unbekannte Nummer – nicht in Tabelle {label}")
    return fehler


def validate_tables(frames: dict[str, pd.DataFrame], dateien: dict[str, str] | None = None,
                    known: dict[tuple[str, str], set] | None = None,
                    parse_fehler: list[Fehler] = ()) -> list[Fehler]:
    """All checks over a batch of typed tables (frames indexed by Excel row number).

    Cells already reported as unparsable (`parse_fehler`) are not reported again as empty.
    """
    dateien = dateien or {n: f"{n}.csv" for n in frames}
    fehler: list[Fehler] = []
    for name, df in frames.items():
        fehler += validate_table(df, TABLES[name], dateien.get(name, name))
    fehler += validate_references(frames, dateien, known)
    return _ohne_folgefehler(fehler, parse_fehler)


# --- Batches of files (the importer) -----------------------------------------------------------

def validate_batch(teile: list[tuple[str, str, pd.DataFrame]],
                   known: dict[tuple[str, str], set] | None = None,
                   parse_fehler: list[Fehler] = ()) -> list[Fehler]:
    """All checks over a batch: `teile` are (table, file name, typed frame indexed by Excel
    row); a table may come in several files (e.g. one per partner). Keys must be unique across
    the files of a table; references resolve against the batch and `known` (stored keys)."""
    fehler: list[Fehler] = []
    for name, datei, df in teile:
        fehler += validate_table(df, TABLES[name], datei)
    fehler += _duplicate_keys_across_files(teile)
    fehler += _batch_references(teile, known or {})
    return _ohne_folgefehler(fehler, parse_fehler)


def _ohne_folgefehler(fehler: list[Fehler], parse_fehler) -> list[Fehler]:
    """Drop 'empty' reports for cells already reported as unparsable, and for columns that
    are missing from the header altogether (one message for the column is enough)."""
    seen = {(f.datei, f.zeile, f.spalte) for f in parse_fehler}
    fehlt = {(f.datei, f.spalte) for f in parse_fehler
             if f.erwartet == "Pflichtspalte fehlt in der Kopfzeile"}

    def folge(f: Fehler) -> bool:
        if f.erwartet in ("Pflichtfeld ist leer", "Pflichtfeld bei Status „wiederbelegt“ ist leer"):
            return (f.datei, f.zeile, f.spalte) in seen or (f.datei, f.spalte) in fehlt
        # a rule between columns, when the other column's cell was already refused
        return any((f.datei, f.zeile, andere) in seen for andere in FOLGEFEHLER.get(f.erwartet, ()))
    return [f for f in fehler if not folge(f)]


# Rules between columns and the column whose refused cell would make them fire wrongly (the
# error belongs to the column where the bad value stands, issue 9 kind 7).
FOLGEFEHLER = {"Austrittsgrund ohne Austrittsdatum": ("austritt",),
               "Austritt ohne Eintritt": ("eintritt",)}


def _duplicate_keys_across_files(teile) -> list[Fehler]:
    """A key in two files of the same table (within one file, validate_table reports it): at
    the first row of each file that holds a key standing first in another file (files in
    batch order), naming that file and row; at most MAX_FEHLER_JE_REGEL in all.
    Set-based (issue 14): see `_doppelt_ueber_dateien`."""
    fehler: list[Fehler] = []
    by_table: dict[str, list] = {}
    for name, datei, df in teile:
        by_table.setdefault(name, []).append((datei, df))
    for name, files in by_table.items():
        if len(files) < 2:
            continue
        key = list(TABLES[name].key)
        files = [(datei, df) for datei, df in files
                 if not df.empty and set(key) <= set(df.columns)]
        if len({datei for datei, _ in files}) < 2:
            continue
        for (i, row), (j, row_erst) in _doppelt_ueber_dateien([df for _, df in files], key,
                                                             [d for d, _ in files]):
            if len(fehler) >= MAX_FEHLER_JE_REGEL:
                return fehler
            datei, df = files[i]
            fehler.append(Fehler(datei, row, ", ".join(key),
                                 " / ".join(_fmt(df.at[row, c]) for c in key),
                                 f"Schlüssel doppelt (schon in {files[j][0]}, Zeile {row_erst})"))
    return fehler


def _doppelt_ueber_dateien(frames: list[pd.DataFrame], key: list[str], namen: list[str]
                           ) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Rows whose key stands first in a file of another name, in batch order: for each, the
    first row with that key within its frame, as ((frame index, Excel row), (frame index,
    Excel row) of the key's first row over all frames). Frames are indexed by Excel row; keys
    compare as the texts of their cells, like `_schluessel_codes` (a typed column holds one
    type; a column whose type differs between the frames is compared as text). No Python
    object per row: integer codes per key (pandas.factorize over the frames end to end),
    `duplicated` for first rows."""
    codes = None
    for c in key:
        spalten = [df[c] for df in frames]
        if len({str(s.dtype) for s in spalten}) > 1:       # e.g. hand-made frames
            spalten = [s.astype(str) for s in spalten]
        werte = pd.concat(spalten, ignore_index=True)
        k = pd.factorize(werte, use_na_sentinel=False)[0].astype(np.int64)
        codes = k if codes is None else codes * (int(k.max()) + 1) + k
    codes = pd.factorize(codes)[0]         # 0, 1, 2 … in order of first appearance
    teil = np.repeat(np.arange(len(frames)), [len(df) for df in frames])
    name_code = pd.factorize(pd.Series(namen))[0][teil]
    # codes come in order of first appearance: key c stands first at the c-th new position
    erste = np.flatnonzero(~pd.Series(codes).duplicated().to_numpy())[codes]
    erst_im_teil = ~pd.DataFrame({"k": codes, "t": teil}).duplicated().to_numpy()
    treffer = np.flatnonzero(erst_im_teil & (name_code != name_code[erste]))
    zeilen = np.concatenate([df.index.to_numpy() for df in frames])
    return [((int(teil[p]), int(zeilen[p])), (int(teil[erste[p]]), int(zeilen[erste[p]])))
            for p in treffer[:MAX_FEHLER_JE_REGEL]]


def _batch_references(teile, known: dict[tuple[str, str], object]) -> list[Fehler]:
    """Every reference (e.g. aktivitaeten.tn_id) must name a key delivered in the batch or
    stored (`known`: per referenced (table, column) the stored values, any array-like or set).
    Vectorised (issue 14): the targets are one array (stored values and the batch's values
    end to end), membership is pandas' hash-based `isin` – no Python set of the keys."""
    fehler: list[Fehler] = []
    targets: dict[tuple[str, str], np.ndarray] = {}
    delivered = {name for name, _, _ in teile}
    for name, datei, df in teile:
        for col in TABLES[name].columns:
            if not col.references or col.name not in df:
                continue
            ref_table, ref_col = col.references
            if col.references not in targets:
                targets[col.references] = _zielwerte(
                    known.get(col.references),
                    [df2[ref_col] for n2, _, df2 in teile if n2 == ref_table and ref_col in df2])
            s = df[col.name]
            label = TABLES[ref_table].title
            if not len(targets[col.references]) and ref_table not in delivered:
                if s.notna().any():
                    fehler.append(Fehler(
                        datei, None, col.name, None,
                        f"Tabelle {label} ist weder in dieser Lieferung noch in der Datenbank: "
                        f"bitte die Datei {ref_table} zuerst oder in derselben Lieferung "
                        "importieren"))
                continue
            _report(fehler, df, s.notna() & ~s.isin(targets[col.references]), datei, col.name,
                    f"unbekannte Nummer – nicht in Tabelle {label} (weder in dieser Lieferung "
                    "noch in der Datenbank)")
    return fehler


def _zielwerte(gespeichert, spalten: list[pd.Series]) -> np.ndarray:
    """The values a reference may name: stored ones (array-like or set; None = none) and the
    non-missing cells of the batch's columns, end to end as one object array (repeats are
    harmless to `isin`)."""
    teile = [] if gespeichert is None else [
        np.fromiter(gespeichert, dtype=object, count=len(gespeichert))
        if isinstance(gespeichert, (set, frozenset)) else np.asarray(gespeichert, dtype=object)]
    teile += [s.dropna().to_numpy(dtype=object) for s in spalten]
    if not teile:
        return np.empty(0, dtype=object)
    return np.concatenate(teile) if len(teile) > 1 else teile[0]
