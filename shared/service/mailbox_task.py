"""One shard of the scheduled renewal or resync — what to do, and to which mailboxes — as
it travels on the task topic from ``renew_watches`` (or the settings page's "Sync now" of a
Gmail or Microsoft 365 mailbox) to ``mailbox_tasks``."""

from __future__ import annotations

import json
from dataclasses import dataclass

from shared.errors import ValidationError
from shared.ids import MailboxId, TenantId

TASKS = ("renew", "resync")
MAX_SHARD = 10_000  # mailboxes a task message may name (a 1 MB Pub/Sub message holds more)


@dataclass(frozen=True)
class MailboxTask:
    """One shard of a scheduled run: what to do, and to which mailboxes."""

    task: str
    mailboxes: tuple[tuple[TenantId, MailboxId], ...]

    def encode(self) -> bytes:
        keys = [f"{t}/{m}" for t, m in self.mailboxes]
        return json.dumps({"task": self.task, "mailboxes": keys}).encode()

    @classmethod
    def decode(cls, data: bytes) -> MailboxTask:
        """Raises ValidationError naming what is wrong."""
        try:
            body = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            raise ValidationError("a mailbox task is JSON") from None
        if not isinstance(body, dict) or body.get("task") not in TASKS:
            raise ValidationError(f"a mailbox task's task is one of {', '.join(TASKS)}")
        keys = body.get("mailboxes")
        if not isinstance(keys, list) or len(keys) > MAX_SHARD:
            raise ValidationError(f"a mailbox task names a list of at most {MAX_SHARD} mailboxes")
        mailboxes = []
        for key in keys:
            tenant, _, mailbox = str(key).partition("/")
            if not tenant or not mailbox:
                raise ValidationError("a mailbox task names mailboxes as tenant/mailbox")
            mailboxes.append((TenantId(tenant), MailboxId(mailbox)))
        return cls(str(body["task"]), tuple(mailboxes))
