"""Folding text so one pattern matches every way a word is written: Turkish with or without
its letters and in capitals ("İPTAL EDİLMİŞTİR" / "IPTAL EDILMISTIR" → "iptal edilmistir"),
German umlauts, Russian ё."""

from __future__ import annotations

import re
import unicodedata

from shared.domain.mime.conventions import FORWARD_PREFIX, REPLY_PREFIX

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
        # letters NFD does not take apart (Polish, Nordic, Croatian, French ligatures)
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "đ": "d",
        "Đ": "d",
        "\u2019": "'",
        # Greek: letters without their tonos / dialytika
        "ά": "α",
        "έ": "ε",
        "ή": "η",
        "ί": "ι",
        "ό": "ο",
        "ύ": "υ",
        "ώ": "ω",
        "ϊ": "ι",
        "ϋ": "υ",
        "ΐ": "ι",
        "ΰ": "υ",
        "Ά": "α",
        "Έ": "ε",
        "Ή": "η",
        "Ί": "ι",
        "Ό": "ο",
        "Ύ": "υ",
        "Ώ": "ω",
        # Arabic script: one form per letter, as Arabic and Persian keyboards differ
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "ـ": None,  # tatweel
        "\u200c": None,  # zero-width non-joiner (Persian)
        "\u200f": None,
        "\u200e": None,
    }
)
# Arabic short vowels and the superscript alef: dropped (written or not, the same word)
_ARABIC_MARKS = (*map(chr, range(0x064B, 0x0660)), "\u0670")


def _latin_without_accents() -> dict[int, str]:
    """Every precomposed Latin letter with accents (Latin-1 Supplement, Extended-A/B and
    Additional) to its base letter, so folding is one ``str.translate`` for mail written
    in composed form (practically all of it)."""
    table: dict[int, str] = {}
    for cp in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        ch = chr(cp)
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        if marks and base.isascii() and base.isalpha() and all(map(unicodedata.combining, marks)):
            table[cp] = base
    return table


_FOLD.update({k: v for k, v in _latin_without_accents().items() if k not in _FOLD})
# The letters ``_FOLD`` changes, but for ASCII "I" (``lower`` makes it "i" as well): found
# one by one, as most mail holds few of them — ``str.translate`` looks every character up
# once a text is not ASCII, several times slower on the texts of every language
_FOLDED = {chr(k): v if isinstance(v, str) else "" for k, v in _FOLD.items() if k != ord("I")}
# the Arabic marks go in the same pass (each character is replaced on its own: the order of
# the replacements and ``lower`` changes nothing)
_FOLDED.update(dict.fromkeys(_ARABIC_MARKS, ""))
# those a text holds are found in one pass (a set intersection) and replaced one by one
# with ``str.replace`` (no replacement holds a letter that is replaced: the order of the
# replacements does not matter); a regex calling back for every letter was slower
_FOLDED_LETTERS = frozenset(_FOLDED)
_COMBINING = re.compile(r"[\u0300-\u036f]")
_LATIN_MARKS = re.compile(r"(?<=[a-z])[\u0300-\u036f]+")
# runs of blanks other than a single space: what folding changes ("a  b", "a\tb" → "a b");
# the other blanks become spaces (``str.replace``), then runs of spaces one: a pattern with
# a literal start the regex engine skips to, where one of blanks stopped at every space
_OTHER_BLANKS = "\t\r\f\v"
_SPACES = re.compile("  +")
# Reply / forward prefixes of every language's mail clients (``mime.conventions``)
_REPLY_PREFIX = REPLY_PREFIX
_FORWARD_PREFIX = FORWARD_PREFIX
# "[EXTERNAL]", "[SPAM?]", "[Ticket#123]": tags gateways put in front of the prefixes
_TAG = re.compile(r"^\s*\[[^\]\n]{1,40}\]\s*")


def fold(text: str) -> str:
    """Lower-case, Turkish/German letters to ASCII, combining marks dropped."""
    if text.isascii():
        text = text.lower()
    else:
        for letter in _FOLDED_LETTERS.intersection(text):
            text = text.replace(letter, _FOLDED[letter])
        text = text.lower()
        if _COMBINING.search(text):  # decomposed input: drop the marks on Latin letters
            # (only there: Cyrillic й must stay й)
            nfd = _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text))
            text = unicodedata.normalize("NFC", nfd)
    return _one_space(text)


def _one_space(text: str) -> str:
    """Each run of blanks (but newlines) as one space."""
    for blank in _OTHER_BLANKS:
        if blank in text:
            text = text.replace(blank, " ")
    return _SPACES.sub(" ", text) if "  " in text else text


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
