"""Notebook 10: its exercises, its parameters cell, what its text says, and that it leaves no file."""

import json
import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from c360lab import anonymize, datasets, identity, mapping, pipeline
from c360lab.exercises import exercises_of
from c360lab.exercises import nb10 as ex

from conftest import assert_solution_passes, differing

NAMES = ["q1", "q2", "q3"]
NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "10_capstone_your_own_data.ipynb"
ORDERS = ("shop_orders", "order_lines")


@pytest.fixture(scope="module")
def ingest():
    return mapping.read_exports(datasets.sample_dir(), None, today=datasets.TODAY)


@pytest.fixture(scope="module")
def namespace(ingest):
    """What the notebook has defined when its exercise cells run."""
    tables = ingest.tables
    return {"tables": tables, "results": pipeline.run(ingest),
            "orders_only": pipeline.run({n: tables[n] for n in ORDERS}),
            "pipeline": pipeline, "ex": ex, "pd": pd}


def _cells():
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


# -- exercises ---------------------------------------------------------------------------------

def test_the_notebook_has_three_exercises():
    assert [q.name for q in exercises_of(ex)] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_its_own_check(name, namespace, capsys):
    assert_solution_passes(getattr(ex, name), namespace, capsys)


def test_q1_typical_wrong_answers_fail(namespace, capsys):
    a = namespace["orders_only"].analyses
    expected = int(a["ran"].sum())
    assert ex.q1.expected() == expected
    for wrong in differing([len(a), int((~a["ran"]).sum())], expected):
        ex.q1.assert_check_failed(int(wrong))
    ex.q1.check(len(a))
    assert "count only those whose 'ran' is True" in capsys.readouterr().out


def test_q2_typical_wrong_answers_fail(namespace, capsys):
    bands = namespace["results"].outputs["profile"]["band"]
    expected = float((bands == "hot").mean())
    assert ex.q2.expected() == pytest.approx(expected)
    for wrong in differing([100 * expected, int((bands == "hot").sum()),
                            float((bands == "warm").mean())], expected, rtol=0.01):
        ex.q2.assert_check_failed(float(wrong))
    ex.q2.check(int((bands == "hot").sum()))
    assert "divide by the number of customers" in capsys.readouterr().out


def test_q3_typical_wrong_answers_fail(namespace, capsys):
    assert ex.q3.expected() == "crm_contacts"
    for wrong in ("marketing_spend", "deals", "surveys", "shop_orders"):
        ex.q3.assert_check_failed(wrong)
    ex.q3.check("marketing_spend")
    assert "unlocks nothing" in capsys.readouterr().out


# -- the notebook's shape -----------------------------------------------------------------------

def test_the_first_code_cell_is_the_papermill_parameters_cell():
    code = [c for c in _cells() if c["cell_type"] == "code"]
    first = code[0]
    assert first["metadata"].get("tags") == ["parameters"]
    assert "".join(first["source"]).splitlines() == [
        "DATA_DIR = None", "MAPPING = None", "AS_OF = None", "OUT_DIR = None"]


def test_the_notebook_opens_and_ends_with_the_navigation_line():
    cells = [("".join(c["source"])) for c in _cells() if c["cell_type"] == "markdown"]
    nav = ("| [← Previous: 09_automation_playbook](09_automation_playbook.ipynb) | "
           "[Contents](../README.md) | Next: Contents |")
    assert cells[0] == nav and cells[-1] == nav
    assert cells[1].startswith("# 10 · ") and "*Chân dung khách hàng 360" in cells[1]


def test_the_notebook_writes_only_into_a_temporary_folder():
    code = "\n".join("".join(c["source"]) for c in _cells() if c["cell_type"] == "code")
    assert "tempfile.TemporaryDirectory" in code and "work.cleanup()" in code
    assert re.findall(r"write_outputs\(results, (\w+)", code) == ["out_dir"]
    assert "Path(work.name)" in code


#: where this machine keeps files: its temporary folder, the home folder, this checkout, a drive
MACHINE_PATHS = "|".join([re.escape(str(p)) for p in (Path(tempfile.gettempdir()), Path.home(),
                                                       NOTEBOOK.parent.parent)]
                         + [r"[A-Z]:\\", "c360lab-nb10-"])


def test_the_notebook_outputs_name_no_path_of_this_machine():
    for cell in _cells():
        for out in cell.get("outputs", []):
            text = "".join(out.get("text", "")) + "".join(
                out.get("data", {}).get("text/plain", "")) + "".join(
                out.get("data", {}).get("text/html", ""))
            assert not re.search(MACHINE_PATHS, text), text[:300]


# -- what the text says -------------------------------------------------------------------------

def test_the_notebooks_statements_hold(namespace, ingest):
    tables = namespace["tables"]
    full, only = namespace["results"], namespace["orders_only"]
    ran_only = set(only.analyses.loc[only.analyses["ran"], "analysis"])
    with_crm = pipeline.run({**{n: tables[n] for n in ORDERS},
                             "crm_contacts": tables["crm_contacts"]})
    ran_crm = set(with_crm.analyses.loc[with_crm.analyses["ran"], "analysis"])
    two = {n: tables[n] for n in ("crm_contacts", "shop_orders")}
    anon, _ = anonymize.anonymize_tables(two, salt="demo-salt-do-not-use")
    statements = {
        "on the sample every analysis runs": bool(full.analyses["ran"].all()),
        "the sample reads without a problem": ingest.problems == [],
        "orders alone give step 1, cohort retention and CLV":
            {"profitability", "margin", "cohort_retention", "clv"} <= ran_only,
        "the CRM's contacts start the journey, the profile and the target check":
            {"journey", "profile", "target_check"} <= ran_crm - ran_only,
        "the same customers are found after pseudonymising":
            len(identity.resolve(two).customers) == len(identity.resolve(anon).customers),
    }
    wrong = [text for text, holds in statements.items() if not holds]
    assert not wrong, f"notebook 10 says things the data no longer shows: {wrong}"


def test_the_messy_export_is_accounted_for_as_the_notebook_says(tmp_path):
    source = next("".join(c["source"]) for c in _cells()
                  if "messy_export" in "".join(c["source"]))
    text = re.search(r'write_text\("""(.*?)"""', source, re.S).group(1)
    (tmp_path / "orders.csv").write_text(text, encoding="utf-8")
    small = mapping.read_exports(tmp_path, "orders", today=datasets.TODAY)
    acc = small.accounting.set_index("table")
    assert (acc["input_rows"] == 6).all()  # "Six data lines feed two tables"
    assert (acc["used"] + acc["repaired"] + acc["rejected"] == acc["input_rows"]).all()
    whats = " ".join(small.repairs["what"])
    assert "formula" in whats and "shorthand" in whats
