"""Ukrainian."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S

LANGUAGE = Language(
    "uk",
    conditionals=("якщо", "інакше", "у\\s+разі\\s+(якщо|не)"),
    questions=("чи",),
    requests=("прошу", "просимо", "будь\\s+ласка", "можете"),
    script="cyrillic",
    negations=("не", "ні", "немає", "без"),
    stop_terms=(r"стоп[\s-]*продаж\w*", r"stop[\s-]*sale\w*"),
    lift_terms=(r"знят\w*", r"зняття", r"скасов\w*", r"відмін\w*", r"припинен\w*"),
    rules=(
        Rule(
            "uk.neutral.umovy_skasuvannia",
            N,
            r"(умов\w*|правил\w*|штраф\w*(\s+за)?)\s+(скасуван|анулюван|анулян)\w*"
            r"|безкоштовн\w*\s+(скасуван|анулюван)\w*|у\s+разі\s+(скасуван|анулюван)\w*",
            0.0,
            consume=True,
        ),
        Rule("uk.booking.nove", B, r"нов(е|а|ий)\s+(бронюванн|заявк|замовленн)\w*", 3.0),
        Rule(
            "uk.booking.pidtverdzhennia",
            B,
            r"підтвердженн\w*\s+(бронюванн|заявк|замовленн)\w*|(бронюванн|заявк)\w*\s+підтверджен\w*"
            r"|підтверджуємо\s+(бронюванн|заявк|розміщенн)\w*",
            3.0,
        ),
        Rule("uk.booking.zaiavka", B, r"заявк\w*\s+на\s+бронюванн", 2.5),
        Rule(
            "uk.booking.zabronyuvaty", B, r"просимо\s+(підтвердити|забронювати)|\bзаброню\w*", 2.5
        ),
        Rule("uk.booking.bronuvannia", B, r"бронюванн", 1.0),
        Rule(
            "uk.stopsale.zakryto",
            S,
            r"закрит\w*\s+(для\s+)?продаж|продаж\w*\s+закрит|припинен\w*\s+продаж",
            3.0,
        ),
        Rule(
            "uk.stopsale.stop",
            S,
            r"стоп[\s-]*(продаж|сейл)|зупинк\w*\s+продаж|зупиня\w*\s+продаж",
            3.5,
        ),
        Rule("uk.stopsale.nemaie_mists", S, r"немає\s+(вільних\s+)?(місць|номерів)", 1.5),
        Rule(
            "uk.opensale.vidkryttia",
            O,
            r"відкритт\w*\s+продаж|відкрит\w*\s+продаж|продаж\w*\s+(знову\s+)?відкрит\w*|відновлен\w*\s+продаж|продаж\w*\s+відновлен\w*",
            5.0,
        ),
        Rule("uk.opensale.znovu", O, r"знову\s+(доступн|відкрит|у\s+продажу)\w*", 4.0),
        Rule(
            "uk.cancellation.skasuvannia",
            C,
            r"скасуванн\w*|скасов\w*|анулюван\w*|анулял\w*|анулюв\w*",
            3.5,
        ),
        Rule(
            "uk.amendment.zmina",
            A,
            r"\bзмін\w*|коригуванн\w*|корегуванн\w*|перенесенн\w*\s+дат|продовженн\w*\s+(проживанн|перебуванн)",
            3.5,
        ),
    ),
)
