"""The steering committee's report: an A4 PDF and an XLSX with every table of it."""
from __future__ import annotations

import io

import pandas as pd


def xlsx_bytes(tabellen: dict[str, pd.DataFrame], titel: str, filter_text: str,
               datenstand: str | None) -> bytes:
    """One sheet per table (name ≤ 31 characters), title, filters and data as-of date above.
    Texts stay texts: strings are never turned into formulas or links
    (XlsxWriter strings_to_formulas/strings_to_urls off; see field case 12)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": {
            "strings_to_formulas": False, "strings_to_urls": False}}) as xw:
        fett = xw.book.add_format({"bold": True})
        for name, df in tabellen.items():
            blatt = name[:31]
            kopf = [f"BIWAQ Erfurt – {titel}: {name}", f"Filter: {filter_text}"]
            if datenstand:
                kopf.append(f"Datenstand: {datenstand}")
            df.to_excel(xw, sheet_name=blatt, index=False, startrow=len(kopf) + 1)
            ws = xw.sheets[blatt]
            for i, zeile in enumerate(kopf):
                ws.write_string(i, 0, zeile, fett if i == 0 else None)
            for j, col in enumerate(df.columns):
                breite = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)]) + 2
                ws.set_column(j, j, min(breite, 60))
    return buf.getvalue()
