"""Each language's rules apply to text in that language (plus English and the
language-neutral rules): an Italian rule does not fire on English text, a Dutch one not on
French; a text too short or too mixed to tell meets every language of its script."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.classification import classify
from shared.domain.classification.language_id import identify
from shared.domain.mime import parse_message


def mail(subject: str, body: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Partner <res@partner.example>"
    msg["Subject"] = subject
    msg.set_content(body)
    return msg.as_bytes()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please note the rooms below are confirmed for the whole group in August.", "en"),
        ("Wir bestätigen Ihnen die folgende Buchung für die Familie Schneider.", "de"),
        ("Rezervasyonunuz onaylanmıştır, iyi tatiller dileriz. Saygılarımızla", "tr"),
        ("Nous vous confirmons la réservation de la famille Martin pour août.", "fr"),
        ("Vi bekräftar bokningen för familjen Andersson, ankomst den 3 augusti.", "nordic"),
        ("Подтверждаем бронирование для семьи Ивановых на период с 1 по 8 августа.", "ru"),
    ],
)
def test_a_clear_text_gets_its_own_language_english_and_the_neutral_rules(
    text: str, expected: str
) -> None:
    scope = identify(text)
    assert scope.sure
    assert scope.languages == {expected, "en", "any"}


def test_a_short_text_meets_every_language_of_its_script() -> None:
    latin = identify("Storno 4471")
    assert not latin.sure
    assert {"de", "cs", "pl", "tr", "it", "nl", "fr", "nordic", "en"} <= latin.languages
    assert not {"ru", "uk", "ar", "fa"} & latin.languages
    cyrillic = identify("Стоп-продаж 01.08")
    assert {"ru", "uk", "en", "any"} <= cyrillic.languages
    assert not {"de", "tr"} & cyrillic.languages


def test_an_italian_rule_does_not_fire_on_english_text() -> None:
    body = (
        "Dear partner, the guest asked whether the late checkout was cancellated by mistake;"
        " we checked and everything is fine, the stay goes ahead as planned."
    )
    result = classify(parse_message(mail("Guest question about the stay", body)))
    assert not any(r.startswith("it.") for r in result.rules), result.rules


def test_a_dutch_rule_does_not_fire_on_french_text() -> None:
    body = (
        "Bonjour, nous avons bien reçu votre message concernant la facturation du mois dernier,"
        " nous vous prions d'annuler la facture précédente et de la remplacer par la nouvelle."
    )
    result = classify(parse_message(mail("Votre message", body)))
    assert not any(r.startswith("nl.") for r in result.rules), result.rules


@settings(max_examples=400)
@given(st.text(alphabet="ab é1 .,\n_-ж", max_size=200))
def test_the_letters_sample_is_that_of_the_whole_opening(text: str) -> None:
    from shared.domain.classification.language_id import _NOT_LETTERS, SAMPLE_CHARS, _letters

    expected = _NOT_LETTERS.sub(" ", text[: SAMPLE_CHARS * 2])[:SAMPLE_CHARS]
    assert _letters(text) == expected
