"""``StateStore`` on Firestore.

Layout (architecture.md): ``tenants/{t}``; ``tenants/{t}/mailboxes/{m}`` (settings only);
``tenants/{t}/mailboxes/{m}/state/cursor`` and ``.../state/health`` (separate documents, so a
settings edit never clobbers a cursor and ~1 write/s of health never contends with either);
``tenants/{t}/audit/{auto}``; ``tenants/{t}/rules/{id}``; ``leases/{name}``;
``dedupe/{key}`` (``expires_at`` carries the TTL policy); ``dead_letters/{id}``.
Lease expiry and claim age are judged by the writer's clock: replicas need roughly
synchronized clocks, which Cloud Run gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from google.cloud import firestore
from google.cloud.firestore_v1 import DELETE_FIELD, Increment

from shared.adapters.firestore.errors import CALL, mapped
from shared.domain import health as health_math
from shared.domain.models import (
    AuditEntry,
    Cursor,
    DeadLetter,
    Health,
    HealthUpdate,
    Lease,
    Mailbox,
    Tenant,
)
from shared.errors import AlreadyExists, ConflictError, NotFound
from shared.ids import MailboxId, TenantId
from shared.ports import ClaimOutcome, Clock


class FirestoreStateStore:
    def __init__(self, client: firestore.Client, clock: Clock, prefix: str = "") -> None:
        self._db = client
        self._clock = clock
        self._p = prefix

    # -- paths --------------------------------------------------------------------------
    def _tenant(self, t: str) -> Any:
        return self._db.collection(f"{self._p}tenants").document(t)

    def _mailbox(self, t: str, m: str) -> Any:
        return self._tenant(t).collection("mailboxes").document(m)

    def _state_doc(self, t: str, m: str, name: str) -> Any:
        return self._mailbox(t, m).collection("state").document(name)

    def _top(self, name: str) -> Any:
        return self._db.collection(f"{self._p}{name}")

    def _lease(self, name: str) -> Any:
        # lease names are "tenant/mailbox": "/" is not allowed in a document id
        return self._top("leases").document(quote(name, safe=""))

    # -- tenants / mailboxes ------------------------------------------------------------
    def put_tenant(self, tenant: Tenant) -> None:
        with mapped("put tenant"):
            self._tenant(tenant.id).set(tenant.model_dump(mode="json"), **CALL)

    def get_tenant(self, tenant_id: TenantId) -> Tenant:
        with mapped("get tenant"):
            snap = self._tenant(tenant_id).get(**CALL)
        if not snap.exists:
            raise NotFound(f"tenant {tenant_id} not found")
        return Tenant.model_validate(snap.to_dict())

    def list_tenants(self) -> list[Tenant]:
        with mapped("list tenants"):
            snaps = list(self._top("tenants").stream(**CALL))
        return sorted((Tenant.model_validate(s.to_dict()) for s in snaps), key=lambda t: t.id)

    def put_mailbox(self, mailbox: Mailbox) -> None:
        doc = {"settings": mailbox.model_dump(mode="json"), "tenant_id": mailbox.tenant_id}
        with mapped("put mailbox"):
            self._mailbox(mailbox.tenant_id, mailbox.id).set(doc, **CALL)

    def get_mailbox(self, tenant_id: TenantId, mailbox_id: MailboxId) -> Mailbox:
        with mapped("get mailbox"):
            snap = self._mailbox(tenant_id, mailbox_id).get(**CALL)
        if not snap.exists:
            raise NotFound(f"mailbox {tenant_id}/{mailbox_id} not found")
        return Mailbox.model_validate(snap.to_dict()["settings"])

    def list_mailboxes(self, tenant_id: TenantId | None = None) -> list[Mailbox]:
        with mapped("list mailboxes"):
            if tenant_id is None:
                query = self._db.collection_group("mailboxes")
                snaps = [
                    s
                    for s in query.stream(**CALL)
                    if s.reference.path.startswith(f"{self._p}tenants/")
                ]
            else:
                snaps = list(self._tenant(tenant_id).collection("mailboxes").stream(**CALL))
        boxes = [Mailbox.model_validate((s.to_dict() or {})["settings"]) for s in snaps]
        return sorted(boxes, key=lambda m: (m.tenant_id, m.id))

    def delete_mailbox(self, tenant_id: TenantId, mailbox_id: MailboxId) -> None:
        with mapped("delete mailbox"):
            for name in ("cursor", "health"):
                self._state_doc(tenant_id, mailbox_id, name).delete(**CALL)
            self._mailbox(tenant_id, mailbox_id).delete(**CALL)

    # -- cursors ------------------------------------------------------------------------
    def get_cursor(self, tenant_id: TenantId, mailbox_id: MailboxId) -> Cursor:
        with mapped("get cursor"):
            snap = self._state_doc(tenant_id, mailbox_id, "cursor").get(**CALL)
        return Cursor.model_validate(snap.to_dict()) if snap.exists else Cursor()

    def compare_and_set_cursor(
        self,
        tenant_id: TenantId,
        mailbox_id: MailboxId,
        expected_version: int,
        value: Mapping[str, Any],
    ) -> Cursor:
        ref = self._state_doc(tenant_id, mailbox_id, "cursor")
        new = Cursor(value=dict(value), version=expected_version + 1, updated_at=self._clock.now())

        @firestore.transactional
        def swap(tx: firestore.Transaction) -> None:
            snap = ref.get(transaction=tx)
            version = (snap.to_dict() or {}).get("version", 0) if snap.exists else 0
            if version != expected_version:
                raise ConflictError(
                    f"cursor of {tenant_id}/{mailbox_id} is at version {version}, "
                    f"not {expected_version}"
                )
            tx.set(ref, new.model_dump())

        with mapped("set cursor"):
            swap(self._db.transaction())
        return new

    # -- leases -------------------------------------------------------------------------
    def try_acquire_lease(self, name: str, holder: str, ttl: timedelta) -> Lease | None:
        return self._lease_tx(name, holder, ttl, acquire=True)

    def renew_lease(self, name: str, holder: str, ttl: timedelta) -> Lease | None:
        return self._lease_tx(name, holder, ttl, acquire=False)

    def _lease_tx(self, name: str, holder: str, ttl: timedelta, *, acquire: bool) -> Lease | None:
        ref = self._lease(name)
        result: list[Lease | None] = [None]

        @firestore.transactional
        def take(tx: firestore.Transaction) -> None:
            now = self._clock.now()
            snap = ref.get(transaction=tx)
            current = snap.to_dict() if snap.exists else None
            held_by_other = current is not None and current["holder"] != holder
            if held_by_other and (not acquire or current["expires_at"] > now):  # type: ignore[index]
                result[0] = None
                return
            if current is None and not acquire:
                result[0] = None
                return
            lease = Lease(name=name, holder=holder, expires_at=now + ttl)
            tx.set(ref, lease.model_dump())
            result[0] = lease

        with mapped("lease"):
            take(self._db.transaction())
        return result[0]

    def release_lease(self, name: str, holder: str) -> None:
        ref = self._lease(name)

        @firestore.transactional
        def drop(tx: firestore.Transaction) -> None:
            snap = ref.get(transaction=tx)
            if snap.exists and (snap.to_dict() or {}).get("holder") == holder:
                tx.delete(ref)

        with mapped("release lease"):
            drop(self._db.transaction())

    def list_leases(self) -> list[Lease]:
        with mapped("list leases"):
            snaps = list(self._top("leases").stream(**CALL))
        return sorted((Lease.model_validate(s.to_dict()) for s in snaps), key=lambda x: x.name)

    # -- dedupe claims ------------------------------------------------------------------
    def claim(
        self, key: str, holder: str, ttl: timedelta, in_flight_timeout: timedelta
    ) -> ClaimOutcome:
        ref = self._top("dedupe").document(key)
        now = self._clock.now()
        doc = {"status": "pending", "holder": holder, "claimed_at": now, "expires_at": now + ttl}
        try:
            with mapped("claim"):
                ref.create(doc, **CALL)
            return ClaimOutcome.CLAIMED
        except AlreadyExists:
            pass
        outcome: list[ClaimOutcome] = [ClaimOutcome.BUSY]

        @firestore.transactional
        def take_over(tx: firestore.Transaction) -> None:
            at = self._clock.now()
            snap = ref.get(transaction=tx)
            current = snap.to_dict() if snap.exists else None
            if current is not None and current["expires_at"] > at:
                if current["status"] == "done":
                    outcome[0] = ClaimOutcome.DONE
                    return
                if at - current["claimed_at"] < in_flight_timeout:
                    outcome[0] = ClaimOutcome.BUSY
                    return
            tx.set(ref, {**doc, "claimed_at": at, "expires_at": at + ttl})
            outcome[0] = ClaimOutcome.CLAIMED

        with mapped("claim takeover"):
            take_over(self._db.transaction())
        return outcome[0]

    def complete_claim(self, key: str, holder: str) -> None:
        ref = self._top("dedupe").document(key)
        with mapped("complete claim"):
            ref.set(
                {"status": "done", "holder": holder, "done_at": self._clock.now()},
                merge=True,
                **CALL,
            )

    def release_claim(self, key: str, holder: str) -> None:
        ref = self._top("dedupe").document(key)

        @firestore.transactional
        def drop(tx: firestore.Transaction) -> None:
            snap = ref.get(transaction=tx)
            current = snap.to_dict() if snap.exists else None
            if current and current["status"] == "pending" and current["holder"] == holder:
                tx.delete(ref)

        with mapped("release claim"):
            drop(self._db.transaction())

    # -- health -------------------------------------------------------------------------
    def update_health(
        self, tenant_id: TenantId, mailbox_id: MailboxId, update: HealthUpdate, at: datetime
    ) -> None:
        doc: dict[str, Any] = dict(health_math.latest_fields(update))
        doc["updated_at"] = at
        bucket = health_math.bucket_key(at)
        increments = health_math.counter_increments(update)
        buckets: dict[str, Any] = {}
        if increments:
            buckets[bucket] = {name: Increment(value) for name, value in increments.items()}
        # prune without reading: the hours that just fell out of the window
        for hours in range(health_math.KEEP_HOURS, health_math.KEEP_HOURS + 6):
            buckets[health_math.bucket_key(at - timedelta(hours=hours))] = DELETE_FIELD
        doc["buckets"] = buckets
        with mapped("update health"):
            self._state_doc(tenant_id, mailbox_id, "health").set(doc, merge=True, **CALL)

    def get_health(self, tenant_id: TenantId, mailbox_id: MailboxId, now: datetime) -> Health:
        with mapped("get health"):
            snap = self._state_doc(tenant_id, mailbox_id, "health").get(**CALL)
        return health_math.summarize(snap.to_dict() if snap.exists else {}, now)

    # -- audit --------------------------------------------------------------------------
    def append_audit(self, entry: AuditEntry) -> None:
        with mapped("append audit"):
            self._tenant(entry.tenant_id).collection("audit").add(entry.model_dump(), **CALL)

    def list_audit(self, tenant_id: TenantId, limit: int = 100) -> list[AuditEntry]:
        query = (
            self._tenant(tenant_id)
            .collection("audit")
            .order_by("at", direction=firestore.Query.DESCENDING)
            .limit(limit)
        )
        with mapped("list audit"):
            snaps = list(query.stream(**CALL))
        return [AuditEntry.model_validate(s.to_dict()) for s in snaps]

    # -- dead letters -------------------------------------------------------------------
    def put_dead_letter(self, letter: DeadLetter) -> None:
        with mapped("put dead letter"):
            self._top("dead_letters").document(letter.id).set(letter.model_dump(), **CALL)

    def get_dead_letter(self, letter_id: str) -> DeadLetter:
        with mapped("get dead letter"):
            snap = self._top("dead_letters").document(letter_id).get(**CALL)
        if not snap.exists:
            raise NotFound(f"dead letter {letter_id} not found")
        return DeadLetter.model_validate(snap.to_dict())

    def list_dead_letters(self, tenant_id: TenantId | None = None) -> list[DeadLetter]:
        query = self._top("dead_letters")
        if tenant_id is not None:
            query = query.where(filter=firestore.FieldFilter("tenant_id", "==", tenant_id))
        with mapped("list dead letters"):
            snaps = list(query.stream(**CALL))
        letters = [DeadLetter.model_validate(s.to_dict()) for s in snaps]
        return sorted(letters, key=lambda d: d.last_failed_at)

    def delete_dead_letter(self, letter_id: str) -> None:
        with mapped("delete dead letter"):
            self._top("dead_letters").document(letter_id).delete(**CALL)

    # -- tenant rules -------------------------------------------------------------------
    def list_rule_docs(self, tenant_id: TenantId) -> list[dict[str, Any]]:
        with mapped("list rules"):
            snaps = list(self._tenant(tenant_id).collection("rules").stream(**CALL))
        return [s.to_dict() for s in sorted(snaps, key=lambda s: s.id)]

    def put_rule_doc(self, tenant_id: TenantId, rule_id: str, doc: Mapping[str, Any]) -> None:
        with mapped("put rule"):
            self._tenant(tenant_id).collection("rules").document(rule_id).set(dict(doc), **CALL)

    def delete_rule_doc(self, tenant_id: TenantId, rule_id: str) -> None:
        with mapped("delete rule"):
            self._tenant(tenant_id).collection("rules").document(rule_id).delete(**CALL)
