"""Demo data: deterministic, exactly in contract form, plausible, scalable."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from biwaq.einlesen.contract import ERFURT_BBOX, LAUFZEIT_ENDE, STADTTEILE, TABLES, ZIELGRUPPEN
from biwaq.einlesen.demo import generate, schematic_districts, write_demo
from biwaq.einlesen.fileio import decode_bytes, normalise_header, parse_column, read_csv_text

END = pd.Timestamp(LAUFZEIT_ENDE)
COMMITTED = Path(__file__).resolve().parents[1] / "data" / "demo"
FILES = sorted([f"{name}.csv" for name in TABLES] + ["stadtteile.geojson", "DEMODATEN.txt"])
PRAXIS = ["Schnuppertag", "Betriebsbesichtigung", "Praktikum"]


# --- fixtures: the committed form, read back the way the importer reads it -------------------

@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    write_demo(out)
    return out


def _read_table(path, name):
    """Typed frame indexed by Excel row number; asserts every cell parses."""
    raw = read_csv_text(decode_bytes(path.read_bytes()))
    raw.columns = [normalise_header(c) for c in raw.columns]
    table = TABLES[name]
    assert list(raw.columns) == table.column_names
    typed = {}
    for col in table.columns:
        values, bad = parse_column(raw[col.name], col.type)
        assert not bad.any(), f"{name}.{col.name}: unparsable {raw[col.name][bad].tolist()[:5]}"
        typed[col.name] = values
    df = pd.DataFrame(typed)
    df.index = df.index + 2
    return df


@pytest.fixture(scope="module")
def frames(demo_dir):
    return {name: _read_table(demo_dir / f"{name}.csv", name) for name in TABLES}


@pytest.fixture(scope="module")
def d(frames):
    """Convenience: date columns as Timestamps."""
    out = {}
    for name, df in frames.items():
        df = df.copy()
        for col in TABLES[name].columns:
            if col.type == "date":
                df[col.name] = pd.to_datetime(df[col.name])
        out[name] = df
    return out


@pytest.fixture(scope="module")
def shapes(demo_dir):
    doc = json.loads((demo_dir / "stadtteile.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["stadtteil"]: shape(f["geometry"]) for f in doc["features"]}


def _age(tn):
    return tn["eintritt"].fillna(tn["erstkontakt"]).dt.year - tn["geburtsjahr"]


# --- determinism and file form ----------------------------------------------------------------

def test_write_demo_is_byte_identical_per_seed(tmp_path, demo_dir):
    paths = write_demo(tmp_path / "a")
    assert sorted(p.name for p in paths) == FILES
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (demo_dir / name).read_bytes(), name
    write_demo(tmp_path / "b", seed=2016)
    for name in ("teilnehmende.csv", "aktivitaeten.csv", "betriebe.csv", "leerstaende.csv"):
        assert (tmp_path / "b" / name).read_bytes() != (demo_dir / name).read_bytes(), name


def test_committed_demo_set_is_reproducible(demo_dir):
    if not (COMMITTED / "teilnehmende.csv").exists():
        pytest.skip("data/demo not generated")
    for name in FILES:
        assert (COMMITTED / name).read_bytes() == (demo_dir / name).read_bytes(), (
            f"data/demo/{name} is stale: regenerate with write_demo('data/demo')")


def test_csv_form(demo_dir):
    for name, table in TABLES.items():
        data = (demo_dir / f"{name}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        header = data[3:].split(b"\n", 1)[0].decode("utf-8")
        assert header == ";".join(table.column_names)
    text = decode_bytes((demo_dir / "teilnehmende.csv").read_bytes())
    assert re.search(r";\d{2}\.\d{2}\.\d{4};", text) and ";ja;" in text


# --- contract checks ------------------------------------------------------------------------

def test_contract_columns_values_ranges_keys(frames):
    for name, df in frames.items():
        table = TABLES[name]
        for col in table.columns:
            s = df[col.name]
            if col.required:
                assert s.notna().all(), f"{name}.{col.name} has empty required cells"
            if col.values:
                assert s.dropna().isin(col.values).all(), f"{name}.{col.name}"
            num = pd.to_numeric(s, errors="coerce") if col.type in ("int", "float") else None
            if col.min is not None and num is not None:
                assert (num.dropna() >= col.min).all(), f"{name}.{col.name} < min"
            if col.max is not None and num is not None:
                assert (num.dropna() <= col.max).all(), f"{name}.{col.name} > max"
        assert not df[list(table.key)].astype(str).duplicated().any(), f"{name}: duplicate key"


def test_references_resolve(frames):
    tn_ids = set(frames["teilnehmende"]["tn_id"])
    b_ids = set(frames["betriebe"]["betrieb_id"])
    for name in ("aktivitaeten", "vermittlungen"):
        assert frames[name]["tn_id"].isin(tn_ids).all()
    for name in ("aktivitaeten", "vermittlungen", "beratungen"):
        assert frames[name]["betrieb_id"].dropna().isin(b_ids).all()


def test_validate_tables_finds_nothing(frames):
    from biwaq.einlesen.validate import validate_tables
    fehler = validate_tables(frames)
    assert fehler == [], [str(f) for f in fehler[:10]]


def test_ids_are_zero_padded(frames):
    assert frames["teilnehmende"]["tn_id"].str.fullmatch(r"TN-\d{6}").all()
    assert frames["betriebe"]["betrieb_id"].str.fullmatch(r"B-\d{4}").all()
    assert frames["leerstaende"]["objekt_id"].str.fullmatch(r"L-\d{4}").all()


def test_no_date_after_data_stand(d):
    for name, df in d.items():
        for col in TABLES[name].columns:
            if col.type == "date":
                assert (df[col.name].dropna() <= END).all(), f"{name}.{col.name}"


def test_participant_dates(d):
    tn = d["teilnehmende"]
    enrolled = tn["eintritt"].notna()
    assert (tn["erstkontakt"] >= pd.Timestamp("2015-10-01")).all()
    assert (tn["eintritt"][enrolled] >= tn["erstkontakt"][enrolled]).all()
    assert ((tn["eintritt"] - tn["erstkontakt"]).dt.days.dropna() <= 60).all()
    exited = tn["austritt"].notna()
    assert not (exited & ~enrolled).any()
    assert (tn["austritt"][exited] >= tn["eintritt"][exited]).all()
    assert (tn["austrittsgrund"].notna() == exited).all()
    assert (tn["geburtsjahr"] <= tn["erstkontakt"].dt.year - 15).all()
    assert _age(tn).between(18, 64).all()


def test_activities_inside_participation(d):
    tn = d["teilnehmende"].set_index("tn_id")
    a = d["aktivitaeten"].join(tn[["erstkontakt", "eintritt", "austritt"]], on="tn_id")
    upper = a["austritt"].fillna(END)
    assert (a["datum"] >= a["erstkontakt"]).all()
    assert (a["datum"] <= upper).all()
    not_enrolled = a["eintritt"].isna()
    assert (a["art"][not_enrolled] == "Erstgespräch").all()
    assert (a["datum"][not_enrolled] == a["erstkontakt"][not_enrolled]).all()
    assert (a["datum"][~not_enrolled & (a["art"] != "Erstgespräch")]
            >= a["eintritt"][~not_enrolled & (a["art"] != "Erstgespräch")]).all()
    assert a["dauer_min"].dropna().between(15, 480).all()


def test_business_and_vacancy_dates(d):
    b = d["betriebe"]
    closed = b["status"] == "geschlossen"
    assert (b["status_datum"].notna() == closed).all()
    assert (b["status_datum"][closed] > b["gruendung"][closed]).all()
    lz = d["leerstaende"]
    relet = lz["status"] == "wiederbelegt"
    assert (lz["wiederbelegt_am"].notna() == relet).all()
    lower = lz["leer_seit"].clip(lower=pd.Timestamp("2016-01-01"))
    assert (lz["wiederbelegt_am"][relet] >= lower[relet]).all()


def test_positions_inside_erfurt_and_own_district(d, shapes):
    for name in ("betriebe", "leerstaende"):
        df = d[name]
        assert df["lat"].between(ERFURT_BBOX["lat_min"], ERFURT_BBOX["lat_max"]).all()
        assert df["lon"].between(ERFURT_BBOX["lon_min"], ERFURT_BBOX["lon_max"]).all()
        for stadtteil, poly in shapes.items():
            rows = df[df["stadtteil"] == stadtteil]
            assert len(rows) > 0, f"{name}: nothing in {stadtteil}"
            inside = shapely.contains_xy(poly, rows["lon"].to_numpy(float),
                                         rows["lat"].to_numpy(float))
            assert inside.all(), f"{name}: points outside {stadtteil}"
        assert (df["stadtteil"].map(STADTTEILE) == df["quartier"]).all()


# --- plausibility -----------------------------------------------------------------------------

def test_district_statistics_match_2013_facts(d):
    st = d["stadtteile"]
    y13 = st[st["jahr"] == 2013]
    six = y13[y13["stadtteil"].isin(STADTTEILE)]
    assert len(six) == 6 and six["einwohner"].sum() == 62_408
    assert y13["einwohner"].sum() == 205_112
    for rate, area, city in (("sgb2_quote", 20.2, 14.6), ("alo_quote", 7.9, 6.3),
                             ("migrationsanteil", 8.2, 7.5)):
        w_six = np.average(six[rate].astype(float), weights=six["einwohner"].astype(float))
        w_city = np.average(y13[rate].astype(float), weights=y13["einwohner"].astype(float))
        assert abs(w_six - area) <= 0.05, (rate, w_six)
        assert abs(w_city - city) <= 0.05, (rate, w_city)
    assert sorted(st["jahr"].unique()) == list(range(2013, 2019))
    assert len(st) == 7 * 6
    assert st.loc[st["stadtteil"] == "Übriges Stadtgebiet", "quartier"].isna().all()
    assert st["flaeche_ha"].astype(float).groupby(st["jahr"]).sum().round(1).eq(26_988).all()
    sgb2 = y13.set_index("stadtteil")["sgb2_quote"]
    assert sgb2["Herrenberg"] > sgb2["Melchendorf"] and sgb2["Wiesenhügel"] > 20.2
    by_year = st[st["stadtteil"].isin(STADTTEILE)].groupby("jahr")
    assert by_year["einwohner"].sum()[2018] > 62_408
    assert by_year["alo_quote"].mean()[2018] < by_year["alo_quote"].mean()[2013]
    assert by_year["migrationsanteil"].mean()[2017] > by_year["migrationsanteil"].mean()[2015]


def test_participant_counts_and_shares(d):
    tn = d["teilnehmende"]
    n = len(tn)
    assert 700 <= n <= 1000
    enrolled = tn["eintritt"].notna()
    assert 0.80 <= enrolled.mean() <= 0.90
    age = _age(tn)
    share = {
        "w": (tn["geschlecht"] == "w").mean(), "55+": (age >= 55).mean(),
        "18-29": (age <= 29).mean(), "alleinerziehend": tn["alleinerziehend"].mean(),
        "migration": tn["migrationshintergrund"].mean(), "schutz": tn["schutzsuchend"].mean(),
        "ltu": tn["langzeitarbeitslos"].mean(),
        "ma": (tn["quartier"] == "Magdeburger Allee").mean(),
    }
    bands = {"w": (0.48, 0.56), "55+": (0.15, 0.21), "18-29": (0.21, 0.29),
             "alleinerziehend": (0.12, 0.18), "migration": (0.21, 0.29), "schutz": (0.07, 0.13),
             "ltu": (0.55, 0.65), "ma": (0.50, 0.60)}
    for key, (lo, hi) in bands.items():
        assert lo <= share[key] <= hi, (key, share[key])
    assert (tn["geschlecht"] == "d").sum() >= 3
    assert (tn["erstkontakt"][tn["schutzsuchend"]] >= pd.Timestamp("2016-01-01")).all()
    assert tn["migrationshintergrund"][tn["schutzsuchend"]].all()
    single = tn[tn["alleinerziehend"]]
    assert (single["geschlecht"] == "w").mean() > 0.8 and _age(single).between(20, 50).all()
    assert tn["langzeitarbeitslos"][age >= 55].mean() > tn["langzeitarbeitslos"].mean()
    assert 0.68 <= tn["sgb2_bezug"].dropna().mean() <= 0.82 and tn["sgb2_bezug"].isna().any()
    bildung = tn["bildungsniveau"].value_counts(normalize=True, dropna=False)
    assert 0.34 <= bildung["ISCED 0-2"] <= 0.46 and 0.44 <= bildung["ISCED 3-4"] <= 0.56
    assert set(tn["traeger"]) == {"KIK", "Euratibor"} and tn["stadtteil"].nunique() == 6
    kik = (tn["traeger"] == "KIK").groupby(tn["quartier"]).mean()
    assert kik["Magdeburger Allee"] > kik["Süd-Ost"]
    zugang = tn.groupby(tn["schutzsuchend"])["zugangsweg"].value_counts(normalize=True)
    assert zugang[True]["Aufsuchende Arbeit"] > zugang[False]["Aufsuchende Arbeit"]
    # contacts ramp up and continue into autumn 2018
    months = tn["erstkontakt"].dt.to_period("M").value_counts()
    assert months[pd.Period("2015-10", "M")] < months.median()
    assert months.index.max() >= pd.Period("2018-10", "M")


def test_activity_mix(d):
    tn, a = d["teilnehmende"], d["aktivitaeten"]
    enrolled = tn.loc[tn["eintritt"].notna(), "tn_id"]
    counts = a.groupby(["tn_id", "art"]).size().unstack(fill_value=0).reindex(enrolled,
                                                                             fill_value=0)
    assert (counts["Erstgespräch"] == 1).all()
    assert ((counts["Coaching"] + counts["Case Management"]) >= 2).mean() >= 0.85
    assert 0.38 <= (counts[PRAXIS].sum(axis=1) > 0).mean() <= 0.52
    assert set(a["art"]) == set(TABLES["aktivitaeten"].column("art").values)
    prak = a[a["art"] == "Praktikum"]
    assert prak["betrieb_id"].notna().mean() > 0.4
    assert a.loc[~a["art"].isin(PRAXIS), "betrieb_id"].isna().all()


def test_placements(d):
    tn, v, a = d["teilnehmende"], d["vermittlungen"], d["aktivitaeten"]
    exits = tn["austritt"].notna().sum()
    assert len(v) <= exits and 0.25 <= len(v) / exits <= 0.35
    assert 0.25 <= v["tn_id"].nunique() / exits <= 0.35
    last = v.sort_values("beginn").groupby("tn_id").tail(1).join(
        tn.set_index("tn_id")[["eintritt", "austritt", "austrittsgrund"]], on="tn_id")
    gap = (last["austritt"] - last["beginn"]).dt.days
    assert gap.between(0, 28).all()
    expected = np.where(last["art"] == "Ausbildung", "Ausbildung", "Arbeitsaufnahme")
    assert (last["austrittsgrund"] == expected).all()
    placed_reason = tn["austrittsgrund"].isin(["Arbeitsaufnahme", "Ausbildung"])
    assert set(tn.loc[placed_reason, "tn_id"]) == set(v["tn_id"])
    joined = v.join(tn.set_index("tn_id")[["eintritt"]], on="tn_id")
    assert (joined["beginn"] > joined["eintritt"]).all()
    observable = v["beginn"] <= pd.Timestamp("2018-06-30")
    assert (v["verbleib_6m"].notna() == observable).all()
    ja = (v.loc[observable, "verbleib_6m"] == "ja").mean()
    assert 0.55 <= ja <= 0.82
    arts = v["art"].value_counts(normalize=True)
    assert 0.27 <= arts["SV-pflichtig Vollzeit"] <= 0.45 and arts["Ausbildung"] >= 0.05
    assert "Logistik" in v["branche"].value_counts().index[:2]
    assert 0.18 <= v["betrieb_id"].notna().mean() <= 0.32
    # a linked business existed at the start, and its sector matches
    b = d["betriebe"].set_index("betrieb_id")
    host = b[["gruendung", "branche", "status_datum"]].rename(columns={"branche": "branche_b"})
    lv = v[v["betrieb_id"].notna()].join(host, on="betrieb_id")
    assert (lv["gruendung"] <= lv["beginn"]).all()
    assert (lv["status_datum"].isna() | (lv["status_datum"] > lv["beginn"])).all()
    sector = {"Einzelhandel": "Handel", "Gastronomie": "Gastronomie", "Handwerk": "Handwerk",
              "Logistik": "Logistik", "Pflege": "Pflege", "Reinigung": "Reinigung"}
    mapped = lv["branche_b"].map(sector).fillna("Sonstiges")
    assert (mapped == lv["branche"]).all()
    # most placed people had practical experience before the (last) placement
    pr = a[a["art"].isin(PRAXIS)].join(last.set_index("tn_id")["beginn"], on="tn_id", how="inner")
    before = pr.loc[pr["datum"] < pr["beginn"], "tn_id"].nunique() / len(last)
    assert before >= 0.72


def test_businesses_and_consultations(d):
    b, ber = d["betriebe"], d["beratungen"]
    assert 110 <= len(b) <= 150
    assert 0.22 <= b["migrantenoekonomie"].mean() <= 0.38
    assert 0.12 <= (b["status"] == "geschlossen").mean() <= 0.25
    assert (b["gruendung"].dt.year >= 2012).mean() >= 0.85
    assert b["beschaeftigte"].dropna().between(0, 25).all() and b["beschaeftigte"].isna().any()
    assert b["name"].str.len().gt(5).all()
    per_firm = ber.groupby("betrieb_id").size()
    assert per_firm.between(1, 8).all() and len(per_firm) == len(b)
    assert set(ber["format"]) == set(TABLES["beratungen"].column("format").values)
    assert ber["datum"].between(pd.Timestamp("2015-10-01"), END).all()
    assert ber["dauer_min"].between(30, 240).all()
    j = ber.join(b.set_index("betrieb_id")[["gruendung", "status_datum"]], on="betrieb_id")
    pre = j["format"] == "Vorgründungsberatung"
    assert (j.loc[pre, "datum"] <= j.loc[pre, "gruendung"]).all()
    assert (j.loc[~pre, "datum"] > j.loc[~pre, "gruendung"]).all()
    closed = ~pre & j["status_datum"].notna()
    assert (j.loc[closed, "datum"] < j.loc[closed, "status_datum"]).all()
    founded_after_advice = j[pre].groupby("betrieb_id")["datum"].min()
    assert len(founded_after_advice) >= 10


def test_vacancies(d):
    lz = d["leerstaende"]
    assert 60 <= len(lz) <= 100
    limits = {"Ladenlokal": (35, 250), "Büro": (40, 400), "Gewerbeeinheit": (80, 900),
              "Brachfläche": (800, 25_000)}
    for art, (lo, hi) in limits.items():
        assert lz.loc[lz["art"] == art, "flaeche_m2"].between(lo, hi).all(), art
    assert lz["art"].value_counts().index[0] == "Ladenlokal"
    assert lz["leer_seit"].dt.year.between(2009, 2018).all()
    assert 0.18 <= (lz["status"] == "wiederbelegt").mean() <= 0.42
    reused = lz["status"].isin(["wiederbelegt", "Zwischennutzung"])
    assert lz.loc[reused, "nachnutzung"].notna().mean() > 0.8
    assert lz.loc[lz["status"].isin(["leer", "in Vermarktung"]), "nachnutzung"].isna().all()
    assert 0.3 <= lz["oeffentlich"].mean() <= 0.5
    assert lz["adresse"].str.fullmatch(r".+ \d+[a-z]?").all()


def test_targets(d):
    z, tn, v = d["ziele"], d["teilnehmende"], d["vermittlungen"]
    assert (z["bis"] == END).all()
    overall = z[z["quartier"].isna() & z["zielgruppe"].isna()]
    assert set(overall["kennzahl"]) == set(TABLES["ziele"].column("kennzahl").values)
    per_area = z[z["quartier"].notna()]
    assert set(zip(per_area["kennzahl"], per_area["quartier"])) == {
        (k, q) for k in ("teilnehmende", "eintritte", "vermittlungen")
        for q in ("Magdeburger Allee", "Süd-Ost")}
    groups = z[z["zielgruppe"].notna()]
    assert set(groups.loc[groups["kennzahl"] == "teilnehmende", "zielgruppe"]) == set(ZIELGRUPPEN)
    age = _age(tn)
    mask = {"alleinerziehend": tn["alleinerziehend"], "55plus": age >= 55,
            "migrationshintergrund": tn["migrationshintergrund"],
            "schutzsuchend": tn["schutzsuchend"], "langzeitarbeitslos": tn["langzeitarbeitslos"]}
    area = v["tn_id"].map(tn.set_index("tn_id")["quartier"])
    ratios = []
    for r in z.itertuples():
        sel = pd.Series(True, index=tn.index)
        if isinstance(r.quartier, str):
            sel &= tn["quartier"] == r.quartier
        if isinstance(r.zielgruppe, str):
            sel &= mask[r.zielgruppe]
        actual = {
            "teilnehmende": sel.sum(),
            "eintritte": (sel & tn["eintritt"].notna()).sum(),
            "vermittlungen": (area == r.quartier).sum() if isinstance(r.quartier, str) else len(v),
            "verbleib_6m": (v["verbleib_6m"] == "ja").sum(),
            "betriebe_beraten": d["beratungen"]["betrieb_id"].nunique(),
            "leerstaende_wiederbelegt": (d["leerstaende"]["status"] == "wiederbelegt").sum(),
        }[r.kennzahl]
        ratios.append(actual / r.zielwert)
    ratios = np.array(ratios)
    assert ((ratios >= 0.85) & (ratios <= 1.10)).all(), ratios
    assert (ratios < 1).any() and (ratios > 1).any()


# --- shapes and scale ---------------------------------------------------------------------------

def test_schematic_districts():
    gdf = schematic_districts()
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf.columns) == ["stadtteil", "quartier", "schematisch", "geometry"]
    assert set(gdf["stadtteil"]) == set(STADTTEILE) and gdf["schematisch"].all()
    assert (gdf["quartier"] == gdf["stadtteil"].map(STADTTEILE)).all()
    assert gdf.geometry.is_valid.all()
    geoms = list(gdf.geometry)
    for i, g in enumerate(geoms):
        for h in geoms[i + 1:]:
            assert not g.intersects(h)
    ha = gdf.to_crs(25832).area / 10_000
    target = {"Ilversgehofen": 274, "Herrenberg": 169, "Wiesenhügel": 45, "Melchendorf": 564}
    for name, want in target.items():
        assert abs(ha[gdf["stadtteil"] == name].iloc[0] / want - 1) < 0.05


def test_scale_multiplies_people_not_districts():
    one, three = generate(scale=1), generate(scale=3)
    for name in ("teilnehmende", "betriebe", "leerstaende"):
        ratio = len(three[name]) / len(one[name])
        assert 2.6 <= ratio <= 3.4, (name, ratio)
    assert three["teilnehmende"]["tn_id"].str.fullmatch(r"TN-\d{6}").all()
    pd.testing.assert_frame_equal(one["stadtteile"], three["stadtteile"])
    assert (three["ziele"]["zielwert"] % 3 == 0).all()
    ratio = three["ziele"]["zielwert"].sum() / one["ziele"]["zielwert"].sum()
    assert 2.6 <= ratio <= 3.4


def test_committed_demo_hashes_equal_a_fresh_chunked_demo_run(tmp_path):
    """Issue 14: `demo` now writes block by block, appending; at scale 1 the files are the
    committed ones byte for byte (SHA-256 of every file of data/demo)."""
    import hashlib
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "biwaq", "demo", "--out", str(tmp_path / "d")],
                       cwd=COMMITTED.parents[1], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    sha = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()   # noqa: E731
    assert {p.name: sha(p) for p in COMMITTED.iterdir()} == {
        p.name: sha(p) for p in (tmp_path / "d").iterdir()}


def test_blocks_of_people_append_to_the_same_files_as_whole_frames(tmp_path, monkeypatch):
    """With blocks of one scale unit, scale 3 is three blocks: the appended files equal the
    whole frames of generate() written at once; ids run on across blocks."""
    import biwaq.einlesen.demo as demo
    from biwaq.einlesen.fileio import write_contract_csv

    monkeypatch.setattr(demo, "BLOCK_FAKTOR", 1)
    frames = demo.generate(scale=3)
    write_demo(tmp_path / "blocks", scale=3)
    for name, df in frames.items():
        write_contract_csv(df, name, tmp_path / f"{name}.csv")
        assert ((tmp_path / "blocks" / f"{name}.csv").read_bytes()
                == (tmp_path / f"{name}.csv").read_bytes()), name
    tn = frames["teilnehmende"]["tn_id"]
    assert tn.tolist() == [f"TN-{i:06d}" for i in range(1, len(tn) + 1)]
    for name in ("aktivitaeten", "vermittlungen"):
        assert frames[name]["tn_id"].isin(set(tn)).all()
    # three blocks of about 850 people each
    assert 2.6 <= len(tn) / len(demo.generate(scale=1)["teilnehmende"]) <= 3.4


def test_fast_writer_quotes_and_formats_like_pythons_csv(tmp_path):
    """Issue 14: `demo` formats columns with Arrow instead of pandas' to_csv. Cells that need
    quoting, empty cells and every column type give the bytes write_contract_csv gives;
    the expected lines are worked out by hand (QUOTE_MINIMAL: ';', '"' and line feed are
    quoted, quotes doubled; '\\r' is not quoted with lineterminator '\\n')."""
    import biwaq.einlesen.demo as demo
    from biwaq.einlesen.fileio import write_contract_csv

    df = pd.DataFrame({
        "betrieb_id": ["B-1", "B-2", "B-3"],
        "name": ['Café "Ost"; Inh. K.', "Zwei\nZeilen", "Wagen\rRücklauf"],
        "quartier": ["Süd-Ost", None, "Magdeburger Allee"],
        "stadtteil": pd.Series(["Herrenberg", "Wiesenhügel", np.nan], dtype="str"),
        "branche": ["Handel", "", "Handel"],
        "gruendung": pd.to_datetime(["1999-02-01", None, "2018-12-31"]).astype("datetime64[s]"),
        "migrantenoekonomie": pd.array([True, None, False], dtype="boolean"),
        "beschaeftigte": pd.array([5, None, 12_345], dtype="Int64"),
        "status": ["aktiv", "aktiv", "geschlossen"],
        "status_datum": pd.Series([pd.NaT] * 3, dtype="datetime64[s]"),
        "lat": [50.95, np.nan, 51.0],
        "lon": [11.039546, 11.0, np.nan],
    })
    demo._schreibe(df.iloc[:1], "betriebe", tmp_path / "schnell.csv", anhaengen=False)
    demo._schreibe(df.iloc[1:], "betriebe", tmp_path / "schnell.csv", anhaengen=True)
    write_contract_csv(df, "betriebe", tmp_path / "pandas.csv")
    schnell = (tmp_path / "schnell.csv").read_bytes()
    assert schnell == (tmp_path / "pandas.csv").read_bytes()
    kopf = ";".join(TABLES["betriebe"].column_names)
    assert schnell.decode("utf-8") == (
        "\ufeff" + kopf + "\n"
        'B-1;"Café ""Ost""; Inh. K.";Süd-Ost;Herrenberg;Handel;01.02.1999;ja;5;aktiv;;50,95;11,039546\n'
        'B-2;"Zwei\nZeilen";;Wiesenhügel;;;;;aktiv;;;11\n'
        "B-3;Wagen\rRücklauf;Magdeburger Allee;;Handel;31.12.2018;nein;12345;geschlossen;;51;\n")
