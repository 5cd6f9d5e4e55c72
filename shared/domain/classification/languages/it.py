"""Italian."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S

LANGUAGE = Language(
    "it",
    conditionals=("altrimenti", "in\\s+caso\\s+contrario", "se\\s+(non|la|il|lo|le|i|gli|entro)"),
    questions=("^(ci\\s+sara|e\\s+previsto)",),
    requests=("per\\s+favore", "vi\\s+preghiamo", "(potete|potreste)", "si\\s+prega"),
    negations=("non", "nessun\\w*", "mai", "senza"),
    stop_terms=(
        r"stop\s+(alle\s+)?vendite",
        r"blocco\s+(delle\s+)?vendite",
        r"chiusura\s+(delle\s+)?vendite",
        r"stop\s*sales?",
    ),
    lift_terms=(
        r"revoc\w*",
        r"rimoss\w*",
        r"annullat\w*",
        r"tolt\w*",
        r"terminat\w*",
        r"sbloccat\w*",
        r"fine\s+(del|dello|della)",
    ),
    rules=(
        Rule(
            "it.neutral.condizioni_cancellazione",
            N,
            r"(condizioni|penal\w*|politica)\s+(di\s+|per\s+)?(cancellazione|annullamento)|(cancellazione|annullamento)\s+gratuit\w*"
            r"|in\s+caso\s+di\s+(cancellazione|annullamento|disdetta)",
            0.0,
            consume=True,
        ),
        Rule("it.booking.nuova_prenotazione", B, r"\bnuova\s+prenotazion\w*", 3.0),
        Rule(
            "it.booking.conferma",
            B,
            r"conferma\s+(di\s+|della\s+)?prenotazion\w*|prenotazion\w*\s+(e\s+)?confermat\w*|confermiamo\s+(la\s+)?prenotazion\w*",
            3.0,
        ),
        Rule("it.booking.richiesta", B, r"richiesta\s+(di\s+)?prenotazion\w*", 2.5),
        Rule(
            "it.booking.prenotare",
            B,
            r"(vi\s+preghiamo\s+di|si\s+prega\s+di|per\s+favore)\s+(prenotare|bloccare)|\bprenotate\b",
            2.5,
        ),
        Rule("it.booking.prenotazione", B, r"\bprenotazion\w*", 1.0),
        Rule(
            "it.stopsale.stop_vendite",
            S,
            r"\bstop\s+(alle\s+)?vendite|blocco\s+(delle\s+)?vendite|chiusura\s+(delle\s+)?vendite|vendite\s+(sono\s+)?chiuse|chius\w*\s+alla\s+vendita",
            3.5,
        ),
        Rule("it.stopsale.esaurito", S, r"\besaurit\w*|non\s+(piu\s+)?prenotabil\w*", 2.5),
        Rule(
            "it.opensale.riapertura",
            O,
            r"riapertura\s+(delle\s+)?vendite|vendite\s+(sono\s+)?(di\s+nuovo\s+)?(ri)?apert\w*",
            5.0,
        ),
        Rule(
            "it.opensale.di_nuovo",
            O,
            r"(di\s+nuovo|nuovamente)\s+(disponibil|prenotabil|in\s+vendita)\w*",
            4.0,
        ),
        Rule(
            "it.cancellation.cancellazione",
            C,
            r"\bcancellazion\w*|\bcancellat\w*|\bannullament\w*|\bannull(at|are|iamo|ate)\w*|\bdisdett\w*",
            3.5,
        ),
        Rule(
            "it.amendment.modifica",
            A,
            r"\bmodific\w*|\bvariazion\w*|cambio\s+(di\s+|della\s+|del\s+)?(data|date|nome|camera|trattamento)|prolungamento\s+del\s+soggiorno",
            3.5,
        ),
    ),
)
