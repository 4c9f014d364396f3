"""Datenqualität: every rule with its severity, number of violations and offending ids."""
import pandas as pd
import streamlit as st

from biwaq import export, quality, ui
from biwaq.contract import TRAEGER_NAMEN

MAX_IDS = 30

filt = ui.page_header(
    "Datenqualität",
    "Prüfregeln über den gespeicherten Daten: jede Regel mit Nummer, Beschreibung und "
    "Schweregrad. **Fehler** sind sicher falsche Angaben, **Warnungen** wahrscheinlich falsche – "
    "bitte im Fachverfahren prüfen und mit dem nächsten Export korrigieren. Genannt werden nur "
    "Pseudonyme (Teilnehmenden-, Betriebs- und Objektnummern).")
st.caption("Es gelten die Filter **Quartier** und **Träger** (Träger nur für Regeln über "
           "Teilnehmende; Betriebe und Leerstände haben keinen Träger). **Zeitraum** und "
           "**Zielgruppe** gelten hier nicht: geprüft wird immer der ganze Bestand.")


@st.cache_data(show_spinner="Regeln werden geprüft …", max_entries=20)
def _pruefen(stamp: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    return quality.pruefen(ui.connection())


regeln, faelle = _pruefen(ui.db_stamp())
if filt.quartier:
    faelle = faelle[faelle["quartier"] == filt.quartier]
if filt.traeger:
    faelle = faelle[faelle["traeger"].isna() | (faelle["traeger"] == filt.traeger)]

c1, c2 = st.columns(2)
schwere = c1.segmented_control("Schweregrad", ["Alle", quality.FEHLER, quality.WARNUNG],
                               default="Alle", key="qualitaet_schwere") or "Alle"
nur_verstoesse = c2.toggle("Nur Regeln mit Verstößen", key="qualitaet_nur_verstoesse")

je_regel = faelle.groupby("regel")["id"].agg(["size", lambda s: list(dict.fromkeys(s))])
je_regel.columns = ["anzahl", "ids"]
regeln = regeln.drop(columns=["anzahl", "ids"]).join(je_regel, on="id")
regeln["anzahl"] = regeln["anzahl"].fillna(0).astype(int)
regeln["ids"] = regeln["ids"].apply(lambda v: v if isinstance(v, list) else [])

n_fehler = int(regeln.loc[regeln["schwere"] == quality.FEHLER, "anzahl"].sum())
n_warn = int(regeln.loc[regeln["schwere"] == quality.WARNUNG, "anzahl"].sum())
m1, m2, m3 = st.columns(3)
m1.metric("Regeln geprüft", ui.fmt_int(len(regeln)))
m2.metric("Verstöße gegen Fehler-Regeln", ui.fmt_int(n_fehler))
m3.metric("Warnungen", ui.fmt_int(n_warn))
if n_fehler:
    st.error("Es gibt Verstöße gegen Fehler-Regeln: die betroffenen Zahlen sind unzuverlässig.",
             icon=":material/error:")
elif n_warn:
    st.info("Keine Fehler; einige Warnungen bitte prüfen.", icon=":material/info:")
else:
    st.success("Alle Regeln sind erfüllt.", icon=":material/check_circle:")

sicht = regeln
if schwere != "Alle":
    sicht = sicht[sicht["schwere"] == schwere]
if nur_verstoesse:
    sicht = sicht[sicht["anzahl"] > 0]


def ids_text(ids: list[str]) -> str:
    mehr = f" … und {len(ids) - MAX_IDS} weitere" if len(ids) > MAX_IDS else ""
    return ", ".join(ids[:MAX_IDS]) + mehr


filter_text = ("Quartier: " + (filt.quartier or "beide") + " · Träger: "
               + (TRAEGER_NAMEN.get(filt.traeger, filt.traeger) if filt.traeger else "alle")
               + " (Zeitraum und Zielgruppe gelten nicht)")

st.subheader("Regeln")
if sicht.empty:
    ui.empty_message()
else:
    tabelle = pd.DataFrame({
        "Regel": sicht["id"], "Schweregrad": sicht["schwere"], "Verstöße": sicht["anzahl"],
        "Beschreibung": sicht["beschreibung"], "Betroffene Nummern": sicht["ids"].map(ids_text),
        "Tabelle": sicht["tabelle"], "Hinweis": sicht["hinweis"]})
    st.dataframe(tabelle, hide_index=True, key="qualitaet_regeln", height="content",
                 column_config={"Regel": st.column_config.TextColumn(width="small"),
                                "Verstöße": st.column_config.NumberColumn(width="small"),
                                "Beschreibung": st.column_config.TextColumn(width="large"),
                                "Betroffene Nummern": st.column_config.TextColumn(width="medium")})

    mit = sicht[sicht["anzahl"] > 0]
    if not mit.empty:
        st.subheader("Verstöße im Einzelnen")
        wahl = st.selectbox("Regel", mit["id"].tolist(), key="qualitaet_regel",
                            format_func=lambda r: f"{r} – {quality.REGEL[r].beschreibung}")
        einzeln = faelle[faelle["regel"] == wahl]
        df = pd.DataFrame({"Nummer": einzeln["id"], "Angaben": einzeln["details"],
                           "Quartier": einzeln["quartier"],
                           "Träger": einzeln["traeger"].fillna("–")})
        st.dataframe(df, hide_index=True, key="qualitaet_faelle")
        titel = f"Datenqualität {wahl}"
        d1, d2, _ = st.columns([1, 1, 3])
        d1.download_button("CSV (Excel)", export.to_excel_csv(df, titel, filter_text),
                           file_name=export.dateiname(titel, "csv", "Datenqualität",
                                                      filter_text),
                           mime="text/csv", key="qualitaet_csv", on_click="ignore",
                           icon=":material/download:")
        d2.download_button(
            "XLSX", export.to_xlsx(df, titel, filter_text),
            file_name=export.dateiname(titel, "xlsx", "Datenqualität", filter_text),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="qualitaet_xlsx", on_click="ignore", icon=":material/download:")
