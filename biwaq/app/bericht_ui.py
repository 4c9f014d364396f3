"""Übersicht's report buttons: the committee report (PDF) and its tables (XLSX) for the
page's filters, built on click and cached per database version, filters and comments."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from biwaq.app import bericht, kommentare, ui
from biwaq.speicher.filters import Filter


@st.cache_data(show_spinner="Der Bericht wird erstellt …", max_entries=20)
def _dateien(stamp: tuple, filt: Filter, komm_stand: tuple) -> tuple[bytes, bytes]:
    from biwaq.app import bericht_pdf

    ks = kommentare.KommentarStore(sicherung=False)
    d = bericht.daten(ui.connection(), filt, ks)
    return bericht_pdf.pdf(d), bericht.xlsx(d)


def _komm_stand() -> tuple:
    df = kommentare.KommentarStore(sicherung=False).liste(mit_geloeschten=True)
    return (len(df), str(df["geaendert"].max()) if len(df) else "")


def knoepfe(filt: Filter, key: str = "bericht") -> None:
    """Two download buttons; the files carry period and filters in their names."""
    st.header("Bericht für die Steuerungsrunde")
    st.markdown("Ein PDF (A4) mit Zielstand, Zielgruppen, Trichter und Verbleib, "
                "ESF+-Indikatoren, Betrieben, Leerstand mit Karte, Datenqualität und den "
                "Kommentaren – für die Filter der Seitenleiste. Dazu eine XLSX-Datei mit jeder "
                "Tabelle des Berichts.")
    stand = _komm_stand()
    wert = ui.meta().get("datenstand")
    datenstand = dt.date.fromisoformat(wert) if wert and wert != "None" else None
    c1, c2, _ = st.columns([1, 2, 1])     # the XLSX label whole at 1024 px (issue 15)
    c1.download_button("Bericht (PDF)", lambda: _dateien(ui.db_stamp(), filt, stand)[0],
                       file_name=bericht.dateiname(filt, "pdf", datenstand), mime="application/pdf",
                       key=f"{key}_pdf", on_click="ignore", icon=":material/picture_as_pdf:")
    c2.download_button("Tabellen des Berichts (XLSX)",
                       lambda: _dateien(ui.db_stamp(), filt, stand)[1],
                       file_name=bericht.dateiname(filt, "xlsx", datenstand), mime=bericht.XLSX_MIME,
                       key=f"{key}_xlsx", on_click="ignore", icon=":material/download:")
