"""Exercises of notebook 09 — The automation playbook.

The notebook names the clean model ``clean`` (``datasets.load_clean()``), the playbook ``rules``
(``automation.load_rules()``), the 2025 replay ``fired`` (``automation.simulate(rules, clean,
start="2025-01-01", end="2026-01-01")``), the past sends ``sends`` (``clean["automation_sends"]``)
and the send hours ``hours`` (``automation.best_send_hour(clean)``); the solutions use those names
and the module ``automation``. Every expected answer is computed from the sample data when the
check runs.

Source: 002 (Bước 3 kịch bản, Bước 4 giờ gửi, Bước 5 A/B test), 004 (consent, KPIs).
"""

from __future__ import annotations

from .. import automation, datasets
from . import AS_PERCENTAGE, Exercise

__all__ = ["q1", "q2", "q3"]

START, END = "2025-01-01", "2026-01-01"


def _clean():
    return datasets.load_clean()


def _summary():
    rules = automation.load_rules()
    fired = automation.simulate(rules, _clean(), start=START, end=END)
    return automation.simulation_summary(fired, rules).loc["cart_reminder"]


def _near(column: str, tol: float = 0.5):
    return lambda a, e: abs(a - float(_summary()[column])) <= tol


q1 = Exercise(
    "q1",
    """In the 2025 replay, how many different customers would the rule cart_reminder have
    reached (messages that were really sent, each customer counted once)?""",
    expected=lambda: int(_summary()["customers_reached"]),
    solution="""
        summary = automation.simulation_summary(fired, rules)
        answer = summary.loc["cart_reminder", "customers_reached"]
    """,
    hints=[
        "automation.simulation_summary(fired, rules) has one row per rule.",
        "Read the 'customers_reached' column of the row 'cart_reminder'.",
    ],
    kind="number",
    rtol=0.0,
    mistakes=[
        (_near("sent"), "that counts the sends; a customer can get several reminders in a "
                        "year: count each customer once"),
        (_near("triggered"), "that counts every abandoned cart, including the reminders that "
                             "consent or the cap held back"),
    ],
    explanation="The rest of the abandoned carts belong to customers who never agreed to "
                "marketing messages, or were reminded already that week.",
)


def _ab():
    return automation.ab_test(_clean()["automation_sends"], trigger="cart_abandon").iloc[0]


q2 = Exercise(
    "q2",
    """For the past cart-abandon reminders, what is the lower end of the 95% interval of the
    conversion difference B − A? Answer as a share (e.g. 0.03), not in percent.""",
    expected=lambda: float(_ab()["diff_low"]),
    solution="""
        ab = automation.ab_test(sends, trigger="cart_abandon")
        answer = ab["diff_low"].iloc[0]
    """,
    hints=[
        "automation.ab_test(sends, trigger=\"cart_abandon\") compares variant B with the "
        "control A.",
        "The interval of the difference is in the columns diff_low and diff_high.",
    ],
    kind="number",
    rtol=0.01,
    mistakes=[
        AS_PERCENTAGE,
        (lambda a, e: abs(a - float(_ab()["difference"])) <= 1e-3,
         "that is the observed difference; the question asks for the lower end of its interval"),
        (lambda a, e: abs(a - float(_ab()["relative_lift"])) <= 1e-2,
         "that is the relative lift (difference ÷ A's rate); the question asks for the "
         "difference's interval"),
        (lambda a, e: abs(a - float(_ab()["diff_high"])) <= 1e-3,
         "that is the upper end; the question asks for the lower one"),
    ],
    explanation="Even the least favourable end of the interval is above zero: B's win is no "
                "accident of chance.",
)


def _hours():
    clean = _clean()
    return automation.send_hour_comparison(clean["automation_sends"],
                                           automation.best_send_hour(clean))


q3 = Exercise(
    "q3",
    """How much higher is the open rate of past scheduled sends at the customer's usual hour
    than at 9:00? Answer as a difference of shares (e.g. 0.05).""",
    expected=lambda: float(_hours().loc["usual hour", "difference"]),
    solution="""
        by_hour = automation.send_hour_comparison(sends, hours)
        answer = by_hour.loc["usual hour", "difference"]
    """,
    hints=[
        "automation.send_hour_comparison(sends, hours) has a row 'usual hour' and a row "
        "'9:00'.",
        "Subtract the two 'rate' values, or read 'difference' on the 'usual hour' row.",
    ],
    kind="number",
    rtol=0.01,
    mistakes=[
        AS_PERCENTAGE,
        (lambda a, e: abs(a - float(_hours().loc["usual hour", "relative_lift"])) <= 1e-2,
         "that is the relative lift (difference ÷ the 9:00 rate); give the difference of the "
         "two rates"),
        (lambda a, e: abs(a - float(_hours().loc["usual hour", "rate"])) <= 1e-3,
         "that is the usual hour's open rate alone; subtract the 9:00 rate"),
        (lambda a, e: abs(a + e) <= 1e-3, "that is 9:00 minus the usual hour: the other way round"),
    ],
    explanation="Same messages, same customers: only the hour changed.",
)
