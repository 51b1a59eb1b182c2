"""Step 7: keep the profile alive — snapshots, migration, change signals, incremental refresh.

The source's last step (001 §4.7, "Cập nhật liên tục – customer 360 là tài sản sống") asks for a
fixed update cadence (weekly behaviour and leads, monthly insight review, quarterly segment
review), for watching the signals that needs are changing (questions repeated in the inbox, the
funnel dropping more at one step, decisions taking longer) and the market moving (a competitor's
price cut, buying moving to another channel), and for automating what can be. 004 adds the
discipline around it: a PDCA loop and an audit trail of every run.

The chain::

    profile = refresh(clean, "c360.duckdb", as_of="2025-10-01")   # first run: full rebuild
    profile = refresh(clean, "c360.duckdb", as_of="2025-11-01")   # then only the new month
    history = snapshot_history("c360.duckdb")                      # every cut-off, stacked
    q3, q4 = (load_snapshot("c360.duckdb", d) for d in ("2025-10-01", "2026-01-01"))
    migration_matrix(q3, q4, column="band")                        # hot/warm/cold → ...
    migration_matrix(q3, q4, column="lifecycle")                   # loyal → at risk
    change_signals(clean, start="2025-10-01", end="2026-01-01")   # what moved this quarter
    run_log("c360.duckdb")                                         # the audit trail

**The store** is one embedded DuckDB database file whose path you pass explicitly (nothing
else is read or written). It holds four tables: ``snapshots`` (``as_of``, ``customer_id`` and
the profile's columns, one row per customer and cut-off; a view stacking one table
``snapshot_<as_of>`` per cut-off), ``facts`` (the mergeable per-customer
facts of the latest cut-off, from :func:`c360lab.profile.profile_facts`; written in the same
transaction as that cut-off's snapshot, so the last snapshot dates them), ``runs`` (the audit
trail: when, cut-off, mode, rows read, customers, seconds) and ``columns`` (each stored table's
pandas dtypes, so what you read back is what you wrote). Whole DataFrames go in with one
statement each, never row by row.

**The incremental refresh** reads the facts stored at the last cut-off ``t0``, computes the facts
of the new records only (``profile_facts(clean, since=t0, until=t)``), merges the two
(``combine_facts``) and finishes the profile (``finish_profile``): the same profile as a full
rebuild, column by column, in a fraction of the time. It assumes the customer ids are stable
between runs; after step 2 re-resolves identities differently, run one ``mode="full"`` refresh.

**Change signals** compare a period with its baseline (by default the three windows of the same
length just before it: a quarter against the three quarters before) and fire only when the change is both big enough to matter (an *effect-size*
threshold) and too big to be noise (a *significance* test at ``alpha`` and a minimum count in
both windows). See :data:`SIGNALS` and :func:`change_signals`.

Source: 001 §4.7 (cadence, change signals, market shifts, automation), 004 (PDCA, audit trail).
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd

from .contract import C360DataError, Problem
from .profitability import UNKNOWN_SEGMENT, _bad_rows, _check, _need
# the lifecycle states live in the profile's purchase layer (step 5); re-exported here, where
# the migration matrices of the snapshots use them
from .profile import LIFECYCLE_STATES, lifecycle

__all__ = [
    "ALPHA",
    "BASELINE_PERIODS",
    "CADENCE",
    "GONE",
    "LIFECYCLE_STATES",
    "MIN_COUNT",
    "MIN_EXPECTED",
    "MIN_SHARE_EFFECT",
    "MIN_TIME_CHANGE",
    "NEW",
    "RECORD_TIMES",
    "SIGNALS",
    "change_signals",
    "lifecycle",
    "load_facts",
    "load_snapshot",
    "migration_matrix",
    "quarter",
    "refresh",
    "rows_in_window",
    "run_log",
    "snapshot_dates",
    "snapshot_history",
]

#: The update cadence of 001 §4.7: what to refresh or review, how often, and with what.
CADENCE = pd.DataFrame({
    "every": ["week", "month", "quarter"],
    "vi": ["hàng tuần", "hàng tháng", "hàng quý"],
    "what": ["behaviour and leads: refresh the profile (incremental), new lead scores and "
             "next best actions",
             "insight review: change signals of the month (barriers, inbox questions, channels)",
             "segment review: snapshot migration (bands, lifecycle) and strategic priorities"],
    "with": ["refresh(..., as_of=monday)", "change_signals(..., start=month_start)",
             "migration_matrix(...) and change_signals(..., start=quarter_start)"],
})

#: The column that dates each record of the clean model: the records of a refresh window are
#: those dated in it. A deal is read again whenever one of its stage dates falls in the window;
#: order lines go with their order.
RECORD_TIMES = {
    "crm_contacts": ("created_date",),
    "deals": ("inquiry_date", "consultation_date", "quote_date", "negotiation_date",
              "closed_date"),
    "shop_orders": ("order_time",),
    "web_events": ("event_time",),
    "inbox_messages": ("sent_at",),
    "tickets": ("opened_at",),
    "surveys": ("submitted_at",),
    "referrals": ("referral_date",),
    "community": ("joined_date",),
    "automation_sends": ("sent_at",),
}

# -- thresholds of the change signals (named, so a team can argue about them) --------------------

#: Smallest change of a share that counts as a change: Cohen's h = 0.2, the conventional "small
#: but real" effect for proportions (e.g. 13% → 21%, 30% → 40%, 50% → 60%). A share measured
#: on hundreds of records moves by a point or two every quarter by chance; a fifth of a
#: standard deviation is the smallest shift worth a meeting.
MIN_SHARE_EFFECT = 0.2
#: Smallest relative change of a median time that counts: a decision taking a fifth longer
#: (a month-long sales cycle gaining almost a week) changes the follow-up plan of every deal.
MIN_TIME_CHANGE = 0.2
#: Significance level of the guard test: the chance that noise alone passes it.
ALPHA = 0.05
#: The default baseline is this many windows of the period's length just before it (the three
#: quarters before a quarter). One quarter of a small business is a small sample: a baseline
#: three times as long is measured more precisely, so a real change stands out from noise,
#: and one odd quarter never becomes the yardstick.
BASELINE_PERIODS = 3
#: Fewest records in *each* window (period and baseline) before a signal may fire: the usual
#: rule of thumb for the normal approximations of the guard tests (a median of a dozen deals
#: moves by a week by pure chance).
MIN_COUNT = 30
#: A share test also needs this many expected records on each side of the share in each
#: window (the textbook condition of the two-proportion z test): a step where one deal of
#: seventy stopped says nothing yet.
MIN_EXPECTED = 5

#: The change signals of 001 §4.7, what each measures and its test.
SIGNALS = {
    "decision_time": "median days from inquiry to close (won or lost) of the deals closed in "
                     "the window, per segment; fires when it rises by MIN_TIME_CHANGE or more "
                     "and a one-sided Mann-Whitney test is significant",
    "funnel_drop": "share of the deals closed in the window that stopped at each pipeline step "
                   "(of those that reached it); fires when it rises by MIN_SHARE_EFFECT "
                   "(Cohen's h) and a one-sided two-proportion test is significant",
    "barrier_share": "share of each barrier among the barriers tagged in lost-deal reasons, "
                     "survey comments and inbox messages of the window; fires on a change "
                     "either way of MIN_SHARE_EFFECT that a two-sided test confirms",
    "channel_share": "share of each sales channel among the orders placed in the window; fires "
                     "on a change either way of MIN_SHARE_EFFECT that a two-sided test confirms",
    "inbox_question": "share of inbox conversations that raise each question topic; fires "
                      "when a question is asked more often by MIN_SHARE_EFFECT and a one-sided "
                      "test is significant (the same question repeated by many customers)",
}

#: Markers of the migration matrix for customers absent from one of the two snapshots.
NEW = "(new)"
GONE = "(gone)"

_STORE_TABLES = ("snapshots", "facts", "runs", "columns")
#: each cut-off's snapshot is the table ``snapshot_<as_of>``; ``snapshots`` is a view of them all
_SNAPSHOT_PREFIX = "snapshot_"
_MODES = ("auto", "full", "incremental")


# -- dates and windows ----------------------------------------------------------------------------

def _day(value, name: str) -> pd.Timestamp:
    """A cut-off as a Timestamp (midnight); raise a clear error for anything else."""
    try:
        t = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date such as '2025-10-01', not {value!r}") from None
    if pd.isna(t):
        raise ValueError(f"{name} must be a date such as '2025-10-01', not {value!r}")
    return t


def quarter(label: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first day of a quarter and of the next one, from a label such as ``"2025Q4"``.

    Examples
    --------
    >>> quarter("2025Q4")
    (Timestamp('2025-10-01 00:00:00'), Timestamp('2026-01-01 00:00:00'))

    Source: 001 §4.7 ("hàng quý cập nhật phân khúc").
    """
    q = pd.Period(label.replace("-", ""), freq="Q")
    return q.start_time.normalize(), (q + 1).start_time.normalize()


def rows_in_window(clean: dict, *, since=None, until) -> int:
    """How many records of the clean model are dated in ``[since, until)``.

    Each table of :data:`RECORD_TIMES` counts the rows with one of its dates in the window
    (a deal once, however many of its stage dates fall in it); order lines count with their
    order. This is what a refresh "reads".

    Examples
    --------
    >>> clean = {"shop_orders": pd.DataFrame({"order_id": ["O1", "O2"],
    ...     "order_time": pd.to_datetime(["2025-10-03", "2025-11-05"])}),
    ...     "order_lines": pd.DataFrame({"order_id": ["O1", "O2", "O2"]})}
    >>> rows_in_window(clean, since="2025-11-01", until="2025-12-01")
    3

    Source: 004 (audit trail: what each run processed).
    """
    until = _day(until, "until")
    since = None if since is None else _day(since, "since")
    total = 0
    for table, columns in RECORD_TIMES.items():
        df = clean.get(table)
        if df is None:
            continue
        hit = np.zeros(len(df), dtype=bool)
        for c in columns:
            if c in df.columns:
                t = df[c]
                hit |= ((t < until) & (True if since is None else t >= since)).fillna(False) \
                    .to_numpy(dtype=bool)
        total += int(hit.sum())
        if table == "shop_orders" and "order_lines" in clean and "order_id" in df.columns:
            total += int(clean["order_lines"]["order_id"].isin(df.loc[hit, "order_id"]).sum())
    return total


# -- the DuckDB store -----------------------------------------------------------------------------

def _connect(path, *, must_exist: bool = False):
    import duckdb  # imported on first use: `import c360lab` stays fast

    path = Path(path)
    if must_exist and not path.exists():
        raise FileNotFoundError(f"no profile store at {path.name!r}: run refresh(...) with this "
                                "path first")
    return duckdb.connect(str(path))


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                      "WHERE table_schema = 'main'").fetchall()}


def _dtype_rows(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """One row per column: its position, name, pandas dtype and categories (JSON)."""
    cats = [json.dumps([str(c) for c in df[c].cat.categories]) + ("|ordered"
            if df[c].cat.ordered else "") if isinstance(df[c].dtype, pd.CategoricalDtype)
            else None for c in df.columns]
    return pd.DataFrame({"table_name": table, "position": np.arange(len(df.columns)),
                         "column_name": [str(c) for c in df.columns],
                         "dtype": ["category" if cat is not None else str(df[c].dtype)
                                   for c, cat in zip(df.columns, cats)],
                         "categories": pd.array(cats, dtype="str")})


def _storable(df: pd.DataFrame) -> pd.DataFrame:
    """Categories as text (their order lives in the ``columns`` table); the rest as is."""
    cats = [c for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)]
    return df.astype({c: "str" for c in cats}) if cats else df


def _restore(con, table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Give a frame read from ``table`` the dtypes it was written with."""
    meta = con.execute("SELECT column_name, dtype, categories FROM columns WHERE table_name = ? "
                       "ORDER BY position", [table]).df()
    df = df[list(meta["column_name"])]
    for name, dtype, cats in meta.itertuples(index=False):
        if dtype == "category":
            values, _, ordered = cats.partition("|")
            dtype = pd.CategoricalDtype(json.loads(values), ordered=bool(ordered))
        if str(df[name].dtype) != str(dtype):
            df[name] = df[name].astype(dtype)
    return df


def _read_typed(con, table: str, query: str) -> pd.DataFrame:
    """The rows of ``query`` (columns of ``table``, no categories) with the dtypes they were
    written with, built straight from DuckDB's NumPy arrays (no conversion pass)."""
    meta = con.execute("SELECT column_name, dtype FROM columns WHERE table_name = ? "
                       "ORDER BY position", [table]).fetchall()
    data = con.execute(query).fetchnumpy()
    columns = {}
    for name, dtype in meta:
        if name not in data:
            continue
        v = data[name]
        mask = np.ma.getmaskarray(v) if isinstance(v, np.ma.MaskedArray) else None
        raw = np.ma.getdata(v)
        if mask is not None and not mask.any():
            mask = None
        if dtype == "Int64":
            values = raw.astype("int64") if mask is None else np.where(mask, 0, raw).astype(
                "int64")
            columns[name] = pd.arrays.IntegerArray(
                values, np.zeros(len(raw), bool) if mask is None else mask)
        elif dtype.startswith("datetime64") or dtype in ("int64", "float64", "bool"):
            values = raw.astype(dtype, copy=False)
            if mask is not None:
                values = pd.Series(values).where(~mask).astype(dtype).to_numpy()
            columns[name] = values
        else:
            values = raw.astype(object, copy=False)
            if mask is not None:
                values = np.where(mask, None, values)
            columns[name] = pd.Series(values, dtype=object).astype(dtype)
    return pd.DataFrame(columns, copy=False)


def _write(con, table: str, df: pd.DataFrame, *, replace: bool) -> None:
    """Write a whole DataFrame in one statement (create/replace or append by column name)."""
    con.register("_incoming", _storable(df))
    try:
        if replace or table not in _tables(con):
            con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _incoming")
            con.execute("DELETE FROM columns WHERE table_name = ?", [table])
            con.register("_meta", _dtype_rows(table, df))
            con.execute("INSERT INTO columns SELECT * FROM _meta")
            con.unregister("_meta")
        else:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _incoming")
    finally:
        con.unregister("_incoming")


def _ensure_columns_table(con) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS columns (table_name VARCHAR, position BIGINT, "
                "column_name VARCHAR, dtype VARCHAR, categories VARCHAR)")


def _last_cutoff(con) -> pd.Timestamp | None:
    if "snapshots" not in _tables(con):
        return None
    last = con.execute("SELECT max(as_of) FROM snapshots").fetchone()[0]
    return None if last is None else pd.Timestamp(last)


def _same_columns(con, profile: pd.DataFrame) -> None:
    """Every snapshot of a store has the same columns: say which differ."""
    stored = con.execute("SELECT column_name FROM columns WHERE table_name = 'snapshots' "
                         "ORDER BY position").df()["column_name"].tolist()
    wanted = ["as_of", *map(str, profile.columns)]
    if stored != wanted:
        extra = [c for c in wanted if c not in stored]
        missing = [c for c in stored if c not in wanted]
        raise C360DataError("snapshots", [Problem(
            "columns", f"differ from the stored snapshots (new: {extra or 'none'}; "
            f"missing: {missing or 'none'}; or another order)",
            "keep the profile's columns fixed within one store, or start a new store file "
            "for the new profile layout")])


def _load_profile_api():
    from . import profile  # step 5: the profile and its mergeable facts

    return profile


def refresh(clean: dict, path, *, as_of, mode: str = "auto", weights=None) -> pd.DataFrame:
    """Bring the stored profile up to ``as_of``, keep it as a snapshot and log the run.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model (``datasets.load_clean()``) holding the records up to ``as_of`` at least.
    path : str or Path
        The DuckDB database file of the store; created on the first run.
    as_of : date
        The cut-off: the profile uses the records dated before it (weekly: each Monday).
    mode : {"auto", "full", "incremental"}
        ``"full"`` rebuilds from every record before ``as_of``; ``"incremental"`` reads only the
        records since the last cut-off and merges them with the stored facts; ``"auto"`` is
        incremental when the store holds facts, full on the first run.
    weights : dict, optional
        Lead-score weights passed to the profile (``profile.DEFAULT_WEIGHTS`` when None). Use
        the same weights for every run of one store.

    Returns
    -------
    DataFrame
        The profile at ``as_of``, exactly as ``profile.build_profile(clean, as_of=as_of)``.

    The store then holds this profile as the snapshot of ``as_of`` (a second run at the same
    cut-off replaces it: refreshing twice is idempotent), the facts of ``as_of`` for the next
    incremental run, and one more row of :func:`run_log`.

    Raises
    ------
    C360DataError
        ``as_of`` is before the last stored cut-off (history only moves forward); an
        incremental run on an empty store; stored customers that the clean model no longer
        has (identities were re-resolved: run ``mode="full"``); a profile whose columns differ
        from the stored snapshots'.

    Examples
    --------
    See the module's chain and notebook 07; the store needs a clean model and a file.

    Source: 001 §4.7 (weekly refresh, the profile as a living asset), 004 (audit trail).
    """
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {_MODES}, not {mode!r}")
    as_of = _day(as_of, "as_of")
    if not isinstance(clean, dict) or "customers" not in clean:
        raise TypeError("clean must be the clean model: a dict of DataFrames with 'customers' "
                        "(datasets.load_clean())")
    prof = _load_profile_api()
    started = time.perf_counter()
    with _connect(path) as con:
        _ensure_columns_table(con)
        last = _last_cutoff(con)
        if last is not None and as_of < last:
            raise C360DataError("snapshots", [Problem(
                "as_of", f"{as_of.date()} is before the last snapshot ({last.date()})",
                "refresh at the last cut-off or later; to rebuild an older history, write a "
                "new store file from the earliest cut-off on")])
        has_facts = last is not None and "facts" in _tables(con)
        if mode == "incremental" and not has_facts:
            raise C360DataError("facts", [Problem(
                "as_of", "the store holds no facts yet, so there is nothing to add to",
                "run the first refresh with mode='full' (or 'auto')")])
        incremental = mode == "incremental" or (mode == "auto" and has_facts)
        customers = clean["customers"]
        if incremental:
            old = load_facts(con)
            since = last  # the facts are those of the last snapshot
            _check_known(old, customers)
            if since < as_of:
                new = prof.profile_facts(clean, since=since, until=as_of)
                facts = prof.combine_facts(old, new)
                rows = rows_in_window(clean, since=since, until=as_of)
                changed = new["customer_id"]  # the only rows of the facts that moved
            else:  # the same cut-off again: nothing new to read
                facts, rows, changed = old, 0, old["customer_id"].iloc[:0]
        else:
            facts = prof.profile_facts(clean, until=as_of)
            rows = rows_in_window(clean, until=as_of)
            changed = None
        profile = prof.finish_profile(facts, customers, as_of=as_of, weights=weights)

        con.execute("BEGIN TRANSACTION")
        try:
            _write_snapshot(con, profile, as_of)
            _write_facts(con, facts, changed=changed)
            run = pd.DataFrame({
                "run_at": pd.Series([pd.Timestamp.now().floor("s")], dtype="datetime64[us]"),
                "as_of": pd.Series([as_of], dtype="datetime64[us]"),
                "mode": pd.array(["incremental" if incremental else "full"], dtype="str"),
                "since": pd.Series([since if incremental else pd.NaT], dtype="datetime64[us]"),
                "rows_read": [rows], "customers": [len(profile)],
                "seconds": [round(time.perf_counter() - started, 3)]})
            _write(con, "runs", run, replace="runs" not in _tables(con))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return profile


def _snapshot_table(as_of: pd.Timestamp) -> str:
    return f"{_SNAPSHOT_PREFIX}{as_of:%Y%m%dT%H%M%S}"


def _snapshot_tables(con) -> list[str]:
    """The tables of the stored snapshots, one per cut-off, oldest first (their names sort as
    their dates)."""
    return sorted(t for t in _tables(con) if t.startswith(_SNAPSHOT_PREFIX))


def _write_snapshot(con, profile: pd.DataFrame, as_of: pd.Timestamp) -> None:
    """Keep ``profile`` as the snapshot of ``as_of`` (its rows with ``as_of`` in front): a table
    of its own (a new table is written straight to the file, far cheaper at commit than
    appending to one big table; a second run at the same cut-off replaces it), and
    ``snapshots`` a view stacking them all."""
    first = "snapshots" not in _tables(con)
    if not first:
        _same_columns(con, profile)
    con.register("_incoming", _storable(profile))
    try:
        con.execute(f"CREATE OR REPLACE TABLE {_snapshot_table(as_of)} AS SELECT "
                    "CAST(? AS TIMESTAMP) AS as_of, * FROM _incoming", [as_of.to_pydatetime()])
    finally:
        con.unregister("_incoming")
    con.execute("CREATE OR REPLACE VIEW snapshots AS "
                + " UNION ALL ".join(f"SELECT * FROM {t}" for t in _snapshot_tables(con)))
    if first:
        head = profile.iloc[:0].copy()
        head.insert(0, "as_of", pd.Series([], dtype="datetime64[us]"))
        con.register("_meta", _dtype_rows("snapshots", head))
        try:
            con.execute("DELETE FROM columns WHERE table_name = 'snapshots'")
            con.execute("INSERT INTO columns SELECT * FROM _meta")
        finally:
            con.unregister("_meta")


def _snapshot_rows(con, where: str = "") -> str:
    """A query of every stored snapshot in its written order (``_row``: the row's place)."""
    return " UNION ALL ".join(f"SELECT *, rowid AS _row FROM {t} {where}"
                              for t in _snapshot_tables(con))


def _write_facts(con, facts: pd.DataFrame, *, changed) -> None:
    """Store the facts: all of them, or (``changed``: the customer ids whose facts moved since
    the stored ones) only those rows."""
    if changed is None:
        _write(con, "facts", facts, replace=True)
        return
    moved = facts[facts["customer_id"].isin(changed).to_numpy()]
    con.register("_incoming", _storable(moved))
    try:
        con.execute("DELETE FROM facts WHERE customer_id IN (SELECT customer_id FROM _incoming)")
        con.execute("INSERT INTO facts BY NAME SELECT * FROM _incoming")
    finally:
        con.unregister("_incoming")


def _check_known(facts: pd.DataFrame, customers: pd.DataFrame) -> None:
    """Stored facts must belong to customers the clean model still has."""
    if "customer_id" not in facts.columns:
        return
    gone = ~facts["customer_id"].isin(customers["customer_id"])
    if gone.any():
        raise C360DataError("facts", [_bad_rows(
            facts, gone, "customer_id", "holds customers that the clean model no longer has "
            "(step 2 merged or renamed them)", "run refresh(..., mode='full') once to rebuild "
            "the facts from every record")])


def load_facts(store) -> pd.DataFrame:
    """The facts stored at the last cut-off (``profile.profile_facts`` layout).

    ``store`` is the path of the DuckDB file (or an open connection to it).

    Source: 001 §4.7.
    """
    if not hasattr(store, "execute"):
        with _connect(store, must_exist=True) as con:
            return load_facts(con)
    df = _read_typed(store, "facts", "SELECT * FROM facts")
    if not df["customer_id"].is_monotonic_increasing:  # an incremental run appends its rows
        df = df.sort_values("customer_id", kind="stable").reset_index(drop=True)
    return df


def snapshot_dates(path) -> list[pd.Timestamp]:
    """The cut-offs stored in the file, oldest first (empty for a new store).

    Source: 001 §4.7.
    """
    with _connect(path, must_exist=True) as con:
        if "snapshots" not in _tables(con):
            return []
        days = con.execute("SELECT DISTINCT as_of FROM snapshots ORDER BY as_of").fetchall()
    return [pd.Timestamp(d[0]) for d in days]


def load_snapshot(path, as_of=None) -> pd.DataFrame:
    """The profile stored at one cut-off (the latest when ``as_of`` is None), as it was built.

    Raises
    ------
    C360DataError
        No snapshot at that cut-off (the error lists the stored ones).

    Source: 001 §4.7.
    """
    dates = snapshot_dates(path)
    if as_of is None and dates:
        as_of = dates[-1]
    day = None if as_of is None else _day(as_of, "as_of")
    if day is None or day not in dates:
        shown = ", ".join(str(d.date()) for d in dates) or "none yet"
        raise C360DataError("snapshots", [Problem(
            "as_of", f"has no snapshot at {None if day is None else day.date()}",
            f"pick one of the stored cut-offs: {shown}")])
    with _connect(path) as con:
        df = con.execute(f"SELECT * FROM {_snapshot_table(day)} ORDER BY rowid").df()
        df = _restore(con, "snapshots", df)
    return df.drop(columns="as_of").reset_index(drop=True)


def snapshot_history(path, *, customer_id=None, columns=None) -> pd.DataFrame:
    """Every stored snapshot stacked: ``as_of``, ``customer_id`` and the profile columns.

    Parameters
    ----------
    path : str or Path
        The store's DuckDB file.
    customer_id : str or list of str, optional
        Only these customers (one customer's profile over time).
    columns : list of str, optional
        Only these profile columns (``as_of`` and ``customer_id`` always come).

    Source: 001 §4.7 (the profile's history: a living asset).
    """
    with _connect(path, must_exist=True) as con:
        if "snapshots" not in _tables(con):
            return pd.DataFrame(columns=["as_of", "customer_id"])
        where, params = "", []
        if customer_id is not None:
            ids = [customer_id] if isinstance(customer_id, str) else list(customer_id)
            where, params = "WHERE customer_id IN (SELECT unnest(?))", [ids]
        df = con.execute(f"SELECT * EXCLUDE (_row) FROM ({_snapshot_rows(con)}) {where} "
                         "ORDER BY as_of, _row", params).df()
        df = _restore(con, "snapshots", df)
    if columns is not None:
        keep = ["as_of", "customer_id"] + [c for c in columns if c not in ("as_of", "customer_id")]
        _need(df, keep, "snapshots", "refresh(...)")
        df = df[keep]
    return df.reset_index(drop=True)


def run_log(path) -> pd.DataFrame:
    """The audit trail: one row per refresh, oldest first.

    Columns: ``run_at`` (wall-clock time of the run), ``as_of``, ``mode`` (full or
    incremental), ``since`` (the previous cut-off of an incremental run), ``rows_read``
    (:func:`rows_in_window`), ``customers`` (profile rows) and ``seconds``.

    Source: 004 (audit trail for every run).
    """
    with _connect(path, must_exist=True) as con:
        if "runs" not in _tables(con):
            return pd.DataFrame(columns=["run_at", "as_of", "mode", "since", "rows_read",
                                         "customers", "seconds"])
        df = con.execute("SELECT * FROM runs ORDER BY rowid").df()
        return _restore(con, "runs", df).reset_index(drop=True)


# -- who moved where ------------------------------------------------------------------------------

def _states(values: pd.Series) -> pd.Series:
    """A snapshot column as text states; a blank value is the state "unknown" (never dropped)."""
    out = values.astype("object").where(values.notna(), UNKNOWN_SEGMENT)
    return out.astype("str")


def _order(before: pd.Series, after: pd.Series, order, raw=()) -> list[str]:
    seen = sorted(set(before) | set(after))
    if order is None:
        for s in raw:
            if isinstance(s.dtype, pd.CategoricalDtype):
                order = [str(c) for c in s.cat.categories]
                break
    if order is None:
        return seen
    order = [str(o) for o in order]
    return order + [s for s in seen if s not in order]


def migration_matrix(before: pd.DataFrame, after: pd.DataFrame, *, column: str = "band",
                     key: str = "customer_id", normalize: bool = False, order=None
                     ) -> pd.DataFrame:
    """Who moved from which state to which between two snapshots (a transition matrix).

    Parameters
    ----------
    before, after : DataFrame
        Two snapshots (e.g. :func:`load_snapshot` at two cut-offs), one row per customer, with
        ``key`` and ``column``.
    column : str
        The state to follow: ``"band"`` (hot/warm/cold), ``"segment"``, ``"journey_stage"``,
        or ``"lifecycle"`` (the profile's column; :func:`c360lab.profile.lifecycle`).
    key : str
        The customer id column.
    normalize : bool, default False
        False: counts of customers. True: shares of each row (of the customers in a state
        before, the share found in each state after; each row sums to 1).
    order : list of str, optional
        The order of the states (default: the column's categories, else alphabetical).

    Returns
    -------
    DataFrame
        Rows: the state before (index ``before``), plus :data:`NEW` for customers only in the
        later snapshot. Columns: the state after (``after``), plus :data:`GONE` for customers
        only in the earlier one. Every customer of either snapshot is counted exactly once; a
        blank state counts as ``"unknown"``. The all-zero ``NEW`` row or ``GONE`` column is
        kept, so matrices of different dates line up.

    Raises
    ------
    C360DataError
        A missing column, or a customer twice in one snapshot.

    Examples
    --------
    >>> q3 = pd.DataFrame({"customer_id": ["A", "B", "C", "D"],
    ...                    "band": ["hot", "hot", "warm", "cold"]})
    >>> q4 = pd.DataFrame({"customer_id": ["A", "B", "C", "E"],
    ...                    "band": ["hot", "cold", "hot", "warm"]})
    >>> migration_matrix(q3, q4, order=["hot", "warm", "cold"])
    after   hot  warm  cold  (gone)
    before
    hot       1     0     1       0
    warm      1     0     0       0
    cold      0     0     0       1
    (new)     0     1     0       0

    Source: 001 §4.7 ("hàng quý cập nhật phân khúc": which customers changed segment).
    """
    for name, snap in (("before", before), ("after", after)):
        _need(snap, (key, column), f"{name} snapshot", "load_snapshot(...)")
        dup = snap[key].duplicated(keep=False)
        if dup.any():
            raise C360DataError(f"{name} snapshot", [_bad_rows(
                snap, dup, key, "has the same customer twice", "pass one snapshot: one row "
                "per customer")])
    b = pd.Series(_states(before[column]).to_numpy(), index=before[key].to_numpy())
    a = pd.Series(_states(after[column]).to_numpy(), index=after[key].to_numpy())
    states = _order(b, a, order, (before[column], after[column]))
    ids = b.index.union(a.index, sort=False)
    pairs = pd.DataFrame({"before": b.reindex(ids).fillna(NEW).to_numpy(),
                          "after": a.reindex(ids).fillna(GONE).to_numpy()})
    counts = pd.crosstab(pd.Categorical(pairs["before"], categories=states + [NEW]),
                         pd.Categorical(pairs["after"], categories=states + [GONE]),
                         dropna=False)
    counts = pd.DataFrame(counts.to_numpy(dtype="int64"),
                          index=pd.Index(states + [NEW], name="before"),
                          columns=pd.Index(states + [GONE], name="after"))
    if normalize:
        total = counts.sum(axis=1)
        return counts.div(total.where(total > 0), axis=0).fillna(0.0)
    return counts


# -- change signals -------------------------------------------------------------------------------

#: The texts whose barriers make the barrier mix: why a deal was lost (001 §4.6) and what a
#: customer complains about in a survey; chat messages are mostly questions (see inbox_question).
BARRIER_TEXTS = ("deals", "surveys")
#: When each tagged text was written: table -> (id column, date column).
TEXT_TIMES = {"deals": ("deal_id", "closed_date"), "surveys": ("response_id", "submitted_at"),
              "inbox_messages": ("message_id", "sent_at")}
#: The text column behind each table of BARRIER_TEXTS (as insight.TEXT_COLUMNS names it).
_TEXT_COLUMNS = (("deals", "lost_reason", "deal_id"), ("surveys", "comment", "response_id"))
_SIGNAL_COLUMNS = ("signal", "group", "value", "baseline", "effect", "threshold", "p_value",
                   "n", "n_baseline", "enough_data", "fired")


def _normal_sf(z: np.ndarray) -> np.ndarray:
    """P(Z > z) of a standard normal variable."""
    return np.array([0.5 * math.erfc(v / math.sqrt(2)) if np.isfinite(v) else float(v < 0)
                     for v in np.atleast_1d(np.asarray(z, dtype="float64"))])


def _cohens_h(p1, p0) -> np.ndarray:
    """Cohen's h: the difference of two proportions on the arcsine scale."""
    p1, p0 = np.asarray(p1, dtype="float64"), np.asarray(p0, dtype="float64")
    return 2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p0))


def _two_proportions(k1, n1, k0, n0, *, two_sided: bool) -> np.ndarray:
    """p-value of the pooled two-proportion z test (one-sided: the share rose)."""
    k1, n1, k0, n0 = (np.asarray(x, dtype="float64") for x in (k1, n1, k0, n0))
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p0 = k1 / n1, k0 / n0
        pool = (k1 + k0) / (n1 + n0)
        se = np.sqrt(pool * (1 - pool) * (1 / n1 + 1 / n0))
        z = np.where(se > 0, (p1 - p0) / se, 0.0)
    p = _normal_sf(np.abs(z)) * 2 if two_sided else _normal_sf(z)
    return np.where((n1 > 0) & (n0 > 0), np.minimum(p, 1.0), np.nan)


def _mann_whitney_greater(x: np.ndarray, y: np.ndarray) -> float:
    """One-sided p-value that ``x`` tends to be larger than ``y`` (normal approximation with
    tie and continuity corrections)."""
    n1, n0 = len(x), len(y)
    if n1 == 0 or n0 == 0:
        return float("nan")
    both = np.concatenate([x, y]).astype("float64")
    ranks = pd.Series(both).rank().to_numpy()
    u = ranks[:n1].sum() - n1 * (n1 + 1) / 2
    _, ties = np.unique(both, return_counts=True)
    n = n1 + n0
    var = n1 * n0 / 12 * ((n + 1) - (ties ** 3 - ties).sum() / (n * (n - 1)))
    if var <= 0:
        return 1.0
    return float(_normal_sf((u - n1 * n0 / 2 - 0.5) / math.sqrt(var))[0])


def _in(times: pd.Series, window) -> np.ndarray:
    return ((times >= window[0]) & (times < window[1])).fillna(False).to_numpy(dtype=bool)


def _share_rows(signal: str, labels: pd.Series, current: np.ndarray, base: np.ndarray,
                n1: int, n0: int, *, two_sided: bool, min_effect: float, min_count: int,
                groups=None) -> pd.DataFrame:
    """One row per label: its share of the ``n1`` (``n0``) records of the period (baseline)."""
    labels = labels.astype("str")
    groups = sorted(set(labels[current | base])) if groups is None else list(groups)
    k1 = labels[current].value_counts().reindex(groups, fill_value=0).to_numpy(dtype="float64")
    k0 = labels[base].value_counts().reindex(groups, fill_value=0).to_numpy(dtype="float64")
    return _proportions(signal, groups, k1, n1, k0, n0, two_sided=two_sided,
                        min_effect=min_effect, min_count=min_count)


def _proportions(signal, groups, k1, n1, k0, n0, *, two_sided, min_effect, min_count):
    """Rows comparing shares k1/n1 (period) with k0/n0 (baseline)."""
    k1, k0 = np.asarray(k1, dtype="float64"), np.asarray(k0, dtype="float64")
    n1, n0 = np.broadcast_to(n1, k1.shape).astype("float64"), \
        np.broadcast_to(n0, k0.shape).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        value, baseline = k1 / n1, k0 / n0
        pool = (k1 + k0) / (n1 + n0)
    effect = _cohens_h(value, baseline)
    expected = np.minimum(pool, 1 - pool) * np.minimum(n1, n0)
    enough = (n1 >= min_count) & (n0 >= min_count) & (expected >= MIN_EXPECTED)
    return pd.DataFrame({
        "signal": signal, "group": list(groups), "value": value, "baseline": baseline,
        "effect": effect, "threshold": min_effect,
        "p_value": _two_proportions(k1, n1, k0, n0, two_sided=two_sided),
        "n": n1.astype("int64"), "n_baseline": n0.astype("int64"), "enough_data": enough,
        "_big": (np.abs(effect) if two_sided else effect) >= min_effect})


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment of a family of p-values (NaN stays NaN).

    >>> _holm(np.array([0.01, 0.04, 0.03])).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p, dtype="float64")
    out = np.full(len(p), np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    m = len(order)
    adjusted = np.maximum.accumulate(p[order] * (m - np.arange(m)))
    out[order] = np.minimum(adjusted, 1.0)
    return out


def _windows(start, end, baseline_start, baseline_end):
    start, end = _day(start, "start"), _day(end, "end")
    if end <= start:
        raise ValueError(f"end ({end.date()}) must be after start ({start.date()})")
    baseline_end = start if baseline_end is None else _day(baseline_end, "baseline_end")
    baseline_start = (baseline_end - BASELINE_PERIODS * (end - start) if baseline_start is None
                      else _day(baseline_start, "baseline_start"))
    if baseline_end <= baseline_start:
        raise ValueError("the baseline must end after it starts")
    return (start, end), (baseline_start, baseline_end)


def change_signals(clean: dict, *, start, end, baseline_start=None, baseline_end=None,
                   texts: pd.DataFrame | None = None,
                   min_share_effect: float = MIN_SHARE_EFFECT,
                   min_time_change: float = MIN_TIME_CHANGE, alpha: float = ALPHA,
                   min_count: int = MIN_COUNT) -> pd.DataFrame:
    """The change signals of a period against its baseline, each with its threshold and verdict.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model: ``customers``, ``deals``, ``shop_orders``, and the texts' tables.
    start, end : date
        The period ``[start, end)``, e.g. a quarter (:func:`quarter`).
    baseline_start, baseline_end : date, optional
        The baseline ``[baseline_start, baseline_end)``; by default :data:`BASELINE_PERIODS`
        windows of the period's length that end where the period starts (the three quarters
        before a quarter). Pass ``baseline_start=start - (end - start)`` for the window just
        before.
    texts : DataFrame, optional
        ``insight.tag_texts(clean)``, when already computed (it is computed otherwise).
    min_share_effect : float
        :data:`MIN_SHARE_EFFECT`, the Cohen's h a share must move by.
    min_time_change : float
        :data:`MIN_TIME_CHANGE`, the relative rise of a median decision time.
    alpha : float
        :data:`ALPHA`, the significance level of the guard tests, for the whole table: the
        p-values are adjusted with Holm's method over every tested row, so ``alpha`` is the
        chance that noise fires any signal of the table.
    min_count : int
        :data:`MIN_COUNT`, the fewest records (deals, orders, texts) in each window.

    Returns
    -------
    DataFrame
        One row per signal and group (see :data:`SIGNALS`): ``signal``, ``group`` (segment,
        pipeline step, barrier, channel or question), ``value`` (in the period) and
        ``baseline`` (median days, or a share), ``effect`` (relative change of the median, or
        Cohen's h of the shares), ``threshold`` (the effect it needs), ``p_value`` of the
        guard test (Holm-adjusted over the table's tested rows), ``n`` and ``n_baseline`` (records behind the value in each window),
        ``enough_data`` (both at least ``min_count``; for a share also :data:`MIN_EXPECTED`
        expected records on each side of it) and ``fired``: enough data, an effect
        at least the threshold (in the signal's direction) and ``p_value < alpha``.

    Examples
    --------
    >>> days = pd.to_datetime(["2025-07-10"] * 30 + ["2025-10-10"] * 30)
    >>> clean = {"customers": pd.DataFrame({"customer_id": ["C1"], "segment": ["cafe"]}),
    ...     "deals": pd.DataFrame({"customer_id": "C1", "stage": "won",
    ...         "inquiry_date": days - pd.to_timedelta([30] * 30 + [45] * 30, unit="D"),
    ...         "consultation_date": days, "quote_date": days, "negotiation_date": days,
    ...         "closed_date": days}),
    ...     "shop_orders": pd.DataFrame({"customer_id": "C1", "order_time": days,
    ...         "status": "completed", "channel": ["website"] * 40 + ["tiktok_shop"] * 20})}
    >>> s = change_signals(clean, start="2025-10-01", end="2026-01-01", texts=pd.DataFrame())
    >>> s[s["fired"]][["signal", "group", "value", "baseline", "effect"]].round(2)
              signal        group  value  baseline  effect
    0  decision_time          all  45.00      30.0    0.50
    1  decision_time         cafe  45.00      30.0    0.50
    6  channel_share  tiktok_shop   0.67       0.0    1.91
    7  channel_share      website   0.33       1.0   -1.91

    Source: 001 §4.7 (câu hỏi lặp lại trong inbox/call, tỷ lệ rơi phễu tăng ở một bước, thời
    gian ra quyết định kéo dài; đối thủ giảm giá, xu hướng mua chuyển kênh).
    """
    from . import journey  # the pipeline's stages (step 3)

    period, base = _windows(start, end, baseline_start, baseline_end)
    _check("deals", clean["deals"], ("customer_id", "inquiry_date", "closed_date"))
    _check("shop_orders", clean["shop_orders"], ("customer_id", "order_time", "status",
                                                 "channel"))
    shares = dict(min_effect=min_share_effect, min_count=min_count)
    rows = []

    # decision time: days from inquiry to close of the deals closed in each window
    deals = clean["deals"]
    seg = clean["customers"].set_index("customer_id")["segment"]
    closed = deals[deals["closed_date"].notna()]
    days = (closed["closed_date"] - closed["inquiry_date"]).dt.days.to_numpy(dtype="float64")
    segment = _states(closed["customer_id"].map(seg))
    cur, old = _in(closed["closed_date"], period), _in(closed["closed_date"], base)
    for group in ["all", *sorted(set(segment[cur | old]))]:
        mine = np.ones(len(closed), bool) if group == "all" else (segment == group).to_numpy()
        x, y = days[cur & mine], days[old & mine]
        value = float(np.median(x)) if len(x) else np.nan
        baseline = float(np.median(y)) if len(y) else np.nan
        effect = value / baseline - 1 if baseline and np.isfinite(baseline) else np.nan
        rows.append(pd.DataFrame({
            "signal": "decision_time", "group": [group], "value": value, "baseline": baseline,
            "effect": effect, "threshold": min_time_change,
            "p_value": _mann_whitney_greater(x, y), "n": len(x), "n_baseline": len(y),
            "enough_data": len(x) >= min_count and len(y) >= min_count,
            "_big": bool(effect >= min_time_change)}))

    # funnel drop: of the closed deals that reached a step, the share that stopped there
    steps = journey.PIPELINE_STAGES
    reached = []
    for mask in (cur, old):
        f = journey.pipeline_funnel(closed[mask], stages=steps) if mask.any() else None
        reached.append(np.zeros(len(steps)) if f is None else
                       f.set_index("stage")["reached"].reindex(list(steps)).to_numpy(float))
    (r1, r0), names = reached, [f"{a} → {b}" for a, b in zip(steps[:-1], steps[1:])]
    rows.append(_proportions("funnel_drop", names, r1[:-1] - r1[1:], r1[:-1],
                             r0[:-1] - r0[1:], r0[:-1], two_sided=False, **shares))

    # barriers named in lost-deal reasons and survey comments, per text
    if texts is None:
        from . import insight  # step 4: the tags

        texts = insight.tag_texts(clean)
    has_texts = len(texts) > 0
    if has_texts:
        when = _text_times(clean, texts)
        named = texts[(texts["group"] == "barrier") & texts["table"].isin(BARRIER_TEXTS)]
        named = named.drop_duplicates(["table", "record_id", "tag"])
        n1, n0 = (sum(_texts_in(clean, table, w) for table in BARRIER_TEXTS)
                  for w in (period, base))
        rows.append(_share_rows("barrier_share", named["tag"], _in(when[named.index], period),
                                _in(when[named.index], base), n1, n0, two_sided=True,
                                **shares))

    # channel mix of the orders placed in each window
    orders = clean["shop_orders"]
    cur, old = _in(orders["order_time"], period), _in(orders["order_time"], base)
    rows.append(_share_rows("channel_share", orders["channel"], cur, old, int(cur.sum()),
                            int(old.sum()), two_sided=True, **shares))

    # questions asked in the inbox: share of the window's messages asking each
    if has_texts and "inbox_messages" in clean:
        asked = texts[(texts["group"] == "question") & (texts["table"] == "inbox_messages")]
        asked = asked.drop_duplicates(["record_id", "tag"])
        sent = clean["inbox_messages"]["sent_at"]
        rows.append(_share_rows("inbox_question", asked["tag"], _in(when[asked.index], period),
                                _in(when[asked.index], base), int(_in(sent, period).sum()),
                                int(_in(sent, base).sum()), two_sided=False, **shares))

    out = pd.concat(rows, ignore_index=True)
    # Holm's adjustment over every test of the table: alpha is the chance of *any* false alarm
    tested = out["enough_data"].to_numpy(dtype=bool)
    adjusted = out["p_value"].to_numpy(dtype="float64").copy()
    adjusted[tested] = _holm(adjusted[tested])
    out["p_value"] = adjusted
    out["fired"] = out["enough_data"] & out["_big"] & (out["p_value"] < alpha)
    out = out[list(_SIGNAL_COLUMNS)]
    return out.astype({"group": "str", "n": "int64", "n_baseline": "int64",
                       "enough_data": "bool", "fired": "bool"})


def _texts_in(clean: dict, table: str, window) -> int:
    """How many non-blank texts of a tagged table were written in the window."""
    if table not in clean:
        return 0
    column = next(c for t, c, _ in _TEXT_COLUMNS if t == table)
    df = clean[table]
    written = df[column].notna() & (df[column].astype("str").str.strip() != "")
    return int((written.to_numpy(dtype=bool) & _in(df[TEXT_TIMES[table][1]], window)).sum())


def _text_times(clean: dict, texts: pd.DataFrame) -> pd.Series:
    """When each tagged text was written (NaT for tables without a date)."""
    when = pd.Series(pd.NaT, index=texts.index, dtype="datetime64[us]")
    for table, (id_column, date_column) in TEXT_TIMES.items():
        mine = texts["table"] == table
        if mine.any() and table in clean:
            dates = clean[table].set_index(id_column)[date_column]
            when[mine] = texts.loc[mine, "record_id"].map(dates).astype("datetime64[us]")
    return when
