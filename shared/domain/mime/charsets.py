"""Turning bytes into text when the declared charset is missing, wrong or unknown."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

# What mail in this domain is written in when it does not say (Turkish, German, Russian).
_FALLBACKS = ("utf-8", "windows-1254", "koi8-r", "windows-1251", "iso-8859-2", "latin-1")
_DETECT_LIMIT = 64 * 1024  # detection on a prefix keeps big bodies linear


def known_codec(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip('"').lower()
    if name in ("unknown-8bit", "x-unknown", "unknown", "8bit", "default"):
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def detect(data: bytes) -> str:
    """Best guess for undeclared 8-bit text: UTF-8 when it decodes, else charset-normalizer
    restricted to this domain's charsets, else windows-1254."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    sample = data[:_DETECT_LIMIT]
    best = from_bytes(sample, cp_isolation=list(_FALLBACKS[1:-1])).best()
    if best is not None and best.encoding:
        return str(best.encoding)
    return "windows-1254"


def decode_bytes(data: bytes, declared: str | None) -> tuple[str, bool]:
    """Decode ``data``; returns (text, charset_was_trusted). A declared charset is trusted
    unless it is unknown, or ASCII while the bytes are 8-bit, or it fails to decode."""
    codec = known_codec(declared)
    if codec and not (codec == "ascii" and any(b > 0x7F for b in data)):
        try:
            return data.decode(codec), True
        except UnicodeDecodeError:
            pass
    if not any(b > 0x7F for b in data):
        return data.decode("ascii", errors="replace"), codec is not None
    return data.decode(detect(data), errors="replace"), False
