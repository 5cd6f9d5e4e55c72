"""Recent events: a short summary of every published event, per tenant, for the settings page
(time, mailbox, label, confidence, subject, sender, processing time). Never a body, never an
address list beyond the sender: what a person needs to spot a wrong label and correct it.

Stores keep summaries for ``KEEP_DAYS`` (Firestore: a TTL policy on ``expires_at``) and list
the newest first (ties by event id, descending); the page shows ``SHOW`` at a time, an older
page starting after an ``EventCursor``: the last row's time and event id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

KEEP_DAYS = 30
SHOW = 50  # the newest this many on the page and in the API
MAX_LIST = 200  # what a listing may ask for at most
CURSOR_MAX = 400  # characters of a cursor (an event id is tenant + mailbox + a digest)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SUBJECT_MAX = 300
SENDER_MAX = 320


class EventSummary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: str
    tenant_id: str
    mailbox_id: str
    at: datetime  # when the mail was received (the event's received_at)
    label: str
    score: float = 0.0
    confident: bool = True
    subject: str = ""
    sender: str = ""
    processing_ms: float = 0.0
    corrected_to: str | None = None  # the label an admin corrected it to, if any

    def expires_at(self) -> datetime:
        return self.at + timedelta(days=KEEP_DAYS)


def _sender(value: Any) -> str:
    if not isinstance(value, Mapping):
        return ""
    name, address = str(value.get("name") or ""), str(value.get("address") or "")
    text = f"{name} <{address}>" if name and address else (address or name)
    return text[:SENDER_MAX]


def summary_of(event: Mapping[str, Any], processing_ms: float, at: datetime) -> EventSummary:
    """The summary of a built event (``build_event`` and its siblings) received ``at``."""
    classification = event.get("classification") or {}
    return EventSummary(
        event_id=str(event["id"]),
        tenant_id=str(event["tenant_id"]),
        mailbox_id=str(event["mailbox_id"]),
        at=at,
        label=str(classification.get("label", "")),
        score=float(classification.get("score", 0.0) or 0.0),
        confident=bool(classification.get("confident", True)),
        subject=str(event.get("subject") or "")[:SUBJECT_MAX],
        sender=_sender(event.get("from")),
        processing_ms=round(processing_ms, 1),
    )


@dataclass(frozen=True)
class EventCursor:
    """Where an older page of a tenant's recent events starts: after the row received ``at``
    with ``event_id`` (newest first, so: older, or as old with a smaller event id). Stable:
    events arriving meanwhile go on the first page, never shift an older one."""

    at: datetime
    event_id: str

    @classmethod
    def after(cls, row: EventSummary) -> EventCursor:
        return cls(row.at, row.event_id)

    def encode(self) -> str:
        """``<microseconds since 1970>.<event id>``: exact, and safe in a URL."""
        return f"{(self.at - _EPOCH) // timedelta(microseconds=1)}.{self.event_id}"

    @classmethod
    def decode(cls, text: str, tenant_id: str) -> EventCursor:
        """The cursor ``encode`` made for one of ``tenant_id``'s events; ValueError for
        anything else (a forged, cut or another tenant's cursor)."""
        micros, _, event_id = text.partition(".")
        if len(text) > CURSOR_MAX or not micros.isdigit() or len(micros) > 17:
            raise ValueError("not a cursor of this listing")
        if not event_id.startswith(f"{tenant_id}."):
            raise ValueError("not a cursor of this tenant's events")
        return cls(_EPOCH + timedelta(microseconds=int(micros)), event_id)

    def is_before(self, row: EventSummary) -> bool:
        """``row`` comes after this cursor in the newest-first listing."""
        return (row.at, row.event_id) < (self.at, self.event_id)
