"""Writes the bad-file corpus (run from the repository root: python tests/bad_files/erzeugen.py).

Each file breaks the data contract in one way; tests/bad_files/erwartet.csv names the message
each must give. Files are tiny; the 200 MB case is made at test time (sparse file).
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
TN_KOPF = ("tn_id;quartier;stadtteil;traeger;geschlecht;geburtsjahr;alleinerziehend;"
           "migrationshintergrund;schutzsuchend;langzeitarbeitslos;sgb2_bezug;bildungsniveau;"
           "zugangsweg;erstkontakt;eintritt;austritt;austrittsgrund")
TN_OK = ("TN-900001;Magdeburger Allee;Ilversgehofen;KIK;w;1980;nein;nein;nein;ja;ja;ISCED 3-4;"
         "Jobcenter;01.02.2016;15.02.2016;;")
TN_OK2 = ("TN-900002;Süd-Ost;Herrenberg;Euratibor;m;1975;nein;ja;nein;ja;ja;ISCED 0-2;"
          "KONTAKT-Laden;03.03.2016;10.03.2016;30.09.2016;Maßnahmeende")


def text(name: str, *zeilen: str, encoding: str = "utf-8-sig") -> None:
    (HERE / name).write_bytes(("\n".join(zeilen) + "\n").encode(encoding))


def xlsx_bytes(rows_by_sheet: dict[str, list[list]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, rows in rows_by_sheet.items():
        ws = wb.create_sheet(sheet)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    (HERE / "teilnehmende_leer.csv").write_bytes(b"")
    (HERE / "teilnehmende_binaer.csv").write_bytes(bytes(range(256)) * 8)
    (HERE / "teilnehmende_eigentlich_xlsx.csv").write_bytes(
        xlsx_bytes({"teilnehmende": [TN_KOPF.split(";"), TN_OK.split(";")]}))
    text("teilnehmende_tabulator.csv", TN_KOPF.replace(";", "\t"), TN_OK.replace(";", "\t"))
    # ',' as separator and an unquoted decimal comma in the area: one field too many
    text("leerstaende_komma.csv",
         "objekt_id,adresse,quartier,stadtteil,art,flaeche_m2,leer_seit,status,wiederbelegt_am,"
         "nachnutzung,eigentuemer_typ,oeffentlich,lat,lon",
         'L-9001,Magdeburger Allee 5,Magdeburger Allee,Ilversgehofen,Ladenlokal,"80,5",'
         '01.03.2016,leer,,,privat,nein,"50,99","11,03"',
         "L-9002,Magdeburger Allee 7,Magdeburger Allee,Ilversgehofen,Ladenlokal,80,5,"
         '01.03.2016,leer,,,privat,nein,"50,99","11,03"')
    text("teilnehmende_ohne_kopfzeile.csv", TN_OK, TN_OK2)
    kopf = TN_KOPF.replace("traeger;", "")
    text("teilnehmende_ohne_traeger.csv", kopf, TN_OK.replace("KIK;", ""))
    text("teilnehmende_typen.csv", TN_KOPF,
         TN_OK.replace("1980", "neunzehnhundertachtzig"),
         TN_OK2.replace("03.03.2016", "31.02.2016").replace(";m;1975;nein;", ";m;1975;vielleicht;"))
    text("teilnehmende_werte.csv", TN_KOPF,
         TN_OK.replace("Magdeburger Allee", "Altstadt"), TN_OK2.replace(";m;", ";x;"))
    text("teilnehmende_doppelt.csv", TN_KOPF, TN_OK, TN_OK2, TN_OK.replace(";w;", ";m;"))
    text("teilnehmende_reihenfolge.csv", TN_KOPF,
         TN_OK2.replace("30.09.2016", "01.03.2016"))
    text("teilnehmende_spalte_doppelt.csv", TN_KOPF + ";Quartier",
         TN_OK + ";Süd-Ost")
    text("aktivitaeten_unbekannt.csv", "tn_id;datum;art;dauer_min;betrieb_id",
         "TN-000001;05.11.2015;Coaching;60;", "TN-999999;06.11.2015;Coaching;60;",
         "TN-000001;07.11.2015;Praktikum;480;B-9999")
    text("aktivitaeten_dauer.csv", "tn_id;datum;art;dauer_min;betrieb_id",
         "TN-000001;05.11.2015;Coaching;900;", "TN-000001;06.11.2015;Coaching;0;")
    text("betriebe_schliessung.csv",
         "betrieb_id;name;quartier;stadtteil;branche;gruendung;migrantenoekonomie;"
         "beschaeftigte;status;status_datum;lat;lon",
         "B-9001;Bäckerei Test;Süd-Ost;Herrenberg;Handwerk;01.06.2016;nein;3;geschlossen;"
         "01.05.2016;50,948;11,058")
    text("leerstaende_wiederbelegt.csv",
         "objekt_id;adresse;quartier;stadtteil;art;flaeche_m2;leer_seit;status;"
         "wiederbelegt_am;nachnutzung;eigentuemer_typ;oeffentlich;lat;lon",
         "L-9003;Magdeburger Allee 9;Magdeburger Allee;Ilversgehofen;Ladenlokal;80,5;"
         "01.03.2016;wiederbelegt;;Café;privat;nein;50,99;11,03")
    # Windows-1252 file (German Excel) with a value outside the list: umlauts must survive
    text("betriebe_cp1252.csv",
         "betrieb_id;name;quartier;stadtteil;branche;gruendung;migrantenoekonomie;"
         "beschaeftigte;status;status_datum;lat;lon",
         "B-9002;Änderungsschneiderei Öz;Süd-Ost;Herrenberg;Handwerk;01.06.2016;ja;2;"
         "geöffnet;;50,948;11,058", encoding="cp1252")
    (HERE / "ziele.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    text("export_2018.csv", TN_KOPF, TN_OK)
    good = xlsx_bytes({"betriebe": [["x"]]})
    (HERE / "betriebe_kaputt.xlsx").write_bytes(good[: len(good) // 2])
    (HERE / "teilnehmende_leeres_blatt.xlsx").write_bytes(xlsx_bytes({"Tabelle1": []}))
    # Excel: a title row and an empty row above the header, a date typed as text wrongly
    (HERE / "betriebe_titel.xlsx").write_bytes(xlsx_bytes({"betriebe": [
        ["Betriebe im Programmgebiet – Stand 31.12.2018"], [],
        ["Betrieb-ID", "Name", "Quartier", "Stadtteil", "Branche", "Gründung",
         "Migrantenökonomie", "Beschäftigte", "Status", "Status-Datum", "lat", "lon"],
        ["B-9003", "Imbiss Test", "Süd-Ost", "Herrenberg", "Gastronomie", dt.date(2016, 4, 1),
         "nein", 2, "aktiv", None, 50.948, 11.058],
        ["B-9004", "Laden Test", "Süd-Ost", "Herrenberg", "Handel", "2016-13-01",
         "nein", 1, "aktiv", None, 50.948, 11.058],
    ]}))

    # --- issue 9 / 13: values as the person saw them, or refused where they stand ---------------
    # field case 15: Excel serial, two-digit year, placeholder 01.01.1900 (each in its column)
    kopf = ("tn_id;quartier;traeger;geschlecht;geburtsjahr;alleinerziehend;migrationshintergrund;"
            "schutzsuchend;langzeitarbeitslos;zugangsweg;erstkontakt;eintritt")
    text("teilnehmende_datum.csv", kopf,
         "TN-907901;Süd-Ost;Euratibor;w;1985;nein;nein;nein;ja;Jobcenter;42430;",
         "TN-907902;Süd-Ost;Euratibor;m;1979;nein;ja;nein;nein;Jobcenter;01.02.2016;01.03.16",
         "TN-907903;Süd-Ost;Euratibor;w;1992;ja;nein;nein;nein;Jobcenter;01.01.1900;")
    text("leerstaende_datum_1900.csv",
         "objekt_id;adresse;quartier;art;flaeche_m2;leer_seit;status;lat;lon",
         "L-7901;Kranichfelder Straße 12;Süd-Ost;Ladenlokal;70;01.01.1900;leer;50,95120;11,04300")
    # own: other placeholders, a typo year (2999), a date before the programme, only a year;
    # no follow-up error blames the exit reason or the birth year
    text("teilnehmende_platzhalter.csv", TN_KOPF,
         TN_OK.replace("15.02.2016;;", "15.02.2016;00.00.0000;"),
         TN_OK2.replace("30.09.2016", "31.12.2999"),
         TN_OK.replace("TN-900001", "TN-900003").replace("01.02.2016", "15.03.1995"),
         TN_OK2.replace("TN-900002", "TN-900004").replace("10.03.2016", "2016"))
    # non-finite and absurd numbers, positions at 0/0, swapped, outside Erfurt, a placeholder
    # re-let date, a NUL byte in an address
    lk = ("objekt_id;adresse;quartier;art;flaeche_m2;leer_seit;status;wiederbelegt_am;lat;lon")
    text("leerstaende_werte.csv", lk,
         "L-9101;Am Anger 1;Süd-Ost;Ladenlokal;inf;01.03.2016;leer;;50,95;11,04",
         "L-9102;Am Anger 2;Süd-Ost;Ladenlokal;1e308;01.03.2016;leer;;50,95;11,04",
         "L-9103;Am Anger 3;Süd-Ost;Ladenlokal;80;01.03.2016;leer;;0;0",
         "L-9104;Am Anger 4;Süd-Ost;Ladenlokal;80;01.03.2016;leer;;11,04;50,95",
         "L-9105;Am Anger 5;Süd-Ost;Ladenlokal;80;01.03.2016;leer;;52,52;13,40",
         "L-9106;Am Anger 6;Süd-Ost;Ladenlokal;80;01.03.2016;wiederbelegt;31.12.9999;50,95;11,04",
         "L-9107;Am Anger\x007;Süd-Ost;Ladenlokal;nan;01.03.2016;leer;;50,95;11,04")
    # thousands separators the column's pattern cannot decide
    text("leerstaende_tausender.csv", lk,
         "L-9201;Am Anger 1;Süd-Ost;Ladenlokal;12.5;01.03.2016;leer;;50,95;11,04",
         "L-9202;Am Anger 2;Süd-Ost;Brachfläche;1.250;01.03.2016;leer;;50,95;11,04")
    text("leerstaende_tausender_allein.csv", lk,
         "L-9203;Am Anger 3;Süd-Ost;Brachfläche;2.500;01.03.2016;leer;;50,95;11,04")
    # hidden characters that do not give a listed value; text damaged beyond repair; a byte
    # Windows-1252 does not define; an Excel serial in a founding date; a business at 0/0
    bk = "betrieb_id;name;quartier;branche;gruendung;migrantenoekonomie;status;lat;lon"
    (HERE / "betriebe_zeichen.csv").write_bytes(
        (bk + "\nB-9101;Kiosk Eins;Magdeburger\u00a0Alle;Handel;01.03.2016;nein;aktiv;;\n"
         "B-9102;Imbiss Ã¤Ã;Süd-Ost;Handel;01.03.2016;nein;aktiv;;\n").encode("utf-8")
        + b"B-9103;Laden \x81;S\xfcd-Ost;Handel;01.03.2016;nein;aktiv;;\n"
        + ("B-9104;Kiosk Vier;Süd-Ost;Handel;42430;nein;aktiv;;\n"
           "B-9105;Kiosk Fünf;Süd-Ost;Handel;01.03.2016;nein;aktiv;0;0\n").encode("utf-8"))
    # Excel: a formula without cached result, a date column holding a plain number
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "betriebe"
    ws.append(["betrieb_id", "name", "quartier", "branche", "gruendung", "migrantenoekonomie",
               "beschaeftigte", "status"])
    ws.append(["B-9301", "Formel GmbH", "Süd-Ost", "Handel", dt.date(2016, 3, 1), "nein",
               "=2+3", "aktiv"])
    ws.append(["B-9302", "Zahl KG", "Süd-Ost", "Handel", 42795, "nein", 4, "aktiv"])
    buf = io.BytesIO()
    wb.save(buf)
    (HERE / "betriebe_formel.xlsx").write_bytes(buf.getvalue())
    # 5 KB sheets far beyond the read limits: a cell in the last row / the last column
    for name, zelle, spalten in (("stadtteile_riesig.xlsx", "XFD1048576", "A1:XFD1048576"),
                                 ("stadtteile_breit.xlsx", "XFD2", "A1:XFD2")):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "stadtteile"
        ws.append(["stadtteil", "quartier", "jahr", "einwohner"])
        ws.append(["Herrenberg", "Süd-Ost", 2016, 6480])
        ws[zelle] = 1
        buf = io.BytesIO()
        wb.save(buf)
        (HERE / name).write_bytes(_dimension(buf.getvalue(), spalten))


def _dimension(data: bytes, ref: str) -> bytes:
    """Declare the sheet size `ref` (as report generators write it)."""
    import re
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            inhalt = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                inhalt = re.sub(rb'<dimension ref="[^"]*"\s*/>',
                                b'<dimension ref="' + ref.encode() + b'"/>', inhalt)
            z.writestr(info, inhalt)
    return out.getvalue()


if __name__ == "__main__":
    main()
