"""Issue 14: keys repeated across the files of one table and references that must exist are
checked set-based (`biwaq.einlesen.validate`) with exactly the messages of the row-by-row
loops they replace. The loops are kept here, verbatim, as the reference; random batches (read
from CSV by the importer's reader, so the frames have its types) with repeats within and
across files, missing key parts, unknown references and stored keys are checked on both."""
from __future__ import annotations

import functools
import random

import numpy as np
import pandas as pd
import pytest

from biwaq.einlesen import validate
from biwaq.einlesen.contract import TABLES
from biwaq.einlesen.fileio import Fehler, lies_datei
from biwaq.einlesen.validate import MAX_FEHLER_JE_REGEL, _fmt, _report


# --- The row-by-row loops before issue 14 (verbatim) --------------------------------------------

def alt_duplicate_keys_across_files(teile) -> list[Fehler]:
    """A key in two files of the same table (within one file, validate_table reports it)."""
    fehler: list[Fehler] = []
    by_table: dict[str, list] = {}
    for name, datei, df in teile:
        by_table.setdefault(name, []).append((datei, df))
    for name, files in by_table.items():
        if len(files) < 2:
            continue
        key = list(TABLES[name].key)
        first: dict[tuple, tuple[str, int]] = {}
        for datei, df in files:
            if df.empty or not set(key) <= set(df.columns):
                continue
            k = df[key].astype(str)
            seen_here = set()
            for row, r in zip(k.index, k.itertuples(index=False)):
                r = tuple(r)
                if r in first and first[r][0] != datei and r not in seen_here:
                    if len(fehler) < MAX_FEHLER_JE_REGEL:
                        fehler.append(Fehler(
                            datei, int(row), ", ".join(key),
                            " / ".join(_fmt(df.at[row, c]) for c in key),
                            f"Schlüssel doppelt (schon in {first[r][0]}, Zeile {first[r][1]})"))
                    seen_here.add(r)
                first.setdefault(r, (datei, int(row)))
    return fehler


def alt_batch_references(teile, known: dict[tuple[str, str], set]) -> list[Fehler]:
    fehler: list[Fehler] = []
    targets: dict[tuple[str, str], set] = {}
    delivered = {name for name, _, _ in teile}
    for name, datei, df in teile:
        for col in TABLES[name].columns:
            if not col.references or col.name not in df:
                continue
            ref_table, ref_col = col.references
            if col.references not in targets:
                t = set(known.get(col.references, set()))
                for n2, _, df2 in teile:
                    if n2 == ref_table and ref_col in df2:
                        t |= set(df2[ref_col].dropna())
                targets[col.references] = t
            s = df[col.name]
            label = TABLES[ref_table].title
            if not targets[col.references] and ref_table not in delivered:
                if s.notna().any():
                    fehler.append(Fehler(
                        datei, None, col.name, None,
                        f"Tabelle {label} ist weder in dieser Lieferung noch in der Datenbank: "
                        f"bitte die Datei {ref_table} zuerst oder in derselben Lieferung "
                        "importieren"))
                continue
            _report(fehler, df, s.notna() & ~s.isin(targets[col.references]), datei, col.name,
                    f"unbekannte Nummer – nicht in Tabelle {label} (weder in dieser Lieferung "
                    "noch in der Datenbank)")
    return fehler


def alt_validate_references(frames: dict[str, pd.DataFrame], dateien: dict[str, str],
                            known: dict[tuple[str, str], set] | None = None) -> list[Fehler]:
    """References to participants/businesses must resolve (in the batch or in `known`)."""
    fehler: list[Fehler] = []
    for name, df in frames.items():
        for col in TABLES[name].columns:
            if not col.references or col.name not in df:
                continue
            ref_table, ref_col = col.references
            targets = set()
            if ref_table in frames:
                targets |= set(frames[ref_table][ref_col].dropna())
            if known:
                targets |= known.get(col.references, set())
            s = df[col.name]
            label = TABLES[ref_table].title
            _report(fehler, df, s.notna() & ~s.isin(targets), dateien.get(name, name),
                    col.name, f"unbekannte Nummer – nicht in Tabelle {label}")
    return fehler


# --- Random batches ---------------------------------------------------------------------------

SPALTEN = {
    "teilnehmende": ["tn_id", "quartier"],
    "betriebe": ["betrieb_id", "name"],
    "leerstaende": ["objekt_id", "adresse"],
    "aktivitaeten": ["tn_id", "datum", "art", "betrieb_id"],
    "vermittlungen": ["tn_id", "beginn", "betrieb_id"],
    "raumgesuche": ["gesuch_id", "betrieb_id", "objekt_id"],
    "ziele": ["kennzahl", "quartier", "zielgruppe"],
    "stadtteile": ["stadtteil", "jahr"],
}


def _wert(rng: random.Random, tabelle: str, spalte: str, n_ids: int) -> str:
    if rng.random() < 0.04:
        return ""                                              # a missing cell
    col = TABLES[tabelle].column(spalte)
    if col.values:
        return rng.choice(col.values[:3])
    if col.type == "date":
        return f"{rng.randint(1, 4):02d}.0{rng.randint(1, 3)}.2016"
    if spalte == "jahr":
        return str(rng.choice([2015, 2016]))
    if spalte in ("name", "adresse"):
        return "Markt 1"
    if spalte == "stadtteil":
        return rng.choice(["Krämpfervorstadt", "Herrenberg", "Wiesenhügel"])
    praefix = {"tn_id": "P", "betrieb_id": "B", "objekt_id": "L", "gesuch_id": "G"}[spalte]
    return f"{praefix}{rng.randint(1, n_ids)}"


def _datei(rng: random.Random, tabelle: str, zeilen: int, n_ids: int) -> pd.DataFrame:
    kopf = SPALTEN[tabelle]
    text = ";".join(kopf) + "\n" + "".join(
        ";".join(_wert(rng, tabelle, s, n_ids) for s in kopf) + "\n" for _ in range(zeilen))
    (g,) = lies_datei(f"{tabelle}.csv", text.encode("utf-8"))
    assert g.frame is not None and g.tabelle == tabelle
    return g.frame


@functools.lru_cache(maxsize=None)
def _stapel(seed: int) -> tuple[list[tuple[str, str, pd.DataFrame]], dict]:
    rng = random.Random(seed)
    n_ids = rng.choice([3, 8, 40])
    teile = []
    for tabelle in rng.sample(list(SPALTEN), rng.randint(1, len(SPALTEN))):
        for i in range(rng.choice([1, 2, 2, 3, 4])):
            name = f"{tabelle}_{i}.csv" if rng.random() > 0.1 else f"{tabelle}.csv"  # same name
            teile.append((tabelle, name, _datei(rng, tabelle, rng.randint(0, 30), n_ids)))
    rng.shuffle(teile)
    known = {}
    for (t, c), praefix in ((("teilnehmende", "tn_id"), "P"), (("betriebe", "betrieb_id"), "B"),
                            (("leerstaende", "objekt_id"), "L")):
        if rng.random() < 0.6:
            known[(t, c)] = {f"{praefix}{rng.randint(1, n_ids)}" for _ in range(rng.randint(0, 6))}
    return teile, known


def _als_array(known: dict) -> dict:
    """Stored keys as the importer reads them now: object arrays."""
    return {k: np.array(sorted(v), dtype=object) for k, v in known.items()}


@pytest.mark.parametrize("seed", range(80))
def test_cross_file_keys_and_references_as_before(seed):
    teile, known = _stapel(seed)
    assert validate._duplicate_keys_across_files(teile) == alt_duplicate_keys_across_files(teile)
    alt = alt_batch_references(teile, known)
    assert validate._batch_references(teile, known) == alt
    assert validate._batch_references(teile, _als_array(known)) == alt


@pytest.mark.parametrize("seed", range(20))
def test_references_of_a_build_as_before(seed):
    teile, known = _stapel(seed)
    frames, dateien = {}, {}
    for tabelle, datei, df in teile:            # build: one file per table
        frames.setdefault(tabelle, df)
        dateien.setdefault(tabelle, datei)
    for k in (None, known):
        assert validate.validate_references(frames, dateien, k) == alt_validate_references(
            frames, dateien, k)


def test_the_random_batches_contain_what_is_compared():
    """The generator is not trivial: repeats across files and unknown numbers occur."""
    doppelt = unbekannt = 0
    for seed in range(80):
        teile, known = _stapel(seed)
        doppelt += len(alt_duplicate_keys_across_files(teile))
        unbekannt += len(alt_batch_references(teile, known))
    assert doppelt > 50 and unbekannt > 50


def test_many_repeats_stop_at_the_limit_in_batch_order():
    rng = random.Random(7)
    teile = [("aktivitaeten", f"aktivitaeten_{i}.csv", _datei(rng, "aktivitaeten", 400, 5))
             for i in range(3)]
    teile.insert(1, ("teilnehmende", "teilnehmende_a.csv", _datei(rng, "teilnehmende", 50, 80)))
    teile.append(("teilnehmende", "teilnehmende_b.csv", _datei(rng, "teilnehmende", 300, 80)))
    neu = validate._duplicate_keys_across_files(teile)
    assert neu == alt_duplicate_keys_across_files(teile)
    assert len(neu) == MAX_FEHLER_JE_REGEL


def test_a_hand_made_case():
    """P1 in both files (reported once in the second, at its first row there); P2 twice in
    the second file only (within one file: not this check's business)."""
    a = pd.DataFrame({"tn_id": ["P1", "P3"]}, index=[2, 3])
    b = pd.DataFrame({"tn_id": ["P2", "P1", "P2", "P1"]}, index=[2, 3, 4, 5])
    assert validate._duplicate_keys_across_files(
        [("teilnehmende", "KIK/teilnehmende.csv", a), ("teilnehmende", "bbw/teilnehmende.csv", b)]
    ) == [Fehler("bbw/teilnehmende.csv", 3, "tn_id", "P1",
                 "Schlüssel doppelt (schon in KIK/teilnehmende.csv, Zeile 2)")]
