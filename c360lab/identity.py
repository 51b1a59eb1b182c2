"""Step 2: one customer ID across every touchpoint.

Two halves, both pure:

* **normalisers** turn what people typed into one canonical form, or into a missing value with
  the reason kept: ``normalize_phone`` (E.164, the 2018 change from 11 to 10 digits, landline
  or mobile), ``normalize_email`` (case, spaces, typo domains), ``normalize_name`` (Unicode,
  case, spacing, honorifics, old tone placement) with ``name_key`` (the diacritic-free key used
  to compare names), and ``normalize_province`` (aliases and the provinces merged in July 2025).
  Each takes one value, or a pandas Series and then works once per distinct value, so it scales
  to millions of rows.
* **resolution**: ``resolve`` links the records of every raw export that carry a person (name,
  phone, e-mail) into customers with a ``customer_id``, and returns the link table (which record
  belongs to which customer, and by which rule). ``explain`` shows the chain of evidence that
  joined two records; ``pair_scores`` grades a link table against the answer key.

Source: 001 §4.2 (standardise the customer ID: phone/e-mail as primary ID, avoid duplicate
profiles), 004 (data standards: one format per field, validation at source, an audit trail of
every link), 002 step 6 (recognise a customer whatever channel they come from).

>>> normalize_phone("0168.123.4567"), normalize_email(" Lan@GMAI.COM "), name_key("Chị Đặng Thị Hoà")
('+84381234567', 'lan@gmail.com', 'dang thi hoa')
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import deque
from typing import NamedTuple

import numpy as np
import pandas as pd
import phonenumbers

from . import vietnam as vn
from .contract import TABLES, C360DataError, Problem

__all__ = [
    "PhoneInfo", "EmailInfo", "Resolution",
    "phone_info", "normalize_phone", "email_info", "normalize_email",
    "normalize_name", "name_key", "normalize_province",
    "resolve", "explain", "pair_scores", "exact_phone_links", "RULES", "PERSON_TABLES",
]

# == phones ======================================================================================

#: the kinds of phone numbers a customer record keeps
PHONE_KINDS = ("mobile", "landline", "foreign")
_PN = phonenumbers.PhoneNumberType
_KIND_OF_TYPE = {_PN.MOBILE: "mobile", _PN.FIXED_LINE: "landline"}
#: the parts of one cell that may hold another number: "0912345678 / 0983456789 (vợ)"
_SEVERAL = re.compile(r"\s*(?:/|;|,|\||\s[-–]\s|\bhoặc\b|\bor\b|\bhoac\b)\s*", re.IGNORECASE)
#: a run of digits with the separators people put inside phone numbers
_RUN = re.compile(r"\+?[0-9(][0-9 .\-()+]*[0-9]|[0-9]")
_EXCEL_FLOAT = re.compile(r"[0-9]+\.0+")
_EXCEL_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]{1,2}")
#: a pre-2017 Hà Nội / HCMC landline written with its old area code: (04) 3825 1234, (08) 3822 1234
_OLD_AREA = re.compile(r"^\(0([48])\)")
_MISSING_TEXT = {"", "nan", "none", "null", "n/a", "na", "-", "--", "không", "khong", "không có",
                 "khong co", "chưa có", "x", "0"}


class PhoneInfo(NamedTuple):
    """A normalised phone: ``phone`` in E.164 (or None), its ``kind`` and, when it is missing,
    the ``issue`` that made it so."""

    phone: str | None
    kind: str | None
    issue: str | None


def _text(value) -> str | None:
    """``value`` as NFKC text without control characters, or None for a missing value."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer() and abs(value) < 1e15:
            value = int(value)          # a phone read from Excel as a number: 912345678.0
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text).strip()


def phone_info(value) -> PhoneInfo:
    """Normalise one phone and say why when it cannot be used.

    Accepts every way the sample and real exports write Vietnamese numbers: spaces, dots,
    dashes, parentheses, ``+84``, ``84``, ``0084``, ``+84 (0)…``, a leading 0 lost in Excel,
    Excel floats (``912345678.0``, ``9.12345678E+08``), text around the number (``zalo:``,
    ``SĐT``, ``ĐT:``), two numbers in one cell (the first valid one is kept), the pre-2018
    11-digit mobiles (converted to today's 10 digits *before* parsing, which ``phonenumbers``
    does not do) and the old Hà Nội/HCMC area codes ``(04)``/``(08)``.

    Parameters
    ----------
    value : str or any
        The phone as typed. Anything else (None, NaN, numbers, free text) is accepted.

    Returns
    -------
    PhoneInfo
        ``phone`` E.164 such as ``+84912345678`` (None when unusable), ``kind`` ``mobile``,
        ``landline`` or ``foreign``, and ``issue``: why the phone is missing (None when it is not).

    Examples
    --------
    >>> phone_info("01695678945")
    PhoneInfo(phone='+84395678945', kind='mobile', issue=None)
    >>> phone_info("(028) 3822 1234").kind
    'landline'
    >>> phone_info("091234567").issue
    'not a valid Vietnamese number (9 digits)'

    Source: 001 §4.2 (phone as the primary customer ID), 004 (one format per field).
    """
    text = _text(value)
    if text is None or text.lower() in _MISSING_TEXT:
        return PhoneInfo(None, None, "blank")
    return _phone_text(text)


@functools.lru_cache(maxsize=1 << 16)
def _phone_text(text: str) -> PhoneInfo:
    if _EXCEL_FLOAT.fullmatch(text):
        text = text.split(".")[0]
    elif _EXCEL_SCIENTIFIC.fullmatch(text):
        text = str(int(float(text)))
    first_issue = None
    for part in _SEVERAL.split(text):
        runs = _RUN.findall(part)
        if not runs:
            continue
        run = max(runs, key=lambda r: sum(c.isdigit() for c in r))
        info = _phone_run(run)
        if info.phone is not None:
            return info
        first_issue = first_issue or info.issue
    return PhoneInfo(None, None, first_issue or "no digits")


def _phone_run(run: str) -> PhoneInfo:
    """One number, written with digits and separators only."""
    plus = run.lstrip("(").startswith("+")
    old = _OLD_AREA.match(run)
    run = run.replace("(0)", "")
    digits = re.sub(r"[^0-9]", "", run)
    if old:                                           # (08) 3822 1234 -> 028 3822 1234
        digits = "02" + old.group(1) + digits[2:]
    if digits.startswith("0084"):
        digits, plus = digits[2:], True
    elif plus and not digits.startswith("84"):
        return _foreign("+" + digits)
    elif not plus and digits.startswith("84") and len(digits) in (11, 12):
        plus = True                                   # 84912345678, 842838221234
    if plus:
        digits = digits[2:].removeprefix("0")         # +84 0912…, +84 (0) 912…
    if len(digits) > 12:
        return _matcher(run)
    if len(digits) < 8:
        return PhoneInfo(None, None, f"too few digits ({len(digits)})")
    if not digits.startswith("0"):
        digits = "0" + digits                         # a leading 0 lost in Excel
    if len(digits) == 11 and digits[:4] in vn.OLD_TO_NEW_MOBILE:
        digits = vn.OLD_TO_NEW_MOBILE[digits[:4]] + digits[4:]   # the 2018 change
    elif len(digits) == 10 and digits.startswith("04"):
        digits = "024" + digits[2:]                   # Hà Nội's pre-2017 area code
    number = phonenumbers.parse(digits, "VN")
    if not phonenumbers.is_valid_number(number):
        return PhoneInfo(None, None, f"not a valid Vietnamese number ({len(digits)} digits)")
    kind = _KIND_OF_TYPE.get(phonenumbers.number_type(number))
    if kind is None:
        return PhoneInfo(None, None, "a service number (1800/1900), not a person's phone")
    return PhoneInfo(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                     kind, None)


def _foreign(text: str) -> PhoneInfo:
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return PhoneInfo(None, None, "not a valid international number")
    if not phonenumbers.is_valid_number(number):
        return PhoneInfo(None, None, "not a valid international number")
    return PhoneInfo(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                     "foreign", None)


def _matcher(text: str) -> PhoneInfo:
    """Too many digits for one number: look for numbers inside, as two numbers in one cell."""
    for match in phonenumbers.PhoneNumberMatcher(text, "VN"):
        if sum(c.isdigit() for c in match.raw_string) <= 12:
            info = _phone_run(match.raw_string)
            if info.phone is not None:
                return info
    return PhoneInfo(None, None, "too many digits")


def normalize_phone(value):
    """A phone in E.164 (``+84…``), or the phones of a Series with their kind and issue.

    Parameters
    ----------
    value : str, any scalar, or pandas.Series
        One phone as typed, or a column of them.

    Returns
    -------
    str or None, or DataFrame
        For one value: the E.164 number, None when it is missing or junk (``phone_info`` says
        why). For a Series: a DataFrame on the same index with columns ``phone`` (E.164),
        ``phone_kind`` (mobile / landline / foreign) and ``phone_issue`` (the reason a phone is
        missing), each computed once per distinct value.

    Examples
    --------
    >>> normalize_phone("+84 (0) 912 345 678"), normalize_phone("zalo: 0987 654 321")
    ('+84912345678', '+84987654321')
    >>> normalize_phone(pd.Series(["912345678.0", "02838221234", "abc"]))
              phone phone_kind         phone_issue
    0  +84912345678     mobile                 NaN
    1 +842838221234   landline                 NaN
    2           NaN        NaN           no digits

    Source: 001 §4.2, 004.
    """
    if isinstance(value, pd.Series):
        return _per_distinct(value, phone_info, ("phone", "phone_kind", "phone_issue"))
    return phone_info(value).phone


def _per_distinct(values: pd.Series, func, columns: tuple[str, ...]) -> pd.DataFrame:
    """``func`` (returning a tuple) applied once per distinct value of ``values``."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    rows = [func(u) for u in uniques] + [func(None)]      # the last row is for missing values
    table = pd.DataFrame(rows, columns=list(columns), dtype="str")
    out = table.take(np.where(codes < 0, len(uniques), codes))
    out.index = values.index
    return out


# == e-mails =====================================================================================

#: typo domain -> the domain meant (from ``vietnam.TYPO_DOMAINS``)
TYPO_FIX = {typo: right for right, typos in vn.TYPO_DOMAINS.items() for typo in typos}
_EMAIL = re.compile(r"[a-z0-9](?:[a-z0-9._%+\-]*[a-z0-9_\-])?@[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?"
                    r"(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)*\.[a-z]{2,}")


class EmailInfo(NamedTuple):
    """A normalised e-mail (or None) and, when it is missing, why."""

    email: str | None
    issue: str | None


def email_info(value) -> EmailInfo:
    """Normalise one e-mail address and say why when it cannot be used.

    Trims spaces (also inside the address), lower-cases, drops ``mailto:`` and ``<…>``, and
    fixes the typo domains of ``vietnam.TYPO_DOMAINS`` (``gmai.com``, ``gmail.con`` → ``gmail.com``).

    Parameters
    ----------
    value : str or any

    Returns
    -------
    EmailInfo
        ``email`` (None when unusable) and ``issue`` (None when it is fine).

    Examples
    --------
    >>> email_info(" Lan.Nguyen@Gmail.con ")
    EmailInfo(email='lan.nguyen@gmail.com', issue=None)
    >>> email_info("lan.nguyen.gmail.com")
    EmailInfo(email=None, issue='no @ in the address')

    Source: 001 §4.2 (e-mail as the second primary ID), 004.
    """
    text = _text(value)
    if text is None or text.lower() in _MISSING_TEXT:
        return EmailInfo(None, "blank")
    text = re.sub(r"\s+", "", text.lower()).removeprefix("mailto:").strip("<>.,;:'\"()[]")
    if text.count("@") != 1:
        return EmailInfo(None, "no @ in the address" if "@" not in text else "several @")
    local, domain = text.split("@")
    domain = TYPO_FIX.get(domain, domain)
    email = f"{local}@{domain}"
    if not email.isascii() or not _EMAIL.fullmatch(email) or ".." in email:
        return EmailInfo(None, "not a valid e-mail address")
    return EmailInfo(email, None)


def normalize_email(value):
    """An e-mail address trimmed, lower-cased and with its typo domain fixed.

    Parameters
    ----------
    value : str, any scalar, or pandas.Series

    Returns
    -------
    str or None, or DataFrame
        For one value, the address or None (``email_info`` says why). For a Series, a DataFrame
        on the same index with ``email`` and ``email_issue``, computed once per distinct value.

    Examples
    --------
    >>> normalize_email("  NGUYEN.LAN@GMAIL.COM"), normalize_email("lan@yahoo.vn")
    ('nguyen.lan@gmail.com', 'lan@yahoo.com.vn')

    Source: 001 §4.2, 004.
    """
    if isinstance(value, pd.Series):
        return _per_distinct(value, email_info, ("email", "email_issue"))
    return email_info(value).email


# == names =======================================================================================

#: honorifics written before a name (§2.4 of the research note), lower case. "anh" is also a
#: given name, so it is only dropped before a word that is not a family name ("Anh Đức", not
#: "Anh Nguyễn", which is the given name Anh written first).
HONORIFICS = frozenset(
    {t.lower() for t, _ in vn.HONORIFICS_FEMALE + vn.HONORIFICS_MALE}
    | {"chị", "anh", "em", "cô", "chú", "bác", "ông", "bà", "mr", "mr.", "ms", "ms.", "mrs",
       "mrs.", "miss", "dr", "dr.", "a", "a.", "c", "c.", "e", "e.", "sếp", "cháu", "dì", "cậu"})
_AMBIGUOUS_HONORIFICS = frozenset({"anh", "a", "c", "e"})
_SURNAMES = frozenset(vn.fold(s) for s, _ in vn.SURNAMES) | {"huynh", "vo"}
#: "Ông" is an honorific (Mr.) and a family name: kept when a middle name follows ("Ông Thị Anh")
_MIDDLES = frozenset(vn.fold(m) for m, _ in vn.MIDDLE_NAMES_FEMALE + vn.MIDDLE_NAMES_MALE)
#: word-final oa/oe/uy with the tone mark on the second vowel (old style) -> on the first
_OLD_TONE = {
    unicodedata.normalize("NFC", v1 + v2 + mark): unicodedata.normalize("NFC", v1 + mark + v2)
    for v1, v2 in (("o", "a"), ("o", "e"), ("u", "y"))
    for mark in ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
}
_OLD_TONE_RE = re.compile(r"(?<![qQ])(" + "|".join(_OLD_TONE) + r")$")


def _drop_honorifics(words: list[str]) -> list[str]:
    while len(words) > 1:
        first = words[0].lower()
        if first not in HONORIFICS and not (first.rstrip(".") + "." in HONORIFICS
                                            and first.endswith(".")):
            break
        if first in _AMBIGUOUS_HONORIFICS and vn.fold(words[1]) in _SURNAMES:
            break
        if (vn.fold(first) in _SURNAMES and len(words) >= 3
                and vn.fold(words[1]) in _MIDDLES and vn.fold(words[1]) not in _SURNAMES):
            break
        words = words[1:]
    return words


def _case(char: str, upper: bool) -> str:
    """Upper or lower case of one character, unless that changes its length (ß -> SS)."""
    changed = char.upper() if upper else char.lower()
    return changed if len(changed) == 1 else char


def _title(word: str) -> str:
    word = _case(word[:1], True) + "".join(_case(c, False) for c in word[1:])
    return _OLD_TONE_RE.sub(lambda m: _OLD_TONE[m.group(1)], word)


@functools.lru_cache(maxsize=1 << 16)
def _name_text(text: str) -> str | None:
    """The canonical name: the cleaning below, repeated until nothing changes (idempotent)."""
    name = _name_once(text)
    while name is not None and (again := _name_once(name)) != name:
        name = again
    return name


def _name_once(text: str) -> str | None:
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"^(mr|ms|mrs|a|c)\.(?=\w)", r"\1. ", text, flags=re.IGNORECASE)   # A.Tuấn
    words = [w.strip(",;:\"'()[]{}") for w in text.split()]
    words = _drop_honorifics([w for w in words if w])
    name = " ".join(_title(w) for w in words)
    name = unicodedata.normalize("NFC", name)
    return name or None


def normalize_name(value):
    """A Vietnamese name in one canonical form: NFC, Title Case, single spaces, no honorific.

    Composes decomposed Unicode (NFC), writes each word with a capital first letter, collapses
    spacing, drops honorifics before the name (Anh, Chị, A., C., Mr., Ms., Cô, Chú, Em…) and
    moves the tone mark of a word-final oa/oe/uy to the first vowel (Hoà → Hòa, Thuỷ → Thủy).
    Word order and missing diacritics are kept: compare names with ``name_key``.

    Parameters
    ----------
    value : str, any scalar, or pandas.Series

    Returns
    -------
    str or None, or Series
        None (``<NA>`` in a Series) when nothing is left.

    Examples
    --------
    >>> normalize_name("  chị  NGUYỄN thị   hoà ")
    'Nguyễn Thị Hòa'
    >>> normalize_name("Mr. Đức")
    'Đức'

    Source: 001 §4.2 (naming rules), 004.
    """
    if isinstance(value, pd.Series):
        return _per_distinct(value, lambda v: (_one_name(v),), ("name",))["name"]
    return _one_name(value)


def _one_name(value) -> str | None:
    text = _text(value)
    return None if text is None else _name_text(text)


def name_key(value):
    """The key to compare names: lower case, no diacritics (đ → d), honorifics dropped.

    Parameters
    ----------
    value : str, any scalar, or pandas.Series

    Returns
    -------
    str or None, or Series

    Examples
    --------
    >>> name_key("ĐẶNG  Thuỳ Dương"), name_key("Anh Đức")
    ('dang thuy duong', 'duc')

    Source: 001 §4.2, 004.
    """
    if isinstance(value, pd.Series):
        return _per_distinct(value, lambda v: (_one_key(v),), ("key",))["key"]
    return _one_key(value)


def _one_key(value) -> str | None:
    key = _key_once(_one_name(value))
    while key is not None and (again := _key_once(_name_text(key))) != key:
        key = again                          # repeated until nothing changes (idempotent)
    return key


def _key_once(name: str | None) -> str | None:
    if name is None:
        return None
    return vn.fold(re.sub(r"[^\w\s]", " ", vn.fold(name))) or None


# == provinces ===================================================================================

def _squash(text: str) -> str:
    """Letters and digits only, folded: 'TP. Hồ Chí Minh' -> 'tphochiminh'."""
    return re.sub(r"[^a-z0-9]", "", vn.fold(text))


def _province_lookup() -> dict[str, str]:
    names: dict[str, str] = {}
    for p in vn.PROVINCES:
        names[p.official] = names[p.short] = p.official
    names.update(vn.FORMER_PROVINCES)
    names.update(vn.PROVINCE_ALIASES)
    lookup: dict[str, str | None] = {}
    for written, official in names.items():
        key = _squash(written)
        lookup[key] = official if lookup.get(key, official) == official else None
    return {k: v for k, v in lookup.items() if v}


_PROVINCE = _province_lookup()
_PROVINCE_PREFIX = re.compile(r"^(thanhpho|tinh|tp)")


def normalize_province(value):
    """The official name of one of the 34 province-level units of 1 July 2025.

    Reads aliases (TP.HCM, HCM, Sài Gòn, Ho Chi Minh City), ASCII spellings, "Tỉnh X" and the
    pre-July-2025 provinces merged into today's units (Bình Dương → Thành phố Hồ Chí Minh).

    Parameters
    ----------
    value : str, any scalar, or pandas.Series

    Returns
    -------
    str or None, or Series
        None (``<NA>``) when the text names no province.

    Examples
    --------
    >>> normalize_province("Sài Gòn"), normalize_province("binh duong"), normalize_province("Quang Nam")
    ('Thành phố Hồ Chí Minh', 'Thành phố Hồ Chí Minh', 'Thành phố Đà Nẵng')

    Source: 001 §4.2, 004; research note §3.
    """
    if isinstance(value, pd.Series):
        return _per_distinct(value, lambda v: (_one_province(v),), ("province",))["province"]
    return _one_province(value)


def _one_province(value) -> str | None:
    text = _text(value)
    if text is None:
        return None
    key = _squash(text)
    return _PROVINCE.get(key) or _PROVINCE.get(_PROVINCE_PREFIX.sub("", key))


# == resolution ==================================================================================

#: the rules that join a record to its customer, strongest first (a record's ``rule`` in the
#: link table is the first of these that touched it)
RULES = {
    "mobile": "same mobile number (E.164, after the 2018 prefix change)",
    "email": "same e-mail address (normalised, typo domain fixed)",
    "deal_id": "the order closes a CRM deal, whose contact is this person",
    "order_id": "the ticket names an order of this person",
    "referral_code": "the referrer's code is this CRM contact's referral code",
    "conversation": "another message of the same inbox conversation",
    "landline+name": "same landline AND names that agree (a shared office line alone is not enough)",
    "company": "the buyer is a company that has only one known contact person",
    "name+province": "no phone or e-mail: the same full name in the same province, and only one "
                     "customer has it",
    "own": "no rule joined it to another record: a customer of its own",
    "anonymous": "a website browser that never filled a form: no customer",
}
#: tables with person columns (name, phone, e-mail), in contract order
PERSON_TABLES = tuple(name for name, t in TABLES.items() if any(c.person for c in t.columns))
#: the columns ``resolve`` reads from each table
REQUIRED = {
    "crm_contacts": ("contact_id", "full_name", "phone", "email", "company", "customer_type",
                     "province", "referral_code"),
    "shop_orders": ("order_id", "buyer_name", "buyer_phone", "buyer_email", "province",
                    "deal_id"),
    "deals": ("deal_id", "contact_id"),
    "web_events": ("anonymous_id", "email"),
    "inbox_messages": ("message_id", "conversation_id", "display_name", "phone"),
    "tickets": ("ticket_id", "requester_name", "requester_phone", "order_id"),
    "surveys": ("response_id", "respondent_email", "respondent_phone"),
    "referrals": ("referral_id", "referrer_code", "referrer_phone", "referred_name",
                  "referred_phone"),
    "community": ("member_id", "display_name", "phone", "email"),
    "automation_sends": ("send_id", "recipient_email", "recipient_phone"),
}
#: table -> (record id, name, phone, e-mail, province) columns of its person records
_PERSON = {
    "crm_contacts": ("contact_id", "full_name", "phone", "email", "province"),
    "shop_orders": ("order_id", "buyer_name", "buyer_phone", "buyer_email", "province"),
    "inbox_messages": ("message_id", "display_name", "phone", None, None),
    "tickets": ("ticket_id", "requester_name", "requester_phone", None, None),
    "surveys": ("response_id", None, "respondent_phone", "respondent_email", None),
    "community": ("member_id", "display_name", "phone", "email", None),
    "automation_sends": ("send_id", None, "recipient_phone", "recipient_email", None),
}
#: token-set similarity (0-100, rapidfuzz) from which two name keys agree
NAME_AGREEMENT = 90


class Resolution(NamedTuple):
    """What ``resolve`` returns.

    ``customers`` one row per resolved person; ``links`` one row per input record (table,
    record_id, role) with its ``customer_id`` and ``rule``; ``records`` the normalised person
    fields of every record (what the rules compared); ``edges`` every link found between two
    records, with its rule and evidence (``explain`` walks them).
    """

    customers: pd.DataFrame
    links: pd.DataFrame
    records: pd.DataFrame
    edges: pd.DataFrame


def _check(raw: dict) -> None:
    """Raise C360DataError for a table without a column resolution needs."""
    for table, columns in REQUIRED.items():
        if table not in raw:
            continue
        missing = [c for c in columns if c not in raw[table].columns]
        if missing:
            raise C360DataError(table, [Problem(c, "is missing (identity resolution reads it)",
                                                f"add a column named '{c}' to {table}, empty "
                                                "where unknown (see data/README.md)")
                                        for c in missing])



def _text_column(df: pd.DataFrame, name: str | None) -> np.ndarray:
    if name is None:
        return np.full(len(df), None, dtype=object)
    return df[name].astype("str").to_numpy(dtype=object, na_value=None)


def _records(raw: dict) -> pd.DataFrame:
    """One row per person record of every table (web: per browser; referrals: two roles)."""
    parts = []
    for table in TABLES:
        if table not in raw:
            continue
        df = raw[table]
        if table in _PERSON:
            rid, name, phone, email, province = _PERSON[table]
            parts.append({"table": table, "record_id": _text_column(df, rid), "role": "record",
                          "raw_name": _text_column(df, name), "raw_phone": _text_column(df, phone),
                          "raw_email": _text_column(df, email),
                          "raw_province": _text_column(df, province)})
        elif table == "web_events":
            web = pd.DataFrame({"record_id": df["anonymous_id"].astype("str"),
                                "raw_email": df["email"].astype("str")})
            first = web.groupby("record_id", sort=False)["raw_email"].first()   # first given
            parts.append({"table": table, "record_id": first.index.to_numpy(), "role": "visitor",
                          "raw_email": first.to_numpy(dtype=object, na_value=None)})
        elif table == "referrals":
            ids = _text_column(df, "referral_id")
            parts.append({"table": table, "record_id": ids, "role": "referrer",
                          "raw_phone": _text_column(df, "referrer_phone")})
            parts.append({"table": table, "record_id": ids, "role": "referred",
                          "raw_name": _text_column(df, "referred_name"),
                          "raw_phone": _text_column(df, "referred_phone")})
    columns = ["table", "record_id", "role", "raw_name", "raw_phone", "raw_email", "raw_province"]
    frames = [pd.DataFrame(p).reindex(columns=columns) for p in parts]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    return pd.concat(frames, ignore_index=True).astype("str")


def _normalised(rec: pd.DataFrame, raw: dict) -> pd.DataFrame:
    """The records with their normalised phone, e-mail, name, name key and province."""
    phones = normalize_phone(rec["raw_phone"])
    emails = normalize_email(rec["raw_email"])
    out = pd.concat([rec, phones, emails], axis=1)
    out["name"] = normalize_name(rec["raw_name"])
    out["name_key"] = name_key(rec["raw_name"])
    out["province"] = normalize_province(rec["raw_province"])
    # a B2B order whose buyer is the company: the name is a company's, not a person's
    companies = set()
    if "crm_contacts" in raw:
        companies = set(name_key(raw["crm_contacts"]["company"]).dropna())
    out["is_company"] = out["name_key"].isin(companies)
    return out


def _star(nodes: np.ndarray, keys, rule: str) -> pd.DataFrame:
    """Edges joining every node to the first node with the same key."""
    df = pd.DataFrame({"b": nodes, "evidence": keys}).dropna()
    df["a"] = df.groupby("evidence", sort=False)["b"].transform("min")
    df = df[df["a"] != df["b"]]
    return df.assign(rule=rule)[["a", "b", "rule", "evidence"]]


def _lookup(rec: pd.DataFrame, table: str, role: str = "record") -> pd.Series:
    """record_id -> node of one table's records."""
    sel = rec[(rec["table"] == table) & (rec["role"] == role)]
    return pd.Series(sel.index.to_numpy(), index=sel["record_id"].to_numpy())


def _pairs(a_nodes, b_nodes, evidence, rule: str) -> pd.DataFrame:
    df = pd.DataFrame({"a": a_nodes, "b": b_nodes, "evidence": evidence}).dropna()
    return df.assign(a=df["a"].astype("int64"), b=df["b"].astype("int64"), rule=rule)[
        ["a", "b", "rule", "evidence"]]


def _strong_edges(rec: pd.DataFrame, raw: dict) -> list[pd.DataFrame]:
    """Edges of the rules that are safe on their own: identifiers and references."""
    nodes = rec.index.to_numpy()
    personal = rec["phone_kind"].isin(["mobile", "foreign"])
    edges = [_star(nodes, rec["phone"].where(personal), "mobile")]
    emails = rec[["email"]].assign(node=nodes)
    if "web_events" in raw:        # a browser gives its e-mail on some events, not all
        web = raw["web_events"]
        seen = pd.DataFrame({"record_id": web["anonymous_id"].astype("str"),
                             "email": normalize_email(web["email"])["email"]}).dropna()
        seen = seen.drop_duplicates()
        seen["node"] = seen["record_id"].map(_lookup(rec, "web_events", "visitor"))
        emails = pd.concat([emails, seen[["email", "node"]]], ignore_index=True)
        emails = emails.sort_values("node", kind="stable")
    edges.append(_star(emails["node"].to_numpy(), emails["email"].to_numpy(), "email"))
    if {"shop_orders", "deals", "crm_contacts"} <= set(raw):
        orders, deals = raw["shop_orders"], raw["deals"]
        contact = orders["deal_id"].map(pd.Series(deals["contact_id"].to_numpy(),
                                                  index=deals["deal_id"].to_numpy()))
        edges.append(_pairs(orders["order_id"].map(_lookup(rec, "shop_orders")),
                            contact.map(_lookup(rec, "crm_contacts")),
                            orders["deal_id"] + " → " + contact, "deal_id"))
    if {"tickets", "shop_orders"} <= set(raw):
        t = raw["tickets"]
        edges.append(_pairs(t["ticket_id"].map(_lookup(rec, "tickets")),
                            t["order_id"].map(_lookup(rec, "shop_orders")), t["order_id"],
                            "order_id"))
    if {"referrals", "crm_contacts"} <= set(raw):
        r, crm = raw["referrals"], raw["crm_contacts"]
        code = crm["referral_code"].str.strip().str.upper()
        owner = pd.Series(crm["contact_id"].to_numpy(), index=code.to_numpy())
        owner = owner[owner.index.notna() & ~owner.index.duplicated()]
        used = r["referrer_code"].str.strip().str.upper()
        edges.append(_pairs(r["referral_id"].map(_lookup(rec, "referrals", "referrer")),
                            used.map(owner).map(_lookup(rec, "crm_contacts")), used,
                            "referral_code"))
    if "inbox_messages" in raw:
        m = raw["inbox_messages"]
        edges.append(_star(m["message_id"].map(_lookup(rec, "inbox_messages")).to_numpy(),
                           m["conversation_id"].to_numpy(), "conversation"))
    return edges


def _components(n: int, edges: pd.DataFrame) -> np.ndarray:
    """Connected components (union-find, vectorised): each node's label is the smallest node
    of its component."""
    parent = np.arange(n)
    a, b = edges["a"].to_numpy(np.int64), edges["b"].to_numpy(np.int64)
    while True:
        pa, pb = parent[a], parent[b]
        if (pa == pb).all():
            return parent
        np.minimum.at(parent, np.maximum(pa, pb), np.minimum(pa, pb))
        while True:                                  # pointer jumping: point to the root
            grand = parent[parent]
            if (grand == parent).all():
                break
            parent = grand


def _agree(x: pd.Series, y: pd.Series) -> np.ndarray:
    """Whether two columns of name keys agree (rapidfuzz token-set similarity), per row."""
    from rapidfuzz import fuzz

    pairs = pd.DataFrame({"x": x.to_numpy(), "y": y.to_numpy()})
    distinct = pairs.drop_duplicates()
    score = [fuzz.token_set_ratio(p, q) for p, q in zip(distinct["x"], distinct["y"])]
    ok = distinct.assign(ok=np.array(score) >= NAME_AGREEMENT)
    return pairs.merge(ok, on=["x", "y"], how="left")["ok"].to_numpy(bool)


def _landline_edges(rec: pd.DataFrame, label: np.ndarray) -> pd.DataFrame:
    """A shared landline joins two customers only when their names agree.

    The names compared are all the person names each customer has so far. A one-word name
    ("Đức") agrees with many people, so such a match counts only when it is the only one.
    """
    on_line = rec[rec["phone_kind"] == "landline"]
    line = pd.DataFrame({"landline": on_line["phone"], "comp": label[on_line.index],
                         "node": on_line.index})
    line = line.groupby(["landline", "comp"], sort=False)["node"].min().reset_index()
    named = rec[rec["name_key"].notna() & ~rec["is_company"]]
    names = pd.DataFrame({"comp": label[named.index], "key": named["name_key"]}).drop_duplicates()
    cand = line.merge(names, on="comp")
    pairs = cand.merge(cand, on="landline", suffixes=("_x", "_y"))
    pairs = pairs[pairs["comp_x"] < pairs["comp_y"]]
    if pairs.empty:
        return pd.DataFrame(columns=["a", "b", "rule", "evidence"])
    pairs = pairs[_agree(pairs["key_x"], pairs["key_y"])]
    pairs = pairs.assign(weak=(~pairs["key_x"].str.contains(" ")) | (~pairs["key_y"].str.contains(" ")))
    pairs = pairs.sort_values("weak", kind="stable")          # a strong match explains best
    comp_pairs = pairs.groupby(["landline", "comp_x", "comp_y"], sort=False).agg(
        weak=("weak", "all"), key_x=("key_x", "first"), key_y=("key_y", "first"),
        node_x=("node_x", "first"), node_y=("node_y", "first")).reset_index()
    both = pd.concat([comp_pairs[["landline", "comp_x"]].set_axis(["landline", "comp"], axis=1),
                      comp_pairs[["landline", "comp_y"]].set_axis(["landline", "comp"], axis=1)])
    partners = both.value_counts()
    n_x = partners.reindex(pd.MultiIndex.from_frame(comp_pairs[["landline", "comp_x"]])).to_numpy()
    n_y = partners.reindex(pd.MultiIndex.from_frame(comp_pairs[["landline", "comp_y"]])).to_numpy()
    keep = comp_pairs[~comp_pairs["weak"] | ((n_x == 1) & (n_y == 1))]
    return pd.DataFrame({"a": keep["node_x"].to_numpy(np.int64),
                         "b": keep["node_y"].to_numpy(np.int64), "rule": "landline+name",
                         "evidence": (keep["landline"] + ": " + keep["key_x"] + " ~ "
                                      + keep["key_y"]).to_numpy(dtype=object)})


def _company_edges(rec: pd.DataFrame, label: np.ndarray, raw: dict) -> pd.DataFrame:
    """Records alone so far whose buyer name is a company with one known contact person."""
    if "crm_contacts" not in raw:
        return pd.DataFrame(columns=["a", "b", "rule", "evidence"])
    size = np.bincount(label, minlength=len(label))
    alone = rec[rec["is_company"] & (size[label] == 1)]
    crm = rec[rec["table"] == "crm_contacts"]
    company = name_key(raw["crm_contacts"]["company"]).to_numpy()
    owners = pd.DataFrame({"key": company, "comp": label[crm.index], "node": crm.index})
    owners = owners.dropna().groupby("key").agg(n=("comp", "nunique"), node=("node", "min"))
    owners = owners[owners["n"] == 1]["node"]
    target = alone["name_key"].map(owners)
    return _pairs(alone.index.to_numpy(), target.to_numpy(), alone["name"].to_numpy(),
                  "company")


def _name_province_edges(rec: pd.DataFrame, label: np.ndarray) -> pd.DataFrame:
    """Records without phone or e-mail, alone so far: join them to the one customer with the
    same full name (two words or more) in the same province."""
    size = np.bincount(label, minlength=len(label))
    full = rec["name_key"].str.contains(" ", regex=False).fillna(False).astype(bool)
    usable = rec[full & rec["province"].notna() & ~rec["is_company"]]
    alone = usable[(size[label[usable.index]] == 1) & usable["phone"].isna()
                   & usable["email"].isna()]
    known = pd.DataFrame({"key": usable["name_key"], "province": usable["province"],
                          "comp": label[usable.index], "node": usable.index})
    known = known[~known["node"].isin(alone.index)]
    owners = known.groupby(["key", "province"]).agg(n=("comp", "nunique"), node=("node", "min"))
    owners = owners[owners["n"] == 1]["node"]
    idx = pd.MultiIndex.from_frame(alone[["name_key", "province"]])
    target = owners.reindex(idx).to_numpy()
    return _pairs(alone.index.to_numpy(), target, (alone["name_key"] + ", " + alone["province"])
                  .to_numpy(), "name+province")


def resolve(raw: dict) -> Resolution:
    """Link every person record of the raw exports into customers with one ``customer_id``.

    Rules, applied in this order (``RULES``): the same mobile (E.164), the same e-mail, the
    references between systems (order → deal → CRM contact, ticket → order, referral code →
    CRM contact, the messages of one inbox conversation); then, between the groups these
    make, a shared landline only when the names agree; a B2B buyer written as a company with a
    single known contact; and, for records with neither phone nor e-mail, the same full name
    in the same province when only one customer has it. Groups are connected components of
    the links (union-find), so a record joins a customer through any chain of rules.

    Parameters
    ----------
    raw : dict of str -> DataFrame
        The raw tables as ``datasets.load_raw()`` returns them: all twelve, or only some
        (tables that are not there are skipped). Never changed.

    Returns
    -------
    Resolution
        ``customers`` (customer_id, full_name, phone, email, province, segment,
        segment_source, company, sources, n_sources, n_records, n_orders), ``links`` (table,
        record_id, role, customer_id, rule: one row per record of every person-bearing table;
        web_events per browser ``anonymous_id``, referrals a referrer and a referred row),
        ``records`` (the normalised fields the rules compared) and ``edges`` (every link
        found, with its rule and evidence).

    Raises
    ------
    C360DataError
        When a table lacks a column resolution reads.

    Examples
    --------
    >>> crm = pd.DataFrame({"contact_id": ["CRM-1", "CRM-2"], "full_name": ["Lê Văn An", "Hà Thu"],
    ...     "phone": ["0168 123 4567", "028 3822 1234"], "email": [None, None],
    ...     "company": [None, None], "customer_type": [None, None],
    ...     "province": ["TP.HCM", None], "referral_code": [None, None]})
    >>> orders = pd.DataFrame({"order_id": ["OD-1", "OD-2"], "buyer_name": ["AN LE", "Anh Tú"],
    ...     "buyer_phone": ["+84381234567", "02838221234"], "buyer_email": [None, None],
    ...     "province": [None, None], "deal_id": [None, None]})
    >>> res = resolve({"crm_contacts": crm, "shop_orders": orders})
    >>> res.links[["record_id", "customer_id", "rule"]]
      record_id customer_id    rule
    0     CRM-1     C000001  mobile
    1     CRM-2     C000002     own
    2      OD-1     C000001  mobile
    3      OD-2     C000003     own

    Source: 001 §4.2 (one customer ID, no duplicate profiles), 002 step 6, 004 (audit trail).
    """
    _check(raw)
    rec = _normalised(_records(raw), raw)
    n = len(rec)
    if n == 0:
        return _empty()
    edges = pd.concat(_strong_edges(rec, raw), ignore_index=True)
    label = _components(n, edges)
    for rule in (_landline_edges, _company_edges, _name_province_edges):
        more = rule(rec, label, raw) if rule is _company_edges else rule(rec, label)
        if len(more):
            edges = pd.concat([edges, more], ignore_index=True)
            label = _components(n, edges)
    edges = edges.astype({"a": "int64", "b": "int64", "rule": "str", "evidence": "str"})
    return _assemble(rec, label, edges, raw)


def _empty() -> Resolution:
    """The resolution of tables without any person record."""
    text = lambda *cols: pd.DataFrame({c: pd.Series(dtype="str") for c in cols})  # noqa: E731
    customers = text("customer_id", "full_name", "phone", "email", "province", "segment",
                     "segment_source", "company", "sources").assign(
        n_sources=pd.Series(dtype="int64"), n_records=pd.Series(dtype="int64"),
        n_orders=pd.Series(dtype="int64"))
    customers = customers[["customer_id", "full_name", "phone", "email", "province", "segment",
                           "company", "segment_source", "sources", "n_sources", "n_records",
                           "n_orders"]]
    edges = text("rule", "evidence").assign(a=pd.Series(dtype="int64"),
                                            b=pd.Series(dtype="int64"))
    return Resolution(customers, text("table", "record_id", "role", "customer_id", "rule"),
                      text("table", "record_id", "role"), edges[["a", "b", "rule", "evidence"]])


_RULE_ORDER = {rule: i for i, rule in enumerate(RULES)}
#: words of a company name that tell its segment, checked in this order (folded)
_SEGMENT_WORDS = (
    ("restaurant_hotel", ("nha hang", "khach san", "resort", "homestay", "bistro", "quan lau",
                          "quan nuong", "hotel", "restaurant")),
    ("cafe", ("ca phe", "cafe", "coffee", "tiem", "roastery", "quan", "the ")),
    ("office", ("cong ty", "tnhh", "co phan", "jsc", "company", "corp", "group")),
)


def segment_from_company(company) -> str | None:
    """A segment guessed from a company name when the CRM does not give one.

    >>> segment_from_company("Khách sạn Hoàng Gia"), segment_from_company("Cà Phê Mộc Lan")
    ('restaurant_hotel', 'cafe')
    """
    key = _one_key(company)
    if key is None:
        return None
    for segment, words in _SEGMENT_WORDS:
        if any(f" {w}" in f" {key}" for w in words):
            return segment
    return None


def _one_company(value) -> str | None:
    """A company name as written, in NFC with single spaces."""
    text = _text(value)
    return " ".join(unicodedata.normalize("NFC", text).split()) or None if text else None


def _mode(df: pd.DataFrame, column: str, *, by: list[str] | None = None) -> pd.Series:
    """Per customer, the most frequent value of ``column`` (ties: first by ``by``, then value)."""
    d = df[df[column].notna()]
    counts = d.groupby(["customer_id", column], sort=False).size().rename("n").reset_index()
    keys = ["customer_id"] + (by or []) + ["n", column]
    if by:
        extra = d.groupby(["customer_id", column], sort=False)[by].max().reset_index()
        counts = counts.merge(extra, on=["customer_id", column])
    asc = [True] + [False] * (len(keys) - 2) + [True]
    best = counts.sort_values(keys, ascending=asc, kind="stable").drop_duplicates("customer_id")
    return best.set_index("customer_id")[column]


def _assemble(rec: pd.DataFrame, label: np.ndarray, edges: pd.DataFrame, raw: dict
              ) -> Resolution:
    """Number the customers, pick each one's best fields and write the link table."""
    n = len(rec)
    size = np.bincount(label, minlength=n)
    anonymous = ((rec["table"] == "web_events") & (size[label] == 1)
                 & rec["email"].isna()).to_numpy() if n else np.zeros(0, bool)
    roots = np.unique(label[~anonymous])                  # smallest node first: CRM, then ...
    width = max(6, len(str(len(roots))))
    ids = np.char.add("C", np.char.zfill(np.arange(1, len(roots) + 1).astype(str), width))
    number = np.full(n, -1)
    number[roots] = np.arange(len(roots))
    cid = np.where(anonymous, None, ids.astype(object)[number[label]] if n else [])
    rank = np.full(n, len(RULES))
    for col in ("a", "b"):
        np.minimum.at(rank, edges[col].to_numpy(np.int64),
                      edges["rule"].map(_RULE_ORDER).to_numpy(np.int64))
    names = np.array(list(RULES) + ["own"], dtype=object)
    rule = np.where(anonymous, "anonymous", names[rank])
    links = pd.DataFrame({"table": rec["table"], "record_id": rec["record_id"],
                          "role": rec["role"], "customer_id": cid, "rule": rule}).astype("str")
    records = rec.assign(customer_id=links["customer_id"],
                         identifiable=_identifiable(rec, edges))
    return Resolution(_customers(records, raw), links, records, edges)


def _identifiable(rec: pd.DataFrame, edges: pd.DataFrame) -> np.ndarray:
    """Records that carry something to link them by: a usable phone or e-mail, a reference to
    another system's record (deal, order, referral code), or a message of a conversation in
    which the customer gave a phone. The others (a browser that never filled a form, a chat
    with a display name only) cannot be linked by any identifier."""
    ok = (rec["phone"].notna() | rec["email"].notna()).to_numpy(bool, copy=True)
    refs = edges[edges["rule"].isin(["deal_id", "order_id", "referral_code"])]
    ok[refs["a"].to_numpy(np.int64)] = ok[refs["b"].to_numpy(np.int64)] = True
    conv = edges[edges["rule"] == "conversation"]
    first = np.arange(len(rec))
    first[conv["b"].to_numpy(np.int64)] = conv["a"].to_numpy(np.int64)
    any_ok = np.zeros(len(rec), bool)
    np.logical_or.at(any_ok, first, ok)
    return ok | any_ok[first]


def _customers(rec: pd.DataFrame, raw: dict) -> pd.DataFrame:
    """One row per customer with its canonical fields."""
    rec = rec[rec["customer_id"].notna()]
    ids = pd.Index(pd.unique(rec["customer_id"]), name="customer_id").sort_values()
    person = rec[~rec["is_company"]].assign(
        full=rec["name_key"].str.contains(" ", regex=False).fillna(False).astype(int),
        marks=(rec["name_key"] != rec["name"].str.lower()).astype(int),
        crm=(rec["table"] == "crm_contacts").astype(int))
    out = pd.DataFrame(index=ids)
    out["full_name"] = _mode(person, "name", by=["full", "marks", "crm"])
    out["phone"] = _mode(rec.assign(mob=(rec["phone_kind"] == "mobile").astype(int)), "phone",
                         by=["mob"])
    out["email"] = _mode(rec, "email")
    out["province"] = _mode(rec, "province")
    crm_rows = rec[rec["table"] == "crm_contacts"]
    if "crm_contacts" in raw and len(crm_rows):
        crm = raw["crm_contacts"].set_index("contact_id")
        info = crm_rows[["customer_id", "record_id"]].assign(
            segment=crm["customer_type"].reindex(crm_rows["record_id"]).to_numpy(),
            company=crm["company"].map(_one_company, na_action="ignore")
            .reindex(crm_rows["record_id"]).to_numpy())
        out["segment"] = _mode(info, "segment")
        out["company"] = _mode(info, "company")
    else:
        out["segment"] = out["company"] = pd.NA
    bought = rec[rec["is_company"]]
    out["company"] = out["company"].fillna(_mode(bought.assign(
        name=bought["raw_name"].map(_one_company, na_action="ignore")), "name"))
    guess = out["company"].map(segment_from_company)
    out["segment_source"] = np.where(out["segment"].notna(), "crm",
                                     np.where(guess.notna(), "company_name", "default"))
    out["segment"] = out["segment"].fillna(guess).fillna("household")
    order = {t: i for i, t in enumerate(TABLES)}
    seen = rec[["customer_id", "table"]].drop_duplicates()
    seen = seen.assign(_o=seen["table"].map(order)).sort_values(["customer_id", "_o"])
    out["sources"] = seen.groupby("customer_id")["table"].agg(", ".join)
    out["n_sources"] = seen.groupby("customer_id").size()
    out["n_records"] = rec.groupby("customer_id").size()
    out["n_orders"] = rec[rec["table"] == "shop_orders"].groupby("customer_id").size()
    out = out.reset_index()
    out = out.astype({c: "str" for c in ("customer_id", "full_name", "phone", "email", "province",
                                        "segment", "segment_source", "company", "sources")})
    return out.astype({c: "int64" for c in ("n_sources", "n_records")}).assign(
        n_orders=out["n_orders"].fillna(0).astype("int64"))


# == grading and explaining ======================================================================

def pair_scores(links: pd.DataFrame, answer_links: pd.DataFrame) -> pd.Series:
    """Precision and recall of a link table, counted on PAIRS of records.

    A pair of records is *predicted* when both have the same ``customer_id`` and *true* when
    the answer key gives both the same ``person_id``; records without a customer id count
    alone. Only records present in both tables are counted.

    Parameters
    ----------
    links : DataFrame
        table, record_id, role, customer_id (as ``resolve(...).links``).
    answer_links : DataFrame
        table, record_id, role, person_id (``data/answer_key/record_links.csv``).

    Returns
    -------
    Series
        ``precision``, ``recall``, ``true_pairs``, ``predicted_pairs``, ``correct_pairs`` and
        ``records``.

    Examples
    --------
    >>> links = pd.DataFrame({"table": "t", "record_id": ["1", "2", "3"], "role": "record",
    ...                       "customer_id": ["C1", "C1", "C2"]})
    >>> truth = links.drop(columns="customer_id").assign(person_id=["P1", "P1", "P1"])
    >>> pair_scores(links, truth)[["precision", "recall"]].tolist()
    [1.0, 0.3333333333333333]

    Source: 004 (measure data quality), 001 §4.2.
    """
    key = ["table", "record_id", "role"]
    both = links[key + ["customer_id"]].merge(answer_links[key + ["person_id"]], on=key)
    alone = both["customer_id"].isna()
    both["customer_id"] = both["customer_id"].astype(object).where(
        ~alone, "~" + both.index.astype(str))

    def pairs(columns) -> int:
        n = both.groupby(columns, sort=False).size().to_numpy(np.int64)
        return int((n * (n - 1) // 2).sum())

    true, predicted = pairs(["person_id"]), pairs(["customer_id"])
    correct = pairs(["person_id", "customer_id"])
    return pd.Series({"precision": correct / predicted if predicted else 1.0,
                      "recall": correct / true if true else 1.0,
                      "true_pairs": true, "predicted_pairs": predicted,
                      "correct_pairs": correct, "records": len(both)})


def exact_phone_links(raw: dict) -> pd.DataFrame:
    """The naive baseline: records are one customer when their RAW phone strings are equal.

    Same record set and columns as ``resolve(raw).links`` (rule ``raw_phone`` or ``own``);
    shows how little matching unnormalised phones finds.

    >>> orders = pd.DataFrame({"order_id": ["OD-1", "OD-2", "OD-3"], "buyer_name": None,
    ...     "buyer_phone": ["0912345678", "0912 345 678", "0912345678"], "buyer_email": None,
    ...     "province": None, "deal_id": None})
    >>> exact_phone_links({"shop_orders": orders})["customer_id"].tolist()
    ['C000001', 'C000002', 'C000001']

    Source: 001 §4.2 (why the ID must be standardised first).
    """
    _check(raw)
    rec = _records(raw)
    phone = rec["raw_phone"].where(rec["raw_phone"].str.len() > 0)
    edges = _star(rec.index.to_numpy(), phone.to_numpy(), "raw_phone")
    label = _components(len(rec), edges)
    _, number = np.unique(label, return_inverse=True)
    ids = np.char.add("C", np.char.zfill((number + 1).astype(str), 6))
    linked = np.zeros(len(rec), bool)
    linked[edges["a"].to_numpy(np.int64)] = linked[edges["b"].to_numpy(np.int64)] = True
    return pd.DataFrame({"table": rec["table"], "record_id": rec["record_id"],
                         "role": rec["role"], "customer_id": ids,
                         "rule": np.where(linked, "raw_phone", "own")}).astype("str")


def explain(resolution: Resolution, first, second) -> pd.DataFrame:
    """Why two records are the same customer: the chain of links from one to the other.

    Parameters
    ----------
    resolution : Resolution
        What ``resolve`` returned.
    first, second : tuple
        ``(table, record_id)`` or ``(table, record_id, role)``, as in the link table (web
        events by ``anonymous_id``; referrals need the role ``referrer`` or ``referred``).

    Returns
    -------
    DataFrame
        One row per step: ``from_table``, ``from_id``, ``rule``, ``evidence``, ``to_table``,
        ``to_id``, ``meaning``. Empty when the two records are different customers.

    Raises
    ------
    KeyError
        When a record is not in the resolution.

    Examples
    --------
    >>> crm = pd.DataFrame({"contact_id": ["CRM-1"], "full_name": ["Lê Văn An"],
    ...     "phone": ["0168 123 4567"], "email": ["an@gmail.com"], "company": [None],
    ...     "customer_type": [None], "province": [None], "referral_code": [None]})
    >>> orders = pd.DataFrame({"order_id": ["OD-1"], "buyer_name": ["An"],
    ...     "buyer_phone": ["+84381234567"], "buyer_email": [None], "province": [None],
    ...     "deal_id": [None]})
    >>> explain(resolve({"crm_contacts": crm, "shop_orders": orders}),
    ...         ("shop_orders", "OD-1"), ("crm_contacts", "CRM-1"))[["from_id", "rule", "evidence", "to_id"]]
      from_id    rule      evidence  to_id
    0    OD-1  mobile  +84381234567  CRM-1

    Source: 004 (an audit trail for every link).
    """
    rec = resolution.records
    a, b = _node(rec, first), _node(rec, second)
    columns = ["from_table", "from_id", "rule", "evidence", "to_table", "to_id", "meaning"]
    same = rec.at[a, "customer_id"]
    if pd.isna(same) or same != rec.at[b, "customer_id"]:
        return pd.DataFrame(columns=columns)
    members = set(rec.index[rec["customer_id"] == same])
    e = resolution.edges
    e = e[e["a"].isin(members)]
    adjacent: dict[int, list] = {}
    for x, y, rule, evidence in e[["a", "b", "rule", "evidence"]].itertuples(index=False):
        adjacent.setdefault(x, []).append((y, rule, evidence))
        adjacent.setdefault(y, []).append((x, rule, evidence))
    came = {a: None}
    todo = deque([a])
    while todo and b not in came:          # breadth first: the shortest chain of links
        x = todo.popleft()
        for y, rule, evidence in adjacent.get(x, []):
            if y not in came:
                came[y] = (x, rule, evidence)
                todo.append(y)
    steps = []
    while came.get(b) is not None:
        x, rule, evidence = came[b]
        steps.append((rec.at[x, "table"], rec.at[x, "record_id"], rule, evidence,
                      rec.at[b, "table"], rec.at[b, "record_id"], RULES[rule]))
        b = x
    return pd.DataFrame(steps[::-1], columns=columns)


def _node(rec: pd.DataFrame, ref) -> int:
    table, record_id, *role = ref
    hit = (rec["table"] == table) & (rec["record_id"] == str(record_id))
    if role:
        hit &= rec["role"] == role[0]
    found = rec.index[hit]
    if len(found) == 0:
        raise KeyError(f"no record {tuple(ref)!r} in the resolution: give (table, record_id) as "
                       "in the link table, e.g. ('shop_orders', 'OD-00000001')")
    return int(found[0])


# -- data quality of step 2 (004) ------------------------------------------------------------------
# The Minimum Data Set, lead response time against an SLA, and the touchpoint chain: how well
# the data of every lead and customer supports acting on it (001 §4.2; 004: data standards,
# validation at source, audit trail).

__all__ += ["MDS_FIELDS", "SLA_MINUTES", "TOUCHPOINT_CHAIN", "mds_completeness",
            "response_times", "touchpoint_coverage"]

#: The Minimum Data Set of 001 §4.2 (bộ trường dữ liệu tối thiểu), in the source's order:
#: field -> (table, column) where Phin & Co. keeps it. A field is filled when it is not blank;
#: ``decision_timeframe`` "unknown" counts as not filled.
MDS_FIELDS = {
    "lead source": ("crm_contacts", "lead_source"),
    "need": ("crm_contacts", "need"),
    "product of interest": ("deals", "product_interest"),
    "expected budget": ("deals", "budget_vnd"),
    "decision timeframe": ("deals", "decision_timeframe"),
    "main barrier": ("crm_contacts", "main_barrier"),
    "care status": ("crm_contacts", "care_status"),
}
#: values that mean "not filled in" although the cell is not blank
_NOT_FILLED = {"unknown", "không rõ", "khong ro", "n/a", "-"}

#: Default first-response SLA for inbound messages and calls, in minutes. 001 §4.2 asks that
#: every lead have a response SLA but gives no number; 15 minutes is the bar of Facebook's
#: "Very responsive to messages" Page badge (90% of messages answered within 15 minutes), and
#: Oldroyd, McElheran & Elkington ("The Short Life of Online Sales Leads", HBR, March 2011)
#: found leads contacted within an hour about seven times as likely to qualify as later ones.
#: Set your own with ``sla_minutes=``.
SLA_MINUTES = 15

#: The mandatory touchpoint chain of 001 §4.2, in order: link -> what counts as data for it.
TOUCHPOINT_CHAIN = {
    "ads / SEO": "where the customer came from is recorded: a CRM lead source, or a website "
                 "visit with a campaign source (utm_source)",
    "website": "at least one website event of theirs is linked to them",
    "form / inbox / call": "they left their details: a web form, an inbox message or hotline "
                           "call, or a CRM lead record",
    "consultation": "a deal of theirs reached the consultation stage",
    "quote": "a deal of theirs received a quote",
    "payment": "at least one completed order",
    "care": "a care contact after buying: a support ticket, a survey answer, or a care "
            "message (post-purchase guide, satisfaction survey)",
    "repurchase": "two or more completed orders",
}
_CARE_TRIGGERS = ("post_purchase_guide", "satisfaction_survey")


def _filled(values: pd.Series) -> pd.Series:
    """True where a value is given: not missing, not blank, not "unknown"."""
    text = values.astype("str").str.strip().str.lower()
    return values.notna() & (text != "") & ~text.isin(_NOT_FILLED)


def mds_completeness(crm_contacts: pd.DataFrame, deals: pd.DataFrame, *,
                     by: str = "lead_source") -> pd.DataFrame:
    """Share of records with each Minimum-Data-Set field filled, overall and per lead source.

    Each field is judged in the table that holds it (``MDS_FIELDS``): the CRM's fields on its
    contacts, the deal fields on the deals, each deal taking the lead source of its contact.
    Blank cells and "unknown" count as not filled.

    Parameters
    ----------
    crm_contacts : DataFrame
        ``contact_id``, the ``by`` column and the CRM's MDS columns (``lead_source``, ``need``,
        ``main_barrier``, ``care_status``).
    deals : DataFrame
        ``contact_id`` and the deal MDS columns (``product_interest``, ``budget_vnd``,
        ``decision_timeframe``).
    by : str, default "lead_source"
        The CRM column to split by; a blank value is grouped as ``"unknown"``.

    Returns
    -------
    DataFrame
        One row per MDS field (index ``field``, in the source's order); columns ``table`` and
        ``column`` (where the field lives), ``records`` (how many records were judged),
        ``all`` (share filled, 0–1) and one share column per value of ``by``, most contacts
        first. A group without records of that table shows NaN.

    Examples
    --------
    >>> crm = pd.DataFrame({"contact_id": ["C1", "C2", "C3"],
    ...     "lead_source": ["seo", "seo", "referral"], "need": ["máy pha", None, "hạt"],
    ...     "main_barrier": [None, None, "giá cao"], "care_status": ["new", "new", "customer"]})
    >>> deals = pd.DataFrame({"contact_id": ["C1", "C3"], "product_interest": ["equipment", "beans"],
    ...     "budget_vnd": [None, 5_000_000], "decision_timeframe": ["unknown", "now"]})
    >>> mds_completeness(crm, deals)[["all", "seo", "referral"]].round(2)
                          all  seo  referral
    field
    lead source          1.00  1.0       1.0
    need                 0.67  0.5       1.0
    product of interest  1.00  1.0       1.0
    expected budget      0.50  0.0       1.0
    decision timeframe   0.50  0.0       1.0
    main barrier         0.33  0.0       1.0
    care status          1.00  1.0       1.0

    Source: 001 §4.2 (Minimum Data Set: nguồn lead, nhu cầu, sản phẩm quan tâm, ngân sách dự
    kiến, thời gian ra quyết định, rào cản chính, trạng thái chăm sóc); 004 (standard lead
    fields, validation at source).
    """
    group = crm_contacts[by].astype("str").where(_filled(crm_contacts[by]), "unknown")
    order = list(group.value_counts(sort=True).index)
    order = sorted(order, key=lambda g: (-int((group == g).sum()), g))
    source_of = pd.Series(group.to_numpy(), index=crm_contacts["contact_id"].to_numpy())
    source_of = source_of[~source_of.index.duplicated()]
    frames = {"crm_contacts": (crm_contacts, group),
              "deals": (deals, deals["contact_id"].map(source_of).fillna("unknown"))}
    rows = []
    for field, (table, column) in MDS_FIELDS.items():
        df, groups = frames[table]
        filled = _filled(df[column]) if len(df) else pd.Series(dtype="bool")
        shares = filled.groupby(groups.to_numpy()).mean() if len(df) else pd.Series(dtype=float)
        row = {"field": field, "table": table, "column": column, "records": len(df),
               "all": float(filled.mean()) if len(df) else np.nan}
        row.update({g: float(shares[g]) if g in shares.index else np.nan for g in order})
        rows.append(row)
    out = pd.DataFrame(rows).set_index("field")
    out["records"] = out["records"].astype("int64")
    out.columns.name = None
    return out


def response_times(inbox: pd.DataFrame, *, sla_minutes: float = SLA_MINUTES,
                   by: str = "channel") -> pd.DataFrame:
    """First-response time of inbound conversations against an SLA, per channel and overall.

    A conversation's first response is its ``first_response_minutes`` (the generator and most
    inbox tools write it on the conversation's first message only); messages without it are
    not counted.

    Parameters
    ----------
    inbox : DataFrame
        ``inbox_messages``: ``first_response_minutes`` and the ``by`` column.
    sla_minutes : float, default ``SLA_MINUTES`` (15)
        The promised first-response time.
    by : str, default "channel"

    Returns
    -------
    DataFrame
        One row per value of ``by`` (sorted by name) and a last row ``all``: ``conversations``,
        ``within_sla`` (share answered within ``sla_minutes``, 0–1), ``median_minutes``,
        ``p90_minutes`` (90% are answered within this) and ``slowest_minutes``.

    Examples
    --------
    >>> inbox = pd.DataFrame({"channel": ["zalo_oa", "zalo_oa", "zalo_oa", "hotline"],
    ...                       "first_response_minutes": [5, 40, None, 1]})
    >>> response_times(inbox, sla_minutes=15)[["conversations", "within_sla", "median_minutes"]].round(2)
             conversations  within_sla  median_minutes
    channel
    hotline              1        1.00             1.0
    zalo_oa              2        0.50            22.5
    all                  3        0.67             5.0

    Source: 001 §4.2 (every lead gets an owner, a response SLA and an interaction log); 004
    (response time as a key KPI).
    """
    answered = inbox.loc[inbox["first_response_minutes"].notna(),
                         [by, "first_response_minutes"]]
    minutes = answered["first_response_minutes"].astype("float64")
    parts = {str(k): m for k, m in minutes.groupby(answered[by].astype("str"), sort=True)}
    parts["all"] = minutes
    rows = [{by: name, "conversations": len(m),
             "within_sla": float((m <= sla_minutes).mean()) if len(m) else np.nan,
             "median_minutes": float(m.median()) if len(m) else np.nan,
             "p90_minutes": float(m.quantile(0.9)) if len(m) else np.nan,
             "slowest_minutes": float(m.max()) if len(m) else np.nan}
            for name, m in parts.items()]
    out = pd.DataFrame(rows).set_index(by)
    out["conversations"] = out["conversations"].astype("int64")
    return out


def touchpoint_coverage(clean: dict) -> pd.DataFrame:
    """Per customer, which links of the mandatory touchpoint chain have data.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model (``datasets.load_clean()``): ``customers`` and the raw tables with their
        ``customer_id``. Tables that are missing count as links without data.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` (every customer of ``clean["customers"]``, in order), one
        boolean column per link of ``TOUCHPOINT_CHAIN`` in the chain's order, plus ``segment``.
        ``.mean()`` of a link's column is the share of customers whose data shows it.

    Examples
    --------
    >>> clean = {"customers": pd.DataFrame({"customer_id": ["C1", "C2"],
    ...                                     "segment": ["cafe", "household"]}),
    ...     "shop_orders": pd.DataFrame({"order_id": ["O1", "O2", "O3"],
    ...         "customer_id": ["C1", "C1", "C2"], "status": ["completed"] * 3})}
    >>> touchpoint_coverage(clean)[["payment", "repurchase", "care"]]
                 payment  repurchase   care
    customer_id
    C1              True        True  False
    C2              True       False  False

    Source: 001 §4.2 (quảng cáo/SEO → website/landing → form/inbox/call → tư vấn → báo giá →
    thanh toán → chăm sóc → mua lại: "nếu thiếu mắt xích, hành trình khách hàng bị đứt").
    """
    customers = clean["customers"]
    ids = pd.Index(customers["customer_id"].astype("str"), name="customer_id")

    def who(table: str, mask=None, column: str = "customer_id") -> set:
        df = clean.get(table)
        if df is None or column not in df.columns:
            return set()
        if mask is not None:
            df = df[mask(df).fillna(False).astype(bool)]
        return set(df[column].dropna().astype("str"))

    def has(df, column):
        return df[column].notna() if column in df.columns else pd.Series(False, index=df.index)

    orders = clean.get("shop_orders")
    completed = pd.Series(dtype="int64")
    if orders is not None and "customer_id" in orders.columns:
        done = orders[orders["status"] == "completed"]
        completed = done.groupby(done["customer_id"].astype("str")).size()
    sets = {
        "ads / SEO": who("crm_contacts", lambda d: _filled(d["lead_source"]))
        | who("web_events", lambda d: has(d, "utm_source")),
        "website": who("web_events"),
        "form / inbox / call": who("web_events", lambda d: d["event_type"] == "form_submit")
        | who("inbox_messages") | who("crm_contacts"),
        "consultation": who("deals", lambda d: has(d, "consultation_date")),
        "quote": who("deals", lambda d: has(d, "quote_date")),
        "payment": set(completed.index[completed >= 1]),
        "care": who("tickets") | who("surveys")
        | who("automation_sends", lambda d: d["trigger"].isin(_CARE_TRIGGERS)),
        "repurchase": set(completed.index[completed >= 2]),
    }
    out = pd.DataFrame({link: ids.isin(list(members)) for link, members in sets.items()},
                       index=ids)
    if "segment" in customers.columns:
        out["segment"] = customers["segment"].astype("str").to_numpy()
    return out
