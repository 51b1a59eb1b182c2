"""Step 4: pains, motivations and barriers — tag what customers write, per segment, into offers.

The fourth layer of the Customer 360 profile (001 §1.3: "nỗi đau – mong muốn – rào cản quyết
định") is read from what customers and salespeople write: lost-deal reasons, survey comments,
chat messages, the CRM's "main barrier" and "need" notes. This module tags such text with a
**taxonomy** that ships with the package (``c360lab/data/taxonomy.toml``) and that a team extends
with its own TOML file, then turns the tags into a per-customer insight table, barrier shares by
segment and the playbook of 001 §4.4 (barrier → message → offer).

Tagging is by keyword phrases, matched as whole words on text folded to lower case, NFC, no
punctuation and no diacritics — so a message typed without diacritics tags like one typed with
them — plus a few ``exact_vi`` words that count only when their diacritics are there (``bận``:
without its marks "ban" may be *bán*, *bạn* or *bàn*). Each tag comes with its **evidence**:
the words of the text that fired it, so every tag can be checked by reading.

The chain::

    tags = tag_texts(clean)                  # every free-text column, one row per (text, tag)
    people = customer_insights(clean, tags=tags)   # one row per customer: layer 4
    shares = barriers_by_segment(clean, insights=people)
    apply_playbook(top_barriers(shares))     # per segment: main barriers → message and offer

Source: 001 §1.3 (layer 4) and §4.4.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .contract import C360DataError, Problem
from .vietnam import strip_diacritics

__all__ = [
    "GROUPS",
    "QUESTION_BANK",
    "TEXT_COLUMNS",
    "apply_playbook",
    "barriers_by_segment",
    "customer_insights",
    "detailed_segments",
    "fold_words",
    "load_taxonomy",
    "main_tags",
    "playbook",
    "question_bank",
    "tag",
    "tag_texts",
    "tagging_scores",
    "top_barriers",
]

#: the taxonomy's groups, in the order a text's main tag is chosen: a barrier in a text decides
#: over a pain, a pain over a question, a question over a desire ("ngon nhưng đắt" is a price
#: barrier)
GROUPS = ("barrier", "pain", "question", "desire")
#: the free-text columns of the clean model that :func:`tag_texts` reads: (table, column, id)
TEXT_COLUMNS = (("deals", "lost_reason", "deal_id"),
                ("surveys", "comment", "response_id"),
                ("inbox_messages", "message_text", "message_id"),
                ("crm_contacts", "main_barrier", "contact_id"),
                ("crm_contacts", "need", "contact_id"))
#: when a customer's barriers tie, the one from the earlier table here wins (a lost deal's reason
#: is what decided; a rep's note is a summary; a survey or chat is a side remark)
SOURCE_RANK = {t: i for i, (t, c, _) in enumerate(TEXT_COLUMNS) if c != "need"}
SMALL_CAFE_MAX_OUTLETS = 2

_SHIPPED = "taxonomy.toml"
_FIELDS = {"vi", "en", "keywords_vi", "keywords_en", "exact_vi", "level", "replace",
           "message_vi", "message_en", "offer_vi", "offer_en"}
_PLAYBOOK_FIELDS = ("message_vi", "message_en", "offer_vi", "offer_en")
_LEVELS = ("surface", "root")
_WORD = re.compile(r"\w+")

#: the insight question bank for sales and customer care (001 §4.4 "bộ câu hỏi khai thác
#: insight": why now, what was tried, where it failed, the criteria, what holds the decision;
#: and §1.3 layer 4), each with who asks it and the tag or group it uncovers
QUESTION_BANK = (
    ("Vì sao anh/chị tìm giải pháp vào lúc này?", "Why are you looking for a solution now?",
     "sales", "pain", "root pain behind the request"),
    ("Doanh thu của quán mấy tháng gần đây thế nào?", "How have the shop's sales been lately?",
     "sales", "revenue_stall", "root pain"),
    ("Trước đây anh/chị đã thử giải pháp/nhà cung cấp nào?",
     "What solution or supplier have you tried before?", "sales", "trust", "what was tried"),
    ("Lần đó không hiệu quả ở điểm nào?", "Where did it fall short?", "sales", "trust",
     "where it failed"),
    ("Anh/chị chọn nhà cung cấp dựa trên tiêu chí gì?", "How do you choose a supplier?",
     "sales", "desire", "criteria: the strongest motivation"),
    ("Điều gì khiến anh/chị chưa quyết định?", "What is holding the decision back?", "sales",
     "barrier", "the barrier"),
    ("Ngân sách dự kiến cho khoản này là bao nhiêu?", "What budget do you have in mind?",
     "sales", "price", "price and budget"),
    ("Nếu đầu tư, anh/chị lo nhất điều gì?", "If you invest, what worries you most?", "sales",
     "cost_fear", "fear of the wrong investment"),
    ("Ai sẽ vận hành máy và đứng quầy hằng ngày?", "Who will run the machine and the bar every "
     "day?", "sales", "no_staff", "no staff"),
    ("Khi nào quán có thể dành thời gian lắp đặt và học?",
     "When can the shop make time to install and learn?", "sales", "no_time", "no time"),
    ("Anh/chị sẽ đo hiệu quả khoản đầu tư này bằng con số nào?",
     "Which number will tell you the investment worked?", "sales", "cant_measure",
     "can't measure"),
    ("Sản phẩm có đúng điều anh/chị mong đợi không?", "Is the product what you expected?",
     "customer care", "praise_quality", "quality"),
    ("Giao hàng, bảo hành, phản hồi có điểm nào chưa ổn?",
     "Was anything wrong with delivery, warranty or our replies?", "customer care", "pain",
     "surface pains"),
    ("Điều gì sẽ khiến anh/chị giới thiệu chúng tôi cho người quen?",
     "What would make you recommend us to a friend?", "customer care", "desire",
     "motivation to refer"),
)


# -- the taxonomy --------------------------------------------------------------------------------

def _problem(tag: str, message: str, fix: str) -> Problem:
    return Problem(tag, message, fix)


def _read_toml(path, name: str) -> dict:
    try:
        if hasattr(path, "read_bytes"):
            return tomllib.loads(path.read_bytes().decode("utf-8"))
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise C360DataError("taxonomy", [_problem(
            "(file)", f"is not valid TOML ({error})",
            "check the quotes, brackets and commas near that line")], source=name) from None
    except OSError as error:
        raise C360DataError("taxonomy", [_problem(
            "(file)", f"cannot be read ({type(error).__name__})",
            "give the path of an existing TOML file")], source=name) from None


def _phrases(value, field: str, tag: str) -> tuple[str, ...] | Problem:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and _WORD.search(v)
                                              for v in value):
        return _problem(tag, f"{field} must be a list of phrases", f'write {field} = ["phrase '
                        'one", "phrase two"], each with at least one letter or digit')
    return tuple(unicodedata.normalize("NFC", v).strip() for v in value)


def _merge(tags: dict, data: dict, name: str) -> None:
    """Merge one file's tags into ``tags`` (tag id -> fields), raising on any bad entry."""
    problems = []
    known_group = {t: f["group"] for t, f in tags.items()}
    for group, entries in data.items():
        if group not in GROUPS or not isinstance(entries, dict):
            problems.append(_problem(f"[{group}]", "is not a group of the taxonomy",
                                     f"name each tag [<group>.<tag_id>] with group one of "
                                     f"{', '.join(GROUPS)}"))
            continue
        for tag_id, fields in entries.items():
            where = f"{group}.{tag_id}"
            if not isinstance(fields, dict):
                problems.append(_problem(where, "is not a table of fields",
                                         f"write [{where}] on its own line, then its fields"))
                continue
            unknown = sorted(set(fields) - _FIELDS)
            if unknown:
                problems.append(_problem(where, f"has unknown field(s) {', '.join(unknown)}",
                                         f"use only: {', '.join(sorted(_FIELDS))}"))
                continue
            if tag_id in known_group and known_group[tag_id] != group:
                problems.append(_problem(where, f"already exists in group "
                                                f"'{known_group[tag_id]}'",
                                         f"write it as [{known_group[tag_id]}.{tag_id}], or "
                                         "give the new tag another id"))
                continue
            new = tag_id not in tags or fields.get("replace") is True
            entry = ({"group": group, "vi": None, "en": None, "level": None, "keywords_vi": (),
                      "keywords_en": (), "exact_vi": (), **dict.fromkeys(_PLAYBOOK_FIELDS)}
                     if new else dict(tags[tag_id]))
            bad = False
            for field in ("keywords_vi", "keywords_en", "exact_vi"):
                if field in fields:
                    words = _phrases(fields[field], field, where)
                    if isinstance(words, Problem):
                        problems.append(words)
                        bad = True
                    else:  # a user's keywords extend the tag (unless replace = true)
                        entry[field] = tuple(dict.fromkeys(entry[field] + words))
            for field in ("vi", "en", "level", *_PLAYBOOK_FIELDS):
                if field in fields:
                    if not isinstance(fields[field], str) or not fields[field].strip():
                        problems.append(_problem(where, f"{field} must be a non-empty text",
                                                 f'write {field} = "..."'))
                        bad = True
                    else:
                        entry[field] = fields[field].strip()
            if bad:
                continue
            missing = [f for f in ("vi", "en") if not entry[f]]
            if not (entry["keywords_vi"] or entry["keywords_en"] or entry["exact_vi"]):
                missing.append("keywords_vi or keywords_en")
            if group == "barrier":
                missing += [f for f in _PLAYBOOK_FIELDS if not entry[f]]
            if missing:
                problems.append(_problem(where, f"lacks {', '.join(missing)}",
                                         "give a new tag its labels and keywords (and a new "
                                         "barrier its playbook message and offer)"))
                continue
            if group == "pain" and entry["level"] not in _LEVELS:
                problems.append(_problem(where, f"has level {entry['level']!r}",
                                         'write level = "surface" or level = "root"'))
                continue
            if group != "pain" and entry["level"] is not None:
                problems.append(_problem(where, "has a level, which only pains have",
                                         "remove the line level = ..."))
                continue
            tags[tag_id] = entry
    if problems:
        raise C360DataError("taxonomy", problems, source=name)


def load_taxonomy(*extra_files) -> pd.DataFrame:
    """The shipped pains/desires/barriers/questions taxonomy, extended by your own TOML files.

    Each file holds one table per tag, ``[<group>.<tag_id>]``, with the group one of
    ``pain``, ``desire``, ``barrier``, ``question``::

        [barrier.no_time]
        vi = "Không có thời gian"            # Vietnamese label
        en = "No time"                       # English label
        keywords_vi = ["không có thời gian", "bận quá"]   # with diacritics; also match text
        keywords_en = ["no time", "too busy"]             # typed without them
        exact_vi = ["bận"]                   # optional: count only where the text has diacritics
        level = "surface"                    # pains only: "surface" or "root"
        message_vi = "..."                   # barriers only: the playbook's message and offer,
        message_en = "..."                   # in Vietnamese and English
        offer_vi = "..."
        offer_en = "..."

    For a tag that already exists, the keywords a later file lists are **added** and its labels
    replace the earlier ones; ``replace = true`` replaces the whole tag. A new tag needs both
    labels and a keyword, a new barrier also its message and offer. Later files win.

    Parameters
    ----------
    *extra_files : str or path
        Your own taxonomy files, applied in order over the shipped one.

    Returns
    -------
    DataFrame
        Indexed by ``tag`` (file order): ``group``, ``level``, ``label_vi``, ``label_en``,
        ``keywords_vi``, ``keywords_en``, ``exact_vi`` (tuples of phrases) and the playbook's
        ``message_vi``, ``message_en``, ``offer_vi``, ``offer_en`` (barriers only).

    Raises
    ------
    C360DataError
        A file that cannot be read, is not TOML, or has a bad tag: the error names the file, the
        tag and the fix.

    Examples
    --------
    >>> tax = load_taxonomy()
    >>> tax.loc["no_time", ["group", "label_en"]].tolist()
    ['barrier', 'No time to implement']
    >>> sorted(tax.loc[tax["group"] == "barrier"].index)
    ['cant_measure', 'cost_fear', 'no_staff', 'no_time', 'price', 'trust']

    Source: 001 §1.3 (layer 4: pains, desires, barriers) and §4.4 (the common barriers).
    """
    if not extra_files:
        return _shipped_taxonomy().copy()
    tags: dict = _shipped_tags()
    for path in extra_files:
        _merge(tags, _read_toml(path, str(path)), str(path))
    return _taxonomy_table(tags)


def _shipped_tags() -> dict:
    tags: dict = {}
    shipped = resources.files("c360lab").joinpath("data", _SHIPPED)
    _merge(tags, _read_toml(shipped, _SHIPPED), _SHIPPED)
    return tags


@functools.cache
def _shipped_taxonomy() -> pd.DataFrame:
    """The shipped taxonomy, read once (callers get a copy)."""
    return _taxonomy_table(_shipped_tags())


def _taxonomy_table(tags: dict) -> pd.DataFrame:
    rows = [{"tag": t, "group": f["group"], "level": f["level"], "label_vi": f["vi"],
             "label_en": f["en"], "keywords_vi": f["keywords_vi"],
             "keywords_en": f["keywords_en"], "exact_vi": f["exact_vi"],
             **{p: f[p] for p in _PLAYBOOK_FIELDS}} for t, f in tags.items()]
    out = pd.DataFrame(rows).set_index("tag")
    return out.astype({c: "object" for c in ("keywords_vi", "keywords_en", "exact_vi")})


# -- tagging -------------------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    """Lower-case NFC words of ``text``, punctuation dropped."""
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


def fold_words(text: str) -> str:
    """Text as the tagger compares it: lower case, NFC, no diacritics, no punctuation.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        The words, joined by single spaces.

    Examples
    --------
    >>> fold_words("  Giá CAO quá, bên khác báo rẻ hơn!")
    'gia cao qua ben khac bao re hon'

    Source: 001 §4.4 (tag what customers write, however they type it).
    """
    return strip_diacritics(" ".join(_words(text)))


class _Index:
    """The taxonomy's phrases, indexed by their first word (folded, and exact)."""

    def __init__(self, taxonomy: pd.DataFrame):
        self.tags = list(taxonomy.index)
        self.group = taxonomy["group"].to_dict()
        self.folded: dict[str, list] = {}
        self.exact: dict[str, list] = {}
        for tag_id, row in taxonomy.iterrows():
            for phrase in (*row["keywords_vi"], *row["keywords_en"]):
                words = tuple(fold_words(phrase).split())
                self.folded.setdefault(words[0], []).append((words, tag_id))
            for phrase in row["exact_vi"]:
                words = tuple(_words(phrase))
                self.exact.setdefault(words[0], []).append((words, tag_id))

    def match(self, text: str) -> dict[str, tuple[str, int]]:
        """tag -> (evidence, score): the text's words each tag's phrases cover, as written
        (runs of covered words joined by " | "), and how many words they cover."""
        words = _words(text)
        folded = strip_diacritics(" ".join(words)).split(" ") if words else []
        spans: dict[str, list] = {}
        for tokens, index in ((folded, self.folded),
                              (words if folded != words else [], self.exact)):
            for i, token in enumerate(tokens):
                for phrase, tag_id in index.get(token, ()):
                    n = len(phrase)
                    if tuple(tokens[i:i + n]) == phrase:
                        spans.setdefault(tag_id, []).append((i, i + n))
        out = {}
        for tag_id, found in spans.items():
            merged: list[list[int]] = []
            for start, end in sorted(found):  # overlapping phrases make one piece of evidence
                if merged and start < merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            out[tag_id] = (" | ".join(" ".join(words[a:b]) for a, b in merged),
                           sum(b - a for a, b in merged))
        return out


def _as_texts(texts, table: str = "texts", column: str = "text") -> pd.Series:
    """``texts`` as a Series of str (missing as ""), raising on values that are not text."""
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype="object")
    missing = s.isna()
    bad = ~missing & ~s.map(lambda v: isinstance(v, str)).astype(bool)
    if bad.any():
        shown = s[bad].head(5)
        raise C360DataError(table, [Problem(
            column, "holds values that are not text", "pass text (str) or missing values; "
            "convert with .astype('str') only if numbers really are the text",
            tuple(shown.index.tolist()), tuple(shown.tolist()), int(bad.sum()))])
    return s.astype("object").where(~missing, "")


def tag(texts, *, taxonomy: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tag free texts with the taxonomy: one row per (text, tag), with the evidence words.

    Works on Vietnamese with or without diacritics and on English. Each distinct text is tagged
    once, so repeated texts cost nothing.

    Parameters
    ----------
    texts : Series or sequence of str
        The texts; missing and blank texts get no tag.
    taxonomy : DataFrame, optional
        What :func:`load_taxonomy` returns (default: the shipped taxonomy).

    Returns
    -------
    DataFrame
        ``row`` (the text's index label), ``tag``, ``group``, ``evidence`` (the words of the
        text that fired the tag, as written; separate places joined by " | ") and ``score`` (how
        many words of the text the tag's phrases cover: the main tag of a text has the
        highest). Rows follow the texts' order, then the taxonomy's.

    Raises
    ------
    C360DataError
        When a value is not text (a number, a list...).

    Examples
    --------
    >>> tag(["Giá cao quá, xin thêm chiết khấu", "GIA CAO QUA!", "Chủ quán bận quá"])
       row      tag    group              evidence  score
    0    0    price  barrier  giá cao | chiết khấu      4
    1    1    price  barrier               gia cao      2
    2    2  no_time  barrier               bận quá      2

    Source: 001 §4.4 (barriers, pains and motivations from what customers say).
    """
    taxonomy = load_taxonomy() if taxonomy is None else taxonomy
    s = _as_texts(texts)
    codes, uniques = pd.factorize(s, sort=False)
    index = _Index(taxonomy)
    order = {t: i for i, t in enumerate(index.tags)}
    rows = []
    for code, text in enumerate(uniques):
        by_tag = index.match(text)
        for tag_id in sorted(by_tag, key=order.get):
            rows.append((code, tag_id, *by_tag[tag_id]))
    per_text = pd.DataFrame(rows, columns=["code", "tag", "evidence", "score"])
    # each tag of a distinct text, once per position holding that text, in position order
    where = np.argsort(codes, kind="stable")[int((codes < 0).sum()):]  # positions by text
    many = np.bincount(codes[codes >= 0], minlength=len(uniques))
    first = np.cumsum(many) - many  # where each text's positions start in `where`
    code = per_text["code"].to_numpy(dtype="int64")
    row = np.repeat(np.arange(len(per_text)), many[code])
    nth = np.arange(len(row)) - np.repeat(np.cumsum(many[code]) - many[code], many[code])
    positions = where[first[code][row] + nth] if len(row) else np.zeros(0, dtype="int64")
    sort = np.argsort(positions, kind="stable")
    out, positions = per_text.iloc[row[sort]], positions[sort]
    result = pd.DataFrame({
        "row": s.index.to_numpy()[positions] if len(out) else np.array([], dtype="object"),
        "tag": out["tag"].to_numpy(dtype="object"),
        "group": out["tag"].map(index.group).to_numpy(dtype="object"),
        "evidence": out["evidence"].to_numpy(dtype="object"),
        "score": out["score"].to_numpy(dtype="int64"),
    })
    return result.astype({"tag": "str", "group": "str", "evidence": "str"})


def main_tags(tags: pd.DataFrame, *, groups=None, priority=GROUPS) -> pd.DataFrame:
    """The main tag of each text: the first group by ``priority``, then the highest score.

    Parameters
    ----------
    tags : DataFrame
        What :func:`tag` (or :func:`tag_texts`) returns.
    groups : sequence of str, optional
        Keep only tags of these groups (e.g. ``["barrier"]`` for the main barrier).
    priority : sequence of str
        The groups, most decisive first (default :data:`GROUPS`: barrier, pain, question,
        desire). Ties of score go to the tag listed first in the taxonomy.

    Returns
    -------
    DataFrame
        One row per tagged text, indexed by ``row`` (or by ``(table, column, record_id)`` for
        the output of :func:`tag_texts`): the columns of ``tags`` for its main tag.

    Examples
    --------
    >>> t = tag(["Cà phê ngon nhưng giá đắt quá", "Máy pha chạy êm, cà phê ngon"])
    >>> main_tags(t)["tag"].tolist()
    ['price', 'praise_quality']

    Source: 001 §4.4 (one main barrier per customer and segment).
    """
    keys = ["table", "column", "record_id"] if "record_id" in tags.columns else ["row"]
    t = tags if groups is None else tags[tags["group"].isin(list(groups))]
    rank = {g: i for i, g in enumerate(priority)}
    t = t.assign(_rank=t["group"].map(rank).fillna(len(rank)), _pos=np.arange(len(t)))
    t = t.sort_values([*keys, "_rank", "score", "_pos"],
                      ascending=[True] * len(keys) + [True, False, True], kind="stable")
    first = t.drop_duplicates(keys).sort_values("_pos", kind="stable")
    return first.drop(columns=["_rank", "_pos"]).set_index(keys)


def tagging_scores(predicted, labels: pd.Series) -> pd.DataFrame:
    """Precision, recall and F1 of each true label, and their macro average.

    Parameters
    ----------
    predicted : Series or DataFrame
        The predicted tag per text (a DataFrame's ``tag`` column, e.g. from :func:`main_tags`),
        indexed like ``labels``; a text without a prediction counts as wrong.
    labels : Series
        The true label per text, e.g. the answer key's ``text_labels`` indexed by ``record_id``.

    Returns
    -------
    DataFrame
        One row per label (sorted), then ``macro``: ``precision``, ``recall``, ``f1`` and
        ``support`` (texts with that label). The macro row averages the labels with equal weight.

    Examples
    --------
    >>> truth = pd.Series(["price", "price", "trust", "no_time"])
    >>> guess = pd.Series(["price", "trust", "trust", None])
    >>> tagging_scores(guess, truth).round(2)
             precision  recall    f1  support
    label
    no_time        0.0     0.0  0.00        1
    price          1.0     0.5  0.67        2
    trust          0.5     1.0  0.67        1
    macro          0.5     0.5  0.44        4

    Source: 001 §4.6 (check the profile against real data), §4.4.
    """
    if isinstance(predicted, pd.DataFrame):
        predicted = predicted["tag"]
    truth = pd.Series(labels).astype("str")
    guess = pd.Series(predicted).reindex(truth.index).astype("object").fillna("(none)")
    guess = guess.astype("str").to_numpy()
    truth_values = truth.to_numpy()
    rows = {}
    for label in sorted(set(truth_values)):
        hit = (guess == label) & (truth_values == label)
        tp, pred_n, true_n = int(hit.sum()), int((guess == label).sum()), int(
            (truth_values == label).sum())
        precision = tp / pred_n if pred_n else 0.0
        recall = tp / true_n if true_n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows[label] = (precision, recall, f1, true_n)
    out = pd.DataFrame.from_dict(rows, orient="index",
                                 columns=["precision", "recall", "f1", "support"])
    macro = out[["precision", "recall", "f1"]].mean() if len(out) else pd.Series(
        0.0, index=["precision", "recall", "f1"])
    out.loc["macro"] = [*macro.tolist(), int(out["support"].sum())]
    out.index.name = "label"
    return out.astype({"support": "int64"})


# -- the clean model -----------------------------------------------------------------------------

def _need_columns(clean: dict, pairs) -> None:
    """Raise a C360DataError naming every (table, column) of ``pairs`` the clean model lacks."""
    by_table: dict[str, list[Problem]] = {}
    for table, column in pairs:
        if table not in clean:
            by_table.setdefault(table, []).append(Problem(
                "(table)", "is missing from the clean model",
                "pass datasets.load_clean() (or your own dict of tables)"))
        elif column not in clean[table].columns:
            fix = ("link every row to its customer first (step 2, identity resolution)"
                   if column == "customer_id" else "add the column (see data/README.md)")
            by_table.setdefault(table, []).append(Problem(column, "is missing", fix))
    for table, problems in by_table.items():
        raise C360DataError(table, problems)


def tag_texts(clean: dict, *, taxonomy: pd.DataFrame | None = None,
              columns=TEXT_COLUMNS) -> pd.DataFrame:
    """Tag every free-text column of the clean model, each row keyed by its customer.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model (``datasets.load_clean()``): tables with a ``customer_id``.
    taxonomy : DataFrame, optional
        What :func:`load_taxonomy` returns (default: the shipped taxonomy).
    columns : sequence of (table, column, id column)
        The texts to tag (default :data:`TEXT_COLUMNS`: lost-deal reasons, survey comments,
        chat messages, the CRM's main barrier and need). Tables the model lacks are skipped
        only when you pass ``columns`` without them.

    Returns
    -------
    DataFrame
        One row per (text, tag): ``table``, ``column``, ``record_id``, ``customer_id``,
        ``tag``, ``group``, ``evidence``, ``score``.

    Raises
    ------
    C360DataError
        A missing table or column, or a text column holding non-text values.

    Examples
    --------
    >>> deals = pd.DataFrame({"deal_id": ["D1", "D2"], "customer_id": ["C1", "C2"],
    ...                       "lost_reason": ["Sợ đầu tư sai", None]})
    >>> tag_texts({"deals": deals}, columns=[("deals", "lost_reason", "deal_id")])[
    ...     ["record_id", "customer_id", "tag", "evidence"]]
      record_id customer_id        tag         evidence
    0        D1          C1  cost_fear  sợ đầu tư sai

    Source: 001 §4.4, §4.6 (lost deals by barrier group), §4.2 (the "main barrier" field).
    """
    _need_columns(clean, [(t, c) for t, c, i in columns]
                  + [(t, x) for t, _, i in columns for x in (i, "customer_id")])
    parts = []
    for table, column, id_column in columns:
        df = clean[table]
        texts = _as_texts(df[column], table, column)
        keep = texts.str.strip() != ""
        parts.append(pd.DataFrame({"table": table, "column": column,
                                   "record_id": df.loc[keep, id_column].astype("str").to_numpy(),
                                   "customer_id": df.loc[keep, "customer_id"].to_numpy(),
                                   "text": texts[keep].to_numpy()}))
    texts = pd.concat(parts, ignore_index=True)
    tags = tag(texts["text"], taxonomy=taxonomy)
    meta = texts.loc[tags["row"].to_numpy(dtype="int64"),
                     ["table", "column", "record_id", "customer_id"]].reset_index(drop=True)
    return pd.concat([meta, tags.drop(columns="row")], axis=1).astype({"customer_id": "str"})


def _per_text(tags: pd.DataFrame, group: str) -> pd.DataFrame:
    """The main tag of ``group`` per text, with the customer and the source's rank."""
    main = main_tags(tags, groups=[group]).reset_index()
    return main.assign(_source=main["table"].map(SOURCE_RANK).fillna(len(SOURCE_RANK)))


def _summary(per_text: pd.DataFrame, customers: pd.Index, order: dict, name: str
             ) -> pd.DataFrame:
    """Per customer: the main tag, all tags with their counts ("a ×2, b"), the number of texts."""
    if per_text.empty:
        return pd.DataFrame({f"main_{name}": pd.Series(index=customers, dtype="str"),
                             f"{name}s": "", f"n_{name}_texts": 0}, index=customers)
    counts = per_text.groupby(["customer_id", "tag"], sort=False).agg(
        n=("tag", "size"), source=("_source", "min")).reset_index()
    counts["_order"] = counts["tag"].map(order)
    counts = counts.sort_values(["customer_id", "n", "source", "_order"],
                                ascending=[True, False, True, True], kind="stable")
    label = counts["tag"].where(counts["n"] == 1, counts["tag"] + " ×" + counts["n"].astype(str))
    # the labels of each customer joined in this order, vectorised: the sorted rows of one
    # customer are contiguous; add the k-th label of every customer at once
    who = counts["customer_id"].to_numpy()
    first = np.r_[True, who[1:] != who[:-1]]
    starts = np.flatnonzero(first)
    group = np.cumsum(first) - 1
    rank = np.arange(len(who)) - starts[group]
    labels = label.to_numpy(dtype=object)
    listed = labels[starts].copy()
    for k in range(1, int(rank.max()) + 1):
        at = rank == k
        listed[group[at]] = listed[group[at]] + ", " + labels[at]
    ids = pd.Index(who[starts], name="customer_id")
    out = pd.DataFrame({f"main_{name}": counts["tag"].to_numpy()[starts],
                        f"{name}s": listed,
                        f"n_{name}_texts": np.add.reduceat(
                            counts["n"].to_numpy(dtype="int64"), starts)}, index=ids)
    out = out.reindex(customers)
    return out.fillna({f"{name}s": "", f"n_{name}_texts": 0}).astype(
        {f"n_{name}_texts": "int64", f"main_{name}": "str", f"{name}s": "str"})


def detailed_segments(clean: dict, *, small_cafe_max_outlets: int = SMALL_CAFE_MAX_OUTLETS
                      ) -> pd.Series:
    """Each customer's segment, with cafés split by size: small cafés and cafe chains.

    A café is a ``small_cafe`` when the CRM records at most ``small_cafe_max_outlets`` outlets
    for it (the largest number over its contacts), a ``cafe_chain`` when more, and stays
    ``cafe`` when no contact records its outlets. Other segments are unchanged; a customer
    without one is ``unknown``.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model: ``customers`` (``customer_id``, ``segment``) and, for the outlets,
        ``crm_contacts`` (``customer_id``, ``outlets``).
    small_cafe_max_outlets : int, default 2

    Returns
    -------
    Series
        Indexed by ``customer_id`` (every customer once, in the customers' order).

    Examples
    --------
    >>> clean = {"customers": pd.DataFrame({"customer_id": ["A", "B", "C"],
    ...                                     "segment": ["cafe", "cafe", "office"]}),
    ...          "crm_contacts": pd.DataFrame({"customer_id": ["A", "B"], "outlets": [1, 5]})}
    >>> detailed_segments(clean).tolist()
    ['small_cafe', 'cafe_chain', 'office']

    Source: 001 §1.3 (firmographics: company size), DESIGN story 4 (small cafés ≤ 2 outlets).
    """
    _need_columns(clean, [("customers", "customer_id"), ("customers", "segment")])
    segment = clean["customers"].set_index("customer_id")["segment"]
    most = pd.Series(np.nan, index=segment.index)
    if "crm_contacts" in clean and "outlets" in clean["crm_contacts"].columns:
        crm = clean["crm_contacts"]
        outlets = pd.to_numeric(crm["outlets"], errors="coerce").astype("float")
        most = outlets.groupby(crm["customer_id"]).max().reindex(segment.index)
    return _split_cafes(segment, most, small_cafe_max_outlets)


def _split_cafes(segment: pd.Series, outlets: pd.Series, small_cafe_max_outlets: int
                 ) -> pd.Series:
    """The rule of :func:`detailed_segments`, given each customer's largest number of outlets
    (aligned with ``segment``; missing when no contact records it)."""
    seg = segment.astype("object").fillna("unknown").to_numpy()
    most = pd.to_numeric(outlets, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    cafe = seg == "cafe"
    out = np.where(cafe & (most <= small_cafe_max_outlets), "small_cafe",
                   np.where(cafe & (most > small_cafe_max_outlets), "cafe_chain", seg))
    return pd.Series(out, index=segment.index, dtype="str", name="segment")


def customer_insights(clean: dict, *, tags: pd.DataFrame | None = None,
                      taxonomy: pd.DataFrame | None = None,
                      small_cafe_max_outlets: int = SMALL_CAFE_MAX_OUTLETS) -> pd.DataFrame:
    """Layer 4 of the profile: each customer's main barrier, barriers, pains and desires.

    Each text counts once per group (its main barrier, main pain, main desire). A customer's
    main barrier is the one in most of their texts; a tie goes to the text that decides most
    (a lost deal's reason, then the CRM note, then surveys and chats), then taxonomy order.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model (``datasets.load_clean()``).
    tags : DataFrame, optional
        What :func:`tag_texts` returned for ``clean`` (computed when not given).
    taxonomy : DataFrame, optional
        Used when ``tags`` is computed here.
    small_cafe_max_outlets : int, default 2
        See :func:`detailed_segments`.

    Returns
    -------
    DataFrame
        One row per customer of ``clean["customers"]``, in its order: ``customer_id``,
        ``segment`` (as :func:`detailed_segments`), then for barrier, pain and desire:
        ``main_<x>`` (missing when none), ``<x>s`` (all, most frequent first, with a count when
        more than one, e.g. ``"no_time ×2, price"``) and ``n_<x>_texts``.

    Examples
    --------
    >>> clean = {"customers": pd.DataFrame({"customer_id": ["C1", "C2"],
    ...                                     "segment": ["household", "office"]}),
    ...          "deals": pd.DataFrame({"deal_id": ["D1"], "customer_id": ["C2"],
    ...                                 "lost_reason": ["Chưa tin nhà cung cấp mới"]})}
    >>> t = tag_texts(clean, columns=[("deals", "lost_reason", "deal_id")])
    >>> customer_insights(clean, tags=t)[["customer_id", "main_barrier", "barriers"]]
      customer_id main_barrier barriers
    0          C1          NaN
    1          C2        trust    trust

    Source: 001 §1.3 (layer 4), §4.4, §4.5 (the 4-layer profile).
    """
    if tags is None:
        tags = tag_texts(clean, taxonomy=taxonomy)
    taxonomy = load_taxonomy() if taxonomy is None else taxonomy
    order = {t: i for i, t in enumerate(taxonomy.index)}
    segment = detailed_segments(clean, small_cafe_max_outlets=small_cafe_max_outlets)
    ids = segment.index
    parts = [_summary(_per_text(tags, g), ids, order, g) for g in ("barrier", "pain", "desire")]
    out = pd.concat([segment, *parts], axis=1)
    out.index.name = "customer_id"
    return out.reset_index()


def barriers_by_segment(clean: dict, *, insights: pd.DataFrame | None = None,
                        count: str = "customers", tags: pd.DataFrame | None = None,
                        small_cafe_max_outlets: int = SMALL_CAFE_MAX_OUTLETS) -> pd.DataFrame:
    """How often each barrier is the main one, by segment (small cafés and chains apart).

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model.
    insights : DataFrame, optional
        What :func:`customer_insights` returned (computed when not given).
    count : {"customers", "texts"}
        ``"customers"``: share of the segment's customers with a known barrier whose main
        barrier it is. ``"texts"``: share of the segment's barrier-tagged texts.
    tags : DataFrame, optional
        What :func:`tag_texts` returned (for ``count="texts"``, or to build ``insights``).
    small_cafe_max_outlets : int, default 2
        See :func:`detailed_segments` (how small cafés are told from cafe chains).

    Returns
    -------
    DataFrame
        One row per segment (by name), one column per barrier (taxonomy order), shares 0 to 1
        that sum to 1 per row, and ``n``: the customers (or texts) counted.

    Examples
    --------
    >>> clean = {"customers": pd.DataFrame({"customer_id": ["C1", "C2", "C3"],
    ...                                     "segment": ["office"] * 3}),
    ...          "deals": pd.DataFrame({"deal_id": ["D1", "D2", "D3"],
    ...                                 "customer_id": ["C1", "C2", "C3"],
    ...                                 "lost_reason": ["chưa tin", "giá cao", "không tin"]})}
    >>> t = tag_texts(clean, columns=[("deals", "lost_reason", "deal_id")])
    >>> barriers_by_segment(clean, tags=t)[["price", "trust", "n"]].round(2)
             price  trust  n
    segment
    office    0.33   0.67  3

    Source: 001 §4.4 (barriers per segment), §4.6 (lost deals by barrier group).
    """
    if count not in ("customers", "texts"):
        raise ValueError('count must be "customers" or "texts"')
    if tags is None and (insights is None or count == "texts"):
        tags = tag_texts(clean)
    barriers = [t for t, g in load_taxonomy()["group"].items() if g == "barrier"]
    if count == "customers":
        if insights is None:
            insights = customer_insights(clean, tags=tags,
                                         small_cafe_max_outlets=small_cafe_max_outlets)
        known = insights[insights["main_barrier"].notna()]
        seg, value = known["segment"], known["main_barrier"]
    else:
        segment = detailed_segments(clean, small_cafe_max_outlets=small_cafe_max_outlets)
        per = _per_text(tags, "barrier")
        seg, value = per["customer_id"].map(segment).fillna("unknown"), per["tag"]
    extra = sorted(set(value) - set(barriers))  # barriers of a user's taxonomy
    table = pd.crosstab(seg.rename("segment"), value.rename("barrier"))
    table = table.reindex(columns=barriers + extra, fill_value=0)
    n = table.sum(axis=1)
    shares = table.div(n.where(n > 0), axis=0).fillna(0.0)
    shares["n"] = n.astype("int64")
    shares.columns.name = None
    return shares.sort_index()


def top_barriers(shares: pd.DataFrame, n: int = 2, *,
                 taxonomy: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``n`` most frequent barriers of each segment, with their labels.

    Parameters
    ----------
    shares : DataFrame
        What :func:`barriers_by_segment` returns (any such share table works: segments as
        rows, tags as columns, an optional ``n`` column).
    n : int, default 2
        How many per segment (001 §4.4: "1–2 rào cản chính").

    Returns
    -------
    DataFrame
        ``segment``, ``rank`` (1 = main), ``barrier``, ``share``, ``label_vi``, ``label_en``;
        segments by name, ties of share by taxonomy order.

    Examples
    --------
    >>> s = pd.DataFrame({"price": [0.5, 0.1], "trust": [0.2, 0.6], "no_time": [0.3, 0.3]},
    ...                  index=pd.Index(["household", "office"], name="segment"))
    >>> top_barriers(s, 1)[["segment", "barrier", "share"]]
         segment barrier  share
    0  household   price    0.5
    1     office   trust    0.6

    Source: 001 §4.4 (per segment 1–2 main barriers).
    """
    taxonomy = load_taxonomy() if taxonomy is None else taxonomy
    table = shares.drop(columns=["n"], errors="ignore")
    long = table.rename_axis(index="segment").reset_index().melt(
        id_vars="segment", var_name="barrier", value_name="share")
    long["_order"] = long["barrier"].map({t: i for i, t in enumerate(taxonomy.index)})
    long = long.sort_values(["segment", "share", "_order"], ascending=[True, False, True],
                            kind="stable")
    top = long.groupby("segment", sort=False).head(n).drop(columns="_order")
    top.insert(1, "rank", top.groupby("segment").cumcount() + 1)
    labels = taxonomy[["label_vi", "label_en"]]
    return top.join(labels, on="barrier").reset_index(drop=True)


def playbook(taxonomy: pd.DataFrame | None = None) -> pd.DataFrame:
    """The playbook of 001 §4.4: for each barrier, the message and the offer that answer it.

    Parameters
    ----------
    taxonomy : DataFrame, optional
        What :func:`load_taxonomy` returns; a barrier of your own file brings its own row.

    Returns
    -------
    DataFrame
        Indexed by ``barrier`` (taxonomy order): ``label_vi``, ``label_en``, ``message_vi``,
        ``message_en``, ``offer_vi``, ``offer_en``.

    Examples
    --------
    >>> playbook().loc["no_time", "offer_en"]
    'A 30-60-90-day plan, installation and training outside peak hours'

    Source: 001 §4.4 ("sợ không hiệu quả" → KPI/outcome commitment; "thiếu thời gian" → a
    30–60–90-day roadmap; "thiếu người làm" → templates and ready-made processes).
    """
    taxonomy = load_taxonomy() if taxonomy is None else taxonomy
    rows = taxonomy[taxonomy["group"] == "barrier"]
    out = rows[["label_vi", "label_en", *_PLAYBOOK_FIELDS]].copy()
    out.index.name = "barrier"
    return out


def apply_playbook(top: pd.DataFrame, *, taxonomy: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each segment's main barriers with the playbook's message and offer.

    Parameters
    ----------
    top : DataFrame
        What :func:`top_barriers` returns (``segment``, ``rank``, ``barrier``, ``share``).

    Returns
    -------
    DataFrame
        ``segment``, ``rank``, ``barrier``, ``share``, ``message_vi``, ``message_en``,
        ``offer_vi``, ``offer_en``, in the order of ``top``.

    Examples
    --------
    >>> top = pd.DataFrame({"segment": ["office"], "rank": [1], "barrier": ["trust"],
    ...                     "share": [0.4]})
    >>> apply_playbook(top).loc[0, "message_en"]
    'Real proof: customers like them, commitments in writing'

    Source: 001 §4.4 (per segment the barrier and the matching message/offer).
    """
    book = playbook(taxonomy)[list(_PLAYBOOK_FIELDS)]
    out = top[["segment", "rank", "barrier", "share"]].join(book, on="barrier")
    return out.reset_index(drop=True)


def question_bank(taxonomy: pd.DataFrame | None = None) -> pd.DataFrame:
    """The insight question bank for sales and customer care, with what each question uncovers.

    Parameters
    ----------
    taxonomy : DataFrame, optional
        Adds the English label of the tag each question uncovers (a group name stays as is).

    Returns
    -------
    DataFrame
        ``question_vi``, ``question_en``, ``asked_by`` (sales or customer care),
        ``uncovers`` (a tag id, or a whole group), ``uncovers_label`` and ``why``.

    Examples
    --------
    >>> qb = question_bank()
    >>> qb.loc[qb["uncovers"] == "no_staff", "question_en"].iloc[0]
    'Who will run the machine and the bar every day?'

    Source: 001 §4.4 ("bộ câu hỏi khai thác insight": vì sao lúc này, đã thử gì, thất bại ở
    đâu, tiêu chí lựa chọn, điều gì khiến chưa quyết) and §1.3 layer 4.
    """
    taxonomy = load_taxonomy() if taxonomy is None else taxonomy
    out = pd.DataFrame(QUESTION_BANK, columns=["question_vi", "question_en", "asked_by",
                                               "uncovers", "why"])
    label = out["uncovers"].map(taxonomy["label_en"]).fillna(out["uncovers"] + " (any)")
    out.insert(4, "uncovers_label", label)
    return out
