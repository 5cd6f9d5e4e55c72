"""Header decoding that survives real mail: RFC 2047 encoded-words (adjacent words joined
before decoding, so a character or word split across two words comes out whole, RFC 2047
§6.2), unknown charsets, raw 8-bit header bytes, and broken address lists."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.header import Header, decode_header
from email.utils import getaddresses, parsedate_to_datetime

from shared.domain.message import Address
from shared.domain.mime.charsets import decode_bytes

_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
_MSGID = re.compile(r"<[^<>\s]+>")
_WS = re.compile(r"\s+")
# NUL and other C0 controls in a header say nothing and break consumers downstream
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# what the stdlib raises on broken encoded-words (bad base64 padding, unknown charsets ...)
_DECODE_ERRORS = (ValueError, LookupError, AssertionError, HeaderParseError)


def _raw_bytes(value: str) -> bytes:
    # the bytes parser keeps undeclared 8-bit header bytes as surrogate escapes
    return value.encode("ascii", "surrogateescape")


def _clean(text: str) -> str:
    return _WS.sub(" ", _CONTROLS.sub("", text)).strip()


def decode_text(value: str | Header | None) -> str:
    """A header's text: encoded-words decoded, 8-bit bytes detected, whitespace folded.
    (compat32 hands raw 8-bit header values over as ``Header`` objects of charset
    unknown-8bit; their bytes are recovered and their charset detected.)"""
    if value is None:
        return ""
    if isinstance(value, Header):
        try:
            parts = decode_header(value)
        except _DECODE_ERRORS:
            return _clean(str(value))
    else:
        value = str(value)
        if any("\udc80" <= c <= "\udcff" for c in value):
            value, _ = decode_bytes(_raw_bytes(value), None)
        if "=?" not in value:
            return _clean(value)
        try:
            parts = decode_header(value)
        except _DECODE_ERRORS:
            return _clean(value)
    out: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(chunk)
        else:
            text, _ = decode_bytes(chunk, charset)
            out.append(text)
    return _clean("".join(out))


def recover_8bit(value: str | Header) -> str:
    """A raw header value whose 8-bit bytes (undeclared UTF-8, windows-1254 ...) compat32
    kept as a ``Header`` of charset unknown-8bit or as surrogate escapes, as text; encoded-
    words are left alone (the caller parses the value's structure first)."""
    if isinstance(value, Header):
        out: list[str] = []
        try:
            chunks = decode_header(value)
        except _DECODE_ERRORS:
            return str(value)
        for chunk, charset in chunks:
            out.append(chunk if isinstance(chunk, str) else decode_bytes(chunk, charset)[0])
        return "".join(out)
    if any("\udc80" <= c <= "\udcff" for c in value):
        return decode_bytes(_raw_bytes(value), None)[0]
    return value


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


def addresses(values: list[str | Header]) -> tuple[Address, ...]:
    out: list[Address] = []
    # raw 8-bit values (Header objects) are decoded first; encoded ones are split first
    values = [decode_text(v) if isinstance(v, Header) else v for v in values]
    # Split the still-encoded list first: a decoded name may contain a comma.
    for name, addr in getaddresses([str(v) for v in values]):
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
