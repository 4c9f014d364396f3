"""The internal page „Öffentliche Zahlen“: the last publication (the published directory —
never figures recomputed from the live database, and a visit never waits for the
suppression MILP), whether it is current, and publishing from the page for `steuerung`
(same code and checks as `python -m biwaq publish`)."""
from __future__ import annotations

import streamlit as st

from biwaq.oeffentlich import publish, published, revisionen
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


@st.cache_data(show_spinner=False, max_entries=4)
def _fingerabdruck(stamp: tuple) -> str:
    """Fingerprint of what a publication of this database version would read (SQL only)."""
    return publish.fingerabdruck(publish.lesen(con=ui._connection(*stamp)))


def ist_aktuell(daten: Oeffentlich) -> bool | None:
    """True when the database still holds exactly the figures of this publication, False
    when they changed, None when unknown (internal values missing)."""
    stand = revisionen.laden(revisionen.intern_verzeichnis(published.verzeichnis()),
                             daten.revision)
    if stand is None or not stand.fingerabdruck:
        return None
    return stand.fingerabdruck == _fingerabdruck(ui.db_stamp())


def veroeffentlichen(fortschritt=None) -> publish.Veroeffentlichung:
    """Publish the current database into the published directory (a new revision).
    Raises publish.PublishFehler; then nothing is written."""
    v = publish.publish(None, published.verzeichnis(), con=ui.connection(),
                        fortschritt=fortschritt)
    _laden.clear()          # the manifest's time stamp changes too; this is only quicker
    return v
