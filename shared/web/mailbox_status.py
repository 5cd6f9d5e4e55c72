"""A mailbox card's health lines in words people use: the state's word and hint
(``shared.web.state_words``), when mail was last looked for, the day's count, and a grey line
with the day's counters. A mailbox not reported on yet is "Not started yet" (waiting for its
first check), not a warning, until that wait is longer than a healthy start ever takes."""

from __future__ import annotations

from datetime import datetime

from shared.domain.health import ago
from shared.domain.models import Health
from shared.service.health_view import NOT_STARTED, not_started, stale
from shared.web.state_words import StateWords

__all__ = ["NOT_STARTED", "detail", "last_error", "not_started", "stale", "summary"]


def summary(words: StateWords, health: Health, now: datetime) -> str:
    """The health line under "Connection health" (the page refreshes it by itself)."""
    emails = "1 email" if health.processed_24h == 1 else f"{health.processed_24h} emails"
    synced = ago(health.last_sync_at, now)
    return f"{words.word} — {words.hint} | Last sync: {synced} | {emails} today"


def detail(health: Health, now: datetime) -> str:
    """The grey line under it: the day's counters."""
    avg = health.avg_processing_ms
    pending = health.pending
    return " · ".join(
        (
            f"Last connection {ago(health.last_connect_at, now)}",
            f"last email {ago(health.last_event_at, now)}",
            f"errors 24 h: {health.errors_24h}",
            f"failed 24 h: {health.failed_24h}",
            f"to review 24 h: {health.needs_review_24h}",
            f"average processing: {f'{avg:.0f} ms' if avg is not None else '–'}",
            f"waiting on the server: {pending if pending is not None else '–'}",
        )
    )


def last_error(health: Health, now: datetime) -> str:
    """The card's "Last error" line; empty when the mailbox has none on record."""
    if not health.last_error:
        return ""
    return f"Last error ({ago(health.last_error_at, now)}): {health.last_error}"
