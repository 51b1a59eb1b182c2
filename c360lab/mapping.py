"""Read a team's own exports as they really come, map them onto the data contract, lose no row.

A team's CRM, shop and chat exports do not look like the sample company's files: other column
names, other status names, other date and money formats, other encodings, Excel workbooks with a
title above the header, a totals row at the bottom. A **mapping file** (TOML) says which file and
which columns feed each contract table (``contract.TABLES``); ``read_exports`` reads a folder
through it and returns an :class:`Ingest`: the typed tables (as ``contract.validate`` returns
them), and the account of every input row: **used** as it was, **repaired** (what was repaired,
before and after) or **rejected** (why). Rejected rows are kept and written beside the output by
``Ingest.write_rejected``, so nothing silently disappears.

This is the third module that reads files, after ``datasets`` and ``contract``.

Presets ship for the contact and deal exports of HubSpot, Zoho CRM, Salesforce and Odoo, and for a
plain orders export (customer, date, amount, optionally cost): ``load_mapping("hubspot")``. The
preset files (``c360lab/data/presets/*.toml``) are commented examples of everything below.
``suggest(path)`` proposes a mapping for one file from its column names and contents.

The mapping file
----------------
Top-level keys, all optional::

    name = "my shop"                 # shown in messages
    description = "..."
    [defaults]                       # apply to every table unless the table says otherwise
    encoding = "auto"                # or "utf-8", "utf-8-sig", "utf-16", "cp1258", "cp1252"
    delimiter = "auto"               # or ",", ";", "\\t", "|"
    header_row = "auto"              # or the 1-based line (CSV) / row (Excel) of the header
    date_format = "auto"             # or one strptime format, or a list tried in order
    money_format = "auto"            # "auto", "vn" or "plain" (see below)
    period = ["2024-01-01", "2025-12-31"]   # rows dated outside are rejected

Then one section per contract table the team has, named as the table (``[shop_orders]``,
``[crm_contacts]``, …; tables not listed are simply absent)::

    [shop_orders]
    file = "orders*.csv"             # a name or glob inside the folder (or a list of them);
                                     # every matching file is read, each accounted for
    sheet = "Orders"                 # Excel only: the sheet (default: the first)
    optional = ["unit_cost_vnd"]     # required contract columns the file may lack (all missing)
    # ... and any key of [defaults], for this table only

    [shop_orders.columns]            # contract column = where its value comes from
    order_id = "Mã đơn"              # one of their columns
    buyer_name = ["Họ", "Tên"]       # several columns, joined with a space (blanks skipped)
    buyer_phone = { any = ["SĐT", "Điện thoại"] }   # the first of these the file has
    quantity = { any = ["SL"], value = "1" }        # ... or, when it has none, a constant
    order_time = { column = "Ngày", date_format = "%d/%m/%Y %H:%M" }   # with its own format
    channel = { value = "website" }  # a constant, for a column the export does not have
    line_id = { row_number = "L-" }  # an id made from the row number: L-2, L-3, ...
    customer_key = "Mã KH"           # the team's own customer id (not a contract column; the
                                     # pipeline uses it instead of identity resolution)

    [shop_orders.values.status]      # value map: their value = the contract's value
    "Hoàn thành" = "completed"       # matched without case, diacritics or extra spaces
    "Đã hủy" = "cancelled"
    "*" = "completed"                # optional catch-all for every other non-blank value

Contract columns not listed under ``columns`` are missing (``<NA>``) in the typed table; a
required contract column must be listed (or named in ``optional``). A listed column that is not
in the file stops the table when the contract requires it (a ``C360DataError`` naming the file,
the column, the closest names found and the fix) and gives a warning otherwise.

``mapping=None`` is the course's own layout: ``<table>.csv`` files (in the folder or its ``raw/``
sub-folder) with the contract's column names and formats, like ``data/raw``.

What is accepted (and what counts as a repair)
----------------------------------------------
- **Encodings**: a byte-order mark decides (UTF-8, UTF-16 LE/BE); otherwise UTF-8 if the whole
  file is valid UTF-8, else Windows-1258 (the Vietnamese code page; its combining tone marks are
  NFC-normalised), or Windows-1252 when nothing Vietnamese shows. A UTF-8 file with a few lines in
  a legacy code page (rows appended by another tool) is read line by line: those rows are
  *repaired* ("decoded as Windows-1258"). UTF-8 text is kept exactly as written (identity
  resolution folds NFD names itself).
- **Delimiters**: comma, semicolon, tab or pipe, sniffed from the first lines. **Excel**: ``.xlsx``
  (openpyxl); the old ``.xls`` is refused with the fix "save as .xlsx or CSV".
- **Header row**: "auto" takes, among the first 30 lines, the one naming most of the mapped
  columns; the lines above it (report titles) are not data and are noted.
- **Dates**: the declared ``date_format`` (a list is tried in order); "auto" takes, per column,
  the format most of its values are written in. Values in another recognised format (dd/mm/yyyy,
  dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd, yyyy/mm/dd, each with or without a time; Excel day
  serials) are read and *repaired*; day-first always wins over month-first unless a month-first
  format is declared. Excel date cells are always read as they are.
- **Money** (whole VND): ``plain`` digits ("1250000", "1250000.00") are the norm. With
  ``money_format = "auto"`` (the default) Vietnamese writing is read and counted as a *repair*:
  "1.250.000", "1,250,000", "1 250 000", with ₫, đ, VND, VNĐ or "đồng" before or after, "(…)" or
  a leading minus for a negative amount, and the shorthands "500k", "500 nghìn", "1tr2",
  "1,2 triệu", "2 tỷ". With ``money_format = "vn"`` the separators and currency signs are the
  declared format (not repairs; shorthands still are). Amounts with a non-zero fraction of a dong,
  scientific notation ("1.25E+06": Excel lost digits) and amounts over 10^12 VND are not read.
- **Whole numbers**: digits; "1.200" (thousands separator) and "3.0" are repaired.
- **Text** is kept as written. A cell that a spreadsheet would run as a formula (``=HYPERLINK(…)``,
  ``@SUM(…)``, ``+cmd…``) is kept as inert text and noted as a repair; every file this package
  writes quotes it (``profile.export_profile``).

Each row of each file is then **rejected** (with every reason) when: it is blank; it is a totals
row ("Tổng cộng", "Total"); it has more or fewer fields than the header; a required column is
empty or cannot be read; a required value is out of range (e.g. a negative quantity), an unknown
code (e.g. a stage the value map does not know), a date after ``today`` or outside ``period``; or
its key repeats an earlier row's (the first is kept). The same problems in a column that is not
required blank that value instead, and the row is **repaired** (before and after are logged).
A file that feeds several tables (the "orders" preset reads one row as an order and its line)
holds one record per row: a row rejected for one of its tables is rejected for all of them
("rejected in shop_orders: …"), so no order line is left without its order.

``read_exports`` raises one ``C360DataError`` when a table cannot be read at all (the file is
empty, binary or an old ``.xls``, a required column is missing, no header row names the mapped
columns, the declared encoding is wrong, the mapping itself is wrong); with
``errors="collect"`` those tables are left out and their problems listed instead, so a
validation report can show every problem of every table at once.

Source: 004 (data standards, validation at source), 001 §4.2 (standardise before you link),
CURRICULUM §10 (your own data).
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import contract
from .contract import TABLES, C360DataError, Problem
from .vietnam import fold

__all__ = [
    "Ingest",
    "Issue",
    "Mapping",
    "PRESETS",
    "TableMap",
    "load_mapping",
    "read_exports",
    "suggest",
]

PRESETS = ("hubspot", "zoho", "salesforce", "odoo", "orders")
PRESET_DIR = Path(__file__).resolve().parent / "data" / "presets"
CUSTOMER_KEY = "customer_key"
#: amounts above this are "implausibly large" (10^12 VND, a thousand billion dong)
MAX_MONEY_VND = 10**12
#: whole numbers (counts) above this are implausibly large
MAX_COUNT = 10**9
#: how many lines are searched for the header row
HEADER_SEARCH_LINES = 30
#: the first cell of a totals row, folded (lower case, no diacritics)
TOTALS_LABELS = ("tong cong", "tong", "cong", "total", "totals", "grand total", "sum", "tong so",
                 "tong cong:", "total:", "tong:")
_TOTALS_START = re.compile(r"(?i)\s*(t[ổo]ng|c[ộo]ng|total|grand total|sum)\b")
#: delimiters the sniffer chooses from
DELIMITERS = (",", ";", "\t", "|")
#: date formats tried, in this order, when a value is not in the declared format
DATE_FORMATS = (
    "%d/%m/%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
    "%d-%m-%Y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M",
    "%d.%m.%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
    "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d", "%Y/%m/%d %H:%M:%S",
)
_ISO = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f")
#: text a spreadsheet would run: = @ tab CR, or + - unless a phone or number follows
_FORMULA_START = re.compile(r"^(?:[=@\t\r]|[+\-](?![\d\s().\-]*$))")
_SECTION_KEYS = {"file", "sheet", "optional", "columns", "values", "encoding", "delimiter",
                 "header_row", "date_format", "money_format", "period"}
_DEFAULT_KEYS = {"encoding", "delimiter", "header_row", "date_format", "money_format", "period"}


# == the mapping ==================================================================================

@dataclass(frozen=True)
class Source:
    """Where one contract column's values come from: their column(s), a constant or a row id."""

    columns: tuple[str, ...] = ()
    value: str | None = None
    row_number: str | None = None
    date_format: tuple[str, ...] | None = None
    any: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableMap:
    """How one contract table is read: file pattern(s), format options, columns, value maps."""

    table: str
    files: tuple[str, ...]
    columns: dict[str, Source]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    sheet: str | None = None
    optional: frozenset = frozenset()
    encoding: str = "auto"
    delimiter: str = "auto"
    header_row: int | None = None
    date_format: tuple[str, ...] | None = None
    money_format: str = "auto"
    period: tuple | None = None
    #: contract column → contract value → the first of their labels mapped onto it
    labels: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Mapping:
    """A whole mapping: one :class:`TableMap` per contract table the team has."""

    name: str
    tables: dict[str, TableMap]
    description: str = ""
    source: str = ""


def _mapping_error(source: str, key: str, message: str, fix: str) -> C360DataError:
    return C360DataError("mapping", [Problem(key, message, fix)], source=source)


def _close(word: str, options, n: int = 3) -> str:
    """ " (did you mean 'x'?)" for the options closest to ``word`` (compared folded)."""
    import difflib

    folded = {}
    for o in options:
        folded.setdefault(fold(str(o)), str(o))
    found = difflib.get_close_matches(fold(word), list(folded), n=n, cutoff=0.6)
    return f" (did you mean {', '.join(repr(folded[f]) for f in found)}?)" if found else ""


def _formats(value, source: str, key: str) -> tuple[str, ...] | None:
    if value is None or value == "auto":
        return None
    values = (value,) if isinstance(value, str) else tuple(value)
    if not values or not all(isinstance(v, str) and "%" in v for v in values):
        raise _mapping_error(source, key, f"date_format {value!r} is not a strptime format",
                             'write e.g. "%d/%m/%Y" or a list of them, or "auto"')
    return values


def _source(spec, source: str, key: str) -> Source:
    if isinstance(spec, str):
        return Source(columns=(spec,))
    if isinstance(spec, list) and spec and all(isinstance(s, str) for s in spec):
        return Source(columns=tuple(spec))
    if isinstance(spec, dict):
        extra = set(spec) - {"column", "columns", "any", "value", "row_number", "date_format"}
        if extra:
            raise _mapping_error(source, key, f"unknown option(s) {sorted(extra)}",
                                 "use column, columns, any, value, row_number or date_format")
        cols = spec.get("columns", spec.get("column", ()))
        cols = (cols,) if isinstance(cols, str) else tuple(cols)
        alts = spec.get("any", ())
        alts = (alts,) if isinstance(alts, str) else tuple(alts)
        given = sum(bool(x) for x in (cols, alts, "value" in spec, "row_number" in spec))
        fallback = bool(alts) and given == 2 and not cols
        if given == 1 or fallback:
            value = spec.get("value")
            return Source(columns=cols, value=None if value is None else str(value),
                          row_number=spec.get("row_number"), any=alts,
                          date_format=_formats(spec.get("date_format"), source, key))
    raise _mapping_error(source, key, f"cannot read the source {spec!r}",
                         'write "Their column", ["Col A", "Col B"], { any = ["A", "B"] }, '
                         '{ value = "x" } or { row_number = "prefix" }')


def _header_row(value, source: str, key: str) -> int | None:
    if value is None or value == "auto":
        return None
    if isinstance(value, int) and value >= 1:
        return value
    raise _mapping_error(source, key, f"header_row {value!r} is not a line number",
                         'write the 1-based line of the header, or "auto"')


def _period(value, source: str, key: str):
    if value is None:
        return None
    try:
        start, end = (pd.Timestamp(str(v)) for v in value)
    except (TypeError, ValueError):
        raise _mapping_error(source, key, f"period {value!r} is not two dates",
                             'write period = ["2024-01-01", "2025-12-31"]') from None
    return start, end


def _table_map(name: str, spec: dict, defaults: dict, source: str) -> TableMap:
    unknown = set(spec) - _SECTION_KEYS
    if unknown:
        raise _mapping_error(source, name, f"unknown key(s) {sorted(unknown)}",
                             f"use only: {', '.join(sorted(_SECTION_KEYS))}")
    opts = {**defaults, **{k: v for k, v in spec.items() if k in _DEFAULT_KEYS}}
    files = spec.get("file", f"{name}.csv")
    files = (files,) if isinstance(files, str) else tuple(files)
    contract_cols = {c.name for c in TABLES[name].columns}
    columns = {}
    for col, src in spec.get("columns", {}).items():
        if col not in contract_cols and col != CUSTOMER_KEY:
            raise _mapping_error(source, f"{name}.columns.{col}", "is not a column of the contract "
                                 f"table{_close(col, contract_cols)}",
                                 f"use one of: {', '.join(sorted(contract_cols))}, {CUSTOMER_KEY}")
        columns[col] = _source(src, source, f"{name}.columns.{col}")
    values, labels = {}, {}
    for col, vmap in spec.get("values", {}).items():
        if col not in columns:
            raise _mapping_error(source, f"{name}.values.{col}", "maps values of a column that is "
                                 "not under columns", f"add {col} to [{name}.columns]")
        values[col] = {("*" if k == "*" else fold(str(k))): str(v) for k, v in vmap.items()}
        labels[col] = {}
        for k, v in vmap.items():
            if k != "*":
                labels[col].setdefault(str(v), str(k))
        allowed = TABLES[name].column(col).values if col in contract_cols else None
        wrong = [v for v in vmap.values() if allowed and str(v) not in allowed]
        if wrong:
            raise _mapping_error(source, f"{name}.values.{col}", f"maps onto unknown codes {wrong}",
                                 f"map onto: {', '.join(allowed)}")
    optional = frozenset(spec.get("optional", ()))
    required = [c.name for c in TABLES[name].columns if c.required]
    missing = [c for c in required if c not in columns and c not in optional]
    if missing:
        raise _mapping_error(source, f"{name}.columns", f"does not say where the required "
                             f"column(s) {', '.join(missing)} come from",
                             "map each to a column of the file, a { value = ... } or a "
                             "{ row_number = ... }, or list it under optional")
    money = opts.get("money_format", "auto")
    if money not in ("auto", "vn", "plain"):
        raise _mapping_error(source, f"{name}.money_format", f"{money!r} is not a money format",
                             'use "auto", "vn" or "plain"')
    return TableMap(
        table=name, files=files, columns=columns, values=values, sheet=spec.get("sheet"),
        optional=optional, encoding=str(opts.get("encoding", "auto")).lower(),
        delimiter=str(opts.get("delimiter", "auto")),
        header_row=_header_row(opts.get("header_row"), source, f"{name}.header_row"),
        date_format=_formats(opts.get("date_format"), source, f"{name}.date_format"),
        money_format=money, period=_period(opts.get("period"), source, f"{name}.period"),
        labels=labels)


def parse_mapping(text: str, *, source: str = "mapping") -> Mapping:
    """A :class:`Mapping` from TOML text (see the module docstring for the format).

    >>> m = parse_mapping('''
    ... [shop_orders]
    ... file = "don_hang.csv"
    ... optional = ["channel", "status", "discount_vnd", "shipping_vnd"]
    ... [shop_orders.columns]
    ... order_id = "Mã đơn"
    ... order_time = "Ngày đặt"
    ... ''')
    >>> m.tables["shop_orders"].columns["order_id"]
    Source(columns=('Mã đơn',), value=None, row_number=None, date_format=None, any=())
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise _mapping_error(source, "(file)", f"is not valid TOML: {err}",
                             "fix the line named; quote names with spaces: \"First Name\" = ...") \
            from None
    defaults = data.get("defaults", {})
    bad = set(defaults) - _DEFAULT_KEYS
    if bad:
        raise _mapping_error(source, "defaults", f"unknown key(s) {sorted(bad)}",
                             f"use only: {', '.join(sorted(_DEFAULT_KEYS))}")
    tables = {}
    for key, spec in data.items():
        if key in ("name", "description", "defaults"):
            continue
        if key not in TABLES or not isinstance(spec, dict):
            raise _mapping_error(source, key, f"is not a contract table{_close(key, TABLES)}",
                                 f"name sections after the tables: {', '.join(TABLES)}")
        tables[key] = _table_map(key, spec, defaults, source)
    if not tables:
        raise _mapping_error(source, "(file)", "maps no table",
                             "add a section per table, e.g. [shop_orders] with file and columns")
    return Mapping(name=str(data.get("name", Path(source).stem)), tables=tables,
                   description=str(data.get("description", "")), source=source)


def course_layout() -> Mapping:
    """The course's own layout (``data/raw``): ``<table>.csv``, contract names and formats."""
    tables = {}
    for t in TABLES.values():
        cols = {c.name: Source(columns=(c.name,),
                               date_format=(c.fmt,) if c.kind in ("date", "datetime") and c.fmt
                               else (_ISO if c.kind in ("date", "datetime") else None))
                for c in t.columns}
        money = "vn" if any(c.fmt == "vn" for c in t.columns) else "plain"
        tables[t.name] = TableMap(table=t.name, files=(t.file, f"raw/{t.file}"), columns=cols,
                                  money_format=money, encoding="auto", delimiter=",",
                                  header_row=1)
    return Mapping(name="course layout", tables=tables, source="(course layout)")


def load_mapping(path_or_preset=None) -> Mapping:
    """A mapping from a preset name, a TOML file, or ``None`` for the course's own layout.

    Parameters
    ----------
    path_or_preset : str or path, optional
        ``"hubspot"``, ``"zoho"``, ``"salesforce"``, ``"odoo"``, ``"orders"`` (see ``PRESETS``),
        a path to a ``.toml`` file, or None.

    Raises
    ------
    C360DataError
        When the file is not there or not a valid mapping (the key, the problem and the fix).

    Examples
    --------
    >>> sorted(load_mapping("orders").tables)
    ['order_lines', 'shop_orders']
    >>> load_mapping(None).name
    'course layout'
    """
    if path_or_preset is None:
        return course_layout()
    if isinstance(path_or_preset, Mapping):
        return path_or_preset
    text = str(path_or_preset)
    if text.lower() in PRESETS:
        path = PRESET_DIR / f"{text.lower()}.toml"
    else:
        path = Path(path_or_preset)
    if not path.is_file():
        raise _mapping_error(str(path), "(file)", "is not there",
                             f"give a TOML mapping file or a preset: {', '.join(PRESETS)}")
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise _mapping_error(path.name, "(file)", "is not UTF-8 text",
                             "save the mapping as UTF-8") from None
    return parse_mapping(content, source=path.name)


# == reading a file ===============================================================================

@dataclass
class _Read:
    """One file as text cells: the header, the rows, their line numbers, notes."""

    path: Path
    header: list[str]
    frame: pd.DataFrame          # data rows with the right field count, their columns
    lines: np.ndarray            # 1-based line/row of each frame row
    bad_rows: list               # (line, cells, reason) of rows with a wrong field count
    blank: np.ndarray            # bool per frame row: blank
    legacy_lines: set            # lines decoded with a fallback code page
    encoding: str
    delimiter: str | None
    header_line: int
    excel: bool = False
    notes: list = field(default_factory=list)


def _file_error(path, column: str, message: str, fix: str, *, table: str = "input",
                rows: tuple = (), values: tuple = ()) -> C360DataError:
    problem = Problem(column, message, fix, tuple(rows), tuple(values), len(rows))
    return C360DataError(table, [problem], source=Path(path).name)


_VIETNAMESE = re.compile("[ăĂđĐơƠưƯ\u0300\u0301\u0303\u0309\u0323]")


def _legacy(data: bytes) -> str:
    """Windows-1258 (NFC-normalised) for Vietnamese bytes, else Windows-1252."""
    text = data.decode("cp1258", errors="replace")
    if _VIETNAMESE.search(text) or "\ufffd" in text:
        return unicodedata.normalize("NFC", text)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return unicodedata.normalize("NFC", text)


def _decode(data: bytes, encoding: str, path) -> tuple[str, str, set]:
    """The text of a file, the encoding used and the lines decoded with a fallback code page."""
    if encoding != "auto":
        try:
            text = data.decode(encoding)
        except LookupError:
            raise _file_error(path, "(encoding)", f"the mapping's encoding {encoding!r} is unknown",
                              'use "auto", "utf-8", "utf-8-sig", "utf-16", "cp1258" or "cp1252"') \
                from None
        except UnicodeDecodeError as err:
            line = data[:err.start].count(b"\n") + 1
            raise _file_error(path, "(encoding)", f"is not {encoding}: byte "
                              f"{data[err.start:err.start + 1]!r} at line {line}",
                              'set encoding = "auto" in the mapping, or save the file as UTF-8',
                              rows=(line,), values=(data[err.start:err.start + 8],)) from None
        if encoding.replace("-", "").lower() == "cp1258":
            text = unicodedata.normalize("NFC", text)
        return text.removeprefix("\ufeff"), encoding, set()
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", path), "utf-8-sig", set()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", path), "utf-16", set()
    head = data[:4000]
    if len(head) >= 4 and head.count(0) > len(head) // 4:  # UTF-16 without a byte-order mark
        enc = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        return _strict(data, enc, path), enc, set()
    try:
        return data.decode("utf-8"), "utf-8", set()
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    out, legacy, utf8_non_ascii = [], set(), 0
    for i, raw in enumerate(lines, 1):
        try:
            out.append(raw.decode("utf-8"))
            utf8_non_ascii += not raw.isascii()
        except UnicodeDecodeError:
            out.append(_legacy(raw))
            legacy.add(i)
    if utf8_non_ascii == 0:  # a legacy file throughout: one code page, no per-row repair
        text = _legacy(data)
        return text, ("cp1258" if _VIETNAMESE.search(text) else "cp1252"), set()
    return "\n".join(out), "utf-8 (some lines cp1258)", legacy


def _strict(data: bytes, encoding: str, path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise _file_error(path, "(encoding)", f"starts like {encoding} but has invalid bytes "
                          f"{data[err.start:err.start + 4]!r} at byte {err.start}",
                          "export the file again (UTF-8 CSV is best)") from None


def _sniff(text: str) -> str:
    """The delimiter whose field count is the most consistent over the first lines."""
    sample = [ln for ln in text[:65536].splitlines()[:60] if ln.strip()]
    best, best_score = ",", (-1, -1)
    for d in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(sample, delimiter=d)]
        except csv.Error:
            continue
        multi = [c for c in counts if c > 1]
        if not multi:
            continue
        mode = max(set(multi), key=multi.count)
        score = (multi.count(mode), mode)
        if score > best_score:
            best, best_score = d, score
    return best


def _cell_text(v) -> str:
    """An Excel cell as the text a CSV export would hold."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if hasattr(v, "hour") and hasattr(v, "date"):  # datetime
        ts = pd.Timestamp(v)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime(
            "%Y-%m-%d %H:%M:%S")
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _excel_rows(path: Path, sheet: str | None) -> tuple[list[list[str]], list[int], str]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise _file_error(path, "(file)", f"cannot be opened as an Excel workbook ({err})",
                          "save it again from Excel as .xlsx, or export CSV") from None
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise _file_error(path, "(sheet)", f"has no sheet {sheet!r}"
                              f"{_close(sheet, wb.sheetnames)} (sheets: {', '.join(wb.sheetnames)})",
                              "set sheet = the right name in the mapping")
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        rows, lines = [], []
        for i, values in enumerate(ws.iter_rows(values_only=True), 1):
            rows.append([_cell_text(v) for v in values])
            lines.append(i)
        return rows, lines, ws.title
    finally:
        wb.close()


def _csv_rows(text: str, delimiter: str, path) -> tuple[list[list[str]], list[int]]:
    if "\r\n" in text:  # Windows line ends: one line end everywhere
        text = text.replace("\r\n", "\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, lines, prev = [], [], 0
    if "\r" not in text:  # fast path: one record per line unless a quoted cell holds a newline
        try:
            rows = list(reader)
        except csv.Error:
            rows = None
        physical = text.count("\n") + (0 if text.endswith("\n") else 1)
        if rows is not None and len(rows) == physical:
            return rows, list(range(1, len(rows) + 1))
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = []
    try:
        for rec in reader:
            rows.append(rec)
            lines.append(prev + 1)
            prev = reader.line_num
    except csv.Error as err:
        line = reader.line_num
        raise _file_error(path, "(file)", f"cannot be split into columns at line {line} ({err})",
                          "check that line (an unclosed quote, or a binary file); "
                          "export the table again as CSV", rows=(line,)) from None
    return rows, lines


def _find_header(rows: list[list[str]], wanted: set[str], header_row: int | None,
                 lines: list[int], path) -> int:
    """Index (in ``rows``) of the header row."""
    if header_row is not None:
        idx = [i for i, ln in enumerate(lines) if ln == header_row]
        if not idx:
            raise _file_error(path, "(header)", f"has no line {header_row} (header_row)",
                              'set header_row to the header\'s line, or "auto"')
        return idx[0]
    best, best_score = None, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_LINES]):
        score = len({fold(c) for c in row if c.strip()} & wanted)
        if score > best_score:
            best, best_score = i, score
    if best is None:
        first = next((r for r in rows if any(c.strip() for c in r)), [])
        shown = ", ".join(repr(c) for c in first[:8])
        raise _file_error(path, "(header)", f"has no header row naming the mapped columns in its "
                          f"first {HEADER_SEARCH_LINES} lines (first line: {shown})",
                          "check the file is the right export, or fix the column names in the "
                          "mapping (c360lab map --suggest FILE proposes one)")
    return best


def read_file(path, *, wanted=(), encoding: str = "auto", delimiter: str = "auto",
              header_row: int | None = None, sheet: str | None = None) -> _Read:
    """Read one CSV or Excel file as text cells, with its header found and every row kept."""
    path = Path(path)
    suffix = path.suffix.lower()
    wanted = {fold(w) for w in wanted}
    if suffix == ".xls":
        raise _file_error(path, "(file)", "is an old Excel .xls workbook",
                          "open it in Excel and save as .xlsx (or export CSV)")
    try:
        size = path.stat().st_size
    except OSError as err:
        raise _file_error(path, "(file)", f"cannot be read ({err.strerror})",
                          "check the file name and that it is not open elsewhere") from None
    if size == 0:
        raise _file_error(path, "(file)", "is empty (0 bytes)",
                          "export the table again, with its header row and data")
    legacy, excel, used_delim = set(), suffix in (".xlsx", ".xlsm"), None
    if excel:
        rows, lines, _ = _excel_rows(path, sheet)
        enc = "xlsx"
    else:
        data = path.read_bytes()
        if data[:4] == b"PK\x03\x04":
            raise _file_error(path, "(file)", "is an Excel workbook with a CSV name",
                              "rename it to .xlsx, or export CSV")
        text, enc, legacy = _decode(data, encoding, path)
        if "\x00" in text:
            raise _file_error(path, "(file)", "holds NUL characters: it is binary or a UTF-16 file "
                              "that lost its byte-order mark", "export it again as UTF-8 CSV")
        used_delim = _sniff(text) if delimiter == "auto" else delimiter.replace("\\t", "\t")
        rows, lines = _csv_rows(text, used_delim, path)
    if not any(any(c.strip() for c in r) for r in rows):
        raise _file_error(path, "(file)", "holds no text (only blank lines)",
                          "export the table again, with its header row and data")
    h = _find_header(rows, wanted, header_row, lines, path) if wanted or header_row else 0
    header = [c.strip().removeprefix("\ufeff") for c in rows[h]]
    while header and header[-1] == "" and excel:
        header.pop()
    n = len(header)
    body, body_lines = rows[h + 1:], np.asarray(lines[h + 1:], dtype=np.int64)
    if excel:  # Excel pads/cuts rows to the used range: trim empty cells beyond the header
        body = [r[:n] + [""] * (n - len(r)) if len(r) <= n or not any(c for c in r[n:]) else r
                for r in body]
    lengths = np.fromiter((len(r) for r in body), dtype=np.int64, count=len(body))
    blank_short = lengths <= 1
    if n > 1:
        blank_short &= np.array([not (r and r[0].strip()) for r in body], dtype=bool) \
            if len(body) else np.zeros(0, bool)
    good = (lengths == n) | blank_short
    bad_rows = [(int(body_lines[i]), body[i], f"has {lengths[i]} field(s) where the header has {n}"
                 " (a shifted or cut row)") for i in np.flatnonzero(~good)]
    kept = [body[i] if lengths[i] == n else [""] * n for i in np.flatnonzero(good)]
    frame = pd.DataFrame(kept, columns=_unique(header), dtype="str") if kept else \
        pd.DataFrame({c: pd.Series([], dtype="str") for c in _unique(header)})
    frame = frame.fillna("")
    k_lines = body_lines[good]
    blank = np.ones(len(frame), bool)
    for c in frame.columns:
        blank &= _blank(frame[c])
    notes = []
    if h > 0:
        notes.append(f"header on line {lines[h]}; the {h} line(s) above it are not data")
    return _Read(path, header, frame, k_lines, bad_rows, blank, legacy, enc, used_delim,
                 lines[h], excel, notes)


def _unique(names: list[str]) -> list[str]:
    seen, out = {}, []
    for n in names:
        name = n or "(blank)"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


# == typing values ================================================================================
# pandas' string methods loop in Python per element; the checks below loop once over plain
# arrays, and parsing runs on the distinct values only (a date column of a million orders holds
# a few hundred distinct days).

def _strings(s: pd.Series) -> np.ndarray:
    """The cells as an object array of str (missing cells as "")."""
    arr = s.to_numpy(dtype=object)
    if len(arr) and not all(map(str.__instancecheck__, arr)):
        arr = np.array(["" if not isinstance(v, str) else v for v in arr], dtype=object)
    return arr


def _matches(pattern: re.Pattern, arr: np.ndarray) -> np.ndarray:
    """True where ``pattern`` matches the start of a cell (the loop runs in C)."""
    found = np.empty(len(arr), dtype=object)
    found[:] = list(map(pattern.match, arr))
    return np.not_equal(found, None)


def _blank(s: pd.Series) -> np.ndarray:
    """True where a text cell is empty or only spaces."""
    arr = _strings(s)
    stripped = np.empty(len(arr), dtype=object)
    stripped[:] = list(map(str.strip, arr))
    return stripped == ""


def _per_distinct(s: pd.Series, parse, *args, **kwargs):
    """Run ``parse`` on the distinct values of ``s``; every array it returns, back per row."""
    codes, uniq = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=False)
    got = parse(pd.Series(uniq, dtype=object).fillna(""), *args, **kwargs)
    out = []
    for g in got:
        if isinstance(g, pd.Series):
            out.append(pd.Series(g.to_numpy()[codes], index=s.index, dtype=g.dtype))
        else:
            out.append(np.asarray(g)[codes])
    return tuple(out)


_MONEY_UNIT = re.compile(r"^\s*(?:₫|đ|vnđ|vnd|đồng|dong)\s*|\s*(?:₫|đ|vnđ|vnd|đồng|dong|d)\.?\s*$",
                         re.IGNORECASE)
_GROUPED = re.compile(r"^(?P<neg>-)?(?P<int>\d{1,3}(?:(?P<sep>[.,\s\u00a0\u202f])\d{3})"
                      r"(?:(?P=sep)\d{3})*)(?:(?P<dec>[.,])(?P<frac>\d{1,2}))?$")
_PLAIN = re.compile(r"^-?\d+(?:\.0{1,2})?$")
_SHORT = re.compile(r"^(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>k|nghìn|nghin|ngàn|ngan|tr|triệu|trieu|"
                    r"m|tỷ|ty|tỉ|ti)\.?\s*(?P<rest>\d{1,3})?$", re.IGNORECASE)
_UNITS = {"k": 10**3, "nghìn": 10**3, "nghin": 10**3, "ngàn": 10**3, "ngan": 10**3,
          "tr": 10**6, "triệu": 10**6, "trieu": 10**6, "m": 10**6,
          "tỷ": 10**9, "ty": 10**9, "tỉ": 10**9, "ti": 10**9}


def _shorthand(text: str) -> int | None:
    """ "500k" → 500000, "1tr2" → 1200000, "1,5 triệu" → 1500000, "2 tỷ" → 2000000000."""
    m = _SHORT.match(text.strip())
    if not m:
        return None
    unit = _UNITS[m["unit"].lower()]
    value = float(m["num"].replace(",", ".")) * unit
    if m["rest"]:
        if "," in m["num"] or "." in m["num"]:
            return None
        value += int(m["rest"]) * unit // 10 ** len(m["rest"])
    return int(round(value)) if float(value).is_integer() or unit >= 1000 else None


def _parse_numbers(s: pd.Series, kind: str, money_format: str):
    """Numbers from text: (values as float, declared, repaired, notes, scientific, too long)."""
    return _per_distinct(s, _numbers, kind, money_format)


def _numbers(s: pd.Series, kind: str, money_format: str):
    text = s.str.strip()
    n = len(text)
    values = np.full(n, np.nan)
    notes = np.full(n, "", dtype=object)
    blank = (text == "").to_numpy()
    if kind == "money":
        text = text.str.replace(_MONEY_UNIT, "", regex=True).str.strip()
        paren = text.str.fullmatch(r"\(.*\)").to_numpy()
        if paren.any():
            text = text.where(~paren, "-" + text.str.slice(1, -1).str.strip())
    had_unit = (text != s.str.strip()).to_numpy() & ~blank
    plain = text.str.fullmatch(_PLAIN).to_numpy() & ~blank
    long_digits = plain & (text.str.len().to_numpy() > 16)
    ok = plain & ~long_digits
    values[ok] = pd.to_numeric(text[ok].str.replace(r"\.0+$", "", regex=True),
                               errors="coerce").to_numpy(dtype=float)
    declared = ok & ((~had_unit) | (money_format == "vn"))
    repaired = ok & ~declared
    notes[repaired] = "currency sign removed"
    if kind == "int":
        frac = ok & text.str.contains(".", regex=False).to_numpy()
        repaired |= frac
        declared &= ~frac
        notes[frac] = "whole number written with decimals"
    rest = ~blank & ~ok
    if rest.any():
        sub = text[rest]
        m = sub.str.extract(_GROUPED)
        grouped = m["int"].notna().to_numpy()
        frac_ok = (m["frac"].isna() | m["frac"].fillna("").str.fullmatch(r"0+")).to_numpy()
        dec_sep_ok = (m["dec"].isna() | (m["dec"] != m["sep"])).to_numpy()
        if kind == "float":
            frac_ok = np.ones(len(sub), bool)
        hit = grouped & frac_ok & dec_sep_ok
        digits = m["int"].str.replace(r"\D", "", regex=True)
        number = pd.to_numeric(digits, errors="coerce").to_numpy(dtype=float)
        if kind == "float":
            number = number + pd.to_numeric("0." + m["frac"].fillna("0"),
                                            errors="coerce").to_numpy(dtype=float)
        number = np.where(m["neg"].notna().to_numpy(), -number, number)
        idx = np.flatnonzero(rest)
        values[idx[hit]] = number[hit]
        vn = money_format == "vn" and kind == "money"
        repaired[idx[hit]] = not vn
        declared[idx[hit]] = vn
        notes[idx[hit]] = ("Vietnamese money format read" if kind == "money"
                           else "thousands separator removed")
        if kind == "float":
            dec = sub.str.fullmatch(r"-?\d+,\d+").fillna(False).to_numpy(dtype=bool) & ~hit
            values[idx[dec]] = pd.to_numeric(sub[dec].str.replace(",", "."),
                                              errors="coerce").to_numpy(dtype=float)
            repaired[idx[dec]] = True
            notes[idx[dec]] = "decimal comma read"
        if kind == "money":
            left = idx[~hit]
            for i in left:
                v = _shorthand(str(text.iat[i]))
                if v is not None:
                    values[i] = v
                    repaired[i] = True
                    notes[i] = "money shorthand read"
    raw = s.str.strip()
    sci = raw.str.fullmatch(r"-?\d+(?:[.,]\d+)?[eE][+-]?\d+").fillna(False).to_numpy(dtype=bool)
    too_long = raw.str.fullmatch(r"-?[\d.,\s]{17,}").fillna(False).to_numpy(dtype=bool)
    return values, declared, repaired, notes, sci, too_long


def _parse_dates(s: pd.Series, declared_formats, kind: str, *, native: bool):
    """Dates from text: (datetime64 values, declared mask, repaired mask, notes)."""
    return _per_distinct(s, _dates, declared_formats, kind, native=native)


def _dates(s: pd.Series, declared_formats, kind: str, *, native: bool):
    text = s.str.strip()
    n = len(text)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    blank = (text == "").to_numpy()
    todo = ~blank
    declared = np.zeros(n, bool)
    repaired = np.zeros(n, bool)
    notes = np.full(n, "", dtype=object)
    formats = list(declared_formats or ())
    if native:
        formats += [f for f in _ISO if f not in formats]
    if declared_formats is None:  # auto: the format most values are written in
        sample = text[todo].head(2000)
        best, best_n = None, 0
        for fmt in DATE_FORMATS:
            k = int(pd.to_datetime(sample, format=fmt, errors="coerce").notna().sum())
            if k > best_n:
                best, best_n = fmt, k
        if best:
            formats.insert(0, best)
    # the declared (or detected) formats first, then any other known one: a repair
    for fmt in formats + [f for f in DATE_FORMATS if f not in formats]:
        if not todo.any():
            break
        got = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        hit = got.notna().to_numpy()
        idx = np.flatnonzero(todo)[hit]
        out.iloc[idx] = got[hit].astype("datetime64[us]").to_numpy()
        if fmt in formats:
            declared[idx] = True
        else:
            repaired[idx] = True
            notes[idx] = f"date written as {fmt}"
        todo[idx] = False
    if todo.any():  # Excel day serials (1954 to 2119)
        serial = pd.to_numeric(text[todo].where(text[todo].str.fullmatch(r"\d{5}(\.\d+)?")),
                               errors="coerce")
        hit = (serial.between(20000, 80000)).to_numpy()
        idx = np.flatnonzero(todo)[hit]
        days = serial[hit].to_numpy(dtype=float)
        out.iloc[idx] = (pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D")).astype(
            "datetime64[us]")
        repaired[idx] = True
        notes[idx] = "Excel day number read as a date"
    if kind == "date":
        out = out.dt.normalize()
    return out, declared, repaired, notes


# == the ingest ===================================================================================

@dataclass(frozen=True)
class Issue(Problem):
    """A :class:`contract.Problem` of one table and file, with its level.

    ``level`` is ``"error"`` (rows were rejected, or the table could not be read) or
    ``"warning"`` (values were repaired or a column is missing). ``rows`` are lines of the file.
    """

    table: str = ""
    file: str = ""
    level: str = "warning"

    def __str__(self) -> str:
        return f"{self.level}: table '{self.table}' (file {self.file}): {Problem.__str__(self)}"


@dataclass
class Ingest:
    """What ``read_exports`` read: typed tables and the account of every input row.

    Attributes
    ----------
    tables : dict of str -> DataFrame
        Contract table → typed table (the used and repaired rows, in file order), only the tables
        the team has. A mapped ``customer_key`` is an extra text column.
    accounting : DataFrame
        table, file, input_rows, used, repaired, rejected (used + repaired + rejected ==
        input_rows on every row).
    repairs : DataFrame
        table, file, row, column, before, after, what: one line per repaired value.
    rejected : dict of str -> DataFrame
        Table → the rejected input rows as read (their own columns), plus ``file``, ``row`` (the
        1-based line in the file) and ``reason``.
    problems : list of Issue
        Errors (rejected rows, tables that could not be read) and warnings, one per column and
        kind of problem, with up to five example rows.
    mapping : Mapping
    """

    tables: dict
    accounting: pd.DataFrame
    repairs: pd.DataFrame
    rejected: dict
    problems: list
    mapping: Mapping | None = None
    files: dict = field(default_factory=dict)

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.level == "error"]

    def write_rejected(self, out_dir) -> list[Path]:
        """Write ``rejected_<table>.csv`` (UTF-8 with BOM, formula-safe) for each table with
        rejected rows; return the paths written."""
        from .profile import inert  # the one formula-injection protection of the package

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for table, df in self.rejected.items():
            if len(df):
                path = out / f"rejected_{table}.csv"
                inert(df).to_csv(path, index=False, encoding="utf-8-sig")
                written.append(path)
        return written


_REPAIR_COLUMNS = ["table", "file", "row", "column", "before", "after", "what"]
_ACCOUNT_COLUMNS = ["table", "file", "input_rows", "used", "repaired", "rejected"]


def _files_for(folder: Path, patterns) -> list[Path]:
    found = []
    for pat in patterns:
        hits = sorted(p for p in folder.glob(pat) if p.is_file())
        if not hits and pat.lower().endswith(".xlsx"):  # an old .xls: read_file explains
            hits = sorted(p for p in folder.glob(pat[:-1]) if p.is_file())
        if not hits and not any(ch in pat for ch in "*?["):  # match names without case
            hits = [p for p in folder.iterdir() if p.is_file() and p.name.lower() == pat.lower()]
        found += [h for h in hits if h not in found]
    return found


def _wanted(tmap: TableMap) -> list[str]:
    return [c for src in tmap.columns.values() for c in src.columns + src.any]


def _locate(src_col: str, header: list[str]) -> str | None:
    """The file's column for a mapped name: exact, else equal when folded."""
    if src_col in header:
        return src_col
    key = fold(src_col)
    hits = [h for h in header if fold(h) == key]
    return hits[0] if hits else None


class _Table:
    """Builds one contract table from the files its mapping names."""

    def __init__(self, tmap: TableMap, today: pd.Timestamp):
        self.tmap, self.today = tmap, today
        self.spec = TABLES[tmap.table]
        self.parts, self.repairs, self.rejected, self.accounts, self.issues = [], [], [], [], []
        self.done = []

    def issue(self, file, column, message, fix, level, rows=(), values=(), n=0):
        shown = contract.MAX_ROWS_SHOWN
        rows, values = tuple(rows)[:shown], tuple(values)[:shown]
        self.issues.append(Issue(column, message, fix, rows, values, n or len(rows),
                                 table=self.tmap.table, file=file, level=level))

    def add(self, read: _Read) -> None:
        tmap, name, fname = self.tmap, self.tmap.table, read.path.name
        frame, lines = read.frame, read.lines
        n = len(frame)
        for note in read.notes:
            self.issue(fname, "(header)", note, "nothing to do", "warning")
        # where each contract column comes from
        located, missing = {}, []
        sources = dict(tmap.columns)
        for col, src in tmap.columns.items():
            if src.any:
                hit = next((h for h in (_locate(a, read.header) for a in src.any) if h), None)
                if hit is not None:
                    located[col] = [hit]
                    sources[col] = Source(columns=(hit,), date_format=src.date_format)
                elif src.value is None and src.row_number is None:
                    missing.append((col, list(src.any)))
                continue
            if not src.columns:
                continue
            found = [_locate(c, read.header) for c in src.columns]
            if any(f is None for f in found):
                missing.append((col, [c for c, f in zip(src.columns, found) if f is None]))
            else:
                located[col] = found
        stop = []
        for col, absent in missing:
            required = col != CUSTOMER_KEY and self.spec.column(col).required \
                and col not in tmap.optional
            near = _close(absent[0], read.header) if len(absent) == 1 else ""
            message = (f"is mapped to {', '.join(repr(a) for a in absent)}, which the file does "
                       f"not have{near}")
            fix = (f"rename the column in the file or fix [{name}.columns] {col} in the mapping; "
                   f"the file's columns are: {', '.join(read.header[:20])}")
            if required:
                stop.append(Problem(col, message, fix))
            else:
                self.issue(fname, col, message + "; the column is left empty", fix, "warning")
        if stop:
            raise C360DataError(name, stop, source=fname)
        if n == 0 and not read.bad_rows:
            self.issue(fname, "(rows)", "has a header but no data rows",
                       "export the table again with its rows", "warning")
        reasons = np.full(n, "", dtype=object)

        def reject(mask, why):
            mask = np.asarray(mask, bool)
            if mask.any():
                cur = reasons[mask]
                reasons[mask] = np.where(cur == "", why, cur + "; " + why) if isinstance(why, str) \
                    else np.where(cur == "", why[mask], cur + "; " + why[mask])

        reject(read.blank, "blank row")
        first = frame.iloc[:, :3] if frame.shape[1] else frame
        totals = np.zeros(n, bool)
        for c in first.columns:
            arr = _strings(first[c])
            cand = _matches(_TOTALS_START, arr)
            for i in np.flatnonzero(cand):
                label = fold(arr[i]).rstrip(": ")
                totals[i] |= label in TOTALS_LABELS or label.startswith(("tong cong", "total"))
        reject(totals & ~read.blank, "totals row, not a record")
        skip = read.blank | totals
        # the raw text of each contract column
        raw = {}
        for col, src in sources.items():
            if col not in located and not (src.value is not None or src.row_number is not None):
                continue
            if src.value is not None and col not in located:
                raw[col] = pd.Series(np.full(n, src.value, dtype=object), dtype="str")
            elif src.row_number is not None and col not in located:
                raw[col] = pd.Series([f"{src.row_number}{ln}" for ln in lines], dtype="str")
            else:
                parts = [frame[c] for c in located[col]]
                s = parts[0]
                for p in parts[1:]:  # blank parts are skipped; the others kept as written
                    s_blank, p_blank = _blank(s), _blank(p)
                    s = s.where(p_blank, p.where(s_blank, s + " " + p))
                raw[col] = s
        typed, repair_frames = {}, []
        row_repaired = np.zeros(n, bool)

        def log(col, mask, before, after, what):
            mask = np.asarray(mask, bool) & ~skip
            if not mask.any():
                return
            row_repaired[mask] = True
            repair_frames.append(pd.DataFrame({
                "table": name, "file": fname, "row": lines[mask], "column": col,
                "before": _shown(before, mask), "after": _shown(after, mask),
                "what": what[mask] if isinstance(what, np.ndarray) else what}))

        for col, s in raw.items():
            if col == CUSTOMER_KEY:
                typed[col] = s.where(~_blank(s)).astype("str")
                continue
            spec = self.spec.column(col)
            required = spec.required and col not in tmap.optional
            src = tmap.columns[col]
            if col in tmap.values:
                s = self._map_values(col, s, fname, lines, skip)
            blank = _blank(s)
            bad = np.zeros(n, bool)       # cannot be read
            badwhy = np.full(n, "", dtype=object)
            if spec.kind in ("int", "money", "float"):
                vals, dec, rep, notes, sci, too_long = _parse_numbers(s, spec.kind,
                                                                      tmap.money_format)
                unread = ~blank & np.isnan(vals)
                bad |= unread
                sci &= unread
                badwhy[unread] = f"cannot read as {contract._KIND_TEXT[spec.kind]}"
                badwhy[sci] = "scientific notation (Excel lost digits): format the column as Number"
                limit = MAX_MONEY_VND if spec.kind == "money" else MAX_COUNT
                huge = ~np.isnan(vals) & (np.abs(np.nan_to_num(vals)) > limit)
                huge |= unread & too_long
                bad |= huge
                badwhy[huge] = f"implausibly large (over {limit:,})"
                vals = np.where(huge, np.nan, vals)
                log(col, rep & ~bad, s, vals, notes)
                if spec.kind == "float":
                    t = pd.array(vals, dtype="Float64")
                else:
                    whole = np.isnan(vals) | (vals == np.floor(vals))
                    t = pd.array(np.where(whole, vals, np.nan), dtype="Float64").astype("Int64")
                t = pd.Series(t, index=s.index)
            elif spec.kind in ("date", "datetime"):
                fmts = src.date_format or tmap.date_format
                t, dec, rep, notes = _parse_dates(s, fmts, spec.kind, native=read.excel)
                unread = ~blank & t.isna().to_numpy()
                bad |= unread
                badwhy[unread] = f"cannot read as {contract._KIND_TEXT[spec.kind]}"
                future = ((t >= self.today + pd.Timedelta(days=1)) if spec.kind == "datetime"
                          else (t > self.today)).fillna(False).to_numpy(dtype=bool)
                bad |= future
                badwhy[future] = f"in the future (after {self.today:%Y-%m-%d})"
                log(col, rep & ~bad, s, t, notes)
            elif spec.kind == "bool":
                t = _per_distinct(s, lambda u: (u.str.strip().str.lower().map(contract.YES_NO)
                                                .astype("boolean"),))[0]
                unread = ~blank & t.isna().to_numpy()
                bad |= unread
                badwhy[unread] = "cannot read as yes/no"
            else:
                t = s.where(~blank).astype("str")
                formula = _matches(_FORMULA_START, _strings(s)) & ~blank
                log(col, formula, s, s, "looks like a spreadsheet formula: kept as inert text")
            # range and codes
            if spec.min is not None:
                low = (t < spec.min).fillna(False).to_numpy(dtype=bool) & ~bad
                bad |= low
                badwhy[low] = (f"below {spec.min:g}" + (" (a return is a status, not a negative "
                               "quantity)" if spec.name == "quantity" else ""))
            if spec.max is not None:
                high = (t > spec.max).fillna(False).to_numpy(dtype=bool) & ~bad
                bad |= high
                badwhy[high] = f"above {spec.max:g}"
            if spec.values:
                unknown = t.notna().to_numpy() & ~t.isin(spec.values).to_numpy() & ~bad
                bad |= unknown
                badwhy[unknown] = (f"unknown code (use one of {', '.join(spec.values)}, or map it "
                                   f"in [{name}.values.{col}])")
            if required:
                reject(blank & ~skip, f"{col} is empty")
                why = np.array([f"{col} {w}: {v!r}" for w, v in zip(badwhy, s)], dtype=object) \
                    if bad.any() else badwhy
                reject(bad & ~skip, why)
                self._summarise(fname, col, s, lines, blank & ~skip, "is empty (rows rejected)",
                                "fill it in: the contract requires it", "error")
            else:
                if bad.any():
                    t = t.where(~bad)
                    log(col, bad, s, np.full(n, None, dtype=object),
                        np.array([f"{w}: value blanked" for w in badwhy], dtype=object))
            kinds = pd.unique(badwhy[bad & ~skip])
            for k in kinds:
                m = bad & ~skip & (badwhy == k)
                self._summarise(fname, col, s, lines, m,
                                f"{k} ({'rows rejected' if required else 'values blanked'})",
                                self._fix(spec, k, fmts if spec.kind in ("date", "datetime")
                                          else None), "error" if required else "warning")
            typed[col] = t
        # the period and duplicate keys
        main = next((c.name for c in self.spec.columns
                     if c.kind in ("date", "datetime") and c.required and c.name in typed), None)
        if tmap.period and main:
            start, end = tmap.period
            d = typed[main]
            out = ((d < start) | (d > end + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)))
            out = out.fillna(False).to_numpy(dtype=bool) & ~skip
            reject(out, f"{main} outside the period {start:%Y-%m-%d} to {end:%Y-%m-%d}")
            self._summarise(fname, main, raw[main], lines, out, "is outside the mapping's period "
                            "(rows rejected)", "check the dates, or widen period in the mapping",
                            "error")
        key = self.spec.key
        if key in typed:
            alive = reasons == ""
            k = typed[key]
            cand = alive & k.notna().to_numpy()
            keys = k[cand]
            dup_mask = keys.duplicated(keep="first").to_numpy()
            if dup_mask.any():
                idx = np.flatnonzero(cand)
                first_line = pd.Series(lines[idx]).groupby(keys.to_numpy()).transform("first")
                sig = pd.Series(["\x1f".join(r) for r in frame.iloc[idx].itertuples(
                    index=False, name=None)]) if dup_mask.sum() else None
                first_sig = sig.groupby(keys.to_numpy()).transform("first")
                same = (sig == first_sig).to_numpy()
                why = np.where(same, "exact duplicate of row " + first_line.astype(str),
                               f"duplicate {key} (first at row " + first_line.astype(str) + ")")
                full = np.full(n, "", dtype=object)
                full[idx[dup_mask]] = why[dup_mask]
                dmask = np.zeros(n, bool)
                dmask[idx[dup_mask]] = True
                reject(dmask, full)
                self._summarise(fname, key, raw[key], lines, dmask, "has duplicate keys (later "
                                "rows rejected, the first kept)",
                                "give every row its own id, or remove the repeated rows", "error")
        # rows decoded with a fallback code page
        if read.legacy_lines:
            leg = np.isin(lines, sorted(read.legacy_lines)) & ~skip
            log("(row)", leg, "", "", "decoded as Windows-1258 (the rest of the file is UTF-8)")
            self._summarise(fname, "(encoding)", pd.Series(lines.astype(str)), lines, leg,
                            "lines are not UTF-8 (read as Windows-1258)",
                            "save the whole file as UTF-8", "warning")
        if totals.any() or read.blank.any():
            self._summarise(fname, "(rows)", pd.Series(np.full(n, "", dtype=object)), lines,
                            skip, "blank or totals rows (rejected, not records)",
                            "nothing to do, or remove them from the export", "warning")
        out = {}
        for c in self.spec.columns:
            if c.name in typed:
                out[c.name] = pd.Series(typed[c.name].to_numpy(), dtype=_dtype(c))
            else:
                out[c.name] = pd.Series([None] * n, dtype=_dtype(c))
        if CUSTOMER_KEY in typed:
            out[CUSTOMER_KEY] = pd.Series(typed[CUSTOMER_KEY].to_numpy(), dtype="str")
        if read.bad_rows:
            self.issue(fname, "(row)", "has rows with the wrong number of fields (rejected)",
                       "check the delimiter and quotes of those lines", "error",
                       rows=[b[0] for b in read.bad_rows],
                       values=[" | ".join(b[1])[:80] for b in read.bad_rows],
                       n=len(read.bad_rows))
        self.done.append({"read": read, "out": pd.DataFrame(out, index=range(n)),
                          "reasons": reasons, "repaired": row_repaired,
                          "repairs": repair_frames})

    def rejected_lines(self) -> dict:
        """(file path, line) → (table, reason) of every row rejected so far."""
        got = {}
        for d in self.done:
            r = d["read"]
            for i in np.flatnonzero(d["reasons"] != ""):
                got[(r.path, int(r.lines[i]))] = d["reasons"][i]
        return got

    def finish(self, elsewhere: dict) -> None:
        """Account for every row; ``elsewhere`` holds rows rejected by a table sharing the file."""
        name = self.tmap.table
        for d in self.done:
            read, reasons = d["read"], d["reasons"].copy()
            frame, lines, fname = read.frame, read.lines, read.path.name
            for other, rows in elsewhere.items():
                if other == name:
                    continue
                theirs = {ln: why for (path, ln), why in rows.items() if path == read.path}
                if not theirs:
                    continue
                hit = np.isin(lines, list(theirs)) & (reasons == "")
                reasons[hit] = [f"rejected in {other}: {theirs[int(ln)]}" for ln in lines[hit]]
            rejected = reasons != ""
            self.parts.append(d["out"][~rejected].reset_index(drop=True))
            rej = frame[rejected].copy()
            rej.insert(0, "row", lines[rejected])
            rej.insert(0, "file", fname)
            rej["reason"] = reasons[rejected]
            extra = []
            for line, cells, why in read.bad_rows:
                row = {"file": fname, "row": line, "reason": why}
                row.update({c: v for c, v in zip(frame.columns, cells)})
                if len(cells) > len(frame.columns):
                    row["(extra fields)"] = " | ".join(cells[len(frame.columns):])
                extra.append(row)
            if extra:
                rej = pd.concat([rej, pd.DataFrame(extra)], ignore_index=True)
            self.rejected.append(rej.sort_values("row", kind="stable").reset_index(drop=True))
            if d["repairs"]:
                repairs = pd.concat(d["repairs"], ignore_index=True)
                self.repairs.append(repairs[~np.isin(repairs["row"].to_numpy(), lines[rejected])])
            n = len(frame)
            n_rep = int((d["repaired"] & ~rejected).sum())
            self.accounts.append({"table": name, "file": fname,
                                  "input_rows": n + len(read.bad_rows),
                                  "used": n - n_rep - int(rejected.sum()), "repaired": n_rep,
                                  "rejected": int(rejected.sum()) + len(read.bad_rows)})

    def _fix(self, spec: contract.Column, why: str, fmts) -> str:
        """The fix for one kind of unusable value of a column."""
        if why.startswith("below"):
            return (f"use values of at least {spec.min:g} (a return or refund is a status, not a "
                    "negative amount)")
        if why.startswith("above"):
            return f"use values from {spec.min:g} to {spec.max:g}"
        if why.startswith("unknown code"):
            return (f"map each of your labels onto a contract value under "
                    f"[{self.tmap.table}.values.{spec.name}] in the mapping")
        if why.startswith("in the future"):
            return (f"check the dates (today is taken as {self.today:%Y-%m-%d}; pass today= for "
                    "another day)")
        if why.startswith("implausibly large"):
            return "check the amount: it is more than any single sale or cost could be"
        if why.startswith("scientific"):
            return "format the column as Number in Excel (no E+) and export again"
        if spec.kind in ("date", "datetime"):
            fmt = fmts[0] if fmts else "%d/%m/%Y"
            example = pd.Timestamp("2025-03-31 14:05:00").strftime(fmt)
            return (f"write real dates, e.g. {example} ({fmt}), or set date_format in the mapping "
                    "to the format the export uses")
        return contract._fix_for(spec) or "correct the values in the export"

    def _map_values(self, col, s, fname, lines, skip):
        vmap = self.tmap.values[col]
        uniq = pd.unique(s.to_numpy())
        spec = self.spec.column(col)
        allowed = set(spec.values or ())
        lookup = {}
        for u in uniq:
            u = "" if u is None or (isinstance(u, float) and np.isnan(u)) else str(u)
            key = fold(u)
            if key in vmap:
                lookup[u] = vmap[key]
            elif u.strip() == "" or u in allowed:
                lookup[u] = u
            elif "*" in vmap:
                lookup[u] = vmap["*"]
            else:
                lookup[u] = u
        return s.map(lookup).astype("str")

    def _summarise(self, fname, col, s, lines, mask, message, fix, level):
        mask = np.asarray(mask, bool)
        k = int(mask.sum())
        if k:
            idx = np.flatnonzero(mask)[:contract.MAX_ROWS_SHOWN]
            self.issue(fname, col, message, fix, level, rows=[int(x) for x in lines[idx]],
                       values=[s.iat[i] for i in idx], n=k)

    def result(self):
        tables = pd.concat(self.parts, ignore_index=True) if self.parts else None
        if tables is not None:
            for c in self.spec.columns:  # concat of all-missing parts can lose the dtype
                tables[c.name] = tables[c.name].astype(_dtype(c))
        return tables


def _shown(values, mask: np.ndarray) -> np.ndarray:
    """The values where ``mask`` holds, as the repairs log shows them: text, None."""
    if isinstance(values, str):
        return np.full(int(mask.sum()), values, dtype=object)
    arr = pd.Series(values).to_numpy(dtype=object)[mask]
    out = np.empty(len(arr), dtype=object)
    for i, v in enumerate(arr):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            out[i] = None
        elif isinstance(v, float) and v.is_integer():
            out[i] = str(int(v))
        else:
            out[i] = str(v)
    return out


def _dtype(col: contract.Column) -> str:
    return "str" if col.dtype == "str" else col.dtype


def read_exports(folder, mapping=None, *, today=None, progress: bool = False,
                 errors: str = "raise") -> Ingest:
    """Read a team's exports through a mapping; account for every input row.

    Parameters
    ----------
    folder : path
        The folder holding the exports (file names in the mapping are relative to it).
    mapping : Mapping, str or path, optional
        See ``load_mapping``: a preset name, a TOML file, a :class:`Mapping`, or None for the
        course's own layout (``<table>.csv`` as in ``data/raw``).
    today : date-like, optional
        Dates after it are "in the future" (default: the computer's date; pass the sample's
        ``datasets.TODAY`` for the sample).
    progress : bool
        Show a progress bar over the files (tqdm).
    errors : {"raise", "collect"}
        What to do when a table cannot be read at all (file unreadable, required column
        missing): raise one ``C360DataError`` listing every such table's problems once every
        table has been read ("raise"), or leave the table out and list its problems as
        ``"error"`` issues in ``Ingest.problems`` ("collect", for a full validation report).

    Returns
    -------
    Ingest

    Raises
    ------
    C360DataError
        With ``errors="raise"``, when a table cannot be read (file, column, rows and the fix);
        also when the mapping is wrong or names no file that exists in the folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (tmp / "orders.csv").write_text(
    ...     "Khách hàng;Ngày;Thành tiền\\nAn;12/03/2025;1.250.000 ₫\\nBình;13/03/2025;350000\\n"
    ...     "Tổng cộng;;1.600.000\\n", encoding="utf-8")
    >>> ing = read_exports(tmp, "orders", today="2026-01-01")
    >>> ing.accounting[["table", "input_rows", "used", "repaired", "rejected"]]
             table  input_rows  used  repaired  rejected
    0  shop_orders           3     2         0         1
    1  order_lines           3     1         1         1
    >>> ing.tables["order_lines"]["unit_price_vnd"].tolist()
    [1250000, 350000]
    >>> ing.rejected["shop_orders"][["row", "reason"]].values.tolist()
    [[4, 'totals row, not a record']]
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise _file_error(folder, "(folder)", "is not a folder", "give the folder of the exports")
    m = load_mapping(mapping)
    today = pd.Timestamp(today if today is not None else pd.Timestamp.now().normalize())
    plan = [(name, tmap, _files_for(folder, tmap.files)) for name, tmap in m.tables.items()]
    if not any(files for _, _, files in plan):
        names = ", ".join(dict.fromkeys(p for _, t, _ in plan for p in t.files))
        there = ", ".join(sorted(p.name for p in folder.iterdir() if p.is_file())[:20]) or "nothing"
        raise C360DataError("input", [Problem("(files)", f"none of the mapped files ({names}) is "
                                              f"in the folder (it holds: {there})",
                                              "put the exports in the folder or fix file = ... in "
                                              "the mapping")], source=str(folder.name))
    cache: dict = {}
    builders, failures, issues = {}, [], []
    todo = [(name, tmap, f) for name, tmap, files in plan for f in files]
    wanted_of: dict = {}
    for _, tmap, path in todo:
        wanted_of.setdefault(path, set()).update(_wanted(tmap))
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc="reading exports", unit="file")
    for name, tmap, path in todo:
        b = builders.setdefault(name, _Table(tmap, today))
        try:
            opts = (path, tmap.encoding, tmap.delimiter, tmap.header_row, tmap.sheet)
            if opts not in cache:
                try:
                    cache[opts] = read_file(path, wanted=wanted_of[path], encoding=tmap.encoding,
                                            delimiter=tmap.delimiter, header_row=tmap.header_row,
                                            sheet=tmap.sheet)
                except C360DataError as err:
                    raise C360DataError(name, err.problems, source=err.source) from None
            b.add(cache[opts])
        except C360DataError as err:
            failures.append(err)
            builders.pop(name, None) if not b.parts else None
            for p in err.problems:
                issues.append(Issue(p.column, p.message, p.fix, p.rows, p.values, p.n_rows,
                                    table=name, file=err.source or path.name, level="error"))
        except (ValueError, TypeError, OSError, csv.Error, UnicodeError) as err:  # never raw
            failures.append(C360DataError(name, [Problem("(file)", f"cannot be read ({err})",
                                                         "export it again as UTF-8 CSV")],
                                          source=path.name))
            issues.append(Issue("(file)", f"cannot be read ({err})", "export it again as UTF-8 CSV",
                                table=name, file=path.name, level="error"))
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    if failures and errors == "raise":
        if len(failures) == 1:
            raise failures[0]
        seen = {}
        for e in failures:  # one file feeding several tables: its problem once
            for p in e.problems:
                seen.setdefault((e.source, p), []).append(e.table)
        problems = [Problem(p.column, f"[{', '.join(t)}: {src}] {p.message}", p.fix, p.rows,
                            p.values, p.n_rows) for (src, p), t in seen.items()]
        if len({src for src, _ in seen}) == 1:
            problems = [Problem(p.column, p.message, p.fix, p.rows, p.values, p.n_rows)
                        for (_, p) in seen]
            raise C360DataError(", ".join(dict.fromkeys(e.table for e in failures)), problems,
                                source=failures[0].source)
        raise C360DataError(", ".join(dict.fromkeys(e.table for e in failures)), problems)
    failed = {e.table for e in failures}
    live = {name: b for name, b in builders.items() if name not in failed}
    # a file feeding several tables holds one record per row: rejected in one, rejected in all
    elsewhere = {name: b.rejected_lines() for name, b in live.items()}
    for b in live.values():
        b.finish(elsewhere)
    tables, repairs, rejected, accounts = {}, [], {}, []
    for name, b in live.items():
        tables[name] = b.result()
        repairs += b.repairs
        rejected[name] = (pd.concat(b.rejected, ignore_index=True) if b.rejected
                          else pd.DataFrame(columns=["file", "row", "reason"]))
        accounts += b.accounts
        issues += b.issues
    acc = pd.DataFrame(accounts, columns=_ACCOUNT_COLUMNS)
    rep = (pd.concat(repairs, ignore_index=True)[_REPAIR_COLUMNS] if repairs
           else pd.DataFrame(columns=_REPAIR_COLUMNS))
    return Ingest(tables=tables, accounting=acc, repairs=rep, rejected=rejected, problems=issues,
                  mapping=m, files={name: [p.name for p in files] for name, _, files in plan})


# == suggest =====================================================================================

#: other names teams give each contract column (English and Vietnamese; compared folded)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "contact_id": ("id", "record id", "contact id", "ma kh", "ma khach hang", "customer id"),
    "full_name": ("name", "full name", "ho ten", "ho va ten", "ten", "ten khach hang",
                  "khach hang", "customer", "customer name", "contact name"),
    "phone": ("phone", "phone number", "mobile", "sdt", "so dien thoai", "dien thoai",
              "di dong", "tel"),
    "email": ("email", "e-mail", "email address", "thu dien tu"),
    "company": ("company", "company name", "cong ty", "ten cong ty", "doanh nghiep"),
    "province": ("province", "city", "state", "state/region", "tinh", "tinh thanh", "thanh pho",
                 "dia chi", "khu vuc"),
    "created_date": ("created", "create date", "created date", "created on", "ngay tao"),
    "owner": ("owner", "sales rep", "salesperson", "nhan vien", "nguoi phu trach"),
    "lead_source": ("source", "lead source", "nguon", "nguon khach"),
    "care_status": ("status", "lead status", "lifecycle stage", "trang thai", "tinh trang"),
    "marketing_consent": ("consent", "marketing consent", "dong y", "dong y nhan tin",
                          "nhan tin", "opt in"),
    "deal_id": ("deal id", "ma co hoi", "opportunity id"),
    "stage": ("stage", "deal stage", "giai doan", "trang thai co hoi"),
    "value": ("amount", "deal value", "gia tri", "gia tri co hoi"),
    "inquiry_date": ("create date", "created", "ngay hoi"),
    "closed_date": ("close date", "closing date", "ngay chot", "ngay dong"),
    "order_id": ("order", "order id", "order number", "ma don", "ma don hang", "so don",
                 "so hoa don", "invoice"),
    "order_time": ("date", "order date", "ngay", "ngay dat", "ngay dat hang", "ngay mua",
                   "ngay ban", "thoi gian"),
    "buyer_name": ("customer", "customer name", "khach hang", "ten khach hang", "nguoi mua",
                   "buyer"),
    "buyer_phone": ("phone", "sdt", "so dien thoai", "dien thoai"),
    "buyer_email": ("email", "e-mail"),
    "channel": ("channel", "kenh", "kenh ban", "nguon don"),
    "status": ("status", "trang thai", "trang thai don"),
    "unit_price_vnd": ("amount", "total", "revenue", "thanh tien", "so tien", "tong tien",
                       "doanh thu", "gia tri", "tien", "don gia", "price", "unit price"),
    "unit_cost_vnd": ("cost", "cogs", "gia von", "chi phi", "tien von"),
    "quantity": ("quantity", "qty", "so luong", "sl"),
    "sku": ("sku", "ma sp", "ma san pham", "product code"),
    "product_name": ("product", "product name", "san pham", "ten san pham", "ten hang"),
    "discount_vnd": ("discount", "giam gia", "chiet khau"),
    "shipping_vnd": ("shipping", "phi van chuyen", "phi ship"),
}


def _content_kind(values: pd.Series) -> str | None:
    """What most of a column's values look like: email, phone, date, money, or None."""
    v = values[~_blank(values)].astype(str).head(500)
    if len(v) == 0:
        return None
    share = lambda mask: float(np.mean(mask)) if len(mask) else 0.0  # noqa: E731
    if share(v.str.fullmatch(r"\s*[^@\s]+@[^@\s]+\.[A-Za-z]{2,}\s*")) >= 0.8:
        return "email"
    digits = v.str.replace(r"[\s.\-()+]", "", regex=True)
    if share(digits.str.fullmatch(r"(0|84)\d{8,10}")) >= 0.8:
        return "phone"
    dates, *_ = _dates(v.reset_index(drop=True), None, "datetime", native=False)
    if share(dates.notna()) >= 0.8:
        return "date"
    vals, *_ = _numbers(v.reset_index(drop=True), "money", "auto")
    if share(~np.isnan(vals)) >= 0.7 and np.nanmedian(vals) >= 1000:
        return "money"
    return None


def _toml_key(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def suggest(path) -> str:
    """Propose a mapping (TOML text) for one export, from its column names and contents.

    The file is read as ``read_exports`` reads it (encoding, delimiter, header row found).
    Column names are compared without case or diacritics to the contract's names, their
    Vietnamese terms and common synonyms (``SYNONYMS``); values are looked at too (e-mails,
    phone numbers, dates, amounts). Guesses made from contents alone, and columns left out,
    are marked ``# check``. A file with a date and an amount per row and no CRM columns is
    mapped like the "orders" preset (shop_orders + order_lines).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "ban_hang.csv"
    >>> _ = f.write_text("Tên khách hàng;Ngày mua;Tổng tiền;Liên hệ\\n"
    ...                  "An;12/03/2025;1.250.000;0903 123 456\\n", encoding="utf-8")
    >>> text = suggest(f)
    >>> 'order_time = "Ngày mua"' in text and 'buyer_phone = "Liên hệ"' in text
    True
    >>> sorted(parse_mapping(text).tables)
    ['order_lines', 'shop_orders']
    """
    path = Path(path)
    names = {n for syn in SYNONYMS.values() for n in syn}
    names |= {c.name for t in TABLES.values() for c in t.columns}
    names |= {c.vi for t in TABLES.values() for c in t.columns}
    read = read_file(path, wanted=names)
    first = read.frame.iloc[:, 0] if read.frame.shape[1] else read.frame.index.to_series()
    totals = _matches(_TOTALS_START, _strings(first.astype(str))) if len(first) else \
        np.zeros(0, bool)
    frame = read.frame[~read.blank & ~totals]
    header = list(frame.columns)
    folded = {h: fold(h) for h in header}
    kinds = {h: _content_kind(frame[h]) for h in header}
    index: dict[str, list] = {}
    for t in TABLES.values():
        for c in t.columns:
            for n in {c.name.replace("_", " "), c.name, fold(c.vi), *SYNONYMS.get(c.name, ())}:
                index.setdefault(fold(n), []).append((t.name, c.name))
    score: dict[str, int] = {}
    for h in header:
        for table, _ in index.get(folded[h], []):
            score[table] = score.get(table, 0) + 1
    has_date = any(k == "date" for k in kinds.values())
    has_money = any(k == "money" for k in kinds.values())
    crm = max((score.get(t, 0), t) for t in ("crm_contacts", "deals"))
    orders_like = has_date and has_money and crm[0] < 3
    tables = ["shop_orders", "order_lines"] if orders_like else \
        [max(score, key=score.get)] if score else ["crm_contacts"]
    lines = [f"# Mapping proposed by c360lab for {path.name}: check every line marked 'check',",
             "# then read your folder with it: c360lab validate FOLDER --mapping THIS_FILE",
             f'name = "{path.stem}"', "", "[defaults]",
             f'encoding = "auto"        # detected: {read.encoding}',
             f'delimiter = "auto"       # detected: {read.delimiter!r}' if not read.excel
             else 'delimiter = "auto"',
             'header_row = "auto"' + (f"      # found on line {read.header_line}"
                                      if read.header_line != 1 else ""),
             'date_format = "auto"', 'money_format = "auto"']
    used: set = set()
    for table in tables:
        spec = TABLES[table]
        chosen: dict[str, tuple[str, str]] = {}
        for h in header:
            for t, col in index.get(folded[h], []):
                if t == table and col not in chosen and h not in used | {v[0] for v in
                                                                          chosen.values()}:
                    chosen[col] = (h, "by name")
                    break
        content_target = {
            "shop_orders": {"date": "order_time", "phone": "buyer_phone", "email": "buyer_email"},
            "order_lines": {"money": "unit_price_vnd"},
            "crm_contacts": {"date": "created_date", "phone": "phone", "email": "email"},
            "deals": {"date": "inquiry_date", "money": "value"},
        }.get(table, {})
        taken = {v[0] for v in chosen.values()}
        for h in header:
            col = content_target.get(kinds[h] or "")
            if col and col not in chosen and h not in taken:
                chosen[col] = (h, f"check: chosen from its contents ({kinds[h]})")
                taken.add(h)
        used |= taken
        optional, extra = [], {}
        if orders_like:
            if table == "shop_orders":
                extra = {"status": '{ value = "completed" }', "discount_vnd": '{ value = "0" }',
                         "shipping_vnd": '{ value = "0" }'}
                if "buyer_name" in chosen:
                    extra[CUSTOMER_KEY] = _toml_key(chosen["buyer_name"][0])
            else:
                extra = {"line_id": '{ row_number = "OL-" }', "quantity": '{ value = "1" }'}
                if "order_id" in chosen or any(folded[h] in SYNONYMS["order_id"] for h in header):
                    pass
            if "order_id" not in chosen:
                order_id = next((h for h in header if folded[h] in SYNONYMS["order_id"]), None)
                extra["order_id"] = (_toml_key(order_id) if order_id
                                     else '{ row_number = "OD-" }')
        for c in spec.columns:
            if c.required and c.name not in chosen and c.name not in extra:
                if c.name == spec.key:
                    extra[c.name] = f'{{ row_number = "{c.name[:2].upper()}-" }}'
                else:
                    optional.append(c.name)
        lines += ["", f"[{table}]", f'file = {_toml_key(path.name)}']
        if read.excel:
            lines.append("# sheet = \"...\"   # the first sheet is read unless you name one")
        if optional:
            lines.append(f"optional = {optional!r}".replace("'", '"')
                         + "   # check: required, but no column found (left empty)")
        lines.append(f"\n[{table}.columns]")
        for c in spec.columns:
            if c.name in extra:
                lines.append(f"{c.name} = {extra[c.name]}")
            elif c.name in chosen:
                h, why = chosen[c.name]
                lines.append(f"{c.name} = {_toml_key(h)}" + ("" if why == "by name"
                                                             else f"   # {why}"))
        for k, v in extra.items():
            if k == CUSTOMER_KEY:
                lines.append(f"{k} = {v}   # check: your own customer id or name")
        for c in spec.columns:
            if c.values and c.name in chosen:
                seen = pd.unique(frame[chosen[c.name][0]].str.strip())[:12]
                unknown = [v for v in seen if v and v not in c.values]
                if unknown:
                    lines += [f"\n[{table}.values.{c.name}]   # check: map each of your values "
                              f"onto one of {', '.join(c.values)}"]
                    lines += [f"{_toml_key(v)} = \"{c.values[0]}\"   # check" for v in unknown]
    left = [h for h in header if h not in used]
    if left:
        lines += ["", f"# not mapped (check): {', '.join(left)}"]
    return "\n".join(lines) + "\n"
