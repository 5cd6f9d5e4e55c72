"""Graph subscription owners: ``graph_subscriptions/{subscription id}`` =
``{tenant_id, mailbox_id, client_state_sha256}``. The public webhook reads one document per
subscription it has not seen lately; the clientState itself is stored nowhere."""

from __future__ import annotations

from shared.adapters.firestore.client import FirestorePart, doc_id
from shared.adapters.firestore.errors import mapped
from shared.errors import NotFound
from shared.ids import MailboxId, TenantId
from shared.ports import GraphSubscriptionOwner


class FirestoreGraphSubscriptions(FirestorePart):
    def put_graph_subscription(self, owner: GraphSubscriptionOwner) -> None:
        ref = self._db.top("graph_subscriptions").document(doc_id(owner.subscription_id))
        doc = {
            "tenant_id": owner.tenant_id,
            "mailbox_id": owner.mailbox_id,
            "client_state_sha256": owner.client_state_sha256,
        }
        with mapped("put graph subscription"):
            ref.set(doc, **self._db.call())

    def get_graph_subscription(self, subscription_id: str) -> GraphSubscriptionOwner:
        ref = self._db.top("graph_subscriptions").document(doc_id(subscription_id))
        snap = self._db.get(ref, "get graph subscription")
        doc = snap.to_dict() if snap.exists else None
        if not doc:
            raise NotFound("not one of our Graph subscriptions")
        return GraphSubscriptionOwner(
            subscription_id,
            TenantId(str(doc["tenant_id"])),
            MailboxId(str(doc["mailbox_id"])),
            str(doc["client_state_sha256"]),
        )

    def delete_graph_subscription(self, subscription_id: str) -> None:
        ref = self._db.top("graph_subscriptions").document(doc_id(subscription_id))
        with mapped("delete graph subscription"):
            ref.delete(**self._db.call())
