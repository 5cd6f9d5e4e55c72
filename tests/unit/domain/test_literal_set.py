"""Finding many literals at once gives what checking each with ``in`` gives, whatever the
text, and falls back to that when RE2 cannot answer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.classification.literal_set import LiteralSet

LITERALS = ["stop sale", "iptal", "отмена", "ä x", "ab", "b", "buchung", "neu buchung", "©"]
FINDER = LiteralSet(LITERALS)


@given(st.lists(st.sampled_from([*LITERALS, " ", "x", "ı", "\n", "a"]), max_size=30))
def test_the_same_as_checking_each(parts: list[str]) -> None:
    text = "".join(parts)
    assert FINDER.found(text) == {lit for lit in LITERALS if lit in text}


def test_none_found() -> None:
    assert FINDER.found("") == set()
    assert FINDER.found("nothing here") == set()


def test_a_text_that_does_not_encode_is_checked_one_by_one() -> None:
    assert FINDER.found("iptal \ud800 buchung") == {"iptal", "buchung", "b"}


def test_a_search_that_fails_is_checked_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    finder = LiteralSet(LITERALS)
    monkeypatch.setattr(finder, "_set", type("Failing", (), {"Match": lambda self, t: None})())
    assert finder.found("stop sale, iptal") == {"stop sale", "iptal"}
