"""The held-out set (holdout_cases.py) is measured, never required: ``make bench`` reports how
the classifier does on it. Here only its shape is checked, so a broken case cannot quietly
drop out of the measurement."""

from __future__ import annotations

from collections import Counter

from shared.domain.classification import LABELS
from tests.unit.domain.holdout_cases import CASES


def test_every_held_out_case_is_well_formed() -> None:
    for lang, label, subject, body in CASES:
        assert len(lang) == 2, lang
        assert lang.islower(), lang
        assert label in LABELS, (lang, label, subject)
        assert subject.strip(), (lang, body)
        assert body.strip(), (lang, subject)


def test_the_held_out_set_covers_every_label_and_more_languages_than_english() -> None:
    labels = Counter(c[1] for c in CASES)
    assert set(labels) == set(LABELS)
    assert all(n >= 5 for n in labels.values()), labels
    assert len({c[0] for c in CASES}) >= 15


def test_no_held_out_case_is_also_a_public_one() -> None:
    from tests.unit.domain.classification_cases import CASES as MORE
    from tests.unit.domain.public_set import PUBLIC

    public = {(c[2], c[3]) for c in PUBLIC} | {(c[1], c[2]) for c in MORE}
    assert not [c for c in CASES if (c[2], c[3]) in public]
