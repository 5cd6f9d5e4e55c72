"""A POP3 mailbox that keeps MESSAGES messages on the server (Dovecot), its cursor in the
Firestore emulator: the first sync, a poll with nothing new, a poll with one new message —
their time, the cursor reads they cost (counted at the adapter, as billed) and the cursor's
size. The pipeline's claims are kept in memory, so the figures are the cursor's and POP3's."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore

from bench.figures import Figure, figure
from mailingest_dev.devstack import local_services
from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.memory_sinks import InMemoryBlobStore, InMemoryEventSink
from shared.adapters.memory_state import InMemoryStateStore
from shared.adapters.system_clock import SystemClock
from shared.bootstrap import mail_sources
from shared.domain.models import Mailbox, Provider, Tenant, TlsMode
from shared.domain.seen_uidls import SHARDS
from shared.ids import MailboxId, TenantId
from shared.ports import LoginCredentials
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline
from shared.service.watcher.options import WatcherOptions
from shared.service.watcher.pop3_sync import Pop3Sync

MESSAGES = int(os.environ.get("BENCH_POP3_MESSAGES", "50000"))
PROJECT = "demo-test"


class EventCount(InMemoryEventSink):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def publish(self, data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> str:
        self.count += 1
        return str(self.count)


def _raw(i: int) -> bytes:
    return (
        f"From: Hotel Aqua <res@aqua.example>\r\nTo: pop@acme.example\r\n"
        f"Subject: Booking {i}\r\nMessage-ID: <b{i}@aqua.example>\r\n\r\n"
        f"Booking {i} confirmed.\r\n"
    ).encode()


def pop3(svc: Any) -> dict[str, Figure]:
    user, password = f"pop{uuid.uuid4().hex[:8]}@agency.example", uuid.uuid4().hex
    svc.dovecot.add_user(user, password)
    svc.dovecot.fill_maildir(user, (_raw(i) for i in range(MESSAGES)))
    mailbox = Mailbox(
        tenant_id=TenantId("bench"),
        id=MailboxId("pop"),
        provider=Provider.POP3,
        address=user,
        host="127.0.0.1",
        port=svc.dovecot.pop3_port,
        tls=TlsMode.PLAIN,
    )
    clock = SystemClock()
    anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]
    client = firestore.Client(project=PROJECT, credentials=anonymous)
    cursors = FirestoreStateStore(client, clock)
    claims = InMemoryStateStore(clock)
    claims.put_tenant(Tenant(id=mailbox.tenant_id, name="Bench"))
    sink = EventCount()
    pipeline = IngestPipeline(claims, sink, InMemoryBlobStore(), clock, holder="bench")
    sync = Pop3Sync(cursors, pipeline, HealthReporter(claims, clock), clock)
    sources = mail_sources(WatcherOptions(socket_timeout_s=120), allow_private_hosts=True)

    def poll() -> tuple[int, float, int]:
        reads = cursors.reads.total
        started = time.perf_counter()
        source = sources.open(mailbox, LoginCredentials(user, password))
        try:
            handed = sync.sync(source, mailbox)
        finally:
            source.logout()
        return handed, time.perf_counter() - started, cursors.reads.total - reads

    first, first_s, _ = poll()
    idle, idle_s, idle_reads = poll()
    svc.dovecot.fill_maildir(user, [_raw(MESSAGES)])
    one, one_s, one_reads = poll()
    if (first, idle, one, sink.count) != (MESSAGES, 0, 1, MESSAGES + 1):
        raise SystemExit(f"unexpected hand-offs: {first}, {idle}, {one}, {sink.count} events")
    shards = cursors.get_seen_shards(mailbox.tenant_id, mailbox.id, SHARDS)
    size = sum(len(b) for b in shards.values()) + len(
        json.dumps(cursors.get_cursor(mailbox.tenant_id, mailbox.id).model_dump(mode="json"))
    )
    n = f"{MESSAGES:,} messages left on the server"
    return {
        f"pop3.first_sync_{MESSAGES}_s": figure(
            first_s, "s", n + "; all fetched and published (pipeline claims in memory)"
        ),
        f"pop3.poll_{MESSAGES}_s": figure(
            idle_s, "s", n + "; login, UIDL + LIST, nothing new, QUIT"
        ),
        f"pop3.poll_{MESSAGES}_reads": figure(
            idle_reads, "reads", n + "; Firestore reads of a poll with nothing new"
        ),
        f"pop3.poll_{MESSAGES}_one_new_s": figure(one_s, "s", n + "; one new message"),
        f"pop3.poll_{MESSAGES}_one_new_reads": figure(
            one_reads, "reads", n + f"; the cursor and its {SHARDS} shards"
        ),
        f"pop3.cursor_bytes_{MESSAGES}": figure(
            size, "bytes", f"the cursor document and its {len(shards)} shards, as stored"
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        with local_services(secretmanager=False, pubsub=False, base_dir=Path(tmp) / "svc") as svc:
            os.environ.update(svc.env())
            figures = pop3(svc)
    args.out.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
