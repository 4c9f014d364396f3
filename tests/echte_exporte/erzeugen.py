"""Writes files shaped like real exports that the importer must store as the person saw them
(run from the repository root: python tests/echte_exporte/erzeugen.py).

The first five rebuild the field cases 01, 02, 04, 05, 06 (../shared/field-cases/); the others
are further files of the same kinds. tests/test_echte_exporte.py names the stored values,
worked out by hand. All names and places are invented.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
ST_KOPF = ["stadtteil", "quartier", "jahr", "einwohner", "migrationsanteil"]


def speichern(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xml_ersetzen(data: bytes, blatt: str, ersetzungen: list[tuple[bytes, bytes]]) -> bytes:
    """Rewrite one sheet's XML inside the zip (declared size, cached formula results)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            inhalt = src.read(info.filename)
            if info.filename == f"xl/worksheets/{blatt}.xml":
                for alt, neu in ersetzungen:
                    inhalt, n = re.subn(alt, neu, inhalt)
                    assert n, alt
            z.writestr(info, inhalt)
    return out.getvalue()


def text(name: str, *zeilen: str, encoding: str = "utf-8-sig") -> None:
    (HERE / name).write_bytes(("\r\n".join(zeilen) + "\r\n").encode(encoding))


def main() -> None:
    # 01: declared size "A1" (WPS Office, report generators)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "stadtteile"
    ws.append(ST_KOPF)
    ws.append(["Ilversgehofen", "Magdeburger Allee", 2016, 9120, 11.5])
    ws.append(["Herrenberg", "Süd-Ost", 2016, 6480, 17.0])
    (HERE / "stadtteile_wps.xlsx").write_bytes(xml_ersetzen(
        speichern(wb), "sheet1", [(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>')]))
    # own: declared "A1:B2", but data to E4, and a formula with its cached result
    ws.append(["Wiesenhügel", "Süd-Ost", 2016, "=5000+310", 9.25])
    (HERE / "stadtteile_dimension_b2.xlsx").write_bytes(xml_ersetzen(
        speichern(wb), "sheet1", [(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:B2"/>'),
                                  (rb"<f>5000\+310</f><v\s*/>", b"<f>5000+310</f><v>5310</v>")]))

    # 02: percent cells (shown 18,1 %, stored 0.181)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "stadtteile"
    ws.append(["stadtteil", "quartier", "jahr", "einwohner", "sgb2_quote", "alo_quote",
               "migrationsanteil"])
    for row in (["Ilversgehofen", "Magdeburger Allee", 2016, 9120, 0.181, 0.074, 0.115],
                ["Herrenberg", "Süd-Ost", 2016, 6480, 0.236, 0.098, 0.17]):
        ws.append(row)
    for r in range(2, 4):
        for c in range(5, 8):
            ws.cell(r, c).number_format = "0.0%"
    wb.save(HERE / "stadtteile_prozent.xlsx")
    # own: other percent formats ("0.00%", "0.0%"), a column percent-formatted in one row
    # only, numbers stored as text (with a thousands dot)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Quoten"
    ws.append(["stadtteil", "quartier", "jahr", "einwohner", "sgb2_quote", "alo_quote",
               "migrationsanteil"])
    ws.append(["Melchendorf", "Süd-Ost", 2017, "7.450", 0.12345, 0.07, "14,5"])
    ws.append(["Andreasvorstadt", "Magdeburger Allee", 2017, "10230", 21.5, 0.061, 9.8])
    ws["E2"].number_format = "0.00%"
    ws["F3"].number_format = "0.0%"
    wb.save(HERE / "stadtteile_quoten.xlsx")

    # 04: hidden first sheet
    wb = openpyxl.Workbook()
    alt = wb.active
    alt.title = "2016"
    alt.append(ST_KOPF)
    alt.append(["Ilversgehofen", "Magdeburger Allee", 2016, 9120, 11.5])
    alt.append(["Herrenberg", "Süd-Ost", 2016, 6480, 17.0])
    neu = wb.create_sheet("2017")
    neu.append(ST_KOPF)
    neu.append(["Ilversgehofen", "Magdeburger Allee", 2017, 9410, 12.9])
    neu.append(["Herrenberg", "Süd-Ost", 2017, 6620, 19.2])
    alt.sheet_state = "hidden"
    wb.active = 1
    wb.save(HERE / "stadtteile_2017.xlsx")
    # own: the hidden sheet is second and named like the table; a very hidden third one
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tabelle1"
    ws.append(ST_KOPF)
    ws.append(["Johannesvorstadt", "Magdeburger Allee", 2018, 8800, 10.1])
    versteckt = wb.create_sheet("stadtteile")
    versteckt.append(ST_KOPF)
    versteckt.append(["Johannesvorstadt", "Magdeburger Allee", 2018, 1, 99.9])
    versteckt.sheet_state = "hidden"
    sehr = wb.create_sheet("Stadtteile alt")
    sehr.append(ST_KOPF)
    sehr.append(["Johannesvorstadt", "Magdeburger Allee", 2018, 2, 88.8])
    sehr.sheet_state = "veryHidden"
    wb.save(HERE / "stadtteile_versteckt.xlsx")

    # 05: a non-breaking space in a value list (Windows-1252)
    (HERE / "betriebe_nbsp.csv").write_bytes(("\r\n".join([
        "betrieb_id;name;quartier;branche;gruendung;migrantenoekonomie;status",
        "B-7101;Kiosk Sonnenblick;Magdeburger Allee;Handel;01.03.2016;nein;aktiv",
        "B-7102;Schneiderei Kaya;Magdeburger\u00a0Allee;Handwerk;15.09.2016;ja;aktiv",
    ]) + "\r\n").encode("cp1252"))
    # own: narrow no-break space, zero-width space, other case, a zero-width character in a
    # header and in a key; booleans as x/empty in required columns
    text("teilnehmende_zeichen.csv",
         "tn_id;quartier;traeger;geschlecht;geburtsjahr;alleinerziehend;"
         "migrationshintergrund;schutzsuchend;langzeitarbeitslos;zugangsweg\u200b;erstkontakt",
         "TN-7301;Magdeburger\u202fAllee;KIK\u200b;w;1984;x;;;x;jobcenter;02.05.2016",
         "TN-73\u200b02;süd-ost;euratibor;M;1990;;x;x;;Aufsuchende\u00a0 Arbeit;03.05.2016")

    # 06: thousands dot in a decimal column
    text("leerstaende_flaeche.csv",
         "objekt_id;adresse;quartier;art;flaeche_m2;leer_seit;status;lat;lon",
         "L-7201;Magdeburger Allee 140;Magdeburger Allee;Ladenlokal;85,5;01.06.2016;leer;"
         "50,99120;11,02610",
         "L-7202;Salinenstraße 90;Magdeburger Allee;Brachfläche;1.250;01.02.2015;leer;"
         "50,99310;11,02250")
    # own: thousands dot with decimals, a coordinate with a decimal point in a comma column
    # (coordinates cannot hold thousands), an old vacancy (1994 is plausible for leer_seit)
    text("leerstaende_tausender.csv",
         "objekt_id;adresse;quartier;art;flaeche_m2;leer_seit;status;lat;lon",
         "L-7301;Am Herrenberg 3;Süd-Ost;Gewerbeeinheit;2.400;01.04.1994;leer;50,9410;11,0650",
         "L-7302;Am Herrenberg 5;Süd-Ost;Ladenlokal;120,75;01.04.2017;leer;50.942;11,0660",
         "L-7303;Am Herrenberg 7;Süd-Ost;Brachfläche;1.250,5;01.04.2017;leer;50,9430;11,0670")

    # encodings: a file pieced together from a UTF-8 and a Windows-1252 export, and one name
    # converted twice (UTF-8 read as Windows-1252 and saved as UTF-8 again)
    kopf = "betrieb_id;name;quartier;branche;gruendung;migrantenoekonomie;status"
    (HERE / "betriebe_umlaute.csv").write_bytes(
        (kopf + "\r\nB-7401;Bäckerei Özdemir;Süd-Ost;Handwerk;01.03.2016;ja;aktiv\r\n"
         ).encode("utf-8")
        + "B-7402;Café Müller;Süd-Ost;Gastronomie;01.04.2016;nein;aktiv\r\n".encode("cp1252")
        + "B-7403;Fleischerei GrÃ¼ner;Süd-Ost;Handwerk;01.05.1998;nein;aktiv\r\n"
        .encode("utf-8"))


if __name__ == "__main__":
    main()
