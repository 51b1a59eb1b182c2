"""Notebook 01: its exercises, the charts and the explorer it adds, and what its text says."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from c360lab import datasets, identity, plots, profitability, widgets  # noqa: E402
from c360lab.exercises import exercises_of  # noqa: E402
from c360lab.exercises import nb01 as ex  # noqa: E402

from conftest import assert_solution_passes, differing, markdown_numbers  # noqa: E402

NAMES = ["q1", "q2", "q3", "q4"]
MARKETPLACES = ["shopee", "tiktok_shop"]


def _table(clean):
    return profitability.customer_table(clean["shop_orders"], clean["order_lines"],
                                        tickets=clean["tickets"], deals=clean["deals"],
                                        customers=clean["customers"])


@pytest.fixture(scope="module")
def clean():
    return datasets.load_clean()


@pytest.fixture(scope="module")
def table(clean):
    return _table(clean)


@pytest.fixture(scope="module")
def namespace(clean, table):
    """What the notebook has defined when its exercise cells run."""
    return {"clean": clean, "table": table, "summary": profitability.segment_summary(table),
            "costly": profitability.costly_customers(table), "profitability": profitability,
            "pd": pd}


# -- exercises ---------------------------------------------------------------------------------

def test_the_notebook_has_four_exercises():
    assert [q.name for q in exercises_of(ex)] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_its_own_check(name, namespace, capsys):
    assert_solution_passes(getattr(ex, name), namespace, capsys)


@pytest.mark.parametrize("name", NAMES)
def test_every_exercise_has_hints_and_a_solution(name, capsys):
    question = getattr(ex, name)
    question.hint()
    question.hint(2)
    question.solution()
    out = capsys.readouterr().out
    assert "Hint 1 of 2" in out and "Hint 2 of 2" in out and "answer =" in out


def test_q1_typical_wrong_answers_fail_with_their_message(table, capsys):
    cafe = table["segment"] == "cafe"
    expected = table.loc[cafe, "gross_margin_vnd"].sum() / table["gross_margin_vnd"].sum()
    assert expected == pytest.approx(ex.q1.expected())
    revenue = table.loc[cafe, "revenue_vnd"].sum() / table["revenue_vnd"].sum()
    for wrong in differing([revenue, cafe.mean(), 100 * expected, 1 - expected], expected, 4, rtol=0.01):
        ex.q1.assert_check_failed(wrong)
    ex.q1.check(revenue)
    assert "share of revenue" in capsys.readouterr().out
    ex.q1.check(cafe.mean())
    assert "share of customers" in capsys.readouterr().out
    ex.q1.check(100 * expected)
    assert "looks like a percentage" in capsys.readouterr().out
    ex.q1.assert_check_passed(round(expected, 3))  # a rounded answer is still right


def test_q2_typical_wrong_answers_fail_with_their_message(table, capsys):
    expected = profitability.top_share(table, 0.1)
    assert expected == pytest.approx(ex.q2.expected())
    by_revenue = profitability.top_share(table, 0.1, value="revenue_vnd")
    fifth = profitability.top_share(table, 0.2)
    for wrong in differing([by_revenue, fifth, 100 * expected], expected, 3, rtol=0.01):
        ex.q2.assert_check_failed(wrong)
    ex.q2.check(by_revenue)
    assert "by revenue" in capsys.readouterr().out
    ex.q2.check(fifth)
    assert "top 20%" in capsys.readouterr().out
    ex.q2.check(round(0.1 * len(table)))
    assert "how many customers" in capsys.readouterr().out


def test_q3_typical_wrong_answers_fail_with_their_message(clean, namespace, capsys):
    orders = clean["shop_orders"]
    theirs = orders[orders["customer_id"].isin(namespace["costly"]["customer_id"])]
    expected = theirs["channel"].isin(MARKETPLACES).mean()
    assert expected == pytest.approx(ex.q3.expected())
    everyone = orders["channel"].isin(MARKETPLACES).mean()
    shopee = (theirs["channel"] == "shopee").mean()
    for wrong in differing([everyone, shopee, 100 * expected], expected, 3, rtol=0.01):
        ex.q3.assert_check_failed(wrong)
    ex.q3.check(everyone)
    assert "everyone's orders" in capsys.readouterr().out
    ex.q3.check(shopee)
    assert "Shopee only" in capsys.readouterr().out


def test_q4_typical_wrong_answers_fail_with_their_message(table, capsys):
    expected = table.groupby("segment")["gross_margin_vnd"].mean().idxmax()
    assert expected == ex.q4.expected()
    most_customers = table["segment"].value_counts().idxmax()
    assert most_customers != expected
    ex.q4.check(most_customers)
    assert "most customers" in capsys.readouterr().out
    ex.q4.assert_check_passed(f"  {expected.upper()} ")  # text ignores case and spaces
    ex.q4.assert_check_failed(3)


# -- plots -------------------------------------------------------------------------------------

def test_share_bars_draw_percentages_per_group():
    shares = pd.DataFrame({"customers": [0.2, 0.8], "revenue": [0.5, 0.5],
                           "gross margin": [0.6, 0.4]}, index=["cafe", "household"])
    ax = plots.share_bars(shares, title="Who earns the margin?", legend_title="share of all")
    assert isinstance(ax, Axes)
    assert ax.get_title() == "Who earns the margin?"
    assert "%" in ax.get_xlabel()
    assert len(ax.patches) == 6
    assert sorted(p.get_width() for p in ax.patches) == pytest.approx([20, 40, 50, 50, 60, 80])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["cafe", "household"]
    assert ax.get_legend().get_title().get_text() == "share of all"


def test_pareto_curve_marks_the_top_share(table):
    curve = profitability.pareto(table)
    ax = plots.pareto_curve(curve, compare=profitability.pareto(table, value="revenue_vnd"),
                            top=0.2, title="How few customers earn most of the margin?")
    share = profitability.top_share(table, 0.2)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:3] == ["gross margin", "revenue", "equal shares"]
    assert labels[3] == f"top 20% of customers: {share * 100:.0f}%"
    margin_line = ax.get_lines()[0]
    assert margin_line.get_xdata()[0] == 0 and margin_line.get_xdata()[-1] == pytest.approx(100)
    assert ax.get_xlim() == (0, 100)


def test_margin_scatter_highlights_the_given_customers():
    t = pd.DataFrame({"customer_id": ["A", "B", "C", "D"],
                      "revenue_vnd": [9e7, 2e6, 5e6, 0], "margin_rate": [0.01, 0.45, -3.0, None]})
    ax = plots.margin_scatter(t, highlight=["A"], title="Who sells a lot?", revenue_line=5e6,
                              rate_line=0.05)
    others, marked = ax.collections
    assert len(others.get_offsets()) == 2 and len(marked.get_offsets()) == 1  # D: no revenue
    assert min(others.get_offsets()[:, 1]) == pytest.approx(-40)  # clipped at the floor
    assert ax.get_xscale() == "log"
    assert "VND" in ax.get_xlabel() and "%" in ax.get_ylabel()


def test_new_plots_do_not_change_the_users_defaults(table):
    before = dict(matplotlib.rcParams)
    plots.pareto_curve(profitability.pareto(table), title="T")
    assert dict(matplotlib.rcParams) == before


# -- widgets -----------------------------------------------------------------------------------

def test_top_customers_by_segment_adds_up(table):
    who = widgets.top_customers_by_segment(table, 0.2)
    n = round(0.2 * len(table))
    assert who["top_customers"].sum() == n
    assert who["share_of_top"].sum() == pytest.approx(1.0)
    assert who["margin_vnd"].sum() == pytest.approx(profitability.top_share(table, 0.2)
                                                    * table["gross_margin_vnd"].sum())
    assert who["top_customers"].is_monotonic_decreasing
    assert set(who["segment"]) == set(table["segment"])


def test_pareto_explorer_renders_its_first_view_and_rerenders_on_change(table):
    explorer = widgets.explore_pareto(table)
    assert explorer.control.value == 20
    share = profitability.top_share(table, 0.2)
    assert explorer.text.startswith("The top 20% of customers by gross margin")
    assert f"earn {share:.0%} of gross margin" in explorer.text
    assert "cafe" in explorer.text
    assert "<table" in explorer.output.outputs[0]["data"]["text/html"]
    explorer.control.value = 50
    assert explorer.text.startswith("The top 50% of customers")
    assert len(explorer.output.outputs) == 1
    explorer.control.value = 100
    assert "earn 100% of gross margin" in explorer.text


def test_pareto_explorer_repr_is_short_and_deterministic(table):
    first, second = widgets.explore_pareto(table), widgets.explore_pareto(table)
    assert repr(first) == repr(second)
    assert repr(first).startswith("Pareto explorer: top 20% of customers earn")
    assert len(repr(first)) <= 110 and " at 0x" not in repr(first)


# -- what the notebook's text says about the data -----------------------------------------------

def _statements(clean):
    """Each sentence notebook 01 writes about the data (its markdown has no numbers), checked."""
    orders, lines = clean["shop_orders"], clean["order_lines"]
    table = _table(clean)
    money = profitability.order_margins(orders, lines).sum(numeric_only=True)
    s = profitability.segment_summary(table).set_index("segment")
    revenue_share = s["revenue_vnd"] / s["revenue_vnd"].sum()
    b2b = s.drop(index="household")
    top20 = widgets.top_customers_by_segment(table, 0.2).set_index("segment")
    top50 = widgets.top_customers_by_segment(table, 0.5).set_index("segment")
    by_m = table.groupby("m_score").agg(margin=("gross_margin_vnd", "sum"),
                                        rate=("margin_rate", "median"))
    total = table["gross_margin_vnd"].sum()
    costly = profitability.costly_customers(table)
    theirs = orders[orders["customer_id"].isin(costly["customer_id"])]
    pick = profitability.beachhead(s.reset_index())
    first = pick.iloc[0]
    has_deals = table["days_to_close"].notna().groupby(table["segment"]).mean()
    completed = orders.loc[orders["status"] == "completed", "order_id"]
    sold = lines[lines["order_id"].isin(completed)]
    sold = sold.assign(value=sold["quantity"] * sold["unit_price_vnd"],
                       cost=sold["quantity"] * sold["unit_cost_vnd"],
                       segment=sold["customer_id"].map(table.set_index("customer_id")["segment"]))
    mix = pd.crosstab(sold["segment"], sold["category"], values=sold["value"], aggfunc="sum",
                      normalize="index")
    by_category = sold.groupby("category")[["value", "cost"]].sum()
    category_margin = 1 - by_category["cost"] / by_category["value"]
    return {
        "revenue is well below the list value":
            money["revenue_vnd"] < 0.9 * money["list_value_vnd"],
        "cafés are a small minority of the buyers": s.loc["cafe", "customer_share"] < 0.25,
        "cafés earn more than half of gross margin": s.loc["cafe", "margin_share"] > 0.5,
        "cafés' margin share exceeds their revenue share":
            s.loc["cafe", "margin_share"] > revenue_share["cafe"],
        "households are the majority of the buyers (counting heads points at them)":
            s.loc["household", "customer_share"] > 0.5
            and s["customers"].idxmax() == "household",
        "households bring a much larger share of revenue than of margin":
            revenue_share["household"] > 1.5 * s.loc["household", "margin_share"],
        "every business segment repeats far more often than households":
            (b2b["repeat_rate"] > s.loc["household", "repeat_rate"] + 0.1).all(),
        "one customer in five earns most of the gross margin":
            profitability.top_share(table, 0.2) > 0.5,
        "margin is more concentrated than revenue":
            profitability.top_share(table, 0.2)
            > profitability.top_share(table, 0.2, value="revenue_vnd"),
        "some customers cost more than they brought": (table["gross_margin_vnd"] < 0).any(),
        "at 20%, cafés fill most of the top group": top20.loc["cafe", "share_of_top"] > 0.5,
        "at 20%, hardly any household is in the top group":
            top20.loc["household", "share_of_top"] < 0.05,
        "at 50%, the households appear": top50.loc["household", "share_of_top"] > 0.2,
        "repeat buyers earn nearly all of the margin":
            table.loc[table["repeat"], "gross_margin_vnd"].sum() > 0.9 * total,
        "the top M score holds most of the margin": by_m.loc[5, "margin"] > 0.5 * total,
        "the biggest spenders have the lowest median margin rate":
            by_m["rate"].idxmin() == by_m.index.max(),
        "there are costly customers": len(costly) > 0,
        "the costly customers are households": (costly["segment"] == "household").all(),
        "most of their orders go through Shopee and TikTok Shop":
            theirs["channel"].isin(MARKETPLACES).mean() > 0.5,
        "they get far deeper discounts than the typical customer":
            costly["discount_share"].median() > 2 * table["discount_share"].median(),
        "they return or cancel several times as often as the average":
            costly["return_cancel_ratio"].mean() >= 3,
        "they bring a sizeable share of revenue":
            costly["revenue_vnd"].sum() > 0.1 * table["revenue_vnd"].sum(),
        "they bring almost none of the margin": costly["gross_margin_vnd"].sum() < 0.03 * total,
        "by RFM most of them would be champions":
            (costly["m_score"] >= 4).mean() > 0.5 and (costly["f_score"] >= 4).mean() > 0.5,
        "the cafés come first in the beachhead": first["segment"] == "cafe",
        "cafés win on margin share and margin per customer":
            {"margin_share", "margin_per_customer_vnd"} <= set(first["wins_on"].split(", ")),
        "cafés are not the cheapest to serve":
            s.loc["cafe", "median_cost_to_serve"] > s["median_cost_to_serve"].min(),
        "cafés close deals that take days, households rarely":
            has_deals["cafe"] > has_deals["household"],
        "households are the cheapest to serve by the median":
            s["median_cost_to_serve"].idxmin() == "household",
        "households never make the beachhead": "household" not in set(pick["segment"]),
        "there is a second pick, a closer call":
            len(pick) == 2 and pick.iloc[1]["margin_share"] < first["margin_share"],
        "a café spends most of its money on beans":
            mix.loc["cafe"].idxmax() == "beans" and mix.loc["cafe", "beans"] > 0.5,
        "households spend most of theirs on equipment":
            mix.loc["household"].idxmax() == "equipment",
        "equipment is the lowest-margin category": category_margin.idxmin() == "equipment",
        "every order has a customer": orders["customer_id"].notna().all(),
        "the answer of exercise 4 is the cafés":
            table.groupby("segment")["gross_margin_vnd"].mean().idxmax() == "cafe",
    }


def test_the_notebooks_statements_hold_on_the_shipped_data(clean):
    wrong = [text for text, holds in _statements(clean).items() if not holds]
    assert not wrong, f"notebook 01 says things the data no longer shows: {wrong}"


def test_the_notebooks_statements_hold_on_every_seed(world):
    clean = datasets.clean_model(world.raw, identity.resolve(world.raw))
    wrong = [text for text, holds in _statements(clean).items() if not holds]
    assert not wrong, f"notebook 01 says things this seed does not show: {wrong}"


def test_the_notebook_text_has_no_numbers_from_the_data():
    """Markdown numbers would go stale with the data; only rules and names may appear."""
    allowed = {"0", "1", "2", "3", "4", "5", "6", "7", "10", "20", "25", "30", "50", "100", "360",
               "001", "00", "01", "02", "03", "05", "4.1", "555", "5%", "20%", "25%", "30%", "50%",
               "10%"}
    found = markdown_numbers("01_most_profitable_customers.ipynb")
    assert found <= allowed, f"numbers in the notebook's text: {sorted(found - allowed)}"
