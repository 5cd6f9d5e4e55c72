"""A mailbox worker's sessions on an in-memory mail source (the ``MailSource`` port): catch-up,
IDLE doorbells, announcements during a sync, the hand-off order, reconnects and POP3 polls."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest

from shared.adapters.memory_state import InMemoryStateStore
from shared.adapters.system_clock import SystemClock
from shared.domain.models import AfterProcessing, Health, Mailbox, MailboxState, Provider, TlsMode
from shared.domain.seen_uidls import Fingerprint, key_of
from shared.errors import PortFailure, ServiceUnavailable
from shared.ids import MailboxId, TenantId
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline, IngestResult
from shared.service.watcher import WatcherOptions
from shared.service.watcher.caps import ConnectionCaps
from shared.service.watcher.mailbox_worker import MailAccess, MailboxWorker
from shared.service.watcher.pacing import ConnectPacer
from tests.unit.watcher.fakes import FakeFolder, FakeSources, RecordingPipeline, StaticCredentials
from tests.unit.watcher.test_worker_and_supervisor import wait_for

MAILBOX = Mailbox(
    tenant_id=TenantId("acme"),
    id=MailboxId("booking"),
    provider=Provider.IMAP,
    address="b@acme.example",
    host="127.0.0.1",
    tls=TlsMode.PLAIN,
    after_processing=AfterProcessing.DELETE,
)
# the cursor written at every hand-off, as these tests check it (test_cursor_every: less often)
FAST = WatcherOptions(idle_check_s=0.05, backoff_base_s=0.05, backoff_max_s=0.05, cursor_every=1)


@dataclasses.dataclass
class Run:
    worker: MailboxWorker
    store: InMemoryStateStore
    pipeline: RecordingPipeline
    sources: FakeSources
    reporter: HealthReporter

    def health(self) -> Health:
        self.reporter.flush()
        m = self.worker.mailbox
        return self.store.get_health(m.tenant_id, m.id, SystemClock().now())

    def cursor(self) -> dict[str, Any]:
        m = self.worker.mailbox
        return dict(self.store.get_cursor(m.tenant_id, m.id).value)

    def handed(self) -> list[str]:
        return [h[1] for h in self.pipeline.handed]


@pytest.fixture
def run() -> Iterator[Callable[..., Run]]:
    runs: list[Run] = []

    def start(
        *folders: FakeFolder,
        mailbox: Mailbox = MAILBOX,
        pipeline: RecordingPipeline | None = None,
        options: WatcherOptions = FAST,
        pacer: ConnectPacer | None = None,
    ) -> Run:
        clock = SystemClock()
        store = InMemoryStateStore(clock)
        reporter = HealthReporter(store, clock)
        pipeline = pipeline or RecordingPipeline()
        sources = FakeSources(*folders)
        worker = MailboxWorker(
            mailbox,
            cursors=store,
            pipeline=cast(IngestPipeline, pipeline),
            access=MailAccess(StaticCredentials(), sources, pacer),
            reporter=reporter,
            clock=clock,
            options=options,
            caps=ConnectionCaps(10),
        )
        r = Run(worker, store, pipeline, sources, reporter)
        runs.append(r)
        worker.start()
        return r

    yield start
    for r in runs:
        r.worker.stop()
        r.worker.join(timeout=10)
        assert not r.worker.alive, "worker did not stop"


def test_catch_up_then_idle_then_a_doorbell(run: Callable[..., Run]) -> None:
    folder = FakeFolder(7, [1, 2])
    r = run(folder)
    wait_for(lambda: r.health().state is MailboxState.IDLE, what="IDLE")
    assert r.handed() == ["7/1", "7/2"]
    assert folder.after_actions == [1, 2]
    assert r.cursor() == {"uidvalidity": 7, "last_uid": 2, "folder": "INBOX"}
    folder.deliver(3)  # the server rings during IDLE
    wait_for(lambda: r.handed() == ["7/1", "7/2", "7/3"], what="the doorbell's message")
    wait_for(lambda: r.cursor()["last_uid"] == 3, what="the cursor")
    assert r.worker.last_doorbell_mono is not None
    wait_for(lambda: r.health().last_doorbell_at is not None, what="the doorbell in health")
    # each IDLE wait lasts until the refresh is due (never a busy loop, never a short poll);
    # refreshes are spread over the last fifth of the period
    assert folder.waits
    assert all(FAST.idle_refresh_s * 0.8 - 5 < w <= FAST.idle_refresh_s for w in folder.waits)
    assert len(r.sources.opened) == 1  # one session throughout


def test_a_message_announced_during_a_sync_is_drained_without_a_doorbell(
    run: Callable[..., Run],
) -> None:
    """RFC 2177: an EXISTS sent in answer to our own commands is not repeated in IDLE."""
    folder = FakeFolder(7, [1], on_fetch=lambda f: f.deliver(2, doorbell=False))
    r = run(folder)
    wait_for(lambda: r.health().state is MailboxState.IDLE, what="IDLE")
    assert r.handed() == ["7/1", "7/2"]
    assert folder.doorbells == 0


def test_nothing_is_done_on_the_server_before_the_pipeline_returned(
    run: Callable[..., Run],
) -> None:
    class Failing(RecordingPipeline):
        def ingest(
            self, mailbox: Mailbox, provider_message_id: str, raw: bytes, **kw: Any
        ) -> IngestResult:
            if provider_message_id == "7/2":
                raise PortFailure("blob store: Forbidden")
            return super().ingest(mailbox, provider_message_id, raw, **kw)

    folder = FakeFolder(7, [1, 2, 3])
    r = run(folder, pipeline=Failing())
    h = wait_for(lambda: (h := r.health()).state is MailboxState.BACKOFF and h, what="backoff")
    assert "blob store" in (h.last_error or "")
    assert r.cursor()["last_uid"] == 1  # handed off up to the message before
    assert set(folder.after_actions) == {1}  # neither 2 nor 3 is deleted, retries included
    assert folder.closed  # the failed session's connection is dropped


def test_a_lost_connection_backs_off_and_reconnects(run: Callable[..., Run]) -> None:
    first = FakeFolder(7, [1], fail_wait=ServiceUnavailable("IMAP acme/booking: server said BYE"))
    second = FakeFolder(7, [1, 2])
    r = run(first, second)
    wait_for(lambda: len(r.sources.opened) == 2, what="the reconnect")
    assert first.closed
    wait_for(lambda: r.handed() == ["7/1", "7/2"], what="the catch-up after the reconnect")
    wait_for(lambda: r.health().state is MailboxState.IDLE, what="IDLE again")
    assert r.health().errors_24h == 1
    assert "BYE" in (r.health().last_error or "")


def test_without_idle_it_polls_with_a_check_each_round(run: Callable[..., Run]) -> None:
    folder = FakeFolder(7, [], idle=False)
    r = run(folder, mailbox=MAILBOX.model_copy(update={"poll_interval_s": 1}))
    wait_for(lambda: r.health().state is MailboxState.POLLING, what="polling")
    folder.deliver(1, doorbell=False)
    wait_for(lambda: r.handed() == ["7/1"], what="the next poll's message")
    assert 0.0 in folder.waits  # NOOP: returns at once, no IDLE
    assert r.health().last_doorbell_at is None


def test_a_stopped_worker_logs_out(run: Callable[..., Run]) -> None:
    folder = FakeFolder(7, [])
    r = run(folder)
    wait_for(lambda: r.health().state is MailboxState.IDLE, what="IDLE")
    r.worker.stop()
    r.worker.join(timeout=10)
    assert folder.logged_out


def _seen(*uidls: str) -> Fingerprint:
    """What a POP3 cursor that has seen ``uidls`` holds: their fingerprint."""
    return Fingerprint.of(key_of(u) for u in uidls)


def test_a_pop3_poll_dedupes_by_name_and_quits_after_the_hand_offs(
    run: Callable[..., Run],
) -> None:
    folder = FakeFolder(0, [1, 2], idle=False)
    pop3 = MAILBOX.model_copy(update={"provider": Provider.POP3, "poll_interval_s": 1})
    r = run(folder, mailbox=pop3)
    wait_for(lambda: folder.logged_out, what="QUIT after the first poll")
    assert r.handed() == ["1", "2"]  # the UIDLs
    assert folder.after_actions == [1, 2]
    assert Fingerprint.from_value(r.cursor()) == _seen("1", "2")
    folder.logged_out = False
    folder.deliver(3, doorbell=False)
    wait_for(lambda: folder.logged_out, what="the next poll")
    wait_for(lambda: r.handed() == ["1", "2", "3"], what="only the new message")
    assert Fingerprint.from_value(r.cursor()) == _seen("1", "2", "3")


def test_a_pop3_message_over_the_limit_is_streamed_by_its_list_size(
    run: Callable[..., Run],
) -> None:
    folder = FakeFolder(0, [1, 2, 3], sizes={2: 5000}, idle=False)
    pop3 = MAILBOX.model_copy(update={"provider": Provider.POP3, "poll_interval_s": 1})
    r = run(folder, mailbox=pop3, pipeline=RecordingPipeline(max_message_bytes=1000))
    wait_for(lambda: folder.logged_out, what="QUIT after the poll")
    assert r.handed() == ["1", "3"]
    assert r.pipeline.oversized == [("2", 5000)]
    assert 2 not in folder.fetched
    assert folder.after_actions == [1, 2, 3]
    assert Fingerprint.from_value(r.cursor()) == _seen("1", "2", "3")


def test_a_worker_waits_for_its_turn_to_connect_and_stays_stoppable(
    run: Callable[..., Run],
) -> None:
    """Connect pacing: no session opens before the server's turn, and a
    worker stopped while it waits ends at once."""
    pacer = ConnectPacer(0.001, burst=1)
    assert MAILBOX.host is not None
    assert pacer.reserve(MAILBOX.host) == 0.0  # another worker took the turn: next in 1,000 s
    r = run(FakeFolder(7, [1]), pacer=pacer)
    time.sleep(0.5)
    assert r.sources.opened == []
    r.worker.stop()
    r.worker.join(timeout=5)
    assert not r.worker.alive
    assert r.sources.opened == []
