"""BIWAQ Erfurt dashboard: page config, navigation over the page registry, shared sidebar."""
from pathlib import Path

import streamlit as st

from biwaq import registry, ui

ROOT = Path(__file__).resolve().parent

st.set_page_config(page_title="BIWAQ Erfurt – Dashboard", page_icon=":material/insights:",
                   layout="wide")

ui.ensure_database()
rolle = "steuerung"   # one local user until sign-in is configured

sections: dict[str, list] = {}
for spec in registry.pages_for(rolle):
    sections.setdefault(spec.section, []).append(
        st.Page(str(ROOT / spec.path), title=spec.title, icon=spec.icon, url_path=spec.url,
                default=spec.default))
nav = st.navigation({s: sections[s] for s in registry.SECTIONS if s in sections})

with st.sidebar:
    st.markdown("**BIWAQ Erfurt** · Magdeburger Allee und Süd-Ost")
ui.sidebar_filters()
ui.demo_notice()
nav.run()
