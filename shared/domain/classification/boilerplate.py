"""What a mail carries besides what its sender says now, as data: sign-offs that open a
signature, and the footer lines of booking engines, newsletters and legal departments
("manage booking | cancel | amend", "unsubscribe", "this email was sent by …", disclaimers).

Patterns match folded text (``text.fold``), within a line.
"""

from __future__ import annotations

# A line that is only a sign-off: what follows is the signature (name, hotel, phones, links)
SIGN_OFFS = (
    r"(best|kind|warm|warmest|many\s+thanks\s+and|with\s+best)\s+regards",
    r"regards|best|cheers|sincerely|yours\s+(sincerely|faithfully|truly)|thanks(\s+and\s+regards)?",
    r"saygilarimizla|saygilarimla|saygilar|iyi\s+calismalar|tesekkurler",
    r"mit\s+freundlichen\s+gru(ss|s)en|freundliche\s+gru(ss|s)e|viele\s+gru(ss|s)e|beste\s+gru(ss|s)e|mfg",
    r"с\s+уважением|всего\s+доброго|з\s+повагою",
    r"pozdrawiam|z\s+powazaniem|s\s+pozdravem|s\s+pratelskym\s+pozdravem",
    r"met\s+vriendelijke\s+groet(en)?|vriendelijke\s+groet(en)?|groeten",
    r"med\s+vanlig\s+halsning|vanliga\s+halsningar|med\s+venlig\s+hilsen|med\s+vennlig\s+hilsen|hilsen",
    r"cordialement|bien\s+cordialement|salutations\s+distinguees|bien\s+a\s+vous",
    r"cordiali\s+saluti|distinti\s+saluti|saluti",
    r"مع\s+تحیات\w*|مع\s+خالص\s+التحیات|با\s+احترام|با\s+سپاس",
)

# Footer lines: links to manage a booking, unsubscribe, legal text, "sent by" notes
FOOTER_LINES = (
    # a bar of short links: "Manage booking | Cancel | Amend", "View · Modify · Cancel"
    r"^(?:[^|•·\n]{1,30}\s*[|•·]\s*){2,}[^|•·\n]{1,30}$",
    r"unsubscribe|opt[\s-]?out|manage\s+(your\s+)?(subscription|preferences|e-?mail\s+settings)",
    r"this\s+(e-?mail|message)\s+(was|has\s+been)\s+(sent|generated|automatically)",
    r"(?:sent|delivered)\s+(?:to\s+you\s+)?by\s+\S+\s*(?:on\s+behalf|$)",
    r"^powered\s+by\b",
    r"you\s+(are\s+)?receiv\w*\s+this\s+(e-?mail|message|newsletter)",
    r"do\s+not\s+reply\s+to\s+this|please\s+do\s+not\s+reply|no-?reply",
    r"confidential|intended\s+(solely|only)\s+for|received\s+this\s+(e-?mail|message)\s+in\s+error"
    r"|disclaimer|privacy\s+(policy|notice)|terms\s+(and|&)\s+conditions|all\s+rights\s+reserved",
    r"©",
    r"view\s+(this\s+(e-?mail|message)\s+)?(in|as)\s+(your\s+)?(browser|html|web)",
    # the same in the source-market languages
    r"abonelikten\s+cik|bu\s+e-?posta\s+.{0,40}gonderil|gizli\w*\s+bilgi|yanlislikla\s+size\s+ulas",
    r"abmelden|abbestellen|diese\s+e-?mail\s+wurde\s+.{0,40}(gesendet|versendet|erstellt)"
    r"|vertraulich|haftungsausschluss|datenschutz",
    r"отписаться|это\s+письмо\s+(было\s+)?(отправлено|сформировано)|конфиденциальн",
    r"afmelden|uitschrijven|desabonner|se\s+desinscrire|disiscriv|avregistrera|avmeld"
    r"|wypisz\s+sie|odhlasit|ce\s+message\s+(a\s+ete|est)\s+(envoye|genere)"
    r"|questa\s+e-?mail\s+.{0,30}(inviata|generata)|deze\s+e-?mail\s+is\s+.{0,30}verzonden",
)

SIGNATURE_DELIMITER = "--"  # "-- " (RFC 3676 4.3), as a stripped line
