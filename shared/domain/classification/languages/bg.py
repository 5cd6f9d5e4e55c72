"""Bulgarian."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S, X

LANGUAGE = Language(
    "bg",
    identified_as=("bg", "mk"),
    script="cyrillic",
    conditionals=(r"ако", r"иначе"),
    questions=(r"дали",),
    requests=(r"моля", r"молим"),
    negations=("не", "няма", "без"),
    stop_terms=(r"стоп[\s-]*продажб\w*", r"спиране\s+на\s+продажб\w*"),
    lift_terms=(r"отмен\w*", r"премахнат\w*", r"анулиран\w*"),
    rules=(
        Rule(
            "bg.neutral.usloviya",
            N,
            r"(услови\w*|такс\w*|неустойк\w*)\s+(за|при)\s+анулиран\w*|безплатно\s+анулиран\w*",
            0.0,
            consume=True,
        ),
        Rule(
            "bg.booking.nova",
            B,
            r"нова\s+резервация|заявка\s+за\s+резервация|потвърждение\s+(на\s+)?резервация",
            3.0,
        ),
        Rule("bg.booking.molya", B, r"направете\s+резервация|резервирайте", 2.5),
        Rule("bg.booking.rezervaciya", B, r"резервац\w*", 1.0),
        Rule("bg.cancellation.anulirane", C, r"анулир\w*", 3.5),
        Rule("bg.amendment.promyana", A, r"промян\w*|промен\w*|корекц\w*", 3.5),
        Rule(
            "bg.stopsale.spirane",
            S,
            r"стоп[\s-]*продажб\w*|спиране\s+на\s+продажб\w*|спираме\s+продажб\w*"
            r"|затворен\w*\s+за\s+продажба",
            3.5,
        ),
        Rule(
            "bg.opensale.vazobnovyavane",
            O,
            r"възобновяване\s+на\s+продажб\w*|отваряне\s+на\s+продажб\w*"
            r"|продажби\w*\s+(?:\S+\s+){0,5}?(са\s+)?(възобновени|отново\s+отворени|отворени\s+отново)",
            5.0,
        ),
        Rule("bg.other.faktura", X, r"фактур\w*", 3.0),
    ),
)
