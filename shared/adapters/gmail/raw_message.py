"""``messages.get(format=raw)`` answers (discovery ``schemas.Message``: ``raw`` is "the entire
email message in an RFC 2822 formatted and base64url encoded string", ``internalDate`` epoch
ms as a string) and how large one may be before it is not read further.

A message up to ``max_message_bytes`` is at most ``answer_cap(max_message_bytes)`` bytes as
an answer (or a batch part): its base64url text and ``OVERHEAD`` for the Message's other
fields (ids, label ids, snippet, dates) and a batch part's headers. An answer cut at that
cap still holds the message's first ``max_message_bytes`` + 1 bytes — what the pipeline
publishes as the event that says the message is over the limit — unless its other fields
came first and filled the cap (``ValidationError``).
"""

from __future__ import annotations

import base64
import re
from typing import Any

from shared.errors import MailIngestError, ValidationError
from shared.ports import GmailMessage

OVERHEAD = 64 * 1024
_RAW = re.compile(rb'"raw"\s*:\s*"([A-Za-z0-9_-]*)')


def base64url_size(n: int) -> int:
    """Characters of ``n`` bytes as padded base64url (Gmail may leave the padding out)."""
    return 4 * -(-n // 3)


def answer_cap(max_message_bytes: int) -> int:
    """The most an answer (or a batch part) carrying one message within the limit and one
    byte more can take."""
    return base64url_size(max_message_bytes + 1) + OVERHEAD


def decode(text: bytes) -> bytes:
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))


def parsed(reply: dict[str, Any]) -> GmailMessage | MailIngestError:
    try:
        raw = decode(str(reply["raw"]).encode("ascii"))
        return GmailMessage(str(reply["id"]), raw, int(reply.get("internalDate", 0)))
    except (KeyError, ValueError, TypeError):
        return ValidationError("gmail messages.get: answer without a raw message")


def cut(
    message_id: str, held: bytes, minimal: dict[str, Any], max_message_bytes: int
) -> GmailMessage | MailIngestError:
    """A message whose answer was cut: its first ``max_message_bytes`` + 1 bytes, from the
    part of ``raw`` that was read; its internal date from the ``format=minimal`` answer."""
    found = _RAW.search(held)
    wanted = max_message_bytes + 1
    text = found.group(1)[: base64url_size(wanted)] if found else b""
    if len(text) < base64url_size(wanted):
        return ValidationError(
            f"gmail messages.get {message_id}: answer over {len(held)} bytes without the "
            "start of its raw message within them"
        )
    try:
        date = int(minimal.get("internalDate", 0))
    except (TypeError, ValueError):
        return ValidationError(f"gmail messages.get {message_id}: no internal date")
    return GmailMessage(message_id, decode(text)[:wanted], date)
