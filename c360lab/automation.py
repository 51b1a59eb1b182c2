"""Journey automation: rules as data, a replay simulator, A/B analysis, send hour, escalation.

002's third step builds "kịch bản tương tác tự động" for each stage of the journey: an ad click
gets a welcome offer and an intro e-mail, a product viewed more than twice gets a comparison, an
abandoned cart gets a reminder with a discount, a purchase gets a guide and a satisfaction
survey, loyal customers get a birthday offer, points and a referral invite, and a customer who
has not come back for a long time gets a win-back message. 002 also asks to send "at the hour the
customer is usually active" (a customer who reads at 9 p.m. gets the e-mail at 9 p.m., not in the
morning) and to A/B test the messages; 004 adds consent checks, frequency under control, an audit
trail, and a hand-over to a person for what automation cannot handle.

**Rules are data, never code.** A rule is a small record — a trigger, a condition, an action, a
channel, a delay, a frequency cap, marketing or service — written in a TOML file
(:func:`load_rules`, the example playbook ships as ``c360lab/data/rules.toml``). A condition is
``field``, ``op``, ``value`` with the field and the operator taken from fixed lists
(:data:`FIELDS`, :data:`OPERATORS`); nothing in a rule file is ever evaluated or executed, and a
file with an unknown field, an unknown trigger or operator, or a string that looks like code
(``__import__``, ``lambda``, ``eval(``, ``{{ }}``, backticks…) is rejected with a
:class:`~c360lab.contract.C360DataError` that names the file, the rule and the fix.

The chain::

    rules = load_rules()                                  # the example playbook of 002
    fired = simulate(rules, clean, start=..., end=...)    # who each rule would reach, and when
    simulation_summary(fired, rules)                      # per rule: sent, blocked by consent/cap
    ab_test(clean["automation_sends"], trigger="cart_abandon")   # B vs A, with an interval
    hours = best_send_hour(clean)                         # each customer's usual active hour
    send_hour_comparison(clean["automation_sends"], hours)       # usual hour vs 9 a.m.
    escalations(clean)                                    # what goes to a person, and to whom

**Triggers** (:data:`TRIGGERS`) are read from the clean model's event log (:func:`event_log`):
web events, completed orders, survey answers and tickets, each with its ``customer_id``.
Anonymous web visitors cannot be messaged, so only identified customers fire rules. The sample
has **no date of birth**: the ``anniversary`` trigger (the yearly anniversary of the first
completed order) stands in for the birthday of 002, and the ``points_milestone`` trigger counts
one loyalty point per completed order.

**Consent.** A marketing message goes only to a customer whose CRM records say
``marketing_consent`` yes (and none says no); a customer the CRM never recorded has no consent on
file, so no marketing message either ("blocked: no consent"). Service messages (an order guide, a
survey, a ticket follow-up) need no marketing consent.

**Frequency cap.** ``max`` sends of the rule per customer per ``per`` period, counted in fixed
periods from ``start`` (the way most tools count "2 per week"); what is over the cap is listed as
"blocked: frequency cap". A blocked send does not use the cap.

Source: 002 (Bước 3 kịch bản tự động hóa theo hành trình; Bước 4 thời điểm gửi; Bước 5 A/B test),
004 (KPIs, consent, escalation to a person, audit trail).
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd

from .contract import LEAD_SOURCES, ORDER_CHANNELS, SEGMENTS, TABLES, C360DataError, Problem
from .datasets import TODAY
from .profitability import COMPLAINT_ISSUES, _check

__all__ = [
    "CHANNELS",
    "EVENT_DRIVEN_TRIGGERS",
    "FIELDS",
    "OPERATORS",
    "PAID_UTM_SOURCES",
    "PRODUCT_PAGES",
    "PURPOSES",
    "RULE_KEYS",
    "TRIGGERS",
    "Rule",
    "ab_test",
    "best_send_hour",
    "escalations",
    "event_log",
    "load_rules",
    "parse_rules",
    "rules_table",
    "send_hour_comparison",
    "simulate",
    "simulation_summary",
    "variant_rates",
]

#: utm sources of paid ads (the ad accounts of ``marketing_spend``): a visit from one is an ad click
PAID_UTM_SOURCES = ("facebook", "tiktok", "google", "zalo")
#: page paths that show products (the shop's product lines, courses and price lists)
PRODUCT_PAGES = ("/san-pham/", "/khoa-hoc/", "/bang-gia")

#: trigger -> (what fires it, the trigger's own option and its default, its own condition fields)
TRIGGERS = {
    "ad_click": ("a visit from a paid ad (utm_source facebook, tiktok, google or zalo); one per "
                 "customer and day", None, ("utm_source", "device", "page")),
    "form_submit": ("the website's contact form is sent", None, ("utm_source", "device")),
    "product_viewed": ("the customer's count-th view of a product page (products, courses, "
                       "price lists)", ("count", 3), ("views", "page", "device")),
    "cart_abandoned": ("an add-to-cart with no checkout, web purchase or completed order within "
                       "window; fires when the window ends", ("window", "1h"), ("device",)),
    "purchase": ("a completed order", None, ("order_channel",)),
    "first_purchase": ("the customer's first completed order", None, ("order_channel",)),
    "points_milestone": ("every count-th completed order (one loyalty point per order)",
                         ("count", 5), ("order_channel",)),
    "long_silence": ("window has passed since the last completed order with no new one; fires "
                     "when the window ends", ("window", "90d"), ("order_channel",)),
    "anniversary": ("each yearly anniversary of the first completed order (the sample has no "
                    "date of birth: this stands in for the birthday)", None, ("years",)),
    "survey_answered": ("a survey answer (NPS 0-10, CSAT 1-5)", None, ("nps", "csat")),
    "ticket_opened": ("a support ticket is opened", None, ("issue_type",)),
}
#: condition fields every trigger knows: the customer's profile and their orders so far
COMMON_FIELDS = ("segment", "province", "lead_source", "orders_so_far")
#: every condition field and its kind ("number" or "text"), with its allowed values when fixed
FIELDS = {
    "segment": ("text", SEGMENTS), "province": ("text", None),
    "lead_source": ("text", LEAD_SOURCES + ("unknown",)), "orders_so_far": ("number", None),
    "utm_source": ("text", None), "device": ("text", ("mobile", "desktop", "tablet")),
    "page": ("text", None), "views": ("number", None), "order_channel": ("text", ORDER_CHANNELS),
    "years": ("number", None), "nps": ("number", None), "csat": ("number", None),
    "issue_type": ("text", TABLES["tickets"].column("issue_type").values),
}
#: the only operators a condition may use
OPERATORS = ("==", "!=", ">", ">=", "<", "<=", "in", "not in")
_TEXT_OPERATORS = ("==", "!=", "in", "not in")
#: channels an automated message can go out on
CHANNELS = ("email", "zalo_zns", "zalo_oa", "sms", "messenger")
#: marketing needs the customer's consent; service (order, survey, care) does not
PURPOSES = ("marketing", "service")
#: the keys a rule may have (required first)
RULE_KEYS = ("name", "trigger", "action", "channel", "delay", "frequency_cap", "purpose",
             "condition", "count", "window", "at_best_hour", "stage")
_REQUIRED_KEYS = RULE_KEYS[:7]
#: past sends that follow the customer's own action within the hour; their hour is not chosen
EVENT_DRIVEN_TRIGGERS = ("welcome", "cart_abandon")
#: the fixed hour many shops send at, compared with each customer's usual hour
FIXED_HOUR = 9

_SHIPPED = "rules.toml"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_DURATION = re.compile(r"^(\d{1,4})\s*(m|h|d|w)$")
_UNITS = {"m": "min", "h": "h", "d": "D", "w": "W"}
#: strings that look like code or a template: never allowed anywhere in a rule file
_CODE_LIKE = re.compile(
    r"__|`|\{\{|\}\}|\{%|\$\{|\blambda\b|\bimport\s+\w+\s*(?:$|[;,\n])|\bfrom\s+\w+\s+import\b|"
    r"\beval\b|\bexec\b|\bos\.|\bsys\.|\bsubprocess\b|\bgetattr\b|\bsetattr\b|\bglobals\s*\(|"
    r"[A-Za-z_][\w.]*\(|;\s*$|\b(?:rm|del)\s+-", re.IGNORECASE)


# -- rules ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """One automation rule, as validated data (build it with :func:`parse_rules`).

    ``condition`` is a tuple of ``(field, op, value)``; ``delay``, ``window`` and ``cap_per``
    are durations written as text (``"30m"``, ``"2h"``, ``"1d"``, ``"2w"``).
    """

    name: str
    trigger: str
    action: str
    channel: str
    delay: str
    cap_max: int
    cap_per: str
    purpose: str
    condition: tuple = ()
    count: int | None = None
    window: str | None = None
    at_best_hour: bool = False
    stage: str | None = None

    def __str__(self) -> str:
        return (f"{self.name}: when {self.trigger}{_option_text(self)}"
                f"{' and ' + _condition_text(self.condition) if self.condition else ''} → "
                f"{self.action} via {self.channel}, {_delay_text(self)}, at most "
                f"{self.cap_max} per {self.cap_per} ({self.purpose})")


def _option_text(rule: Rule) -> str:
    if rule.count is not None:
        return f" (count {rule.count})"
    if rule.window is not None:
        return f" (window {rule.window})"
    return ""


def _delay_text(rule: Rule) -> str:
    wait = "at once" if pd.Timedelta(_duration(rule.delay)) == pd.Timedelta(0) \
        else f"after {rule.delay}"
    return wait + (", at the customer's usual hour" if rule.at_best_hour else "")


def _condition_text(condition) -> str:
    """``segment == 'cafe' and views >= 3``: a condition as one line of text.

    >>> _condition_text((("segment", "in", ("cafe", "office")), ("nps", ">=", 9)))
    "segment in ['cafe', 'office'] and nps >= 9"
    """
    if not condition:
        return "everyone"
    return " and ".join(f"{f} {op} {list(v) if isinstance(v, tuple) else repr(v)}"
                        for f, op, v in condition)


def _duration(text: str) -> pd.Timedelta:
    """A duration written ``"30m"``, ``"2h"``, ``"1d"``, ``"2w"`` or ``"0"``.

    >>> _duration("90d"), _duration("0")
    (Timedelta('90 days 00:00:00'), Timedelta('0 days 00:00:00'))
    """
    if text.strip() == "0":
        return pd.Timedelta(0)
    amount, unit = _DURATION.match(text.strip()).groups()
    return pd.Timedelta(int(amount), unit=_UNITS[unit])


def _looks_like_code(value) -> bool:
    """True when a string of a rule file looks like code or a template.

    >>> [_looks_like_code(s) for s in ("__import__('os')", "eval(x)", "{{ user }}", "`ls`",
    ...   "lambda x: x", "os.system('ls')", "Gửi ưu đãi chào mừng + email giới thiệu")]
    [True, True, True, True, True, True, False]
    """
    return isinstance(value, str) and bool(_CODE_LIKE.search(value))


def _strings(value):
    """Every string inside a TOML value (nested lists and tables included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


class _Rules:
    """Collects the problems of a rule file, then raises them together."""

    def __init__(self, source: str):
        self.source, self.problems = source, []

    def bad(self, rule: str, key: str, message: str, fix: str) -> None:
        self.problems.append(Problem(key, f"rule '{rule}': {message}", fix))

    def raise_if_any(self) -> None:
        if self.problems:
            raise C360DataError("rules", self.problems, source=self.source)


def _check_condition(p: _Rules, name: str, trigger: str | None, items) -> tuple:
    """Validate a condition list; return it as a tuple of (field, op, value)."""
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        p.bad(name, "condition", "is not a list of conditions",
              'write condition = [{ field = "segment", op = "==", value = "cafe" }]')
        return ()
    allowed = COMMON_FIELDS + (TRIGGERS[trigger][2] if trigger in TRIGGERS else ())
    out = []
    for item in items:
        if not isinstance(item, dict):
            p.bad(name, "condition", f"has an entry that is not a table: {item!r}",
                  'write each condition as { field = "...", op = "...", value = ... }')
            continue
        extra = sorted(set(item) - {"field", "op", "value"})
        missing = [k for k in ("field", "op", "value") if k not in item]
        if extra or missing:
            p.bad(name, "condition", f"has unknown keys {extra} or lacks {missing}",
                  "a condition has exactly three keys: field, op and value")
            continue
        field, op, value = item["field"], item["op"], item["value"]
        if field not in FIELDS:
            p.bad(name, "condition", f"unknown field {field!r}",
                  f"use one of: {', '.join(FIELDS)}")
            continue
        if field not in allowed:
            p.bad(name, "condition", f"field {field!r} is not known for trigger {trigger!r}",
                  f"for this trigger use one of: {', '.join(allowed)}")
            continue
        kind, values = FIELDS[field]
        ops = OPERATORS if kind == "number" else _TEXT_OPERATORS
        if op not in ops:
            p.bad(name, "condition", f"unknown operator {op!r} for field {field!r}",
                  f"use one of: {', '.join(ops)}")
            continue
        listed = op in ("in", "not in")
        if listed:
            if not isinstance(value, list) or not value:
                p.bad(name, "condition", f"operator {op!r} needs a non-empty list, got {value!r}",
                      f'write value = ["a", "b"] for {op!r}')
                continue
            seq = value
        else:
            seq = [value]
        if kind == "number" and not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                        for v in seq):
            p.bad(name, "condition", f"field {field!r} is a number, got {value!r}",
                  "write the value without quotes, e.g. value = 3")
            continue
        if kind == "text" and not all(isinstance(v, str) for v in seq):
            p.bad(name, "condition", f"field {field!r} is text, got {value!r}",
                  'write the value in quotes, e.g. value = "cafe"')
            continue
        unknown = [v for v in seq if values is not None and v not in values]
        if unknown:
            p.bad(name, "condition", f"field {field!r} has no value {unknown[0]!r}",
                  f"use one of: {', '.join(values)}")
            continue
        out.append((field, op, tuple(seq) if listed else value))
    return tuple(out)


def _check_duration(p: _Rules, name: str, key: str, value) -> bool:
    if isinstance(value, str) and (value.strip() == "0" or _DURATION.match(value.strip())):
        return True
    p.bad(name, key, f"is not a duration: {value!r}",
          'write a number and a unit: "30m", "2h", "1d", "2w" (or "0" for none)')
    return False


def _parse_rule(p: _Rules, i: int, data) -> Rule | None:
    if not isinstance(data, dict):
        p.bad(f"#{i + 1}", "rule", "is not a table", "write each rule as a [[rule]] table")
        return None
    name = data.get("name")
    label = name if isinstance(name, str) and _NAME.match(name) else f"#{i + 1}"
    before = len(p.problems)
    code = [s for s in _strings(data) if _looks_like_code(s)]
    if code:
        p.bad(label, "rule", f"holds text that looks like code: {code[0]!r}",
              "rules are data: write plain words and values; nothing in a rule file is ever "
              "run, so remove code, templates ({{ }}) and backticks")
        return None
    for key in sorted(set(data) - set(RULE_KEYS)):
        p.bad(label, key, "is not a field of a rule",
              f"use only: {', '.join(RULE_KEYS)} (check the spelling)")
    for key in _REQUIRED_KEYS:
        if key not in data:
            p.bad(label, key, "is missing", f"every rule needs: {', '.join(_REQUIRED_KEYS)}")
    if len(p.problems) > before:
        return None
    if label != name:
        p.bad(label, "name", f"{name!r} is not a valid name",
              "use lower-case letters, digits and _ (e.g. cart_reminder), at most 60")
    trigger = data["trigger"]
    if trigger not in TRIGGERS:
        p.bad(label, "trigger", f"unknown trigger {trigger!r}",
              f"use one of: {', '.join(TRIGGERS)}")
    for key, options in (("channel", CHANNELS), ("purpose", PURPOSES)):
        if data[key] not in options:
            p.bad(label, key, f"unknown {key} {data[key]!r}", f"use one of: {', '.join(options)}")
    for key in ("action", "stage"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            p.bad(label, key, "is not a text", f'write {key} = "what to send, in words"')
    _check_duration(p, label, "delay", data["delay"])
    cap = data["frequency_cap"]
    cap_ok = (isinstance(cap, dict) and set(cap) == {"max", "per"}
              and isinstance(cap["max"], int) and not isinstance(cap["max"], bool)
              and cap["max"] >= 1)
    if not cap_ok:
        p.bad(label, "frequency_cap", f"is not a cap: {cap!r}",
              'write frequency_cap = { max = 1, per = "7d" } (max sends per customer per period)')
    elif _check_duration(p, label, "frequency_cap", cap["per"]) and \
            _duration(cap["per"]) <= pd.Timedelta(0):
        p.bad(label, "frequency_cap", "has an empty period", 'use a period such as "7d"')
    option = TRIGGERS[trigger][1] if trigger in TRIGGERS else None
    count = window = None
    for key in ("count", "window"):
        if key in data and (option is None or option[0] != key):
            p.bad(label, key, f"is not an option of trigger {trigger!r}",
                  f"remove it; {trigger!r} takes "
                  + (f"'{option[0]}'" if option else "no option"))
    if option is not None and option[0] == "count":
        count = data.get("count", option[1])
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            p.bad(label, "count", f"is not a whole number of at least 1: {count!r}",
                  "write count = 3")
    elif option is not None:
        window = data.get("window", option[1])
        _check_duration(p, label, "window", window)
    best = data.get("at_best_hour", False)
    if not isinstance(best, bool):
        p.bad(label, "at_best_hour", f"is not true or false: {best!r}",
              "write at_best_hour = true (send at the customer's usual hour) or false")
    condition = _check_condition(p, label, trigger, data.get("condition", []))
    if len(p.problems) > before:
        return None
    return Rule(name=name, trigger=trigger, action=data["action"].strip(),
                channel=data["channel"], delay=data["delay"].strip(), cap_max=cap["max"],
                cap_per=cap["per"].strip(), purpose=data["purpose"], condition=condition,
                count=count, window=window.strip() if window else None, at_best_hour=best,
                stage=data.get("stage"))


def parse_rules(data, *, source: str = "rules") -> list[Rule]:
    """Validate rules given as data (what a TOML file reads as) and return them as :class:`Rule`.

    Parameters
    ----------
    data : dict or list of dict
        ``{"rule": [{...}, ...]}`` (a parsed rule file) or the list of rule tables itself.
        Each rule has the keys of :data:`RULE_KEYS`: ``name``, ``trigger`` (one of
        :data:`TRIGGERS`), ``action`` (text), ``channel`` (:data:`CHANNELS`), ``delay``
        (``"0"``, ``"30m"``, ``"2h"``, ``"1d"``, ``"2w"``), ``frequency_cap`` (``{max = 1, per =
        "7d"}``), ``purpose`` (``marketing`` or ``service``); optionally ``condition`` (a list of
        ``{field, op, value}``, all must hold; fields from :data:`FIELDS`, operators from
        :data:`OPERATORS`), ``count`` or ``window`` (the trigger's own option), ``at_best_hour``
        (move the send to the customer's usual hour) and ``stage`` (a label).
    source : str
        Named in error messages (the file name).

    Returns
    -------
    list of Rule

    Raises
    ------
    C360DataError
        Every problem at once: unknown keys, triggers, channels, fields, operators or values, a
        bad duration or cap, a duplicate name, or a string that looks like code. Nothing is ever
        evaluated.

    Examples
    --------
    >>> rules = parse_rules([{"name": "cafe_cart", "trigger": "cart_abandoned",
    ...     "condition": [{"field": "segment", "op": "==", "value": "cafe"}],
    ...     "action": "reminder", "channel": "zalo_zns", "delay": "0",
    ...     "frequency_cap": {"max": 1, "per": "7d"}, "purpose": "marketing"}])
    >>> rules[0].trigger, rules[0].window, rules[0].condition
    ('cart_abandoned', '1h', (('segment', '==', 'cafe'),))
    >>> parse_rules([{"name": "x", "trigger": "cart_abandoned", "action": "__import__('os')"}])
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    c360lab.contract.C360DataError: table 'rules' (file rules): 1 problem(s) found
      1. column 'rule': rule 'x': holds text that looks like code: "__import__('os')". Fix: ...

    Source: 002 (Bước 3: kịch bản tự động hóa theo hành trình), 004 (validation at the source).
    """
    p = _Rules(source)
    if isinstance(data, dict):
        for key in sorted(set(data) - {"rule"}):
            p.problems.append(Problem(key, "is not a part of a rule file",
                                      "write every rule as a [[rule]] table, nothing else"))
        data = data.get("rule", [])
    if not isinstance(data, list) or not data:
        p.problems.append(Problem("rule", "no rules found", "add at least one [[rule]] table"))
        p.raise_if_any()
    rules = [_parse_rule(p, i, d) for i, d in enumerate(data)]
    names = [r.name for r in rules if r is not None]
    for name in sorted({n for n in names if names.count(n) > 1}):
        p.bad(name, "name", "is used by more than one rule", "give every rule its own name")
    p.raise_if_any()
    return rules


def load_rules(path=None) -> list[Rule]:
    """Read and validate a rule file (TOML); without a path, the example playbook of 002.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file of ``[[rule]]`` tables (see :func:`parse_rules` for the keys, and the shipped
        ``c360lab/data/rules.toml`` for a commented example).

    Returns
    -------
    list of Rule

    Raises
    ------
    C360DataError
        The file cannot be read as TOML, or a rule is invalid (see :func:`parse_rules`); the
        message names the file, the rule and the fix.

    Examples
    --------
    >>> rules = load_rules()
    >>> [r.name for r in rules][:3]
    ['welcome_after_ad_click', 'welcome_after_form', 'comparison_after_views']

    Source: 002 (Bước 3), 004 (rules kept as reviewable data: an audit trail of what is sent).
    """
    if path is None:
        source, text = _SHIPPED, resources.files("c360lab").joinpath("data", _SHIPPED).read_text(
            encoding="utf-8")
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise C360DataError("rules", [Problem("file", f"cannot be read ({error.strerror})",
                                                  "check the path of the rule file")],
                                source=source) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise C360DataError("rules", [Problem("file", f"is not valid TOML ({error})",
                                              "fix the line named; strings need quotes")],
                            source=source) from None
    return parse_rules(data, source=source)


def rules_table(rules) -> pd.DataFrame:
    """The rules as a table to read: one row per rule, every part in words.

    Examples
    --------
    >>> rules_table(load_rules()).columns.tolist()
    ['rule', 'stage', 'trigger', 'condition', 'action', 'channel', 'when', 'cap', 'purpose']
    """
    return pd.DataFrame({
        "rule": [r.name for r in rules], "stage": [r.stage or "" for r in rules],
        "trigger": [r.trigger + _option_text(r) for r in rules],
        "condition": [_condition_text(r.condition) for r in rules],
        "action": [r.action for r in rules], "channel": [r.channel for r in rules],
        "when": [_delay_text(r) for r in rules],
        "cap": [f"{r.cap_max} per {r.cap_per}" for r in rules],
        "purpose": [r.purpose for r in rules]})


# -- the event log --------------------------------------------------------------------------------

def _need_tables(clean: dict, names) -> None:
    missing = [n for n in names if n not in clean]
    if missing:
        raise C360DataError("clean model", [Problem(n, "is missing", "pass the clean model of "
                                                    "step 2 (datasets.load_clean())")
                                            for n in missing])


_LOG_INPUTS = {
    "web_events": ("customer_id", "event_type", "event_time"),
    "shop_orders": ("customer_id", "order_time", "status", "channel"),
    "surveys": ("customer_id", "submitted_at"),
    "tickets": ("customer_id", "opened_at", "issue_type"),
}


def event_log(clean: dict) -> pd.DataFrame:
    """The customers' own events in time order: web events, completed orders, surveys, tickets.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model (``datasets.load_clean()``): ``web_events``, ``shop_orders``,
        ``surveys``, ``tickets`` with ``customer_id``.

    Returns
    -------
    DataFrame
        One row per event of an identified customer, sorted by time: ``customer_id``, ``time``,
        ``event`` (the web event type, ``order_completed``, ``survey_answered`` or
        ``ticket_opened``), and the event's details ``page``, ``utm_source``, ``device``,
        ``order_channel``, ``nps``, ``csat``, ``issue_type`` (blank when they do not apply).
        Anonymous web visitors are left out: nobody can message them.

    Examples
    --------
    >>> from c360lab import datasets
    >>> log = event_log(datasets.load_clean())
    >>> bool(log["time"].is_monotonic_increasing), bool(log["customer_id"].notna().all())
    (True, True)

    Source: 002 (behaviour that can be tracked: click, sign-up, message, order).
    """
    _need_tables(clean, _LOG_INPUTS)
    for name, columns in _LOG_INPUTS.items():
        _check(name, clean[name], columns, may_be_blank=("customer_id",))
    w = clean["web_events"]
    w = w[w["customer_id"].notna()]
    web = pd.DataFrame({"customer_id": w["customer_id"], "time": w["event_time"],
                        "event": w["event_type"]})
    for c in ("page", "utm_source", "device"):
        web[c] = w[c] if c in w.columns else pd.NA
    o = clean["shop_orders"]
    o = o[(o["status"] == "completed") & o["customer_id"].notna()]
    orders = pd.DataFrame({"customer_id": o["customer_id"], "time": o["order_time"],
                           "event": "order_completed", "order_channel": o["channel"]})
    s = clean["surveys"]
    s = s[s["customer_id"].notna()]
    surveys = pd.DataFrame({"customer_id": s["customer_id"], "time": s["submitted_at"],
                            "event": "survey_answered"})
    for c in ("nps", "csat"):
        surveys[c] = pd.to_numeric(s[c]).astype("Float64") if c in s.columns else pd.NA
    t = clean["tickets"]
    t = t[t["customer_id"].notna()]
    tickets = pd.DataFrame({"customer_id": t["customer_id"], "time": t["opened_at"],
                            "event": "ticket_opened", "issue_type": t["issue_type"]})
    log = pd.concat([web, orders, surveys, tickets], ignore_index=True)
    for c in ("page", "utm_source", "device", "order_channel", "issue_type"):
        log[c] = log[c].astype("str").where(log[c].notna())
    log["customer_id"] = log["customer_id"].astype("str")
    log["time"] = log["time"].astype("datetime64[us]")
    log = log[["customer_id", "time", "event", "page", "utm_source", "device", "order_channel",
               "nps", "csat", "issue_type"]]
    return log.sort_values("time", kind="stable").reset_index(drop=True)


def _profile(clean: dict) -> pd.DataFrame:
    """segment, province, lead_source per customer_id (the profile fields of a condition)."""
    from .journey import _first_sources

    cust = clean["customers"]
    ids = pd.Index(cust["customer_id"].astype("str"))
    crm = clean["crm_contacts"]
    source = _first_sources(crm, ids, np.iinfo("int64").max) if len(crm) else "unknown"
    return pd.DataFrame({"segment": cust["segment"].astype("str").to_numpy(),
                         "province": cust["province"].astype("str").to_numpy(),
                         "lead_source": source}, index=ids)


def _consent(clean: dict) -> pd.Series:
    """customer_id -> True when a CRM record says yes to marketing and none says no."""
    crm = clean["crm_contacts"]
    _check("crm_contacts", crm, ("customer_id", "marketing_consent"),
           may_be_blank=("marketing_consent", "customer_id"))
    said = crm[crm["customer_id"].notna() & crm["marketing_consent"].notna()]
    yes = said["marketing_consent"].astype(bool)
    g = yes.groupby(said["customer_id"].astype("str"))
    return g.any() & g.all()


# -- the simulator --------------------------------------------------------------------------------

def _first_per_day(df: pd.DataFrame) -> pd.DataFrame:
    day = df["time"].dt.floor("D")
    return df[~pd.DataFrame({"c": df["customer_id"], "d": day}).duplicated()]


def _fires(rule: Rule, log: pd.DataFrame, orders: pd.DataFrame, end) -> pd.DataFrame:
    """customer_id, trigger_time and the trigger's own fields, for every time the rule's
    trigger happened (conditions not applied yet)."""
    trig, ev = rule.trigger, log["event"]
    cols = ["customer_id", "time"]
    if trig == "ad_click":
        out = _first_per_day(log[ev.isin(_WEB) & log["utm_source"].isin(PAID_UTM_SOURCES)])
        out = out[cols + ["utm_source", "device", "page"]]
    elif trig == "form_submit":
        out = log.loc[ev == "form_submit", cols + ["utm_source", "device"]]
    elif trig == "product_viewed":
        views = log[ev.isin(("page_view", "pricing_view"))
                    & log["page"].fillna("").str.startswith(PRODUCT_PAGES)]
        n = views.groupby("customer_id", sort=False).cumcount() + 1
        out = views.loc[n == rule.count, cols + ["page", "device"]].assign(views=rule.count)
    elif trig == "cart_abandoned":
        carts = _first_per_day(log[ev == "add_to_cart"])[cols + ["device"]]
        closers = log.loc[ev.isin(("checkout_start", "purchase", "order_completed")), cols]
        nxt = pd.merge_asof(carts.reset_index(), closers.rename(columns={"time": "closed"}),
                            left_on="time", right_on="closed", by="customer_id",
                            direction="forward", allow_exact_matches=True).set_index("index")
        wait = _duration(rule.window)
        done = nxt["closed"].notna() & (nxt["closed"] - nxt["time"] <= wait)
        out = carts[~done.to_numpy()].copy()
        out["time"] = out["time"] + wait
    elif trig in ("purchase", "first_purchase", "points_milestone"):
        out = orders[cols + ["order_channel", "orders_so_far"]]
        if trig == "first_purchase":
            out = out[out["orders_so_far"] == 1]
        elif trig == "points_milestone":
            out = out[out["orders_so_far"] % rule.count == 0]
    elif trig == "long_silence":
        wait = _duration(rule.window)
        nxt = orders.groupby("customer_id", sort=False)["time"].shift(-1)
        silent = nxt.isna() | (nxt - orders["time"] > wait)
        out = orders.loc[silent, cols + ["order_channel"]].copy()
        out["time"] = out["time"] + wait
    elif trig == "anniversary":
        first = orders[orders["orders_so_far"] == 1][cols]
        parts, k = [], 1
        while len(first) and first["time"].min() + pd.DateOffset(years=k) < end:
            parts.append(first.assign(time=first["time"] + pd.DateOffset(years=k), years=k))
            k += 1
        out = pd.concat(parts) if parts else first.assign(years=0).iloc[:0]
    elif trig == "survey_answered":
        out = log.loc[ev == "survey_answered", cols + ["nps", "csat"]]
    else:  # ticket_opened
        out = log.loc[ev == "ticket_opened", cols + ["issue_type"]]
    return out.rename(columns={"time": "trigger_time"}).reset_index(drop=True)


_WEB = TABLES["web_events"].column("event_type").values


def _mask(frame: pd.DataFrame, condition) -> np.ndarray:
    """Where every (field, op, value) of ``condition`` holds; a missing value never holds."""
    keep = np.ones(len(frame), dtype=bool)
    for field, op, value in condition:
        s = frame[field]
        if FIELDS[field][0] == "number":
            s = pd.to_numeric(s).astype("float64")
        known = s.notna().to_numpy()
        if op in ("in", "not in"):
            hit = s.isin(list(value)).to_numpy()
            hit = hit if op == "in" else ~hit
        else:
            hit = {"==": s.eq, "!=": s.ne, ">": s.gt, ">=": s.ge, "<": s.lt,
                   "<=": s.le}[op](value).fillna(False).to_numpy(dtype=bool)
        keep &= known & hit
    return keep


def _at_hour(times: pd.Series, hours: np.ndarray) -> pd.Series:
    """Each time moved to the next moment (same day or the day after) at the given hour."""
    day = times.dt.floor("D")
    at = day + pd.to_timedelta(hours, unit="h")
    return at.where(at >= times, at + pd.Timedelta(days=1))


def _orders(log: pd.DataFrame) -> pd.DataFrame:
    o = log[log["event"] == "order_completed"].sort_values(["customer_id", "time"],
                                                           kind="stable")
    o = o[["customer_id", "time", "order_channel"]].copy()
    o["orders_so_far"] = o.groupby("customer_id", sort=False).cumcount() + 1
    return o.reset_index(drop=True)


def _orders_so_far(fires: pd.DataFrame, orders: pd.DataFrame) -> np.ndarray:
    """Completed orders of each fire's customer up to its trigger time."""
    left = fires[["customer_id", "trigger_time"]].reset_index().sort_values(
        "trigger_time", kind="stable")
    right = orders[["customer_id", "time", "orders_so_far"]].sort_values("time", kind="stable")
    m = pd.merge_asof(left, right, left_on="trigger_time", right_on="time", by="customer_id",
                      direction="backward")
    return m.set_index("index")["orders_so_far"].reindex(fires.index).fillna(0).to_numpy(int)


def simulate(rules, clean: dict, *, start=None, end=TODAY, events: pd.DataFrame | None = None,
             hours: pd.DataFrame | None = None) -> pd.DataFrame:
    """Replay the event log through the rules: whom each rule would have messaged, and when.

    For every rule: find each time its trigger happened between ``start`` and ``end``, keep those
    whose condition holds for the customer at that moment, set the send time (trigger time +
    delay, moved to the customer's usual hour when ``at_best_hour``), block marketing sends to
    customers without consent, and block what is over the frequency cap.

    Parameters
    ----------
    rules : list of Rule
        From :func:`load_rules` or :func:`parse_rules`.
    clean : dict of DataFrame
        The clean model: ``customers``, ``crm_contacts`` (consent), ``web_events``,
        ``shop_orders``, ``surveys``, ``tickets`` (and ``inbox_messages`` for the send hour).
    start, end : timestamp, optional
        The replayed period, ``start`` included, ``end`` excluded; by default from the first
        event to ``datasets.TODAY``. Frequency-cap periods are counted from ``start``.
    events, hours : DataFrame, optional
        :func:`event_log` and :func:`best_send_hour` of ``clean``, when already computed (a
        widget that re-runs one rule passes them to stay fast).

    Returns
    -------
    DataFrame
        One row per trigger that met its rule's condition, in send-time order: ``rule``,
        ``trigger``, ``customer_id``, ``trigger_time``, ``send_time``, ``channel``, ``purpose``
        and ``status``: ``sent``, ``blocked: no consent`` or ``blocked: frequency cap``.

    Raises
    ------
    C360DataError
        A table the rules need is missing or lacks a column; ``end`` is not after ``start``.

    Examples
    --------
    >>> from c360lab import datasets
    >>> clean = datasets.load_clean()
    >>> rules = [r for r in load_rules() if r.name == "cart_reminder"]
    >>> fired = simulate(rules, clean, start="2025-01-01", end="2026-01-01")
    >>> sorted(fired["status"].unique())
    ['blocked: frequency cap', 'blocked: no consent', 'sent']

    Source: 002 (Bước 3 kịch bản; Bước 4 giờ truy cập), 004 (consent check; an audit trail of
    what automation sends).
    """
    rules = list(rules)
    if not all(isinstance(r, Rule) for r in rules):
        raise TypeError("rules must be Rule objects: read them with load_rules or parse_rules")
    _need_tables(clean, ("customers", "crm_contacts"))
    log = event_log(clean) if events is None else events
    end = pd.Timestamp(end)
    start = log["time"].min().floor("D") if start is None else pd.Timestamp(start)
    if pd.isna(start) or not end > start:
        raise C360DataError("simulation", [Problem(
            "start", f"the period {start} .. {end} is empty",
            "pass start before end (the data covers 2024-01-01 .. 2025-12-31)")])
    orders = _orders(log)
    profile = _profile(clean)
    consent = _consent(clean)
    if hours is None and any(r.at_best_hour for r in rules):
        hours = best_send_hour(clean)
    best = hours.set_index("customer_id")["best_hour"] if hours is not None else None
    parts = []
    for r in rules:
        f = _fires(r, log, orders, end)
        f = f[(f["trigger_time"] >= start) & (f["trigger_time"] < end)].reset_index(drop=True)
        fields = {c for c, _, _ in r.condition}
        if "orders_so_far" in fields:
            f["orders_so_far"] = _orders_so_far(f, orders)
        for c in fields & {"segment", "province", "lead_source"}:
            f[c] = profile[c].reindex(f["customer_id"]).to_numpy()
        f = f[_mask(f, r.condition)].reset_index(drop=True)
        send = f["trigger_time"] + _duration(r.delay)
        if r.at_best_hour and len(f):
            h = best.reindex(f["customer_id"]).fillna(FIXED_HOUR).to_numpy(dtype=float)
            send = _at_hour(send, h)
        out = pd.DataFrame({"rule": r.name, "trigger": r.trigger,
                            "customer_id": f["customer_id"].astype("str"),
                            "trigger_time": f["trigger_time"], "send_time": send,
                            "channel": r.channel, "purpose": r.purpose})
        status = np.full(len(out), "sent", dtype=object)
        if r.purpose == "marketing":
            ok = consent.reindex(out["customer_id"]).fillna(False).to_numpy(dtype=bool)
            status[~ok] = "blocked: no consent"
        live = status == "sent"
        per = _duration(r.cap_per)
        bucket = ((out["send_time"] - start) // per).to_numpy()
        key = pd.DataFrame({"c": out["customer_id"].to_numpy()[live], "b": bucket[live],
                            "t": out["send_time"].to_numpy()[live]})
        order = key.sort_values(["c", "b", "t"], kind="stable")
        rank = order.groupby(["c", "b"], sort=False).cumcount().reindex(key.index).to_numpy()
        idx = np.flatnonzero(live)
        status[idx[rank >= r.cap_max]] = "blocked: frequency cap"
        out["status"] = status
        parts.append(out)
    columns = ["rule", "trigger", "customer_id", "trigger_time", "send_time", "channel",
               "purpose", "status"]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    out["status"] = out["status"].astype("str")
    return out.sort_values(["send_time", "customer_id"], kind="stable").reset_index(drop=True)[
        columns]


def simulation_summary(fired: pd.DataFrame, rules=None) -> pd.DataFrame:
    """Per rule: how many triggers met the condition, were sent, or were blocked, and to whom.

    Parameters
    ----------
    fired : DataFrame
        The output of :func:`simulate`.
    rules : list of Rule, optional
        Gives the row order and lists rules that never fired (with zeros).

    Returns
    -------
    DataFrame
        Indexed by ``rule``: ``triggered``, ``sent``, ``blocked_no_consent``,
        ``blocked_frequency_cap``, ``customers_reached`` (distinct customers sent to),
        ``first_send`` and ``last_send`` (blank when nothing was sent).

    Examples
    --------
    >>> fired = pd.DataFrame({"rule": ["r", "r", "r"], "customer_id": ["C1", "C1", "C2"],
    ...     "send_time": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"]),
    ...     "status": ["sent", "blocked: frequency cap", "blocked: no consent"]})
    >>> simulation_summary(fired).iloc[0, :5].tolist()
    [3, 1, 1, 1, 1]
    """
    names = [r.name for r in rules] if rules is not None else list(dict.fromkeys(fired["rule"]))
    sent = fired[fired["status"] == "sent"]
    g = fired.groupby("rule", sort=False)
    out = pd.DataFrame({
        "triggered": g.size(),
        "sent": sent.groupby("rule").size(),
        "blocked_no_consent": fired[fired["status"] == "blocked: no consent"].groupby(
            "rule").size(),
        "blocked_frequency_cap": fired[fired["status"] == "blocked: frequency cap"].groupby(
            "rule").size(),
        "customers_reached": sent.groupby("rule")["customer_id"].nunique(),
    }).reindex(names).fillna(0).astype("int64")
    out["first_send"] = sent.groupby("rule")["send_time"].min().reindex(names)
    out["last_send"] = sent.groupby("rule")["send_time"].max().reindex(names)
    out.index.name = "rule"
    return out


# -- A/B tests ------------------------------------------------------------------------------------

def _wilson(successes: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion (n > 0).

    >>> low, high = _wilson(np.array([8]), np.array([10]), 1.959963984540054)
    >>> round(float(low[0]), 3), round(float(high[0]), 3)
    (0.49, 0.943)
    """
    s, n = np.asarray(successes, float), np.asarray(n, float)
    p = s / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _metric(sends: pd.DataFrame, metric: str, table: str = "automation_sends") -> pd.Series:
    if metric not in sends.columns:
        raise C360DataError(table, [Problem(metric, "is missing",
                                            "use a yes/no outcome column: opened, clicked or "
                                            "converted")])
    blank = sends[metric].isna()
    if blank.any():
        raise C360DataError(table, [Problem(
            metric, f"is empty in {int(blank.sum())} row(s)",
            "fill it in (no = False), or leave those sends out of the test")])
    return sends[metric].astype(bool)


def variant_rates(sends: pd.DataFrame, *, trigger: str, metric: str = "converted",
                  confidence: float = 0.95) -> pd.DataFrame:
    """Per A/B variant of one trigger: sends, successes, rate and its Wilson interval.

    Parameters
    ----------
    sends : DataFrame
        ``automation_sends``: ``trigger``, ``variant`` and the ``metric`` column (yes/no).
    trigger : str
        The rule whose variants to compare, e.g. ``"cart_abandon"``.
    metric : {"opened", "clicked", "converted"}
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        Indexed by ``variant`` (sorted): ``sends``, ``successes``, ``rate`` (0–1),
        ``rate_low``, ``rate_high`` (the Wilson score interval, which stays inside [0, 1] and
        behaves for small counts and rates near 0).

    Raises
    ------
    C360DataError
        No send of this trigger carries a variant, or the metric is missing or blank.

    Examples
    --------
    >>> sends = pd.DataFrame({"trigger": ["t"] * 4, "variant": ["A", "A", "B", "B"],
    ...                       "converted": [False, True, True, True]})
    >>> variant_rates(sends, trigger="t")[["sends", "successes", "rate"]]
             sends  successes  rate
    variant
    A            2          1   0.5
    B            2          2   1.0

    Source: 002 (Bước 5: A/B test nội dung, tiêu đề); 004 (test A/B cho kịch bản tự động).
    """
    _check("automation_sends", sends, ("trigger",))
    mine = sends[(sends["trigger"] == trigger) & sends["variant"].notna()
                 & (sends["variant"].astype("str").str.strip() != "")]
    if mine.empty:
        tested = sorted(sends.loc[sends["variant"].notna(), "trigger"].astype("str").unique())
        raise C360DataError("automation_sends", [Problem(
            "trigger", f"no send of trigger {trigger!r} carries an A/B variant",
            f"pick a tested trigger: {', '.join(tested) or 'none in this table'}")])
    hit = _metric(mine, metric)
    g = hit.groupby(mine["variant"].astype("str"), sort=True)
    out = pd.DataFrame({"sends": g.size(), "successes": g.sum().astype("int64")})
    out["rate"] = out["successes"] / out["sends"]
    out["rate_low"], out["rate_high"] = _wilson(out["successes"].to_numpy(),
                                                out["sends"].to_numpy(), _z(confidence))
    out.index.name = "variant"
    return out


def _compare(rates: pd.DataFrame, control: str, confidence: float) -> pd.DataFrame:
    """Every other row of ``rates`` against ``control``: difference (Newcombe), lift, p-value."""
    z = _z(confidence)
    c = rates.loc[control]
    rows = []
    for name, t in rates.drop(index=control).iterrows():
        diff = t["rate"] - c["rate"]
        low = diff - math.sqrt((t["rate"] - t["rate_low"]) ** 2
                               + (c["rate_high"] - c["rate"]) ** 2)
        high = diff + math.sqrt((t["rate_high"] - t["rate"]) ** 2
                                + (c["rate"] - c["rate_low"]) ** 2)
        pooled = (t["successes"] + c["successes"]) / (t["sends"] + c["sends"])
        se = math.sqrt(pooled * (1 - pooled) * (1 / t["sends"] + 1 / c["sends"]))
        p_value = math.erfc(abs(diff) / se / math.sqrt(2)) if se > 0 else 1.0
        lift = diff / c["rate"] if c["rate"] > 0 else (math.inf if diff > 0 else 0.0)
        rows.append({"control": control, "variant": name,
                     "control_sends": int(c["sends"]), "variant_sends": int(t["sends"]),
                     "control_rate": c["rate"], "variant_rate": t["rate"],
                     "difference": diff, "diff_low": low, "diff_high": high,
                     "relative_lift": lift, "p_value": p_value,
                     "significant": bool(low > 0 or high < 0)})
    return pd.DataFrame(rows)


def ab_test(sends: pd.DataFrame, *, trigger: str = "cart_abandon", metric: str = "converted",
            control: str = "A", confidence: float = 0.95) -> pd.DataFrame:
    """A/B analysis of past automated sends: each variant against the control, with an interval.

    The difference of two rates gets **Newcombe's hybrid score interval** (method 10 of Newcombe
    1998, built from the two Wilson intervals): unlike the plain normal approximation it stays
    sensible with small counts and rates near 0 or 1. The p-value is the two-sided pooled
    two-proportion z-test. The relative lift is difference / control rate.

    Parameters
    ----------
    sends : DataFrame
        ``automation_sends`` with ``trigger``, ``variant`` and the ``metric`` column.
    trigger : str, default "cart_abandon"
    metric : {"converted", "opened", "clicked"}, default "converted"
    control : str, default "A"
        The variant the others are compared with (the plain message).
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        One row per other variant: ``control``, ``variant``, ``control_sends``,
        ``variant_sends``, ``control_rate``, ``variant_rate``, ``difference`` (variant −
        control, 0–1), ``diff_low``, ``diff_high`` (the interval), ``relative_lift`` (``inf``
        when the control never succeeded and the variant did), ``p_value`` and ``significant``
        (the interval excludes 0).

    Raises
    ------
    C360DataError
        No tested send of ``trigger``, the control variant is absent, or no other variant.

    Examples
    --------
    >>> sends = pd.DataFrame({"trigger": "cart_abandon", "variant": ["A"] * 100 + ["B"] * 100,
    ...                       "converted": [True] * 5 + [False] * 95 + [True] * 15 + [False] * 85})
    >>> r = ab_test(sends, trigger="cart_abandon").iloc[0]
    >>> round(float(r["difference"]), 2), round(float(r["relative_lift"]), 1)
    (0.1, 2.0)
    >>> bool(r["significant"])
    True
    >>> round(float(r["diff_low"]), 3), round(float(r["diff_high"]), 3)
    (0.016, 0.188)

    Source: 002 (Bước 5: tự động A/B test); 004 (test A/B cho kịch bản tự động).
    """
    rates = variant_rates(sends, trigger=trigger, metric=metric, confidence=confidence)
    if control not in rates.index or len(rates) < 2:
        raise C360DataError("automation_sends", [Problem(
            "variant", f"trigger {trigger!r} has variants {list(rates.index)}, so there is no "
            f"control {control!r} and another variant to compare",
            "name the control variant with control=..., or test a trigger with two variants")])
    out = _compare(rates, control, confidence)
    out.insert(0, "trigger", trigger)
    out.insert(1, "metric", metric)
    return out


# -- send hour ------------------------------------------------------------------------------------

#: the tables whose timestamps are the customer's own activity (orders are not: a POS or a
#: marketplace sync stamps the time the order was entered, not when the customer was active)
ACTIVITY_SOURCES = {"web_events": "event_time", "inbox_messages": "sent_at",
                    "shop_orders": "order_time"}
#: fewer own events than this: use the segment's usual hour instead
MIN_EVENTS = 2


def best_send_hour(clean: dict, *, sources=("web_events", "inbox_messages"),
                   min_events: int = MIN_EVENTS, as_of=TODAY) -> pd.DataFrame:
    """Each customer's usual active hour, from the times of their own activity.

    The usual hour is the **circular mean** of the customer's activity times (hour plus minutes;
    11 p.m. and 1 a.m. average to midnight, not to noon), rounded to the nearest whole hour.
    ``consistency`` (0–1) is the length of the mean direction: 1 when every event falls at the
    same time of day, near 0 when the times are spread around the clock.

    **Fallback.** A customer with fewer than ``min_events`` own events gets the most common usual
    hour of their segment's customers (``basis`` = "segment"), or of all customers when the
    segment has none ("everyone").

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model: ``customers`` and the ``sources`` tables with ``customer_id``.
    sources : tuple of str, default ("web_events", "inbox_messages")
        Tables of :data:`ACTIVITY_SOURCES` whose times are the customer's own activity. Orders
        are left out by default: many order systems stamp when an order was entered or synced.
    min_events : int, default ``MIN_EVENTS`` (2)
    as_of : timestamp, default ``datasets.TODAY``
        Events at or after it are ignored.

    Returns
    -------
    DataFrame
        One row per customer of ``clean["customers"]``: ``customer_id``, ``best_hour`` (0–23),
        ``events``, ``consistency`` (0–1, 0 for a fallback) and ``basis`` ("own activity",
        "segment" or "everyone").

    Examples
    --------
    >>> clean = {"customers": pd.DataFrame({"customer_id": ["C1", "C2"],
    ...                                     "segment": ["household", "household"]}),
    ...          "web_events": pd.DataFrame({"customer_id": ["C1", "C1", "C1"],
    ...              "event_time": pd.to_datetime(["2025-01-01 23:10", "2025-01-02 00:50",
    ...                                            "2025-01-05 23:40"])})}
    >>> best_send_hour(clean, sources=("web_events",))[["customer_id", "best_hour", "basis"]]
      customer_id  best_hour         basis
    0          C1          0  own activity
    1          C2          0       segment

    Source: 002 (Bước 4: "khách thường xem sản phẩm lúc 9h tối thì email chăm sóc sẽ gửi vào
    thời điểm này thay vì sáng").
    """
    unknown = [s for s in sources if s not in ACTIVITY_SOURCES]
    if unknown:
        raise ValueError(f"unknown activity source {unknown[0]!r}: use {list(ACTIVITY_SOURCES)}")
    _need_tables(clean, ("customers", *sources))
    if min_events < 1:
        raise ValueError("min_events must be at least 1")
    _check("customers", clean["customers"], ("customer_id", "segment"))
    parts = []
    for name in sources:
        df, col = clean[name], ACTIVITY_SOURCES[name]
        _check(name, df, ("customer_id", col), may_be_blank=("customer_id",))
        mine = df[df["customer_id"].notna() & (df[col] < pd.Timestamp(as_of))]
        parts.append(pd.DataFrame({"customer_id": mine["customer_id"].astype("str"),
                                   "t": mine[col]}))
    acts = pd.concat(parts, ignore_index=True)
    t = acts["t"]
    hour = (t.dt.hour + t.dt.minute / 60 + t.dt.second / 3600).to_numpy(dtype=float)
    angle = hour / 24 * 2 * np.pi
    g = pd.DataFrame({"cos": np.cos(angle), "sin": np.sin(angle)}).groupby(
        acts["customer_id"].to_numpy())
    s = g.sum()
    n = g.size()
    mean_angle = np.arctan2(s["sin"], s["cos"])
    own = pd.DataFrame({"best_hour": np.round(mean_angle / (2 * np.pi) * 24).astype(int) % 24,
                        "events": n,
                        "consistency": np.hypot(s["sin"], s["cos"]) / n}, index=s.index)
    cust = clean["customers"]
    out = pd.DataFrame({"customer_id": cust["customer_id"].astype("str").to_numpy(),
                        "segment": cust["segment"].astype("str").to_numpy()})
    mine = own.reindex(out["customer_id"]).reset_index(drop=True)
    enough = (mine["events"].fillna(0) >= min_events).to_numpy()
    out["events"] = mine["events"].fillna(0).astype("int64")
    out["best_hour"] = mine["best_hour"].where(enough)
    out["consistency"] = mine["consistency"].where(enough, 0.0).astype(float)
    out["basis"] = np.where(enough, "own activity", "")
    sure = out[enough]
    everyone = int(sure["best_hour"].mode().min()) if len(sure) else FIXED_HOUR
    by_segment = sure.groupby("segment")["best_hour"].agg(lambda h: int(h.mode().min()))
    seg_hour = out["segment"].map(by_segment)
    fill_seg = ~enough & seg_hour.notna().to_numpy()
    out.loc[fill_seg, "best_hour"] = seg_hour[fill_seg]
    out.loc[fill_seg, "basis"] = "segment"
    rest = ~enough & ~fill_seg
    out.loc[rest, "best_hour"] = everyone
    out.loc[rest, "basis"] = "everyone"
    out["best_hour"] = out["best_hour"].astype("int64")
    out["basis"] = out["basis"].astype("str")
    return out[["customer_id", "best_hour", "events", "consistency", "basis"]]


def _hour_gap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hours between two clock hours, around the clock (23 and 1 are 2 apart)."""
    return np.abs((a - b + 12) % 24 - 12)


def send_hour_comparison(sends: pd.DataFrame, hours: pd.DataFrame, *, fixed_hour: int = FIXED_HOUR,
                         tolerance: int = 1, metric: str = "opened", triggers=None,
                         confidence: float = 0.95) -> pd.DataFrame:
    """Past sends at the customer's usual hour against sends at a fixed hour (9 a.m.).

    Only sends whose hour was *chosen* count: by default every trigger except
    :data:`EVENT_DRIVEN_TRIGGERS` (a welcome or a cart reminder follows the customer's own action
    within the hour). A send is "at the usual hour" when its hour is within ``tolerance`` hours of
    the customer's ``best_hour``; "at 9:00" when it left at ``fixed_hour`` to a customer whose
    usual hour is more than ``tolerance`` hours away (so the two groups never overlap).

    Parameters
    ----------
    sends : DataFrame
        ``automation_sends`` with ``customer_id``, ``trigger``, ``sent_at`` and ``metric``.
    hours : DataFrame
        :func:`best_send_hour`.
    fixed_hour, tolerance : int
    metric : str, default "opened"
    triggers : sequence of str, optional
        The triggers to compare; default: all but the event-driven ones.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        Two rows, ``usual hour`` and ``9:00`` (the fixed hour): ``sends``, ``successes``,
        ``rate``, ``rate_low``, ``rate_high`` (Wilson), and on the usual-hour row the
        ``difference`` with its interval ``diff_low``, ``diff_high`` (Newcombe) and
        ``relative_lift``.

    Examples
    --------
    >>> hours = pd.DataFrame({"customer_id": ["C1", "C2"], "best_hour": [21, 20]})
    >>> sends = pd.DataFrame({"customer_id": ["C1", "C1", "C2", "C2"],
    ...     "trigger": "win_back", "opened": [True, True, False, True],
    ...     "sent_at": pd.to_datetime(["2025-01-01 21:00", "2025-02-01 09:00",
    ...                                "2025-03-01 09:00", "2025-03-05 20:00"])})
    >>> send_hour_comparison(sends, hours)[["sends", "successes", "rate"]]
                sends  successes  rate
    usual hour      2          2   1.0
    9:00            2          1   0.5

    Source: 002 (Bước 4: send at the hour the customer is usually active).
    """
    _check("automation_sends", sends, ("customer_id", "trigger", "sent_at"))
    chosen = sends[~sends["trigger"].isin(EVENT_DRIVEN_TRIGGERS)] if triggers is None \
        else sends[sends["trigger"].isin(list(triggers))]
    usual = hours.set_index("customer_id")["best_hour"].reindex(
        chosen["customer_id"].astype("str")).to_numpy(dtype=float)
    hour = chosen["sent_at"].dt.hour.to_numpy(dtype=float)
    known = ~np.isnan(usual)
    at_usual = known & (_hour_gap(hour, usual) <= tolerance) \
        & (_hour_gap(np.full_like(usual, fixed_hour), usual) > tolerance)
    at_fixed = known & (hour == fixed_hour) & (_hour_gap(hour, usual) > tolerance)
    label = f"{fixed_hour}:00"
    group = np.where(at_usual, "usual hour", np.where(at_fixed, label, ""))
    picked = chosen.assign(variant=group, trigger="hour")[group != ""]
    if picked["variant"].nunique() < 2:
        raise C360DataError("automation_sends", [Problem(
            "sent_at", "has no sends both at the customers' usual hour and at "
            f"{label}", "compare on more sends, or change fixed_hour / tolerance")])
    rates = variant_rates(picked, trigger="hour", metric=metric, confidence=confidence)
    rates = rates.loc[["usual hour", label]]
    diff = _compare(rates, label, confidence).iloc[0]
    for c in ("difference", "diff_low", "diff_high", "relative_lift"):
        rates[c] = [diff[c], 0.0 if c != "relative_lift" else 0.0]
    rates.loc[label, ["diff_low", "diff_high"]] = 0.0
    rates.index.name = None
    return rates


# -- escalation to a person -----------------------------------------------------------------------

#: reason -> the queue that owns it (004: marketing owns content, operations the process, care the
#: customer; a person takes over what a script should not answer)
ESCALATION_QUEUES = {
    "complaint": "customer care",
    "detractor (NPS 0-6)": "customer care lead",
    "repeated contacts": "customer care lead",
    "ticket open too long": "care supervisor",
    "high-value lead": "sales (deal owner)",
}
__all__ += ["ESCALATION_QUEUES"]
_OPEN_DEAL_STAGES = ("inquiry", "consultation", "quote", "negotiation")


def escalations(clean: dict, *, as_of=TODAY, lookback_days: int = 30, detractor_max: int = 6,
                repeat_contacts: int = 3, open_days: int = 3,
                high_value_vnd: int = 50_000_000) -> pd.DataFrame:
    """What automation should not answer alone: who goes to a person, why, and to which queue.

    Looks at the last ``lookback_days`` before ``as_of`` (and at everything still open):

    - **complaint**: a ticket about delivery, product quality, billing or a return;
    - **detractor (NPS 0-6)**: a survey answer of at most ``detractor_max``;
    - **repeated contacts**: a ticket that needed ``repeat_contacts`` or more contacts, or
      ``repeat_contacts`` or more inbox conversations from one customer;
    - **ticket open too long**: a ticket still open ``open_days`` days or more after it opened;
    - **high-value lead**: an open deal worth at least ``high_value_vnd``, to its sales owner.

    Parameters
    ----------
    clean : dict of DataFrame
        The clean model: ``tickets``, ``surveys``, ``inbox_messages``, ``deals``.
    as_of : timestamp, default ``datasets.TODAY``
    lookback_days, detractor_max, repeat_contacts, open_days, high_value_vnd
        The thresholds above (003's detractor band ends at 6).

    Returns
    -------
    DataFrame
        One row per case, most urgent reason first then oldest first: ``customer_id``,
        ``reason``, ``detail``, ``since`` (when it started), ``queue`` (see
        :data:`ESCALATION_QUEUES`) and ``owner`` (the deal's salesperson for a lead, else the
        queue).

    Examples
    --------
    >>> clean = {"tickets": pd.DataFrame({"customer_id": ["C1"], "issue_type": ["delivery"],
    ...              "opened_at": pd.to_datetime(["2025-12-20"]), "closed_at": [pd.NaT],
    ...              "contacts_to_resolve": [1]}),
    ...          "surveys": pd.DataFrame({"customer_id": ["C2"], "nps": [3],
    ...              "submitted_at": pd.to_datetime(["2025-12-28"])})}
    >>> escalations(clean)[["customer_id", "reason", "queue"]]
      customer_id                reason               queue
    0          C1             complaint       customer care
    1          C2   detractor (NPS 0-6)  customer care lead
    2          C1  ticket open too long     care supervisor

    Source: 004 (kịch bản … với luồng chuyển sang nhân viên khi cần — escalation; RACI), 003
    (NPS detractors 0–6).
    """
    as_of = pd.Timestamp(as_of)
    since = as_of - pd.Timedelta(days=lookback_days)
    rows = []

    def add(df, reason, detail, when):
        if len(df):
            rows.append(pd.DataFrame({"customer_id": df["customer_id"].astype("str").to_numpy(),
                                      "reason": reason, "detail": detail, "since": when}))

    t = clean.get("tickets")
    if t is not None:
        _check("tickets", t, ("customer_id", "issue_type", "opened_at"),
               may_be_blank=("customer_id",))
        t = t[t["customer_id"].notna() & (t["opened_at"] < as_of)]
        recent = t[t["opened_at"] >= since]
        c = recent[recent["issue_type"].isin(COMPLAINT_ISSUES)]
        add(c, "complaint", "ticket: " + c["issue_type"].astype("str"), c["opened_at"].to_numpy())
        if "contacts_to_resolve" in t.columns:
            r = recent[pd.to_numeric(recent["contacts_to_resolve"]).fillna(0) >= repeat_contacts]
            add(r, "repeated contacts",
                "ticket needed " + r["contacts_to_resolve"].astype("str") + " contacts",
                r["opened_at"].to_numpy())
        if "closed_at" in t.columns:
            still = t["closed_at"].isna() | (t["closed_at"] >= as_of)
            o = t[still & (t["opened_at"] <= as_of - pd.Timedelta(days=open_days))]
            days = (as_of - o["opened_at"]).dt.days
            add(o, "ticket open too long", "open " + days.astype("str") + " days: "
                + o["issue_type"].astype("str"), o["opened_at"].to_numpy())
    s = clean.get("surveys")
    if s is not None:
        _check("surveys", s, ("customer_id", "submitted_at"), may_be_blank=("customer_id",))
        s = s[s["customer_id"].notna() & (s["submitted_at"] >= since)
              & (s["submitted_at"] < as_of)]
        nps = pd.to_numeric(s["nps"])
        d = s[(nps <= detractor_max).fillna(False).to_numpy(dtype=bool)]
        add(d, "detractor (NPS 0-6)", "NPS " + d["nps"].astype("str"),
            d["submitted_at"].to_numpy())
    m = clean.get("inbox_messages")
    if m is not None:
        m = m[m["customer_id"].notna() & (m["sent_at"] >= since) & (m["sent_at"] < as_of)]
        conv = m.groupby("customer_id").agg(n=("conversation_id", "nunique"),
                                            first=("sent_at", "min")).reset_index()
        many = conv[conv["n"] >= repeat_contacts]
        add(many, "repeated contacts", many["n"].astype("str") + " inbox conversations",
            many["first"].to_numpy())
    deals = clean.get("deals")
    owners = None
    if deals is not None:
        _check("deals", deals, ("customer_id", "stage"), may_be_blank=("customer_id",))
        value = pd.to_numeric(deals["value"]) if "value" in deals.columns else 0
        lead = deals[deals["stage"].isin(_OPEN_DEAL_STAGES) & (value >= high_value_vnd)
                     & deals["customer_id"].notna()]
        add(lead, "high-value lead", lead["stage"].astype("str") + ", "
            + lead["value"].map("{:,} VND".format), lead["inquiry_date"].to_numpy())
        owners = lead.set_index(lead["customer_id"].astype("str"))["owner"] \
            if "owner" in lead.columns else None
    columns = ["customer_id", "reason", "detail", "since", "queue", "owner"]
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.concat(rows, ignore_index=True)
    out["queue"] = out["reason"].map(ESCALATION_QUEUES)
    out["owner"] = out["queue"]
    if owners is not None and len(owners):
        owned = out["reason"] == "high-value lead"
        named = out.loc[owned, "customer_id"].map(owners[~owners.index.duplicated()])
        out.loc[owned, "owner"] = named.where(named.notna(), out.loc[owned, "queue"])
    rank = out["reason"].map({r: i for i, r in enumerate(ESCALATION_QUEUES)})
    out = out.assign(_r=rank).sort_values(["_r", "since", "customer_id"], kind="stable")
    for c in ("customer_id", "reason", "detail", "queue", "owner"):
        out[c] = out[c].astype("str")
    return out.drop(columns="_r").reset_index(drop=True)[columns]
