"""Tests of c360lab.vietnam: reference tables, generators, mess functions, fold and money."""

import re
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from c360lab import vietnam as vn

N_RATES = 100_000          # elements per rate test
N_SCALE = 200_000          # elements per scale smoke test (2,000,000 takes ~20 s on CI boxes)
OFFICIAL = [p.official for p in vn.PROVINCES]


def rng(seed=7):
    return np.random.default_rng(seed)


@pytest.fixture(scope="module")
def people():
    """100,000 people with names, as the generator would make them."""
    r = rng(1)
    female = r.random(N_RATES) < 0.5
    region = np.array(["N", "C", "S"], dtype=object)[r.integers(0, 3, N_RATES)]
    return {"female": female, "region": region, **vn.person_names(r, female, region)}


@pytest.fixture(scope="module")
def mobiles():
    return vn.mobile_numbers(rng(2), N_RATES)


def assert_rate(observed: int, total: int, expected: float, what: str):
    """Observed share within ±20% (relative) of the configured rate."""
    share = observed / total
    assert abs(share - expected) <= 0.2 * expected, f"{what}: {share:.4f} vs {expected}"


# -- reference tables ----------------------------------------------------------------------------

def test_34_provinces_with_unique_codes_and_names():
    assert len(vn.PROVINCES) == 34
    assert len({p.code for p in vn.PROVINCES}) == 34
    assert len(set(OFFICIAL)) == 34 and len({p.short for p in vn.PROVINCES}) == 34
    assert {p.region for p in vn.PROVINCES} == {"N", "C", "S"}
    assert all(re.fullmatch(r"02\d{1,2}", p.landline) for p in vn.PROVINCES)
    assert vn.PROVINCES[[p.code for p in vn.PROVINCES].index("79")].official == \
        "Thành phố Hồ Chí Minh"


def test_former_provinces_are_the_63_old_ones_and_map_to_official_names():
    assert len(vn.FORMER_PROVINCES) == 63
    assert set(vn.FORMER_PROVINCES.values()) <= set(OFFICIAL)
    assert set(vn.FORMER_PROVINCES.values()) == set(OFFICIAL)      # every unit had a predecessor
    assert vn.FORMER_PROVINCES["Bình Dương"] == "Thành phố Hồ Chí Minh"
    assert vn.FORMER_PROVINCES["Bà Rịa - Vũng Tàu"] == "Thành phố Hồ Chí Minh"
    assert vn.FORMER_PROVINCES["Long An"] == "Tây Ninh"
    assert vn.FORMER_PROVINCES["Kiên Giang"] == "An Giang"
    assert vn.FORMER_PROVINCES["Quảng Nam"] == "Thành phố Đà Nẵng"
    assert vn.FORMER_PROVINCES["Thừa Thiên Huế"] == "Thành phố Huế"


def test_aliases_map_to_official_names_and_cover_every_unit():
    assert set(vn.PROVINCE_ALIASES.values()) <= set(OFFICIAL)
    assert set(vn.PROVINCE_ALIASES.values()) == set(OFFICIAL)
    for alias in ("TP.HCM", "TPHCM", "HCM", "Hồ Chí Minh", "Ho Chi Minh City", "Sài Gòn",
                  "Saigon"):
        assert vn.PROVINCE_ALIASES[alias] == "Thành phố Hồ Chí Minh"
    for alias in ("HN", "Hà Nội", "Ha Noi", "Hanoi"):
        assert vn.PROVINCE_ALIASES[alias] == "Thành phố Hà Nội"
    assert vn.PROVINCE_ALIASES["Da Nang"] == "Thành phố Đà Nẵng"


def test_mobile_tables():
    assert len(vn.OLD_TO_NEW_MOBILE) == 21
    assert vn.OLD_TO_NEW_MOBILE["0168"] == "038"
    assert {v: k for k, v in vn.NEW_TO_OLD_MOBILE.items()} == vn.OLD_TO_NEW_MOBILE
    assert sum(vn.CARRIER_WEIGHTS.values()) == pytest.approx(1.0)
    assert set(vn.CARRIER_WEIGHTS) == set(vn.MOBILE_PREFIXES)
    prefixes = [p for ps in vn.MOBILE_PREFIXES.values() for p in ps]
    assert len(prefixes) == len(set(prefixes))
    # blocks libphonenumber rejects are never listed (§1.4)
    for head, allowed in (("089", "6789"), ("052", "238"), ("099", "34567"), ("055", "9")):
        assert {p for p in prefixes if p.startswith(head)} == {head + d for d in allowed}


def test_tables_are_nfc_and_weighted():
    texts = [v for table in (vn.SURNAMES, vn.MIDDLE_NAMES_FEMALE, vn.MIDDLE_NAMES_MALE,
                             vn.GIVEN_NAMES_FEMALE, vn.GIVEN_NAMES_MALE) for v, _ in table]
    texts += OFFICIAL + list(vn.FORMER_PROVINCES) + list(vn.PROVINCE_ALIASES)
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)
    assert sum(w for _, w in vn.SURNAMES) == pytest.approx(100, abs=1)


# -- fold ----------------------------------------------------------------------------------------

def test_fold_examples():
    assert vn.fold("Đặng Thùy Dương") == "dang thuy duong"
    same = ["Nguyễn Văn Đức", unicodedata.normalize("NFD", "Nguyễn Văn Đức"), "NGUYEN VAN DUC",
            "  Nguyễn   Văn\tĐức ", "Nguyễn Văn Ðức"]          # Ð is the look-alike U+00D0
    assert {vn.fold(s) for s in same} == {"nguyen van duc"}
    assert vn.fold("Hòa") == vn.fold("Hoà") == "hoa"
    assert vn.strip_diacritics("Đỗ Minh Quân") == "Do Minh Quan"


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_fold_never_raises_and_is_idempotent(text):
    folded = vn.fold(text)
    assert isinstance(folded, str)
    assert vn.fold(folded) == folded
    assert folded == folded.strip() and "  " not in folded


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aăâeêioôơuưyđAĂÂEÊIOÔƠUƯYĐ \u0300\u0301\u0303\u0309\u0323"))
def test_fold_of_vietnamese_letters_is_ascii(text):
    assert vn.fold(text).isascii()


# -- names ---------------------------------------------------------------------------------------

def test_person_names_are_nfc_and_family_first(people):
    surnames = {s for s, _ in vn.SURNAMES} | {"Huỳnh", "Võ"}
    assert set(people["family"]) <= surnames
    for full, fam, mid, giv in zip(people["full"][:5000], people["family"], people["middle"],
                                   people["given"]):
        assert full == f"{fam} {mid} {giv}"
        assert unicodedata.is_normalized("NFC", full)
        assert full.split()[0] == fam and full.split()[-1] == giv
    female = people["female"]
    assert set(people["given"][female]) <= {g for g, _ in vn.GIVEN_NAMES_FEMALE}
    assert set(people["given"][~female]) <= {g for g, _ in vn.GIVEN_NAMES_MALE}


def test_two_middle_names_and_nguyen_share(people):
    words = np.array([len(m.split()) for m in people["middle"]])
    assert set(words) == {1, 2}
    female = people["female"]
    assert_rate((words[female] == 2).sum(), female.sum(), 0.45, "female two middles")
    assert_rate((words[~female] == 2).sum(), (~female).sum(), 0.15, "male two middles")
    assert_rate((people["family"] == "Nguyễn").sum(), N_RATES, 0.34, "Nguyễn")
    assert "Thị" in set(people["middle"][female]) and "Văn" in set(people["middle"][~female])
    assert all(m.split()[-1] != "Thị" for m in people["middle"] if " " in m)


def test_regional_surname_split(people):
    for region, south_share in (("N", 0.05), ("S", 0.75)):
        fam = people["family"][people["region"] == region]
        huynh, hoang = (fam == "Huỳnh").sum(), (fam == "Hoàng").sum()
        assert abs(huynh / (huynh + hoang) - south_share) < 0.05
    assert dict(vn.surname_weights("N"))["Võ"] == pytest.approx(0.4)
    with pytest.raises(ValueError, match="region"):
        vn.person_names(rng(), [True], region=["X"])


# -- phones --------------------------------------------------------------------------------------

def test_mobile_numbers_unique_and_valid_prefixes():
    numbers = vn.mobile_numbers(rng(3), 200_000)
    assert len(numbers) == 200_000 and len(set(numbers)) == 200_000
    assert all(len(x) == 10 and x.isdigit() and x[0] == "0" for x in numbers)
    prefixes = tuple(p for ps in vn.MOBILE_PREFIXES.values() for p in ps)
    assert all(x.startswith(prefixes) for x in numbers)


def test_mobile_numbers_follow_carrier_weights(mobiles):
    carrier_of = {p: c for c, ps in vn.MOBILE_PREFIXES.items() for p in ps}
    carriers = [carrier_of.get(x[:4]) or carrier_of[x[:3]] for x in mobiles]
    counts = pd.Series(carriers).value_counts()
    for carrier, weight in vn.CARRIER_WEIGHTS.items():
        assert_rate(counts[carrier], len(mobiles), weight, carrier)


def test_legacy_eligible_share():
    numbers = vn.mobile_numbers(rng(4), N_RATES, legacy_eligible_share=0.35)
    assert_rate((vn.legacy_form(numbers) != "").sum(), N_RATES, 0.35, "eligible")
    assert (vn.legacy_form(vn.mobile_numbers(rng(4), 1000, legacy_eligible_share=0)) == "").all()
    with pytest.raises(ValueError):
        vn.mobile_numbers(rng(), 3, legacy_eligible_share=1.5)


def test_legacy_form_round_trips(mobiles):
    old = vn.legacy_form(mobiles)
    assert vn.legacy_form(["0395678945"]).tolist() == ["01695678945"]
    assert 0.5 < (old != "").mean() < 0.75                     # about 63% naturally
    for national, legacy in zip(mobiles, old):
        if legacy:
            assert len(legacy) == 11 and legacy[:4] in vn.OLD_TO_NEW_MOBILE
            assert vn.OLD_TO_NEW_MOBILE[legacy[:4]] + legacy[4:] == national
        else:
            assert national[:3] not in vn.NEW_TO_OLD_MOBILE
    assert vn.legacy_form(["", "0912345678", "02838221234"]).tolist() == ["", "", ""]


def test_landline_numbers():
    codes = [p.landline for p in vn.PROVINCES] * 100
    lines = vn.landline_numbers(rng(), codes)
    assert all(len(x) == 11 and x.isdigit() and x.startswith(c) and x[len(c)] in "23456789"
               for x, c in zip(lines, codes))
    with pytest.raises(ValueError, match="area code"):
        vn.landline_numbers(rng(), ["08"])


def national_from_written(written: str) -> str:
    """Back to the 10-digit national number (the test's own small normaliser)."""
    digits = re.sub(r"\D", "", written)
    if len(digits) == 11 and digits.startswith("84"):
        digits = "0" + digits[2:]
    if len(digits) == 9:
        digits = "0" + digits
    if len(digits) == 11 and digits[:4] in vn.OLD_TO_NEW_MOBILE:
        digits = vn.OLD_TO_NEW_MOBILE[digits[:4]] + digits[4:]
    return digits


SHAPES = {
    "canonical": r"0\d{9}",
    "spaces": r"0\d{3} \d{3} \d{3}|0\d{2} \d{3} \d{4}",
    "dots": r"0\d{3}\.\d{3}\.\d{3}|0\d{2}\.\d{3}\.\d{4}",
    "dashes": r"0\d{3}-\d{3}-\d{3}|0\d{2}-\d{3}-\d{4}",
    "plus84": r"\+84\d{9}|\+84 \d{3} \d{3} \d{3}",
    "84": r"84\d{9}|84-\d{3}-\d{3}-\d{3}",
    "lost_zero": r"[1-9]\d{8}",
    "legacy": r"01\d{9}|01\d{2}\.\d{3}\.\d{4}",
    "blank": r"",
}


def test_format_phones_keeps_digit_identity(mobiles):
    each = {v: 1 / len(vn.PHONE_FORMAT_RATES) for v in vn.PHONE_FORMAT_RATES}
    for rates in (vn.PHONE_FORMAT_RATES, each):
        out, labels = vn.format_phones(rng(5), mobiles, rates)
        assert set(labels) == set(SHAPES)
        for written, label, national in zip(out, labels, mobiles):
            assert re.fullmatch(SHAPES[label], written), (label, written)
            if label != "blank":
                assert national_from_written(written) == national, (label, written)
    assert vn.format_phones(rng(), ["0395678945"], {"legacy": 1.0})[0][0] in (
        "01695678945", "0169.567.8945")


def test_format_phones_rates(mobiles):
    out, labels = vn.format_phones(rng(6), mobiles)
    eligible = vn.legacy_form(mobiles) != ""
    for variant, rate in vn.PHONE_FORMAT_RATES.items():
        if variant == "legacy":            # the legacy rate applies to eligible numbers
            assert_rate((labels[eligible] == "legacy").sum(), eligible.sum(), rate, variant)
            assert not (labels[~eligible] == "legacy").any()
        else:
            assert_rate((labels == variant).sum(), len(mobiles), rate, variant)


# -- mess: names ---------------------------------------------------------------------------------

OLD_TONE_SYLLABLE = re.compile(r"([òóỏõọ][ae]|[ùúủũụ]y)(?!\w)")


def test_mess_names_rates(people):
    full = people["full"]
    out, labels = vn.mess_names(rng(8), full, female=people["female"])
    has_old_tone = np.array([bool(OLD_TONE_SYLLABLE.search(x)) for x in full])
    not_ascii = np.array([not x.isascii() for x in full])
    for variant, rate in vn.NAME_MESS_RATES.items():
        among = {"old_tone": has_old_tone, "no_diacritics": not_ascii,
                 "nfd": not_ascii}.get(variant, np.ones(len(full), bool))
        assert_rate((labels[among] == variant).sum(), among.sum(), rate, variant)
    assert ((out == full) == (labels == "clean")).all()


def test_mess_names_variants(people):
    full, female = people["full"][:20_000], people["female"][:20_000]
    each = {v: 1 / len(vn.NAME_MESS_RATES) for v in vn.NAME_MESS_RATES}
    out, labels = vn.mess_names(rng(9), full, each, female=female)
    given_name = np.array([x.split()[-1] for x in full], dtype=object)
    honorifics_f = {h for h, _ in vn.HONORIFICS_FEMALE}
    honorifics_m = {h for h, _ in vn.HONORIFICS_MALE}
    for x, clean, label, giv, fem in zip(out, full, labels, given_name, female):
        if label == "nfd":
            assert unicodedata.is_normalized("NFD", x) and x != clean
            assert unicodedata.normalize("NFC", x) == clean
        elif label == "no_diacritics":
            assert x.isascii() and vn.fold(x) == vn.fold(clean) and x[0].isupper()
        elif label == "upper_ascii":
            assert x.isascii() and x == x.upper() and vn.fold(x) == vn.fold(clean)
        elif label == "upper":
            assert x == clean.upper()
        elif label == "lower":
            assert x == clean.lower()
        elif label == "extra_spaces":
            assert x.split() == clean.split() and ("  " in x or x.endswith(" "))
        elif label == "given_first":
            assert x.split()[0] == giv and x.split()[1] == clean.split()[0]
        elif label == "given_only":
            assert x == giv
        elif label == "honorific":
            title, name = x.rsplit(" ", 1)
            assert name == giv and title in (honorifics_f if fem else honorifics_m)
        elif label == "old_tone":
            assert x != clean and vn.fold(x) == vn.fold(clean)
        else:
            assert label == "clean" and x == clean


def test_old_tone_and_honorific_guess():
    out, labels = vn.mess_names(rng(), ["Nguyễn Thị Thủy", "Lê Văn Hòa", "Trần Văn Hoàng"],
                                {"old_tone": 1.0})
    assert out.tolist() == ["Nguyễn Thị Thuỷ", "Lê Văn Hoà", "Trần Văn Hoàng"]
    assert labels.tolist() == ["old_tone", "old_tone", "clean"]
    out, _ = vn.mess_names(rng(), ["Nguyễn Thị Lan", "Lê Văn Đức"], {"honorific": 1.0})
    assert out[0].split()[0] in {h for h, _ in vn.HONORIFICS_FEMALE}
    assert out[1].split()[0] in {h for h, _ in vn.HONORIFICS_MALE}


def test_mess_input_is_not_changed_and_rates_are_checked():
    full = np.array(["Nguyễn Văn Đức", "Lê Thị Lan"], dtype=object)
    vn.mess_names(rng(), full, {"upper": 1.0})
    assert full.tolist() == ["Nguyễn Văn Đức", "Lê Thị Lan"]
    with pytest.raises(ValueError, match="unknown variant"):
        vn.mess_names(rng(), full, {"shout": 0.1})
    with pytest.raises(ValueError, match="at most 1"):
        vn.mess_emails(rng(), ["a@b.vn"], {"upper": 0.7, "blank": 0.7})


# -- mess: e-mails -------------------------------------------------------------------------------

def test_email_addresses(people):
    domain = np.where(np.arange(N_RATES) % 10 == 0, "phinco.vn", None)
    emails = vn.email_addresses(rng(10), people["family"], people["middle"], people["given"],
                                domain=domain)
    assert all(e.isascii() and e.count("@") == 1 and " " not in e for e in emails)
    assert 1 - len(set(emails)) / len(emails) < 0.02                   # collisions are rare
    dom = np.array([e.split("@")[1] for e in emails], dtype=object)
    assert (dom[domain == "phinco.vn"] == "phinco.vn").all()
    free = dom[domain != "phinco.vn"]
    free_total = sum(w for _, w in vn.FREE_EMAIL_DOMAINS)
    for d, w in vn.FREE_EMAIL_DOMAINS:
        assert_rate((free == d).sum(), len(free), w / free_total, d)
    # the local part is built from the person's own (folded) names
    giv = [vn.fold(g).replace(" ", "") for g in people["given"][:1000]]
    assert all(g in e for g, e in zip(giv, emails[:1000]))
    years = vn.email_addresses(rng(), ["Nguyễn"] * 200, ["Văn"] * 200, ["Đức"] * 200,
                               birth_year=[1985] * 200)
    assert any("1985" in e for e in years) and any("85@" in e for e in years)


def test_mess_emails_rates_and_variants(people):
    emails = vn.email_addresses(rng(11), people["family"], people["middle"], people["given"])
    out, labels = vn.mess_emails(rng(12), emails)
    for variant, rate in vn.EMAIL_MESS_RATES.items():
        assert_rate((labels == variant).sum(), len(emails), rate, variant)
    for x, clean, label in zip(out, emails, labels):
        if label == "upper":
            assert x.lower() == clean and x != clean
        elif label == "spaces":
            assert x.strip() == clean and x != clean
        elif label == "typo_domain":
            assert x.split("@")[0] == clean.split("@")[0] and x != clean
        elif label == "blank":
            assert x == ""
        else:
            assert x == clean
    typos = {x.split("@")[1] for x, lab in zip(out, labels) if lab == "typo_domain"}
    assert {"gmai.com", "gmail.con", "gmial.com", "gmail.com.vn"} <= typos
    assert vn.mess_emails(rng(), [""], {"spaces": 1.0})[1].tolist() == ["clean"]


# -- mess: provinces -----------------------------------------------------------------------------

def test_province_variants_rates_and_meaning():
    official = np.array(OFFICIAL, dtype=object)[rng(13).integers(0, 34, N_RATES)]
    out, labels = vn.province_variants(rng(14), official)
    short = {p.official: p.short for p in vn.PROVINCES}
    has_former = np.array([any(v == o and k != short[o] for k, v in vn.FORMER_PROVINCES.items())
                           for o in official])
    not_ascii = np.array([not o.isascii() for o in official])
    for variant, rate in vn.PROVINCE_VARIANT_RATES.items():
        among = {"former": has_former, "no_diacritics": not_ascii}.get(
            variant, np.ones(N_RATES, bool))
        assert_rate((labels[among] == variant).sum(), among.sum(), rate, variant)
    for x, o, label in zip(out, official, labels):
        if label == "alias":
            assert vn.PROVINCE_ALIASES[x] == o
        elif label == "former":
            assert vn.FORMER_PROVINCES[x] == o and x != short[o]
        elif label == "no_diacritics":
            assert x.isascii() and vn.fold(x) in (vn.fold(o), vn.fold(short[o]))
        elif label == "blank":
            assert x == ""
        else:
            assert x == o
    hcm_former = set(out[(labels == "former") & (official == "Thành phố Hồ Chí Minh")])
    assert hcm_former == {"Bình Dương", "Bà Rịa - Vũng Tàu"}


def test_province_variants_reject_unknown_names():
    with pytest.raises(ValueError, match="Saigon"):
        vn.province_variants(rng(), ["Saigon"])


# -- company names -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, start", [("cafe", None), ("office", "Công ty"),
                                         ("restaurant_hotel", None)])
def test_company_names_are_varied(kind, start):
    names = vn.company_names(rng(15), [kind] * 20_000)
    assert len(set(names)) > 1000
    assert all(unicodedata.is_normalized("NFC", x) and x == " ".join(x.split()) for x in names)
    if start:
        assert all(x.startswith(start) for x in names)


def test_company_names_reject_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        vn.company_names(rng(), ["bank"])


# -- money ---------------------------------------------------------------------------------------

def test_format_money_vn():
    assert vn.format_money_vn([1_250_000, 0, 999, 1000, -5000]).tolist() == [
        "1.250.000\u00a0₫", "0\u00a0₫", "999\u00a0₫", "1.000\u00a0₫", "-5.000\u00a0₫"]
    assert vn.format_money_vn(pd.array([1000, None], dtype="Int64")).tolist() == [
        "1.000\u00a0₫", ""]
    with pytest.raises(ValueError, match="1.5"):
        vn.format_money_vn([1.5])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=-10 ** 15, max_value=10 ** 15), max_size=50))
def test_money_round_trip(amounts):
    back = vn.parse_money_vn(vn.format_money_vn(np.array(amounts, dtype=np.int64)))
    assert back.tolist() == amounts


@pytest.mark.parametrize("text", [
    "1.250.000 ₫", "1.250.000\u00a0₫", "1.250.000đ", "1.250.000 đ", "1.250.000 VND",
    "1.250.000 VNĐ", "VND 1,250,000", "₫1,250,000", "1,250,000", "1250000", "1 250 000",
    "1250k", "1.250k", "1,25tr", "1.25 triệu", "1tr250", "1TR25", " 1.250.000 ₫ "])
def test_parse_money_vn_forms(text):
    expected = 1_250 if text == "1.250k" else 1_250_000      # with k, a dot is a decimal point
    assert vn.parse_money_vn([text]).tolist() == [expected]


def test_parse_money_vn_small_forms_and_blanks():
    out = vn.parse_money_vn(["350k", "350K", "350.000", "350 nghìn", "", "  ", None, np.nan,
                             1500, "99.000đ"])
    assert str(out.dtype) == "Int64"
    assert out.tolist() == [350_000, 350_000, 350_000, 350_000, pd.NA, pd.NA, pd.NA, pd.NA,
                            1500, 99_000]


@pytest.mark.parametrize("bad", ["abc", "1.5", "1.25.0000", "1,2345k", "12$", "1.250,000",
                                 "--5"])
def test_parse_money_vn_names_bad_values(bad):
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        vn.parse_money_vn(["1.000 ₫", bad])


# -- determinism and scale -----------------------------------------------------------------------

def _calls(n):
    """Every generator and mess function, as f(rng) on n elements."""
    def names(r):
        return vn.person_names(r, np.arange(n) % 2 == 0,
                               np.array(["N", "C", "S"], dtype=object)[np.arange(n) % 3])
    people = names(rng(0))
    mob = vn.mobile_numbers(rng(0), n)
    emails = vn.email_addresses(rng(0), people["family"], people["middle"], people["given"])
    official = np.array(OFFICIAL, dtype=object)[np.arange(n) % 34]
    codes = np.array([p.landline for p in vn.PROVINCES], dtype=object)[np.arange(n) % 34]
    kinds = np.array(["cafe", "office", "restaurant_hotel"], dtype=object)[np.arange(n) % 3]
    return {
        "person_names": names,
        "mobile_numbers": lambda r: vn.mobile_numbers(r, n),
        "mobile_numbers_legacy": lambda r: vn.mobile_numbers(r, n, legacy_eligible_share=0.35),
        "landline_numbers": lambda r: vn.landline_numbers(r, codes),
        "email_addresses": lambda r: vn.email_addresses(
            r, people["family"], people["middle"], people["given"], domain="x.vn"),
        "company_names": lambda r: vn.company_names(r, kinds),
        "format_phones": lambda r: vn.format_phones(r, mob),
        "mess_names": lambda r: vn.mess_names(r, people["full"]),
        "mess_emails": lambda r: vn.mess_emails(r, emails),
        "province_variants": lambda r: vn.province_variants(r, official),
        "legacy_form": lambda r: vn.legacy_form(mob),
        "money": lambda r: vn.parse_money_vn(vn.format_money_vn(r.integers(0, 10 ** 10, n))),
    }


def _flat(result):
    if isinstance(result, dict):
        return [np.asarray(v) for v in result.values()]
    if isinstance(result, tuple):
        return [np.asarray(v) for v in result]
    return [np.asarray(result)]


@pytest.mark.parametrize("name", list(_calls(10)))
def test_same_seed_same_output(name):
    call = _calls(3000)[name]
    first, again, other = call(rng(42)), call(rng(42)), call(rng(43))
    assert all((a == b).all() for a, b in zip(_flat(first), _flat(again)))
    if name not in ("legacy_form",):
        assert any((a != b).any() for a, b in zip(_flat(first), _flat(other)))


def test_scale_smoke():
    for name, call in _calls(N_SCALE).items():
        for arr in _flat(call(rng(0))):
            assert len(arr) == N_SCALE, name
