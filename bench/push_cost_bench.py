"""What a Gmail push or a Graph notification costs in Firestore, as billed (the emulator's
commit RPC: one write per document): PUSHES syncs that each bring one new message (the
common case: a booking mail, its push), and one sync bringing BURST messages. Gmail and Graph
stand-ins, the Pub/Sub emulator for events; the syncs called as the push function and the
Graph worker call them.

- ``gmail.store_writes_per_message_steady`` / ``graph.store_writes_per_message_steady``:
  documents written per one-message sync;
- ``gmail.store_writes_per_message_burst`` / ``graph.store_writes_per_message_burst``: per
  message of a BURST-message sync;
- ``gmail.store_writes_per_push_nothing_new``: per push of a message read in Gmail (most
  pushes of a mailbox people read bring nothing new for its label).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore

from bench.figures import Figure, figure
from mailingest_dev.devstack import local_services
from mailingest_dev.local_functions import local_backends_env
from mailingest_dev.local_gmail import local_gmail
from mailingest_dev.local_graph import local_graph
from mailingest_dev.store_writes import WriteLog, log_writes
from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.pubsub import ensure_topic
from shared.bootstrap import App, build_app, build_gmail, build_graph
from shared.ids import MailboxId, TenantId
from shared.service.ingest import IngestPipeline

TENANT = TenantId("cost")
PUSHES = int(os.environ.get("BENCH_PUSH_COST_PUSHES", "50"))
BURST = int(os.environ.get("BENCH_PUSH_COST_BURST", "100"))
TOPIC = "events-push-cost"


def _raw(n: int) -> bytes:
    return (
        f"From: res@hotel.example\r\nMessage-ID: <cost-{n}-{uuid.uuid4().hex}@x>\r\n"
        f"Subject: Booking {n}\r\n\r\nReservation {n} confirmed.\r\n"
    ).encode()


def _logged_app(project: str) -> tuple[App, WriteLog]:
    """The app the environment configures, its state on a Firestore client whose writes
    are logged."""
    app = build_app()
    anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]
    client = firestore.Client(project=project, credentials=anonymous)
    state = FirestoreStateStore(client, app.clock)
    pipeline = IngestPipeline(state, app.events, app.blobs, app.clock, holder=app.holder)
    app = dataclasses.replace(app, state=state, pipeline=pipeline)
    app.admin.add_tenant(TENANT, "Cost", actor="bench")
    return app, log_writes(client)


def _what(collection: str, document: str, kind: str) -> str:
    name = {"dedupe": "claim", "tenants/events": "summary", "leases": "sync lease"}.get(
        collection, document
    )
    return f"{name} ({kind})" if kind == "delete" else name


def _kinds(log: WriteLog) -> Counter[str]:
    return Counter(_what(w.collection, w.document, w.kind) for w in log.writes)


def _measure(
    log: WriteLog, deliver: Callable[[int], object], sync: Callable[[], int], prefix: str
) -> dict[str, Figure]:
    log.clear()
    for n in range(PUSHES):
        deliver(n)
        if sync() != 1:
            raise SystemExit(f"{prefix}: push {n} did not bring its one message")
    steady = len(log.writes) / PUSHES
    kinds = _kinds(log)
    log.clear()
    for n in range(BURST):
        deliver(PUSHES + n)
    if sync() != BURST:
        raise SystemExit(f"{prefix}: the burst's sync did not bring {BURST} messages")
    burst = len(log.writes) / BURST
    what = ", ".join(f"{k} {v / PUSHES:g}" for k, v in sorted(kinds.items()))
    return {
        f"{prefix}.store_writes_per_message_steady": figure(
            steady,
            "writes",
            f"{PUSHES} syncs of one new message each, documents written as billed "
            f"(Firestore emulator), per sync: {what}",
        ),
        f"{prefix}.store_writes_per_message_burst": figure(
            burst, "writes", f"one sync bringing {BURST} messages, documents written per message"
        ),
    }


def gmail_cost(project: str, tmp: Path) -> dict[str, Figure]:
    with local_gmail(project) as local:
        os.environ.update(local.env())
        app, log = _logged_app(project)
        email = "cost@gmail.example"
        mailbox = local.connect(app, TENANT, MailboxId("gmail"), email)
        gmail = build_gmail(app).sync
        gmail.start_watch(mailbox)
        mailbox = app.state.get_mailbox(TENANT, mailbox.id)
        ids: list[str] = []
        figures = _measure(
            log,
            lambda n: ids.append(local.gmail.insert(email, _raw(n), notify=False)),
            lambda: gmail.sync(mailbox).new_messages,
            "gmail",
        )
        log.clear()
        for message_id in ids[:PUSHES]:  # each read in Gmail: a push, nothing new for the label
            local.gmail.relabel(email, message_id, remove=("UNREAD",), notify=False)
            upto = str(local.gmail.accounts[email].history_id)
            if gmail.sync(mailbox, upto=upto).new_messages:
                raise SystemExit("gmail: a message read brought a message")
        figures["gmail.store_writes_per_push_nothing_new"] = figure(
            len(log.writes) / PUSHES,
            "writes",
            f"{PUSHES} pushes of a message read in Gmail (its UNREAD label removed): nothing "
            "new for the label, documents written per push: "
            + ", ".join(f"{k} {v / PUSHES:g}" for k, v in sorted(_kinds(log).items())),
        )
        return figures


def graph_cost(project: str, tmp: Path) -> dict[str, Figure]:
    with local_graph(project, tmp / "graph") as local:
        os.environ.update(local.env("http://127.0.0.1:9/unused"))
        app, log = _logged_app(project)
        user = "cost@m365.example"
        mailbox = local.connect(app, TENANT, MailboxId("graph"), user)
        graph = build_graph(app).sync
        graph.sync(mailbox)  # the first created-only round: the cursor from now
        return _measure(
            log,
            lambda n: local.graph.deliver(user, _raw(n), notify=False),
            lambda: graph.sync(mailbox).new_messages,
            "graph",
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        base = Path(tmp)
        with local_services(secretmanager=False, dovecot=False, base_dir=base / "svc") as svc:
            os.environ.update(svc.env())
            os.environ.update(local_backends_env(base, TOPIC))
            os.environ["MAILINGEST_LOG_LEVEL"] = "WARNING"
            ensure_topic(svc.project_id, TOPIC)
            figures = gmail_cost(svc.project_id, base)
            figures.update(graph_cost(svc.project_id, base))
    args.out.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
