"""Step 7: the DuckDB profile store, incremental refresh, migration matrix and change signals."""

import math

import duckdb
import numpy as np
import pandas as pd
import pytest

from c360lab import C360DataError, datasets, insight, profile, refresh

MONTHS = ["2025-10-01", "2025-11-01", "2025-12-01", "2026-01-01"]
CLEAN_QUARTERS = ["2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3"]


@pytest.fixture(scope="module")
def clean():
    return datasets.load_clean()


@pytest.fixture(scope="module")
def store(clean, tmp_path_factory):
    """A store refreshed monthly: full at the first cut-off, then incremental; the profiles."""
    path = tmp_path_factory.mktemp("store") / "c360.duckdb"
    returned = {day: refresh.refresh(clean, path, as_of=day) for day in MONTHS}
    return path, returned


# -- the store and the incremental refresh ---------------------------------------------------------

@pytest.mark.parametrize("day", MONTHS)
def test_incremental_refresh_equals_a_full_rebuild_column_by_column(store, clean, day):
    _, returned = store
    full = profile.build_profile(clean, as_of=pd.Timestamp(day))
    pd.testing.assert_frame_equal(returned[day], full)


def test_first_run_is_full_then_only_new_records_are_read(store):
    log = refresh.run_log(store[0])
    assert log["mode"].tolist() == ["full", "incremental", "incremental", "incremental"]
    assert log["as_of"].tolist() == [pd.Timestamp(d) for d in MONTHS]
    assert log["since"].iloc[1:].tolist() == [pd.Timestamp(d) for d in MONTHS[:-1]]
    assert log["since"].isna().iloc[0]
    # a month of new records is a small part of twenty-one months of history
    assert (log["rows_read"].iloc[1:] < log["rows_read"].iloc[0] / 5).all()
    assert (log["rows_read"] > 0).all() and (log["seconds"] >= 0).all()
    assert log["customers"].tolist() == [len(store[1][d]) for d in MONTHS]


def test_history_survives_closing_and_reopening_the_file(store, tmp_path):
    path, returned = store
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(path.read_bytes())  # a file nobody has open: only what was committed
    assert refresh.snapshot_dates(copy) == [pd.Timestamp(d) for d in MONTHS]
    for day in MONTHS:
        pd.testing.assert_frame_equal(refresh.load_snapshot(copy, day), returned[day])
    pd.testing.assert_frame_equal(refresh.load_snapshot(copy), returned[MONTHS[-1]])
    with duckdb.connect(str(copy), read_only=True) as con:
        counts = con.execute("SELECT as_of, count(*) FROM snapshots GROUP BY as_of "
                             "ORDER BY as_of").fetchall()
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    assert [n for _, n in counts] == [len(returned[d]) for d in MONTHS]
    assert {"snapshots", "facts", "runs"} <= tables


def test_history_of_one_customer_follows_the_snapshots(store):
    path, returned = store
    cid = returned[MONTHS[0]]["customer_id"].iloc[0]
    one = refresh.snapshot_history(path, customer_id=cid, columns=["band", "lead_score"])
    assert one.columns.tolist() == ["as_of", "customer_id", "band", "lead_score"]
    assert one["as_of"].tolist() == [pd.Timestamp(d) for d in MONTHS]
    expected = [returned[d].set_index("customer_id").loc[cid, "lead_score"] for d in MONTHS]
    assert one["lead_score"].tolist() == expected
    everyone = refresh.snapshot_history(path)
    assert len(everyone) == sum(len(p) for p in returned.values())


def test_stored_facts_are_the_facts_of_the_last_cut_off(store, clean):
    facts = refresh.load_facts(store[0])
    pd.testing.assert_frame_equal(facts, profile.profile_facts(clean, until=pd.Timestamp(
        MONTHS[-1])))


def test_refreshing_twice_at_the_same_date_is_idempotent(clean, tmp_path):
    path = tmp_path / "twice.duckdb"
    refresh.refresh(clean, path, as_of="2025-11-01")
    first = refresh.refresh(clean, path, as_of="2025-12-01")
    again = refresh.refresh(clean, path, as_of="2025-12-01")
    pd.testing.assert_frame_equal(first, again)
    assert refresh.snapshot_dates(path) == [pd.Timestamp("2025-11-01"),
                                            pd.Timestamp("2025-12-01")]
    assert len(refresh.snapshot_history(path)) == len(first) + len(
        refresh.load_snapshot(path, "2025-11-01"))
    pd.testing.assert_frame_equal(refresh.load_snapshot(path), first)
    assert len(refresh.run_log(path)) == 3  # the audit trail keeps every run


def test_a_cut_off_before_the_last_snapshot_is_a_clear_error(clean, tmp_path):
    path = tmp_path / "back.duckdb"
    refresh.refresh(clean, path, as_of="2025-12-01")
    for mode in ("auto", "full", "incremental"):
        with pytest.raises(C360DataError, match="before the last snapshot"):
            refresh.refresh(clean, path, as_of="2025-11-01", mode=mode)
    assert refresh.snapshot_dates(path) == [pd.Timestamp("2025-12-01")]
    assert len(refresh.run_log(path)) == 1


def test_incremental_needs_stored_facts_and_a_known_mode(clean, tmp_path):
    path = tmp_path / "empty.duckdb"
    with pytest.raises(C360DataError, match="no facts yet"):
        refresh.refresh(clean, path, as_of="2025-12-01", mode="incremental")
    with pytest.raises(ValueError, match="mode must be one of"):
        refresh.refresh(clean, path, as_of="2025-12-01", mode="weekly")
    with pytest.raises(ValueError, match="as_of must be a date"):
        refresh.refresh(clean, path, as_of="someday")
    with pytest.raises(FileNotFoundError, match="no profile store"):
        refresh.run_log(tmp_path / "missing.duckdb")


def test_a_full_refresh_after_incremental_ones_gives_the_same_profile(clean, tmp_path):
    path = tmp_path / "full.duckdb"
    refresh.refresh(clean, path, as_of="2025-11-01")
    inc = refresh.refresh(clean, path, as_of="2025-12-01", mode="incremental")
    full = refresh.refresh(clean, path, as_of="2025-12-01", mode="full")
    pd.testing.assert_frame_equal(inc, full)
    assert refresh.run_log(path)["mode"].tolist() == ["full", "incremental", "full"]


def test_re_resolved_customers_ask_for_a_full_refresh(clean, tmp_path):
    path = tmp_path / "ids.duckdb"
    refresh.refresh(clean, path, as_of="2025-11-01")
    renamed = dict(clean)
    first = clean["customers"]["customer_id"].iloc[0]
    renamed["customers"] = clean["customers"][clean["customers"]["customer_id"] != first]
    with pytest.raises(C360DataError, match="mode='full'"):
        refresh.refresh(renamed, path, as_of="2025-12-01")


def test_a_profile_with_other_columns_is_refused(clean, tmp_path, monkeypatch):
    path = tmp_path / "layout.duckdb"
    refresh.refresh(clean, path, as_of="2025-11-01")
    finish = profile.finish_profile
    monkeypatch.setattr(profile, "finish_profile",
                        lambda *a, **k: finish(*a, **k).drop(columns="band"))
    with pytest.raises(C360DataError, match="missing: \\['band'\\]"):
        refresh.refresh(clean, path, as_of="2025-12-01")
    assert refresh.snapshot_dates(path) == [pd.Timestamp("2025-11-01")]  # rolled back
    assert len(refresh.run_log(path)) == 1


def test_rows_in_window_counts_each_record_once(clean):
    t0, t = pd.Timestamp("2025-11-01"), pd.Timestamp("2025-12-01")
    o = clean["shop_orders"]
    month = o[(o["order_time"] >= t0) & (o["order_time"] < t)]
    web = clean["web_events"]["event_time"]
    only = {"shop_orders": o, "order_lines": clean["order_lines"],
            "web_events": clean["web_events"]}
    expected = (len(month) + clean["order_lines"]["order_id"].isin(month["order_id"]).sum()
                + ((web >= t0) & (web < t)).sum())
    assert refresh.rows_in_window(only, since=t0, until=t) == expected
    d = clean["deals"]
    any_date = np.zeros(len(d), bool)
    for c in refresh.RECORD_TIMES["deals"]:
        any_date |= ((d[c] >= t0) & (d[c] < t)).fillna(False).to_numpy(bool)
    assert refresh.rows_in_window({"deals": d}, since=t0, until=t) == any_date.sum()


# -- migration matrix --------------------------------------------------------------------------

def test_migration_matrix_by_hand_with_new_and_gone_customers():
    before = pd.DataFrame({"customer_id": ["A", "B", "C", "D", "E", "F"],
                           "band": ["hot", "hot", "warm", "cold", "cold", None]})
    after = pd.DataFrame({"customer_id": ["F", "E", "B", "A", "G", "H", "C"],
                          "band": ["cold", "cold", "warm", "hot", "hot", "warm", "hot"]})
    m = refresh.migration_matrix(before, after, order=["hot", "warm", "cold"])
    # A hot→hot, B hot→warm, C warm→hot, D cold→gone, E cold→cold, F unknown→cold, G H new
    expected = pd.DataFrame(
        [[1, 1, 0, 0, 0], [1, 0, 0, 0, 0], [0, 0, 1, 0, 1], [0, 0, 1, 0, 0], [1, 1, 0, 0, 0]],
        index=pd.Index(["hot", "warm", "cold", "unknown", "(new)"], name="before"),
        columns=pd.Index(["hot", "warm", "cold", "unknown", "(gone)"], name="after"))
    pd.testing.assert_frame_equal(m, expected)
    assert m.to_numpy().sum() == 8  # every customer of either snapshot exactly once
    shares = refresh.migration_matrix(before, after, order=["hot", "warm", "cold"],
                                      normalize=True)
    assert shares.loc["hot"].tolist() == [0.5, 0.5, 0.0, 0.0, 0.0]
    assert shares.loc["cold", "(gone)"] == 0.5 and shares.loc["(new)", "warm"] == 0.5
    assert shares.loc["unknown"].sum() == 1.0


def test_migration_matrix_orders_categories_and_refuses_duplicates():
    states = pd.CategoricalDtype(["lead", "loyal", "at_risk"], ordered=True)
    a = pd.DataFrame({"customer_id": ["A", "B"], "s": pd.Series(["loyal", "loyal"],
                                                                  dtype=states)})
    b = pd.DataFrame({"customer_id": ["A", "B"], "s": pd.Series(["at_risk", "loyal"],
                                                                  dtype=states)})
    m = refresh.migration_matrix(a, b, column="s")
    assert m.index.tolist() == ["lead", "loyal", "at_risk", "(new)"]
    assert m.loc["loyal", "at_risk"] == 1 and m.loc["loyal", "loyal"] == 1
    with pytest.raises(C360DataError, match="same customer twice"):
        refresh.migration_matrix(pd.concat([a, a]), b, column="s")
    with pytest.raises(C360DataError, match="'band'"):
        refresh.migration_matrix(a, b)


def test_lifecycle_states_by_hand():
    p = pd.DataFrame({
        "customer_id": list("ABCDEF"), "completed_orders": [0, 1, 2, 5, 5, 3],
        "first_order": pd.to_datetime([None, "2025-06-01", "2025-09-01", "2025-01-01",
                                       "2025-01-01", "2025-01-01"]),
        "last_order": pd.to_datetime([None, "2025-06-01", "2025-11-01", "2025-12-01",
                                      "2025-09-01", "2025-05-01"]),
        "recency_days": [np.nan, 214, 61, 31, 122, 245]})
    out = refresh.lifecycle(p)
    # B: one order 214 days ago: lost; C: 2 orders 61 days apart, silent 61 days: repeat;
    # D: 5 orders, usual gap 83.5 days, silent 31: loyal; E: gap 243/4, silent 122 > 121.5
    assert out["lifecycle"].tolist() == ["lead", "lost", "repeat", "loyal", "at_risk", "lost"]
    assert out["usual_gap_days"].tolist()[2:5] == [61.0, 83.5, 60.75]
    assert list(p.columns) == ["customer_id", "completed_orders", "first_order", "last_order",
                               "recency_days"]  # the input is not changed


# -- change signals: the statistics ----------------------------------------------------------

def test_mann_whitney_and_holm_by_hand():
    # x = 4, 5, 6 beats every y = 1, 2, 3: U = 9; mean 4.5, variance 3*3/12*7 = 5.25
    z = (9 - 4.5 - 0.5) / math.sqrt(5.25)
    p = refresh._mann_whitney_greater(np.array([4, 5, 6]), np.array([1, 2, 3]))
    assert p == pytest.approx(0.5 * math.erfc(z / math.sqrt(2)))
    assert refresh._holm(np.array([0.01, 0.04, 0.03, np.nan])).round(2).tolist()[:3] == \
        [0.03, 0.06, 0.06]


def _orders(rows):
    """Orders of one channel mix per window: rows = [(day, channel, count), ...]."""
    days, channels = [], []
    for day, channel, count in rows:
        days += [day] * count
        channels += [channel] * count
    return pd.DataFrame({"customer_id": "C1", "order_time": pd.to_datetime(days),
                         "status": "completed", "channel": channels})


def _model(orders):
    days = pd.to_datetime(["2025-09-01"])
    deals = pd.DataFrame({"customer_id": ["C1"], "stage": "won", "inquiry_date": days,
                          "consultation_date": days, "quote_date": days,
                          "negotiation_date": days, "closed_date": days})
    return {"customers": pd.DataFrame({"customer_id": ["C1"], "segment": ["cafe"]}),
            "deals": deals, "shop_orders": orders}


def _channel(signals, group):
    return signals.set_index(["signal", "group"]).loc[("channel_share", group)]


def test_a_big_significant_share_change_fires_and_noise_does_not():
    q = dict(start="2025-10-01", end="2026-01-01", texts=pd.DataFrame())
    # 30% → 45% of 200 orders each: h = 0.31, clearly significant
    big = _model(_orders([("2025-07-15", "tiktok_shop", 60), ("2025-07-15", "web", 140),
                          ("2025-11-15", "tiktok_shop", 90), ("2025-11-15", "web", 110)]))
    row = _channel(refresh.change_signals(big, baseline_start="2025-07-01", **q),
                   "tiktok_shop")
    assert row["value"] == 0.45 and row["baseline"] == 0.30 and row["fired"]
    # the same shares on 20 orders each: too few records to judge
    few = _model(_orders([("2025-07-15", "tiktok_shop", 6), ("2025-07-15", "web", 14),
                          ("2025-11-15", "tiktok_shop", 9), ("2025-11-15", "web", 11)]))
    row = _channel(refresh.change_signals(few, baseline_start="2025-07-01", **q),
                   "tiktok_shop")
    assert row["effect"] > refresh.MIN_SHARE_EFFECT and not row["enough_data"]
    assert not row["fired"]
    # 30% → 33% on 20,000 orders each: significant, but too small to matter (h < 0.2)
    tiny = _model(_orders([("2025-07-15", "tiktok_shop", 6000), ("2025-07-15", "web", 14000),
                           ("2025-11-15", "tiktok_shop", 6600),
                           ("2025-11-15", "web", 13400)]))
    row = _channel(refresh.change_signals(tiny, baseline_start="2025-07-01", **q),
                   "tiktok_shop")
    assert row["p_value"] < 1e-6 and abs(row["effect"]) < refresh.MIN_SHARE_EFFECT
    assert not row["fired"]
    # 30% → 40% of 60 orders each: big enough (h = 0.21), but noise could do it
    unsure = _model(_orders([("2025-07-15", "tiktok_shop", 18), ("2025-07-15", "web", 42),
                             ("2025-11-15", "tiktok_shop", 24), ("2025-11-15", "web", 36)]))
    row = _channel(refresh.change_signals(unsure, baseline_start="2025-07-01", **q),
                   "tiktok_shop")
    assert row["enough_data"] and row["effect"] > refresh.MIN_SHARE_EFFECT
    assert row["p_value"] > refresh.ALPHA and not row["fired"]


def test_the_default_baseline_is_the_three_windows_before():
    orders = _orders([("2025-03-15", "web", 40), ("2025-06-15", "web", 40),
                      ("2025-09-15", "web", 40), ("2025-12-15", "web", 40),
                      ("2024-12-15", "web", 40)])
    s = refresh.change_signals(_model(orders), start="2025-10-01", end="2026-01-01",
                               texts=pd.DataFrame())
    assert _channel(s, "web")["n_baseline"] == 120  # Jan-Sep 2025, not December 2024
    s = refresh.change_signals(_model(orders), start="2025-10-01", end="2026-01-01",
                               baseline_start="2025-07-01", texts=pd.DataFrame())
    assert _channel(s, "web")["n_baseline"] == 40


def test_change_signals_leave_the_clean_model_unchanged(clean):
    before = {k: v.copy() for k, v in clean.items()}
    refresh.change_signals(clean, start="2025-10-01", end="2026-01-01")
    for k, v in before.items():
        pd.testing.assert_frame_equal(clean[k], v)


# -- planted story 7, recovered on both seeds ---------------------------------------------------

@pytest.fixture(scope="module")
def texts_of():
    cache = {}

    def get(world):
        key = id(world)
        if key not in cache:
            cache[key] = insight.tag_texts(world.clean)
        return cache[key]
    return get


def test_q4_signals_fire_for_cafe_decisions_price_and_tiktok_shop(world, texts_of):
    start, end = refresh.quarter("2025Q4")
    s = refresh.change_signals(world.clean, start=start, end=end, texts=texts_of(world))
    fired = set(map(tuple, s.loc[s["fired"], ["signal", "group"]].to_numpy()))
    assert {("decision_time", "cafe"), ("barrier_share", "price"),
            ("channel_share", "tiktok_shop")} <= fired
    row = s.set_index(["signal", "group"]).loc[("decision_time", "cafe")]
    assert row["value"] >= 1.25 * row["baseline"]
    # nothing in the pipeline, the inbox or other segments changed on purpose
    assert not s.loc[s["fired"], "signal"].isin(["funnel_drop", "inbox_question"]).any()
    assert fired <= {("decision_time", "cafe"), ("barrier_share", "price"),
                     ("channel_share", "tiktok_shop"), ("channel_share", "shopee"),
                     ("channel_share", "website"), ("channel_share", "facebook")}


@pytest.mark.parametrize("label", CLEAN_QUARTERS)
def test_no_signal_fires_on_a_quarter_without_a_planted_change(world, texts_of, label):
    start, end = refresh.quarter(label)
    s = refresh.change_signals(world.clean, start=start, end=end, texts=texts_of(world))
    assert not s["fired"].any(), s[s["fired"]]
    assert s.loc[s["signal"] == "channel_share", "enough_data"].all()


def test_some_loyal_customers_slide_to_at_risk_in_q4(world):
    snaps = {d: refresh.lifecycle(profile.build_profile(world.clean, as_of=pd.Timestamp(d)))
             for d in ("2025-04-01", "2025-07-01", "2025-10-01", "2026-01-01")}
    days = list(snaps)
    slid = [refresh.migration_matrix(snaps[a], snaps[b], column="lifecycle",
                                     normalize=True).loc["loyal", "at_risk"]
            for a, b in zip(days[:-1], days[1:])]
    # Q2 and Q3 lose some loyal customers to "at risk" by chance; Q4 loses clearly more
    assert slid[2] >= max(slid[:2]) + 0.08
    assert slid[2] >= 1.3 * max(slid[:2])
