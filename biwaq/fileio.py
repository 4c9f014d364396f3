"""Reading and writing contract files (CSV/XLSX) with the variants real exports have."""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from biwaq.contract import TABLES, Table

CSV_ENCODING = "utf-8-sig"   # what we write: UTF-8 with BOM, German Excel opens it right
CSV_SEP = ";"

TRUE_WORDS = {"ja", "j", "1", "true", "x", "wahr", "yes", "y"}
FALSE_WORDS = {"nein", "n", "0", "false", "falsch", "no"}


@dataclass(frozen=True)
class Fehler:
    """One problem in an input file, located the way a user finds it in Excel."""
    datei: str
    zeile: int | None      # row number as Excel shows it (header = 1); None = whole file
    spalte: str | None
    wert: str | None
    erwartet: str

    def __str__(self) -> str:
        ort = [self.datei]
        if self.zeile is not None:
            ort.append(f"Zeile {self.zeile}")
        if self.spalte:
            ort.append(f"Spalte „{self.spalte}“")
        wert = "" if self.wert is None else f"Wert „{_kurz(self.wert)}“ – "
        return f"{', '.join(ort)}: {wert}{self.erwartet}"


def _kurz(text: str, n: int = 60) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


# --- Header names -------------------------------------------------------------------------

def normalise_header(name: str) -> str:
    """Match contract names: case, spaces, umlauts (ä=ae) and '-'/' ' (= '_') don't matter."""
    s = unicodedata.normalize("NFC", str(name)).strip().lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    s = re.sub(r"[\s\-]+", "_", s)
    return s


# --- Reading raw text ---------------------------------------------------------------------

def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (German Excel's default)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def detect_separator(text: str) -> str:
    """';' or ',' — whichever splits the header line into more fields."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") >= first.count(",") else ","


def read_csv_text(text: str) -> pd.DataFrame:
    """All cells as strings ('' for empty), header as given."""
    sep = detect_separator(text)
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                       na_filter=False, quoting=csv.QUOTE_MINIMAL, skipinitialspace=False)


# --- Typed conversion -----------------------------------------------------------------------

_INT_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_DATE_DE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")


def parse_column(values: pd.Series, typ: str) -> tuple[pd.Series, pd.Series]:
    """Convert strings to the contract type. Returns (typed values, mask of unparsable cells).

    Empty cells become missing values and are never marked unparsable here.
    """
    s = values.astype(str).str.strip()
    empty = s.eq("") | s.str.lower().isin(["nan", "nat", "none"])
    if typ == "text":
        out = s.where(~empty, None).astype(object)
        return out, pd.Series(False, index=s.index)
    if typ == "int":
        t = s.where(~s.str.match(_INT_THOUSANDS), s.str.replace(".", "", regex=False))
        t = t.str.replace(r",0+$", "", regex=True).str.replace(r"\.0+$", "", regex=True)
        num = pd.to_numeric(t.where(~empty, None), errors="coerce")
        bad = ~empty & (num.isna() | (num % 1 != 0))
        return num.where(~bad).astype("Int64"), bad
    if typ == "float":
        t = s.str.replace(",", ".", regex=False)
        num = pd.to_numeric(t.where(~empty, None), errors="coerce")
        bad = ~empty & num.isna()
        return num.astype("Float64"), bad
    if typ == "date":
        return _parse_dates(s, empty)
    if typ == "bool":
        low = s.str.lower()
        out = pd.Series(pd.NA, index=s.index, dtype="boolean")
        out[low.isin(TRUE_WORDS)] = True
        out[low.isin(FALSE_WORDS)] = False
        bad = ~empty & out.isna()
        return out, bad
    raise ValueError(f"unbekannter Typ {typ}")


def _parse_dates(s: pd.Series, empty: pd.Series) -> tuple[pd.Series, pd.Series]:
    de = s.str.extract(_DATE_DE)
    iso = s.str.extract(_DATE_ISO)
    year = de[2].fillna(iso[0])
    month = de[1].fillna(iso[1])
    day = de[0].fillna(iso[2])
    text = year + "-" + month.str.zfill(2) + "-" + day.str.zfill(2)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    bad = ~empty & parsed.isna()
    return parsed.dt.date.where(parsed.notna(), None).astype(object), bad


def expected_text(col) -> str:
    """German description of what a column expects (for messages)."""
    if col.values:
        return "erwartet: einer von " + ", ".join(col.values)
    return {
        "int": "erwartet: ganze Zahl",
        "float": "erwartet: Zahl (z. B. 12,5)",
        "date": "erwartet: Datum TT.MM.JJJJ oder JJJJ-MM-TT",
        "bool": "erwartet: ja/nein (auch j/n, 1/0, true/false, x/leer)",
        "text": "erwartet: Text",
    }[col.type]


# --- Writing ------------------------------------------------------------------------------

def format_for_csv(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Contract column order, German formats: TT.MM.JJJJ, ja/nein, decimal comma."""
    out = {}
    for col in table.columns:
        v = df[col.name] if col.name in df else pd.Series([None] * len(df), index=df.index)
        if col.type == "date":
            d = pd.to_datetime(v, errors="coerce")
            out[col.name] = d.dt.strftime("%d.%m.%Y").fillna("")
        elif col.type == "bool":
            b = v.astype("boolean")
            out[col.name] = np.where(b.isna(), "", np.where(b.fillna(False), "ja", "nein"))
        elif col.type == "float":
            f = pd.to_numeric(v, errors="coerce").astype("Float64")
            txt = f.map(lambda x: "" if pd.isna(x) else repr(float(x)))
            out[col.name] = txt.str.replace(".", ",", regex=False).str.replace(
                r",0$", "", regex=True)
        elif col.type == "int":
            i = pd.to_numeric(v, errors="coerce").astype("Int64")
            out[col.name] = i.astype(str).replace("<NA>", "")
        else:
            out[col.name] = v.astype(object).where(v.notna(), "")
    return pd.DataFrame(out, index=df.index)


def write_contract_csv(df: pd.DataFrame, table_name: str, path: Path) -> None:
    """Write one table exactly in contract form: ';', UTF-8 with BOM, German formats."""
    table = TABLES[table_name]
    formatted = format_for_csv(df, table)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    formatted.to_csv(path, sep=CSV_SEP, index=False, encoding=CSV_ENCODING,
                     lineterminator="\n")


# --- Reading a whole contract file ------------------------------------------------------------

def table_for_filename(name: str) -> str | None:
    """The file name says the table: 'teilnehmende_2018.csv' -> 'teilnehmende'."""
    stem = normalise_header(Path(name).stem)
    for t in sorted(TABLES, key=len, reverse=True):
        if stem.startswith(t):
            return t
    return None


def read_raw(path: Path | str, data: bytes | None = None, table_name: str | None = None
             ) -> pd.DataFrame:
    """Read a CSV or XLSX file into strings; the header row is normalised."""
    path = Path(path)
    if data is None:
        data = path.read_bytes()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        book = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=object, header=0)
        sheet = next((s for s in book if normalise_header(s) == table_name), next(iter(book)))
        raw = book[sheet]
        raw = raw.map(_excel_cell_text)
    else:
        raw = read_csv_text(decode_bytes(data))
    raw.columns = [normalise_header(c) for c in raw.columns]
    raw.index = pd.RangeIndex(2, len(raw) + 2)   # Excel row numbers: header is row 1
    return raw


def _excel_cell_text(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, pd.Timestamp) or hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def to_typed(raw: pd.DataFrame, table: Table, datei: str) -> tuple[pd.DataFrame, list[Fehler]]:
    """Convert a raw frame to contract types; report every unparsable cell and missing column."""
    fehler: list[Fehler] = []
    missing = [c.name for c in table.columns if c.required and c.name not in raw.columns]
    for name in missing:
        fehler.append(Fehler(datei, 1, name, None,
                             "Pflichtspalte fehlt in der Kopfzeile"))
    out = {}
    for col in table.columns:
        if col.name not in raw.columns:
            out[col.name] = pd.Series([None] * len(raw), index=raw.index, dtype=object)
            continue
        typed, bad = parse_column(raw[col.name], col.type)
        for row in raw.index[bad.to_numpy()]:
            fehler.append(Fehler(datei, int(row), col.name, raw.at[row, col.name],
                                 expected_text(col)))
        out[col.name] = typed
    return pd.DataFrame(out, index=raw.index), fehler


def read_contract_file(path: Path | str, data: bytes | None = None
                       ) -> tuple[str | None, pd.DataFrame | None, list[Fehler]]:
    """Read one file of the contract: (table name, typed frame indexed by Excel row, errors)."""
    path = Path(path)
    datei = path.name
    table_name = table_for_filename(datei)
    if table_name is None:
        return None, None, [Fehler(datei, None, None, None,
                                   "Dateiname nennt keine Tabelle des Datenvertrags "
                                   f"(erwartet: {', '.join(TABLES)})")]
    raw = read_raw(path, data, table_name)
    typed, fehler = to_typed(raw, TABLES[table_name], datei)
    return table_name, typed, fehler
