"""Russian."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S, X

LANGUAGE = Language(
    "ru",
    conditionals=("если", "иначе", "в\\s+случае\\s+(если|не)", "в\\s+противном\\s+случае"),
    questions=("ли", "^(будет|будут|есть|когда|почему|как|вопрос\\w*)\\b"),
    requests=("прошу", "просим", "пожалуйста", "(можете|могли\\s+бы)"),
    script="cyrillic",
    negations=("не", "нет", "без"),
    stop_terms=(r"стоп[\s-]*продаж\w*", r"стоп[\s-]*сейл\w*", r"stop[\s-]*sale\w*"),
    lift_terms=(r"снят\w*", r"сняти\w*", r"отмен\w*", r"прекращ\w*"),
    rules=(
        Rule(
            "ru.neutral.usloviya_otmeny",
            N,
            r"(услови\w*|политик\w*|правил\w*|штраф\w*(\s+за)?)\s+(отмен|аннуляц|аннулирован)\w*"
            r"|бесплатн\w*\s+(отмен|аннуляц)\w*|в\s+случае\s+(отмен|аннуляц)\w*",
            0.0,
            consume=True,
        ),
        Rule("ru.booking.new", B, r"нов(ое|ая|ый)\s+(бронировани|заявк|заказ)", 3.0),
        Rule("ru.booking.confirm", B, r"подтвержд\w*\s+(бронировани|заявк)", 3.0),
        Rule("ru.booking.request", B, r"заявк\w*\s+на\s+бронировани", 2.5),
        Rule("ru.booking.bron", B, r"бронировани", 1.0),
        Rule("ru.booking.zabronirovat", B, r"забронир\w*|просим\s+подтверд\w*", 2.5),
        Rule("ru.stopsale.stop", S, r"стоп[\s-]*продаж", 3.5),
        Rule(
            "ru.stopsale.closed",
            S,
            r"закры\w*\s+(продаж|для\s+продаж)|продаж\w*\s*[:=-]?\s*закры",
            3.0,
        ),
        Rule("ru.stopsale.no_rooms", S, r"нет\s+(свободных\s+)?(мест|номеров)", 1.5),
        Rule(
            "ru.opensale.open",
            O,
            r"откры\w*\s+продаж|продаж\w*\s*[:=-]?\s*(снова\s+|вновь\s+)?откры"
            r"|возобнов\w*\s+продаж|продаж\w*\s+возобнов",
            5.0,
        ),
        Rule(
            "ru.opensale.stop_lifted",
            O,
            r"(сняти\w*|снят\w*|отмен\w*)\s+(стоп|stop)[\s-]*(продаж|sale)?\w*"
            r"|(стоп|stop)[\s-]*(продаж|sale)\w*\s+(снят|отмен)\w*",
            5.0,
            consume=True,
        ),
        Rule("ru.cancellation.otmena", C, r"\bотмен|аннул", 3.5),
        Rule(
            "ru.amendment.izmenenie",
            A,
            r"измен(ени|ить|ил|ит|яем|ен)|корректировк|перенос\w*\s+дат",
            3.5,
        ),
        Rule(
            "ru.booking.podtverzhdaem",
            B,
            r"подтвержда\w*\s+(бронировани|заявк|размещени|заезд)\w*|(бронировани|заявк)\w*\s+подтвержд\w*"
            r"|подтвержд\w*\W{1,20}(№|номер|n)?\W{0,3}\d{3,}|\d{3,}\W{1,20}подтвержд\w*",
            3.0,
        ),
        Rule(
            "ru.amendment.perenos",
            A,
            r"перенос\w*|продлени\w*\s+(проживани|пребывани)|сокращени\w*\s+(проживани|пребывани)",
            3.0,
        ),
        Rule(
            "ru.other.tekhnicheskie_raboty",
            X,
            r"(технически|регламентн|плановы)\w*\s+(работ|обслуживани)\w*|больше\s+(прямых\s+)?бронирований|увелич\w*\s+(продаж|бронирований)",
            4.5,
            genre=True,
        ),
        Rule(
            "ru.booking.bron_podtverzhdena",
            B,
            r"брон[ьию]\w*\s+(?:\S+\s+){0,2}?подтвержд\w*|подтвержд\w*\s+брон[ьию]",
            3.0,
        ),
        Rule("ru.stopsale.stop_seil", S, r"стоп[\s-]*сейл", 3.5),
    ),
)
