"""Built-in classification rules, as data. Patterns match *folded* text (see ``text.fold``):
lower case, Turkish/German letters as ASCII ("satisa acilis" matches "SATIŞA AÇILIŞ" and
"Satisa Acilis"), Cyrillic lower case.

Weights: specific intents (cancel, amend, stop/open sale) outweigh generic booking words, so
"Rezervasyon İptali" is a cancellation and "Booking modified" an amendment. Open-sale
phrases outweigh the stop-sale words they usually quote ("stop sale kaldırılmıştır").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    label: str  # one of LABELS, or "neutral" (scores nothing, only consumes)
    pattern: str
    weight: float
    # A consuming rule blanks what it matched before the other rules run, so the words
    # inside it count once, for it: "stop sale cancelled" is an open sale, not also a stop
    # sale and a cancellation; "free cancellation" in a booking is terms, not a cancellation.
    consume: bool = False


B, S, O, C, A, X = "booking", "stopsale", "opensale", "cancellation", "amendment", "other"
N = "neutral"

# Boilerplate that names an intent without having it: cancellation / change terms in booking
# confirmations ("free cancellation until ...", "Stornobedingungen", "условия отмены") and
# "to cancel or modify this reservation ..." footers of booking engines.
NEUTRAL_RULES: tuple[Rule, ...] = (
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
    Rule(
        "tr.neutral.iptal_kosullari",
        N,
        r"iptal\s*(ve\s+(degisiklik|iade)\s*)?(kosul|sart|politika|kural|ceza|bedel|ucret|durumunda"
        r"|halinde|garantisi)\w*|ucretsiz\s+iptal\w*|(kosulsuz|son)\s+iptal\s+tarihi",
        0.0,
        consume=True,
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
    Rule(
        "ru.neutral.usloviya_otmeny",
        N,
        r"(услови\w*|политик\w*|правил\w*|штраф\w*(\s+за)?)\s+(отмен|аннуляц|аннулирован)\w*"
        r"|бесплатн\w*\s+(отмен|аннуляц)\w*|в\s+случае\s+(отмен|аннуляц)\w*",
        0.0,
        consume=True,
    ),
)

RULES: tuple[Rule, ...] = (
    *NEUTRAL_RULES,
    # --- booking -----------------------------------------------------------------------
    Rule("tr.booking.rezervasyon_onay", B, r"rezervasyon(unuz)?\s*(onay|teyit)", 3.0),
    Rule("tr.booking.yeni_rezervasyon", B, r"yeni\s+rezervasyon", 3.0),
    Rule("tr.booking.rezervasyon_talebi", B, r"rezervasyon\s+(talebi|istegi)", 2.5),
    Rule("tr.booking.onaylanmistir", B, r"onaylan(mistir|di|mis)", 1.5),
    Rule("tr.booking.grup_rezervasyonu", B, r"grup\s+rezervasyon", 2.5),
    Rule("tr.booking.konfirmasyon", B, r"\bkonfirm(asyon|e)", 1.5),
    Rule("tr.booking.rezervasyon", B, r"\brezervasyon", 1.0),
    Rule("tr.booking.rezerve", B, r"rezerve\s+(edin|edil|etmeniz|yapil)|yer\s+ayirt", 2.0),
    Rule("en.booking.confirmation", B, r"(booking|reservation)\s+(confirm|is confirmed)", 3.0),
    Rule(
        "en.booking.confirmation_of", B, r"confirmation\s+of\s+(your\s+)?(booking|reservation)", 3.0
    ),
    Rule("en.booking.new", B, r"\bnew\s+(booking|reservation|bkg|res)\b", 3.0),
    Rule("en.booking.please_book", B, r"\b(please|kindly|pls)\s+(book|reserve)\b", 2.0),
    Rule("en.booking.request", B, r"(booking|reservation)\s+request", 2.5),
    Rule(
        "en.booking.confirmed", B, r"\b(booking|reservation)\s+(has been\s+|is\s+)?confirmed", 3.0
    ),
    Rule("en.booking.confirmed_booking", B, r"\bconfirmed\s+(booking|reservation)", 3.0),
    Rule(
        "en.booking.number_confirmed",
        B,
        r"\b(booking|reservation)\b[^.\n]{0,40}\b(confirmed|confirmation)\b",
        2.0,
    ),
    Rule("en.booking.you_have_new", B, r"you\s+(have|got)\s+a\s+new\s+(booking|reservation)", 3.0),
    Rule("en.booking.group_booking", B, r"\bgroup\s+(booking|reservation)", 2.5),
    Rule("en.booking.booking", B, r"\b(booking|reservation|bkg)\b", 1.0),
    Rule("de.booking.neue_buchung", B, r"\bneue\s+(buchung|reservierung)", 3.0),
    Rule("de.booking.bestatigung", B, r"(buchungs|reservierungs)bestatigung", 3.0),
    Rule("de.booking.anfrage", B, r"(buchungs|reservierungs)anfrage", 2.5),
    Rule("de.booking.buchung", B, r"\b(buchung|reservierung)\b", 1.0),
    Rule("de.booking.bitte_buchen", B, r"bitte\s+(buchen|reservieren)|\bbuchen\s+sie\b", 2.0),
    Rule("ru.booking.new", B, r"нов(ое|ая|ый)\s+(бронировани|заявк|заказ)", 3.0),
    Rule("ru.booking.confirm", B, r"подтвержд\w*\s+(бронировани|заявк)", 3.0),
    Rule("ru.booking.request", B, r"заявк\w*\s+на\s+бронировани", 2.5),
    Rule("ru.booking.bron", B, r"бронировани", 1.0),
    Rule("ru.booking.zabronirovat", B, r"забронир\w*|просим\s+подтверд\w*", 2.0),
    Rule("any.booking.voucher", B, r"\bvoucher\b|\bvauc?her\b", 1.0),
    Rule("any.booking.rooming_list", B, r"rooming\s*list", 1.0),
    # --- stop sale ---------------------------------------------------------------------
    Rule("en.stopsale.stop_sale", S, r"\bstop[\s_-]*sales?\b", 3.5),
    Rule("en.stopsale.closed_for_sale", S, r"closed\s+(for|to)\s+(sale|booking)", 3.0),
    Rule("en.stopsale.close_out", S, r"\bclose[\s-]?outs?\b", 2.5),
    Rule("en.stopsale.no_availability", S, r"no\s+(more\s+)?(availability|allotment)", 1.5),
    Rule("en.stopsale.sold_out", S, r"\bsold[\s-]*out\b|\bfully\s+booked\b", 3.0),
    Rule(
        "en.stopsale.close_sales",
        S,
        r"\bclos(e|ed|ing)\s+(the\s+|all\s+)?sales?\b|\bsales?\s+(are\s+|is\s+)?closed\b"
        r"|\bstop\s+selling\b",
        3.0,
    ),
    Rule("tr.stopsale.satis_durdurma", S, r"satis(lar)?\s*(durdur|durdu)", 3.5),
    Rule("tr.stopsale.satisa_kapali", S, r"satisa\s*(kapa|kapal)", 3.5),
    Rule("tr.stopsale.satislar_kapatildi", S, r"satis(lar)?(imiz|i)?\s*(kapat|kapan)", 3.5),
    Rule("tr.stopsale.stop_satis", S, r"\bstop\s*satis", 3.5),
    Rule("tr.stopsale.satis_yapilmamasi", S, r"satis\s+yapilmama", 3.0),
    Rule("tr.stopsale.kontenjan_kapat", S, r"kontenjan\w*\s*(kapat|kapan|dol)", 3.0),
    Rule("tr.stopsale.satis_yapilmayacak", S, r"satis\s+yapilma(yacak|maktadir)", 3.0),
    Rule("de.stopsale.verkaufsstopp", S, r"verkaufs\s*-?\s*stopp?\b", 3.5),
    Rule("de.stopsale.nicht_buchbar", S, r"nicht\s+(mehr\s+)?buchbar", 2.5),
    Rule("de.stopsale.ausgebucht", S, r"\bausgebucht\b", 2.5),
    Rule("de.stopsale.verkauf_geschlossen", S, r"verkauf\w*\s+(ist\s+|wird\s+)?geschlossen", 3.0),
    Rule("ru.stopsale.stop", S, r"стоп[\s-]*продаж", 3.5),
    Rule("ru.stopsale.closed", S, r"закры\w*\s+(продаж|для\s+продаж)|продаж\w*\s+закры", 3.0),
    Rule("ru.stopsale.no_rooms", S, r"нет\s+(свободных\s+)?(мест|номеров)", 1.5),
    Rule("en.stopsale.extended", S, r"stop\s*sales?\s+(is\s+)?(extended|prolonged)|uzatil", 1.0),
    # --- open sale (outweighs the stop-sale words it quotes) ----------------------------
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
        "en.opensale.available_again", O, r"(available|bookable|open)\s+(again|for sale again)", 4.0
    ),
    Rule("en.opensale.release", O, r"release\s+of\s+(the\s+)?stop", 5.0, consume=True),
    Rule("tr.opensale.satisa_acilis", O, r"satisa\s*(yeniden\s+)?ac", 5.0),
    Rule("tr.opensale.satis_acildi", O, r"satis(lar)?(imiz|i)?\s*(yeniden\s+|tekrar\s+)?acil", 5.0),
    Rule(
        "tr.opensale.stop_kaldirildi",
        O,
        r"\b(stop\s*sale|stop\s*satis|satis\s*durdurma|durdurma|stop)\w*\s*(kaldir|iptal|sona\s+er)\w*",
        5.0,
        consume=True,
    ),
    Rule("tr.opensale.yeniden_satis", O, r"yeniden\s+(satis|satisa)", 4.0),
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
    Rule(
        "ru.opensale.open",
        O,
        r"откры\w*\s+продаж|продаж\w*\s+(снова\s+|вновь\s+)?откры"
        r"|возобнов\w*\s+продаж|продаж\w*\s+возобнов",
        5.0,
    ),
    Rule(
        "ru.opensale.stop_lifted",
        O,
        r"(сняти\w*|снят\w*|отмен\w*)\s+(стоп|stop)[\s-]*(продаж|sale)?\w*"
        r"|(стоп|stop)[\s-]*(продаж|sale)\w*\s+(снят|отмен)\w*",
        5.0,
        consume=True,
    ),
    # --- cancellation ------------------------------------------------------------------
    Rule("tr.cancellation.iptal", C, r"\biptal", 3.0),
    Rule("tr.cancellation.iptal_edildi", C, r"iptal\s*(edil|olun|edilmistir|onay|talebi)", 2.0),
    Rule(
        "en.cancellation.cancel", C, r"\bcancel+(ation|ations|ed|ing|s)?\b|\b(cxl|cnx|cncl)\b", 3.0
    ),
    Rule("de.cancellation.storno", C, r"\bstorn(o|ierung|iert|ieren)|annullierung", 3.5),
    Rule("ru.cancellation.otmena", C, r"\bотмен|аннул", 3.5),
    # --- amendment ---------------------------------------------------------------------
    Rule("tr.amendment.degisiklik", A, r"degisik|degis(ti|mi|ec)|degistir", 3.5),
    Rule("tr.amendment.revize", A, r"\brevize|guncelle(n|me)|duzeltme|duzeltil", 2.0),
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
    Rule("en.amendment.changed", A, r"\b(has been |have been )?(changed|updated|revised)\b", 1.5),
    Rule(
        "de.amendment.anderung",
        A,
        r"anderung|umbuchung|korrektur|\b(ge|ab|um)andert\b|\bandern\b",
        3.5,
    ),
    Rule(
        "ru.amendment.izmenenie",
        A,
        r"измен(ени|ить|ил|ит|яем|ен)|корректировк|перенос\w*\s+дат",
        3.5,
    ),
    # --- other (not an operational booking mail) ---------------------------------------
    Rule(
        "any.other.invoice",
        X,
        r"\b(e-?arsiv|e-?fatura|fatura\w*|invoice|rechnung|счет-фактур)",
        3.0,
    ),
    Rule(
        "any.other.newsletter", X, r"bulten|newsletter|abonelik|unsubscribe|abmelden|рассылк", 3.0
    ),
    Rule(
        "any.other.password",
        X,
        r"sifre\w*\s*(sifirla|yenile)|password\s+reset|reset\s+your\s+password|passwort",
        4.0,
    ),
    Rule(
        "any.other.promo",
        X,
        r"%\s?\d{2}\s*(indirim|daha|off|rabatt)|ucretsiz\s+(deneme|demo)|free\s+trial|kampanya",
        3.0,
    ),
    Rule(
        "any.other.early_booking",
        X,
        r"early\s+booking|erken\s+rezervasyon|fruhbucher|раннее\s+бронировани",
        2.5,
    ),
    Rule(
        "any.other.discount",
        X,
        r"\d{1,2}\s?%\s*(off|discount|indirim|rabatt|скидк)|\bdiscount\b|скидк",
        1.0,
    ),
    Rule(
        "any.other.payment",
        X,
        r"payment\s+(reminder|received|request|confirmation|due)|odeme\s+(hatirlatma|bildirim|talebi)"
        r"|zahlungs(erinnerung|eingang|aufforderung)|\bmahnung|счет\s+на\s+оплату|напоминани\w*\s+об\s+оплат",
        3.0,
    ),
    Rule(
        "any.other.account",
        X,
        r"verify\s+your\s+(email|account)|activate\s+your\s+account|hesabinizi\s+dogrula"
        r"|konto\s+(bestatigen|aktivieren)|подтвердите\s+(email|адрес|учетн)",
        3.0,
    ),
    Rule(
        "any.other.price_list",
        X,
        r"fiyat\s+listesi|price\s+list|rate\s+sheet|preisliste|прайс",
        2.0,
    ),
    Rule("any.other.meeting", X, r"toplanti|ogle yemegi|meeting|besprechung", 1.5),
)
