"""The scheduled safety nets of the push providers: renew what lapses (Gmail watches last
7 days, Google advises renewing daily; Graph subscriptions at most 4,230 minutes, the
stricter documented limit) and resync every mailbox, so that a lost doorbell costs minutes,
never mail. Mailboxes are handled concurrently with a bound; one failing mailbox is counted
and logged, and the others carry on."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from shared.config import GmailSettings
from shared.domain.models import API_PROVIDERS, Mailbox, Provider
from shared.errors import MailIngestError
from shared.observability import log_labels
from shared.ports import MailboxStore
from shared.service.gmail_sync import GmailSync
from shared.service.graph_sync import GraphSync

logger = logging.getLogger(__name__)


class Renewal:
    def __init__(
        self,
        state: MailboxStore,
        gmail: GmailSync | None,
        graph: GraphSync | None = None,
        *,
        concurrency: int = GmailSettings.resync_concurrency,
    ) -> None:
        self._state = state
        self._gmail = gmail
        self._graph = graph
        self._concurrency = concurrency

    def renew(self) -> dict[str, int]:
        return self._each(self._renew_one)

    def resync(self) -> dict[str, int]:
        return self._each(self._resync_one)

    def _renew_one(self, mailbox: Mailbox) -> str:
        if mailbox.provider is Provider.GMAIL and self._gmail is not None:
            return "renewed" if self._gmail.renew_if_due(mailbox) else "not_due"
        if mailbox.provider is Provider.GRAPH and self._graph is not None:
            return self._graph.renew_if_due(mailbox)
        return "not_configured"

    def _resync_one(self, mailbox: Mailbox) -> str:
        if mailbox.provider is Provider.GMAIL and self._gmail is not None:
            return self._gmail.sync(mailbox).outcome
        if mailbox.provider is Provider.GRAPH and self._graph is not None:
            return self._graph.sync(mailbox).outcome
        return "not_configured"

    def _each(self, work: Callable[[Mailbox], str]) -> dict[str, int]:
        mailboxes = [
            m for m in self._state.list_mailboxes() if m.provider in API_PROVIDERS and m.enabled
        ]

        def one(mailbox: Mailbox) -> str:
            provider = mailbox.provider.value
            with log_labels(tenant=mailbox.tenant_id, mailbox=mailbox.id, provider=provider):
                try:
                    return work(mailbox)
                except MailIngestError as exc:
                    logger.warning(
                        "scheduled renewal or resync failed for a mailbox",
                        extra={"error": str(exc)[:200], "kind": type(exc).__name__},
                    )
                    return "failed"

        with ThreadPoolExecutor(max_workers=self._concurrency) as pool:
            counts = Counter(pool.map(one, mailboxes))
        return {"mailboxes": len(mailboxes), **counts}
