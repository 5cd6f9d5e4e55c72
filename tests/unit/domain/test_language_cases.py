"""The public labelled set (public_set.py): every case labelled right, explained by rules of
its own label — per language every label (language_cases.py), machine notifications, 'other'
mail that talks about bookings, and what the new text does however it is said."""

from __future__ import annotations

from collections import Counter
from email.message import EmailMessage

import pytest

from shared.domain.classification import LABELS, classify
from shared.domain.mime import parse_message
from tests.unit.domain.language_cases import CASES
from tests.unit.domain.public_set import PUBLIC


def mail(subject: str, body: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Reservations <res@partner.example>"
    msg["To"] = "ops@agency.example"
    msg["Subject"] = subject
    msg.set_content(body)
    return msg.as_bytes()


@pytest.mark.parametrize(
    ("lang", "label", "subject", "body"), PUBLIC, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in PUBLIC]
)
def test_public_case(lang: str, label: str, subject: str, body: str) -> None:
    result = classify(parse_message(mail(subject, body)))
    assert result.label == label, (lang, result.rules, result.doubts)
    if label != "other":
        assert result.rules  # every operational label says why
        assert all(r.split("@")[0].split(".")[1] == label for r in result.rules), result.rules


def test_the_public_set_covers_the_languages_and_classes() -> None:
    assert len(CASES) >= 150
    languages = Counter(c[0] for c in CASES)
    expected = {
        "en",
        "tr",
        "de",
        "ru",
        "uk",
        "pl",
        "cs",
        "nl",
        "sv",
        "da",
        "no",
        "fr",
        "it",
        "ar",
        "fa",
    }
    assert set(languages) == expected
    assert {c[1] for c in CASES} == set(LABELS)
