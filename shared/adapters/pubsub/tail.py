"""Read events back from a subscription (``mailingest events tail``, ``make run``, tests and
benchmarks): synchronous pulls in a bounded loop, each batch acknowledged when pulled (a tail
watches, it does not process), redeliveries of an event already yielded dropped by its
``event_id`` attribute (Pub/Sub delivers at least once; message ids are no key: a restarted
emulator numbers them from 1 again). Without a subscription name the tail reads a private
one of its own, deleted when it ends (and by Pub/Sub after a day unread), so it never
shares messages with another reader; a subscription that disappears is created again.
Synchronous pull rather than streaming pull: no background threads to stop, and every
wait is bounded by the pull's own timeout."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from typing import Any

import google.cloud.pubsub_v1 as pubsub_v1
import grpc  # type: ignore[import-untyped]
from google.api_core import exceptions as gexc
from google.pubsub_v1.services.subscriber.transports import SubscriberGrpcTransport

from shared.adapters.pubsub.admin import delete_subscription, ensure_subscription, ensure_topic
from shared.errors import ServiceUnavailable

logger = logging.getLogger(__name__)

RECENT = 10_000  # event ids remembered to drop redeliveries


def private_subscription_name(prefix: str = "mail-events-tail") -> str:
    """A subscription name no other reader uses: host, process and a random part."""
    host = "".join(c if c.isalnum() else "-" for c in socket.gethostname().lower())[:40]
    return f"{prefix}-{host}-{os.getpid()}-{secrets.token_hex(3)}"


class _Recent:
    """The last ``RECENT`` keys seen, to drop redeliveries."""

    def __init__(self) -> None:
        self._keys: set[str] = set()
        self._order: deque[str] = deque()

    def first_time(self, key: str) -> bool:
        if key in self._keys:
            return False
        self._keys.add(key)
        self._order.append(key)
        if len(self._order) > RECENT:
            self._keys.discard(self._order.popleft())
        return True


def _subscriber(emulator_host: str | None) -> pubsub_v1.SubscriberClient:
    if not emulator_host:
        return pubsub_v1.SubscriberClient()
    # For the emulator the client opens grpc.insecure_channel(target) without options, so
    # gRPC's 4 MB receive limit applies (its cloud channel lifts it); events reach 10 MB.
    channel = grpc.insecure_channel(
        emulator_host, options=[("grpc.max_receive_message_length", -1)]
    )
    return pubsub_v1.SubscriberClient(transport=SubscriberGrpcTransport(channel=channel))


class EventTail:
    def __init__(
        self,
        project: str,
        topic: str,
        subscription: str | None = None,
        *,
        emulator_host: str | None,
    ) -> None:
        """``emulator_host``: the local Pub/Sub emulator's ``host:port`` (the settings'
        PUBSUB_EMULATOR_HOST), None for Pub/Sub itself."""
        self._project = project
        self._emulator_host = emulator_host
        self._topic = topic
        self._private = subscription is None
        self.subscription = subscription or private_subscription_name()

    def iter(
        self,
        *,
        max_events: int = 0,
        timeout_s: float = 0,
        stop: threading.Event | None = None,
    ) -> Iterator[tuple[bytes, dict[str, str]]]:
        """Yield (data, attributes) as events arrive; ends after ``max_events`` events,
        ``timeout_s`` seconds or when ``stop`` is set (0 = no such bound)."""
        path = self.prepare()
        try:
            yield from self._pull_loop(path, max_events, timeout_s, stop)
        finally:
            if self._private:
                with contextlib.suppress(ServiceUnavailable):
                    delete_subscription(self._project, self.subscription)

    def prepare(self) -> str:
        """Create the topic and the subscription now, so that nothing published from here
        on is missed by a later ``iter`` (idempotent)."""
        ensure_topic(self._project, self._topic)
        return self._ensure_subscription()

    def _ensure_subscription(self) -> str:
        return ensure_subscription(
            self._project,
            self._topic,
            self.subscription,
            expire_after_idle_days=1 if self._private else 0,
        )

    def _pull_loop(
        self, path: str, max_events: int, timeout_s: float, stop: threading.Event | None
    ) -> Iterator[tuple[bytes, dict[str, str]]]:
        deadline = time.monotonic() + timeout_s if timeout_s else None
        seen = 0
        recent = _Recent()
        subscriber = _subscriber(self._emulator_host)
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
                except gexc.NotFound:
                    self._recreate()
                    continue
                except gexc.GoogleAPIError as exc:
                    raise ServiceUnavailable(
                        f"pull {self.subscription}: {type(exc).__name__}"
                    ) from None
                if not response.received_messages:
                    time.sleep(0.05)
                    continue
                self._acknowledge(subscriber, path, response.received_messages)
                for received in response.received_messages:
                    message = received.message
                    key = message.attributes.get("event_id") or f"msg:{message.message_id}"
                    if not recent.first_time(key):
                        continue
                    yield message.data, dict(message.attributes)
                    seen += 1
                    if max_events and seen >= max_events:
                        return

    def _recreate(self) -> None:
        logger.warning(
            "tail subscription disappeared; creating it again (events published meanwhile "
            "are not in it)",
            extra={"subscription": self.subscription},
        )
        time.sleep(0.5)  # bounded by the caller's loop; do not spin on a dead topic
        try:
            ensure_topic(self._project, self._topic)
            self._ensure_subscription()
        except ServiceUnavailable:
            pass  # the next pull says again

    def _acknowledge(
        self, subscriber: pubsub_v1.SubscriberClient, path: str, received: Any
    ) -> None:
        try:
            subscriber.acknowledge(
                request={"subscription": path, "ack_ids": [r.ack_id for r in received]},
                timeout=10.0,
            )
        except gexc.NotFound:
            return  # the subscription went; the pull loop recreates it
        except gexc.GoogleAPIError as exc:
            # not yielded yet: Pub/Sub redelivers them after the ack deadline
            raise ServiceUnavailable(f"ack {self.subscription}: {type(exc).__name__}") from None
