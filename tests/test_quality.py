"""Quality rules: a clean hand-made fixture passes every rule; each rule is broken exactly
once by a small change and names exactly the offending pseudonym(s); the demo is clean."""
from __future__ import annotations

import copy
import datetime as dt

import duckdb
import pytest

from biwaq.einlesen import geo
from biwaq.zahlen import quality
from biwaq.speicher import store
from biwaq.einlesen.demo import schematic_districts
from biwaq.speicher.queries import QUERY_DIR, run_query
from conftest import frame

D = dt.date

BASIS = {
    "stadtteile": [dict(stadtteil="Ilversgehofen", quartier="Magdeburger Allee", jahr=2016,
                        einwohner=12000),
                   dict(stadtteil="Andreasvorstadt", quartier="Magdeburger Allee", jahr=2016,
                        einwohner=13000),
                   dict(stadtteil="Herrenberg", quartier="Süd-Ost", jahr=2016, einwohner=9000)],
    "teilnehmende": [
        dict(tn_id="P1", erstkontakt=D(2016, 1, 10), eintritt=D(2016, 1, 20),
             austritt=D(2016, 6, 30), austrittsgrund="Arbeitsaufnahme"),
        dict(tn_id="P2", quartier="Süd-Ost", stadtteil="Herrenberg", traeger="Euratibor",
             geburtsjahr=1990, migrationshintergrund=True, erstkontakt=D(2016, 2, 1),
             eintritt=D(2016, 2, 15)),
        dict(tn_id="P3", stadtteil="Andreasvorstadt", geburtsjahr=1960, langzeitarbeitslos=True,
             erstkontakt=D(2016, 3, 1), eintritt=D(2016, 3, 5), austritt=D(2016, 9, 1),
             austrittsgrund="Maßnahmeende"),
        dict(tn_id="P4", quartier="Süd-Ost", stadtteil="Herrenberg", erstkontakt=D(2017, 1, 1)),
    ],
    "aktivitaeten": [dict(tn_id="P1", datum=D(2016, 1, 10), art="Erstgespräch"),
                     dict(tn_id="P1", datum=D(2016, 3, 1), art="Praktikum", betrieb_id="B1"),
                     dict(tn_id="P2", datum=D(2016, 2, 20), art="Coaching")],
    "vermittlungen": [dict(tn_id="P1", beginn=D(2016, 6, 15), betrieb_id="B1",
                           verbleib_6m="ja")],
    "betriebe": [dict(betrieb_id="B1", name="Bäckerei Eins", stadtteil="Ilversgehofen",
                      gruendung=D(2015, 1, 1), lat=50.998, lon=11.025),
                 dict(betrieb_id="B2", name="Imbiss Zwei", quartier="Süd-Ost",
                      stadtteil="Herrenberg", gruendung=D(2014, 1, 1), status="geschlossen",
                      status_datum=D(2017, 6, 30), lat=50.948, lon=11.058)],
    "beratungen": [dict(betrieb_id="B1", datum=D(2016, 5, 1)),
                   dict(betrieb_id="B2", datum=D(2017, 1, 10), format="Branchenpate")],
    "leerstaende": [dict(objekt_id="L1", adresse="Magdeburger Allee 10",
                         stadtteil="Ilversgehofen", lat=50.998, lon=11.025),
                    dict(objekt_id="L2", adresse="Herrenbergstraße 5", quartier="Süd-Ost",
                         stadtteil="Herrenberg", status="wiederbelegt",
                         wiederbelegt_am=D(2016, 8, 1), lat=50.948, lon=11.058)],
    "ziele": [dict(kennzahl="eintritte", zielwert=10)],
    "raumgesuche": [dict(gesuch_id="G1", datum=D(2016, 2, 1), flaeche_min_m2=50,
                         flaeche_max_m2=120, quartier="Magdeburger Allee"),
                    dict(gesuch_id="G2", datum=D(2016, 3, 1), quartier="Süd-Ost",
                         status="vermittelt", objekt_id="L2", erledigt_am=D(2016, 8, 1))],
}


def make(path, tabellen, ohne_constraints=()):
    """A database with the real schema (tables in `ohne_constraints` recreated without their
    checks – to show that rules also catch rows that bypassed them) and demo outlines."""
    con = duckdb.connect(str(path))
    try:
        store.create_schema(con)
        for name in ohne_constraints:
            con.execute("create or replace table " + store.ident(name) + " as select * from "
                        + store.ident(name) + " limit 0")
        for name, rows in tabellen.items():
            src = store._for_duckdb(frame(name, rows), name)  # noqa: F841
            con.execute("insert into " + store.ident(name) + " by name select * from src")
        geo.store_districts(con, schematic_districts())
        store.set_meta(con, datenquelle="test", datenstand=str(store.datenstand(con)))
        con.execute("checkpoint")
    finally:
        con.close()
    return duckdb.connect(str(path), read_only=True)


def setze(t, tabelle, schluessel, **aenderung):
    row = next(r for r in t[tabelle] if next(iter(r.values())) == schluessel)
    row.update(aenderung)


def dazu(t, tabelle, **row):
    t[tabelle].append(row)


# rule -> (change to the clean fixture, tables without constraints, expected offending ids)
FAELLE = {
    "Q01": (lambda t: setze(t, "teilnehmende", "P3", austritt=D(2016, 3, 1)),
            ("teilnehmende",), ["P3"]),
    "Q02": (lambda t: setze(t, "teilnehmende", "P3", eintritt=D(2016, 2, 1)),
            ("teilnehmende",), ["P3"]),
    "Q03": (lambda t: setze(t, "teilnehmende", "P4", austritt=D(2017, 2, 1)),
            ("teilnehmende",), ["P4"]),
    "Q04": (lambda t: setze(t, "teilnehmende", "P2", geburtsjahr=2005), (), ["P2"]),
    "Q05": (lambda t: setze(t, "teilnehmende", "P2", austrittsgrund="Abbruch"), (), ["P2"]),
    "Q06": (lambda t: setze(t, "teilnehmende", "P2", austritt=D(2016, 12, 1)), (), ["P2"]),
    "Q07": (lambda t: setze(t, "leerstaende", "L1", quartier="Süd-Ost"), (), ["L1"]),
    "Q08": (lambda t: setze(t, "teilnehmende", "P2", stadtteil="Herrenbergg"), (), ["P2"]),
    "Q09": (lambda t: dazu(t, "aktivitaeten", tn_id="P2", datum=D(2016, 1, 15), art="Coaching"),
            (), ["P2"]),
    "Q10": (lambda t: dazu(t, "vermittlungen", tn_id="P4", beginn=D(2017, 2, 1)), (), ["P4"]),
    "Q11": (lambda t: dazu(t, "vermittlungen", tn_id="P3", beginn=D(2016, 12, 1),
                           verbleib_6m="unbekannt"), (), ["P3"]),
    "Q12": (lambda t: dazu(t, "vermittlungen", tn_id="P3", beginn=D(2016, 8, 20),
                           verbleib_6m="unbekannt"), (), ["P3"]),
    "Q13": (lambda t: setze(t, "teilnehmende", "P3", austrittsgrund="Arbeitsaufnahme"), (),
            ["P3"]),
    "Q14": (lambda t: dazu(t, "vermittlungen", tn_id="P2", beginn=D(2016, 12, 1),
                           verbleib_6m="ja"), (), ["P2"]),
    "Q15": (lambda t: setze(t, "vermittlungen", "P1", verbleib_6m=None), (), ["P1"]),
    "Q16": (lambda t: dazu(t, "teilnehmende", **{**t["teilnehmende"][2], "tn_id": "P5",
                                                  "erstkontakt": D(2016, 3, 10),
                                                  "eintritt": D(2016, 3, 12)}),
            (), ["P3", "P5"]),
    "Q17": (lambda t: setze(t, "betriebe", "B2", status_datum=D(2013, 6, 30)), (), ["B2"]),
    "Q18": (lambda t: setze(t, "betriebe", "B1", status="geschlossen"), (), ["B1"]),
    "Q19": (lambda t: dazu(t, "beratungen", betrieb_id="B2", datum=D(2017, 8, 1)), (), ["B2"]),
    "Q20": (lambda t: dazu(t, "beratungen", betrieb_id="B1", datum=D(2014, 6, 1),
                           format="Branchenpate"), (), ["B1"]),
    "Q21": (lambda t: dazu(t, "vermittlungen", tn_id="P2", beginn=D(2017, 8, 1),
                           betrieb_id="B2", verbleib_6m="unbekannt"), (), ["B2"]),
    "Q22": (lambda t: setze(t, "betriebe", "B1", lat=52.52, lon=13.40), (), ["B1"]),
    "Q23": (lambda t: dazu(t, "betriebe", **{**t["betriebe"][0], "betrieb_id": "B3",
                                             "name": "BÄCKEREI EINS ", "lat": None}),
            (), ["B1", "B3"]),
    "Q24": (lambda t: setze(t, "leerstaende", "L1", status="wiederbelegt"),
            ("leerstaende",), ["L1"]),
    "Q25": (lambda t: setze(t, "leerstaende", "L2", wiederbelegt_am=D(2014, 1, 1)), (), ["L2"]),
    "Q26": (lambda t: setze(t, "leerstaende", "L1", wiederbelegt_am=D(2016, 5, 1)), (), ["L1"]),
    "Q27": (lambda t: setze(t, "leerstaende", "L2", wiederbelegt_am=D(2099, 1, 1)), (), ["L2"]),
    "Q28": (lambda t: setze(t, "leerstaende", "L1", lat=48.137, lon=11.575), (), ["L1"]),
    "Q29": (lambda t: setze(t, "leerstaende", "L1", lat=50.948, lon=11.058), (), ["L1"]),
    "Q30": (lambda t: dazu(t, "leerstaende", **{**t["leerstaende"][0], "objekt_id": "L3",
                                                "adresse": " magdeburger  Allee 10"}),
            (), ["L1", "L3"]),
    "Q31": (lambda t: dazu(t, "aktivitaeten", tn_id="P9", datum=D(2016, 5, 1), art="Coaching"),
            (), ["P9"]),
    "Q32": (lambda t: setze(t, "raumgesuche", "G1", flaeche_min_m2=200), (), ["G1"]),
    "Q33": (lambda t: setze(t, "raumgesuche", "G2", objekt_id=None), (), ["G2"]),
    "Q34": (lambda t: setze(t, "raumgesuche", "G2", objekt_id="L9"), (), ["G2"]),
    "Q35": (lambda t: setze(t, "raumgesuche", "G2", erledigt_am=D(2016, 2, 1)), (), ["G2"]),
    "Q36": (lambda t: setze(t, "raumgesuche", "G1", status="zurückgezogen"), (), ["G1"]),
    "Q37": (lambda t: setze(t, "raumgesuche", "G2", objekt_id="L1"), (), ["G2"]),
}


def test_every_rule_has_a_case_a_query_and_a_valid_severity():
    ids = [r.id for r in quality.REGELN]
    assert ids == [f"Q{i:02d}" for i in range(1, len(ids) + 1)]
    assert set(FAELLE) == set(ids)
    for r in quality.REGELN:
        assert r.schwere in (quality.FEHLER, quality.WARNUNG)
        assert (r.abfrage is None) != (r.pruefung is None)
        if r.abfrage:
            assert (QUERY_DIR / f"{r.abfrage}.sql").exists(), r.abfrage


def test_clean_fixture_passes_every_rule(tmp_path):
    con = make(tmp_path / "sauber.duckdb", BASIS)
    regeln, faelle = quality.pruefen(con)
    assert regeln["anzahl"].tolist() == [0] * len(quality.REGELN), regeln[regeln.anzahl > 0]
    assert regeln["hinweis"].eq("").all() and faelle.empty
    con.close()


@pytest.mark.parametrize("regel", list(FAELLE))
def test_each_rule_is_broken_exactly_once(tmp_path, regel):
    aendern, ohne, erwartet = FAELLE[regel]
    t = copy.deepcopy(BASIS)
    aendern(t)
    con = make(tmp_path / "fall.duckdb", t, ohne)
    df = quality.verstoesse(quality.REGEL[regel], con)
    assert sorted(df["id"]) == erwartet, df.to_dict("records")
    assert list(df.columns) == quality.ERGEBNIS_SPALTEN
    assert df["details"].str.len().gt(5).all()
    con.close()


def test_details_name_the_problem(tmp_path):
    t = copy.deepcopy(BASIS)
    FAELLE["Q29"][0](t)
    FAELLE["Q12"][0](t)
    con = make(tmp_path / "fall.duckdb", t)
    regeln, faelle = quality.pruefen(con)
    q29 = faelle[faelle["regel"] == "Q29"].iloc[0]
    assert q29["details"] == ("angegeben Ilversgehofen, Position liegt in Herrenberg "
                              "(Umrisse schematisch)")
    q12 = faelle[faelle["regel"] == "Q12"].iloc[0]
    assert q12["details"] == ("Vermittlung SV-pflichtig Vollzeit ab 20.08.2016, "
                              "Austrittsgrund Maßnahmeende")
    assert (q12["quartier"], q12["traeger"]) == ("Magdeburger Allee", "KIK")
    assert quality.hat_fehler(regeln) is False      # Q12 and Q29 are warnings
    con.close()


def test_rules_needing_other_tables_say_they_cannot_be_checked(tmp_path):
    t = {k: v for k, v in copy.deepcopy(BASIS).items() if k not in ("vermittlungen",
                                                                   "stadtteile")}
    t["teilnehmende"][2]["austrittsgrund"] = "Arbeitsaufnahme"    # would break Q13
    con = make(tmp_path / "teil.duckdb", t)
    regeln, _ = quality.pruefen(con)
    hinweise = dict(zip(regeln["id"], regeln["hinweis"]))
    assert hinweise["Q13"] == "nicht prüfbar: noch keine Daten in Vermittlungen"
    assert hinweise["Q07"] == hinweise["Q08"] == "nicht prüfbar: noch keine Daten in Stadtteile"
    assert regeln.set_index("id").loc["Q13", "anzahl"] == 0
    con.close()


def test_demo_is_clean_under_every_error_rule(demo_db):
    con = store.connect_readonly(demo_db)
    regeln, faelle = quality.pruefen(con)
    con.close()
    fehler = regeln[regeln["schwere"] == quality.FEHLER]
    assert fehler["anzahl"].sum() == 0, fehler[fehler["anzahl"] > 0]
    # The demo's two look-alike participants TN-000336 and TN-000347 (Ilversgehofen, KIK, m,
    # 1996, ISCED 0-2, Aufsuchende Arbeit, first contacts 06.01. and 17.01.2017) differ in
    # sgb2_bezug (nein / ja): not the same person, and Q16 compares sgb2_bezug (issue 10.4;
    # earlier this test expected both as a warning). So the demo has no warning at all.
    assert faelle.empty, faelle


def test_request_area_rule_speaks_german(tmp_path):
    t = copy.deepcopy(BASIS)
    FAELLE["Q32"][0](t)
    setze(t, "raumgesuche", "G1", flaeche_max_m2=120.5)
    con = make(tmp_path / "fall.duckdb", t)
    df = quality.verstoesse(quality.REGEL["Q32"], con)
    assert df["details"].tolist() == ["Fläche von 200 m² bis 120,5 m²"]
    con.close()


def test_q16_compares_what_its_description_says_and_every_personal_column():
    sql = (QUERY_DIR / "qualitaet_q16_doppelte_person.sql").read_text()
    teil = sql.split("partition by", 1)[1].split(")", 1)[0]
    verglichen = [c.strip() for c in teil.split(",")]
    assert verglichen == list(quality.Q16_MERKMALE)
    # every recorded attribute of a person is compared; not compared are only the id, the
    # process dates and the exit reason (they may differ between two records of one person)
    from biwaq.einlesen.contract import TABLES
    nicht = {"tn_id", "erstkontakt", "eintritt", "austritt", "austrittsgrund"}
    assert set(TABLES["teilnehmende"].column_names) - nicht == set(verglichen)
    beschreibung = next(r.beschreibung for r in quality.REGELN if r.id == "Q16")
    for name in quality.Q16_MERKMALE.values():
        assert name in beschreibung
    assert "alle Angaben gleich" not in beschreibung


def test_q16_flags_only_records_equal_in_every_compared_column(db_factory):
    gleich = dict(sgb2_bezug=False, bildungsniveau="ISCED 3-4")
    con = db_factory(teilnehmende=[
        dict(tn_id="A1", erstkontakt=D(2016, 1, 1), **gleich),
        dict(tn_id="A2", erstkontakt=D(2016, 1, 31), **gleich),      # 30 days later: a pair
        dict(tn_id="A3", erstkontakt=D(2016, 3, 2), **gleich),       # 31 days after A2: not
        dict(tn_id="B1", erstkontakt=D(2016, 1, 5), **{**gleich, "sgb2_bezug": True}),
        dict(tn_id="C1", erstkontakt=D(2016, 1, 5), traeger="Euratibor", **gleich),
        # four identical records on one day: each names its neighbours and how many more
        *[dict(tn_id=f"D{i}", geburtsjahr=1970, erstkontakt=D(2017, 5, 1), **gleich)
          for i in range(1, 5)],
    ])
    df = run_query("qualitaet_q16_doppelte_person", con).set_index("id")
    # B1 differs from A1/A2 only in sgb2_bezug, C1 only in the Träger: neither is flagged
    assert list(df.index) == ["A1", "A2", "D1", "D2", "D3", "D4"]
    assert df.loc["A1", "details"] == "gleiche Angaben wie A2"
    assert df.loc["A2", "details"] == "gleiche Angaben wie A1"
    # D2: earlier D1, later D3, and D4 as the one more look-alike (3 others in all)
    assert df.loc["D2", "details"] == "gleiche Angaben wie D1, D3 und 1 weitere"
    assert df.loc["D1", "details"] == "gleiche Angaben wie D2 und 2 weitere"


def _erwartet(faelle, quartier, traeger, max_ids):
    """The page's figures worked out from the full list of violations (the old way)."""
    if quartier:
        faelle = faelle[faelle["quartier"] == quartier]
    if traeger:
        faelle = faelle[faelle["traeger"].isna() | (faelle["traeger"] == traeger)]
    out = {}
    for r, teil in faelle.groupby("regel"):
        ids = list(dict.fromkeys(teil["id"]))
        out[r] = (len(teil), len(ids), ids[:max_ids])
    return out


def test_counts_and_first_ids_equal_those_of_the_full_list(tmp_path):
    """Issue 14: the page reads per rule counts and the first ids per (Quartier, Träger)
    instead of every violation; for every filter they equal the full list's."""
    t = copy.deepcopy(BASIS)
    for aendern, ohne, _ in FAELLE.values():
        if not ohne:
            aendern(t)
    con = make(tmp_path / "alle.duckdb", t)
    regeln, faelle = quality.pruefen(con)
    assert (regeln["anzahl"] > 0).sum() >= 25          # most rules broken at once
    r2, gruppen = quality.pruefen_gruppen(con, max_ids=2, max_zeilen=50)
    assert list(r2["id"]) == list(regeln["id"]) and list(r2["hinweis"]) == list(regeln["hinweis"])
    direkt = []
    for quartier in (None, "Magdeburger Allee", "Süd-Ost"):
        for traeger in (None, "KIK", "Euratibor"):
            soll = _erwartet(faelle, quartier, traeger, 2)
            ist = quality.je_filter(r2, gruppen, quartier, traeger, 2, n_ids_direkt=lambda r: (
                direkt.append(r), quality.n_ids_gefiltert(quality.REGEL[r], con, quartier,
                                                          traeger))[1])
            for z in ist.itertuples():
                assert (z.anzahl, z.n_ids, z.ids) == soll.get(z.id, (0, 0, [])), (
                    z.id, quartier, traeger)
                if z.anzahl:
                    liste = quality.verstoesse_gefiltert(quality.REGEL[z.id], con, quartier,
                                                         traeger)
                    assert len(liste) == z.anzahl
                    # the first rows kept per group, merged: the full list's first rows
                    soll_zeilen = faelle[faelle["regel"] == z.id]
                    if quartier:
                        soll_zeilen = soll_zeilen[soll_zeilen["quartier"] == quartier]
                    if traeger:
                        soll_zeilen = soll_zeilen[soll_zeilen["traeger"].isna()
                                                  | (soll_zeilen["traeger"] == traeger)]
                    for n in (1, 2, 50):
                        erste = quality.erste_faelle(gruppen, z.id, quartier, traeger, n)
                        assert erste.fillna("").values.tolist() == soll_zeilen[
                            quality.ERGEBNIS_SPALTEN].head(n).fillna("").values.tolist()
                    assert list(liste["id"][:1]) == z.ids[:1]
                    assert len(quality.verstoesse_gefiltert(quality.REGEL[z.id], con,
                                                            quartier, traeger, 1)) == 1
    con.close()


def test_distinct_ids_across_groups_are_counted_directly():
    """An id in two groups of a rule (here A in both Quartiere) must not count twice."""
    import pandas as pd

    regeln = pd.DataFrame({"id": ["Q01"], "tabelle": ["x"], "beschreibung": ["x"],
                           "schwere": [quality.FEHLER], "hinweis": [""]})
    gruppen = pd.DataFrame({"regel": ["Q01", "Q01"], "quartier": ["Süd-Ost", "Magdeburger Allee"],
                            "traeger": [None, None], "anzahl": [2, 1], "n_ids": [2, 1],
                            "ids": [["A", "B"], ["A"]], "n_ids_regel": [2, 2]})
    gefragt = []
    ist = quality.je_filter(regeln, gruppen, None, None, 30,
                            n_ids_direkt=lambda r: gefragt.append(r) or 2)
    assert (ist["anzahl"][0], ist["n_ids"][0], ist["ids"][0]) == (3, 2, ["A", "B"])
    assert gefragt == ["Q01"]
    ist = quality.je_filter(regeln, gruppen, "Süd-Ost", None, 30, n_ids_direkt=None)
    assert (ist["anzahl"][0], ist["n_ids"][0]) == (2, 2)


def test_q31_finds_every_kind_of_unknown_reference(tmp_path):
    """Q31 with anti-joins (issue 14): all five kinds of reference, worked out by hand; a
    missing business reference is no violation."""
    t = copy.deepcopy(BASIS)
    dazu(t, "aktivitaeten", tn_id="P9", datum=D(2016, 5, 1), art="Coaching")
    dazu(t, "aktivitaeten", tn_id="P1", datum=D(2016, 5, 2), art="Coaching", betrieb_id="B8")
    dazu(t, "vermittlungen", tn_id="P7", beginn=D(2016, 6, 1), art="Ausbildung")
    dazu(t, "vermittlungen", tn_id="P2", beginn=D(2016, 7, 1), art="Ausbildung",
         betrieb_id="B7")
    dazu(t, "beratungen", betrieb_id="B6", datum=D(2016, 5, 1))
    con = make(tmp_path / "q31.duckdb", t)
    df = quality.verstoesse(quality.REGEL["Q31"], con)
    assert sorted(zip(df["id"], df["details"])) == [
        ("B6", "Beratung: unbekannte(r) Betrieb B6"),
        ("P1", "Aktivität: unbekannte(r) Betrieb B8"),
        ("P2", "Vermittlung: unbekannte(r) Betrieb B7"),
        ("P7", "Vermittlung: unbekannte(r) Person P7"),
        ("P9", "Aktivität: unbekannte(r) Person P9")]
    assert list(df["id"]) == sorted(df["id"])
    zeile = df.set_index("id").loc["P1"]
    assert zeile["quartier"] == "Magdeburger Allee" and zeile["traeger"] == "KIK"
    con.close()
