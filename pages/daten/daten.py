"""Daten: load the project's real data (upload, check, all or nothing), import log, demo switch."""
import datetime as dt

import pandas as pd
import streamlit as st

from biwaq.zahlen.texte import anzahl
from biwaq.app import export, ui
from biwaq.speicher import importer
from biwaq.einlesen.contract import TABLES
from biwaq.einlesen.fileio import MAX_DATEI_MB

TITEL = {**{n: t.title for n, t in TABLES.items()}, "stadtteil_geo": "Stadtteilgrenzen (Geodaten)"}
ERGEBNIS_KEY = "daten_ergebnis"
ERGEBNIS_PROBELAUF = "Probelauf mit Fehlern (nichts gespeichert)"   # a refused dry run, logged
PROBE_KEY = "daten_probelauf"

ui.page_header(
    "Daten",
    "Hier werden die Exporte des Projekts (Datenvertrag: eine Datei je Tabelle, CSV oder Excel) "
    "geladen. Jede Lieferung wird vollständig geprüft; enthält sie einen Fehler, wird **nichts** "
    "gespeichert und jeder Fehler mit Datei, Zeile, Spalte und Wert genannt. Eine fehlerfreie "
    "Lieferung ergänzt oder ändert die Datensätze mit denselben Nummern.")
st.caption("Die Filter der Seitenleiste gelten auf dieser Seite nicht: Import und Protokoll "
           "betreffen immer den ganzen Datenbestand.")


# --- What the database holds ---------------------------------------------------------------

meta = ui.meta()
demo = meta.get("datenquelle") == "demo"
bestand = ui.query("daten_bestand")
st.header("Datenbestand")
if demo:
    st.info("Die Datenbank enthält **Demodaten**. Echte Daten werden nie mit ihnen gemischt: "
            "beim ersten Import werden die Demodaten nach Ihrer Bestätigung vollständig "
            "entfernt.", icon=":material/science:")
else:
    zuletzt = meta.get("letzter_import")
    st.success("Die Datenbank enthält echte Projektdaten"
               + (f" (letzter Import: {dt.datetime.fromisoformat(zuletzt):%d.%m.%Y %H:%M})"
                  if zuletzt else "") + ".", icon=":material/verified:")
tabelle = pd.DataFrame({
    "Tabelle": bestand["tabelle"].map(TITEL),
    "Datensätze": bestand["zeilen"].map(ui.fmt_int),
    "Stand": ["noch leer – Datei noch nicht geliefert" if n == 0 else
              "schematisch – amtliche Grenzen als Geodatei laden"
              if pd.notna(schema) and bool(schema) else "geladen"
              for n, schema in zip(bestand["zeilen"], bestand["schematisch"])],
})
st.dataframe(tabelle, hide_index=True, key="daten_bestand",
             column_config={"Stand": st.column_config.TextColumn(width="large")})

# --- Upload ----------------------------------------------------------------------------------

st.header("Dateien importieren")
st.markdown("Zwei Schritte: **Prüfen** zeigt im Probelauf, was der Import ändern würde – neue, "
            "geänderte (jedes Feld: bisher → neu) und unveränderte Datensätze und alle Hinweise; "
            "gespeichert wird dabei nichts. **Einspielen** speichert danach genau diese Lieferung.")
with st.form("daten_form", clear_on_submit=False, border=True):
    dateien = st.file_uploader(
        "Vertragsdateien (CSV oder XLSX; Stadtteilgrenzen als GeoJSON oder GeoPackage)",
        type=["csv", "xlsx", "geojson", "gpkg"], accept_multiple_files=True,
        max_upload_size=MAX_DATEI_MB, key="daten_upload",
        help=f"Höchstens {MAX_DATEI_MB} MB je Datei. Der Dateiname nennt die Tabelle, z. B. "
             "teilnehmende_2018.csv oder betriebe.xlsx. Trennzeichen ; oder ,; Datum "
             "TT.MM.JJJJ; ja/nein.")
    bestaetigt = False
    if demo:
        bestaetigt = st.checkbox(
            "Ich bestätige: alle Demodaten werden gelöscht; danach enthält die Datenbank nur "
            "noch die importierten Daten.", key="daten_demo_entfernen")
    los = st.form_submit_button("Prüfen (Probelauf)", type="primary",
                                icon=":material/fact_check:", key="daten_import")

if los:
    if not dateien:
        st.warning("Bitte zuerst Dateien auswählen.")
    else:
        eingaben = [importer.Eingabe(f.name, f.getvalue()) for f in dateien]
        with st.spinner("Dateien werden geprüft …"):
            probe = importer.probelauf(eingaben, demo_entfernen=bestaetigt,
                                       ablehnung_protokollieren=True, wer=ui.wer())
        st.session_state.pop(ERGEBNIS_KEY, None)
        st.session_state[PROBE_KEY] = (dt.datetime.now(), probe, eingaben)


def meldungen_block(meldungen, titel: str, key: str, zeit: dt.datetime, dateinamen: str,
                    was: str = "Importversuch") -> None:
    df = importer.meldungen_tabelle(meldungen).drop(columns=["Art"])
    # "Erwartet" is the message people must read in full: columns as wide as their text, the
    # long ones wrap in rows tall enough for the longest message (biwaq.app.spalten)
    ui.tabelle(df, key=f"{key}_tabelle", umbruch=("Erwartet", "Wert", "Datei"))
    text = f"{was} vom {zeit:%d.%m.%Y %H:%M} · Dateien: {dateinamen}"
    tabelle_herunterladen(df, titel, key, text)


def tabelle_herunterladen(df: pd.DataFrame, titel: str, key: str, text: str) -> None:
    c1, c2, _ = st.columns([1, 1, 3])
    c1.download_button("CSV (Excel)", export.to_excel_csv(df, titel, text),
                       file_name=export.dateiname(titel, "csv"), mime="text/csv",
                       key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    c2.download_button("XLSX", export.to_xlsx(df, titel, text),
                       file_name=export.dateiname(titel, "xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx", on_click="ignore", icon=":material/download:")


def dateinamen(eintraege) -> str:
    return ", ".join(dict.fromkeys(e.datei.split(" (Blatt")[0] for e in eintraege))


def einspielen() -> None:
    """Store exactly the batch of the dry run shown (refused if the database changed since)."""
    zeit, probe, eingaben = st.session_state.pop(PROBE_KEY)
    with st.spinner("Die Lieferung wird eingespielt …"):
        erg = importer.importiere(eingaben, demo_entfernen=probe.demo_entfernen, wer=ui.wer(),
                                  stand=probe.stand)
    st.session_state[ERGEBNIS_KEY] = (dt.datetime.now(), erg)


if PROBE_KEY in st.session_state:
    zeit, probe, _ = st.session_state[PROBE_KEY]
    namen = dateinamen(probe.eintraege)
    if probe.ok:
        st.info(f"**Probelauf** vom {zeit:%d.%m.%Y %H:%M} ({namen}) – noch ist **nichts** "
                f"gespeichert. Der Import würde "
                f"{anzahl(probe.eingefuegt, 'Datensatz', 'Datensätze')} neu "
                f"anlegen und {ui.fmt_int(probe.aktualisiert)} ändern"
                + ("; vorher würden alle Demodaten entfernt." if probe.demo_entfernen else ".")
                , icon=":material/fact_check:")
        st.dataframe(probe.je_tabelle(), hide_index=True, key="daten_probe_tabellen")
        aend = probe.aenderungen_tabelle()
        if not aend.empty:
            st.markdown(f"**Geänderte Felder** ({ui.fmt_int(len(aend))}):")
            st.dataframe(aend, hide_index=True, key="daten_probe_aenderungen")
            tabelle_herunterladen(aend, "Probelauf – geänderte Felder", "daten_probe_aend",
                                  f"Probelauf vom {zeit:%d.%m.%Y %H:%M} · Dateien: {namen}")
        if probe.warnungen:
            st.warning(f"{anzahl(len(probe.warnungen), 'Hinweis', 'Hinweise')} "
                       "(verhindern den Import nicht):",
                       icon=":material/warning:")
            meldungen_block(probe.warnungen, "Hinweise beim Probelauf", "daten_probe_hinweise",
                            zeit, namen)
        if probe.bestaetigung_fehlt:
            st.warning("**Demodaten:** Einspielen löscht alle Demodaten. Zum Einspielen oben das "
                       "Feld „Ich bestätige: alle Demodaten werden gelöscht …“ ankreuzen und "
                       "erneut **Prüfen** – echte Daten werden nie mit Demodaten gemischt.",
                       icon=":material/info:")
        c1, c2, _ = st.columns([1, 1, 3])
        if c1.button("Einspielen", type="primary", icon=":material/upload:",
                     key="daten_einspielen", disabled=probe.bestaetigung_fehlt):
            einspielen()
            if st.session_state[ERGEBNIS_KEY][1].ok:
                st.rerun()    # everything on the page (and the demo notice) reads the new file
        if c2.button("Verwerfen", key="daten_verwerfen", icon=":material/close:"):
            st.session_state.pop(PROBE_KEY)
            st.rerun()
    else:
        st.error(f"**Probelauf** vom {zeit:%d.%m.%Y %H:%M}: Import abgelehnt – so kann die "
                 f"Lieferung nicht eingespielt werden, es wurde **nichts** gespeichert. "
                 f"{len(probe.fehler)} Fehler, alle auf einmal:", icon=":material/error:")
        if any(f.erwartet == importer.DEMO_FEHLER for f in probe.fehler):
            st.markdown("**Demodaten:** Bitte das Feld „Ich bestätige: alle Demodaten werden "
                        "gelöscht …“ ankreuzen – echte Daten werden nie mit Demodaten gemischt.")
        meldungen_block(probe.fehler, "Fehler im Probelauf", "daten_fehler", zeit, namen,
                        "Probelauf")
        if probe.warnungen:
            st.warning(f"{anzahl(len(probe.warnungen), 'Hinweis', 'Hinweise')}:",
                       icon=":material/warning:")
            meldungen_block(probe.warnungen, "Hinweise im Probelauf", "daten_hinweise", zeit,
                            namen, "Probelauf")

if ERGEBNIS_KEY in st.session_state:
    zeit, erg = st.session_state[ERGEBNIS_KEY]
    namen = dateinamen(erg.eintraege)
    if erg.ok:
        st.success(f"Import Nr. {erg.import_nr} gespeichert: "
                   f"{anzahl(erg.eingefuegt, 'Datensatz', 'Datensätze')} "
                   f"neu, {ui.fmt_int(erg.aktualisiert)} geändert"
                   + (" – die Demodaten wurden entfernt." if erg.demo_entfernt else "."),
                   icon=":material/check_circle:")
        st.dataframe(erg.je_datei(), hide_index=True, key="daten_ergebnis_dateien")
    else:
        st.error(f"Import abgelehnt – es wurde **nichts** gespeichert. "
                 f"{len(erg.fehler)} Fehler, alle auf einmal:", icon=":material/error:")
        meldungen_block(erg.fehler, "Fehler beim Import", "daten_fehler", zeit, namen)
    if erg.warnungen:
        st.warning(f"{anzahl(len(erg.warnungen), 'Hinweis', 'Hinweise')} "
                   "(verhindern den Import nicht):",
                   icon=":material/warning:")
        meldungen_block(erg.warnungen, "Hinweise beim Import", "daten_hinweise", zeit, namen)

# --- Import log ------------------------------------------------------------------------------

st.header("Importprotokoll")
log = ui.query("import_protokoll")
if log.empty:
    st.info("Noch kein Import. Die Datenbank wurde aus "
            + ("den Demodaten" if demo else "einem Verzeichnis") + " aufgebaut.")
else:
    ui.tabelle(pd.DataFrame({
        "Nr.": log["import_nr"],
        "Zeitpunkt": pd.to_datetime(log["zeitpunkt"]).dt.strftime("%d.%m.%Y %H:%M:%S"),
        "Wer": log["wer"],
        "Ergebnis": [ERGEBNIS_PROBELAUF if probe else {"ok": "gespeichert"}.get(e, e)
                     for e, probe in zip(log["ergebnis"], log["probelauf"].fillna(False))],
        "Fehler": log["fehler"],
        "Warnungen": log["warnungen"],
        "Neu": log["eingefuegt"],
        "Geändert": log["aktualisiert"],
        "Demodaten": log["demo_entfernt"].map({True: "entfernt", False: ""}),
    }), key="daten_protokoll", umbruch=("Zeitpunkt", "Wer", "Ergebnis"))
    with st.expander("Dateien je Import (mit SHA-256-Prüfsumme)"):
        dat = ui.query("import_protokoll_dateien")
        st.dataframe(pd.DataFrame({
            "Nr.": dat["import_nr"],
            "Datei": dat["datei"],
            "Tabelle": dat["tabelle"].map(lambda t: TITEL.get(t, t) if t else "–"),
            "Zeilen": dat["zeilen"],
            "Neu": dat["eingefuegt"],
            "Geändert": dat["aktualisiert"],
            "Größe (Bytes)": dat["groesse_bytes"],
            "SHA-256": dat["sha256"],
        }), hide_index=True, key="daten_protokoll_dateien")
    mit_meldungen = log[(log["fehler"] + log["warnungen"]) > 0]["import_nr"].tolist()
    with st.expander("Fehler und Hinweise je Import"):
        if not mit_meldungen:
            st.caption("Bisher hatte kein Import Fehler oder Hinweise.")
        else:
            nr = st.selectbox("Import Nr.", mit_meldungen, key="daten_protokoll_nr")
            meld = ui.query("import_protokoll_meldungen", import_nr=int(nr))
            if meld.empty:
                st.caption("Zu diesem Import sind keine Meldungen gespeichert (er wurde vor "
                           "dieser Version des Dashboards protokolliert).")
            else:
                st.dataframe(pd.DataFrame({
                    "Art": meld["art"], "Datei": meld["datei"],
                    "Zeile": meld["zeile"].map(lambda z: "" if pd.isna(z) else str(int(z))),
                    "Spalte": meld["spalte"].fillna(""), "Wert": meld["wert"].fillna(""),
                    "Meldung": meld["meldung"]}), hide_index=True,
                    key="daten_protokoll_meldungen",
                    column_config={"Meldung": st.column_config.TextColumn(width="large")})

with st.expander("Welche Dateien? (Datenvertrag in Kürze)"):
    st.markdown(
        "- Eine Datei je Tabelle; der Dateiname beginnt mit dem Tabellennamen: "
        + ", ".join(f"`{n}`" for n in TABLES) + ". Eine Tabelle darf auf mehrere Dateien "
        "verteilt sein (z. B. `teilnehmende_KIK.csv` und `teilnehmende_Euratibor.csv`); eine "
        "Excel-Mappe darf mehrere Blätter haben, die wie Tabellen heißen.\n"
        "- CSV mit `;` oder `,`, UTF-8 (mit oder ohne BOM) oder Windows-1252; Excel (.xlsx) "
        "mit echten Datumszellen. Eine Titelzeile über der Kopfzeile wird erkannt.\n"
        "- Datum `TT.MM.JJJJ` oder `JJJJ-MM-TT`; ja/nein auch als j/n, 1/0, x/leer; "
        "Dezimalkomma oder -punkt. Spalten, die der Vertrag nicht kennt, werden ignoriert "
        "(nicht gespeichert).\n"
        f"- Höchstens {MAX_DATEI_MB} MB je Datei. Verweise (Teilnehmenden- und "
        "Betriebsnummern) müssen in derselben Lieferung oder schon in der Datenbank stehen.\n"
        "- Vor jedem Import wird eine Sicherung der Datenbank angelegt (`data/backup/`, die "
        f"letzten {importer.MAX_BACKUPS}).")
