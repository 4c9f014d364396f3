"""One-sentence summaries of what a chart shows, built from the chart's own numbers (issue 15:
every chart gets a text alternative next to it, e.g. „Vermittelte Personen steigen von 3 im
Q4/2015 auf 21 im Q2/2018“). German number formats; counts are whole numbers, shares are
rounded once, here at display (half away from zero, biwaq.zahlen.kennzahlen.runde)."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

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


def verlauf(was: str, perioden: Sequence[str], werte: Sequence[float],
            einzahl: bool = False) -> str:
    """„{was} steigen von A im P0 auf B im Pn (höchster Wert H im Pk).“ — first and last
    period of a series, direction from their comparison; the maximum when it lies between.

    `perioden`: labels in time order ('2015 Q4' is written 'Q4/2015'); `werte`: counts of the
    same length; `einzahl`: the subject is singular („Leerstand steigt“). Raises ValueError
    for an empty or mismatched series."""
    if len(perioden) != len(werte) or not len(werte):
        raise ValueError("verlauf braucht gleich viele Perioden und Werte (mindestens eine)")
    p = [_periode(x) for x in perioden]
    w = [float(x) for x in werte]
    if len(w) == 1:
        return f"{was}: {_zahl(w[0])} im {p[0]} (nur dieser eine Zeitpunkt)."
    a, b = w[0], w[-1]
    richtung = (("steigt" if b > a else "sinkt" if b < a else "bleibt gleich") if einzahl
                else ("steigen" if b > a else "sinken" if b < a else "bleiben gleich"))
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
    """„Nach 180 Tagen vermittelt: zwischen 12,0 % (Eintritt Q3/2016) und 30,5 % (Eintritt
    Q1/2017), je nach Kohorte.“ (quarters written as Q3/2016, years as they are) — the lowest and highest cumulative share of placed persons at day `tage`.

    `werte`: (cohort label, share 0..1) for the cohorts observed that long; empty → a sentence
    saying no cohort was observed that long."""
    if not werte:
        return f"Keine Kohorte ist schon {_zahl(tage)} Tage beobachtet."
    lo = min(werte, key=lambda kv: kv[1])
    hi = max(werte, key=lambda kv: kv[1])
    if len(werte) == 1 or lo[1] == hi[1]:
        namen = ", ".join(_periode(k) for k, _ in werte)
        return f"Nach {_zahl(tage)} Tagen vermittelt: {_pct(hi[1])} (Eintritt {namen})."
    return (f"Nach {_zahl(tage)} Tagen vermittelt: zwischen {_pct(lo[1])} (Eintritt "
            f"{_periode(lo[0])}) und {_pct(hi[1])} (Eintritt {_periode(hi[0])}), je nach "
            "Kohorte.")


def _liste(teile: Sequence[str]) -> str:
    return ", ".join(teile[:-1]) + (" und " if len(teile) > 1 else "") + teile[-1]


def rangfolge(was: str, namen: Sequence[str], werte: Sequence[float], stellen: int = 0,
              einheit: str = "", hoch: str = "am meisten", tief: str = "am wenigsten") -> str:
    """„{was}: am meisten A (120), am wenigsten B (3).“ — the largest and the smallest bar of
    a chart whose bars are categories (groups, branches, districts).

    `namen`/`werte`: one value per bar, same length (a quarter '2017 Q2' is written
    'Q2/2017'); ties go to the first in chart order.
    `stellen`: decimals (German format, rounded once, half away from zero); `einheit` is
    appended to each value (" %", " Tage"). Missing values (None/NaN) are left out. With one
    bar: „{was}: A (120).“ Raises ValueError for mismatched lengths or no value at all."""
    if len(namen) != len(werte):
        raise ValueError("rangfolge braucht gleich viele Namen und Werte")
    paare = [(_periode(n), float(w)) for n, w in zip(namen, werte)
             if w is not None and w == w]
    if not paare:
        raise ValueError("rangfolge braucht mindestens einen Wert")

    def wert(w):
        return kz.zahl(w, stellen) + einheit

    hi = max(paare, key=lambda p: p[1])
    lo = min(paare, key=lambda p: p[1])
    if len(paare) == 1:
        return f"{was}: {hi[0]} ({wert(hi[1])})."
    if hi[1] == lo[1]:
        return f"{was}: überall {wert(hi[1])}."
    return f"{was}: {hoch} {hi[0]} ({wert(hi[1])}), {tief} {lo[0]} ({wert(lo[1])})."


def anteile_in_gruppen(df: pd.DataFrame, kategorie: str, spalte: str, was: str
                       ) -> tuple[pd.DataFrame, str]:
    """The "share within group" table and its sentence (Zielgruppen: access routes,
    Vermittlung: exit reasons).

    `df`: one row per group and category, in chart order (`analytics.sortiert`), with columns
    Gruppe (German group name), `kategorie` (e.g. 'zugangsweg') and personen (a count).
    Returns (table, sentence). The table has one row per input row: Gruppe, `spalte` (the
    category, under this German heading), Personen, Anteil in der Gruppe (catalogue figure
    'anteil_in_gruppe': personen / all persons of the row's group, in percent, rounded once
    to the catalogue's decimals half away from zero, NaN for a group of 0 – via
    `kennzahlen.prozentwert`) and Personen in der Gruppe (that base). The sentence ranks the
    shares of the first group (`rangfolge`): „{was} ({Gruppe}): am häufigsten A (61,0 %), am
    seltensten B (3,5 %).“ Raises ValueError on an empty frame or when the first group has no
    share at all (as `rangfolge`)."""
    if df.empty:
        raise ValueError("anteile_in_gruppen braucht mindestens eine Zeile")
    summe = df.groupby("Gruppe", sort=False)["personen"].transform("sum")
    anteil = kz.label("anteil_in_gruppe")
    tabelle = pd.DataFrame({"Gruppe": df["Gruppe"], spalte: df[kategorie],
                            kz.label("personen"): df["personen"],
                            anteil: [kz.prozentwert("anteil_in_gruppe", p, n)
                                     for p, n in zip(df["personen"], summe)],
                            kz.label("personen_gruppe"): summe})
    erste = tabelle[tabelle["Gruppe"] == tabelle["Gruppe"].iloc[0]]
    satz = rangfolge(f"{was} ({erste['Gruppe'].iloc[0]})", erste[spalte], erste[anteil],
                     stellen=kz.get("anteil_in_gruppe").nachkommastellen, einheit=" %",
                     hoch="am häufigsten", tief="am seltensten")
    return tabelle, satz


def anzahlen(was: str, namen: Sequence[str], werte: Sequence[float]) -> str:
    """„{was}: 12 leer, 5 in Vermarktung und 3 wiederbelegt.“ — the counts of a categorical
    chart (map status, target status) in chart order; zero counts are left out.
    Raises ValueError for mismatched lengths."""
    if len(namen) != len(werte):
        raise ValueError("anzahlen braucht gleich viele Namen und Werte")
    teile = [f"{_zahl(w)} {n}" for n, w in zip(namen, werte) if w]
    return f"{was}: {_liste(teile) if teile else 'keine'}."


def vergleich(was: str, namen: Sequence[str], a: Sequence[float], b: Sequence[float],
              a_name: str, b_name: str) -> str:
    """„{was} ist bei den Teilnehmenden in 5 von 6 Stadtteilen höher als in der Bevölkerung
    (größter Abstand: A, 28,9 % gegen 10,7 %).“ — two shares (percent values, 0..100, one
    decimal) side by side per category. Pairs with a missing value are left out."""
    paare = [(str(n), float(x), float(y)) for n, x, y in zip(namen, a, b)
             if x is not None and y is not None and x == x and y == y]
    if not paare:
        return f"{was}: kein Vergleich möglich (es fehlen Werte)."
    hoeher = sum(1 for _, x, y in paare if x > y)
    n, x, y = max(paare, key=lambda p: abs(p[1] - p[2]))
    return (f"{was} ist {a_name} in {_zahl(hoeher)} von {_zahl(len(paare))} "
            f"{'Fällen' if len(paare) != 1 else 'Fall'} höher als {b_name} (größter Abstand: "
            f"{n}, {kz.zahl(x, 1)} % gegen {kz.zahl(y, 1)} %).")


def paare(gruppe: Sequence[str], und_gruppe: Sequence[str], personen: Sequence[float]) -> str:
    """„Am häufigsten zusammen: Alleinerziehende und Langzeitarbeitslose (77 Personen).“ — the
    largest cell off the diagonal of a symmetric group × group matrix given as long columns
    (the diagonal, a group with itself, is left out). No pair with anyone: a sentence
    saying so."""
    zellen = [(a, b, float(n)) for a, b, n in zip(gruppe, und_gruppe, personen) if a != b]
    if not zellen or max(n for _, _, n in zellen) <= 0:
        return "Keine erreichte Person gehört zu zwei der Gruppen zugleich."
    a, b, n = max(zellen, key=lambda z: z[2])
    return (f"Am häufigsten zusammen: {a} und {b} ({_zahl(n)} "
            f"{'Person' if n == 1 else 'Personen'}).")


def aufzaehlung(was: str, teile: Sequence[str]) -> str:
    """„{was}: A 75,4 %, B 73,0 % und C 70,1 %.“ — ready-formatted parts (value texts made
    with the catalogue, kennzahlen.fmt) joined in German; no part: „{was}: keine Angabe.“"""
    return f"{was}: {_liste(list(teile)) if len(teile) else 'keine Angabe'}."


def periode(label: str) -> str:
    """A quarter label as the summaries write it: '2015 Q4' -> 'Q4/2015'."""
    return _periode(label)


def balken(titel: str, fig) -> str:
    """„{titel}: Magdeburger Allee – 2016 120, 2017 130; Süd-Ost – 2016 98, 2017 *.“ — the
    values of a published bar chart as its bars are labelled (plotly figure, one trace per
    colour), so a suppressed value stays „*“ exactly as in the chart and the table: the
    sentence shows nothing the chart does not (fail closed). Traces without names are listed
    without one; a chart without bars gives „{titel}: keine Werte.“"""
    teile = []
    for t in fig.data:
        kategorien = t.y if getattr(t, "orientation", None) == "h" else t.x
        texte = t.text if t.text is not None else []
        paare = [f"{k} {w}" for k, w in zip(list(kategorien or []), list(texte))]
        if paare:
            name = t.name if len(fig.data) > 1 and t.name else None
            teile.append((f"{name} – " if name else "") + ", ".join(paare))
    return f"{titel}: " + ("; ".join(teile) if teile else "keine Werte") + "."
