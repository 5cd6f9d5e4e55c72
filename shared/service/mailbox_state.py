"""What the push-provider syncs share about a mailbox's state: the cursor merged by
compare-and-set (a watch renewal and a sync may both write it; a change that changes nothing
is not written), and health reported best effort (a failed health write never fails the
sync) — a sync's health tallied in memory and written once when it ends (``SyncHealth``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from shared.domain.models import HealthUpdate, Mailbox, MailboxState
from shared.errors import AuthError, ConflictError, MailIngestError, RetryableError
from shared.ports import Clock, CursorStore, HealthStore
from shared.service.health import merge

logger = logging.getLogger(__name__)
CursorChange = Callable[[Mapping[str, Any]], Mapping[str, Any]]


def merge_cursor(state: CursorStore, mailbox: Mailbox, change: CursorChange) -> None:
    """Merge ``change(current value)`` into the cursor; re-read and retry a lost race."""
    for _ in range(5):
        cursor = state.get_cursor(mailbox.tenant_id, mailbox.id)
        value = {**cursor.value, **change(cursor.value)}
        if cursor.version and value == cursor.value:
            return  # already there: a write would change nothing (and be billed)
        try:
            state.compare_and_set_cursor(mailbox.tenant_id, mailbox.id, cursor.version, value)
            return
        except ConflictError:
            continue
    raise ConflictError(f"the cursor of {mailbox.key} kept changing")


def report(state: HealthStore, clock: Clock, mailbox: Mailbox, update: HealthUpdate) -> None:
    try:
        state.update_health(mailbox.tenant_id, mailbox.id, update, clock.now())
    except MailIngestError as exc:
        logger.warning("health not recorded", extra={"error": str(exc)[:200]})


class SyncHealth:
    """One sync's health reports, merged in memory and written by ``flush`` (at the end of
    the sync, whatever its outcome, and along a long one): a push that brings one message
    costs one health write, not one per step. Not shared between syncs."""

    def __init__(self, state: HealthStore, clock: Clock, mailbox: Mailbox) -> None:
        self._state = state
        self._clock = clock
        self._mailbox = mailbox
        self._pending: HealthUpdate | None = None

    def add(self, update: HealthUpdate) -> None:
        self._pending = update if self._pending is None else merge(self._pending, update)

    def flush(self) -> None:
        if self._pending is not None:
            update, self._pending = self._pending, None
            report(self._state, self._clock, self._mailbox, update)


def error_update(exc: MailIngestError, now: datetime) -> HealthUpdate:
    """A failed sync as health: backoff (retryable), auth_error, or connect_error."""
    if isinstance(exc, RetryableError):
        state = MailboxState.BACKOFF
    elif isinstance(exc, AuthError):
        state = MailboxState.AUTH_ERROR
    else:
        state = MailboxState.CONNECT_ERROR
    return HealthUpdate(state=state, last_error=str(exc)[:300], last_error_at=now, errors=1)
