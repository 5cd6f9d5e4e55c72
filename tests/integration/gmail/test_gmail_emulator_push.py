"""The whole Gmail chain for real on this machine: the Gmail stand-in publishes its
notification to the Pub/Sub emulator, whose push subscription calls ``gmail_push`` running
under functions-framework (a child process), which syncs through the Gmail API stand-in and
publishes the events to the emulator — 0 lost, 0 duplicated."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from mailingest_dev.devstack.process import free_port
from mailingest_dev.local_gmail import local_gmail
from shared.adapters.pubsub import EventTail
from shared.bootstrap import build_app, build_gmail
from shared.ids import MailboxId, TenantId, event_id

pytestmark = [pytest.mark.integration, pytest.mark.slow]
PROJECT = "demo-test"
EMAIL = "reservations@agency.example"
TENANT, MAILBOX = TenantId("acme"), MailboxId("gmail")


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], bound_s: float = 60) -> None:
    deadline = time.monotonic() + bound_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, "gmail_push exited"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("gmail_push did not listen within the bound")


def test_insert_to_event_through_the_emulator_push_subscription(
    firestore_client: Any, pubsub_emulator: str, tmp_path: Path
) -> None:
    topic = f"events-{uuid.uuid4().hex[:8]}"
    with local_gmail(PROJECT) as local:
        os.environ.update(
            {
                "MAILINGEST_STATE_BACKEND": "firestore",
                "MAILINGEST_EVENTS_BACKEND": "pubsub",
                "MAILINGEST_EVENTS_TOPIC": topic,
                "MAILINGEST_BLOBS_BACKEND": "local",
                "MAILINGEST_BLOB_DIR": str(tmp_path / "blobs"),
                "MAILINGEST_SECRETS_BACKEND": "file",
                "MAILINGEST_SECRETS_FILE": str(tmp_path / "secrets.enc"),
                "MAILINGEST_SECRETS_KEY": Fernet.generate_key().decode(),
                "MAILINGEST_OAUTH_STATE_KEY": Fernet.generate_key().decode(),
                "MAILINGEST_OAUTH_REDIRECT_URI": "http://127.0.0.1/oauth_callback",
                "MAILINGEST_SETTINGS_URL": "http://127.0.0.1/settings",
                **local.env(),
            }
        )
        app = build_app()
        app.admin.add_tenant(TENANT, "Acme", actor="t")
        mailbox = local.connect(app, TENANT, MAILBOX, EMAIL)
        tail = EventTail(PROJECT, topic)
        tail.prepare()
        port = free_port()
        ff = Path(sys.executable).with_name("functions-framework")
        with (tmp_path / "gmail_push.log").open("wb") as log:
            proc = subprocess.Popen(
                [
                    str(ff),
                    "--target=gmail_push",
                    "--source=functions/gmail_push/main.py",
                    "--host=127.0.0.1",
                    f"--port={port}",
                ],
                env=dict(os.environ),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_for_port(port, proc)
            local.push_to(f"http://127.0.0.1:{port}/")
            build_gmail(app).sync.start_watch(mailbox)
            ids = []
            for n in range(5):
                raw = f"Subject: Rezervasyon {n}\r\nMessage-ID: <p{n}@x>\r\n\r\nOnay {n}\r\n"
                ids.append(local.gmail.insert(EMAIL, raw.encode()))
            got = [a["event_id"] for _d, a in tail.iter(max_events=5, timeout_s=90)]
            got += [a["event_id"] for _d, a in tail.iter(timeout_s=2)]
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        assert sorted(got) == sorted(event_id(TENANT, MAILBOX, g) for g in ids), (
            tmp_path / "gmail_push.log"
        ).read_text()[-3000:]
