"""English."""

from __future__ import annotations

from shared.domain.classification.rule import A, B, C, Language, N, O, Rule, S, X

LANGUAGE = Language(
    "en",
    conditionals=(
        "if",
        "unless",
        "otherwise",
        "in\\s+case",
        "provided\\s+that",
        "should\\s+(the|you|we|it|they)",
    ),
    questions=(
        "whether",
        "^question\\s+(about|regarding|on)\\b",
        "^(will|is|are|was|were|do|does|did|has|have|when|why|what|which|how)\\s+(there|the|it|this|that|your|our|a|an|any|all|you|we|they|sales?|rooms?|stop)\\b",
    ),
    requests=(
        "please",
        "kindly",
        "pls",
        "(can|could|would)\\s+you",
        "we\\s+(would\\s+like|want|need)",
        "i\\s+(would\\s+like|want|need)",
        "request",
    ),
    negations=("not", "no", "never", "without", "nor", "n't", "neither"),
    stop_terms=(
        r"stop[\s_-]*(sales?|sell)",
        r"close[\s-]?outs?",
        r"closed\s+(for|to)\s+(sale|arrival|departure)",
        r"\bct[ad]\b",
    ),
    lift_terms=(
        r"lift\w*",
        r"cancel+\w*",
        r"remov\w*",
        r"releas\w*",
        r"end(ed|s)?\b",
        r"withdraw\w*",
        r"over\b",
        r"no\s+longer\s+(valid|in\s+force|applies)",
    ),
    rules=(
        Rule(
            "en.opensale.stop_sell_off",
            O,
            r"stop[\s-]*(sell|sale)s?\s*[:=-]?\s*(off|no|inactive|deactivated|false|removed)\b",
            5.0,
            consume=True,
        ),
        Rule("en.stopsale.stop_sell", S, r"\bstop[\s-]*sell(s|ing)?\b", 3.5),
        Rule(
            "en.stopsale.availability_closed",
            S,
            r"\b(availability|rate\s*plan|room\s+type|allotment|inventory)\b[^.\n]{0,40}?\b(has\s+been\s+|is\s+|was\s+|are\s+)?closed\b"
            r"|\bclosed\s+on\s+all\s+channels\b|\bno\s+sales\s+(are\s+)?possible\b",
            3.5,
        ),
        Rule(
            "en.opensale.availability_opened",
            O,
            r"\b(availability|rate\s*plan|room\s+type|allotment|inventory)\b[^.\n]{0,40}?\b(has\s+been\s+|is\s+|was\s+)?(re-?)?opened\b"
            r"|\b(arrivals?|departures?|bookings?|reservations?)\s+(are\s+|is\s+)?(accepted|possible|allowed)\s+again\b|\bopen(ed)?\s+on\s+all\s+channels\b",
            4.5,
        ),
        Rule(
            "en.neutral.cancellation_terms",
            N,
            r"(free|late|no[\s-]?show)\s+(of\s+charge\s+)?cancel+ation"
            r"|cancel+ation\s+(policy|policies|terms|conditions|fees?|charges?|penalt\w*|deadline"
            r"|rules|period|costs?|is\s+free|free\s+of\s+charge|(is\s+)?(not\s+)?(possible|allowed))"
            r"|in\s+(the\s+)?(case|event)\s+of\s+(a\s+)?(late\s+)?cancel+ation"
            r"|cancel\s+free\s+of\s+charge",
            0.0,
            consume=True,
        ),
        Rule(
            "en.neutral.manage_booking",
            N,
            r"(if\s+you\s+(wish|want|need|would\s+like)\s+to|you\s+(can|may)(\s+also)?|how\s+to)"
            r"\s+(modify|change|amend|cancel)\w*(\s+(or|and(/or)?|/)\s+(modify|change|amend|cancel)\w*)?"
            r"|(modify|change|amend)\w*\s*(or|/)\s*cancel\w*|cancel\w*\s*(or|/)\s*(modify|change|amend)\w*"
            r"|manage\s+(your|this)\s+(booking|reservation)",
            0.0,
            consume=True,
        ),
        Rule("en.booking.confirmation", B, r"(booking|reservation)\s+(confirm|is confirmed)", 3.0),
        Rule(
            "en.booking.confirmation_of",
            B,
            r"confirmation\s+of\s+(your\s+)?(booking|reservation)",
            3.0,
        ),
        Rule(
            "en.booking.option",
            B,
            r"\bas\s+an?\s+option\b|\boption(al)?\s+(booking|reservation)\b",
            2.5,
        ),
        Rule(
            "en.other.acknowledged",
            X,
            r"^\W*(thank\s+you|thanks)\W+(noted|received|well\s+received)\b|\bnoted\s+with\s+thanks\b",
            3.5,
        ),
        Rule("en.booking.new", B, r"\bnew\s+(booking|reservation|bkg|res)\b", 3.0),
        Rule("en.booking.please_book", B, r"\b(please|kindly|pls)\s+(book|reserve)\b", 2.0),
        Rule("en.booking.request", B, r"(booking|reservation)\s+request", 2.5),
        Rule(
            "en.booking.confirmed",
            B,
            r"\b(booking|reservation)\s+(has been\s+|is\s+)?confirmed",
            3.0,
        ),
        Rule("en.booking.confirmed_booking", B, r"\bconfirmed\s+(booking|reservation)", 3.0),
        Rule(
            "en.booking.number_confirmed",
            B,
            r"\b(booking|reservation)\b[^.\n]{0,40}\b(confirmed|confirmation)\b",
            2.0,
        ),
        Rule(
            "en.booking.you_have_new", B, r"you\s+(have|got)\s+a\s+new\s+(booking|reservation)", 3.0
        ),
        Rule("en.booking.group_booking", B, r"\bgroup\s+(booking|reservation)", 2.5),
        Rule("en.booking.booking", B, r"\b(booking|reservation|bkg)\b", 1.0),
        Rule("en.stopsale.stop_sale", S, r"\bstop[\s_-]*sales?\b", 3.5),
        Rule("en.stopsale.closed_for_sale", S, r"closed\s+(for|to)\s+(sale|booking)", 3.0),
        Rule("en.stopsale.close_out", S, r"\bclose[\s-]?outs?\b", 2.5),
        Rule("en.stopsale.no_availability", S, r"no\s+(more\s+)?(availability|allotment)", 1.5),
        Rule("en.stopsale.sold_out", S, r"\bsold[\s-]*out\b|\bfully\s+booked\b", 3.0),
        Rule(
            "en.stopsale.close_sales",
            S,
            r"\bclos(e|ed|ing)\s+(the\s+|all\s+)?sales?\b|\bsales?\s+(?:\S+\s+){0,4}?(are\s+|is\s+)?(now\s+)?closed\b"
            r"|\bstop\s+selling\b",
            3.0,
        ),
        Rule(
            "en.stopsale.extended", S, r"stop\s*sales?\s+(is\s+)?(extended|prolonged)|uzatil", 1.0
        ),
        Rule("en.opensale.open_sale", O, r"\bopen(ing)?[\s_-]*sales?\b", 5.0),
        Rule("en.opensale.reopen", O, r"\bre-?open(ed|ing|s)?\b", 4.0),
        Rule(
            "en.opensale.lifted",
            O,
            r"stop[\s_-]*sales?\b(?:[^.\n]|(?<=\d)\.(?=\d)){0,40}?"
            r"\b((lifted|cancel+ed|removed|released|ended|withdrawn)\b|(is|are)\s+over\b)"
            r"|(lift|cancel|remove|release|end)\w*\s+(of\s+)?(the\s+|our\s+)?stop[\s_-]*sales?\b",
            5.0,
            consume=True,
        ),
        Rule(
            "en.opensale.sales_open",
            O,
            r"\bsales?\s+(are\s+|is\s+)?(now\s+)?(re-?)?open(ed)?\b|\bopen\s+for\s+sale",
            4.0,
        ),
        Rule(
            "en.opensale.available_again",
            O,
            r"(available|bookable|open)\s+(again|for sale again)",
            4.0,
        ),
        Rule("en.opensale.release", O, r"release\s+of\s+(the\s+)?stop", 5.0, consume=True),
        Rule(
            "en.cancellation.cancel",
            C,
            r"\bcancel+(ation|ations|ed|ing|s)?\b|\b(cxl|cnx|cncl)\b",
            3.0,
        ),
        Rule("en.amendment.amendment", A, r"\bamend(ment|ed)?\b", 4.0),
        Rule("en.amendment.modified", A, r"\bmodif(ied|ication|y)\b", 3.5),
        Rule(
            "en.amendment.change",
            A,
            r"\b(dates?|names?|room|board|meal|arrival|departure|guest|pax)\s+(type\s+)?change"
            r"|\bchang(e|ed|ing)\s+(of\s+|the\s+|in\s+)*(arrival|departure|check[\s-]?(in|out)"
            r"|dates?|names?|guests?|room|board|meal|pax|number\s+of)",
            3.0,
        ),
        Rule(
            "en.amendment.booking_update",
            A,
            r"\b(booking|reservation)\s+(update|change|revision|correction)"
            r"|\b(updated|revised|changed|corrected)\s+(booking|reservation)",
            3.0,
        ),
        Rule(
            "en.amendment.changed", A, r"\b(has been |have been )?(changed|updated|revised)\b", 1.5
        ),
        # what the trade writes beyond the set phrases
        Rule(
            "en.neutral.remains_open",
            N,
            r"(other|remaining|all\s+other|rest\s+of\s+the)\s+(room\s+types?|rooms|categories|dates|hotels?)\s+(remain|are|stay|is)\s+(still\s+)?(open|available|bookable|on\s+sale)(\s+for\s+sale)?"
            r"|(remain|remains|stay|stays)\s+(open|available|bookable|on\s+sale)(\s+for\s+sale)?",
            0.0,
            consume=True,
        ),
        Rule(
            "en.neutral.keep_booking",
            N,
            r"(we|i)\s+(will\s+|would\s+like\s+to\s+|want\s+to\s+)?keep\s+(it|the\s+(booking|reservation)|this\s+(booking|reservation))|instead\s+of\s+cancel+ing",
            0.0,
            consume=True,
        ),
        # (written to start with a literal or a character set, which the regex engine skips to)
        Rule(
            "en.booking.please_book_the_following",
            B,
            r"(?:please|kindly|pls|plz)\s+(?:book|reserve|block|hold|confirm\s+(?:the\s+)?(?:following|below|booking|reservation|room))"
            r"|(?:could|can)\s+you\s+(?:please\s+)?(?:book|reserve|block)\b|request\s+to\s+book\b",
            2.5,
        ),
        Rule(
            "en.booking.we_would_like_to_book",
            B,
            r"(?:would\s+like|want|wish|need)\s+to\s+(?:book|reserve|make\s+a\s+(?:booking|reservation))",
            2.5,
        ),
        Rule(
            "en.booking.we_confirm",
            B,
            r"\bwe\s+(hereby\s+)?confirm\s+(the\s+|your\s+)?(following\s+)?(booking|reservation|arrival|stay|room)"
            r"|\b(booking|reservation)\s+(received|accepted|placed)",
            3.0,
        ),
        # terse confirmations: a confirming word and a reference number, nothing else needed
        Rule(
            "en.booking.confirmation_number",
            B,
            r"(?:conf(?:irmation)?|cnf)\.?\s*(?:no|nr|num(?:ber)?|code|#)?\.?\s*[:.#]?\s*[a-z]{0,4}[-/]?\d{3,}",
            3.0,
        ),
        Rule(
            "en.booking.confirmed_reference",
            B,
            r"(?:confirmed|cfmd|ok(?:ay)?)\b(?<![a-z]ok)(?<![a-z]okay)\W{1,20}(?:ref\w*|res\w*|booking|voucher|no|nr|#)?\W{0,3}[a-z]{0,4}[-/]?\d{3,}",
            3.0,
        ),
        Rule(
            "en.booking.reference_confirmed",
            B,
            r"\d\d\d+\W{1,20}(?:is\s+)?(?:confirmed|cfmd|ok)\b(?<![a-z]ok)",
            3.0,
        ),
        Rule(
            "en.stopsale.no_more_sales",
            S,
            r"\bno\s+more\s+(sales|bookings)\b|\b(please\s+)?(do\s+not|don'?t)\s+(sell|book)\b|\bstop\s+(selling|booking)\b"
            r"|\ballotment\s+(is\s+)?(full|closed|exhausted)|\bclosed\s+(for|to)\s+(arrival|sales?)",
            3.0,
        ),
        Rule(
            "en.opensale.open_again",
            O,
            r"\b(back\s+on\s+sale|open\s+again|on\s+sale\s+again|resume\s+(selling|sales)|(you\s+)?can\s+(start|resume|continue)\s+selling)\b"
            r"|\bavailable\s+for\s+(booking|sale)\s+again\b",
            4.0,
        ),
        Rule(
            "en.amendment.move_dates",
            A,
            r"\b(move|shift|postpone|change|amend|modify|extend|shorten|bring\s+forward)\s+(the\s+|his\s+|her\s+|their\s+|our\s+)?(dates?|stay|arrival|departure|check[\s-]?(in|out)|booking|reservation)\b"
            r"|\b(extension|reduction)\s+of\s+(the\s+)?stay|\b(add|remove)\s+(an?\s+|one\s+)?(extra\s+)?(night|person|guest|child|adult|bed|room)\b"
            r"|\bname\s+correction|\bupgrade\s+(the\s+)?room|\binstead\s+of\b",
            3.0,
        ),
        Rule(
            "en.other.marketing",
            X,
            r"\b(increase|boost|grow|double|maximi[sz]e|get)\s+(your\s+)?(direct\s+|online\s+)?(bookings|reservations|revenue|occupancy|sales)\b"
            r"|\bmore\s+(direct\s+)?(bookings|reservations)\b|\bwebinar\b|\b(free|book\s+a|request\s+a)\s+demo\b|\bsign\s+up\b"
            r"|\blimited[\s-]+time\s+offer\b|\bspecial\s+offer\s+for\s+(hotels|hoteliers|partners)\b|\bour\s+(new\s+)?(platform|software|solution)\b",
            4.0,
            genre=True,
        ),
        Rule(
            "en.other.maintenance",
            X,
            r"\b(scheduled|planned|system|server|emergency)\s+maintenance\b|\bmaintenance\s+(window|work|notice)\b|\bdowntime\b"
            r"|\bservice\s+(interruption|outage)\b|\bwill\s+be\s+(temporarily\s+)?(unavailable|offline)\b|\bsystem\s+(upgrade|update)\b",
            4.5,
            genre=True,
        ),
        Rule(
            "en.other.newsletter",
            X,
            r"\bview\s+(this\s+(e-?mail|message)\s+)?in\s+(your\s+)?browser\b|\byou\s+(are\s+)?receiv\w*\s+this\s+(e-?mail|newsletter|message)\s+because"
            r"|\bto\s+unsubscribe\b|\bmonthly\s+(news|update)|\bnewsletter\b",
            4.0,
            genre=True,
        ),
        Rule(
            "en.booking.pleased_to_confirm",
            B,
            r"(?:pleased|happy|glad)\s+to\s+confirm|confirm\w*\s+(?:the\s+|your\s+|our\s+)?(?:following\s+)?(?:booking|reservation)s?\b",
            3.0,
        ),
        Rule(
            "en.amendment.changes_to",
            A,
            r"changes?\s+(?:to|in|on|for)\s+(?:the\s+|your\s+|our\s+|this\s+)?(?:booking|reservation|res\b|stay|rooming)"
            r"|(?:room|board|meal)\s+type\s+(?:upgrade|change)",
            3.5,
        ),
    ),
)
