"""One shard of the scheduled renewal or resync (Pub/Sub-triggered through Eventarc, retry
policy on), put on the task topic by ``renew_watches``: its mailboxes' watches and
subscriptions renewed, or synced. Thin: the work is in ``shared.service.renewal``. A task
that cannot be read is logged and dropped (delivering it again would not change it); a
failure to read the mailboxes raises, and the shard is delivered again."""

from __future__ import annotations

import base64
import logging
from typing import Any

import functions_framework

from shared.entrypoints import Lazy, function_logging
from shared.errors import ValidationError
from shared.service.mailbox_task import MailboxTask
from shared.service.renewal import Renewal

function_logging()  # JSON lines, redacted, from the first request on
logger = logging.getLogger(__name__)


def _build_renewal() -> Renewal:
    from shared.bootstrap import build_app, build_renewal

    return build_renewal(build_app())


renewal = Lazy(_build_renewal)


@functions_framework.cloud_event
def mailbox_tasks(cloud_event: Any) -> None:
    message = (cloud_event.data or {}).get("message") or {}
    try:
        task = MailboxTask.decode(base64.b64decode(message.get("data") or b""))
    except (ValidationError, ValueError) as exc:
        logger.error("mailbox task dropped: it cannot be read", extra={"error": str(exc)[:200]})
        return
    counts = renewal().run(task)
    logger.info("mailbox task done", extra={"task": task.task, "counts": counts})
