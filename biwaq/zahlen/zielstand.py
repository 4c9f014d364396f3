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
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import duckdb
import pandas as pd

from biwaq.zahlen import kennzahlen as kz
from biwaq.zahlen import quality
from biwaq.einlesen.contract import KENNZAHLEN, LAUFZEIT_START, ZIELGRUPPEN_NAMEN
from biwaq.einlesen.metadaten import set_meta
from biwaq.speicher import store
from biwaq.speicher.queries import load_query, run_query

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


# --- The events per target and day, stored at every write (issue 14) -------------------------
# At scale 1000 zielstand_verlauf joins 22 targets with 1.9 M events on every page visit
# (~0.5 s). Every write (store.replace_atomically) stores query zielstand_tage – the same
# events per target and day, every target, up to the latest possible Stichtag – in table
# FEST_TAGE, in the writer's transaction; its guard in _meta['vorberechnet_zielstand'] is a
# hash of what the rows depend on besides the data (`_tage_hash`). The store shows the table
# to readers only while its own guard holds (schema.sql and the data fingerprint unchanged
# since the write). `verlauf_roh` then cuts at the Stichtag and sums per quarter in DuckDB
# (`_VERLAUF_AUS_TAGEN`, a few hundred rows); without a valid stored table – or for another
# project start – it runs zielstand_verlauf as before. Same pattern as biwaq.zahlen.quality.

FEST_TAGE = "zielstand_tage" + store.FEST
_TAGE_TYP = ("kennzahl varchar, quartier varchar, zielgruppe varchar, zielwert integer, "
             "bis date, obergrenze date, tag date, neu bigint")

# The rows of zielstand_verlauf from the stored days: the same targets (filters as there), the
# same Stichtag least($bis, data stand, bis) = least($bis, obergrenze), events up to it summed
# per calendar quarter; a target without any event up to the Stichtag keeps one row with
# quartal NULL and neu 0 (the left join of zielstand_verlauf).
_VERLAUF_AUS_TAGEN = """
with ziele as (
    select *, least(cast($bis as date), obergrenze) as stichtag
    from """ + FEST_TAGE + """
    where ($quartier is null or quartier = $quartier)
      and (case when kennzahl in ('betriebe_beraten', 'leerstaende_wiederbelegt')
                then zielgruppe is null
                else ($zielgruppe is null or zielgruppe = $zielgruppe) end)
),
je_quartal as (
    select kennzahl, quartier, zielgruppe, zielwert, bis, stichtag,
           cast(date_trunc('quarter', case when tag <= stichtag then tag end) as date)
               as quartal,
           cast(coalesce(sum(neu) filter (where tag <= stichtag), 0) as bigint) as neu
    from ziele
    group by all
),
final as (
    select * from je_quartal
    qualify quartal is not null
         or count(*) over (partition by kennzahl, quartier, zielgruppe) = 1
    order by all
)
select * from final
"""


def _tage_hash(con: duckdb.DuckDBPyConnection, laufzeit_start: dt.date) -> str:
    """sha256 over what the stored days depend on and are: this module's source (the reading
    SQL), queries zielstand_tage and zielstand_verlauf, the project start, _meta except the
    guards of the stored results – so also datenstand (read by the query) and the store's
    fingerprint of the data the write held (`marts_daten`): days stored for other data never
    match – and the stored table's own content (row count and sum of row hashes), so rows
    changed in the file by hand do not match either."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    for n in ("zielstand_tage", "zielstand_verlauf"):
        h.update(n.encode() + b"\0" + load_query(n).sql.encode("utf-8"))
    meta = sorted((k, v) for k, v in con.execute("select schluessel, wert from _meta").fetchall()
                  if not k.startswith("vorberechnet_"))
    inhalt = con.execute("select count(*), coalesce(sum(hash(t)), 0) from " + FEST_TAGE
                         + " t").fetchone()
    h.update(repr((str(laufzeit_start), _TAGE_TYP, meta, inhalt)).encode("utf-8"))
    return h.hexdigest()


def heute_abhaengig() -> bool:
    """Whether the stored days depend on today's date (query zielstand_tage reads it; today
    it does not): then they are used only on the day they were stored."""
    return bool(quality._HEUTE.search(load_query("zielstand_tage").sql))


@store.vorberechnung("zielstand")
def vorberechnen(con: duckdb.DuckDBPyConnection) -> None:
    """Store query zielstand_tage (project start `LAUFZEIT_START`) in FEST_TAGE and its guard
    in _meta (called by store.replace_atomically inside the writer's transaction). The rows
    stay in DuckDB (create table as …, values bound): no round trip through pandas."""
    con.execute("create or replace table " + FEST_TAGE + " (" + _TAGE_TYP + ")")
    con.execute("insert into " + FEST_TAGE + " " + load_query("zielstand_tage").sql,
                {"laufzeit_start": LAUFZEIT_START})
    set_meta(con, vorberechnet_zielstand=_tage_hash(con, LAUFZEIT_START),
             vorberechnet_zielstand_tag=str(con.execute("select current_date").fetchone()[0]))


def tage_gueltig(con: duckdb.DuckDBPyConnection, laufzeit_start: dt.date = LAUFZEIT_START
                 ) -> bool:
    """Whether the stored days may be read on this connection (store.connect_readonly) as it
    is now: table FEST_TAGE present (the store shows it only while its guard holds), stored
    for this project start with today's code, queries and _meta (`_tage_hash`), and – were
    the query to read today's date – stored today. Fail closed: any doubt → False."""
    cur = con.cursor()           # the UI's connection is shared by sessions: a cursor each
    try:
        da = store.sichtbare_tabellen(cur)
        if not {FEST_TAGE, "_meta"} <= da:
            return False
        meta = dict(cur.execute("select schluessel, wert from _meta where schluessel in "
                                "('vorberechnet_zielstand', 'vorberechnet_zielstand_tag')"
                                ).fetchall())
        if meta.get("vorberechnet_zielstand") != _tage_hash(cur, laufzeit_start):
            return False
        if heute_abhaengig():
            return meta.get("vorberechnet_zielstand_tag") == str(
                cur.execute("select current_date").fetchone()[0])
        return True
    finally:
        cur.close()


def verlauf_roh(con: duckdb.DuckDBPyConnection, quartier: str | None,
                zielgruppe: str | None, bis: dt.date,
                laufzeit_start: dt.date = LAUFZEIT_START) -> pd.DataFrame:
    """The rows of query zielstand_verlauf (same columns, types, rows and order: the input of
    `zielstand`) for these parameters (`zielstand_params`): from the days stored at the last
    write when they are valid (`tage_gueltig`), else the query itself, computed now."""
    if not tage_gueltig(con, laufzeit_start):
        return run_query("zielstand_verlauf", con, quartier=quartier, zielgruppe=zielgruppe,
                         bis=bis, laufzeit_start=laufzeit_start)
    cur = con.cursor()
    try:
        return cur.execute(_VERLAUF_AUS_TAGEN, {"quartier": quartier, "zielgruppe": zielgruppe,
                                                "bis": bis}).df()
    finally:
        cur.close()
