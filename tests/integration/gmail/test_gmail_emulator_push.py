"""The whole Gmail chain for real on this machine: the Gmail stand-in publishes its
notification to the Pub/Sub emulator, whose push subscription calls ``gmail_push`` running
under functions-framework (a child process), which syncs through the Gmail API stand-in and
publishes the events to the emulator — 0 lost, 0 duplicated."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from mailingest_dev.local_functions import local_backends_env, serving_function
from mailingest_dev.local_gmail import local_gmail
from shared.adapters.pubsub import EventTail
from shared.bootstrap import build_app, build_gmail
from shared.ids import MailboxId, TenantId, event_id

pytestmark = [pytest.mark.integration, pytest.mark.slow]
PROJECT = "demo-test"
EMAIL = "reservations@agency.example"
TENANT, MAILBOX = TenantId("acme"), MailboxId("gmail")


def test_insert_to_event_through_the_emulator_push_subscription(
    firestore_client: Any, pubsub_emulator: str, tmp_path: Path
) -> None:
    topic = f"events-{uuid.uuid4().hex[:8]}"
    with local_gmail(PROJECT) as local:
        os.environ.update({**local_backends_env(tmp_path, topic), **local.env()})
        app = build_app()
        app.admin.add_tenant(TENANT, "Acme", actor="t")
        mailbox = local.connect(app, TENANT, MAILBOX, EMAIL)
        tail = EventTail(PROJECT, topic, emulator_host=os.environ["PUBSUB_EMULATOR_HOST"])
        tail.prepare()
        log = tmp_path / "gmail_push.log"
        with serving_function("gmail_push", log) as url:
            local.push_to(url)
            build_gmail(app).sync.start_watch(mailbox)
            ids = []
            for n in range(5):
                raw = f"Subject: Rezervasyon {n}\r\nMessage-ID: <p{n}@x>\r\n\r\nOnay {n}\r\n"
                ids.append(local.gmail.insert(EMAIL, raw.encode()))
            got = [a["event_id"] for _d, a in tail.iter(max_events=5, timeout_s=90)]
            got += [a["event_id"] for _d, a in tail.iter(timeout_s=2)]
        assert sorted(got) == sorted(event_id(TENANT, MAILBOX, g) for g in ids), log.read_text()[
            -3000:
        ]
