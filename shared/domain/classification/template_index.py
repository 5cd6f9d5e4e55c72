"""A tenant's template examples indexed so that a mail is compared only with the examples it
could follow, not with each of its sender's (up to ``MAX_EXAMPLES``).

Exact, not approximate: a match needs a weighted similarity of at least ``MIN_SIMILARITY``,
and the subject weighs ``SUBJECT_WEIGHT`` at most, so the openings must reach
``OPENING_FLOOR`` on their own. The openings' similarity is difflib's ratio, 2·M / (|x| + |y|)
with M ≤ the tokens they share (as multisets), so two openings that can match share at least
``needed(|x|)`` tokens — and then, in any fixed order of the tokens, the first token they
share lies within the first ``|x| − needed(|x|) + 1`` tokens of each (prefix filtering, as in
set-similarity joins: Chaudhuri et al., ICDE 2006; Bayardo et al., WWW 2007). Only the
examples whose prefix shares a token with the mail's are compared. Tokens are ordered rarest
first (by how many of the sender's examples hold them), so prefixes are short lists of rare
words and few examples share them.
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from shared.domain.classification.template_example import (
    MIN_SIMILARITY,
    SUBJECT_WEIGHT,
    TemplateExample,
)

# the least similarity of the openings a match can have (the subject at its best)
OPENING_FLOOR = (MIN_SIMILARITY - SUBJECT_WEIGHT) / (1 - SUBJECT_WEIGHT)

Item = tuple[str, int]  # a token and which of its occurrences: a multiset as a set
Shape = tuple[tuple[str, ...], tuple[str, ...]]  # masked subject, masked opening


class Prepared:
    """A shape's first example, and difflib matchers that already know its subject and
    opening (difflib: set the sequence compared against many once, as ``seq2``; it caches
    what it learns of it). ``against`` hands out a copy per comparison: threads share the
    index, never a matcher."""

    def __init__(self, example: TemplateExample) -> None:
        self.example = example
        self._subject = _knowing(example.subject)
        self._opening = _knowing(example.opening)
        self.counts = counts(example.subject), counts(example.opening)
        # the opening as a set of items: the tokens two openings share (as multisets) are
        # then one set intersection, made in C
        self.items = frozenset(items(example.opening))

    def against(
        self, subject: Sequence[str], opening: Sequence[str]
    ) -> tuple[SequenceMatcher[str], SequenceMatcher[str]]:
        """Matchers of ``subject`` and ``opening`` against the example's."""
        pair = copy.copy(self._subject), copy.copy(self._opening)
        pair[0].set_seq1(subject)
        pair[1].set_seq1(opening)
        return pair


def _knowing(tokens: Sequence[str]) -> SequenceMatcher[str]:
    matcher: SequenceMatcher[str] = SequenceMatcher(None, (), tokens, autojunk=False)
    matcher.quick_ratio()  # counts the example's tokens once, for every later quick_ratio
    return matcher


def counts(tokens: Iterable[str]) -> dict[str, int]:
    """How often each token occurs."""
    out: dict[str, int] = {}
    for token in tokens:
        out[token] = out.get(token, 0) + 1
    return out


def shared(mine: dict[str, int], theirs: dict[str, int]) -> int:
    """The tokens two sequences share, as multisets (what difflib's ``quick_ratio`` counts)."""
    return sum(min(mine[token], theirs[token]) for token in mine.keys() & theirs.keys())


def needed(size: int) -> int:
    """The tokens an opening of ``size`` shares with any opening it can match: from
    2·M / (size + other) ≥ F and M ≤ other follows M ≥ F·size / (2 − F)."""
    return math.ceil(OPENING_FLOOR * size / (2 - OPENING_FLOOR) - 1e-9)


def items(tokens: Iterable[str]) -> list[Item]:
    seen: dict[str, int] = {}
    out = []
    for token in tokens:
        n = seen[token] = seen.get(token, 0) + 1
        out.append((token, n))
    return out


@dataclass(frozen=True)
class _Sender:
    """One sender's examples: each shape (what examples of one template mask to) with its
    first example, in the examples' order; the items of their openings ranked rarest
    first; for each rank, the shapes whose prefix holds that item."""

    shapes: tuple[Prepared, ...]
    by_shape: dict[Shape, Prepared]
    openings: frozenset[tuple[str, ...]]  # the shapes' openings: a mail's subject is
    # masked for the exact look-up only when its opening is one of them
    rank: dict[Item, int]  # the order of the items: rarest first
    postings: tuple[tuple[int, ...], ...]  # by rank: the shapes whose prefix holds the item
    always: tuple[int, ...]  # shapes with an empty opening (alike any other empty one)

    def candidates(self, opening: frozenset[Item]) -> list[Prepared]:
        """The shapes an opening with these ``items`` could follow, in the examples'
        order. Items no example holds count as first in the order (they share nothing:
        where they stand changes no prefix's shared item)."""
        if not opening:
            return [self.shapes[i] for i in self.always]
        rank = self.rank
        known = sorted(map(rank.__getitem__, rank.keys() & opening))
        size = len(opening)
        prefix = size - needed(size) + 1 - (size - len(known))
        found = {s for r in known[: max(prefix, 0)] for s in self.postings[r]}
        return [self.shapes[i] for i in sorted(found)]


def _sender(examples: Sequence[TemplateExample]) -> _Sender:
    first: dict[Shape, TemplateExample] = {}
    for example in examples:
        first.setdefault((example.subject, example.opening), example)
    shapes = tuple(Prepared(example) for example in first.values())
    openings = [items(shape.example.opening) for shape in shapes]
    rarity: Counter[Item] = Counter(i for mine in openings for i in set(mine))
    rank = {item: r for r, item in enumerate(sorted(rarity, key=lambda i: (rarity[i], i)))}
    postings: list[list[int]] = [[] for _ in rank]
    always = []
    for index, mine in enumerate(openings):
        if not mine:
            always.append(index)
            continue
        for r in sorted(rank[i] for i in mine)[: len(mine) - needed(len(mine)) + 1]:
            postings[r].append(index)
    return _Sender(
        shapes,
        {(s.example.subject, s.example.opening): s for s in shapes},
        frozenset(s.example.opening for s in shapes),
        rank,
        tuple(tuple(where) for where in postings),
        tuple(always),
    )


class TemplateIndex:
    """A tenant's examples by sender, each sender's indexed (built once per load of the
    examples, not per mail)."""

    def __init__(self, examples: Sequence[TemplateExample]) -> None:
        self.examples = tuple(examples)
        by_sender: dict[str, list[TemplateExample]] = {}
        for example in self.examples:
            by_sender.setdefault(example.sender, []).append(example)
        self._senders = {sender: _sender(found) for sender, found in by_sender.items()}

    def __len__(self) -> int:
        return len(self.examples)

    def candidates(self, sender: str, opening: frozenset[Item]) -> list[Prepared] | None:
        """The shapes of ``sender``'s examples a mail whose masked opening has these
        ``items`` could follow (in the examples' order, each with its first example); None:
        no example of the sender at all."""
        found = self._senders.get(sender)
        return None if found is None else found.candidates(opening)

    def knows(self, sender: str) -> bool:
        """Whether ``sender`` has any example."""
        return sender in self._senders

    def has_opening(self, sender: str, opening: tuple[str, ...]) -> bool:
        """Whether one of ``sender``'s examples has exactly this masked opening."""
        found = self._senders.get(sender)
        return found is not None and opening in found.openings

    def same(self, sender: str, shape: Shape) -> TemplateExample | None:
        """The first of ``sender``'s examples that masks exactly to ``shape`` (a mail of a
        template usually does: nothing to compare, the similarity is 1)."""
        found = self._senders.get(sender)
        prepared = found.by_shape.get(shape) if found is not None else None
        return prepared.example if prepared is not None else None
