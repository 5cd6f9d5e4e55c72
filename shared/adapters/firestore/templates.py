"""Template examples learned from label corrections: ``tenants/{t}/templates/{id}`` =
``{id, sender, label, subject: [token], opening: [token], created_at, created_by}`` — the
masked tokens only, never a body. Under the tenant's document, so one tenant's listing can
never include another tenant's examples."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from shared.adapters.firestore.client import FirestorePart, doc_id
from shared.adapters.firestore.errors import mapped
from shared.domain.classification.templates import MAX_EXAMPLES, TemplateExample
from shared.ids import TenantId

logger = logging.getLogger(__name__)

# a listing reads at most this many (the service keeps MAX_EXAMPLES; a few more may exist
# for a moment while two corrections race)
_LIST_LIMIT = 2 * MAX_EXAMPLES


def example_doc(example: TemplateExample) -> dict[str, Any]:
    return {
        "id": example.id,
        "sender": example.sender,
        "label": example.label,
        "subject": list(example.subject),
        "opening": list(example.opening),
        "created_at": example.created_at,
        "created_by": example.created_by,
    }


def _tokens(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValueError("tokens must be a list of strings")
    return tuple(value)


def example_from_doc(doc: dict[str, Any]) -> TemplateExample:
    """Raises ValueError (or KeyError, TypeError) for a document that is not an example."""
    created_at = doc["created_at"]
    if not isinstance(created_at, datetime):
        raise ValueError("created_at must be a timestamp")
    texts = {name: doc[name] for name in ("id", "sender", "label", "created_by")}
    if not all(isinstance(v, str) for v in texts.values()):
        raise ValueError("id, sender, label and created_by must be strings")
    return TemplateExample(
        id=texts["id"],
        sender=texts["sender"],
        label=texts["label"],
        subject=_tokens(doc["subject"]),
        opening=_tokens(doc["opening"]),
        created_at=created_at,
        created_by=texts["created_by"],
    )


class FirestoreTemplates(FirestorePart):
    def list_template_examples(self, tenant_id: TenantId) -> list[TemplateExample]:
        query = self._db.tenant(tenant_id).collection("templates").limit(_LIST_LIMIT)
        with mapped("list templates"):
            docs = [s.to_dict() or {} for s in query.stream(**self._db.list_call())]
        examples = []
        for doc in docs:
            try:
                examples.append(example_from_doc(doc))
            except (KeyError, TypeError, ValueError) as exc:
                logger.warning(
                    "unreadable template example ignored",
                    extra={"example_id": str(doc.get("id"))[:80], "error": str(exc)[:200]},
                )
        return sorted(examples, key=lambda e: (e.created_at, e.id))

    def put_template_example(self, tenant_id: TenantId, example: TemplateExample) -> None:
        ref = self._db.tenant(tenant_id).collection("templates").document(doc_id(example.id))
        with mapped("put template"):
            ref.set(example_doc(example), **self._db.call())

    def delete_template_example(self, tenant_id: TenantId, example_id: str) -> None:
        ref = self._db.tenant(tenant_id).collection("templates").document(doc_id(example_id))
        with mapped("delete template"):
            ref.delete(**self._db.call())
