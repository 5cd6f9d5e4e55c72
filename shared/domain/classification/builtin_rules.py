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
    label: str
    pattern: str
    weight: float


B, S, O, C, A, X = "booking", "stopsale", "opensale", "cancellation", "amendment", "other"

RULES: tuple[Rule, ...] = (
    # --- booking -----------------------------------------------------------------------
    Rule("tr.booking.rezervasyon_onay", B, r"rezervasyon(unuz)?\s*(onay|teyit)", 3.0),
    Rule("tr.booking.yeni_rezervasyon", B, r"yeni\s+rezervasyon", 3.0),
    Rule("tr.booking.rezervasyon_talebi", B, r"rezervasyon\s+(talebi|istegi)", 2.5),
    Rule("tr.booking.onaylanmistir", B, r"onaylan(mistir|di|mis)", 1.5),
    Rule("tr.booking.grup_rezervasyonu", B, r"grup\s+rezervasyon", 2.5),
    Rule("tr.booking.konfirmasyon", B, r"\bkonfirm(asyon|e)", 1.5),
    Rule("tr.booking.rezervasyon", B, r"\brezervasyon", 1.0),
    Rule("en.booking.confirmation", B, r"(booking|reservation)\s+(confirm|is confirmed)", 3.0),
    Rule(
        "en.booking.confirmation_of", B, r"confirmation\s+of\s+(your\s+)?(booking|reservation)", 3.0
    ),
    Rule("en.booking.new", B, r"\bnew\s+(booking|reservation)", 3.0),
    Rule("en.booking.request", B, r"(booking|reservation)\s+request", 2.5),
    Rule("en.booking.confirmed", B, r"\b(booking|reservation)\s+(has been\s+)?confirmed", 3.0),
    Rule("en.booking.group_booking", B, r"\bgroup\s+(booking|reservation)", 2.5),
    Rule("en.booking.booking", B, r"\b(booking|reservation)\b", 1.0),
    Rule("de.booking.neue_buchung", B, r"\bneue\s+(buchung|reservierung)", 3.0),
    Rule("de.booking.bestatigung", B, r"(buchungs|reservierungs)bestatigung", 3.0),
    Rule("de.booking.anfrage", B, r"(buchungs|reservierungs)anfrage", 2.5),
    Rule("de.booking.buchung", B, r"\b(buchung|reservierung)\b", 1.0),
    Rule("ru.booking.new", B, r"нов(ое|ая|ый)\s+(бронировани|заявк|заказ)", 3.0),
    Rule("ru.booking.confirm", B, r"подтвержд\w*\s+(бронировани|заявк)", 3.0),
    Rule("ru.booking.request", B, r"заявк\w*\s+на\s+бронировани", 2.5),
    Rule("ru.booking.bron", B, r"бронировани", 1.0),
    Rule("any.booking.voucher", B, r"\bvoucher\b|\bvauc?her\b", 1.0),
    Rule("any.booking.rooming_list", B, r"rooming\s*list", 1.0),
    # --- stop sale ---------------------------------------------------------------------
    Rule("en.stopsale.stop_sale", S, r"\bstop[\s_-]*sales?\b", 3.5),
    Rule("en.stopsale.closed_for_sale", S, r"closed\s+(for|to)\s+(sale|booking)", 3.0),
    Rule("en.stopsale.close_out", S, r"\bclose[\s-]?outs?\b", 2.5),
    Rule("en.stopsale.no_availability", S, r"no\s+(more\s+)?(availability|allotment)", 1.5),
    Rule("tr.stopsale.satis_durdurma", S, r"satis(lar)?\s*(durdur|durdu)", 3.5),
    Rule("tr.stopsale.satisa_kapali", S, r"satisa\s*(kapa|kapal)", 3.5),
    Rule("tr.stopsale.kontenjan_kapat", S, r"kontenjan\w*\s*(kapat|kapan|dol)", 3.0),
    Rule("tr.stopsale.satis_yapilmayacak", S, r"satis\s+yapilma(yacak|maktadir)", 3.0),
    Rule("de.stopsale.verkaufsstopp", S, r"verkaufs\s*-?\s*stopp?\b", 3.5),
    Rule("de.stopsale.nicht_buchbar", S, r"nicht\s+(mehr\s+)?buchbar", 2.5),
    Rule("ru.stopsale.stop", S, r"стоп[\s-]*продаж", 3.5),
    Rule("ru.stopsale.closed", S, r"закрыт\w*\s+(продаж|для\s+продаж)", 3.0),
    Rule("en.stopsale.extended", S, r"stop\s*sales?\s+(is\s+)?(extended|prolonged)|uzatil", 1.0),
    # --- open sale (outweighs the stop-sale words it quotes) ----------------------------
    Rule("en.opensale.open_sale", O, r"\bopen(ing)?[\s_-]*sales?\b", 5.0),
    Rule("en.opensale.reopen", O, r"\bre-?open(ed|ing|s)?\b", 4.0),
    Rule(
        "en.opensale.lifted",
        O,
        r"stop\s*sales?\s+(is\s+|has been\s+)?(lifted|cancel+ed|removed|released)",
        5.0,
    ),
    Rule(
        "en.opensale.available_again", O, r"(available|bookable|open)\s+(again|for sale again)", 4.0
    ),
    Rule("en.opensale.release", O, r"release\s+of\s+(the\s+)?stop", 5.0),
    Rule("tr.opensale.satisa_acilis", O, r"satisa\s*(yeniden\s+)?ac", 5.0),
    Rule("tr.opensale.satis_acildi", O, r"satis(lar)?\s*(yeniden\s+)?acil", 5.0),
    Rule(
        "tr.opensale.stop_kaldirildi",
        O,
        r"(stop\s*sale|durdurma|stop)\w*\s*(kaldir|iptal edil)",
        5.0,
    ),
    Rule("tr.opensale.yeniden_satis", O, r"yeniden\s+(satis|satisa)", 4.0),
    Rule("de.opensale.aufhebung", O, r"aufhebung\s+(des\s+)?verkaufs", 5.0),
    Rule("de.opensale.aufgehoben", O, r"verkaufsstopp?\w*\s+(ist\s+|wird\s+)?aufgehoben", 5.0),
    Rule(
        "de.opensale.wieder_buchbar",
        O,
        r"wieder\s+(buchbar|verfugbar|zum\s+verkauf|offen|geoffnet)",
        4.0,
    ),
    Rule("ru.opensale.open", O, r"открыт\w*\s+продаж|продаж\w*\s+открыт|снят\w*\s+стоп", 5.0),
    # --- cancellation ------------------------------------------------------------------
    Rule("tr.cancellation.iptal", C, r"\biptal", 3.0),
    Rule("tr.cancellation.iptal_edildi", C, r"iptal\s*(edil|olun|edilmistir|onay|talebi)", 2.0),
    Rule("en.cancellation.cancel", C, r"\bcancel+(ation|ed|led)?\b", 3.0),
    Rule("de.cancellation.storno", C, r"\bstorn(o|ierung|iert)", 3.5),
    Rule("ru.cancellation.otmena", C, r"\bотмен|аннул", 3.5),
    # --- amendment ---------------------------------------------------------------------
    Rule("tr.amendment.degisiklik", A, r"degisiklik|degistiril|degistir", 3.5),
    Rule("tr.amendment.revize", A, r"\brevize|guncellen|duzeltme", 2.0),
    Rule("en.amendment.amendment", A, r"\bamend(ment|ed)?\b", 4.0),
    Rule("en.amendment.modified", A, r"\bmodif(ied|ication|y)\b", 3.5),
    Rule("en.amendment.change", A, r"\b(date|name|room|board|arrival|departure)\s+change", 3.0),
    Rule("en.amendment.changed", A, r"\b(has been |have been )?(changed|updated|revised)\b", 1.5),
    Rule("de.amendment.anderung", A, r"anderung|umbuchung|korrektur|namenskorrektur", 3.5),
    Rule("ru.amendment.izmenenie", A, r"изменени|корректировк|перенос\s+дат", 3.5),
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
    Rule("any.other.meeting", X, r"toplanti|ogle yemegi|meeting|besprechung", 1.5),
)
