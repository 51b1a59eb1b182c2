"""The reverse funnel: stages, cohorts, the referral tree, costs; and planted story 8."""

import numpy as np
import pandas as pd
import pytest

from c360lab import clv, journey, kpi
from c360lab import reverse_funnel as rf


def _tiny():
    """Four customers: A repeats, B refers, C answered 10 and is in the club, D bought once."""
    day = pd.to_datetime
    return {
        "customers": pd.DataFrame({"customer_id": list("ABCDX"),
                                   "segment": ["cafe", "household", "office", "household",
                                               "household"]}),
        "shop_orders": pd.DataFrame({
            "customer_id": ["A", "A", "B", "C", "D", "X", "D"],
            "order_time": day(["2024-01-10", "2025-02-01", "2024-03-01", "2024-05-01",
                               "2025-06-01", "2025-04-02", "2025-07-01"]),
            "status": ["completed"] * 5 + ["completed", "returned"],
            "channel": ["website", "website", "shopee", "showroom", "zalo", "website", "zalo"]}),
        "crm_contacts": pd.DataFrame({"customer_id": ["A", "D"],
                                      "lead_source": ["facebook_ads", "seo"],
                                      "created_date": day(["2024-01-01", "2025-05-01"])}),
        "referrals": pd.DataFrame({"referrer_customer_id": ["B"], "referred_customer_id": ["X"],
                                   "referral_date": day(["2025-04-01"]),
                                   "status": ["converted"], "reward_vnd": [50_000]}),
        "surveys": pd.DataFrame({"customer_id": ["C", "C", "D"], "nps": [3, 10, 8],
                                 "csat": [2, 5, None],
                                 "submitted_at": day(["2024-06-01", "2025-01-01", "2025-06-05"])}),
        "tickets": pd.DataFrame({"customer_id": ["D"], "csat": [2],
                                 "opened_at": day(["2025-06-10"])}),
        "community": pd.DataFrame({"customer_id": ["C"], "joined_date": day(["2025-02-01"]),
                                   "badge": ["Thành viên Vàng"], "ugc_posts": [4],
                                   "events_attended": [2]}),
        "marketing_spend": pd.DataFrame({"channel": ["facebook_ads"], "spend_vnd": [3_000_000],
                                         "month": day(["2024-01-01"])}),
    }


def test_acquisition_channel_puts_referral_first_then_the_lead_source_then_the_marketplace():
    a = rf.acquisition_channels(_tiny()).set_index("customer_id")["acquisition_channel"]
    assert a.to_dict() == {"A": "facebook_ads", "B": "marketplace", "C": "direct", "D": "seo",
                           "X": "referral"}


def test_stages_by_hand():
    s = rf.customer_stages(_tiny()).set_index("customer_id")
    assert s.loc["A", "repeat"] and s.loc["A", "reverse_stage"] == "retention"
    assert s.loc["B", "referrals_made"] == 1 and s.loc["B", "reverse_stage"] == "referral"
    assert s.loc["B", "inferred_stages"] == "retention, advocacy"
    # C: latest NPS 10 (a promoter, the earlier 3 no longer counts), latest CSAT 5, in the club
    assert (s.loc["C", "loyalty"], s.loc["C", "nps_last"], s.loc["C", "badge"]) == \
        ("promoter", 10, "Thành viên Vàng")
    assert s.loc["C", "satisfied"] and s.loc["C", "reverse_stage"] == "advocacy"
    assert s.loc["C", "inferred_stages"] == ""
    # D: a passive whose latest satisfaction (a ticket) is 2: not satisfied, one completed order
    assert s.loc["D", "loyalty"] == "passive" and not s.loc["D", "satisfied"]
    assert s.loc["D", "reverse_stage"] == "customer"
    assert s.loc["D", "completed_orders"] == 1


def test_stages_are_monotone_on_every_seed(world):
    s = rf.customer_stages(world.clean)
    assert (s["retention"] >= s["advocacy"]).all() and (s["advocacy"] >= s["referral"]).all()
    assert s["customer_id"].is_unique and (s["completed_orders"] >= 1).all()
    f = rf.funnels(world.clean, stages=s)
    assert (np.diff(f["reverse"]["reached"]) <= 0).all()
    assert f["reverse"]["reached"].iloc[0] == len(s)
    assert f["traditional"]["stage"].astype("str").tolist() == list(journey.JOURNEY_STAGES)
    assert f["referred"]["customers"].iloc[0] == (s["acquisition_channel"] == "referral").sum()


def test_cohort_retention_by_hand_and_censoring():
    o = pd.DataFrame({"customer_id": ["A", "A", "B", "C", "C"],
                      "order_time": pd.to_datetime(["2025-01-31", "2025-02-28", "2025-01-05",
                                                    "2025-02-01", "2025-05-01"]),
                      "status": "completed"})
    t = rf.cohort_retention(o, as_of="2025-04-01", max_months=2)
    jan = t[t["cohort"] == "2025-01"].set_index("months")
    # A's one-month day is 28 February (31 January + 1 month, clipped): A still bought then
    assert jan["retained"].tolist() == [2, 1, 0]
    # C (February) is observed at 0 and 1 month only, and its May order is after as_of
    feb = t[t["cohort"] == "2025-02"]
    assert feb["months"].tolist() == [0, 1] and feb["retained"].tolist() == [1, 0]
    pooled = rf.pooled_retention(t)
    assert pooled["customers"].tolist() == [3, 3, 2]


def test_referral_tree_depth_descendants_and_loops():
    r = pd.DataFrame({"referrer_customer_id": ["A", "B", "B", "D", "E", "A"],
                      "referred_customer_id": ["B", "C", "D", "E", "A", "C"],
                      "referral_date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-02-02",
                                                       "2025-03-01", "2025-04-01",
                                                       "2025-05-01"])})
    # E → A closes a loop (A is the root of E's chain): cut; A → C is C's second referral
    t = rf.referral_tree(r, value={"B": 10, "C": 20, "D": 30, "E": 40}).set_index("customer_id")
    assert t["depth"].to_dict() == {"A": 0, "B": 1, "C": 2, "D": 2, "E": 3}
    assert t["descendants"].to_dict() == {"A": 4, "B": 3, "C": 0, "D": 1, "E": 0}
    assert t.loc["A", "descendants_value"] == 100 and t.loc["B", "descendants_value"] == 90
    assert (t["root"] == "A").all() and t.loc["C", "referred_by"] == "B"
    assert rf.top_advocates(t.reset_index(), top=2)["customer_id"].tolist() == ["A", "B"]


def test_acquisition_cost_costs_referral_at_its_rewards():
    cost = rf.acquisition_cost(_tiny())
    assert cost.loc["referral", "spend_vnd"] == 50_000 and cost.loc["referral", "cpa_vnd"] == 50_000
    assert cost.loc["facebook_ads", "cpa_vnd"] == 3_000_000
    assert rf.acquisition_cost(_tiny(), start="2025-01-01", end="2026-01-01").loc[
        "referral", "customers"] == 1


def test_advocacy_metrics_by_badge():
    s = rf.customer_stages(_tiny())
    m = rf.advocacy_metrics(s, by="badge")
    assert m.loc["Thành viên Vàng", "ugc_posts"] == 4 and m.loc[rf.NO_BADGE, "customers"] == 4


# -- planted story 8: the reverse funnel pays ----------------------------------------------------

def _paid_pooled(stages):
    acq = stages.set_index("customer_id")["acquisition_channel"]
    return acq.where(~acq.isin(rf.PAID_ADS), "paid ads")


def test_story_8_referral_costs_only_its_rewards_far_below_ads(world):
    cost = rf.acquisition_cost(world.clean)
    rewards = int(world.clean["referrals"]["reward_vnd"].sum())
    assert cost.loc["referral", "spend_vnd"] == rewards
    for ads in rf.PAID_ADS:
        assert cost.loc["referral", "cpa_vnd"] < 0.25 * cost.loc[ads, "cpa_vnd"]


def test_story_8_referred_customers_retain_15_points_better_at_12_months(world):
    s = rf.customer_stages(world.clean)
    pooled = rf.pooled_retention(rf.cohort_retention(world.clean["shop_orders"],
                                                     by=_paid_pooled(s)))
    at = pooled[pooled["months"] == 12].set_index("group")["retention"]
    assert at["referral"] >= at["paid ads"] + 0.15


def test_story_8_referred_customers_have_one_and_a_half_times_the_clv(world):
    s = rf.customer_stages(world.clean)
    groups = _paid_pooled(s)
    hist = clv.clv_by_group(clv.historical_clv(world.clean), groups)
    assert hist.loc["referral", "mean_vnd"] >= 1.5 * hist.loc["paid ads", "mean_vnd"]


def test_story_8_predictive_clv_agrees(world):
    summary = clv.rfm_from_clean(world.clean)
    future = clv.predictive_clv(summary, clv.fit_bgnbd(summary), clv.fit_gamma_gamma(summary))
    s = rf.customer_stages(world.clean)
    pred = clv.clv_by_group(future, _paid_pooled(s), value_col="predictive_clv_vnd")
    assert pred.loc["referral", "mean_vnd"] >= 1.5 * pred.loc["paid ads", "mean_vnd"]


def test_story_8_promoters_refer_three_times_more_than_passives(world):
    m = rf.advocacy_metrics(rf.customer_stages(world.clean), by="loyalty")
    per = m["referrals_per_customer"]
    assert per["promoter"] >= 3 * per["passive"]


def test_story_8_community_members_churn_less(world):
    s = rf.customer_stages(world.clean)
    member = s.set_index("customer_id")["community"]
    churn = kpi.churn_rate(world.clean["shop_orders"], "2025-01-01", "2026-01-01", by=member)
    assert churn["True"] < churn["False"] - 5
    pooled = rf.pooled_retention(rf.cohort_retention(world.clean["shop_orders"], by=member))
    at = pooled[pooled["months"] == 12].set_index("group")["retention"]
    assert at["True"] > at["False"] + 0.05
