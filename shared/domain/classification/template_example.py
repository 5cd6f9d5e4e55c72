"""A tenant's correction kept as a template example: the sender, the masked subject and
opening (what varies between mails of one template replaced), the corrected label; and the
bound on how many a tenant keeps. Matching mails against them: ``templates``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.domain.classification.text import fold, strip_prefixes
from shared.domain.message import ParsedMessage

MAX_EXAMPLES = 500  # per tenant; the oldest goes first (``remember``)
OPENING_CHARS = 800  # what of the new text a template is recognised by
MIN_SIMILARITY = 0.85  # token similarity a mail needs to follow an example
SUBJECT_WEIGHT = 0.4

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# a token with a digit: numbers, dates (12.08.2026), times, prices, references (HB-55120);
# the whole run of non-space around it — tried at run starts only, without backtracking
_WITH_DIGIT = re.compile(r"(?<!\S)[^\s\d]*+\d\S*+")
# a name after a title or a name field, in the trade's languages
_NAME = re.compile(
    r"\b(mr|mrs|ms|miss|dr|herr|frau|pan|pani|bay|bayan|sayin|guest|gast|misafir|name|"
    r"lead\s+name|ad\s*soyad|nazwisko|имя|фамилия|гость)\b\W{0,3}((?:[^\W\d_]+\s*){1,3})"
)
_TOKEN = re.compile(r"[^\W_]+|#|@|~")


def mask(text: str) -> list[str]:
    """The tokens of ``text`` with what varies between mails of one template replaced: "#"
    for anything with a digit, "@" for an address, "~" for a name."""
    text = fold(text)
    if "@" in text:
        text = _EMAIL.sub(" @ ", text)
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
