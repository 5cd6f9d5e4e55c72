"""A mailbox card's state in a word (the dot's colour) and its health line. A mailbox the
watcher has not reported on yet is "not started" (waiting for its first report), not stale;
it turns into a warning only when that wait is longer than a healthy watcher ever takes."""

from __future__ import annotations

from datetime import datetime

from shared.domain.health import ago
from shared.domain.models import Health, Mailbox, MailboxState
from shared.service.health_view import NOT_STARTED, not_started, stale

__all__ = ["NOT_STARTED", "detail", "last_error", "not_started", "stale", "status", "summary"]

_GOOD = {MailboxState.IDLE, MailboxState.POLLING, MailboxState.SYNCING}
_BAD = {MailboxState.AUTH_ERROR, MailboxState.REAUTH_REQUIRED, MailboxState.CONNECT_ERROR}
# retrying: the server's fault, or a port's (Pub/Sub, Firestore) with the error beside it
_HELD_UP = {MailboxState.BACKOFF, MailboxState.PUBLISHING_BLOCKED, MailboxState.STORE_UNREACHABLE}
_WORDS = {NOT_STARTED: "Not started yet"}


def status(mailbox: Mailbox, health: Health, is_stale_now: bool) -> str:
    """connected | error | warning | not_started | disabled | unknown"""
    if not mailbox.enabled:
        return "disabled"
    if health.state in _BAD:
        return "error"
    if is_stale_now or health.state in _HELD_UP:
        return "warning"
    if not_started(health):
        return NOT_STARTED
    return "connected" if health.state in _GOOD else "unknown"


def summary(
    mailbox: Mailbox,
    health: Health,
    state: str,
    is_stale_now: bool,
    now: datetime,
    *,
    unwatched: bool = False,
) -> str:
    """The health line under "Connection Health" (the page refreshes it by itself). A
    mailbox nobody holds says so, whatever its last report said (a killed watcher's last
    word was "idle")."""
    if unwatched:
        word, why = (
            "Warning: no watcher",
            (" (no watcher holds this mailbox; new mail waits on the server until one does)"),
        )
    elif not_started(health) and state != "disabled":
        since = mailbox.created_at or mailbox.updated_at
        why = (
            f" (no report from the watcher since it was added {ago(since, now)})"
            if is_stale_now
            else " (waiting for the watcher's first report)"
        )
        word = "Warning: not started" if is_stale_now else _WORDS[NOT_STARTED]
    else:
        why = " (stale: no doorbell or sync lately)" if is_stale_now else ""
        word = _WORDS.get(state, state.capitalize())
    emails = "1 email" if health.processed_24h == 1 else f"{health.processed_24h} emails"
    return f"{word}{why} | Last sync: {ago(health.last_sync_at, now)} | {emails} today"


def detail(health: Health, now: datetime) -> str:
    """The grey line under the health line: the watcher's state and the day's counters."""
    avg = health.avg_processing_ms
    pending = health.pending
    return " · ".join(
        (
            f"State: {health.state.value if health.state else 'not started'}",
            f"last connection {ago(health.last_connect_at, now)}",
            f"errors 24 h: {health.errors_24h}",
            f"failed 24 h: {health.failed_24h}",
            f"to review 24 h: {health.needs_review_24h}",
            f"average processing: {f'{avg:.0f} ms' if avg is not None else '–'}",
            f"pending: {pending if pending is not None else '–'}",
        )
    )


def last_error(health: Health, now: datetime) -> str:
    """The card's "Last error" line; empty when the mailbox has none on record."""
    if not health.last_error:
        return ""
    return f"Last error ({ago(health.last_error_at, now)}): {health.last_error}"
