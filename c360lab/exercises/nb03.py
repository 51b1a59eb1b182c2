"""Exercises of notebook 03 — The customer journey.

The notebook names the clean model ``clean`` (``datasets.load_clean()``) and the stage table
``stages`` (``journey.customer_stages(clean)``); the solutions use those names and ``journey``.
Every expected answer is computed from the sample data when the check runs.

Source: 001 §4.3 (the biggest drop point, behaviour by source), 001 §4.2 (tư vấn → báo giá →
thanh toán), 002 (the five stages).
"""

from __future__ import annotations

from .. import datasets, journey
from . import AS_PERCENTAGE, Exercise

__all__ = ["q1", "q2", "q3", "q4"]


def _clean():
    return datasets.load_clean()


def _stages():
    return journey.customer_stages(_clean())


def _funnel():
    return journey.funnel(_stages())


def _is_text(value) -> bool:
    return isinstance(value, str)


def _said(stage: str):
    return lambda a, e: _is_text(a) and a.strip().lower() == stage


q1 = Exercise(
    "q1",
    """In the journey funnel of all customers, which stage keeps the smallest share of the
    customers who reached the stage before it? Answer with that stage's name (e.g.
    "experience").""",
    expected=lambda: str(journey.biggest_leak(_funnel())["stage"]),
    solution="""
        table = journey.funnel(stages)
        answer = journey.biggest_leak(table)["stage"]
    """,
    hints=[
        "journey.funnel(stages) has one row per stage; step_conversion compares each stage "
        "with the one before it.",
        "journey.biggest_leak(table) returns the step with the lowest step_conversion; its "
        "'stage' is where the customers fail to arrive.",
    ],
    kind="text",
    mistakes=[
        (lambda a, e: _is_text(a) and a.strip().lower() == str(
            journey.biggest_leak(_funnel())["from_stage"]),
         "that is the stage they leave from; name the stage they fail to reach"),
        (lambda a, e: _is_text(a) and a.strip().lower() == str(
            _funnel().sort_values("overall_conversion", kind="stable")["stage"].iloc[0]),
         "that stage holds the smallest share of *all* customers (overall_conversion); the "
         "question compares each stage with the previous one (step_conversion)"),
        (lambda a, e: _is_text(a) and a.strip().lower() not in journey.JOURNEY_STAGES,
         f"answer with one of the stage names: {', '.join(journey.JOURNEY_STAGES)}"),
    ],
    explanation="That step is where the journey leaks most: the first place to fix.",
)


def _rate(source: str) -> float:
    return float(journey.conversion_by_source(_clean()).loc[source, "conversion"])


q2 = Exercise(
    "q2",
    """How many times more often does a referral lead become a customer than a Facebook-ads
    lead? Divide referral's lead→customer rate by facebook_ads' (one number, e.g. 2.5).""",
    expected=lambda: _rate("referral") / _rate("facebook_ads"),
    solution="""
        by_source = journey.conversion_by_source(clean)
        answer = by_source.loc["referral", "conversion"] / by_source.loc["facebook_ads", "conversion"]
    """,
    hints=[
        "journey.conversion_by_source(clean) has one row per lead source and a 'conversion' "
        "column.",
        "Read both rates with .loc[source, 'conversion'] and divide referral's by "
        "facebook_ads'.",
    ],
    kind="number",
    rtol=0.01,
    mistakes=[
        (lambda a, e: abs(a - 1 / e) <= 0.01, "that is the other way round: referral ÷ "
                                              "facebook_ads, not facebook_ads ÷ referral"),
        (lambda a, e: abs(a - (_rate("referral") - _rate("facebook_ads"))) <= 0.005,
         "that is the difference of the two rates; the question asks for their ratio"),
        (lambda a, e: abs(a - _rate("referral") / _rate("tiktok_ads")) <= 0.01,
         "that divides by tiktok_ads; use facebook_ads"),
    ],
    explanation="Referred leads arrive trusting the company; ads leads often do not.",
)


def _days(segment: str, column: str = "median_days") -> float:
    t = journey.time_between_stages(_stages(), by="segment")
    row = t[(t["segment"] == segment) & (t["from_stage"] == "consideration")]
    return float(row[column].iloc[0])


q3 = Exercise(
    "q3",
    """For cafés (segment "cafe"), what is the median number of days from consideration to
    decision? Use journey.time_between_stages.""",
    expected=lambda: _days("cafe"),
    solution="""
        days = journey.time_between_stages(stages, by="segment")
        row = days[(days["segment"] == "cafe") & (days["from_stage"] == "consideration")]
        answer = row["median_days"].iloc[0]
    """,
    hints=[
        "journey.time_between_stages(stages, by='segment') has one row per segment and pair "
        "of stages.",
        "Keep the row where segment is 'cafe' and from_stage is 'consideration' (its stage is "
        "'decision'), then read median_days.",
    ],
    kind="number",
    rtol=0.01,
    mistakes=[
        (lambda a, e: abs(a - _days("household")) <= 0.05,
         "that is households; keep the segment 'cafe'"),
        (lambda a, e: abs(a - _days("cafe", "p75_days")) <= 0.05,
         "that is the 75th percentile; the question asks for the median"),
        (lambda a, e: abs(a - float(journey.time_between_stages(_stages()).query(
            "from_stage == 'consideration'")["median_days"].iloc[0])) <= 0.05,
         "that is every customer; split by segment and keep the cafés"),
    ],
    explanation="Cafés take weeks to decide: a sales follow-up has to last that long.",
)


def _chain():
    return journey.pipeline_funnel(_clean()["deals"], stages=journey.PAYMENT_CHAIN)


q4 = Exercise(
    "q4",
    """Along the touchpoint chain (journey.PAYMENT_CHAIN: inquiry → consultation → quote →
    won), what share of the deals that received a quote were won? Give a share between 0
    and 1.""",
    expected=lambda: float(_chain().set_index("stage").loc["won", "step_conversion"]),
    solution="""
        chain = journey.pipeline_funnel(clean["deals"], stages=journey.PAYMENT_CHAIN)
        answer = chain.set_index("stage").loc["won", "step_conversion"]
    """,
    hints=[
        "journey.pipeline_funnel(clean['deals'], stages=journey.PAYMENT_CHAIN) counts the "
        "deals that reached each link of the chain.",
        "The row of stage 'won' has step_conversion: won ÷ reached a quote.",
    ],
    kind="number",
    rtol=0.01,
    mistakes=[
        AS_PERCENTAGE,
        (lambda a, e: abs(a - float(_chain().set_index("stage").loc["won",
                                                                    "overall_conversion"]))
         <= 0.005, "that is won ÷ every inquiry; the question starts from the quotes"),
        (lambda a, e: abs(a - (1 - e)) <= 0.005, "that is the share lost after the quote"),
        (lambda a, e: abs(a - float(journey.pipeline_funnel(_clean()["deals"]).set_index(
            "stage").loc["won", "step_conversion"])) <= 0.005,
         "that is won ÷ negotiation; the chain goes straight from quote to won"),
    ],
    explanation="Of all the links of the chain, this one keeps the smallest share.",
)
