"""Publishing the public figures: tables from the internal store, disclosure control, audit,
and an atomic write of one tidy CSV per table plus manifest.json into a directory."""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import math
import os
import shutil
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from biwaq.oeffentlich import disclosure as dc
from biwaq.zahlen import kennzahlen as kz
from biwaq.oeffentlich import revisionen
from biwaq.einlesen.contract import (BERATUNGSFORMATE, LAUFZEIT_START, QUARTIERE, STADTTEILE,
                            VERMITTLUNGSARTEN, ZIELGRUPPEN, ZIELGRUPPEN_NAMEN)
from biwaq.oeffentlich.disclosure import INSGESAMT, Dim, Tabelle, Verbund

from biwaq.oeffentlich.published import ARBEIT, MANIFEST, ORTE_DATEI, monat, text_schuetzen
from biwaq.oeffentlich.published import PRUEFSUMMEN, dateien, pruefsumme
QUOTEN = "quoten"
# labels of the published shares: from the catalogue of figures (biwaq.zahlen.kennzahlen)
ANTEILE = {g: kz.label(f"oeffentlich_anteil_{k}") for g, k in (
    ("alleinerziehend", "alleinerziehend"), ("55plus", "55plus"),
    ("migrationshintergrund", "migration"), ("schutzsuchend", "schutzsuchend"),
    ("langzeitarbeitslos", "langzeitarbeitslos"))}
OHNE_ANGABE = "ohne Angabe"
HINWEIS = ("* bedeutet: Diese Zahl zeigen wir nicht. Sie ist kleiner als {s} oder ließe sich "
           "aus anderen Zahlen ausrechnen. So bleibt niemand erkennbar.")
DIM_TITEL = {"quartier": "Quartier", "zielgruppe": "Zielgruppe", "jahr": "Jahr",
             "kennzahl": "Kennzahl", "art": "Art", "format": "Format",
             "stadtteil": "Stadtteil"}


class PublishFehler(Exception):
    """Publishing stopped; nothing was written."""


@dataclass
class Rohdaten:
    """The aggregates (and vacancy records) publishing reads from the internal store."""
    teilnehmende: pd.DataFrame
    vermittlungen: pd.DataFrame
    beratungen: pd.DataFrame
    leerstaende: pd.DataFrame
    meta: dict[str, str]


@dataclass
class Veroeffentlichung:
    """Disclosure-controlled public figures, ready to be written or shown."""
    manifest: dict
    tabellen: dict[str, pd.DataFrame]
    orte: pd.DataFrame
    ergebnis: dc.Ergebnis | None = field(default=None, repr=False)
    verbund: Verbund | None = field(default=None, repr=False)
    intern: dict | None = field(default=None, repr=False)   # true values: never published


# --- Reading the store ---------------------------------------------------------------------

def lesen(db: Path | str | None = None, con=None) -> Rohdaten:
    """Run the named public queries on the internal database (read-only)."""
    from biwaq.speicher import queries, store   # only publishing touches the store

    eigene = con is None and db is not None
    if con is None:
        con = store.connect_readonly(db) if db else queries.default_connection()
    try:
        q = lambda name: queries.run_query(name, con)   # noqa: E731
        meta = q("meta")
        return Rohdaten(q("oeffentlich_teilnehmende"), q("oeffentlich_vermittlungen"),
                        q("oeffentlich_beratungen"), q("oeffentlich_leerstaende"),
                        dict(zip(meta["schluessel"], meta["wert"])))
    finally:
        if eigene:
            con.close()


# --- The public tables ---------------------------------------------------------------------

def _jahre(*serien: pd.Series) -> tuple[str, ...]:
    werte = sorted({int(v) for s in serien for v in s.dropna()})
    return tuple(str(v) for v in werte)


def _datenstand(roh: Rohdaten) -> dt.date:
    wert = roh.meta.get("datenstand")
    if wert and wert != "None":
        return dt.date.fromisoformat(wert)
    return dt.date.today()


def verbund_bauen(roh: Rohdaten) -> tuple[Verbund, dict]:
    """All public tables as one linked system; returns it and per-table notes."""
    tabellen: dict[str, Tabelle] = {}
    bez: list[list[dc.Term]] = []
    q_dim = Dim("quartier", QUARTIERE, titel="Quartier")

    # 1 Participants (entries) by area × target group × year of entry ------------------
    tn = roh.teilnehmende
    jahre = _jahre(tn["jahr"], roh.vermittlungen["jahr"])
    j_dim = Dim("jahr", jahre, titel="Jahr")
    gruppen = tuple(ZIELGRUPPEN_NAMEN[g] for g in ZIELGRUPPEN)
    z_dim = Dim("zielgruppe", (INSGESAMT, *gruppen), summe=False, titel="Zielgruppe")
    fein = {}
    verdeckt = {}
    for r in tn.to_dict("records"):
        key = (r["quartier"], str(r["jahr"]))
        fein[(key[0], INSGESAMT, key[1])] = int(r["anzahl"])
        for g in ZIELGRUPPEN:
            fein[(key[0], ZIELGRUPPEN_NAMEN[g], key[1])] = int(r[g])
            verdeckt[(key[0], ZIELGRUPPEN_NAMEN[g], key[1])] = int(r["anzahl"]) - int(r[g])
    t1 = _aus_feinsten("teilnehmende", "Teilnehmende nach Quartier, Zielgruppe und "
                       "Eintrittsjahr", (q_dim, z_dim, j_dim), fein)
    h1 = _aus_feinsten("teilnehmende_ausserhalb_zielgruppe", "Teilnehmende, die nicht zur "
                       "Zielgruppe gehören (nicht veröffentlicht)",
                       (q_dim, Dim("zielgruppe", gruppen, summe=False), j_dim), verdeckt,
                       oeffentlich=False)
    t1.hinweis = ("Gezählt werden Personen mit Eintritt ins Projekt im Jahr. Zielgruppen "
                  "überschneiden sich: eine Person zählt in jeder Gruppe, zu der sie gehört; "
                  "„Insgesamt“ sind alle Teilnehmenden.")
    for q in q_dim.alle:
        for j in j_dim.alle:
            for g in gruppen:
                bez.append([("teilnehmende", (q, INSGESAMT, j), 1),
                            ("teilnehmende", (q, g, j), -1),
                            (h1.name, (q, g, j), -1)])

    # 2 Entries and placements by area × year ----------------------------------------------
    vm = roh.vermittlungen
    k_dim = Dim("kennzahl", ("Eintritte", ARBEIT), summe=False, titel="Kennzahl")
    fein = defaultdict(int)
    for r in tn.itertuples(index=False):
        fein[("Eintritte", r.quartier, str(r.jahr))] += int(r.anzahl)
    for r in vm.itertuples(index=False):
        fein[(ARBEIT, r.quartier, str(r.jahr))] += int(r.anzahl)
    # people, not placements (published.ARBEIT); the table's name stays for older revisions
    t2 = _aus_feinsten("eintritte_vermittlungen", "Eintritte und Personen mit Arbeit oder "
                       "Ausbildung nach Quartier und Jahr", (k_dim, q_dim, j_dim), fein)
    t2.hinweis = (f"{ARBEIT}: Teilnehmende, die eine Arbeit oder Ausbildung begonnen haben, "
                  "jede Person einmal, im Jahr ihrer ersten Vermittlung.")
    for q in q_dim.alle:
        for j in j_dim.alle:
            bez.append([("eintritte_vermittlungen", ("Eintritte", q, j), 1),
                        ("teilnehmende", (q, INSGESAMT, j), -1)])
    # Everyone placed has entered: entrants not (yet) placed are a hidden count. If every
    # first placement lies in or after the year of entry, this holds year by year too.
    kumulativ = bool((vm["jahr"] >= vm["eintritt_jahr"]).all())
    bis = jahre if kumulativ else jahre[-1:]
    rest = {}
    for q in q_dim.alle:
        for j in bis:
            e = sum(t2.werte[("Eintritte", q, x)] for x in jahre if x <= j)
            v = sum(t2.werte[(ARBEIT, q, x)] for x in jahre if x <= j)
            rest[(q, j)] = e - v
    h2 = Tabelle("eingetreten_nicht_vermittelt", "Eingetretene ohne Vermittlung bis Jahresende "
                 "(nicht veröffentlicht)", (q_dim, Dim("jahr", bis, summe=False)), rest,
                 oeffentlich=False)
    for q in q_dim.alle:
        for j in bis:
            row = [(h2.name, (q, j), -1)]
            for x in jahre:
                if x <= j:
                    row += [("eintritte_vermittlungen", ("Eintritte", q, x), 1),
                            ("eintritte_vermittlungen", (ARBEIT, q, x), -1)]
            bez.append(row)

    # 3 Types of the first placement by area ----------------------------------------------
    fein = defaultdict(int)
    for r in vm.itertuples(index=False):
        fein[(r.quartier, r.art)] += int(r.anzahl)
    a_dim = Dim("art", VERMITTLUNGSARTEN, titel="Art der Vermittlung")
    t3 = _aus_feinsten("vermittlungsarten", "Personen mit Arbeit oder Ausbildung nach Art "
                       "der ersten Vermittlung und Quartier",
                       (q_dim, a_dim), fein)
    t3.hinweis = "Jede vermittelte Person einmal, mit der Art ihrer ersten Vermittlung."
    for q in q_dim.alle:
        bez.append([("vermittlungsarten", (q, INSGESAMT), 1),
                    ("eintritte_vermittlungen", (ARBEIT, q, INSGESAMT), -1)])

    # 4 Business consultations by area × format (dominance rule), 5 businesses advised ----
    br = roh.beratungen
    f_dim = Dim("format", BERATUNGSFORMATE, titel="Format")
    fein = defaultdict(int)
    anteile: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in br.itertuples(index=False):
        fein[(r.quartier, r.format)] += int(r.anzahl)
        for q in (r.quartier, INSGESAMT):
            for f in (r.format, INSGESAMT):
                anteile[(q, f)][r.betrieb_id] += int(r.anzahl)
    t4 = _aus_feinsten("beratungen", "Beratungen von Betrieben nach Quartier und Format",
                       (q_dim, f_dim), fein,
                       beitraege={k: list(v.values()) for k, v in anteile.items()})
    t4.hinweis = ("Anzahl der Beratungen. Gesperrt ist auch, was von weniger als drei "
                  "Betrieben stammt oder zu mehr als der Hälfte von einem einzigen Betrieb.")
    betriebe = {(q,): len(anteile[(q, INSGESAMT)]) for q in QUARTIERE}
    t5 = _aus_feinsten("betriebe_beraten", "Beratene Betriebe nach Quartier", (q_dim,),
                       betriebe)
    t5.hinweis = "Jeder Betrieb einmal, gleich wie oft er beraten wurde."
    weitere = {(q,): t4.werte[(q, INSGESAMT)] - t5.werte[(q,)] for q in q_dim.alle}
    h5 = Tabelle("beratungen_weitere", "Beratungen über die erste je Betrieb hinaus "
                 "(nicht veröffentlicht)", (q_dim,), weitere, oeffentlich=False, schutz=False)
    for q in q_dim.alle:
        bez.append([("beratungen", (q, INSGESAMT), 1), ("betriebe_beraten", (q,), -1),
                    (h5.name, (q,), -1)])

    # 6, 7 Vacant units at year end and units re-let, by district × year ------------------
    le = roh.leerstaende.copy()
    stand = _datenstand(roh)
    l_jahre = tuple(str(y) for y in range(min(LAUFZEIT_START.year, stand.year), stand.year + 1))
    bekannt = [s for s in STADTTEILE if s in set(le["stadtteil"])]
    andere = sorted(set(le["stadtteil"]) - set(STADTTEILE) - {OHNE_ANGABE})
    st_dim = Dim("stadtteil", tuple(bekannt + andere
                                    + ([OHNE_ANGABE] if OHNE_ANGABE in set(le["stadtteil"])
                                       else [])), titel="Stadtteil")
    ls = pd.to_datetime(le["leer_seit"]).dt.date.astype(object)
    wb = pd.to_datetime(le["wiederbelegt_am"]).dt.date.astype(object)   # all empty: still dates
    bestand, neu, wieder, vorher = defaultdict(int), defaultdict(int), defaultdict(int), {}
    for s in st_dim.werte:
        m = le["stadtteil"] == s
        ende0 = dt.date(int(l_jahre[0]) - 1, 12, 31)
        vorher[(s,)] = int((m & (ls <= ende0) & (wb.isna() | (wb > ende0))).sum())
        for j in l_jahre:
            ende = dt.date(int(j), 12, 31)
            bestand[(s, j)] = int((m & (ls <= ende) & (wb.isna() | (wb > ende))).sum())
            neu[(s, j)] = int((m & (ls > dt.date(int(j) - 1, 12, 31)) & (ls <= ende)).sum())
            wieder[(s, j)] = int((m & wb.notna() & (wb > dt.date(int(j) - 1, 12, 31))
                                  & (wb <= ende)).sum())
    lj_summe = Dim("jahr", l_jahre, titel="Jahr")
    lj_bestand = Dim("jahr", l_jahre, summe=False, titel="Jahr")
    aktuell = (wb.isna() | (wb > stand)) & (ls <= stand)
    oeff = le["oeffentlich"].fillna(False).astype(bool) & aktuell
    unten = {(s, l_jahre[-1]): int((oeff & (le["stadtteil"] == s)).sum()) for s in st_dim.werte}
    unten[(INSGESAMT, l_jahre[-1])] = int(oeff.sum())
    t6 = _aus_feinsten("leerstaende_bestand", "Leerstände am Jahresende nach Stadtteil",
                       (st_dim, lj_bestand), bestand, untergrenzen=unten)
    t6.hinweis = ("Leerstehende Einheiten und Brachflächen, die das Projekt erfasst hat, am "
                  f"31.12. des Jahres (im Jahr {l_jahre[-1]}: zum Datenstand "
                  f"{monat(stand)}). Zwischennutzungen zählen als Leerstand.")
    t7 = _aus_feinsten("leerstaende_wiederbelegt", "Wiederbelegte Leerstände nach Stadtteil "
                       "und Jahr", (st_dim, lj_summe), wieder)
    t7.hinweis = "Einheiten, die im Jahr wieder genutzt wurden."
    h6 = _aus_feinsten("leerstaende_neu", "Neu erfasste Leerstände (nicht veröffentlicht)",
                       (st_dim, lj_bestand), neu, oeffentlich=False)
    h7 = _aus_feinsten("leerstaende_vorher", "Leerstände vor dem ersten Jahr (nicht "
                       "veröffentlicht)", (st_dim,), vorher, oeffentlich=False)
    for s in st_dim.alle:
        for i, j in enumerate(l_jahre):
            vor = (h7.name, (s,), -1) if i == 0 else ("leerstaende_bestand", (s, l_jahre[i - 1]), -1)
            bez.append([("leerstaende_bestand", (s, j), 1), vor, (h6.name, (s, j), -1),
                        ("leerstaende_wiederbelegt", (s, j), 1)])

    alle = [t1, h1, t2, h2, t3, t4, t5, h5, t6, t7, h6, h7]
    return Verbund({t.name: t for t in alle}, bez), {"stand": stand}


def _aus_feinsten(name, titel, dims, fein, **kw) -> Tabelle:
    return Tabelle.aus_feinsten(name, titel, dims, fein, **kw)


# --- Output --------------------------------------------------------------------------------

def tabelle_frame(t: Tabelle, gesperrt: set) -> pd.DataFrame:
    """Tidy table: dimension columns, `wert` (empty when suppressed), `gesperrt`."""
    rows = []
    for key in t.keys():
        sperre = (t.name, key) in gesperrt
        rows.append({**{d.name: v for d, v in zip(t.dims, key)},
                     "wert": None if sperre else t.werte[key], "gesperrt": sperre})
    df = pd.DataFrame(rows)
    df["wert"] = df["wert"].astype("Int64")
    return df


def quoten(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rates from published counts; a rate is suppressed when either count is."""
    ev = frames["eintritte_vermittlungen"]
    tn = frames["teilnehmende"]
    rows = []

    def zelle(df, **dims):
        m = pd.Series(True, index=df.index)
        for k, v in dims.items():
            m &= df[k] == v
        r = df[m].iloc[0]
        return None if r["gesperrt"] else int(r["wert"])

    for q in (*QUARTIERE, INSGESAMT):
        nenner = zelle(ev, kennzahl="Eintritte", quartier=q, jahr=INSGESAMT)
        paare = [("Vermittlungsquote",
                  zelle(ev, kennzahl=ARBEIT, quartier=q, jahr=INSGESAMT))]
        paare += [(ANTEILE[g], zelle(tn, quartier=q, zielgruppe=ZIELGRUPPEN_NAMEN[g],
                                     jahr=INSGESAMT)) for g in ZIELGRUPPEN]
        for name, zaehler in paare:
            ok = zaehler is not None and nenner not in (None, 0)
            rows.append({"quartier": q, "kennzahl": name,
                         # unrounded: rounded once, at display (kennzahlen 'vermittlungsquote')
                         "wert": 100 * zaehler / nenner if ok else None,
                         "gesperrt": not ok})
    return pd.DataFrame(rows)


def fingerabdruck(roh: Rohdaten) -> str:
    """SHA-256 over the aggregates publishing reads: equal when a new publication would
    show the same figures (kept internal, used to tell whether a publication is current)."""
    h = hashlib.sha256()
    for df in (roh.teilnehmende, roh.vermittlungen, roh.beratungen, roh.leerstaende):
        h.update(df.to_csv(index=False).encode("utf-8"))
    h.update(str(roh.meta.get("datenstand")).encode("utf-8"))
    return h.hexdigest()


def erstellen(roh: Rohdaten, schwelle: int = dc.SCHWELLE, jetzt: dt.datetime | None = None,
              sperren=None, vorher: list[revisionen.Stand] | revisionen.Stand | None = None,
              historie: list[dict] | None = None) -> Veroeffentlichung:
    """Build, protect and audit the public figures (nothing is written).

    With `vorher` (the internal values of the earlier revisions) the new figures are
    audited together with each of them (biwaq.oeffentlich.revisionen): cells whose change could be
    worked out while smaller than the threshold are suppressed as well; if no safe pattern
    is found, PublishFehler. `historie`: the previous manifest's list of revisions."""
    schwelle = _schwelle(schwelle)
    fruehere = ([] if vorher is None else [vorher] if isinstance(vorher, revisionen.Stand)
                else list(vorher))
    verbund, info = verbund_bauen(roh)
    # earlier suppressions stay on cells whose true value has not changed (revisionen)
    zusaetzlich: dict = revisionen.fruehere_sperren(verbund, fruehere, schwelle)
    for runde in range(revisionen.MAX_RUNDEN):
        ergebnis = (dc.schuetzen(verbund, schwelle, zusaetzlich=zusaetzlich)
                    if sperren is None else sperren(verbund, schwelle))
        pruefung = dc.pruefen(verbund, ergebnis.gesperrt, ergebnis.anforderungen, schwelle)
        schwach = [p for p in pruefung if not p.ok]
        if schwach:
            raise PublishFehler(str(dc.PruefungFehlgeschlagen(schwach)))
        fehler, mit = [], None
        for stand in fruehere:
            fehler, _ = revisionen.gemeinsam_pruefen(verbund, ergebnis, stand, schwelle)
            if fehler:
                mit = stand.revision
                break
        if not fehler:
            break
        if sperren is not None or not revisionen.reparatur(fehler, verbund, ergebnis,
                                                           zusaetzlich, schwelle):
            raise PublishFehler(
                f"Zusammen mit der Veröffentlichung Nr. {mit} ließen sich Änderungen unter der "
                "Schwelle ausrechnen; nichts veröffentlicht. " + "; ".join(
                    p.text() for p in fehler[:5]))
    else:
        raise PublishFehler("Zusammen mit den früheren Veröffentlichungen fand sich kein "
                            "sicheres Sperrmuster; nichts veröffentlicht.")
    frames = {t.name: tabelle_frame(t, ergebnis.gesperrt)
              for t in verbund.tabellen.values() if t.oeffentlich}
    _keine_kleinen_werte(frames, schwelle)
    frames[QUOTEN] = quoten(frames)
    orte = _orte(roh, info["stand"], frames.get("leerstaende_bestand"))
    jetzt = jetzt or dt.datetime.now()
    manifest = _manifest(verbund, ergebnis, pruefung, roh, info["stand"], schwelle, jetzt)
    nummer = max((f.revision for f in fruehere), default=0) + 1
    geprueft = sorted(f.revision for f in fruehere)
    manifest["revision"] = nummer
    manifest["revisionen"] = [*(historie or []), {
        "revision": nummer, "veroeffentlicht_am": manifest["veroeffentlicht_am"],
        "datenstand": manifest["datenstand"], "gemeinsam_geprueft_mit": geprueft}]
    manifest["pruefung"]["gemeinsam_geprueft_mit"] = geprueft
    intern = revisionen.als_json(nummer, verbund, ergebnis, fingerabdruck(roh))
    return Veroeffentlichung(manifest, frames, orte, ergebnis, verbund, intern)


def _schwelle(schwelle) -> int:
    """The threshold, or PublishFehler (German) below 3: 1 and 2 are never published."""
    try:
        return dc.schwelle_pruefen(schwelle)
    except dc.SchwelleUnzulaessig as e:
        raise PublishFehler(str(e)) from e


def _keine_kleinen_werte(frames: dict[str, pd.DataFrame], schwelle: int) -> None:
    """Last line of defence: no count between 1 and threshold−1 is ever written."""
    for name, df in frames.items():
        w = df["wert"].dropna()
        if ((w >= 1) & (w < schwelle)).any():
            raise PublishFehler(f"Tabelle {name}: kleiner Wert ungesperrt")


def _orte(roh: Rohdaten, stand: dt.date, bestand: pd.DataFrame | None = None) -> pd.DataFrame:
    """Address, type, floor area and exact position only of units whose owner agreed to
    publication, and only while still vacant at the data stand (issue 12: a list with
    address, never bare coordinates; the position draws the public map).

    Fail closed: none in a district whose latest published vacancy count (`bestand`, the
    protected table leerstaende_bestand) is suppressed – the listed units would give a lower
    bound of the hidden count. Without that table no unit is listed."""
    le = roh.leerstaende
    ls = pd.to_datetime(le["leer_seit"]).dt.date.astype(object)
    wb = pd.to_datetime(le["wiederbelegt_am"]).dt.date.astype(object)   # all empty: still dates
    m = le["oeffentlich"].fillna(False).astype(bool) & (wb.isna() | (wb > stand)) & (ls <= stand)
    if bestand is None or bestand.empty:
        return pd.DataFrame(columns=["stadtteil", "adresse", "art", "flaeche_m2", "lat", "lon"])
    letztes = bestand[bestand["jahr"] != INSGESAMT]["jahr"].astype(str).max()
    zuletzt = bestand[bestand["jahr"].astype(str) == letztes]
    offen = set(zuletzt.loc[~zuletzt["gesperrt"].astype(bool), "stadtteil"])
    m &= le["stadtteil"].isin(offen)
    spalten = [c for c in ("stadtteil", "adresse", "art", "flaeche_m2", "lat", "lon") if c in le]
    out = le.loc[m, spalten].copy()
    out["lat"] = out["lat"].round(5)
    out["lon"] = out["lon"].round(5)
    return out.sort_values(["stadtteil", *spalten[1:]]).reset_index(drop=True)


def _manifest(verbund: Verbund, ergebnis: dc.Ergebnis, pruefung: list[dc.Pruefung],
              roh: Rohdaten, stand: dt.date, schwelle: int, jetzt: dt.datetime) -> dict:
    tabellen = []
    for t in verbund.tabellen.values():
        if not t.oeffentlich:
            continue
        tabellen.append({
            "name": t.name, "datei": f"{t.name}.csv", "titel": t.titel, "hinweis": t.hinweis,
            "dimensionen": [{"name": d.name, "titel": d.titel or DIM_TITEL[d.name],
                             "werte": list(d.alle), "summe": d.summe} for d in t.dims],
        })
    tabellen.append({
        "name": QUOTEN, "datei": f"{QUOTEN}.csv", "titel": "Quoten und Anteile nach Quartier",
        "hinweis": "Prozent, berechnet aus den veröffentlichten Zahlen; gesperrt, wenn eine der "
                   "beiden Zahlen gesperrt ist.",
        "dimensionen": [{"name": "quartier", "titel": "Quartier",
                         "werte": [*QUARTIERE, INSGESAMT], "summe": False},
                        {"name": "kennzahl", "titel": "Kennzahl", "summe": False,
                         "werte": ["Vermittlungsquote", *(ANTEILE[g] for g in ZIELGRUPPEN)]}],
        "abgeleitet": True,
    })
    breiten = [p.breite for p in pruefung]
    return {
        "titel": "BIWAQ Erfurt – öffentliche Zahlen",
        "datenstand": stand.strftime("%Y-%m"),      # month only: exact dates can identify
        "veroeffentlicht_am": jetzt.isoformat(timespec="seconds"),
        "datenquelle": roh.meta.get("datenquelle", "import"),
        "schwelle": schwelle,
        "methode": dc.METHODE,
        "dominanz": {"anteil": dc.DOMINANZ_ANTEIL, "schutzanteil": dc.DOMINANZ_SCHUTZ},
        "hinweis": HINWEIS.format(s=schwelle),
        "pruefung": {
            "bestanden": True,
            "gesperrte_zellen": len(ergebnis.gesperrt),
            "primaer": len(ergebnis.primaer),
            "sekundaer": len(ergebnis.sekundaer),
            "gepruefte_zellen": len(pruefung),
            "kleinste_breite": (None if not breiten else
                                (None if math.isinf(min(breiten)) else min(breiten))),
        },
        "tabellen": tabellen,
        "orte": {"datei": ORTE_DATEI, "titel": "Leerstände mit veröffentlichter Lage",
                 "hinweis": "Nur Leerstände, deren Eigentümer der Veröffentlichung der genauen "
                            "Lage zugestimmt haben; alle anderen erscheinen nur als Zahl je "
                            "Stadtteil."},
    }


# --- Writing -------------------------------------------------------------------------------

def schreiben(v: Veroeffentlichung, out: Path | str) -> Path:
    """Write into a fresh sibling directory, then swap it in; an existing publication is
    replaced, any other non-empty directory is left alone. Earlier revisions are kept in
    `revisionen/NNNN/` (each with its manifest); this one is added there too."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or
                         (any(out.iterdir()) and not (out / MANIFEST).exists())):
        raise PublishFehler(f"{out} ist kein Verzeichnis einer früheren Veröffentlichung und "
                            "wird nicht überschrieben.")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    alt = out.with_name(f".{out.name}.{uuid.uuid4().hex}.alt")
    try:
        tmp.mkdir()
        if (out / revisionen.REVISIONEN).is_dir():
            shutil.copytree(out / revisionen.REVISIONEN, tmp / revisionen.REVISIONEN)
        nummer = int(v.manifest.get("revision", 1))
        for ziel in (tmp, tmp / revisionen.REVISIONEN / f"{nummer:04d}"):
            ziel.mkdir(parents=True, exist_ok=True)
            for name, df in v.tabellen.items():
                _csv(df, ziel / f"{name}.csv")
            _csv(v.orte, ziel / ORTE_DATEI)
            # the public app shows nothing whose files differ from these (published.pruefen)
            v.manifest[PRUEFSUMMEN] = {n: pruefsumme(ziel / n) for n in dateien(v.manifest)}
            (ziel / MANIFEST).write_text(json.dumps(v.manifest, ensure_ascii=False, indent=2),
                                         encoding="utf-8")
        if out.exists():
            os.replace(out, alt)
        os.replace(tmp, out)
    finally:
        for p in (tmp, alt):
            if p.exists():
                shutil.rmtree(p)
    return out


def vorige(out: Path | str, intern: Path | str | None = None
           ) -> tuple[list[revisionen.Stand], list[dict]]:
    """Every earlier revision in `out` (internal values from `intern`, default
    `<out>.intern`) and the list of revisions so far. A publication without internal values
    (written by an older version, or the internal folder lost) stops publishing: it could
    not be audited together with the new one."""
    out = Path(out)
    intern = Path(intern) if intern else revisionen.intern_verzeichnis(out)
    if not (out / MANIFEST).exists():
        return [], []
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    nummer = int(manifest.get("revision", 0))
    staende = [revisionen.laden(intern, n) for n in range(1, nummer + 1)]
    if not nummer or any(s is None for s in staende):
        raise PublishFehler(
            f"Zu den bisherigen Veröffentlichungen in {out} fehlen die internen Prüfwerte "
            f"({intern}). Ohne sie lässt sich die neue nicht zusammen mit ihnen prüfen. Wer "
            "bewusst neu beginnen will, verschiebt das Verzeichnis vorher.")
    return staende, list(manifest.get("revisionen", []))


def _csv(df: pd.DataFrame, path: Path) -> None:
    """Tidy CSV; text cells that a spreadsheet would run as formulas are written as text
    (`published.text_schuetzen`, read back exactly by `published.laden`)."""
    out = df.copy()
    if "gesperrt" in out:
        out["gesperrt"] = out["gesperrt"].map({True: "true", False: "false"})
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(text_schuetzen, na_action="ignore")
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def publish(db: Path | str | None, out: Path | str, schwelle: int = dc.SCHWELLE,
            intern: Path | str | None = None, fortschritt=None, con=None
            ) -> Veroeffentlichung:
    """Read, protect, audit (together with every earlier revision in `out`) and write a new
    revision. Raises PublishFehler (nothing written) on failure. `fortschritt(text)` is
    called before each step (for a progress note); `con`: an open read-only connection
    instead of `db`. One publication at a time per directory (a lock file in the internal
    folder); a second one waits."""
    melden = fortschritt or (lambda text: None)
    schwelle = _schwelle(schwelle)
    intern = Path(intern) if intern else revisionen.intern_verzeichnis(out)
    intern.mkdir(parents=True, exist_ok=True)
    with open(intern / ".sperre", "w") as sperre:
        fcntl.flock(sperre, fcntl.LOCK_EX)
        melden("Frühere Veröffentlichungen lesen …")
        vorher, historie = vorige(out, intern)
        melden("Zahlen aus der Datenbank lesen …")
        roh = lesen(db, con=con)
        melden("Sperren und prüfen" + (f" (zusammen mit {len(vorher)} früheren "
                                       "Veröffentlichungen)" if vorher else "") + " …")
        v = erstellen(roh, schwelle, vorher=vorher, historie=historie)
        melden("Schreiben …")
        revisionen.speichern(intern, v.intern)
        schreiben(v, out)
    return v
