"""Does the user's browser reach the street-map tile server? A tiny Streamlit component
(components v2) loads one tile in the browser and reports back; the page then draws the street
map or, without it, the map without background and a notice (issue 12)."""
from __future__ import annotations

import streamlit as st

WARTEZEIT_MS = 5000      # no answer within this time counts as "not reachable"

_JS = """
export default function(component) {
    const { data, setStateValue } = component;
    let fertig = false;
    const melden = (ok) => { if (!fertig) { fertig = true; setStateValue('erreichbar', ok); } };
    const timer = setTimeout(() => melden(false), data.wartezeit);
    const bild = new Image();
    bild.onload = () => { clearTimeout(timer); melden(true); };
    bild.onerror = () => { clearTimeout(timer); melden(false); };
    bild.src = data.url;
    return () => clearTimeout(timer);
}
"""

_pruefung = st.components.v2.component("biwaq_kartenserver_pruefung", js=_JS)


def erreichbar(url: str, key: str) -> bool | None:
    """True when the browser loaded `url` (a map tile), False when it failed or took longer
    than WARTEZEIT_MS, None while the answer is pending (and in tests without a browser).
    The check runs in the browser, not on the server: what counts is whether the person's
    browser can load the tiles."""
    try:
        ergebnis = _pruefung(key=key, data={"url": url, "wartezeit": WARTEZEIT_MS},
                             default={"erreichbar": None}, height=0,
                             on_erreichbar_change=lambda: None)
    except Exception:   # noqa: BLE001 – no browser runtime (e.g. AppTest): unknown
        return None
    wert = getattr(ergebnis, "erreichbar", None)
    return wert if isinstance(wert, bool) else None
