"""Reading and writing contract files (CSV/XLSX) with the variants real exports have."""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import ftfy

from biwaq.einlesen import zellformat as zf
from biwaq.einlesen.contract import TABLES, Table
from biwaq.einlesen.werte import (FALSE_WORDS, TRUE_WORDS, hat_unsichtbare, lage, lies_spalte,  # noqa: F401
                         sichtbar, zahl_de, zeilen_text)

CSV_ENCODING = "utf-8-sig"   # what we write: UTF-8 with BOM, German Excel opens it right
CSV_SEP = ";"

HINWEIS = "Hinweis"   # art of a note: a value was repaired or interpreted (does not block)

# Size limit per file (MB). The same number is Streamlit's upload limit in
# .streamlit/config.toml (server.maxUploadSize); the importer enforces it for the CLI too.
MAX_DATEI_MB = 50
MAX_DATEI_BYTES = MAX_DATEI_MB * 1024 * 1024
# The command line (`build`, `import`) reads files from disk without the web server in
# between, so it has a limit of its own: `--max-mb N` or the environment variable
# BIWAQ_MAX_MB, default 2048 MB. Uploaded bytes keep MAX_DATEI_MB.
KOMMANDOZEILE_MB_STANDARD = 2048
KOMMANDOZEILE_ENV = "BIWAQ_MAX_MB"
_pfad_grenze_mb: int | None = None      # set by kommandozeilen_grenze(); None = MAX_DATEI_MB
MAX_XLSX_ENTPACKT = 10 * MAX_DATEI_BYTES   # an .xlsx is a zip: refuse "zip bombs"
# Bounds of one sheet read (issue 13.11: a 5 KB file declaring A1:XFD1048576 must not take the
# server down). The contract's tables have at most 17 columns; the project has a few thousand
# rows per table.
MAX_XLSX_ZEILEN = 200_000
MAX_XLSX_SPALTEN = 200
MAX_XLSX_ZELLEN = 5_000_000
MAX_LESEZEIT_S = 60
KOPF_SUCHE = 30                             # the header row is searched in the first rows
CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Fehler:
    """One problem in an input file, located the way a user finds it in Excel."""
    datei: str
    zeile: int | None      # row number as Excel shows it (header = 1); None = whole file
    spalte: str | None
    wert: str | None
    erwartet: str
    art: str = "Fehler"    # "Fehler" blocks an import; "Warnung" and "Hinweis" do not

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
    s = str(name)
    if ftfy.badness.is_bad(s):                 # 'GrÃ¼ndung' (double-encoded) -> 'Gründung'
        s = ftfy.fix_encoding(s)
    s = re.sub("[\u00ad\u200b\u200c\u200d\u2060\ufeff]", "", unicodedata.normalize("NFKC", s))
    s = s.strip().lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    s = re.sub(r"[\s\-]+", "_", s)
    return s


# --- Reading raw text ---------------------------------------------------------------------

def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (German Excel's default)."""
    return dekodiere(data)[0]


def dekodiere(data: bytes) -> tuple[str, list[int]]:
    """Text of a CSV file and the physical lines (1-based) read as Windows-1252 although the
    rest of the file is UTF-8 (empty when the file is all one encoding).

    UTF-16 with BOM and UTF-8 (with or without BOM) are decoded strictly; a file that is not
    valid UTF-8 is decoded line by line: lines valid as UTF-8 stay UTF-8, the others are read
    as Windows-1252 (a file pieced together from two exports). Bytes Windows-1252 does not
    define become U+FFFD, which the cell check refuses. Statistical detectors
    (charset-normalizer) are not used: the contract allows exactly these two encodings, and
    double-encoded text inside valid UTF-8 is ftfy's job (biwaq.einlesen.werte)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), []
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    zeilen = data.split(b"\n")
    teile, cp1252, utf8_umlaute = [], [], False
    for i, z in enumerate(zeilen, start=1):
        try:
            teile.append(z.decode("utf-8"))
            utf8_umlaute |= not z.isascii()
        except UnicodeDecodeError:
            teile.append(z.decode("cp1252", errors="replace"))
            cp1252.append(i)
    return "\n".join(teile), (cp1252 if (utf8_umlaute or bom) else [])


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

def parse_column(values: pd.Series, typ: str) -> tuple[pd.Series, pd.Series]:
    """Convert strings to a contract type. Returns (typed values, mask of unreadable cells).

    Empty cells become missing values and are never marked unreadable here. The rules are
    those of `biwaq.einlesen.werte.lies_spalte` for a column of that type without value list or
    plausible window; the importer uses `to_typed`, which knows the whole column spec.
    """
    from biwaq.einlesen.contract import Column

    col = Column("wert", typ)
    sp = lies_spalte(values, col, Table("-", "-", ()))
    return sp.typed, pd.Series(values.index.isin(list(sp.fehler)), index=values.index)


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


@dataclass
class Gelesen:
    """One table read from one file (or one sheet of a workbook)."""
    datei: str                          # as named in messages (file, and sheet if several)
    tabelle: str | None
    frame: pd.DataFrame | None = None   # typed contract columns, index = Excel row number
    fehler: list[Fehler] = field(default_factory=list)
    warnungen: list[Fehler] = field(default_factory=list)
    kopfzeile: int = 1

    @property
    def zeilen(self) -> int:
        return 0 if self.frame is None else len(self.frame)


def kommandozeilen_mb(wert: int | str | None = None) -> int:
    """The command line's per-file limit in MB: `wert` (from `--max-mb`), else the environment
    variable BIWAQ_MAX_MB, else KOMMANDOZEILE_MB_STANDARD. Raises ValueError (German) if the
    value is not a whole number ≥ 1."""
    roh = wert if wert is not None else os.environ.get(KOMMANDOZEILE_ENV)
    if roh is None or str(roh).strip() == "":
        return KOMMANDOZEILE_MB_STANDARD
    try:
        mb = int(str(roh).strip())
    except ValueError:
        mb = 0
    if mb < 1:
        raise ValueError(f"Grenze je Datei „{roh}“ ist keine ganze Zahl ab 1 (MB) – "
                         f"bitte --max-mb oder {KOMMANDOZEILE_ENV} prüfen")
    return mb


@contextlib.contextmanager
def kommandozeilen_grenze(mb: int):
    """Within the block, files read from a path (not uploaded bytes) may be up to `mb` MB.
    Used by `python -m biwaq build/import`; library calls and the web page keep MAX_DATEI_MB."""
    global _pfad_grenze_mb
    vorher, _pfad_grenze_mb = _pfad_grenze_mb, mb
    try:
        yield
    finally:
        _pfad_grenze_mb = vorher


def groesse_fehler(groesse: int, hochgeladen: bool) -> str | None:
    """The German refusal for a file of `groesse` bytes, or None if it is within the limit:
    MAX_DATEI_MB for uploads and library calls; inside kommandozeilen_grenze() the command
    line's own limit for files read from disk (its message says how to raise it)."""
    if hochgeladen or _pfad_grenze_mb is None:
        if groesse <= MAX_DATEI_BYTES:
            return None
        return (f"Datei ist {groesse_text(groesse)} groß; erlaubt sind höchstens {MAX_DATEI_MB} "
                "MB je Datei – bitte in mehrere Dateien teilen (z. B. nach Jahr oder Träger)")
    if groesse <= _pfad_grenze_mb * 1024 * 1024:
        return None
    return (f"Datei ist {groesse_text(groesse)} groß; erlaubt sind auf der Kommandozeile "
            f"höchstens {_pfad_grenze_mb} MB je Datei – Grenze mit --max-mb oder "
            f"{KOMMANDOZEILE_ENV} erhöhen oder die Datei teilen")


def groesse_text(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB".replace(",", "X").replace(".", ",").replace("X", ".")


def lies_datei(name: str, data: bytes | None = None, path: Path | str | None = None
               ) -> list[Gelesen]:
    """Read one contract file (CSV or XLSX) from bytes or a path; never raises on bad input.

    Returns one entry per table found (a workbook whose file name names no table may hold
    several sheets named like tables). Problems are German messages in `fehler`/`warnungen`.
    """
    datei = Path(name).name
    suffix = Path(name).suffix.lower()
    table = table_for_filename(datei)
    groesse = len(data) if data is not None else Path(path).stat().st_size
    zu_gross = groesse_fehler(groesse, hochgeladen=data is not None)
    if zu_gross:
        return [_fehlschlag(datei, table, zu_gross)]
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        hinweis = (" – alte Excel-Dateien bitte als .xlsx oder CSV speichern"
                   if suffix == ".xls" else "")
        return [_fehlschlag(datei, table, f"Dateiformat „{suffix or 'ohne Endung'}“ wird nicht "
                            f"unterstützt: erwartet .csv oder .xlsx{hinweis}")]
    if data is None:
        data = Path(path).read_bytes()
    if not data.strip():
        return [_fehlschlag(datei, table, "Datei ist leer")]
    if suffix in XLSX_SUFFIXES:
        return _lies_xlsx(datei, data, table)
    if table is None:
        return [_ohne_tabelle(datei)]
    halter = [data]     # the CSV reader drops the bytes once they are parsed (issue 14: the
    del data            # 467 MB of a 10 M-row file were held through the whole conversion)
    return [_lies_csv(datei, halter, table)]


def _fehlschlag(datei: str, table: str | None, text: str) -> Gelesen:
    return Gelesen(datei, table, fehler=[Fehler(datei, None, None, None, text)])


def _ohne_tabelle(datei: str) -> Gelesen:
    return _fehlschlag(datei, None, "Dateiname nennt keine Tabelle des Datenvertrags "
                       f"(erwartet z. B. teilnehmende.csv; Tabellen: {', '.join(TABLES)})")


# --- CSV ------------------------------------------------------------------------------------

_MAGIC = ((b"PK\x03\x04", "eine Excel-Datei (.xlsx) oder ein ZIP-Archiv"),
          (b"\xd0\xcf\x11\xe0", "eine alte Excel-Datei (.xls)"),
          (b"%PDF", "ein PDF-Dokument"),
          (b"\x89PNG", "ein Bild (PNG)"),
          (b"\xff\xd8\xff", "ein Bild (JPEG)"))


def binaer_art(data: bytes) -> str | None:
    """What a file that should be text really is (None = looks like text)."""
    for magic, was in _MAGIC:
        if data.startswith(magic):
            return was
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None                      # UTF-16 text (Excel's "Unicode-Text")
    head = data[:8192]
    steuer = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    # a stray NUL byte in a cell is text (refused in its cell, see biwaq.einlesen.werte); many are not
    if head.count(b"\x00") > max(2, len(head) * 0.01) or steuer > len(head) * 0.05:
        return "eine Binärdatei"
    return None


def _text(data: bytes) -> tuple[str, list[int]]:
    """`dekodiere` with every line end as "\\n"."""
    text, cp1252 = dekodiere(data)
    return text.replace("\r\n", "\n").replace("\r", "\n"), cp1252


def _lies_csv(datei: str, data: bytes | list[bytes], table: str) -> Gelesen:
    """One CSV file. `data`: its bytes, or a list holding them as the only reference (then
    they are freed as soon as the records are parsed, before the cells are converted; the
    decoded text is freed before Arrow parses the bytes)."""
    if isinstance(data, list):
        data = data.pop()
    art = binaer_art(data)
    if art:
        return _fehlschlag(datei, table, f"Datei ist keine CSV-Textdatei, sondern {art} – "
                           "bitte als CSV (Trennzeichen ;) oder .xlsx exportieren")
    text, cp1252 = _text(data)
    try:
        kopf = _csv_kopf(text, TABLES[table])
    except csv.Error as e:
        return _fehlschlag(datei, table, f"Datei ist keine lesbare CSV-Datei ({e})")
    if kopf is None:
        return _fehlschlag(datei, table, _kein_kopf_text(text, TABLES[table]))
    sep, skip, kopfzeile, header = kopf
    body = None
    if not cp1252:
        text = None              # not needed by Arrow; decoded again if Arrow declines
        body = _csv_body_arrow(data, sep, skip)
        if body is None:
            text = _text(data)[0]
    del data
    if body is None:
        body = _csv_body(text, sep, skip)
    del text
    g = Gelesen(datei, table, kopfzeile=kopfzeile)
    _rahmen(g, header, body, sep=sep)
    if cp1252:
        g.warnungen.insert(0, Fehler(
            datei, cp1252[0], None, None, f"{_mehrere(cp1252)}als Windows-1252 gelesen, der "
            "Rest der Datei als UTF-8 (Datei aus zwei Exporten zusammengesetzt?) – bitte die "
            "Umlaute dieser Zeilen prüfen", art=HINWEIS))
    return g


def _kopf_score(row: list[str], table: Table) -> int:
    names = set(table.column_names)
    return len({normalise_header(c) for c in row if c and c.strip()} & names)


def _kopf_reicht(score: int, table: Table) -> bool:
    return score >= min(2, len(table.columns))


def _csv_kopf(text: str, table: Table) -> tuple[str, int, int, list[str]] | None:
    """Separator and header row: the row (of the first KOPF_SUCHE) naming most contract
    columns, under whichever separator names more. Returns (sep, physical lines up to and
    including the header, header's Excel row, header cells)."""
    best = None
    for sep in (";", ","):
        reader = csv.reader(_zeilen(text), delimiter=sep)
        for i, row in enumerate(itertools.islice(reader, KOPF_SUCHE)):
            score = _kopf_score(row, table)
            if _kopf_reicht(score, table) and (best is None or score > best[0]):
                best = (score, sep, reader.line_num, i + 1, row)
    return None if best is None else best[1:]


def _zeilen(text: str) -> Iterator[str]:
    """The lines of `text` with their "\\n", one at a time (as iterating io.StringIO(text)
    gives them, without copying the whole text)."""
    start = 0
    while start < len(text):
        ende = text.find("\n", start)
        if ende < 0:
            yield text[start:]
            return
        yield text[start:ende + 1]
        start = ende + 1


def _kein_kopf_text(text: str, table: Table) -> str:
    first = next((line for line in text.split("\n") if line.strip()), "")
    pflicht = ", ".join(c.name for c in table.columns if c.required)
    for zeichen, name in (("\t", "Tabulator"), ("|", "senkrechter Strich „|“")):
        if first.count(zeichen) >= 2:
            return (f"Trennzeichen {name} wird nicht unterstützt: erwartet Semikolon (;) oder "
                    "Komma (,) – bitte in Excel als „CSV (Trennzeichen-getrennt)“ speichern")
    return (f"Kopfzeile nicht gefunden: keine der ersten {KOPF_SUCHE} Zeilen nennt die Spalten "
            f"der Tabelle {table.name} (Pflichtspalten: {pflicht}); Trennzeichen muss ; oder , "
            "sein")


def _csv_body_arrow(data: bytes, sep: str, skip: int) -> pd.DataFrame | None:
    """`_csv_body` for the plain files that make up large exports, read by Apache Arrow's CSV
    reader straight from the bytes (multi-threaded, no Python string per cell): UTF-8 (BOM
    allowed), no quote character anywhere, line ends \\n or \\r\\n, every record with the
    same number of fields (≥ 2; a blank line is a record of empty cells, as in pandas). There
    a record is a physical line and a field what lies between separators, so both readers
    give the same strings; for every other file (quotes, Windows-1252, UTF-16, lone \\r,
    ragged lines) this returns None and `_csv_body` reads it. Same result: strings (dtype
    str), columns 0..n-1, blank lines kept. `tests/test_werte_schnell.py` compares both."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b'"' in data:
        return None
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    for _ in range(skip):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return None
    if start >= len(data):
        return None
    schief: list = []

    def ungueltig(row) -> str:
        schief.append(row)
        return "skip"

    try:
        tab = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)[start:]),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True,
                                           block_size=16 << 20),
            parse_options=pacsv.ParseOptions(delimiter=sep, quote_char=False,
                                             double_quote=False, escape_char=False,
                                             newlines_in_values=False, ignore_empty_lines=False,
                                             invalid_row_handler=ungueltig),
            convert_options=pacsv.ConvertOptions(strings_can_be_null=False, null_values=[],
                                                 quoted_strings_can_be_null=False,
                                                 check_utf8=True, auto_dict_encode=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    if schief or tab.num_columns < 2 or any(
            not pa.types.is_string(f.type) for f in tab.schema):
        return None
    body = tab.to_pandas(split_blocks=True, self_destruct=True)
    del tab
    body.columns = range(len(body.columns))
    return body


def _csv_body(text: str, sep: str, skip: int) -> pd.DataFrame:
    """All records after the first `skip` lines as strings, columns numbered 0..n-1 (blank
    lines kept so that numbering follows Excel)."""
    try:
        body = pd.read_csv(io.StringIO(text), sep=sep, header=None, skiprows=skip,
                           dtype=str, keep_default_na=False, na_filter=False,
                           skip_blank_lines=False, quoting=csv.QUOTE_MINIMAL)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except pd.errors.ParserError:
        # Rows with more fields than the first one: read them all and report them later.
        lines = text.split("\n")
        rows = list(csv.reader(io.StringIO("\n".join(lines[skip:])), delimiter=sep))
        width = max((len(r) for r in rows), default=0)
        body = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=str)
    return body.fillna("")


# --- XLSX -----------------------------------------------------------------------------------

class _ZuGross(Exception):
    """A sheet beyond the read limits (rows, columns, cells, time)."""


def _lies_xlsx(datei: str, data: bytes, table: str | None) -> list[Gelesen]:
    """Read a workbook. Only visible sheets are data: the sheet named like the table, else
    the first visible one (data contract; the choice is stated in a note when the workbook has
    more sheets). The declared sheet size (`<dimension>`) is ignored: the sheet is read up to
    its real last cell, within MAX_XLSX_ZEILEN/SPALTEN/ZELLEN and MAX_LESEZEIT_S."""
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            entpackt = sum(i.file_size for i in z.infolist())
        if entpackt > MAX_XLSX_ENTPACKT:
            return [_fehlschlag(datei, table, f"Excel-Datei ist entpackt {groesse_text(entpackt)} "
                                f"groß; erlaubt sind höchstens "
                                f"{groesse_text(MAX_XLSX_ENTPACKT)}")]
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formeln = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:   # noqa: BLE001 – any broken workbook gets the same clear message
        art = binaer_art(data)
        if data.startswith(b"PK\x03\x04"):
            was = "ist beschädigt oder unvollständig (Archiv nicht lesbar)"
        else:
            was = "ist keine Excel-Datei, sondern " + ("eine Textdatei (CSV?)" if art is None
                                                        else art)
        return [_fehlschlag(datei, table, f"Datei {was} – bitte in Excel als „Excel-Arbeitsmappe "
                            "(.xlsx)“ speichern")]
    try:
        alle = book.worksheets
        sichtbar = [w for w in alle if w.sheet_state == "visible"]
        versteckt = [w.title for w in alle if w.sheet_state != "visible"]
        if not sichtbar:
            return [_fehlschlag(datei, table, "Arbeitsmappe hat kein sichtbares Tabellenblatt "
                                "– bitte das Blatt mit den Daten einblenden")]
        if table is not None:
            benannt = [w for w in sichtbar if normalise_header(w.title) == table]
            ws = benannt[0] if benannt else sichtbar[0]
            g = _lies_blatt(datei, ws, formeln[ws.title], table, len(alle) > 1, data)
            if len(alle) > 1:
                regel = (f"Blatt „{ws.title}“ gelesen (es heißt wie die Tabelle)" if benannt else
                         f"Blatt „{ws.title}“ gelesen (kein sichtbares Blatt heißt „{table}“: "
                         "das erste sichtbare Blatt)")
                _blatt_hinweis(g, regel, [w.title for w in sichtbar if w is not ws], versteckt)
            return [g]
        found = [_lies_blatt(datei, w, formeln[w.title], normalise_header(w.title), True, data)
                 for w in sichtbar if normalise_header(w.title) in TABLES]
        if not found:
            g = _ohne_tabelle(datei)
            g.fehler[0] = Fehler(datei, None, None, None,
                                 g.fehler[0].erwartet + " – und kein sichtbares Tabellenblatt "
                                 "heißt wie eine Tabelle")
            return [g]
        nicht = [w.title for w in sichtbar if normalise_header(w.title) not in TABLES]
        if len(alle) > 1:
            _blatt_hinweis(found[0], "Blätter gelesen, die wie eine Tabelle heißen: " + ", ".join(
                f"„{g.datei.split('„', 1)[1][:-2]}“" for g in found), nicht, versteckt)
        return found
    finally:
        book.close()
        formeln.close()


def _blatt_hinweis(g: Gelesen, regel: str, andere: list[str], versteckt: list[str]) -> None:
    """The note that says which sheet was read and which were not."""
    teile = [regel]
    if andere:
        teile.append("nicht gelesen: " + ", ".join(f"„{t}“" for t in andere))
    if versteckt:
        teile.append("ausgeblendet und nie gelesen: " + ", ".join(f"„{t}“" for t in versteckt))
    g.warnungen.insert(0, Fehler(g.datei, None, None, None, "; ".join(teile), art=HINWEIS))


def _lies_blatt(datei: str, ws, ws_formeln, table: str, blatt_nennen: bool,
                data: bytes | None = None) -> Gelesen:
    name = f"{datei} (Blatt „{ws.title}“)" if blatt_nennen else datei
    try:
        rows, prozent, ohne_ergebnis, abgelehnt = _blatt_zellen(ws, ws_formeln, table)
    except _ZuGross as e:
        return _fehlschlag(name, table, str(e))
    if not any(any(c.strip() for c in r) for r in rows):
        return _fehlschlag(name, table, "Tabellenblatt ist leer")
    best = _kopf_finden(rows, table)
    if best is None:
        pflicht = ", ".join(c.name for c in TABLES[table].columns if c.required)
        return _fehlschlag(name, table, f"Kopfzeile nicht gefunden: keine der ersten "
                           f"{KOPF_SUCHE} Zeilen nennt die Spalten der Tabelle {table} "
                           f"(Pflichtspalten: {pflicht})")
    i = best[1]
    width = max(len(r) for r in rows)
    body = pd.DataFrame([r + [""] * (width - len(r)) for r in rows[i + 1:]],
                        columns=range(width), dtype=object)
    g = Gelesen(name, table, kopfzeile=i + 1)
    spalten = _rahmen(g, rows[i], body, sep=None)
    namen = {j: n for n, j in spalten.items()}
    _zellen_abgelehnt(g, abgelehnt, namen)
    prozent -= set(abgelehnt)
    for (r, j), formel in sorted(ohne_ergebnis.items(), key=lambda x: (x[0][1], x[0][0])):
        if r > i + 1 and j in namen:
            g.fehler.append(Fehler(name, r, namen[j], formel,
                                   "Formel ohne gespeichertes Ergebnis – bitte die Datei in Excel "
                                   "oder LibreOffice öffnen und speichern (dann steht das "
                                   "Ergebnis in der Datei)"))
    for j, n in namen.items():
        pz = sorted(r for r, jj in prozent if jj == j and r > i + 1 and r in g.frame.index)
        if pz:
            wert = g.frame.at[pz[0], n]
            g.warnungen.append(Fehler(
                name, pz[0], n, rows[pz[0] - 1][j] + " %",
                f"{_mehrere(pz)}als Prozent formatierte Zellen (z. B. „"
                f"{rows[pz[0] - 1][j]} %“, gespeichert als Anteil {_anteil(rows[pz[0] - 1][j])})"
                f" als Prozentpunkte gelesen ({zahl_de(float(wert))})", art=HINWEIS))
    if data is not None:
        g.warnungen += _ausgeblendet_hinweise(g, data, getattr(ws, "_worksheet_path", None),
                                              namen)
    g.warnungen.sort(key=lambda f: (f.art != HINWEIS or f.zeile is not None, f.zeile or 0))
    return g


def _ausgeblendet_hinweise(g: Gelesen, data: bytes, blatt_pfad: str | None,
                           namen: dict[int, str]) -> list[Fehler]:
    """Notes naming the data rows and contract columns hidden in Excel (the person did not
    see them; a filtered list is an ordinary export). They are read like the others – the
    data contract reads a visible sheet whole – and the note makes that visible."""
    zeilen, spalten = zf.ausgeblendet(data, blatt_pfad)
    out = []
    rows = sorted(r for r in zeilen if g.frame is not None and r in g.frame.index)
    if rows:
        was = "die Zeilen zur Lieferung gehören" if len(rows) > 1 else "sie zur Lieferung gehört"
        out.append(Fehler(g.datei, rows[0], None, None, f"{_mehrere(rows)}in Excel ausgeblendet "
                          f"(z. B. durch einen Filter) – trotzdem eingelesen; bitte prüfen, ob "
                          f"{was}", art=HINWEIS))
    cols = sorted(j for j in spalten if j in namen)
    if cols:
        mehr = "n" if len(cols) > 1 else ""
        out.append(Fehler(g.datei, g.kopfzeile, ", ".join(namen[j] for j in cols), None,
                          f"Spalte{mehr} in Excel ausgeblendet (Spalte{mehr} "
                          f"{', '.join(_spaltenname(j) for j in cols)}) – trotzdem eingelesen; "
                          "bitte prüfen, ob die Werte stimmen", art=HINWEIS))
    return out


def _kopf_finden(rows: list[list[str]], table: str) -> tuple[int, int] | None:
    """(score, 0-based index) of the header row among the first KOPF_SUCHE rows, or None."""
    best = None
    for i, row in enumerate(rows[:KOPF_SUCHE]):
        score = _kopf_score(row, TABLES[table])
        if _kopf_reicht(score, TABLES[table]) and (best is None or score > best[0]):
            best = (score, i)
    return best


def _zellen_abgelehnt(g: Gelesen, abgelehnt: dict, namen: dict[int, str]) -> None:
    """Cells refused for their Excel cell type or number format ({(row, column index):
    (value as Excel shows it, German reason)}): that error replaces any other for the cell,
    and the cell's value is not kept (its required-field check is then a follow-up error)."""
    eigene = {(r, namen[j]): f for (r, j), f in abgelehnt.items()
              if j in namen and g.frame is not None and r in g.frame.index}
    if not eigene:
        return
    g.fehler = [f for f in g.fehler if (f.zeile, f.spalte) not in eigene]
    for (r, n), (wert, erwartet) in sorted(eigene.items()):
        g.fehler.append(Fehler(g.datei, r, n, wert, erwartet))
        g.frame.at[r, n] = None


def _mehrere(rows: list[int]) -> str:
    """Prefix naming the rows of a note that concerns more than its first row."""
    return f"{zeilen_text(rows)}: " if len(rows) > 1 else ""


def _anteil(prozentpunkte: str) -> str:
    return format(float(prozentpunkte.replace(",", ".")) / 100, ".15g").replace(".", ",")


def _blatt_zellen(ws, ws_formeln, table: str | None = None
                  ) -> tuple[list[list[str]], set, dict, dict]:
    """All cells as the person sees them: (rows of texts, percent-formatted cells {(excel row,
    column index)}, formulas without a cached result {(row, column): formula}, cells refused
    for their cell type or number format {(row, column index): (value as Excel shows it,
    German reason)}).

    Once the header row is known (among the first KOPF_SUCHE rows), cells below it are read
    for their contract column (`_zelle_fuer_spalte`): a number in a text column as Excel
    shows it under its number format, a date cell outside a date column as Excel shows the
    date (see biwaq.einlesen.zellformat). The declared size is ignored (`reset_dimensions`);
    reading stops with `_ZuGross` beyond MAX_XLSX_ZEILEN rows, MAX_XLSX_SPALTEN filled
    columns, MAX_XLSX_ZELLEN cells or MAX_LESEZEIT_S seconds."""
    import time

    ws.reset_dimensions()
    ws_formeln.reset_dimensions()
    start = time.monotonic()
    rows: list[list[str]] = []
    prozent: set[tuple[int, int]] = set()
    ohne_ergebnis: dict[tuple[int, int], str] = {}
    abgelehnt: dict[tuple[int, int], tuple[str, str]] = {}
    frueh: dict[tuple[int, int], object] = {}     # typed cells of the first KOPF_SUCHE rows
    arten: dict[int, str] | None = None           # column index -> contract type (once known)
    kopf = 0
    zellen = 0
    for r, (zeile, fzeile) in enumerate(zip(ws.iter_rows(), ws_formeln.iter_rows()), start=1):
        if r > MAX_XLSX_ZEILEN:
            raise _ZuGross(f"Tabellenblatt hat mehr als {MAX_XLSX_ZEILEN:,} Zeilen – bitte in "
                           "mehrere Dateien teilen (z. B. nach Jahr oder Träger)"
                           .replace(",", "."))
        zellen += len(zeile)
        if zellen > MAX_XLSX_ZELLEN or time.monotonic() - start > MAX_LESEZEIT_S:
            raise _ZuGross(f"Tabellenblatt ist zu groß zum Lesen (mehr als "
                           f"{MAX_XLSX_ZELLEN:,} Zellen oder {MAX_LESEZEIT_S} Sekunden) – bitte "
                           "leere formatierte Bereiche löschen oder die Datei teilen"
                           .replace(",", "."))
        if arten is None and table is not None and r > KOPF_SUCHE:
            arten, kopf = _spalten_arten(rows, table, frueh, abgelehnt)
        texte = []
        for j, cell in enumerate(zeile):
            text, pct = _excel_zelle(cell)
            if pct:
                prozent.add((r, j))
            if text == "" and j < len(fzeile) and getattr(fzeile[j], "data_type", None) == "f":
                ohne_ergebnis[(r, j)] = str(fzeile[j].value)
            v = getattr(cell, "value", None)
            if text and isinstance(v, (int, float, dt.date, dt.time)):
                if arten is None:
                    if table is not None:
                        frueh[(r, j)] = cell
                elif j in arten and (arten[j] == "text" or (
                        arten[j] != "date" and isinstance(v, (dt.date, dt.time)))):
                    text = _zelle_fuer_spalte(cell, text, arten[j], (r, j), abgelehnt)
            texte.append(text)
        while texte and texte[-1] == "":
            texte.pop()
        if len(texte) > MAX_XLSX_SPALTEN:
            raise _ZuGross(f"Zeile {r} hat Werte in mehr als {MAX_XLSX_SPALTEN} Spalten (bis "
                           f"Spalte {_spaltenname(len(texte) - 1)}) – erwartet eine Tabelle des "
                           "Datenvertrags")
        rows.append(texte)
    if arten is None and table is not None:
        _spalten_arten(rows, table, frueh, abgelehnt)
    while rows and not rows[-1]:
        rows.pop()
    return rows, prozent, ohne_ergebnis, abgelehnt


def _spalten_arten(rows: list[list[str]], table: str, frueh: dict, abgelehnt: dict
                   ) -> tuple[dict[int, str], int]:
    """Once the first rows are read: the contract type of each column index under the header
    ({} without a header) and the header's Excel row; the typed cells read so far below the
    header are read for their column now (`rows` and `abgelehnt` are updated)."""
    best = _kopf_finden(rows, table)
    if best is None:
        return {}, 0
    kopf = best[1] + 1
    spec = TABLES[table]
    arten = {}
    for j, h in enumerate(rows[kopf - 1]):
        n = normalise_header(h) if h and h.strip() else ""
        if n in spec.column_names and n not in arten.values():
            arten[j] = spec.column(n).type
    # a repeated header name: the first column counts (as in _rahmen)
    for (r, j), cell in frueh.items():
        if r > kopf and j in arten:
            rows[r - 1][j] = _zelle_fuer_spalte(cell, rows[r - 1][j], arten[j], (r, j),
                                                abgelehnt)
    return arten, kopf


def _zelle_fuer_spalte(cell, text: str, art: str, ort: tuple[int, int], abgelehnt: dict) -> str:
    """The text of a typed cell (number, date, WAHR/FALSCH) for a column of contract type
    `art`: in a text column the number as Excel shows it (or refused), a date or WAHR/FALSCH
    refused; outside a date column a date cell as Excel shows it (the column's reading then
    refuses it with that text). `text` is the reading without the column (`_excel_zelle`)."""
    v = cell.value
    fmt = getattr(cell, "number_format", None)
    if isinstance(v, (dt.date, dt.time)):
        if art == "date":
            return text
        gezeigt = zf.datum_anzeige(v, fmt)
        if art == "text":
            abgelehnt[ort] = (gezeigt, zf.DATUM_IN_TEXTSPALTE)
        return gezeigt
    if art != "text":
        return text
    if isinstance(v, bool):
        abgelehnt[ort] = ("WAHR" if v else "FALSCH", zf.WAHRHEITSWERT_IN_TEXTSPALTE)
        return text
    gezeigt, grund = zf.textspalte_zahl(v, fmt)
    if grund:
        abgelehnt[ort] = (gezeigt, grund)
    return gezeigt


def _excel_zelle(cell) -> tuple[str, bool]:
    """(text as the person sees it, percent-formatted). Numbers are written with a decimal
    comma, as German Excel shows them; a percent-formatted number becomes percent points
    (0.181 -> '18,1')."""
    v = getattr(cell, "value", None)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        fmt = re.sub(r'"[^"]*"|\\.', "", getattr(cell, "number_format", "") or "")
        if "%" in fmt and np.isfinite(v):
            return _zahl_text(float(format(v * 100, ".15g"))), True
        return _zahl_text(v), False
    return _excel_cell_text(v), False


def _zahl_text(v) -> str:
    if isinstance(v, float) and not np.isfinite(v):
        return "nan" if np.isnan(v) else "inf"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return str(v) if isinstance(v, int) else repr(v).replace(".", ",")


def _excel_cell_text(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, bool):
        return "ja" if v else "nein"
    if isinstance(v, (dt.datetime, pd.Timestamp)):
        return v.strftime("%Y-%m-%d")        # real date cells; a time of day is dropped
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (int, float)):
        return _zahl_text(v)
    return str(v)


# --- From cells to a typed frame ------------------------------------------------------------

def _spaltenname(j: int) -> str:
    """Excel column letters for a 0-based index (0 -> A, 27 -> AB)."""
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _rahmen(g: Gelesen, header: list[str], body: pd.DataFrame, sep: str | None
            ) -> dict[str, int]:
    """Name the columns, drop empty rows, report odd columns, convert to contract types.
    Returns the contract columns read: name -> 0-based column index."""
    table = TABLES[g.tabelle]
    kopf = g.kopfzeile
    body = body.astype(str) if len(body.columns) else body
    body.index = pd.RangeIndex(kopf + 1, kopf + 1 + len(body))   # Excel row numbers
    header = list(header) + [""] * max(0, len(body.columns) - len(header))
    names = [normalise_header(h) if h and h.strip() else "" for h in header]
    body = body.reindex(columns=range(len(names)), fill_value="")
    keep: dict[str, int] = {}
    leer = pd.Series(True, index=body.index)
    kaputt: set[int] = set()          # CSV rows with too many fields: their cells are shifted
    for j, name in enumerate(names):
        filled = body[j].str.strip().ne("")
        leer &= ~filled
        if not name:
            if filled.any():
                kaputt |= _spalte_ohne_kopf(g, j, filled, sep)
            continue
        if name in keep:
            g.fehler.append(Fehler(g.datei, kopf, name, header[j],
                                   f"Spalte kommt doppelt vor (Spalten {_spaltenname(keep[name])}"
                                   f" und {_spaltenname(j)}) – eine davon löschen"))
            continue
        keep[name] = j
        if name not in table.column_names:
            g.warnungen.append(Fehler(g.datei, kopf, header[j].strip(), None,
                                      "Spalte gehört nicht zum Datenvertrag und wird ignoriert "
                                      "(nicht gespeichert)", art="Warnung"))
        elif hat_unsichtbare(header[j]) or ftfy.badness.is_bad(header[j]):
            g.warnungen.append(Fehler(g.datei, kopf, name, sichtbar(header[j].strip()),
                                      f"Spaltenüberschrift als „{name}“ erkannt (unsichtbare "
                                      "oder falsch umgewandelte Zeichen übergangen)",
                                      art=HINWEIS))
    keep_vertrag = {n: j for n, j in keep.items() if n in table.column_names}
    raw = body[[j for n, j in keep.items() if n in table.column_names]]
    raw.columns = [n for n in keep if n in table.column_names]
    behalten = ~leer.to_numpy() & ~raw.index.isin(list(kaputt))
    if not behalten.all():          # (a copy of every cell otherwise: 0,7 GB for 10 M rows)
        raw = raw[behalten]
    del body
    if kopf > 1:
        g.warnungen.append(Fehler(g.datei, kopf, None, None,
                                  f"Kopfzeile in Zeile {kopf} erkannt; die Zeilen darüber "
                                  "(z. B. ein Titel) werden übersprungen", art="Warnung"))
    if raw.empty:
        g.warnungen.append(Fehler(g.datei, None, None, None, "Datei enthält keine Datenzeilen",
                                  art="Warnung"))
    g.frame, fehler, hinweise = to_typed(raw, table, g.datei, kopfzeile=kopf)
    g.fehler += fehler
    g.warnungen += hinweise + _ausserhalb_erfurt(g.frame, table, g.datei)
    return keep_vertrag


def _ausserhalb_erfurt(df: pd.DataFrame, table: Table, datei: str) -> list[Fehler]:
    """A warning naming the rows whose position lies outside Erfurt's bounding box, for tables
    where the contract does not require a position in Erfurt (businesses); for vacancies it is
    an error (biwaq.einlesen.validate). Data-quality rule Q22 reports the same after the import."""
    if "lat" not in df or table.column("lat").required or df.empty:
        return []
    _, _, draussen = lage(df["lat"], df["lon"])
    rows = [int(r) for r in df.index[draussen.to_numpy()]]
    if not rows:
        return []
    r0 = rows[0]
    wert = f"{zahl_de(df.at[r0, 'lat'])} / {zahl_de(df.at[r0, 'lon'])}"
    return [Fehler(datei, r0, "lat, lon", wert, f"{_mehrere(rows)}Position liegt nicht in Erfurt "
                   "– bitte prüfen (gespeichert; die Datenqualität meldet sie als Regel Q22)",
                   art="Warnung")]


def _spalte_ohne_kopf(g: Gelesen, j: int, filled: pd.Series, sep: str | None) -> set[int]:
    """Values beyond the header: in a CSV a separator problem (returns those rows; their
    other cells are shifted and not checked further), in Excel a stray column (warning)."""
    rows = filled.index[filled.to_numpy()]
    if sep is None:
        g.warnungen.append(Fehler(g.datei, int(rows[0]), f"Spalte {_spaltenname(j)}", None,
                                  f"Spalte ohne Überschrift mit {len(rows)} Werten wird "
                                  "ignoriert", art="Warnung"))
        return set()
    schon = {f.zeile for f in g.fehler if f.spalte is None}
    hinweis = (" – steht das Trennzeichen „,“ auch in Werten (z. B. Dezimalkomma ohne "
               "Anführungszeichen)?" if sep == "," else
               " – steht das Trennzeichen „;“ auch in Werten (Wert in Anführungszeichen setzen)?")
    for row in rows:
        if int(row) in schon:
            continue
        if len(schon) >= 200:
            break
        schon.add(int(row))
        g.fehler.append(Fehler(g.datei, int(row), None, None,
                               "Zeile hat mehr Felder als die Kopfzeile" + hinweis))
    return {int(r) for r in rows}


def to_typed(raw: pd.DataFrame, table: Table, datei: str, kopfzeile: int = 1
             ) -> tuple[pd.DataFrame, list[Fehler], list[Fehler]]:
    """Convert a raw frame (cell texts, index = Excel row) to contract types.

    Returns (typed frame, errors, notes): every unreadable cell and missing required column
    is an error; every repaired or interpreted value is a note ("Hinweis") naming its rows
    (see `biwaq.einlesen.werte`).
    """
    fehler: list[Fehler] = []
    hinweise: list[Fehler] = []
    missing = [c.name for c in table.columns if c.required and c.name not in raw.columns]
    for name in missing:
        fehler.append(Fehler(datei, kopfzeile, name, None,
                             "Pflichtspalte fehlt in der Kopfzeile"))
    out = {}
    angezeigt: dict[tuple[int, str], str] = {}
    for col in table.columns:
        if col.name not in raw.columns:
            out[col.name] = pd.Series([None] * len(raw), index=raw.index, dtype=object)
            continue
        sp = lies_spalte(raw[col.name], col, table)
        rows = sorted(sp.fehler)
        for row in rows[:200]:
            wert, erwartet = sp.fehler[row]
            fehler.append(Fehler(datei, row, col.name, wert, erwartet))
        if len(rows) > 200:
            fehler.append(Fehler(datei, None, col.name, None,
                                 f"… und {len(rows) - 200} weitere Zeilen mit Fehlern "
                                 f"({expected_text(col)})"))
        for h in sp.hinweise:
            hinweise.append(Fehler(datei, h.rows[0], col.name, h.beispiel, h.meldung(),
                                   art=HINWEIS))
        out[col.name] = sp.typed
        _angezeigt_ausserhalb(angezeigt, raw[col.name], sp.typed, col)
    frame = pd.DataFrame(out, index=raw.index, copy=False)
    if angezeigt:
        frame.attrs[ANGEZEIGT] = angezeigt
    return frame, fehler, hinweise


# frame.attrs key: {(Excel row, column): cell text as it looked} for the numbers outside their
# column's range, which biwaq.einlesen.validate refuses quoting the cell ('0,0', not '0.0').
ANGEZEIGT = "angezeigt"


def _angezeigt_ausserhalb(angezeigt: dict, roh: pd.Series, typed: pd.Series, col) -> None:
    if col.type not in ("int", "float") or (col.min is None and col.max is None):
        return
    num = pd.to_numeric(typed, errors="coerce").astype("float64")
    aus = pd.Series(False, index=typed.index)
    if col.min is not None:
        aus |= num < col.min
    if col.max is not None:
        aus |= num > col.max
    for row in typed.index[aus.to_numpy(bool)][:200]:
        angezeigt[(int(row), col.name)] = sichtbar(str(roh.at[row]).strip())


# --- Compatibility -----------------------------------------------------------------------------

def read_contract_file(path: Path | str, data: bytes | None = None
                       ) -> tuple[str | None, pd.DataFrame | None, list[Fehler]]:
    """Read one file of the contract: (table name, typed frame indexed by Excel row, errors).

    For workbooks with several table sheets, only the first is returned (see lies_datei).
    """
    path = Path(path)
    g = lies_datei(path.name, data, path)[0]
    return g.tabelle, g.frame, g.fehler
