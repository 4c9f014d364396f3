"""Local economy figures (businesses, vacancies) from query results; no Streamlit here."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from biwaq.zahlen import kennzahlen as kz
from biwaq.zahlen import survival
from biwaq.einlesen.contract import TRAEGER_NAMEN, ZIELGRUPPEN_NAMEN
from biwaq.speicher.filters import Filter

MIGRANT, ANDERE, ALLE = "Migrantenökonomie", "Andere Betriebe", "Alle beratenen Betriebe"
URSPRUENGE = {"gruendung": "seit Gründung", "beratung": "seit erster Beratung"}
STUETZSTELLEN = (0, 6, 12, 18, 24, 36, 48)     # months shown in the survival table
OHNE_ANGABE = "ohne Angabe"


# --- Which filters apply -----------------------------------------------------------------

@dataclass(frozen=True)
class Geltung:
    """The filter line above a chart and in its download: the shared filters that apply, the
    ones that do not (with what is chosen there), and the page's own filters."""
    filt: Filter
    traeger_zielgruppe: bool = False           # do Träger and Zielgruppe apply?
    seitenfilter: tuple[str, ...] = ()
    quartier_text: str = "Quartier"

    def beschreibung(self) -> str:
        f = self.filt
        teile = [f"{self.quartier_text}: " + (f.quartier or "beide"),
                 "Zeitraum: " + f.von.strftime("%d.%m.%Y") + " – " + f.bis.strftime("%d.%m.%Y")]
        if self.traeger_zielgruppe:
            teile.append("Träger: " + (TRAEGER_NAMEN.get(f.traeger, f.traeger)
                                       if f.traeger else "alle"))
            teile.append("Zielgruppe: " + (ZIELGRUPPEN_NAMEN.get(f.zielgruppe, f.zielgruppe)
                                           if f.zielgruppe else "alle"))
        else:
            teile.append(nicht_anwendbar_text(f))
        return " · ".join([*teile, *self.seitenfilter])


def nicht_anwendbar_text(f: Filter) -> str:
    """'Träger und Zielgruppe gelten hier nicht', naming what is chosen there, if anything."""
    gewaehlt = []
    if f.traeger:
        gewaehlt.append("Träger " + TRAEGER_NAMEN.get(f.traeger, f.traeger))
    if f.zielgruppe:
        gewaehlt.append("Zielgruppe " + ZIELGRUPPEN_NAMEN.get(f.zielgruppe, f.zielgruppe))
    text = "Träger und Zielgruppe gelten hier nicht"
    return text + (f" (gewählt: {', '.join(gewaehlt)})" if gewaehlt else "")


@dataclass(frozen=True)
class Text:
    """A fixed filter line (e.g. the search of "Räume finden") for downloads."""
    text: str

    def beschreibung(self) -> str:
        return self.text


def stichtag(bis: dt.date, datenstand: str | None) -> dt.date:
    """Reference date of the local-economy figures: the period end, at most the data stand
    (the same rule as the queries' stichtag)."""
    try:
        stand = dt.date.fromisoformat(str(datenstand))
    except ValueError:
        return bis
    return min(bis, stand)


def liste_oder_none(werte) -> list | None:
    """A multiselect's value as a query parameter: nothing chosen means all (NULL)."""
    werte = list(werte or [])
    return werte or None


def datum_text(d) -> str:
    if d is None or pd.isna(d):
        return "–"
    return pd.Timestamp(d).strftime("%d.%m.%Y")


# --- Vacancies ---------------------------------------------------------------------------

def leerstand_kennzahlen(objekte: pd.DataFrame) -> dict:
    """Headline figures from oek_leerstand_objekte (already filtered).

    einheiten: objects vacant at the reference date; flaeche_m2: their floor area;
    median_monate: median months they have stood vacant by then; wiederbelegt: objects re-let
    within the period (up to the reference date).
    """
    leer = objekte[objekte["leer_am_stichtag"].astype(bool)]
    return {
        "einheiten": int(len(leer)),
        "flaeche_m2": float(leer["flaeche_m2"].sum()),
        "median_monate": float(leer["monate_leer"].median()) if len(leer) else np.nan,
        "wiederbelegt": int(objekte["wiederbelegt_im_zeitraum"].astype(bool).sum()),
        "stichtag": objekte["stichtag"].iloc[0] if len(objekte) else None,
    }


def leerstand_kennzahlen_gezaehlt(zahlen: pd.DataFrame) -> dict:
    """leerstand_kennzahlen(...) from the rows of oek_leerstand_zahlen (counted in DuckDB,
    issue 14): the same keys and values; no rows (nothing selected) gives 0, 0.0, NaN, 0."""
    if zahlen.empty:
        return {"einheiten": 0, "flaeche_m2": 0.0, "median_monate": np.nan, "wiederbelegt": 0,
                "stichtag": None}
    z = zahlen.iloc[0]
    median = z["median_monate"]
    return {
        "einheiten": int(z["einheiten"]),
        "flaeche_m2": float(z["flaeche_m2"]),
        "median_monate": np.nan if median is None or pd.isna(median) else float(median),
        "wiederbelegt": int(z["wiederbelegt"]),
        "stichtag": z["stichtag"],
    }


LEERSTAND_SPALTEN = {
    "objekt_id": "Objekt", "adresse": "Adresse", "quartier": "Quartier",
    "stadtteil": "Stadtteil", "art": "Art", "flaeche_m2": "Fläche (m²)",
    "leer_seit": "leer seit", "status": "Status (aktuell erfasst)",
    "wiederbelegt_am": "wiederbelegt am",
    "nachnutzung": "Nachnutzung", "eigentuemer_typ": "Eigentümer",
    "monate_leer": "Monate leer (Stichtag)", "lat": "Breite", "lon": "Länge",
}


def leerstand_tabelle(objekte: pd.DataFrame) -> pd.DataFrame:
    """The filtered objects with German column names (sortable table and download)."""
    out = objekte.copy()
    out["stadtteil"] = out["stadtteil"].fillna(OHNE_ANGABE)
    # months are unrounded in the query (the median is taken first); round once for display
    out["monate_leer"] = [kz.runde(m, kz.get("monate_leer").nachkommastellen)
                          for m in out["monate_leer"]]
    out = out[list(LEERSTAND_SPALTEN)].rename(columns=LEERSTAND_SPALTEN)
    out.insert(7, "Status am Stichtag", objekte["status_stichtag"].to_numpy())
    return _leer_statt_none(out)


def _leer_statt_none(df: pd.DataFrame) -> pd.DataFrame:
    """Missing text as '' (a table would show the English word None)."""
    for c in df.columns:
        if pd.api.types.is_object_dtype(df[c]) or pd.api.types.is_string_dtype(df[c]):
            df[c] = df[c].fillna("")
    return df


def verlauf_tabelle(verlauf: pd.DataFrame, mass: str) -> pd.DataFrame:
    """Quarters as rows, districts as columns (einheiten or flaeche_m2)."""
    if mass not in ("einheiten", "flaeche_m2"):
        raise ValueError(mass)
    wide = verlauf.pivot_table(index=["quartal", "quartal_label", "stichtag"],
                               columns="stadtteil", values=mass, aggfunc="sum", fill_value=0)
    wide = wide.reset_index().drop(columns="quartal")
    wide.columns.name = None
    return wide.rename(columns={"quartal_label": "Quartal", "stichtag": "Stand am"})


STATUS_STICHTAG_TEXT = (
    "„Status am Stichtag“: **wiederbelegt**, wenn die Wiederbelegung bis zum Stichtag "
    "erfolgte; ein erst danach wiederbelegtes Objekt war am Stichtag **leer**; sonst der "
    "erfasste Status (**leer**, **in Vermarktung**, **Zwischennutzung**). Die Leerstandsliste "
    "führt nur den aktuellen Status und die Daten „leer seit“ und „wiederbelegt am“ – ob ein "
    "Objekt früher einmal in Vermarktung oder zwischengenutzt war, ist nicht erfasst.")

# On screen at most this many points on the vacancy map and rows of "Räume finden" (issue 14:
# 80,000 vacancies at scale 1000 made a map nobody can read and a page of several seconds);
# tables behind the map and every download hold all.
KARTE_MAX_PUNKTE = 2_000
RAEUME_MAX_ZEILEN = 200


def karte_auswahl(objekte: pd.DataFrame, n: int | None = None) -> pd.DataFrame:
    """The objects the map draws: all up to `n`, else the `n` largest by floor area (ties by
    objekt_id) – the ones a search for premises looks at first; narrowing Quartier,
    Stadtteil, Art or Fläche shows every point. n: None = KARTE_MAX_PUNKTE."""
    n = KARTE_MAX_PUNKTE if n is None else n
    if len(objekte) <= n:
        return objekte
    return (objekte.sort_values(["flaeche_m2", "objekt_id"], ascending=[False, True],
                                na_position="last").head(n))


def karte_hinweis(gezeigt: int, alle: int, was: str = "Objekten") -> str:
    """The note under a map that shows only part of the objects ('' when it shows all)."""
    if gezeigt >= alle:
        return ""
    return (f"Die Karte zeigt die {kz.zahl(gezeigt)} größten von {kz.zahl(alle)} {was} "
            "(mehr Punkte wären nicht mehr zu unterscheiden). Alle zeigt die Karte, wenn "
            "Quartier, Stadtteil, Art oder Fläche weniger auswählen; die Tabelle und die "
            "Downloads enthalten alle.")


# "Räume finden" (issue 12): what can be offered to someone looking for premises.
RAUM_STATUS = ("leer", "in Vermarktung", "Zwischennutzung")
VERFUEGBAR = ("leer", "in Vermarktung")          # "verfügbar", also for requests meet offers
RAUM_SORTIERUNG = {"flaeche_ab": "größte Fläche zuerst", "flaeche_auf": "kleinste Fläche zuerst",
                   "dauer": "am längsten leer zuerst"}
RAEUME_SPALTEN = {"adresse": "Adresse", "stadtteil": "Stadtteil", "quartier": "Quartier",
                  "art": "Art", "flaeche_m2": "Fläche (m²)", "status": "Status",
                  "leer_seit": "frei seit", "monate_leer": kz.label("monate_leer_datenstand"),
                  "eigentuemer_typ": "Eigentümer", "nachnutzung": "Zwischennutzung",
                  "objekt_id": "Objekt"}


def raeume_suche_text(status, arten, von: float, bis: float | None, gebiet: str,
                      stadtteile, sortierung: str, datenstand: str | None) -> str:
    """The search of "Räume finden" in words: above the list and in its download."""
    def z(x):
        return f"{x:,.0f}".replace(",", ".")
    return (f"Status: {', '.join(status)} · Art: {', '.join(arten) if arten else 'alle'}"
            f" · Fläche: {z(von or 0)} m² bis "
            + (f"{z(bis)} m²" if bis is not None else "unbegrenzt")
            + f" · Programmgebiet: {gebiet}"
            + f" · Stadtteil: {', '.join(stadtteile) if stadtteile else 'alle'}"
            + f" · Sortierung: {RAUM_SORTIERUNG[sortierung]}"
            + f" · Stand: Datenstand {datenstand or '–'}")


def raeume_tabelle(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of oek_leerstand_raeume with German column names (list, download)."""
    out = df[list(RAEUME_SPALTEN)].rename(columns=RAEUME_SPALTEN)
    out["Zwischennutzung"] = out["Zwischennutzung"].where(df["status"] == "Zwischennutzung")
    out["Stadtteil"] = out["Stadtteil"].fillna(OHNE_ANGABE)
    return _leer_statt_none(out)


def flaechen_spanne(lo, hi) -> str:
    """A wanted area range in German: '60–120 m²', 'ab 60 m²', 'bis 120 m²', 'beliebig'."""
    def z(x):
        return f"{x:,.0f}".replace(",", ".")
    lo = None if lo is None or pd.isna(lo) else float(lo)
    hi = None if hi is None or pd.isna(hi) else float(hi)
    if lo is not None and hi is not None:
        return f"{z(lo)}–{z(hi)} m²"
    if lo is not None:
        return f"ab {z(lo)} m²"
    return f"bis {z(hi)} m²" if hi is not None else "beliebig"


def mit_passenden(gesuche: pd.DataFrame, paare: pd.DataFrame) -> pd.DataFrame:
    """oek_raumgesuche with `passende_objekte`: the number of fitting available units of each
    open request (rows of oek_raumgesuche_paare; 0 for requests no longer open)."""
    n = paare.groupby("gesuch_id")["objekt_id"].nunique()
    return gesuche.assign(passende_objekte=gesuche["gesuch_id"].map(n).fillna(0).astype(int))


def gesuche_kennzahlen(gesuche: pd.DataFrame, von: dt.date, bis: dt.date) -> dict:
    """Key figures of requests meet offers from mit_passenden(...).

    offen: requests open at the data stand; mit_passendem: of those, the ones with at least one
    fitting available unit; vermittelt: requests met (status 'vermittelt') with erledigt_am
    within [von, bis]."""
    offen = gesuche[gesuche["status"] == "offen"]
    erledigt = pd.to_datetime(gesuche["erledigt_am"])
    im_zeitraum = (erledigt >= pd.Timestamp(von)) & (erledigt <= pd.Timestamp(bis))
    return {"offen": int(len(offen)),
            "mit_passendem": int((offen["passende_objekte"] > 0).sum()),
            "vermittelt": int((gesuche["status"].eq("vermittelt") & im_zeitraum).sum())}


def gesuche_tabelle(gesuche: pd.DataFrame, paare: pd.DataFrame) -> pd.DataFrame:
    """Open requests, oldest first, each with the fitting units (oek_raumgesuche_paare)."""
    objekte = (paare.assign(t=paare["adresse"] + " (" + paare["flaeche_m2"].map(
        lambda x: f"{x:,.0f}".replace(",", ".")) + " m²)")
        .groupby("gesuch_id")["t"].agg("; ".join))
    return _gesuche_rahmen(gesuche, objekte)


def _gesuche_rahmen(gesuche: pd.DataFrame, objekte) -> pd.DataFrame:
    """The open requests as the page's table; `objekte`: gesuch_id -> names of the units."""
    offen = gesuche[gesuche["status"] == "offen"]
    return pd.DataFrame({
        "Gesuch": offen["gesuch_id"], "seit": offen["datum"], "Art": offen["art"],
        "Fläche gesucht": [flaechen_spanne(a, b) for a, b in zip(offen["flaeche_min_m2"],
                                                                 offen["flaeche_max_m2"])],
        "Quartier gesucht": offen["quartier"].fillna("beide"),
        "Branche": offen["branche"].fillna(""),
        kz.label("passende_objekte"): offen["passende_objekte"].astype(int),
        "Objekte": offen["gesuch_id"].map(objekte).fillna(""),
    }).reset_index(drop=True)


def angebote_tabelle(paare: pd.DataFrame) -> pd.DataFrame:
    """Available units that fit at least one open request, with those requests; most asked
    for first."""
    if paare.empty:
        return pd.DataFrame(columns=["Objekt", "Adresse", "Stadtteil", "Art", "Fläche (m²)",
                                     "Status", kz.label("passende_gesuche"), "Gesuche"])
    g = paare.groupby("objekt_id", sort=False)
    out = g.agg(adresse=("adresse", "first"), stadtteil=("stadtteil", "first"),
                art=("art", "first"), flaeche_m2=("flaeche_m2", "first"),
                status=("status", "first"), n=("gesuch_id", "nunique"),
                gesuche=("gesuch_id", lambda s: ", ".join(sorted(set(s))))).reset_index()
    out = out.sort_values(["n", "flaeche_m2", "objekt_id"], ascending=[False, False, True])
    out["stadtteil"] = out["stadtteil"].fillna(OHNE_ANGABE)
    return out.rename(columns={"objekt_id": "Objekt", "adresse": "Adresse",
                               "stadtteil": "Stadtteil", "art": "Art",
                               "flaeche_m2": "Fläche (m²)", "status": "Status",
                               "n": kz.label("passende_gesuche"), "gesuche": "Gesuche"}
                      ).reset_index(drop=True)


# Requests meet offers at scale (issue 14): the page reads per request and per unit the
# counts and the first GESUCHE_K names from DuckDB (oek_raumgesuche_passend/_angebote)
# instead of every (request, unit) pair – tens of millions at scale 1000.
GESUCHE_K = 10
GESUCHE_MAX_ZEILEN = 200
GESUCHE_NAMEN_BILDSCHIRM = 3     # units (requests) named per row on screen; downloads: GESUCHE_K


def _weitere(teile: list[str], n: int, trenner: str) -> str:
    """'a; b … und 3 weitere' – the first names and how many more there are."""
    text = trenner.join(teile)
    return text + (f" … und {kz.zahl(n - len(teile))} weitere" if n > len(teile) else "")


def mit_passenden_anzahl(gesuche: pd.DataFrame, passend: pd.DataFrame) -> pd.DataFrame:
    """oek_raumgesuche with `passende_objekte` from oek_raumgesuche_passend (0 for requests
    no longer open or with no fitting unit) – the same column as mit_passenden(...)."""
    n = passend.set_index("gesuch_id")["passende_objekte"]
    return gesuche.assign(passende_objekte=gesuche["gesuch_id"].map(n).fillna(0).astype(int))


def gesuche_tabelle_gezaehlt(gesuche: pd.DataFrame, passend: pd.DataFrame,
                             zeilen: int | None = None, namen: int | None = None
                             ) -> pd.DataFrame:
    """gesuche_tabelle(...) from the counts: `gesuche` from mit_passenden_anzahl, `passend`
    the rows of oek_raumgesuche_passend; "Objekte" names the first units and how many more –
    for the first `zeilen` open requests only (the rows the page shows; empty text after
    them), for all with None (downloads). Issue 14: 24,703 lists cost ~1 s at scale 1000.
    `namen`: at most this many units named per request (the screen, issue 15: a cell stays a
    few lines), None = all that `passend` holds (downloads)."""
    def z(x):
        return f"{x:,.0f}".replace(",", ".")
    if zeilen is not None:
        erste = gesuche.loc[gesuche["status"] == "offen", "gesuch_id"].head(zeilen)
        passend = passend[passend["gesuch_id"].isin(erste)]
    liste = {g: _weitere([f"{o['adresse']} ({z(o['flaeche_m2'])} m²)"
                          for o in list(objekte)[:namen]], n, "; ")
             for g, n, objekte in zip(passend["gesuch_id"], passend["passende_objekte"],
                                      passend["objekte"])}
    return _gesuche_rahmen(gesuche, liste)


def angebote_tabelle_gezaehlt(angebote: pd.DataFrame, namen: int | None = None
                              ) -> pd.DataFrame:
    """angebote_tabelle(...) from oek_raumgesuche_angebote (already in its order): "Gesuche"
    names the first requests (at most `namen`, None = all the query gives) and how many
    more."""
    if angebote.empty:
        return angebote_tabelle(pd.DataFrame())
    return pd.DataFrame({
        "Objekt": angebote["objekt_id"], "Adresse": angebote["adresse"],
        "Stadtteil": angebote["stadtteil"].fillna(OHNE_ANGABE), "Art": angebote["art"],
        "Fläche (m²)": angebote["flaeche_m2"], "Status": angebote["status"],
        kz.label("passende_gesuche"): angebote["passende_gesuche"].astype(int),
        "Gesuche": [_weitere(list(g)[:namen], n, ", ") for g, n in zip(angebote["gesuche"],
                                                              angebote["passende_gesuche"])],
    }).reset_index(drop=True)


def lage_bericht_zeilen(lage: pd.DataFrame) -> list[str]:
    """One German line per reported vacancy position (for `python -m biwaq build`)."""
    return [f"{r.objekt_id} ({r.adresse}, {r.lat:.5f} N / {r.lon:.5f} O): {r.hinweis}"
            for r in lage.itertuples()]


# --- Businesses --------------------------------------------------------------------------

DIMENSIONEN = {"stadtteil": "Stadtteil", "quartier": "Quartier", "branche": "Branche",
               "gruendungsjahr": "Gründungsjahr"}


def betriebe_nach_gezaehlt(gruppen: pd.DataFrame, dim: str) -> pd.DataFrame:
    """Advised businesses per value of `dim` (allow-list DIMENSIONEN), split into migrant-run
    and other, with a total: from the rows of oek_betriebe_gruppen (counts worked out in the
    database; issue 14). ValueError for an unknown dim."""
    if dim not in DIMENSIONEN:
        raise ValueError(f"unbekannte Gliederung {dim!r}")
    df = gruppen[gruppen["ebene"] == dim]
    df = df.assign(gruppe=np.where(df["migrantenoekonomie"].astype(bool), MIGRANT, ANDERE))
    if dim == "gruendungsjahr":
        df = df.astype({dim: np.int64})
    else:
        df[dim] = df[dim].fillna(OHNE_ANGABE)
    return _nach_tabelle(df.pivot_table(index=dim, columns="gruppe", values="betriebe",
                                        aggfunc="sum", fill_value=0), dim)


def _nach_tabelle(tab: pd.DataFrame, dim: str) -> pd.DataFrame:
    """Counts per value of `dim` (index) and group (columns) as the page's table."""
    tab = tab.reindex(columns=[MIGRANT, ANDERE], fill_value=0).astype(np.int64)
    tab["Gesamt"] = tab.sum(axis=1)
    tab = tab.reset_index().rename(columns={dim: DIMENSIONEN[dim]})
    tab.columns.name = None
    if dim == "gruendungsjahr":
        tab[DIMENSIONEN[dim]] = tab[DIMENSIONEN[dim]].astype(int)
    return tab


def beratungen_tabelle(verlauf: pd.DataFrame, nach: str, von: dt.date, bis: dt.date
                       ) -> pd.DataFrame:
    """Consultations per quarter (rows, every quarter of the period) by format or topic."""
    if nach not in ("format", "thema"):
        raise ValueError(nach)
    quartale = pd.period_range(pd.Timestamp(von), pd.Timestamp(bis), freq="Q")
    q = pd.PeriodIndex(pd.to_datetime(verlauf["quartal"]), freq="Q")
    wide = (verlauf.assign(q=q).pivot_table(index="q", columns=nach, values="beratungen",
                                            aggfunc="sum", fill_value=0)
            .reindex(quartale, fill_value=0))
    wide = wide[wide.sum().sort_values(ascending=False).index] if len(wide.columns) else wide
    wide.index = [f"{p.year} Q{p.quarter}" for p in wide.index]
    wide.index.name = "Quartal"
    wide.columns.name = None
    return wide.reset_index()


@dataclass
class Ueberleben:
    kurven: dict           # (ursprung, gruppe) -> Kaplan–Meier table
    eingaben: dict         # (ursprung, gruppe) -> counts per time point (survival.zaehlung)
    ausgeschlossen: dict   # ursprung -> counts of excluded businesses


def ueberleben_gezaehlt(zaehlung: pd.DataFrame) -> Ueberleben:
    """Kaplan–Meier curves for both origins (URSPRUENGE) and for migrant-run, other and all
    advised businesses, from the rows of oek_betriebe_ueberleben: counts per origin, group and
    day, worked out in the database (issue 14: a few thousand rows instead of one per
    business; the query's header gives the rules of entry, closure and censoring). Days
    become months (survival.tage_in_monate); the curves come from
    survival.kaplan_meier_gezaehlt (product-limit estimator with delayed entry, Greenwood
    band)."""
    kurven, eingaben, aus = {}, {}, {}
    spalten = ["ereignisse", "zensiert", "eintritte"]
    for ursprung in URSPRUENGE:
        z = zaehlung[zaehlung["ursprung"] == ursprung]
        aus[ursprung] = {k: int(z[k].sum())
                         for k in ("ohne_schliessungsdatum", "ohne_beobachtungszeit")}
        z = z[z["tage"].notna()]
        z = z.assign(gruppe=np.where(z["migrantenoekonomie"].astype(bool), MIGRANT, ANDERE))
        for gruppe in (MIGRANT, ANDERE, ALLE):
            teil = z if gruppe == ALLE else z[z["gruppe"] == gruppe]
            teil = (teil.groupby("tage", as_index=False)[spalten].sum()
                    .astype({k: np.int64 for k in spalten}))
            teil = pd.DataFrame({"zeit": survival.tage_in_monate(teil["tage"]),
                                 **{k: teil[k].to_numpy() for k in spalten}})
            eingaben[(ursprung, gruppe)] = teil
            if len(teil):
                kurven[(ursprung, gruppe)] = survival.kaplan_meier_gezaehlt(teil)
    return Ueberleben(kurven, eingaben, aus)


def ueberleben_kennzahlen(u: Ueberleben, monate: tuple[int, ...] = (12, 24)) -> pd.DataFrame:
    """Share still active after 12 and 24 months with its 95 % band and the number at risk."""
    zeilen = []
    for (ursprung, gruppe), teil in u.eingaben.items():
        z = {"Beginn": URSPRUENGE[ursprung], "Gruppe": gruppe,
             "Betriebe": int(teil["eintritte"].sum()),
             "Schließungen": int(teil["ereignisse"].sum())}
        km = u.kurven.get((ursprung, gruppe))
        for m in monate:
            w = survival.wert_bei(km, m) if km is not None else {
                "ueberleben": np.nan, "ci_unten": np.nan, "ci_oben": np.nan}
            z[f"aktiv nach {m} Mon."] = w["ueberleben"]
            z[f"95-%-KI {m} Mon."] = _ki_text(w)
            z[f"unter Beobachtung {m} Mon."] = survival.n_risiko_gezaehlt(teil, m)
        zeilen.append(z)
    return pd.DataFrame(zeilen)


# The method behind "noch aktiv" for readers who want it (page and report keep it in their
# „Methodik“ note; the running text names no method, issue 15). Markdown bold.
METHODIK_UEBERLEBEN = (
    "Schätzung nach **Kaplan–Meier** mit verzögertem Eintritt (linksgestutzt ab der ersten "
    "Beratung); Betriebe, die am Stichtag noch aktiv sind, sind **zensiert**. "
    "Vertrauensbereich: exponentielles Greenwood-Intervall (95 %).")


def ueberleben_anzeige(kennz: pd.DataFrame) -> pd.DataFrame:
    """The 12/24-month figures for the page, one row per origin, group and month:
    '86 % (55–96 %)' and the number under observation (the base of the estimate). Below the
    catalogue's minimum base (kennzahlen 'km_aktiv_ki') the estimate shows '–' with the
    reason (issue 10.5: '100 % (100–100 %)' on one business said nothing)."""
    zeilen = []
    for r in kennz.to_dict("records"):
        for m in (12, 24):
            s = r[f"aktiv nach {m} Mon."]
            basis = r[f"unter Beobachtung {m} Mon."]
            if pd.notna(s) and kz.unter_mindestbasis("km_aktiv_ki", basis):
                text = f"{kz.STRICH} ({kz.grund('km_aktiv_ki', basis)})"
            elif pd.isna(s):
                text = kz.STRICH
            else:
                text = f"{kz.fmt('km_aktiv_ki', s)} ({r[f'95-%-KI {m} Mon.']})"
            zeilen.append({"Beginn": r["Beginn"], "Gruppe": r["Gruppe"],
                           kz.label("km_betriebe"): r["Betriebe"],
                           kz.label("km_schliessungen"): r["Schließungen"],
                           "nach Monaten": m, kz.label("km_aktiv_ki"): text,
                           kz.label("unter_beobachtung"): basis})
    return pd.DataFrame(zeilen)


def _ki_text(w: dict) -> str:
    if pd.isna(w["ci_unten"]):
        return kz.STRICH
    return (f"{kz.zahl(w['ci_unten'] * 100)}–{kz.zahl(w['ci_oben'] * 100)} %")


def ueberleben_tabelle(u: Ueberleben) -> pd.DataFrame:
    """The curves at fixed months (table view and download of the survival chart)."""
    zeilen = []
    for (ursprung, gruppe), km in u.kurven.items():
        if gruppe == ALLE:
            continue
        teil = u.eingaben[(ursprung, gruppe)]
        for m in STUETZSTELLEN:
            w = survival.wert_bei(km, m)
            basis = survival.n_risiko_gezaehlt(teil, m)
            if kz.unter_mindestbasis("km_anteil_aktiv", basis):    # too few for a rate
                w = {k: np.nan for k in w}
            zeilen.append({"Beginn": URSPRUENGE[ursprung], "Gruppe": gruppe, "Monate": m,
                           kz.label("km_anteil_aktiv"): w["ueberleben"],
                           kz.label("km_ki_unten"): w["ci_unten"],
                           kz.label("km_ki_oben"): w["ci_oben"],
                           kz.label("unter_beobachtung"): basis})
    return pd.DataFrame(zeilen)


@dataclass(frozen=True)
class Stabilisierung:
    """Plain count of businesses whose fate at `monate` after founding is known."""
    monate: int
    gruppe: str
    betriebe: int          # observed from founding on, founded >= `monate` before stichtag
    aktiv: int             # of them not closed within `monate` after founding

    def satz(self) -> str:
        """'Von 18 beratenen Betrieben, deren Gründung mindestens 24 Monate zurückliegt, waren
        14 nach 24 Monaten noch aktiv (78 %).' – or 'zu wenige Betriebe' below the minimum."""
        wer = ("beratenen Betrieben der Migrantenökonomie" if self.gruppe == MIGRANT
               else "beratenen Betrieben")
        kopf = (f"Von {kz.zahl(self.betriebe)} {wer}, deren Gründung mindestens "
                f"{self.monate} Monate zurückliegt")
        kid = f"stabil_{self.monate}"
        if kz.unter_mindestbasis(kid, self.betriebe):
            return (kopf + ": zu wenige Betriebe für einen Anteil (mindestens "
                    f"{kz.get(kid).mindestbasis}).")
        return (kopf + f", waren {kz.zahl(self.aktiv)} nach {self.monate} Monaten noch aktiv "
                f"({kz.fmt(kid, self.aktiv / self.betriebe)}).")


STABIL_HINWEIS = ("Gezählt sind nur Betriebe, die das Projekt schon vor oder bei der Gründung "
                  "beraten hat – sie wurden die ganze Zeit beobachtet, daher braucht es keine "
                  "Schätzung. Betriebe, die erst später dazukamen, fehlen hier: wer vor der "
                  "ersten Beratung schloss, war nie zu sehen.")


def beschaeftigte_gezaehlt(zeilen: pd.DataFrame) -> pd.DataFrame:
    """Current headcount of the advised businesses still active, by sector and group, from the
    rows of oek_betriebe_beschaeftigte (sums and median per sector worked out in the
    database; issue 14). The contract holds only the current number (no history); a business
    without a number is counted apart, never as 0 employees."""
    beide = zeilen[zeilen["beide"].astype(bool)].set_index("branche")
    je = zeilen[~zeilen["beide"].astype(bool)]
    mig = je[je["migrantenoekonomie"].astype(bool)].set_index("branche")
    andere = je[~je["migrantenoekonomie"].astype(bool)].set_index("branche")
    mit = beide["mit_angabe"] > 0                  # sectors with at least one number

    def summe(t):
        return t.loc[t["mit_angabe"] > 0, "beschaeftigte"]
    return _beschaeftigte_tabelle(beide["aktive"], beide.loc[mit, "mit_angabe"],
                                  summe(beide), summe(mig), summe(andere),
                                  beide.loc[mit, "median"])


def _beschaeftigte_tabelle(aktive, mit_angabe, summe, summe_migrant, summe_andere,
                           median_) -> pd.DataFrame:
    """The employees table from series per sector (index branche); missing sectors are 0."""
    median = kz.label("beschaeftigte_median")
    tab = pd.DataFrame({
        kz.label("aktive_betriebe"): aktive,
        kz.label("mit_angabe"): mit_angabe,
        kz.label("beschaeftigte"): summe,
        kz.label("beschaeftigte_migrant"): summe_migrant,
        kz.label("beschaeftigte_andere"): summe_andere,
        median: median_,
    }).fillna(0)
    tab = tab.astype({c: int for c in tab.columns if c != median})
    tab = tab.sort_values(kz.label("beschaeftigte"), ascending=False).reset_index(
        names="Branche")
    return tab


def kennzahlen_gezaehlt(gruppen: pd.DataFrame) -> dict:
    """Headline figures of the Betriebe page from the rows of oek_betriebe_gruppen (issue
    14): betriebe, migrantenoekonomie, beratungen (in the period) and aktiv (aktiv_am_stichtag
    rule); all 0 when no business was advised."""
    alle = gruppen[gruppen["ebene"] == "alle"]
    mig = alle["migrantenoekonomie"].astype(bool)
    return {"betriebe": int(alle["betriebe"].sum()),
            "migrantenoekonomie": int(alle.loc[mig, "betriebe"].sum()),
            "beratungen": int(alle["beratungen"].sum()),
            "aktiv": int(alle["aktiv_am_stichtag"].sum())}


def stabilisierung_gezaehlt(gruppen: pd.DataFrame, monate: int, gruppe: str = ALLE
                            ) -> Stabilisierung:
    """Businesses stabilised after `monate` (12 or 24) months, counted without an estimator
    (issue 12), from the rows of oek_betriebe_gruppen (counted in the database; issue 14).

    Rule (kennzahlen 'stabil_12'/'stabil_24', applied in the query): advised businesses
    observed for the whole span – first consultation on or before the founding day, founded
    at least `monate` calendar months before the stichtag, fate known (not closed without a
    date); of them, those not closed within `monate` months after founding are active.
    Businesses first advised after founding are left out: counting them would count only
    survivors. gruppe: ALLE or MIGRANT. ValueError for other months.
    """
    if monate not in (12, 24):
        raise ValueError(monate)
    alle = gruppen[gruppen["ebene"] == "alle"]
    if gruppe != ALLE:
        alle = alle[alle["migrantenoekonomie"].astype(bool)]
    return Stabilisierung(monate, gruppe, int(alle[f"bekannt_{monate}"].sum()),
                          int(alle[f"stabil_{monate}"].sum()))


# The named queries of every Betriebe figure (catalogue 'quelle'): the page, its downloads
# and the committee report read these and nothing else (tests/test_kennzahlen_quellen.py).
BETRIEBE_ABFRAGEN = ("oek_betriebe_gruppen", "oek_betriebe_ueberleben",
                     "oek_betriebe_beschaeftigte")


def betriebe_auswertung(abfrage) -> dict | None:
    """Every figure about advised businesses, one way for the Betriebe page and the report.

    `abfrage(name) -> DataFrame` runs one of BETRIEBE_ABFRAGEN with the caller's filters
    bound (the page: ui.query; the report: run_query). Returns None when no business was
    advised, else a dict: betriebe, migrantenoekonomie, beratungen, aktiv (ints; see
    kennzahlen_gezaehlt), u (Ueberleben), kennz (ueberleben_kennzahlen), nach (dim ->
    table of betriebe_nach_gezaehlt), saetze (Stabilisierung 12/24 months all, 24 months
    migrant-run), beschaeftigte (table of beschaeftigte_gezaehlt).
    """
    gruppen = abfrage("oek_betriebe_gruppen")
    zahlen = kennzahlen_gezaehlt(gruppen)
    if not zahlen["betriebe"]:
        return None
    u = ueberleben_gezaehlt(abfrage("oek_betriebe_ueberleben"))
    return {**zahlen, "u": u, "kennz": ueberleben_kennzahlen(u),
            "nach": {d: betriebe_nach_gezaehlt(gruppen, d) for d in DIMENSIONEN},
            "saetze": [stabilisierung_gezaehlt(gruppen, 12, ALLE),
                       stabilisierung_gezaehlt(gruppen, 24, ALLE),
                       stabilisierung_gezaehlt(gruppen, 24, MIGRANT)],
            "beschaeftigte": beschaeftigte_gezaehlt(abfrage("oek_betriebe_beschaeftigte"))}


MINDESTZAHL = 3     # like the Federal Employment Agency: cells of 1 or 2 are not shown


def vermittlungen_zusammenfassen(df: pd.DataFrame) -> pd.DataFrame:
    """With a target group chosen, a business with 1 or 2 placements would tell its reader
    that a particular employee belongs to that group: such businesses are folded into one
    row 'weitere Betriebe'. Rows are those of oek_vermittlungen_betriebe."""
    klein = df["vermittlungen"] < MINDESTZAHL
    if not klein.any():
        return df
    rest = df[klein]
    zeile = {c: None for c in df.columns}
    zeile.update({"betrieb_id": "", "name": f"weitere Betriebe ({len(rest)}, je 1–2)",
                  "migrantenoekonomie": False, "beraten": False,
                  **{c: int(rest[c].sum()) for c in ("vermittlungen", "personen",
                                                     "sv_pflichtig", "ausbildung",
                                                     "verbleib_6m_ja")}})
    return pd.concat([df[~klein], pd.DataFrame([zeile])], ignore_index=True)


VERMITTLUNG_SPALTEN = {"name": "Betrieb", "branche": "Branche", "stadtteil": "Stadtteil",
                       "quartier": "Quartier", "vermittlungen": "Vermittlungen",
                       "personen": "Personen", "sv_pflichtig": "davon SV-pflichtig",
                       "ausbildung": "davon Ausbildung",
                       "verbleib_6m_ja": "Verbleib nach 6 Monaten: ja",
                       "migrantenoekonomie": "Betrieb der Migrantenökonomie",
                       "beraten": "vom Projekt beraten"}


def vermittlungen_tabelle(df: pd.DataFrame) -> pd.DataFrame:
    out = df[list(VERMITTLUNG_SPALTEN)].rename(columns=VERMITTLUNG_SPALTEN)
    for c in ("Betrieb der Migrantenökonomie", "vom Projekt beraten"):
        out[c] = np.where(out[c].astype(bool), "ja", "nein")
    return _leer_statt_none(out)
