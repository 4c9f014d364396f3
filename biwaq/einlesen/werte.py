"""Cell text -> contract value, as the person saw it in the spreadsheet (issue 9, 13.12/13.13).

Every cell of a contract column passes three steps:

1. **Characters** (`saeubern`): control characters (NUL …) and unreadable characters (U+FFFD)
   are refused; text damaged by a double encoding (`BÃ¤ckerei`) is repaired when ftfy
   (https://ftfy.readthedocs.io) repairs it to text it no longer finds suspicious, else refused;
   unusual spaces (NBSP, thin spaces …) become a plain space and zero-width characters are
   removed (NFKC outside free text). Every change is a note naming the rows.
2. **Type**: numbers (thousands separators decided by the column's own pattern), dates
   (placeholders, two-digit years, Excel serial numbers and dates outside the column's plausible
   window refused where they stand), booleans (in an `x` column an empty cell is "nein"),
   value lists (case and spacing normalised to the canonical value, with a note).
3. What cannot be read for certain is refused with the value made visible (`sichtbar`).

The result of one column is a `Spalte`: typed values, errors by Excel row, and notes.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field

import ftfy
import numpy as np
import pandas as pd

from biwaq.einlesen.contract import ERFURT_BBOX, SPAETESTENS, Column, Table

TRUE_WORDS = {"ja", "j", "1", "true", "x", "wahr", "yes", "y"}
FALSE_WORDS = {"nein", "n", "0", "false", "falsch", "no"}
LEER_WOERTER = {"nan", "nat", "none"}          # pandas artefacts read as empty in text/dates
NICHT_ENDLICH = {"nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "unendlich"}
GROESSTE_ZAHL = 1e12     # beyond this no figure of the project is plausible (1e308 m² …)
GROESSTE_GANZZAHL = 2 ** 53

# --- Making characters visible -------------------------------------------------------------

NULLBREITE = {"\u200b": "Null-Breite-Leerzeichen", "\u200c": "Null-Breite-Nichtverbinder",
              "\u200d": "Null-Breite-Verbinder", "\u2060": "Wortverbinder",
              "\ufeff": "Byte-Order-Mark", "\u00ad": "weiches Trennzeichen",
              "\u200e": "Schreibrichtungszeichen", "\u200f": "Schreibrichtungszeichen"}
LEERZEICHEN = {"\u00a0": "geschütztes Leerzeichen", "\u202f": "schmales geschütztes Leerzeichen",
               "\u2007": "Ziffern-Leerzeichen", "\u2009": "schmales Leerzeichen",
               "\u3000": "breites Leerzeichen"}
_NULLBREITE_RE = re.compile("[" + "".join(NULLBREITE) + "]")
# Characters that look like an ordinary one (a hyphen, a Latin letter) but are another: Excel
# shows „Süd‑Ost“ (U+2011) exactly like „Süd-Ost“. Messages name them where they stand.
DOPPELGAENGER = {"\u2010": "Unicode-Bindestrich", "\u2011": "geschützter Bindestrich",
                 "\u2012": "Ziffernstrich", "\u2013": "Halbgeviertstrich",
                 "\u2014": "Geviertstrich", "\u2015": "waagrechter Strich",
                 "\u2212": "Minuszeichen", "\ufe63": "kleiner Bindestrich",
                 "\uff0d": "breiter Bindestrich"}
_SCHRIFTEN = {"CYRILLIC": "kyrillisches", "GREEK": "griechisches", "FULLWIDTH": "breites",
              "ARMENIAN": "armenisches", "CHEROKEE": "Cherokee-"}


def doppelgaenger(c: str) -> str | None:
    """German name of a look-alike character (a dash other than '-', a Cyrillic, Greek or
    fullwidth letter …) with its code point: '\\u2011' -> 'U+2011 geschützter Bindestrich',
    '\\u0430' -> 'U+0430 kyrillisches a';
    None for others (umlauts, ß, é, German quotation marks are ordinary)."""
    if c < "\u0370":
        return None
    name = DOPPELGAENGER.get(c)
    if name is None:
        teile = unicodedata.name(c, "").split(" ")
        if teile[0] not in _SCHRIFTEN:
            return None
        w = teile[-1]
        buchstabe = w.lower() if "SMALL" in teile else w if len(w) == 1 else w.capitalize()
        name = f"{_SCHRIFTEN[teile[0]]} {buchstabe}" if "LETTER" in teile else _SCHRIFTEN[teile[0]]
    return f"U+{ord(c):04X} {name}"


def _zeichen_name(c: str) -> str | None:
    """German name of an invisible, unusual or look-alike character, None for ordinary
    ones."""
    if c in NULLBREITE:
        return NULLBREITE[c]
    if c in LEERZEICHEN:
        return LEERZEICHEN[c]
    if (d := doppelgaenger(c)) is not None:
        return d
    if c == "\ufffd":
        return "nicht lesbares Zeichen"
    cat = unicodedata.category(c)
    if cat == "Zs" and c != " ":
        return "besonderes Leerzeichen"
    if cat == "Cc" and c not in "\n\r\t":
        return f"Steuerzeichen U+{ord(c):04X}"
    return None


def hat_unsichtbare(text: str) -> bool:
    """Whether `text` holds a character that `sichtbar` would mark."""
    return any(_zeichen_name(c) for c in str(text) if not " " <= c <= "~")


def sichtbar(text: str) -> str:
    """The value as it looks, with invisible characters shown: spaces as ␣, zero-width
    characters as ¤, control characters as their control picture (U+2400 block), followed by
    the names: 'Magdeburger\\xa0Allee' -> 'Magdeburger␣Allee (geschütztes Leerzeichen)'.
    A look-alike character is named where it stands: 'Süd\\u2011Ost' ->
    'Süd[U+2011 geschützter Bindestrich]Ost'. Text without such characters is returned
    unchanged."""
    namen: list[str] = []
    out = []
    for c in str(text):
        name = _zeichen_name(c)
        if name is None:
            out.append(c)
            continue
        if name.startswith("U+"):
            out.append(f"[{name}]")
            continue
        if name not in namen:
            namen.append(name)
        if c in LEERZEICHEN or unicodedata.category(c) == "Zs":
            out.append("␣")
        elif ord(c) < 32:
            out.append(chr(0x2400 + ord(c)))
        elif c == "\x7f":
            out.append("␡")
        elif c == "\ufffd":
            out.append("�")
        else:
            out.append("¤")
    return "".join(out) + (f" ({', '.join(namen)})" if namen else "")


def zeilen_text(rows, n: int = 12) -> str:
    """'Zeile 3' / 'Zeilen 2–4, 7' (Excel row numbers, runs joined, at most `n` parts)."""
    rows = sorted({int(r) for r in rows})
    teile: list[str] = []
    i = 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and rows[j + 1] == rows[j] + 1:
            j += 1
        teile.append(str(rows[i]) if i == j else f"{rows[i]}–{rows[j]}")
        i = j + 1
    mehr = f" … (insgesamt {len(rows)} Zeilen)" if len(teile) > n else ""
    return ("Zeile " if len(rows) == 1 else "Zeilen ") + ", ".join(teile[:n]) + mehr


# --- Result of one column ------------------------------------------------------------------

@dataclass
class Hinweis:
    """A value that was repaired or interpreted: which rows, an example, what was done."""
    rows: list[int]
    beispiel: str          # the first affected value as it looked
    text: str              # German, without the rows (added by `meldung`)

    def meldung(self) -> str:
        """The text; with more than one row it begins with the rows ('Zeilen 2–4: …')."""
        return self.text if len(self.rows) == 1 else f"{zeilen_text(self.rows)}: {self.text}"


@dataclass
class Spalte:
    typed: pd.Series
    fehler: dict[int, tuple[str, str]] = field(default_factory=dict)  # row -> (wert, erwartet)
    hinweise: list[Hinweis] = field(default_factory=list)

    def melde(self, row, wert: str, erwartet: str) -> None:
        self.fehler.setdefault(int(row), (sichtbar(wert), erwartet))

    def merke(self, rows, beispiel: str, text: str) -> None:
        rows = [int(r) for r in rows]
        if rows:
            self.hinweise.append(Hinweis(rows, sichtbar(beispiel), text))


def freitext(col: Column, table: Table) -> bool:
    """Free text (names, addresses, topics): kept as written apart from invisible characters.
    Value lists, keys, references and districts are normalised more strictly (NFKC, spaces)."""
    return (col.type == "text" and not col.values and col.name not in table.key
            and not col.references and col.name != "stadtteil")


# --- Step 1: characters ---------------------------------------------------------------------

_VERDAECHTIG = re.compile(r"[^\x20-\x7e]")


def saeubern(s: pd.Series, col: Column, table: Table, sp: Spalte) -> pd.Series:
    """Refuse control/unreadable characters, repair double-encoded text, normalise spaces.
    `s` holds stripped strings; returns the cleaned strings (refused cells unchanged). Each
    distinct value is examined once (a column repeats few values many times)."""
    frei = freitext(col, table)
    streng = col.type == "text" and not frei and not col.values   # keys, references, Stadtteil
    verdaechtig = s[s.str.contains(_VERDAECHTIG)]
    urteil = {v: _zeichen_urteil(v, frei, streng) for v in verdaechtig.unique()}
    neu_werte: dict = {}
    repariert: dict[int, str] = {}
    leerraum: dict[int, str] = {}
    namen: list[str] = []
    for row, v in verdaechtig.items():
        neu, fehler, rep, raum = urteil[v]
        if fehler:
            sp.melde(row, v, fehler)
            continue
        if rep:
            repariert[int(row)] = v
        if raum:
            leerraum[int(row)] = v
            namen += [n for n in raum if n not in namen]
        if neu != v:
            neu_werte[row] = neu
    out = s
    if neu_werte:                      # one assignment: cell by cell is slow on arrow strings
        out = s.astype(object)
        out[list(neu_werte)] = list(neu_werte.values())
        out = out.astype(s.dtype)
    if repariert:
        r0 = min(repariert)
        sp.merke(repariert, repariert[r0], f"falsch umgewandelte Umlaute repariert (z. B. "
                 f"„{repariert[r0]}“ → „{urteil[repariert[r0]][0]}“)")
    if leerraum:
        r0 = min(leerraum)
        was = ", ".join(namen)
        art = ("unsichtbare Zeichen bereinigt" if not any(n.startswith("U+") for n in namen)
               else "besondere Zeichen vereinheitlicht")
        sp.merke(leerraum, leerraum[r0], f"{art} ({was}): „"
                 f"{sichtbar(leerraum[r0]).split(' (')[0]}“ gelesen als „{out[r0]}“")
    return out


def _zeichen_urteil(v: str, frei: bool, streng: bool = False
                   ) -> tuple[str, str | None, bool, list[str]]:
    """One cell text: (cleaned text, error text or None, double encoding repaired, names of
    the unusual characters normalised away). `streng` (keys, references, Stadtteil): a
    look-alike character left after normalising (U+2011 becomes U+2010, not '-') is refused:
    the value would look like another and not match it."""
    if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in v):
        return v, ("enthält ein Steuerzeichen (in Excel unsichtbar) – bitte die Zelle neu "
                   "eintippen"), False, []
    if "\ufffd" in v:
        return v, ("enthält ein nicht lesbares Zeichen (�): die Zeichenkodierung der Datei "
                   "stimmt nicht – bitte als UTF-8 oder Windows-1252 speichern"), False, []
    neu, rep = v, False
    if ftfy.badness.is_bad(v):
        fixed, _ = ftfy.fix_encoding_and_explain(v)
        if fixed == v or ftfy.badness.is_bad(fixed) or "\ufffd" in fixed:
            return v, ("Text sieht nach falsch umgewandelten Umlauten aus (z. B. „Ã¤“ statt "
                       "„ä“) und lässt sich nicht sicher reparieren – bitte die Datei als UTF-8 "
                       "neu exportieren"), False, []
        neu, rep = fixed, True
    gesaeubert = _leerraum(neu, frei)
    if streng and any(doppelgaenger(c) for c in gesaeubert):
        namen = list(dict.fromkeys(d for c in neu if (d := doppelgaenger(c))))
        return v, (f"enthält ein Zeichen, das wie ein anderes aussieht ({', '.join(namen)}) – "
                   "bitte die Zelle neu eintippen"), False, []
    raum: list[str] = []
    if gesaeubert != unicodedata.normalize("NFC", neu).strip():
        for c in neu:       # the characters the cleaning changed (an en dash it keeps is not)
            name = _zeichen_name(c)
            if name and name not in raum and _leerraum(c, frei) != c:
                raum.append(name)
        raum = raum or ["mehrfache Leerzeichen"]
    return gesaeubert, None, rep, raum


def _leerraum(v: str, frei: bool) -> str:
    v = _NULLBREITE_RE.sub("", v)
    if frei:
        v = "".join(" " if unicodedata.category(c) == "Zs" else c for c in v)
        return unicodedata.normalize("NFC", v).strip()
    v = unicodedata.normalize("NFKC", v)
    return re.sub(r"\s+", " ", v).strip()


# Error values of a formula as Excel and LibreOffice write them (English and German).
_EXCEL_FEHLER = re.compile(r"^#(DIV/0!|N/A|NV|WERT!|VALUE!|BEZUG!|REF!|NAME\?|ZAHL!|NUM!|NULL!|"
                           r"ÜBERLAUF!|SPILL!|CALC!|KALK!)$")


# --- Step 2: types -------------------------------------------------------------------------

# A column with at most this share of distinct cell texts is read per distinct text (below).
ANTEIL_VERSCHIEDENE = 0.5


def lies_spalte(values: pd.Series, col: Column, table: Table, heute: dt.date | None = None
                ) -> Spalte:
    """Read one column of cell texts as the contract type of `col`.

    Same arguments, result and rules as `lies_spalte_zellen`, of which it is the fast path for
    long columns that repeat their texts (an activity file: 10 M cells, a few thousand dates,
    eight kinds, ~1 M participant numbers): the cells are factorised, each distinct text is
    read once by `lies_spalte_zellen` (indexed by the Excel row of its first occurrence) and
    values, errors and notes are spread back to every row holding that text. This is exact
    because every rule there is a function of the cell text alone, or of `any`/`all` over the
    column (decimal separators, the x-column of booleans), which distinct texts decide alike;
    a note's example is its first row's text either way. Columns whose texts are mostly
    distinct, and cells that are not all strings, are read directly.
    `tests/test_werte_schnell.py` checks both paths against each other."""
    n = len(values)
    if n < 2 or not (pd.api.types.is_integer_dtype(values.index.dtype)
                     and values.index.is_monotonic_increasing and values.index.is_unique
                     and pd.api.types.is_string_dtype(values.dtype)
                     and (values.dtype != object or all(isinstance(v, str) for v in values))):
        return lies_spalte_zellen(values, col, table, heute)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if len(uniques) > n * ANTEIL_VERSCHIEDENE:
        return lies_spalte_zellen(values, col, table, heute)
    zeilen = values.index.to_numpy()
    erste = np.full(len(uniques), n, dtype=np.int64)
    np.minimum.at(erste, codes, np.arange(n))            # position of each text's first cell
    einzeln = pd.Series(values.array.take(erste), index=zeilen[erste], dtype=values.dtype,
                        name=values.name)
    sp1 = lies_spalte_zellen(einzeln, col, table, heute)
    sp = Spalte(pd.Series(sp1.typed.array.take(codes), index=values.index,
                          dtype=sp1.typed.dtype, name=sp1.typed.name))
    nummer = {int(r): i for i, r in enumerate(zeilen[erste])}   # first row -> distinct text
    if sp1.fehler:
        betroffen = np.zeros(len(uniques), dtype=bool)
        betroffen[[nummer[r] for r in sp1.fehler]] = True
        fehler = {nummer[r]: f for r, f in sp1.fehler.items()}
        sp.fehler = {int(r): fehler[c] for r, c in zip(zeilen[betroffen[codes]],
                                                     codes[betroffen[codes]])}
    for h in sp1.hinweise:
        betroffen = np.zeros(len(uniques), dtype=bool)
        betroffen[[nummer[r] for r in h.rows]] = True
        sp.hinweise.append(Hinweis([int(r) for r in zeilen[betroffen[codes]]], h.beispiel,
                                   h.text))
    return sp


def lies_spalte_zellen(values: pd.Series, col: Column, table: Table,
                       heute: dt.date | None = None) -> Spalte:
    """Read one column of cell texts as the contract type of `col`, cell by cell.

    `values`: cell texts as the person saw them, index = Excel row number. `heute`: day of
    the import (default today) for the latest plausible date. Returns a `Spalte`: typed values
    (same index; text -> str/None, int -> Int64, float -> Float64, date -> datetime.date/None,
    bool -> boolean), errors {row: (value shown with hidden characters visible, German
    expectation)} and notes (rows, example, German text). Raises ValueError only for a column
    type the contract does not know. Rules: data contract "File rules", issue 9 kinds 1–7,
    issue 13 items 12–13."""
    s = values.astype(str).str.strip()
    sp = Spalte(pd.Series(dtype=object))
    s = saeubern(s, col, table, sp)
    for row, v in s[s.str.match(_EXCEL_FEHLER)].items():
        sp.melde(row, v, "Excel zeigt hier einen Formelfehler – bitte die Formel in Excel "
                 "korrigieren oder den Wert eintragen")
    empty = s.eq("")
    if col.type in ("text", "date"):
        empty |= s.str.lower().isin(LEER_WOERTER)
    ok = ~empty & ~s.index.isin(list(sp.fehler))
    if col.type == "text":
        sp.typed = _text(s, empty, col, sp, values)
    elif col.type == "int":
        sp.typed = _ganzzahl(s, ok, sp)
    elif col.type == "float":
        sp.typed = _zahl(s, ok, col, sp)
    elif col.type == "date":
        sp.typed = _datum(s, ok, col, sp, heute or dt.date.today())
    elif col.type == "bool":
        sp.typed = _wahrheit(s, ok, empty, sp)
    else:
        raise ValueError(f"unbekannter Typ {col.type}")
    if col.type == "text":
        sp.typed = sp.typed.astype(object)
        sp.typed[sp.typed.index.isin(list(sp.fehler))] = None
    # a message quotes the cell as it looks, before normalising ('85,5 m²', not '85,5 m2')
    if values.index.is_unique:
        sp.fehler = {r: (sichtbar(str(values.at[r]).strip()), e)
                     for r, (_, e) in sp.fehler.items()}
    # a refused cell gets its error, not also a note
    sp.hinweise = [Hinweis(rows, h.beispiel, h.text) for h in sp.hinweise
                   if (rows := [r for r in h.rows if r not in sp.fehler])]
    return sp


def _text(s, empty, col, sp, roh) -> pd.Series:
    out = s.where(~empty, None).astype(object)     # NFC: saeubern normalised non-ASCII
    if not col.values:
        return out
    lookup = {unicodedata.normalize("NFC", v).casefold(): v for v in col.values}
    mapped = out.str.casefold().map(lookup).astype(object)
    mapped = mapped.where(mapped.notna(), None)
    angepasst = mapped.notna() & (mapped != out)
    if angepasst.any():
        rows = out.index[angepasst.to_numpy()]
        sp.merke(rows, out[rows[0]], f"Schreibweise an die Werteliste angepasst (z. B. "
                 f"„{out[rows[0]]}“ → „{mapped[rows[0]]}“)")
    # unmatched values that held hidden characters: refuse here, showing them
    offen = (out.notna() & mapped.isna()).to_numpy(bool)
    for row in out.index[offen]:
        if hat_unsichtbare(roh[row]):
            sp.melde(row, roh[row], "erwartet: einer von " + ", ".join(col.values))
    return mapped.where(mapped.notna(), out)


_TAUSENDER_GANZ = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")


def _nicht_endlich(s, ok, sp) -> pd.Series:
    wort = ok & s.str.lower().isin(NICHT_ENDLICH)
    for row in s.index[wort.to_numpy()]:
        sp.melde(row, s[row], "keine Zahl („nan“/„inf“ steht für keinen oder einen unendlichen "
                 "Wert) – erwartet eine Zahl oder eine leere Zelle")
    return ok & ~wort


def _ganzzahl(s, ok, sp) -> pd.Series:
    ok = _nicht_endlich(s, ok, sp)
    t = s.where(~s.str.match(_TAUSENDER_GANZ), s.str.replace(".", "", regex=False))
    t = t.str.replace(r",0+$", "", regex=True).str.replace(r"\.0+$", "", regex=True)
    num = pd.to_numeric(t.where(ok, None), errors="coerce")
    gross = ok & num.notna() & (num.abs() > GROESSTE_GANZZAHL)
    for row in s.index[gross.to_numpy()]:
        sp.melde(row, s[row], "Zahl ist unplausibel groß")
    bad = ok & ~gross & (num.isna() | (num % 1 != 0))
    for row in s.index[bad.to_numpy()]:
        sp.melde(row, s[row], "erwartet: ganze Zahl")
    return num.where(ok & ~bad & ~gross).astype("Int64")


_KOMMA_DEZ = re.compile(r"^[+-]?\d*,\d+$")
_PUNKT_DEZ = re.compile(r"^[+-]?\d*\.\d+$")
_TP = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+$")     # 1.250  (thousands dot, or 1,25?)
_TK = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+$")      # 1,250  (thousands comma, or 1,25?)
_TP_KOMMA = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+,\d+$")  # 1.250,5: German, certain
_TK_PUNKT = re.compile(r"^[+-]?\d{1,3}(,\d{3})+\.\d+$")  # 1,250.5: English, certain


def _zahl(s, ok, col, sp) -> pd.Series:
    """Decimal numbers. Decimal comma and point both occur. A thousands separator is read only
    where it is certain: '1.250,5' / '1,250.5' always; '1.250' as 1250 only when the column
    writes its decimals with a comma elsewhere (and never a point), '1,250' as 1250 only when
    the column writes decimals with a point (and as 1,25 when it writes them with a comma);
    else refused, never guessed. Columns whose maximum is below 1000
    (percent, coordinates) cannot hold thousands: there a single separator is the decimal."""
    ok = _nicht_endlich(s, ok, sp)
    t = s.where(ok, "")
    tp, tk = t.str.match(_TP), t.str.match(_TK)
    komma = (t.str.match(_KOMMA_DEZ) & ~tk).any() or t.str.match(_TP_KOMMA).any()
    punkt = (t.str.match(_PUNKT_DEZ) & ~tp).any() or t.str.match(_TK_PUNKT).any()
    t = t.str.replace(r"\s*%$", "", regex=True) if (col.max == 100) else t
    wert = t.str.replace(",", ".", regex=False)
    sicher_dt = t.str.match(_TP_KOMMA)
    sicher_en = t.str.match(_TK_PUNKT)
    wert = wert.where(~sicher_dt, t.str.replace(".", "", regex=False).str.replace(",", "."))
    wert = wert.where(~sicher_en, t.str.replace(",", "", regex=False))
    tausender = sicher_dt | sicher_en
    if col.max is None or col.max >= 1000:
        lies_tp = tp & komma & ~punkt
        lies_tk = tk & punkt & ~komma
        wert = wert.where(~lies_tp, t.str.replace(".", "", regex=False))
        wert = wert.where(~lies_tk, t.str.replace(",", "", regex=False))
        tausender |= lies_tp | lies_tk
        # '1,250' in a column with decimal commas (and no points) is 1,25; else undecided
        unklar = (tp & ~lies_tp) | (tk & ~lies_tk & ~(komma & ~punkt))
        for row in s.index[unklar.to_numpy()]:
            v = s[row]
            tausend = re.sub(r"[.,]", "", v)
            if len(re.findall(r"[.,]", v)) > 1:    # '1.000.000': no decimal reading exists
                sp.melde(row, v, f"Tausendertrennzeichen ohne Dezimalkomma in dieser Spalte? – "
                         f"bitte {tausend} schreiben")
                continue
            dezimal = zahl_de(float(v.replace(",", ".")))
            sp.melde(row, v, f"mehrdeutig: Tausendertrennzeichen ({tausend}) oder "
                     f"Dezimaltrennzeichen ({dezimal})? – bitte {tausend} oder {dezimal} "
                     "schreiben")
        ok = ok & ~unklar
    if tausender.any():
        rows = s.index[tausender.to_numpy()]
        sp.merke(rows, s[rows[0]], f"Tausendertrennzeichen erkannt (z. B. „{s[rows[0]]}“ "
                 f"gelesen als {zahl_de(float(wert[rows[0]]))})")
    num = pd.to_numeric(wert.where(ok, None), errors="coerce")
    bad = ok & num.isna()
    for row in s.index[bad.to_numpy()]:
        sp.melde(row, s[row], "erwartet: Zahl (z. B. 12,5)")
    gross = ok & num.notna() & ~num.map(lambda x: math.isfinite(x) and abs(x) <= GROESSTE_ZAHL
                                        if pd.notna(x) else True).astype(bool)
    for row in s.index[gross.to_numpy()]:
        sp.melde(row, s[row], "Zahl ist unplausibel groß oder nicht endlich")
    return num.where(ok & ~bad & ~gross).astype("Float64")


def zahl_de(x: float) -> str:
    """A number as German text without thousands separator: 1250 -> '1250', 18.1 -> '18,1'."""
    return f"{x:.12g}".replace(".", ",")


_DATE_DE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: 00:00(?::00)?)?$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DATE_JJ = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2})$")
_SERIE = re.compile(r"^(\d{1,7})(?:[.,]0+)?$")
EXCEL_NULL = dt.date(1899, 12, 30)     # Excel's day 0 (1900 date system, with its leap bug)


def ist_platzhalter(jahr: int, monat: int, tag: int) -> bool:
    """Dates that systems write for "unknown": 00.00.0000, 01.01.0001, 01.01.1900, 31.12.1899,
    30.12.1899 (Excel's zero), 31.12.9999 — any date in year 0, 1 or 9999, and 1.1./31.12.
    of 1900 and the last days of 1899."""
    return (jahr in (0, 1, 9999) or monat == 0 or tag == 0 or jahr == 1899
            or (jahr == 1900 and (monat, tag) in ((1, 1), (12, 31))))


def _datum(s, ok, col, sp, heute: dt.date) -> pd.Series:
    """Dates TT.MM.JJJJ or JJJJ-MM-TT inside the column's plausible window; the common case is
    read column-wise, every other cell is examined alone for the right message."""
    frueh = col.frueh or dt.date(1900, 1, 2)
    spaet = SPAETESTENS if col.spaet_tage is None else min(
        SPAETESTENS, heute + dt.timedelta(days=col.spaet_tage))
    kandidat = s.where(ok)
    parsed = pd.to_datetime(kandidat, format="%d.%m.%Y", errors="coerce")
    rest = parsed.isna() & ok
    if rest.any():
        parsed = parsed.fillna(pd.to_datetime(kandidat.where(rest), format="%Y-%m-%d",
                                              errors="coerce"))
    platz = (parsed.dt.year == 1900) & parsed.dt.strftime("%m%d").isin(["0101", "1231"])
    gut = (ok & parsed.notna() & ~platz
           & parsed.between(pd.Timestamp(frueh), pd.Timestamp(spaet))).to_numpy(bool)
    out = pd.Series([None] * len(s), index=s.index, dtype=object)
    out[gut] = list(parsed[gut].dt.date)
    einzeln = {row: _datum_einzeln(row, v, col, sp, heute, frueh, spaet)
               for row, v in s[ok.to_numpy(bool) & ~gut].items()}
    einzeln = {row: d for row, d in einzeln.items() if d is not None}
    if einzeln:
        out[list(einzeln)] = list(einzeln.values())
    return out


def _datum_einzeln(row, v: str, col, sp, heute, frueh, spaet) -> dt.date | None:
    """One date cell the column-wise reading did not take: the date (a form like
    '01.03.2016 00:00'), or None with the message for it."""
    leer = ("bitte das echte Datum eintragen" if col.required else
            "bitte das echte Datum eintragen oder die Zelle leer lassen")
    if m := (_DATE_DE.match(v) or _DATE_ISO.match(v)):
        a, b, c = (int(x) for x in m.groups())
        jahr, monat, tag = (c, b, a) if m.re is _DATE_DE else (a, b, c)
        if ist_platzhalter(jahr, monat, tag):
            sp.melde(row, v, f"Platzhalter für ein unbekanntes Datum – {leer}")
            return None
        try:
            d = dt.date(jahr, monat, tag)
        except ValueError:
            sp.melde(row, v, "erwartet: Datum TT.MM.JJJJ oder JJJJ-MM-TT (diesen Tag gibt es "
                     "nicht)")
            return
        if frueh <= d <= spaet:
            return d
        sp.melde(row, v, f"Datum außerhalb des plausiblen Zeitraums "
                 f"{frueh:%d.%m.%Y}–{spaet:%d.%m.%Y} – Tippfehler im Jahr?")
        return
    if m := _DATE_JJ.match(v):
        jj = int(m.group(3))
        jahr = (2000 if jj <= heute.year % 100 + 1 else 1900) + jj
        sp.melde(row, v, f"Jahr nur zweistellig – erwartet TT.MM.JJJJ (gemeint "
                 f"{int(m.group(1)):02d}.{int(m.group(2)):02d}.{jahr}?)")
        return
    if m := _SERIE.match(v):
        n = int(m.group(1))
        if 1900 <= n <= 2100 and len(m.group(1)) == 4:
            sp.melde(row, v, "nur ein Jahr? – erwartet ein vollständiges Datum TT.MM.JJJJ")
            return
        if 61 <= n <= 2958465:
            d = EXCEL_NULL + dt.timedelta(days=n)
            sp.melde(row, v, f"Excel-Seriennummer statt Datum? {n} = {d:%d.%m.%Y} – bitte die "
                     "Spalte in Excel als Datum (TT.MM.JJJJ) formatieren und neu speichern")
            return
    if re.match(r"^0{1,2}\.0{1,2}\.0{2,4}$|^0{4}-0{2}-0{2}$", v):
        sp.melde(row, v, f"Platzhalter für ein unbekanntes Datum – {leer}")
        return
    sp.melde(row, v, "erwartet: Datum TT.MM.JJJJ oder JJJJ-MM-TT")


def _wahrheit(s, ok, empty, sp) -> pd.Series:
    low = s.str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[ok & low.isin(TRUE_WORDS)] = True
    out[ok & low.isin(FALSE_WORDS)] = False
    bad = ok & out.isna()
    for row in s.index[bad.to_numpy()]:
        sp.melde(row, s[row], "erwartet: ja/nein (auch j/n, 1/0, true/false, x/leer)")
    gefuellt = ~empty
    if gefuellt.any() and low[gefuellt].eq("x").all() and empty.any():
        out[empty] = False
        rows = s.index[empty.to_numpy()]
        sp.merke(rows, "", "leere Zellen als „nein“ gelesen (die Spalte kennzeichnet „ja“ "
                 "mit x)")
    return out


# --- Positions -------------------------------------------------------------------------------

def lage(lat: pd.Series, lon: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Where WGS84 positions lie, for the import checks: (at 0/0 – a placeholder, in the Gulf of
    Guinea; latitude and longitude swapped – the swap lies in Erfurt; outside Erfurt's bounding
    box `contract.ERFURT_BBOX` otherwise). Boolean series; rows missing a coordinate are False."""
    lat = pd.to_numeric(lat, errors="coerce").astype("float64")
    lon = pd.to_numeric(lon, errors="coerce").astype("float64")
    b = ERFURT_BBOX
    null = (lat == 0) & (lon == 0)
    getauscht = lon.between(b["lat_min"], b["lat_max"]) & lat.between(b["lon_min"], b["lon_max"])
    drin = lat.between(b["lat_min"], b["lat_max"]) & lon.between(b["lon_min"], b["lon_max"])
    draussen = lat.notna() & lon.notna() & ~null & ~getauscht & ~drin
    return null, getauscht, draussen
