"""The mailbox feed on Firestore: a listener (``on_snapshot``, the Listen API) on the
``mailboxes`` collection group. The first delivery is every mailbox (one read each), then
one read per document that changes — nothing while nothing changes, unlike re-listing.

A dropped stream ends the subscription (logged; ``active`` turns False) instead of being
resumed inside the library, so the watcher knows: it re-lists at once (nothing changed
meanwhile is missed) and subscribes again with backoff. The library's own resume would
hide the outage and retry without any pause (``throttle_reopen`` is off in its listener),
and would raise the final error on a thread of its own; here that error is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from google.cloud.firestore_v1.base_document import DocumentSnapshot
from google.cloud.firestore_v1.watch import ChangeType, Watch

from shared.adapters.firestore.client import FirestorePart, ReadCounter
from shared.adapters.firestore.errors import mapped
from shared.adapters.firestore.mailboxes import stored_mailbox
from shared.domain.models import Mailbox
from shared.ports import MailboxChanges

logger = logging.getLogger(__name__)
OPERATION = "watch mailboxes"


def _never(_exc: Exception) -> bool:
    return False


class _Listener(Watch):
    """The library's listener, ending at the first stream error and keeping the reason
    instead of raising it."""

    failure: object = None

    def _init_stream(self) -> None:
        super()._init_stream()  # type: ignore[no-untyped-call]
        if self._rpc is not None:
            self._rpc._should_recover = _never

    def close(self, reason: object = None) -> None:
        if reason is not None and self.failure is None:
            self.failure = reason
            logger.warning(
                "mailbox feed ended",
                extra={"operation": OPERATION, "error_class": type(reason).__name__},
            )
        super().close()  # type: ignore[no-untyped-call]


class FirestoreMailboxSubscription:
    def __init__(self, listener: _Listener) -> None:
        self._listener = listener

    @property
    def active(self) -> bool:
        return bool(self._listener.is_active)

    def close(self) -> None:
        try:
            self._listener.close()
        except Exception:  # closing a broken stream must not fail the caller
            logger.warning("closing the mailbox feed failed", exc_info=True)


class _Deliveries:
    """Turns the library's snapshots into ``MailboxChanges`` for one subscription."""

    def __init__(
        self, prefix: str, reads: ReadCounter, on_changes: Callable[[MailboxChanges], None]
    ) -> None:
        self._ours = f"{prefix}tenants/"
        self._reads = reads
        self._on_changes = on_changes
        self._first = True

    def __call__(self, docs: Sequence[Any], changes: Sequence[Any], _read_time: Any) -> None:
        try:
            if self._first:
                self._reads.add(OPERATION, max(1, len(docs)))
                self._first = False
                updated = tuple(m for d in docs if (m := self._mailbox(d)) is not None)
                self._on_changes(MailboxChanges(updated=updated, complete=True))
                return
            self._reads.add(OPERATION, len(changes))
            self._on_changes(self._delta(changes))
        except Exception:  # the library's consumer thread must not die of one delivery
            logger.exception("mailbox feed delivery failed")

    def _delta(self, changes: Sequence[Any]) -> MailboxChanges:
        updated: list[Mailbox] = []
        removed: list[str] = []
        for change in changes:
            snap: DocumentSnapshot[Any] = change.document
            if not snap.reference.path.startswith(self._ours):
                continue
            if change.type == ChangeType.REMOVED:
                removed.append(f"{snap.reference.parent.parent.id}/{snap.id}")
            elif (mailbox := self._mailbox(snap)) is not None:
                updated.append(mailbox)
        return MailboxChanges(updated=tuple(updated), removed=tuple(removed))

    def _mailbox(self, snap: DocumentSnapshot[Any]) -> Mailbox | None:
        if not snap.reference.path.startswith(self._ours):
            return None
        try:
            return stored_mailbox((snap.to_dict() or {})["settings"])
        except (KeyError, ValueError):
            # one unreadable document must not hide the others; re-listing would fail on it
            logger.error("unreadable mailbox document skipped", extra={"document": snap.id})
            return None


class FirestoreMailboxFeed(FirestorePart):
    def watch_mailboxes(
        self, on_changes: Callable[[MailboxChanges], None]
    ) -> FirestoreMailboxSubscription:
        deliveries = _Deliveries(self._db.prefix, self._db.reads, on_changes)
        query = self._db.client.collection_group("mailboxes")
        with mapped(OPERATION):
            listener = _Listener.for_query(  # type: ignore[no-untyped-call]
                query, deliveries, DocumentSnapshot
            )
        return FirestoreMailboxSubscription(listener)
