"""ImapSync's cursor rules on a fake folder: catch-up above the cursor, the bounded first sync
and the bounded resync after a UIDVALIDITY change."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import HealthUpdate, Mailbox, Provider, TlsMode
from shared.errors import ClaimBusy
from shared.ids import MailboxId, TenantId
from shared.service.health import STUCK_AFTER, HealthReporter, is_stale
from shared.service.ingest import IngestPipeline
from shared.service.watcher.imap_sync import ImapSync
from shared.service.watcher.options import FetchLimits
from tests.unit.watcher.fakes import FakeFolder, RecordingPipeline, utc

MAILBOX = Mailbox(
    tenant_id=TenantId("acme"),
    id=MailboxId("booking"),
    provider=Provider.IMAP,
    address="b@acme.example",
    host="127.0.0.1",
    tls=TlsMode.PLAIN,
)


def rig(
    pipeline: RecordingPipeline | None = None, clock: FakeClock | None = None, **kw: Any
) -> tuple[ImapSync, InMemoryStateStore, RecordingPipeline]:
    clock = clock or FakeClock()
    store = InMemoryStateStore(clock)
    pipeline = pipeline or RecordingPipeline()
    reporter = HealthReporter(store, clock)
    # every hand-off's cursor write, as these tests check it (the cursor of messages handed
    # off one at a time is written every ``cursor_every``: test_cursor_every)
    kw.setdefault("limits", FetchLimits(cursor_every=1))
    sync = ImapSync(store, cast(IngestPipeline, pipeline), reporter, clock, **kw)
    sync.reporter = reporter  # type: ignore[attr-defined]
    return sync, store, pipeline


def set_cursor(store: InMemoryStateStore, uidvalidity: int, last_uid: int, **more: str) -> None:
    version = store.get_cursor(MAILBOX.tenant_id, MAILBOX.id).version
    value = {"uidvalidity": uidvalidity, "last_uid": last_uid, **more}
    store.compare_and_set_cursor(MAILBOX.tenant_id, MAILBOX.id, version, value)


def cursor(store: InMemoryStateStore) -> dict[str, Any]:
    return dict(store.get_cursor(MAILBOX.tenant_id, MAILBOX.id).value)


def test_catch_up_fetches_only_above_the_cursor_and_advances_it() -> None:
    sync, store, pipeline = rig(limits=FetchLimits(batch=2, cursor_every=1))
    set_cursor(store, 7, 3)
    folder = FakeFolder(7, [1, 2, 3, 4, 5, 6])
    assert sync.catch_up(folder, MAILBOX, 7) == 3
    assert [h[1] for h in pipeline.handed] == ["7/4", "7/5", "7/6"]
    assert pipeline.handed[0][2] == utc(2026, 1, 1, 12)  # the source's received time
    assert cursor(store) == {"uidvalidity": 7, "last_uid": 6, "folder": "INBOX"}
    # nothing new (the IMAP source's "7:*" quirk: tests/integration/watcher/test_sources.py)
    assert sync.catch_up(folder, MAILBOX, 7) == 0
    assert len(pipeline.handed) == 3


def test_first_sync_starts_from_the_newest_messages() -> None:
    sync, store, _ = rig(initial_max=2)
    folder = FakeFolder(7, [10, 11, 12, 13])
    assert sync.catch_up(folder, MAILBOX, 7) == 2
    assert folder.fetched == [12, 13]
    assert cursor(store) == {"uidvalidity": 7, "last_uid": 13, "folder": "INBOX"}


def test_first_sync_of_an_empty_folder_records_its_uidvalidity() -> None:
    sync, store, _ = rig()
    folder = FakeFolder(7, [])
    assert sync.catch_up(folder, MAILBOX, 7) == 0
    assert cursor(store) == {"uidvalidity": 7, "last_uid": 0, "folder": "INBOX"}


def test_uidvalidity_change_resync_is_bounded_to_the_newest_messages() -> None:
    """RFC 3501 §2.3.1.1: a new UIDVALIDITY voids every UID. Re-reading a 5,000-message
    folder would take hours; the newest ``resync_max`` are re-read (the Message-ID guard
    drops those already published) and the cursor restarts in the new UID space."""
    sync, store, pipeline = rig(resync_max=3, limits=FetchLimits(batch=2, cursor_every=1))
    set_cursor(store, 7, 5000)
    folder = FakeFolder(8, list(range(1, 5001)))
    assert sync.catch_up(folder, MAILBOX, 8) == 3
    assert folder.fetched == [4998, 4999, 5000]
    assert [h[1] for h in pipeline.handed] == ["8/4998", "8/4999", "8/5000"]
    assert cursor(store) == {"uidvalidity": 8, "last_uid": 5000, "folder": "INBOX"}


def test_a_later_catch_up_is_not_bounded() -> None:
    """Only the first sync and a resync are bounded: a watcher that was down for a while
    catches up on everything that arrived meanwhile."""
    sync, store, pipeline = rig(initial_max=2, resync_max=2)
    set_cursor(store, 7, 1)
    folder = FakeFolder(7, [1, 2, 3, 4, 5])
    assert sync.catch_up(folder, MAILBOX, 7) == 4
    assert folder.fetched == [2, 3, 4, 5]
    assert len(pipeline.handed) == 4


def test_a_changed_folder_starts_like_a_new_mailbox() -> None:
    """UIDVALIDITY is unique per folder name only (RFC 3501 §2.3.1.1): another folder may
    carry the same value, and its UIDs must not be compared with the old folder's cursor."""
    sync, store, pipeline = rig(initial_max=10)
    set_cursor(store, 7, 40, folder="INBOX")  # INBOX read up to UID 40
    moved = MAILBOX.model_copy(update={"folder": "Stopsale"})
    folder = FakeFolder(7, [1, 2])  # same UIDVALIDITY by chance, lower UIDs
    assert sync.catch_up(folder, moved, 7) == 2
    assert [h[1] for h in pipeline.handed] == ["7/1", "7/2"]
    assert cursor(store) == {"uidvalidity": 7, "last_uid": 2, "folder": "Stopsale"}


def test_a_cursor_written_before_folders_were_recorded_still_counts() -> None:
    sync, store, pipeline = rig()
    set_cursor(store, 7, 2)  # {"uidvalidity", "last_uid"} only
    assert sync.catch_up(FakeFolder(7, [1, 2, 3]), MAILBOX, 7) == 1
    assert [h[1] for h in pipeline.handed] == ["7/3"]


class StuckPipeline(RecordingPipeline):
    """Hands off the first ``ok`` messages, then every ingest finds the message claimed by
    another (live) worker."""

    def __init__(self, ok: int) -> None:
        super().__init__()
        self.ok = ok

    def ingest(self, mailbox: Mailbox, provider_message_id: str, raw: bytes, **kw: Any) -> Any:
        if len(self.handed) >= self.ok:
            raise ClaimBusy("event e is being processed by another worker")
        return super().ingest(mailbox, provider_message_id, raw, **kw)


def test_messages_held_back_show_as_pending_and_the_mailbox_goes_stale() -> None:
    """During a 356 s stall the health said pending 0, stale false."""
    clock = FakeClock()
    stuck = StuckPipeline(ok=1)
    sync, store, _ = rig(stuck, clock)
    reporter: HealthReporter = sync.reporter  # type: ignore[attr-defined]
    set_cursor(store, 7, 0)
    reporter.report(MAILBOX, HealthUpdate(last_sync_at=clock.now()))  # it was syncing fine
    with pytest.raises(ClaimBusy):
        sync.catch_up(FakeFolder(7, [1, 2, 3]), MAILBOX, 7)
    assert cursor(store)["last_uid"] == 1
    reporter.flush()
    health = store.get_health(MAILBOX.tenant_id, MAILBOX.id, clock.now())
    assert health.pending == 2  # what waits on the server, not 0
    assert not is_stale(health, MAILBOX, clock.now(), idle_refresh_s=300)
    assert MAILBOX.key in reporter.liveness()[1]  # the watcher's stale check sees it waiting
    clock.advance(STUCK_AFTER + timedelta(seconds=1))  # nothing moves
    with pytest.raises(ClaimBusy):
        sync.catch_up(FakeFolder(7, [1, 2, 3]), MAILBOX, 7)
    reporter.flush()
    health = store.get_health(MAILBOX.tenant_id, MAILBOX.id, clock.now())
    assert is_stale(health, MAILBOX, clock.now(), idle_refresh_s=300)
    # it moves again: handed off, nothing waits, not stale
    stuck.ok = 10
    assert sync.catch_up(FakeFolder(7, [1, 2, 3]), MAILBOX, 7) == 2
    reporter.flush()
    health = store.get_health(MAILBOX.tenant_id, MAILBOX.id, clock.now())
    assert health.pending == 0
    assert not is_stale(health, MAILBOX, clock.now(), idle_refresh_s=300)
    assert MAILBOX.key not in reporter.liveness()[1]


def test_sizes_are_checked_first_batches_are_capped_in_bytes_and_oversized_is_streamed() -> None:
    """Bodies were fetched 25 at a time whatever their size, and a message
    over the limit was fetched whole (and the cursor never got past a few huge ones)."""
    pipeline = RecordingPipeline(max_message_bytes=1000)
    sync, store, _ = rig(
        pipeline, limits=FetchLimits(batch=25, batch_bytes=500, chunk_bytes=300, cursor_every=1)
    )
    set_cursor(store, 7, 0)
    folder = FakeFolder(7, [1, 2, 3, 4, 5, 6], sizes={1: 100, 2: 100, 3: 400, 4: 2500, 5: 600})
    assert sync.catch_up(folder, MAILBOX, 7) == 6
    # 4 is over the limit: never in a fetch, streamed in pieces of at most chunk_bytes
    assert folder.batches == [[1, 2], [3], [5], [6]]
    assert 4 not in folder.fetched
    assert folder.streamed == [(4, [300] * 8 + [100])]
    assert pipeline.oversized == [("7/4", 2500)]
    # every fetch within batch_bytes, but for a single message larger than that
    reported = {u: len(folder.raw(u)) for u in folder.uids}
    for batch in folder.batches:
        assert len(batch) == 1 or sum(reported[u] for u in batch) <= 500
    assert [h[1] for h in pipeline.handed] == ["7/1", "7/2", "7/3", "7/5", "7/6"]
    assert cursor(store) == {"uidvalidity": 7, "last_uid": 6, "folder": "INBOX"}  # moved past


class CountingReporter(HealthReporter):
    """Records every update that carries a count of what waits on the server."""

    def __init__(self, store: InMemoryStateStore, clock: FakeClock) -> None:
        super().__init__(store, clock)
        self.counted: list[int | None] = []
        self.handed_pending: list[int | None] = []

    def report(self, mailbox: Mailbox, update: HealthUpdate) -> None:
        if update.pending_at is not None:
            self.counted.append(update.pending)
        elif update.pending is not None:
            self.handed_pending.append(update.pending)
        super().report(mailbox, update)


def test_a_long_catch_up_counts_again_what_waits_on_the_server() -> None:
    """A burst that goes on arriving while the watcher drains it: the pending count is what
    the server holds beyond the cursor, counted again during the catch-up, not the list
    it started from."""
    clock = FakeClock()
    store = InMemoryStateStore(clock)
    reporter = CountingReporter(store, clock)
    pipeline = RecordingPipeline()
    limits = FetchLimits(batch=2, recount_s=0, cursor_every=1)  # count again before every batch
    sync = ImapSync(store, cast(IngestPipeline, pipeline), reporter, clock, limits=limits)
    set_cursor(store, 7, 0)
    folder = FakeFolder(7, [1, 2, 3, 4, 5, 6])
    folder.on_fetch = lambda f: f.uids.extend([7, 8, 9])  # arrive during the first batch
    assert sync.catch_up(folder, MAILBOX, 7) == 6
    # listed 6; then 4 of them + 3 arrived, 2 + 3; then nothing beyond the cursor
    assert reporter.counted == [6, 7, 5, 0]
    assert reporter.handed_pending[-1] == 3, "the last handoff leaves the 3 that arrived"
    reporter.flush()
    health = store.get_health(MAILBOX.tenant_id, MAILBOX.id, clock.now())
    assert (health.pending, health.pending_at) == (0, clock.now())
