"""Scheduled (Cloud Scheduler): ``{"task": "renew"}`` every 6 h renews every Gmail watch and
Graph subscription due within a day (a Graph 404 → created again); ``{"task": "resync"}``
every 15 min syncs every Gmail and Graph mailbox — the safety net that makes a lost
notification cost minutes, never mail. It lists the mailboxes and puts them on the task
topic in shards; ``mailbox_tasks`` does the work, scaled out by the platform. Thin: the work
is in ``shared.service.renewal``."""

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
    from shared.bootstrap import build_app, build_renewal_fanout
    from shared.service.mailbox_task import TASKS

    body = request.get_json(silent=True) or {}
    task = body.get("task") if isinstance(body, dict) else None
    if task not in TASKS:
        raise ValidationError('body must be {"task": "renew"} or {"task": "resync"}')
    counts = build_renewal_fanout(build_app()).dispatch(task)
    return json.dumps(counts), 200, {"Content-Type": "application/json"}
