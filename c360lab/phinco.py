"""Phin & Co., the sample company: the process that generates its people and what they do.

Each real person gets latent traits first (segment, where they first heard of the company, buying
intent, main barrier, loyalty, whether they hunt for discounts, their usual active hour...). Their
behaviour in every system follows from those traits, and only then is each system's export
written, with the mess that system really adds (see ``c360lab.datasets``). The planted stories of
the course are consequences of this process, never values painted onto the tables afterwards.

Everything here is vectorised with numpy; one ``numpy.random.Generator`` drives it all, so a seed
gives the same world every time. Times are float days since ``START``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import vietnam as vn
from .contract import CATEGORIES, DEAL_STAGES, ORDER_CHANNELS, SEGMENTS, TABLES

START = np.datetime64("2024-01-01T00:00:00", "s")
HISTORY_DAYS = 731.0  # 2024-01-01 .. 2025-12-31
TODAY = pd.Timestamp("2026-01-01")
Q4_2025 = float((np.datetime64("2025-10-01") - np.datetime64("2024-01-01")).astype(int))

SEGMENT_SHARE = (0.66, 0.15, 0.12, 0.07)
SOURCES = ("facebook_ads", "tiktok_ads", "zalo_oa", "seo", "referral", "showroom", "event",
           "marketplace")
#: first-touch source by segment; "marketplace" = found the shop on Shopee / TikTok Shop (no lead)
ACQUISITION = {
    "household": (0.30, 0.24, 0.05, 0.09, 0.06, 0.04, 0.00, 0.22),
    "cafe": (0.20, 0.08, 0.24, 0.08, 0.25, 0.05, 0.10, 0.00),
    "office": (0.22, 0.06, 0.10, 0.32, 0.14, 0.06, 0.10, 0.00),
    "restaurant_hotel": (0.22, 0.05, 0.20, 0.15, 0.20, 0.05, 0.13, 0.00),
}
INTENT_BY_SOURCE = {"facebook_ads": -0.7, "tiktok_ads": -0.8, "zalo_oa": 0.5, "seo": 0.2,
                    "referral": 1.2, "showroom": 0.8, "event": 0.3, "marketplace": 0.0}
INTENT_BY_SEGMENT = {"household": -0.1, "cafe": 0.5, "office": 0.0, "restaurant_hotel": 0.1}

BARRIERS = ("price", "no_time", "no_staff", "trust", "cant_measure", "cost_fear")
#: main barrier by segment (small cafés: no time / no staff; offices: trust after a failed vendor)
BARRIER_MIX = {
    "household": (0.50, 0.12, 0.00, 0.10, 0.08, 0.20),
    "small_cafe": (0.14, 0.33, 0.31, 0.08, 0.06, 0.08),
    "cafe_chain": (0.25, 0.15, 0.15, 0.15, 0.20, 0.10),
    "office": (0.15, 0.10, 0.05, 0.45, 0.15, 0.10),
    "restaurant_hotel": (0.25, 0.20, 0.20, 0.15, 0.10, 0.10),
}
PRICE_SHIFT_Q4 = 0.25
CAFE_SLOWDOWN_Q4 = 1.6  # cafés deciding in late 2025 take this much longer at every stage
CAFE_SLOWDOWN_FROM = Q4_2025 - 60  # ... when their first inquiry came from this day on

LOYALTY = ("promoter", "passive", "detractor")
REFERRAL_WEIGHT = {"promoter": 8.0, "passive": 1.5, "detractor": 0.2}

#: sku: (name, category, list price VND, unit cost VND)
PRODUCTS = {
    "B-ROB-250": ("Robusta Buôn Ma Thuột 250g", "beans", 95_000, 52_000),
    "B-ARA-250": ("Arabica Cầu Đất 250g", "beans", 145_000, 80_000),
    "B-CUL-500": ("Culi rang mộc 500g", "beans", 160_000, 88_000),
    "B-BLD-1K": ("Phin blend 1kg", "beans", 280_000, 154_000),
    "B-ESP-1K": ("Espresso blend 1kg", "beans", 350_000, 193_000),
    "B-ARA-1K": ("Arabica Cầu Đất 1kg", "beans", 480_000, 264_000),
    "E-PHIN": ("Bộ phin nhôm", "equipment", 120_000, 90_000),
    "E-GRD-H": ("Máy xay tay", "equipment", 650_000, 488_000),
    "E-GRD-E": ("Máy xay điện", "equipment", 2_900_000, 2_175_000),
    "E-ESP-H": ("Máy pha espresso gia đình", "equipment", 8_500_000, 6_375_000),
    "E-GRD-P": ("Máy xay chuyên nghiệp", "equipment", 18_000_000, 13_500_000),
    "E-ESP-P": ("Máy pha espresso 2 group", "equipment", 95_000_000, 71_250_000),
    "T-HOME": ("Pha chế tại nhà (1 buổi)", "training", 690_000, 276_000),
    "T-BAR": ("Khóa Barista cơ bản", "training", 4_500_000, 1_800_000),
    "T-PRO": ("Khóa Barista chuyên nghiệp", "training", 12_000_000, 4_800_000),
    "T-STAFF": ("Đào tạo nhân viên tại quán", "training", 15_000_000, 6_000_000),
    "S-CLEAN": ("Vệ sinh máy", "service", 450_000, 225_000),
    "S-REPAIR": ("Sửa chữa máy", "service", 1_200_000, 600_000),
    "S-MAINT": ("Bảo trì định kỳ (năm)", "service", 6_000_000, 3_000_000),
}
SKUS = tuple(PRODUCTS)
SKU_INDEX = {s: i for i, s in enumerate(SKUS)}
#: basket profile: (skus, probabilities, min quantity, max quantity)
BASKETS = {
    "hh_beans": (("B-ROB-250", "B-ARA-250", "B-CUL-500", "B-BLD-1K", "B-ARA-1K"),
                 (0.25, 0.3, 0.2, 0.15, 0.1), 1, 4),
    "hh_gear": (("E-PHIN", "E-GRD-H", "E-GRD-E"), (0.5, 0.35, 0.15), 1, 1),
    "hh_training": (("T-HOME",), (1.0,), 1, 2),
    "hunter_gear": (("E-GRD-E", "E-ESP-H", "E-GRD-H"), (0.4, 0.45, 0.15), 1, 1),
    "b2b_beans": (("B-BLD-1K", "B-ESP-1K", "B-ARA-1K"), (0.4, 0.45, 0.15), 2, 12),
    "b2b_service": (("S-CLEAN", "S-REPAIR"), (0.6, 0.4), 1, 1),
    "b2b_training": (("T-BAR",), (1.0,), 1, 3),
    "deal_equipment": (("E-ESP-P", "E-GRD-P", "E-ESP-H"), (0.25, 0.35, 0.4), 1, 1),
    "deal_training": (("T-STAFF", "T-PRO"), (0.6, 0.4), 1, 1),
    "deal_service": (("S-MAINT",), (1.0,), 1, 2),
}
#: (cancelled, failed delivery, returned) probability by channel (reference §4.6)
OUTCOME_RATES = {"website": (0.05, 0.06, 0.03), "showroom": (0.01, 0.0, 0.02),
                 "hotline": (0.03, 0.02, 0.02), "facebook": (0.06, 0.08, 0.03),
                 "zalo": (0.06, 0.07, 0.03), "tiktok_shop": (0.07, 0.07, 0.04),
                 "shopee": (0.05, 0.05, 0.03)}
HUNTER_OUTCOME_FACTOR = 3.2


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _pick(rng, probs, size):
    """Indices drawn from one probability vector (or one row of probabilities per element)."""
    probs = np.asarray(probs, dtype=float)
    if probs.ndim == 1:
        return rng.choice(len(probs), size=size, p=probs / probs.sum())
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((rng.random(len(probs))[:, None] > cum).sum(axis=1), probs.shape[1] - 1)


def _ints(rng, low, high, size):
    return rng.integers(low, high + 1, size=size)


def people(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """The real people of Phin & Co.'s world, with their latent traits (the ground truth)."""
    seg = rng.choice(len(SEGMENTS), size=n, p=SEGMENT_SHARE)
    segment = np.array(SEGMENTS, dtype=object)[seg]
    b2b = seg > 0
    acq = _pick(rng, np.array([ACQUISITION[s] for s in SEGMENTS])[seg], n)
    source = np.array(SOURCES, dtype=object)[acq]
    female = rng.random(n) < np.where(b2b, 0.45, 0.6)
    prov = vn.PROVINCES
    weights = np.array([p[5] for p in prov], dtype=float)
    boost = {"Thành phố Hồ Chí Minh": 30.0, "Thành phố Hà Nội": 9.0, "Đồng Nai": 1.5,
             "Thành phố Đà Nẵng": 1.6, "Thành phố Hải Phòng": 0.8, "Thành phố Cần Thơ": 0.9}
    weights *= np.array([boost.get(p[1], 0.35) for p in prov])
    pi = rng.choice(len(prov), size=n, p=weights / weights.sum())
    province = np.array([p[1] for p in prov], dtype=object)[pi]
    region = np.array([p[3] for p in prov], dtype=object)[pi]
    names = vn.person_names(rng, female, region)
    young = source == "tiktok_ads"
    birth_year = np.where(young, _ints(rng, 1996, 2005, n), _ints(rng, 1965, 2000, n))

    outlets = np.where(seg == 1, np.where(rng.random(n) < 0.8, _ints(rng, 1, 2, n),
                                          _ints(rng, 3, 8, n)),
                       np.where(seg == 3, _ints(rng, 1, 3, n), 1))
    employees = np.select([seg == 1, seg == 2, seg == 3],
                          [outlets * _ints(rng, 3, 12, n), _ints(rng, 10, 250, n),
                           outlets * _ints(rng, 10, 60, n)], 0)
    small_cafe = (seg == 1) & (outlets <= 2)

    # Offices: a company has one to three contact people who share its landline.
    company_id = np.full(n, -1)
    company = np.full(n, "", dtype=object)
    for k, kind in ((1, "cafe"), (2, "office"), (3, "restaurant_hotel")):
        idx = np.flatnonzero(seg == k)
        if kind == "office":
            n_co = max(1, int(round(len(idx) / 1.6)))
            cid = np.sort(rng.integers(0, n_co, size=len(idx)))
        else:
            n_co, cid = len(idx), np.arange(len(idx))
        names_co = vn.company_names(rng, np.full(n_co, kind, dtype=object))
        company[idx] = names_co[cid]
        company_id[idx] = cid + k * 10_000_000
    landline = np.full(n, "", dtype=object)
    ll_owner = np.flatnonzero((seg == 2) | ((seg == 3) & (rng.random(n) < 0.5)))
    if len(ll_owner):
        uniq, first = np.unique(company_id[ll_owner], return_index=True)
        codes = np.array([p[4] for p in prov], dtype=object)[pi[ll_owner[first]]]
        lines = vn.landline_numbers(rng, codes)
        landline[ll_owner] = lines[np.searchsorted(uniq, company_id[ll_owner])]

    phone = vn.mobile_numbers(rng, 2 * n)
    phone, phone2 = phone[:n], phone[n:]
    has_phone2 = rng.random(n) < 0.06
    domain = np.where(b2b & (rng.random(n) < 0.4),
                      np.array([_domain(c) for c in company], dtype=object), None)
    email = vn.email_addresses(rng, names["family"], names["middle"], names["given"],
                               birth_year=birth_year, domain=domain)
    email2 = vn.email_addresses(rng, names["family"], names["middle"], names["given"],
                                birth_year=birth_year)
    has_email2 = rng.random(n) < 0.15

    intent = rng.normal(0, 1, n) + np.vectorize(INTENT_BY_SOURCE.get, otypes=[float])(source) \
        + np.vectorize(INTENT_BY_SEGMENT.get, otypes=[float])(segment)
    bkey = np.where(small_cafe, "small_cafe", np.where(seg == 1, "cafe_chain", segment))
    barrier = np.array(BARRIERS, dtype=object)[_pick(
        rng, np.array([BARRIER_MIX[k] for k in bkey]), n)]
    hunter = (seg == 0) & (rng.random(n) < np.where(source == "marketplace", 0.24,
                                                    np.where(source == "facebook_ads", 0.03, 0)))
    loyal_p = np.where(b2b, 0.5, 0.32) + np.where(source == "referral", 0.15, 0)
    loyal_p = np.where(hunter, 0.05, loyal_p)
    lu = rng.random(n)
    loyalty = np.where(lu < loyal_p, "promoter",
                       np.where(lu < loyal_p + 0.4, "passive", "detractor")).astype(object)
    community_p = np.select([seg == 1, seg == 3, seg == 2], [0.25, 0.15, 0.05], 0.04)
    community = rng.random(n) < community_p * np.where(loyalty == "promoter", 1.5, 1.0)
    first_touch = rng.uniform(0, HISTORY_DAYS - 20, n)
    first_touch = np.where(source == "referral", np.maximum(first_touch, 45 + rng.uniform(0, 30, n)),
                           first_touch)
    active_hour = _pick(rng, _HOUR_WEIGHTS, n)

    return pd.DataFrame({
        "person_id": np.char.add("P", np.char.zfill(np.arange(1, n + 1).astype(str), 7)),
        "segment": segment, "small_cafe": small_cafe, "company": company,
        "company_id": company_id, "outlets": np.where(b2b, outlets, 0),
        "employees": employees, "province": province, "region": region, "female": female,
        "family": names["family"], "middle": names["middle"], "given": names["given"],
        "full_name": names["full"], "birth_year": birth_year, "phone": phone,
        "phone2": np.where(has_phone2, phone2, ""),
        "landline": landline, "email": email, "email2": np.where(has_email2, email2, ""),
        "source": source, "intent": intent, "barrier": barrier, "hunter": hunter,
        "loyalty": loyalty, "community": community, "first_touch": first_touch,
        "active_hour": active_hour,
    })


#: hour-of-day weights of when people are active online (evening peak, lunch bump)
_HOUR_WEIGHTS = np.array([1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 4, 4, 5, 4, 3, 3, 3, 3,
                          4, 6, 8, 9, 7, 3], dtype=float)


def _domain(company: str) -> str:
    key = vn.fold(company).replace("cong ty tnhh", "").replace("cong ty", "")
    key = "".join(ch for ch in key if ch.isalnum())[:14] or "company"
    return f"{key}.vn"


def crm_presence(rng, P: pd.DataFrame) -> pd.DataFrame:
    """CRM contact records: who a sales rep entered, when, and the second entries of some people."""
    n = len(P)
    b2b = (P["segment"] != "household").to_numpy()
    src = P["source"].to_numpy()
    p_in = np.where(b2b, 0.97, np.where(src == "marketplace", 0.08, 0.75))
    pid = np.flatnonzero(rng.random(n) < p_in)
    created = P["first_touch"].to_numpy()[pid] + rng.uniform(0, 2, len(pid))
    dup = pid[rng.random(len(pid)) < 0.05]  # the same person entered again by another rep
    dup_created = P["first_touch"].to_numpy()[dup] + rng.uniform(3, 120, len(dup))
    out = pd.DataFrame({"pid": np.concatenate([pid, dup]),
                        "created": np.minimum(np.concatenate([created, dup_created]),
                                              HISTORY_DAYS - 0.01),
                        "duplicate": np.r_[np.zeros(len(pid), bool), np.ones(len(dup), bool)]})
    return out.sort_values(["created", "pid"], kind="stable").reset_index(drop=True)


def pipeline(rng, P: pd.DataFrame, crm: pd.DataFrame) -> pd.DataFrame:
    """One B2B deal per business contact: the day each stage was reached, won or lost.

    Winning follows buying intent; cafés that start deciding from late 2025 take longer at every
    stage (``CAFE_SLOWDOWN_Q4``), which shows as ~40% or more on the median decision time.
    """
    first = crm[~crm["duplicate"]]
    pid = first["pid"].to_numpy()[(P["segment"].to_numpy()[first["pid"]] != "household")]
    m = len(pid)
    z = P["intent"].to_numpy()[pid]
    seg = P["segment"].to_numpy()[pid]
    win = rng.random(m) < _sigmoid(2.0 * z - 1.0)
    inquiry = P["first_touch"].to_numpy()[pid] + rng.uniform(0, 3, m)
    slow = np.where((seg == "cafe") & (inquiry >= CAFE_SLOWDOWN_FROM), CAFE_SLOWDOWN_Q4, 1.0)
    mean_gap = np.array([5.0, 7.0, 8.0, 9.0])  # days to consultation, quote, negotiation, close
    gaps = (np.array([2.0, 3.0, 3.0, 2.0]) + rng.gamma(3.0, mean_gap / 3.0, (m, 4))) * slow[:, None]
    dates = inquiry[:, None] + np.cumsum(gaps, axis=1)  # consultation, quote, negotiation, closed
    # lost deals stop after: inquiry, consultation, quote or negotiation
    reached = np.where(win, 4, _pick(rng, (0.3, 0.25, 0.35, 0.10), m))
    for j in range(3):
        dates[:, j] = np.where(reached > j, dates[:, j], np.nan)
    last = np.nanmax(np.column_stack([inquiry, dates[:, :3]]), axis=1)
    closed = np.where(win, dates[:, 3], last + (2 + rng.gamma(3.0, 10 / 3.0, m)) * slow)
    open_ = closed >= HISTORY_DAYS
    closed = np.where(open_, np.nan, closed)
    for j in range(3):
        dates[:, j] = np.where(dates[:, j] >= HISTORY_DAYS, np.nan, dates[:, j])
    stage_idx = np.where(open_, (~np.isnan(dates[:, :3])).sum(axis=1), np.where(win, 4, 5))
    interest = _pick(rng, np.where((seg == "office")[:, None], [0.55, 0.05, 0.15, 0.25],
                                   [0.15, 0.55, 0.2, 0.1]), m)  # beans/equipment/training/service
    timeframe = _pick(rng, np.column_stack([_sigmoid(z), np.full(m, 0.8), np.full(m, 0.6),
                                            np.full(m, 0.3), np.full(m, 0.5)]), m)
    return pd.DataFrame({
        "pid": pid, "inquiry": inquiry, "consultation": dates[:, 0], "quote": dates[:, 1],
        "negotiation": dates[:, 2], "closed": closed,
        "stage": np.array(DEAL_STAGES, dtype=object)[stage_idx],
        "won": win & ~open_, "interest": np.array(CATEGORIES, dtype=object)[interest],
        "timeframe": np.array(TABLES["deals"].column("decision_timeframe").values,
                              dtype=object)[timeframe],
        "barrier": _decision_barrier(rng, P["barrier"].to_numpy()[pid], closed),
    })


def _decision_barrier(rng, barrier, day):
    """The barrier that decides, with the competitor's 2025-Q4 price cut pushing price up."""
    shift = (np.nan_to_num(day, nan=0) >= Q4_2025) & (rng.random(len(barrier)) < PRICE_SHIFT_Q4)
    return np.where(shift, "price", barrier).astype(object)


def first_orders(rng, P: pd.DataFrame, deals: pd.DataFrame) -> np.ndarray:
    """Day of each person's first order (NaN for people who never bought)."""
    n = len(P)
    first = np.full(n, np.nan)
    src = P["source"].to_numpy()
    hh = (P["segment"] == "household").to_numpy()
    buys = hh & ((src == "marketplace") | P["hunter"].to_numpy()
                 | (rng.random(n) < _sigmoid(2.0 * P["intent"].to_numpy() - 1.0)))
    first[buys] = P["first_touch"].to_numpy()[buys] + np.where(
        src[buys] == "marketplace", 0, rng.exponential(8, buys.sum()))
    won = deals[deals["won"]]
    first[won["pid"].to_numpy()] = won["closed"].to_numpy() + rng.uniform(0, 2, len(won))
    first[first >= HISTORY_DAYS] = np.nan
    return first


#: mean days between orders and mean relationship length (days) per segment
ORDER_GAP = {"household": 30.0, "cafe": 26.0, "office": 34.0, "restaurant_hotel": 30.0}
HUNTER_GAP = 15.0
LIFETIME = {"household": 260.0, "cafe": 420.0, "office": 520.0, "restaurant_hotel": 380.0}


def orders(rng, P: pd.DataFrame, first: np.ndarray, deals: pd.DataFrame) -> pd.DataFrame:
    """Every order: who, when, which basket, channel, outcome, discount and shipping."""
    n = len(P)
    seg = P["segment"].to_numpy()
    hunter = P["hunter"].to_numpy()
    buyer = np.flatnonzero(~np.isnan(first))
    life_mult = (np.where(P["source"].to_numpy() == "referral", 2.0, 1.0)
                 * np.where(P["community"].to_numpy(), 1.8, 1.0)
                 * np.where(P["loyalty"].to_numpy() == "promoter", 1.3, 1.0))
    mean_life = np.vectorize(LIFETIME.get, otypes=[float])(seg) * life_mult
    life = rng.gamma(2.0, mean_life / 2.0)
    one_timer = (seg == "household") & ~hunter & (rng.random(n) < 0.3)
    life = np.where(one_timer, 0.0, np.where(hunter, rng.uniform(365, 730, n), life))
    gap = np.where(hunter, HUNTER_GAP, np.vectorize(ORDER_GAP.get, otypes=[float])(seg))
    rate = rng.gamma(np.where(hunter, 6.0, 3.0), np.where(hunter, 1 / 6, 1 / 3), n) / gap
    end = np.minimum(np.nan_to_num(first, nan=0) + life, HISTORY_DAYS - 0.01)
    window = np.maximum(end - np.nan_to_num(first, nan=0), 0)
    extra = np.zeros(n, dtype=int)
    extra[buyer] = rng.poisson(rate[buyer] * window[buyer])
    pid = np.concatenate([buyer, np.repeat(np.arange(n), extra)])
    day = np.concatenate([first[buyer], np.repeat(first, extra)
                          + rng.random(extra.sum()) * np.repeat(window, extra)])
    is_first = np.r_[np.ones(len(buyer), bool), np.zeros(extra.sum(), bool)]
    # Some loyal customers slide to at-risk in 2025-Q4: most of their late orders never come.
    before = np.bincount(pid[day < Q4_2025], minlength=n)
    sliding = (before >= 4) & (end > Q4_2025 + 30) & (rng.random(n) < 0.3)
    keep = ~(sliding[pid] & (day >= Q4_2025) & (rng.random(len(pid)) < 0.85))
    pid, day, is_first = pid[keep], day[keep], is_first[keep]
    order = np.lexsort((~is_first, day, pid))
    pid, day, is_first = pid[order], day[order], is_first[order]
    m = len(pid)

    deal_of = np.full(n, -1)
    won = deals.index[deals["won"]].to_numpy()
    deal_of[deals.loc[won, "pid"].to_numpy()] = won
    deal_id = np.where(is_first, deal_of[pid], -1)

    s, h = seg[pid], hunter[pid]
    src = P["source"].to_numpy()[pid]
    chan = _order_channels(rng, s, h, src, is_first & (deal_id >= 0), day)
    basket = _baskets(rng, s, h, deal_id, deals["interest"].to_numpy())
    cancel, failed, returned = (np.array([OUTCOME_RATES[c][k] for c in ORDER_CHANNELS])[chan]
                                for k in range(3))
    factor = np.where(h, HUNTER_OUTCOME_FACTOR, np.where(s != "household", 0.3, 1.0))
    prepaid = rng.random(m) < np.where(np.isin(chan, (0, 1)), 0.5, 0.2)
    failed = np.where(prepaid, 0.01, failed)
    u = rng.random(m)
    c1, c2, c3 = cancel * factor, (cancel + failed) * factor, (cancel + failed + returned) * factor
    status = np.select([u < c1, u < c2, u < c3], ["cancelled", "failed_delivery", "returned"],
                       "completed").astype(object)
    return pd.DataFrame({"pid": pid, "day": day, "first": is_first, "deal": deal_id,
                         "channel": np.array(ORDER_CHANNELS, dtype=object)[chan],
                         "basket": basket, "status": status, "prepaid": prepaid})


def _order_channels(rng, seg, hunter, source, deal_first, day):
    """Channel index per order; TikTok Shop gains share in 2025-Q4."""
    m = len(seg)
    #            website showroom hotline facebook zalo tiktok_shop shopee
    probs = np.select(
        [hunter[:, None], (source == "marketplace")[:, None], (seg == "household")[:, None],
         deal_first[:, None]],
        [np.array([0.10, 0, 0, 0, 0, 0.33, 0.57]), np.array([0.08, 0, 0, 0.07, 0, 0.30, 0.55]),
         np.array([0.33, 0.10, 0.02, 0.20, 0.13, 0.10, 0.12]),
         np.array([0.0, 0.5, 0.3, 0, 0.2, 0, 0])],
        np.array([0.2, 0.12, 0.3, 0.03, 0.35, 0, 0]))
    chan = _pick(rng, probs, m)
    shift = (day >= Q4_2025) & (seg == "household") & np.isin(chan, (0, 3, 6)) \
        & (rng.random(m) < 0.35)
    return np.where(shift, 5, chan)


def _baskets(rng, seg, hunter, deal_id, deal_interest):
    """Main basket profile per order (a key of BASKETS)."""
    m = len(seg)
    u = rng.random(m)
    household = np.where(u < 0.86, "hh_beans", np.where(u < 0.96, "hh_gear", "hh_training"))
    b2b = np.where(u < 0.86, "b2b_beans", np.where(u < 0.96, "b2b_service", "b2b_training"))
    deal = np.where(deal_id >= 0, deal_interest[np.maximum(deal_id, 0)], "")
    deal = np.select([deal == "equipment", deal == "training", deal == "service"],
                     ["deal_equipment", "deal_training", "deal_service"], "b2b_beans")
    return np.select([hunter, seg == "household", deal_id >= 0], ["hunter_gear", household, deal],
                     b2b).astype(object)


def order_lines(rng, P: pd.DataFrame, O: pd.DataFrame) -> pd.DataFrame:
    """Lines of every order: the main basket's products plus, sometimes, beans on the side."""
    m = len(O)
    seg = P["segment"].to_numpy()[O["pid"].to_numpy()]
    basket = O["basket"].to_numpy()
    n_main = 1 + (rng.random(m) < np.where(np.isin(basket, ("hh_beans", "b2b_beans")), 0.45, 0.0))
    addon = rng.random(m) < np.where(basket == "hunter_gear", 0.15,
                                     np.where(np.char.startswith(basket.astype(str), "deal"), 0.6,
                                              0.1))
    order_idx = np.concatenate([np.repeat(np.arange(m), n_main), np.flatnonzero(addon)])
    kind = np.concatenate([np.repeat(basket, n_main),
                           np.where(seg[addon] == "household", "hh_beans", "b2b_beans")])
    sku = np.empty(len(kind), dtype=object)
    qty = np.empty(len(kind), dtype=int)
    for name, (skus, probs, lo, hi) in BASKETS.items():
        sel = np.flatnonzero(kind == name)
        sku[sel] = np.array(skus, dtype=object)[rng.choice(len(skus), size=len(sel), p=probs)]
        qty[sel] = rng.integers(lo, hi + 1, size=len(sel))
    big = {"cafe": 1.3, "restaurant_hotel": 0.8, "office": 0.6}
    line_seg = seg[order_idx]
    scale = np.vectorize(lambda s: big.get(s, 1.0), otypes=[float])(line_seg)
    qty = np.where(kind == "b2b_beans", np.maximum(1, np.round(qty * scale)), qty).astype(int)
    order = np.lexsort((np.arange(len(order_idx)), order_idx))
    order_idx, sku, qty, kind = order_idx[order], sku[order], qty[order], kind[order]
    price = np.array([PRODUCTS[s][2] for s in SKUS])[[SKU_INDEX[s] for s in sku]]
    cost = np.array([PRODUCTS[s][3] for s in SKUS])[[SKU_INDEX[s] for s in sku]]
    price = np.where(kind == "b2b_beans", np.round(price * 0.9, -3), price).astype(np.int64)
    return pd.DataFrame({"order": order_idx, "sku": sku, "qty": qty, "price": price,
                         "cost": cost.astype(np.int64)})


def money(rng, P: pd.DataFrame, O: pd.DataFrame, L: pd.DataFrame) -> pd.DataFrame:
    """Order-level discount and the shipping the shop pays (both ways for returns)."""
    m = len(O)
    gross = np.bincount(L["order"], weights=L["price"] * L["qty"], minlength=m)
    hunter = P["hunter"].to_numpy()[O["pid"].to_numpy()]
    chan = O["channel"].to_numpy()
    market = np.isin(chan, ("shopee", "tiktok_shop"))
    rate = np.where(hunter, rng.uniform(0.18, 0.26, m),
                    np.where(market, rng.uniform(0.03, 0.08, m),
                             np.where(rng.random(m) < 0.3, rng.uniform(0.03, 0.1, m), 0.0)))
    rate = np.where(O["first"].to_numpy() & (O["deal"].to_numpy() >= 0), rng.uniform(0.02, 0.08, m),
                    rate)
    discount = np.round(gross * rate, -3)
    heavy = np.isin(O["basket"].to_numpy(), ("hunter_gear", "deal_equipment", "hh_gear"))
    ship = np.where(np.isin(chan, ("showroom",)), 0,
                    np.round(rng.uniform(15_000, 35_000, m), -3) + np.where(heavy, 120_000, 0))
    ship = ship * np.where(O["status"].to_numpy() == "returned", 2, 1)
    return pd.DataFrame({"discount": discount.astype(np.int64), "shipping": ship.astype(np.int64),
                         "gross": gross.astype(np.int64)})


def web_events(rng, P: pd.DataFrame, crm: pd.DataFrame, O: pd.DataFrame) -> pd.DataFrame:
    """Website visits: browsing around the first touch, intent-driven pricing / case-study views,
    the contact form of web leads, carts (some abandoned) and website purchases."""
    n = len(P)
    src = P["source"].to_numpy()
    b2b = (P["segment"] != "household").to_numpy()
    z = P["intent"].to_numpy()
    p_web = np.select([src == "marketplace", src == "showroom", src == "event"], [0.15, 0.4, 0.6],
                      0.92)
    known = np.zeros(n, bool)  # people no other system knows found the shop on its website
    known[crm["pid"]] = True
    known[O["pid"]] = True
    web = (rng.random(n) < p_web) | ~known
    s = _sigmoid(2.0 * z - 0.5)
    counts = {
        "page_view": 1 + rng.poisson(1.5 + 2.0 * s),
        "pricing_view": rng.poisson(np.where(b2b, 0.1 + 2.8 * s ** 2, 0.05 + 2.0 * s ** 2)),
        "case_study_view": rng.poisson(np.where(b2b, 0.05 + 1.6 * s ** 2, 0.02)),
        "catalog_download": (rng.random(n) < np.where(b2b, 0.05 + 0.5 * s ** 2, 0.03)).astype(int),
        "add_to_cart": rng.poisson(np.where(b2b, 0.05, 0.6 + 1.2 * s)),
    }
    pid, etype = [], []
    for k, c in counts.items():
        c = np.where(web, c, 0)
        pid.append(np.repeat(np.arange(n), c))
        etype.append(np.full(c.sum(), k, dtype=object))
    pid, etype = np.concatenate(pid), np.concatenate(etype)
    ft = P["first_touch"].to_numpy()
    day = ft[pid] + rng.uniform(-10, 25, len(pid))
    # the contact form of web-sourced leads, on the day the CRM record was created
    first_crm = crm[~crm["duplicate"]]
    form = first_crm[web[first_crm["pid"]] & np.isin(src[first_crm["pid"]],
                                                     ("facebook_ads", "tiktok_ads", "seo",
                                                      "referral", "zalo_oa"))]
    # carts: some become website purchases; the rest are abandoned
    site = O[O["channel"] == "website"]
    parts = [(pid, etype, day),
             (form["pid"].to_numpy(), np.full(len(form), "form_submit", dtype=object),
              form["created"].to_numpy() - 0.01)]
    for k, offset in (("add_to_cart", -0.02), ("checkout_start", -0.01), ("purchase", 0.0)):
        parts.append((site["pid"].to_numpy(), np.full(len(site), k, dtype=object),
                      site["day"].to_numpy() + offset))
    pid = np.concatenate([p[0] for p in parts])
    etype = np.concatenate([p[1] for p in parts])
    day = np.concatenate([p[2] for p in parts])
    day = np.clip(day, 0, HISTORY_DAYS - 0.01)
    hour = (P["active_hour"].to_numpy()[pid] + rng.normal(0, 1.2, len(pid))) % 24
    day = np.floor(day) + hour / 24
    # one or two browsers (cookies) per person
    devices = 1 + (rng.random(n) < 0.3)
    browser = rng.integers(0, 2, len(pid)) % devices[pid]
    out = pd.DataFrame({"pid": pid, "browser": browser, "event": etype, "day": day})
    out = out.sort_values(["day", "pid", "event"], kind="stable").reset_index(drop=True)
    return out


def inbox(rng, P: pd.DataFrame, first: np.ndarray, O: pd.DataFrame) -> pd.DataFrame:
    """Inbound chat and call messages: questions before buying, order and care questions after."""
    n = len(P)
    seg = P["segment"].to_numpy()
    src = P["source"].to_numpy()
    p = np.where(seg == "household", np.where(np.isin(src, ("facebook_ads", "tiktok_ads",
                                                            "zalo_oa")), 0.4, 0.15), 0.6)
    n_conv = np.where(rng.random(n) < p, 1 + rng.poisson(0.6, n), 0)
    pid = np.repeat(np.arange(n), n_conv)
    k = len(pid)
    bought = ~np.isnan(first[pid])
    ft = P["first_touch"].to_numpy()[pid]
    after = bought & (rng.random(k) < 0.5)
    day = np.where(after, first[pid] + rng.exponential(60, k), ft + rng.uniform(0, 5, k))
    day = np.minimum(day, HISTORY_DAYS - 0.05)
    pre = np.array(("price_question", "product_question", "booking", "training_question"),
                   dtype=object)
    pre_p = np.where((seg[pid] == "household")[:, None], [0.55, 0.3, 0.02, 0.13],
                     [0.35, 0.2, 0.35, 0.1])
    post = np.array(("order_status", "complaint", "product_question", "price_question"),
                    dtype=object)
    topic = np.where(after, post[_pick(rng, np.tile([0.45, 0.2, 0.2, 0.15], (k, 1)), k)],
                     pre[_pick(rng, pre_p, k)])
    channel = np.where(seg[pid] == "office", np.where(rng.random(k) < 0.6, "hotline", "zalo_oa"),
                       np.where(np.isin(src[pid], ("facebook_ads", "tiktok_ads")),
                                np.where(rng.random(k) < 0.75, "facebook_messenger", "zalo_oa"),
                                np.where(rng.random(k) < 0.8, "zalo_oa", "hotline")))
    n_msg = 1 + rng.poisson(0.5, k)
    conv = np.repeat(np.arange(k), n_msg)
    msg_no = np.arange(len(conv)) - np.repeat(np.cumsum(n_msg) - n_msg, n_msg)
    hour = (P["active_hour"].to_numpy()[pid] + rng.normal(0, 1.5, k)) % 24
    t = np.floor(day) + hour / 24
    sent = t[conv] + msg_no * rng.uniform(0.001, 0.02, len(conv))
    ch = channel[conv]
    minutes = np.round(np.where(ch == "hotline", rng.uniform(0, 2, len(conv)),
                                rng.lognormal(np.where(ch == "zalo_oa", 2.8, 3.4), 1.1,
                                              len(conv)))).astype(int)
    return pd.DataFrame({"conversation": conv, "msg_no": msg_no, "pid": pid[conv], "channel": ch,
                         "day": np.minimum(sent, HISTORY_DAYS - 0.001),
                         "topic": np.where(msg_no == 0, topic[conv], "follow_up"),
                         "first_response": np.where(msg_no == 0, minutes, -1),
                         "gives_phone": (msg_no == 0) & (rng.random(len(conv)) < 0.45)})


def tickets(rng, P: pd.DataFrame, O: pd.DataFrame) -> pd.DataFrame:
    """Support tickets: discount hunters return and complain; equipment owners need repairs."""
    n = len(P)
    seg = P["segment"].to_numpy()
    hunter = P["hunter"].to_numpy()
    n_orders = np.bincount(O["pid"], minlength=n)
    gear = np.bincount(O["pid"], weights=np.isin(O["basket"], ("deal_equipment", "hh_gear")),
                       minlength=n)
    lam = np.where(hunter, 0.25 * n_orders, np.where(seg == "household", 0.12, 0.06 * n_orders ** 0.5
                                                     + 0.4 * gear)) * (n_orders > 0)
    count = rng.poisson(lam)
    pid = np.repeat(np.arange(n), count)
    k = len(pid)
    first_day = np.full(n, np.inf)
    np.minimum.at(first_day, O["pid"].to_numpy(), O["day"].to_numpy())
    last_day = np.zeros(n)
    np.maximum.at(last_day, O["pid"].to_numpy(), O["day"].to_numpy())
    opened = first_day[pid] + rng.random(k) * (last_day[pid] + 20 - first_day[pid])
    kinds = np.array(("delivery", "product_quality", "machine_repair", "billing", "usage_question",
                      "return_request"), dtype=object)
    probs = np.select([hunter[pid][:, None], (seg[pid] == "household")[:, None]],
                      [np.array([0.2, 0.3, 0, 0, 0, 0.5]), np.array([0.4, 0.3, 0, 0.02, 0.25, 0.03])],
                      np.array([0.15, 0.1, 0.4, 0.1, 0.25, 0]))
    issue = kinds[_pick(rng, probs, k)]
    contacts = 1 + rng.poisson(np.where(hunter[pid], 1.2, 0.5))
    hours = rng.exponential(np.where(issue == "machine_repair", 60, 20)) * contacts
    ces = np.clip(np.round(1.5 + 0.9 * contacts + rng.normal(0, 0.8, k)), 1, 7).astype(int)
    csat = np.clip(np.round(5.6 - 0.55 * ces + rng.normal(0, 0.5, k)), 1, 5).astype(int)
    return pd.DataFrame({"pid": pid, "day": np.minimum(opened, HISTORY_DAYS - 0.1),
                         "close_day": opened + hours / 24, "issue": issue,
                         "contacts": contacts, "ces": ces, "csat": csat})


def surveys(rng, P: pd.DataFrame, O: pd.DataFrame, T: pd.DataFrame) -> pd.DataFrame:
    """Survey answers after a first completed order or a ticket; scores follow loyalty."""
    done = O[(O["status"] == "completed")].drop_duplicates("pid")
    parts = [(done["pid"].to_numpy(), done["day"].to_numpy() + rng.uniform(2, 9, len(done)),
              "purchase", 0.35),
             (T["pid"].to_numpy(), T["close_day"].to_numpy() + rng.uniform(0, 2, len(T)),
              "ticket", 0.25)]
    pid, day, trig = [], [], []
    for p, d, t, rate in parts:
        keep = rng.random(len(p)) < rate
        pid.append(p[keep]), day.append(d[keep]), trig.append(np.full(keep.sum(), t, dtype=object))
    pid, day, trig = np.concatenate(pid), np.concatenate(day), np.concatenate(trig)
    keep = day < HISTORY_DAYS
    pid, day, trig = pid[keep], day[keep], trig[keep]
    k = len(pid)
    loyalty = P["loyalty"].to_numpy()[pid]
    nps = np.select([loyalty == "promoter", loyalty == "passive"],
                    [rng.integers(9, 11, k), rng.integers(7, 9, k)], rng.integers(0, 7, k))
    csat = np.clip(np.round(nps / 2.2 + rng.normal(0.4, 0.5, k)), 1, 5).astype(int)
    topic_p = np.select([(loyalty == "promoter")[:, None], (loyalty == "passive")[:, None]],
                        [np.array([0.05, 0.05, 0.45, 0.4, 0.02, 0.03]),
                         np.array([0.35, 0.25, 0.15, 0.1, 0.1, 0.05])],
                        np.array([0.25, 0.25, 0.05, 0.0, 0.25, 0.2]))
    topics = np.array(("price", "delivery", "praise_quality", "praise_service", "machine_issue",
                       "slow_response"), dtype=object)
    topic = topics[_pick(rng, topic_p, k)]
    topic = np.where((day >= Q4_2025) & (rng.random(k) < PRICE_SHIFT_Q4), "price", topic)
    has_comment = rng.random(k) < 0.55
    out = pd.DataFrame({"pid": pid, "day": day, "trigger": trig, "nps": nps, "csat": csat,
                        "topic": np.where(has_comment, topic, ""),
                        "english": rng.random(k) < 0.1})
    return out.sort_values(["day", "pid"], kind="stable").reset_index(drop=True)


def referrals(rng, P: pd.DataFrame, first: np.ndarray) -> pd.DataFrame:
    """Who referred each referral-sourced person: earlier customers, promoters far more often."""
    referred = np.flatnonzero(P["source"].to_numpy() == "referral")
    cust = np.flatnonzero(~np.isnan(first))
    cust = cust[np.argsort(first[cust], kind="stable")]
    w = np.vectorize(REFERRAL_WEIGHT.get, otypes=[float])(P["loyalty"].to_numpy()[cust]) \
        * np.where(P["community"].to_numpy()[cust], 2.0, 1.0)
    cum = np.cumsum(w)
    day = P["first_touch"].to_numpy()[referred] - rng.uniform(0, 5, len(referred))
    upto = np.searchsorted(first[cust], day)  # customers who had bought before that day
    ok = upto > 0
    referred, day, upto = referred[ok], day[ok], upto[ok]
    pick = np.searchsorted(cum, rng.random(len(referred)) * cum[upto - 1], side="right")
    referrer = cust[np.minimum(pick, upto - 1)]
    converted = ~np.isnan(first[referred])
    b2b = P["segment"].to_numpy()[referred] != "household"
    status = np.where(converted, "converted", np.where(day < HISTORY_DAYS - 60, "expired",
                                                       "pending"))
    out = pd.DataFrame({"referrer": referrer, "pid": referred, "day": np.maximum(day, 0),
                        "status": status,
                        "reward": np.where(converted, np.where(b2b, 200_000, 50_000), 0)})
    return out.sort_values(["day", "pid"], kind="stable").reset_index(drop=True)


def community(rng, P: pd.DataFrame, first: np.ndarray) -> pd.DataFrame:
    """Barista club members (customers only), with their posts, events and badge."""
    pid = np.flatnonzero(P["community"].to_numpy() & ~np.isnan(first))
    k = len(pid)
    joined = first[pid] + rng.exponential(45, k)
    keep = joined < HISTORY_DAYS
    pid, joined, k = pid[keep], joined[keep], int(keep.sum())
    posts = rng.poisson(np.where(P["loyalty"].to_numpy()[pid] == "promoter", 5, 1.5))
    events = rng.poisson(2.0, k)
    score = posts + 2 * events
    badge = np.select([score >= 16, score >= 9, score >= 4], ["Chuyên gia Cộng đồng",
                                                               "Thành viên Vàng", "Thành viên Bạc"],
                      "Thành viên").astype(object)
    return pd.DataFrame({"pid": pid, "day": joined, "posts": posts, "events": events,
                         "badge": badge}).sort_values(["day", "pid"]).reset_index(drop=True)


#: paid channels: lead source, cost per real lead (VND), CPM (VND), click-through rate
PAID = {"facebook_ads": ("facebook_ads", 250_000, 45_000, 0.018),
        "tiktok_ads": ("tiktok_ads", 220_000, 30_000, 0.012),
        "zalo_ads": ("zalo_oa", 300_000, 60_000, 0.009)}


def spend(rng, P: pd.DataFrame, crm: pd.DataFrame) -> pd.DataFrame:
    """Monthly ads spend per channel, in line with the leads each channel really brought."""
    first = crm[~crm["duplicate"]]
    month = _month_index(first["created"].to_numpy())
    src = P["source"].to_numpy()[first["pid"]]
    rows = []
    for ch, (lead_src, cpl, cpm, ctr) in PAID.items():
        share = 0.5 if lead_src == "zalo_oa" else 1.0  # half of Zalo leads come from paid Zalo ads
        leads = np.bincount(month[src == lead_src], minlength=24) * share
        spend_ = np.round(leads * cpl * rng.lognormal(0, 0.15, 24) + 2_000_000, -3)
        imp = np.round(spend_ / cpm * 1000).astype(np.int64)
        clicks = rng.binomial(imp, ctr)
        plat = np.round(leads * rng.uniform(1.15, 1.45, 24)).astype(np.int64)
        rows.append(pd.DataFrame({"month": np.arange(24), "channel": ch,
                                  "spend": spend_.astype(np.int64), "impressions": imp,
                                  "clicks": clicks, "leads": plat}))
    return pd.concat(rows).sort_values(["month", "channel"]).reset_index(drop=True)


def _month_index(day: np.ndarray) -> np.ndarray:
    dates = START + (day * 86400).astype("timedelta64[s]")
    return (dates.astype("datetime64[M]") - np.datetime64("2024-01", "M")).astype(int)


#: automation: conversion of the cart-abandon reminder, plain (A) vs with a discount (B)
CART_CONVERSION = {"A": 0.04, "B": 0.14}
#: open rates of a scheduled message sent at the person's usual active hour vs at another hour
OPEN_RATE = {"usual_hour": 0.42, "other_hour": 0.22}


def automation(rng, P: pd.DataFrame, W: pd.DataFrame, O: pd.DataFrame, consent: np.ndarray,
               first: np.ndarray) -> pd.DataFrame:
    """Automated sends to consenting people, their opens, clicks and conversions."""
    n = len(P)
    rows = []
    # welcome after the contact form, cart reminders after abandoned carts (A/B test)
    form = W[W["event"] == "form_submit"]
    rows.append((form["pid"].to_numpy(), form["day"].to_numpy() + 0.004, "welcome"))
    carts = W[W["event"] == "add_to_cart"]
    bought = W[W["event"] == "purchase"]
    abandoned = ~np.isin(carts["pid"].to_numpy() * 10_000 + np.floor(carts["day"].to_numpy()),
                         bought["pid"].to_numpy() * 10_000 + np.floor(bought["day"].to_numpy()))
    rows.append((carts["pid"].to_numpy()[abandoned], carts["day"].to_numpy()[abandoned] + 0.05,
                 "cart_abandon"))
    views = np.bincount(W.loc[W["event"] == "page_view", "pid"], minlength=n)
    comp = np.flatnonzero(views > 2)
    rows.append((comp, P["first_touch"].to_numpy()[comp] + 2, "product_comparison"))
    # scheduled sends: after purchase, loyalty, win-back
    cust = np.flatnonzero(~np.isnan(first))
    last = np.full(n, -1.0)
    np.maximum.at(last, O["pid"].to_numpy(), O["day"].to_numpy())
    rows.append((cust, first[cust] + 1, "post_purchase_guide"))
    rows.append((cust, first[cust] + 7, "satisfaction_survey"))
    hh = cust[P["segment"].to_numpy()[cust] == "household"]
    rows.append((hh, rng.uniform(0, HISTORY_DAYS, len(hh)), "birthday"))
    repeat = cust[np.bincount(O["pid"], minlength=n)[cust] >= 3]
    rows.append((repeat, last[repeat] + rng.uniform(10, 40, len(repeat)), "points_reminder"))
    prom = cust[P["loyalty"].to_numpy()[cust] == "promoter"]
    rows.append((prom, first[prom] + rng.uniform(20, 60, len(prom)), "referral_invite"))
    lapsed = cust[last[cust] < HISTORY_DAYS - 120]
    rows.append((lapsed, last[lapsed] + 90, "win_back"))
    pid = np.concatenate([r[0] for r in rows])
    day = np.concatenate([r[1] for r in rows])
    trig = np.concatenate([np.full(len(r[0]), r[2], dtype=object) for r in rows])
    keep = consent[pid] & (day < HISTORY_DAYS) & (day >= 0)
    pid, day, trig = pid[keep], day[keep], trig[keep]
    k = len(pid)
    scheduled = ~np.isin(trig, ("welcome", "cart_abandon"))
    usual = P["active_hour"].to_numpy()[pid]
    at_usual = scheduled & (rng.random(k) < 0.5)
    hour = np.where(scheduled, np.where(at_usual, usual, 9), (day % 1) * 24)
    day = np.where(scheduled, np.floor(day) + hour / 24, day)
    fits = np.abs((hour - usual + 12) % 24 - 12) <= 1
    opened = rng.random(k) < np.where(fits, OPEN_RATE["usual_hour"], OPEN_RATE["other_hour"])
    opened |= ~scheduled & (rng.random(k) < 0.35)
    clicked = opened & (rng.random(k) < 0.35)
    variant = np.where(trig == "cart_abandon", np.where(rng.random(k) < 0.5, "A", "B"), "")
    conv_p = np.where(variant == "A", CART_CONVERSION["A"], np.where(variant == "B",
                                                                      CART_CONVERSION["B"], 0.0))
    converted = np.where(trig == "cart_abandon", rng.random(k) < conv_p,
                         clicked & (rng.random(k) < 0.2))
    clicked |= converted
    opened |= clicked
    out = pd.DataFrame({"pid": pid, "day": day, "trigger": trig, "variant": variant,
                        "opened": opened, "clicked": clicked, "converted": converted})
    return out.sort_values(["day", "pid", "trigger"], kind="stable").reset_index(drop=True)
