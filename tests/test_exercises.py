"""The exercise mechanism: ex.q1.check(answer), hint(), solution() and the hidden-cell asserts."""

import importlib
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from c360lab import exercises
from c360lab.exercises import PLACEHOLDER, Exercise, ____, exercises_of


def _orders() -> pd.DataFrame:
    """A tiny shop_orders: five orders by three buyers (one buys three times)."""
    return pd.DataFrame({
        "order_id": ["OD-1", "OD-2", "OD-3", "OD-4", "OD-5"],
        "buyer": ["An", "Bình", "An", "Chi", "An"],
        "channel": ["website", "shopee", "shopee", "zalo", "website"],
        "revenue_vnd": [100_000, 250_000, 50_000, 300_000, 120_000],
    })


@pytest.fixture
def ex():
    """A toy notebook module: its exercises read ``data["orders"]`` whenever they are checked."""
    data = {"orders": _orders()}
    orders = lambda: data["orders"]  # noqa: E731 - always the current data
    module = types.SimpleNamespace(data=data)
    module.q1 = Exercise(
        "q1", "How many distinct buyers are there?",
        expected=lambda: orders()["buyer"].nunique(),
        solution="""
            answer = orders["buyer"].nunique()
        """,
        hints=["Each buyer counts once.", "Try .nunique() on the buyer column."],
        mistakes=[
            (lambda a, e: a == len(orders()), "you counted orders (rows), not distinct buyers"),
        ],
    )
    module.q2 = Exercise(
        "q2", "What is the average order value in VND?",
        expected=lambda: orders()["revenue_vnd"].mean(),
        solution="answer = orders['revenue_vnd'].mean()",
        kind="number", rtol=1e-3,
        checker=lambda a, e: (
            "that is the total, not the average" if a == e * len(orders()) else None),
    )
    module.q3 = Exercise(
        "q3", "Which channel brings the most revenue?",
        expected=lambda: orders().groupby("channel")["revenue_vnd"].sum().idxmax(),
        solution="answer = orders.groupby('channel')['revenue_vnd'].sum().idxmax()",
        kind="text", hints=["Group by channel and add up revenue_vnd."],
    )
    module.q4 = Exercise(
        "q4", "Which buyers ordered more than once?",
        expected=lambda: set(orders()["buyer"][orders()["buyer"].duplicated()]),
        solution="answer = set(orders.loc[orders['buyer'].duplicated(), 'buyer'])",
        kind="unordered",
    )
    module.q5 = Exercise(
        "q5", "Revenue per channel, as a Series.",
        expected=lambda: orders().groupby("channel")["revenue_vnd"].sum(),
        solution="answer = orders.groupby('channel')['revenue_vnd'].sum()",
        kind="frame", check_like=True,
    )
    module.q6 = Exercise(
        "q6", "Orders and revenue per buyer, as a DataFrame.",
        expected=lambda: orders().groupby("buyer").agg(
            orders=("order_id", "count"), revenue_vnd=("revenue_vnd", "sum")),
        solution="""
            answer = orders.groupby("buyer").agg(
                orders=("order_id", "count"),
                revenue_vnd=("revenue_vnd", "sum"),
            )
        """,
        kind="frame", check_like=True,
    )
    module.q7 = Exercise(
        "q7", "Name an order worth at least 250,000 VND.",
        expected=lambda: set(orders().loc[orders()["revenue_vnd"] >= 250_000, "order_id"]),
        solution="answer = orders.loc[orders['revenue_vnd'] >= 250_000, 'order_id'].iloc[0]",
        kind=lambda answer, expected: answer in expected,
    )
    return module


def _lines(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


# -- not attempted ------------------------------------------------------------------------------

def test_placeholder_prints_not_attempted_and_returns_none(ex, capsys):
    assert ____ is PLACEHOLDER and repr(____) == "____"
    assert ex.q1.check(____) is None
    assert ex.q1.check() is None
    assert ex.q1.check([____, ____]) is None
    expected_line = (
        "q1 — not attempted yet: replace ____ with your answer, then run this cell again.")
    assert _lines(capsys) == [expected_line] * 3


def test_not_attempted_does_not_compute_the_expected_answer(capsys):
    def broken():
        raise RuntimeError("would be a bug")
    Exercise("q1", "?", broken, "answer = 1").check(____)
    assert "not attempted" in capsys.readouterr().out


# -- correct and wrong answers --------------------------------------------------------------------

def test_correct_answer_prints_correct_and_returns_none(ex, capsys):
    assert ex.q1.check(3) is None
    assert ex.q1.check(np.int64(3)) is None
    assert _lines(capsys) == ["✓ q1 — correct!", "✓ q1 — correct!"]


def test_explanation_is_printed(capsys):
    Exercise("q9", "2 + 2?", lambda: 4, "answer = 4", explanation="Four, as always.").check(4)
    assert capsys.readouterr().out == "✓ q9 — correct! Four, as always.\n"


def test_wrong_answer_prints_not_quite_with_pointer_to_hint(ex, capsys):
    ex.q1.check(2)
    assert _lines(capsys) == [
        "✗ q1 — not quite: that is not the expected answer. Try ex.q1.hint()"]


def test_typical_mistake_gets_its_own_message(ex, capsys):
    ex.q1.check(5)  # the number of rows
    ex.q2.check(820_000)  # the total, not the average
    assert _lines(capsys) == [
        "✗ q1 — not quite: you counted orders (rows), not distinct buyers. Try ex.q1.hint()",
        "✗ q2 — not quite: that is the total, not the average. See ex.q2.solution()",
    ]


def test_a_mistake_predicate_that_crashes_does_not_match(capsys):
    q = Exercise("q1", "?", lambda: 3, "answer = 3", mistakes=[(lambda a, e: a.upper(), "boom")])
    q.check(4)
    out = capsys.readouterr().out
    assert out.startswith("✗ q1 — not quite: that is not the expected answer.")


@pytest.mark.parametrize("answer, says", [
    ("3", "expected a single number, but got text ('3'); drop the quotes"),
    ("three", "expected a single number, but got text ('three')"),
    (None, "your answer is None; assign the result (answer = ...) instead of printing it"),
    (pd.Series([3]), "expected a single number, but got a Series"),
    (True, "expected a single number, but got True"),
    ([3], "expected a single number, but got a list"),
])
def test_wrong_type_gives_a_clear_message_not_a_traceback(ex, capsys, answer, says):
    assert ex.q1.check(answer) is None
    assert capsys.readouterr().out == f"✗ q1 — not quite: {says}. Try ex.q1.hint()\n"


def test_wrong_type_for_every_kind_does_not_raise(ex, capsys):
    for q in (ex.q2, ex.q3, ex.q4, ex.q5, ex.q6, ex.q7):
        for answer in ("text", 3, None, [1, 2], {"a": 1}, pd.DataFrame({"x": [1]}), object()):
            q.check(answer)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 6 * 7 and all(line.startswith(("✗", "✓")) for line in out)
    assert "object at 0x" not in "".join(out)  # no memory addresses in the output


def test_error_while_comparing_becomes_not_quite(capsys):
    def picky(answer, expected):
        raise ValueError("cannot compare")
    Exercise("q1", "?", lambda: 1, "answer = 1", kind=picky).check(1)
    Exercise("q2", "?", lambda: [1, 2], "answer = [1, 2]").check(np.array([1, 2]))
    assert capsys.readouterr().out.splitlines() == [
        "✗ q1 — not quite: your answer (an int) could not be compared with the expected one "
        "(ValueError). See ex.q1.solution()",
        "✗ q2 — not quite: your answer (a NumPy array) could not be compared with the expected "
        "one (ValueError). See ex.q2.solution()",
    ]


def test_error_inside_expected_surfaces():
    def expected():
        raise KeyError("no_such_column")
    q = Exercise("q1", "?", expected, "answer = 1")
    with pytest.raises(KeyError):
        q.check(1)
    with pytest.raises(KeyError):
        q.assert_check_passed(1)


# -- the kinds of comparison -----------------------------------------------------------------------

def test_number_within_tolerance(ex):
    mean = _orders()["revenue_vnd"].mean()  # 164,000
    ex.q2.assert_check_passed(mean)
    ex.q2.assert_check_passed(164_100)  # within rtol=1e-3
    ex.q2.assert_check_failed(165_000)
    tight = Exercise("q", "1/3?", lambda: 1 / 3, "answer = 1/3", kind="number", rtol=0, atol=0.01)
    tight.assert_check_passed(0.33)
    tight.assert_check_failed(0.3)


def test_text_ignores_case_spacing_and_unicode_form(ex):
    ex.q3.assert_check_passed("Shopee")
    ex.q3.assert_check_passed("  shopee ")
    ex.q3.assert_check_failed("website")
    city = Exercise("q", "City?", lambda: "Hà Nội", "answer = 'Hà Nội'", kind="text")
    city.assert_check_passed("HÀ   nội")
    city.assert_check_passed("Ha\u0300 N\u00f4\u0323i")  # decomposed diacritics (NFD-like)
    city.assert_check_failed("Ha Noi")  # diacritics matter in Vietnamese


def test_unordered_collections(ex, capsys):
    ex.q4.assert_check_passed({"An"})
    ex.q4.assert_check_passed(["An", "An"])  # a set is expected, so repeats do not matter
    ex.q4.assert_check_passed(pd.Series(["An"]))
    ex.q4.assert_check_failed(["An", "Bình"])
    bag = Exercise("q", "Buyers in order?", lambda: ["An", "Bình", "An"], "answer = []",
                   kind="unordered")
    bag.assert_check_passed(("An", "An", "Bình"))
    bag.assert_check_failed({"An", "Bình"})  # a list is expected, so repeats count
    bag.check(["An", "Bình"])
    bag.check(["An", "Chi", "An"])
    assert _lines(capsys) == [
        "✗ q — not quite: you gave 2 items; the answer has 3. See ex.q.solution()",
        "✗ q — not quite: the items differ from the expected ones. See ex.q.solution()",
    ]


def test_series_comparison(ex, capsys):
    right = _orders().groupby("channel")["revenue_vnd"].sum()
    ex.q5.assert_check_passed(right)
    ex.q5.assert_check_passed(right.sort_values())  # check_like ignores order
    ex.q5.assert_check_passed(right.astype("float64").rename("total"))  # dtype and name not graded
    ex.q5.assert_check_failed(right + 1)
    ex.q5.check(right.head(2))
    ex.q5.check(right.to_frame())
    assert _lines(capsys) == [
        "✗ q5 — not quite: expected shape (3,), but got (2,). See ex.q5.solution()",
        "✗ q5 — not quite: expected a Series, but got a DataFrame with 3 rows. "
        "See ex.q5.solution()",
    ]


def test_dataframe_comparison_with_and_without_check_like(ex):
    right = ex.q6.expected()
    ex.q6.assert_check_passed(right[["revenue_vnd", "orders"]].iloc[::-1])
    ex.q6.assert_check_failed(right.assign(orders=1))
    strict = Exercise("q", "?", lambda: right, "answer = None", kind="frame")
    strict.assert_check_passed(right.copy())
    strict.assert_check_failed(right[["revenue_vnd", "orders"]])


def test_custom_predicate(ex):
    ex.q7.assert_check_passed("OD-2")
    ex.q7.assert_check_passed("OD-4")
    ex.q7.assert_check_failed("OD-1")


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind must be one of"):
        Exercise("q", "?", lambda: 1, "answer = 1", kind="fuzzy")


# -- the expected answer follows the data ----------------------------------------------------------

def test_expected_is_computed_at_check_time(ex, capsys):
    ex.q1.check(3)
    ex.data["orders"] = pd.concat([_orders(), _orders().assign(buyer="Dũng")])
    assert ex.q1.expected() == 4
    ex.q1.check(3)
    ex.q1.check(4)
    assert _lines(capsys) == [
        "✓ q1 — correct!",
        "✗ q1 — not quite: that is not the expected answer. Try ex.q1.hint()",
        "✓ q1 — correct!",
    ]


# -- hints, solution, repr ------------------------------------------------------------------------

def test_hints_are_numbered_and_the_last_repeats(ex, capsys):
    ex.q1.hint()
    ex.q1.hint(2)
    ex.q1.hint(5)
    ex.q1.hint(0)
    assert _lines(capsys) == [
        "Hint 1 of 2 for q1 (more: ex.q1.hint(2)): Each buyer counts once.",
        "Hint 2 of 2 for q1: Try .nunique() on the buyer column.",
        "Hint 2 of 2 for q1 (there is no hint 5; this is the last — see ex.q1.solution()): "
        "Try .nunique() on the buyer column.",
        "Hint 1 of 2 for q1 (more: ex.q1.hint(2)): Each buyer counts once.",
    ]


def test_exercise_without_hints_points_to_the_solution(ex, capsys):
    assert ex.q2.hint() is None
    assert capsys.readouterr().out == "q2 has no hints; see ex.q2.solution()\n"


def test_solution_prints_dedented_code(ex, capsys):
    assert ex.q6.solution() is None
    assert capsys.readouterr().out == (
        "q6 — solution:\n\n"
        'answer = orders.groupby("buyer").agg(\n'
        '    orders=("order_id", "count"),\n'
        '    revenue_vnd=("revenue_vnd", "sum"),\n'
        ")\n"
    )


def test_solution_with_a_syntax_error_fails_at_definition():
    with pytest.raises(SyntaxError):
        Exercise("q", "?", lambda: 1, "answer = (1")


def test_repr_is_stable(ex):
    assert repr(ex.q1) == "<Exercise q1: How many distinct buyers are there?>"
    two_lines = Exercise("q", "Two\n   lines?", lambda: 1, "answer = 1")
    assert repr(two_lines) == "<Exercise q: Two lines?>"


# -- the hidden-cell asserts and "every solution passes its own check" -----------------------------

def test_assert_check_passed_and_failed(ex):
    ex.q1.assert_check_passed(3)
    ex.q1.assert_check_failed(5)
    ex.q1.assert_check_failed("3")
    with pytest.raises(AssertionError, match="expected the check to pass, but: you counted orders"):
        ex.q1.assert_check_passed(5)
    with pytest.raises(AssertionError, match="expected the check to fail, but it passed"):
        ex.q1.assert_check_failed(3)
    with pytest.raises(AssertionError, match="not attempted"):
        ex.q1.assert_check_passed(____)
    with pytest.raises(AssertionError, match="was not attempted"):
        ex.q1.assert_check_failed(____)


def test_asserts_print_nothing(ex, capsys):
    ex.q1.assert_check_passed(3)
    ex.q1.assert_check_failed(5)
    assert capsys.readouterr().out == ""


def test_every_solution_passes_its_own_check(ex):
    exercises = exercises_of(ex)
    assert [q.name for q in exercises] == ["q1", "q2", "q3", "q4", "q5", "q6", "q7"]
    namespace = {"orders": ex.data["orders"], "pd": pd}
    for q in exercises:
        q.assert_check_passed(q.solution_answer(namespace))
    assert "answer" not in namespace  # the solution ran in a copy


def test_solution_answer_needs_an_answer_variable():
    q = Exercise("q", "?", lambda: 1, "result = 1")
    with pytest.raises(ValueError, match="does not assign a variable named answer"):
        q.solution_answer()


NOTEBOOK_EXERCISES = [importlib.import_module(f"c360lab.exercises.{p.stem}")
                      for p in sorted(Path(exercises.__file__).parent.glob("nb*.py"))]


@pytest.mark.parametrize("module", NOTEBOOK_EXERCISES, ids=lambda m: m.__name__.rsplit(".")[-1])
def test_every_notebook_exercise_is_numbered_and_waits_for_an_answer(module, capsys):
    questions = exercises_of(module)
    assert len(questions) >= 3
    assert [q.name for q in questions] == [f"q{i}" for i in range(1, len(questions) + 1)]
    for question in questions:
        question.check(____)
        assert "not attempted yet" in capsys.readouterr().out
