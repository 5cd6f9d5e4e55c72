"""Header decoding that survives real mail: RFC 2047 encoded-words (adjacent words joined
before decoding, so a character or word split across two words comes out whole, RFC 2047
§6.2), unknown charsets, raw 8-bit header bytes, and broken address lists."""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.header import Header, decode_header
from email.policy import Compat32
from email.utils import getaddresses, parsedate_to_datetime

from shared.domain.message import Address
from shared.domain.mime.charsets import decode_bytes, decode_runs
from shared.domain.mime.indexed_message import IndexedMessage

_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
_MSGID = re.compile(r"<[^<>\s]+>")
_WS = re.compile(r"\s+")
# NUL and other C0 controls in a header say nothing and break consumers downstream
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# what the stdlib raises on broken encoded-words (bad base64 padding, unknown charsets ...)
_DECODE_ERRORS = (ValueError, LookupError, AssertionError, HeaderParseError)


class _RawHeaders(Compat32):
    """compat32 parsing (headers kept as sent, structure as the stdlib finds it) without
    its one lossy step: a header with raw 8-bit bytes stays a string with surrogate escapes
    instead of becoming a ``Header`` whose ``str()`` is U+FFFD, so each value (a subject, a
    ``filename=``) can be read on its own, UTF-8 first."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        return value


# parts made as ``IndexedMessage``: the same answers, header look-ups without a scan
RAW_HEADERS = _RawHeaders(message_factory=IndexedMessage)
# how much of a raw header is decoded: enough for ``limit`` characters in the most verbose
# encoding (Q-encoded CJK: 9 raw characters per character, plus word overhead)
RAW_PER_CHAR = 12
_TRAILING_WORD = re.compile(r"=\?[^\s]*$")


def bound_raw(value: str, limit: int) -> str:
    """A raw header cut to what ``limit`` decoded characters can need, without a fragment
    of an encoded-word at the end (the cut falls after decoding, see ``cut_text``)."""
    bound = limit * RAW_PER_CHAR
    if len(value) <= bound:
        return value
    return _TRAILING_WORD.sub("", value[:bound])


def cut_text(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters on a character boundary: never between a letter
    and its combining marks or inside an emoji sequence (ZWJ, variation selectors)."""
    if len(text) <= limit:
        return text
    end = limit
    while end > 0 and (
        unicodedata.combining(text[end])
        or text[end] in "\u200d\ufe0e\ufe0f"
        or text[end - 1] == "\u200d"
    ):
        end -= 1
    return text[:end].rstrip()


def _raw_bytes(value: str) -> bytes:
    # the bytes parser keeps undeclared 8-bit header bytes as surrogate escapes
    return value.encode("ascii", "surrogateescape")


def _clean(text: str) -> str:
    if text.isprintable() and "  " not in text:
        return text.strip()  # the usual case, without two regex passes
    return _WS.sub(" ", _CONTROLS.sub("", text)).strip()


# RFC 5322 §2.2.3: unfolding removes the CRLF, never the white space after it.
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_LINE_ENDS = re.compile(r"[\r\n]+")
# Encoded-words as sent, not only as RFC 2047 §2 allows: Q text with raw spaces (some
# webmails), a language tag (RFC 2231 §5: charset*lang).
_WORD = re.compile(r"=\?([^?\s]{1,60})\?([bBqQ])\?([^?]*?)\?=")
_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")


def unfold(value: str) -> str:
    if "\n" not in value and "\r" not in value:
        return value
    return _LINE_ENDS.sub("", _FOLD.sub("", value))


def _word_bytes(kind: str, text: str) -> bytes | None:
    """The bytes an encoded-word's text stands for; None when it is no valid encoding (the
    word is then kept as written, as a reader would see it)."""
    if kind in "qQ":
        data = text.replace("_", " ").encode("ascii", "surrogateescape")
        return _QP_ESCAPE.sub(lambda m: bytes((int(m.group(1), 16),)), data)
    clean = text.rstrip("=")
    if _NOT_BASE64.search(clean.replace(" ", "")):
        return None
    clean = clean.replace(" ", "")
    clean = clean[: len(clean) - len(clean) % 4] if len(clean) % 4 == 1 else clean
    try:
        return base64.b64decode(clean + "=" * (-len(clean) % 4))
    except (ValueError, binascii.Error):
        return None


_SURROGATES = re.compile("[\udc80-\udcff]")


def _text_of(value: str) -> str:
    """Unencoded header text: raw 8-bit bytes read per value, UTF-8 first."""
    if not value.isascii() and _SURROGATES.search(value):
        return decode_runs(_raw_bytes(value))
    return value


def decode_words(value: str) -> str:
    """RFC 2047 decoding of an *unfolded* header value. White space between two adjacent
    encoded-words is dropped (§6.2), every other white space is kept ("Hotel =?..?= Resort"
    keeps both spaces); adjacent words in one charset are joined before decoding, so a
    character split across two words comes out whole; each charset is decoded with its
    superset (``charsets.decode_bytes``)."""
    out: list[str] = []
    pending: list[bytes] = []
    pending_charset: str | None = None
    pos = 0

    def flush() -> None:
        if pending:
            out.append(decode_bytes(b"".join(pending), pending_charset)[0])
            pending.clear()

    for m in _WORD.finditer(value):
        gap = value[pos : m.start()]
        charset = m.group(1).split("*", 1)[0].lower()
        data = _word_bytes(m.group(2), m.group(3))
        if data is None:  # not a valid encoded-word: kept as written
            flush()
            out.append(_text_of(value[pos : m.end()]))
            pos = m.end()
            continue
        if gap and not (gap.isspace() and pending):
            flush()
            out.append(_text_of(gap))
        if charset != pending_charset:
            flush()
        pending_charset = charset
        pending.append(data)
        pos = m.end()
    flush()
    out.append(_text_of(value[pos:]))
    return "".join(out)


def decode_text(value: str | Header | None) -> str:
    """A header's text: unfolded, encoded-words decoded, 8-bit bytes read (UTF-8 first),
    white space and control characters normalised. (``Header`` objects only come from
    callers outside the parser; the parser's policy hands over raw strings.)"""
    if value is None:
        return ""
    if isinstance(value, Header):
        value = recover_8bit(value)
    value = unfold(str(value))
    if "=?" not in value:
        return _clean(_text_of(value))
    return _clean(decode_words(value))


def recover_8bit(value: str | Header) -> str:
    """A raw header value whose 8-bit bytes (undeclared UTF-8, windows-1254 ...) the parser
    kept as surrogate escapes (or compat32 as a ``Header`` of charset unknown-8bit), as
    text; encoded-words are left alone (the caller parses the value's structure first)."""
    if isinstance(value, Header):
        out: list[str] = []
        try:
            chunks = decode_header(value)
        except _DECODE_ERRORS:
            return str(value)
        for chunk, charset in chunks:
            if isinstance(chunk, str):
                out.append(chunk)
            elif charset in (None, "unknown-8bit"):
                out.append(decode_runs(chunk))
            else:
                out.append(decode_bytes(chunk, charset)[0])
        return "".join(out)
    return _text_of(value)


def decode_rfc2231(charset: str | None, value: str) -> str:
    """An RFC 2231 ``name*=charset'lang'%XX`` value as the stdlib hands it over (each byte a
    latin-1 character), decoded with its charset, or detected when that is missing or
    unknown (the stdlib would fall back to ASCII and lose the letters)."""
    try:
        data = value.encode("latin-1", "surrogateescape")
    except UnicodeEncodeError:
        return value
    return decode_bytes(data, charset)[0]


def decode_param(value: str | None) -> str | None:
    """A MIME parameter (filename, name): also decodes the common non-standard encoded-word
    inside a quoted parameter (RFC 2047 §5 forbids it; Outlook and others send it)."""
    if value is None:
        return None
    text = decode_text(value) if _ENCODED_WORD.search(value) else value
    text = text.replace("\x00", "").strip()
    return text or None


# "Name <local@domain>" or "local@domain": what nearly every address header holds; read
# without the stdlib's character-by-character RFC 5322 parser (a third of parse time)
_SIMPLE_ADDRESS = re.compile(
    r'\s*(?:"?([^"<>,;:()\\@\[\]]*?)"?\s*<([^<>\s,;:()"\\\[\]]+@[^<>\s,;:()"\\\[\]]+)>'
    r'|([^<>\s,;:()"\\\[\]]+@[^<>\s,;:()"\\\[\]]+))\s*'
)


def _simple_addresses(value: str) -> list[tuple[str, str]] | None:
    if '"' in value or "(" in value or "\\" in value:
        return None  # quoted names may hold commas, comments nest: the full parser
    out = []
    for item in unfold(value).split(","):
        if not item.strip():
            continue
        m = _SIMPLE_ADDRESS.fullmatch(item)
        if m is None:
            return None
        name, addr = (m.group(1) or "", m.group(2)) if m.group(2) else ("", m.group(3))
        out.append((name.strip(), addr))
    return out


def addresses(values: list[str | Header]) -> tuple[Address, ...]:
    out: list[Address] = []
    # raw 8-bit values (Header objects, surrogate escapes) are read first (8-bit bytes are
    # never a comma); encoded ones are split first
    values = [decode_text(v) if isinstance(v, Header) else recover_8bit(v) for v in values]
    # Split the still-encoded list first: a decoded name may contain a comma.
    pairs: list[tuple[str, str]] = []
    for value in values:
        simple = _simple_addresses(str(value))
        pairs.extend(simple if simple is not None else getaddresses([str(value)]))
    for name, addr in pairs:
        addr = addr.strip()
        name = decode_text(name)
        if not addr and not name:
            continue
        out.append(Address(name=name, address=addr.lower() if "@" in addr else addr))
    return tuple(out)


def message_ids(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(_MSGID.findall(str(value)))


def one_message_id(value: str | None) -> str | None:
    ids = message_ids(value)
    if ids:
        return ids[0]
    text = (value or "").strip()
    return text[:998] or None


def date_utc(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:  # RFC 5322 "-0000": no zone information; take it as UTC
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
