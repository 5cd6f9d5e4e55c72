"""Custom classification rules: ``tenants/{t}/rules/{rule id}``, the document as given."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.adapters.firestore.client import FirestorePart, doc_id, raw_id
from shared.adapters.firestore.errors import mapped
from shared.ids import TenantId


class FirestoreRules(FirestorePart):
    def list_rule_docs(self, tenant_id: TenantId) -> list[dict[str, Any]]:
        coll = self._db.tenant(tenant_id).collection("rules")
        snaps = [(raw_id(s.id), s.to_dict() or {}) for s in self._db.stream(coll, "list rules")]
        return [doc for _, doc in sorted(snaps, key=lambda pair: pair[0])]

    def put_rule_doc(self, tenant_id: TenantId, rule_id: str, doc: Mapping[str, Any]) -> None:
        ref = self._db.tenant(tenant_id).collection("rules").document(doc_id(rule_id))
        with mapped("put rule"):
            ref.set(dict(doc), **self._db.call())

    def delete_rule_doc(self, tenant_id: TenantId, rule_id: str) -> None:
        ref = self._db.tenant(tenant_id).collection("rules").document(doc_id(rule_id))
        with mapped("delete rule"):
            ref.delete(**self._db.call())
