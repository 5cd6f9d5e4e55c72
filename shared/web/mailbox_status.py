"""A mailbox card's state in a word (the dot's colour) and its health line. A mailbox the
watcher has not reported on yet is "not started" (waiting for its first report), not stale;
it turns into a warning only when that wait is longer than a healthy watcher ever takes."""

from __future__ import annotations

from datetime import datetime

from shared.domain.health import ago
from shared.domain.models import Health, Mailbox, MailboxState
from shared.service.health import is_stale, stale_window

_GOOD = {MailboxState.IDLE, MailboxState.POLLING, MailboxState.SYNCING}
_BAD = {MailboxState.AUTH_ERROR, MailboxState.REAUTH_REQUIRED, MailboxState.CONNECT_ERROR}
NOT_STARTED = "not_started"
_WORDS = {NOT_STARTED: "Not started yet"}


def not_started(health: Health) -> bool:
    """No health report at all (the watcher, or the push, has not started on it)."""
    return health.updated_at is None


def stale(health: Health, mailbox: Mailbox, now: datetime, idle_refresh_s: int) -> bool:
    """``is_stale``; for a mailbox not started yet: only once it has waited for its first
    report longer than the stale window (a mailbox without a creation time: never)."""
    if not not_started(health):
        return is_stale(health, mailbox, now, idle_refresh_s=idle_refresh_s)
    since = mailbox.created_at or mailbox.updated_at
    window = stale_window(mailbox, idle_refresh_s)
    return mailbox.enabled and since is not None and now - since > window


def status(mailbox: Mailbox, health: Health, is_stale_now: bool) -> str:
    """connected | error | warning | not_started | disabled | unknown"""
    if not mailbox.enabled:
        return "disabled"
    if health.state in _BAD:
        return "error"
    if is_stale_now or health.state is MailboxState.BACKOFF:
        return "warning"
    if not_started(health):
        return NOT_STARTED
    return "connected" if health.state in _GOOD else "unknown"


def summary(mailbox: Mailbox, health: Health, state: str, is_stale_now: bool, now: datetime) -> str:
    """The health line under "Connection Health" (the page refreshes it by itself)."""
    if not_started(health) and state != "disabled":
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
