"""Exercises of notebook 01 — Step 1: find the most profitable customers.

The notebook names the clean model ``clean`` (``datasets.load_clean()``), the customer table
``table`` (``profitability.customer_table(...)``), the segment summary ``summary`` and the costly
customers ``costly`` (``profitability.costly_customers(table)``); the solutions use those names
and the module ``profitability``. Every expected answer is computed from the sample data when the
check runs, so it holds for any seed.

Source: 001 §4.1 (core customers by revenue, gross margin and repeat; "costly customers").
"""

from __future__ import annotations

import pandas as pd

from .. import datasets, profitability
from . import AS_PERCENTAGE, Exercise

__all__ = ["q1", "q2", "q3", "q4"]

MARKETPLACES = ("shopee", "tiktok_shop")


def _clean() -> dict[str, pd.DataFrame]:
    return datasets.load_clean()


def _table(clean=None) -> pd.DataFrame:
    """The customer table exactly as the notebook builds it."""
    clean = _clean() if clean is None else clean
    return profitability.customer_table(
        clean["shop_orders"], clean["order_lines"], tickets=clean["tickets"],
        deals=clean["deals"], customers=clean["customers"])


def _segment_share(column: str, segment: str = "cafe") -> float:
    table = _table()
    return float(table.loc[table["segment"] == segment, column].sum() / table[column].sum())


def _cafe_customer_share() -> float:
    return float((_table()["segment"] == "cafe").mean())


def _near(a, b, tol=0.005) -> bool:
    return abs(float(a) - float(b)) <= tol


q1 = Exercise(
    "q1",
    """What share of Phin & Co.'s total gross margin do the cafés (segment 'cafe') earn? Give a
    share between 0 and 1.""",
    expected=lambda: _segment_share("gross_margin_vnd"),
    solution="""
        cafe = table["segment"] == "cafe"
        answer = table.loc[cafe, "gross_margin_vnd"].sum() / table["gross_margin_vnd"].sum()
    """,
    hints=[
        "Add up the gross margin of the cafés, then divide by the gross margin of everyone.",
        "table.loc[table['segment'] == 'cafe', 'gross_margin_vnd'].sum() is the cafés' margin; "
        "summary (the segment summary) also has a margin_share column.",
    ],
    kind="number",
    rtol=0.005,
    mistakes=[
        (lambda a, e: _near(a, _segment_share("revenue_vnd")),
         "that is the cafés' share of revenue; the question asks for gross margin"),
        (lambda a, e: _near(a, _cafe_customer_share()),
         "that is the cafés' share of customers, not of gross margin"),
        AS_PERCENTAGE,
        (lambda a, e: _near(a, 1 - e), "that is the share of everyone except the cafés"),
    ],
    explanation="A small group of customers earns most of the margin: that is a core segment.",
)


def _top_share(top: float, value: str = "gross_margin_vnd") -> float:
    return profitability.top_share(_table(), top, value=value)


q2 = Exercise(
    "q2",
    """What share of the total gross margin do the top 10% of customers (ranked by gross margin)
    earn? Give a share between 0 and 1.""",
    expected=lambda: _top_share(0.1),
    solution="""
        answer = profitability.top_share(table, 0.1)
    """,
    hints=[
        "Sort the customers by gross margin, largest first, keep the first 10% of them, and "
        "divide their margin by everyone's.",
        "profitability.top_share(table, top) does exactly that; or read the curve of "
        "profitability.pareto(table) at customer_share 0.1.",
    ],
    kind="number",
    rtol=0.005,
    mistakes=[
        (lambda a, e: _near(a, _top_share(0.1, "revenue_vnd")),
         "that is the top 10% by revenue and their share of revenue; rank and add up by gross "
         "margin"),
        (lambda a, e: _near(a, _top_share(0.2)),
         "that is the share of the top 20%; the question asks for the top 10%"),
        AS_PERCENTAGE,
        (lambda a, e: a == round(0.1 * len(_table())),
         "that is how many customers the top 10% holds; now find their share of the margin"),
    ],
    explanation="Losing one of these customers costs as much as losing dozens of the others.",
)


def _costly_orders(clean=None) -> pd.DataFrame:
    clean = _clean() if clean is None else clean
    costly = profitability.costly_customers(_table(clean))
    orders = clean["shop_orders"]
    return orders[orders["customer_id"].isin(costly["customer_id"])]


def _marketplace_share(orders: pd.DataFrame, channels=MARKETPLACES) -> float:
    return float(orders["channel"].isin(list(channels)).mean())


q3 = Exercise(
    "q3",
    """Of all the orders the costly customers placed (whatever their status), what share were
    placed on a marketplace, Shopee or TikTok Shop? Give a share between 0 and 1.""",
    expected=lambda: _marketplace_share(_costly_orders()),
    solution="""
        orders = clean["shop_orders"]
        theirs = orders[orders["customer_id"].isin(costly["customer_id"])]
        answer = theirs["channel"].isin(["shopee", "tiktok_shop"]).mean()
    """,
    hints=[
        "Keep the orders whose customer_id is one of costly['customer_id'] (.isin), then find "
        "the share of those orders whose channel is 'shopee' or 'tiktok_shop'.",
        "A share of True values is .mean() of a True/False column: "
        "theirs['channel'].isin(['shopee', 'tiktok_shop']).mean().",
    ],
    kind="number",
    rtol=0.005,
    mistakes=[
        (lambda a, e: _near(a, _marketplace_share(_clean()["shop_orders"])),
         "that is the marketplaces' share of everyone's orders; keep the costly customers' "
         "orders only"),
        (lambda a, e: _near(a, _marketplace_share(_costly_orders(), ["shopee"])),
         "that counts Shopee only; TikTok Shop is a marketplace too"),
        (lambda a, e: _near(a, _marketplace_share(
            _costly_orders().query("status == 'completed'"))),
         "that counts completed orders only; the question asks for every order they placed"),
        AS_PERCENTAGE,
    ],
    explanation="The costly customers live on the marketplaces: that is where to change the rules "
                "(minimum order, discount caps, return policy).",
)


def _best_per_customer() -> str:
    summary = profitability.segment_summary(_table())
    return str(summary.sort_values(["margin_per_customer_vnd", "segment"],
                                   ascending=[False, True])["segment"].iloc[0])


def _largest(column: str) -> str:
    table = _table()
    if column == "customers":
        sizes = table.groupby("segment")["customer_id"].size()
    else:
        sizes = table.groupby("segment")[column].sum()
    return str(sizes.sort_values(ascending=False, kind="stable").index[0])


q4 = Exercise(
    "q4",
    """Which segment earns the most gross margin per customer? Answer with its name as the data
    writes it, e.g. 'household'.""",
    expected=_best_per_customer,
    solution="""
        per_customer = table.groupby("segment")["gross_margin_vnd"].mean()
        answer = per_customer.idxmax()
    """,
    hints=[
        "Group the customer table by segment and take the mean gross margin of each group.",
        "table.groupby('segment')['gross_margin_vnd'].mean().idxmax() names the largest; the "
        "segment summary's margin_per_customer_vnd column holds the same numbers.",
    ],
    kind="text",
    mistakes=[
        (lambda a, e: a.strip().casefold() == _largest("customers") != e,
         "that segment has the most customers, not the most margin per customer"),
        (lambda a, e: a.strip().casefold() == _largest("revenue_vnd") != e,
         "that segment brings the most revenue; divide its margin by its customers"),
        (lambda a, e: a.strip().casefold() in {"cafes", "cafés", "café", "coffee shops"},
         "write the segment as the data writes it, e.g. 'household'"),
    ],
    explanation="Margin per customer tells what one more customer of that segment is worth.",
)
