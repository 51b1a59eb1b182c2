"""Exercises of notebook 02 — Touchpoints and one customer ID.

The notebook names the raw exports ``raw`` (``datasets.load_raw()``), the answer key ``key``
(``datasets.load_answer_key()``), the resolution ``res`` (``identity.resolve(raw)``) and the clean
model ``clean`` (``datasets.load_clean()``); the solutions use those names and ``identity``.
Every expected answer is computed from the sample data when the check runs.

Source: 001 §4.2 (phone/e-mail as the primary ID, avoid duplicate profiles, a response SLA for
every lead), 004 (data standards, validation at source).
"""

from __future__ import annotations

from .. import datasets, identity
from . import AS_PERCENTAGE, Exercise

__all__ = ["MESSY_PHONES", "q1", "q2", "q3", "q4", "q5"]

#: Phones as Phin & Co.'s systems write them; exercise 1 normalises them.
MESSY_PHONES = ["0903.123.456", "84-912-345-678", "0168 123 4567", "912345678",
                "+84 (0) 987 654 321", "(028) 3822 1234"]


def _is_list(value) -> bool:
    return isinstance(value, (list, tuple))


def _digits_only(answer, expected) -> bool:
    return _is_list(answer) and all(isinstance(a, str) and a.isdigit() for a in answer)


def _legacy_kept(answer, expected) -> bool:
    return _is_list(answer) and any(isinstance(a, str) and a.startswith("+841")
                                    for a in answer)


def _zero_kept(answer, expected) -> bool:
    return _is_list(answer) and any(isinstance(a, str) and a.startswith("+840")
                                    for a in answer)


q1 = Exercise(
    "q1",
    """Normalise the phones of ex.MESSY_PHONES to E.164 (+84 followed by the number without
    its leading 0). Answer with a list in the same order.""",
    expected=lambda: [identity.normalize_phone(p) for p in MESSY_PHONES],
    solution="""
        answer = [identity.normalize_phone(phone) for phone in ex.MESSY_PHONES]
    """,
    hints=[
        "identity.normalize_phone(text) turns one phone, written any way, into E.164.",
        "Apply it to each phone in turn: a list comprehension [... for phone in ex.MESSY_PHONES].",
    ],
    mistakes=[
        (_digits_only, "you kept only the digits; E.164 starts with +84 and drops the leading 0, "
                       "so 0903 123 456 becomes +84903123456"),
        (_legacy_kept, "a pre-2018 11-digit mobile (0168…) has a new 10-digit prefix (038…); "
                       "convert it before writing +84"),
        (_zero_kept, "after +84 the number loses its leading 0: +84903…, not +840903…"),
        (lambda a, e: _is_list(a) and len(a) != len(e),
         f"give one phone per input phone: {len(MESSY_PHONES)} in all"),
    ],
    explanation="Six spellings, one format: now equal numbers compare equal.",
)


def _customers():
    return datasets.load_clean()["customers"]


def _several() -> int:
    return int((_customers()["n_sources"] >= 2).sum())


q2 = Exercise(
    "q2",
    """After resolution, how many customers have records in two or more exports? Use
    clean["customers"] (its n_sources column counts each customer's exports).""",
    expected=_several,
    solution="""
        customers = clean["customers"]
        answer = (customers["n_sources"] >= 2).sum()
    """,
    hints=[
        "clean['customers'] has one row per customer; n_sources says in how many exports they "
        "have records.",
        "Count the rows where n_sources >= 2: (condition).sum().",
    ],
    kind="number",
    mistakes=[
        (lambda a, e: abs(a - e / len(_customers())) < 1e-3,
         "that is a share; the question asks how many customers"),
        (lambda a, e: a == int((_customers()["n_sources"] > 2).sum()),
         "two or more includes exactly two: use >= 2"),
        (lambda a, e: a == len(_customers()), "that is every customer; keep those with "
                                              "n_sources >= 2"),
    ],
    explanation="Each of them was several 'customers' before step 2.",
)


def _naive():
    raw, key = datasets.load_raw(), datasets.load_answer_key()
    return identity.pair_scores(identity.exact_phone_links(raw), key["record_links"])


q3 = Exercise(
    "q3",
    """Grade the naive method against the answer key: what share of the true pairs of records
    (recall) does matching the raw phone strings find? Give a share between 0 and 1.""",
    expected=lambda: float(_naive()["recall"]),
    solution="""
        naive = identity.exact_phone_links(raw)
        answer = identity.pair_scores(naive, key["record_links"])["recall"]
    """,
    hints=[
        "identity.exact_phone_links(raw) links records whose phone strings are equal.",
        "identity.pair_scores(links, key['record_links']) grades a link table; take its "
        "'recall'.",
    ],
    kind="number",
    rtol=0.01,
    mistakes=[
        (lambda a, e: abs(a - float(_naive()["precision"])) < 1e-3,
         "that is the precision (how many found pairs are right); the question asks for recall"),
        AS_PERCENTAGE,
        (lambda a, e: abs(a - float(identity.pair_scores(
            datasets.load_clean()["links"], datasets.load_answer_key()["record_links"])["recall"]))
         < 1e-3, "that is the recall of the full resolution; grade exact_phone_links instead"),
    ],
    explanation="Raw strings find only a small part of what belongs together.",
)


def _rule_counts():
    rules = datasets.load_clean()["links"]["rule"].value_counts()
    return rules.drop(["own", "anonymous"], errors="ignore")


q4 = Exercise(
    "q4",
    """Which rule joins the most records to another record of the same customer? Look at the
    link table's rule column, leaving out "own" and "anonymous" (records joined to nobody).""",
    expected=lambda: str(_rule_counts().idxmax()),
    solution="""
        rules = res.links["rule"].value_counts().drop(["own", "anonymous"])
        answer = rules.idxmax()
    """,
    hints=[
        "res.links['rule'].value_counts() counts the records per rule.",
        "Drop 'own' and 'anonymous' with .drop([...]), then .idxmax() names the largest.",
    ],
    kind="text",
    mistakes=[
        (lambda a, e: a.strip().lower() in ("own", "anonymous"),
         "that rule joins a record to nobody; leave out 'own' and 'anonymous'"),
        (lambda a, e: a.strip().lower() == str(_rule_counts().index[1]),
         "that is the second most frequent rule"),
    ],
    explanation="The phone, once normalised, does most of the work: that is why it is the "
                "primary ID.",
)


def _messenger_within_sla() -> float:
    table = identity.response_times(datasets.load_raw()["inbox_messages"])
    return float(table.loc["facebook_messenger", "within_sla"])


q5 = Exercise(
    "q5",
    """What share of Facebook Messenger conversations get their first reply within the SLA
    (identity.SLA_MINUTES)? Give a share between 0 and 1.""",
    expected=_messenger_within_sla,
    solution="""
        times = identity.response_times(raw["inbox_messages"], sla_minutes=identity.SLA_MINUTES)
        answer = times.loc["facebook_messenger", "within_sla"]
    """,
    hints=[
        "identity.response_times(raw['inbox_messages']) gives one row per channel.",
        "Read the row 'facebook_messenger' and the column 'within_sla' with .loc[row, column].",
    ],
    kind="number",
    rtol=0.01,
    mistakes=[
        AS_PERCENTAGE,
        (lambda a, e: abs(a - (1 - e)) <= 0.005, "that is the share that misses the SLA"),
        (lambda a, e: abs(a - float(identity.response_times(
            datasets.load_raw()["inbox_messages"]).loc["all", "within_sla"])) < 1e-3,
         "that is the share over every channel; take the row facebook_messenger"),
    ],
    explanation="The channel most leads write on is the one answered slowest.",
)
