"""Layout of the committee report as an A4 PDF (fpdf2) from bericht.BerichtDaten.

Fonts: DejaVu Sans from matplotlib's own data (a pinned dependency), so every character
(„“, –, ≥, ², …) prints without system fonts. Deterministic: creation date = data as-of date,
fixed producer and file id."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from pathlib import Path

import matplotlib
import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from biwaq.zahlen import analytics as an
from biwaq.app import bericht
from biwaq.app import charts_bericht as cb
from biwaq.zahlen import kennzahlen as kz
from biwaq.zahlen import oekonomie as oek
from biwaq.zahlen import zielstand as zs
from biwaq.app.bericht import (ABSCHNITTE, PROJEKT, STATUS_SPALTE, TITEL, BerichtDaten, datum,
                           filter_zeilen)
from biwaq.app.charts import OKABE_ITO
from biwaq.einlesen.contract import TRAEGER_NAMEN

RAND = 15.0
BREITE = 210.0 - 2 * RAND
SCHRIFT = "DejaVu"
_TTF = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")


def _rgb(h: str) -> tuple[int, int, int]:
    h = h.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


class _Pdf(FPDF):
    def __init__(self, d: BerichtDaten):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.d = d
        self.add_font(SCHRIFT, "", os.path.join(_TTF, "DejaVuSans.ttf"))
        self.add_font(SCHRIFT, "B", os.path.join(_TTF, "DejaVuSans-Bold.ttf"))
        self.set_margins(RAND, RAND, RAND)
        self.set_auto_page_break(True, margin=18)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(SCHRIFT, "", 7)
        self.set_text_color(90, 90, 90)
        links = (f"BIWAQ Erfurt · {TITEL} · {datum(self.d.filt.von)}–{datum(self.d.filt.bis)}"
                 + (f" · {self.d.filt.quartier}" if self.d.filt.quartier else "")
                 + f" · Datenstand {datum(self.d.datenstand)}")
        self.cell(BREITE * 0.8, 5, links)
        self.cell(BREITE * 0.2, 5, f"Seite {self.page_no()} von {{nb}}", align="R")
        if self.d.demo:
            self.set_xy(RAND, -8)
            self.set_font(SCHRIFT, "B", 7)
            self.set_text_color(*_rgb("#8A6D00"))
            self.cell(BREITE, 4, "DEMODATEN – alle Zahlen sind erfunden", align="C")
        self.set_text_color(0, 0, 0)

    # --- building blocks --------------------------------------------------------------------
    def ueberschrift(self, text: str) -> None:
        if self.get_y() > 240:
            self.add_page()
        self.ln(2)
        self.set_font(SCHRIFT, "B", 13)
        self.set_text_color(*_rgb(OKABE_ITO["blau"]))
        self.multi_cell(BREITE, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(1)

    def unter(self, text: str) -> None:
        if self.get_y() > 250:
            self.add_page()
        self.set_font(SCHRIFT, "B", 9.5)
        self.multi_cell(BREITE, 5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(0.5)

    def absatz(self, text: str, size: float = 8.5) -> None:
        self.set_font(SCHRIFT, "", size)
        self.multi_cell(BREITE, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def bild(self, png: bytes, breite: float = BREITE) -> None:
        from PIL import Image
        w, h = Image.open(io.BytesIO(png)).size
        hoehe = breite * h / w
        if self.get_y() + hoehe > self.h - 20:
            self.add_page()
        self.image(io.BytesIO(png), x=RAND + (BREITE - breite) / 2, w=breite)
        self.ln(2)

    def tabelle(self, df: pd.DataFrame, breiten: tuple[float, ...] | None = None,
                size: float = 7, rechts: tuple[str, ...] = ()) -> None:
        if df.empty:
            self.absatz("Keine Einträge.")
            return
        self.set_font(SCHRIFT, "", size)
        kopf = FontFace(emphasis="BOLD", fill_color=(230, 238, 246))
        ausr = tuple("RIGHT" if c in rechts else "LEFT" for c in df.columns)
        with self.table(col_widths=breiten, text_align=ausr, headings_style=kopf,
                        line_height=size * 0.48, padding=0.8, width=BREITE,
                        borders_layout="HORIZONTAL_LINES", cell_fill_mode="NONE") as t:
            r = t.row()
            for c in df.columns:
                r.cell(str(c))
            for zeile in df.itertuples(index=False):
                r = t.row()
                for v in zeile:
                    r.cell(_zelle(v))
        self.ln(2)


def _zelle(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "–"
    if isinstance(v, bool):
        return "ja" if v else "nein"
    if isinstance(v, int) or (hasattr(v, "is_integer") and float(v).is_integer()):
        return zs.zahl_text(v)
    if isinstance(v, float):
        return an.zahl_text(v, 1)
    return str(v).replace("\u00a0", " ")


def pdf(d: BerichtDaten) -> bytes:
    """The report as PDF bytes (A4 portrait), deterministic for the same data and options."""
    p = _Pdf(d)
    stamp = dt.datetime.combine(d.datenstand or d.filt.bis, dt.time(0, 0), dt.UTC)
    p.set_creation_date(stamp)
    p.set_title(f"BIWAQ Erfurt – {TITEL}")
    p.set_author("BIWAQ Erfurt")
    p.set_creator("BIWAQ-Dashboard")
    p.set_producer("BIWAQ-Dashboard (fpdf2)")
    p.set_subject(" · ".join(filter_zeilen(d.filt)))
    _titelseite(p, d)
    _ziele(p, d)
    _reichweite(p, d)
    _trichter(p, d)
    _esf(p, d)
    _betriebe(p, d)
    _leerstand(p, d)
    _qualitaet(p, d)
    _kommentare(p, d)
    inhalt = hashlib.md5(repr((d.filt, d.datenstand)).encode()).hexdigest().upper()
    p.file_id = lambda: f"<{inhalt}><{inhalt}>"
    return bytes(p.output())


def _titelseite(p: _Pdf, d: BerichtDaten) -> None:
    p.add_page()
    p.set_y(40)
    p.set_font(SCHRIFT, "", 11)
    p.multi_cell(BREITE, 6, PROJEKT, new_x="LMARGIN", new_y="NEXT")
    p.ln(2)
    p.set_font(SCHRIFT, "B", 24)
    p.multi_cell(BREITE, 11, TITEL, new_x="LMARGIN", new_y="NEXT")
    p.ln(6)
    if d.demo:
        p.set_fill_color(*_rgb(OKABE_ITO["gelb"]))
        p.set_font(SCHRIFT, "B", 16)
        p.multi_cell(BREITE, 12, "DEMODATEN – alle Zahlen sind erfunden und dienen nur zur "
                     "Vorführung.", fill=True, align="C", new_x="LMARGIN", new_y="NEXT")
        p.set_fill_color(255, 255, 255)
        p.ln(6)
    p.set_font(SCHRIFT, "", 11)
    for z in [*filter_zeilen(d.filt), f"Datenstand: {datum(d.datenstand)}",
              f"Stichtag der Zielvergleiche: {datum(d.stichtag)}"]:
        p.multi_cell(BREITE, 7, z, new_x="LMARGIN", new_y="NEXT")
    p.ln(8)
    p.set_font(SCHRIFT, "B", 11)
    p.cell(BREITE, 7, "Inhalt", new_x="LMARGIN", new_y="NEXT")
    p.set_font(SCHRIFT, "", 10)
    for t in ABSCHNITTE.values():
        p.cell(BREITE, 6, t, new_x="LMARGIN", new_y="NEXT")
    p.ln(8)
    p.absatz("Alle Zahlen sind mit denselben Abfragen und Regeln berechnet wie die Seiten des "
             "Dashboards mit denselben Filtern. Eine XLSX-Datei mit jeder Tabelle dieses "
             "Berichts gehört dazu. Interne Unterlage: nicht für die Veröffentlichung "
             "(öffentliche Zahlen nur über die geprüfte Veröffentlichung).", 8.5)


def _ziele(p: _Pdf, d: BerichtDaten) -> None:
    p.add_page()
    p.ueberschrift(ABSCHNITTE["ziele"])
    p.absatz(zs.REGEL_TEXT_PLAIN)
    for z in zs.DEFINITIONEN:
        k = kz.get(f"ziel_{z}")
        p.absatz(f"{k.label}: {k.definition}", 7.5)
    if d.zielstand is None:
        p.absatz("Die Ziele sind nicht nach Träger vereinbart: mit einem Trägerfilter gibt es "
                 "keinen Zielvergleich.")
        return
    tab = d.zielstand.tabelle
    if tab.empty:
        p.absatz("Für diese Auswahl von Quartier und Zielgruppe ist kein Ziel vereinbart.")
        return
    zaehl = " · ".join(f"{s}: {int((tab['status'] == s).sum())}"
                       for s in (zs.IM_PLAN, zs.KNAPP, zs.HINTER))
    p.unter(f"Stichtag {datum(tab['stichtag'].max())} · {zaehl} (von {len(tab)} Zielen)")
    a = d.tabellen["Stand gegenüber den Zielen"]
    zahlen = [kz.label(i) for i in ("ziel_erreicht", "ziel_erwartet", "ziel_zielwert",
                                    "ziel_quote", "ziel_fortschritt")]
    p.tabelle(a[["Ziel", *zahlen, "Status", kz.label("ziel_hochrechnung")]],
              breiten=(52, 14, 16, 13, 19, 17, 16, 20), size=6.5,
              rechts=(*zahlen, kz.label("ziel_hochrechnung")))
    p.bild(cb.status_png(tab))
    kopf = tab[[(k in zs.NUR_QUARTIER and not isinstance(g, str))
                or (k not in zs.NUR_QUARTIER and g == d.filt.zielgruppe)
                or (k not in zs.NUR_QUARTIER and not isinstance(g, str) and not d.filt.zielgruppe)
                for k, g in zip(tab["kennzahl"], tab["zielgruppe"])]]
    kopf = kopf[kopf["quartier"].fillna("") == (d.filt.quartier or "")]
    if len(kopf):
        p.unter("Verlauf je Quartal mit Ziellinie und Hochrechnung (gestrichelt)")
        p.bild(cb.verlauf_png(d.zielstand, list(kopf["ziel_id"])))


def _reichweite(p: _Pdf, d: BerichtDaten) -> None:
    p.ueberschrift(ABSCHNITTE["reichweite"])
    p.absatz("Im Zeitraum: Erstkontakt bzw. Eintritt im gewählten Zeitraum. Seit Beginn: ab "
             "Laufzeitbeginn bis zum Stichtag, wie die Ziele zählen. Zielgruppen überschneiden "
             "sich; eine Person zählt in jeder ihrer Gruppen.")
    t = d.tabellen["Zielgruppen"]
    p.tabelle(t, breiten=(34, 18, 18, 18, 15, 19, 18, 15, 19), size=6.5,
              rechts=tuple(c for c in t.columns
                           if c != "Gruppe" and c not in STATUS_SPALTE.values()))
    p.unter("Vergleich mit der Bevölkerung (Migrationshintergrund)")
    p.absatz("Die Stadtteilstatistik enthält nur den Migrationsanteil; für die übrigen Gruppen "
             "ist kein Vergleich möglich, und es werden keine Zahlen geschätzt.", 7.5)
    b = d.tabellen["Bevölkerungsvergleich"]
    p.tabelle(b, rechts=tuple(b.columns[1:]))


def _trichter(p: _Pdf, d: BerichtDaten) -> None:
    p.ueberschrift(ABSCHNITTE["trichter"])
    t = d.tabellen["Trichter und Verbleib"]
    p.absatz("Kohorte: Personen mit Erstkontakt im Zeitraum. Übergangsquote = Anteil der "
             "Personen der Vorstufe, die auch diese Stufe erreicht haben.")
    for s in d.texte["trichter"]:
        p.absatz(s)
    personen, quote = kz.label("personen"), kz.label("uebergangsquote")
    werte = t.set_index("Stufe")
    if werte.loc["Vermittlung", personen]:
        p.absatz(f"Von {kz.fmt('kohorte_vermittelt', werte.loc['Vermittlung', personen])} "
                 f"vermittelten Personen waren "
                 f"{kz.fmt('kohorte_verbleib', werte.loc[an.STUFE_VERBLEIB, personen])}"
                 f" sechs Monate nach Beginn der Arbeit noch dort "
                 f"({werte.loc[an.STUFE_VERBLEIB, quote]} %).")
    p.tabelle(t, rechts=(personen, quote, kz.label("anteil_erstkontakte")))
    p.bild(cb.trichter_png(t), BREITE * 0.9)


def _esf(p: _Pdf, d: BerichtDaten) -> None:
    p.ueberschrift(ABSCHNITTE["esf"])
    p.absatz("Merkmale: Personen mit Eintritt im Zeitraum; Ergebnisse: Austritte im Zeitraum "
             "(„bei Austritt“: Vermittlung bis 28 Tage nach dem Austritt). Die Definition jeder "
             "Zeile steht in der XLSX-Datei und auf der Seite ESF+-Indikatoren.", 7.5)
    t = d.tabellen["ESF+-Indikatoren"][["Indikator", "Anzahl", "Bezugsgröße", "Anteil"]]
    p.tabelle(t, breiten=(110, 25, 25, 20), size=6.5, rechts=("Anzahl", "Bezugsgröße",
                                                               "Anteil"))
    g = d.tabellen["ESF+ nach Geschlecht"]
    q_name = d.filt.quartier or an.INSGESAMT
    t_name = TRAEGER_NAMEN.get(d.filt.traeger, an.INSGESAMT)
    ins = g[(g["Quartier"] == q_name) & (g["Träger"] == t_name)]
    p.unter(f"Nach Geschlecht (Quartier: {q_name}, Träger: {t_name})")
    sp = ["Indikator", *an.ESF_GESCHLECHTER.values(), an.INSGESAMT]
    p.tabelle(ins[sp], breiten=(94, 22, 22, 24, 18), size=6.5, rechts=tuple(sp[1:]))
    p.unter("Nach Quartier und Träger (Teilnehmende und Beschäftigung bei Austritt)")
    wahl = ["Teilnehmende insgesamt",
            "In Beschäftigung (einschließlich Selbstständiger) bei Austritt"]
    k = g[g["Indikator"].isin(wahl)]
    k = k.assign(Indikator=k["Indikator"].map({wahl[0]: "Teilnehmende",
                                               wahl[1]: "Beschäftigt bei Austritt"}))
    sp2 = ["Quartier", "Träger", "Indikator", *an.ESF_GESCHLECHTER.values(), an.INSGESAMT]
    p.tabelle(k[sp2], breiten=(28, 33, 33, 22, 22, 24, 18), size=6.5, rechts=tuple(sp2[3:]))


def _betriebe(p: _Pdf, d: BerichtDaten) -> None:
    p.ueberschrift(ABSCHNITTE["betriebe"])
    for s in d.texte["betriebe"]:
        p.absatz(s)
    t = d.tabellen["Stabilisierung Betriebe"]
    if len(t):
        p.tabelle(t, size=6.5)
        # the method's name only here, as in the page's „Methodik“ note (issue 15)
        p.absatz("Methodik: " + oek.METHODIK_UEBERLEBEN.replace("**", ""), 7.5)


def _leerstand(p: _Pdf, d: BerichtDaten) -> None:
    p.ueberschrift(ABSCHNITTE["leerstand"])
    for s in d.texte["leerstand"]:
        p.absatz(s)
    t = d.tabellen["Leerstand je Stadtteil"]
    p.tabelle(t, rechts=(kz.label("leerstehend_stichtag"), kz.label("leerstehende_flaeche")))
    objekte = d.karte["objekte"]
    if p.get_y() > 150:
        p.add_page()
    p.unter("Karte: Objekte, die im Zeitraum mindestens einen Tag leer standen (Farbe = "
            "aktueller Status)")
    if len(d.karte["umrisse"]) and d.karte["umrisse"]["schematisch"].all():
        p.absatz("Die Stadtteilumrisse sind schematisch, keine amtlichen Grenzen.", 7.5)
    p.bild(cb.karte_png(objekte, d.karte["umrisse"]), BREITE * 0.92)


def _qualitaet(p: _Pdf, d: BerichtDaten) -> None:
    p.ueberschrift(ABSCHNITTE["qualitaet"])
    for s in d.texte["qualitaet"]:
        p.absatz(s)
    t = d.tabellen["Datenqualität"][["Regel", "Schweregrad", "Beschreibung",
                                       kz.label("verstoesse")]]
    p.tabelle(t, breiten=(12, 16, 135, 17), size=6.3, rechts=(kz.label("verstoesse"),))


def _kommentare(p: _Pdf, d: BerichtDaten) -> None:
    p.ueberschrift(ABSCHNITTE["kommentare"])
    t = d.tabellen["Kommentare"]
    if t.empty:
        p.absatz("Keine Kommentare zu diesem Quartier.")
        return
    p.absatz("Jeder Kommentar gilt für die Filter, unter denen er geschrieben wurde.", 7.5)
    p.tabelle(t[["Zahl / Diagramm", "Filter", "Verfasst von", "Zeit (UTC)", "Kommentar"]],
              breiten=(28, 50, 20, 22, 60), size=6.5)


# --- Building both files -----------------------------------------------------------------------

def erstelle(db: Path | str, filt, ziel: Path | str,
             ks=None) -> tuple[Path, Path]:
    """Write the PDF to `ziel` (a .pdf file; anything else is a folder, created if needed, and
    the files are named by `dateiname`) and the
    XLSX beside it (same name, .xlsx). Returns both paths. `ks`: the comments store
    (biwaq.app.kommentare.KommentarStore) or None; `filt`: a biwaq.speicher.filters.Filter. Lives here, not in `bericht`, so that
    `bericht` (data and tables) never imports this module: no import cycle inside `app`."""
    from biwaq.speicher import store

    ist_ordner = Path(ziel).is_dir() or str(ziel).endswith(("/", "\\")) \
        or Path(ziel).suffix.lower() != ".pdf"
    ziel = Path(ziel)
    con = store.connect_readonly(db)
    try:
        d = bericht.daten(con, filt, ks)
    finally:
        con.close()
    pdf_pfad = ziel / bericht.dateiname(filt, "pdf", d.datenstand) if ist_ordner else ziel
    pdf_pfad.parent.mkdir(parents=True, exist_ok=True)
    pdf_pfad.write_bytes(pdf(d))
    xlsx_pfad = pdf_pfad.with_suffix(".xlsx")
    xlsx_pfad.write_bytes(bericht.xlsx(d))
    return pdf_pfad, xlsx_pfad
