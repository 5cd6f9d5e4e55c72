"""The rest of the public labelled set (public_set.py beyond language_cases.py, which
test_language_cases.py runs): machine notifications, 'other' mail that talks about bookings,
and what the new text does however it is said — each labelled right and explained by rules
of its label."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from shared.domain.classification import classify
from shared.domain.mime import parse_message
from tests.unit.domain import notification_cases, speech_cases, talk_cases

CASES = [*notification_cases.CASES, *talk_cases.CASES, *speech_cases.CASES]


def mail(subject: str, body: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Reservations <res@partner.example>"
    msg["To"] = "ops@agency.example"
    msg["Subject"] = subject
    msg.set_content(body)
    return msg.as_bytes()


@pytest.mark.parametrize(
    ("lang", "label", "subject", "body"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES]
)
def test_public_case(lang: str, label: str, subject: str, body: str) -> None:
    result = classify(parse_message(mail(subject, body)))
    assert result.label == label, (lang, result.rules, result.doubts)
    if label != "other":
        assert result.rules
        assert all(r.split("@")[0].split(".")[1] == label for r in result.rules), result.rules
