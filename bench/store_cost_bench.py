"""What one message costs in Firestore, as billed (the emulator): the documents written by
every commit the client sends (one write per document, whatever the call — counted at the
RPC the adapter's calls all go through) and the documents read (the adapter's own count),
per message on the one-at-a-time path of an IMAP IDLE arrival: the pipeline (the message's
claim, completed by its event's summary) and the cursor's compare-and-set every
``FetchLimits.cursor_every`` messages, as the watcher writes it. Health is written per flush,
not per message, and is not counted. (A Gmail or Graph push writes its cursor per sync: one
write more per message when each push brings one.)"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from email.message import EmailMessage
from pathlib import Path

from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore

from bench.figures import Figure, figure
from mailingest_dev.devstack import local_services
from mailingest_dev.store_writes import log_writes
from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.memory_sinks import InMemoryBlobStore, InMemoryEventSink
from shared.adapters.system_clock import SystemClock
from shared.domain.models import Mailbox, Provider, Tenant, TlsMode
from shared.ids import MailboxId, TenantId
from shared.service.ingest import IngestPipeline
from shared.service.watcher.options import FetchLimits

MESSAGES = 200
EVERY = FetchLimits.cursor_every
PROJECT = "demo-test"
MAILBOX = Mailbox(
    tenant_id=TenantId("cost"),
    id=MailboxId("booking"),
    provider=Provider.IMAP,
    address="booking@cost.example",
    host="127.0.0.1",
    tls=TlsMode.PLAIN,
)


def _raw(i: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Hotel Aqua <res@aqua.example>"
    msg["To"] = MAILBOX.address
    msg["Subject"] = f"Booking confirmation {i}"
    msg["Message-ID"] = f"<cost{i}@aqua.example>"
    msg.set_content(f"We confirm booking {i}: DBL, 12.08-19.08, AI.")
    return msg.as_bytes()


def store_cost() -> dict[str, Figure]:
    anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]
    client = firestore.Client(project=PROJECT, credentials=anonymous)
    clock = SystemClock()
    state = FirestoreStateStore(client, clock)
    state.put_tenant(Tenant(id=MAILBOX.tenant_id, name="Cost"))
    state.put_mailbox(MAILBOX)
    pipeline = IngestPipeline(state, InMemoryEventSink(), InMemoryBlobStore(), clock, holder="b")
    writes = log_writes(client)
    reads = state.reads.total
    cursor = state.get_cursor(MAILBOX.tenant_id, MAILBOX.id)
    for i in range(MESSAGES):
        result = pipeline.ingest(MAILBOX, f"1/{i + 1}", _raw(i), lease=None)
        if result.outcome != "published":
            raise SystemExit(f"message {i}: {result.outcome}")
        if (i + 1) % EVERY == 0 or i + 1 == MESSAGES:  # the watcher's cadence, then the end
            cursor = state.compare_and_set_cursor(
                MAILBOX.tenant_id,
                MAILBOX.id,
                cursor.version,
                {"uidvalidity": 1, "last_uid": i + 1},
            )
    read = state.reads.total - reads
    note = (
        f"{MESSAGES} messages one at a time (Firestore emulator): pipeline (claim, summary) + "
        f"the cursor every {EVERY} as the watcher writes it for IDLE's messages"
    )
    return {
        "ingest.store_writes_per_message": figure(
            len(writes.writes) / MESSAGES, "writes", note + ", documents written as billed"
        ),
        "ingest.store_reads_per_message": figure(
            read / MESSAGES, "reads", note + ", documents read as billed"
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
            figures = store_cost()
    args.out.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
