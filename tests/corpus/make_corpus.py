"""Write the malformed-input corpus: one folder per case, each with the export(s) as a team would
really send them and, when the case needs one, its ``mapping.toml`` (otherwise the "orders"
preset reads it). The expected outcome of each case is in ``tests/test_mapping.py`` (CASES).

    python tests/corpus/make_corpus.py      # rewrites every case; the files are committed

Binary files (UTF-16, Windows-1258, Excel) are written here so the tests read real files.
"""

from __future__ import annotations

import datetime as dt
import shutil
import unicodedata
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent

HEADER = "Khách hàng,Ngày,Thành tiền,Giá vốn"
GOOD = ["Nguyễn Văn An,12/03/2025,1250000,700000",
        "Trần Thị Bình,13/03/2025,350000,200000",
        "Lê Hoàng Cường,14/03/2025,2000000,1500000"]

ORDER_LINES_MAPPING = """\
name = "order lines"
[order_lines]
file = "chi_tiet.csv"
optional = ["category", "unit_cost_vnd"]
[order_lines.columns]
line_id = "Mã dòng"
order_id = "Mã đơn"
sku = "Mã SP"
quantity = "Số lượng"
unit_price_vnd = "Đơn giá"
"""

CONTACTS_MAPPING = """\
name = "my crm"
[crm_contacts]
file = "khach_hang.csv"
[crm_contacts.columns]
contact_id = "Mã KH"
full_name = "Họ tên"
care_status = "Trạng thái"
marketing_consent = "Đồng ý nhận tin"
created_date = "Ngày tạo"
[crm_contacts.values.care_status]
"Mới" = "new"
"Đã liên hệ" = "contacted"
"Khách hàng" = "customer"
"""

DEALS_MAPPING = """\
name = "my pipeline"
[deals]
file = "co_hoi.csv"
[deals.columns]
deal_id = "Mã"
contact_id = "Mã KH"
stage = "Giai đoạn"
value = "Giá trị"
inquiry_date = "Ngày hỏi"
[deals.values.stage]
"Mới" = "inquiry"
"Báo giá" = "quote"
"Thắng" = "won"
"Thua" = "lost"
"""


def lines(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def text_cases() -> dict[str, dict[str, str | bytes]]:
    """case → {file name: content (str is written as UTF-8)}."""
    good = lines(*GOOD)
    return {
        "utf8_bom": {"orders.csv": b"\xef\xbb\xbf" + good.encode("utf-8")},
        "utf16le_bom_tab": {"orders.csv": b"\xff\xfe" + good.replace(",", "\t")
                            .encode("utf-16-le")},
        "utf16be_bom": {"orders.csv": b"\xfe\xff" + good.encode("utf-16-be")},
        "utf16le_no_bom": {"orders.csv": good.encode("utf-16-le")},
        "cp1258": {"orders.csv": cp1258(good)},
        "mixed_bytes": {"orders.csv": (lines(*GOOD[:2]).encode("utf-8")
                                       + cp1258("Phạm Đức Dũng,15/03/2025,900000,400000\n"))},
        "declared_utf8_but_cp1258": {
            "orders.csv": cp1258(good),
            "mapping.toml": preset_with('encoding = "utf-8"')},
        "semicolon_vn_money": {"orders.csv": lines(
            "Nguyễn Văn An;12/03/2025;1.250.000 ₫;700.000",
            "Trần Thị Bình;13/03/2025;350.000đ;200000",
            "Lê Hoàng Cường;14/03/2025;2000000;1.500.000 VND",
            header=HEADER.replace(",", ";"))},
        "tab_delimited": {"orders.csv": good.replace(",", "\t")},
        "header_on_line_4": {"orders.csv": "BÁO CÁO ĐƠN HÀNG\nCửa hàng Phin & Co.\n\n" + good},
        "empty_file": {"orders.csv": ""},
        "header_only": {"orders.csv": HEADER + "\n"},
        "only_blank_lines": {"orders.csv": "\n\n\n"},
        "blank_lines": {"orders.csv": lines(GOOD[0], "", GOOD[1], ",,,", GOOD[2], "")},
        "totals_row": {"orders.csv": lines(*GOOD, "Tổng cộng,,3600000,2400000")},
        "misnamed_column": {
            "orders.csv": lines(*GOOD, header="Khách hàng,Ngay dat hang,Thành tiền,Giá vốn"),
            "mapping.toml": """\
[shop_orders]
file = "orders.csv"
optional = ["channel"]
[shop_orders.columns]
order_id = { row_number = "OD-" }
order_time = "Ngày đặt"
buyer_name = "Khách hàng"
status = { value = "completed" }
discount_vnd = { value = "0" }
shipping_vnd = { value = "0" }
"""},
        "missing_required_column": {"orders.csv": lines(
            "Nguyễn Văn An,1250000", header="Khách hàng,Thành tiền")},
        "missing_optional_cost": {"orders.csv": lines(
            *(",".join(r.split(",")[:3]) for r in GOOD), header="Khách hàng,Ngày,Thành tiền")},
        "wrong_types": {"orders.csv": lines(
            GOOD[0], "Trần Thị Bình,13/03/2025,ba trăm nghìn,200000",
            "Lê Hoàng Cường,không rõ,2000000,1500000", "Phạm Thu,15/03/2025,12.5,abc")},
        "duplicate_keys": {"orders.csv": lines(
            "OD-1,Nguyễn Văn An,12/03/2025,1250000", "OD-2,Trần Thị Bình,13/03/2025,350000",
            "OD-1,Nguyễn Văn An,12/03/2025,1250000", "OD-2,Lê Hoàng Cường,14/03/2025,2000000",
            header="Mã đơn,Khách hàng,Ngày,Thành tiền")},
        "negative_quantity": {
            "chi_tiet.csv": lines("L1,OD-1,B-01,2,250000", "L2,OD-1,B-02,-1,250000",
                                  "L3,OD-2,B-01,0,250000", "L4,OD-3,B-01,1.200,180.000",
                                  header="Mã dòng,Mã đơn,Mã SP,Số lượng,Đơn giá"),
            "mapping.toml": ORDER_LINES_MAPPING},
        "future_dates": {"orders.csv": lines(GOOD[0], "Trần Thị Bình,13/03/2031,350000,200000",
                                             "Lê Hoàng Cường,02/01/2026,2000000,1500000")},
        "beyond_period": {
            "orders.csv": lines("Nguyễn Văn An,31/12/2023,1250000,700000", *GOOD[1:],
                                "Phạm Đức Dũng,01/01/2026,900000,400000"),
            "mapping.toml": preset_with('period = ["2024-01-01", "2025-12-31"]')},
        "mixed_date_formats": {"orders.csv": lines(
            GOOD[0], GOOD[1], "Lê Hoàng Cường,2025-03-14,2000000,1500000",
            "Phạm Đức Dũng,15-03-2025 09:30,900000,400000", "Vũ Thị Em,45736,500000,250000")},
        "huge_numbers": {"orders.csv": lines(
            GOOD[0], "Trần Thị Bình,13/03/2025,99999999999999999999,200000",
            "Lê Hoàng Cường,14/03/2025,1.25E+06,1500000",
            "Phạm Đức Dũng,15/03/2025,900000,5000000000000")},
        "formula_injection": {"orders.csv": lines(
            '"=HYPERLINK(""http://evil.example"",""Bấm vào"")",12/03/2025,1250000,700000',
            "@SUM(A1:A9),13/03/2025,350000,200000",
            "+cmd|' /C calc'!A0,14/03/2025,2000000,1500000",
            "-2+3,15/03/2025,900000,400000", GOOD[0])},
        "vn_money_formats": {"orders.csv": lines(
            'An,01/03/2025,"1.250.000",', 'Bình,02/03/2025,"1,250,000",',
            'Cường,03/03/2025,1 250 000,', 'Dũng,04/03/2025,350.000đ,',
            'Em,05/03/2025,2tr5,', 'Giang,06/03/2025,500k,', 'Hà,07/03/2025,"1,5 triệu",',
            'Khánh,08/03/2025,VND 120.000,', 'Lan,09/03/2025,(50.000),',
            'Minh,10/03/2025,"1.250.000,00",', 'Ngọc,11/03/2025,1250000.50,')},
        "ragged_rows": {"orders.csv": lines(
            GOOD[0], "Trần, Thị Bình,13/03/2025,350000,200000", "Lê Hoàng Cường,14/03/2025",
            GOOD[2])},
        "crlf_multiline_cell": {"orders.csv": lines(
            '"Nguyễn Văn An\r\n(chi nhánh 2)",12/03/2025,1250000,700000',
            "Trần Thị Bình,31/02/2025,350000,200000", GOOD[2])
            .replace("\n", "\r\n").replace("\r\r\n", "\r\n")},
        "xls_workbook": {"orders.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504},
        "binary_nul": {"orders.csv": b"Kh\x00ch,Ng\x00y\n\x00\x01\x02,\x03\n"},
        "no_header_found": {"orders.csv": lines("a,b,c", header="foo,bar,baz")},
        "contacts_value_maps": {
            "khach_hang.csv": lines(
                "KH1,Nguyễn Văn An,Mới,có,01/02/2025", "KH2,Trần Thị Bình,VIP,không,02/02/2025",
                "KH3,Lê Hoàng Cường,khách hàng,maybe,03/02/2025", "KH4,Phạm Thu,Đã liên hệ,yes,",
                header="Mã KH,Họ tên,Trạng thái,Đồng ý nhận tin,Ngày tạo"),
            "mapping.toml": CONTACTS_MAPPING},
        "deals_unknown_stage": {
            "co_hoi.csv": lines("D1,KH1,Mới,15.000.000,01/02/2025", "D2,KH2,Đàm phán,2000000,"
                                "02/02/2025", "D3,,Thắng,3000000,03/02/2025",
                                "D4,KH4,thua,-5000000,04/02/2025",
                                header="Mã,Mã KH,Giai đoạn,Giá trị,Ngày hỏi"),
            "mapping.toml": DEALS_MAPPING},
        "bad_mapping_table": {"orders.csv": lines(*GOOD), "mapping.toml": """\
[shop_order]
file = "orders.csv"
"""},
        "bad_mapping_column": {"orders.csv": lines(*GOOD), "mapping.toml": """\
[shop_orders]
file = "orders.csv"
[shop_orders.columns]
order_id = "Mã đơn"
order_date = "Ngày"
"""},
        "bad_mapping_toml": {"orders.csv": lines(*GOOD), "mapping.toml": """\
[shop_orders]
file = orders.csv
"""},
    }


def preset_with(line: str) -> str:
    """The orders preset with one line of [defaults] set (``key = value``)."""
    text = (HERE.parent.parent / "c360lab" / "data" / "presets" / "orders.toml").read_text(
        encoding="utf-8")
    key = line.split("=")[0].strip()
    kept = [ln for ln in text.splitlines() if not ln.startswith(f"{key} =")
            and not ln.startswith(f"# {key} =")]
    out = "\n".join(kept) + "\n"
    return out.replace("[defaults]\n", f"[defaults]\n{line}\n", 1) if key else text


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes: base letters (with hat/horn/breve) plus a combining tone mark."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            head = unicodedata.normalize("NFC", base + "".join(m for m in marks
                                                               if m in "\u0302\u0306\u031b"))
            tone = "".join(m for m in marks if m not in "\u0302\u0306\u031b")
            out.append((head + tone).encode("cp1258"))
    return b"".join(out)


def excel_cases(root: Path) -> None:
    # A report-style workbook: title rows, the header on row 4, real Excel dates, a totals row.
    folder = root / "excel_header_row4"
    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Đơn hàng"
    ws.append(["BÁO CÁO DOANH THU THÁNG 3/2025"])
    ws.append(["Xuất từ phần mềm bán hàng"])
    ws.append([])
    ws.append(["Khách hàng", "Ngày", "Thành tiền", "Giá vốn"])
    ws.append(["Nguyễn Văn An", dt.datetime(2025, 3, 12, 10, 30), 1250000, 700000])
    ws.append(["Trần Thị Bình", dt.date(2025, 3, 13), 350000.0, 200000])
    ws.append(["Lê Hoàng Cường", "14/03/2025", "2.000.000 ₫", 1500000])
    ws.append(["Tổng cộng", None, "=SUM(C5:C7)", "=SUM(D5:D7)"])
    wb.save(folder / "orders.xlsx")
    # A workbook whose data sheet is not the first, named in the mapping ... and a wrong name.
    for case, sheet in (("excel_named_sheet", "Orders"), ("excel_missing_sheet", "Đơn")):
        folder = root / case
        folder.mkdir(parents=True, exist_ok=True)
        wb = openpyxl.Workbook()
        wb.active.title = "Hướng dẫn"
        wb.active.append(["Đọc kỹ trước khi dùng"])
        ws = wb.create_sheet("Orders")
        ws.append(["Khách hàng", "Ngày", "Thành tiền"])
        ws.append(["Nguyễn Văn An", dt.date(2025, 3, 12), 1250000])
        ws.append(["=HYPERLINK(\"http://evil.example\",\"Bấm\")", dt.date(2025, 3, 13), 350000])
        wb.save(folder / "orders.xlsx")
        (folder / "mapping.toml").write_text(
            preset_with("").replace('[order_lines]\n', f'[order_lines]\nsheet = "{sheet}"\n')
            .replace('[shop_orders]\n', f'[shop_orders]\nsheet = "{sheet}"\n'),
            encoding="utf-8")
    # A workbook saved with a .csv name.
    folder = root / "excel_named_csv"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "excel_header_row4" / "orders.xlsx", folder / "orders.csv")


def main() -> None:
    for old in HERE.iterdir():
        if old.is_dir():
            shutil.rmtree(old)
    for case, files in text_cases().items():
        folder = HERE / case
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (folder / name).write_bytes(data)
    excel_cases(HERE)


if __name__ == "__main__":
    main()
