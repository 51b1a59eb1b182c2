"""CLV: historical margin, the RFM summary, BG/NBD and Gamma-Gamma, predictive CLV.

Part (a) checks every function on tiny hand-made inputs, the expected values written as
arithmetic or as the published formula evaluated independently (math.lgamma, scipy's
hypergeometric function, numerical integration). Part (b) fits the models to data simulated
from known parameters and checks the parameters come back. Part (c) runs the module on the
generated sample (two seeds): the CLV half of planted story 8.
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special

from c360lab import clv, journey, profitability
from c360lab.clv import (
    BGNBDParams,
    GammaGammaParams,
    bgnbd_log_likelihood,
    clv_by_group,
    expected_purchases,
    expected_spend,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
    historical_clv,
    predictive_clv,
    probability_alive,
    rfm_from_clean,
    rfm_summary,
    simulate_summary,
)
from c360lab.contract import C360DataError

END = pd.Timestamp("2026-01-01")
BG = BGNBDParams(r=0.5, alpha=60.0, a=0.8, b=3.0)
GG = GammaGammaParams(p=6.0, q=4.0, v=150_000.0)
PAID_ADS = ["facebook_ads", "tiktok_ads"]


# == (a) hand-made examples ======================================================================

def _tx() -> pd.DataFrame:
    # A: 1 Dec (two orders, 30k + 20k), 11 Dec (100k), 31 Dec (300k)
    # B: 20 Dec only.  C: 1 Nov (5k) and 2 Nov (-1k: a margin can be negative).
    return pd.DataFrame({
        "customer_id": ["B", "A", "A", "A", "A", "C", "C"],
        "order_time": pd.to_datetime(["2025-12-20 10:00", "2025-12-01 08:00",
                                      "2025-12-01 20:00", "2025-12-11 09:30",
                                      "2025-12-31 23:00", "2025-11-01 12:00",
                                      "2025-11-02 12:00"]),
        "gross_margin_vnd": [70_000, 30_000, 20_000, 100_000, 300_000, 5_000, -1_000],
    })


def test_rfm_summary_counts_purchase_days_and_ages_by_hand():
    s = rfm_summary(_tx()).set_index("customer_id")
    assert s.index.tolist() == ["A", "B", "C"]
    # A: days 1, 11, 31 Dec -> 2 repeats; last at age 30; T = 1 Dec -> 1 Jan = 31 days
    assert s.loc["A", ["frequency", "recency", "T"]].tolist() == [2, 30, 31]
    assert s.loc["A", "monetary_value"] == (100_000 + 300_000) / 2  # the first day left out
    assert s.loc["A", "first_purchase"] == pd.Timestamp("2025-12-01 08:00")
    assert s.loc["B", ["frequency", "recency", "T", "monetary_value"]].tolist() == [0, 0, 12, 0]
    # C: a negative margin is a value like any other
    assert s.loc["C", ["frequency", "recency", "T", "monetary_value"]].tolist() == [1, 1, 61,
                                                                                     -1_000]


def test_rfm_summary_in_weeks_merges_purchases_of_the_same_week():
    s = rfm_summary(_tx(), freq="W").set_index("customer_id")
    # A: days 0, 10, 30 from the first -> weeks 0, 1, 4; T = 31 days = 4 whole weeks
    assert s.loc["A", ["frequency", "recency", "T"]].tolist() == [2, 4, 4]
    # C: days 0 and 1 are one week: one purchase worth 4,000, no repeat
    assert s.loc["C", ["frequency", "recency", "T", "monetary_value"]].tolist() == [0, 0, 8, 0]


def test_rfm_summary_end_of_observation_is_exclusive_and_may_be_any_time():
    late = _tx()
    with pytest.raises(C360DataError, match="on or after observation_end"):
        rfm_summary(late, observation_end=pd.Timestamp("2025-12-31 23:00"))
    s = rfm_summary(late, observation_end=pd.Timestamp("2026-01-01 06:00")).set_index(
        "customer_id")
    assert s.loc["B", "T"] == 13  # 20 Dec -> 1 Jan 06:00 is 12 days and a part: age 13 days


@pytest.mark.parametrize("change, message", [
    (lambda t: t.iloc[0:0], "has no transactions"),
    (lambda t: t.drop(columns="gross_margin_vnd"), "is missing"),
    (lambda t: t.assign(order_time=t["order_time"].astype("str")), "is not a date column"),
    (lambda t: t.assign(gross_margin_vnd=[1.0, np.nan, 1, 1, 1, 1, 1]), "is empty"),
    (lambda t: t.assign(gross_margin_vnd=[1.0, np.inf, 1, 1, 1, 1, 1]), "not a finite number"),
    (lambda t: t.assign(customer_id=["A", None, "A", "A", "A", "C", "C"]), "is empty"),
])
def test_rfm_summary_rejects_bad_transactions_clearly(change, message):
    with pytest.raises(C360DataError, match=message):
        rfm_summary(change(_tx()))


def test_rfm_summary_rejects_an_unknown_time_unit():
    with pytest.raises(ValueError, match="freq must be one of D, W"):
        rfm_summary(_tx(), freq="M")


def _clean() -> dict:
    # C1: completed 1 Nov (margin 100k), completed 1 Dec with 20k discount (margin 180k),
    #     returned 15 Dec (loses 30k shipping), completed 2 Jan 2026 (after the end).
    # C2: cancelled only.
    orders = pd.DataFrame({
        "order_id": ["O1", "O2", "O3", "O4", "O5"],
        "customer_id": ["C1", "C1", "C1", "C1", "C2"],
        "order_time": pd.to_datetime(["2025-11-01", "2025-12-01", "2025-12-15", "2026-01-02",
                                      "2025-12-20"]),
        "status": ["completed", "completed", "returned", "completed", "cancelled"],
        "discount_vnd": [0, 20_000, 0, 0, 0], "shipping_vnd": [30_000] * 5})
    lines = pd.DataFrame({"order_id": ["O1", "O2", "O3", "O4", "O5"],
                          "quantity": [1, 2, 1, 1, 1], "unit_price_vnd": [300_000] * 5,
                          "unit_cost_vnd": [200_000] * 5})
    return {"shop_orders": orders, "order_lines": lines}


def test_rfm_from_clean_uses_completed_orders_at_their_margin():
    s = rfm_from_clean(_clean())
    assert s["customer_id"].tolist() == ["C1"]  # C2 never bought; O4 is after the end
    row = s.iloc[0]
    assert (row["frequency"], row["recency"], row["T"]) == (1, 30, 61)
    assert row["monetary_value"] == 2 * 300_000 - 20_000 - 2 * 200_000


def test_historical_clv_sums_every_order_margin_before_as_of():
    h = historical_clv(_clean()).set_index("customer_id")
    assert h.loc["C1", "historical_clv_vnd"] == 100_000 + 180_000 - 30_000
    assert h.loc["C1", ["orders", "completed_orders"]].tolist() == [3, 2]
    assert h.loc["C1", "tenure_days"] == 61
    assert h.loc["C2", "historical_clv_vnd"] == 0
    early = historical_clv(_clean(), as_of=pd.Timestamp("2025-12-01")).set_index("customer_id")
    assert early.index.tolist() == ["C1"]
    assert early.loc["C1", "historical_clv_vnd"] == 100_000


def test_clv_by_group_by_hand():
    t = pd.DataFrame({"customer_id": ["A", "B", "C", "D", "E"],
                      "historical_clv_vnd": [300, 100, 200, 0, 50]})
    groups = pd.Series({"A": "referral", "B": "facebook_ads", "C": "referral", "E": None,
                        "Z": "seo"})
    g = clv_by_group(t, groups)
    assert g.index.tolist() == ["referral", "facebook_ads", "unknown"]
    assert g.loc["referral"].tolist() == [2, 250, 250, 500, 500 / 650, 250 / 130]
    assert g.loc["unknown", ["customers", "mean_vnd", "total_vnd"]].tolist() == [2, 25, 50]
    with pytest.raises(C360DataError, match="is missing"):
        clv_by_group(t, groups, value_col="predictive_clv_vnd")
    with pytest.raises(C360DataError, match="has no customers"):
        clv_by_group(t.iloc[0:0], groups)
    with pytest.raises(ValueError, match="one group per customer_id"):
        clv_by_group(t, pd.Series(["seo", "referral"], index=["A", "A"]))


def _bg_direct(r, alpha, a, b, x, tx, T):
    """The BG/NBD likelihood of Fader, Hardie & Lee (2005), term by term with math.lgamma."""
    def lbeta(u, v):
        return math.lgamma(u) + math.lgamma(v) - math.lgamma(u + v)
    common = math.lgamma(r + x) - math.lgamma(r) + r * math.log(alpha)
    first = math.exp(lbeta(a, b + x) - lbeta(a, b) + common - (r + x) * math.log(alpha + T))
    second = 0.0
    if x > 0:
        second = math.exp(lbeta(a + 1, b + x - 1) - lbeta(a, b) + common
                          - (r + x) * math.log(alpha + tx))
    return math.log(first + second)


def test_bgnbd_log_likelihood_matches_the_formula_term_by_term():
    cases = [(0, 0.0, 40.0), (1, 10.0, 40.0), (4, 39.0, 40.0), (25, 300.0, 700.0)]
    for params in [(0.5, 10.0, 0.8, 2.0), (2.0, 120.0, 3.0, 0.7)]:
        got = bgnbd_log_likelihood(params, *zip(*cases))
        want = [_bg_direct(*params, *c) for c in cases]
        np.testing.assert_allclose(got, want, rtol=1e-12)
    with pytest.raises(ValueError, match="whole numbers"):
        bgnbd_log_likelihood(BG, [1.5], [3.0], [10.0])


def test_bgnbd_likelihood_is_a_probability_for_new_customers():
    # the likelihood is the density of the x purchase times; integrating out the first x − 1
    # (ordered, below t_x: volume t_x^(x−1)/(x−1)!) and t_x, then summing over x gives 1
    T = 50.0

    def density(tx, x):
        ll = bgnbd_log_likelihood(BG, [x], [tx], [T])[0]
        return math.exp(ll + (x - 1) * math.log(tx) - math.lgamma(x))

    total = math.exp(bgnbd_log_likelihood(BG, [0], [0.0], [T])[0])
    for x in range(1, 120):
        total += integrate.quad(density, 0, T, args=(x,))[0]
    assert total == pytest.approx(1.0, abs=1e-7)


def test_probability_alive_matches_the_formula_and_stays_in_0_1():
    r, alpha, a, b = 0.5, 10.0, 0.8, 2.0
    got = probability_alive((r, alpha, a, b), [0, 3, 3], [0, 55, 5], [60, 60, 60])
    assert got[0] == 1.0  # no repeat purchase: no chance yet to leave
    for i, tx in ((1, 55), (2, 5)):
        assert got[i] == pytest.approx(1 / (1 + a / (b + 3 - 1) * ((alpha + 60) / (alpha + tx))
                                            ** (r + 3)))
    s = simulate_summary(2_000, BG, seed=3)
    p = probability_alive(BG, s["frequency"], s["recency"], s["T"])
    assert ((p >= 0) & (p <= 1)).all()
    # the longer the silence since the last purchase, the less likely alive
    later = probability_alive(BG, [5] * 4, [100, 100, 100, 100], [100, 200, 400, 800])
    assert (np.diff(later) < 0).all()


def _expected_closed_form(r, alpha, a, b, t, x, tx, T):
    """The conditional expectation of Fader, Hardie & Lee (2005) with scipy's 2F1."""
    z = t / (alpha + T + t)
    head = (a + b + x - 1) / (a - 1) * (
        1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * special.hyp2f1(r + x, b + x,
                                                                        a + b + x - 1, z))
    alive = 1.0 if x == 0 else 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))
    return head * alive


@pytest.mark.parametrize("params", [(0.5, 10.0, 0.8, 2.0), (0.24, 4.4, 0.79, 2.43),
                                    (3.0, 90.0, 2.5, 12.0), (0.9, 31.0, 0.3, 0.6)])
def test_expected_purchases_matches_the_closed_form(params):
    cases = [(0, 0.0, 60.0), (1, 20.0, 60.0), (3, 55.0, 60.0), (3, 5.0, 60.0),
             (30, 600.0, 700.0)]
    for t in (1.0, 30.0, 365.0):
        got = expected_purchases(params, t, *zip(*cases))
        want = [_expected_closed_form(*params, t, *c) for c in cases]
        np.testing.assert_allclose(got, want, rtol=1e-7)


def test_expected_purchases_stays_exact_when_the_dropout_is_the_same_for_everyone():
    # a and b huge (as fitted on the sample): the closed form's 2F1 overflows; compare with
    # the integral over the dropout probability done by scipy's adaptive quadrature
    r, alpha, a, b = 0.9, 31.0, 2.0e7, 4.0e8
    for x, tx, T in [(0, 0.0, 300.0), (12, 280.0, 300.0), (60, 500.0, 700.0)]:
        def g(u):
            drop = special.betaincinv(a, b + x, u)
            return -math.expm1(-(r + x) * math.log1p(drop * 365 / (alpha + T))) / drop
        want = integrate.quad(g, 0, 1, limit=200)[0] * probability_alive(
            (r, alpha, a, b), [x], [tx], [T])[0]
        got = expected_purchases((r, alpha, a, b), 365, [x], [tx], [T])[0]
        assert got == pytest.approx(want, rel=1e-7)


def test_expected_purchases_grow_with_the_horizon_from_zero():
    s = simulate_summary(3_000, BG, seed=4)
    horizons = np.array([0.0, 1, 7, 30, 90, 365, 3650])
    e = expected_purchases(BG, horizons[:, None], s["frequency"].to_numpy(),
                           s["recency"].to_numpy(), s["T"].to_numpy())
    assert e.shape == (len(horizons), len(s))
    assert (e[0] == 0).all()
    assert (e >= 0).all()
    assert (np.diff(e, axis=0) >= 0).all()
    with pytest.raises(ValueError, match="at least 0"):
        expected_purchases(BG, -1.0, [0], [0.0], [10.0])


def test_expected_purchases_of_a_new_customer_match_the_simulated_mean():
    # a customer just acquired (x = 0, T = 0): E[X(t)], checked against 200,000 simulated
    t = 365.0
    sim = simulate_summary(200_000, BG, T=t, seed=5)["frequency"]
    e = expected_purchases(BG, t, [0], [0.0], [0.0])[0]
    assert abs(sim.mean() - e) < 4 * sim.std() / math.sqrt(len(sim))


def _gg_direct(p, q, v, x, m):
    return (math.lgamma(p * x + q) - math.lgamma(p * x) - math.lgamma(q) + q * math.log(v)
            + (p * x - 1) * math.log(m) + p * x * math.log(x) - (p * x + q) * math.log(v + m * x))


def test_gamma_gamma_log_likelihood_matches_the_formula_and_is_a_density():
    cases = [(1, 10.0), (3, 12.0), (20, 7.5)]
    got = gamma_gamma_log_likelihood((6.0, 4.0, 15.0), *zip(*cases))
    np.testing.assert_allclose(got, [_gg_direct(6.0, 4.0, 15.0, *c) for c in cases], rtol=1e-12)
    for x in (1, 4):
        mass = integrate.quad(lambda m: math.exp(gamma_gamma_log_likelihood(
            (6.0, 4.0, 15.0), [x], [m])[0]), 0, np.inf)[0]
        assert mass == pytest.approx(1.0, abs=1e-7)


def test_expected_spend_is_a_credibility_weighted_mean():
    p, q, v = 6.0, 4.0, 15.0
    population = p * v / (q - 1)  # 30
    got = expected_spend((p, q, v), [0, 1, 10, 2], [0.0, 10.0, 40.0, -5.0])
    for value, x, m in zip(got, [0, 1, 10, 2], [0.0, 10.0, 40.0, -5.0]):
        w = p * x / (p * x + q - 1)
        assert value == pytest.approx(w * m + (1 - w) * population)
    assert GammaGammaParams(p, q, v).mean_value == population
    with pytest.raises(C360DataError, match="infinite"):
        expected_spend((6.0, 0.9, 15.0), [1], [10.0])


def _summary():
    return pd.DataFrame({"customer_id": ["A", "B", "C"], "frequency": [3, 0, 10],
                         "recency": [55.0, 0.0, 300.0], "T": [60.0, 60.0, 400.0],
                         "monetary_value": [40.0, 0.0, 25.0]})


def test_predictive_clv_without_discounting_is_purchases_times_spend():
    s = _summary()
    out = predictive_clv(s, BG, (6.0, 4.0, 15.0), horizon_days=365, discount_rate_annual=0.0)
    e = expected_purchases(BG, 365, s["frequency"], s["recency"], s["T"])
    m = expected_spend((6.0, 4.0, 15.0), s["frequency"], s["monetary_value"])
    assert out["customer_id"].tolist() == ["A", "B", "C"]
    np.testing.assert_allclose(out["expected_purchases"], e)
    assert out["predictive_clv_vnd"].tolist() == np.round(e * m).astype("int64").tolist()
    zero = predictive_clv(s, BG, (6.0, 4.0, 15.0), horizon_days=0)
    assert (zero["predictive_clv_vnd"] == 0).all()


def test_predictive_clv_discounts_each_month_from_its_end():
    s = _summary()
    gg = (6.0, 4.0, 150_000.0)
    out = predictive_clv(s, BG, gg, horizon_days=60, discount_rate_annual=0.2)
    x, tx, T = s["frequency"], s["recency"], s["T"]
    m = expected_spend(gg, x, s["monetary_value"])
    e30, e60 = (expected_purchases(BG, t, x, tx, T) for t in (30, 60))
    want = m * (e30 / 1.2 ** (30 / 365) + (e60 - e30) / 1.2 ** (60 / 365))
    assert out["predictive_clv_vnd"].tolist() == np.round(want).astype("int64").tolist()
    plain = predictive_clv(s, BG, gg, horizon_days=60, discount_rate_annual=0.0)
    assert (out["predictive_clv_vnd"] < plain["predictive_clv_vnd"]).all()


def test_predictive_clv_is_the_same_in_weeks():
    s = _summary()
    weeks = s.assign(recency=s["recency"] / 7, T=s["T"] / 7)
    bg_weeks = BGNBDParams(BG.r, BG.alpha / 7, BG.a, BG.b)
    gg = (6.0, 4.0, 150_000.0)
    days = predictive_clv(s, BG, gg)
    by_week = predictive_clv(weeks, bg_weeks, gg, time_unit_days=7)
    np.testing.assert_allclose(days["expected_purchases"], by_week["expected_purchases"])
    assert (days["predictive_clv_vnd"] - by_week["predictive_clv_vnd"]).abs().max() <= 1


@pytest.mark.parametrize("option", [{"horizon_days": -1}, {"discount_rate_annual": -0.1},
                                    {"step_days": 0}, {"time_unit_days": 0},
                                    {"horizon_days": np.inf}])
def test_predictive_clv_rejects_bad_options(option):
    with pytest.raises(ValueError):
        predictive_clv(_summary(), BG, GG, **option)


@pytest.mark.parametrize("change, message", [
    (lambda s: s.iloc[0:0], "has no customers"),
    (lambda s: s.drop(columns="T"), "is missing"),
    (lambda s: s.assign(frequency=[3, -1, 10]), "is negative"),
    (lambda s: s.assign(frequency=[3.5, 0, 10]), "whole number"),
    (lambda s: s.assign(recency=[55.0, 0.0, 500.0]), "greater than T"),
    (lambda s: s.assign(recency=[55.0, 4.0, 300.0]), "not 0 for a customer without repeat"),
    (lambda s: s.assign(recency=[0.0, 0.0, 300.0]), "is 0 for a customer with repeat"),
    (lambda s: s.assign(T=[60.0, 0.0, 400.0]), "is not positive"),
    (lambda s: s.assign(T=[60.0, np.nan, 400.0]), "is empty"),
    (lambda s: s.assign(recency=[55.0, 0.0, np.inf]), "not a finite number"),
])
def test_fits_and_predictions_reject_bad_summaries_clearly(change, message):
    bad = change(_summary())
    for call in (lambda: fit_bgnbd(bad), lambda: fit_gamma_gamma(bad),
                 lambda: predictive_clv(bad, BG, GG)):
        with pytest.raises(C360DataError, match=message):
            call()


def test_fits_say_when_the_data_cannot_identify_the_model():
    nobody_came_back = _summary().assign(frequency=0, recency=0.0, monetary_value=0.0)
    with pytest.raises(C360DataError, match="nobody bought twice"):
        fit_bgnbd(nobody_came_back)
    with pytest.raises(C360DataError, match="Gamma-Gamma needs at least two"):
        fit_gamma_gamma(nobody_came_back)
    negative = _summary().assign(monetary_value=[-40.0, 0.0, 25.0])
    with pytest.raises(C360DataError, match="Gamma-Gamma needs at least two"):
        fit_gamma_gamma(negative)


def test_a_fit_that_does_not_converge_raises_or_says_so():
    s = simulate_summary(2_000, BG, GG, seed=6)
    with pytest.raises(C360DataError, match="did not converge"):
        fit_bgnbd(s, max_iterations=1)
    with pytest.raises(C360DataError, match="did not converge"):
        fit_gamma_gamma(s, max_iterations=1)
    fit = fit_bgnbd(s, max_iterations=1, strict=False)
    assert not fit.converged
    assert all(np.isfinite([fit.params.r, fit.params.alpha, fit.params.a, fit.params.b]))


def test_params_can_be_given_as_tuples_or_fits_but_not_mixed_up():
    s = simulate_summary(2_000, BG, GG, seed=6)
    bg, gg = fit_bgnbd(s), fit_gamma_gamma(s)
    a = probability_alive(bg, s["frequency"], s["recency"], s["T"])
    b = probability_alive(tuple(vars(bg.params).values()), s["frequency"], s["recency"], s["T"])
    np.testing.assert_array_equal(a, b)
    with pytest.raises(TypeError, match="Gamma-Gamma parameters"):
        probability_alive(gg, [0], [0.0], [1.0])
    with pytest.raises(TypeError, match="BG/NBD parameters"):
        expected_spend(bg, [1], [1.0])


# == (b) recovery of known parameters ============================================================

def test_simulated_summaries_are_reproducible_and_valid():
    a = simulate_summary(5_000, BG, GG, seed=11)
    b = simulate_summary(5_000, BG, GG, seed=11)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(simulate_summary(5_000, BG, GG, seed=12))
    assert ((a["recency"] <= a["T"]) & (a["recency"] >= 0)).all()
    assert ((a["frequency"] == 0) == (a["recency"] == 0)).all()
    assert ((a["frequency"] == 0) == (a["monetary_value"] == 0)).all()


@pytest.fixture(scope="module")
def simulated():
    s = simulate_summary(20_000, BG, GG, seed=2026)
    return s, fit_bgnbd(s), fit_gamma_gamma(s)


def test_bgnbd_fit_recovers_the_simulated_parameters(simulated):
    s, fit, _ = simulated
    got = fit.params
    assert fit.converged and fit.n_customers == 20_000 and fit.at_bound == ()
    assert got.r == pytest.approx(BG.r, rel=0.10)
    assert got.alpha == pytest.approx(BG.alpha, rel=0.10)
    # a and b are known less precisely one by one than their ratio
    assert got.a == pytest.approx(BG.a, rel=0.35)
    assert got.b == pytest.approx(BG.b, rel=0.35)
    assert got.mean_dropout == pytest.approx(BG.mean_dropout, rel=0.08)
    assert got.mean_rate == pytest.approx(BG.mean_rate, rel=0.08)
    # a maximum: the fit is at least as likely as the truth, and reports its own likelihood
    ll = bgnbd_log_likelihood(got, s["frequency"], s["recency"], s["T"]).sum()
    assert fit.log_likelihood == pytest.approx(ll)
    assert ll >= bgnbd_log_likelihood(BG, s["frequency"], s["recency"], s["T"]).sum()


def test_gamma_gamma_fit_recovers_the_simulated_parameters(simulated):
    s, _, fit = simulated
    got = fit.params
    assert fit.converged and fit.n_customers == int((s["frequency"] > 0).sum())
    assert got.p == pytest.approx(GG.p, rel=0.20)
    assert got.q == pytest.approx(GG.q, rel=0.10)
    assert got.v == pytest.approx(GG.v, rel=0.20)
    assert got.mean_value == pytest.approx(GG.mean_value, rel=0.05)
    use = s["frequency"] > 0
    ll = gamma_gamma_log_likelihood(got, s.loc[use, "frequency"], s.loc[use, "monetary_value"])
    assert fit.log_likelihood == pytest.approx(ll.sum())
    assert ll.sum() >= gamma_gamma_log_likelihood(GG, s.loc[use, "frequency"],
                                                  s.loc[use, "monetary_value"]).sum()


def test_fits_do_not_depend_on_the_time_unit_or_the_currency(simulated):
    s, bg, gg = simulated
    weeks = s.assign(recency=s["recency"] / 7, T=s["T"] / 7,
                     monetary_value=s["monetary_value"] / 1000)
    bg_w, gg_w = fit_bgnbd(weeks).params, fit_gamma_gamma(weeks).params
    assert bg_w.r == pytest.approx(bg.params.r, rel=1e-3)
    assert bg_w.alpha * 7 == pytest.approx(bg.params.alpha, rel=1e-3)
    assert bg_w.mean_dropout == pytest.approx(bg.params.mean_dropout, rel=1e-3)
    assert gg_w.v * 1000 == pytest.approx(gg.params.v, rel=1e-3)
    assert gg_w.q == pytest.approx(gg.params.q, rel=1e-3)


def test_predictions_from_the_fit_match_the_simulated_future():
    # observe 20,000 customers for T days, then check the next year against the simulation
    # of the same customers observed for T + 365 days
    T = np.random.default_rng(8).uniform(30, 365, 20_000)
    past = simulate_summary(20_000, BG, T=T, seed=9)
    whole = simulate_summary(20_000, BG, T=T + 365, seed=9)  # same customers, longer
    fit = fit_bgnbd(past)
    e = expected_purchases(fit, 365, past["frequency"], past["recency"], past["T"])
    assert e.sum() == pytest.approx((whole["frequency"] - past["frequency"]).sum(), rel=0.1)


# == (c) the sample company: planted story 8 =====================================================

def _lead_sources(world) -> pd.Series:
    return journey.customer_stages(world.clean).set_index("customer_id")["lead_source"]


def _paid_vs_referral(by_group: pd.DataFrame) -> float:
    paid = by_group.loc[by_group.index.isin(PAID_ADS)]
    return by_group.loc["referral", "mean_vnd"] / (paid["total_vnd"].sum()
                                                    / paid["customers"].sum())


def test_historical_clv_is_the_margin_of_every_order(world):
    hist = historical_clv(world.clean)
    margins = profitability.order_margins(world.clean["shop_orders"], world.clean["order_lines"])
    assert hist["historical_clv_vnd"].sum() == margins["gross_margin_vnd"].sum()
    assert hist["customer_id"].is_unique and hist["customer_id"].is_monotonic_increasing


def test_referred_customers_have_at_least_one_and_a_half_times_the_clv_of_paid_ads(world):
    by_source = clv_by_group(historical_clv(world.clean), _lead_sources(world))
    assert _paid_vs_referral(by_source) >= 1.5


def test_predictive_clv_on_the_sample_converges_and_ranks_referral_above_paid_ads(world):
    summary = rfm_from_clean(world.clean)
    bg, gg = fit_bgnbd(summary), fit_gamma_gamma(summary)
    assert bg.converged and gg.converged and gg.params.q > 1
    days = world.clean["shop_orders"]
    done = days[days["status"] == "completed"]
    distinct = done["order_time"].dt.floor("D").groupby(done["customer_id"]).nunique()
    assert (summary["frequency"] == summary["customer_id"].map(distinct) - 1).all()
    future = predictive_clv(summary, bg, gg)
    alive = future["probability_alive"]
    assert ((alive >= 0) & (alive <= 1)).all() and (future["expected_purchases"] >= 0).all()
    by_source = clv_by_group(future, _lead_sources(world), value_col="predictive_clv_vnd")
    assert _paid_vs_referral(by_source) >= 1.5
