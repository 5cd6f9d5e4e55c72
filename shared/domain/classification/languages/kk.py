"""Kazakh."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, O, Rule, S

LANGUAGE = Language(
    "kk",
    script="cyrillic",
    conditionals=(r"егер",),
    requests=(r"сұраймыз", r"өтінеміз"),
    negations=("емес", "жоқ"),
    stop_terms=(r"сату\w*\s+тоқтат\w*",),
    lift_terms=(r"жойыл\w*", r"алынды", r"алып\s+тасталды"),
    rules=(
        Rule(
            "kk.booking.otinim",
            B,
            r"жаңа\s+брондау|брондауға\s+өтінім|брондап\s+беру\w*|брондауды\s+растау",
            3.0,
        ),
        Rule("kk.booking.brondau", B, r"брондау\w*|брондап", 1.0),
        Rule("kk.cancellation.boldyrmau", C, r"болдырмау\w*|күшін\s+жою", 3.5),
        Rule("kk.amendment.ozgertu", A, r"өзгерт\w*|өзгеріс\w*", 3.5),
        Rule("kk.stopsale.toqtatu", S, r"сату\w*\s+тоқтат\w*|стоп[\s-]*сату", 3.5),
        Rule(
            "kk.opensale.qaita_ashu",
            O,
            r"сату\w*\s+(қайта\s+)?(ашыл\w*|жаңғырт\w*)|сатуды\s+қайта\s+бастау\w*",
            5.0,
        ),
    ),
)
