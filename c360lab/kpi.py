"""Relationship KPIs: the formulas of 003 and the automation KPIs of 004, over any period and group.

003 ("Các chỉ số đánh giá hiệu quả quan hệ khách hàng") gives the relationship KPIs with their
formulas; 004 names the KPIs of marketing automation. One function each:

========================================  ===================================================
:func:`retention_rate`                    CRR = (customers at end − new customers)
                                          / customers at start × 100 (003)
:func:`churn_rate`                        customers lost / customers at start (003), in %
:func:`nps`                               % promoters (9–10) − % detractors (0–6) (003)
:func:`csat`                              mean satisfaction score, 1–5 (003)
:func:`first_contact_resolution`          % of issues resolved at the first contact (003)
:func:`customer_effort`                   mean effort score, 1 very easy – 7 very hard (003)
:func:`lead_conversion_rate`              leads who became customers / leads × 100 (004)
:func:`response_time`                     minutes to the first reply (004)
:func:`leakage_rate`                      leads with no next step within a week / leads (004)
:func:`cost_per_lead`                     spend / leads, per channel (004)
:func:`cost_per_acquisition`              spend / customers acquired, per channel (004)
:func:`kpi_summary`                       all of them for one period
========================================  ===================================================

**Units.** Rates are percentages (0–100), as 003 writes CRR with its "× 100%"; churn, too, so
that CRR + churn = 100. NPS is in points from −100 to 100. CSAT and CES are mean scores on their
own scales. Money is whole VND.

**Periods.** ``start`` is included, ``end`` excluded; either may be None (no bound). Rows are
placed in a period by their own date (a survey by ``submitted_at``, a ticket by ``opened_at``,
an inbox message by ``sent_at``). :func:`period_bounds` turns ``"2025"``, ``"2025Q4"``,
``"2025-06"`` or a ``(start, end)`` pair into the two dates.

**Who is a customer at a date** (retention and churn). A customer is *active* at a date when
they have a completed order in the :data:`ACTIVE_WINDOW_DAYS` (365) days before it. A year,
because it is the longest regular buying cycle of the sample company: beans come back every few
weeks, but an equipment buyer's next purchase (a service visit, a grinder, a training) and a B2B
maintenance contract come round once a year, so a shorter window would count a normal yearly
customer as lost. It is also the horizon of the question the reverse funnel asks ("still with us
after 12 months?"). Pass ``window_days`` to use your own cycle. For a period [start, end):

- *customers at start* (S): active at ``start``;
- *customers at end* (E): active at ``end``;
- *new customers* (N): active at ``end`` but not at ``start`` — first-time buyers of the period
  and lapsed customers won back (both are reported separately);
- *lost customers*: active at ``start``, not at ``end``.

So E − N is exactly the customers at start who are still active at the end, CRR is between 0 and
100, and churn = 100 − CRR.

**Groups.** ``by=None`` gives one number. ``by`` may also be a column of the input table (each
row's value; for retention and churn, the value on the customer's first completed order, e.g.
``"channel"`` = the channel that acquired them) or a mapping ``customer_id → group`` (a dict or a
Series: segment, lead source, community member, cohort...); customers the mapping does not name
fall in the group ``"unknown"``, never dropped. A grouped KPI is a DataFrame indexed by group
(sorted by name) with the counts behind the KPI.

**Edge cases** never return a silent NaN: a KPI without anything to measure (no customers at
start, no survey answer, no ticket in the period) raises a :class:`~c360lab.C360DataError` that
says what is missing; in a grouped result, a group exists only where there is something to
measure (see each function). A score outside its scale is an error, not an outlier.

Source: 003 (the KPIs with their formulas), 004 (lead conversion rate, response time, leakage
rate, cost per lead).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .contract import C360DataError, Problem
from .datasets import TODAY
from .profitability import _bad_rows, _blank, _check, _need

__all__ = [
    "ACTIVE_WINDOW_DAYS",
    "CES_SCALE",
    "CSAT_SCALE",
    "DETRACTOR_MAX",
    "FORMULAS",
    "LEAK_DAYS",
    "NPS_SCALE",
    "PROMOTER_MIN",
    "churn_rate",
    "cost_per_acquisition",
    "cost_per_lead",
    "csat",
    "customer_counts",
    "customer_effort",
    "first_contact_resolution",
    "kpi_summary",
    "lead_conversion_rate",
    "leakage_rate",
    "nps",
    "period_bounds",
    "response_time",
    "retention_rate",
]

#: days a completed order keeps a customer active (see the module's notes: one buying year)
ACTIVE_WINDOW_DAYS = 365
#: NPS groups of 003: promoters answer 9–10, passives 7–8, detractors 0–6
PROMOTER_MIN = 9
DETRACTOR_MAX = 6
#: the scales of 003: NPS 0–10, CSAT 1–5, CES 1 (very easy) – 7 (very hard)
NPS_SCALE = (0, 10)
CSAT_SCALE = (1, 5)
CES_SCALE = (1, 7)
#: days within which a new lead must get a next step, or it has leaked (004: "không đứt mạch").
#: A week: step 3 shows ads buyers decide within days, so a lead untouched for a week has gone
#: cold; change it to your own follow-up promise.
LEAK_DAYS = 7
#: the formula of each KPI, as :func:`kpi_summary` prints it
FORMULAS = {
    "retention_rate": "(customers at end − new customers) / customers at start × 100",
    "churn_rate": "customers lost / customers at start × 100",
    "nps": "% promoters (9–10) − % detractors (0–6)",
    "csat": "mean satisfaction score (1–5)",
    "first_contact_resolution": "issues resolved at the first contact / issues × 100",
    "customer_effort": "mean effort score (1 very easy – 7 very hard)",
    "lead_conversion_rate": "leads who became customers / leads × 100",
    "response_time": "median minutes to the first reply",
    "leakage_rate": f"leads with no next step within {LEAK_DAYS} days / leads × 100",
    "cost_per_lead": "ads spend / leads from the ads",
    "cost_per_acquisition": "cost / customers acquired",
}

_UNKNOWN = "unknown"
#: date column used to place rows of each kind of table in a period, first found wins
_WHEN = ("submitted_at", "opened_at", "sent_at", "order_time", "created_date", "referral_date",
         "month")


# -- periods and groups ---------------------------------------------------------------------------

def period_bounds(period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first day of a period and the first day after it.

    Parameters
    ----------
    period : str, pandas.Period or (start, end)
        ``"2025"`` (a year), ``"2025Q4"`` (a quarter), ``"2025-06"`` (a month), a
        ``pd.Period``, or a pair of dates (``end`` excluded).

    Examples
    --------
    >>> period_bounds("2025Q4")
    (Timestamp('2025-10-01 00:00:00'), Timestamp('2026-01-01 00:00:00'))
    >>> period_bounds(("2025-01-01", "2025-07-01"))[1]
    Timestamp('2025-07-01 00:00:00')

    Source: 003 ("sau một khoảng thời gian", "trong một kỳ": every KPI is per period).
    """
    if isinstance(period, (tuple, list)):
        if len(period) != 2:
            raise ValueError(f"a period is (start, end), not {period!r}")
        start, end = (pd.Timestamp(p) for p in period)
    else:
        p = period if isinstance(period, pd.Period) else pd.Period(str(period))
        start, end = p.start_time.normalize(), (p + 1).start_time.normalize()
    if not end > start:
        raise ValueError(f"the period is empty: its end ({end:%Y-%m-%d}) is not after its start "
                         f"({start:%Y-%m-%d})")
    return start, end


def _bounds(start, end):
    start = None if start is None else pd.Timestamp(start)
    end = None if end is None else pd.Timestamp(end)
    if start is not None and end is not None and not end > start:
        raise ValueError(f"the period is empty: end ({end:%Y-%m-%d}) must be after start "
                         f"({start:%Y-%m-%d})")
    return start, end


def _when(df: pd.DataFrame, when: str | None) -> str:
    if when is not None:
        return when
    for column in _WHEN:
        if column in df.columns:
            return column
    raise ValueError(f"name the date column with when=...; none of {_WHEN} is in the table")


def _in_period(df: pd.DataFrame, table: str, start, end, when: str | None) -> pd.DataFrame:
    """The rows of ``df`` dated in [start, end) (all rows when both are None)."""
    start, end = _bounds(start, end)
    if start is None and end is None:
        return df
    column = _when(df, when)
    _need(df, (column,), table, "datasets.load_clean()")
    t = df[column]
    if not pd.api.types.is_datetime64_any_dtype(t.dtype):
        raise C360DataError(table, [Problem(column, f"is not a date column (dtype {t.dtype})",
                                            "convert it with pd.to_datetime")])
    keep = t.notna()
    if start is not None:
        keep &= t >= start
    if end is not None:
        keep &= t < end
    return df[keep.to_numpy()]


def _groups(df: pd.DataFrame, by, table: str, id_column: str = "customer_id") -> pd.Series:
    """The group of every row of ``df``: a column's value, or ``by[customer_id]``; as text."""
    if isinstance(by, str):
        _need(df, (by,), table, "datasets.load_clean()")
        g = df[by]
    elif isinstance(by, (Mapping, pd.Series)):
        _need(df, (id_column,), table, "datasets.load_clean()")
        mapping = by if isinstance(by, pd.Series) else pd.Series(dict(by), dtype="object")
        g = df[id_column].map(mapping)
    else:
        raise TypeError("by must be None, a column name, or a mapping customer_id → group "
                        f"(dict or Series), not {type(by).__name__}")
    g = pd.Series(g, index=df.index).astype("object")
    blank = g.isna() | (g.astype("str").str.strip() == "")
    return g.astype("str").where(~blank, _UNKNOWN)


def _nothing(table: str, column: str, what: str, start, end, fix: str) -> C360DataError:
    start, end = _bounds(start, end)
    span = ("" if start is None and end is None else
            f" between {start:%Y-%m-%d} and {end:%Y-%m-%d}" if start is not None and end is not None
            else f" from {start:%Y-%m-%d}" if start is not None else f" before {end:%Y-%m-%d}")
    return C360DataError(table, [Problem(column, f"has {what}{span}", fix)])


# -- retention and churn (003) --------------------------------------------------------------------

def _active_sets(orders: pd.DataFrame, start, end, window_days: int, by):
    """Per customer: active at start, active at end, first completed order, group."""
    _check("shop_orders", orders, ("customer_id", "order_time", "status"))
    start, end = _bounds(start, end)
    if start is None or end is None:
        raise ValueError("retention and churn need both start and end of the period")
    if window_days <= 0:
        raise ValueError(f"window_days must be positive, not {window_days}")
    done = orders[(orders["status"] == "completed").to_numpy()
                  & (orders["order_time"] < end).to_numpy()]
    done = done.sort_values("order_time", kind="stable")
    window = pd.Timedelta(days=window_days)
    t = done["order_time"]
    ids = done["customer_id"].astype("str")
    first = t.groupby(ids, sort=True).min()
    at_start = pd.Index(ids[(t >= start - window) & (t < start)].unique())
    at_end = pd.Index(ids[(t >= end - window) & (t < end)].unique())
    people = first.index
    out = pd.DataFrame({"first": first,
                        "at_start": people.isin(at_start), "at_end": people.isin(at_end)})
    if by is None:
        out["group"] = "all"
    else:
        first_rows = done.drop_duplicates("customer_id", keep="first")
        g = _groups(first_rows, by, "shop_orders")
        out["group"] = pd.Series(g.to_numpy(), index=first_rows["customer_id"].astype("str")
                                 ).reindex(people).fillna(_UNKNOWN).to_numpy()
    return out, start


def customer_counts(orders: pd.DataFrame, start, end, *, by=None,
                    window_days: int = ACTIVE_WINDOW_DAYS) -> pd.DataFrame:
    """The counts behind CRR and churn: customers at start and end, new, retained, lost.

    Parameters
    ----------
    orders : DataFrame
        ``shop_orders`` with ``customer_id``, ``order_time`` and ``status`` (only completed
        orders make a customer active); any activity table with these columns works.
    start, end : date
        The period [start, end).
    by : None, str or mapping
        See the module's notes ("Groups").
    window_days : int
        How long a completed order keeps a customer active (:data:`ACTIVE_WINDOW_DAYS`).

    Returns
    -------
    DataFrame
        Indexed by group: one row ``"all"`` without ``by``, else every group with a customer
        at start or at end: ``customers_start`` (S), ``customers_end`` (E), ``new_customers``
        (N = ``first_time`` + ``won_back``), ``retained`` (E − N), ``lost`` (S − retained).

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": ["A", "A", "B", "C", "D", "D"],
    ...     "order_time": pd.to_datetime(["2024-03-01", "2025-02-01", "2024-06-01",
    ...                                   "2025-05-01", "2023-01-10", "2025-08-01"]),
    ...     "status": "completed"})
    >>> counts = customer_counts(orders, "2025-01-01", "2026-01-01").loc["all"]
    >>> counts[["customers_start", "customers_end", "new_customers", "retained", "lost"]].tolist()
    [2, 3, 2, 1, 1]
    >>> counts[["first_time", "won_back"]].tolist()
    [1, 1]

    A and B were active at the start (an order in 2024); A bought again, B did not (lost). C is
    new; D had lapsed (last order 2023) and was won back.

    Source: 003 (CRR: "số khách hàng cuối kỳ", "số khách hàng mới", "số khách hàng đầu kỳ").
    """
    people, start = _active_sets(orders, start, end, window_days, by)
    new = people["at_end"] & ~people["at_start"]
    frame = pd.DataFrame({
        "group": people["group"].to_numpy(),
        "customers_start": people["at_start"].to_numpy(),
        "customers_end": people["at_end"].to_numpy(),
        "new_customers": new.to_numpy(),
        "first_time": (new & (people["first"] >= start)).to_numpy(),
        "won_back": (new & (people["first"] < start)).to_numpy(),
        "retained": (people["at_start"] & people["at_end"]).to_numpy(),
        "lost": (people["at_start"] & ~people["at_end"]).to_numpy(),
    })
    counts = frame.groupby("group", sort=True).sum().astype("int64")
    if by is None:
        counts = counts.reindex(["all"], fill_value=0)
    else:
        counts = counts[(counts["customers_start"] > 0) | (counts["customers_end"] > 0)]
    counts.index.name = None if by is None else (by if isinstance(by, str) else "group")
    return counts


def _rate_of(counts: pd.DataFrame, numerator: str, name: str, by, start, end):
    if by is None:
        if counts.empty or counts["customers_start"].iloc[0] == 0:
            raise _nothing("shop_orders", "order_time",
                           f"no customer active on {pd.Timestamp(start):%Y-%m-%d}, the start of "
                           "the period (no completed order in the window before it)", None, None,
                           "pick a later start, or a longer window_days; a business with no "
                           "customers yet has no retention to measure")
        row = counts.iloc[0]
        return float(row[numerator] * 100 / row["customers_start"])
    has = counts[counts["customers_start"] > 0]
    return (has[numerator] / has["customers_start"] * 100).astype("float64").rename(name)


def retention_rate(orders: pd.DataFrame, start, end, *, by=None,
                   window_days: int = ACTIVE_WINDOW_DAYS):
    """Customer retention rate, CRR = (E − N) / S × 100, over the period [start, end).

    Parameters
    ----------
    orders : DataFrame
        ``shop_orders`` (``customer_id``, ``order_time``, ``status``); see
        :func:`customer_counts` for S, E and N.
    start, end : date
        The period.
    by : None, str or mapping
        See the module's notes ("Groups").
    window_days : int
        How long a completed order keeps a customer active.

    Returns
    -------
    float or Series
        The CRR in percent (0–100); with ``by``, a Series per group that had customers at the
        start (the others have no retention to measure: their customers are all new, and
        :func:`customer_counts` shows them).

    Raises
    ------
    C360DataError
        Without ``by``, when no customer was active at the start (S = 0).

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": ["A", "A", "B", "C", "D", "D"],
    ...     "order_time": pd.to_datetime(["2024-03-01", "2025-02-01", "2024-06-01",
    ...                                   "2025-05-01", "2023-01-10", "2025-08-01"]),
    ...     "status": "completed"})
    >>> retention_rate(orders, "2025-01-01", "2026-01-01")        # (3 - 2) / 2 × 100
    50.0
    >>> retention_rate(orders, "2025-01-01", "2026-01-01", by={"A": "cafe", "B": "cafe"})
    group
    cafe    50.0
    Name: retention_rate, dtype: float64

    Source: 003 (CRR = {(Số khách hàng cuối kỳ − Số khách hàng mới) / Số khách hàng đầu kỳ}
    × 100%).
    """
    counts = customer_counts(orders, start, end, by=by, window_days=window_days)
    return _rate_of(counts, "retained", "retention_rate", by, start, end)


def churn_rate(orders: pd.DataFrame, start, end, *, by=None,
               window_days: int = ACTIVE_WINDOW_DAYS):
    """Customer churn rate = customers lost / customers at start, in percent (100 − CRR).

    Parameters and edge cases as :func:`retention_rate`.

    Returns
    -------
    float or Series
        The churn rate in percent (0–100); with ``by``, a Series per group that had customers
        at the start.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": ["A", "A", "B", "C"],
    ...     "order_time": pd.to_datetime(["2024-03-01", "2025-02-01", "2024-06-01",
    ...                                   "2025-05-01"]), "status": "completed"})
    >>> churn_rate(orders, "2025-01-01", "2026-01-01")            # B lost, of A and B
    50.0

    Source: 003 (Churn Rate = Số khách hàng rời đi / Tổng số khách hàng ban đầu; "phần trăm
    khách hàng ngừng sử dụng").
    """
    counts = customer_counts(orders, start, end, by=by, window_days=window_days)
    return _rate_of(counts, "lost", "churn_rate", by, start, end)


# -- scores: NPS, CSAT, CES (003) ----------------------------------------------------------------

def _scores(data, column: str, scale: tuple[int, int], table: str, start, end, when, by):
    """The non-blank scores of ``data`` in the period, checked against ``scale``; and groups."""
    if isinstance(data, pd.Series):
        if start is not None or end is not None:
            raise ValueError("pass the table (with its date column) to measure a period")
        frame = data.rename(column).to_frame()
    elif isinstance(data, pd.DataFrame):
        _need(data, (column,), table, "datasets.load_clean()")
        frame = _in_period(data, table, start, end, when)
    else:
        raise TypeError(f"{table} must be a DataFrame or a Series of scores, "
                        f"not {type(data).__name__}")
    raw = frame[column]
    answered = ~_blank(raw)
    values = pd.to_numeric(raw.where(answered), errors="coerce")
    lo, hi = scale
    problem = (_bad_rows(frame, answered & values.isna(), column, "is not a number",
                         "keep only numeric scores")
               or _bad_rows(frame, answered & ((values < lo) | (values > hi)
                                               | (values.round() != values)), column,
                            f"has scores outside the {lo}–{hi} scale",
                            f"use whole scores from {lo} to {hi}, or fix the survey export"))
    if problem is not None:
        raise C360DataError(table, [problem])
    values = values[answered].astype("int64")
    if by is None:
        groups = None
    elif isinstance(data, pd.Series):
        if isinstance(by, str):
            raise ValueError("with a Series of scores, by must be a Series of groups on its index")
        groups = _groups(pd.DataFrame({"_id": data.index}, index=data.index), by, table, "_id")
        groups = groups[answered.to_numpy()]
    else:
        groups = _groups(frame[answered.to_numpy()], by, table)
    return values, groups


def nps(scores, *, promoter_min: int = PROMOTER_MIN, detractor_max: int = DETRACTOR_MAX,
        by=None, start=None, end=None, column: str = "nps", when: str | None = None):
    """Net Promoter Score = % promoters − % detractors, from −100 to 100.

    Parameters
    ----------
    scores : DataFrame or Series
        ``surveys`` (the ``column`` of NPS answers 0–10, dated by ``when``), or a Series of
        answers. Blank answers (the survey had no NPS question) are not responses.
    promoter_min, detractor_max : int
        Promoters answer ``promoter_min``–10, detractors 0–``detractor_max``, passives in
        between (003: 9–10, 7–8, 0–6).
    by : None, str or mapping
        See the module's notes ("Groups"); with a Series of scores, a Series of groups on the
        same index.
    start, end : date, optional
        Only answers dated in [start, end) count.
    column, when : str
        The score column and the date column (``submitted_at`` by default).

    Returns
    -------
    float or DataFrame
        The NPS; with ``by``, per group that has answers: ``responses``, ``promoters``,
        ``passives``, ``detractors``, ``nps``.

    Raises
    ------
    C360DataError
        A score is not a whole number 0–10; or, without ``by``, there is no answer.

    Examples
    --------
    >>> nps(pd.Series([10, 9, 8, 7, 3, None]))       # (2 − 1) / 5 × 100
    20.0
    >>> nps(pd.Series([9, 10, 10]))                  # all promoters
    100.0
    >>> surveys = pd.DataFrame({"customer_id": ["A", "B", "C"], "nps": [10, 6, 9]})
    >>> nps(surveys, by={"A": "cafe", "B": "cafe", "C": "office"})
            responses  promoters  passives  detractors    nps
    group
    cafe            2          1         0           1    0.0
    office          1          1         0           0  100.0

    Source: 003 (NPS = %Promoters − %Detractors; 9–10 promoters, 7–8 passives, 0–6
    detractors).
    """
    if not NPS_SCALE[0] <= detractor_max < promoter_min <= NPS_SCALE[1]:
        raise ValueError("need 0 <= detractor_max < promoter_min <= 10")
    values, groups = _scores(scores, column, NPS_SCALE, "surveys", start, end, when, by)
    if by is None:
        if values.empty:
            raise _nothing("surveys", column, "no NPS answer", start, end,
                           "widen the period, or collect NPS answers first")
        return float(((values >= promoter_min).mean() - (values <= detractor_max).mean()) * 100)
    frame = pd.DataFrame({"group": groups.to_numpy(),
                          "promoters": (values >= promoter_min).to_numpy(),
                          "detractors": (values <= detractor_max).to_numpy()})
    g = frame.groupby("group", sort=True)
    out = pd.DataFrame({"responses": g.size(), "promoters": g["promoters"].sum(),
                        "detractors": g["detractors"].sum()}).astype("int64")
    out.insert(2, "passives", out["responses"] - out["promoters"] - out["detractors"])
    out["nps"] = ((out["promoters"] - out["detractors"]) / out["responses"] * 100).astype(
        "float64")
    out.index.name = by if isinstance(by, str) else "group"
    return out


def _mean_score(values: pd.Series, groups, name: str, table: str, column: str, start, end,
                by, fix: str):
    if by is None:
        if values.empty:
            raise _nothing(table, column, f"no {name} answer", start, end, fix)
        return float(values.mean())
    frame = pd.DataFrame({"group": groups.to_numpy(), "v": values.to_numpy()})
    g = frame.groupby("group", sort=True)["v"]
    out = pd.DataFrame({"responses": g.size().astype("int64"), name: g.mean().astype("float64")})
    out.index.name = by if isinstance(by, str) else "group"
    return out


def csat(scores, *, scale: tuple[int, int] = CSAT_SCALE, by=None, start=None, end=None,
         column: str = "csat", when: str | None = None):
    """Customer satisfaction score: the mean of the satisfaction answers (1–5 by default).

    Parameters
    ----------
    scores : DataFrame or Series
        ``surveys`` or ``tickets`` (both have a ``csat`` 1–5), or a Series of scores; blank
        answers are not responses.
    scale : (int, int)
        The lowest and highest score (003: "thường 1–5 hoặc 1–10").
    by, start, end, column, when
        As :func:`nps`.

    Returns
    -------
    float or DataFrame
        The mean score; with ``by``, per group that has answers: ``responses``, ``csat``.

    Raises
    ------
    C360DataError
        A score outside the scale; or, without ``by``, no answer.

    Examples
    --------
    >>> csat(pd.Series([5, 4, 3, None]))              # (5 + 4 + 3) / 3
    4.0

    Source: 003 (CSAT: "Trung bình điểm khảo sát hài lòng").
    """
    values, groups = _scores(scores, column, scale, "surveys", start, end, when, by)
    return _mean_score(values, groups, "csat", "surveys", column, start, end, by,
                       "widen the period, or collect satisfaction answers first")


def customer_effort(tickets, *, scale: tuple[int, int] = CES_SCALE, by=None, start=None,
                    end=None, column: str = "ces", when: str | None = None):
    """Customer effort score: the mean effort answer, 1 (very easy) to 7 (very hard).

    Lower is better. Parameters, returns and errors as :func:`csat` (``tickets`` dated by
    ``opened_at``; the grouped column is ``ces``).

    Examples
    --------
    >>> customer_effort(pd.Series([1, 2, 6]))
    3.0
    >>> customer_effort(pd.Series([8]))
    Traceback (most recent call last):
    ...
    c360lab.contract.C360DataError: table 'tickets': 1 problem(s) found
      1. column 'ces': has scores outside the 1–7 scale in 1 row(s): 0 (8)...

    Source: 003 (CES: "Thang điểm: 1 (rất dễ) → 7 (rất khó)").
    """
    values, groups = _scores(tickets, column, scale, "tickets", start, end, when, by)
    return _mean_score(values, groups, "ces", "tickets", column, start, end, by,
                       "widen the period, or ask the effort question when a ticket closes")


def first_contact_resolution(tickets: pd.DataFrame, *, by=None, start=None, end=None,
                             when: str = "opened_at"):
    """First contact resolution: the share of issues resolved at the first contact, in %.

    An issue (a ticket opened in the period) is resolved at the first contact when it is closed
    (``closed_at`` is set) after ``contacts_to_resolve == 1``. Open tickets count as issues not
    (yet) resolved at the first contact.

    Parameters
    ----------
    tickets : DataFrame
        ``tickets``: ``contacts_to_resolve``, ``closed_at`` and the ``when`` date.
    by, start, end
        As :func:`nps`.

    Returns
    -------
    float or DataFrame
        FCR in percent; with ``by``, per group with tickets: ``tickets``, ``first_contact``,
        ``fcr``.

    Raises
    ------
    C360DataError
        ``contacts_to_resolve`` blank or below 1; or, without ``by``, no ticket in the period.

    Examples
    --------
    >>> tickets = pd.DataFrame({"contacts_to_resolve": [1, 1, 3, 1],
    ...     "closed_at": pd.to_datetime(["2025-01-02", "2025-01-03", "2025-01-09", None])})
    >>> first_contact_resolution(tickets)             # 2 of 4 (the open one is not resolved)
    50.0

    Source: 003 (FCR: "Tỷ lệ các vấn đề của khách hàng được giải quyết ngay trong lần tương tác
    đầu tiên").
    """
    _need(tickets, ("contacts_to_resolve", "closed_at"), "tickets", "datasets.load_clean()")
    t = _in_period(tickets, "tickets", start, end, when)
    contacts = pd.to_numeric(t["contacts_to_resolve"], errors="coerce")
    problem = _bad_rows(t, contacts.isna() | (contacts < 1), "contacts_to_resolve",
                        "is blank or below 1", "record how many contacts each ticket took")
    if problem is not None:
        raise C360DataError("tickets", [problem])
    first = (contacts == 1) & t["closed_at"].notna()
    if by is None:
        if len(t) == 0:
            raise _nothing("tickets", when, "no ticket", start, end,
                           "widen the period: with no issue there is nothing to resolve")
        return float(first.sum() * 100 / len(first))
    frame = pd.DataFrame({"group": _groups(t, by, "tickets").to_numpy(), "f": first.to_numpy()})
    g = frame.groupby("group", sort=True)["f"]
    out = pd.DataFrame({"tickets": g.size(), "first_contact": g.sum()}).astype("int64")
    out["fcr"] = (out["first_contact"] / out["tickets"] * 100).astype("float64")
    out.index.name = by if isinstance(by, str) else "group"
    return out


# -- automation KPIs (004) ------------------------------------------------------------------------

def _first_leads(crm: pd.DataFrame, start, end) -> pd.DataFrame:
    """Each person's first CRM contact that names a lead source, if it falls in the period."""
    _check("crm_contacts", crm, ("customer_id", "lead_source", "created_date"),
           may_be_blank=("lead_source",))
    has = ~_blank(crm["lead_source"])
    leads = crm[has.to_numpy()].sort_values("created_date", kind="stable")
    leads = leads.drop_duplicates("customer_id", keep="first")
    return _in_period(leads, "crm_contacts", start, end, "created_date")


def lead_conversion_rate(crm_contacts: pd.DataFrame, orders: pd.DataFrame, *, by=None,
                         start=None, end=None, as_of=None):
    """Lead conversion rate: the leads who became customers, in % of the leads.

    A lead is a person with a CRM contact that names a lead source, counted once at their first
    such contact, which must fall in [start, end); they converted with a completed order before
    ``as_of`` (any channel). The counting is step 3's ``journey.conversion_by_source``.

    Parameters
    ----------
    crm_contacts, orders : DataFrame
        ``crm_contacts`` (``customer_id``, ``lead_source``, ``created_date``) and
        ``shop_orders`` (``customer_id``, ``order_time``, ``status``).
    by : None, str or mapping
        ``"lead_source"`` or another column of ``crm_contacts``, or a mapping (segment...).
    start, end : date, optional
        When the leads arrived.
    as_of : date, optional
        Orders up to this date count (default: ``end``, or the sample's today).

    Returns
    -------
    float or DataFrame
        The rate in percent; with ``by``, per group with leads: ``leads``, ``customers``,
        ``conversion_rate``.

    Raises
    ------
    C360DataError
        Without ``by``, when no lead arrived in the period.

    Examples
    --------
    >>> crm = pd.DataFrame({"customer_id": ["A", "B", "C", "D"],
    ...     "lead_source": ["facebook_ads", "facebook_ads", "referral", "referral"],
    ...     "created_date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03",
    ...                                     "2025-01-04"])})
    >>> orders = pd.DataFrame({"customer_id": ["A", "C", "D"], "status": "completed",
    ...     "order_time": pd.to_datetime(["2025-01-11", "2025-01-05", "2025-02-01"])})
    >>> lead_conversion_rate(crm, orders)              # 3 of 4 leads bought
    75.0
    >>> lead_conversion_rate(crm, orders, by="lead_source")
                  leads  customers  conversion_rate
    lead_source
    facebook_ads      2          1             50.0
    referral          2          2            100.0

    Source: 004 ("tỷ lệ chuyển đổi lead"); 001 §4.3 (conversion by source).
    """
    from . import journey

    start, end = _bounds(start, end)
    as_of = pd.Timestamp(as_of if as_of is not None else end if end is not None else TODAY)
    leads = _first_leads(crm_contacts, start, end)
    if by is None:
        if len(leads) == 0:
            raise _nothing("crm_contacts", "created_date", "no lead", start, end,
                           "widen the period")
        label = pd.Series("all", index=leads.index)
    else:
        label = _groups(leads, by, "crm_contacts")
    table = journey.conversion_by_source(
        {"crm_contacts": leads.assign(lead_source=label.to_numpy()), "shop_orders": orders},
        as_of=as_of)
    out = table[["leads", "customers"]].sort_index(kind="stable")
    out["conversion_rate"] = (out["customers"] / out["leads"] * 100).astype("float64")
    if by is None:
        return float(out["conversion_rate"].iloc[0])
    out.index.name = by if isinstance(by, str) else "group"
    return out


def response_time(inbox: pd.DataFrame, *, by=None, start=None, end=None,
                  sla_minutes: float | None = None):
    """Response time: minutes from a customer's message to the first reply.

    Counts the conversations whose first message falls in [start, end) and has a
    ``first_response_minutes``; the counting is step 2's ``identity.response_times``.

    Parameters
    ----------
    inbox : DataFrame
        ``inbox_messages``: ``first_response_minutes``, ``sent_at`` (and ``by``).
    by : None, str or mapping
        ``"channel"`` or another column, or a mapping customer_id → group.
    start, end : date, optional
        When the messages were sent.
    sla_minutes : float, optional
        The promised reply time (``identity.SLA_MINUTES``, 15, by default).

    Returns
    -------
    float or DataFrame
        The median minutes; with ``by``, ``identity.response_times``'s table: per group and
        ``all``, ``conversations``, ``within_sla`` (0–1), ``median_minutes``, ``p90_minutes``,
        ``slowest_minutes``.

    Raises
    ------
    C360DataError
        Without ``by``, when no conversation in the period has a reply time.

    Examples
    --------
    >>> inbox = pd.DataFrame({"channel": ["zalo_oa", "zalo_oa", "hotline"],
    ...     "first_response_minutes": [5, 40, 1],
    ...     "sent_at": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-03-01"])})
    >>> response_time(inbox)
    5.0
    >>> response_time(inbox, end="2025-02-01")
    22.5

    Source: 004 ("thời gian phản hồi"); 001 §4.2 (a response SLA for every lead).
    """
    from . import identity

    _need(inbox, ("first_response_minutes",), "inbox_messages", "datasets.load_clean()")
    m = _in_period(inbox, "inbox_messages", start, end, "sent_at")
    answered = m[m["first_response_minutes"].notna().to_numpy()]
    if by is None:
        if len(answered) == 0:
            raise _nothing("inbox_messages", "first_response_minutes",
                           "no conversation with a reply time", start, end, "widen the period")
        return float(answered["first_response_minutes"].astype("float64").median())
    column = by if isinstance(by, str) else "group"
    frame = m.assign(**{column: _groups(m, by, "inbox_messages").to_numpy()})
    sla = identity.SLA_MINUTES if sla_minutes is None else sla_minutes
    return identity.response_times(frame, sla_minutes=sla, by=column)


#: the records that count as a lead's next step, with their dates (for :func:`leakage_rate`)
NEXT_STEPS = {"deals": "inquiry_date", "automation_sends": "sent_at",
              "inbox_messages": "sent_at", "shop_orders": "order_time"}


def leakage_rate(clean: dict, *, by=None, start=None, end=None,
                 follow_up_days: float = LEAK_DAYS):
    """Leakage rate: the share of new leads that got no next step within a week, in %.

    A lead (a person's first CRM contact naming a lead source, in [start, end)) has *leaked*
    when, within ``follow_up_days`` after it was created, nothing moved it on: no deal opened,
    no automated message sent, no inbox conversation, no order (:data:`NEXT_STEPS`). This is
    the "đứt mạch" (a broken chain) that 004 wants automation to prevent.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model: ``crm_contacts`` and any of the tables of :data:`NEXT_STEPS` (a missing
        table adds no next step).
    by : None, str or mapping
        ``"lead_source"`` or another column of ``crm_contacts``, or a mapping.
    start, end : date, optional
        When the leads arrived.
    follow_up_days : float
        :data:`LEAK_DAYS` by default.

    Returns
    -------
    float or DataFrame
        The rate in percent; with ``by``, per group with leads: ``leads``, ``leaked``,
        ``leakage_rate``.

    Raises
    ------
    C360DataError
        Without ``by``, when no lead arrived in the period.

    Examples
    --------
    >>> clean = {"crm_contacts": pd.DataFrame({"customer_id": ["A", "B", "C"],
    ...         "lead_source": ["seo", "seo", "referral"],
    ...         "created_date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-01"])}),
    ...     "deals": pd.DataFrame({"customer_id": ["A", "B"],
    ...         "inquiry_date": pd.to_datetime(["2025-01-03", "2025-02-20"])})}
    >>> leakage_rate(clean)              # B's deal came too late, C got nothing: 2 of 3
    66.66666666666667

    Source: 004 ("tỷ lệ rò rỉ khách hàng"; automation so that the flow of customers is never
    broken).
    """
    if "crm_contacts" not in clean:
        raise C360DataError("crm_contacts", [Problem("(table)", "is missing from the clean model",
                                                     "pass the dict of datasets.load_clean()")])
    leads = _first_leads(clean["crm_contacts"], start, end)
    if by is None and len(leads) == 0:
        raise _nothing("crm_contacts", "created_date", "no lead", start, end, "widen the period")
    steps = []
    for name, column in NEXT_STEPS.items():
        if name in clean:
            df = clean[name]
            _need(df, ("customer_id", column), name, "datasets.load_clean()")
            df = df[df["customer_id"].notna().to_numpy()]
            steps.append(pd.DataFrame({"customer_id": df["customer_id"].astype("str").to_numpy(),
                                       "t": df[column].to_numpy(dtype="datetime64[us]")}))
    created = pd.Series(leads["created_date"].to_numpy(dtype="datetime64[us]"),
                        index=leads["customer_id"].astype("str").to_numpy())
    moved = pd.Index([])
    if steps:
        s = pd.concat(steps, ignore_index=True)
        s = s[s["customer_id"].isin(created.index)]
        lag = s["t"] - s["customer_id"].map(created)
        ok = (lag >= pd.Timedelta(0)) & (lag <= pd.Timedelta(days=follow_up_days))
        moved = pd.Index(s.loc[ok, "customer_id"].unique())
    leaked = ~leads["customer_id"].astype("str").isin(moved)
    if by is None:
        return float(leaked.sum() * 100 / len(leaked))
    frame = pd.DataFrame({"group": _groups(leads, by, "crm_contacts").to_numpy(),
                          "leaked": leaked.to_numpy()})
    g = frame.groupby("group", sort=True)["leaked"]
    out = pd.DataFrame({"leads": g.size(), "leaked": g.sum()}).astype("int64")
    out["leakage_rate"] = (out["leaked"] / out["leads"] * 100).astype("float64")
    out.index.name = by if isinstance(by, str) else "group"
    return out


# -- costs (004) ----------------------------------------------------------------------------------

def _spend_by_channel(spend: pd.DataFrame, channels, start, end) -> pd.Series:
    """Spend per acquisition channel: ``spend`` rows in the period, channels renamed."""
    _check("marketing_spend", spend, ("channel", "spend_vnd"))
    s = _in_period(spend, "marketing_spend", start, end, "month") if "month" in spend.columns \
        else spend
    mapping = _spend_mapping(channels)
    channel = s["channel"].astype("str")
    channel = channel.map(lambda c: mapping.get(c, c))
    return pd.to_numeric(s["spend_vnd"]).astype("int64").groupby(channel.to_numpy()).sum()


def _spend_mapping(channels) -> dict:
    if channels is not None:
        return dict(channels)
    from .validation import SPEND_TO_SOURCE  # step 6's ads account → lead source mapping

    return dict(SPEND_TO_SOURCE)


def _per_unit(spend: pd.Series, count: pd.Series, name: str, unit: str) -> pd.DataFrame:
    out = pd.DataFrame({"spend_vnd": spend.astype("int64"),
                        unit: count.reindex(spend.index, fill_value=0).astype("int64")})
    has = out[unit] > 0
    value = pd.Series(pd.NA, index=out.index, dtype="Int64")
    value[has] = (out.loc[has, "spend_vnd"] / out.loc[has, unit]).round().astype("int64")
    out[name] = value
    out["note"] = np.where(has, "", f"spend but no {unit}: the cost per one is unbounded")
    out.index.name = "channel"
    return out.sort_index(kind="stable")


def cost_per_lead(spend: pd.DataFrame, crm_contacts: pd.DataFrame | None = None, *,
                  channels: Mapping | None = None, start=None, end=None) -> pd.DataFrame:
    """Cost per lead: each paid channel's spend divided by the leads it brought.

    Parameters
    ----------
    spend : DataFrame
        ``marketing_spend``: ``channel``, ``spend_vnd`` (and ``month`` to filter a period;
        ``platform_leads`` when ``crm_contacts`` is None).
    crm_contacts : DataFrame, optional
        The CRM's leads (``customer_id``, ``lead_source``, ``created_date``): real leads, each
        person once at their first contact. Without it the ads platforms' own lead counts are
        used (they count fakes and duplicates: compare both).
    channels : mapping, optional
        Ads channel → the lead source its leads arrive as (step 6's
        ``validation.SPEND_TO_SOURCE`` by default: Zalo ads bring Zalo OA followers). A channel
        it does not name keeps its own name.
    start, end : date, optional
        The spend months and the leads' first contacts in [start, end).

    Returns
    -------
    DataFrame
        Indexed by ``channel`` (the lead source), only channels with spend: ``spend_vnd``,
        ``leads``, ``cost_per_lead_vnd`` (<NA> when the spend brought no lead, and ``note``
        says so).

    Examples
    --------
    >>> spend = pd.DataFrame({"channel": ["facebook_ads", "facebook_ads", "zalo_ads"],
    ...     "spend_vnd": [3_000_000, 1_000_000, 500_000], "platform_leads": [30, 10, 4]})
    >>> crm = pd.DataFrame({"customer_id": ["A", "B", "C", "D"],
    ...     "lead_source": ["facebook_ads", "facebook_ads", "seo", "zalo_oa"],
    ...     "created_date": pd.to_datetime(["2025-01-01"] * 4)})
    >>> cost_per_lead(spend, crm)[["spend_vnd", "leads", "cost_per_lead_vnd"]]
                  spend_vnd  leads  cost_per_lead_vnd
    channel
    facebook_ads    4000000      2            2000000
    zalo_oa          500000      1             500000
    >>> cost_per_lead(spend)["cost_per_lead_vnd"].tolist()       # platforms' counts
    [100000, 125000]

    Source: 004 ("chi phí trên lead").
    """
    paid = _spend_by_channel(spend, channels, start, end)
    if crm_contacts is None:
        _need(spend, ("platform_leads",), "marketing_spend", "datasets.load_clean()")
        s = _in_period(spend, "marketing_spend", start, end, "month") \
            if "month" in spend.columns else spend
        mapping = _spend_mapping(channels)
        leads = pd.to_numeric(s["platform_leads"]).fillna(0).astype("int64").groupby(
            s["channel"].astype("str").map(lambda c: mapping.get(c, c)).to_numpy()).sum()
    else:
        first = _first_leads(crm_contacts, start, end)
        leads = first["lead_source"].astype("str").value_counts()
    return _per_unit(paid, leads, "cost_per_lead_vnd", "leads")


def cost_per_acquisition(spend: pd.DataFrame, customers: pd.DataFrame, *,
                         channels: Mapping | None = None, start=None, end=None,
                         channel: str = "channel", when: str = "acquired_at") -> pd.DataFrame:
    """Cost per acquisition (CPA) by channel: what each channel cost / the customers it brought.

    Parameters
    ----------
    spend : DataFrame
        The costs: ``channel``, ``spend_vnd`` (and ``month`` to filter a period). Add a row per
        non-ads cost to cost it too (e.g. the referral programme's rewards as channel
        ``"referral"``, as ``reverse_funnel.acquisition_cost`` does).
    customers : DataFrame
        One row per acquired customer: ``customer_id``, the ``channel`` that acquired them, and
        ``when`` (the acquisition date) to filter a period.
    channels : mapping, optional
        Cost channel → acquisition channel, as for :func:`cost_per_lead`.
    start, end : date, optional
        Costs (by ``month``) and acquisitions (by ``when``) in [start, end).

    Returns
    -------
    DataFrame
        Indexed by ``channel``, only channels with a cost: ``spend_vnd``, ``customers``,
        ``cpa_vnd`` (<NA> when the spend acquired nobody, and ``note`` says so). Channels
        without a recorded cost (SEO work, the showroom) are not shown: their cost is not zero,
        it is not in the data.

    Examples
    --------
    >>> spend = pd.DataFrame({"channel": ["facebook_ads", "referral", "tiktok_ads"],
    ...                       "spend_vnd": [9_000_000, 250_000, 1_000_000]})
    >>> customers = pd.DataFrame({"customer_id": ["A", "B", "C", "D", "E", "F"],
    ...     "channel": ["facebook_ads", "facebook_ads", "facebook_ads", "referral", "referral",
    ...                 "seo"]})
    >>> cpa = cost_per_acquisition(spend, customers)
    >>> cpa[["spend_vnd", "customers", "cpa_vnd"]]
                  spend_vnd  customers  cpa_vnd
    channel
    facebook_ads    9000000          3  3000000
    referral         250000          2   125000
    tiktok_ads      1000000          0     <NA>
    >>> cpa.loc["tiktok_ads", "note"]
    'spend but no customers: the cost per one is unbounded'

    Source: 000 ("Giảm Chi phí Thu hút Khách hàng (CPA)"); 004 (cost KPIs); 001 §4.6 (budget by
    source).
    """
    paid = _spend_by_channel(spend, channels, start, end)
    _check("customers", customers, ("customer_id", channel))
    c = customers
    if start is not None or end is not None:
        c = _in_period(customers, "customers", start, end, when)
    acquired = c.drop_duplicates("customer_id")[channel].astype("str").value_counts()
    out = _per_unit(paid, acquired, "cpa_vnd", "customers")
    return out


# -- all KPIs of one period -----------------------------------------------------------------------

def kpi_summary(clean: dict, period="2025", *, window_days: int = ACTIVE_WINDOW_DAYS,
                acquisition: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every KPI of 003 and 004 for one period, with its formula.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model (``datasets.load_clean()``).
    period : str, Period or (start, end)
        See :func:`period_bounds`; the sample's last full year by default.
    window_days : int
        For retention and churn (:data:`ACTIVE_WINDOW_DAYS`).
    acquisition : DataFrame, optional
        ``reverse_funnel.acquisition_cost(clean, ...)`` for the period, if already computed.

    Returns
    -------
    DataFrame
        One row per KPI: ``kpi``, ``value``, ``unit``, ``formula``, ``source``. Cost per lead
        and per acquisition have a row per paid channel and one for referral.

    Source: 003, 004.
    """
    from . import reverse_funnel

    start, end = period_bounds(period)
    rows = [
        ("retention_rate", retention_rate(clean["shop_orders"], start, end,
                                          window_days=window_days), "%", "003"),
        ("churn_rate", churn_rate(clean["shop_orders"], start, end, window_days=window_days),
         "%", "003"),
        ("nps", nps(clean["surveys"], start=start, end=end), "points", "003"),
        ("csat", csat(clean["surveys"], start=start, end=end), "score 1–5", "003"),
        ("first_contact_resolution", first_contact_resolution(clean["tickets"], start=start,
                                                              end=end), "%", "003"),
        ("customer_effort", customer_effort(clean["tickets"], start=start, end=end),
         "score 1–7", "003"),
        ("lead_conversion_rate", lead_conversion_rate(clean["crm_contacts"],
                                                      clean["shop_orders"], start=start,
                                                      end=end), "%", "004"),
        ("response_time", response_time(clean["inbox_messages"], start=start, end=end),
         "minutes", "004"),
        ("leakage_rate", leakage_rate(clean, start=start, end=end), "%", "004"),
    ]
    out = [{"kpi": k, "value": float(v), "unit": u, "formula": FORMULAS[k], "source": s}
           for k, v, u, s in rows]
    cpl = cost_per_lead(clean["marketing_spend"], clean["crm_contacts"], start=start, end=end)
    for ch, v in cpl["cost_per_lead_vnd"].items():
        if pd.notna(v):
            out.append({"kpi": f"cost_per_lead ({ch})", "value": float(v), "unit": "VND",
                        "formula": FORMULAS["cost_per_lead"], "source": "004"})
    cpa = (acquisition if acquisition is not None
           else reverse_funnel.acquisition_cost(clean, start=start, end=end))
    for ch, v in cpa["cpa_vnd"].items():
        if pd.notna(v):
            out.append({"kpi": f"cost_per_acquisition ({ch})", "value": float(v), "unit": "VND",
                        "formula": FORMULAS["cost_per_acquisition"], "source": "000, 004"})
    return pd.DataFrame(out)
