"""``classification.confident`` in the event: carried as the classifier said,
valid against the schema, and the schema still accepts events written before it existed."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

import jsonschema
import pytest

from shared.domain.classification import classify
from shared.domain.event import Origin, build_event, build_unparseable_event, event_schema
from shared.domain.mime import parse_message
from shared.domain.models import Mailbox, Provider, TlsMode
from shared.ids import MailboxId, TenantId

MAILBOX = Mailbox(
    tenant_id=TenantId("acme"),
    id=MailboxId("booking"),
    provider=Provider.IMAP,
    address="booking@acme.example",
    host="127.0.0.1",
    tls=TlsMode.PLAIN,
    secret_ref="x",
)
ORIGIN = Origin(MAILBOX, "1", "ev-1", datetime(2026, 3, 2, tzinfo=UTC), None, 10)


def mail(subject: str, body: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "res@hotel.example"
    msg["Subject"] = subject
    msg.set_content(body)
    return msg.as_bytes()


@pytest.mark.parametrize(
    ("subject", "body", "confident"),
    [
        ("STOP SALE 01.08-10.08", "Stop sale for all rooms 01.08-10.08.", True),
        ("Lunch?", "Shall we meet at noon?", False),
        ("Booking 4471", "Booking 4471: rooming list, stop sale?", False),
    ],
)
def test_the_event_carries_confident_and_validates(
    subject: str, body: str, confident: bool
) -> None:
    parsed = parse_message(mail(subject, body))
    event = build_event(ORIGIN, parsed, classify(parsed), inline_body_max_chars=1000)
    jsonschema.validate(event, event_schema())
    assert event["classification"]["confident"] is confident


def test_unparseable_events_are_not_confident_and_older_events_still_validate() -> None:
    event = build_unparseable_event(ORIGIN, "empty message")
    jsonschema.validate(event, event_schema())
    assert event["classification"]["confident"] is False
    del event["classification"]["confident"]  # an event written before the field existed
    jsonschema.validate(event, event_schema())


def test_a_mail_not_confident_says_why_in_the_event() -> None:
    parsed = parse_message(mail("August", "Will there be a stop sale in August? Booking 4471."))
    event = build_event(ORIGIN, parsed, classify(parsed), inline_body_max_chars=1000)
    jsonschema.validate(event, event_schema())
    c = event["classification"]
    assert c["confident"] is False
    assert "question" in c["doubts"]
    assert "margin" in c
    assert isinstance(c["margin"], float)
    both = parse_message(mail("Rooms", "Stop sale for Family rooms. Sales are open again for DBL."))
    event = build_event(ORIGIN, both, classify(both), inline_body_max_chars=1000)
    jsonschema.validate(event, event_schema())
    assert event["classification"]["runner_up"] in ("stopsale", "opensale")
    assert "stopsale_and_opensale" in event["classification"]["doubts"]


def test_a_confident_event_carries_no_runner_up() -> None:
    parsed = parse_message(mail("STOP SALE 01.08-10.08", "Stop sale for all rooms 01.08-10.08."))
    event = build_event(ORIGIN, parsed, classify(parsed), inline_body_max_chars=1000)
    assert event["classification"]["confident"] is True
    assert {"runner_up", "margin", "doubts"}.isdisjoint(event["classification"])
