"""Shared fixtures: generated samples are costly, so each is built once per test session."""

import functools
import sys

import numpy as np
import pandas as pd
import pytest

from c360lab import datasets, identity

SECOND_SEED = 7


@functools.cache
def sample(seed: int = datasets.DEFAULT_SEED, n: int = datasets.DEFAULT_CUSTOMERS):
    return datasets.generate(n, seed)


@pytest.fixture(autouse=True)
def _close_figures():
    """No test leaves a matplotlib figure open for the next one."""
    yield
    plt = sys.modules.get("matplotlib.pyplot")  # only when some test has drawn something
    if plt is not None:
        plt.close("all")


def differing(candidates, expected, at_least=2, *, rtol=0.0):
    """The typical wrong answers that really differ from the right one (data may change)."""
    wrong = []
    for value in candidates:
        if abs(float(value) - float(expected)) > max(1e-9, rtol * abs(float(expected))) \
                and value not in wrong:
            wrong.append(value)
    assert len(wrong) >= at_least, f"fewer than {at_least} distinct wrong answers: {candidates}"
    return wrong


def assert_solution_passes(question, namespace, capsys):
    """A notebook exercise's own solution, run where the notebook runs it, passes its check."""
    answer = question.solution_answer(namespace)
    question.assert_check_passed(answer)
    question.check(answer)
    assert capsys.readouterr().out.startswith(f"✓ {question.name} — correct!")


def markdown_numbers(notebook: str) -> set[str]:
    """The numbers a notebook's markdown writes, links and inline code left out: they must be
    rules, thresholds and names, never figures of the data, which would go stale."""
    import json
    import re
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "notebooks" / notebook
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    text = re.sub(r"\([^)]*\.ipynb\)|\[[^\]]*\]|`[^`]*`", " ", text)
    return {f.rstrip(".,:") for f in re.findall(r"\d[\d.,\-–]*(?:kg|%)?", text)} - {""}


@pytest.fixture(scope="session")
def raw():
    """The shipped sample's raw exports, typed (``datasets.load_raw``)."""
    return datasets.load_raw()


@pytest.fixture(scope="session")
def key():
    """The shipped sample's answer key."""
    return datasets.load_answer_key()


@pytest.fixture(scope="session", params=[datasets.DEFAULT_SEED, SECOND_SEED],
                ids=["default-seed", "second-seed"])
def world(request):
    """A generated sample with typed tables and helpers to reach the ground truth."""
    return World(sample(request.param))


class World:
    """Typed tables of a sample joined to the answer key's person ids and latent traits."""

    def __init__(self, s):
        self.sample = s
        self.raw = s.raw()
        self.people = s.people.set_index("person_id")
        links = s.answer_key["record_links"]
        self.links = links

    def person_of(self, table: str, role: str = "record") -> pd.Series:
        """record_id -> person_id for one table (and role)."""
        rows = self.links[(self.links["table"] == table) & (self.links["role"] == role)]
        return pd.Series(rows["person_id"].to_numpy(), index=rows["record_id"].to_numpy())

    @functools.cached_property
    def orders(self) -> pd.DataFrame:
        """Orders with person, revenue, cost and margin after discounts and returns."""
        o = self.raw["shop_orders"].copy()
        lines = self.raw["order_lines"]
        value = (lines["quantity"] * lines["unit_price_vnd"]).groupby(lines["order_id"]).sum()
        cost = (lines["quantity"] * lines["unit_cost_vnd"]).groupby(lines["order_id"]).sum()
        o["person_id"] = o["order_id"].map(self.person_of("shop_orders"))
        done = o["status"] == "completed"
        lost_shipping = o["status"].isin(["returned", "failed_delivery"])
        o["revenue"] = np.where(done, o["order_id"].map(value) - o["discount_vnd"], 0)
        o["cogs"] = np.where(done, o["order_id"].map(cost), 0)
        o["margin"] = o["revenue"] - o["cogs"] - np.where(lost_shipping, o["shipping_vnd"], 0)
        return o

    @functools.cached_property
    def customers(self) -> pd.DataFrame:
        """One row per buying person: revenue, margin, orders and latent traits."""
        o = self.orders
        g = o.groupby("person_id").agg(revenue=("revenue", "sum"), margin=("margin", "sum"),
                                       orders=("order_id", "size"),
                                       first=("order_time", "min"), last=("order_time", "max"))
        return g.join(self.people)

    @functools.cached_property
    def clean(self) -> dict[str, pd.DataFrame]:
        """The clean model of this sample, by step 2's real resolution (not the answer key)."""
        return datasets.clean_model(self.raw, identity.resolve(self.raw))

    @functools.cached_property
    def person_of_customer(self) -> pd.Series:
        """customer_id -> the true person_id: the person most of the customer's records are."""
        links = self.clean["links"]
        truth = self.links.set_index(["table", "role", "record_id"])["person_id"]
        person = links.join(truth, on=["table", "role", "record_id"])["person_id"]
        return person.groupby(links["customer_id"]).agg(lambda s: s.value_counts().index[0])
