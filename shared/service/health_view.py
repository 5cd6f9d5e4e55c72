"""How a mailbox's health reads to a person (the settings page, ``mailingest health``): a
mailbox the watcher (or the push) has not reported on yet is "not started", waiting for its
first report, not stale; it turns stale only when that wait is longer than a healthy watcher
ever takes (``stale_window``)."""

from __future__ import annotations

from datetime import datetime

from shared.domain.models import Health, Mailbox
from shared.service.health import is_stale, stale_window

NOT_STARTED = "not_started"


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


def state_word(mailbox: Mailbox, health: Health) -> str:
    """The state column: ``disabled``, ``not started``, or the reported state."""
    if not mailbox.enabled:
        return "disabled"
    if not_started(health):
        return "not started"
    return health.state.value if health.state else "-"
