"""Gmail's doorbell (HTTP): a Pub/Sub push — or the same through Eventarc as a CloudEvent —
saying "something changed in this account up to this historyId". Thin: the work is in
``shared.web.gmail_push`` (verify, parse, find the mailbox) and ``shared.service.gmail_sync``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import functions_framework

from shared.bootstrap import GmailParts
from shared.entrypoints import (
    Lazy,
    Response,
    bounded_body,
    function_logging,
    http_boundary,
    left_unread,
)

function_logging()  # JSON lines, redacted, from the first request on


def _build_parts() -> GmailParts:
    from shared.bootstrap import build_app, build_gmail

    return build_gmail(build_app())


parts = Lazy(_build_parts)


@functions_framework.http
def gmail_push(request: Any) -> Any:
    # the body is read only once the push's token is verified, and never past its limit
    read: list[bytes | None] = []

    def body(limit: int) -> bytes | None:
        read.append(bounded_body(request, limit))
        return read[-1]

    answer = http_boundary(lambda r: _handle(r, body))(request)
    # a body refused unread (no valid token, or over the limit) stays unread
    return answer if read and read[0] is not None else left_unread(answer)


def _handle(request: Any, body: Callable[[int], bytes | None]) -> Response:
    return parts().endpoint.handle(request.headers, body)
