"""Swedish, Danish and Norwegian (folded: "ändring" → "andring", "ændring" → "aendring",
"ø" → "o", "å" → "a")."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S

LANGUAGE = Language(
    "nordic",
    compound_heads=(
        "bokning",
        "bestilling",
        "booking",
        "avbokning",
        "afbestilling",
        "andring",
        "aendring",
        "bekraftelse",
        "bekreftelse",
        "stopp",
        "stop",
        "forsaljning",
        "salg",
    ),
    conditionals=("ifall", "hvis", "annars", "ellers"),
    questions=("huruvida", "^(blir|finns|er|ar)\\s+det\\b"),
    requests=("vanligen", "venligst", "vennligst", "kan\\s+(ni|du|dere|i)"),
    identified_as=("sv", "da", "no", "nn"),
    negations=("inte", "ej", "ikke", "ingen", "aldrig", "aldri"),
    negations_after=("inte", "ikke", "ej"),
    stop_terms=(
        r"(forsaljnings|salgs)\s*stopp?",
        r"stopp?\s+(for\s+)?(forsaljning|salg)\w*",
        r"stop\s*sale",
    ),
    lift_terms=(
        r"upphav\w*",
        r"ophaev\w*",
        r"opphev\w*",
        r"hevet",
        r"avslut\w*",
        r"annuller\w*",
        r"fjernet",
        r"borttag\w*",
    ),
    rules=(
        Rule(
            "nordic.neutral.avbokningsregler",
            N,
            r"(avboknings|avbestillings|afbestillings|annullerings)(regler|villkor|vilkar|betingelser|avgift|gebyr)\w*"
            r"|gratis\s+(avbokning|avbestilling|afbestilling)",
            0.0,
            consume=True,
        ),
        Rule(
            "nordic.booking.ny_bokning",
            B,
            r"\bny\s+(bokning|booking|reservation|reservasjon|bestilling)",
            3.0,
        ),
        Rule(
            "nordic.booking.bekraftelse",
            B,
            r"(bokning|booking|reservation|reservasjon|bestilling)s?\s*-?\s*(bekraftelse|bekraeftelse|bekreftelse)"
            r"|(bokning|booking|reservasjon|bestilling)(en)?\s+(ar\s+|er\s+)?(bekraftad|bekraeftet|bekreftet)",
            3.0,
        ),
        Rule(
            "nordic.booking.vanligen_boka",
            B,
            r"(vanligen|venligst|vennligst)\s+(boka|book|bestil)\w*|vi\s+vill\s+boka",
            2.5,
        ),
        Rule("nordic.booking.bokning", B, r"\b(bokning|reservasjon|bestilling)\w*", 1.0),
        Rule(
            "nordic.stopsale.salgsstopp",
            S,
            r"(forsaljnings|salgs)\s*stopp?\b|\bstopp?\s+(for\s+)?(forsaljning|salg)\w*"
            r"|(forsaljning|salg)(en|et)?\s+(ar\s+|er\s+)?(stoppad|stoppet|stengt|lukket|stangd)",
            3.5,
        ),
        Rule(
            "nordic.stopsale.fullbokad",
            S,
            r"\bfullbokad\w*|\bfullbooket\b|\budsolgt\b|\butsolgt\b|\bslutsald\b",
            3.0,
        ),
        Rule(
            "nordic.opensale.oppnad",
            O,
            r"(forsaljning|salg)(en|et)?\s+(ar\s+|er\s+)?(oppnad|oppnet|aben|apen|apnet|abnet|genabnet|gjenapnet)\w*",
            5.0,
        ),
        Rule(
            "nordic.opensale.igen",
            O,
            r"(bokningsbar|bookbar|ledig|tilgjengelig|tilgaengelig|tillganglig)\w*\s+igjen|(bokningsbar|bookbar|ledig|tilgjengelig|tilgaengelig|tillganglig)\w*\s+igen",
            4.0,
        ),
        Rule(
            "nordic.cancellation.avbokning",
            C,
            r"\bavbok\w*|\bavbestill\w*|\bafbestil\w*|\bafbook\w*|\bkansell\w*|\bannuller\w*",
            3.5,
        ),
        Rule(
            "nordic.amendment.andring",
            A,
            r"\bandring\w*|\baendring\w*|\bendring\w*|\bandrad\w*|\baendret\b|\bendret\b|\bombok\w*|\bombestill\w*",
            3.5,
        ),
    ),
)
