"""Exercises of notebook 00 — Welcome and data tour.

The notebook names the data ``raw`` (``datasets.load_raw()``), ``key``
(``datasets.load_answer_key()``) and the person it follows ``person_id``
(``widgets.showcase_person(raw, key)``); the solutions use those names. Every expected answer is
computed from the sample data when the check runs.

Source: 001 §3.2 (data scattered, not standardised, not linked per customer), §3.1 (cannot say
why customers buy or do not), §1.3 (the four layers).
"""

from __future__ import annotations

from .. import datasets
from . import AS_PERCENTAGE, Exercise

__all__ = ["q1", "q2", "q3"]


def _raw():
    return datasets.load_raw()


def _key():
    return datasets.load_answer_key()


def _crm_people() -> int:
    links = _key()["record_links"]
    return int(links.loc[links["table"] == "crm_contacts", "person_id"].nunique())


def _crm_records() -> int:
    return len(_raw()["crm_contacts"])


def _showcase_records():
    from .. import widgets  # ipywidgets is needed only here, when q2 is checked

    raw, key = _raw(), _key()
    return widgets.person_records(raw, key, widgets.showcase_person(raw, key))


q1 = Exercise(
    "q1",
    """Two sales reps sometimes enter the same person in the CRM. How many CRM contact records
    are extra copies, that is records of a person who already has another CRM record?""",
    expected=lambda: _crm_records() - _crm_people(),
    solution="""
        crm = raw["crm_contacts"]
        links = key["record_links"]
        crm_people = links.loc[links["table"] == "crm_contacts", "person_id"].nunique()
        answer = len(crm) - crm_people
    """,
    hints=[
        "Count the CRM's records, then count the real people behind them; the difference is "
        "the extra copies.",
        "The answer key's key['record_links'] has one row per raw record with its person_id. "
        "Keep the rows whose table is 'crm_contacts' and count distinct person_id with "
        ".nunique().",
    ],
    kind="number",
    mistakes=[
        (lambda a, e: a == _crm_people(),
         "that is the number of real people in the CRM; subtract it from the number of records"),
        (lambda a, e: a == _crm_records(),
         "that is the number of CRM records; some of them are the same person"),
        (lambda a, e: a == _crm_records() - len(_key()["persons"]),
         "you subtracted everyone the answer key knows, including people who never reached the "
         "CRM; count only the people linked to table 'crm_contacts'"),
        (lambda a, e: a == -e, "you subtracted the wrong way round: records minus people"),
    ],
    explanation="Each extra copy splits one customer's history in two.",
)

q2 = Exercise(
    "q2",
    """The person we followed (person_id) has records in several exports. In how many different
    written forms does their phone number appear? Count distinct non-blank phone strings exactly
    as the systems wrote them.""",
    expected=lambda: int(_showcase_records()["phone"].nunique()),
    solution="""
        records = widgets.person_records(raw, key, person_id)
        answer = records["phone"].nunique()
    """,
    hints=[
        "widgets.person_records(raw, key, person_id) gives one row per record, with the phone "
        "as written.",
        "Distinct values of a column: .nunique() (it leaves blanks out).",
    ],
    kind="number",
    mistakes=[
        (lambda a, e: a == int(_showcase_records()["phone"].count()),
         "that counts the records that carry a phone; count distinct forms instead"),
        (lambda a, e: a == len(_showcase_records()),
         "that is the number of records, not of distinct phone forms"),
        (lambda a, e: a == 1,
         "it is one person, but do the systems write their phone one way? Look at the phone "
         "column again"),
    ],
    explanation="Same person, several spellings: matching raw strings would split them up.",
)


def _barrier_share() -> float:
    return float(_raw()["crm_contacts"]["main_barrier"].notna().mean())


q3 = Exercise(
    "q3",
    """Layer 4 of a Customer 360 is pains, desires and barriers. What share of the CRM's contacts
    have their main barrier (main_barrier) noted? Give a share between 0 and 1.""",
    expected=_barrier_share,
    solution="""
        answer = raw["crm_contacts"]["main_barrier"].notna().mean()
    """,
    hints=[
        "A share is (contacts with a barrier) / (all contacts).",
        "On a True/False column, .mean() is the share of True: try "
        "raw['crm_contacts']['main_barrier'].notna().mean().",
    ],
    kind="number",
    rtol=0.01,
    mistakes=[
        AS_PERCENTAGE,
        (lambda a, e: abs(a - (1 - e)) <= 0.005,
         "that is the share where the barrier is missing"),
        (lambda a, e: a == int(_raw()["crm_contacts"]["main_barrier"].notna().sum()),
         "that is a count of contacts; divide by the number of contacts to get a share"),
    ],
    explanation="Most contacts carry no barrier at all: the layer that explains why people "
                "do not buy is the emptiest.",
)
