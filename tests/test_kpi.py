"""Relationship KPIs: each formula of 003/004 against a small example computed by hand."""

import math

import pandas as pd
import pytest

from c360lab import C360DataError, datasets, kpi


def _orders(rows):
    """(customer, date) pairs of completed orders, plus optional (customer, date, status)."""
    rows = [r if len(r) == 3 else (*r, "completed") for r in rows]
    return pd.DataFrame({"customer_id": [r[0] for r in rows],
                         "order_time": pd.to_datetime([r[1] for r in rows]),
                         "status": [r[2] for r in rows]})


YEAR = ("2025-01-01", "2026-01-01")


# -- retention and churn ------------------------------------------------------------------------

def test_crr_by_hand():
    # active at start (an order in 2024): A, B, E; at end (an order in 2025): A, C, D, E
    # new = C (first time) and D (lapsed since 2023, won back); CRR = (4 - 2) / 3 × 100
    o = _orders([("A", "2024-02-01"), ("A", "2025-06-01"), ("B", "2024-05-01"),
                 ("C", "2025-03-01"), ("D", "2023-01-01"), ("D", "2025-09-01"),
                 ("E", "2024-12-31"), ("E", "2025-01-02"), ("F", "2024-03-01", "cancelled"),
                 ("G", "2026-02-01")])
    counts = kpi.customer_counts(o, *YEAR).loc["all"]
    assert counts.to_dict() == {"customers_start": 3, "customers_end": 4, "new_customers": 2,
                                "first_time": 1, "won_back": 1, "retained": 2, "lost": 1}
    assert kpi.retention_rate(o, *YEAR) == pytest.approx((4 - 2) / 3 * 100)
    assert kpi.churn_rate(o, *YEAR) == pytest.approx(1 / 3 * 100)


def test_the_activity_window_decides_who_is_a_customer_at_start():
    o = _orders([("A", "2024-06-01"), ("A", "2025-12-01"), ("B", "2024-11-01")])
    assert kpi.retention_rate(o, *YEAR) == 50.0
    # with a 90-day window, A's June 2024 order no longer makes A a customer on 1 January:
    # B is the only customer at start, and is lost; A comes back as a won-back customer
    counts = kpi.customer_counts(o, *YEAR, window_days=90).loc["all"]
    assert (counts["customers_start"], counts["won_back"]) == (1, 1)
    assert kpi.retention_rate(o, *YEAR, window_days=90) == 0.0


def test_crr_and_churn_add_up_to_100_by_group_and_groups_follow_the_first_order():
    o = _orders([("A", "2024-02-01"), ("A", "2025-02-01"), ("B", "2024-02-01"),
                 ("C", "2024-03-01"), ("C", "2025-03-01")])
    o["channel"] = ["shopee", "website", "website", "website", "shopee"]
    crr = kpi.retention_rate(o, *YEAR, by="channel")
    churn = kpi.churn_rate(o, *YEAR, by="channel")
    assert crr.to_dict() == {"shopee": 100.0, "website": 50.0}
    assert (crr + churn == 100).all()
    seg = kpi.retention_rate(o, *YEAR, by={"A": "cafe", "B": "cafe"})
    assert seg.to_dict() == {"cafe": 50.0, "unknown": 100.0}


def test_no_customers_at_start_is_a_clear_error_and_an_empty_period_too():
    o = _orders([("A", "2025-03-01")])
    with pytest.raises(C360DataError, match="no customer active on 2025-01-01, the start"):
        kpi.retention_rate(o, *YEAR)
    with pytest.raises(C360DataError, match="no customer active"):
        kpi.churn_rate(o, *YEAR)
    # grouped: a group without customers at start has no rate (its customers are all new)
    assert kpi.retention_rate(o, *YEAR, by={"A": "cafe"}).empty
    with pytest.raises(ValueError, match="empty"):
        kpi.retention_rate(o, "2025-01-01", "2025-01-01")
    with pytest.raises(ValueError, match="empty"):
        kpi.period_bounds(("2025-06-01", "2025-01-01"))


# -- scores -------------------------------------------------------------------------------------

def test_nps_by_hand_and_its_edge_cases():
    # 3 promoters (9, 10, 10), 2 passives (7, 8), 5 detractors: (3 - 5) / 10 × 100
    assert kpi.nps(pd.Series([9, 10, 10, 7, 8, 0, 3, 5, 6, 6])) == pytest.approx(-20.0)
    assert kpi.nps(pd.Series([9, 10, 9])) == 100.0           # all promoters
    assert kpi.nps(pd.Series([0, 6])) == -100.0               # all detractors
    assert kpi.nps(pd.Series([7, 8, None])) == 0.0            # passives only; blank ignored
    assert kpi.nps(pd.Series([8, 9]), promoter_min=8) == 100.0
    with pytest.raises(C360DataError, match="no NPS answer"):
        kpi.nps(pd.Series([None], dtype="Float64"))
    with pytest.raises(C360DataError, match="outside the 0–10 scale"):
        kpi.nps(pd.Series([11, 9]))
    with pytest.raises(C360DataError, match="outside"):
        kpi.nps(pd.Series([8.5]))


def test_nps_over_a_period_and_by_group():
    s = pd.DataFrame({"customer_id": ["A", "B", "C", "D"], "nps": [10, 2, 9, 8],
                      "submitted_at": pd.to_datetime(["2024-05-01", "2025-01-05", "2025-02-01",
                                                      "2025-03-01"])})
    assert kpi.nps(s, start="2025-01-01", end="2026-01-01") == pytest.approx((1 - 1) / 3 * 100)
    with pytest.raises(C360DataError, match="no NPS answer between 2026-01-01 and 2027-01-01"):
        kpi.nps(s, start="2026-01-01", end="2027-01-01")
    by = kpi.nps(s, by={"A": "cafe", "B": "cafe", "C": "office"})
    assert by.loc["cafe"].tolist() == [2, 1, 0, 1, 0.0]
    assert by.loc["office", "nps"] == 100.0 and by.loc["unknown", "passives"] == 1


def test_csat_and_ces_are_means_on_their_scales():
    assert kpi.csat(pd.Series([5, 4, 4, 2])) == 3.75
    assert kpi.customer_effort(pd.Series([1, 1, 7])) == 3.0
    with pytest.raises(C360DataError, match="1–5"):
        kpi.csat(pd.Series([0, 3]))
    with pytest.raises(C360DataError, match="1–7"):
        kpi.customer_effort(pd.Series([8]))
    t = pd.DataFrame({"customer_id": ["A", "B"], "ces": [2, 6], "csat": [5, None],
                      "opened_at": pd.to_datetime(["2025-01-01", "2025-02-01"])})
    assert kpi.customer_effort(t, end="2025-01-15") == 2.0
    assert kpi.csat(t, by="customer_id")["csat"].to_dict() == {"A": 5.0}
    with pytest.raises(C360DataError, match="no csat answer"):
        kpi.csat(t, start="2025-02-01", end="2025-03-01")


def test_first_contact_resolution_counts_open_tickets_as_not_resolved():
    t = pd.DataFrame({"contacts_to_resolve": [1, 2, 1, 1, 4],
                      "closed_at": pd.to_datetime(["2025-01-01", "2025-01-02", None,
                                                   "2025-01-04", "2025-01-05"]),
                      "opened_at": pd.to_datetime(["2025-01-01"] * 4 + ["2025-03-01"]),
                      "channel": ["zalo_oa", "zalo_oa", "hotline", "hotline", "hotline"]})
    assert kpi.first_contact_resolution(t) == pytest.approx(2 / 5 * 100)
    assert kpi.first_contact_resolution(t, end="2025-02-01") == 50.0
    by = kpi.first_contact_resolution(t, by="channel")
    assert by["fcr"].round(4).to_dict() == {"hotline": round(100 / 3, 4), "zalo_oa": 50.0}
    with pytest.raises(C360DataError, match="no ticket"):
        kpi.first_contact_resolution(t, start="2026-01-01")
    with pytest.raises(C360DataError, match="below 1"):
        kpi.first_contact_resolution(t.assign(contacts_to_resolve=[0, 1, 1, 1, 1]))


# -- 004 ------------------------------------------------------------------------------------------

def test_lead_conversion_counts_each_person_once_at_their_first_contact():
    crm = pd.DataFrame({"customer_id": ["A", "A", "B", "C", "D"],
                        "lead_source": ["seo", "referral", "seo", None, "referral"],
                        "created_date": pd.to_datetime(["2024-12-01", "2025-02-01", "2025-01-10",
                                                        "2025-01-11", "2025-03-01"])})
    orders = _orders([("A", "2025-02-10"), ("B", "2025-04-01"), ("D", "2026-03-01")])
    # 2025's leads: B (seo) and D (referral); A's first contact is in 2024, C has no source
    assert kpi.lead_conversion_rate(crm, orders, start="2025-01-01", end="2026-01-01") == 50.0
    by = kpi.lead_conversion_rate(crm, orders, by="lead_source")
    assert by["conversion_rate"].to_dict() == {"referral": 0.0, "seo": 100.0}
    assert by.loc["seo", "leads"] == 2
    with pytest.raises(C360DataError, match="no lead"):
        kpi.lead_conversion_rate(crm, orders, start="2026-01-01")


def test_response_time_is_the_median_and_reuses_step_2_by_group():
    inbox = pd.DataFrame({"channel": ["zalo_oa", "zalo_oa", "hotline", "hotline"],
                          "first_response_minutes": [4, 30, 10, None],
                          "sent_at": pd.to_datetime(["2025-01-01"] * 4)})
    assert kpi.response_time(inbox) == 10.0
    by = kpi.response_time(inbox, by="channel", sla_minutes=15)
    assert by.loc["all", "conversations"] == 3 and by.loc["zalo_oa", "within_sla"] == 0.5
    with pytest.raises(C360DataError, match="no conversation"):
        kpi.response_time(inbox, start="2026-01-01")


def test_leakage_counts_leads_without_a_next_step_within_a_week():
    clean = {"crm_contacts": pd.DataFrame({
        "customer_id": ["A", "B", "C", "D"], "lead_source": ["seo"] * 3 + ["facebook_ads"],
        "created_date": pd.to_datetime(["2025-01-01"] * 4)}),
        "automation_sends": pd.DataFrame({"customer_id": ["A", "D"], "sent_at": pd.to_datetime(
            ["2025-01-08", "2024-12-01"])}),
        "shop_orders": pd.DataFrame({"customer_id": ["B"],
                                     "order_time": pd.to_datetime(["2025-01-20"])})}
    # A: a message on day 7 (kept); B: an order on day 19 (too late); C: nothing;
    # D: only a message before they became a lead
    assert kpi.leakage_rate(clean) == 75.0
    assert kpi.leakage_rate(clean, follow_up_days=30) == 50.0
    by = kpi.leakage_rate(clean, by="lead_source")
    assert by["leaked"].to_dict() == {"facebook_ads": 1, "seo": 2}


def test_cost_per_lead_and_acquisition_by_hand():
    spend = pd.DataFrame({"channel": ["facebook_ads", "facebook_ads", "zalo_ads", "tiktok_ads"],
                          "spend_vnd": [6_000_000, 3_000_000, 900_000, 500_000],
                          "platform_leads": [50, 40, 9, 5],
                          "month": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-01",
                                                   "2025-01-01"])})
    crm = pd.DataFrame({"customer_id": list("ABCD"),
                        "lead_source": ["facebook_ads", "facebook_ads", "facebook_ads", "zalo_oa"],
                        "created_date": pd.to_datetime(["2025-01-05"] * 3 + ["2025-02-05"])})
    cpl = kpi.cost_per_lead(spend, crm)
    assert cpl["cost_per_lead_vnd"].to_dict()["facebook_ads"] == 3_000_000
    assert cpl.loc["zalo_oa", "cost_per_lead_vnd"] == 900_000      # zalo ads → zalo OA leads
    assert pd.isna(cpl.loc["tiktok_ads", "cost_per_lead_vnd"])
    assert "no leads" in cpl.loc["tiktok_ads", "note"]
    january = kpi.cost_per_lead(spend, crm, start="2025-01-01", end="2025-02-01")
    assert january.loc["facebook_ads", "cost_per_lead_vnd"] == 2_000_000
    assert kpi.cost_per_lead(spend).loc["facebook_ads", "cost_per_lead_vnd"] == 100_000

    customers = pd.DataFrame({"customer_id": list("ABCDE"),
                              "channel": ["facebook_ads", "facebook_ads", "referral", "referral",
                                          "seo"]})
    costs = pd.concat([spend, pd.DataFrame({"channel": ["referral"], "spend_vnd": [100_000]})])
    cpa = kpi.cost_per_acquisition(costs.drop(columns="month"), customers)
    assert cpa["cpa_vnd"].dropna().to_dict() == {"facebook_ads": 4_500_000, "referral": 50_000}
    assert "seo" not in cpa.index                                  # no recorded cost
    assert pd.isna(cpa.loc["zalo_oa", "cpa_vnd"])


# -- the whole sample -----------------------------------------------------------------------------

def test_kpi_summary_on_the_sample_is_complete_and_in_range():
    clean = datasets.load_clean()
    s = kpi.kpi_summary(clean, "2025").set_index("kpi")["value"]
    assert not s.isna().any() and all(math.isfinite(v) for v in s)
    assert s["retention_rate"] + s["churn_rate"] == pytest.approx(100)
    assert -100 <= s["nps"] <= 100 and 1 <= s["csat"] <= 5 and 1 <= s["customer_effort"] <= 7
    for rate in ("first_contact_resolution", "lead_conversion_rate", "leakage_rate"):
        assert 0 <= s[rate] <= 100
    assert s["cost_per_acquisition (referral)"] < s["cost_per_acquisition (facebook_ads)"]


def test_kpis_hold_their_invariants_on_every_seed(world):
    clean = world.clean
    counts = kpi.customer_counts(clean["shop_orders"], *YEAR).loc["all"]
    assert counts["customers_end"] - counts["new_customers"] == counts["retained"]
    assert counts["retained"] + counts["lost"] == counts["customers_start"]
    seg = clean["customers"].set_index("customer_id")["segment"]
    by = kpi.nps(clean["surveys"], by=seg)
    total = kpi.nps(clean["surveys"])
    overall = (by["promoters"].sum() - by["detractors"].sum()) / by["responses"].sum() * 100
    assert total == pytest.approx(overall)
