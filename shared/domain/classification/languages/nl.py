"""Dutch."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S

LANGUAGE = Language(
    "nl",
    compound_heads=(
        "boeking",
        "reservering",
        "annulering",
        "wijziging",
        "bevestiging",
        "aanvraag",
        "stop",
        "verkoop",
    ),
    conditionals=("indien", "tenzij", "anders", "mits"),
    questions=("of\\s+er",),
    requests=("graag", "gelieve", "kunt\\s+u", "wilt\\s+u"),
    negations=("niet", "geen", "nooit"),
    negations_after=("niet",),
    stop_terms=(r"verkoop\s*stop", r"stop\s*verkoop", r"stop\s*sale"),
    lift_terms=(r"opgeheven", r"opheffing", r"ingetrokken", r"beeindigd", r"geannuleerd"),
    rules=(
        Rule(
            "nl.neutral.annuleringsvoorwaarden",
            N,
            r"annulerings(voorwaarden|kosten|beleid|regeling|verzekering)|(gratis|kosteloos)\s+annuleren|in\s+geval\s+van\s+annulering",
            0.0,
            consume=True,
        ),
        Rule("nl.booking.nieuwe_boeking", B, r"\bnieuwe\s+(boeking|reservering)", 3.0),
        Rule(
            "nl.booking.bevestiging",
            B,
            r"(boekings|reserverings)bevestiging|bevestiging\s+(van\s+)?(uw\s+|de\s+)?(boeking|reservering)|(boeking|reservering)\s+(is\s+)?bevestigd",
            3.0,
        ),
        Rule(
            "nl.booking.aanvraag",
            B,
            r"(boekings|reserverings)aanvraag|aanvraag\s+(voor\s+)?(een\s+)?(boeking|reservering)",
            2.5,
        ),
        Rule(
            "nl.booking.graag_boeken",
            B,
            r"graag\s+(boeken|reserveren)|wilt\s+u\s+.{0,30}(boeken|reserveren)",
            2.5,
        ),
        Rule("nl.booking.boeking", B, r"\b(boeking|reservering)\w*", 1.0),
        Rule(
            "nl.stopsale.verkoopstop",
            S,
            r"\bverkoop\s*stop|stop\s+(de\s+)?verkoop|verkoop\s+(is\s+)?(gesloten|gestopt)|gesloten\s+voor\s+verkoop",
            3.5,
        ),
        Rule(
            "nl.stopsale.uitverkocht",
            S,
            r"\buitverkocht\b|\bvolgeboekt\b|niet\s+(meer\s+)?boekbaar",
            2.5,
        ),
        Rule(
            "nl.opensale.heropend",
            O,
            r"verkoop\s+(is\s+)?(weer\s+)?(geopend|heropend|open)|heropening\s+(van\s+de\s+)?verkoop",
            5.0,
        ),
        Rule(
            "nl.opensale.weer_boekbaar",
            O,
            r"weer\s+(boekbaar|beschikbaar|open\s+voor\s+verkoop|te\s+boeken)",
            4.0,
        ),
        Rule("nl.cancellation.annulering", C, r"\bannuler\w*|\bgeannuleerd\b", 3.5),
        Rule(
            "nl.amendment.wijziging",
            A,
            r"\bwijzig\w*|\bgewijzigd\b|\baanpassing\w*|\baangepast\b|\bomboek\w*|verlenging\s+van\s+(het\s+)?verblijf",
            3.5,
        ),
    ),
)
