"""Notebook 08: its exercises, its chart, its dashboard and what its text says."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from c360lab import datasets, journey, kpi, plots, widgets  # noqa: E402
from c360lab import reverse_funnel as rf  # noqa: E402
from c360lab.exercises import exercises_of  # noqa: E402
from c360lab.exercises import nb08 as ex  # noqa: E402

from conftest import assert_solution_passes, differing, markdown_numbers  # noqa: E402

NAMES = ["q1", "q2", "q3", "q4"]
YEAR = ("2025-01-01", "2026-01-01")


@pytest.fixture(scope="module")
def clean():
    return datasets.load_clean()


@pytest.fixture(scope="module")
def stages(clean):
    return rf.customer_stages(clean)


def _channel(stages):
    acq = stages.set_index("customer_id")["acquisition_channel"]
    return acq.where(~acq.isin(rf.PAID_ADS), "paid ads")


@pytest.fixture(scope="module")
def namespace(clean, stages):
    """What the notebook has defined when its exercise cells run."""
    return {"clean": clean, "stages": stages, "channel": _channel(stages), "kpi": kpi,
            "reverse_funnel": rf, "ex": ex, "pd": pd}


# -- exercises ---------------------------------------------------------------------------------

def test_the_notebook_has_four_exercises():
    assert [q.name for q in exercises_of(ex)] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_its_own_check(name, namespace, capsys):
    assert_solution_passes(getattr(ex, name), namespace, capsys)


def test_q1_typical_wrong_answers_fail(clean, capsys):
    orders = clean["shop_orders"]
    c = kpi.customer_counts(orders, *YEAR).loc["all"]
    expected = (c["customers_end"] - c["new_customers"]) / c["customers_start"] * 100
    assert ex.q1.expected() == pytest.approx(expected)
    wrong = c["customers_end"] / c["customers_start"] * 100
    for value in differing([wrong, kpi.churn_rate(orders, *YEAR), expected / 100], expected,
                           at_least=3, rtol=0.01):
        ex.q1.assert_check_failed(float(value))
    ex.q1.check(float(wrong))
    assert "new customers must be taken out" in capsys.readouterr().out


def test_q2_typical_wrong_answers_fail(clean, stages, capsys):
    by = kpi.nps(clean["surveys"], by=stages.set_index("customer_id")["segment"])
    expected = by.loc["cafe", "nps"]
    assert ex.q2.expected() == pytest.approx(expected)
    promoters = by.loc["cafe", "promoters"] / by.loc["cafe", "responses"] * 100
    for value in differing([expected / 100, kpi.nps(clean["surveys"]), promoters], expected,
                           at_least=3, rtol=0.01):
        ex.q2.assert_check_failed(float(value))
    ex.q2.check(float(expected / 100))
    assert "in points" in capsys.readouterr().out


def test_q3_typical_wrong_answers_fail(stages, capsys):
    m = rf.advocacy_metrics(stages)
    per = m["referrals_per_customer"]
    expected = per["promoter"] / per["passive"]
    assert ex.q3.expected() == pytest.approx(expected)
    share = m["referrer_share"]["promoter"] / m["referrer_share"]["passive"]
    for value in differing([1 / expected, share, per["promoter"] - per["passive"]], expected,
                           at_least=3, rtol=0.01):
        ex.q3.assert_check_failed(float(value))
    ex.q3.check(float(1 / expected))
    assert "other way round" in capsys.readouterr().out


def test_q4_typical_wrong_answers_fail(clean, stages, capsys):
    pooled = rf.pooled_retention(rf.cohort_retention(clean["shop_orders"], by=_channel(stages)))
    at = pooled[pooled["months"] == 12].set_index("group")["retention"]
    expected = (at["referral"] - at["paid ads"]) * 100
    assert ex.q4.expected() == pytest.approx(expected)
    for value in differing([expected / 100, -expected, at["referral"] * 100], expected,
                           at_least=3, rtol=0.01):
        ex.q4.assert_check_failed(float(value))
    ex.q4.check(float(-expected))
    assert "sign is reversed" in capsys.readouterr().out


# -- the chart and the dashboard -----------------------------------------------------------------

def test_two_funnels_draws_both_funnels_with_their_counts(clean, stages):
    f = rf.funnels(clean, stages=stages)
    fig = plots.two_funnels(f["traditional"], f["reverse"], title="Which funnel?",
                            referred=int(f["referred"]["customers"].iloc[0]),
                            labels=journey.STAGE_LABELS, reverse_labels=rf.REVERSE_LABELS)
    left, right = fig.axes
    assert [p.get_width() for p in left.patches] == f["traditional"]["reached"].tolist()
    assert [p.get_width() for p in right.patches] == f["reverse"]["reached"].tolist()
    assert [t.get_text() for t in right.get_yticklabels()][0] == rf.REVERSE_LABELS["customer"]
    assert fig.get_suptitle() == "Which funnel?"


def test_relationship_dashboard_matches_the_kpi_functions(clean, stages):
    explorer = widgets.explore_relationship(clean, stages)
    assert repr(explorer) == ("Relationship dashboard: grouped by segment; run the notebook to "
                              "pick another grouping")
    table = explorer.tables["segment"]
    seg = stages.set_index("customer_id")["segment"]
    assert table.loc["cafe", "nps"] == pytest.approx(
        kpi.nps(clean["surveys"], by=seg, start=YEAR[0], end=YEAR[1]).loc["cafe", "nps"],
        abs=0.01)
    assert table.loc["cafe", "crr_%"] == pytest.approx(
        kpi.retention_rate(clean["shop_orders"], *YEAR, by=seg)["cafe"], abs=0.01)
    explorer.control.value = "loyalty"
    assert explorer.text.startswith("NPS, CRR (2025) and retention by NPS group; highest NPS: "
                                    "promoter.")
    assert len(explorer.output.outputs) == 1


# -- what the notebook's text says about the data -----------------------------------------------

def _statements(clean):
    """Each sentence notebook 08 writes about the data (its markdown has no numbers), checked."""
    from c360lab import clv

    stages = rf.customer_stages(clean)
    f = rf.funnels(clean, stages=stages)
    trad = f["traditional"].set_index("stage")
    rev = f["reverse"].set_index("stage")
    referred = int(f["referred"]["customers"].iloc[0])
    seg = stages.set_index("customer_id")["segment"]
    by_nps = kpi.nps(clean["surveys"], by=seg).drop(index="unknown", errors="ignore")
    cafe = kpi.nps(clean["surveys"], by=seg).loc["cafe"]
    channel = _channel(stages)
    curves = rf.pooled_retention(rf.cohort_retention(clean["shop_orders"], by=channel))
    wide = curves.pivot(index="months", columns="group", values="retention")
    cost = rf.acquisition_cost(clean)
    history = clv.historical_clv(clean)
    value = clv.clv_by_group(history, channel)
    spend = clv.clv_by_group(history, channel, value_col="revenue_vnd")
    rfm = clv.rfm_from_clean(clean)
    future = clv.predictive_clv(rfm, clv.fit_bgnbd(rfm), clv.fit_gamma_gamma(rfm))
    pred = clv.clv_by_group(future, channel, value_col="predictive_clv_vnd")
    adv = rf.advocacy_metrics(stages)["referrals_per_customer"]
    member = stages.set_index("customer_id")["community"]
    churn = kpi.churn_rate(clean["shop_orders"], *YEAR, by=member)
    kept = rf.pooled_retention(rf.cohort_retention(clean["shop_orders"], by=member))
    kept = kept[kept["months"] == 12].set_index("group")["retention"]
    return {
        "the traditional funnel: most people seen never buy":
            trad.loc["experience", "reached"] < 0.5 * trad.loc["awareness", "reached"],
        "the reverse funnel keeps a large share of customers into retention":
            rev.loc["retention", "step_conversion"] >= 0.5,
        "fewer become advocates, fewer still refer":
            rev.loc["retention", "reached"] > rev.loc["advocacy", "reached"]
            > rev.loc["referral", "reached"],
        "the few referrers brought many new customers": referred > rev.loc["referral", "reached"],
        "cafes are mostly promoters": cafe["promoters"] > cafe["responses"] / 2,
        "households give the lowest NPS of the four segments":
            by_nps["nps"].idxmin() == "household",
        "story 8: the referral curve stays above paid ads all the way":
            (wide.loc[1:, "referral"] > wide.loc[1:, "paid ads"]).all(),
        "story 8: referral CPA is a small fraction of ads CPA":
            all(cost.loc["referral", "cpa_vnd"] < 0.25 * cost.loc[a, "cpa_vnd"]
                for a in rf.PAID_ADS),
        "story 8: referred customers spend more":
            spend.loc["referral", "mean_vnd"] > spend.loc["paid ads", "mean_vnd"],
        "story 8: historical and predictive CLV over one and a half times paid ads":
            value.loc["referral", "mean_vnd"] >= 1.5 * value.loc["paid ads", "mean_vnd"]
            and pred.loc["referral", "mean_vnd"] >= 1.5 * pred.loc["paid ads", "mean_vnd"],
        "story 8: promoters refer far more than passives": adv["promoter"] >= 3 * adv["passive"],
        "detractors almost never refer": adv["detractor"] < 0.05,
        "story 8: community members churn less and stay longer":
            churn["True"] < churn["False"] and kept["True"] > kept["False"],
        "only badge holders write UGC":
            (stages.loc[~stages["community"], "ugc_posts"] == 0).all(),
    }


def test_the_notebooks_statements_hold_on_the_shipped_data(clean):
    wrong = [text for text, holds in _statements(clean).items() if not holds]
    assert not wrong, f"notebook 08 says things the data no longer shows: {wrong}"


def test_the_notebooks_statements_hold_on_every_seed(world):
    wrong = [text for text, holds in _statements(world.clean).items() if not holds]
    assert not wrong, f"notebook 08 says things this seed does not show: {wrong}"


def test_the_notebook_text_has_no_numbers_from_the_data():
    """Markdown numbers would go stale with the data; only rules and names may appear."""
    allowed = {"1", "2", "3", "4", "5", "7", "8", "9", "10", "12", "100", "365", "000", "003",
               "004", "0", "6", "2025", "2025-01-01", "2026-01-01", "9–10", "0–6", "7–8",
               "1–5", "1–7", "100%", "−100", "03", "08", "12-", "360"}
    found = markdown_numbers("08_reverse_funnel_and_relationship_kpis.ipynb")
    assert found <= allowed, f"numbers in the notebook's text: {sorted(found - allowed)}"
