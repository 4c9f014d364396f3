"""One-page A4 handout (PDF) of the public figures for a neighbourhood conference."""
from __future__ import annotations

import os

import matplotlib
from fpdf import FPDF, ViewerPreferences

from biwaq.app import charts
from biwaq.oeffentlich import foerderhinweis
from biwaq.zahlen import kennzahlen as kz
from biwaq.einlesen.contract import QUARTIERE
from biwaq.oeffentlich.public_view import kennzahlen, saetze
from biwaq.oeffentlich.published import ARBEIT, INSGESAMT, Oeffentlich, datum, prozent, zahl

RAND = 15.0
BREITE = 210.0 - 2 * RAND
# DejaVu Sans from matplotlib's own data (a pinned dependency), as in the committee report:
# every character of the German texts („“, –, …) prints as written, without system fonts.
SCHRIFT = "DejaVu"
_TTF = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")


def _t(s: str) -> str:
    """Text for the PDF: as written (the embedded Unicode font has every character used)."""
    return s


def _rgb(hexfarbe: str) -> tuple[int, int, int]:
    h = hexfarbe.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


class _Pdf(FPDF):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.add_font(SCHRIFT, "", os.path.join(_TTF, "DejaVuSans.ttf"))
        self.add_font(SCHRIFT, "B", os.path.join(_TTF, "DejaVuSans-Bold.ttf"))

    def text_at(self, x: float, y: float, w: float, h: float, text: str, size: float,
                style: str = "", align: str = "L") -> None:
        self.set_xy(x, y)
        self.set_font(SCHRIFT, style, size)
        self.cell(w, h, _t(text), align=align)


def dateiname(daten: Oeffentlich) -> str:
    """'biwaq_erfurt_zahlen_stand_2018-12_veroeffentlichung_3.pdf': the data's month (public
    outputs name only the month, issue 13.9) and the publication's number, so handouts of two
    publications never get the same name."""
    return (f"biwaq_erfurt_zahlen_stand_{daten.datenstand:%Y-%m}"
            f"_veroeffentlichung_{daten.revision}.pdf")


def pdf(daten: Oeffentlich) -> bytes:
    """The handout: key figures, short sentences, two small tables, a bar chart, the data
    date and the disclosure note, on exactly one A4 page."""
    p = _Pdf(orientation="P", unit="mm", format="A4")
    p.set_auto_page_break(False)
    p.set_margins(RAND, RAND, RAND)
    # Accessibility as far as fpdf2 allows (it writes no tags for text): document language,
    # title shown by the viewer instead of the file name.
    p.set_lang("de")
    p.set_title("BIWAQ Erfurt – Zahlen für die Stadtteile")
    p.set_author("BIWAQ Erfurt")
    p.viewer_preferences = ViewerPreferences(display_doc_title=True)
    p.add_page()
    # DejaVu Sans runs about 10 % wider than the Helvetica the layout was drawn for: condensed
    # to 90 % so every column and the footer keep their place (fpdf2 text stretching, Tz).
    p.set_stretching(90)
    y = _kopf(p, daten, RAND)
    y = _kennzahlen(p, daten, y + 4)
    y = _saetze(p, daten, y + 4)
    y = _teilnehmende(p, daten, y + 4)
    y = _balken_jahre(p, daten, y + 4)
    y = _betriebe_leerstand(p, daten, y + 4)
    _fuss(p, daten)
    return bytes(p.output())


def _kopf(p: _Pdf, d: Oeffentlich, y: float) -> float:
    p.set_text_color(0, 0, 0)
    p.text_at(RAND, y, BREITE, 9, "BIWAQ Erfurt – Zahlen für die Stadtteile", 18, "B")
    p.text_at(RAND, y + 9, BREITE, 5,
              f"Magdeburger Allee und Süd-Ost · Stand der Daten: {d.datenstand_text} · "
              f"veröffentlicht am {datum(d.veroeffentlicht_am.date())}", 9.5)
    y += 16
    if d.ist_demo:
        p.set_fill_color(*_rgb(charts.OKABE_ITO["gelb"]))
        p.rect(RAND, y, BREITE, 7, style="F")
        p.text_at(RAND + 2, y + 1, BREITE - 4, 5, "DEMODATEN – alle Zahlen sind erfunden und "
                  "dienen nur zur Vorführung.", 10, "B")
        y += 8
    return y


def _kennzahlen(p: _Pdf, d: Oeffentlich, y: float) -> float:
    ks = kennzahlen(d)
    gap = 4.0
    w = (BREITE - gap * (len(ks) - 1)) / len(ks)
    for i, k in enumerate(ks):
        x = RAND + i * (w + gap)
        p.set_fill_color(235, 242, 250)
        p.rect(x, y, w, 26, style="F")
        p.set_text_color(*_rgb(charts.OKABE_ITO["blau"]))
        p.text_at(x, y + 3, w, 10, zahl(k.wert), 22, "B", align="C")
        p.set_text_color(0, 0, 0)
        p.set_xy(x + 1, y + 15)
        p.set_font(SCHRIFT, "", 9)
        p.multi_cell(w - 2, 4, _t(k.name), align="C")
    return y + 26


def _saetze(p: _Pdf, d: Oeffentlich, y: float) -> float:
    p.set_xy(RAND, y)
    p.set_font(SCHRIFT, "", 11)
    p.multi_cell(BREITE, 5.5, _t(" ".join(saetze(d))))
    return p.get_y()


def _tabelle(p: _Pdf, x: float, y: float, breiten: list[float], zeilen: list[list[str]],
             titel: str) -> float:
    p.text_at(x, y, sum(breiten), 6, titel, 11, "B")
    y += 7
    for i, zeile in enumerate(zeilen):
        if i == 0:
            p.set_fill_color(230, 230, 230)
            p.rect(x, y, sum(breiten), 5.5, style="F")
        xx = x
        for j, (text, w) in enumerate(zip(zeile, breiten)):
            stil = "B" if i == 0 or zeile[0] == INSGESAMT else ""
            p.text_at(xx + 1, y + 0.5, w - 2, 4.5, text, 9, stil, align="L" if j == 0 else "R")
            xx += w
        y += 5.5
    return y


def _teilnehmende(p: _Pdf, d: Oeffentlich, y: float) -> float:
    zeilen = [["Quartier", kz.label("oeffentlich_menschen"), kz.label("oeffentlich_arbeit"),
               "Anteil"]]        # labels from the catalogue of figures; "Anteil" = prozent()
    for q in (*QUARTIERE, INSGESAMT):
        tn = d.wert("eintritte_vermittlungen", kennzahl="Eintritte", quartier=q, jahr=INSGESAMT)
        vm = d.wert("eintritte_vermittlungen", kennzahl=ARBEIT, quartier=q,
                    jahr=INSGESAMT)
        quote = d.wert("quoten", quartier=q, kennzahl="Vermittlungsquote")
        zeilen.append([q, zahl(tn), zahl(vm), prozent(quote)])
    return _tabelle(p, RAND, y, [60, 40, 45, 35], zeilen,
                    "Wer hat mitgemacht, wer hat Arbeit gefunden?")


def _balken_jahre(p: _Pdf, d: Oeffentlich, y: float) -> float:
    """Participants per year of entry and area, as simple bars drawn on the page."""
    p.text_at(RAND, y, BREITE, 6, "Neue Teilnehmende je Jahr", 11, "B")
    y += 7
    jahre = [j for j in d.dim_werte("teilnehmende", "jahr") if j != INSGESAMT]
    werte = {(q, j): d.wert("teilnehmende", quartier=q, zielgruppe=INSGESAMT, jahr=j)
             for q in QUARTIERE for j in jahre}
    hoechst = max([v for v in werte.values() if v is not None] or [1])
    h_max, unten = 28.0, y + 34
    gruppe_w = BREITE / max(len(jahre), 1)
    bar_w = min(14.0, (gruppe_w - 8) / len(QUARTIERE))
    for i, j in enumerate(jahre):
        x0 = RAND + i * gruppe_w + (gruppe_w - bar_w * len(QUARTIERE)) / 2
        for k, q in enumerate(QUARTIERE):
            v = werte[(q, j)]
            h = 0 if v is None else h_max * v / hoechst
            x = x0 + k * bar_w
            p.set_fill_color(*_rgb(charts.farbe(q, k)))
            if h > 0:
                p.rect(x, unten - h, bar_w - 1, h, style="F")
            p.text_at(x - 1, unten - h - 4.5, bar_w + 1, 4, zahl(v), 8, align="C")
        p.text_at(RAND + i * gruppe_w, unten + 0.5, gruppe_w, 4, j, 9, align="C")
    p.set_draw_color(120, 120, 120)
    p.line(RAND, unten, RAND + BREITE, unten)
    lx = RAND
    for k, q in enumerate(QUARTIERE):
        p.set_fill_color(*_rgb(charts.farbe(q, k)))
        p.rect(lx, unten + 6, 3.5, 3.5, style="F")
        p.text_at(lx + 5, unten + 5.5, 50, 4.5, q, 9)
        lx += 55
    return unten + 10


def _betriebe_leerstand(p: _Pdf, d: Oeffentlich, y: float) -> float:
    zeilen = [["Quartier", "Betriebe", "Beratungen"]]
    for q in (*QUARTIERE, INSGESAMT):
        zeilen.append([q, zahl(d.wert("betriebe_beraten", quartier=q)),
                       zahl(d.wert("beratungen", quartier=q, format=INSGESAMT))])
    y1 = _tabelle(p, RAND, y, [38, 22, 24], zeilen, "Beratene Betriebe")
    letztes = [j for j in d.dim_werte("leerstaende_bestand", "jahr")][-1]
    zeilen = [["Stadtteil", f"leer Ende {letztes}", "wieder genutzt"]]
    for s in d.dim_werte("leerstaende_bestand", "stadtteil"):
        zeilen.append([s, zahl(d.wert("leerstaende_bestand", stadtteil=s, jahr=letztes)),
                       zahl(d.wert("leerstaende_wiederbelegt", stadtteil=s, jahr=INSGESAMT))])
    y2 = _tabelle(p, RAND + 92, y, [38, 26, 26], zeilen, "Leerstand")
    return max(y1, y2)


def _fuss(p: _Pdf, d: Oeffentlich) -> None:
    """Disclosure note, data protection and the funding statement with the EU emblem (drawn
    with fpdf2 shapes, biwaq.oeffentlich.foerderhinweis) beside the programme's name."""
    y = 297 - RAND - 36
    p.set_draw_color(120, 120, 120)
    p.line(RAND, y, RAND + BREITE, y)
    p.set_xy(RAND, y + 1.5)
    p.set_font(SCHRIFT, "B", 9)
    p.multi_cell(BREITE, 4.2, _t(d.hinweis))
    p.set_font(SCHRIFT, "", 8)
    p.set_x(RAND)
    p.multi_cell(BREITE, 3.8, _t(
        f"Schutz der Daten: Zahlen unter {d.schwelle} und alles, woraus sie sich ausrechnen "
        "ließen, sind gesperrt; das wurde vor der Veröffentlichung rechnerisch geprüft. "
        "Projekt BIWAQ Erfurt (Kontakt in Krisen e.V., Euratibor e.V.)."))
    y = 297 - RAND - 12
    breite = foerderhinweis.pdf_zeichnen(p, RAND, y, 12)
    p.set_text_color(0, 0, 0)
    p.text_at(RAND + breite + 3, y + 0.5, 80, 5.5, foerderhinweis.EMBLEM_TEXT, 10.5, "B")
    p.text_at(RAND + breite + 3, y + 6.5, 80, 4.5, "Programm " + foerderhinweis.PROGRAMM, 8.5)
    p.set_xy(RAND + breite + 86, y + 0.5)
    p.set_font(SCHRIFT, "", 7.5)
    p.multi_cell(BREITE - breite - 86, 3.4, _t(foerderhinweis.SATZ))
