"""Romanian (patterns without diacritics: the text is folded)."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S, X

LANGUAGE = Language(
    "ro",
    conditionals=(r"daca", r"altfel", r"in\s+caz\s+contrar"),
    questions=(r"oare",),
    requests=(r"va\s+rugam", r"rugam", r"va\s+rog"),
    negations=("nu", "fara", "niciun\\w*"),
    stop_terms=(r"stop\s+vanzar\w*", r"oprire\w*\s+vanzar\w*", r"stop\s*sale"),
    lift_terms=(r"anulat\w*", r"ridicat\w*", r"incetat\w*", r"anular\w*"),
    rules=(
        Rule(
            "ro.neutral.conditii_anulare",
            N,
            r"(conditii|politica|taxa|penalitat\w*)\s+de\s+anulare|anulare\s+gratuita",
            0.0,
            consume=True,
        ),
        Rule(
            "ro.booking.cerere",
            B,
            r"rezervare\s+noua|cerere\s+de\s+rezervare|confirmare\w*\s+(a\s+)?rezervari\w*"
            r"|rezervar\w*\s+(este\s+)?confirmat\w*",
            3.0,
        ),
        Rule(
            "ro.booking.va_rugam_rezervati",
            B,
            r"(rugam|rog)\s+(sa\s+)?(ne\s+)?rezerva\w*|\brezervati\b",
            2.5,
        ),
        Rule("ro.booking.rezervare", B, r"\brezervar\w*", 1.0),
        Rule("ro.cancellation.anulare", C, r"\banul(are|area|arii|at|ata|ati|ez|am)\w*", 3.5),
        Rule("ro.amendment.modificare", A, r"\bmodific\w*|\bschimbar\w*|\bschimbat\w*", 3.5),
        Rule(
            "ro.stopsale.oprire_vanzari",
            S,
            r"stop\s+vanzar\w*|oprire\w*\s+vanzar\w*|oprim\s+vanzar\w*|suspendare\w*\s+vanzar\w*"
            r"|vanzar\w*\s+(sunt\s+)?(oprite|inchise|suspendate)",
            3.5,
        ),
        Rule(
            "ro.opensale.redeschidere",
            O,
            r"redeschider\w*\s+(a\s+)?vanzar\w*|reluare\w*\s+vanzar\w*"
            r"|vanzar\w*\s+(?:\S+\s+){0,6}?(sunt\s+)?(din\s+nou\s+deschise|redeschise|reluate)",
            5.0,
        ),
        Rule("ro.other.factura", X, r"\bfactur(a|ii|ile|a\s+fiscala)\b", 3.0),
    ),
)
