"""The classifier's literal prefilter (speed) never hides a match: whenever a
rule's pattern matches a text, the literals it is indexed by are found in that text."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.classification import engine
from shared.domain.classification.builtin_rules import RULES
from shared.domain.classification.prefilter import required_literals
from shared.domain.classification.text import fold
from shared.domain.mime import parse_message
from tests.unit.domain.classification_cases import CASES as WRITTEN
from tests.unit.domain.language_cases import CASES as PUBLIC

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
TEXTS = [fold(f"{s}\n{b}") for _, s, b in WRITTEN] + [fold(f"{s}\n{b}") for *_, s, b in PUBLIC]
TEXTS += [fold(parse_message(p.read_bytes()).text) for p in sorted(CORPUS.glob("*.eml"))]


def test_rule_ids_are_unique() -> None:
    counts = Counter(r.id for r in RULES)
    assert [rule_id for rule_id, n in counts.items() if n > 1] == []


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"\b(buchung|reservierung)\b", ({"buchung", "reservierung"},)),
        (r"stop[\s_-]*sales?", ({"stop"}, {"sale"})),
        (r"(please|kindly)\s+(book|reserve)", ({"please", "kindly"}, {"book", "reserve"})),
        (r"a?b?", None),
        (r"(?i)stop", None),
    ],
)
def test_required_literals(pattern: str, literals: tuple[set[str], ...] | None) -> None:
    found = required_literals(pattern)
    assert (None if found is None else tuple(set(s) for s in found)) == literals


def _check(text: str) -> None:
    present = engine._present(text)
    every_language = frozenset(c.language for c in engine._COMPILED)
    possible = engine._possible(present)
    candidates = {c.rule.id for c in engine._candidates(possible, present, every_language)}
    for c in engine._COMPILED:
        if c.regex.search(text):
            assert c.rule.id in candidates, (c.rule.id, text[:80])


def test_no_rule_that_matches_is_filtered_out_on_the_written_texts() -> None:
    for text in TEXTS:
        _check(text)


@given(st.lists(st.sampled_from([w for t in TEXTS[:80] for w in t.split()]), max_size=30))
def test_no_rule_that_matches_is_filtered_out_on_shuffled_words(words: list[str]) -> None:
    _check(" ".join(words))
