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


if __name__ == "__main__":
    main()
