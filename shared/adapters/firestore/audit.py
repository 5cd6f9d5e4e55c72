"""Audit: ``tenants/{t}/audit/{auto id}``, so one tenant's listing can never include another
tenant's entries. Newest first via the automatic single-field index on ``at``."""

from __future__ import annotations

import contextlib

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.adapters.firestore.client import FirestorePart
from shared.adapters.firestore.errors import mapped
from shared.adapters.firestore.stored import stored
from shared.domain.models import AuditEntry
from shared.ids import TenantId


class FirestoreAudit(FirestorePart):
    def append_audit(self, entry: AuditEntry) -> None:
        # The id is chosen here, so a retried create that already landed shows up as
        # AlreadyExists: the entry is written exactly once.
        ref = self._db.tenant(entry.tenant_id).collection("audit").document()
        with mapped("append audit"), contextlib.suppress(gexc.AlreadyExists):
            ref.create(entry.model_dump(), **self._db.call())

    def list_audit(self, tenant_id: TenantId, limit: int = 100) -> list[AuditEntry]:
        query = (
            self._db.tenant(tenant_id)
            .collection("audit")
            .order_by("at", direction=firestore.Query.DESCENDING)
            .limit(limit)
        )
        docs = [s.to_dict() for s in self._db.stream(query, "list audit")]
        return [stored(AuditEntry, d) for d in docs]
