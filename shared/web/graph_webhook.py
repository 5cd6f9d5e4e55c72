"""Microsoft Graph's doorbell over HTTP (learn.microsoft.com/graph/
change-notifications-delivery-webhooks). Graph throttles and then drops endpoints slower
than about 3 s, so this does no Graph call and reads no secret: it answers the validation
handshake, checks each notification's ``clientState`` in constant time against the SHA-256
kept in its subscription's owner document (Firestore, one read per subscription not seen
lately, cached briefly), queues what it accepts on an internal Pub/Sub topic for
``graph_worker`` and answers **202** at once.

- ``?validationToken=...`` (creation of a subscription, on both URLs): 200, text/plain,
  the token as is.
- A body without a ``Content-Length`` or over ``MAX_BODY_BYTES``: 411 / 413 before it is
  read (``functions/graph_webhook/main.py``).
- At most ``MAX_NOTIFICATIONS`` are looked at; the first unknown subscription ends the
  request's checks (a forged request costs at most one lookup). A wrong ``clientState``:
  refused, counted, no work. A request with nothing acceptable: 403.
- Not JSON, no ``value`` list: 400 and a log line — never a 500 loop.
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
from shared.ports import DoorbellQueue, GraphSubscriptionOwner, GraphSubscriptionStore
from shared.service.graph_sync import LIFECYCLE_EVENTS, client_state_sha256
from shared.web.graph_validation import MAX_BODY_BYTES, PLAIN, validation_answer

logger = logging.getLogger(__name__)
Response = tuple[str, int, dict[str, str]]
# Microsoft documents no maximum for a batch (resources/changenotificationcollection.md: a
# "value" collection). With one subscription per mailbox a batch holds what arrived in one
# mailbox within Graph's delivery delay: a few. 100 leaves room; the rest of a larger batch
# is left to the scheduled resync (a doorbell lost, not mail).
MAX_NOTIFICATIONS = 100
OWNER_TTL_S = 60.0  # a deleted subscription's doorbells stop within a minute (harmless)
UNKNOWN_TTL_S = 15.0  # short: a new subscription's first notification may race its document
CACHE_MAX = 5_000


class _Owners:
    """Subscription id → owner (None: not ours), cached briefly and bounded."""

    def __init__(self, store: GraphSubscriptionStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, tuple[float, GraphSubscriptionOwner | None]] = OrderedDict()

    def get(self, subscription_id: str) -> GraphSubscriptionOwner | None:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(subscription_id)
            if hit is not None and hit[0] > now:
                return hit[1]
        try:
            owner: GraphSubscriptionOwner | None = self._store.get_graph_subscription(
                subscription_id
            )
            ttl = OWNER_TTL_S
        except NotFound:
            owner, ttl = None, UNKNOWN_TTL_S
        with self._lock:
            self._cache[subscription_id] = (now + ttl, owner)
            self._cache.move_to_end(subscription_id)
            while len(self._cache) > CACHE_MAX:
                self._cache.popitem(last=False)
        return owner


class GraphWebhookEndpoint:
    def __init__(self, subscriptions: GraphSubscriptionStore, queue: DoorbellQueue) -> None:
        self._owners = _Owners(subscriptions)
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
        refused = max(0, len(items) - MAX_NOTIFICATIONS)
        for n, item in enumerate(items[:MAX_NOTIFICATIONS]):
            accepted, known = self._check(item)
            if accepted is not None:
                key = (accepted["tenant_id"], accepted["mailbox_id"], accepted["lifecycle_event"])
                doorbells[key] = accepted
                continue
            refused += 1
            if not known:  # the first unknown subscription ends the checks
                refused += min(len(items), MAX_NOTIFICATIONS) - n - 1
                break
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

    def _check(self, item: Any) -> tuple[dict[str, str] | None, bool]:
        """(the doorbell, or None if refused; whether its subscription is ours)."""
        if not isinstance(item, dict):
            return None, False
        sub_id, client_state = item.get("subscriptionId"), item.get("clientState")
        if not isinstance(sub_id, str) or not isinstance(client_state, str):
            return None, False
        owner = self._owners.get(sub_id)
        if owner is None:
            return None, False
        digest = client_state_sha256(client_state)
        if not hmac.compare_digest(owner.client_state_sha256.encode(), digest.encode()):
            return None, True
        event = item.get("lifecycleEvent")
        lifecycle = str(event) if event in LIFECYCLE_EVENTS else ""
        return {
            "tenant_id": owner.tenant_id,
            "mailbox_id": owner.mailbox_id,
            "subscription_id": sub_id,
            "lifecycle_event": lifecycle,
        }, True
