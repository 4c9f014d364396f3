"""Issue 13.5: role `wirtschaft` must not learn a placed person's target group by comparing
filter variants on the Betriebe page (participant figures follow the public small-count
rule and ignore participant filters for every role except `steuerung`)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
from streamlit.testing.v1 import AppTest

from biwaq.oeffentlich import disclosure as dc
from biwaq.zahlen import kennzahlen as kz
from biwaq.oeffentlich import rollenschutz as rs
from conftest import demo_con
from test_auth import als_rolle

I = dc.INSGESAMT


def test_small_counts_and_what_reveals_them_are_suppressed():
    """Worked by hand: Magdeburger Allee: Laden 5, Kiosk 2 → Kiosk is not named, „weitere
    Betriebe“ = 2 is primary; then Laden = 7 − 2 would reveal it, so Laden is secondary.
    Süd-Ost: Bäcker 4, Friseur 1 → weitere = 1, Bäcker secondary. Totals 7, 5, 12 stay."""
    platz = pd.DataFrame([
        dict(betrieb_id="B1", name="Bäcker", quartier="Süd-Ost", vermittlungen=4),
        dict(betrieb_id="B2", name="Friseur", quartier="Süd-Ost", vermittlungen=1),
        dict(betrieb_id="B3", name="Laden", quartier="Magdeburger Allee", vermittlungen=5),
        dict(betrieb_id="B4", name="Kiosk", quartier="Magdeburger Allee", vermittlungen=2)])
    tab = rs.vermittlungen_geschuetzt(platz)
    assert set(tab["Betrieb"]) == {"Laden", "Bäcker", rs.WEITERE, I}   # 1–2 hires: no name
    assert rs.wert(tab, "Magdeburger Allee", rs.WEITERE) is None
    assert rs.wert(tab, "Süd-Ost", rs.WEITERE) is None
    assert rs.wert(tab, "Magdeburger Allee", "Laden") is None
    assert rs.wert(tab, "Süd-Ost", "Bäcker") is None
    assert rs.wert(tab, "Magdeburger Allee") == 7 and rs.wert(tab, "Süd-Ost") == 5
    assert rs.wert(tab) == 12
    # A period with a single placement: everything that shows it is suppressed.
    eins = rs.vermittlungen_geschuetzt(platz.iloc[[1]])
    assert rs.wert(eins) is None and rs.wert(eins, "Süd-Ost") is None
    assert rs.wert(eins, "Magdeburger Allee") == 0
    assert not (eins["Vermittlungen"].dropna().between(1, 2)).any()


def _app(rolle: str) -> AppTest:
    return als_rolle(rolle, "pages/oekonomie/betriebe.py")


def _vermittlungen(at: AppTest, kid: str = "vermittlungen_lokale_betriebe_geschuetzt"):
    label = kz.label(kid)
    wert = next(m.value for m in at.metric if m.label == label)
    tabellen = [d.value.rename(columns={label: "Vermittlungen"}) for d in at.dataframe
                if label in d.value.columns and "Betrieb" in d.value.columns]
    return wert, tabellen


def _ein_tag_mit_gefluechteter_einstellung(db) -> dt.date:
    con = demo_con(db)
    try:
        return con.execute("""
            select v.beginn from vermittlungen v join teilnehmende t using (tn_id)
            where v.betrieb_id is not null
            group by 1 having count(*) filter (where t.schutzsuchend) > 0
            order by count(*), 1 limit 1""").fetchone()[0]
    finally:
        con.close()


def test_one_day_differencing_reveals_nothing_to_wirtschaft(demo_env):
    """The issue's case: one-day period, Zielgruppe „Alle“ vs „Geflüchtete“. For
    `steuerung` the two differ (the detail is theirs to see); for `wirtschaft` they are the
    same, the count is `*`, and no business is named."""
    tag = _ein_tag_mit_gefluechteter_einstellung(demo_env)

    st = _app("steuerung")
    st.date_input(key="filter_zeitraum").set_value((tag, tag)).run()
    st_alle, _ = _vermittlungen(st, "vermittlungen_lokale_betriebe")
    assert st_alle in ("1", "2")          # the demo has such a day: the case is real

    at = _app("wirtschaft")
    at.date_input(key="filter_zeitraum").set_value((tag, tag)).run()
    alle_wert, alle_tab = _vermittlungen(at)
    at.selectbox(key="filter_zielgruppe").set_value("schutzsuchend").run()
    assert not at.exception
    gefl_wert, gefl_tab = _vermittlungen(at)
    at.selectbox(key="filter_traeger").set_value("KIK").run()
    kik_wert, kik_tab = _vermittlungen(at)

    assert alle_wert == gefl_wert == kik_wert == "*"
    assert len(alle_tab) == len(gefl_tab) == 1
    for a, b in ((alle_tab[0], gefl_tab[0]), (alle_tab[0], kik_tab[0])):
        pd.testing.assert_frame_equal(a, b)
    tab = alle_tab[0]
    assert set(tab["Betrieb"]) <= {rs.WEITERE, I}          # no business named
    assert not tab["Vermittlungen"].isin(["1", "2"]).any()
    # No placement type or retention of the placed person reaches this role.
    assert list(tab.columns) == ["Quartier", "Betrieb", "Vermittlungen"]
    texte = " ".join(c.value for c in at.caption)
    assert "Träger, Zielgruppe und Branche gelten nicht" in texte


def test_wirtschaft_sees_protected_totals_for_the_whole_period(demo_env):
    at = _app("wirtschaft")
    wert, (tab,) = _vermittlungen(at)
    con = demo_con(demo_env)
    try:
        n = con.execute("""select count(*) from vermittlungen
                           where betrieb_id is not null
                             and beginn between '2015-10-01' and '2018-12-31'""").fetchone()[0]
        kleine = {r[0] for r in con.execute("""
            select b.name from vermittlungen v join betriebe b using (betrieb_id)
            where v.beginn between '2015-10-01' and '2018-12-31'
            group by b.betrieb_id, b.name having count(*) < 3""").fetchall()}
        grosse = {r[0] for r in con.execute("""
            select b.name from vermittlungen v join betriebe b using (betrieb_id)
            where v.beginn between '2015-10-01' and '2018-12-31'
            group by b.betrieb_id, b.name having count(*) >= 3""").fetchall()}
    finally:
        con.close()
    assert wert == f"{n:,}".replace(",", ".")              # whole-period total is shown
    genannt = set(tab["Betrieb"]) - {rs.WEITERE, I}
    assert genannt == grosse and not (genannt & (kleine - grosse))
    assert not tab["Vermittlungen"].isin(["1", "2"]).any()
