"""Downloads of what a chart shows: CSV for German Excel and XLSX, with the active filters."""
from __future__ import annotations

import io

import pandas as pd

MAX_SHEET_NAME = 31
# Cells starting with one of these become formulas in spreadsheet programs (OWASP, "CSV
# Injection": = + - @, tab, carriage return).
FORMEL_ZEICHEN = ("=", "+", "-", "@", "\t", "\r")
XLSX_OPTIONEN = {"strings_to_formulas": False, "strings_to_urls": False}


def text_als_text(df: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every text cell that a spreadsheet would read as a formula starts with
    an apostrophe (OWASP CSV Injection: "prepend each cell field with a single quote").
    Only text (str) cells change; numbers, dates and missing values stay as they are, and
    column names are treated like cells. Shape and dtypes of `df` are kept."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(als_text, na_action="ignore")
    out.columns = [als_text(c) for c in out.columns]
    return out


def als_text(v):
    """One cell: text starting with a formula character gets an apostrophe in front."""
    return "'" + v if isinstance(v, str) and v.startswith(FORMEL_ZEICHEN) else v


def _kopf(titel: str, filter_text: str, datenstand: str | None) -> list[str]:
    zeilen = [f"BIWAQ Erfurt – {titel}", f"Filter: {filter_text}"]
    if datenstand:
        zeilen.append(f"Datenstand: {datenstand}")
    return zeilen


def to_excel_csv(df: pd.DataFrame, titel: str, filter_text: str,
                 datenstand: str | None = None) -> bytes:
    """';'-separated, decimal comma, UTF-8 with BOM, CRLF; title and filters first.
    Text that a spreadsheet would run as a formula gets an apostrophe (`text_als_text`)."""
    buf = io.StringIO()
    for zeile in _kopf(titel, filter_text, datenstand):
        buf.write(als_text(zeile.replace(";", ",")) + "\r\n")
    buf.write("\r\n")
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%d.%m.%Y")
    out = text_als_text(out)
    # CRLF (RFC 4180, Excel): then a carriage return inside a cell is quoted, not a row break.
    out.to_csv(buf, sep=";", decimal=",", index=False, lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(df: pd.DataFrame, titel: str, filter_text: str,
            datenstand: str | None = None) -> bytes:
    """One sheet: title and filters above the table, dates as real Excel dates. Text is
    always written as text, never as a formula or link (XlsxWriter `strings_to_formulas` and
    `strings_to_urls` off); numbers stay numbers."""
    buf = io.BytesIO()
    kopf = _kopf(titel, filter_text, datenstand)
    sheet = "Daten"
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONEN},
                        datetime_format="dd.mm.yyyy", date_format="dd.mm.yyyy") as xw:
        df.to_excel(xw, sheet_name=sheet, index=False, startrow=len(kopf) + 1)
        ws = xw.sheets[sheet]
        bold = xw.book.add_format({"bold": True})
        for i, zeile in enumerate(kopf):
            ws.write(i, 0, zeile, bold if i == 0 else None)
        for j, col in enumerate(df.columns):
            width = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)]) + 2
            ws.set_column(j, j, min(width, 50))
    return buf.getvalue()


def dateiname(titel: str, endung: str) -> str:
    """ASCII file name from a German title."""
    s = titel.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    s = "".join(ch if ch.isalnum() else "_" for ch in s).strip("_")
    while "__" in s:
        s = s.replace("__", "_")
    return f"biwaq_{s}.{endung}"
