"""Store reads of one idle watcher: MAILBOXES IMAP mailboxes in IDLE on a
Dovecot of their own, the watcher on the Firestore emulator, every document read counted
in our Firestore adapter (as billed: one per document a get, a query or the listener
returns) over IDLE_S seconds with nothing arriving."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from google.api_core.exceptions import GoogleAPICallError
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from bench.figures import Figure, figure
from bench.scale_dovecot import PER_USER, raise_kernel_limits, users_for
from mailingest_dev.devstack import local_services, start_dovecot
from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.memory_sinks import InMemoryBlobStore, InMemoryEventSink, InMemorySecretStore
from shared.adapters.system_clock import SystemClock
from shared.bootstrap import mail_sources
from shared.domain.models import Mailbox, MailboxState, Provider, Tenant, TlsMode
from shared.ids import MailboxId, TenantId
from shared.secret_names import password_secret_name
from shared.service.credentials import PasswordCredentialProvider
from shared.service.ingest import IngestPipeline
from shared.service.watcher import Watcher, WatcherOptions

# the store-reads figure is wanted at 10,000; the local Dovecot then runs 10,000 processes (≈ 9 GB)
MAILBOXES = int(os.environ.get("BENCH_WATCHER_MAILBOXES", "10000"))
# new connections per second to the local Dovecot (half the imap bench's: the Firestore
# emulator shares the two cores with it here)
CONNECT_RATE = float(os.environ.get("BENCH_WATCHER_CONNECT_RATE", "50"))
IDLE_S = float(os.environ.get("BENCH_WATCHER_IDLE_S", "60"))
PROJECT = "demo-test"
TENANT = TenantId("reads")


def client() -> firestore.Client:
    anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]
    return firestore.Client(project=PROJECT, credentials=anonymous)


def store() -> FirestoreStateStore:
    return FirestoreStateStore(client(), SystemClock())


def add_mailboxes(state: FirestoreStateStore, port: int, users: list[str]) -> None:
    state.put_tenant(Tenant(id=TENANT, name="reads"))

    def put(i: int) -> None:
        state.put_mailbox(
            Mailbox(
                tenant_id=TENANT,
                id=MailboxId(f"m{i:05d}"),
                provider=Provider.IMAP,
                address=users[i // PER_USER],
                host="127.0.0.1",
                port=port,
                tls=TlsMode.PLAIN,
                secret_ref=password_secret_name(TENANT, f"m{i:05d}"),
            )
        )

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(put, range(MAILBOXES)))


def all_idle(client: firestore.Client, timeout_s: float) -> int:
    """Mailboxes whose health says IDLE, from one collection-group query a look (10,000 gets
    a look kept the emulator from the watcher it measures); a look the loaded emulator
    fails is only a look missed."""
    deadline = time.monotonic() + timeout_s
    idle = 0
    while time.monotonic() < deadline:
        query = (
            client.collection_group("state")
            .where(filter=FieldFilter("state", "==", MailboxState.IDLE.value))
            .select(["state"])
        )
        try:
            idle = sum(1 for doc in query.stream(timeout=60) if doc.id == "health")
        except GoogleAPICallError as exc:
            print(f"watcher bench: a look failed ({type(exc).__name__})", file=sys.stderr)
        if idle >= MAILBOXES:
            break
        time.sleep(max(2.0, MAILBOXES / 1000))
    return idle


def idle_reads(base: Path) -> dict[str, Figure]:
    limits = raise_kernel_limits(MAILBOXES)
    dovecot = start_dovecot(base / "reads-dovecot", max_connections=MAILBOXES + 50)
    try:
        users, password = users_for(MAILBOXES, "reads"), uuid.uuid4().hex
        for user in users:
            dovecot.add_user(user, password)
        state, observer = store(), store()  # the watcher's reads are counted apart
        observer_client = client()
        add_mailboxes(observer, dovecot.imap_port, users)
        secrets = InMemorySecretStore()
        for i in range(MAILBOXES):
            secrets.put_secret(password_secret_name(TENANT, f"m{i:05d}"), password)
        clock = SystemClock()
        pipeline = IngestPipeline(
            state, InMemoryEventSink(), InMemoryBlobStore(), clock, holder="reads"
        )
        options = WatcherOptions(  # else the production defaults
            max_connections_per_server=MAILBOXES + 50,
            # the local Dovecot's pace (../shared/handbook/local-services.md)
            server_connect_rates={"127.0.0.1": CONNECT_RATE},
        )
        watcher = Watcher(
            state,
            pipeline,
            PasswordCredentialProvider(secrets),
            clock,
            holder="reads",
            sources=mail_sources(options, allow_private_hosts=True),
            options=options,
        )
        thread = threading.Thread(target=watcher.run, daemon=True)
        thread.start()
        try:
            idle = all_idle(observer_client, timeout_s=max(300.0, 3 * MAILBOXES / CONNECT_RATE))
            time.sleep(5)  # the connect-time writes and their health flushes settle
            before, started = state.reads.snapshot(), time.monotonic()
            time.sleep(IDLE_S)
            after, elapsed = state.reads.snapshot(), time.monotonic() - started
        finally:
            watcher.stop()
            thread.join(timeout=60)
    finally:
        dovecot.close()
    per_min = {op: (n - before.get(op, 0)) * 60 / elapsed for op, n in after.items()}
    per_min = {op: v for op, v in per_min.items() if v > 0}
    total = sum(per_min.values())
    breakdown = ", ".join(f"{op} {v:.0f}" for op, v in sorted(per_min.items())) or "none"
    # the safety re-list (one read per mailbox every relist_s) falls in few windows: averaged
    feed = per_min.get("watch mailboxes", 0)
    safety = MAILBOXES * 60 / options.relist_s
    relisting = MAILBOXES * 60 / options.reload_s
    where = (
        f"{idle} of {MAILBOXES} mailboxes in IDLE, {elapsed:.0f} s idle, Firestore emulator "
        f"({len(users)} Dovecot users; {limits})"
    )
    return {
        "watcher.store_reads_per_min": figure(
            total,
            "reads/min",
            f"every document the watcher read; {where}; by operation: {breakdown}",
        ),
        "watcher.mailbox_reads_per_min": figure(
            feed + safety,
            "reads/min",
            f"mailbox settings: listener {feed:.0f} measured + the safety re-list every "
            f"{options.relist_s:.0f} s averaged ({safety:.0f}); re-listing every "
            f"{options.reload_s:.0f} s (before) read {relisting:.0f}/min; {where}",
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        with local_services(
            pubsub=False, secretmanager=False, dovecot=False, base_dir=Path(tmp) / "svc"
        ) as svc:
            os.environ.update(svc.env())
            os.environ["MAILINGEST_ALLOW_PRIVATE_HOSTS"] = "true"  # Dovecot on loopback
            figures = idle_reads(Path(tmp))
    args.out.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
