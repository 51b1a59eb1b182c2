"""Step 3: journey stages, funnels, leaks, drop-off, time between stages, conversion by source."""

import numpy as np
import pandas as pd
import pytest

from c360lab import C360DataError, journey

D = pd.Timestamp


def _clean():
    """Four customers worked out by hand.

    C1 browses (page view 1 Jan), views the pricing page (3 Jan), adds to cart (4 Jan), buys
       (10 Jan, completed) and buys again (1 Mar): every stage, none inferred.
    C2 only buys on Shopee (5 Feb, completed): awareness, consideration and decision inferred.
    C3 is a CRM lead from facebook_ads (2 Jan) who asks in the inbox (6 Jan) and stops.
    C4 is a café lead from referral with a deal: inquiry 1 Feb, consultation 5 Feb, quote
       15 Feb, lost; a later CRM contact from seo; a marketing message after everything.
    """
    return {
        "customers": pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4"],
                                   "segment": ["household", "household", None, "cafe"]}),
        "web_events": pd.DataFrame({
            "customer_id": ["C1", "C1", "C1", None, "C1"],
            "event_type": ["page_view", "pricing_view", "add_to_cart", "page_view", "page_view"],
            "event_time": pd.to_datetime(["2025-01-01", "2025-01-03", "2025-01-04",
                                          "2024-06-01", "2026-02-01"])}),   # last: after as_of
        "inbox_messages": pd.DataFrame({"customer_id": ["C3"],
                                        "sent_at": pd.to_datetime(["2025-01-06"])}),
        "crm_contacts": pd.DataFrame({
            "customer_id": ["C3", "C4", "C4"],
            "lead_source": ["facebook_ads", "seo", "referral"],
            "created_date": pd.to_datetime(["2025-01-02", "2025-03-01", "2025-01-30"])}),
        "deals": pd.DataFrame({
            "customer_id": ["C4"], "stage": ["lost"],
            "inquiry_date": pd.to_datetime(["2025-02-01"]),
            "consultation_date": pd.to_datetime(["2025-02-05"]),
            "quote_date": pd.to_datetime(["2025-02-15"]),
            "negotiation_date": pd.to_datetime([None]),
            "closed_date": pd.to_datetime(["2025-02-20"])}),
        "shop_orders": pd.DataFrame({
            "customer_id": ["C1", "C1", "C2", "C1"],
            "order_time": pd.to_datetime(["2025-01-10", "2025-03-01", "2025-02-05",
                                          "2025-02-01"]),
            "status": ["completed", "completed", "completed", "cancelled"]}),
        "automation_sends": pd.DataFrame({"customer_id": ["C4"],
                                          "sent_at": pd.to_datetime(["2025-06-01"])}),
    }


@pytest.fixture(scope="module")
def stages():
    return journey.customer_stages(_clean())


# -- customer_stages -------------------------------------------------------------------------------

def test_stage_dates_worked_out_by_hand(stages):
    s = stages.set_index("customer_id")
    assert s.loc["C1", ["awareness", "consideration", "decision", "experience",
                        "loyalty"]].tolist() == [D("2025-01-01"), D("2025-01-03"),
                                                 D("2025-01-04"), D("2025-01-10"),
                                                 D("2025-03-01")]
    assert s.loc["C1", "inferred_stages"] == ""
    assert s.loc["C3", "consideration"] == D("2025-01-02")         # the CRM lead record
    assert pd.isna(s.loc["C3", "decision"])
    assert s.loc["C4", "decision"] == D("2025-02-15")              # the quote
    assert pd.isna(s.loc["C4", "experience"])
    assert s["furthest_stage"].astype("str").tolist() == ["loyalty", "experience",
                                                         "consideration", "decision"]


def test_later_stages_back_fill_earlier_ones(stages):
    c2 = stages.set_index("customer_id").loc["C2"]
    assert c2["awareness"] == c2["consideration"] == c2["decision"] == D("2025-02-05")
    assert c2["experience"] == D("2025-02-05") and pd.isna(c2["loyalty"])
    assert c2["inferred_stages"] == "awareness, consideration"   # the order is the decision
    c3 = stages.set_index("customer_id").loc["C3"]
    assert c3["awareness"] == D("2025-01-02") and c3["inferred_stages"] == "awareness"


def test_sources_touches_and_segments(stages):
    s = stages.set_index("customer_id")
    assert s["lead_source"].tolist() == ["unknown", "unknown", "facebook_ads", "referral"]
    assert s["segment"].tolist() == ["household", "household", "unknown", "cafe"]
    assert s["first_touch"].astype("str").tolist() == ["website", "shop", "sales", "sales"]
    # C4's last own trace is the lost deal; the marketing message sent later does not count
    assert s["last_touch"].astype("str").tolist() == ["shop", "shop", "inbox", "sales"]
    assert stages["furthest_stage"].cat.ordered


def test_as_of_ignores_later_evidence():
    s = journey.customer_stages(_clean(), as_of=D("2025-01-05")).set_index("customer_id")
    assert s.loc["C1", "furthest_stage"] == "decision"
    assert pd.isna(s.loc["C2", "furthest_stage"])                  # no trace yet
    assert s.loc["C3", "last_touch"] == "sales"                    # the inbox came later
    assert s.loc["C4", "lead_source"] == "unknown"


def test_only_customers_and_missing_tables():
    clean = {"customers": pd.DataFrame({"customer_id": ["A", "B"]})}
    s = journey.customer_stages(clean)
    assert s["customer_id"].tolist() == ["A", "B"]
    assert s["furthest_stage"].isna().all() and (s["segment"] == "unknown").all()
    assert journey.funnel(s)["reached"].tolist() == [0] * 5
    empty = journey.customer_stages({"customers": pd.DataFrame({"customer_id": []},
                                                               dtype="str")})
    assert len(empty) == 0 and "furthest_stage" in empty.columns


def test_inputs_are_not_changed():
    clean = _clean()
    before = {k: v.copy() for k, v in clean.items()}
    journey.customer_stages(clean)
    for name, df in clean.items():
        pd.testing.assert_frame_equal(df, before[name])


def test_a_missing_column_names_table_and_column():
    clean = _clean()
    clean["shop_orders"] = clean["shop_orders"].drop(columns="status")
    with pytest.raises(C360DataError, match="(?s)shop_orders.*'status': is missing") as err:
        journey.customer_stages(clean)
    assert err.value.table == "shop_orders"


def test_unreadable_dates_name_rows_and_fix():
    clean = _clean()
    clean["inbox_messages"] = pd.DataFrame({"customer_id": ["C3", "C3"],
                                            "sent_at": ["2025-01-06", "hôm qua"]})
    with pytest.raises(C360DataError) as err:
        journey.customer_stages(clean)
    problem = err.value.problems[0]
    assert (problem.column, problem.rows, problem.values) == ("sent_at", (1,), ("hôm qua",))
    assert "pd.to_datetime" in problem.fix


def test_duplicate_customers_are_refused():
    clean = _clean()
    clean["customers"] = pd.concat([clean["customers"], clean["customers"].head(1)])
    with pytest.raises(C360DataError, match="duplicate"):
        journey.customer_stages(clean)


# -- funnels and leaks ----------------------------------------------------------------------------

def test_funnel_counts_and_conversions(stages):
    f = journey.funnel(stages)
    assert f["stage"].astype("str").tolist() == list(journey.JOURNEY_STAGES)
    assert f["reached"].tolist() == [4, 4, 3, 2, 1]
    assert f["lost"].tolist() == [0, 0, 1, 1, 1]
    assert f["step_conversion"].tolist()[1:] == pytest.approx([1, 0.75, 2 / 3, 0.5])
    assert f["overall_conversion"].tolist() == pytest.approx([1, 1, 0.75, 0.5, 0.25])
    leak = journey.biggest_leak(f)
    assert (leak["from_stage"], leak["stage"], leak["lost"]) == ("experience", "loyalty", 1)


def test_funnel_by_group(stages):
    f = journey.funnel(stages, by="segment")
    assert f["segment"].unique().tolist() == ["cafe", "household", "unknown"]
    house = f[f["segment"] == "household"]
    assert house["reached"].tolist() == [2, 2, 2, 2, 1]
    cafe = f[f["segment"] == "cafe"]
    assert cafe["reached"].tolist() == [1, 1, 1, 0, 0]
    assert np.isnan(cafe["step_conversion"].iloc[-1])               # nobody to convert
    leak = journey.biggest_leak(f)
    assert (leak["segment"], leak["stage"], leak["step_conversion"]) == ("cafe", "experience", 0)
    per = journey.biggest_leak(f, per_group=True)
    assert per["segment"].tolist() == ["cafe", "household", "unknown"]
    assert per["stage"].astype("str").tolist() == ["experience", "loyalty", "decision"]


def test_biggest_leak_ties_go_to_the_earlier_step_and_small_steps_can_be_ignored():
    t = pd.DataFrame({"from_stage": [None, "a", "b"], "stage": ["a", "b", "c"],
                      "reached": [8, 4, 2], "step_conversion": [np.nan, 0.5, 0.5],
                      "lost": [0, 4, 2]})
    assert journey.biggest_leak(t)["stage"] == "b"
    with pytest.raises(C360DataError, match="min_reached"):
        journey.biggest_leak(t, min_reached=100)
    with pytest.raises(C360DataError, match="'lost': is missing"):
        journey.biggest_leak(t.drop(columns="lost"))


def _deals():
    return pd.DataFrame({
        "stage": ["won", "won", "lost", "lost", "lost", "negotiation"],
        "inquiry_date": pd.to_datetime(["2025-01-01"] * 6),
        "consultation_date": pd.to_datetime(["2025-01-02", None, "2025-01-02", "2025-01-02",
                                             None, "2025-01-02"]),
        "quote_date": pd.to_datetime(["2025-01-05", "2025-01-05", "2025-01-05", None, None,
                                      "2025-01-05"]),
        "negotiation_date": pd.to_datetime([None, "2025-01-09", None, None, None,
                                            "2025-01-09"]),
        "product": ["equipment", "training", "equipment", "beans", "beans", "equipment"]})


def test_pipeline_reached_means_this_date_or_a_later_one():
    f = journey.pipeline_funnel(_deals())
    # won without a negotiation date still passed negotiation; no consultation date but a quote
    assert f["reached"].tolist() == [6, 5, 4, 3, 2]
    chain = journey.pipeline_funnel(_deals(), stages=journey.PAYMENT_CHAIN)
    assert chain["reached"].tolist() == [6, 5, 4, 2]
    leak = journey.biggest_leak(chain)
    assert (leak["from_stage"], leak["stage"], leak["step_conversion"]) == ("quote", "won", 0.5)
    by = journey.pipeline_funnel(_deals(), by="product")
    assert by[by["product"] == "beans"]["reached"].tolist() == [2, 1, 0, 0, 0]
    with pytest.raises(ValueError, match="stages"):
        journey.pipeline_funnel(_deals(), stages=("inquiry", "paid"))
    with pytest.raises(C360DataError, match="quote_date"):
        journey.pipeline_funnel(_deals().drop(columns="quote_date"))


# -- drop-off, time, drop points, sources -----------------------------------------------------------

def test_drop_off_shares_add_up(stages):
    d = journey.drop_off(stages, by="segment")
    assert d.index.tolist() == ["cafe", "household", "unknown"]
    assert d.loc["household", "customers"] == 2
    assert d.loc["household", ["experience", "loyalty"]].tolist() == [0.5, 0.5]
    assert d[list(journey.JOURNEY_STAGES)].sum(axis=1).tolist() == pytest.approx([1, 1, 1])


def test_time_between_stages_skips_back_filled_dates(stages):
    t = journey.time_between_stages(stages)
    row = t.set_index("from_stage")
    # awareness -> consideration: C1 (2 days) only; C2 and C3 have inferred awareness
    assert row.loc["awareness", "customers"] == 1 and row.loc["awareness", "median_days"] == 2
    # decision -> experience: C1 (6 days); C2's decision is the order itself (0 days)
    assert row.loc["decision", "customers"] == 2
    assert row.loc["decision", "median_days"] == 3 and row.loc["decision", "p75_days"] == 4.5
    loose = journey.time_between_stages(stages, observed_only=False).set_index("from_stage")
    assert loose.loc["awareness", "customers"] == 4
    by = journey.time_between_stages(stages, by="segment")
    assert by["segment"].unique().tolist() == ["cafe", "household", "unknown"]
    assert by[(by["segment"] == "cafe") & (by["from_stage"] == "consideration")][
        "median_days"].item() == 16                                # 30 Jan -> 15 Feb


def test_drop_points(stages):
    d = journey.drop_points(stages)
    assert d.index.tolist() == list(journey.DROP_POINTS)
    assert d.loc["inbox: asked, then vanished", "customers"] == 1   # C3
    assert d.loc["sales: consultation missed", "customers"] == 1    # C4
    assert d.loc["no return after purchase", "customers"] == 1      # C2
    assert d["customers"].sum() == 3 and d["share_of_dropped"].sum() == pytest.approx(1)


def test_conversion_by_source_counts_each_lead_once_under_its_first_source():
    clean = _clean()
    clean["shop_orders"] = pd.concat([clean["shop_orders"], pd.DataFrame({
        "customer_id": ["C4"], "order_time": [D("2025-03-11")], "status": ["completed"]})])
    out = journey.conversion_by_source(clean)
    assert out.index.tolist() == ["facebook_ads", "referral"]       # seo was C4's second source
    assert out["leads"].tolist() == [1, 1] and out["customers"].tolist() == [0, 1]
    assert out.loc["referral", "median_days_to_order"] == 40       # 30 Jan -> 11 Mar
    with pytest.raises(C360DataError, match="lead_source"):
        journey.conversion_by_source({**clean, "crm_contacts": clean["crm_contacts"].drop(
            columns="lead_source")})


# -- on the clean model of each seed ----------------------------------------------------------------

@pytest.fixture(scope="module")
def seeded(world):
    return journey.customer_stages(world.clean)


def test_every_customer_once_with_one_furthest_stage(world, seeded):
    assert seeded["customer_id"].tolist() == world.clean["customers"]["customer_id"].tolist()
    assert seeded["furthest_stage"].notna().all()
    assert set(seeded["furthest_stage"].astype("str")) <= set(journey.JOURNEY_STAGES)


def test_stage_dates_are_the_dates_of_customer_stages(world, seeded):
    dates = journey.stage_dates(world.clean)
    assert dates.columns.tolist() == ["customer_id", *journey.JOURNEY_STAGES]
    pd.testing.assert_frame_equal(dates, seeded[dates.columns.tolist()])


@pytest.mark.parametrize("by", [None, "lead_source", "segment"])
def test_funnel_is_monotone_overall_and_in_every_group(seeded, by):
    f = journey.funnel(seeded, by=by)
    groups = [f] if by is None else [g for _, g in f.groupby(by)]
    for g in groups:
        assert (np.diff(g["reached"].to_numpy()) <= 0).all()
        assert (g["lost"] >= 0).all()
    dates = seeded[list(journey.JOURNEY_STAGES)]
    for a, b in zip(journey.JOURNEY_STAGES, journey.JOURNEY_STAGES[1:]):
        both = dates[a].notna() & dates[b].notna()
        assert (dates.loc[both, a] <= dates.loc[both, b]).all()


def test_pipeline_funnel_is_monotone(world):
    for stages in (journey.PIPELINE_STAGES, journey.PAYMENT_CHAIN):
        f = journey.pipeline_funnel(world.clean["deals"], stages=stages)
        assert (np.diff(f["reached"].to_numpy()) <= 0).all()


def test_story_3_facebook_ads_bring_most_leads_and_convert_worst(world):
    by = journey.conversion_by_source(world.clean)
    assert by["leads"].idxmax() == "facebook_ads"
    assert by["conversion"].idxmin() in {"facebook_ads", "tiktok_ads"}
    assert by.loc["facebook_ads", "conversion"] <= by["conversion"].drop("tiktok_ads").min()
    assert by.loc["referral", "conversion"] >= 3 * by.loc["facebook_ads", "conversion"]


def test_story_3_biggest_b2b_drop_is_quote_to_payment(world):
    chain = journey.pipeline_funnel(world.clean["deals"], stages=journey.PAYMENT_CHAIN)
    leak = journey.biggest_leak(chain)
    assert (leak["from_stage"], leak["stage"]) == ("quote", "won")


def test_story_3_referral_leads_go_further_than_ads_leads(seeded):
    d = journey.drop_off(seeded, by="lead_source")
    bought = d["experience"] + d["loyalty"]
    assert bought["referral"] >= 3 * bought["facebook_ads"]
