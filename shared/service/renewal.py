"""The scheduled safety nets of the push providers: renew what lapses (Gmail watches last
7 days; Google advises renewing daily) and resync every mailbox, so that a lost doorbell
costs minutes, never mail. Mailboxes are handled concurrently with a bound; one failing
mailbox is counted and logged, and the others carry on."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from shared.domain.models import Mailbox, Provider
from shared.errors import MailIngestError
from shared.observability import log_labels
from shared.ports import StateStore
from shared.service.gmail_sync import GmailSync

logger = logging.getLogger(__name__)


class Renewal:
    def __init__(self, state: StateStore, gmail: GmailSync, *, concurrency: int = 16) -> None:
        self._state = state
        self._gmail = gmail
        self._concurrency = concurrency

    def renew(self) -> dict[str, int]:
        return self._each(lambda m: "renewed" if self._gmail.renew_if_due(m) else "not_due")

    def resync(self) -> dict[str, int]:
        return self._each(lambda m: self._gmail.sync(m).outcome)

    def _each(self, work: Callable[[Mailbox], str]) -> dict[str, int]:
        mailboxes = [
            m for m in self._state.list_mailboxes() if m.provider is Provider.GMAIL and m.enabled
        ]

        def one(mailbox: Mailbox) -> str:
            with log_labels(tenant=mailbox.tenant_id, mailbox=mailbox.id, provider="gmail"):
                try:
                    return work(mailbox)
                except MailIngestError as exc:
                    logger.warning(
                        "scheduled gmail task failed for a mailbox",
                        extra={"error": str(exc)[:200], "kind": type(exc).__name__},
                    )
                    return "failed"

        with ThreadPoolExecutor(max_workers=self._concurrency) as pool:
            counts = Counter(pool.map(one, mailboxes))
        return {"mailboxes": len(mailboxes), **counts}
