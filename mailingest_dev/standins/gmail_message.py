"""The stand-in's ``Message`` answers (discovery ``schemas.Message``): ``raw`` is "the entire
email message in an RFC 2822 formatted and base64url encoded string", returned with
``format=raw``; ``sizeEstimate`` is the "estimated size in bytes of the message" — an
estimate, which a test may make wrong (``StoredMessage.stated_size``).

A message may carry ``filler``: lines appended to its body as it is sent, encoded as they
go, so a test can have the stand-in send a message of hundreds of megabytes it never holds
(``serve.Streamed``)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from typing import Any

from mailingest_dev.standins.gmail_store import StoredMessage
from mailingest_dev.standins.serve import Streamed

# RFC 5322 §2.1.1: a line is at most 998 characters and CRLF
_LINE = b"x" * 998 + b"\r\n"
# filler sent at a time: whole lines, and a multiple of 3 bytes (no padding between pieces)
_FILLER = _LINE * 48


def size(message: StoredMessage) -> int:
    return len(message.raw) + message.filler


def fields(message: StoredMessage) -> dict[str, Any]:
    """Every field of a ``format=minimal`` answer (and of the others, but ``raw``)."""
    return {
        "id": message.id,
        "threadId": message.id,
        "labelIds": sorted(message.labels),
        "snippet": "",
        "historyId": str(message.history_id),
        "internalDate": str(message.internal_date_ms),
        "sizeEstimate": size(message) if message.stated_size is None else message.stated_size,
    }


def answer(message: StoredMessage, fmt: str) -> bytes | Streamed:
    """The JSON body of ``messages.get`` in ``fmt`` (``raw`` after the other fields)."""
    if fmt != "raw":
        return json.dumps(fields(message)).encode()
    head = json.dumps(fields(message))[:-1].encode() + b', "raw": "'
    tail = b'"}'
    if not message.filler:
        return head + base64.urlsafe_b64encode(message.raw).rstrip(b"=") + tail
    encoded = Streamed((4 * size(message) + 2) // 3, lambda: _encoded(_pieces(message)))
    return Streamed.join([head, encoded, tail])


def _pieces(message: StoredMessage) -> Iterator[bytes]:
    yield message.raw
    left = message.filler
    while left > 0:
        piece = _FILLER[:left]
        left -= len(piece)
        yield piece


def _encoded(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """base64url of the pieces joined, without padding, a piece at a time."""
    carry = b""
    for piece in pieces:
        data = carry + piece
        whole = len(data) - len(data) % 3
        carry = data[whole:]
        if whole:
            yield base64.urlsafe_b64encode(data[:whole])
    yield base64.urlsafe_b64encode(carry).rstrip(b"=")
