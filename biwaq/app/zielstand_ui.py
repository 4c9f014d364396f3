"""Streamlit blocks of the on-track rule, shared by Übersicht and Zielgruppen (pages call these
and draw nothing of the rule themselves)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from biwaq.app import charts_zielstand as cz
from biwaq.zahlen import kennzahlen as kz
from biwaq.app import kommentare_ui as kui
from biwaq.app import ui
from biwaq.zahlen import zielstand as zs
from biwaq.zahlen import zusammenfassung as zf

TRAEGER_HINWEIS = ("Die Ziele sind nicht nach Träger vereinbart: Der Zielvergleich erscheint "
                   "nur, wenn in der Seitenleiste alle Träger gewählt sind.")


@st.cache_data(show_spinner=False, max_entries=200)
def _berechnet(stamp: tuple, params: tuple) -> zs.Zielstand:
    # the days stored at the last write when valid, else query zielstand_verlauf (issue 14)
    with ui.datenbank_zugriff():
        return zs.zielstand(zs.verlauf_roh(ui._connection(*stamp), **dict(params)))


def zielstand(filt) -> zs.Zielstand | None:
    """The rule applied to the page's filters; None when a Träger is chosen (no targets)."""
    if filt.traeger:
        return None
    return _berechnet(ui.db_stamp(), tuple(sorted(zs.zielstand_params(filt).items())))


def kopf_zeile(stand: zs.Zielstand | None, kennzahl: str, filt):
    """The row of the target that matches a headline figure under the page's filters
    (its Quartier, its Zielgruppe – none for businesses and vacancies), or None."""
    if stand is None or stand.tabelle.empty:
        return None
    t = stand.tabelle
    gruppe = None if kennzahl in zs.NUR_QUARTIER else filt.zielgruppe
    treffer = t[(t["kennzahl"] == kennzahl)
                & (t["quartier"].fillna("") == (filt.quartier or ""))
                & (t["zielgruppe"].fillna("") == (gruppe or ""))]
    return None if treffer.empty else next(treffer.itertuples())


def karten_text(zeile) -> str:
    """Caption under a headline figure: the cumulative count the target is judged on."""
    return (f"Zum Ziel (ab {zs.LAUFZEIT_START.strftime('%d.%m.%Y')} bis "
            f"{zeile.stichtag.strftime('%d.%m.%Y')}): {zs.zahl_text(zeile.wert)} von "
            f"{zs.zahl_text(zeile.zielwert)} · erwartet {zs.zahl_text(zeile.erwartet)} · "
            f"{zs.prozent_text(zeile.quote_exakt)} des Erwarteten")


def status_badge(zeile) -> None:
    farbe = {zs.IM_PLAN: "green", zs.KNAPP: "orange", zs.HINTER: "red"}[zeile.status]
    st.badge(zeile.status, color=farbe)


def abschnitt(filt, key: str, kennzahlen: tuple[str, ...] | None = None,
              titel: str = "Stand gegenüber den Zielen") -> zs.Zielstand | None:
    """Section: rule text, status of every target (chart + table + downloads), and the
    quarterly course of one chosen target with its projection."""
    st.header(titel)
    st.caption(zs.REGEL_TEXT)
    if filt.traeger:
        st.info(TRAEGER_HINWEIS, icon=":material/info:")
        return None
    stand = zielstand(filt)
    tab = stand.tabelle
    if kennzahlen is not None:
        tab = tab[tab["kennzahl"].isin(kennzahlen)]
    if tab.empty:
        st.info("Für diese Auswahl von Quartier und Zielgruppe ist kein Ziel vereinbart.",
                icon=":material/info:")
        return stand
    stichtag = tab["stichtag"].max()
    st.markdown(f"**Stichtag: {stichtag.strftime('%d.%m.%Y')}** · "
                + " · ".join(f"{s}: {int((tab['status'] == s).sum())}"
                             for s in (zs.IM_PLAN, zs.KNAPP, zs.HINTER))
                + f" (von {len(tab)} Zielen)")
    status = [(s, int((tab["status"] == s).sum())) for s in (zs.IM_PLAN, zs.KNAPP, zs.HINTER)]
    ui.chart_block(cz.status_chart(tab), zs.anzeige_tabelle(tab), titel, key=f"{key}_status",
                   filt=filt, umbruch=("Ziel",),
                   bildschirm=["Ziel", kz.label("ziel_erreicht"), kz.label("ziel_erwartet"),
                               kz.label("ziel_quote"), "Status"],
                   zusammenfassung=zf.anzahlen(
                       f"Von {len(tab)} Zielen sind", [s for s, _ in status],
                       [n for _, n in status]))
    kui.beim_wert(key, titel, filt, key=f"{key}_komm")
    wahl = st.selectbox("Verlauf je Quartal für", list(tab["ziel_id"]),
                        format_func=dict(zip(tab["ziel_id"], tab["label"])).get,
                        key=f"{key}_ziel")
    zeile = next(tab[tab["ziel_id"] == wahl].itertuples())
    verlauf = stand.verlauf[stand.verlauf["ziel_id"] == wahl]
    tabelle = pd.DataFrame({"Quartal": verlauf["quartal"],
                            "Bis": [d.strftime("%d.%m.%Y") for d in verlauf["datum"]],
                            kz.label("ziel_kumuliert"): verlauf["kumuliert"],
                            kz.label("ziel_linie"): [int(zs.runden(e))
                                                     for e in verlauf["erwartet"]]})
    anteil = zs.prozent_text(zeile.hochrechnung_anteil, schwellen=(1,),
                             id="ziel_hochrechnung_anteil")
    st.markdown(f"{zs.DEFINITIONEN[zeile.kennzahl]} **Hochrechnung** zum "
                f"{zeile.bis.strftime('%d.%m.%Y')}: {zs.zahl_text(zeile.hochrechnung)} "
                f"({anteil} des Ziels) "
                "– eine Schätzung aus dem bisherigen Tempo.")
    satz = zf.verlauf(kz.label("ziel_kumuliert"), tabelle["Quartal"],
                      tabelle[kz.label("ziel_kumuliert")], einzahl=True)
    if len(tabelle):
        satz += (f" {kz.label('ziel_linie')} im {zf.periode(tabelle['Quartal'].iloc[-1])}: "
                 f"{kz.zahl(tabelle[kz.label('ziel_linie')].iloc[-1])}.")
    ui.chart_block(cz.verlauf_chart(verlauf, zeile), tabelle, f"Zielverlauf {zeile.label}",
                   key=f"{key}_verlauf", filt=filt, zusammenfassung=satz)
    return stand
