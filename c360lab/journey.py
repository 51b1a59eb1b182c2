"""Step 3: the customer journey — stages, funnel, drop-off, time between stages, by source.

The source's third step (001 §4.3, "Phân tích hành vi & hành trình khách hàng") draws the
journey in five stages — Nhận biết → Cân nhắc → Quyết định → Trải nghiệm → Trung thành/mua lại —
finds the biggest drop point of the funnel (website exit, inbox "asked the price and vanished",
sales consultation that missed, no return after the purchase) and compares lead sources ("SEO
leads need depth, ads leads are hot but often fake, referral leads trust most"). 002 lists, for
each stage, what customers do and where they do it; :data:`STAGE_EVIDENCE` says which records
of the clean model count as each stage.

Every function is pure: DataFrames in, a new DataFrame out. The chain::

    stages = customer_stages(clean)                # one row per customer: stage dates
    table = funnel(stages)                         # reached, step conversion, lost
    biggest_leak(table)                            # the step that keeps the smallest share
    drop_off(stages, by="lead_source")             # where each source's customers stop
    time_between_stages(stages, by="segment")      # days from one stage to the next
    pipeline_funnel(clean["deals"])                # the B2B sales pipeline
    conversion_by_source(clean)                    # lead → customer rate per CRM lead source

**Monotone by construction.** A later stage implies the earlier ones: a Shopee buyer who never
browsed the website still became aware of Phin & Co. and decided to buy. So the date of each
stage is the earliest evidence of that stage *or of any later one* (earlier stages are
back-filled), and the funnel's counts can only shrink from stage to stage.
``inferred_stages`` names the stages a customer reached without evidence of their own.

**The B2B pipeline.** The CRM's deals go inquiry → consultation → quote → negotiation → won
(:data:`PIPELINE_STAGES`). On the journey, inquiry and consultation are *consideration*, quote and
negotiation *decision*, and a won deal that is paid (a completed order) *experience*
(:data:`PIPELINE_TO_JOURNEY`). The mandatory touchpoint chain of 001 §4.2 (``identity.
TOUCHPOINT_CHAIN``) has no negotiation link: tư vấn → báo giá → thanh toán. Negotiation is a
sub-step of quote → payment that not every CRM records (a salesperson who haggles on the phone
never sets it), so :data:`PAYMENT_CHAIN` folds it in: inquiry → consultation → quote → won.
Look at both views; the leak finder reads whichever funnel it is given.

Source: 001 §4.3 (five stages, biggest drop point, behaviour by source), 001 §4.2 (the
touchpoint chain), 002 (the stages with their behaviours and touchpoints).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .contract import C360DataError, Problem
from .datasets import TODAY
from .profitability import UNKNOWN_SEGMENT, _bad_rows, _check, _DATES, _need

__all__ = [
    "CONSIDERATION_EVENTS",
    "DECISION_EVENTS",
    "DROP_POINTS",
    "JOURNEY_STAGES",
    "PAYMENT_CHAIN",
    "PIPELINE_STAGES",
    "PIPELINE_TO_JOURNEY",
    "STAGE_EVIDENCE",
    "STAGE_LABELS",
    "STAGE_LABELS_VI",
    "TOUCHES",
    "biggest_leak",
    "conversion_by_source",
    "customer_stages",
    "drop_off",
    "drop_points",
    "funnel",
    "pipeline_funnel",
    "stage_dates",
    "time_between_stages",
]

#: The five stages of 001 §4.3, in order.
JOURNEY_STAGES = ("awareness", "consideration", "decision", "experience", "loyalty")
#: Vietnamese names of the stages, as 001 §4.3 writes them.
STAGE_LABELS_VI = {"awareness": "Nhận biết", "consideration": "Cân nhắc",
                   "decision": "Quyết định", "experience": "Trải nghiệm",
                   "loyalty": "Trung thành/mua lại"}
#: English and Vietnamese, for charts and tables.
STAGE_LABELS = {s: f"{s.capitalize()} ({vi})" for s, vi in STAGE_LABELS_VI.items()}

#: website events that show a customer comparing and weighing (002: Cân nhắc)
CONSIDERATION_EVENTS = ("pricing_view", "case_study_view", "catalog_download", "form_submit")
#: website events that show a customer choosing to buy (002: Quyết định)
DECISION_EVENTS = ("add_to_cart", "checkout_start", "purchase")

#: What counts as evidence of each stage in the clean model (before ``as_of``).
STAGE_EVIDENCE = {
    "awareness": "any trace of the customer: a website event, an inbox message, a CRM contact, "
                 "a deal, an order, a referral (made or received), a ticket, a survey answer, a "
                 "community membership or a marketing message sent to them",
    "consideration": "a pricing or case-study view, a catalogue download or a web form; an inbox "
                     "conversation (asking for information); a CRM lead record (left their "
                     "details); a deal's inquiry or consultation",
    "decision": "an add-to-cart, a checkout or a web purchase event; an order placed (any "
                "status); a deal's quote, negotiation or win",
    "experience": "the first completed order",
    "loyalty": "a second completed order, or a referral made or a community membership after "
               "the first completed order",
}

#: The CRM's sales pipeline, in order ("lost" is where a deal stops, not a stage).
PIPELINE_STAGES = ("inquiry", "consultation", "quote", "negotiation", "won")
#: The pipeline along the touchpoint chain of 001 §4.2 (tư vấn → báo giá → thanh toán):
#: negotiation folded into quote → won.
PAYMENT_CHAIN = ("inquiry", "consultation", "quote", "won")
#: Where each pipeline stage sits on the journey (won counts as experience once it is paid).
PIPELINE_TO_JOURNEY = {"inquiry": "consideration", "consultation": "consideration",
                       "quote": "decision", "negotiation": "decision", "won": "experience"}

#: Where a trace comes from, for ``first_touch`` and ``last_touch``.
TOUCHES = ("website", "inbox", "sales", "shop", "referral", "care", "community", "marketing")

#: The drop points of 001 §4.3, and how :func:`drop_points` recognises them.
DROP_POINTS = {
    "website exit": "stopped before buying; their last own trace is on the website",
    "inbox: asked, then vanished": "stopped before buying; their last own trace is an inbox "
                                   "message",
    "sales: consultation missed": "stopped before buying; their last own trace is a CRM lead "
                                  "or deal",
    "order not completed": "placed an order, but none was completed (cancelled, returned, "
                           "failed delivery)",
    "other contact": "stopped before buying; last seen elsewhere (referral, care, community)",
    "no return after purchase": "one completed order, no second one, no referral",
}

#: the lead source of a customer the CRM never recorded
UNKNOWN_SOURCE = "unknown"
_DEAL_DATES = ("inquiry_date", "consultation_date", "quote_date", "negotiation_date",
               "closed_date")
#: table -> (required columns, columns that may be blank)
_INPUTS = {
    "customers": (("customer_id",), ()),
    "web_events": (("customer_id", "event_type", "event_time"), ("customer_id",)),
    "inbox_messages": (("customer_id", "sent_at"), ()),
    "crm_contacts": (("customer_id", "lead_source", "created_date"), ("lead_source",)),
    "deals": (("customer_id", "stage", *_DEAL_DATES), _DEAL_DATES[1:]),
    "shop_orders": (("customer_id", "order_time", "status"), ()),
    "referrals": (("referrer_customer_id", "referred_customer_id", "referral_date"),
                  ("referrer_customer_id", "referred_customer_id")),
    "tickets": (("customer_id", "opened_at"), ()),
    "surveys": (("customer_id", "submitted_at"), ()),
    "community": (("customer_id", "joined_date"), ()),
    "automation_sends": (("customer_id", "sent_at"), ()),
}
_NAT = np.iinfo("int64").max  # "no date" while taking minima


# -- checks ---------------------------------------------------------------------------------------

def _checked(table: str, df: pd.DataFrame, columns=None, may_be_blank=None) -> pd.DataFrame:
    """``df`` after profitability's checks, plus: every date column really holds dates."""
    req, blank = _INPUTS.get(table, ((), ()))
    columns = req if columns is None else columns
    blank = blank if may_be_blank is None else may_be_blank
    _check(table, df, columns, may_be_blank=blank)
    problems = []
    for c in columns:
        if c in _DATES or not (c.endswith(("_date", "_time", "_at"))):
            continue  # profitability's check already judged it, or it is not a date
        s = df[c]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            continue
        unread = pd.to_datetime(s, errors="coerce", format="ISO8601").isna() & s.notna()
        problems.append(_bad_rows(df, unread, c, f"is not a date column (dtype {s.dtype})",
                                  "read the table with c360lab.load_raw (or load_clean), or "
                                  "convert it with pd.to_datetime")
                        or Problem(c, f"is not a date column (dtype {s.dtype})",
                                   "convert it with pd.to_datetime"))
    if problems:
        raise C360DataError(table, problems)
    return df


def _times(s: pd.Series) -> np.ndarray:
    """Dates as int64 microseconds; missing dates become ``_NAT``."""
    t = s.to_numpy(dtype="datetime64[us]").view("int64").copy()
    t[np.isnat(s.to_numpy(dtype="datetime64[us]"))] = _NAT
    return t


def _dates(t: np.ndarray) -> np.ndarray:
    """The inverse of :func:`_times`."""
    out = t.copy()
    out[t == _NAT] = np.iinfo("int64").min  # NaT
    return out.view("datetime64[us]")


# -- per customer ---------------------------------------------------------------------------------

def customer_stages(clean: dict, *, as_of: pd.Timestamp = TODAY) -> pd.DataFrame:
    """The date each customer reached each of the five journey stages, and their furthest stage.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model (``datasets.load_clean()``): ``customers`` (required) and any of the
        tables with a ``customer_id`` (``web_events``, ``inbox_messages``, ``crm_contacts``,
        ``deals``, ``shop_orders``, ``referrals``, ``tickets``, ``surveys``, ``community``,
        ``automation_sends``). A missing table adds no evidence; a table that is present must
        have the columns this function reads. Rows of customers not in ``customers`` are
        ignored.
    as_of : Timestamp
        "Today": evidence on or after it is ignored (the sample's 2026-01-01 by default).

    Returns
    -------
    DataFrame
        One row per customer of ``clean["customers"]``, in its order:

        - ``customer_id``; ``segment`` (``"unknown"`` when blank or absent);
        - ``lead_source``: the first-touch CRM lead source (of the customer's earliest contact
          with a source), ``"unknown"`` without one;
        - ``first_touch``, ``last_touch``: where the earliest and the latest trace of the
          customer's *own* (marketing messages sent to them do not count) come from, one of
          :data:`TOUCHES`;
        - one date column per stage of :data:`JOURNEY_STAGES` (NaT: not reached), as
          :data:`STAGE_EVIDENCE` defines them, back-filled so that reaching a stage implies
          reaching every earlier one, on or before its date;
        - ``furthest_stage``: an ordered categorical, the last stage reached (missing only for a
          customer without any dated trace before ``as_of``);
        - ``inferred_stages``: the stages reached only through back-filling, comma-separated
          (``""`` when every stage reached has evidence of its own).

    Raises
    ------
    C360DataError
        A table lacks a column this function reads, has blank keys or dates, or a date column
        that does not hold dates.

    Examples
    --------
    >>> clean = {"customers": pd.DataFrame({"customer_id": ["C1", "C2"],
    ...                                     "segment": ["cafe", "household"]}),
    ...     "web_events": pd.DataFrame({"customer_id": ["C1", "C1"],
    ...         "event_type": ["page_view", "pricing_view"],
    ...         "event_time": pd.to_datetime(["2025-01-01", "2025-01-03"])}),
    ...     "shop_orders": pd.DataFrame({"customer_id": ["C2"], "status": ["completed"],
    ...         "order_time": pd.to_datetime(["2025-02-01"])})}
    >>> s = customer_stages(clean)
    >>> s[["customer_id", "furthest_stage", "awareness", "decision", "inferred_stages"]]
      customer_id furthest_stage  awareness   decision           inferred_stages
    0          C1  consideration 2025-01-01        NaT
    1          C2     experience 2025-02-01 2025-02-01  awareness, consideration

    The order is evidence of the decision (placing it) and of the experience (completing it).

    Source: 001 §4.3 (Nhận biết → Cân nhắc → Quyết định → Trải nghiệm → Trung thành/mua lại);
    002 (what customers do at each stage, and where).
    """
    e = _evidence(clean, pd.Timestamp(as_of))
    customers, ids, n, crm, reached = e["customers"], e["ids"], e["n"], e["crm"], e["reached"]
    pos, t, touch, own, limit = e["pos"], e["t"], e["touch"], e["own"], e["limit"]
    inferred = (reached != _NAT) & (e["seen"] != reached)

    out = pd.DataFrame({"customer_id": ids.to_numpy()}, index=customers.index)
    segment = (customers["segment"] if "segment" in customers.columns
               else pd.Series(pd.NA, index=customers.index, dtype="str"))
    out["segment"] = segment.astype("str").where(segment.notna() & (segment.astype("str")
                                                 .str.strip() != ""), UNKNOWN_SEGMENT)
    out["lead_source"] = _first_sources(crm, ids, limit) if crm is not None else UNKNOWN_SOURCE
    mine = own.astype(bool)
    out["first_touch"] = _touch_at(pos[mine], t[mine], touch[mine], n, first=True)
    out["last_touch"] = _touch_at(pos[mine], t[mine], touch[mine], n, first=False)
    for i, s in enumerate(JOURNEY_STAGES):
        out[s] = _dates(reached[:, i])
    count = (reached != _NAT).sum(axis=1)
    out["furthest_stage"] = pd.Categorical.from_codes(count - 1, categories=JOURNEY_STAGES,
                                                      ordered=True)
    labels = np.array([f"{s}, " for s in JOURNEY_STAGES])
    text = pd.Series([""] * n, index=out.index, dtype="str")
    for i in range(len(JOURNEY_STAGES)):
        text = text + np.where(inferred[:, i], labels[i], "")
    out["inferred_stages"] = text.str.removesuffix(", ")
    return out


def _evidence(clean: dict, as_of: pd.Timestamp) -> dict:
    """The dated evidence of :func:`customer_stages` (``pos``: the customer's row, ``t``, the
    stage, the touch, ``own``) and the stage dates it gives: ``seen`` (first evidence of each
    stage) and ``reached`` (back-filled), as int64 microseconds per customer and stage."""
    customers = _checked("customers", clean["customers"])
    ids = pd.Index(customers["customer_id"].astype("str"))
    if ids.has_duplicates:
        raise C360DataError("customers", [_bad_rows(
            customers, customers["customer_id"].duplicated(keep=False), "customer_id",
            "has duplicate keys", "keep one row per customer (step 2 merges the duplicates)")])
    n, limit = len(ids), _times(pd.Series([as_of])).item()
    stage_of = {s: i for i, s in enumerate(JOURNEY_STAGES)}
    touch_of = {t: i for i, t in enumerate(TOUCHES)}
    parts = []  # (position, time, stage, touch, own)

    def add(df, column, when, stage, touch, *, own=True):
        if len(df) == 0:
            return
        pos = ids.get_indexer(df[column].astype("str"))
        t = _times(df[when])
        st = np.broadcast_to(np.asarray(stage, dtype="int8"), pos.shape)
        keep = (pos >= 0) & (t < limit) & df[column].notna().to_numpy()
        parts.append((pos[keep], t[keep], np.asarray(st)[keep],
                      np.full(int(keep.sum()), touch_of[touch], dtype="int8"),
                      np.full(int(keep.sum()), own)))

    def table(name):
        df = clean.get(name)
        return None if df is None else _checked(name, df)

    if (web := table("web_events")) is not None:
        kind = web["event_type"]
        stage = np.select([kind.isin(DECISION_EVENTS).to_numpy(),
                           kind.isin(CONSIDERATION_EVENTS).to_numpy()], [2, 1], 0)
        add(web, "customer_id", "event_time", stage, "website")
    if (inbox := table("inbox_messages")) is not None:
        add(inbox, "customer_id", "sent_at", 1, "inbox")
    crm = table("crm_contacts")
    if crm is not None:
        add(crm, "customer_id", "created_date", 1, "sales")
    if (deals := table("deals")) is not None:
        won = (deals["stage"] == "won").to_numpy()
        for column, stage in (("inquiry_date", 1), ("consultation_date", 1), ("quote_date", 2),
                              ("negotiation_date", 2)):
            add(deals, "customer_id", column, stage, "sales")
        add(deals, "customer_id", "closed_date", np.where(won, 2, 0), "sales")
    first_paid = np.full(n, _NAT)
    if (orders := table("shop_orders")) is not None:
        add(orders, "customer_id", "order_time", 2, "shop")
        done = orders[(orders["status"] == "completed").to_numpy()]
        pos = ids.get_indexer(done["customer_id"].astype("str"))
        t = _times(done["order_time"])
        ok = (pos >= 0) & (t < limit)
        pos, t = pos[ok], t[ok]
        order = np.lexsort((t, pos))
        pos, t = pos[order], t[order]
        nth = np.arange(len(pos)) - np.searchsorted(pos, pos, side="left")
        np.minimum.at(first_paid, pos[nth == 0], t[nth == 0])
        for k, stage in ((0, 3), (1, 4)):
            sel = nth == k
            parts.append((pos[sel], t[sel], np.full(int(sel.sum()), stage, dtype="int8"),
                          np.full(int(sel.sum()), touch_of["shop"], dtype="int8"),
                          np.full(int(sel.sum()), True)))

    def after_first_order(df, column, when):
        """Loyalty where the date is on or after the customer's first completed order."""
        pos = ids.get_indexer(df[column].astype("str"))
        first = np.where(pos >= 0, first_paid[np.maximum(pos, 0)], _NAT)
        return np.where((first != _NAT) & (_times(df[when]) >= first), 4, 0)

    if (ref := table("referrals")) is not None:
        add(ref, "referred_customer_id", "referral_date", 0, "referral")
        add(ref, "referrer_customer_id", "referral_date",
            after_first_order(ref, "referrer_customer_id", "referral_date"), "referral")
    if (club := table("community")) is not None:
        add(club, "customer_id", "joined_date",
            after_first_order(club, "customer_id", "joined_date"), "community")
    for name, when in (("tickets", "opened_at"), ("surveys", "submitted_at")):
        if (df := table(name)) is not None:
            add(df, "customer_id", when, 0, "care")
    if (sends := table("automation_sends")) is not None:
        add(sends, "customer_id", "sent_at", 0, "marketing", own=False)

    pos, t, stage, touch, own = (np.concatenate([p[i] for p in parts]) if parts else
                                 np.array([], dtype=d) for i, d in
                                 enumerate(("int64", "int64", "int8", "int8", "bool")))
    seen = np.full((n, len(JOURNEY_STAGES)), _NAT)
    np.minimum.at(seen, (pos, stage.astype("int64")), t)
    reached = np.minimum.accumulate(seen[:, ::-1], axis=1)[:, ::-1]  # back-fill
    return {"customers": customers, "ids": ids, "n": n, "crm": crm, "limit": limit, "pos": pos,
            "t": t, "touch": touch, "own": own, "seen": seen, "reached": reached}



def stage_dates(clean: dict, *, as_of: pd.Timestamp = TODAY) -> pd.DataFrame:
    """``customer_id`` and the date of each stage of :func:`customer_stages`, nothing else
    (no segment, touches or lead source): what the profile's facts need, quicker.

    Examples
    --------
    >>> clean = {"customers": pd.DataFrame({"customer_id": ["C1"], "segment": ["cafe"]}),
    ...     "shop_orders": pd.DataFrame({"customer_id": ["C1"], "status": ["completed"],
    ...         "order_time": pd.to_datetime(["2025-02-01"])})}
    >>> stage_dates(clean)[["customer_id", "awareness", "experience", "loyalty"]]
      customer_id  awareness experience loyalty
    0          C1 2025-02-01 2025-02-01     NaT

    Source: 001 §4.3.
    """
    e = _evidence(clean, pd.Timestamp(as_of))
    out = pd.DataFrame({"customer_id": e["ids"].to_numpy()}, index=e["customers"].index)
    for i, s in enumerate(JOURNEY_STAGES):
        out[s] = _dates(e["reached"][:, i])
    return out


def _first_sources(crm: pd.DataFrame, ids: pd.Index, limit: int) -> np.ndarray:
    """Per customer, the lead source of their earliest CRM contact that has one."""
    has = crm["lead_source"].notna() & (crm["lead_source"].astype("str").str.strip() != "")
    c = crm[has.to_numpy()]
    pos = ids.get_indexer(c["customer_id"].astype("str"))
    t = _times(c["created_date"])
    keep = (pos >= 0) & (t < limit)
    order = np.lexsort((np.arange(int(keep.sum())), t[keep], pos[keep]))  # ties: row order
    p = pos[keep][order]
    src = c["lead_source"].astype("str").to_numpy()[keep][order]
    first = np.r_[True, p[1:] != p[:-1]] if len(p) else np.array([], dtype=bool)
    out = np.full(len(ids), UNKNOWN_SOURCE, dtype=object)
    out[p[first]] = src[first]
    return pd.array(out, dtype="str")


def _touch_at(pos, t, touch, n: int, *, first: bool) -> pd.Categorical:
    """The touch of each customer's earliest (or latest) trace; ties follow the order of the tables."""
    order = np.lexsort((np.arange(len(pos)), t, pos))
    p, k = pos[order], touch[order]
    if first:
        pick = np.r_[True, p[1:] != p[:-1]] if len(p) else np.array([], dtype=bool)
    else:
        pick = np.r_[p[1:] != p[:-1], True] if len(p) else np.array([], dtype=bool)
    codes = np.full(n, -1, dtype="int64")
    codes[p[pick]] = k[pick]
    return pd.Categorical.from_codes(codes, categories=TOUCHES)


# -- funnels --------------------------------------------------------------------------------------

def _funnel_table(reached: pd.DataFrame, stages, by: str | None) -> pd.DataFrame:
    """Counts and conversions of boolean ``reached`` columns (one per stage), per group."""
    if by is None:
        counts = reached[list(stages)].sum().to_frame().T
        counts.index = [None]
    else:
        counts = reached[list(stages)].groupby(reached[by], sort=True, observed=True).sum()
    long = counts.stack().rename("reached").reset_index()
    long.columns = ["_group", "stage", "reached"]
    long["reached"] = long["reached"].astype("int64")
    g = long.groupby("_group", sort=False, dropna=False)["reached"]
    before = g.shift(1)
    first = g.transform("first")
    long.insert(1, "from_stage", long.groupby("_group", sort=False, dropna=False)["stage"]
                .shift(1))
    long["step_conversion"] = (long["reached"] / before.where(before > 0)).astype("float64")
    long["overall_conversion"] = (long["reached"] / first.where(first > 0)).astype("float64")
    long["lost"] = (before.fillna(long["reached"]) - long["reached"]).astype("int64")
    long["stage"] = pd.Categorical(long["stage"], categories=list(stages), ordered=True)
    if by is None:
        return long.drop(columns="_group")
    return long.rename(columns={"_group": by})


def funnel(stages: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """How many customers reached each journey stage, and how many each step keeps.

    Parameters
    ----------
    stages : DataFrame
        The output of :func:`customer_stages` (one date column per stage, NaT = not reached).
    by : str, optional
        A column of ``stages`` (``"lead_source"``, ``"segment"``...): one funnel per value.

    Returns
    -------
    DataFrame
        One row per stage (per group: groups sorted by name, stages in order): ``by`` (when
        given), ``from_stage`` (the previous stage, missing for the first), ``stage``,
        ``reached``, ``step_conversion`` (reached ÷ reached the previous stage),
        ``overall_conversion`` (reached ÷ reached the first stage) and ``lost`` (reached the
        previous stage but not this one). Counts never grow from one stage to the next.

    Examples
    --------
    >>> day = pd.Timestamp("2025-01-01")
    >>> stages = pd.DataFrame({"awareness": [day] * 4, "consideration": [day, day, day, None],
    ...     "decision": [day, day, None, None], "experience": [day, None, None, None],
    ...     "loyalty": [None] * 4}).astype("datetime64[us]")
    >>> funnel(stages)[["stage", "reached", "step_conversion", "lost"]]
               stage  reached  step_conversion  lost
    0      awareness        4              NaN     0
    1  consideration        3         0.750000     1
    2       decision        2         0.666667     1
    3     experience        1         0.500000     1
    4        loyalty        0         0.000000     1

    Source: 001 §4.3 ("Xác định điểm rơi lớn nhất trong phễu").
    """
    _need(stages, JOURNEY_STAGES + ((by,) if by else ()), "customer stages",
          "customer_stages(...)")
    reached = stages[list(JOURNEY_STAGES)].notna()
    if by:
        reached[by] = stages[by]
    return _funnel_table(reached, JOURNEY_STAGES, by)


def pipeline_funnel(deals: pd.DataFrame, *, by: str | None = None,
                    stages: tuple[str, ...] = PIPELINE_STAGES) -> pd.DataFrame:
    """The B2B sales pipeline as a funnel: how many deals reached each stage.

    A deal reached a stage when it has that stage's date or the date of a later stage, or is
    won; "won" is reached by won deals only. Inquiry is every deal.

    Parameters
    ----------
    deals : DataFrame
        CRM deals: ``stage`` and ``inquiry_date``, ``consultation_date``, ``quote_date``,
        ``negotiation_date`` (blank when the deal never got there), plus ``by`` when given.
    by : str, optional
        A column of ``deals`` to split the funnel by (e.g. ``"product_interest"``).
    stages : tuple of str
        The stages to count, in order, from :data:`PIPELINE_STAGES`; :data:`PAYMENT_CHAIN`
        folds negotiation into quote → won, as the touchpoint chain of 001 §4.2 does.

    Returns
    -------
    DataFrame
        As :func:`funnel`: ``by``, ``from_stage``, ``stage``, ``reached``,
        ``step_conversion``, ``overall_conversion``, ``lost``.

    Examples
    --------
    >>> d = pd.DataFrame({"stage": ["won", "lost", "lost", "quote"],
    ...     "inquiry_date": ["2025-01-01"] * 4,
    ...     "consultation_date": ["2025-01-02", "2025-01-02", None, "2025-01-02"],
    ...     "quote_date": ["2025-01-05", None, None, "2025-01-05"],
    ...     "negotiation_date": [None, None, None, None]}).astype(
    ...     {c: "datetime64[us]" for c in ["inquiry_date", "consultation_date", "quote_date",
    ...                                    "negotiation_date"]})
    >>> pipeline_funnel(d, stages=PAYMENT_CHAIN)[["from_stage", "stage", "reached",
    ...                                           "step_conversion"]]
         from_stage         stage  reached  step_conversion
    0           NaN       inquiry        4              NaN
    1       inquiry  consultation        3         0.750000
    2  consultation         quote        2         0.666667
    3         quote           won        1         0.500000

    Source: 001 §4.2 (tư vấn → báo giá → thanh toán), §4.3 ("rơi ở sales").
    """
    unknown = [s for s in stages if s not in PIPELINE_STAGES]
    if unknown or len(stages) < 2:
        raise ValueError(f"stages must be two or more of {PIPELINE_STAGES}, not {stages}")
    columns = ("stage", *[f"{s}_date" for s in PIPELINE_STAGES[:-1]]) + ((by,) if by else ())
    deals = _checked("deals", deals, columns,
                     may_be_blank=tuple(f"{s}_date" for s in PIPELINE_STAGES[1:-1]))
    won = (deals["stage"] == "won").to_numpy()
    reached = pd.DataFrame(index=deals.index)
    later = won.copy()
    for s in PIPELINE_STAGES[::-1]:
        if s != "won":
            later = later | deals[f"{s}_date"].notna().to_numpy()
        reached[s] = later
    reached["inquiry"] = True
    if by:
        reached[by] = deals[by]
    return _funnel_table(reached, stages, by)


def biggest_leak(table: pd.DataFrame, *, per_group: bool = False, min_reached: int = 1):
    """The step of a funnel that keeps the smallest share: where the funnel leaks most.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`funnel` or :func:`pipeline_funnel`, grouped or not.
    per_group : bool, default False
        With a grouped funnel, one row per group instead of the single worst step.
    min_reached : int, default 1
        Ignore steps whose previous stage holds fewer customers than this (a step of three
        customers says little).

    Returns
    -------
    Series or DataFrame
        The step: the group (grouped funnels), ``from_stage``, ``stage``, ``reached_before``,
        ``reached``, ``lost`` and ``step_conversion`` (the lowest; ties go to the earlier step
        and the group first by name). With ``per_group=True``, one such row per group.

    Raises
    ------
    C360DataError
        The table is not a funnel, or no step has ``min_reached`` customers before it.

    Examples
    --------
    >>> t = pd.DataFrame({"from_stage": [None, "inquiry", "consultation", "quote"],
    ...     "stage": ["inquiry", "consultation", "quote", "won"], "reached": [10, 9, 8, 4],
    ...     "step_conversion": [None, 0.9, 8 / 9, 0.5], "lost": [0, 1, 1, 4]})
    >>> leak = biggest_leak(t)
    >>> f"{leak['from_stage']} → {leak['stage']}: keeps {leak['step_conversion']:.0%}"
    'quote → won: keeps 50%'

    Source: 001 §4.3 ("Xác định điểm rơi lớn nhất trong phễu").
    """
    _need(table, ("from_stage", "stage", "reached", "step_conversion", "lost"), "funnel",
          "funnel(...) or pipeline_funnel(...)")
    extra = [c for c in table.columns if c not in ("from_stage", "stage", "reached",
                                                   "step_conversion", "overall_conversion",
                                                   "lost")]
    group = extra[0] if extra else None
    t = table.assign(reached_before=table["reached"] + table["lost"])
    t = t[t["from_stage"].notna() & t["step_conversion"].notna()
          & (t["reached_before"] >= min_reached)]
    if t.empty:
        raise C360DataError("funnel", [Problem(
            "reached", f"has no step with at least {min_reached} customers before it",
            "pass a funnel with customers in it, or a lower min_reached")])
    t = t.assign(_step=np.arange(len(t)))
    keys = ([group] if group else []) + ["step_conversion", "_step"]
    columns = ([group] if group else []) + ["from_stage", "stage", "reached_before", "reached",
                                            "lost", "step_conversion"]
    if per_group and group:
        worst = t.sort_values(keys, kind="stable").groupby(group, sort=False).head(1)
        return worst[columns].reset_index(drop=True)
    worst = t.sort_values(["step_conversion", "_step"], kind="stable").iloc[0]
    out = worst[columns]
    out["stage"] = str(out["stage"])
    out.name = "biggest leak"
    return out


# -- where customers stop, and how long they take ------------------------------------------------

def drop_off(stages: pd.DataFrame, by: str = "lead_source") -> pd.DataFrame:
    """The share of each group's customers that stops at each stage.

    Parameters
    ----------
    stages : DataFrame
        The output of :func:`customer_stages`.
    by : str, default "lead_source"
        The column to group by (``"segment"``, ``"first_touch"``...).

    Returns
    -------
    DataFrame
        Indexed by group (sorted by name): ``customers``, then one column per stage of
        :data:`JOURNEY_STAGES` holding the share (0 to 1) whose furthest stage it is; the shares
        of a row add up to 1 (customers without any stage are left out).

    Examples
    --------
    >>> s = pd.DataFrame({"lead_source": ["seo", "seo", "referral"],
    ...     "furthest_stage": pd.Categorical(["awareness", "experience", "loyalty"],
    ...                                      categories=JOURNEY_STAGES, ordered=True)})
    >>> drop_off(s)[["customers", "awareness", "experience", "loyalty"]]
                 customers  awareness  experience  loyalty
    lead_source
    referral             1        0.0         0.0      1.0
    seo                  2        0.5         0.5      0.0

    Source: 001 §4.3 ("Phân tích hành vi theo nguồn vào").
    """
    _need(stages, ("furthest_stage", by), "customer stages", "customer_stages(...)")
    s = stages[stages["furthest_stage"].notna()]
    stage = pd.Categorical(s["furthest_stage"], categories=JOURNEY_STAGES, ordered=True)
    counts = pd.crosstab(s[by].astype("str"), stage, dropna=False).reindex(
        columns=list(JOURNEY_STAGES), fill_value=0)
    counts.index.name, counts.columns.name = by, None
    total = counts.sum(axis=1)
    out = counts.div(total.where(total > 0), axis=0).astype("float64")
    out.insert(0, "customers", total.astype("int64"))
    return out.sort_index(kind="stable")


def time_between_stages(stages: pd.DataFrame, *, by: str | None = None,
                        observed_only: bool = True) -> pd.DataFrame:
    """Median and 75th-percentile days from each stage to the next.

    Parameters
    ----------
    stages : DataFrame
        The output of :func:`customer_stages`.
    by : str, optional
        A column to split by (``"segment"``, ``"lead_source"``).
    observed_only : bool, default True
        Count only customers with evidence of their own for both stages: a back-filled date is
        the next stage's date, so it would add a false 0 days.

    Returns
    -------
    DataFrame
        One row per pair of consecutive stages (per group): ``by``, ``from_stage``, ``stage``,
        ``customers`` (how many were measured), ``median_days``, ``p75_days`` (NaN when
        nobody was measured).

    Examples
    --------
    >>> s = pd.DataFrame({"awareness": ["2025-01-01", "2025-01-01", "2025-01-01"],
    ...     "consideration": ["2025-01-03", "2025-01-05", None],
    ...     "decision": ["2025-01-13", None, None], "experience": [None] * 3,
    ...     "loyalty": [None] * 3}).astype("datetime64[us]").assign(inferred_stages="")
    >>> time_between_stages(s)[["from_stage", "stage", "customers", "median_days"]]
          from_stage          stage  customers  median_days
    0      awareness  consideration          2          3.0
    1  consideration       decision          1         10.0
    2       decision     experience          0          NaN
    3     experience        loyalty          0          NaN

    Source: 001 §4.3 (where and how long customers hesitate), 001 §4.1 (time to close).
    """
    _need(stages, JOURNEY_STAGES + (("inferred_stages",) if observed_only else ())
          + ((by,) if by else ()), "customer stages", "customer_stages(...)")
    rows = []
    groups = [(None, stages)] if by is None else list(stages.groupby(by, sort=True,
                                                                     observed=True))
    for name, g in groups:
        inferred = g["inferred_stages"].astype("str") if observed_only else None
        for a, b in zip(JOURNEY_STAGES, JOURNEY_STAGES[1:]):
            ok = g[a].notna() & g[b].notna()
            if observed_only:
                ok &= ~inferred.str.contains(a) & ~inferred.str.contains(b)
            days = (g.loc[ok, b] - g.loc[ok, a]).dt.total_seconds() / 86400
            row = {} if by is None else {by: name}
            row.update(from_stage=a, stage=b, customers=int(ok.sum()),
                       median_days=float(days.median()) if len(days) else np.nan,
                       p75_days=float(days.quantile(0.75)) if len(days) else np.nan)
            rows.append(row)
    return pd.DataFrame(rows).astype({"customers": "int64", "median_days": "float64",
                                      "p75_days": "float64"})


def drop_points(stages: pd.DataFrame) -> pd.DataFrame:
    """Where the customers who stopped were last seen: the drop points of 001 §4.3.

    A customer who never completed an order is placed by their ``last_touch`` (and an order
    that never completed by the order itself); a customer with one completed order and no
    loyalty "did not return". Loyal customers did not drop.

    Parameters
    ----------
    stages : DataFrame
        The output of :func:`customer_stages`.

    Returns
    -------
    DataFrame
        One row per drop point of :data:`DROP_POINTS`, in that order: ``customers``,
        ``share_of_dropped`` (of all who stopped) and ``share_of_all`` (of every customer).

    Examples
    --------
    >>> s = pd.DataFrame({"furthest_stage": pd.Categorical(
    ...         ["consideration", "consideration", "decision", "experience", "loyalty"],
    ...         categories=JOURNEY_STAGES, ordered=True),
    ...     "last_touch": ["inbox", "website", "shop", "shop", "shop"]})
    >>> drop_points(s)["customers"].tolist()
    [1, 1, 0, 1, 0, 1]

    Source: 001 §4.3 (rơi ở website, rơi ở inbox, rơi ở sales, rơi sau mua).
    """
    _need(stages, ("furthest_stage", "last_touch"), "customer stages", "customer_stages(...)")
    stage = pd.Categorical(stages["furthest_stage"], categories=JOURNEY_STAGES, ordered=True)
    touch = stages["last_touch"].astype("str").to_numpy()
    before = np.asarray(stage < "experience") & ~pd.isna(stage)
    point = np.select(
        [before & (touch == "shop"), before & (touch == "website"),
         before & (touch == "inbox"), before & (touch == "sales"), before,
         np.asarray(stage == "experience")],
        ["order not completed", "website exit", "inbox: asked, then vanished",
         "sales: consultation missed", "other contact", "no return after purchase"], "")
    counts = pd.Series(point).value_counts().reindex(list(DROP_POINTS), fill_value=0)
    out = pd.DataFrame({"customers": counts.astype("int64")})
    dropped = out["customers"].sum()
    out["share_of_dropped"] = out["customers"] / dropped if dropped else 0.0
    out["share_of_all"] = out["customers"] / len(stages) if len(stages) else 0.0
    out.index.name = "drop_point"
    return out


# -- by lead source -------------------------------------------------------------------------------

def conversion_by_source(clean: dict, *, as_of: pd.Timestamp = TODAY) -> pd.DataFrame:
    """Per CRM lead source: leads, how many became customers, and how fast.

    A lead is a customer with a CRM contact that names a lead source; each lead counts once,
    under the source of their earliest contact (first touch). A lead became a customer when
    they have a completed order before ``as_of`` (any channel: the lead of a Facebook ad who
    buys on Shopee still converted).

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model: ``crm_contacts`` (``customer_id``, ``lead_source``, ``created_date``)
        and ``shop_orders`` (``customer_id``, ``order_time``, ``status``).
    as_of : Timestamp
        Contacts and orders on or after it are ignored.

    Returns
    -------
    DataFrame
        Indexed by ``lead_source``, most leads first (ties by name): ``leads``,
        ``customers``, ``conversion`` (customers ÷ leads) and ``median_days_to_order`` (from
        the lead's creation to their first completed order, for those who ordered on or after
        it).

    Examples
    --------
    >>> clean = {"crm_contacts": pd.DataFrame({"customer_id": ["A", "B", "C", "A"],
    ...         "lead_source": ["facebook_ads", "facebook_ads", "referral", "seo"],
    ...         "created_date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03",
    ...                                         "2025-03-01"])}),
    ...     "shop_orders": pd.DataFrame({"customer_id": ["A", "C"],
    ...         "order_time": pd.to_datetime(["2025-01-11", "2025-01-05"]),
    ...         "status": ["completed", "completed"]})}
    >>> conversion_by_source(clean)
                  leads  customers  conversion  median_days_to_order
    lead_source
    facebook_ads      2          1         0.5                  10.0
    referral          1          1         1.0                   2.0

    Source: 001 §4.3 ("lead từ ads có thể nóng hơn nhưng dễ ảo; lead từ giới thiệu có niềm tin
    cao"), 001 §4.2 (lead source in the Minimum Data Set).
    """
    as_of = pd.Timestamp(as_of)
    crm = _checked("crm_contacts", clean["crm_contacts"])
    orders = _checked("shop_orders", clean["shop_orders"])
    has = crm["lead_source"].notna() & (crm["lead_source"].astype("str").str.strip() != "")
    leads = crm[has & (crm["created_date"] < as_of)]
    leads = pd.DataFrame({"customer_id": leads["customer_id"].astype("str").to_numpy(),
                          "lead_source": leads["lead_source"].astype("str").to_numpy(),
                          "created": leads["created_date"].to_numpy()})
    leads = leads.sort_values(["created"], kind="stable").drop_duplicates("customer_id")
    done = orders[(orders["status"] == "completed") & (orders["order_time"] < as_of)]
    first = done.groupby(done["customer_id"].astype("str"))["order_time"].min()
    when = leads["customer_id"].map(first)
    leads["customer"] = when.notna()
    days = (when - leads["created"]).dt.total_seconds() / 86400
    leads["days"] = days.where(days >= 0)
    out = leads.groupby("lead_source", sort=True).agg(
        leads=("customer_id", "size"), customers=("customer", "sum"),
        median_days_to_order=("days", "median"))
    out = out.astype({"leads": "int64", "customers": "int64",
                      "median_days_to_order": "float64"})
    out.insert(2, "conversion", out["customers"] / out["leads"])
    return out.sort_values("leads", ascending=False, kind="stable")
