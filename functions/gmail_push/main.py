"""Gmail's doorbell (HTTP): a Pub/Sub push — or the same through Eventarc as a CloudEvent —
saying "something changed in this account up to this historyId". Thin: the work is in
``shared.web.gmail_push`` (verify, parse, find the mailbox) and ``shared.service.gmail_sync``."""

from __future__ import annotations

from typing import Any

import functions_framework

from shared.bootstrap import GmailParts
from shared.entrypoints import Lazy, Response, function_logging, http_boundary

function_logging()  # JSON lines, redacted, from the first request on


def _build_parts() -> GmailParts:
    from shared.bootstrap import build_app, build_gmail

    return build_gmail(build_app())


parts = Lazy(_build_parts)


@functions_framework.http
@http_boundary
def gmail_push(request: Any) -> Response:
    return parts().endpoint.handle(request.headers, request.get_data(cache=False))
