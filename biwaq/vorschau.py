"""The public figures as the current database would publish them, for the internal page
„Öffentliche Zahlen“: same code as `python -m biwaq publish` (tables, suppression, audit),
cached per database version."""
from __future__ import annotations

import streamlit as st

from biwaq import publish, published, ui
from biwaq.published import Oeffentlich


@st.cache_data(show_spinner="Die öffentlichen Zahlen werden berechnet und geprüft …",
               max_entries=4)
def _erstellen(stamp: tuple) -> Oeffentlich:
    v = publish.erstellen(publish.lesen(con=ui._connection(*stamp)))
    return Oeffentlich(v.manifest, v.tabellen, v.orte)


def oeffentliche_zahlen() -> Oeffentlich:
    """Raises publish.PublishFehler if the audit fails (then nothing is shown)."""
    return _erstellen(ui.db_stamp())


def veroeffentlicht() -> Oeffentlich | None:
    """The publication residents currently see (the published directory), if any."""
    try:
        return published.laden()
    except published.NichtVeroeffentlicht:
        return None
