"""Notebook 06: its exercises, its explorer, and every sentence it writes about the data."""

import pandas as pd
import pytest

from c360lab import datasets, validation, widgets
from c360lab.exercises import exercises_of
from c360lab.exercises import nb06 as ex
from conftest import assert_solution_passes

NAMES = ["q1", "q2", "q3", "q4"]


@pytest.fixture(scope="module")
def namespace():
    """What the notebook has defined when its exercise cells run."""
    clean = datasets.load_clean()
    leads = validation.lead_table(clean)
    return {"clean": clean, "leads": leads, "groups": validation.target_groups(leads),
            "economics": validation.source_economics(leads, clean["marketing_spend"],
                                                     clean["referrals"]),
            "scored": validation.backtest_scores(clean), "deals": validation.deal_table(clean),
            "validation": validation, "ex": ex, "pd": pd}


# -- exercises ---------------------------------------------------------------------------------

def test_the_notebook_has_four_exercises():
    assert [q.name for q in exercises_of(ex)] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_its_own_check(name, namespace, capsys):
    assert_solution_passes(getattr(ex, name), namespace, capsys)


def test_q1_typical_wrong_answers_fail(namespace, capsys):
    groups, leads = namespace["groups"], namespace["leads"]
    right = float(groups.loc[groups["assumed"], "close_rate"].iloc[0])
    wrong = [100 * right, float(groups.loc[groups["assumed"], "margin_share"].iloc[0]),
             float(leads.loc[leads["is_lead"], "closed"].mean())]
    for answer in wrong:
        ex.q1.assert_check_failed(answer)
    ex.q1.check(wrong[1])
    assert "share of gross margin" in capsys.readouterr().out


def test_q2_typical_wrong_answers_fail(namespace, capsys):
    e = namespace["economics"].set_index("lead_source")
    ratio = lambda c: float(e.loc["facebook_ads", c] / e.loc["referral", c])  # noqa: E731
    for answer in (1 / ratio("cost_per_won_vnd"), ratio("cost_per_lead_vnd"), ratio("cost_vnd")):
        ex.q2.assert_check_failed(answer)
    ex.q2.check(ratio("cost_per_lead_vnd"))
    assert "cost per lead" in capsys.readouterr().out


def test_q3_typical_wrong_answers_fail(namespace, capsys):
    bands = validation.calibration(namespace["scored"]).set_index("band")
    rate = bands["close_rate"]
    for answer in (float(bands.loc["hot", "lift"]), float(rate["cold"] / rate["hot"]),
                   float(rate["hot"] - rate["cold"])):
        ex.q3.assert_check_failed(answer)
    ex.q3.check(float(bands.loc["hot", "lift"]))
    assert "lift" in capsys.readouterr().out


def test_q4_typical_wrong_answers_fail(namespace, capsys):
    s = validation.rule_summary(namespace["deals"], ex.CAFE_RULE)
    deals, rate = int(s.loc[0, "deals"]), float(s.loc[0, "close_rate"])
    ex.q4.assert_check_passed([deals, round(rate, 3)])
    for answer in ((deals, 100 * rate), (int(s.loc[1, "deals"]), rate), (deals, 1 - rate)):
        ex.q4.assert_check_failed(answer)
    ex.q4.check((deals, 100 * rate))
    assert "percentage" in capsys.readouterr().out


# -- the explorer ------------------------------------------------------------------------------

def test_quality_lead_explorer_renders_and_rerenders(namespace):
    deals = namespace["deals"]
    w = widgets.explore_quality_leads(deals, rule=ex.CAFE_RULE)
    s = validation.rule_summary(deals, ex.CAFE_RULE)
    assert f"{s.loc[0, 'deals']:,} of {len(deals):,} closed deals meet it" in w.text
    assert repr(w).startswith("Quality-lead explorer: segment is cafe and lead_source is")
    w.control.pickers["segment"].value = ()
    w.control.pickers["lead_source"].value = ()
    assert w.control.value == ()
    assert "Quality lead: every lead" in w.text and "there is no rest" in w.text
    w.control.outlets.value = 2
    assert w.control.value == (("outlets", "<=", 2.0),)
    tiny = pd.DataFrame({"segment": ["cafe", "office"], "lead_source": ["seo", "seo"],
                         "decision_timeframe": ["now", "now"],
                         "product_interest": ["beans", "beans"],
                         "outlets": pd.array([3, None], dtype="Int64"), "won": [True, False]})
    w = widgets.explore_quality_leads(tiny, rule=[("outlets", "<=", 2)])
    assert "No closed deal meets these criteria" in w.text and "no deal" in repr(w)


# -- what the notebook says ------------------------------------------------------------------------

def _statements(clean):
    """Each sentence notebook 06 writes about the data (its markdown has no numbers), checked."""
    leads = validation.lead_table(clean)
    groups = validation.target_groups(leads)
    by = groups.set_index("group")
    assumed = by.loc["household / tiktok_ads"]
    all_rate = leads.loc[leads["is_lead"], "closed"].mean()
    both = validation.assumed_vs_actual(groups).set_index("target")
    e = validation.source_economics(leads, clean["marketing_spend"],
                                    clean["referrals"]).set_index("lead_source")
    bands = validation.calibration(validation.backtest_scores(clean)).set_index("band")
    drops = validation.sales_drop_points(clean["deals"]).set_index("script")
    library = validation.objection_library(clean).set_index("barrier")
    deals = validation.deal_table(clean)
    rule = validation.find_quality_rule(deals)
    other = validation.find_quality_rule(
        deals, fields=[f for f in validation.QUALITY_FIELDS if f != "lead_source"])

    def splits(r):
        s = validation.rule_summary(deals, r)
        return bool(r) and s.loc[0, "close_rate"] >= s.loc[1, "close_rate"] + 0.1

    return {
        "the assumed target brings many leads": assumed["leads"] >= groups["leads"].nlargest(
            3).min(),
        "few of them close": assumed["close_rate"] < all_rate,
        "together they earn a sliver of the margin": assumed["margin_share"] < 0.05,
        "the groups that earn the most are cafés from referral and from Zalo":
            set(both.loc["actual", "groups"].split("; ")) == {"cafe / referral",
                                                              "cafe / zalo_oa"},
        "they close far more often": both.loc["actual", "close_rate"]
            >= 2 * both.loc["assumed", "close_rate"],
        "each lead is worth many times more": both.loc["actual", "margin_per_lead_vnd"]
            >= 5 * both.loc["assumed", "margin_per_lead_vnd"],
        "Facebook ads bring the most leads": e["leads"].idxmax() == "facebook_ads",
        "and one of the lowest close rates": "facebook_ads" in e["close_rate"].nsmallest(2).index,
        "referral and Zalo leads close several times as often": min(
            e.loc["referral", "close_rate"], e.loc["zalo_oa", "close_rate"])
            >= 3 * e.loc["facebook_ads", "close_rate"],
        "per won customer, referral costs a small fraction of Facebook ads":
            e.loc["referral", "cost_per_won_vnd"] < 0.25 * e.loc["facebook_ads",
                                                                 "cost_per_won_vnd"],
        "cost per lead hides this": e.loc["referral", "cost_per_lead_vnd"]
            > 0.25 * e.loc["facebook_ads", "cost_per_lead_vnd"],
        "hot above warm above cold": list(bands.index) == ["hot", "warm", "cold"]
            and bands["close_rate"].is_monotonic_decreasing,
        "hot leads buy many times as often as cold ones": bands.loc["hot", "close_rate"]
            >= 3 * bands.loc["cold", "close_rate"],
        "few leads are hot": bands.loc["hot", "leads"] < 0.1 * bands["leads"].sum(),
        "most buyers still come from the warm and cold bands":
            bands.loc[["warm", "cold"], "share_of_customers"].sum() > 0.5,
        "more deals stop after the quote than after the follow-up":
            drops.loc["quote", "lost"] > drops.loc["follow-up", "lost"],
        "the leak is at the quote": bool(drops.loc["quote", "biggest_leak"]),
        "offices lose over trust": library.loc["trust", "main_segment"] == "office",
        "cafés over no time and no staff": library.loc["no_time", "main_segment"] == "cafe"
            and library.loc["no_staff", "main_segment"] == "cafe",
        "the search picks the lead source first": rule[0][0] == "lead_source",
        "both rules close clearly more often than the rest": splits(rule) and splits(other),
    }


def test_the_notebooks_statements_hold_on_the_shipped_data():
    wrong = [text for text, holds in _statements(datasets.load_clean()).items() if not holds]
    assert not wrong, f"notebook 06 says things the data no longer shows: {wrong}"


def test_the_notebooks_statements_hold_on_every_seed(world):
    wrong = [text for text, holds in _statements(world.clean).items() if not holds]
    assert not wrong, f"notebook 06 says things this seed does not show: {wrong}"
