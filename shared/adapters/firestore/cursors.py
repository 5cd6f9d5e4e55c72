"""Cursors: ``tenants/{t}/mailboxes/{m}/state/cursor`` = ``{value, version, updated_at}``;
a POP3 cursor's seen-set shards beside it, ``state/seen-00`` … ``seen-15`` = ``{digests}``.

Compare-and-set is a read and a conditional write (see ``client.py``): of many writers that
read the same version, exactly one write lands; the others get ConflictError. The shards go
in the same atomic batch as the cursor's conditional write.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from google.api_core import exceptions as gexc

from shared.adapters.firestore.client import WRITE_ID, FirestorePart, without_write_id
from shared.adapters.firestore.errors import mapped
from shared.adapters.firestore.stored import stored
from shared.domain.models import Cursor
from shared.errors import ConflictError
from shared.ids import MailboxId, TenantId


def seen_shard_doc(index: int) -> str:
    return f"seen-{index:02d}"


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

    def get_seen_shards(
        self, tenant_id: TenantId, mailbox_id: MailboxId, shards: int
    ) -> dict[int, bytes]:
        refs = [
            self._db.mailbox_state(tenant_id, mailbox_id, seen_shard_doc(i)) for i in range(shards)
        ]
        with mapped("get seen shards"):
            snaps = list(self._db.client.get_all(refs, **self._db.call()))
        self._db.reads.add("get seen shards", len(snaps))
        found: dict[int, bytes] = {}
        for snap in snaps:
            if snap.exists:
                found[int(snap.id.removeprefix("seen-"))] = bytes(snap.get("digests"))
        return found

    def compare_and_set_seen(
        self,
        tenant_id: TenantId,
        mailbox_id: MailboxId,
        expected_version: int,
        value: Mapping[str, Any],
        shards: Mapping[int, bytes],
    ) -> Cursor:
        ref = self._db.mailbox_state(tenant_id, mailbox_id, "cursor")
        snap = self._db.get(ref, "set seen")
        stored = int((snap.to_dict() or {}).get("version", 0)) if snap.exists else 0
        if stored != expected_version:
            raise ConflictError(
                f"cursor of {tenant_id}/{mailbox_id} is at version {stored}, not {expected_version}"
            )
        new = Cursor(
            value=dict(value), version=expected_version + 1, updated_at=self._db.clock.now()
        )
        token = uuid.uuid4().hex
        batch = self._db.client.batch()
        body = {**new.model_dump(), WRITE_ID: token}
        if snap.exists:
            option = self._db.client.write_option(last_update_time=snap.update_time)
            batch.update(ref, body, option=option)
        else:
            batch.create(ref, body)
        for index, digests in shards.items():
            shard = self._db.mailbox_state(tenant_id, mailbox_id, seen_shard_doc(index))
            batch.set(shard, {"digests": digests})
        with mapped("set seen"):
            try:
                batch.commit(**self._db.call())
                return new
            except (gexc.FailedPrecondition, gexc.AlreadyExists, gexc.NotFound):
                pass  # lost the race — or our own first attempt landed; look
        if not self._db.landed(ref, token, "set seen"):
            raise ConflictError(
                f"cursor of {tenant_id}/{mailbox_id} moved past version {expected_version}"
            )
        return new
