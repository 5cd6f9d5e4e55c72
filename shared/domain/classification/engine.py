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
    0.75,  # a reply's subject names the older mail's intent; the new text names this one's
    1.0,
    0.2,
    1.0,
    0.5,
)


STALE_WHEN_CLEAR = 0.3


@dataclass(frozen=True)
class _Compiled:
    rule: Rule
    regex: re.Pattern[str]


_COMPILED = tuple(_Compiled(r, re.compile(r.pattern)) for r in RULES)
_CONSUMING = tuple(c for c in _COMPILED if c.rule.consume)
_PLAIN = tuple(c for c in _COMPILED if not c.rule.consume)


def _quoted(text: str, new: str) -> str:
    """The lines of ``text`` that are not in its new text: the quoted history."""
    if not new or new == text:
        return ""
    fresh = {line.strip() for line in new.splitlines()}
    return "\n".join(line for line in text.splitlines() if line.strip() not in fresh)


@dataclass(frozen=True)
class _Field:
    name: str
    text: str
    factor: float
    fresh: bool  # said by this message itself (not a reply subject, not the quote)


def _fields(parsed: ParsedMessage) -> list[_Field]:
    subject, was_reply, _ = strip_prefixes(parsed.subject)
    text = parsed.text[: BODY_CHARS * 4]
    new = parsed.new_text or text
    quoted = _quoted(text, parsed.new_text)
    names = " ".join(
        (a.filename or "").replace("_", " ").replace("-", " ") for a in parsed.attachments[:50]
    )
    sender = ""
    if parsed.from_:
        local = parsed.from_.address.split("@", 1)[0].replace(".", " ").replace("-", " ")
        sender = f"{parsed.from_.name} {local}"
    return [
        _Field("subject", fold(subject), SUBJECT_REPLY if was_reply else SUBJECT, not was_reply),
        _Field("text", fold(new[:BODY_CHARS]), NEW_TEXT, True),
        _Field("quoted", fold(quoted[:BODY_CHARS]), QUOTED, False),
        _Field("attachments", fold(names), ATTACHMENTS, True),
        _Field("sender", fold(sender.replace("_", " ")), SENDER, False),
    ]


def _field_hits(text: str) -> list[Rule]:
    """Rules matching one field. Consuming rules go first and blank what they matched, so
    the words inside a compound phrase count once, for the phrase."""
    hits: list[Rule] = []
    for c in _CONSUMING:
        blanked, n = c.regex.subn(lambda m: " " * len(m.group(0)), text)
        if n:
            hits.append(c.rule)
            text = blanked
    hits.extend(c.rule for c in _PLAIN if c.regex.search(text))
    # An open-sale phrase names the stop sale it lifts: in that field the stop-sale words
    # are the object being lifted, not a stop sale of their own.
    if any(r.label == "opensale" for r in hits):
        hits = [r for r in hits if r.label != "stopsale"]
    return [r for r in hits if r.label != "neutral"]


def score(parsed: ParsedMessage) -> tuple[dict[str, float], list[str]]:
    """Points per label and the ids of the rules that matched (``rule@field``)."""
    points: dict[str, float] = defaultdict(float)
    matched = [(rule, f) for f in _fields(parsed) if f.text.strip() for rule in _field_hits(f.text)]
    fresh_labels = {rule.label for rule, f in matched if f.fresh}
    fresh_points: dict[str, float] = defaultdict(float)
    for rule, f in matched:
        if f.fresh:
            fresh_points[rule.label] += rule.weight * f.factor
    clear_intents = {label for label, p in fresh_points.items() if p >= MIN_POINTS}
    ids: list[str] = []
    for rule, f in matched:
        # Re-opening always refers to the stop sale it ends: when this message itself says
        # sales are open, a stop sale in the reply subject or the quote is that old one.
        if rule.label == "stopsale" and "opensale" in fresh_labels and not f.fresh:
            continue
        factor = f.factor
        if not f.fresh and clear_intents and rule.label not in clear_intents:
            # a reply that clearly says what it wants: the thread's older intent is context
            factor *= STALE_WHEN_CLEAR
        points[rule.label] += rule.weight * factor
        ids.append(f"{rule.id}@{f.name}")
    # Cancellations and amendments always name the booking they change: when one is clearly
    # there, booking vocabulary is context, not intent.
    if max(points.get("cancellation", 0.0), points.get("amendment", 0.0)) >= MIN_POINTS:
        points["booking"] = points.get("booking", 0.0) * BOOKING_AS_CONTEXT
    headers = {k.lower(): v.lower() for k, v in parsed.headers.items()}
    if "list-unsubscribe" in headers or "list-id" in headers:
        points["other"] += 3.0
        ids.append("header.list")
    if headers.get("precedence") in ("bulk", "list", "junk"):
        points["other"] += 2.0
        ids.append("header.precedence_bulk")
    return dict(points), ids


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
