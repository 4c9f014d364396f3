"""What the public figures say, for people: key figures, short sentences, display tables and
simple charts from a published directory (used by the public page, the internal page and
the handout). No Streamlit here, and no access to the internal database."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from biwaq.app import charts
from biwaq.zahlen import kennzahlen as kz
from biwaq.einlesen.contract import QUARTIERE, STADTTEILE
from biwaq.oeffentlich.published import ARBEIT, INSGESAMT, STERN, Oeffentlich, prozent, zahl


@dataclass(frozen=True)
class Auswahl:
    """A slice of the published figures (the internal page follows the sidebar filters)."""
    quartier: str | None = None               # None: both areas
    jahre: tuple[str, ...] | None = None      # None: every published year

    @classmethod
    def aus_zeitraum(cls, quartier: str | None, von: dt.date, bis: dt.date,
                     alle_jahre: list[str]) -> Auswahl:
        jahre = tuple(j for j in alle_jahre if von.year <= int(j) <= bis.year)
        return cls(quartier, None if jahre == tuple(alle_jahre) else jahre)


def jahre(daten: Oeffentlich, name: str = "eintritte_vermittlungen") -> list[str]:
    return [j for j in daten.dim_werte(name, "jahr") if j != INSGESAMT]


def summe(daten: Oeffentlich, name: str, **dims):
    """A published cell, or the sum of several (a dim given as a tuple); None if any of them
    is suppressed. A tuple holding every value of an additive dimension reads its total."""
    info = {d["name"]: d for d in daten.info(name)["dimensionen"]}
    mehrere = {k: v for k, v in dims.items() if isinstance(v, tuple)}
    fest = {k: v for k, v in dims.items() if not isinstance(v, tuple)}
    for k, v in list(mehrere.items()):
        teile = [w for w in info[k]["werte"] if w != INSGESAMT]
        if info[k]["summe"] and set(v) == set(teile):
            fest[k] = INSGESAMT
            del mehrere[k]
    if not mehrere:
        return daten.wert(name, **fest)
    k, werte = next(iter(mehrere.items()))
    rest = {**fest, **{a: b for a, b in mehrere.items() if a != k}}
    teile = [summe(daten, name, **rest, **{k: w}) for w in werte]
    if not teile:
        return 0
    return None if any(t is None for t in teile) else sum(teile)


def _jahr_arg(auswahl: Auswahl):
    return INSGESAMT if auswahl.jahre is None else tuple(auswahl.jahre)


def _stadtteile(daten: Oeffentlich, name: str, quartier: str | None):
    werte = [s for s in daten.dim_werte(name, "stadtteil") if s != INSGESAMT]
    if quartier is None:
        return INSGESAMT
    return tuple(s for s in werte if STADTTEILE.get(s) == quartier)


@dataclass(frozen=True)
class Kennzahl:
    name: str
    wert: object        # int or None (suppressed)
    hilfe: str


def kennzahlen(daten: Oeffentlich, auswahl: Auswahl = Auswahl()) -> list[Kennzahl]:
    """The few big numbers."""
    q = auswahl.quartier or INSGESAMT
    j = _jahr_arg(auswahl)
    le_j = INSGESAMT if auswahl.jahre is None else tuple(
        x for x in auswahl.jahre if x in daten.dim_werte("leerstaende_wiederbelegt", "jahr"))
    def k(id: str, wert) -> Kennzahl:      # label and help from the catalogue of figures
        return Kennzahl(kz.label(id), wert, kz.get(id).definition)

    return [
        k("oeffentlich_menschen",
          summe(daten, "teilnehmende", quartier=q, zielgruppe=INSGESAMT, jahr=j)),
        k("oeffentlich_arbeit",
          summe(daten, "eintritte_vermittlungen", kennzahl=ARBEIT, quartier=q, jahr=j)),
        k("oeffentlich_betriebe", daten.wert("betriebe_beraten", quartier=q)),
        k("oeffentlich_leerstaende",
          summe(daten, "leerstaende_wiederbelegt",
                stadtteil=_stadtteile(daten, "leerstaende_wiederbelegt", auswahl.quartier),
                jahr=le_j)),
    ]


def _jahre_text(jahre: tuple[str, ...]) -> str:
    """ "im Jahr 2018", "in den Jahren 2017 und 2018", "in den Jahren 2016 bis 2018"."""
    j = sorted(jahre)
    if len(j) == 1:
        return f"im Jahr {j[0]}"
    if len(j) == 2:
        return f"in den Jahren {j[0]} und {j[1]}"
    if [int(x) for x in j] == list(range(int(j[0]), int(j[-1]) + 1)):
        return f"in den Jahren {j[0]} bis {j[-1]}"
    return "in den Jahren " + ", ".join(j[:-1]) + f" und {j[-1]}"


def saetze(daten: Oeffentlich, auswahl: Auswahl = Auswahl()) -> list[str]:
    """Short plain sentences about the key figures (German). For the whole term: people who
    took part, how many of them found work, and that share. For some years only (a year
    filter): people who entered in those years and people who found work in those years,
    side by side, without "von ihnen" and without a share — the second group is not a part
    of the first."""
    k = {x.name: x.wert for x in kennzahlen(daten, auswahl)}
    tn, vm = k[kz.label("oeffentlich_menschen")], k[kz.label("oeffentlich_arbeit")]
    beratungen = daten.wert("beratungen", quartier=auswahl.quartier or INSGESAMT,
                            format=INSGESAMT)
    out = []
    if auswahl.jahre is None:
        out.append(f"{zahl(tn)} Menschen haben beim Projekt mitgemacht." if tn is not None else
                   "Wie viele Menschen mitgemacht haben, zeigen wir hier nicht (*).")
        if vm is not None:
            out.append(f"{zahl(vm)} von ihnen haben eine Arbeit oder eine Ausbildung gefunden.")
            if tn:
                out.append(f"Das sind {prozent(100 * vm / tn)}.")
    else:
        # Some years only: the placed people of those years are not a part of the people who
        # entered in them (many entered earlier), so neither "von ihnen" nor a share is true
        # (attacker test 29.11.2026: "72 von ihnen … 35,0 %", of whom 21 entered that year).
        zeit = _jahre_text(auswahl.jahre)
        out.append(f"{zahl(tn)} Menschen sind {zeit} ins Projekt gekommen." if tn is not None
                   else f"Wie viele Menschen {zeit} ins Projekt gekommen sind, zeigen wir hier "
                        "nicht (*).")
        if vm is not None:
            out.append(f"{zahl(vm)} Menschen haben {zeit} eine Arbeit oder eine Ausbildung "
                       "gefunden – auch solche, die schon früher ins Projekt gekommen sind.")
    betriebe, leer = k[kz.label("oeffentlich_betriebe")], k[kz.label("oeffentlich_leerstaende")]
    if betriebe is not None and beratungen is not None:
        out.append(f"Das Projekt hat {zahl(betriebe)} Betriebe beraten, "
                   f"zusammen {zahl(beratungen)}-mal.")
    if leer is not None:
        out.append(f"{zahl(leer)} leere Läden und Flächen werden wieder genutzt.")
    return out


# --- Display tables ------------------------------------------------------------------------

def anzeige(daten: Oeffentlich, name: str, zeilen: str, spalten: str,
            auswahl: Auswahl = Auswahl(), **fest: str) -> pd.DataFrame:
    """A cross table of display strings (`*` where suppressed) from one tidy table."""
    df = daten.tabellen[name]
    for k, v in fest.items():
        df = df[df[k] == v]
    df = _auswahl(df, auswahl)
    z_order = [w for w in daten.dim_werte(name, zeilen) if w in set(df[zeilen])]
    s_order = [w for w in daten.dim_werte(name, spalten) if w in set(df[spalten])]
    df = df.assign(text=[zahl(None if g else w) for w, g in zip(df["wert"], df["gesperrt"])])
    tab = df.pivot(index=zeilen, columns=spalten, values="text").reindex(index=z_order,
                                                                         columns=s_order)
    tab.index.name = _titel(daten, name, zeilen)
    tab.columns.name = None
    return tab.reset_index()


def _titel(daten: Oeffentlich, name: str, dim: str) -> str:
    return next(d["titel"] for d in daten.info(name)["dimensionen"] if d["name"] == dim)


def _auswahl(df: pd.DataFrame, auswahl: Auswahl) -> pd.DataFrame:
    if auswahl.quartier and "quartier" in df:
        df = df[df["quartier"] == auswahl.quartier]
    if auswahl.quartier and "stadtteil" in df:
        df = df[df["stadtteil"].map(STADTTEILE) == auswahl.quartier]
    if auswahl.jahre is not None and "jahr" in df:
        df = df[df["jahr"].isin(auswahl.jahre)]
    return df


def quoten_text(daten: Oeffentlich, auswahl: Auswahl = Auswahl()) -> pd.DataFrame:
    df = _auswahl(daten.tabellen["quoten"], Auswahl(auswahl.quartier))
    tab = df.assign(text=[prozent(None if g else w) for w, g in zip(df["wert"], df["gesperrt"])])
    tab = tab.pivot(index="kennzahl", columns="quartier", values="text")
    order = daten.dim_werte("quoten", "kennzahl")
    tab = tab.reindex(index=[k for k in order if k in tab.index],
                      columns=[q for q in (*QUARTIERE, INSGESAMT) if q in tab.columns])
    tab.index.name = "Kennzahl"
    tab.columns.name = None
    return tab.reset_index()


# --- Charts ---------------------------------------------------------------------------------

def balken(daten: Oeffentlich, name: str, x: str, farbe_nach: str | None,
           titel: str, y_titel: str, auswahl: Auswahl = Auswahl(), horizontal: bool = False,
           **fest: str) -> go.Figure:
    """Bars of published values; a suppressed value is an empty bar labelled `*`."""
    df = daten.tabellen[name]
    for k, v in fest.items():
        df = df[df[k] == v]
    df = _auswahl(df, auswahl)
    df = df[df[x] != INSGESAMT]
    order = [w for w in daten.dim_werte(name, x) if w in set(df[x])]
    gruppen = [None] if farbe_nach is None else [
        g for g in daten.dim_werte(name, farbe_nach) if g in set(df[farbe_nach]) and
        g != INSGESAMT]
    fig = go.Figure()
    for i, g in enumerate(gruppen):
        teil = df if g is None else df[df[farbe_nach] == g]
        teil = teil.set_index(x).reindex(order)
        werte = teil["wert"].fillna(0)
        texte = [STERN if s else zahl(w) for w, s in zip(teil["wert"], teil["gesperrt"])]
        name_g = g or y_titel
        kw = dict(x=werte, y=order, orientation="h") if horizontal else dict(x=order, y=werte)
        fig.add_bar(**kw, name=name_g, text=texte, textposition="outside",
                    marker_color=charts.farbe(name_g, i), cliponaxis=False,
                    hovertemplate="%{text}<extra>" + name_g + "</extra>")
    if horizontal:
        fig.update_layout(xaxis_title=y_titel, yaxis=dict(autorange="reversed"))
    else:
        fig.update_layout(xaxis_title=_titel(daten, name, x), yaxis_title=y_titel,
                          xaxis_type="category")
    fig.update_layout(barmode="group", showlegend=farbe_nach is not None)
    return charts.german_layout(fig, titel)


def tabelle_download(daten: Oeffentlich, name: str) -> pd.DataFrame:
    """The tidy table with German column names and `*` shown, for downloads."""
    df = daten.tabellen[name].copy()
    df["wert"] = [STERN if g else (w if name == "quoten" else int(w))
                  for w, g in zip(df["wert"], df["gesperrt"])]
    df["gesperrt"] = df["gesperrt"].map({True: "ja", False: "nein"})
    titel = {d["name"]: d["titel"] for d in daten.info(name)["dimensionen"]}
    return df.rename(columns={**titel, "wert": "Wert", "gesperrt": "Gesperrt"})


# --- Vacancies on the public side (issue 12) --------------------------------------------------

ORTE_SPALTEN = {"stadtteil": "Stadtteil", "adresse": "Adresse", "art": "Art",
                "flaeche_m2": "Fläche (m²)"}
ORTE_FARBE = "#D55E00"          # the colour of "leer" on the internal map (Okabe–Ito)


def orte_im_gebiet(daten: Oeffentlich, auswahl: Auswahl = Auswahl()) -> pd.DataFrame:
    """The published vacancies with the owner's consent, in the chosen programme area."""
    orte = daten.orte
    if auswahl.quartier:
        orte = orte[orte["stadtteil"].map(STADTTEILE) == auswahl.quartier]
    return orte.reset_index(drop=True)


def orte_tabelle(orte: pd.DataFrame) -> pd.DataFrame:
    """The list for people: district, address, type, floor area – never coordinates. A
    publication from before addresses were published (no `adresse`) gives an empty list
    (fail closed: coordinates are never shown in their place)."""
    if "adresse" not in orte:
        return pd.DataFrame(columns=list(ORTE_SPALTEN.values()))
    out = orte[[c for c in ORTE_SPALTEN if c in orte]].rename(columns=ORTE_SPALTEN)
    if "Fläche (m²)" in out:
        # rounded once, half away from zero (Python's round() rounds 12.5 to 12)
        out["Fläche (m²)"] = [kz.zahl(x, leer="") for x in out["Fläche (m²)"]]
    return out.reset_index(drop=True)


ORTE_MAX_PUNKTE = 2_000      # points on the public map (issue 14: 22,209 at scale 1000)


def orte_auf_karte(orte: pd.DataFrame, n: int | None = None) -> pd.DataFrame:
    """The places the public map draws: all up to `n` (None: ORTE_MAX_PUNKTE), else the `n`
    largest by floor area (ties by address); the list shows all."""
    n = ORTE_MAX_PUNKTE if n is None else n
    if len(orte) <= n or "flaeche_m2" not in orte:
        return orte if len(orte) <= n else orte.head(n)
    return orte.sort_values(["flaeche_m2", "adresse"], ascending=[False, True],
                            na_position="last").head(n).reset_index(drop=True)


def orte_karte(orte: pd.DataFrame, hoehe: int = 480) -> go.Figure:
    """The consented vacancies on a map that needs no tiles (white background): one point per
    unit with address, type and floor area on hover, district names at the middle of their
    units (drawn as outlines, see biwaq.app.kartentext)."""
    from biwaq.app import kartentext

    fig = go.Figure()
    if "adresse" in orte and len(orte):
        flaeche = [kz.zahl(x, leer="–")
                   for x in orte.get("flaeche_m2", pd.Series([None] * len(orte)))]
        fig.add_trace(go.Scattermap(
            lat=orte["lat"], lon=orte["lon"], mode="markers", name="leer (Lage freigegeben)",
            marker=dict(size=14, color=ORTE_FARBE, opacity=0.95),
            customdata=list(zip(orte["adresse"], orte["art"], flaeche, orte["stadtteil"])),
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}, %{customdata[2]} m²"
                          "<br>%{customdata[3]}<extra></extra>"))
        mitte = orte.groupby("stadtteil")[["lat", "lon"]].mean()
        box = (orte["lon"].min(), orte["lat"].min(), orte["lon"].max(), orte["lat"].max())
        hoehe_grad = max(min((box[3] - box[1]) * 0.03, 0.004), 0.0008)
        for t in kartentext.namen_traces(mitte.index, (mitte["lat"] + 1.6 * hoehe_grad),
                                         mitte["lon"], hoehe_grad, "Stadtteilnamen"):
            fig.add_trace(t)
        zentrum, zoom = kartentext.ausschnitt(box[0] - 0.004, box[1] - 0.003,
                                              box[2] + 0.004, box[3] + 0.003, hoehe_px=hoehe)
    else:
        zentrum, zoom = {"lat": 50.975, "lon": 11.04}, 11.5
    fig.update_layout(height=hoehe, margin=dict(l=0, r=0, t=0, b=0), showlegend=True,
                      map=dict(style="white-bg", center=zentrum, zoom=zoom),
                      legend=dict(yanchor="top", y=0.99, xanchor="left", x=0.01,
                                  bgcolor="rgba(255,255,255,0.85)"))
    return charts.german_layout(fig)


@dataclass(frozen=True)
class Stadtteilblock:
    stadtteil: str
    quartier: str | None
    saetze: list[str]


def stadtteil_bloecke(daten: Oeffentlich, auswahl: Auswahl = Auswahl()) -> list[Stadtteilblock]:
    """One block per district of the chosen area with its published vacancy figures in plain
    German; a suppressed figure is said to be hidden, never worked out."""
    letztes = daten.dim_werte("leerstaende_bestand", "jahr")[-1]
    wj = [j for j in daten.dim_werte("leerstaende_wiederbelegt", "jahr") if j != INSGESAMT]
    orte = orte_im_gebiet(daten, auswahl)
    bloecke = []
    for s in daten.dim_werte("leerstaende_bestand", "stadtteil"):
        if s == INSGESAMT or (auswahl.quartier and STADTTEILE.get(s) != auswahl.quartier):
            continue
        leer = daten.wert("leerstaende_bestand", stadtteil=s, jahr=letztes)
        wieder = (daten.wert("leerstaende_wiederbelegt", stadtteil=s, jahr=INSGESAMT)
                  if s in daten.dim_werte("leerstaende_wiederbelegt", "stadtteil") else None)
        saetze_s = [
            (f"Ende {letztes} standen hier {zahl(leer)} Läden, Büros und Flächen leer."
             if leer is not None else
             f"Wie viele Läden und Flächen Ende {letztes} leer standen, zeigen wir hier nicht "
             "(*): es sind sehr wenige, oder man könnte sonst eine sehr kleine Zahl "
             "ausrechnen."),
            (f"Seit {wj[0]} werden {zahl(wieder)} leere Läden und Flächen wieder genutzt."
             if wieder is not None and wj else
             "Wie viele wieder genutzt werden, zeigen wir hier nicht (*)." if wj else "")]
        if "adresse" in orte and (orte["stadtteil"] == s).any():   # no count: may be 1 or 2
            saetze_s.append("Leere Läden, deren Eigentümer zugestimmt haben, zeigen wir mit "
                            "Adresse auf der Karte und in der Liste.")
        bloecke.append(Stadtteilblock(s, STADTTEILE.get(s), [x for x in saetze_s if x]))
    return bloecke
