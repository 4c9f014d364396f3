"""The steering committee's report for a meeting: an A4 PDF and an XLSX with every table of it.

`daten(con, filt, kommentare)` computes every figure with the same named queries and library
functions the pages use (biwaq.zahlen.zielstand, analytics, oekonomie, quality), so the report's
numbers are the pages' numbers. `pdf()` lays them out with fpdf2 (fonts: DejaVu Sans shipped
with matplotlib, so no system font and no browser is needed); charts are drawn server-side with
matplotlib (`biwaq.app.charts_bericht`) in the dashboard's colours. Output is deterministic: the
PDF's creation date and metadata are fixed to the data as-of date, and nothing depends on the
clock. `xlsx_bytes()` writes texts as texts (never formulas or links).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from biwaq.zahlen import analytics as an
from biwaq.zahlen import kennzahlen as kz
from biwaq.app import kommentare as km
from biwaq.zahlen import oekonomie as oek
from biwaq.zahlen import quality
from biwaq.zahlen import zielstand as zs
from biwaq.einlesen.contract import QUARTIERE, TRAEGER, TRAEGER_NAMEN, ZIELGRUPPEN_NAMEN
from biwaq.speicher.filters import Filter
from biwaq.speicher.queries import run_query

TITEL = "Bericht für die Steuerungsrunde"
PROJEKT = "BIWAQ Erfurt – Bildung, Wirtschaft, Arbeit im Quartier"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Headlines and sentences of the report in ONE place (to be wired to the figures catalogue).
ABSCHNITTE = {
    "ziele": "1 Stand gegenüber den Zielen",
    "reichweite": "2 Zielgruppen: Reichweite, Ziele und Bevölkerung",
    "trichter": "3 Vom Erstkontakt zum Verbleib",
    "esf": "4 ESF+-Indikatoren",
    "betriebe": "5 Lokale Ökonomie: Stabilisierung der Betriebe",
    "leerstand": "6 Leerstand",
    "qualitaet": "7 Datenqualität",
    "kommentare": "8 Kommentare der Steuerungsrunde",
}
# Status columns of the target-group table (attributes, kennzahlen.MERKMALE)
STATUS_SPALTE = {"teilnehmende": "Status Erreichte", "eintritte": "Status Eintritte"}
# The Vermittlung page's headline figures of the funnel, by stage (same catalogue labels)
TRICHTER_KENNZAHLEN = {"Erstkontakt": "kohorte_erstkontakte", "Eintritt": "kohorte_eingetreten",
                       "Vermittlung": "kohorte_vermittelt",
                       an.STUFE_VERBLEIB: "kohorte_verbleib"}
STUFEN_BERICHT = ("Erstkontakt", "Eintritt", "Aktiv begleitet", "Praxiserfahrung",
                  "Vermittlung", an.STUFE_VERBLEIB)


def datum(d) -> str:
    return "–" if d is None or pd.isna(d) else pd.Timestamp(d).strftime("%d.%m.%Y")


@dataclass
class BerichtDaten:
    """Everything the report shows; tables are display-ready (German column names)."""
    filt: Filter
    datenstand: dt.date | None
    demo: bool
    stichtag: dt.date
    zielstand: zs.Zielstand | None
    tabellen: dict[str, pd.DataFrame] = field(default_factory=dict)
    texte: dict[str, list[str]] = field(default_factory=dict)
    karte: dict = field(default_factory=dict)     # objekte, umrisse for the map


# --- Computing -------------------------------------------------------------------------------

def _reichweite(con, filt: Filter, stand: zs.Zielstand | None) -> pd.DataFrame:
    """Per target group (and all): reached and enrolled in the period, and – counted from the
    project start as the on-track rule does – the targets with their status."""
    roh = run_query("zielgruppen_reichweite", con, **filt.params(), dim="gesamt")
    reich = an.reichweite_tabelle(roh, "gesamt", filt.von, filt.bis)
    ziele = stand.tabelle if stand is not None else pd.DataFrame(columns=zs.TABELLE_SPALTEN)
    zeilen = []
    for r in reich.itertuples():
        gruppe = None if r.gruppe == "alle" else r.gruppe
        z = {}
        for k in ("teilnehmende", "eintritte"):
            t = ziele[(ziele["kennzahl"] == k) & (ziele["zielgruppe"].fillna("") == (gruppe or ""))
                      & (ziele["quartier"].fillna("") == (filt.quartier or ""))]
            z[k] = next(t.itertuples()) if len(t) else None
        zeile = {"Gruppe": r.Gruppe, kz.label("erreichte_personen"): int(r.erreicht),
                 kz.label("eintritte"): int(r.eingetreten)}
        for k in ("teilnehmende", "eintritte"):
            zeile[kz.label(f"ziel_{k}")] = z[k].wert if z[k] else None
            zeile[kz.label(f"ziel_zielwert_{k}")] = z[k].zielwert if z[k] else None
            zeile[STATUS_SPALTE[k]] = z[k].status if z[k] else "kein Ziel"
        zeilen.append(zeile)
    out = pd.DataFrame(zeilen)
    for k in ("teilnehmende", "eintritte"):
        for c in (kz.label(f"ziel_{k}"), kz.label(f"ziel_zielwert_{k}")):
            out[c] = out[c].astype("Int64")
    return out


def _bevoelkerung(con, filt: Filter) -> pd.DataFrame:
    rep = an.repraesentation(run_query("zielgruppen_repraesentation", con, **filt.params()))
    return pd.DataFrame({
        "Stadtteil": rep["stadtteil"],
        kz.label("erreichte_personen"): rep["teilnehmende"].astype(int),
        kz.label("mit_migration"): rep["mit_migration"].astype(int),
        kz.label("anteil_migration_tn"): [kz.fmt("anteil_migration_tn", x, einheit=False)
                                          for x in rep["anteil_teilnehmende"]],
        kz.label("anteil_migration_bev"): [kz.fmt("anteil_migration_bev", x, einheit=False)
                                           for x in rep["anteil_bevoelkerung"]]})


def _trichter(con, filt: Filter) -> pd.DataFrame:
    wide = run_query("vermittlung_trichter", con, **filt.params(), dim="zielgruppe")
    lang = an.trichter_lang(wide)
    alle = lang[lang["gruppe"] == "alle"]
    return pd.DataFrame({
        "Stufe": alle["stufe"], kz.label("personen"): alle["personen"].astype(int),
        kz.label("uebergangsquote"): [kz.fmt("uebergangsquote", x, einheit=False)
                                      for x in alle["quote_vorstufe"]],
        kz.label("anteil_erstkontakte"): [kz.fmt("anteil_erstkontakte", x, einheit=False)
                                          for x in alle["quote_erstkontakt"]]})


def _esf(con, filt: Filter) -> tuple[pd.DataFrame, pd.DataFrame]:
    zellen = an.esf_zellen(run_query("esf_gliederung", con, **filt.params()))   # one query
    haupt = an.esf_tabelle(zellen(None, None, None))
    glied = an.esf_gliederung(
        zellen, [filt.quartier] if filt.quartier else [*QUARTIERE, None],
        [filt.traeger] if filt.traeger else [*TRAEGER, None])
    return haupt, glied


def _betriebe(con, filt: Filter, datenstand) -> tuple[list[str], pd.DataFrame]:
    """The Betriebe section: the same figures as the Betriebe page, from the same queries
    and code (oekonomie.betriebe_auswertung; no sector filter, as the page without one)."""
    aw = oek.betriebe_auswertung(
        lambda name: run_query(name, con, **filt.params(), branchen=None))
    stichtag = oek.stichtag(filt.bis, datenstand)
    if aw is None:
        return ["Im Zeitraum wurde kein Betrieb beraten."], pd.DataFrame()
    kennz = aw["kennz"]
    alle = kennz[(kennz["Gruppe"] == oek.ALLE) & (kennz["Beginn"] == "seit Gründung")].iloc[0]
    n, mig, aktiv = aw["betriebe"], aw["migrantenoekonomie"], aw["aktiv"]

    def km(monate: int) -> str:
        # as the page's table (oekonomie.ueberleben_anzeige): '–' below the minimum base
        return kz.fmt("km_aktiv_ki", alle[f"aktiv nach {monate} Mon."],
                      basis=alle[f"unter Beobachtung {monate} Mon."])
    saetze = [
        f"Im Zeitraum wurden {kz.fmt('beratene_betriebe', n)} Betriebe beraten, davon "
        f"{kz.fmt('beratene_migrantenoekonomie', mig)} aus der Migrantenökonomie, in "
        f"{kz.fmt('beratungen_zeitraum', aw['beratungen'])} "
        "Beratungen.",
        f"Am Stichtag {datum(stichtag)} waren {kz.fmt('aktiv_am_stichtag', aktiv)} von ihnen "
        "noch aktiv.",
        f"Von den beratenen Betrieben sind geschätzt 12 Monate nach "
        f"Gründung {km(12)} und 24 Monate nach Gründung {km(24)} noch "
        "aktiv (Betriebe, die noch aktiv sind, zählen bis zum Stichtag mit; ein Betrieb zählt "
        "erst ab seiner ersten Beratung).",
        "Träger und Zielgruppe gelten für Betriebe nicht."]
    return saetze, oek.ueberleben_anzeige(kennz)


def _leerstand(con, filt: Filter, datenstand) -> tuple[list[str], pd.DataFrame, dict]:
    objekte = run_query("oek_leerstand_objekte", con, **filt.params(), arten=None, status=None,
                        stadtteile=None, flaeche_min=None, flaeche_max=None, leer_von=None,
                        leer_bis=None)
    werte = oek.leerstand_kennzahlen(objekte)
    stichtag = oek.stichtag(filt.bis, datenstand)
    median = werte["median_monate"]
    saetze = [
        f"Am Stichtag {datum(stichtag)} standen "
        f"{kz.fmt('leerstehend_stichtag', werte['einheiten'])} Objekte mit zusammen {kz.fmt('leerstehende_flaeche', werte['flaeche_m2'])} leer "
        f"(Median der Leerstandsdauer {kz.fmt('median_leerstandsdauer', median)}).",
        f"Im Zeitraum wurden {kz.fmt('wiederbelegt_zeitraum', werte['wiederbelegt'])} Objekte "
        "wiederbelegt.",
        "Träger und Zielgruppe gelten für Leerstände nicht."]
    leer = objekte[objekte["leer_am_stichtag"].astype(bool)].copy()
    leer["stadtteil"] = leer["stadtteil"].fillna(an.OHNE_ANGABE)
    je = (leer.groupby(["quartier", "stadtteil"], dropna=False)
              .agg(objekte=("objekt_id", "count"), flaeche=("flaeche_m2", "sum")).reset_index())
    tab = pd.DataFrame({"Quartier": je["quartier"], "Stadtteil": je["stadtteil"],
                        kz.label("leerstehend_stichtag"): je["objekte"].astype(int),
                        kz.label("leerstehende_flaeche"): [kz.fmt("leerstehende_flaeche", f)
                                                           for f in je["flaeche"]]})
    umrisse = run_query("oek_stadtteil_umrisse", con)
    if filt.quartier:
        umrisse = umrisse[umrisse["quartier"] == filt.quartier]
    return saetze, tab, {"objekte": objekte, "umrisse": umrisse}


def _qualitaet(con, filt: Filter) -> pd.DataFrame:
    """Errors and warnings by rule, under the Quartier and Träger filters as on the page."""
    regeln, faelle = quality.pruefen(con)
    if filt.quartier:
        faelle = faelle[faelle["quartier"] == filt.quartier]
    if filt.traeger:
        faelle = faelle[faelle["traeger"].isna() | (faelle["traeger"] == filt.traeger)]
    anzahl = faelle.groupby("regel").size() if len(faelle) else pd.Series(dtype=int)
    return pd.DataFrame({
        "Regel": regeln["id"], "Schweregrad": regeln["schwere"],
        "Beschreibung": regeln["beschreibung"],
        "Verstöße": [int(anzahl.get(r, 0)) for r in regeln["id"]],
        "Hinweis": regeln["hinweis"].fillna("")})


def _kommentare(ks: km.KommentarStore | None, filt: Filter) -> pd.DataFrame:
    """Comments written for this Quartier or for both areas (each with its own filters)."""
    if ks is None or not ks.path.exists():
        return km.export_tabelle(pd.DataFrame(columns=km.SPALTEN))
    df = ks.liste()
    if filt.quartier and len(df):
        q = df["filter_json"].map(lambda j: json.loads(j).get("quartier"))
        df = df[q.isna() | (q == filt.quartier)]
    return km.export_tabelle(df.sort_values(["erstellt", "id"]))


def daten(con: duckdb.DuckDBPyConnection, filt: Filter,
          ks: km.KommentarStore | None = None) -> BerichtDaten:
    """All figures of the report for these filters, computed as the pages compute them."""
    meta = dict(run_query("meta", con).itertuples(index=False, name=None))
    stand_text = meta.get("datenstand")
    datenstand = dt.date.fromisoformat(stand_text) if stand_text and stand_text != "None" \
        else None
    stand = None
    if not filt.traeger:
        stand = zs.zielstand(zs.verlauf_roh(con, **zs.zielstand_params(filt)))   # stored days
    stichtag = min(filt.bis, datenstand) if datenstand else filt.bis
    d = BerichtDaten(filt, datenstand, meta.get("datenquelle") == "demo", stichtag, stand)
    if stand is not None:
        d.tabellen["Stand gegenüber den Zielen"] = zs.anzeige_tabelle(stand.tabelle)
        d.tabellen["Zielverlauf je Quartal"] = _verlauf_tabelle(stand)
    d.tabellen["Zielgruppen"] = _reichweite(con, filt, stand)
    d.tabellen["Bevölkerungsvergleich"] = _bevoelkerung(con, filt)
    t = d.tabellen["Trichter und Verbleib"] = _trichter(con, filt)
    personen = dict(zip(t["Stufe"], t[kz.label("personen")]))
    d.texte["trichter"] = [" · ".join(f"{kz.label(kid)}: {kz.fmt(kid, personen.get(stufe))}"
                                      for stufe, kid in TRICHTER_KENNZAHLEN.items())]
    haupt, glied = _esf(con, filt)
    d.tabellen["ESF+-Indikatoren"] = an.esf_anzeige(haupt)
    d.tabellen["ESF+ nach Geschlecht"] = glied
    d.texte["betriebe"], d.tabellen["Stabilisierung Betriebe"] = _betriebe(con, filt,
                                                                           stand_text)
    d.texte["leerstand"], d.tabellen["Leerstand je Stadtteil"], d.karte = _leerstand(
        con, filt, stand_text)
    q = d.tabellen["Datenqualität"] = _qualitaet(con, filt)
    n_f = int(q.loc[q["Schweregrad"] == quality.FEHLER, "Verstöße"].sum())
    n_w = int(q.loc[q["Schweregrad"] == quality.WARNUNG, "Verstöße"].sum())
    d.texte["qualitaet"] = [
        f"{kz.fmt('regeln_geprueft', len(q))} Regeln geprüft: {kz.fmt('verstoesse_fehler', n_f)}"
        f" Verstöße gegen Fehler-Regeln, {kz.fmt('warnungen', n_w)} Warnungen (Quartier und "
        "Träger gelten, Zeitraum "
        "und Zielgruppe nicht)."
        + (" Die betroffenen Zahlen sind unzuverlässig." if n_f else "")]
    d.tabellen["Kommentare"] = _kommentare(ks, filt)
    return d


def _verlauf_tabelle(stand: zs.Zielstand) -> pd.DataFrame:
    namen = dict(zip(stand.tabelle["ziel_id"], stand.tabelle["label"]))
    v = stand.verlauf
    return pd.DataFrame({"Ziel": v["ziel_id"].map(namen), "Quartal": v["quartal"],
                         "Bis": [datum(x) for x in v["datum"]],
                         kz.label("ziel_kumuliert"): v["kumuliert"].astype(int),
                         kz.label("ziel_linie"): [int(zs.runden(e)) for e in v["erwartet"]]})


# --- Names -----------------------------------------------------------------------------------

def _ascii(s: str) -> str:
    s = s.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def dateiname(filt: Filter, endung: str, datenstand: dt.date | None = None) -> str:
    """'biwaq_bericht_2015-10-01_bis_2018-12-31_sued-ost_stand_2018-12-31.pdf': period, every
    set filter and the data as-of date (left out when unknown), so two reports of different
    data never get the same name."""
    teile = ["biwaq_bericht", filt.von.isoformat(), "bis", filt.bis.isoformat()]
    if filt.quartier:
        teile.append(_ascii(filt.quartier))
    if filt.traeger:
        teile.append(_ascii(filt.traeger))
    if filt.zielgruppe:
        teile.append(_ascii(filt.zielgruppe))
    if datenstand is not None:
        teile += ["stand", datenstand.isoformat()]
    return "_".join(teile) + "." + endung


def filter_zeilen(filt: Filter) -> list[str]:
    return [
        "Zeitraum: " + datum(filt.von) + " bis " + datum(filt.bis),
        "Quartier: " + (filt.quartier or "beide (Magdeburger Allee und Süd-Ost)"),
        "Träger: " + (TRAEGER_NAMEN.get(filt.traeger, filt.traeger) if filt.traeger
                      else "alle"),
        "Zielgruppe: " + (ZIELGRUPPEN_NAMEN.get(filt.zielgruppe, filt.zielgruppe)
                          if filt.zielgruppe else "alle"),
    ]


# --- XLSX ------------------------------------------------------------------------------------

def xlsx_bytes(tabellen: dict[str, pd.DataFrame], titel: str, filter_text: str,
               datenstand: str | None, typisieren: bool = True,
               als_text: tuple[str, ...] = ()) -> bytes:
    """One sheet per table (name ≤ 31 characters), each table from cell A1 (header in row 1),
    then a sheet „Filter“ with title, filters and data as-of date (issue 15: a table reads
    back without skipping rows). With `typisieren`, display texts of numbers, percentages and
    dates become real numbers and dates with the format shown (`export.xlsx_typisiert`);
    free texts (comments) pass typisieren=False, or name their tables in `als_text`. Texts
    stay texts: strings are never turned
    into formulas or links (XlsxWriter strings_to_formulas/strings_to_urls off; see field
    case 12)."""
    from biwaq.app import export
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter", datetime_format="dd.mm.yyyy",
                        date_format="dd.mm.yyyy", engine_kwargs={"options": {
                            "strings_to_formulas": False, "strings_to_urls": False}}) as xw:
        xw.book.set_properties({"title": titel, "author": "BIWAQ Erfurt",
                                "created": dt.datetime(2000, 1, 1)})
        fett = xw.book.add_format({"bold": True})
        for name, df in tabellen.items():
            blatt = re.sub(r"[\[\]:*?/\\]", "-", name)[:31]
            typ, formate = export.xlsx_typisiert(df) if typisieren and name not in als_text \
                else (df, {})
            typ.to_excel(xw, sheet_name=blatt, index=False)
            ws = xw.sheets[blatt]
            ws.freeze_panes(1, 0)
            for j, col in enumerate(df.columns):
                breite = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)]) + 2
                ws.set_column(j, j, min(breite, 60),
                              xw.book.add_format({"num_format": formate[col]})
                              if col in formate else None)
        wf = xw.book.add_worksheet(export.BLATT_FILTER)
        kopf = [f"BIWAQ Erfurt – {titel}", f"Filter: {filter_text}"]
        if datenstand:
            kopf.append(f"Datenstand: {datenstand}")
        kopf.append("Tabellen: " + ", ".join(tabellen))
        for i, zeile in enumerate(kopf):
            wf.write_string(i, 0, zeile, fett if i == 0 else None)
        wf.set_column(0, 0, 100)
    return buf.getvalue()


def xlsx(d: BerichtDaten) -> bytes:
    """Every table of the report, one sheet each."""
    return xlsx_bytes(d.tabellen, TITEL, " · ".join(filter_zeilen(d.filt)), datum(d.datenstand),
                      als_text=("Kommentare",))
