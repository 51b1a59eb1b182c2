"""Run the seven steps on whatever tables a team has, and say what each missing table would unlock.

``run(tables)`` takes the typed contract tables (``datasets.load_raw()``, or the ``Ingest`` that
``mapping.read_exports`` returns for a team's own exports), links every record to one customer
(step 2: ``identity.resolve``, or the team's own customer key), then runs every analysis whose
inputs exist. Which analysis needs what is declared once, in :data:`ANALYSES`; the result says
which analyses ran, which did not, and exactly which table or column would unlock each.
``write_outputs`` writes the profile (CSV, Excel), the funnel, the KPIs, the one-page cards, the
row accounting, the rejected rows and the HTML report (``c360lab.report``).

A team with only an orders export (customer, date, amount, optionally cost) gets step 1, cohort
retention and CLV: an order without order lines becomes one line worth its amount
(:data:`ORDER_AMOUNT`, :data:`ORDER_COST` on ``shop_orders``); without a cost there is no margin,
and customers are ranked by revenue.

>>> sorted(a.name for a in ANALYSES)[:3]
['ab_test', 'b2b_pipeline', 'clv']

Source: 001 §4 (the seven steps), CURRICULUM §10 (teams adapting the course to their own data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import contract
from .contract import C360DataError, Problem

__all__ = ["ANALYSES", "Analysis", "CUSTOMER_KEY", "ORDER_AMOUNT", "ORDER_COST", "Results",
           "default_as_of", "requirements", "run", "write_outputs"]

#: optional ``shop_orders`` column: what the customer paid for the whole order (VND), for an
#: orders export without order lines (the order becomes one line worth this amount)
ORDER_AMOUNT = "amount_vnd"
#: optional ``shop_orders`` column: the cost of goods of the whole order (VND)
ORDER_COST = "cost_vnd"
#: optional column of any table: the team's own customer id (a CRM or POS customer code). When
#: present it is the ``customer_id``; records without it join a customer through step 2's rules
CUSTOMER_KEY = "customer_key"

#: tables with behaviour before a purchase (the journey, the lead score)
_PRE_PURCHASE = ("web_events.event_type", "crm_contacts.created_date", "deals.inquiry_date",
                 "inbox_messages.sent_at")
_TEXTS = ("deals.lost_reason", "inbox_messages.message_text", "surveys.comment",
          "crm_contacts.need", "crm_contacts.main_barrier")
_AMOUNT = ("order_lines.unit_price_vnd", f"shop_orders.{ORDER_AMOUNT}")
_COST = ("order_lines.unit_cost_vnd", f"shop_orders.{ORDER_COST}")


@dataclass(frozen=True)
class Analysis:
    """One analysis of the pipeline and what it needs.

    ``needs`` lists requirements that must all hold. A requirement is ``"table"`` (the table is
    there with at least one row), ``"table.column"`` (the column is there with at least one
    value) or a tuple of these (any one of them will do).
    """

    name: str
    step: str
    title: str
    function: str
    needs: tuple
    gives: str


ANALYSES: tuple[Analysis, ...] = (
    Analysis("identity", "2", "One customer ID", "identity.resolve",
             (("crm_contacts", "shop_orders", "inbox_messages", "tickets", "surveys",
               "community", "automation_sends"),),
             "one customer_id on every record, and the customers table"),
    Analysis("profitability", "1", "Most profitable customers", "profitability.customer_table",
             ("shop_orders.order_time", _AMOUNT),
             "revenue, repeat, RFM and cost to serve per customer; segments ranked"),
    Analysis("margin", "1", "Gross margin", "profitability.order_margins",
             ("shop_orders.order_time", _AMOUNT, _COST),
             "gross margin per customer and segment (without it, customers rank by revenue)"),
    Analysis("segments", "1", "Margin by segment", "profitability.segment_summary",
             ("shop_orders.order_time", _AMOUNT, ("crm_contacts.customer_type",
                                                  "crm_contacts.company")),
             "segments (household, café, office…) ranked by margin, repeat and cost to serve"),
    Analysis("cohort_retention", "08", "Cohort retention", "reverse_funnel.cohort_retention",
             ("shop_orders.order_time",),
             "the share of each month's new customers still buying k months later"),
    Analysis("clv", "08", "Customer lifetime value", "clv.historical_clv",
             ("shop_orders.order_time", _AMOUNT),
             "the value each customer has brought so far (margin, or revenue without a cost)"),
    Analysis("predictive_clv", "08", "Predictive CLV", "clv.predictive_clv",
             ("shop_orders.order_time", _AMOUNT, _COST),
             "the discounted margin each customer should bring next year (BG/NBD + Gamma-Gamma)"),
    Analysis("journey", "3", "Customer journey", "journey.customer_stages",
             (_PRE_PURCHASE,), "the five-stage funnel and its biggest leak"),
    Analysis("conversion_by_source", "3", "Conversion by lead source",
             "journey.conversion_by_source", ("crm_contacts.lead_source",),
             "which lead source brings customers, not just leads"),
    Analysis("b2b_pipeline", "3", "B2B sales pipeline", "journey.pipeline_funnel",
             ("deals.stage", "deals.inquiry_date"), "where deals stall: quote, negotiation…"),
    Analysis("insight", "4", "Pains, desires, barriers", "insight.barriers_by_segment",
             (_TEXTS,), "the main barriers of each segment, and the message and offer for each"),
    Analysis("profile", "5", "The 360 profile", "profile.build_profile",
             (_PRE_PURCHASE,), "the four-layer profile, lead score with reasons, next best "
             "action and one-page cards"),
    Analysis("target_check", "6", "Assumed vs actual target", "validation.assumed_vs_actual",
             ("crm_contacts.lead_source", "shop_orders.order_time", _AMOUNT),
             "who really closes and earns the margin, beside the assumed target"),
    Analysis("source_economics", "6", "Source economics", "validation.source_economics",
             ("crm_contacts.lead_source", "shop_orders.order_time", _AMOUNT,
              "marketing_spend.spend_vnd", "referrals.referral_date"),
             "cost per lead and per won customer, by source"),
    Analysis("kpi_retention", "08", "Retention and churn rate", "kpi.retention_rate",
             ("shop_orders.order_time",), "customer retention rate (CRR) and churn"),
    Analysis("kpi_satisfaction", "08", "NPS and CSAT", "kpi.nps",
             (("surveys.nps", "surveys.csat"),), "net promoter score and satisfaction"),
    Analysis("kpi_care", "08", "Care KPIs", "kpi.first_contact_resolution",
             (("tickets.contacts_to_resolve", "tickets.ces"),),
             "first-contact resolution and customer effort"),
    Analysis("kpi_leads", "08", "Lead conversion and leakage", "kpi.lead_conversion_rate",
             ("crm_contacts.created_date", "shop_orders.order_time"),
             "lead conversion rate and leads nobody followed up"),
    Analysis("kpi_response", "08", "Response time", "kpi.response_time",
             ("inbox_messages.first_response_minutes",), "minutes to the first reply"),
    Analysis("kpi_cost", "08", "Cost per lead and acquisition", "kpi.cost_per_lead",
             ("marketing_spend.spend_vnd", "crm_contacts.lead_source", "shop_orders.order_time"),
             "cost per lead and per acquired customer, by paid channel"),
    Analysis("reverse_funnel", "08", "The reverse funnel", "reverse_funnel.funnels",
             ("shop_orders.order_time", ("surveys.nps", "referrals.referral_date",
                                         "community.joined_date")),
             "retention → advocacy → referral"),
    Analysis("referrals", "08", "Referral tree", "reverse_funnel.referral_tree",
             ("referrals.referral_date",), "who brings whom, and the top advocates"),
    Analysis("ab_test", "09", "A/B test of automated messages", "automation.ab_test",
             ("automation_sends.variant", "automation_sends.converted"),
             "whether variant B of the cart reminder beats A, with an interval"),
)


@dataclass
class Results:
    """What :func:`run` returns.

    ``analyses`` one row per analysis of :data:`ANALYSES`: ``analysis``, ``step``, ``title``,
    ``ran``, ``why_not`` (blank when it ran), ``unlock`` (the tables or columns that would
    unlock it), ``gives`` and ``note`` (what it could not do, e.g. no cost column).
    ``outputs`` name → DataFrame. ``clean`` the clean model; ``as_of`` "today"; ``notes`` what
    the pipeline assumed (defaults it filled in); ``ingest`` the Ingest the tables came from.
    """

    analyses: pd.DataFrame
    outputs: dict[str, pd.DataFrame]
    clean: dict[str, pd.DataFrame] = field(repr=False)
    as_of: pd.Timestamp
    notes: list[str] = field(default_factory=list)
    ingest: object = field(default=None, repr=False)
    has_cost: bool = True

    def ran(self, name: str) -> bool:
        """Whether the analysis ``name`` ran."""
        return bool(self.analyses.set_index("analysis").loc[name, "ran"])


# -- requirements ---------------------------------------------------------------------------------

def _filled(tables: dict, item: str) -> bool:
    """Whether ``"table"`` has rows or ``"table.column"`` has at least one value."""
    name, _, column = item.partition(".")
    df = tables.get(name)
    if df is None or len(df) == 0:
        return False
    if not column:
        return True
    if column not in df.columns:
        return False
    s = df[column]
    if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
        return bool((s.notna() & (s.astype("str").str.strip() != "")).any())
    return bool(s.notna().any())


def requirements(analysis: Analysis, tables: dict, *, assumed=()) -> list[str]:
    """The requirements of ``analysis`` that ``tables`` do not meet, as text (empty: it can run).

    >>> orders = pd.DataFrame({"order_time": pd.to_datetime(["2025-01-02"])})
    >>> requirements(ANALYSES[1], {"shop_orders": orders})
    ['one of order_lines.unit_price_vnd, shop_orders.amount_vnd']

    ``assumed`` lists ``"table.column"`` items the pipeline filled with a default (e.g. a cost
    of 0 when the export has none): they do not count as given.
    """
    missing = []
    for need in analysis.needs:
        options = need if isinstance(need, tuple) else (need,)
        if not any(o not in assumed and _filled(tables, o) for o in options):
            missing.append(options[0] if len(options) == 1 else
                           "one of " + ", ".join(options))
    return missing


# -- preparing the tables -------------------------------------------------------------------------

def _tables_of(tables_or_ingest) -> tuple[dict, object]:
    """The dict of typed tables, and the Ingest they came from (or None)."""
    if isinstance(tables_or_ingest, dict):
        return dict(tables_or_ingest), None
    tables = getattr(tables_or_ingest, "tables", None)
    if not isinstance(tables, dict):
        raise TypeError("run() takes a dict of contract tables or an Ingest from "
                        f"mapping.read_exports, not {type(tables_or_ingest).__name__}")
    return dict(tables), tables_or_ingest


def _empty(name: str) -> pd.DataFrame:
    """A contract table with no rows and the contract's dtypes."""
    return pd.DataFrame({c.name: pd.Series(dtype=c.dtype) for c in contract.TABLES[name].columns})


def _prepare(tables: dict) -> tuple[dict, list[str], bool, set]:
    """Fill what an orders-only export lacks; return the tables, notes on what was assumed,
    whether costs are known, and the ``"table.column"`` items filled with a default. Tables are
    copied, never changed."""
    notes: list[str] = []
    assumed: set[str] = set()
    out = {}
    for name, df in tables.items():
        if name not in contract.TABLES:
            raise KeyError(f"unknown table {name!r}; the contract has: "
                           f"{', '.join(contract.TABLES)}")
        if df is None:
            continue
        out[name] = df.copy()
        for c in contract.TABLES[name].columns:  # a column the export lacks: blank
            if c.name not in out[name].columns:
                out[name][c.name] = pd.Series(pd.NA, index=out[name].index, dtype=c.dtype)
    has_cost = _filled(out, "order_lines.unit_cost_vnd") if "order_lines" in out else \
        _filled(out, f"shop_orders.{ORDER_COST}")
    lines = out.get("order_lines")
    if lines is not None and len(lines) and lines["unit_cost_vnd"].isna().any():
        if not has_cost:
            assumed.add("order_lines.unit_cost_vnd")
            notes.append("order lines have no cost: margins cannot be computed (cost taken as 0 "
                         "only to run step 1 on revenue)")
        else:
            n = int(lines["unit_cost_vnd"].isna().sum())
            notes.append(f"{n:,} order line(s) without a cost count at cost 0: their margin is "
                         "overstated")
        lines["unit_cost_vnd"] = lines["unit_cost_vnd"].fillna(0).astype("Int64")
    orders = out.get("shop_orders")
    if orders is None or not len(orders):
        return out, notes, has_cost, assumed
    o = orders
    if o["order_id"].isna().all():
        o["order_id"] = [f"ORDER-{i:08d}" for i in range(1, len(o) + 1)]
        notes.append("orders have no order id: numbered ORDER-00000001… in file order")
    if o["status"].isna().all():
        o["status"] = "completed"
        notes.append("orders have no status: every order is taken as completed")
    elif o["status"].isna().any():
        n = int(o["status"].isna().sum())
        o["status"] = o["status"].fillna("completed")
        notes.append(f"{n:,} order(s) without a status are taken as completed")
    for money in ("discount_vnd", "shipping_vnd"):
        if o[money].isna().any():
            what = "no" if o[money].isna().all() else "some blank"
            o[money] = o[money].fillna(0).astype("Int64")
            notes.append(f"orders have {what} {money}: taken as 0")
    if "order_lines" not in out or not len(out["order_lines"]):
        if _filled(out, f"shop_orders.{ORDER_AMOUNT}"):
            out["order_lines"] = _lines_from_amounts(o)
            if not has_cost:
                assumed.add("order_lines.unit_cost_vnd")
            notes.append(f"no order lines: each order is one line worth its {ORDER_AMOUNT}"
                         + (f" (cost from {ORDER_COST})" if has_cost else ", without cost"))
            if o[ORDER_AMOUNT].isna().any():
                notes.append(f"{int(o[ORDER_AMOUNT].isna().sum()):,} order(s) without "
                             f"{ORDER_AMOUNT} count as 0 VND")
    out["shop_orders"] = o
    return out, notes, has_cost, assumed


def _lines_from_amounts(orders: pd.DataFrame) -> pd.DataFrame:
    """One order line per order: list price = amount paid + discount, cost from ``cost_vnd``."""
    amount = pd.to_numeric(orders[ORDER_AMOUNT]).fillna(0).astype("int64")
    discount = pd.to_numeric(orders["discount_vnd"]).fillna(0).astype("int64")
    cost = (pd.to_numeric(orders[ORDER_COST]).fillna(0).astype("int64")
            if ORDER_COST in orders.columns else pd.Series(0, index=orders.index))
    ids = orders["order_id"].astype("str")
    lines = pd.DataFrame({
        "line_id": (ids + "-1").to_numpy(), "order_id": ids.to_numpy(), "sku": "ORDER",
        "product_name": "whole order", "category": pd.NA, "quantity": 1,
        "unit_price_vnd": (amount + discount).to_numpy(), "unit_cost_vnd": cost.to_numpy()})
    return lines.astype(contract.TABLES["order_lines"].dtypes)


def default_as_of(tables: dict) -> pd.Timestamp:
    """"Today" for a team's data: the day after the last dated record of any table.

    Every date and date-time column counts (orders, events, messages, CRM records…), so the
    last day of the data is inside the analysis and nothing is "in the future". On the course's
    sample this is 2026-01-01, the sample's own "today".

    >>> default_as_of({"shop_orders": pd.DataFrame({"order_time": pd.to_datetime(
    ...     ["2025-03-01 10:00", "2025-12-31 18:30"])})})
    Timestamp('2026-01-01 00:00:00')
    """
    last = None
    for df in tables.values():
        for c in df.columns:
            if pd.api.types.is_datetime64_any_dtype(df[c].dtype):
                m = df[c].max()
                if pd.notna(m) and (last is None or m > last):
                    last = m
    if last is None:
        raise C360DataError("tables", [Problem("(dates)", "no table holds a date",
                                               "give at least the order dates")])
    return pd.Timestamp(last).normalize() + pd.Timedelta(days=1)


# -- identity -------------------------------------------------------------------------------------

def _resolve(tables: dict):
    """Step 2 on the person-bearing tables, then the team's own customer key where given."""
    from . import datasets, identity

    person = {n: df for n, df in tables.items() if n in identity.REQUIRED}
    res = identity.resolve(person)
    keyed = [n for n, df in tables.items() if CUSTOMER_KEY in df.columns
             and _filled(tables, f"{n}.{CUSTOMER_KEY}")]
    if keyed:
        res = _apply_key(res, {n: tables[n] for n in keyed})
    full = {n: tables.get(n, _empty(n)) for n in contract.TABLES}
    return datasets.clean_model(full, res), keyed


def _apply_key(res, keyed: dict):
    """The resolution relabelled with the team's customer key.

    A record that carries a key gets it as ``customer_id``; the other records of the same
    resolved customer get that customer's most common key; customers with no key keep the
    id step 2 gave them (prefixed ``R-`` so it never collides with a key)."""
    links = res.links.copy()
    key_of = []
    for name, df in keyed.items():
        record = contract.TABLES[name].key
        k = df[[record, CUSTOMER_KEY]].dropna()
        k = k[k[CUSTOMER_KEY].astype("str").str.strip() != ""]
        key_of.append(pd.DataFrame({"table": name, "record_id": k[record].astype("str"),
                                    "key": k[CUSTOMER_KEY].astype("str").str.strip()}))
    keys = pd.concat(key_of, ignore_index=True)
    links = links.merge(keys, on=["table", "record_id"], how="left")
    per_customer = (links.dropna(subset=["key"]).groupby(["customer_id", "key"]).size()
                    .rename("n").reset_index().sort_values(["customer_id", "n", "key"],
                                                           ascending=[True, False, True])
                    .drop_duplicates("customer_id").set_index("customer_id")["key"])
    new = links["key"].fillna(links["customer_id"].map(per_customer))
    new = new.fillna("R-" + links["customer_id"].astype("str"))
    old_to_new = links[["customer_id"]].assign(new=new)
    links["rule"] = np.where(links["key"].notna(), "customer_key", links["rule"])
    links["customer_id"] = new.astype("str")
    links = links.drop(columns="key")
    cust = res.customers.merge(old_to_new.drop_duplicates("customer_id"), on="customer_id",
                               how="left")
    cust["customer_id"] = cust["new"].fillna("R-" + cust["customer_id"].astype("str"))
    cust = cust.drop(columns="new")
    sums = [c for c in ("n_records", "n_orders") if c in cust.columns]
    agg = {c: "first" for c in cust.columns if c not in sums + ["customer_id"]}
    agg.update({c: "sum" for c in sums})
    cust = cust.groupby("customer_id", sort=True).agg(agg).reset_index()[res.customers.columns]
    if "sources" in cust.columns:  # the union of the merged customers' sources
        src = links.groupby("customer_id")["table"].agg(lambda s: ", ".join(sorted(set(s))))
        cust["sources"] = cust["customer_id"].map(src).fillna(cust["sources"])
        cust["n_sources"] = cust["sources"].str.count(",") + 1
    return type(res)(cust, links, res.records, res.edges)


# -- the analyses ---------------------------------------------------------------------------------

def _profitability(c, as_of, out, has_cost):
    from . import profitability

    table = profitability.customer_table(
        c["shop_orders"], c["order_lines"], tickets=c["tickets"] if len(c["tickets"]) else None,
        deals=c["deals"] if len(c["deals"]) else None, customers=c["customers"], as_of=as_of)
    if not has_cost:
        table = table.drop(columns=[x for x in ("cogs_vnd", "gross_margin_vnd", "margin_rate")
                                    if x in table.columns])
        table = table.sort_values(["revenue_vnd", "customer_id"], ascending=[False, True],
                                  kind="stable").reset_index(drop=True)
    out["customers"] = table
    return None if has_cost else ("margin needs a cost column (order_lines.unit_cost_vnd or "
                                  f"shop_orders.{ORDER_COST}): customers ranked by revenue")


def _margin(c, as_of, out, has_cost):
    from . import profitability

    t = out["customers"]
    out["margin_pareto"] = profitability.pareto(t)
    top = profitability.top_share(t, 0.2)
    out["margin_top20"] = pd.DataFrame({"measure": ["share of gross margin earned by the top "
                                                    "20% of customers"], "value": [top]})


def _segments(c, as_of, out, has_cost):
    from . import profitability

    t = out["customers"]
    if has_cost:
        out["segments"] = profitability.segment_summary(t)
        return None
    g = t.groupby("segment", sort=True).agg(customers=("customer_id", "size"),
                                            revenue_vnd=("revenue_vnd", "sum"),
                                            repeat_rate=("repeat", "mean"))
    g["revenue_share"] = g["revenue_vnd"] / max(int(g["revenue_vnd"].sum()), 1)
    out["segments"] = g.sort_values("revenue_vnd", ascending=False).reset_index()
    return "ranked by revenue: margin needs a cost column"


def _cohorts(c, as_of, out, has_cost):
    from . import reverse_funnel

    cohorts = reverse_funnel.cohort_retention(c["shop_orders"], as_of=as_of)
    out["cohorts"] = cohorts
    out["retention_curve"] = reverse_funnel.pooled_retention(cohorts)


def _clv(c, as_of, out, has_cost):
    from . import clv

    t = clv.historical_clv(c, as_of=as_of)
    if not has_cost:
        t = t.rename(columns={"historical_clv_vnd": "historical_clv_revenue_vnd"})
    out["clv"] = t
    return None if has_cost else "CLV in revenue, not margin: margin needs a cost column"


def _predictive_clv(c, as_of, out, has_cost):
    from . import clv

    summary = clv.rfm_from_clean(c, observation_end=as_of)
    bg = clv.fit_bgnbd(summary)
    gg = clv.fit_gamma_gamma(summary)
    pred = clv.predictive_clv(summary, bg, gg)
    cols = ["customer_id", "expected_purchases", "predictive_clv_vnd"]
    out["clv"] = out["clv"].merge(pred[cols], on="customer_id", how="left")


def _journey(c, as_of, out, has_cost):
    from . import journey

    stages = journey.customer_stages(c, as_of=as_of)
    out["journey_stages"] = stages
    f = journey.funnel(stages)
    out["funnel"] = f
    leak = journey.biggest_leak(f)
    out["biggest_leak"] = leak.to_frame().T.reset_index(drop=True)
    if "lead_source" in stages.columns and stages["lead_source"].nunique() > 1:
        out["funnel_by_source"] = journey.funnel(stages, by="lead_source")


def _conversion(c, as_of, out, has_cost):
    from . import journey

    out["conversion_by_source"] = journey.conversion_by_source(c, as_of=as_of)


def _pipeline(c, as_of, out, has_cost):
    from . import journey

    p = journey.pipeline_funnel(c["deals"])
    out["b2b_pipeline"] = p
    out["b2b_biggest_leak"] = journey.biggest_leak(p).to_frame().T.reset_index(drop=True)


def _insight(c, as_of, out, has_cost):
    from . import insight

    tags = insight.tag_texts(c)
    ins = insight.customer_insights(c, tags=tags)
    shares = insight.barriers_by_segment(c, insights=ins)
    out["barriers_by_segment"] = shares
    out["top_barriers"] = insight.apply_playbook(insight.top_barriers(shares))


def _profile(c, as_of, out, has_cost):
    from . import profile

    p = profile.build_profile(c, as_of=as_of)
    out["profile"] = p
    out["bands"] = (p["band"].value_counts().reindex(list(profile.BANDS), fill_value=0)
                    .rename("customers").rename_axis("band").reset_index())
    out["next_best_actions"] = (p["next_best_action"].value_counts().rename("customers")
                                .rename_axis("next_best_action").reset_index())


def _target(c, as_of, out, has_cost):
    from . import validation

    leads = validation.lead_table(c, as_of=as_of)
    out["leads"] = leads
    out["target_check"] = validation.assumed_vs_actual(validation.target_groups(leads))


def _economics(c, as_of, out, has_cost):
    from . import validation

    leads = out.get("leads")
    if leads is None:
        leads = validation.lead_table(c, as_of=as_of)
    out["source_economics"] = validation.source_economics(
        leads, c["marketing_spend"], c["referrals"], until=as_of)


def _period(as_of):
    return (as_of - pd.DateOffset(years=1), as_of)


def _kpis(rows):
    def run(c, as_of, out, has_cost):
        from . import kpi

        start, end = _period(as_of)
        new = []
        for name, unit, fn in rows:
            try:
                value = fn(kpi, c, start, end)
            except C360DataError as err:  # e.g. no NPS answer in the period
                new.append({"kpi": name, "value": np.nan, "unit": unit,
                            "formula": kpi.FORMULAS.get(name.split(" ")[0], ""),
                            "note": str(err.problems[0].message) if err.problems else str(err)})
                continue
            if isinstance(value, pd.Series):
                for k, v in value.items():
                    if pd.notna(v):
                        new.append({"kpi": f"{name} ({k})", "value": float(v), "unit": unit,
                                    "formula": kpi.FORMULAS.get(name, ""), "note": ""})
            else:
                new.append({"kpi": name, "value": float(value), "unit": unit,
                            "formula": kpi.FORMULAS.get(name, ""), "note": ""})
        table = pd.DataFrame(new, columns=["kpi", "value", "unit", "formula", "note"])
        period = f"{start.date()} to {(end - pd.Timedelta(days=1)).date()}"
        table.insert(3, "period", period)
        out["kpis"] = table if "kpis" not in out else pd.concat([out["kpis"], table],
                                                                ignore_index=True)
    return run


_KPI_RETENTION = [
    ("retention_rate", "%", lambda k, c, s, e: k.retention_rate(c["shop_orders"], s, e)),
    ("churn_rate", "%", lambda k, c, s, e: k.churn_rate(c["shop_orders"], s, e))]
_KPI_SATISFACTION = [
    ("nps", "points", lambda k, c, s, e: k.nps(c["surveys"], start=s, end=e)),
    ("csat", "score 1–5", lambda k, c, s, e: k.csat(c["surveys"], start=s, end=e))]
_KPI_CARE = [
    ("first_contact_resolution", "%",
     lambda k, c, s, e: k.first_contact_resolution(c["tickets"], start=s, end=e)),
    ("customer_effort", "score 1–7",
     lambda k, c, s, e: k.customer_effort(c["tickets"], start=s, end=e))]
_KPI_LEADS = [
    ("lead_conversion_rate", "%", lambda k, c, s, e: k.lead_conversion_rate(
        c["crm_contacts"], c["shop_orders"], start=s, end=e)),
    ("leakage_rate", "%", lambda k, c, s, e: k.leakage_rate(c, start=s, end=e))]
_KPI_RESPONSE = [
    ("response_time", "minutes",
     lambda k, c, s, e: k.response_time(c["inbox_messages"], start=s, end=e))]
_KPI_COST = [
    ("cost_per_lead", "VND", lambda k, c, s, e: k.cost_per_lead(
        c["marketing_spend"], c["crm_contacts"], start=s, end=e)["cost_per_lead_vnd"])]


def _reverse(c, as_of, out, has_cost):
    from . import reverse_funnel

    f = reverse_funnel.funnels(c, as_of=as_of)
    out["reverse_funnel"] = f["reverse"]


def _referrals(c, as_of, out, has_cost):
    from . import reverse_funnel

    value = None
    if "clv" in out:
        t = out["clv"]
        column = "historical_clv_vnd" if "historical_clv_vnd" in t.columns else \
            "historical_clv_revenue_vnd"
        value = pd.Series(t[column].to_numpy(), index=t["customer_id"].astype("str"))
    tree = reverse_funnel.referral_tree(c["referrals"], value=value, as_of=as_of)
    out["referral_tree"] = tree
    if value is not None:
        out["top_advocates"] = reverse_funnel.top_advocates(tree)


def _ab(c, as_of, out, has_cost):
    from . import automation

    out["ab_test"] = automation.ab_test(c["automation_sends"], trigger="cart_abandon")


_RUNNERS = {
    "profitability": _profitability, "margin": _margin, "segments": _segments,
    "cohort_retention": _cohorts, "clv": _clv, "predictive_clv": _predictive_clv,
    "journey": _journey, "conversion_by_source": _conversion, "b2b_pipeline": _pipeline,
    "insight": _insight, "profile": _profile, "target_check": _target,
    "source_economics": _economics, "kpi_retention": _kpis(_KPI_RETENTION),
    "kpi_satisfaction": _kpis(_KPI_SATISFACTION), "kpi_care": _kpis(_KPI_CARE),
    "kpi_leads": _kpis(_KPI_LEADS), "kpi_response": _kpis(_KPI_RESPONSE),
    "kpi_cost": _kpis(_KPI_COST), "reverse_funnel": _reverse, "referrals": _referrals,
    "ab_test": _ab,
}
#: analyses that need another's output first
_AFTER = {"margin": "profitability", "segments": "profitability", "predictive_clv": "clv"}


def run(tables, *, as_of=None, progress: bool = False) -> Results:
    """Run every analysis the tables allow, on a team's data or the sample.

    Parameters
    ----------
    tables : dict of str -> DataFrame, or Ingest
        The typed contract tables (``datasets.load_raw()``, any subset of the twelve), or the
        ``Ingest`` of ``mapping.read_exports`` (its ``tables`` are used, and the report shows
        its row accounting). Optional extra columns: :data:`ORDER_AMOUNT` and
        :data:`ORDER_COST` on ``shop_orders`` (an orders export without lines),
        :data:`CUSTOMER_KEY` on any table (the team's own customer id). Never changed.
    as_of : date, optional
        "Today": only records before it count. Default: :func:`default_as_of`, the day after
        the last dated record.
    progress : bool
        Show a progress bar (tqdm) over the analyses, once the run takes more than a second.

    Returns
    -------
    Results
        ``analyses`` (what ran, what did not and what would unlock it) and ``outputs``. An
        analysis that fails on the data (a model that cannot be fitted on too few repeat
        buyers, say) does not stop the others: it is reported as not run, with the error.

    Raises
    ------
    C360DataError
        When no table holds a date (``as_of`` cannot be found) or a table breaks what step 2
        reads.

    Examples
    --------
    >>> from c360lab import datasets
    >>> raw = datasets.load_raw(tables=["shop_orders", "order_lines"])
    >>> res = run(raw)
    >>> res.as_of
    Timestamp('2026-01-01 00:00:00')
    >>> a = res.analyses.set_index("analysis")
    >>> bool(a.loc["profitability", "ran"]), bool(a.loc["b2b_pipeline", "ran"])
    (True, False)
    >>> a.loc["b2b_pipeline", "unlock"]
    'deals.stage; deals.inquiry_date'

    Source: 001 §4 (the seven steps); CURRICULUM §10.
    """
    tables, ingest = _tables_of(tables)
    prepared, notes, has_cost, assumed = _prepare(tables)
    as_of = default_as_of(prepared) if as_of is None else pd.Timestamp(as_of)
    rows, outputs = [], {}
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(ANALYSES), desc="c360lab profile", unit="analysis", delay=1.0)
    clean = None
    for a in ANALYSES:
        if bar is not None:
            bar.set_postfix_str(a.name)
        missing = requirements(a, prepared, assumed=assumed)
        row = {"analysis": a.name, "step": a.step, "title": a.title, "ran": False,
               "why_not": "", "unlock": "", "gives": a.gives, "note": "", "function": a.function}
        if missing:
            row["why_not"] = "missing " + "; ".join(missing)
            row["unlock"] = "; ".join(missing)
        elif a.name in _AFTER and not _ran(rows, _AFTER[a.name]):
            row["why_not"] = f"needs '{_AFTER[a.name]}' first, which did not run"
            row["unlock"] = next(r["unlock"] for r in rows if r["analysis"] == _AFTER[a.name])
        elif a.name == "identity":
            clean, keyed = _resolve(prepared)
            row["ran"] = True
            if keyed:
                row["note"] = (f"the team's own {CUSTOMER_KEY} is the customer id "
                               f"({', '.join(keyed)})")
            outputs["customer_ids"] = clean["customers"]
        elif clean is None:
            row["why_not"] = "needs 'identity' first, which did not run"
            row["unlock"] = rows[0]["unlock"]
        else:
            try:
                note = _RUNNERS[a.name](clean, as_of, outputs, has_cost)
                row["ran"] = True
                row["note"] = note or ""
            except Exception as err:  # noqa: BLE001 - one analysis never stops the others
                row["why_not"] = "failed on this data: " + _first_line(err)
        rows.append(row)
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    analyses = pd.DataFrame(rows)
    return Results(analyses, outputs, clean if clean is not None else {}, as_of, notes, ingest,
                   has_cost)


def _ran(rows, name):
    return any(r["analysis"] == name and r["ran"] for r in rows)


def _first_line(err: Exception) -> str:
    if isinstance(err, C360DataError) and err.problems:
        return f"{err.table}: {err.problems[0]}"
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0] if text else ''}"


# -- writing ----------------------------------------------------------------------------------

#: the files :func:`write_outputs` writes (when the analysis behind each ran)
OUTPUT_FILES = {
    "profile_csv": "customer_360.csv", "profile_xlsx": "customer_360.xlsx",
    "customers_csv": "customers_step1.csv", "funnel": "funnel.csv", "kpis": "kpis.csv",
    "cards": "cards.html", "analyses": "analyses.csv", "accounting": "row_accounting.csv",
    "repairs": "repairs.csv", "report": "report.html", "clv": "clv.csv",
    "cohorts": "cohort_retention.csv", "segments": "segments.csv",
}
#: how many one-page cards ``write_outputs`` writes at most (the hottest leads first)
MAX_CARDS = 200


def _safe_csv(df: pd.DataFrame, path: Path) -> Path:
    from .profile import inert

    inert(df).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def write_outputs(results: Results, out_dir, ingest=None, *, max_cards: int = MAX_CARDS
                  ) -> dict[str, Path]:
    """Write the results beside each other in ``out_dir`` (created if needed).

    Files (each when its analysis ran): ``customer_360.csv`` and ``.xlsx`` (the profile, by
    ``profile.export_profile``: formula-safe cells), ``customers_step1.csv`` (step 1's table), ``segments.csv``,
    ``cohort_retention.csv``, ``clv.csv``, ``funnel.csv``, ``kpis.csv``, ``cards.html`` (the
    one-page cards of the ``max_cards`` highest-scored customers in one file, hottest first;
    ``max_cards=0`` writes every customer's card), ``analyses.csv`` (what ran and what would
    unlock the rest), ``row_accounting.csv``, ``repairs.csv`` and ``rejected_<table>.csv``
    (from the Ingest: the rejected input rows with the reason), and ``report.html``. Every CSV
    is UTF-8 with BOM (Excel reads it) and no cell starts like a spreadsheet formula.

    Returns
    -------
    dict of str -> Path
        What was written, by kind.
    """
    from . import profile, report

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ingest = ingest if ingest is not None else results.ingest
    o = results.outputs
    written: dict[str, Path] = {}
    if "profile" in o:
        written["profile_csv"] = profile.export_profile(o["profile"],
                                                        out / OUTPUT_FILES["profile_csv"])
        written["profile_xlsx"] = profile.export_profile(o["profile"],
                                                         out / OUTPUT_FILES["profile_xlsx"])
        written["cards"] = _write_cards(o["profile"], out / OUTPUT_FILES["cards"], max_cards)
    for kind, name in (("customers_csv", "customers"), ("segments", "segments"),
                       ("cohorts", "cohorts"), ("clv", "clv"), ("funnel", "funnel"),
                       ("kpis", "kpis")):
        if name in o:
            written[kind] = _safe_csv(o[name], out / OUTPUT_FILES[kind])
    written["analyses"] = _safe_csv(results.analyses, out / OUTPUT_FILES["analyses"])
    if ingest is not None:
        accounting = getattr(ingest, "accounting", None)
        if isinstance(accounting, pd.DataFrame):
            written["accounting"] = _safe_csv(accounting, out / OUTPUT_FILES["accounting"])
        repairs = getattr(ingest, "repairs", None)
        if isinstance(repairs, pd.DataFrame):
            written["repairs"] = _safe_csv(repairs, out / OUTPUT_FILES["repairs"])
        rejected = getattr(ingest, "rejected", None) or {}
        for table, df in sorted(rejected.items()):
            if len(df):
                name = f"rejected_{table}"
                written[name] = _safe_csv(df, out / f"{name}.csv")
    path = out / OUTPUT_FILES["report"]
    written["report"] = path  # the report links every file, itself included
    path.write_text(report.html_report(results, ingest=ingest, files=written, base=out),
                    encoding="utf-8")
    return written


def _write_cards(prof: pd.DataFrame, path: Path, max_cards: int) -> Path:
    from . import profile

    top = prof.sort_values(["lead_score", "customer_id"], ascending=[False, True],
                           kind="stable")
    top = top.head(max_cards) if max_cards else top
    cards = "\n".join(profile.card_html(prof, cid) for cid in top["customer_id"])
    path.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Customer cards"
                    "</title></head><body style='font-family:sans-serif'>"
                    f"<h1>One-page customer cards</h1><p>The {len(top):,} customers with the "
                    "highest lead score, hottest first.</p>"
                    + cards.replace("max-width:640px;", "max-width:640px;margin:0 0 16px 0;")
                    + "</body></html>", encoding="utf-8")
    return path
