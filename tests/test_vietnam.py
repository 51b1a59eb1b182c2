"""Vietnamese reference data, generators and mess functions."""

import re
import unicodedata

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from c360lab import vietnam as vn

N = 100_000


def rng(seed=0):
    return np.random.default_rng(seed)


def _back_to_national(text: str) -> str:
    """Undo a written phone format (written here, independently of the package)."""
    d = re.sub(r"\D", "", text)
    if d.startswith("84") and len(d) == 11:
        d = "0" + d[2:]
    if len(d) == 9:
        d = "0" + d
    if len(d) == 11 and d[:4] in vn.OLD_TO_NEW_MOBILE:
        d = vn.OLD_TO_NEW_MOBILE[d[:4]] + d[4:]
    return d


def test_generators_are_deterministic():
    a = vn.person_names(rng(5), np.arange(50) % 2 == 0)["full"]
    b = vn.person_names(rng(5), np.arange(50) % 2 == 0)["full"]
    assert (a == b).all()
    assert (vn.mobile_numbers(rng(5), 100) == vn.mobile_numbers(rng(5), 100)).all()


def test_mobile_numbers_are_unique_and_use_real_prefixes():
    numbers = vn.mobile_numbers(rng(), 200_000)
    assert len(set(numbers)) == len(numbers)
    prefixes = tuple(p for _, ps in vn.MOBILE_PREFIXES.values() for p in ps)
    assert all(len(x) == 10 and x.startswith(prefixes) for x in numbers)
    viettel = np.mean([x.startswith(vn.MOBILE_PREFIXES["Viettel"][1]) for x in numbers])
    assert abs(viettel - 0.52) < 0.02


def test_legacy_form_round_trips_through_the_2018_map():
    numbers = vn.mobile_numbers(rng(), 5000)
    old = vn.legacy_form(numbers)
    eligible = old != ""
    assert 0.3 < eligible.mean() < 0.9
    for new, o in zip(numbers[eligible], old[eligible]):
        assert len(o) == 11 and vn.OLD_TO_NEW_MOBILE[o[:4]] + o[4:] == new
    assert vn.legacy_form(np.array(["0395678945"]))[0] == "01695678945"


@pytest.mark.parametrize("variant", ["canonical", "spaces", "dots", "dashes", "plus84", "84",
                                     "lost_zero", "legacy"])
def test_every_phone_format_keeps_the_number(variant):
    numbers = vn.mobile_numbers(rng(), 2000)
    rates = {} if variant == "canonical" else {variant: 1.0}
    out, labels = vn.format_phones(rng(1), numbers, rates)
    assert set(labels) <= {variant, "canonical"}
    assert [_back_to_national(x) for x in out] == list(numbers)


def test_phone_format_rates_within_twenty_percent():
    numbers = vn.mobile_numbers(rng(), N)
    _, labels = vn.format_phones(rng(2), numbers)
    for variant, rate in vn.PHONE_FORMAT_RATES.items():
        if variant != "legacy":
            assert abs((labels == variant).mean() - rate) <= 0.2 * rate, variant


def test_name_mess_rates_and_forms():
    female = rng().random(N) < 0.5
    names = vn.person_names(rng(3), female)["full"]
    out, labels = vn.mess_names(rng(4), names, female=female)
    for variant, rate in vn.NAME_MESS_RATES.items():
        assert abs((labels == variant).mean() - rate) <= 0.2 * rate, variant
    nfd = labels == "nfd"
    assert all(unicodedata.normalize("NFC", x) == y for x, y in zip(out[nfd], names[nfd]))
    assert any(x != y for x, y in zip(out[nfd], names[nfd]))
    assert all(x.isascii() for x in out[labels == "upper_ascii"])


def test_names_are_nfc_and_family_first():
    n = vn.person_names(rng(), np.ones(5000, bool), np.full(5000, "N", dtype=object))
    surnames = {s for s, _ in vn.SURNAMES} | {"Huỳnh", "Võ"}
    assert all(unicodedata.is_normalized("NFC", x) for x in n["full"])
    assert all(x.split()[0] in surnames for x in n["full"])
    assert (n["family"] == "Nguyễn").mean() == pytest.approx(0.34, abs=0.03)
    assert (n["family"] == "Huỳnh").sum() < (n["family"] == "Hoàng").sum()  # northern people


def test_fold():
    assert vn.fold("Đặng Thùy Dương") == "dang thuy duong"
    assert vn.fold("NGUYỄN  VĂN ĐỨC ") == vn.fold(unicodedata.normalize("NFD", "Nguyễn Văn Đức"))
    assert vn.fold("Ðặng") == "dang"  # the look-alike Eth


@given(st.text())
def test_fold_never_raises_and_is_idempotent(text):
    once = vn.fold(text)
    assert vn.fold(once) == once


def test_emails_and_mess():
    n = vn.person_names(rng(), np.zeros(N, bool))
    emails = vn.email_addresses(rng(1), n["family"], n["middle"], n["given"])
    assert all(e.isascii() and e.count("@") == 1 for e in emails[:5000])
    gmail = dict(vn.EMAIL_DOMAINS)["gmail.com"] / sum(w for _, w in vn.EMAIL_DOMAINS)
    assert np.mean([e.endswith("@gmail.com") for e in emails]) == pytest.approx(gmail, abs=0.01)
    out, labels = vn.mess_emails(rng(2), emails)
    for variant, rate in vn.EMAIL_MESS_RATES.items():
        assert abs((labels == variant).mean() - rate) <= 0.2 * rate, variant


def test_provinces():
    codes = [p[0] for p in vn.PROVINCES]
    names = {p[1] for p in vn.PROVINCES}
    assert len(vn.PROVINCES) == 34 and len(set(codes)) == 34
    assert set(vn.FORMER_PROVINCES.values()) <= names
    assert set(vn.PROVINCE_ALIASES.values()) <= names
    official = np.array(["Thành phố Hồ Chí Minh"] * N, dtype=object)
    out, labels = vn.province_variants(rng(), official)
    for variant, rate in vn.PROVINCE_VARIANT_RATES.items():
        assert abs((labels == variant).mean() - rate) <= 0.2 * rate, variant
    assert set(out[labels == "former"]) == {"Bình Dương", "Bà Rịa - Vũng Tàu"}


def test_money_format():
    out = vn.format_money_vn([1_250_000, 99_000])
    assert out.tolist() == ["1.250.000\u00a0₫", "99.000\u00a0₫"]


def test_company_names_vary():
    names = vn.company_names(rng(), np.array(["cafe", "office", "restaurant_hotel"] * 1000))
    assert len(set(names)) > 500
