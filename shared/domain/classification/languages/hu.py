"""Hungarian (patterns without accents: the text is folded)."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S, X

LANGUAGE = Language(
    "hu",
    conditionals=(r"ha", r"amennyiben", r"kulonben"),
    questions=(r"vajon",),
    requests=(r"kerjuk", r"kerem"),
    negations=("nem", "nincs", "nelkul"),
    stop_terms=(r"ertekesites\w*\s+leallit\w*", r"stop\s*sale"),
    lift_terms=(r"felold\w*", r"megszun\w*", r"visszavon\w*"),
    rules=(
        Rule(
            "hu.neutral.lemondasi_feltetelek",
            N,
            r"lemondasi\s+(feltetel|dij|szabaly)\w*|ingyenes\s+lemondas\w*",
            0.0,
            consume=True,
        ),
        Rule(
            "hu.booking.uj_foglalas",
            B,
            r"uj\s+foglalas|foglalasi\s+(keres|igeny)\w*|foglalas\w*\s+visszaigazolas\w*",
            3.0,
        ),
        Rule("hu.booking.foglaljanak", B, r"foglaljanak|szeretnenk\s+foglalni", 2.5),
        Rule("hu.booking.foglalas", B, r"\bfoglalas\w*", 1.0),
        Rule(
            "hu.cancellation.lemondas",
            C,
            r"\blemond\w*|\btorol\w*|\btorl(es|ese|eset)\b|\bsztorn\w*",
            3.5,
        ),
        Rule("hu.amendment.modositas", A, r"\bmodosit\w*|\bmegvaltoz\w*", 3.5),
        Rule(
            "hu.stopsale.leallitas",
            S,
            r"ertekesites\w*\s+(?:\S+\s+){0,2}?leallit\w*|leallit\w*\s+(az\s+)?ertekesites\w*",
            3.5,
        ),
        Rule(
            "hu.opensale.ujrainditas",
            O,
            r"ertekesites\w*\s+(?:\S+\s+){0,6}?(ujra\s+)?(megnyilt|ujraindit\w*|ujraindul\w*)"
            r"|ujraindit\w*\s+(az\s+)?ertekesites\w*",
            5.0,
        ),
        Rule("hu.other.szamla", X, r"\bszamla\w*", 3.0),
    ),
)
