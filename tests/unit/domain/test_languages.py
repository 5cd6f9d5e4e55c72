"""Per-language data: each source-market language has its phrases for every
operational label, its negations and lift words, and its mail clients' reply / forward
prefixes and auto-reply phrases; the engine's scopes (negation, lift, new text first, genre)
and ``confident`` work the same in every language."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from shared.domain.classification import classify
from shared.domain.classification.builtin_rules import LANGUAGES
from shared.domain.classification.engine import OPERATIONAL
from shared.domain.classification.languages import lift_rules
from shared.domain.classification.text import strip_prefixes
from shared.domain.mime import parse_message

SOURCE_MARKETS = (
    *("en", "tr", "de", "ru", "uk", "pl", "cs", "nl", "nordic", "fr", "it", "ar", "fa"),
    *("he", "ro", "el", "bg", "sr", "hu", "kk"),
)


def mail(subject: str, body: str, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Partner <res@partner.example>"
    msg["To"] = "ops@agency.example"
    msg["Subject"] = subject
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


@pytest.mark.parametrize("code", SOURCE_MARKETS)
def test_every_language_has_phrases_for_every_label_and_its_scopes(code: str) -> None:
    lang = next(lang for lang in LANGUAGES if lang.code == code)
    labels = {r.label for r in lang.rules}
    assert set(OPERATIONAL) <= labels | {"opensale"}  # opensale may come from the lift rule
    assert lang.negations
    assert lift_rules(lang)
    assert all(r.id.startswith(f"{code}.{r.label}.") for r in lang.rules)


@pytest.mark.parametrize(
    ("subject", "reply", "forward"),
    [
        ("Odp: Rezerwacja 8841", True, False),
        ("PD: Rezerwacja 8841", False, True),
        ("Відп: Бронювання", True, False),
        ("Antw: Boeking", True, False),
        ("SV: Bokning", True, False),
        ("VB: Bokning", False, True),
        ("TR: Réservation", False, True),
        ("RÉP: Réservation", True, False),
        ("R: Prenotazione", True, False),
        ("I: Prenotazione", False, True),
        ("رد: حجز", True, False),
        ("پاسخ: رزرو", True, False),
        ("YNT: İLT: Rezervasyon", True, True),
        ("[EXTERNAL] AW: WG: Buchung", True, True),
    ],
)
def test_reply_and_forward_prefixes_of_every_language(
    subject: str, reply: bool, forward: bool
) -> None:
    stripped, was_reply, was_forward = strip_prefixes(subject)
    assert (was_reply, was_forward) == (reply, forward)
    assert ":" not in stripped


@pytest.mark.parametrize(
    "subject",
    [
        "Automatyczna odpowiedź: Rezerwacja",
        "Автовідповідь: Бронювання",
        "Automatická odpověď: Rezervace",
        "Automatisch antwoord: Boeking",
        "Automatiskt svar: Bokning",
        "Réponse automatique : Réservation",
        "Risposta automatica: Prenotazione",
        "رد تلقائي: حجز",
        "پاسخ خودکار: رزرو",
        "Otomatik yanıt: Rezervasyon",
    ],
)
def test_auto_reply_subjects_of_every_language(subject: str) -> None:
    parsed = parse_message(mail(subject, "Stop sale 01.08-10.08."))
    assert parsed.is_auto_reply
    assert classify(parsed).rules == ("flag.auto_reply",)


@pytest.mark.parametrize(
    "body",
    [
        "I am out of the office until 10 March. New bookings: res@agency.example.",
        "Jestem poza biurem do 10.03.",
        "Ich bin bis 10.03. nicht im Büro.",
        "Je suis absent jusqu'au 10 mars.",
    ],
)
def test_auto_reply_bodies_without_headers_are_auto_replies(body: str) -> None:
    assert parse_message(mail("Re: Booking 4471", body)).is_auto_reply


def test_a_long_mail_that_mentions_leave_is_not_an_auto_reply() -> None:
    body = (
        "Please book 2 ADL DBL 12-19 Jul.\n" + "Details follow.\n" * 60 + "I am on leave next week."
    )
    assert not parse_message(mail("New booking", body)).is_auto_reply


@pytest.mark.parametrize(
    ("subject", "body", "label"),
    [
        ("Booking 4471", "Booking 4471 is not cancelled.", "booking"),
        ("Buchung 4471", "Die Buchung 4471 wurde nicht storniert.", "booking"),
        ("Buchung 4471", "Wir stornieren nicht.", "other"),
        ("Бронирование 4471", "Бронирование не отменено.", "booking"),
        ("Rezerwacja 4471", "Rezerwacja nie została anulowana.", "booking"),
        ("Booking No. 4471 cancelled", "Booking No. 4471 cancelled.", "cancellation"),
    ],
)
def test_negation_scope(subject: str, body: str, label: str) -> None:
    assert classify(parse_message(mail(subject, body))).label == label


@pytest.mark.parametrize(
    "body",
    [
        "The stop sale for 01.08-10.08 has been lifted.",
        "Aufhebung des Verkaufsstopps ab 05.08.",
        "Stop sprzedaży zniesiony od 05.08.",
        "Стоп-продаж знято з 05.08.",
        "Stop prodej zrušen od 5.8.",
        "Stop sale opgeheven vanaf 5 augustus.",
        "Salgsstopp opphevet fra 5. august.",
        "Levée du stop sale à partir du 5 août.",
        "Revoca dello stop sale dal 5 agosto.",
        "رفع وقف البيع من 5 أغسطس.",
        "رفع توقف فروش از 5 آگوست.",
    ],
)
def test_a_stop_sale_inside_a_lift_is_an_open_sale_in_every_language(body: str) -> None:
    result = classify(parse_message(mail("Info 05.08", body)))
    assert result.label == "opensale", result.rules
    assert any(".opensale." in r for r in result.rules)


def test_confident_when_clear_and_not_when_close_or_weak() -> None:
    clear = classify(parse_message(mail("STOP SALE 01.08-10.08", "Stop sale all rooms.")))
    assert clear.confident
    close = classify(parse_message(mail("Booking 4471", "Booking 4471: rooming list, stop sale?")))
    assert close.label in ("stopsale", "booking")
    assert not close.confident
    nothing = classify(parse_message(mail("Lunch?", "Shall we meet at noon?")))
    assert (nothing.label, nothing.confident) == ("other", False)
    auto = classify(parse_message(mail("Out of office", "Back on Monday.")))
    assert auto.confident


def test_a_bed_bank_or_channel_manager_sender_tips_a_terse_mail_to_booking() -> None:
    def parsed(sender: str) -> bytes:
        msg = EmailMessage()
        msg["From"] = sender
        msg["Subject"] = "Ref 55120"
        msg.set_content("Hotel Aydın, 2 ADL, 14-21.07, reservation.")
        return msg.as_bytes()

    plain = classify(parse_message(parsed("Someone <someone@example.org>")))
    bedbank = classify(parse_message(parsed("Hotelbeds <noreply@hotelbeds.com>")))
    assert plain.label == "other"
    assert bedbank.label == "booking"
    assert "any.booking.sender_bed_bank_or_channel_manager@sender" in bedbank.rules
