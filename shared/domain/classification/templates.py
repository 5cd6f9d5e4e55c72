"""Template matching that learns from corrections — the pure part.

A tenant corrects a label; the correction becomes an example: the sender, the subject and the
opening of the new text with what varies between mails of one template masked (numbers,
dates, times, references, e-mail addresses, names after a title or a name field), and the
corrected label. A later mail from the same sender whose masked subject and opening follow
an example closely gets that label, explained as ``template:<id>``.

The similarity is the standard library's ``difflib.SequenceMatcher`` over word tokens (a
well-kept library that serves: the texts are short), and a mail is compared only with the
examples it could follow (``template_index``: exact prefix filtering, not one comparison per
example). Storing, editing and auditing examples is the adapters' and the settings page's
business; here are the match and the label it gives. The example itself, its masking and
the bound: ``template_example``.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.domain.classification.template_example import (
    MAX_EXAMPLES,
    MIN_SIMILARITY,
    OPENING_CHARS,
    SUBJECT_WEIGHT,
    TemplateExample,
    mask,
    remember,
)
from shared.domain.classification.template_index import (
    OPENING_FLOOR,
    Item,
    Prepared,
    TemplateIndex,
    counts,
    items,
    shared,
)
from shared.domain.classification.text import strip_prefixes
from shared.domain.message import Classification, ParsedMessage

__all__ = [
    "MAX_EXAMPLES",
    "MIN_SIMILARITY",
    "OPENING_CHARS",
    "SUBJECT_WEIGHT",
    "TemplateExample",
    "TemplateIndex",
    "apply_templates",
    "mask",
    "match",
    "remember",
]


def match(
    parsed: ParsedMessage, examples: Sequence[TemplateExample] | TemplateIndex
) -> tuple[TemplateExample, float] | None:
    """The sender's example ``parsed`` follows best, with the similarity, if any reaches
    ``MIN_SIMILARITY`` (the earliest of equals). ``examples`` indexed once
    (``TemplateIndex``) for many mails; a plain sequence is indexed here."""
    if parsed.from_ is None or not examples:
        return None
    index = examples if isinstance(examples, TemplateIndex) else TemplateIndex(examples)
    sender = parsed.from_.address.lower()
    if not index.knows(sender):
        return None
    opening = mask((parsed.new_text or parsed.text)[:OPENING_CHARS])
    # the subject is masked only when needed: an example with this very opening, or a
    # candidate to score
    masked_subject: list[str] | None = None
    # identical: 1, the only similarity that high (shapes are unique); looked up before the
    # candidates are sought, as an identical shape is always among them
    if index.has_opening(sender, tuple(opening)):
        masked_subject = mask(strip_prefixes(parsed.subject)[0])
        same = index.same(sender, (tuple(masked_subject), tuple(opening)))
        if same is not None:
            return same, SUBJECT_WEIGHT + (1 - SUBJECT_WEIGHT)
    opening_items = frozenset(items(opening))
    candidates = index.candidates(sender, opening_items)
    if not candidates:
        return None
    return _closest(parsed, candidates, opening, opening_items, masked_subject)


def _closest(
    parsed: ParsedMessage,
    candidates: Sequence[Prepared],
    opening: list[str],
    opening_items: frozenset[Item],
    masked_subject: list[str] | None,
) -> tuple[TemplateExample, float] | None:
    """The candidate ``parsed`` (its masked ``opening``) follows best, if any (its subject
    masked here if it was not yet)."""
    mine: tuple[dict[str, int], dict[str, int]] | None = None
    best: tuple[TemplateExample, float] | None = None
    for shape in candidates:  # one per shape: corrections of a template mask alike
        if not _openings_may_match(len(opening), opening_items, shape):
            continue
        if masked_subject is None:
            masked_subject = mask(strip_prefixes(parsed.subject)[0])
        if mine is None:
            mine = counts(masked_subject), counts(opening)
        floor = max(MIN_SIMILARITY, best[1] if best else 0.0)
        score = _score(masked_subject, opening, mine, shape, floor)
        if score >= MIN_SIMILARITY and (best is None or score > best[1]):
            best = (shape.example, score)
    return best


# below the least similarity of openings that match by more than rounding can explain
_OPENING_BOUND = OPENING_FLOOR - 1e-9


def _openings_may_match(size: int, opening: frozenset[Item], shape: Prepared) -> bool:
    """Whether an opening of ``size`` tokens with these ``items`` and the shape's can be
    alike enough for a match: the subject adds ``SUBJECT_WEIGHT`` at most, so difflib's
    bounds on the openings alone must reach ``OPENING_FLOOR`` (the same bounds as
    ``_score``'s, without the subject: a cheaper test that only lets through more). The
    tokens they share as multisets are the items they share."""
    theirs = len(shape.example.opening)
    together = size + theirs
    if not together:
        return True
    if _ratio(min(size, theirs), together) < _OPENING_BOUND:
        return False
    return _ratio(len(opening & shape.items), together) >= _OPENING_BOUND


def _ratio(matches: int, length: int) -> float:
    """difflib's ratio for ``matches`` tokens matched in two sequences of ``length`` tokens
    together."""
    return 2.0 * matches / length if length else 1.0


def _score(
    subject: Sequence[str],
    opening: Sequence[str],
    mine: tuple[dict[str, int], dict[str, int]],
    shape: Prepared,
    floor: float,
) -> float:
    """The weighted similarity, or 0.0 as soon as cheap upper bounds (the sequences' lengths,
    then their shared tokens: difflib's ``real_quick_ratio`` and ``quick_ratio``, computed
    from token counts made once per mail and once per example) show it cannot reach
    ``floor``: the full comparison is quadratic in the tokens."""
    example = shape.example
    pairs = (
        (SUBJECT_WEIGHT, subject, example.subject),
        (1 - SUBJECT_WEIGHT, opening, example.opening),
    )
    compared = [
        (w, a, b, counted, theirs)
        for (w, a, b), counted, theirs in zip(pairs, mine, shape.counts, strict=True)
        if a or b
    ]
    empty = sum(w for w, a, b in pairs if not a and not b)  # two empty texts are alike
    if (
        empty + sum(w * _ratio(min(len(a), len(b)), len(a) + len(b)) for w, a, b, _, _ in compared)
        < floor
    ):
        return 0.0
    if empty + sum(w * _ratio(shared(c, t), len(a) + len(b)) for w, a, b, c, t in compared) < floor:
        return 0.0
    both = shape.against(subject, opening)
    matchers = [(w, m) for (w, a, b), m in zip(pairs, both, strict=True) if a or b]
    return empty + sum(w * m.ratio() for w, m in matchers)


def apply_templates(
    parsed: ParsedMessage,
    builtin: Classification,
    examples: Sequence[TemplateExample] | TemplateIndex,
) -> Classification:
    """The corrected label when ``parsed`` follows one of its sender's examples, else
    ``builtin`` unchanged."""
    found = match(parsed, examples)
    if found is None:
        return builtin
    example, score = found
    rules = (f"template:{example.id}", *(r for r in builtin.rules if r.startswith("tenant:")))
    return Classification(example.label, round(score, 4), rules, builtin.tags, confident=True)
