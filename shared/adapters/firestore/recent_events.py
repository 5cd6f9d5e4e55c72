"""Recent events: ``tenants/{t}/events/{event id}`` = an ``EventSummary`` plus ``expires_at``
(the TTL policy in infra/firestore.tf deletes it ``KEEP_DAYS`` after the mail arrived). One
write per published event; under the tenant's document, so one tenant's listing can never
include another tenant's events. Newest first through the automatic index on ``at`` (its
entries end with the document name, so ``at`` then ``__name__`` needs no composite index)."""

from __future__ import annotations

import logging
from typing import Any

from google.cloud import firestore
from pydantic import ValidationError as PydanticValidationError

from shared.adapters.firestore.client import FirestorePart, doc_id
from shared.adapters.firestore.errors import mapped
from shared.domain.recent_events import MAX_LIST, EventCursor, EventSummary
from shared.errors import NotFound
from shared.ids import TenantId

logger = logging.getLogger(__name__)


class FirestoreRecentEvents(FirestorePart):
    def put_event_summary(self, summary: EventSummary) -> None:
        ref = self._events(summary.tenant_id).document(doc_id(summary.event_id))
        doc = {**summary.model_dump(), "expires_at": summary.expires_at()}
        with mapped("put event summary"):
            ref.set(doc, **self._db.call())

    def get_event_summary(self, tenant_id: TenantId, event_id: str) -> EventSummary:
        snap = self._db.get(self._events(tenant_id).document(doc_id(event_id)), "get event")
        found = self._summary(snap.to_dict() or {}) if snap.exists else None
        if found is None or found.expires_at() <= self._db.clock.now():
            raise NotFound(f"event {event_id} not found in tenant {tenant_id}")
        return found

    def list_event_summaries(
        self, tenant_id: TenantId, limit: int, before: EventCursor | None = None
    ) -> list[EventSummary]:
        limit = max(0, min(limit, MAX_LIST))
        if not limit:
            return []
        # the document id is the event id (doc_id leaves event ids as they are): ties in
        # "at" go by it, the same order the in-memory store keeps
        query = (
            self._events(tenant_id)
            .order_by("at", direction=firestore.Query.DESCENDING)
            .order_by("__name__", direction=firestore.Query.DESCENDING)
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
        try:
            return EventSummary.model_validate(doc)
        except PydanticValidationError as exc:
            logger.warning(
                "unreadable event summary ignored",
                extra={"event_id": str(doc.get("event_id"))[:120], "error": str(exc)[:200]},
            )
            return None
