"""Every copy a topic delivers, duplicates included, for tests that count them. ``EventTail``
drops a repeated ``event_id`` (what a reader wants), so it cannot show that an event was
published twice; this pulls from its own subscription on the emulator and keeps all."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import datetime

import google.cloud.pubsub_v1 as pubsub_v1
from google.api_core import exceptions as gexc

from shared.adapters.pubsub import ensure_topic
from shared.adapters.pubsub.admin import ensure_subscription


class RawSubscription:
    def __init__(self, project: str, topic: str) -> None:
        ensure_topic(project, topic)
        # created now: everything published from here on is in it
        self.path = ensure_subscription(project, topic, f"{topic}-raw-{uuid.uuid4().hex[:6]}")
        self.received: list[tuple[bytes, dict[str, str]]] = []
        self.published_at: list[datetime] = []  # by copy received: when the topic took it

    def pull(self, *, until: int = 0, timeout_s: float) -> list[tuple[bytes, dict[str, str]]]:
        """Pull (and acknowledge) for ``timeout_s`` seconds, or until ``until`` copies in all
        have been received; returns everything received so far."""
        deadline = time.monotonic() + timeout_s
        with pubsub_v1.SubscriberClient() as subscriber:
            while time.monotonic() < deadline and not (until and len(self.received) >= until):
                try:
                    response = subscriber.pull(
                        request={"subscription": self.path, "max_messages": 100}, timeout=2.0
                    )
                except (gexc.DeadlineExceeded, gexc.ServiceUnavailable):
                    continue
                if not response.received_messages:
                    time.sleep(0.05)
                    continue
                subscriber.acknowledge(
                    request={
                        "subscription": self.path,
                        "ack_ids": [r.ack_id for r in response.received_messages],
                    }
                )
                self.received += [
                    (r.message.data, dict(r.message.attributes)) for r in response.received_messages
                ]
                self.published_at += [r.message.publish_time for r in response.received_messages]
        return self.received

    def event_ids(self) -> Counter[str]:
        return Counter(attributes["event_id"] for _, attributes in self.received)
