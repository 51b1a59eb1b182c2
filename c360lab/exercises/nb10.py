"""Exercises of notebook 10 — Capstone: your own data.

The notebook names the typed tables it read ``tables`` (``ingest.tables``), the pipeline's
results on all of them ``results`` (``pipeline.run(ingest)``) and on the orders and their lines
only ``orders_only``; the solutions use those names and the module ``pipeline``. Every expected
answer is computed from the course's sample when the check runs (run the notebook on the sample
to check your answers).

Source: 001 §4 (the seven steps); CURRICULUM §10 (teams adapting the course to their own data).
"""

from __future__ import annotations

import functools

from .. import datasets, pipeline
from . import AS_PERCENTAGE, Exercise

__all__ = ["q1", "q2", "q3"]

ORDERS = ("shop_orders", "order_lines")


def _raw():
    return datasets.load_raw()


@functools.lru_cache(maxsize=2)
def _run(names: tuple[str, ...] | None, stamp: tuple) -> pipeline.Results:
    raw = _raw()
    return pipeline.run(raw if names is None else {n: raw[n] for n in names})


def _stamp() -> tuple:
    """Changes when the sample's files change (so a cached run is never stale)."""
    folder = datasets.sample_dir() / datasets.RAW_DIR
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                 for p in sorted(folder.glob("*.csv")))


def _orders_only() -> pipeline.Results:
    return _run(ORDERS, _stamp())


def _full() -> pipeline.Results:
    return _run(None, _stamp())


def _unlocked(tables: dict) -> int:
    return sum(not pipeline.requirements(a, tables) for a in pipeline.ANALYSES)


def _gains() -> dict[str, int]:
    raw = _raw()
    base = {n: raw[n] for n in ORDERS}
    return {n: _unlocked({**base, n: raw[n]}) - _unlocked(base) for n in raw if n not in base}


q1 = Exercise(
    "q1",
    """With only the orders and their lines (``orders_only``), how many of the pipeline's
    analyses ran?""",
    expected=lambda: int(_orders_only().analyses["ran"].sum()),
    solution="""
        answer = int(orders_only.analyses["ran"].sum())
    """,
    hints=[
        "orders_only.analyses has one row per analysis and a column 'ran' (True or False).",
        "Add up the True values of 'ran'.",
    ],
    kind="number",
    rtol=0.0,
    mistakes=[
        (lambda a, e: a == len(pipeline.ANALYSES), "that is every analysis; count only those "
                                                   "whose 'ran' is True"),
        (lambda a, e: a == len(pipeline.ANALYSES) - e, "that counts the analyses that did "
                                                       "not run"),
    ],
    explanation="Identity, step 1 with its margin, cohort retention, CLV and the retention "
                "KPIs: orders alone already say who is worth keeping.",
)


def _hot_share() -> float:
    bands = _full().outputs["profile"]["band"]
    return float((bands == "hot").mean())


q2 = Exercise(
    "q2",
    """In the full run (``results``), what share of the profiled customers are in the
    lead-score band "hot"? Answer as a share (e.g. 0.12).""",
    expected=_hot_share,
    solution="""
        bands = results.outputs["profile"]["band"]
        answer = (bands == "hot").mean()
    """,
    hints=[
        "The profile is results.outputs[\"profile\"]; its column 'band' holds hot, warm or cold.",
        "The share is the number of hot rows divided by all rows: (bands == \"hot\").mean().",
    ],
    kind="number",
    rtol=0.01,
    mistakes=[
        AS_PERCENTAGE,
        (lambda a, e: abs(a - _hot_share() * len(_full().outputs["profile"])) < 0.5,
         "that is the number of hot customers; divide by the number of customers"),
    ],
    explanation="Hot leads are few: sales can call every one of them this week.",
)


def _best_table() -> str:
    gains = _gains()
    return max(sorted(gains), key=gains.get)


q3 = Exercise(
    "q3",
    """A team has only its orders and their lines. Which one more contract table (its name,
    e.g. "surveys") would unlock the most analyses? Use ``pipeline.requirements``.""",
    expected=_best_table,
    solution="""
        base = {n: tables[n] for n in ("shop_orders", "order_lines")}

        def unlocked(t):
            return sum(not pipeline.requirements(a, t) for a in pipeline.ANALYSES)

        gain = {n: unlocked({**base, n: tables[n]}) for n in tables if n not in base}
        answer = max(sorted(gain), key=gain.get)
    """,
    hints=[
        "pipeline.requirements(analysis, tables) returns [] when the analysis can run.",
        "For each other table, count the analyses that can run with the orders, the lines and "
        "that table; keep the table with the largest count.",
    ],
    kind="text",
    mistakes=[
        (lambda a, e: str(a).strip() == "marketing_spend",
         "ads spend alone unlocks nothing: its analyses also need the CRM's leads"),
        (lambda a, e: str(a).strip() in ("deals", "inbox_messages", "web_events", "surveys"),
         "that table unlocks some analyses, but another one unlocks more"),
    ],
    explanation="The CRM's contacts carry the lead source, the creation date and the customer "
                "type: the journey, the profile, the target check and the segments all start "
                "there.",
)
