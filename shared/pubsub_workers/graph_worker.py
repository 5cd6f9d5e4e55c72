"""``graph_worker``: one queued Graph doorbell (``{"tenant_id", "mailbox_id",
"subscription_id", "lifecycle_event"}`` from ``graph_webhook``) becomes a sync or a lifecycle
action. Raising means "deliver again" (the trigger's retry policy is on): that is what a
retryable failure does — throttling, an outage, another instance syncing. A permanent one
(the mailbox is gone, the grant revoked) is logged and acknowledged: redelivery cannot help.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from shared.domain.models import Provider
from shared.errors import MailIngestError, NotFound, RetryableError
from shared.ids import MailboxId, TenantId
from shared.observability import log_labels
from shared.ports import MailboxStore
from shared.service.graph_sync import GraphSync

logger = logging.getLogger(__name__)


class GraphWorker:
    def __init__(self, state: MailboxStore, sync: GraphSync) -> None:
        self._state = state
        self._sync = sync

    def handle(self, data: bytes) -> str:
        try:
            bell: dict[str, Any] = json.loads(data)
            tenant, mailbox_id = TenantId(bell["tenant_id"]), MailboxId(bell["mailbox_id"])
            lifecycle = str(bell.get("lifecycle_event") or "")
        except (ValueError, KeyError, TypeError):
            logger.warning("graph doorbell dropped: malformed")
            return "dropped"
        with log_labels(tenant=tenant, mailbox=mailbox_id, provider="graph"):
            try:
                mailbox = self._state.get_mailbox(tenant, mailbox_id)
            except NotFound:
                logger.info("graph doorbell for a mailbox that no longer exists")
                return "gone"
            if mailbox.provider is not Provider.GRAPH:
                return "not-graph"
            try:
                if lifecycle:
                    return self._sync.lifecycle(mailbox, lifecycle)
                return self._sync.sync(mailbox).outcome
            except RetryableError:
                raise
            except MailIngestError as exc:
                logger.warning("graph sync failed", extra={"error": str(exc)[:200]})
                return "failed"
