"""``EventSink`` on Pub/Sub: ordered per mailbox (ordering key), acknowledged before return.

One publish attempt at a time per event. With message ordering on, the client retries a
publish internally forever (google-cloud-pubsub sets the retry deadline to "infinity"): a
call that gave up waiting would leave that attempt running, and the caller's retry would
publish the event a second time beside it (measured: the same event id twice, 19 ms apart,
after a 21 s outage). So the client's own retries are bounded inside our timeout, and a
future that has still not settled when we stop waiting is kept: the next publish of the same
event waits for it instead of sending another copy. Pub/Sub itself is at-least-once, so
consumers still dedupe by event id (docs/events.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import google.cloud.pubsub_v1 as pubsub_v1
from google.api_core import exceptions as gexc
from google.api_core import retry as gretry
from google.cloud.pubsub_v1.publisher import exceptions as pubsub_exceptions

from shared.adapters.memory_sinks import check_event_size
from shared.config import Settings
from shared.errors import SinkUnavailable

logger = logging.getLogger(__name__)
PUBLISH_TIMEOUT_S = 30.0
# the codes the publisher's own retry config treats as transient (pubsub_v1 gapic config)
_TRANSIENT = gretry.if_exception_type(
    gexc.Aborted,
    gexc.Cancelled,
    gexc.DeadlineExceeded,
    gexc.InternalServerError,
    gexc.ResourceExhausted,
    gexc.ServiceUnavailable,
    gexc.Unknown,
)
# refused at once: the key is paused after an earlier failure (until ``resume``)
_PAUSED = pubsub_exceptions.PublishToPausedOrderingKeyException
_IN_DOUBT_MAX = 1000  # unsettled publishes remembered (each is one event, usually none)


class PubSubEventSink:
    def __init__(
        self,
        project: str,
        topic: str = Settings.events_topic,
        publisher: pubsub_v1.PublisherClient | None = None,
        timeout_s: float = PUBLISH_TIMEOUT_S,
    ) -> None:
        self._project = project
        self._topic_id = topic
        self._publisher = publisher
        self._timeout = timeout_s
        self._lock = threading.Lock()
        # event -> the publish future we stopped waiting for before it settled
        self._in_doubt: OrderedDict[str, Any] = OrderedDict()

    @property
    def topic_path(self) -> str:
        return f"projects/{self._project}/topics/{self._topic_id}"

    def _client(self) -> pubsub_v1.PublisherClient:
        with self._lock:  # built lazily, once, on first use
            if self._publisher is None:
                options = pubsub_v1.types.PublisherOptions(enable_message_ordering=True)
                self._publisher = pubsub_v1.PublisherClient(publisher_options=options)
            return self._publisher

    def publish(self, data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> str:
        try:
            return self.submit(data, ordering_key, attributes)()
        except _Failed:
            self.resume(ordering_key)  # so the caller's retry can publish
            raise

    def resume(self, ordering_key: str) -> None:
        # An ordered key stays paused after a failure until resumed (google-cloud-pubsub
        # "resume_publish"); resuming a key that is not paused raises: nothing to do then.
        with contextlib.suppress(Exception):
            self._client().resume_publish(self.topic_path, ordering_key)

    def submit(
        self, data: bytes, ordering_key: str, attributes: Mapping[str, str]
    ) -> Callable[[], str]:
        """Hand the event to the client, which sends one ordering key's events in the order
        handed (batched) and fails every later one of the key when one fails; the call
        returned waits for the ack."""
        # refused here, as by the memory sink, rather than by the client after batching
        check_event_size(data, ordering_key, attributes)
        client = self._client()
        key = _event_key(data, ordering_key, attributes)
        with self._lock:
            future = self._in_doubt.pop(key, None)
        if future is None:
            # the client's retries end within half our budget, each RPC within the other
            # half: the future settles before we stop waiting for it
            budget = self._timeout / 2
            try:
                future = client.publish(
                    self.topic_path,
                    data,
                    ordering_key=ordering_key,
                    retry=gretry.Retry(
                        predicate=_TRANSIENT,
                        initial=0.1,
                        maximum=min(5.0, budget),
                        multiplier=1.3,
                        timeout=budget,
                    ),
                    timeout=budget,
                    **dict(attributes),
                )
            except (gexc.GoogleAPIError, RuntimeError, _PAUSED) as exc:
                raise self._failed(exc) from None
        return lambda: self._settle(future, key)

    def _settle(self, future: Any, key: str) -> str:
        try:
            message_id: str = future.result(timeout=self._timeout + 5.0)
            return message_id
        except FutureTimeout:
            # still in flight: never start a second attempt beside it; the caller's retry
            # waits for this one (and gets its message id if it lands)
            self._remember(key, future)
            logger.warning("publish not settled", extra={"topic": self._topic_id})
            raise SinkUnavailable(f"publish to {self._topic_id}: not settled") from None
        except (gexc.GoogleAPIError, RuntimeError, _PAUSED) as exc:
            raise self._failed(exc) from None

    def _failed(self, exc: Exception) -> _Failed:
        # the key is paused now: left so until ``resume``, so that nothing submitted after
        # this event is published before it
        logger.warning(
            "publish failed", extra={"topic": self._topic_id, "error": type(exc).__name__}
        )
        return _Failed(f"publish to {self._topic_id}: {type(exc).__name__}")

    def _remember(self, key: str, future: Any) -> None:
        with self._lock:
            self._in_doubt[key] = future
            while len(self._in_doubt) > _IN_DOUBT_MAX:
                self._in_doubt.popitem(last=False)


class _Failed(SinkUnavailable):
    """A publish that failed (not one still in flight): its ordering key is paused."""


def _event_key(data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> str:
    """The event's id when it has one (the pipeline's events do), else its content."""
    event_id = attributes.get("event_id")
    if event_id:
        return f"{ordering_key}\n{event_id}"
    return f"{ordering_key}\n{hashlib.sha256(data).hexdigest()}"
