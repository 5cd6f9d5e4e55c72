"""The held-out sets (holdout_cases.py, holdout_second_cases.py) are measured, never required:
``make bench`` reports how the classifier does on them. Here only their shape is checked, so a
broken case cannot quietly drop out of the measurement."""

from __future__ import annotations

from collections import Counter

import pytest

from shared.domain.classification import LABELS
from tests.unit.domain import holdout_cases, holdout_second_cases

SETS = {
    "first": holdout_cases.CASES,
    "second": holdout_second_cases.CASES,
}
Case = tuple[str, str, str, str]


@pytest.mark.parametrize("name", SETS)
def test_every_held_out_case_is_well_formed(name: str) -> None:
    for lang, label, subject, body in SETS[name]:
        assert len(lang) == 2, lang
        assert lang.islower(), lang
        assert label in LABELS, (lang, label, subject)
        assert subject.strip(), (lang, body)
        assert body.strip(), (lang, subject)


@pytest.mark.parametrize("name", SETS)
def test_a_held_out_set_covers_every_label_and_more_languages_than_english(name: str) -> None:
    cases: list[Case] = SETS[name]
    labels = Counter(c[1] for c in cases)
    assert set(labels) == set(LABELS)
    assert all(n >= 5 for n in labels.values()), labels
    assert len({c[0] for c in cases}) >= 15


def test_no_held_out_case_is_also_a_public_one_or_in_both_sets() -> None:
    from tests.unit.domain.classification_cases import CASES as MORE
    from tests.unit.domain.public_set import PUBLIC

    public = {(c[2], c[3]) for c in PUBLIC} | {(c[1], c[2]) for c in MORE}
    first = {(c[2], c[3]) for c in holdout_cases.CASES}
    second = {(c[2], c[3]) for c in holdout_second_cases.CASES}
    assert not (first | second) & public
    assert not first & second
    assert len(second) == len(holdout_second_cases.CASES)  # no case written twice
