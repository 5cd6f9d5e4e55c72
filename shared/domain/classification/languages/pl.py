"""Polish (folded: "sprzedaży" → "sprzedazy", "ł" → "l")."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S

LANGUAGE = Language(
    "pl",
    conditionals=("jesli", "jezeli", "w\\s+przeciwnym\\s+razie"),
    questions=("czy",),
    requests=("prosze", "prosimy", "uprzejmie"),
    negations=("nie", "brak", "bez"),
    stop_terms=(r"stop\w*\s*sprzedaz\w*", r"wstrzymani\w*\s+sprzedazy", r"stop\s*sale"),
    lift_terms=(
        r"znies\w*",
        r"odwol\w*",
        r"anulow\w*",
        r"wycofan\w*",
        r"uchyl\w*",
        r"koniec",
        r"zakonczen\w*",
    ),
    rules=(
        Rule(
            "pl.neutral.warunki_anulacji",
            N,
            r"(warunk\w*|zasad\w*|polityk\w*|koszt\w*|opla\w*)\s+(anulacji|anulowania|rezygnacji|odwolania)"
            r"|bezplatn\w*\s+(anulacj\w*|anulowani\w*|rezygnacj\w*)|w\s+przypadku\s+(anulacji|anulowania|rezygnacji)",
            0.0,
            consume=True,
        ),
        Rule("pl.booking.nowa_rezerwacja", B, r"\bnow(a|e)\s+(rezerwacj|zamowieni)\w*", 3.0),
        Rule(
            "pl.booking.potwierdzenie",
            B,
            r"potwierdzeni\w*\s+(rezerwacj\w*|zamowieni\w*)|rezerwacj\w*\s+(zostala\s+|jest\s+)?potwierdzon\w*"
            r"|potwierdzamy\s+(rezerwacj\w*|przyjazd|pobyt)",
            3.0,
        ),
        Rule(
            "pl.booking.prosba",
            B,
            r"(prosba|prosimy|prosze|zapytanie)\s+o\s+(rezerwacj|zarezerwowani)\w*",
            2.5,
        ),
        Rule(
            "pl.booking.zarezerwowac",
            B,
            r"\bzarezerwow\w*|\bzarezerwuj\w*|chcielibysmy\s+(?:\S+\s+){0,2}?rezerw\w*",
            2.5,
        ),
        Rule("pl.booking.rezerwacja", B, r"\brezerwacj\w*", 1.0),
        Rule(
            "pl.stopsale.stop_sprzedazy",
            S,
            r"\bstop\w*\s*sprzedaz\w*|wstrzymani\w*\s+sprzedazy|sprzedaz\w*\s+(?:\S+\s+){0,3}?(zostala\s+|zostaje\s+|jest\s+)?wstrzyman\w*"
            r"|wstrzymujemy\s+sprzedaz|zamkniec\w*\s+sprzedazy|sprzedaz\w*\s+(?:\S+\s+){0,3}?(zostala\s+|zostaje\s+|jest\s+)?zamknie\w*"
            r"|zamykamy\s+sprzedaz|sprzedaz\s*[:=]\s*zamkniet\w*",
            3.5,
        ),
        Rule(
            "pl.stopsale.wyprzedane",
            S,
            r"\bwyprzedan\w*|brak\s+(wolnych\s+)?(miejsc|pokoi|dostepnosci)",
            2.0,
        ),
        Rule(
            "pl.opensale.otwarcie",
            O,
            r"otwarci\w*\s+sprzedazy|sprzedaz\w*\s+(?:\S+\s+){0,3}?(zostala\s+|zostaje\s+|jest\s+)?(ponownie\s+|znow\s+)?otwart\w*"
            r"|otwieramy\s+(ponownie\s+)?sprzedaz|wznowieni\w*\s+sprzedazy|wznawiamy\s+sprzedaz|sprzedaz\w*\s+wznowion\w*",
            5.0,
        ),
        Rule(
            "pl.opensale.ponownie_dostepne",
            O,
            r"(ponownie|znow|znowu)\s+(dostepn|w\s+sprzedazy|otwart)\w*",
            4.0,
        ),
        Rule("pl.cancellation.anulacja", C, r"\banul(acj|owan|uj|owa)\w*|\brezygnacj\w*", 3.5),
        Rule("pl.cancellation.odwolanie", C, r"odwola\w*\s+(rezerwacj|pobyt|przyjazd)\w*", 3.0),
        Rule(
            "pl.amendment.zmiana",
            A,
            r"\bzmian\w*|\bzmieni\w*|\bmodyfikacj\w*|\bkorekt\w*|przesuni\w*\s+(termin|dat|przyjazd)\w*|przedluzeni\w*\s+pobytu",
            3.5,
        ),
        Rule(
            "pl.booking.potwierdzam_nr",
            B,
            r"potwierdz\w*\W{1,20}(?:nr|numer|no)\W{0,3}[a-z]{0,4}\d{3,}|(?:nr|numer)\s+potwierdzenia\W{0,3}[a-z]{0,4}\d{3,}",
            3.0,
        ),
    ),
)
