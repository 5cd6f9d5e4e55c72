"""Template matching that learns from corrections — the pure part.

A tenant corrects a label; the correction becomes an example: the sender, the subject and the
opening of the new text with what varies between mails of one template masked (numbers,
dates, times, references, e-mail addresses, names after a title or a name field), and the
corrected label. A later mail from the same sender whose masked subject and opening follow
an example closely gets that label, explained as ``template:<id>``.

The similarity is the standard library's ``difflib.SequenceMatcher`` over word tokens (a
well-kept library that serves: the texts are short and the candidates few — one sender's
examples). Storing, editing and auditing examples is the adapters' and the settings page's
business; here are the value, the masking, the bound and the match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

from shared.domain.classification.text import fold, strip_prefixes
from shared.domain.message import Classification, ParsedMessage

MAX_EXAMPLES = 500  # per tenant; the oldest goes first (``remember``)
OPENING_CHARS = 800  # what of the new text a template is recognised by
MIN_SIMILARITY = 0.85  # token similarity a mail needs to follow an example
SUBJECT_WEIGHT = 0.4

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# a token with a digit: numbers, dates (12.08.2026), times, prices, references (HB-55120)
_WITH_DIGIT = re.compile(r"\S*\d\S*")
# a name after a title or a name field, in the trade's languages
_NAME = re.compile(
    r"\b(mr|mrs|ms|miss|dr|herr|frau|pan|pani|bay|bayan|sayin|guest|gast|misafir|name|"
    r"lead\s+name|ad\s*soyad|nazwisko|имя|фамилия|гость)\b\W{0,3}((?:[^\W\d_]+\s*){1,3})"
)
_TOKEN = re.compile(r"[^\W_]+|#|@|~")


def mask(text: str) -> list[str]:
    """The tokens of ``text`` with what varies between mails of one template replaced: "#"
    for anything with a digit, "@" for an address, "~" for a name."""
    text = _EMAIL.sub(" @ ", fold(text))
    text = _WITH_DIGIT.sub(" # ", text)
    text = _NAME.sub(lambda m: f"{m.group(1)} ~ ", text)
    return _TOKEN.findall(text)


@dataclass(frozen=True)
class TemplateExample:
    """A correction kept as an example (what the store holds, per tenant)."""

    id: str
    sender: str  # address, lower case
    label: str
    subject: tuple[str, ...]  # masked tokens
    opening: tuple[str, ...]
    created_at: datetime
    created_by: str  # who corrected: the audit trail starts here

    @classmethod
    def from_correction(
        cls,
        example_id: str,
        parsed: ParsedMessage,
        label: str,
        *,
        created_at: datetime,
        created_by: str,
    ) -> TemplateExample:
        subject, _, _ = strip_prefixes(parsed.subject)
        return cls(
            id=example_id,
            sender=parsed.from_.address.lower() if parsed.from_ else "",
            label=label,
            subject=tuple(mask(subject)),
            opening=tuple(mask((parsed.new_text or parsed.text)[:OPENING_CHARS])),
            created_at=created_at,
            created_by=created_by,
        )


def remember(
    examples: Sequence[TemplateExample], new: TemplateExample
) -> tuple[TemplateExample, ...]:
    """``examples`` with ``new`` in place of any of the same id, oldest dropped beyond
    ``MAX_EXAMPLES``."""
    kept = [e for e in examples if e.id != new.id]
    kept.append(new)
    kept.sort(key=lambda e: e.created_at)
    return tuple(kept[-MAX_EXAMPLES:])


def match(
    parsed: ParsedMessage, examples: Sequence[TemplateExample]
) -> tuple[TemplateExample, float] | None:
    """The sender's example ``parsed`` follows best, with the similarity, if any reaches
    ``MIN_SIMILARITY``."""
    if parsed.from_ is None:
        return None
    sender = parsed.from_.address.lower()
    candidates = [e for e in examples if e.sender == sender]
    if not candidates:
        return None
    subject, _, _ = strip_prefixes(parsed.subject)
    masked_subject = mask(subject)
    opening = mask((parsed.new_text or parsed.text)[:OPENING_CHARS])
    best: tuple[TemplateExample, float] | None = None
    scores: dict[tuple[tuple[str, ...], tuple[str, ...]], float] = {}
    for example in candidates:
        shape = (example.subject, example.opening)
        if shape not in scores:  # corrections of one template mask alike: score it once
            floor = max(MIN_SIMILARITY, best[1] if best else 0.0)
            scores[shape] = _score(masked_subject, opening, example, floor)
        score = scores[shape]
        if score >= MIN_SIMILARITY and (best is None or score > best[1]):
            best = (example, score)
    return best


def _score(
    subject: Sequence[str], opening: Sequence[str], example: TemplateExample, floor: float
) -> float:
    """The weighted similarity, or 0.0 as soon as cheap upper bounds (the sequences' lengths,
    then their shared tokens) show it cannot reach ``floor``: one sender may have hundreds
    of examples, and the full comparison is quadratic in the tokens."""
    pairs = (
        (SUBJECT_WEIGHT, subject, example.subject),
        (1 - SUBJECT_WEIGHT, opening, example.opening),
    )
    matchers = [(w, SequenceMatcher(None, a, b, autojunk=False)) for w, a, b in pairs if a or b]
    empty = sum(w for w, a, b in pairs if not a and not b)  # two empty texts are alike
    for bound in (SequenceMatcher.real_quick_ratio, SequenceMatcher.quick_ratio):
        if empty + sum(w * bound(m) for w, m in matchers) < floor:
            return 0.0
    return empty + sum(w * m.ratio() for w, m in matchers)


def apply_templates(
    parsed: ParsedMessage, builtin: Classification, examples: Sequence[TemplateExample]
) -> Classification:
    """The corrected label when ``parsed`` follows one of its sender's examples, else
    ``builtin`` unchanged."""
    found = match(parsed, examples)
    if found is None:
        return builtin
    example, score = found
    rules = (f"template:{example.id}", *(r for r in builtin.rules if r.startswith("tenant:")))
    return Classification(example.label, round(score, 4), rules, builtin.tags, confident=True)
