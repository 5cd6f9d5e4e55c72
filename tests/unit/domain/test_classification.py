"""Classification beyond the sample corpus: messages written for these tests in the four
languages, upper case without Turkish letters, replies quoting an older intent, and tenant
rules."""

from __future__ import annotations

import threading
from email.message import EmailMessage

import pytest
from pydantic import ValidationError

from shared.domain.classification import TenantRule, classify, render_table
from shared.domain.classification.tenant_rules import apply_tenant_rules, compile_tenant_regex
from shared.domain.classification.text import fold, strip_prefixes
from shared.domain.mime import parse_message


def mail(subject: str, body: str, sender: str = "sales@hotel.example", **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "booking@agency.example"
    msg["Subject"] = subject
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


CASES = [
    # booking
    ("booking", "Rezervasyon Teyidi - Mavi Koy Otel", "Rezervasyonunuz onaylanmistir. 2 gece HB."),
    ("booking", "REZERVASYON ONAYI / VOUCHER 2211", "Sayin acente, rezervasyon onaylandi."),
    ("booking", "Reservation confirmed #88231", "We are pleased to confirm your reservation."),
    ("booking", "Buchungsbestätigung 4471", "Hiermit bestätigen wir Ihre Buchung für 2 Personen."),
    ("booking", "Подтверждение бронирования 771", "Подтверждаем бронирование номера с 01.09."),
    # stop sale
    ("stopsale", "STOP SALE 15.08-20.08", "Please stop sales for all room types."),
    ("stopsale", "SATIS DURDURMA - TUM ODALAR", "15.08 tarihinden itibaren satisa kapatilmistir."),
    (
        "stopsale",
        "Kontenjan kapatıldı",
        "Ağustos ayı için tüm kontenjan kapatılmıştır, satışa kapalıdır.",
    ),
    ("stopsale", "Verkaufsstopp ab sofort", "Bitte ab sofort keine Buchungen mehr: Verkaufsstopp."),
    ("stopsale", "Стоп продаж с 10.08", "Вводим стоп продаж на все категории номеров."),
    # open sale
    ("opensale", "Open sale from 21.08", "Stop sale is lifted, rooms are available again."),
    ("opensale", "SATISA ACILIS", "Stop sale kaldirilmistir, 20.08 itibariyla satisa aciktir."),
    ("opensale", "Verkauf wieder geöffnet", "Der Verkaufsstopp ist aufgehoben, wieder buchbar."),
    ("opensale", "Открытие продаж", "Продажи открыты с 01.09, стоп снят."),
    # cancellation
    ("cancellation", "IPTAL EDILMISTIR - Voucher 8812", "Rezervasyon iptal edilmistir."),
    ("cancellation", "Rezervasyon İptali", "Misafirimizin rezervasyonu iptal edilmiştir."),
    ("cancellation", "Booking cancellation BK-12", "Please cancel the booking BK-12."),
    ("cancellation", "Storno Buchung 5521", "Bitte stornieren Sie die Buchung. Storno bestätigt."),
    ("cancellation", "Отмена бронирования 55", "Просим отменить бронирование. Отмена."),
    # amendment
    ("amendment", "Rezervasyon Değişikliği - 4411", "Giriş tarihi değiştirilmiştir."),
    ("amendment", "DEGISIKLIK: isim duzeltme", "Misafir adi degistirildi."),
    ("amendment", "Booking amendment 9912", "Please amend the room type to DBL sea view."),
    ("amendment", "Umbuchung 7781", "Änderung des Anreisedatums auf 12.09."),
    ("amendment", "Изменение бронирования 31", "Просим внести изменения в даты проживания."),
    # other
    ("other", "Fatura bilgilendirme", "E-faturanız ektedir. Ödeme bilgileri."),
    ("other", "Weekly newsletter", "Our newsletter. Unsubscribe here."),
    ("other", "Lunch tomorrow?", "Shall we meet at noon?"),
]


@pytest.mark.parametrize(("label", "subject", "body"), CASES, ids=[c[1] for c in CASES])
def test_labels_across_languages(label: str, subject: str, body: str) -> None:
    result = classify(parse_message(mail(subject, body)))
    assert result.label == label, result.rules


def test_open_sale_reply_quoting_a_stop_sale_is_an_open_sale() -> None:
    body = (
        "Dear partners, sales are re-opened from 10.08, rooms available again.\n\n"
        "On Mon, 1 Aug 2025 at 10:00, Hotel wrote:\n"
        "> STOP SALE for all rooms 01.08-20.08\n> Stop sales, stop sales.\n"
    )
    result = classify(parse_message(mail("RE: STOP SALE 01.08-20.08", body)))
    assert result.label == "opensale"


def test_a_cancellation_reply_quoting_a_booking_is_a_cancellation() -> None:
    body = (
        "Merhaba, asagidaki rezervasyonu iptal ediniz.\n\n"
        "-----Original Message-----\nFrom: Hotel\nSubject: Rezervasyon Onayi\n"
        "Rezervasyonunuz onaylanmistir. Voucher 1234.\n"
    )
    result = classify(parse_message(mail("RE: Rezervasyon Onayı 1234", body)))
    assert result.label == "cancellation"


def test_auto_replies_and_bounces_are_other_whatever_they_quote() -> None:
    auto = mail("Automatic reply: New booking 55", "I am out of office. New booking confirmed.")
    assert classify(parse_message(auto)).label == "other"
    submitted = mail("Re: Stop sale", "Stop sale noted", Auto_Submitted="auto-replied")
    assert classify(parse_message(submitted)).rules == ("flag.auto_reply",)


def test_folding_handles_turkish_capitals_and_cyrillic() -> None:
    assert fold("İPTAL EDİLMİŞTİR") == fold("IPTAL EDILMISTIR") == "iptal edilmistir"
    assert fold("Й ё") == "й е"
    assert strip_prefixes("RE: Fwd: AW: Stop sale") == ("Stop sale", True, True)


def test_tenant_rules_set_label_skip_and_tag() -> None:
    parsed = parse_message(mail("Weekly rates", "rates attached", sender="rates@partner.example"))
    assert classify(parsed).label == "other"
    rules = [
        TenantRule.model_validate(
            {
                "id": "partner-rates",
                "conditions": {
                    "sender_domains": ["partner.example"],
                    "subject_keywords": ["rates"],
                },
                "actions": {"label": "stopsale", "tags": ["partner"]},
            }
        ),
        TenantRule.model_validate(
            {"id": "tag-all", "conditions": {"body_regex": "rates"}, "actions": {"tags": ["r"]}}
        ),
    ]
    result = classify(parsed, rules)
    assert result.label == "stopsale"
    assert result.rules[0] == "tenant:partner-rates"
    assert set(result.tags) == {"partner", "r"}
    skip = TenantRule.model_validate(
        {
            "id": "mute",
            "priority": 1,
            "conditions": {"sender_addresses": ["rates@partner.example"]},
            "actions": {"skip": True},
        }
    )
    assert classify(parsed, [*rules, skip]).skip


def test_tenant_rules_that_do_not_match_leave_the_builtin_result() -> None:
    parsed = parse_message(mail("STOP SALE", "stop sale all rooms"))
    rule = TenantRule.model_validate(
        {
            "id": "x",
            "conditions": {"sender_domains": ["other.example"]},
            "actions": {"label": "booking"},
        }
    )
    assert classify(parsed, [rule]) == classify(parsed)


def test_attachment_type_condition() -> None:
    msg = EmailMessage()
    msg["Subject"] = "list"
    msg.set_content("see file")
    msg.add_attachment(b"PK", maintype="application", subtype="octet-stream", filename="stop.xlsx")
    parsed = parse_message(msg.as_bytes())
    rule = TenantRule.model_validate(
        {
            "id": "xlsx",
            "conditions": {"attachment_types": [".xlsx"]},
            "actions": {"label": "stopsale"},
        }
    )
    assert classify(parsed, [rule]).label == "stopsale"


@pytest.mark.parametrize("pattern", [r"(a)\1", "(?=a)b", "(?<!x)y", "[unclosed", "a" * 300])
def test_invalid_or_non_re2_regexes_are_refused(pattern: str) -> None:
    with pytest.raises(ValidationError):
        TenantRule.model_validate({"id": "bad", "conditions": {"subject_regex": pattern}})


def test_render_table_lists_file_label_score_rules() -> None:
    table = render_table([("a.eml", "booking", 0.8123, ("r1@subject", "r2@text"))])
    header, row = table.splitlines()
    assert header.split()[:4] == ["FILE", "LABEL", "SCORE", "RULES"]
    assert row.split()[:3] == ["a.eml", "booking", "0.81"]
    assert "r1@subject, r2@text" in row


@pytest.mark.parametrize(
    ("pattern", "body", "expected"),
    [
        ("((a)+)+$", "a" * 9_999 + "!", False),
        ("((a)+)+$", "a" * 9_999, True),
        ("(a|aa)+$", "a" * 9_999 + "!", False),
        ("(a|aa)+$", "a" * 9_999, True),
        ("(a+)+$", "a" * 9_999 + "!", False),
        ("(x*)*y", "x" * 9_999, False),
        ("(.*a){20}", "a" * 9_999 + "b", True),
    ],
)
def test_backtracking_patterns_finish_and_match_correctly(
    pattern: str, body: str, expected: bool
) -> None:
    """Tenant regexes run on RE2 (linear time): patterns that take Python's re minutes on
    long input finish; run in a thread with a generous bound so a regression fails, not hangs."""
    rule = TenantRule.model_validate(
        {"id": "r", "conditions": {"body_regex": pattern}, "actions": {"tags": ["hit"]}}
    )
    parsed = parse_message(mail("Rates", body))
    outcome: list[bool] = []
    worker = threading.Thread(target=lambda: outcome.append(rule.matches(parsed)), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), f"{pattern} did not finish"
    assert outcome == [expected]


def test_a_rule_condition_holds_at_most_50_values_of_200_characters() -> None:
    def rule(**conditions: object) -> TenantRule:
        return TenantRule.model_validate({"id": "r", "conditions": conditions})

    assert rule(body_keywords=[f"k{i}" for i in range(50)]).conditions.body_keywords
    with pytest.raises(ValidationError, match="at most 50 values"):
        rule(body_keywords=[f"k{i}" for i in range(51)])
    with pytest.raises(ValidationError, match="longer than 200"):
        rule(sender_domains=["x" * 201])


def test_tenant_rules_compile_each_pattern_once_and_decide_as_each_rule_alone() -> None:
    """Evaluating many rules over many messages compiles each distinct pattern once; the
    result of a rule is the same whether it is asked alone or among the others."""
    compile_tenant_regex.cache_clear()
    rules = [
        TenantRule.model_validate(
            {
                "id": f"r{i}",
                "priority": i,
                "conditions": {"body_keywords": [f"Ödeme {i}"], "body_regex": f"oda {i % 3}"},
                "actions": {"tags": [f"t{i}"]},
            }
        )
        for i in range(30)
    ]
    for n in range(5):
        parsed = parse_message(mail("Rezervasyon", f"ODEME {n} için oda {n % 3} ayrıldı"))
        result = apply_tenant_rules(parsed, classify(parsed), rules)
        alone = [r.id for r in rules if r.matches(parsed)]
        assert [t for t in result.rules if t.startswith("tenant:")] == [
            f"tenant:{i}" for i in alone
        ]
        assert alone == [f"r{n}"]
    assert compile_tenant_regex.cache_info().misses == 3
