"""Exercises of notebook 06 — Step 6: validate the Customer 360 against real sales.

The notebook names the clean model ``clean`` (``datasets.load_clean()``), the lead table
``leads`` (``validation.lead_table(clean)``), the groups ``groups``
(``validation.target_groups(leads)``), the source figures ``economics``
(``validation.source_economics(...)``), the back-test ``scored``
(``validation.backtest_scores(clean)``) and the closed deals ``deals``
(``validation.deal_table(clean)``); the solutions use those names and the module
``validation``. Every expected answer is computed from the sample data when the check runs.

Source: 001 §4.6.
"""

from __future__ import annotations

from .. import datasets, validation
from . import AS_PERCENTAGE, Exercise

__all__ = ["CAFE_RULE", "q1", "q2", "q3", "q4"]

#: the quality-lead rule of exercise 4: cafés that came by referral or from Zalo
CAFE_RULE = (("segment", "in", ("cafe",)), ("lead_source", "in", ("referral", "zalo_oa")))


def _leads():
    return validation.lead_table(datasets.load_clean())


def _assumed_group():
    groups = validation.target_groups(_leads())
    return groups[groups["assumed"]].iloc[0]


q1 = Exercise(
    "q1",
    """What share of the assumed target's leads (households from TikTok ads) became customers?
    Give a share between 0 and 1.""",
    expected=lambda: float(_assumed_group()["close_rate"]),
    solution="""
        assumed = groups[groups["assumed"]]
        answer = assumed["close_rate"].iloc[0]
    """,
    hints=[
        "validation.target_groups(leads) marks the assumed target's group in its 'assumed' "
        "column.",
        "Take the 'close_rate' of the row where assumed is True.",
    ],
    kind="number",
    rtol=0.01,
    mistakes=[
        AS_PERCENTAGE,
        (lambda a, e: abs(a - float(_assumed_group()["margin_share"])) < 1e-3,
         "that is the group's share of gross margin; the question asks how many of its leads "
         "closed"),
        (lambda a, e: abs(a - float(_leads().query("is_lead")["closed"].mean())) < 1e-3,
         "that is the close rate of every lead; keep the assumed target's group"),
    ],
    explanation="Compare it with the close rate of the groups that earn the margin.",
)


def _economics():
    clean = datasets.load_clean()
    return validation.source_economics(_leads(), clean["marketing_spend"],
                                       clean["referrals"]).set_index("lead_source")


def _ratio(column: str) -> float:
    e = _economics()
    return float(e.loc["facebook_ads", column] / e.loc["referral", column])


q2 = Exercise(
    "q2",
    """How many times as much does a customer won through Facebook ads cost as a customer won
    through referral? Divide the two costs per won customer.""",
    expected=lambda: _ratio("cost_per_won_vnd"),
    solution="""
        cost = economics.set_index("lead_source")["cost_per_won_vnd"]
        answer = cost["facebook_ads"] / cost["referral"]
    """,
    hints=[
        "validation.source_economics(...) has a column 'cost_per_won_vnd' per lead source.",
        "Index it by 'lead_source' and divide Facebook's value by referral's.",
    ],
    kind="number",
    rtol=0.01,
    mistakes=[
        (lambda a, e: abs(a - 1 / e) < 1e-3 * max(1, 1 / e),
         "you divided referral by Facebook; the question asks Facebook ÷ referral"),
        (lambda a, e: abs(a - _ratio("cost_per_lead_vnd")) < 1e-3 * _ratio("cost_per_lead_vnd"),
         "that compares the cost per lead; the question asks per won customer"),
        (lambda a, e: abs(a - _ratio("cost_vnd")) < 1e-3 * _ratio("cost_vnd"),
         "that compares the total costs; divide each by its won customers first"),
    ],
    explanation="Ads buy many leads; referral buys customers.",
)


#: the calibration table of the last check of q3 (the back-test runs once per check)
_LAST: dict = {}


def _hot_vs_cold() -> float:
    table = validation.calibration(validation.backtest_scores(datasets.load_clean()))
    _LAST["q3"] = table = table.set_index("band")
    return float(table.loc["hot", "close_rate"] / table.loc["cold", "close_rate"])


def _calibration():
    return _LAST["q3"]


q3 = Exercise(
    "q3",
    """In the back-test, how many times as often do hot leads become customers as cold leads?
    Divide the two close rates.""",
    expected=_hot_vs_cold,
    solution="""
        table = validation.calibration(scored).set_index("band")
        answer = table.loc["hot", "close_rate"] / table.loc["cold", "close_rate"]
    """,
    hints=[
        "validation.calibration(scored) gives one row per band with its 'close_rate'.",
        "Divide the hot band's close rate by the cold band's.",
    ],
    kind="number",
    rtol=0.01,
    mistakes=[
        (lambda a, e: abs(a - float(_calibration().loc["hot", "lift"])) < 1e-3 * a,
         "that is the hot band's lift against all leads; compare hot with cold"),
        (lambda a, e: abs(a - 1 / e) < 1e-3,
         "you divided cold by hot; the question asks hot ÷ cold"),
        (lambda a, e: abs(a - float(_calibration().loc["hot", "close_rate"]
                                    - _calibration().loc["cold", "close_rate"])) < 1e-6,
         "that is a difference of close rates; the question asks how many times"),
    ],
    explanation="The score ranks leads the way real sales did.",
)


def _deals():
    return validation.deal_table(datasets.load_clean())


q4 = Exercise(
    "q4",
    """How many closed deals meet ex.CAFE_RULE (cafés that came by referral or from Zalo), and
    what share of them was won? Answer with a tuple (deals, close_rate).""",
    expected=lambda: _cafe_figures(),
    solution="""
        summary = validation.rule_summary(deals, ex.CAFE_RULE)
        answer = (summary.loc[0, "deals"], summary.loc[0, "close_rate"])
    """,
    hints=[
        "validation.rule_summary(deals, rule) has a row 'meet the rule' first.",
        "Take its 'deals' and 'close_rate': answer = (number, share).",
    ],
    kind=lambda a, e: int(a[0]) == e[0] and abs(float(a[1]) - e[1]) < 0.005,
    mistakes=[
        (lambda a, e: int(a[0]) == e[0] and abs(float(a[1]) - 100 * e[1]) < 0.6,
         "the close rate looks like a percentage; give a share between 0 and 1"),
        (lambda a, e: int(a[0]) == _cafe_leads(),
         "that counts leads of the lead table; the rule is about closed deals (deal_table)"),
        (lambda a, e: int(a[0]) == len(_deals()) - e[0],
         "that is the rest; count the deals that meet the rule"),
    ],
    explanation="Few deals, but most of them are won.",
)


def _cafe_figures():
    s = validation.rule_summary(_deals(), CAFE_RULE)
    return int(s.loc[0, "deals"]), float(s.loc[0, "close_rate"])


def _cafe_leads():
    leads = _leads()
    return int((leads["is_lead"] & validation.meets_rule(leads, CAFE_RULE)).sum())
