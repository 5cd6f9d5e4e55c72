"""What every Firestore part shares: the client, the clock, the collection prefix, bounded
call options, document paths and the conditional write that replaces transactions.

Why conditional writes instead of ``firestore.transactional``: every state change here
touches one document, and a read followed by a write with a ``last_update_time`` (or
``exists=False``, i.e. ``create()``) precondition is exactly as atomic — Firestore rejects
the write with FAILED_PRECONDITION / ALREADY_EXISTS when anyone wrote in between
(https://cloud.google.com/firestore/docs/manage-data/transactions#transactions_and_batched_writes;
``Client.write_option``). Unlike the library's transaction runner, every RPC takes our
``timeout=`` and ``retry=`` (its BeginTransaction/Commit/Rollback always use the 60 s GAPIC
defaults, and a failed BeginTransaction surfaces as a bare ValueError), and there are no
server-side lock waits under contention.

A retried write may have been applied the first time. Each conditional write therefore
carries a random ``write_id``; when the precondition fails we re-read, and if the stored
``write_id`` is ours the write did land.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from google.api_core import exceptions as gexc
from google.api_core.retry import Retry
from google.cloud import firestore
from google.cloud.firestore_v1.base_document import DocumentSnapshot
from google.cloud.firestore_v1.collection import CollectionReference
from google.cloud.firestore_v1.document import DocumentReference

from shared.adapters.firestore.errors import mapped
from shared.ports import Clock

Snapshot = DocumentSnapshot[DocumentReference]

DEFAULT_TIMEOUT_S = 10.0
WRITE_ID = "write_id"  # the field that tells a retried conditional write it already landed

_RETRYABLE = (
    gexc.ServiceUnavailable,
    gexc.DeadlineExceeded,
    gexc.InternalServerError,
    gexc.ResourceExhausted,
)


def _retryable(exc: Exception) -> bool:
    return isinstance(exc, _RETRYABLE)


def doc_id(raw: str) -> str:
    """A Firestore document id for an arbitrary string, reversible with ``unquote``.

    Ids may not contain "/", be "." or "..", or match ``__.*__``
    (https://firebase.google.com/docs/firestore/quotas#collections_documents_and_fields).
    Everyday ids (``acme``, ``acme.booking.3fa2...``) are unchanged.
    """
    quoted = quote(raw, safe="")
    if quoted in ("", ".", "..") or (quoted.startswith("__") and quoted.endswith("__")):
        return "".join(f"%{b:02X}" for b in raw.encode())
    return quoted


def raw_id(document_id: str) -> str:
    return unquote(document_id)


class ReadCounter:
    """Documents read, by operation, as Firestore bills them (one per document a get or a
    query returns, one per document a listener delivers): ``make bench`` reports them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, operation: str, documents: int = 1) -> None:
        with self._lock:
            self._counts[operation] += documents

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())


@dataclass
class FirestoreDb:
    """The client plus our conventions. ``prefix`` namespaces the top-level collections
    (tests, or two deployments sharing a database)."""

    client: firestore.Client
    clock: Clock
    prefix: str = ""
    timeout_s: float = DEFAULT_TIMEOUT_S
    retry: Retry = field(init=False)
    reads: ReadCounter = field(init=False, default_factory=ReadCounter)

    def __post_init__(self) -> None:
        # Each call retries transient errors with backoff, all within timeout_s; then the
        # caller gets ServiceUnavailable. A dead Firestore never hangs a worker.
        self.retry = Retry(
            initial=0.1, maximum=1.0, multiplier=2.0, timeout=self.timeout_s, predicate=_retryable
        )

    def call(self) -> dict[str, Any]:
        """``timeout=`` / ``retry=`` for a single-document call."""
        return {"timeout": self.timeout_s, "retry": self.retry}

    def list_call(self) -> dict[str, Any]:
        """Queries stream every document in one RPC: a longer deadline, same retry budget."""
        return {"timeout": self.timeout_s * 3, "retry": self.retry}

    # -- paths --------------------------------------------------------------------------
    def top(self, name: str) -> CollectionReference:
        return self.client.collection(f"{self.prefix}{name}")

    def tenant(self, tenant_id: str) -> DocumentReference:
        return self.top("tenants").document(tenant_id)

    def mailbox(self, tenant_id: str, mailbox_id: str) -> DocumentReference:
        return self.client.document(f"{self.prefix}tenants", tenant_id, "mailboxes", mailbox_id)

    def mailbox_state(self, tenant_id: str, mailbox_id: str, name: str) -> DocumentReference:
        """``.../mailboxes/{m}/state/{cursor|health}``: apart from the settings document."""
        path = (f"{self.prefix}tenants", tenant_id, "mailboxes", mailbox_id, "state", name)
        return self.client.document(*path)

    # -- reads and conditional writes ---------------------------------------------------
    def get(self, ref: DocumentReference, operation: str) -> Snapshot:
        self.reads.add(operation)
        with mapped(operation):
            return ref.get(**self.call())

    def stream(self, query: Any, operation: str) -> list[Snapshot]:
        """Every document ``query`` returns (a query or a collection), read and counted."""
        with mapped(operation):
            snaps: Iterable[Snapshot] = query.stream(**self.list_call())
            found = list(snaps)
        self.reads.add(operation, max(1, len(found)))  # an empty answer is billed as one
        return found

    def write_if_unchanged(
        self,
        ref: DocumentReference,
        snap: Snapshot,
        doc: Mapping[str, Any],
        operation: str,
    ) -> bool:
        """Write ``doc`` (all its fields, plus a fresh ``write_id``) only if the document is
        still as ``snap`` saw it: absent → create, present → unchanged since. False when
        someone else wrote first."""
        token = uuid.uuid4().hex
        body = {**doc, WRITE_ID: token}
        with mapped(operation):
            try:
                if snap.exists:
                    option = self.client.write_option(last_update_time=snap.update_time)
                    ref.update(body, option=option, **self.call())
                else:
                    ref.create(body, **self.call())
                return True
            except (gexc.FailedPrecondition, gexc.AlreadyExists, gexc.NotFound):
                pass  # lost the race — or our own first attempt landed; look
        return self.landed(ref, token, operation)

    def create_once(self, ref: DocumentReference, doc: Mapping[str, Any], operation: str) -> bool:
        """Create-if-absent in one RPC. False when the document exists (and is not the one
        our own retried first attempt created)."""
        token = uuid.uuid4().hex
        with mapped(operation):
            try:
                ref.create({**doc, WRITE_ID: token}, **self.call())
                return True
            except gexc.AlreadyExists:
                pass
        return self.landed(ref, token, operation)

    def delete_if_unchanged(self, ref: DocumentReference, snap: Snapshot, operation: str) -> bool:
        """Delete only if unchanged since ``snap``. False when someone else wrote first."""
        option = self.client.write_option(last_update_time=snap.update_time)
        with mapped(operation):
            try:
                ref.delete(option=option, **self.call())
            except gexc.FailedPrecondition:
                # changed meanwhile, or already deleted by our own retried first attempt
                return not self.get(ref, operation).exists
            except gexc.NotFound:
                return True
        return True

    def landed(self, ref: DocumentReference, token: str, operation: str) -> bool:
        snap = self.get(ref, operation)
        return bool(snap.exists and (snap.to_dict() or {}).get(WRITE_ID) == token)


def without_write_id(data: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (data or {}).items() if k != WRITE_ID}


class FirestorePart:
    """Base of the per-concept stores; ``FirestoreStateStore`` inherits them all, sharing
    one ``FirestoreDb``. Each part also works alone (``FirestoreLeases(db)``)."""

    def __init__(self, db: FirestoreDb) -> None:
        self._db = db
