"""Exercises of notebook 07 — Step 7: keep the Customer 360 alive.

The notebook names the clean model ``clean`` (``datasets.load_clean()``), the tagged texts
``texts`` (``insight.tag_texts(clean)``), the quarter's change signals ``signals`` and the
snapshots ``snaps`` (cut-off → profile with its ``lifecycle``); the solutions use those names and
the modules ``refresh`` and ``profile``. Every expected answer is computed from the sample data
when the check runs, so it holds for any seed.

Source: 001 §4.7 (cadence, change signals, the profile as a living asset), 004 (PDCA).
"""

from __future__ import annotations

import functools

import pandas as pd

from .. import datasets, insight, profile, refresh
from . import AS_PERCENTAGE, Exercise

__all__ = ["q1", "q2", "q3", "q4"]

Q3, Q4, END = pd.Timestamp("2025-07-01"), pd.Timestamp("2025-10-01"), pd.Timestamp("2026-01-01")


def _clean() -> dict[str, pd.DataFrame]:
    return datasets.load_clean()


@functools.cache
def _texts(stamp) -> pd.DataFrame:
    return insight.tag_texts(_clean())


def _signals(start, end, **thresholds) -> pd.DataFrame:
    clean = _clean()
    return refresh.change_signals(clean, start=start, end=end,
                                  texts=_texts(id(clean)), **thresholds)


def _channel_risen() -> str:
    s = _signals(Q4, END)
    rose = s[(s["signal"] == "channel_share") & s["fired"] & (s["effect"] > 0)]
    return str(rose.sort_values("effect", ascending=False, kind="stable")["group"].iloc[0])


q1 = Exercise(
    "q1",
    """In the change signals of 2025-Q4, which sales channel's share of orders rose enough to
    fire? Answer with its code, as in the signals' group column.""",
    expected=_channel_risen,
    solution="""
        rose = signals[(signals["signal"] == "channel_share") & signals["fired"]
                       & (signals["effect"] > 0)]
        answer = rose["group"].iloc[0]
    """,
    hints=["Keep the rows of signals whose signal is 'channel_share' and that fired.",
           "A rising share has a positive effect; a falling one a negative effect."],
    kind="text",
    mistakes=[(lambda a, e: isinstance(a, str) and a.strip().lower() in ("shopee", "website",
                                                                          "facebook"),
               "that channel fired too, but its share fell (negative effect)")],
    explanation="Buyers moved channel: the source's 'xu hướng hành vi mua chuyển kênh'.",
)


def _loyal_to_at_risk(normalize: bool = False):
    clean = _clean()
    a, b = (refresh.lifecycle(profile.build_profile(clean, as_of=d)) for d in (Q4, END))
    m = refresh.migration_matrix(a, b, column="lifecycle", normalize=normalize)
    return m.loc["loyal", "at_risk"]


def _swapped() -> int:
    clean = _clean()
    a, b = (refresh.lifecycle(profile.build_profile(clean, as_of=d)) for d in (Q4, END))
    return int(refresh.migration_matrix(a, b, column="lifecycle").loc["at_risk", "loyal"])


q2 = Exercise(
    "q2",
    """Between the snapshots of 2025-10-01 and 2026-01-01, how many customers moved from
    loyal to at risk? Use refresh.migration_matrix on the lifecycle column of snaps.""",
    expected=lambda: int(_loyal_to_at_risk()),
    solution="""
        matrix = refresh.migration_matrix(snaps[pd.Timestamp("2025-10-01")],
                                          snaps[pd.Timestamp("2026-01-01")], column="lifecycle")
        answer = matrix.loc["loyal", "at_risk"]
    """,
    hints=["The matrix's rows are the state before, its columns the state after.",
           "Read the cell in row 'loyal' and column 'at_risk' of the counts (not the shares)."],
    kind="number",
    mistakes=[(lambda a, e: 0 < a < 1, "that is a share; the question asks how many "
                                       "customers (normalize=False)"),
              (lambda a, e: a == _swapped(), "that is row at_risk, column loyal: customers "
                                             "who came back; the rows are the state before")],
    explanation="Each of them is a call to make before they are lost.",
)


def _cafe_rise() -> float:
    s = _signals(Q4, END).set_index(["signal", "group"])
    return float(s.loc[("decision_time", "cafe"), "effect"])


def _cafe_ratio() -> float:
    s = _signals(Q4, END).set_index(["signal", "group"])
    return float(s.loc[("decision_time", "cafe"), "value"]
                 / s.loc[("decision_time", "cafe"), "baseline"])


q3 = Exercise(
    "q3",
    """By what share did the median decision time of cafés rise in 2025-Q4 against its
    baseline? Answer with a share (0.25 for a quarter longer).""",
    expected=_cafe_rise,
    solution="""
        cafe = signals[(signals["signal"] == "decision_time") & (signals["group"] == "cafe")]
        answer = cafe["value"].iloc[0] / cafe["baseline"].iloc[0] - 1
    """,
    hints=["The row of signals with signal 'decision_time' and group 'cafe' holds the median "
           "days of the quarter (value) and of the baseline.",
           "A rise as a share is value / baseline - 1 (the row's effect column)."],
    kind="number", rtol=0.01, atol=0.005,
    mistakes=[AS_PERCENTAGE,
              (lambda a, e: abs(a - _cafe_ratio()) < 0.01,
               "that is the ratio of the two medians; subtract 1 to get the rise")],
    explanation="The planted slowdown: cafés decide more slowly, so follow-ups must last longer.",
)


def _rows_last_month() -> int:
    return refresh.rows_in_window(_clean(), since=pd.Timestamp("2025-12-01"), until=END)


q4 = Exercise(
    "q4",
    """The weekly or monthly refresh reads only the new records. How many records of the clean
    model does the refresh from the 2025-12-01 snapshot to 2026-01-01 read? Use
    refresh.rows_in_window.""",
    expected=_rows_last_month,
    solution="""
        answer = refresh.rows_in_window(clean, since="2025-12-01", until="2026-01-01")
    """,
    hints=["rows_in_window(clean, since=..., until=...) counts the records dated in the window.",
           "since is the last snapshot's cut-off, until the new one."],
    kind="number",
    mistakes=[(lambda a, e: a == refresh.rows_in_window(_clean(), until=END),
               "that counts every record before 2026-01-01: a full rebuild, not the refresh")],
    explanation="A month is a small slice of two years: that is why the refresh is fast.",
)
