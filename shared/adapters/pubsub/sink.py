"""``EventSink`` on Pub/Sub: ordered per mailbox (ordering key), acknowledged before return."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Mapping
from concurrent.futures import TimeoutError as FutureTimeout

import google.cloud.pubsub_v1 as pubsub_v1
from google.api_core import exceptions as gexc

from shared.adapters.memory_sinks import check_event_size
from shared.errors import ServiceUnavailable

logger = logging.getLogger(__name__)
PUBLISH_TIMEOUT_S = 30.0


class PubSubEventSink:
    def __init__(
        self,
        project: str,
        topic: str = "mail-events",
        publisher: pubsub_v1.PublisherClient | None = None,
        timeout_s: float = PUBLISH_TIMEOUT_S,
    ) -> None:
        self._project = project
        self._topic_id = topic
        self._publisher = publisher
        self._timeout = timeout_s
        self._lock = threading.Lock()

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
        # refused here, as by the memory sink, rather than by the client after batching
        check_event_size(data, ordering_key, attributes)
        client = self._client()
        try:
            future = client.publish(
                self.topic_path, data, ordering_key=ordering_key, **dict(attributes)
            )
            message_id: str = future.result(timeout=self._timeout)
            return message_id
        except (gexc.GoogleAPIError, FutureTimeout, RuntimeError) as exc:
            # An ordered key stays paused after a failure until resumed; resume so the
            # caller's retry can publish (google-cloud-pubsub "resume_publish").
            with contextlib.suppress(Exception):
                client.resume_publish(self.topic_path, ordering_key)
            logger.warning(
                "publish failed", extra={"topic": self._topic_id, "error": type(exc).__name__}
            )
            raise ServiceUnavailable(f"publish to {self._topic_id}: {type(exc).__name__}") from None
