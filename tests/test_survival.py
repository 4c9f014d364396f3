"""Kaplan–Meier estimator: hand-worked fixtures with censoring and delayed entry."""
from __future__ import annotations

import math

import numpy as np
import pytest

from biwaq.zahlen.survival import kaplan_meier, n_risiko_bei, tage_in_monate, wert_bei

# Six businesses, time in months since founding, all observed from founding on:
#   A closes at 3, B censored at 5, C closes at 6, D censored at 6, E closes at 10,
#   F censored at 14.
DAUER = [3, 5, 6, 6, 10, 14]
EREIGNIS = [True, False, True, False, True, False]


def test_product_limit_by_hand():
    km = kaplan_meier(DAUER, EREIGNIS)
    assert km["zeit"].tolist() == [0, 3, 5, 6, 10, 14]
    # t=3: all 6 at risk, 1 closes        -> S = 5/6
    # t=5: B censored, S unchanged; 5 at risk
    # t=6: C, D, E, F at risk (4), 1 closes -> S = 5/6 * 3/4 = 0.625 (D censored after C)
    # t=10: E, F at risk (2), 1 closes     -> S = 0.625 * 1/2 = 0.3125
    # t=14: F censored, 1 at risk
    assert km["n_risiko"].tolist() == [6, 6, 5, 4, 2, 1]
    assert km["ereignisse"].tolist() == [0, 1, 0, 1, 1, 0]
    assert km["zensiert"].tolist() == [0, 0, 1, 1, 0, 1]
    assert km["ueberleben"].tolist() == pytest.approx([1, 5 / 6, 5 / 6, 0.625, 0.3125, 0.3125])


def test_values_at_12_and_24_months_and_number_at_risk():
    km = kaplan_meier(DAUER, EREIGNIS)
    assert wert_bei(km, 12)["ueberleben"] == pytest.approx(0.3125)   # last step before 12: t=10
    assert wert_bei(km, 6)["ueberleben"] == pytest.approx(0.625)     # the step at 6 counts
    assert wert_bei(km, 5.9)["ueberleben"] == pytest.approx(5 / 6)
    assert math.isnan(wert_bei(km, 24)["ueberleben"])                # nobody observed that long
    assert n_risiko_bei(DAUER, None, 12) == 1                        # only F (censored at 14)
    assert n_risiko_bei(DAUER, None, 6) == 4
    assert n_risiko_bei(DAUER, None, 0) == 6


def test_greenwood_log_log_band_by_hand():
    km = kaplan_meier(DAUER, EREIGNIS)
    # Greenwood sum at t=6: 1/(6*5) + 1/(4*3) = 1/30 + 1/12 = 7/60
    # log-log band: log(-ln S) ± z*sqrt(sum)/|ln S| with z = 1.959964:
    # ln 0.625 = -0.4700, log(0.4700) = -0.7550, 1.96*sqrt(7/60)/0.4700 = 1.4245
    # lower: exp(-exp(-0.7550 + 1.4245)) = exp(-1.9532) = 0.1418
    # upper: exp(-exp(-0.7550 - 1.4245)) = exp(-0.1131) = 0.8931
    s, g, z = 0.625, 7 / 60, 1.959963985
    lo = math.exp(-math.exp(math.log(-math.log(s)) + z * math.sqrt(g) / -math.log(s)))
    hi = math.exp(-math.exp(math.log(-math.log(s)) - z * math.sqrt(g) / -math.log(s)))
    row = km[km["zeit"] == 6].iloc[0]
    assert (row["ci_unten"], row["ci_oben"]) == pytest.approx((lo, hi))
    assert lo == pytest.approx(0.1418, abs=1e-4) and hi == pytest.approx(0.8931, abs=1e-4)
    assert km.loc[0, ["ci_unten", "ci_oben"]].tolist() == [1.0, 1.0]


def test_delayed_entry_keeps_late_comers_out_of_early_risk_sets():
    # A entry 0 closes at 4; B entry 2 closes at 8; C entry 5 censored at 9; D entry 0
    # censored at 12.
    dauer, ereignis, eintritt = [4, 8, 9, 12], [True, True, False, False], [0, 2, 5, 0]
    km = kaplan_meier(dauer, ereignis, eintritt)
    # t=4: at risk A, B, D (C only enters at 5) -> S = 2/3 (ignoring entry would give 3/4)
    # t=8: at risk B, C, D, 1 closes         -> S = 2/3 * 2/3 = 4/9
    assert km["zeit"].tolist() == [0, 4, 8, 9, 12]
    assert km["n_risiko"].tolist() == [2, 3, 3, 2, 1]
    assert km["ueberleben"].tolist() == pytest.approx([1, 2 / 3, 4 / 9, 4 / 9, 4 / 9])
    naive = kaplan_meier(dauer, ereignis)
    assert naive.loc[1, "ueberleben"] == pytest.approx(3 / 4)
    assert n_risiko_bei(dauer, eintritt, 3) == 3     # A, B, D; C not yet under observation
    assert n_risiko_bei(dauer, eintritt, 10) == 1    # only D


def test_all_closing_gives_zero_and_rejects_bad_input():
    km = kaplan_meier([1, 2], [True, True])
    assert km["ueberleben"].tolist() == pytest.approx([1, 0.5, 0.0])
    assert km["ci_unten"].iloc[-1] == 0.0
    with pytest.raises(ValueError):
        kaplan_meier([2, 3], [True, False], [2.5, 0])    # ends before it entered


def test_closure_at_entry_time_counts_field_case_11():
    # Field case 11: 4 businesses, first consultation 01.03.2016 for all; B-7401 closes that
    # day, B-7402 six months later, two stay active until the data stand (about 34 months).
    # Since first consultation: t=0: 4 at risk, 1 closes -> S = 3/4;
    # t=6: 3 at risk, 1 closes -> S = 3/4 * 2/3 = 1/2, so 12 months: 50 % (shown was 67 %).
    km = kaplan_meier([0, 6, 34, 34], [True, True, False, False])
    assert wert_bei(km, 0)["ueberleben"] == pytest.approx(0.75)
    assert wert_bei(km, 12)["ueberleben"] == pytest.approx(0.5)
    # Since founding with delayed entry: founded 9 months before the first consultation.
    # t=9: all 4 entered (eintritt <= t), 1 closes -> 3/4; t=15: 3 at risk, 1 closes -> 1/2.
    km = kaplan_meier([9, 15, 43, 43], [True, True, False, False], [9, 9, 9, 9])
    assert km.set_index("zeit").loc[9, "n_risiko"].max() == 4
    assert wert_bei(km, 24)["ueberleben"] == pytest.approx(0.5)
    # A business entering on a day when another closes is at risk that day (whole days):
    # A entry 0 closes 4; B enters 4, censored 10; C entry 0, censored 12.
    # t=4: A, B, C at risk, 1 closes -> S = 2/3 (with B left out: 1/2).
    km = kaplan_meier([4, 10, 12], [True, False, False], [0, 4, 0])
    assert wert_bei(km, 4)["ueberleben"] == pytest.approx(2 / 3)
    assert n_risiko_bei([4, 10, 12], [0, 4, 0], 4) == 3


def test_closure_at_entry_agrees_with_lifelines_field_case_11():
    lifelines = pytest.importorskip("lifelines")
    for dauer, eintritt in (([0, 6, 34, 34], [0, 0, 0, 0]), ([9, 15, 43, 43], [9, 9, 9, 9])):
        ereignis = [True, True, False, False]
        ours = (kaplan_meier(dauer, ereignis, eintritt).drop_duplicates("zeit", keep="last")
                .set_index("zeit")["ueberleben"])
        theirs = lifelines.KaplanMeierFitter().fit(dauer, ereignis, entry=eintritt) \
            .survival_function_["KM_estimate"]
        common = ours.index.intersection(theirs.index)
        assert len(common) == 3
        np.testing.assert_allclose(ours[common], theirs[common], rtol=1e-12)


def test_months_from_days():
    assert tage_in_monate([365.25, 730.5]).tolist() == pytest.approx([12.0, 24.0])


def test_agrees_with_lifelines_on_random_data_with_entry():
    lifelines = pytest.importorskip("lifelines")
    rng = np.random.default_rng(7)
    n = 300
    # late entries at x.x5, ends at x.x0: no entry falls on a later event time, where lifelines
    # (entrants at t not yet at risk, except at its first time) and our whole-day rule differ
    eintritt = np.where(rng.random(n) < 0.4, rng.uniform(0, 20, n).round(1) + 0.05, 0.0)
    dauer = (eintritt + rng.exponential(18, n) + 0.1).round(1)
    ereignis = rng.random(n) < 0.6
    ours = kaplan_meier(dauer, ereignis, eintritt).set_index("zeit")
    kmf = lifelines.KaplanMeierFitter().fit(dauer, ereignis, entry=eintritt)
    theirs = kmf.survival_function_["KM_estimate"]
    common = ours.index.intersection(theirs.index)
    assert len(common) > 100
    np.testing.assert_allclose(ours.loc[common, "ueberleben"], theirs.loc[common], rtol=1e-10)
    band = kmf.confidence_interval_survival_function_
    lo = band.iloc[:, 0].reindex(common)
    ok = lo.notna() & (ours.loc[common, "ueberleben"] < 1)
    np.testing.assert_allclose(ours.loc[common[ok], "ci_unten"], lo[ok], rtol=1e-8)
