"""Streamlit helpers shared by the pages: connection, cached queries, filters, chart frames."""
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from biwaq.app import export
from biwaq.app import spalten as sp
from biwaq.zahlen import kennzahlen
from biwaq.speicher import queries, store
from biwaq.einlesen.contract import (LAUFZEIT_ENDE, LAUFZEIT_START, QUARTIERE, TRAEGER, TRAEGER_NAMEN,
                            ZIELGRUPPEN, ZIELGRUPPEN_NAMEN)
from biwaq.speicher.filters import Filter

ALLE = "Alle"
LEER_ZELLE = "–"          # a missing value in a table (Streamlit's default text is "None")
BEIDE = "Beide"
LEER_TEXT = ("Für diese Filterauswahl gibt es keine Daten. Bitte Quartier, Zeitraum, Träger "
             "oder Zielgruppe in der Seitenleiste weiter fassen.")


# --- Data access ---------------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=3)
def _connection(path: str, ino: int, mtime_ns: int):
    """One read-only connection per database file version (a cursor per query). Old versions
    drop out of the cache; sessions still holding one finish their query on it."""
    return store.connect_readonly(path)


def db_stamp() -> tuple[str, int, int]:
    return store.file_stamp(store.db_path())


def connection():
    with datenbank_zugriff():
        return _connection(*db_stamp())


@st.cache_data(show_spinner=False, max_entries=2000)
def _cached_query(name: str, stamp: tuple, params: tuple) -> pd.DataFrame:
    return queries.run_query(name, _connection(*stamp), **dict(params))


def query(name: str, **params) -> pd.DataFrame:
    """Run a named query, cached by its plain parameter values and the database version."""
    with datenbank_zugriff():
        return _cached_query(name, db_stamp(), tuple(sorted(params.items()))).copy()


@contextlib.contextmanager
def datenbank_zugriff():
    """The database file held open by another program: the page shows the German message
    (what happens, what to do) instead of a traceback and stops."""
    try:
        yield
    except store.DatenbankGesperrt as e:
        st.error(str(e), icon=":material/lock:")
        st.stop()


def meta() -> dict[str, str]:
    df = query("meta")
    return dict(zip(df["schluessel"], df["wert"]))


def datenstand_text() -> str | None:
    wert = meta().get("datenstand")
    if not wert or wert == "None":
        return None
    return dt.date.fromisoformat(wert).strftime("%d.%m.%Y")


def ensure_database() -> None:
    """First start: build the demo database. A file from an older version: migrate it once
    (checked once per file version)."""
    with datenbank_zugriff():
        if not store.db_path().exists():
            with st.spinner("Die Datenbank wird beim ersten Start aus den Demodaten aufgebaut …"):
                store.ensure_database()
        else:
            _schema_checked(*db_stamp())


@st.cache_resource(show_spinner="Die Datenbank wird auf den aktuellen Stand gebracht …",
                   max_entries=3)
def _schema_checked(path: str, ino: int, mtime_ns: int) -> bool:
    store.ensure_database(path)
    return True


def wer() -> str:
    """Who writes (import log): the signed-in user's e-mail or name, else 'lokal'."""
    try:
        if st.user.get("is_logged_in"):
            return str(st.user.get("email") or st.user.get("name") or "angemeldet")
    except Exception:   # noqa: BLE001 – no auth configured
        pass
    return "lokal"


# --- Shared sidebar filters ----------------------------------------------------------------

FILTER_DEFAULTS = {"filter_quartier": BEIDE, "filter_traeger": ALLE,
                   "filter_zielgruppe": ALLE, "filter_zeitraum": (LAUFZEIT_START, LAUFZEIT_ENDE)}


def _reset_filters() -> None:
    for k, v in FILTER_DEFAULTS.items():
        st.session_state[k] = v


def _date_bounds() -> tuple[dt.date, dt.date]:
    df = query("datenbereich")
    first, last = df.iloc[0]["erstes_datum"], df.iloc[0]["letztes_datum"]
    lo = min(LAUFZEIT_START, pd.Timestamp(first).date()) if pd.notna(first) else LAUFZEIT_START
    hi = max(LAUFZEIT_ENDE, pd.Timestamp(last).date()) if pd.notna(last) else LAUFZEIT_ENDE
    return lo, hi


def sidebar_filters(personenfilter: bool = True) -> Filter:
    """Draw the filters every page honours; the result is also kept in session state.
    `personenfilter` False (role oeffentlich, whose only page cannot split published figures
    by Träger or Zielgruppe): only Quartier and Zeitraum are offered, the others stay "alle"."""
    for k, v in FILTER_DEFAULTS.items():
        st.session_state.setdefault(k, v)
    if not personenfilter:
        st.session_state["filter_traeger"] = ALLE
        st.session_state["filter_zielgruppe"] = ALLE
    lo, hi = _date_bounds()
    with st.sidebar:
        st.subheader("Filter")
        quartier = st.selectbox("Quartier", [BEIDE, *QUARTIERE], key="filter_quartier")
        zeitraum = st.date_input("Zeitraum", min_value=lo, max_value=hi, format="DD.MM.YYYY",
                                 key="filter_zeitraum",
                                 help="Standard: die ganze Projektlaufzeit 10/2015–12/2018")
        traeger, gruppe = ALLE, ALLE
        if personenfilter:
            traeger = st.selectbox("Träger", [ALLE, *TRAEGER], key="filter_traeger",
                                   format_func=lambda t: TRAEGER_NAMEN.get(t, t))
            gruppe = st.selectbox("Zielgruppe", [ALLE, *ZIELGRUPPEN], key="filter_zielgruppe",
                                  format_func=lambda g: ZIELGRUPPEN_NAMEN.get(g, g))
        st.button("Filter zurücksetzen", on_click=_reset_filters, key="filter_reset")
    von, bis = _period(zeitraum)
    filt = Filter(quartier=None if quartier == BEIDE else quartier,
                  traeger=None if traeger == ALLE else traeger,
                  zielgruppe=None if gruppe == ALLE else gruppe, von=von, bis=bis)
    st.session_state["filter"] = filt
    return filt


def _period(zeitraum) -> tuple[dt.date, dt.date]:
    """A range picker returns 0, 1 or 2 dates while the user is choosing."""
    werte = list(zeitraum) if isinstance(zeitraum, (tuple, list)) else [zeitraum]
    werte = [w for w in werte if w is not None]
    if len(werte) >= 2:
        return werte[0], werte[1]
    if len(werte) == 1:
        st.sidebar.caption("Enddatum noch nicht gewählt: bis dahin gilt das Laufzeitende.")
        return werte[0], max(werte[0], LAUFZEIT_ENDE)
    return LAUFZEIT_START, LAUFZEIT_ENDE


def current_filter() -> Filter:
    return st.session_state.get("filter") or Filter()


# --- Page furniture ------------------------------------------------------------------------

def demo_notice(datenimport: bool = True) -> None:
    """The demo-data warning; `datenimport`: whether the user may open the Daten page (only
    then does it point to the import)."""
    if meta().get("datenquelle") == "demo":
        st.warning("**Demodaten** – alle Zahlen sind erfunden und dienen nur zur Vorführung."
                   + (" Echte Projektdaten werden über den Datenimport geladen."
                      if datenimport else ""),
                   icon=":material/science:")


def page_header(titel: str, einleitung: str | None = None) -> Filter:
    """Title, short intro, and the active filters with the data stand. Returns the filter."""
    filt = current_filter()
    st.title(titel)
    if einleitung:
        st.markdown(einleitung)
    stand = datenstand_text()
    st.caption(f"{filt.beschreibung()}" + (f" · Datenstand: {stand}" if stand else ""))
    return filt


def fmt_int(n) -> str:
    """German thousands separator; rounded half away from zero (76074.5 -> '76.075'), never
    cut."""
    return kennzahlen.zahl(n, 0)


def fmt_pct(x, stellen: int = 0) -> str:
    """A share 0..1 as German percent, rounded once, half away from zero."""
    text = kennzahlen.zahl(None if x is None else x * 100, stellen)
    return text if text == kennzahlen.STRICH else text + " %"


def metric(ziel, id: str, wert, hilfe: str | None = None, basis=None, zaehler=None,
           **kwargs) -> None:
    """st.metric of a catalogue figure: its label, its value formatted once (kennzahlen.fmt)
    and, unless `hilfe` is given, its definition as help text. `ziel` is st or a column."""
    k = kennzahlen.get(id)
    ziel.metric(k.label, kennzahlen.fmt(id, wert, basis=basis, zaehler=zaehler),
                help=k.definition if hilfe is None else hilfe, **kwargs)


def wie_gezaehlt(ids, zusatz=()) -> None:
    """The expander "Wie wird gezählt?" rendered from the catalogue of figures."""
    with st.expander("Wie wird gezählt?"):
        st.markdown(kennzahlen.wie_gezaehlt(ids, zusatz))


def empty_message() -> None:
    st.info(LEER_TEXT, icon=":material/filter_alt_off:")


def chart_block(fig: go.Figure, table: pd.DataFrame, titel: str, key: str,
                filt: Filter | None = None, zusammenfassung: str | None = None,
                prozent: tuple[str, ...] = (), roh: tuple[str, ...] = (),
                stellen: dict[str, int] | None = None,
                download: Callable[[], pd.DataFrame] | None = None,
                hinweis: str | None = None, bildschirm: list[str] | None = None,
                umbruch: tuple[str, ...] = ()) -> None:
    """A chart with its filters written above, a table view of the same numbers (German
    dates and numbers, see deutsche_spalten; `bildschirm`/`umbruch` as in `tabelle`),
    downloads (all columns).
    `zusammenfassung`: one sentence saying what the chart shows, built from its data
    (biwaq.zahlen.zusammenfassung), shown above the chart as its text alternative (issue 15).
    Every call passes one: tests/test_zusammenfassung.py fails on a chart without it.
    `download`: a function giving the full table, read when a download is pressed, when
    `table` holds only the first rows (issue 14); `hinweis`: a note above the table."""
    _diagramm_und_tabelle(fig, table, titel, key, filt, zusammenfassung,
                          deutsche_spalten(table, prozent, roh, stellen), download, hinweis,
                          bildschirm, umbruch)


def _diagramm_und_tabelle(fig, table, titel, key, filt, zusammenfassung, spalten,
                          download=None, hinweis=None, bildschirm=None, umbruch=()) -> None:
    """The shared body of chart_block and chart_block_de: filter line, summary sentence, the
    chart and its table in two tabs, downloads. spalten: column_config of the table or None."""
    filt = filt or current_filter()
    st.caption("Filter: " + filt.beschreibung())
    if zusammenfassung:
        st.markdown(zusammenfassung)
    tab_chart, tab_table = st.tabs(["Diagramm", "Tabelle"])
    with tab_chart:
        st.plotly_chart(fig, key=f"{key}_chart", config={"displaylogo": False})
    with tab_table:
        if hinweis:
            st.caption(hinweis)
        _dataframe(table, f"{key}_table", spalten or {}, bildschirm, umbruch, kuerzen=True)
    download_buttons(table if download is None else download, titel, key, filt)


def download_buttons(table: pd.DataFrame | Callable[[], pd.DataFrame], titel: str, key: str,
                     filt: Filter) -> None:
    stand = datenstand_text()
    text = filt.beschreibung()
    seite = st.session_state.get("seite_titel")      # set by dashboard.py for the open page
    c1, c2, _ = st.columns([1, 1, 3])
    c1.download_button("CSV (Excel)", _lazy(export.to_excel_csv, table, titel, text, stand),
                       file_name=export.dateiname(titel, "csv", seite, text, stand),
                       mime="text/csv",
                       key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    c2.download_button("XLSX", _lazy(export.to_xlsx, table, titel, text, stand),
                       file_name=export.dateiname(titel, "xlsx", seite, text, stand),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx", on_click="ignore", icon=":material/download:")


def _lazy(fn: Callable[..., bytes], table, *args) -> Callable[[], bytes]:
    """fn(table, *args) when the button is pressed; `table` may be a function that reads the
    table only then (e.g. every violation of a data-quality rule)."""
    return lambda: fn(table() if callable(table) else table, *args)


# --- Tables with German formats (added with the local-economy pages) -----------------------

def deutsche_spalten(table: pd.DataFrame, prozent: tuple[str, ...] = (),
                     roh: tuple[str, ...] = (), stellen: dict[str, int] | None = None) -> dict:
    """column_config for st.dataframe: dates as TT.MM.JJJJ, numbers in the reader's locale
    (German separators in a German browser; at most 3 decimals unless `stellen` gives a
    column's decimals, e.g. {"Breite": 6}), `prozent` columns as percent; `roh` untouched."""
    cfg = {}
    for c in table.columns:
        if c in roh:
            continue
        if c in prozent:
            cfg[c] = st.column_config.NumberColumn(c, format="percent")
        elif pd.api.types.is_datetime64_any_dtype(table[c]):
            cfg[c] = st.column_config.DateColumn(c, format="DD.MM.YYYY")
        elif pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c]):
            n = (stellen or {}).get(c)
            cfg[c] = st.column_config.NumberColumn(c, format="localized",
                                                   step=None if n is None else 10.0 ** -n)
    return cfg


def chart_block_de(fig: go.Figure, table: pd.DataFrame, titel: str, key: str, filt=None,
                   prozent: tuple[str, ...] = (), roh: tuple[str, ...] = (),
                   zusammenfassung: str | None = None,
                   stellen: dict[str, int] | None = None,
                   download: Callable[[], pd.DataFrame] | None = None,
                   hinweis: str | None = None, bildschirm: list[str] | None = None,
                   umbruch: tuple[str, ...] = ()) -> None:
    """chart_block (since issue 15 every table view shows German dates and numbers).
    `filt` is anything with beschreibung() – e.g. oekonomie.Geltung, which also names the
    shared filters that do not apply."""
    chart_block(fig, table, titel, key, filt, zusammenfassung, prozent, roh, stellen,
                download, hinweis, bildschirm, umbruch)


def tabelle(table: pd.DataFrame, key: str, prozent: tuple[str, ...] = (),
            roh: tuple[str, ...] = (), column_config: dict | None = None,
            stellen: dict[str, int] | None = None, bildschirm: list[str] | None = None,
            umbruch: tuple[str, ...] = (), **kwargs) -> None:
    """st.dataframe with German dates and numbers (deutsche_spalten) and „–“ for a missing
    value (Streamlit writes "None"), the one table display of the pages; `column_config`
    entries given here win over the German defaults. Every column gets the width of its
    longest text (biwaq.app.spalten, issue 15: nothing cut, no sideways scrolling).
    `bildschirm`: the columns shown on screen (None = all); the others are named under the
    table as being in the downloads (the page offers the whole table there).
    `umbruch`: long text columns that wrap when the table would be too wide.
    Remaining keyword arguments go to st.dataframe (hide_index is on)."""
    cfg = {**deutsche_spalten(table, prozent, roh, stellen), **(column_config or {})}
    _dataframe(table, key, cfg, bildschirm, umbruch, **kwargs)


def _dataframe(table: pd.DataFrame, key: str, cfg: dict, bildschirm: list[str] | None,
               umbruch: tuple[str, ...], kuerzen: bool = False, **kwargs) -> None:
    """st.dataframe with column widths from the longest text (biwaq.app.spalten) and, when
    only `bildschirm` columns are shown, a line naming the others (in the downloads).
    `kuerzen` (tables with downloads right below): without `bildschirm`, a table wider than
    the page shows the leading columns that fit (sp.passende_spalten)."""
    if kuerzen and bildschirm is None:
        bildschirm = sp.passende_spalten(table, cfg, umbruch)
    breite, zeilenhoehe = sp.breiten(table, cfg, bildschirm, umbruch)
    if bildschirm is not None:
        kwargs["column_order"] = list(bildschirm)
    if zeilenhoehe:
        kwargs["row_height"] = zeilenhoehe
    st.dataframe(table, hide_index=True, key=key, column_config=sp.mit_breiten(cfg, breite),
                 placeholder=LEER_ZELLE, **kwargs)
    weitere = [str(c) for c in table.columns if bildschirm is not None and c not in bildschirm]
    if weitere:
        st.caption("Nicht alle Spalten passen auf den Bildschirm. Auch "
                   + ", ".join(f"„{c}“" for c in weitere)
                   + " stehen in den Downloads (CSV und XLSX).")
