"""POP3's seen set: a poll with nothing new reads the cursor alone; new mail is handed off
once, the cursor written once a run; mail gone from the server is forgotten; a cursor that
listed its UIDLs is read and rewritten as shards; a failure mid-run keeps what was done; a
small set lives in the cursor document, a large one in shards (every shard written when it
moves there)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_sinks import InMemoryBlobStore, InMemoryEventSink
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain import seen_uidls
from shared.domain.models import Cursor, Mailbox, Provider, Tenant, TlsMode
from shared.domain.seen_uidls import SHARDS, Fingerprint, SeenSet, key_of, pack, unpack
from shared.errors import ServiceUnavailable
from shared.ids import MailboxId, TenantId
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline
from shared.service.watcher import pop3_sync
from shared.service.watcher.pop3_sync import Pop3Sync
from tests.unit.watcher.fakes import FakeFolder

MAILBOX = Mailbox(
    tenant_id=TenantId("acme"),
    id=MailboxId("pop"),
    provider=Provider.POP3,
    address="pop@acme.example",
    host="127.0.0.1",
    tls=TlsMode.PLAIN,
)


class CountingState(InMemoryStateStore):
    """Counts the shard reads and the cursor writes, as billed."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock)
        self.shard_reads = 0
        self.writes: list[list[int]] = []  # the shards of each cursor write

    def get_seen_shards(self, tenant_id: TenantId, mailbox_id: MailboxId, shards: int) -> Any:
        self.shard_reads += 1
        return super().get_seen_shards(tenant_id, mailbox_id, shards)

    def compare_and_set_seen(
        self,
        tenant_id: TenantId,
        mailbox_id: MailboxId,
        expected_version: int,
        value: Mapping[str, Any],
        shards: Mapping[int, bytes],
    ) -> Cursor:
        self.writes.append(sorted(shards))
        return super().compare_and_set_seen(tenant_id, mailbox_id, expected_version, value, shards)


class RefusingSink(InMemoryEventSink):
    refuse: str | None = None

    def publish(self, data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> str:
        if json.loads(data).get("subject") == self.refuse:
            raise ServiceUnavailable("publish refused")
        return super().publish(data, ordering_key, attributes)


@dataclass
class Rig:
    sync: Pop3Sync
    state: CountingState
    sink: RefusingSink
    folder: FakeFolder

    def subjects(self) -> list[str]:
        return [json.loads(m.data)["subject"] for m in self.sink.messages]

    def poll(self) -> int:
        return self.sync.sync(self.folder, MAILBOX)

    def cursor(self) -> Cursor:
        return self.state.get_cursor(MAILBOX.tenant_id, MAILBOX.id)


@pytest.fixture
def rig(monkeypatch: pytest.MonkeyPatch) -> Rig:
    """The shards at work: the sets here are small, so none is kept in the cursor."""
    monkeypatch.setattr(seen_uidls, "INLINE_MAX", 0)
    return _rig()


@pytest.fixture
def small_rig() -> Rig:
    return _rig()


def _rig() -> Rig:
    clock = FakeClock()
    state = CountingState(clock)
    state.put_tenant(Tenant(id=MAILBOX.tenant_id, name="Acme"))
    state.put_mailbox(MAILBOX)
    sink = RefusingSink()
    pipeline = IngestPipeline(state, sink, InMemoryBlobStore(), clock, holder="w1")
    sync = Pop3Sync(state, pipeline, HealthReporter(state, clock), clock)
    return Rig(sync, state, sink, FakeFolder(0, [], idle=False))


def test_a_poll_with_nothing_new_reads_no_shard_and_writes_nothing(rig: Rig) -> None:
    rig.folder.uids.extend(range(1, 31))
    assert rig.poll() == 30
    assert rig.subjects() == [str(u) for u in range(1, 31)]
    assert rig.state.shard_reads == 0  # a first poll: nothing to read
    assert len(rig.state.writes) == 1  # one run, one write
    assert rig.cursor().value == {
        "seen": Fingerprint.of(key_of(str(u)) for u in range(1, 31)).to_value()
    }
    writes = len(rig.state.writes)
    assert rig.poll() == 0
    assert rig.state.shard_reads == 0
    assert len(rig.state.writes) == writes


def test_new_mail_is_handed_off_once_and_only_its_shard_written(rig: Rig) -> None:
    rig.folder.uids.extend(range(1, 31))
    rig.poll()
    rig.folder.deliver(31, doorbell=False)
    assert rig.poll() == 1
    assert rig.state.shard_reads == 1
    assert rig.state.writes[-1] == [key_of("31").shard]
    assert rig.subjects().count("31") == 1
    assert rig.poll() == 0
    assert rig.state.shard_reads == 1  # back to the fingerprint alone
    assert rig.subjects() == [str(u) for u in range(1, 32)]


def test_mail_gone_from_the_server_is_forgotten_once(rig: Rig) -> None:
    rig.folder.uids.extend(range(1, 11))
    rig.poll()
    rig.folder.uids.remove(4)  # deleted by another mail client
    assert rig.poll() == 0
    assert rig.state.writes[-1] == [key_of("4").shard]  # its shard rewritten without it
    writes = len(rig.state.writes)
    assert rig.poll() == 0
    assert len(rig.state.writes) == writes
    shards = rig.state.get_seen_shards(MAILBOX.tenant_id, MAILBOX.id, SHARDS)
    kept = {d for blob in shards.values() for d in unpack(blob)}
    assert kept == {key_of(str(u)).digest for u in (1, 2, 3, 5, 6, 7, 8, 9, 10)}


def test_a_long_catch_up_writes_the_cursor_once_a_run(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pop3_sync, "RUN", 7)
    rig.folder.uids.extend(range(1, 31))
    assert rig.poll() == 30
    assert len(rig.state.writes) == 5  # 7 + 7 + 7 + 7 + 2
    assert rig.cursor().value["seen"]["count"] == 30


def test_a_cursor_that_listed_its_uidls_is_read_and_rewritten_as_shards(rig: Rig) -> None:
    rig.state.compare_and_set_cursor(
        MAILBOX.tenant_id, MAILBOX.id, 0, {"seen_uidls": ["1", "2", "3", "gone"]}
    )
    rig.folder.uids.extend([1, 2, 3, 4])
    assert rig.poll() == 1
    assert rig.subjects() == ["4"]
    assert sorted(rig.state.writes[-1]) == list(range(SHARDS))  # every shard written
    assert "seen_uidls" not in rig.cursor().value
    assert rig.cursor().value["seen"]["count"] == 4
    assert rig.poll() == 0


def test_a_failure_mid_run_keeps_what_was_done_and_the_next_poll_goes_on(rig: Rig) -> None:
    rig.folder.uids.extend(range(1, 11))
    rig.sink.refuse = "6"
    with pytest.raises(ServiceUnavailable):
        rig.poll()
    assert rig.subjects() == ["1", "2", "3", "4", "5"]
    assert rig.cursor().value["seen"]["count"] == 5
    assert rig.folder.after_actions == [1, 2, 3, 4, 5]
    rig.sink.refuse = None
    assert rig.poll() == 5
    assert rig.subjects() == [str(u) for u in range(1, 11)]


def test_a_crash_between_cursor_writes_refetches_the_run_without_a_second_event(
    rig: Rig,
) -> None:
    rig.folder.uids.extend(range(1, 6))
    rig.poll()
    # a replica killed after publishing, before its cursor write: the stored cursor is older
    rig.state.compare_and_set_seen(
        MAILBOX.tenant_id, MAILBOX.id, rig.cursor().version, {"seen": {}}, {}
    )
    assert rig.poll() == 5  # handed off again (fetched) ...
    assert rig.subjects() == [str(u) for u in range(1, 6)]  # ... but duplicates, no event


def test_seen_set_shards_pack_sorted_and_refuse_a_torn_shard() -> None:
    keys = {str(u): key_of(str(u)) for u in range(100)}
    seen = SeenSet((), keys, all_dirty=False)
    for k in keys.values():
        seen.add(k)
    shards = seen.dirty_shards()
    assert sum(len(b) for b in shards.values()) == 100 * 8
    assert all(b == pack(unpack(b)) for b in shards.values())
    assert len(seen) == 100
    assert seen.fingerprint() == Fingerprint.of(keys.values())
    with pytest.raises(ValueError, match="not a run"):
        unpack(b"\x00" * 9)


def _kept(rig: Rig) -> set[bytes]:
    shards = rig.state.get_seen_shards(MAILBOX.tenant_id, MAILBOX.id, SHARDS)
    return {d for blob in shards.values() for d in unpack(blob)}


def test_a_small_set_is_kept_in_the_cursor_one_document_a_run(small_rig: Rig) -> None:
    rig = small_rig
    rig.folder.uids.extend(range(1, 31))
    assert rig.poll() == 30
    assert rig.state.writes == [[]]  # the cursor alone: no shard
    assert rig.cursor().value["seen"]["count"] == 30
    assert "inline" in rig.cursor().value["seen"]
    assert rig.poll() == 0
    rig.folder.deliver(31, doorbell=False)
    assert rig.poll() == 1
    assert (rig.state.writes, rig.state.shard_reads) == ([[], []], 0)
    assert rig.poll() == 0
    assert rig.subjects() == [str(u) for u in range(1, 32)]


def test_a_set_that_outgrows_the_cursor_moves_to_the_shards_and_back(
    small_rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig = small_rig
    monkeypatch.setattr(seen_uidls, "INLINE_MAX", 20)
    rig.folder.uids.extend(range(1, 16))
    rig.poll()
    rig.folder.uids.extend(range(16, 26))  # 25: past the limit
    assert rig.poll() == 10
    assert rig.state.writes[-1] == list(range(SHARDS))  # every shard, stale ones overwritten
    assert "inline" not in rig.cursor().value["seen"]
    assert _kept(rig) == {key_of(str(u)).digest for u in range(1, 26)}
    rig.folder.deliver(26, doorbell=False)
    assert rig.poll() == 1
    assert rig.state.writes[-1] == [key_of("26").shard]  # then only the shard that changed
    del rig.folder.uids[:10]  # 16 left on the server: back in the cursor
    assert rig.poll() == 0
    assert rig.state.writes[-1] == []
    assert rig.cursor().value["seen"]["count"] == 16
    rig.folder.deliver(27, doorbell=False)
    reads = rig.state.shard_reads
    assert rig.poll() == 1
    assert rig.state.shard_reads == reads  # the stale shards are not read
    assert rig.subjects() == [str(u) for u in range(1, 28)]  # each once


def test_a_torn_inline_set_is_refused() -> None:
    with pytest.raises(ValueError, match="base64"):
        seen_uidls.inline_digests({"seen": {"inline": "not base64!"}})
    with pytest.raises(ValueError, match="not a run"):
        seen_uidls.inline_digests({"seen": {"inline": "AAAA"}})
