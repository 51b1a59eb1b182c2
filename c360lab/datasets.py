"""The sample company's data: generate it, write it, load it.

Phin & Co. (see ``c360lab.phinco``) exports twelve raw tables from its systems, each with the mess
that system really adds. ``generate`` builds them in memory, ``write_sample`` writes them as CSV
files (the course ships the default sample in ``data/``), ``load_raw`` reads them back through the
data contract with correct dtypes, and ``load_answer_key`` reads which record belongs to which real
person (the answer key real data never has; the course grades step 2 with it).

>>> raw = load_raw()
>>> raw["shop_orders"]["order_time"].dtype
dtype('<M8[us]')
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import contract
from . import phinco as world
from . import phinco_texts as texts
from . import vietnam as vn

DEFAULT_SEED = 2026
DEFAULT_CUSTOMERS = 3000
MIN_CUSTOMERS, MAX_CUSTOMERS = 500, 1_000_000
TODAY = world.TODAY
RAW_DIR, KEY_DIR = "raw", "answer_key"
ANSWER_KEY_FILES = ("persons", "record_links", "text_labels")
_CHUNK = 250_000

#: how each system writes a person's phone: share of each format (the rest is canonical 0xxxxxxxxx)
PHONE_MESS = {
    "crm": {"spaces": 0.15, "dots": 0.10, "dashes": 0.03, "plus84": 0.04, "84": 0.02,
            "lost_zero": 0.04, "legacy": 0.10, "blank": 0.04},
    "shop": {"spaces": 0.12, "dots": 0.08, "dashes": 0.02, "plus84": 0.08, "84": 0.03,
             "lost_zero": 0.06, "legacy": 0.05, "blank": 0.03},
    "marketplace": {"plus84": 0.45, "84": 0.25, "spaces": 0.05, "lost_zero": 0.05},
    "chat": {"spaces": 0.20, "dots": 0.15, "plus84": 0.10, "lost_zero": 0.05, "legacy": 0.06},
    "care": {"spaces": 0.15, "dots": 0.10, "plus84": 0.05, "legacy": 0.08, "blank": 0.05},
    "survey": {"plus84": 0.20, "spaces": 0.10, "blank": 0.30},
    "referral": {"spaces": 0.20, "dots": 0.20, "legacy": 0.06, "blank": 0.05},
    "automation": {"84": 0.90},
}
#: how each system writes a person's name (share of each variant; the rest is written correctly)
NAME_MESS = {
    "crm": {"no_diacritics": 0.12, "upper": 0.03, "upper_ascii": 0.02, "lower": 0.04, "nfd": 0.03,
            "extra_spaces": 0.05, "honorific": 0.05, "old_tone": 0.03},
    "shop": {"no_diacritics": 0.15, "upper_ascii": 0.05, "given_first": 0.10, "nfd": 0.04,
             "extra_spaces": 0.04, "lower": 0.04},
    "marketplace": {"given_first": 0.25, "no_diacritics": 0.20, "upper_ascii": 0.10,
                    "given_only": 0.05, "nfd": 0.05},
    "chat": {"honorific": 0.25, "given_only": 0.15, "given_first": 0.15, "no_diacritics": 0.15,
             "nfd": 0.04},
    "care": {"honorific": 0.20, "no_diacritics": 0.15, "upper": 0.05, "given_first": 0.05},
    "referral": {"given_only": 0.30, "honorific": 0.20, "no_diacritics": 0.15},
}
EMAIL_MESS = {
    "crm": {"upper": 0.04, "spaces": 0.03, "typo_domain": 0.02, "blank": 0.30},
    "shop": {"upper": 0.03, "spaces": 0.02, "typo_domain": 0.02, "blank": 0.15},
    "marketplace": {"blank": 0.85},
    "web": {"upper": 0.03, "spaces": 0.02, "typo_domain": 0.02},
    "survey": {"upper": 0.02, "blank": 0.35},
    "community": {"upper": 0.03, "typo_domain": 0.02, "blank": 0.20},
    "automation": {},
}
PROVINCE_MESS = {
    "crm": {"alias": 0.35, "former": 0.08, "no_diacritics": 0.10, "blank": 0.10},
    "shop": {"alias": 0.40, "former": 0.10, "no_diacritics": 0.10, "blank": 0.02},
}
#: other mess: share of rows (see data/README.md)
OTHER_MESS = {
    "crm_second_number": 0.40,  # people with a second mobile give it in this share of records
    "second_number": 0.30,  # ... in the other systems
    "second_email": 0.40,  # people with a second e-mail give it in this share of records
    "office_landline_crm": 0.40,  # office contacts entered with the shared office landline
    "office_landline_orders": 0.25,
    "office_landline_tickets": 0.30,
    "b2b_buyer_is_company": 0.20,  # B2B orders with the company, not the person, as buyer
    "deal_value_vn_format": 0.60,  # deal values written like "1.250.000 ₫"
    "deal_value_comma_format": 0.15,  # ... or like "1,250,000"
    "text_without_diacritics": 0.20,  # chat messages and lost reasons typed without diacritics
    "crm_need_missing": 0.40, "crm_barrier_missing": 0.60, "crm_type_missing": 0.10,
    "crm_firmographics_missing": 0.30,
}


@dataclass
class Sample:
    """A generated sample: the exports as text (as written to files), the answer key, the truth."""

    tables: dict[str, pd.DataFrame]
    answer_key: dict[str, pd.DataFrame]
    people: pd.DataFrame
    mess: pd.DataFrame

    def raw(self) -> dict[str, pd.DataFrame]:
        """The exports with contract dtypes, as ``load_raw`` returns them."""
        return {name: contract.validate(name, df) for name, df in self.tables.items()}


def generate(n_customers: int = DEFAULT_CUSTOMERS, seed: int = DEFAULT_SEED, *,
             progress: bool = False) -> Sample:
    """Generate Phin & Co.: its raw exports, answer key and ground truth.

    Parameters
    ----------
    n_customers : int
        Real people in the company's world (customers, leads and visitors), 500 to 1,000,000.
    seed : int
        The same seed gives the same sample, byte for byte.
    progress : bool
        Show a progress bar (for large samples).

    Returns
    -------
    Sample
        ``tables`` (text, as in the files), ``answer_key``, ``people`` (latent traits) and ``mess``
        (how many values of each column got each kind of mess).

    Examples
    --------
    >>> s = generate(500, seed=1)
    >>> sorted(s.tables) == sorted(contract.TABLES)
    True
    """
    if not MIN_CUSTOMERS <= n_customers <= MAX_CUSTOMERS:
        raise ValueError(f"n_customers must be from {MIN_CUSTOMERS:,} to {MAX_CUSTOMERS:,}, "
                         f"not {n_customers:,}")
    steps = _Progress(progress, total=9)
    rng = np.random.default_rng(seed)
    P = world.people(rng, n_customers)
    steps.tick("people")
    crm = world.crm_presence(rng, P)
    D = world.pipeline(rng, P, crm)
    first = world.first_orders(rng, P, D)
    steps.tick("pipeline")
    O = world.orders(rng, P, first, D)
    L = world.order_lines(rng, P, O)
    M = world.money(rng, P, O, L)
    steps.tick("orders")
    W = world.web_events(rng, P, crm, O)
    steps.tick("web")
    inbox = world.inbox(rng, P, first, O)
    T = world.tickets(rng, P, O)
    S = world.surveys(rng, P, O, T)
    R = world.referrals(rng, P, first)
    C = world.community(rng, P, first)
    spend = world.spend(rng, P, crm)
    consent = _consent(rng, P, crm)
    A = world.automation(rng, P, W, O, consent, first)
    steps.tick("behaviour")

    r = _Renderer(rng, P)
    tables, links, labels = {}, [], []
    tables["crm_contacts"] = r.crm(crm, first, consent, D)
    steps.tick("crm")
    tables["deals"], lab = r.deals(D, crm)
    labels.append(lab)
    tables["shop_orders"], tables["order_lines"] = r.orders(O, L, M, D)
    steps.tick("shop")
    tables["web_events"], visitors = r.web(W)
    steps.tick("web export")
    tables["inbox_messages"], lab = r.inbox(inbox)
    labels.append(lab)
    tables["tickets"] = r.tickets(T, O)
    tables["surveys"], lab = r.surveys(S)
    labels.append(lab)
    tables["referrals"] = r.referrals(R, tables["crm_contacts"], crm)
    tables["community"] = r.community(C)
    tables["marketing_spend"] = r.spend(spend)
    tables["automation_sends"] = r.automation(A)
    steps.tick("care, referrals, automation")
    tables = {name: tables[name] for name in contract.TABLES}
    links = pd.concat(r.links + [visitors], ignore_index=True)
    answer_key = {
        "persons": pd.DataFrame({
            "person_id": P["person_id"], "full_name": P["full_name"],
            "phone": "+84" + P["phone"].str[1:], "email": P["email"], "segment": P["segment"],
            "company": P["company"], "province": P["province"]}),
        "record_links": links.sort_values(["table", "record_id", "role"], kind="stable")
        .reset_index(drop=True),
        "text_labels": pd.concat(labels, ignore_index=True),
    }
    steps.close()
    P = P.assign(first_order_day=first, consent=consent)
    return Sample(tables, answer_key, P, pd.concat(r.mess, ignore_index=True))


def _consent(rng, P, crm) -> np.ndarray:
    """Marketing consent per person: asked on CRM forms and at checkout; silence is not consent."""
    n = len(P)
    in_crm = np.zeros(n, bool)
    in_crm[crm["pid"]] = True
    return rng.random(n) < np.where(in_crm, 0.65, 0.45)


class _Progress:
    def __init__(self, on: bool, total: int):
        self.bar = None
        if on:
            from tqdm.auto import tqdm
            self.bar = tqdm(total=total, desc="Phin & Co.", unit="step")

    def tick(self, what: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(what)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.update(self.bar.total - self.bar.n)
            self.bar.close()


#: record ids of each export: prefix and digits (CRM-000001, OD-00000001, ...)
ID_FORMAT = {"crm_contacts": ("CRM-", 6), "deals": ("DL-", 6), "shop_orders": ("OD-", 8),
             "order_lines": ("OL-", 8), "web_events": ("EV-", 9), "inbox_messages": ("MSG-", 8),
             "conversations": ("CV-", 7), "tickets": ("TK-", 6), "surveys": ("SV-", 6),
             "referrals": ("RF-", 6), "community": ("CM-", 5), "automation_sends": ("AS-", 8)}


def _ids(table: str, n: int) -> np.ndarray:
    """The first ``n`` record ids of a table."""
    prefix, width = ID_FORMAT[table]
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)


def _times(day: np.ndarray) -> np.ndarray:
    """'YYYY-MM-DD HH:MM:SS' for float days since the start of the history."""
    t = world.START + np.round(np.asarray(day, float) * 86400).astype("timedelta64[s]")
    return np.char.replace(np.datetime_as_string(t, unit="s"), "T", " ").astype(object)


def _dates(day: np.ndarray, fmt: str = "iso") -> np.ndarray:
    """ISO or dd/mm/yyyy dates, '' where the day is missing."""
    day = np.asarray(day, float)
    ok = ~np.isnan(day)
    t = world.START + (np.nan_to_num(day) * 86400).astype("timedelta64[s]")
    iso = np.datetime_as_string(t, unit="D").astype(object)
    if fmt == "dmy":
        s = pd.Series(iso)
        iso = (s.str[8:10] + "/" + s.str[5:7] + "/" + s.str[0:4]).to_numpy(dtype=object)
    return np.where(ok, iso, "")


def _text(rng, templates: dict, keys: np.ndarray, *, strip: float = 0.0, polite=False):
    """One template per key ('' gives ''), sometimes polite, sometimes typed without diacritics.

    Returns the texts and which of them lost their diacritics."""
    out = np.empty(len(keys), dtype=object)
    for k, options in templates.items():
        sel = np.flatnonzero(keys == k)
        out[sel] = np.array(options, dtype=object)[rng.integers(0, len(options), len(sel))]
    out[keys == ""] = ""
    if polite:
        pre = np.array(texts.HONORIFIC_PREFIXES, dtype=object)[
            rng.integers(0, len(texts.HONORIFIC_PREFIXES), len(keys))]
        suf = np.array(texts.POLITE_SUFFIXES, dtype=object)[
            rng.integers(0, len(texts.POLITE_SUFFIXES), len(keys))]
        out = np.where(keys == "", "", pre + out + suf)
    bare = rng.random(len(keys)) < strip
    out[bare] = [vn.strip_diacritics(t) for t in out[bare]]
    return out, bare


class _Renderer:
    """Writes each system's export of the people's behaviour, recording every link and mess."""

    def __init__(self, rng, P: pd.DataFrame):
        self.rng, self.P = rng, P
        self.links: list[pd.DataFrame] = []
        self.mess: list[pd.DataFrame] = []

    # -- people as each system writes them ------------------------------------------------
    def _count(self, table: str, column: str, labels: np.ndarray, kind: str, style: str) -> None:
        """Record how many values of a column got each variant of mess."""
        v, c = np.unique(labels.astype(str), return_counts=True)
        self.mess.append(pd.DataFrame({"table": table, "column": column, "kind": kind,
                                       "style": style, "variant": v, "count": c,
                                       "call": len(self.mess)}))

    def link(self, table: str, record_ids, pid, role: str = "record") -> None:
        """Record in the answer key which person each record belongs to."""
        self.links.append(pd.DataFrame({"table": table, "record_id": record_ids, "role": role,
                                        "person_id": self.P["person_id"].to_numpy()[pid]}))

    def records(self, table: str, frame: pd.DataFrame):
        """Ids for one record per row of ``frame`` (one person each), linked in the answer key."""
        pid = frame["pid"].to_numpy()
        ids = _ids(table, len(pid))
        self.link(table, ids, pid)
        return ids, pid

    def phone(self, table, column, pid, style, *, landline="", second="second_number"):
        """How ``style`` writes each person's phone: their mobile, sometimes a second mobile or
        (``landline`` names the OTHER_MESS rate) the office landline they share."""
        rng, P = self.rng, self.P
        number = self._alternative(table, column, pid, "phone", "phone2", second)
        out, labels = vn.format_phones(rng, number, PHONE_MESS[style])
        if landline:
            ll = P["landline"].to_numpy()[pid]
            has = ll != ""
            use = has & (rng.random(len(pid)) < OTHER_MESS[landline])
            self._count(table, column, np.where(use, "landline", "clean")[has], "other", landline)
            out[use] = ll[use]
            labels = np.where(use, "landline", labels)
        self._count(table, column, labels[labels != "landline"], "phone", style)
        return out

    def _alternative(self, table, column, pid, main, other, key):
        """The person's main value, or their other one (when they have one) at rate ``key``."""
        value = self.P[main].to_numpy()[pid].copy()
        alt = self.P[other].to_numpy()[pid]
        has = alt != ""
        use = has & (self.rng.random(len(pid)) < OTHER_MESS[key]) if key else np.zeros_like(has)
        value[use] = alt[use]
        if key:
            self._count(table, column, np.where(use, "second", "clean")[has], "other", key)
        return value

    def name(self, table, column, pid, style):
        full = self.P["full_name"].to_numpy()[pid]
        out, labels = vn.mess_names(self.rng, full, NAME_MESS[style],
                                    female=self.P["female"].to_numpy()[pid])
        self._count(table, column, labels, "name", style)
        return out

    def email(self, table, column, pid, style, *, second="second_email"):
        e = self._alternative(table, column, pid, "email", "email2", second)
        out, labels = vn.mess_emails(self.rng, e, EMAIL_MESS[style])
        self._count(table, column, labels, "email", style)
        return out

    def text(self, table, column, templates, keys, *, polite=False):
        """Free text from templates; chat-like text is sometimes typed without diacritics."""
        out, bare = _text(self.rng, templates, keys, polite=polite,
                          strip=OTHER_MESS["text_without_diacritics"])
        self._count(table, column, np.where(bare, "no_diacritics", "clean")[keys != ""], "other",
                    "text_without_diacritics")
        return out

    def province(self, table, column, pid, style):
        out, labels = vn.province_variants(self.rng, self.P["province"].to_numpy()[pid],
                                           PROVINCE_MESS[style])
        self._count(table, column, labels, "province", style)
        return out

    def flag(self, table, column, key, size, label):
        """True for a share ``OTHER_MESS[key]`` of ``size`` rows, recorded as mess."""
        hit = self.rng.random(size) < OTHER_MESS[key]
        self._count(table, column, np.where(hit, label, "clean"), "other", key)
        return hit

    # -- the twelve exports ------------------------------------------------------------------
    def crm(self, crm, first, consent, D):
        rng, P = self.rng, self.P
        ids, pid = self.records("crm_contacts", crm)
        k = len(pid)
        seg = P["segment"].to_numpy()[pid]
        b2b = seg != "household"
        src = P["source"].to_numpy()[pid]
        no_type = self.flag("crm_contacts", "customer_type", "crm_type_missing", k,
                            "blank")
        no_firm = self.flag("crm_contacts", "outlets", "crm_firmographics_missing", k,
                            "blank")
        no_need = self.flag("crm_contacts", "need", "crm_need_missing", k, "blank")
        no_bar = self.flag("crm_contacts", "main_barrier", "crm_barrier_missing", k,
                           "blank")
        bought = ~np.isnan(first[pid])
        code = np.char.add("PHIN", np.char.zfill(
            rng.permutation(900_000 + k)[:k].astype(str), 6)).astype(object)
        has_code = bought & ~crm["duplicate"].to_numpy() & (rng.random(k) < 0.7)
        created = crm["created"].to_numpy()
        last_seen = created + rng.exponential(40, k)
        care = np.where(bought, "customer", np.where(last_seen > world.HISTORY_DAYS - 60,
                                                     np.where(rng.random(k) < 0.5, "new",
                                                              "contacted"),
                                                     np.where(rng.random(k) < 0.4, "nurturing",
                                                              "inactive")))
        need = _text(rng, texts.NEEDS, np.where(no_need, "", seg))[0]
        barrier = _text(rng, texts.BARRIER_NOTES,
                        np.where(no_bar, "", P["barrier"].to_numpy()[pid]))[0]
        return pd.DataFrame({
            "contact_id": ids,
            "full_name": self.name("crm_contacts", "full_name", pid, "crm"),
            "phone": self.phone("crm_contacts", "phone", pid, "crm",
                                landline="office_landline_crm", second="crm_second_number"),
            "email": self.email("crm_contacts", "email", pid, "crm"),
            "company": np.where(b2b, P["company"].to_numpy()[pid], ""),
            "customer_type": np.where(no_type, "", seg),
            "outlets": np.where(b2b & ~no_firm, P["outlets"].to_numpy()[pid].astype(str), ""),
            "employees": np.where(b2b & ~no_firm, P["employees"].to_numpy()[pid].astype(str), ""),
            "province": self.province("crm_contacts", "province", pid, "crm"),
            "lead_source": np.where(src == "marketplace", "", src),
            "need": need, "main_barrier": barrier, "care_status": care,
            "owner": np.array(texts.SALES_REPS, dtype=object)[rng.integers(0, 6, k)],
            "referral_code": np.where(has_code, code, ""),
            "marketing_consent": np.where(consent[pid], "yes", "no"),
            "created_date": _dates(created, "dmy"),
        })

    def deals(self, D, crm):
        rng = self.rng
        k = len(D)
        ids = _ids("deals", k)
        first_crm = crm[~crm["duplicate"]]
        contact_of = pd.Series(_ids("crm_contacts", len(crm)), index=crm.index)
        contact = contact_of.loc[first_crm.index].to_numpy()
        pid_to_contact = dict(zip(first_crm["pid"].to_numpy(), contact))
        value = self._deal_values(D)
        u = rng.random(k)
        vn_fmt = u < OTHER_MESS["deal_value_vn_format"]
        comma = ~vn_fmt & (u < OTHER_MESS["deal_value_vn_format"]
                           + OTHER_MESS["deal_value_comma_format"])
        self._count("deals", "value", np.where(vn_fmt, "vn", "clean"), "other",
                    "deal_value_vn_format")
        self._count("deals", "value", np.where(comma, "comma", "clean"), "other",
                    "deal_value_comma_format")
        written = np.where(vn_fmt, vn.format_money_vn(value),
                           np.where(comma, [f"{v:,}" for v in value], value.astype(str)))
        lost = D["stage"].to_numpy() == "lost"
        reason_key = np.where(lost, D["barrier"].to_numpy(), "")
        reason = self.text("deals", "lost_reason", texts.LOST_REASONS, reason_key)
        budget = np.where(rng.random(k) < 0.5, np.round(value * rng.uniform(0.6, 1.2, k), -5), -1)
        out = pd.DataFrame({
            "deal_id": ids, "contact_id": [pid_to_contact[p] for p in D["pid"].to_numpy()],
            "stage": D["stage"].to_numpy(), "product_interest": D["interest"].to_numpy(),
            "value": written, "budget_vnd": np.where(budget < 0, "", budget.astype(np.int64)
                                                     .astype(str)),
            "decision_timeframe": D["timeframe"].to_numpy(),
            "inquiry_date": _dates(D["inquiry"]), "consultation_date": _dates(D["consultation"]),
            "quote_date": _dates(D["quote"]), "negotiation_date": _dates(D["negotiation"]),
            "closed_date": _dates(D["closed"]), "lost_reason": reason,
            "owner": np.array(texts.SALES_REPS, dtype=object)[rng.integers(0, 6, k)],
        })
        labels = pd.DataFrame({"table": "deals", "record_id": ids[lost], "column": "lost_reason",
                               "label": reason_key[lost]})
        return out, labels

    def _deal_values(self, D):
        typical = {"beans": 3_000_000, "equipment": 60_000_000, "training": 15_000_000,
                   "service": 6_000_000}
        base = np.vectorize(typical.get, otypes=[float])(D["interest"].to_numpy())
        return (np.round(base * self.rng.lognormal(0, 0.35, len(D)), -4)).astype(np.int64)

    def orders(self, O, L, M, D):
        rng, P = self.rng, self.P
        m = len(O)
        ids, pid = self.records("shop_orders", O)
        market = O["channel"].isin(["shopee", "tiktok_shop"]).to_numpy()
        b2b = P["segment"].to_numpy()[pid] != "household"
        name = np.empty(m, dtype=object)
        phone = np.empty(m, dtype=object)
        email = np.empty(m, dtype=object)
        for style, sel in (("marketplace", market), ("shop", ~market)):
            idx = np.flatnonzero(sel)
            name[idx] = self.name("shop_orders", "buyer_name", pid[idx], style)
            phone[idx] = self.phone("shop_orders", "buyer_phone", pid[idx], style,
                                    landline="office_landline_orders")
            email[idx] = self.email("shop_orders", "buyer_email", pid[idx], style)
        as_company = np.zeros(m, bool)
        as_company[b2b] = self.flag("shop_orders", "buyer_name", "b2b_buyer_is_company",
                                    int(b2b.sum()), "company")
        name = np.where(as_company, P["company"].to_numpy()[pid], name)
        pay = _payment(rng, O["channel"].to_numpy(), O["prepaid"].to_numpy(), b2b)
        deal_ids = _ids("deals", len(D))
        deal = np.where(O["deal"].to_numpy() >= 0, deal_ids[np.maximum(O["deal"].to_numpy(), 0)],
                        "")
        orders = pd.DataFrame({
            "order_id": ids, "order_time": _times(O["day"].to_numpy()),
            "channel": O["channel"].to_numpy(), "buyer_name": name, "buyer_phone": phone,
            "buyer_email": email,
            "province": self.province("shop_orders", "province", pid, "shop"),
            "status": O["status"].to_numpy(), "payment_method": pay,
            "discount_vnd": M["discount"].astype(str).to_numpy(),
            "shipping_vnd": M["shipping"].astype(str).to_numpy(), "deal_id": deal,
        })
        sku = L["sku"].to_numpy()
        lines = pd.DataFrame({
            "line_id": _ids("order_lines", len(L)), "order_id": ids[L["order"].to_numpy()],
            "sku": sku, "product_name": [world.PRODUCTS[s][0] for s in sku],
            "category": [world.PRODUCTS[s][1] for s in sku], "quantity": L["qty"].astype(str),
            "unit_price_vnd": L["price"].astype(str), "unit_cost_vnd": L["cost"].astype(str),
        })
        return orders, lines

    def web(self, W):
        rng, P = self.rng, self.P
        k = len(W)
        pid = W["pid"].to_numpy()
        browser = pid * 2 + W["browser"].to_numpy()
        uniq, anon_idx = np.unique(browser, return_inverse=True)
        cookies = np.array([f"{h:012x}" for h in _unique_ints(rng, len(uniq))], dtype=object)
        anon = cookies[anon_idx]
        etype = W["event"].to_numpy()
        # the e-mail is known from the form onwards, on that browser
        day = W["day"].to_numpy()
        form_day = np.full(len(uniq), np.inf)
        is_form = etype == "form_submit"
        np.minimum.at(form_day, anon_idx[is_form], day[is_form])
        known = day >= form_day[anon_idx]
        email = np.full(k, "", dtype=object)
        idx = np.flatnonzero(known)
        email[idx] = self.email("web_events", "email", pid[idx], "web")
        src = P["source"].to_numpy()[pid]
        utm = np.vectorize(_UTM.get, otypes=[object])(src)
        landing = rng.random(k) < 0.4
        month = world._month_index(day)
        campaign = np.where(landing & (utm != ""), np.char.add(
            np.char.add(utm.astype(str), "_"), (month % 12 + 1).astype(str)).astype(object), "")
        device = np.array(("mobile", "desktop", "tablet"), dtype=object)[
            _device_of(rng, len(uniq))[anon_idx]]
        page = _pages(rng, etype)
        out = pd.DataFrame({
            "event_id": _ids("web_events", k), "anonymous_id": anon, "email": email,
            "event_type": etype, "page": page, "utm_source": np.where(landing, utm, ""),
            "utm_campaign": campaign, "device": device, "event_time": _times(day),
        })
        first_of = np.unique(anon_idx, return_index=True)[1]
        visitors = pd.DataFrame({"table": "web_events", "record_id": cookies[anon_idx[first_of]],
                                 "role": "visitor",
                                 "person_id": P["person_id"].to_numpy()[pid[first_of]]})
        return out, visitors

    def inbox(self, I):
        k = len(I)
        ids, pid = self.records("inbox_messages", I)
        conv = I["conversation"].to_numpy()
        first_of = np.unique(conv, return_index=True)[1]
        conv_name = self.name("inbox_messages", "display_name", pid[first_of], "chat")
        gives = I["gives_phone"].to_numpy()
        phone = np.full(k, "", dtype=object)
        idx = np.flatnonzero(gives)
        phone[idx] = self.phone("inbox_messages", "phone", pid[idx], "chat")
        topic = I["topic"].to_numpy()
        text = self.text("inbox_messages", "message_text", texts.INBOX, topic, polite=True)
        resp = I["first_response"].to_numpy()
        out = pd.DataFrame({
            "message_id": ids,
            "conversation_id": _ids("conversations", conv.max() + 1 if k else 0)[conv],
            "channel": I["channel"].to_numpy(), "display_name": conv_name[conv], "phone": phone,
            "sent_at": _times(I["day"].to_numpy()),
            "first_response_minutes": np.where(resp >= 0, resp.astype(str), ""),
            "message_text": text,
        })
        labels = pd.DataFrame({"table": "inbox_messages", "record_id": ids,
                               "column": "message_text", "label": topic})
        return out, labels

    def tickets(self, T, O):
        rng = self.rng
        k = len(T)
        ids, pid = self.records("tickets", T)
        order_ids = _ids("shop_orders", len(O))
        # the person's latest order before the ticket, when the agent noted it
        key = O["pid"].to_numpy() * 1000.0 + O["day"].to_numpy()
        pos = np.searchsorted(key, pid * 1000.0 + T["day"].to_numpy()) - 1
        ok = (pos >= 0) & (O["pid"].to_numpy()[np.maximum(pos, 0)] == pid) & (rng.random(k) < 0.6)
        closed = T["close_day"].to_numpy()
        return pd.DataFrame({
            "ticket_id": ids,
            "requester_name": self.name("tickets", "requester_name", pid, "care"),
            "requester_phone": self.phone("tickets", "requester_phone", pid, "care",
                                          landline="office_landline_tickets"),
            "order_id": np.where(ok, order_ids[np.maximum(pos, 0)], ""),
            "issue_type": T["issue"].to_numpy(),
            "channel": np.array(("hotline", "zalo_oa", "email", "showroom"), dtype=object)[
                world._pick(rng, (0.45, 0.35, 0.12, 0.08), k)],
            "opened_at": _times(T["day"].to_numpy()),
            "closed_at": np.where(closed < world.HISTORY_DAYS, _times(closed), ""),
            "contacts_to_resolve": T["contacts"].astype(str).to_numpy(),
            "ces": np.where(rng.random(k) < 0.7, T["ces"].astype(str).to_numpy(), ""),
            "csat": np.where(rng.random(k) < 0.6, T["csat"].astype(str).to_numpy(), ""),
        })

    def surveys(self, S):
        rng = self.rng
        k = len(S)
        ids, pid = self.records("surveys", S)
        topic = S["topic"].to_numpy()
        english = S["english"].to_numpy() & (topic != "")
        comment = _text(rng, texts.SURVEY_COMMENTS, np.where(english, "", topic), strip=0.1)[0]
        comment[english] = _text(rng, texts.SURVEY_COMMENTS_EN, topic[english])[0]
        out = pd.DataFrame({
            "response_id": ids,
            "respondent_email": self.email("surveys", "respondent_email", pid, "survey"),
            "respondent_phone": self.phone("surveys", "respondent_phone", pid, "survey"),
            "trigger": S["trigger"].to_numpy(), "submitted_at": _times(S["day"].to_numpy()),
            "nps": S["nps"].astype(str).to_numpy(),
            "csat": np.where(rng.random(k) < 0.8, S["csat"].astype(str).to_numpy(), ""),
            "comment": comment,
        })
        has = topic != ""
        labels = pd.DataFrame({"table": "surveys", "record_id": ids[has], "column": "comment",
                               "label": topic[has]})
        return out, labels

    def referrals(self, R, crm_table, crm):
        rng = self.rng
        k = len(R)
        ids = _ids("referrals", k)
        referrer, pid = R["referrer"].to_numpy(), R["pid"].to_numpy()
        self.link("referrals", ids, referrer, role="referrer")
        self.link("referrals", ids, pid, role="referred")
        codes = crm_table["referral_code"].to_numpy()
        code_of = {}
        for p, c in zip(crm["pid"].to_numpy(), codes):
            if c:
                code_of.setdefault(p, c)
        code = np.array([code_of.get(p, "") for p in referrer], dtype=object)
        code = np.where(rng.random(k) < 0.8, code, "")
        return pd.DataFrame({
            "referral_id": ids, "referrer_code": code,
            "referrer_phone": np.where(code == "", self.phone(
                "referrals", "referrer_phone", referrer, "referral"), ""),
            "referred_name": self.name("referrals", "referred_name", pid, "referral"),
            "referred_phone": self.phone("referrals", "referred_phone", pid, "referral"),
            "referral_date": _dates(R["day"].to_numpy()), "status": R["status"].to_numpy(),
            "reward_vnd": R["reward"].astype(str).to_numpy(),
        })

    def community(self, C):
        ids, pid = self.records("community", C)
        return pd.DataFrame({
            "member_id": ids, "display_name": self.name("community", "display_name", pid, "chat"),
            "phone": self.phone("community", "phone", pid, "chat"),
            "email": self.email("community", "email", pid, "community"),
            "joined_date": _dates(C["day"].to_numpy()), "badge": C["badge"].to_numpy(),
            "ugc_posts": C["posts"].astype(str).to_numpy(),
            "events_attended": C["events"].astype(str).to_numpy(),
        })

    def spend(self, S):
        month = np.datetime64("2024-01", "M") + S["month"].to_numpy().astype("timedelta64[M]")
        iso = np.datetime_as_string(month.astype("datetime64[D]"), unit="D")
        return pd.DataFrame({
            "spend_id": np.char.add(np.char.add(iso.astype(str), ":"),
                                    S["channel"].to_numpy().astype(str)).astype(object),
            "month": iso.astype(object), "channel": S["channel"].to_numpy(),
            "spend_vnd": S["spend"].astype(str).to_numpy(),
            "impressions": S["impressions"].astype(str).to_numpy(),
            "clicks": S["clicks"].astype(str).to_numpy(),
            "platform_leads": S["leads"].astype(str).to_numpy(),
        })

    def automation(self, A):
        rng = self.rng
        k = len(A)
        ids, pid = self.records("automation_sends", A)
        has_email = rng.random(k) < 0.6
        channel = np.where(has_email, "email", np.where(rng.random(k) < 0.85, "zalo_zns", "sms"))
        email = np.full(k, "", dtype=object)
        idx = np.flatnonzero(has_email)
        email[idx] = self.email("automation_sends", "recipient_email", pid[idx], "automation",
                                second="")
        phone = np.full(k, "", dtype=object)
        idx = np.flatnonzero(~has_email)
        phone[idx] = self.phone("automation_sends", "recipient_phone", pid[idx], "automation",
                                second="")
        yes_no = np.array(["no", "yes"], dtype=object)
        return pd.DataFrame({
            "send_id": ids, "trigger": A["trigger"].to_numpy(), "variant": A["variant"].to_numpy(),
            "channel": channel, "recipient_email": email, "recipient_phone": phone,
            "sent_at": _times(A["day"].to_numpy()),
            "opened": yes_no[A["opened"].to_numpy().astype(int)],
            "clicked": yes_no[A["clicked"].to_numpy().astype(int)],
            "converted": yes_no[A["converted"].to_numpy().astype(int)],
        })


_UTM = {"facebook_ads": "facebook", "tiktok_ads": "tiktok", "zalo_oa": "zalo", "seo": "google",
        "referral": "referral", "showroom": "", "event": "event", "marketplace": ""}
_PAGES = {
    "page_view": ("/", "/san-pham/ca-phe-hat", "/san-pham/may-xay", "/san-pham/may-pha-espresso",
                  "/khoa-hoc/barista", "/blog/cach-pha-phin", "/blog/mo-quan-ca-phe"),
    "pricing_view": ("/bang-gia", "/bang-gia/si-cho-quan"),
    "case_study_view": ("/khach-hang/quan-ca-phe-nho", "/khach-hang/van-phong",
                        "/khach-hang/chuoi-ca-phe"),
    "catalog_download": ("/tai-lieu/catalogue-2025.pdf",),
    "form_submit": ("/lien-he",), "add_to_cart": ("/gio-hang",),
    "checkout_start": ("/thanh-toan",), "purchase": ("/thanh-toan/thanh-cong",),
}


def _pages(rng, etype: np.ndarray) -> np.ndarray:
    out = np.empty(len(etype), dtype=object)
    for k, pages in _PAGES.items():
        sel = np.flatnonzero(etype == k)
        out[sel] = np.array(pages, dtype=object)[rng.integers(0, len(pages), len(sel))]
    return out


def _device_of(rng, n):
    return world._pick(rng, (0.7, 0.25, 0.05), n)


def _unique_ints(rng, n):
    """``n`` distinct random 48-bit integers, in random order."""
    ids = np.unique(rng.integers(0, 2 ** 48, n + 64))[:n]
    return rng.permutation(ids)


def _payment(rng, channel, prepaid, b2b):
    m = len(channel)
    market = np.isin(channel, ("shopee", "tiktok_shop"))
    #               cod  bank_transfer e_wallet card
    probs = np.select([b2b[:, None], market[:, None], (channel == "showroom")[:, None]],
                      [np.array([0.1, 0.9, 0, 0]), np.array([0.45, 0.1, 0.35, 0.1]),
                       np.array([0, 0.5, 0, 0.5])], np.array([0.55, 0.32, 0.1, 0.03]))
    pay = world._pick(rng, probs, m)
    pay = np.where(prepaid & (pay == 0), 1, pay)
    methods = contract.TABLES["shop_orders"].column("payment_method").values
    return np.array(methods, dtype=object)[pay]


# -- files -------------------------------------------------------------------------------------

def write_sample(out_dir, n_customers: int = DEFAULT_CUSTOMERS, seed: int = DEFAULT_SEED, *,
                 progress: bool = False) -> list[Path]:
    """Generate the sample and write it as UTF-8 CSV files under ``out_dir``.

    Writes ``raw/<table>.csv`` for the twelve exports, ``answer_key/<name>.csv`` and the data
    dictionary ``README.md``. The same arguments always give byte-identical files. Returns the
    paths written.
    """
    sample = generate(n_customers, seed, progress=progress)
    out = Path(out_dir)
    written = []
    for folder, frames in ((RAW_DIR, sample.tables), (KEY_DIR, sample.answer_key)):
        (out / folder).mkdir(parents=True, exist_ok=True)
        for name, df in frames.items():
            path = out / folder / f"{name}.csv"
            _write_csv(df, path)
            written.append(path)
    readme = out / "README.md"
    readme.write_text(data_dictionary(out, n_customers=n_customers, seed=seed), encoding="utf-8")
    return written + [readme]


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for start in range(0, max(len(df), 1), _CHUNK):
            df.iloc[start:start + _CHUNK].to_csv(fh, index=False, header=start == 0,
                                                 lineterminator="\n")


def sample_dir_candidates() -> list[Path]:
    """Where the sample data is looked for, in order: ``$C360LAB_DATA`` if set, else the
    course's ``data/`` folder and then the user's cache folder."""
    env = os.environ.get("C360LAB_DATA")
    if env:
        return [Path(env)]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "c360lab" / "data"
    return [Path(__file__).resolve().parent.parent / "data", cache]


def sample_dir(*, create: bool = True) -> Path | None:
    """The folder of the sample data (see ``sample_dir_candidates``).

    When the package is installed without the course folder, the default sample is generated
    once into the user's cache folder; with ``create=False`` None is returned instead.
    """
    candidates = sample_dir_candidates()
    found = next((f for f in candidates if (f / RAW_DIR / "crm_contacts.csv").is_file()), None)
    if found is None and create:
        write_sample(candidates[-1])
        found = candidates[-1]
    return found


def read_text(path) -> pd.DataFrame:
    """A CSV export exactly as written: every value as text, blanks as empty strings."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def load_raw(data_dir=None, tables=None) -> dict[str, pd.DataFrame]:
    """The raw exports, validated against the data contract, with correct dtypes.

    Parameters
    ----------
    data_dir : path, optional
        A folder with ``raw/<table>.csv`` files; the course's sample by default.
    tables : list of str, optional
        Only these tables (default: all twelve).

    Raises
    ------
    C360DataError
        When a file breaks the contract (every problem of the table is listed).
    """
    folder = Path(data_dir) if data_dir is not None else sample_dir()
    names = list(tables) if tables is not None else list(contract.TABLES)
    out = {}
    for name in names:
        path = (folder / RAW_DIR / f"{name}.csv").resolve()
        stat = path.stat()
        out[name] = _load_table(name, str(path), stat.st_mtime_ns, stat.st_size).copy()
    return out


@functools.lru_cache(maxsize=64)
def _load_table(name: str, path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    """One validated table, read once per file version (the key changes when the file does)."""
    return contract.validate(name, read_text(path), source=Path(path).name)


def load_answer_key(data_dir=None) -> dict[str, pd.DataFrame]:
    """Which raw record belongs to which real person (``record_links``), the people
    (``persons``) and what each free text really says (``text_labels``)."""
    folder = (Path(data_dir) if data_dir is not None else sample_dir()) / KEY_DIR
    return {name: read_text(folder / f"{name}.csv") for name in ANSWER_KEY_FILES}


def load_clean(data_dir=None) -> dict[str, pd.DataFrame]:
    """The clean model: raw exports → validated (``load_raw``) → resolved (``identity.resolve``).

    Every raw table keeps all its rows, in the same order, and gets a ``customer_id`` column
    after its key: person records from the link table, ``order_lines`` through their order,
    ``deals`` through their CRM contact, ``web_events`` through the browser (``<NA>`` for
    visitors who never identified themselves); ``referrals`` get ``referrer_customer_id`` and
    ``referred_customer_id``; ``marketing_spend`` is unchanged. Plus ``customers`` (one row
    per customer) and ``links`` (which record belongs to which customer, by which rule).

    Parameters
    ----------
    data_dir : path, optional
        A folder with ``raw/<table>.csv`` files; the course's sample by default.

    Returns
    -------
    dict of str -> DataFrame
        ``customers``, ``links`` and the twelve tables. Computed once per version of the files
        (cached); each call returns fresh copies.

    Raises
    ------
    C360DataError
        When a file breaks the contract.

    Examples
    --------
    >>> clean = load_clean()
    >>> raw = load_raw()
    >>> len(clean["shop_orders"]) == len(raw["shop_orders"])
    True
    >>> bool(clean["shop_orders"]["customer_id"].notna().all())
    True
    """
    folder = (Path(data_dir) if data_dir is not None else sample_dir()).resolve()
    stamp = []
    for name in contract.TABLES:
        stat = (folder / RAW_DIR / f"{name}.csv").stat()
        stamp.append((name, stat.st_mtime_ns, stat.st_size))
    return {name: df.copy() for name, df in _load_clean(str(folder), tuple(stamp)).items()}


@functools.lru_cache(maxsize=4)
def _load_clean(folder: str, stamp: tuple) -> dict[str, pd.DataFrame]:
    """The clean model of one version of the files (``stamp`` changes when a file does)."""
    from . import identity

    return clean_model(load_raw(folder), identity.resolve(load_raw(folder)))


def clean_model(raw: dict[str, pd.DataFrame], resolution) -> dict[str, pd.DataFrame]:
    """The raw tables with the ``customer_id`` of ``resolution`` added (see ``load_clean``).

    Never drops nor duplicates a row; the inputs are not changed.
    """
    links = resolution.links

    def customer_of(table: str, role: str = "record") -> pd.Series:
        sel = links[(links["table"] == table) & (links["role"] == role)]
        return pd.Series(sel["customer_id"].to_numpy(), index=sel["record_id"].to_numpy(),
                         dtype="str")

    def add(df: pd.DataFrame, column: str, values: pd.Series, after: str) -> pd.DataFrame:
        out = df.copy()
        out.insert(out.columns.get_loc(after) + 1, column, values.to_numpy())
        return out.astype({column: "str"})

    out = {"customers": resolution.customers.copy(), "links": links.copy()}
    orders = customer_of("shop_orders")
    contacts = customer_of("crm_contacts")
    for name, df in raw.items():
        key = contract.TABLES[name].key if name in contract.TABLES else df.columns[0]
        if name == "order_lines":
            out[name] = add(df, "customer_id", df["order_id"].map(orders), "line_id")
        elif name == "deals":
            out[name] = add(df, "customer_id", df["contact_id"].map(contacts), "deal_id")
        elif name == "web_events":
            out[name] = add(df, "customer_id",
                            df["anonymous_id"].map(customer_of(name, "visitor")), "event_id")
        elif name == "referrals":
            with_referrer = add(df, "referrer_customer_id",
                                df["referral_id"].map(customer_of(name, "referrer")), key)
            out[name] = add(with_referrer, "referred_customer_id",
                            df["referral_id"].map(customer_of(name, "referred")),
                            "referrer_customer_id")
        elif name == "marketing_spend":
            out[name] = df.copy()
        else:
            out[name] = add(df, "customer_id", df[key].map(customer_of(name)), key)
    return out


# -- the data dictionary -------------------------------------------------------------------------

_README_HEAD = """# Phin & Co. — the sample data

Synthetic data: every person, phone number and e-mail here is invented. **Do not contact.**
Any resemblance of a generated phone number to a real subscriber is chance (Vietnam has no
reserved fictitious range).

Phin & Co. is a coffee roaster and equipment supplier in Ho Chi Minh City with a showroom in
Hà Nội. It sells beans, equipment, barista training and machine service to households and to
cafés, offices, restaurants and hotels, through its website, showroom, hotline, Facebook, Zalo,
TikTok Shop and Shopee. The history runs from 2024-01-01 to 2025-12-31; "today" is
{today}. This sample was generated with `c360lab generate --customers {n} --seed {seed}`
({n:,} real people) and is byte-identical to what that command writes.

- `raw/` holds the twelve exports, one CSV file (UTF-8, comma-separated, header row) per system,
  exactly as that system would export them: each with its own ids and its own mess.
- `answer_key/` says which raw record belongs to which real person. Real data never has one; the
  course uses it only to grade identity resolution (step 2) and to test the package.

Read them with `c360lab.load_raw()` (validated, typed) or, to see the files as they are, with
`pandas.read_csv(path, dtype=str, keep_default_na=False)`: phone numbers must stay text, or their
leading zero is lost.

Types below are the pandas dtypes `load_raw()` gives: `str` text, `Int64` whole numbers (money is
whole VND), `boolean` (written `yes`/`no`), `datetime64` (dates written `YYYY-MM-DD`, date-times
`YYYY-MM-DD HH:MM:SS`, naive local time, unless a format is given). A blank cell is a missing value.
"""

_README_MESS = """## The mess, and how often

Each export writes people the way that system really does. The rates are the share of values
that get each variant; the rest are written cleanly. They are measured on every generated sample
by the tests (within ±20% of the rate).

"""

_README_KEY = """## The answer key (`answer_key/`)

| file | columns | meaning |
|---|---|---|
| `persons.csv` | person_id, full_name, phone, email, segment, company, province | each real person, with their correct details |
| `record_links.csv` | table, record_id, role, person_id | which person each person-bearing raw record belongs to; `web_events` records are browsers (`anonymous_id`), `referrals` has a `referrer` and a `referred` row |
| `text_labels.csv` | table, record_id, column, label | what each free text is about, as its writer meant it |
"""


def data_dictionary(data_dir=None, *, n_customers: int = DEFAULT_CUSTOMERS,
                    seed: int = DEFAULT_SEED) -> str:
    """The data dictionary of a sample folder as Markdown (``data/README.md`` is this text).

    Every table and column of the contract, with its type, meaning, Vietnamese term and an example
    value taken from the data, followed by the mess rates.
    """
    folder = Path(data_dir) if data_dir is not None else sample_dir()
    parts = [_README_HEAD.format(today=TODAY.date(), n=n_customers, seed=seed)]
    for t in contract.TABLES.values():
        df = read_text(folder / RAW_DIR / t.file)
        parts.append(f"## `raw/{t.file}` — {t.meaning}\n\n*{t.vi}* · system: {t.system} · "
                     f"key: `{t.key}` · {len(df):,} rows\n\n"
                     "| column | type | meaning | Vietnamese | example |\n|---|---|---|---|---|")
        for c in t.columns:
            filled = df.loc[df[c.name] != "", c.name]
            example = filled.iloc[0] if len(filled) else ""
            kind = c.dtype + (f" (written `{c.fmt}`)" if c.fmt and c.kind == "date" else "")
            kind += " (written like `1.250.000 ₫`)" if c.fmt == "vn" else ""
            codes = f" One of: {', '.join(c.values)}." if c.values else ""
            need = " Required." if c.required else ""
            parts.append(f"| `{c.name}` | {kind} | {c.meaning}.{codes}{need} | {c.vi} | "
                         f"`{example}` |" if example else
                         f"| `{c.name}` | {kind} | {c.meaning}.{codes}{need} | {c.vi} | |")
        parts.append("")
    parts.append(_README_MESS)
    for title, rates in (("Phone numbers", PHONE_MESS), ("Names", NAME_MESS),
                         ("E-mails", EMAIL_MESS), ("Provinces", PROVINCE_MESS)):
        variants = sorted({v for r in rates.values() for v in r})
        parts.append(f"### {title}\n\n| style | " + " | ".join(variants) + " |\n|---|"
                     + "---|" * len(variants))
        for style, r in rates.items():
            parts.append(f"| {style} | " + " | ".join(f"{r[v]:.0%}" if v in r else ""
                                                      for v in variants) + " |")
        parts.append("")
    parts.append(_MESS_NOTES + "\n| what | share |\n|---|---|")
    parts += [f"| {k.replace('_', ' ')} | {v:.0%} |" for k, v in OTHER_MESS.items()]
    parts.append("\n" + _README_KEY)
    return "\n".join(parts)


_MESS_NOTES = """Styles: `crm` the CRM's contacts; `shop` orders from the website, showroom, hotline,
Facebook and Zalo; `marketplace` Shopee and TikTok Shop orders; `chat` inbox display names and
phones and community profiles; `care` tickets; `survey`, `referral`, `web`, `community` and
`automation` their own tables. Phone variants: `spaces` `0912 345 678`, `dots` `0912.345.678`,
`dashes` `0912-345-678`, `plus84` `+84912345678`, `84` `84912345678`, `lost_zero` `912345678`,
`legacy` the pre-2018 11-digit number (`0169…` for today's `039…`; the rate applies to numbers
whose prefix changed in 2018), `blank` not given. Name variants: `no_diacritics` `Nguyen Van
Duc`, `upper_ascii` `NGUYEN VAN DUC`, `upper` `NGUYỄN VĂN ĐỨC`, `lower`, `nfd` decomposed Unicode
(looks the same, compares different), `extra_spaces`, `given_first` `Đức Nguyễn`, `given_only`
`Đức`, `honorific` `Anh Đức` / `Chị Lan` / `Mr. Đức`, `old_tone` old tone placement (`Hoà` for
`Hòa`). E-mail variants: `upper`, `spaces`, `typo_domain` (`gmai.com`, `gmail.con`…), `blank`.
Province variants: `alias` (`TP.HCM`, `HCM`, `Sài Gòn`, `Ho Chi Minh City`…), `former` a
pre-July-2025 province now merged into this one (`Bình Dương` for TP.HCM), `no_diacritics`.

Besides, some people use a second mobile number or a second e-mail; office workers share their
company's landline; some people were entered twice in the CRM by two sales reps; and:
"""
