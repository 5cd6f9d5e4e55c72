"""Greek (patterns without accents: the text is folded)."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S, X

LANGUAGE = Language(
    "el",
    script="greek",
    conditionals=(r"αν", r"εαν", r"διαφορετικα"),
    questions=(r"μηπως",),
    requests=(r"παρακαλουμε", r"παρακαλω"),
    negations=("δεν", "μην", "χωρις", "οχι"),
    stop_terms=(r"διακοπη\s+(των\s+)?πωλησεων", r"stop\s*sale"),
    lift_terms=(r"ακυρω\w*", r"αρση", r"ηρθη", r"αρθηκε"),
    rules=(
        Rule(
            "el.neutral.oroi_akyrosis",
            N,
            r"(οροι|πολιτικη|χρεωση)\s+ακυρωσ\w*|δωρεαν\s+ακυρωσ\w*",
            0.0,
            consume=True,
        ),
        Rule(
            "el.booking.nea_kratisi",
            B,
            r"νεα\s+κρατηση|αιτημα\s+κρατησ\w*|επιβεβαιωση\s+(της\s+)?κρατησ\w*",
            3.0,
        ),
        Rule(
            "el.booking.parakaloume_kratisi",
            B,
            r"(παρακαλουμε|παρακαλω)\s+(να\s+)?(κανετε\s+)?κρατηση|να\s+κλεισετε",
            2.5,
        ),
        Rule("el.booking.kratisi", B, r"κρατησ\w*", 1.0),
        Rule("el.cancellation.akyrosi", C, r"ακυρω\w*", 3.5),
        Rule("el.amendment.allagi", A, r"αλλαγ\w*|αλλαξ\w*|τροποποι\w*", 3.5),
        Rule(
            "el.stopsale.diakopi",
            S,
            r"διακοπη\s+(των\s+)?πωλησεων|σταματ\w*\s+(τις\s+)?πωλησ\w*|κλειστ\w*\s+για\s+πωλησ\w*",
            3.5,
        ),
        Rule(
            "el.opensale.epanaleitourgia",
            O,
            r"επαναλειτουργ\w*\s+(των\s+)?πωλησ\w*|ανοιγμα\s+(των\s+)?πωλησ\w*"
            r"|πωλησεις\s+(?:\S+\s+){0,5}?(ανοιξαν|ανοιγουν|επαναλειτουργ\w*)",
            5.0,
        ),
        Rule("el.other.timologio", X, r"τιμολογι\w*", 3.0),
    ),
)
