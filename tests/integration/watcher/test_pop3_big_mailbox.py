"""A POP3 mailbox that keeps everything on the server: 50,000 messages in Dovecot, the cursor
in the Firestore emulator. The first sync publishes every message once; a second poll
publishes none and reads the cursor document alone; a new message is published once; a
message deleted on the server is forgotten. (The pipeline's own claims are kept in memory
here — the cursor is what is under test; the pipeline on Firestore is tested elsewhere.)"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from mailingest_dev.devstack.dovecot import Dovecot
from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.memory_sinks import InMemoryBlobStore, InMemoryEventSink
from shared.adapters.memory_state import InMemoryStateStore
from shared.adapters.system_clock import SystemClock
from shared.bootstrap import mail_sources
from shared.domain.models import Mailbox, Provider, Tenant, TlsMode
from shared.domain.seen_uidls import SHARDS
from shared.ids import MailboxId, TenantId
from shared.ports import LoginCredentials, MailSource
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline
from shared.service.watcher.options import WatcherOptions
from shared.service.watcher.pop3_sync import Pop3Sync

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(900)]

MESSAGES = 50_000


def big_mailbox(n: int) -> Iterator[bytes]:
    for i in range(n):
        yield (
            f"From: Hotel Aqua <res@aqua.example>\r\nTo: pop@acme.example\r\n"
            f"Subject: Booking {i}\r\nMessage-ID: <b{i}@aqua.example>\r\n\r\n"
            f"Booking {i} confirmed.\r\n"
        ).encode()


class EventIds(InMemoryEventSink):
    """Keeps each event's id only (50,000 whole events are ≈ 75 MB)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def publish(self, data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> str:
        self.ids.append(json.loads(data)["id"])
        return str(len(self.ids))


class CountingCursors(FirestoreStateStore):
    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.shard_reads = 0

    def get_seen_shards(self, tenant_id: TenantId, mailbox_id: MailboxId, shards: int) -> Any:
        self.shard_reads += 1
        return super().get_seen_shards(tenant_id, mailbox_id, shards)


def test_a_pop3_mailbox_of_50000_messages_left_on_the_server(
    dovecot: Dovecot, firestore_client: Any
) -> None:
    user, password = f"big{uuid.uuid4().hex[:8]}@agency.example", uuid.uuid4().hex
    dovecot.add_user(user, password)
    assert dovecot.fill_maildir(user, big_mailbox(MESSAGES)) == MESSAGES
    mailbox = Mailbox(
        tenant_id=TenantId("acme"),
        id=MailboxId("pop"),
        provider=Provider.POP3,
        address=user,
        host="127.0.0.1",
        port=dovecot.pop3_port,
        tls=TlsMode.PLAIN,
    )
    clock = SystemClock()
    cursors = CountingCursors(firestore_client, clock)
    claims = InMemoryStateStore(clock)
    claims.put_tenant(Tenant(id=mailbox.tenant_id, name="Acme"))
    sink = EventIds()
    pipeline = IngestPipeline(claims, sink, InMemoryBlobStore(), clock, holder="w1")
    sync = Pop3Sync(cursors, pipeline, HealthReporter(claims, clock), clock)
    sources = mail_sources(WatcherOptions(socket_timeout_s=60), allow_private_hosts=True)

    def poll() -> int:
        source: MailSource = sources.open(mailbox, LoginCredentials(user, password))
        try:
            return sync.sync(source, mailbox)
        finally:
            source.logout()

    assert poll() == MESSAGES
    assert len(sink.ids) == len(set(sink.ids)) == MESSAGES
    cursor = cursors.get_cursor(mailbox.tenant_id, mailbox.id)
    assert cursor.value["seen"]["count"] == MESSAGES
    shards = cursors.get_seen_shards(mailbox.tenant_id, mailbox.id, SHARDS)
    assert sum(len(b) for b in shards.values()) == MESSAGES * 8  # ≈ 25 KB a shard

    cursors.shard_reads = 0
    assert poll() == 0
    assert cursors.shard_reads == 0  # nothing new: the cursor document alone
    assert len(sink.ids) == MESSAGES

    dovecot.fill_maildir(user, [b"Subject: one more\r\nMessage-ID: <new@x>\r\n\r\nhi\r\n"])
    assert poll() == 1
    assert len(sink.ids) == len(set(sink.ids)) == MESSAGES + 1
    assert poll() == 0
    assert cursors.get_cursor(mailbox.tenant_id, mailbox.id).value["seen"]["count"] == (
        MESSAGES + 1
    )

    gone = sorted((dovecot.maildir(user) / "cur").iterdir())[0]
    gone.unlink()  # deleted by another mail client
    assert poll() == 0
    assert cursors.get_cursor(mailbox.tenant_id, mailbox.id).value["seen"]["count"] == MESSAGES
    assert len(sink.ids) == MESSAGES + 1
