"""``mailingest events tail`` and ``make run`` read events back without dropping any: an event
is recognised by its id (a restarted emulator numbers message ids from 1 again), a vanished
subscription is created again, and the default subscription is private to the reader."""

from __future__ import annotations

import os
import threading
import time
import uuid
from typing import Any

import google.cloud.pubsub_v1 as pubsub_v1
import pytest
from google.api_core import exceptions as gexc

from shared.adapters.pubsub import EventTail, PubSubEventSink, ensure_topic

pytestmark = pytest.mark.integration
PROJECT = "demo-test"


def _subscription_exists(name: str) -> bool:
    with pubsub_v1.SubscriberClient() as subscriber:
        try:
            subscriber.get_subscription(
                request={"subscription": subscriber.subscription_path(PROJECT, name)}, timeout=10
            )
        except gexc.NotFound:
            return False
    return True


def _wait_for(check: Any, bound_s: float = 60) -> None:
    deadline = time.monotonic() + bound_s
    while not check():
        assert time.monotonic() < deadline, "condition not reached within the bound"
        time.sleep(0.1)


def test_the_tail_survives_an_emulator_reset_and_keeps_events_apart_by_id(
    request: pytest.FixtureRequest, pubsub_emulator: str
) -> None:
    topic = f"events-{uuid.uuid4().hex[:8]}"
    tail = EventTail(
        PROJECT, topic, f"{topic}-durable", emulator_host=os.environ["PUBSUB_EMULATOR_HOST"]
    )
    tail.prepare()
    got: list[str] = []
    reader = threading.Thread(
        target=lambda: got.extend(a["event_id"] for _d, a in tail.iter(max_events=2, timeout_s=90)),
        daemon=True,
    )
    reader.start()
    sink = PubSubEventSink(PROJECT, topic, timeout_s=10)
    sink.publish(b"{}", "acme/booking", {"event_id": "ev-before-reset"})
    _wait_for(lambda: got == ["ev-before-reset"])

    # topics, subscriptions and message ids: gone
    request.getfixturevalue("_service_pool").need(["pubsub"]).pubsub.reset()
    ensure_topic(PROJECT, topic)
    _wait_for(lambda: _subscription_exists(f"{topic}-durable"))  # the tail made it again
    PubSubEventSink(PROJECT, topic, timeout_s=10).publish(
        b"{}", "acme/booking", {"event_id": "ev-after-reset"}
    )
    reader.join(timeout=90)
    assert got == ["ev-before-reset", "ev-after-reset"]


def test_a_redelivered_event_is_shown_once(pubsub_emulator: str) -> None:
    topic = f"events-{uuid.uuid4().hex[:8]}"
    tail = EventTail(
        PROJECT, topic, f"{topic}-sub", emulator_host=os.environ["PUBSUB_EMULATOR_HOST"]
    )
    tail.prepare()
    sink = PubSubEventSink(PROJECT, topic, timeout_s=10)
    for n in range(3):  # the same event published three times (at-least-once upstream)
        sink.publish(b"{}", "acme/booking", {"event_id": "ev-1", "n": str(n)})
    sink.publish(b"{}", "acme/booking", {"event_id": "ev-2"})
    events = [a["event_id"] for _d, a in tail.iter(max_events=2, timeout_s=60)]
    assert events == ["ev-1", "ev-2"]


def test_the_default_subscription_is_private_and_removed_at_the_end(pubsub_emulator: str) -> None:
    topic = f"events-{uuid.uuid4().hex[:8]}"
    first, second = (
        EventTail(PROJECT, topic, emulator_host=os.environ["PUBSUB_EMULATOR_HOST"]),
        EventTail(PROJECT, topic, emulator_host=os.environ["PUBSUB_EMULATOR_HOST"]),
    )
    assert first.subscription != second.subscription
    first.prepare()
    second.prepare()
    PubSubEventSink(PROJECT, topic, timeout_s=10).publish(b"x", "k", {"event_id": "ev-only"})
    # both readers see the one event: they share no subscription
    assert [a["event_id"] for _d, a in first.iter(max_events=1, timeout_s=60)] == ["ev-only"]
    assert [a["event_id"] for _d, a in second.iter(max_events=1, timeout_s=60)] == ["ev-only"]
    assert not _subscription_exists(first.subscription)
    assert not _subscription_exists(second.subscription)
