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
        text = "\n".join([head, spread, "", shown.to_string(index=False, na_rep="")])
        markup = (f"<h4>{html.escape(head)}</h4><p>{html.escape(spread)}</p>"
                  f"<div style='overflow-x:auto'>{_frame_html(shown)}</div>")
        return text, markup

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
