"""Notebook 07: its exercises, its explorer, and the sentences it writes about the data."""

import pandas as pd
import pytest

from c360lab import datasets, insight, profile, refresh, widgets
from c360lab.exercises import exercises_of
from c360lab.exercises import nb07 as ex

from conftest import assert_solution_passes, differing

NAMES = ["q1", "q2", "q3", "q4"]
Q3_END, Q4_END = pd.Timestamp("2025-10-01"), pd.Timestamp("2026-01-01")


@pytest.fixture(scope="module")
def clean():
    return datasets.load_clean()


@pytest.fixture(scope="module")
def snaps(clean):
    days = [pd.Timestamp(d) for d in ("2025-04-01", "2025-07-01", "2025-10-01", "2026-01-01")]
    return {d: refresh.lifecycle(profile.build_profile(clean, as_of=d)) for d in days}


@pytest.fixture(scope="module")
def namespace(clean, snaps):
    """What the notebook has defined when its exercise cells run."""
    texts = insight.tag_texts(clean)
    signals = refresh.change_signals(clean, start="2025-10-01", end="2026-01-01", texts=texts)
    return {"clean": clean, "texts": texts, "signals": signals, "snaps": snaps,
            "refresh": refresh, "profile": profile, "ex": ex, "pd": pd}


# -- exercises ---------------------------------------------------------------------------------

def test_the_notebook_has_four_exercises():
    assert [q.name for q in exercises_of(ex)] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_its_own_check(name, namespace, capsys):
    assert_solution_passes(getattr(ex, name), namespace, capsys)


def test_q1_a_falling_channel_is_a_typical_mistake(namespace, capsys):
    s = namespace["signals"]
    fell = s[(s["signal"] == "channel_share") & s["fired"] & (s["effect"] < 0)]["group"]
    assert len(fell) >= 1
    ex.q1.check(fell.iloc[0])
    assert "its share fell" in capsys.readouterr().out
    ex.q1.assert_check_passed(ex.q1.expected().upper())
    ex.q1.assert_check_failed("zalo")


def test_q2_share_and_swapped_cell_fail(snaps, capsys):
    m = refresh.migration_matrix(snaps[Q3_END], snaps[Q4_END], column="lifecycle")
    shares = refresh.migration_matrix(snaps[Q3_END], snaps[Q4_END], column="lifecycle",
                                      normalize=True)
    expected = ex.q2.expected()
    assert expected == m.loc["loyal", "at_risk"]
    for wrong in differing([m.loc["at_risk", "loyal"], m.loc["loyal", "loyal"],
                            m.loc["loyal"].sum()], expected):
        ex.q2.assert_check_failed(wrong)
    ex.q2.check(shares.loc["loyal", "at_risk"])
    assert "that is a share" in capsys.readouterr().out
    ex.q2.check(m.loc["at_risk", "loyal"])
    assert "came back" in capsys.readouterr().out


def test_q3_ratio_and_percent_fail_with_their_message(namespace, capsys):
    s = namespace["signals"].set_index(["signal", "group"]).loc[("decision_time", "cafe")]
    expected = ex.q3.expected()
    assert expected == pytest.approx(s["value"] / s["baseline"] - 1)
    ex.q3.check(s["value"] / s["baseline"])
    assert "subtract 1" in capsys.readouterr().out
    ex.q3.check(100 * expected)
    assert "percentage" in capsys.readouterr().out
    for wrong in differing([s["value"] - s["baseline"], s["baseline"] / s["value"] - 1,
                            0.4], expected, rtol=0.02):
        ex.q3.assert_check_failed(wrong)


def test_q4_counting_every_record_is_a_typical_mistake(clean, capsys):
    everything = refresh.rows_in_window(clean, until=Q4_END)
    ex.q4.check(everything)
    assert "full rebuild" in capsys.readouterr().out
    month = len(clean["shop_orders"][clean["shop_orders"]["order_time"] >= "2025-12-01"])
    for wrong in differing([everything, month], ex.q4.expected()):
        ex.q4.assert_check_failed(wrong)


# -- the explorer ------------------------------------------------------------------------------

def test_migration_explorer_shows_the_chosen_pair_and_state(snaps):
    w = widgets.explore_migration(snaps, before=Q3_END, after=Q4_END)
    assert repr(w).startswith("Migration explorer: lifecycle from 2025-10-01 to 2026-01-01")
    assert "lifecycle: 2025-10-01 → 2026-01-01" in w.text
    loyal_to_risk = refresh.migration_matrix(snaps[Q3_END], snaps[Q4_END],
                                             column="lifecycle").loc["loyal", "at_risk"]
    row = next(line for line in w.text.splitlines() if line.strip().startswith("loyal"))
    assert f"{loyal_to_risk:,} (" in row
    w.control.state.value = "band"
    assert "lead band: 2025-10-01 → 2026-01-01" in w.text
    w.control.before.value = pd.Timestamp("2025-04-01")
    assert "2025-04-01 → 2026-01-01" in w.text


# -- the notebook's sentences ------------------------------------------------------------------

COMPETITOR_WORDS = ("bên kia", "ben kia", "bên khác", "ben khac", "rẻ hơn", "re hon",
                    "giảm giá", "giam gia")


def _statements(clean):
    """Each sentence notebook 07 writes about the data (its markdown has no numbers), checked."""
    texts = insight.tag_texts(clean)
    days = [pd.Timestamp(d) for d in ("2025-04-01", "2025-07-01", "2025-10-01", "2026-01-01")]
    built = {d: profile.build_profile(clean, as_of=d) for d in days}
    snaps = {d: refresh.lifecycle(built[d]) for d in days}
    slide = [refresh.migration_matrix(snaps[a], snaps[b], column="lifecycle",
                                      normalize=True).loc["loyal", "at_risk"]
             for a, b in zip(days[:-1], days[1:])]
    start, end = refresh.quarter("2025Q4")
    s = refresh.change_signals(clean, start=start, end=end, texts=texts)
    fired = s[s["fired"]]
    channels = fired[fired["signal"] == "channel_share"]
    barrier = fired.loc[fired["signal"] == "barrier_share", "group"]
    deals = clean["deals"].set_index("deal_id")
    q4_lost = deals[(deals["closed_date"] >= start) & (deals["closed_date"] < end)].index
    said = texts[(texts["table"] == "deals") & texts["record_id"].isin(q4_lost)
                 & texts["tag"].isin(barrier)]
    shown = deals.loc[said["record_id"].drop_duplicates(), "lost_reason"].drop_duplicates() \
        .sort_index().head(8)
    competitor = shown.str.lower().apply(lambda t: any(w in t for w in COMPETITOR_WORDS))
    quiet = {}
    for label in ["2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3"]:
        q_start, q_end = refresh.quarter(label)
        quiet[label] = refresh.change_signals(clean, start=q_start, end=q_end, texts=texts)
    return {
        "The profile's lifecycle column gives each customer a state (refresh.lifecycle recomputes "
        "it)": all(built[d]["lifecycle"].equals(snaps[d]["lifecycle"]) for d in days),
        "The last quarter stands out: a clearly larger share of the loyal customers went quiet":
            slide[2] >= max(slide[:2]) + 0.08,
        "Decision time: one segment's deals now take much longer (cafés)":
            set(fired.loc[fired["signal"] == "decision_time", "group"]) == {"cafe"},
        "Barrier mix: one barrier is named far more often (price)":
            barrier.tolist() == ["price"] and (fired.loc[barrier.index, "effect"] > 0).all(),
        "Channel mix: one channel's share jumped (TikTok Shop) while others lost share":
            channels.loc[channels["effect"] > 0, "group"].tolist() == ["tiktok_shop"]
            and (channels["effect"] < 0).any(),
        "Nothing else fired":
            set(fired["signal"]) == {"decision_time", "barrier_share", "channel_share"},
        "Several of the reasons shown mention another shop selling cheaper":
            competitor.sum() >= 2,
        "The quiet quarters stay quiet; only 2025-Q4 lights up":
            not any(q["fired"].any() for q in quiet.values()) and len(fired) > 0,
    }


def test_the_notebooks_statements_hold_on_the_shipped_data(clean):
    wrong = [text for text, holds in _statements(clean).items() if not holds]
    assert not wrong, f"notebook 07 says things the data no longer shows: {wrong}"


def test_the_notebooks_statements_hold_on_every_seed(world):
    wrong = [text for text, holds in _statements(world.clean).items() if not holds]
    assert not wrong, f"notebook 07 says things this seed does not show: {wrong}"
