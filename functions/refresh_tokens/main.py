"""Scheduled (Cloud Scheduler, every 10 min): probe each OAuth grant every few hours so a
revoked grant is noticed before mail is missed and refresh tokens do not lapse for disuse
(the work is in shared.oauth.probe). A JSON body ``{"all": true}`` probes every grant now."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import functions_framework

from shared.entrypoints import Response, function_logging, http_boundary

function_logging()  # JSON lines, redacted, from the first request on


@functions_framework.http
@http_boundary
def refresh_tokens(request: Any) -> Response:
    from shared.bootstrap import build_app, build_oauth
    from shared.oauth.probe import probe_grants

    body = request.get_json(silent=True) or {}
    app = build_app()
    oauth = build_oauth(app)
    settings = oauth.settings
    counts = probe_grants(
        app.state,
        oauth.tokens,
        app.clock,
        every=timedelta(seconds=settings.probe_every_s),
        run_interval=timedelta(seconds=settings.probe_run_interval_s),
        everything=isinstance(body, dict) and body.get("all") is True,
    )
    return json.dumps(counts), 200, {"Content-Type": "application/json"}
