"""Catch-up throughput: MESSAGES messages wait in one IMAP mailbox after an
outage (its cursor at the start of the folder); a watcher on the local stack (Dovecot, the
Firestore emulator for state and claims, the Pub/Sub emulator for events, raw MIME in
memory) drains them, every event acknowledged once (checked).

Timed twice: first thing in the process on the just-started emulators (watcher start →
cursor at the last UID: the language model loaded, the emulators' JVMs still compiling),
then on a second mailbox with everything warm, split at the watcher's first session:
watcher start → session open (lease, mailbox feed, connect, login: a fixed cost), and
session open → cursor at the last UID (the drain). The same, one message at a time, on
SERIAL messages for comparison."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore
from imapclient import IMAPClient

from bench.figures import Figure, figure
from mailingest_dev.devstack import local_services
from mailingest_dev.store_writes import log_writes
from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.memory_sinks import InMemoryBlobStore, InMemorySecretStore
from shared.adapters.pubsub import PubSubEventSink, ensure_topic
from shared.adapters.system_clock import SystemClock
from shared.bootstrap import mail_sources
from shared.domain.models import Mailbox, Provider, Tenant, TlsMode
from shared.ids import MailboxId, TenantId
from shared.ports import LoginCredentials, MailSource, MailSources
from shared.secret_names import password_secret_name
from shared.service.credentials import PasswordCredentialProvider
from shared.service.ingest import IngestPipeline
from shared.service.watcher import Watcher, WatcherOptions

MESSAGES = int(os.environ.get("BENCH_IMAP_CATCHUP_MESSAGES", "2000"))
SERIAL = int(os.environ.get("BENCH_IMAP_CATCHUP_SERIAL", "300"))
PROJECT = "demo-test"
TENANT = TenantId("catchup")


class CountingSink:
    """Counts the events acknowledged, by event id (a duplicate would show)."""

    def __init__(self, inner: PubSubEventSink) -> None:
        self.inner = inner
        self.event_ids: list[str] = []
        self._lock = threading.Lock()

    def publish(self, data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> str:
        return self.submit(data, ordering_key, attributes)()

    def submit(
        self, data: bytes, ordering_key: str, attributes: Mapping[str, str]
    ) -> Callable[[], str]:
        settle = self.inner.submit(data, ordering_key, attributes)

        def settled() -> str:
            message_id = settle()
            with self._lock:
                self.event_ids.append(attributes["event_id"])
            return message_id

        return settled

    def resume(self, ordering_key: str) -> None:
        self.inner.resume(ordering_key)

    def acknowledged(self) -> int:
        with self._lock:
            return len(self.event_ids)


def last_uid(state: FirestoreStateStore, mailbox: Mailbox) -> object:
    return state.get_cursor(TENANT, mailbox.id).value.get("last_uid")


def raw(i: int) -> bytes:
    return (
        f"From: Hotel <res@hotel.example>\r\nTo: b@agency.example\r\nSubject: Booking {i}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@hotel.example>\r\n\r\nRezervasyon onaylandi.\r\n"
    ).encode()


def waiting_mailbox(
    svc: Any, state: FirestoreStateStore, name: str, count: int
) -> tuple[Mailbox, str]:
    """A mailbox with ``count`` messages waiting above its cursor (as after an outage)."""
    user, password = f"{name}@agency.example", uuid.uuid4().hex
    svc.dovecot.add_user(user, password)
    with IMAPClient("127.0.0.1", port=svc.dovecot.imap_port, ssl=False, timeout=60) as c:
        c.login(user, password)
        for i in range(count):
            c.append("INBOX", raw(i))
        uidvalidity = int(c.select_folder("INBOX")[b"UIDVALIDITY"])
    mailbox = Mailbox(
        tenant_id=TENANT,
        id=MailboxId(name),
        provider=Provider.IMAP,
        address=user,
        host="127.0.0.1",
        port=svc.dovecot.imap_port,
        tls=TlsMode.PLAIN,
        secret_ref=password_secret_name(TENANT, name),
    )
    state.put_mailbox(mailbox)
    start = {"uidvalidity": uidvalidity, "last_uid": 0, "folder": "INBOX"}
    state.compare_and_set_cursor(TENANT, mailbox.id, 0, start)
    return mailbox, password


class TimedSources:
    """The watcher's mail sources, noting when its first session was open (logged in)."""

    def __init__(self, inner: MailSources) -> None:
        self.inner = inner
        self.opened: float | None = None

    def open(self, mailbox: Mailbox, credentials: LoginCredentials) -> MailSource:
        source = self.inner.open(mailbox, credentials)
        if self.opened is None:
            self.opened = time.monotonic()
        return source


@dataclass(frozen=True)
class Drained:
    """Seconds from the watcher's start to its first session open, and from there to the
    cursor at the last message."""

    start_s: float
    drain_s: float

    @property
    def total_s(self) -> float:
        return self.start_s + self.drain_s


def drain(
    state: FirestoreStateStore, waiting: tuple[Mailbox, str], count: int, options: WatcherOptions
) -> Drained:
    """Start a watcher; time it until the cursor is at the last message."""
    mailbox, password = waiting
    secrets = InMemorySecretStore()
    secrets.put_secret(password_secret_name(TENANT, mailbox.id), password)
    topic = f"bench-catchup-{mailbox.id}"
    ensure_topic(PROJECT, topic)
    sink = CountingSink(PubSubEventSink(PROJECT, topic))
    clock = SystemClock()
    holder = f"catchup-{mailbox.id}"
    pipeline = IngestPipeline(state, sink, InMemoryBlobStore(), clock, holder=holder)
    sources = TimedSources(mail_sources(options, allow_private_hosts=True))
    watcher = Watcher(
        state,
        pipeline,
        PasswordCredentialProvider(secrets),
        clock,
        holder=holder,
        sources=sources,
        options=options,
    )
    thread = threading.Thread(target=watcher.run, daemon=True)
    started = time.monotonic()
    thread.start()
    deadline = started + 600
    try:
        # the cursor is read only once every event is acknowledged: reading it 20 times a
        # second all along cost the watcher a tenth of its CPU (the same process, one GIL)
        while time.monotonic() < deadline:
            if sink.acknowledged() >= count and last_uid(state, mailbox) == count:
                break
            time.sleep(0.01 if sink.acknowledged() >= count else 0.05)
        done = time.monotonic()
    finally:
        watcher.stop()
        thread.join(timeout=60)
    if len(sink.event_ids) != count or len(set(sink.event_ids)) != count:
        raise SystemExit(f"catch-up published {len(sink.event_ids)} events for {count} messages")
    opened = sources.opened or started
    return Drained(opened - started, done - opened)


def catchup(svc: Any) -> dict[str, Figure]:
    anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]
    client = firestore.Client(project=PROJECT, credentials=anonymous)
    state = FirestoreStateStore(client, SystemClock())
    state.put_tenant(Tenant(id=TENANT, name="catch-up"))
    options = WatcherOptions()
    load = [os.getloadavg()[0]]
    cold = drain(state, waiting_mailbox(svc, state, "cold", MESSAGES), MESSAGES, options)
    state.delete_mailbox(TENANT, MailboxId("cold"))  # the next watcher sees only its own
    parallel = waiting_mailbox(svc, state, "parallel", MESSAGES)
    load.append(os.getloadavg()[0])
    writes = log_writes(client)
    warm = drain(state, parallel, MESSAGES, options)
    written = len(writes.writes)
    load.append(os.getloadavg()[0])
    state.delete_mailbox(TENANT, parallel[0].id)
    serial = waiting_mailbox(svc, state, "serial", SERIAL)
    slow = drain(state, serial, SERIAL, replace(options, catchup_concurrency=1))
    load.append(os.getloadavg()[0])
    stack = (
        "Dovecot, Firestore and Pub/Sub emulators, raw in memory; each event once (checked); "
        "machine load average "
        + " → ".join(f"{x:.0f}" for x in load)
        + f" on {os.cpu_count()} cores"
    )
    return {
        "imap.catchup_msgs_per_s": figure(
            MESSAGES / warm.drain_s,
            "msgs/s",
            f"{MESSAGES} messages waiting in one mailbox: the watcher's session open → cursor "
            f"at the last, the emulators and the process warm (a first mailbox drained "
            f"before); batches of {options.fetch_batch} (claims and completions in batched "
            f"writes), {options.catchup_concurrency} prepared at once, events submitted in "
            "UID order, the next batch fetched and prepared while one is published and "
            "handed off. Where the time goes (py-spy --gil at 250 Hz over the warm drain, "
            "2026-12-08): the watcher's Python holds the GIL ≈ 0.75 ms a message — "
            "classification 22 %, MIME parsing 10 %, building and committing the claims and "
            "summaries 20 %, the Pub/Sub client's publish 8 %, the IMAP FETCH answer's "
            "parsing 7 %, the rest the steps' glue, health and hand-off; beside it the "
            "Firestore emulator spends ≈ 0.35 ms of CPU per document written (2 a message; "
            "≈ 0.6 ms cold) and the Pub/Sub emulator ≈ 0.15 ms a message, on the same 2 "
            f"cores. The drain is CPU-bound: {stack}",
        ),
        "imap.catchup_start_s": figure(
            warm.start_s,
            "s",
            "the same watcher's start → its first session open (lease, mailbox feed, "
            "connect, login): a fixed cost per watcher start, not per message",
        ),
        "imap.catchup_cold_msgs_per_s": figure(
            MESSAGES / cold.total_s,
            "msgs/s",
            f"{MESSAGES} messages, watcher start → cursor at the last, first thing in the "
            "process on just-started emulators: includes the start, the language model's "
            "load (once per process) and the emulators' JVMs compiling as they go; "
            f"{stack}",
        ),
        "ingest.store_writes_per_message_catchup": figure(
            written / MESSAGES,
            "writes",
            f"documents written to Firestore while the {MESSAGES} messages drained (warm), as "
            "billed (each message's claim and summary, the cursor once per batch, and the "
            "watcher's own lease, heartbeat and health writes), per message",
        ),
        "imap.catchup_serial_msgs_per_s": figure(
            SERIAL / slow.total_s,
            "msgs/s",
            f"the same one message at a time (MAILINGEST_CATCHUP_CONCURRENCY=1), {SERIAL} "
            f"messages, watcher start → cursor at the last; {stack}",
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        with local_services(secretmanager=False, base_dir=Path(tmp) / "svc") as svc:
            os.environ.update(svc.env())
            os.environ["MAILINGEST_ALLOW_PRIVATE_HOSTS"] = "true"  # Dovecot on loopback
            figures = catchup(svc)
    args.out.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
