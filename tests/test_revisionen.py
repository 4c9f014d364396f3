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
