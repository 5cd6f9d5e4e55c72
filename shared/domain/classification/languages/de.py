"""German."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S, X

LANGUAGE = Language(
    "de",
    compound_heads=(
        "buchung",
        "reservierung",
        "stornierung",
        "storno",
        "bestatigung",
        "anderung",
        "umbuchung",
        "anfrage",
        "sperre",
        "stopp",
        "kontingent",
        "verkauf",
    ),
    conditionals=("wenn", "falls", "sofern", "ansonsten", "andernfalls", "sonst"),
    questions=("ob", "^(gibt\\s+es|wird|werden|ist|sind|haben|hat|wann|warum|wie)\\b"),
    requests=("bitte", "(konnen|konnten|wurden)\\s+sie", "wir\\s+(mochten|bitten)"),
    negations=("nicht", "kein\\w*", "nie", "ohne"),
    negations_after=("nicht",),
    stop_terms=(r"verkaufs\s*-?\s*stopp?", r"stop[\s-]*sales?", r"buchungsstopp?"),
    lift_terms=(
        r"aufgehoben",
        r"aufhebung",
        r"beendet",
        r"storniert",
        r"annulliert",
        r"zuruckgenommen",
        r"entfall\w*",
    ),
    rules=(
        Rule(
            "de.stopsale.verfugbarkeit_geschlossen",
            S,
            r"verfugbarkeit\w*\s+(ist\s+|wurde\s+)?geschlossen",
            3.5,
        ),
        Rule(
            "de.opensale.verfugbarkeit_geoffnet",
            O,
            r"verfugbarkeit\w*\s+(ist\s+|wurde\s+)?(wieder\s+)?geoffnet",
            4.5,
        ),
        Rule(
            "de.neutral.stornobedingungen",
            N,
            r"storn(o|ierungs?)\s*-?\s*(bedingung|gebuhr|kosten|regel|frist|richtlinie|police)\w*"
            r"|(kostenlose|kostenfreie|gebuhrenfreie)\s+stornierung|kostenfrei\s+storn\w*"
            r"|im\s+falle\s+einer\s+(stornierung|annullierung)",
            0.0,
            consume=True,
        ),
        Rule("de.booking.option", B, r"\boptions?\s*-?\s*buchung|\bals\s+option\b", 2.5),
        Rule(
            "de.stopsale.kontingentsperre",
            S,
            r"kontingent\w*\s*-?\s*sperr\w*|zimmer\s*-?\s*sperr\w*|keine\s+(buchungen|reservierungen)\s+mehr",
            3.5,
        ),
        Rule("de.booking.neue_buchung", B, r"\bneue?\s*-?\s*(buchung|reservierung)", 3.0),
        Rule("de.booking.bestatigung", B, r"(buchungs|reservierungs)bestatigung", 3.0),
        Rule("de.booking.anfrage", B, r"(buchungs|reservierungs)anfrage", 2.5),
        Rule("de.booking.buchung", B, r"\b(buchung|reservierung)\b", 1.0),
        Rule("de.booking.bitte_buchen", B, r"bitte\s+(buchen|reservieren)|\bbuchen\s+sie\b", 2.0),
        Rule("de.stopsale.verkaufsstopp", S, r"verkaufs\s*-?\s*stopp?\b", 3.5),
        Rule("de.stopsale.nicht_buchbar", S, r"nicht\s+(mehr\s+)?buchbar", 2.5),
        Rule("de.stopsale.ausgebucht", S, r"\bausgebucht\b", 2.5),
        Rule(
            "de.stopsale.verkauf_geschlossen", S, r"verkauf\w*\s+(ist\s+|wird\s+)?geschlossen", 3.0
        ),
        Rule(
            "de.opensale.aufhebung",
            O,
            r"aufhebung\s+(des\s+)?(verkaufs\w*|stop[\s-]*sales?)|(verkaufs)?stopp?\s*-?\s*aufhebung",
            5.0,
            consume=True,
        ),
        Rule(
            "de.opensale.aufgehoben",
            O,
            r"(verkaufsstopp?|stop[\s-]*sales?)\w*\s+(ist\s+|wird\s+|wurde\s+)?"
            r"(aufgehoben|beendet|storniert|annulliert)",
            5.0,
            consume=True,
        ),
        Rule(
            "de.opensale.wieder_buchbar",
            O,
            r"wieder\s+(buchbar|verfugbar|zum\s+verkauf|offen|geoffnet)",
            4.0,
        ),
        Rule("de.cancellation.storno", C, r"\bstorn(o|ierung|iert|ieren)|annullierung", 3.5),
        Rule(
            "de.amendment.anderung",
            A,
            r"anderung|umbuchung|korrektur|\b(ge|ab|um)andert\b|\bandern\b",
            3.5,
        ),
        Rule(
            "de.neutral.bleibt_buchbar",
            N,
            r"(ubrige|andere|alle\s+anderen|restliche)\w*\s+(zimmer\w*|kategorien|termine)\s+(bleiben|sind)\s+(weiterhin\s+)?(buchbar|verfugbar|offen)|bleib\w*\s+(weiterhin\s+)?(buchbar|verfugbar|offen)",
            0.0,
            consume=True,
        ),
        Rule(
            "de.booking.wir_bestatigen",
            B,
            r"wir\s+bestatigen\s+(ihnen\s+)?(die|ihre|folgende)\s+(buchung|reservierung)|(buchung|reservierung)\s+(ist\s+|wurde\s+)?bestatigt"
            r"|\bbestatigt\b\W{1,20}(nr|ref\w*|buchung)?\W{0,3}[a-z]{0,4}\d{3,}|\bbestatigungs?\s*(nr|nummer)\W{0,3}\d{3,}",
            3.0,
        ),
        Rule(
            "de.booking.bitte_um_buchung",
            B,
            r"(bitte|bitten)\s+(um\s+)?(buchung|reservierung)|mochten\s+.{0,40}(buchen|reservieren)",
            2.5,
        ),
        Rule(
            "de.stopsale.keine_verkaufe",
            S,
            r"bitte\s+nicht\s+(mehr\s+)?verkaufen|verkauf\w*\s+(ist\s+|wird\s+)?gestoppt|\bgeschlossen\s+fur\s+(den\s+)?verkauf",
            3.0,
        ),
        Rule(
            "de.amendment.verschiebung",
            A,
            r"\bverschieb\w*|\bverlanger\w*|\bverkurz\w*|namens(korrektur|anderung)|\bupgrade\b",
            3.0,
        ),
        Rule(
            "de.other.wartung",
            X,
            r"wartungsarbeiten|(system|server|geplante)\w*\s*wartung|mehr\s+(direkt)?buchungen|buchungen\s+steigern|im\s+browser\s+(anzeigen|ansehen)",
            4.5,
            genre=True,
        ),
        Rule(
            "de.booking.bestatigung_der",
            B,
            r"bestatigung\s+(?:der|ihrer|unserer|folgender)\s+(?:folgenden\s+)?(?:buchung|reservierung)"
            r"|(?:buchung|reservierung)\s+(?:ist\s+|wurde\s+)?(?:eingegangen|erhalten)",
            3.0,
        ),
    ),
)
