"""The funding statement with the EU emblem, for the public app and the handout PDF.

ESF+ visibility rules (Regulation (EU) 2021/1060, Art. 47 and Annex IX): material for the public
shows the emblem of the Union with the statement „Kofinanziert von der Europäischen Union“
beside it, no smaller than other logos, and the programme. The emblem is drawn here as vector
graphics after the Union's graphic standards (flag 3:2, twelve five-pointed gold stars on a
circle of radius 1/3 of the flag's height, each star's outer radius 1/18 of the height, one
point upwards; colours Reflex Blue #003399 and Yellow #FFCC00) – no download at run time."""
from __future__ import annotations

import base64
import math

BLAU, GOLD = "#003399", "#FFCC00"
EMBLEM_TEXT = "Kofinanziert von der Europäischen Union"
PROGRAMM = "BIWAQ – Bildung, Wirtschaft, Arbeit im Quartier"
SATZ = ("Das Projekt BIWAQ Erfurt wird im Programm „BIWAQ – Bildung, Wirtschaft, Arbeit im "
        "Quartier“ vom Bund und aus dem Europäischen Sozialfonds (ESF) gefördert.")


def sterne(breite: float, hoehe: float) -> list[list[tuple[float, float]]]:
    """The twelve stars of a flag of the given size as polygons (10 corners each), in the
    flag's coordinates (origin top left, y downwards)."""
    cx, cy = breite / 2, hoehe / 2
    kreis, aussen = hoehe / 3, hoehe / 18
    innen = aussen * math.sin(math.radians(18)) / math.sin(math.radians(126))
    out = []
    for k in range(12):
        a = math.radians(90 - 30 * k)          # clock positions, 12 o'clock first
        sx, sy = cx + kreis * math.cos(a), cy - kreis * math.sin(a)
        ecken = []
        for i in range(10):
            r = aussen if i % 2 == 0 else innen
            w = math.radians(90 + 36 * i)
            ecken.append((sx + r * math.cos(w), sy - r * math.sin(w)))
        out.append(ecken)
    return out


def emblem_svg(hoehe_px: int = 40) -> str:
    """The EU flag as an inline SVG element (3:2), with a text alternative."""
    b, h = 300.0, 200.0
    punkte = " ".join(
        f'<polygon points="{" ".join(f"{x:.2f},{y:.2f}" for x, y in stern)}"/>'
        for stern in sterne(b, h))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {b:.0f} {h:.0f}" '
            f'height="{hoehe_px}" width="{hoehe_px * 1.5:.0f}" role="img" '
            f'aria-label="Flagge der Europäischen Union">'
            f'<rect width="{b:.0f}" height="{h:.0f}" fill="{BLAU}"/>'
            f'<g fill="{GOLD}">{punkte}</g></svg>')


def emblem_img(hoehe_px: int = 44) -> str:
    """The emblem as an <img> holding the SVG as a data URI (st.html removes inline <svg>;
    a data URI stays vector graphics and needs no download)."""
    daten = base64.b64encode(emblem_svg(hoehe_px).encode("utf-8")).decode("ascii")
    return (f'<img src="data:image/svg+xml;base64,{daten}" height="{hoehe_px}" '
            f'width="{hoehe_px * 1.5:.0f}" alt="Flagge der Europäischen Union">')


def html_block() -> str:
    """Emblem, statement and programme for the public app (st.html)."""
    return (
        '<div class="biwaq-foerderung" style="display:flex;align-items:center;gap:14px;'
        'flex-wrap:wrap;padding:10px 0;">'
        f'{emblem_img(44)}'
        '<div style="font-size:1.05rem;line-height:1.35;">'
        f'<strong>{EMBLEM_TEXT}</strong><br>'
        f'<span>Programm {PROGRAMM}</span></div></div>'
        f'<p style="font-size:0.9rem;color:#444;margin:0;">{SATZ}</p>')


def pdf_zeichnen(pdf, x: float, y: float, hoehe: float) -> float:
    """Draw the EU flag with fpdf2 shapes at (x, y) in mm, `hoehe` mm high; returns its width."""
    breite = hoehe * 1.5
    pdf.set_fill_color(0x00, 0x33, 0x99)
    pdf.rect(x, y, breite, hoehe, style="F")
    pdf.set_fill_color(0xFF, 0xCC, 0x00)
    for stern in sterne(breite, hoehe):
        pdf.polygon([(x + px, y + py) for px, py in stern], style="F")
    return breite
