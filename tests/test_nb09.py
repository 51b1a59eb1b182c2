"""Notebook 09: its exercises, its chart, its rule builder and what its text says."""

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from c360lab import automation, datasets, kpi, plots, widgets  # noqa: E402
from c360lab.exercises import exercises_of  # noqa: E402
from c360lab.exercises import nb09 as ex  # noqa: E402

from conftest import assert_solution_passes, differing, markdown_numbers  # noqa: E402

NAMES = ["q1", "q2", "q3"]
NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "09_automation_playbook.ipynb"


@pytest.fixture(scope="module")
def clean():
    return datasets.load_clean()


@pytest.fixture(scope="module")
def namespace(clean):
    """What the notebook has defined when its exercise cells run."""
    rules = automation.load_rules()
    return {"clean": clean, "rules": rules, "automation": automation, "ex": ex, "pd": pd,
            "fired": automation.simulate(rules, clean, start="2025-01-01", end="2026-01-01"),
            "sends": clean["automation_sends"], "hours": automation.best_send_hour(clean)}


# -- exercises ---------------------------------------------------------------------------------

def test_the_notebook_has_three_exercises():
    assert [q.name for q in exercises_of(ex)] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_its_own_check(name, namespace, capsys):
    assert_solution_passes(getattr(ex, name), namespace, capsys)


def test_q1_typical_wrong_answers_fail(namespace, capsys):
    s = automation.simulation_summary(namespace["fired"], namespace["rules"]).loc["cart_reminder"]
    expected = s["customers_reached"]
    assert ex.q1.expected() == expected
    for wrong in differing([s["sent"], s["triggered"], s["blocked_no_consent"]], expected):
        ex.q1.assert_check_failed(int(wrong))
    ex.q1.check(int(s["triggered"]))
    assert "every abandoned cart" in capsys.readouterr().out


def test_q2_typical_wrong_answers_fail(namespace, capsys):
    r = automation.ab_test(namespace["sends"], trigger="cart_abandon").iloc[0]
    expected = r["diff_low"]
    assert ex.q2.expected() == pytest.approx(expected)
    for wrong in differing([100 * expected, r["difference"], r["relative_lift"], r["diff_high"]],
                           expected, rtol=0.01):
        ex.q2.assert_check_failed(float(wrong))
    ex.q2.check(float(r["difference"]))
    assert "observed difference" in capsys.readouterr().out


def test_q3_typical_wrong_answers_fail(namespace, capsys):
    cmp = automation.send_hour_comparison(namespace["sends"], namespace["hours"])
    expected = cmp.loc["usual hour", "rate"] - cmp.loc["9:00", "rate"]
    assert ex.q3.expected() == pytest.approx(expected)
    for wrong in differing([100 * expected, -expected, cmp.loc["usual hour", "relative_lift"],
                            cmp.loc["usual hour", "rate"]], expected, rtol=0.01):
        ex.q3.assert_check_failed(float(wrong))
    ex.q3.check(float(-expected))
    assert "other way round" in capsys.readouterr().out


# -- chart -------------------------------------------------------------------------------------

def test_rate_intervals_draws_each_rate_with_its_interval_in_percent():
    rates = pd.DataFrame({"rate": [0.1, 0.3], "rate_low": [0.05, 0.2], "rate_high": [0.2, 0.4]},
                         index=["A", "B"])
    before = dict(matplotlib.rcParams)
    ax = plots.rate_intervals(rates, title="Which is higher?", xlabel="opened (%)")
    assert ax.get_title() == "Which is higher?" and ax.get_xlabel() == "opened (%)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
    assert [t.get_text() for t in ax.texts] == ["10.0%", "30.0%"]
    spans = [tuple(line.get_xdata()) for line in ax.get_lines()[::2]]
    assert spans == [(5.0, 20.0), (20.0, 40.0)]
    assert dict(matplotlib.rcParams) == before


# -- rule builder ------------------------------------------------------------------------------

def test_rule_reach_matches_the_simulator(clean):
    rule = automation.parse_rules([{
        "name": "cafes", "trigger": "cart_abandoned", "action": "call", "channel": "zalo_oa",
        "delay": "0", "frequency_cap": {"max": 1, "per": "1w"}, "purpose": "marketing",
        "condition": [{"field": "segment", "op": "==", "value": "cafe"}]}])[0]
    line, table = widgets.rule_reach(rule, clean)
    fired = automation.simulate([rule], clean, start="2025-01-01", end="2026-01-01")
    sent = fired[fired["status"] == "sent"]
    assert line.startswith(f"cafes: {sent['customer_id'].nunique():,} customers reached with "
                           f"{len(sent):,} sends")
    assert table["segment"].tolist() == ["cafe"]
    assert table.iloc[0][["triggered", "sent", "no consent", "over the cap"]].tolist() == [
        len(fired), len(sent), int((fired["status"] == "blocked: no consent").sum()),
        int((fired["status"] == "blocked: frequency cap").sum())]


def test_rule_builder_renders_and_rerenders(clean):
    builder = widgets.build_rule(clean)
    assert builder.text.startswith("Rule: my_rule: when cart_abandoned (window 1h) → your "
                                   "message via zalo_zns")
    assert "<table" in builder.output.outputs[0]["data"]["text/html"]
    builder.control.segments.value = ("office",)
    assert "segment in ['office']" in builder.text and len(builder.output.outputs) == 1
    builder.control.purpose.value = "service"
    assert "0 held back for lack of consent" in builder.text
    builder.control.trigger.value = "survey_answered"
    assert builder.text.startswith("Rule: my_rule: when survey_answered")


def test_rule_builder_repr_is_short_and_deterministic(clean):
    hours = automation.best_send_hour(clean)
    first = widgets.build_rule(clean, hours=hours)
    second = widgets.build_rule(clean, hours=hours)
    assert repr(first) == repr(second) == ("Rule builder: cart_abandoned; run the notebook to "
                                           "change the rule")
    assert " at 0x" not in repr(widgets.build_rule(clean, trigger="long_silence", hours=hours))
def _statements(clean):
    """Each sentence notebook 09 writes about the data (its markdown has no numbers), checked."""
    rules = automation.load_rules()
    fired = automation.simulate(rules, clean, start="2025-01-01", end="2026-01-01")
    s = automation.simulation_summary(fired, rules)
    by = {r.name: r.purpose for r in rules}
    mk = s[[by[n] == "marketing" for n in s.index]]
    sv = s[[by[n] == "service" for n in s.index]]
    in_crm = set(clean["crm_contacts"]["customer_id"].dropna())
    nc = fired[fired["status"] == "blocked: no consent"].drop_duplicates("customer_id")
    unknown = (~nc["customer_id"].isin(in_crm)).mean()
    rates = automation.variant_rates(clean["automation_sends"], trigger="cart_abandon")
    ab = automation.ab_test(clean["automation_sends"], trigger="cart_abandon").iloc[0]
    hours = automation.best_send_hour(clean)
    own = hours[hours["basis"] == "own activity"]
    cmp = automation.send_hour_comparison(clean["automation_sends"], hours)
    esc = automation.escalations(clean)
    conv = kpi.lead_conversion_rate(clean["crm_contacts"], clean["shop_orders"], by="lead_source",
                                    start="2025-01-01", end="2026-01-01")
    leak = kpi.leakage_rate(clean, by="lead_source", start="2025-01-01", end="2026-01-01")
    rt = kpi.response_time(clean["inbox_messages"], by="channel", start="2025-01-01",
                           end="2026-01-01")
    cpl = kpi.cost_per_lead(clean["marketing_spend"], clean["crm_contacts"], start="2025-01-01",
                            end="2026-01-01")
    ads = ["facebook_ads", "tiktok_ads"]
    chat = rt.loc[["facebook_messenger", "zalo_oa"]]
    return {
        "every rule of the playbook reaches someone": (s["sent"] > 0).all(),
        "marketing rules lose a large share of their triggers to missing consent":
            (mk["blocked_no_consent"] / mk["triggered"]).min() >= 0.2,
        "service rules never lose a trigger to consent": (sv["blocked_no_consent"] == 0).all(),
        "the survey after purchase is the rule the cap holds back most":
            s["blocked_frequency_cap"].idxmax() == "survey_after_purchase",
        "most held-back customers are unknown to the CRM, some said no": 0.5 < unknown < 1,
        "a cart_reminder customer was held back by the cap":
            ((fired["rule"] == "cart_reminder")
             & (fired["status"] == "blocked: frequency cap")).any(),
        "story 9: the two intervals do not touch":
            rates.loc["B", "rate_low"] > rates.loc["A", "rate_high"],
        "story 9: the difference's interval lies above zero": ab["diff_low"] > 0,
        "the most common usual hours are in the evening":
            set(own["best_hour"].value_counts().nlargest(3).index) <= set(range(18, 24)),
        "more customers are active in the evening than in the morning":
            own["best_hour"].between(18, 23).mean() > own["best_hour"].between(6, 11).mean(),
        "story 9: usual hour opened clearly more than 9:00, interval well above zero":
            cmp.loc["usual hour", "rate"] >= cmp.loc["9:00", "rate"] + 0.1
            and cmp.loc["usual hour", "diff_low"] > 0.05,
        "complaints are the largest escalation group": esc["reason"].value_counts().idxmax()
            == "complaint",
        "referral leads convert best": conv["conversion_rate"].idxmax() == "referral",
        "referral leaks far less than the ads leads":
            leak.loc["referral", "leakage_rate"] <= 0.6 * leak.loc[ads, "leakage_rate"].min(),
        "the two ads sources convert worst":
            set(conv["conversion_rate"].nsmallest(2).index) == set(ads),
        "the hotline answers at once": rt.loc["hotline", "median_minutes"] <= 2,
        "chat channels wait much longer": chat["median_minutes"].min() >= 5 * max(
            rt.loc["hotline", "median_minutes"], 1),
        "chat's slowest replies take hours": chat["slowest_minutes"].min() >= 120,
        "cost per lead looks alike across the ads channels":
            cpl["cost_per_lead_vnd"].astype(float).max()
            <= 1.25 * cpl["cost_per_lead_vnd"].astype(float).min(),
    }


def test_the_notebooks_statements_hold_on_the_shipped_data(clean):
    wrong = [text for text, holds in _statements(clean).items() if not holds]
    assert not wrong, f"notebook 09 says things the data no longer shows: {wrong}"


def test_the_notebooks_statements_hold_on_every_seed(world):
    wrong = [text for text, holds in _statements(world.clean).items() if not holds]
    assert not wrong, f"notebook 09 says things this seed does not show: {wrong}"


def _markdown() -> list[str]:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def test_the_notebook_text_has_no_numbers_from_the_data():
    """Markdown numbers would go stale with the data; only rules and names may appear."""
    allowed = {"1", "2", "3", "4", "5", "6", "00", "002", "003", "004", "01", "08", "09", "10",
               "0", "7", "9", "11", "95%", "0–6", "2025", "360"}
    found = markdown_numbers("09_automation_playbook.ipynb")
    assert found <= allowed, f"numbers in the notebook's text: {sorted(found - allowed)}"


def test_the_notebook_opens_and_ends_with_the_navigation_line():
    cells = _markdown()
    nav = ("| [← Previous: 08_reverse_funnel_and_relationship_kpis]"
           "(08_reverse_funnel_and_relationship_kpis.ipynb) | [Contents](../README.md) | "
           "[Next: 10_capstone_your_own_data →](10_capstone_your_own_data.ipynb) |")
    assert cells[0] == nav and cells[-1] == nav
    assert cells[1].startswith("# 09 · ") and "*Tự động hóa" in cells[1]
