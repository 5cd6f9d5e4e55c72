"""Negation scope, the same in every language (the words come from ``languages``): an intent
word is negated when a negation stands at most two words before it ("not cancelled", "nie
została anulowana", "не отменено", "n'est pas annulée") or, in the languages that put it
after the verb, right after it ("wir stornieren nicht", "we annuleren niet").

A number or punctuation ends the scope: "No. 4471 cancelled" is a cancellation, "No, it is
cancelled" too. Words are compared, not searched: a few set look-ups per intent word.
"""

from __future__ import annotations

from shared.domain.classification.builtin_rules import NEGATIONS, NEGATIONS_AFTER

WINDOW = 40  # characters looked at on either side of an intent word
WORDS_BEFORE = 3  # the negation and at most two words between it and the intent word
_PUNCTUATION = ",.;:!?()[]\"'«»„“”-–—/"
_STEMS = tuple(n[: -len("\\w*")] for n in NEGATIONS if n.endswith("\\w*"))
_EXACT = frozenset(n for n in NEGATIONS if not n.endswith("\\w*"))
_AFTER = frozenset(NEGATIONS_AFTER)
# the pronoun a V2 language may put between the verb and its negation
_PRONOUNS = frozenset({"wir", "wij", "we", "vi", "sie", "ihn", "es", "die", "het", "ich", "ik"})


def _is_negation(word: str) -> bool:
    return word in _EXACT or word.endswith("n't") or (bool(_STEMS) and word.startswith(_STEMS))


def negated_before(text: str, start: int) -> bool:
    """A negation within ``WORDS_BEFORE`` words before ``text[start:]``."""
    window = text[max(0, start - WINDOW) : start]
    if window and not window[-1].isspace():
        return False  # the intent word is the end of a longer word
    for word in reversed(window.split()[-WORDS_BEFORE:]):
        if word[-1] in _PUNCTUATION:
            return False  # "No, cancelled": the scope ends at the punctuation
        if _is_negation(word):
            return True
        if not word.isalpha():
            return False  # a number ends the scope: "No. 4471 cancelled"
    return False


def negated_after(text: str, end: int) -> bool:
    """A V2 negation right after the intent word ending at ``end`` (a pronoun between)."""
    if not _AFTER:
        return False
    window = text[end : end + WINDOW]
    words = window.split()
    if window and not window[0].isspace():
        words = words[1:]  # the rest of the intent word itself
    for word in words[:2]:
        bare = word.strip(_PUNCTUATION)
        if bare in _AFTER:
            return True
        if bare not in _PRONOUNS or bare != word:
            return False
    return False
