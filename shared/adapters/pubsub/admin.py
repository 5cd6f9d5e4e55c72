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
    project: str,
    topic: str,
    subscription: str,
    *,
    ordering: bool = True,
    expire_after_idle_days: int = 0,
) -> str:
    """Create ``subscription`` on ``topic`` unless it exists. ``expire_after_idle_days``
    (Pub/Sub's minimum is 1) lets Pub/Sub delete a private subscription nobody reads."""
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
                    **(
                        {"expiration_policy": {"ttl": {"seconds": expire_after_idle_days * 86400}}}
                        if expire_after_idle_days
                        else {}
                    ),
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


def delete_subscription(project: str, subscription: str) -> None:
    """Delete ``subscription``; one already gone is fine."""
    subscriber = pubsub_v1.SubscriberClient()
    path = subscriber.subscription_path(project, subscription)
    try:
        with subscriber:
            subscriber.delete_subscription(request={"subscription": path}, timeout=30)
    except gexc.NotFound:
        pass
    except gexc.GoogleAPIError as exc:
        raise ServiceUnavailable(
            f"delete subscription {subscription}: {type(exc).__name__}"
        ) from None


def ensure_push_subscription(project: str, topic: str, subscription: str, endpoint: str) -> str:
    """A push subscription on ``topic`` delivering to ``endpoint`` (created, or re-pointed)."""
    ensure_topic(project, topic)
    subscriber = pubsub_v1.SubscriberClient()
    path = subscriber.subscription_path(project, subscription)
    try:
        with subscriber:
            try:
                subscriber.create_subscription(
                    request={
                        "name": path,
                        "topic": f"projects/{project}/topics/{topic}",
                        "push_config": {"push_endpoint": endpoint},
                        "ack_deadline_seconds": 60,
                    },
                    timeout=30,
                )
            except gexc.AlreadyExists:
                subscriber.modify_push_config(
                    request={"subscription": path, "push_config": {"push_endpoint": endpoint}},
                    timeout=30,
                )
    except gexc.GoogleAPIError as exc:
        raise ServiceUnavailable(
            f"push subscription {subscription}: {type(exc).__name__}"
        ) from None
    return str(path)
