"""One-sentence summaries of what a chart shows, built from the chart's own numbers (issue 15:
every chart gets a text alternative next to it, e.g. „Vermittelte Personen steigen von 3 im
Q4/2015 auf 21 im Q2/2018“). German number formats; counts are whole numbers, shares are
rounded once, here at display (half away from zero, biwaq.zahlen.kennzahlen.runde)."""
from __future__ import annotations

from collections.abc import Sequence

from biwaq.zahlen import kennzahlen as kz


def _zahl(x) -> str:
    return kz.zahl(x)


def _pct(anteil) -> str:
    """Share 0..1 as „30,5 %“ (one decimal)."""
    return kz.zahl(100 * float(anteil), 1) + " %"


def _periode(label: str) -> str:
    """'2015 Q4' -> 'Q4/2015'; anything else unchanged."""
    teile = str(label).split(" Q")
    return f"Q{teile[1]}/{teile[0]}" if len(teile) == 2 and teile[0].isdigit() else str(label)


def verlauf(was: str, perioden: Sequence[str], werte: Sequence[float]) -> str:
    """„{was} steigen von A im P0 auf B im Pn (höchster Wert H im Pk).“ — first and last
    period of a series, direction from their comparison; the maximum when it lies between.

    `perioden`: labels in time order ('2015 Q4' is written 'Q4/2015'); `werte`: counts of the
    same length. Raises ValueError for an empty or mismatched series."""
    if len(perioden) != len(werte) or not len(werte):
        raise ValueError("verlauf braucht gleich viele Perioden und Werte (mindestens eine)")
    p = [_periode(x) for x in perioden]
    w = [float(x) for x in werte]
    if len(w) == 1:
        return f"{was}: {_zahl(w[0])} im {p[0]} (nur dieser eine Zeitpunkt)."
    a, b = w[0], w[-1]
    richtung = "steigen" if b > a else "sinken" if b < a else "bleiben gleich"
    satz = (f"{was} {richtung} von {_zahl(a)} im {p[0]} auf {_zahl(b)} im {p[-1]}"
            if b != a else f"{was} {richtung}: {_zahl(a)} im {p[0]} und im {p[-1]}")
    k = max(range(len(w)), key=lambda i: w[i])
    if 0 < k < len(w) - 1 and w[k] > max(a, b):
        satz += f" (höchster Wert {_zahl(w[k])} im {p[k]})"
    return satz + "."


def trichter(stufen: Sequence[tuple[str, float]]) -> str:
    """„Von 346 Personen mit Erstkontakt sind 250 eingetreten (72,3 %), …“ for the funnel.

    `stufen`: (verb phrase, persons) in funnel order; the first is the base, e.g.
    [("mit Erstkontakt", 346), ("eingetreten", 250), ("vermittelt", 78)]. Shares of the
    first stage with one decimal; without a base (0) the shares are left out."""
    (name0, basis), rest = stufen[0], stufen[1:]
    teile = []
    for name, n in rest:
        anteil = f" ({_pct(float(n) / float(basis))})" if basis else ""
        teile.append(f"{_zahl(n)} {name}{anteil}")
    if not teile:
        return f"{_zahl(basis)} Personen {name0}."
    liste = ", ".join(teile[:-1]) + (" und " if len(teile) > 1 else "") + teile[-1]
    return f"Von {_zahl(basis)} Personen {name0} sind {liste}."


def kohorten(tage: int, werte: Sequence[tuple[str, float]]) -> str:
    """„Nach 180 Tagen vermittelt: zwischen 12,0 % (2016 Q3) und 30,5 % (2017 Q1) der
    Kohorten.“ — the lowest and highest cumulative share of placed persons at day `tage`.

    `werte`: (cohort label, share 0..1) for the cohorts observed that long; empty → a sentence
    saying no cohort was observed that long."""
    if not werte:
        return f"Keine Kohorte ist schon {_zahl(tage)} Tage beobachtet."
    lo = min(werte, key=lambda kv: kv[1])
    hi = max(werte, key=lambda kv: kv[1])
    if len(werte) == 1 or lo[1] == hi[1]:
        namen = ", ".join(k for k, _ in werte)
        return f"Nach {_zahl(tage)} Tagen vermittelt: {_pct(hi[1])} (Eintritt {namen})."
    return (f"Nach {_zahl(tage)} Tagen vermittelt: zwischen {_pct(lo[1])} (Eintritt {lo[0]}) "
            f"und {_pct(hi[1])} (Eintritt {hi[0]}), je nach Kohorte.")
