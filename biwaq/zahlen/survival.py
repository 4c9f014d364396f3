"""Kaplan–Meier survival with censoring and delayed entry, Greenwood confidence bands."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

TAGE_JE_MONAT = 365.25 / 12
KM_SPALTEN = ["zeit", "n_risiko", "ereignisse", "zensiert", "ueberleben", "ci_unten", "ci_oben"]


def kaplan_meier(dauer, ereignis, eintritt=None, alpha: float = 0.05) -> pd.DataFrame:
    """Product-limit estimate S(t) = prod over event times t_i <= t of (1 - d_i / n_i).

    dauer:    time from the origin to the event or to the end of observation (censoring)
    ereignis: True = event observed at `dauer`, False = censored there
    eintritt: time from the origin at which a unit came under observation (default 0).
              A unit only counts as at risk from its entry on (left truncation): a business
              the project first met two years after founding cannot have closed before.
    Risk set for time t: eintritt <= t <= dauer. Events at t count before censorings at t.
    An event at the entry time (dauer == eintritt, e.g. a business that closes on the day of
    its first consultation) is in the risk set and counts – as in R's survfit and lifelines
    (a unit entering at t is at risk at t); leaving it out would overstate survival.
    The confidence band is the exponential Greenwood ("log-log") interval, as in lifelines.

    Returns one row at time 0 (S = 1) and one per distinct time with an event or censoring.
    """
    dauer = np.asarray(dauer, dtype=float)
    ereignis = np.asarray(ereignis, dtype=bool)
    eintritt = np.zeros_like(dauer) if eintritt is None else np.asarray(eintritt, dtype=float)
    if not (dauer.shape == ereignis.shape == eintritt.shape):
        raise ValueError("dauer, ereignis und eintritt müssen gleich lang sein")
    if np.any(eintritt < 0) or np.any(dauer < eintritt):
        raise ValueError("keine Dauer darf vor ihrem Eintritt (>= 0) enden")
    zeiten = np.unique(dauer)
    d_sort, e_sort = np.sort(dauer), np.sort(eintritt)
    # at risk at t: entered by t (eintritt <= t) minus already ended before t (dauer < t)
    n = np.searchsorted(e_sort, zeiten, "right") - np.searchsorted(d_sort, zeiten, "left")
    d = np.bincount(np.searchsorted(zeiten, dauer[ereignis]), minlength=zeiten.size)
    c = np.bincount(np.searchsorted(zeiten, dauer[~ereignis]), minlength=zeiten.size)
    return _produkt_limit(zeiten, n, d, c, int(np.sum(eintritt <= 0)), alpha)


def kaplan_meier_gezaehlt(zaehlung: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """kaplan_meier(...) from counts per time point instead of one row per unit (issue 14:
    the database counts, Python only applies the product-limit formula to the few rows).

    zaehlung: one row per distinct time (any order, times unique) with columns
      zeit (same unit as the result), ereignisse (units whose observation ends with the
      event at zeit), zensiert (units censored at zeit), eintritte (units entering the
      observation at zeit; 0 for entry at the origin). Times with only entries are allowed.
    Same rules and result as kaplan_meier on the units behind the counts: risk set at t =
    entries at or before t minus endings (events + censorings) before t; one row at time 0
    and one per time with an event or censoring; exponential Greenwood band.
    Raises ValueError for negative counts or a risk set that is negative (an ending before
    its entry).
    """
    z = zaehlung.sort_values("zeit")
    zeit = z["zeit"].to_numpy(float)
    d_alle = z["ereignisse"].to_numpy(np.int64)
    c_alle = z["zensiert"].to_numpy(np.int64)
    e_alle = z["eintritte"].to_numpy(np.int64)
    if (d_alle < 0).any() or (c_alle < 0).any() or (e_alle < 0).any() or (zeit < 0).any():
        raise ValueError("Zählungen und Zeiten dürfen nicht negativ sein")
    ende = d_alle + c_alle
    # entered by t (cumulative, inclusive) minus ended before t (cumulative, exclusive)
    n_alle = np.cumsum(e_alle) - (np.cumsum(ende) - ende)
    if (n_alle < ende).any():
        raise ValueError("keine Dauer darf vor ihrem Eintritt (>= 0) enden")
    mit = ende > 0
    return _produkt_limit(zeit[mit], n_alle[mit], d_alle[mit], c_alle[mit],
                          int(e_alle[zeit <= 0].sum()), alpha)


def _produkt_limit(zeiten, n, d, c, n0: int, alpha: float) -> pd.DataFrame:
    """Product-limit estimate and its band from the risk set n, events d and censorings c at
    the distinct times `zeiten` (ascending); n0 = units at risk just after the origin."""
    s = np.cumprod(1.0 - d / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(np.where(n > d, d / (n * (n - d)), 0.0))
    unten, oben = _loglog_band(s, greenwood, alpha)
    out = pd.DataFrame({"zeit": np.r_[0.0, zeiten], "n_risiko": np.r_[n[0] if n.size else 0, n],
                        "ereignisse": np.r_[0, d], "zensiert": np.r_[0, c],
                        "ueberleben": np.r_[1.0, s], "ci_unten": np.r_[1.0, unten],
                        "ci_oben": np.r_[1.0, oben]})
    out.loc[0, "n_risiko"] = n0         # at risk just after the origin
    return out[KM_SPALTEN]


def _loglog_band(s: np.ndarray, greenwood: np.ndarray, alpha: float):
    z = norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.log(s)
        # log(-log S) ± z·sqrt(greenwood)/|log S|; a larger log(-log S) is a smaller S
        breite = z * np.sqrt(greenwood) / np.abs(v)
        unten = np.exp(-np.exp(np.log(-v) + breite))
        oben = np.exp(-np.exp(np.log(-v) - breite))
    keine_ereignisse = s >= 1.0
    unten = np.where(keine_ereignisse, 1.0, np.where(s <= 0, 0.0, unten))
    oben = np.where(keine_ereignisse, 1.0, np.where(s <= 0, 0.0, oben))
    return unten, oben


def wert_bei(km: pd.DataFrame, t: float) -> dict:
    """S(t) with its band: the step function's value at t; NaN beyond the last observed time."""
    if km.empty or t > km["zeit"].max():
        return {"ueberleben": np.nan, "ci_unten": np.nan, "ci_oben": np.nan}
    row = km[km["zeit"] <= t].iloc[-1]
    return {k: float(row[k]) for k in ("ueberleben", "ci_unten", "ci_oben")}


def n_risiko_bei(dauer, eintritt, t: float) -> int:
    """Units under observation at t (eintritt <= t <= dauer), the risk set of kaplan_meier."""
    dauer = np.asarray(dauer, dtype=float)
    eintritt = np.zeros_like(dauer) if eintritt is None else np.asarray(eintritt, dtype=float)
    return int(np.sum((eintritt <= t) & (dauer >= t)))


def n_risiko_gezaehlt(zaehlung: pd.DataFrame, t: float) -> int:
    """n_risiko_bei(...) from the counts of kaplan_meier_gezaehlt: entries at or before t
    minus endings (events + censorings) before t."""
    zeit = zaehlung["zeit"].to_numpy(float)
    ende = zaehlung["ereignisse"].to_numpy(np.int64) + zaehlung["zensiert"].to_numpy(np.int64)
    return int(zaehlung["eintritte"].to_numpy(np.int64)[zeit <= t].sum() - ende[zeit < t].sum())


def zaehlung(dauer, ereignis, eintritt=None) -> pd.DataFrame:
    """Per-unit durations as the counts per time point of kaplan_meier_gezaehlt (columns
    zeit, ereignisse, zensiert, eintritte; one row per distinct time)."""
    dauer = np.asarray(dauer, dtype=float)
    ereignis = np.asarray(ereignis, dtype=bool)
    eintritt = np.zeros_like(dauer) if eintritt is None else np.asarray(eintritt, dtype=float)
    teile = pd.concat([
        pd.DataFrame({"zeit": dauer, "ereignisse": ereignis.astype(np.int64),
                      "zensiert": (~ereignis).astype(np.int64), "eintritte": 0}),
        pd.DataFrame({"zeit": eintritt, "ereignisse": 0, "zensiert": 0, "eintritte": 1})])
    return (teile.groupby("zeit", as_index=False)[["ereignisse", "zensiert", "eintritte"]]
            .sum().astype({"ereignisse": np.int64, "zensiert": np.int64,
                           "eintritte": np.int64}))


def tage_in_monate(tage) -> np.ndarray:
    return np.asarray(tage, dtype=float) / TAGE_JE_MONAT
