"""Publishing end to end on the demo database: audit, files, manifest, atomic writes."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from biwaq.oeffentlich import disclosure as dc
from biwaq.oeffentlich.published import ARBEIT
from biwaq.oeffentlich import publish, published
from biwaq.cli import main
from conftest import demo_con

I = dc.INSGESAMT


@pytest.fixture(scope="module")
def demo_pub(demo_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("pub") / "oeffentlich"
    v = publish.publish(demo_db, out)
    return out, v


def _csvs(out):
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False)
            for p in out.glob("*.csv")}


def test_publish_writes_every_table_and_a_complete_manifest(demo_pub):
    out, v = demo_pub
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    namen = [t["name"] for t in m["tabellen"]]
    assert set(namen) >= {"teilnehmende", "eintritte_vermittlungen", "vermittlungsarten",
                          "beratungen", "betriebe_beraten", "leerstaende_bestand",
                          "leerstaende_wiederbelegt", "quoten"}
    files = {p.name for p in out.iterdir()}
    assert files == {t["datei"] for t in m["tabellen"]} | {"manifest.json",
                                                           m["orte"]["datei"], "revisionen"}
    # The first revision, kept also under revisionen/0001 with the same files.
    assert m["revision"] == 1 and [r["revision"] for r in m["revisionen"]] == [1]
    assert {p.name for p in (out / "revisionen" / "0001").iterdir()} == files - {"revisionen"}
    assert m["schwelle"] == 3
    assert "MILP" in m["methode"] and "linprog" in m["methode"]
    assert m["datenstand"] == "2018-12"          # month only (issue 13.9)
    assert m["veroeffentlicht_am"][:4].isdigit()
    assert m["datenquelle"] == "demo"
    assert m["pruefung"]["bestanden"] is True
    assert m["pruefung"]["kleinste_breite"] >= 3
    for t in m["tabellen"]:
        assert t["titel"] and t["dimensionen"]
        df = pd.read_csv(out / t["datei"], dtype=str, keep_default_na=False)
        dims = [d["name"] for d in t["dimensionen"]]
        assert list(df.columns) == dims + ["wert", "gesperrt"]      # tidy, dims first
        for d in t["dimensionen"]:
            assert set(df[d["name"]]) == set(d["werte"])
            if d["summe"]:
                assert I in d["werte"]
        assert set(df["gesperrt"]) <= {"true", "false"}
        assert ((df["wert"] == "") == (df["gesperrt"] == "true")).all()


def test_no_published_count_is_one_or_two(demo_pub):
    out, _ = demo_pub
    for name, df in _csvs(out).items():
        if name in ("quoten", "leerstaende_orte"):
            continue
        werte = pd.to_numeric(df["wert"], errors="coerce").dropna()
        assert not werte.isin([1, 2]).any(), name
    # ... and the demo does have small counts, which are suppressed.
    tn = _csvs(out)["leerstaende_wiederbelegt"]
    assert (tn["gesperrt"] == "true").sum() > 0


def test_published_totals_match_the_database(demo_pub, demo_db):
    out, _ = demo_pub
    d = published.laden(out)
    con = demo_con(demo_db)
    try:
        entrants = con.execute("select count(*) from teilnehmende where eintritt is not null"
                               ).fetchone()[0]
        so_2017 = con.execute("select count(*) from teilnehmende where quartier = 'Süd-Ost' "
                              "and year(eintritt) = 2017").fetchone()[0]
        placed = con.execute("select count(distinct v.tn_id) from vermittlungen v join "
                             "teilnehmende t using (tn_id) where t.eintritt is not null"
                             ).fetchone()[0]
        betriebe = con.execute("select count(distinct betrieb_id) from beratungen").fetchone()[0]
        oeffentlich_leer = con.execute(
            "select count(*) from leerstaende where oeffentlich and wiederbelegt_am is null"
        ).fetchone()[0]
    finally:
        con.close()
    assert d.wert("teilnehmende", quartier=I, zielgruppe=I, jahr=I) == entrants
    assert d.wert("eintritte_vermittlungen", kennzahl="Eintritte", quartier="Süd-Ost",
                  jahr="2017") == so_2017
    assert d.wert("eintritte_vermittlungen", kennzahl=ARBEIT, quartier=I,
                  jahr=I) == placed
    assert d.wert("betriebe_beraten", quartier=I) == betriebe
    assert len(d.orte) == oeffentlich_leer


def test_vacancy_positions_only_where_the_owner_agreed(demo_pub, demo_db):
    out, _ = demo_pub
    orte = pd.read_csv(out / "leerstaende_orte.csv")
    # address, type and area for the public list (owner's consent), position for the map;
    # no object id, no owner, nothing about units without consent
    assert list(orte.columns) == ["stadtteil", "adresse", "art", "flaeche_m2", "lat", "lon"]
    con = demo_con(demo_db)
    try:
        privat = con.execute("select round(lat, 5), round(lon, 5) from leerstaende "
                             "where not coalesce(oeffentlich, false)").fetchall()
    finally:
        con.close()
    gezeigt = set(zip(orte["lat"].round(5), orte["lon"].round(5)))
    assert gezeigt and not gezeigt & set(privat)


def test_integer_attacker_cannot_narrow_any_suppressed_cell(demo_pub):
    """Independent of the LP audit: an attacker who also uses that counts are whole numbers
    (integer programming over the same published cells and equations) still cannot pin any
    suppressed or small hidden cell to a range narrower than the threshold."""
    _, v = demo_pub
    verbund, e = v.verbund, v.ergebnis
    A = verbund.matrix()
    n = len(verbund.zellen)
    bekannt = np.array([verbund.oeffentlich[i] and z not in e.gesperrt
                        for i, z in enumerate(verbund.zellen)])
    gross = 10 ** 6
    lb = np.where(bekannt, verbund.a, verbund.lb)
    ub = np.where(bekannt, verbund.a, gross)
    cons = LinearConstraint(A, np.zeros(A.shape[0]), np.zeros(A.shape[0]))
    ziele = dc.zu_pruefen(verbund, e.gesperrt, e.anforderungen, 3)
    assert len(ziele) >= 20
    for zelle, anf in ziele.items():
        c = np.zeros(n)
        c[verbund.index[zelle]] = 1
        lo = milp(c, integrality=np.ones(n), bounds=Bounds(lb, ub), constraints=cons)
        hi = milp(-c, integrality=np.ones(n), bounds=Bounds(lb, ub), constraints=cons)
        assert lo.status == 0 and hi.status == 0, zelle
        breite = -hi.fun - lo.fun
        assert breite >= anf.breite, (zelle, lo.fun, -hi.fun)
        assert lo.fun <= verbund.wert(zelle) <= -hi.fun


def test_rates_are_suppressed_with_their_counts():
    ev = pd.DataFrame({
        "kennzahl": ["Eintritte"] * 3 + [ARBEIT] * 3,
        "quartier": ["Magdeburger Allee", "Süd-Ost", I] * 2,
        "jahr": [I] * 6,
        "wert": [40, 20, 60, None, 5, None], "gesperrt": [False, False, False, True, False, True]})
    tn_rows = []
    for q, n in (("Magdeburger Allee", 40), ("Süd-Ost", 20), (I, 60)):
        tn_rows.append({"quartier": q, "zielgruppe": I, "jahr": I, "wert": n, "gesperrt": False})
        for g in ("Alleinerziehende", "Ältere (55+)", "Mit Migrationshintergrund",
                  "Geflüchtete", "Langzeitarbeitslose"):
            tn_rows.append({"quartier": q, "zielgruppe": g, "jahr": I, "wert": 10,
                            "gesperrt": False})
    q = publish.quoten({"eintritte_vermittlungen": ev, "teilnehmende": pd.DataFrame(tn_rows)})
    vq = q[q["kennzahl"] == "Vermittlungsquote"].set_index("quartier")
    assert vq.loc["Süd-Ost", "wert"] == 25.0                 # 5 / 20
    assert vq.loc["Magdeburger Allee", "gesperrt"] and pd.isna(vq.loc["Magdeburger Allee",
                                                                      "wert"])
    assert vq.loc[I, "gesperrt"]
    anteil = q[(q["kennzahl"] == "Anteil Alleinerziehende") & (q["quartier"] == "Süd-Ost")]
    assert anteil["wert"].item() == 50.0                     # 10 / 20


def test_failed_audit_writes_nothing_and_names_the_cell(demo_db, demo_pub, tmp_path):
    """A deliberately weakened pattern (one secondary cell published again) is refused."""
    _, v = demo_pub
    sek = sorted(v.ergebnis.sekundaer)
    assert sek, "the demo needs secondary suppression"
    freigegeben = sek[0]

    def schwach(verbund, schwelle):
        e = dc.schuetzen(verbund, schwelle)
        e.gesperrt = set(e.gesperrt) - {freigegeben}
        return e

    roh = publish.lesen(demo_db)
    with pytest.raises(publish.PublishFehler, match="ableitbar") as info:
        publish.erstellen(roh, sperren=schwach)
    assert "Geheimhaltungsprüfung fehlgeschlagen" in str(info.value)
    # The message names an exposed cell by table and dimension values.
    assert any(t in str(info.value) for t in ("leerstaende", "teilnehmende", "eintritte"))

    # Through the CLI path nothing is written: a fresh directory is not created, an existing
    # publication stays byte for byte.
    out = tmp_path / "neu"
    old = tmp_path / "alt"
    publish.schreiben(v, old)
    before = {p.relative_to(old): p.read_bytes() for p in old.rglob("*") if p.is_file()}
    for ziel in (out, old):
        with pytest.raises(publish.PublishFehler):
            publish.schreiben(publish.erstellen(roh, sperren=schwach), ziel)
    assert not out.exists()
    assert {p.relative_to(old): p.read_bytes() for p in old.rglob("*") if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_an_unrelated_directory_is_never_replaced(demo_pub, tmp_path):
    _, v = demo_pub
    fremd = tmp_path / "fremd"
    fremd.mkdir()
    (fremd / "wichtig.txt").write_text("bitte behalten")
    with pytest.raises(publish.PublishFehler, match="nicht überschrieben"):
        publish.schreiben(v, fremd)
    assert (fremd / "wichtig.txt").read_text() == "bitte behalten"


def test_cli_publish_with_threshold_and_handout(demo_db, tmp_path, capsys):
    out = tmp_path / "pub5"
    pdf = tmp_path / "handzettel.pdf"
    assert main(["publish", "--db", str(demo_db), "--out", str(out), "--threshold", "5",
                 "--handout", str(pdf)]) == 0
    ausgabe = capsys.readouterr().out
    assert "Prüfung bestanden" in ausgabe
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["schwelle"] == 5
    # the first publication into a new folder is revision 1, and the command says where it went
    assert m["revision"] == 1
    assert f"Veröffentlicht als Revision 1: {out / 'manifest.json'}" in ausgabe
    assert f"Kopie in {out / 'revisionen' / '0001'}" in ausgabe
    assert (out / "revisionen" / "0001" / "manifest.json").exists()
    for p in out.glob("*.csv"):
        if p.stem in ("quoten", "leerstaende_orte"):
            continue
        w = pd.to_numeric(pd.read_csv(p, dtype=str, keep_default_na=False)["wert"],
                          errors="coerce").dropna()
        assert not w.between(1, 4).any(), p.name
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert main(["publish", "--db", str(demo_db), "--out", str(out), "--threshold", "1"]) == 1


def test_no_address_in_a_district_whose_vacancy_count_is_suppressed():
    """The listed units would be a lower bound of the hidden count: fail closed."""
    from types import SimpleNamespace

    from biwaq.oeffentlich.publish import _orte

    le = pd.DataFrame({
        "stadtteil": ["Herrenberg", "Wiesenhügel", "Wiesenhügel", "Herrenberg"],
        "adresse": ["A-Straße 1", "B-Straße 2", "C-Straße 3", "D-Straße 4"],
        "art": ["Ladenlokal"] * 4, "flaeche_m2": [80.0, 60.0, 70.0, 90.0],
        "leer_seit": pd.to_datetime(["2016-01-01"] * 4),
        "wiederbelegt_am": pd.to_datetime([None, None, None, "2018-06-01"]),
        "oeffentlich": [True, True, False, True],
        "lat": [50.95] * 4, "lon": [11.05] * 4})
    bestand = pd.DataFrame({"stadtteil": ["Herrenberg", "Wiesenhügel"] * 2,
                            "jahr": ["2017", "2017", "2018", "2018"],
                            "wert": [5, 4, 6, None], "gesperrt": [False, False, False, True]})
    roh = SimpleNamespace(leerstaende=le)
    orte = _orte(roh, dt.date(2018, 12, 31), bestand)
    # D-Straße 4 was re-let, C-Straße 3 has no consent, B-Straße 2 lies where 2018 is hidden
    assert orte["adresse"].tolist() == ["A-Straße 1"]
    assert _orte(roh, dt.date(2018, 12, 31), None).empty        # no protected table: none


def test_public_placement_rate_is_rounded_once(demo_pub):
    """Issue 10.3: Süd-Ost 78 placed of 346 entrants = 22.54 % showed as '22 %' (published
    22.5, then rounded again half to even). Published unrounded, shown once: '22,5 %'."""
    from biwaq.oeffentlich.published import laden, prozent

    out, _ = demo_pub
    d = laden(out)                                       # as written to the public folder
    tn = d.wert("eintritte_vermittlungen", kennzahl="Eintritte", quartier="Süd-Ost", jahr=I)
    vm = d.wert("eintritte_vermittlungen", kennzahl=ARBEIT, quartier="Süd-Ost",
                jahr=I)
    assert (vm, tn) == (78, 346)                         # the demo's Süd-Ost figures
    quote = d.wert("quoten", quartier="Süd-Ost", kennzahl="Vermittlungsquote")
    assert float(quote) == pytest.approx(100 * 78 / 346)   # 22.543…, not 22.5
    assert prozent(quote) == "22,5 %"
    assert prozent(22.5) == "22,5 %" and prozent(22.45) == "22,5 %" and prozent(None) == "*"


@pytest.mark.parametrize("schwelle", ["2", "1", "0", "-1"])
def test_cli_refuses_a_threshold_below_3_and_writes_nothing(demo_db, tmp_path, capsys,
                                                            schwelle):
    """Attacker test (issue 15): `--threshold 2` published 2s. Public figures never show 1
    or 2: every threshold below 3 is refused before anything is read or written."""
    out = tmp_path / "pub"
    assert main(["publish", "--db", str(demo_db), "--out", str(out),
                 "--threshold", schwelle]) == 1
    fehler = capsys.readouterr().err
    assert "nichts geschrieben" in fehler and "mindestens 3" in fehler
    assert f"angegeben ist {schwelle}" in fehler
    assert not out.exists() and not (tmp_path / "pub.intern").exists()


def test_threshold_below_3_is_refused_by_every_entry_point():
    """The page's button and the command both call publish.publish; erstellen, the
    suppression and the audit refuse too, so no caller can lower it."""
    dim = dc.Dim("x", ("a", "b"))
    v = dc.Verbund({"t": dc.Tabelle("t", "T", (dim,), {("a",): 2, ("b",): 5,
                                                       (dc.INSGESAMT,): 7})})
    for falsch in (2, 1, 0, -1, 2.5, 3.0, True, "3", None):
        with pytest.raises(dc.SchwelleUnzulaessig):
            dc.schwelle_pruefen(falsch)
    with pytest.raises(dc.SchwelleUnzulaessig, match="mindestens 3"):
        dc.primaer(v, schwelle=2)
    with pytest.raises(dc.SchwelleUnzulaessig):
        dc.schuetzen(v, 2)
    with pytest.raises(dc.SchwelleUnzulaessig):
        dc.pruefen(v, set(), {}, schwelle=2)
    with pytest.raises(publish.PublishFehler, match="mindestens 3"):
        publish.publish(None, "/nonexistent/never-written", schwelle=2)
    with pytest.raises(publish.PublishFehler, match="mindestens 3"):
        publish.erstellen(None, schwelle=2)
    assert dc.schwelle_pruefen(3) == 3 and dc.schwelle_pruefen(np.int64(5)) == 5
    # with 3 the 2 is protected: primary, and its partner b suppressed with it
    e = dc.schuetzen(v, 3)
    assert e.gesperrt == {("t", ("a",)), ("t", ("b",))}
