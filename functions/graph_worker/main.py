"""Queued Graph doorbells (Pub/Sub-triggered through Eventarc, retry policy on): each becomes
a delta sync or a lifecycle action. Thin: the work is in ``shared.pubsub_workers.graph_worker``.
Raising redelivers (only for retryable failures)."""

from __future__ import annotations

import base64
from typing import Any

import functions_framework

from shared.bootstrap import GraphParts
from shared.entrypoints import Lazy, function_logging

function_logging()  # JSON lines, redacted, from the first request on


def _build_parts() -> GraphParts:
    from shared.bootstrap import build_app, build_graph

    return build_graph(build_app())


parts = Lazy(_build_parts)


@functions_framework.cloud_event
def graph_worker(cloud_event: Any) -> None:
    message = (cloud_event.data or {}).get("message") or {}
    data = base64.b64decode(message.get("data") or b"")
    parts().worker.handle(data)
