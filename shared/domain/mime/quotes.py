"""What is new in a reply: the text above the quoted history.

Cuts at the first reply header ("On … wrote:", "… yazdı:", "… schrieb:", "… написал(а):",
"-----Original Message-----", an Outlook "From: … Sent: …" block) and drops ">" lines.
A forward's history is kept: what was forwarded is the message's content.
"""

from __future__ import annotations

import re

_REPLY_HEADERS = [
    r"^\s*-{2,}\s*(original message|orijinal mesaj|(ö|o)zg(ü|u)n (i|İ|I)leti"
    r"|ursprüngliche nachricht|исходное сообщение)\s*-{2,}",
    r"^\s*(on|am|le)\b.{0,200}\b(wrote|schrieb|a écrit)\b.{0,200}:\s*$",
    # Gmail in any language: "<date>, <name> <address>:" ("пн, 28 июл. 2025 г. в 10:00, …")
    r"^.{0,200}\b(19|20)\d\d\b.{0,100}\b\d{1,2}:\d\d\b.{0,200}<[^<>@\s]+@[^<>\s]+>\s*:\s*$",
    r"^.{0,200}\b(yazdı|şunu yazdı|yazdi)\s*:\s*$",
    r"^.{0,200}\b(написал|написала|пишет)\s*(\(а\))?\s*:\s*$",
    r"^\s*\d{1,2}[./]\d{1,2}[./]\d{2,4}.{0,80}(wrote|yazdı|schrieb|написал)",
]
_OUTLOOK_BLOCK = re.compile(
    r"^\s*(from|von|kimden|от)\s*:.*\n\s*"
    r"(sent|gesendet|gönderildi|gönderilme tarihi|tarih|date|отправлено)\s*:",
    re.IGNORECASE | re.MULTILINE,
)
_REPLY_RE = re.compile("|".join(f"(?:{p})" for p in _REPLY_HEADERS), re.IGNORECASE | re.MULTILINE)


def new_text(text: str, *, is_forward: bool) -> str:
    """``text`` without quoted replies; bounded work (one pass of each pattern)."""
    cut = len(text)
    match = _REPLY_RE.search(text)
    if match:
        cut = match.start()
    if not is_forward:
        block = _OUTLOOK_BLOCK.search(text)
        if block and block.start() < cut:
            cut = block.start()
    head = text[:cut]
    lines = [line for line in head.splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(lines).strip()
