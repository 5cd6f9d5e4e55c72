"""Watcher replicas as real processes (so that one can be SIGKILLed) against the emulators and
Dovecot: each a ``Watcher`` over Firestore publishing to a Pub/Sub topic.

A test can make a replica stop at a known point before it is killed: ``hold`` makes its next
publish wait (forever) with the message claimed and nothing of it sent, and ``holding`` says
when it got there. Pub/Sub delivers at least once and a watcher killed after a publish but
before recording it publishes that event again (docs/events.md): ``copies_beyond_the_window``
checks that nothing else is ever sent twice, whenever the kill lands."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from tests.fakes.raw_subscription import RawSubscription

_REPLICA = """
import json, os, signal, sys, time
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
from dataclasses import replace
from shared.service.watcher import Watcher, WatcherOptions
from tests.integration.watcher.conftest import FAST

holder, topic, logs = sys.argv[1:4]
publish_delay_s = float(sys.argv[4])
hold_file = os.path.join(logs, holder + ".hold")
holding_file = os.path.join(logs, holder + ".holding")
configure_logging("INFO", sys.stderr)  # JSON lines in the replica's log file
clock = SystemClock()
client = firestore.Client(project="demo-test", credentials=AnonymousCredentials())
state = FirestoreStateStore(client, clock)
secrets = InMemorySecretStore()
for name, value in json.loads(os.environ["TEST_REPLICA_SECRETS"]).items():
    secrets.put_secret(name, value)


def before_publish():
    # each message stays claimed-but-unpublished for a while (publish_delay_s), so a SIGKILL
    # mid-stream is likely to land between the claim and the publish; once the test asked for
    # a hold, the next publish never happens (the test kills the replica there)
    time.sleep(publish_delay_s)
    if os.path.exists(hold_file):
        open(holding_file, "w").close()
        time.sleep(3600)


class SlowSink(PubSubEventSink):
    def publish(self, data, ordering_key, attributes):
        before_publish()
        return super().publish(data, ordering_key, attributes)

    def submit(self, data, ordering_key, attributes):  # a catch-up batch publishes so
        before_publish()
        return super().submit(data, ordering_key, attributes)


sink = SlowSink("demo-test", topic)
# a message the killed replica had claimed but not finished is taken over after this (the
# production default, 300 s, would outlast the test; infra/worker.tf sets 120 s)
options = IngestOptions(in_flight_timeout=timedelta(seconds=8))
pipeline = IngestPipeline(state, sink, InMemoryBlobStore(), clock, holder=holder, options=options)
creds = PasswordCredentialProvider(secrets)
sources = mail_sources(FAST, allow_private_hosts=True)
# the production default: IDLE's messages move the cursor in memory, written every 50 or
# when a session ends, so a SIGKILL leaves owed messages for the survivor to find done
watching = replace(FAST, cursor_every=WatcherOptions().cursor_every)
watcher = Watcher(state, pipeline, creds, clock, holder=holder, sources=sources, options=watching)
signal.signal(signal.SIGTERM, lambda *a: watcher.stop())
watcher.run()
"""


class Replicas:
    """Replica processes by holder name; every one stopped (SIGTERM, then SIGKILL) on close.

    ``publish_delay_s``: how long each message stays claimed and unpublished, for a SIGKILL
    that lands at no chosen point; a test that kills at a ``hold`` needs no such window."""

    def __init__(
        self,
        topic: str,
        secrets: Mapping[str, str],
        logs: Path,
        *,
        publish_delay_s: float = 0.2,
    ) -> None:
        self._topic = topic
        self._publish_delay_s = publish_delay_s
        self._env = {
            **os.environ,
            "PYTHONPATH": str(Path.cwd()),
            "TEST_REPLICA_SECRETS": json.dumps(dict(secrets)),
        }
        self._logs = logs
        self._files = contextlib.ExitStack()
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, holder: str) -> None:
        log = self._files.enter_context((self._logs / f"{holder}.log").open("ab"))
        self.procs[holder] = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _REPLICA,
                holder,
                self._topic,
                str(self._logs),
                str(self._publish_delay_s),
            ],
            env=self._env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )

    def hold(self, holder: str) -> None:
        """The replica's next publish waits forever, its message claimed and nothing sent."""
        (self._logs / f"{holder}.hold").touch()

    def holding(self, holder: str) -> bool:
        """Whether the replica reached the publish it was told to ``hold``."""
        return (self._logs / f"{holder}.holding").exists()

    def kill(self, holder: str) -> datetime:
        """SIGKILL: no goodbye, leases and heartbeat left to lapse. Returns a time after the
        replica was dead: anything it published was published before it."""
        proc = self.procs.pop(holder)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)
        return datetime.now(UTC)

    def stop(self, holder: str) -> int:
        """SIGTERM, as Cloud Run stops an instance: the replica's exit code."""
        proc = self.procs.pop(holder)
        os.killpg(proc.pid, signal.SIGTERM)
        return proc.wait(timeout=30)

    def close(self) -> None:
        for holder in list(self.procs):
            proc = self.procs.pop(holder)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self._files.close()


def copies_beyond_the_window(raw: RawSubscription, killed_at: list[datetime]) -> list[str]:
    """Subjects received more than once other than as the documented at-least-once window
    allows: a repeat is fine only with the same event id, and only of an event whose first
    copy was published before a replica was killed (it may have died before recording it).
    Also any subject received under two event ids. Empty when all is well."""
    first: dict[str, tuple[str, datetime]] = {}
    wrong: list[str] = []
    for (data, attributes), published in zip(raw.received, raw.published_at, strict=True):
        subject, eid = json.loads(data)["subject"], attributes["event_id"]
        if subject not in first:
            first[subject] = (eid, published)
            continue
        first_eid, first_published = first[subject]
        if eid != first_eid or not any(first_published <= k for k in killed_at):
            wrong.append(subject)
    return wrong
