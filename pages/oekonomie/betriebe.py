"""Betriebe: young businesses advised, consultations, stabilisation (survival), placements."""
import streamlit as st

from biwaq.app import auth, ui
from biwaq.oeffentlich import published, rollenschutz
from biwaq.app import charts_oekonomie as ch
from biwaq.zahlen import kennzahlen as kz
from biwaq.zahlen import oekonomie as oek
from biwaq.zahlen import zusammenfassung as zf
from biwaq.zahlen.texte import anzahl

filt = ui.page_header(
    "Betriebe",
    "Junge Betriebe in den Programmgebieten – auch der Migrantenökonomie –, die das Projekt "
    "vor und nach der Gründung berät: wer beraten wird, wie, ob die Betriebe sich halten und "
    "welche Betriebe Teilnehmende einstellen.")
st.caption("Für Betriebe und Beratungen gelten **Quartier** (Sitz des Betriebs) und "
           "**Zeitraum** (mindestens eine Beratung im Zeitraum). "
           + oek.nicht_anwendbar_text(filt)
           + (" – außer bei „Vermittlungen in lokale Betriebe“ unten, wo Träger und Zielgruppe "
              "für die vermittelten Teilnehmenden gelten."
              if rollenschutz.voll_sichtbar(auth.aktueller_nutzer().rolle) else "."))

branchen_alle = list(ui.query("oek_betriebe_optionen")["branche"])
branchen = st.multiselect("Branche", branchen_alle, key="betr_branche",
                          placeholder="alle Branchen")
seite = dict(branchen=oek.liste_oder_none(branchen))
seitenfilter = ("Branche: " + ", ".join(branchen),) if branchen else ()
geltung = oek.Geltung(filt, seitenfilter=seitenfilter, quartier_text="Quartier (Sitz)")



@st.cache_data(show_spinner=False, max_entries=20)
def _auswertung(stamp: tuple, params: tuple) -> dict | None:
    """Everything this page draws about advised businesses, worked out once per database
    version and filter: a rerun (a radio button, a tab) only draws. The database counts
    (per group, per sector, per day of the survival curves): a few hundred rows instead of
    one per business, 136,000 at scale 1000 (issue 14). None when no business was advised."""
    p = dict(params)
    return oek.betriebe_auswertung(lambda name: ui.query(name, **p))


aw = _auswertung(ui.db_stamp(), tuple(sorted({**filt.params(), **seite}.items(),
                                             key=lambda kv: kv[0])))
stichtag = oek.stichtag(filt.bis, ui.meta().get("datenstand"))

# --- Headline figures ----------------------------------------------------------------------

if aw is None:
    ui.empty_message()
else:
    u, kennz = aw["u"], aw["kennz"]
    alle = kennz[(kennz["Gruppe"] == oek.ALLE) & (kennz["Beginn"] == "seit Gründung")].iloc[0]
    aktiv = aw["aktiv"]
    # two rows of key figures, so that no label is cut off (issue 15)
    k1, k2, k3 = st.columns(3)
    k4, k5, _ = st.columns(3)
    ui.metric(k1, "beratene_betriebe", aw["betriebe"])
    ui.metric(k2, "beratene_migrantenoekonomie", aw["migrantenoekonomie"])
    ui.metric(k3, "beratungen_zeitraum", aw["beratungen"])
    ui.metric(k4, "aktiv_am_stichtag", aktiv,
              hilfe=kz.get("aktiv_am_stichtag").definition
              + f" Stichtag: {oek.datum_text(stichtag)}.")
    basis_24 = int(alle["unter Beobachtung 24 Mon."])
    zu_wenige = kz.unter_mindestbasis("aktiv_24_gruendung", basis_24)
    ui.metric(k5, "aktiv_24_gruendung", None if zu_wenige else alle["aktiv nach 24 Mon."])
    k5.caption(f"Basis: {kz.zahl(basis_24)} Betriebe nach 24 Monaten noch unter Beobachtung"
               + (f" – {kz.grund('aktiv_24_gruendung', basis_24)}" if zu_wenige else ""))

    # --- Who is advised ------------------------------------------------------------------
    st.header("Beratene Betriebe")
    dim = st.radio("Gliederung", list(oek.DIMENSIONEN), horizontal=True, key="betr_gliederung",
                   format_func=oek.DIMENSIONEN.get)
    tab = aw["nach"][dim]
    ui.chart_block_de(ch.betriebe_chart(tab, oek.DIMENSIONEN[dim]), tab,
                   f"Beratene Betriebe nach {oek.DIMENSIONEN[dim]}", key="betr_nach",
                   filt=geltung, roh=("Gründungsjahr",),
                   zusammenfassung=zf.rangfolge(f"Beratene Betriebe nach {oek.DIMENSIONEN[dim]}",
                                                tab.iloc[:, 0], tab["Gesamt"]))

    # --- Consultations -------------------------------------------------------------------
    st.header("Beratungen nach Format und Thema")
    nach = st.radio("Aufteilung", ["format", "thema"], horizontal=True, key="betr_beratung_nach",
                    format_func={"format": "Format", "thema": "Thema"}.get)
    verlauf = ui.query("oek_beratungen_verlauf", **filt.params(), **seite)
    tab = oek.beratungen_tabelle(verlauf, nach, filt.von, filt.bis)
    ui.chart_block_de(ch.beratungen_chart(tab, nach), tab,
                   "Beratungen je Quartal nach " + ("Format" if nach == "format" else "Thema"),
                   key="betr_beratungen", filt=geltung,
                   zusammenfassung=zf.verlauf("Beratungen je Quartal", tab["Quartal"],
                                              tab.select_dtypes("number").sum(axis=1)))

    # --- Stabilisation -------------------------------------------------------------------
    st.header("Stabilisierung")
    # In plain words first (issue 12): simple counts of businesses whose fate is known.
    saetze = aw["saetze"]
    st.markdown("\n".join(f"- {x.satz()}" for x in saetze))
    st.caption(oek.STABIL_HINWEIS)
    st.markdown(
        "Die Kurve darunter **schätzt** denselben Anteil auch aus Betrieben, die erst kürzer "
        "beobachtet werden (am Stichtag noch aktiv: sie zählen bis dahin mit, Striche in der "
        "Kurve) – für alle, die es genauer wissen wollen. "
        "**Seit Gründung** zählt ein Betrieb erst ab seiner ersten Beratung mit (verzögerter "
        "Eintritt): Betriebe, die vorher schlossen, hat das Projekt nie gesehen. **Seit erster "
        "Beratung** beginnt bei Vorgründungsberatung mit der Gründung. Eine Schließung am Tag "
        "der ersten Beratung zählt mit. Schattiert: 95-%-Vertrauensbereich.")
    with st.expander("Methodik (für Statistikerinnen und Statistiker)"):
        st.markdown(oek.METHODIK_UEBERLEBEN)
    ut = oek.ueberleben_tabelle(u)
    ut24 = ut[(ut["Beginn"] == oek.URSPRUENGE["gruendung"]) & (ut["Monate"] == 24)]
    ui.chart_block_de(ch.ueberleben_chart(u), ut,
                   "Stabilisierung beratener Betriebe", key="betr_ueberleben", filt=geltung,
                   prozent=(kz.label("km_anteil_aktiv"), kz.label("km_ki_unten"),
                            kz.label("km_ki_oben")),
                   zusammenfassung=zf.aufzaehlung(
                       "Geschätzt noch aktiv 24 Monate nach der Gründung",
                       [f"{g} {kz.fmt('km_anteil_aktiv', a, basis=n)}" for g, a, n in
                        zip(ut24["Gruppe"], ut24[kz.label("km_anteil_aktiv")],
                            ut24[kz.label("unter_beobachtung")])]))
    ueberleben = oek.ueberleben_anzeige(kennz)
    ui.tabelle(ueberleben, key="betr_ueberleben_kennzahlen",
               bildschirm=[c for c in ueberleben.columns if c != kz.label("km_schliessungen")],
               umbruch=(kz.label("km_aktiv_ki"), "Gruppe", "Beginn"), column_config={
                   "nach Monaten": st.column_config.NumberColumn(
                       "Monate", help="nach Monaten: 12 bzw. 24 Monate nach dem Beginn")})
    ui.download_buttons(ueberleben, "Stabilisierung nach 12 und 24 Monaten",
                        "betr_ueberleben_kennzahlen", geltung)
    aus = {k: sum(v.values()) for k, v in u.ausgeschlossen.items()}
    st.caption("KI: 95-%-Vertrauensbereich. „unter Beobachtung“: Betriebe, die zu diesem "
               "Zeitpunkt noch beobachtet werden (Grundlage der Schätzung; unter etwa 10 ist der "
               f"Wert unsicher, unter {kz.get('km_aktiv_ki').mindestbasis} steht „–“). „–“ "
               "ohne Grund: so lange ist noch kein Betrieb beobachtet."
               + (f" Nicht auswertbar: {aus['gruendung']} Betrieb(e) (geschlossen ohne "
                  "Schließungsdatum oder ohne Beobachtungszeit)." if aus["gruendung"] else ""))

    # --- Employees -----------------------------------------------------------------------
    st.header("Beschäftigte")
    st.info("Einen Verlauf der Beschäftigtenzahl über die Zeit gibt es nicht: der Datenvertrag "
            "enthält je Betrieb nur die **aktuelle** Zahl (Spalte „beschaeftigte“). Gezeigt "
            "wird dieser heutige Stand der noch aktiven beratenen Betriebe; der Zeitraum "
            "bestimmt nur, welche Betriebe zählen.", icon=":material/info:")
    tab = aw["beschaeftigte"]
    if tab.empty:
        ui.empty_message()
    else:
        ohne = int(tab[kz.label("aktive_betriebe")].sum() - tab[kz.label("mit_angabe")].sum())
        ui.chart_block_de(ch.beschaeftigte_chart(tab), tab, "Beschäftigte beratener Betriebe",
                       key="betr_beschaeftigte", filt=geltung,
                       zusammenfassung=zf.rangfolge("Beschäftigte nach Branche", tab["Branche"],
                                                    tab[kz.label("beschaeftigte")]))
        st.caption(f"{ui.fmt_int(tab[kz.label('beschaeftigte')].sum())} Beschäftigte in "
                   f"{anzahl(tab[kz.label('mit_angabe')].sum(), 'aktiven Betrieb', 'aktiven Betrieben')}"
                   " mit Angabe"
                   + (f"; bei {anzahl(ohne, 'aktiven Betrieb', 'aktiven Betrieben')} fehlt die "
                      "Zahl (nicht als 0 gezählt)." if ohne else "."))

# --- Placements into local firms ----------------------------------------------------------

st.header("Vermittlungen in lokale Betriebe")
if rollenschutz.voll_sichtbar(auth.aktueller_nutzer().rolle):
    st.caption("Hier gelten **alle Filter**: Träger und Zielgruppe für die vermittelten "
               "Teilnehmenden, Quartier für den Sitz des Betriebs, Zeitraum für den Beginn der "
               "Vermittlung.")
    platz = ui.query("oek_vermittlungen_betriebe", **filt.params(), **seite)
    if platz.empty:
        ui.empty_message()
    else:
        p1, p2, p3 = st.columns(3)
        ui.metric(p1, "vermittlungen_lokale_betriebe", platz["vermittlungen"].sum())
        ui.metric(p2, "einstellende_betriebe", len(platz))
        ui.metric(p3, "einstellende_beraten", platz["beraten"].sum())
        if filt.zielgruppe:
            platz = oek.vermittlungen_zusammenfassen(platz)
            st.caption("Mit gewählter Zielgruppe sind Betriebe mit 1 oder 2 Vermittlungen zu "
                       "einer Zeile zusammengefasst: sonst wäre erkennbar, wer im Betrieb zur "
                       "Zielgruppe gehört.")
        vt = oek.vermittlungen_tabelle(platz)
        ui.chart_block_de(ch.vermittlungen_chart(platz), vt,
                          "Vermittlungen in lokale Betriebe", key="betr_vermittlungen",
                          zusammenfassung=zf.rangfolge(
                              "Vermittlungen je Betrieb", vt["Betrieb"],
                              vt[kz.label("vermittlungen")]),
                          filt=oek.Geltung(filt, traeger_zielgruppe=True,
                                           seitenfilter=seitenfilter,
                                           quartier_text="Quartier (Sitz des Betriebs)"))
else:
    # Other roles: no participant filters, counts per Quartier and per business with at
    # least 3 placements, small counts suppressed like the public figures (rollenschutz).
    st.caption("Zum Schutz der Teilnehmenden gilt hier nur der **Zeitraum** (Beginn der "
               "Vermittlung): Träger, Zielgruppe und Branche gelten nicht. Betriebe mit weniger "
               "als 3 Vermittlungen sind nicht einzeln genannt; Zahlen unter 3 und Zahlen, aus "
               "denen sie sich ausrechnen ließen, stehen als `*`.")
    platz = ui.query("oek_vermittlungen_betriebe", quartier=None, traeger=None,
                     zielgruppe=None, von=filt.von, bis=filt.bis, branchen=None)
    tab = rollenschutz.vermittlungen_geschuetzt(platz)
    gewaehlt = filt.quartier or rollenschutz.INSGESAMT
    k = kz.get("vermittlungen_lokale_betriebe_geschuetzt")
    st.metric(k.label, published.zahl(rollenschutz.wert(tab, gewaehlt)), help=k.definition)
    zeigen = tab if not filt.quartier else tab[tab["Quartier"] == filt.quartier]
    zeigen = zeigen.assign(Vermittlungen=zeigen["Vermittlungen"].map(published.zahl)
                           ).drop(columns="gesperrt").rename(columns={"Vermittlungen": k.label})
    geltung = oek.Geltung(filt, quartier_text="Quartier (Sitz des Betriebs)")
    st.caption("Filter: " + geltung.beschreibung())
    ui.tabelle(zeigen, key="betr_vermittlungen_geschuetzt")
    ui.download_buttons(zeigen, "Vermittlungen in lokale Betriebe", "betr_vermittlungen",
                        geltung)
