"""The interfaces the service layer needs; ``shared.bootstrap`` wires the adapters in.

- state, event sink, secret store, blob store: in-memory implementations
  (``shared.adapters.memory_state``, ``shared.adapters.memory_sinks``) and real ones
  (``shared.adapters.firestore``, ``shared.adapters.pubsub``, ``shared.adapters.secrets``,
  ``shared.adapters.blobs``); one contract suite (``tests/contract``) runs against each;
- mail sources (IMAP / POP3 sessions): ``shared.adapters.imap``, and an in-memory one for
  the watcher's unit tests (``tests/unit/watcher/fakes.py``);
- Gmail and Graph: ``shared.adapters.gmail``, ``shared.adapters.graph``;
- clock: ``shared.adapters.system_clock``; credentials: ``shared.service.credentials`` and
  ``shared.oauth.tokens``.

State is one protocol per kind of record (``TenantStore``, ``CursorStore``, ``LeaseStore``…);
``StateStore`` combines them for the adapters and the composition root, while each service
takes only the ones it uses (a small named combination beside it, e.g. ``AdminRecords``
in ``shared.service.admin``).

Errors: implementations raise only ``shared.errors`` types — ``NotFound``, ``AlreadyExists``,
``ConflictError`` (a compare-and-set lost), ``ServiceUnavailable`` (backend down or slow),
and what each port's docstring names besides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

from shared.domain.analytics import DayCounts
from shared.domain.models import (
    AuditEntry,
    Cursor,
    DeadLetter,
    Health,
    HealthUpdate,
    Lease,
    Mailbox,
    Member,
    Provider,
    Tenant,
)
from shared.errors import MailIngestError
from shared.ids import MailboxId, TenantId
from shared.secret_names import SecretName

if TYPE_CHECKING:  # the classification package is heavy to import; only its type is needed
    from shared.domain.classification.templates import TemplateExample
    from shared.domain.recent_events import EventCursor, EventFilter, EventSummary


class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware UTC now."""
        ...


class TenantStore(Protocol):
    def put_tenant(self, tenant: Tenant) -> None: ...
    def get_tenant(self, tenant_id: TenantId) -> Tenant:
        """Raises NotFound."""
        ...

    def list_tenants(self) -> list[Tenant]: ...


class MailboxStore(Protocol):
    def put_mailbox(self, mailbox: Mailbox) -> None:
        """Create or replace the mailbox's settings (cursor, health and lease are untouched)."""
        ...

    def get_mailbox(self, tenant_id: TenantId, mailbox_id: MailboxId) -> Mailbox:
        """Raises NotFound."""
        ...

    def list_mailboxes(self, tenant_id: TenantId | None = None) -> list[Mailbox]:
        """One tenant's mailboxes, or every tenant's when ``tenant_id`` is None."""
        ...

    def delete_mailbox(self, tenant_id: TenantId, mailbox_id: MailboxId) -> None: ...

    def find_mailboxes(self, provider: Provider, address: str) -> list[Mailbox]:
        """Every tenant's mailboxes of ``provider`` with this address (case-insensitive; the
        mailbox's ``push_address`` when it has one): how a Gmail push, which names only the
        account's primary address, finds its mailboxes."""
        ...


@dataclass(frozen=True)
class MailboxChanges:
    """One delivery of a mailbox feed. ``complete``: ``updated`` is every mailbox there is
    (the first delivery of a subscription; a mailbox not in it is gone); otherwise the
    mailboxes added or changed (a disabled one is a change) and the keys
    (``tenant/mailbox``) of those removed since the previous delivery."""

    updated: tuple[Mailbox, ...] = ()
    removed: tuple[str, ...] = ()
    complete: bool = False


class MailboxSubscription(Protocol):
    @property
    def active(self) -> bool:
        """False once the feed has ended for good (closed, or an error it could not recover
        from): changes are no longer delivered; subscribe again."""
        ...

    def close(self) -> None:
        """Stop the deliveries; never raises."""
        ...


class MailboxFeed(Protocol):
    def watch_mailboxes(self, on_changes: Callable[[MailboxChanges], None]) -> MailboxSubscription:
        """Every tenant's mailboxes as they change: first one ``complete`` delivery, then each
        change, in order, possibly on another thread (``on_changes`` must be quick and
        thread-safe: hand them to a queue). A dropped connection is resumed inside the feed
        without losing changes; an error it cannot recover from ends the subscription
        (``active`` turns False). Raises ServiceUnavailable when it cannot start."""
        ...


class CursorStore(Protocol):
    def get_cursor(self, tenant_id: TenantId, mailbox_id: MailboxId) -> Cursor:
        """The stored cursor, or an empty one with version 0."""
        ...

    def compare_and_set_cursor(
        self,
        tenant_id: TenantId,
        mailbox_id: MailboxId,
        expected_version: int,
        value: Mapping[str, Any],
    ) -> Cursor:
        """Store ``value`` if the stored version is ``expected_version``; returns the new
        cursor (version + 1). Raises ConflictError otherwise."""
        ...


class SeenUidlStore(CursorStore, Protocol):
    """POP3's cursor: the small cursor document (its fingerprint, its version) and the shards
    of its seen set (``shared.domain.seen_uidls``), written together."""

    def get_seen_shards(
        self, tenant_id: TenantId, mailbox_id: MailboxId, shards: int
    ) -> dict[int, bytes]:
        """Shards ``0 .. shards-1`` as stored (a shard never written is absent)."""
        ...

    def compare_and_set_seen(
        self,
        tenant_id: TenantId,
        mailbox_id: MailboxId,
        expected_version: int,
        value: Mapping[str, Any],
        shards: Mapping[int, bytes],
    ) -> Cursor:
        """``compare_and_set_cursor`` and the changed ``shards`` in one atomic write: all of
        it lands, or none (ConflictError when the version moved)."""
        ...


class LeaseStore(Protocol):
    def try_acquire_lease(self, name: str, holder: str, ttl: timedelta) -> Lease | None:
        """Take the lease if it is free, expired or already ours (then it is renewed).
        None if another holder has a live lease."""
        ...

    def renew_lease(self, name: str, holder: str, ttl: timedelta) -> Lease | None:
        """Extend our lease; None if it is no longer ours (it lapsed and was taken)."""
        ...

    def release_lease(self, name: str, holder: str) -> None:
        """Give the lease up if we hold it; no-op otherwise."""
        ...

    def list_leases(self) -> list[Lease]: ...

    def lease_held(self, name: str) -> bool:
        """Someone holds the lease now: a timed one not yet expired, or a member lease whose
        holder's heartbeat is live (one read, two for a member lease)."""
        ...

    def leases_held(self, names: Sequence[str]) -> set[str]:
        """Which of ``names`` someone holds now (``lease_held`` for many): one batched read
        of the leases and one of their holders' heartbeats, whatever their number."""
        ...

    def take_member_lease(self, name: str, holder: str) -> bool:
        """Take ``name`` as a member lease of ``holder`` (live while its heartbeat is) if it
        is free, lapsed, already ours, or held by a member whose heartbeat has lapsed."""
        ...


class MemberStore(Protocol):
    """Replica membership: one heartbeat document per live watcher replica."""

    def heartbeat(self, holder: str, worker: str, ttl: timedelta) -> bool:
        """Extend ``holder``'s heartbeat to now + ``ttl``. False when its previous heartbeat
        had already lapsed or was never written — others may have taken its member leases."""
        ...

    def live_members(self) -> list[Member]:
        """Every replica whose heartbeat has not lapsed, by holder."""
        ...

    def leave(self, holder: str) -> None:
        """Delete ``holder``'s heartbeat (a clean shutdown): its member leases are free."""
        ...


class ClaimOutcome(StrEnum):
    CLAIMED = "claimed"  # ours now: process, then complete() or release()
    DONE = "done"  # already published: skip
    BUSY = "busy"  # another worker is in flight with it: retry later


class EventMark(NamedTuple):
    """The event a claim is taken for: once its summary is stored (``RecentEventStore``)
    the claim is done, with no write to the claim itself (the summary is the completion)."""

    tenant_id: TenantId
    event_id: str


class DedupeStore(Protocol):
    def claim(
        self,
        key: str,
        holder: str,
        ttl: timedelta,
        in_flight_timeout: timedelta,
        *,
        lease: str | None = None,
        mark: EventMark | None = None,
    ) -> ClaimOutcome:
        """Create-if-absent a pending claim expiring (TTL) after ``ttl``. A claim is done
        when ``complete_claim`` marked it so, or when it names an event (``mark``) whose
        summary is stored: the summary is the completion. Another holder's pending claim is
        taken over (its holder crashed or lost the mailbox) when it is older than
        ``in_flight_timeout``, or at once when it names a ``lease`` that its holder no
        longer holds (absent, lapsed, or another holder's): a claim tied to the mailbox
        lease of its holder's incarnation outlives that holder by at most the lease TTL."""
        ...

    def complete_claim(self, key: str, holder: str) -> None:
        """Mark a claim done without an event summary (a message a tenant rule skips, or
        an event published by a caller that keeps no summary)."""
        ...

    def claim_many(
        self,
        claims: Mapping[str, str | None],
        holder: str,
        ttl: timedelta,
        in_flight_timeout: timedelta,
        *,
        marks: Mapping[str, EventMark] | None = None,
    ) -> dict[str, ClaimOutcome]:
        """``claim`` for many keys (key → its ``lease``; ``marks``: key → its event): one
        round trip when none exists yet (a catch-up's new messages), else each as
        ``claim`` would answer it alone."""
        ...

    def complete_claims(self, keys: Sequence[str], holder: str) -> None:
        """``complete_claim`` for many keys: one round trip on the common path."""
        ...

    def release_claim(self, key: str, holder: str) -> None:
        """Drop our pending claim after a failure so a retry can claim it (never one that
        is done, whether marked so or completed by its event's summary)."""
        ...


# the most updates one ``update_health_many`` takes (Firestore: 500 writes in a batch)
HEALTH_WRITES_PER_CALL = 500


class HealthStore(Protocol):
    def update_health(
        self, tenant_id: TenantId, mailbox_id: MailboxId, update: HealthUpdate, at: datetime
    ) -> None:
        """Merge one coalesced update (counters go to the hour bucket of ``at``)."""
        ...

    def update_health_many(
        self, updates: Sequence[tuple[TenantId, MailboxId, HealthUpdate]], at: datetime
    ) -> None:
        """``update_health`` for at most ``HEALTH_WRITES_PER_CALL`` mailboxes in one round
        trip: all written, or none (raises)."""
        ...

    def get_health(self, tenant_id: TenantId, mailbox_id: MailboxId, now: datetime) -> Health:
        """Health with 24-hour counters computed as of ``now``."""
        ...

    def get_health_many(
        self, tenant_id: TenantId, mailbox_ids: Sequence[MailboxId], now: datetime
    ) -> dict[MailboxId, Health]:
        """``get_health`` for many mailboxes of a tenant in one batched read (the settings
        page's overview: no round trip per mailbox)."""
        ...

    def get_day_counts_many(
        self, tenant_id: TenantId, mailbox_ids: Sequence[MailboxId]
    ) -> dict[MailboxId, dict[str, DayCounts]]:
        """``get_day_counts`` for many mailboxes of a tenant in one batched read (the
        settings page's analytics)."""
        ...

    def get_day_counts(self, tenant_id: TenantId, mailbox_id: MailboxId) -> dict[str, DayCounts]:
        """The mailbox's analytics by UTC day ("YYYYMMDD"; ``shared.domain.analytics``): the
        ``labels`` and ``latency`` of every update, merged into the day of its ``at``. Days
        older than ``analytics.KEEP_DAYS`` may be gone."""
        ...


class AuditLog(Protocol):
    def append_audit(self, entry: AuditEntry) -> None: ...
    def list_audit(self, tenant_id: TenantId, limit: int = 100) -> list[AuditEntry]:
        """Newest first."""
        ...


class DeadLetterStore(Protocol):
    def put_dead_letter(self, letter: DeadLetter) -> None: ...
    def get_dead_letter(self, letter_id: str) -> DeadLetter:
        """Raises NotFound."""
        ...

    def list_dead_letters(self, tenant_id: TenantId | None = None) -> list[DeadLetter]: ...
    def delete_dead_letter(self, letter_id: str) -> None: ...


class RuleStore(Protocol):
    """Per-tenant custom classification rules, stored as documents validated by the domain."""

    def list_rule_docs(self, tenant_id: TenantId) -> list[dict[str, Any]]: ...
    def put_rule_doc(self, tenant_id: TenantId, rule_id: str, doc: Mapping[str, Any]) -> None: ...
    def delete_rule_doc(self, tenant_id: TenantId, rule_id: str) -> None: ...


class TemplateStore(Protocol):
    """Per-tenant template examples learned from label corrections: masked tokens, sender,
    label, who and when — never a body. The bound (``template_example.MAX_EXAMPLES``) is kept by
    the service that adds them (``shared.service.corrections``)."""

    def list_template_examples(self, tenant_id: TenantId) -> list[TemplateExample]:
        """Oldest first. A stored example that can no longer be read is left out."""
        ...

    def put_template_example(self, tenant_id: TenantId, example: TemplateExample) -> None:
        """Create, or replace the example with the same id."""
        ...

    def delete_template_example(self, tenant_id: TenantId, example_id: str) -> None:
        """No-op when there is no such example."""
        ...


class RecentEventStore(Protocol):
    """Per-tenant summaries of published events (``shared.domain.recent_events``): one write
    per event, never a body. Listed for ``KEEP_DAYS`` after the mail arrived, and kept at
    least ``KEEP_DAYS`` after they were written: a summary is the completion of the claim
    that names its event (``DedupeStore.claim``), so it outlives that claim."""

    def put_event_summary(self, summary: EventSummary) -> None:
        """Create, or replace the summary with the same event id."""
        ...

    def put_event_summaries(self, summaries: Sequence[EventSummary]) -> None:
        """``put_event_summary`` for many (a catch-up batch's), in one write."""
        ...

    def get_event_summary(self, tenant_id: TenantId, event_id: str) -> EventSummary:
        """Raises NotFound (also for an event of another tenant, or an expired one)."""
        ...

    def list_event_summaries(
        self,
        tenant_id: TenantId,
        limit: int,
        before: EventCursor | None = None,
        only: EventFilter | None = None,
    ) -> list[EventSummary]:
        """The tenant's newest ``limit`` summaries (at most ``MAX_LIST``), newest first (as
        old: the greater event id first); with ``before``, those after that cursor; with
        ``only``, those it matches (still ``limit`` of them). Expired ones and unreadable
        ones are left out."""
        ...


@dataclass(frozen=True)
class GraphSubscriptionOwner:
    """Whose a Graph subscription is and the SHA-256 of its ``clientState`` (never the
    clientState itself): all the webhook needs to accept a notification."""

    subscription_id: str
    tenant_id: TenantId
    mailbox_id: MailboxId
    client_state_sha256: str


class GraphSubscriptionStore(Protocol):
    """Graph subscription id → its owner, one small document each (one read per lookup)."""

    def put_graph_subscription(self, owner: GraphSubscriptionOwner) -> None: ...
    def get_graph_subscription(self, subscription_id: str) -> GraphSubscriptionOwner:
        """Raises NotFound."""
        ...

    def delete_graph_subscription(self, subscription_id: str) -> None:
        """No-op when there is none."""
        ...


class StateStore(
    TenantStore,
    MailboxStore,
    MailboxFeed,
    SeenUidlStore,
    LeaseStore,
    MemberStore,
    DedupeStore,
    HealthStore,
    AuditLog,
    DeadLetterStore,
    RuleStore,
    TemplateStore,
    RecentEventStore,
    GraphSubscriptionStore,
    Protocol,
):
    """Everything kept in Firestore."""


class EventSink(Protocol):
    def publish(self, data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> str:
        """Publish and wait for the server's ack; returns the message id.
        Raises ServiceUnavailable when it cannot be published."""
        ...

    def submit(
        self, data: bytes, ordering_key: str, attributes: Mapping[str, str]
    ) -> Callable[[], str]:
        """Start a publish and return at once; the call returned waits for the server's ack
        and returns the message id (or raises as ``publish`` does). Events of one ordering
        key reach the topic in the order submitted, so several can be in flight without
        reordering them: a failed one pauses its key — every later submit of the key, and
        every one still in flight, fails — until ``resume``."""
        ...

    def resume(self, ordering_key: str) -> None:
        """Let a key paused by a failed ``submit`` publish again (``publish`` does it
        itself); a key not paused is left as it is."""
        ...


class DoorbellQueue(Protocol):
    """Where a doorbell waits for its worker (``graph_webhook`` queues Graph's notifications
    for ``graph_worker``): a topic of its own, not the events topic, so the code says which
    topic each caller publishes to (``PubSubEventSink`` serves both)."""

    def publish(self, data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> str:
        """Publish and wait for the server's ack; returns the message id."""
        ...


class TaskQueue(Protocol):
    """Where the scheduled renewal and resync put their shards of mailboxes, one message
    each, for ``mailbox_tasks`` to work (scaled out and retried by the platform)."""

    def submit(
        self, data: bytes, ordering_key: str, attributes: Mapping[str, str]
    ) -> Callable[[], str]:
        """Start a publish and return at once; the call returned waits for the ack."""
        ...


class SecretStore(Protocol):
    """Names are typed by their kind (``shared.secret_names``, the only module that builds
    them), so the kind of every secret the code touches is known from the code."""

    def put_secret(self, name: SecretName, value: str) -> str:
        """Add a new version (creating the secret if needed); returns the version name."""
        ...

    def get_secret(self, name: SecretName) -> str:
        """The latest version's value. Raises NotFound."""
        ...

    def destroy_versions_before(self, name: SecretName, version: str) -> int:
        """Destroy every version older than ``version`` (a name ``put_secret`` returned) that
        is not destroyed yet; returns how many. For values whose old versions are of no use
        (a rotated refresh token): Secret Manager bills every version that is not destroyed."""
        ...

    def delete_secret(self, name: SecretName) -> None: ...


class BlobStore(Protocol):
    """Blobs by key. ``compress=True`` asks a store that bills by the byte to keep the blob
    gzip-compressed (raw MIME); whoever reads it back — ``get_blob``, or any reader of the
    reference — gets the bytes that were put."""

    def put_blob(self, key: str, data: bytes, content_type: str, *, compress: bool = False) -> str:
        """Store ``data`` under ``key`` (idempotent); returns a reference like gs://b/k."""
        ...

    def put_blob_stream(
        self, key: str, chunks: Iterable[bytes], content_type: str, *, compress: bool = False
    ) -> str:
        """Like ``put_blob`` for content too large to hold: ``chunks`` is consumed once, in
        order, and never joined in memory (a message over the size limit). An error raised by
        ``chunks`` leaves through here unchanged, and nothing is stored under ``key``."""
        ...

    def copy_blob(self, ref: str, key: str) -> str:
        """A copy of the blob ``ref`` under ``key`` (inside the store, as it is stored);
        returns the copy's reference. Raises NotFound when ``ref`` holds nothing."""
        ...

    def get_blob(self, ref: str) -> bytes:
        """The bytes that were put. Raises NotFound."""
        ...

    def ref_for(self, key: str) -> str:
        """The reference ``put_blob(key, ...)`` returns, computed without any call: how a
        blob whose key is known (an event's raw MIME) is read back."""
        ...


@dataclass(frozen=True)
class LoginCredentials:
    """What an IMAP/POP3 login needs. ``secret`` is a password or an OAuth access token."""

    username: str
    secret: str = field(repr=False)
    mechanism: Literal["password", "xoauth2", "oauthbearer"] = "password"


class CredentialProvider(Protocol):
    """The watcher's login seam: password from the secret store, or an OAuth access token
    from the token service, fetched at every (re)connect."""

    def credentials_for(self, mailbox: Mailbox) -> LoginCredentials:
        """Raises AuthError when no usable credential exists (e.g. reauth required)."""
        ...

    def invalidate(self, mailbox: Mailbox) -> None:
        """Forget any cached credential after the server refused it."""
        ...


@dataclass(frozen=True)
class MessageRef:
    """A message listed on an IMAP / POP3 server, before its body is fetched."""

    uid: int  # IMAP: the UID; POP3: the message number in this session (RFC 1939)
    name: str  # what a cursor remembers: the UID as text (IMAP) or the UIDL (POP3)
    size: int | None = None  # octets as the server reports them (RFC822.SIZE / LIST)


@dataclass(frozen=True)
class SourcePosition:
    """Where a sync of a mail source stands: after ``last_uid`` (IMAP, within the folder's
    UIDVALIDITY) and, for a source without ordered ids (POP3), the names already seen."""

    last_uid: int = 0
    seen: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FetchedMessage:
    ref: MessageRef
    raw: bytes = field(repr=False)
    received_at: datetime | None = None  # IMAP INTERNALDATE, timezone-aware UTC


class MailSource(Protocol):
    """One authenticated session with one mailbox's folder on an IMAP or POP3 server (the
    watcher's provider port; ``MailSources.open`` makes one). Every method raises only
    ``shared.errors`` types: ``ServiceUnavailable`` for a dropped connection, a timeout, a
    ``BYE`` or a command the server refused; ``ValidationError`` for a setting it cannot use."""

    @property
    def can_wait(self) -> bool:
        """Whether ``wait_for_change`` is pushed by the server (IMAP IDLE, RFC 2177)."""
        ...

    def select(self) -> int:
        """Open the mailbox's folder (read-only when its after-processing action is
        ``leave``); returns its UIDVALIDITY (POP3: 0). Forgets earlier announcements."""
        ...

    def changes_since(self, position: SourcePosition) -> list[MessageRef]:
        """The messages after ``position``, oldest first, with their sizes (checked before
        any body is fetched)."""
        ...

    def fetch_raw(self, refs: Sequence[MessageRef]) -> list[FetchedMessage]:
        """The raw messages (without setting \\Seen), in the order asked; a message expunged
        meanwhile is left out."""
        ...

    def stream_raw(self, ref: MessageRef, chunk_bytes: int) -> Iterator[bytes]:
        """The raw message in pieces of at most ``chunk_bytes`` (IMAP partial fetches,
        RFC 3501 §6.4.5 ``BODY.PEEK[]<offset.length>``), for a message too large to hold."""
        ...

    def announced_new(self) -> bool:
        """Whether the server announced a new message (IMAP ``EXISTS``) in its answers to our
        own commands since the last call or ``select``. Sends nothing."""
        ...

    def wait_for_change(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for the server to announce a change (IMAP IDLE); True if
        it did. A source that cannot wait checks once (IMAP NOOP) and returns at once."""
        ...

    def apply_after_action(self, ref: MessageRef) -> None:
        """The mailbox's after-processing action (leave, mark seen, move, delete) on one
        message that was handed off."""
        ...

    def logout(self) -> None:
        """End the session cleanly (POP3: deletions take effect on QUIT, RFC 1939)."""
        ...

    def close(self) -> None:
        """Drop the connection without ceremony; never raises."""
        ...

    def interrupt(self) -> None:
        """Wake a ``wait_for_change`` blocked in another thread (the watcher stopping the
        worker): that wait, and any later call, then fails at once. Safe from any thread;
        never raises. It lets a wait last until the next IDLE refresh instead of waking up
        every few seconds to look at a stop flag."""
        ...


class MailSources(Protocol):
    def open(self, mailbox: Mailbox, credentials: LoginCredentials) -> MailSource:
        """An authenticated session with the mailbox's server. Raises ``AuthError`` (the
        credentials were refused), ``HostRefused`` (a ``ValidationError``) or
        ``ServiceUnavailable``."""
        ...


@dataclass(frozen=True)
class GmailWatch:
    history_id: str
    expiration_ms: int


@dataclass(frozen=True)
class GmailMessage:
    id: str
    raw: bytes = field(repr=False)
    internal_date_ms: int


@dataclass(frozen=True)
class GmailProfile:
    """``users.getProfile``: the account's primary address (the one its pushes name)."""

    email: str
    history_id: str


@dataclass(frozen=True)
class GmailChanges:
    """Messages that entered a label since a history id, oldest first, each once, with the
    id of the history record that brought each; ``newest`` is how far the history was read
    (the mailbox's history id when every page was read, else the last record read)."""

    added: tuple[tuple[str, str], ...]
    newest: str
    complete: bool = True

    @property
    def ids(self) -> list[str]:
        return [message_id for message_id, _ in self.added]


class GmailApi(Protocol):
    """One Gmail account (``users/me``) through its access token. Raises only
    ``shared.errors`` types: ``Throttled`` (429 / rateLimitExceeded, with Retry-After),
    ``ServiceUnavailable``, ``AuthError``, ``NotFound``, ``CursorExpired``,
    ``ValidationError`` (a request Gmail refused, such as a label name for an id)."""

    def watch(self, topic: str, label_ids: Sequence[str]) -> GmailWatch: ...

    def stop(self) -> None: ...

    def current_history_id(self) -> str: ...

    def profile(self) -> GmailProfile: ...

    def labels(self) -> dict[str, str]:
        """The account's labels, id -> display name (``users.labels.list``)."""
        ...

    def added_since(self, history_id: str, label_id: str) -> GmailChanges:
        """Messages that entered ``label_id`` after ``history_id`` — added with it
        (``messageAdded``) or given it later (``labelAdded``). ``CursorExpired`` when the
        history id is too old (HTTP 404)."""
        ...

    def list_after(self, label_id: str, after_epoch_s: int, limit: int) -> list[str]:
        """Ids of messages with ``label_id`` received after ``after_epoch_s``, oldest first,
        at most ``limit`` (the newest ``limit`` when there are more)."""
        ...

    def get_raw(self, ids: Sequence[str]) -> list[GmailMessage | MailIngestError]:
        """The raw messages, in the order asked (batched; throttled parts asked again); a
        failed one is its error."""
        ...

    def modify(self, ids: Sequence[str], add: Sequence[str], remove: Sequence[str]) -> None:
        """Add / remove labels by id (after processing: mark read = remove UNREAD)."""
        ...

    def trash(self, ids: Sequence[str]) -> None:
        """Move the messages to the trash (``users.messages.trash``, batched); raises the
        first part's error when some could not be moved."""
        ...

    def close(self) -> None:
        """Release the client's connections."""
        ...


class GmailApis(Protocol):
    def for_mailbox(self, mailbox: Mailbox) -> GmailApi:
        """A client for the mailbox's account; ``ReauthRequired`` when its grant is gone."""
        ...


@dataclass(frozen=True)
class GraphSubscription:
    id: str
    expires_at: datetime


@dataclass(frozen=True)
class GraphSubscriptionInfo:
    """One of the app's subscriptions as Graph lists them."""

    id: str
    resource: str
    notification_url: str


@dataclass(frozen=True)
class GraphChange:
    """A message the delta query reported as new (not removed)."""

    id: str
    received_at: datetime | None


class GraphApi(Protocol):
    """One Microsoft 365 mailbox (``users/{address}``) through Microsoft Graph. Raises only
    ``shared.errors`` types: ``Throttled`` (429 / 503 with Retry-After),
    ``ServiceUnavailable``, ``AuthError``, ``NotFound``, ``CursorExpired``."""

    def create_subscription(
        self,
        folder: str,
        notification_url: str,
        lifecycle_url: str,
        client_state: str,
        expires_at: datetime,
    ) -> GraphSubscription:
        """``folder`` is an id or a well-known name. ``LifetimeRefused`` (with Graph's
        stated limit) when ``expires_at`` is too far."""
        ...

    def renew_subscription(self, subscription_id: str, expires_at: datetime) -> datetime:
        """``NotFound`` when it is gone (create a new one)."""
        ...

    def delete_subscription(self, subscription_id: str) -> None: ...

    def list_subscriptions(self) -> list[GraphSubscriptionInfo]:
        """The app's subscriptions the token can see (all of them for an app-only token)."""
        ...

    def initial_delta_link(self, folder_id: str, since: datetime) -> str:
        """The first request of a delta round of **created** messages received since
        ``since`` (no request is made): every later round carries both narrowings."""
        ...

    def delta(self, delta_link: str) -> tuple[list[GraphChange], str]:
        """Every page from ``delta_link``: the created messages and the next delta link
        (``@removed`` items are ignored). ``CursorExpired`` for an expired or unknown sync
        state (410 / syncStateNotFound)."""
        ...

    def resolve_folder(self, path: str) -> str:
        """The id of a folder given by display name, ``Parent/Child`` path or well-known
        name; ``FolderNotFound`` naming it when there is none."""
        ...

    def mime(self, message_id: str) -> bytes:
        """The RFC 822 message (``/$value``), cut after the size limit + 1 byte (a raw
        longer than the limit is the pipeline's "over the limit" event)."""
        ...

    def mark_read(self, message_id: str) -> None: ...

    def move(self, message_id: str, folder: str) -> None:
        """To a folder by id or well-known name (``archive``, ``deleteditems`` ...)."""
        ...

    def close(self) -> None: ...


class GraphApis(Protocol):
    def for_mailbox(self, mailbox: Mailbox) -> GraphApi:
        """``ReauthRequired`` when the mailbox's grant is gone."""
        ...


class PushSubscriptions(Protocol):
    """A provider's push for one mailbox (Gmail watch, Graph subscription)."""

    def start(self, mailbox: Mailbox) -> None: ...

    def stop(self, mailbox: Mailbox) -> None: ...
