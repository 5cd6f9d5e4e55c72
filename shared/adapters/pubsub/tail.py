"""Read events back from a subscription (``mailingest events tail``, ``make run``, tests and
benchmarks): synchronous pulls in a bounded loop, each batch acknowledged when pulled (a tail
watches, it does not process), redeliveries of a message already yielded dropped (Pub/Sub
delivers at least once). Synchronous pull rather than streaming pull: no background
threads to stop, and every wait is bounded by the pull's own timeout."""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Iterator

import google.cloud.pubsub_v1 as pubsub_v1
import grpc  # type: ignore[import-untyped]
from google.api_core import exceptions as gexc
from google.pubsub_v1.services.subscriber.transports import SubscriberGrpcTransport

from shared.adapters.pubsub.admin import ensure_subscription, ensure_topic
from shared.errors import ServiceUnavailable

RECENT = 10_000  # message ids remembered to drop redeliveries


def _subscriber() -> pubsub_v1.SubscriberClient:
    host = os.environ.get("PUBSUB_EMULATOR_HOST")
    if not host:
        return pubsub_v1.SubscriberClient()
    # For the emulator the client opens grpc.insecure_channel(target) without options, so
    # gRPC's 4 MB receive limit applies (its cloud channel lifts it); events reach 10 MB.
    channel = grpc.insecure_channel(host, options=[("grpc.max_receive_message_length", -1)])
    return pubsub_v1.SubscriberClient(transport=SubscriberGrpcTransport(channel=channel))


class EventTail:
    def __init__(self, project: str, topic: str, subscription: str) -> None:
        self._project = project
        self._topic = topic
        self._subscription = subscription

    def iter(
        self,
        *,
        max_events: int = 0,
        timeout_s: float = 0,
        stop: threading.Event | None = None,
    ) -> Iterator[tuple[bytes, dict[str, str]]]:
        """Yield (data, attributes) as events arrive; ends after ``max_events`` events,
        ``timeout_s`` seconds or when ``stop`` is set (0 = no such bound)."""
        ensure_topic(self._project, self._topic)
        path = ensure_subscription(self._project, self._topic, self._subscription)
        deadline = time.monotonic() + timeout_s if timeout_s else None
        seen = 0
        recent: set[str] = set()
        order: deque[str] = deque()
        subscriber = _subscriber()
        with subscriber:
            while not (stop and stop.is_set()):
                if deadline is not None and time.monotonic() >= deadline:
                    return
                try:
                    response = subscriber.pull(
                        request={"subscription": path, "max_messages": 100}, timeout=2.0
                    )
                except (gexc.DeadlineExceeded, gexc.ServiceUnavailable):
                    continue  # nothing within the pull's own timeout, or a blip: ask again
                except gexc.GoogleAPIError as exc:
                    raise ServiceUnavailable(
                        f"pull {self._subscription}: {type(exc).__name__}"
                    ) from None
                if not response.received_messages:
                    time.sleep(0.05)
                    continue
                try:
                    subscriber.acknowledge(
                        request={
                            "subscription": path,
                            "ack_ids": [r.ack_id for r in response.received_messages],
                        },
                        timeout=10.0,
                    )
                except gexc.GoogleAPIError as exc:
                    # not yielded yet: Pub/Sub redelivers them after the ack deadline
                    raise ServiceUnavailable(
                        f"ack {self._subscription}: {type(exc).__name__}"
                    ) from None
                for received in response.received_messages:
                    # at-least-once delivery: a redelivered message keeps its message_id
                    if received.message.message_id in recent:
                        continue
                    recent.add(received.message.message_id)
                    order.append(received.message.message_id)
                    if len(order) > RECENT:
                        recent.discard(order.popleft())
                    yield received.message.data, dict(received.message.attributes)
                    seen += 1
                    if max_events and seen >= max_events:
                        return
