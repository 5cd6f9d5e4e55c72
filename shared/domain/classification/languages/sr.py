"""Serbian, Croatian and Bosnian in Latin script (patterns without diacritics)."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S

LANGUAGE = Language(
    "sr",
    identified_as=("sr", "hr", "bs"),
    conditionals=(r"ako", r"ukoliko", r"inace"),
    questions=(r"da\s+li",),
    requests=(r"molimo", r"molim"),
    negations=("ne", "nije", "bez", "nema"),
    stop_terms=(r"obustav\w*\s+prodaj\w*", r"stop\s+prodaj\w*", r"stop\s*sale"),
    lift_terms=(r"ukinut\w*", r"ukidanje", r"otkazan\w*"),
    rules=(
        Rule(
            "sr.neutral.uslovi_otkaza",
            N,
            r"(uslovi|uvjeti|politika|troskovi)\s+(otkaza|storniranja|otkazivanja)|besplatn\w*\s+otkaz\w*",
            0.0,
            consume=True,
        ),
        Rule(
            "sr.booking.nova",
            B,
            r"nova\s+rezervacij\w*|zahtev\w*\s+za\s+rezervacij\w*|potvrd\w*\s+rezervacij\w*",
            3.0,
        ),
        Rule("sr.booking.rezervisite", B, r"\brezervi(sete|sete|site|rajte)\b", 2.5),
        Rule("sr.booking.rezervacija", B, r"\brezervacij\w*", 1.0),
        Rule(
            "sr.cancellation.storniranje",
            C,
            r"\bstornir\w*|\botkaz(an|ivanje|ujemo)\w*|\bponist\w*",
            3.5,
        ),
        Rule("sr.amendment.izmena", A, r"\bizmen\w*|\bizmjen\w*|\bpromen\w*|\bpromjen\w*", 3.5),
        Rule(
            "sr.stopsale.obustava",
            S,
            r"obustav\w*\s+prodaj\w*|stop\s+prodaj\w*|zatvoren\w*\s+za\s+prodaju",
            3.5,
        ),
        Rule(
            "sr.opensale.otvaranje",
            O,
            r"(ponovno\s+)?otvaranje\s+prodaj\w*|nastavak\s+prodaj\w*"
            r"|prodaj\w*\s+(?:\S+\s+){0,5}?(je\s+)?ponovo\s+otvoren\w*",
            5.0,
        ),
    ),
)
