"""Disclosure control on hand-made tables whose correct patterns are worked out by hand."""
from __future__ import annotations

import math

import pytest

from biwaq.oeffentlich.disclosure import (INSGESAMT as I, Dim, Tabelle, Verbund, primaer, pruefen,
                              schuetzen)


def z(t: str, *key: str):
    return (t, tuple(key))


# --- A 3×3 table: the naive pattern leaks through the row margin ----------------------------
#
#          A   B   C | Σ
#    r1    1   5   6 | 12
#    r2    4   7   8 | 19
#    r3    5   8   9 | 22
#    Σ    10  20  23 | 53
#
# Primary: (r1,A)=1. Suppressing it alone: 12 − 5 − 6 = 1, exposed through the row total.
# Interior pattern needed: a rectangle (r1,A),(r1,X),(rY,A),(rY,X). Moving the four corners
# by ±t keeps every margin: t ∈ [−min(1, rY X), min(r1 X, rY A)], so the width of (r1,A) is
# 1 + min(r1X, rYA) ≥ 3 for every choice. Three extra cells is the fewest possible (a row or
# column with exactly one suppressed cell gives it away); among the four rectangles the
# smallest extra values are X=B, Y=r2: 5+4+7 = 16 (r3,B: 5+5+8=18; r2,C: 6+4+8=18;
# r3,C: 6+5+9=20). Its interval: t ∈ [−1, 4], so (r1,A) ∈ [0, 5].

VALS = {("r1", "A"): 1, ("r1", "B"): 5, ("r1", "C"): 6,
        ("r2", "A"): 4, ("r2", "B"): 7, ("r2", "C"): 8,
        ("r3", "A"): 5, ("r3", "B"): 8, ("r3", "C"): 9}


def drei_mal_drei() -> Verbund:
    t = Tabelle.aus_feinsten("t", "T", (Dim("zeile", ("r1", "r2", "r3")),
                                        Dim("spalte", ("A", "B", "C"))), VALS)
    return Verbund({"t": t})


def test_margins_are_built_and_checked():
    v = drei_mal_drei()
    assert v.wert(z("t", "r3", I)) == 22
    assert v.wert(z("t", I, "B")) == 20
    assert v.wert(z("t", I, I)) == 53
    # A model whose equations do not hold for the data is refused.
    bad = Tabelle("t", "T", (Dim("x", ("a", "b")),), {("a",): 1, ("b",): 2, (I,): 4})
    with pytest.raises(ValueError, match="Gleichung verletzt"):
        Verbund({"t": bad})


def test_primary_suppression_small_counts_only_zero_shown():
    t = Tabelle.aus_feinsten("t", "T", (Dim("x", ("a", "b", "c", "d")),),
                             {("a",): 0, ("b",): 1, ("c",): 2, ("d",): 3})
    anf = primaer(Verbund({"t": t}), schwelle=3)
    assert set(anf) == {z("t", "b"), z("t", "c")}
    assert {a.breite for a in anf.values()} == {3}
    anf5 = primaer(Verbund({"t": t}), schwelle=5)
    assert set(anf5) == {z("t", "b"), z("t", "c"), z("t", "d")}


def test_naive_pattern_leaks_through_the_margin():
    v = drei_mal_drei()
    (p,) = pruefen(v, {z("t", "r1", "A")})
    assert (p.minimum, p.maximum) == (1, 1)       # 12 − 5 − 6
    assert not p.ok
    assert "t [r1 / A]" in p.text()


def test_hand_worked_rectangle_is_chosen_and_its_intervals():
    v = drei_mal_drei()
    e = schuetzen(v)
    assert e.gesperrt == {z("t", "r1", "A"), z("t", "r1", "B"), z("t", "r2", "A"),
                          z("t", "r2", "B")}
    iv = {p.zelle: (p.minimum, p.maximum) for p in e.pruefung}
    assert iv[z("t", "r1", "A")] == (0, 5)        # 1 + t, t ∈ [−1, 4]
    assert iv[z("t", "r1", "B")] == (1, 6)        # 5 − t
    assert iv[z("t", "r2", "A")] == (0, 5)        # 4 − t
    assert iv[z("t", "r2", "B")] == (6, 11)       # 7 + t
    assert all(p.ok for p in e.pruefung)


def test_audit_catches_a_weakened_pattern():
    """Drop one corner of the rectangle: (r1,A) becomes derivable through column A."""
    v = drei_mal_drei()
    weak = {z("t", "r1", "A"), z("t", "r1", "B"), z("t", "r2", "B")}
    fails = [p for p in pruefen(v, weak) if not p.ok]
    assert z("t", "r1", "A") in {p.zelle for p in fails}
    p = next(p for p in fails if p.zelle == z("t", "r1", "A"))
    assert (p.minimum, p.maximum) == (1, 1)       # 10 − 4 − 5


# --- Two tables that share margins: a pattern safe in each table leaks across them ---------
#
# X: participants by area and target group. `Insgesamt` is everyone, the group is a part of
#    it (not a sum), so "not in the group" is a hidden count: H = Insgesamt − group.
#          Insgesamt  group |  H
#    q1        10       9   |  1   ← only one person outside the group: must stay hidden
#    q2        20      12   |  8
#    Σ         30      21   |  9
# Y: the same participants by area and year; its row totals are X's Insgesamt column.
#          y1   y2 | Σ
#    q1     4    6 | 10
#    q2     9   11 | 20
#    Σ     13   17 | 30
#
# Naive pattern for X alone: hide the totals X(q1,Insg), X(q2,Insg), keep the group counts.
# Within X it is safe: X(q1,Insg) + X(q2,Insg) = 30 and X(q2,Insg) ≥ 12 give
# X(q1,Insg) ∈ [9, 18], so H(q1) ∈ [0, 9]. But Y publishes its row total q1 = 10, so
# H(q1) = 10 − 9 = 1 exactly: a leak only across the two tables.
# Correct joint pattern (by hand): hide the group counts of q1 and q2 instead (two cells, no
# margins). Then X(q1,g) + X(q2,g) = 21 with X(q2,g) ≤ 20 and X(q1,g) ≤ 10 gives
# X(q1,g) ∈ [1, 10], H(q1) ∈ [0, 9]; X(q2,g) ∈ [11, 20]; H(q2) = 20 − X(q2,g) ∈ [0, 9].

def zwei_tabellen(mit_y: bool = True) -> Verbund:
    q = Dim("quartier", ("q1", "q2"))
    zg = Dim("zielgruppe", (I, "g"), summe=False)
    x = Tabelle.aus_feinsten("x", "X", (q, zg), {("q1", I): 10, ("q1", "g"): 9,
                                                 ("q2", I): 20, ("q2", "g"): 12})
    h = Tabelle.aus_feinsten("h", "H", (q,), {("q1",): 1, ("q2",): 8}, oeffentlich=False)
    tabellen = {"x": x, "h": h}
    bez = [[("x", (k, I), 1), ("x", (k, "g"), -1), ("h", (k,), -1)] for k in q.alle]
    if mit_y:
        y = Tabelle.aus_feinsten("y", "Y", (q, Dim("jahr", ("y1", "y2"))),
                                 {("q1", "y1"): 4, ("q1", "y2"): 6,
                                  ("q2", "y1"): 9, ("q2", "y2"): 11})
        tabellen["y"] = y
        bez += [[("x", (k, I), 1), ("y", (k, I), -1)] for k in q.alle]
    return Verbund(tabellen, bez)


NAIV = {z("x", "q1", I), z("x", "q2", I)}


def test_hidden_complement_is_a_primary_cell():
    anf = primaer(zwei_tabellen())
    assert set(anf) == {z("h", "q1")}
    assert anf[z("h", "q1")].grund == "verdeckt"


def test_naive_per_table_pattern_is_safe_alone_but_leaks_across_tables():
    allein = {p.zelle: p for p in pruefen(zwei_tabellen(mit_y=False), NAIV)}
    assert (allein[z("h", "q1")].minimum, allein[z("h", "q1")].maximum) == (0, 9)
    assert all(p.ok for p in allein.values())

    gemeinsam = {p.zelle: p for p in pruefen(zwei_tabellen(), NAIV)}
    leak = gemeinsam[z("h", "q1")]
    assert (leak.minimum, leak.maximum) == (1, 1)
    assert not leak.ok


def test_joint_suppression_finds_the_hand_worked_pattern():
    e = schuetzen(zwei_tabellen())
    assert e.gesperrt == {z("x", "q1", "g"), z("x", "q2", "g")}
    iv = {p.zelle: (p.minimum, p.maximum) for p in e.pruefung}
    assert iv[z("h", "q1")] == (0, 9)
    assert iv[z("x", "q1", "g")] == (1, 10)
    assert iv[z("x", "q2", "g")] == (11, 20)


# --- Dominance rule and few contributors in business tables -------------------------------

def test_dominance_and_few_businesses():
    # Consultations by format; contributions of the businesses in each cell.
    fein = {("a",): 10, ("b",): 9, ("c",): 12}
    beitraege = {("a",): [8, 1, 1],        # one business makes up 80 %: dominance
                 ("b",): [3, 3, 3],        # fine
                 ("c",): [6, 6],           # only two businesses: too few
                 (I,): [8, 1, 1, 3, 3, 3, 6, 6]}
    t = Tabelle.aus_feinsten("b", "B", (Dim("format", ("a", "b", "c")),), fein,
                             beitraege=beitraege)
    anf = primaer(Verbund({"b": t}), schwelle=3, dominanz_anteil=0.5, dominanz_schutz=0.25)
    assert {k: a.grund for k, a in anf.items()} == {z("b", "a"): "dominanz",
                                                    z("b", "c"): "betriebe"}
    assert anf[z("b", "a")].breite == 3                # max(3, ceil(0.25 · 10))
    e = schuetzen(Verbund({"b": t}))
    # Both flagged cells hidden; with the total published, a ∈ [0, 10 + 12], c likewise.
    assert e.gesperrt == {z("b", "a"), z("b", "c")}
    iv = {p.zelle: (p.minimum, p.maximum) for p in e.pruefung}
    assert iv[z("b", "a")] == (0, 22)


def test_public_lower_bounds_narrow_the_attacker_interval():
    """Known minima (e.g. from published positions) are part of the attacker's knowledge."""
    t = Tabelle.aus_feinsten("t", "T", (Dim("x", ("a", "b")),), {("a",): 1, ("b",): 2},
                             untergrenzen={("b",): 2})
    v = Verbund({"t": t})
    (pa, pb) = sorted(pruefen(v, {z("t", "a"), z("t", "b")}), key=lambda p: p.zelle)
    assert (pa.minimum, pa.maximum) == (0, 1)     # a = 3 − b and b ≥ 2
    assert not pa.ok
    e = schuetzen(v)                               # then the total must go too
    assert z("t", I) in e.gesperrt
    assert all(p.ok for p in e.pruefung)
    assert math.isinf(next(p for p in e.pruefung if p.zelle == z("t", "a")).maximum)
