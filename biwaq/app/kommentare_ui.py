"""Streamlit blocks for comments on figures (store: biwaq.app.kommentare). Only the role
`steuerung` sees and writes comments; texts are always shown as plain text (st.text)."""
from __future__ import annotations

import streamlit as st

from biwaq.app import auth, kommentare, ui
from biwaq.speicher.filters import Filter

ROLLE = "steuerung"


def _store() -> kommentare.KommentarStore:
    return kommentare.KommentarStore(sicherung=True)


def autor() -> str | None:
    """The signed-in person's name, „lokal“ without sign-in; None without the role."""
    nutzer = auth.aktueller_nutzer()
    if nutzer.rolle != ROLLE:
        return None
    return kommentare.LOKAL if nutzer.lokal else nutzer.name


def _zeige(row, wer: str, key: str) -> None:
    zeit = kommentare.export_tabelle(row.to_frame().T).iloc[0]
    st.text(row["text"])                              # plain text: no markup, no formula
    st.caption(f"{row['autor']} · {zeit['Zeit (UTC)']} UTC · Datenstand "
               f"{zeit['Datenstand']} · {row['filter_text']}")
    if row["autor"] != wer:
        return
    neu = st.text_input("Text ändern", value=row["text"], key=f"{key}_edit_{row['id']}",
                        max_chars=kommentare.MAX_ZEICHEN)
    c1, c2 = st.columns(2)
    if c1.button("Ändern", key=f"{key}_save_{row['id']}"):
        try:
            _store().aendern(int(row["id"]), wer, neu)
            st.rerun()
        except kommentare.KommentarFehler as e:
            st.error(str(e))
    if c2.button("Löschen", key=f"{key}_del_{row['id']}"):
        _store().loeschen(int(row["id"]), wer)
        st.rerun()


def beim_wert(kennzahl: str, titel: str, filt: Filter, key: str) -> None:
    """Comments on this figure written under exactly these filters, and a form for a new one
    (in a popover beside the figure)."""
    wer = autor()
    if wer is None:
        return
    ks = _store()
    liste = ks.liste(kennzahl, filt)
    beschriftung = (f"Kommentare ({len(liste)})" if len(liste) else "Kommentieren")
    with st.popover(beschriftung, icon=":material/comment:"):
        st.caption(f"Zu „{titel}“ mit diesen Filtern: {filt.beschreibung()}")
        for _, row in liste.iterrows():
            _zeige(row, wer, key)
            st.divider()
        with st.form(f"{key}_neu", clear_on_submit=True):
            text = st.text_area("Neuer Kommentar", max_chars=kommentare.MAX_ZEICHEN,
                                key=f"{key}_text")
            if st.form_submit_button("Speichern"):
                try:
                    ks.hinzufuegen(kennzahl, titel, filt, ui.meta().get("datenstand"), wer,
                                   text)
                    st.rerun()
                except kommentare.KommentarFehler as e:
                    st.error(str(e))


def alle_liste(key: str = "kommentare_liste") -> None:
    """Every comment on every figure with its filters, newest first, as a table to download."""
    if autor() is None:
        return
    st.header("Kommentare zu Zahlen")
    df = _store().liste()
    if df.empty:
        st.info("Noch keine Kommentare. Über „Kommentieren“ neben einer Zahl hält die "
                "Steuerungsrunde fest, was sie daraus schließt.", icon=":material/comment:")
        return
    st.caption("Jeder Kommentar gilt für die Filter, unter denen er geschrieben wurde. "
               "Kommentare sind intern und erscheinen nie in den öffentlichen Zahlen.")
    tabelle = kommentare.export_tabelle(df)
    st.dataframe(tabelle, hide_index=True, key=f"{key}_table")
    from biwaq.app import bericht                     # safe XLSX writer (texts stay texts)
    st.download_button("Kommentare als XLSX", lambda: bericht.xlsx_bytes(
        {"Kommentare": tabelle}, "Kommentare zu Zahlen", ui.current_filter().beschreibung(),
        ui.datenstand_text(), typisieren=False), file_name="biwaq_kommentare.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx", on_click="ignore", icon=":material/download:")
