"""Data-quality rules over the stored data: id, German description, severity, offending ids."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from biwaq.einlesen.contract import ERFURT_BBOX, TABLES
from biwaq.einlesen.metadaten import set_meta
from biwaq.speicher import store
from biwaq.speicher.queries import load_query, run_query
from biwaq.zahlen.texte import anzahl

FEHLER, WARNUNG = "Fehler", "Warnung"
KARENZ_TAGE = 28          # ESF: employment "within four weeks" of leaving counts as a result
PARAMS = {"karenz_tage": KARENZ_TAGE, **ERFURT_BBOX}
ERGEBNIS_SPALTEN = ["id", "details", "quartier", "traeger"]


@dataclass(frozen=True)
class Regel:
    id: str
    tabelle: str              # German name of the table the rule is about
    beschreibung: str         # German, says what is wrong
    schwere: str              # FEHLER (data is wrong) or WARNUNG (probably wrong, please check)
    abfrage: str | None = None                                   # queries/<abfrage>.sql
    pruefung: Callable[[duckdb.DuckDBPyConnection], pd.DataFrame] | None = None  # else Python
    braucht: tuple[str, ...] = ()   # tables that must hold data for the rule to mean anything


def _q(nr: str, stamm: str) -> str:
    return f"qualitaet_{nr.lower()}_{stamm}"


def _leerstand_im_stadtteil(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Q29: vacancies whose position lies outside the district they state (spatial join with
    the stored outlines; districts without an outline cannot be checked)."""
    from biwaq.einlesen import geo

    punkte = run_query("qualitaet_q29_leerstand_positionen", con)
    grenzen = run_query("qualitaet_stadtteilgrenzen", con)
    if punkte.empty or grenzen.empty:
        return pd.DataFrame(columns=ERGEBNIS_SPALTEN)
    punkte = punkte[punkte["stadtteil"].isin(set(grenzen["stadtteil"]))].reset_index(drop=True)
    if punkte.empty:
        return pd.DataFrame(columns=ERGEBNIS_SPALTEN)
    lage = geo.locate_points(punkte["lat"], punkte["lon"], geo.districts_from_store(grenzen))
    falsch = punkte[lage.to_numpy() != punkte["stadtteil"].to_numpy()].copy()
    lage = lage[falsch.index]
    schematisch = " (Umrisse schematisch)" if grenzen["schematisch"].any() else ""
    falsch["details"] = [f"angegeben {s}, Position liegt in {w or 'keinem Stadtteil'}{schematisch}"
                         for s, w in zip(falsch["stadtteil"], lage)]
    return falsch[ERGEBNIS_SPALTEN].reset_index(drop=True)


# Q16 compares exactly these participant columns (queries/qualitaet_q16_doppelte_person.sql
# partitions by them; a test holds the query, this list and the contract together): every
# recorded personal attribute, not the process dates and the exit reason.
Q16_MERKMALE = {
    "quartier": "Quartier", "stadtteil": "Stadtteil", "traeger": "Träger",
    "geschlecht": "Geschlecht", "geburtsjahr": "Geburtsjahr",
    "alleinerziehend": "alleinerziehend", "migrationshintergrund": "Migrationshintergrund",
    "schutzsuchend": "schutzsuchend", "langzeitarbeitslos": "langzeitarbeitslos",
    "sgb2_bezug": "SGB-II-Bezug", "bildungsniveau": "Bildungsniveau",
    "zugangsweg": "Zugangsweg",
}

REGELN: tuple[Regel, ...] = (
    Regel("Q01", "Teilnehmende", "Austritt liegt vor dem Eintritt", FEHLER,
          _q("Q01", "austritt_vor_eintritt")),
    Regel("Q02", "Teilnehmende", "Eintritt liegt vor dem Erstkontakt", FEHLER,
          _q("Q02", "eintritt_vor_erstkontakt")),
    Regel("Q03", "Teilnehmende", "Austritt ohne Eintritt", FEHLER,
          _q("Q03", "austritt_ohne_eintritt")),
    Regel("Q04", "Teilnehmende", "Geburtsjahr unplausibel (vor 1940 oder weniger als 15 Jahre "
          "vor dem Eintrittsjahr)", FEHLER, _q("Q04", "geburtsjahr")),
    Regel("Q05", "Teilnehmende", "Austrittsgrund ohne Austrittsdatum", FEHLER,
          _q("Q05", "grund_ohne_austritt")),
    Regel("Q06", "Teilnehmende", "Austritt ohne Austrittsgrund (für die ESF-Ergebnisse nötig)",
          WARNUNG, _q("Q06", "austritt_ohne_grund")),
    Regel("Q07", "Teilnehmende, Betriebe, Leerstände", "Stadtteil gehört laut Stadtteilstatistik "
          "zu einem anderen Quartier als angegeben", WARNUNG, _q("Q07", "stadtteil_quartier"),
          braucht=("stadtteile",)),
    Regel("Q08", "Teilnehmende, Betriebe, Leerstände", "Stadtteil ist in der Stadtteilstatistik "
          "unbekannt (Schreibweise prüfen)", WARNUNG, _q("Q08", "stadtteil_unbekannt"),
          braucht=("stadtteile",)),
    Regel("Q09", "Aktivitäten", "Aktivität außerhalb der Teilnahmezeit (vor dem Erstkontakt "
          "oder nach dem Austritt)", FEHLER, _q("Q09", "aktivitaet_ausserhalb")),
    Regel("Q10", "Vermittlungen", "Vermittlung vor dem Eintritt oder ohne Eintritt", FEHLER,
          _q("Q10", "vermittlung_vor_eintritt")),
    Regel("Q11", "Vermittlungen", f"Vermittlung beginnt mehr als {KARENZ_TAGE} Tage nach dem "
          "Austritt", WARNUNG, _q("Q11", "vermittlung_nach_austritt")),
    Regel("Q12", "Vermittlungen", "Vermittlung ohne passenden Austrittsgrund (Ausbildung → "
          "„Ausbildung“, sonst „Arbeitsaufnahme“)", WARNUNG, _q("Q12", "vermittlung_grund")),
    Regel("Q13", "Teilnehmende", "Austrittsgrund „Arbeitsaufnahme“ oder „Ausbildung“ ohne "
          "Vermittlung", WARNUNG, _q("Q13", "grund_ohne_vermittlung"),
          braucht=("vermittlungen",)),
    Regel("Q14", "Vermittlungen", "Verbleib nach 6 Monaten angegeben, obwohl die Vermittlung "
          "am Datenstand noch keine 6 Monate zurückliegt", FEHLER, _q("Q14", "verbleib_zu_frueh")),
    Regel("Q15", "Vermittlungen", "Verbleib nach 6 Monaten fehlt, obwohl die Vermittlung mehr "
          "als 6 Monate zurückliegt", WARNUNG, _q("Q15", "verbleib_fehlt")),
    Regel("Q16", "Teilnehmende", "Möglicherweise doppelt erfasste Person (gleiche Angaben zu "
          + ", ".join(Q16_MERKMALE.values()) + "; Erstkontakte höchstens 30 Tage "
          "auseinander; Ein- und Austritt werden nicht verglichen)", WARNUNG,
          _q("Q16", "doppelte_person")),
    Regel("Q17", "Betriebe", "Betrieb vor seiner Gründung geschlossen", FEHLER,
          _q("Q17", "schliessung_vor_gruendung")),
    Regel("Q18", "Betriebe", "Status und Schließungsdatum widersprechen sich", WARNUNG,
          _q("Q18", "status_datum")),
    Regel("Q19", "Beratungen", "Beratung eines Betriebs nach seiner Schließung", FEHLER,
          _q("Q19", "beratung_nach_schliessung")),
    Regel("Q20", "Beratungen", "Beratung vor der Gründung (außer Vorgründungsberatung)",
          WARNUNG, _q("Q20", "beratung_vor_gruendung")),
    Regel("Q21", "Aktivitäten, Vermittlungen", "Aktivität oder Vermittlung bei einem Betrieb, "
          "der an dem Tag nicht bestand (vor Gründung oder nach Schließung)", WARNUNG,
          _q("Q21", "betrieb_nicht_aktiv")),
    Regel("Q22", "Betriebe", "Position des Betriebs außerhalb Erfurts", FEHLER,
          _q("Q22", "betrieb_ausserhalb")),
    Regel("Q23", "Betriebe", "Möglicherweise doppelt erfasster Betrieb (gleicher Name im "
          "Quartier, gleiche Gründung oder weniger als 100 m entfernt)", WARNUNG,
          _q("Q23", "doppelter_betrieb")),
    Regel("Q24", "Leerstände", "Status „wiederbelegt“ ohne Datum der Wiederbelegung", FEHLER,
          _q("Q24", "wiederbelegt_ohne_datum")),
    Regel("Q25", "Leerstände", "Wiederbelegung liegt vor „leer seit“", FEHLER,
          _q("Q25", "wiederbelegt_vor_leer")),
    Regel("Q26", "Leerstände", "Datum der Wiederbelegung, aber Status nicht „wiederbelegt“",
          WARNUNG, _q("Q26", "datum_ohne_status")),
    Regel("Q27", "alle", "Datum liegt in der Zukunft (z. B. Wiederbelegung eines Leerstands)",
          FEHLER, _q("Q27", "datum_zukunft")),
    Regel("Q28", "Leerstände", "Position des Leerstands außerhalb Erfurts", FEHLER,
          _q("Q28", "leerstand_ausserhalb")),
    Regel("Q29", "Leerstände", "Position des Leerstands liegt nicht im angegebenen Stadtteil "
          "(Abgleich mit den Stadtteilgrenzen)", WARNUNG, pruefung=_leerstand_im_stadtteil,
          braucht=("stadtteil_geo",)),
    Regel("Q30", "Leerstände", "Zwei offene Leerstände an derselben Adresse (doppelt erfasst?)",
          WARNUNG, _q("Q30", "doppelte_adresse")),
    Regel("Q31", "Aktivitäten, Vermittlungen, Beratungen", "Verweis auf eine unbekannte Person "
          "oder einen unbekannten Betrieb", FEHLER, _q("Q31", "unbekannter_verweis")),
    Regel("Q32", "Raumgesuche", "Gewünschte Mindestfläche größer als die Höchstfläche", FEHLER,
          _q("Q32", "gesuch_flaeche"), braucht=("raumgesuche",)),
    Regel("Q33", "Raumgesuche", "Status „vermittelt“ ohne das vermittelte Objekt", WARNUNG,
          _q("Q33", "gesuch_ohne_objekt"), braucht=("raumgesuche",)),
    Regel("Q34", "Raumgesuche", "Verweis auf ein unbekanntes Objekt (nicht in Leerstände)",
          FEHLER, _q("Q34", "gesuch_unbekanntes_objekt"), braucht=("raumgesuche",)),
    Regel("Q35", "Raumgesuche", "„erledigt am“ liegt vor dem Datum des Gesuchs", FEHLER,
          _q("Q35", "gesuch_erledigt_vor_datum"), braucht=("raumgesuche",)),
    Regel("Q36", "Raumgesuche", "Gesuch vermittelt oder zurückgezogen, aber ohne Datum "
          "„erledigt am“", FEHLER, _q("Q36", "gesuch_ohne_erledigt"), braucht=("raumgesuche",)),
    Regel("Q37", "Raumgesuche", "Vermitteltes Objekt ist laut Leerstandsliste nicht (oder an "
          "einem anderen Tag) wiederbelegt", WARNUNG, _q("Q37", "gesuch_objekt_nicht_wiederbelegt"),
          braucht=("raumgesuche",)),
)
REGEL = {r.id: r for r in REGELN}
TITEL = {**{n: t.title for n, t in TABLES.items()}, "stadtteil_geo": "Stadtteilgrenzen"}


def verstoesse(regel: Regel, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Offending records of one rule: id (pseudonym), details, quartier, traeger."""
    if regel.pruefung is not None:
        return regel.pruefung(con)
    q = load_query(regel.abfrage)
    return run_query(regel.abfrage, con, **{k: v for k, v in PARAMS.items() if k in q.params})


def pruefen(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every rule. Returns (one row per rule: id, tabelle, beschreibung, schwere, anzahl,
    ids; one row per violation: regel, schwere, id, details, quartier, traeger)."""
    bestand = run_query("daten_bestand", con).set_index("tabelle")["zeilen"]
    uebersicht, alle = [], []
    for r in REGELN:
        leer = [t for t in r.braucht if not bestand.get(t, 0)]
        df = pd.DataFrame(columns=ERGEBNIS_SPALTEN) if leer else verstoesse(r, con)
        hinweis = ("nicht prüfbar: noch keine Daten in " + ", ".join(TITEL.get(t, t) for t in leer)
                   if leer else "")
        uebersicht.append((r.id, r.tabelle, r.beschreibung, r.schwere, len(df),
                           list(dict.fromkeys(df["id"])), hinweis))
        if len(df):
            alle.append(df.assign(regel=r.id, schwere=r.schwere))
    regeln = pd.DataFrame(uebersicht, columns=["id", "tabelle", "beschreibung", "schwere",
                                               "anzahl", "ids", "hinweis"])
    spalten = ["regel", "schwere", *ERGEBNIS_SPALTEN]
    faelle = pd.concat(alle, ignore_index=True)[spalten] if alle else pd.DataFrame(columns=spalten)
    return regeln, faelle


# --- Counts and a bounded sample for the page (issue 14) -----------------------------------
# A rule may have hundreds of thousands of violations at scale 1000 (Q16: 345,479); the page
# needs per rule only the count, the number of distinct ids and the first ids. The rule's
# named query is wrapped (its text nested as a subquery; every value stays bound) so that
# DuckDB counts per (quartier, traeger) and hands over one small row per group.

_GRUPPEN_SQL = """
with v as materialized (
    select *, row_number() over () as nr      -- the rule's order (it ends in order by)
    from (
{regel}
    ) r
),
gruppen as (
    select quartier, traeger, count(*) as anzahl, count(distinct id) as n_ids,
           list(distinct id order by id)[1:$max_ids] as ids,
           min_by({{'id': id, 'details': details, 'quartier': quartier, 'traeger': traeger,
                    'nr': nr}}, nr, $max_zeilen) as erste
    from v
    group by all
)
select g.quartier, g.traeger, g.anzahl, g.n_ids, g.ids, g.erste,
       (select count(distinct id) from v) as n_ids_regel
from gruppen g
order by g.quartier nulls first, g.traeger nulls first   -- groups in one fixed order
"""

_FILTER_SQL = """
select * from (
{regel}
) v
where ($quartier is null or quartier = $quartier)
  and ($traeger is null or traeger is null or traeger = $traeger)
"""
_FILTER_LIMIT_SQL = _FILTER_SQL + "limit $limit\n"
_N_IDS_SQL = "select count(distinct id) from (" + _FILTER_SQL + ") f\n"

GRUPPEN_SPALTEN = ["regel", "quartier", "traeger", "anzahl", "n_ids", "ids", "erste",
                   "n_ids_regel"]


def _abfrage(regel: Regel) -> tuple[str, dict]:
    q = load_query(regel.abfrage)
    return q.sql, {k: v for k, v in PARAMS.items() if k in q.params}


def _in_vorlage(vorlage: str, regel: Regel) -> tuple[str, dict]:
    """A rule's named query nested into one of the fixed templates of this module
    (_GRUPPEN_SQL, _FILTER_SQL, _FILTER_LIMIT_SQL, _N_IDS_SQL) at `{regel}`.

    Returns (SQL text, the rule's own parameters from PARAMS). Why composing this text is
    safe: the only text put in is that of the rule's query file `queries/qualitaet_*.sql`
    (part of the repository, chosen by the rule's entry in REGELN, never by input), and the
    templates hold identifiers, keywords and placeholders only – no value. Every value (the
    rule's parameters, $quartier, $traeger, $limit, $max_ids, $max_zeilen) is bound as a
    DuckDB parameter by the caller. Errors: those of queries.load_query (unknown query)."""
    sql, params = _abfrage(regel)
    return vorlage.format(regel=sql), params


def _gruppen_aus_frame(regel_id: str, df: pd.DataFrame, max_ids: int, max_zeilen: int
                       ) -> pd.DataFrame:
    """The same per-group figures from a rule computed in Python (Q29)."""
    if df.empty:
        return pd.DataFrame(columns=GRUPPEN_SPALTEN)
    df = df.reset_index(drop=True).assign(nr=lambda d: d.index + 1)
    g = df.groupby(["quartier", "traeger"], dropna=False)
    out = pd.DataFrame({"anzahl": g.size(), "n_ids": g["id"].nunique(),
                        "ids": g["id"].agg(lambda s: sorted(set(s))[:max_ids]),
                        "erste": g[[*ERGEBNIS_SPALTEN, "nr"]].apply(
                            lambda t: t.head(max_zeilen).to_dict("records"))}).reset_index()
    out.insert(0, "regel", regel_id)
    out["n_ids_regel"] = df["id"].nunique()
    return out[GRUPPEN_SPALTEN]


def pruefen_gruppen(con: duckdb.DuckDBPyConnection, max_ids: int = 30, max_zeilen: int = 1000
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every rule, keeping only counts and the first ids (for the page).

    Returns (one row per rule: id, tabelle, beschreibung, schwere, hinweis; one row per rule
    and (quartier, traeger) with violations: regel, quartier, traeger, anzahl, n_ids (distinct
    ids in the group), ids (the first `max_ids` distinct ids, sorted – every rule's query
    orders by id), erste (the group's first `max_zeilen` violations in the rule's order, as
    dicts with id, details, quartier, traeger, nr), n_ids_regel (distinct ids of the whole
    rule)). Counts are those of
    `pruefen` (tests/test_quality.py compares them); `je_filter` combines the groups."""
    bestand = run_query("daten_bestand", con).set_index("tabelle")["zeilen"]
    regeln, gruppen = [], []
    for r in REGELN:
        zeile, g = _regel_gruppen(r, con, bestand, max_ids, max_zeilen)
        regeln.append(zeile)
        if g is not None and len(g):
            gruppen.append(g)
    return _rahmen(regeln, gruppen)


def _rahmen(regeln: list[tuple], gruppen: list[pd.DataFrame]
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (pd.DataFrame(regeln, columns=REGELN_SPALTEN),
            pd.concat(gruppen, ignore_index=True) if gruppen
            else pd.DataFrame(columns=GRUPPEN_SPALTEN))


REGELN_SPALTEN = ["id", "tabelle", "beschreibung", "schwere", "hinweis"]


def _regel_gruppen(r: Regel, con: duckdb.DuckDBPyConnection, bestand: pd.Series,
                   max_ids: int, max_zeilen: int) -> tuple[tuple, pd.DataFrame | None]:
    """One rule of `pruefen_gruppen`: its row of the rule table and its groups (None when
    it cannot be checked)."""
    leer = [t for t in r.braucht if not bestand.get(t, 0)]
    zeile = (r.id, r.tabelle, r.beschreibung, r.schwere,
             "nicht prüfbar: noch keine Daten in "
             + ", ".join(TITEL.get(t, t) for t in leer) if leer else "")
    if leer:
        return zeile, None
    if r.pruefung is not None:
        return zeile, _gruppen_aus_frame(r.id, r.pruefung(con), max_ids, max_zeilen)
    text, params = _in_vorlage(_GRUPPEN_SQL, r)
    cur = con.cursor()
    try:
        g = cur.execute(text, {**params, "max_ids": max_ids, "max_zeilen": max_zeilen}).df()
    finally:
        cur.close()
    g.insert(0, "regel", r.id)
    return zeile, g[GRUPPEN_SPALTEN]


# --- The result of pruefen_gruppen stored at every write (issue 14) -------------------------
# At scale 1000 all rules take ~24 s; every write (store.replace_atomically) stores the
# result of pruefen_gruppen(con, MAX_IDS, MAX_ZEILEN) in the tables below, in the same
# transaction. The store shows them to readers only while its guard holds (schema.sql and
# the data fingerprint unchanged since the write); on top, _meta['vorberechnet_qualitaet']
# holds a hash of everything else the result depends on (`_pruef_hash`). Rules that read
# today's date (Q27: dates in the future) are computed afresh on any other day than the
# write's. Otherwise – or when the tables are missing – pruefen_gruppen computes as before.

MAX_IDS, MAX_ZEILEN = 30, 1000
FEST_REGELN, FEST_GRUPPEN = "qualitaet_regeln" + store.FEST, "qualitaet_gruppen" + store.FEST
_HEUTE = re.compile(r"current_date|current_timestamp|\bnow\s*\(|\btoday\s*\(|get_current",
                    re.IGNORECASE)
_GRUPPEN_TYP = ("regel varchar, quartier varchar, traeger varchar, anzahl bigint, "
                "n_ids bigint, ids varchar[], erste struct(id varchar, details varchar, "
                "quartier varchar, traeger varchar, nr bigint)[], n_ids_regel bigint")


def heute_abhaengig(r: Regel) -> bool:
    """Whether a rule's result depends on today's date (its SQL reads the current date)."""
    return r.abfrage is not None and bool(_HEUTE.search(load_query(r.abfrage).sql))


def _pruef_hash(con: duckdb.DuckDBPyConnection, max_ids: int, max_zeilen: int) -> str:
    """sha256 over what the stored result depends on besides the data tables: the source of
    this module and of geo (Q29), every queries/*.sql a rule runs (incl. the Q29 and
    daten_bestand queries), the parameters, max_ids/max_zeilen and _meta (e.g. datenstand,
    read by Q14/Q15) except the guards themselves."""
    from biwaq.einlesen import geo

    h = hashlib.sha256()
    for pfad in (Path(__file__), Path(geo.__file__)):
        h.update(pfad.read_bytes())
    namen = sorted({r.abfrage for r in REGELN if r.abfrage}
                   | {"daten_bestand", "qualitaet_q29_leerstand_positionen",
                      "qualitaet_stadtteilgrenzen"})
    for n in namen:
        h.update(n.encode() + b"\0" + load_query(n).sql.encode("utf-8"))
    meta = sorted((k, v) for k, v in con.execute("select schluessel, wert from _meta").fetchall()
                  if not k.startswith(("marts_", "vorberechnet_")))
    h.update(repr((sorted(PARAMS.items()), max_ids, max_zeilen, meta)).encode("utf-8"))
    return h.hexdigest()


def _heute(con: duckdb.DuckDBPyConnection) -> str:
    return str(con.execute("select current_date").fetchone()[0])


@store.vorberechnung("qualitaet")
def vorberechnen(con: duckdb.DuckDBPyConnection) -> None:
    """Store pruefen_gruppen(con, MAX_IDS, MAX_ZEILEN) in FEST_REGELN / FEST_GRUPPEN and
    its guard in _meta (called by store.replace_atomically inside the writer's
    transaction)."""
    regeln, gruppen = pruefen_gruppen(con, MAX_IDS, MAX_ZEILEN)
    con.register("_qualitaet_regeln", regeln)
    con.register("_qualitaet_gruppen", gruppen)
    try:
        con.execute("create or replace table " + FEST_REGELN + " as select * from "
                    "_qualitaet_regeln")
        con.execute("create or replace table " + FEST_GRUPPEN + " (" + _GRUPPEN_TYP + ")")
        if len(gruppen):
            con.execute("insert into " + FEST_GRUPPEN + " select * from _qualitaet_gruppen")
    finally:
        con.unregister("_qualitaet_regeln")
        con.unregister("_qualitaet_gruppen")
    set_meta(con, vorberechnet_qualitaet=_pruef_hash(con, MAX_IDS, MAX_ZEILEN),
             vorberechnet_qualitaet_tag=_heute(con))


def vorberechnet(con: duckdb.DuckDBPyConnection, max_ids: int = MAX_IDS,
                 max_zeilen: int = MAX_ZEILEN) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The stored result of pruefen_gruppen (same frames) when it is valid for this
    connection (store.connect_readonly) as it is now, else None: tables present (the store
    shows them only while its guard holds), the same max_ids/max_zeilen, and the same
    `_pruef_hash`. Rules that depend on today's date are computed afresh when the result
    was stored on another day."""
    cur = con.cursor()           # the UI's connection is shared by sessions: a cursor each
    try:
        da = store.sichtbare_tabellen(cur)
        if not {FEST_REGELN, FEST_GRUPPEN, "_meta"} <= da:
            return None
        meta = dict(cur.execute("select schluessel, wert from _meta where schluessel in "
                                "('vorberechnet_qualitaet', 'vorberechnet_qualitaet_tag')"
                                ).fetchall())
        if meta.get("vorberechnet_qualitaet") != _pruef_hash(cur, max_ids, max_zeilen):
            return None
        regeln = cur.execute("select * from " + FEST_REGELN).df()
        gruppen = cur.execute("select * from " + FEST_GRUPPEN).df()
        heute = _heute(cur)
    finally:
        cur.close()
    if list(regeln["id"]) != [r.id for r in REGELN]:
        return None
    if meta.get("vorberechnet_qualitaet_tag") == heute:
        return regeln[REGELN_SPALTEN], gruppen[GRUPPEN_SPALTEN]
    neu = [r for r in REGELN if heute_abhaengig(r)]
    bestand = run_query("daten_bestand", con).set_index("tabelle")["zeilen"]
    zeilen = list(regeln[REGELN_SPALTEN].itertuples(index=False, name=None))
    teile = [gruppen[~gruppen["regel"].isin({r.id for r in neu})]]
    for r in neu:
        zeile, g = _regel_gruppen(r, con, bestand, max_ids, max_zeilen)
        zeilen[[z[0] for z in zeilen].index(r.id)] = zeile
        if g is not None and len(g):
            teile.append(g)
    reihenfolge = {r.id: i for i, r in enumerate(REGELN)}
    gruppen = pd.concat([t for t in teile if len(t)], ignore_index=True) if any(
        len(t) for t in teile) else pd.DataFrame(columns=GRUPPEN_SPALTEN)
    gruppen = gruppen.sort_values("regel", key=lambda s: s.map(reihenfolge), kind="stable"
                                  ).reset_index(drop=True)
    return _rahmen(zeilen, [gruppen[GRUPPEN_SPALTEN]] if len(gruppen) else [])


def pruefen_gruppen_gespeichert(con: duckdb.DuckDBPyConnection, max_ids: int = MAX_IDS,
                                max_zeilen: int = MAX_ZEILEN
                                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """pruefen_gruppen, read from the result stored at the last write when it is valid
    (`vorberechnet`), else computed."""
    return vorberechnet(con, max_ids, max_zeilen) or pruefen_gruppen(con, max_ids, max_zeilen)


def erste_faelle(gruppen: pd.DataFrame, regel: str, quartier: str | None,
                 traeger: str | None, limit: int) -> pd.DataFrame:
    """The first `limit` violations of one rule under the filters, in the rule's order, from
    the groups of `pruefen_gruppen` (limit at most its max_zeilen): every group keeps its
    first rows, so the first rows of any union of groups are among them."""
    g = gruppen[gruppen["regel"] == regel]
    if quartier:
        g = g[g["quartier"] == quartier]
    if traeger:
        g = g[g["traeger"].isna() | (g["traeger"] == traeger)]
    zeilen = sorted((z for liste in g["erste"] for z in liste), key=lambda z: z["nr"])[:limit]
    return pd.DataFrame(zeilen, columns=[*ERGEBNIS_SPALTEN, "nr"])[ERGEBNIS_SPALTEN]


def verstoesse_gefiltert(regel: Regel, con: duckdb.DuckDBPyConnection,
                         quartier: str | None = None, traeger: str | None = None,
                         limit: int | None = None) -> pd.DataFrame:
    """Violations of one rule under the page's filters (Quartier; Träger where the record
    has one), in the rule's order, at most `limit` rows (None: all, for a download)."""
    if regel.pruefung is not None:
        df = regel.pruefung(con)
        if quartier:
            df = df[df["quartier"] == quartier]
        if traeger:
            df = df[df["traeger"].isna() | (df["traeger"] == traeger)]
        return (df if limit is None else df.head(limit)).reset_index(drop=True)
    text, params = _in_vorlage(_FILTER_SQL if limit is None else _FILTER_LIMIT_SQL, regel)
    cur = con.cursor()
    try:
        return cur.execute(text, {**params, "quartier": quartier, "traeger": traeger,
                                  **({"limit": limit} if limit is not None else {})}).df()
    finally:
        cur.close()


def n_ids_gefiltert(regel: Regel, con: duckdb.DuckDBPyConnection, quartier: str | None,
                    traeger: str | None) -> int:
    """Distinct ids of one rule under the filters (when an id falls in several groups)."""
    if regel.pruefung is not None:
        return int(verstoesse_gefiltert(regel, con, quartier, traeger)["id"].nunique())
    text, params = _in_vorlage(_N_IDS_SQL, regel)
    cur = con.cursor()
    try:
        return int(cur.execute(text, {**params, "quartier": quartier, "traeger": traeger}
                               ).fetchone()[0])
    finally:
        cur.close()


def je_filter(regeln: pd.DataFrame, gruppen: pd.DataFrame, quartier: str | None,
              traeger: str | None, max_ids: int = 30, n_ids_direkt=None) -> pd.DataFrame:
    """Per rule under the filters: anzahl, n_ids, ids (the first `max_ids` distinct ids).

    A record counts when its quartier is the chosen one (or none is chosen) and its traeger
    is the chosen one or missing (businesses and vacancies have none). The groups of
    `pruefen_gruppen` add up exactly; distinct ids add up when no id lies in two groups of a
    rule (checked with n_ids_regel); otherwise, when several groups are chosen,
    `n_ids_direkt(regel_id)` counts them (e.g. quality.n_ids_gefiltert)."""
    g = gruppen
    if quartier:
        g = g[g["quartier"] == quartier]
    if traeger:
        g = g[g["traeger"].isna() | (g["traeger"] == traeger)]
    getrennt = (gruppen.groupby("regel")["n_ids"].sum()
                == gruppen.groupby("regel")["n_ids_regel"].first())
    anzahl = g.groupby("regel")["anzahl"].sum()
    n_ids = g.groupby("regel")["n_ids"].sum()
    ids: dict[str, set] = {}
    for r, liste in zip(g["regel"], g["ids"]):
        ids.setdefault(r, set()).update(liste)
    out = regeln.copy()
    out["anzahl"] = out["id"].map(anzahl).fillna(0).astype(int)
    mehrere = g.groupby("regel").size() > 1
    out["n_ids"] = [int(n_ids_direkt(r)) if mehrere.get(r, False) and not getrennt.get(r, True)
                    else int(n_ids.get(r, 0)) for r in out["id"]]
    out["ids"] = [sorted(ids.get(r, ()))[:max_ids] for r in out["id"]]
    return out


def hat_fehler(regeln: pd.DataFrame) -> bool:
    return bool(((regeln["schwere"] == FEHLER) & (regeln["anzahl"] > 0)).any())


def bericht(regeln: pd.DataFrame, max_ids: int = 20) -> str:
    """Plain-text report for the command line."""
    zeilen = []
    for r in regeln.itertuples():
        marke = ("-- " if r.hinweis else "OK ") if r.anzahl == 0 else (
            "!! " if r.schwere == FEHLER else "?  ")
        zeilen.append(f"{marke}{r.id} {r.schwere:<7} {r.anzahl:>5}  {r.beschreibung}"
                      + (f" ({r.hinweis})" if r.hinweis else ""))
        if r.anzahl:
            ids = list(r.ids)
            mehr = f" … und {len(ids) - max_ids} weitere" if len(ids) > max_ids else ""
            zeilen.append("         " + ", ".join(ids[:max_ids]) + mehr)
    n_f = int(regeln.loc[regeln["schwere"] == FEHLER, "anzahl"].sum())
    n_w = int(regeln.loc[regeln["schwere"] == WARNUNG, "anzahl"].sum())
    zeilen.append(f"Zusammen: {anzahl(n_f, 'Verstoß', 'Verstöße')} gegen Fehler-Regeln, "
                  f"{anzahl(n_w, 'Warnung', 'Warnungen')} "
                  f"({anzahl(len(regeln), 'Regel', 'Regeln')} geprüft).")
    return "\n".join(zeilen)
