"""The reverse funnel: keep and delight customers, turn them into advocates, let them refer.

000 turns the traditional funnel round. The traditional one starts with acquisition, aims at a
sale and runs on paid ads; the reverse funnel starts with the customers the shop already has,
aims at a referral and runs on community and user-generated content. Its three stages:

1. **Retention & Satisfaction** (*Duy trì và Thỏa mãn*): customers who stay and are satisfied;
2. **Loyalty & Advocacy** (*Lòng trung thành và Ủng hộ*): promoters, community members with a
   badge, authors of UGC;
3. **Referral & Word of mouth** (*Giới thiệu và Lan tỏa*): customers who bring new customers.

:data:`REVERSE_EVIDENCE` says which records count for each. The functions:

- :func:`customer_stages` — every customer's evidence and furthest reverse-funnel stage, and
  :func:`acquisition_channels`, how each customer was acquired (referral first);
- :func:`funnels` — the traditional funnel (step 3's ``journey.funnel``) beside the reverse one;
- :func:`cohort_retention` and :func:`pooled_retention` — monthly cohorts by first order, the
  share still buying after k months;
- :func:`referral_tree` and :func:`top_advocates` — who referred whom, how deep, and which
  advocates brought the most margin;
- :func:`advocacy_metrics` — per group (NPS group, badge...): who refers, how much, UGC;
- :func:`acquisition_cost` — cost per acquisition by channel, referral costed at its rewards
  (``kpi.cost_per_acquisition``).

**Monotone by construction**, as step 3's journey: a customer who referred someone has shown
advocacy by doing so, and an advocate is a retained customer; each stage reached implies the
earlier ones, and ``inferred_stages`` names those reached only that way.

Source: 000 (the reverse funnel, its three stages and its claims: referral CPA ≈ 0, referred
customers stay longer, spend more, have a higher CLV; community over paid ads), 003 (NPS
groups, relationship types).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import journey, kpi
from .contract import C360DataError, Problem
from .datasets import TODAY
from .profitability import UNKNOWN_SEGMENT, _blank, _check, _need

__all__ = [
    "MARKETPLACES",
    "NO_BADGE",
    "PAID_ADS",
    "REFERRAL",
    "REVERSE_EVIDENCE",
    "REVERSE_LABELS",
    "REVERSE_LABELS_VI",
    "REVERSE_STAGES",
    "SATISFIED_MIN",
    "acquisition_channels",
    "acquisition_cost",
    "advocacy_metrics",
    "cohort_retention",
    "customer_stages",
    "funnels",
    "pooled_retention",
    "referral_tree",
    "top_advocates",
]

#: the three stages of 000, in order
REVERSE_STAGES = ("retention", "advocacy", "referral")
#: their Vietnamese names, as 000 writes them
REVERSE_LABELS_VI = {"retention": "Duy trì và Thỏa mãn",
                     "advocacy": "Lòng trung thành và Ủng hộ",
                     "referral": "Giới thiệu và Lan tỏa"}
#: English and Vietnamese, for charts and tables
REVERSE_LABELS = {"customer": "Customers (Khách hàng)",
                  "retention": "Retention & Satisfaction (Duy trì và Thỏa mãn)",
                  "advocacy": "Loyalty & Advocacy (Lòng trung thành và Ủng hộ)",
                  "referral": "Referral & Word of mouth (Giới thiệu và Lan tỏa)"}
#: lowest CSAT (1–5) that counts as satisfied
SATISFIED_MIN = 4
#: What counts as evidence of each stage (before ``as_of``), for customers with a completed order.
REVERSE_EVIDENCE = {
    "retention": "a second completed order (repeat purchase), or a latest satisfaction answer "
                 f"(CSAT of a survey or a ticket) of {SATISFIED_MIN} or 5",
    "advocacy": f"a latest NPS answer of {kpi.PROMOTER_MIN}–10 (a promoter), a community "
                "membership (a badge) or a UGC post",
    "referral": "a referral made: someone they introduced, whatever came of it",
}
#: how a customer acquired by a referral is labelled, and the referral programme's cost channel
REFERRAL = "referral"
#: lead sources bought with ads (000's "quảng cáo trả phí")
PAID_ADS = ("facebook_ads", "tiktok_ads")
#: order channels of customers who found the shop on a marketplace (no lead record)
MARKETPLACES = ("shopee", "tiktok_shop")
#: the badge column's value for customers outside the community
NO_BADGE = "none"
_STAGE_ORDER = ("customer",) + REVERSE_STAGES


def _table(clean: dict, name: str, columns, *, required: bool = False):
    df = clean.get(name)
    if df is None:
        if required:
            raise C360DataError(name, [Problem("(table)", "is missing from the clean model",
                                               "pass the dict of datasets.load_clean()")])
        return None
    _need(df, columns, name, "datasets.load_clean()")
    return df


def _before(df: pd.DataFrame, column: str, as_of) -> pd.DataFrame:
    return df[(df[column] < as_of).to_numpy() & df[column].notna().to_numpy()]


def _latest(df: pd.DataFrame, when: str, value: str) -> pd.Series:
    """Per customer, the value of ``value`` at their latest row that has one."""
    d = df[~_blank(df[value]).to_numpy() & df["customer_id"].notna().to_numpy()]
    d = d.sort_values(when, kind="stable")
    return d.groupby(d["customer_id"].astype("str"), sort=False)[value].last()


# -- per customer ---------------------------------------------------------------------------------

def acquisition_channels(clean: dict, *, as_of: pd.Timestamp = TODAY) -> pd.DataFrame:
    """How each customer was acquired: referral, their CRM lead source, a marketplace, or direct.

    For every customer with a completed order before ``as_of``, in this order of precedence:

    1. :data:`REFERRAL` when a referral names them as the referred person on or before their
       first completed order (the referral programme acquired them);
    2. their first-touch CRM lead source (step 3's ``lead_source``) when they have one;
    3. ``"marketplace"`` when their first completed order came from Shopee or TikTok Shop;
    4. ``"direct"`` otherwise (a walk-in, a call, the website without a lead record).

    Parameters
    ----------
    clean : dict of DataFrame
        ``customers``, ``shop_orders`` (required), ``crm_contacts`` and ``referrals``.
    as_of : Timestamp
        Records on or after it are ignored.

    Returns
    -------
    DataFrame
        One row per customer with a completed order, sorted by ``customer_id``:
        ``customer_id``, ``segment``, ``acquired_at`` (first completed order),
        ``acquisition_channel``, ``paid_ads`` (acquired by a lead source of :data:`PAID_ADS`).

    Examples
    --------
    >>> clean = {"customers": pd.DataFrame({"customer_id": ["A", "B", "C"],
    ...                                     "segment": ["cafe", "household", "household"]}),
    ...     "shop_orders": pd.DataFrame({"customer_id": ["A", "B", "C"],
    ...         "order_time": pd.to_datetime(["2025-03-01", "2025-03-02", "2025-03-03"]),
    ...         "status": "completed", "channel": ["website", "shopee", "website"]}),
    ...     "crm_contacts": pd.DataFrame({"customer_id": ["A", "C"],
    ...         "lead_source": ["facebook_ads", "facebook_ads"],
    ...         "created_date": pd.to_datetime(["2025-02-01", "2025-02-01"])}),
    ...     "referrals": pd.DataFrame({"referrer_customer_id": ["B"],
    ...         "referred_customer_id": ["A"],
    ...         "referral_date": pd.to_datetime(["2025-02-20"])})}
    >>> acquisition_channels(clean)[["customer_id", "acquisition_channel", "paid_ads"]]
      customer_id acquisition_channel  paid_ads
    0           A            referral     False
    1           B         marketplace     False
    2           C        facebook_ads      True

    Source: 000 (customers from referral vs from paid ads); 001 §4.3 (lead source).
    """
    as_of = pd.Timestamp(as_of)
    orders = _table(clean, "shop_orders", ("customer_id", "order_time", "status", "channel"),
                    required=True)
    done = _before(orders[(orders["status"] == "completed").to_numpy()], "order_time", as_of)
    done = done[done["customer_id"].notna().to_numpy()].sort_values("order_time", kind="stable")
    first = done.drop_duplicates("customer_id", keep="first")
    first = first.assign(customer_id=first["customer_id"].astype("str")).set_index(
        "customer_id").sort_index()
    parts = {k: clean[k] for k in ("customers", "crm_contacts") if k in clean}
    if "customers" not in parts:
        parts["customers"] = pd.DataFrame({"customer_id": first.index.to_numpy()})
    steps = journey.customer_stages(parts, as_of=as_of).set_index("customer_id")
    out = pd.DataFrame({"customer_id": first.index.to_numpy(),
                        "acquired_at": first["order_time"].to_numpy()})
    segment = first.index.map(steps["segment"]) if "segment" in steps else None
    out.insert(1, "segment", pd.Series(segment, dtype="object").fillna(UNKNOWN_SEGMENT)
               .astype("str").to_numpy() if segment is not None else UNKNOWN_SEGMENT)
    source = pd.Series(first.index.map(steps["lead_source"]), index=first.index).fillna("unknown")
    channel = np.where(source != "unknown", source.astype("str"),
                       np.where(first["channel"].isin(MARKETPLACES), "marketplace", "direct"))
    ref = _table(clean, "referrals", ("referred_customer_id", "referral_date"))
    if ref is not None:
        r = _before(ref[ref["referred_customer_id"].notna().to_numpy()], "referral_date", as_of)
        when = r.groupby(r["referred_customer_id"].astype("str"))["referral_date"].min()
        referred = first.index.map(when)
        is_ref = pd.notna(referred) & (pd.Series(referred, index=first.index)
                                       <= first["order_time"]).to_numpy()
        channel = np.where(is_ref, REFERRAL, channel)
    out["acquisition_channel"] = pd.array(channel, dtype="str")
    out["paid_ads"] = out["acquisition_channel"].isin(PAID_ADS).to_numpy()
    return out


def customer_stages(clean: dict, *, as_of: pd.Timestamp = TODAY,
                    promoter_min: int = kpi.PROMOTER_MIN,
                    detractor_max: int = kpi.DETRACTOR_MAX,
                    satisfied_min: int = SATISFIED_MIN) -> pd.DataFrame:
    """Every customer's reverse-funnel evidence and furthest stage.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model: ``customers``, ``shop_orders`` (required); ``crm_contacts``,
        ``referrals``, ``surveys``, ``tickets`` and ``community`` add evidence when present.
    as_of : Timestamp
        Records on or after it are ignored (the sample's today by default).
    promoter_min, detractor_max : int
        The NPS groups of 003.
    satisfied_min : int
        Lowest CSAT (1–5) that counts as satisfied.

    Returns
    -------
    DataFrame
        One row per customer with a completed order (the reverse funnel starts at the
        customer), as :func:`acquisition_channels` plus:

        - ``completed_orders``, ``last_order``, ``repeat`` (2+ completed orders);
        - ``nps_last`` (latest NPS answer, <NA> without one), ``loyalty`` (``promoter``,
          ``passive``, ``detractor`` or ``no answer``), ``csat_last``, ``satisfied``;
        - ``community`` (a member), ``badge`` (:data:`NO_BADGE` outside), ``ugc_posts``,
          ``events_attended``;
        - ``referrals_made`` (as referrer, any status), ``referrals_converted``;
        - ``retention``, ``advocacy``, ``referral``: reached (back-filled, see the module);
        - ``reverse_stage``: ordered categorical ``customer`` < ``retention`` < ``advocacy`` <
          ``referral``, the furthest stage; ``inferred_stages``: stages reached only by
          back-filling.

    Examples
    --------
    >>> clean = {"customers": pd.DataFrame({"customer_id": ["A", "B", "C"]}),
    ...     "shop_orders": pd.DataFrame({"customer_id": ["A", "A", "B", "C"],
    ...         "order_time": pd.to_datetime(["2025-01-01", "2025-03-01", "2025-02-01",
    ...                                       "2025-02-01"]),
    ...         "status": "completed", "channel": "website"}),
    ...     "referrals": pd.DataFrame({"referrer_customer_id": ["B"],
    ...         "referred_customer_id": ["X"], "referral_date": pd.to_datetime(["2025-05-01"]),
    ...         "status": ["converted"]})}
    >>> customer_stages(clean)[["customer_id", "repeat", "referrals_made", "reverse_stage",
    ...                         "inferred_stages"]]
      customer_id  repeat  referrals_made reverse_stage      inferred_stages
    0           A    True               0     retention
    1           B   False               1      referral  retention, advocacy
    2           C   False               0      customer

    Source: 000 (Duy trì và Thỏa mãn → Lòng trung thành và Ủng hộ → Giới thiệu và Lan tỏa);
    003 (NPS groups, CSAT).
    """
    as_of = pd.Timestamp(as_of)
    out = acquisition_channels(clean, as_of=as_of)
    ids = pd.Index(out["customer_id"])
    orders = clean["shop_orders"]
    done = _before(orders[(orders["status"] == "completed").to_numpy()
                          & orders["customer_id"].notna().to_numpy()], "order_time", as_of)
    key = done["customer_id"].astype("str")
    out["completed_orders"] = ids.map(key.value_counts()).fillna(0).astype("int64")
    out["last_order"] = ids.map(done.groupby(key)["order_time"].max())
    out["repeat"] = (out["completed_orders"] >= 2).to_numpy()

    nps_last = pd.Series(pd.NA, index=ids, dtype="Int64")
    csat_parts = []
    surveys = _table(clean, "surveys", ("customer_id", "submitted_at", "nps", "csat"))
    if surveys is not None:
        s = _before(surveys, "submitted_at", as_of)
        nps_last = pd.Series(ids.map(_latest(s, "submitted_at", "nps")), index=ids
                             ).astype("Int64")
        csat_parts.append(s[["customer_id", "csat"]].assign(t=s["submitted_at"]))
    tickets = _table(clean, "tickets", ("customer_id", "opened_at", "csat"))
    if tickets is not None:
        t = _before(tickets, "opened_at", as_of)
        csat_parts.append(t[["customer_id", "csat"]].assign(t=t["opened_at"]))
    out["nps_last"] = nps_last.to_numpy()
    out["loyalty"] = np.select(
        [nps_last.isna().to_numpy(), (nps_last >= promoter_min).fillna(False).to_numpy(),
         (nps_last > detractor_max).fillna(False).to_numpy()],
        ["no answer", "promoter", "passive"], "detractor")
    if csat_parts:
        c = pd.concat(csat_parts, ignore_index=True)
        out["csat_last"] = pd.Series(ids.map(_latest(c, "t", "csat")), index=ids).astype(
            "Int64").to_numpy()
    else:
        out["csat_last"] = pd.array([pd.NA] * len(ids), dtype="Int64")
    out["satisfied"] = (out["csat_last"] >= satisfied_min).fillna(False).to_numpy(dtype=bool)

    club = _table(clean, "community", ("customer_id", "joined_date", "badge", "ugc_posts",
                                       "events_attended"))
    member = pd.DataFrame(index=pd.Index([], dtype="str"))
    if club is not None:
        cl = _before(club[club["customer_id"].notna().to_numpy()], "joined_date", as_of)
        cl = cl.sort_values("joined_date", kind="stable")
        g = cl.groupby(cl["customer_id"].astype("str"), sort=False)
        member = pd.DataFrame({"badge": g["badge"].last(),
                               "ugc_posts": pd.to_numeric(g["ugc_posts"].sum()),
                               "events_attended": pd.to_numeric(g["events_attended"].sum())})
    out["community"] = ids.isin(member.index)
    badge = member["badge"].astype("object") if "badge" in member else pd.Series(dtype="object")
    out["badge"] = pd.Series(ids.map(badge), dtype="object").fillna(NO_BADGE).astype(
        "str").to_numpy()
    for column in ("ugc_posts", "events_attended"):
        values = member[column] if column in member else pd.Series(dtype="int64")
        out[column] = ids.map(values).fillna(0).astype("int64")

    refs = _table(clean, "referrals", ("referrer_customer_id", "referral_date"))
    out["referrals_made"] = 0
    out["referrals_converted"] = 0
    if refs is not None:
        r = _before(refs[refs["referrer_customer_id"].notna().to_numpy()], "referral_date", as_of)
        who = r["referrer_customer_id"].astype("str")
        out["referrals_made"] = ids.map(who.value_counts()).fillna(0).astype("int64")
        if "status" in r.columns:
            conv = who[(r["status"] == "converted").to_numpy()]
            out["referrals_converted"] = ids.map(conv.value_counts()).fillna(0).astype("int64")

    evidence = np.column_stack([
        out["repeat"] | out["satisfied"],
        (out["loyalty"] == "promoter") | out["community"] | (out["ugc_posts"] > 0),
        out["referrals_made"] > 0,
    ])
    reached = np.logical_or.accumulate(evidence[:, ::-1], axis=1)[:, ::-1]
    for i, stage in enumerate(REVERSE_STAGES):
        out[stage] = reached[:, i]
    out["reverse_stage"] = pd.Categorical.from_codes(reached.sum(axis=1), categories=_STAGE_ORDER,
                                                     ordered=True)
    text = pd.Series([""] * len(out), index=out.index, dtype="str")
    inferred = reached & ~evidence
    for i, stage in enumerate(REVERSE_STAGES):
        text = text + np.where(inferred[:, i], f"{stage}, ", "")
    out["inferred_stages"] = text.str.removesuffix(", ")
    return out


# -- the two funnels ------------------------------------------------------------------------------

def funnels(clean: dict, *, as_of: pd.Timestamp = TODAY, stages: pd.DataFrame | None = None
            ) -> dict[str, pd.DataFrame]:
    """The traditional funnel (acquisition → sale) and the reverse funnel (customer → referral).

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model.
    as_of : Timestamp
        "Today".
    stages : DataFrame, optional
        :func:`customer_stages` if already computed.

    Returns
    -------
    dict
        ``"traditional"``: step 3's ``journey.funnel`` of every known person (awareness →
        loyalty); ``"reverse"``: the same columns (``from_stage``, ``stage``, ``reached``,
        ``step_conversion``, ``overall_conversion``, ``lost``) for the customers' reverse
        stages ``customer`` → ``retention`` → ``advocacy`` → ``referral``; and ``"referred"``:
        a one-row frame with how many customers the referrers brought (``customers``).

    Source: 000 (the traditional funnel beside the reverse funnel).
    """
    traditional = journey.funnel(journey.customer_stages(clean, as_of=as_of))
    s = customer_stages(clean, as_of=as_of) if stages is None else stages
    _need(s, REVERSE_STAGES + ("acquisition_channel",), "reverse stages",
          "reverse_funnel.customer_stages(clean)")
    reached = s[list(REVERSE_STAGES)].astype(bool).assign(customer=True)
    reverse = journey._funnel_table(reached, _STAGE_ORDER, None)
    referred = pd.DataFrame({"customers": [int((s["acquisition_channel"] == REFERRAL).sum())]})
    return {"traditional": traditional, "reverse": reverse, "referred": referred}


# -- cohorts --------------------------------------------------------------------------------------

def _months_later(t: np.ndarray, k: int) -> np.ndarray:
    """``t`` plus ``k`` calendar months, the day clipped to the month's end (as DateOffset)."""
    day = t.astype("datetime64[D]")
    month = t.astype("datetime64[M]")
    target = month + np.timedelta64(k, "M")
    last_day = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    moved = np.minimum(target.astype("datetime64[D]") + (day - month.astype("datetime64[D]")),
                       last_day)
    return moved.astype("datetime64[us]") + (t - day.astype("datetime64[us]"))


def cohort_retention(orders: pd.DataFrame, *, by=None, as_of: pd.Timestamp = TODAY,
                     max_months: int = 12) -> pd.DataFrame:
    """Monthly cohorts by first completed order, and the share still buying after k months.

    A customer of the cohort is *retained at k months* when they have a completed order on or
    after the day k calendar months after their first one (they were still buying then). A
    customer counts at k only once their k-month day is before ``as_of`` (younger customers are
    not yet observed there, never counted as lost). At k = 0 every customer is retained; for a
    customer the answer can only turn from yes to no as k grows. This is the question "did they
    still buy k months after their first order?": the last cohorts observed at a given k have
    had little time since to show an order, so compare groups over the same cohorts (as
    :func:`pooled_retention` of a grouped table does).

    Parameters
    ----------
    orders : DataFrame
        ``shop_orders``: ``customer_id``, ``order_time``, ``status``.
    by : None, str or mapping
        A column of ``orders`` (the value on the customer's first completed order, e.g.
        ``"channel"``) or a mapping customer_id → group (e.g. the acquisition channel);
        unnamed customers go to ``"unknown"``.
    as_of : Timestamp
        "Today": later orders are ignored.
    max_months : int
        The longest horizon k.

    Returns
    -------
    DataFrame
        One row per (group,) cohort and k with observed customers: the group column (``by``'s
        name, or ``group`` for a mapping), ``cohort`` (``"2024-01"``), ``months`` (k),
        ``customers`` (observed at k), ``retained``, ``retention`` (share 0–1).

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": ["A", "A", "B", "C", "C"],
    ...     "order_time": pd.to_datetime(["2025-01-05", "2025-03-10", "2025-01-20",
    ...                                   "2025-02-01", "2025-02-15"]),
    ...     "status": "completed"})
    >>> t = cohort_retention(orders, as_of="2025-04-01", max_months=2)
    >>> t
        cohort  months  customers  retained  retention
    0  2025-01       0          2         2        1.0
    1  2025-01       1          2         1        0.5
    2  2025-01       2          2         1        0.5
    3  2025-02       0          1         1        1.0
    4  2025-02       1          1         0        0.0

    C's cohort (February) is not yet two months old on 1 April: it has no row at k = 2.

    Source: 000 ("gắn bó lâu hơn": referred customers stay longer); 003 (retention).
    """
    as_of = pd.Timestamp(as_of)
    if max_months < 0:
        raise ValueError(f"max_months must be at least 0, not {max_months}")
    _check("shop_orders", orders, ("customer_id", "order_time", "status"))
    done = _before(orders[(orders["status"] == "completed").to_numpy()], "order_time", as_of)
    done = done.sort_values("order_time", kind="stable")
    key = done["customer_id"].astype("str")
    t = done["order_time"].groupby(key, sort=True)
    first, last = t.min(), t.max()
    column = None if by is None else (by if isinstance(by, str) else "group")
    if by is None:
        group = pd.Series("all", index=first.index)
    else:
        rows = done.drop_duplicates("customer_id", keep="first")
        g = kpi._groups(rows, by, "shop_orders")
        group = pd.Series(g.to_numpy(), index=rows["customer_id"].astype("str")).reindex(
            first.index).fillna("unknown")
    f = first.to_numpy(dtype="datetime64[us]")
    lt = last.to_numpy(dtype="datetime64[us]")
    limit = np.datetime64(as_of.to_datetime64(), "us")
    cohort = first.dt.strftime("%Y-%m").to_numpy()
    parts = []
    for k in range(max_months + 1):
        at = _months_later(f, k)
        seen = at < limit
        parts.append(pd.DataFrame({"group": group.to_numpy()[seen], "cohort": cohort[seen],
                                   "months": k, "kept": (lt >= at)[seen]}))
    long = pd.concat(parts, ignore_index=True)
    out = long.groupby(["group", "cohort", "months"], sort=True)["kept"].agg(
        customers="size", retained="sum").reset_index()
    out = out.astype({"months": "int64", "customers": "int64", "retained": "int64"})
    out["retention"] = (out["retained"] / out["customers"]).astype("float64")
    if column is None:
        return out.drop(columns="group")
    return out.rename(columns={"group": column})


def pooled_retention(cohorts: pd.DataFrame) -> pd.DataFrame:
    """All cohorts pooled: per group and k, the share of every observed customer still buying.

    Parameters
    ----------
    cohorts : DataFrame
        The output of :func:`cohort_retention` (grouped or not).

    Returns
    -------
    DataFrame
        The group column (if any), ``months``, ``customers``, ``retained``, ``retention``.

    Examples
    --------
    >>> c = pd.DataFrame({"cohort": ["2025-01", "2025-01", "2025-02"], "months": [0, 1, 0],
    ...     "customers": [2, 2, 1], "retained": [2, 1, 1]})
    >>> pooled_retention(c)
       months  customers  retained  retention
    0       0          3         3        1.0
    1       1          2         1        0.5

    Source: 000 (who stays longer).
    """
    _need(cohorts, ("cohort", "months", "customers", "retained"), "cohort retention",
          "reverse_funnel.cohort_retention(...)")
    keys = [c for c in cohorts.columns if c not in ("cohort", "months", "customers", "retained",
                                                    "retention")]
    out = cohorts.groupby(keys + ["months"], sort=True)[["customers", "retained"]].sum()
    out = out.reset_index().astype({"customers": "int64", "retained": "int64"})
    out["retention"] = (out["retained"] / out["customers"]).astype("float64")
    return out


# -- referrals ------------------------------------------------------------------------------------

def referral_tree(referrals: pd.DataFrame, *, value: Mapping | pd.Series | None = None,
                  as_of: pd.Timestamp = TODAY) -> pd.DataFrame:
    """Who referred whom: each person's referrer, depth, and everyone they brought, directly or not.

    Each referred person hangs under the referrer of their earliest referral (a person
    introduced twice was brought by the first). Roots are referrers nobody referred. A loop
    (A referred B, B referred A: usually two records merged by mistake) is cut at the later
    referral, so every chain ends.

    Parameters
    ----------
    referrals : DataFrame
        ``referrals``: ``referrer_customer_id``, ``referred_customer_id``, ``referral_date``
        (and ``status``: only ``converted`` referrals count as customers brought, when
        present).
    value : mapping or Series, optional
        customer_id → a value (e.g. historical CLV or gross margin, VND) summed over everyone
        a person brought.
    as_of : Timestamp
        Referrals on or after it are ignored.

    Returns
    -------
    DataFrame
        One row per person in the tree (referrers and referred), sorted by ``customer_id``:
        ``customer_id``, ``referred_by`` (missing for roots), ``root``, ``depth`` (0 for roots),
        ``direct_referrals`` (people they introduced), ``descendants`` (everyone below them),
        and, with ``value``, ``own_value`` and ``descendants_value`` (summed over their
        descendants; 0 for people without a value).

    Examples
    --------
    >>> r = pd.DataFrame({"referrer_customer_id": ["A", "A", "B"],
    ...     "referred_customer_id": ["B", "C", "D"],
    ...     "referral_date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"])})
    >>> tree = referral_tree(r, value={"B": 100, "C": 50, "D": 30})
    >>> tree[["customer_id", "referred_by", "root", "depth", "direct_referrals", "descendants"]]
      customer_id referred_by root  depth  direct_referrals  descendants
    0           A         NaN    A      0                 2            3
    1           B           A    A      1                 1            1
    2           C           A    A      1                 0            0
    3           D           B    A      2                 0            0
    >>> tree["descendants_value"].tolist()
    [180, 30, 0, 0]

    Source: 000 ("Giới thiệu và Lan tỏa": satisfied customers bring new customers).
    """
    as_of = pd.Timestamp(as_of)
    _need(referrals, ("referrer_customer_id", "referred_customer_id", "referral_date"),
          "referrals", "datasets.load_clean()")
    r = referrals[referrals["referrer_customer_id"].notna().to_numpy()
                  & referrals["referred_customer_id"].notna().to_numpy()]
    r = _before(r, "referral_date", as_of)
    if "status" in r.columns:
        r = r[(r["status"] == "converted").to_numpy()]
    r = r.assign(_a=r["referrer_customer_id"].astype("str"),
                 _b=r["referred_customer_id"].astype("str"))
    r = r[(r["_a"] != r["_b"]).to_numpy()].sort_values("referral_date", kind="stable")
    r = r.drop_duplicates("_b", keep="first")
    ids = pd.Index(np.union1d(r["_a"].to_numpy(dtype="str"), r["_b"].to_numpy(dtype="str")))
    n = len(ids)
    parent = np.full(n, -1)
    child_pos, parent_pos = ids.get_indexer(r["_b"]), ids.get_indexer(r["_a"])
    order = np.arange(len(r))  # in date order: a later edge that closes a loop is cut
    for c, p, _ in zip(child_pos, parent_pos, order):
        q = p  # walk up from the new parent: if it reaches the child, the edge closes a loop
        steps = 0
        while q != -1 and q != c and steps <= n:
            q, steps = parent[q], steps + 1
        if q != c:
            parent[c] = p
    depth = np.zeros(n, dtype="int64")
    root = np.arange(n)
    up = parent.copy()
    while (up != -1).any():  # pointer walk: each round climbs one level for everyone
        moving = up != -1
        depth[moving] += 1
        root[moving] = up[moving]
        up = np.where(moving, parent[np.maximum(up, 0)], -1)
    direct = np.bincount(parent[parent >= 0], minlength=n)
    own = np.zeros(n)
    if value is not None:
        v = value if isinstance(value, pd.Series) else pd.Series(dict(value), dtype="float64")
        v.index = v.index.astype("str")
        own = pd.Series(ids.map(v), dtype="float64").fillna(0).to_numpy()
    desc = np.zeros(n, dtype="int64")
    desc_value = np.zeros(n)
    for d in range(int(depth.max()) if n else 0, 0, -1):  # deepest first, add to the parent
        at = np.flatnonzero(depth == d)
        np.add.at(desc, parent[at], 1 + desc[at])
        np.add.at(desc_value, parent[at], own[at] + desc_value[at])
    out = pd.DataFrame({"customer_id": ids.to_numpy(),
                        "referred_by": pd.array(np.where(parent >= 0, ids.to_numpy()[
                            np.maximum(parent, 0)], None), dtype="str"),
                        "root": ids.to_numpy()[root], "depth": depth,
                        "direct_referrals": direct.astype("int64"), "descendants": desc})
    if value is not None:
        out["own_value"] = np.round(own).astype("int64")
        out["descendants_value"] = np.round(desc_value).astype("int64")
    return out


def top_advocates(tree: pd.DataFrame, *, top: int = 10) -> pd.DataFrame:
    """The most valuable advocates: the referrers whose referred customers earned the most.

    Parameters
    ----------
    tree : DataFrame
        :func:`referral_tree` called with ``value=`` (its ``descendants_value``).
    top : int
        How many.

    Returns
    -------
    DataFrame
        The ``top`` rows of ``tree`` with at least one referral, by ``descendants_value``, then
        ``descendants``, then ``customer_id``.

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["A", "B", "C"], "direct_referrals": [2, 1, 0],
    ...     "descendants": [3, 1, 0], "descendants_value": [180, 300, 0]})
    >>> top_advocates(t, top=2)["customer_id"].tolist()
    ['B', 'A']

    Source: 000 (the brand advocates worth the most).
    """
    _need(tree, ("customer_id", "direct_referrals", "descendants", "descendants_value"),
          "referral tree", "reverse_funnel.referral_tree(referrals, value=...)")
    t = tree[tree["direct_referrals"] > 0]
    t = t.sort_values(["descendants_value", "descendants", "customer_id"],
                      ascending=[False, False, True], kind="stable")
    return t.head(top).reset_index(drop=True)


def advocacy_metrics(stages: pd.DataFrame, *, by: str = "loyalty") -> pd.DataFrame:
    """Advocacy per group: who refers, how much, who posts UGC, who is in the community.

    Parameters
    ----------
    stages : DataFrame
        :func:`customer_stages`.
    by : str
        A column of ``stages``: ``"loyalty"`` (NPS group, default), ``"badge"``,
        ``"community"``, ``"segment"``, ``"acquisition_channel"``...

    Returns
    -------
    DataFrame
        Indexed by group (sorted by name): ``customers``, ``referrers``, ``referrer_share``,
        ``referrals``, ``referrals_per_customer``, ``converted_referrals``,
        ``community_members``, ``ugc_posts``, ``ugc_per_customer``.

    Examples
    --------
    >>> s = pd.DataFrame({"loyalty": ["promoter", "promoter", "passive", "passive"],
    ...     "referrals_made": [3, 0, 1, 0], "referrals_converted": [2, 0, 1, 0],
    ...     "community": [True, False, False, False], "ugc_posts": [4, 0, 0, 0]})
    >>> advocacy_metrics(s)[["customers", "referrer_share", "referrals_per_customer"]]
              customers  referrer_share  referrals_per_customer
    loyalty
    passive           2             0.5                     0.5
    promoter          2             0.5                     1.5

    Source: 000 (promoters, badges "Thành viên Vàng", "Chuyên gia Cộng đồng", UGC); 003 (NPS).
    """
    _need(stages, (by, "referrals_made", "referrals_converted", "community", "ugc_posts"),
          "reverse stages", "reverse_funnel.customer_stages(clean)")
    s = stages.assign(_refers=stages["referrals_made"] > 0)
    g = s.groupby(s[by].astype("str"), sort=True)
    out = pd.DataFrame({
        "customers": g.size(), "referrers": g["_refers"].sum(),
        "referrals": g["referrals_made"].sum(), "converted_referrals":
            g["referrals_converted"].sum(), "community_members": g["community"].sum(),
        "ugc_posts": g["ugc_posts"].sum()}).astype("int64")
    out.insert(2, "referrer_share", (out["referrers"] / out["customers"]).astype("float64"))
    out.insert(4, "referrals_per_customer",
               (out["referrals"] / out["customers"]).astype("float64"))
    out["ugc_per_customer"] = (out["ugc_posts"] / out["customers"]).astype("float64")
    out.index.name = by
    return out


# -- costs ----------------------------------------------------------------------------------------

def acquisition_cost(clean: dict, *, start=None, end=None, as_of: pd.Timestamp = TODAY,
                     channels: Mapping | None = None,
                     customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cost per acquisition by channel, with referral costed at the rewards it paid.

    The costs are the ads spend of ``marketing_spend`` (mapped onto lead sources as
    ``kpi.cost_per_acquisition`` does) plus one ``referral`` cost: the ``reward_vnd`` of the
    referrals dated in the period. The customers are :func:`acquisition_channels`, acquired
    (first completed order) in the period.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model: ``marketing_spend``, ``referrals``, ``shop_orders``, ``crm_contacts``,
        ``customers``.
    start, end : date, optional
        The period (spend months, referral dates, acquisitions).
    as_of : Timestamp
        "Today".
    channels : mapping, optional
        Ads channel → lead source (step 6's ``validation.SPEND_TO_SOURCE`` by default).
    customers : DataFrame, optional
        :func:`acquisition_channels` (or :func:`customer_stages`) if already computed.

    Returns
    -------
    DataFrame
        ``kpi.cost_per_acquisition``: indexed by ``channel``, the costed channels:
        ``spend_vnd``, ``customers``, ``cpa_vnd``, ``note``.

    Source: 000 ("Khi khách hàng mới đến qua sự giới thiệu ... CPA gần như bằng 0"); 004.
    """
    spend = _table(clean, "marketing_spend", ("channel", "spend_vnd", "month"), required=True)
    refs = _table(clean, "referrals", ("referral_date", "reward_vnd"), required=True)
    r = kpi._in_period(refs, "referrals", start, end, "referral_date")
    rewards = int(pd.to_numeric(r["reward_vnd"]).fillna(0).sum())
    costs = pd.concat([spend[["channel", "spend_vnd", "month"]],
                       pd.DataFrame({"channel": [REFERRAL], "spend_vnd": [rewards],
                                     "month": [pd.Timestamp(start) if start is not None
                                               else r["referral_date"].min()
                                               if len(r) else pd.Timestamp(as_of) -
                                               pd.Timedelta(days=1)]})],
                      ignore_index=True)
    if start is None and end is None:
        costs = costs.drop(columns="month")
    acq = acquisition_channels(clean, as_of=as_of) if customers is None else customers
    acq = acq.rename(columns={"acquisition_channel": "channel", "acquired_at": "acquired_at"})
    return kpi.cost_per_acquisition(costs, acq[["customer_id", "channel", "acquired_at"]],
                                    channels=channels, start=start, end=end)
