"""Column widths of the pages' tables from their longest cell text, so that every cell and
every column header can be read without scrolling sideways (issue 15).

`st.dataframe` draws on a canvas (glide-data-grid) and sizes columns from a sample of rows:
longer texts further down are cut with "…", and a table with many columns scrolls sideways.
Here each shown column gets its width in pixels (`st.column_config` `width` takes an int since
Streamlit 1.4x; 1.67 documents "An integer specifying the width in pixels"): the widest of its
header (bold) and its cells as the browser draws them, measured with the font the grid uses –
Source Sans at 14 px, weight 400 for cells and 600 for headers, read with Pillow from the file
Streamlit ships – plus the grid's cell padding. Where a long text column (a list of units or
requests) would make the table wider than `BREITE_PX`, that column gets the rest of the width
and its cells wrap: the row height is chosen so that its longest text fits (Streamlit lets
cells wrap when the row height is above 4 rem).

No Streamlit import at module level is needed for the measurement; `tests/test_spalten.py`
checks widths and line counts worked out by hand, `tests/test_browser_abgeschnitten.py`
checks every page in Chromium at 1400 and 1024 px.
"""
from __future__ import annotations

import functools
import math
from pathlib import Path

import pandas as pd

BREITE_PX = 660
"""The narrowest table the pages must fit: a 1024 px window with the sidebar open (300 px)
leaves a main column of 724 px, minus 2 × 32 px padding (`barrierefrei.STIL` up to 1280 px)
= 660 px. A table inside a bordered container or expander has less: pass `breite_px`."""
SCHRIFT_PX = 14              # glide-data-grid in Streamlit: baseFontStyle 14px
ZELLE_RAND_PX = 16           # cellHorizontalPadding 8 px on each side
SICHERHEIT_PX = 4            # rounding, sort arrow space, font hinting
ZEILE_PX = 35                # Streamlit's default row height
UMBRUCH_ZEILE_PX = 21        # height of one wrapped line (14 px text, 1.5 line height)
UMBRUCH_MIN_PX = 65          # Streamlit wraps cell text only above 4 rem (64 px)
ERSATZ_PX_JE_ZEICHEN = 9.0   # without the font file: wider than any average of Source Sans
MAX_KANDIDATEN = 400         # texts measured per column (the longest by number of characters)


@functools.cache
def _schrift(fett: bool):
    """Pillow font: Source Sans (variable) at 14 px, weight 600 (headers) or 400 (cells),
    from Streamlit's static files; None when the file or FreeType is missing."""
    try:
        import streamlit
        from PIL import ImageFont
        medien = Path(streamlit.__file__).parent / "static" / "static" / "media"
        datei = next(iter(sorted(medien.glob("SourceSansVF-Upright*.woff2"))), None)
        if datei is None:
            return None
        schrift = ImageFont.truetype(str(datei), SCHRIFT_PX)
        schrift.set_variation_by_axes([600 if fett else 400])
        return schrift
    except (ImportError, OSError, ValueError):     # no FreeType/WOFF2 support: estimate
        return None


def textbreite(text: str, fett: bool = False) -> float:
    """Width in px of `text` as the table draws it (14 px Source Sans; `fett` = header).
    Without the font: ERSATZ_PX_JE_ZEICHEN per character (wider, never narrower)."""
    schrift = _schrift(fett)
    if schrift is None:
        return len(text) * ERSATZ_PX_JE_ZEICHEN
    return float(schrift.getlength(text))


def _zahl_text(x, stellen: int) -> str:
    """A number as the browser shows it with format "localized" in German (1.234,5)."""
    if stellen == 0:
        return f"{round(float(x)):,d}".replace(",", ".")
    return f"{float(x):,.{stellen}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def anzeige_texte(spalte: pd.Series, konfig: dict | None = None, leer: str = "–") -> list[str]:
    """The distinct texts a column shows (numbers German, dates TT.MM.JJJJ, missing as
    `leer`), at most MAX_KANDIDATEN: the longest by number of characters."""
    typ = ((konfig or {}).get("type_config") or {})
    werte = pd.Series(spalte.dropna().unique())
    texte: list[str] = [leer] if spalte.isna().any() else []
    if werte.empty:
        return texte
    if typ.get("type") == "date" or pd.api.types.is_datetime64_any_dtype(werte):
        texte.append("00.00.0000")
    elif pd.api.types.is_bool_dtype(werte):
        texte.append("")                                         # a checkbox, 16 px
    elif pd.api.types.is_numeric_dtype(werte):
        if typ.get("format") == "percent":
            texte += [_zahl_text(float(x) * 100, 2) + " %" for x in (werte.min(), werte.max())]
        else:
            schritt = typ.get("step")
            ganz = pd.api.types.is_integer_dtype(werte) or bool((werte % 1 == 0).all())
            # decimals: from the step; whole numbers none; else up to 4 (widest case)
            stellen = (max(0, -math.floor(math.log10(schritt))) if schritt else
                       0 if ganz else 4)
            texte += [_zahl_text(x, stellen) for x in (werte.min(), werte.max())]
    else:
        s = werte.astype(str)
        texte += list(s[s.str.len().sort_values(ascending=False).index[:MAX_KANDIDATEN]])
    return list(dict.fromkeys(texte))


def breite_noetig(spalte: pd.Series, titel: str, konfig: dict | None = None) -> int:
    """Pixels a column needs to show its header and every cell uncut (one line)."""
    text = max((textbreite(t) for t in anzeige_texte(spalte, konfig)), default=0.0)
    kopf = textbreite(titel, fett=True)
    return math.ceil(max(text, kopf, 16.0) + ZELLE_RAND_PX + SICHERHEIT_PX)


def zeilen_noetig(text: str, breite: int) -> int:
    """Lines `text` takes when wrapped at word boundaries (greedy, like the browser) in a
    column `breite` px wide; a word longer than a line counts its own lines."""
    frei = breite - ZELLE_RAND_PX - SICHERHEIT_PX
    zeilen, laenge = 1, 0.0
    leer = textbreite(" ")
    for wort in text.split():
        w = textbreite(wort)
        if laenge and laenge + leer + w > frei:
            zeilen, laenge = zeilen + 1, 0.0
        if w > frei:                                     # long word: hard break
            zeilen += math.ceil(w / frei) - 1
            w = w % frei
        laenge += (leer if laenge else 0.0) + w
    return zeilen


def _woerter(spalte: pd.Series, konfig: dict | None) -> list[str]:
    """The longest words of a column's texts (a wrapped cell needs at least one per line)."""
    woerter = {w for t in anzeige_texte(spalte, konfig) for w in t.split()}
    return sorted(woerter, key=len, reverse=True)[:MAX_KANDIDATEN]


def breiten(table: pd.DataFrame, config: dict, spalten: list[str] | None = None,
            umbruch: tuple[str, ...] = (), breite_px: int = BREITE_PX
            ) -> tuple[dict[str, int], int | None]:
    """Width in px of each shown column and the row height (None = Streamlit's default).

    table: the table shown; config: its column_config (labels, number/date formats);
    spalten: the columns shown (None = all); umbruch: long text columns that may wrap when
    the table would be wider than `breite_px` – they share the width left by the others, and
    the row height fits their longest text. A table that is still wider than `breite_px`
    keeps its natural widths (tests/test_browser_abgeschnitten.py reports it)."""
    spalten = list(table.columns) if spalten is None else list(spalten)
    titel = {c: ((config.get(c) or {}).get("label") or str(c)) for c in spalten}
    noetig = {c: breite_noetig(table[c], titel[c], config.get(c)) for c in spalten}
    lang = [c for c in umbruch if c in noetig]
    if sum(noetig.values()) <= breite_px or not lang:
        return noetig, None
    rest = breite_px - sum(v for c, v in noetig.items() if c not in lang)
    # each wrapping column at least its header and longest word; what is left of `rest`
    # goes to them in proportion to what they lack
    mindest = {c: max(breite_noetig(pd.Series([], dtype=object), titel[c]),
                      breite_noetig(pd.Series(_woerter(table[c], config.get(c))), ""))
               for c in lang}
    frei = max(rest - sum(mindest.values()), 0)
    fehlt = {c: noetig[c] - mindest[c] for c in lang}
    summe = sum(fehlt.values()) or 1
    zeilen = 1
    for c in lang:
        noetig[c] = min(noetig[c], mindest[c] + int(frei * fehlt[c] / summe))
        texte = anzeige_texte(table[c], config.get(c))
        zeilen = max(zeilen, max((zeilen_noetig(t, noetig[c]) for t in texte), default=1))
    if zeilen == 1:
        return noetig, None
    return noetig, max(UMBRUCH_MIN_PX, zeilen * UMBRUCH_ZEILE_PX + 8)


def mit_breiten(config: dict, breite: dict[str, int]) -> dict:
    """column_config with `width` set for each column in `breite` (entries not in `config`
    get a plain column with that width)."""
    import streamlit as st
    out = dict(config)
    for c, w in breite.items():
        eintrag = out.get(c)
        out[c] = ({**eintrag, "width": w} if isinstance(eintrag, dict)
                  else st.column_config.Column(eintrag if isinstance(eintrag, str) else None,
                                               width=w))
    return out


def passende_spalten(table: pd.DataFrame, config: dict, umbruch: tuple[str, ...] = (),
                     breite_px: int = BREITE_PX) -> list[str] | None:
    """The leading columns of `table` that fit into `breite_px` with their widths (after
    wrapping the `umbruch` columns), at least one; None when all fit."""
    alle = list(table.columns)
    breite, _ = breiten(table, config, alle, umbruch, breite_px)
    if sum(breite.values()) <= breite_px:
        return None
    for n in range(len(alle) - 1, 0, -1):
        breite, _ = breiten(table, config, alle[:n], umbruch, breite_px)
        if sum(breite.values()) <= breite_px:
            return alle[:n]
    return alle[:1]
