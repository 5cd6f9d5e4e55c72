"""The settings page's "Recent events": the tenant's event summaries, newest first, ``SHOW`` at
a time (an "Older" page starts after the last row's cursor), and the per-row label
correction, which goes through the corrections service (it learns a template example and
writes the audit entry). Filtered by mailbox and label (a GET form, query parameters), the
filter and the cursor carried by every link and by the correction form, so a correction made
on an older or filtered page returns to it. "Up to" a day (UTC) starts the listing at that
day's end: a cursor like any other, so the paging and the correction's way back are the
same. Everything shown is text the template escapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from shared.domain.event import OVERSIZED, UNPARSEABLE
from shared.domain.labels import LABELS
from shared.domain.recent_events import SHOW, EventCursor, EventFilter, EventSummary
from shared.errors import ValidationError
from shared.ids import TenantId, valid_id
from shared.ports import RecentEventStore
from shared.service.corrections import Corrections
from shared.web import formats, label_names
from shared.web.i18n import _

FILTER_LABELS = (*LABELS, UNPARSEABLE, OVERSIZED)  # every label an event can show
# the correction form's hidden fields that say which page it was made on
BACK_FIELDS = {"back_before": "before", "back_mailbox": "mailbox", "back_label": "label"}


def event_filter(mailbox_id: str = "", label: str = "") -> EventFilter:
    """The filter the page's form (or the API's query) asks for; ValidationError for a
    mailbox id that cannot be one or a label that does not exist."""
    if mailbox_id and not valid_id(mailbox_id):
        raise ValidationError(_("mailbox: not a mailbox id"))
    if label and label not in FILTER_LABELS:
        raise ValidationError(_("label is one of: %(labels)s", labels=", ".join(FILTER_LABELS)))
    return EventFilter(mailbox_id=mailbox_id, label=label)


def until_cursor(tenant_id: TenantId, until: str) -> str:
    """The cursor the listing "up to" the UTC day ``until`` (YYYY-MM-DD) starts after: that
    day's end, so its last event comes first ("": none asked); ValidationError otherwise."""
    if not until:
        return ""
    try:
        day = date.fromisoformat(until[:10])
    except ValueError:
        raise ValidationError(_("until: a day, YYYY-MM-DD")) from None
    if len(until) != 10 or day.year < 2000:
        raise ValidationError(_("until: a day, YYYY-MM-DD"))
    last = datetime.combine(day + timedelta(days=1), time(0), UTC) - timedelta(microseconds=1)
    # the day's last instant, and an id after every event id (ids are [a-z0-9._-]): the
    # events of that very microsecond come after the cursor too, the next day's do not
    return EventCursor(last, f"{tenant_id}.~").encode()


def _cursor(tenant_id: TenantId, before: str) -> EventCursor | None:
    if not before:
        return None
    try:
        return EventCursor.decode(before, tenant_id)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


@dataclass(frozen=True)
class EventsPage:
    rows: list[EventSummary]
    older: str = ""  # the cursor of the next older page; "" when there is none
    before: str = ""  # the cursor this page starts after; "" for the newest
    only: EventFilter = field(default_factory=EventFilter)
    until: str = ""  # the day the listing was asked to start at ("": the newest)

    @property
    def until_day(self) -> str:
        """The day the listing starts at, as the page's language writes it."""
        return formats.day(date.fromisoformat(self.until)) if self.until else ""

    def query(self, tenant_id: str, before: str = "") -> str:
        """The query string of this listing (its filter) starting after ``before``."""
        params = {
            "tenant": tenant_id,
            "section": "events",
            "mailbox": self.only.mailbox_id,
            "label": self.only.label,
        }
        return urlencode({k: v for k, v in {**params, "before": before}.items() if v})


class EventsPanel:
    def __init__(self, store: RecentEventStore, corrections: Corrections | None) -> None:
        self._store = store
        self._corrections = corrections

    def page(
        self,
        tenant_id: TenantId,
        before: str = "",
        only: EventFilter | None = None,
        limit: int = SHOW,
        until: str = "",
    ) -> EventsPage:
        """The ``limit`` rows ``only`` keeps after the cursor ``before`` ("": the newest, or
        the end of the day ``until``). ValidationError for a cursor that is not one of this
        tenant's or a day that is not one."""
        only = only or EventFilter()
        until = "" if before else until  # a cursor is already a place in the listing
        before = before or until_cursor(tenant_id, until)
        cursor = _cursor(tenant_id, before)
        rows = self._store.list_event_summaries(tenant_id, limit + 1, cursor, only)
        older = EventCursor.after(rows[limit - 1]).encode() if len(rows) > limit else ""
        return EventsPage(rows[:limit], older=older, before=before, only=only, until=until)

    def api(
        self,
        tenant_id: TenantId,
        before: str = "",
        only: EventFilter | None = None,
        until: str = "",
    ) -> tuple[list[dict[str, Any]], str]:
        """The rows as JSON, and the cursor of the next older page ("" if none)."""
        page = self.page(tenant_id, before, only, until=until)
        return [row.model_dump(mode="json") for row in page.rows], page.older

    @staticmethod
    def back(tenant_id: TenantId, form: dict[str, str]) -> dict[str, str]:
        """Where a correction returns to: the page it was made on (its cursor and filter,
        from the form's hidden ``back_*`` fields), validated: ValidationError for a cursor
        of another tenant or a filter that cannot be (a forged form)."""
        back = {query: form.get(name, "") for name, query in BACK_FIELDS.items()}
        _cursor(tenant_id, back["before"])
        event_filter(back["mailbox"], back["label"])
        return {k: v for k, v in back.items() if v}

    def correct(self, tenant_id: TenantId, event_id: str, label: str, *, actor: str) -> str:
        """Correct one of the tenant's events; returns the notice. NotFound for an event
        that is not the tenant's (or no longer listed), ValidationError for a bad label or
        a message that cannot be learned from."""
        if self._corrections is None:
            raise ValidationError(_("label corrections are not available here"))
        row = self._store.get_event_summary(tenant_id, event_id)
        done = self._corrections.correct(tenant_id, event_id, label, actor=actor)
        self._store.put_event_summary(row.model_copy(update={"corrected_to": label}))
        before, after = label_names.name(done.before), label_names.name(label)
        if row.sender:
            return _(
                "Label corrected from %(before)s to %(after)s: later emails from %(sender)s "
                "that follow the same template get it too.",
                before=before,
                after=after,
                sender=row.sender,
            )
        return _(
            "Label corrected from %(before)s to %(after)s: later emails from the sender that "
            "follow the same template get it too.",
            before=before,
            after=after,
        )
