"""Dedupe claims: ``dedupe/{key}`` = ``{status: pending|done, holder, claimed_at,
expires_at[, lease, tenant, event_id, done_at]}``.

A claim that names its event (``tenant``, ``event_id``) is done once that event's summary is
stored (``tenants/{tenant}/events/{event_id}``, written when the event is published): the
summary is the completion, so a published message costs two writes here — the claim and
the summary. Only a contended claim reads the summary (a redelivery, a takeover).

``claim`` is create-if-absent (one RPC on the common path); an existing claim is read and,
when it is past its ``expires_at``, a pending claim older than ``in_flight_timeout``, or a
pending claim naming a ``lease`` (the mailbox lease of the watcher that claimed it) its holder
no longer holds — the holder's incarnation died or lost the mailbox, so it stopped renewing —
taken over by a conditional write: of many racing claimers exactly one gets CLAIMED.
``expires_at`` carries the Firestore TTL policy (infra/firestore.tf); TTL deletion
lags by up to a day (https://cloud.google.com/firestore/docs/ttl), so an expired claim still
present is treated as absent.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from google.api_core import exceptions as gexc

from shared.adapters.firestore.client import WRITE_ID, FirestorePart, doc_id
from shared.adapters.firestore.errors import mapped
from shared.adapters.firestore.leases import lease_live
from shared.adapters.firestore.write_pbs import add_create
from shared.errors import ConflictError
from shared.ports import ClaimOutcome, EventMark

# complete_claim of a key with no claim (it was released, or expired and deleted) still
# records "done" — the event was published — for this long. Same in InMemoryStateStore.
DONE_WITHOUT_CLAIM_TTL = timedelta(days=30)
_ROUNDS = 3
_BATCH_MAX = 500  # writes in one Firestore batch


def _live(claim: dict[str, Any], now: datetime) -> bool:
    """Not past its TTL. A claim without ``expires_at`` (written by hand) never expires."""
    expires = claim.get("expires_at")
    return expires is None or bool(expires > now)


def _pending(
    holder: str, now: datetime, ttl: timedelta, lease: str | None, mark: EventMark | None
) -> dict[str, Any]:
    claim: dict[str, Any] = {
        "status": "pending",
        "holder": holder,
        "claimed_at": now,
        "expires_at": now + ttl,
    }
    if lease:
        claim["lease"] = lease
    if mark is not None:
        claim["tenant"], claim["event_id"] = mark.tenant_id, mark.event_id
    return claim


class FirestoreDedupe(FirestorePart):
    def claim(
        self,
        key: str,
        holder: str,
        ttl: timedelta,
        in_flight_timeout: timedelta,
        *,
        lease: str | None = None,
        mark: EventMark | None = None,
    ) -> ClaimOutcome:
        ref = self._db.top("dedupe").document(doc_id(key))
        now = self._db.clock.now()
        if self._db.create_once(ref, _pending(holder, now, ttl, lease, mark), "claim"):
            return ClaimOutcome.CLAIMED
        for _ in range(_ROUNDS):
            snap = self._db.get(ref, "claim")
            now = self._db.clock.now()
            current = snap.to_dict() if snap.exists else None
            if current is not None and _live(current, now):
                if current.get("status") == "done" or self._summarized(current):
                    return ClaimOutcome.DONE
                in_flight = now - current.get("claimed_at", now) < in_flight_timeout
                if in_flight and self._holder_alive(current, now):
                    return ClaimOutcome.BUSY
            # absent, expired, or a crashed holder's pending claim: take it
            taken = _pending(holder, now, ttl, lease, mark)
            if self._db.write_if_unchanged(ref, snap, taken, "claim"):
                return ClaimOutcome.CLAIMED
        return ClaimOutcome.BUSY  # others kept winning: someone is in flight with it

    def _summarized(self, claim: dict[str, Any]) -> bool:
        """Whether the event a pending claim names has its summary stored (one read): then
        it was published and the claim is done."""
        tenant, eid = claim.get("tenant"), claim.get("event_id")
        if not tenant or not eid:
            return False
        events = self._db.tenant(str(tenant)).collection("events")
        return bool(self._db.get(events.document(doc_id(str(eid))), "claim event").exists)

    def _holder_alive(self, claim: dict[str, Any], now: datetime) -> bool:
        """Whether the claim's holder still holds the lease the claim names (one read, only
        when a claim is contended). A claim without a lease lives until in_flight_timeout."""
        name = claim.get("lease")
        if not name:
            return True
        snap = self._db.get(self._db.top("leases").document(doc_id(name)), "claim lease")
        held = snap.to_dict() if snap.exists else None
        return bool(
            held is not None
            and held.get("holder") == claim.get("holder")
            and lease_live(self._db, held, now)
        )

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

    def claim_many(
        self,
        claims: Mapping[str, str | None],
        holder: str,
        ttl: timedelta,
        in_flight_timeout: timedelta,
        *,
        marks: Mapping[str, EventMark] | None = None,
    ) -> dict[str, ClaimOutcome]:
        """One atomic batch of creates (one RPC): all new, all ours. When any exists, none
        was written, and each is claimed on its own (a retried commit whose first attempt
        landed is recognised by its ``write_id``). A failure part way releases what this
        call claimed before it raises."""
        marks = marks or {}
        if len(claims) < 2 or len(claims) > _BATCH_MAX:
            return self._claim_each(claims, holder, ttl, in_flight_timeout, marks, token=None)
        now = self._db.clock.now()
        token = uuid.uuid4().hex
        batch = self._db.client.batch()
        for key, lease in claims.items():
            pending = _pending(holder, now, ttl, lease, marks.get(key))
            add_create(batch, self._ref(key), {**pending, WRITE_ID: token})
        with mapped("claim"):
            try:
                batch.commit(**self._db.call())
                return dict.fromkeys(claims, ClaimOutcome.CLAIMED)
            except gexc.AlreadyExists:
                pass
        return self._claim_each(claims, holder, ttl, in_flight_timeout, marks, token=token)

    def _claim_each(
        self,
        claims: Mapping[str, str | None],
        holder: str,
        ttl: timedelta,
        in_flight_timeout: timedelta,
        marks: Mapping[str, EventMark],
        *,
        token: str | None,
    ) -> dict[str, ClaimOutcome]:
        outcomes: dict[str, ClaimOutcome] = {}
        try:
            for key, lease in claims.items():
                snap = self._db.get(self._ref(key), "claim") if token else None
                if snap is not None and (snap.to_dict() or {}).get(WRITE_ID) == token:
                    outcomes[key] = ClaimOutcome.CLAIMED  # our batch landed after all
                else:
                    outcomes[key] = self.claim(
                        key, holder, ttl, in_flight_timeout, lease=lease, mark=marks.get(key)
                    )
        except Exception:
            for key, outcome in outcomes.items():
                if outcome is ClaimOutcome.CLAIMED:
                    self.release_claim(key, holder)
            raise
        return outcomes

    def complete_claims(self, keys: Sequence[str], holder: str) -> None:
        """One atomic batch of updates (one RPC) when every claim exists; else one by one.
        Idempotent, so a retried commit is harmless."""
        if len(keys) < 2 or len(keys) > _BATCH_MAX:
            for key in keys:
                self.complete_claim(key, holder)
            return
        done = {"status": "done", "holder": holder, "done_at": self._db.clock.now()}
        batch = self._db.client.batch()
        for key in keys:
            batch.update(self._ref(key), done)
        with mapped("complete claim"):
            try:
                batch.commit(**self._db.call())
                return
            except gexc.NotFound:
                pass  # one was released or expired meanwhile: each on its own
        for key in keys:
            self.complete_claim(key, holder)

    def _ref(self, key: str) -> Any:
        return self._db.top("dedupe").document(doc_id(key))

    def release_claim(self, key: str, holder: str) -> None:
        ref = self._db.top("dedupe").document(doc_id(key))
        for _ in range(_ROUNDS):
            snap = self._db.get(ref, "release claim")
            current = snap.to_dict() if snap.exists else None
            if not current or current.get("status") != "pending" or current.get("holder") != holder:
                return  # done, gone, or taken over by someone else: not ours to drop
            if self._summarized(current):
                return  # completed by its event's summary (a failure after it landed)
            if self._db.delete_if_unchanged(ref, snap, "release claim"):
                return
        raise ConflictError(f"claim {key} kept changing")
