"""Issue 13.8: publications that cannot be subtracted. Field case 13: publish, add one
late-recorded participant, publish again into the same folder — the two revisions together
must not reveal that person."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from biwaq.oeffentlich import published, publish, revisionen
from biwaq.cli import main

FALL13 = Path("/work/shared/field-cases/13-publish-differenz-zwischen-staenden")
NACHTRAG = ("tn_id;quartier;stadtteil;traeger;geschlecht;geburtsjahr;alleinerziehend;"
            "migrationshintergrund;schutzsuchend;langzeitarbeitslos;zugangsweg;erstkontakt;"
            "eintritt\n"
            "TN-907701;Magdeburger Allee;Ilversgehofen;KIK;w;1958;nein;ja;ja;ja;KONTAKT-Laden;"
            "20.04.2016;10.05.2016\n")


def _zellen(pfad: Path) -> dict:
    """(table, dims…) -> published value or None (suppressed), over all count tables."""
    m = json.loads((pfad / "manifest.json").read_text(encoding="utf-8"))
    out = {}
    for t in m["tabellen"]:
        df = pd.read_csv(pfad / t["datei"], dtype=str, keep_default_na=False)
        dims = [d["name"] for d in t["dimensionen"]]
        for r in df.to_dict("records"):
            out[(t["name"], *(r[d] for d in dims))] = (None if r["gesperrt"] == "true"
                                                       else r["wert"])
    return out


@pytest.fixture(scope="module")
def zwei_staende(demo_db, tmp_path_factory):
    from biwaq.speicher import store

    w = tmp_path_factory.mktemp("fall13")
    daten = w / "daten"                      # the demo rows as real data (no DEMODATEN.txt)
    daten.mkdir()
    for f in [*store.DEMO_DIR.glob("*.csv"), *store.DEMO_DIR.glob("*.geojson")]:
        shutil.copy(f, daten / f.name)
    db = w / "db.duckdb"
    store.build(db, daten)
    out = w / "oeffentlich"
    v1 = publish.publish(db, out)
    stand1 = w / "stand1"
    shutil.copytree(out, stand1)
    nachtrag = w / "teilnehmende_nachtrag.csv"
    quelle = FALL13 / "teilnehmende_nachtrag.csv"
    nachtrag.write_bytes(quelle.read_bytes() if quelle.exists() else NACHTRAG.encode())
    assert main(["import", "--db", str(db), str(nachtrag)]) == 0
    v2 = publish.publish(db, out)
    return stand1, out, v1, v2


def test_field_case_13_the_late_participant_is_not_revealed(zwei_staende):
    stand1, out, v1, v2 = zwei_staende
    a, b = _zellen(stand1), _zellen(out)
    beide = [k for k in a if k in b and a[k] is not None and b[k] is not None
             and k[0] != publish.QUOTEN]
    assert beide, "the two revisions share published cells"
    klein = {k: (a[k], b[k]) for k in beide
             if 1 <= abs(int(b[k]) - int(a[k])) < v2.manifest["schwelle"]}
    assert klein == {}, klein
    # Today's code changed 40 cells by one; the person's cells are now suppressed instead:
    # the count of entrants in Magdeburger Allee 2016 is not published in both.
    k = ("teilnehmende", "Magdeburger Allee", published.INSGESAMT, "2016")
    assert a[k] is None or b[k] is None


def test_second_revision_passes_the_joint_audit_of_a_fresh_auditor(zwei_staende):
    stand1, out, v1, v2 = zwei_staende
    intern = revisionen.intern_verzeichnis(out)
    p = revisionen.laden(intern, 1)
    n = revisionen.laden(intern, 2)
    assert p is not None and n is not None
    # Rebuild N's protection from the stored values and audit both together again.
    from biwaq.oeffentlich import disclosure as dc
    ergebnis = dc.Ergebnis(n.gesperrt, n.anforderungen, [])
    fehler, gem = revisionen.gemeinsam_pruefen(n.verbund, ergebnis, p, 3)
    assert fehler == []
    # The change table really holds the late participant: +1 in MA / 2016 entrants.
    aenderung = gem.tabellen[revisionen.AENDERUNG + "teilnehmende"]
    assert aenderung.werte[("Magdeburger Allee", published.INSGESAMT, "2016")] == 1
    assert aenderung.werte[("Süd-Ost", published.INSGESAMT, "2016")] == 0


def test_revisions_are_numbered_kept_and_shown(zwei_staende):
    stand1, out, v1, v2 = zwei_staende
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["revision"] == 2
    assert [r["revision"] for r in m["revisionen"]] == [1, 2]
    assert m["revisionen"][1]["gemeinsam_geprueft_mit"] == [1]
    assert (out / "revisionen" / "0001" / "manifest.json").read_bytes() == \
        (stand1 / "manifest.json").read_bytes()
    assert json.loads((out / "revisionen" / "0002" / "manifest.json").read_text())[
        "revision"] == 2
    # Internal values live beside the published folder, never inside it.
    assert not list(out.rglob("*.intern")) and not list(out.rglob("0001.json"))
    assert (revisionen.intern_verzeichnis(out) / "0002.json").exists()
    assert published.laden(out).revision == 2


def test_a_third_revision_is_audited_against_the_first_too(zwei_staende, tmp_path):
    """Publishing again without new data must not drop the extra suppression of revision 2:
    revision 3 compared with revision 1 would show the late participant again."""
    stand1, out, v1, v2 = zwei_staende
    kopie = tmp_path / "oeffentlich"
    shutil.copytree(out, kopie)
    shutil.copytree(revisionen.intern_verzeichnis(out), revisionen.intern_verzeichnis(kopie))
    db = out.parent / "db.duckdb"
    v3 = publish.publish(db, kopie)
    assert v3.manifest["revision"] == 3
    assert v3.manifest["pruefung"]["gemeinsam_geprueft_mit"] == [1, 2]
    a, c = _zellen(stand1), _zellen(kopie)
    klein = {k: (a[k], c[k]) for k in a if k in c and a[k] is not None and c[k] is not None
             and k[0] != publish.QUOTEN and 1 <= abs(int(c[k]) - int(a[k])) < 3}
    assert klein == {}, klein


def test_publication_without_internal_values_is_not_continued(zwei_staende, tmp_path,
                                                               demo_db):
    stand1, out, _, _ = zwei_staende
    kopie = tmp_path / "oeffentlich"
    shutil.copytree(out, kopie)                      # no kopie.intern next to it
    vorher = {p.relative_to(kopie): p.read_bytes() for p in kopie.rglob("*") if p.is_file()}
    with pytest.raises(publish.PublishFehler, match="internen Prüfwerte"):
        publish.publish(demo_db, kopie)
    assert {p.relative_to(kopie): p.read_bytes() for p in kopie.rglob("*")
            if p.is_file()} == vorher


def test_joint_audit_by_hand_on_one_small_table():
    """P: a=5, b=4, total 9; N: a=6, b=4, total 10 (one person added to a). Both published in
    full, the change table is a=+1, b=0, total=+1: the change of a is known exactly (width
    0 < 3), so the pair fails. With a and the total suppressed in N, the change of a is
    no longer pinned (N's a and total are only known to differ by b = 4): the pair passes."""
    from biwaq.oeffentlich import disclosure as dc
    from biwaq.oeffentlich.disclosure import Dim, Tabelle, Verbund

    dim = Dim("x", ("a", "b"))

    def verbund(a, b):
        return Verbund({"t": Tabelle("t", "T", (dim,), {("a",): a, ("b",): b,
                                                        (dc.INSGESAMT,): a + b})})

    p = revisionen.Stand(1, verbund(5, 4), set(), {})
    n = verbund(6, 4)
    offen = dc.Ergebnis(set(), {}, [])
    fehler, gem = revisionen.gemeinsam_pruefen(n, offen, p, 3)
    aenderung = gem.tabellen[revisionen.AENDERUNG + "t"].werte
    assert aenderung == {("a",): 1, ("b",): 0, (dc.INSGESAMT,): 1}
    assert {f.zelle for f in fehler} == {(revisionen.AENDERUNG + "t", ("a",)),
                                         (revisionen.AENDERUNG + "t", (dc.INSGESAMT,))}
    assert all(f.breite == 0 for f in fehler)
    gesperrt = dc.Ergebnis({("t", ("a",)), ("t", (dc.INSGESAMT,))}, {}, [])
    fehler, _ = revisionen.gemeinsam_pruefen(n, gesperrt, p, 3)
    assert fehler == []


def test_intern_folder_follows_its_setting_only_for_the_configured_folder(tmp_path, monkeypatch):
    """Attacker test 29.11.2026: in the container the internal values lay beside the published
    folder on the volume the public service mounts. BIWAQ_INTERN_DIR moves them, for the
    configured published folder only; any other folder keeps `<dir>.intern` beside it."""
    pub, intern = tmp_path / "vol" / "oeffentlich", tmp_path / "daten" / "oeffentlich.intern"
    monkeypatch.setenv("BIWAQ_OEFFENTLICH_DIR", str(pub))
    monkeypatch.delenv("BIWAQ_INTERN_DIR", raising=False)
    assert revisionen.intern_verzeichnis(pub) == tmp_path / "vol" / "oeffentlich.intern"
    monkeypatch.setenv("BIWAQ_INTERN_DIR", str(intern))
    assert revisionen.intern_verzeichnis(pub) == intern
    assert revisionen.intern_verzeichnis(str(pub) + "/") == intern
    anders = tmp_path / "anders"
    assert revisionen.intern_verzeichnis(anders) == tmp_path / "anders.intern"


def test_container_keeps_the_intern_folder_off_the_public_volume():
    """Dockerfile: BIWAQ_INTERN_DIR on the internal volume (/var/lib/biwaq), not under the
    published volume the public service mounts; ignore files keep data/*.intern out."""
    from conftest import ROOT
    docker = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    zeile = next(z for z in docker.splitlines() if "BIWAQ_INTERN_DIR=" in z)
    assert "/var/lib/biwaq/" in zeile and "/srv/biwaq/veroeffentlicht" not in zeile
    assert "data/*.intern" in (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert "data/*.intern" in (ROOT / ".dockerignore").read_text(encoding="utf-8")


# --- Attacker test (issue 15): two revisions together must not reveal a suppressed 2 -------

def test_unchanged_cells_are_one_unknown_in_the_joint_audit_by_hand():
    """P: a=2, b=5, c=7, total 14; a (primary, 2) and b (secondary) suppressed, c and the
    total published: P alone gives a + b = 7, a anywhere in 0..7. N: c=10, total 17 (three
    people added to c); a and b unchanged. Had N published b=5 and suppressed a and c
    (N alone: a + c = 12, fine), the attacker, knowing b did not change, works out
    P's a = 14 − 7 − 5 = 2. The old audit let every cell change freely and passed this;
    with b tied (D = 0) it must fail on a. Keeping P's suppressions of unchanged cells (a
    and b; c changed) gives a pattern that passes: a + b = 7 in both, a in 0..7."""
    from biwaq.oeffentlich import disclosure as dc
    from biwaq.oeffentlich.disclosure import Dim, Tabelle, Verbund

    dim = Dim("x", ("a", "b", "c"))

    def verbund(a, b, c):
        return Verbund({"t": Tabelle("t", "T", (dim,), {("a",): a, ("b",): b, ("c",): c,
                                                        (dc.INSGESAMT,): a + b + c})})

    p_verbund = verbund(2, 5, 7)
    p_anf = dc.primaer(p_verbund)
    assert p_anf == {("t", ("a",)): dc.Anforderung("schwelle", 3)}
    p = revisionen.Stand(1, p_verbund, {("t", ("a",)), ("t", ("b",))}, p_anf)
    assert all(x.ok for x in dc.pruefen(p_verbund, p.gesperrt, p_anf))   # P alone is safe
    n = verbund(2, 5, 10)
    n_anf = dc.primaer(n)
    schlecht = dc.Ergebnis({("t", ("a",)), ("t", ("c",))}, n_anf, [])
    assert all(x.ok for x in dc.pruefen(n, schlecht.gesperrt, n_anf))    # N alone is safe
    fehler, gem = revisionen.gemeinsam_pruefen(n, schlecht, p, 3)
    assert gem.tabellen[revisionen.AENDERUNG + "t"].werte == {
        ("a",): 0, ("b",): 0, ("c",): 3, (dc.INSGESAMT,): 3}
    zellen = {f.zelle: (f.minimum, f.maximum) for f in fehler}
    assert zellen[(revisionen.VORHER + "t", ("a",))] == (2, 2)
    assert zellen[("t", ("a",))] == (2, 2)

    behalten = revisionen.fruehere_sperren(n, [p], 3)
    assert behalten == {("t", ("a",)): dc.Anforderung("vorher", 3),
                        ("t", ("b",)): dc.Anforderung("vorher", 3)}
    gut = dc.Ergebnis({("t", ("a",)), ("t", ("b",))}, n_anf, [])
    fehler, _ = revisionen.gemeinsam_pruefen(n, gut, p, 3)
    assert fehler == []
    # publishing N after P through erstellen's path: the MILP keeps a and b suppressed
    erg = dc.schuetzen(n, 3, zusaetzlich=behalten)
    assert {("t", ("a",)), ("t", ("b",))} <= erg.gesperrt
    assert erg.primaer == {("t", ("a",))}


def _mig(pfad: Path) -> dict:
    """Published 'Mit Migrationshintergrund' row cells: (quartier, jahr) -> int or None."""
    df = pd.read_csv(pfad / "teilnehmende.csv", dtype=str, keep_default_na=False)
    df = df[df["zielgruppe"] == "Mit Migrationshintergrund"]
    return {(r["quartier"], r["jahr"]): (None if r["gesperrt"] == "true" else int(r["wert"]))
            for r in df.to_dict("records")}


@pytest.fixture(scope="module")
def umzug(tmp_path_factory):
    """The attacker's case on the demo data: revision 1 from the demo files, revision 2 after
    TN-000402 (Süd-Ost, Geflüchtete, entered 2017) moved to Magdeburger Allee /
    Ilversgehofen."""
    from biwaq.speicher import store

    w = tmp_path_factory.mktemp("umzug")
    d1, d3 = w / "d1", w / "d3"
    shutil.copytree(store.DEMO_DIR, d1)
    shutil.copytree(d1, d3)
    f = d3 / "teilnehmende.csv"
    text = f.read_text(encoding="utf-8-sig")
    alt = "TN-000402;Süd-Ost;Melchendorf;"
    assert text.count(alt) == 1
    f.write_text(text.replace(alt, "TN-000402;Magdeburger Allee;Ilversgehofen;"),
                 encoding="utf-8-sig")
    out = w / "pub3"
    for name, daten in (("b1", d1), ("b3", d3)):
        store.build(w / f"{name}.duckdb", daten)
        publish.publish(w / f"{name}.duckdb", out)
        shutil.copytree(out, w / f"stand_{name}")
    return w, out


def test_attacker_case_two_revisions_do_not_reveal_the_suppressed_2(umzug):
    """Worked by hand from the demo data: revision 1 publishes Magdeburger Allee × Mit
    Migrationshintergrund as 2015 *, 2016 40, 2017 46, 2018 *, Insgesamt 110 (true 2015 = 2,
    2018 = 22). The move changes only 2017 (46 → 47) and the total (110 → 111) of that row,
    and Süd-Ost's 2017 (38 → 37) and total (90 → 89). Revision 2 must not publish the
    unchanged 2018 cells (22 and 20): 110 − 40 − 46 − 22 = 2 and 90 − 29 − 38 − 20 = 3
    (Süd-Ost 2015, itself suppressed only to protect the 2) would follow."""
    w, out = umzug
    r1, r2 = _mig(w / "stand_b1"), _mig(w / "stand_b3")
    ma, so = "Magdeburger Allee", "Süd-Ost"
    assert (r1[(ma, "2015")], r1[(ma, "2016")], r1[(ma, "2017")],
            r1[(ma, published.INSGESAMT)]) == (None, 40, 46, 110)
    assert r1[(ma, "2018")] is None and r1[(so, "2015")] is None and r1[(so, "2018")] is None
    # unchanged since revision 1 and suppressed there: still suppressed
    assert r2[(ma, "2015")] is None and r2[(ma, "2018")] is None
    assert r2[(so, "2015")] is None and r2[(so, "2018")] is None
    # The attacker's sum over both revisions: every row cell known from either revision
    # where the true value did not change; the 2015 cell must stay open (≥ 2 unknowns).
    intern = revisionen.intern_verzeichnis(out)
    wahr1, wahr2 = (revisionen.laden(intern, n).verbund.tabellen["teilnehmende"].werte
                    for n in (1, 2))
    for q in (ma, so):
        offen = []
        for j in ("2015", "2016", "2017", "2018"):
            k = (q, "Mit Migrationshintergrund", j)
            bekannt = r1[(q, j)] is not None or (r2[(q, j)] is not None
                                                  and wahr1[k] == wahr2[k])
            if not bekannt:
                offen.append(j)
        assert len(offen) >= 2, (q, offen)


def test_attacker_case_passes_a_fresh_joint_audit_with_unchanged_cells_tied(umzug):
    from biwaq.oeffentlich import disclosure as dc

    w, out = umzug
    intern = revisionen.intern_verzeichnis(out)
    p, n = revisionen.laden(intern, 1), revisionen.laden(intern, 2)
    fehler, gem = revisionen.gemeinsam_pruefen(
        n.verbund, dc.Ergebnis(n.gesperrt, n.anforderungen, []), p, 3)
    assert fehler == []
    aenderung = gem.tabellen[revisionen.AENDERUNG + "teilnehmende"].werte
    assert aenderung[("Magdeburger Allee", "Mit Migrationshintergrund", "2017")] == 1
    assert aenderung[("Magdeburger Allee", "Mit Migrationshintergrund", "2018")] == 0
    # The pattern revision 2 would have had before the fix (2018 released) fails this audit.
    frei = {("teilnehmende", ("Magdeburger Allee", "Mit Migrationshintergrund", "2018")),
            ("teilnehmende", ("Süd-Ost", "Mit Migrationshintergrund", "2018"))}
    assert frei <= n.gesperrt
    fehler, _ = revisionen.gemeinsam_pruefen(
        n.verbund, dc.Ergebnis(n.gesperrt - frei, {z: a for z, a in n.anforderungen.items()
                                                   if z not in frei}, []), p, 3)
    assert ("vorher:teilnehmende", ("Magdeburger Allee", "Mit Migrationshintergrund",
                                    "2015")) in {f.zelle for f in fehler}
