"""Pub/Sub: the event sink, topic/subscription set-up and a tail for reading events back."""

from shared.adapters.pubsub.admin import (
    ensure_push_subscription,
    ensure_subscription,
    ensure_topic,
)
from shared.adapters.pubsub.sink import PubSubEventSink
from shared.adapters.pubsub.tail import EventTail

__all__ = [
    "EventTail",
    "PubSubEventSink",
    "ensure_push_subscription",
    "ensure_subscription",
    "ensure_topic",
]
