"""Leerstand: figures at the reference date, vacancy map, finding premises, requests meet
offers, stock per district."""
import datetime as dt

import pandas as pd
import streamlit as st

from biwaq.app import charts_oekonomie as ch
from biwaq.app import auth, kartenserver, ui
from biwaq.einlesen import geo
from biwaq.speicher import importer
from biwaq.zahlen import kennzahlen as kz
from biwaq.zahlen import oekonomie as oek
from biwaq.zahlen import zusammenfassung as zf
from biwaq.einlesen.contract import LEERSTAND_ARTEN, LEERSTAND_STATUS, QUARTIERE

FLAECHEN_STUFEN = [0, 50, 100, 200, 500, 1000, 2500, 5000, 10_000, 25_000, float("inf")]

filt = ui.page_header(
    "Leerstand",
    "Leerstehende Läden, Gewerbeeinheiten, Büros und Brachflächen in den Programmgebieten: "
    "wo sie liegen, wie lange sie leer stehen und wie viele wieder genutzt werden.")
st.caption("Es gelten **Quartier** und **Zeitraum** der Seitenleiste. "
           + oek.nicht_anwendbar_text(filt)
           + " – Leerstände haben weder Träger noch Zielgruppe.")


def flaeche_text(x: float) -> str:
    return "unbegrenzt" if x == float("inf") else f"{ui.fmt_int(x)} m²"


# --- Page filters --------------------------------------------------------------------------

optionen = ui.query("oek_leerstand_optionen", quartier=None)
if optionen.empty:
    ui.empty_message()
    st.stop()
erst = pd.Timestamp(optionen["leer_seit_min"].iloc[0]).date()
letzt = max(pd.Timestamp(optionen["leer_seit_max"].iloc[0]).date(), erst + dt.timedelta(days=1))

with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    arten = c1.multiselect("Art", LEERSTAND_ARTEN, key="leer_art", placeholder="alle Arten")
    status = c2.multiselect("Status am Stichtag", LEERSTAND_STATUS, key="leer_status",
                            placeholder="alle")
    stadtteile = c3.multiselect("Stadtteil", list(optionen["stadtteil"]), key="leer_stadtteil",
                                placeholder="alle Stadtteile")
    c4, c5 = st.columns(2)
    flaeche = c4.select_slider("Fläche", FLAECHEN_STUFEN, value=(0, float("inf")),
                               format_func=flaeche_text, key="leer_flaeche")
    leer_seit = c5.slider("leer seit", min_value=erst, max_value=letzt, value=(erst, letzt),
                          format="MM.YYYY", key="leer_seit")

seite = dict(arten=oek.liste_oder_none(arten), status=oek.liste_oder_none(status),
             stadtteile=oek.liste_oder_none(stadtteile),
             flaeche_min=flaeche[0] or None,
             flaeche_max=None if flaeche[1] == float("inf") else flaeche[1],
             leer_von=leer_seit[0] if leer_seit[0] > erst else None,
             leer_bis=leer_seit[1] if leer_seit[1] < letzt else None)
seitenfilter = []
if arten:
    seitenfilter.append("Art: " + ", ".join(arten))
if status:
    seitenfilter.append("Status am Stichtag: " + ", ".join(status))
if stadtteile:
    seitenfilter.append("Stadtteil: " + ", ".join(stadtteile))
if seite["flaeche_min"] or seite["flaeche_max"]:
    seitenfilter.append(f"Fläche: {flaeche_text(flaeche[0])} bis {flaeche_text(flaeche[1])}")
if seite["leer_von"] or seite["leer_bis"]:
    seitenfilter.append("leer seit: " + leer_seit[0].strftime("%m.%Y") + " bis "
                        + leer_seit[1].strftime("%m.%Y"))
geltung = oek.Geltung(filt, seitenfilter=tuple(seitenfilter))

# figures and map counts in DuckDB; the page reads the rows it draws (issue 14)
zahlen = ui.query("oek_leerstand_zahlen", **filt.params(), **seite)
werte = oek.leerstand_kennzahlen_gezaehlt(zahlen)
anzahl_objekte = int(zahlen["objekte"].iloc[0]) if len(zahlen) else 0


def _objekte_voll(params: dict) -> pd.DataFrame:
    """The table behind the map with every object (for the downloads, read when a download
    button is pressed)."""
    return oek.leerstand_tabelle(ui.query("oek_leerstand_objekte", **params))
stichtag_text = oek.datum_text(oek.stichtag(filt.bis, ui.meta().get("datenstand")))

# --- Figures -------------------------------------------------------------------------------

hilfe = (f"Stichtag {stichtag_text}: das Ende des gewählten Zeitraums, höchstens der "
         "Datenstand. Leer = am Stichtag noch nicht wiederbelegt (auch in Vermarktung oder "
         "Zwischennutzung).")
k1, k2, k3, k4 = st.columns(4)
ui.metric(k1, "leerstehend_stichtag", werte["einheiten"], hilfe=hilfe)
ui.metric(k2, "leerstehende_flaeche", werte["flaeche_m2"], hilfe=hilfe)
ui.metric(k3, "median_leerstandsdauer", werte["median_monate"],
          hilfe="Halbe der am Stichtag leerstehenden Objekte steht kürzer, halbe länger leer "
               "(gezählt ab „leer seit“ bis zum Stichtag).")
ui.metric(k4, "wiederbelegt_zeitraum", werte["wiederbelegt"])
st.caption(f"Stichtag: {stichtag_text} (Ende des Zeitraums, höchstens Datenstand). "
           "Gezeigt werden Objekte, die im Zeitraum mindestens einen Tag leer standen. "
           + oek.nicht_anwendbar_text(filt) + ".")

# --- Map (drawn below, once the search of "Räume finden" is known) --------------------------

st.header("Karte")
st.markdown(f"**Status am Stichtag {stichtag_text}** – "
            + ("Quartier " + filt.quartier if filt.quartier else "beide Quartiere") + ".")
st.caption(oek.STATUS_STICHTAG_TEXT)
karte_platz = st.container()

# --- Finding premises ---------------------------------------------------------------------

st.header("Räume finden")
st.markdown("Für Gründerinnen und Gründer: Objekte, die am Datenstand nicht wiederbelegt sind. "
            "**Verfügbar** heißt leer oder in Vermarktung; zwischengenutzte Objekte lassen "
            "sich dazuwählen. Die Treffer sind auf der Karte schwarz umrandet.")
gebiete = [ui.BEIDE, *QUARTIERE]
alle_stadtteile = [s for s in optionen["stadtteil"]]
with st.form("leer_raeume_form", border=True):
    f1, f2, f3, f4 = st.columns([2, 1.4, 1, 1])     # room for two status tags at 1024 px
    r_status = f1.multiselect("Status", oek.RAUM_STATUS, default=list(oek.VERFUEGBAR),
                              key="leer_raeume_status", placeholder="verfügbar")
    r_arten = f2.multiselect("Art", LEERSTAND_ARTEN, key="leer_raeume_art",
                             placeholder="alle Arten")
    r_von = f3.number_input("Fläche von (m²)", min_value=0, value=0, step=10,
                            key="leer_raeume_von")
    r_bis = f4.number_input("Fläche bis (m²)", min_value=0, value=None, step=10,
                            key="leer_raeume_bis", placeholder="unbegrenzt")
    f5, f6, f7 = st.columns([1, 1.6, 1.4])
    r_gebiet = f5.selectbox("Programmgebiet", gebiete, key="leer_raeume_gebiet",
                            index=gebiete.index(filt.quartier or ui.BEIDE))
    r_stadtteile = f6.multiselect("Stadtteil", alle_stadtteile, key="leer_raeume_stadtteil",
                                  placeholder="alle Stadtteile")
    r_sort = f7.radio("Sortierung", list(oek.RAUM_SORTIERUNG), key="leer_raeume_sortierung",
                      format_func=oek.RAUM_SORTIERUNG.get)
    if st.form_submit_button("Räume suchen", icon=":material/search:", key="leer_raeume_suchen"):
        st.session_state["leer_raeume_gesucht"] = True
raeume = None          # the hits the page shows or rings on the map (issue 14)
treffer = 0            # the number of all hits
if r_bis is not None and r_bis < r_von:
    st.warning("„Fläche bis“ ist kleiner als „Fläche von“ – bitte die Spanne prüfen.")
else:
    status_gewaehlt = list(r_status) or list(oek.VERFUEGBAR)
    raum_params = dict(raum_status=status_gewaehlt, raum_arten=oek.liste_oder_none(r_arten),
                       raum_min=r_von or None, raum_max=r_bis,
                       raum_quartier=None if r_gebiet == ui.BEIDE else r_gebiet,
                       raum_stadtteile=oek.liste_oder_none(r_stadtteile),
                       raum_sortierung=r_sort)
    # the hits ringed on the map only once a search was made
    raeume = ui.query("oek_leerstand_raeume_erste", **raum_params,
                      zeilen=oek.RAEUME_MAX_ZEILEN,
                      punkte=oek.KARTE_MAX_PUNKTE
                      if st.session_state.get("leer_raeume_gesucht") else 0)
    treffer = int(raeume["treffer"].iloc[0]) if len(raeume) else 0
    suche = oek.raeume_suche_text(status_gewaehlt, r_arten, r_von, r_bis, r_gebiet,
                                  r_stadtteile, r_sort, ui.datenstand_text())
    if raeume.empty:
        st.info("Kein Objekt passt zu dieser Suche. Bitte die Flächenspanne weiter fassen "
                "oder weitere Arten oder Status wählen.", icon=":material/search_off:")
    else:
        st.markdown(f"**{kz.label('raeume_treffer')}: {kz.fmt('raeume_treffer', treffer)}**"
                    f" · {suche}")
        tabelle = oek.raeume_tabelle(raeume[raeume["in_liste"]].reset_index(drop=True))
        if treffer > oek.RAEUME_MAX_ZEILEN:
            st.caption(f"Gezeigt werden die ersten {ui.fmt_int(oek.RAEUME_MAX_ZEILEN)} von "
                       f"{ui.fmt_int(treffer)} Treffern; alle stehen in den Downloads.")
        ui.tabelle(tabelle, key="leer_raeume_tabelle",
                   bildschirm=["Adresse", "Stadtteil", "Art", "Fläche (m²)", "Status"])
        ui.download_buttons(
            lambda p=raum_params: oek.raeume_tabelle(ui.query("oek_leerstand_raeume", **p)),
            "Räume finden", "leer_raeume", oek.Text(suche))

gesucht = bool(st.session_state.get("leer_raeume_gesucht")) and raeume is not None
with karte_platz:
    umrisse_df = ui.query("oek_stadtteil_umrisse")
    umrisse = geo.districts_from_store(umrisse_df) if len(umrisse_df) else None
    optionen_hg = list(ch.HINTERGRUENDE)
    hintergrund = st.radio("Kartenhintergrund", optionen_hg, horizontal=True, key="leer_karte",
                           index=optionen_hg.index(ch.hintergrund_standard()),
                           format_func=ch.HINTERGRUND_NAMEN.get)
    strassenkarte = False
    if hintergrund == "osm":
        erreichbar = kartenserver.erreichbar(ch.KACHEL_PROBE, key="leer_kartenserver")
        strassenkarte = erreichbar is True
        if erreichbar is False:
            st.warning("**Die Straßenkarte lässt sich nicht laden** (keine Verbindung zum "
                       "Kartenserver – offline oder gesperrt). Die Karte zeigt Stadtteile, "
                       "Namen und Objekte ohne Hintergrund.", icon=":material/wifi_off:")
        elif erreichbar is None:
            st.caption("Die Verbindung zum Kartenserver wird geprüft – bis dahin ohne "
                       "Hintergrundkarte.")
    if umrisse is not None and umrisse["schematisch"].all():
        st.info("Die Stadtteilumrisse sind **schematisch** (Flächen um die Stadtteilmitte in "
                "ungefährer Größe), keine amtlichen Grenzen. Echte Grenzen lassen sich unten "
                "unter „Stadtteilgrenzen laden“ einspielen.", icon=":material/info:")
    elif umrisse is None:
        st.info("Es sind keine Stadtteilumrisse geladen; die Karte zeigt nur die Objekte.",
                icon=":material/info:")
    if anzahl_objekte == 0:
        ui.empty_message()
    else:
        # the largest KARTE_MAX_PUNKTE objects: drawn on the map and listed in its table
        auf_karte = ui.query("oek_leerstand_karte", **filt.params(), **seite,
                             zeilen=oek.KARTE_MAX_PUNKTE)
        treffer_karte = None
        if gesucht:
            treffer_karte = raeume[raeume["auf_karte"]]
            if treffer > oek.KARTE_MAX_PUNKTE:      # the largest, in the order of karte_auswahl
                treffer_karte = treffer_karte.sort_values(
                    ["flaeche_m2", "objekt_id"], ascending=[False, True], na_position="last")
        lt = oek.leerstand_tabelle(auf_karte)
        ui.chart_block_de(ch.leerstand_karte(auf_karte, umrisse,
                                             "osm" if strassenkarte else "ohne",
                                             quartier=filt.quartier,
                                             treffer=treffer_karte),
                          lt, "Leerstände und Brachflächen",
                          key="leer_karte_block", filt=geltung,
                          stellen={"Breite": 6, "Länge": 6},
                          bildschirm=["Objekt", "Adresse", "Art", "Fläche (m²)", "leer seit",
                                      "Status am Stichtag"],
                          zusammenfassung=zf.anzahlen(
                              f"Die Karte zeigt {kz.zahl(anzahl_objekte)} Objekte; Status am "
                              "Stichtag", zahlen["status_stichtag"], zahlen["anzahl"]),
                          download=lambda p={**filt.params(), **seite}: _objekte_voll(p),
                          hinweis=(f"Gezeigt werden die {ui.fmt_int(len(lt))} größten von "
                                   f"{ui.fmt_int(anzahl_objekte)} Objekten (die Punkte der "
                                   "Karte); alle stehen in den Downloads."
                                   if anzahl_objekte > len(lt) else None))
        st.caption("Farbe und Muster: Status am Stichtag (siehe Legende) · Punktgröße: "
                   "Fläche, logarithmisch (35 m² klein … 25.000 m² groß)"
                   + (f" · schwarzer Ring: {kz.label('raeume_treffer')} "
                      f"({kz.fmt('raeume_treffer', treffer)})" if gesucht else "")
                   + " · Punkt anfahren oder antippen zeigt Adresse, "
                   "Art, Fläche, Status, „frei seit“, Eigentümer und Nachnutzung."
                   + (" Kartenhintergrund © OpenStreetMap-Mitwirkende."
                      if strassenkarte else ""))
        for teil, alle, was in ((auf_karte, anzahl_objekte, "Objekten"),
                                (treffer_karte, treffer, "Treffern aus „Räume finden“")):
            if teil is not None and oek.karte_hinweis(len(teil), alle, was):
                st.caption(oek.karte_hinweis(len(teil), alle, was))

# --- Requests meet offers -------------------------------------------------------------------

def _gesuche_voll(quartier: str | None) -> pd.DataFrame:
    """The open requests' table with the units named for every request (for the downloads,
    read when a download button is pressed)."""
    passend = ui.query("oek_raumgesuche_passend", quartier=quartier, k=oek.GESUCHE_K)
    gesuche = oek.mit_passenden_anzahl(ui.query("oek_raumgesuche", quartier=quartier), passend)
    return oek.gesuche_tabelle_gezaehlt(gesuche, passend)


def _angebote_voll(quartier: str | None) -> pd.DataFrame:
    """The units' table with the requests named for every unit (for the downloads, read
    when a download button is pressed)."""
    return oek.angebote_tabelle_gezaehlt(ui.query("oek_raumgesuche_angebote",
                                                  quartier=quartier, k=oek.GESUCHE_K))


st.header("Gesuche und Angebote")
# counts in DuckDB; the tables receive the rows they show (issue 14)
gz = ui.query("oek_raumgesuche_zahlen", quartier=filt.quartier, von=filt.von,
              bis=filt.bis).iloc[0]
if gz["gesuche"] == 0:
    st.info("Es sind keine Raumgesuche erfasst. Gesuche lassen sich als Tabelle "
            "`raumgesuche` auf der Seite „Daten“ einspielen (siehe Datenvertrag).",
            icon=":material/info:")
else:
    g1, g2, g3 = st.columns(3)
    ui.metric(g1, "gesuche_offen", int(gz["offen"]))
    ui.metric(g2, "gesuche_mit_passendem", int(gz["mit_passendem"]))
    ui.metric(g3, "gesuche_vermittelt", int(gz["vermittelt"]))
    st.caption("Passend: gleiche Art, Fläche in der gesuchten Spanne (eine leere Grenze ist "
               "offen), im gesuchten Quartier (leer = beide); verfügbar = leer oder in "
               "Vermarktung, Stand: Datenstand. Quartier der Seitenleiste: Gesuche für dieses "
               "oder beide Quartiere, Objekte in diesem Quartier.")
    st.caption(f"Je Zeile nennt die Tabelle die ersten {oek.GESUCHE_NAMEN_BILDSCHIRM} "
               f"passenden Objekte bzw. Gesuche, die Downloads bis zu {oek.GESUCHE_K}.")
    geltung_gesuche = oek.Text("Quartier: " + (filt.quartier or "beide")
                               + " · offene Gesuche und verfügbare Objekte am Datenstand")
    t1, t2 = st.tabs(["Offene Gesuche mit passenden Objekten", "Objekte mit passenden Gesuchen"])
    with t1:
        erste = ui.query("oek_raumgesuche_erste", quartier=filt.quartier, k=oek.GESUCHE_K,
                         zeilen=oek.GESUCHE_MAX_ZEILEN)
        tab_g = oek.gesuche_tabelle_gezaehlt(erste, erste, namen=oek.GESUCHE_NAMEN_BILDSCHIRM)
        if tab_g.empty:
            st.info("Kein offenes Gesuch.", icon=":material/info:")
        else:
            if gz["offen"] > len(tab_g):
                st.caption(f"Gezeigt werden die ersten {ui.fmt_int(len(tab_g))} "
                           f"von {ui.fmt_int(gz['offen'])} offenen Gesuchen; alle stehen in "
                           "den Downloads.")
            ui.tabelle(tab_g, key="leer_gesuche_tabelle",
                       bildschirm=["Gesuch", "Art", "Fläche gesucht",
                                   kz.label("passende_objekte"), "Objekte"], umbruch=("Objekte",))
            ui.download_buttons(lambda q=filt.quartier: _gesuche_voll(q),
                                "Offene Raumgesuche", "leer_gesuche", geltung_gesuche)
    with t2:
        angebote = ui.query("oek_raumgesuche_angebote_seite", quartier=filt.quartier,
                            k=oek.GESUCHE_K, zeilen=oek.GESUCHE_MAX_ZEILEN)
        tab_a = oek.angebote_tabelle_gezaehlt(angebote, namen=oek.GESUCHE_NAMEN_BILDSCHIRM)
        if tab_a.empty:
            st.info("Kein verfügbares Objekt passt zu einem offenen Gesuch.",
                    icon=":material/info:")
        else:
            alle = int(angebote["alle"].iloc[0])
            if alle > len(tab_a):
                st.caption(f"Gezeigt werden die ersten {ui.fmt_int(len(tab_a))} "
                           f"von {ui.fmt_int(alle)} Objekten; alle stehen in den "
                           "Downloads.")
            ui.tabelle(tab_a, key="leer_angebote_tabelle",
                       bildschirm=["Adresse", "Art", "Fläche (m²)", kz.label("passende_gesuche"),
                                   "Gesuche"], umbruch=("Gesuche",))
            ui.download_buttons(lambda q=filt.quartier: _angebote_voll(q),
                                "Objekte mit passenden Gesuchen", "leer_angebote",
                                geltung_gesuche)

# --- Stock per district over time ---------------------------------------------------------

st.header("Leerstand je Stadtteil im Zeitverlauf")
mass = st.radio("Maß", ["einheiten", "flaeche_m2"], horizontal=True, key="leer_verlauf_mass",
                format_func={"einheiten": "Einheiten", "flaeche_m2": "Fläche (m²)"}.get)
verlauf = ui.query("oek_leerstand_verlauf", **filt.params(), **seite)
if verlauf.empty or verlauf[mass].sum() == 0:
    ui.empty_message()
else:
    vt = oek.verlauf_tabelle(verlauf, mass)
    ui.chart_block_de(ch.leerstand_verlauf_chart(verlauf, mass), vt, "Leerstand je Stadtteil",
                      key="leer_verlauf", filt=geltung,
                      zusammenfassung=zf.verlauf(
                          "Leerstand in allen Stadtteilen zusammen ("
                          + ("Einheiten" if mass == "einheiten" else "Fläche in m²") + ")",
                          vt["Quartal"], vt.select_dtypes("number").sum(axis=1), einzahl=True))

# --- Position check and district geodata ---------------------------------------------------

st.header("Lage der Objekte")
lage = ui.query("oek_leerstand_lage")
meta = ui.meta()
if umrisse is None:
    st.caption("Ohne Stadtteilumrisse lässt sich die Lage der Objekte nicht prüfen.")
elif lage.empty:
    st.success("Alle Objekte liegen in ihrem Stadtteil laut Umrissen"
               + (f" ({meta['geodaten']})" if meta.get("geodaten") else "") + ". Objekte "
               "ohne Stadtteilangabe erhalten den Stadtteil ihrer Lage.",
               icon=":material/where_to_vote:")
else:
    st.warning(f"{ui.fmt_int(len(lage))} Objekt(e) passen nicht zu den Stadtteilumrissen. Sie "
               "bleiben in allen Zahlen enthalten (mit ihrem angegebenen Stadtteil oder "
               "„ohne Angabe“) – "
               + ("die Stadtteilumrisse wurden beim Laden repariert (Hinweise unter "
                  "„Stadtteilgrenzen laden“): bitte zuerst die Umrisse prüfen, dann Koordinaten "
                  "oder Stadtteil." if meta.get("geodaten_hinweise")
                  else "bitte Koordinaten oder Stadtteil prüfen."),
               icon=":material/wrong_location:")
    ui.tabelle(lage[["objekt_id", "adresse", "quartier", "stadtteil_angabe", "lat", "lon",
                     "hinweis"]].rename(columns={
                         "objekt_id": "Objekt", "adresse": "Adresse", "quartier": "Quartier",
                         "stadtteil_angabe": "Stadtteil (Angabe)", "lat": "Breite",
                         "lon": "Länge", "hinweis": "Hinweis"}),
               key="leer_lage_tabelle", stellen={"Breite": 6, "Länge": 6}, umbruch=("Hinweis",))

meldung = st.session_state.pop("leer_geo_meldung", None)
if meldung:
    st.success(meldung[0], icon=":material/check_circle:")
    for hinweis in meldung[1]:
        st.warning(hinweis, icon=":material/warning:")
nutzer = auth.aktueller_nutzer()
if nutzer.rolle == importer.ROLLE_GEODATEN:     # the write itself checks the role again
    with st.expander("Stadtteilgrenzen laden (Geodaten der Stadt)",
                     icon=":material/upload_file:"):
        st.markdown(
            "Eine Datei mit den Stadtteilflächen und dem Attribut **`stadtteil`**, in "
            "beliebigem Koordinatensystem (wird für die Karte nach WGS84 und für Flächen nach "
            "ETRS89/UTM 32N umgerechnet): **GeoJSON** oder **GeoPackage** direkt, ein "
            "**Shapefile** als **ZIP** mit allen Teildateien (.shp, .shx, .dbf, .prj, .cpg). "
            "Die Umrisse ersetzen die bisherigen; Objekte ohne Stadtteil erhalten ihn aus ihrer "
            "Lage. Bei einem Fehler bleibt alles, wie es ist. Das Ersetzen steht wie ein Import "
            "im Importprotokoll (Seite „Daten“), vorher wird die Datenbank gesichert.")
        if meta.get("geodaten"):
            st.caption(f"Geladen: {meta['geodaten']}"
                       + (f" am {pd.Timestamp(meta['geodaten_geladen']).strftime('%d.%m.%Y %H:%M')}"
                          if meta.get("geodaten_geladen") else ""))
        for hinweis in filter(None, meta.get("geodaten_hinweise", "").split("\n")):
            st.warning(hinweis, icon=":material/healing:")
        datei = st.file_uploader("Geodaten-Datei", type=list(geo.UPLOAD_ENDUNGEN) + ["shp"],
                                 key="leer_geo_upload", max_upload_size=50)
        if datei is not None and st.button("Umrisse übernehmen", key="leer_geo_uebernehmen",
                                           icon=":material/check:"):
            erg = importer.importiere_geodaten(datei.name, datei.getvalue(), wer=ui.wer(),
                                               rolle=auth.aktueller_nutzer().rolle)
            if not erg.ok:
                text = " ".join(str(f) for f in erg.fehler)
                st.error(text if "nichts geändert" in text else text + " Es wurde nichts "
                         "geändert.", icon=":material/error:")
            else:
                [e] = erg.eintraege
                st.session_state["leer_geo_meldung"] = (
                    f"{e.zeilen} Stadtteilumrisse aus {datei.name} übernommen "
                    f"(Import Nr. {erg.import_nr}: {e.eingefuegt} neu, {e.aktualisiert} "
                    "geändert).", [str(w) for w in erg.warnungen])
                st.rerun()
