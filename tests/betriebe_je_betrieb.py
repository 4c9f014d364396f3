"""Test oracle: the Betriebe figures worked out from one row per advised business.

The dashboard counts in the database (queries oek_betriebe_gruppen, oek_betriebe_ueberleben,
oek_betriebe_beschaeftigte; one definition per figure, kennzahlen catalogue). This module is an
independent second way, kept only for the tests: the rows come straight from the macro
`betriebe_beraten` (biwaq/speicher/sql/makros.sql, values bound) and pandas applies each rule
business by business; tests require both ways to agree, on the demo and on hand-made cases.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from biwaq.speicher.filters import Filter
from biwaq.zahlen import oekonomie as oek
from biwaq.zahlen import survival

# Same columns as the former query oek_betriebe_beraten; values bound, never formatted in.
SQL_BERATEN = """
    select betrieb_id, name, quartier, stadtteil, branche, gruendung,
           year(gruendung) as gruendungsjahr, migrantenoekonomie, beschaeftigte, status,
           status_datum, erste_beratung, beratungen_zeitraum, vorgruendungsberatung, stichtag
    from betriebe_beraten($quartier, $von, $bis, $branchen)
    order by betrieb_id"""


def beraten(con, filt: Filter = Filter(), branchen=None) -> pd.DataFrame:
    """One row per business advised under these filters (the macro's rows, by betrieb_id)."""
    p = filt.params()
    return con.execute(SQL_BERATEN, {"quartier": p["quartier"], "von": p["von"],
                                     "bis": p["bis"], "branchen": branchen}).df()


def betriebe_nach(beraten: pd.DataFrame, dim: str) -> pd.DataFrame:
    """Advised businesses per value of `dim` (allow-list), split into migrant-run and other."""
    if dim not in oek.DIMENSIONEN:
        raise ValueError(f"unbekannte Gliederung {dim!r}")
    df = beraten.assign(gruppe=np.where(beraten["migrantenoekonomie"].astype(bool),
                                        oek.MIGRANT, oek.ANDERE))
    if not pd.api.types.is_numeric_dtype(df[dim]):
        df[dim] = df[dim].fillna(oek.OHNE_ANGABE)
    return oek._nach_tabelle(pd.crosstab(df[dim], df["gruppe"]), dim)


def _tage(a: pd.Series, b: pd.Series) -> pd.Series:
    return (pd.to_datetime(a) - pd.to_datetime(b)).dt.days.astype(float)


def ueberleben_eingaben(beraten: pd.DataFrame, ursprung: str) -> tuple[pd.DataFrame, dict]:
    """Durations (months) for the survival curve of advised businesses.

    Closure (event) = status 'geschlossen' with status_datum on or before the reference date;
    everyone else is censored at the reference date.
    ursprung 'gruendung': time since founding; a business only counts from its first
      consultation on (delayed entry) – the project never saw those that closed earlier.
    ursprung 'beratung': time since the first consultation, or since founding for businesses
      advised before they were founded (months before founding cannot be 'survived').
    A closure on the day of the first consultation (no time under observation) is an event at
    the entry time and counts (see survival.kaplan_meier); only a business still active with
    no time under observation (first consultation on the reference date) carries nothing.
    Returns the usable rows and counts of the excluded ones (closure date missing; active
    with no time under observation).
    """
    if ursprung not in oek.URSPRUENGE:
        raise ValueError(ursprung)
    st = pd.to_datetime(beraten["stichtag"])
    zu = beraten["status"].eq("geschlossen") & beraten["status_datum"].notna() \
        & (pd.to_datetime(beraten["status_datum"]) <= st)
    ohne_datum = beraten["status"].eq("geschlossen") & beraten["status_datum"].isna()
    ende = pd.to_datetime(beraten["status_datum"]).where(zu, st)
    gruendung = pd.to_datetime(beraten["gruendung"])
    erste = pd.to_datetime(beraten["erste_beratung"])
    if ursprung == "gruendung":
        dauer, eintritt = _tage(ende, gruendung), _tage(erste, gruendung).clip(lower=0)
    else:
        start = pd.concat([erste, gruendung], axis=1).max(axis=1)
        dauer, eintritt = _tage(ende, start), pd.Series(0.0, index=beraten.index)
    gueltig = ~ohne_datum & ((dauer > eintritt) | (zu & (dauer >= eintritt)))
    out = pd.DataFrame({
        "betrieb_id": beraten["betrieb_id"],
        "gruppe": np.where(beraten["migrantenoekonomie"].astype(bool), oek.MIGRANT, oek.ANDERE),
        "dauer": survival.tage_in_monate(dauer), "eintritt": survival.tage_in_monate(eintritt),
        "ereignis": zu.to_numpy(bool)})[gueltig.to_numpy(bool)].reset_index(drop=True)
    return out, {"ohne_schliessungsdatum": int(ohne_datum.sum()),
                 "ohne_beobachtungszeit": int((~ohne_datum & ~gueltig).sum())}


def ueberleben(beraten: pd.DataFrame) -> oek.Ueberleben:
    """Kaplan–Meier curves for both origins and for migrant-run, other and all businesses,
    from one row per business (rows of `beraten`). The page and the report use
    oek.ueberleben_gezaehlt on the database's counts; tests require the same result."""
    kurven, eingaben, aus = {}, {}, {}
    for ursprung in oek.URSPRUENGE:
        rows, aus[ursprung] = ueberleben_eingaben(beraten, ursprung)
        for gruppe in (oek.MIGRANT, oek.ANDERE, oek.ALLE):
            teil = rows if gruppe == oek.ALLE else rows[rows["gruppe"] == gruppe]
            eingaben[(ursprung, gruppe)] = survival.zaehlung(
                teil["dauer"], teil["ereignis"], teil["eintritt"])
            if len(teil):
                kurven[(ursprung, gruppe)] = survival.kaplan_meier(
                    teil["dauer"], teil["ereignis"], teil["eintritt"])
    return oek.Ueberleben(kurven, eingaben, aus)


def stabilisierung(beraten: pd.DataFrame, monate: int,
                   gruppe: str = oek.ALLE) -> oek.Stabilisierung:
    """Businesses stabilised after `monate` months, counted without an estimator (issue 12).

    Counts advised businesses (rows of `beraten`) observed for the whole span:
    first consultation on or before the founding day (pre-founding advice), and founded at
    least `monate` calendar months before the reference date (stichtag). Of them, those not
    closed within `monate` months after founding (closure date after founding + monate, or
    not closed) are active. A business closed without a closure date has an unknown fate and
    does not count. Businesses first advised after founding are left out: counting them would
    count only survivors (those closing earlier were never advised).
    gruppe: oek.ALLE or oek.MIGRANT (migrant-run only). Definition: kennzahlen
    'stabil_12'/'stabil_24'.
    """
    if monate not in (12, 24):
        raise ValueError(monate)
    df = beraten if gruppe == oek.ALLE else beraten[beraten["migrantenoekonomie"].astype(bool)]
    gruendung = pd.to_datetime(df["gruendung"])
    grenze = gruendung + pd.DateOffset(months=monate)
    zu = df["status"].eq("geschlossen")
    von_anfang = pd.to_datetime(df["erste_beratung"]) <= gruendung
    bekannt = (von_anfang & ~(zu & df["status_datum"].isna())
               & (grenze <= pd.to_datetime(df["stichtag"])))
    geschlossen = zu & (pd.to_datetime(df["status_datum"]) <= grenze)
    return oek.Stabilisierung(monate, gruppe, int(bekannt.sum()),
                              int((bekannt & ~geschlossen).sum()))


def beschaeftigte(beraten: pd.DataFrame) -> pd.DataFrame:
    """Current headcount of the advised businesses still active, by sector and group.

    The contract holds employees only as the current number (no history); closed businesses
    and those without a number are counted separately, never as 0 employees.
    """
    aktiv = beraten[beraten["status"] == "aktiv"]
    df = aktiv.assign(gruppe=np.where(aktiv["migrantenoekonomie"].astype(bool),
                                      oek.MIGRANT, oek.ANDERE))
    bekannt = df[df["beschaeftigte"].notna()]
    return oek._beschaeftigte_tabelle(
        df.groupby("branche").size(), bekannt.groupby("branche").size(),
        bekannt.groupby("branche")["beschaeftigte"].sum(),
        bekannt[bekannt["gruppe"] == oek.MIGRANT].groupby("branche")["beschaeftigte"].sum(),
        bekannt[bekannt["gruppe"] == oek.ANDERE].groupby("branche")["beschaeftigte"].sum(),
        bekannt.groupby("branche")["beschaeftigte"].median())


def aktiv_am_stichtag(beraten: pd.DataFrame) -> int:
    """Businesses founded by the reference date and not closed by then."""
    st = pd.to_datetime(beraten["stichtag"])
    gegruendet = pd.to_datetime(beraten["gruendung"]) <= st
    offen = beraten["status"].eq("aktiv") | (pd.to_datetime(beraten["status_datum"]) > st)
    return int((gegruendet & offen).sum())
