"""The states a person reads (``mailingest health``, ``mailboxes show``, the page) match what
happens: the port that blocks a mailbox is named, one warning a minute per stalled mailbox,
and the reader's own view of the leases says "no watcher" when nobody holds a mailbox."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.domain.models import Health, Lease, Mailbox, MailboxState, Member, Provider, TlsMode
from shared.errors import PortFailure, SinkUnavailable, StoreUnavailable
from shared.ids import MailboxId, TenantId
from shared.service.health_view import live_leases, stale, state_word
from shared.service.watcher.caps import ConnectionCaps
from tests.unit.watcher.fakes import ExplodingCredentials
from tests.unit.watcher.test_worker_and_supervisor import SLOW, wait_for, worker_for

__all__ = ["worker_for"]  # the fixture, shared

NOW = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
MAILBOX = Mailbox(
    tenant_id=TenantId("acme"),
    id=MailboxId("booking"),
    provider=Provider.IMAP,
    address="b@acme.example",
    host="127.0.0.1",
    port=1,
    tls=TlsMode.PLAIN,
)
REPORTED = Health(
    state=MailboxState.IDLE, last_sync_at=NOW, pending=0, updated_at=NOW - timedelta(seconds=5)
)
FAST = dataclasses.replace(SLOW, backoff_base_s=0.01, backoff_max_s=0.02)


@pytest.mark.parametrize(
    ("error", "state"),
    [
        (SinkUnavailable("publish to events: ServiceUnavailable"), MailboxState.PUBLISHING_BLOCKED),
        (PortFailure("event sink: TypeError", port="event sink"), MailboxState.PUBLISHING_BLOCKED),
        (
            StoreUnavailable("firestore get cursor: DeadlineExceeded"),
            MailboxState.STORE_UNREACHABLE,
        ),
        (PortFailure("blob store: Forbidden", port="blob store"), MailboxState.BACKOFF),
    ],
)
def test_a_session_stopped_by_a_port_names_it_with_the_error(
    worker_for: Callable[..., tuple[Any, Any, Callable[[], Health]]],
    error: Exception,
    state: MailboxState,
) -> None:
    _, _, health = worker_for(ExplodingCredentials(error), ConnectionCaps(1))
    h = wait_for(lambda: (h := health()).state is state and h, what=f"state {state.value}")
    assert str(error) in (h.last_error or "")


def test_a_stalled_mailbox_warns_once_a_minute_not_at_every_attempt(
    worker_for: Callable[..., tuple[Any, Any, Callable[[], Health]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    credentials = ExplodingCredentials(SinkUnavailable("publish to events: Unavailable"))
    worker_for(credentials, ConnectionCaps(1), FAST)
    wait_for(lambda: credentials.attempts >= 5, what="several attempts")
    failed = [r for r in caplog.records if r.getMessage().startswith("mailbox session failed")]
    assert len(failed) >= 4, "every attempt is logged"
    warnings = [r for r in failed if r.levelno == logging.WARNING]
    assert len(warnings) == 1, "one warning a minute per stalled mailbox"


def _lease(holder: str, expires_at: datetime | None = None) -> Lease:
    return Lease(name=MAILBOX.key, holder=holder, expires_at=expires_at)


def _member(holder: str, expires_at: datetime) -> Member:
    return Member(holder=holder, worker="w1", expires_at=expires_at)


def test_a_mailbox_whose_lease_lapsed_with_nobody_holding_it_reads_no_watcher() -> None:
    later = NOW + timedelta(seconds=10)
    earlier = NOW - timedelta(seconds=1)
    held = live_leases([_lease("w1-a")], [_member("w1-a", later)], NOW)
    assert state_word(MAILBOX, REPORTED, held) == "idle"
    assert not stale(REPORTED, MAILBOX, NOW, 1740, held)
    # the holder's heartbeat lapsed (killed): what it wrote last says idle; the reader does not
    for gone in (
        live_leases([_lease("w1-a")], [_member("w1-a", earlier)], NOW),
        live_leases([_lease("w1-a")], [], NOW),
        live_leases([], [_member("w1-b", later)], NOW),  # released, nobody took it
        live_leases([_lease("w1-a", expires_at=earlier)], [], NOW),
    ):
        assert state_word(MAILBOX, REPORTED, gone) == "no watcher"
        assert stale(REPORTED, MAILBOX, NOW, 1740, gone)
    # a mailbox no watcher has reported on yet stays "not started"; a disabled one disabled
    assert state_word(MAILBOX, Health(), set()) == "not started"
    assert state_word(MAILBOX.model_copy(update={"enabled": False}), REPORTED, set()) == "disabled"
    # Gmail and Graph mailboxes are driven by their pushes: no watcher lease to look at
    gmail = MAILBOX.model_copy(update={"provider": Provider.GMAIL})
    assert state_word(gmail, REPORTED, set()) == "idle"


def test_a_mailbox_with_messages_waiting_is_never_idle() -> None:
    waiting = REPORTED.model_copy(update={"pending": 42, "pending_at": NOW})
    assert state_word(MAILBOX, waiting, {MAILBOX.key}) == "catching up 42"
    polling = waiting.model_copy(update={"state": MailboxState.POLLING})
    assert state_word(MAILBOX, polling, None) == "catching up 42"
    blocked = waiting.model_copy(update={"state": MailboxState.PUBLISHING_BLOCKED})
    assert state_word(MAILBOX, blocked, None) == "publishing blocked"
    unreachable = waiting.model_copy(update={"state": MailboxState.STORE_UNREACHABLE})
    assert state_word(MAILBOX, unreachable, None) == "store unreachable"


def test_a_first_catch_up_under_way_is_not_stale() -> None:
    """Before its first sync completes a mailbox has neither a doorbell nor a sync: its
    hand-offs (or, before the first, its connect) are the signs of life the window counts."""
    window = timedelta(seconds=3 * 1740)
    first = Health(
        state=MailboxState.SYNCING,
        last_connect_at=NOW - timedelta(seconds=5),
        pending=1900,
        pending_at=NOW - timedelta(seconds=5),
        oldest_pending_at=NOW - timedelta(seconds=5),
        updated_at=NOW,
    )
    assert not stale(first, MAILBOX, NOW, 1740, {MAILBOX.key})
    long_ago = NOW - window - timedelta(seconds=10)  # a first catch-up of hours
    handing_off = first.model_copy(
        update={"last_connect_at": long_ago, "last_event_at": NOW - timedelta(seconds=1)}
    )
    assert not stale(handing_off, MAILBOX, NOW, 1740, {MAILBOX.key})
    # nothing handed off for the stall window while messages wait: stale
    assert stale(first, MAILBOX, NOW + timedelta(seconds=50), 1740, {MAILBOX.key})
    silent = Health(last_connect_at=NOW - window - timedelta(seconds=1), updated_at=NOW)
    assert stale(silent, MAILBOX, NOW, 1740, {MAILBOX.key})
