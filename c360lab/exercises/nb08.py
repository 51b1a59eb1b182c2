"""Exercises of notebook 08 — The reverse funnel and relationship KPIs.

The notebook names the clean model ``clean`` (``datasets.load_clean()``), the reverse-funnel
table ``stages`` (``reverse_funnel.customer_stages(clean)``) and the groups ``channel``
(customer_id → acquisition channel, paid ads pooled as ``"paid ads"``); the solutions use those
names, ``kpi`` and ``reverse_funnel``. Every expected answer is computed from the sample data
when the check runs.

Source: 003 (CRR, NPS), 000 (referral CPA, referred customers stay longer).
"""

from __future__ import annotations

from .. import datasets, kpi, reverse_funnel
from . import Exercise, _is_number

__all__ = ["q1", "q2", "q3", "q4"]

YEAR = ("2025-01-01", "2026-01-01")


def _clean():
    return datasets.load_clean()


def _stages():
    return reverse_funnel.customer_stages(_clean())


def _near(value):
    return lambda a, e: _is_number(a) and abs(float(a) - float(value())) <= 0.05


def _counts():
    return kpi.customer_counts(_clean()["shop_orders"], *YEAR).loc["all"]


q1 = Exercise(
    "q1",
    """What was Phin & Co.'s customer retention rate (CRR, in percent) in 2025, from 2025-01-01
    to 2026-01-01, with 003's formula?""",
    expected=lambda: kpi.retention_rate(_clean()["shop_orders"], *YEAR),
    solution="""
        answer = kpi.retention_rate(clean["shop_orders"], "2025-01-01", "2026-01-01")
    """,
    hints=[
        "003: CRR = (customers at end − new customers) / customers at start × 100.",
        "kpi.customer_counts(orders, start, end) shows S, E and N; kpi.retention_rate computes "
        "the formula.",
    ],
    kind="number", rtol=1e-3,
    mistakes=[
        (_near(lambda: _counts()["customers_end"] * 100 / _counts()["customers_start"]),
         "that is customers at end / customers at start: the new customers must be taken out "
         "first (E − N)"),
        (_near(lambda: kpi.churn_rate(_clean()["shop_orders"], *YEAR)),
         "that is the churn rate, the customers lost; CRR is the share kept"),
        (lambda a, e: _is_number(a) and abs(float(a) * 100 - e) <= 0.05,
         "that looks like a share; 003 multiplies by 100: give a percentage"),
    ],
    explanation="E − N is exactly the customers of the start who are still buying at the end.",
)


def _cafe_nps():
    groups = _stages().set_index("customer_id")["segment"]
    return float(kpi.nps(_clean()["surveys"], by=groups).loc["cafe", "nps"])


q2 = Exercise(
    "q2",
    """What is the NPS of the cafés (segment "cafe"), over all survey answers? Give the score
    in points (−100 to 100).""",
    expected=_cafe_nps,
    solution="""
        segments = stages.set_index("customer_id")["segment"]
        answer = kpi.nps(clean["surveys"], by=segments).loc["cafe", "nps"]
    """,
    hints=[
        "kpi.nps takes by= a mapping customer_id → group; stages has each customer's segment.",
        "NPS = % promoters (9–10) − % detractors (0–6); read the 'nps' column of the cafe row.",
    ],
    kind="number", rtol=1e-3,
    mistakes=[
        (lambda a, e: _is_number(a) and abs(float(a) * 100 - e) <= 0.05,
         "that looks like a share; NPS is in points: % promoters − % detractors"),
        (_near(lambda: kpi.nps(_clean()["surveys"])),
         "that is the NPS of every customer; keep the cafés only"),
    ],
)


def _ratio():
    m = reverse_funnel.advocacy_metrics(_stages(), by="loyalty")["referrals_per_customer"]
    return float(m["promoter"] / m["passive"])


q3 = Exercise(
    "q3",
    """How many times as many referrals does a promoter make as a passive (referrals per
    customer of each NPS group)?""",
    expected=_ratio,
    solution="""
        per = reverse_funnel.advocacy_metrics(stages, by="loyalty")["referrals_per_customer"]
        answer = per["promoter"] / per["passive"]
    """,
    hints=[
        "reverse_funnel.advocacy_metrics(stages, by='loyalty') has one row per NPS group.",
        "Divide the promoters' referrals_per_customer by the passives'.",
    ],
    kind="number", rtol=1e-3,
    mistakes=[
        (_near(lambda: 1 / _ratio()), "that is the other way round: promoters over passives"),
        (_near(lambda: (lambda m: m["promoter"] / m["passive"])(
            reverse_funnel.advocacy_metrics(_stages(), by="loyalty")["referrer_share"])),
         "that compares the share who refer at all; the question counts referrals per customer"),
    ],
)


def _gap(stages=None):
    s = _stages() if stages is None else stages
    acq = s.set_index("customer_id")["acquisition_channel"]
    groups = acq.where(~acq.isin(reverse_funnel.PAID_ADS), "paid ads")
    pooled = reverse_funnel.pooled_retention(reverse_funnel.cohort_retention(
        _clean()["shop_orders"], by=groups))
    at = pooled[pooled["months"] == 12].set_index("group")["retention"]
    return float((at["referral"] - at["paid ads"]) * 100)


q4 = Exercise(
    "q4",
    """By how many percentage points is the 12-month retention of referred customers higher
    than that of paid-ads customers (all cohorts pooled)?""",
    expected=_gap,
    solution="""
        curves = reverse_funnel.pooled_retention(
            reverse_funnel.cohort_retention(clean["shop_orders"], by=channel))
        at_12 = curves[curves["months"] == 12].set_index("group")["retention"]
        answer = (at_12["referral"] - at_12["paid ads"]) * 100
    """,
    hints=[
        "reverse_funnel.cohort_retention(orders, by=channel) gives every cohort's curve; "
        "pooled_retention pools the cohorts of each group.",
        "Keep months == 12 and subtract the 'paid ads' share from the 'referral' share; "
        "× 100 for points.",
    ],
    kind="number", rtol=1e-3,
    mistakes=[
        (lambda a, e: _is_number(a) and abs(float(a) * 100 - e) <= 0.05,
         "that is a difference of shares; give percentage points (× 100)"),
        (lambda a, e: _is_number(a) and abs(float(a) + e) <= 0.05,
         "the sign is reversed: referral minus paid ads"),
    ],
)
