"""Replica membership: ``replicas/{holder}`` = ``{holder, worker, expires_at}``.

One heartbeat per replica every ``ttl / 3`` keeps every member lease it holds alive (see
``leases``): the store writes per replica, not per mailbox. A TTL policy on ``expires_at``
(infra/firestore.tf) deletes the heartbeats of replicas that died without leaving.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.adapters.firestore.client import FirestoreDb, FirestorePart, doc_id, without_write_id
from shared.adapters.firestore.errors import mapped
from shared.adapters.firestore.stored import stored
from shared.domain.models import Member


class FirestoreMembers(FirestorePart):
    def heartbeat(self, holder: str, worker: str, ttl: timedelta) -> bool:
        ref = self._db.top("replicas").document(doc_id(holder))
        snap = self._db.get(ref, "heartbeat")
        now = self._db.clock.now()
        was_live = snap.exists and _live(snap.to_dict(), now)
        member = Member(holder=holder, worker=worker, expires_at=now + ttl)
        with mapped("heartbeat"):
            ref.set(member.model_dump(), **self._db.call())
        return was_live

    def live_members(self) -> list[Member]:
        now = self._db.clock.now()
        docs = [s.to_dict() for s in self._db.stream(self._db.top("replicas"), "list replicas")]
        members = (stored(Member, without_write_id(d)) for d in docs if _live(d, now))
        return sorted(members, key=lambda m: m.holder)

    def leave(self, holder: str) -> None:
        with mapped("leave"):
            self._db.top("replicas").document(doc_id(holder)).delete(**self._db.call())


def member_doc_live(doc: dict[str, object] | None, now: datetime) -> bool:
    """A replica's heartbeat document not yet expired."""
    return _live(doc, now)


def _live(doc: dict[str, object] | None, now: datetime) -> bool:
    expires = (doc or {}).get("expires_at")
    return isinstance(expires, datetime) and expires > now


def member_live(db: FirestoreDb, holder: str, now: datetime) -> bool:
    """Whether ``holder``'s heartbeat is live (one read)."""
    snap = db.get(db.top("replicas").document(doc_id(holder)), "replica")
    return bool(snap.exists and _live(snap.to_dict(), now))
