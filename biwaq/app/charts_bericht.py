"""Charts of the committee report, drawn server-side with matplotlib (no browser) in the
dashboard's colours (biwaq.app.charts FARBEN/Okabe–Ito) and with the pages' labels. Every function
returns PNG bytes; output is deterministic (Agg backend, no metadata, fixed size and dpi)."""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from biwaq.app import charts_zielstand as cz  # noqa: E402
from biwaq.zahlen import kennzahlen as kz  # noqa: E402
from biwaq.zahlen import zielstand as zs  # noqa: E402
from biwaq.app.charts import FARBEN, O  # noqa: E402

DPI = 150
plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 8, "axes.spines.top": False,
                     "axes.spines.right": False, "svg.hashsalt": "biwaq",
                     "axes.formatter.use_locale": False})
TAUSEND = FuncFormatter(lambda x, _: f"{x:,.0f}".replace(",", "."))


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def status_png(tab: pd.DataFrame) -> bytes:
    """Reached as % of the expected value per target, coloured by status; 90/100 % lines."""
    tab = tab.iloc[::-1]
    fig, ax = plt.subplots(figsize=(7.2, 0.22 * len(tab) + 0.9))
    werte = [float(zs.prozent_wert(q)) if q is not None else 0.0 for q in tab["quote_exakt"]]
    ax.barh(tab["label"], werte, color=[cz.STATUS_FARBEN[s] for s in tab["status"]])
    for y, (w, q) in enumerate(zip(werte, tab["quote_exakt"])):
        ax.text(w + 1, y, zs.prozent_text(q).replace("\u00a0", " "), va="center", fontsize=6.5)
    for s in zs.SCHWELLEN.values():
        ax.axvline(float(s) * 100, color=O["schwarz"], lw=0.7, ls=":")
    ax.set_xlabel("Erreicht in % des zum Stichtag Erwarteten")
    ax.tick_params(axis="y", labelsize=6.5)
    ax.set_xlim(0, max(130, max(werte, default=0) + 15))
    griffe = [plt.Rectangle((0, 0), 1, 1, color=f) for f in cz.STATUS_FARBEN.values()]
    ax.legend(griffe, list(cz.STATUS_FARBEN), loc="lower center", bbox_to_anchor=(0.5, 1.0),
              ncol=3, fontsize=6.5, frameon=False)
    return _png(fig)


def verlauf_png(stand: zs.Zielstand, ziel_ids: list[str]) -> bytes:
    """Small multiples: cumulative actual per quarter (solid), target line (grey), projection
    (dashed, „Hochrechnung“) for the given targets."""
    n = len(ziel_ids)
    spalten = 3
    zeilen = (n + spalten - 1) // spalten
    fig, axes = plt.subplots(zeilen, spalten, figsize=(7.2, 2.0 * zeilen), squeeze=False)
    tab = stand.tabelle.set_index("ziel_id")
    for ax, zid in zip(axes.flat, ziel_ids):
        z = tab.loc[zid]
        v = stand.verlauf[stand.verlauf["ziel_id"] == zid]
        ax.plot([zs.LAUFZEIT_START, z["bis"]], [0, z["zielwert"]], color=cz.FARBE_ZIEL, lw=1.2,
                label=cz.SERIEN["ziel"])
        ax.plot(pd.to_datetime(v["datum"]), v["kumuliert"], color=cz.FARBE_IST, lw=1.8,
                marker="o", ms=2, label=cz.SERIEN["ist"])
        if z["stichtag"] < z["bis"]:
            ax.plot([z["stichtag"], z["bis"]], [z["wert"], z["hochrechnung"]],
                    color=cz.FARBE_HOCH, lw=1.2, ls="--", label="Hochrechnung")
        ax.set_title(f"{zs.TITEL[z['kennzahl']]}: {z['status']}", fontsize=7.5,
                     color=cz.STATUS_FARBEN[z["status"]])
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.yaxis.set_major_formatter(TAUSEND)
        ax.tick_params(labelsize=6.5)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    griffe, namen = axes.flat[0].get_legend_handles_labels()
    fig.legend(griffe, namen, loc="lower center", ncol=3, fontsize=6.5, frameon=False,
               bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return _png(fig)


def trichter_png(tab: pd.DataFrame) -> bytes:
    """Persons per funnel stage (all participants), bars in the overview's blue."""
    fig, ax = plt.subplots(figsize=(7.2, 2.2))
    personen = tab[kz.label("personen")]
    ax.barh(tab["Stufe"][::-1], personen[::-1], color=FARBEN["Eintritte"])
    for y, w in enumerate(personen[::-1]):
        ax.text(w, y, " " + zs.zahl_text(w), va="center", fontsize=7)
    ax.set_xlabel("Personen (Kohorte: Erstkontakt im Zeitraum)")
    ax.xaxis.set_major_formatter(TAUSEND)
    return _png(fig)


def karte_png(objekte: pd.DataFrame, umrisse_df: pd.DataFrame) -> bytes:
    """Vacancy map: district outlines (WGS84 drawn in ETRS89/UTM 32N) and one point per object
    vacant in the period, colour = status as on the Leerstand page; no tiles."""
    from biwaq.einlesen import geo

    fig, ax = plt.subplots(figsize=(7.2, 4.6))
    if len(umrisse_df):
        umrisse = geo.districts_from_store(umrisse_df).to_crs(geo.UTM32)
        umrisse.plot(ax=ax, facecolor="#F2F2F2", edgecolor=O["grau"], lw=0.8)
        for r in umrisse.itertuples():
            p = r.geometry.representative_point()
            ax.annotate(r.stadtteil, (p.x, p.y), fontsize=6.5, ha="center", color="#555555")
    obj = objekte.dropna(subset=["lat", "lon"])
    if len(obj):
        import geopandas as gpd
        pkt = gpd.GeoDataFrame(obj, geometry=gpd.points_from_xy(obj["lon"], obj["lat"]),
                               crs=geo.WGS84).to_crs(geo.UTM32)
        for status in ("leer", "in Vermarktung", "Zwischennutzung", "wiederbelegt"):
            teil = pkt[pkt["status"] == status]
            if len(teil):
                ax.scatter(teil.geometry.x, teil.geometry.y, s=14, color=FARBEN[status],
                           edgecolor="white", lw=0.4, label=f"{status} ({len(teil)})",
                           zorder=3)
        ax.legend(fontsize=6.5, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
                  title="Status (Anzahl)", title_fontsize=7)
    ax.set_axis_off()
    ax.set_aspect("equal")
    return _png(fig)
