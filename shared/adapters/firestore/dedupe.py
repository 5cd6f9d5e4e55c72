"""Dedupe claims: ``dedupe/{key}`` = ``{status: pending|done, holder, claimed_at,
expires_at[, done_at]}``.

``claim`` is create-if-absent (one RPC on the common path); an existing claim is read and,
when it is a pending claim older than ``in_flight_timeout`` (its holder crashed) or past its
``expires_at``, taken over by a conditional write — of many racing claimers exactly one gets
CLAIMED. ``expires_at`` carries the Firestore TTL policy (infra/firestore.tf); TTL deletion
lags by up to a day (https://cloud.google.com/firestore/docs/ttl), so an expired claim still
present is treated as absent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from google.api_core import exceptions as gexc

from shared.adapters.firestore.client import FirestorePart, doc_id
from shared.adapters.firestore.errors import mapped
from shared.errors import ConflictError
from shared.ports import ClaimOutcome

# complete_claim of a key with no claim (it was released, or expired and deleted) still
# records "done" — the event was published — for this long. Same in InMemoryStateStore.
DONE_WITHOUT_CLAIM_TTL = timedelta(days=30)
_ROUNDS = 3


def _live(claim: dict[str, Any], now: datetime) -> bool:
    """Not past its TTL. A claim without ``expires_at`` (written by hand) never expires."""
    expires = claim.get("expires_at")
    return expires is None or bool(expires > now)


def _pending(holder: str, now: datetime, ttl: timedelta) -> dict[str, Any]:
    return {"status": "pending", "holder": holder, "claimed_at": now, "expires_at": now + ttl}


class FirestoreDedupe(FirestorePart):
    def claim(
        self, key: str, holder: str, ttl: timedelta, in_flight_timeout: timedelta
    ) -> ClaimOutcome:
        ref = self._db.top("dedupe").document(doc_id(key))
        if self._db.create_once(ref, _pending(holder, self._db.clock.now(), ttl), "claim"):
            return ClaimOutcome.CLAIMED
        for _ in range(_ROUNDS):
            snap = self._db.get(ref, "claim")
            now = self._db.clock.now()
            current = snap.to_dict() if snap.exists else None
            if current is not None and _live(current, now):
                if current.get("status") == "done":
                    return ClaimOutcome.DONE
                if now - current.get("claimed_at", now) < in_flight_timeout:
                    return ClaimOutcome.BUSY
            # absent, expired, or a crashed holder's stale pending claim: take it
            if self._db.write_if_unchanged(ref, snap, _pending(holder, now, ttl), "claim"):
                return ClaimOutcome.CLAIMED
        return ClaimOutcome.BUSY  # others kept winning: someone is in flight with it

    def complete_claim(self, key: str, holder: str) -> None:
        ref = self._db.top("dedupe").document(doc_id(key))
        now = self._db.clock.now()
        done = {"status": "done", "holder": holder, "done_at": now}
        with mapped("complete claim"):
            for _ in range(_ROUNDS):
                try:
                    # keeps claimed_at and expires_at; idempotent, so retries are safe
                    ref.update(done, **self._db.call())
                    return
                except gexc.NotFound:
                    pass
                try:
                    expires = now + DONE_WITHOUT_CLAIM_TTL
                    ref.create(
                        {**done, "claimed_at": now, "expires_at": expires}, **self._db.call()
                    )
                    return
                except gexc.AlreadyExists:
                    pass  # created meanwhile (or by our retried attempt): update it
        raise ConflictError(f"claim {key} kept changing")

    def release_claim(self, key: str, holder: str) -> None:
        ref = self._db.top("dedupe").document(doc_id(key))
        for _ in range(_ROUNDS):
            snap = self._db.get(ref, "release claim")
            current = snap.to_dict() if snap.exists else None
            if not current or current.get("status") != "pending" or current.get("holder") != holder:
                return  # done, gone, or taken over by someone else: not ours to drop
            if self._db.delete_if_unchanged(ref, snap, "release claim"):
                return
        raise ConflictError(f"claim {key} kept changing")
