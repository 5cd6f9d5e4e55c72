"""Idempotent topic and subscription creation (local runs and tests; Terraform in the cloud)."""

from __future__ import annotations

import google.cloud.pubsub_v1 as pubsub_v1
from google.api_core import exceptions as gexc

from shared.errors import ServiceUnavailable


def ensure_topic(project: str, topic: str) -> str:
    publisher = pubsub_v1.PublisherClient()
    path = publisher.topic_path(project, topic)
    try:
        publisher.create_topic(name=path, timeout=30)
    except gexc.AlreadyExists:
        pass
    except gexc.GoogleAPIError as exc:
        raise ServiceUnavailable(f"create topic {topic}: {type(exc).__name__}") from None
    finally:
        publisher.transport.close()  # its gRPC channel; nothing was published through it
    return str(path)


def ensure_subscription(
    project: str, topic: str, subscription: str, *, ordering: bool = True
) -> str:
    subscriber = pubsub_v1.SubscriberClient()
    path = subscriber.subscription_path(project, subscription)
    try:
        with subscriber:
            subscriber.create_subscription(
                request={
                    "name": path,
                    "topic": f"projects/{project}/topics/{topic}",
                    "enable_message_ordering": ordering,
                    "ack_deadline_seconds": 60,
                },
                timeout=30,
            )
    except gexc.AlreadyExists:
        pass
    except gexc.GoogleAPIError as exc:
        raise ServiceUnavailable(
            f"create subscription {subscription}: {type(exc).__name__}"
        ) from None
    return str(path)
