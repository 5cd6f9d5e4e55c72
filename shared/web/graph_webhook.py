"""Microsoft Graph's doorbell over HTTP (learn.microsoft.com/graph/
change-notifications-delivery-webhooks). Graph throttles and then drops endpoints slower
than about 3 s, so this does no Graph call: it answers the validation handshake, checks
each notification's ``clientState`` in constant time against its subscription's (kept in
the secret store, cached here), queues what it accepts on an internal Pub/Sub topic for
``graph_worker`` and answers **202** at once.

- ``?validationToken=...`` (creation of a subscription, on both URLs): 200, text/plain,
  the token as is.
- A notification of an unknown subscription or with a wrong ``clientState``: refused,
  counted, no work. A request with nothing acceptable: 403.
- Not JSON, too large, no ``value`` list: 4xx and a log line — never a 500 loop.
- Several notifications for one mailbox in one request: one queue message (a doorbell).
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections import OrderedDict
from typing import Any

from shared.errors import MailIngestError, NotFound
from shared.ports import EventSink, SecretStore
from shared.service.graph_sync import LIFECYCLE_EVENTS, SubscriptionOwner, read_owner
from shared.web.graph_validation import PLAIN, validation_answer

logger = logging.getLogger(__name__)
Response = tuple[str, int, dict[str, str]]
MAX_BODY_BYTES = 1024 * 1024
OWNER_TTL_S = 600.0
UNKNOWN_TTL_S = 60.0
CACHE_MAX = 20_000


class _Owners:
    """Subscription id → owner, cached (and unknown ids remembered briefly, so a flood of
    forged ids does not become a flood of secret reads)."""

    def __init__(self, store: SecretStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, tuple[float, SubscriptionOwner | None]] = OrderedDict()

    def get(self, subscription_id: str) -> SubscriptionOwner | None:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(subscription_id)
            if hit is not None and hit[0] > now:
                return hit[1]
        try:
            owner: SubscriptionOwner | None = read_owner(self._store, subscription_id)
            ttl = OWNER_TTL_S
        except NotFound:
            owner, ttl = None, UNKNOWN_TTL_S
        except (ValueError, KeyError):
            owner, ttl = None, UNKNOWN_TTL_S
        with self._lock:
            self._cache[subscription_id] = (now + ttl, owner)
            self._cache.move_to_end(subscription_id)
            while len(self._cache) > CACHE_MAX:
                self._cache.popitem(last=False)
        return owner


class GraphWebhookEndpoint:
    def __init__(self, store: SecretStore, queue: EventSink) -> None:
        self._owners = _Owners(store)
        self._queue = queue

    def handle(self, args: Any, body: bytes) -> Response:
        validation = validation_answer(args)
        if validation is not None:
            return validation
        if len(body) > MAX_BODY_BYTES:
            logger.warning("graph notification refused: body too large", extra={"bytes": len(body)})
            return "too large\n", 413, PLAIN
        try:
            items = json.loads(body)["value"]
            if not isinstance(items, list):
                raise TypeError("value is not a list")
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("graph notification refused: malformed", extra={"reason": str(exc)})
            return "malformed\n", 400, PLAIN
        return self._accept(items)

    def _accept(self, items: list[Any]) -> Response:
        doorbells: dict[tuple[str, str, str], dict[str, str]] = {}
        refused = 0
        for item in items:
            accepted = self._check(item)
            if accepted is None:
                refused += 1
                continue
            key = (accepted["tenant_id"], accepted["mailbox_id"], accepted["lifecycle_event"])
            doorbells[key] = accepted
        if refused:
            logger.warning("graph notifications refused", extra={"refused": refused})
        if not doorbells:
            return "refused\n", 403, PLAIN
        try:
            for bell in doorbells.values():
                # no ordering key: doorbells are idempotent, and an ordering key would make
                # every publish for a busy mailbox wait for the one before it
                self._queue.publish(json.dumps(bell).encode(), "", {"kind": "graph-doorbell"})
        except MailIngestError as exc:
            logger.error("graph notifications not queued", extra={"error": str(exc)[:200]})
            return "try again\n", 503, {**PLAIN, "Retry-After": "10"}
        return "", 202, PLAIN

    def _check(self, item: Any) -> dict[str, str] | None:
        if not isinstance(item, dict):
            return None
        sub_id, client_state = item.get("subscriptionId"), item.get("clientState")
        if not isinstance(sub_id, str) or not isinstance(client_state, str):
            return None
        owner = self._owners.get(sub_id)
        if owner is None or not hmac.compare_digest(
            owner.client_state.encode(), client_state.encode()
        ):
            return None
        event = item.get("lifecycleEvent")
        lifecycle = str(event) if event in LIFECYCLE_EVENTS else ""
        return {
            "tenant_id": owner.tenant_id,
            "mailbox_id": owner.mailbox_id,
            "subscription_id": sub_id,
            "lifecycle_event": lifecycle,
        }
