"""Exercises of notebook 05 — Build the complete Customer 360 profile.

The notebook names the clean model ``clean`` (``datasets.load_clean()``), the profile today ``p``
(``profile.build_profile(clean)``) and the back-test ``leads`` (``profile.backtest(clean,
cutoff=CUTOFF)``); the solutions use those names and ``profile``. Every expected answer is
computed from the sample data when the check runs.

Source: 001 §4.5 (lead scoring nóng/ấm/lạnh, next best action, consent), §1.3 (four layers).
"""

from __future__ import annotations

import functools

import pandas as pd

from .. import datasets, profile
from . import AS_PERCENTAGE, Exercise

__all__ = ["CUTOFF", "q1", "q2", "q3", "q4"]

#: the cut-off date of the notebook's back-test
CUTOFF = pd.Timestamp("2025-07-01")


@functools.cache
def _profile() -> pd.DataFrame:
    return profile.build_profile(datasets.load_clean())


@functools.cache
def _leads() -> pd.DataFrame:
    return profile.backtest(datasets.load_clean(), cutoff=CUTOFF)


def _hot_leads() -> int:
    p = _profile()
    return int(((p["band"] == "hot") & ~p["is_customer"]).sum())


q1 = Exercise(
    "q1",
    """How many leads (customers who have not bought yet: is_customer is False) are in the hot
    band today?""",
    expected=_hot_leads,
    solution="""
        answer = ((p["band"] == "hot") & ~p["is_customer"]).sum()
    """,
    hints=[
        "The profile p has a band column and an is_customer column.",
        "Combine the two conditions with &, and ~ for 'not': ((...) & ~p['is_customer']).sum().",
    ],
    kind="number",
    mistakes=[
        (lambda a, e: a == int((_profile()["band"] == "hot").sum()),
         "that counts the hot customers too; keep the leads (~p['is_customer'])"),
        (lambda a, e: a == int(((_profile()["band"] == "hot") & _profile()["is_customer"]).sum()),
         "those are the hot customers who already bought; the question asks for leads"),
    ],
    explanation="A short call list: these are the leads a salesperson calls first.",
)


def _ratio() -> float:
    rate = _leads().groupby("band")["became_customer"].mean()
    return float(rate["hot"] / rate["cold"])


q2 = Exercise(
    "q2",
    """In the back-test (leads), how many times as often did hot leads become customers as
    cold leads? Divide the hot band's close rate by the cold band's.""",
    expected=_ratio,
    solution="""
        rate = leads.groupby("band")["became_customer"].mean()
        answer = rate["hot"] / rate["cold"]
    """,
    hints=[
        "The close rate of a band is the mean of became_customer over its leads.",
        "leads.groupby('band')['became_customer'].mean() gives one rate per band; divide hot by "
        "cold.",
    ],
    kind="number",
    rtol=0.02,
    mistakes=[
        (lambda a, e: abs(a - 1 / e) < 1e-3, "that is cold ÷ hot; divide hot by cold"),
        (lambda a, e: abs(a - (_leads().groupby("band")["became_customer"].mean()["hot"]
                               - _leads().groupby("band")["became_customer"].mean()["cold"]))
         < 1e-3, "that is a difference of rates; the question asks how many times as often"),
        (lambda a, e: abs(a - float(
            _leads().groupby("band")["became_customer"].sum()["hot"]
            / _leads().groupby("band")["became_customer"].sum()["cold"])) < 1e-3,
         "you divided the numbers of new customers; divide the rates (a band's mean)"),
    ],
    explanation="Behaviour before the purchase predicts the purchase: that is planted story 5.",
)


def _no_consent_contacted() -> int:
    p = _profile()
    return int((~p["marketing_consent"] & (p["action_channel"] != "none")).sum())


q3 = Exercise(
    "q3",
    """Customers without marketing consent never get a marketing action. How many of them
    still get an action with a channel (action_channel is not "none")?""",
    expected=_no_consent_contacted,
    solution="""
        no_consent = p[~p["marketing_consent"]]
        answer = (no_consent["action_channel"] != "none").sum()
    """,
    hints=[
        "Keep the rows of p where marketing_consent is False.",
        "Count those whose action_channel is not 'none': (... != 'none').sum().",
    ],
    kind="number",
    mistakes=[
        (lambda a, e: a == int((~_profile()["marketing_consent"]).sum()),
         "that is every customer without consent; most of them get no action at all"),
        (lambda a, e: a == int((_profile()["action_channel"] != "none").sum()),
         "that counts customers with consent too; keep those without"),
    ],
    explanation="Sales follow-ups of an open request and after-sales care of an order need no "
                "marketing consent; everything else waits for the customer's yes.",
)


def _share_with_pricing() -> float:
    leads = _leads()
    return float(leads.loc[leads["pricing_views"] > 0, "became_customer"].mean())


q4 = Exercise(
    "q4",
    """In the back-test, what share of the leads who had viewed the pricing page at least once
    became customers? Give a share between 0 and 1.""",
    expected=_share_with_pricing,
    solution="""
        viewed = leads[leads["pricing_views"] > 0]
        answer = viewed["became_customer"].mean()
    """,
    hints=[
        "Keep the leads with pricing_views > 0.",
        "The share who became customers is the mean of their became_customer column.",
    ],
    kind="number",
    rtol=0.01,
    mistakes=[
        AS_PERCENTAGE,
        (lambda a, e: abs(a - float(_leads()["became_customer"].mean())) < 1e-3,
         "that is the rate of every lead; keep those with pricing_views > 0"),
        (lambda a, e: abs(a - float(_leads().loc[_leads()["pricing_views"] == 0,
                                                 "became_customer"].mean())) < 1e-3,
         "that is the rate of the leads who never viewed the pricing page"),
    ],
    explanation="Compare it with the leads who never looked at a price.",
)
