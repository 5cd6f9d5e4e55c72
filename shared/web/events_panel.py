"""The settings page's "Recent events": the tenant's newest event summaries and the per-row
label correction, which goes through the corrections service (it learns a template example
and writes the audit entry). Everything shown is text the template escapes."""

from __future__ import annotations

from typing import Any

from shared.domain.recent_events import SHOW, EventSummary
from shared.errors import ValidationError
from shared.ids import TenantId
from shared.ports import RecentEventStore
from shared.service.corrections import Corrections


class EventsPanel:
    def __init__(self, store: RecentEventStore, corrections: Corrections | None) -> None:
        self._store = store
        self._corrections = corrections

    def rows(self, tenant_id: TenantId, limit: int = SHOW) -> list[EventSummary]:
        return self._store.list_event_summaries(tenant_id, limit)

    def api(self, tenant_id: TenantId) -> list[dict[str, Any]]:
        return [row.model_dump(mode="json") for row in self.rows(tenant_id)]

    def correct(self, tenant_id: TenantId, event_id: str, label: str, *, actor: str) -> str:
        """Correct one of the tenant's events; returns the notice. NotFound for an event
        that is not the tenant's (or no longer listed), ValidationError for a bad label or
        a message that cannot be learned from."""
        if self._corrections is None:
            raise ValidationError("label corrections are not available here")
        row = self._store.get_event_summary(tenant_id, event_id)
        done = self._corrections.correct(tenant_id, event_id, label, actor=actor)
        self._store.put_event_summary(row.model_copy(update={"corrected_to": label}))
        who = row.sender or "the sender"
        return (
            f"Label corrected from {done.before} to {label}: later emails from {who} "
            "that follow the same template get it too."
        )
