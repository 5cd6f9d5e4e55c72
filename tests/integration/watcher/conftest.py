"""A watcher in-process against the real Dovecot and Firestore emulator."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.memory_sinks import InMemoryBlobStore, InMemoryEventSink, InMemorySecretStore
from shared.adapters.system_clock import SystemClock
from shared.bootstrap import mail_sources
from shared.domain.models import AfterProcessing, Mailbox, Provider, Tenant, TlsMode
from shared.ids import MailboxId, TenantId
from shared.service.admin import Admin
from shared.service.credentials import PasswordCredentialProvider
from shared.service.ingest import IngestPipeline
from shared.service.watcher import Watcher, WatcherOptions

FAST = WatcherOptions(
    idle_refresh_s=30,
    idle_check_s=0.3,
    socket_timeout_s=5,
    lease_ttl_s=3,
    reload_s=0.3,
    backoff_base_s=0.2,
    backoff_max_s=1.0,
    auth_backoff_s=2.0,
    stale_check_s=0.3,
    # these tests watch the cursor move message by message; the replicas (replicas.py) run
    # with the default, a cursor write every 50 messages handed off one at a time
    cursor_every=1,
)


def wait_for(condition: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def message(subject: str, msgid: str | None = None) -> bytes:
    msgid = msgid or f"<{uuid.uuid4().hex}@hotel.example>"
    return (
        f"From: Hotel <res@hotel.example>\r\nTo: booking@agency.example\r\n"
        f"Subject: {subject}\r\nMessage-ID: {msgid}\r\n\r\nRezervasyon onaylandi.\r\n"
    ).encode()


@dataclass
class Rig:
    dovecot: Any
    state: FirestoreStateStore
    sink: InMemoryEventSink
    admin: Admin
    secrets: InMemorySecretStore
    pipeline: IngestPipeline
    user: str
    password: str
    mailbox: Mailbox

    def subjects(self) -> list[str]:
        import json

        return [json.loads(m.data)["subject"] for m in self.sink.messages]

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        from imapclient import IMAPClient

        with IMAPClient("127.0.0.1", port=self.dovecot.imap_port, ssl=False, timeout=10) as c:
            c.login(self.user, self.password)
            c.append(folder, raw)

    def watcher(self, holder: str = "w1", options: WatcherOptions = FAST) -> Watcher:
        # the watcher's pipeline claims under the watcher's own holder name (its lease's)
        pipeline = IngestPipeline(
            self.state, self.sink, InMemoryBlobStore(), SystemClock(), holder=holder
        )
        return Watcher(
            self.state,
            pipeline,
            PasswordCredentialProvider(self.secrets),
            SystemClock(),
            holder=holder,
            sources=mail_sources(options, allow_private_hosts=True),
            options=options,
        )

    def add_mailbox(self, **kw: Any) -> Mailbox:
        fields: dict[str, Any] = {
            "tenant_id": TenantId("acme"),
            "id": MailboxId("booking"),
            "provider": Provider.IMAP,
            "address": self.user,
            "host": "127.0.0.1",
            "port": self.dovecot.imap_port,
            "tls": TlsMode.PLAIN,
            "after_processing": AfterProcessing.LEAVE,
        }
        fields.update(kw)
        password = fields.pop("password", self.password)
        self.mailbox = self.admin.add_mailbox(Mailbox(**fields), password=password, actor="test")
        return self.mailbox


@pytest.fixture
def rig(dovecot: Any, firestore_client: Any) -> Rig:
    clock = SystemClock()
    state = FirestoreStateStore(firestore_client, clock)
    secrets = InMemorySecretStore()
    sink = InMemoryEventSink()
    admin = Admin(state, secrets, clock, allow_private_hosts=True)
    admin.add_tenant("acme", "Acme", actor="test")
    user, password = f"u{uuid.uuid4().hex[:10]}@agency.example", uuid.uuid4().hex
    dovecot.add_user(user, password)
    pipeline = IngestPipeline(state, sink, InMemoryBlobStore(), clock, holder="test")
    return Rig(dovecot, state, sink, admin, secrets, pipeline, user, password, None)  # type: ignore[arg-type]


@pytest.fixture
def running() -> Iterator[Callable[[Watcher], Watcher]]:
    started: list[tuple[Watcher, threading.Thread]] = []

    def start(watcher: Watcher) -> Watcher:
        thread = threading.Thread(target=watcher.run, daemon=True)
        thread.start()
        started.append((watcher, thread))
        return watcher

    yield start
    for watcher, thread in started:
        watcher.stop()
        thread.join(timeout=30)
        assert not thread.is_alive(), "watcher did not stop"


__all__ = ["FAST", "Rig", "Tenant", "message", "wait_for"]
