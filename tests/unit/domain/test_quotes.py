"""``new_text``: what a reply says above its quoted history, for the reply headers that
mail clients write in English, German, Turkish and Russian."""

from __future__ import annotations

import pytest

from shared.domain.mime.quotes import new_text


@pytest.mark.parametrize(
    "header",
    [
        "On Mon, Jul 28, 2025 at 10:00 AM Hotel <s@h.example> wrote:",
        "Am 28.07.2025 um 10:00 schrieb Hotel Sales <s@h.example>:",
        "Otel <s@h.example>, 28 Tem 2025 Pzt, 10:00 tarihinde şunu yazdı:",
        "пн, 28 июл. 2025 г. в 10:00, Отель <sales@hotel.example>:",
        "28.07.2025 10:00, Отель пишет:",
        "-----Original Message-----",
        "----- Orijinal Mesaj -----",
        "From: Hotel\nSent: Monday, July 28, 2025 10:00",
        "Kimden: Otel\nGönderildi: 28 Temmuz 2025 Pazartesi 10:00",
    ],
)
def test_reply_headers_cut_the_history(header: str) -> None:
    text = f"Please cancel booking 5521.\n\n{header}\nSubject: Stop sale\n> STOP SALE 01.08\n"
    assert new_text(text, is_forward=False) == "Please cancel booking 5521."


def test_a_line_with_a_year_and_an_address_is_not_a_reply_header_by_itself() -> None:
    text = "Booking for 2025 dates, contact <a@b.example>:\nline two"
    assert new_text(text, is_forward=False) == text


def test_quoted_lines_are_dropped_and_forwards_keep_their_content() -> None:
    assert new_text("> old\nnew\n> older", is_forward=False) == "new"
    forwarded = "FYI\n\nFrom: Hotel\nSent: Monday\nSubject: Booking\n\nBooking confirmed."
    assert "Booking confirmed." in new_text(forwarded, is_forward=True)


@pytest.mark.parametrize(
    "header",
    [
        "W dniu 28.07.2025 o 10:00, Hotel <s@h.example> pisze:",
        "Hotel <s@h.example> napisał(a):",
        "Dne 28. 7. 2025 v 10:00 Hotel <s@h.example> napsal(a):",
        "Op ma 28 jul. 2025 om 10:00 schreef Hotel <s@h.example>:",
        "Den 28 juli 2025 kl. 10:00 skrev Hotel <s@h.example>:",
        "Le lun. 28 juil. 2025 à 10:00, Hotel <s@h.example> a écrit :",
        "Il giorno lun 28 lug 2025 alle ore 10:00 Hotel <s@h.example> ha scritto:",
        "28.07.2025 10:00, Готель <s@h.example> пише:",
        "في 28/07/2025 10:00، كتب Hotel <s@h.example>:",
        "Hotel <s@h.example> در تاریخ 28/07/2025 نوشت:",
        "-----Oryginalna wiadomość-----",
        "-------- Původní zpráva --------",
        "----- Message d'origine -----",
        "Od: Hotel\nWysłano: poniedziałek, 28 lipca 2025 10:00",
        "Van: Hotel\nVerzonden: maandag 28 juli 2025 10:00",
        "De : Hotel\nEnvoyé : lundi 28 juillet 2025 10:00",
        "Da: Hotel\nInviato: lunedì 28 luglio 2025 10:00",
        "Fra: Hotel\nSendt: 28. juli 2025 10:00",
        "Från: Hotel\nSkickat: den 28 juli 2025 10:00",
        "Від: Готель\nНадіслано: 28 липня 2025 р. 10:00",
        "From: Hotel\nTo: Agency\nSent: Monday, July 28, 2025 10:00",
    ],
)
def test_reply_headers_of_the_source_market_languages(header: str) -> None:
    text = f"Please cancel booking 5521.\n\n{header}\nSubject: Stop sale\n> STOP SALE 01.08\n"
    assert new_text(text, is_forward=False) == "Please cancel booking 5521."


def test_a_sentence_ending_in_wrote_is_not_a_reply_header() -> None:
    text = "Please read what the guest wrote:\nRoom with sea view, late arrival."
    assert new_text(text, is_forward=False) == text
