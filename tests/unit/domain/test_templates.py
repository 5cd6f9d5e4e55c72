"""Template matching that learns from corrections (issue 13, item 3), the domain part: a
correction becomes an example; later mails of the same sender that follow it get its label,
explained as template:<id>; other senders and other templates keep their own label."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from shared.domain.classification import classify
from shared.domain.classification.templates import (
    MAX_EXAMPLES,
    TemplateExample,
    mask,
    remember,
)
from shared.domain.message import ParsedMessage
from shared.domain.mime import parse_message

T0 = datetime(2026, 3, 2, tzinfo=UTC)
SENDER = "Allotment Desk <allot@partner.example>"


def parsed(subject: str, body: str, sender: str = SENDER) -> ParsedMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["Subject"] = subject
    msg.set_content(body)
    return parse_message(msg.as_bytes())


def report(ref: str, name: str, date: str) -> ParsedMessage:
    # a partner's daily report the built-in rules read as a booking (it lists bookings)
    return parsed(
        f"Daily allotment report {ref}",
        f"Allotment usage for {date}.\nBooking confirmed: Mr {name}, ref {ref}.\n"
        "Total rooms used: 14/20.",
    )


def test_masking_keeps_the_template_and_drops_what_varies() -> None:
    a = mask("Booking 4471 for Mr John Smith on 12.08.2026, contact js@x.example")
    b = mask("Booking 9912 for Mr Anna Lee on 03.09.2026, contact al@y.example")
    assert a == b
    assert "#" in a
    assert "@" in a


def test_a_correction_labels_later_mails_of_the_same_template() -> None:
    first = report("55120", "Smith", "12.08.2026")
    assert classify(first).label == "booking"
    example = TemplateExample.from_correction(
        "ex1", first, "other", created_at=T0, created_by="ops@agency.example"
    )
    later = report("77312", "Kowalski", "19.09.2026")
    result = classify(later, templates=[example])
    assert result.label == "other"
    assert result.rules[0] == "template:ex1"
    assert result.confident


def test_other_senders_and_other_mails_keep_their_labels() -> None:
    example = TemplateExample.from_correction(
        "ex1", report("55120", "Smith", "12.08.2026"), "other", created_at=T0, created_by="ops"
    )
    other_sender = parsed(
        "Daily allotment report 77312",
        "Allotment usage for 19.09.2026.\nBooking confirmed: Mr Lee, ref 77312.\n"
        "Total rooms used: 14/20.",
        sender="someone@else.example",
    )
    assert classify(other_sender, templates=[example]).label == "booking"
    different = parsed("STOP SALE 01.08-10.08", "Stop sale for all rooms from 01.08 to 10.08.")
    assert classify(different, templates=[example]).label == "stopsale"


def test_examples_are_bounded_and_replaced_by_id() -> None:
    base = report("55120", "Smith", "12.08.2026")
    examples: tuple[TemplateExample, ...] = ()
    for i in range(MAX_EXAMPLES + 5):
        ex = TemplateExample.from_correction(
            f"ex{i}", base, "other", created_at=T0 + timedelta(minutes=i), created_by="ops"
        )
        examples = remember(examples, ex)
    assert len(examples) == MAX_EXAMPLES
    assert examples[0].id == "ex5"
    edited = TemplateExample.from_correction(
        "ex5", base, "booking", created_at=T0 + timedelta(days=1), created_by="ops"
    )
    examples = remember(examples, edited)
    assert len(examples) == MAX_EXAMPLES
    assert [e.label for e in examples if e.id == "ex5"] == ["booking"]
