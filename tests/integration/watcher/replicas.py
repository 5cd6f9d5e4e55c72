"""Watcher replicas as real processes (so that one can be SIGKILLed) against the emulators and
Dovecot: each a ``Watcher`` over Firestore publishing to a Pub/Sub topic."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

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
from shared.service.watcher import Watcher
from tests.integration.watcher.conftest import FAST

holder, topic = sys.argv[1:3]
configure_logging("INFO", sys.stderr)  # JSON lines in the replica's log file
clock = SystemClock()
client = firestore.Client(project="demo-test", credentials=AnonymousCredentials())
state = FirestoreStateStore(client, clock)
secrets = InMemorySecretStore()
for name, value in json.loads(os.environ["TEST_REPLICA_SECRETS"]).items():
    secrets.put_secret(name, value)


class SlowSink(PubSubEventSink):
    # each message stays claimed-but-unpublished for a while, so a SIGKILL mid-stream is
    # very likely to land between the claim and the publish
    def publish(self, data, ordering_key, attributes):
        time.sleep(0.2)
        return super().publish(data, ordering_key, attributes)

    def submit(self, data, ordering_key, attributes):  # a catch-up batch publishes so
        time.sleep(0.2)
        return super().submit(data, ordering_key, attributes)


sink = SlowSink("demo-test", topic)
# a message the killed replica had claimed but not finished is taken over after this (the
# production default, 300 s, would outlast the test; infra/worker.tf sets 120 s)
options = IngestOptions(in_flight_timeout=timedelta(seconds=8))
pipeline = IngestPipeline(state, sink, InMemoryBlobStore(), clock, holder=holder, options=options)
creds = PasswordCredentialProvider(secrets)
sources = mail_sources(FAST, allow_private_hosts=True)
watcher = Watcher(state, pipeline, creds, clock, holder=holder, sources=sources, options=FAST)
signal.signal(signal.SIGTERM, lambda *a: watcher.stop())
watcher.run()
"""


class Replicas:
    """Replica processes by holder name; every one stopped (SIGTERM, then SIGKILL) on close."""

    def __init__(self, topic: str, secrets: Mapping[str, str], logs: Path) -> None:
        self._topic = topic
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
            [sys.executable, "-c", _REPLICA, holder, self._topic],
            env=self._env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )

    def kill(self, holder: str) -> None:
        """SIGKILL: no goodbye, leases and heartbeat left to lapse."""
        proc = self.procs.pop(holder)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)

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
