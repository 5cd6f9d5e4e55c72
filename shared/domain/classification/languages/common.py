"""Words shared by every language (voucher, invoice, newsletter ...)."""

from __future__ import annotations

from shared.domain.classification.rule import B, Language, Rule, X

LANGUAGE = Language(
    "any",
    rules=(
        Rule("any.booking.voucher", B, r"\bvoucher\b|\bvauc?her\b", 1.0),
        Rule("any.booking.rooming_list", B, r"rooming\s*list", 1.0),
        Rule(
            "any.other.invoice",
            X,
            r"\b(e-?arsiv|e-?fatura|fatura\w*|invoice|rechnung|счет-фактур)",
            3.0,
        ),
        Rule(
            "any.other.newsletter",
            X,
            r"bulten|newsletter|abonelik|unsubscribe|abmelden|рассылк",
            3.0,
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
        Rule(
            "any.other.multilingual_invoice",
            X,
            r"\bfaktur\w*|\bfactuur\b|\bfacture\b|\bfattura\b|рахунок|فاتوره|فاکتور|صورتحساب",
            3.0,
        ),
        Rule(
            "any.other.multilingual_genre",
            X,
            r"prace\s+(serwisowe|konserwacyjne|techniczne)|przerwa\s+techniczna|technichn\w*\s+roboty|технічн\w*\s+робот\w*|udrzb\w*\s+system\w*|odstavk\w*"
            r"|onderhoudswerkzaamheden|gepland\s+onderhoud|planerat\s+underhall|planlagt\s+vedligehold|vedlikehold|maintenance\s+programmee|travaux\s+de\s+maintenance"
            r"|manutenzione\s+(programmata|straordinaria)|صیانه|نگهداری\s+سیستم|بروزرسانی\s+سیستم"
            r"|wiecej\s+rezerwacji|vice\s+rezervaci|meer\s+boekingen|fler\s+bokningar|flere\s+bookinger|plus\s+de\s+reservations|piu\s+prenotazioni|больше\s+бронювань|більше\s+бронювань"
            r"|biuletyn|zpravodaj|nieuwsbrief|nyhetsbrev|nyhedsbrev|lettre\s+d.information|newsletter|wypisz\s+sie|odhlasit|afmelden|avregistrera|se\s+desabonner|desiscriv\w*|لغو\s+اشتراک|الغاء\s+الاشتراک",
            4.0,
            genre=True,
        ),
        # Sender roles: bed banks and channel managers send operational mail (a hint, weighed
        # as the sender field is: half)
        Rule(
            "any.booking.sender_bed_bank_or_channel_manager",
            B,
            r"\b(?:hotelbeds|webbeds|w2m|sunhotels|bedsonline|juniper|travco|dotw|tourico|siteminder"
            r"|hotelrunner|elektraweb|reseliva|hotellinx|yieldplanet|rategain|dedge|channex|cubilis)\b",
            3.0,
        ),
    ),
)
