"""Tests of c360lab.identity (step 2) and datasets.load_clean.

Expected values of the normaliser tables are written by hand, from the research note (phones
§1, names §2, provinces §3) and vietnam.TYPO_DOMAINS, not computed by the code under test.
"""

import unicodedata

import numpy as np
import pandas as pd
import pytest
from conftest import SECOND_SEED, sample
from hypothesis import given, settings
from hypothesis import strategies as st

from c360lab import datasets
from c360lab import identity as idt
from c360lab.contract import C360DataError

HCM, HN = "Thành phố Hồ Chí Minh", "Thành phố Hà Nội"

# -- phones -------------------------------------------------------------------------------------

PHONES = [
    # (as typed, E.164, kind)
    ("0912345678", "+84912345678", "mobile"),
    ("0912 345 678", "+84912345678", "mobile"),
    ("091 234 5678", "+84912345678", "mobile"),
    ("0912.345.678", "+84912345678", "mobile"),
    ("090.312.3456", "+84903123456", "mobile"),
    ("0912-345-678", "+84912345678", "mobile"),
    ("+84912345678", "+84912345678", "mobile"),
    ("+84 912 345 678", "+84912345678", "mobile"),
    ("+84 912.345.678", "+84912345678", "mobile"),
    ("84912345678", "+84912345678", "mobile"),
    ("84-903-123-456", "+84903123456", "mobile"),
    ("+84 (0) 912 345 678", "+84912345678", "mobile"),
    ("(+84) 912-345-678", "+84912345678", "mobile"),
    ("+84 0912345678", "+84912345678", "mobile"),
    ("0084912345678", "+84912345678", "mobile"),
    ("912345678", "+84912345678", "mobile"),               # leading 0 lost in Excel
    ("912345678.0", "+84912345678", "mobile"),             # Excel float
    ("0912345678.0", "+84912345678", "mobile"),
    ("9.12345678E+08", "+84912345678", "mobile"),          # Excel scientific notation
    (912345678, "+84912345678", "mobile"),                 # a number, not text
    (912345678.0, "+84912345678", "mobile"),
    ("０９１２３４５６７８", "+84912345678", "mobile"),    # full-width digits
    ("01695678945", "+84395678945", "mobile"),             # pre-2018 Viettel 0169 -> 039
    ("0169.567.8945", "+84395678945", "mobile"),
    ("1695678945", "+84395678945", "mobile"),              # old number, 0 lost
    ("+84 1695678945", "+84395678945", "mobile"),
    ("84 169 567 8945", "+84395678945", "mobile"),
    ("0168.123.4567", "+84381234567", "mobile"),
    ("0120 123 4567", "+84701234567", "mobile"),           # MobiFone 0120 -> 070
    ("0123.456.7890", "+84834567890", "mobile"),           # VinaPhone 0123 -> 083
    ("0188 888 1234", "+84588881234", "mobile"),           # Vietnamobile 0188 -> 058
    ("0199 123 4567", "+84591234567", "mobile"),           # Gmobile 0199 -> 059
    ("zalo: 0987 654 321", "+84987654321", "mobile"),
    ("SĐT 0987654321", "+84987654321", "mobile"),
    ("ĐT: 0987.654.321", "+84987654321", "mobile"),
    ("Tel: +84 987 654 321", "+84987654321", "mobile"),
    ("0912345678 / 0983456789", "+84912345678", "mobile"),  # two numbers: the first
    ("0912345678 - 0983456789 (vợ)", "+84912345678", "mobile"),
    ("028 3822 1234", "+842838221234", "landline"),
    ("(028) 3822-1234", "+842838221234", "landline"),
    ("02838221234", "+842838221234", "landline"),
    ("2838221234", "+842838221234", "landline"),           # landline, 0 lost
    ("(08) 3822 1234", "+842838221234", "landline"),       # HCMC before 2017
    ("(04) 3825 1234", "+842438251234", "landline"),       # Hà Nội before 2017
    ("+84 24 3825 1234", "+842438251234", "landline"),
    ("0236 3822123", "+842363822123", "landline"),         # Đà Nẵng
]
BAD_PHONES = [
    # (as typed, the start of the issue)
    ("", "blank"), (None, "blank"), (float("nan"), "blank"), ("   ", "blank"),
    ("không có", "blank"), ("n/a", "blank"), ("abc", "no digits"), ("123", "too few digits"),
    ("091234567", "not a valid Vietnamese number"),      # 9 digits: one missing
    ("09123456789", "not a valid Vietnamese number"),    # 11 digits: one too many
    ("0891234567", "not a valid Vietnamese number"),     # 0891 is not allocated
    ("19001234", "a service number"),
]


@pytest.mark.parametrize(("raw", "e164", "kind"), PHONES)
def test_normalize_phone(raw, e164, kind):
    assert idt.normalize_phone(raw) == e164
    assert idt.phone_info(raw) == (e164, kind, None)


@pytest.mark.parametrize(("raw", "issue"), BAD_PHONES)
def test_junk_phones_become_missing_with_the_reason(raw, issue):
    info = idt.phone_info(raw)
    assert info.phone is None and info.kind is None
    assert info.issue.startswith(issue)


def test_normalize_phone_on_a_series_keeps_the_index_and_gives_kind_and_issue():
    s = pd.Series(["0912 345 678", None, "028 3822 1234", "abc", "0912 345 678"],
                  index=[10, 11, 12, 13, 14])
    out = idt.normalize_phone(s)
    assert list(out.columns) == ["phone", "phone_kind", "phone_issue"]
    assert out.index.tolist() == [10, 11, 12, 13, 14]
    assert out["phone"].tolist()[::2] == ["+84912345678", "+842838221234", "+84912345678"]
    assert out["phone_kind"].tolist()[::2] == ["mobile", "landline", "mobile"]
    assert out["phone_issue"].tolist()[1::2] == ["blank", "no digits"]
    assert out["phone"].isna().tolist() == [False, True, False, True, False]


# -- e-mails ------------------------------------------------------------------------------------

EMAILS = [
    ("lan@gmail.com", "lan@gmail.com"),
    (" Lan@GMAIL.COM ", "lan@gmail.com"),
    ("LAN@GMAIL.COM", "lan@gmail.com"),
    ("Nguyenvanduc12@gmail.com", "nguyenvanduc12@gmail.com"),
    ("  duc.nv88@gmail.com", "duc.nv88@gmail.com"),
    ("thuhuong.88@yahoo.com.vn  ", "thuhuong.88@yahoo.com.vn"),
    ("nvduc1985@outlook.com", "nvduc1985@outlook.com"),
    ("huong_nguyen@company.com.vn", "huong_nguyen@company.com.vn"),
    ("lan+shop@gmail.com", "lan+shop@gmail.com"),
    ("tonhuuvinh@cophancongnghe.vn", "tonhuuvinh@cophancongnghe.vn"),
    ("lan@gmai.com", "lan@gmail.com"),
    ("lan@gmail.con", "lan@gmail.com"),
    ("lan@gmial.com", "lan@gmail.com"),
    ("lan@gmail.com.vn", "lan@gmail.com"),
    ("lan@gmal.com", "lan@gmail.com"),
    ("LAN@GMAI.COM", "lan@gmail.com"),
    ("lan@yaho.com", "lan@yahoo.com"),
    ("lan@yahoo.con", "lan@yahoo.com"),
    ("lan@yahooo.com", "lan@yahoo.com"),
    ("lan@yahoo.vn", "lan@yahoo.com.vn"),
    ("lan@yaho.com.vn", "lan@yahoo.com.vn"),
    ("lan@outlok.com", "lan@outlook.com"),
    ("lan@outlook.con", "lan@outlook.com"),
    ("lan@hotmial.com", "lan@hotmail.com"),
    ("lan@hotmail.con", "lan@hotmail.com"),
    ("mailto:lan@gmail.com", "lan@gmail.com"),
    ("<lan@gmail.com>", "lan@gmail.com"),
    ("lan @ gmail.com", "lan@gmail.com"),
    ("lan@gmail.com.", "lan@gmail.com"),
    ("lan@gmail.com;", "lan@gmail.com"),
    ("Lan.Nguyen@Gmail.con ", "lan.nguyen@gmail.com"),
]
BAD_EMAILS = [
    ("", "blank"), (None, "blank"), (float("nan"), "blank"), ("-", "blank"),
    ("không có", "blank"), ("lan.gmail.com", "no @"), ("a b c", "no @"),
    ("lan@@gmail.com", "several @"), ("lan@", "not a valid"), ("@gmail.com", "not a valid"),
    ("lan@gmail", "not a valid"), ("lan..x@gmail.com", "not a valid"),
    ("nguyễn@gmail.com", "not a valid"),
]


@pytest.mark.parametrize(("raw", "expected"), EMAILS)
def test_normalize_email(raw, expected):
    assert idt.normalize_email(raw) == expected
    assert idt.email_info(raw) == (expected, None)


@pytest.mark.parametrize(("raw", "issue"), BAD_EMAILS)
def test_junk_emails_become_missing_with_the_reason(raw, issue):
    info = idt.email_info(raw)
    assert info.email is None and info.issue.startswith(issue)


def test_normalize_email_on_a_series():
    out = idt.normalize_email(pd.Series([" A@GMAI.COM", None, "lan"]))
    assert out["email"].tolist()[0] == "a@gmail.com"
    assert out["email"].isna().tolist() == [False, True, True]
    assert out["email_issue"].tolist()[1:] == ["blank", "no @ in the address"]


# -- names --------------------------------------------------------------------------------------

NFD = unicodedata.normalize("NFD", "Nguyễn Văn Đức")
NAMES = [
    # (as typed, normalised, key)
    ("Nguyễn Văn Đức", "Nguyễn Văn Đức", "nguyen van duc"),
    ("NGUYỄN VĂN ĐỨC", "Nguyễn Văn Đức", "nguyen van duc"),
    ("nguyễn văn đức", "Nguyễn Văn Đức", "nguyen van duc"),
    ("NGUYEN VAN DUC", "Nguyen Van Duc", "nguyen van duc"),
    ("Nguyen Van Duc", "Nguyen Van Duc", "nguyen van duc"),
    (NFD, "Nguyễn Văn Đức", "nguyen van duc"),
    ("  Nguyễn   Văn  Đức  ", "Nguyễn Văn Đức", "nguyen van duc"),
    ("Nguyễn\u00a0Văn\tĐức", "Nguyễn Văn Đức", "nguyen van duc"),
    ("Anh Đức", "Đức", "duc"),
    ("anh đức", "Đức", "duc"),
    ("Chị Lan", "Lan", "lan"),
    ("C. Hằng", "Hằng", "hang"),
    ("C Hằng", "Hằng", "hang"),
    ("A. Tuấn", "Tuấn", "tuan"),
    ("A.Tuấn", "Tuấn", "tuan"),
    ("A Tuấn", "Tuấn", "tuan"),
    ("Mr. Đức", "Đức", "duc"),
    ("Ms. Lan", "Lan", "lan"),
    ("Cô Mai", "Mai", "mai"),
    ("Chú Hùng", "Hùng", "hung"),
    ("Em Trang", "Trang", "trang"),
    ("Chị Nguyễn Thị Lan", "Nguyễn Thị Lan", "nguyen thi lan"),
    ("Ông Thị Anh", "Ông Thị Anh", "ong thi anh"),               # Ông the family name
    ("Ông Nguyễn Văn Tùng", "Nguyễn Văn Tùng", "nguyen van tung"),  # Ông = Mr.
    ("mr. john smith", "John Smith", "john smith"),
    ("Anh Nguyễn", "Anh Nguyễn", "anh nguyen"),            # the given name Anh, written first
    ("Anh Nguyễn Thị", "Anh Nguyễn Thị", "anh nguyen thi"),
    ("Anh", "Anh", "anh"),                                  # a name alone is kept
    ("Chị", "Chị", "chi"),
    ("Nguyễn Thị Hoà", "Nguyễn Thị Hòa", "nguyen thi hoa"),  # old tone placement
    ("hoà", "Hòa", "hoa"),
    ("Lê Thuỷ", "Lê Thủy", "le thuy"),
    ("NGUYỄN THỊ THUÝ", "Nguyễn Thị Thúy", "nguyen thi thuy"),
    ("Trần Khoá", "Trần Khóa", "tran khoa"),
    ("Tôn Nữ Hoà Bình", "Tôn Nữ Hòa Bình", "ton nu hoa binh"),
    ("Phạm Quý", "Phạm Quý", "pham quy"),                  # qu + ý: already right
    ("Nguyễn Hoàng Long", "Nguyễn Hoàng Long", "nguyen hoang long"),
    ("Đặng Thùy Dương", "Đặng Thùy Dương", "dang thuy duong"),
    ("ĐẶNG THUỲ DƯƠNG", "Đặng Thùy Dương", "dang thuy duong"),
    ("Đỗ Minh Quân", "Đỗ Minh Quân", "do minh quan"),
    ("Đức Nguyễn", "Đức Nguyễn", "duc nguyen"),            # order is kept
    ("Bùi  Thị  Thu  Hương ", "Bùi Thị Thu Hương", "bui thi thu huong"),
    ("Huỳnh Tấn Phát", "Huỳnh Tấn Phát", "huynh tan phat"),
    ("Trương Thị Mỹ Ngọc", "Trương Thị Mỹ Ngọc", "truong thi my ngoc"),
]
EMPTY_NAMES = ["", "   ", None, float("nan"), "\t\n"]


@pytest.mark.parametrize(("raw", "expected", "key"), NAMES)
def test_normalize_name_and_name_key(raw, expected, key):
    assert idt.normalize_name(raw) == expected
    assert unicodedata.is_normalized("NFC", idt.normalize_name(raw))
    assert idt.name_key(raw) == key


@pytest.mark.parametrize("raw", EMPTY_NAMES)
def test_empty_names_are_missing(raw):
    assert idt.normalize_name(raw) is None and idt.name_key(raw) is None


def test_names_on_a_series():
    s = pd.Series(["chị LAN", None, "Đặng Văn Đức"])
    assert idt.normalize_name(s).tolist()[::2] == ["Lan", "Đặng Văn Đức"]
    assert idt.name_key(s).tolist()[::2] == ["lan", "dang van duc"]
    assert idt.name_key(s).isna().tolist() == [False, True, False]


# -- provinces ----------------------------------------------------------------------------------

PROVINCES = [
    ("TP.HCM", HCM), ("TP. HCM", HCM), ("TPHCM", HCM), ("tp hcm", HCM), ("HCM", HCM),
    ("HCMC", HCM), ("Hồ Chí Minh", HCM), ("Ho Chi Minh", HCM), ("Ho Chi Minh City", HCM),
    ("Sài Gòn", HCM), ("Sai Gon", HCM), ("Saigon", HCM), ("SG", HCM),
    ("Thành phố Hồ Chí Minh", HCM), ("thanh pho ho chi minh", HCM), ("  TP.  Hồ Chí Minh ", HCM),
    ("Bình Dương", HCM), ("Binh Duong", HCM), ("Bà Rịa - Vũng Tàu", HCM), ("Vũng Tàu", HCM),
    ("Hà Nội", HN), ("Ha Noi", HN), ("Hanoi", HN), ("HN", HN), ("TP. Hà Nội", HN),
    ("Thủ đô Hà Nội", HN), ("Thành phố Hà Nội", HN),
    ("Đà Nẵng", "Thành phố Đà Nẵng"), ("Da Nang", "Thành phố Đà Nẵng"),
    ("Quảng Nam", "Thành phố Đà Nẵng"), ("Hải Dương", "Thành phố Hải Phòng"),
    ("Thừa Thiên Huế", "Thành phố Huế"), ("Hue", "Thành phố Huế"),
    ("Tỉnh Gia Lai", "Gia Lai"), ("Bình Định", "Gia Lai"), ("Kon Tum", "Quảng Ngãi"),
    ("Long An", "Tây Ninh"), ("Hà Giang", "Tuyên Quang"), ("Yên Bái", "Lào Cai"),
    ("Bắc Giang", "Bắc Ninh"), ("Cần Thơ", "Thành phố Cần Thơ"),
    ("Sóc Trăng", "Thành phố Cần Thơ"), ("Kiên Giang", "An Giang"), ("Dak Lak", "Đắk Lắk"),
    ("Nha Trang", "Khánh Hòa"), ("Khánh Hoà", "Khánh Hòa"), ("KHANH HOA", "Khánh Hòa"),
]


@pytest.mark.parametrize(("raw", "expected"), PROVINCES)
def test_normalize_province(raw, expected):
    assert idt.normalize_province(raw) == expected


@pytest.mark.parametrize("raw", ["", None, float("nan"), "xyz", "Paris", "ĐN", "DN", 79])
def test_unknown_provinces_are_missing(raw):
    assert idt.normalize_province(raw) is None


def test_provinces_on_a_series():
    out = idt.normalize_province(pd.Series(["Sài Gòn", None, "Quảng Nam"]))
    assert out.tolist()[::2] == [HCM, "Thành phố Đà Nẵng"] and out.isna().tolist()[1]


# -- properties: never raise, idempotent ---------------------------------------------------------

ANYTHING = st.one_of(st.none(), st.text(), st.integers(), st.floats(), st.binary(max_size=20),
                     st.text(alphabet="0123456789 +-.()/:zaloSĐTđ84", max_size=30))
SCALAR_NORMALISERS = [idt.normalize_phone, idt.normalize_email, idt.normalize_name,
                      idt.name_key, idt.normalize_province]


@pytest.mark.parametrize("normalise", SCALAR_NORMALISERS, ids=lambda f: f.__name__)
@settings(max_examples=400, deadline=None)
@given(value=ANYTHING)
def test_normalisers_never_raise_and_are_idempotent(normalise, value):
    once = normalise(value)
    assert once is None or isinstance(once, str)
    assert normalise(once) == once


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.text(max_size=15)), max_size=8))
def test_vectorised_forms_agree_with_the_scalar_ones(values):
    s = pd.Series(values, dtype=object)
    for vector, scalar, column in ((idt.normalize_phone, idt.normalize_phone, "phone"),
                                   (idt.normalize_email, idt.normalize_email, "email"),
                                   (idt.normalize_name, idt.normalize_name, None),
                                   (idt.normalize_province, idt.normalize_province, None)):
        got = vector(s) if column is None else vector(s)[column]
        assert [None if pd.isna(g) else g for g in got] == [scalar(v) for v in values]


# -- resolution on the samples ------------------------------------------------------------------

@pytest.fixture(scope="module", params=[datasets.DEFAULT_SEED, SECOND_SEED],
                ids=["default-sample", "second-seed"])
def resolved(request):
    """(raw tables, answer-key links, resolution): the shipped sample and seed 7."""
    if request.param == datasets.DEFAULT_SEED:
        raw, key = datasets.load_raw(), datasets.load_answer_key()["record_links"]
    else:
        s = sample(SECOND_SEED)
        raw, key = s.raw(), s.answer_key["record_links"]
    return raw, key, idt.resolve(raw)


def test_links_cover_every_record_of_the_answer_key_once(resolved):
    raw, key, res = resolved
    cols = ["table", "record_id", "role"]
    assert not res.links.duplicated(cols).any()
    got = res.links[cols].sort_values(cols).reset_index(drop=True)
    want = key[cols].sort_values(cols).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert set(res.links["rule"]) <= set(idt.RULES)
    assert res.links["customer_id"].isna().eq(res.links["rule"] == "anonymous").all()


def test_resolution_is_precise_and_links_what_can_be_linked(resolved):
    raw, key, res = resolved
    every = idt.pair_scores(res.links, key)
    assert every["precision"] >= 0.99
    # Browsers that never filled a form and chats without a phone carry no identifier: the
    # recall target is on the records that carry one (see identity._identifiable).
    linkable = idt.pair_scores(res.links[res.records["identifiable"].to_numpy()], key)
    assert linkable["precision"] >= 0.99 and linkable["recall"] >= 0.97
    assert every["recall"] >= 0.85


def test_exact_raw_phone_matching_links_at_most_sixty_percent(resolved):
    raw, key, res = resolved
    naive = idt.pair_scores(idt.exact_phone_links(raw), key)
    assert naive["recall"] <= 0.60
    assert naive["recall"] < idt.pair_scores(res.links, key)["recall"]


def test_customers_table(resolved):
    raw, key, res = resolved
    c = res.customers
    assert c["customer_id"].is_unique
    assert c["customer_id"].tolist() == sorted(c["customer_id"])
    assert set(c["customer_id"]) == set(res.links["customer_id"].dropna())
    assert c["segment"].isin(["household", "cafe", "office", "restaurant_hotel"]).all()
    assert c["phone"].dropna().str.match(r"^\+\d{9,15}$").all()
    assert c["n_records"].sum() == res.links["customer_id"].notna().sum()
    # one resolved customer per real person, give or take the records nothing can link
    persons = key["person_id"].nunique()
    assert persons <= len(c) <= 1.7 * persons


def test_segment_comes_from_the_crm_when_known(resolved):
    raw, key, res = resolved
    crm = raw["crm_contacts"]
    link = res.links[res.links["table"] == "crm_contacts"].set_index("record_id")["customer_id"]
    typed = crm[crm["customer_type"].notna()]
    seg = res.customers.set_index("customer_id")["segment"]
    agree = (typed["contact_id"].map(link).map(seg) == typed["customer_type"]).mean()
    assert agree >= 0.99


def test_explain_walks_the_chain_of_rules(resolved):
    raw, key, res = resolved
    links = res.links
    cid = links.loc[links["rule"] == "landline+name", "customer_id"].iloc[0]
    mine = links[links["customer_id"] == cid]
    a, b = mine.iloc[0], mine.iloc[-1]
    steps = idt.explain(res, (a["table"], a["record_id"], a["role"]),
                        (b["table"], b["record_id"], b["role"]))
    assert len(steps) >= 1
    assert (steps["from_id"].iloc[0], steps["to_id"].iloc[-1]) == (a["record_id"], b["record_id"])
    assert set(steps["rule"]) <= set(idt.RULES)
    other = links[(links["customer_id"] != cid) & links["customer_id"].notna()].iloc[0]
    assert idt.explain(res, (a["table"], a["record_id"], a["role"]),
                       (other["table"], other["record_id"], other["role"])).empty
    with pytest.raises(KeyError, match="no record"):
        idt.explain(res, ("shop_orders", "nope"), (a["table"], a["record_id"]))


# -- small hand-made cases ----------------------------------------------------------------------

def crm(rows) -> pd.DataFrame:
    cols = ["contact_id", "full_name", "phone", "email", "company", "customer_type", "province",
            "referral_code"]
    return pd.DataFrame([r + (None,) * (len(cols) - len(r)) for r in rows], columns=cols,
                        dtype="str")


def orders(rows) -> pd.DataFrame:
    cols = ["order_id", "buyer_name", "buyer_phone", "buyer_email", "province", "deal_id"]
    return pd.DataFrame([r + (None,) * (len(cols) - len(r)) for r in rows], columns=cols,
                        dtype="str")


OFFICE = "Công ty TNHH Minh Phát"


def test_a_shared_office_landline_does_not_merge_different_people():
    raw = {"crm_contacts": crm([
        ("CRM-1", "Nguyễn Văn Đức", "028 3822 1234", None, OFFICE, "office"),
        ("CRM-2", "Trần Thị Lan", "02838221234", None, OFFICE, "office")]),
        "shop_orders": orders([
            ("OD-1", "Duc Nguyen", "(028) 3822-1234"),       # same line, Đức's name
            ("OD-2", "Chị Lan", "+84 28 3822 1234"),         # same line, Lan's given name
            ("OD-3", "Phạm Minh Tuấn", "2838221234")])}      # same line, a third person
    res = idt.resolve(raw)
    cid = res.links.set_index("record_id")["customer_id"]
    assert cid["CRM-1"] != cid["CRM-2"]
    assert cid["OD-1"] == cid["CRM-1"] and cid["OD-2"] == cid["CRM-2"]
    assert cid["OD-3"] not in {cid["CRM-1"], cid["CRM-2"]}
    rule = res.links.set_index("record_id")["rule"]
    assert rule[["CRM-1", "CRM-2", "OD-1", "OD-2"]].eq("landline+name").all()
    assert rule["OD-3"] == "own"
    assert len(res.customers) == 3


def test_a_one_word_name_on_a_shared_landline_that_fits_two_people_merges_nobody():
    raw = {"crm_contacts": crm([
        ("CRM-1", "Nguyễn Thị Lan", "028 3822 1234", None, OFFICE),
        ("CRM-2", "Trần Thị Lan", "02838221234", None, OFFICE)]),
        "shop_orders": orders([("OD-1", "Chị Lan", "02838221234")])}
    cid = idt.resolve(raw).links.set_index("record_id")["customer_id"]
    assert len({cid["CRM-1"], cid["CRM-2"], cid["OD-1"]}) == 3


def test_mobile_email_and_references_link_across_systems():
    raw = {
        "crm_contacts": crm([("CRM-1", "Lê Văn An", "0168 123 4567", "an@gmail.com", None,
                              None, "TP.HCM", "PHIN000001")]),
        "deals": pd.DataFrame({"deal_id": ["DL-1"], "contact_id": ["CRM-1"]}),
        "shop_orders": orders([("OD-1", "AN LE", "+84381234567"),
                               ("OD-2", "Công ty ABC", None, None, None, "DL-1"),
                               ("OD-3", None, None, " AN@GMAI.COM")]),
        "tickets": pd.DataFrame({"ticket_id": ["TK-1"], "requester_name": ["Anh An"],
                                 "requester_phone": [None], "order_id": ["OD-2"]}),
        "referrals": pd.DataFrame({"referral_id": ["RF-1"], "referrer_code": ["phin000001"],
                                   "referrer_phone": [None], "referred_name": ["Bình"],
                                   "referred_phone": ["0912345678"]}),
    }
    res = idt.resolve(raw)
    links = res.links.set_index(["record_id", "role"])
    one = links.loc[("CRM-1", "record"), "customer_id"]
    for rid, role, rule in (("OD-1", "record", "mobile"), ("OD-2", "record", "deal_id"),
                            ("OD-3", "record", "email"), ("TK-1", "record", "order_id"),
                            ("RF-1", "referrer", "referral_code")):
        assert links.loc[(rid, role), "customer_id"] == one, rid
        assert links.loc[(rid, role), "rule"] == rule, rid
    assert links.loc[("RF-1", "referred"), "customer_id"] != one
    steps = idt.explain(res, ("tickets", "TK-1"), ("shop_orders", "OD-3"))
    assert steps["rule"].tolist() == ["order_id", "deal_id", "email"]
    assert raw["shop_orders"]["buyer_email"].tolist()[2] == " AN@GMAI.COM"   # not mutated


def test_web_browsers_link_by_email_and_anonymous_ones_stay_without_customer():
    web = pd.DataFrame({"event_id": ["E1", "E2", "E3", "E4"],
                        "anonymous_id": ["b1", "b1", "b2", "b3"],
                        "email": [None, "An@gmail.com", None, "other@gmail.com"]})
    raw = {"crm_contacts": crm([("CRM-1", "Lê Văn An", None, "an@gmail.com")]),
           "web_events": web}
    res = idt.resolve(raw)
    links = res.links.set_index("record_id")
    assert links.loc["b1", "customer_id"] == links.loc["CRM-1", "customer_id"]
    assert links.loc["b1", "role"] == "visitor"
    assert pd.isna(links.loc["b2", "customer_id"]) and links.loc["b2", "rule"] == "anonymous"
    assert links.loc["b3", "rule"] == "own" and pd.notna(links.loc["b3", "customer_id"])


def test_missing_tables_are_fine_and_an_empty_input_gives_empty_tables():
    res = idt.resolve({})
    assert res.links.empty and res.customers.empty
    res = idt.resolve({"surveys": pd.DataFrame({"response_id": ["S1"],
                                                "respondent_email": ["a@b.vn"],
                                                "respondent_phone": [None]})})
    assert res.customers["email"].tolist() == ["a@b.vn"]


def test_a_table_without_a_person_column_raises_a_clear_error():
    bad = crm([("CRM-1", "Lê Văn An", "0912345678")]).drop(columns="phone")
    with pytest.raises(C360DataError) as err:
        idt.resolve({"crm_contacts": bad})
    text = str(err.value)
    assert "crm_contacts" in text and "'phone'" in text and "add a column" in text
    assert err.value.problems[0].column == "phone"


def test_resolution_is_deterministic():
    s = sample(SECOND_SEED)
    first, second = idt.resolve(s.raw()), idt.resolve(s.raw())
    for a, b in zip(first, second):
        pd.testing.assert_frame_equal(a, b)
    reordered = dict(reversed(list(s.raw().items())))
    pd.testing.assert_frame_equal(idt.resolve(reordered).links, first.links)


# -- the clean model ----------------------------------------------------------------------------

def test_load_clean_keeps_every_row_and_the_money():
    raw, clean = datasets.load_raw(), datasets.load_clean()
    for name, df in raw.items():
        assert len(clean[name]) == len(df), name
        key = df.columns[0]
        assert clean[name][key].tolist() == df[key].tolist(), name
    assert clean["shop_orders"]["order_id"].is_unique
    assert clean["shop_orders"]["discount_vnd"].sum() == raw["shop_orders"]["discount_vnd"].sum()
    value = lambda lines: (lines["quantity"] * lines["unit_price_vnd"]).sum()  # noqa: E731
    assert value(clean["order_lines"]) == value(raw["order_lines"])
    pd.testing.assert_frame_equal(clean["marketing_spend"], raw["marketing_spend"])


def test_load_clean_adds_customer_ids_everywhere():
    clean = datasets.load_clean()
    for name in ("crm_contacts", "shop_orders", "order_lines", "deals", "inbox_messages",
                 "tickets", "surveys", "community", "automation_sends"):
        assert clean[name]["customer_id"].notna().all(), name
    orders = clean["shop_orders"].set_index("order_id")["customer_id"]
    lines = clean["order_lines"]
    assert (lines["order_id"].map(orders) == lines["customer_id"]).all()
    web = clean["web_events"]
    assert web["customer_id"].isna().any() and web["customer_id"].notna().any()
    assert web.groupby("anonymous_id")["customer_id"].nunique(dropna=False).eq(1).all()
    ref = clean["referrals"]
    assert {"referrer_customer_id", "referred_customer_id"} <= set(ref.columns)
    assert ref["referred_customer_id"].notna().all()
    known = set(clean["customers"]["customer_id"])
    assert set(clean["shop_orders"]["customer_id"]) <= known


def test_load_clean_is_cached_and_returns_fresh_copies():
    first = datasets.load_clean()
    first["shop_orders"].loc[:, "customer_id"] = "changed"
    second = datasets.load_clean()
    assert (second["shop_orders"]["customer_id"] != "changed").all()
    pd.testing.assert_frame_equal(second["links"], datasets.load_clean()["links"])
