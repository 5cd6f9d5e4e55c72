"""Folding text so one pattern matches every way a word is written: Turkish with or without
its letters and in capitals ("İPTAL EDİLMİŞTİR" / "IPTAL EDILMISTIR" → "iptal edilmistir"),
German umlauts, Russian ё."""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans(
    {
        "İ": "i",
        "I": "i",
        "ı": "i",
        "ş": "s",
        "Ş": "s",
        "ğ": "g",
        "Ğ": "g",
        "ç": "c",
        "Ç": "c",
        "ö": "o",
        "Ö": "o",
        "ü": "u",
        "Ü": "u",
        "ä": "a",
        "Ä": "a",
        "ß": "ss",
        "â": "a",
        "Â": "a",
        "î": "i",
        "û": "u",
        "ё": "е",
        "Ё": "е",
        "\u00a0": " ",
    }
)
_LATIN_MARKS = re.compile(r"(?<=[a-z])[\u0300-\u036f]+")
_SPACE = re.compile(r"[ \t\r\f\v]+")
# Reply / forward prefixes as mail clients write them: English, German (AW/WG), Turkish
# Outlook (YNT/İLT), Russian (Ответ/Отв/Пересл), Nordic (SV/VS), Spanish (RV), French (TR).
_REPLY_PREFIX = re.compile(
    r"^\s*((re|aw|ynt|cevap|yanit|antw|antwort|ответ|отв|sv|vs|odp)\.?\s*(\[\d+\]|\(\d+\))?"
    r"\s*:\s*)+",
    re.IGNORECASE,
)
_FORWARD_PREFIX = re.compile(
    r"^\s*((fwd?|fw|wg|ilt|i̇lt|İlt|tr|rv|enc|пересл|weiterleitung)\.?\s*(\[\d+\]|\(\d+\))?"
    r"\s*:\s*)+",
    re.IGNORECASE,
)
# "[EXTERNAL]", "[SPAM?]", "[Ticket#123]": tags gateways put in front of the prefixes
_TAG = re.compile(r"^\s*\[[^\]\n]{1,40}\]\s*")


def fold(text: str) -> str:
    """Lower-case, Turkish/German letters to ASCII, combining marks dropped."""
    text = text.translate(_FOLD).lower()
    if not text.isascii():
        # drop accents on Latin letters only (Cyrillic й must stay й)
        nfd = _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text))
        text = unicodedata.normalize("NFC", nfd)
    return _SPACE.sub(" ", text)


def strip_prefixes(subject: str) -> tuple[str, bool, bool]:
    """(subject without Re:/Fwd: prefixes, was_reply, was_forward)."""
    reply = forward = False
    for _ in range(8):  # "RE: FW: RE:" chains, bounded
        m = _TAG.match(subject)
        if m:
            rest = subject[m.end() :]
            if _REPLY_PREFIX.match(rest) or _FORWARD_PREFIX.match(rest):
                subject = rest
        m = _REPLY_PREFIX.match(subject)
        if m:
            reply = True
            subject = subject[m.end() :]
            continue
        m = _FORWARD_PREFIX.match(subject)
        if m:
            forward = True
            subject = subject[m.end() :]
            continue
        break
    return subject.strip(), reply, forward
