"""Reading and writing contract files (CSV/XLSX) with the variants real exports have."""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from biwaq.contract import TABLES, Table

CSV_ENCODING = "utf-8-sig"   # what we write: UTF-8 with BOM, German Excel opens it right
CSV_SEP = ";"

TRUE_WORDS = {"ja", "j", "1", "true", "x", "wahr", "yes", "y"}
FALSE_WORDS = {"nein", "n", "0", "false", "falsch", "no"}

# Size limit per file (MB). The same number is Streamlit's upload limit in
# .streamlit/config.toml (server.maxUploadSize); the importer enforces it for the CLI too.
MAX_DATEI_MB = 50
MAX_DATEI_BYTES = MAX_DATEI_MB * 1024 * 1024
MAX_XLSX_ENTPACKT = 10 * MAX_DATEI_BYTES   # an .xlsx is a zip: refuse "zip bombs"
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
    art: str = "Fehler"    # "Fehler" blocks an import, "Warnung" does not

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
    s = unicodedata.normalize("NFKC", str(name)).replace("\u00ad", "").strip().lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    s = re.sub(r"[\s\-]+", "_", s)
    return s


# --- Reading raw text ---------------------------------------------------------------------

def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (German Excel's default)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
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
_DATE_DE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: 00:00(?::00)?)?$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")


def parse_column(values: pd.Series, typ: str) -> tuple[pd.Series, pd.Series]:
    """Convert strings to the contract type. Returns (typed values, mask of unparsable cells).

    Empty cells become missing values and are never marked unparsable here.
    """
    s = values.astype(str).str.strip()
    empty = s.eq("") | s.str.lower().isin(["nan", "nat", "none"])
    if typ == "text":
        s = s.str.normalize("NFC")          # macOS writes umlauts decomposed (NFD)
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
    if groesse > MAX_DATEI_BYTES:
        return [_fehlschlag(datei, table, f"Datei ist {groesse_text(groesse)} groß; erlaubt "
                            f"sind höchstens {MAX_DATEI_MB} MB je Datei – bitte in mehrere "
                            "Dateien teilen (z. B. nach Jahr oder Träger)")]
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
    return [_lies_csv(datei, data, table)]


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
    if b"\x00" in head or steuer > len(head) * 0.05:
        return "eine Binärdatei"
    return None


def _lies_csv(datei: str, data: bytes, table: str) -> Gelesen:
    art = binaer_art(data)
    if art:
        return _fehlschlag(datei, table, f"Datei ist keine CSV-Textdatei, sondern {art} – "
                           "bitte als CSV (Trennzeichen ;) oder .xlsx exportieren")
    text = decode_bytes(data).replace("\r\n", "\n").replace("\r", "\n")
    try:
        kopf = _csv_kopf(text, TABLES[table])
    except csv.Error as e:
        return _fehlschlag(datei, table, f"Datei ist keine lesbare CSV-Datei ({e})")
    if kopf is None:
        return _fehlschlag(datei, table, _kein_kopf_text(text, TABLES[table]))
    sep, skip, kopfzeile, header = kopf
    body = _csv_body(text, sep, skip)
    g = Gelesen(datei, table, kopfzeile=kopfzeile)
    _rahmen(g, header, body, sep=sep)
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
        reader = csv.reader(io.StringIO(text), delimiter=sep)
        for i, row in enumerate(itertools.islice(reader, KOPF_SUCHE)):
            score = _kopf_score(row, table)
            if _kopf_reicht(score, table) and (best is None or score > best[0]):
                best = (score, sep, reader.line_num, i + 1, row)
    return None if best is None else best[1:]


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

def _lies_xlsx(datei: str, data: bytes, table: str | None) -> list[Gelesen]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            entpackt = sum(i.file_size for i in z.infolist())
        if entpackt > MAX_XLSX_ENTPACKT:
            return [_fehlschlag(datei, table, f"Excel-Datei ist entpackt {groesse_text(entpackt)} "
                                f"groß; erlaubt sind höchstens "
                                f"{groesse_text(MAX_XLSX_ENTPACKT)}")]
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
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
        sheets = book.worksheets
        if table is not None:
            ws = next((w for w in sheets if normalise_header(w.title) == table), sheets[0])
            return [_lies_blatt(datei, ws, table, len(sheets) > 1)]
        named = [(w, normalise_header(w.title)) for w in sheets]
        found = [_lies_blatt(datei, w, t, True) for w, t in named if t in TABLES]
        if not found:
            g = _ohne_tabelle(datei)
            g.fehler[0] = Fehler(datei, None, None, None,
                                 g.fehler[0].erwartet + " – und kein Tabellenblatt heißt wie "
                                 "eine Tabelle")
            return [g]
        return found
    finally:
        book.close()


def _lies_blatt(datei: str, ws, table: str, blatt_nennen: bool) -> Gelesen:
    name = f"{datei} (Blatt „{ws.title}“)" if blatt_nennen else datei
    rows = [[_excel_cell_text(v) for v in r]
            for r in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
    if not any(any(c.strip() for c in r) for r in rows):
        return _fehlschlag(name, table, "Tabellenblatt ist leer")
    best = None
    for i, row in enumerate(rows[:KOPF_SUCHE]):
        score = _kopf_score(row, TABLES[table])
        if _kopf_reicht(score, TABLES[table]) and (best is None or score > best[0]):
            best = (score, i)
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
    _rahmen(g, rows[i], body, sep=None)
    return g


def _excel_cell_text(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, bool):
        return "ja" if v else "nein"
    if isinstance(v, (dt.datetime, pd.Timestamp)):
        return v.strftime("%Y-%m-%d")        # real date cells; a time of day is dropped
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, float):
        return repr(v)
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


def _rahmen(g: Gelesen, header: list[str], body: pd.DataFrame, sep: str | None) -> None:
    """Name the columns, drop empty rows, report odd columns, convert to contract types."""
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
    raw = body[[j for n, j in keep.items() if n in table.column_names]]
    raw.columns = [n for n in keep if n in table.column_names]
    raw = raw[~leer.to_numpy() & ~raw.index.isin(list(kaputt))]
    if kopf > 1:
        g.warnungen.append(Fehler(g.datei, kopf, None, None,
                                  f"Kopfzeile in Zeile {kopf} erkannt; die Zeilen darüber "
                                  "(z. B. ein Titel) werden übersprungen", art="Warnung"))
    if raw.empty:
        g.warnungen.append(Fehler(g.datei, None, None, None, "Datei enthält keine Datenzeilen",
                                  art="Warnung"))
    g.frame, fehler = to_typed(raw, table, g.datei, kopfzeile=kopf)
    g.fehler += fehler


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


def canonical_values(s: pd.Series, values: tuple[str, ...]) -> pd.Series:
    """Allowed values regardless of case and surrounding spaces ('kik' -> 'KIK')."""
    lookup = {v.casefold(): v for v in values}
    mapped = s.map(lambda v: lookup.get(v.casefold(), v) if isinstance(v, str) else v)
    return mapped


def to_typed(raw: pd.DataFrame, table: Table, datei: str, kopfzeile: int = 1
             ) -> tuple[pd.DataFrame, list[Fehler]]:
    """Convert a raw frame to contract types; report every unparsable cell and missing column."""
    fehler: list[Fehler] = []
    missing = [c.name for c in table.columns if c.required and c.name not in raw.columns]
    for name in missing:
        fehler.append(Fehler(datei, kopfzeile, name, None,
                             "Pflichtspalte fehlt in der Kopfzeile"))
    out = {}
    for col in table.columns:
        if col.name not in raw.columns:
            out[col.name] = pd.Series([None] * len(raw), index=raw.index, dtype=object)
            continue
        typed, bad = parse_column(raw[col.name], col.type)
        if col.values and col.type == "text":
            typed = canonical_values(typed, col.values)
        rows = raw.index[bad.to_numpy()]
        for row in rows[:200]:
            fehler.append(Fehler(datei, int(row), col.name, raw.at[row, col.name],
                                 expected_text(col)))
        if len(rows) > 200:
            fehler.append(Fehler(datei, None, col.name, None,
                                 f"… und {len(rows) - 200} weitere Zeilen mit demselben Fehler "
                                 f"({expected_text(col)})"))
        out[col.name] = typed
    return pd.DataFrame(out, index=raw.index), fehler


# --- Compatibility -----------------------------------------------------------------------------

def read_contract_file(path: Path | str, data: bytes | None = None
                       ) -> tuple[str | None, pd.DataFrame | None, list[Fehler]]:
    """Read one file of the contract: (table name, typed frame indexed by Excel row, errors).

    For workbooks with several table sheets, only the first is returned (see lies_datei).
    """
    path = Path(path)
    g = lies_datei(path.name, data, path)[0]
    return g.tabelle, g.frame, g.fehler
