"""The scheduled safety net fanned out on this machine: ``renew_watches``'s dispatch puts the
Gmail mailboxes on the task topic in shards (the Pub/Sub emulator), whose push subscription
calls ``mailbox_tasks`` under functions-framework (a child process), which resyncs each
shard's mailboxes through the Gmail API stand-in — every message whose push was lost arrives
once; a removed mailbox is not in any shard; a task that cannot be read is dropped. The
settings page's "Sync now" of a Gmail mailbox goes the same way, as a one-mailbox task."""

from __future__ import annotations

import base64
import json
import os
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from mailingest_dev.local_functions import local_backends_env, serving_function
from mailingest_dev.local_gmail import local_gmail
from shared.adapters.pubsub import EventTail, ensure_push_subscription, ensure_topic
from shared.bootstrap import build_app, build_gmail, build_renewal_fanout
from shared.ids import MailboxId, TenantId, event_id

pytestmark = [pytest.mark.integration, pytest.mark.slow]
PROJECT = "demo-test"
TENANT = TenantId("acme")


def test_a_resync_in_shards_through_the_task_topic_delivers_every_lost_push(
    firestore_client: Any, pubsub_emulator: str, tmp_path: Path
) -> None:
    events, tasks = f"events-{uuid.uuid4().hex[:8]}", f"tasks-{uuid.uuid4().hex[:8]}"
    with local_gmail(PROJECT) as local:
        os.environ.update(
            {
                **local_backends_env(tmp_path, events),
                **local.env(),
                "MAILINGEST_TASKS_TOPIC": tasks,
                "MAILINGEST_TASK_SHARD_MAILBOXES": "2",
            }
        )
        app = build_app()
        app.admin.add_tenant(TENANT, "Acme", actor="t")
        emails = [f"res{i}@agency{i}.example" for i in range(5)]
        mailboxes = [
            local.connect(app, TENANT, MailboxId(f"gmail{i}"), email)
            for i, email in enumerate(emails)
        ]
        for mailbox in mailboxes:
            build_gmail(app).sync.start_watch(mailbox)  # the cursor: now
        tail = EventTail(PROJECT, events, emulator_host=os.environ["PUBSUB_EMULATOR_HOST"])
        tail.prepare()
        ensure_topic(PROJECT, tasks)
        log = tmp_path / "mailbox_tasks.log"
        with serving_function("mailbox_tasks", log, signature="cloudevent") as url:
            ensure_push_subscription(PROJECT, tasks, f"{tasks}-push", url)
            # nothing rings gmail_push: these messages' notifications are lost
            expected = []
            for mailbox, email in zip(mailboxes, emails, strict=True):
                for n in range(2):
                    raw = f"Subject: Rezervasyon {n}\r\nMessage-ID: <{email}.{n}@x>\r\n\r\nOnay\r\n"
                    gid = local.gmail.insert(email, raw.encode())
                    expected.append(event_id(TENANT, mailbox.id, gid))
            app.admin.remove_mailbox(TENANT, mailboxes[4].id, actor="t")  # gone meanwhile
            dispatched = build_renewal_fanout(app).dispatch("resync")
            assert dispatched == {"mailboxes": 4, "shards": 2}
            got = [a["event_id"] for _d, a in tail.iter(max_events=8, timeout_s=90)]
            got += [a["event_id"] for _d, a in tail.iter(timeout_s=2)]
            # a task that cannot be read is dropped (answered 2xx), not delivered forever
            junk = {"message": {"data": base64.b64encode(b"not a task").decode()}}
            headers = {
                "ce-id": "1",
                "ce-specversion": "1.0",
                "ce-type": "google.cloud.pubsub.topic.v1.messagePublished",
                "ce-source": f"//pubsub.googleapis.com/projects/{PROJECT}/topics/{tasks}",
            }
            answer = httpx.post(url, content=json.dumps(junk), headers=headers, timeout=30)
            # "Sync now" on the page: the page's identity reads no token; mailbox_tasks does
            stop = b"Subject: Stop sale\r\nMessage-ID: <now@x>\r\n\r\nStop sale\r\n"
            late = event_id(TENANT, mailboxes[0].id, local.gmail.insert(emails[0], stop))
            app.admin.request_sync(TENANT, mailboxes[0].id, actor="admin@acme.example")
            synced = [a["event_id"] for _d, a in tail.iter(max_events=1, timeout_s=60)]
        assert sorted(got) == sorted(expected[:8]), log.read_text()[-3000:]
        assert answer.status_code < 300, answer.text
        assert "mailbox task dropped" in log.read_text()
        assert synced == [late]
        (audit, *_) = app.state.list_audit(TENANT)
        assert (audit.action, audit.details) == ("mailbox.sync", {"via": "task"})
