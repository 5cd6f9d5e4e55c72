"""Recent events: ``tenants/{t}/events/{event id}`` = an ``EventSummary`` plus ``expires_at``
(the TTL policy in infra/firestore.tf deletes it ``KEEP_DAYS`` after the mail arrived, and
never sooner than ``KEEP_DAYS`` after it was written: the summary is the completion of the
dedupe claim that names its event, and must outlive it — listing still stops showing it
``KEEP_DAYS`` after the mail arrived). One
write per published event; under the tenant's document, so one tenant's listing can never
include another tenant's events. Newest first through the automatic index on ``at`` (its
entries end with the document name, so ``at`` then ``__name__`` needs no composite index);
filtered by mailbox and/or label (``shown_label``, stored beside the summary: the corrected
label if any) through the composite indexes ``recent_events`` in infra/firestore.tf (one per
combination: mailbox, label, both)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter
from pydantic import ValidationError as PydanticValidationError

from shared.adapters.firestore.client import FirestorePart, doc_id
from shared.adapters.firestore.errors import mapped
from shared.adapters.firestore.stored import stored
from shared.adapters.firestore.write_pbs import add_set
from shared.domain.recent_events import (
    KEEP_DAYS,
    MAX_LIST,
    EventCursor,
    EventFilter,
    EventSummary,
)
from shared.errors import NotFound
from shared.ids import TenantId

logger = logging.getLogger(__name__)
_BATCH_MAX = 500  # writes in one Firestore batch


def _document(summary: EventSummary, now: datetime) -> dict[str, Any]:
    """What is stored: the summary, its TTL field and the label a label filter matches."""
    return {
        **summary.model_dump(),
        "expires_at": max(summary.expires_at(), now + timedelta(days=KEEP_DAYS)),
        "shown_label": summary.shown_label,
    }


class FirestoreRecentEvents(FirestorePart):
    def put_event_summary(self, summary: EventSummary) -> None:
        ref = self._events(summary.tenant_id).document(doc_id(summary.event_id))
        with mapped("put event summary"):
            ref.set(_document(summary, self._db.clock.now()), **self._db.call())

    def put_event_summaries(self, summaries: Sequence[EventSummary]) -> None:
        now = self._db.clock.now()
        events: dict[str, Any] = {}  # by tenant: building the reference is most of the cost
        for start in range(0, len(summaries), _BATCH_MAX):
            batch = self._db.client.batch()
            for summary in summaries[start : start + _BATCH_MAX]:
                tenant = summary.tenant_id
                collection = events.get(tenant) or events.setdefault(tenant, self._events(tenant))
                ref = collection.document(doc_id(summary.event_id))
                add_set(batch, ref, _document(summary, now))
            with mapped("put event summaries"):
                batch.commit(**self._db.call())  # sets: a retried commit is harmless

    def get_event_summary(self, tenant_id: TenantId, event_id: str) -> EventSummary:
        snap = self._db.get(self._events(tenant_id).document(doc_id(event_id)), "get event")
        found = self._summary(snap.to_dict() or {}) if snap.exists else None
        if found is None or found.expires_at() <= self._db.clock.now():
            raise NotFound(f"event {event_id} not found in tenant {tenant_id}")
        return found

    def list_event_summaries(
        self,
        tenant_id: TenantId,
        limit: int,
        before: EventCursor | None = None,
        only: EventFilter | None = None,
    ) -> list[EventSummary]:
        limit = max(0, min(limit, MAX_LIST))
        if not limit:
            return []
        query = self._events(tenant_id)
        if only and only.mailbox_id:
            query = query.where(filter=FieldFilter("mailbox_id", "==", only.mailbox_id))
        if only and only.label:
            query = query.where(filter=FieldFilter("shown_label", "==", only.label))
        # the document id is the event id (doc_id leaves event ids as they are): ties in
        # "at" go by it, the same order the in-memory store keeps
        query = query.order_by("at", direction=firestore.Query.DESCENDING).order_by(
            "__name__", direction=firestore.Query.DESCENDING
        )
        if before is not None:
            query = query.start_after({"at": before.at, "__name__": doc_id(before.event_id)})
        query = query.limit(limit)
        with mapped("list events"):
            docs = [s.to_dict() or {} for s in query.stream(**self._db.list_call())]
        now = self._db.clock.now()
        found = (self._summary(d) for d in docs)
        return [s for s in found if s is not None and s.expires_at() > now]

    def _events(self, tenant_id: str) -> Any:
        return self._db.tenant(tenant_id).collection("events")

    @staticmethod
    def _summary(doc: dict[str, Any]) -> EventSummary | None:
        doc.pop("expires_at", None)
        doc.pop("shown_label", None)
        try:
            return stored(EventSummary, doc)
        except PydanticValidationError as exc:
            logger.warning(
                "unreadable event summary ignored",
                extra={"event_id": str(doc.get("event_id"))[:120], "error": str(exc)[:200]},
            )
            return None
