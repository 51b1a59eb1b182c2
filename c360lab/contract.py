"""The data contract: every raw export's columns and types, declared once, and ``validate``.

A team that brings its own exports maps them onto these tables; the sample company's files already
follow them. ``validate(name, df)`` turns a table of text (as read from a CSV file) or of already
typed columns into a typed copy, or raises one :class:`C360DataError` that lists *every* problem it
found in the table: the column, up to five offending rows with their values, and what to do.

Source: 004 (data standards, validation at source), 001 §4.2 (standardise before you link).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "C360DataError",
    "Column",
    "Problem",
    "TABLES",
    "Table",
    "parse_money_vn",
    "validate",
]

MAX_ROWS_SHOWN = 5


class C360DataError(ValueError):
    """Bad input data: names the table, each problem's column, rows, values and the fix.

    ``problems`` holds every :class:`Problem` found, so a program can act on them one by one.
    """

    def __init__(self, table: str, problems: list[Problem], *, source: str | None = None):
        self.table = table
        self.problems = list(problems)
        self.source = source
        where = f"table '{table}'" + (f" (file {source})" if source else "")
        lines = [f"{where}: {len(self.problems)} problem(s) found"]
        lines += [f"  {i}. {p}" for i, p in enumerate(self.problems, 1)]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one column: the rows (index labels) and values that show it."""

    column: str
    message: str
    fix: str
    rows: tuple = ()
    values: tuple = ()
    n_rows: int = 0

    def __str__(self) -> str:
        text = f"column '{self.column}': {self.message}"
        if self.rows:
            shown = ", ".join(f"{r} ({v!r})" for r, v in zip(self.rows, self.values))
            more = f" and {self.n_rows - len(self.rows)} more" if self.n_rows > len(self.rows) else ""
            text += f" in {self.n_rows} row(s): {shown}{more}"
        return f"{text}. Fix: {self.fix}"


@dataclass(frozen=True)
class Column:
    """One column of a raw export.

    ``kind`` is one of: ``id`` (text key), ``text`` (free or coded text), ``int``, ``money``
    (whole VND; ``fmt="vn"`` accepts strings such as ``1.250.000 ₫``), ``float``, ``bool`` (the
    file holds ``yes``/``no``), ``date`` and ``datetime`` (``fmt`` gives the written format).
    ``person`` marks the fields that identify a person (name, phone, email): identity resolution
    (step 2) reads them and pseudonymisation hashes them.
    """

    name: str
    kind: str
    meaning: str
    vi: str
    required: bool = False
    unique: bool = False
    values: tuple | None = None
    min: float | None = None
    max: float | None = None
    fmt: str | None = None
    person: bool = False

    @property
    def dtype(self) -> str:
        """The pandas dtype a validated table carries for this column."""
        return {
            "id": "str", "text": "str", "int": "Int64", "money": "Int64", "float": "Float64",
            "bool": "boolean", "date": "datetime64[us]", "datetime": "datetime64[us]",
        }[self.kind]


@dataclass(frozen=True)
class Table:
    """One raw export: its file, the system it comes from, its key and columns."""

    name: str
    system: str
    meaning: str
    vi: str
    key: str
    columns: tuple[Column, ...] = field(repr=False)

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def dtypes(self) -> dict[str, str]:
        return {c.name: c.dtype for c in self.columns}

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


C = Column
SEGMENTS = ("household", "cafe", "office", "restaurant_hotel")
LEAD_SOURCES = ("facebook_ads", "tiktok_ads", "zalo_oa", "seo", "referral", "showroom", "event")
DEAL_STAGES = ("inquiry", "consultation", "quote", "negotiation", "won", "lost")
ORDER_CHANNELS = ("website", "showroom", "hotline", "facebook", "zalo", "tiktok_shop", "shopee")
ORDER_STATUSES = ("completed", "returned", "cancelled", "failed_delivery")
CATEGORIES = ("beans", "equipment", "training", "service")
EVENT_TYPES = ("page_view", "pricing_view", "case_study_view", "catalog_download", "form_submit",
               "add_to_cart", "checkout_start", "purchase")
TRIGGERS = ("welcome", "product_comparison", "cart_abandon", "post_purchase_guide",
            "satisfaction_survey", "birthday", "points_reminder", "referral_invite", "win_back")
YES_NO = {"yes": True, "no": False, "true": True, "false": False, "1": True, "0": False,
          "có": True, "không": False}

TABLES: dict[str, Table] = {t.name: t for t in (
    Table("crm_contacts", "sales CRM", "Contacts and B2B leads as sales reps enter them",
          "Danh bạ khách hàng & lead trên CRM", "contact_id", (
        C("contact_id", "id", "CRM record id", "mã liên hệ", required=True, unique=True),
        C("full_name", "text", "Name as typed by the sales rep", "họ tên", person=True),
        C("phone", "text", "Phone as typed (any format)", "số điện thoại", person=True),
        C("email", "text", "E-mail as typed", "email", person=True),
        C("company", "text", "Business name (B2B contacts)", "tên doanh nghiệp"),
        C("customer_type", "text", "Kind of customer", "loại khách hàng", values=SEGMENTS),
        C("outlets", "int", "Number of outlets (B2B)", "số điểm bán", min=1),
        C("employees", "int", "Number of employees (B2B)", "số nhân viên", min=1),
        C("province", "text", "Province as typed (aliases, pre-2025 names)", "tỉnh/thành"),
        C("lead_source", "text", "Where the lead came from", "nguồn lead", values=LEAD_SOURCES),
        C("need", "text", "What the contact needs, in their words", "nhu cầu"),
        C("main_barrier", "text", "Main barrier noted by sales", "rào cản chính"),
        C("care_status", "text", "Care status", "trạng thái chăm sóc",
          values=("new", "contacted", "nurturing", "customer", "inactive")),
        C("owner", "text", "Sales rep who owns the contact", "người phụ trách"),
        C("referral_code", "text", "The contact's own referral code", "mã giới thiệu"),
        C("marketing_consent", "bool", "Agreed to marketing messages", "đồng ý nhận tiếp thị"),
        C("created_date", "date", "Date the record was created", "ngày tạo", required=True,
          fmt="%d/%m/%Y"),
    )),
    Table("deals", "sales CRM", "B2B pipeline: one row per deal, with the date each stage was reached",
          "Cơ hội bán hàng (pipeline)", "deal_id", (
        C("deal_id", "id", "Deal id", "mã cơ hội", required=True, unique=True),
        C("contact_id", "id", "The CRM contact of the deal", "mã liên hệ", required=True),
        C("stage", "text", "Current stage", "giai đoạn", required=True, values=DEAL_STAGES),
        C("product_interest", "text", "Product line of interest", "sản phẩm quan tâm",
          values=CATEGORIES),
        C("value", "money", "Quoted value, written as on the quote", "giá trị báo giá", min=0,
          fmt="vn"),
        C("budget_vnd", "money", "Budget the customer stated", "ngân sách dự kiến", min=0),
        C("decision_timeframe", "text", "When the customer plans to decide", "thời gian ra quyết định",
          values=("now", "1_month", "3_months", "6_months", "unknown")),
        C("inquiry_date", "date", "Date of the first inquiry", "ngày hỏi", required=True),
        C("consultation_date", "date", "Date of the consultation", "ngày tư vấn"),
        C("quote_date", "date", "Date the quote was sent", "ngày báo giá"),
        C("negotiation_date", "date", "Date negotiation started", "ngày đàm phán"),
        C("closed_date", "date", "Date won or lost", "ngày chốt"),
        C("lost_reason", "text", "Why the deal was lost, in the customer's words", "lý do thất bại"),
        C("owner", "text", "Sales rep", "người phụ trách"),
    )),
    Table("shop_orders", "web shop, showroom POS, Shopee, TikTok Shop", "Orders from every sales channel",
          "Đơn hàng", "order_id", (
        C("order_id", "id", "Order id", "mã đơn", required=True, unique=True),
        C("order_time", "datetime", "When the order was placed", "thời điểm đặt", required=True),
        C("channel", "text", "Sales channel", "kênh bán", required=True, values=ORDER_CHANNELS),
        C("buyer_name", "text", "Buyer name as entered", "tên người mua", person=True),
        C("buyer_phone", "text", "Buyer phone as entered", "SĐT người mua", person=True),
        C("buyer_email", "text", "Buyer e-mail as entered", "email người mua", person=True),
        C("province", "text", "Delivery province as entered", "tỉnh/thành giao hàng"),
        C("status", "text", "Order outcome", "trạng thái đơn", required=True, values=ORDER_STATUSES),
        C("payment_method", "text", "How the buyer paid", "phương thức thanh toán",
          values=("cod", "bank_transfer", "e_wallet", "card")),
        C("discount_vnd", "money", "Discount on the whole order", "giảm giá", min=0, required=True),
        C("shipping_vnd", "money", "Shipping cost borne by the shop", "phí vận chuyển shop chịu",
          min=0, required=True),
        C("deal_id", "id", "CRM deal the order closes (B2B)", "mã cơ hội"),
    )),
    Table("order_lines", "web shop, showroom POS, Shopee, TikTok Shop", "The products of each order",
          "Chi tiết đơn hàng", "line_id", (
        C("line_id", "id", "Order line id", "mã dòng", required=True, unique=True),
        C("order_id", "id", "Order id", "mã đơn", required=True),
        C("sku", "text", "Product code", "mã sản phẩm", required=True),
        C("product_name", "text", "Product name", "tên sản phẩm"),
        C("category", "text", "Product line", "ngành hàng", required=True, values=CATEGORIES),
        C("quantity", "int", "Units", "số lượng", required=True, min=1),
        C("unit_price_vnd", "money", "List price per unit", "đơn giá", required=True, min=0),
        C("unit_cost_vnd", "money", "Cost of goods per unit", "giá vốn", required=True, min=0),
    )),
    Table("web_events", "website analytics", "Website behaviour, anonymous until a form is filled",
          "Hành vi trên website", "event_id", (
        C("event_id", "id", "Event id", "mã sự kiện", required=True, unique=True),
        C("anonymous_id", "id", "Browser cookie id", "mã ẩn danh", required=True),
        C("email", "text", "E-mail, once the visitor filled a form", "email", person=True),
        C("event_type", "text", "What happened", "loại sự kiện", required=True, values=EVENT_TYPES),
        C("page", "text", "Page path", "trang"),
        C("utm_source", "text", "Campaign source of the visit", "nguồn chiến dịch"),
        C("utm_campaign", "text", "Campaign name", "tên chiến dịch"),
        C("device", "text", "Device", "thiết bị", values=("mobile", "desktop", "tablet")),
        C("event_time", "datetime", "When", "thời điểm", required=True),
    )),
    Table("inbox_messages", "Zalo OA, Facebook Messenger, hotline log", "Customers' inbound messages",
          "Tin nhắn & cuộc gọi đến", "message_id", (
        C("message_id", "id", "Message id", "mã tin nhắn", required=True, unique=True),
        C("conversation_id", "id", "Conversation id", "mã hội thoại", required=True),
        C("channel", "text", "Channel", "kênh", required=True,
          values=("zalo_oa", "facebook_messenger", "hotline")),
        C("display_name", "text", "Display name on the channel", "tên hiển thị", person=True),
        C("phone", "text", "Phone, when the customer gave it", "số điện thoại", person=True),
        C("sent_at", "datetime", "When the message arrived", "thời điểm gửi", required=True),
        C("first_response_minutes", "int", "Minutes until staff first replied (first message of a "
          "conversation only)", "thời gian phản hồi đầu (phút)", min=0),
        C("message_text", "text", "The message, in Vietnamese", "nội dung"),
    )),
    Table("tickets", "customer care", "Support tickets", "Phiếu hỗ trợ", "ticket_id", (
        C("ticket_id", "id", "Ticket id", "mã phiếu", required=True, unique=True),
        C("requester_name", "text", "Requester's name", "tên khách", person=True),
        C("requester_phone", "text", "Requester's phone", "SĐT khách", person=True),
        C("order_id", "id", "Order concerned, if any", "mã đơn"),
        C("issue_type", "text", "Kind of issue", "loại vấn đề", required=True,
          values=("delivery", "product_quality", "machine_repair", "billing", "usage_question",
                  "return_request")),
        C("channel", "text", "Where the ticket came in", "kênh",
          values=("hotline", "zalo_oa", "email", "showroom")),
        C("opened_at", "datetime", "Opened", "thời điểm mở", required=True),
        C("closed_at", "datetime", "Closed (blank while open)", "thời điểm đóng"),
        C("contacts_to_resolve", "int", "Contacts needed to resolve (1 = first contact resolution)",
          "số lần liên hệ để giải quyết", min=1),
        C("ces", "int", "Customer effort score, 1 very easy to 7 very hard", "điểm nỗ lực (CES)",
          min=1, max=7),
        C("csat", "int", "Satisfaction, 1 to 5", "mức hài lòng (CSAT)", min=1, max=5),
    )),
    Table("surveys", "survey tool", "Survey answers after a purchase or a ticket", "Khảo sát",
          "response_id", (
        C("response_id", "id", "Response id", "mã phản hồi", required=True, unique=True),
        C("respondent_email", "text", "Respondent e-mail", "email", person=True),
        C("respondent_phone", "text", "Respondent phone", "số điện thoại", person=True),
        C("trigger", "text", "What the survey followed", "khảo sát sau",
          values=("purchase", "ticket")),
        C("submitted_at", "datetime", "When it was answered", "thời điểm trả lời", required=True),
        C("nps", "int", "Likelihood to recommend, 0 to 10", "điểm NPS", min=0, max=10),
        C("csat", "int", "Satisfaction, 1 to 5", "mức hài lòng", min=1, max=5),
        C("comment", "text", "Free comment (Vietnamese, some English)", "góp ý"),
    )),
    Table("referrals", "referral programme", "Who referred whom", "Giới thiệu khách hàng",
          "referral_id", (
        C("referral_id", "id", "Referral id", "mã giới thiệu", required=True, unique=True),
        C("referrer_code", "text", "Referrer's code, when used", "mã người giới thiệu"),
        C("referrer_phone", "text", "Referrer's phone, when given instead", "SĐT người giới thiệu",
          person=True),
        C("referred_name", "text", "Referred person's name", "tên người được giới thiệu",
          person=True),
        C("referred_phone", "text", "Referred person's phone", "SĐT người được giới thiệu",
          person=True),
        C("referral_date", "date", "Date of the referral", "ngày giới thiệu", required=True),
        C("status", "text", "Outcome", "trạng thái", values=("pending", "converted", "expired")),
        C("reward_vnd", "money", "Reward paid to the referrer", "thưởng", min=0),
    )),
    Table("community", "barista club", "Members of the barista community", "Cộng đồng barista",
          "member_id", (
        C("member_id", "id", "Member id", "mã thành viên", required=True, unique=True),
        C("display_name", "text", "Display name", "tên hiển thị", person=True),
        C("phone", "text", "Phone", "số điện thoại", person=True),
        C("email", "text", "E-mail", "email", person=True),
        C("joined_date", "date", "Date joined", "ngày tham gia", required=True),
        C("badge", "text", "Community badge", "huy hiệu"),
        C("ugc_posts", "int", "Posts written (user-generated content)", "số bài đăng", min=0),
        C("events_attended", "int", "Events attended", "số sự kiện tham gia", min=0),
    )),
    Table("marketing_spend", "ads accounts", "Monthly spend and results per paid channel",
          "Chi phí quảng cáo", "spend_id", (
        C("spend_id", "id", "Row id (month and channel)", "mã dòng", required=True, unique=True),
        C("month", "date", "First day of the month", "tháng", required=True),
        C("channel", "text", "Paid channel", "kênh", required=True,
          values=("facebook_ads", "tiktok_ads", "zalo_ads", "google_ads")),
        C("spend_vnd", "money", "Spend", "chi phí", required=True, min=0),
        C("impressions", "int", "Impressions", "lượt hiển thị", min=0),
        C("clicks", "int", "Clicks", "lượt nhấp", min=0),
        C("platform_leads", "int", "Leads the platform reports", "lead theo nền tảng", min=0),
    )),
    Table("automation_sends", "marketing automation", "Automated messages sent, with A/B variant",
          "Tin nhắn tự động", "send_id", (
        C("send_id", "id", "Send id", "mã gửi", required=True, unique=True),
        C("trigger", "text", "Rule that sent it", "kịch bản", required=True, values=TRIGGERS),
        C("variant", "text", "A/B variant", "phiên bản", values=("A", "B")),
        C("channel", "text", "Channel", "kênh", values=("email", "zalo_zns", "sms")),
        C("recipient_email", "text", "Recipient e-mail", "email người nhận", person=True),
        C("recipient_phone", "text", "Recipient phone", "SĐT người nhận", person=True),
        C("sent_at", "datetime", "When it was sent", "thời điểm gửi", required=True),
        C("opened", "bool", "Opened", "đã mở"),
        C("clicked", "bool", "Clicked", "đã nhấp"),
        C("converted", "bool", "Bought within 7 days", "đã mua trong 7 ngày"),
    )),
)}
del C


def parse_money_vn(values: pd.Series) -> pd.Series:
    """Whole VND from text such as ``1.250.000 ₫``, ``1.250.000đ``, ``1,250,000`` or ``1250000``.

    Blank text gives a missing value; anything else that is not an amount gives a missing value
    too, so the caller can report it (``validate`` does).

    >>> parse_money_vn(pd.Series(["1.250.000 ₫", "350.000đ", "1,250,000", "", "abc"])).tolist()
    [1250000, 350000, 1250000, <NA>, <NA>]
    """
    text = values.astype("str").str.strip()
    text = text.str.replace(r"\s*(₫|đ|VNĐ|VND|vnd)$", "", regex=True).str.strip()
    ok = text.str.fullmatch(r"\d{1,3}([.,]\d{3})+|\d+").fillna(False).astype(bool)
    digits = text.where(ok).str.replace(r"[.,]", "", regex=True)
    return pd.to_numeric(digits, errors="coerce").astype("Int64")


def _blank(s: pd.Series) -> pd.Series:
    """True where a value is missing or empty text."""
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        return s.isna() | (s.astype("str").str.strip() == "")
    return s.isna()


def _coerce(col: Column, s: pd.Series) -> pd.Series:
    """Convert one column to its contract dtype; values that cannot be converted become missing."""
    blank = _blank(s)
    if col.kind in ("id", "text"):
        return s.astype("str").where(~blank)
    if col.kind == "bool":
        if pd.api.types.is_bool_dtype(s.dtype):
            return s.astype("boolean")
        return s.astype("str").str.strip().str.lower().map(YES_NO).astype("boolean")
    if col.kind in ("date", "datetime"):
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            return s.astype("datetime64[us]")
        text = s.astype("str").where(~blank)
        fmt = col.fmt or ("%Y-%m-%d" if col.kind == "date" else "ISO8601")
        return pd.to_datetime(text, format=fmt, errors="coerce").astype("datetime64[us]")
    if col.kind == "money" and col.fmt == "vn" and not pd.api.types.is_numeric_dtype(s.dtype):
        return parse_money_vn(s.where(~blank))
    num = pd.to_numeric(s.where(~blank), errors="coerce")
    if col.kind == "float":
        return num.astype("Float64")
    whole = num.isna() | (num == np.floor(num))
    return num.where(whole).astype("Float64").astype("Int64")


def _rows(s: pd.Series, bad: pd.Series, column: str, message: str, fix: str) -> Problem | None:
    """A Problem listing the first rows where ``bad`` holds, or None when there are none."""
    bad = bad.fillna(False).astype(bool)
    n = int(bad.sum())
    if n == 0:
        return None
    shown = s[bad].head(MAX_ROWS_SHOWN)
    values = tuple(None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in shown)
    return Problem(column, message, fix, tuple(shown.index.tolist()), values, n)


def _check_column(col: Column, raw: pd.Series, typed: pd.Series) -> list[Problem]:
    """Every problem of one column: unreadable values, blanks, duplicates, ranges, codes."""
    blank = _blank(raw)
    out = [
        _rows(raw, ~blank & typed.isna(), col.name, f"cannot be read as {_KIND_TEXT[col.kind]}",
              _fix_for(col)),
        _rows(raw, blank, col.name, "is empty", "fill it in: this column is required")
        if col.required else None,
        _rows(raw, typed.duplicated(keep=False) & typed.notna(), col.name, "has duplicate keys",
              "give every row its own id, or remove the repeated rows") if col.unique else None,
        _rows(raw, typed < col.min, col.name, f"is below {col.min:g}",
              f"use values of at least {col.min:g} (a return is a status, not a negative amount)")
        if col.min is not None else None,
        _rows(raw, typed > col.max, col.name, f"is above {col.max:g}",
              f"use values from {col.min:g} to {col.max:g}") if col.max is not None else None,
        _rows(raw, typed.notna() & ~typed.isin(col.values), col.name, "has unknown codes",
              f"use one of: {', '.join(col.values)} (map your own labels onto these)")
        if col.values else None,
    ]
    return [p for p in out if p is not None]


_KIND_TEXT = {"id": "text", "text": "text", "int": "a whole number", "money": "an amount in VND",
              "float": "a number", "bool": "yes/no", "date": "a date", "datetime": "a date and time"}
_FIX = {
    "id": "", "text": "",
    "int": "write whole numbers without units or thousands separators",
    "money": "write whole VND, e.g. 1250000 or 1.250.000 ₫",
    "float": "write plain numbers with a dot for decimals",
    "bool": "write yes or no",
    "date": "write real dates in the form {example} ({fmt})",
    "datetime": "write real date-times in the form {example}",
}


def _fix_for(col: Column) -> str:
    """The fix for unreadable values, with an example in the column's own format."""
    fmt = col.fmt or ("%Y-%m-%d" if col.kind == "date" else "%Y-%m-%d %H:%M:%S")
    example = pd.Timestamp("2025-03-31 14:05:00").strftime(fmt)
    return _FIX[col.kind].format(fmt=fmt, example=example)


def validate(name: str, df: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Check a raw table against the contract and return a typed copy.

    Parameters
    ----------
    name : str
        The contract table, e.g. ``"shop_orders"`` (see ``TABLES``).
    df : DataFrame
        The table, as text read from a file (``dtype=str``) or with typed columns. Extra columns
        are kept as they are. The input is never changed.
    source : str, optional
        Where the table came from (a file name), shown in the error message.

    Returns
    -------
    DataFrame
        The same rows, in the same order, with each contract column converted to its dtype.

    Raises
    ------
    C360DataError
        Listing every problem of the table at once (missing columns, unreadable values, empty
        required fields, duplicate keys, values out of range, unknown codes), each with the
        column, up to five rows with their values, and the fix.

    Examples
    --------
    >>> raw = pd.DataFrame({"line_id": ["L1", "L1"], "order_id": ["O1", "O1"],
    ...     "sku": ["B-01", "B-01"], "product_name": ["", ""], "category": ["beans", "beans"],
    ...     "quantity": ["2", "-1"], "unit_price_vnd": ["250000", "250000"],
    ...     "unit_cost_vnd": ["120000", "120000"]})
    >>> try:
    ...     validate("order_lines", raw)
    ... except C360DataError as err:
    ...     print(err)
    table 'order_lines': 2 problem(s) found
      1. column 'line_id': has duplicate keys in 2 row(s): 0 ('L1'), 1 ('L1'). Fix: give every row its own id, or remove the repeated rows
      2. column 'quantity': is below 1 in 1 row(s): 1 ('-1'). Fix: use values of at least 1 (a return is a status, not a negative amount)
    """
    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; the contract has: {', '.join(TABLES)}")
    table = TABLES[name]
    missing = [c.name for c in table.columns if c.name not in df.columns]
    problems = [Problem(m, "is missing", f"add a column named '{m}' (see data/README.md)")
                for m in missing]
    out = df.copy()
    for col in table.columns:
        if col.name in missing:
            continue
        typed = _coerce(col, df[col.name])
        problems += _check_column(col, df[col.name], typed)
        out[col.name] = typed
    if problems:
        raise C360DataError(name, problems, source=source)
    return out

