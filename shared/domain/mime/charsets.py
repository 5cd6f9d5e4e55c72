"""Turning bytes into text when the declared charset is missing, wrong or unknown."""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from charset_normalizer import from_bytes

from shared.domain.mime.iso2022jp import decode_iso2022jp

# What mail in this domain is written in when it does not say (Turkish, German, Russian).
_FALLBACKS = ("utf-8", "windows-1254", "koi8-r", "windows-1251", "iso-8859-2", "latin-1")
_DETECT_LIMIT = 64 * 1024  # detection on a prefix keeps big bodies linear


# Misspellings and vendor names real mailers put in charset= (seen from Outlook, old
# webmails and Russian clients), mapped to what Python calls them.
_ALIASES = {
    "unicode-1-1-utf-8": "utf-8",
    "utf8mb4": "utf-8",
    "x-user-defined": "windows-1252",
    "x-mac-turkish": "mac-turkish",
    "x-mac-cyrillic": "mac-cyrillic",
    "latin-5": "iso-8859-9",
    "turkish": "iso-8859-9",
    "iso-8859-8-i": "iso-8859-8",  # RFC 1556 logical order: same bytes
    "iso-8859-6-i": "iso-8859-6",
    "koi8r": "koi8-r",
    "koi8u": "koi8-u",
}
# Labels whose bytes real mailers fill from a larger repertoire: decode with the superset
# (what the WHATWG Encoding Standard and every mail client do): a GBK character under a
# gb2312 label, Korean Windows text labelled ks_c_5601-1987 / euc-kr, HKSCS in big5, NEC
# and IBM rows in Shift_JIS. Keyed by Python's codec name.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
}
ISO2022JP = "iso2022_jp"  # decoded by ``iso2022jp.decode_iso2022jp`` (CP932 extensions)
# codecs that are not a mail charset: they raise on any input or mean something else
_UNUSABLE = ("undefined", "idna", "punycode", "raw_unicode_escape", "unicode_escape")
_NOT_A_CHARSET = ("unknown-8bit", "x-unknown", "unknown", "8bit", "7bit", "default", "none")
_WINDOWS = re.compile(r"^(?:x-)?(?:windows|win|cp|ms|ansi)[-_ ]?(\d{3,4})$")
_ISO = re.compile(r"^(?:x-)?iso[-_ ]?8859[-_ ]?(\d{1,2})(?:[-_ ]?i)?$|^8859[-_]?(\d{1,2})$")


@lru_cache(maxsize=256)  # a few charsets name nearly all mail; each was several lookups
def known_codec(charset: str | None) -> str | None:
    """Python's codec name for a declared charset, or None when it names none we know."""
    if not charset:
        return None
    name = charset.strip().strip("\"';").strip().lower()
    if not name or name in _NOT_A_CHARSET or len(name) > 40:
        return None
    name = _ALIASES.get(name, name)
    candidates = [name]
    if m := _WINDOWS.match(name):
        candidates.append(f"cp{m.group(1)}")
    if m := _ISO.match(name):
        candidates.append(f"iso-8859-{m.group(1) or m.group(2)}")
    if name.startswith("x-"):
        candidates.append(name[2:])
    candidates.append(name.replace("-", "").replace("_", ""))  # koi8r, utf8
    for candidate in candidates:
        try:
            codec = codecs.lookup(candidate)
        except (LookupError, ValueError):
            continue
        # only text encodings: "base64" or "rot13" as a charset must not select a codec
        if getattr(codec, "_is_text_encoding", True) and codec.name not in _UNUSABLE:
            if codec.name.startswith(ISO2022JP):
                return ISO2022JP
            return _SUPERSETS.get(codec.name, codec.name)
    return None


# Letters that real text in this domain's languages uses beyond ASCII (Turkish, German,
# French and Central European via iso-8859-2); Cyrillic words are judged as whole words.
_COMMON_LATIN = frozenset(
    "çğıöşüÇĞİÖŞÜâîûÂÎÛäßÄéèàêëôùÉÀąćęłńóśźżĄĆĘŁŃÓŚŹŻčďěňřšťůžČĎĚŇŘŠŤŮŽáíýúÁÍÝÚ"
)
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# the most frequent Russian letters: KOI8-R and windows-1251 swapped read as rarer ones
_FREQUENT_CYRILLIC = frozenset("оеаинтсрвлкмдпуОЕАИНТСРВЛКМДПУ")
_LOWER_THEN_UPPER = re.compile(r"[^\W\d_]*?[a-zа-яё][A-ZА-ЯЁ]")


def _plausibility(text: str) -> float:
    """How much ``text`` looks like real words: common letters count up; a word mixing
    Cyrillic and Latin ("GЬncelleme": windows-1254 read as windows-1251), a word with an
    upper-case letter after a lower-case one ("сТОП": KOI8-R read as windows-1251) or a
    non-ASCII symbol count down."""
    points = 0.0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        cyrillic = len(_CYRILLIC.findall(word))
        if cyrillic and cyrillic < len(word):
            points -= 4
        elif cyrillic:
            points += sum(1.0 if c in _FREQUENT_CYRILLIC else 0.5 for c in word)
        else:
            points += sum(1 if c in _COMMON_LATIN else -1 for c in word if not c.isascii())
        if _LOWER_THEN_UPPER.match(word) or (
            len(word) > 2 and word[0].islower() and word[1:].isupper()
        ):
            points -= 2
    points -= sum(1 for c in text if not c.isascii() and not c.isalpha() and not c.isspace())
    return points


def detect(data: bytes) -> str:
    """Best guess for undeclared or mislabelled 8-bit text: UTF-8 when it decodes, else the
    most plausible of this domain's charsets (charset-normalizer's pick for longer text
    joins them), windows-1254 on a tie: the mailboxes are Turkish first."""
    if _valid_utf8(data) or _mostly_utf8(data):
        return "utf-8"
    sample = data[:_DETECT_LIMIT]
    candidates = list(_FALLBACKS[1:-1])
    if len(sample) >= 256:
        best = from_bytes(sample, cp_isolation=candidates).best()
        if best is not None and best.encoding and best.encoding not in candidates:
            candidates.append(str(best.encoding))
    scored = []
    for rank, codec in enumerate(candidates):
        try:
            text = sample.decode(codec, errors="replace")
        except LookupError:
            continue
        scored.append((_plausibility(text) - text.count("\ufffd") * 3, -rank, codec))
    return max(scored)[2] if scored else "windows-1254"


def _is_single_byte(codec: str) -> bool:
    return codec.startswith(("cp125", "cp8", "iso8859", "latin", "koi8", "mac-", "ascii"))


def decode_bytes(data: bytes, declared: str | None) -> tuple[str, bool]:
    """Decode ``data``; returns (text, charset_was_trusted). A declared charset is trusted
    unless it is unknown, fails to decode, or is ASCII / a single-byte charset while the
    bytes are 8-bit and valid UTF-8 (mailers that label UTF-8 as iso-8859-1 or us-ascii:
    multi-byte UTF-8 sequences practically never occur in real single-byte text)."""
    codec = known_codec(declared)
    if codec == ISO2022JP or (codec is None and b"\x1b$B" in data):
        # 7-bit with escapes: must be read before the ASCII shortcut below
        return decode_iso2022jp(data), codec is not None
    if data.isascii():
        return data.decode("ascii", errors="replace"), codec is not None
    if codec and _is_single_byte(codec) and _valid_utf8(data):
        return data.decode("utf-8", errors="replace"), False
    if codec and codec != "ascii":
        try:
            return data.decode(codec), True
        except (UnicodeError, LookupError):
            pass
    return _damaged(data, codec)


def _damaged(data: bytes, codec: str | None) -> tuple[str, bool]:
    """8-bit ``data`` its declared charset (if any) does not decode."""
    if codec == "utf-8" and _mostly_utf8(data):
        # a cut or damaged multi-byte sequence (truncated QP, a bad byte) in UTF-8 text:
        # keep the declared charset and mark the damage rather than re-read it all
        return data.decode("utf-8", errors="replace"), True
    if codec and not _is_single_byte(codec) and codec != "utf-8":
        # a multi-byte charset with a damaged sequence: its other characters are still
        # right; guessing among single-byte charsets would turn all of it into look-alikes
        return data.decode(codec, errors="replace"), False
    return data.decode(detect(data), errors="replace"), False


_MAX_BAD_SEGMENTS = 64  # more bytes that are not UTF-8 than this: a legacy-charset value


def decode_runs(data: bytes) -> str:
    """Undeclared 8-bit text from a header (a subject, a ``filename=`` value): what is valid
    UTF-8 is read as UTF-8 (what RFC 6532 mailers send); only the bytes that are not are
    read with the charset detected on them. One stray byte no longer turns a whole UTF-8
    header into mojibake."""
    pieces: list[str | bytes] = []
    pos = 0
    while pos < len(data):
        try:
            pieces.append(data[pos:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            if len(pieces) > 2 * _MAX_BAD_SEGMENTS:
                return data.decode(detect(data), errors="replace")
            pieces.append(data[pos : pos + exc.start].decode("utf-8"))
            if exc.reason == "unexpected end of data":  # a character cut at the end
                pieces.append("\ufffd")
                break
            pieces.append(data[pos + exc.start : pos + exc.end])
            pos += exc.end
    bad = b" ".join(p for p in pieces if isinstance(p, bytes))
    if not bad:
        return "".join(p for p in pieces if isinstance(p, str))
    codec = detect(bad)
    if codec == "utf-8":  # detect() calls a few valid bytes among bad ones UTF-8
        codec = "windows-1254"
    return "".join(p if isinstance(p, str) else p.decode(codec, errors="replace") for p in pieces)


def _mostly_utf8(data: bytes) -> bool:
    text = data[:_DETECT_LIMIT].decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for c in text if not c.isascii()) - bad
    return good > 0 and good >= 2 * bad


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
