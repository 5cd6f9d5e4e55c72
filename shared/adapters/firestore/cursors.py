"""Cursors: ``tenants/{t}/mailboxes/{m}/state/cursor`` = ``{value, version, updated_at}``.

Compare-and-set is a read and a conditional write (see ``client.py``): of many writers that
read the same version, exactly one write lands; the others get ConflictError.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.adapters.firestore.client import FirestorePart, without_write_id
from shared.adapters.firestore.stored import stored
from shared.domain.models import Cursor
from shared.errors import ConflictError
from shared.ids import MailboxId, TenantId


class FirestoreCursors(FirestorePart):
    def get_cursor(self, tenant_id: TenantId, mailbox_id: MailboxId) -> Cursor:
        snap = self._db.get(self._db.mailbox_state(tenant_id, mailbox_id, "cursor"), "get cursor")
        return stored(Cursor, without_write_id(snap.to_dict())) if snap.exists else Cursor()

    def compare_and_set_cursor(
        self,
        tenant_id: TenantId,
        mailbox_id: MailboxId,
        expected_version: int,
        value: Mapping[str, Any],
    ) -> Cursor:
        ref = self._db.mailbox_state(tenant_id, mailbox_id, "cursor")
        snap = self._db.get(ref, "set cursor")
        stored = int((snap.to_dict() or {}).get("version", 0)) if snap.exists else 0
        if stored != expected_version:
            raise ConflictError(
                f"cursor of {tenant_id}/{mailbox_id} is at version {stored}, not {expected_version}"
            )
        new = Cursor(
            value=dict(value), version=expected_version + 1, updated_at=self._db.clock.now()
        )
        if not self._db.write_if_unchanged(ref, snap, new.model_dump(), "set cursor"):
            raise ConflictError(
                f"cursor of {tenant_id}/{mailbox_id} moved past version {expected_version}"
            )
        return new
