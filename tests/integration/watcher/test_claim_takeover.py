"""A watcher SIGKILLed between claiming a message and publishing it. The
restarted watcher (same worker id, new incarnation) takes the claim over as soon as the dead
one's lease lapses — within the lease TTL plus a reload, far inside the 300 s in-flight
timeout the claim used to wait for — and every message reaches the topic exactly once."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.fakes.raw_subscription import RawSubscription
from tests.integration.watcher.conftest import FAST, Rig, message, wait_for

pytestmark = pytest.mark.integration

_REPLICA = """
import json, signal, sys, threading, time
from datetime import timedelta
from pathlib import Path
from google.cloud import firestore
from google.auth.credentials import AnonymousCredentials
from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.memory_sinks import InMemoryBlobStore, InMemorySecretStore
from shared.adapters.pubsub import PubSubEventSink
from shared.adapters.system_clock import SystemClock
from shared.bootstrap import mail_sources
from shared.ids import incarnation
from shared.observability import configure_logging
from shared.service.credentials import PasswordCredentialProvider
from shared.service.ingest import IngestOptions, IngestPipeline
from shared.service.watcher import Watcher
from tests.integration.watcher.conftest import FAST

worker_id, topic, password_name, password, hold_subject, marker = sys.argv[1:7]
configure_logging("INFO", sys.stderr)
clock = SystemClock()
client = firestore.Client(project="demo-test", credentials=AnonymousCredentials())
state = FirestoreStateStore(client, clock)
secrets = InMemorySecretStore()
secrets.put_secret(password_name, password)


class HoldingSink(PubSubEventSink):
    # the message named hold_subject is claimed, stored and parsed, then never published:
    # this process is SIGKILLed right here, between the claim and the publish
    def publish(self, data, ordering_key, attributes):
        if json.loads(data)["subject"] == hold_subject:
            Path(marker).write_text("holding")
            time.sleep(3600)
        return super().publish(data, ordering_key, attributes)

    def submit(self, data, ordering_key, attributes):  # a catch-up batch publishes so
        if json.loads(data)["subject"] == hold_subject:
            Path(marker).write_text("holding")
            time.sleep(3600)
        return super().submit(data, ordering_key, attributes)


holder = incarnation(worker_id)  # as bootstrap.build_app does
# the production in-flight timeout: the takeover must not depend on it
options = IngestOptions(in_flight_timeout=timedelta(seconds=300))
pipeline = IngestPipeline(
    state, HoldingSink("demo-test", topic), InMemoryBlobStore(), clock, holder=holder,
    options=options,
)
watcher = Watcher(
    state,
    pipeline,
    PasswordCredentialProvider(secrets),
    clock,
    holder=holder,
    sources=mail_sources(FAST, allow_private_hosts=True),
    options=FAST,
)
signal.signal(signal.SIGTERM, lambda *a: watcher.stop())
watcher.run()
"""


@pytest.mark.slow
def test_a_watcher_sigkilled_between_claim_and_publish_stalls_its_mailbox_at_most_a_lease_ttl(
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
    marker = tmp_path / "holding"
    procs: list[subprocess.Popen[bytes]] = []

    def start(name: str, hold: str) -> subprocess.Popen[bytes]:
        args = [name, topic, secret_name, rig.password, hold, str(marker)]
        proc = subprocess.Popen(
            [sys.executable, "-c", _REPLICA, *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=logs.enter_context((tmp_path / f"{name}-{len(procs)}.log").open("wb")),
            start_new_session=True,
        )
        procs.append(proc)
        return proc

    subjects = [f"m{i:02d}" for i in range(12)]
    try:
        for s in subjects[:6]:
            rig.append(message(s))
        # the first of the catch-up batch: the six are claimed in one write, none published
        # (an event before the held one in the same batch may be published and not yet
        # recorded done when the SIGKILL lands: docs/events.md, a window of one batch)
        first = start("replica-a", hold="m00")
        wait_for(
            marker.exists, timeout=60, what="the watcher to hold m00 between claim and publish"
        )
        os.killpg(first.pid, signal.SIGKILL)  # no goodbye: its lease and claim stay behind
        first.wait(timeout=10)
        for s in subjects[6:]:
            rig.append(message(s))
        start("replica-a", hold="none")  # restarted under the same worker id
        # the bound: lease TTL (3 s) + reload + margin, far below the 300 s in-flight timeout
        bound_s = FAST.lease_ttl_s + 30
        raw.pull(until=len(subjects), timeout_s=bound_s)
        raw.pull(timeout_s=3)  # any twice?
        received = [json.loads(data)["subject"] for data, _ in raw.received]
        assert sorted(set(received)) == subjects, "lost (or still stalled past the bound)"
        assert len(received) == len(set(received)), "published twice"
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        logs.close()
