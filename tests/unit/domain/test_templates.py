"""Template matching that learns from corrections, the domain part: a
correction becomes an example; later mails of the same sender that follow it get its label,
explained as template:<id>; other senders and other templates keep their own label."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from difflib import SequenceMatcher
from email.message import EmailMessage

from hypothesis import given
from hypothesis import strategies as st

from shared.domain.classification import classify, template_example, templates
from shared.domain.classification.template_index import counts, items, shared
from shared.domain.classification.templates import (
    MAX_EXAMPLES,
    MIN_SIMILARITY,
    OPENING_CHARS,
    SUBJECT_WEIGHT,
    TemplateExample,
    mask,
    match,
    remember,
)
from shared.domain.classification.text import fold, strip_prefixes
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


def _reference_mask(text: str) -> list[str]:
    """The masking as first written (examples stored then must still match)."""
    text = re.sub(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", " @ ", fold(text))
    text = re.sub(r"\S*\d\S*", " # ", text)
    text = template_example._NAME.sub(lambda m: f"{m.group(1)} ~ ", text)
    return template_example._TOKEN.findall(text)


_PIECES = st.sampled_from(
    [
        "Mr",
        "Herr",
        "ref",
        "HB-55120",
        "12.08.2026",
        "js@x.example",
        "a@b",
        "@",
        "٣",
        "x1y",
        "Smith",
        " ",
        "  ",
        "\n",
        ".",
        "-",
        "é",
        "İ",
        "ß",
        "name:",
        "1",
        "a.b@c.d",
    ]
)


@given(st.lists(_PIECES, max_size=40).map("".join))
def test_masking_is_what_it_was_when_examples_were_stored(text: str) -> None:
    assert mask(text) == _reference_mask(text)


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


def _reference_match(
    message: ParsedMessage, examples: list[TemplateExample]
) -> tuple[str, float] | None:
    """The plain definition: every example of the sender compared in full."""

    def similarity(a: Sequence[str], b: Sequence[str]) -> float:
        if not a and not b:
            return 1.0
        return SequenceMatcher(None, a, b, autojunk=False).ratio()

    sender = message.from_.address.lower() if message.from_ else ""
    subject = mask(strip_prefixes(message.subject)[0])
    opening = mask((message.new_text or message.text)[:OPENING_CHARS])
    best: tuple[str, float] | None = None
    for e in examples:
        if e.sender != sender:
            continue
        score = SUBJECT_WEIGHT * similarity(subject, e.subject) + (1 - SUBJECT_WEIGHT) * similarity(
            opening, e.opening
        )
        if score >= MIN_SIMILARITY and (best is None or score > best[1]):
            best = (e.id, score)
    return best


_WORDS = st.sampled_from(["allotment", "report", "booking", "confirmed", "rooms", "for", "ref"])
_TEXT = st.lists(st.one_of(_WORDS, st.integers(0, 99999).map(str)), max_size=30).map(" ".join)


@given(texts=st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=12), data=st.data())
def test_the_cheap_bounds_never_change_which_example_matches(
    texts: list[tuple[str, str]], data: st.DataObject
) -> None:
    # one of the examples' own texts with a word more now and then: close calls are common
    query = data.draw(
        st.one_of(
            st.tuples(_TEXT, _TEXT),
            st.tuples(st.sampled_from(texts), _WORDS).map(
                lambda t: (t[0][0], t[0][1] + " " + t[1])
            ),
        )
    )
    examples = [
        TemplateExample.from_correction(
            f"ex{i}",
            parsed(subject, body),
            "other",
            created_at=T0 + timedelta(minutes=i),
            created_by="ops",
        )
        for i, (subject, body) in enumerate(texts)
    ]
    examples += examples[:2]  # repeated shapes are scored once
    message = parsed(*query)
    found = match(message, examples)
    expected = _reference_match(message, examples)
    assert (found[0].id, found[1]) == expected if found else expected is None


def test_a_sender_with_hundreds_of_examples_still_matches_the_best_one() -> None:
    examples = [
        TemplateExample.from_correction(
            f"ex{i}",
            parsed(f"Allotment report {'abcdefghij'[i % 10]}", f"Rooms used {i} {'xyz' * (i % 7)}"),
            "other",
            created_at=T0 + timedelta(minutes=i),
            created_by="ops",
        )
        for i in range(300)
    ]
    examples.append(
        TemplateExample.from_correction(
            "exact",
            report("55120", "Smith", "12.08.2026"),
            "cancellation",
            created_at=T0,
            created_by="ops",
        )
    )
    found = match(report("90001", "Lee", "01.01.2027"), examples)
    assert found is not None
    assert (found[0].id, found[0].label, found[1]) == ("exact", "cancellation", 1.0)


_TOKENS = st.lists(st.sampled_from(["a", "b", "c", "#", "~", "booking"]), max_size=12)


@given(_TOKENS, _TOKENS)
def test_the_bounds_from_token_counts_are_difflibs(a: list[str], b: list[str]) -> None:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    together = len(a) + len(b)
    assert templates._ratio(min(len(a), len(b)), together) == matcher.real_quick_ratio()
    assert templates._ratio(shared(counts(a), counts(b)), together) == matcher.quick_ratio()


@given(_TOKENS, _TOKENS)
def test_the_items_two_openings_share_are_the_tokens_they_share(a: list[str], b: list[str]) -> None:
    assert len(frozenset(items(a)) & frozenset(items(b))) == shared(counts(a), counts(b))
