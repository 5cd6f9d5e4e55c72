"""The Microsoft 365 path on real local parts: the Graph and Microsoft identity stand-ins
(tokens through MSAL), ``graph_webhook`` under functions-framework, Firestore and Pub/Sub on
their emulators; one Graph mailbox connected."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mailingest_dev.devstack.process import free_port
from mailingest_dev.local_functions import local_backends_env, serving_function
from mailingest_dev.local_graph import QUEUE_TOPIC, LocalGraph, local_graph
from shared.adapters.pubsub import EventTail
from shared.bootstrap import App, build_app, build_graph
from shared.domain.models import Mailbox
from shared.ids import MailboxId, TenantId, event_id
from shared.service.graph_sync import GraphSync

PROJECT = "demo-test"
DATA = Path(__file__).resolve().parents[2] / "data" / "graph"
TENANT, MAILBOX = TenantId("acme"), MailboxId("m365")
USER = "reservations@contoso.example"


@dataclass
class GraphEnv:
    app: App
    local: LocalGraph
    sync: GraphSync
    mailbox: Mailbox
    webhook_url: str
    events: EventTail
    queue: EventTail
    tmp: Path

    def deliver(self, n: int, *, notify: bool = True) -> str:
        raw = (
            f"From: res@hotel{n}.example\r\nTo: {USER}\r\n"
            f"Message-ID: <m365-{n}-{uuid.uuid4().hex}@x>\r\n"
            f"Subject: Reservation {n}\r\n\r\nBooking {n} confirmed.\r\n"
        ).encode()
        return self.local.graph.deliver(USER, raw, notify=notify)

    def event_ids(self, expected: int) -> list[str]:
        got = []
        if expected:
            got = [a["event_id"] for _d, a in self.events.iter(max_events=expected, timeout_s=90)]
        got += [a["event_id"] for _d, a in self.events.iter(timeout_s=2)]
        return got

    def expected(self, ids: list[str]) -> list[str]:
        return [event_id(TENANT, MAILBOX, i) for i in ids]

    def subscription_id(self) -> str:
        return str(self.app.state.get_cursor(TENANT, MAILBOX).value["subscription_id"])

    def add_mailbox(self, mailbox_id: str, user: str, **kw: Any) -> Mailbox:
        """One more Graph mailbox (not yet subscribed)."""
        return self.local.connect(self.app, TENANT, MailboxId(mailbox_id), user, **kw)

    def message(self, user: str, n: int) -> bytes:
        return (
            f"From: res@hotel{n}.example\r\nTo: {user}\r\n"
            f"Message-ID: <m365-{n}-{uuid.uuid4().hex}@x>\r\n"
            f"Subject: Reservation {n}\r\n\r\nBooking {n} confirmed.\r\n"
        ).encode()

    def ids_for(self, mailbox_id: str, ids: list[str]) -> list[str]:
        return [event_id(TENANT, MailboxId(mailbox_id), i) for i in ids]


@pytest.fixture
def graph(firestore_client: Any, pubsub_emulator: str, tmp_path: Path) -> Iterator[GraphEnv]:
    topic = f"events-{uuid.uuid4().hex[:8]}"
    with local_graph(PROJECT, tmp_path) as local:
        webhook_port = free_port()
        webhook_url = f"http://127.0.0.1:{webhook_port}/"
        os.environ.update({**local_backends_env(tmp_path, topic), **local.env(webhook_url)})
        queue = EventTail(
            PROJECT, QUEUE_TOPIC, "queue-check", emulator_host=os.environ["PUBSUB_EMULATOR_HOST"]
        )
        queue.prepare()
        events = EventTail(
            PROJECT, topic, f"{topic}-check", emulator_host=os.environ["PUBSUB_EMULATOR_HOST"]
        )
        events.prepare()
        with serving_function("graph_webhook", tmp_path / "webhook.log", port=webhook_port):
            app = build_app()
            app.admin.add_tenant(TENANT, "Acme", actor="t")
            mailbox = local.connect(app, TENANT, MAILBOX, USER)
            sync = build_graph(app).sync
            sync.connect(mailbox)
            yield GraphEnv(app, local, sync, mailbox, webhook_url, events, queue, tmp_path)
