"""Customer lifetime value: historical (margin to date) and predictive (BG/NBD + Gamma-Gamma).

003 defines CLV as the total profit a customer brings over the whole relationship. This module
measures it two ways:

- **historical CLV** — the gross margin a customer has earned the shop so far
  (:func:`historical_clv`, built on :func:`c360lab.profitability.order_margins`: after
  discounts, returns and shipping lost), compared across groups with :func:`clv_by_group`;
- **predictive CLV** — the margin a customer is expected to bring over the next months
  (:func:`predictive_clv`), from two classic probability models fitted by maximum likelihood:

  * **BG/NBD** (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while
    alive, a customer buys at a steady rate λ (Poisson purchases), λ varies across customers as
    Gamma(r, α); after each repeat purchase the customer may leave for good with probability
    p, and p varies as Beta(a, b). :func:`fit_bgnbd` estimates (r, α, a, b);
    :func:`expected_purchases` and :func:`probability_alive` read a customer's own history.
  * **Gamma-Gamma** (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie 2013): the value
    of each purchase is Gamma(p, ν) around the customer's own mean, ν varies as Gamma(q, v).
    :func:`fit_gamma_gamma` estimates (p, q, v); :func:`expected_spend` shrinks each
    customer's observed mean towards the population mean.

Both models read the **RFM summary** of :func:`rfm_summary` (the standard one, as in the
``lifetimes`` package): per customer, ``frequency`` = repeat purchases (distinct purchase days
− 1), ``recency`` = age at the last purchase, ``T`` = age at the end of the observation, and
``monetary_value`` = the mean value of the *repeat* purchases (the first purchase is left out,
the Fader–Hardie convention: it often differs from later ones, and Gamma-Gamma models the
repeat purchases only). :func:`rfm_from_clean` builds it from the completed orders' gross
margin, so the predicted CLV is a margin, like the historical one.

The chain::

    hist = historical_clv(clean)                            # margin to date per customer
    clv_by_group(hist, lead_source)                         # ... by lead source
    summary = rfm_from_clean(clean)                         # frequency, recency, T, monetary
    bg = fit_bgnbd(summary)                                 # r, alpha, a, b
    gg = fit_gamma_gamma(summary)                           # p, q, v
    future = predictive_clv(summary, bg, gg, horizon_days=365)

The log-likelihoods are vectorised over customers (``scipy.special.gammaln``/``betaln``, the
two terms of BG/NBD combined with ``logaddexp``) and maximised over the logarithms of the
parameters with L-BFGS-B and the analytic gradient: 100,000 customers fit in seconds. A fit
that does not converge raises :class:`~c360lab.contract.C360DataError` (or, with
``strict=False``, returns ``converged=False``) — never NaN parameters.

Source: 003 (CLV, "giá trị vòng đời khách hàng": the profit a customer brings over the whole
relationship); 000 (referred customers are worth more); models: Fader, Hardie & Lee (2005a,
Marketing Science 24(2), BG/NBD) and (2005b, J. Marketing Research 42(4), Gamma-Gamma).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special

from .contract import C360DataError, Problem
from .datasets import TODAY
from .profitability import _bad_rows, _check, order_margins

__all__ = [
    "DISCOUNT_RATE_ANNUAL",
    "FREQS",
    "MAX_ITERATIONS",
    "STEP_DAYS",
    "BGNBDParams",
    "FitResult",
    "GammaGammaParams",
    "bgnbd_log_likelihood",
    "clv_by_group",
    "expected_purchases",
    "expected_spend",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_log_likelihood",
    "historical_clv",
    "predictive_clv",
    "probability_alive",
    "rfm_from_clean",
    "rfm_summary",
    "simulate_summary",
]

#: annual rate future margin is discounted at: an assumption (a typical cost of capital for a
#: small business) — set your own
DISCOUNT_RATE_ANNUAL = 0.10
#: the time units of an RFM summary and their length in days
FREQS = {"D": 1, "W": 7}
#: the optimiser's iteration limit in the fits
MAX_ITERATIONS = 2000
#: length of one discounting step of :func:`predictive_clv`, in days (about a month)
STEP_DAYS = 30
_DAYS_PER_YEAR = 365.0
_SUMMARY = ("frequency", "recency", "T")
_LOG_BOUND = 20.0  # fitted parameters stay within exp(±20) (after rescaling the data)


# -- parameters and results -----------------------------------------------------------------------

@dataclass(frozen=True)
class BGNBDParams:
    """BG/NBD parameters: purchase rate λ ~ Gamma(r, α) (α in the summary's time unit), dropout
    probability p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float

    @property
    def mean_rate(self) -> float:
        """The mean purchase rate of active customers, r / α (purchases per time unit)."""
        return self.r / self.alpha

    @property
    def mean_dropout(self) -> float:
        """The mean probability of leaving after a repeat purchase, a / (a + b)."""
        return self.a / (self.a + self.b)


@dataclass(frozen=True)
class GammaGammaParams:
    """Gamma-Gamma parameters: a purchase's value ~ Gamma(p, ν), ν ~ Gamma(q, v) (v in the
    value's unit)."""

    p: float
    q: float
    v: float

    @property
    def mean_value(self) -> float:
        """The population mean value of a purchase, p v / (q − 1) (infinite when q ≤ 1)."""
        return self.p * self.v / (self.q - 1) if self.q > 1 else float("inf")


@dataclass(frozen=True)
class FitResult:
    """A maximum-likelihood fit: the parameters, the maximised log-likelihood (of the data in
    its own units), whether the optimiser converged, customers used, iterations, the
    optimiser's message and the parameters that ended at a bound of the search.

    A parameter at a bound (e^±20 after rescaling) is a limit of the model, not a failure: for
    example BG/NBD's a and b both very large mean that every customer has the same dropout
    probability a / (a + b); the predictions stay valid.
    """

    params: BGNBDParams | GammaGammaParams
    log_likelihood: float
    converged: bool
    n_customers: int
    iterations: int
    message: str
    at_bound: tuple[str, ...] = ()


def _bg(params) -> BGNBDParams:
    params = getattr(params, "params", params)
    if isinstance(params, BGNBDParams):
        return params
    if isinstance(params, GammaGammaParams):
        raise TypeError("these are Gamma-Gamma parameters; pass the BG/NBD ones (fit_bgnbd)")
    return BGNBDParams(*(float(v) for v in params))


def _gg(params) -> GammaGammaParams:
    params = getattr(params, "params", params)
    if isinstance(params, GammaGammaParams):
        return params
    if isinstance(params, BGNBDParams):
        raise TypeError("these are BG/NBD parameters; pass the Gamma-Gamma ones "
                        "(fit_gamma_gamma)")
    return GammaGammaParams(*(float(v) for v in params))


# -- checks ---------------------------------------------------------------------------------------

def _numbers(df: pd.DataFrame, table: str, columns,
             fix: str = "pass the output of rfm_summary") -> dict[str, np.ndarray]:
    """The columns as float arrays; one C360DataError for missing, blank or non-numeric ones."""
    _check(table, df, columns)
    out, problems = {}, []
    for c in columns:
        number = pd.to_numeric(df[c], errors="coerce")
        problems.append(_bad_rows(df, number.isna() | ~np.isfinite(number.astype("float64")),
                                  c, "is not a finite number", fix))
        out[c] = number.to_numpy(dtype="float64", na_value=np.nan)
    problems = [p for p in problems if p is not None]
    if problems:
        raise C360DataError(table, problems)
    return out


def _check_summary(summary: pd.DataFrame, *, monetary: bool = False) -> dict[str, np.ndarray]:
    """frequency, recency, T (and monetary_value) as arrays, after the model's own checks."""
    columns = _SUMMARY + (("monetary_value",) if monetary else ())
    if not isinstance(summary, pd.DataFrame):
        raise TypeError(f"summary must be a pandas DataFrame, not {type(summary).__name__}")
    if len(summary) == 0:
        raise C360DataError("rfm_summary", [Problem(
            "frequency", "has no customers", "pass the summary of at least one customer")])
    v = _numbers(summary, "rfm_summary", columns)
    x, tx, T = v["frequency"], v["recency"], v["T"]
    fix = "build the summary with rfm_summary (ages count from the first purchase)"
    problems = [
        _bad_rows(summary, pd.Series(x < 0, summary.index), "frequency", "is negative", fix),
        _bad_rows(summary, pd.Series(x != np.floor(x), summary.index), "frequency",
                  "is not a whole number of repeat purchases", fix),
        _bad_rows(summary, pd.Series(tx < 0, summary.index), "recency", "is negative", fix),
        _bad_rows(summary, pd.Series(T <= 0, summary.index), "T", "is not positive",
                  "drop customers whose first purchase is on the observation end, or end it later"),
        _bad_rows(summary, pd.Series(tx > T, summary.index), "recency", "is greater than T",
                  "the last purchase cannot come after the end of the observation: " + fix),
        _bad_rows(summary, pd.Series((x == 0) & (tx != 0), summary.index), "recency",
                  "is not 0 for a customer without repeat purchases", fix),
        _bad_rows(summary, pd.Series((x > 0) & (tx == 0), summary.index), "recency",
                  "is 0 for a customer with repeat purchases", fix),
    ]
    problems = [p for p in problems if p is not None]
    if problems:
        raise C360DataError("rfm_summary", problems)
    return v


def _freq_days(freq: str) -> int:
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {', '.join(FREQS)} (days, weeks), not {freq!r}")
    return FREQS[freq]


# -- the RFM summary ------------------------------------------------------------------------------

def rfm_summary(transactions: pd.DataFrame, *, customer_col: str = "customer_id",
                time_col: str = "order_time", value_col: str = "gross_margin_vnd",
                observation_end: pd.Timestamp = TODAY, freq: str = "D") -> pd.DataFrame:
    """The standard RFM summary of BG/NBD and Gamma-Gamma: frequency, recency, T, monetary value.

    Purchases are counted per period (``freq="D"``: per day): several purchases of one customer
    in the same period are one purchase worth their total. Ages count whole periods from the
    period of the customer's first purchase.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase: ``customer_col``, ``time_col`` (dates) and ``value_col`` (any
        finite number — a gross margin may be negative).
    customer_col, time_col, value_col : str
        The column names.
    observation_end : Timestamp
        The end of the observation (exclusive): "today", the sample's 2026-01-01 by default.
        Every purchase must be before it.
    freq : {"D", "W"}
        The time unit: days or weeks (7-day periods from the first purchase).

    Returns
    -------
    DataFrame
        One row per customer, sorted by ``customer_col``: ``customer_col``,
        ``first_purchase`` (time of the first purchase), ``frequency`` (repeat purchases:
        purchase periods − 1), ``recency`` (age at the last purchase, in periods; 0 without a
        repeat purchase), ``T`` (age at ``observation_end``, in periods), ``monetary_value``
        (mean value of the repeat purchases, in the value's unit; 0 without a repeat
        purchase — the first purchase never counts).

    Raises
    ------
    C360DataError
        No transactions, a missing or empty column, times that are not dates, values that are
        not finite numbers, purchases on or after ``observation_end``.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["A", "A", "A", "A", "B"],
    ...     "order_time": pd.to_datetime(["2025-12-01 09:00", "2025-12-01 15:00",
    ...                                   "2025-12-11 10:00", "2025-12-21 08:00",
    ...                                   "2025-12-30 12:00"]),
    ...     "gross_margin_vnd": [50_000, 10_000, 100_000, 200_000, 70_000]})
    >>> rfm_summary(tx)[["customer_id", "frequency", "recency", "T", "monetary_value"]]
      customer_id  frequency  recency   T  monetary_value
    0           A          2       20  31        150000.0
    1           B          0        0   2             0.0

    Source: 003 (CLV); the summary of Fader, Hardie & Lee (2005) BG/NBD and Gamma-Gamma.
    """
    unit = _freq_days(freq)
    end = pd.Timestamp(observation_end)
    table = "transactions"
    cols = (customer_col, time_col, value_col)
    _check(table, transactions, cols)
    if len(transactions) == 0:
        raise C360DataError(table, [Problem(customer_col, "has no transactions",
                                            "pass at least one purchase")])
    if not pd.api.types.is_datetime64_any_dtype(transactions[time_col].dtype):
        raise C360DataError(table, [Problem(time_col, "is not a date column "
                                            f"(dtype {transactions[time_col].dtype})",
                                            "convert it with pd.to_datetime")])
    value = pd.to_numeric(transactions[value_col], errors="coerce").astype("float64")
    problems = [
        _bad_rows(transactions, value.isna() | ~np.isfinite(value), value_col,
                  "is not a finite number", "fill in the value of every purchase"),
        _bad_rows(transactions, transactions[time_col] >= end, time_col,
                  f"is on or after observation_end ({end})",
                  "pass the purchases before observation_end, or a later observation_end"),
    ]
    problems = [p for p in problems if p is not None]
    if problems:
        raise C360DataError(table, problems)

    ids = transactions[customer_col].astype("str").to_numpy()
    times = transactions[time_col].to_numpy(dtype="datetime64[ns]")
    days = times.astype("datetime64[D]")
    code, uniques = pd.factorize(ids, sort=True)
    n = len(uniques)
    first_day = pd.Series(days).groupby(code).min().to_numpy(dtype="datetime64[D]")
    first_time = pd.Series(times).groupby(code).min().to_numpy(dtype="datetime64[ns]")
    period = (days - first_day[code]).astype("int64") // unit
    # one row per (customer, period): the period's total value
    per = pd.DataFrame({"c": code, "k": period, "v": value.to_numpy()})
    per = per.groupby(["c", "k"], sort=True)["v"].sum().reset_index()
    c, k, v = per["c"].to_numpy(), per["k"].to_numpy(), per["v"].to_numpy()
    periods = np.bincount(c, minlength=n)
    recency = np.zeros(n, dtype="int64")
    np.maximum.at(recency, c, k)
    repeat_value = np.bincount(c, weights=np.where(k > 0, v, 0.0), minlength=n)
    frequency = periods - 1
    end_day = np.datetime64(end.normalize().date(), "D")
    age = (end_day - first_day).astype("int64") + (1 if end != end.normalize() else 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, repeat_value / np.maximum(frequency, 1), 0.0)
    return pd.DataFrame({
        customer_col: pd.array(uniques, dtype="str"),
        "first_purchase": first_time,
        "frequency": frequency.astype("int64"),
        "recency": recency,
        "T": age // unit,
        "monetary_value": monetary,
    })


def rfm_from_clean(clean: dict, *, observation_end: pd.Timestamp = TODAY,
                   freq: str = "D") -> pd.DataFrame:
    """The RFM summary of every customer's completed orders, valued at their gross margin.

    Only completed orders are purchases (a returned, cancelled or failed order bought nothing);
    each is valued at its gross margin after discounts (:func:`~c360lab.profitability.
    order_margins`), so :func:`predictive_clv` predicts margin, like :func:`historical_clv`.
    Orders on or after ``observation_end`` are left out: the summary is the one the shop had
    on that day (useful to check a prediction against what happened next).

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model (``datasets.load_clean()``): ``shop_orders`` (with ``customer_id``)
        and ``order_lines``.
    observation_end : Timestamp
        The end of the observation (exclusive); 2026-01-01 by default.
    freq : {"D", "W"}
        The time unit, as in :func:`rfm_summary`.

    Returns
    -------
    DataFrame
        :func:`rfm_summary` of the completed orders: ``customer_id``, ``first_purchase``,
        ``frequency``, ``recency``, ``T``, ``monetary_value`` (mean gross margin of the repeat
        purchases, VND). Customers without a completed order before ``observation_end`` have
        no row.

    Raises
    ------
    C360DataError
        Orders or lines with missing or bad columns (see ``order_margins``), or no completed
        order before ``observation_end``.

    Examples
    --------
    >>> clean = {"shop_orders": pd.DataFrame({"order_id": ["O1", "O2", "O3"],
    ...     "customer_id": ["C1", "C1", "C1"],
    ...     "order_time": pd.to_datetime(["2025-11-01", "2025-12-01", "2025-12-15"]),
    ...     "status": ["completed", "completed", "returned"], "discount_vnd": [0, 20_000, 0],
    ...     "shipping_vnd": [30_000] * 3}),
    ...     "order_lines": pd.DataFrame({"order_id": ["O1", "O2", "O3"], "quantity": [1, 2, 1],
    ...     "unit_price_vnd": [300_000] * 3, "unit_cost_vnd": [200_000] * 3})}
    >>> rfm_from_clean(clean)[["customer_id", "frequency", "recency", "T", "monetary_value"]]
      customer_id  frequency  recency   T  monetary_value
    0          C1          1       30  61        180000.0

    Source: 003 (CLV as profit); 001 §4.1 (gross margin, not revenue).
    """
    margins = order_margins(clean["shop_orders"], clean["order_lines"])
    end = pd.Timestamp(observation_end)
    done = margins[(margins["status"] == "completed") & (margins["order_time"] < end)]
    return rfm_summary(done, customer_col="customer_id", time_col="order_time",
                       value_col="gross_margin_vnd", observation_end=end, freq=freq)


# -- historical CLV -------------------------------------------------------------------------------

def historical_clv(clean: dict, *, as_of: pd.Timestamp = TODAY) -> pd.DataFrame:
    """Historical CLV: the gross margin each customer has earned the shop before ``as_of``.

    Every order counts as :func:`~c360lab.profitability.order_margins` counts it: completed
    orders bring their margin after discounts, returned and failed deliveries cost their
    shipping, cancelled orders nothing.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model: ``shop_orders`` (with ``customer_id``) and ``order_lines``.
    as_of : Timestamp
        "Today" (exclusive): orders on or after it are left out; 2026-01-01 by default.

    Returns
    -------
    DataFrame
        One row per customer with an order before ``as_of``, sorted by ``customer_id``:
        ``customer_id``, ``first_order``, ``last_order``, ``tenure_days`` (whole days from the
        first order to ``as_of``), ``orders`` (any status), ``completed_orders``,
        ``revenue_vnd``, ``historical_clv_vnd`` (Σ gross margin, VND; may be negative).

    Raises
    ------
    C360DataError
        Bad orders or lines (see ``order_margins``).

    Examples
    --------
    >>> clean = {"shop_orders": pd.DataFrame({"order_id": ["O1", "O2", "O3"],
    ...     "customer_id": ["C1", "C1", "C2"],
    ...     "order_time": pd.to_datetime(["2025-11-01", "2025-12-01", "2025-12-15"]),
    ...     "status": ["completed", "completed", "returned"], "discount_vnd": [0, 20_000, 0],
    ...     "shipping_vnd": [30_000] * 3}),
    ...     "order_lines": pd.DataFrame({"order_id": ["O1", "O2", "O3"], "quantity": [1, 2, 1],
    ...     "unit_price_vnd": [300_000] * 3, "unit_cost_vnd": [200_000] * 3})}
    >>> historical_clv(clean)[["customer_id", "orders", "revenue_vnd", "historical_clv_vnd"]]
      customer_id  orders  revenue_vnd  historical_clv_vnd
    0          C1       2       880000              280000
    1          C2       1            0              -30000

    Source: 003 (CLV: the profit a customer brings over the relationship); 001 §4.1 (margin).
    """
    as_of = pd.Timestamp(as_of)
    m = order_margins(clean["shop_orders"], clean["order_lines"])
    m = m[m["order_time"] < as_of].assign(completed=lambda d: d["status"] == "completed")
    t = m.groupby("customer_id", sort=True).agg(
        first_order=("order_time", "min"), last_order=("order_time", "max"),
        orders=("order_id", "size"), completed_orders=("completed", "sum"),
        revenue_vnd=("revenue_vnd", "sum"), historical_clv_vnd=("gross_margin_vnd", "sum"))
    t.insert(2, "tenure_days", (as_of - t["first_order"]).dt.days.astype("int64"))
    t = t.astype({"orders": "int64", "completed_orders": "int64", "revenue_vnd": "int64",
                  "historical_clv_vnd": "int64"})
    return t.reset_index()


def clv_by_group(table: pd.DataFrame, groups: pd.Series, *,
                 value_col: str = "historical_clv_vnd", unknown: str = "unknown") -> pd.DataFrame:
    """CLV compared across groups (lead source, segment, cohort…): customers, mean, median, total.

    Parameters
    ----------
    table : DataFrame
        One row per customer with ``customer_id`` and ``value_col`` (e.g. the output of
        :func:`historical_clv` or :func:`predictive_clv`).
    groups : Series
        The group of each customer, indexed by ``customer_id`` (e.g.
        ``journey.customer_stages(clean).set_index("customer_id")["lead_source"]``). A customer
        without a group is counted in ``unknown``.
    value_col : str
        The CLV column to compare.
    unknown : str
        The label of customers without a group.

    Returns
    -------
    DataFrame
        Indexed by group, highest mean first (ties by name): ``customers``, ``mean_vnd``,
        ``median_vnd`` (rounded to whole VND), ``total_vnd``, ``value_share`` (of the total of
        all groups; NaN when the total is 0) and ``vs_overall`` (group mean / overall mean).

    Raises
    ------
    C360DataError
        ``table`` lacks ``customer_id`` or ``value_col``, or a value is not a number; or
        ``table`` is empty.
    ValueError
        ``groups`` is not a Series with one row per customer id.

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["A", "B", "C", "D"],
    ...                   "historical_clv_vnd": [300, 100, 200, 0]})
    >>> g = pd.Series({"A": "referral", "B": "facebook_ads", "C": "referral"})
    >>> clv_by_group(t, g)[["customers", "mean_vnd", "total_vnd", "vs_overall"]]
                  customers  mean_vnd  total_vnd  vs_overall
    referral              2       250        500    1.666667
    facebook_ads          1       100        100    0.666667
    unknown               1         0          0    0.000000

    Source: 000 (referred customers are worth more than those bought with ads); 003 (CLV).
    """
    if len(table) == 0:
        raise C360DataError("clv table", [Problem("customer_id", "has no customers",
                                                  "pass at least one customer")])
    _check("clv table", table, ("customer_id",))
    v = _numbers(table, "clv table", (value_col,),
                 "pass the output of historical_clv or predictive_clv")[value_col]
    if not isinstance(groups, pd.Series) or groups.index.duplicated().any():
        raise ValueError("groups must be a Series with one group per customer_id (its index)")
    named = groups.dropna()
    named.index = named.index.astype("str")
    label = table["customer_id"].astype("str").map(named.astype("str")).fillna(unknown)
    df = pd.DataFrame({"group": label.to_numpy(), "v": v})
    out = df.groupby("group", sort=True)["v"].agg(customers="size", mean_vnd="mean",
                                                  median_vnd="median", total_vnd="sum")
    total, overall = float(v.sum()), float(v.mean())
    out["value_share"] = out["total_vnd"] / total if total != 0 else np.nan
    out["vs_overall"] = out["mean_vnd"] / overall if overall != 0 else np.nan
    out = out.sort_values("mean_vnd", ascending=False, kind="stable")
    for c in ("mean_vnd", "median_vnd", "total_vnd"):
        out[c] = np.round(out[c]).astype("int64")
    out.index.name = None
    return out


# -- BG/NBD ---------------------------------------------------------------------------------------

def _upto(values: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Σ_{j<x} values[j] for each whole number x (a cumulative sum read at x)."""
    return np.concatenate(([0.0], np.cumsum(values)))[x]


def _bg_loglik(r, alpha, a, b, x, tx, T, *, gradient: bool = False):
    """Per-customer BG/NBD log-likelihood (and its gradient in r, α, a, b), stable for any size.

    The ratios of Gamma and Beta functions are written as finite products over the x repeat
    purchases (x is a whole number): Γ(r+x)/Γ(r) = Π (r+j), B(a, b+x)/B(a, b) =
    Π (b+j)/(a+b+j), B(a+1, b+x−1)/B(a, b) = a/(a+b+x−1) · Π_{j<x−1} (b+j)/(a+b+j), so
    nothing cancels even when a and b are huge (every customer with the same dropout).
    """
    x = x.astype("int64")
    j = np.arange(max(int(x.max(initial=0)), 1), dtype="float64")
    xm = np.maximum(x, 1)
    keep = np.log1p(-a / (a + b + j))                       # log (b+j)/(a+b+j)
    lr = _upto(np.log(r + j), x)
    stay2 = _upto(keep, x)
    stay3 = _upto(keep, xm - 1)
    last = a + b + xm - 1
    l2 = lr - r * np.log1p(T / alpha) - x * np.log(alpha + T) + stay2
    l3 = np.where(x > 0, lr - r * np.log1p(tx / alpha) - x * np.log(alpha + tx) + stay3
                  + np.log(a) - np.log(last), -np.inf)
    ll = np.logaddexp(l2, l3)
    if not gradient:
        return ll
    w2, w3 = np.exp(l2 - ll), np.exp(l3 - ll)
    dr = _upto(1 / (r + j), x) - w2 * np.log1p(T / alpha) - w3 * np.log1p(tx / alpha)
    dalpha = (w2 * (r * T / (alpha * (alpha + T)) - x / (alpha + T))
              + w3 * (r * tx / (alpha * (alpha + tx)) - x / (alpha + tx)))
    inv_ab = 1 / (a + b + j)
    dkeep_db = a / ((b + j) * (a + b + j))
    da = (-w2 * _upto(inv_ab, x)
          + w3 * (1 / a - 1 / last - _upto(inv_ab, xm - 1)))
    db = w2 * _upto(dkeep_db, x) + w3 * (-1 / last + _upto(dkeep_db, xm - 1))
    return ll, (dr, dalpha, da, db)


def _whole(frequency) -> np.ndarray:
    x = np.asarray(frequency, dtype="float64")
    if np.any(x < 0) or np.any(x != np.floor(x)):
        raise ValueError("frequency must hold whole numbers of at least 0")
    return x.astype("int64")


def bgnbd_log_likelihood(params, frequency, recency, T) -> np.ndarray:
    """The BG/NBD log-likelihood of each customer's (frequency, recency, T).

    L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
    + [x > 0] · B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x))
    (Fader, Hardie & Lee 2005), computed on the log scale with the ratios of Gamma and
    Beta functions written as products over the repeat purchases (exact for huge a and b).

    Examples
    --------
    >>> ll = bgnbd_log_likelihood((0.5, 10.0, 0.8, 2.0), [0, 2], [0, 30], [60, 60])
    >>> ll.round(4).tolist()
    [-0.973, -9.598]

    Source: Fader, Hardie & Lee (2005), "Counting your customers the easy way".
    """
    p = _bg(params)
    x = _whole(frequency)
    tx, T = (np.asarray(v, dtype="float64") for v in (recency, T))
    with np.errstate(divide="ignore"):
        return _bg_loglik(p.r, p.alpha, p.a, p.b, x, tx, T)


def _bg_nll(theta, x, tx, T):
    """Negative mean log-likelihood and its gradient in log-parameters."""
    r, alpha, a, b = np.exp(theta)
    with np.errstate(all="ignore"):
        ll, parts = _bg_loglik(r, alpha, a, b, x, tx, T, gradient=True)
        grad = -np.array([d.mean() * v for d, v in zip(parts, (r, alpha, a, b))])
        value = -ll.mean()
    if not np.isfinite(value) or not np.all(np.isfinite(grad)):
        return 1e10, np.zeros(4)
    return value, grad


def _minimize(fun, theta0, args, bounds, max_iterations: int):
    """L-BFGS-B on ``fun`` (value and gradient); warnings stay inside.

    A line search that fails on a flat ridge of the likelihood (status 2) is restarted once
    from where it stopped, with a fresh curvature estimate.
    """
    options = {"maxiter": max_iterations, "ftol": 1e-12, "gtol": 1e-8}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        res = optimize.minimize(fun, theta0, args=args, jac=True, method="L-BFGS-B",
                                bounds=bounds, options=options)
        if res.status == 2:
            again = optimize.minimize(fun, res.x, args=args, jac=True, method="L-BFGS-B",
                                      bounds=bounds, options=options)
            again.nit += res.nit
            res = again
    return res


def _result(res, params, ll, n, strict: bool, model: str, fix: str) -> FitResult:
    names = tuple(params.__dataclass_fields__)
    at_bound = tuple(name for name, value in zip(names, res.x)
                     if abs(value) >= _LOG_BOUND - 1e-3)
    converged = bool(res.success and np.isfinite(ll)
                     and all(np.isfinite(getattr(params, k)) for k in names))
    message = str(res.message)
    if strict and not converged:
        raise C360DataError("rfm_summary", [Problem(
            "frequency", f"the {model} fit did not converge: {message}", fix)])
    return FitResult(params, float(ll), converged, int(n), int(res.nit), message, at_bound)


def fit_bgnbd(summary: pd.DataFrame, *, strict: bool = True,
              max_iterations: int = MAX_ITERATIONS) -> FitResult:
    """Fit BG/NBD (r, α, a, b) by maximum likelihood to an RFM summary.

    The log-likelihood (:func:`bgnbd_log_likelihood`) is summed over all customers and
    maximised over log r, log α, log a, log b with L-BFGS-B and the analytic gradient. Times are
    rescaled by their mean during the fit (α and the log-likelihood are reported in the
    summary's own units).

    Parameters
    ----------
    summary : DataFrame
        ``frequency``, ``recency``, ``T`` per customer (:func:`rfm_summary`).
    strict : bool
        Raise when the fit does not converge (default); with False, return the result with
        ``converged=False``.
    max_iterations : int
        The optimiser's iteration limit.

    Returns
    -------
    FitResult
        ``params`` is a :class:`BGNBDParams`.

    Raises
    ------
    C360DataError
        An empty summary, a missing or non-numeric column, negative values, recency > T, a
        recency that does not match the frequency, no repeat purchase at all, or (``strict``)
        no convergence.

    Examples
    --------
    >>> s = simulate_summary(5_000, (0.5, 60.0, 0.8, 3.0), seed=1)
    >>> fit = fit_bgnbd(s)
    >>> fit.converged, round(fit.params.r, 1)
    (True, 0.5)

    Source: Fader, Hardie & Lee (2005), "Counting your customers the easy way".
    """
    v = _check_summary(summary)
    x, tx, T = v["frequency"], v["recency"], v["T"]
    if not (x > 0).any():
        raise C360DataError("rfm_summary", [Problem(
            "frequency", "is 0 for every customer: nobody bought twice, so the purchase rate "
            "and the dropout cannot be told apart", "observe the customers for longer")])
    scale = float(T.mean())
    xs, txs, Ts = x.astype("int64"), tx / scale, T / scale
    rate = x.mean() / Ts.mean()
    theta0 = np.array([0.0, np.log(1.0 / max(rate, 1e-6)), 0.0, 0.0])
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * 4
    res = _minimize(_bg_nll, theta0, (xs, txs, Ts), bounds, max_iterations)
    r, alpha, a, b = np.exp(res.x)
    params = BGNBDParams(float(r), float(alpha * scale), float(a), float(b))
    ll = float(bgnbd_log_likelihood(params, x, tx, T).sum())
    return _result(res, params, ll, len(x), strict, "BG/NBD",
                   "check the summary (enough customers who bought twice, ages in one unit)")


def probability_alive(params, frequency, recency, T) -> np.ndarray:
    """The probability that each customer is still active at the end of the observation.

    P(alive | x, t_x, T) = 1 / (1 + [x > 0] · a / (b + x − 1) · ((α + T) / (α + t_x))^(r+x))
    (Fader, Hardie & Lee 2005): 1 for a customer without repeat purchase (in BG/NBD
    a customer can only leave right after a repeat purchase), lower the longer the silence
    since the last purchase compared with the customer's own pace.

    Parameters
    ----------
    params : BGNBDParams, FitResult or (r, alpha, a, b)
    frequency, recency, T : array-like
        As in :func:`rfm_summary`, in the time unit of the fit.

    Returns
    -------
    ndarray
        Probabilities in [0, 1].

    Examples
    --------
    >>> probability_alive((0.5, 10.0, 0.8, 2.0), [0, 3, 3], [0, 55, 5], [60, 60, 60]).round(3)
    array([1.   , 0.794, 0.022])

    Source: Fader, Hardie & Lee (2005), "Counting your customers the easy way".
    """
    p = _bg(params)
    x, tx, T = (np.asarray(v, dtype="float64") for v in (frequency, recency, T))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_odds = (np.log(p.a) - np.log(p.b + np.maximum(x, 1.0) - 1)
                    + (p.r + x) * (np.log(p.alpha + T) - np.log(p.alpha + tx)))
    return np.where(x > 0, special.expit(-log_odds), 1.0)


def expected_purchases(params, t, frequency, recency, T) -> np.ndarray:
    """Expected purchases of each customer in the next ``t`` periods, given their history.

    E[Y(t) | x, t_x, T] = (a + b + x − 1)/(a − 1) ·
    [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
    / (1 + [x > 0] · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))  (Fader, Hardie & Lee 2005),
    i.e. P(alive) times the purchases expected if alive. The latter is computed as the integral
    the closed form solves, by quadrature over the dropout probability (see
    ``_purchases_if_alive``): the hypergeometric function ₂F₁ overflows for large a or b,
    which real data produce. Non-negative and non-decreasing in ``t``.

    Parameters
    ----------
    params : BGNBDParams, FitResult or (r, alpha, a, b)
    t : float or array-like
        The horizon, in the time unit of the fit (broadcast against the customers: a column
        ``t[:, None]`` against customers gives one row per horizon).
    frequency, recency, T : array-like
        As in :func:`rfm_summary`.

    Returns
    -------
    ndarray

    Raises
    ------
    C360DataError
        The value cannot be computed with these parameters: never a silent NaN.
    ValueError
        A negative or infinite horizon.

    Examples
    --------
    >>> expected_purchases((0.5, 10.0, 0.8, 2.0), 30, [0, 3, 3], [0, 55, 5], [60, 60, 60]).round(3)
    array([0.197, 1.059, 0.03 ])

    Source: Fader, Hardie & Lee (2005), "Counting your customers the easy way".
    """
    p = _bg(params)
    t = np.asarray(t, dtype="float64")
    if np.any(~np.isfinite(t)) or np.any(t < 0):
        raise ValueError("the horizon t must be a finite number of at least 0")
    t, x, tx, T = np.broadcast_arrays(t, *(np.asarray(v, dtype="float64")
                                           for v in (frequency, recency, T)))
    shape = t.shape
    t, x, tx, T = (v.ravel() for v in (t, x, tx, T))
    alive_given = np.empty(len(t))
    for lo in range(0, len(t), _CHUNK):  # chunks bound the memory (not a loop per customer)
        part = slice(lo, lo + _CHUNK)
        alive_given[part] = _purchases_if_alive(p, t[part], x[part], T[part])
    with np.errstate(all="ignore"):
        out = alive_given * probability_alive(p, x, tx, T)
    if not np.all(np.isfinite(out)):
        raise C360DataError("rfm_summary", [Problem(
            "frequency", f"gives expected purchases that cannot be computed with {p}",
            "refit the model on a valid summary")])
    return np.maximum(out, 0.0).reshape(shape)


def _tanh_sinh(levels: int = 40, step: float = 0.1):
    """Nodes u, 1 − u and weights of the tanh-sinh (double exponential) rule on (0, 1)."""
    k = np.arange(-levels, levels + 1) * step
    s = 0.5 * np.pi * np.sinh(k)
    weights = 0.25 * step * np.pi * np.cosh(k) / np.cosh(s) ** 2
    return 0.5 * (1 + np.tanh(s)), 0.5 * (1 - np.tanh(s)), weights


_U, _U_UPPER, _W = _tanh_sinh()
_CHUNK = 20_000


def _purchases_if_alive(p: BGNBDParams, t, x, T) -> np.ndarray:
    """E[Y(t) | alive at T, x] = E[(1 − ((α+T)/(α+T+πt))^(r+x)) / π] over π ~ Beta(a, b+x).

    Integrated over the quantiles of the Beta distribution (π = F⁻¹(u), u uniform on (0, 1))
    with the tanh-sinh rule: exact to about 1e-8 for any a, b (the closed form with ₂F₁
    overflows when a or b is large, e.g. when every customer has nearly the same dropout).
    The Beta quantiles depend on x only: they are computed once per distinct frequency.
    """
    values, which = np.unique(x, return_inverse=True)
    with np.errstate(all="ignore"):
        lower = special.betaincinv(p.a, p.b + values[:, None], _U[None, :])
        upper = special.betainccinv(p.a, p.b + values[:, None], _U_UPPER[None, :])
    dropout = np.where(_U[None, :] < 0.5, lower, upper)[which]  # customers × nodes
    s = (t / (p.alpha + T))[:, None]
    k = (p.r + x)[:, None]
    with np.errstate(all="ignore"):
        g = np.where(dropout > 0, -np.expm1(-k * np.log1p(dropout * s))
                     / np.where(dropout > 0, dropout, 1.0), k * s)
    return g @ _W


# -- Gamma-Gamma ----------------------------------------------------------------------------------

def gamma_gamma_log_likelihood(params, frequency, monetary_value) -> np.ndarray:
    """The Gamma-Gamma log-likelihood of each customer's mean purchase value m over x purchases.

    f(m | p, q, v, x) = Γ(px+q) / (Γ(px) Γ(q)) · v^q · m^(px−1) · x^(px) / (v + m x)^(px+q)
    (Fader, Hardie & Lee 2005b; Fader & Hardie 2013), for x > 0 and m > 0.

    Examples
    --------
    >>> gamma_gamma_log_likelihood((6.0, 4.0, 15.0), [1, 3], [10.0, 12.0]).round(4).tolist()
    [-3.6211, -3.5662]

    Source: Fader & Hardie (2013), "The Gamma-Gamma model of monetary value".
    """
    g = _gg(params)
    x, m = np.asarray(frequency, dtype="float64"), np.asarray(monetary_value, dtype="float64")
    px = g.p * x
    return (special.gammaln(px + g.q) - special.gammaln(px) - special.gammaln(g.q)
            + g.q * np.log(g.v) + (px - 1) * np.log(m) + px * np.log(x)
            - (px + g.q) * np.log(g.v + m * x))


def _gg_nll(theta, x, m):
    p, q, v = np.exp(theta)
    with np.errstate(all="ignore"):
        ll = gamma_gamma_log_likelihood((p, q, v), x, m)
        psi = special.digamma
        px = p * x
        lvmx = np.log(v + m * x)
        dp = x * (psi(px + q) - psi(px) + np.log(m) + np.log(x) - lvmx)
        dq = psi(px + q) - psi(q) + np.log(v) - lvmx
        dv = q / v - (px + q) / (v + m * x)
        grad = -np.array([dp.mean() * p, dq.mean() * q, dv.mean() * v])
        value = -ll.mean()
    if not np.isfinite(value) or not np.all(np.isfinite(grad)):
        return 1e10, np.zeros(3)
    return value, grad


def fit_gamma_gamma(summary: pd.DataFrame, *, strict: bool = True,
                    max_iterations: int = MAX_ITERATIONS) -> FitResult:
    """Fit Gamma-Gamma (p, q, v) by maximum likelihood on the customers who bought again.

    Only customers with ``frequency > 0`` and a positive ``monetary_value`` carry information
    (a one-time buyer has no repeat purchase; a negative mean margin is outside the model).
    Values are rescaled by their mean during the fit (v and the log-likelihood are reported in
    the value's own unit). The model assumes the value of a customer's purchases does not
    depend on how often they buy: check that ``frequency`` and ``monetary_value`` are only
    weakly correlated.

    Parameters
    ----------
    summary : DataFrame
        ``frequency``, ``recency``, ``T``, ``monetary_value`` (:func:`rfm_summary`).
    strict : bool
        Raise when the fit does not converge (default); with False, return ``converged=False``.
    max_iterations : int
        The optimiser's iteration limit.

    Returns
    -------
    FitResult
        ``params`` is a :class:`GammaGammaParams`; ``n_customers`` counts the customers used.

    Raises
    ------
    C360DataError
        A bad summary (as :func:`fit_bgnbd`), fewer than two customers with a repeat purchase
        of positive value, or (``strict``) no convergence.

    Examples
    --------
    >>> s = simulate_summary(5_000, (0.5, 60.0, 0.8, 3.0), (6.0, 4.0, 150_000.0), seed=1)
    >>> fit = fit_gamma_gamma(s)
    >>> fit.converged, fit.n_customers == int(((s.frequency > 0) & (s.monetary_value > 0)).sum())
    (True, True)

    Source: Fader, Hardie & Lee (2005b), "RFM and CLV"; Fader & Hardie (2013).
    """
    v = _check_summary(summary, monetary=True)
    use = (v["frequency"] > 0) & (v["monetary_value"] > 0)
    if use.sum() < 2:
        raise C360DataError("rfm_summary", [Problem(
            "monetary_value", f"is positive with a repeat purchase for {int(use.sum())} "
            "customer(s): Gamma-Gamma needs at least two", "observe the customers for longer")])
    x, m = v["frequency"][use], v["monetary_value"][use]
    scale = float(m.mean())
    ms = m / scale
    theta0 = np.array([0.0, np.log(2.0), np.log(1.0)])
    res = _minimize(_gg_nll, theta0, (x, ms), [(-_LOG_BOUND, _LOG_BOUND)] * 3, max_iterations)
    p, q, vv = np.exp(res.x)
    params = GammaGammaParams(float(p), float(q), float(vv * scale))
    ll = float(gamma_gamma_log_likelihood(params, x, m).sum())
    return _result(res, params, ll, len(x), strict, "Gamma-Gamma",
                   "check the monetary values (one unit, repeat purchases only)")


def expected_spend(params, frequency, monetary_value) -> np.ndarray:
    """Expected value of a customer's future purchase, given x repeat purchases of mean m.

    E[M | p, q, v, x, m] = (v + m x) p / (p x + q − 1) — a credibility-weighted average
    w · m + (1 − w) · p v / (q − 1) with w = p x / (p x + q − 1): the population mean for a
    customer without repeat purchase, closer to the customer's own mean the more they bought.
    The same average is used for a mean of 0 or below (outside the model's support).

    Parameters
    ----------
    params : GammaGammaParams, FitResult or (p, q, v)
    frequency, monetary_value : array-like
        As in :func:`rfm_summary`.

    Raises
    ------
    C360DataError
        q ≤ 1: the population mean is infinite.

    Examples
    --------
    >>> expected_spend((6.0, 4.0, 15.0), [0, 1, 10], [0.0, 10.0, 40.0]).round(2)
    array([30.  , 16.67, 39.52])

    Source: Fader & Hardie (2013), "The Gamma-Gamma model of monetary value".
    """
    g = _gg(params)
    if g.q <= 1:
        raise C360DataError("rfm_summary", [Problem(
            "monetary_value", f"gives q = {g.q:.3g} ≤ 1: the mean purchase value is infinite",
            "refit on repeat purchases only, or without the extreme values")])
    x, m = np.asarray(frequency, dtype="float64"), np.asarray(monetary_value, dtype="float64")
    return (g.v + m * x) * g.p / (g.p * x + g.q - 1)


# -- predictive CLV -------------------------------------------------------------------------------

def predictive_clv(summary: pd.DataFrame, bg_params, gg_params, *, horizon_days: float = 365,
                   discount_rate_annual: float = DISCOUNT_RATE_ANNUAL,
                   step_days: float = STEP_DAYS, time_unit_days: float = 1) -> pd.DataFrame:
    """Predictive CLV: the discounted margin each customer is expected to bring in the horizon.

    CLV = E[spend] · Σₖ (E[Y(tₖ)] − E[Y(tₖ₋₁)]) / (1 + d)^(tₖ / 365): the horizon is cut into
    steps of ``step_days`` (the last one may be shorter); the purchases expected in a step
    (BG/NBD, :func:`expected_purchases`) are valued at the expected margin per purchase
    (Gamma-Gamma, :func:`expected_spend`) and discounted from the end of that step at the
    annual rate d. With d = 0 it is E[spend] · E[Y(horizon)].

    Parameters
    ----------
    summary : DataFrame
        :func:`rfm_summary` (e.g. :func:`rfm_from_clean`), in the time unit of the fits.
    bg_params, gg_params : FitResult or parameters
        From :func:`fit_bgnbd` and :func:`fit_gamma_gamma`.
    horizon_days : float
        How far ahead, in days (one year by default).
    discount_rate_annual : float
        The annual discount rate, a fraction (0.10 = 10 %); see :data:`DISCOUNT_RATE_ANNUAL`.
    step_days : float
        The length of one discounting step (30 days by default).
    time_unit_days : float
        Days in one time unit of the summary: 1 for ``freq="D"``, 7 for ``freq="W"``.

    Returns
    -------
    DataFrame
        Same index as ``summary``: ``customer_id`` (when the summary has one),
        ``probability_alive``, ``expected_purchases`` (in the horizon, undiscounted),
        ``expected_margin_vnd`` (per purchase, :func:`expected_spend`) and
        ``predictive_clv_vnd`` (rounded to whole VND; negative for a customer whose repeat
        purchases lose money so often that even the shrunk margin stays below 0).

    Raises
    ------
    C360DataError
        A bad summary (see :func:`fit_bgnbd`); q ≤ 1.
    ValueError
        A negative horizon or rate, a step or time unit that is not positive.

    Examples
    --------
    >>> s = pd.DataFrame({"customer_id": ["A", "B"], "frequency": [3, 0], "recency": [55, 0],
    ...                   "T": [60, 60], "monetary_value": [40.0, 0.0]})
    >>> out = predictive_clv(s, (0.5, 10.0, 0.8, 2.0), (6.0, 4.0, 15.0), horizon_days=30,
    ...                      discount_rate_annual=0.0)
    >>> out[["customer_id", "expected_purchases", "expected_margin_vnd", "predictive_clv_vnd"]]
      customer_id  expected_purchases  expected_margin_vnd  predictive_clv_vnd
    0           A            1.059254            38.571429                  41
    1           B            0.197352            30.000000                   6

    Source: 003 (CLV: the profit over the relationship); Fader, Hardie & Lee (2005a, 2005b).
    """
    for name, value, least in (("horizon_days", horizon_days, "at least 0"),
                               ("discount_rate_annual", discount_rate_annual, "at least 0"),
                               ("step_days", step_days, "positive"),
                               ("time_unit_days", time_unit_days, "positive")):
        if not np.isfinite(value) or value < 0 or (least == "positive" and value == 0):
            raise ValueError(f"{name} must be {least}, not {value}")
    v = _check_summary(summary, monetary=True)
    x, tx, T, m = v["frequency"], v["recency"], v["T"], v["monetary_value"]
    bg, gg = _bg(bg_params), _gg(gg_params)
    spend = expected_spend(gg, x, m)
    edges = np.arange(step_days, horizon_days, step_days, dtype="float64")
    edges = np.append(edges, float(horizon_days)) if horizon_days > 0 else np.zeros(1)
    # every step of the horizon at once (one row per step): the Beta quantiles are computed once
    cumulative = expected_purchases(bg, edges[:, None] / time_unit_days, x, tx, T)
    per_step = np.diff(cumulative, axis=0, prepend=0.0)
    value = ((1 + discount_rate_annual) ** -(edges / _DAYS_PER_YEAR)) @ per_step
    before = cumulative[-1]
    out = pd.DataFrame(index=summary.index)
    if "customer_id" in summary.columns:
        out["customer_id"] = summary["customer_id"]
    out["probability_alive"] = probability_alive(bg, x, tx, T)
    out["expected_purchases"] = before
    out["expected_margin_vnd"] = spend
    out["predictive_clv_vnd"] = np.round(spend * value).astype("int64")
    return out


# -- simulation -----------------------------------------------------------------------------------

def simulate_summary(n: int, bg_params, gg_params=None, *, T=None, seed: int = 0,
                     max_T: int = 730) -> pd.DataFrame:
    """A seeded RFM summary drawn from the BG/NBD (and Gamma-Gamma) process with known parameters.

    Each customer draws λ ~ Gamma(r, rate α) and p ~ Beta(a, b); the number of repeat purchases
    until they leave is Geometric(p) (they can leave right after each repeat purchase); the
    repeat purchases are a Poisson process of rate λ on (0, T]. The observed frequency is the
    smaller of the two counts, and the recency the time of the last observed purchase (the
    x-th of the Poisson process's n arrivals in (0, T] sits at T · Beta(x, n − x + 1)). With
    Gamma-Gamma parameters, each customer draws ν ~ Gamma(q, rate v) and x purchase values
    Gamma(p, rate ν): ``monetary_value`` is their mean (a sum of x is Gamma(p x, rate ν)).
    Times are continuous, in the unit of α. No loop over customers.

    Parameters
    ----------
    n : int
        Number of customers.
    bg_params : BGNBDParams or (r, alpha, a, b)
    gg_params : GammaGammaParams or (p, q, v), optional
        Without them, ``monetary_value`` is not simulated.
    T : float or array-like, optional
        Each customer's age at the end of the observation; by default uniform on (1, ``max_T``)
        (customers acquired over the observation).
    seed : int
        Seed of the random generator: the same seed gives the same summary.
    max_T : int
        The longest age when ``T`` is not given.

    Returns
    -------
    DataFrame
        ``customer_id`` (``S000001``…), ``frequency``, ``recency``, ``T`` (and
        ``monetary_value``, 0 without repeat purchases).

    Examples
    --------
    >>> s = simulate_summary(3, (0.5, 60.0, 0.8, 3.0), (6.0, 4.0, 150_000.0), T=365, seed=0)
    >>> list(s.columns), bool((s.recency <= s["T"]).all())
    (['customer_id', 'frequency', 'recency', 'T', 'monetary_value'], True)

    Source: Fader, Hardie & Lee (2005), the BG/NBD story; Fader & Hardie (2013).
    """
    bg = _bg(bg_params)
    rng = np.random.default_rng(seed)
    T = (rng.uniform(1.0, max_T, n) if T is None
         else np.broadcast_to(np.asarray(T, dtype="float64"), (n,)).copy())
    lam = rng.gamma(bg.r, 1.0 / bg.alpha, n)
    p = rng.beta(bg.a, bg.b, n)
    lifetime = rng.geometric(np.clip(p, 1e-12, 1.0))
    arrivals = rng.poisson(lam * T)
    x = np.minimum(lifetime, arrivals)
    has = x > 0
    tx = np.zeros(n)
    tx[has] = T[has] * rng.beta(x[has], arrivals[has] - x[has] + 1)
    out = pd.DataFrame({"customer_id": pd.array([f"S{i:06d}" for i in range(1, n + 1)],
                                                dtype="str"),
                        "frequency": x.astype("int64"), "recency": tx, "T": T})
    if gg_params is not None:
        gg = _gg(gg_params)
        nu = rng.gamma(gg.q, 1.0 / gg.v, n)
        total = np.zeros(n)
        total[has] = rng.gamma(gg.p * x[has], 1.0 / nu[has])
        out["monetary_value"] = np.where(has, total / np.maximum(x, 1), 0.0)
    return out
