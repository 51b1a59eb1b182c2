"""Step 1: find the most profitable customers — margin, repeat, RFM, cost to serve, segments.

The source's first step (001 §4.1, "Xác định nhóm khách hàng sinh lợi nhất") picks the core
customers by three numbers — revenue, gross margin and repeat buying — not by revenue alone; it
names the "costly customers" to phase out (heavy bargaining and discounts, complaints, high
return/cancel rates, long time to close) and ends with 1–2 beachhead segments.

Every function takes plain DataFrames (each row already carries a ``customer_id``, see step 2)
and returns a new one; inputs are never changed. A team with only an orders export can still
run :func:`customer_table` on its orders and order lines; tickets, deals and customers add the
complaint, time-to-close and segment columns.

The chain::

    table = customer_table(orders, lines, tickets=tickets, deals=deals, customers=customers)
    segments = segment_summary(table)
    pick = beachhead(segments)
    curve = pareto(table)
    costly = costly_customers(table)

How the money is counted (per order, see :func:`order_margins`):

- *list value* = Σ quantity × unit price of the order's lines;
- *revenue* = list value − order discount, for **completed** orders only;
- *cost of goods* = Σ quantity × unit cost, for completed orders only (returned goods go back
  to stock; cancelled and failed orders never left or came back);
- *gross margin* = revenue − cost of goods − **shipping lost** on returned and failed-delivery
  orders (the shop paid the courier and earned nothing; a return's shipping is already both
  ways in the export). Shipping of delivered orders is a fulfilment cost outside gross margin.

Source: 001 §4.1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .contract import ORDER_STATUSES, C360DataError, Problem
from .datasets import TODAY

__all__ = [
    "BAD_STATUSES",
    "COMPLAINT_ISSUES",
    "COST_TO_SERVE_PARTS",
    "LOST_SHIPPING_STATUSES",
    "beachhead",
    "costly_customers",
    "customer_table",
    "order_margins",
    "pareto",
    "percentile_rank",
    "rfm_scores",
    "segment_summary",
    "top_share",
]

#: order statuses that count against the customer in the return/cancel rate
BAD_STATUSES = ("returned", "cancelled", "failed_delivery")
#: order statuses whose shipping the shop paid for nothing
LOST_SHIPPING_STATUSES = ("returned", "failed_delivery")
#: ticket issue types that are complaints (usage questions and machine repairs are service)
COMPLAINT_ISSUES = ("delivery", "product_quality", "billing", "return_request")
#: the columns averaged (as percentile ranks) into the cost-to-serve score
COST_TO_SERVE_PARTS = ("discount_share", "return_cancel_rate", "complaints", "days_to_close")
#: the segment criteria and whether a higher value is better
SEGMENT_CRITERIA = {"margin_share": True, "margin_per_customer_vnd": True, "repeat_rate": True,
                    "median_cost_to_serve": False}
UNKNOWN_SEGMENT = "unknown"

_REQUIRED = {
    "shop_orders": ("customer_id", "order_id", "order_time", "status", "discount_vnd",
                    "shipping_vnd"),
    "order_lines": ("order_id", "quantity", "unit_price_vnd", "unit_cost_vnd"),
    "tickets": ("customer_id", "issue_type"),
    "deals": ("customer_id", "stage", "inquiry_date", "closed_date"),
    "customers": ("customer_id", "segment"),
}
_NUMBERS = ("discount_vnd", "shipping_vnd", "quantity", "unit_price_vnd", "unit_cost_vnd")
_DATES = ("order_time", "inquiry_date", "closed_date")


# -- checks ---------------------------------------------------------------------------------------

def _fix_missing(column: str) -> str:
    if column == "customer_id":
        return ("link every row to its customer first (step 2, identity resolution) so it "
                "carries a 'customer_id'")
    return f"add a column named '{column}' (see data/README.md)"


def _bad_rows(df: pd.DataFrame, bad: pd.Series, column: str, message: str, fix: str):
    """A Problem naming up to five rows where ``bad`` holds, or None."""
    bad = bad.fillna(False).astype(bool)
    n = int(bad.sum())
    if n == 0:
        return None
    shown = df.loc[bad, column].head(5)
    values = tuple(None if pd.isna(v) else v for v in shown)
    return Problem(column, message, fix, tuple(shown.index.tolist()), values, n)


_STRIP = np.frompyfunc(str.strip, 1, 1)  # over an object array: twice pandas' .str.strip


def _blank(s: pd.Series) -> pd.Series:
    """True where a value is missing or empty text."""
    if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
        text = s.astype("str").to_numpy(dtype=object, na_value="")
        return pd.Series(s.isna().to_numpy() | (_STRIP(text) == ""), index=s.index)
    return s.isna()


def _check(table: str, df: pd.DataFrame, columns=None, *, may_be_blank=("closed_date",)) -> None:
    """Raise one C360DataError listing missing columns, empty values and unreadable ones."""
    columns = _REQUIRED[table] if columns is None else columns
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{table} must be a pandas DataFrame, not {type(df).__name__}")
    problems = [Problem(c, "is missing", _fix_missing(c)) for c in columns if c not in df.columns]
    if problems:
        raise C360DataError(table, problems)
    typed = "read it with c360lab.load_raw, or check it with c360lab.validate('%s', df)" % table
    for c in columns:
        blank = _blank(df[c])
        if c not in may_be_blank:  # e.g. a deal's close date while the deal is open
            fix = (_fix_missing(c) if c == "customer_id"
                   else "fill it in, or remove the rows that are not real records")
            problems.append(_bad_rows(df, blank, c, "is empty", fix))
        if c in _NUMBERS:
            number = pd.to_numeric(df[c], errors="coerce")
            problems.append(_bad_rows(df, ~blank & number.isna(), c, "is not a number", typed))
            problems.append(_bad_rows(df, number < 0, c, "is negative", "use amounts of at "
                                      "least 0 (a return is a status, not a negative amount)"))
        if c in _DATES and not pd.api.types.is_datetime64_any_dtype(df[c].dtype):
            problems.append(Problem(c, f"is not a date column (dtype {df[c].dtype})", typed))
    if table == "shop_orders":
        problems.append(_bad_rows(
            df, ~_blank(df["status"]) & ~df["status"].isin(ORDER_STATUSES), "status",
            "has unknown codes",
            f"use one of: {', '.join(ORDER_STATUSES)} (map your own labels onto these)"))
    problems = [p for p in problems if p is not None]
    if problems:
        raise C360DataError(table, problems)


def _ints(s: pd.Series) -> np.ndarray:
    """Whole numbers (VND, units) as a plain int64 array."""
    return pd.to_numeric(s).to_numpy(dtype="int64")


# -- per order ------------------------------------------------------------------------------------

def order_margins(orders: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Revenue, cost of goods and gross margin of every order, after discounts and returns.

    Parameters
    ----------
    orders : DataFrame
        ``shop_orders`` with ``customer_id``: one row per order, with ``order_id``,
        ``order_time``, ``status``, ``discount_vnd`` and ``shipping_vnd``.
    lines : DataFrame
        ``order_lines`` of exactly these orders: ``order_id``, ``quantity``,
        ``unit_price_vnd``, ``unit_cost_vnd``.

    Returns
    -------
    DataFrame
        One row per order, in the input's order: ``order_id``, ``customer_id``, ``order_time``,
        ``status``, ``list_value_vnd``, ``discount_vnd``, ``revenue_vnd``, ``cogs_vnd``,
        ``lost_shipping_vnd``, ``gross_margin_vnd``. Revenue and cost count for completed orders
        only; returned and failed deliveries lose their shipping (see the module's notes).

    Raises
    ------
    C360DataError
        A required column is missing or empty, a status is unknown, an amount is negative, or
        orders and lines do not describe the same orders.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": ["O1", "O2"], "customer_id": ["C1", "C1"],
    ...     "order_time": pd.to_datetime(["2025-05-01", "2025-06-01"]),
    ...     "status": ["completed", "returned"], "discount_vnd": [10_000, 0],
    ...     "shipping_vnd": [20_000, 40_000]})
    >>> lines = pd.DataFrame({"order_id": ["O1", "O2"], "quantity": [2, 1],
    ...     "unit_price_vnd": [100_000, 500_000], "unit_cost_vnd": [60_000, 300_000]})
    >>> order_margins(orders, lines)[["order_id", "revenue_vnd", "cogs_vnd", "gross_margin_vnd"]]
      order_id  revenue_vnd  cogs_vnd  gross_margin_vnd
    0       O1       190000    120000             70000
    1       O2            0         0            -40000

    Source: 001 §4.1 (gross margin, not revenue).
    """
    _check("shop_orders", orders)
    _check("order_lines", lines)
    known = lines["order_id"].isin(orders["order_id"])
    problems = [
        _bad_rows(orders, orders["order_id"].duplicated(keep=False), "order_id",
                  "has duplicate keys", "give every order its own id"),
        _bad_rows(orders, ~orders["order_id"].isin(lines["order_id"]), "order_id",
                  "has orders without lines", "pass the order lines of every order"),
    ]
    problems = [p for p in problems if p is not None]
    if problems:
        raise C360DataError("shop_orders", problems)
    if not known.all():
        raise C360DataError("order_lines", [_bad_rows(
            lines, ~known, "order_id", "has lines of orders that are not in shop_orders",
            "pass the lines of these orders only: lines[lines['order_id'].isin("
            "orders['order_id'])]")])

    qty = _ints(lines["quantity"])
    by_order = pd.DataFrame({"order_id": lines["order_id"].to_numpy(),
                             "value": qty * _ints(lines["unit_price_vnd"]),
                             "cost": qty * _ints(lines["unit_cost_vnd"])})
    sums = by_order.groupby("order_id", sort=False).sum()
    value = orders["order_id"].map(sums["value"]).to_numpy(dtype="int64")
    cost = orders["order_id"].map(sums["cost"]).to_numpy(dtype="int64")
    discount = _ints(orders["discount_vnd"])
    completed = (orders["status"] == "completed").to_numpy()
    lost = orders["status"].isin(LOST_SHIPPING_STATUSES).to_numpy()

    revenue = np.where(completed, value - discount, 0)
    cogs = np.where(completed, cost, 0)
    lost_shipping = np.where(lost, _ints(orders["shipping_vnd"]), 0)
    return pd.DataFrame({
        "order_id": orders["order_id"].to_numpy(),
        "customer_id": orders["customer_id"].to_numpy(),
        "order_time": orders["order_time"].to_numpy(),
        "status": orders["status"].to_numpy(),
        "list_value_vnd": value,
        "discount_vnd": discount,
        "revenue_vnd": revenue,
        "cogs_vnd": cogs,
        "lost_shipping_vnd": lost_shipping,
        "gross_margin_vnd": revenue - cogs - lost_shipping,
    }, index=orders.index)


# -- scores ---------------------------------------------------------------------------------------

def rfm_scores(values: pd.Series, *, higher_is_better: bool = True, bins: int = 5) -> pd.Series:
    """Quantile scores 1 to ``bins`` (5 = best); ties are broken by row order.

    The values are ranked with ``rank(method="first")`` — equal values get consecutive ranks in
    the order the rows come (``customer_table`` sorts by ``customer_id``) — and the ranks are cut
    into ``bins`` equal groups with ``pd.qcut``. So every score holds the same number of
    customers (±1) even when many share a value (e.g. one order each), and the same data always
    gets the same scores. A single customer gets the middle score.

    Parameters
    ----------
    values : Series
        One value per customer, e.g. revenue.
    higher_is_better : bool
        False for recency in days (fewer days since the last order is better).
    bins : int
        Number of scores (quintiles by default).

    Returns
    -------
    Series
        Scores as ``int64``, same index as ``values``.

    Examples
    --------
    >>> rfm_scores(pd.Series([10, 50, 50, 50, 90])).tolist()
    [1, 2, 3, 4, 5]
    >>> rfm_scores(pd.Series([3, 200, 40]), higher_is_better=False).tolist()
    [5, 1, 3]

    Source: 001 §4.1 (core customers by revenue and repeat buying); RFM is the usual way to rank
    them.
    """
    if len(values) == 0:
        return pd.Series([], index=values.index, dtype="int64")
    if len(values) == 1:
        return pd.Series((bins + 1) // 2, index=values.index, dtype="int64")
    rank = values.rank(method="first", ascending=higher_is_better)
    return pd.qcut(rank, bins, labels=range(1, bins + 1)).astype("int64")


def percentile_rank(values: pd.Series) -> pd.Series:
    """Percent of the other customers with a strictly lower value, 0 to 100.

    The lowest value (and every customer tied with it) gets 0, the highest 100; a single
    customer gets 0.

    Examples
    --------
    >>> percentile_rank(pd.Series([0, 0, 2, 5])).tolist()
    [0.0, 0.0, 66.66666666666666, 100.0]

    Source: 001 §4.1 (comparing customers on cost to serve).
    """
    n = len(values)
    if n <= 1:
        return pd.Series(0.0, index=values.index)
    return (values.rank(method="min") - 1) / (n - 1) * 100


# -- per customer ---------------------------------------------------------------------------------

def customer_table(orders: pd.DataFrame, lines: pd.DataFrame, *,
                   tickets: pd.DataFrame | None = None, deals: pd.DataFrame | None = None,
                   customers: pd.DataFrame | None = None, as_of: pd.Timestamp = TODAY,
                   complaint_issues: tuple[str, ...] = COMPLAINT_ISSUES,
                   rfm_bins: int = 5) -> pd.DataFrame:
    """One row per customer who placed an order: revenue, margin, repeat, RFM, cost to serve.

    Parameters
    ----------
    orders, lines : DataFrame
        Orders (with ``customer_id``) and their lines, as for :func:`order_margins`. Every order
        counts, whatever its status; all must be placed before ``as_of``.
    tickets : DataFrame, optional
        Support tickets with ``customer_id`` and ``issue_type``: adds ``complaints``.
    deals : DataFrame, optional
        CRM deals with ``customer_id``, ``stage``, ``inquiry_date``, ``closed_date``: adds
        ``won_deals`` and ``days_to_close``.
    customers : DataFrame, optional
        The customers (``customer_id``, ``segment``): adds ``segment``; a customer with no
        known segment is labelled ``"unknown"`` (never dropped).
    as_of : Timestamp
        "Today" for recency: the sample's fixed 2026-01-01, never the wall clock.
    complaint_issues : tuple of str
        Ticket issue types that count as complaints.
    rfm_bins : int
        Number of RFM scores (5: quintiles); see :func:`rfm_scores` for ties.

    Returns
    -------
    DataFrame
        Sorted by ``customer_id``, one row per customer with at least one order:

        - ``customer_id``, ``segment`` (with ``customers``);
        - ``orders`` (placed, any status), ``completed_orders``, ``repeat`` (2+ completed
          orders), ``first_order``, ``last_order`` (any status), ``recency_days`` (whole days
          from the last order to ``as_of``);
        - ``list_value_vnd``, ``discount_vnd`` (all orders placed), ``revenue_vnd``,
          ``cogs_vnd``, ``lost_shipping_vnd``, ``gross_margin_vnd`` (see
          :func:`order_margins`), ``margin_rate`` = margin / revenue (NaN when revenue is 0);
        - ``return_cancel_rate`` = returned + cancelled + failed orders / orders;
          ``discount_share`` = discount / list value (0 when the list value is 0);
        - ``r_score``, ``f_score``, ``m_score`` (1–5, from ``recency_days``,
          ``completed_orders``, ``revenue_vnd``) and ``rfm_code`` (e.g. ``"545"``);
        - ``complaints`` (with ``tickets``); ``won_deals`` and ``days_to_close`` (mean days
          from inquiry to close of won deals, NaN without a won deal) (with ``deals``);
        - ``cost_to_serve``, 0–100: the mean of the :func:`percentile_rank` of
          ``discount_share``, ``return_cancel_rate``, ``complaints`` and ``days_to_close`` (a
          customer without a won deal took no sales time: 0 days), over the parts available.

    Raises
    ------
    C360DataError
        Missing or empty required columns (naming the table, the column and the fix), unknown
        order statuses, orders after ``as_of``.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": ["O1", "O2", "O3"],
    ...     "customer_id": ["C1", "C1", "C2"],
    ...     "order_time": pd.to_datetime(["2025-05-01", "2025-12-01", "2025-11-01"]),
    ...     "status": ["completed", "completed", "cancelled"], "discount_vnd": [0, 0, 0],
    ...     "shipping_vnd": [20_000, 20_000, 20_000]})
    >>> lines = pd.DataFrame({"order_id": ["O1", "O2", "O3"], "quantity": [1, 1, 1],
    ...     "unit_price_vnd": [100_000] * 3, "unit_cost_vnd": [60_000] * 3})
    >>> t = customer_table(orders, lines)
    >>> t[["customer_id", "revenue_vnd", "gross_margin_vnd", "repeat", "recency_days"]]
      customer_id  revenue_vnd  gross_margin_vnd  repeat  recency_days
    0          C1       200000             80000    True            31
    1          C2            0                 0   False            61
    >>> t["return_cancel_rate"].tolist()
    [0.0, 1.0]

    Source: 001 §4.1 ("khách hàng lõi" by revenue, gross margin and repeat; "khách hàng tốn
    kém": discounts, complaints, returns/cancellations, long time to close).
    """
    as_of = pd.Timestamp(as_of)
    for name, df in (("tickets", tickets), ("deals", deals)):
        if df is not None:
            _check(name, df)
    if customers is not None:
        _check_customers(customers)
    per_order = order_margins(orders, lines)
    late = per_order["order_time"] >= as_of
    if late.any():
        raise C360DataError("shop_orders", [_bad_rows(
            per_order, late, "order_time", f"is on or after as_of ({as_of.date()})",
            "pass the orders placed before as_of, or a later as_of")])

    # money, orders and dates: one sum (or count, min, max) per customer
    per_order = per_order.assign(completed=per_order["status"] == "completed",
                                 bad=per_order["status"].isin(BAD_STATUSES))
    t = per_order.groupby("customer_id", sort=True).agg(
        orders=("order_id", "size"), completed_orders=("completed", "sum"),
        bad_orders=("bad", "sum"), first_order=("order_time", "min"),
        last_order=("order_time", "max"), list_value_vnd=("list_value_vnd", "sum"),
        discount_vnd=("discount_vnd", "sum"), revenue_vnd=("revenue_vnd", "sum"),
        cogs_vnd=("cogs_vnd", "sum"), lost_shipping_vnd=("lost_shipping_vnd", "sum"),
        gross_margin_vnd=("gross_margin_vnd", "sum"))
    t = t.astype({c: "int64" for c in ("orders", "completed_orders", "bad_orders")})
    t.insert(2, "repeat", t["completed_orders"] >= 2)
    t.insert(6, "recency_days", (as_of - t["last_order"]).dt.days.astype("int64"))

    # rates: a zero denominator gives NaN for the margin rate, 0 for the discount share
    revenue, value = t["revenue_vnd"], t["list_value_vnd"]
    t["margin_rate"] = (t["gross_margin_vnd"] / revenue.where(revenue != 0)).astype("float64")
    t["return_cancel_rate"] = t.pop("bad_orders") / t["orders"]
    t["discount_share"] = (t["discount_vnd"] / value.where(value != 0)).fillna(0.0)

    # RFM: recency (fewer days is better), frequency (completed orders), monetary (revenue)
    t["r_score"] = rfm_scores(t["recency_days"], higher_is_better=False, bins=rfm_bins)
    t["f_score"] = rfm_scores(t["completed_orders"], bins=rfm_bins)
    t["m_score"] = rfm_scores(t["revenue_vnd"], bins=rfm_bins)
    t["rfm_code"] = (t["r_score"].astype("str") + t["f_score"].astype("str")
                     + t["m_score"].astype("str"))

    # what the customer costs beyond the goods: complaints, sales time, then the score
    if tickets is not None:
        is_complaint = tickets["issue_type"].isin(complaint_issues)
        counts = tickets.loc[is_complaint, "customer_id"].value_counts()
        t["complaints"] = counts.reindex(t.index, fill_value=0).astype("int64")
    if deals is not None:
        t = t.join(_deal_figures(deals))
        t["won_deals"] = t["won_deals"].fillna(0).astype("int64")
    t["cost_to_serve"] = _cost_to_serve(t)

    if customers is not None:
        seg = customers.set_index("customer_id")["segment"]
        seg = seg.mask(_blank(seg))
        t.insert(0, "segment", t.index.map(seg).fillna(UNKNOWN_SEGMENT).astype("str"))
    t.columns.name = None
    return t.reset_index()


def _check_customers(customers: pd.DataFrame) -> None:
    """The customer list: one row per customer_id; a blank segment is allowed."""
    _check("customers", customers, may_be_blank=("segment",))
    dup = customers["customer_id"].duplicated(keep=False)
    if dup.any():
        raise C360DataError("customers", [_bad_rows(
            customers, dup, "customer_id", "has duplicate keys",
            "keep one row per customer (step 2 merges the duplicates)")])


def _deal_figures(deals: pd.DataFrame) -> pd.DataFrame:
    """Per customer: number of won deals and mean days from inquiry to close."""
    won = deals[deals["stage"] == "won"]
    problem = _bad_rows(won, won["closed_date"].isna(), "closed_date", "is empty for won deals",
                        "fill in the date each won deal closed")
    if problem is not None:
        raise C360DataError("deals", [problem])
    days = (won["closed_date"] - won["inquiry_date"]).dt.days
    out = days.groupby(won["customer_id"]).agg(["size", "mean"])
    out.columns = ["won_deals", "days_to_close"]
    return out.astype({"won_deals": "int64", "days_to_close": "float64"})


def _cost_to_serve(t: pd.DataFrame) -> pd.Series:
    """Mean percentile rank (0-100) of the cost-to-serve parts present in the table."""
    parts = [c for c in COST_TO_SERVE_PARTS if c in t.columns]
    ranks = [percentile_rank(t[c].fillna(0) if c == "days_to_close" else t[c]) for c in parts]
    return pd.concat(ranks, axis=1).mean(axis=1) if len(t) else pd.Series(0.0, index=t.index)


# -- what the table shows --------------------------------------------------------------------------

def _need(table: pd.DataFrame, columns, name: str = "customer table",
          maker: str = "customer_table(...)") -> None:
    """Raise a C360DataError naming every column of ``columns`` that ``table`` lacks."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise C360DataError(name, [Problem(
            c, "is missing", f"pass the output of {maker}"
            + (" called with customers=... (they carry the segment)" if c == "segment" else ""))
            for c in missing])


def segment_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Segments ranked by gross margin, repeat rate and cost to serve.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`customer_table` called with ``customers=``.

    Returns
    -------
    DataFrame
        One row per segment, best first: ``segment``, ``customers``, ``customer_share``,
        ``revenue_vnd``, ``gross_margin_vnd``, ``margin_share`` (of all customers' margin),
        ``margin_per_customer_vnd``, ``repeat_rate`` (share of customers with 2+ completed
        orders), ``median_cost_to_serve`` and ``rank``. ``rank`` 1 is the segment with the best
        mean of its ranks on four criteria: margin share and margin per customer (high: the
        profit pool and how rich each customer is), repeat rate (high) and median cost to serve
        (low); ties go to the larger margin share.

    Examples
    --------
    >>> table = pd.DataFrame({"customer_id": ["A", "B", "C"],
    ...     "segment": ["cafe", "cafe", "household"], "revenue_vnd": [900, 700, 400],
    ...     "gross_margin_vnd": [400, 300, 100], "repeat": [True, True, False],
    ...     "cost_to_serve": [10.0, 30.0, 80.0]})
    >>> segment_summary(table)[["segment", "customers", "margin_share", "repeat_rate", "rank"]]
         segment  customers  margin_share  repeat_rate  rank
    0       cafe          2         0.875          1.0     1
    1  household          1         0.125          0.0     2

    Source: 001 §4.1 (revenue, gross margin, repeat; "ít tốn công phục vụ").
    """
    _need(table, ("customer_id", "segment", "revenue_vnd", "gross_margin_vnd", "repeat",
                  "cost_to_serve"))
    g = table.groupby("segment", sort=True)
    s = g.agg(customers=("customer_id", "size"), revenue_vnd=("revenue_vnd", "sum"),
              gross_margin_vnd=("gross_margin_vnd", "sum"), repeat_rate=("repeat", "mean"),
              median_cost_to_serve=("cost_to_serve", "median"))
    s.insert(1, "customer_share", s["customers"] / s["customers"].sum())
    total = s["gross_margin_vnd"].sum()
    s.insert(4, "margin_share", s["gross_margin_vnd"] / total if total else 0.0)
    s.insert(5, "margin_per_customer_vnd",
             (s["gross_margin_vnd"] / s["customers"]).round().astype("int64"))
    s["repeat_rate"] = s["repeat_rate"].astype("float64")
    score = sum(s[c].rank(ascending=not high) for c, high in SEGMENT_CRITERIA.items()) / 4
    s = s.assign(_score=score).sort_values(["_score", "margin_share"], ascending=[True, False],
                                           kind="stable")
    s["rank"] = np.arange(1, len(s) + 1)
    return s.drop(columns="_score").reset_index()


def beachhead(summary: pd.DataFrame, *, max_segments: int = 2,
              min_customer_share: float = 0.05) -> pd.DataFrame:
    """The 1–2 segments to focus on first, with the criteria that make them win, as data.

    The best-ranked segments of :func:`segment_summary` are recommended, up to
    ``max_segments``, among the segments that are known, earn a positive margin and hold at
    least ``min_customer_share`` of the customers (a market big enough to grow in).

    Parameters
    ----------
    summary : DataFrame
        The output of :func:`segment_summary`.
    max_segments : int
        The source's advice is one or two ("chọn 1–2 phân khúc ưu tiên").
    min_customer_share : float
        Smallest share of all customers a beachhead segment must hold.

    Returns
    -------
    DataFrame
        One row per recommended segment, best first: ``segment``, ``rank``, ``customer_share``,
        the criteria ``margin_share``, ``margin_per_customer_vnd``, ``repeat_rate``,
        ``median_cost_to_serve``, then ``wins_on``: the criteria (comma-separated) on which the
        segment beats every segment not recommended.

    Examples
    --------
    >>> summary = pd.DataFrame({"segment": ["cafe", "office", "household"], "rank": [1, 2, 3],
    ...     "customer_share": [0.2, 0.1, 0.7], "margin_share": [0.6, 0.1, 0.3],
    ...     "margin_per_customer_vnd": [300, 100, 43], "repeat_rate": [0.9, 0.8, 0.4],
    ...     "median_cost_to_serve": [30.0, 20.0, 50.0]})
    >>> pick = beachhead(summary, max_segments=1)
    >>> pick["segment"].tolist(), pick.loc[0, "wins_on"]
    (['cafe'], 'margin_share, margin_per_customer_vnd, repeat_rate')

    Source: 001 §4.1 ("Chọn 1–2 phân khúc ưu tiên (beachhead segment)").
    """
    _need(summary, ("segment", "rank", "customer_share", *SEGMENT_CRITERIA), "segment summary",
          "segment_summary(...)")
    if max_segments < 1:
        raise ValueError(f"max_segments must be at least 1, not {max_segments}")
    s = summary.sort_values("rank", kind="stable")
    ok = ((s["segment"] != UNKNOWN_SEGMENT) & (s["margin_share"] > 0)
          & (s["customer_share"] >= min_customer_share))
    chosen = s[ok].head(max_segments)
    others = s.drop(index=chosen.index)
    wins = []
    for _, row in chosen.iterrows():
        won = [c for c, high in SEGMENT_CRITERIA.items()
               if len(others) == 0
               or (row[c] > others[c].max() if high else row[c] < others[c].min())]
        wins.append(", ".join(won))
    out = chosen[["segment", "rank", "customer_share", *SEGMENT_CRITERIA]].copy()
    out["wins_on"] = wins
    return out.reset_index(drop=True)


def pareto(table: pd.DataFrame, *, value: str = "gross_margin_vnd") -> pd.DataFrame:
    """Customers from the largest margin down, with cumulative share of margin and of customers.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`customer_table`.
    value : str
        The column to accumulate (``"revenue_vnd"`` to compare with revenue).

    Returns
    -------
    DataFrame
        ``rank`` (1 = largest), ``customer_id``, the value column, ``cumulative_vnd``,
        ``cumulative_share`` (of the total; can pass 1 before the loss-making customers pull it
        back) and ``customer_share`` (rank / customers). Ties are ordered by ``customer_id``.

    Examples
    --------
    >>> table = pd.DataFrame({"customer_id": ["A", "B", "C", "D"],
    ...     "gross_margin_vnd": [100, 600, 300, 0]})
    >>> pareto(table)[["customer_id", "cumulative_vnd", "cumulative_share", "customer_share"]]
      customer_id  cumulative_vnd  cumulative_share  customer_share
    0           B             600               0.6            0.25
    1           C             900               0.9            0.50
    2           A            1000               1.0            0.75
    3           D            1000               1.0            1.00

    Source: 001 §4.1 (a few core customers earn most of the margin).
    """
    _need(table, ("customer_id", value))
    p = table[["customer_id", value]].sort_values([value, "customer_id"],
                                                   ascending=[False, True], kind="stable")
    p = p.reset_index(drop=True)
    total = p[value].sum()
    p["cumulative_vnd"] = p[value].cumsum()
    p["cumulative_share"] = p["cumulative_vnd"] / total if total else 0.0
    p["customer_share"] = (np.arange(1, len(p) + 1) / len(p)) if len(p) else 0.0
    p.insert(0, "rank", np.arange(1, len(p) + 1))
    return p


def top_share(table: pd.DataFrame, top: float = 0.2, *, value: str = "gross_margin_vnd") -> float:
    """Share of the total margin earned by the top ``top`` of customers (rounded to whole ones).

    Examples
    --------
    >>> table = pd.DataFrame({"customer_id": list("ABCDE"),
    ...     "gross_margin_vnd": [700, 100, 100, 50, 50]})
    >>> top_share(table, 0.2)
    0.7

    Raises
    ------
    C360DataError
        When the table has no customers or their total is not positive (no share to speak of).

    Source: 001 §4.1.
    """
    if not 0 < top <= 1:
        raise ValueError(f"top must be a share between 0 and 1, not {top}")
    _need(table, ("customer_id", value))
    total = table[value].sum()
    if len(table) == 0 or total <= 0:
        raise C360DataError("customer table", [Problem(
            value, f"has no positive total ({total:,} over {len(table)} customers)",
            "pass a customer table with customers who earned something")])
    n = int(round(top * len(table)))
    return float(table[value].nlargest(n).sum() / total)


def costly_customers(table: pd.DataFrame, *, top_revenue: float = 0.30,
                     max_margin_rate: float = 0.05, top_cost_to_serve: float = 0.25
                     ) -> pd.DataFrame:
    """Customers who look big but cost a lot: high revenue, almost no margin, costly to serve.

    A customer is costly when all three hold:

    - revenue in the top ``top_revenue`` of customers (at or above that quantile);
    - ``margin_rate`` at most ``max_margin_rate`` (after discounts and returns);
    - ``cost_to_serve`` in the top ``top_cost_to_serve`` of customers (heavy discounts,
      returns/cancellations, complaints, long time to close; see :func:`customer_table`).

    Parameters
    ----------
    table : DataFrame
        The output of :func:`customer_table`.
    top_revenue, max_margin_rate, top_cost_to_serve : float
        The three thresholds above (``top_revenue=1`` looks at customers of every size).

    Returns
    -------
    DataFrame
        The costly customers' rows of ``table``, most costly to serve first, plus
        ``return_cancel_ratio``: their return/cancel rate divided by the mean rate of all
        customers (3 = three times as many returns and cancellations as the average customer).

    Examples
    --------
    >>> table = pd.DataFrame({"customer_id": list("ABCD"),
    ...     "revenue_vnd": [9_000, 8_000, 1_000, 500], "margin_rate": [0.02, 0.40, 0.01, 0.3],
    ...     "return_cancel_rate": [0.5, 0.0, 0.5, 0.0], "cost_to_serve": [90.0, 10, 80, 5]})
    >>> costly_customers(table, top_revenue=0.5, top_cost_to_serve=0.5)[
    ...     ["customer_id", "cost_to_serve", "return_cancel_ratio"]]
      customer_id  cost_to_serve  return_cancel_ratio
    0           A           90.0                  2.0

    Source: 001 §4.1 ("khách hàng tốn kém": hay mặc cả, khiếu nại cao, tỷ lệ hoàn/huỷ lớn).
    """
    _need(table, ("customer_id", "revenue_vnd", "margin_rate", "return_cancel_rate",
                  "cost_to_serve"))
    for name, share in (("top_revenue", top_revenue), ("top_cost_to_serve", top_cost_to_serve)):
        if not 0 < share <= 1:
            raise ValueError(f"{name} must be a share between 0 and 1, not {share}")
    if len(table) == 0:
        return table.assign(return_cancel_ratio=pd.Series(dtype="float64"))
    big = table["revenue_vnd"] >= table["revenue_vnd"].quantile(1 - top_revenue)
    thin = table["margin_rate"] <= max_margin_rate
    costly = table["cost_to_serve"] >= table["cost_to_serve"].quantile(1 - top_cost_to_serve)
    mean_rate = table["return_cancel_rate"].mean()
    ratio = table["return_cancel_rate"] / mean_rate if mean_rate > 0 else 0.0
    out = table.assign(return_cancel_ratio=ratio)[big & thin & costly]
    return out.sort_values(["cost_to_serve", "customer_id"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)
