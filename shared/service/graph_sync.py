"""Microsoft 365 through Graph: the subscription's lifecycle and the delta sync.

- **Connect**: a subscription on the mailbox's folder (``created``; notification and
  lifecycle URLs; a random ``clientState`` per subscription kept in the secret store with the
  mailbox it belongs to; expiry near the maximum) and a delta link from now
  (``$deltatoken=latest``) as the cursor. **Disconnect** deletes both.
- **Sync** (the worker, after a notification went through the queue): one at a time per
  mailbox across instances (a Firestore lease; busy → ``SyncBusy``, the queue redelivers),
  the delta from the stored link (every page), each new message's MIME (immutable ids)
  through the one pipeline, the new delta link stored after hand-off. An expired delta
  token (410 / ``syncStateNotFound``) starts a **bounded resync**: a fresh delta link taken
  first, then the messages received since the last processed time (at most
  ``resync_max``) — the pipeline drops those already published.
- **Lifecycle**: ``reauthorizationRequired`` → renew (a 404 → create again);
  ``subscriptionRemoved`` → create again and sync; ``missed`` → sync.

Cursor value: ``{"delta_link", "subscription_id", "subscription_expires_ms",
"last_received_ms"}``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.domain.models import AfterProcessing, HealthUpdate, Mailbox, MailboxState
from shared.errors import (
    AuthError,
    CursorExpired,
    MailIngestError,
    NotFound,
    ReauthRequired,
    RetryableError,
    ServiceUnavailable,
)
from shared.observability import log_labels, register_secret
from shared.ports import Clock, GraphApi, GraphApis, GraphChange, SecretStore, StateStore
from shared.service.ingest import IngestPipeline
from shared.service.mailbox_state import CursorChange, error_update, merge_cursor, report

logger = logging.getLogger(__name__)
LIFECYCLE_EVENTS = frozenset({"reauthorizationRequired", "subscriptionRemoved", "missed"})


@dataclass(frozen=True)
class GraphOptions:
    notification_url: str = ""
    lifecycle_url: str = ""
    lease_ttl: timedelta = timedelta(seconds=120)
    # Outlook message subscriptions live at most 10,080 minutes; stay a little under it
    lifetime: timedelta = timedelta(minutes=10_000)
    renew_within: timedelta = timedelta(days=1)
    resync_max: int = 500
    resync_default_window: timedelta = timedelta(days=1)
    fetch_concurrency: int = 4  # Outlook: 4 concurrent requests per mailbox and app


@dataclass(frozen=True)
class SubscriptionOwner:
    """What the webhook needs to accept a notification: whose it is and its clientState."""

    tenant_id: str
    mailbox_id: str
    client_state: str


class SyncBusy(ServiceUnavailable):
    """Another instance is syncing this mailbox: deliver the notification again later."""


def sync_lease(mailbox: Mailbox) -> str:
    """The lease a Graph sync holds; claims taken under it are freed when it lapses."""
    return f"graph-sync/{mailbox.key}"


def subscription_secret_name(subscription_id: str) -> str:
    """Graph subscription ids are GUIDs; anything else cannot name a secret of ours."""
    safe = "".join(c for c in subscription_id if c.isalnum() or c == "-")[:200]
    if not safe or safe != subscription_id:
        raise NotFound("not a Graph subscription id")
    return f"mailingest-graph-subscription-{safe}"


def read_owner(store: SecretStore, subscription_id: str) -> SubscriptionOwner:
    """``NotFound`` for a subscription that is not ours."""
    data = json.loads(store.get_secret(subscription_secret_name(subscription_id)))
    return SubscriptionOwner(str(data["tenant_id"]), str(data["mailbox_id"]), str(data["cs"]))


class GraphSync:
    def __init__(
        self,
        state: StateStore,
        pipeline: IngestPipeline,
        apis: GraphApis,
        secret_store: SecretStore,
        clock: Clock,
        *,
        holder: str,
        options: GraphOptions,
    ) -> None:
        self._state = state
        self._pipeline = pipeline
        self._apis = apis
        self._secrets = secret_store
        self._clock = clock
        self._holder = holder
        self._opt = options

    # -- subscription lifecycle ---------------------------------------------------------------

    def connect(self, mailbox: Mailbox) -> str:
        """Subscribe (replacing any earlier subscription) and start from now unless the
        mailbox already has a position; returns the subscription id."""
        with log_labels(tenant=mailbox.tenant_id, mailbox=mailbox.id, provider="graph"):
            api = self._apis.for_mailbox(mailbox)
            try:
                old = self._cursor_value(mailbox).get("subscription_id")
                sub_id, expires = self._subscribe(mailbox, api)
                delta = None
                if not self._cursor_value(mailbox).get("delta_link"):
                    delta = api.latest_delta_link(mailbox.folder)
                self._update_cursor(
                    mailbox,
                    lambda v: {
                        "subscription_id": sub_id,
                        "subscription_expires_ms": expires,
                        "delta_link": v.get("delta_link") or delta,
                    },
                )
                if old and old != sub_id:
                    self._drop_subscription(api, str(old))
            finally:
                api.close()
            logger.info("graph subscription created", extra={"subscription": sub_id})
            return sub_id

    def disconnect(self, mailbox: Mailbox) -> None:
        sub_id = self._cursor_value(mailbox).get("subscription_id")
        if not sub_id:
            return
        api = self._apis.for_mailbox(mailbox)
        try:
            self._drop_subscription(api, str(sub_id))
        finally:
            api.close()
        self._update_cursor(mailbox, lambda v: {"subscription_id": None})

    def renew_if_due(self, mailbox: Mailbox) -> str:
        value = self._cursor_value(mailbox)
        expires = int(value.get("subscription_expires_ms") or 0)
        if not value.get("subscription_id"):
            self.connect(mailbox)
            return "created"
        due = self._clock.now() + self._opt.renew_within
        if expires and datetime.fromtimestamp(expires / 1000, UTC) > due:
            return "not_due"
        return self._renew(mailbox, str(value["subscription_id"]))

    def _renew(self, mailbox: Mailbox, sub_id: str) -> str:
        api = self._apis.for_mailbox(mailbox)
        try:
            until = api.renew_subscription(sub_id, self._clock.now() + self._opt.lifetime)
        except NotFound:
            api.close()
            logger.warning("graph subscription gone: creating a new one")
            self.connect(mailbox)
            return "recreated"
        api.close()
        ms = int(until.timestamp() * 1000)
        self._update_cursor(mailbox, lambda v: {"subscription_expires_ms": ms})
        return "renewed"

    def lifecycle(self, mailbox: Mailbox, event: str) -> str:
        """React to a lifecycle notification (learn.microsoft.com/graph/
        change-notifications-lifecycle-events)."""
        if event == "reauthorizationRequired":
            sub_id = self._cursor_value(mailbox).get("subscription_id")
            return self._renew(mailbox, str(sub_id)) if sub_id else self.renew_if_due(mailbox)
        if event == "subscriptionRemoved":
            self.connect(mailbox)
        return self.sync(mailbox).outcome

    def _subscribe(self, mailbox: Mailbox, api: GraphApi) -> tuple[str, int]:
        client_state = secrets.token_urlsafe(32)
        register_secret(client_state)
        sub = api.create_subscription(
            mailbox.folder,
            self._opt.notification_url,
            self._opt.lifecycle_url or self._opt.notification_url,
            client_state,
            self._clock.now() + self._opt.lifetime,
        )
        owner = {"tenant_id": mailbox.tenant_id, "mailbox_id": mailbox.id, "cs": client_state}
        self._secrets.put_secret(subscription_secret_name(sub.id), json.dumps(owner))
        return sub.id, int(sub.expires_at.timestamp() * 1000)

    def _drop_subscription(self, api: GraphApi, sub_id: str) -> None:
        with contextlib.suppress(NotFound):
            api.delete_subscription(sub_id)
        with contextlib.suppress(NotFound):
            self._secrets.delete_secret(subscription_secret_name(sub_id))

    # -- sync ---------------------------------------------------------------------------------

    def sync(self, mailbox: Mailbox) -> SyncOutcome:
        if not mailbox.enabled:
            return SyncOutcome("skipped")
        lease = sync_lease(mailbox)
        if self._state.try_acquire_lease(lease, self._holder, self._opt.lease_ttl) is None:
            raise SyncBusy(f"a sync of {mailbox.key} is running")
        with log_labels(tenant=mailbox.tenant_id, mailbox=mailbox.id, provider="graph"):
            try:
                return self._sync_locked(mailbox)
            except ReauthRequired:
                self._report(mailbox, HealthUpdate(state=MailboxState.REAUTH_REQUIRED))
                raise
            except MailIngestError as exc:
                self._report(mailbox, error_update(exc, self._clock.now()))
                raise
            finally:
                self._state.release_lease(lease, self._holder)

    def _sync_locked(self, mailbox: Mailbox) -> SyncOutcome:
        value = self._cursor_value(mailbox)
        api = self._apis.for_mailbox(mailbox)
        try:
            link = value.get("delta_link") or api.latest_delta_link(mailbox.folder)
            resynced = False
            try:
                changes, next_link = api.delta(str(link))
            except CursorExpired:
                next_link = api.latest_delta_link(mailbox.folder)  # first: nothing between
                changes = api.received_since(
                    mailbox.folder, self._resync_since(value), self._opt.resync_max
                )
                resynced = True
                logger.warning(
                    "graph delta token expired: bounded resync", extra={"listed": len(changes)}
                )
            last_ms = self._hand_off(mailbox, api, changes)
        finally:
            api.close()
        self._update_cursor(
            mailbox,
            lambda v: {
                "delta_link": next_link,
                "last_received_ms": max(int(v.get("last_received_ms") or 0), last_ms),
            },
        )
        now = self._clock.now()
        self._report(mailbox, HealthUpdate(state=MailboxState.IDLE, last_sync_at=now))
        return SyncOutcome("synced", len(changes), resynced)

    def _hand_off(self, mailbox: Mailbox, api: GraphApi, changes: list[GraphChange]) -> int:
        """MIME fetched with at most ``fetch_concurrency`` requests in flight, ingested in
        order; the first retryable failure stops (the delta link stays)."""
        ordered = sorted(changes, key=lambda c: c.received_at or datetime.min.replace(tzinfo=UTC))
        last_ms = 0
        with ThreadPoolExecutor(max_workers=self._opt.fetch_concurrency) as pool:
            fetched = pool.map(lambda c: _fetch(api, c), ordered)
            for change, raw in zip(ordered, fetched, strict=True):
                if isinstance(raw, NotFound):
                    continue  # deleted meanwhile
                if isinstance(raw, RetryableError | AuthError):
                    raise raw
                if isinstance(raw, MailIngestError):
                    logger.error("graph message could not be fetched", extra={"error": str(raw)})
                    self._report(mailbox, HealthUpdate(failed=1, last_error=str(raw)[:300]))
                    continue
                result = self._pipeline.ingest(
                    mailbox,
                    change.id,
                    raw,
                    received_at=change.received_at,
                    lease=sync_lease(mailbox),
                )
                if change.received_at is not None:
                    last_ms = max(last_ms, int(change.received_at.timestamp() * 1000))
                self._after_processing(mailbox, api, change.id)
                self._report(
                    mailbox,
                    HealthUpdate(
                        processed=1,
                        last_event_at=self._clock.now(),
                        processing_ms_total=result.processing_ms,
                        needs_review=0 if result.confident else 1,
                        labels=result.label_counts(),
                        latency=result.latency_counts(),
                    ),
                )
        return last_ms

    def _after_processing(self, mailbox: Mailbox, api: GraphApi, message_id: str) -> None:
        """After hand-off only (the event is out): mark read, move, or delete (to Deleted
        Items: recoverable, as Outlook does)."""
        action = mailbox.after_processing
        if action is AfterProcessing.MARK_SEEN:
            api.mark_read(message_id)
        elif action is AfterProcessing.MOVE and mailbox.move_to:
            api.move(message_id, mailbox.move_to)
        elif action is AfterProcessing.DELETE:
            api.move(message_id, "deleteditems")

    def _resync_since(self, value: Mapping[str, Any]) -> datetime:
        last_ms = int(value.get("last_received_ms") or 0)
        if last_ms:
            return datetime.fromtimestamp(last_ms / 1000, UTC) - timedelta(minutes=1)
        return self._clock.now() - self._opt.resync_default_window

    # -- state --------------------------------------------------------------------------------

    def _cursor_value(self, mailbox: Mailbox) -> dict[str, Any]:
        return dict(self._state.get_cursor(mailbox.tenant_id, mailbox.id).value)

    def _update_cursor(self, mailbox: Mailbox, change: CursorChange) -> None:
        merge_cursor(self._state, mailbox, change)

    def _report(self, mailbox: Mailbox, update: HealthUpdate) -> None:
        report(self._state, self._clock, mailbox, update)


@dataclass(frozen=True)
class SyncOutcome:
    outcome: str  # "synced" | "skipped"
    new_messages: int = 0
    resynced: bool = False


def _fetch(api: GraphApi, change: GraphChange) -> bytes | MailIngestError:
    try:
        return api.mime(change.id)
    except MailIngestError as exc:
        return exc
