"""Czech (folded: "změna" → "zmena", "zrušení" → "zruseni")."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S

LANGUAGE = Language(
    "cs",
    conditionals=("pokud", "jestli(ze)?", "jinak"),
    questions=("zda",),
    requests=("prosim", "prosime", "muzete"),
    identified_as=("cs", "sk"),
    negations=("ne", "neni", "bez", "zadn\\w*"),
    stop_terms=(r"stop\s*prodej\w*", r"zastaveni\s+prodeje", r"stop\s*sale"),
    lift_terms=(r"zrus\w*", r"ukonc\w*", r"odvol\w*"),
    rules=(
        Rule(
            "cs.neutral.storno_podminky",
            N,
            r"storn\w*\s+(podmink|poplat)\w*|podmink\w*\s+(zruseni|storna)|bezplatn\w*\s+(zruseni|storno)"
            r"|v\s+pripade\s+(zruseni|storna)",
            0.0,
            consume=True,
        ),
        Rule("cs.booking.nova_rezervace", B, r"\bnov(a|e)\s+(rezervac|objednav)\w*", 3.0),
        Rule(
            "cs.booking.potvrzeni",
            B,
            r"potvrzeni\s+(rezervace|objednavky)|rezervace\s+(byla\s+|je\s+)?potvrzen\w*|potvrzujeme\s+rezervac\w*",
            3.0,
        ),
        Rule(
            "cs.booking.zadost",
            B,
            r"(zadost|poptavk\w*|prosime|prosim)\s+o\s+rezervac\w*|\bzarezerv\w*|prosim\w*\s+rezervujte",
            2.5,
        ),
        Rule("cs.booking.rezervace", B, r"\brezervac\w*", 1.0),
        Rule(
            "cs.stopsale.stop_prodej",
            S,
            r"\bstop\s*prodej\w*|zastaveni\s+prodeje|prodej\s+(je\s+)?zastaven|uzavreni\s+prodeje|prodej\s+(je\s+)?uzavren\w*|uzavirame\s+prodej",
            3.5,
        ),
        Rule("cs.stopsale.vyprodano", S, r"\bvyprodan\w*|neni\s+k\s+dispozici", 2.0),
        Rule(
            "cs.opensale.otevreni",
            O,
            r"otevreni\s+prodeje|prodej\s+(je\s+)?(znovu\s+|opet\s+)?otevren\w*|obnoveni\s+prodeje|prodej\s+(je\s+)?obnoven|(znovu|opet)\s+v\s+prodeji",
            5.0,
        ),
        Rule(
            "cs.opensale.znovu_k_dispozici",
            O,
            r"(znovu|opet)\s+(k\s+dispozici|dostupn\w*|rezervovateln\w*)",
            4.0,
        ),
        Rule("cs.cancellation.zruseni", C, r"\bzrus\w*|\bstornovan\w*|\bstornujeme\b", 3.5),
        Rule(
            "cs.amendment.zmena",
            A,
            r"\bzmen\w*|\bzmeni\w*|\buprav\w*|\boprav\w*|presun\w*\s+termin\w*|prodlouzeni\s+pobytu",
            3.5,
        ),
    ),
)
