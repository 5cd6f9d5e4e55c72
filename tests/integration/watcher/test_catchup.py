"""Hundreds of messages waiting in one mailbox are caught up a fetched batch
at a time (claims in one write, preparation in parallel, events submitted in UID order,
completions in one write, one cursor write) — still exactly once and in UID order, on the
real Dovecot, Firestore emulator and Pub/Sub emulator (an ordered subscription that keeps
every copy, duplicates included). A failure of message k in the middle of a batch leaves the
cursor just before k with nothing after k published, and the rerun adds no duplicate. The
next batch is fetched and prepared while one is published: a failure there publishes none of
it, the batch before it is handed off whole."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from imapclient import IMAPClient

from shared.adapters.memory_sinks import InMemoryBlobStore
from shared.adapters.pubsub import PubSubEventSink
from shared.adapters.system_clock import SystemClock
from shared.bootstrap import mail_sources
from shared.domain.models import AfterProcessing
from shared.errors import ServiceUnavailable
from shared.ports import BlobStore, EventSink
from shared.service.credentials import PasswordCredentialProvider
from shared.service.ingest import IngestPipeline
from shared.service.watcher import Watcher
from tests.fakes.raw_subscription import RawSubscription
from tests.fakes.tcp_proxy import tcp_proxy
from tests.integration.watcher.conftest import FAST, Rig, message, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]


class RefusingBlobs(InMemoryBlobStore):
    """The raw store refusing one message (found by its subject) until ``refusing`` is off."""

    def __init__(self, subject: str) -> None:
        super().__init__()
        self._subject = f"Subject: {subject}\r\n".encode()
        self.refusing = True

        self.refused = threading.Event()

    def put_blob(self, key: str, data: bytes, content_type: str, *, compress: bool = False) -> str:
        if self.refusing and self._subject in data:
            self.refused.set()
            raise ServiceUnavailable("blob store: refused")
        return super().put_blob(key, data, content_type, compress=compress)


class HoldingSink(PubSubEventSink):
    """Before submitting the event with subject ``subject``, waits (up to 60 s) for ``until``
    and calls ``then``; ``held`` tells whether ``until`` came while it waited, ``passed`` is
    set once it went on."""

    def __init__(
        self,
        topic: str,
        subject: str,
        until: threading.Event,
        then: Callable[[], None] = lambda: None,
        **kw: Any,
    ) -> None:
        super().__init__("demo-test", topic, **kw)
        self._subject, self._until, self._then = subject, until, then
        self.held: bool | None = None
        self.passed = threading.Event()

    def submit(
        self, data: bytes, ordering_key: str, attributes: Mapping[str, str]
    ) -> Callable[[], str]:
        if self.held is None and json.loads(data)["subject"] == self._subject:
            self.held = self._until.wait(timeout=60)
            self._then()
            self.passed.set()
        return super().submit(data, ordering_key, attributes)


def subject(i: int) -> str:
    return f"catch-up {i:04d}"


def append_many(rig: Rig, count: int) -> None:
    with IMAPClient("127.0.0.1", port=rig.dovecot.imap_port, ssl=False, timeout=30) as c:
        c.login(rig.user, rig.password)
        for i in range(1, count + 1):
            c.append("INBOX", message(subject(i)))


def watcher(rig: Rig, sink: EventSink, blobs: BlobStore) -> Watcher:
    clock = SystemClock()
    pipeline = IngestPipeline(rig.state, sink, blobs, clock, holder="w1")
    return Watcher(
        rig.state,
        pipeline,
        PasswordCredentialProvider(rig.secrets),
        clock,
        holder="w1",
        sources=mail_sources(FAST, allow_private_hosts=True),
        options=FAST,
    )


def last_uid(rig: Rig) -> Any:
    return rig.state.get_cursor(rig.mailbox.tenant_id, rig.mailbox.id).value.get("last_uid")


def subjects(raw: RawSubscription) -> list[str]:
    return [json.loads(data)["subject"] for data, _ in raw.received]


def assert_once_each_in_order(raw: RawSubscription, count: int) -> None:
    raw.pull(until=count, timeout_s=60)
    raw.pull(timeout_s=3)  # anything published twice arrives within seconds of the first
    assert max(raw.event_ids().values()) == 1, "an event was published twice"
    assert subjects(raw) == [subject(i) for i in range(1, count + 1)]


def test_a_watcher_catches_up_hundreds_of_waiting_messages_once_each_in_order(
    rig: Rig, pubsub_emulator: str, running: Any
) -> None:
    count = 320  # more than three fetched batches of 100
    topic = f"events-{uuid.uuid4().hex[:8]}"
    raw = RawSubscription("demo-test", topic)
    rig.add_mailbox()
    append_many(rig, count)
    running(watcher(rig, PubSubEventSink("demo-test", topic), InMemoryBlobStore()))
    wait_for(lambda: last_uid(rig) == count, timeout=120, what="the cursor at the last UID")
    assert_once_each_in_order(raw, count)
    assert all(attrs["event_id"] for _, attrs in raw.received)


def test_a_raw_store_failure_mid_batch_keeps_the_cursor_before_it_and_nothing_after_it_out(
    rig: Rig, pubsub_emulator: str, running: Any
) -> None:
    count, k = 250, 137  # k in the middle of the second batch (UIDs 101-200)
    topic = f"events-{uuid.uuid4().hex[:8]}"
    raw = RawSubscription("demo-test", topic)
    rig.add_mailbox()
    append_many(rig, count)
    blobs = RefusingBlobs(subject(k))
    running(watcher(rig, PubSubEventSink("demo-test", topic), blobs))
    wait_for(lambda: last_uid(rig) == k - 1, timeout=120, what="the cursor just before k")
    raw.pull(until=k - 1, timeout_s=60)
    raw.pull(timeout_s=4)  # while the watcher retries k (and fails) several times
    assert last_uid(rig) == k - 1  # never past the message not handed off
    assert subjects(raw) == [subject(i) for i in range(1, k)]  # nothing after k published
    blobs.refusing = False  # the raw store is back: the next retry goes through
    wait_for(lambda: last_uid(rig) == count, timeout=120, what="the cursor at the last UID")
    assert_once_each_in_order(raw, count)


def test_a_pubsub_outage_mid_catch_up_loses_reorders_and_duplicates_nothing(
    rig: Rig, pubsub_emulator: str, running: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = 300
    topic = f"events-{uuid.uuid4().hex[:8]}"
    raw = RawSubscription("demo-test", topic)
    rig.add_mailbox()
    append_many(rig, count)
    host, port = pubsub_emulator.rsplit(":", 1)
    with tcp_proxy(host, int(port)) as proxy:
        # only the watcher's publisher goes through the proxy (its client is made at the
        # first publish); the subscription reads from the emulator directly
        monkeypatch.setenv("PUBSUB_EMULATOR_HOST", proxy.address)
        # the outage starts as the third batch's first event is submitted: the events before
        # it are all acknowledged, so no publish is cut half way (one whose request the
        # emulator had taken would be published again: Pub/Sub is at-least-once, docs/events.md)
        down = threading.Event()
        sink = HoldingSink(topic, subject(201), down, proxy.down, timeout_s=2.0)
        running(watcher(rig, sink, InMemoryBlobStore()))
        wait_for(lambda: (last_uid(rig) or 0) >= 50, timeout=120, what="the catch-up under way")
        monkeypatch.setenv("PUBSUB_EMULATOR_HOST", pubsub_emulator)
        down.set()  # from the third batch on, every publish fails
        wait_for(sink.passed.is_set, timeout=120, what="the outage")
        time.sleep(4)
        stuck_at = last_uid(rig)
        proxy.up()
        wait_for(lambda: last_uid(rig) == count, timeout=120, what="the cursor at the last UID")
    assert stuck_at < count  # the outage did stop the catch-up part way
    assert_once_each_in_order(raw, count)


def test_a_failure_preparing_the_next_batch_while_one_publishes_publishes_none_of_it(
    rig: Rig, pubsub_emulator: str, running: Any
) -> None:
    count, k = 250, 101  # k: the first message of the second batch (UIDs 101-200)
    topic = f"events-{uuid.uuid4().hex[:8]}"
    raw = RawSubscription("demo-test", topic)
    rig.add_mailbox()
    append_many(rig, count)
    blobs = RefusingBlobs(subject(k))
    # the first batch's last event waits until the second batch's preparation has reached k
    # (and failed): the second batch is prepared while the first one is being published
    sink = HoldingSink(topic, subject(k - 1), blobs.refused)
    running(watcher(rig, sink, blobs))
    wait_for(lambda: last_uid(rig) == k - 1, timeout=120, what="the first batch handed off")
    raw.pull(until=k - 1, timeout_s=60)
    raw.pull(timeout_s=4)  # while the watcher retries k (and fails) several times
    assert sink.held, "the next batch was not prepared while the first one was published"
    assert last_uid(rig) == k - 1  # the first batch handed off whole, never past k
    assert subjects(raw) == [subject(i) for i in range(1, k)]  # nothing of the second batch
    blobs.refusing = False  # the raw store is back: the next retry goes through
    wait_for(lambda: last_uid(rig) == count, timeout=120, what="the cursor at the last UID")
    assert_once_each_in_order(raw, count)


def test_a_catch_up_marks_every_message_seen_on_the_one_connection_it_fetches_on(
    rig: Rig, pubsub_emulator: str, running: Any
) -> None:
    # a batch's after-processing actions go while the next batch is being fetched: on the
    # same IMAP connection, one at a time
    count = 250
    topic = f"events-{uuid.uuid4().hex[:8]}"
    raw = RawSubscription("demo-test", topic)
    rig.add_mailbox(after_processing=AfterProcessing.MARK_SEEN)
    append_many(rig, count)
    running(watcher(rig, PubSubEventSink("demo-test", topic), InMemoryBlobStore()))
    wait_for(lambda: last_uid(rig) == count, timeout=120, what="the cursor at the last UID")
    assert_once_each_in_order(raw, count)
    with IMAPClient("127.0.0.1", port=rig.dovecot.imap_port, ssl=False, timeout=30) as c:
        c.login(rig.user, rig.password)
        c.select_folder("INBOX", readonly=True)
        assert c.search(["UNSEEN"]) == []
        assert len(c.search(["SEEN"])) == count
