"""POP3 polling with and without delete; replicas sharing mailboxes through leases, one of
them killed with SIGKILL mid-stream: nothing lost, nothing published twice."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from shared.domain.models import AfterProcessing, Provider
from shared.ids import MailboxId
from tests.fakes.raw_subscription import RawSubscription
from tests.integration.watcher.conftest import Rig, message, wait_for

pytestmark = pytest.mark.integration


def _pop3_rig(rig: Rig, **kw: Any) -> None:
    rig.add_mailbox(
        id=MailboxId("pop"),
        provider=Provider.POP3,
        port=rig.dovecot.pop3_port,
        poll_interval_s=5,
        **kw,
    )


def test_pop3_polls_and_dedupes_by_uidl(rig: Rig, running: Any) -> None:
    _pop3_rig(rig)
    rig.append(message("pop one"))
    running(rig.watcher())
    wait_for(lambda: rig.subjects() == ["pop one"], what="first POP3 event")
    rig.append(message("pop two"))
    wait_for(lambda: rig.subjects() == ["pop one", "pop two"], what="second poll")
    # left on the server, remembered by UIDL (the cursor moves right after the publish)
    wait_for(
        lambda: (
            len(rig.state.get_cursor(rig.mailbox.tenant_id, rig.mailbox.id).value["seen_uidls"])
            == 2
        ),
        what="both UIDLs in the cursor",
    )


def test_pop3_delete_after_processing(rig: Rig, running: Any) -> None:
    import poplib

    _pop3_rig(rig, after_processing=AfterProcessing.DELETE)
    rig.append(message("pop delete"))
    running(rig.watcher())
    wait_for(lambda: rig.subjects() == ["pop delete"], what="POP3 event")

    def server_count() -> int:
        pop = poplib.POP3("127.0.0.1", rig.dovecot.pop3_port, timeout=10)
        try:
            pop.user(rig.user)
            pop.pass_(rig.password)
            return int(pop.stat()[0])
        finally:
            pop.quit()

    wait_for(lambda: server_count() == 0, what="the message deleted on QUIT")


_REPLICA = """
import os, signal, sys, threading, time
from datetime import timedelta
from google.cloud import firestore
from google.auth.credentials import AnonymousCredentials
from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.memory_sinks import InMemoryBlobStore, InMemorySecretStore
from shared.adapters.pubsub import PubSubEventSink
from shared.adapters.system_clock import SystemClock
from shared.bootstrap import mail_sources
from shared.observability import configure_logging
from shared.service.credentials import PasswordCredentialProvider
from shared.service.ingest import IngestOptions, IngestPipeline
from shared.service.watcher import Watcher
from tests.integration.watcher.conftest import FAST

holder, topic, password_name, password = sys.argv[1:5]
configure_logging("INFO", sys.stderr)  # JSON lines in the replica's log file
clock = SystemClock()
client = firestore.Client(project="demo-test", credentials=AnonymousCredentials())
state = FirestoreStateStore(client, clock)
secrets = InMemorySecretStore()
secrets.put_secret(password_name, password)


class SlowSink(PubSubEventSink):
    # each message stays claimed-but-unpublished for a while, so a SIGKILL mid-stream is
    # very likely to land between the claim and the publish
    def publish(self, data, ordering_key, attributes):
        time.sleep(0.2)
        return super().publish(data, ordering_key, attributes)


sink = SlowSink("demo-test", topic)
# a message the killed replica had claimed but not finished is taken over after this (the
# production default, 300 s, would outlast the test; infra/worker.tf sets 120 s)
options = IngestOptions(in_flight_timeout=timedelta(seconds=8))
pipeline = IngestPipeline(state, sink, InMemoryBlobStore(), clock, holder=holder, options=options)
creds = PasswordCredentialProvider(secrets)
watcher = Watcher(
    state, pipeline, creds, clock, holder=holder, sources=mail_sources(FAST), options=FAST
)
signal.signal(signal.SIGTERM, lambda *a: watcher.stop())
print("ready", flush=True)
watcher.run()
"""


@pytest.mark.slow
def test_two_replicas_one_sigkilled_mid_stream_loses_and_duplicates_nothing(
    rig: Rig, pubsub_emulator: str, tmp_path: Path
) -> None:
    topic = f"events-{uuid.uuid4().hex[:6]}"
    # every copy, duplicates included (EventTail would drop a repeated event id)
    raw = RawSubscription("demo-test", topic)
    rig.add_mailbox()
    secret_name = rig.mailbox.secret_ref
    assert secret_name is not None
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    logs = contextlib.ExitStack()
    replicas = {
        name: subprocess.Popen(
            [sys.executable, "-c", _REPLICA, name, topic, secret_name, rig.password],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=logs.enter_context((tmp_path / f"{name}.log").open("wb")),
            start_new_session=True,
        )
        for name in ("replica-a", "replica-b")
    }
    try:
        leases = wait_for(lambda: rig.state.list_leases(), what="one replica to take the lease")
        (lease,) = leases
        owner = lease.holder
        other = "replica-b" if owner == "replica-a" else "replica-a"
        subjects = [f"m{i:03d}" for i in range(30)]
        for s in subjects[:15]:
            rig.append(message(s))
        # the owner is publishing: kill it while the rest of the batch is claimed or queued
        assert len(raw.pull(until=3, timeout_s=60)) >= 3, "the owner published nothing"
        os.killpg(replicas[owner].pid, signal.SIGKILL)  # mid-stream, no goodbye
        for s in subjects[15:]:
            rig.append(message(s))
        wait_for(
            lambda: [x.holder for x in rig.state.list_leases()] == [other],
            timeout=60,
            what="the surviving replica to take the mailbox over (lease TTL 3 s)",
        )
        # a message the killed owner had claimed is free once its lease lapsed (3 s here)
        raw.pull(until=len(subjects), timeout_s=90)
        raw.pull(timeout_s=3)  # any twice?
        received = [json.loads(data)["subject"] for data, _ in raw.received]
        assert sorted(set(received)) == subjects  # nothing lost
        assert len(received) == len(set(received))  # nothing twice
    finally:
        for proc in replicas.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        logs.close()
    assert rig.state.list_leases() == []  # SIGTERM released the lease at once
