"""Explainable scoring: every built-in rule that matches adds its weight times the weight of
the field it matched in; the label with most points wins, and the event lists the rules.

Fields and their weights: the subject (less when it is a reply: it names the older mail's
intent), the new text of the body, the quoted history (little), attachment names, and the
sender's name and address. Bounces and auto-replies are ``other`` whatever they quote.

Scopes, the same in every language (the words come from ``languages``):
- negation: an intent word right after "not / nie / не / nicht / pas …" says the opposite
  ("not cancelled", "keine Änderung"): it does not count;
- lift: a stop sale inside a lift ("stop sale lifted", "رفع وقف البيع") is an open sale;
- new text first: when what the sender writes now clearly has an intent, the reply subject
  and the quoted history (older mails' intents) count little;
- genre: a mail that is clearly marketing, a maintenance notice or a newsletter only talks
  about bookings: its operational words are its topic.
The result is ``confident`` unless nothing strong matched or the runner-up is close.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from shared.domain.classification.builtin_rules import RULES, Rule
from shared.domain.classification.compounds import split_compounds
from shared.domain.classification.confidence import BESIDE_OPENSALE, Evidence, judge
from shared.domain.classification.fast_patterns import fast_form
from shared.domain.classification.language_id import ALWAYS, SAMPLE_CHARS, identify
from shared.domain.classification.literal_set import LiteralSet
from shared.domain.classification.negation import negated_after, negated_before
from shared.domain.classification.prefilter import required_literals
from shared.domain.classification.segments import split_own_words
from shared.domain.classification.speech_acts import act_at
from shared.domain.classification.text import fold, strip_prefixes
from shared.domain.labels import LABELS, Label
from shared.domain.message import Classification, ParsedMessage

OPERATIONAL = tuple(label for label in LABELS if label is not Label.OTHER)
MIN_POINTS = 2.5  # below this no operational label is claimed: "other"
BODY_CHARS = 4000
QUOTED_CHARS = 1500  # the most recent quoted mail is at the top; older history adds cost
BOOKING_AS_CONTEXT = 0.4  # the top of a mail says what it is; long tails add noise and cost

# the signature and footer lines of the new text (``segments``): their booking links and
# legal words are no intent, but a newsletter's "unsubscribe" still names the genre
FOOTER = 0.1
SUBJECT, SUBJECT_REPLY, NEW_TEXT, QUOTED, ATTACHMENTS, SENDER = (
    2.0,
    0.75,  # a reply's or forward's subject names the older mail's intent; the new text this one's
    1.0,
    0.2,
    1.0,
    0.5,
)


STALE_WHEN_CLEAR = 0.3
NEW_TEXT_CLEAR = 2.0  # points the new text needs to outweigh the thread's older intent
GENRE_CLEAR = 4.0  # points of marketing / maintenance / newsletter that make it the genre
GENRE_DAMPING = 0.3
NEGATABLE = (Label.CANCELLATION, Label.AMENDMENT, Label.STOPSALE)
# intents a question or a condition takes back ("will there be a stop sale?")
ACTS = (Label.CANCELLATION, Label.AMENDMENT, Label.STOPSALE, Label.OPENSALE)


@dataclass(frozen=True)
class _Compiled:
    index: int  # its place in ``_COMPILED``
    rule: Rule
    language: str  # the rule's language module ("en", "tr", "any" ...)
    regex: re.Pattern[str]
    # every match holds one literal of each set (``prefilter``); None: no such literals
    literals: tuple[frozenset[str], ...] | None
    all_literals: frozenset[str]  # the literals of all its sets
    negatable: bool  # its label in ``NEGATABLE`` (looked up once, not per match)
    acts: bool  # its label in ``ACTS``
    # the literal sets after the first (the first is how the rule is found: ``_possible``)
    more: tuple[frozenset[str], ...]

    def may_match(self, present: set[str]) -> bool:
        """Whether the text whose literals (of all rules) are ``present`` can match."""
        if self.literals is None:
            return True
        return not any(map(present.isdisjoint, self.literals))


# consuming rules first (they blank what they matched before the others look)
def _compiled(index: int, rule: Rule) -> _Compiled:
    literals = required_literals(rule.pattern)
    return _Compiled(
        index,
        rule,
        rule.id.split(".", 1)[0],
        re.compile(fast_form(rule.pattern)),
        literals,
        frozenset().union(*literals) if literals else frozenset(),
        rule.label in NEGATABLE,
        rule.label in ACTS,
        literals[1:] if literals else (),
    )


_COMPILED = tuple(_compiled(i, r) for i, r in enumerate(sorted(RULES, key=lambda r: not r.consume)))
# literal -> the rules that need it; one pass over the distinct literals finds the rules
# that can match a message at all
_NEEDING: dict[str, set[int]] = defaultdict(set)
for _i, _c in enumerate(_COMPILED):
    for _lit in _c.literals[0] if _c.literals else ():
        _NEEDING[_lit].add(_i)
_BY_LITERAL = {lit: frozenset(rules) for lit, rules in _NEEDING.items()}
_ALWAYS = frozenset(i for i, c in enumerate(_COMPILED) if c.literals is None)
_LITERAL_RULES = _BY_LITERAL.get  # literal -> the rules it finds, None for another literal
# language -> its rules; the rules of the languages that always apply
_OF_LANGUAGE = {
    lang: frozenset(i for i, c in enumerate(_COMPILED) if c.language == lang)
    for lang in {c.language for c in _COMPILED}
}
_OF_ALWAYS = frozenset().union(*(_OF_LANGUAGE.get(lang, ()) for lang in ALWAYS))
# every literal of every rule, found in a text in one pass (``literal_set``)
_LITERALS = LiteralSet(lit for c in _COMPILED for lits in c.literals or () for lit in lits)


def _present(text: str) -> set[str]:
    """The rules' literals that occur in ``text``."""
    return _LITERALS.found(text)


def _possible(present: set[str]) -> frozenset[int]:
    """The rules whose first literal set ``present`` holds (or that have none)."""
    return _ALWAYS.union(*filter(None, map(_LITERAL_RULES, present)))


def _candidates(
    possible: frozenset[int], present: set[str], languages: frozenset[str]
) -> list[_Compiled]:
    """The rules of ``languages`` that may match a text holding the literals ``present``, in
    rule order."""
    rules = (_COMPILED[i] for i in sorted(possible & _rules_of(languages)))
    return [c for c in rules if c.may_match(present)]


@cache
def _rules_of(languages: frozenset[str]) -> frozenset[int]:
    """The rules of these languages (a message's scope is one of a few sets)."""
    return frozenset().union(*(_OF_LANGUAGE.get(lang, frozenset()) for lang in languages))


def _quoted(text: str, new: str) -> str:
    """The lines of ``text`` that are not in its new text: the quoted history."""
    if not new or new == text:
        return ""
    fresh = {line.strip() for line in new.splitlines()}
    return "\n".join(line for line in text.splitlines() if line.strip() not in fresh)


class _Field(NamedTuple):  # made seven times a message: a tuple, not a frozen dataclass
    name: str
    text: str
    factor: float
    fresh: bool  # said by this message itself (not a reply subject, not the quote)
    other_factor: float | None = None  # the weight of ``other`` rules here, if not ``factor``

    def with_text(self, text: str) -> _Field:
        if text is self.text:
            return self
        return _Field(self.name, text, self.factor, self.fresh, self.other_factor)

    def weight(self, label: str) -> float:
        return (
            self.factor if self.other_factor is None or label != Label.OTHER else self.other_factor
        )


def _fields(parsed: ParsedMessage) -> list[_Field]:
    subject, was_reply, was_forward = strip_prefixes(parsed.subject)
    threaded = was_reply or was_forward  # the subject names the older mail's intent
    text = parsed.text[: BODY_CHARS * 4]
    new = parsed.new_text or text
    quoted = _quoted(text, parsed.new_text)
    names = " ".join(
        (a.filename or "").replace("_", " ").replace("-", " ") for a in parsed.attachments[:50]
    )
    sender = ""
    if parsed.from_:
        address = parsed.from_.address.replace(".", " ").replace("-", " ").replace("@", " ")
        sender = f"{parsed.from_.name} {address}"  # the domain names the role too
    own, footer = split_own_words(fold(new[:BODY_CHARS]))
    return [
        _Field("subject", fold(subject), SUBJECT_REPLY if threaded else SUBJECT, not threaded),
        _Field("text", own, NEW_TEXT, True),
        _Field("footer", footer, FOOTER, True, other_factor=NEW_TEXT),
        _Field("quoted", fold(quoted[:QUOTED_CHARS]), QUOTED, False),
        _Field("attachments", fold(names), ATTACHMENTS, True),
        # a PDF's text when the mail itself says little ("please see the attached")
        _Field("attachment_text", fold(parsed.attachment_text[:BODY_CHARS]), NEW_TEXT, True),
        _Field("sender", fold(sender.replace("_", " ")), SENDER, False),
    ]


def _affirmed(
    c: _Compiled,
    text: str,
    cues: set[tuple[str, str]],
    languages: frozenset[str],
    matches: Iterable[re.Match[str]] | None = None,
) -> bool:
    """``c`` matches ``text`` at least once outside a negation's scope and, for an intent,
    outside a question or a condition (those go to ``cues``). ``matches``: its matches in
    ``text``, when they are already found."""
    if not c.negatable and not c.acts:
        return c.regex.search(text) is not None if matches is None else any(True for _ in matches)
    for m in c.regex.finditer(text) if matches is None else matches:
        start = m.start()
        if c.negatable and (negated_before(text, start) or negated_after(text, m.end())):
            continue
        act = act_at(text, start, m.end(), languages) if c.acts else None
        if act is None:
            return True
        cues.add((c.rule.label, act))
    return False


def _blanked(text: str, matches: list[re.Match[str]]) -> str:
    """``text`` with each of ``matches`` (in order, not overlapping) blanked: what
    ``regex.sub`` with blanks gives, without a second pass over the text."""
    parts, done = [], 0
    for m in matches:
        start, end = m.span()
        parts.append(text[done:start])
        parts.append(" " * (end - start))
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _field_hits(
    text: str,
    candidates: dict[int, _Compiled],
    present: set[str],
    cues: set[tuple[str, str]],
    languages: frozenset[str],
) -> list[Rule]:
    """Rules matching one field. Consuming rules go first and blank what they matched, so
    the words inside a compound phrase count once, for the phrase (asked about or made a
    condition, an intent phrase is blanked but does not count). ``candidates``: the
    message's, by their place in ``_COMPILED`` (rule order)."""
    here = set(filter(text.__contains__, present))
    # the candidates whose first literals the field holds, found from those literals: most
    # candidates of a message can match none of its fields but one
    hits: list[Rule] = []
    for i in sorted(_possible(here).intersection(candidates)):
        c = candidates[i]
        if c.more and any(map(here.isdisjoint, c.more)):
            continue  # its first literals are here (``_possible``), not one of each other set
        if c.rule.consume:
            # one pass finds the matches: they are judged, then blanked
            matches = list(c.regex.finditer(text))
            if not matches:
                continue
            if not c.acts or _affirmed(c, text, cues, languages, matches):
                hits.append(c.rule)
            text = _blanked(text, matches)
        elif _affirmed(c, text, cues, languages):
            hits.append(c.rule)
    # An open-sale phrase names the stop sale it lifts: in that field the stop-sale words
    # are the object being lifted, not a stop sale of their own.
    if any(r.label == Label.OPENSALE for r in hits):
        if any(r.label == Label.STOPSALE for r in hits) and not any(
            r.consume and r.label == Label.OPENSALE for r in hits
        ):  # no lift phrase says so: worth a look
            cues.add((Label.STOPSALE, BESIDE_OPENSALE))
        hits = [r for r in hits if r.label != Label.STOPSALE]
    return [r for r in hits if r.label != "neutral"]


_Matched = list[tuple[Rule, _Field]]
_COMPOUNDED = frozenset({"subject", "text", "quoted"})  # fields written as sentences


def _clear_intents(matched: _Matched) -> set[str]:
    """The labels this message itself clearly states (new text, own subject): an answer
    that only acknowledges ("thank you, noted") states ``other``."""
    fresh_points: dict[str, float] = defaultdict(float)
    for rule, f in matched:
        if f.fresh:
            fresh_points[rule.label] += rule.weight * f.weight(rule.label)
    return {label for label, p in fresh_points.items() if p >= NEW_TEXT_CLEAR}


def _thread_points(matched: _Matched) -> tuple[dict[str, float], list[str]]:
    points: dict[str, float] = defaultdict(float)
    fresh_labels = {rule.label for rule, f in matched if f.fresh}
    clear_intents = _clear_intents(matched)
    ids: list[str] = []
    for rule, f in matched:
        # Re-opening always refers to the stop sale it ends: when this message itself says
        # sales are open, a stop sale in the reply subject or the quote is that old one.
        if rule.label == Label.STOPSALE and Label.OPENSALE in fresh_labels and not f.fresh:
            continue
        factor = f.weight(rule.label)
        if not f.fresh and clear_intents and rule.label not in clear_intents:
            # a reply that clearly says what it wants: the thread's older intent is context
            factor *= STALE_WHEN_CLEAR
        points[rule.label] += rule.weight * factor
        ids.append(f"{rule.id}@{f.name}")
    return points, ids


def _context_and_genre(points: dict[str, float], matched: _Matched) -> None:
    # Cancellations and amendments always name the booking they change: when one is clearly
    # there, booking vocabulary is context, not intent.
    if max(points.get(Label.CANCELLATION, 0.0), points.get(Label.AMENDMENT, 0.0)) >= MIN_POINTS:
        points[Label.BOOKING] = points.get(Label.BOOKING, 0.0) * BOOKING_AS_CONTEXT
    genre = sum(rule.weight * f.weight(rule.label) for rule, f in matched if rule.genre and f.fresh)
    if genre >= GENRE_CLEAR:
        for label in OPERATIONAL:
            if label in points:
                points[label] *= GENRE_DAMPING


def _language_sample(parsed: ParsedMessage) -> str:
    """What the message itself says, subject first: the text its language is told from."""
    subject = strip_prefixes(parsed.subject)[0]
    return f"{subject}\n{(parsed.new_text or parsed.text)[: SAMPLE_CHARS * 4]}"


@dataclass(frozen=True)
class Scored:
    points: dict[str, float]
    ids: list[str]  # the rules that matched, as ``rule@field``
    evidence: Evidence


def score(parsed: ParsedMessage) -> Scored:
    """Points per label, the rules that matched and what else scoring saw."""
    fields = [f for f in _fields(parsed) if f.text.strip()]
    # the rules that can match anywhere in this message, found once for all its fields,
    # in the languages the message is written in
    everything = "\n".join(f.text for f in fields)
    present = _present(everything)
    possible = _possible(present)
    evidence = Evidence()
    languages = ALWAYS
    if not possible <= _OF_ALWAYS:  # else nothing to choose
        scope = identify(_language_sample(parsed))
        evidence.language_sure, languages = scope.sure, scope.languages
    candidates = {c.index: c for c in _candidates(possible, present, languages)}
    # compounds followed by their parts ("neubuchung neu buchung"), in the languages that
    # write them
    fields = [
        f.with_text(split_compounds(f.text, languages)) if f.name in _COMPOUNDED else f
        for f in fields
    ]
    # only the candidates' literals are looked for field by field
    present &= set().union(*(c.all_literals for c in candidates.values()))
    cues: set[tuple[str, str]] = set()
    matched: _Matched = []
    for f in fields:
        # the thread's questions are not this message's doubts
        field_cues: set[tuple[str, str]] = set()
        hits = _field_hits(f.text, candidates, present, field_cues, languages)
        matched.extend((r, f) for r in hits)
        if f.fresh:
            cues |= field_cues
    points, ids = _thread_points(matched)
    _context_and_genre(points, matched)
    headers = {k.lower(): v.lower() for k, v in parsed.headers.items()}
    if "list-unsubscribe" in headers or "list-id" in headers:
        points[Label.OTHER] += 3.0
        ids.append("header.list")
    if headers.get("precedence") in ("bulk", "list", "junk"):
        points[Label.OTHER] += 2.0
        ids.append("header.precedence_bulk")
    evidence.speech_acts = cues
    evidence.lifted = any(r.consume and r.label == Label.OPENSALE for r, _ in matched)
    evidence.fresh_labels = {r.label for r, f in matched if f.fresh and f.weight(r.label) >= 1}
    for r, _ in matched:
        evidence.languages.setdefault(r.label, set()).add(r.id.split(".", 1)[0])
    return Scored(dict(points), ids, evidence)


def classify_builtin(parsed: ParsedMessage) -> Classification:
    if parsed.is_bounce:
        return Classification(Label.OTHER, 1.0, ("flag.bounce",))
    if parsed.is_auto_reply:
        return Classification(Label.OTHER, 1.0, ("flag.auto_reply",))
    scored = score(parsed)
    matched = scored.ids
    ranked = sorted(scored.points.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or (ranked[0][0] in OPERATIONAL and ranked[0][1] < MIN_POINTS):
        # nothing (strong) matched: "other", and not sure of it
        verdict = judge([(Label.OTHER, 0.0), *ranked], scored.evidence)
        return Classification(
            Label.OTHER,
            0.0,
            tuple(matched),
            confident=False,
            runner_up=verdict.runner_up,
            margin=verdict.margin,
            doubts=verdict.doubts,
        )
    best_label, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = best / (best + second + 1.0)
    rules = tuple(m for m in matched if _label_of(m) == best_label) or tuple(matched)
    verdict = judge(ranked, scored.evidence)
    return Classification(
        best_label,
        round(confidence, 4),
        rules,
        confident=verdict.confident,
        runner_up=verdict.runner_up,
        margin=verdict.margin,
        doubts=verdict.doubts,
    )


_LABEL_BY_ID = {r.id: r.label for r in RULES}


def _label_of(matched_id: str) -> str:
    rule_id = matched_id.split("@", 1)[0]
    return _LABEL_BY_ID.get(rule_id, Label.OTHER)
