"""The fast paths of reading (issue 14) give exactly what today's cell-by-cell reading gives.

`werte.lies_spalte` reads each distinct cell text once and spreads the result back;
`werte.lies_spalte_zellen` reads every cell. For every column of the contract, random columns
mixing clean cells with the dirty cells of the bad-file examples (tests/bad_files,
tests/echte_exporte) and of the issue-9 catalogue are read both ways: typed values (and
dtype), errors by row and notes (rows, example, text) must be identical.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pandas as pd
import pytest

from biwaq.einlesen import fileio, werte
from biwaq.einlesen.contract import TABLES

HEUTE = dt.date(2024, 6, 30)
HIER = Path(__file__).parent

# Dirty cells of the catalogue (issue 9 kinds 1–7, issue 13.12/13.13) beside those in the files.
SCHMUTZ = ["", " ", "nan", "NaT", "None", "inf", "-Infinity", "#NV", "#DIV/0!", "#WERT!",
           "KI\u00a0K", "Euratibor\u200b", "B\u00c3\u00a4ckerei", "Caf\ufffd", "Text\x00",
           "  Magdeburger   Allee ", "magdeburger allee", "SÜD-OST", "süd-ost", "kik",
           "1.250", "1,250", "1.250,5", "1,250.5", "12,5", "12.5", "0,5", "-3", "+7", "1e400",
           "1.000.000", "12 %", "50,99", "50.991", "18,1", "7,4", "1", "0", "x", "X", "ja",
           "Nein", "j", "n", "true", "falsch", "vielleicht", "1,0", "2.0", "9007199254740993",
           "01.03.2016", "1.3.2016", "2016-03-01", "2016-3-1", "01.03.2016 00:00",
           "2016-03-01T00:00:00", "00.00.0000", "0000-00-00", "01.01.1900", "31.12.1899",
           "31.12.9999", "01.01.0001", "30.02.2016", "15.03.1890", "15.03.1960", "31.12.2101",
           "31.12.2030", "1.3.16", "42430", "2016", "42430,0", "01.01.2099", "28.02.2023"]


def _zellen_aus_dateien() -> list[str]:
    zellen: set[str] = set()
    for ordner in ("bad_files", "echte_exporte"):
        for p in sorted((HIER / ordner).glob("*.csv")):
            text, _ = fileio.dekodiere(p.read_bytes())
            try:
                df = fileio.read_csv_text(text.replace("\r\n", "\n"))
            except Exception:  # noqa: BLE001 – files meant to be unreadable give no cells
                continue
            for c in df.columns:
                zellen |= set(df[c].astype(str))
    return sorted(zellen)


DATEI_ZELLEN = _zellen_aus_dateien()
SPALTEN = [(t.name, c.name) for t in TABLES.values() for c in t.columns]


def _sauber(col, rnd: random.Random) -> str:
    if col.values:
        return rnd.choice(col.values)
    if col.type == "date":
        d = dt.date(2016, 1, 1) + dt.timedelta(days=rnd.randrange(2900))
        return d.strftime("%d.%m.%Y") if rnd.random() < 0.8 else d.isoformat()
    if col.type == "int":
        return str(rnd.randrange(0, 600))
    if col.type == "float":
        return rnd.choice(["50,97", "11,02", "120", "3,5", "0,25"])
    if col.type == "bool":
        return rnd.choice(["ja", "nein"])
    return rnd.choice(["TN-000001", "TN-000002", "B-0007", "Ilversgehofen", "Bäckerei Kühn"])


def _spalte(col, seed: int, n: int = 400) -> pd.Series:
    rnd = random.Random(seed)
    sauber = [_sauber(col, rnd) for _ in range(12)]
    schmutz = SCHMUTZ + rnd.sample(DATEI_ZELLEN, min(40, len(DATEI_ZELLEN)))
    anteil = rnd.choice([0.0, 0.02, 0.2, 0.6])
    zellen = [rnd.choice(schmutz) if rnd.random() < anteil else rnd.choice(sauber)
              for _ in range(n)]
    start = rnd.choice([2, 3, 7])
    return pd.Series(zellen, index=range(start, start + n), dtype="str", name=col.name)


def _gleich(a: werte.Spalte, b: werte.Spalte) -> None:
    assert a.typed.dtype == b.typed.dtype
    assert a.typed.index.equals(b.typed.index)
    assert a.typed.name == b.typed.name
    assert [None if pd.isna(x) else x for x in a.typed] == [None if pd.isna(x) else x
                                                           for x in b.typed]
    assert a.fehler == b.fehler
    assert [(h.rows, h.beispiel, h.text, h.meldung()) for h in a.hinweise] == [
        (h.rows, h.beispiel, h.text, h.meldung()) for h in b.hinweise]


@pytest.mark.parametrize("tabelle, spalte", SPALTEN)
@pytest.mark.parametrize("seed", range(4))
def test_schneller_weg_gleich_zellenweise(tabelle, spalte, seed):
    table = TABLES[tabelle]
    col = table.column(spalte)
    s = _spalte(col, hash((tabelle, spalte, seed)) % 2**32)
    schnell = werte.lies_spalte(s, col, table, heute=HEUTE)
    zellenweise = werte.lies_spalte_zellen(s, col, table, heute=HEUTE)
    _gleich(schnell, zellenweise)


def test_schneller_weg_wird_genommen_und_meldet_jede_zeile(monkeypatch):
    """A repeated bad value is read once but reported in every row; a repeated repair is one
    note naming all its rows (worked out by hand)."""
    aufrufe = []
    echt = werte.lies_spalte_zellen
    monkeypatch.setattr(werte, "lies_spalte_zellen",
                        lambda v, *a, **k: aufrufe.append(len(v)) or echt(v, *a, **k))
    table = TABLES["aktivitaeten"]
    s = pd.Series(["01.03.2016", "00.00.0000", "01.03.2016", "00.00.0000", "2016-03-01",
                   "01.03.2016"], index=range(2, 8), dtype="str")
    sp = werte.lies_spalte(s, table.column("datum"), table, heute=HEUTE)
    assert aufrufe == [3]                     # three distinct texts, read once each
    assert sorted(sp.fehler) == [3, 5]
    assert sp.fehler[3][1].startswith("Platzhalter für ein unbekanntes Datum")
    assert list(sp.typed) == [dt.date(2016, 3, 1), None, dt.date(2016, 3, 1), None,
                              dt.date(2016, 3, 1), dt.date(2016, 3, 1)]
    art = pd.Series(["coaching", "Coaching", "coaching", "Coaching"], index=range(2, 6),
                    dtype="str")
    sp = werte.lies_spalte(art, table.column("art"), table, heute=HEUTE)
    assert [(h.rows, h.beispiel) for h in sp.hinweise] == [([2, 4], "coaching")]
    assert sp.hinweise[0].meldung().startswith("Zeilen 2, 4: Schreibweise an die Werteliste")


def test_mehrere_tausenderpunkte_ohne_dezimalkomma_abgelehnt_statt_absturz():
    """'1.000.000' in a column without decimal commas crashed the reading (float('1.000.000'));
    it is refused in its cell, the other cells are read."""
    table = TABLES["leerstaende"]
    s = pd.Series(["120", "1.000.000"], index=[2, 3], dtype="str")
    sp = werte.lies_spalte_zellen(s, table.column("flaeche_m2"), table, heute=HEUTE)
    assert list(sp.typed[[2]]) == [120.0] and pd.isna(sp.typed[3])
    assert sp.fehler == {3: ("1.000.000", "Tausendertrennzeichen ohne Dezimalkomma in dieser "
                                          "Spalte? – bitte 1000000 schreiben")}


# --- CSV: Arrow's reader for plain files, pandas' for the rest -------------------------------

def _varianten() -> list[tuple[str, bytes]]:
    """Every CSV of the bad-file examples, plus plain files in the variants real exports have."""
    dateien = [(p.name, p.read_bytes()) for ordner in ("bad_files", "echte_exporte")
               for p in sorted((HIER / ordner).glob("*.csv"))]
    kopf = "tn_id;datum;art;dauer_min;betrieb_id\n"
    zeilen = ["TN-1;01.03.2016;Coaching;30;", "TN-2;2016-03-02;coaching ;1.250;B-1",
              "TN-1;00.00.0000;Erstgespräch;;", "TN-3;01.03.2016;Coaching\u00a0;30;B-2",
              "TN-\x004;01.03.2016;Coaching;x;", " TN-5 ;01.03.16;#NV;-3;B-1"]
    plain = kopf + "\n".join(zeilen) + "\n"
    varianten = {
        "lf": plain.encode(), "bom": b"\xef\xbb\xbf" + plain.encode(),
        "crlf": plain.replace("\n", "\r\n").encode(), "ohne_letztes_lf": plain[:-1].encode(),
        "titel": ("Export vom 1.3.2024\n\n" + plain).encode(),
        "leerzeile": (kopf + zeilen[0] + "\n\n" + zeilen[1] + "\n").encode(),
        "kurz": (kopf + "TN-1;01.03.2016\n" + zeilen[1] + "\n").encode(),
        "lang": (kopf + zeilen[0] + ";zu;viel\n").encode(),
        "quote": (kopf + '"TN;1";01.03.2016;Coaching;30;\n').encode(),
        "cr": plain.replace("\n", "\r").encode(), "komma": plain.replace(";", ",").encode(),
        "nur_kopf": kopf.encode(), "cp1252": plain.encode("cp1252"),
        "utf16": plain.encode("utf-16"),
    }
    return dateien + [(f"aktivitaeten_{k}.csv", v) for k, v in varianten.items()]


@pytest.mark.parametrize("name, data", _varianten(), ids=lambda x: x if isinstance(x, str) else "")
def test_csv_arrow_wie_pandas(name, data, monkeypatch):
    """Where Arrow's reader takes a file, its cells are pandas' cells; the whole reading
    (frame, errors, notes) is the same with and without it."""
    text, cp1252 = fileio.dekodiere(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    tabelle = fileio.table_for_filename(name)
    kopf = fileio._csv_kopf(text, TABLES[tabelle]) if tabelle else None
    if kopf is not None and not cp1252:
        sep, skip = kopf[0], kopf[1]
        arrow = fileio._csv_body_arrow(data, sep, skip)
        if arrow is not None:
            pd.testing.assert_frame_equal(arrow, fileio._csv_body(text, sep, skip))
    mit = fileio.lies_datei(name, data=data)
    monkeypatch.setattr(fileio, "_csv_body_arrow", lambda *a: None)
    ohne = fileio.lies_datei(name, data=data)
    assert len(mit) == len(ohne)
    for a, b in zip(mit, ohne):
        assert (a.datei, a.tabelle, a.kopfzeile, a.fehler, a.warnungen) == (
            b.datei, b.tabelle, b.kopfzeile, b.fehler, b.warnungen)
        if a.frame is not None or b.frame is not None:
            pd.testing.assert_frame_equal(a.frame, b.frame)


def test_csv_arrow_nimmt_die_schlichten_dateien():
    """The plain variants go through Arrow's reader, the others do not (else the test above
    would compare pandas with itself)."""
    genommen = {}
    for name, data in _varianten():
        if not name.startswith("aktivitaeten_"):
            continue
        text = fileio.dekodiere(data)[0].replace("\r\n", "\n").replace("\r", "\n")
        kopf = fileio._csv_kopf(text, TABLES["aktivitaeten"])
        genommen[name[13:-4]] = (kopf is not None
                                 and fileio._csv_body_arrow(data, kopf[0], kopf[1]) is not None)
    assert {k for k, v in genommen.items() if v} == {"lf", "bom", "crlf", "ohne_letztes_lf",
                                                      "titel", "komma", "leerzeile"}


@pytest.mark.parametrize("seed", range(5))
def test_doppelte_schluessel_wie_als_text(seed):
    """Duplicate keys found on integer codes are those found on the cells' texts (the
    comparison before), for typed key columns with missing values."""
    from biwaq.einlesen import validate

    rnd = random.Random(seed)
    n = 300
    df = pd.DataFrame({
        "tn_id": pd.Series([rnd.choice(["TN-1", "TN-2", "TN-3", None]) for _ in range(n)],
                           dtype=object),
        "datum": pd.Series([rnd.choice([dt.date(2016, 1, 1), dt.date(2016, 1, 2), None])
                            for _ in range(n)], dtype=object),
        "jahr": pd.array([rnd.choice([2016, 2017, None]) for _ in range(n)], dtype="Int64")},
        index=range(2, n + 2))
    for key in (["tn_id"], ["tn_id", "datum"], ["datum", "jahr"], ["tn_id", "datum", "jahr"]):
        codes = validate._schluessel_codes(df, key)
        text = df[key].astype(str)
        assert codes.duplicated().tolist() == text.duplicated().tolist()
        assert codes.duplicated(keep=False).tolist() == text.duplicated(keep=False).tolist()
