"""The cursor of messages handed off one at a time (IDLE's new mail) is written every
``cursor_every`` of them, when the session ends, when a catch-up fails and with the next
batch — not after each one: a message costs its claim and its summary, no cursor write. What
a replica killed in between leaves is read again and found done."""

from __future__ import annotations

from typing import Any

import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import Cursor
from shared.errors import ServiceUnavailable, StoreUnavailable
from shared.service.health import HealthReporter
from shared.service.watcher.imap_sync import ImapSync
from shared.service.watcher.options import FetchLimits
from tests.unit.watcher.fakes import FakeFolder, RecordingPipeline
from tests.unit.watcher.test_imap_sync import MAILBOX, cursor, rig, set_cursor


def last_uid(store: InMemoryStateStore) -> object:
    return cursor(store).get("last_uid")


def test_every_third_one_at_a_time_and_what_is_owed_on_a_flush() -> None:
    sync, store, pipeline = rig(limits=FetchLimits(batch=1, cursor_every=3))
    set_cursor(store, 7, 0)
    folder = FakeFolder(7, [1, 2])
    assert sync.catch_up(folder, MAILBOX, 7) == 2
    assert last_uid(store) == 0  # two owed
    folder.deliver(3)
    assert sync.catch_up(folder, MAILBOX, 7) == 1
    assert last_uid(store) == 3  # the third: written
    folder.deliver(4)
    assert sync.catch_up(folder, MAILBOX, 7) == 1
    assert last_uid(store) == 3
    version = store.get_cursor(MAILBOX.tenant_id, MAILBOX.id).version
    sync.flush_cursor()  # the session ends
    assert last_uid(store) == 4
    sync.flush_cursor()  # nothing owed: no write
    assert store.get_cursor(MAILBOX.tenant_id, MAILBOX.id).version == version + 1
    folder.deliver(5)
    sync.catch_up(folder, MAILBOX, 7)
    sync.forget_cursor()  # a new session: what is owed is written first
    assert last_uid(store) == 5
    assert sync.catch_up(folder, MAILBOX, 7) == 0  # read back from the store: nothing new
    assert [h[1] for h in pipeline.handed] == [f"7/{u}" for u in range(1, 6)]


class FailingAt(RecordingPipeline):
    def __init__(self, uid: int) -> None:
        super().__init__()
        self.uid = uid

    def ingest(self, mailbox: Any, provider_message_id: str, raw: bytes, **kw: Any) -> Any:
        if provider_message_id == f"7/{self.uid}":
            raise ServiceUnavailable("event sink down")
        return super().ingest(mailbox, provider_message_id, raw, **kw)


def test_a_failing_catch_up_writes_what_was_handed_off_before_it_raises() -> None:
    pipeline = FailingAt(3)
    sync, store, _ = rig(pipeline, limits=FetchLimits(batch=1, cursor_every=50))
    set_cursor(store, 7, 0)
    with pytest.raises(ServiceUnavailable):
        sync.catch_up(FakeFolder(7, [1, 2, 3, 4]), MAILBOX, 7)
    assert last_uid(store) == 2  # 1 and 2 handed off: not read again


class CursorDown(InMemoryStateStore):
    down = False

    def compare_and_set_cursor(self, *args: Any, **kw: Any) -> Cursor:
        if self.down:
            raise StoreUnavailable("firestore set cursor: unavailable")
        return super().compare_and_set_cursor(*args, **kw)


def test_a_cursor_that_cannot_be_written_is_read_back_and_its_messages_found_again() -> None:
    """Best effort: the next catch-up starts from the stored cursor and hands the owed
    messages off again — the pipeline's claims find them done (nothing published twice)."""
    clock = FakeClock()
    store = CursorDown(clock)
    pipeline = RecordingPipeline()
    sync = ImapSync(
        store,
        pipeline,  # type: ignore[arg-type]
        HealthReporter(store, clock),
        clock,
        limits=FetchLimits(batch=1, cursor_every=50),
    )
    set_cursor(store, 7, 0)
    folder = FakeFolder(7, [1, 2])
    sync.catch_up(folder, MAILBOX, 7)
    store.down = True
    sync.flush_cursor()  # logged, not raised
    store.down = False
    assert sync.catch_up(folder, MAILBOX, 7) == 2
    assert [h[1] for h in pipeline.handed] == ["7/1", "7/2", "7/1", "7/2"]


def test_many_waiting_one_at_a_time_write_every_cursor_every_not_only_at_the_end() -> None:
    sync, store, _ = rig(limits=FetchLimits(batch=1, cursor_every=4))
    set_cursor(store, 7, 0)
    writes: list[object] = []
    put = store.compare_and_set_cursor

    def counted(*args: Any, **kw: Any) -> Cursor:
        writes.append(args[3]["last_uid"])
        return put(*args, **kw)

    store.compare_and_set_cursor = counted  # type: ignore[method-assign]
    assert sync.catch_up(FakeFolder(7, list(range(1, 11))), MAILBOX, 7) == 10
    assert writes == [4, 8]
    sync.flush_cursor()
    assert writes == [4, 8, 10]
