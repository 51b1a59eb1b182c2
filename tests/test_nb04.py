"""Notebook 04: its exercises, its chart, its tagger widget and what its text says."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from c360lab import datasets, insight, plots, vietnam, widgets  # noqa: E402
from c360lab.exercises import exercises_of  # noqa: E402
from c360lab.exercises import nb04 as ex  # noqa: E402

from conftest import assert_solution_passes, differing  # noqa: E402

NAMES = ["q1", "q2", "q3"]


@pytest.fixture(scope="module")
def clean():
    return datasets.load_clean()


@pytest.fixture(scope="module")
def namespace(clean, key):
    tags = insight.tag_texts(clean)
    return {"clean": clean, "key": key, "tags": tags,
            "shares": insight.barriers_by_segment(clean, tags=tags),
            "insight": insight, "ex": ex, "pd": pd}


# -- exercises ---------------------------------------------------------------------------------

def test_the_notebook_has_three_exercises():
    assert [q.name for q in exercises_of(ex)] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_its_own_check(name, namespace, capsys):
    assert_solution_passes(getattr(ex, name), namespace, capsys)


def test_q1_typical_wrong_answers_fail(namespace, capsys):
    office = namespace["shares"].drop(columns="n").loc["office"].sort_values(ascending=False)
    assert ex.q1.expected() == office.index[0]
    ex.q1.assert_check_passed(office.index[0].upper())
    for wrong in (office.index[1], "n", 3):
        ex.q1.assert_check_failed(wrong)
    ex.q1.check(office.index[1])
    assert "second barrier" in capsys.readouterr().out


def test_q2_typical_wrong_answers_fail(namespace, capsys):
    clean = namespace["clean"]
    expected = ex.q2.expected()
    lost = (clean["deals"]["lost_reason"].fillna("").str.strip() != "").sum()
    per_deal = expected * lost / len(clean["deals"])
    for wrong in differing([100 * expected, per_deal, ex._any_price_share()], expected,
                           at_least=3):
        ex.q2.assert_check_failed(wrong)
    ex.q2.check(per_deal)
    assert "lost deals only" in capsys.readouterr().out


def test_q3_works_on_text_without_diacritics(capsys):
    assert vietnam.strip_diacritics(ex.BARE_SENTENCE) == ex.BARE_SENTENCE
    ex.q3.assert_check_passed(ex.q3.expected())
    for wrong in ("barrier", "price", "no_time"):
        ex.q3.assert_check_failed(wrong)
    ex.q3.check("barrier")
    assert "the group" in capsys.readouterr().out


# -- chart ---------------------------------------------------------------------------------------

def test_barrier_mix_stacks_each_segment_to_one_hundred_percent(clean):
    shares = insight.barriers_by_segment(clean)
    ax = plots.barrier_mix(shares, title="Which barrier?")
    assert isinstance(ax, Axes) and ax.get_title() == "Which barrier?"
    n_bars = len(shares) * (len(shares.columns) - 1)
    assert len(ax.patches) == n_bars
    ends = {}
    for p in ax.patches:
        ends[round(p.get_y(), 6)] = max(ends.get(round(p.get_y(), 6), 0), p.get_x() + p.get_width())
    assert all(v == pytest.approx(100) for v in ends.values())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(shares.columns[:-1])
    assert ax.get_xlabel() == "customers with a known barrier (%)"


def test_plots_of_notebook_04_do_not_change_the_users_defaults():
    before = dict(matplotlib.rcParams)
    plots.barrier_mix(pd.DataFrame({"price": [1.0]}, index=["x"]))
    assert dict(matplotlib.rcParams) == before


# -- tagger widget -------------------------------------------------------------------------------

def test_tag_sentence_puts_the_main_tag_first_with_its_offer():
    t = widgets.tag_sentence("Cà phê ngon nhưng giá đắt quá")
    assert t["tag"].tolist() == ["price", "praise_quality"]
    assert t.at[0, "offer_en"] == insight.playbook().loc["price", "offer_en"]
    assert t.at[1, "offer_en"] == ""
    assert widgets.tag_sentence("Dạ em cảm ơn").empty


def test_tagger_renders_and_rerenders():
    explorer = widgets.explore_tags()
    assert "no_staff" in explorer.text and "thieu nhan vien" in explorer.text
    assert "<table" in explorer.output.outputs[0]["data"]["text/html"]
    explorer.control.value = "Dạ em cảm ơn"
    assert "no tag" in explorer.text and len(explorer.output.outputs) == 1


def test_tagger_repr_is_short_and_deterministic():
    first, second = widgets.explore_tags(), widgets.explore_tags()
    assert repr(first) == repr(second)
    assert repr(first).startswith("Tagger: ") and " at 0x" not in repr(first)


def test_tagger_uses_a_users_taxonomy(tmp_path):
    own = tmp_path / "mine.toml"
    own.write_text('[barrier.price]\nkeywords_vi = ["mắc quá"]\n', encoding="utf-8")
    explorer = widgets.explore_tags("Mắc quá shop ơi", taxonomy=insight.load_taxonomy(own))
    assert "main tag price" in explorer.text


# -- what the notebook's text says about the data -----------------------------------------------

def _statements(clean, labels):
    """Each sentence notebook 04 writes about the data (its markdown has no numbers), checked."""
    tags = insight.tag_texts(clean)
    ins = insight.customer_insights(clean, tags=tags)
    shares = insight.barriers_by_segment(clean, insights=ins)
    main = shares.drop(columns="n").idxmax(axis=1)
    lost = insight.main_tags(tags[tags["column"] == "lost_reason"])["tag"].value_counts(
        normalize=True)
    f1 = {}
    for table, column, id_column in insight.TEXT_COLUMNS[:2]:
        truth = labels[labels["table"] == table].set_index("record_id")["label"]
        texts = clean[table].set_index(id_column)[column].reindex(truth.index)
        for strip in (False, True):
            t = texts.map(vietnam.strip_diacritics) if strip else texts
            f1[table, strip] = insight.tagging_scores(
                insight.main_tags(insight.tag(t)), truth).loc["macro", "f1"]
    pains = ins["main_pain"].value_counts()
    desire = ins["main_desire"].value_counts()
    seg_desire = ins.groupby("segment")["main_desire"].agg(lambda s: s.value_counts().index[0])
    return {
        "no single barrier explains most lost deals; every barrier shows up":
            lost.iloc[0] < 1 / 3 and len(lost) == 6,
        "the tagger agrees with the answer key on nearly every text": min(
            f1[k] for k in f1 if not k[1]) >= 0.95,
        "stripping diacritics changes nothing": all(
            f1[t, True] == f1[t, False] for t in ("deals", "surveys")),
        "households: price": main["household"] == "price",
        "offices: trust": main["office"] == "trust",
        "small cafés: no staff or no time, together more than half":
            main["small_cafe"] in ("no_staff", "no_time")
            and shares.loc["small_cafe", ["no_staff", "no_time"]].sum() > 0.5,
        "cafe chains: not no staff / no time":
            main["cafe_chain"] not in ("no_staff", "no_time"),
        "most customers have no barrier on record": ins["main_barrier"].isna().mean() > 0.5,
        "machine issues and delivery are the commonest surface pains":
            set(pains.index[:2]) <= {"machine_issue", "delivery", "slow_response"},
        "cafés want skills or a stable supply, households coffee at home":
            seg_desire["household"] == "home_coffee"
            and seg_desire["small_cafe"] in ("skilled_team", "stable_supply", "grow_revenue",
                                             "reliable_equipment"),
        "root pains (competitors' prices) show up in the B2B segments":
            (ins[ins["segment"] == "office"]["main_pain"] == "price_competition").any()
            and not (ins[ins["segment"] == "household"]["main_pain"]
                     == "price_competition").any(),
        "desires are known for more customers than barriers":
            desire.sum() > ins["main_barrier"].notna().sum(),
    }


def test_the_notebooks_statements_hold_on_the_shipped_data(clean, key):
    wrong = [text for text, holds in _statements(clean, key["text_labels"]).items() if not holds]
    assert not wrong, f"notebook 04 says things the data no longer shows: {wrong}"


def test_the_notebooks_statements_hold_on_every_seed(world):
    wrong = [text for text, holds in _statements(
        world.clean, world.sample.answer_key["text_labels"]).items() if not holds]
    assert not wrong, f"notebook 04 says things this seed does not show: {wrong}"
