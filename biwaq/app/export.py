"""Downloads of what a chart shows: CSV for German Excel and XLSX, with the active filters.

File names carry the page, the title, the filters and the data as-of date (`dateiname`), so
two downloads with different filters never share a name. CSV: title, filters and data date in
the first lines, then the table with German formats (dates TT.MM.JJJJ, decimal comma, empty
cell for a missing value, ja/nein). XLSX: the table on sheet "Daten" from cell A1 (reads back
with `pd.read_excel(datei)` as is), title, filters and data date on sheet "Filter".
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import re

import pandas as pd

MAX_SHEET_NAME = 31
BLATT_DATEN = "Daten"
BLATT_FILTER = "Filter"
MAX_DATEINAME = 150          # characters; longer filter parts are cut and get a hash
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
    """';'-separated, UTF-8 with BOM, CRLF; title and filters in the first lines, then the
    table with German formats (see `deutsch_formatiert`). Text that a spreadsheet would run as
    a formula gets an apostrophe (`text_als_text`)."""
    buf = io.StringIO()
    for zeile in _kopf(titel, filter_text, datenstand):
        buf.write(als_text(zeile.replace(";", ",")) + "\r\n")
    buf.write("\r\n")
    # CRLF (RFC 4180, Excel): then a carriage return inside a cell is quoted, not a row break.
    deutsch_formatiert(text_als_text(df)).to_csv(buf, sep=";", decimal=",", index=False,
                                                 lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(df: pd.DataFrame, titel: str, filter_text: str,
            datenstand: str | None = None) -> bytes:
    """Sheet "Daten": the table from cell A1 (header row 1), dates as real Excel dates.
    Sheet "Filter": title, filters and data date, one per row. Text is always written as
    text, never as a formula or link (XlsxWriter `strings_to_formulas`/`strings_to_urls`
    off); numbers stay numbers, and display texts of numbers, percentages and dates become
    numbers and dates again (`xlsx_typisiert`)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONEN},
                        datetime_format="dd.mm.yyyy", date_format="dd.mm.yyyy") as xw:
        typ, formate = xlsx_typisiert(df)
        typ.to_excel(xw, sheet_name=BLATT_DATEN, index=False)
        ws = xw.sheets[BLATT_DATEN]
        for j, col in enumerate(df.columns):
            width = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)]) + 2
            ws.set_column(j, j, min(width, 50),
                          xw.book.add_format({"num_format": formate[col]})
                          if col in formate else None)
        ws.freeze_panes(1, 0)
        wf = xw.book.add_worksheet(BLATT_FILTER)
        bold = xw.book.add_format({"bold": True})
        for i, zeile in enumerate(_kopf(titel, filter_text, datenstand)):
            wf.write_string(i, 0, zeile, bold if i == 0 else None)
        wf.set_column(0, 0, 100)
    return buf.getvalue()


# Display texts of our own tables (kennzahlen.zahl, prozent_text, datum) and what they are.
_GANZ = re.compile(r"-?(0|[1-9]\d{0,2}(\.\d{3})*)")
_DEZIMAL = re.compile(r"-?(0|[1-9]\d{0,2}(\.\d{3})*),(\d+)")
_PROZENT = re.compile(r"(-?(0|[1-9]\d{0,2}(\.\d{3})*)(,(\d+))?)[\u00a0\u202f ]?%")
_DATUM = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")
_FEHLT = ("", "–", "-")


def _nachkomma(texte: list[str], muster: re.Pattern, gruppe: int) -> int | None:
    """The one number of decimals all texts show, or None if they differ."""
    stellen = {len(m.group(gruppe) or "") for m in (muster.fullmatch(t) for t in texte)}
    return stellen.pop() if len(stellen) == 1 else None


def xlsx_typisiert(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """A copy for XLSX in which text columns that hold only German display texts of numbers,
    percentages or dates become real numbers and dates, and their Excel number formats.

    A column is converted only if every non-empty cell (empty, „–“ count as empty) matches
    one kind — integers '1.234' (no leading zero), decimals '12,5', percentages '106,0 %'
    (stored as 1.06 with format '0.0 %'), dates 'TT.MM.JJJJ' — and all show the same number
    of decimals, so Excel shows exactly the text of the page. Any other column stays text.
    Returns (frame, {column: Excel number format}). Attacker test 29.11.2026: the on-track
    table and the report's sheets carried '106,0 %', '31.12.2018' and '773' as text."""
    out, formate = df.copy(), {}
    for c in out.columns:
        if not (out[c].dtype == object or pd.api.types.is_string_dtype(out[c])):
            continue
        werte = [None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA
                 else v for v in out[c].tolist()]
        if not all(v is None or isinstance(v, str) for v in werte):
            continue
        texte = [v.strip() for v in werte if v is not None and v.strip() not in _FEHLT]

        if not texte:
            continue

        def leer(v):
            return v is None or v.strip() in _FEHLT

        if all(_DATUM.fullmatch(t) for t in texte):
            try:
                out[c] = pd.Series([None if leer(v) else dt.datetime.strptime(v.strip(), "%d.%m.%Y")
                                    for v in werte], index=out.index, dtype=object)
            except ValueError:          # 31.02.2018 is no date: stays text
                continue
            formate[c] = "dd.mm.yyyy"
        elif all(_GANZ.fullmatch(t) for t in texte):
            out[c] = pd.Series([None if leer(v) else int(v.strip().replace(".", ""))
                                for v in werte], index=out.index, dtype=object)
            formate[c] = "#,##0"
        elif all(_DEZIMAL.fullmatch(t) for t in texte) and \
                (n := _nachkomma(texte, _DEZIMAL, 3)) is not None:
            out[c] = pd.Series([None if leer(v) else float(
                v.strip().replace(".", "").replace(",", ".")) for v in werte],
                index=out.index, dtype=object)
            formate[c] = "#,##0." + "0" * n
        elif all(_PROZENT.fullmatch(t) for t in texte) and \
                (n := _nachkomma(texte, _PROZENT, 5)) is not None:
            out[c] = pd.Series([None if leer(v) else float(
                _PROZENT.fullmatch(v.strip()).group(1).replace(".", "").replace(",", ".")) / 100
                for v in werte], index=out.index, dtype=object)
            formate[c] = "0" + ("." + "0" * n if n else "") + " %"
    return out, formate


def _slug(text: str) -> str:
    """ASCII, lower case, words joined by '_' (ä -> ae, ß -> ss)."""
    s = str(text).lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    s = "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in s)
    return re.sub(r"_+", "_", s).strip("_")


_DATUM = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")
_STANDARD = {"alle", "beide"}          # a filter left at "all" is not named


def _filter_teil(filter_text: str) -> str:
    """The set filters as a short slug: "Quartier: Süd-Ost · Zeitraum: 01.01.2016 –
    31.12.2016 · Träger: alle" -> "sued_ost_2016-01-01_bis_2016-12-31"."""
    teile = []
    for stueck in filter_text.split("·"):
        name, _, wert = stueck.partition(":")
        wert = (wert if _ else name).strip()
        if not wert or wert.lower() in _STANDARD:
            continue
        wert = _DATUM.sub(lambda m: f"{m[3]}-{m[2]}-{m[1]}", wert).replace("–", " bis ")
        teile.append("_".join(_slug(w) if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", w) else w
                              for w in wert.split()))
    return "_".join(t for t in teile if t).replace("__", "_")


def _iso(datenstand) -> str:
    if datenstand is None or datenstand == "":
        return ""
    if isinstance(datenstand, (dt.date, pd.Timestamp)):
        return pd.Timestamp(datenstand).strftime("%Y-%m-%d")
    m = _DATUM.fullmatch(str(datenstand).strip())
    if m:
        return f"{m[3]}-{m[2]}-{m[1]}"
    try:
        return dt.date.fromisoformat(str(datenstand).strip()[:10]).isoformat()
    except ValueError:
        return _slug(datenstand)


def dateiname(titel: str, endung: str, seite: str | None = None, filter_text: str = "",
              datenstand=None) -> str:
    """ASCII file name: biwaq_<seite>_<titel>_<filter>_stand_<JJJJ-MM-TT>.<endung>.

    seite: page title (left out if None); filter_text: the German filter line as shown
    (filters left at "alle"/"beide" are not named; dates become JJJJ-MM-TT); datenstand:
    date, ISO or TT.MM.JJJJ text. Different filter texts always give different names: if the
    name would exceed MAX_DATEINAME characters, the filter part is cut and the first 8 hex
    digits of the SHA-256 of the full filter text are added."""
    kopf = "_".join(t for t in ("biwaq", _slug(seite or ""), _slug(titel)) if t)
    filt = _filter_teil(filter_text)
    stand = _iso(datenstand)
    fuss = f"_stand_{stand}" if stand else ""
    frei = MAX_DATEINAME - len(kopf) - len(fuss) - len(endung) - 2
    if len(filt) > frei:
        h = hashlib.sha256(filter_text.encode("utf-8")).hexdigest()[:8]
        filt = filt[:max(0, frei - 9)].rstrip("_") + "_" + h
    name = kopf + (f"_{filt}" if filt else "") + fuss
    return f"{name}.{endung}"


def _zelle(v):
    """One object-column cell as German text (see deutsch_formatiert)."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool):
        return "ja" if v else "nein"
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        ts = pd.Timestamp(v)
        return ts.strftime("%d.%m.%Y" if ts == ts.normalize() else "%d.%m.%Y %H:%M")
    if isinstance(v, dt.date):
        return v.strftime("%d.%m.%Y")
    if isinstance(v, float):
        return repr(v).replace(".", ",")
    return v


def deutsch_formatiert(df: pd.DataFrame) -> pd.DataFrame:
    """A copy for the CSV download with German formats: dates TT.MM.JJJJ (with HH:MM only when
    a time is set), booleans ja/nein, missing values empty; float columns keep their numbers
    (to_csv writes them with a decimal comma), floats inside text columns get a comma too.
    Never changes a value, only how it is written."""
    out = df.copy()
    for c in out.columns:
        col = out[c]
        if pd.api.types.is_datetime64_any_dtype(col):
            fmt = "%d.%m.%Y" if (col.dropna() == col.dropna().dt.normalize()).all() \
                else "%d.%m.%Y %H:%M"
            out[c] = col.dt.strftime(fmt).astype(object).where(col.notna(), "")
        elif pd.api.types.is_bool_dtype(col):
            out[c] = col.map({True: "ja", False: "nein"}).astype(object).where(col.notna(), "")
        elif not pd.api.types.is_numeric_dtype(col):
            out[c] = col.astype(object).map(_zelle)
    return out
