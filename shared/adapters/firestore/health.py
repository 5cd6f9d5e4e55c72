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
from datetime import datetime
from typing import Any

from google.cloud.firestore_v1 import DELETE_FIELD, Increment

from shared.adapters.firestore.client import FirestoreDb, FirestorePart
from shared.adapters.firestore.errors import mapped
from shared.domain import analytics
from shared.domain import health as health_math
from shared.domain.analytics import DayCounts
from shared.domain.models import Health, HealthUpdate
from shared.ids import MailboxId, TenantId


class FirestoreHealth(FirestorePart):
    def __init__(self, db: FirestoreDb) -> None:
        super().__init__(db)
        self._pruned_hour: dict[tuple[str, str], str] = {}
        self._prune_lock = threading.Lock()

    def update_health(
        self, tenant_id: TenantId, mailbox_id: MailboxId, update: HealthUpdate, at: datetime
    ) -> None:
        ref = self._db.mailbox_state(tenant_id, mailbox_id, "health")
        hour = health_math.bucket_key(at)
        buckets: dict[str, Any] = {}
        increments = health_math.counter_increments(update)
        if increments:
            buckets[hour] = {name: Increment(value) for name, value in increments.items()}
        days = self._day_increments(update, at)
        prune = self._due_for_pruning(tenant_id, mailbox_id, hour)
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
        with mapped("update health"):
            ref.set(doc, merge=True, **self._db.call())
        if prune:
            with self._prune_lock:
                self._pruned_hour[(tenant_id, mailbox_id)] = hour

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

    def get_day_counts(self, tenant_id: TenantId, mailbox_id: MailboxId) -> dict[str, DayCounts]:
        snap = self._db.get(self._db.mailbox_state(tenant_id, mailbox_id, "health"), "get days")
        return analytics.day_counts((snap.to_dict() or {}).get("days") if snap.exists else None)

    def get_health(self, tenant_id: TenantId, mailbox_id: MailboxId, now: datetime) -> Health:
        snap = self._db.get(self._db.mailbox_state(tenant_id, mailbox_id, "health"), "get health")
        return health_math.summarize(snap.to_dict() or {} if snap.exists else {}, now)

    def _due_for_pruning(self, tenant_id: str, mailbox_id: str, hour: str) -> bool:
        """Not yet pruned in this hour (by this process). Two threads may both prune:
        harmless, deleting an absent field is a no-op."""
        with self._prune_lock:
            return self._pruned_hour.get((tenant_id, mailbox_id)) != hour
