"""Health bookkeeping shared by every state store: hourly counter buckets and the 24-hour view.

A health record is a flat dict: the latest values (state, last_*), and ``buckets``: a map of
hour ("YYYYMMDDHH", UTC) to {processed, failed, errors, processing_ms_total, needs_review}.
Stores merge updates into it; ``summarize`` turns it into the ``Health`` the settings page shows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.domain.models import Health, HealthUpdate, MailboxState

COUNTERS = ("processed", "failed", "errors", "processing_ms_total", "needs_review")
_LATEST = (
    "state",
    "last_connect_at",
    "last_doorbell_at",
    "last_sync_at",
    "last_event_at",
    "last_error",
    "last_error_at",
    "pending",
    "pending_at",
    "oldest_pending_at",
)
# what ``summarize`` reads of a stored record (a reader may ask for no more: not the days)
SUMMARY_FIELDS = (*_LATEST, "buckets", "updated_at")
KEEP_HOURS = 25


def bucket_key(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%d%H")


def latest_fields(update: HealthUpdate) -> dict[str, Any]:
    """The non-None "latest value" fields of an update."""
    out: dict[str, Any] = {}
    for name in _LATEST:
        value = getattr(update, name)
        if value is not None:
            out[name] = value.value if isinstance(value, MailboxState) else value
    return out


def counter_increments(update: HealthUpdate) -> dict[str, float]:
    return {name: getattr(update, name) for name in COUNTERS if getattr(update, name)}


def expired_buckets(buckets: dict[str, Any], at: datetime) -> list[str]:
    oldest = bucket_key(at - timedelta(hours=KEEP_HOURS))
    return [k for k in buckets if k < oldest]


def summarize(record: dict[str, Any], now: datetime) -> Health:
    buckets: dict[str, dict[str, float]] = record.get("buckets") or {}
    since = bucket_key(now - timedelta(hours=23))
    totals = dict.fromkeys(COUNTERS, 0.0)
    for key, counts in buckets.items():
        if key >= since:
            for name in COUNTERS:
                totals[name] += float(counts.get(name, 0) or 0)
    processed = int(totals["processed"])
    state = record.get("state")
    return Health(
        state=MailboxState(state) if state else None,
        last_connect_at=record.get("last_connect_at"),
        last_doorbell_at=record.get("last_doorbell_at"),
        last_sync_at=record.get("last_sync_at"),
        last_event_at=record.get("last_event_at"),
        last_error=record.get("last_error"),
        last_error_at=record.get("last_error_at"),
        processed_24h=processed,
        failed_24h=int(totals["failed"]),
        errors_24h=int(totals["errors"]),
        needs_review_24h=int(totals["needs_review"]),
        avg_processing_ms=(totals["processing_ms_total"] / processed) if processed else None,
        pending=record.get("pending"),
        pending_at=record.get("pending_at"),
        oldest_pending_at=record.get("oldest_pending_at"),
        updated_at=record.get("updated_at"),
    )


def ago(when: datetime | None, now: datetime) -> str:
    """How long ago, for people: "never", "12 s ago", "5 min ago", "3 h ago", "2 d ago"."""
    if when is None:
        return "never"
    seconds = int((now - when).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{max(seconds, 0)} s ago"
