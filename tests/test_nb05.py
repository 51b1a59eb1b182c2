"""Notebook 05: its exercises, its two explorers, and the sentences it writes about the data."""

import pandas as pd
import pytest

from c360lab import datasets, profile, widgets
from c360lab.exercises import exercises_of
from c360lab.exercises import nb05 as ex
from conftest import assert_solution_passes

NAMES = ["q1", "q2", "q3", "q4"]


@pytest.fixture(scope="module")
def clean():
    return datasets.load_clean()


@pytest.fixture(scope="module")
def p(clean):
    return profile.build_profile(clean)


@pytest.fixture(scope="module")
def leads(clean):
    return profile.backtest(clean, cutoff=ex.CUTOFF)


@pytest.fixture(scope="module")
def namespace(clean, p, leads):
    """What the notebook has defined when its exercise cells run."""
    return {"clean": clean, "p": p, "leads": leads, "profile": profile, "ex": ex, "pd": pd}


# -- exercises ---------------------------------------------------------------------------------

def test_the_notebook_has_four_exercises():
    assert [q.name for q in exercises_of(ex)] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_its_own_check(name, namespace, capsys):
    assert_solution_passes(getattr(ex, name), namespace, capsys)


def test_q1_typical_wrong_answers_fail(p, capsys):
    hot = p["band"] == "hot"
    assert ex.q1.expected() == int((hot & ~p["is_customer"]).sum())
    for wrong in (int(hot.sum()), int((hot & p["is_customer"]).sum())):
        ex.q1.assert_check_failed(wrong)
    ex.q1.check(int(hot.sum()))
    assert "hot customers too" in capsys.readouterr().out


def test_q2_typical_wrong_answers_fail(leads, capsys):
    rate = leads.groupby("band")["became_customer"].mean()
    n = leads.groupby("band")["became_customer"].sum()
    expected = rate["hot"] / rate["cold"]
    assert ex.q2.expected() == pytest.approx(expected)
    assert expected >= 3  # story 5, as the notebook's exercise reads it
    for wrong in (rate["cold"] / rate["hot"], rate["hot"] - rate["cold"], n["hot"] / n["cold"]):
        ex.q2.assert_check_failed(float(wrong))
    ex.q2.check(float(rate["cold"] / rate["hot"]))
    assert "cold ÷ hot" in capsys.readouterr().out


def test_q3_typical_wrong_answers_fail(p, capsys):
    no = ~p["marketing_consent"]
    assert ex.q3.expected() == int((no & (p["action_channel"] != "none")).sum())
    for wrong in (int(no.sum()), int((p["action_channel"] != "none").sum())):
        ex.q3.assert_check_failed(wrong)
    ex.q3.check(int(no.sum()))
    assert "most of them get no action" in capsys.readouterr().out


def test_q4_typical_wrong_answers_fail(leads, capsys):
    did = leads["pricing_views"] > 0
    expected = leads.loc[did, "became_customer"].mean()
    assert ex.q4.expected() == pytest.approx(expected)
    for wrong in (100 * expected, leads["became_customer"].mean(),
                  leads.loc[~did, "became_customer"].mean()):
        ex.q4.assert_check_failed(float(wrong))
    ex.q4.check(float(leads.loc[~did, "became_customer"].mean()))
    assert "never viewed" in capsys.readouterr().out


# -- the explorers ------------------------------------------------------------------------------

def test_score_bands_by_hand():
    today = pd.DataFrame({"band": ["hot", "warm", "cold", "cold"],
                          "is_customer": [False, False, False, True]})
    then = pd.DataFrame({"band": ["hot", "hot", "cold", "cold", "cold", "cold"],
                         "became_customer": [True, False, True, False, False, False]})
    t = widgets.score_bands(today, then).set_index("band")
    assert t["leads today"].tolist() == [1, 1, 1]
    assert t["leads at cut-off"].tolist() == [2, 0, 4]
    assert t.loc["hot", "close rate"] == 0.5 and t.loc["cold", "close rate"] == 0.25
    assert pd.isna(t.loc["warm", "close rate"])


def test_weights_explorer_rerenders_with_new_weights(p, leads):
    w = widgets.explore_weights(p, leads)
    assert repr(w).startswith("Lead-score weights: pricing_views=2")
    before = w.text
    assert "hot leads closed" in before and "top lead today" in before
    html = w.output.outputs[0]["data"]["text/html"]
    assert "points ·" in html  # the top lead's card is under the table
    w.sliders["pricing_views"].value = 8
    after = w.text
    assert after != before
    rescored = profile.rescore(p, w.weights)
    hot_now = int(((rescored["band"] == "hot") & ~rescored["is_customer"]).sum())
    row = [line for line in after.splitlines() if line.strip().startswith("hot")][0]
    assert row.split()[1] == str(hot_now)


def test_rescore_equals_a_rebuild_with_the_weights(clean, p):
    w = {"pricing_views": 6, "inactive_90_days": -3}
    pd.testing.assert_frame_equal(profile.rescore(p, w), profile.build_profile(clean, weights=w))


def test_card_browser_offers_every_rule_and_renders_cards(p):
    chosen = widgets.cards_to_browse(p)
    assert set(chosen["action_rule"]) == set(p["action_rule"])
    assert chosen.groupby("action_rule").size().max() <= 2
    b = widgets.browse_cards(p)
    assert repr(b).startswith(f"Card browser: {chosen.loc[0, 'customer_id']}")
    last = chosen["customer_id"].iloc[-1]
    b.control.value = last
    assert b.text.startswith(f"{last}:")
    assert b.output.outputs[0]["data"]["text/html"] == profile.card_html(p, last)


# -- what the notebook says about the data -------------------------------------------------------

def _statements(clean) -> dict:
    """Each sentence notebook 05 writes about the data (its markdown has no numbers), checked."""
    p = profile.build_profile(clean)
    leads = profile.backtest(clean, cutoff=ex.CUTOFF)
    rate = leads.groupby("band")["became_customer"].mean()
    lead_bands = p.loc[~p["is_customer"], "band"].value_counts(normalize=True)
    leaky = p.groupby("band")["is_customer"].mean()
    no = p[~p["marketing_consent"]]
    signals = ["pricing_views", "case_study_views", "catalog_downloads", "consultations"]
    cafes = p[(p["segment"] == "cafe") & (p["pricing_views"] > 0) & p["main_barrier"].notna()
              & p["outlets"].notna()]
    return {
        "one row per customer, every customer of step 2":
            len(p) == len(clean["customers"]) and p["customer_id"].is_unique,
        "leads who never bought are in the profile": (~p["is_customer"]).sum() > 0,
        "a café with outlets, pricing views and a barrier exists": len(cafes) > 0,
        "most leads are cold, the hot ones are few":
            lead_bands["cold"] > 0.5 and lead_bands["hot"] < lead_bands["warm"] < 0.5,
        "each behaviour goes with a higher close rate": all(
            leads.loc[leads[s] > 0, "became_customer"].mean()
            > leads.loc[leads[s] == 0, "became_customer"].mean() for s in signals),
        "bands in the right order": rate["hot"] > rate["warm"] > rate["cold"],
        "hot leads closed many times as often as cold (story 5: at least 3x)":
            rate["hot"] >= 3 * rate["cold"],
        "the leaky check looks even better than the back-test":
            leaky["hot"] > rate["hot"] and leaky["cold"] > rate["cold"],
        "no customer without consent gets a marketing action":
            not no["action_channel"].isin(profile.MARKETING_CHANNELS).any(),
        "many buyers never gave consent": (no["is_customer"]).sum() > 0.3 * p["is_customer"].sum(),
        "buyers without consent get after-sales care while their order is recent":
            (no["action_rule"] == "after_sales_care").any(),
        "buyers without consent get a check-in call from care when they go quiet":
            (no["action_rule"] == "at_risk_check_in").any(),
        "a customer at risk gets a win-back offer or a check-in call, never a referral invite":
            not p.loc[p["lifecycle"] == "at_risk", "action_rule"].eq("referral_invite").any()
            and p.loc[(p["lifecycle"] == "at_risk") & (p["open_deals"] == 0), "action_rule"]
            .isin(["at_risk_win_back", "at_risk_check_in"]).all(),
    }


def test_the_notebooks_statements_hold_on_the_shipped_data(clean):
    wrong = [text for text, holds in _statements(clean).items() if not holds]
    assert not wrong, f"notebook 05 says things the data no longer shows: {wrong}"


def test_the_notebooks_statements_hold_on_every_seed(world):
    wrong = [text for text, holds in _statements(world.clean).items() if not holds]
    assert not wrong, f"notebook 05 says things this seed does not show: {wrong}"
