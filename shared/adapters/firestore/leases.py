"""Leases: ``leases/{name}`` = ``{name, holder, expires_at}`` (name quoted: "acme/booking"
becomes "acme%2Fbooking"). A member lease has no ``expires_at``: it is live while its
holder's heartbeat in ``replicas/`` is (``members``), so the TTL policy never deletes it
under a live holder and renewing it costs nothing.

Expiry is judged by the clock of the replica that reads it against the ``expires_at`` the
holder's clock wrote, so replicas need roughly synchronized clocks — Cloud Run instances are
NTP-synced to Google's time servers; keep the lease TTL far above any plausible skew. A TTL
policy on ``expires_at`` (infra/firestore.tf) deletes lapsed leases eventually; a lapsed
lease still present is simply free.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from shared.adapters.firestore.client import FirestoreDb, doc_id, raw_id, without_write_id
from shared.adapters.firestore.members import FirestoreMembers, member_doc_live, member_live
from shared.adapters.firestore.stored import stored
from shared.domain.models import Lease
from shared.errors import ConflictError

# A conditional write can lose only to another writer of the same lease; re-reading shows
# who. Three rounds settle any realistic contention (two replicas and a renewing thread).
_ROUNDS = 3

# (stored lease or None, now) -> may we write ours?
_Rule = Callable[[dict[str, Any] | None, datetime], bool]


def _ours(holder: str) -> _Rule:
    return lambda cur, _now: cur is not None and cur["holder"] == holder


class FirestoreLeases(FirestoreMembers):
    def try_acquire_lease(self, name: str, holder: str, ttl: timedelta) -> Lease | None:
        return self._write_lease(name, holder, ttl, self._free_or_ours(holder), "acquire lease")

    def take_member_lease(self, name: str, holder: str) -> bool:
        lease = self._write_lease(name, holder, None, self._free_or_ours(holder), "take lease")
        return lease is not None

    def _free_or_ours(self, holder: str) -> _Rule:
        return lambda cur, now: (
            cur is None or cur["holder"] == holder or not lease_live(self._db, cur, now)
        )

    def renew_lease(self, name: str, holder: str, ttl: timedelta) -> Lease | None:
        return self._write_lease(name, holder, ttl, _ours(holder), "renew lease")

    def release_lease(self, name: str, holder: str) -> None:
        ref = self._db.top("leases").document(doc_id(name))
        for _ in range(_ROUNDS):
            snap = self._db.get(ref, "release lease")
            if not snap.exists or (snap.to_dict() or {}).get("holder") != holder:
                return  # not ours (any more): nothing to give up
            if self._db.delete_if_unchanged(ref, snap, "release lease"):
                return
        raise ConflictError(f"lease {name} kept changing while being released")

    def list_leases(self) -> list[Lease]:
        docs = [s.to_dict() for s in self._db.stream(self._db.top("leases"), "list leases")]
        leases = (stored(Lease, without_write_id(d)) for d in docs)
        return sorted(leases, key=lambda lease: lease.name)

    def lease_held(self, name: str) -> bool:
        snap = self._db.get(self._db.top("leases").document(doc_id(name)), "read lease")
        current = snap.to_dict() if snap.exists else None
        return current is not None and lease_live(self._db, current, self._db.clock.now())

    def leases_held(self, names: Sequence[str]) -> set[str]:
        refs = {name: self._db.top("leases").document(doc_id(name)) for name in names}
        snaps = self._db.get_many(list(refs.values()), "read leases")
        now = self._db.clock.now()
        current: dict[str, dict[str, Any]] = {}
        for name, ref in refs.items():
            snap = snaps.get(ref.path)
            if snap is not None and snap.exists:
                current[name] = snap.to_dict() or {}
        timed = {n for n, c in current.items() if c.get("expires_at") is not None}
        holders = sorted({str(c.get("holder")) for n, c in current.items() if n not in timed})
        member_refs = [self._db.top("replicas").document(doc_id(h)) for h in holders]
        members = self._db.get_many(member_refs, "replicas")
        live = {
            raw_id(snap.id)
            for snap in members.values()
            if snap.exists and member_doc_live(snap.to_dict(), now)
        }
        return {
            n
            for n, c in current.items()
            if (c["expires_at"] > now if n in timed else str(c.get("holder")) in live)
        }

    def _write_lease(
        self, name: str, holder: str, ttl: timedelta | None, allowed: _Rule, operation: str
    ) -> Lease | None:
        ref = self._db.top("leases").document(doc_id(name))
        for _ in range(_ROUNDS):
            snap = self._db.get(ref, operation)
            now = self._db.clock.now()
            if not allowed(snap.to_dict() if snap.exists else None, now):
                return None
            lease = Lease(name=name, holder=holder, expires_at=None if ttl is None else now + ttl)
            doc = lease.model_dump(exclude_none=True)
            if self._db.write_if_unchanged(ref, snap, doc, operation):
                return lease
        return None  # others kept winning the write: not ours this round


def lease_live(db: FirestoreDb, current: dict[str, Any], now: datetime) -> bool:
    """A timed lease until its ``expires_at``; a member lease while its holder's heartbeat is
    live (one more read)."""
    expires = current.get("expires_at")
    if expires is not None:
        return bool(expires > now)
    return member_live(db, str(current.get("holder")), now)
