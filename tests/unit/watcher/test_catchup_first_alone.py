"""A catch-up batch stages and prepares its first message alone before the pool takes the
others at once: what a step builds on first use (the language model, a tenant's rules) is
built by one thread, not by every thread of the pool together."""

from __future__ import annotations

import threading
from datetime import datetime

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_sinks import InMemoryBlobStore, InMemoryEventSink
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import Mailbox, Provider, Tenant, TlsMode
from shared.ids import MailboxId, TenantId
from shared.ports import SourcePosition
from shared.service.ingest import IngestPipeline, Prepared, Staged
from shared.service.watcher.catchup import CatchUpPool
from tests.unit.watcher.fakes import FakeFolder

MAILBOX = Mailbox(
    tenant_id=TenantId("acme"),
    id=MailboxId("booking"),
    provider=Provider.IMAP,
    address="b@acme.example",
    host="127.0.0.1",
    tls=TlsMode.PLAIN,
)


class RecordingPipeline(IngestPipeline):
    """Records when each message's stage and preparation start and end."""

    def __init__(self, state: InMemoryStateStore, clock: FakeClock) -> None:
        super().__init__(state, InMemoryEventSink(), InMemoryBlobStore(), clock, holder="w1")
        self.steps: list[tuple[str, str, str]] = []  # (step, start|end, provider message id)
        self._lock = threading.Lock()

    def _note(self, step: str, edge: str, pid: str) -> None:
        with self._lock:
            self.steps.append((step, edge, pid))

    def stage(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        raw: bytes,
        *,
        received_at: datetime | None = None,
    ) -> Staged:
        self._note("stage", "start", provider_message_id)
        try:
            return super().stage(mailbox, provider_message_id, raw, received_at=received_at)
        finally:
            self._note("stage", "end", provider_message_id)

    def prepare(self, staged: Staged) -> Prepared:
        self._note("prepare", "start", staged.provider_message_id)
        try:
            return super().prepare(staged)
        finally:
            self._note("prepare", "end", staged.provider_message_id)


def test_the_first_message_of_a_batch_is_staged_and_prepared_before_any_other_starts() -> None:
    clock = FakeClock()
    state = InMemoryStateStore(clock)
    state.put_tenant(Tenant(id=MAILBOX.tenant_id, name="Acme"))
    state.put_mailbox(MAILBOX)
    pipeline = RecordingPipeline(state, clock)
    folder = FakeFolder(7, list(range(1, 21)))
    fetched = folder.fetch_raw(folder.changes_since(SourcePosition(last_uid=0)))
    pool = CatchUpPool(8)
    try:
        batch = pool.prepare(pipeline, MAILBOX, [(f"7/{m.ref.uid}", m) for m in fetched])
    finally:
        pool.close()
    assert sorted(batch.run.prepared) == list(range(20))  # every one claimed and prepared
    for step in ("stage", "prepare"):
        edges = [(edge, pid) for s, edge, pid in pipeline.steps if s == step]
        assert edges[:2] == [("start", "7/1"), ("end", "7/1")], step
        assert len(edges) == 40
