"""The settings page's "Recent events": the tenant's event summaries, newest first, ``SHOW`` at
a time (an "Older" page starts after the last row's cursor), and the per-row label
correction, which goes through the corrections service (it learns a template example and
writes the audit entry). Everything shown is text the template escapes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.domain.recent_events import SHOW, EventCursor, EventSummary
from shared.errors import ValidationError
from shared.ids import TenantId
from shared.ports import RecentEventStore
from shared.service.corrections import Corrections


@dataclass(frozen=True)
class EventsPage:
    rows: list[EventSummary]
    older: str = ""  # the cursor of the next older page; "" when there is none
    before: str = ""  # the cursor this page starts after; "" for the newest


class EventsPanel:
    def __init__(self, store: RecentEventStore, corrections: Corrections | None) -> None:
        self._store = store
        self._corrections = corrections

    def page(self, tenant_id: TenantId, before: str = "", limit: int = SHOW) -> EventsPage:
        """The ``limit`` rows after the cursor ``before`` ("": the newest). ValidationError
        for a cursor that is not one of this tenant's."""
        cursor = None
        if before:
            try:
                cursor = EventCursor.decode(before, tenant_id)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
        rows = self._store.list_event_summaries(tenant_id, limit + 1, cursor)
        older = EventCursor.after(rows[limit - 1]).encode() if len(rows) > limit else ""
        return EventsPage(rows[:limit], older=older, before=before)

    def api(self, tenant_id: TenantId, before: str = "") -> tuple[list[dict[str, Any]], str]:
        """The rows as JSON, and the cursor of the next older page ("" if none)."""
        page = self.page(tenant_id, before)
        return [row.model_dump(mode="json") for row in page.rows], page.older

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
