"""In-memory ``StateStore``: the reference the Firestore store is held to by the contract
suite (tests/contract/test_state_store.py), and the store of unit tests and offline parsing.

Thread-safe (one lock). Time comes from the injected clock (a ``FakeClock`` in tests): lease
expiry, claim age and claim TTL are judged by it. Values handed in or out are copies, so a
caller mutating a dict never changes what is stored.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from shared.domain import analytics
from shared.domain import health as health_math
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
from shared.domain.recent_events import MAX_LIST, EventCursor, EventFilter, EventSummary
from shared.errors import ConflictError, NotFound
from shared.ids import MailboxId, TenantId
from shared.ports import ClaimOutcome, Clock, EventMark, GraphSubscriptionOwner, MailboxChanges

if TYPE_CHECKING:
    from shared.domain.classification.templates import TemplateExample

# complete_claim of a key with no claim still records "done" for this long (as Firestore).
DONE_WITHOUT_CLAIM_TTL = timedelta(days=30)


class MemoryMailboxSubscription:
    """A subscription to the in-memory store's mailbox changes, delivered synchronously by
    the writer (under the store's lock, so in order)."""

    def __init__(
        self, store: InMemoryStateStore, on_changes: Callable[[MailboxChanges], None]
    ) -> None:
        self._store = store
        self.on_changes = on_changes
        self._active = True

    @property
    def active(self) -> bool:
        return self._active

    def close(self) -> None:
        self._active = False
        self._store._unsubscribe(self)


class InMemoryStateStore:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._tenants: dict[str, Tenant] = {}
        self._mailboxes: dict[tuple[str, str], Mailbox] = {}
        self._cursors: dict[tuple[str, str], Cursor] = {}
        self._seen: dict[tuple[str, str], dict[int, bytes]] = {}
        self._leases: dict[str, Lease] = {}
        self._members: dict[str, Member] = {}
        self._claims: dict[str, dict[str, Any]] = {}
        self._health: dict[tuple[str, str], dict[str, Any]] = {}
        self._audit: list[AuditEntry] = []
        self._dead: dict[str, DeadLetter] = {}
        self._rules: dict[str, dict[str, dict[str, Any]]] = {}
        self._templates: dict[str, dict[str, TemplateExample]] = {}
        self._feeds: list[MemoryMailboxSubscription] = []
        self._events: dict[str, dict[str, EventSummary]] = {}
        self._graph_subscriptions: dict[str, GraphSubscriptionOwner] = {}

    # tenants / mailboxes
    def put_tenant(self, tenant: Tenant) -> None:
        with self._lock:
            self._tenants[tenant.id] = tenant

    def get_tenant(self, tenant_id: TenantId) -> Tenant:
        with self._lock:
            try:
                return self._tenants[tenant_id]
            except KeyError:
                raise NotFound(f"tenant {tenant_id} not found") from None

    def list_tenants(self) -> list[Tenant]:
        with self._lock:
            return sorted(self._tenants.values(), key=lambda t: t.id)

    def put_mailbox(self, mailbox: Mailbox) -> None:
        with self._lock:
            self._mailboxes[(mailbox.tenant_id, mailbox.id)] = mailbox
            self._notify(MailboxChanges(updated=(mailbox,)))

    def get_mailbox(self, tenant_id: TenantId, mailbox_id: MailboxId) -> Mailbox:
        with self._lock:
            try:
                return self._mailboxes[(tenant_id, mailbox_id)]
            except KeyError:
                raise NotFound(f"mailbox {tenant_id}/{mailbox_id} not found") from None

    def list_mailboxes(self, tenant_id: TenantId | None = None) -> list[Mailbox]:
        with self._lock:
            boxes = [m for (t, _), m in self._mailboxes.items() if tenant_id in (None, t)]
        return sorted(boxes, key=lambda m: (m.tenant_id, m.id))

    def find_mailboxes(self, provider: Provider, address: str) -> list[Mailbox]:
        wanted = address.strip().lower()
        with self._lock:
            boxes = [
                m
                for m in self._mailboxes.values()
                if m.provider is provider and (m.push_address or m.address).lower() == wanted
            ]
        return sorted(boxes, key=lambda m: (m.tenant_id, m.id))

    def delete_mailbox(self, tenant_id: TenantId, mailbox_id: MailboxId) -> None:
        with self._lock:
            key = (tenant_id, mailbox_id)
            removed = self._mailboxes.pop(key, None)
            self._cursors.pop(key, None)
            self._seen.pop(key, None)
            self._health.pop(key, None)
            if removed is not None:
                self._notify(MailboxChanges(removed=(removed.key,)))

    def watch_mailboxes(
        self, on_changes: Callable[[MailboxChanges], None]
    ) -> MemoryMailboxSubscription:
        subscription = MemoryMailboxSubscription(self, on_changes)
        with self._lock:
            every = tuple(sorted(self._mailboxes.values(), key=lambda m: m.key))
            on_changes(MailboxChanges(updated=every, complete=True))
            self._feeds.append(subscription)
        return subscription

    def _unsubscribe(self, subscription: MemoryMailboxSubscription) -> None:
        with self._lock:
            if subscription in self._feeds:
                self._feeds.remove(subscription)

    def _notify(self, changes: MailboxChanges) -> None:
        for subscription in list(self._feeds):
            subscription.on_changes(changes)

    # cursors
    def get_cursor(self, tenant_id: TenantId, mailbox_id: MailboxId) -> Cursor:
        with self._lock:
            return self._cursors.get((tenant_id, mailbox_id), Cursor()).model_copy(deep=True)

    def compare_and_set_cursor(
        self,
        tenant_id: TenantId,
        mailbox_id: MailboxId,
        expected_version: int,
        value: Mapping[str, Any],
    ) -> Cursor:
        with self._lock:
            current = self._cursors.get((tenant_id, mailbox_id), Cursor())
            if current.version != expected_version:
                raise ConflictError(
                    f"cursor of {tenant_id}/{mailbox_id} is at version {current.version}, "
                    f"not {expected_version}"
                )
            new = Cursor(
                value=copy.deepcopy(dict(value)),
                version=expected_version + 1,
                updated_at=self._clock.now(),
            )
            self._cursors[(tenant_id, mailbox_id)] = new
            return new.model_copy(deep=True)

    def get_seen_shards(
        self, tenant_id: TenantId, mailbox_id: MailboxId, shards: int
    ) -> dict[int, bytes]:
        with self._lock:
            stored = self._seen.get((tenant_id, mailbox_id), {})
            return {i: blob for i, blob in stored.items() if i < shards}

    def compare_and_set_seen(
        self,
        tenant_id: TenantId,
        mailbox_id: MailboxId,
        expected_version: int,
        value: Mapping[str, Any],
        shards: Mapping[int, bytes],
    ) -> Cursor:
        with self._lock:
            new = self.compare_and_set_cursor(tenant_id, mailbox_id, expected_version, value)
            self._seen.setdefault((tenant_id, mailbox_id), {}).update(shards)
            return new

    # leases
    def try_acquire_lease(self, name: str, holder: str, ttl: timedelta) -> Lease | None:
        with self._lock:
            now = self._clock.now()
            current = self._leases.get(name)
            if current and current.holder != holder and self._lease_live(current, now):
                return None
            lease = Lease(name=name, holder=holder, expires_at=now + ttl)
            self._leases[name] = lease
            return lease

    def take_member_lease(self, name: str, holder: str) -> bool:
        with self._lock:
            current = self._leases.get(name)
            if (
                current
                and current.holder != holder
                and self._lease_live(current, self._clock.now())
            ):
                return False
            self._leases[name] = Lease(name=name, holder=holder)
            return True

    def lease_held(self, name: str) -> bool:
        with self._lock:
            current = self._leases.get(name)
            return current is not None and self._lease_live(current, self._clock.now())

    def leases_held(self, names: Sequence[str]) -> set[str]:
        with self._lock:
            now = self._clock.now()
            return {
                name
                for name in names
                if (lease := self._leases.get(name)) is not None and self._lease_live(lease, now)
            }

    def _lease_live(self, lease: Lease, now: datetime) -> bool:
        if lease.expires_at is not None:
            return lease.expires_at > now
        member = self._members.get(lease.holder)
        return member is not None and member.expires_at > now

    # replica membership
    def heartbeat(self, holder: str, worker: str, ttl: timedelta) -> bool:
        with self._lock:
            now = self._clock.now()
            previous = self._members.get(holder)
            self._members[holder] = Member(holder=holder, worker=worker, expires_at=now + ttl)
            return previous is not None and previous.expires_at > now

    def live_members(self) -> list[Member]:
        with self._lock:
            now = self._clock.now()
            return sorted(
                (m for m in self._members.values() if m.expires_at > now), key=lambda m: m.holder
            )

    def leave(self, holder: str) -> None:
        with self._lock:
            self._members.pop(holder, None)

    def renew_lease(self, name: str, holder: str, ttl: timedelta) -> Lease | None:
        with self._lock:
            now = self._clock.now()
            current = self._leases.get(name)
            if current is None or current.holder != holder:
                return None
            lease = Lease(name=name, holder=holder, expires_at=now + ttl)
            self._leases[name] = lease
            return lease

    def release_lease(self, name: str, holder: str) -> None:
        with self._lock:
            current = self._leases.get(name)
            if current and current.holder == holder:
                del self._leases[name]

    def list_leases(self) -> list[Lease]:
        with self._lock:
            return sorted(self._leases.values(), key=lambda lease: lease.name)

    # dedupe claims
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
        with self._lock:
            now = self._clock.now()
            current = self._claims.get(key)
            if current is not None and current["expires_at"] <= now:
                current = None  # what the Firestore TTL policy eventually deletes
            if current is not None:
                if current["status"] == "done" or self._summarized(current):
                    return ClaimOutcome.DONE
                held = self._leases.get(current.get("lease") or "")
                holder_alive = current.get("lease") is None or (
                    held is not None
                    and held.holder == current["holder"]
                    and self._lease_live(held, now)
                )
                if holder_alive and now - current["claimed_at"] < in_flight_timeout:
                    return ClaimOutcome.BUSY
            self._claims[key] = {
                "status": "pending",
                "holder": holder,
                "lease": lease,
                "mark": mark,
                "claimed_at": now,
                "expires_at": now + ttl,
            }
            return ClaimOutcome.CLAIMED

    def _summarized(self, claim: dict[str, Any]) -> bool:
        """Whether the event the claim names has its summary stored (as Firestore)."""
        named: EventMark | None = claim.get("mark")
        return named is not None and named.event_id in self._events.get(named.tenant_id, {})

    def complete_claim(self, key: str, holder: str) -> None:
        with self._lock:
            current = self._claims.get(key)
            now = self._clock.now()
            expires = current["expires_at"] if current else now + DONE_WITHOUT_CLAIM_TTL
            self._claims[key] = {
                "status": "done",
                "holder": holder,
                "claimed_at": current["claimed_at"] if current else now,
                "expires_at": expires,
            }

    def claim_many(
        self,
        claims: Mapping[str, str | None],
        holder: str,
        ttl: timedelta,
        in_flight_timeout: timedelta,
        *,
        marks: Mapping[str, EventMark] | None = None,
    ) -> dict[str, ClaimOutcome]:
        marks = marks or {}
        return {
            key: self.claim(key, holder, ttl, in_flight_timeout, lease=lease, mark=marks.get(key))
            for key, lease in claims.items()
        }

    def complete_claims(self, keys: Sequence[str], holder: str) -> None:
        for key in keys:
            self.complete_claim(key, holder)

    def release_claim(self, key: str, holder: str) -> None:
        with self._lock:
            current = self._claims.get(key)
            mine = current and current["status"] == "pending" and current["holder"] == holder
            # one completed by its event's summary is kept
            if mine and current and not self._summarized(current):
                del self._claims[key]

    # health
    def update_health(
        self, tenant_id: TenantId, mailbox_id: MailboxId, update: HealthUpdate, at: datetime
    ) -> None:
        with self._lock:
            record = self._health.setdefault((tenant_id, mailbox_id), {"buckets": {}})
            record.update(health_math.latest_fields(update))
            buckets = record["buckets"]
            bucket = buckets.setdefault(health_math.bucket_key(at), {})
            for name, inc in health_math.counter_increments(update).items():
                bucket[name] = bucket.get(name, 0) + inc
            for key in health_math.expired_buckets(buckets, at):
                del buckets[key]
            days = record.setdefault("days", {})
            parts = analytics.increments(update.labels, update.latency)
            day = days.setdefault(analytics.day_key(at), {}) if parts else {}
            for name, counts in parts.items():
                for key, n in counts.items():
                    day.setdefault(name, {})[key] = day.get(name, {}).get(key, 0) + n
            for key in analytics.expired_days(days, at):
                del days[key]
            record["updated_at"] = at

    def update_health_many(
        self, updates: Sequence[tuple[TenantId, MailboxId, HealthUpdate]], at: datetime
    ) -> None:
        for tenant_id, mailbox_id, update in updates:
            self.update_health(tenant_id, mailbox_id, update, at)

    def get_day_counts_many(
        self, tenant_id: TenantId, mailbox_ids: Sequence[MailboxId]
    ) -> dict[MailboxId, dict[str, DayCounts]]:
        return {m: self.get_day_counts(tenant_id, m) for m in mailbox_ids}

    def get_day_counts(self, tenant_id: TenantId, mailbox_id: MailboxId) -> dict[str, DayCounts]:
        with self._lock:
            record = copy.deepcopy(self._health.get((tenant_id, mailbox_id), {}))
        return analytics.day_counts(record.get("days"))

    def get_health_many(
        self, tenant_id: TenantId, mailbox_ids: Sequence[MailboxId], now: datetime
    ) -> dict[MailboxId, Health]:
        return {m: self.get_health(tenant_id, m, now) for m in mailbox_ids}

    def get_health(self, tenant_id: TenantId, mailbox_id: MailboxId, now: datetime) -> Health:
        with self._lock:
            record = copy.deepcopy(self._health.get((tenant_id, mailbox_id), {}))
        return health_math.summarize(record, now)

    # audit
    def append_audit(self, entry: AuditEntry) -> None:
        with self._lock:
            self._audit.append(entry.model_copy(deep=True))

    def list_audit(self, tenant_id: TenantId, limit: int = 100) -> list[AuditEntry]:
        with self._lock:
            mine = [e for e in self._audit if e.tenant_id == tenant_id]
        mine.sort(key=lambda e: e.at, reverse=True)
        return mine[:limit]

    # dead letters
    def put_dead_letter(self, letter: DeadLetter) -> None:
        with self._lock:
            self._dead[letter.id] = letter

    def get_dead_letter(self, letter_id: str) -> DeadLetter:
        with self._lock:
            try:
                return self._dead[letter_id]
            except KeyError:
                raise NotFound(f"dead letter {letter_id} not found") from None

    def list_dead_letters(self, tenant_id: TenantId | None = None) -> list[DeadLetter]:
        with self._lock:
            letters = [d for d in self._dead.values() if tenant_id in (None, d.tenant_id)]
        return sorted(letters, key=lambda d: d.last_failed_at)

    def delete_dead_letter(self, letter_id: str) -> None:
        with self._lock:
            self._dead.pop(letter_id, None)

    # tenant rules
    def list_rule_docs(self, tenant_id: TenantId) -> list[dict[str, Any]]:
        with self._lock:
            docs = self._rules.get(tenant_id, {})
            return [copy.deepcopy(docs[k]) for k in sorted(docs)]

    def put_rule_doc(self, tenant_id: TenantId, rule_id: str, doc: Mapping[str, Any]) -> None:
        with self._lock:
            self._rules.setdefault(tenant_id, {})[rule_id] = copy.deepcopy(dict(doc))

    def delete_rule_doc(self, tenant_id: TenantId, rule_id: str) -> None:
        with self._lock:
            self._rules.get(tenant_id, {}).pop(rule_id, None)

    # template examples (frozen values: no copies needed)
    def list_template_examples(self, tenant_id: TenantId) -> list[TemplateExample]:
        with self._lock:
            examples = list(self._templates.get(tenant_id, {}).values())
        return sorted(examples, key=lambda e: (e.created_at, e.id))

    def put_template_example(self, tenant_id: TenantId, example: TemplateExample) -> None:
        with self._lock:
            self._templates.setdefault(tenant_id, {})[example.id] = example

    def delete_template_example(self, tenant_id: TenantId, example_id: str) -> None:
        with self._lock:
            self._templates.get(tenant_id, {}).pop(example_id, None)

    # recent events
    def put_event_summary(self, summary: EventSummary) -> None:
        with self._lock:
            self._events.setdefault(summary.tenant_id, {})[summary.event_id] = summary

    def put_event_summaries(self, summaries: Sequence[EventSummary]) -> None:
        for summary in summaries:
            self.put_event_summary(summary)

    def get_event_summary(self, tenant_id: TenantId, event_id: str) -> EventSummary:
        with self._lock:
            found = self._events.get(tenant_id, {}).get(event_id)
        if found is None or found.expires_at() <= self._clock.now():
            raise NotFound(f"event {event_id} not found in tenant {tenant_id}")
        return found

    def list_event_summaries(
        self,
        tenant_id: TenantId,
        limit: int,
        before: EventCursor | None = None,
        only: EventFilter | None = None,
    ) -> list[EventSummary]:
        now = self._clock.now()
        with self._lock:
            live = [e for e in self._events.get(tenant_id, {}).values() if e.expires_at() > now]
        if only:
            live = [e for e in live if only.matches(e)]
        if before is not None:
            live = [e for e in live if before.is_before(e)]
        live.sort(key=lambda e: (e.at, e.event_id), reverse=True)
        return live[: max(0, min(limit, MAX_LIST))]

    # Graph subscription owners
    def put_graph_subscription(self, owner: GraphSubscriptionOwner) -> None:
        with self._lock:
            self._graph_subscriptions[owner.subscription_id] = owner

    def get_graph_subscription(self, subscription_id: str) -> GraphSubscriptionOwner:
        with self._lock:
            found = self._graph_subscriptions.get(subscription_id)
        if found is None:
            raise NotFound("not one of our Graph subscriptions")
        return found

    def delete_graph_subscription(self, subscription_id: str) -> None:
        with self._lock:
            self._graph_subscriptions.pop(subscription_id, None)
