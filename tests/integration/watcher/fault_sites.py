"""One "site" per fault scenario (``test_faults_seen.py``): a deployment of its own on the
shared emulators and Dovecot — its own Firestore project (so its watcher sees only its own
mailbox), Pub/Sub topic, Dovecot user and mailbox — with the watcher as the container runs it,
in a child process (so it can be SIGKILLed), optionally behind loopback proxies that take
Pub/Sub down or freeze Firestore for it; a stream of mail into the mailbox; and a reader
that polls what ``mailingest health --json`` prints for the mailbox."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore
from imapclient import IMAPClient

from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.secrets import FernetFileStore
from shared.adapters.system_clock import SystemClock
from shared.cli.health_cmds import health_rows, read_within
from shared.config import WatcherSettings
from shared.domain.models import AfterProcessing, Mailbox, Provider, TlsMode
from shared.errors import ServiceUnavailable
from shared.ids import MailboxId, TenantId
from shared.service.admin import Admin
from tests.fakes.raw_subscription import RawSubscription
from tests.fakes.tcp_proxy import TcpProxy
from tests.integration.watcher.conftest import message

TENANT = TenantId("acme")
# what the watcher image runs (shared/watcher_main.py) minus its /healthz listener, which
# binds every interface: the tests stay on loopback
_WATCHER = """
import signal
from shared.bootstrap import build_app, build_watcher
from shared.observability import configure_logging
from shared.service.watcher import WatcherOptions

app = build_app()
configure_logging(app.settings.log_level)
watcher = build_watcher(app, WatcherOptions.from_settings(app.settings.watcher))
signal.signal(signal.SIGTERM, lambda *_: watcher.stop())
watcher.run()
"""


def firestore_at(host: str, project: str) -> firestore.Client:
    """A client of the emulator at ``host`` (a proxy's address, or the emulator's)."""
    client = firestore.Client(project=project, credentials=AnonymousCredentials())
    client._emulator_host = host  # read when its channel is made, on first use
    return client


@dataclass(frozen=True)
class Reading:
    """One look at the mailbox's health row (``row``), or the reader's "store unreachable"
    (``unreachable``); ``at``: monotonic seconds; ``took``: how long the answer took;
    ``cursor``: the mailbox's last handed-off UID, read just after (-1: not read)."""

    at: float
    took: float
    wall: datetime
    row: dict[str, Any] | None = None
    unreachable: str = ""
    cursor: int = -1

    @property
    def state(self) -> str:
        return str(self.row["state"]) if self.row else "store unreachable (reader)"


@dataclass
class Site:
    """One deployment of its own: tenant ``acme`` with one IMAP mailbox (``booking``) on a
    new Dovecot user, in the Firestore project ``faults-<name>-…`` with the topic
    ``events-…``; the watcher's store and Pub/Sub through the given proxies (if any), the
    reader's store through the same one as the watcher's (``state``); ``direct``: the store
    without any proxy, for the test's own reads."""

    name: str
    dovecot: Any
    emulators: dict[str, str]  # FIRESTORE_EMULATOR_HOST, PUBSUB_EMULATOR_HOST
    logs: Path
    firestore_proxy: TcpProxy | None = None
    pubsub_proxy: TcpProxy | None = None
    project: str = field(init=False)
    topic: str = field(init=False)
    mailbox: Mailbox = field(init=False)
    readings: list[Reading] = field(default_factory=list)
    _proc: subprocess.Popen[bytes] | None = None
    _files: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)

    def __post_init__(self) -> None:
        suffix = uuid.uuid4().hex[:6]
        self.project, self.topic = f"faults-{self.name}-{suffix}", f"events-{suffix}"
        self.user, self.password = f"{self.name}{suffix}@agency.example", uuid.uuid4().hex
        self.dovecot.add_user(self.user, self.password)
        self._secrets = (self.logs / f"{self.name}-secrets.json", Fernet.generate_key().decode())
        clock = SystemClock()
        self.direct = FirestoreStateStore(
            firestore_at(self.emulators["FIRESTORE_EMULATOR_HOST"], self.project), clock
        )
        # what an operator's reader sees: the store as the watcher reaches it
        self.state = FirestoreStateStore(firestore_at(self.firestore_host, self.project), clock)
        admin = Admin(self.direct, FernetFileStore(*self._secrets), clock, allow_private_hosts=True)
        admin.add_tenant(TENANT, "Acme", actor="test")
        self.mailbox = admin.add_mailbox(
            Mailbox(
                tenant_id=TENANT,
                id=MailboxId("booking"),
                provider=Provider.IMAP,
                address=self.user,
                host="127.0.0.1",
                port=self.dovecot.imap_port,
                tls=TlsMode.PLAIN,
                after_processing=AfterProcessing.LEAVE,
            ),
            password=self.password,
            actor="test",
        )
        self.raw = RawSubscription(self.project, self.topic)  # every copy from here on

    @property
    def firestore_host(self) -> str:
        proxy = self.firestore_proxy
        return proxy.address if proxy else self.emulators["FIRESTORE_EMULATOR_HOST"]

    # -- the watcher ----------------------------------------------------------------------
    def start_watcher(self) -> None:
        pubsub = self.pubsub_proxy
        pubsub_host = pubsub.address if pubsub else self.emulators["PUBSUB_EMULATOR_HOST"]
        env = {
            **os.environ,
            "PYTHONPATH": str(Path.cwd()),
            "GOOGLE_CLOUD_PROJECT": self.project,
            "FIRESTORE_EMULATOR_HOST": self.firestore_host,
            "PUBSUB_EMULATOR_HOST": pubsub_host,
            "MAILINGEST_STATE_BACKEND": "firestore",
            "MAILINGEST_EVENTS_BACKEND": "pubsub",
            "MAILINGEST_EVENTS_TOPIC": self.topic,
            "MAILINGEST_SECRETS_BACKEND": "file",
            "MAILINGEST_SECRETS_FILE": str(self._secrets[0]),
            "MAILINGEST_SECRETS_KEY": self._secrets[1],
            "MAILINGEST_BLOBS_BACKEND": "memory",
            "MAILINGEST_ALLOW_PRIVATE_HOSTS": "true",
            "MAILINGEST_WORKER_ID": f"watcher-{self.name}",
            "MAILINGEST_LOG_LEVEL": "INFO",
        }
        log = self._files.enter_context((self.logs / f"{self.name}-watcher.log").open("ab"))
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _WATCHER],
            env=env,
            stdout=log,  # JSON log lines (Cloud Logging reads stdout)
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill_watcher(self) -> None:
        """SIGKILL: no goodbye, nothing flushed; the lease and heartbeat left to lapse."""
        proc, self._proc = self._proc, None
        assert proc is not None
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)

    def stop_watcher(self) -> int | None:
        """SIGTERM, as the platform stops it (its counters flushed): its exit code."""
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            return proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            return None

    def close(self) -> None:
        self.stop_watcher()
        self._files.close()

    # -- the mail -------------------------------------------------------------------------
    def drop(self, count: int, prefix: str) -> list[str]:
        """``count`` messages delivered at once: written into the Maildir's tmp/ first, then
        all renamed into new/ (as a local delivery agent does, in well under a second)."""
        maildir = self.dovecot.maildir(self.user)
        subjects = [f"{prefix}-{i:05d}" for i in range(count)]
        names = [f"{int(time.time())}.M{i}P{os.getpid()}.{prefix}" for i in range(count)]
        for name, subject in zip(names, subjects, strict=True):
            (maildir / "tmp" / name).write_bytes(message(subject))
            os.chown(maildir / "tmp" / name, 65534, 65534)  # Dovecot's user (the fixture's)
        for name in names:
            os.rename(maildir / "tmp" / name, maildir / "new" / name)
        return subjects

    def server_last_uid(self) -> int:
        with IMAPClient("127.0.0.1", port=self.dovecot.imap_port, ssl=False, timeout=10) as c:
            c.login(self.user, self.password)
            c.select_folder("INBOX", readonly=True)
            uids = c.search(["ALL"])
        return max(uids, default=0)

    # -- what an operator sees ------------------------------------------------------------
    def read(self) -> Reading:
        """The mailbox's row of ``mailingest health --json``, through the same functions
        (``health_rows`` within ``read_within``'s bound), with the cursor beside it."""
        start, wall = time.monotonic(), datetime.now(UTC)
        idle_refresh_s = WatcherSettings.idle_refresh_s
        try:
            rows = read_within(lambda: health_rows(self.state, SystemClock().now(), idle_refresh_s))
        except ServiceUnavailable as exc:
            return Reading(start, time.monotonic() - start, wall, unreachable=str(exc))
        took = time.monotonic() - start
        row = next(r for r in rows if r["mailbox"] == self.mailbox.id)
        with contextlib.suppress(ServiceUnavailable):
            cursor = self.direct.get_cursor(TENANT, self.mailbox.id).value.get("last_uid", 0)
            return Reading(start, took, wall, row, cursor=int(cursor))
        return Reading(start, took, wall, row)

    @contextlib.contextmanager
    def reading(self, every_s: float = 0.5) -> Iterator[None]:
        """Look every ``every_s`` seconds, into ``readings``, while inside."""
        stop = threading.Event()

        def run() -> None:
            for _ in range(100_000):  # bounded
                if stop.is_set():
                    return
                self.readings.append(self.read())
                stop.wait(every_s)

        thread = threading.Thread(target=run, name=f"reader-{self.name}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=15)

    def first(self, since: float, what: Callable[[Reading], bool]) -> Reading | None:
        return next((r for r in list(self.readings) if r.at >= since and what(r)), None)

    def wait(self, what: Callable[[Reading], bool], since: float, timeout: float) -> Reading | None:
        """The first reading from ``since`` on that shows ``what``, waited for up to
        ``timeout`` seconds from ``since`` (None: it did not show)."""
        while time.monotonic() < since + timeout:
            if (found := self.first(since, what)) is not None:
                return found
            time.sleep(0.2)
        return self.first(since, what)


class Stream:
    """A message every ``every_s`` into the site's mailbox, on one IMAP connection, until
    stopped; ``sent``: their subjects."""

    def __init__(self, site: Site, every_s: float = 0.3) -> None:
        self.sent: list[str] = []
        self._site, self._every = site, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"mail-{site.name}", daemon=True)

    def __enter__(self) -> Stream:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        site = self._site
        with IMAPClient("127.0.0.1", port=site.dovecot.imap_port, ssl=False, timeout=10) as c:
            c.login(site.user, site.password)
            for n in range(2000):  # bounded
                if self._stop.wait(self._every):
                    return
                subject = f"{site.name}-{n:04d}"
                c.append("INBOX", message(subject))
                self.sent.append(subject)
