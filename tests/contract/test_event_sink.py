"""One contract for every EventSink: memory, and Pub/Sub on the emulator."""

from __future__ import annotations

import os
import socket
import uuid
from typing import Any

import pytest

from shared.adapters.memory_sinks import InMemoryEventSink
from shared.adapters.pubsub import EventTail, PubSubEventSink, ensure_topic
from shared.errors import PermanentError, ServiceUnavailable


class Received:
    """Reads back what a sink published, whatever the sink."""

    def __init__(self, sink: Any, tail: EventTail | None) -> None:
        self.sink = sink
        self.tail = tail

    def take(self, n: int) -> list[tuple[bytes, dict[str, str]]]:
        if self.tail is None:
            return [(m.data, m.attributes) for m in self.sink.messages[:n]]
        return list(self.tail.iter(max_events=n, timeout_s=30))


@pytest.fixture(params=["memory", pytest.param("pubsub", marks=pytest.mark.integration)])
def sink_and_reader(request: pytest.FixtureRequest) -> tuple[Any, Received]:
    if request.param == "memory":
        sink = InMemoryEventSink()
        return sink, Received(sink, None)
    request.getfixturevalue("pubsub_emulator")
    topic = f"events-{uuid.uuid4().hex[:8]}"
    ensure_topic("demo-test", topic)
    tail = EventTail(
        "demo-test", topic, f"{topic}-sub", emulator_host=os.environ["PUBSUB_EMULATOR_HOST"]
    )
    list(tail.iter(timeout_s=0.5))  # creates the subscription before anything is published
    return PubSubEventSink("demo-test", topic), Received(None, tail)


def test_publish_then_receive_with_attributes(sink_and_reader: Any) -> None:
    sink, reader = sink_and_reader
    message_id = sink.publish(
        b'{"id":"e1"}', "acme/booking", {"tenant": "acme", "label": "booking"}
    )
    assert message_id
    ((data, attributes),) = reader.take(1)
    assert data == b'{"id":"e1"}'
    assert attributes == {"tenant": "acme", "label": "booking"}


def test_order_is_kept_per_mailbox(sink_and_reader: Any) -> None:
    sink, reader = sink_and_reader
    for i in range(50):
        sink.publish(str(i).encode(), "acme/booking", {"n": str(i)})
    received = reader.take(50)
    assert [int(d) for d, _ in received] == list(range(50))


def test_an_event_over_10_mb_is_refused_before_sending(sink_and_reader: Any) -> None:
    sink, reader = sink_and_reader
    # the limit is on the publish request, key and attributes included: 10 MB of data
    # alone is already too much; a little less goes through
    with pytest.raises(PermanentError):
        sink.publish(b"x" * (10 * 1000 * 1000), "acme/booking", {"size": "limit"})
    sink.publish(b"x" * (9_990_000), "acme/booking", {"size": "limit"})
    ((data, attributes),) = reader.take(1)
    assert (len(data), attributes) == (9_990_000, {"size": "limit"})


def test_the_memory_sink_fails_on_request_without_recording() -> None:
    sink = InMemoryEventSink()
    sink.fail_next(ServiceUnavailable("down"), times=2)
    for _ in range(2):
        with pytest.raises(ServiceUnavailable):
            sink.publish(b"1", "k", {})
    sink.publish(b"2", "k", {})
    assert [m.data for m in sink.messages] == [b"2"]


@pytest.mark.integration
def test_a_failed_ordered_publish_does_not_leave_its_key_paused(pubsub_emulator: str) -> None:
    # The client pauses an ordering key after a failed publish and refuses every later
    # publish on it until resume_publish; the sink resumes, so the caller's retry works.
    topic = f"late-{uuid.uuid4().hex[:8]}"
    sink = PubSubEventSink("demo-test", topic, timeout_s=10)
    with pytest.raises(ServiceUnavailable):
        sink.publish(b"first", "acme/booking", {})  # the topic does not exist yet
    ensure_topic("demo-test", topic)
    tail = EventTail(
        "demo-test", topic, f"{topic}-sub", emulator_host=os.environ["PUBSUB_EMULATOR_HOST"]
    )
    list(tail.iter(timeout_s=0.5))
    assert sink.publish(b"retried", "acme/booking", {"n": "1"})
    assert list(tail.iter(max_events=1, timeout_s=30)) == [(b"retried", {"n": "1"})]


def test_a_dead_pubsub_is_service_unavailable_within_the_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        monkeypatch.setenv("PUBSUB_EMULATOR_HOST", f"127.0.0.1:{s.getsockname()[1]}")
        sink = PubSubEventSink("demo-test", "mail-events", timeout_s=3)
        with pytest.raises(ServiceUnavailable):
            sink.publish(b"{}", "acme/booking", {})


def test_submitted_events_keep_their_order_without_waiting_for_each_ack(
    sink_and_reader: Any,
) -> None:
    sink, reader = sink_and_reader
    settles = [sink.submit(str(i).encode(), "acme/booking", {"n": str(i)}) for i in range(50)]
    assert all(settle() for settle in settles)
    assert [int(d) for d, _ in reader.take(50)] == list(range(50))


@pytest.mark.parametrize("kind", ["memory", pytest.param("pubsub", marks=pytest.mark.integration)])
def test_a_failed_submit_pauses_its_key_until_resumed(
    kind: str, request: pytest.FixtureRequest
) -> None:
    """A catch-up submits a batch's events without waiting: once one fails, nothing after it
    may reach the topic before it, so the key stays paused until the batch resumes it."""
    topic = f"paused-{uuid.uuid4().hex[:8]}"
    sink: Any
    if kind == "memory":
        sink = InMemoryEventSink()
        sink.fail_next(ServiceUnavailable("down"))
    else:
        request.getfixturevalue("pubsub_emulator")
        sink = PubSubEventSink("demo-test", topic, timeout_s=10)  # no topic yet: it fails
    with pytest.raises(ServiceUnavailable):
        sink.submit(b"first", "acme/booking", {})()
    if kind == "pubsub":
        ensure_topic("demo-test", topic)
    with pytest.raises(ServiceUnavailable):  # paused: refused, however healthy the topic
        sink.submit(b"second", "acme/booking", {})()
    assert sink.submit(b"other key", "acme/other", {})()  # other keys are not paused
    sink.resume("acme/booking")
    assert sink.submit(b"third", "acme/booking", {})()
    sink.resume("acme/booking")  # not paused: nothing happens
