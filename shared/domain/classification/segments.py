"""The new text in two parts: what the sender says now, and what comes with every mail of
theirs — the signature after a sign-off or "-- ", and footer lines (booking-engine link bars,
unsubscribe notes, disclaimers; ``boilerplate``). The engine scores the footer as a field of
its own: its operational words ("Manage booking | Cancel | Amend") count little there, while
what it says of the genre (a newsletter's "unsubscribe") still counts."""

from __future__ import annotations

import re

from shared.domain.classification.boilerplate import FOOTER_LINES, SIGN_OFFS, SIGNATURE_DELIMITER
from shared.domain.classification.literal_set import LiteralSet
from shared.domain.classification.prefilter import required_literals

MAX_SIGN_OFF = 60  # a longer line says more than goodbye
# one pass over the whole text each (most mail has neither): a line that is only a sign-off
# or the signature delimiter, and the lines that hold a footer pattern
_SIGNATURE = re.compile(
    rf"^[^\S\n]*(?:{re.escape(SIGNATURE_DELIMITER)}|[^\w\n]*(?:{'|'.join(SIGN_OFFS)})[^\w\n]*)[^\S\n]*$",
    re.MULTILINE,
)
# each pattern with the literals every match of it holds (``prefilter``): a pattern is
# searched for only where they occur (a link bar: where a bar character does)
_FOOTERS = tuple(
    (re.compile(p, re.MULTILINE), required_literals(p) or (frozenset("|•·"),)) for p in FOOTER_LINES
)
FOOTER_CHARS = 1200  # footers close a text: only its last lines are looked at
# all their literals, found in a text's last lines in one pass
_FOOTER_LITERALS = LiteralSet(lit for _, sets in _FOOTERS for lits in sets for lit in lits)
# literal -> the patterns whose first set holds it: the patterns a text's literals allow,
# found from those literals
_NEEDING: dict[str, set[int]] = {}
for _i, (_, _sets) in enumerate(_FOOTERS):
    for _lit in _sets[0]:
        _NEEDING.setdefault(_lit, set()).add(_i)
_BY_LITERAL = {lit: frozenset(patterns) for lit, patterns in _NEEDING.items()}


def _footer_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of the lines among the last ``FOOTER_CHARS`` that hold a footer pattern."""
    tail = max(0, len(text) - FOOTER_CHARS)
    if tail:
        tail = text.find("\n", tail) + 1 or len(text)
    spans: set[tuple[int, int]] = set()
    present = _FOOTER_LITERALS.found(text[tail:])
    allowed = frozenset().union(*[_BY_LITERAL[lit] for lit in present if lit in _BY_LITERAL])
    for i in sorted(allowed):
        pattern, literals = _FOOTERS[i]
        if any(present.isdisjoint(lits) for lits in literals[1:]):
            continue
        for m in pattern.finditer(text, tail):
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.end())
            spans.add((start, len(text) if end < 0 else end + 1))
    return sorted(spans)


def split_own_words(folded: str) -> tuple[str, str]:
    """(what the sender says, the signature and footer lines) of folded new text."""
    cut = len(folded)
    for m in _SIGNATURE.finditer(folded):
        # a sign-off closes a text only after something was said
        if len(m.group().strip()) <= MAX_SIGN_OFF and folded[: m.start()].strip():
            cut = m.start()
            break
    own, rest = folded[:cut], folded[cut:]
    lines = _footer_lines(own)
    if not lines:
        return own, rest
    kept, footer, done = [], [], 0
    for start, end in lines:
        if start < done:
            continue
        kept.append(own[done:start])
        footer.append(own[start:end])
        done = end
    kept.append(own[done:])
    return "".join(kept), "".join(footer) + rest
