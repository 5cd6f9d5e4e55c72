"""A text/plain part that only points at the HTML part: the message's text is the HTML's
(and is classified by it); a short plain part of its own is kept."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from shared.domain.classification import classify
from shared.domain.mime import parse_message

HTML = (
    "<html><body><h1>STOP SALE</h1><p>Dear partners, please stop selling all room types at "
    "Aqua Marine Resort from 01.08.2026 to 15.08.2026 with immediate effect. Bookings already "
    "confirmed stay valid. Thank you for your cooperation.</p><p>Contracting department</p>"
    "</body></html>"
)


def _mail(plain: str, html: str = HTML) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Contracting <contracting@aqua.example>"
    msg["Subject"] = "Important information"
    msg.set_content(plain)
    msg.add_alternative(html, subtype="html")
    return msg.as_bytes()


@pytest.mark.parametrize(
    "plain",
    [
        "To view this email, please open it in your browser.",
        "Your e-mail client cannot display HTML. View the web version: https://x.example/v/1",
        "Ihr E-Mail-Programm kann diese Nachricht nicht anzeigen. Im Browser ansehen.",
        "Bu e-postayı tarayıcınızda görüntüleyin.",
    ],
)
def test_a_plain_part_that_points_at_the_html_gives_way_to_it(plain: str) -> None:
    parsed = parse_message(_mail(plain))
    assert "stop selling all room types" in parsed.text
    assert "stop selling all room types" in parsed.new_text
    assert classify(parsed).label == "stopsale"


def test_a_short_plain_part_of_its_own_is_kept() -> None:
    parsed = parse_message(_mail("Confirmed, thank you. Booking 4411 is fine."))
    assert parsed.text.strip() == "Confirmed, thank you. Booking 4411 is fine."


def test_a_stub_beside_an_html_that_says_no_more_is_kept() -> None:
    parsed = parse_message(_mail("View this in your browser.", "<p>View this in your browser.</p>"))
    assert parsed.text.strip() == "View this in your browser."
