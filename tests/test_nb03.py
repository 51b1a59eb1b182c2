"""Notebook 03: its exercises, its charts, its funnel explorer and what its text says."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from c360lab import datasets, journey, plots, widgets  # noqa: E402
from c360lab.exercises import exercises_of  # noqa: E402
from c360lab.exercises import nb03 as ex  # noqa: E402

from conftest import assert_solution_passes, differing, markdown_numbers  # noqa: E402

NAMES = ["q1", "q2", "q3", "q4"]


@pytest.fixture(scope="module")
def clean():
    return datasets.load_clean()


@pytest.fixture(scope="module")
def stages(clean):
    return journey.customer_stages(clean)


@pytest.fixture(scope="module")
def namespace(clean, stages):
    """What the notebook has defined when its exercise cells run."""
    return {"clean": clean, "stages": stages, "journey": journey, "ex": ex, "pd": pd}


# -- exercises ---------------------------------------------------------------------------------

def test_the_notebook_has_four_exercises():
    assert [q.name for q in exercises_of(ex)] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_its_own_check(name, namespace, capsys):
    assert_solution_passes(getattr(ex, name), namespace, capsys)


def test_q1_typical_wrong_answers_fail(stages, capsys):
    table = journey.funnel(stages)
    leak = journey.biggest_leak(table)
    assert ex.q1.expected() == leak["stage"]
    ex.q1.assert_check_passed(str(leak["stage"]).upper())
    lowest_overall = table.sort_values("overall_conversion", kind="stable")["stage"].iloc[0]
    for wrong in {str(leak["from_stage"]), str(lowest_overall), "checkout"} - {leak["stage"]}:
        ex.q1.assert_check_failed(wrong)
    ex.q1.check(str(leak["from_stage"]))
    assert "the stage they leave from" in capsys.readouterr().out


def test_q2_typical_wrong_answers_fail(clean, capsys):
    by = journey.conversion_by_source(clean)
    referral, facebook = by.loc["referral", "conversion"], by.loc["facebook_ads", "conversion"]
    expected = referral / facebook
    assert ex.q2.expected() == pytest.approx(expected)
    for wrong in differing([facebook / referral, referral - facebook,
                            referral / by.loc["tiktok_ads", "conversion"], referral], expected,
                           rtol=0.01):
        ex.q2.assert_check_failed(float(wrong))
    ex.q2.check(float(facebook / referral))
    assert "other way round" in capsys.readouterr().out


def test_q3_typical_wrong_answers_fail(stages, capsys):
    t = journey.time_between_stages(stages, by="segment")
    pick = t[t["from_stage"] == "consideration"].set_index("segment")
    expected = pick.loc["cafe", "median_days"]
    assert ex.q3.expected() == pytest.approx(expected)
    everyone = journey.time_between_stages(stages).set_index("from_stage")
    for wrong in differing([pick.loc["household", "median_days"], pick.loc["cafe", "p75_days"],
                            everyone.loc["consideration", "median_days"]], expected, rtol=0.01):
        ex.q3.assert_check_failed(float(wrong))
    ex.q3.check(float(pick.loc["cafe", "p75_days"]))
    assert "75th percentile" in capsys.readouterr().out


def test_q4_typical_wrong_answers_fail(clean, capsys):
    chain = journey.pipeline_funnel(clean["deals"], stages=journey.PAYMENT_CHAIN)
    won = chain.set_index("stage").loc["won"]
    expected = won["step_conversion"]
    assert ex.q4.expected() == pytest.approx(expected)
    full = journey.pipeline_funnel(clean["deals"]).set_index("stage").loc["won"]
    for wrong in differing([100 * expected, won["overall_conversion"], 1 - expected,
                            full["step_conversion"]], expected, rtol=0.01):
        ex.q4.assert_check_failed(float(wrong))
    ex.q4.check(float(won["overall_conversion"]))
    assert "every inquiry" in capsys.readouterr().out


# -- plots -------------------------------------------------------------------------------------

def _table():
    return pd.DataFrame({"stage": ["awareness", "consideration", "decision"],
                         "reached": [100, 80, 20], "step_conversion": [np.nan, 0.8, 0.25]})


def test_funnel_chart_labels_counts_and_step_conversion():
    ax = plots.funnel_chart(_table(), title="Where?", labels=journey.STAGE_LABELS)
    assert isinstance(ax, Axes) and ax.get_title() == "Where?"
    assert [t.get_text() for t in ax.texts] == ["100", "80 · 80% of previous",
                                                "20 · 25% of previous"]
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Awareness (Nhận biết)"
    assert ax.get_xlabel() == "customers"
    widths = [p.get_width() for p in ax.patches]
    assert widths == [100, 80, 20]
    colours = [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours[2] == plots.OKABE_ITO["vermillion"].lower() != colours[1]


def test_flow_chart_draws_a_column_per_stage_and_who_stops():
    ax = plots.flow_chart(_table(), title="Who stops?", unit="deals")
    texts = [t.get_text() for t in ax.texts]
    assert texts[:1] == ["100"] and "stopped: 20" in texts and "stopped: 60" in texts
    assert [t.get_text() for t in ax.get_xticklabels()] == ["awareness", "consideration",
                                                            "decision"]
    assert ax.get_ylabel().startswith("deals")


def test_funnel_lines_one_line_per_group_in_percent(stages):
    f = journey.funnel(stages, by="segment")
    ax = plots.funnel_lines(f, by="segment", title="Which segment goes furthest?")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == sorted(
        stages["segment"].unique())
    assert all(line.get_ydata()[0] == pytest.approx(100) for line in ax.get_lines())


def test_plots_of_notebook_03_do_not_change_the_users_defaults():
    before = dict(matplotlib.rcParams)
    plots.funnel_chart(_table(), title="Q?")
    plots.flow_chart(_table(), title="Q?")
    assert dict(matplotlib.rcParams) == before


# -- funnel explorer ---------------------------------------------------------------------------

def test_funnel_view_matches_the_funnel(stages):
    head, shown = widgets.funnel_view(stages, "lead_source", "referral")
    mine = stages[stages["lead_source"] == "referral"]
    table = journey.funnel(mine)
    assert head.startswith(f"lead source = referral: {len(mine):,} customers.")
    assert shown["customers"].tolist() == [f"{n:,}" for n in table["reached"]]
    leak = journey.biggest_leak(table)
    assert f"{leak['from_stage']} → {leak['stage']}" in head


def test_funnel_explorer_renders_and_rerenders(stages):
    explorer = widgets.explore_funnel(stages)
    assert explorer.text.startswith(f"All customers: {len(stages):,} customers.")
    assert "<table" in explorer.output.outputs[0]["data"]["text/html"]
    labels = [label for label, _ in explorer.control.options]
    assert "lead source: facebook_ads" in labels and "segment: cafe" in labels
    explorer.control.value = ("segment", "cafe")
    assert explorer.text.startswith("segment = cafe:")
    assert len(explorer.output.outputs) == 1


def test_funnel_explorer_repr_is_short_and_deterministic(stages):
    first, second = widgets.explore_funnel(stages), widgets.explore_funnel(stages)
    assert repr(first) == repr(second) == ("Funnel explorer: all customers; run the notebook "
                                           "to pick another group")
    chosen = widgets.explore_funnel(stages, by="lead_source", group="seo")
    assert chosen.control.value == ("lead_source", "seo") and " at 0x" not in repr(chosen)


# -- what the notebook's text says about the data -----------------------------------------------

def _statements(clean):
    """Each sentence notebook 03 writes about the data (its markdown has no numbers), checked."""
    stages = journey.customer_stages(clean)
    inferred = (stages["inferred_stages"] != "").groupby(stages["first_touch"],
                                                        observed=True).mean()
    f = journey.funnel(stages).set_index("stage")
    leak = journey.biggest_leak(journey.funnel(stages))
    web = clean["web_events"]
    anonymous = web.loc[web["customer_id"].isna(), "anonymous_id"].nunique()
    browsers = web["anonymous_id"].nunique()
    points = journey.drop_points(stages)["customers"]
    four = points[["website exit", "inbox: asked, then vanished", "sales: consultation missed",
                   "no return after purchase"]]
    by = journey.conversion_by_source(clean)
    ads = {"facebook_ads", "tiktok_ads"}
    per = journey.biggest_leak(journey.funnel(stages, by="lead_source"), per_group=True)
    per = per.set_index("lead_source")
    sf = journey.funnel(stages, by="lead_source")
    at = sf.pivot(index="lead_source", columns="stage", values="overall_conversion")
    seg = journey.drop_off(stages, by="segment")
    bought = seg["experience"] + seg["loyalty"]
    days = journey.time_between_stages(stages, by="segment")
    med = days.pivot(index="segment", columns="from_stage", values="median_days")
    b2b = med.drop("household")
    pipe = journey.biggest_leak(journey.pipeline_funnel(clean["deals"]))
    chain = journey.biggest_leak(journey.pipeline_funnel(clean["deals"],
                                                         stages=journey.PAYMENT_CHAIN))
    return {
        "inbox, CRM and order first-touches almost always back-filled":
            inferred[["inbox", "sales", "shop"]].min() > 0.9,
        "website first-touches back-filled far less often": inferred["website"] < 0.6,
        "every step loses customers": (f["lost"].iloc[1:] > 0).all(),
        "the biggest leak is consideration -> decision":
            (leak["from_stage"], leak["stage"]) == ("consideration", "decision"),
        "the widest grey band leaves from consideration": f["lost"].idxmax() == "decision",
        "some buyers never come back": f.loc["loyalty", "lost"] > 0,
        "many visitors never identify themselves": anonymous >= 0.3 * browsers,
        "the inbox is the largest drop point, more than the website":
            points.idxmax() == "inbox: asked, then vanished"
            and points["inbox: asked, then vanished"] > points["website exit"],
        "sales loses fewer": four["sales: consultation missed"] < min(
            four["website exit"], four["inbox: asked, then vanished"]),
        "no return after purchase is the smallest of the four":
            four.idxmin() == "no return after purchase",
        "story 3: facebook ads bring the most leads, tiktok ads the next most":
            list(by.index[:2]) == ["facebook_ads", "tiktok_ads"],
        "story 3: the two ads sources convert the smallest shares":
            set(by["conversion"].nsmallest(2).index) == ads,
        "story 3: referral converts best, several times facebook ads":
            by["conversion"].idxmax() == "referral"
            and by.loc["referral", "conversion"] >= 3 * by.loc["facebook_ads", "conversion"],
        "ads buyers buy fast; seo and referral take longer":
            by.loc[list(ads), "median_days_to_order"].max()
            < by.loc[["seo", "referral"], "median_days_to_order"].min(),
        "a good share of ads leads reach decision": at.loc[list(ads), "decision"].min() >= 0.3,
        "ads leads leak most from decision to a completed purchase":
            (per.loc[list(ads), "from_stage"] == "decision").all(),
        "referral leads keep the largest share to the end":
            at["loyalty"].idxmax() == "referral",
        "unknown leaks most between consideration and decision":
            per.loc["unknown", "from_stage"] == "consideration",
        "most households stop before buying": bought["household"] < 0.5,
        "business segments go much further, cafes most of all":
            bought.idxmax() == "cafe" and bought.drop("household").min() > bought["household"],
        "about half of cafes reach loyalty": 0.4 <= seg.loc["cafe", "loyalty"] <= 0.65,
        "households: consideration -> decision in about a week":
            4 <= med.loc["household", "consideration"] <= 10,
        "households: decision -> order at once": med.loc["household", "decision"] < 1,
        "B2B: weeks from consideration to decision, and again to the order":
            b2b["consideration"].min() >= 10 and b2b["decision"].min() >= 10,
        "the full pipeline's smallest step is negotiation": pipe["stage"] == "negotiation",
        "story 3: along the chain, quote -> payment keeps the smallest share":
            (chain["from_stage"], chain["stage"]) == ("quote", "won"),
    }


def test_the_notebooks_statements_hold_on_the_shipped_data(clean):
    wrong = [text for text, holds in _statements(clean).items() if not holds]
    assert not wrong, f"notebook 03 says things the data no longer shows: {wrong}"


def test_the_notebooks_statements_hold_on_every_seed(world):
    wrong = [text for text, holds in _statements(world.clean).items() if not holds]
    assert not wrong, f"notebook 03 says things this seed does not show: {wrong}"


def test_the_notebook_text_has_no_numbers_from_the_data():
    """Markdown numbers would go stale with the data; only rules and names may appear."""
    allowed = {"1", "2", "3", "4", "5", "6", "00", "001", "002", "02", "03", "04", "4.2", "4.3",
               "2026-01-01", "1kg", "30-", "0"}
    found = markdown_numbers("03_customer_journey.ipynb")
    assert found <= allowed, f"numbers in the notebook's text: {sorted(found - allowed)}"
