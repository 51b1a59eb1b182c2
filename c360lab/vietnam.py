"""Vietnamese reference data, realistic generators, and the mess real exports add.

Three kinds of helpers live here, all pure and vectorised over numpy arrays:

* **reference tables**: surnames, middle and given names, mobile prefixes by carrier and the 2018
  change from 11 to 10 digits, the 34 province-level units of 1 July 2025 with their former
  provinces and written aliases, and e-mail domains;
* **generators** that draw realistic values: ``person_names``, ``mobile_numbers``,
  ``landline_numbers``, ``email_addresses``, ``company_names``;
* **mess functions** that write clean values the way real systems do. Each returns
  ``(messy_values, variant_labels)`` so that the rate of every variant can be measured:
  ``format_phones``, ``mess_names``, ``mess_emails``, ``province_variants``.

Plus ``fold`` (the matching key for Vietnamese text) and ``format_money_vn`` /
``parse_money_vn`` for VND amounts.

Every random draw goes through the ``numpy.random.Generator`` passed in as ``rng``, so one seed
gives one result. Strings come back as numpy object arrays of ``str``.

Source: the course's research note on Vietnamese data realism (phones §1, names §2, geography §3,
money §4.1, generator cheat-sheet §7). Weights marked [E] there are estimates; change them freely.

>>> fold("Đặng Thùy Dương")
'dang thuy duong'
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "SURNAMES", "REGIONAL_SURNAME_SPLIT", "MIDDLE_NAMES_FEMALE", "MIDDLE_NAMES_MALE",
    "GIVEN_NAMES_FEMALE", "GIVEN_NAMES_MALE", "TWO_MIDDLES", "HONORIFICS_FEMALE",
    "HONORIFICS_MALE", "CARRIER_WEIGHTS", "MOBILE_PREFIXES", "OLD_TO_NEW_MOBILE",
    "NEW_TO_OLD_MOBILE", "Province", "PROVINCES", "FORMER_PROVINCES", "PROVINCE_ALIASES",
    "EMAIL_DOMAIN_MIX", "FREE_EMAIL_DOMAINS", "TYPO_DOMAINS", "PHONE_FORMAT_RATES",
    "NAME_MESS_RATES", "EMAIL_MESS_RATES", "PROVINCE_VARIANT_RATES",
    "fold", "strip_diacritics", "surname_weights",
    "person_names", "mobile_numbers", "landline_numbers", "legacy_form", "email_addresses",
    "company_names", "format_phones", "mess_names", "mess_emails", "province_variants",
    "format_money_vn", "parse_money_vn",
]

# == reference tables ============================================================================

# -- names (§2.2, §2.3; weights are the note's generator weights [E]) ----------------------------

#: (surname, weight %), §2.2. "Hoàng" and "Vũ" stand for the pairs Hoàng/Huỳnh and Vũ/Võ:
#: ``surname_weights(region)`` splits them by region (``REGIONAL_SURNAME_SPLIT``).
SURNAMES = (
    ("Nguyễn", 34.0), ("Trần", 11.0), ("Lê", 8.5), ("Phạm", 6.2), ("Hoàng", 5.0),
    ("Phan", 3.6), ("Vũ", 4.0), ("Đặng", 2.0), ("Bùi", 2.2), ("Đỗ", 1.7), ("Hồ", 1.6),
    ("Ngô", 1.4), ("Dương", 1.1), ("Lý", 0.6), ("Trương", 1.3), ("Đinh", 1.1), ("Trịnh", 0.9),
    ("Mai", 0.8), ("Hà", 0.8), ("Đoàn", 0.8), ("Lương", 0.7), ("Cao", 0.7), ("Đào", 0.6),
    ("Lưu", 0.5), ("Lâm", 0.4), ("Triệu", 0.3), ("Phùng", 0.3), ("Chu", 0.3), ("Thái", 0.3),
    ("Tạ", 0.3), ("Vương", 0.3), ("Tô", 0.3), ("Châu", 0.3), ("Quách", 0.2), ("Kiều", 0.1),
    # the long tail (5.8 in all), spread evenly
    ("Lục", 0.53), ("Nông", 0.53), ("Bạch", 0.53), ("Tăng", 0.53), ("La", 0.53),
    ("Diệp", 0.53), ("Ông", 0.53), ("Khúc", 0.53), ("Mạc", 0.53), ("Tôn", 0.53),
    ("Doãn", 0.53),
)
#: region -> {northern form: (southern form, share written the southern way)}, §2.2:
#: Hoàng : Huỳnh is 95:5 in the North, 55:45 in the Centre, 25:75 in the South;
#: Vũ : Võ is 90:10, 30:70 and 15:85.
REGIONAL_SURNAME_SPLIT = {
    "N": {"Hoàng": ("Huỳnh", 0.05), "Vũ": ("Võ", 0.10)},
    "C": {"Hoàng": ("Huỳnh", 0.45), "Vũ": ("Võ", 0.70)},
    "S": {"Hoàng": ("Huỳnh", 0.75), "Vũ": ("Võ", 0.85)},
}
#: population share of each region (§3.1 totals), used when no region is given
_REGION_SHARE = {"N": 0.354, "C": 0.268, "S": 0.378}

#: (first middle name, weight), §2.3; "other" (11) spread over common ones
MIDDLE_NAMES_FEMALE = (
    ("Thị", 38), ("Ngọc", 12), ("Thu", 6), ("Thanh", 6), ("Minh", 4), ("Kim", 4), ("Hồng", 3),
    ("Phương", 3), ("Mỹ", 3), ("Bảo", 2), ("Khánh", 2), ("Hoàng", 2), ("Diệu", 2), ("Thùy", 2),
    ("Lan", 1), ("Bích", 1), ("Cẩm", 1), ("Tường", 1), ("Quỳnh", 1), ("Hải", 1), ("Ánh", 1),
    ("Hoài", 1), ("Xuân", 1), ("Như", 1), ("Tuyết", 1),
)
MIDDLE_NAMES_MALE = (
    ("Văn", 30), ("Minh", 8), ("Đức", 7), ("Quang", 6), ("Hoàng", 5), ("Quốc", 5), ("Thanh", 5),
    ("Hữu", 5), ("Ngọc", 4), ("Xuân", 3), ("Công", 3), ("Tuấn", 3), ("Anh", 3), ("Gia", 3),
    ("Trọng", 1.7), ("Đình", 1.7), ("Duy", 1.7), ("Bảo", 1.7), ("Thế", 1.7), ("Tấn", 1.7),
)
#: (given name, SME-owner weight), §2.3
GIVEN_NAMES_FEMALE = (
    ("Trang", 4), ("Thảo", 4), ("Linh", 4), ("Anh", 4), ("Phương", 4), ("Hằng", 4),
    ("Huyền", 3), ("Hiền", 3), ("Hương", 5), ("Ngọc", 3), ("Dung", 3), ("Nhung", 3),
    ("Thủy", 4), ("Nhi", 1.5), ("Duyên", 2), ("Vân", 2), ("Quỳnh", 2), ("Nga", 3), ("Yến", 2),
    ("Trinh", 1.5), ("Uyên", 1.5), ("Hạnh", 2), ("Ngân", 1.5), ("Oanh", 1.5), ("Trâm", 1.5),
    ("Ly", 1.5), ("Mai", 2.5), ("Phượng", 1.5), ("Thúy", 1.5), ("Hoa", 2.5), ("Vy", 1),
    ("Hồng", 2), ("Tâm", 1.5), ("Thu", 1.5), ("My", 1), ("Giang", 1.5), ("Loan", 1.5),
    ("Thanh", 2), ("Ánh", 1.5), ("Lan", 3), ("Chi", 1.5), ("An", 1),
    ("Hân", 0.5), ("Thư", 0.8), ("Như", 0.6), ("Nghi", 0.3), ("Thy", 0.3), ("Trân", 0.4),
)
GIVEN_NAMES_MALE = (
    ("Tuấn", 4), ("Hoàng", 2.5), ("Huy", 3), ("Anh", 3), ("Hiếu", 2.5), ("Hùng", 4.5),
    ("Nam", 3), ("Sơn", 3.5), ("Đức", 3.5), ("Dũng", 4), ("Thành", 3), ("Đạt", 2.5),
    ("Cường", 3), ("Long", 3), ("Trung", 3), ("Hải", 3.5), ("Nguyên", 1.5), ("Thắng", 3),
    ("Minh", 3.5), ("Duy", 2), ("Tiến", 2), ("Quang", 2), ("Phúc", 2), ("Trường", 1.5),
    ("Tài", 1.5), ("Toàn", 1.5), ("Hưng", 2), ("Phong", 2), ("Tùng", 2), ("Khánh", 2),
    ("Bảo", 1.5), ("Quân", 2), ("Nghĩa", 1.5), ("Lâm", 1.5), ("Vinh", 1.5), ("Bình", 2),
    ("Mạnh", 1.5), ("Việt", 2), ("Thịnh", 1.5), ("Tâm", 1), ("Tân", 1), ("Phú", 1),
    ("Thái", 1), ("Nhật", 1), ("Lộc", 1.5), ("Khoa", 1.5), ("Trí", 1.5), ("Kiên", 1.5),
    ("Hòa", 1), ("An", 1),
)
#: share of people with two middle names (§2.3, §7)
TWO_MIDDLES = {"female": 0.45, "male": 0.15}
#: (honorific, weight) a sales rep or a chat display name puts before the given name (§2.4) [E]
HONORIFICS_FEMALE = (("Chị", 45), ("C", 10), ("C.", 10), ("Ms.", 15), ("Cô", 10), ("Em", 10))
HONORIFICS_MALE = (("Anh", 45), ("A", 10), ("A.", 10), ("Mr.", 15), ("Chú", 10), ("Em", 10))

# -- phones (§1.2, §1.4, §7) ---------------------------------------------------------------------

#: carrier -> generator weight (§1.4 [E])
CARRIER_WEIGHTS = {"Viettel": 0.52, "VinaPhone": 0.22, "MobiFone": 0.20, "Vietnamobile": 0.035,
                   "Gmobile": 0.01, "Itel": 0.01, "Reddi": 0.005}
#: carrier -> prefixes of today's 10-digit mobiles. A 4-digit entry is a block of a 3-digit
#: prefix of which only some blocks pass libphonenumber (089 only 0896-0899, 052 only
#: 0522/0523/0528, 099 only 0993-0997, 055 only 0559). ``mobile_numbers`` picks a 3-digit
#: prefix uniformly within the carrier, then one of its valid blocks.
MOBILE_PREFIXES = {
    "Viettel": ("086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038",
                "039"),
    "VinaPhone": ("088", "091", "094", "081", "082", "083", "084", "085"),
    "MobiFone": ("0896", "0897", "0898", "0899", "090", "093", "070", "076", "077", "078",
                 "079"),
    "Vietnamobile": ("092", "056", "058", "0522", "0523", "0528"),
    "Gmobile": ("0993", "0994", "0995", "0996", "0997", "059"),
    "Itel": ("087",),
    "Reddi": ("0559",),
}
#: the 2018 conversion of 11-digit mobiles (§1.2): old 4-digit prefix -> new 3-digit prefix;
#: the last 7 digits were kept, e.g. 01695678945 -> 0395678945
OLD_TO_NEW_MOBILE = {
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    "0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036", "0167": "037",
    "0168": "038", "0169": "039", "0186": "056", "0188": "058", "0199": "059",
}
#: new 3-digit prefix -> the 4-digit prefix it replaced in 2018
NEW_TO_OLD_MOBILE = {new: old for old, new in OLD_TO_NEW_MOBILE.items()}

# -- provinces (§3.1, §3.2) ----------------------------------------------------------------------


class Province(NamedTuple):
    """One of the 34 province-level units of 1 July 2025 (§3.1)."""

    code: str       #: official code, e.g. "79"
    official: str   #: official name, e.g. "Thành phố Hồ Chí Minh"
    short: str      #: name in everyday use, e.g. "Hồ Chí Minh"
    region: str     #: "N", "C" (incl. the Central Highlands) or "S"
    landline: str   #: landline area code, e.g. "028"
    weight: float   #: relative population weight (%), from the merger dossiers


#: the 34 units, in code order
PROVINCES = (
    Province("01", "Thành phố Hà Nội", "Hà Nội", "N", "024", 7.70),
    Province("04", "Cao Bằng", "Cao Bằng", "N", "0206", 0.49),
    Province("08", "Tuyên Quang", "Tuyên Quang", "N", "0207", 1.67),
    Province("11", "Điện Biên", "Điện Biên", "N", "0215", 0.58),
    Province("12", "Lai Châu", "Lai Châu", "N", "0213", 0.44),
    Province("14", "Sơn La", "Sơn La", "N", "0212", 1.18),
    Province("15", "Lào Cai", "Lào Cai", "N", "0214", 1.60),
    Province("19", "Thái Nguyên", "Thái Nguyên", "N", "0208", 1.61),
    Province("20", "Lạng Sơn", "Lạng Sơn", "N", "0205", 0.72),
    Province("22", "Quảng Ninh", "Quảng Ninh", "N", "0203", 1.24),
    Province("24", "Bắc Ninh", "Bắc Ninh", "N", "0222", 3.25),
    Province("25", "Phú Thọ", "Phú Thọ", "N", "0210", 3.61),
    Province("31", "Thành phố Hải Phòng", "Hải Phòng", "N", "0225", 4.18),
    Province("33", "Hưng Yên", "Hưng Yên", "N", "0221", 3.20),
    Province("37", "Ninh Bình", "Ninh Bình", "N", "0229", 3.96),
    Province("38", "Thanh Hóa", "Thanh Hóa", "C", "0237", 3.36),
    Province("40", "Nghệ An", "Nghệ An", "C", "0238", 3.09),
    Province("42", "Hà Tĩnh", "Hà Tĩnh", "C", "0239", 1.19),
    Province("44", "Quảng Trị", "Quảng Trị", "C", "0233", 1.68),
    Province("46", "Thành phố Huế", "Huế", "C", "0234", 1.05),
    Province("48", "Thành phố Đà Nẵng", "Đà Nẵng", "C", "0236", 2.75),
    Province("51", "Quảng Ngãi", "Quảng Ngãi", "C", "0255", 1.94),
    Province("52", "Gia Lai", "Gia Lai", "C", "0269", 3.22),
    Province("56", "Khánh Hòa", "Khánh Hòa", "C", "0258", 2.01),
    Province("66", "Đắk Lắk", "Đắk Lắk", "C", "0262", 3.00),
    Province("68", "Lâm Đồng", "Lâm Đồng", "C", "0263", 3.47),
    Province("75", "Đồng Nai", "Đồng Nai", "S", "0251", 4.03),
    Province("79", "Thành phố Hồ Chí Minh", "Hồ Chí Minh", "S", "028", 12.56),
    Province("80", "Tây Ninh", "Tây Ninh", "S", "0276", 2.92),
    Province("82", "Đồng Tháp", "Đồng Tháp", "S", "0277", 3.92),
    Province("86", "Vĩnh Long", "Vĩnh Long", "S", "0270", 3.82),
    Province("91", "An Giang", "An Giang", "S", "0296", 4.44),
    Province("92", "Thành phố Cần Thơ", "Cần Thơ", "S", "0292", 3.77),
    Province("96", "Cà Mau", "Cà Mau", "S", "0290", 2.34),
)
_HCM, _HN, _HUE = "Thành phố Hồ Chí Minh", "Thành phố Hà Nội", "Thành phố Huế"
_DN, _HP, _CT = "Thành phố Đà Nẵng", "Thành phố Hải Phòng", "Thành phố Cần Thơ"

#: every one of the 63 provinces before 1 July 2025 -> the official name of the unit it is part
#: of now (§3.1 "Formed from"). Province-level conversion is deterministic; ward-level is not.
FORMER_PROVINCES = {
    # North
    "Hà Nội": _HN, "Hà Giang": "Tuyên Quang", "Cao Bằng": "Cao Bằng", "Bắc Kạn": "Thái Nguyên",
    "Tuyên Quang": "Tuyên Quang", "Lào Cai": "Lào Cai", "Điện Biên": "Điện Biên",
    "Lai Châu": "Lai Châu", "Sơn La": "Sơn La", "Yên Bái": "Lào Cai", "Hòa Bình": "Phú Thọ",
    "Thái Nguyên": "Thái Nguyên", "Lạng Sơn": "Lạng Sơn", "Quảng Ninh": "Quảng Ninh",
    "Bắc Giang": "Bắc Ninh", "Phú Thọ": "Phú Thọ", "Vĩnh Phúc": "Phú Thọ", "Bắc Ninh": "Bắc Ninh",
    "Hải Dương": _HP, "Hải Phòng": _HP, "Hưng Yên": "Hưng Yên", "Thái Bình": "Hưng Yên",
    "Hà Nam": "Ninh Bình", "Nam Định": "Ninh Bình", "Ninh Bình": "Ninh Bình",
    # Centre and Central Highlands
    "Thanh Hóa": "Thanh Hóa", "Nghệ An": "Nghệ An", "Hà Tĩnh": "Hà Tĩnh",
    "Quảng Bình": "Quảng Trị", "Quảng Trị": "Quảng Trị", "Thừa Thiên Huế": _HUE,
    "Đà Nẵng": _DN, "Quảng Nam": _DN, "Quảng Ngãi": "Quảng Ngãi", "Kon Tum": "Quảng Ngãi",
    "Bình Định": "Gia Lai", "Gia Lai": "Gia Lai", "Phú Yên": "Đắk Lắk", "Đắk Lắk": "Đắk Lắk",
    "Khánh Hòa": "Khánh Hòa", "Ninh Thuận": "Khánh Hòa", "Bình Thuận": "Lâm Đồng",
    "Đắk Nông": "Lâm Đồng", "Lâm Đồng": "Lâm Đồng",
    # South
    "Bình Phước": "Đồng Nai", "Đồng Nai": "Đồng Nai", "Tây Ninh": "Tây Ninh", "Long An": "Tây Ninh",
    "Bình Dương": _HCM, "Hồ Chí Minh": _HCM, "Bà Rịa - Vũng Tàu": _HCM,
    "Tiền Giang": "Đồng Tháp", "Đồng Tháp": "Đồng Tháp", "Bến Tre": "Vĩnh Long",
    "Trà Vinh": "Vĩnh Long", "Vĩnh Long": "Vĩnh Long", "An Giang": "An Giang",
    "Kiên Giang": "An Giang", "Cần Thơ": _CT, "Hậu Giang": _CT, "Sóc Trăng": _CT,
    "Bạc Liêu": "Cà Mau", "Cà Mau": "Cà Mau",
}
#: written variants -> official name (§3.2): abbreviations, English and ASCII spellings, old
#: names of parts, and "Tỉnh X" for every province. Together with the official and short names
#: and ``FORMER_PROVINCES`` this is all a normaliser needs (fold the keys to match loosely).
#: "ĐN"/"DN" are left out on purpose: they mean Đà Nẵng or Đồng Nai.
PROVINCE_ALIASES = {
    **dict.fromkeys((
        "TP.HCM", "TP. HCM", "TPHCM", "TP HCM", "Tp.HCM", "tp hcm", "HCM", "HCMC", "Hồ Chí Minh",
        "TP. Hồ Chí Minh", "TP Hồ Chí Minh", "Ho Chi Minh", "Ho Chi Minh City", "Sài Gòn",
        "Sai Gon", "Saigon", "SG", "BR-VT", "BRVT", "Bà Rịa Vũng Tàu", "Bà Rịa–Vũng Tàu",
        "Vũng Tàu", "Thủ Dầu Một"), _HCM),
    **dict.fromkeys(("Hà Nội", "TP. Hà Nội", "TP Hà Nội", "Thủ đô Hà Nội", "Ha Noi", "Hanoi",
                     "HN"), _HN),
    **dict.fromkeys(("Đà Nẵng", "TP. Đà Nẵng", "TP Đà Nẵng", "Da Nang", "Danang"), _DN),
    **dict.fromkeys(("Hải Phòng", "TP. Hải Phòng", "Hai Phong", "HP"), _HP),
    **dict.fromkeys(("Cần Thơ", "TP. Cần Thơ", "Can Tho"), _CT),
    **dict.fromkeys(("Huế", "TP. Huế", "Hue", "Thừa Thiên Huế", "Thừa Thiên - Huế", "TT Huế",
                     "TT-Huế"), _HUE),
    "Biên Hòa": "Đồng Nai", "Đà Lạt": "Lâm Đồng", "Nha Trang": "Khánh Hòa",
    "Buôn Ma Thuột": "Đắk Lắk", "Quy Nhơn": "Gia Lai", "Hạ Long": "Quảng Ninh",
    **{f"Tỉnh {p.short}": p.official for p in PROVINCES if p.official == p.short},
}

# -- e-mail (§2.7) -------------------------------------------------------------------------------

#: the target mix of e-mail domains over all addresses (§2.7 [E]): gmail ≈80%, yahoo ≈8%,
#: outlook/hotmail ≈5%, a company domain ≈7%. ``email_addresses`` uses the company domain
#: wherever the caller gives one; so give one to about 7% of people to reach this mix.
EMAIL_DOMAIN_MIX = {"gmail.com": 0.80, "yahoo.com": 0.05, "yahoo.com.vn": 0.03,
                    "outlook.com": 0.03, "hotmail.com": 0.02, "<company>": 0.07}
#: (domain, weight) of free mailboxes: ``EMAIL_DOMAIN_MIX`` without the company share
FREE_EMAIL_DOMAINS = tuple((d, w) for d, w in EMAIL_DOMAIN_MIX.items() if d != "<company>")
#: domain -> typos seen in real exports (§2.7)
TYPO_DOMAINS = {
    "gmail.com": ("gmai.com", "gmail.con", "gmial.com", "gmail.com.vn", "gmal.com"),
    "yahoo.com": ("yaho.com", "yahoo.con", "yahooo.com"),
    "yahoo.com.vn": ("yahoo.vn", "yaho.com.vn"),
    "outlook.com": ("outlok.com", "outlook.con"),
    "hotmail.com": ("hotmial.com", "hotmail.con"),
}
#: local-part patterns (template, weight) after §2.7: nguyenvanduc, ducnguyen, duc.nv, nvduc1985,
#: thuhuong.88, huongnguyen2603. Fields: fam/mid/giv (ASCII, no spaces), f (family initial),
#: ini (middle initials), lastmid (last middle), yyyy/yy (birth year), ddmm (a birthday),
#: num (1-9999). Most patterns carry digits, which keeps collisions rare (about 1 in 100 at
#: 100,000 people).
_LOCAL_PARTS = (
    ("{fam}{mid}{giv}", 1), ("{fam}{mid}{giv}{num}", 14), ("{giv}{fam}{num}", 12),
    ("{giv}.{f}{ini}{num}", 8), ("{giv}{f}{ini}{num}", 8), ("{giv}.{fam}{num}", 8),
    ("{f}{ini}{giv}{yyyy}", 4), ("{f}{ini}{giv}{ddmm}{yy}", 6), ("{lastmid}{giv}.{yy}", 2),
    ("{lastmid}{giv}{ddmm}", 6), ("{giv}{fam}{ddmm}", 6), ("{giv}{fam}{ddmm}{yy}", 6),
    ("{fam}{giv}{yyyy}", 2), ("{giv}.{f}{ini}", 1),
)

# -- company names -------------------------------------------------------------------------------

_CAFE_CORES = (
    "Mộc Lan", "Sương Sớm", "Phố Cũ", "Gác Nhỏ", "Hạt Nâu", "An Nhiên", "Góc Phố", "Mây Trắng",
    "Đồi Thông", "Ban Mai", "Hẻm Xưa", "Sân Thượng", "Nhà Gỗ", "Tĩnh Lặng", "Ký Ức", "Lá Me",
    "Hoa Sữa", "Phin Đen", "Bông Gòn", "Gió Chiều", "Trăng Non", "Thềm Xưa", "Giấc Mơ",
    "Bình Yên", "Rêu Phong", "Cỏ Xanh", "Mùa Thu", "Hương Đất", "Cây Bàng", "Nắng Mai",
    "Hồ Sen", "Hiên Nhà", "Tre Xanh", "Lãng Du", "Cội Nguồn", "Đất Đỏ", "Cao Nguyên",
    "Buôn Mê", "Sài Gòn Xưa", "Hà Thành",
)
_OFFICE_CORES = (
    "Minh Phát", "An Khang", "Thành Công", "Việt Tiến", "Hưng Thịnh", "Sao Việt", "Đại Dương",
    "Phú Gia", "Tân Á", "Bình Minh", "Hoàng Long", "Nam Việt", "Kim Cương", "Thiên Phúc",
    "Trường Sơn", "Vạn Lợi", "Đông Á", "Hải Đăng", "Phát Đạt", "Thịnh Vượng", "Tín Nghĩa",
    "Hòa Bình", "Quang Minh", "Đức Tín", "Gia Huy", "Tâm Phát", "Hoàn Cầu", "Á Châu",
    "Nhật Quang", "Phương Đông", "An Phú", "Hồng Phát", "Trí Việt", "Hợp Nhất", "Toàn Cầu",
    "Tiến Phát", "Lộc Phát", "Sài Gòn Xanh", "Thăng Long", "Sông Hồng",
)
_HOSPITALITY_CORES = (
    "Hoàng Gia", "Sen Vàng", "Biển Xanh", "Phố Hội", "Ngọc Lan", "Bếp Việt", "Hương Quê",
    "Cỏ May", "Làng Chài", "Hòn Ngọc", "Phương Nam", "Hoa Sen", "Mekong", "Sông Hàn", "Hồ Tây",
    "Thăng Long", "Cố Đô", "Ánh Dương", "Bình An", "Đồng Quê", "Tre Việt", "Hạ Long",
    "Mây Ngàn", "Cát Trắng", "Vườn Xoài", "Lúa Vàng", "Hải Âu", "Gió Biển", "Đêm Trăng",
    "Sơn Thủy", "Thiên Đường", "Mặt Trời", "Bếp Nhà", "Sao Mai", "Hương Cau", "Cây Dừa",
    "Rạng Đông", "Hoa Đào", "Lá Chuối", "Bông Lúa",
)
#: kind -> templates; each ``{field}`` is filled from ``_COMPANY_WORDS`` (all combinations occur)
_COMPANY_TEMPLATES = {
    "cafe": ("{cafe_type} {cafe_core}{cafe_tail}", "The {en_adj} {en_noun}",
             "{cafe_type} {given}", "{cafe_core} Coffee{cafe_tail}"),
    "office": ("{legal_form} {sector}{office_core}",),
    "restaurant_hotel": ("{venue} {hosp_core}{hosp_tail}",),
}
_COMPANY_WORDS = {
    "cafe_type": ("Cà Phê", "Cafe", "Café", "Tiệm Cà Phê", "Quán", "Nhà"),
    "cafe_core": _CAFE_CORES,
    "cafe_tail": ("", "", "", " 1989", " 68", " & Tea", " Roastery", " House", " Garden",
                  " Corner"),
    "en_adj": ("Bean", "Brew", "Roast", "Daily", "Little", "Urban", "Hidden", "Morning",
               "Golden", "Copper", "Slow", "Green", "Black", "Honest", "Lazy", "Sunny"),
    "en_noun": ("House", "Corner", "Lab", "Spot", "Room", "Garden", "Bar", "Story", "Club",
                "Shop"),
    "given": tuple(name for name, _ in GIVEN_NAMES_FEMALE + GIVEN_NAMES_MALE),
    "legal_form": ("Công ty TNHH", "Công ty CP", "Công ty Cổ phần", "Công ty TNHH MTV"),
    "sector": ("", "", "", "Thương mại ", "Dịch vụ ", "Đầu tư ", "Công nghệ ", "Xây dựng ",
               "Truyền thông ", "Giải pháp ", "Tư vấn ", "Phần mềm ", "Kỹ thuật ",
               "Logistics ", "Sản xuất ", "Xuất nhập khẩu ", "Thương mại Dịch vụ "),
    "office_core": _OFFICE_CORES,
    "venue": ("Nhà hàng", "Khách sạn", "Resort", "Quán", "Bistro", "Homestay", "Quán Lẩu",
              "Quán Nướng", "Nhà hàng Chay"),
    "hosp_core": _HOSPITALITY_CORES,
    "hosp_tail": ("", "", "", " Riverside", " Central", " Garden", " 2", " 68", " Sài Gòn",
                  " Hà Nội", " Đà Nẵng"),
}

# -- default mess rates (probability of each variant; the rest stays clean) ----------------------

#: §1.1 suggested shares [E]. "legacy" applies only to numbers whose prefix changed in 2018
#: (about 63% of generated mobiles): 0.065 of those is ≈4% of all numbers, the note's share.
#: "blank" is a design choice [E].
PHONE_FORMAT_RATES = {"spaces": 0.12, "dots": 0.08, "dashes": 0.03, "plus84": 0.08, "84": 0.05,
                      "lost_zero": 0.06, "legacy": 0.065, "blank": 0.03}
#: §2.4 suggested rates [E]; given_first and given_only are the note's rates for social rows,
#: old_tone applies only to names with oa/oe/uy at a word's end. Pass one mapping per system.
NAME_MESS_RATES = {"no_diacritics": 0.20, "upper_ascii": 0.08, "upper": 0.03, "lower": 0.05,
                   "nfd": 0.04, "extra_spaces": 0.05, "given_first": 0.10, "given_only": 0.08,
                   "honorific": 0.05, "old_tone": 0.05}
#: §2.7 [E]; "blank" is a design choice [E]
EMAIL_MESS_RATES = {"upper": 0.03, "spaces": 0.02, "typo_domain": 0.02, "blank": 0.05}
#: [E] after §3.2: "former" applies only to units formed by a merger (55% of a 2019-2026 file is
#: written pre-merger; about a quarter of a merged unit's people lived in an absorbed province).
PROVINCE_VARIANT_RATES = {"alias": 0.30, "former": 0.15, "no_diacritics": 0.10, "blank": 0.05}

# == text =========================================================================================


class _MarkStripper(dict):
    """``str.translate`` table: drops nonspacing marks (category Mn), maps đ/Đ/Ð/ð to d/D.

    Filled lazily, one code point at a time, so it covers every character of any string.
    """

    def __missing__(self, code_point: int) -> int | None:
        mark = unicodedata.category(chr(code_point)) == "Mn"
        self[code_point] = None if mark else code_point
        return self[code_point]


_STRIP = _MarkStripper({ord("đ"): "d", ord("Đ"): "D", ord("Ð"): "D", ord("ð"): "d"})


def strip_diacritics(text: str) -> str:
    """Remove diacritics, keep case: NFD, drop combining marks, đ/Đ/Ð/ð to d/D, then NFC.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> strip_diacritics("Đỗ Minh Quân")
    'Do Minh Quan'
    """
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).translate(_STRIP))


def fold(text: str) -> str:
    """Matching key for Vietnamese text: lower case, no diacritics, single spaces (§2.5).

    Lower-cases, decomposes (NFD), drops combining marks, maps đ/Đ/Ð/ð to d and collapses
    whitespace. Idempotent; never raises on a ``str``. Folding merges different people
    (Đức/Dực), so use it for blocking and comparison, never as an identity on its own.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> fold("  NGUYỄN   Văn Ðức ")
    'nguyen van duc'
    """
    return " ".join(strip_diacritics(text.lower()).split())


def _strings(values) -> np.ndarray:
    """``values`` as a 1-d object array (a new array)."""
    return np.array(values, dtype=object, ndmin=1)


def _factorize(values) -> tuple[np.ndarray, list]:
    """Codes into the list of distinct values (in order of first appearance), and that list."""
    index: dict = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64,
                        count=len(values))
    return codes, list(index)


def _derive(values, funcs: Mapping[str, Callable]) -> dict[str, np.ndarray]:
    """Each ``func`` of each value, as object arrays; computed once per distinct value."""
    codes, distinct = _factorize(values)
    return {name: np.array([f(v) for v in distinct], dtype=object)[codes]
            for name, f in funcs.items()}


def _map(func: Callable, values) -> np.ndarray:
    """``func`` of each value as an object array, computed once per distinct value."""
    return _derive(values, {"": func})[""]


def _int_text(values: np.ndarray, width: int = 0) -> np.ndarray:
    """Small non-negative integers as text, zero-padded to ``width``."""
    table = np.array([f"{v:0{width}d}" for v in range(int(values.max(initial=0)) + 1)],
                     dtype=object)
    return table[values]


def _draw_index(rng: np.random.Generator, table, size: int) -> np.ndarray:
    """``size`` row numbers drawn from a ``(value, weight)`` table by weight."""
    weights = np.array([w for _, w in table], dtype=float)
    return rng.choice(len(weights), size=size, p=weights / weights.sum())


def _draw(rng: np.random.Generator, table, size: int) -> np.ndarray:
    """``size`` values drawn from a ``(value, weight)`` table by weight."""
    return np.array([v for v, _ in table], dtype=object)[_draw_index(rng, table, size)]


def _either(rng: np.random.Generator, first: np.ndarray, second) -> np.ndarray:
    """Per element, ``first`` or ``second`` with equal chance."""
    return np.where(rng.random(len(first)) < 0.5, first, second)


def _last_word(values) -> np.ndarray:
    """The last word of each value: the given name of a family-first name."""
    return np.array([v.rsplit(" ", 1)[-1] for v in values], dtype=object)


def _fill(template: str, fields: Mapping[str, np.ndarray], idx: np.ndarray) -> np.ndarray:
    """Fill a ``str.format`` template element-wise from field arrays, at rows ``idx``."""
    out = np.full(len(idx), "", dtype=object)
    for literal, field, _, _ in string.Formatter().parse(template):
        out = out + literal
        if field:
            out = out + fields[field][idx]
    return out


# == generators ===================================================================================


def surname_weights(region: str | None = None) -> tuple[tuple[str, float], ...]:
    """Surname table for a region, with Hoàng/Huỳnh and Vũ/Võ split (§2.2).

    Parameters
    ----------
    region : {"N", "C", "S"} or None
        North, Centre, South; None gives the national mix (regions weighted by population).

    Returns
    -------
    tuple of (surname, weight %)

    Examples
    --------
    >>> dict(surname_weights("S"))["Huỳnh"], dict(surname_weights("S"))["Hoàng"]
    (3.75, 1.25)
    """
    if region is not None and region not in REGIONAL_SURNAME_SPLIT:
        raise ValueError(f"unknown region {region!r}: use 'N', 'C', 'S' or None")
    shares = {region: 1.0} if region else _REGION_SHARE
    out = []
    for name, weight in SURNAMES:
        alt = REGIONAL_SURNAME_SPLIT["N"].get(name)        # one of the split pairs?
        if alt is None:
            out.append((name, weight))
            continue
        south = sum(s * REGIONAL_SURNAME_SPLIT[r][name][1] for r, s in shares.items())
        out += [(name, round(weight * (1 - south), 6)), (alt[0], round(weight * south, 6))]
    return tuple(out)


def _middle_names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    """One or two middle names per person; two for 45% of women and 15% of men (§2.3)."""
    n = len(female)
    middle = np.empty(n, dtype=object)
    for is_female, table, key in ((True, MIDDLE_NAMES_FEMALE, "female"),
                                  (False, MIDDLE_NAMES_MALE, "male")):
        idx = np.flatnonzero(female == is_female)
        first = _draw(rng, table, len(idx))
        seconds = table[1:]                    # no second Thị / Văn
        k = _draw_index(rng, seconds, len(idx))
        names = np.array([v for v, _ in seconds], dtype=object)
        k = np.where(names[k] == first, (k + 1) % len(seconds), k)   # never the same twice
        two = rng.random(len(idx)) < TWO_MIDDLES[key]
        middle[idx] = np.where(two, first + " " + names[k], first)
    return middle


def person_names(rng: np.random.Generator, female, region=None) -> dict[str, np.ndarray]:
    """Vietnamese names, family name first, in NFC (§2.1-§2.3).

    Parameters
    ----------
    rng : numpy.random.Generator
    female : array of bool
        One person per element.
    region : array of {"N", "C", "S"}, optional
        Each person's region; decides Hoàng/Huỳnh and Vũ/Võ. None: the national mix.

    Returns
    -------
    dict of object arrays
        ``family``, ``middle`` (one or two words), ``given`` and ``full``
        (``family middle given``).

    Examples
    --------
    >>> n = person_names(np.random.default_rng(0), [True, False], region=["N", "S"])
    >>> [full == f"{a} {b} {c}" for full, a, b, c in
    ...  zip(n["full"], n["family"], n["middle"], n["given"])]
    [True, True]
    """
    female = np.array(female, dtype=bool, ndmin=1)
    n = len(female)
    codes, regions = _factorize(np.full(n, None) if region is None else _strings(region))
    unknown = set(regions) - {None, *REGIONAL_SURNAME_SPLIT}
    if unknown:
        raise ValueError(f"unknown region(s) {sorted(map(str, unknown))}: use 'N', 'C' or 'S'")
    family = np.empty(n, dtype=object)
    for k, r in enumerate(regions):
        idx = np.flatnonzero(codes == k)
        family[idx] = _draw(rng, surname_weights(r), len(idx))
    middle = _middle_names(rng, female)
    given = np.where(female, _draw(rng, GIVEN_NAMES_FEMALE, n), _draw(rng, GIVEN_NAMES_MALE, n))
    full = np.array([f"{f} {m} {g}" for f, m, g in zip(family, middle, given)], dtype=object)
    return {"family": family, "middle": middle, "given": given, "full": full}


def _prefix_blocks(converted: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """4-digit mobile blocks (912 for 0912) and their probabilities.

    Carrier by ``CARRIER_WEIGHTS``, 3-digit prefix uniformly within the carrier, then a valid
    block of it. ``converted`` keeps only prefixes that did (True) or did not (False) replace an
    11-digit prefix in 2018.
    """
    blocks, probs = [], []
    for carrier, prefixes in MOBILE_PREFIXES.items():
        heads: dict[str, list[str]] = {}
        for p in prefixes:
            heads.setdefault(p[:3], []).extend([p] if len(p) == 4 else
                                               [p + str(d) for d in range(10)])
        if converted is not None:
            heads = {h: b for h, b in heads.items() if (h in NEW_TO_OLD_MOBILE) == converted}
        for block_list in heads.values():
            blocks += [int(b) for b in block_list]
            probs += [CARRIER_WEIGHTS[carrier] / len(heads) / len(block_list)] * len(block_list)
    probs_arr = np.array(probs)
    return np.array(blocks, dtype=np.int64), probs_arr / probs_arr.sum()


def _mobile_ints(rng: np.random.Generator, size: int, share: float | None) -> np.ndarray:
    """``size`` mobiles as 9-digit integers (the number without its leading 0)."""
    if share is None:
        pools = [(np.ones(size, dtype=bool), None)]
    else:
        converted = rng.random(size) < share
        pools = [(converted, True), (~converted, False)]
    block = np.empty(size, dtype=np.int64)
    for mask, kind in pools:
        blocks, probs = _prefix_blocks(kind)
        block[mask] = blocks[rng.choice(len(blocks), size=int(mask.sum()), p=probs)]
    return block * 1_000_000 + rng.integers(0, 1_000_000, size)


def mobile_numbers(rng: np.random.Generator, n: int, *,
                   legacy_eligible_share: float | None = None) -> np.ndarray:
    """``n`` distinct 10-digit mobile numbers such as ``0912345678``, weighted by carrier.

    Carrier by ``CARRIER_WEIGHTS``, a prefix uniformly within the carrier (only blocks that
    libphonenumber validates), then 7 random digits (§1.4, §7). Duplicates are drawn again.

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
    legacy_eligible_share : float, optional
        Share of numbers on a prefix that replaced an 11-digit prefix in 2018 (032-039, 070,
        076-079, 081-085, 056, 058, 059), i.e. with a ``legacy_form``. None keeps the natural
        carrier mix (about 63%).

    Returns
    -------
    object array of str

    Examples
    --------
    >>> m = mobile_numbers(np.random.default_rng(1), 5)
    >>> all(len(x) == 10 and x[0] == "0" for x in m), len(set(m))
    (True, 5)
    """
    if legacy_eligible_share is not None and not 0 <= legacy_eligible_share <= 1:
        raise ValueError(f"legacy_eligible_share must be in [0, 1], got {legacy_eligible_share}")
    out = np.empty(0, dtype=np.int64)
    while len(out) < n:
        more = _mobile_ints(rng, n - len(out) + 16, legacy_eligible_share)
        out = np.concatenate([out, more])
        _, first = np.unique(out, return_index=True)
        out = out[np.sort(first)]
    return np.strings.add("0", out[:n].astype(np.dtypes.StringDType())).astype(object)


def landline_numbers(rng: np.random.Generator, area_codes) -> np.ndarray:
    """One landline per area code, national format, 11 digits in all (§1.1).

    Parameters
    ----------
    rng : numpy.random.Generator
    area_codes : array of str
        Area codes such as ``"028"`` or ``"0236"`` (``Province.landline``).

    Returns
    -------
    object array of str
        E.g. ``02838221234``: the code, then a subscriber number starting with 2-9.

    Examples
    --------
    >>> [len(x) for x in landline_numbers(np.random.default_rng(0), ["028", "0236"])]
    [11, 11]
    """
    codes = _strings(area_codes)
    bad = [c for c in dict.fromkeys(codes.tolist())
           if not (isinstance(c, str) and c.isdigit() and c[:2] == "02" and len(c) in (3, 4))]
    if bad:
        raise ValueError(f"not a landline area code (e.g. '028', '0236'): {bad[:5]}")
    width = 11 - np.array([len(c) for c in codes], dtype=np.int64)
    subscriber = rng.integers(2 * 10 ** (width - 1), 10 ** width)
    return codes + subscriber.astype(str).astype(object)


def legacy_form(national) -> np.ndarray:
    """The pre-2018 11-digit form of 10-digit mobiles, ``""`` where the prefix did not change.

    Only the prefix changed in 2018; the last 7 digits were kept (§1.2).

    Parameters
    ----------
    national : array of str
        10-digit national numbers such as ``0395678945``.

    Returns
    -------
    object array of str

    Examples
    --------
    >>> legacy_form(["0395678945", "0912345678"]).tolist()
    ['01695678945', '']
    """
    return np.array([_legacy_one(x) for x in _strings(national)], dtype=object)


def _legacy_one(national: str) -> str:
    old = NEW_TO_OLD_MOBILE.get(national[:3], "")
    return old + national[3:] if old and len(national) == 10 and national.isdigit() else ""


def _ascii_word(name: str) -> str:
    return fold(name).replace(" ", "")


def _email_fields(rng, family, middle, given, birth_year) -> dict[str, np.ndarray]:
    """The pieces local parts are made of, as ASCII object arrays."""
    fields = {
        **_derive(_strings(family), {"fam": _ascii_word, "f": lambda v: _ascii_word(v)[:1]}),
        **_derive(_strings(given), {"giv": _ascii_word}),
        **_derive(_strings(middle), {
            "mid": _ascii_word,
            "ini": lambda v: "".join(w[0] for w in fold(v).split()),
            "lastmid": lambda v: _ascii_word(v.rsplit(" ", 1)[-1])}),
    }
    n = len(fields["fam"])
    year = (rng.integers(1965, 2004, n) if birth_year is None
            else np.array(birth_year, dtype=np.int64, ndmin=1))
    return {**fields, "yyyy": _int_text(year), "yy": _int_text(year % 100, 2),
            "ddmm": _int_text(rng.integers(1, 29, n), 2) + _int_text(rng.integers(1, 13, n), 2),
            "num": _int_text(rng.integers(1, 10_000, n))}


def email_addresses(rng: np.random.Generator, family, middle, given, *, birth_year=None,
                    domain=None) -> np.ndarray:
    """Realistic e-mail addresses: nguyenvanduc12@, duc.nv88@, nvduc1985@, thuhuong.88@ (§2.7).

    The local part follows one of the common Vietnamese patterns, folded to ASCII; most carry
    digits so collisions are rare (not impossible: dedupe if you need unique addresses).

    Parameters
    ----------
    rng : numpy.random.Generator
    family, middle, given : array of str
        Name parts as from ``person_names``.
    birth_year : array of int, optional
        Used for the year patterns; drawn from 1965-2003 when not given.
    domain : str or array of str/None, optional
        A company domain per person ("" or None: none). Where given, the address is a
        business address on that domain; elsewhere the free-mail mix ``FREE_EMAIL_DOMAINS``
        (gmail 86%, yahoo 9%, outlook/hotmail 5%). See ``EMAIL_DOMAIN_MIX`` for the overall
        target.

    Returns
    -------
    object array of str

    Examples
    --------
    >>> e = email_addresses(np.random.default_rng(0), ["Nguyễn"], ["Văn"], ["Đức"],
    ...                     domain=["phinco.vn"])
    >>> e[0].endswith("@phinco.vn") and e[0].isascii()
    True
    """
    fields = _email_fields(rng, family, middle, given, birth_year)
    n = len(fields["fam"])
    pattern = _draw_index(rng, _LOCAL_PARTS, n)
    local = np.empty(n, dtype=object)
    for k, (template, _) in enumerate(_LOCAL_PARTS):
        idx = np.flatnonzero(pattern == k)
        local[idx] = _fill(template, fields, idx)
    free = _draw(rng, FREE_EMAIL_DOMAINS, n)
    if domain is not None:
        company = np.broadcast_to(_strings(domain), (n,))
        has = np.array([isinstance(d, str) and d != "" for d in company], dtype=bool)
        free = np.where(has, company, free)
    return local + "@" + free


def company_names(rng: np.random.Generator, kind) -> np.ndarray:
    """Plausible Vietnamese SME names, one per element of ``kind``.

    Combines word lists (thousands of combinations per kind): "Cà Phê Mộc Lan",
    "The Bean House", "Công ty TNHH Minh Phát", "Khách sạn Hoàng Gia Riverside".

    Parameters
    ----------
    rng : numpy.random.Generator
    kind : str or array of str
        "cafe", "office" or "restaurant_hotel" per company.

    Returns
    -------
    object array of str

    Examples
    --------
    >>> company_names(np.random.default_rng(0), ["office"])[0].startswith("Công ty")
    True
    """
    kind = _strings(kind)
    unknown = set(kind.tolist()) - set(_COMPANY_TEMPLATES)
    if unknown:
        raise ValueError(f"unknown company kind(s) {sorted(unknown)}: "
                         f"use {list(_COMPANY_TEMPLATES)}")
    out = np.empty(len(kind), dtype=object)
    for k, templates in _COMPANY_TEMPLATES.items():
        rows = np.flatnonzero(kind == k)
        used = sorted({f for t in templates for _, f, _, _ in string.Formatter().parse(t) if f})
        words = {f: np.array(_COMPANY_WORDS[f], dtype=object)[
            rng.integers(0, len(_COMPANY_WORDS[f]), len(rows))] for f in used}
        which = rng.integers(0, len(templates), len(rows))
        for t, template in enumerate(templates):
            sub = np.flatnonzero(which == t)
            out[rows[sub]] = _fill(template, words, sub)
    return out


# == mess =========================================================================================

#: a variant: (rng, values to change, context arrays at the same rows) -> new values
_Variant = Callable[[np.random.Generator, np.ndarray, dict], np.ndarray]


def _mess(rng: np.random.Generator, values, rates: Mapping[str, float],
          variants: Mapping[str, _Variant], *, clean: str = "clean",
          context: Mapping[str, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Apply each variant to a random share ``rates[name]`` of the values.

    Variants are drawn and applied in the order of ``variants`` (not of ``rates``), so the
    result depends only on the seed and the rates. A value a variant leaves unchanged (not
    applicable, e.g. no former province) and an empty value are labelled ``clean``.
    """
    values = _strings(values)
    unknown = set(rates) - set(variants)
    if unknown:
        raise ValueError(f"unknown variant(s) {sorted(unknown)}: use {list(variants)}")
    p = np.array([float(rates.get(name, 0.0)) for name in variants])
    if (p < 0).any() or p.sum() > 1 + 1e-9:
        raise ValueError(f"rates must be >= 0 and add up to at most 1: {dict(rates)}")
    code = np.searchsorted(np.cumsum(p), rng.random(len(values)), side="right")
    code[values == ""] = len(p)
    out = values.copy()
    for k, (name, variant) in enumerate(variants.items()):
        idx = np.flatnonzero(code == k)
        if idx.size:
            ctx = {key: arr[idx] for key, arr in (context or {}).items()}
            out[idx] = variant(rng, values[idx], ctx)
    labels = np.array([*variants, clean], dtype=object)[code]
    labels[out == values] = clean
    return out, labels


# -- phones --------------------------------------------------------------------------------------

def _groups(x, cuts: tuple[int, ...], sep: str) -> np.ndarray:
    """Digits cut at ``cuts`` and joined with ``sep``: ``_groups(["0912345678"], (4, 7), " ")``
    gives ``0912 345 678``."""
    s = np.asarray(x, dtype=np.dtypes.StringDType())
    bounds = (0, *cuts, None)
    out = np.strings.slice(s, bounds[0], bounds[1])
    for start, stop in zip(bounds[1:-1], bounds[2:]):
        out = np.strings.add(np.strings.add(out, sep), np.strings.slice(s, start, stop))
    return out.astype(object)


def _grouped(sep: str) -> _Variant:
    """0912 345 678 or 091 234 5678, with ``sep`` between the groups."""
    return lambda rng, x, ctx: _either(rng, _groups(x, (4, 7), sep), _groups(x, (3, 6), sep))


def _lost_zero(rng, x, ctx):
    """912345678: the number without its leading 0 (an Excel number column)."""
    return np.array([v[1:] for v in x], dtype=object)


def _international(code: str, sep: str) -> _Variant:
    """+84912345678 / +84 912 345 678 (or 84912345678 / 84-912-345-678)."""
    def variant(rng, x, ctx):
        body = _lost_zero(rng, x, ctx)
        return _either(rng, code + body, code + sep + _groups(body, (3, 6), sep))
    return variant


def _blank(rng, x, ctx):
    """An empty cell."""
    return np.full(len(x), "", dtype=object)


def _legacy(rng, x, ctx):
    """01695678945 or 0169.567.8945 where the prefix changed in 2018; else unchanged."""
    old = legacy_form(x)
    written = _either(rng, old, _groups(old, (4, 7), "."))
    return np.where(old == "", x, written)


_PHONE_VARIANTS: dict[str, _Variant] = {
    "spaces": _grouped(" "), "dots": _grouped("."), "dashes": _grouped("-"),
    "plus84": _international("+84", " "), "84": _international("84", "-"),
    "lost_zero": _lost_zero, "legacy": _legacy, "blank": _blank,
}


def format_phones(rng: np.random.Generator, national, rates: Mapping[str, float] =
                  PHONE_FORMAT_RATES) -> tuple[np.ndarray, np.ndarray]:
    """Write 10-digit mobiles the way people and systems do (§1.1).

    Every non-blank result still holds the same number: strip non-digits, map ``84``/lost zero
    and the 2018 prefix back, and you get the input again.

    Parameters
    ----------
    rng : numpy.random.Generator
    national : array of str
        10-digit national numbers such as ``0912345678``.
    rates : mapping of variant -> probability, default ``PHONE_FORMAT_RATES``
        ``spaces`` (0912 345 678 / 091 234 5678), ``dots`` (0912.345.678 / 091.234.5678),
        ``dashes``, ``plus84`` (+84912345678 / +84 912 345 678), ``84`` (84912345678 /
        84-912-345-678), ``lost_zero`` (912345678), ``legacy`` (the pre-2018 11-digit number,
        01695678945 / 0169.567.8945; the rate applies to numbers whose prefix changed in 2018,
        others stay canonical), ``blank`` (""). The rest stays canonical.

    Returns
    -------
    (object array of str, object array of str)
        The written numbers and each one's variant ("canonical" when untouched).

    Examples
    --------
    >>> out, how = format_phones(np.random.default_rng(0), ["0912345678", "0395678945"],
    ...                          {"legacy": 1.0})
    >>> out.tolist(), how.tolist()
    (['0912345678', '01695678945'], ['canonical', 'legacy'])
    """
    return _mess(rng, national, rates, _PHONE_VARIANTS, clean="canonical")


# -- names ---------------------------------------------------------------------------------------

#: tone mark on the first vowel of a word-final oa/oe/uy (Hòa, Thủy, Khóa) moved to the second
#: (Hoà, Thuỷ, Khoá), as some keyboards and IME settings write it (§2.4)
_OLD_TONE = {
    unicodedata.normalize("NFC", v1 + mark + v2): unicodedata.normalize("NFC", v1 + v2 + mark)
    for v1, v2 in (("o", "a"), ("o", "e"), ("u", "y"))
    for mark in ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
}
_OLD_TONE_RE = re.compile("(" + "|".join(_OLD_TONE) + r")(?!\w)")


def _old_tone(name: str) -> str:
    return _OLD_TONE_RE.sub(lambda m: _OLD_TONE[m.group(1)], name)


def _extra_spaces(rng, x, ctx):
    """A doubled inner space, a trailing space, or both."""
    doubled = np.array([v.replace(" ", "  ", 1) for v in x], dtype=object)
    style = rng.integers(0, 3, len(x))
    return np.where(style == 0, doubled, np.where(style == 1, x + " ", doubled + " "))


def _given_first(rng, x, ctx):
    """Western order, as Facebook shows names: Đức Nguyễn or Đức Nguyễn Văn."""
    short = rng.random(len(x)) < 0.5
    return np.array([" ".join([w[-1], w[0]] if s else [w[-1], *w[:-1]])
                     for w, s in zip((v.split() for v in x), short)], dtype=object)


_FEMALE_ONLY = ({n for n, _ in GIVEN_NAMES_FEMALE} - {n for n, _ in GIVEN_NAMES_MALE})


def _looks_female(full: str) -> bool:
    """A guess from the name alone: Thị as a middle name, or a women-only given name."""
    words = full.split()
    return "Thị" in words[1:-1] or words[-1] in _FEMALE_ONLY


def _honorific(rng, x, ctx):
    """Chị Lan, Anh Đức, Ms. Lan, Mr. Đức, C Hằng, A. Tuấn..."""
    female = ctx.get("female")
    female = (np.array([_looks_female(v) for v in x], dtype=bool) if female is None
              else female.astype(bool))
    title = np.where(female, _draw(rng, HONORIFICS_FEMALE, len(x)),
                     _draw(rng, HONORIFICS_MALE, len(x)))
    return title + " " + _last_word(x)


_NAME_VARIANTS: dict[str, _Variant] = {
    "no_diacritics": lambda rng, x, ctx: _map(strip_diacritics, x),
    "upper_ascii": lambda rng, x, ctx: _map(lambda v: strip_diacritics(v).upper(), x),
    "upper": lambda rng, x, ctx: _map(str.upper, x),
    "lower": lambda rng, x, ctx: _map(str.lower, x),
    "nfd": lambda rng, x, ctx: _map(lambda v: unicodedata.normalize("NFD", v), x),
    "extra_spaces": _extra_spaces,
    "given_first": _given_first,
    "given_only": lambda rng, x, ctx: _last_word(x),
    "honorific": _honorific,
    "old_tone": lambda rng, x, ctx: _map(_old_tone, x),
}


def mess_names(rng: np.random.Generator, full, rates: Mapping[str, float] = NAME_MESS_RATES, *,
               female=None) -> tuple[np.ndarray, np.ndarray]:
    """Write full names the way systems and people do (§2.4).

    Parameters
    ----------
    rng : numpy.random.Generator
    full : array of str
        Clean NFC names, family name first.
    rates : mapping of variant -> probability, default ``NAME_MESS_RATES``
        ``no_diacritics`` (Nguyen Van Duc), ``upper_ascii`` (NGUYEN VAN DUC), ``upper``
        (NGUYỄN VĂN ĐỨC), ``lower``, ``nfd`` (decomposed Unicode: looks the same),
        ``extra_spaces`` (a doubled inner and/or a trailing space), ``given_first`` (Đức Nguyễn,
        Đức Nguyễn Văn), ``given_only`` (Đức), ``honorific`` (Anh Đức, Chị Lan, Mr. Đức, C Hằng),
        ``old_tone`` (Hòa → Hoà, Thủy → Thuỷ; names without such a syllable stay clean).
    female : array of bool, optional
        Chooses the honorific; without it, a guess from the name (Thị, women-only given names).

    Returns
    -------
    (object array of str, object array of str)
        The written names and each one's variant ("clean" when untouched).

    Examples
    --------
    >>> mess_names(np.random.default_rng(0), ["Nguyễn Văn Đức"], {"upper_ascii": 1.0})[0][0]
    'NGUYEN VAN DUC'
    """
    context = None if female is None else {"female": np.array(female, dtype=bool, ndmin=1)}
    return _mess(rng, full, rates, _NAME_VARIANTS, context=context)


# -- e-mails -------------------------------------------------------------------------------------

def _typo_domain(email: str, pick: int) -> str:
    """The address with a typo in its domain (gmai.com, gmail.con...)."""
    local, _, domain = email.partition("@")
    typos = TYPO_DOMAINS.get(domain.lower(), (domain[:-1],))   # others: drop the last letter
    return f"{local}@{typos[pick % len(typos)]}"


#: (before, after) an address: a leading space, a trailing one, both, two trailing
_PADDING = ((" ", ""), ("", " "), (" ", " "), ("", "  "))


def _email_spaces(rng, x, ctx):
    pad = np.array(_PADDING, dtype=object)[rng.integers(0, len(_PADDING), len(x))]
    return pad[:, 0] + x + pad[:, 1]


_EMAIL_VARIANTS: dict[str, _Variant] = {
    "upper": lambda rng, x, ctx: _either(rng, _map(str.upper, x),
                                         _map(lambda v: v[:1].upper() + v[1:], x)),
    "spaces": _email_spaces,
    "typo_domain": lambda rng, x, ctx: np.array(
        [_typo_domain(v, k) for v, k in zip(x, rng.integers(0, 60, len(x)))], dtype=object),
    "blank": _blank,
}


def mess_emails(rng: np.random.Generator, email, rates: Mapping[str, float] = EMAIL_MESS_RATES
                ) -> tuple[np.ndarray, np.ndarray]:
    """Write e-mail addresses the way forms and people do (§2.7).

    Parameters
    ----------
    rng : numpy.random.Generator
    email : array of str
        Clean addresses; "" stays "".
    rates : mapping of variant -> probability, default ``EMAIL_MESS_RATES``
        ``upper`` (all upper case, or the first letter), ``spaces`` (leading/trailing spaces),
        ``typo_domain`` (gmai.com, gmail.con, gmial.com, gmail.com.vn...), ``blank``.

    Returns
    -------
    (object array of str, object array of str)
        The written addresses and each one's variant ("clean" when untouched).

    Examples
    --------
    >>> mess_emails(np.random.default_rng(0), ["lan@gmail.com"], {"upper": 1.0})[0].tolist()
    ['LAN@GMAIL.COM']
    """
    return _mess(rng, email, rates, _EMAIL_VARIANTS)


# -- provinces -----------------------------------------------------------------------------------

_UNIT = {p.official: i for i, p in enumerate(PROVINCES)}


def _options(mapping: Mapping[str, str], exclude=lambda name, p: False):
    """Per unit (in PROVINCES order): the names ``mapping`` sends to it, padded to a table,
    and how many there are."""
    names = [[k for k, v in mapping.items() if v == p.official and not exclude(k, p)]
             for p in PROVINCES]
    table = np.full((len(PROVINCES), max(map(len, names))), "", dtype=object)
    for i, row in enumerate(names):
        table[i, :len(row)] = row
    return table, np.array([len(row) for row in names])


_ALIAS_TABLE = _options(PROVINCE_ALIASES)
_FORMER_TABLE = _options(FORMER_PROVINCES, exclude=lambda name, p: name == p.short)


def _pick_option(tables) -> _Variant:
    """One of the unit's names from an ``_options`` table; unchanged where it has none."""
    table, count = tables

    def variant(rng, x, ctx):
        unit = np.array([_UNIT[v] for v in x], dtype=np.int64)
        pick = (rng.random(len(x)) * count[unit]).astype(np.int64)
        return np.where(count[unit] > 0, table[unit, pick], x)
    return variant


def _province_ascii(rng, x, ctx):
    """The official or the short name without diacritics (Thanh pho Ho Chi Minh, Ho Chi Minh)."""
    short = np.array([PROVINCES[_UNIT[v]].short for v in x], dtype=object)
    return _map(strip_diacritics, _either(rng, x, short))


_PROVINCE_VARIANTS: dict[str, _Variant] = {
    "alias": _pick_option(_ALIAS_TABLE),
    "former": _pick_option(_FORMER_TABLE),
    "no_diacritics": _province_ascii,
    "blank": _blank,
}


def province_variants(rng: np.random.Generator, official,
                      rates: Mapping[str, float] = PROVINCE_VARIANT_RATES
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Write official province names the way exports do (§3.2).

    Parameters
    ----------
    rng : numpy.random.Generator
    official : array of str
        Official names from ``PROVINCES`` (e.g. "Thành phố Hồ Chí Minh"); "" stays "".
    rates : mapping of variant -> probability, default ``PROVINCE_VARIANT_RATES``
        ``alias`` (one of the unit's ``PROVINCE_ALIASES``: TP.HCM, HCM, Sài Gòn, Ho Chi Minh
        City...), ``former`` (a pre-2025 province merged into it, e.g. Bình Dương for HCMC;
        units with none stay clean), ``no_diacritics`` (Thanh pho Ho Chi Minh / Ho Chi Minh),
        ``blank``. The rest keep the official name.

    Returns
    -------
    (object array of str, object array of str)
        The written names and each one's variant ("clean" when untouched).

    Examples
    --------
    >>> out, how = province_variants(np.random.default_rng(0),
    ...                              ["Thành phố Huế", "Cao Bằng"], {"former": 1.0})
    >>> out.tolist(), how.tolist()
    (['Thừa Thiên Huế', 'Cao Bằng'], ['former', 'clean'])
    """
    values = _strings(official)
    unknown = [v for v in dict.fromkeys(values.tolist()) if v != "" and v not in _UNIT]
    if unknown:
        raise ValueError(f"not an official province name (see PROVINCES): {unknown[:5]}")
    return _mess(rng, values, rates, _PROVINCE_VARIANTS)


# == money (§4.1) =================================================================================

_NBSP = "\u00a0"


def _whole_vnd(value) -> int:
    """``value`` as an int; ValueError unless it is a whole number."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    raise ValueError(f"not a whole amount of VND: {value!r}")


def format_money_vn(amounts) -> np.ndarray:
    """Whole VND written the Vietnamese way: ``1.250.000 ₫`` (CLDR vi_VN, §4.1).

    Dots between thousands, a no-break space (U+00A0) before ₫. Missing amounts give "".

    Parameters
    ----------
    amounts : array of int
        Whole VND (None/NaN/NA allowed).

    Returns
    -------
    object array of str

    Examples
    --------
    >>> format_money_vn([1250000, 0]).tolist()
    ['1.250.000\\xa0₫', '0\\xa0₫']
    """
    a = np.array(amounts, ndmin=1)
    if a.dtype.kind in "iu":
        missing, ints = np.zeros(len(a), dtype=bool), a.tolist()
    else:
        a = a.astype(object)
        missing = np.asarray(pd.isna(a), dtype=bool)
        ints = [_whole_vnd(v) for v in a[~missing]]
    out = np.full(len(a), "", dtype=object)
    out[~missing] = [f"{v:,}".replace(",", ".") + _NBSP + "₫" for v in ints]
    return out


_MONEY = re.compile(r"""
    (?P<sign>-)?\s*
    (?:₫|vnđ|vnd)?\s*                                  # currency first: ₫1,250,000, VND 1,250,000
    (?:
        (?P<grouped>\d{1,3}(?P<sep>[.,\s])\d{3}(?:(?P=sep)\d{3})*)   # 1.250.000  1,250,000
      | (?P<plain>\d+)                                               # 1250000
      | (?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>k|nghìn|ngàn|tr|triệu|trieu)   # 350k  1,25tr
      | (?P<mil>\d+)\s*tr\s*(?P<rest>\d{1,3})                        # 1tr250  1tr2
    )
    \s*(?:₫|đ|d|vnđ|vnd|đồng|dong)?                    # currency after
""", re.VERBOSE)
_UNITS = {"k": 1_000, "nghìn": 1_000, "ngàn": 1_000, "tr": 1_000_000, "triệu": 1_000_000,
          "trieu": 1_000_000}


_SEPARATORS = (".", ",", " ", _NBSP)


def _grouped_int(text: str) -> int | None:
    """The common forms (1250000, 1.250.000 ₫, 1,250,000đ) without a regex, for speed;
    None when ``text`` is not one of them."""
    if text[-1:] in ("₫", "đ"):
        text = text[:-1].rstrip()
    sep = text[-4:-3]
    if sep not in _SEPARATORS:
        sep = ""
    digits = text.replace(sep, "") if sep else text
    groups = (len(digits) - 1) // 3 if sep else 0
    if not (digits.isascii() and digits.isdigit() and len(text) == len(digits) + groups
            and text[-4::-4][:groups] == sep * groups):
        return None
    return int(digits)


def _parse_money(text: str) -> int | None:
    """One amount in VND from text; None for a blank; ValueError naming anything else."""
    body = text.strip()
    if not body:
        return None
    fast = _grouped_int(body)
    if fast is not None:
        return fast
    m = _MONEY.fullmatch(body.lower())
    if m is None:
        raise ValueError(f"not an amount in VND: {text!r} (write e.g. 1250000 or 1.250.000 ₫)")
    if m["grouped"]:
        value = int(re.sub(r"\D", "", m["grouped"]))
    elif m["plain"]:
        value = int(m["plain"])
    elif m["mil"]:
        value = int(m["mil"]) * 1_000_000 + int(m["rest"].ljust(3, "0")) * 1_000
    else:
        amount = Decimal(m["num"].replace(",", ".")) * _UNITS[m["unit"]]
        if amount != amount.to_integral_value():
            raise ValueError(f"not a whole amount of VND: {text!r}")
        value = int(amount)
    return -value if m["sign"] else value


def _parse_value(value) -> int | None:
    if isinstance(value, str):
        return _parse_money(value)
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return _whole_vnd(value)


def parse_money_vn(strings) -> pd.arrays.IntegerArray:
    """Whole VND from the ways Vietnamese write amounts (§4.1): ``format_money_vn`` reversed.

    Accepts ``1.250.000 ₫``, ``1.250.000đ``, ``1.250.000 VND``, ``VND 1,250,000``,
    ``1,250,000``, ``1 250 000``, ``1250000``, ``350k``, ``1,25tr``, ``1.5 triệu``, ``1tr250``
    (any case). Without a unit, dots, commas or spaces separate groups of three digits; before
    ``k`` or ``tr`` a dot or comma is a decimal point (``1,25tr`` is 1,250,000, ``1.5k`` is
    1,500).

    Parameters
    ----------
    strings : array of str
        Blanks ("", spaces, None, NaN) become NA; whole numbers pass through.

    Returns
    -------
    pandas IntegerArray (dtype Int64)

    Raises
    ------
    ValueError
        Naming the first value that is not an amount, e.g. ``"1.5"`` or ``"abc"``.

    Examples
    --------
    >>> parse_money_vn(["1.250.000 ₫", "350k", "1,25tr", "1tr250", ""]).tolist()
    [1250000, 350000, 1250000, 1250000, <NA>]
    """
    parsed = [_parse_value(v) for v in _strings(strings)]
    missing = np.array([v is None for v in parsed], dtype=bool)
    ints = np.array([0 if v is None else v for v in parsed], dtype=np.int64)
    return pd.arrays.IntegerArray(ints, missing)
