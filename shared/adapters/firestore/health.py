"""Health: ``tenants/{t}/mailboxes/{m}/state/health`` = the latest values (state, last_*)
and ``buckets``: hour ("YYYYMMDDHH", UTC) → {processed, failed, errors, processing_ms_total,
needs_review}.

``days``: UTC day ("YYYYMMDD") → {labels: {label: n}, latency: {bucket: n}}, the analytics
(``shared.domain.analytics``), merged the same way and pruned with the buckets after
``analytics.KEEP_DAYS`` days — at most ~31 × 20 small counters.

An update is one merge write with ``Increment`` transforms, so replicas and retries add up
without reading first. Buckets are kept for the last 25 hours: once per hour per mailbox
(per process) the update reads the document and deletes every older bucket in the same
write, so the document stays small however long a mailbox was quiet.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from google.cloud.firestore_v1 import DELETE_FIELD, DocumentReference, Increment

from shared.adapters.firestore.client import FirestoreDb, FirestorePart
from shared.adapters.firestore.errors import mapped
from shared.domain import analytics
from shared.domain import health as health_math
from shared.domain.analytics import DayCounts
from shared.domain.models import Health, HealthUpdate
from shared.ids import MailboxId, TenantId
from shared.ports import HEALTH_WRITES_PER_CALL


class FirestoreHealth(FirestorePart):
    def __init__(self, db: FirestoreDb) -> None:
        super().__init__(db)
        self._pruned_hour: dict[tuple[str, str], str] = {}
        self._prune_lock = threading.Lock()

    def update_health(
        self, tenant_id: TenantId, mailbox_id: MailboxId, update: HealthUpdate, at: datetime
    ) -> None:
        self.update_health_many([(tenant_id, mailbox_id, update)], at)

    def update_health_many(
        self, updates: Sequence[tuple[TenantId, MailboxId, HealthUpdate]], at: datetime
    ) -> None:
        """One atomic batch of merge writes (one RPC): the watcher's reporter flushes every
        mailbox that changed in the last second with one call, so 10,000 idle mailboxes'
        IDLE refreshes cost one commit a second, not seventeen."""
        if len(updates) > HEALTH_WRITES_PER_CALL:
            raise ValueError(f"at most {HEALTH_WRITES_PER_CALL} health updates per call")
        batch = self._db.client.batch()
        pruned: list[tuple[str, str]] = []
        for tenant_id, mailbox_id, update in updates:
            ref, doc, prune = self._write(tenant_id, mailbox_id, update, at)
            batch.set(ref, doc, merge=True)
            if prune:
                pruned.append((tenant_id, mailbox_id))
        with mapped("update health"):
            batch.commit(**self._db.call())
        hour = health_math.bucket_key(at)
        with self._prune_lock:
            for key in pruned:
                self._pruned_hour[key] = hour

    def _write(
        self, tenant_id: TenantId, mailbox_id: MailboxId, update: HealthUpdate, at: datetime
    ) -> tuple[DocumentReference, dict[str, Any], bool]:
        """The merge write of one update, and whether it prunes expired buckets. Only an
        update that adds counters prunes (reading the document first, once per hour): a
        heartbeat (state, last sync) adds nothing, so an idle mailbox costs no read."""
        ref = self._db.mailbox_state(tenant_id, mailbox_id, "health")
        hour = health_math.bucket_key(at)
        buckets: dict[str, Any] = {}
        increments = health_math.counter_increments(update)
        if increments:
            buckets[hour] = {name: Increment(value) for name, value in increments.items()}
        days = self._day_increments(update, at)
        prune = bool(buckets or days) and self._due_for_pruning(tenant_id, mailbox_id, hour)
        if prune:
            snap = self._db.get(ref, "update health")
            record = (snap.to_dict() or {}) if snap.exists else {}
            for old in health_math.expired_buckets(record.get("buckets") or {}, at):
                buckets[old] = DELETE_FIELD
            for old in analytics.expired_days(record.get("days") or {}, at):
                days[old] = DELETE_FIELD
        doc: dict[str, Any] = {**health_math.latest_fields(update), "updated_at": at}
        if buckets:
            doc["buckets"] = buckets
        if days:
            doc["days"] = days
        return ref, doc, prune

    @staticmethod
    def _day_increments(update: HealthUpdate, at: datetime) -> dict[str, Any]:
        parts = analytics.increments(update.labels, update.latency)
        if not parts:
            return {}
        return {
            analytics.day_key(at): {
                name: {key: Increment(n) for key, n in counts.items()}
                for name, counts in parts.items()
            }
        }

    def get_day_counts_many(
        self, tenant_id: TenantId, mailbox_ids: Sequence[MailboxId]
    ) -> dict[MailboxId, dict[str, DayCounts]]:
        refs = {m: self._db.mailbox_state(tenant_id, m, "health") for m in mailbox_ids}
        snaps = self._db.get_many(list(refs.values()), "get days", ("days",))
        out: dict[MailboxId, dict[str, DayCounts]] = {}
        for mailbox_id, ref in refs.items():
            snap = snaps.get(ref.path)
            days = (snap.to_dict() or {}).get("days") if snap is not None and snap.exists else None
            out[mailbox_id] = analytics.day_counts(days)
        return out

    def get_day_counts(self, tenant_id: TenantId, mailbox_id: MailboxId) -> dict[str, DayCounts]:
        snap = self._db.get(self._db.mailbox_state(tenant_id, mailbox_id, "health"), "get days")
        return analytics.day_counts((snap.to_dict() or {}).get("days") if snap.exists else None)

    def get_health_many(
        self, tenant_id: TenantId, mailbox_ids: Sequence[MailboxId], now: datetime
    ) -> dict[MailboxId, Health]:
        refs = {m: self._db.mailbox_state(tenant_id, m, "health") for m in mailbox_ids}
        # the summary's fields only: the days of analytics are most of a record
        snaps = self._db.get_many(list(refs.values()), "get health", health_math.SUMMARY_FIELDS)
        out: dict[MailboxId, Health] = {}
        for mailbox_id, ref in refs.items():
            snap = snaps.get(ref.path)
            record = (snap.to_dict() or {}) if snap is not None and snap.exists else {}
            out[mailbox_id] = health_math.summarize(record, now)
        return out

    def get_health(self, tenant_id: TenantId, mailbox_id: MailboxId, now: datetime) -> Health:
        snap = self._db.get(self._db.mailbox_state(tenant_id, mailbox_id, "health"), "get health")
        return health_math.summarize(snap.to_dict() or {} if snap.exists else {}, now)

    def _due_for_pruning(self, tenant_id: str, mailbox_id: str, hour: str) -> bool:
        """Not yet pruned in this hour (by this process). Two threads may both prune:
        harmless, deleting an absent field is a no-op."""
        with self._prune_lock:
            return self._pruned_hour.get((tenant_id, mailbox_id)) != hour
