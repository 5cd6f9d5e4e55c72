"""Gmail's doorbell (HTTP): a Pub/Sub push — or the same through Eventarc as a CloudEvent —
saying "something changed in this account up to this historyId". Thin: the work is in
``shared.web.gmail_push`` (verify, parse, find the mailbox) and ``shared.service.gmail_sync``."""

from __future__ import annotations

from typing import Any

import functions_framework

from shared.bootstrap import GmailParts
from shared.entrypoints import Response, bounded_body, cap_body, function_logging, http_boundary
from shared.web.gmail_push import MAX_BODY_BYTES

function_logging()  # JSON lines, redacted, from the first request on

_parts: GmailParts | None = None


def parts() -> GmailParts:
    """Built on first use and reused (nothing is built at import time)."""
    global _parts
    if _parts is None:
        from shared.bootstrap import build_app, build_gmail

        _parts = build_gmail(build_app())
    return _parts


@functions_framework.http
@http_boundary
def gmail_push(request: Any) -> Response:
    # the body is read only once the push's token is verified, and never past its limit
    cap_body(request, MAX_BODY_BYTES)
    return parts().endpoint.handle(request.headers, lambda limit: bounded_body(request, limit))
