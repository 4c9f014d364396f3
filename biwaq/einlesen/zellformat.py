"""Excel cells as the person saw them: number formats, date cells, hidden rows and columns.

openpyxl gives a cell's stored value and its number format *string*; what Excel shows is the
value rendered under that format (`123` under `00000` is „00123“, a date cell under
`D. MMM` is „1. Mrz“). No well-kept Python library renders Excel number formats: the port of
SheetJS SSF (`ssf` 0.2.2, last release 2020) fails to start with current Babel, `xlfmt` 0.1.0
is a first release without users. This module therefore renders only the *safe subset*
exactly and refuses the rest where it matters (text columns, data contract "File rules":
what the person saw is stored, or refused):

- Text columns (`tn_id`, `stadtteil`, value lists …): a number is stored as Excel shows it
  under `General`/`Standard` or `@` (whole numbers below 10^11, decimals with at most 10
  significant digits: German decimal comma) or a zero-padded format `0…0` (`00000`: rounded
  half away from zero, padded to the format's width); under any other format, or beyond
  those limits, it is refused naming the format. Date cells (Excel turned „1-3“ or
  „01.03.2018“ into a date) and WAHR/FALSCH cells are refused.
- Other columns keep their reading (numbers are numbers, dates are dates); a date cell in a
  number or ja/nein column is refused with the date as Excel shows it.

Date display (`datum_anzeige`) renders the usual date tokens (T/D, M, J/Y, h, m, s) with
German month and weekday names as German Excel writes them (Mrz, Okt …); the built-in short
date (format id 14, stored as `mm-dd-yy`) is shown in the German system form TT.MM.JJJJ.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal

MONATE_KURZ = ["Jan", "Feb", "Mrz", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"]
MONATE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember"]
TAGE_KURZ = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]
TAGE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
# Excel's General shows at most 11 characters in a standard-width column: larger whole numbers
# become 1,23457E+11, longer decimals are rounded – both depend on the column's width.
GENERAL_GANZ_BIS = 10 ** 11
GENERAL_STELLEN = 10

DATUM_IN_TEXTSPALTE = ("Datum in einer Textspalte – Excel hat den Eintrag vermutlich als "
                       "Datum umgewandelt; bitte die Spalte als Text formatieren und den Wert "
                       "neu eintragen")
WAHRHEITSWERT_IN_TEXTSPALTE = ("Wahrheitswert (WAHR/FALSCH) in einer Textspalte – bitte den "
                               "Wert als Text eintragen")


def format_kern(fmt: str | None) -> str:
    """The number format without quoted literals, escapes, colours and locale tags, lower case
    ('[$-407]TT.MM.JJJJ' -> 'tt.mm.jjjj'; first section only)."""
    f = (fmt or "").split(";")[0]
    f = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", f)
    return f.strip().lower()


def ist_standard(fmt: str | None) -> bool:
    """General/Standard or text '@' (or no format): Excel shows the value as it is."""
    return format_kern(fmt) in ("", "general", "standard", "@")


def zahl_general(v: float | int) -> str | None:
    """A number as Excel's General shows it in a standard column (German decimal comma), or
    None where that depends on the column's width (≥ 10^11, more than 10 of Excel's 15
    significant digits, not finite)."""
    if not math.isfinite(v):
        return None
    if float(v).is_integer():
        return str(int(v)) if abs(v) < GENERAL_GANZ_BIS else None
    text = format(float(v), f".{GENERAL_STELLEN}g")
    # Excel keeps 15 significant digits: 0.30000000000000004 is 0,3 in every column width
    if "e" in text or float(text) != float(format(float(v), ".15g")):
        return None
    return text.replace(".", ",")


def zahl_nullen(v: float | int, fmt: str | None) -> str | None:
    """A number under a zero-padded format ('0', '00000'; quoted text, colours and locale tags
    ignored only if absent): rounded half away from zero and padded, '-' before negatives.
    None when `fmt` is not such a format."""
    f = (fmt or "").split(";")[0].strip()
    if not re.fullmatch(r"0+", f) or not math.isfinite(v) or abs(v) >= 1e15:
        return None
    n = int(Decimal(repr(float(v))).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return ("-" if n < 0 else "") + str(abs(n)).zfill(len(f))


def textspalte_zahl(v: float | int, fmt: str | None) -> tuple[str, str | None]:
    """A numeric cell in a text column: (text Excel shows, None) when it is certain, else
    (the value as far as it can be shown, German refusal)."""
    if ist_standard(fmt):
        text = zahl_general(v)
        if text is not None:
            return text, None
        return (_roh(v), "Zahl in einer Textspalte, die Excel je nach Spaltenbreite gerundet "
                "oder als Exponentialzahl (z. B. 1,23457E+11) anzeigt – bitte die Spalte als "
                "Text formatieren und den Wert so eintragen, wie er gespeichert werden soll")
    text = zahl_nullen(v, fmt)
    if text is not None:
        return text, None
    return (_roh(v), f"Zahl mit dem Zahlenformat „{fmt}“ in einer Textspalte – wie Excel sie "
            "anzeigt, lässt sich nicht sicher bestimmen (gespeichert ist die Zahl "
            f"{_roh(v)}); bitte die Spalte als Text formatieren und den Wert so eintragen, "
            "wie er gespeichert werden soll")


def _roh(v) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v).replace(".", ",") if isinstance(v, float) else str(v)


_DATUM_TOKEN = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|am/pm|a/p|[dt]+|m+|[yj]+|h+|s+|0+|.',
                          re.IGNORECASE)


def datum_anzeige(v: dt.date | dt.datetime | dt.time, fmt: str | None) -> str:
    """A date cell as German Excel shows it under `fmt`: 'DD.MM.YYYY' -> '01.03.2018',
    'D. MMM' -> '1. Mrz', 'TT.MM.JJ hh:mm' -> '01.03.18 14:05'. The built-in short date and
    formats without date tokens give TT.MM.JJJJ (German system date); tokens not known here
    are written as they stand."""
    if isinstance(v, dt.time):
        v = dt.datetime.combine(dt.date(1899, 12, 30), v)
    if not isinstance(v, dt.datetime):
        v = dt.datetime(v.year, v.month, v.day)
    f = (fmt or "").split(";")[0]
    kern = format_kern(f)
    if kern in ("", "general", "standard", "@", "mm-dd-yy", "m/d/yyyy", "m/d/yy") \
            or not re.search(r"[dtyj]|m", kern):
        return f"{v:%d.%m.%Y}"
    tokens = [t for t in _DATUM_TOKEN.findall(f)]
    stunde = any(t.lower().startswith("h") for t in tokens)
    ampm = any(t.lower() in ("am/pm", "a/p") for t in tokens)
    out: list[str] = []
    for i, t in enumerate(tokens):
        tl = t.lower()
        if t.startswith('"'):
            out.append(t[1:-1])
        elif t.startswith("\\"):
            out.append(t[1:])
        elif t.startswith("["):
            continue
        elif tl[0] in "dt":
            n = len(tl)
            out.append(str(v.day) if n == 1 else f"{v.day:02d}" if n == 2
                       else TAGE_KURZ[v.weekday()] if n == 3 else TAGE[v.weekday()])
        elif tl[0] in "yj":
            out.append(f"{v.year % 100:02d}" if len(tl) <= 2 else str(v.year))
        elif tl[0] == "m":
            vorher = next((x.lower() for x in reversed(tokens[:i]) if x[0].isalpha()), "")
            nachher = next((x.lower() for x in tokens[i + 1:] if x[0].isalpha()), "")
            minute = len(tl) <= 2 and stunde and (vorher.startswith("h")
                                                  or nachher.startswith("s"))
            if minute:
                out.append(str(v.minute) if len(tl) == 1 else f"{v.minute:02d}")
            else:
                n = len(tl)
                out.append(str(v.month) if n == 1 else f"{v.month:02d}" if n == 2
                           else MONATE_KURZ[v.month - 1] if n == 3 else MONATE[v.month - 1])
        elif tl[0] == "h":
            h = (v.hour % 12 or 12) if ampm else v.hour
            out.append(str(h) if len(tl) == 1 else f"{h:02d}")
        elif tl[0] == "s":
            out.append(str(v.second) if len(tl) == 1 else f"{v.second:02d}")
        elif tl in ("am/pm", "a/p"):
            out.append(("AM" if v.hour < 12 else "PM") if tl == "am/pm"
                       else ("A" if v.hour < 12 else "P"))
        else:
            out.append(t)
    return "".join(out)


# --- Hidden rows and columns ---------------------------------------------------------------

def ausgeblendet(data: bytes, blatt_pfad: str | None) -> tuple[set[int], set[int]]:
    """Hidden rows (Excel row numbers) and hidden columns (0-based indexes) of one sheet,
    read from its XML (`<row hidden="1">`, `<col min max hidden="1">`; rows hidden by a
    filter are hidden rows too). openpyxl's read-only mode does not keep them. A sheet
    without the attribute is not parsed (the bytes are searched first)."""
    if not blatt_pfad:
        return set(), set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read(blatt_pfad.lstrip("/"))
    except (KeyError, zipfile.BadZipFile):
        return set(), set()
    if b"hidden=" not in xml:
        return set(), set()
    from xml.etree.ElementTree import iterparse

    zeilen: set[int] = set()
    spalten: set[int] = set()
    for _, el in iterparse(io.BytesIO(xml), events=("end",)):
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "row":
            if el.get("hidden") in ("1", "true") and (el.get("r") or "").isdigit():
                zeilen.add(int(el.get("r")))
            el.clear()
        elif tag == "col" and el.get("hidden") in ("1", "true"):
            try:
                von, bis = int(el.get("min")), int(el.get("max"))
            except (TypeError, ValueError):
                continue
            spalten.update(range(von - 1, min(bis, 16384)))
        elif tag == "c":
            el.clear()
    return zeilen, spalten
