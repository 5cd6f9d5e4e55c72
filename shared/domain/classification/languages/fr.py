"""French (folded: "réservation" → "reservation", "levée" → "levee")."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S

LANGUAGE = Language(
    "fr",
    conditionals=(
        "sinon",
        "a\\s+defaut",
        "faute\\s+de",
        "au\\s+cas\\s+ou",
        "si\\s+(vous|nous|le|la|les|l'|la\\s+reservation|aucun\\w*)",
    ),
    questions=("est-ce\\s+que", "^(y\\s+aura-t-il|y\\s+a-t-il)"),
    requests=("merci\\s+de", "veuillez", "(pouvez|pourriez)-vous", "s'il\\s+vous\\s+plait"),
    negations=("pas", "non", "aucun\\w*", "jamais", "sans"),
    stop_terms=(
        r"arret\s+(des\s+)?ventes?",
        r"stop\s+(de\s+)?ventes?",
        r"stop\s*sales?",
        r"fermeture\s+(des\s+)?ventes",
    ),
    lift_terms=(
        r"leve\w*",
        r"annul\w*",
        r"supprim\w*",
        r"retir\w*",
        r"fin\s+(de\s+l|du|des)",
        r"termin\w*",
    ),
    rules=(
        Rule(
            "fr.opensale.disponibilite_rouverte",
            O,
            r"disponibilit\w*\s+(est\s+)?(rouvert|reouvert)\w*|ouvert\w*\s+a\s+la\s+vente",
            4.5,
        ),
        Rule(
            "fr.neutral.conditions_annulation",
            N,
            r"(conditions?|frais|politique|penalites?)\s+d.annulation|annulation\s+gratuite|en\s+cas\s+d.annulation|sans\s+frais\s+d.annulation",
            0.0,
            consume=True,
        ),
        Rule("fr.booking.nouvelle_reservation", B, r"\bnouvelle\s+reservation", 3.0),
        Rule(
            "fr.booking.confirmation",
            B,
            r"confirmation\s+de\s+(la\s+|votre\s+)?reservation|reservation\s+(est\s+)?confirmee|nous\s+confirmons\s+(la\s+|votre\s+)?reservation",
            3.0,
        ),
        Rule("fr.booking.demande", B, r"demande\s+de\s+reservation", 2.5),
        Rule(
            "fr.booking.merci_de_reserver",
            B,
            r"(merci\s+de|veuillez)\s+(bien\s+vouloir\s+)?(reserver|bloquer)",
            2.5,
        ),
        Rule(
            "fr.stopsale.arret_des_ventes",
            S,
            r"arret\s+(des\s+)?ventes?|\bstop\s+(de\s+)?ventes?\b|fermeture\s+(des\s+)?ventes|ventes?\s+(sont\s+|est\s+)?fermee?s?",
            3.5,
        ),
        Rule("fr.stopsale.complet", S, r"\bcomplet\b|plus\s+(de\s+)?disponibilit\w*", 1.5),
        Rule(
            "fr.opensale.reouverture",
            O,
            r"reouverture\s+(des\s+)?ventes|ventes?\s+(sont\s+|est\s+)?(de\s+nouveau\s+|a\s+nouveau\s+)?(re)?ouvert\w*",
            5.0,
        ),
        Rule(
            "fr.opensale.de_nouveau",
            O,
            r"(de|a)\s+nouveau\s+(disponible|reservable|ouvert|en\s+vente)\w*",
            4.0,
        ),
        Rule("fr.cancellation.annulation", C, r"\bannul(ation|e|ee|er|ez|ons|ees)\b", 3.5),
        Rule(
            "fr.amendment.modification",
            A,
            r"\bmodifi\w*|\bchangement\w*|report\s+des\s+dates|prolongation\s+du\s+sejour",
            3.5,
        ),
    ),
)
