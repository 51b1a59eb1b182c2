"""Interactive explorers for the notebooks (ipywidgets), and the small tables they show.

Each explorer is built by a function that returns the widget, ready to display as the last line
of a cell::

    widgets.explore_exports(raw)            # pick an export: its columns (contract) and first rows
    widgets.find_person(raw, key)           # pick a person: all their raw records, side by side

An explorer is a control (a dropdown) above an ``ipywidgets.Output`` that is re-rendered whenever
the control changes; it renders its first view as soon as it is built. Its plain-text form (what a
static viewer such as GitHub shows, and what nbval compares) is one deterministic line naming the
current view.

The table functions behind the person explorer are plain pandas and usable on their own:
``person_records`` (one person's raw records in every export), ``record_values`` (every
person-identifying value of every linked record, long form) and ``spelling_counts`` (how many
written forms of name, phone and e-mail each real person has).

Source: 001 §3.2 (data scattered, not standardised, not linked per customer) and §1.3 (layers).
"""

from __future__ import annotations

import html

import ipywidgets as ipw
import pandas as pd
import traitlets

from . import contract

__all__ = [
    "ExportExplorer",
    "PersonExplorer",
    "explore_exports",
    "find_person",
    "people_in_many_exports",
    "person_records",
    "record_values",
    "showcase_person",
    "spelling_counts",
]

FIELDS = ("name", "phone", "email")
#: the columns that say what a record is about, shown beside the person fields
WHAT = {
    "crm_contacts": ("customer_type", "lead_source", "care_status"),
    "deals": ("stage", "product_interest"),
    "shop_orders": ("channel", "status"),
    "inbox_messages": ("channel",),
    "tickets": ("issue_type", "channel"),
    "surveys": ("trigger", "nps"),
    "referrals": ("status",),
    "community": ("badge",),
    "automation_sends": ("trigger", "channel"),
}
RECORD_COLUMNS = ["export", "record_id", "role", "when", *FIELDS, "what"]


# -- tables ------------------------------------------------------------------------------------

def _when_column(table: contract.Table) -> str | None:
    """The table's first date or date-time column: when the record happened."""
    return next((c.name for c in table.columns if c.kind in ("date", "datetime")), None)


def _field_columns(table: contract.Table, role: str) -> dict[str, str]:
    """field (name/phone/email) -> the table's column holding it for records of ``role``.

    >>> _field_columns(contract.TABLES["referrals"], "referred")
    {'name': 'referred_name', 'phone': 'referred_phone'}
    >>> _field_columns(contract.TABLES["referrals"], "referrer")
    {'phone': 'referrer_phone'}
    """
    person = [c.name for c in table.columns if c.person]
    own = [c for c in person if c.startswith(f"{role}_")]
    if any(c.startswith(("referrer_", "referred_")) for c in person):  # columns per role
        person = own
    out = {}
    for field in FIELDS:
        match = next((c for c in person if field in c), None)
        if match is not None:
            out[field] = match
    return out


def _text(series: pd.Series) -> pd.Series:
    """Text values with blanks as missing."""
    s = series.astype("str")
    return s.where(series.notna() & (s.str.strip() != ""))


def _what(df: pd.DataFrame, columns) -> pd.Series:
    """The values of ``columns`` joined with " · " per row (blank when all are missing)."""
    out = pd.Series("", index=df.index, dtype="str")
    for column in columns:
        if column not in df.columns:
            continue
        value = df[column].astype("str").where(df[column].notna(), "")
        glue = out.where(out == "", out + " · ")
        out = out.where(value == "", glue + value)
    return out.where(out != "")


def _records(raw: dict, links: pd.DataFrame) -> pd.DataFrame:
    """The records of ``links`` (any number of people), one row each, person fields as written."""
    parts = []
    for name, table in contract.TABLES.items():
        if name not in raw:
            continue
        df = raw[name]
        when = _when_column(table)
        if name == "deals":  # deals carry no person fields: they reach a person through the CRM
            crm = links[links["table"] == "crm_contacts"]
            if crm.empty:
                continue
            mine = crm[["record_id", "person_id"]].merge(
                df, left_on="record_id", right_on="contact_id", how="inner")
            parts.append(pd.DataFrame({
                "export": name, "record_id": mine["deal_id"].to_numpy(), "role": "record",
                "when": mine[when].to_numpy(), "what": _what(mine, WHAT[name]).to_numpy(),
                "person_id": mine["person_id"].to_numpy()}))
            continue
        mine = links[links["table"] == name]
        if mine.empty:
            continue
        if name == "web_events":  # a record is a browser (anonymous_id), not one event
            seen = df[df["anonymous_id"].isin(mine["record_id"])].sort_values(
                ["event_time", "event_id"], kind="stable")
            df = seen.groupby("anonymous_id", sort=False).agg(
                event_time=("event_time", "min"), email=("email", "first"),
                events=("event_id", "size")).reset_index()
            df["what"] = "web events: " + df["events"].astype("str")
            key = "anonymous_id"
        else:
            key = table.key
        for role, group in mine.groupby("role", sort=True):
            fields = _field_columns(table, role)
            joined = group[["record_id", "role", "person_id"]].merge(
                df, left_on="record_id", right_on=key, how="inner")
            part = pd.DataFrame({"export": name, "record_id": joined["record_id"].to_numpy(),
                                 "role": role, "when": joined[when].to_numpy(),
                                 "person_id": joined["person_id"].to_numpy()})
            for field in FIELDS:
                part[field] = (_text(joined[fields[field]]).to_numpy() if field in fields
                               else pd.NA)
            what = joined["what"] if "what" in joined else _what(joined, WHAT.get(name, ()))
            part["what"] = what.to_numpy()
            parts.append(part)
    if not parts:
        return pd.DataFrame(columns=RECORD_COLUMNS + ["person_id"])
    out = pd.concat(parts, ignore_index=True)
    for field in FIELDS + ("what",):
        out[field] = out[field].astype("str")
    out["when"] = pd.to_datetime(out["when"]).dt.normalize()
    return out[RECORD_COLUMNS + ["person_id"]]


def person_records(raw: dict, answer_key: dict, person_id: str) -> pd.DataFrame:
    """Every raw record of one real person, in every export, with name/phone/e-mail as written.

    Parameters
    ----------
    raw : dict of DataFrame
        The exports, as ``datasets.load_raw()`` returns them.
    answer_key : dict of DataFrame
        As ``datasets.load_answer_key()`` returns it; its ``record_links`` says which record
        belongs to whom.
    person_id : str
        The real person (``answer_key["persons"]["person_id"]``).

    Returns
    -------
    DataFrame
        One row per record: ``export``, ``record_id``, ``role`` (``record``; ``visitor`` for a
        browser in ``web_events``; ``referrer``/``referred`` in ``referrals``), ``when`` (date),
        ``name``, ``phone``, ``email`` (exactly as that system wrote them, blank when it has no
        such field or it was left empty) and ``what`` (what the record is about). Ordered by
        export (in the order of the data contract), then date, then record id. Deals appear
        through the person's CRM contacts.
    """
    links = answer_key["record_links"]
    mine = links[links["person_id"] == person_id]
    out = _records(raw, mine)
    order = {name: i for i, name in enumerate(contract.TABLES)}
    out = out.assign(_order=out["export"].map(order)).sort_values(
        ["_order", "when", "record_id"], kind="stable")
    return out[RECORD_COLUMNS].reset_index(drop=True)


def record_values(raw: dict, answer_key: dict) -> pd.DataFrame:
    """Every non-blank name, phone and e-mail of every linked record, one row per value.

    Returns
    -------
    DataFrame
        Columns ``person_id``, ``export``, ``record_id``, ``field`` (name/phone/email) and
        ``value`` (as written).
    """
    records = _records(raw, answer_key["record_links"])
    long = records.melt(id_vars=["person_id", "export", "record_id"], value_vars=list(FIELDS),
                        var_name="field", value_name="value")
    return long[long["value"].notna()].reset_index(drop=True)


def spelling_counts(raw: dict, answer_key: dict) -> pd.DataFrame:
    """How many written forms each real person's name, phone and e-mail take across the exports.

    Returns
    -------
    DataFrame
        One row per person who has at least one linked record, indexed by ``person_id``:
        ``full_name`` (from the answer key), ``exports`` (how many exports hold a record of theirs),
        ``named_in`` (in how many of them their name, phone or e-mail is written), ``records``, and
        ``name_forms``, ``phone_forms``, ``email_forms``: distinct non-blank strings as written.
        Ordered by ``person_id``.
    """
    links = answer_key["record_links"]
    per = links.groupby("person_id").agg(exports=("table", "nunique"),
                                         records=("record_id", "size"))
    values = record_values(raw, answer_key)
    named = values.groupby("person_id")["export"].nunique().rename("named_in")
    forms = (values.groupby(["person_id", "field"])["value"].nunique().unstack("field")
             .reindex(columns=list(FIELDS)).add_suffix("_forms"))
    names = answer_key["persons"].set_index("person_id")["full_name"]
    out = per.join(named, how="left").join(forms, how="left")
    out = out[["exports", "named_in", "records", *forms.columns]].fillna(0).astype("int64")
    out.insert(0, "full_name", names.reindex(out.index).astype("str"))
    out.columns.name = None
    return out.sort_index()


def people_in_many_exports(raw: dict, answer_key: dict, *, min_exports: int = 4,
                           max_records: int | None = 10, limit: int | None = 25) -> pd.DataFrame:
    """A curated list of people worth following: written in several exports, in many ways.

    Keeps the people whose name, phone or e-mail is written in at least ``min_exports`` exports
    and who have at most ``max_records`` records (so their records fit on one screen), ordered by
    the number of written forms of name + phone + e-mail (most first), then by the number of
    exports, then by ``person_id``; returns the first ``limit`` of them. Columns as in
    :func:`spelling_counts`.
    """
    counts = spelling_counts(raw, answer_key)
    keep = counts["named_in"] >= min_exports
    if max_records is not None:
        keep &= counts["records"] <= max_records
    forms = counts[[f"{f}_forms" for f in FIELDS]].sum(axis=1)
    chosen = counts[keep].assign(_forms=forms[keep], _id=counts.index[keep])
    chosen = chosen.sort_values(["_forms", "named_in", "_id"], ascending=[False, False, True],
                                kind="stable").drop(columns=["_forms", "_id"])
    return chosen if limit is None else chosen.head(limit)


def showcase_person(raw: dict, answer_key: dict, **options) -> str:
    """The ``person_id`` notebook 00 follows: the first of :func:`people_in_many_exports`.

    ``options`` are passed on to :func:`people_in_many_exports`.
    """
    people = people_in_many_exports(raw, answer_key, **{**options, "limit": 1})
    if people.empty:
        raise ValueError("no person is written in enough exports; lower min_exports")
    return str(people.index[0])


# -- widgets -----------------------------------------------------------------------------------

def _bundle(text: str, markup: str) -> dict:
    """One display output, as the Output widget stores it."""
    return {"output_type": "display_data",
            "data": {"text/plain": text, "text/html": markup}, "metadata": {}}


def _frame_html(df: pd.DataFrame) -> str:
    return df.to_html(index=False, na_rep="", border=0, classes="dataframe")


def _headed_table(head: str, spread: str, table: pd.DataFrame) -> tuple[str, str]:
    """A heading, one line about the table, and the table: as plain text and as HTML."""
    text = "\n".join([head, spread, "", table.to_string(index=False, na_rep="")])
    markup = (f"<h4>{html.escape(head)}</h4><p>{html.escape(spread)}</p>"
              f"<div style='overflow-x:auto'>{_frame_html(table)}</div>")
    return text, markup


class _Explorer(ipw.VBox):
    """A control above an Output that is re-rendered on every change of the control."""

    kind = "explorer"

    def __init__(self, control, **kwargs):
        self.control = control
        self.output = ipw.Output()
        super().__init__(children=(control, self.output), **kwargs)
        control.observe(self._on_change, names="value")
        self.render()

    def _on_change(self, _change=None) -> None:
        self.render()

    def render(self) -> None:
        """Show the view of the control's current value."""
        text, markup = self.view(self.control.value)
        self.output.outputs = (_bundle(text, markup),)

    def view(self, value) -> tuple[str, str]:  # pragma: no cover - defined by subclasses
        raise NotImplementedError

    @property
    def text(self) -> str:
        """The current view as plain text."""
        return "".join(o["data"]["text/plain"] for o in self.output.outputs)

    def __repr__(self) -> str:
        return f"{self.kind}: {self.caption()}"

    def caption(self) -> str:
        return str(self.control.value)


class ExportExplorer(_Explorer):
    """Pick an export; see its columns (meaning, Vietnamese term, filled share) and first rows."""

    kind = "Export explorer"

    def __init__(self, raw: dict, *, rows: int = 5, value: str | None = None):
        self.raw, self.rows = raw, rows
        names = [n for n in contract.TABLES if n in raw]
        options = [(f"{n} — {contract.TABLES[n].vi} ({len(raw[n]):,} rows)", n) for n in names]
        control = ipw.Dropdown(options=options, value=value or names[0], description="Export:",
                               layout=ipw.Layout(width="max-content"))
        super().__init__(control)

    def columns(self, name: str) -> pd.DataFrame:
        """The contract's columns of one export, with how often each is filled in the data."""
        table, df = contract.TABLES[name], self.raw[name]
        filled = [(_text(df[c.name]).notna().mean() if len(df) else 0.0) for c in table.columns]
        return pd.DataFrame({
            "column": [c.name for c in table.columns],
            "type": [c.dtype for c in table.columns],
            "meaning": [c.meaning for c in table.columns],
            "Vietnamese": [c.vi for c in table.columns],
            "identifies a person": ["yes" if c.person else "" for c in table.columns],
            "filled": [f"{share:.0%}" for share in filled],
        })

    def view(self, name):
        table, df = contract.TABLES[name], self.raw[name]
        head = f"{name} — {table.vi} ({table.meaning})"
        facts = (f"System: {table.system} · {len(df):,} rows · {len(table.columns)} columns · "
                 f"key: {table.key}")
        cols, first = self.columns(name), df.head(self.rows)
        text = "\n".join([head, facts, "", cols.to_string(index=False), "",
                          f"First {len(first)} rows:", first.to_string(index=False)])
        markup = (f"<h4>{html.escape(head)}</h4><p>{html.escape(facts)}</p>"
                  f"{_frame_html(cols)}<p><b>First {len(first)} rows</b></p>"
                  f"<div style='overflow-x:auto'>{_frame_html(first)}</div>")
        return text, markup

    def caption(self) -> str:
        name = self.control.value
        return (f"{name} ({len(self.raw[name]):,} rows, {len(contract.TABLES[name].columns)} "
                "columns); run the notebook to pick another export")


class PersonExplorer(_Explorer):
    """Pick a real person; see every raw record of theirs across the exports, side by side."""

    kind = "Person finder"

    def __init__(self, raw: dict, answer_key: dict, people: pd.DataFrame):
        self.raw, self.answer_key, self.people = raw, answer_key, people
        options = [(f"{pid} — {row.full_name} ({row.exports} exports)", pid)
                   for pid, row in people.iterrows()]
        control = ipw.Dropdown(options=options, description="Person:",
                               layout=ipw.Layout(width="max-content"))
        super().__init__(control)

    def view(self, pid):
        truth = self.answer_key["persons"].set_index("person_id").loc[pid]
        records = person_records(self.raw, self.answer_key, pid)
        shown = records.assign(when=records["when"].dt.strftime("%Y-%m-%d"))
        email = truth.get("email")
        email = email if isinstance(email, str) and email.strip() else "(none)"
        head = (f"{pid}: {truth['full_name']} · phone {truth['phone']} · e-mail {email}"
                " — the truth, from the answer key")
        spread = (f"{len(records)} raw records in {records['export'].nunique()} exports, "
                  "with name, phone and e-mail as each system wrote them")
        return _headed_table(head, spread, shown)

    def caption(self) -> str:
        pid = self.control.value
        return (f"{pid} ({self.people.loc[pid, 'exports']} exports); run the notebook to pick "
                "another person")


def explore_exports(raw: dict, *, rows: int = 5, value: str | None = None) -> ExportExplorer:
    """An explorer of the raw exports: pick one, see its columns and its first rows.

    Parameters
    ----------
    raw : dict of DataFrame
        The exports, as ``datasets.load_raw()`` returns them.
    rows : int, default 5
        How many first rows to show.
    value : str, optional
        The export shown first (default: the first of the contract, ``crm_contacts``).

    Returns
    -------
    ExportExplorer
        An ``ipywidgets.VBox``: a dropdown above an ``Output``. ``.text`` is the current view as
        plain text.
    """
    return ExportExplorer(raw, rows=rows, value=value)


def find_person(raw: dict, answer_key: dict, *, people: pd.DataFrame | None = None,
                limit: int = 25) -> PersonExplorer:
    """A person finder: pick a real person, see every raw record of theirs in every export.

    Parameters
    ----------
    raw, answer_key : dict of DataFrame
        As ``datasets.load_raw()`` and ``datasets.load_answer_key()`` return them.
    people : DataFrame, optional
        The people to offer (as :func:`people_in_many_exports` returns them); by default the
        first ``limit`` of :func:`people_in_many_exports`, so the first one shown is
        :func:`showcase_person`.

    Returns
    -------
    PersonExplorer
        An ``ipywidgets.VBox``: a dropdown of people above an ``Output`` with the answer key's
        truth and the person's raw records. ``.text`` is the current view as plain text.
    """
    if people is None:
        people = people_in_many_exports(raw, answer_key, limit=limit)
    if people.empty:
        raise ValueError("no person to show: pass people=people_in_many_exports(..., "
                         "min_exports=2)")
    return PersonExplorer(raw, answer_key, people)


# -- notebook 01: most profitable customers ------------------------------------------------------

__all__ += ["ParetoExplorer", "explore_pareto", "top_customers_by_segment"]


def top_customers_by_segment(table: pd.DataFrame, top: float = 0.2, *,
                             value: str = "gross_margin_vnd") -> pd.DataFrame:
    """Who the top ``top`` of customers by ``value`` are, segment by segment.

    Parameters
    ----------
    table : DataFrame
        The output of ``profitability.customer_table(..., customers=...)``: ``customer_id``,
        ``segment``, ``revenue_vnd`` and the ``value`` column.
    top : float
        Share of customers, 0 to 1 (rounded to whole customers, as ``profitability.top_share``).

    Returns
    -------
    DataFrame
        One row per segment, most top customers first (ties by segment name): ``segment``,
        ``top_customers`` (how many of the top group), ``share_of_top`` (of the top group),
        ``segment_customers``, ``share_of_segment`` (of the segment's customers in the top
        group) and ``margin_vnd`` (what the segment's top customers earn).

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": list("ABCDE"),
    ...     "segment": ["cafe", "cafe", "household", "household", "household"],
    ...     "revenue_vnd": [9, 8, 7, 6, 5], "gross_margin_vnd": [700, 100, 100, 50, 50]})
    >>> top_customers_by_segment(t, 0.4)[["segment", "top_customers", "share_of_segment"]]
         segment  top_customers  share_of_segment
    0       cafe              2               1.0
    1  household              0               0.0

    Source: 001 §4.1 (the core customers, "tệp lõi").
    """
    from .profitability import pareto  # no plotting, no widgets: cheap to import

    curve = pareto(table, value=value)
    n = int(round(top * len(curve)))
    chosen = table["customer_id"].isin(curve["customer_id"].head(n))
    segments = table.groupby("segment", sort=True)["customer_id"].size()
    in_top = table[chosen].groupby("segment", sort=True)
    out = pd.DataFrame({
        "top_customers": in_top.size().reindex(segments.index, fill_value=0),
        "segment_customers": segments,
        "margin_vnd": in_top[value].sum().reindex(segments.index, fill_value=0),
    }).astype("int64")
    out.insert(1, "share_of_top", out["top_customers"] / n if n else 0.0)
    out.insert(3, "share_of_segment", out["top_customers"] / out["segment_customers"])
    out.index.name = "segment"
    out = out.reset_index().sort_values(["top_customers", "segment"], ascending=[False, True],
                                        kind="stable")
    return out.reset_index(drop=True)


class ParetoExplorer(_Explorer):
    """Move a slider: what share of the margin the top X% of customers earn, and who they are."""

    kind = "Pareto explorer"

    def __init__(self, table: pd.DataFrame, *, top: int = 20, step: int = 5,
                 value: str = "gross_margin_vnd"):
        self.table, self.value = table, value
        self.total = table[value].sum()
        self.revenue = table["revenue_vnd"].sum()
        control = ipw.IntSlider(value=top, min=step, max=100, step=step,
                                description="Top % of customers:",
                                style={"description_width": "initial"},
                                layout=ipw.Layout(width="480px"))
        super().__init__(control)

    def figures(self, percent: int) -> tuple[int, float, float]:
        """How many customers the top ``percent`` holds, their share of margin and of revenue."""
        from .profitability import pareto

        curve = pareto(self.table, value=self.value)
        n = int(round(percent / 100 * len(curve)))
        ids = curve["customer_id"].head(n)
        mine = self.table[self.table["customer_id"].isin(ids)]
        margin = mine[self.value].sum() / self.total if self.total else 0.0
        revenue = mine["revenue_vnd"].sum() / self.revenue if self.revenue else 0.0
        return n, float(margin), float(revenue)

    def view(self, percent):
        n, margin, revenue = self.figures(percent)
        who = top_customers_by_segment(self.table, percent / 100, value=self.value)
        shown = pd.DataFrame({
            "segment": who["segment"],
            "customers in the top group": who["top_customers"],
            "share of the top group": who["share_of_top"].map("{:.0%}".format),
            "share of the segment": who["share_of_segment"].map("{:.0%}".format),
            "their gross margin (million VND)": (who["margin_vnd"] / 1e6).map("{:,.1f}".format),
        })
        head = (f"The top {percent}% of customers by gross margin ({n:,} of {len(self.table):,}) "
                f"earn {margin:.0%} of gross margin and {revenue:.0%} of revenue.")
        text = "\n".join([head, "", "Who they are, by segment:",
                          shown.to_string(index=False)])
        markup = (f"<p><b>{html.escape(head)}</b></p><p>Who they are, by segment:</p>"
                  f"{_frame_html(shown)}")
        return text, markup

    def caption(self) -> str:
        percent = self.control.value
        _, margin, _ = self.figures(percent)
        return (f"top {percent}% of customers earn {margin:.0%} of gross margin; run the "
                "notebook to move the slider")


def explore_pareto(table: pd.DataFrame, *, top: int = 20, step: int = 5,
                   value: str = "gross_margin_vnd") -> ParetoExplorer:
    """A slider over the Pareto curve: the top X% of customers, their share, their segments.

    Parameters
    ----------
    table : DataFrame
        The output of ``profitability.customer_table(..., customers=...)``.
    top : int, default 20
        The percentage shown first (the "20" of the 80/20 rule).
    step : int, default 5
        The slider's step, in percentage points.
    value : str
        The column to rank by (``"revenue_vnd"`` to rank by revenue instead).

    Returns
    -------
    ParetoExplorer
        An ``ipywidgets.VBox``: a slider above an ``Output``. ``.text`` is the current view as
        plain text.

    Source: 001 §4.1 (core customers by gross margin).
    """
    return ParetoExplorer(table, top=top, step=step, value=value)


# -- notebook 02 ---------------------------------------------------------------------------------
# The match explorer of step 2 (001 §4.2; 004: an audit trail for every link): pick a resolved
# customer, see each of their records as written and as normalised, and the rule that joined it.

__all__ += ["MatchExplorer", "customers_to_explore", "explore_matches", "match_records"]

MATCH_COLUMNS = ["export", "record_id", "role", "name", "name_normalised", "phone", "phone_e164",
                 "email", "email_normalised", "rule", "joined_to", "joined_by", "evidence"]


def match_records(resolution, customer_id: str) -> pd.DataFrame:
    """Every record of one resolved customer: raw and normalised values, and what joined it.

    Parameters
    ----------
    resolution : identity.Resolution
        What ``identity.resolve(raw)`` returned.
    customer_id : str
        A customer of ``resolution.customers``.

    Returns
    -------
    DataFrame
        One row per record, in the link table's order (exports in contract order): ``export``,
        ``record_id``, ``role``; ``name``, ``phone``, ``email`` as the system wrote them and
        ``name_normalised``, ``phone_e164``, ``email_normalised`` as step 2 reads them; ``rule``
        (the link table's rule: the strongest rule that touched the record); and, from
        ``identity.explain`` between the customer's first record and this one, the last step of
        the chain: ``joined_to`` (the record it was joined to), ``joined_by`` (that step's rule)
        and ``evidence`` (the value both shared). The first record is where the chain starts.

    Raises
    ------
    KeyError
        When ``customer_id`` has no record.
    """
    from . import identity

    rec, links = resolution.records, resolution.links
    mine = (links["customer_id"] == customer_id).to_numpy(dtype=bool)
    if not mine.any():
        raise KeyError(f"no customer {customer_id!r}: pick one of resolution.customers")
    r = rec[mine]
    out = pd.DataFrame({
        "export": r["table"].to_numpy(), "record_id": r["record_id"].to_numpy(),
        "role": r["role"].to_numpy(), "name": r["raw_name"].to_numpy(),
        "name_normalised": r["name"].to_numpy(), "phone": r["raw_phone"].to_numpy(),
        "phone_e164": r["phone"].to_numpy(), "email": r["raw_email"].to_numpy(),
        "email_normalised": r["email"].to_numpy(),
        "rule": links["rule"][mine].to_numpy()})
    first = (out.at[0, "export"], out.at[0, "record_id"], out.at[0, "role"])
    joined_to, joined_by, evidence = ["(start)"], ["—"], [""]
    for row in out.iloc[1:].itertuples(index=False):
        steps = identity.explain(resolution, first, (row.export, row.record_id, row.role))
        last = steps.iloc[-1]
        joined_to.append(f"{last['from_table']} {last['from_id']}")
        joined_by.append(str(last["rule"]))
        evidence.append(str(last["evidence"]))
    out["joined_to"], out["joined_by"], out["evidence"] = joined_to, joined_by, evidence
    for column in MATCH_COLUMNS[3:9]:
        out[column] = out[column].astype("str")
    return out[MATCH_COLUMNS]


def customers_to_explore(resolution, *, max_records: int = 12, limit: int | None = 25
                         ) -> pd.DataFrame:
    """Resolved customers worth opening: joined by many different rules, small enough to read.

    Keeps customers with 2 to ``max_records`` records, ordered by the number of distinct rules
    that joined their records (most first), then by the number of exports, then by
    ``customer_id``; returns the first ``limit``.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``: ``full_name``, ``n_records``, ``n_sources`` and ``rules``
        (how many distinct rules, "own" not counted).
    """
    links = resolution.links[resolution.links["customer_id"].notna()]
    joined = links[~links["rule"].isin(["own", "anonymous"])]
    rules = joined.groupby("customer_id")["rule"].nunique().rename("rules")
    c = resolution.customers.set_index("customer_id")[["full_name", "n_records", "n_sources"]]
    c = c.join(rules, how="left").fillna({"rules": 0}).astype({"rules": "int64"})
    c = c[(c["n_records"] >= 2) & (c["n_records"] <= max_records)]
    c = c.assign(_id=c.index).sort_values(["rules", "n_sources", "_id"],
                                          ascending=[False, False, True], kind="stable")
    c = c.drop(columns="_id")
    return c if limit is None else c.head(limit)


class MatchExplorer(_Explorer):
    """Pick a resolved customer; see each record with raw and normalised values and its rule."""

    kind = "Match explorer"

    def __init__(self, resolution, customers: pd.DataFrame, *, value: str | None = None):
        self.resolution, self.customers = resolution, customers
        options = [(f"{cid} — {row.full_name} ({row.n_records} records, {row.rules} rules)", cid)
                   for cid, row in customers.iterrows()]
        control = ipw.Dropdown(options=options, value=value or customers.index[0],
                               description="Customer:", layout=ipw.Layout(width="max-content"))
        super().__init__(control)

    def view(self, cid):
        c = self.resolution.customers.set_index("customer_id").loc[cid]
        records = match_records(self.resolution, cid)
        shown = {f: (c[f] if isinstance(c[f], str) and c[f].strip() else "(none)")
                 for f in ("full_name", "phone", "email", "segment")}
        head = (f"{cid}: {shown['full_name']} · phone {shown['phone']} · e-mail "
                f"{shown['email']} · {shown['segment']}")
        spread = (f"{len(records)} records in {records['export'].nunique()} exports, joined by: "
                  + ", ".join(sorted(set(records["joined_by"]) - {"—"})))
        return _headed_table(head, spread, records)

    def caption(self) -> str:
        cid = self.control.value
        return (f"{cid} ({self.customers.loc[cid, 'n_records']} records); run the notebook to "
                "pick another customer")


def explore_matches(resolution, *, customers: pd.DataFrame | None = None,
                    value: str | None = None, limit: int = 25) -> MatchExplorer:
    """A match explorer: pick a resolved customer, see why each of their records belongs to them.

    Parameters
    ----------
    resolution : identity.Resolution
        What ``identity.resolve(raw)`` returned.
    customers : DataFrame, optional
        The customers to offer (as :func:`customers_to_explore` returns them); by default the
        first ``limit`` of :func:`customers_to_explore`.
    value : str, optional
        The customer shown first (default: the first offered).

    Returns
    -------
    MatchExplorer
        An ``ipywidgets.VBox``: a dropdown above an ``Output`` with the customer's records, raw
        and normalised, and the rule and evidence that joined each. ``.text`` is the current
        view as plain text.

    Source: 001 §4.2 (one customer ID), 004 (an audit trail of every link).
    """
    if customers is None:
        customers = customers_to_explore(resolution, limit=limit)
    if value is not None and value not in customers.index:
        extra = customers_to_explore(resolution, limit=None, max_records=10**9).loc[[value]]
        customers = pd.concat([extra, customers])
    if customers.empty:
        raise ValueError("no customer with two or more records to show")
    return MatchExplorer(resolution, customers, value=value)


# -- notebook 03: the customer journey -----------------------------------------------------------
# The funnel explorer of step 3 (001 §4.3): pick a group of customers (all, one lead source, one
# segment), see its funnel and the step where it leaks most.

__all__ += ["FunnelExplorer", "explore_funnel", "funnel_view"]

#: the groupings the funnel explorer offers: column of the stage table -> how it is named
FUNNEL_GROUPINGS = {"lead_source": "lead source", "segment": "segment"}


def funnel_view(stages: pd.DataFrame, by: str | None = None, group: str | None = None
                ) -> tuple[str, pd.DataFrame]:
    """One group's journey funnel, ready to show: a one-line summary and a formatted table.

    Parameters
    ----------
    stages : DataFrame
        The output of ``journey.customer_stages``.
    by, group : str, optional
        A column of ``stages`` and one of its values; both None for every customer.

    Returns
    -------
    (str, DataFrame)
        The summary (customers, the biggest leak and what it keeps) and the funnel: ``stage``
        (English and Vietnamese), ``customers``, ``% of previous``, ``% of first stage``,
        ``lost``.

    Examples
    --------
    >>> day = pd.Timestamp("2025-01-01")
    >>> s = pd.DataFrame({"segment": ["cafe", "cafe", "household"],
    ...     "awareness": [day] * 3, "consideration": [day, day, None],
    ...     "decision": [day, None, None], "experience": [None] * 3, "loyalty": [None] * 3})
    >>> head, table = funnel_view(s, "segment", "cafe")
    >>> head
    'segment = cafe: 2 customers. Biggest leak: decision → experience keeps 0% (1 of 1 lost).'
    """
    from . import journey

    chosen = stages if by is None else stages[stages[by].astype("str") == str(group)]
    table = journey.funnel(chosen)
    who = "All customers" if by is None else f"{FUNNEL_GROUPINGS.get(by, by)} = {group}"
    head = f"{who}: {len(chosen):,} customers."
    if len(chosen):
        leak = journey.biggest_leak(table)
        head = (f"{head} Biggest leak: {leak['from_stage']} → {leak['stage']} keeps "
                f"{leak['step_conversion']:.0%} ({int(leak['lost']):,} of "
                f"{int(leak['reached_before']):,} lost).")
    shown = pd.DataFrame({
        "stage": [journey.STAGE_LABELS[str(s)] for s in table["stage"]],
        "customers": table["reached"].map("{:,}".format),
        "% of previous": table["step_conversion"].map(
            lambda v: "" if pd.isna(v) else f"{v:.0%}"),
        "% of first stage": table["overall_conversion"].map(
            lambda v: "" if pd.isna(v) else f"{v:.0%}"),
        "lost": table["lost"].map("{:,}".format),
    })
    return head, shown


class FunnelExplorer(_Explorer):
    """Pick a group of customers (a lead source, a segment); see its funnel and biggest leak."""

    kind = "Funnel explorer"

    def __init__(self, stages: pd.DataFrame, *, value: tuple | None = None):
        self.stages = stages
        options = [("all customers", ("", ""))]
        for by, name in FUNNEL_GROUPINGS.items():
            if by in stages.columns:
                for group in sorted(stages[by].dropna().astype("str").unique()):
                    options.append((f"{name}: {group}", (by, group)))
        control = ipw.Dropdown(options=options, value=value or ("", ""),
                               description="Customers:", layout=ipw.Layout(width="max-content"))
        super().__init__(control)

    def view(self, value):
        by, group = value
        head, shown = funnel_view(self.stages, by or None, group or None)
        text = "\n".join([head, "", shown.to_string(index=False)])
        markup = f"<p><b>{html.escape(head)}</b></p>{_frame_html(shown)}"
        return text, markup

    def caption(self) -> str:
        by, group = self.control.value
        who = f"{FUNNEL_GROUPINGS.get(by, by)} {group}" if by else "all customers"
        return f"{who}; run the notebook to pick another group"


def explore_funnel(stages: pd.DataFrame, *, by: str | None = None,
                   group: str | None = None) -> FunnelExplorer:
    """A funnel explorer: pick all customers, a lead source or a segment; see where it leaks.

    Parameters
    ----------
    stages : DataFrame
        The output of ``journey.customer_stages(clean)``.
    by, group : str, optional
        The group shown first (e.g. ``by="lead_source", group="referral"``); all customers by
        default.

    Returns
    -------
    FunnelExplorer
        An ``ipywidgets.VBox``: a dropdown above an ``Output`` with the group's funnel (customers,
        % of the previous stage, % of the first, lost) and its biggest leak. ``.text`` is the
        current view as plain text.

    Source: 001 §4.3 (the biggest drop point; behaviour by source).
    """
    value = (by, str(group)) if by else None
    return FunnelExplorer(stages, value=value)


# -- notebook 04 ---------------------------------------------------------------------------------
# The tagger of step 4 (001 §4.4): type what a customer said, see its pains, desires and barriers
# with the words that show them, and the playbook's message and offer for each barrier.

__all__ += ["TaggerExplorer", "explore_tags", "tag_sentence"]

#: the sentence the tagger shows first: a café owner, typed without diacritics
DEFAULT_SENTENCE = "Quan thieu nhan vien, chu quan ban qua nen chua mua may"


def tag_sentence(sentence: str, *, taxonomy: pd.DataFrame | None = None) -> pd.DataFrame:
    """One sentence's tags, main tag first, with evidence and (for barriers) message and offer.

    Returns
    -------
    DataFrame
        ``tag``, ``group``, ``label_en``, ``evidence``, ``message_en``, ``offer_en`` (blank for
        tags that are not barriers); empty when nothing fires.

    Examples
    --------
    >>> tag_sentence("Chưa tin, lần trước bị lừa")[["tag", "evidence"]]
         tag                       evidence
    0  trust  chưa tin | lần trước | bị lừa

    Source: 001 §4.4 (barrier → message and offer).
    """
    from . import insight

    taxonomy = insight.load_taxonomy() if taxonomy is None else taxonomy
    tags = insight.tag([sentence], taxonomy=taxonomy)
    columns = ["tag", "group", "label_en", "evidence", "message_en", "offer_en"]
    if tags.empty:
        return pd.DataFrame(columns=columns, dtype="str")
    main = insight.main_tags(tags)["tag"].iloc[0]
    rank = {g: i for i, g in enumerate(insight.GROUPS)}
    tags = tags.assign(_main=tags["tag"] != main, _rank=tags["group"].map(rank))
    tags = tags.sort_values(["_main", "_rank", "score"], ascending=[True, True, False],
                            kind="stable")
    info = taxonomy[["label_en", "message_en", "offer_en"]]
    out = tags.join(info, on="tag")[columns].fillna("")
    return out.reset_index(drop=True)


class TaggerExplorer(_Explorer):
    """Type a sentence: its tags with the words that show them, and the answer to each barrier."""

    kind = "Tagger"

    def __init__(self, sentence: str = DEFAULT_SENTENCE, *, taxonomy=None):
        from . import insight

        self.taxonomy = insight.load_taxonomy() if taxonomy is None else taxonomy
        control = ipw.Text(value=sentence, description="Customer said:",
                           continuous_update=False, style={"description_width": "initial"},
                           layout=ipw.Layout(width="640px"))
        super().__init__(control)

    def view(self, sentence):
        table = tag_sentence(sentence, taxonomy=self.taxonomy)
        if table.empty:
            head = f"“{sentence}”: no tag. Add the customer's words to your taxonomy file."
            return head, f"<p><b>{html.escape(head)}</b></p>"
        head = f"“{sentence}”: main tag {table.at[0, 'tag']} ({table.at[0, 'group']})"
        return _headed_table(head, f"{len(table)} tag(s); evidence is what fired each one.",
                             table)

    def caption(self) -> str:
        table = tag_sentence(self.control.value, taxonomy=self.taxonomy)
        main = table.at[0, "tag"] if len(table) else "no tag"
        return f"“{self.control.value}” → {main}; run the notebook to type your own sentence"


def explore_tags(sentence: str = DEFAULT_SENTENCE, *, taxonomy=None) -> TaggerExplorer:
    """A tagger: type what a customer said, see the tags, the evidence and the playbook's offer.

    Parameters
    ----------
    sentence : str
        The sentence shown first (Vietnamese with or without diacritics, or English).
    taxonomy : DataFrame, optional
        What ``insight.load_taxonomy(...)`` returns, e.g. with your own file.

    Returns
    -------
    TaggerExplorer
        An ``ipywidgets.VBox``: a text box above an ``Output``. ``.text`` is the current view as
        plain text.

    Source: 001 §4.4 (insight → message and offer).
    """
    return TaggerExplorer(sentence, taxonomy=taxonomy)


# -- notebook 06 ---------------------------------------------------------------------------------
# The quality-lead explorer of step 6 (001 §4.6: "lead chất lượng là lead đáp ứng tiêu chí nào"):
# pick the criteria a lead must meet and see how many deals meet them and how often they close.

__all__ += ["QualityLeadExplorer", "explore_quality_leads"]

#: the text criteria the explorer offers, in the order shown
QUALITY_CHOICES = ("segment", "lead_source", "decision_timeframe", "product_interest")


class _CriteriaControl(ipw.VBox):
    """One multiple choice per criterion and a slider for the size; ``value`` is the rule."""

    value = traitlets.Tuple()

    def __init__(self, deals: pd.DataFrame, rule=()):
        given = {field: tuple(v) for field, op, v in rule if op == "in"}
        self.pickers = {}
        for field in QUALITY_CHOICES:
            options = sorted(deals[field].dropna().astype("str").unique())
            chosen = tuple(v for v in given.get(field, ()) if v in options)
            self.pickers[field] = ipw.SelectMultiple(
                options=options, value=chosen, rows=min(len(options), 7),
                description=field.replace("_", " "), style={"description_width": "initial"},
                layout=ipw.Layout(width="260px"))
        most = int(pd.to_numeric(deals["outlets"]).max()) if deals["outlets"].notna().any() else 1
        cap = next((int(v) for f, op, v in rule if f == "outlets" and op == "<="), 0)
        self.outlets = ipw.IntSlider(value=cap, min=0, max=most,
                                     description="max outlets (0 = any)",
                                     style={"description_width": "initial"},
                                     layout=ipw.Layout(width="420px"))
        for w in (*self.pickers.values(), self.outlets):
            w.observe(self._sync, names="value")
        super().__init__(children=(ipw.HBox(list(self.pickers.values())), self.outlets))
        self._sync()

    def _sync(self, _change=None) -> None:
        rule = tuple((f, "in", tuple(w.value)) for f, w in self.pickers.items() if w.value)
        if self.outlets.value:
            rule += (("outlets", "<=", float(self.outlets.value)),)
        self.value = rule


class QualityLeadExplorer(_Explorer):
    """Choose the criteria of a quality lead; see how many deals meet them and how they close."""

    kind = "Quality-lead explorer"

    def __init__(self, deals: pd.DataFrame, rule=()):
        self.deals = deals
        super().__init__(_CriteriaControl(deals, rule))

    def view(self, rule):
        from .validation import rule_summary, rule_text

        s = rule_summary(self.deals, rule)
        meet, rest = s.iloc[0], s.iloc[1]
        head = f"Quality lead: {rule_text(rule)}"
        if meet["deals"]:
            spread = (f"{meet['deals']:,} of {len(self.deals):,} closed deals meet it "
                      f"({meet['share']:.0%}); they close {meet['close_rate']:.0%} of the time, "
                      + (f"the rest {rest['close_rate']:.0%}." if rest["deals"] else
                         "and there is no rest to compare with."))
        else:
            spread = "No closed deal meets these criteria: loosen one of them."
        shown = pd.DataFrame({
            "leads": s["leads"], "deals": s["deals"].map("{:,}".format),
            "share of deals": s["share"].map(lambda v: "" if pd.isna(v) else f"{v:.0%}"),
            "won": s["won"].map("{:,}".format),
            "close rate": s["close_rate"].map(lambda v: "—" if pd.isna(v) else f"{v:.0%}"),
            "lift": s["lift"].map(lambda v: "—" if pd.isna(v) else f"{v:.2f}×")})
        return _headed_table(head, spread, shown)

    def caption(self) -> str:
        from .validation import rule_summary, rule_text

        s = rule_summary(self.deals, self.control.value)
        rate = s.loc[0, "close_rate"]
        told = "no deal" if pd.isna(rate) else f"{s.loc[0, 'deals']:,} deals, close rate {rate:.0%}"
        return f"{rule_text(self.control.value)}: {told}; run the notebook to change the criteria"


def explore_quality_leads(deals: pd.DataFrame, *, rule=()) -> QualityLeadExplorer:
    """Pick the criteria of a quality lead; see how many deals meet them and their close rate.

    Parameters
    ----------
    deals : DataFrame
        The output of ``validation.deal_table(clean)``.
    rule : sequence of (field, op, value), optional
        The criteria to start from, e.g. ``validation.find_quality_rule(deals)``; the text
        criteria of :data:`QUALITY_CHOICES` and a maximum of outlets are shown (others are
        dropped).

    Returns
    -------
    QualityLeadExplorer
        An ``ipywidgets.VBox``: one multiple choice per criterion (none chosen = any value) and
        a slider for the largest number of outlets, above an ``Output``. ``.text`` is the
        current view as plain text.

    Source: 001 §4.6 (define a quality lead with numbers: industry, size, need, timeframe).
    """
    return QualityLeadExplorer(deals, rule)


# -- notebook 07 ---------------------------------------------------------------------------------
# The migration explorer of step 7 (001 §4.7): pick two snapshot dates and a state (lead band,
# lifecycle); see who moved where between them, new and gone customers included.

__all__ += ["MigrationExplorer", "explore_migration", "migration_view"]

#: the states the migration explorer offers: snapshot column -> how it is named
MIGRATION_STATES = {"lifecycle": "lifecycle", "band": "lead band", "journey_stage":
                    "journey stage"}


def migration_view(snapshots: dict, before, after, column: str = "lifecycle"
                   ) -> tuple[str, str, pd.DataFrame]:
    """Who moved where between two snapshots, ready to show: heading, summary and table.

    Parameters
    ----------
    snapshots : dict
        Cut-off (Timestamp) -> snapshot (``refresh.load_snapshot``; with ``lifecycle`` from
        ``refresh.lifecycle`` for that state).
    before, after : Timestamp
        Two keys of ``snapshots``.
    column : str
        The state to follow.

    Returns
    -------
    (str, str, DataFrame)
        The heading, one line (customers, how many changed state, new and gone) and the matrix
        as text: each cell "count (share of the row)".

    Examples
    --------
    >>> a = pd.DataFrame({"customer_id": ["A", "B"], "band": ["hot", "cold"]})
    >>> b = pd.DataFrame({"customer_id": ["A", "C"], "band": ["cold", "hot"]})
    >>> head, spread, table = migration_view({pd.Timestamp("2025-10-01"): a,
    ...     pd.Timestamp("2026-01-01"): b}, pd.Timestamp("2025-10-01"),
    ...     pd.Timestamp("2026-01-01"), "band")
    >>> spread
    '3 customers in either snapshot: 1 changed state, 1 new, 1 gone.'
    >>> table.iloc[0].tolist()
    ['cold', '0', '0', '1 (100%)']
    """
    from .refresh import GONE, NEW, migration_matrix

    a, b = snapshots[before], snapshots[after]
    counts = migration_matrix(a, b, column=column)
    shares = migration_matrix(a, b, column=column, normalize=True)
    states = [s for s in counts.index if s != NEW]
    same = sum(counts.loc[s, s] for s in states if s in counts.columns)
    new, gone = int(counts.loc[NEW].sum()), int(counts[GONE].sum())
    total = int(counts.to_numpy().sum())
    head = (f"{MIGRATION_STATES.get(column, column)}: {pd.Timestamp(before).date()} → "
            f"{pd.Timestamp(after).date()}")
    spread = (f"{total:,} customers in either snapshot: {total - same - new - gone:,} changed "
              f"state, {new:,} new, {gone:,} gone.")
    cells = counts.apply(lambda col: [f"{n:,}" if n == 0 or counts.loc[r].sum() == 0
                                      else f"{n:,} ({shares.loc[r, col.name]:.0%})"
                                      for r, n in col.items()])
    table = cells.reset_index().rename(columns={"before": "before ↓ / after →"})
    table.columns.name = None
    return head, spread, table


class _PairControl(ipw.HBox):
    """Two snapshot dates and a state, as one ``value``: (before, after, column)."""

    value = traitlets.Tuple()

    def __init__(self, dates, states, value):
        labels = [(str(pd.Timestamp(d).date()), pd.Timestamp(d)) for d in dates]
        self.before = ipw.Dropdown(options=labels, value=value[0], description="From:")
        self.after = ipw.Dropdown(options=labels, value=value[1], description="to:")
        self.state = ipw.Dropdown(options=[(MIGRATION_STATES.get(s, s), s) for s in states],
                                  value=value[2], description="State:")
        for w in (self.before, self.after, self.state):
            w.observe(self._sync, names="value")
        super().__init__(children=(self.before, self.after, self.state))
        self._sync()

    def _sync(self, _change=None) -> None:
        self.value = (self.before.value, self.after.value, self.state.value)


class MigrationExplorer(_Explorer):
    """Pick two snapshot dates and a state; see the migration matrix between them."""

    kind = "Migration explorer"

    def __init__(self, snapshots: dict, value: tuple):
        self.snapshots = snapshots
        first = next(iter(snapshots.values()))
        states = [s for s in MIGRATION_STATES if s in first.columns]
        super().__init__(_PairControl(list(snapshots), states, value))

    def view(self, value):
        before, after, column = value
        head, spread, table = migration_view(self.snapshots, before, after, column)
        return _headed_table(head, spread, table)

    def caption(self) -> str:
        before, after, column = self.control.value
        return (f"{MIGRATION_STATES.get(column, column)} from {before.date()} to "
                f"{after.date()}; run the notebook to pick other dates")


def explore_migration(snapshots: dict, *, before=None, after=None,
                      column: str = "lifecycle") -> MigrationExplorer:
    """A migration explorer: pick two snapshot dates and a state, see who moved where.

    Parameters
    ----------
    snapshots : dict
        Cut-off -> snapshot, oldest first (e.g. ``{d: refresh.lifecycle(refresh.load_snapshot(
        path, d)) for d in refresh.snapshot_dates(path)}``).
    before, after : date, optional
        The pair shown first (default: the last two snapshots).
    column : str
        The state shown first: ``"lifecycle"``, ``"band"`` or ``"journey_stage"``.

    Returns
    -------
    MigrationExplorer
        An ``ipywidgets.VBox``: three dropdowns (from, to, state) above an ``Output`` with the
        matrix. ``.text`` is the current view as plain text.

    Source: 001 §4.7 (quarterly segment review).
    """
    dates = [pd.Timestamp(d) for d in snapshots]
    snapshots = dict(zip(dates, snapshots.values()))
    before = dates[-2] if before is None else pd.Timestamp(before)
    after = dates[-1] if after is None else pd.Timestamp(after)
    return MigrationExplorer(snapshots, (before, after, column))


# -- notebook 05 ---------------------------------------------------------------------------------
# Two explorers of step 5 (001 §4.5): move the lead-score weights and see the bands, the back-test
# close rates and the top lead's card change; browse the one-page cards of customers in each state.

__all__ += ["CardExplorer", "WeightsExplorer", "browse_cards", "cards_to_browse",
            "explore_weights", "score_bands"]


def score_bands(today: pd.DataFrame, leads_then: pd.DataFrame) -> pd.DataFrame:
    """Per band: leads today, leads in the back-test, how many became customers, the close rate.

    Parameters
    ----------
    today : DataFrame
        A profile (``profile.build_profile``), already scored with the weights to show.
    leads_then : DataFrame
        ``profile.backtest(...)`` scored with the same weights.

    Examples
    --------
    >>> today = pd.DataFrame({"band": ["hot", "cold", "cold"],
    ...                       "is_customer": [False, False, True]})
    >>> then = pd.DataFrame({"band": ["hot", "cold", "cold"],
    ...                      "became_customer": [True, False, True]})
    >>> score_bands(today, then)
       band  leads today  leads at cut-off  became customers  close rate
    0   hot            1                 1                 1         1.0
    1  warm            0                 0                 0         NaN
    2  cold            1                 2                 1         0.5
    """
    bands = ["hot", "warm", "cold"]
    leads = today.loc[~today["is_customer"].astype(bool), "band"].value_counts()
    then = leads_then.groupby("band")["became_customer"].agg(["size", "sum"])
    out = pd.DataFrame({"band": bands,
                        "leads today": leads.reindex(bands, fill_value=0).to_numpy(),
                        "leads at cut-off": then["size"].reindex(bands, fill_value=0).to_numpy(),
                        "became customers": then["sum"].reindex(bands, fill_value=0)
                        .astype("int64").to_numpy()})
    n = out["leads at cut-off"]
    out["close rate"] = (out["became customers"] / n.where(n > 0)).round(2)
    return out


class WeightsExplorer(_Explorer):
    """Move the points of each behaviour; see the bands, the back-test and the top lead's card."""

    kind = "Lead-score weights"

    def __init__(self, today: pd.DataFrame, leads_then: pd.DataFrame, *,
                 weights: dict | None = None):
        from . import profile

        self.today, self.leads_then = today, leads_then
        start = {**profile.DEFAULT_WEIGHTS, **(weights or {})}
        self.sliders = {s: ipw.IntSlider(value=int(w), min=-15, max=15, description=s,
                                         continuous_update=False,
                                         style={"description_width": "140px"},
                                         layout=ipw.Layout(width="420px"))
                        for s, w in start.items()}
        control = ipw.VBox(list(self.sliders.values()))
        super().__init__(control)
        for slider in self.sliders.values():
            slider.observe(self._on_change, names="value")

    @property
    def weights(self) -> dict:
        """The points per signal the sliders show now."""
        return {s: int(slider.value) for s, slider in self.sliders.items()}

    def render(self) -> None:
        text, markup = self.view(self.weights)
        self.output.outputs = (_bundle(text, markup),)

    def view(self, weights):
        from . import profile

        today = profile.rescore(self.today, weights)
        then = profile.lead_score(self.leads_then, weights=weights)
        table = score_bands(today, self.leads_then.assign(band=then["band"]))
        t = table.set_index("band")
        rate = t["became customers"] / t["leads at cut-off"].where(t["leads at cut-off"] > 0)
        ratio = (f"hot leads closed {rate['hot'] / rate['cold']:.1f}× as often as cold ones"
                 if rate.notna().all() and rate["cold"] > 0 else "a band is empty or never closed")
        head = f"In the back-test, {ratio}."
        leads = today[~today["is_customer"].astype(bool)]
        top = leads.sort_values(["lead_score", "customer_id"], ascending=[False, True],
                                kind="stable").iloc[0]["customer_id"]
        spread = f"The top lead today is {top}; their card:"
        text, markup = _headed_table(head, spread, table)
        return text, markup + profile.card_html(today, top)

    def caption(self) -> str:
        shown = ", ".join(f"{s}={w}" for s, w in self.weights.items())
        return f"{shown}; run the notebook to move the sliders"


def explore_weights(today: pd.DataFrame, leads_then: pd.DataFrame, *,
                    weights: dict | None = None) -> WeightsExplorer:
    """A lead-score explorer: one slider per behaviour signal (points per unit).

    Parameters
    ----------
    today : DataFrame
        The profile today (``profile.build_profile(clean)``).
    leads_then : DataFrame
        The back-test (``profile.backtest(clean, cutoff=...)``): leads scored at a cut-off, and
        whether they became customers after it.
    weights : dict, optional
        The points shown first (``profile.DEFAULT_WEIGHTS`` by default).

    Returns
    -------
    WeightsExplorer
        An ``ipywidgets.VBox``: the sliders above an ``Output`` with, for the current weights,
        leads per band today, the back-test's close rate per band, and the one-page card of the
        top lead today. ``.text`` is the current view as plain text.

    Source: 001 §4.5 (lead scoring nóng/ấm/lạnh from behaviour).
    """
    return WeightsExplorer(today, leads_then, weights=weights)


def cards_to_browse(profile_table: pd.DataFrame, *, per_rule: int = 2) -> pd.DataFrame:
    """A few customers per next-best-action rule, highest score first: the cards worth a look.

    Returns
    -------
    DataFrame
        ``customer_id``, ``full_name``, ``band``, ``lead_score``, ``action_rule``, in the order of
        ``profile.NBA_RULES``.
    """
    from . import profile

    order = {r: i for i, r in enumerate(profile.NBA_RULES["rule"])}
    p = profile_table.assign(_rule=profile_table["action_rule"].map(order))
    p = p.sort_values(["_rule", "lead_score", "customer_id"], ascending=[True, False, True],
                      kind="stable")
    p = p.groupby("_rule", sort=True).head(per_rule)
    return p[["customer_id", "full_name", "band", "lead_score", "action_rule"]].reset_index(
        drop=True)


class CardExplorer(_Explorer):
    """Pick a customer; see their one-page card (who, value, journey, barriers, score, action)."""

    kind = "Card browser"

    def __init__(self, profile_table: pd.DataFrame, *, customers: pd.DataFrame | None = None,
                 value: str | None = None):
        self.profile = profile_table
        pick = cards_to_browse(profile_table) if customers is None else customers
        options = [(f"{r.customer_id} · {r.full_name} · {r.band} · {r.action_rule}",
                    r.customer_id) for r in pick.itertuples()]
        control = ipw.Dropdown(options=options, value=value or options[0][1],
                               description="Customer:", layout=ipw.Layout(width="max-content"))
        super().__init__(control)

    def view(self, customer_id):
        from . import profile

        row = self.profile[self.profile["customer_id"] == customer_id].iloc[0]
        text = (f"{customer_id}: {row['lead_score']} points ({row['band']}); next: "
                f"{row['next_best_action']} via {row['action_channel']}")
        return text, profile.card_html(self.profile, customer_id)

    def caption(self) -> str:
        return f"{self.control.value}; run the notebook to pick another customer"


def browse_cards(profile_table: pd.DataFrame, *, customers: pd.DataFrame | None = None,
                 value: str | None = None) -> CardExplorer:
    """A card browser: pick a customer, see the one-page card that sales and care use.

    Parameters
    ----------
    profile_table : DataFrame
        The profile (``profile.build_profile(clean)``).
    customers : DataFrame, optional
        The customers to offer (``customer_id``, ``full_name``, ``band``, ``action_rule``);
        by default :func:`cards_to_browse`: two per next-best-action rule.
    value : str, optional
        The customer shown first.

    Returns
    -------
    CardExplorer
        An ``ipywidgets.VBox``: a dropdown above an ``Output`` with the card (HTML). ``.text``
        is the current view as plain text.

    Source: 001 §4.5 (bản "tóm tắt 1 trang" cho sales/CSKH).
    """
    return CardExplorer(profile_table, customers=customers, value=value)


# -- notebook 08 ---------------------------------------------------------------------------------
# The relationship dashboard of notebook 08 (000, 003): pick a grouping (segment, acquisition
# channel, NPS group, community); see NPS, retention and referrals side by side per group.

__all__ += ["RELATIONSHIP_GROUPINGS", "RelationshipExplorer", "explore_relationship",
            "relationship_table"]

#: the groupings the relationship dashboard offers: column of the reverse stages -> its name
RELATIONSHIP_GROUPINGS = {"segment": "segment", "acquisition_channel": "acquisition channel",
                          "loyalty": "NPS group", "community": "community member"}


def relationship_table(clean: dict, stages: pd.DataFrame, by: str = "segment", *,
                       period="2025", months: int = 12) -> pd.DataFrame:
    """Per group: customers, NPS, CRR of the period, retention after ``months``, referrals.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model (``surveys``, ``shop_orders``).
    stages : DataFrame
        ``reverse_funnel.customer_stages(clean)``.
    by : str
        A column of ``stages`` (see :data:`RELATIONSHIP_GROUPINGS`).
    period : str or (start, end)
        The period of NPS and CRR (``kpi.period_bounds``).
    months : int
        The horizon of the cohort retention.

    Returns
    -------
    DataFrame
        Indexed by group: ``customers``, ``nps`` (answers of the period; missing for a group
        without any), ``crr_%`` (missing for a group without customers at the start),
        ``retained_after_12m_%`` (pooled cohorts, named after ``months``),
        ``referrals_per_customer``, ``in_community_%``.

    Source: 003 (NPS, CRR), 000 (retention, referral, community).
    """
    from . import kpi, reverse_funnel

    start, end = kpi.period_bounds(period)
    groups = stages.set_index("customer_id")[by].astype("str")
    adv = reverse_funnel.advocacy_metrics(stages, by=by)
    out = pd.DataFrame({"customers": adv["customers"]})
    out["nps"] = kpi.nps(clean["surveys"], by=groups, start=start, end=end)["nps"]
    out["crr_%"] = kpi.retention_rate(clean["shop_orders"], start, end, by=groups)
    pooled = reverse_funnel.pooled_retention(reverse_funnel.cohort_retention(
        clean["shop_orders"], by=groups, max_months=months))
    at = pooled[pooled["months"] == months].set_index("group")["retention"] * 100
    out[f"retained_after_{months}m_%"] = at
    out["referrals_per_customer"] = adv["referrals_per_customer"]
    out["in_community_%"] = adv["community_members"] / adv["customers"] * 100
    out.index.name = by
    return out.round(2)


class RelationshipExplorer(_Explorer):
    """Pick a grouping; see NPS, retention and referrals per group."""

    kind = "Relationship dashboard"

    def __init__(self, clean: dict, stages: pd.DataFrame, *, value: str = "segment",
                 period="2025"):
        self.tables = {by: relationship_table(clean, stages, by, period=period)
                       for by in RELATIONSHIP_GROUPINGS if by in stages.columns}
        self.period = period
        options = [(RELATIONSHIP_GROUPINGS[by], by) for by in self.tables]
        control = ipw.Dropdown(options=options, value=value, description="Group by:",
                               layout=ipw.Layout(width="max-content"))
        super().__init__(control)

    def view(self, value):
        table = self.tables[value].reset_index()
        best = self.tables[value]["nps"].idxmax() if self.tables[value]["nps"].notna().any() \
            else "none"
        head = (f"NPS, CRR ({self.period}) and retention by {RELATIONSHIP_GROUPINGS[value]}; "
                f"highest NPS: {best}.")
        text = "\n".join([head, "", table.to_string(index=False, na_rep="")])
        return text, f"<p><b>{html.escape(head)}</b></p>{_frame_html(table)}"

    def caption(self) -> str:
        return (f"grouped by {RELATIONSHIP_GROUPINGS[self.control.value]}; run the notebook to "
                "pick another grouping")


def explore_relationship(clean: dict, stages: pd.DataFrame, *, by: str = "segment",
                         period="2025") -> RelationshipExplorer:
    """An NPS/retention dashboard: pick a grouping, compare its groups' relationship KPIs.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model.
    stages : DataFrame
        ``reverse_funnel.customer_stages(clean)``.
    by : str
        The grouping shown first (a key of :data:`RELATIONSHIP_GROUPINGS`).
    period : str or (start, end)
        The period of NPS and CRR.

    Returns
    -------
    RelationshipExplorer
        An ``ipywidgets.VBox``: a dropdown above an ``Output`` with :func:`relationship_table`.
        ``.text`` is the current view as plain text.

    Source: 003 (NPS, CRR), 000 (retention, referral, community).
    """
    return RelationshipExplorer(clean, stages, value=by, period=period)


# -- notebook 09 ---------------------------------------------------------------------------------
# The rule builder of notebook 09 (002 Bước 3, 004): compose one automation rule from fixed
# choices (a rule is data, never code) and see whom it would have reached, and what consent and
# the frequency cap held back.

__all__ += ["RuleBuilder", "build_rule", "rule_reach"]

#: the choices the rule builder offers
RULE_CAP_PERIODS = ("1d", "1w", "4w", "13w", "52w")


def rule_reach(rule, clean: dict, *, start="2025-01-01", end=None, events=None,
               hours=None) -> tuple[str, pd.DataFrame]:
    """One line on whom ``rule`` would have reached, and its sends per segment.

    Parameters
    ----------
    rule : automation.Rule
    clean : dict of DataFrame
        The clean model.
    start, end : date
        The replayed period (``end`` defaults to the sample's today).
    events, hours : DataFrame, optional
        ``automation.event_log(clean)`` and ``automation.best_send_hour(clean)``, computed once.

    Returns
    -------
    (str, DataFrame)
        The line, and per segment: ``triggered``, ``sent``, ``no consent``, ``over the cap``.
    """
    from . import automation
    from .datasets import TODAY

    fired = automation.simulate([rule], clean, start=start, end=TODAY if end is None else end,
                                events=events, hours=hours)
    segment = clean["customers"].set_index("customer_id")["segment"]
    fired = fired.assign(segment=fired["customer_id"].map(segment).fillna("unknown"))
    table = pd.crosstab(fired["segment"], fired["status"]).reindex(
        columns=["sent", "blocked: no consent", "blocked: frequency cap"], fill_value=0)
    table.insert(0, "triggered", table.sum(axis=1))
    table = table.rename(columns={"blocked: no consent": "no consent",
                                  "blocked: frequency cap": "over the cap"}).astype("int64")
    table.columns.name = None
    sent = fired[fired["status"] == "sent"]
    line = (f"{rule.name}: {sent['customer_id'].nunique():,} customers reached with "
            f"{len(sent):,} sends; {int(table['no consent'].sum()):,} held back for lack of "
            f"consent, {int(table['over the cap'].sum()):,} over the cap.")
    return line, table.reset_index()


class _RuleControl(ipw.VBox):
    """Dropdowns and toggles for the parts of a rule; ``value`` is the rule as data (a tuple)."""

    value = traitlets.Tuple()

    def __init__(self, trigger: str, segments):
        from . import automation

        style, wide = {"description_width": "initial"}, ipw.Layout(width="300px")
        self.trigger = ipw.Dropdown(options=list(automation.TRIGGERS), value=trigger,
                                    description="trigger", style=style, layout=wide)
        self.segments = ipw.SelectMultiple(options=list(segments), value=(), rows=4,
                                           description="segment (none = all)", style=style,
                                           layout=wide)
        self.channel = ipw.Dropdown(options=list(automation.CHANNELS), value="zalo_zns",
                                    description="channel", style=style, layout=wide)
        self.purpose = ipw.ToggleButtons(options=list(automation.PURPOSES), value="marketing",
                                         description="purpose", style=style)
        self.best = ipw.Checkbox(value=False, description="at the customer's usual hour",
                                 style=style)
        self.cap = ipw.IntSlider(value=1, min=1, max=5, description="at most", style=style)
        self.per = ipw.Dropdown(options=list(RULE_CAP_PERIODS), value="1w",
                                description="sends per", style=style,
                                layout=ipw.Layout(width="180px"))
        parts = (self.trigger, self.segments, self.channel, self.purpose, self.best, self.cap,
                 self.per)
        for w in parts:
            w.observe(self._sync, names="value")
        super().__init__(children=(ipw.HBox([self.trigger, self.channel]), self.segments,
                                   self.purpose, self.best, ipw.HBox([self.cap, self.per])))
        self._sync()

    def _sync(self, _change=None) -> None:
        self.value = (self.trigger.value, tuple(self.segments.value), self.channel.value,
                      self.purpose.value, self.best.value, self.cap.value, self.per.value)


class RuleBuilder(_Explorer):
    """Build one rule from fixed choices; see whom it would have reached since ``start``."""

    kind = "Rule builder"

    def __init__(self, clean: dict, *, trigger: str = "cart_abandoned", start="2025-01-01",
                 events=None, hours=None):
        from . import automation

        self.clean, self.start = clean, start
        self.events = automation.event_log(clean) if events is None else events
        self.hours = automation.best_send_hour(clean) if hours is None else hours
        segments = sorted(clean["customers"]["segment"].dropna().astype("str").unique())
        super().__init__(_RuleControl(trigger, segments))

    def rule(self, value=None):
        """The rule the controls describe, validated like a rule file."""
        from . import automation

        trigger, segments, channel, purpose, best, cap, per = value or self.control.value
        data = {"name": "my_rule", "trigger": trigger, "action": "your message",
                "channel": channel, "delay": "0", "purpose": purpose, "at_best_hour": best,
                "frequency_cap": {"max": cap, "per": per}}
        if segments:
            data["condition"] = [{"field": "segment", "op": "in", "value": list(segments)}]
        return automation.parse_rules([data], source="rule builder")[0]

    def view(self, value):
        rule = self.rule(value)
        line, table = rule_reach(rule, self.clean, start=self.start, events=self.events,
                                 hours=self.hours)
        return _headed_table(f"Rule: {rule}", f"Since {self.start}: {line}", table)

    def caption(self) -> str:
        return f"{self.rule().trigger}; run the notebook to change the rule"


def build_rule(clean: dict, *, trigger: str = "cart_abandoned", start="2025-01-01",
               events=None, hours=None) -> RuleBuilder:
    """A rule builder: pick a trigger, segments, channel, purpose, send hour and cap; see reach.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model.
    trigger : str, default "cart_abandoned"
        The trigger shown first (one of ``automation.TRIGGERS``).
    start : date, default "2025-01-01"
        Replay from this date to the sample's today.
    events, hours : DataFrame, optional
        ``automation.event_log(clean)`` and ``automation.best_send_hour(clean)`` when already
        computed (each change of the controls replays only the one rule).

    Returns
    -------
    RuleBuilder
        An ``ipywidgets.VBox``: the rule's controls above an ``Output`` with the rule in words,
        whom it reaches, and per segment the sends and what consent and the cap held back.
        ``.text`` is the current view as plain text.

    Source: 002 (Bước 3: kịch bản tự động hóa theo hành trình), 004 (consent, frequency).
    """
    return RuleBuilder(clean, trigger=trigger, start=start, events=events, hours=hours)
