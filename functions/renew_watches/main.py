"""Scheduled (Cloud Scheduler): ``{"task": "renew"}`` every 6 h renews every Gmail watch and
Graph subscription due within a day (a Graph 404 → created again); ``{"task": "resync"}``
every 15 min syncs every Gmail and Graph mailbox — the safety net that makes a lost
notification cost minutes, never mail. Thin: the work is
in ``shared.service.renewal``."""

from __future__ import annotations

import json
from typing import Any

import functions_framework

from shared.entrypoints import Response, function_logging, http_boundary
from shared.errors import ValidationError

function_logging()  # JSON lines, redacted, from the first request on


@functions_framework.http
@http_boundary
def renew_watches(request: Any) -> Response:
    from shared.bootstrap import build_app, build_gmail, build_graph
    from shared.service.renewal import Renewal

    body = request.get_json(silent=True) or {}
    task = body.get("task") if isinstance(body, dict) else None
    if task not in ("renew", "resync"):
        raise ValidationError('body must be {"task": "renew"} or {"task": "resync"}')
    app = build_app()
    renewal = Renewal(
        app.state,
        build_gmail(app).sync,
        build_graph(app).sync,
        concurrency=app.settings.gmail.resync_concurrency,
    )
    counts = renewal.renew() if task == "renew" else renewal.resync()
    return json.dumps(counts), 200, {"Content-Type": "application/json"}
