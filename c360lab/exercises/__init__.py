"""Exercises for the notebooks: ``ex.q1.check(answer)``, ``ex.q1.hint()``, ``ex.q1.solution()``.

One module per notebook (``nb00``, ``nb01``, ...) defines its questions as :class:`Exercise`
objects. The notebook then reads::

    from c360lab.exercises import ____, nb00 as ex
    answer = ____            # the student replaces ____ with their answer
    ex.q1.check(answer)

Expected answers are computed from the data when the check runs, so they hold for any seed or
sample. An unanswered exercise prints a friendly line and never raises, so the student copy of a
notebook still runs top to bottom. What students call prints plain text and returns None.
"""

from __future__ import annotations

import math
import numbers
import textwrap
import unicodedata
from collections import Counter

import numpy as np
import pandas as pd

__all__ = ["____", "PLACEHOLDER", "AS_PERCENTAGE", "Exercise", "exercises_of"]

#: the typical mistake of a share question: the answer given in percent (25 for 0.25)
AS_PERCENTAGE = (lambda answer, expected: abs(answer - 100 * expected) <= 0.6,
                 "that looks like a percentage; give a share between 0 and 1 (0.25, not 25)")

ALIAS = "ex"  # how the notebooks name the exercise module: ``from ... import nb00 as ex``
KINDS = ("exact", "number", "text", "unordered", "frame")


class _Placeholder:
    """The blank a student leaves in place until they answer; shows as ``____``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "____"


PLACEHOLDER = ____ = _Placeholder()


def _is_blank(answer) -> bool:
    """True for ``____`` itself or a list/tuple still holding one."""
    if isinstance(answer, (list, tuple)):
        return any(item is PLACEHOLDER for item in answer)
    return answer is PLACEHOLDER


def _is_number(value) -> bool:
    """A real number, not a True/False.

    >>> _is_number(3), _is_number(2.5), _is_number(True), _is_number("3")
    (True, True, False, False)
    """
    return isinstance(value, numbers.Real) and not isinstance(value, bool)  # np.bool_ is not Real


def _describe(value) -> str:
    """A short, address-free description of a student's answer.

    >>> _describe("42"), _describe([1, 2]), _describe(None)
    ("text ('42')", 'a list', 'None')
    """
    if value is None:
        return "None"
    if isinstance(value, str):
        return f"text ({textwrap.shorten(value, 30, placeholder='...')!r})"
    if isinstance(value, pd.DataFrame):
        return f"a DataFrame with {len(value)} row{'' if len(value) == 1 else 's'}"
    if isinstance(value, np.ndarray):
        return "a NumPy array"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    name = type(value).__name__
    return f"an {name}" if name[0].lower() in "aeiou" else f"a {name}"


def _type_problem(answer, expected, kind) -> str | None:
    """Why the answer has the wrong *type* for this exercise, or None when the type is fine."""
    if answer is None and expected is not None:
        return "your answer is None; assign the result (answer = ...) instead of printing it"
    wants_number = kind == "number" or (kind == "exact" and _is_number(expected))
    wants_text = kind == "text" or (kind == "exact" and isinstance(expected, str))
    if wants_number and not _is_number(answer):
        extra = "; drop the quotes" if isinstance(answer, str) and _parses_as_number(answer) else ""
        return f"expected a single number, but got {_describe(answer)}{extra}"
    if wants_text and not isinstance(answer, str):
        return f"expected text (a str), but got {_describe(answer)}"
    if kind == "unordered" and (
        isinstance(answer, (str, bytes, dict, pd.DataFrame)) or not hasattr(answer, "__iter__")
    ):
        return f"expected a collection such as a list or a set, but got {_describe(answer)}"
    if kind == "frame" and not isinstance(answer, type(expected)):
        return f"expected a {type(expected).__name__}, but got {_describe(answer)}"
    return None


def _parses_as_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _fold(text: str) -> str:
    """Text as compared by ``kind="text"``: NFC, case-folded, runs of spaces collapsed.

    >>> _fold("  Hà   NỘI ") == _fold("hà nội")
    True
    """
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


class Exercise:
    """One exercise: a question, how to compute its answer from the data, hints and a solution.

    Parameters
    ----------
    name : str
        Short name used in messages, e.g. ``"q1"``.
    question : str
        The question in one line.
    expected : callable
        Takes no arguments and returns the correct answer, computed from the data when called.
    solution : str
        Code that computes the answer and assigns it to a variable named ``answer``.
    hints : sequence of str, optional
        Hints, from gentle to nearly the solution.
    kind : {"exact", "number", "text", "unordered", "frame"} or callable, default "exact"
        How answers are compared: ``==``; a number within ``rtol``/``atol``; text ignoring case and
        spacing; a collection ignoring order (as a set when the expected answer is a set, else
        counting repeats); a pandas Series/DataFrame via :mod:`pandas.testing` (dtypes and axis
        names are not graded). A callable ``(answer, expected) -> bool`` is a custom comparison.
    rtol, atol : float
        Tolerances for ``"number"`` and ``"frame"``.
    check_like : bool, default False
        For ``"frame"``: ignore the order of rows and columns.
    mistakes : sequence of (callable, str), optional
        Typical wrong answers: ``predicate(answer, expected) -> bool`` and the message to show.
    checker : callable, optional
        ``checker(answer, expected) -> str or None``: a specific message for a wrong answer.
    explanation : str, optional
        Printed after "correct!".

    Examples
    --------
    >>> orders = ["An", "Bình", "An"]
    >>> q1 = Exercise("q1", "How many distinct buyers?", lambda: len(set(orders)),
    ...               "answer = len(set(orders))", hints=["Count each buyer once."],
    ...               mistakes=[(lambda a, e: a == len(orders), "you counted orders, not buyers")])
    >>> q1
    <Exercise q1: How many distinct buyers?>
    >>> q1.check(____)
    q1 — not attempted yet: replace ____ with your answer, then run this cell again.
    >>> q1.check(3)
    ✗ q1 — not quite: you counted orders, not buyers. Try ex.q1.hint()
    >>> q1.check(2)
    ✓ q1 — correct!
    >>> q1.assert_check_passed(q1.solution_answer({"orders": orders}))
    """

    def __init__(self, name, question, expected, solution, *, hints=(), kind="exact",
                 rtol=1e-6, atol=1e-9, check_like=False, mistakes=(), checker=None,
                 explanation=""):
        if not (callable(kind) or kind in KINDS):
            raise ValueError(f"kind must be one of {KINDS} or a callable, not {kind!r}")
        if not callable(expected):
            raise TypeError("expected must be a callable with no arguments")
        self.name, self.question, self.expected = name, " ".join(question.split()), expected
        self.solution_code = textwrap.dedent(solution).strip()
        compile(self.solution_code, f"<solution of {name}>", "exec")  # a typo fails at import
        self.hints, self.kind = tuple(hints), kind
        self.rtol, self.atol, self.check_like = rtol, atol, check_like
        self.mistakes, self.checker, self.explanation = tuple(mistakes), checker, explanation

    def __repr__(self) -> str:
        return f"<Exercise {self.name}: {self.question}>"

    # -- for students -------------------------------------------------------------------------

    def check(self, answer=PLACEHOLDER) -> None:
        """Print whether ``answer`` is correct; never raises for a student's answer.

        >>> Exercise("q2", "2 + 2?", lambda: 4, "answer = 2 + 2").check("four")
        ✗ q2 — not quite: expected a single number, but got text ('four'). See ex.q2.solution()
        """
        passed, message = self._grade(answer)
        if passed is None:
            print(f"{self.name} — not attempted yet: replace ____ with your answer, "
                  "then run this cell again.")
        elif passed:
            print(f"✓ {self.name} — correct! {self.explanation}".rstrip())
        else:
            where = "Try {}.{}.hint()" if self.hints else "See {}.{}.solution()"
            where = where.format(ALIAS, self.name)
            print(f"✗ {self.name} — not quite: {message.rstrip('. ')}. {where}")

    def hint(self, n: int = 1) -> None:
        """Print hint ``n`` (1-based) and how many hints there are."""
        total = len(self.hints)
        if total == 0:
            print(f"{self.name} has no hints; see {ALIAS}.{self.name}.solution()")
            return
        shown = min(max(int(n), 1), total)
        if shown < int(n):
            note = (f" (there is no hint {int(n)}; this is the last — "
                    f"see {ALIAS}.{self.name}.solution())")
        elif shown < total:
            note = f" (more: {ALIAS}.{self.name}.hint({shown + 1}))"
        else:
            note = ""
        print(f"Hint {shown} of {total} for {self.name}{note}: {self.hints[shown - 1]}")

    def solution(self) -> None:
        """Print the solution code, ready to copy into a cell."""
        print(f"{self.name} — solution:\n\n{self.solution_code}")

    # -- for the course's tests and hidden cells ------------------------------------------------

    def solution_answer(self, namespace=None):
        """Run the solution code in a copy of ``namespace`` and return its ``answer``."""
        scope = dict(namespace or {})
        exec(compile(self.solution_code, f"<solution of {self.name}>", "exec"), scope)
        if "answer" not in scope:
            raise ValueError(f"the solution of {self.name} does not assign a variable named answer")
        return scope["answer"]

    def assert_check_passed(self, answer) -> None:
        """Raise AssertionError unless ``answer`` passes the check (prints nothing)."""
        passed, message = self._grade(answer)
        if not passed:
            raise AssertionError(f"{self.name}: expected the check to pass, but: "
                                 f"{message or 'not attempted'}")

    def assert_check_failed(self, answer) -> None:
        """Raise AssertionError unless ``answer`` fails the check (prints nothing)."""
        passed, _ = self._grade(answer)
        if passed is not False:
            state = "passed" if passed else "was not attempted"
            raise AssertionError(f"{self.name}: expected the check to fail, but it {state}")

    # -- the comparison -----------------------------------------------------------------------

    def _grade(self, answer):
        """``(None, "")`` if not attempted, ``(True, "")`` if correct, else ``(False, reason)``."""
        if _is_blank(answer):
            return None, ""
        expected = self.expected()  # outside any try: an error here is a bug in the course
        problem = _type_problem(answer, expected, self.kind)
        if problem is None:
            try:
                problem = self._difference(answer, expected)
            except Exception as error:  # the student's answer could not even be compared
                problem = (f"your answer ({_describe(answer)}) could not be compared with the "
                           f"expected one ({type(error).__name__})")
        if problem is None:
            return True, ""
        return False, self._mistake_message(answer, expected) or problem

    def _difference(self, answer, expected) -> str | None:
        """None when ``answer`` matches ``expected``, else a reason that gives nothing away."""
        generic = "that is not the expected answer"
        kind = self.kind
        if callable(kind):
            return None if kind(answer, expected) else generic
        if kind == "number":
            close = math.isclose(float(answer), float(expected),
                                 rel_tol=self.rtol, abs_tol=self.atol)
            return None if close else generic
        if kind == "text":
            return None if _fold(answer) == _fold(expected) else generic
        if kind == "unordered":
            items = list(answer)
            if isinstance(expected, (set, frozenset)):
                same = set(items) == expected
            else:
                same = Counter(items) == Counter(expected)
            if same:
                return None
            if len(items) != len(expected):
                return f"you gave {len(items)} items; the answer has {len(expected)}"
            return "the items differ from the expected ones"
        if kind == "frame":
            if answer.shape != expected.shape:
                return f"expected shape {expected.shape}, but got {answer.shape}"
            assert_equal = (pd.testing.assert_frame_equal if isinstance(expected, pd.DataFrame)
                            else pd.testing.assert_series_equal)
            try:
                assert_equal(answer, expected, check_dtype=False, check_names=False,
                             check_like=self.check_like, rtol=self.rtol, atol=self.atol)
            except AssertionError:
                return "the values differ from the expected ones"
            return None
        return None if bool(answer == expected) else generic

    def _mistake_message(self, answer, expected) -> str | None:
        """The message of the first typical mistake that matches, or the checker's message."""
        for predicate, message in self.mistakes:
            try:
                if predicate(answer, expected):
                    return message
            except Exception:  # a predicate that cannot judge this answer does not match
                continue
        if self.checker is not None:
            try:
                return self.checker(answer, expected) or None
            except Exception:
                return None
        return None


def exercises_of(module) -> list[Exercise]:
    """All exercises defined in a notebook's module, in the order they are defined."""
    return [value for value in vars(module).values() if isinstance(value, Exercise)]
