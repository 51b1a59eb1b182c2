"""Notebook 00: its exercises, the charts it draws and its explorers."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from c360lab import contract, plots, widgets  # noqa: E402
from c360lab.exercises import exercises_of  # noqa: E402
from c360lab.exercises import nb00 as ex  # noqa: E402

from conftest import assert_solution_passes, differing  # noqa: E402


@pytest.fixture(scope="module")
def person_id(raw, key):
    return widgets.showcase_person(raw, key)


@pytest.fixture(scope="module")
def namespace(raw, key, person_id):
    """What the notebook has defined when its exercise cells run."""
    return {"raw": raw, "key": key, "person_id": person_id, "widgets": widgets, "pd": pd}


# -- exercises ---------------------------------------------------------------------------------

def test_the_notebook_has_three_exercises():
    assert [q.name for q in exercises_of(ex)] == ["q1", "q2", "q3"]


@pytest.mark.parametrize("name", ["q1", "q2", "q3"])
def test_solution_passes_its_own_check(name, namespace, capsys):
    assert_solution_passes(getattr(ex, name), namespace, capsys)


def test_q1_typical_wrong_answers_fail_with_their_message(raw, key, capsys):
    crm = raw["crm_contacts"]
    links = key["record_links"]
    people = links.loc[links["table"] == "crm_contacts", "person_id"].nunique()
    expected = len(crm) - people
    assert expected == ex.q1.expected()
    assert expected > 0, "the sample should hold CRM duplicates (planted story 2)"
    for wrong in differing([people, len(crm)], expected):
        ex.q1.assert_check_failed(wrong)
    ex.q1.check(people)
    assert "number of real people in the CRM" in capsys.readouterr().out
    ex.q1.check(len(crm))
    assert "some of them are the same person" in capsys.readouterr().out
    ex.q1.assert_check_failed(str(expected))  # text, not a number


def test_q2_typical_wrong_answers_fail(raw, key, person_id, capsys):
    records = widgets.person_records(raw, key, person_id)
    expected = records["phone"].nunique()
    assert expected == ex.q2.expected()
    assert expected >= 2, "the person followed should have several phone forms"
    candidates = [len(records), int(records["phone"].count()), 1, records["export"].nunique()]
    for wrong in differing(candidates, expected):
        ex.q2.assert_check_failed(wrong)
    ex.q2.check(len(records))
    assert "number of records" in capsys.readouterr().out


def test_q3_typical_wrong_answers_fail_with_their_message(raw, capsys):
    filled = raw["crm_contacts"]["main_barrier"].notna()
    expected = filled.mean()
    assert expected == pytest.approx(ex.q3.expected())
    assert 0 < expected < 1
    for wrong in differing([100 * expected, 1 - expected, int(filled.sum())], expected, 3):
        ex.q3.assert_check_failed(wrong)
    ex.q3.check(100 * expected)
    assert "looks like a percentage" in capsys.readouterr().out
    ex.q3.check(1 - expected)
    assert "missing" in capsys.readouterr().out
    ex.q3.assert_check_passed(round(expected, 3))  # a rounded answer is still right


# -- plots -------------------------------------------------------------------------------------

def test_bar_returns_axes_with_title_labels_and_reference():
    ax = plots.bar(pd.Series({"Zalo": 30, "Cửa hàng": 12}), title="Which channel sells most?",
                   xlabel="orders", reference=20, reference_label="target")
    assert isinstance(ax, Axes)
    assert ax.get_title() == "Which channel sells most?"
    assert ax.get_xlabel() == "orders"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Zalo", "Cửa hàng"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["target"]


def test_bar_vertical_draws_one_bar_per_value():
    ax = plots.bar(pd.Series([3, 1, 2], index=["a", "b", "c"]), title="Q?", ylabel="people",
                   horizontal=False)
    assert len(ax.patches) == 3
    assert ax.get_ylabel() == "people"


def test_bars_grouped_and_stacked():
    table = pd.DataFrame({"completed": [5, 3], "returned": [1, 2]}, index=["web", "shopee"])
    grouped = plots.bars(table, title="Which channel returns most?", ylabel="orders")
    stacked = plots.bars(table, title="Stacked?", xlabel="orders", stacked=True, horizontal=True,
                         legend_title="status")
    assert grouped.get_title() == "Which channel returns most?"
    assert len(grouped.patches) == 4 and len(stacked.patches) == 4
    assert stacked.get_legend().get_title().get_text() == "status"


def test_lines_over_monthly_periods():
    table = pd.DataFrame({"facebook_ads": [5.0, 6.0, 7.0], "zalo_ads": [2.0, 2.5, 3.0]},
                         index=pd.period_range("2024-01", periods=3, freq="M"))
    ax = plots.lines(table, title="Where does the budget go?", ylabel="million VND")
    assert isinstance(ax, Axes)
    assert ax.get_title() == "Where does the budget go?"
    assert len(ax.get_lines()) == 2


def test_small_lines_returns_a_figure_with_one_panel_per_column():
    table = pd.DataFrame({"a": [1, 2, 3], "b": [3, 2, 1], "c": [0, 1, 0]},
                         index=pd.period_range("2025-01", periods=3, freq="M"))
    fig = plots.small_lines(table, title="How busy is each system?", ylabel="records", ncols=2)
    assert isinstance(fig, Figure)
    assert fig.get_suptitle() == "How busy is each system?"
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["a", "b", "c"]


def test_nps_distribution_counts_each_score_in_its_group():
    ax = plots.nps_distribution(pd.Series([0, 6, 7, 8, 9, 10, 10, None]), title="NPS?")
    assert ax.get_title() == "NPS?"
    heights = {round(p.get_x() + p.get_width() / 2): p.get_height() for p in ax.patches}
    assert heights[10] == 2 and heights[6] == 1 and heights[3] == 0
    assert [c.get_facecolor() for c in ax.patches][0] != [c.get_facecolor() for c in ax.patches][-1]


def test_plots_do_not_change_the_users_defaults():
    before = dict(matplotlib.rcParams)
    plots.bar(pd.Series({"a": 1}), title="T")
    assert dict(matplotlib.rcParams) == before


def test_thousands_formatter():
    assert plots.thousands(1234567) == "1,234,567"
    assert plots.thousands(2.5) == "2.5"


# -- widgets -----------------------------------------------------------------------------------

def test_person_records_shows_every_linked_record_of_the_person(raw, key, person_id):
    records = widgets.person_records(raw, key, person_id)
    links = key["record_links"]
    mine = links[links["person_id"] == person_id]
    deals = raw["deals"]["contact_id"].isin(mine.loc[mine["table"] == "crm_contacts", "record_id"])
    assert len(records) == len(mine) + int(deals.sum())
    assert list(records.columns) == widgets.RECORD_COLUMNS
    assert set(records["export"]) == set(mine["table"]) | ({"deals"} if deals.any() else set())
    assert records["name"].nunique() >= 2 or records["phone"].nunique() >= 2


def test_person_records_reads_referral_columns_by_role():
    raw = {"referrals": pd.DataFrame({
        "referral_id": ["RF-1"], "referrer_code": ["PHIN-7"], "referrer_phone": ["0903 123 456"],
        "referred_name": ["Chị Lan"], "referred_phone": ["0912.345.678"],
        "referral_date": pd.to_datetime(["2025-03-01"]), "status": ["converted"],
        "reward_vnd": [100000]})}
    key = {"record_links": pd.DataFrame({"table": ["referrals", "referrals"],
                                         "record_id": ["RF-1", "RF-1"],
                                         "role": ["referrer", "referred"],
                                         "person_id": ["P1", "P2"]}),
           "persons": pd.DataFrame({"person_id": ["P1", "P2"], "full_name": ["An", "Lan"]})}
    referrer = widgets.person_records(raw, key, "P1")
    referred = widgets.person_records(raw, key, "P2")
    assert referrer[["role", "phone"]].values.tolist() == [["referrer", "0903 123 456"]]
    assert pd.isna(referrer.loc[0, "name"])
    assert referred[["role", "name", "phone"]].values.tolist() == [
        ["referred", "Chị Lan", "0912.345.678"]]


def test_spelling_counts_and_curated_people(raw, key, person_id):
    counts = widgets.spelling_counts(raw, key)
    assert counts.index.is_monotonic_increasing
    assert (counts["exports"] >= 1).all() and (counts["named_in"] <= counts["exports"]).all()
    people = widgets.people_in_many_exports(raw, key)
    assert 0 < len(people) <= 25
    assert (people["named_in"] >= 4).all() and (people["records"] <= 10).all()
    assert people.index[0] == person_id


def test_export_explorer_renders_its_first_view_and_rerenders_on_change(raw):
    explorer = widgets.explore_exports(raw)
    assert explorer.control.value == "crm_contacts"
    text = explorer.text
    assert "crm_contacts" in text and contract.TABLES["crm_contacts"].vi in text
    assert "mã liên hệ" in text  # the Vietnamese term of a column
    bundle = explorer.output.outputs[0]["data"]
    assert "<table" in bundle["text/html"]
    explorer.control.value = "surveys"
    assert explorer.text.startswith("surveys")
    assert len(explorer.output.outputs) == 1


def test_explorer_text_repr_is_short_and_deterministic(raw, key):
    first, second = widgets.explore_exports(raw), widgets.explore_exports(raw)
    assert repr(first) == repr(second)
    assert repr(first).startswith("Export explorer: crm_contacts")
    assert len(repr(first)) <= 110  # ipywidgets cuts longer text reprs
    finder = widgets.find_person(raw, key)
    assert len(repr(finder)) <= 110 and " at 0x" not in repr(finder)
    assert repr(finder) == repr(widgets.find_person(raw, key))


def test_person_finder_starts_on_the_showcase_person(raw, key, person_id):
    finder = widgets.find_person(raw, key)
    assert finder.control.value == person_id
    truth = key["persons"].set_index("person_id").loc[person_id]
    assert person_id in finder.text and truth["full_name"] in finder.text
    other = finder.control.options[1][1]
    finder.control.value = other
    assert finder.text.startswith(other)


# -- what the notebook's text says about the data -----------------------------------------------

def _statements(raw, key):
    """Each sentence notebook 00 writes about the data (its markdown has no numbers), checked."""
    sizes = pd.Series({name: len(table) for name, table in raw.items()}).sort_values()
    crm, orders, web = raw["crm_contacts"], raw["shop_orders"], raw["web_events"]
    status = pd.crosstab(orders["channel"], orders["status"])
    problems = 1 - status["completed"] / status.sum(axis="columns")
    lines = raw["order_lines"]
    sales = (lines["quantity"] * lines["unit_price_vnd"]).groupby(lines["category"]).sum()
    cost = (lines["quantity"] * lines["unit_cost_vnd"]).groupby(lines["category"]).sum()
    keep = (sales - cost) / sales
    events = web.sort_values("event_time")
    first_form = events[events["event_type"] == "form_submit"].groupby("anonymous_id")[
        "event_time"].min()
    form_time = events["anonymous_id"].map(first_form)
    email_before_form = events["email"].notna() & ~(events["event_time"] >= form_time)
    badges = raw["community"]["badge"].value_counts()
    spend = raw["marketing_spend"].groupby("channel")["spend_vnd"].sum()
    referrals = raw["referrals"]["status"].value_counts(normalize=True)
    counts = widgets.spelling_counts(raw, key)
    several = counts[counts["exports"] >= 2]
    links = key["record_links"]
    buyers = links.loc[links["table"] == "shop_orders", "person_id"].nunique()
    marketplaces = ["shopee", "tiktok_shop"]
    return {
        "web events and orders are the biggest exports":
            {"web_events", "shop_orders", "order_lines"} >= set(sizes.index[-3:]),
        "surveys, tickets, referrals and community are among the smallest":
            {"surveys", "tickets", "referrals", "community"} <= set(sizes.index[:6]),
        "Facebook ads bring the most contacts": crm["lead_source"].value_counts().idxmax()
            == "facebook_ads",
        "almost every deal is closed": raw["deals"]["stage"].isin(["won", "lost"]).mean() > 0.8,
        "every lost deal has a reason":
            raw["deals"].loc[raw["deals"]["stage"] == "lost", "lost_reason"].notna().mean() > 0.95,
        "most orders are completed": (orders["status"] == "completed").mean() > 0.5,
        "marketplaces end a much larger share of orders badly":
            problems[marketplaces].min() > 1.75 * problems.drop(marketplaces).max(),
        "equipment keeps about a quarter, training more than half":
            0.2 < keep["equipment"] < 0.3 and keep["training"] > 0.5,
        "page views dominate": web["event_type"].value_counts().idxmax() == "page_view",
        "an e-mail appears only after a form": not email_before_form.any(),
        "most members hold the first badges, a few are experts":
            badges.get("Chuyên gia Cộng đồng", 0)
            < badges.drop("Chuyên gia Cộng đồng", errors="ignore").min()
            and badges.idxmax() in ("Thành viên", "Thành viên Bạc"),
        "Facebook ads take the largest share of the budget": spend.idxmax() == "facebook_ads",
        "many referrals convert": referrals.get("converted", 0) > 0.4,
        "for many people the phone takes two or more forms":
            (several["phone_forms"] >= 2).mean() > 0.4,
        "the shop's phone count exceeds the real buyers": orders["buyer_phone"].nunique() > buyers,
        "CRM 'customers' are fewer than the real buyers":
            (crm["care_status"] == "customer").sum() < buyers,
        "a person written in four exports exists":
            len(widgets.people_in_many_exports(raw, key)) > 0,
    }


def test_the_notebooks_statements_hold_on_the_shipped_data(raw, key):
    wrong = [text for text, holds in _statements(raw, key).items() if not holds]
    assert not wrong, f"notebook 00 says things the data no longer shows: {wrong}"


def test_the_notebooks_statements_hold_on_every_seed(world):
    wrong = [text for text, holds in _statements(world.raw, world.sample.answer_key).items()
             if not holds]
    assert not wrong, f"notebook 00 says things this seed does not show: {wrong}"
