"""The Gmail doorbell over HTTP: a Pub/Sub push request (``{"message": {"data": ...},
"subscription": ...}``) or the same delivered as a CloudEvent by Eventarc (structured:
``{"specversion": ..., "data": {"message": ...}}``; binary: ``ce-*`` headers and the push
body). ``data`` is base64 JSON ``{"emailAddress": ..., "historyId": ...}`` (a number or a
string).

Answers, for Pub/Sub's sake (any non-2xx is redelivered with backoff):
- 2xx: synced, already current, an unknown address, a malformed message (redelivery cannot fix
  it), a mailbox needing reconnection (health says so) — never redelivered;
- 429 / 503 with Retry-After: throttled by Gmail, a dependency down, or another instance
  syncing this mailbox right now — redelivered;
- 401: no or a forged token (not Pub/Sub; nothing is done).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.domain.models import Provider
from shared.errors import AuthError, MailIngestError, RetryableError, Throttled
from shared.ports import MailboxStore
from shared.service.gmail_sync import GmailSync
from shared.web.push_auth import PushVerifier

logger = logging.getLogger(__name__)
Response = tuple[str, int, dict[str, str]]
MAX_BODY_BYTES = 64 * 1024  # a push is a few hundred bytes
BUSY_RETRY_S = 5


@dataclass(frozen=True)
class Doorbell:
    email: str
    history_id: str


class MalformedPush(ValueError):
    pass


def parse_push(body: bytes) -> Doorbell:
    try:
        envelope = json.loads(body)
        if isinstance(envelope, dict) and "specversion" in envelope:
            envelope = envelope.get("data")
        data = envelope["message"]["data"]
        note = json.loads(base64.b64decode(str(data), validate=False))
        email = str(note["emailAddress"]).strip().lower()
        history_id = str(int(str(note["historyId"])))
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise MalformedPush(f"not a Gmail push: {type(exc).__name__}") from None
    if "@" not in email:
        raise MalformedPush("not a Gmail push: no address")
    return Doorbell(email, history_id)


class GmailPushEndpoint:
    def __init__(self, state: MailboxStore, sync: GmailSync, verifier: PushVerifier | None) -> None:
        self._state = state
        self._sync = sync
        self._verifier = verifier  # None only with MAILINGEST_PUSH_AUTH=off (local)

    def handle(self, headers: Any, read_body: Callable[[int], bytes | None]) -> Response:
        """``read_body(limit)``: the request body, or None when it is over ``limit`` bytes
        (read only after the token was checked, and never more than the limit)."""
        plain = {"Content-Type": "text/plain; charset=utf-8"}
        if self._verifier is not None:
            try:
                self._verifier.verify(headers.get("Authorization"))
            except AuthError as exc:
                logger.warning("gmail push refused", extra={"reason": str(exc)})
                return "unauthorized\n", 401, plain
        body = read_body(MAX_BODY_BYTES)
        if body is None:
            logger.warning("gmail push dropped: body too large", extra={"limit": MAX_BODY_BYTES})
            return "dropped\n", 204, plain
        try:
            bell = parse_push(body)
        except MalformedPush as exc:
            logger.warning("gmail push dropped", extra={"reason": str(exc)})
            return "dropped\n", 204, plain
        return self._ring(bell, plain)

    def _ring(self, bell: Doorbell, plain: dict[str, str]) -> Response:
        mailboxes = self._state.find_mailboxes(Provider.GMAIL, bell.email)
        if not mailboxes:
            logger.info("gmail push for an address no mailbox watches")
            return "unknown\n", 204, plain
        retry: RetryableError | None = None
        for mailbox in mailboxes:
            try:
                result = self._sync.sync(mailbox, upto=bell.history_id)
                logger.info(
                    "gmail push handled",
                    extra={
                        "outcome": result.outcome,
                        "new": result.new_messages,
                        "tenant": mailbox.tenant_id,
                        "mailbox": mailbox.id,
                    },
                )
            except RetryableError as exc:
                retry = retry or exc
            except MailIngestError as exc:  # reauth / auth: health says so; do not redeliver
                logger.warning(
                    "gmail sync failed", extra={"error": str(exc)[:200], "mailbox": mailbox.key}
                )
        if retry is not None:
            after = retry.retry_after_s if isinstance(retry, Throttled) else BUSY_RETRY_S
            code = 429 if isinstance(retry, Throttled) else 503
            headers = {**plain, "Retry-After": str(int(after if after is not None else 10))}
            logger.warning("gmail push to be redelivered", extra={"error": str(retry)[:200]})
            return "try again later\n", code, headers
        return "ok\n", 200, plain
