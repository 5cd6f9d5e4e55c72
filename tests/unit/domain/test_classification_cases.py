"""The classifier on messages written for these tests (classification_cases.py), and the
mechanisms behind the labels: terms that only look like an intent, compound phrases that
count once, prefixes, and replies whose subject or quote names an older intent."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from shared.domain.classification import classify
from shared.domain.classification.text import strip_prefixes
from shared.domain.mime import parse_message
from tests.unit.domain.classification_cases import CASES


def mail(subject: str, body: str, sender: str = "sales@hotel.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "booking@agency.example"
    msg["Subject"] = subject
    msg.set_content(body)
    return msg.as_bytes()


@pytest.mark.parametrize(("label", "subject", "body"), CASES, ids=[c[1] for c in CASES])
def test_written_cases(label: str, subject: str, body: str) -> None:
    result = classify(parse_message(mail(subject, body)))
    assert result.label == label, result.rules
    if label != "other":
        assert result.rules
        assert all(r.split("@")[0].split(".")[1] == label for r in result.rules), result.rules


def test_every_label_and_language_is_covered() -> None:
    labels = {c[0] for c in CASES}
    assert labels == {"booking", "stopsale", "opensale", "cancellation", "amendment", "other"}
    assert sum(1 for c in CASES if c[0] != "other") > 70


@pytest.mark.parametrize(
    "terms",
    [
        "Cancellation policy: free cancellation until 7 days before arrival.",
        "Ücretsiz iptal: girişten 7 gün öncesine kadar. İptal koşulları geçerlidir.",
        "Stornobedingungen: kostenlose Stornierung bis 14 Tage vor Anreise.",
        "Условия отмены: бесплатная отмена за 7 дней до заезда.",
        "To cancel or modify this reservation, use the link below.",
    ],
)
def test_cancellation_terms_in_a_booking_are_not_a_cancellation(terms: str) -> None:
    result = classify(parse_message(mail("New booking 4471", f"New booking.\n{terms}")))
    assert result.label == "booking", result.rules


@pytest.mark.parametrize(
    "phrase",
    [
        "Stop sale 01.08-10.08 is cancelled.",
        "STOP SALE IPTAL EDILMISTIR.",
        "Stop sale kaldırılmıştır.",
        "Der Verkaufsstopp ist aufgehoben.",
        "Стоп продаж снят.",
        "Снятие стоп-продажи с 15.08.",
    ],
)
def test_lifting_a_stop_sale_counts_once_as_an_open_sale(phrase: str) -> None:
    result = classify(parse_message(mail("Update", phrase)))
    assert result.label == "opensale", result.rules
    assert not any(".cancellation." in r or ".stopsale." in r for r in result.rules)


def test_open_sale_reply_with_stop_sale_subject_and_quote() -> None:
    body = (
        "Sales are open again for these dates.\n\n"
        "On Mon, 1 Aug 2025 Hotel wrote:\n> STOP SALE 01.08-10.08\n> STOP SALES ALL ROOMS\n"
    )
    result = classify(parse_message(mail("RE: STOP SALE 01.08-10.08", body)))
    assert result.label == "opensale"
    assert all("@quoted" not in r for r in result.rules)


def test_stop_sale_extension_reply_stays_a_stop_sale() -> None:
    body = "Stop sale extended till 25.08.\n\nOn Mon Hotel wrote:\n> stop sale 01.08-20.08\n"
    assert classify(parse_message(mail("RE: STOP SALE", body))).label == "stopsale"


def test_amendment_reply_quoting_a_turkish_confirmation() -> None:
    body = (
        "Merhaba, cikis tarihini 20.08 olarak degistirebilir misiniz?\n\n"
        "29 Tem 2025 Sal, 10:00 tarihinde Otel şunu yazdı:\n> Rezervasyonunuz onaylanmıştır.\n"
    )
    assert classify(parse_message(mail("YNT: Rezervasyon 771", body))).label == "amendment"


def test_quoted_words_weigh_less_than_new_ones() -> None:
    body = (
        "Please cancel booking 5521.\n\n-----Original Message-----\nFrom: Hotel\n"
        "Sent: Monday\nSubject: Stop sale\n\nStop sale 01.08-10.08, stop sale all rooms.\n"
    )
    assert classify(parse_message(mail("RE: Stop sale", body))).label == "cancellation"


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Antwort: Buchung", ("Buchung", True, False)),
        ("[EXT] RE: Stop sale", ("Stop sale", True, False)),
        ("RV: Reserva", ("Reserva", False, True)),
        ("Пересл.: Стоп продаж", ("Стоп продаж", False, True)),
        ("YNT: İLT: İptal", ("İptal", True, True)),
        ("[Ticket#12] Stop sale", ("[Ticket#12] Stop sale", False, False)),
        ("Ref: 4471 booking", ("Ref: 4471 booking", False, False)),
    ],
)
def test_reply_and_forward_prefixes(subject: str, expected: tuple[str, bool, bool]) -> None:
    assert strip_prefixes(subject) == expected
