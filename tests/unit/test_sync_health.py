"""A push sync's state writes: its health tallied and written once, its cursor not rewritten
when a change changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import Cursor, HealthUpdate, Mailbox, MailboxState, Provider
from shared.ids import MailboxId, TenantId
from shared.service.mailbox_state import SyncHealth, merge_cursor

MAILBOX = Mailbox(
    tenant_id=TenantId("t"), id=MailboxId("m"), provider=Provider.GMAIL, address="m@t.example"
)


class CountingStore(InMemoryStateStore):
    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock)
        self.health_writes = 0
        self.cursor_writes = 0

    def update_health(
        self, tenant_id: TenantId, mailbox_id: MailboxId, update: HealthUpdate, at: datetime
    ) -> None:
        self.health_writes += 1
        super().update_health(tenant_id, mailbox_id, update, at)

    def compare_and_set_cursor(
        self,
        tenant_id: TenantId,
        mailbox_id: MailboxId,
        expected_version: int,
        value: Mapping[str, Any],
    ) -> Cursor:
        self.cursor_writes += 1
        return super().compare_and_set_cursor(tenant_id, mailbox_id, expected_version, value)


def _store() -> tuple[CountingStore, FakeClock]:
    clock = FakeClock(datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    return CountingStore(clock), clock


def test_a_syncs_reports_are_one_write_with_counters_added() -> None:
    store, clock = _store()
    health = SyncHealth(store, clock, MAILBOX)
    health.add(HealthUpdate(pending=2, pending_at=clock.now()))
    health.add(HealthUpdate(processed=1, pending=1, last_event_at=clock.now()))
    health.add(HealthUpdate(processed=1, pending=0, last_event_at=clock.now()))
    health.add(HealthUpdate(state=MailboxState.IDLE, last_sync_at=clock.now()))
    assert store.health_writes == 0
    health.flush()
    health.flush()  # nothing more to write
    assert store.health_writes == 1
    got = store.get_health(MAILBOX.tenant_id, MAILBOX.id, clock.now())
    assert (got.state, got.processed_24h, got.pending) == (MailboxState.IDLE, 2, 0)


def test_flushed_along_a_long_sync_each_part_written_once() -> None:
    store, clock = _store()
    health = SyncHealth(store, clock, MAILBOX)
    health.add(HealthUpdate(pending=150, pending_at=clock.now()))
    health.flush()
    health.add(HealthUpdate(processed=100, pending=50))
    health.flush()
    assert store.health_writes == 2
    got = store.get_health(MAILBOX.tenant_id, MAILBOX.id, clock.now())
    assert (got.processed_24h, got.pending) == (100, 50)


def test_a_cursor_change_that_changes_nothing_is_not_written() -> None:
    store, _clock = _store()
    merge_cursor(store, MAILBOX, lambda value: {"history_id": "10"})
    merge_cursor(store, MAILBOX, lambda value: {"history_id": "10"})
    assert store.cursor_writes == 1
    merge_cursor(store, MAILBOX, lambda value: {"history_id": "11"})
    assert store.cursor_writes == 2
    assert store.get_cursor(MAILBOX.tenant_id, MAILBOX.id).value == {"history_id": "11"}


def test_an_empty_cursor_is_written_even_when_the_change_is_empty() -> None:
    """A mailbox without a cursor gets one (version 1) on its first merge."""
    store, _clock = _store()
    merge_cursor(store, MAILBOX, lambda value: {})
    assert store.get_cursor(MAILBOX.tenant_id, MAILBOX.id).version == 1
