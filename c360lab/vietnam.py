"""Vietnamese reference data and how real exports garble it.

Names, mobile prefixes (with the 2018 change from 11 to 10 digits), the 34 provinces of July 2025
and their former names, e-mail habits and VND formats; generators that draw realistic values, and
"mess" functions that write them the way real systems do. Everything takes a
``numpy.random.Generator``, so one seed gives one result. Reference: the course's research notes on
Vietnamese data (names §2, phones §1, geography §3, money §4).

>>> fold("Đặng Thùy Dương")
'dang thuy duong'
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

# -- names ---------------------------------------------------------------------------------------

#: surname, weight (%); Hoàng/Huỳnh and Vũ/Võ are split by region in ``person_names``
SURNAMES = (
    ("Nguyễn", 34.0), ("Trần", 11.0), ("Lê", 8.5), ("Phạm", 6.2), ("Hoàng", 5.0), ("Phan", 3.6),
    ("Vũ", 4.0), ("Đặng", 2.0), ("Bùi", 2.2), ("Đỗ", 1.7), ("Hồ", 1.6), ("Ngô", 1.4),
    ("Dương", 1.1), ("Lý", 0.6), ("Trương", 1.3), ("Đinh", 1.1), ("Trịnh", 0.9), ("Mai", 0.8),
    ("Hà", 0.8), ("Đoàn", 0.8), ("Lương", 0.7), ("Cao", 0.7), ("Đào", 0.6), ("Lưu", 0.5),
    ("Lâm", 0.4), ("Triệu", 0.3), ("Phùng", 0.3), ("Chu", 0.3), ("Thái", 0.3), ("Tạ", 0.3),
    ("Vương", 0.3), ("Tô", 0.3), ("Châu", 0.3), ("Quách", 0.2), ("Kiều", 0.1), ("Lục", 0.6),
    ("Nông", 0.6), ("Bạch", 0.5), ("Tăng", 0.5), ("La", 0.5), ("Diệp", 0.5), ("Mạc", 0.5),
)
#: share of Hoàng that is written Huỳnh, and of Vũ written Võ, by region
REGIONAL_SPLIT = {"N": (0.05, 0.10), "C": (0.45, 0.70), "S": (0.75, 0.85)}
MIDDLE_NAMES_FEMALE = (("Thị", 38), ("Ngọc", 12), ("Thu", 6), ("Thanh", 6), ("Minh", 4),
                       ("Kim", 4), ("Hồng", 3), ("Phương", 3), ("Mỹ", 3), ("Bảo", 2),
                       ("Khánh", 2), ("Hoàng", 2), ("Diệu", 2), ("Thùy", 2))
MIDDLE_NAMES_MALE = (("Văn", 30), ("Minh", 8), ("Đức", 7), ("Quang", 6), ("Hoàng", 5),
                     ("Quốc", 5), ("Thanh", 5), ("Hữu", 5), ("Ngọc", 4), ("Xuân", 3), ("Công", 3),
                     ("Tuấn", 3), ("Anh", 3), ("Gia", 3), ("Trọng", 2), ("Đình", 2), ("Duy", 2))
GIVEN_NAMES_FEMALE = (
    ("Trang", 4), ("Thảo", 4), ("Linh", 4), ("Anh", 4), ("Phương", 4), ("Hằng", 4),
    ("Huyền", 3), ("Hiền", 3), ("Hương", 5), ("Ngọc", 3), ("Dung", 3), ("Nhung", 3),
    ("Thủy", 4), ("Nhi", 1.5), ("Duyên", 2), ("Vân", 2), ("Quỳnh", 2), ("Nga", 3), ("Yến", 2),
    ("Trinh", 1.5), ("Uyên", 1.5), ("Hạnh", 2), ("Ngân", 1.5), ("Oanh", 1.5), ("Trâm", 1.5),
    ("Ly", 1.5), ("Mai", 2.5), ("Phượng", 1.5), ("Thúy", 1.5), ("Hoa", 2.5), ("Vy", 1),
    ("Hồng", 1.5), ("Tâm", 1), ("Thu", 1.5), ("My", 1), ("Giang", 1.5), ("Loan", 1.5),
    ("Lan", 3), ("Chi", 1.5), ("Hòa", 1), ("Hân", 0.5), ("Thư", 0.6))
GIVEN_NAMES_MALE = (
    ("Tuấn", 4), ("Hoàng", 2.5), ("Huy", 3), ("Anh", 3), ("Hiếu", 2.5), ("Hùng", 4.5),
    ("Nam", 3), ("Sơn", 3.5), ("Đức", 3.5), ("Dũng", 4), ("Thành", 3), ("Đạt", 2.5),
    ("Cường", 3), ("Long", 3), ("Trung", 3), ("Hải", 3.5), ("Nguyên", 1.5), ("Thắng", 3),
    ("Minh", 3.5), ("Duy", 2), ("Tiến", 2), ("Quang", 2), ("Phúc", 2), ("Trường", 1.5),
    ("Tài", 1.5), ("Toàn", 1.5), ("Hưng", 2), ("Phong", 2), ("Tùng", 2), ("Khánh", 2),
    ("Bảo", 1.5), ("Quân", 2), ("Nghĩa", 1.5), ("Vinh", 1.5), ("Bình", 1.5), ("Mạnh", 1.5),
    ("Việt", 1.5), ("Thịnh", 1), ("Lộc", 1), ("Khoa", 1.5), ("Trí", 1), ("Kiên", 1),
    ("Hòa", 1), ("Thủy", 0.3))
#: share of people with two middle names
TWO_MIDDLES = {"female": 0.45, "male": 0.15}
HONORIFICS_FEMALE = ("Chị", "C", "Cô", "Ms.", "Chị")
HONORIFICS_MALE = ("Anh", "A.", "Chú", "Mr.", "Anh")

# -- phones --------------------------------------------------------------------------------------

#: carrier: (weight, prefixes of today's 10-digit mobiles that libphonenumber accepts)
MOBILE_PREFIXES = {
    "Viettel": (0.52, ("086", "096", "097", "098", "032", "033", "034", "035", "036", "037",
                       "038", "039")),
    "VinaPhone": (0.22, ("088", "091", "094", "081", "082", "083", "084", "085")),
    "MobiFone": (0.20, ("0896", "0897", "0898", "0899", "090", "093", "070", "076", "077",
                        "078", "079")),
    "Vietnamobile": (0.035, ("092", "056", "058", "0522", "0523", "0528")),
    "Gmobile": (0.01, ("0993", "0994", "0995", "0996", "0997", "059")),
    "Itel": (0.01, ("087",)),
    "Reddi": (0.005, ("0559",)),
}
#: the 2018 conversion of 11-digit mobiles: old 4-digit prefix -> new 3-digit prefix
OLD_TO_NEW_MOBILE = {
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    "0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036", "0167": "037",
    "0168": "038", "0169": "039", "0186": "056", "0188": "058", "0199": "059",
}
NEW_TO_OLD_MOBILE = {new: old for old, new in OLD_TO_NEW_MOBILE.items()}

# -- provinces -----------------------------------------------------------------------------------

#: the 34 province-level units from 1 July 2025:
#: (code, official name, short name, region, landline code, relative population weight)
PROVINCES = (
    ("01", "Thành phố Hà Nội", "Hà Nội", "N", "024", 7.70),
    ("04", "Cao Bằng", "Cao Bằng", "N", "0206", 0.49),
    ("08", "Tuyên Quang", "Tuyên Quang", "N", "0207", 1.67),
    ("11", "Điện Biên", "Điện Biên", "N", "0215", 0.58),
    ("12", "Lai Châu", "Lai Châu", "N", "0213", 0.44),
    ("14", "Sơn La", "Sơn La", "N", "0212", 1.18),
    ("15", "Lào Cai", "Lào Cai", "N", "0214", 1.60),
    ("19", "Thái Nguyên", "Thái Nguyên", "N", "0208", 1.61),
    ("20", "Lạng Sơn", "Lạng Sơn", "N", "0205", 0.72),
    ("22", "Quảng Ninh", "Quảng Ninh", "N", "0203", 1.24),
    ("24", "Bắc Ninh", "Bắc Ninh", "N", "0222", 3.25),
    ("25", "Phú Thọ", "Phú Thọ", "N", "0210", 3.61),
    ("31", "Thành phố Hải Phòng", "Hải Phòng", "N", "0225", 4.18),
    ("33", "Hưng Yên", "Hưng Yên", "N", "0221", 3.20),
    ("37", "Ninh Bình", "Ninh Bình", "N", "0229", 3.96),
    ("38", "Thanh Hóa", "Thanh Hóa", "C", "0237", 3.36),
    ("40", "Nghệ An", "Nghệ An", "C", "0238", 3.09),
    ("42", "Hà Tĩnh", "Hà Tĩnh", "C", "0239", 1.19),
    ("44", "Quảng Trị", "Quảng Trị", "C", "0233", 1.68),
    ("46", "Thành phố Huế", "Huế", "C", "0234", 1.05),
    ("48", "Thành phố Đà Nẵng", "Đà Nẵng", "C", "0236", 2.75),
    ("51", "Quảng Ngãi", "Quảng Ngãi", "C", "0255", 1.94),
    ("52", "Gia Lai", "Gia Lai", "C", "0269", 3.22),
    ("56", "Khánh Hòa", "Khánh Hòa", "C", "0258", 2.01),
    ("66", "Đắk Lắk", "Đắk Lắk", "C", "0262", 3.00),
    ("68", "Lâm Đồng", "Lâm Đồng", "C", "0263", 3.47),
    ("75", "Đồng Nai", "Đồng Nai", "S", "0251", 4.03),
    ("79", "Thành phố Hồ Chí Minh", "Hồ Chí Minh", "S", "028", 12.56),
    ("80", "Tây Ninh", "Tây Ninh", "S", "0276", 2.92),
    ("82", "Đồng Tháp", "Đồng Tháp", "S", "0277", 3.92),
    ("86", "Vĩnh Long", "Vĩnh Long", "S", "0270", 3.82),
    ("91", "An Giang", "An Giang", "S", "0296", 4.44),
    ("92", "Thành phố Cần Thơ", "Cần Thơ", "S", "0292", 3.77),
    ("96", "Cà Mau", "Cà Mau", "S", "0290", 2.34),
)
#: provinces merged away on 1 July 2025 -> the unit they are part of now
FORMER_PROVINCES = {
    "Hà Giang": "Tuyên Quang", "Yên Bái": "Lào Cai", "Bắc Kạn": "Thái Nguyên",
    "Bắc Giang": "Bắc Ninh", "Vĩnh Phúc": "Phú Thọ", "Hòa Bình": "Phú Thọ",
    "Hải Dương": "Thành phố Hải Phòng", "Thái Bình": "Hưng Yên", "Hà Nam": "Ninh Bình",
    "Nam Định": "Ninh Bình", "Quảng Bình": "Quảng Trị", "Quảng Nam": "Thành phố Đà Nẵng",
    "Kon Tum": "Quảng Ngãi", "Bình Định": "Gia Lai", "Ninh Thuận": "Khánh Hòa",
    "Phú Yên": "Đắk Lắk", "Đắk Nông": "Lâm Đồng", "Bình Thuận": "Lâm Đồng",
    "Bình Phước": "Đồng Nai", "Bình Dương": "Thành phố Hồ Chí Minh",
    "Bà Rịa - Vũng Tàu": "Thành phố Hồ Chí Minh", "Long An": "Tây Ninh",
    "Tiền Giang": "Đồng Tháp", "Bến Tre": "Vĩnh Long", "Trà Vinh": "Vĩnh Long",
    "Kiên Giang": "An Giang", "Sóc Trăng": "Thành phố Cần Thơ",
    "Hậu Giang": "Thành phố Cần Thơ", "Bạc Liêu": "Cà Mau", "Thừa Thiên Huế": "Thành phố Huế",
}
#: written variants -> official name (besides each unit's short name)
PROVINCE_ALIASES = {
    "TP.HCM": "Thành phố Hồ Chí Minh", "TPHCM": "Thành phố Hồ Chí Minh",
    "TP HCM": "Thành phố Hồ Chí Minh", "HCM": "Thành phố Hồ Chí Minh",
    "HCMC": "Thành phố Hồ Chí Minh", "Ho Chi Minh City": "Thành phố Hồ Chí Minh",
    "Sài Gòn": "Thành phố Hồ Chí Minh", "Saigon": "Thành phố Hồ Chí Minh",
    "SG": "Thành phố Hồ Chí Minh", "Thủ Dầu Một": "Thành phố Hồ Chí Minh",
    "Vũng Tàu": "Thành phố Hồ Chí Minh", "BR-VT": "Thành phố Hồ Chí Minh",
    "HN": "Thành phố Hà Nội", "Ha Noi": "Thành phố Hà Nội", "Hanoi": "Thành phố Hà Nội",
    "TP Hà Nội": "Thành phố Hà Nội", "Thủ đô Hà Nội": "Thành phố Hà Nội",
    "Da Nang": "Thành phố Đà Nẵng", "TP Đà Nẵng": "Thành phố Đà Nẵng",
    "Hai Phong": "Thành phố Hải Phòng", "HP": "Thành phố Hải Phòng",
    "Can Tho": "Thành phố Cần Thơ", "TP Cần Thơ": "Thành phố Cần Thơ",
    "TT Huế": "Thành phố Huế", "Hue": "Thành phố Huế", "Biên Hòa": "Đồng Nai",
    "Dong Nai": "Đồng Nai", "Đà Lạt": "Lâm Đồng", "Nha Trang": "Khánh Hòa",
    "Bắc Ninh City": "Bắc Ninh",
}

# -- text ----------------------------------------------------------------------------------------

_D = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D", "ð": "d"})


def strip_diacritics(text: str) -> str:
    """Text without Vietnamese diacritics, keeping case; đ becomes d.

    >>> strip_diacritics("Đỗ Minh Quân")
    'Do Minh Quan'
    """
    text = unicodedata.normalize("NFC", text).translate(_D)
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """A matching key: lower case, no diacritics (đ → d), single spaces. Idempotent.

    >>> fold("  NGUYỄN   Văn Đức ")
    'nguyen van duc'
    """
    return re.sub(r"\s+", " ", strip_diacritics(text)).strip().lower()


def _weighted(rng, table, size):
    values = np.array([v for v, _ in table], dtype=object)
    w = np.array([p for _, p in table], dtype=float)
    return values[rng.choice(len(values), size=size, p=w / w.sum())]


# -- generators ----------------------------------------------------------------------------------

def person_names(rng: np.random.Generator, female, region=None) -> dict[str, np.ndarray]:
    """Vietnamese full names, family name first, in NFC.

    Parameters
    ----------
    female : bool array
    region : array of "N", "C", "S", optional
        Decides Hoàng/Huỳnh and Vũ/Võ (South by default).

    Returns
    -------
    dict of arrays ``family``, ``middle``, ``given``, ``full``.

    >>> n = person_names(np.random.default_rng(0), np.array([True, False]))
    >>> [len(x.split()) >= 2 for x in n["full"]]
    [True, True]
    """
    female = np.asarray(female, dtype=bool)
    n = len(female)
    region = np.full(n, "S", dtype=object) if region is None else np.asarray(region, dtype=object)
    family = _weighted(rng, SURNAMES, n)
    u = rng.random(n)
    for name, alt, k in (("Hoàng", "Huỳnh", 0), ("Vũ", "Võ", 1)):
        share = np.array([REGIONAL_SPLIT.get(r, REGIONAL_SPLIT["S"])[k] for r in region])
        family = np.where((family == name) & (u < share), alt, family)
    m1 = np.where(female, _weighted(rng, MIDDLE_NAMES_FEMALE, n),
                  _weighted(rng, MIDDLE_NAMES_MALE, n))
    m2 = np.where(female, _weighted(rng, MIDDLE_NAMES_FEMALE, n),
                  _weighted(rng, MIDDLE_NAMES_MALE, n))
    two = (rng.random(n) < np.where(female, TWO_MIDDLES["female"], TWO_MIDDLES["male"])) \
        & (m1 != m2) & (m2 != "Thị") & (m2 != "Văn")
    middle = np.where(two, m1 + " " + m2, m1)
    given = np.where(female, _weighted(rng, GIVEN_NAMES_FEMALE, n),
                     _weighted(rng, GIVEN_NAMES_MALE, n))
    full = family + " " + middle + " " + given
    return {"family": family, "middle": middle, "given": given, "full": full}


def _prefixes() -> tuple[np.ndarray, np.ndarray]:
    """Every mobile prefix padded to 4 digits, with its probability."""
    pref, prob = [], []
    for weight, prefixes in MOBILE_PREFIXES.values():
        blocks = []
        for p in prefixes:
            blocks += [p] if len(p) == 4 else [p + str(d) for d in range(10)]
        pref += blocks
        prob += [weight / len(blocks)] * len(blocks)
    return np.array(pref), np.array(prob) / sum(prob)


def mobile_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct 10-digit mobile numbers such as ``0912345678``, weighted by carrier.

    >>> m = mobile_numbers(np.random.default_rng(1), 5)
    >>> all(len(x) == 10 and x.startswith("0") for x in m), len(set(m))
    (True, 5)
    """
    pref, prob = _prefixes()
    out = np.empty(0, dtype=np.int64)
    while len(out) < n:
        need = int((n - len(out)) * 1.05) + 16
        p = rng.choice(len(pref), size=need, p=prob)
        num = pref[p].astype(np.int64) * 1_000_000 + rng.integers(0, 1_000_000, need)
        out = np.concatenate([out, num])
        _, first = np.unique(out, return_index=True)
        out = out[np.sort(first)]
    return np.char.zfill(out[:n].astype(str), 10).astype(object)


def landline_numbers(rng: np.random.Generator, area_codes) -> np.ndarray:
    """One landline per area code, e.g. ``02838221234`` (11 digits in all).

    >>> landline_numbers(np.random.default_rng(0), ["028", "0236"])[1][:4]
    '0236'
    """
    codes = np.asarray(area_codes, dtype=object)
    width = 11 - np.array([len(c) for c in codes])
    body = rng.integers(2 * 10 ** 7, 10 ** 8, len(codes))  # subscriber numbers start 2-9
    return np.array([c + str(b)[:w] for c, b, w in zip(codes, body, width)], dtype=object)


def legacy_form(national) -> np.ndarray:
    """The pre-2018 11-digit form of today's mobiles, ``""`` where the prefix did not change.

    >>> legacy_form(np.array(["0395678945", "0912345678"])).tolist()
    ['01695678945', '']
    """
    national = np.asarray(national, dtype=object)
    head = np.array([x[:3] for x in national], dtype=object)
    old = np.array([NEW_TO_OLD_MOBILE.get(h, "") for h in head], dtype=object)
    return np.array([o + x[3:] if o else "" for o, x in zip(old, national)], dtype=object)


#: free mailboxes and their weights; company domains (≈7% of addresses) come from the caller
EMAIL_DOMAINS = (("gmail.com", 80), ("yahoo.com", 5), ("yahoo.com.vn", 3), ("outlook.com", 3),
                 ("hotmail.com", 2))


def email_addresses(rng: np.random.Generator, family, middle, given, *, birth_year=None,
                    domain=None) -> np.ndarray:
    """Realistic e-mail addresses: nguyenvanduc, ducnguyen, duc.nv, nvduc1985, thuhuong.88…

    ``domain`` gives a company domain per person (None where the person uses a free mailbox).

    >>> e = email_addresses(np.random.default_rng(0), np.array(["Nguyễn"]), np.array(["Văn"]),
    ...                     np.array(["Đức"]), domain=np.array(["phinco.vn"], dtype=object))
    >>> e[0].endswith("@phinco.vn") and e[0].isascii()
    True
    """
    fam = np.array([fold(x).replace(" ", "") for x in family], dtype=object)
    mid = np.array([fold(x) for x in middle], dtype=object)
    giv = np.array([fold(x).replace(" ", "") for x in given], dtype=object)
    n = len(fam)
    year = np.asarray(birth_year) if birth_year is not None else rng.integers(1970, 2004, n)
    style = rng.integers(0, 7, n)
    num = rng.integers(1, 999, n)
    local = np.array([_local_part(*args) for args in zip(fam, mid, giv, year, num, style)],
                     dtype=object)
    free = _weighted(rng, EMAIL_DOMAINS, n)
    dom = free if domain is None else np.where(np.asarray(domain, dtype=object) == None,  # noqa
                                               free, domain)
    return (local + "@" + dom).astype(object)


def _local_part(fam: str, mid: str, giv: str, year: int, num: int, style: int) -> str:
    """One of the usual Vietnamese local parts, e.g. nguyenvanduc, duc.nv, nvduc1985."""
    initials = "".join(w[0] for w in mid.split())
    return (
        f"{fam}{mid.replace(' ', '')}{giv}", f"{giv}{fam}{num}", f"{giv}.{fam[:1]}{initials}",
        f"{fam[:1]}{initials}{giv}{year}", f"{mid.split()[-1] if mid else ''}{giv}.{year % 100:02d}",
        f"{giv}{fam}{year % 100:02d}", f"{giv}.{fam}{num}",
    )[style]


_COMPANY_WORDS = {
    "cafe": (("Cà Phê", "Coffee", "Café", "Tiệm Cà Phê", "The"),
             ("Mộc", "Sương Sớm", "Phố Cũ", "Gác Nhỏ", "Bean House", "Hạt Nâu", "An Nhiên",
              "Lam", "Góc Phố", "Chill", "Mây", "Đồi Thông", "Ban Mai", "Hẻm", "Sân Thượng",
              "Nhà Gỗ", "Tĩnh", "Xưa", "Rang Xay", "Ký Ức"),
             ("", " 1", " House", " Garden", " & Tea", " Roastery", " 68", " Corner")),
    "office": (("Công ty TNHH", "Công ty CP", "Công ty TNHH MTV", "Tập đoàn"),
               ("Minh Phát", "An Khang", "Thành Công", "Việt Tiến", "Hưng Thịnh", "Sao Việt",
                "Đại Dương", "Phú Gia", "Tân Á", "Bình Minh", "Hoàng Long", "Nam Việt",
                "Kim Cương", "Thiên Phúc", "Trường Sơn", "Vạn Lợi", "Đông Á", "Hải Đăng"),
               ("", " Group", " Logistics", " Tech", " Solutions", " Media", " Land", " JSC")),
    "restaurant_hotel": (("Nhà hàng", "Khách sạn", "Resort", "Quán", "Bistro"),
                         ("Hoàng Gia", "Sen Vàng", "Biển Xanh", "Phố Hội", "Ngọc Lan",
                          "Bếp Việt", "Hương Quê", "Mường Thanh Garden", "Cỏ May", "Làng Chài",
                          "Hòn Ngọc", "Phương Nam"),
                         ("", " Riverside", " Central", " 2", " Boutique", " & Spa")),
}


def company_names(rng: np.random.Generator, kind) -> np.ndarray:
    """Plausible SME names for kinds "cafe", "office" or "restaurant_hotel" (an array).

    >>> company_names(np.random.default_rng(0), np.array(["office"]))[0].startswith(("Công", "Tập"))
    True
    """
    kind = np.asarray(kind, dtype=object)
    out = np.empty(len(kind), dtype=object)
    for k, (a, b, c) in _COMPANY_WORDS.items():
        sel = np.flatnonzero(kind == k)
        parts = [np.array(w, dtype=object)[rng.integers(0, len(w), len(sel))] for w in (a, b, c)]
        out[sel] = parts[0] + " " + parts[1] + parts[2]
    return out


# -- mess ----------------------------------------------------------------------------------------

PHONE_FORMAT_RATES = {"spaces": 0.12, "dots": 0.08, "dashes": 0.03, "plus84": 0.08, "84": 0.05,
                      "lost_zero": 0.06, "legacy": 0.04, "blank": 0.03}
NAME_MESS_RATES = {"no_diacritics": 0.20, "upper_ascii": 0.08, "upper": 0.03, "lower": 0.05,
                   "nfd": 0.04, "extra_spaces": 0.05, "given_first": 0.05, "honorific": 0.05}
EMAIL_MESS_RATES = {"upper": 0.03, "spaces": 0.02, "typo_domain": 0.02}
PROVINCE_VARIANT_RATES = {"alias": 0.35, "former": 0.08, "no_diacritics": 0.10, "blank": 0.05}
TYPO_DOMAINS = {"gmail.com": ("gmai.com", "gmail.con", "gmial.com", "gmail.com.vn"),
                "yahoo.com": ("yaho.com", "yahoo.con"), "yahoo.com.vn": ("yahoo.vn",)}


def _variants(rng, n: int, rates: dict, clean: str) -> np.ndarray:
    """One variant label per element, drawn with the given rates (the rest ``clean``)."""
    names = list(rates)
    probs = np.array([rates[k] for k in names], dtype=float)
    if probs.sum() > 1:
        raise ValueError(f"rates add up to more than 1: {rates}")
    cum = np.cumsum(probs)
    idx = np.searchsorted(cum, rng.random(n), side="right")
    return np.array(names + [clean], dtype=object)[idx]


def _group(national: str, sep: str, style: int) -> str:
    if style == 0:
        return sep.join((national[:4], national[4:7], national[7:]))
    return sep.join((national[:3], national[3:6], national[6:]))


def format_phones(rng: np.random.Generator, national, rates=PHONE_FORMAT_RATES):
    """Write 10-digit mobiles (or 11-digit landlines) the way people and systems do.

    Variants: ``canonical`` 0912345678, ``spaces``, ``dots``, ``dashes``, ``plus84``
    +84912345678, ``84`` 84912345678, ``lost_zero`` 912345678, ``legacy`` the pre-2018 11-digit
    number (only for numbers whose prefix changed in 2018; others stay canonical, so this rate
    applies to eligible numbers), ``blank``. The digits always identify the same number.

    Returns the written values and the variant of each.

    >>> out, how = format_phones(np.random.default_rng(0), np.array(["0912345678"] * 3),
    ...                          {"dots": 1.0})
    >>> out[0], how[0]
    ('0912.345.678', 'dots')
    """
    national = np.asarray(national, dtype=object)
    n = len(national)
    label = _variants(rng, n, rates, "canonical")
    old = legacy_form(national) if "legacy" in rates else np.full(n, "", dtype=object)
    label = np.where((label == "legacy") & (old == ""), "canonical", label)
    style = rng.integers(0, 2, n)
    out = national.copy()
    for i in np.flatnonzero(label != "canonical"):
        x, how = national[i], label[i]
        if how == "spaces":
            out[i] = _group(x, " ", style[i])
        elif how == "dots":
            out[i] = _group(x, ".", style[i])
        elif how == "dashes":
            out[i] = _group(x, "-", style[i])
        elif how == "plus84":
            out[i] = "+84" + x[1:] if style[i] else "+84 " + _group(x[1:], " ", 1)
        elif how == "84":
            out[i] = "84" + x[1:] if style[i] else "84-" + _group(x[1:], "-", 1)
        elif how == "lost_zero":
            out[i] = x[1:]
        elif how == "legacy":
            o = old[i]
            out[i] = o if style[i] else f"{o[:4]}.{o[4:7]}.{o[7:]}"
        else:
            out[i] = ""
    return out, label


def _title(s: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in s.split(" "))


_OLD_TONE = (("òa", "oà"), ("óa", "oá"), ("ỏa", "oả"), ("õa", "oã"), ("ọa", "oạ"),
             ("ủy", "uỷ"), ("úy", "uý"), ("ùy", "uỳ"), ("ụy", "uỵ"), ("ũy", "uỹ"),
             ("òe", "oè"), ("óe", "oé"))


def _old_tone(s: str) -> str:
    for new, old in _OLD_TONE:
        s = s.replace(new, old)
    return s


def mess_names(rng: np.random.Generator, full, rates=NAME_MESS_RATES, *, female=None):
    """Write full names the way systems and people do.

    Variants: ``no_diacritics``, ``upper_ascii``, ``upper``, ``lower``, ``nfd`` (decomposed
    Unicode), ``extra_spaces``, ``given_first`` (Western order), ``given_only``, ``honorific``
    (Anh/Chị/Mr./Ms./A./C + given name; by ``female``), ``old_tone`` (Hoà for Hòa: only names
    with such a vowel change). Returns the written names and the variant of each.

    >>> mess_names(np.random.default_rng(0), np.array(["Nguyễn Văn Đức"]),
    ...            {"given_first": 1.0})[0][0]
    'Đức Nguyễn Văn'
    """
    full = np.asarray(full, dtype=object)
    n = len(full)
    female = np.zeros(n, bool) if female is None else np.asarray(female, dtype=bool)
    label = _variants(rng, n, rates, "clean")
    pick = rng.integers(0, 5, n)
    out = full.copy()
    for i in np.flatnonzero(label != "clean"):
        x, how = full[i], label[i]
        words = x.split()
        if how == "no_diacritics":
            y = strip_diacritics(x)
        elif how == "upper_ascii":
            y = strip_diacritics(x).upper()
        elif how == "upper":
            y = x.upper()
        elif how == "lower":
            y = x.lower()
        elif how == "nfd":
            y = unicodedata.normalize("NFD", x)
        elif how == "extra_spaces":
            y = "  ".join(words) + " "
        elif how == "given_first":
            y = " ".join([words[-1]] + words[:-1])
        elif how == "given_only":
            y = words[-1]
        elif how == "honorific":
            title = (HONORIFICS_FEMALE if female[i] else HONORIFICS_MALE)[pick[i]]
            y = f"{title} {words[-1]}"
        else:  # old_tone
            y = _old_tone(x)
            if y == x:
                label[i] = "clean"
        out[i] = y
    return out, label


def mess_emails(rng: np.random.Generator, email, rates=EMAIL_MESS_RATES):
    """Write e-mails with ``upper`` case, surrounding ``spaces``, a ``typo_domain`` or ``blank``.

    >>> mess_emails(np.random.default_rng(0), np.array(["lan@gmail.com"]), {"spaces": 1.0})[0][0]
    'lan@gmail.com  '
    """
    email = np.asarray(email, dtype=object)
    n = len(email)
    label = _variants(rng, n, rates, "clean")
    label = np.where(email == "", "clean", label)
    pick = rng.integers(0, 4, n)
    out = email.copy()
    for i in np.flatnonzero(label != "clean"):
        x, how = email[i], label[i]
        if how == "upper":
            out[i] = x.upper() if pick[i] < 2 else x[:1].upper() + x[1:]
        elif how == "spaces":
            out[i] = f" {x} " if pick[i] < 2 else f"{x}  "
        elif how == "typo_domain":
            local, _, dom = x.partition("@")
            typos = TYPO_DOMAINS.get(dom, (dom.replace(".", "", 1),))
            out[i] = f"{local}@{typos[pick[i] % len(typos)]}"
        else:
            out[i] = ""
    return out, label


def _province_options():
    short = {p[1]: p[2] for p in PROVINCES}
    alias, former = {}, {}
    for name, official in PROVINCE_ALIASES.items():
        alias.setdefault(official, []).append(name)
    for p in PROVINCES:
        alias.setdefault(p[1], []).append(p[2])
    for old, official in FORMER_PROVINCES.items():
        former.setdefault(official, []).append(old)
    return short, alias, former


def province_variants(rng: np.random.Generator, official, rates=PROVINCE_VARIANT_RATES):
    """Write official province names as people do: ``alias`` (TP.HCM, HCM, Sài Gòn…),
    ``former`` (a pre-2025 province merged into it; only where one exists), ``no_diacritics``,
    ``blank``; the rest keep the short official name (Hồ Chí Minh, Hà Nội…).

    >>> province_variants(np.random.default_rng(0), np.array(["Thành phố Hà Nội"]), {})[0][0]
    'Hà Nội'
    """
    official = np.asarray(official, dtype=object)
    n = len(official)
    short, alias, former = _province_options()
    label = _variants(rng, n, rates, "clean")
    u = rng.random(n)
    out = np.array([short[o] for o in official], dtype=object)
    for i in np.flatnonzero(label != "clean"):
        o, how = official[i], label[i]
        if how == "alias":
            opts = alias[o]
            out[i] = opts[int(u[i] * len(opts))]
        elif how == "former":
            opts = former.get(o)
            if opts:
                out[i] = opts[int(u[i] * len(opts))]
            else:
                label[i] = "clean"
        elif how == "no_diacritics":
            out[i] = strip_diacritics(short[o])
        else:
            out[i] = ""
    return out, label


def format_money_vn(amounts) -> np.ndarray:
    """Whole VND written the Vietnamese way: ``1.250.000 ₫`` (no-break space before ₫).

    >>> format_money_vn([1250000, 0]).tolist()
    ['1.250.000\\xa0₫', '0\\xa0₫']
    """
    return np.array([f"{int(a):,}".replace(",", ".") + "\u00a0₫" for a in amounts], dtype=object)
