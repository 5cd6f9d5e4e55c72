"""The built-in classifier answers exactly as the reference says (``classification_reference``):
the same label, score, rules, confidence, runner-up, margin and doubts on every mail of the
public set, the written cases, the corpus and mails generated from them — however the rules
are matched inside."""

from __future__ import annotations

import json

import pytest

from tests.unit.domain.classification_reference import REFERENCE, answer, mails

_MAILS = mails()
_REFERENCE = json.loads(REFERENCE.read_text())


def test_the_reference_covers_every_mail() -> None:
    assert set(_REFERENCE) == set(_MAILS)
    assert len(_MAILS) > 1000


@pytest.mark.parametrize("name", sorted(_MAILS))
def test_same_answer_as_the_reference(name: str) -> None:
    assert answer(_MAILS[name]) == _REFERENCE[name]
