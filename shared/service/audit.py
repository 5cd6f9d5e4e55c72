"""The services' one way to write the audit trail: who changed what, when, stamped by the
clock and logged (action, target, actor; never the details). ``details`` must never carry a
secret value."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from shared.domain.models import AuditEntry
from shared.ids import TenantId
from shared.ports import AuditLog, Clock

logger = logging.getLogger(__name__)


class AuditTrail:
    def __init__(self, log: AuditLog, clock: Clock) -> None:
        self._log = log
        self._clock = clock

    def record(
        self,
        tenant_id: TenantId,
        actor: str,
        action: str,
        target: str,
        details: Mapping[str, object],
    ) -> None:
        self._log.append_audit(
            AuditEntry(
                tenant_id=tenant_id,
                actor=actor,
                action=action,
                target=target,
                at=self._clock.now(),
                details=dict(details),
            )
        )
        logger.info("audit", extra={"action": action, "target": target, "actor": actor})
