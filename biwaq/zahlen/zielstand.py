"""On track against the funder's targets: one rule for Übersicht, Zielgruppen and the report.

Rule (stated once, here; the pages and the report print `REGEL_TEXT`):

- Every target in table ``ziele`` counts **from the project start** (`LAUFZEIT_START`,
  01.10.2015) to the **Stichtag** = end of the chosen period, at most the data's as-of date and
  the target's deadline (``bis``). The start of the period filter does not apply.
- **Erwartet** (expected by the Stichtag) = Zielwert × elapsed share of the target period,
  linear: (Stichtag − Laufzeitbeginn + 1 Tag) / (bis − Laufzeitbeginn + 1 Tag). The data contract
  gives no planned profile per quarter, so the line is straight.
- **Status** from Erreicht / Erwartet: ≥ 100 % „im Plan“, ≥ 90 % „knapp“, below „hinter Plan“
  (`SCHWELLEN`). A target already reached, or with nothing expected yet, is „im Plan“.
- **Hochrechnung** (projection) to the deadline from the recent pace: the increase over the
  last `FENSTER_QUARTALE` calendar quarters up to the Stichtag (the last one possibly partial),
  per day, continued to ``bis``. It is a projection, drawn dashed and labelled so.
- Shown percentages never contradict the status: `prozent_text` rounds half away from zero,
  but never up onto a threshold the value does not reach (99,96 % → „99,9 %“, not „100,0 %“).

Actuals are the overview's figures (``queries/zielstand_verlauf.sql``), defined in the catalogue
of figures (`biwaq.zahlen.kennzahlen`, ids ``ziel_<kennzahl>``): see `DEFINITIONEN`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from biwaq.zahlen import kennzahlen as kz
from biwaq.einlesen.contract import KENNZAHLEN, LAUFZEIT_START, ZIELGRUPPEN_NAMEN

# --- Labels and definitions: from the catalogue of figures (biwaq.zahlen.kennzahlen) --------------

# Contract key of table `ziele` → the catalogue figure it counts in a period (its label names
# the target: „Vermittelte Personen · …“ counts persons, not placements) and the catalogue
# figure counted from the project start to the Stichtag („… seit Laufzeitbeginn“).
PERIODE_KENNZAHL = {"teilnehmende": "erreichte_personen", "eintritte": "eintritte",
                    "vermittlungen": "vermittelte_personen", "verbleib_6m": "verbleib_personen",
                    "betriebe_beraten": "beratene_betriebe",
                    "leerstaende_wiederbelegt": "wiederbelegte_leerstaende"}
TITEL = {k: kz.label(PERIODE_KENNZAHL[k]) for k in KENNZAHLEN}
DEFINITIONEN = {k: kz.get(f"ziel_{k}").definition for k in KENNZAHLEN}
NUR_QUARTIER = ("betriebe_beraten", "leerstaende_wiederbelegt")   # no Träger, no Zielgruppe

IM_PLAN, KNAPP, HINTER = "im Plan", "knapp", "hinter Plan"
SCHWELLEN = {IM_PLAN: Fraction(1), KNAPP: Fraction(9, 10)}   # share of the expected value
FENSTER_QUARTALE = 4                             # recent pace for the projection

REGEL_TEXT = (
    "Ziele gelten für die ganze Laufzeit: gezählt wird ab Laufzeitbeginn "
    f"({LAUFZEIT_START.strftime('%d.%m.%Y')}) bis zum Stichtag (Ende des gewählten Zeitraums, "
    "höchstens Datenstand und Zieldatum) – der Beginn des Zeitraums gilt hier nicht. "
    "**Erwartet** = Ziel × verstrichener Anteil der Zielperiode (gleichmäßig, denn ein "
    "Quartalsplan ist nicht hinterlegt). **Status**: Erreicht mindestens 100 % des Erwarteten "
    "= im Plan, mindestens 90 % = knapp, sonst hinter Plan. **Hochrechnung** (gestrichelt): "
    f"das Tempo der letzten {FENSTER_QUARTALE} Quartale bis zum Zieldatum fortgeschrieben – "
    "eine Schätzung, kein Messwert.")
REGEL_TEXT_PLAIN = REGEL_TEXT.replace("**", "")


# --- Rounding for display ---------------------------------------------------------------------

def runden(x: float, stellen: int = 0) -> Decimal:
    """Round half away from zero (DIN 1333), not Python's half-to-even: `kennzahlen.runde`."""
    return Decimal(repr(kz.runde(x, stellen)))


def prozent_wert(x, stellen: int = 1, schwellen: tuple = (1, Fraction(9, 10))) -> Decimal:
    """A share (0.996, or an exact Fraction) as percent rounded for display (Decimal('99.6')):
    half away from zero, except that a value below one of `schwellen` is cut, never rounded
    up onto it (0.99996 → 99.9, not 100.0), so the shown figure never contradicts the status.
    The catalogue's rule: `kennzahlen.prozent_dezimal`."""
    return kz.prozent_dezimal(x, stellen, schwellen)


def prozent_text(x, schwellen: tuple = (1, Fraction(9, 10)), id: str = "ziel_quote") -> str:
    """German percent text ('99,6 %', no-break space) of catalogue figure `id` (decimals from
    the catalogue), through `kennzahlen.fmt` with `schwellen`; '–' for a missing value."""
    if x is None or (not isinstance(x, Fraction) and pd.isna(x)):
        return kz.STRICH
    return kz.fmt(id, x, einheit=False, schwellen=schwellen) + "\u00a0%"


def zahl_text(x) -> str:
    """Integer display ('1.234'), rounded half away from zero; '–' when missing
    (`kennzahlen.zahl`)."""
    return kz.zahl(x, 0)


# --- The rule ------------------------------------------------------------------------------

def status(wert: int, erwartet: Fraction, zielwert: int) -> str:
    """'im Plan' / 'knapp' / 'hinter Plan' by wert / erwartet against `SCHWELLEN`, in exact
    arithmetic (a Fraction `erwartet`: 75 of 100 × 305/366 is exactly 90 %, not 89,99…)."""
    if wert >= zielwert or erwartet <= 0:
        return IM_PLAN
    quote = Fraction(wert) / Fraction(erwartet)
    if quote >= SCHWELLEN[IM_PLAN]:
        return IM_PLAN
    return KNAPP if quote >= SCHWELLEN[KNAPP] else HINTER


def zeit_anteil(stichtag: dt.date, bis: dt.date, start: dt.date = LAUFZEIT_START) -> Fraction:
    """Elapsed share of the target period at `stichtag`, days inclusive, clipped to [0, 1],
    as an exact Fraction."""
    gesamt = (bis - start).days + 1
    if gesamt <= 0:
        return Fraction(1)
    return min(Fraction(1), max(Fraction(0), Fraction((stichtag - start).days + 1, gesamt)))


def ziel_label(kennzahl: str, quartier, zielgruppe) -> str:
    """'Eintritte · Ältere (55+) · beide Quartiere'."""
    gruppe = ZIELGRUPPEN_NAMEN.get(zielgruppe, zielgruppe) if isinstance(zielgruppe, str) \
        else "alle Zielgruppen"
    if kennzahl in NUR_QUARTIER:
        gruppe = None
    gebiet = quartier if isinstance(quartier, str) else "beide Quartiere"
    return " · ".join(t for t in (TITEL[kennzahl], gruppe, gebiet) if t)


@dataclass(frozen=True)
class Zielstand:
    """tabelle: one row per target (columns below); verlauf: per target and quarter end."""
    tabelle: pd.DataFrame
    verlauf: pd.DataFrame


TABELLE_SPALTEN = ["ziel_id", "kennzahl", "quartier", "zielgruppe", "label", "zielwert", "bis",
                   "stichtag", "wert", "zeit_anteil", "erwartet", "quote", "quote_exakt",
                   "fortschritt",
                   "status", "ziel_erreicht", "tempo_pro_quartal", "hochrechnung",
                   "hochrechnung_anteil"]


def _quartal_ende(q: pd.Period) -> dt.date:
    return q.end_time.date()


def zielstand(roh: pd.DataFrame, start: dt.date = LAUFZEIT_START,
              fenster: int = FENSTER_QUARTALE) -> Zielstand:
    """Apply the rule to query ``zielstand_verlauf`` (one row per target × quarter with events).

    Returns `Zielstand`: ``tabelle`` (one row per target, in contract order of kennzahl, then
    all areas/groups first) with wert (count at Stichtag), erwartet (float, persons/businesses),
    quote = wert/erwartet and fortschritt = wert/zielwert (shares, NaN when the base is 0),
    status, tempo_pro_quartal (recent pace, per 91.31 days), hochrechnung (float, projected
    count at ``bis``) and its share of the target; ``verlauf`` with one row per target and
    calendar quarter from the project start to the Stichtag: quartal ('JJJJ Qn'), datum
    (quarter end, the last one = Stichtag), kumuliert (count up to datum) and erwartet (target
    line at datum). Raises nothing on an empty input (empty frames)."""
    if roh.empty:
        return Zielstand(pd.DataFrame(columns=TABELLE_SPALTEN),
                         pd.DataFrame(columns=["ziel_id", "quartal", "datum", "kumuliert",
                                               "erwartet"]))
    roh = roh.copy()
    for c in ("bis", "stichtag", "quartal"):
        roh[c] = pd.to_datetime(roh[c]).dt.date
    keys = ["kennzahl", "quartier", "zielgruppe"]
    zeilen, verlauf = [], []
    rang = {k: i for i, k in enumerate(KENNZAHLEN)}
    gruppen = sorted(roh.groupby(keys, dropna=False, sort=False),
                     key=lambda kv: (rang[kv[0][0]], isinstance(kv[0][2], str),
                                     str(kv[0][2]) if isinstance(kv[0][2], str) else "",
                                     isinstance(kv[0][1], str), str(kv[0][1])))
    for (kennzahl, quartier, zielgruppe), teil in gruppen:
        quartier = quartier if isinstance(quartier, str) else None
        zielgruppe = zielgruppe if isinstance(zielgruppe, str) else None
        ziel_id = "|".join([kennzahl, quartier or "", zielgruppe or ""])
        zielwert, bis = float(teil["zielwert"].iloc[0]), teil["bis"].iloc[0]
        stichtag = teil["stichtag"].iloc[0]
        neu = teil.dropna(subset=["quartal"]).groupby(
            [pd.Period(q, "Q") for q in teil.dropna(subset=["quartal"])["quartal"]])["neu"].sum()
        quartale = (pd.period_range(pd.Period(start, "Q"), pd.Period(stichtag, "Q"), freq="Q")
                    if stichtag >= start else pd.PeriodIndex([], freq="Q"))
        kum = neu.reindex(quartale, fill_value=0).cumsum()
        for q, k in kum.items():
            datum = min(_quartal_ende(q), stichtag)
            verlauf.append({"ziel_id": ziel_id, "quartal": f"{q.year} Q{q.quarter}",
                            "datum": datum, "kumuliert": int(k),
                            "erwartet": float(zielwert * zeit_anteil(datum, bis, start))})
        wert = int(kum.iloc[-1]) if len(kum) else 0
        anteil_zeit = zeit_anteil(stichtag, bis, start) if stichtag >= start else Fraction(0)
        erwartet = int(zielwert) * anteil_zeit                       # exact
        # recent pace: increase over the last `fenster` quarters (the last one may be partial)
        if len(kum):
            vorher = int(kum.iloc[-fenster - 1]) if len(kum) > fenster else 0
            fenster_start = max(start, quartale[max(0, len(kum) - fenster)].start_time.date())
            tage = (stichtag - fenster_start).days + 1
            tempo_tag = (wert - vorher) / tage if tage > 0 else 0.0
        else:
            tempo_tag = 0.0
        rest = max(0, (bis - stichtag).days)
        hoch = wert + tempo_tag * rest
        zeilen.append({
            "ziel_id": ziel_id, "kennzahl": kennzahl, "quartier": quartier,
            "zielgruppe": zielgruppe, "label": ziel_label(kennzahl, quartier, zielgruppe),
            "zielwert": int(zielwert), "bis": bis, "stichtag": stichtag, "wert": wert,
            "zeit_anteil": float(anteil_zeit), "erwartet": float(erwartet),
            "quote": float(wert / erwartet) if erwartet > 0 else float("nan"),
            "quote_exakt": Fraction(wert) / erwartet if erwartet > 0 else None,
            "fortschritt": wert / zielwert if zielwert > 0 else float("nan"),
            "status": status(wert, erwartet, int(zielwert)), "ziel_erreicht": wert >= zielwert,
            "tempo_pro_quartal": tempo_tag * 365.25 / 4, "hochrechnung": hoch,
            "hochrechnung_anteil": hoch / zielwert if zielwert > 0 else float("nan")})
    return Zielstand(pd.DataFrame(zeilen, columns=TABELLE_SPALTEN), pd.DataFrame(verlauf))


def zielstand_params(filt, start: dt.date = LAUFZEIT_START) -> dict:
    """Parameters of query zielstand_verlauf for a page filter (Träger and period start do not
    apply: targets are agreed for all Träger and count from the project start)."""
    return {"quartier": filt.quartier, "zielgruppe": filt.zielgruppe, "bis": filt.bis,
            "laufzeit_start": start}


def anzeige_tabelle(tab: pd.DataFrame) -> pd.DataFrame:
    """The on-track table as shown and exported: German column names, counts as integers,
    percentages as display text that never contradicts the status."""
    return pd.DataFrame({
        "Ziel": tab["label"],
        kz.label("ziel_erreicht"): tab["wert"].astype(int),
        kz.label("ziel_erwartet"): [int(runden(e)) for e in tab["erwartet"]],
        kz.label("ziel_zielwert"): tab["zielwert"].astype(int),
        "Zieldatum": [d.strftime("%d.%m.%Y") for d in tab["bis"]],
        "Stichtag": [d.strftime("%d.%m.%Y") for d in tab["stichtag"]],
        kz.label("ziel_quote"): [prozent_text(q) for q in tab["quote_exakt"]],
        kz.label("ziel_fortschritt"): [prozent_text(f, schwellen=(1,), id="ziel_fortschritt")
                                       for f in tab["fortschritt"]],
        "Status": tab["status"],
        kz.label("ziel_hochrechnung"): [int(runden(h)) for h in tab["hochrechnung"]],
    })


def kopfzeile(zeile) -> str:
    """One line for a headline card: 'Ziel 200 bis 31.12.2018 · erwartet 180 · 88,5 % des
    Erwarteten · hinter Plan'."""
    return (f"Ziel {zahl_text(zeile.zielwert)} bis {zeile.bis.strftime('%d.%m.%Y')} · "
            f"erwartet zum {zeile.stichtag.strftime('%d.%m.%Y')}: {zahl_text(zeile.erwartet)} · "
            f"erreicht {prozent_text(zeile.quote_exakt)} des Erwarteten · **{zeile.status}**")
