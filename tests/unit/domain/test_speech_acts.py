"""The label is what the new text does: a question about an intent or a condition on it is not
that intent (and says so: not confident), a question that asks for the act is a request, and
a signature or footer full of booking links is no intent of its own."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.classification import classify
from shared.domain.classification.engine import score
from shared.domain.message import Classification
from shared.domain.mime import parse_message


def mail(subject: str, body: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Partner <res@partner.example>"
    msg["Subject"] = subject
    msg.set_content(body)
    return msg.as_bytes()


def label_of(subject: str, body: str) -> Classification:
    return classify(parse_message(mail(subject, body)))


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("August", "Dear colleague, will there be a stop sale in August? We have many requests."),
        ("Ağustos", "Merhaba, ağustos ayında stop sale olacak mı? Talepler çok."),
        ("August", "Guten Tag, gibt es im August einen Verkaufsstopp? Wir haben viele Anfragen."),
        ("Август", "Добрый день, будет ли стоп-продажа в августе? У нас много заявок."),
        ("August", "Please let us know whether the stop sale for August is still valid."),
    ],
)
def test_a_question_about_a_stop_sale_is_not_a_stop_sale(subject: str, body: str) -> None:
    result = label_of(subject, body)
    assert result.label != "stopsale", result.rules
    assert not result.confident
    assert "question" in result.doubts


@pytest.mark.parametrize(
    "body",
    [
        "Please confirm booking 4471 for Mr Smith, 12-19 July. If not confirmed by Friday we"
        " will cancel the request.",
        "Lütfen 4471 nolu rezervasyonu onaylayınız. Cuma gününe kadar onaylanmazsa iptal edeceğiz.",
        "Bitte bestätigen Sie die Buchung 4471. Falls wir bis Freitag keine Bestätigung"
        " haben, stornieren wir.",
        "Просим подтвердить бронирование 4471. Если не будет подтверждения до пятницы, мы"
        " отменим заявку.",
    ],
)
def test_a_conditional_cancellation_in_a_booking_request_is_still_a_booking(body: str) -> None:
    result = label_of("Booking request 4471", body)
    assert result.label == "booking", result.rules
    assert "conditional" in result.doubts
    assert not result.confident


@pytest.mark.parametrize(
    "body",
    [
        "Could you please cancel booking 4471 for Mr Smith?",
        "4471 nolu rezervasyonu iptal edebilir misiniz?",
        "Können Sie bitte die Buchung 4471 stornieren?",
    ],
)
def test_a_question_that_asks_for_the_act_is_a_request(body: str) -> None:
    assert label_of("4471", body).label == "cancellation"


def test_the_footer_of_a_booking_engine_is_no_intent() -> None:
    body = (
        "New booking received: 2 adults, DBL SV, 12-19 July, AI.\n"
        "Guest: Smith John\n\nKind regards\nAnna Weber\nFront office, Hotel Sunset\n"
        "Cancel or stop sale requests: +90 242 000 00 00\n\n"
        "View booking | Cancel booking | Modify booking | Stop sell\n"
        "This email was sent by ResEngine on behalf of Hotel Sunset."
    )
    result = label_of("New booking 4471", body)
    assert (result.label, result.confident) == ("booking", True), result
    points = score(parse_message(mail("New booking 4471", body))).points
    assert max(points.get(label, 0.0) for label in ("cancellation", "stopsale", "amendment")) < 1


def test_a_newsletter_footer_still_names_the_genre() -> None:
    body = (
        "Discover our new summer packages and boost your direct bookings with our platform.\n\n"
        "You are receiving this email because you subscribed. Unsubscribe | Preferences"
    )
    assert label_of("Summer news", body).label == "other"


def test_a_stop_sale_and_an_open_sale_without_a_lift_are_never_confident() -> None:
    body = "Stop sale for the Family rooms 01.08-10.08. Sales are open again for DBL rooms."
    result = label_of("Availability", body)
    assert not result.confident
    assert "stopsale_and_opensale" in result.doubts
    assert result.runner_up in ("stopsale", "opensale")


def test_a_lifted_stop_sale_is_a_confident_open_sale() -> None:
    result = label_of("Stop sale lifted", "The stop sale of 01.08-10.08 is lifted.")
    assert (result.label, result.confident) == ("opensale", True), result


@pytest.mark.parametrize("prefix", ["YNT:", "İLT:", "FW:", "AW:", "Re:", "RV:", "TR:", "Ynt:"])
def test_a_thread_prefix_glued_to_an_encoded_word_makes_the_subject_the_threads(
    prefix: str,
) -> None:
    """The subject of a reply or forward names the older mail's intent: when the new text
    speaks, it decides, whatever prefix (glued to an encoded word or not) the client wrote."""
    import base64

    encoded = base64.b64encode("Stop sale Ağustos".encode()).decode()
    raw = (
        f"From: Partner <res@partner.example>\r\nSubject: {prefix}=?utf-8?B?{encoded}?=\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "The stop sale is lifted, all rooms are open for sale again from 11.08.\r\n"
    ).encode()
    result = classify(parse_message(raw))
    assert result.label == "opensale", result.rules
    assert not any(r.endswith("@subject") and ".stopsale." in r for r in result.rules)


def test_a_signature_after_the_sign_off_is_no_intent() -> None:
    body = (
        "Dear colleagues,\nplease book 2 DBL rooms for the Novak family, 12-19 July, HB.\n\n"
        "Best regards\nAnna Novak\nStop Sale & Cancellation Desk, Sunline Tours\n"
        "Amendments: amend@sunline.example | Cancellations: cxl@sunline.example"
    )
    result = label_of("Booking request Novak", body)
    assert (result.label, result.confident) == ("booking", True), result


def _sentence_start_by_character(text: str, start: int) -> int:
    """The sentence start as first written: character by character, backwards."""
    i, low = start - 1, max(0, start - 300)
    while i >= low:
        ch = text[i]
        if ch in "!?\n" or (
            ch == "."
            and not (0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit())
        ):
            return i + 1
        i -= 1
    return low


@settings(max_examples=500)
@given(st.text(alphabet="ab 1.!?\n", max_size=400), st.data())
def test_the_sentence_start_is_found_as_character_by_character(text: str, data: Any) -> None:
    from shared.domain.classification.speech_acts import MAX_SENTENCE, _sentence_start

    assert MAX_SENTENCE == 300
    start = data.draw(st.integers(0, len(text)))
    assert _sentence_start(text, start) == _sentence_start_by_character(text, start)
