"""A port that blocks a mailbox shows in its health while it blocks, not only once every
retry has given up: a publish unacknowledged for ``publish_blocked_after_s`` reads
``publishing blocked``; a store that did not answer marks the mailboxes with messages waiting
``store unreachable`` (written once it answers again); the blocked state outlives the
reconnects in between and gives way to the running state at the first progress."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_sinks import InMemoryBlobStore, InMemoryEventSink
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import Health, HealthUpdate, MailboxState
from shared.errors import MessageTooLarge, SinkUnavailable, StoreUnavailable
from shared.ids import MailboxId, TenantId
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline
from shared.service.ingest.publish_watch import PublishWatch
from shared.service.watcher import Watcher
from shared.service.watcher.lease_keeper import LeaseKeeper
from tests.unit.watcher.fakes import FakeFolder, FakeSources, StaticCredentials
from tests.unit.watcher.test_worker_and_supervisor import MAILBOX, SLOW, wait_for

AFTER = timedelta(seconds=10)
RUNNING = MailboxState.IDLE


class HeldSink(InMemoryEventSink):
    """Takes every event, but acknowledges none until ``release`` (a Pub/Sub that is down:
    the client waits, the call does not fail)."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()

    def publish(self, data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> str:
        self.started.set()
        self.release.wait(30)
        return super().publish(data, ordering_key, attributes)

    def submit(
        self, data: bytes, ordering_key: str, attributes: Mapping[str, str]
    ) -> Callable[[], str]:
        return lambda: self.publish(data, ordering_key, attributes)


def test_a_publish_unacknowledged_for_the_bound_is_stalled_until_one_is_acknowledged() -> None:
    clock = FakeClock()
    watch = PublishWatch(InMemoryEventSink(), clock)
    settle = watch.submit(b"{}", MAILBOX.key, {"event_id": "e1"})
    clock.advance(timedelta(seconds=9))
    assert watch.stalled(AFTER) == []  # a slow ack is not a block yet
    clock.advance(timedelta(seconds=2))
    [stalled] = watch.stalled(AFTER)
    assert (stalled.ordering_key, stalled.error) == (
        MAILBOX.key,
        "event sink: no acknowledgement for 11 s",
    )
    settle()
    assert watch.stalled(AFTER) == []


def test_a_failed_publish_keeps_its_mailbox_stalled_with_the_error_until_one_gets_through() -> None:
    clock = FakeClock()
    sink = InMemoryEventSink()
    watch = PublishWatch(sink, clock)
    sink.fail_next(SinkUnavailable("publish to events: ServiceUnavailable"))
    with pytest.raises(SinkUnavailable):
        watch.publish(b"{}", MAILBOX.key, {"event_id": "e1"})
    clock.advance(timedelta(seconds=11))  # the session backs off: nothing in flight
    [stalled] = watch.stalled(AFTER)
    assert stalled.error == "SinkUnavailable: publish to events: ServiceUnavailable"
    watch.publish(b"{}", MAILBOX.key, {"event_id": "e1"})
    assert watch.stalled(AFTER) == []
    # an event refused for itself blocks nothing
    big = b"x" * (11 * 1024 * 1024)
    with pytest.raises(MessageTooLarge):
        watch.publish(big, MAILBOX.key, {"event_id": "e2"})
    clock.advance(timedelta(seconds=11))
    assert watch.stalled(AFTER) == []


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


def test_the_watcher_shows_publishing_blocked_while_the_publish_is_still_waited_for() -> None:
    clock = FakeClock()
    store = InMemoryStateStore(clock)
    store.put_mailbox(MAILBOX)
    sink = HeldSink()
    pipeline = IngestPipeline(store, sink, InMemoryBlobStore(), clock, holder="w1")
    options = dataclasses.replace(SLOW, publish_blocked_after_s=10.0, lease_ttl_s=3)
    watcher = Watcher(
        store,
        pipeline,
        StaticCredentials(),
        clock,
        holder="w1",
        sources=FakeSources(FakeFolder(7, [1])),
        options=options,
    )
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        wait_for(sink.started.is_set, what="the publish")
        clock.advance(timedelta(seconds=11))

        def shown() -> Health | None:
            h = store.get_health(MAILBOX.tenant_id, MAILBOX.id, clock.now())
            return h if h.state is MailboxState.PUBLISHING_BLOCKED else None

        h = wait_for(shown, what="publishing blocked")
        assert h.last_error == "event sink: no acknowledgement for 11 s"
        assert h.errors_24h == 1
        assert h.pending == 1  # what waits on the server, counted before the publish
        sink.release.set()
        wait_for(lambda: len(sink.messages) == 1, what="the event published")
        wait_for(
            lambda: (
                store.get_health(MAILBOX.tenant_id, MAILBOX.id, clock.now()).state
                is MailboxState.IDLE
            ),
            what="idle again",
        )
    finally:
        sink.release.set()
        watcher.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()


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
