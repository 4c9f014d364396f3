"""Downloads of what a chart shows: CSV for German Excel and XLSX, with the active filters."""
from __future__ import annotations

import io

import pandas as pd

MAX_SHEET_NAME = 31


def _kopf(titel: str, filter_text: str, datenstand: str | None) -> list[str]:
    zeilen = [f"BIWAQ Erfurt – {titel}", f"Filter: {filter_text}"]
    if datenstand:
        zeilen.append(f"Datenstand: {datenstand}")
    return zeilen


def to_excel_csv(df: pd.DataFrame, titel: str, filter_text: str,
                 datenstand: str | None = None) -> bytes:
    """';'-separated, decimal comma, UTF-8 with BOM; title and filters in the first lines."""
    buf = io.StringIO()
    for zeile in _kopf(titel, filter_text, datenstand):
        buf.write(zeile.replace(";", ",") + "\n")
    buf.write("\n")
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%d.%m.%Y")
    out.to_csv(buf, sep=";", decimal=",", index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(df: pd.DataFrame, titel: str, filter_text: str,
            datenstand: str | None = None) -> bytes:
    """One sheet: title and filters above the table, dates as real Excel dates."""
    buf = io.BytesIO()
    kopf = _kopf(titel, filter_text, datenstand)
    sheet = "Daten"
    with pd.ExcelWriter(buf, engine="xlsxwriter",
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
