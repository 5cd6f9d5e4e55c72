"""A port that blocks a mailbox shows in its health while it blocks, not only once every
retry has given up: a publish unacknowledged for ``publish_blocked_after_s`` reads
``publishing blocked``; a store that did not answer marks the mailboxes with messages waiting
``store unreachable`` (written once it answers again); the blocked state outlives the
reconnects in between and gives way to the running state at the first progress."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import Health, HealthUpdate, MailboxState
from shared.errors import StoreUnavailable
from shared.ids import MailboxId, TenantId
from shared.service.health import HealthReporter
from shared.service.watcher.lease_keeper import LeaseKeeper
from tests.unit.watcher.test_worker_and_supervisor import MAILBOX

AFTER = timedelta(seconds=10)
RUNNING = MailboxState.IDLE


def _reporter() -> tuple[HealthReporter, Callable[[], Health], FakeClock]:
    clock = FakeClock()
    store = InMemoryStateStore(clock)
    reporter = HealthReporter(store, clock)

    def health() -> Health:
        reporter.flush()
        return store.get_health(MAILBOX.tenant_id, MAILBOX.id, clock.now())

    return reporter, health, clock


def test_a_blocked_state_outlives_the_reconnects_and_gives_way_at_the_first_hand_off() -> None:
    reporter, health, clock = _reporter()
    reporter.report(MAILBOX, HealthUpdate(state=MailboxState.SYNCING, pending=3))
    blocked = HealthUpdate(
        state=MailboxState.PUBLISHING_BLOCKED, last_error="SinkUnavailable: x", errors=1
    )
    reporter.report(MAILBOX, blocked)
    assert health().state is MailboxState.PUBLISHING_BLOCKED
    for state in (MailboxState.CONNECTING, MailboxState.SYNCING, RUNNING):
        reporter.report(MAILBOX, HealthUpdate(state=state))  # a session tried again
    assert health().state is MailboxState.PUBLISHING_BLOCKED
    reporter.report(MAILBOX, HealthUpdate(last_event_at=clock.now(), processed=1))
    after = health()
    assert after.state is RUNNING  # what the session is in underneath
    assert (after.last_error, after.errors_24h) == ("SinkUnavailable: x", 1)  # told still
    # any other state replaces a block at once
    reporter.report(MAILBOX, blocked)
    reporter.report(MAILBOX, HealthUpdate(state=MailboxState.BACKOFF))
    assert health().state is MailboxState.BACKOFF


def test_a_blocked_state_is_written_once_even_when_progress_comes_before_the_flush() -> None:
    reporter, health, clock = _reporter()
    reporter.report(MAILBOX, HealthUpdate(state=RUNNING))
    reporter.report(MAILBOX, HealthUpdate(state=MailboxState.STORE_UNREACHABLE, errors=1))
    reporter.report(MAILBOX, HealthUpdate(last_event_at=clock.now(), processed=1))
    assert health().state is MailboxState.STORE_UNREACHABLE  # the store answers: told
    assert health().state is RUNNING  # and the next flush, what happens now


class DownStore(InMemoryStateStore):
    """A store whose health writes time out while ``down``."""

    down = False

    def update_health_many(
        self, updates: Sequence[tuple[TenantId, MailboxId, HealthUpdate]], at: datetime
    ) -> None:
        if self.down:
            raise StoreUnavailable("firestore update health: RetryError(DeadlineExceeded)")
        super().update_health_many(updates, at)


def test_a_store_outage_is_told_for_the_mailboxes_waiting_once_the_store_answers() -> None:
    clock = FakeClock()
    store = DownStore(clock)
    reporter = HealthReporter(store, clock)
    quiet = MAILBOX.model_copy(update={"id": MailboxId("quiet")})
    for mailbox, pending in ((MAILBOX, 2), (quiet, 0)):
        reporter.report(mailbox, HealthUpdate(state=RUNNING, pending=pending))
    store.down = True
    reporter.report(MAILBOX, HealthUpdate(last_doorbell_at=clock.now()))
    reporter.flush()  # fails: the mailbox with messages waiting is blocked by the store
    reporter.store_unreachable("StoreUnavailable: firestore heartbeat")  # told once only
    store.down = False
    reporter.flush()
    h = store.get_health(MAILBOX.tenant_id, MAILBOX.id, clock.now())
    assert h.state is MailboxState.STORE_UNREACHABLE
    assert h.last_error == "StoreUnavailable: firestore update health: RetryError(DeadlineExceeded)"
    assert h.errors_24h == 1
    assert store.get_health(quiet.tenant_id, quiet.id, clock.now()).state is RUNNING
    reporter.report(MAILBOX, HealthUpdate(last_event_at=clock.now(), processed=1, pending=0))
    reporter.flush()
    assert store.get_health(MAILBOX.tenant_id, MAILBOX.id, clock.now()).state is RUNNING


class HeartlessStore(InMemoryStateStore):
    """A store that takes no heartbeat (it does not answer)."""

    def heartbeat(self, holder: str, worker: str, ttl: timedelta) -> bool:
        raise StoreUnavailable("firestore heartbeat: RetryError(DeadlineExceeded)")


def test_a_heartbeat_the_store_did_not_take_is_told_to_the_watcher() -> None:
    """The watcher hears of it (``on_failed``): it marks the mailboxes with messages waiting
    ``store unreachable``, as a health write that failed does."""
    failed: list[Exception] = []
    keeper = LeaseKeeper(
        HeartlessStore(FakeClock()),
        "w1#a",
        3,
        held=list,
        on_lost=lambda key: None,
        on_failed=failed.append,
    )
    keeper.start()  # its first beat, at once
    keeper.stop()
    assert [str(e) for e in failed] == ["firestore heartbeat: RetryError(DeadlineExceeded)"]
