"""The internal page „Öffentliche Zahlen“: the last publication (the published directory —
never figures recomputed from the live database, and a visit never waits for the
suppression MILP), whether it is current, and publishing from the page for `steuerung`
(same code and checks as `python -m biwaq publish`)."""
from __future__ import annotations

import concurrent.futures

import streamlit as st

from biwaq.oeffentlich import aktualitaet, publish, published, revisionen
from biwaq.app import ui
from biwaq.oeffentlich.published import Oeffentlich


def veroeffentlicht() -> Oeffentlich | None:
    """The publication residents currently see (the published directory), if any."""
    try:
        return _laden(published.stempel())
    except published.NichtVeroeffentlicht:
        return None


@st.cache_data(show_spinner=False, max_entries=4)
def _laden(stempel: tuple) -> Oeffentlich:
    return published.laden(stempel[0])


# Every write stores the fingerprint of its data (aktualitaet): a visit compares two stored
# strings. Only without a provably valid stored one (a file written by an older version, or
# changed by another program) it is computed from every public query over the whole database
# (at demo scale 1000 about 400,000 rows, 2–3 s): once per database version in one background
# thread, and a page visit waits for it at most WARTEN_S (a small database is done by then).
WARTEN_S = 0.5
PRUEFT = "prüft"          # ist_aktuell(): the check is still running
_PRUEFER = concurrent.futures.ThreadPoolExecutor(max_workers=1,
                                                 thread_name_prefix="biwaq-fingerabdruck")


def _fingerabdruck_rechnen(con) -> str:
    """Fingerprint of what a publication of this database version would read (SQL only)."""
    return publish.fingerabdruck(publish.lesen(con=con))


@st.cache_resource(show_spinner=False, max_entries=4)
def fingerabdruck_pruefung(stamp: tuple) -> concurrent.futures.Future:
    """The fingerprint of database version `stamp` (ui.db_stamp()), shared by every session
    (a Future of the hex string): the one stored at the last write when it provably belongs to
    this data (aktualitaet.gespeichert), else computed once in the background."""
    con = ui._connection(*stamp)
    wert = aktualitaet.gespeichert(con)
    if wert is not None:
        fertig: concurrent.futures.Future = concurrent.futures.Future()
        fertig.set_result(wert)
        return fertig
    return _PRUEFER.submit(_fingerabdruck_rechnen, con)


def ist_aktuell(daten: Oeffentlich, warten_s: float = WARTEN_S) -> bool | None | str:
    """True when the database still holds exactly the figures of this publication, False
    when they changed, None when unknown (internal values missing), PRUEFT while the
    background check of this database version is still running (after `warten_s` seconds).
    Raises what the check raised (e.g. a query error)."""
    stand = revisionen.laden(revisionen.intern_verzeichnis(published.verzeichnis()),
                             daten.revision)
    if stand is None or not stand.fingerabdruck:
        return None
    f = fingerabdruck_pruefung(ui.db_stamp())
    try:
        wert = f.result(timeout=warten_s)
    except concurrent.futures.TimeoutError:
        return PRUEFT
    except Exception:
        fingerabdruck_pruefung.clear()     # the next visit tries again
        raise
    return stand.fingerabdruck == wert


def veroeffentlichen(fortschritt=None) -> publish.Veroeffentlichung:
    """Publish the current database into the published directory (a new revision).
    Raises publish.PublishFehler; then nothing is written."""
    v = publish.publish(None, published.verzeichnis(), con=ui.connection(),
                        fortschritt=fortschritt)
    _laden.clear()          # the manifest's time stamp changes too; this is only quicker
    return v
