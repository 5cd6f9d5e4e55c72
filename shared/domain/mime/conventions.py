"""What mail clients write around a message, per language: reply and forward subject
prefixes, auto-reply subjects and openings, the line that introduces quoted history ("On …
wrote:"), the original-message separator and the Outlook header block. Data only: adding a
language is adding an entry (with its tests in tests/unit/domain/test_languages.py).

Patterns are regular-expression fragments matched case-insensitively on the text as
written (not folded): they spell the letters the clients write ("Odp", "Wysłano").
The languages are those of Turkish tourism's source markets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Conventions:
    code: str
    reply: tuple[str, ...] = ()  # subject prefixes, without the colon
    forward: tuple[str, ...] = ()
    auto_reply: tuple[str, ...] = ()  # subject openings and body openings of auto-replies
    wrote: tuple[str, ...] = ()  # the verb that ends an "On <date>, <name> wrote:" line
    original: tuple[str, ...] = ()  # "----- Original Message -----"
    from_: tuple[str, ...] = ()  # the Outlook block: "From:" ...
    sent: tuple[str, ...] = ()  # ... followed by "Sent:" / "Date:"


LANGUAGES: tuple[Conventions, ...] = (
    Conventions(
        "en",
        reply=("re",),
        forward=("fw", "fwd"),
        auto_reply=(
            r"auto(matic)?[- ]?(reply|response|answer)",
            r"autoreply",
            r"out of (the )?office",
            r"away from (the|my) office",
            r"i am (currently )?(out of|away from) (the )?office",
            r"i('m| am) (currently )?(on (annual )?(leave|vacation|holiday)|away)",
            r"thank you for your (e-?mail|message)\W+i am (currently )?(out|away|on)",
        ),
        wrote=("wrote",),
        original=(r"original message", r"forwarded message"),
        from_=("from",),
        sent=("sent", "date"),
    ),
    Conventions(
        "de",
        reply=("aw", "antw", "antwort"),
        forward=("wg", "wtr", "weiterleitung"),
        auto_reply=(
            r"abwesenheitsnotiz",
            r"automatische antwort",
            r"abwesend",
            r"nicht im büro",
            r"ich bin (bis|vom|derzeit|zurzeit) .{0,40}(nicht im büro|abwesend|im urlaub)",
        ),
        wrote=("schrieb",),
        original=(r"ursprüngliche nachricht", r"weitergeleitete nachricht"),
        from_=("von",),
        sent=("gesendet", "datum"),
    ),
    Conventions(
        "tr",
        reply=("ynt", "cvp", "cevap", "yan[ıi]t"),
        forward=("[iİı]lt", "i̇lt", "iletilen"),
        auto_reply=(
            r"otomatik (yan[ıi]t|cevap)",
            r"ofis d[ıi]ş[ıi]nda",
            r"izindeyim",
        ),
        wrote=("yazdı", "şunu yazdı", "yazdi"),
        original=(r"orijinal mesaj", r"(ö|o)zg(ü|u)n (i|İ|I)leti", r"iletilen mesaj"),
        from_=("kimden",),
        sent=("gönderildi", "gönderilme tarihi", "tarih"),
    ),
    Conventions(
        "ru",
        reply=("ответ", "отв"),
        forward=("пересл", "fw"),
        auto_reply=(
            r"автоответ",
            r"автоматический ответ",
            r"(меня )?нет на месте",
            r"вне офиса",
            r"я в отпуске",
        ),
        wrote=(r"написал(а)?", r"написала", "пишет"),
        original=(r"исходное сообщение", r"пересылаемое сообщение"),
        from_=("от",),
        sent=("отправлено", "дата"),
    ),
    Conventions(
        "uk",
        reply=("відп", "відповідь"),
        forward=("пересл", "перес"),
        auto_reply=(
            r"автовідповідь",
            r"автоматична відповідь",
            r"поза офісом",
            r"(я )?у відпустці",
        ),
        wrote=(r"написав", r"написала", r"пише"),
        original=(r"початкове повідомлення", r"оригінальне повідомлення"),
        from_=("від",),
        sent=("надіслано", "дата"),
    ),
    Conventions(
        "pl",
        reply=("odp", "odpowiedź"),
        forward=("pd", "przek", "przekaż"),
        auto_reply=(
            r"automatyczna odpowied[źz]",
            r"odpowied[źz] automatyczna",
            r"nieobecno[śs][ćc]",
            r"poza biurem",
            r"jestem (obecnie )?(poza biurem|na urlopie|nieobecn[ya])",
        ),
        wrote=(r"napisał(a)?", r"pisze"),
        original=(r"oryginalna wiadomo[śs][ćc]", r"wiadomo[śs][ćc] oryginalna"),
        from_=("od",),
        sent=("wysłano", "wysłane", "data"),
    ),
    Conventions(
        "cs",
        reply=("odp", "re"),
        forward=("př", "přep", "předat", "fw"),
        auto_reply=(
            r"automatická odpověď",
            r"mimo kancelář",
            r"nepřítomnost",
            r"jsem (mimo kancelář|na dovolené)",
        ),
        wrote=(r"napsal(a)?",),
        original=(r"původní zpráva", r"původní e-mail"),
        from_=("od",),
        sent=("odesláno", "datum"),
    ),
    Conventions(
        "nl",
        reply=("antw",),
        forward=("doorst", "fw"),
        auto_reply=(
            r"automatisch antwoord",
            r"afwezig",
            r"buiten kantoor",
            r"niet op kantoor",
            r"ik ben (momenteel |tot .{0,30})?(afwezig|niet op kantoor|met vakantie)",
        ),
        wrote=("schreef",),
        original=(r"oorspronkelijk bericht", r"origineel bericht"),
        from_=("van",),
        sent=("verzonden", "datum"),
    ),
    Conventions(
        "nordic",  # Swedish, Danish, Norwegian (and Finnish, whose clients share prefixes)
        reply=("sv", "svar", "vs", "ang"),
        forward=("vb", "vl", "videresend", "vidarebefordrat"),
        auto_reply=(
            r"automatiskt svar",
            r"automatisk svar",
            r"frånvaro",
            r"fravær(ende)?",
            r"(ej|inte|ikke) på kontoret",
            r"jeg er (på ferie|ikke på kontoret|fraværende)",
            r"jag är (på semester|inte på kontoret|ledig)",
        ),
        wrote=("skrev", "skrev følgende", "kirjoitti"),
        original=(
            r"ursprungligt meddelande",
            r"oprindelig meddelelse",
            r"opprinnelig melding",
            r"alkuperäinen viesti",
        ),
        from_=("från", "fra", "lähettäjä"),
        sent=("skickat", "sendt", "skickades", "lähetetty", "dato", "datum"),
    ),
    Conventions(
        "fr",
        reply=("re", "rép", "rep", "réf"),
        forward=("tr", "transf", "fwd"),
        auto_reply=(
            r"réponse automatique",
            r"r[ée]ponse automatique",
            r"absent(e)? du bureau",
            r"absence du bureau",
            r"message d'absence",
            r"je suis (actuellement )?(absent|en congés?|en vacances)",
        ),
        wrote=(r"a écrit", r"a ecrit"),
        original=(r"message d'origine", r"message original", r"message transféré"),
        from_=("de",),
        sent=("envoyé", "date"),
    ),
    Conventions(
        "it",
        reply=("r", "rif", "ris"),
        forward=("i", "inoltro", "fw"),
        auto_reply=(
            r"risposta automatica",
            r"fuori ufficio",
            r"sono (attualmente )?(fuori ufficio|in ferie|assente)",
        ),
        wrote=("ha scritto",),
        original=(r"messaggio originale", r"messaggio inoltrato"),
        from_=("da",),
        sent=("inviato", "data"),
    ),
    Conventions(
        "es-pt",  # Spanish and Portuguese clients appear in forwarded threads
        reply=("resp",),  # not "Res:": in this trade it means a reservation
        forward=("rv", "enc", "reenv"),
        auto_reply=(r"respuesta automática", r"resposta automática", r"fuera de la oficina"),
        wrote=("escribió", "escreveu"),
        original=(r"mensaje original", r"mensagem original"),
        from_=("de",),
        sent=("enviado", "fecha"),
    ),
    Conventions(
        "ar",
        reply=("رد",),
        forward=("إعادة توجيه", "توجيه", "اعادة توجيه"),
        auto_reply=(r"رد تلقائي", r"الرد التلقائي", r"خارج المكتب"),
        wrote=("كتب",),
        original=(r"الرسالة الأصلية",),
        from_=("من",),
        sent=("تم الإرسال", "أرسل", "التاريخ"),
    ),
    Conventions(
        "fa",
        reply=("پاسخ", "پاسخ به"),
        forward=("هدایت", "ارسال مجدد", "باز ارسال"),
        auto_reply=(r"پاسخ خودکار", r"خارج از (دفتر|اداره)"),
        wrote=("نوشت",),
        original=(r"پیام اصلی",),
        from_=("از",),
        sent=("ارسال شده", "تاریخ"),
    ),
)


def _alternatives(attr: str) -> str:
    words = {w for lang in LANGUAGES for w in getattr(lang, attr)}
    return "|".join(sorted(words, key=len, reverse=True))


# "Re:", "AW[2]:", "Odp (3):" — one prefix; chains are stripped by repeating the match.
REPLY_PREFIX = re.compile(
    rf"^\s*((?:{_alternatives('reply')})\.?\s*(\[\d+\]|\(\d+\))?\s*[:：]\s*)+", re.IGNORECASE
)
FORWARD_PREFIX = re.compile(
    rf"^\s*((?:{_alternatives('forward')})\.?\s*(\[\d+\]|\(\d+\))?\s*[:：]\s*)+", re.IGNORECASE
)
AUTO_REPLY = re.compile(rf"^\s*(?:{_alternatives('auto_reply')})", re.IGNORECASE)
# the words as a body opening: a short text that starts with them (not a human mentioning it)
AUTO_REPLY_BODY = re.compile(
    rf"^\W{{0,5}}(\w+\W{{1,3}}){{0,8}}?(?:{_alternatives('auto_reply')})\b", re.IGNORECASE
)
WROTE = _alternatives("wrote")
ORIGINAL = _alternatives("original")
FROM = _alternatives("from_")
SENT = _alternatives("sent")
