"""A catch-up batch in one go (``CatchUpPool``) through the real pipeline on in-memory
adapters: handed off in UID order with one cursor write; a failure in the middle stops the
run just before it with nothing after it published and every later claim released; two
messages of a batch with one Message-ID publish once."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_sinks import InMemoryBlobStore, InMemoryEventSink
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import Mailbox, Provider, Tenant, TlsMode
from shared.errors import (
    ClaimBusy,
    RetryableError,
    ServiceUnavailable,
    SinkUnavailable,
    Stopping,
    StoreUnavailable,
)
from shared.ids import MailboxId, TenantId, message_id_key
from shared.ports import ClaimOutcome
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline
from shared.service.watcher.catchup import CatchUpPool
from shared.service.watcher.imap_sync import ImapSync
from shared.service.watcher.options import FetchLimits
from tests.unit.watcher.fakes import FakeFolder

MAILBOX = Mailbox(
    tenant_id=TenantId("acme"),
    id=MailboxId("booking"),
    provider=Provider.IMAP,
    address="b@acme.example",
    host="127.0.0.1",
    tls=TlsMode.PLAIN,
)
UIDVALIDITY = 7


@dataclass
class Folder(FakeFolder):
    """Message-IDs by UID can be shared (``same_message_id``: uid → the uid it copies)."""

    same_message_id: dict[int, int] = field(default_factory=dict)

    def raw(self, uid: int) -> bytes:
        msgid = self.same_message_id.get(uid, uid)
        return (
            f"From: res@hotel.example\r\nMessage-ID: <{msgid}@x>\r\nSubject: m{uid:02d}\r\n\r\n"
            "Rezervasyon onaylandi.\r\n"
        ).encode()


class RefusingSink(InMemoryEventSink):
    """Refuses the event with the subject ``refuse`` (Pub/Sub failing that publish); holds
    the one with the subject ``hold[0]`` until ``hold[1]`` is set (10 s at most)."""

    refuse: str | None = None
    hold: tuple[str, threading.Event] | None = None
    holding = threading.Event()  # set when the held one is reached (a new one per test)

    def publish(self, data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> str:
        subject = json.loads(data).get("subject")
        if self.refuse is not None and subject == self.refuse:
            raise ServiceUnavailable("publish refused")
        if self.hold is not None and subject == self.hold[0]:
            self.holding.set()
            self.hold[1].wait(timeout=10)
        return super().publish(data, ordering_key, attributes)


@dataclass
class Rig:
    sync: ImapSync
    state: InMemoryStateStore
    sink: RefusingSink
    pipeline: IngestPipeline

    def subjects(self) -> list[str]:
        return [json.loads(m.data)["subject"] for m in self.sink.messages]

    def last_uid(self) -> object:
        return self.state.get_cursor(MAILBOX.tenant_id, MAILBOX.id).value.get("last_uid")

    def cursor_version(self) -> int:
        return self.state.get_cursor(MAILBOX.tenant_id, MAILBOX.id).version


@pytest.fixture
def rig() -> Iterator[Rig]:
    clock = FakeClock()
    state = InMemoryStateStore(clock)
    state.put_tenant(Tenant(id=MAILBOX.tenant_id, name="Acme"))
    state.put_mailbox(MAILBOX)
    sink = RefusingSink()
    pipeline = IngestPipeline(state, sink, InMemoryBlobStore(), clock, holder="w1")
    pool = CatchUpPool(4)
    sync = ImapSync(
        state,
        pipeline,
        HealthReporter(state, clock),
        clock,
        limits=FetchLimits(batch=10),
        pool=pool,
    )
    start = {"uidvalidity": UIDVALIDITY, "last_uid": 0, "folder": "INBOX"}
    state.compare_and_set_cursor(MAILBOX.tenant_id, MAILBOX.id, 0, start)
    yield Rig(sync, state, sink, pipeline)
    pool.close()


def subjects(uids: range | list[int]) -> list[str]:
    return [f"m{uid:02d}" for uid in uids]


def claim_key(uid: int) -> str:
    """The claim a message of ``Folder`` is processed under: its Message-ID's."""
    return message_id_key(MAILBOX.tenant_id, MAILBOX.address, f"<{uid}@x>")


def assert_free(state: InMemoryStateStore, uids: range) -> None:
    """No claim is held on these messages (taken by a probe, then dropped)."""
    for uid in uids:
        key = claim_key(uid)
        assert state.claim(key, "probe", timedelta(days=1), timedelta(minutes=5)) is (
            ClaimOutcome.CLAIMED
        ), f"message {uid} is still claimed"
        state.release_claim(key, "probe")


def test_a_batch_is_handed_off_in_uid_order_with_one_cursor_write(rig: Rig) -> None:
    folder = Folder(UIDVALIDITY, list(range(1, 11)))
    version = rig.cursor_version()
    assert rig.sync.catch_up(folder, MAILBOX, UIDVALIDITY) == 10
    assert rig.subjects() == subjects(range(1, 11))
    assert folder.after_actions == list(range(1, 11))
    assert rig.last_uid() == 10
    assert rig.cursor_version() == version + 1  # one compare-and-set for the batch
    assert {m.ordering_key for m in rig.sink.messages} == {MAILBOX.key}


def test_a_publish_failure_mid_batch_stops_there_and_the_rerun_adds_no_duplicate(
    rig: Rig,
) -> None:
    folder = Folder(UIDVALIDITY, list(range(1, 11)))
    rig.sink.refuse = "m04"
    with pytest.raises(RetryableError):
        rig.sync.catch_up(folder, MAILBOX, UIDVALIDITY)
    # the key stayed paused from the failure until the batch stopped: nothing after m04
    assert rig.subjects() == subjects(range(1, 4))
    assert rig.last_uid() == 3
    assert folder.after_actions == [1, 2, 3]
    rig.sink.refuse = None
    assert rig.sync.catch_up(folder, MAILBOX, UIDVALIDITY) == 7
    assert rig.subjects() == subjects(range(1, 11))  # each once, in order
    assert rig.last_uid() == 10


def test_a_failure_of_message_k_keeps_the_cursor_before_k_and_releases_the_later_claims(
    rig: Rig,
) -> None:
    folder = Folder(UIDVALIDITY, list(range(1, 11)))
    state, k = rig.state, 6
    # the mailbox's lease held, as by the watcher: a claim not released stays in force (a
    # claim naming a lease nobody holds is free to take, released or not)
    assert state.try_acquire_lease(MAILBOX.key, "w1", timedelta(hours=1)) is not None
    # k is claimed by another live worker: the batch is cut before it
    other = claim_key(k)
    assert state.claim(other, "w2", timedelta(days=1), timedelta(minutes=5)) is (
        ClaimOutcome.CLAIMED
    )
    with pytest.raises(ClaimBusy):
        rig.sync.catch_up(folder, MAILBOX, UIDVALIDITY)
    assert rig.subjects() == subjects(range(1, k))
    assert rig.last_uid() == k - 1
    assert folder.after_actions == list(range(1, k))
    assert_free(state, range(k + 1, 11))  # claimed in the batch's one write, released since
    state.release_claim(other, "w2")  # the other worker gave up
    assert rig.sync.catch_up(folder, MAILBOX, UIDVALIDITY) == 10 - (k - 1)
    assert rig.subjects() == subjects(range(1, 11))  # each once, in order
    assert rig.last_uid() == 10


def test_two_messages_of_a_batch_with_one_message_id_publish_once(rig: Rig) -> None:
    folder = Folder(UIDVALIDITY, list(range(1, 8)), same_message_id={5: 2})
    assert rig.sync.catch_up(folder, MAILBOX, UIDVALIDITY) == 7
    assert rig.subjects() == subjects([1, 2, 3, 4, 6, 7])  # 5 repeats 2's Message-ID
    assert rig.last_uid() == 7


def test_a_batch_stopping_short_abandons_the_one_prepared_ahead_claims_released(
    rig: Rig,
) -> None:
    folder = Folder(UIDVALIDITY, list(range(1, 31)))  # batches of 10: 1-10, 11-20, 21-30
    # the mailbox's lease held, as by the watcher: a claim not released stays in force
    assert rig.state.try_acquire_lease(MAILBOX.key, "w1", timedelta(hours=1)) is not None
    rig.sink.refuse = "m05"  # the first batch stops at m05 while 11-20 are prepared ahead
    with pytest.raises(RetryableError):
        rig.sync.catch_up(folder, MAILBOX, UIDVALIDITY)
    assert rig.subjects() == subjects(range(1, 5))
    assert rig.last_uid() == 4
    assert_free(rig.state, range(5, 31))  # nothing of the batch ahead kept, nor of the rest
    rig.sink.refuse = None
    assert rig.sync.catch_up(folder, MAILBOX, UIDVALIDITY) == 26
    assert rig.subjects() == subjects(range(1, 31))  # each once, in order
    assert rig.last_uid() == 30


def test_a_message_id_of_the_batch_before_is_a_duplicate_in_the_batch_prepared_ahead(
    rig: Rig,
) -> None:
    # 11 (the first of the second batch, prepared while the first is published) and 15
    # repeat Message-IDs of the first batch; m10's publish waits until the second batch's
    # Message-ID guard has found m10's claim in flight (BUSY): the batch ahead then goes
    # again once the first is handed off, and each Message-ID publishes once
    folder = Folder(UIDVALIDITY, list(range(1, 21)), same_message_id={11: 10, 15: 3})
    # the mailbox's lease held, as by the watcher: a claim in flight is not taken over
    assert rig.state.try_acquire_lease(MAILBOX.key, "w1", timedelta(hours=1)) is not None
    busy, claim_many = threading.Event(), rig.state.claim_many

    def claim_many_seen(*args: Any, **kw: Any) -> dict[str, ClaimOutcome]:
        outcomes = claim_many(*args, **kw)
        if ClaimOutcome.BUSY in outcomes.values():
            busy.set()
        return outcomes

    setattr(rig.state, "claim_many", claim_many_seen)
    rig.sink.hold = ("m10", busy)
    assert rig.sync.catch_up(folder, MAILBOX, UIDVALIDITY) == 20
    assert busy.is_set(), "the second batch was not prepared while the first was published"
    assert rig.subjects() == subjects([uid for uid in range(1, 21) if uid not in (11, 15)])
    assert rig.last_uid() == 20
    assert folder.after_actions == list(range(1, 21))


class UnsettledSink(InMemoryEventSink):
    """The ack of the event with the subject ``unsettled`` is not waited out (the sink's
    "not settled": its key is not paused), while the events submitted after it land."""

    unsettled: str | None = None

    def submit(
        self, data: bytes, ordering_key: str, attributes: Mapping[str, str]
    ) -> Callable[[], str]:
        if json.loads(data).get("subject") == self.unsettled:
            self.unsettled = None

            def not_settled() -> str:
                raise SinkUnavailable("publish to events: not settled")

            return not_settled
        return super().submit(data, ordering_key, attributes)


def test_events_published_after_a_failed_one_are_counted_once_as_processed() -> None:
    """Events in flight behind one whose ack was not waited out land all the same: they are
    out, so they count as processed then (the rerun finds them done: not counted again) —
    the counters add up to the events published."""
    clock = FakeClock()
    state = InMemoryStateStore(clock)
    state.put_tenant(Tenant(id=MAILBOX.tenant_id, name="Acme"))
    state.put_mailbox(MAILBOX)
    sink = UnsettledSink()
    sink.unsettled = "m04"
    reporter = HealthReporter(state, clock)
    pool = CatchUpPool(4)
    pipeline = IngestPipeline(state, sink, InMemoryBlobStore(), clock, holder="w1")
    sync = ImapSync(state, pipeline, reporter, clock, limits=FetchLimits(batch=10), pool=pool)
    start = {"uidvalidity": UIDVALIDITY, "last_uid": 0, "folder": "INBOX"}
    state.compare_and_set_cursor(MAILBOX.tenant_id, MAILBOX.id, 0, start)
    folder = Folder(UIDVALIDITY, list(range(1, 11)))
    try:
        with pytest.raises(SinkUnavailable):
            sync.catch_up(folder, MAILBOX, UIDVALIDITY)
        assert sorted(json.loads(m.data)["subject"] for m in sink.messages) == subjects(
            [1, 2, 3, 5, 6, 7, 8, 9, 10]
        )
        assert state.get_cursor(MAILBOX.tenant_id, MAILBOX.id).value["last_uid"] == 3
        sync.catch_up(folder, MAILBOX, UIDVALIDITY)  # m04 published, the rest done already
    finally:
        pool.close()
    assert len({m.attributes["event_id"] for m in sink.messages}) == 10
    reporter.flush()
    assert state.get_health(MAILBOX.tenant_id, MAILBOX.id, clock.now()).processed_24h == 10


class CursorDownOnce(InMemoryStateStore):
    """The cursor write fails once (the store stops answering right after the publishes)."""

    fail = True

    def compare_and_set_cursor(self, *args: Any, **kwargs: Any) -> Any:
        if self.fail:
            self.fail = False
            raise StoreUnavailable("firestore set cursor: RetryError(DeadlineExceeded)")
        return super().compare_and_set_cursor(*args, **kwargs)


@pytest.mark.parametrize("count", [1, 10])  # one message on its own, a batch in one go
def test_a_cursor_write_that_fails_after_the_publish_still_counts_each_event_once(
    count: int,
) -> None:
    """The events are out once the pipeline returns: counted then, not after the cursor
    write — which failed here, so the rerun finds them done (duplicates, not counted)."""
    clock = FakeClock()
    state = CursorDownOnce(clock)
    state.put_tenant(Tenant(id=MAILBOX.tenant_id, name="Acme"))
    state.put_mailbox(MAILBOX)
    start = {"uidvalidity": UIDVALIDITY, "last_uid": 0, "folder": "INBOX"}
    InMemoryStateStore.compare_and_set_cursor(state, MAILBOX.tenant_id, MAILBOX.id, 0, start)
    sink = InMemoryEventSink()
    reporter = HealthReporter(state, clock)
    pool = CatchUpPool(4)
    pipeline = IngestPipeline(state, sink, InMemoryBlobStore(), clock, holder="w1")
    limits = FetchLimits(batch=10, cursor_every=1)  # the one message's cursor written at once
    sync = ImapSync(state, pipeline, reporter, clock, limits=limits, pool=pool)
    folder = Folder(UIDVALIDITY, list(range(1, count + 1)))
    try:
        with pytest.raises(StoreUnavailable):
            sync.catch_up(folder, MAILBOX, UIDVALIDITY)
        sync.catch_up(folder, MAILBOX, UIDVALIDITY)
    finally:
        pool.close()
    assert len(sink.messages) == count
    assert state.get_cursor(MAILBOX.tenant_id, MAILBOX.id).value["last_uid"] == count
    reporter.flush()
    assert state.get_health(MAILBOX.tenant_id, MAILBOX.id, clock.now()).processed_24h == count


@pytest.mark.parametrize("batch", [10, 1], ids=["in one go", "one at a time"])
def test_a_worker_told_to_stop_publishes_nothing_more_and_leaves_the_rest_for_the_next_holder(
    rig: Rig, batch: int
) -> None:
    """Its mailbox may be about to go to another replica, which takes over every claim
    naming the lease this one releases: from the stop on, nothing more is submitted, the
    cursor stays after the last message handed off, and the rest is free to take."""
    assert rig.state.try_acquire_lease(MAILBOX.key, "w1", timedelta(hours=1)) is not None
    folder = Folder(UIDVALIDITY, list(range(1, 21)))
    if batch == 1:
        rig.sync = ImapSync(
            rig.state,
            rig.pipeline,
            HealthReporter(rig.state, FakeClock()),
            FakeClock(),
            limits=FetchLimits(batch=1),
        )
    stop, release = threading.Event(), threading.Event()
    rig.sink.holding = threading.Event()
    rig.sink.hold = ("m04", release)  # m04 is being published when the stop comes

    def stop_then_release() -> None:
        rig.sink.holding.wait(timeout=10)
        stop.set()
        release.set()

    threading.Thread(target=stop_then_release, daemon=True).start()
    with pytest.raises(Stopping):
        rig.sync.catch_up(folder, MAILBOX, UIDVALIDITY, stop.is_set)
    assert rig.subjects() == subjects(range(1, 5))  # the one in flight finished, no more
    assert rig.last_uid() == 4
    assert_free(rig.state, range(5, 21))
    assert rig.sync.catch_up(folder, MAILBOX, UIDVALIDITY) == 16  # the next holder's turn
    assert rig.subjects() == subjects(range(1, 21))
