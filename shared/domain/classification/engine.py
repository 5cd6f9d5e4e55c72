"""Explainable scoring: every built-in rule that matches adds its weight times the weight of
the field it matched in; the label with most points wins, and the event lists the rules.

Fields and their weights: the subject (less when it is a reply: it names the older mail's
intent), the new text of the body, the quoted history (little), attachment names, and the
sender's name and address. Bounces and auto-replies are ``other`` whatever they quote.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from shared.domain.classification.builtin_rules import RULES, Rule
from shared.domain.classification.text import fold, strip_prefixes
from shared.domain.message import Classification, ParsedMessage

LABELS = ("booking", "stopsale", "opensale", "cancellation", "amendment", "other")
OPERATIONAL = LABELS[:-1]
MIN_POINTS = 2.5  # below this no operational label is claimed: "other"
BODY_CHARS = 4000
BOOKING_AS_CONTEXT = 0.4  # the top of a mail says what it is; long tails add noise and cost

SUBJECT, SUBJECT_REPLY, NEW_TEXT, QUOTED, ATTACHMENTS, SENDER = (
    2.0,
    1.0,
    1.0,
    0.25,
    1.0,
    0.5,
)


@dataclass(frozen=True)
class _Compiled:
    rule: Rule
    regex: re.Pattern[str]


_COMPILED = tuple(_Compiled(r, re.compile(r.pattern)) for r in RULES)


def _fields(parsed: ParsedMessage) -> list[tuple[str, str, float]]:
    subject, was_reply, _ = strip_prefixes(parsed.subject)
    new = parsed.new_text or parsed.text
    quoted = parsed.text[len(parsed.new_text) :] if parsed.new_text else ""
    if parsed.new_text and parsed.new_text not in parsed.text:
        quoted = parsed.text
    names = " ".join(
        (a.filename or "").replace("_", " ").replace("-", " ") for a in parsed.attachments
    )
    sender = ""
    if parsed.from_:
        local = parsed.from_.address.split("@", 1)[0].replace(".", " ").replace("-", " ")
        sender = f"{parsed.from_.name} {local}"
    return [
        ("subject", fold(subject), SUBJECT_REPLY if was_reply else SUBJECT),
        ("text", fold(new[:BODY_CHARS]), NEW_TEXT),
        ("quoted", fold(quoted[:BODY_CHARS]), QUOTED),
        ("attachments", fold(names), ATTACHMENTS),
        ("sender", fold(sender.replace("_", " ")), SENDER),
    ]


def score(parsed: ParsedMessage) -> tuple[dict[str, float], list[str]]:
    """Points per label and the ids of the rules that matched (``rule@field``)."""
    points: dict[str, float] = defaultdict(float)
    matched: list[str] = []
    for field_name, text, factor in _fields(parsed):
        if not text:
            continue
        hits = [c.rule for c in _COMPILED if c.regex.search(text)]
        # An open-sale phrase names the stop sale it lifts: in that field the stop-sale
        # words are the object being lifted, not a stop sale of their own.
        if any(r.label == "opensale" for r in hits):
            hits = [r for r in hits if r.label != "stopsale"]
        for rule in hits:
            points[rule.label] += rule.weight * factor
            matched.append(f"{rule.id}@{field_name}")
    # Cancellations and amendments always name the booking they change: when one is clearly
    # there, booking vocabulary is context, not intent.
    if max(points.get("cancellation", 0.0), points.get("amendment", 0.0)) >= MIN_POINTS:
        points["booking"] = points.get("booking", 0.0) * BOOKING_AS_CONTEXT
    headers = {k.lower(): v.lower() for k, v in parsed.headers.items()}
    if "list-unsubscribe" in headers or "list-id" in headers:
        points["other"] += 3.0
        matched.append("header.list")
    if headers.get("precedence") in ("bulk", "list", "junk"):
        points["other"] += 2.0
        matched.append("header.precedence_bulk")
    return dict(points), matched


def classify_builtin(parsed: ParsedMessage) -> Classification:
    if parsed.is_bounce:
        return Classification("other", 1.0, ("flag.bounce",))
    if parsed.is_auto_reply:
        return Classification("other", 1.0, ("flag.auto_reply",))
    points, matched = score(parsed)
    ranked = sorted(points.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked:
        return Classification("other", 0.0, ())
    best_label, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if best_label in OPERATIONAL and best < MIN_POINTS:
        return Classification("other", 0.0, tuple(matched))
    confidence = best / (best + second + 1.0)
    rules = tuple(m for m in matched if _label_of(m) == best_label) or tuple(matched)
    return Classification(best_label, round(confidence, 4), rules)


_LABEL_BY_ID = {r.id: r.label for r in RULES}


def _label_of(matched_id: str) -> str:
    rule_id = matched_id.split("@", 1)[0]
    return _LABEL_BY_ID.get(rule_id, "other")
