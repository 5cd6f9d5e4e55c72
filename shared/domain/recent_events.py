"""Recent events: a short summary of every published event, per tenant, for the settings page
(time, mailbox, label, confidence, subject, sender, processing time). Never a body, never an
address list beyond the sender: what a person needs to spot a wrong label and correct it.

Stores keep summaries for ``KEEP_DAYS`` (Firestore: a TTL policy on ``expires_at``) and list
the newest first; the page shows at most ``SHOW`` of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

KEEP_DAYS = 30
SHOW = 50  # the newest this many on the page and in the API
MAX_LIST = 200  # what a listing may ask for at most
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
