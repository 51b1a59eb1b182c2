"""The data contract: crafted bad input gets one clear error listing every problem."""

import pandas as pd
import pytest

from c360lab.contract import TABLES, C360DataError, validate


def _orders(**changes) -> pd.DataFrame:
    """A small, valid shop_orders table as text, with some columns replaced."""
    base = {
        "order_id": ["OD-1", "OD-2", "OD-3"],
        "order_time": ["2025-01-02 10:00:00", "2025-01-03 11:30:00", "2025-02-01 08:00:00"],
        "channel": ["website", "shopee", "zalo"],
        "buyer_name": ["Nguyễn Văn Đức", "LE THI HOA", ""],
        "buyer_phone": ["0912 345 678", "+84912345678", ""],
        "buyer_email": ["", "", "a@b.vn"],
        "province": ["TP.HCM", "Hà Nội", ""],
        "status": ["completed", "returned", "cancelled"],
        "payment_method": ["cod", "e_wallet", "bank_transfer"],
        "discount_vnd": ["0", "15000", "0"],
        "shipping_vnd": ["25000", "30000", "0"],
        "deal_id": ["", "", "DL-1"],
    }
    base.update(changes)
    return pd.DataFrame(base)


def test_valid_table_gets_contract_dtypes_and_keeps_rows():
    df = _orders()
    out = validate("shop_orders", df)
    assert len(out) == len(df)
    assert str(out["order_time"].dtype) == "datetime64[us]"
    assert str(out["discount_vnd"].dtype) == "Int64"
    assert out["discount_vnd"].tolist() == [0, 15000, 0]
    assert pd.isna(out.loc[0, "buyer_email"])  # blank text becomes missing
    assert df["discount_vnd"].tolist() == ["0", "15000", "0"]  # input not mutated


def test_missing_column_is_named_with_the_fix():
    with pytest.raises(C360DataError) as err:
        validate("shop_orders", _orders().drop(columns=["status"]))
    msg = str(err.value)
    assert "table 'shop_orders'" in msg
    assert "column 'status': is missing" in msg
    assert "add a column named 'status'" in msg
    assert err.value.problems[0].column == "status"


def test_wrong_type_lists_rows_and_values():
    with pytest.raises(C360DataError) as err:
        validate("shop_orders", _orders(discount_vnd=["0", "mười nghìn", "12.5"]))
    msg = str(err.value)
    assert "column 'discount_vnd': cannot be read as an amount in VND in 2 row(s)" in msg
    assert "1 ('mười nghìn')" in msg and "2 ('12.5')" in msg
    assert "Fix: write whole VND" in msg


def test_unparseable_date_names_the_expected_format():
    crm = {c.name: [""] for c in TABLES["crm_contacts"].columns}
    crm.update(contact_id=["CRM-1"], created_date=["31/02/2025"])
    with pytest.raises(C360DataError) as err:
        validate("crm_contacts", pd.DataFrame(crm))
    msg = str(err.value)
    assert "column 'created_date': cannot be read as a date in 1 row(s): 0 ('31/02/2025')" in msg
    assert "%d/%m/%Y" in msg


def test_negative_quantity_and_duplicate_key_reported_together():
    lines = pd.DataFrame({
        "line_id": ["L1", "L2", "L2"], "order_id": ["O1", "O1", "O2"], "sku": ["B", "B", "E"],
        "product_name": ["", "", ""], "category": ["beans", "beans", "equipment"],
        "quantity": ["2", "-3", "1"], "unit_price_vnd": ["1", "1", "1"],
        "unit_cost_vnd": ["1", "1", "1"]})
    with pytest.raises(C360DataError) as err:
        validate("order_lines", lines)
    problems = {p.column: p for p in err.value.problems}
    assert set(problems) == {"line_id", "quantity"}
    assert problems["line_id"].rows == (1, 2) and problems["line_id"].values == ("L2", "L2")
    assert problems["quantity"].rows == (1,) and problems["quantity"].values == ("-3",)
    assert "duplicate keys" in str(err.value) and "below 1" in str(err.value)


def test_every_problem_of_a_table_is_reported_at_once():
    bad = _orders(order_id=["OD-1", "OD-1", ""], channel=["website", "lazada", "zalo"],
                  order_time=["2025-01-02 10:00:00", "yesterday", "2025-02-01 08:00:00"],
                  shipping_vnd=["25000", "-1", "0"]).drop(columns=["payment_method"])
    with pytest.raises(C360DataError) as err:
        validate("shop_orders", bad)
    cols = [p.column for p in err.value.problems]
    assert cols.count("order_id") == 2  # empty and duplicated
    assert {"payment_method", "channel", "order_time", "shipping_vnd"} <= set(cols)
    assert "lazada" in str(err.value) and "use one of: website, showroom" in str(err.value)


def test_at_most_five_rows_shown_with_a_count_of_the_rest():
    n = 12
    df = _orders(**{k: v * 4 for k, v in _orders().to_dict("list").items()})
    df["quantity"] = "x"
    df["order_id"] = [f"OD-{i}" for i in range(n)]
    df["discount_vnd"] = "??"
    with pytest.raises(C360DataError) as err:
        validate("shop_orders", df)
    (problem,) = err.value.problems
    assert len(problem.rows) == 5 and problem.n_rows == n
    assert "and 7 more" in str(err.value)


def test_vn_money_column_accepts_vietnamese_formats():
    deals = {c.name: ["", "", ""] for c in TABLES["deals"].columns}
    deals.update(deal_id=["D1", "D2", "D3"], contact_id=["C1", "C1", "C2"],
                 stage=["won", "lost", "quote"], inquiry_date=["2025-01-01"] * 3,
                 value=["1.250.000 ₫", "1,250,000", "1250000"])
    out = validate("deals", pd.DataFrame(deals))
    assert out["value"].tolist() == [1_250_000] * 3


def test_unknown_table_is_a_key_error():
    with pytest.raises(KeyError, match="unknown table"):
        validate("customers", pd.DataFrame())


def test_every_table_declares_a_unique_required_key():
    for table in TABLES.values():
        key = table.column(table.key)
        assert key.unique and key.required, table.name
        assert len({c.name for c in table.columns}) == len(table.columns), table.name
