"""What happens to a Gmail message after it was handed off: mark read (remove ``UNREAD``),
move (add the target label, remove the watched one: a move, not a copy), delete (to the
trash: ``users.messages.trash``). It never holds ingestion up: a refusal (a read-only grant:
403, a label gone: 400, throttling) leaves the messages published and the cursor moving; the
failure is logged and shown in the mailbox's health, and the action is dropped for those
messages."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from shared.domain.models import AfterProcessing, HealthUpdate, Mailbox
from shared.errors import MailIngestError
from shared.ports import Clock, GmailApi

logger = logging.getLogger(__name__)


def after_processing(
    mailbox: Mailbox,
    api: GmailApi,
    ids: Sequence[str],
    label_ids: Mapping[str, str],
    report: Callable[[HealthUpdate], None],
    clock: Clock,
) -> None:
    action = mailbox.after_processing
    if not ids or action is AfterProcessing.LEAVE:
        return
    try:
        if action is AfterProcessing.MARK_SEEN:
            api.modify(ids, add=(), remove=("UNREAD",))
        elif action is AfterProcessing.MOVE and mailbox.move_to:
            source = label_ids[mailbox.folder or "INBOX"]
            api.modify(ids, add=(label_ids[mailbox.move_to],), remove=(source,))
        elif action is AfterProcessing.DELETE:
            api.trash(ids)
    except MailIngestError as exc:
        message = f"after-processing ({action.value}) of {len(ids)} message(s) dropped: {exc}"
        logger.error(
            "gmail after-processing failed",
            extra={"action": action.value, "messages": len(ids), "error": str(exc)[:200]},
        )
        report(HealthUpdate(last_error=message[:300], last_error_at=clock.now(), errors=1))
