"""Step 6 (validation): hand-made examples for every metric, edge cases, and stories 5 and 6
recovered by the module's own functions on two seeds."""

import numpy as np
import pandas as pd
import pytest

from c360lab import C360DataError, datasets, validation

_BACKTESTS = {}


def scored_of(world):
    """The back-test of a world, once per session (it builds six profiles)."""
    key = id(world)
    if key not in _BACKTESTS:
        _BACKTESTS[key] = (world, validation.backtest_scores(world.clean))
    return _BACKTESTS[key][1]


# -- hand-made examples -------------------------------------------------------------------------

def _leads():
    """Six leads and one buyer without a CRM record, with money by hand."""
    return pd.DataFrame({
        "customer_id": ["A", "B", "C", "D", "E", "F", "G"],
        "segment": ["household", "household", "household", "cafe", "cafe", "office", "household"],
        "lead_source": ["tiktok_ads", "tiktok_ads", "facebook_ads", "referral", "referral", "seo",
                        "no_lead_record"],
        "lead_date": pd.to_datetime(["2025-01-10", "2025-02-10", "2025-02-11", "2025-03-01",
                                     "2025-03-02", "2025-03-03", pd.NaT]),
        "is_lead": [True, True, True, True, True, True, False],
        "closed": [True, False, False, True, True, False, True],
        "revenue_vnd": [100_000, 0, 0, 3_000_000, 1_000_000, 0, 500_000],
        "gross_margin_vnd": [20_000, 0, 0, 1_200_000, 400_000, 0, 80_000],
    })


def _spend():
    return pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-02-01",
                                                  "2025-03-01"]),
                         "channel": ["tiktok_ads", "tiktok_ads", "facebook_ads", "zalo_ads"],
                         "spend_vnd": [300_000, 500_000, 900_000, 400_000]})


def _referrals():
    return pd.DataFrame({"referral_date": pd.to_datetime(["2025-03-01", "2025-03-02",
                                                          "2025-03-05"]),
                         "reward_vnd": pd.array([200_000, 50_000, None], dtype="Int64")})


def test_source_economics_by_hand():
    e = validation.source_economics(_leads(), _spend(), _referrals()).set_index("lead_source")
    # tiktok: 2 leads, 1 won, revenue 100,000; spend 300,000 + 500,000
    assert e.loc["tiktok_ads", ["leads", "won"]].tolist() == [2, 1]
    assert e.loc["tiktok_ads", "close_rate"] == 0.5
    assert e.loc["tiktok_ads", "revenue_per_lead_vnd"] == 50_000
    assert e.loc["tiktok_ads", "cost_per_lead_vnd"] == 400_000
    assert e.loc["tiktok_ads", "cost_per_won_vnd"] == 800_000
    # referral: 2 leads, both won; costs its rewards 200,000 + 50,000 (a blank reward is 0)
    assert e.loc["referral", "close_rate"] == 1.0
    assert e.loc["referral", "revenue_per_lead_vnd"] == 2_000_000
    assert e.loc["referral", "margin_per_lead_vnd"] == 800_000
    assert e.loc["referral", "cost_vnd"] == 250_000
    assert e.loc["referral", "cost_per_won_vnd"] == 125_000
    assert e.loc["referral", "cost_basis"] == "referral rewards"
    # buyers without a CRM record are not leads of any source
    assert "no_lead_record" not in e.index


def test_source_economics_says_why_a_ratio_is_missing():
    e = validation.source_economics(_leads(), _spend(), _referrals()).set_index("lead_source")
    # facebook: one lead who never bought: spend with no won customer
    assert e.loc["facebook_ads", "close_rate"] == 0.0
    assert pd.isna(e.loc["facebook_ads", "cost_per_won_vnd"])
    assert e.loc["facebook_ads", "cost_per_lead_vnd"] == 900_000
    assert e.loc["facebook_ads", "cost_basis"].endswith("; no won customer")
    # zalo: spend but not a single lead
    assert e.loc["zalo_oa", "leads"] == 0
    assert np.isnan(e.loc["zalo_oa", "close_rate"])
    assert pd.isna(e.loc["zalo_oa", "revenue_per_lead_vnd"])
    assert pd.isna(e.loc["zalo_oa", "cost_per_won_vnd"])
    assert e.loc["zalo_oa", "cost_basis"] == "ads spend (zalo_ads); no lead"
    # seo: leads, but no spend recorded: unknown cost, never 0
    assert e.loc["seo", "leads"] == 1
    assert pd.isna(e.loc["seo", "cost_vnd"]) and pd.isna(e.loc["seo", "cost_per_won_vnd"])
    assert e.loc["seo", "cost_basis"] == "no spend recorded"


def test_source_economics_window_and_order():
    e = validation.source_economics(_leads(), _spend(), _referrals(),
                                    since="2025-02-01", until="2025-03-01")
    assert e["lead_source"].tolist() == ["facebook_ads", "tiktok_ads"]  # one lead each: by name
    tiktok = e.set_index("lead_source").loc["tiktok_ads"]
    assert (tiktok["leads"], tiktok["won"], tiktok["cost_vnd"]) == (1, 0, 500_000)


def test_unmapped_spend_channel_is_an_error_not_a_silent_drop():
    spend = pd.concat([_spend(), pd.DataFrame({"month": [pd.Timestamp("2025-01-01")],
                                                "channel": ["google_ads"],
                                                "spend_vnd": [1]})], ignore_index=True)
    mapping = {k: v for k, v in validation.SPEND_TO_SOURCE.items() if k != "google_ads"}
    with pytest.raises(C360DataError, match="google_ads"):
        validation.source_economics(_leads(), spend, _referrals(), mapping=mapping)
    e = validation.source_economics(_leads(), spend, _referrals()).set_index("lead_source")
    assert e.loc["seo", "cost_vnd"] == 1  # the default maps Google ads onto search leads


def test_target_groups_and_assumed_vs_actual_by_hand():
    groups = validation.target_groups(_leads())
    assert groups["group"].iloc[0] == "cafe / referral"
    top = groups.set_index("group")
    assert top.loc["cafe / referral", "margin_share"] == pytest.approx(1_600_000 / 1_700_000)
    assert top.loc["household / tiktok_ads", "close_rate"] == 0.5
    assert np.isnan(top.loc["household / no_lead_record", "close_rate"])
    assert top["assumed"].sum() == 1 and top.loc["household / tiktok_ads", "assumed"]
    both = validation.assumed_vs_actual(groups, top=1).set_index("target")
    assert both.loc["actual", "groups"] == "cafe / referral"  # a buyer without a lead: no target
    assert both.loc["assumed", "margin_per_lead_vnd"] == 10_000
    assert not both["overlap"].any()


def test_a_target_that_matches_nobody_is_an_error():
    groups = validation.target_groups(_leads(), assumed={"segment": ["restaurant_hotel"]})
    with pytest.raises(C360DataError, match="assumed"):
        validation.assumed_vs_actual(groups)


def test_calibration_by_hand_and_without_conversions():
    scored = pd.DataFrame({"band": ["cold", "hot", "warm", "cold", "hot", "cold"],
                           "became_customer": [False, True, False, True, False, False]})
    c = validation.calibration(scored)
    assert c["band"].tolist() == ["hot", "warm", "cold"]
    assert c["close_rate"].tolist() == pytest.approx([0.5, 0.0, 1 / 3])
    assert c["lift"].tolist() == pytest.approx([1.5, 0.0, 1.0])  # base rate 2 of 6
    assert c["share_of_customers"].sum() == pytest.approx(1.0)
    with pytest.raises(C360DataError, match="no lead who became a customer"):
        validation.calibration(scored.assign(became_customer=False))


def test_backtest_horizon_must_end_inside_the_data():
    with pytest.raises(ValueError, match="ends after the data"):
        validation.backtest_scores({}, cutoffs=["2025-12-01"], horizon_days=90)
    with pytest.raises(ValueError, match="at least one"):
        validation.backtest_scores({}, cutoffs=[])


def test_rules_by_hand():
    deals = pd.DataFrame({"segment": ["cafe", "cafe", "cafe", "office", "office"],
                          "outlets": pd.array([1, 3, 2, None, None], dtype="Int64"),
                          "won": [True, False, True, False, True]})
    rule = (("segment", "in", ("cafe",)), ("outlets", "<=", 2))
    assert validation.meets_rule(deals, rule).tolist() == [True, False, True, False, False]
    assert validation.meets_rule(deals, ()).all()
    s = validation.rule_summary(deals, rule).set_index("leads")
    assert s.loc["meet the rule", ["deals", "won"]].tolist() == [2, 2]
    assert s.loc["the rest", "close_rate"] == pytest.approx(1 / 3)
    assert s.loc["meet the rule", "lift"] == pytest.approx(1 / 0.6)
    path = validation.rule_path(deals, rule)
    assert path["deals"].tolist() == [5, 3, 2]
    assert path["condition"].tolist() == ["every lead", "segment is cafe", "outlets ≤ 2"]
    with pytest.raises(ValueError, match="unknown operator"):
        validation.meets_rule(deals, [("segment", "==", "cafe")])
    nobody = validation.rule_summary(deals, [("segment", "in", ("hotel",))])
    assert nobody.loc[0, "deals"] == 0 and np.isnan(nobody.loc[0, "close_rate"])


def test_rule_search_finds_the_planted_condition_and_stops():
    rng = np.random.default_rng(1)
    n = 400
    seg = rng.choice(["cafe", "office", "hotel"], n)
    noise = rng.choice(["a", "b"], n)
    won = rng.random(n) < np.where(seg == "cafe", 0.8, 0.3)
    deals = pd.DataFrame({"segment": seg, "noise": noise, "won": won})
    assert validation.find_quality_rule(deals, fields=("noise", "segment")) == (
        ("segment", "in", ("cafe",)),)
    with pytest.raises(C360DataError, match="no closed deal"):
        validation.find_quality_rule(deals.iloc[:0], fields=("segment",))


def test_functions_never_change_their_inputs():
    clean = datasets.load_clean()
    before = {k: clean[k].copy() for k in ("customers", "crm_contacts", "deals", "shop_orders")}
    leads = validation.lead_table(clean)
    kept = leads.copy()
    validation.target_groups(leads)
    validation.source_economics(leads, clean["marketing_spend"], clean["referrals"])
    validation.deal_table(clean, leads=leads)
    validation.objection_library(clean)
    validation.sales_drop_points(clean["deals"])
    for k, df in before.items():
        pd.testing.assert_frame_equal(clean[k], df)
    pd.testing.assert_frame_equal(leads, kept)


# -- the clean model ------------------------------------------------------------------------------

def test_lead_table_counts_every_lead_and_buyer_once():
    clean = datasets.load_clean()
    leads = validation.lead_table(clean)
    assert leads["customer_id"].is_unique
    assert set(leads.loc[leads["is_lead"], "customer_id"]) == set(
        clean["crm_contacts"]["customer_id"])
    buyers = clean["shop_orders"].loc[clean["shop_orders"]["status"] == "completed",
                                      "customer_id"]
    assert set(leads.loc[leads["closed"], "customer_id"]) == set(buyers)
    assert (leads.loc[~leads["is_lead"], "lead_source"] == validation.NO_LEAD_RECORD).all()
    early = validation.lead_table(clean, as_of="2025-01-01")
    assert len(early) < len(leads) and (early["lead_date"].dropna() < "2025-01-01").all()


def test_objection_library_files_every_lost_deal_under_a_barrier():
    clean = datasets.load_clean()
    library = validation.objection_library(clean).set_index("barrier")
    lost = (clean["deals"]["stage"] == "lost").sum()
    assert library["lost_deals"].sum() == lost
    assert library["share"].sum() == pytest.approx(1.0)
    tagged = library.drop(index="untagged", errors="ignore")
    assert tagged[["message_en", "offer_en", "message_vi", "offer_vi"]].notna().all().all()
    assert (tagged["examples"] != "").all()
    assert library.loc["trust", "main_segment"] == "office"  # story 4 in the lost deals


def test_biggest_sales_drop_is_at_the_quote_not_the_follow_up():
    drops = validation.sales_drop_points(datasets.load_clean()["deals"]).set_index("script")
    assert drops["biggest_leak"].sum() == 1 and drops.loc["quote", "biggest_leak"]
    assert drops.loc["quote", "lost"] > drops.loc["follow-up", "lost"]
    assert drops["lost_share"].sum() == pytest.approx(1.0)


# -- planted stories, both seeds -----------------------------------------------------------------

def test_story_6_assumed_target_is_not_who_closes(world):
    leads = validation.lead_table(world.clean)
    groups = validation.target_groups(leads)
    margin = groups.set_index("group")
    assert groups["group"].iloc[0] in {"cafe / referral", "cafe / zalo_oa"}
    assert margin.loc["household / tiktok_ads", "margin_share"] < 0.05
    both = validation.assumed_vs_actual(groups).set_index("target")
    assert not both["overlap"].any()
    assert set(both.loc["actual", "groups"].split("; ")) == {"cafe / referral", "cafe / zalo_oa"}
    cafes = leads[leads["is_lead"] & validation.meets_rule(
        leads, [("segment", "in", ("cafe",)), ("lead_source", "in", ("referral", "zalo_oa"))])]
    assumed = leads[leads["is_lead"] & (leads["segment"] == "household")
                    & (leads["lead_source"] == "tiktok_ads")]
    assert cafes["closed"].mean() >= 2 * assumed["closed"].mean()
    # the assumed group is who marketing meant: young people, in the generator's truth
    people = assumed["customer_id"].map(world.person_of_customer)
    assert (world.people.loc[people, "birth_year"] >= 1996).mean() > 0.9


def test_story_6_referral_costs_far_less_per_won_customer_than_facebook(world):
    leads = validation.lead_table(world.clean)
    e = validation.source_economics(leads, world.clean["marketing_spend"],
                                    world.clean["referrals"]).set_index("lead_source")
    assert e.loc["referral", "cost_per_won_vnd"] < 0.25 * e.loc["facebook_ads", "cost_per_won_vnd"]
    assert e.loc["referral", "close_rate"] >= 3 * e.loc["facebook_ads", "close_rate"]
    assert e["leads"].idxmax() == "facebook_ads"


def test_story_5_hot_leads_close_three_times_as_often_as_cold(world):
    bands = validation.calibration(scored_of(world)).set_index("band")
    assert bands.index.tolist() == ["hot", "warm", "cold"]
    rate = bands["close_rate"]
    assert rate["hot"] >= 3 * rate["cold"]
    assert rate["hot"] > rate["warm"] > rate["cold"]
    assert bands["lift"].is_monotonic_decreasing and bands.loc["hot", "lift"] > 1


def test_backtest_uses_only_leads_who_were_not_customers_yet(world):
    scored = scored_of(world)
    orders = world.clean["shop_orders"]
    done = orders[orders["status"] == "completed"]
    first = done.groupby("customer_id")["order_time"].min()
    bought_before = scored["customer_id"].map(first) < scored["cutoff"]
    assert not bought_before.any()
    horizon = pd.Timedelta(days=validation.DEFAULT_HORIZON_DAYS)
    when = scored["customer_id"].map(first)
    assert (scored["became_customer"] == ((when >= scored["cutoff"])
                                          & (when < scored["cutoff"] + horizon))).all()


def test_quality_lead_closes_clearly_more_often_than_the_rest(world):
    deals = validation.deal_table(world.clean)
    rule = validation.find_quality_rule(deals)
    assert rule and {f for f, _, _ in rule} <= set(validation.QUALITY_FIELDS)
    s = validation.rule_summary(deals, rule).set_index("leads")
    assert s.loc["meet the rule", "share"] >= 0.15
    assert s.loc["meet the rule", "close_rate"] >= s.loc["the rest", "close_rate"] + 0.25
    other = [f for f in validation.QUALITY_FIELDS if f != "lead_source"]
    firmographic = validation.find_quality_rule(deals, fields=other)
    s = validation.rule_summary(deals, firmographic).set_index("leads")
    assert firmographic and s.loc["meet the rule", "close_rate"] >= s.loc[
        "the rest", "close_rate"] + 0.1
