"""Compounds match by their parts (German, Dutch, Nordic): a rule for "buchung" or "wijziging"
meets "Gruppenbuchung" and "Boekingswijziging", in place (what negates or asks still reaches
it); Turkish suffixes and Slavic endings are matched by stems."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from shared.domain.classification import classify
from shared.domain.classification.compounds import split_compounds
from shared.domain.mime import parse_message


def mail(subject: str, body: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Partner <res@partner.example>"
    msg["Subject"] = subject
    msg.set_content(body)
    return msg.as_bytes()


def test_a_compound_is_followed_by_its_parts_in_place() -> None:
    de = frozenset({"de", "en", "any"})
    assert split_compounds("keine neubuchung heute", de) == "keine neubuchung neu buchung heute"
    assert split_compounds("buchung 4471", de) == "buchung 4471"  # a head alone stays
    assert split_compounds("gruppenbuchung", frozenset({"en", "any"})) == "gruppenbuchung"


@pytest.mark.parametrize(
    ("label", "subject", "body"),
    [
        (
            "booking",
            "Gruppenbuchung Schneider",
            "Anbei die Gruppenbuchung für 12 Personen, 3.-10.8.",
        ),
        ("booking", "Neubuchung 4471", "Neubuchung: Familie Weber, DZ, 12.07.-19.07., HP."),
        ("cancellation", "Buchungsstornierung 4471", "Hiermit die Buchungsstornierung für Weber."),
        ("stopsale", "Zimmerkontingentsperre", "Zimmerkontingentsperre vom 01.08. bis 10.08."),
        (
            "amendment",
            "Boekingswijziging 3318",
            "Boekingswijziging: aankomst 14 juli i.p.v. 12 juli.",
        ),
        ("stopsale", "Verkoopstop augustus", "Verkoopstop voor alle kamers van 1 t/m 15 augustus."),
        ("cancellation", "Rezervasyon iptali", "Rezervasyonunuzun iptal edilmiştir, bilginize."),
        ("stopsale", "Satış durumu", "Aile odaları 01.08-10.08 arası satışa kapatılmıştır."),
    ],
)
def test_compounds_and_inflections(label: str, subject: str, body: str) -> None:
    result = classify(parse_message(mail(subject, body)))
    assert result.label == label, result.rules
