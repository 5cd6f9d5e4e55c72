"""Mailbox settings: ``tenants/{t}/mailboxes/{m}`` = ``{"settings": <Mailbox JSON>,
"tenant_id": t}``.

Only settings live in that document; the cursor and health are the documents
``.../mailboxes/{m}/state/cursor`` and ``.../state/health`` (and the lease is
``leases/{t%2Fm}``). So ``put_mailbox`` may replace the whole document without clobbering a
cursor, and the ~1 write/s of health never contends with a settings edit or a cursor
compare-and-set (Firestore sustains about one write per second per document).
"""

from __future__ import annotations

from typing import Any

from google.cloud.firestore_v1.base_query import FieldFilter

from shared.adapters.firestore.client import FirestorePart
from shared.adapters.firestore.cursors import seen_shard_doc
from shared.adapters.firestore.errors import mapped
from shared.adapters.firestore.stored import stored
from shared.domain.models import Mailbox, Provider
from shared.domain.seen_uidls import SHARDS
from shared.errors import NotFound
from shared.ids import MailboxId, TenantId

STATE_DOCS = ("cursor", "health", *(seen_shard_doc(i) for i in range(SHARDS)))


def address_key(provider: Provider, address: str) -> str:
    return f"{provider.value}:{address.strip().lower()}"


def stored_mailbox(settings: dict[str, Any]) -> Mailbox:
    """A mailbox document's settings as a Mailbox (``stored``: what a newer release added,
    at the top or in the ``oauth`` grant, is left out)."""
    return stored(Mailbox, settings)


def _mailbox(data: dict[str, Any] | None) -> Mailbox:
    return stored_mailbox((data or {})["settings"])


class FirestoreMailboxes(FirestorePart):
    def put_mailbox(self, mailbox: Mailbox) -> None:
        doc = {
            "settings": mailbox.model_dump(mode="json"),
            "tenant_id": mailbox.tenant_id,
            "address_key": address_key(mailbox.provider, mailbox.push_address or mailbox.address),
        }
        with mapped("put mailbox"):
            self._db.mailbox(mailbox.tenant_id, mailbox.id).set(doc, **self._db.call())

    def get_mailbox(self, tenant_id: TenantId, mailbox_id: MailboxId) -> Mailbox:
        snap = self._db.get(self._db.mailbox(tenant_id, mailbox_id), "get mailbox")
        if not snap.exists:
            raise NotFound(f"mailbox {tenant_id}/{mailbox_id} not found")
        return _mailbox(snap.to_dict())

    def list_mailboxes(self, tenant_id: TenantId | None = None) -> list[Mailbox]:
        if tenant_id is None:
            # Every tenant's mailboxes in one collection-group query; keep only those
            # under our own (prefixed) tenants collection.
            ours = f"{self._db.prefix}tenants/"
            query = self._db.client.collection_group("mailboxes")
            docs = [
                s.to_dict()
                for s in self._db.stream(query, "list mailboxes")
                if s.reference.path.startswith(ours)
            ]
        else:
            coll = self._db.tenant(tenant_id).collection("mailboxes")
            docs = [s.to_dict() for s in self._db.stream(coll, "list mailboxes")]
        return sorted((_mailbox(d) for d in docs), key=lambda m: (m.tenant_id, m.id))

    def find_mailboxes(self, provider: Provider, address: str) -> list[Mailbox]:
        """A collection-group query on ``address_key`` (single-field index with collection
        group scope: infra/firestore.tf)."""
        ours = f"{self._db.prefix}tenants/"
        query = self._db.client.collection_group("mailboxes").where(
            filter=FieldFilter("address_key", "==", address_key(provider, address))
        )
        docs = [
            s.to_dict()
            for s in self._db.stream(query, "find mailboxes")
            if s.reference.path.startswith(ours)
        ]
        return sorted((_mailbox(d) for d in docs), key=lambda m: (m.tenant_id, m.id))

    def delete_mailbox(self, tenant_id: TenantId, mailbox_id: MailboxId) -> None:
        """The settings, cursor and health go together (one atomic batch): a mailbox added
        again later starts from an empty cursor."""
        batch = self._db.client.batch()
        for name in STATE_DOCS:
            batch.delete(self._db.mailbox_state(tenant_id, mailbox_id, name))
        batch.delete(self._db.mailbox(tenant_id, mailbox_id))
        with mapped("delete mailbox"):
            batch.commit(**self._db.call())
