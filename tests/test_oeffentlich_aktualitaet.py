"""Whether a publication is current, from two stored strings (issue 14): every write stores the
fingerprint of the public aggregates of its data; a visit compares it with the publication's
own. Fail closed: a stored value that cannot be proven to belong to the data and code of today
is not used (the page computes, as before)."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from biwaq.oeffentlich import aktualitaet, publish, revisionen, vorschau
from biwaq.speicher import store
from conftest import frame
from test_page_oeffentlich import _app


def _gespeichert(db) -> str | None:
    con = store.connect_readonly(db)
    try:
        return aktualitaet.gespeichert(con)
    finally:
        con.close()


def _direkt(db, *sql: str) -> None:
    """Another program writing into the file directly (not through replace_atomically)."""
    con = duckdb.connect(str(db))
    try:
        for s in sql:
            con.execute(s)
        con.execute("checkpoint")
    finally:
        con.close()


def _neue_teilnehmende(n: int = 5) -> dict:
    return dict(teilnehmende=frame("teilnehmende", [
        dict(tn_id=f"NEU-{i}", quartier="Süd-Ost", stadtteil="Herrenberg",
             eintritt=dt.date(2018, 3, 1)) for i in range(n)]))


@pytest.fixture
def pub(demo_env, monkeypatch, tmp_path):
    out = tmp_path / "oeffentlich"
    monkeypatch.setenv("BIWAQ_OEFFENTLICH_DIR", str(out))
    return out


def test_every_write_stores_the_fingerprint_a_publication_has(demo_env, tmp_path):
    gespeichert = _gespeichert(demo_env)
    assert gespeichert is not None
    # worked out independently: all public queries on the file, as publishing reads them
    assert gespeichert == publish.fingerabdruck(publish.lesen(demo_env))
    out = tmp_path / "pub"
    v = publish.publish(demo_env, out)
    assert revisionen.laden(revisionen.intern_verzeichnis(out), 1).fingerabdruck == gespeichert
    assert v.intern["fingerabdruck"] == gespeichert


def test_a_write_with_other_data_stores_the_new_fingerprint(demo_env):
    vorher = _gespeichert(demo_env)
    with store.replace_atomically(demo_env) as con:
        store.upsert_frame(con, "teilnehmende", _neue_teilnehmende()["teilnehmende"])
    nachher = _gespeichert(demo_env)
    assert nachher is not None and nachher != vorher
    assert nachher == publish.fingerabdruck(publish.lesen(demo_env))


@pytest.mark.parametrize("sql", [
    # data changed by another program: the store's guard hides every stored result
    "update teilnehmende set quartier = 'Süd-Ost' where tn_id = (select min(tn_id) from "
    "teilnehmende where quartier = 'Magdeburger Allee')",
    # _meta is outside the data guard; the fingerprint reads its datenstand
    "update _meta set wert = '2017-01-31' where schluessel = 'datenstand'",
    # a file written by a version without the step
    f"drop table {aktualitaet.TABELLE}",
    # two rows: which one holds is unknown
    f"insert into {aktualitaet.TABELLE} select * from {aktualitaet.TABELLE}",
])
def test_a_stored_value_that_cannot_be_proven_is_not_used(demo_env, sql):
    assert _gespeichert(demo_env) is not None
    _direkt(demo_env, sql)
    assert _gespeichert(demo_env) is None


def test_other_publishing_code_does_not_use_the_stored_value(demo_env, monkeypatch, tmp_path):
    anders = tmp_path / "publish.py"
    anders.write_bytes(aktualitaet.PUBLISH_PY.read_bytes() + b"\n# changed\n")
    monkeypatch.setattr(aktualitaet, "PUBLISH_PY", anders)
    assert _gespeichert(demo_env) is None


def _kein_rechnen(monkeypatch):
    def rechnen(con):
        raise AssertionError("the visit must compare stored fingerprints, not compute")
    monkeypatch.setattr(vorschau, "_fingerabdruck_rechnen", rechnen)


def test_visit_shows_current_from_stored_strings(demo_env, pub, monkeypatch):
    publish.publish(demo_env, pub)
    _kein_rechnen(monkeypatch)
    at = _app("steuerung")
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Veröffentlichung Nr. 1" in text and "entspricht dem aktuellen Datenbestand" in text
    assert "wird gerade geprüft" not in text


def test_visit_shows_outdated_from_stored_strings(demo_env, pub, monkeypatch):
    publish.publish(demo_env, pub)
    with store.replace_atomically(demo_env) as con:        # an import with new people
        store.upsert_frame(con, "teilnehmende", _neue_teilnehmende()["teilnehmende"])
    _kein_rechnen(monkeypatch)
    at = _app("steuerung")
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Seit damals haben sich die Daten geändert" in text
    assert "entspricht" not in text


def test_a_write_that_leaves_the_public_figures_alone_stays_current(demo_env, pub, monkeypatch):
    """Same answer as computing: a write whose data give the same public aggregates (here the
    same data written again) keeps the publication current."""
    publish.publish(demo_env, pub)
    with store.replace_atomically(demo_env):
        pass
    _kein_rechnen(monkeypatch)
    at = _app("steuerung")
    assert any("entspricht dem aktuellen Datenbestand" in m.value for m in at.markdown)


def test_without_a_provable_stored_value_the_page_computes_as_before(demo_env, pub):
    publish.publish(demo_env, pub)
    _direkt(demo_env, "update _meta set wert = '2017-01-31' where schluessel = 'datenstand'")
    at = _app("steuerung")
    vorschau.fingerabdruck_pruefung(store.file_stamp(store.db_path())).result(timeout=60)
    at.run()
    assert not at.exception, at.exception
    # computed: the data date differs from the publication's, so it is out of date
    assert any("Seit damals haben sich die Daten geändert" in m.value for m in at.markdown)


def test_public_floor_areas_are_rounded_half_away_from_zero():
    """A bug found on the way (public list and map of consented vacancies): Python's round()
    gave 12 for 12.5 m² and 2.024 for 2024.5 m²; the rule is half away from zero, once."""
    import json

    import pandas as pd

    from biwaq.oeffentlich import public_view

    orte = pd.DataFrame({"stadtteil": ["Herrenberg"] * 4, "adresse": ["A 1", "A 2", "A 3", "A 4"],
                         "art": ["Laden"] * 4, "flaeche_m2": [12.5, 2024.5, 13.49, None],
                         "lat": [50.95] * 4, "lon": [11.05] * 4})
    liste = public_view.orte_tabelle(orte)
    assert list(liste["Fläche (m²)"]) == ["13", "2.025", "13", ""]
    karte = json.loads(public_view.orte_karte(orte).to_json())
    punkte = next(t for t in karte["data"] if t.get("name") == "leer (Lage freigegeben)")
    assert [c[2] for c in punkte["customdata"]] == ["13", "2.025", "13", "–"]
