"""Messages quote the cell as it looks: look-alike characters named where they stand
(„Süd‑Ost“ with U+2011), the text before normalising („85,5 m²“) and numbers as written
(„0,0“, not „0.0“). Files are built in the test; expected texts worked out by hand."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl

from biwaq.einlesen.fileio import lies_datei
from biwaq.einlesen.validate import validate_batch
from biwaq.einlesen.werte import sichtbar

TN_KOPF = ("tn_id;quartier;stadtteil;traeger;geschlecht;geburtsjahr;alleinerziehend;"
           "migrationshintergrund;schutzsuchend;langzeitarbeitslos;sgb2_bezug;bildungsniveau;"
           "zugangsweg;erstkontakt;eintritt;austritt;austrittsgrund")
LS_KOPF = ("objekt_id;adresse;quartier;stadtteil;art;flaeche_m2;leer_seit;status;"
           "wiederbelegt_am;nachnutzung;eigentuemer_typ;oeffentlich;lat;lon")


def tn(tn_id="TN-1", quartier="Süd-Ost", geschlecht="w") -> bytes:
    zeile = (f"{tn_id};{quartier};Herrenberg;KIK;{geschlecht};1980;nein;ja;nein;nein;ja;"
             "ISCED 0-2;Jobcenter;05.03.2018;10.03.2018;;")
    return f"{TN_KOPF}\n{zeile}\n".encode("utf-8")


def ls(flaeche: str) -> bytes:
    zeile = (f"L-1;Magdeburger Allee 1;Magdeburger Allee;Ilversgehofen;Ladenlokal;{flaeche};"
             "01.02.2017;leer;;;privat;nein;50,99;11,03")
    return f"{LS_KOPF}\n{zeile}\n".encode("utf-8")


def meldungen(name, data):
    [g] = lies_datei(name, data)
    fehler = g.fehler + validate_batch([(g.tabelle, g.datei, g.frame)], {},
                                       parse_fehler=g.fehler)
    return [str(f) for f in fehler], [str(w) for w in g.warnungen]


def test_sichtbar_names_look_alikes_where_they_stand():
    assert sichtbar("Süd\u2011Ost") == "Süd[U+2011 geschützter Bindestrich]Ost"
    assert sichtbar("\u041aIK") == "[U+041A kyrillisches Ka]IK"
    assert sichtbar("Straße „Am Anger“, Café") == "Straße „Am Anger“, Café"   # ordinary


def test_non_breaking_hyphen_in_a_value_list_is_refused_showing_it():
    fehler, hinweise = meldungen("teilnehmende.csv", tn(quartier="Süd\u2011Ost"))
    assert fehler == ["teilnehmende.csv, Zeile 2, Spalte „quartier“: Wert „Süd[U+2011 "
                      "geschützter Bindestrich]Ost“ – erwartet: einer von Magdeburger Allee, "
                      "Süd-Ost"]
    assert hinweise == []     # before: „unsichtbare Zeichen bereinigt (mehrfache Leerzeichen)“


def test_en_dash_and_cyrillic_letter_in_value_lists():
    fehler, _ = meldungen("teilnehmende.csv", tn(quartier="Süd\u2013Ost"))
    assert fehler == ["teilnehmende.csv, Zeile 2, Spalte „quartier“: Wert „Süd[U+2013 "
                      "Halbgeviertstrich]Ost“ – erwartet: einer von Magdeburger Allee, Süd-Ost"]
    fehler, _ = meldungen("teilnehmende.csv", tn(geschlecht="\u0461"))
    assert fehler == ["teilnehmende.csv, Zeile 2, Spalte „geschlecht“: Wert „[U+0461 "
                      "kyrillisches omega]“ – erwartet: einer von w, m, d"]


def test_look_alike_in_a_key_is_refused_not_stored_as_another_character():
    # NFKC makes U+2011 a U+2010, which still is not '-': 'TN‐1' would not match 'TN-1'
    fehler, hinweise = meldungen("teilnehmende.csv", tn(tn_id="TN\u20111"))
    assert fehler == ["teilnehmende.csv, Zeile 2, Spalte „tn_id“: Wert „TN[U+2011 geschützter "
                      "Bindestrich]1“ – enthält ein Zeichen, das wie ein anderes aussieht (U+2011 "
                      "geschützter Bindestrich) – bitte die Zelle neu eintippen"]
    assert hinweise == []


def test_fullwidth_letter_normalised_in_a_value_list_gets_the_right_reason():
    fehler, hinweise = meldungen("teilnehmende.csv", tn(geschlecht="\uff57"))
    assert fehler == []
    assert hinweise == ["teilnehmende.csv, Zeile 2, Spalte „geschlecht“: Wert „[U+FF57 breites "
                        "w]“ – besondere Zeichen vereinheitlicht (U+FF57 breites w): „[U+FF57 "
                        "breites w]“ gelesen als „w“"]


def test_en_dash_in_free_text_is_kept_without_a_note():
    [g] = lies_datei("leerstaende.csv", ls("85,5").replace(
        "Magdeburger Allee 1;".encode(), "Müller – Söhne, Magdeburger Allee 1;".encode()))
    assert g.fehler == [] and g.warnungen == []
    assert g.frame.at[2, "adresse"] == "Müller – Söhne, Magdeburger Allee 1"


def test_messages_quote_the_cell_before_normalising():
    fehler, _ = meldungen("leerstaende.csv", ls("85,5 m²"))
    assert fehler == ["leerstaende.csv, Zeile 2, Spalte „flaeche_m2“: Wert „85,5 m²“ – "
                      "erwartet: Zahl (z. B. 12,5)"]


def test_range_errors_quote_the_number_as_written():
    fehler, _ = meldungen("leerstaende.csv", ls("0,0"))
    assert fehler == ["leerstaende.csv, Zeile 2, Spalte „flaeche_m2“: Wert „0,0“ – erwartet: "
                      "mindestens 0,01"]
    fehler, _ = meldungen("leerstaende.csv", ls("1.000.001,5"))
    assert fehler == ["leerstaende.csv, Zeile 2, Spalte „flaeche_m2“: Wert „1.000.001,5“ – "
                      "erwartet: höchstens 1000000"]


def test_range_error_of_an_excel_number_cell_quotes_it_as_excel_shows_it():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(LS_KOPF.split(";"))
    ws.append(["L-1", "Magdeburger Allee 1", "Magdeburger Allee", "Ilversgehofen", "Ladenlokal",
               0.005, dt.date(2017, 2, 1), "leer", None, None, "privat", "nein", 50.99, 11.03])
    buf = io.BytesIO()
    wb.save(buf)
    fehler, _ = meldungen("leerstaende.xlsx", buf.getvalue())
    assert fehler == ["leerstaende.xlsx, Zeile 2, Spalte „flaeche_m2“: Wert „0,005“ – erwartet: "
                      "mindestens 0,01"]


def test_typed_frames_without_cell_texts_quote_decimals_with_a_comma():
    import pandas as pd

    from biwaq.einlesen.contract import TABLES
    from biwaq.einlesen.validate import validate_table

    t = TABLES["leerstaende"]
    df = pd.DataFrame({c.name: [None] for c in t.columns}, index=[2])
    df["flaeche_m2"] = pd.array([0.005], dtype="Float64")
    assert [str(f) for f in validate_table(df, t, "x.csv") if f.spalte == "flaeche_m2"] == [
        "x.csv, Zeile 2, Spalte „flaeche_m2“: Wert „0,005“ – erwartet: mindestens 0,01"]
