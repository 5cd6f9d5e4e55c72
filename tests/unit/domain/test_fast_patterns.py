"""The built-in rules run in a form the regex engine scans fast (a leading word boundary
moved behind the first letter): it matches exactly what the rule as written matches."""

from __future__ import annotations

import re

import pytest

from shared.domain.classification.builtin_rules import RULES
from shared.domain.classification.fast_patterns import fast_form
from shared.domain.classification.text import fold
from tests.unit.domain.public_set import PUBLIC

TEXTS = [fold(f"{subject}\n{body}") for _, _, subject, body in PUBLIC]
EDGES = ["stop sale", "astop sale", "1stop sale", "_stop sale", "(stop sale", "é stop", "buchung"]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\b(buchung|reservierung)\b", r"(b(?<!\w.)uchung|r(?<!\w.)eservierung)\b"),
        (r"\bstop[\s_-]*sales?\b|\bclose", r"s(?<!\w.)top[\s_-]*sales?\b|c(?<!\w.)lose"),
        (r"\bs?top", r"\bs?top"),  # a quantified first letter: left as written
        (r"\b(a|b)c", r"\b(a|b)c"),
        (r"\b(?:ab|cd)?x", r"\b(?:ab|cd)?x"),
        (r"x|\b[ab]c", r"x|\b[ab]c"),
    ],
)
def test_the_fast_form(pattern: str, expected: str) -> None:
    assert fast_form(pattern) == expected


def test_every_rule_matches_the_same_in_its_fast_form() -> None:
    rewritten = 0
    for rule in RULES:
        fast = fast_form(rule.pattern)
        rewritten += fast != rule.pattern
        written, quick = re.compile(rule.pattern), re.compile(fast)
        for text in [*TEXTS, *EDGES, *(f"x{t}" for t in TEXTS[:40])]:
            assert [m.span() for m in written.finditer(text)] == [
                m.span() for m in quick.finditer(text)
            ], (rule.id, text[:60])
    assert rewritten > 50


def test_every_speech_act_word_matches_the_same_in_its_fast_form() -> None:
    from shared.domain.classification.fast_patterns import fast_word_start
    from shared.domain.classification.languages import LANGUAGES

    words = {
        w
        for lang in LANGUAGES
        for kind in ("conditionals", "requests", "questions")
        for w in getattr(lang, kind)
        if not w.startswith("^")
    }
    rewritten = 0
    for word in sorted(words):
        fast = fast_word_start(word)
        rewritten += not fast.startswith("(?<!")
        written, quick = re.compile(rf"(?<!\w){word}(?!\w)"), re.compile(rf"{fast}(?!\w)")
        for text in [*TEXTS[:200], *EDGES, "can you", "scan you", "x(can you"]:
            assert [m.span() for m in written.finditer(text)] == [
                m.span() for m in quick.finditer(text)
            ], (word, text[:60])
    assert rewritten > 50
