"""Microsoft Graph change and lifecycle notifications (HTTP, public: Graph has no Google
identity). Thin: the validation handshake is answered first, before anything is built or
imported beyond the standard library (Graph waits 10 s for it); clientState check and
queueing are in ``shared.web.graph_webhook``; it answers 202 at once and makes no Graph
call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.entrypoints import Response, function_logging, http_boundary
from shared.web.graph_validation import validation_answer

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
@http_boundary
def graph_webhook(request: Any) -> Response:
    validation = validation_answer(request.args)
    if validation is not None:
        return validation
    return endpoint().handle(request.args, request.get_data(cache=False))
