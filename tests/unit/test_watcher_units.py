"""Pure parts of the watcher: backoff, coalesced health, the stale rule."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import Health, HealthUpdate, Mailbox, MailboxState, Provider, TlsMode
from shared.errors import ServiceUnavailable
from shared.ids import MailboxId, TenantId
from shared.ports import HEALTH_WRITES_PER_CALL
from shared.service.health import HealthReporter, is_stale, merge
from shared.service.watcher.backoff import Backoff, spread_over

MAILBOX = Mailbox(
    tenant_id=TenantId("acme"),
    id=MailboxId("booking"),
    provider=Provider.IMAP,
    address="b@acme.example",
    host="127.0.0.1",
    tls=TlsMode.PLAIN,
    poll_interval_s=60,
)


def test_backoff_grows_with_jitter_up_to_the_cap_and_resets() -> None:
    backoff = Backoff(1.0, 30.0, random.Random(1))
    delays = [backoff.next_delay() for _ in range(10)]
    assert 0.5 <= delays[0] <= 1.0
    assert 1.0 <= delays[1] <= 2.0
    assert all(d <= 30.0 for d in delays)
    assert delays[-1] >= 15.0  # reached the cap's range
    backoff.reset()
    assert backoff.next_delay() <= 1.0


def test_idle_refreshes_are_spread_over_the_last_fifth_of_the_period() -> None:
    rng = random.Random(7)
    periods = [spread_over(300.0, rng=rng) for _ in range(2000)]
    assert all(240.0 <= p <= 300.0 for p in periods)
    # spread, not bunched: mailboxes connected together refresh across the whole window
    assert min(periods) < 245.0
    assert max(periods) > 295.0
    assert len({round(p) for p in periods}) > 50


def test_merge_keeps_latest_values_and_adds_counters() -> None:
    a = HealthUpdate(state=MailboxState.SYNCING, processed=2, processing_ms_total=10.0)
    b = HealthUpdate(state=MailboxState.IDLE, processed=3, last_error="x")
    merged = merge(a, b)
    assert merged.state is MailboxState.IDLE
    assert merged.processed == 5
    assert merged.processing_ms_total == 10.0
    assert merged.last_error == "x"


def test_merge_adds_the_analytics_histograms_key_by_key() -> None:
    a = HealthUpdate(labels={"booking": 2}, latency={"le50": 2})
    b = HealthUpdate(labels={"booking": 1, "other": 1}, latency={"le100": 2})
    merged = merge(a, b)
    assert merged.labels == {"booking": 3, "other": 1}
    assert merged.latency == {"le50": 2, "le100": 2}


def test_reporter_coalesces_many_reports_into_one_write() -> None:
    clock = FakeClock()
    writes: list[HealthUpdate] = []

    class CountingStore(InMemoryStateStore):
        def update_health(self, t: TenantId, m: MailboxId, u: HealthUpdate, at: datetime) -> None:
            writes.append(u)
            super().update_health(t, m, u, at)

    store = CountingStore(clock)
    reporter = HealthReporter(store, clock)
    for _ in range(100):
        reporter.report(MAILBOX, HealthUpdate(processed=1))
    reporter.flush()
    assert len(writes) == 1
    assert store.get_health(MAILBOX.tenant_id, MAILBOX.id, clock.now()).processed_24h == 100


def test_liveness_is_keyed_by_the_mailbox_key_the_watcher_keys_its_workers_by() -> None:
    clock = FakeClock()
    reporter = HealthReporter(InMemoryStateStore(clock), clock)
    other = MAILBOX.model_copy(update={"id": MailboxId("stopsale")})
    synced, waiting = clock.now(), clock.now() + timedelta(seconds=5)
    reporter.report(MAILBOX, HealthUpdate(last_sync_at=synced))
    clock.advance(timedelta(seconds=5))
    reporter.report(other, HealthUpdate(pending=3))
    assert reporter.liveness() == ({"acme/booking": synced}, {"acme/stopsale": waiting})
    assert set(reporter.liveness()[0]) == {MAILBOX.key}


def test_stale_when_neither_doorbell_nor_sync_within_the_window() -> None:
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert is_stale(Health(), MAILBOX, now, idle_refresh_s=300)
    fresh = Health(last_sync_at=now - timedelta(minutes=10))
    assert not is_stale(fresh, MAILBOX, now, idle_refresh_s=300)
    old = Health(
        last_sync_at=now - timedelta(minutes=16), last_doorbell_at=now - timedelta(hours=1)
    )
    assert is_stale(old, MAILBOX, now, idle_refresh_s=300)
    disabled = MAILBOX.model_copy(update={"enabled": False})
    assert not is_stale(Health(), disabled, now, idle_refresh_s=300)


def test_reporter_flushes_many_mailboxes_in_parts_and_keeps_a_failed_part() -> None:
    clock = FakeClock()
    calls: list[int] = []

    class PartlyDownStore(InMemoryStateStore):
        def update_health_many(
            self, updates: Sequence[tuple[TenantId, MailboxId, HealthUpdate]], at: datetime
        ) -> None:
            calls.append(len(updates))
            if len(calls) == 2:
                raise ServiceUnavailable("firestore: deadline exceeded")
            super().update_health_many(updates, at)

    store = PartlyDownStore(clock)
    reporter = HealthReporter(store, clock)
    boxes = [MAILBOX.model_copy(update={"id": MailboxId(f"m{i:04d}")}) for i in range(1200)]
    for box in boxes:
        reporter.report(box, HealthUpdate(processed=1))
    reporter.flush()
    assert calls == [HEALTH_WRITES_PER_CALL, HEALTH_WRITES_PER_CALL, 200]
    written = [b for b in boxes if store.get_health(b.tenant_id, b.id, clock.now()).processed_24h]
    assert len(written) == 700  # the failed part is not written ...
    reporter.report(boxes[600], HealthUpdate(processed=2))
    reporter.flush()  # ... but kept: written at the next flush, counters merged
    assert calls[3:] == [HEALTH_WRITES_PER_CALL]
    assert store.get_health(MAILBOX.tenant_id, MailboxId("m0600"), clock.now()).processed_24h == 3
    assert store.get_health(MAILBOX.tenant_id, MailboxId("m0999"), clock.now()).processed_24h == 1
