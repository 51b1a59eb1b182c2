"""Exercises of notebook 04 — Pains, motivations and barriers.

The notebook names the clean model ``clean`` (``datasets.load_clean()``), the answer key ``key``
(``datasets.load_answer_key()``), the tags of every text ``tags`` (``insight.tag_texts(clean)``)
and the barrier shares by segment ``shares`` (``insight.barriers_by_segment(clean)``); the
solutions use those names and ``insight``. Every expected answer is computed from the sample data
when the check runs.

Source: 001 §4.4 (barriers per segment, the playbook), §4.6 (lost deals by barrier group).
"""

from __future__ import annotations

from .. import datasets, insight
from . import AS_PERCENTAGE, Exercise

__all__ = ["BARE_SENTENCE", "q1", "q2", "q3"]

#: a lost-deal reason as a rep typed it on a phone, without diacritics (exercise 3)
BARE_SENTENCE = "Lan truoc doi nha cung cap that bai, sep chua tin nen chua duyet"


def _shares():
    return insight.barriers_by_segment(datasets.load_clean())


q1 = Exercise(
    "q1",
    """Which barrier is the main one for offices? Answer with the barrier's tag id (e.g.
    "price"), read from the barrier shares by segment.""",
    expected=lambda: str(_shares().drop(columns="n").loc["office"].idxmax()),
    solution="""
        answer = shares.drop(columns="n").loc["office"].idxmax()
    """,
    hints=[
        "shares has one row per segment and one column per barrier; the column n is a count.",
        "Drop n, take the row 'office' with .loc, and name its largest column with .idxmax().",
    ],
    kind="text",
    mistakes=[
        (lambda a, e: a.strip().lower() == "n", "n counts customers; drop it first"),
        (lambda a, e: a.strip().lower() == str(_shares().drop(columns="n").loc["office"]
                                               .sort_values(ascending=False).index[1]),
         "that is the office's second barrier"),
        (lambda a, e: a.strip().lower() == str(_shares().drop(columns="n").loc["household"]
                                               .idxmax()),
         "that is the main barrier of households; take the row 'office'"),
    ],
    explanation="Offices have been let down before: the answer is proof, not a discount.",
)


def _lost_tags():
    clean = datasets.load_clean()
    tags = insight.tag_texts(clean, columns=[("deals", "lost_reason", "deal_id")])
    main = insight.main_tags(tags)
    n_lost = int((clean["deals"]["lost_reason"].fillna("").str.strip() != "").sum())
    return main, n_lost


def _price_share() -> float:
    main, n_lost = _lost_tags()
    return float((main["tag"] == "price").sum() / n_lost)


q2 = Exercise(
    "q2",
    """What share of the lost deals (deals with a lost reason) have price as the main tag of
    their reason? Give a share between 0 and 1.""",
    expected=_price_share,
    solution="""
        lost = tags[tags["column"] == "lost_reason"]
        main = insight.main_tags(lost)
        n_lost = (clean["deals"]["lost_reason"].fillna("").str.strip() != "").sum()
        answer = (main["tag"] == "price").sum() / n_lost
    """,
    hints=[
        "Keep the rows of tags whose column is 'lost_reason', then insight.main_tags(...) gives "
        "one main tag per reason.",
        "Count the main tags equal to 'price' and divide by the number of deals with a lost "
        "reason.",
    ],
    kind="number",
    rtol=0.01,
    mistakes=[
        AS_PERCENTAGE,
        (lambda a, e: abs(a - _price_share() * _lost_tags()[1] / len(datasets.load_clean()[
            "deals"])) < 1e-3, "that divides by every deal; divide by the lost deals only"),
        (lambda a, e: abs(a - _any_price_share()) < 1e-3,
         "that counts every reason with a price tag; count the main tag of each reason"),
    ],
    explanation="Price is one barrier among several: a discount alone would not win most "
                "lost deals back.",
)


def _any_price_share() -> float:
    clean = datasets.load_clean()
    tags = insight.tag_texts(clean, columns=[("deals", "lost_reason", "deal_id")])
    n_lost = int((clean["deals"]["lost_reason"].fillna("").str.strip() != "").sum())
    return float(tags.loc[tags["tag"] == "price", "record_id"].nunique() / n_lost)


q3 = Exercise(
    "q3",
    """Tag ex.BARE_SENTENCE, a lost-deal reason typed without diacritics. What is its main tag?
    Answer with the tag id.""",
    expected=lambda: str(insight.main_tags(insight.tag([BARE_SENTENCE]))["tag"].iloc[0]),
    solution="""
        answer = insight.main_tags(insight.tag([ex.BARE_SENTENCE]))["tag"].iloc[0]
    """,
    hints=[
        "insight.tag([sentence]) tags a list of texts; diacritics or not, it works the same.",
        "insight.main_tags(...) keeps one tag per text; read its 'tag' column.",
    ],
    kind="text",
    mistakes=[
        (lambda a, e: a.strip().lower() == "barrier", "that is the group; give the tag id"),
        (lambda a, e: a.strip().lower() in ("no_time", "price", "cant_measure"),
         "read the evidence: which words of the sentence fired a tag?"),
    ],
    explanation="A failed supplier before: the playbook's answer is real proof and a written "
                "commitment.",
)
