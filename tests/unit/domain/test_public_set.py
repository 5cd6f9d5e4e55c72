"""The public labelled set's shape: big enough, every label in every source-market language,
the classes of mail the classifier has to tell apart, no case twice."""

from __future__ import annotations

from collections import Counter

from shared.domain.classification import LABELS
from tests.unit.domain.public_set import NOTIFICATIONS, PUBLIC, TALK

SOURCE_MARKETS = {
    "en", "tr", "de", "ru", "uk", "pl", "cs", "nl", "sv", "da", "no", "fr", "it", "ar", "fa",
    "he", "ro", "el", "bg", "sr", "hu", "kk",
}  # fmt: skip


def test_the_public_set_is_big_and_has_no_case_twice() -> None:
    assert len(PUBLIC) >= 400
    texts = Counter((c[2], c[3]) for c in PUBLIC)
    assert [t for t, n in texts.items() if n > 1] == []


def test_every_case_is_well_formed() -> None:
    for lang, label, subject, body in PUBLIC:
        assert lang in SOURCE_MARKETS, lang
        assert label in LABELS, (lang, label, subject)
        assert subject.strip(), (lang, body)
        assert body.strip(), (lang, subject)


def test_machine_notifications_and_talk_about_bookings_are_well_represented() -> None:
    assert len(NOTIFICATIONS) >= 60
    assert {c[1] for c in NOTIFICATIONS} == set(LABELS)
    assert len(TALK) >= 60
    assert {c[1] for c in TALK} == {"other"}


def test_every_source_market_language_has_cases() -> None:
    assert {c[0] for c in PUBLIC} == SOURCE_MARKETS
    weak = {lang for lang, n in Counter(c[0] for c in PUBLIC).items() if n < 3}
    assert weak == set()
