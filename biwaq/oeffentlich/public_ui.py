"""Streamlit view of the public figures, shared by the public app (oeffentlich.py) and the
internal page „Öffentliche Zahlen“. Reads only a published directory or figures handed in;
never imports the internal store (tests/test_public_app.py checks this)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from biwaq.app import export
from biwaq.oeffentlich import handout, public_view, published
from biwaq.oeffentlich.public_view import Auswahl
from biwaq.oeffentlich.published import INSGESAMT, Oeffentlich
from biwaq.zahlen import zusammenfassung

SEITE = "Öffentliche Zahlen"      # page part of download file names


@st.cache_data(show_spinner=False, max_entries=8)
def _laden(pfad: str, stempel: tuple) -> Oeffentlich:
    return published.laden(pfad)


def laden(pfad=None) -> Oeffentlich:
    """The current publication in the directory (re-read after a new publish)."""
    pfad = pfad or published.verzeichnis()
    return _laden(str(pfad), published.stempel(pfad))


@st.cache_data(show_spinner=False, max_entries=8)
def _handout(_daten: Oeffentlich, stempel: tuple) -> bytes:
    return handout.pdf(_daten)


def _md(text: str) -> str:
    """A literal `*` (suppressed value) must not become Markdown emphasis or a bullet."""
    return text.replace("*", "\\*")


def stand_zeile(daten: Oeffentlich, vorschau: bool = False) -> str:
    wann = ("berechnet aus der aktuellen Datenbank" if vorschau else
            f"veröffentlicht am {published.datum(daten.veroeffentlicht_am.date())}")
    return (f"Stand der Daten: {daten.datenstand_text} · {wann}"
            + ("" if vorschau else f" · Veröffentlichung Nr. {daten.revision}"))


def zeigen(daten: Oeffentlich, auswahl: Auswahl = Auswahl(), key: str = "oeff",
           filter_text: str = "Veröffentlichte Zahlen (keine Filter)",
           vorschau: bool = False) -> None:
    """Key figures, sentences, simple charts with tables, the `*` note, downloads.
    vorschau: inside the internal dashboard (which has its own demo notice)."""
    if daten.ist_demo and not vorschau:
        st.warning("**Demodaten** – alle Zahlen sind erfunden und dienen nur zur Vorführung.",
                   icon=":material/science:")
    st.caption(stand_zeile(daten, vorschau))

    cols = st.columns(4)
    for col, k in zip(cols, public_view.kennzahlen(daten, auswahl)):
        with col.container(border=True):
            st.metric(k.name, published.zahl(k.wert), help=k.hilfe)
    st.markdown(_md(" ".join(public_view.saetze(daten, auswahl))))
    st.info(_md(daten.hinweis), icon=":material/visibility_off:")

    st.header("Wer macht mit?")
    st.markdown("So viele Menschen sind in jedem Jahr neu ins Projekt gekommen.")
    _block(public_view.balken(daten, "teilnehmende", "jahr", "quartier",
                              "Neue Teilnehmende je Jahr", "Personen", auswahl,
                              zielgruppe=INSGESAMT),
           public_view.anzeige(daten, "teilnehmende", "quartier", "jahr", auswahl,
                               zielgruppe=INSGESAMT),
           "Neue Teilnehmende je Jahr", f"{key}_tn", filter_text, daten)
    st.markdown("Viele gehören zu einer der Gruppen, für die das Projekt besonders da ist. "
                "Eine Person kann zu mehreren Gruppen gehören.")
    st.dataframe(public_view.anzeige(daten, "teilnehmende", "zielgruppe", "quartier",
                                     Auswahl(auswahl.quartier), jahr=INSGESAMT),
                 hide_index=True, key=f"{key}_gruppen")

    st.header("Wer hat Arbeit gefunden?")
    _block(public_view.balken(daten, "vermittlungsarten", "art", None,
                              "Art der Arbeit oder Ausbildung", "Personen",
                              Auswahl(auswahl.quartier), horizontal=True,
                              quartier=auswahl.quartier or INSGESAMT),
           public_view.anzeige(daten, "vermittlungsarten", "art", "quartier",
                               Auswahl(auswahl.quartier)),
           "Personen mit Arbeit oder Ausbildung nach Art", f"{key}_art", filter_text, daten)
    st.dataframe(public_view.anzeige(daten, "eintritte_vermittlungen", "quartier", "jahr",
                                     auswahl, kennzahl=published.ARBEIT),
                 hide_index=True, key=f"{key}_vm")
    st.dataframe(public_view.quoten_text(daten, auswahl), hide_index=True, key=f"{key}_quoten")

    st.header("Betriebe im Stadtteil")
    st.markdown("Das Projekt berät junge und kleine Betriebe. So oft fand jede Art von "
                "Beratung statt.")
    _block(public_view.balken(daten, "beratungen", "format", None, "Beratungen nach Art",
                              "Beratungen", Auswahl(auswahl.quartier), horizontal=True,
                              quartier=auswahl.quartier or INSGESAMT),
           public_view.anzeige(daten, "beratungen", "format", "quartier",
                               Auswahl(auswahl.quartier)),
           "Beratungen nach Art", f"{key}_ber", filter_text, daten)

    st.header("Leere Läden und Flächen")
    letztes = daten.dim_werte("leerstaende_bestand", "jahr")[-1]
    st.markdown(f"So viele Läden, Büros und Flächen standen Ende {letztes} leer. "
                "Und so viele werden wieder genutzt.")
    _block(public_view.balken(daten, "leerstaende_bestand", "stadtteil", None,
                              f"Leerstand Ende {letztes}", "Einheiten",
                              Auswahl(auswahl.quartier), horizontal=True, jahr=letztes),
           public_view.anzeige(daten, "leerstaende_bestand", "stadtteil", "jahr",
                               Auswahl(auswahl.quartier)),
           "Leerstand am Jahresende", f"{key}_leer", filter_text, daten)
    st.dataframe(public_view.anzeige(daten, "leerstaende_wiederbelegt", "stadtteil", "jahr",
                                     auswahl),
                 hide_index=True, key=f"{key}_wieder")
    st.markdown("**Leerstand in jedem Stadtteil**")
    bloecke = public_view.stadtteil_bloecke(daten, auswahl)
    spalten = st.columns(3)
    for i, b in enumerate(bloecke):
        with spalten[i % 3].container(border=True, key=f"{key}_stadtteil_{i}"):
            st.markdown(f"**{b.stadtteil}**" + (f" · {b.quartier}" if b.quartier else ""))
            st.markdown(_md(" ".join(b.saetze)))
    orte = public_view.orte_im_gebiet(daten, auswahl)
    liste = public_view.orte_tabelle(orte)
    if len(liste):
        st.markdown("**Leere Läden und Flächen mit Adresse.** Diese dürfen wir zeigen – die "
                    "Eigentümer haben zugestimmt. Alle anderen zählen wir nur je Stadtteil "
                    "(oben).")
        karte, tabelle = st.tabs(["Karte", "Liste"])
        with karte:
            auf_karte = public_view.orte_auf_karte(orte)
            st.plotly_chart(public_view.orte_karte(auf_karte), key=f"{key}_orte_karte",
                            config={"displaylogo": False})
            st.caption("Punkt antippen oder mit der Maus darauf zeigen: Adresse, Art und "
                       "Fläche. Die Karte braucht keine Internetverbindung."
                       + (f" Die Karte zeigt die {published.zahl(len(auf_karte))} größten von "
                          f"{published.zahl(len(orte))} Orten; alle stehen in der Liste."
                          if len(auf_karte) < len(orte) else ""))
        with tabelle:
            st.dataframe(liste, hide_index=True, key=f"{key}_orte")

    st.divider()
    # built only when pressed (about 1 s): a visit does not wait for the PDF
    st.download_button("Handzettel (PDF, eine Seite)",
                       lambda: _handout(daten, (daten.manifest["veroeffentlicht_am"],
                                                daten.manifest["datenstand"])),
                       file_name=handout.dateiname(daten), mime="application/pdf",
                       key=f"{key}_pdf", on_click="ignore", icon=":material/picture_as_pdf:")
    with st.expander("Wie schützen wir die Daten?"):
        st.markdown(
            f"- Zahlen unter {daten.schwelle} zeigen wir nicht. Dann steht dort `*`.\n"
            "- Auch Zahlen, aus denen man eine gesperrte Zahl ausrechnen könnte, zeigen wir "
            "nicht.\n"
            "- Bei Betrieben: Eine Zahl, die fast nur von einem Betrieb stammt, zeigen wir "
            "auch nicht.\n"
            "- Vor jeder Veröffentlichung prüft ein Rechenverfahren jede gesperrte Zahl.\n"
            "- Jede neue Veröffentlichung wird zusammen mit allen früheren geprüft: Auch wer "
            "alte und neue Zahlen vergleicht, erkennt niemanden.\n"
            + revisionen_text(daten))
    with st.expander("Methodik (für Statistikerinnen und Statistiker)"):
        st.markdown(_md(daten.manifest["methode"]))


def revisionen_text(daten: Oeffentlich) -> str:
    """„Dies ist Veröffentlichung Nr. 2. Frühere: Nr. 1 vom … (Datenstand …).“"""
    frueher = [r for r in daten.manifest.get("revisionen", [])
               if int(r["revision"]) != daten.revision]
    teile = [f"Nr. {r['revision']} vom "
             f"{published.datum(dt.datetime.fromisoformat(r['veroeffentlicht_am']))} "
             f"(Datenstand {published.monat(dt.date.fromisoformat(r['datenstand'] + '-01'))})"
             for r in frueher]
    return (f"\nDies ist Veröffentlichung Nr. {daten.revision}."
            + (f" Frühere: {'; '.join(teile)}.\n" if teile else "\n"))


def _block(fig: go.Figure, tabelle: pd.DataFrame, titel: str, key: str, filter_text: str,
           daten: Oeffentlich) -> None:
    """A simple chart, the same numbers as a table, and downloads for Excel."""
    if tabelle.empty:
        st.info("Für diese Auswahl gibt es keine veröffentlichten Zahlen.")
        return
    st.markdown(_md(zusammenfassung.balken(titel, fig)))  # text alternative (issue 15)
    tab_chart, tab_table = st.tabs(["Diagramm", "Tabelle"])
    with tab_chart:
        st.plotly_chart(fig, key=f"{key}_chart", config={"displaylogo": False})
    with tab_table:
        st.dataframe(tabelle, hide_index=True, key=f"{key}_table")
    stand = daten.datenstand_text
    text = filter_text + " · " + daten.hinweis
    c1, c2, _ = st.columns([1, 1, 3])
    c1.download_button("CSV (Excel)", lambda: export.to_excel_csv(tabelle, titel, text, stand),
                       file_name=export.dateiname(titel, "csv", SEITE, filter_text, stand),
                       mime="text/csv",
                       key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    c2.download_button("XLSX", lambda: export.to_xlsx(tabelle, titel, text, stand),
                       file_name=export.dateiname(titel, "xlsx", SEITE, filter_text, stand),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx", on_click="ignore", icon=":material/download:")
