"""IMAP watcher figures, measured against the real Dovecot and Pub/Sub emulator in
one run: the server's own notification floor (a bare imapclient idler), the end-to-end IDLE
latency (APPEND returning → event read back from Pub/Sub), the watcher's own share (EXISTS
received → event published), the same messages through a 60 s poller, and how many IDLE
connections one watcher process holds, at what memory and CPU."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from imapclient import IMAPClient

from bench.figures import Figure, figure, percentile
from bench.scale_dovecot import PER_USER, folder_of, make_folders, raise_kernel_limits, users_for
from mailingest_dev.devstack import local_services
from shared.adapters.memory_sinks import InMemoryBlobStore, InMemorySecretStore
from shared.adapters.memory_state import InMemoryStateStore
from shared.adapters.pubsub import EventTail, PubSubEventSink, ensure_topic
from shared.adapters.system_clock import SystemClock
from shared.bootstrap import mail_sources
from shared.domain.models import Mailbox, MailboxState, Provider, Tenant, TlsMode
from shared.ids import MailboxId, TenantId
from shared.secret_names import password_secret_name
from shared.service.credentials import PasswordCredentialProvider
from shared.service.ingest import IngestPipeline
from shared.service.watcher import Watcher, WatcherOptions

MESSAGES = int(os.environ.get("BENCH_IMAP_MESSAGES", "200"))
# the capacity target; the local Dovecot then runs 10,000 processes (≈ 9 GB): set fewer on a
# smaller machine
SCALE = int(os.environ.get("BENCH_IMAP_MAILBOXES", "10000"))
LEASES = int(os.environ.get("BENCH_IMAP_LEASES", "1000"))
LATENCY_SAMPLES = int(os.environ.get("BENCH_IMAP_SCALE_SAMPLES", "200"))
# new connections per second to the local Dovecot (production defaults: WatcherOptions)
# 100/s: faster, this machine's Dovecot spawning its processes drops logins
CONNECT_RATE = float(os.environ.get("BENCH_IMAP_CONNECT_RATE", "100"))
# how long the idle CPU is measured over: a whole IDLE refresh period (and so five of the
# server's 2-minute keep-alives), so every mailbox's periodic work is in the figure
IDLE_WINDOW_S = float(
    os.environ.get("BENCH_IMAP_IDLE_S", str(WatcherOptions().idle_refresh_s + 30))
)
# how often the bench reads every mailbox's health while waiting for all to be in IDLE: one
# look costs ~50 µs a mailbox and holds the interpreter, so at 10,000 a look every second was
# half a core taken from the watcher it measures (connect figures are to within this)
IDLE_LOOK_S = max(1.0, SCALE / 1000)
POLL_S = 60  # the poller the IDLE latency is compared with (today's system)
PROJECT = "demo-test"


def pct(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0..100)."""
    return percentile(values, q / 100)


def raw(subject: str) -> bytes:
    return (
        f"From: Hotel <res@hotel.example>\r\nTo: b@agency.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@hotel.example>\r\n\r\nRezervasyon onaylandi.\r\n"
    ).encode()


class TimingSink:
    """Records when each event's publish returned, and the doorbell that led to it."""

    def __init__(self, inner: PubSubEventSink) -> None:
        self.inner = inner
        self.worker: Any = None
        self.published: dict[str, tuple[float, float | None]] = {}

    def publish(self, data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> str:
        message_id = self.inner.publish(data, ordering_key, attributes)
        subject = json.loads(data)["subject"]
        doorbell = self.worker.last_doorbell_mono if self.worker is not None else None
        self.published[subject] = (time.monotonic(), doorbell)
        return message_id

    def submit(
        self, data: bytes, ordering_key: str, attributes: Mapping[str, str]
    ) -> Callable[[], str]:
        message_id = self.publish(data, ordering_key, attributes)
        return lambda: message_id

    def resume(self, ordering_key: str) -> None:
        self.inner.resume(ordering_key)


def server_floor(dovecot: Any, user: str, password: str, n: int = 30) -> float:
    """APPEND returning → a bare imapclient idler sees EXISTS."""
    samples = []
    with (
        IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False, timeout=30) as idler,
        IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False, timeout=30) as sender,
    ):
        idler.login(user, password)
        sender.login(user, password)
        idler.select_folder("INBOX", readonly=True)
        for i in range(n):
            idler.idle()
            sender.append("INBOX", raw(f"floor {i}"))
            appended = time.monotonic()
            deadline = appended + 10
            while time.monotonic() < deadline:
                if any(r[1:2] == (b"EXISTS",) for r in idler.idle_check(timeout=1)):
                    samples.append((time.monotonic() - appended) * 1000)
                    break
            idler.idle_done()
    return statistics.median(samples)


def latency(svc: Any) -> dict[str, Figure]:
    dovecot = svc.dovecot
    floor_user, floor_password = "floor@agency.example", uuid.uuid4().hex
    dovecot.add_user(floor_user, floor_password)
    floor = server_floor(dovecot, floor_user, floor_password)
    user, password = "bench@agency.example", uuid.uuid4().hex  # a mailbox of its own
    dovecot.add_user(user, password)
    clock = SystemClock()
    state = InMemoryStateStore(clock)
    state.put_tenant(Tenant(id=TenantId("bench"), name="bench"))
    secrets = InMemorySecretStore()
    for mid in ("idle", "poll"):
        secrets.put_secret(password_secret_name("bench", mid), password)
    common: dict[str, Any] = {
        "tenant_id": TenantId("bench"),
        "provider": Provider.IMAP,
        "address": user,
        "host": "127.0.0.1",
        "port": dovecot.imap_port,
        "tls": TlsMode.PLAIN,
    }
    # the poller watches a second folder that receives the same messages
    idle_ref, poll_ref = (
        password_secret_name("bench", "idle"),
        password_secret_name("bench", "poll"),
    )
    state.put_mailbox(Mailbox(id=MailboxId("idle"), secret_ref=idle_ref, **common))
    state.put_mailbox(
        Mailbox(
            id=MailboxId("poll"),
            folder="Poll",
            idle=False,
            poll_interval_s=POLL_S,
            secret_ref=poll_ref,
            **common,
        )
    )
    with IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False, timeout=30) as c:
        c.login(user, password)
        c.create_folder("Poll")
    topic = "bench-events"
    ensure_topic(PROJECT, topic)
    tail = EventTail(
        PROJECT, topic, "bench-events-sub", emulator_host=os.environ["PUBSUB_EMULATOR_HOST"]
    )
    list(tail.iter(timeout_s=0.3))
    sink = TimingSink(PubSubEventSink(PROJECT, topic))
    pipeline = IngestPipeline(state, sink, InMemoryBlobStore(), clock, holder="bench")
    options = WatcherOptions(idle_check_s=1.0, reload_s=0.5)
    watcher = Watcher(
        state,
        pipeline,
        PasswordCredentialProvider(secrets),
        clock,
        holder="bench",
        sources=mail_sources(options, allow_private_hosts=True),
        options=options,
    )
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        health = state.get_health(TenantId("bench"), MailboxId("idle"), clock.now())
        worker = watcher._workers.get("bench/idle")
        if worker is not None and health.state is MailboxState.IDLE:
            sink.worker = worker
            break
        time.sleep(0.1)
    appended: dict[str, float] = {}
    received: dict[str, float] = {}

    reader_end = [0.0]

    deliveries = [0]

    def read_events() -> None:
        for data, _ in tail.iter(timeout_s=2 * POLL_S + 60):
            deliveries[0] += 1
            received.setdefault(json.loads(data)["subject"], time.monotonic())
            if len(received) >= 2 * MESSAGES:
                break
        reader_end[0] = time.monotonic()

    reader = threading.Thread(target=read_events, daemon=True)
    reader.start()
    spacing = POLL_S / MESSAGES  # arrivals spread over one poll period
    with IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False, timeout=30) as c:
        c.login(user, password)
        for i in range(MESSAGES):
            for folder in ("INBOX", "Poll"):
                subject = f"{folder} {i}"
                c.append(folder, raw(subject))
                appended[subject] = time.monotonic()
            time.sleep(spacing)
    reader.join(timeout=2 * POLL_S + 70)
    watcher.stop()
    thread.join(timeout=30)
    idle = [
        (received[s] - appended[s]) * 1000
        for s in appended
        if s.startswith("INBOX") and s in received
    ]
    polled = [
        (received[s] - appended[s]) * 1000
        for s in appended
        if s.startswith("Poll") and s in received
    ]
    own = [
        (done - bell) * 1000
        for s, (done, bell) in sink.published.items()
        if s.startswith("INBOX") and bell is not None and done >= bell
    ]
    missing = sorted(s for s in appended if s not in received)
    if missing:
        t0 = min(appended.values())
        published = {s: round(sink.published[s][0] - t0, 1) for s in missing if s in sink.published}
        print(
            "not received:",
            missing[:20],
            "published at (s):",
            published,
            "reader ended at:",
            round(reader_end[0] - t0, 1),
            flush=True,
        )
    n = f"{len(idle)} of {MESSAGES} messages; {deliveries[0]} deliveries for {len(received)} events"
    return {
        "imap.server_notify_ms_p50": figure(
            floor,
            "ms",
            "APPEND returning → bare imapclient idler sees EXISTS (Dovecot's floor), 30 deliveries",
        ),
        "imap.idle_latency_ms_p50": figure(
            pct(idle, 50), "ms", f"APPEND → event read from the Pub/Sub emulator, {n}"
        ),
        "imap.idle_latency_ms_p99": figure(
            pct(idle, 99), "ms", f"APPEND → event read from the Pub/Sub emulator, {n}"
        ),
        "imap.overhead_ms_p50": figure(
            pct(own, 50),
            "ms",
            f"watcher's own share: EXISTS received → event published, {len(own)} messages",
        ),
        "imap.overhead_ms_p99": figure(
            pct(own, 99),
            "ms",
            f"watcher's own share: EXISTS received → event published, {len(own)} messages",
        ),
        "imap.poll_latency_ms_p50": figure(
            pct(polled, 50),
            "ms",
            f"same messages through a {POLL_S} s poller (today's system), {len(polled)} messages",
        ),
    }


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class KeyTimingSink:
    """Keeps the events (in memory) and when the first publish for each mailbox returned."""

    def __init__(self) -> None:
        self.published: dict[str, float] = {}
        self._lock = threading.Lock()

    def publish(self, data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> str:
        with self._lock:
            self.published.setdefault(ordering_key, time.monotonic())
            return f"m{len(self.published)}"

    def submit(
        self, data: bytes, ordering_key: str, attributes: Mapping[str, str]
    ) -> Callable[[], str]:
        message_id = self.publish(data, ordering_key, attributes)
        return lambda: message_id

    def resume(self, ordering_key: str) -> None:
        """Nothing is ever paused here."""


def latency_at_scale(
    dovecot: Any, watcher: Watcher, sink: KeyTimingSink, users: list[str], password: str
) -> tuple[list[float], list[float]]:
    """One message at a time to a mailbox picked at random while every mailbox is connected:
    the watcher's own share (its EXISTS → the sink) and the whole way (APPEND → the sink)."""
    picks = random.Random(15).sample(range(SCALE), min(LATENCY_SAMPLES, SCALE))
    own: list[float] = []
    total: list[float] = []
    sessions: dict[str, IMAPClient] = {}
    try:
        for i in picks:
            user, key = users[i // PER_USER], f"scale/m{i:05d}"
            if user not in sessions:
                sessions[user] = IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False)
                sessions[user].login(user, password)
            sessions[user].append(folder_of(i), raw(f"at scale {i}"))
            appended = time.monotonic()
            deadline = appended + 30
            while key not in sink.published and time.monotonic() < deadline:
                time.sleep(0.002)
            worker = watcher._workers.get(key)
            bell = worker.last_doorbell_mono if worker is not None else None
            if key in sink.published and bell is not None:
                own.append((sink.published[key] - bell) * 1000)
                total.append((sink.published[key] - appended) * 1000)
            time.sleep(0.05)
    finally:
        for session in sessions.values():
            session.logout()
    return own, total


def scale(base: Path) -> dict[str, Figure]:
    from mailingest_dev.devstack import start_dovecot

    inotify = raise_kernel_limits(SCALE)
    dovecot = start_dovecot(base / "scale-dovecot", max_connections=SCALE + 50)
    try:
        password = uuid.uuid4().hex
        users = users_for(SCALE)
        for user in users:
            dovecot.add_user(user, password)
        make_folders(dovecot, users, password, SCALE)
        clock = SystemClock()
        state = InMemoryStateStore(clock)
        state.put_tenant(Tenant(id=TenantId("scale"), name="scale"))
        secrets = InMemorySecretStore()
        for i in range(SCALE):
            secrets.put_secret(password_secret_name("scale", f"m{i:05d}"), password)
            state.put_mailbox(
                Mailbox(
                    tenant_id=TenantId("scale"),
                    id=MailboxId(f"m{i:05d}"),
                    provider=Provider.IMAP,
                    address=users[i // PER_USER],
                    host="127.0.0.1",
                    port=dovecot.imap_port,
                    tls=TlsMode.PLAIN,
                    secret_ref=password_secret_name("scale", f"m{i:05d}"),
                    folder=folder_of(i),
                )
            )
        sink = KeyTimingSink()

        options = WatcherOptions(
            idle_check_s=5.0,
            reload_s=1.0,
            max_connections_per_server=SCALE + 50,
            # the local Dovecot's pace: its auth service times out logins under a burst
            # (../shared/handbook/local-services.md); production servers have their own
            server_connect_rates={"127.0.0.1": CONNECT_RATE},
            connect_burst=50,
        )

        def start_watcher(holder: str) -> tuple[Watcher, threading.Thread]:
            watcher = Watcher(
                state,
                IngestPipeline(state, sink, InMemoryBlobStore(), clock, holder=holder),
                PasswordCredentialProvider(secrets),
                clock,
                holder=holder,
                sources=mail_sources(options, allow_private_hosts=True),
                options=options,
            )
            thread = threading.Thread(target=watcher.run, daemon=True)
            thread.start()
            return watcher, thread

        def all_idle(since: datetime) -> tuple[int, float]:
            """Mailboxes in IDLE on a connection made after ``since``, and the seconds from
            ``since`` until all were."""
            idle = 0
            started = time.monotonic() - (clock.now() - since).total_seconds()
            deadline = started + 600
            while time.monotonic() < deadline:
                now = clock.now()
                healths = [
                    state.get_health(m.tenant_id, m.id, now)
                    for m in state.list_mailboxes(TenantId("scale"))
                ]
                idle = sum(
                    1
                    for h in healths
                    if h.state is MailboxState.IDLE
                    and h.last_connect_at is not None
                    and h.last_connect_at >= since
                )
                if idle >= SCALE:
                    break
                time.sleep(IDLE_LOOK_S)
            return idle, time.monotonic() - started

        before = rss_kb()
        started_at = clock.now()
        watcher, thread = start_watcher("s#1")
        idle, connect_all = all_idle(started_at)
        after = rss_kb()
        # the steady state: the sessions' objects frozen out of the collector (heap.py) once
        # the connects are done, at the watcher's once-a-minute look
        deadline = time.monotonic() + 3 * options.stale_check_s
        while watcher.heap.freezes == 0 and time.monotonic() < deadline:
            time.sleep(1)
        freeze_pause = watcher.heap.last_pause_ms
        cpu0, wall0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
        print(f"imap bench: measuring idle CPU for {IDLE_WINDOW_S:.0f} s", file=sys.stderr)
        time.sleep(IDLE_WINDOW_S)
        cpu1, wall1 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
        cpu = (
            (cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime) / (wall1 - wall0) * 100
        )
        own, total = latency_at_scale(dovecot, watcher, sink, users, password)
        # a replica restart: SIGTERM's path (workers stop, leases released), then a new one
        watcher.stop()
        thread.join(timeout=60)
        restarted_at = clock.now()
        watcher, thread = start_watcher("s#2")
        back, reconnect_all = all_idle(restarted_at)
        watcher.stop()
        thread.join(timeout=60)
    finally:
        dovecot.close()
    note = f"plain IMAP on loopback, threads with {options.thread_stack_kb} KB stacks, one process"
    return {
        "imap.mailboxes_watched": figure(
            idle,
            "mailboxes",
            f"IDLE connections held by one watcher against Dovecot (target {SCALE}, "
            f"{-(-SCALE // PER_USER)} users; {inotify})",
        ),
        "imap.rss_kb_per_mailbox": figure((after - before) / max(idle, 1), "KB", note),
        "imap.idle_cpu_percent": figure(
            cpu,
            "%",
            f"watcher process CPU over {IDLE_WINDOW_S:.0f} s (a whole IDLE refresh period) "
            f"with {idle} mailboxes idle, after the heap freeze",
        ),
        "imap.heap_freeze_pause_ms": figure(
            freeze_pause,
            "ms",
            "the full collection before gc.freeze() once the sessions are up (again every 6 h "
            "or after a tenth of them changed)",
        ),
        "imap.overhead_ms_p50_at_scale": figure(
            pct(own, 50),
            "ms",
            f"watcher's own share (EXISTS received → event handed to the sink) with {idle} "
            f"mailboxes connected, {len(own)} messages to mailboxes picked at random",
        ),
        "imap.overhead_ms_p99_at_scale": figure(
            pct(own, 99), "ms", f"as above, p99 ({len(own)} messages)"
        ),
        "imap.idle_latency_ms_p50_at_scale": figure(
            pct(total, 50),
            "ms",
            f"APPEND returning → event handed to the sink, with {idle} mailboxes connected "
            "(includes Dovecot's notify floor)",
        ),
        "imap.connect_all_seconds": figure(
            connect_all,
            "s",
            f"start → all {idle} mailboxes in IDLE (paced at {CONNECT_RATE}/s to the server)",
        ),
        "imap.reconnect_all_seconds": figure(
            reconnect_all,
            "s",
            f"replica restarted (stopped, a new one started) → {back} mailboxes back in IDLE, "
            f"new connections paced at {CONNECT_RATE}/s with a burst of {options.connect_burst}",
        ),
    }


def lease_renewal() -> dict[str, Figure]:
    """What keeps a replica's LEASES mailboxes: one heartbeat round (the heartbeat write and
    the read of who is live) on the Firestore emulator, however many member leases it holds.
    Before one heartbeat kept them all, every lease was renewed by its own read and write every TTL / 3: at
    10,000 mailboxes some 130 million writes a day per replica."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    from shared.adapters.firestore import FirestoreStateStore
    from shared.service.watcher.lease_keeper import LeaseKeeper

    clock = SystemClock()
    anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]
    state = FirestoreStateStore(firestore.Client(project=PROJECT, credentials=anonymous), clock)
    keys = [f"bench/l{i:05d}" for i in range(LEASES)]
    ttl_s = 20
    keeper = LeaseKeeper(state, "bench#1", ttl_s, held=lambda: keys, on_lost=lambda key: None)
    keeper.renew_all()  # the first beat: a member before it takes any lease
    with ThreadPoolExecutor(max_workers=16) as pool:
        taken = sum(pool.map(lambda key: state.take_member_lease(key, "bench#1"), keys))
    rounds, started = 5, time.monotonic()
    for _ in range(rounds):
        keeper.renew_all()
    per_round = (time.monotonic() - started) / rounds
    beats_per_day = 86_400 / (ttl_s / 3)
    figures = {
        "imap.heartbeat_round_seconds": figure(
            per_round,
            "s",
            f"one heartbeat round on the Firestore emulator holding {taken} member leases "
            f"(TTL {ttl_s} s, a round every {ttl_s / 3:.1f} s)",
        ),
        "watcher.lease_writes_per_mailbox_per_day": figure(
            beats_per_day / max(taken, 1),
            "writes",
            f"{beats_per_day:.0f} heartbeat writes a day shared by the {taken} mailboxes of "
            "one replica (was 2 round trips per mailbox per beat)",
        ),
    }
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda key: state.release_lease(key, "bench#1"), keys))
    state.leave("bench#1")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    figures: dict[str, Figure] = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        with local_services(secretmanager=False, base_dir=Path(tmp) / "svc") as svc:
            os.environ.update(svc.env())
            os.environ["MAILINGEST_ALLOW_PRIVATE_HOSTS"] = "true"  # Dovecot on loopback
            if os.environ.get("BENCH_IMAP_SCALE_ONLY") != "1":
                figures.update(latency(svc))
            figures.update(lease_renewal())
            figures.update(scale(Path(tmp)))
    args.out.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
