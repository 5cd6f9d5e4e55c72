"""Graph's validation handshake, answered before anything is built: Graph wants the token
back (200, text/plain) within 10 seconds of creating a subscription (``concepts/webhooks.md``,
"Notification endpoint validation"), and a cold function instance that first builds its
secret, Firestore and Pub/Sub clients can miss that. Imports nothing but the standard
library, so the handshake costs no more than the function framework's own start. The body
cap lives here too: it is checked against the declared length before anything is read or
built."""

from __future__ import annotations

from typing import Any

MAX_TOKEN_CHARS = 2048
# A notification without resource data is about 600 bytes (tests/data/graph/
# notification_created.json, from resources/changenotification.md; clientState ≤ 128
# characters): 128 KiB holds the webhook's MAX_NOTIFICATIONS (100) with room to spare.
MAX_BODY_BYTES = 128 * 1024
PLAIN = {"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"}


def validation_answer(args: Any) -> tuple[str, int, dict[str, str]] | None:
    """The answer to a ``?validationToken=...`` request; None for anything else."""
    token = args.get("validationToken")
    if token is None:
        return None
    if len(token) > MAX_TOKEN_CHARS:
        return "validation token too long\n", 400, PLAIN
    return str(token), 200, PLAIN
