"""Notebook 02: its exercises, the step-2 data-quality functions, its charts and its explorer."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from c360lab import datasets, identity, plots, widgets  # noqa: E402
from c360lab.exercises import exercises_of  # noqa: E402
from c360lab.exercises import nb02 as ex  # noqa: E402
from conftest import assert_solution_passes  # noqa: E402

NAMES = ["q1", "q2", "q3", "q4", "q5"]


@pytest.fixture(scope="module")
def res(raw):
    return identity.resolve(raw)


@pytest.fixture(scope="module")
def namespace(raw, key, res):
    """What the notebook has defined when its exercise cells run."""
    return {"raw": raw, "key": key, "res": res, "clean": datasets.load_clean(),
            "identity": identity, "ex": ex, "pd": pd}


# -- exercises ---------------------------------------------------------------------------------

def test_the_notebook_has_five_exercises():
    assert [q.name for q in exercises_of(ex)] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_its_own_check(name, namespace, capsys):
    assert_solution_passes(getattr(ex, name), namespace, capsys)


def test_q1_typical_wrong_answers_fail_with_their_message(capsys):
    digits = ["".join(c for c in p if c.isdigit()) for p in ex.MESSY_PHONES]
    ex.q1.assert_check_failed(digits)
    ex.q1.check(digits)
    assert "kept only the digits" in capsys.readouterr().out
    legacy = [identity.normalize_phone(p) for p in ex.MESSY_PHONES]
    legacy[2] = "+84" + "".join(c for c in ex.MESSY_PHONES[2] if c.isdigit())[1:]
    ex.q1.check(legacy)
    assert "pre-2018" in capsys.readouterr().out
    ex.q1.assert_check_failed(legacy[:3])
    ex.q1.assert_check_failed("+84903123456")


def test_q2_typical_wrong_answers_fail(namespace, capsys):
    customers = namespace["clean"]["customers"]
    expected = int((customers["n_sources"] >= 2).sum())
    assert expected == ex.q2.expected()
    for wrong in (int((customers["n_sources"] > 2).sum()), len(customers),
                  expected / len(customers)):
        ex.q2.assert_check_failed(wrong)
    ex.q2.check(int((customers["n_sources"] > 2).sum()))
    assert ">= 2" in capsys.readouterr().out


def test_q3_typical_wrong_answers_fail(raw, key, res, capsys):
    naive = identity.pair_scores(identity.exact_phone_links(raw), key["record_links"])
    assert naive["recall"] == pytest.approx(ex.q3.expected())
    ex.q3.assert_check_passed(round(float(naive["recall"]), 3))
    for wrong in (naive["precision"], 100 * naive["recall"],
                  identity.pair_scores(res.links, key["record_links"])["recall"]):
        ex.q3.assert_check_failed(float(wrong))
    ex.q3.check(float(naive["precision"]))
    assert "precision" in capsys.readouterr().out


def test_q4_typical_wrong_answers_fail(res, capsys):
    counts = res.links["rule"].value_counts().drop(["own", "anonymous"])
    assert ex.q4.expected() == counts.idxmax()
    ex.q4.assert_check_passed(counts.idxmax().upper())
    for wrong in ("own", "anonymous", counts.index[1]):
        ex.q4.assert_check_failed(wrong)
    ex.q4.check("own")
    assert "joins a record to nobody" in capsys.readouterr().out


def test_q5_typical_wrong_answers_fail(raw, capsys):
    times = identity.response_times(raw["inbox_messages"])
    expected = times.loc["facebook_messenger", "within_sla"]
    assert expected == pytest.approx(ex.q5.expected())
    for wrong in (100 * expected, 1 - expected, times.loc["all", "within_sla"]):
        ex.q5.assert_check_failed(float(wrong))
    ex.q5.check(float(1 - expected))
    assert "misses the SLA" in capsys.readouterr().out


# -- data-quality functions on hand-made tables -------------------------------------------------

def _crm():
    return pd.DataFrame({
        "contact_id": ["C1", "C2", "C3", "C4"],
        "lead_source": ["seo", "seo", None, "referral"],
        "need": ["máy pha", "", "hạt", None],
        "main_barrier": [None, None, "giá cao", "không có thời gian"],
        "care_status": ["new", "new", "customer", "nurturing"]})


def _deals():
    return pd.DataFrame({"contact_id": ["C1", "C3", "C4", "C4"],
                         "product_interest": ["equipment", "beans", None, "training"],
                         "budget_vnd": [None, 5_000_000, 2_000_000, None],
                         "decision_timeframe": ["unknown", "now", "1_month", "3_months"]})


def test_mds_completeness_per_field_and_lead_source():
    crm, deals = _crm(), _deals()
    before = crm.copy()
    out = identity.mds_completeness(crm, deals)
    pd.testing.assert_frame_equal(crm, before)              # input not mutated
    assert list(out.index) == list(identity.MDS_FIELDS)
    assert list(out.columns) == ["table", "column", "records", "all", "seo", "referral",
                                 "unknown"]
    assert out.loc["need", "all"] == pytest.approx(0.5)       # "" counts as not filled
    assert out.loc["need", "seo"] == pytest.approx(0.5)
    assert out.loc["lead source", "unknown"] == 0.0
    assert out.loc["decision timeframe", "all"] == pytest.approx(0.75)   # "unknown" is empty
    assert out.loc["decision timeframe", "seo"] == 0.0
    assert out.loc["product of interest", "referral"] == pytest.approx(0.5)
    assert out.loc["expected budget", "records"] == 4
    assert out.loc["main barrier", "table"] == "crm_contacts"


def test_mds_completeness_marks_groups_without_deals_as_nan():
    deals = _deals()[_deals()["contact_id"] != "C4"]
    out = identity.mds_completeness(_crm(), deals)
    assert np.isnan(out.loc["expected budget", "referral"])
    assert out.loc["care status", "referral"] == 1.0


def test_response_times_against_the_sla():
    inbox = pd.DataFrame({"channel": ["zalo_oa", "zalo_oa", "zalo_oa", "hotline", "zalo_oa"],
                          "first_response_minutes": [5, 15, 40, 1, None]})
    out = identity.response_times(inbox, sla_minutes=15)
    assert list(out.index) == ["hotline", "zalo_oa", "all"]
    assert out.loc["zalo_oa", "conversations"] == 3
    assert out.loc["zalo_oa", "within_sla"] == pytest.approx(2 / 3)   # 15 is within
    assert out.loc["all", "median_minutes"] == 10
    assert out.loc["zalo_oa", "slowest_minutes"] == 40
    assert identity.response_times(inbox, sla_minutes=60).loc["all", "within_sla"] == 1.0
    assert identity.SLA_MINUTES == 15


def test_touchpoint_coverage_per_customer():
    clean = {
        "customers": pd.DataFrame({"customer_id": ["C1", "C2", "C3"],
                                   "segment": ["cafe", "household", "office"]}),
        "crm_contacts": pd.DataFrame({"customer_id": ["C1", "C3"],
                                      "lead_source": ["referral", None]}),
        "web_events": pd.DataFrame({"customer_id": ["C2", "C2", None],
                                    "event_type": ["page_view", "form_submit", "page_view"],
                                    "utm_source": ["facebook", None, "google"]}),
        "deals": pd.DataFrame({"customer_id": ["C1", "C3"],
                               "consultation_date": ["2025-01-02", None],
                               "quote_date": ["2025-01-05", None]}),
        "shop_orders": pd.DataFrame({"customer_id": ["C1", "C1", "C2", "C3"],
                                     "status": ["completed", "completed", "returned",
                                                "completed"]}),
        "tickets": pd.DataFrame({"customer_id": ["C3"]}),
        "automation_sends": pd.DataFrame({"customer_id": ["C1", "C2"],
                                          "trigger": ["post_purchase_guide", "cart_abandon"]}),
    }
    out = identity.touchpoint_coverage(clean)
    assert list(out.columns) == list(identity.TOUCHPOINT_CHAIN) + ["segment"]
    assert list(out.index) == ["C1", "C2", "C3"]
    rows = out.drop(columns="segment").astype(int).to_dict("index")
    assert rows["C1"] == {"ads / SEO": 1, "website": 0, "form / inbox / call": 1,
                          "consultation": 1, "quote": 1, "payment": 1, "care": 1,
                          "repurchase": 1}
    assert rows["C2"] == {"ads / SEO": 1, "website": 1, "form / inbox / call": 1,
                          "consultation": 0, "quote": 0, "payment": 0, "care": 0,
                          "repurchase": 0}
    assert rows["C3"]["ads / SEO"] == 0 and rows["C3"]["care"] == 1
    assert rows["C3"]["payment"] == 1 and rows["C3"]["repurchase"] == 0


def test_touchpoint_coverage_keeps_every_customer_of_the_clean_model():
    clean = datasets.load_clean()
    out = identity.touchpoint_coverage(clean)
    assert out.index.tolist() == clean["customers"]["customer_id"].tolist()


# -- plots -------------------------------------------------------------------------------------

def test_match_quality_draws_recall_and_precision_in_percent():
    scores = pd.DataFrame({"recall": [0.2, 0.99], "precision": [0.99, 1.0]},
                          index=["raw", "resolved"])
    ax = plots.match_quality(scores, title="Q?")
    assert isinstance(ax, Axes) and ax.get_title() == "Q?"
    assert ax.get_xlabel() == "pairs of records (%)"
    assert sorted(round(p.get_width(), 1) for p in ax.patches) == [20.0, 99.0, 99.0, 100.0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["raw", "resolved"]


def test_completeness_heatmap_writes_each_share():
    t = pd.DataFrame({"seo": [1.0, 0.25], "referral": [0.5, np.nan]}, index=["need", "budget"])
    ax = plots.completeness_heatmap(t, title="Which fields are empty?", xlabel="lead source")
    assert [x.get_text() for x in ax.texts] == ["100%", "50%", "25%", ""]
    assert [x.get_text() for x in ax.get_yticklabels()] == ["need", "budget"]
    assert ax.get_xlabel() == "lead source"


def test_response_time_curves_draw_one_curve_per_channel_and_the_sla():
    m = pd.DataFrame({"channel": ["zalo_oa", "zalo_oa", "hotline", "zalo_oa"],
                      "first_response_minutes": [5, 40, 1, None]})
    ax = plots.response_time_curves(m, sla_minutes=15, title="How fast?")
    lines = ax.get_lines()
    assert len(lines) == 3
    assert lines[-1].get_xdata()[0] == 15
    assert lines[1].get_ydata()[-1] == pytest.approx(100)
    assert ax.get_ylabel() == "conversations answered (%)"


def test_plots_of_notebook_02_do_not_change_the_users_defaults():
    before = dict(matplotlib.rcParams)
    plots.match_quality(pd.DataFrame({"recall": [0.5], "precision": [1.0]}, index=["x"]))
    assert dict(matplotlib.rcParams) == before


# -- match explorer ----------------------------------------------------------------------------

def test_match_records_show_raw_normalised_and_rule(res):
    cid = widgets.customers_to_explore(res).index[0]
    records = widgets.match_records(res, cid)
    links = res.links[res.links["customer_id"] == cid]
    assert len(records) == len(links)
    assert list(records.columns) == widgets.MATCH_COLUMNS
    assert records["rule"].tolist() == links["rule"].tolist()
    assert records.at[0, "joined_to"] == "(start)"
    assert set(records["joined_by"].iloc[1:]) <= set(identity.RULES)
    assert records["phone_e164"].dropna().str.startswith("+").all()
    with pytest.raises(KeyError, match="no customer"):
        widgets.match_records(res, "C-nope")


def test_customers_to_explore_is_curated_and_ordered(res):
    chosen = widgets.customers_to_explore(res)
    assert 0 < len(chosen) <= 25
    assert chosen["n_records"].between(2, 12).all()
    assert chosen["rules"].is_monotonic_decreasing


def test_match_explorer_renders_and_rerenders(res):
    explorer = widgets.explore_matches(res)
    first = explorer.control.value
    assert explorer.text.startswith(first)
    assert "<table" in explorer.output.outputs[0]["data"]["text/html"]
    other = explorer.control.options[1][1]
    explorer.control.value = other
    assert explorer.text.startswith(other)
    assert len(explorer.output.outputs) == 1


def test_match_explorer_repr_is_short_and_deterministic(res):
    first, second = widgets.explore_matches(res), widgets.explore_matches(res)
    assert repr(first) == repr(second)
    assert repr(first).startswith("Match explorer: C")
    assert len(repr(first)) <= 110 and " at 0x" not in repr(first)


def test_match_explorer_can_start_on_any_customer(res):
    cid = res.links.loc[res.links["rule"] == "landline+name", "customer_id"].iloc[0]
    explorer = widgets.explore_matches(res, value=cid)
    assert explorer.control.value == cid
    assert "landline+name" in explorer.text


# -- what the notebook's text says about the data -----------------------------------------------

def _statements(raw, key):
    """Each sentence notebook 02 writes about the data (its markdown has no numbers), checked."""
    truth = key["record_links"]
    systems = truth.groupby("person_id")["table"].nunique()
    res = identity.resolve(raw)
    naive = identity.exact_phone_links(raw)
    naive_all = identity.pair_scores(naive, truth)
    rec = res.records
    ok = rec["identifiable"].to_numpy()
    phone_only = res.links.assign(customer_id=rec["phone"].to_numpy())
    graded = {name: identity.pair_scores(links[ok], truth) for name, links in
              {"raw": naive, "phone": phone_only, "resolved": res.links}.items()}
    overall = identity.pair_scores(res.links, truth)
    phones = pd.concat([raw[t][c] for t, c in {
        "crm_contacts": "phone", "shop_orders": "buyer_phone", "inbox_messages": "phone",
        "tickets": "requester_phone", "surveys": "respondent_phone", "community": "phone",
        "automation_sends": "recipient_phone"}.items()], ignore_index=True).dropna()
    rules = res.links["rule"].value_counts().drop(["own", "anonymous"])
    person = res.links.merge(truth, on=["table", "record_id", "role"], how="left")["person_id"]
    on = pd.DataFrame({"phone": rec["phone"], "kind": rec["phone_kind"], "person_id": person,
                       "customer_id": res.links["customer_id"]}).dropna(subset=["phone"])
    people = on.groupby(["kind", "phone"])["person_id"].nunique()
    shared = people[people >= 2]
    per_line = on[on["phone"].isin(shared.index.get_level_values("phone"))].groupby("phone").agg(
        p=("person_id", "nunique"), c=("customer_id", "nunique"))
    clean = datasets.clean_model(raw, res)
    mds = identity.mds_completeness(raw["crm_contacts"], raw["deals"])["all"]
    times = identity.response_times(raw["inbox_messages"])
    touch = identity.touchpoint_coverage(clean)
    seg = touch.groupby("segment").mean()
    paid = touch[touch["payment"]].drop(columns="segment").mean()
    return {
        "most people appear in two or more systems (story 2: at least a quarter)":
            (systems >= 2).mean() > 0.5,
        "raw phone strings: precision high": naive_all["precision"] > 0.95,
        "raw phone strings: recall low (story 2: at most 60%)": naive_all["recall"] <= 0.60
            and graded["raw"]["recall"] <= 0.60,
        "far fewer numbers than strings": phones.nunique() > 2 * identity.normalize_phone(
            phones)["phone"].nunique(),
        "mobile joins the most records, e-mail second": list(rules.index[:2]) == ["mobile",
                                                                                  "email"],
        "the link table covers every record once": len(res.links) == len(truth)
            and not res.links.duplicated(["table", "record_id", "role"]).any(),
        "normalised phone finds many more pairs than raw strings":
            graded["phone"]["recall"] > 1.5 * graded["raw"]["recall"],
        "resolution finds nearly all pairs (story 2: >= 97%)": graded["resolved"]["recall"]
            >= 0.97,
        "resolution precision near perfect (story 2: >= 99%)":
            graded["resolved"]["precision"] >= 0.99 and overall["precision"] >= 0.99,
        "over all records recall is lower": overall["recall"] < graded["resolved"]["recall"],
        "normalised phone alone makes mistakes": graded["phone"]["precision"] < 1.0,
        "every number used by several people is a landline":
            len(shared) > 0 and set(shared.index.get_level_values("kind")) == {"landline"},
        "resolution keeps the people of shared lines apart": (per_line["c"] >= per_line["p"])
            .mean() >= 0.9,
        "a landline+name link exists to explain": (res.edges["rule"] == "landline+name").any(),
        "system-filled MDS fields are almost always there":
            min(mds["care status"], mds["product of interest"], mds["lead source"]) > 0.95,
        "main barrier is the emptiest MDS field": mds.idxmin() == "main barrier",
        "budget and need missing for many leads": max(mds["expected budget"], mds["need"]) < 0.75,
        "hotline answered at once": times.loc["hotline", "within_sla"] > 0.95,
        "Messenger is the slowest channel and misses the SLA most":
            times["median_minutes"].drop("all").idxmax() == "facebook_messenger"
            and times["within_sla"].drop("all").idxmin() == "facebook_messenger",
        "far from nine in ten within the SLA": times.loc["all", "within_sla"] < 0.8,
        "households almost never pass through consultation or quote":
            seg.loc["household", ["consultation", "quote"]].max() < 0.05,
        "most B2B customers do": (seg.drop("household")[["consultation", "quote"]] > 0.5)
            .all().all(),
        "for many payers the source or first contact is unknown":
            paid["ads / SEO"] < 0.75 and paid["form / inbox / call"] < 0.8,
    }


def test_the_notebooks_statements_hold_on_the_shipped_data(raw, key):
    wrong = [text for text, holds in _statements(raw, key).items() if not holds]
    assert not wrong, f"notebook 02 says things the data no longer shows: {wrong}"


def test_the_notebooks_statements_hold_on_every_seed(world):
    wrong = [text for text, holds in _statements(world.raw, world.sample.answer_key).items()
             if not holds]
    assert not wrong, f"notebook 02 says things this seed does not show: {wrong}"
