"""Microsoft Graph change and lifecycle notifications (HTTP, public: Graph has no Google
identity). Thin: the validation handshake is answered first, before anything is built or
imported beyond the standard library (Graph waits 10 s for it); then the declared body
length (unsized or over the cap: refused unread, before anything is built); clientState check and
queueing are in ``shared.web.graph_webhook``; it answers 202 at once and makes no Graph
call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.entrypoints import (
    Response,
    body_too_large,
    function_logging,
    http_boundary,
    left_unread,
)
from shared.web.graph_validation import MAX_BODY_BYTES, validation_answer

if TYPE_CHECKING:
    from shared.web.graph_webhook import GraphWebhookEndpoint

function_logging()  # JSON lines, redacted, from the first request on

_endpoint: GraphWebhookEndpoint | None = None


def endpoint() -> GraphWebhookEndpoint:
    """Built on first use and reused (nothing is built at import time)."""
    global _endpoint
    if _endpoint is None:
        from shared.bootstrap import build_app, build_graph_webhook

        _endpoint = build_graph_webhook(build_app())
    return _endpoint


@functions_framework.http
def graph_webhook(request: Any) -> Any:
    validation = validation_answer(request.args)
    if validation is not None:
        return validation
    # the declared length first: an unsized or oversized body is refused unread
    refused = body_too_large(request, MAX_BODY_BYTES)
    if refused is not None:
        return left_unread(refused)
    return _notifications(request)


@http_boundary
def _notifications(request: Any) -> Response:
    return endpoint().handle(request.args, request.get_data(cache=False))
