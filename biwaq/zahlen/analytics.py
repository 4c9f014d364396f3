"""Participant analytics without Streamlit: breakdowns, funnel rates, cumulative incidence,
progress against targets, representation and the ESF+ indicator table."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from biwaq.zahlen import kennzahlen
from biwaq.einlesen.contract import (GESCHLECHT, GESCHLECHT_NAMEN, QUARTIERE, TRAEGER, TRAEGER_NAMEN,
                            ZIELGRUPPEN, ZIELGRUPPEN_NAMEN)

ALLE = "Alle Teilnehmenden"
OHNE_ANGABE = "ohne Angabe"
ALTERSGRUPPEN = ("unter 30", "30 bis 44", "45 bis 54", "55 und älter")

# Breakdown dimensions: the allow-list for the `$dim` parameter of the queries.
DIMENSIONEN = {"zielgruppe": "Zielgruppe", "quartier": "Quartier", "traeger": "Träger",
               "geschlecht": "Geschlecht", "altersgruppe": "Altersgruppe"}
REICHWEITE_DIMENSIONEN = {"gesamt": "keine (nur Gesamtzahlen)", "quartier": "Quartier",
                          "traeger": "Träger", "quartal": "Quartal",
                          "geschlecht": "Geschlecht", "altersgruppe": "Altersgruppe"}


def pruefe_dim(dim: str, erlaubt: dict[str, str]) -> str:
    """A breakdown dimension from the allow-list, else ValueError (never reaches SQL)."""
    if dim not in erlaubt:
        raise ValueError(f"unbekannte Aufschlüsselung {dim!r}")
    return dim


def _ordnung(dim: str) -> tuple[str, ...]:
    return {"zielgruppe": ZIELGRUPPEN, "quartier": QUARTIERE, "traeger": TRAEGER,
            "geschlecht": GESCHLECHT, "altersgruppe": ALTERSGRUPPEN}.get(dim, ())


def label(dim: str, wert) -> str:
    """German display name of one value of a dimension ('alle' = all participants)."""
    if wert is None or (isinstance(wert, float) and math.isnan(wert)):
        return OHNE_ANGABE
    if wert == "alle":
        return ALLE
    namen = {"zielgruppe": ZIELGRUPPEN_NAMEN, "geschlecht": GESCHLECHT_NAMEN,
             "traeger": TRAEGER_NAMEN}.get(dim, {})
    return namen.get(wert, str(wert))


def sortiert(df: pd.DataFrame, dim: str, spalte: str = "gruppe",
             ziel: str = "Gruppe") -> pd.DataFrame:
    """Adds the German label column `ziel`; 'alle' first, then the dimension's own order."""
    ordnung = ["alle", *_ordnung(dim)]
    rang = {w: i for i, w in enumerate(ordnung)}
    out = df.copy()
    out["_rang"] = out[spalte].map(lambda w: rang.get(w, len(ordnung)))
    out = out.sort_values(["_rang", spalte], kind="stable").drop(columns="_rang")
    out.insert(0, ziel, [label(dim, w) for w in out[spalte]])
    return out.reset_index(drop=True)


def anteil(zaehler, nenner) -> float:
    """zaehler / nenner, NaN when the base is 0 or missing."""
    if nenner is None or pd.isna(nenner) or nenner == 0 or zaehler is None or pd.isna(zaehler):
        return float("nan")
    return float(zaehler) / float(nenner)


# --- Placement funnel ------------------------------------------------------------------------

# The last stage counts people of the funnel's cohort (first contact in the period) with a
# placement that lasted six months, at any time until the data stand: the catalogue's
# "davon Verbleib 6 Monate", not Übersicht's "Verbleib nach 6 Monaten" (placement begun in the
# period) — one label, one figure (attacker test 29.11.2026: 55 and 34 under one label).
STUFE_VERBLEIB = kennzahlen.label("kohorte_verbleib")
STUFEN = (("erstkontakt", "Erstkontakt"), ("eintritt", "Eintritt"),
          ("begleitet", "Aktiv begleitet"), ("praxis", "Praxiserfahrung"),
          ("vermittelt", "Vermittlung"), ("verbleib", STUFE_VERBLEIB))
SCHRITTE = {1: "Erstkontakt → Eintritt", 2: "Eintritt → aktiv begleitet",
            3: "Aktiv begleitet → Praxiserfahrung", 4: "Praxiserfahrung → Vermittlung",
            5: "Eintritt → Vermittlung"}


def trichter_lang(wide: pd.DataFrame) -> pd.DataFrame:
    """One row per group and stage: persons, conversion from the stage before, share of first
    contacts.

    `wide` (query vermittlung_trichter) has `gruppe`, one count column per stage (STUFEN) and
    `<stage>_v`: persons who reached the stage *and* the one before. The conversion rate is
    <stage>_v / persons of the stage before – the share of those at the previous stage who went
    on – so people who skipped the previous stage do not push it above 100 %.
    """
    zeilen = []
    for row in wide.itertuples(index=False):
        vorher = None
        for pos, (spalte, name) in enumerate(STUFEN, start=1):
            n = int(getattr(row, spalte))
            weiter = getattr(row, spalte + "_v", None) if pos > 1 else None
            zeilen.append({"gruppe": row.gruppe, "pos": pos, "stufe": name, "personen": n,
                           "quote_vorstufe": anteil(weiter, vorher),
                           "quote_erstkontakt": anteil(n, row.erstkontakt)})
            vorher = n
    return pd.DataFrame(zeilen, columns=["gruppe", "pos", "stufe", "personen",
                                         "quote_vorstufe", "quote_erstkontakt"])


# --- Cumulative incidence with a competing event -----------------------------------------------

def aalen_johansen(tage, ereignis, anzahl=None) -> pd.DataFrame:
    """Cumulative incidence of event 1 with event 2 competing and 0 censored (Aalen–Johansen).

    At each distinct time t with n persons still at risk (time ≥ t), d1 events of interest and
    d2 competing events: F1(t) = F1(t−) + S(t−)·d1/n and S(t) = S(t−)·(1 − (d1 + d2)/n), where S
    is the Kaplan–Meier probability of no event of either kind. Ties are handled exactly
    (all events at t share the risk set at t; censorings at t count as at risk at t).
    `anzahl` are optional frequency weights (rows of aggregated counts).
    Returns one row per distinct time, starting with t = 0 (F1 = 0, S = 1).
    """
    df = pd.DataFrame({"tage": np.asarray(tage, dtype=float),
                       "ereignis": np.asarray(ereignis, dtype=int)})
    df["anzahl"] = 1.0 if anzahl is None else np.asarray(anzahl, dtype=float)
    if not df["ereignis"].isin((0, 1, 2)).all():
        raise ValueError("ereignis muss 0 (zensiert), 1 (Ereignis) oder 2 (konkurrierend) sein")
    if (df["tage"] < 0).any():
        raise ValueError("Zeiten dürfen nicht negativ sein")
    je_zeit = (df.groupby(["tage", "ereignis"])["anzahl"].sum().unstack(fill_value=0.0)
                 .reindex(columns=[0, 1, 2], fill_value=0.0).sort_index())
    zeit = je_zeit.index.to_numpy(dtype=float)
    c, d1, d2 = (je_zeit[k].to_numpy(dtype=float) for k in (0, 1, 2))
    n = (c + d1 + d2)[::-1].cumsum()[::-1]                 # persons with time ≥ t
    s_nach = np.cumprod(1.0 - (d1 + d2) / n)               # S(t)
    s_vor = np.r_[1.0, s_nach[:-1]]                        # S(t−)
    f1 = np.cumsum(s_vor * d1 / n)
    out = pd.DataFrame({"tage": zeit, "unter_risiko": n, "vermittelt": d1,
                        "konkurrierend": d2, "zensiert": c, "ueberleben": s_nach,
                        "inzidenz": f1})
    if len(out) == 0 or zeit[0] > 0:                       # the curve starts at (0, 0)
        start = pd.DataFrame({"tage": [0.0], "unter_risiko": [n[0] if len(n) else 0.0],
                              "vermittelt": [0.0], "konkurrierend": [0.0], "zensiert": [0.0],
                              "ueberleben": [1.0], "inzidenz": [0.0]})
        out = pd.concat([start, out], ignore_index=True)
    return out


def inzidenz_bei(kurve: pd.DataFrame, t: float) -> float:
    """Value of the step function at time t (last estimate at or before t)."""
    bis = kurve[kurve["tage"] <= t]
    return float(bis["inzidenz"].iloc[-1]) if len(bis) else 0.0


HORIZONTE = (90, 180, 365)


@dataclass
class Kohorten:
    kurven: pd.DataFrame     # kohorte, tage, inzidenz, unter_risiko
    tabelle: pd.DataFrame    # kohorte, eintritte, beobachtet_tage, inzidenz_<h> per horizon


def kohorte_label(quartal_start, einheit: str) -> str:
    d = pd.Timestamp(quartal_start)
    return f"{d.year}" if einheit == "jahr" else f"{d.year} Q{d.quarter}"


def kohorten(df: pd.DataFrame, einheit: str = "jahr",
             horizonte: tuple[int, ...] = HORIZONTE) -> Kohorten:
    """Cumulative incidence of placement per entry cohort (quarter or year).

    `df` is the result of the query vermittlung_verweildauer (kohorte, tage, ereignis, anzahl,
    letzter_eintritt, datenstand). A horizon h is shown for a cohort only when every member could
    be observed for h days (data stand − latest entry ≥ h); then no one is censored before h and
    the estimate equals the plain share placed within h days, comparable across cohorts.
    """
    if einheit not in ("quartal", "jahr"):
        raise ValueError(f"unbekannte Kohorteneinheit {einheit!r}")
    kurven, zeilen = [], []
    if df.empty:
        spalten = ["kohorte", "eintritte", "beobachtet_tage", *[f"inzidenz_{h}" for h in horizonte]]
        return Kohorten(pd.DataFrame(columns=["kohorte", "tage", "inzidenz", "unter_risiko"]),
                        pd.DataFrame(columns=spalten))
    d = df.copy()
    # one label per distinct quarter, not per row (the query has one row per day and event)
    namen = {k: kohorte_label(k, einheit) for k in d["kohorte"].unique()}
    d["kohorte_label"] = d["kohorte"].map(namen)
    for name, teil in d.groupby("kohorte_label", sort=True):
        k = aalen_johansen(teil["tage"], teil["ereignis"], teil["anzahl"])
        k.insert(0, "kohorte", name)
        kurven.append(k[["kohorte", "tage", "inzidenz", "unter_risiko"]])
        stand = pd.Timestamp(teil["datenstand"].iloc[0])
        beobachtet = 0 if pd.isna(stand) else max(
            0, (stand - pd.Timestamp(teil["letzter_eintritt"].max())).days)
        zeile = {"kohorte": name, "eintritte": int(teil["anzahl"].sum()),
                 "beobachtet_tage": int(beobachtet)}
        for h in horizonte:
            zeile[f"inzidenz_{h}"] = inzidenz_bei(k, h) if beobachtet >= h else float("nan")
        zeilen.append(zeile)
    return Kohorten(pd.concat(kurven, ignore_index=True), pd.DataFrame(zeilen))


# Targets: the on-track rule lives in biwaq/zahlen/zielstand.py (one rule for every page).


# --- Representation ----------------------------------------------------------------------------

def repraesentation(df: pd.DataFrame) -> pd.DataFrame:
    """Per district and in total: share with migration background among participants and the
    population-weighted share in the district(s). Input: query zielgruppen_repraesentation.
    The total row covers all participants (also those without a known district) and the
    population of all districts shown."""
    out = df.copy()
    out["anteil_teilnehmende"] = [anteil(m, t) for m, t in zip(out["mit_migration"],
                                                               out["teilnehmende"])]
    out["anteil_bevoelkerung"] = [anteil(s, g * 100) for s, g in zip(out["bev_mig_summe"],
                                                                   out["bev_gewicht"])]
    gesamt = {"stadtteil": "Insgesamt", "quartier": None,
              "teilnehmende": int(out["teilnehmende"].sum()),
              "mit_migration": int(out["mit_migration"].sum()),
              "bev_gewicht": out["bev_gewicht"].sum(min_count=1),
              "bev_mig_summe": out["bev_mig_summe"].sum(min_count=1),
              "jahr_von": out["jahr_von"].min(), "jahr_bis": out["jahr_bis"].max()}
    gesamt["anteil_teilnehmende"] = anteil(gesamt["mit_migration"], gesamt["teilnehmende"])
    gesamt["anteil_bevoelkerung"] = anteil(gesamt["bev_mig_summe"],
                                           gesamt["bev_gewicht"] * 100
                                           if pd.notna(gesamt["bev_gewicht"]) else None)
    out["stadtteil"] = out["stadtteil"].fillna(OHNE_ANGABE)
    return pd.concat([out, pd.DataFrame([gesamt])], ignore_index=True)


# --- ESF+ indicator table --------------------------------------------------------------------

BEI_EINTRITT = kennzahlen.ESF_BEI_EINTRITT
BEI_AUSTRITT = kennzahlen.ESF_BEI_AUSTRITT
NICHT_ERFASST = kennzahlen.ESF_NICHT_ERFASST

# (key of esf_indikatoren or None when the contract does not record it, area, label,
# definition) – labels and definitions from the catalogue of figures (biwaq.zahlen.kennzahlen)
ESF_INDIKATOREN: tuple[tuple[str | None, str, str, str], ...] = tuple(
    (schluessel, bereich, kennzahlen.get(kid).label, kennzahlen.get(kid).definition)
    for kid, schluessel, bereich, _, _ in kennzahlen.ESF_INDIKATOREN)


def esf_tabelle(df: pd.DataFrame) -> pd.DataFrame:
    """The funder's indicator list with values from the query esf_indikatoren (schluessel,
    wert, basis); indicators the contract does not record stay empty and say why."""
    werte = df.set_index("schluessel") if len(df) else pd.DataFrame(columns=["wert", "basis"])
    zeilen = []
    for schluessel, bereich, name, definition in ESF_INDIKATOREN:
        wert = basis = None
        if schluessel is not None and schluessel in werte.index:
            wert = int(werte.loc[schluessel, "wert"])
            basis = int(werte.loc[schluessel, "basis"])
        quote = anteil(wert, basis)
        zeilen.append({"Bereich": bereich, "Indikator": name,
                       "Anzahl": wert, "Bezugsgröße": basis,
                       "Anteil (%)": kennzahlen.runde(quote * 100, 1)
                       if not math.isnan(quote) else None,
                       "Definition": definition})
    out = pd.DataFrame(zeilen)
    out["Anzahl"] = out["Anzahl"].astype("Int64")
    out["Bezugsgröße"] = out["Bezugsgröße"].astype("Int64")
    out["Anteil (%)"] = out["Anteil (%)"].astype("Float64")
    return out


# --- Reach ---------------------------------------------------------------------------------

def quartale(von, bis) -> list[str]:
    """Labels 'JJJJ Qn' of every calendar quarter from von to bis."""
    start = pd.Timestamp(von).to_period("Q")
    ende = pd.Timestamp(bis).to_period("Q")
    return [f"{p.year} Q{p.quarter}" for p in pd.period_range(start, ende, freq="Q")]


def reichweite_tabelle(df: pd.DataFrame, dim: str, von=None, bis=None) -> pd.DataFrame:
    """Query zielgruppen_reichweite made complete (0 where a group has no one in a value of the
    dimension; every quarter of the period for 'quartal'), labelled and in display order."""
    werte = list(dict.fromkeys(df["auspraegung"]))
    if dim == "quartal" and von is not None and bis is not None:
        werte = quartale(von, bis)
    elif dim in DIMENSIONEN:
        eigene = [w for w in _ordnung(dim) if w in werte]
        werte = eigene + [w for w in werte if w not in eigene]
    gruppen = ["alle", *ZIELGRUPPEN] if len(df) else []   # a group nobody is in shows 0
    gitter = pd.MultiIndex.from_product([gruppen, werte], names=["gruppe", "auspraegung"])
    voll = (df.set_index(["gruppe", "auspraegung"])[["erreicht", "eingetreten"]]
              .reindex(gitter, fill_value=0).reset_index())
    voll = sortiert(voll, "zielgruppe")
    voll.insert(2, "Auspraegung", [label(dim, w) for w in voll["auspraegung"]])
    return voll.astype({"erreicht": int, "eingetreten": int})


def kombinationsmatrix(df: pd.DataFrame) -> pd.DataFrame:
    """Query zielgruppen_kombinationen as a square matrix over all five groups (German names,
    contract order; 0 where no one is in both)."""
    m = (df.pivot_table(index="zeile", columns="spalte", values="personen", aggfunc="sum")
           .reindex(index=list(ZIELGRUPPEN), columns=list(ZIELGRUPPEN)).fillna(0).astype(int))
    namen = [ZIELGRUPPEN_NAMEN[g] for g in ZIELGRUPPEN]
    m.index, m.columns = namen, namen
    return m


def zahl_text(x, stellen: int = 0, einheit: str = "", leer: str = "–") -> str:
    """German number text: '1.234', '12,5 %' (rounded once, half away from zero, see
    kennzahlen.zahl); `leer` for missing values."""
    text = kennzahlen.zahl(x, stellen, leer=leer)
    if text == leer:
        return leer
    return text + (f"\u00a0{einheit}" if einheit else "")       # no line break before the unit


def esf_anzeige(tabelle: pd.DataFrame) -> pd.DataFrame:
    """The ESF+ table as German text for display: 'nicht erfasst' where the contract has no
    value, counts with thousands dots, shares with a decimal comma."""
    return pd.DataFrame({
        "Indikator": tabelle["Indikator"],
        "Anzahl": [zahl_text(v, leer="nicht erfasst") for v in tabelle["Anzahl"]],
        "Bezugsgröße": [zahl_text(v) for v in tabelle["Bezugsgröße"]],
        "Anteil": [zahl_text(v, 1, "%") for v in tabelle["Anteil (%)"]],
        "Definition": tabelle["Definition"],
    })


# --- ESF+ indicators as the funder tables them: by sex, Quartier and Träger (issue 11) -------

INSGESAMT = "Insgesamt"
# column labels of the split: distinct from the indicators „Frauen“/„Männer“ of the catalogue
# (one label, one meaning): a cell is the row's indicator among women, men, non-binary people
ESF_GESCHLECHTER = {"w": "davon Frauen", "m": "davon Männer", "d": "davon nicht-binär"}
# the sex rows are the columns of this table; the basis of the six-month result is its own row
ESF_OHNE_GLIEDERUNG = ("frauen", "maenner", "nicht_binaer")
ESF_BASIS_6M = "Bezugsgröße: Austritte mit sechs Monaten Beobachtung"


def esf_zellen(df: pd.DataFrame):
    """The result of the query esf_gliederung (every cell of Quartier × Träger × Geschlecht
    in one grouped query) as the `abfrage(quartier, traeger, geschlecht)` that esf_gliederung
    takes: for each cell (None = total) its rows pos, schluessel, wert, basis – the same rows
    the query esf_indikatoren gives for these filter values. A cell nobody is in is absent
    from the query; it gives the indicator rows with 0 (basis 0)."""
    spalten = ["pos", "schluessel", "wert", "basis"]
    zeilen: dict[tuple, list] = {}
    for row in df.itertuples(index=False):
        zelle = tuple(None if pd.isna(x) else x
                      for x in (row.quartier, row.traeger, row.geschlecht))
        zeilen.setdefault(zelle, []).append(
            {"pos": row.pos, "schluessel": row.schluessel, "wert": row.wert, "basis": row.basis})
    teile = {z: pd.DataFrame(r, columns=spalten).sort_values("pos").reset_index(drop=True)
             for z, r in zeilen.items()}
    vorlage = (next(iter(teile.values())).assign(wert=0, basis=0) if teile
               else pd.DataFrame(columns=spalten))

    def abfrage(quartier, traeger, geschlecht) -> pd.DataFrame:
        return teile.get((quartier, traeger, geschlecht), vorlage).copy()
    return abfrage


def esf_gliederung(abfrage, quartiere: list, traeger: list) -> pd.DataFrame:
    """The recorded ESF+ indicators by Quartier × Träger (with totals) and by sex (columns
    davon Frauen, davon Männer, davon nicht-binär, Insgesamt), in the funder's long table
    layout.

    `abfrage(quartier, traeger, geschlecht)` returns query esf_indikatoren for these values
    (None = all); `quartiere`/`traeger` list the values to split by, None standing for the
    total ('Insgesamt'). Every cell is the query's own count for that combination – the totals
    are counted, not added, so a person counts once. Rows: Quartier, Träger (display names),
    Bereich, Indikator, then counts (int). Indicators the contract does not record are left
    out (the page's main table explains them)."""
    erfasst = [(k, b, n) for k, b, n, _ in ESF_INDIKATOREN
               if k is not None and k not in ESF_OHNE_GLIEDERUNG]
    zeilen = []
    for q in quartiere:
        for t in traeger:
            spalten = {}
            for g in [*ESF_GESCHLECHTER, None]:
                df = abfrage(q, t, g)
                spalten[ESF_GESCHLECHTER.get(g, INSGESAMT)] = df.set_index("schluessel")
            for k, bereich, name in erfasst:
                zeilen.append({"Quartier": q or INSGESAMT,
                               "Träger": TRAEGER_NAMEN.get(t, t) if t else INSGESAMT,
                               "Bereich": bereich, "Indikator": name,
                               **{s: int(w.loc[k, "wert"]) if k in w.index else 0
                                  for s, w in spalten.items()}})
                if k == "beschaeftigt_6m":
                    zeilen.append({**zeilen[-1], "Indikator": ESF_BASIS_6M,
                                   **{s: int(w.loc[k, "basis"]) if k in w.index else 0
                                      for s, w in spalten.items()}})
    return pd.DataFrame(zeilen, columns=["Quartier", "Träger", "Bereich", "Indikator",
                                         *ESF_GESCHLECHTER.values(), INSGESAMT])
