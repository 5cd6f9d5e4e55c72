"""Microsoft 365 through Graph: the subscription's lifecycle and the delta sync.

- **Folder**: the mailbox's folder is a display name ("Bookings", "Inbox/Bookings") or a
  well-known name; Graph takes ids only, so it is resolved (``mailFolders`` +
  ``childFolders``) and the id kept in the cursor beside the name. An unknown one is a
  ``FolderNotFound`` naming it, in the health record and the log.
- **Connect**: a subscription on the folder (``created``; notification and lifecycle URLs; a
  random ``clientState`` per subscription, of which only the SHA-256 is kept, beside the
  mailbox it belongs to, in a small Firestore document the webhook reads — no secret; a
  lifetime under both documented limits, stepping down to the limit a refusal states)
  and, as the cursor, the first request of a delta round narrowed to
  ``changeType=created`` and ``receivedDateTime ge {now - connect_margin}``
  (``$deltatoken=latest`` is not documented for messages: it would be a full initial round).
  That round is run at once; what it finds received before the connect is old mail and is
  skipped. A connect that fails deletes the subscription it created. **Disconnect** deletes
  both.
- **Sync** (the worker, after a notification went through the queue): one at a time per
  mailbox across instances (a Firestore lease; busy → ``SyncBusy``, the queue redelivers),
  the delta from the stored link (every page; created messages only, so reads, flags and
  our own mark-read download nothing), each new message's MIME (immutable ids) through the
  one pipeline, the new delta link stored after hand-off. An expired delta token (410 /
  ``syncStateNotFound``) starts a **bounded resync**: a new created-only round from the
  last processed time — the pipeline drops those already published. Besides each message's
  claim and summary a sync writes its lease (taken, released), the cursor and the health
  once each (``SyncHealth``; a long round's health every ``HEALTH_EVERY`` messages).
- **After processing** (mark read, move, delete) never holds ingestion up: a refusal (403
  with ``Mail.Read`` only, a folder gone) is logged and shown in health; the message stays
  published and the cursor moves on.
- **Renewal** lists the app's subscriptions for the mailbox and deletes any but its own. A
  subscription without its owner document (made before the webhook stopped reading a secret
  per subscription) is created again: the renewal after the upgrade migrates every mailbox.
- **Lifecycle**: ``reauthorizationRequired`` → renew (a 404 → create again);
  ``subscriptionRemoved`` → create again and sync; ``missed`` → sync.

Cursor value: ``{"delta_link", "delta_created", "delta_folder_id", "skip_before_ms",
"folder_name", "folder_id", "move_to_name", "move_to_id", "subscription_id",
"subscription_expires_ms", "lifetime_limit_min", "last_received_ms"}``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

from shared.domain.models import AfterProcessing, HealthUpdate, Mailbox, MailboxState
from shared.errors import (
    AuthError,
    CursorExpired,
    FolderNotFound,
    LifetimeRefused,
    MailIngestError,
    NotFound,
    ReauthRequired,
    RetryableError,
    ServiceUnavailable,
)
from shared.observability import log_labels, register_secret
from shared.ports import (
    Clock,
    CursorStore,
    GraphApi,
    GraphApis,
    GraphChange,
    GraphSubscriptionOwner,
    GraphSubscriptionStore,
    HealthStore,
    LeaseStore,
    SecretStore,
)
from shared.secret_names import graph_subscription_secret_name
from shared.service.health import found_waiting, result_update
from shared.service.ingest import IngestPipeline
from shared.service.mailbox_state import (
    CursorChange,
    SyncHealth,
    error_update,
    merge_cursor,
    report,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")
LIFECYCLE_EVENTS = frozenset({"reauthorizationRequired", "subscriptionRemoved", "missed"})
HEALTH_EVERY = 100  # messages handed off between health writes of a long round


@dataclass(frozen=True)
class GraphOptions:
    notification_url: str = ""
    lifecycle_url: str = ""
    lease_ttl: timedelta = timedelta(seconds=120)
    # Outlook message subscriptions: 10,080 minutes by the current docs, 4,230 by older ones
    # and real refusals; stay under the stricter (a refusal's stated limit lowers it further)
    lifetime: timedelta = timedelta(minutes=4_200)
    lifetime_margin: timedelta = timedelta(minutes=30)
    renew_within: timedelta = timedelta(days=1)
    # the first delta round asks for mail received since the connect minus this (clock skew)
    connect_margin: timedelta = timedelta(minutes=10)
    resync_default_window: timedelta = timedelta(days=1)
    fetch_concurrency: int = 4  # Outlook: 4 concurrent requests per mailbox and app


class SyncBusy(ServiceUnavailable):
    """Another instance is syncing this mailbox: deliver the notification again later."""


def sync_lease(mailbox: Mailbox) -> str:
    """The lease a Graph sync holds; claims taken under it are freed when it lapses."""
    return f"graph-sync/{mailbox.key}"


def client_state_sha256(client_state: str) -> str:
    """What is kept of a clientState: a random 256-bit value, so its hash cannot be undone."""
    return hashlib.sha256(client_state.encode()).hexdigest()


class GraphSyncRecords(CursorStore, LeaseStore, HealthStore, GraphSubscriptionStore, Protocol):
    """What the Graph sync keeps: the mailbox's cursor, the lease of the sync running, its
    health, and the owners of its subscriptions."""


class GraphSync:
    def __init__(
        self,
        state: GraphSyncRecords,
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
        """``subscribe``, then page the first delta round now; returns the subscription id."""
        sub_id = self.subscribe(mailbox)
        with log_labels(tenant=mailbox.tenant_id, mailbox=mailbox.id, provider="graph"):
            self._first_round(mailbox)
        return sub_id

    def subscribe(self, mailbox: Mailbox) -> str:
        """Subscribe (replacing any earlier subscription) and start from now unless the
        mailbox already has a position; returns the subscription id. Nothing it created is
        left behind when it fails. The first delta round is left to the first notification
        or the safety net (``connect`` pages it at once)."""
        with log_labels(tenant=mailbox.tenant_id, mailbox=mailbox.id, provider="graph"):
            api = self._apis.for_mailbox(mailbox)
            try:
                value = self._cursor_value(mailbox)
                old = value.get("subscription_id")
                folder_id = self._folder_id(mailbox, api, value)
                sub_id, expires = self._subscribe(mailbox, api, folder_id, value)
                try:
                    self._start_cursor(mailbox, api, folder_id, sub_id, expires)
                except BaseException:
                    self._drop_subscription(api, sub_id)
                    raise
                if old and old != sub_id:
                    self._drop_subscription(api, str(old))
            finally:
                api.close()
            logger.info("graph subscription created", extra={"subscription": sub_id})
            return sub_id

    def _start_cursor(
        self, mailbox: Mailbox, api: GraphApi, folder_id: str, sub_id: str, expires: int
    ) -> None:
        now = self._clock.now()
        initial = api.initial_delta_link(folder_id, now - self._opt.connect_margin)
        start: dict[str, Any] = {"delta_link": initial, "delta_created": True}
        start["delta_folder_id"] = folder_id
        start["skip_before_ms"] = _whole_second_ms(now)

        def change(v: Mapping[str, Any]) -> dict[str, Any]:
            fresh = not v.get("delta_link") or not v.get("delta_created")
            fresh = fresh or v.get("delta_folder_id") != folder_id
            return {
                "subscription_id": sub_id,
                "subscription_expires_ms": expires,
                **(start if fresh else {}),
            }

        self._update_cursor(mailbox, change)

    def _first_round(self, mailbox: Mailbox) -> None:
        """Page the connect's first round to its deltaLink now; a busy or failing sync is
        left to the next doorbell or the safety net (the cursor keeps the round's start)."""
        if not self._cursor_value(mailbox).get("skip_before_ms"):
            return
        try:
            self.sync(mailbox)
        except RetryableError as exc:
            logger.warning("graph first delta round deferred", extra={"error": str(exc)[:200]})

    def _folder_id(self, mailbox: Mailbox, api: GraphApi, value: Mapping[str, Any]) -> str:
        """The folder's id, resolved from its name once and kept beside it."""
        if value.get("folder_name") == mailbox.folder and value.get("folder_id"):
            return str(value["folder_id"])
        try:
            folder_id = api.resolve_folder(mailbox.folder)
        except FolderNotFound as exc:
            logger.error("graph folder not found", extra={"folder": mailbox.folder})
            self._report(mailbox, error_update(exc, self._clock.now()))
            raise
        self._update_cursor(
            mailbox, lambda v: {"folder_name": mailbox.folder, "folder_id": folder_id}
        )
        return folder_id

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
        if not self._has_owner(str(value["subscription_id"])):
            logger.warning("graph subscription without its owner document: creating it again")
            self.connect(mailbox)
            return "recreated"
        self._remove_extras(mailbox, str(value["subscription_id"]))
        due = self._clock.now() + min(self._opt.renew_within, self._lifetime(value) / 3)
        if expires and datetime.fromtimestamp(expires / 1000, UTC) > due:
            return "not_due"
        return self._renew(mailbox, str(value["subscription_id"]))

    def _renew(self, mailbox: Mailbox, sub_id: str) -> str:
        api = self._apis.for_mailbox(mailbox)
        try:
            until = self._within_limit(
                mailbox, lambda at: api.renew_subscription(sub_id, at), self._cursor_value(mailbox)
            )
        except NotFound:
            api.close()
            logger.warning("graph subscription gone: creating a new one")
            self.connect(mailbox)
            return "recreated"
        api.close()
        ms = int(until.timestamp() * 1000)
        self._update_cursor(mailbox, lambda v: {"subscription_expires_ms": ms})
        return "renewed"

    def _has_owner(self, sub_id: str) -> bool:
        try:
            self._state.get_graph_subscription(sub_id)
        except NotFound:
            return False
        return True

    def _remove_extras(self, mailbox: Mailbox, keep: str) -> None:
        """At most one live subscription per mailbox: the app's others on it are deleted."""
        api = self._apis.for_mailbox(mailbox)
        try:
            mine = f"users/{_user(mailbox)}/".lower()
            for sub in api.list_subscriptions():
                ours = sub.notification_url == self._opt.notification_url
                if sub.id != keep and ours and sub.resource.lower().startswith(mine):
                    logger.warning("graph extra subscription deleted", extra={"extra": sub.id})
                    self._drop_subscription(api, sub.id)
        finally:
            api.close()

    def _lifetime(self, value: Mapping[str, Any]) -> timedelta:
        limit = value.get("lifetime_limit_min")
        if not limit:
            return self._opt.lifetime
        stated = timedelta(minutes=int(limit)) - self._opt.lifetime_margin
        return max(timedelta(minutes=1), min(self._opt.lifetime, stated))

    def _within_limit(
        self, mailbox: Mailbox, ask: Callable[[datetime], T], value: Mapping[str, Any]
    ) -> T:
        """``ask`` with an expiry under the lifetime; once more under the limit a refusal
        states (remembered for the renewals to come)."""
        try:
            return ask(self._clock.now() + self._lifetime(value))
        except LifetimeRefused as exc:
            if exc.limit_minutes is None:
                raise
            limit = exc.limit_minutes
            logger.warning("graph lifetime refused: stepping down", extra={"limit_min": limit})
            self._update_cursor(mailbox, lambda v: {"lifetime_limit_min": limit})
            return ask(self._clock.now() + self._lifetime({"lifetime_limit_min": limit}))

    def lifecycle(self, mailbox: Mailbox, event: str) -> str:
        """React to a lifecycle notification (learn.microsoft.com/graph/
        change-notifications-lifecycle-events)."""
        if event == "reauthorizationRequired":
            sub_id = self._cursor_value(mailbox).get("subscription_id")
            return self._renew(mailbox, str(sub_id)) if sub_id else self.renew_if_due(mailbox)
        if event == "subscriptionRemoved":
            self.connect(mailbox)
        return self.sync(mailbox).outcome

    def _subscribe(
        self, mailbox: Mailbox, api: GraphApi, folder_id: str, value: Mapping[str, Any]
    ) -> tuple[str, int]:
        client_state = secrets.token_urlsafe(32)
        register_secret(client_state)
        sub = self._within_limit(
            mailbox,
            lambda at: api.create_subscription(
                folder_id,
                self._opt.notification_url,
                self._opt.lifecycle_url or self._opt.notification_url,
                client_state,
                at,
            ),
            value,
        )
        digest = client_state_sha256(client_state)
        owner = GraphSubscriptionOwner(sub.id, mailbox.tenant_id, mailbox.id, digest)
        try:
            self._state.put_graph_subscription(owner)
        except BaseException:
            self._drop_subscription(api, sub.id)
            raise
        return sub.id, int(sub.expires_at.timestamp() * 1000)

    def _drop_subscription(self, api: GraphApi, sub_id: str) -> None:
        with contextlib.suppress(NotFound):
            api.delete_subscription(sub_id)
        self._state.delete_graph_subscription(sub_id)
        with contextlib.suppress(NotFound):  # one made before the owner documents
            self._secrets.delete_secret(graph_subscription_secret_name(sub_id))

    # -- sync ---------------------------------------------------------------------------------

    def sync(self, mailbox: Mailbox) -> SyncOutcome:
        if not mailbox.enabled:
            return SyncOutcome("skipped")
        lease = sync_lease(mailbox)
        if self._state.try_acquire_lease(lease, self._holder, self._opt.lease_ttl) is None:
            raise SyncBusy(f"a sync of {mailbox.key} is running")
        health = SyncHealth(self._state, self._clock, mailbox)
        with log_labels(tenant=mailbox.tenant_id, mailbox=mailbox.id, provider="graph"):
            try:
                return self._sync_locked(mailbox, health)
            except ReauthRequired:
                health.add(HealthUpdate(state=MailboxState.REAUTH_REQUIRED))
                raise
            except MailIngestError as exc:
                health.add(error_update(exc, self._clock.now()))
                raise
            finally:
                health.flush()
                self._state.release_lease(lease, self._holder)

    def _sync_locked(self, mailbox: Mailbox, health: SyncHealth) -> SyncOutcome:
        value = self._cursor_value(mailbox)
        api = self._apis.for_mailbox(mailbox)
        try:
            folder_id = self._folder_id(mailbox, api, value)
            link, skip_before = value.get("delta_link"), int(value.get("skip_before_ms") or 0)
            resynced = bool(link) and not value.get("delta_created")  # a round of every kind
            if not link:  # never connected: from now, as a connect does
                now = self._clock.now()
                link = api.initial_delta_link(folder_id, now - self._opt.connect_margin)
                skip_before = _whole_second_ms(now)
            elif resynced or value.get("delta_folder_id") != folder_id:
                link = api.initial_delta_link(folder_id, self._resync_since(value))
            try:
                changes, next_link = api.delta(str(link))
            except CursorExpired:
                link = api.initial_delta_link(folder_id, self._resync_since(value))
                changes, next_link = api.delta(link)
                resynced = True
                logger.warning(
                    "graph delta token expired: bounded resync", extra={"listed": len(changes)}
                )
            if skip_before:  # the connect's first round: mail received before it is old
                changes = [c for c in changes if _received_ms(c) >= skip_before]
            last_ms = self._hand_off(mailbox, api, changes, health)
        finally:
            api.close()
        self._update_cursor(
            mailbox,
            lambda v: {
                "delta_link": next_link,
                "delta_created": True,
                "delta_folder_id": folder_id,
                "skip_before_ms": None,
                "last_received_ms": max(int(v.get("last_received_ms") or 0), last_ms),
            },
        )
        now = self._clock.now()
        health.add(
            HealthUpdate(state=MailboxState.IDLE, last_sync_at=now, pending=0, pending_at=now)
        )
        return SyncOutcome("synced", len(changes), resynced)

    def _hand_off(
        self, mailbox: Mailbox, api: GraphApi, changes: list[GraphChange], health: SyncHealth
    ) -> int:
        """MIME fetched with at most ``fetch_concurrency`` requests in flight, ingested in
        order; the first retryable failure stops (the delta link stays). Health is written
        with the sync's, or every ``HEALTH_EVERY`` messages of a long round (its backlog
        shows while it drains)."""
        ordered = sorted(changes, key=lambda c: c.received_at or datetime.min.replace(tzinfo=UTC))
        last_ms = 0
        if ordered:  # what waits, until handed off (a failure leaves the rest counted)
            first = ordered[0].received_at
            health.add(found_waiting(len(ordered), self._clock.now(), first))
            if len(ordered) > HEALTH_EVERY:
                health.flush()
        with ThreadPoolExecutor(max_workers=self._opt.fetch_concurrency) as pool:
            fetched = pool.map(lambda c: _fetch(api, c), ordered)
            for done, (change, raw) in enumerate(zip(ordered, fetched, strict=True), start=1):
                left = len(ordered) - done
                if done % HEALTH_EVERY == 0:
                    health.flush()
                if isinstance(raw, NotFound):
                    continue  # deleted meanwhile
                if isinstance(raw, RetryableError | AuthError):
                    raise raw
                if isinstance(raw, MailIngestError):
                    logger.error("graph message could not be fetched", extra={"error": str(raw)})
                    health.add(HealthUpdate(failed=1, last_error=str(raw)[:300], pending=left))
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
                self._after_processing(mailbox, api, change.id, health)
                health.add(result_update(result, self._clock.now(), still_waiting=left))
        return last_ms

    def _after_processing(
        self, mailbox: Mailbox, api: GraphApi, message_id: str, health: SyncHealth
    ) -> None:
        """After hand-off only (the event is out): mark read, move, or delete (to Deleted
        Items: recoverable, as Outlook does). A refusal (403 with Mail.Read only, a folder
        gone, an outage) is dropped visibly — logged and in health — never holding up
        ingestion: the message stays published and the cursor moves on."""
        action = mailbox.after_processing
        try:
            if action is AfterProcessing.MARK_SEEN:
                api.mark_read(message_id)
            elif action is AfterProcessing.MOVE and mailbox.move_to:
                api.move(message_id, self._move_target(mailbox, api))
            elif action is AfterProcessing.DELETE:
                api.move(message_id, "deleteditems")
        except MailIngestError as exc:
            error = f"after processing ({action.value}) failed: {exc}"[:300]
            logger.warning("graph after-processing failed", extra={"error": error})
            health.add(HealthUpdate(last_error=error, last_error_at=self._clock.now()))

    def _move_target(self, mailbox: Mailbox, api: GraphApi) -> str:
        name = str(mailbox.move_to)
        value = self._cursor_value(mailbox)
        if value.get("move_to_name") == name and value.get("move_to_id"):
            return str(value["move_to_id"])
        folder_id = api.resolve_folder(name)
        self._update_cursor(mailbox, lambda v: {"move_to_name": name, "move_to_id": folder_id})
        return folder_id

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


def _user(mailbox: Mailbox) -> str:
    return mailbox.oauth.connected_address if mailbox.oauth else mailbox.address


def _received_ms(change: GraphChange) -> int:
    return int(change.received_at.timestamp() * 1000) if change.received_at else 0


def _fetch(api: GraphApi, change: GraphChange) -> bytes | MailIngestError:
    try:
        return api.mime(change.id)
    except MailIngestError as exc:
        return exc


def _whole_second_ms(at: datetime) -> int:
    """Where old mail ends, in ms: the start of ``at``'s second. Graph gives a message's
    ``receivedDateTime`` to the second, so mail that arrives in the connect's own second reads
    as received before it: counted as new, never skipped (lost)."""
    return int(at.timestamp()) * 1000
