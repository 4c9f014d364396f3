"""BIWAQ Erfurt dashboard: page config, sign-in and roles, navigation over the page registry,
shared sidebar."""
from pathlib import Path

import streamlit as st

from biwaq.app import auth, barrierefrei, ui
from biwaq.zahlen import quality  # noqa: F401  imports and geodata store the quality result
from biwaq.zahlen import zielstand  # noqa: F401  … and the on-track events per day
from biwaq.oeffentlich import aktualitaet  # noqa: F401  every write stores the public fingerprint

ROOT = Path(__file__).resolve().parent

st.set_page_config(page_title="BIWAQ Erfurt – Dashboard", page_icon="📊",
                   layout="wide")   # an emoji favicon is drawn in the browser, nothing is fetched
barrierefrei.einrichten()   # lang="de", caption contrast, German file uploader

# Sign-in first: broken or incomplete sign-in settings stop here with a German error page.
nutzer = auth.aktueller_nutzer()   # one local user as `steuerung` when no sign-in is configured
ui.ensure_database()
nav = auth.navigation(nutzer, ROOT)
barrierefrei.nach_navigation()   # no English "Page not found" on a fresh server's first run
st.session_state["seite_titel"] = nav.title   # page part of download file names

with st.sidebar:
    st.markdown("**BIWAQ Erfurt** · Magdeburger Allee und Süd-Ost")
auth.seitenleiste(nutzer)
if nutzer.rolle:
    ui.sidebar_filters(personenfilter=nutzer.rolle != "oeffentlich")
ui.demo_notice(datenimport=any(auth.erlaubt(p, nutzer.rolle) for p in auth.registry.PAGES
                               if p.url == "daten"))
nav.run()
