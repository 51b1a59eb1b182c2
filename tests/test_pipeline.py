"""The pipeline on whatever tables a team has, its outputs and the HTML report.

An orders-only team gets step 1, cohort retention and CLV, and the report says what would unlock
the rest; the full sample runs everything; the team's own customer key replaces resolution; the
written files are formula-safe and the report is self-contained and escaped.
"""

import re

import openpyxl
import pandas as pd
import pytest

from c360lab import datasets, identity, pipeline, profitability, report
from c360lab.contract import C360DataError

ORDERS_ONLY = {"identity", "profitability", "margin", "cohort_retention", "clv",
               "predictive_clv", "kpi_retention"}
FORMULA = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"^-?\d+(\.\d+)?(e-?\d+)?$")


@pytest.fixture(scope="module")
def raw():
    return datasets.load_raw()


@pytest.fixture(scope="module")
def full(raw):
    return pipeline.run(raw)


def ran(results):
    a = results.analyses
    return set(a.loc[a["ran"], "analysis"])


def orders_export(raw, *, cost=True):
    """The sample's orders as a plain export: one row per order with its amount (and cost)."""
    o, lines = raw["shop_orders"], raw["order_lines"]
    value = (lines["quantity"] * lines["unit_price_vnd"]).groupby(lines["order_id"]).sum()
    out = o.assign(amount_vnd=o["order_id"].map(value) - o["discount_vnd"])
    if cost:
        cogs = (lines["quantity"] * lines["unit_cost_vnd"]).groupby(lines["order_id"]).sum()
        out["cost_vnd"] = out["order_id"].map(cogs)
    return out


# -- partial data ---------------------------------------------------------------------------------

def test_orders_and_lines_only_run_step1_cohorts_and_clv(raw):
    res = pipeline.run({n: raw[n] for n in ("shop_orders", "order_lines")})
    assert ran(res) == ORDERS_ONLY
    a = res.analyses.set_index("analysis")
    assert a.loc["journey", "unlock"] == ("one of web_events.event_type, crm_contacts.created_date,"
                                         " deals.inquiry_date, inbox_messages.sent_at")
    assert a.loc["b2b_pipeline", "unlock"] == "deals.stage; deals.inquiry_date"
    assert a.loc["kpi_satisfaction", "why_not"] == "missing one of surveys.nps, surveys.csat"
    assert (a.loc[~a["ran"], "unlock"] != "").all()
    assert {"customers", "cohorts", "clv", "segments"} - {"segments"} <= set(res.outputs)
    page = report.html_report(res)
    assert "7 of 23 ran" in page and "to unlock it, add" in page
    assert "deals.stage; deals.inquiry_date" in page


def test_an_orders_export_without_lines_or_cost_ranks_by_revenue(raw):
    export = orders_export(raw, cost=False).drop(columns=["status", "discount_vnd",
                                                          "shipping_vnd"])
    res = pipeline.run({"shop_orders": export})
    assert {"profitability", "cohort_retention", "clv"} <= ran(res)
    a = res.analyses.set_index("analysis")
    assert a.loc["profitability", "note"].startswith("margin needs a cost column")
    assert not a.loc["margin", "ran"]
    assert a.loc["margin", "unlock"] == "one of order_lines.unit_cost_vnd, shop_orders.cost_vnd"
    assert not a.loc["predictive_clv", "ran"]
    assert "orders have no status: every order is taken as completed" in res.notes
    table = res.outputs["customers"]
    assert "gross_margin_vnd" not in table.columns
    assert table["revenue_vnd"].is_monotonic_decreasing
    assert int(table["revenue_vnd"].sum()) == int(export["amount_vnd"].sum())
    assert "historical_clv_revenue_vnd" in res.outputs["clv"].columns


def test_one_line_per_order_gives_step1s_margin(raw, full):
    res = pipeline.run({"shop_orders": orders_export(raw)})
    assert ORDERS_ONLY <= ran(res)
    derived, real = res.outputs["customers"], full.outputs["customers"]
    for column in ("revenue_vnd", "gross_margin_vnd", "lost_shipping_vnd"):
        assert int(derived[column].sum()) == int(real[column].sum()), column


def test_the_teams_own_customer_key_is_the_customer_id(raw):
    orders = raw["shop_orders"].assign(customer_key="K" + (pd.RangeIndex(len(raw["shop_orders"]))
                                                          % 500).astype(str))
    res = pipeline.run({"shop_orders": orders, "order_lines": raw["order_lines"]})
    customers = res.outputs["customers"]
    assert set(customers["customer_id"]) == set(orders["customer_key"])
    assert res.analyses.set_index("analysis").loc["identity", "note"].startswith(
        "the team's own customer_key")
    clean = res.clean
    assert (clean["shop_orders"]["customer_id"] == orders["customer_key"]).all()


def test_records_without_a_key_join_the_key_of_their_resolved_customer(raw):
    orders = raw["shop_orders"].copy()
    res0 = identity.resolve({"shop_orders": orders})
    first = res0.links.set_index("record_id")["customer_id"]
    orders["customer_key"] = "T-" + orders["order_id"].map(first)
    orders.loc[orders.index[::2], "customer_key"] = None
    res = pipeline.run({"shop_orders": orders, "order_lines": raw["order_lines"]})
    got = res.clean["shop_orders"]["customer_id"]
    expected = "T-" + orders["order_id"].map(first)
    keyed = expected.isin(set(orders["customer_key"].dropna()))
    assert (got[keyed] == expected[keyed]).all()  # the key of the other records of the customer
    assert got[~keyed].str.startswith("R-C").all()  # no record of theirs has a key


def test_the_full_sample_runs_every_analysis(full):
    a = full.analyses
    assert a["ran"].all(), a.loc[~a["ran"], ["analysis", "why_not"]].to_string()
    assert full.as_of == datasets.TODAY and full.notes == []
    for name in ("profile", "funnel", "biggest_leak", "kpis", "top_barriers", "bands",
                 "next_best_actions", "segments", "cohorts", "clv", "target_check"):
        assert name in full.outputs, name
    assert full.outputs["kpis"]["kpi"].str.startswith("nps").any()
    assert list(a["analysis"]) == [x.name for x in pipeline.ANALYSES]


def test_inputs_are_not_changed(raw):
    before = {n: df.copy() for n, df in raw.items()}
    pipeline.run({n: raw[n] for n in ("shop_orders", "order_lines", "crm_contacts")})
    for name, df in before.items():
        pd.testing.assert_frame_equal(raw[name], df)


def test_as_of_defaults_to_the_day_after_the_last_record_and_can_be_set(raw):
    two = {n: raw[n] for n in ("shop_orders", "order_lines")}
    assert pipeline.default_as_of(two) == pd.Timestamp("2026-01-01")
    res = pipeline.run(two, as_of="2025-07-01")
    assert res.as_of == pd.Timestamp("2025-07-01")
    assert res.outputs["clv"]["last_order"].max() < pd.Timestamp("2025-07-01")


def test_no_date_at_all_is_a_clear_error():
    with pytest.raises(C360DataError, match="no table holds a date"):
        pipeline.default_as_of({"shop_orders": pd.DataFrame({"order_id": ["O1"]})})


def test_requirements_are_declared_for_every_analysis():
    names = [a.name for a in pipeline.ANALYSES]
    assert len(names) == len(set(names)) and names[0] == "identity"
    for a in pipeline.ANALYSES:
        assert a.needs and a.gives and a.function.count(".") == 1
    assert pipeline.requirements(pipeline.ANALYSES[4], {}) == ["shop_orders.order_time"]


# -- outputs --------------------------------------------------------------------------------------

def _cells_of(path):
    if path.suffix == ".csv":
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        yield from (v for col in df.columns for v in df[col])
        yield from df.columns
    elif path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                yield from (c.value for c in row if c.data_type == "s")


def test_write_outputs_writes_every_file_and_no_cell_runs_as_a_formula(raw, tmp_path):
    tables = dict(raw)
    crm = raw["crm_contacts"].copy()
    crm.loc[crm.index[0], "full_name"] = '=HYPERLINK("http://evil.example","x")'
    crm.loc[crm.index[1], "company"] = "@SUM(A1:A9)"
    crm.loc[crm.index[2], "owner"] = "+cmd|' /C calc'!A0"
    tables["crm_contacts"] = crm
    res = pipeline.run(tables)
    written = pipeline.write_outputs(res, tmp_path, max_cards=20)
    names = {p.name for p in tmp_path.rglob("*") if p.is_file()}
    assert {"customer_360.csv", "customer_360.xlsx", "cards.html", "funnel.csv", "kpis.csv",
            "analyses.csv", "report.html", "segments.csv", "clv.csv",
            "cohort_retention.csv", "customers_step1.csv"} <= names
    assert set(written) >= {"profile_csv", "profile_xlsx", "cards", "report"}
    bad = []
    for path in tmp_path.rglob("*"):
        for value in _cells_of(path):
            text = "" if value is None else str(value)
            if FORMULA.match(text) and not NUMBER.match(text):
                bad.append((path.name, text))
    assert bad == []
    cards = (tmp_path / "cards.html").read_text(encoding="utf-8")
    assert cards.count("Next best action") == 20
    profile = pd.read_excel(tmp_path / "customer_360.xlsx")
    assert len(profile) == len(res.outputs["profile"])


def test_the_report_is_self_contained_and_escaped(full):
    full.notes.append("<script>alert('x')</script>")
    try:
        page = report.html_report(full)
    finally:
        full.notes.pop()
    assert "<script" not in page and "&lt;script&gt;" in page
    assert not re.search(r"""(src|href)=['"]?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page
    assert page.count("data:image/png;base64,") >= 4
    for heading in ("Every input row, accounted for", "Problems found", "Analyses: 23 of 23 ran",
                    "Key findings", "Biggest leak", "Top barriers by segment",
                    "Lead-score bands", "KPIs"):
        assert heading in page, heading


def test_the_report_charts_leave_pyplot_alone(full):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    report.html_report(full)
    assert plt.get_fignums() == before


def test_run_takes_an_ingest_and_writes_its_accounting_and_rejected_rows(raw, tmp_path):
    mapping = pytest.importorskip("c360lab.mapping")
    folder = tmp_path / "exports"
    folder.mkdir()
    o = orders_export(raw).head(400)
    export = pd.DataFrame({"Mã đơn": o["order_id"], "Ngày": o["order_time"].dt.strftime("%d/%m/%Y"),
                           "Khách hàng": o["buyer_name"].fillna("khách lẻ"),
                           "Thành tiền": o["amount_vnd"].astype(str), "Giá vốn": o["cost_vnd"]})
    export.loc[export.index[3], "Ngày"] = "không rõ"  # an unreadable date: the row is rejected
    export.to_csv(folder / "orders.csv", index=False)
    ingest = mapping.read_exports(folder, "orders")
    res = pipeline.run(ingest)
    assert ORDERS_ONLY - {"predictive_clv"} <= ran(res)
    out = tmp_path / "out"
    pipeline.write_outputs(res, out)
    accounting = pd.read_csv(out / "row_accounting.csv", encoding="utf-8-sig")
    assert (accounting["used"] + accounting["repaired"] + accounting["rejected"]
            == accounting["input_rows"]).all()
    assert accounting["rejected"].sum() >= 1
    rejected = list(out.rglob("*rejected*shop_orders*.csv"))
    assert rejected, sorted(p.name for p in out.rglob("*"))
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "rejected" in page and "orders.csv" in page


def test_profitability_of_the_pipeline_is_step1s(full):
    clean = datasets.load_clean()
    expected = profitability.customer_table(clean["shop_orders"], clean["order_lines"],
                                            tickets=clean["tickets"], deals=clean["deals"],
                                            customers=clean["customers"])
    pd.testing.assert_frame_equal(full.outputs["customers"], expected)


def test_without_any_person_table_nothing_links_and_the_report_says_so(raw):
    res = pipeline.run({"marketing_spend": raw["marketing_spend"]})
    a = res.analyses.set_index("analysis")
    assert not a["ran"].any()
    assert a.loc["identity", "unlock"].startswith("one of crm_contacts, shop_orders")
    assert a.loc["cohort_retention", "why_not"] == "missing shop_orders.order_time"
    assert "No analysis ran" in report.html_report(res)


def test_an_analysis_that_fails_on_the_data_does_not_stop_the_others(raw, monkeypatch):
    def broken(*args):
        raise RuntimeError("the model did not converge")

    monkeypatch.setitem(pipeline._RUNNERS, "predictive_clv", broken)
    res = pipeline.run({n: raw[n] for n in ("shop_orders", "order_lines")})
    a = res.analyses.set_index("analysis")
    assert a.loc["predictive_clv", "why_not"] == ("failed on this data: RuntimeError: the model "
                                                  "did not converge")
    assert a.loc["kpi_retention", "ran"]
