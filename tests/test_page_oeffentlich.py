"""Page „Öffentliche Zahlen“ (internal dashboard): every role sees the last publication,
never figures recomputed from the live database, and a visit never runs the suppression
MILP (issue 13.7, issue 14); `steuerung` sees whether it is current and can publish with
the same checks and all-or-nothing result as `python -m biwaq publish` (issue 15)."""
from __future__ import annotations

import json

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from biwaq.oeffentlich import disclosure as dc
from biwaq.oeffentlich import publish, published
from biwaq.speicher import store
from conftest import frame
from test_auth import EMAIL, als_rolle

I = published.INSGESAMT
SEITE = "pages/oeffentlich/zahlen.py"


def _app(rolle: str) -> AppTest:
    # the only page of `oeffentlich` is its start page
    return als_rolle(rolle, None if rolle == "oeffentlich" else SEITE)


def _nachtragen(db, n: int = 5) -> None:
    """n more participants entering 2018 in Süd-Ost (a later import, done directly)."""
    import datetime as dt
    con = duckdb.connect(str(db))
    try:
        store.upsert_frame(con, "teilnehmende", frame("teilnehmende", [
            dict(tn_id=f"NEU-{i}", quartier="Süd-Ost", stadtteil="Herrenberg",
                 eintritt=dt.date(2018, 3, 1)) for i in range(n)]))
        con.execute("checkpoint")
    finally:
        con.close()


@pytest.fixture
def pub(demo_env, monkeypatch, tmp_path):
    out = tmp_path / "oeffentlich"
    monkeypatch.setenv("BIWAQ_OEFFENTLICH_DIR", str(out))
    return out


def _menschen(at) -> str:
    return next(m.value for m in at.metric if m.label == "Menschen im Projekt")


@pytest.mark.parametrize("rolle", ["steuerung", "wirtschaft", "oeffentlich"])
def test_every_role_sees_the_publication_not_the_live_database(rolle, demo_env, pub,
                                                               monkeypatch):
    publish.publish(demo_env, pub)
    d = published.laden(pub)
    vorher = published.zahl(d.wert("teilnehmende", quartier=I, zielgruppe=I, jahr=I))
    _nachtragen(demo_env)                   # the database moves on …

    def kein_milp(*a, **kw):
        raise AssertionError("the page must not run the suppression")
    monkeypatch.setattr(dc, "schuetzen", kein_milp)
    monkeypatch.setattr(dc, "pruefen", kein_milp)

    at = _app(rolle)
    assert _menschen(at) == vorher          # … the page still shows what was published
    assert any("Veröffentlichung Nr. 1" in c.value for c in at.caption)
    knopf = [b for b in at.button if b.label == "Veröffentlichen"]
    assert bool(knopf) == (rolle == "steuerung")
    text = " ".join(m.value for m in at.markdown)
    if rolle == "steuerung":
        assert "Seit damals haben sich die Daten geändert" in text
    else:
        assert "Datenbestand" not in text and "geändert" not in text


def test_steuerung_sees_a_current_publication_as_current(demo_env, pub):
    publish.publish(demo_env, pub)
    at = _app("steuerung")
    assert any("entspricht dem aktuellen Datenbestand" in m.value for m in at.markdown)


def test_without_publication_the_page_says_so_and_shows_no_figures(demo_env, pub):
    at = _app("wirtschaft")
    assert any("noch keine Zahlen veröffentlicht" in i.value for i in at.info)
    assert not at.metric and not [b for b in at.button if b.label == "Veröffentlichen"]


def test_publish_button_writes_a_new_audited_revision(demo_env, pub):
    publish.publish(demo_env, pub)
    _nachtragen(demo_env)
    at = _app("steuerung")
    at.button(key="oeffz_veroeffentlichen").click().run()
    assert not at.exception, at.exception
    m = json.loads((pub / "manifest.json").read_text(encoding="utf-8"))
    assert m["revision"] == 2 and m["pruefung"]["gemeinsam_geprueft_mit"] == [1]
    assert (pub / "revisionen" / "0002" / "manifest.json").exists()
    assert any("Veröffentlichung Nr. 2 ist erschienen" in s.value for s in at.success)
    # The page now shows the new publication, and it is current.
    d = published.laden(pub)
    assert _menschen(at) == published.zahl(
        d.wert("teilnehmende", quartier=I, zielgruppe=I, jahr=I))
    assert any("Nr. 2" in m.value and "entspricht dem aktuellen" in m.value
               for m in at.markdown)
    # The public view names the revision and the earlier ones (month-only data date).
    assert any("Dies ist Veröffentlichung Nr. 2. Frühere: Nr. 1 vom" in m.value
               and "(Datenstand Dezember 2018)" in m.value for m in at.markdown)


def test_a_failed_publication_changes_nothing_and_says_why(demo_env, pub, monkeypatch):
    publish.publish(demo_env, pub)
    vorher = {p.relative_to(pub): p.read_bytes() for p in pub.rglob("*") if p.is_file()}
    at = _app("steuerung")

    def scheitert(*a, **kw):
        raise publish.PublishFehler("Geheimhaltungsprüfung fehlgeschlagen – Testfall")
    monkeypatch.setattr(publish, "erstellen", scheitert)
    at.button(key="oeffz_veroeffentlichen").click().run()
    assert not at.exception
    assert any("nicht veröffentlicht" in e.value and "Testfall" in e.value for e in at.error)
    assert {p.relative_to(pub): p.read_bytes() for p in pub.rglob("*") if p.is_file()} == vorher


def test_the_button_does_nothing_for_another_role(demo_env, pub):
    """A session whose role is no longer `steuerung` at the click: nothing is published."""
    publish.publish(demo_env, pub)
    at = _app("steuerung")
    knopf = at.button(key="oeffz_veroeffentlichen")
    at.user = {"is_logged_in": True, "email": EMAIL["wirtschaft"], "email_verified": True,
               "name": "Test wirtschaft"}
    knopf.click().run()
    assert not at.exception
    assert json.loads((pub / "manifest.json").read_text(encoding="utf-8"))["revision"] == 1


def test_a_slow_check_does_not_hold_up_the_visit(demo_env, pub, monkeypatch):
    """Issue 14: whether the publication is current needs every public query over the whole
    database (seconds at scale 1000). It runs once per database version in the background;
    the visit shows the publication at once with a note, and the answer once it is there."""
    import threading

    from biwaq.oeffentlich import aktualitaet, handout, vorschau

    # a file without the fingerprint stored at write time (an older version wrote it)
    con = duckdb.connect(str(demo_env))
    con.execute(f"drop table {aktualitaet.TABELLE}")
    con.close()
    publish.publish(demo_env, pub)
    d = published.laden(pub)
    frei = threading.Event()
    echt = vorschau._fingerabdruck_rechnen
    aufrufe = []

    def langsam(con):
        aufrufe.append(1)
        assert frei.wait(60)
        return echt(con)
    monkeypatch.setattr(vorschau, "_fingerabdruck_rechnen", langsam)

    def kein_pdf(*a, **kw):
        raise AssertionError("the handout is built only when its button is pressed")
    monkeypatch.setattr(handout, "pdf", kein_pdf)

    at = _app("steuerung")
    assert not at.exception
    assert _menschen(at) == published.zahl(d.wert("teilnehmende", quartier=I, zielgruppe=I,
                                                  jahr=I))
    text = " ".join(m.value for m in at.markdown)
    assert "wird gerade geprüft" in text and "entspricht dem aktuellen" not in text
    frei.set()
    vorschau.fingerabdruck_pruefung(store.file_stamp(store.db_path())).result(timeout=60)
    at.run()
    assert not at.exception
    assert any("entspricht dem aktuellen Datenbestand" in m.value for m in at.markdown)
    assert len(aufrufe) == 1             # once per database version, not per run
