"""Reading a team's exports: the malformed-input corpus, the presets' round trip, suggest.

Every corpus case (a folder of ``tests/corpus``, written by ``tests/corpus/make_corpus.py``) has
its exact expected outcome in ``tests/corpus/expected.toml``: the error message content (file,
column, rows, fix) or the row accounting, the rejected rows with their reasons and the repairs.
For every table of every case used + repaired + rejected == input rows.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from c360lab import contract, datasets, mapping
from c360lab.contract import C360DataError
from c360lab.profile import FORMULA_STARTS

CORPUS = Path(__file__).parent / "corpus"
TODAY = pd.Timestamp("2026-01-01")


# == the malformed-input corpus ===================================================================

#: case → its exact expected outcome (see the file's header)
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
ERRORS = {case: e["error"] for case, e in EXPECTED.items() if "error" in e}
CASES = {case: e for case, e in EXPECTED.items() if "error" not in e}


def _read(case: str):
    folder = CORPUS / case
    m = folder / "mapping.toml"
    return mapping.read_exports(folder, m if m.exists() else "orders", today=TODAY)


def test_the_corpus_has_at_least_30_malformed_files_each_with_its_outcome():
    cases = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
    assert set(cases) == set(ERRORS) | set(CASES) and not set(ERRORS) & set(CASES)
    files = [f for c in cases for f in (CORPUS / c).iterdir() if f.name != "mapping.toml"]
    assert len(files) >= 30


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_unreadable_input_gets_one_clear_error(case):
    with pytest.raises(C360DataError) as err:
        _read(case)
    msg = str(err.value)
    for part in ERRORS[case]:
        assert part in msg, f"{part!r} not in:\n{msg}"
    assert "Traceback" not in msg and "pandas" not in msg


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_row_is_used_repaired_or_rejected_with_its_reason(case, tmp_path):
    expected = CASES[case]
    ing = _read(case)
    acc = ing.accounting
    assert (acc["used"] + acc["repaired"] + acc["rejected"] == acc["input_rows"]).all()
    got = {r.table: [r.input_rows, r.used, r.repaired, r.rejected] for r in acc.itertuples()}
    assert got == expected["accounting"]
    rejected = {t: [[int(a), b] for a, b in r[["row", "reason"]].values.tolist()]
                for t, r in ing.rejected.items() if len(r)}
    assert rejected == expected.get("rejected", {})
    blank = "(blank)"
    repairs = [[r.table, int(r.row), r.column, blank if r.before is None else r.before,
                blank if r.after is None else r.after, r.what] for r in ing.repairs.itertuples()]
    assert repairs == expected.get("repairs", [])
    for table, (n_in, used, repaired, n_rej) in got.items():
        assert len(ing.tables[table]) == used + repaired
        assert len(ing.rejected[table]) == n_rej
        repaired_rows = ing.repairs.loc[ing.repairs["table"] == table, "row"].nunique()
        assert repaired_rows == repaired
        _contract_holds(ing, table)
    _exports_are_inert(ing, tmp_path)


def _contract_holds(ing, table: str) -> None:
    """The typed table passes the contract, but for required columns the mapping left out."""
    optional = ing.mapping.tables[table].optional
    try:
        contract.validate(table, ing.tables[table])
    except C360DataError as err:
        assert all(p.column in optional and p.message == "is empty" for p in err.problems), err


def _exports_are_inert(ing, folder: Path) -> None:
    """Rejected rows are written formula-safe: no cell starts like a formula a sheet would run."""
    for path in ing.write_rejected(folder):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for col in df.columns:
            assert not df[col].str.startswith(FORMULA_STARTS).any(), (path.name, col)


def test_formula_strings_stay_text_and_are_quoted_in_every_export(tmp_path):
    from c360lab.profile import export_profile

    ing = _read("formula_injection")
    names = ing.tables["shop_orders"]["buyer_name"].tolist()
    assert names[0] == '=HYPERLINK("http://evil.example","Bấm vào")'  # kept exactly, as text
    for suffix in (".csv", ".xlsx"):
        path = export_profile(ing.tables["shop_orders"], tmp_path / f"orders{suffix}")
        back = (pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
                if suffix == ".csv" else pd.read_excel(path, dtype=str).fillna(""))
        for col in back.columns:
            assert not back[col].str.startswith(FORMULA_STARTS).any(), (suffix, col)


def test_legacy_encodings_give_the_same_text():
    want = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường"]
    for case in ("utf8_bom", "utf16le_bom_tab", "utf16be_bom", "utf16le_no_bom", "cp1258",
                 "semicolon_vn_money", "tab_delimited", "header_on_line_4"):
        assert _read(case).tables["shop_orders"]["buyer_name"].tolist() == want, case
    mixed = _read("mixed_bytes").tables["shop_orders"]["buyer_name"].tolist()
    assert mixed == want[:2] + ["Phạm Đức Dũng"]


def test_vietnamese_money_and_dates_are_read():
    lines = _read("vn_money_formats").tables["order_lines"]
    assert lines["unit_price_vnd"].tolist() == [1250000, 1250000, 1250000, 350000, 2500000,
                                                500000, 1500000, 120000, 1250000]
    orders = _read("mixed_date_formats").tables["shop_orders"]
    assert orders["order_time"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2025-03-12 00:00", "2025-03-13 00:00", "2025-03-14 00:00", "2025-03-15 09:30",
        "2025-03-20 00:00"]
    excel = _read("excel_header_row4").tables
    assert excel["shop_orders"]["order_time"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2025-03-12 10:30", "2025-03-13 00:00", "2025-03-14 00:00"]
    assert excel["order_lines"]["unit_price_vnd"].tolist() == [1250000, 350000, 2000000]


def test_collect_mode_reports_every_unreadable_table_instead_of_raising(tmp_path):
    shutil.copy(CORPUS / "empty_file" / "orders.csv", tmp_path / "orders.csv")
    ing = mapping.read_exports(tmp_path, "orders", today=TODAY, errors="collect")
    assert ing.tables == {}
    assert {(p.table, p.level) for p in ing.errors} == {("shop_orders", "error"),
                                                         ("order_lines", "error")}
    assert "is empty (0 bytes)" in str(ing.errors[0])


def test_problems_name_file_column_rows_and_fix():
    ing = _read("wrong_types")
    errors = [str(p) for p in ing.errors]
    assert ("error: table 'order_lines' (file orders.csv): column 'unit_price_vnd': cannot read "
            "as an amount in VND (rows rejected) in 2 row(s): 3 ('ba trăm nghìn'), 5 ('12.5'). "
            "Fix: write whole VND, e.g. 1250000 or 1.250.000 ₫") in errors
    assert any("column 'order_time': cannot read as a date and time (rows rejected) in 1 row(s): "
               "4 ('không rõ'). Fix: write real dates, e.g. 31/03/2025" in e for e in errors)


# == suggest ======================================================================================

def test_suggest_proposes_a_mapping_that_reads_the_file(tmp_path):
    for case, file in (("excel_header_row4", "orders.xlsx"),
                       ("contacts_value_maps", "khach_hang.csv"),
                       ("semicolon_vn_money", "orders.csv")):
        text = mapping.suggest(CORPUS / case / file)
        m = mapping.parse_mapping(text)
        folder = tmp_path / case
        shutil.copytree(CORPUS / case, folder)
        (folder / "mapping.toml").unlink(missing_ok=True)
        if case == "contacts_value_maps":
            assert 'care_status = "Trạng thái"' in text and "# check" in text
            continue  # its value map is a guess to check: every value maps to "new"
        ing = mapping.read_exports(folder, m, today=TODAY)
        assert set(ing.tables) == {"shop_orders", "order_lines"}
        assert 'order_time = "Ngày"' in text and 'unit_price_vnd = "Thành tiền"' in text


def test_suggest_on_the_course_layout_maps_every_column_to_itself(tmp_path):
    text = mapping.suggest(datasets.sample_dir() / "raw" / "deals.csv")
    m = mapping.parse_mapping(text)
    assert {c: s.columns for c, s in m.tables["deals"].columns.items()} == {
        c.name: (c.name,) for c in contract.TABLES["deals"].columns}


# == the preset round trip ========================================================================

def _their_dates(values: pd.Series, fmt: str) -> pd.Series:
    text = values.dt.strftime(fmt)
    if fmt.endswith(".%fZ"):  # Salesforce writes milliseconds
        text = text.str.replace(r"\.(\d{3})\d{3}Z$", r".\1Z", regex=True)
    return text.where(values.notna(), "")


def export_like(preset: str, raw: dict, folder: Path) -> dict[str, Path]:
    """Write the sample's tables as the preset's CRM would export them; the paths written."""
    m = mapping.load_mapping(preset)
    written = {}
    for table, tmap in m.tables.items():
        df, spec = raw[table], contract.TABLES[table]
        out, excel = {}, any(f.endswith(".xlsx") for f in tmap.files[:1])
        for col, src in tmap.columns.items():
            kind = spec.column(col).kind
            values = df[col]
            if col in tmap.labels:
                as_text = values.map({True: "yes", False: "no"}) if kind == "bool" else values
                values = as_text.map(lambda v, lab=tmap.labels[col]: lab.get(v, v))
            elif kind in ("date", "datetime"):
                fmt = (src.date_format or tmap.date_format)[0]
                values = values if excel else _their_dates(values, fmt)
            elif kind == "bool":
                values = values.map({True: "yes", False: "no"})
            name = (src.columns or src.any)[0]
            if len(src.columns) == 2:  # a full name split into two columns, rejoined on reading
                text = values.fillna("").astype(str)
                split = (text == text.str.strip()) & text.str.contains(" ")
                parts = text.str.rsplit(" ", n=1, expand=True).fillna("")
                out[src.columns[0]] = text.where(~split, parts[0])
                out[src.columns[1]] = pd.Series("", index=text.index).where(~split, parts[1])
                continue
            out[name] = values
        frame = pd.DataFrame(out)
        pattern = tmap.files[0].replace("*", "_export")
        path = folder / pattern
        if path.suffix == ".xlsx":
            frame = frame.astype({c: "object" for c in frame.columns})
            frame.to_excel(path, index=False, engine="openpyxl")
        else:
            frame = frame.astype("object").where(frame.notna(), "")
            frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written[table] = path
    return written


@pytest.mark.parametrize("preset", ["hubspot", "zoho", "salesforce", "odoo"])
def test_sample_exported_through_a_crm_preset_reads_back_the_same(preset, raw, tmp_path):
    written = export_like(preset, raw, tmp_path)
    ing = mapping.read_exports(tmp_path, preset, today=datasets.TODAY)
    assert set(ing.tables) == {"crm_contacts", "deals"}
    for table in ing.tables:
        pd.testing.assert_frame_equal(ing.tables[table], raw[table], obj=f"{preset} {table}")
    acc = ing.accounting.set_index("table")
    assert (acc["used"] == acc["input_rows"]).all(), ing.repairs.head()
    assert written["crm_contacts"].exists()


@pytest.fixture(scope="module")
def sample_results(raw):
    from c360lab import pipeline

    return pipeline.run(raw)


@pytest.mark.parametrize("preset", ["hubspot", "zoho", "salesforce", "odoo"])
def test_round_trip_gives_the_same_profile_and_every_other_output(preset, raw, sample_results,
                                                                  tmp_path):
    """The seven steps on the tables read back through a preset (CSV and Excel) give the same
    profile, funnel, KPIs... as on the sample read directly."""
    from c360lab import pipeline

    export_like(preset, raw, tmp_path)
    ing = mapping.read_exports(tmp_path, preset, today=datasets.TODAY)
    via = pipeline.run({**raw, **ing.tables})
    assert sorted(via.outputs) == sorted(sample_results.outputs)
    assert "profile" in via.outputs
    for name, df in sample_results.outputs.items():
        pd.testing.assert_frame_equal(via.outputs[name], df, obj=name)


def test_course_layout_reads_the_sample_like_load_raw(raw):
    ing = mapping.read_exports(datasets.sample_dir(), None, today=datasets.TODAY)
    assert set(ing.tables) == set(raw)
    for name, df in raw.items():
        pd.testing.assert_frame_equal(ing.tables[name], df, obj=name)
    assert int(ing.accounting["rejected"].sum()) == 0
