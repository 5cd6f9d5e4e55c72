"""The scheduled safety nets of the push providers: renew what lapses (Gmail watches last
7 days, Google advises renewing daily; Graph subscriptions at most 4,230 minutes, the
stricter documented limit) and resync every mailbox, so that a lost doorbell costs minutes,
never mail.

The scheduled run (``RenewalFanOut``, in ``renew_watches``) only lists the mailboxes and puts
them on the task topic in shards, one message each; ``mailbox_tasks`` works a shard
(``Renewal.run``), as many at once as the platform scales to, each retried on its own — so
the run's time does not grow with the number of mailboxes. Within a shard, mailboxes are
handled concurrently with a bound; one failing mailbox is counted and logged, and the others
carry on."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from shared.config import GmailSettings
from shared.domain.models import API_PROVIDERS, Mailbox, Provider
from shared.errors import MailIngestError, NotFound, ValidationError
from shared.observability import log_labels
from shared.ports import MailboxStore, TaskQueue
from shared.service.gmail_sync import GmailSync
from shared.service.graph_sync import GraphSync
from shared.service.mailbox_task import TASKS, MailboxTask

logger = logging.getLogger(__name__)


def _on_push(mailbox: Mailbox) -> bool:
    """A mailbox the scheduled renewal and resync are for: enabled, on Gmail or Graph."""
    return mailbox.provider in API_PROVIDERS and mailbox.enabled


def push_mailboxes(state: MailboxStore) -> list[Mailbox]:
    return [m for m in state.list_mailboxes() if _on_push(m)]


class RenewalFanOut:
    """The scheduled run: the enabled push mailboxes, in shards, on the task topic."""

    def __init__(self, state: MailboxStore, queue: TaskQueue, *, shard_mailboxes: int) -> None:
        self._state = state
        self._queue = queue
        self._shard = shard_mailboxes

    def dispatch(self, task: str) -> dict[str, int]:
        """Raises what the store or the queue raise (the scheduler's retry runs it again:
        a shard published twice renews or syncs its mailboxes twice, harmlessly)."""
        if task not in TASKS:
            raise ValidationError(f"the task is one of {', '.join(TASKS)}")
        keys = sorted((m.tenant_id, m.id) for m in push_mailboxes(self._state))
        shards = [tuple(keys[i : i + self._shard]) for i in range(0, len(keys), self._shard)]
        waiting = [
            self._queue.submit(MailboxTask(task, shard).encode(), "", {"task": task})
            for shard in shards
        ]
        for settled in waiting:
            settled()
        return {"mailboxes": len(keys), "shards": len(shards)}


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
        return self._each(push_mailboxes(self._state), self._renew_one)

    def resync(self) -> dict[str, int]:
        return self._each(push_mailboxes(self._state), self._resync_one)

    def run(self, shard: MailboxTask) -> dict[str, int]:
        """One shard: each of its mailboxes still there, enabled and on a push provider.
        Raises only what reading the mailboxes raises (the shard is then delivered again)."""
        found: list[Mailbox] = []
        gone = 0
        for tenant_id, mailbox_id in shard.mailboxes:
            try:
                mailbox = self._state.get_mailbox(tenant_id, mailbox_id)
            except NotFound:
                gone += 1  # removed since the run listed it
                continue
            if _on_push(mailbox):
                found.append(mailbox)
            else:
                gone += 1
        work = self._renew_one if shard.task == "renew" else self._resync_one
        counts = self._each(found, work)
        return {**counts, "gone": gone} if gone else counts

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

    def _each(self, mailboxes: Sequence[Mailbox], work: Callable[[Mailbox], str]) -> dict[str, int]:
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
