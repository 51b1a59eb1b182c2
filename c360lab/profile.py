"""Step 5: the complete Customer 360 profile — four layers, lead score, next best action, card.

The source's fifth step (001 §4.5, "Xây dựng hồ sơ customer 360 hoàn chỉnh") turns the earlier
steps into one profile per customer that marketing, sales and care can "pick up and use":

- the **four layers** of 001 §1.3, as documented column groups (:data:`LAYERS`):
  demographic/firmographic, purchase behaviour (step 1), online behaviour, and pains – desires –
  barriers (step 4), plus the journey stage (step 3);
- a **lead score** ("mức độ sẵn sàng mua": nóng / ấm / lạnh) that a salesperson can read: points
  per behaviour (:data:`DEFAULT_WEIGHTS`, changeable), bands with fixed cut points
  (:data:`BANDS`) and the top reasons of every score ("3 pricing views (+6)");
- a **next best action** per state, by rules (:data:`NBA_RULES`) that never send a marketing
  message to a customer without marketing consent (Decree 13/2023);
- two versions: the detailed table (for management) and a one-page card (:func:`card_html`, for
  sales and care), plus :func:`export_profile` for a CRM import (CSV or Excel).

**Built from mergeable facts.** The profile is finished from per-customer facts — sums, counts,
first and last dates, per-tag counts, per-stage first dates — that can be computed for any time
window and merged::

    facts = combine_facts(profile_facts(clean, until=t0),
                          profile_facts(clean, since=t0, until=t))
    finish_profile(facts, clean["customers"], as_of=t)     # == build_profile(clean, as_of=t)

so step 7 refreshes the profile from new data only and gets exactly the full rebuild. What is not
mergeable (ratios, recency, percentile ranks, bands, actions) is computed by
:func:`finish_profile` from the facts.

For step 6 (validation): the back-test helper is :func:`backtest` — score the leads who were not
yet customers at a cut-off date with what was known then, and record who became a customer
afterwards. Calibrate on its output; do not write a second one.

Source: 001 §4.5 (profile, lead scoring, next best action, two versions, into the CRM), 001 §1.3
(the four layers).
"""

from __future__ import annotations

import functools
import html
from pathlib import Path

import numpy as np
import pandas as pd

from . import insight, journey, kpi, profitability
from .contract import CATEGORIES, ORDER_CHANNELS, C360DataError, Problem
from .datasets import TODAY
from .profitability import _bad_rows, _check

# For step 6 (validation): the back-test helper is `backtest(clean, cutoff=..., until=...)`; the
# score of a table of counts is `lead_score(...)`, and `rescore(profile, weights)` redoes score,
# band, reasons and action for other weights. Reuse them; do not write a second back-test.

__all__ = [
    "BANDS",
    "BAND_LABELS_VI",
    "DEFAULT_WEIGHTS",
    "LAYERS",
    "LIFECYCLE_STATES",
    "NBA_RULES",
    "SIGNALS",
    "backtest",
    "build_profile",
    "card_html",
    "combine_facts",
    "export_profile",
    "finish_profile",
    "lead_score",
    "lifecycle",
    "next_best_action",
    "profile_facts",
    "rescore",
]

# -- the score ------------------------------------------------------------------------------------

#: Points per unit of each behaviour signal (001 §4.5: "xem trang giá, tải tài liệu, hỏi case,
#: đặt lịch"): a pricing-page view, a case-study view, a catalogue download, a consultation
#: booked, a web form sent; and recency, as two flags (1 or 0): active in the last 30 days, and
#: no activity for more than 90 days (interest that went quiet, a penalty).
DEFAULT_WEIGHTS = {
    "pricing_views": 2,
    "case_study_views": 3,
    "catalog_downloads": 3,
    "consultations": 5,
    "form_submits": 1,
    "recently_active": 3,
    "inactive_90_days": -10,
}
#: How each signal reads in a reason: (one, many). Flags have no count.
SIGNALS = {
    "pricing_views": ("pricing view", "pricing views"),
    "case_study_views": ("case-study view", "case-study views"),
    "catalog_downloads": ("catalogue download", "catalogue downloads"),
    "consultations": ("consultation booked", "consultations booked"),
    "form_submits": ("web form sent", "web forms sent"),
    "recently_active": ("active in the last 30 days", "active in the last 30 days"),
    "inactive_90_days": ("no activity for 90+ days", "no activity for 90+ days"),
}
_FLAGS = ("recently_active", "inactive_90_days")
#: Lower cut points of the bands, in points: hot (nóng) from 10, warm (ấm) from 4, else cold.
BANDS = {"hot": 10, "warm": 4, "cold": 0}
BAND_LABELS_VI = {"hot": "nóng", "warm": "ấm", "cold": "lạnh"}
#: "recently active": an own trace (web, inbox, order, …) within this many days before as_of
RECENT_DAYS = 30
#: "inactive": no own trace for more than this many days before as_of
INACTIVE_DAYS = 90
#: how many reasons each score shows
MAX_REASONS = 3

# -- the lifecycle --------------------------------------------------------------------------------

#: The customer lifecycle states of :func:`lifecycle`, from no purchase to lost.
LIFECYCLE_STATES = ("lead", "one_time", "repeat", "loyal", "at_risk", "lost")
#: Completed orders that make a customer loyal (with a recent order).
LOYAL_MIN_ORDERS = 4
#: A repeat buyer is at risk once their silence exceeds this many of their own usual gaps
#: between orders (and at least MIN_AT_RISK_DAYS) ...
AT_RISK_GAPS = 2.0
MIN_AT_RISK_DAYS = 45
#: ... and lost after this many days without an order.
LOST_DAYS = 180

# -- the layers -----------------------------------------------------------------------------------

#: The columns of the profile, by layer (001 §1.3) — then the score and the action.
LAYERS = {
    "demographic": ["customer_id", "full_name", "phone", "email", "province", "company",
                    "segment", "detailed_segment", "customer_type", "outlets", "employees",
                    "lead_source", "owner", "marketing_consent", "first_seen"],
    "purchase": ["is_customer", "orders", "completed_orders", "revenue_vnd", "gross_margin_vnd",
                 "margin_rate", "repeat", "first_order", "last_order", "recency_days",
                 "lifecycle", "return_cancel_rate", "discount_share", "products_bought",
                 "main_channel", "r_score", "f_score", "m_score", "rfm_code", "complaints",
                 "nps_last"],
    "online": ["page_views", "pricing_views", "case_study_views", "catalog_downloads",
               "form_submits", "cart_adds", "inbox_messages", "consultations", "quotes",
               "open_deals", "open_deal_value_vnd", "deals_won", "deals_lost",
               "messages_opened", "messages_clicked", "referrals_made", "community_member",
               "last_seen", "days_since_seen", "recently_active", "inactive_90_days"],
    "insight": ["main_barrier", "barriers", "main_pain", "pains", "main_desire", "desires",
                "barrier_message", "barrier_offer"],
    "journey": ["journey_stage", *journey.JOURNEY_STAGES],
    "score": ["lead_score", "band", "score_reasons"],
    "action": ["next_best_action", "action_channel", "action_rule"],
}
LAYER_TITLES = {
    "demographic": "1. Demographic / firmographic (Nhân khẩu học)",
    "purchase": "2. Purchase behaviour (Hành vi mua hàng)",
    "online": "3. Online behaviour (Hành vi online)",
    "insight": "4. Pains – desires – barriers (Nỗi đau – mong muốn – rào cản)",
    "journey": "Journey stage (Hành trình)",
    "score": "Lead score (Mức độ sẵn sàng mua)",
    "action": "Next best action (Hành động tiếp theo)",
}

# -- the facts ------------------------------------------------------------------------------------

_WEB = {"page_view": "page_views", "pricing_view": "pricing_views",
        "case_study_view": "case_study_views", "catalog_download": "catalog_downloads",
        "form_submit": "form_submits", "add_to_cart": "cart_adds"}
_SUMS = (
    "orders", "completed_orders", "bad_orders", "revenue_vnd", "gross_margin_vnd",
    "list_value_vnd", "discount_vnd", *(f"orders_via_{c}" for c in ORDER_CHANNELS),
    *(f"bought_{c}" for c in CATEGORIES), *_WEB.values(), "inbox_messages", "tickets",
    "complaints", "deals_opened", "consultations", "quotes", "deals_won", "deals_lost",
    "deals_closed_quoted", "won_days_sum", "opened_value_vnd", "closed_value_vnd",
    "messages_sent", "messages_opened", "messages_clicked", "referrals_made")
_MINS = ("first_seen", "first_order", "community_joined", *journey.JOURNEY_STAGES)
_MAXS = ("last_seen", "last_order", "consent_yes_at", "consent_no_at", "outlets", "employees")
#: value column -> its time column; the value of the latest (last) or earliest (first) record
_LASTS = {"customer_type": "firmographic_at", "owner": "owner_at", "nps_last": "nps_at"}
_FIRSTS = {"lead_source": "lead_source_at"}
_PAIRS = {**_LASTS, **_FIRSTS}
_PAIR_TIMES = set(_PAIRS.values())
#: step 4's layer, per group and tag: texts whose main tag of the group it is (a sum), and the
#: best source rank among them (a minimum; see insight.SOURCE_RANK)
_INSIGHT_GROUPS = ("barrier", "pain", "desire")
_TAG, _TAG_SOURCE = "tag_", "tagsrc_"
#: when each text of step 4 was written: table -> its time column (a lost reason when lost)
_TEXT_TIMES = {"deals": "closed_date", "surveys": "submitted_at", "inbox_messages": "sent_at",
               "crm_contacts": "created_date"}


@functools.cache
def _tag_columns() -> tuple[tuple[str, str, str, str], ...]:
    """(group, tag, count column, source column) for every tag of the shipped taxonomy."""
    taxonomy = insight.load_taxonomy()
    return tuple((g, t, f"{_TAG}{g}__{t}", f"{_TAG_SOURCE}{g}__{t}")
                 for t, g in taxonomy["group"].items() if g in _INSIGHT_GROUPS)


def _kind(column: str) -> str:
    if column in _SUMS or column.startswith(_TAG):
        return "sum"
    if column in _MINS or column.startswith(_TAG_SOURCE):
        return "min"
    if column in _MAXS:
        return "max"
    return "pair"


#: table -> (customer id column, time column) of the records that are traces of the customer
_TRACES = {
    "crm_contacts": ("customer_id", "created_date"),
    "deals": ("customer_id", "inquiry_date"),
    "shop_orders": ("customer_id", "order_time"),
    "web_events": ("customer_id", "event_time"),
    "inbox_messages": ("customer_id", "sent_at"),
    "tickets": ("customer_id", "opened_at"),
    "surveys": ("customer_id", "submitted_at"),
    "referrals": ("referrer_customer_id", "referral_date"),
    "community": ("customer_id", "joined_date"),
}


def _in(times: pd.Series, since, until) -> np.ndarray:
    """True where ``since <= time < until`` (a missing time is never inside)."""
    ok = (times < until).to_numpy(dtype=bool, na_value=False)
    if since is not None:
        ok = ok & (times >= since).to_numpy(dtype=bool, na_value=False)
    return ok


def _reduce(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Merge rows of facts (any number per customer) into one row per customer, by column kind.

    Sums add up, ``min``/``max`` columns take the smallest/largest value, and a (value, time)
    pair keeps the value of the latest (``_LASTS``) or earliest (``_FIRSTS``) time, a tie going
    to the later (or earlier) part. Vectorised over integer customer codes.
    """
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty_facts()
    keys = [p["customer_id"].astype("str").to_numpy(dtype=object) for p in parts]
    ids = pd.Index(np.sort(pd.unique(np.concatenate(keys))), name="customer_id")
    codes = [ids.get_indexer(k) for k in keys]
    n = len(ids)
    dtypes = _fact_dtypes()
    out = {}
    for c in dict.fromkeys(c for p in parts for c in p.columns):
        if c == "customer_id" or c in _PAIR_TIMES:
            continue
        have = [(code, p[c]) for code, p in zip(codes, parts) if c in p.columns]
        how = _kind(c)
        if how == "pair":
            at = _PAIRS[c]
            f = pd.concat([pd.DataFrame({"_code": code, c: p[c].to_numpy(), at: p[at].to_numpy(),
                                         "_part": i})
                           for i, (code, p) in enumerate(zip(codes, parts)) if c in p.columns],
                          ignore_index=True)
            f = f[f[c].notna() & f[at].notna()]
            f = f.sort_values(["_code", at, "_part"], kind="stable")
            f = f.drop_duplicates("_code", keep="last" if c in _LASTS else "first")
            for col in (c, at):
                full = pd.Series(pd.NA if dtypes[col] != "datetime64[us]" else pd.NaT,
                                 index=range(n), dtype=dtypes[col])
                full.iloc[f["_code"].to_numpy()] = f[col].to_numpy()
                out[col] = full.to_numpy() if dtypes[col] == "datetime64[us]" else full.array
            continue
        code = np.concatenate([k for k, _ in have])
        values = pd.concat([v for _, v in have], ignore_index=True)
        if how == "sum":
            acc = np.zeros(n, dtype="int64")
            np.add.at(acc, code, values.fillna(0).to_numpy(dtype="int64"))
            out[c] = acc
        elif pd.api.types.is_datetime64_any_dtype(values.dtype):
            t = values.to_numpy(dtype="datetime64[us]").view("int64")
            nat = np.isnat(values.to_numpy(dtype="datetime64[us]"))
            big = np.iinfo("int64").max
            if how == "min":
                acc = np.full(n, big, dtype="int64")
                np.minimum.at(acc, code[~nat], t[~nat])
                acc[acc == big] = np.iinfo("int64").min
            else:
                acc = np.full(n, np.iinfo("int64").min, dtype="int64")
                np.maximum.at(acc, code[~nat], t[~nat])
            out[c] = acc.view("datetime64[us]")
        else:  # whole numbers that may be missing (outlets, source ranks)
            x = values.astype("float64").to_numpy(dtype="float64", na_value=np.nan)
            acc = np.full(n, np.nan)
            (np.fmin if how == "min" else np.fmax).at(acc, code, x)
            missing = np.isnan(acc)
            out[c] = pd.arrays.IntegerArray(np.where(missing, 0, acc).astype("int64"), missing)
    return _typed(out, ids)


def _empty_facts() -> pd.DataFrame:
    return _typed(pd.DataFrame(index=pd.Index([], dtype="str", name="customer_id")))


_FACT_DTYPES = {**{c: "int64" for c in _SUMS}, **{c: "datetime64[us]" for c in _MINS + _MAXS},
                **{c: "datetime64[us]" for c in _PAIRS.values()},
                "customer_type": "str", "owner": "str", "lead_source": "str",
                "outlets": "Int64", "employees": "Int64", "nps_last": "Int64"}


def _fact_dtypes() -> dict[str, str]:
    """Every fact column and its dtype, in the order of the facts table."""
    tags = {}
    for _, _, n, src in _tag_columns():
        tags[n], tags[src] = "int64", "Int64"
    return {**_FACT_DTYPES, **tags}


def _typed(out, ids: pd.Index | None = None) -> pd.DataFrame:
    """Every fact column present, with its dtype and in its place; sorted by customer.

    ``out`` is a DataFrame on the customer index, or a dict of columns on the index ``ids``.
    """
    dtypes = _fact_dtypes()
    if isinstance(out, pd.DataFrame):
        if (list(out.columns) == list(dtypes) and out.index.is_monotonic_increasing
                and all(str(t) == dtypes[c] for c, t in out.dtypes.items())):
            return out.reset_index()  # already the facts' layout
        ids = out.index
    n = len(ids)
    out = {c: v if isinstance(v, pd.Series) else pd.Series(v, index=ids, copy=False)
           for c, v in out.items()}
    columns = {}
    for c, dtype in dtypes.items():
        if c not in out:
            columns[c] = np.zeros(n, dtype="int64") if dtype == "int64" else pd.Series(
                None, index=range(n), dtype=dtype).array
        elif dtype == "int64":
            s = out[c]
            columns[c] = (s.to_numpy() if s.dtype == "int64" else
                          s.fillna(0).to_numpy(dtype="int64"))
        else:
            s = out[c]
            columns[c] = (s if str(s.dtype) == dtype else s.astype(dtype)).array
    typed = pd.DataFrame(columns, index=pd.RangeIndex(n))
    order = ids.argsort(kind="stable") if not ids.is_monotonic_increasing else None
    values = ids.to_numpy()
    if order is not None:
        typed, values = typed.take(order).reset_index(drop=True), values[order]
    typed.insert(0, "customer_id", pd.array(values, dtype=ids.dtype))
    return typed


def profile_facts(clean: dict, *, since: pd.Timestamp | None = None,
                  until: pd.Timestamp) -> pd.DataFrame:
    """Per-customer mergeable facts from the records with ``since <= time < until``.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model (``datasets.load_clean()``). It may hold records before ``since``
        and after ``until``: only the window's facts are produced. Pass the model *with* its
        history: a few facts need earlier records to be recognised (the loyalty stage is a
        *second* completed order; its date falls in the window only if it happened there).
    since, until : Timestamp
        The window; ``since=None`` starts at the beginning of the data.

    Returns
    -------
    DataFrame
        One row per customer with at least one record in the window, sorted by
        ``customer_id``: sums and counts (orders, revenue, web events by type, consultations,
        …), first and last dates (``first_seen``, ``last_seen``, stage dates, …), the value
        of the latest record for firmographics and the last NPS (with its date), the first
        lead source (with its date) and per-tag counts ``tag_<group>:<tag>`` of step 4.
        Merge two windows with :func:`combine_facts`; finish with :func:`finish_profile`.

    Examples
    --------
    >>> from c360lab import datasets
    >>> clean = datasets.load_clean()
    >>> t0, t = pd.Timestamp("2025-07-01"), pd.Timestamp("2026-01-01")
    >>> a = combine_facts(profile_facts(clean, until=t0), profile_facts(clean, since=t0, until=t))
    >>> b = profile_facts(clean, until=t)
    >>> pd.testing.assert_frame_equal(a, b)

    Source: 001 §4.7 (the profile is a living asset, updated from new data), §4.5.
    """
    until = pd.Timestamp(until)
    since = None if since is None else pd.Timestamp(since)
    if since is not None and since >= until:
        raise ValueError(f"since ({since.date()}) must be before until ({until.date()})")
    customers = clean["customers"]
    _check("customers", customers, ("customer_id",))
    parts = []

    def window(name: str, time: str) -> pd.DataFrame | None:
        df = clean.get(name)
        if df is None:
            return None
        return df[_in(df[time], since, until)]

    def per_customer(df, column="customer_id"):
        return df.loc[df[column].notna()].assign(customer_id=df[column].astype("str"))

    # traces: first and last seen (own records)
    for name, (column, time) in _TRACES.items():
        df = window(name, time)
        if df is None or not len(df):
            continue
        d = per_customer(df, column)
        parts.append(pd.DataFrame({"customer_id": d["customer_id"].to_numpy(),
                                   "last_seen": d[time].to_numpy()}))

    # journey (step 3): stage dates known at `until`, kept when they fall in the window
    st = journey.stage_dates(_stage_inputs(clean, since, until), as_of=until)
    for s in journey.JOURNEY_STAGES:
        st[s] = st[s].where(_in(st[s], since, until))
    st = st[st[list(journey.JOURNEY_STAGES)].notna().any(axis=1)]
    parts.append(st.assign(first_seen=st["awareness"]))

    # CRM: firmographics, consent, lead source
    crm = window("crm_contacts", "created_date")
    if crm is not None and len(crm):
        c = per_customer(crm)
        at = c["created_date"]
        consent = c["marketing_consent"].astype("boolean")
        src = c["lead_source"].astype("str").str.strip()
        has_src = c["lead_source"].notna() & (src != "")
        parts.append(pd.DataFrame({
            "customer_id": c["customer_id"],
            "customer_type": c["customer_type"], "firmographic_at": at.where(
                c["customer_type"].notna()),
            "outlets": c["outlets"], "employees": c["employees"],
            "owner": c["owner"], "owner_at": at.where(c["owner"].notna()),
            "lead_source": src.where(has_src), "lead_source_at": at.where(has_src),
            "consent_yes_at": at.where(consent.fillna(False).astype(bool)),
            "consent_no_at": at.where(~consent.fillna(True).astype(bool)),
        }))

    # purchases (step 1): the window's orders through profitability.customer_table
    orders = window("shop_orders", "order_time")
    if orders is not None and len(orders):
        orders = orders[orders["customer_id"].notna()]
        lines = clean["order_lines"]
        lines = lines[lines["order_id"].isin(orders["order_id"])]
        t = profitability.customer_table(orders, lines, as_of=until)
        parts.append(pd.DataFrame({
            "customer_id": t["customer_id"].astype("str"),
            "orders": t["orders"], "completed_orders": t["completed_orders"],
            "bad_orders": (t["return_cancel_rate"] * t["orders"]).round().astype("int64"),
            "revenue_vnd": t["revenue_vnd"], "gross_margin_vnd": t["gross_margin_vnd"],
            "list_value_vnd": t["list_value_vnd"], "discount_vnd": t["discount_vnd"],
            "first_order": t["first_order"], "last_order": t["last_order"]}))
        via = _counts(orders["customer_id"], orders["channel"], ORDER_CHANNELS)
        via.columns = [f"orders_via_{c}" for c in via.columns]
        parts.append(via.rename_axis("customer_id").reset_index())
        done = orders.loc[orders["status"] == "completed", ["order_id", "customer_id"]]
        cat = lines[["order_id", "category"]].merge(done, on="order_id").drop_duplicates(
            ["order_id", "category"])
        if len(cat):
            bought = _counts(cat["customer_id"], cat["category"], CATEGORIES)
            bought.columns = [f"bought_{c}" for c in bought.columns]
            parts.append(bought.rename_axis("customer_id").reset_index())

    # online behaviour: web events by type
    web = window("web_events", "event_time")
    if web is not None and len(web):
        w = per_customer(web)
        w = w[w["event_type"].isin(list(_WEB))]
        if len(w):
            counts = _counts(w["customer_id"], w["event_type"], _WEB).rename(columns=_WEB)
            parts.append(counts.rename_axis("customer_id").reset_index())

    # inbox, tickets, surveys, referrals, community, marketing messages
    def count(df, column, name, weights=None):
        d = per_customer(df, column)
        n = (d.assign(_n=1 if weights is None else weights(d))
             .groupby("customer_id", sort=True)["_n"].sum())
        parts.append(n.rename(name).rename_axis("customer_id").reset_index())

    if (inbox := window("inbox_messages", "sent_at")) is not None and len(inbox):
        count(inbox, "customer_id", "inbox_messages")
    if (tickets := window("tickets", "opened_at")) is not None and len(tickets):
        count(tickets, "customer_id", "tickets")
        count(tickets, "customer_id", "complaints",
              lambda d: d["issue_type"].isin(profitability.COMPLAINT_ISSUES).astype("int64"))
    if (surveys := window("surveys", "submitted_at")) is not None and len(surveys):
        s = per_customer(surveys)
        s = s[s["nps"].notna()]
        parts.append(pd.DataFrame({"customer_id": s["customer_id"], "nps_last": s["nps"],
                                   "nps_at": s["submitted_at"]}))
    if (ref := window("referrals", "referral_date")) is not None and len(ref):
        count(ref, "referrer_customer_id", "referrals_made")
    if (club := window("community", "joined_date")) is not None and len(club):
        c = per_customer(club)
        parts.append(pd.DataFrame({"customer_id": c["customer_id"],
                                   "community_joined": c["joined_date"]}))
    if (sends := window("automation_sends", "sent_at")) is not None and len(sends):
        count(sends, "customer_id", "messages_sent")
        count(sends, "customer_id", "messages_opened",
              lambda d: d["opened"].fillna(False).astype("int64"))
        count(sends, "customer_id", "messages_clicked",
              lambda d: d["clicked"].fillna(False).astype("int64"))

    # the sales pipeline: every stage date is an event of its own
    deals = clean.get("deals")
    if deals is not None and len(deals):
        d = per_customer(deals)
        value = d["value"].fillna(0).astype("int64")
        opened = _in(d["inquiry_date"], since, until)
        closed = _in(d["closed_date"], since, until)
        won = closed & (d["stage"] == "won").to_numpy()
        lost = closed & (d["stage"] == "lost").to_numpy()
        days = (d["closed_date"] - d["inquiry_date"]).dt.days.fillna(0).astype("int64")
        parts.append(pd.DataFrame({
            "customer_id": d["customer_id"],
            "deals_opened": opened.astype("int64"),
            "consultations": _in(d["consultation_date"], since, until).astype("int64"),
            "quotes": _in(d["quote_date"], since, until).astype("int64"),
            "deals_won": won.astype("int64"), "deals_lost": lost.astype("int64"),
            "deals_closed_quoted": ((won | lost) & d["quote_date"].notna().to_numpy()
                                    ).astype("int64"),
            "won_days_sum": np.where(won, days, 0),
            "opened_value_vnd": np.where(opened, value, 0),
            "closed_value_vnd": np.where(won | lost, value, 0),
        })[opened | _in(d["consultation_date"], since, until)
           | _in(d["quote_date"], since, until) | won | lost])

    # pains, desires, barriers (step 4): per-tag counts of the window's texts
    parts.extend(_tag_counts(clean, since, until))
    return _reduce(parts)


#: the time column of each table step 3 reads (deals: any stage date; orders: see below)
_STAGE_TIMES = {"web_events": "event_time", "inbox_messages": "sent_at",
                "crm_contacts": "created_date", "referrals": "referral_date",
                "tickets": "opened_at", "surveys": "submitted_at", "community": "joined_date",
                "automation_sends": "sent_at"}
_DEAL_DATES = ("inquiry_date", "consultation_date", "quote_date", "negotiation_date",
               "closed_date")


def _stage_inputs(clean: dict, since, until) -> dict:
    """What step 3 needs to date the journey stages reached in ``[since, until)``.

    Without ``since``: the whole clean model. With it: the records dated in the window (and
    those without a date, so that step 3's checks still see them), plus the completed orders
    before the window of the customers who ordered, referred or joined the community in it —
    the only history a stage date in the window depends on (the first completed order is the
    experience, the second the loyalty, and a referral or a community join after the first
    order is loyalty too), so only their first two such orders. A stage date computed from
    this is never earlier than the true one; where it is later, the true one lies before the
    window and the earlier window's facts hold it, so :func:`combine_facts` (the minimum)
    gives exactly the full history's date.
    """
    if since is None:
        return clean

    def dated(df, column):
        t = df[column] if column in df.columns else None
        if t is None or not pd.api.types.is_datetime64_any_dtype(t.dtype):
            return None  # let step 3's checks name the problem
        return t.isna().to_numpy() | _in(t, since, until)

    out = dict(clean)
    for name, time in _STAGE_TIMES.items():
        if (df := clean.get(name)) is not None and (keep := dated(df, time)) is not None:
            out[name] = df[keep]
    if (deals := clean.get("deals")) is not None and all(
            dated(deals, c) is not None for c in _DEAL_DATES):
        keep = deals["inquiry_date"].isna().to_numpy()
        for c in _DEAL_DATES:
            keep = keep | _in(deals[c], since, until)
        out["deals"] = deals[keep]
    orders = clean.get("shop_orders")
    if orders is not None and {"customer_id", "status"} <= set(orders.columns) and (
            keep := dated(orders, "order_time")) is not None:
        who = [orders.loc[keep, "customer_id"]]
        for name, column in (("referrals", "referrer_customer_id"),
                             ("community", "customer_id")):
            if name in out and column in out[name].columns:
                who.append(out[name][column])
        who = pd.unique(pd.concat(who, ignore_index=True).dropna().astype("str").to_numpy())
        before = ((orders["status"] == "completed").to_numpy(dtype=bool, na_value=False)
                  & (orders["order_time"] < since).to_numpy(dtype=bool, na_value=False))
        before[before] = orders.loc[before, "customer_id"].astype("str").isin(who).to_numpy()
        # of those, each customer's first two (by time, then row): all the stages look at
        rows = np.flatnonzero(before)
        person = pd.factorize(orders["customer_id"].to_numpy(dtype=object)[rows])[0]
        rank = np.lexsort((rows, orders["order_time"].to_numpy()[rows], person))
        nth = np.arange(len(rank)) - np.searchsorted(person[rank], person[rank], side="left")
        before[rows[rank[nth >= 2]]] = False
        out["shop_orders"] = orders[keep | before]
    # only the customers with a record in the window get a stage date in it
    customers = clean["customers"]
    ids = [customers["customer_id"].iloc[:0]]
    for name, df in out.items():
        if name in _STAGE_TIMES or name in ("deals", "shop_orders"):
            ids += [df[c] for c in ("customer_id", "referrer_customer_id",
                                    "referred_customer_id") if c in df.columns]
    ids = pd.unique(pd.concat(ids, ignore_index=True).dropna().astype("str").to_numpy())
    out["customers"] = customers[customers["customer_id"].astype("str").isin(ids).to_numpy()]
    return out


def _counts(ids: pd.Series, values: pd.Series, columns) -> pd.DataFrame:
    """How many rows each customer has of each value: one column per value of ``columns``."""
    n = pd.DataFrame({"customer_id": ids.astype("str").to_numpy(),
                      "value": values.astype("str").to_numpy()})
    n = n.groupby(["customer_id", "value"], sort=True).size().unstack("value", fill_value=0)
    n = n.reindex(columns=list(columns), fill_value=0)
    n.columns.name = None
    return n


def _tag_counts(clean: dict, since, until) -> list[pd.DataFrame]:
    """Per customer and tag of step 4: the window's texts whose main tag of the group it is."""
    columns = [(t, c, i) for t, c, i in insight.TEXT_COLUMNS if t in clean and t in _TEXT_TIMES]
    texts = {}
    for table in dict.fromkeys(t for t, _, _ in columns):
        df = clean[table]
        when = df[_TEXT_TIMES[table]]
        if table == "deals":  # a reason without a close date: when the deal was opened
            when = when.fillna(df["inquiry_date"])
        texts[table] = df[_in(when, since, until) & df["customer_id"].notna().to_numpy()]
    if not columns or not any(len(df) for df in texts.values()):
        return []
    tags = insight.tag_texts(texts, columns=columns)
    if tags.empty:
        return []
    parts = []
    for group in _INSIGHT_GROUPS:
        per = insight._per_text(tags, group)
        if per.empty:
            continue
        g = per.groupby(["customer_id", "tag"], sort=True).agg(n=("tag", "size"),
                                                               src=("_source", "min"))
        n = g["n"].unstack("tag")
        src = g["src"].unstack("tag")
        n.columns = [f"{_TAG}{group}__{t}" for t in n.columns]
        src.columns = [f"{_TAG_SOURCE}{group}__{t}" for t in src.columns]
        parts.append(n.join(src).rename_axis("customer_id").reset_index())
    return parts


def combine_facts(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Merge the facts of two time windows into the facts of both (old first, then new).

    Sums add up, first dates take the minimum, last dates the maximum, "latest value" facts
    the value of the later record (the newer window's on a tie) and "first value" facts the
    earlier one (the older window's on a tie).

    Examples
    --------
    >>> a = profile_facts(_TINY, until=pd.Timestamp("2025-03-01"))
    >>> b = profile_facts(_TINY, since=pd.Timestamp("2025-03-01"), until=pd.Timestamp("2026-01-01"))
    >>> combine_facts(a, b)[["customer_id", "pricing_views", "first_seen", "last_seen"]]
      customer_id  pricing_views first_seen  last_seen
    0          C1              3 2025-01-05 2025-06-01

    Source: 001 §4.7 (update from new data).
    """
    for name, df in (("old facts", old), ("new facts", new)):
        if not isinstance(df, pd.DataFrame) or "customer_id" not in df.columns:
            raise C360DataError(name, [Problem("customer_id", "is missing",
                                               "pass the output of profile_facts(...)")])
    old, new = _one_row_each(old), _one_row_each(new)
    # A customer in both has one row in each: merge the two rows column by column (vectorised
    # over those customers); every other old row stays as it is; new customers are inserted.
    ids, new_ids = (df["customer_id"].to_numpy(dtype=object) for df in (old, new))
    at = np.searchsorted(ids, new_ids)
    found = at < len(ids)
    found[found] = ids[at[found]] == new_ids[found]
    pos, place = at[found], _places(ids, new_ids[~found])
    kept = place["old"][pos]  # where the customers in both end up
    columns = {}
    for c in old.columns:
        if c in _PAIR_TIMES:
            continue  # merged with its value
        o, n = _values(old[c]), _values(new[c])
        columns[c] = out = _spliced(o, n[~found], place)
        if c == "customer_id":
            continue
        n = n[found]
        if c in _PAIRS:
            t = _PAIRS[c]
            old_t, new_t = _values(old[t]), _values(new[t])
            columns[t] = _spliced(old_t, new_t[~found], place)
            out[kept], columns[t][kept] = _pick(c in _LASTS, o[pos], old_t[pos], n, new_t[found])
        elif _kind(c) == "sum":
            out[kept] = o[pos] + n
        elif pd.api.types.is_datetime64_any_dtype(o.dtype):
            out[kept] = (np.fmin if _kind(c) == "min" else np.fmax)(o[pos], n)
        else:  # whole numbers that may be missing (outlets, source ranks)
            both = (np.fmin if _kind(c) == "min" else np.fmax)(
                o[pos].to_numpy("float64", na_value=np.nan), n.to_numpy("float64", na_value=np.nan))
            out[kept] = pd.array(both, dtype=o.dtype)
    return pd.DataFrame({c: columns[c] for c in old.columns}, copy=False)


def _values(s: pd.Series):
    """A column's values to compute with: the NumPy array, or the extension array (Int64, str)."""
    return s.array if isinstance(s.dtype, pd.api.extensions.ExtensionDtype) else s.to_numpy()


def _pick(latest: bool, old_value, old_time, new_value, new_time):
    """Per customer, the (value, time) of the later record (``latest``) or of the earlier one; a
    record counts when it has both; the new record wins a tie for the latest, the old one for
    the earliest; neither: missing."""
    old_ok = ~pd.isna(old_value) & ~np.isnat(old_time)
    new_ok = ~pd.isna(new_value) & ~np.isnat(new_time)
    new_wins = new_ok & ~(old_ok & ((new_time < old_time) if latest else (old_time <= new_time)))
    value = old_value.copy()
    value[new_wins] = new_value[new_wins]
    value[~new_wins & ~old_ok] = None
    return value, np.where(new_wins, new_time, np.where(old_ok, old_time, np.datetime64("NaT")))


def _one_row_each(facts: pd.DataFrame) -> pd.DataFrame:
    """Facts in their layout, sorted, one row per customer: the rows of a customer who has
    several (facts not made by :func:`profile_facts`) merged with :func:`_reduce`."""
    if facts["customer_id"].isna().any():
        facts = facts[facts["customer_id"].notna().to_numpy()]
    ids = facts["customer_id"].astype("str").rename("customer_id")
    twice = ids.duplicated(keep=False).to_numpy()
    if twice.any():
        once, more = _one_row_each(facts[~twice]), _reduce([facts[twice]])
        place = _places(once["customer_id"].to_numpy(dtype=object),
                        more["customer_id"].to_numpy(dtype=object))
        return pd.DataFrame({c: _spliced(_values(once[c]), _values(more[c]), place)
                             for c in once.columns}, copy=False)
    return _typed(facts.set_index(ids).drop(columns="customer_id"))


def _places(ids: np.ndarray, more: np.ndarray) -> dict[str, np.ndarray]:
    """Where the rows of two sorted lists of distinct customers go in the sorted union:
    ``old`` for those of ``ids``, ``more`` for those of ``more``; ``source``: per row of the
    union, its row in ``ids`` (-1 for the others)."""
    more = np.searchsorted(ids, more) + np.arange(len(more))
    source = np.zeros(len(ids) + len(more), dtype="int64")
    source[more] = -1
    old = np.flatnonzero(source == 0)
    source[old] = np.arange(len(ids))
    return {"old": old, "more": more, "source": source}


def _spliced(values, more, place: dict[str, np.ndarray]):
    """``values`` and ``more`` in the places of :func:`_places` (a new array)."""
    if isinstance(values, np.ndarray):
        out = np.empty(len(place["source"]), dtype=values.dtype)
        out[place["old"]] = values
    else:
        out = values.take(place["source"], allow_fill=True)
    out[place["more"]] = more
    return out


# -- finishing ------------------------------------------------------------------------------------

def finish_profile(facts: pd.DataFrame, clean_customers: pd.DataFrame, *,
                   as_of: pd.Timestamp = TODAY, weights: dict | None = None) -> pd.DataFrame:
    """The profile (one row per customer of the facts) from merged facts, at ``as_of``.

    Parameters
    ----------
    facts : DataFrame
        :func:`profile_facts` (or :func:`combine_facts`) of records before ``as_of``.
    clean_customers : DataFrame
        ``clean["customers"]``: name, phone, e-mail, province, company, segment.
    as_of : Timestamp
        "Today", for recency and "recently active".
    weights : dict, optional
        Points per signal (see :func:`lead_score`); :data:`DEFAULT_WEIGHTS` by default.

    Returns
    -------
    DataFrame
        See :func:`build_profile`.

    Source: 001 §4.5.
    """
    as_of = pd.Timestamp(as_of)
    _check("customers", clean_customers, ("customer_id",))
    f = _typed(facts.set_index("customer_id")) if len(facts) else _empty_facts()
    late = f["last_seen"] >= as_of
    if late.any():
        raise C360DataError("facts", [_bad_rows(
            f, late, "last_seen", f"is on or after as_of ({as_of.date()})",
            "build the facts from records before as_of (profile_facts(..., until=as_of))")])
    seen = f["first_seen"].notna().to_numpy()
    f = (f if seen.all() else f[seen]).set_index("customer_id")  # no copy when all are kept
    who = clean_customers.assign(customer_id=clean_customers["customer_id"].astype("str"))
    who = who.drop_duplicates("customer_id").set_index("customer_id")
    at = who.index.get_indexer(f.index)  # each customer's row in `who`, looked up once
    if not (at >= 0).all():
        f, at = f[at >= 0], at[at >= 0]
    who = who.iloc[at].set_axis(f.index)
    p = pd.DataFrame(index=f.index)

    # 1. demographic / firmographic
    for c in ("full_name", "phone", "email", "province", "company"):
        p[c] = who[c].astype("str") if c in who.columns else pd.NA
    seg = who["segment"] if "segment" in who.columns else pd.Series(
        pd.NA, index=p.index)
    p["segment"] = seg.astype("str").where(seg.notna(), profitability.UNKNOWN_SEGMENT)
    for c in ("customer_type", "outlets", "employees"):
        p[c] = f[c]
    p["lead_source"] = f["lead_source"].fillna("unknown").astype("str")
    p["owner"] = f["owner"]
    p["detailed_segment"] = insight._split_cafes(p["segment"], f["outlets"],
                                                 insight.SMALL_CAFE_MAX_OUTLETS)
    p["marketing_consent"] = (f["consent_yes_at"].notna()
                              & ~(f["consent_no_at"] >= f["consent_yes_at"])).astype(bool)
    p["first_seen"] = f["first_seen"]

    # 2. purchase behaviour (step 1's definitions, from the summed facts)
    p["is_customer"] = f["completed_orders"] > 0
    for c in ("orders", "completed_orders", "revenue_vnd", "gross_margin_vnd"):
        p[c] = f[c]
    rev, value = f["revenue_vnd"], f["list_value_vnd"]
    p["margin_rate"] = (f["gross_margin_vnd"] / rev.where(rev != 0)).astype("float64")
    p["repeat"] = f["completed_orders"] >= 2
    p["first_order"], p["last_order"] = f["first_order"], f["last_order"]
    p["recency_days"] = (as_of - f["last_order"]).dt.days.astype("Int64")
    p["lifecycle"] = _lifecycle_states(f["completed_orders"], p["recency_days"],
                                       f["first_order"], f["last_order"])[0]
    p["return_cancel_rate"] = (f["bad_orders"] / f["orders"].where(f["orders"] > 0)
                               ).astype("float64")
    p["discount_share"] = (f["discount_vnd"] / value.where(value != 0)).fillna(0.0)
    p.loc[f["orders"] == 0, "discount_share"] = np.nan
    bought = f[[f"bought_{c}" for c in CATEGORIES]].to_numpy() > 0
    p["products_bought"] = _joined(bought, list(CATEGORIES))
    via = f[[f"orders_via_{c}" for c in ORDER_CHANNELS]].to_numpy()
    main = np.array(ORDER_CHANNELS, dtype=object)[via.argmax(axis=1)] if len(f) else []
    p["main_channel"] = pd.array(np.where(via.sum(axis=1) > 0, main, None) if len(f) else [],
                                 dtype="str")
    buyers = (f["orders"] > 0).to_numpy()
    code = np.zeros(len(f), dtype="int64")  # the three scores as the digits of one number
    for col, src, high in (("r_score", p["recency_days"].astype("float64"), False),
                           ("f_score", f["completed_orders"], True),
                           ("m_score", f["revenue_vnd"], True)):
        score = np.zeros(len(f), dtype="int64")
        score[buyers] = profitability.rfm_scores(src[buyers], higher_is_better=high).to_numpy()
        p[col] = pd.arrays.IntegerArray(score, ~buyers)
        code = code * 10 + score
    combos, row = np.unique(np.where(buyers, code, -1), return_inverse=True)
    text = np.where(combos < 0, None, combos.astype(str).astype(object))
    p["rfm_code"] = pd.array(text[row], dtype="str")
    p["complaints"] = f["complaints"]
    p["nps_last"] = f["nps_last"]

    # 3. online behaviour
    for c in ("page_views", "pricing_views", "case_study_views", "catalog_downloads",
              "form_submits", "cart_adds", "inbox_messages", "consultations", "quotes",
              "deals_won", "deals_lost", "messages_opened", "messages_clicked",
              "referrals_made"):
        p[c] = f[c]
    p["open_deals"] = f["deals_opened"] - f["deals_won"] - f["deals_lost"]
    p["open_quotes"] = f["quotes"] - f["deals_closed_quoted"]
    p["open_deal_value_vnd"] = f["opened_value_vnd"] - f["closed_value_vnd"]
    p["community_member"] = f["community_joined"].notna()
    p["last_seen"] = f["last_seen"]
    p["days_since_seen"] = (as_of - f["last_seen"]).dt.days.astype("Int64")
    p["recently_active"] = (p["days_since_seen"] <= RECENT_DAYS).fillna(False).astype(bool)
    p["inactive_90_days"] = (p["days_since_seen"] > INACTIVE_DAYS).fillna(False).astype(bool)

    # 4. pains, desires, barriers (step 4)
    p = p.join(_insight_columns(f))

    # journey (step 3): stage dates, and the furthest stage reached
    for s in journey.JOURNEY_STAGES:
        p[s] = f[s]
    reached = f[list(journey.JOURNEY_STAGES)].notna().to_numpy().sum(axis=1)
    p["journey_stage"] = pd.Categorical.from_codes(reached - 1, categories=journey.JOURNEY_STAGES,
                                                   ordered=True)
    p["days_since_first_order"] = (as_of - f["experience"]).dt.days.astype("Int64")

    # score and action
    p = p.join(lead_score(p, weights=weights))
    p = p.join(next_best_action(p))
    p = p.reset_index()
    extra = ["open_quotes", "days_since_first_order"]
    columns = [c for layer in LAYERS.values() for c in layer]
    p = p[columns + extra]
    if not p["customer_id"].is_monotonic_increasing:  # facts come sorted: usually nothing to do
        p = p.sort_values("customer_id", kind="stable")
    return p.reset_index(drop=True)


def _joined(mask: np.ndarray, names: list[str]) -> pd.Series:
    """Per row, the names where ``mask`` is True, comma-separated ("" when none)."""
    code = mask.astype("int64") @ (1 << np.arange(len(names), dtype="int64"))
    combos, row = np.unique(code, return_inverse=True)  # the text of each combination, once
    text = np.array([", ".join(n for j, n in enumerate(names) if c >> j & 1) for c in combos],
                    dtype=object)
    return pd.array(text[row], dtype="str")


def _insight_columns(f: pd.DataFrame) -> pd.DataFrame:
    """Step 4's layer from the per-tag facts, by step 4's own rule (insight.customer_insights):
    main barrier / pain / desire, all of them with counts, and the playbook's answer.

    Per customer, the tags of a group are ranked as ``insight._summary`` ranks them — most
    texts first, then the best source, then the taxonomy's order — straight from the matrix
    of per-tag counts (no row per text).
    """
    taxonomy = insight.load_taxonomy()
    order = {t: i for i, t in enumerate(taxonomy.index)}
    n = len(f)
    out = {}
    for group in _INSIGHT_GROUPS:
        cols = [(t, c, s) for g, t, c, s in _tag_columns() if g == group]
        counts = f[[c for _, c, _ in cols]].to_numpy(dtype="int64")
        rows, k = np.nonzero(counts)
        times, source = counts[rows, k], np.empty(len(rows))
        for j, (_, _, s) in enumerate(cols):  # the source ranks where a tag was counted
            at = k == j
            source[at] = f[s].array[rows[at]].to_numpy("float64", na_value=np.nan)
        rank_of = np.array([order[t] for t, _, _ in cols], dtype="int64")[k]
        # customer, then most texts, then best source (a missing one last), then taxonomy order
        sort = np.lexsort((rank_of, np.where(np.isnan(source), np.inf, source), -times, rows))
        rows, k, times = rows[sort], k[sort], times[sort]
        tags = np.array([t for t, _, _ in cols], dtype=object)[k]
        labels, many = tags.copy(), times > 1
        labels[many] = tags[many] + " ×" + times[many].astype(str).astype(object)
        first = np.r_[True, rows[1:] != rows[:-1]] if len(rows) else np.zeros(0, bool)
        starts = np.flatnonzero(first)
        which = np.cumsum(first) - 1
        place = np.arange(len(rows)) - starts[which] if len(rows) else np.zeros(0, "int64")
        listed = labels[starts].copy()
        for j in range(1, int(place.max()) + 1 if len(place) else 0):
            at = place == j
            listed[which[at]] = listed[which[at]] + ", " + labels[at]
        main = np.full(n, None, dtype=object)
        main[rows[starts]] = tags[starts]
        every = np.full(n, "", dtype=object)
        every[rows[starts]] = listed
        out[f"main_{group}"] = pd.array(main, dtype="str")
        out[f"{group}s"] = pd.array(every, dtype="str")
    out = pd.DataFrame(out, index=f.index)
    book = insight.playbook(taxonomy)
    out["barrier_message"] = out["main_barrier"].map(book["message_en"]).astype("str")
    out["barrier_offer"] = out["main_barrier"].map(book["offer_en"]).astype("str")
    return out


def build_profile(clean: dict, *, as_of: pd.Timestamp = TODAY,
                  weights: dict | None = None) -> pd.DataFrame:
    """The Customer 360 profile: one row per customer known at ``as_of``, four layers and more.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model (``datasets.load_clean()``).
    as_of : Timestamp
        "Today": only records before it are used (the sample's 2026-01-01 by default).
    weights : dict, optional
        Points per behaviour signal for the lead score; see :data:`DEFAULT_WEIGHTS`.

    Returns
    -------
    DataFrame
        One row per customer with at least one record before ``as_of`` (every customer of
        ``clean["customers"]`` once ``as_of`` is after the data), sorted by ``customer_id``,
        with the columns of :data:`LAYERS` in order: demographic/firmographic, purchase
        behaviour, online behaviour, pains – desires – barriers, journey, then ``lead_score``,
        ``band``, ``score_reasons``, the next best action (``next_best_action``,
        ``action_channel``, ``action_rule``), and two helper columns of the action rules:
        ``open_quotes`` (open deals with a quote sent) and ``days_since_first_order``.

    Examples
    --------
    >>> p = build_profile(_TINY, as_of=pd.Timestamp("2025-06-15"))
    >>> p[["customer_id", "pricing_views", "journey_stage", "lead_score", "band"]]
      customer_id  pricing_views journey_stage  lead_score  band
    0          C1              3 consideration           9  warm
    >>> p.loc[0, "score_reasons"]
    '3 pricing views (+6); active in the last 30 days (+3)'
    

    Source: 001 §4.5, §1.3.
    """
    as_of = pd.Timestamp(as_of)
    return finish_profile(profile_facts(clean, until=as_of), clean["customers"], as_of=as_of,
                          weights=weights)


# -- lead score -----------------------------------------------------------------------------------

def _weights(weights: dict | None) -> dict:
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    if not isinstance(weights, dict):
        raise TypeError(f"weights must be a dict signal -> points, not {type(weights).__name__}")
    problems = [Problem(str(k), "is not a signal the score knows",
                        f"use one of: {', '.join(SIGNALS)}") for k in weights if k not in SIGNALS]
    problems += [Problem(str(k), f"has points {v!r} that are not a number",
                         "give a number of points (e.g. 2)") for k, v in weights.items()
                 if k in SIGNALS and (isinstance(v, bool) or not isinstance(v, (int, float,
                                                                             np.number)))]
    if problems:
        raise C360DataError("weights", problems)
    return {**DEFAULT_WEIGHTS, **weights}


def lead_score(profile: pd.DataFrame, *, weights: dict | None = None,
               bands: dict | None = None, max_reasons: int = MAX_REASONS) -> pd.DataFrame:
    """Points from behaviour, the hot/warm/cold band and the top reasons of each score.

    ``lead_score`` = Σ weight × signal, rounded to whole points, over the signals of
    :data:`SIGNALS` (counts, and the flag ``recently_active`` as 1 or 0). ``band`` is "hot" from
    ``BANDS["hot"]`` points, "warm" from ``BANDS["warm"]``, else "cold". ``score_reasons``
    lists the largest contributions first (ties in the order of :data:`SIGNALS`), at most
    ``max_reasons`` of them, e.g. "3 pricing views (+6); 1 consultation booked (+5)".

    Parameters
    ----------
    profile : DataFrame
        Has a column per signal (a profile, or any table of counts).
    weights : dict, optional
        Points per signal; signals not given keep their :data:`DEFAULT_WEIGHTS`.
    bands : dict, optional
        Lower cut points ``{"hot": …, "warm": …}``; :data:`BANDS` by default.

    Returns
    -------
    DataFrame
        ``lead_score`` (int64), ``band`` (str), ``score_reasons`` (str), on ``profile``'s index.

    Raises
    ------
    C360DataError
        A weight names an unknown signal (the error names it), or is not a number; a signal
        column is missing.

    Examples
    --------
    >>> counts = pd.DataFrame({"pricing_views": [3, 0], "case_study_views": [1, 0],
    ...     "catalog_downloads": [0, 0], "consultations": [1, 0], "form_submits": [0, 2],
    ...     "recently_active": [True, False], "inactive_90_days": [False, True]})
    >>> s = lead_score(counts)
    >>> s[["lead_score", "band"]]
       lead_score  band
    0          17   hot
    1          -8  cold
    >>> s["score_reasons"].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['3 pricing views (+6); 1 consultation booked (+5); 1 case-study view (+3)',
     'no activity for 90+ days (-10); 2 web forms sent (+2)']
    >>> lead_score(counts, weights={"form_submits": 3})["lead_score"].tolist()
    [17, -4]

    Source: 001 §4.5 ("lead scoring: nóng/ấm/lạnh dựa trên hành vi").
    """
    w = _weights(weights)
    b = {**BANDS, **(bands or {})}
    missing = [s for s in SIGNALS if s not in profile.columns and w[s] != 0]
    if missing:
        raise C360DataError("profile", [Problem(c, "is missing",
                                                "pass build_profile(...) or a table of counts")
                                        for c in missing])
    names = [s for s in SIGNALS if s in profile.columns]
    counts = np.column_stack([profile[s].fillna(0).to_numpy(dtype="float64") for s in names]) \
        if len(profile) else np.zeros((0, len(names)))
    points = counts * np.array([float(w[s]) for s in names])
    score = np.rint(points.sum(axis=1)).astype("int64")
    band = np.where(score >= b["hot"], "hot", np.where(score >= b["warm"], "warm", "cold"))
    order = np.argsort(-np.abs(points), axis=1, kind="stable")[:, :max_reasons]
    # the reasons depend only on the shown signals and their counts: write each distinct
    # combination once (many customers share one), then hand it to every customer who has it
    at = np.arange(len(profile))
    key = np.zeros(len(profile), dtype="int64")
    for j in range(order.shape[1]):
        for part in (order[:, j], counts[at, order[:, j]].view("int64")):
            codes, uniques = pd.factorize(part)
            key = pd.factorize(key * len(uniques) + codes)[0]
    distinct, first = np.unique(key, return_index=True)
    text = np.full(len(first), "", dtype=object)
    for j in range(order.shape[1]):
        sig = order[first, j]
        pts = points[first, sig]
        cnt = counts[first, sig]
        part = _reason_text(sig, cnt, pts, names)
        part = np.where(pts != 0, part, "")
        sep = np.where((text != "") & (part != ""), "; ", "")
        text = text + sep + part
    text = text[np.searchsorted(distinct, key)] if len(key) else text
    return pd.DataFrame({"lead_score": score, "band": pd.array(band, dtype="str"),
                         "score_reasons": pd.array(text, dtype="str")}, index=profile.index)


def rescore(profile: pd.DataFrame, weights: dict | None = None) -> pd.DataFrame:
    """The profile with its score, band, reasons and next best action redone for ``weights``.

    Everything else is unchanged; the input is not modified.

    Examples
    --------
    >>> p = build_profile(_TINY, as_of=pd.Timestamp("2025-06-15"))
    >>> rescore(p, {"pricing_views": 4})[["lead_score", "band"]]
       lead_score band
    0          15  hot

    Source: 001 §4.5 (a score the team can adjust).
    """
    out = profile.copy()
    score = lead_score(out, weights=weights)
    for c in score.columns:
        out[c] = score[c]
    action = next_best_action(out)
    for c in action.columns:
        out[c] = action[c]
    return out


def _reason_text(sig: np.ndarray, cnt: np.ndarray, pts: np.ndarray, names) -> np.ndarray:
    """'3 pricing views (+6)' for each (signal, count, points)."""
    one = np.array([SIGNALS[n][0] for n in names], dtype=object)[sig]
    many = np.array([SIGNALS[n][1] for n in names], dtype=object)[sig]
    flag = np.isin(np.array(names, dtype=object)[sig], _FLAGS)
    number = _formatted(cnt, "g")
    noun = np.where(cnt == 1, one, many)
    what = np.where(flag, one, number + " " + noun)
    return what + " (" + _formatted(pts, "+g") + ")"


def _formatted(x: np.ndarray, spec: str) -> np.ndarray:
    """``format(v, spec)`` of every value, formatting each distinct value once."""
    distinct, where = np.unique(x, return_inverse=True)
    return np.array([format(v, spec) for v in distinct], dtype=object)[where.reshape(-1)]


# -- lifecycle ------------------------------------------------------------------------------------

def _lifecycle_states(orders, recency, first_order, last_order, *,
                      loyal_min_orders: int = LOYAL_MIN_ORDERS, at_risk_gaps: float = AT_RISK_GAPS,
                      min_at_risk_days: int = MIN_AT_RISK_DAYS, lost_days: int = LOST_DAYS
                      ) -> tuple[pd.Categorical, np.ndarray]:
    """The lifecycle state (ordered categories :data:`LIFECYCLE_STATES`) and the usual gap
    between orders in days (NaN below two orders), from the purchase columns."""
    orders = pd.to_numeric(orders).fillna(0).to_numpy(dtype="float64")
    recency = pd.to_numeric(recency).to_numpy(dtype="float64", na_value=np.nan)
    span = (last_order - first_order).dt.days.to_numpy(dtype="float64", na_value=np.nan)
    gap = np.where(orders >= 2, span / np.maximum(orders - 1, 1), np.nan)
    silent = recency > np.maximum(at_risk_gaps * np.nan_to_num(gap, nan=np.inf),
                                  min_at_risk_days)
    code = np.select(
        [orders < 1, recency > lost_days, (orders >= 2) & silent, orders >= loyal_min_orders,
         orders >= 2],
        [LIFECYCLE_STATES.index(s) for s in ("lead", "lost", "at_risk", "loyal", "repeat")],
        LIFECYCLE_STATES.index("one_time"))
    state = pd.Categorical.from_codes(code, categories=LIFECYCLE_STATES, ordered=True)
    return state, gap


def lifecycle(profile: pd.DataFrame, *, loyal_min_orders: int = LOYAL_MIN_ORDERS,
              at_risk_gaps: float = AT_RISK_GAPS, min_at_risk_days: int = MIN_AT_RISK_DAYS,
              lost_days: int = LOST_DAYS) -> pd.DataFrame:
    """Add each customer's lifecycle state: lead, one-time, repeat, loyal, at risk or lost.

    From the purchase columns of a profile snapshot (what a shop owner can see at that date):

    - ``lead``: no completed order yet;
    - ``lost``: no order for more than ``lost_days``;
    - ``at_risk``: a repeat buyer (2+ completed orders) silent for longer than
      ``at_risk_gaps`` times their own usual gap between orders (first to last order over the
      gaps between them), and at least ``min_at_risk_days``;
    - ``loyal``: ``loyal_min_orders`` or more completed orders, and not at risk or lost;
    - ``repeat``: 2 or more completed orders, not loyal, at risk or lost;
    - ``one_time``: a single completed order, not lost.

    The profile itself carries this state in its purchase layer (``lifecycle``, with the
    default thresholds), and the next best action reads it (:data:`NBA_RULES`).

    Parameters
    ----------
    profile : DataFrame
        A profile or snapshot with ``completed_orders``, ``first_order``, ``last_order`` and
        ``recency_days`` (as :func:`c360lab.profitability.customer_table` and the profile
        name them).

    Returns
    -------
    DataFrame
        A copy of ``profile`` with ``lifecycle`` (ordered categories :data:`LIFECYCLE_STATES`)
        and ``usual_gap_days`` (NaN for fewer than two orders).

    Examples
    --------
    >>> p = pd.DataFrame({"customer_id": list("ABCDE"), "completed_orders": [0, 1, 6, 6, 3],
    ...     "first_order": pd.to_datetime([None, "2025-11-01", "2025-01-01", "2025-01-01",
    ...                                    "2025-03-01"]),
    ...     "last_order": pd.to_datetime([None, "2025-11-01", "2025-12-20", "2025-09-01",
    ...                                   "2025-05-01"]),
    ...     "recency_days": [None, 61, 12, 122, 245]})
    >>> lifecycle(p)["lifecycle"].tolist()
    ['lead', 'one_time', 'loyal', 'at_risk', 'lost']

    Source: 001 §4.7 (signals that a customer's needs changed), §4.1 (repeat buying).
    """
    profitability._need(profile, ("completed_orders", "first_order", "last_order",
                                  "recency_days"),
                        "profile", "build_profile(...) or load_snapshot(...)")
    state, gap = _lifecycle_states(
        profile["completed_orders"], profile["recency_days"], profile["first_order"],
        profile["last_order"], loyal_min_orders=loyal_min_orders, at_risk_gaps=at_risk_gaps,
        min_at_risk_days=min_at_risk_days, lost_days=lost_days)
    out = profile.copy()
    out["lifecycle"] = pd.Series(state, index=out.index)
    out["usual_gap_days"] = gap
    return out


# -- next best action -----------------------------------------------------------------------------

#: After-sales care: a first order within this many days.
CARE_DAYS = 30
#: Win-back: no order for more than this many days.
LAPSED_DAYS = 180
#: Referral invite: a last NPS of at least this (a promoter, 003).
PROMOTER_MIN = kpi.PROMOTER_MIN

#: The rules, in order: the first rule whose condition holds — and, for a marketing action, whose
#: customer has given marketing consent — decides. Non-marketing actions (a sales follow-up of an
#: open request, after-sales care of an order, a care check-in of a customer at risk) need no
#: marketing consent; a customer for whom no rule fits gets the last one. A customer at risk
#: (``lifecycle``, see :func:`lifecycle`: a repeat buyer silent for over twice their usual gap)
#: gets a win-back offer with consent and a care check-in call without it — never the referral
#: invite, which goes only to customers who are neither at risk nor lost.
NBA_RULES = pd.DataFrame([
    ("follow_up_quote", "an open deal with a quote sent",
     "Sales call: follow up the quote (gọi chốt báo giá)", "phone (sales)", False),
    ("follow_up_request", "an open deal without a quote yet",
     "Consultation call on the open request (gọi tư vấn)", "phone (sales)", False),
    ("after_sales_care", f"first completed order within the last {CARE_DAYS} days",
     "After-sales care: usage guide and check-in (chăm sóc sau mua)", "phone (care)", False),
    ("at_risk_win_back", "a customer at risk (lifecycle at_risk: silent for over "
     f"{AT_RISK_GAPS:g}× their usual gap between orders)",
     "Win-back offer before they lapse (ưu đãi giữ chân)", "email", True),
    ("at_risk_check_in", "a customer at risk without marketing consent",
     "Care check-in call: how is it going? (gọi hỏi thăm)", "phone (care)", False),
    ("referral_invite", f"a customer who is a promoter (last NPS ≥ {PROMOTER_MIN}) or loyal, "
     f"ordered within {LAPSED_DAYS} days, neither at risk nor lost",
     "Invite to the referral programme (mời giới thiệu)", "zalo_oa", True),
    ("win_back", f"a customer with no order for more than {LAPSED_DAYS} days",
     "Win-back offer (ưu đãi quay lại)", "email", True),
    ("repeat_reminder", "any other customer",
     "Repeat-purchase reminder and cross-sell (nhắc mua lại)", "zalo_oa", True),
    ("hot_lead_call", "a hot lead (not a customer yet)",
     "Consultation call (gọi tư vấn)", "phone (telesales)", True),
    ("warm_lead_material", "a warm lead",
     "Send material that answers their barrier (gửi tài liệu)", "email", True),
    ("cold_lead_remarketing", f"a cold lead active in the last {RECENT_DAYS} days",
     "Remarketing ads (remarketing)", "ads (custom audience)", True),
    ("cold_lead_webinar", "any other cold lead",
     "Webinar invite (mời webinar)", "email", True),
    ("ask_consent", "no rule above fits (no marketing consent)",
     "No action: ask for consent at next contact (xin đồng ý ở lần liên hệ tới)", "none",
     False),
], columns=["rule", "when", "action", "channel", "marketing"])
#: the channels that carry marketing (never used without consent)
MARKETING_CHANNELS = tuple(sorted(set(NBA_RULES.loc[NBA_RULES["marketing"], "channel"])))


def _conditions(p: pd.DataFrame) -> dict[str, np.ndarray]:
    cust = p["is_customer"].to_numpy(dtype=bool)
    recency = p["recency_days"].astype("float64").to_numpy()
    new = p["days_since_first_order"].astype("float64").to_numpy() <= CARE_DAYS
    nps = p["nps_last"].astype("float64").to_numpy()
    loyal = p["loyalty"].notna().to_numpy() if "loyalty" in p.columns else np.zeros(len(p), bool)
    lapsed = recency > LAPSED_DAYS
    state = (p["lifecycle"] if "lifecycle" in p.columns else _lifecycle_states(
        p["completed_orders"], p["recency_days"], p["first_order"], p["last_order"])[0])
    state = np.asarray(state, dtype=object)
    at_risk = state == "at_risk"
    slipping = at_risk | (state == "lost")
    band = p["band"].to_numpy(dtype=object)
    return {
        "follow_up_quote": (p["open_deals"].to_numpy() > 0) & (p["open_quotes"].to_numpy() > 0),
        "follow_up_request": p["open_deals"].to_numpy() > 0,
        "after_sales_care": cust & new,
        "at_risk_win_back": cust & at_risk,
        "at_risk_check_in": cust & at_risk,
        "referral_invite": cust & ~lapsed & ~slipping & ((nps >= PROMOTER_MIN) | loyal),
        "win_back": cust & lapsed,
        "repeat_reminder": cust,
        "hot_lead_call": ~cust & (band == "hot"),
        "warm_lead_material": ~cust & (band == "warm"),
        "cold_lead_remarketing": ~cust & p["recently_active"].to_numpy(dtype=bool),
        "cold_lead_webinar": ~cust,
        "ask_consent": np.ones(len(p), bool),
    }


def next_best_action(profile: pd.DataFrame) -> pd.DataFrame:
    """The next best action and its channel per customer, by :data:`NBA_RULES`.

    Rules are tried in order; the first that fits wins. A marketing rule fits only a customer
    with ``marketing_consent``; without it the customer falls through to a non-marketing
    action (a sales follow-up of an open deal, after-sales care of a recent order) or to "No
    action: ask for consent at next contact". A customer at risk (``lifecycle``: see
    :func:`lifecycle`; computed from the purchase columns when the table lacks it) gets a
    win-back offer with consent and a care check-in call without — never a referral invite,
    nor does a lost customer.

    Returns
    -------
    DataFrame
        ``next_best_action``, ``action_channel``, ``action_rule`` on ``profile``'s index.

    Source: 001 §4.5 ("next best action": gửi tài liệu, mời webinar, gọi tư vấn, remarketing,
    chăm sóc sau mua); Decree 13/2023 (marketing needs consent).
    """
    cond = _conditions(profile)
    consent = profile["marketing_consent"].fillna(False).to_numpy(dtype=bool)
    pick = np.full(len(profile), -1)
    for i, row in NBA_RULES.iterrows():
        ok = cond[row["rule"]] & (consent | (not row["marketing"])) & (pick < 0)
        pick[ok] = i
    r = NBA_RULES.iloc[pick]
    return pd.DataFrame({"next_best_action": pd.array(r["action"].to_numpy(), dtype="str"),
                         "action_channel": pd.array(r["channel"].to_numpy(), dtype="str"),
                         "action_rule": pd.array(r["rule"].to_numpy(), dtype="str")},
                        index=profile.index)


# -- back-test ------------------------------------------------------------------------------------

def backtest(clean: dict, *, cutoff: pd.Timestamp, until: pd.Timestamp = TODAY,
             weights: dict | None = None) -> pd.DataFrame:
    """Score the leads who were not customers yet at ``cutoff``; who became one before ``until``?

    The score uses only records before ``cutoff`` (no leakage); the outcome is a completed
    order in ``[cutoff, until)``.

    Returns
    -------
    DataFrame
        The profile at ``cutoff`` of the customers with ``is_customer`` False, plus
        ``became_customer`` (bool).

    Source: 001 §4.5 (lead scoring), §4.6 (check it against real sales).
    """
    cutoff, until = pd.Timestamp(cutoff), pd.Timestamp(until)
    p = build_profile(clean, as_of=cutoff, weights=weights)
    leads = p[~p["is_customer"]].reset_index(drop=True)
    o = clean["shop_orders"]
    done = o[(o["status"] == "completed").to_numpy() & _in(o["order_time"], cutoff, until)]
    leads["became_customer"] = leads["customer_id"].isin(done["customer_id"].astype("str"))
    return leads


# -- the one-page card ----------------------------------------------------------------------------

def _money(v) -> str:
    return "—" if pd.isna(v) else f"{int(v):,} ₫".replace(",", ".")


def _date(v) -> str:
    return "—" if pd.isna(v) else pd.Timestamp(v).strftime("%d/%m/%Y")


def _val(v) -> str:
    return "—" if v is None or (not isinstance(v, str) and pd.isna(v)) or v == "" else str(v)


def card_html(profile: pd.DataFrame, customer_id: str) -> str:
    """The one-page card of one customer, for sales and care: HTML, escaped, self-contained.

    Who, value, journey, barriers, the score with its reasons and the next action.

    Raises
    ------
    C360DataError
        ``customer_id`` is not in the profile.

    Source: 001 §4.5 (bản "tóm tắt 1 trang" cho sales/CSKH).
    """
    hit = profile[profile["customer_id"] == customer_id]
    if len(hit) != 1:
        raise C360DataError("profile", [Problem(
            "customer_id", f"has no row {customer_id!r}" if len(hit) == 0 else
            f"has {len(hit)} rows {customer_id!r}", "pass a customer_id of the profile")])
    r = hit.iloc[0]
    e = html.escape

    def row(label, value):
        return (f"<tr><th style='text-align:left;padding:2px 8px 2px 0;font-weight:600;"
                f"vertical-align:top'>{e(label)}</th>"
                f"<td style='padding:2px 0'>{e(value)}</td></tr>")

    def section(title, rows):
        return (f"<h4 style='margin:10px 0 4px 0'>{e(title)}</h4>"
                f"<table style='border-collapse:collapse;font-size:13px'>{''.join(rows)}</table>")

    band = str(r["band"])
    colour = {"hot": "#D55E00", "warm": "#E69F00", "cold": "#0072B2"}.get(band, "#555555")
    reasons = [x for x in str(r["score_reasons"]).split("; ") if x and x != "nan"]
    consent = "yes" if bool(r["marketing_consent"]) else "no — marketing messages not allowed"
    who = [row("Segment", _val(r["segment"])), row("Company", _val(r["company"])),
           row("Province", _val(r["province"])), row("Phone", _val(r["phone"])),
           row("E-mail", _val(r["email"])), row("Lead source", _val(r["lead_source"])),
           row("Sales owner", _val(r["owner"])), row("Marketing consent", consent)]
    value = [row("Revenue", _money(r["revenue_vnd"])),
             row("Gross margin", _money(r["gross_margin_vnd"])),
             row("Orders (completed)", f"{int(r['orders'])} ({int(r['completed_orders'])})"),
             row("Last order", _date(r["last_order"])),
             row("Products", _val(r["products_bought"]))]
    stage = _val(r["journey_stage"])
    path = [row("Stage", journey.STAGE_LABELS.get(stage, stage)),
            row("First seen", _date(r["first_seen"])), row("Last seen", _date(r["last_seen"]))]
    insight = [row("Main barrier", _val(r["main_barrier"])), row("Barriers", _val(r["barriers"])),
               row("Pains", _val(r["pains"])), row("Desires", _val(r["desires"]))]
    items = "".join(f"<li>{e(x)}</li>" for x in reasons) or "<li>no behaviour signal yet</li>"
    score = (f"<h4 style='margin:10px 0 4px 0'>Lead score</h4><div><span style='background:"
             f"{colour};color:#fff;border-radius:4px;padding:2px 8px;font-weight:700'>"
             f"{int(r['lead_score'])} points · {e(band)} ({e(BAND_LABELS_VI.get(band, band))})"
             f"</span></div><ul style='margin:4px 0 0 18px;padding:0'>{items}</ul>")
    action = (f"<h4 style='margin:10px 0 4px 0'>Next best action</h4>"
              f"<div style='font-weight:600'>{e(_val(r['next_best_action']))}</div>"
              f"<div>channel: {e(_val(r['action_channel']))}</div>")
    title = (f"<div style='font-size:16px;font-weight:700'>{e(_val(r['full_name']))}"
             f" <span style='font-weight:400;color:#555'>{e(str(r['customer_id']))}</span></div>")
    return ("<div style='border:1px solid #999;border-radius:6px;padding:10px 14px;"
            "max-width:640px;font-family:sans-serif'>" + title
            + section("Who", who) + section("Value", value) + section("Journey", path)
            + section("Pains, desires, barriers", insight) + score + action + "</div>")


# -- export ---------------------------------------------------------------------------------------

#: characters that make a spreadsheet treat a cell as a formula (and tab/CR, OWASP)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells that a spreadsheet would run as a formula (starting with ``=``,
    ``+``, ``-``, ``@``, tab or carriage return) get a leading single quote; numbers stay numbers.

    The one formula-injection protection of the package: every CSV/Excel it writes goes through it.

    >>> inert(pd.DataFrame({"name": ["=1+2", "@SUM(A1)", "An"], "n": [-1, 2, 3]})).values.tolist()
    [["'=1+2", -1], ["'@SUM(A1)", 2], ['An', 3]]

    Source: OWASP, CSV injection.
    """
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype("str")
        if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
            text = s.astype("str")
            bad = text.str.startswith(FORMULA_STARTS).fillna(False) & s.notna()
            out[c] = s.where(~bad, "'" + text)
    return out


def _write_xlsx(df: pd.DataFrame, path: Path, sheet: str = "customer_360") -> Path:
    """``df`` as one Excel sheet, streamed row by row with openpyxl's write-only mode, so
    100,000 profiles take a minute and little memory (not the gigabytes of ``DataFrame.to_excel``)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append([str(c) for c in df.columns])
    cols = []
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            values = s.astype("object").where(s.notna(), None).tolist()
        elif pd.api.types.is_bool_dtype(s.dtype):
            values = [None if pd.isna(v) else bool(v) for v in s.astype("object")]
        elif pd.api.types.is_integer_dtype(s.dtype):
            values = [None if pd.isna(v) else int(v) for v in s.astype("object")]
        elif pd.api.types.is_float_dtype(s.dtype):
            values = [None if pd.isna(v) else float(v) for v in s.astype("object")]
        else:
            values = [None if (v is None or v is pd.NA or (isinstance(v, float) and v != v))
                      else (v if isinstance(v, (str, int, float, bool)) else str(v))
                      for v in s.astype("object")]
        cols.append(values)
    for row in zip(*cols):
        ws.append(row)
    wb.save(path)
    return path


def export_profile(profile: pd.DataFrame, path) -> Path:
    """Write the profile for a CRM import: ``.csv`` (UTF-8 with BOM, for Excel) or ``.xlsx``.

    Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
    ``@``, tab or carriage return) get a leading single quote, so they stay inert text.

    Returns
    -------
    Path
        The file written.

    Source: 001 §4.5 ("Đưa vào hệ thống vận hành: tối thiểu là CRM").
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"export to .csv or .xlsx, not {path.suffix or 'a file without suffix'}")
    out = inert(profile)
    if suffix == ".csv":
        out.to_csv(path, index=False, encoding="utf-8-sig")
    else:
        _write_xlsx(out, path)
    return path


# -- a tiny clean model for the examples ----------------------------------------------------------

_TINY = {
    "customers": pd.DataFrame({"customer_id": ["C1"], "full_name": ["Lê Thị Hoa"],
                               "segment": ["cafe"]}),
    "web_events": pd.DataFrame({
        "customer_id": ["C1"] * 4, "event_type": ["page_view"] + ["pricing_view"] * 3,
        "event_time": pd.to_datetime(["2025-01-05", "2025-01-06", "2025-02-01", "2025-06-01"])}),
}
