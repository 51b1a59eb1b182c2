"""Step 6: validate the Customer 360 against real sales — who closes, what it costs, what works.

A Customer 360 that is never checked against sales becomes an "imagined persona" (001 §4.6,
"persona tưởng tượng"). The source's checks, one function each:

- **assumed vs actual target** — :func:`lead_table` (one row per lead or buyer: segment, lead
  source, size, closed?, revenue, margin), :func:`target_groups` (who closes and who earns the
  margin, by segment × lead source or any other columns) and :func:`assumed_vs_actual` (the
  group marketing *believes* in, :data:`ASSUMED_TARGET`, beside the groups that really earn the
  margin). The assumed target is a parameter: replace it with your own team's belief.
- **close rate by lead source** — :func:`source_economics`: leads, close rate, revenue and
  margin per lead, and cost per lead and per won customer (ads spend mapped onto lead sources by
  :data:`SPEND_TO_SOURCE`; referral costed at the rewards it paid).
- **does the lead score work?** — :func:`backtest_scores` scores, at past cut-off dates, the
  leads who were not yet customers (with ``profile.build_profile(clean, as_of=cutoff)``, so it
  sees only what was known then) and records who became a customer within a horizon;
  :func:`calibration` gives the close rate and lift of each band.
- **drop points per sales step** — :func:`drop_points`: where open deals stop (at the quote:
  positioning/offer; at the follow-up: negotiation and chasing).
- **objection-handling library** — :func:`objection_library`: lost deals' reasons tagged by
  barrier, with the playbook's message and offer and real example sentences.
- **quality lead** — :func:`deal_table` (every closed deal with the lead's firmographics and the
  deal's need, budget and timeframe), :func:`find_quality_rule` (a small, transparent greedy
  rule search), :func:`meets_rule` and :func:`rule_summary` (how many leads meet a rule, and
  how often they close compared with the rest).

Definitions used throughout:

- a **lead** is a person with a sales-CRM record (``crm_contacts``); the lead's **source** is the
  ``lead_source`` of their earliest CRM record that names one;
- a lead **closed** (became a customer) when they have at least one *completed* order;
- buyers who never had a CRM record (marketplace and walk-in buyers) are not leads: their lead
  source is :data:`NO_LEAD_RECORD`; they count in margin shares, never in close rates.

Source: 001 §4.6.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .contract import C360DataError, Problem
from .datasets import TODAY
from . import insight, journey
from .profitability import UNKNOWN_SEGMENT, _bad_rows, _need, customer_table

__all__ = [
    "ASSUMED_TARGET",
    "ASSUMED_TARGET_LABEL",
    "NO_LEAD_RECORD",
    "QUALITY_FIELDS",
    "SALES_STEPS",
    "SPEND_TO_SOURCE",
    "UNKNOWN_SOURCE",
    "BAND_ORDER",
    "DEFAULT_CUTOFFS",
    "DEFAULT_HORIZON_DAYS",
    "assumed_vs_actual",
    "backtest_scores",
    "calibration",
    "deal_table",
    "find_quality_rule",
    "lead_table",
    "objection_library",
    "meets_rule",
    "rule_path",
    "rule_summary",
    "rule_text",
    "sales_drop_points",
    "source_economics",
    "target_groups",
]

#: Marketing's belief about the ideal customer, as column → accepted values of
#: :func:`lead_table`: "young households from TikTok". Age is not in the sales data, so the
#: belief is tested on what is: the segment and the lead source. Replace it with your own.
ASSUMED_TARGET = {"segment": ("household",), "lead_source": ("tiktok_ads",)}
#: how the notebook names the assumed target
ASSUMED_TARGET_LABEL = "young households from TikTok ads"
#: the lead source of buyers who were never entered in the sales CRM
NO_LEAD_RECORD = "no_lead_record"
#: the lead source of leads whose CRM records never say where they came from (as in step 3)
UNKNOWN_SOURCE = journey.UNKNOWN_SOURCE
#: ads-account channel (``marketing_spend.channel``) → the CRM lead source its leads arrive as.
#: Zalo ads bring Zalo OA followers; Google search ads bring search visitors, whom the CRM
#: records as ``seo``. Lead sources with no channel here (seo without Google ads, showroom,
#: event) have no recorded spend: their cost is shown as missing, never as 0.
SPEND_TO_SOURCE = {"facebook_ads": "facebook_ads", "tiktok_ads": "tiktok_ads",
                   "zalo_ads": "zalo_oa", "google_ads": "seo"}
#: the lead source costed at the referral programme's rewards (``referrals.reward_vnd``)
REFERRAL_SOURCE = "referral"
#: the deal fields the quality-lead search may use: the source's criteria — industry/segment,
#: size (outlets, employees), need (product of interest), budget, decision timeframe — and the
#: lead source (known the day the lead arrives)
QUALITY_FIELDS = ("segment", "outlets", "employees", "product_interest", "budget_vnd",
                  "decision_timeframe", "lead_source")


# -- helpers ------------------------------------------------------------------------------------

def _table(clean: dict, name: str, columns) -> pd.DataFrame:
    """``clean[name]``, checked to hold ``columns``."""
    if name not in clean:
        raise C360DataError(name, [Problem("(table)", "is missing from the clean model",
                                           "pass the dict of datasets.load_clean()")])
    df = clean[name]
    _need(df, columns, name, "datasets.load_clean()")
    return df


def _rate(numerator, denominator) -> pd.Series:
    """numerator / denominator as float, NaN where the denominator is 0."""
    num = pd.Series(numerator, dtype="float64")
    den = pd.Series(denominator, dtype="float64")
    return num / den.where(den != 0)


def _per(amount: pd.Series, count: pd.Series) -> pd.Series:
    """Whole VND per unit (nullable Int64): <NA> when the count is 0 or the amount unknown."""
    value = pd.Series(amount, dtype="Float64") / pd.Series(count, dtype="Float64").where(
        pd.Series(count) != 0)
    return value.round().astype("Int64")


def _first_known(df: pd.DataFrame, column: str) -> pd.Series:
    """Per customer, the first non-blank value of ``column`` (``df`` sorted by time)."""
    s = df[column]
    if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
        s = s.mask(s.astype("str").str.strip() == "")
    keep = s.notna()
    return s[keep].groupby(df.loc[keep, "customer_id"], sort=False).first()


# -- who the leads and the buyers are --------------------------------------------------------------

def lead_table(clean: dict, *, as_of=TODAY) -> pd.DataFrame:
    """One row per lead or buyer known before ``as_of``: segment, source, size, closed, money.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model (``datasets.load_clean()``): ``customers``, ``crm_contacts``,
        ``shop_orders`` and ``order_lines``.
    as_of : Timestamp
        Only CRM records created and orders placed before it count.

    Returns
    -------
    DataFrame
        Sorted by ``customer_id``; one row per customer with a CRM record or an order before
        ``as_of``: ``customer_id``, ``segment``, ``lead_source`` (of the earliest CRM record
        naming one; :data:`UNKNOWN_SOURCE` if none does; :data:`NO_LEAD_RECORD` for buyers
        without a CRM record), ``outlets``, ``employees`` (first known, nullable),
        ``lead_date`` (first CRM record), ``is_lead`` (has a CRM record), ``closed`` (has a
        completed order), ``revenue_vnd``, ``gross_margin_vnd`` (step 1's, 0 without orders).

    Examples
    --------
    >>> clean = {
    ...     "customers": pd.DataFrame({"customer_id": ["C1", "C2", "C3"],
    ...                                "segment": ["cafe", "household", "household"]}),
    ...     "crm_contacts": pd.DataFrame({"customer_id": ["C1", "C2"],
    ...         "lead_source": ["referral", "tiktok_ads"], "outlets": [1, None],
    ...         "employees": [4, None], "created_date": pd.to_datetime(["2025-01-05"] * 2)}),
    ...     "shop_orders": pd.DataFrame({"order_id": ["O1", "O2"], "customer_id": ["C1", "C3"],
    ...         "order_time": pd.to_datetime(["2025-02-01", "2025-03-01"]),
    ...         "status": ["completed", "completed"], "discount_vnd": [0, 0],
    ...         "shipping_vnd": [0, 0]}),
    ...     "order_lines": pd.DataFrame({"order_id": ["O1", "O2"], "quantity": [1, 1],
    ...         "unit_price_vnd": [900_000, 100_000], "unit_cost_vnd": [500_000, 90_000]})}
    >>> lead_table(clean)[["customer_id", "lead_source", "is_lead", "closed", "gross_margin_vnd"]]
      customer_id     lead_source  is_lead  closed  gross_margin_vnd
    0          C1        referral     True    True            400000
    1          C2      tiktok_ads     True   False                 0
    2          C3  no_lead_record    False    True             10000

    Source: 001 §4.6 ("nhóm thực sự chốt": the people who actually close).
    """
    as_of = pd.Timestamp(as_of)
    _table(clean, "customers", ("customer_id", "segment"))
    crm = _table(clean, "crm_contacts", ("customer_id", "lead_source", "outlets", "employees",
                                         "created_date"))
    orders = _table(clean, "shop_orders", ("customer_id", "order_id", "order_time"))
    lines = _table(clean, "order_lines", ("order_id",))

    crm = crm[(crm["created_date"] < as_of) & crm["customer_id"].notna()]
    crm = crm.sort_values(["created_date", "customer_id"], kind="stable")
    orders = orders[orders["order_time"] < as_of]
    lines = lines[lines["order_id"].isin(orders["order_id"])]
    money = customer_table(orders, lines).set_index("customer_id")
    # segment and first-touch lead source: step 3's, so every step names them alike
    parts = {k: clean[k] for k in ("customers", "crm_contacts") if k in clean}
    stages = journey.customer_stages(parts, as_of=as_of).set_index("customer_id")

    ids = pd.Index(crm["customer_id"].unique()).union(money.index).sort_values()
    out = pd.DataFrame(index=ids)
    out.index.name = "customer_id"
    out["segment"] = out.index.map(stages["segment"]).fillna(UNKNOWN_SEGMENT).astype("str")
    is_lead = out.index.isin(crm["customer_id"])
    source = pd.Series(out.index.map(stages["lead_source"]), index=ids).fillna(UNKNOWN_SOURCE)
    out["lead_source"] = source.where(is_lead, NO_LEAD_RECORD).astype("str")
    for col in ("outlets", "employees"):
        out[col] = out.index.map(_first_known(crm, col)).astype("Int64")
    out["lead_date"] = out.index.map(crm.groupby("customer_id")["created_date"].min())
    out["is_lead"] = is_lead
    completed = money["completed_orders"] if len(money) else pd.Series(dtype="int64")
    out["closed"] = out.index.map(completed).fillna(0).to_numpy() > 0
    for col in ("revenue_vnd", "gross_margin_vnd"):
        out[col] = out.index.map(money[col]).fillna(0).astype("int64") if len(money) else 0
    return out.reset_index()


def _match(leads: pd.DataFrame, target: dict) -> pd.Series:
    """True for the rows of ``leads`` inside ``target`` (column → accepted values)."""
    _need(leads, list(target), "lead table", "validation.lead_table(clean)")
    inside = pd.Series(True, index=leads.index)
    for column, values in target.items():
        values = (values,) if isinstance(values, str) else tuple(values)
        inside &= leads[column].isin(values)
    return inside


_MONEY = ("revenue_vnd", "gross_margin_vnd")


def target_groups(leads: pd.DataFrame, *, by=("segment", "lead_source"),
                  assumed: dict | None = None) -> pd.DataFrame:
    """Who closes and who earns the margin, per group (segment × lead source by default).

    Parameters
    ----------
    leads : DataFrame
        The output of :func:`lead_table`.
    by : sequence of str
        The columns that define a group.
    assumed : dict, optional
        The assumed target (column → accepted values); :data:`ASSUMED_TARGET` by default. A
        group is marked ``assumed`` when all its rows are inside it.

    Returns
    -------
    DataFrame
        One row per group, the largest gross margin first: the ``by`` columns, ``group`` (their
        values joined by " / "), ``leads``, ``customers`` (closed, leads or not),
        ``close_rate`` (closed leads / leads; NaN for a group without leads, such as
        :data:`NO_LEAD_RECORD`), ``revenue_vnd``, ``gross_margin_vnd``, ``margin_share`` (of
        everyone's margin), ``margin_per_lead_vnd`` (<NA> without leads), ``assumed``.

    Examples
    --------
    >>> leads = pd.DataFrame({"segment": ["cafe", "cafe", "household", "household"],
    ...     "lead_source": ["referral", "referral", "tiktok_ads", "tiktok_ads"],
    ...     "is_lead": [True] * 4, "closed": [True, True, True, False],
    ...     "revenue_vnd": [900, 700, 100, 0], "gross_margin_vnd": [400, 300, 100, 0]})
    >>> target_groups(leads)[["group", "leads", "close_rate", "margin_share", "assumed"]]
                       group  leads  close_rate  margin_share  assumed
    0        cafe / referral      2         1.0         0.875    False
    1  household / tiktok_ads      2         0.5         0.125     True

    Source: 001 §4.6 (compare the assumed target with the group that actually closes).
    """
    by = [by] if isinstance(by, str) else list(by)
    assumed = ASSUMED_TARGET if assumed is None else assumed
    _need(leads, [*by, "is_lead", "closed", *_MONEY], "lead table",
          "validation.lead_table(clean)")
    inside = _match(leads, assumed)
    frame = leads.assign(_lead_closed=leads["closed"] & leads["is_lead"], _inside=inside)
    g = frame.groupby(by, sort=True, dropna=False).agg(
        leads=("is_lead", "sum"), customers=("closed", "sum"),
        lead_customers=("_lead_closed", "sum"), revenue_vnd=("revenue_vnd", "sum"),
        gross_margin_vnd=("gross_margin_vnd", "sum"), assumed=("_inside", "all"))
    g = g.astype({c: "int64" for c in ("leads", "customers", "lead_customers", *_MONEY)})
    g["close_rate"] = _rate(g.pop("lead_customers"), g["leads"])
    total = g["gross_margin_vnd"].sum()
    g["margin_share"] = g["gross_margin_vnd"] / total if total else 0.0
    g["margin_per_lead_vnd"] = _per(g["gross_margin_vnd"], g["leads"])
    g = g.reset_index()
    g["group"] = g[by].astype("str").agg(" / ".join, axis=1)
    g = g.sort_values(["gross_margin_vnd", "group"], ascending=[False, True], kind="stable")
    return g[[*by, "group", "leads", "customers", "close_rate", "revenue_vnd", "gross_margin_vnd",
              "margin_share", "margin_per_lead_vnd", "assumed"]].reset_index(drop=True)


def assumed_vs_actual(groups: pd.DataFrame, *, top: int = 2) -> pd.DataFrame:
    """The assumed target beside the groups that really earn the most margin.

    Parameters
    ----------
    groups : DataFrame
        The output of :func:`target_groups` (groups with at least one lead count as candidates
        for the actual target: a target is someone marketing can reach as a lead).
    top : int
        How many of the best-earning groups make the actual target.

    Returns
    -------
    DataFrame
        Two rows, ``target`` = ``"assumed"`` and ``"actual"``: ``groups`` (the groups' names,
        joined by "; "), ``leads``, ``customers``, ``close_rate``, ``gross_margin_vnd``,
        ``margin_share``, ``margin_per_lead_vnd``, and ``overlap`` (True when the two share a
        group: the belief is at least partly right).

    Raises
    ------
    C360DataError
        No group is marked ``assumed`` (the assumed target matches nobody in the data).

    Examples
    --------
    >>> groups = pd.DataFrame({"group": ["cafe / referral", "cafe / zalo_oa",
    ...     "household / tiktok_ads"], "leads": [2, 4, 10], "customers": [2, 2, 1],
    ...     "gross_margin_vnd": [700, 200, 100], "assumed": [False, False, True]})
    >>> assumed_vs_actual(groups)[["target", "groups", "close_rate", "margin_share"]]
        target                           groups  close_rate  margin_share
    0  assumed           household / tiktok_ads    0.100000           0.1
    1   actual  cafe / referral; cafe / zalo_oa    0.666667           0.9

    Source: 001 §4.6 ("nếu lệch, cần điều chỉnh phân khúc hoặc thông điệp").
    """
    _need(groups, ("group", "leads", "customers", "gross_margin_vnd", "assumed"),
          "target groups", "validation.target_groups(leads)")
    if not groups["assumed"].any():
        raise C360DataError("target groups", [Problem(
            "assumed", "marks no group: the assumed target matches nobody",
            "check the values of the assumed target against the lead table's columns")])
    total = groups["gross_margin_vnd"].sum()
    best = groups[groups["leads"] > 0].sort_values(
        ["gross_margin_vnd", "group"], ascending=[False, True], kind="stable").head(top)
    rows = []
    for name, part in (("assumed", groups[groups["assumed"]]), ("actual", best)):
        leads = int(part["leads"].sum())
        closed = int(part["customers"].sum())
        margin = int(part["gross_margin_vnd"].sum())
        rows.append({"target": name, "groups": "; ".join(part["group"]), "leads": leads,
                     "customers": closed, "close_rate": closed / leads if leads else np.nan,
                     "gross_margin_vnd": margin, "margin_share": margin / total if total else 0.0,
                     "margin_per_lead_vnd": round(margin / leads) if leads else pd.NA})
    out = pd.DataFrame(rows)
    out["margin_per_lead_vnd"] = out["margin_per_lead_vnd"].astype("Int64")
    out["overlap"] = bool(set(best["group"]) & set(groups.loc[groups["assumed"], "group"]))
    return out


# -- close rate, revenue and cost per lead source -------------------------------------------------

def source_economics(leads: pd.DataFrame, spend: pd.DataFrame, referrals: pd.DataFrame, *,
                     mapping: dict | None = None, since=None, until=TODAY) -> pd.DataFrame:
    """Close rate, revenue and margin per lead, and cost per lead and per won customer, by source.

    Costs come from two exports. Ads spend (``marketing_spend``, month × channel) goes to the
    lead source ``mapping`` names for its channel (:data:`SPEND_TO_SOURCE`); a channel the
    mapping does not name is an error, never silently dropped. The ``referral`` source costs
    the rewards the referral programme paid (``referrals.reward_vnd``). Every other source has
    no recorded spend: its ``cost_vnd`` is <NA> (not 0 — staff time, content and the showroom
    are real costs the exports do not hold) and ``cost_basis`` says so.

    Parameters
    ----------
    leads : DataFrame
        The output of :func:`lead_table` (only rows with ``is_lead`` count).
    spend : DataFrame
        ``marketing_spend``: ``month``, ``channel``, ``spend_vnd``.
    referrals : DataFrame
        ``referrals``: ``referral_date``, ``reward_vnd`` (blank = no reward).
    mapping : dict, optional
        Spend channel → lead source; :data:`SPEND_TO_SOURCE` by default.
    since, until : Timestamp, optional
        The window: leads first recorded, spend months and referral dates in
        ``[since, until)`` count (``since=None``: from the beginning).

    Returns
    -------
    DataFrame
        One row per lead source that has leads or cost, most leads first: ``lead_source``,
        ``leads``, ``won`` (leads who became customers), ``close_rate``, ``revenue_vnd``,
        ``revenue_per_lead_vnd``, ``gross_margin_vnd``, ``margin_per_lead_vnd``, ``cost_vnd``,
        ``cost_per_lead_vnd``, ``cost_per_won_vnd`` and ``cost_basis`` (text). A ratio whose
        denominator is 0 (a source with spend but no lead, or no won customer) is <NA> and
        ``cost_basis`` names the reason; ``close_rate`` is NaN only for a source without leads.

    Raises
    ------
    C360DataError
        A spend channel the mapping does not name, or a missing column.

    Examples
    --------
    >>> leads = pd.DataFrame({"lead_source": ["facebook_ads"] * 4 + ["referral"] * 2,
    ...     "is_lead": True, "lead_date": pd.Timestamp("2025-03-01"),
    ...     "closed": [True, False, False, False, True, True],
    ...     "revenue_vnd": [400_000, 0, 0, 0, 600_000, 900_000],
    ...     "gross_margin_vnd": [100_000, 0, 0, 0, 300_000, 400_000]})
    >>> spend = pd.DataFrame({"month": pd.to_datetime(["2025-03-01", "2025-03-01"]),
    ...     "channel": ["facebook_ads", "tiktok_ads"], "spend_vnd": [2_000_000, 500_000]})
    >>> referrals = pd.DataFrame({"referral_date": pd.to_datetime(["2025-03-02"] * 2),
    ...     "reward_vnd": [200_000, 0]})
    >>> e = source_economics(leads, spend, referrals)
    >>> e[["lead_source", "leads", "won", "close_rate", "revenue_per_lead_vnd"]]
        lead_source  leads  won  close_rate  revenue_per_lead_vnd
    0  facebook_ads      4    1        0.25                100000
    1      referral      2    2        1.00                750000
    2    tiktok_ads      0    0         NaN                  <NA>
    >>> e[["lead_source", "cost_vnd", "cost_per_won_vnd", "cost_basis"]]
        lead_source  cost_vnd  cost_per_won_vnd                      cost_basis
    0  facebook_ads   2000000           2000000       ads spend (facebook_ads)
    1      referral    200000            100000                referral rewards
    2    tiktok_ads    500000              <NA>  ads spend (tiktok_ads); no lead

    Source: 001 §4.6 (close rate by lead source, "để phân bổ ngân sách đúng, tránh nuôi kênh
    tạo lead ảo").
    """
    mapping = SPEND_TO_SOURCE if mapping is None else dict(mapping)
    _need(leads, ("lead_source", "is_lead", "lead_date", "closed", *_MONEY), "lead table",
          "validation.lead_table(clean)")
    _need(spend, ("month", "channel", "spend_vnd"), "marketing_spend", "datasets.load_clean()")
    _need(referrals, ("referral_date", "reward_vnd"), "referrals", "datasets.load_clean()")
    unknown = ~spend["channel"].isin(list(mapping))
    if unknown.any():
        raise C360DataError("marketing_spend", [_bad_rows(
            spend, unknown, "channel", "has channels the spend mapping does not name",
            "add each channel to the mapping (channel → the lead source its leads arrive as)")])
    until = pd.Timestamp(until)
    since = pd.Timestamp.min if since is None else pd.Timestamp(since)

    lead = leads[leads["is_lead"] & (leads["lead_date"] >= since) & (leads["lead_date"] < until)]
    lead = lead.assign(_won=lead["closed"].astype(bool))
    g = lead.groupby("lead_source", sort=True).agg(
        leads=("_won", "size"), won=("_won", "sum"), revenue_vnd=("revenue_vnd", "sum"),
        gross_margin_vnd=("gross_margin_vnd", "sum"))

    s = spend[(spend["month"] >= since) & (spend["month"] < until)]
    paid = pd.to_numeric(s["spend_vnd"]).fillna(0).groupby(s["channel"].map(mapping)).sum()
    channels = s.groupby(s["channel"].map(mapping))["channel"].agg(
        lambda c: ", ".join(sorted(c.unique())))
    r = referrals[(referrals["referral_date"] >= since) & (referrals["referral_date"] < until)]
    rewards = int(pd.to_numeric(r["reward_vnd"]).fillna(0).sum())

    sources = g.index.union(paid.index)
    if len(r):
        sources = sources.union([REFERRAL_SOURCE])
    g = g.reindex(sources).fillna(0).astype("int64")
    cost = pd.Series(pd.NA, index=sources, dtype="Int64")
    basis = pd.Series("no spend recorded", index=sources, dtype="object")
    for source, amount in paid.items():
        cost[source] = int(amount)
        basis[source] = f"ads spend ({channels[source]})"
    if REFERRAL_SOURCE in sources and len(r):
        cost[REFERRAL_SOURCE] = (0 if pd.isna(cost[REFERRAL_SOURCE])
                                 else cost[REFERRAL_SOURCE]) + rewards
        basis[REFERRAL_SOURCE] = ("referral rewards" if REFERRAL_SOURCE not in paid.index
                                  else basis[REFERRAL_SOURCE] + " + referral rewards")
    costed = cost.notna()
    basis = basis.where(~(costed & (g["leads"] == 0)), basis + "; no lead")
    basis = basis.where(~(costed & (g["leads"] > 0) & (g["won"] == 0)), basis + "; no won customer")

    out = pd.DataFrame({
        "leads": g["leads"], "won": g["won"], "close_rate": _rate(g["won"], g["leads"]).to_numpy(),
        "revenue_vnd": g["revenue_vnd"], "revenue_per_lead_vnd": _per(g["revenue_vnd"], g["leads"]),
        "gross_margin_vnd": g["gross_margin_vnd"],
        "margin_per_lead_vnd": _per(g["gross_margin_vnd"], g["leads"]),
        "cost_vnd": cost, "cost_per_lead_vnd": _per(cost, g["leads"]),
        "cost_per_won_vnd": _per(cost, g["won"]), "cost_basis": basis.astype("str")},
        index=sources)
    out.index.name = "lead_source"
    out = out.reset_index().sort_values(["leads", "lead_source"], ascending=[False, True],
                                        kind="stable")
    return out.reset_index(drop=True)


# -- does the lead score predict who buys? ---------------------------------------------------------

#: the back-test's cut-off dates: every quarter whose horizon still ends inside the data
DEFAULT_CUTOFFS = ("2024-07-01", "2024-10-01", "2025-01-01", "2025-04-01", "2025-07-01",
                   "2025-10-01")
#: days after a cut-off in which a lead must buy to count as converted
DEFAULT_HORIZON_DAYS = 90
BAND_ORDER = ("hot", "warm", "cold")


def backtest_scores(clean: dict, *, cutoffs=DEFAULT_CUTOFFS,
                    horizon_days: int = DEFAULT_HORIZON_DAYS, as_of=TODAY,
                    weights: dict | None = None) -> pd.DataFrame:
    """Score past leads with what was known then, and see who bought within the horizon.

    For each cut-off date, step 5's back-test (``profile.backtest``) builds the profile from the
    records before the cut-off only — no leakage from the future — keeps the leads who were not
    yet customers, and marks those with a completed order in ``[cutoff, cutoff + horizon)``. A
    lead who stays a non-customer appears once per cut-off (as the same lead would in real
    monthly scoring).

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model.
    cutoffs : sequence of dates
        When to score (:data:`DEFAULT_CUTOFFS`).
    horizon_days : int
        How long after a cut-off a purchase counts.
    as_of : Timestamp
        The end of the data: every horizon must end by then.
    weights : dict, optional
        The score's points (``profile.DEFAULT_WEIGHTS`` by default).

    Returns
    -------
    DataFrame
        One row per (cut-off, lead): ``cutoff``, ``customer_id``, ``segment``,
        ``lead_source``, ``lead_score``, ``band``, ``became_customer``.

    Raises
    ------
    ValueError
        A horizon that ends after ``as_of`` (the outcome would be cut short), or no cut-off.

    Source: 001 §4.6 (check the profile against real sales), §4.5 (the lead score).
    """
    from . import profile  # step 5 imports heavier modules; load it only when back-testing

    as_of = pd.Timestamp(as_of)
    cutoffs = [pd.Timestamp(c) for c in cutoffs]
    horizon = pd.Timedelta(days=int(horizon_days))
    if not cutoffs:
        raise ValueError("give at least one cut-off date")
    late = [str(c.date()) for c in cutoffs if c + horizon > as_of]
    if late:
        raise ValueError(f"the horizon of {int(horizon_days)} days after {', '.join(late)} ends "
                         f"after the data ({as_of.date()}): use earlier cut-offs or a shorter "
                         "horizon")
    parts = []
    for cutoff in cutoffs:
        b = profile.backtest(clean, cutoff=cutoff, until=cutoff + horizon, weights=weights)
        parts.append(pd.DataFrame({
            "cutoff": cutoff, "customer_id": b["customer_id"].to_numpy(),
            "segment": b["segment"].to_numpy(), "lead_source": b["lead_source"].to_numpy(),
            "lead_score": b["lead_score"].to_numpy(dtype="int64"),
            "band": b["band"].astype("str").to_numpy(),
            "became_customer": b["became_customer"].to_numpy(dtype=bool)}))
    return pd.concat(parts, ignore_index=True)


def calibration(scored: pd.DataFrame, *, by: str = "band") -> pd.DataFrame:
    """Close rate and lift of each score band: do hot leads really buy more often?

    Parameters
    ----------
    scored : DataFrame
        The output of :func:`backtest_scores` (or any table with ``by`` and a boolean
        ``became_customer``).
    by : str
        The column to group by: ``"band"`` (hot, warm, cold, in that order) or any other, e.g.
        ``"lead_score"`` (sorted).

    Returns
    -------
    DataFrame
        One row per group: ``by``, ``leads``, ``became_customer``, ``close_rate``, ``lift``
        (close rate ÷ the close rate of all leads: 2.0 = twice as likely as an average lead)
        and ``share_of_customers`` (of all who became customers, the share this group holds).

    Raises
    ------
    C360DataError
        No leads, or no lead became a customer (a lift needs a base rate above 0).

    Examples
    --------
    >>> scored = pd.DataFrame({"band": ["hot", "hot", "warm", "warm", "cold", "cold",
    ...                                 "cold", "cold"],
    ...     "became_customer": [True, True, True, False, False, False, False, True]})
    >>> calibration(scored)
       band  leads  became_customer  close_rate  lift  share_of_customers
    0   hot      2                2        1.00   2.0                0.50
    1  warm      2                1        0.50   1.0                0.25
    2  cold      4                1        0.25   0.5                0.25

    Source: 001 §4.6 ("dựa vào chốt đơn, tỷ lệ chuyển đổi"), §4.5 (nóng/ấm/lạnh).
    """
    _need(scored, (by, "became_customer"), "back-test", "validation.backtest_scores(clean)")
    won = scored["became_customer"].astype(bool)
    if len(scored) == 0 or not won.any():
        raise C360DataError("back-test", [Problem(
            "became_customer", "has no lead who became a customer: no base rate for a lift",
            "use more or earlier cut-offs, or a longer horizon")])
    g = won.groupby(scored[by], sort=True).agg(["size", "sum"])
    if by == "band":
        g = g.reindex([b for b in BAND_ORDER if b in g.index]
                      + [b for b in g.index if b not in BAND_ORDER])
    out = pd.DataFrame({by: g.index, "leads": g["size"].to_numpy(dtype="int64"),
                        "became_customer": g["sum"].to_numpy(dtype="int64")})
    out["close_rate"] = out["became_customer"] / out["leads"]
    out["lift"] = out["close_rate"] / won.mean()
    out["share_of_customers"] = out["became_customer"] / int(won.sum())
    return out


# -- where deals drop, and why they are lost ------------------------------------------------------

#: what each step of the pipeline tests, and where to look when it leaks (001 §4.6: "khách rơi ở
#: bước báo giá hay bước follow-up? Nếu rơi ở báo giá, vấn đề có thể nằm ở định vị/offer")
SALES_STEPS = {
    "consultation": ("first response", "reply fast and book the consultation (the response SLA)"),
    "quote": ("consultation", "the consultation script: find the pain, the budget, the timeframe"),
    "negotiation": ("quote", "positioning and the offer: price, package, proof of value"),
    "won": ("follow-up", "the follow-up script: chase, answer objections, make closing easy"),
}


def sales_drop_points(deals: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Where deals drop, step by step, and which sales script each step tests.

    The pipeline funnel is step 3's (``journey.pipeline_funnel``); this adds, for every step,
    the script it tests (:data:`SALES_STEPS`: a drop *at the quote* points to positioning and
    the offer, a drop *at the follow-up* to chasing and objection handling), each step's share
    of all lost deals, and marks the biggest leak (``journey.biggest_leak``).

    Parameters
    ----------
    deals : DataFrame
        CRM deals (``stage`` and the stage dates), plus ``by`` when given.
    by : str, optional
        A column to split by (e.g. ``"segment"`` of :func:`deal_table` joined in).

    Returns
    -------
    DataFrame
        One row per step (and group): ``by``, ``from_stage``, ``stage``, ``reached``,
        ``step_conversion``, ``lost``, ``lost_share`` (of the deals lost on all steps of the
        group), ``script``, ``what_to_check`` and ``biggest_leak`` (bool, per group).

    Examples
    --------
    >>> d = pd.DataFrame({"stage": ["won", "lost", "lost", "lost"],
    ...     "inquiry_date": pd.to_datetime(["2025-01-01"] * 4),
    ...     "consultation_date": pd.to_datetime(["2025-01-02"] * 4),
    ...     "quote_date": pd.to_datetime(["2025-01-05"] * 3 + [None]),
    ...     "negotiation_date": pd.to_datetime(["2025-01-09", "2025-01-09", None, None])})
    >>> sales_drop_points(d)[["stage", "reached", "lost", "script", "biggest_leak"]]
              stage  reached  lost          script  biggest_leak
    0  consultation        4     0  first response         False
    1         quote        3     1    consultation         False
    2   negotiation        2     1           quote         False
    3           won        1     1       follow-up          True

    Source: 001 §4.6 (drop points per sales script: quote or follow-up).
    """
    table = journey.pipeline_funnel(deals, by=by)
    table = table[table["from_stage"].notna()].copy()
    table["stage"] = table["stage"].astype("str")
    keys = [by] if by else []
    total = (table.groupby(by, sort=False)["lost"].transform("sum") if by
             else pd.Series(table["lost"].sum(), index=table.index))
    table["lost_share"] = (table["lost"] / total.where(total > 0)).astype("float64")
    table["script"] = table["stage"].map({k: v[0] for k, v in SALES_STEPS.items()})
    table["what_to_check"] = table["stage"].map({k: v[1] for k, v in SALES_STEPS.items()})
    worst = journey.biggest_leak(table, per_group=bool(by))
    if by:
        flag = pd.MultiIndex.from_frame(table[[by, "stage"]]).isin(
            pd.MultiIndex.from_frame(worst[[by, "stage"]].astype({"stage": "str"})))
    else:
        flag = (table["stage"] == str(worst["stage"])).to_numpy()
    table["biggest_leak"] = flag
    columns = [*keys, "from_stage", "stage", "reached", "step_conversion", "lost", "lost_share",
               "script", "what_to_check", "biggest_leak"]
    return table[columns].reset_index(drop=True)


def objection_library(clean: dict, *, as_of=TODAY, examples: int = 3,
                      taxonomy: pd.DataFrame | None = None) -> pd.DataFrame:
    """Lost deals grouped by the barrier their reason names, with the answer to each objection.

    Every lost deal's reason (``deals.lost_reason``, the customer's words) is tagged by step 4
    (``insight.tag_texts``) and placed under its main barrier (``insight.main_tags``); the
    playbook (``insight.playbook``) adds the message and the offer that answer it, and real
    sentences show what customers actually say. Lost deals whose reason names no barrier are
    kept as ``"untagged"`` (read them: they may need a new keyword), never dropped.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model: ``deals`` (with ``customer_id``) and ``customers`` (``segment``).
    as_of : Timestamp
        Deals lost before it count.
    examples : int
        How many distinct example sentences to keep per barrier (the most frequent first).
    taxonomy : DataFrame, optional
        Step 4's taxonomy (``insight.load_taxonomy``); the shipped one by default.

    Returns
    -------
    DataFrame
        One row per barrier, most lost deals first: ``barrier``, ``label_en``, ``label_vi``,
        ``lost_deals``, ``share`` (of all lost deals), ``main_segment`` and
        ``main_segment_share`` (the segment most of these deals come from, and its share of
        them), ``message_en``, ``offer_en``, ``message_vi``, ``offer_vi`` and ``examples``
        (sentences joined by " | ").

    Source: 001 §4.6 ("phân tích lý do mất deal theo nhóm rào cản ... tạo thư viện xử lý từ
    chối"), §4.4 (barrier → message → offer).
    """
    as_of = pd.Timestamp(as_of)
    deals = _table(clean, "deals", ("deal_id", "customer_id", "stage", "lost_reason",
                                    "closed_date"))
    customers = _table(clean, "customers", ("customer_id", "segment"))
    lost = deals[(deals["stage"] == "lost") & (deals["closed_date"] < as_of)]
    lost = lost.assign(deal_id=lost["deal_id"].astype("str"))
    tags = insight.tag_texts({"deals": lost}, taxonomy=taxonomy,
                             columns=[("deals", "lost_reason", "deal_id")])
    main = insight.main_tags(tags, groups=["barrier"]).reset_index()
    barrier = lost["deal_id"].map(main.set_index("record_id")["tag"]).fillna("untagged")
    segment = lost["customer_id"].map(customers.set_index("customer_id")["segment"])
    frame = pd.DataFrame({"barrier": barrier.to_numpy(),
                          "segment": segment.fillna(UNKNOWN_SEGMENT).astype("str").to_numpy(),
                          "reason": lost["lost_reason"].astype("str").str.strip().to_numpy()})
    frame.loc[lost["lost_reason"].isna().to_numpy(), "reason"] = ""

    book = insight.playbook(taxonomy)
    order = {b: i for i, b in enumerate(book.index)}
    rows = []
    for name, part in frame.groupby("barrier", sort=False):
        seg = part["segment"].value_counts()
        seg = seg.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
        said = part.loc[part["reason"] != "", "reason"].value_counts()
        said = said.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
        rows.append({"barrier": name, "lost_deals": len(part),
                     "main_segment": seg.index[0], "main_segment_share": seg.iloc[0] / len(part),
                     "examples": " | ".join(said.index[:examples])})
    out = pd.DataFrame(rows, columns=["barrier", "lost_deals", "main_segment",
                                      "main_segment_share", "examples"])
    out.insert(2, "share", out["lost_deals"] / len(frame) if len(frame) else 0.0)
    out = out.join(book[["label_en", "label_vi", "message_en", "offer_en", "message_vi",
                         "offer_vi"]], on="barrier")
    out["_order"] = out["barrier"].map(order).fillna(len(order))
    out = out.sort_values(["lost_deals", "_order"], ascending=[False, True], kind="stable")
    columns = ["barrier", "label_en", "label_vi", "lost_deals", "share", "main_segment",
               "main_segment_share", "message_en", "offer_en", "message_vi", "offer_vi",
               "examples"]
    return out[columns].reset_index(drop=True)


# -- the quality lead -----------------------------------------------------------------------------

_OPS = ("in", "<=", ">=")


def deal_table(clean: dict, *, as_of=TODAY, leads: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every deal closed (won or lost) before ``as_of``, with the lead's firmographics.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model: ``deals`` and what :func:`lead_table` reads.
    as_of : Timestamp
        Deals closed before it count; open deals have no outcome yet and are left out.
    leads : DataFrame, optional
        The output of :func:`lead_table` (computed when not given).

    Returns
    -------
    DataFrame
        One row per closed deal, sorted by ``deal_id``: ``deal_id``, ``customer_id``,
        ``segment``, ``lead_source``, ``outlets``, ``employees`` (the lead's), the deal's
        ``product_interest`` (the need), ``budget_vnd``, ``decision_timeframe``, ``value_vnd``
        and ``won`` (bool).

    Source: 001 §4.6 (the quality-lead criteria: "ngành, quy mô, nhu cầu, ngân sách,
    timeframe").
    """
    as_of = pd.Timestamp(as_of)
    deals = _table(clean, "deals", ("deal_id", "customer_id", "stage", "product_interest",
                                    "value", "budget_vnd", "decision_timeframe", "closed_date"))
    leads = lead_table(clean, as_of=as_of) if leads is None else leads
    _need(leads, ("customer_id", "segment", "lead_source", "outlets", "employees"), "lead table",
          "validation.lead_table(clean)")
    done = deals["stage"].isin(("won", "lost")) & (deals["closed_date"] < as_of)
    d = deals[done].sort_values("deal_id", kind="stable")
    firm = leads.set_index("customer_id")[["segment", "lead_source", "outlets", "employees"]]
    out = pd.DataFrame({"deal_id": d["deal_id"].to_numpy(),
                        "customer_id": d["customer_id"].to_numpy()})
    out = out.join(firm, on="customer_id")
    out["segment"] = out["segment"].fillna("unknown")
    out["lead_source"] = out["lead_source"].fillna(UNKNOWN_SOURCE)
    out["product_interest"] = d["product_interest"].fillna("unknown").to_numpy()
    out["budget_vnd"] = pd.array(d["budget_vnd"].to_numpy(), dtype="Int64")
    out["decision_timeframe"] = d["decision_timeframe"].fillna("unknown").to_numpy()
    out["value_vnd"] = pd.array(d["value"].to_numpy(), dtype="Int64")
    out["won"] = (d["stage"] == "won").to_numpy()
    return out


def _condition_mask(deals: pd.DataFrame, condition) -> pd.Series:
    field, op, value = condition
    if op not in _OPS:
        raise ValueError(f"unknown operator {op!r} in {condition!r}: use one of {_OPS}")
    s = deals[field]
    if op == "in":
        values = (value,) if isinstance(value, str) else tuple(value)
        return s.isin(values).fillna(False).astype(bool)
    number = pd.to_numeric(s).astype("Float64")
    hit = number <= value if op == "<=" else number >= value
    return hit.fillna(False).astype(bool)


def meets_rule(deals: pd.DataFrame, rule) -> pd.Series:
    """True for the deals (or leads) that meet every condition of ``rule``.

    A rule is a sequence of conditions ``(field, op, value)``: ``op`` is ``"in"`` (``value`` a
    tuple of accepted values), ``"<="`` or ``">="`` (``value`` a number; a missing number
    never meets it). The empty rule is met by everyone.

    Examples
    --------
    >>> deals = pd.DataFrame({"segment": ["cafe", "cafe", "office"], "outlets": [1, 5, None]})
    >>> meets_rule(deals, [("segment", "in", ("cafe",)), ("outlets", "<=", 2)]).tolist()
    [True, False, False]

    Source: 001 §4.6 (lead chất lượng là lead đáp ứng tiêu chí nào).
    """
    _need(deals, sorted({c[0] for c in rule}), "deal table", "validation.deal_table(clean)")
    hit = pd.Series(True, index=deals.index)
    for condition in rule:
        hit &= _condition_mask(deals, condition)
    return hit


def rule_text(rule) -> str:
    """A rule in words, one condition after another.

    >>> rule_text([("segment", "in", ("cafe",)), ("outlets", "<=", 2)])
    'segment is cafe and outlets ≤ 2'
    >>> rule_text([])
    'every lead'
    """
    parts = []
    for field, op, value in rule:
        if op == "in":
            values = (value,) if isinstance(value, str) else tuple(value)
            parts.append(f"{field} is {' or '.join(str(v) for v in values)}")
        else:
            number = int(value) if float(value).is_integer() else value
            parts.append(f"{field} {'≤' if op == '<=' else '≥'} {number:,}")
    return " and ".join(parts) if parts else "every lead"


def rule_summary(deals: pd.DataFrame, rule) -> pd.DataFrame:
    """How many deals meet a rule, and how often they close compared with the rest.

    Parameters
    ----------
    deals : DataFrame
        The output of :func:`deal_table` (``won`` and the rule's fields).
    rule : sequence of (field, op, value)
        See :func:`meets_rule`.

    Returns
    -------
    DataFrame
        Two rows, ``leads`` = ``"meet the rule"`` and ``"the rest"``: ``deals``, ``share`` (of
        all deals), ``won``, ``close_rate`` (NaN for a group with no deal) and ``lift`` (close
        rate / the close rate of all deals).

    Examples
    --------
    >>> deals = pd.DataFrame({"segment": ["cafe", "cafe", "office", "office"],
    ...                       "won": [True, True, True, False]})
    >>> rule_summary(deals, [("segment", "in", ("cafe",))])
               leads  deals  share  won  close_rate      lift
    0  meet the rule      2    0.5    2         1.0  1.333333
    1       the rest      2    0.5    1         0.5  0.666667

    Source: 001 §4.6 (define a quality lead with numbers).
    """
    _need(deals, ("won",), "deal table", "validation.deal_table(clean)")
    hit = meets_rule(deals, rule)
    won = deals["won"].astype(bool)
    n = len(deals)
    overall = won.mean() if n else np.nan
    rows = []
    for name, part in (("meet the rule", hit), ("the rest", ~hit)):
        k, w = int(part.sum()), int(won[part].sum())
        rate = w / k if k else np.nan
        rows.append({"leads": name, "deals": k, "share": k / n if n else np.nan, "won": w,
                     "close_rate": rate, "lift": rate / overall if overall else np.nan})
    return pd.DataFrame(rows)


def _candidates(deals: pd.DataFrame, won: pd.Series, fields, quantiles) -> list:
    """The conditions the search may add on this subset, in a fixed order."""
    out = []
    for field in fields:
        s = deals[field]
        if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
            number = pd.to_numeric(s).dropna().astype("float64")
            if number.empty:
                continue
            cuts = np.unique(np.quantile(number, quantiles, method="lower"))
            out += [(field, op, float(c)) for c in cuts for op in ("<=", ">=")]
        else:
            rate = won.groupby(s.astype("object").fillna("unknown")).mean()
            order = sorted(rate.index, key=lambda v: (-rate[v], str(v)))
            out += [(field, "in", tuple(order[:k])) for k in range(1, len(order))]
    return out


def find_quality_rule(deals: pd.DataFrame, *, fields=QUALITY_FIELDS, max_conditions: int = 3,
                      min_share: float = 0.15, generality: float = 0.5, min_gain: float = 0.01,
                      quantiles=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)) -> tuple:
    """A quality-lead rule found by a small, transparent greedy search over the deals' fields.

    The search starts from every deal and adds, one at a time, the condition that most raises
    the rule's *quality*, the classic score of subgroup discovery (Klösgen's family):
    share of deals meeting the rule ** ``generality`` × (their close rate − the close rate of
    all deals). It rewards a rule for closing more often *and* for covering many leads, so it
    does not chase a handful of lucky deals: ``generality=1`` is the weighted relative accuracy
    (WRAcc, favours broad rules), the default 0.5 the binomial-test quality (√share, purer
    rules). The candidate conditions on each field are

    - text fields (segment, need, timeframe, lead source): "the field is one of the k values
      that close most often", for every k;
    - numbers (outlets, employees, budget): "≤ t" and "≥ t" for t at the deciles.

    It stops after ``max_conditions`` conditions, when no condition raises the quality by at least
    ``min_gain``, or when a condition would leave fewer than ``min_share`` of the deals. Ties go
    to the earlier field of ``fields``. Read the result with :func:`rule_text`,
    :func:`rule_path` and :func:`rule_summary`; edit it like any list.

    Parameters
    ----------
    deals : DataFrame
        The output of :func:`deal_table`.
    fields : sequence of str
        The columns the rule may use (:data:`QUALITY_FIELDS`).
    max_conditions : int
        At most this many conditions (a rule a sales team can remember).
    min_share : float
        Smallest share of all deals the rule must keep.
    generality : float
        How much the share of deals counts against the close rate (see above).
    min_gain : float
        Smallest rise of the quality worth one more condition.
    quantiles : sequence of float
        Where the numeric thresholds are tried.

    Returns
    -------
    tuple of (field, op, value)
        The rule; see :func:`meets_rule`. Empty when no condition helps.

    Examples
    --------
    >>> deals = pd.DataFrame({"segment": ["cafe"] * 4 + ["office"] * 4,
    ...     "outlets": [1, 1, 2, 6, None, None, None, None],
    ...     "won": [True, True, True, False, False, True, False, False]})
    >>> find_quality_rule(deals, fields=("segment", "outlets"), min_share=0.25)
    (('outlets', '<=', 2.0),)

    Source: 001 §4.6 ("chuẩn hóa định nghĩa lead chất lượng bằng số liệu").
    """
    fields = list(fields)
    _need(deals, [*fields, "won"], "deal table", "validation.deal_table(clean)")
    won = deals["won"].astype(bool)
    n = len(deals)
    if n == 0:
        raise C360DataError("deal table", [Problem(
            "won", "has no closed deal", "pass deals that were won or lost")])
    overall = won.mean()
    rule: tuple = ()
    inside = pd.Series(True, index=deals.index)
    score = 0.0
    for _ in range(max_conditions):
        best = None
        for condition in _candidates(deals[inside], won[inside], fields, quantiles):
            hit = inside & _condition_mask(deals, condition)
            k = int(hit.sum())
            if k < min_share * n or k == int(inside.sum()):
                continue
            quality = (k / n) ** generality * (won[hit].mean() - overall)
            if best is None or quality > best[0] + 1e-12:
                best = (quality, condition, hit)
        if best is None or best[0] < score + min_gain:
            break
        score, condition, inside = best
        rule += (condition,)
    return rule


def rule_path(deals: pd.DataFrame, rule, *, generality: float = 0.5) -> pd.DataFrame:
    """How a rule narrows the deals, condition by condition.

    Returns
    -------
    DataFrame
        One row per step (step 0: every deal): ``step``, ``condition`` (the one added, in
        words), ``deals`` meeting the rule so far, ``share``, ``close_rate``,
        ``rest_close_rate`` (of the deals not meeting it; NaN when there are none) and
        ``quality``, the score :func:`find_quality_rule` maximises (share ** ``generality`` ×
        (close rate − the close rate of all deals)).

    Examples
    --------
    >>> deals = pd.DataFrame({"segment": ["cafe", "cafe", "office", "office"],
    ...                       "won": [True, True, True, False]})
    >>> rule_path(deals, [("segment", "in", ("cafe",))], generality=1.0)
       step        condition  deals  share  close_rate  rest_close_rate  quality
    0     0       every lead      4    1.0        0.75              NaN    0.000
    1     1  segment is cafe      2    0.5        1.00              0.5    0.125

    Source: 001 §4.6.
    """
    _need(deals, ("won",), "deal table", "validation.deal_table(clean)")
    won = deals["won"].astype(bool)
    n = len(deals)
    overall = won.mean() if n else np.nan
    rows = []
    for step in range(len(rule) + 1):
        hit = meets_rule(deals, rule[:step])
        k = int(hit.sum())
        rate = won[hit].mean() if k else np.nan
        rest = won[~hit].mean() if k < n else np.nan
        rows.append({"step": step, "condition": rule_text(rule[step - 1:step]) if step else
                     rule_text(()), "deals": k, "share": k / n if n else np.nan,
                     "close_rate": rate, "rest_close_rate": rest,
                     "quality": (k / n) ** generality * (rate - overall) if k else 0.0})
    return pd.DataFrame(rows)
