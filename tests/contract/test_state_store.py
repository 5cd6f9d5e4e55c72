"""One contract for every StateStore: the in-memory one and Firestore on the emulator."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.memory_state import InMemoryStateStore
from shared.adapters.system_clock import FakeClock
from shared.domain.models import (
    AuditEntry,
    DeadLetter,
    HealthUpdate,
    Mailbox,
    MailboxState,
    OAuthGrant,
    OAuthProvider,
    Provider,
    Tenant,
    TlsMode,
)
from shared.errors import ConflictError, NotFound, ServiceUnavailable
from shared.ids import MailboxId, TenantId
from shared.ports import ClaimOutcome, StateStore

T1, T2 = TenantId("acme"), TenantId("globex")
M1 = MailboxId("booking")
DAY = timedelta(days=1)
FIVE_MIN = timedelta(minutes=5)


@pytest.fixture(params=["memory", pytest.param("firestore", marks=pytest.mark.integration)])
def env(request: pytest.FixtureRequest) -> tuple[StateStore, FakeClock]:
    clock = FakeClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    if request.param == "memory":
        return InMemoryStateStore(clock), clock
    client = request.getfixturevalue("firestore_client")
    return FirestoreStateStore(client, clock), clock


def mailbox(tenant: TenantId = T1, mid: str = "booking", **kw: Any) -> Mailbox:
    base: dict[str, Any] = {
        "tenant_id": tenant,
        "id": MailboxId(mid),
        "provider": Provider.IMAP,
        "address": f"{mid}@{tenant}.example",
        "host": "imap.example.com",
        "secret_ref": f"mailingest-{tenant}-{mid}-password",
    }
    base.update(kw)
    return Mailbox(**base)


def test_tenants_round_trip_and_unknown_is_not_found(env: Any) -> None:
    store, clock = env
    store.put_tenant(Tenant(id=T1, name="Acme", created_at=clock.now()))
    store.put_tenant(Tenant(id=T2, name="Globex"))
    assert store.get_tenant(T1) == Tenant(id=T1, name="Acme", created_at=clock.now())
    assert [t.id for t in store.list_tenants()] == ["acme", "globex"]
    with pytest.raises(NotFound):
        store.get_tenant(TenantId("nobody"))


def test_mailbox_round_trips_exactly(env: Any) -> None:
    store, clock = env
    m = mailbox(
        tls=TlsMode.STARTTLS,
        oauth=OAuthGrant(
            provider=OAuthProvider.GOOGLE,
            connected_address="booking@acme.example",
            scopes=("https://mail.google.com/",),
            access_expires_at=clock.now() + DAY,
        ),
        created_at=clock.now(),
    )
    store.put_mailbox(m)
    assert store.get_mailbox(T1, M1) == m
    with pytest.raises(NotFound):
        store.get_mailbox(T1, MailboxId("nope"))


def test_tenants_see_only_their_mailboxes_rules_and_audit(env: Any) -> None:
    store, clock = env
    store.put_mailbox(mailbox(T1, "booking"))
    store.put_mailbox(mailbox(T1, "stopsale"))
    store.put_mailbox(mailbox(T2, "booking"))
    assert [m.id for m in store.list_mailboxes(T1)] == ["booking", "stopsale"]
    assert [m.key for m in store.list_mailboxes(T2)] == ["globex/booking"]
    assert [m.key for m in store.list_mailboxes()] == [
        "acme/booking",
        "acme/stopsale",
        "globex/booking",
    ]
    store.put_rule_doc(T1, "r1", {"id": "r1", "name": "acme only"})
    assert store.list_rule_docs(T2) == []
    assert store.list_rule_docs(T1) == [{"id": "r1", "name": "acme only"}]
    store.append_audit(AuditEntry(tenant_id=T1, actor="a", action="x", target="t", at=clock.now()))
    assert store.list_audit(T2) == []
    assert len(store.list_audit(T1)) == 1


def test_settings_writes_never_touch_the_cursor(env: Any) -> None:
    store, _ = env
    store.put_mailbox(mailbox())
    store.compare_and_set_cursor(T1, M1, 0, {"uidvalidity": 7, "last_uid": 42})
    store.put_mailbox(mailbox(folder="Bookings"))
    assert store.get_cursor(T1, M1).value == {"uidvalidity": 7, "last_uid": 42}
    assert store.get_mailbox(T1, M1).folder == "Bookings"


def test_delete_mailbox_removes_it(env: Any) -> None:
    store, _ = env
    store.put_mailbox(mailbox())
    store.delete_mailbox(T1, M1)
    assert store.list_mailboxes(T1) == []


def test_cursor_compare_and_set(env: Any) -> None:
    store, _ = env
    assert store.get_cursor(T1, M1).version == 0
    c1 = store.compare_and_set_cursor(T1, M1, 0, {"last_uid": 1})
    assert (c1.version, c1.value) == (1, {"last_uid": 1})
    with pytest.raises(ConflictError):
        store.compare_and_set_cursor(T1, M1, 0, {"last_uid": 99})
    c2 = store.compare_and_set_cursor(T1, M1, 1, {"last_uid": 2})
    assert store.get_cursor(T1, M1) == c2


def _race(n: int, fn: Callable[[int], Any]) -> list[Any]:
    results: list[Any] = [None] * n
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 - the outcome is what we assert
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_racing_cursor_writers_exactly_one_wins(env: Any) -> None:
    store, _ = env
    results = _race(6, lambda i: store.compare_and_set_cursor(T1, M1, 0, {"by": i}))
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1
    assert all(isinstance(r, ConflictError) for r in results if isinstance(r, Exception))
    assert store.get_cursor(T1, M1).value == winners[0].value


def test_leases(env: Any) -> None:
    store, clock = env
    ttl = timedelta(seconds=30)
    assert store.try_acquire_lease("acme/booking", "w1", ttl) is not None
    assert store.try_acquire_lease("acme/booking", "w2", ttl) is None
    assert store.try_acquire_lease("acme/booking", "w1", ttl) is not None  # ours: renewed
    clock.advance(timedelta(seconds=31))
    taken = store.try_acquire_lease("acme/booking", "w2", ttl)
    assert taken is not None
    assert taken.holder == "w2"
    assert store.renew_lease("acme/booking", "w1", ttl) is None  # lost it
    store.release_lease("acme/booking", "w1")  # not ours: no-op
    assert [lease.holder for lease in store.list_leases()] == ["w2"]
    assert store.renew_lease("acme/booking", "w2", ttl) is not None
    store.release_lease("acme/booking", "w2")
    assert store.list_leases() == []


def test_claims(env: Any) -> None:
    store, _clock = env
    assert store.claim("k1", "w1", DAY, FIVE_MIN) is ClaimOutcome.CLAIMED
    assert store.claim("k1", "w2", DAY, FIVE_MIN) is ClaimOutcome.BUSY
    store.release_claim("k1", "w2")  # not ours: stays
    assert store.claim("k1", "w2", DAY, FIVE_MIN) is ClaimOutcome.BUSY
    store.release_claim("k1", "w1")
    assert store.claim("k1", "w2", DAY, FIVE_MIN) is ClaimOutcome.CLAIMED
    store.complete_claim("k1", "w2")
    assert store.claim("k1", "w3", DAY, FIVE_MIN) is ClaimOutcome.DONE
    store.release_claim("k1", "w2")  # done claims are never released
    assert store.claim("k1", "w3", DAY, FIVE_MIN) is ClaimOutcome.DONE


def test_a_crashed_holders_claim_is_taken_over_and_done_claims_expire(env: Any) -> None:
    store, clock = env
    assert store.claim("k2", "dead-worker", DAY, FIVE_MIN) is ClaimOutcome.CLAIMED
    clock.advance(timedelta(minutes=6))
    assert store.claim("k2", "w2", DAY, FIVE_MIN) is ClaimOutcome.CLAIMED
    store.complete_claim("k2", "w2")
    clock.advance(timedelta(days=2))  # past its TTL
    assert store.claim("k2", "w3", DAY, FIVE_MIN) is ClaimOutcome.CLAIMED


def test_racing_claims_exactly_one_wins(env: Any) -> None:
    store, _ = env
    results = _race(8, lambda i: store.claim("hot", f"w{i}", DAY, FIVE_MIN))
    assert results.count(ClaimOutcome.CLAIMED) == 1
    assert results.count(ClaimOutcome.BUSY) == 7


def test_health_counts_the_last_24_hours(env: Any) -> None:
    store, clock = env
    start = clock.now()
    store.update_health(
        T1, M1, HealthUpdate(processed=5, processing_ms_total=500.0, failed=1), start
    )
    clock.advance(timedelta(hours=3))
    store.update_health(
        T1,
        M1,
        HealthUpdate(
            state=MailboxState.IDLE,
            last_event_at=clock.now(),
            processed=5,
            processing_ms_total=1500.0,
            errors=2,
            last_error="connection reset",
        ),
        clock.now(),
    )
    h = store.get_health(T1, M1, clock.now())
    assert (h.processed_24h, h.failed_24h, h.errors_24h) == (10, 1, 2)
    assert h.avg_processing_ms == pytest.approx(200.0)
    assert h.state is MailboxState.IDLE
    assert h.last_error == "connection reset"
    assert h.last_event_at == clock.now()
    later = start + timedelta(hours=25)
    assert store.get_health(T1, M1, later).processed_24h == 5  # the first hour fell out
    assert store.get_health(T1, M2 := MailboxId("other"), later).processed_24h == 0
    assert M2 == "other"


def test_audit_is_newest_first_and_limited(env: Any) -> None:
    store, clock = env
    for i in range(5):
        store.append_audit(
            AuditEntry(
                tenant_id=T1,
                actor="cli:op",
                action=f"a{i}",
                target="acme/booking",
                at=clock.now(),
                details={"n": i},
            )
        )
        clock.advance(timedelta(seconds=1))
    entries = store.list_audit(T1, limit=3)
    assert [e.action for e in entries] == ["a4", "a3", "a2"]
    assert entries[0].details == {"n": 4}


def test_dead_letters(env: Any) -> None:
    store, clock = env
    letter = DeadLetter(
        id="acme.booking.abc",
        tenant_id=T1,
        mailbox_id=M1,
        provider_message_id="7/1",
        raw_ref="mem://raw/x",
        reason="boom",
        first_failed_at=clock.now(),
        last_failed_at=clock.now(),
    )
    store.put_dead_letter(letter)
    assert store.get_dead_letter(letter.id) == letter
    assert store.list_dead_letters(T1) == [letter]
    assert store.list_dead_letters(T2) == []
    store.delete_dead_letter(letter.id)
    with pytest.raises(NotFound):
        store.get_dead_letter(letter.id)


def test_rules_crud(env: Any) -> None:
    store, _ = env
    store.put_rule_doc(T1, "b", {"id": "b", "priority": 2})
    store.put_rule_doc(T1, "a", {"id": "a", "priority": 1})
    assert [d["id"] for d in store.list_rule_docs(T1)] == ["a", "b"]
    store.delete_rule_doc(T1, "a")
    assert [d["id"] for d in store.list_rule_docs(T1)] == ["b"]


@pytest.mark.integration
def test_a_dead_firestore_is_service_unavailable_not_a_hang() -> None:
    import os
    import socket

    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound but never listening: connections are refused
        os.environ["FIRESTORE_EMULATOR_HOST"] = f"127.0.0.1:{port}"
        client = firestore.Client(project="demo-test", credentials=AnonymousCredentials())
        store = FirestoreStateStore(client, FakeClock())
        with pytest.raises(ServiceUnavailable):
            store.get_tenant(T1)
