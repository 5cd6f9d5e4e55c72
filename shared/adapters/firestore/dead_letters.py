"""Dead letters: ``dead_letters/{event id}``, filtered by ``tenant_id`` for one tenant."""

from __future__ import annotations

from google.cloud.firestore_v1.base_query import FieldFilter

from shared.adapters.firestore.client import FirestorePart, doc_id
from shared.adapters.firestore.errors import mapped
from shared.adapters.firestore.stored import stored
from shared.domain.models import DeadLetter
from shared.errors import NotFound
from shared.ids import TenantId


class FirestoreDeadLetters(FirestorePart):
    def put_dead_letter(self, letter: DeadLetter) -> None:
        ref = self._db.top("dead_letters").document(doc_id(letter.id))
        with mapped("put dead letter"):
            ref.set(letter.model_dump(), **self._db.call())

    def get_dead_letter(self, letter_id: str) -> DeadLetter:
        ref = self._db.top("dead_letters").document(doc_id(letter_id))
        snap = self._db.get(ref, "get dead letter")
        if not snap.exists:
            raise NotFound(f"dead letter {letter_id} not found")
        return stored(DeadLetter, snap.to_dict())

    def list_dead_letters(self, tenant_id: TenantId | None = None) -> list[DeadLetter]:
        query = self._db.top("dead_letters")
        if tenant_id is not None:
            # ordered here rather than by the server: an equality filter alone needs no
            # composite index
            query = query.where(filter=FieldFilter("tenant_id", "==", tenant_id))  # type: ignore[assignment]
        docs = [s.to_dict() for s in self._db.stream(query, "list dead letters")]
        letters = [stored(DeadLetter, d) for d in docs]
        return sorted(letters, key=lambda d: d.last_failed_at)

    def delete_dead_letter(self, letter_id: str) -> None:
        ref = self._db.top("dead_letters").document(doc_id(letter_id))
        with mapped("delete dead letter"):
            ref.delete(**self._db.call())
