"""A publish that timed out during an outage was published again while the
first call's own retries also succeeded (the same event id twice on the topic). Against the
Pub/Sub emulator, made unreachable for a while through a resetting TCP proxy: every event id
reaches the subscription exactly once."""

from __future__ import annotations

import threading
import uuid

import google.cloud.pubsub_v1 as pubsub_v1
import pytest

from shared.adapters.memory_sinks import InMemoryBlobStore
from shared.adapters.memory_state import InMemoryStateStore
from shared.adapters.pubsub import PubSubEventSink
from shared.adapters.system_clock import SystemClock
from shared.domain.models import Mailbox, Provider, TlsMode
from shared.ids import MailboxId, TenantId
from shared.service.ingest import IngestOptions, IngestPipeline
from tests.fakes.raw_subscription import RawSubscription
from tests.fakes.tcp_proxy import tcp_proxy

pytestmark = pytest.mark.integration

MAILBOX = Mailbox(
    tenant_id=TenantId("acme"),
    id=MailboxId("booking"),
    provider=Provider.IMAP,
    address="booking@acme.example",
    host="127.0.0.1",
    tls=TlsMode.PLAIN,
)


def _message(i: int) -> bytes:
    return (
        f"From: res@hotel.example\r\nTo: booking@acme.example\r\nSubject: outage {i}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@hotel.example>\r\n\r\nRezervasyon {i}\r\n"
    ).encode()


@pytest.mark.slow
def test_events_published_through_an_outage_reach_the_topic_exactly_once(
    pubsub_emulator: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    topic = f"events-{uuid.uuid4().hex[:8]}"
    # every copy, duplicates included (EventTail would drop a repeated event id)
    raw = RawSubscription("demo-test", topic)
    host, port = pubsub_emulator.rsplit(":", 1)
    with tcp_proxy(host, int(port)) as proxy:
        # only the publisher goes through the proxy; the reading side talks to the emulator
        monkeypatch.setenv("PUBSUB_EMULATOR_HOST", proxy.address)
        publisher = pubsub_v1.PublisherClient(
            publisher_options=pubsub_v1.types.PublisherOptions(enable_message_ordering=True)
        )
        monkeypatch.setenv("PUBSUB_EMULATOR_HOST", pubsub_emulator)
        clock = SystemClock()
        # a short sink timeout: each call gives up long before the outage ends
        sink = PubSubEventSink("demo-test", topic, publisher=publisher, timeout_s=2.0)
        pipeline = IngestPipeline(
            InMemoryStateStore(clock),
            sink,
            InMemoryBlobStore(),
            clock,
            holder="w1",
            options=IngestOptions(publish_attempts=40, publish_wait_max_s=0.5),
        )
        assert pipeline.ingest(MAILBOX, "1/1", _message(1)).outcome == "published"  # warm
        proxy.down()
        restore = threading.Timer(8.0, proxy.up)  # down for longer than several sink timeouts
        restore.start()
        try:
            results = [pipeline.ingest(MAILBOX, f"1/{i}", _message(i)) for i in (2, 3, 4)]
        finally:
            restore.cancel()
            proxy.up()
        assert [r.outcome for r in results] == ["published"] * 3
        raw.pull(until=4, timeout_s=60)
        raw.pull(timeout_s=5)  # anything published twice arrives within seconds of the first
        publisher.stop()
    ids = raw.event_ids()
    assert all(n == 1 for n in ids.values()), f"published more than once: {ids}"
    assert {r.event_id for r in results} <= set(ids), "an event was lost"
