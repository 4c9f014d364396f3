"""The published table eintritte_vermittlungen counts people, not placements: its label is the
catalogue's „Arbeit gefunden“ (kennzahlen 'oeffentlich_arbeit') on the public page, the
internal preview (same code), the handout and in the table itself; publications and internal
revisions written with the old value „Vermittlungen“ stay readable and comparable."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from biwaq.oeffentlich import handout, publish, public_view, published, revisionen
from biwaq.oeffentlich.disclosure import INSGESAMT as I
from biwaq.oeffentlich.published import ARBEIT
from biwaq.oeffentlich.public_view import Auswahl
from biwaq.zahlen import kennzahlen as kz

D = dt.date
ALT = "Vermittlungen"


@pytest.fixture(scope="module")
def pub(demo_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("pub_arbeit") / "oeffentlich"
    publish.publish(demo_db, out)
    return out


def test_the_label_says_people_everywhere(pub):
    assert ARBEIT == kz.label("oeffentlich_arbeit") == "Arbeit gefunden"
    assert "Personen, nicht Vermittlungen" in kz.get("oeffentlich_arbeit").definition
    d = published.laden(pub)
    assert d.dim_werte("eintritte_vermittlungen", "kennzahl") == ["Eintritte", ARBEIT]
    assert set(d.tabellen["eintritte_vermittlungen"]["kennzahl"]) == {"Eintritte", ARBEIT}
    for name in ("eintritte_vermittlungen", "vermittlungsarten"):
        titel = d.info(name)["titel"]
        assert "Personen mit Arbeit oder Ausbildung" in titel and ALT not in titel, titel
    # public page and internal preview (public_view): the headline is the table's cell
    k = {x.name: x.wert for x in public_view.kennzahlen(d, Auswahl())}
    wert = d.wert("eintritte_vermittlungen", kennzahl=ARBEIT, quartier=I, jahr=I)
    assert k[ARBEIT] == wert and wert > 0
    # handout: the column „Arbeit gefunden“ holds the same number
    from pypdf import PdfReader
    import io
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(handout.pdf(d))).pages)
    assert ARBEIT in text and published.zahl(wert) in text


def test_people_are_counted_once_in_the_year_of_their_first_placement(db_factory):
    # by hand: P1 entered 2016, placed 05/2016 and again 03/2017 -> once, in 2016;
    # P2 entered 2016, placed 02/2017 -> 2017; P3 entered 2017, never placed;
    # P4 placed without an entry -> not counted (only entrants count)
    con = db_factory(
        teilnehmende=[dict(tn_id="P1", eintritt=D(2016, 2, 1)),
                      dict(tn_id="P2", eintritt=D(2016, 3, 1)),
                      dict(tn_id="P3", eintritt=D(2017, 1, 1)),
                      dict(tn_id="P4", eintritt=None)],
        vermittlungen=[dict(tn_id="P1", beginn=D(2016, 5, 1)),
                       dict(tn_id="P1", beginn=D(2017, 3, 1)),
                       dict(tn_id="P2", beginn=D(2017, 2, 1)),
                       dict(tn_id="P4", beginn=D(2017, 4, 1))])
    verbund, _ = publish.verbund_bauen(publish.lesen(con=con))
    t = verbund.tabellen["eintritte_vermittlungen"]
    q = "Magdeburger Allee"                          # the fixture's default Quartier
    assert {j: t.werte[(ARBEIT, q, j)] for j in ("2016", "2017")} == {"2016": 1, "2017": 1}
    assert t.werte[(ARBEIT, I, I)] == 2              # people, not the 4 placements
    assert t.werte[("Eintritte", I, I)] == 3


def _alt_geschrieben(text: str) -> str:
    """A JSON/CSV text as publications wrote it before: „Vermittlungen“ as the value."""
    assert f'"{ARBEIT}"' in text or f"{ARBEIT}," in text
    return text.replace(f'"{ARBEIT}"', f'"{ALT}"').replace(f"{ARBEIT},", f"{ALT},")


def test_an_older_publication_reads_as_today(pub, tmp_path):
    alt = tmp_path / "alt"
    shutil.copytree(pub, alt)
    neu = published.laden(pub)
    datei = alt / neu.info("eintritte_vermittlungen")["datei"]
    datei.write_text(_alt_geschrieben(datei.read_text(encoding="utf-8")), encoding="utf-8")
    m = alt / published.MANIFEST
    m.write_text(_alt_geschrieben(m.read_text(encoding="utf-8")), encoding="utf-8")
    assert ALT in datei.read_text(encoding="utf-8")
    # Publications without checksums are refused (fail closed, test_public_app): this one
    # stands for a publication written with checksums before the value was renamed.
    manifest = json.loads(m.read_text(encoding="utf-8"))
    manifest[published.PRUEFSUMMEN] = {n: published.pruefsumme(alt / n)
                                       for n in published.dateien(manifest)}
    m.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    d = published.laden(alt)
    assert d.dim_werte("eintritte_vermittlungen", "kennzahl") == ["Eintritte", ARBEIT]
    assert d.tabellen["eintritte_vermittlungen"].equals(neu.tabellen["eintritte_vermittlungen"])
    assert public_view.kennzahlen(d, Auswahl()) == public_view.kennzahlen(neu, Auswahl())


def test_an_older_revision_pairs_with_the_new_cells_in_the_joint_audit(pub):
    intern = revisionen.intern_verzeichnis(pub)
    text = (intern / "0001.json").read_text(encoding="utf-8")
    neu = revisionen.aus_json(json.loads(text))
    alt = revisionen.aus_json(json.loads(_alt_geschrieben(text)))
    assert ALT in _alt_geschrieben(text)
    for name, t in neu.verbund.tabellen.items():
        a = alt.verbund.tabellen[name]
        assert (a.dims, a.werte, a.untergrenzen) == (t.dims, t.werte, t.untergrenzen), name
    assert alt.verbund.beziehungen == neu.verbund.beziehungen
    assert alt.gesperrt == neu.gesperrt and alt.anforderungen == neu.anforderungen
    # the joint audit's change cells cover the renamed cells
    gemeinsam = revisionen.gemeinsamer_verbund(neu.verbund, alt)
    aenderung = gemeinsam.tabellen[revisionen.AENDERUNG + "eintritte_vermittlungen"]
    assert (ARBEIT, I, I) in aenderung.werte
