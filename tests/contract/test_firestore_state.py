# mypy: disable-error-code="no-untyped-call"
"""Firestore-only properties of FirestoreStateStore: the document layout the TTL policies and
indexes in infra/firestore.tf rely on, prefixes, pruning, idempotent retries, the error
boundary, and that a dead Firestore fails fast instead of hanging."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import grpc  # type: ignore[import-untyped]
import pytest
from google.api_core import exceptions as gexc

from mailingest_dev.clock import FakeClock
from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.firestore.client import WRITE_ID, FirestoreDb, doc_id, raw_id
from shared.adapters.firestore.errors import mapped
from shared.domain import health as health_math
from shared.domain.classification.templates import TemplateExample
from shared.domain.models import (
    AuditEntry,
    HealthUpdate,
    MailboxState,
    OAuthGrant,
    OAuthProvider,
    Tenant,
)
from shared.errors import (
    AlreadyExists,
    ConflictError,
    NotFound,
    PermanentError,
    ServiceUnavailable,
)
from shared.ids import MailboxId
from shared.ports import ClaimOutcome
from tests.contract.state_store_cases import DAY, FIVE_MIN, LEASE_TTL, M1, START, T1, mailbox

SECRET = "hunter2-app-password"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def store(firestore_client: Any, clock: FakeClock) -> FirestoreStateStore:
    return FirestoreStateStore(firestore_client, clock)


def _doc(client: Any, path: str) -> dict[str, Any]:
    snap = client.document(path).get()
    assert snap.exists, path
    return dict(snap.to_dict())


# -- layout ------------------------------------------------------------------------------


@pytest.mark.integration
def test_document_layout(store: FirestoreStateStore, firestore_client: Any) -> None:
    store.put_mailbox(mailbox())
    store.compare_and_set_cursor(T1, M1, 0, {"uidvalidity": 7, "last_uid": 1})
    store.update_health(T1, M1, HealthUpdate(state=MailboxState.IDLE, processed=1), START)
    settings = _doc(firestore_client, "tenants/acme/mailboxes/booking")
    # no cursor/health in the settings doc; address_key serves find_mailboxes (Gmail pushes)
    assert set(settings) == {"settings", "tenant_id", "address_key"}
    assert settings["tenant_id"] == "acme"
    assert settings["address_key"] == "imap:booking@acme.example"
    cursor = _doc(firestore_client, "tenants/acme/mailboxes/booking/state/cursor")
    assert (cursor["version"], cursor["value"]) == (1, {"uidvalidity": 7, "last_uid": 1})
    health = _doc(firestore_client, "tenants/acme/mailboxes/booking/state/health")
    assert health["state"] == "idle"
    assert health["buckets"] == {health_math.bucket_key(START): {"processed": 1}}


@pytest.mark.integration
def test_a_mailbox_field_a_newer_release_stored_is_left_out_not_the_mailbox(
    store: FirestoreStateStore, firestore_client: Any
) -> None:
    """A rolling deploy: a newer settings function or CLI stored a field this code does not
    know. Reading, listing and the change feed keep the mailbox (the safety re-list used to
    fail on it as a whole)."""
    store.put_mailbox(mailbox())
    store.put_mailbox(mailbox(mid="stopsale"))
    ref = firestore_client.document("tenants/acme/mailboxes/booking")
    ref.update({"settings.field_of_a_later_release": {"x": 1}})
    assert "field_of_a_later_release" in _doc(firestore_client, ref.path)["settings"]
    assert store.get_mailbox(T1, M1) == mailbox()
    assert sorted(m.id for m in store.list_mailboxes(T1)) == ["booking", "stopsale"]
    assert sorted(m.id for m in store.list_mailboxes()) == ["booking", "stopsale"]
    seen: list[Any] = []
    got = threading.Event()

    def on_changes(changes: Any) -> None:
        seen.extend(changes.updated)
        got.set()

    watch = store.watch_mailboxes(on_changes)
    try:
        assert got.wait(30)
        assert sorted(m.id for m in seen) == ["booking", "stopsale"]
    finally:
        watch.close()


@pytest.mark.integration
def test_fields_a_newer_release_stored_inside_a_part_or_in_other_records_are_left_out(
    store: FirestoreStateStore, firestore_client: Any
) -> None:
    """The same promise one level down (a mailbox's ``oauth`` grant) and for every other
    record a replica reads: the tenant, the cursor, leases, audit entries."""
    grant = OAuthGrant(provider=OAuthProvider.GOOGLE, connected_address="booking@acme.example")
    with_grant = mailbox(oauth=grant, secret_ref=None, username="booking@acme.example")
    store.put_mailbox(with_grant)
    store.put_tenant(Tenant(id=T1, name="Acme", admins=("ops@acme.example",)))
    store.compare_and_set_cursor(T1, M1, 0, {"last_uid": 1})
    assert store.try_acquire_lease("acme/booking", "w1", LEASE_TTL) is not None
    store.append_audit(AuditEntry(tenant_id=T1, actor="t", action="a", target="x", at=START))
    later = {"field_of_a_later_release": {"x": 1}}
    firestore_client.document("tenants/acme/mailboxes/booking").update(
        {"settings.oauth.field_of_a_later_release": 1}
    )
    firestore_client.document("tenants/acme").update(later)
    firestore_client.document("tenants/acme/mailboxes/booking/state/cursor").update(later)
    for lease in firestore_client.collection("leases").stream():
        lease.reference.update(later)
    for entry in firestore_client.collection("tenants/acme/audit").stream():
        entry.reference.update(later)
    assert store.get_mailbox(T1, M1) == with_grant
    assert [m.oauth for m in store.list_mailboxes(T1)] == [grant]
    assert store.get_tenant(T1).admins == ("ops@acme.example",)
    assert store.get_cursor(T1, M1).value == {"last_uid": 1}
    assert [x.holder for x in store.list_leases()] == ["w1"]
    assert [e.action for e in store.list_audit(T1, 10)] == ["a"]


@pytest.mark.integration
def test_template_examples_live_under_their_tenant_and_a_broken_one_is_left_out(
    store: FirestoreStateStore, firestore_client: Any
) -> None:
    example = TemplateExample(
        id="t1",
        sender="allot@partner.example",
        label="other",
        subject=("daily", "report", "#"),
        opening=("booking", "confirmed", "mr", "~"),
        created_at=START,
        created_by="cli:ops",
    )
    store.put_template_example(T1, example)
    doc = _doc(firestore_client, "tenants/acme/templates/t1")
    assert set(doc) == {
        "id",
        "sender",
        "label",
        "subject",
        "opening",
        "created_at",
        "created_by",
    }
    assert doc["opening"] == ["booking", "confirmed", "mr", "~"]
    firestore_client.document("tenants/acme/templates/t0").set({"id": "t0", "label": 3})
    assert store.list_template_examples(T1) == [example]


@pytest.mark.integration
def test_ttl_fields_are_timestamps(store: FirestoreStateStore, firestore_client: Any) -> None:
    """The TTL policies in infra/firestore.tf need a Timestamp in ``expires_at``."""
    store.claim("acme.booking.k", "w1", DAY, FIVE_MIN)
    claim = _doc(firestore_client, "dedupe/acme.booking.k")
    assert isinstance(claim["expires_at"], datetime)
    assert claim["expires_at"] == START + DAY
    store.complete_claim("acme.booking.k", "w1")
    done = _doc(firestore_client, "dedupe/acme.booking.k")
    assert (done["status"], done["expires_at"]) == ("done", START + DAY)  # TTL kept
    store.try_acquire_lease("acme/booking", "w1", LEASE_TTL)
    lease = _doc(firestore_client, "leases/acme%2Fbooking")
    assert lease["expires_at"] == START + LEASE_TTL


@pytest.mark.integration
def test_no_secret_reaches_firestore(store: FirestoreStateStore, firestore_client: Any) -> None:
    store.put_mailbox(mailbox(secret_ref="mailingest-acme-booking-password"))
    store.append_audit(
        AuditEntry(tenant_id=T1, actor="op", action="mailbox.add", target="acme/booking", at=START)
    )
    docs = [d.to_dict() for d in firestore_client.collection_group("mailboxes").stream()]
    docs += [d.to_dict() for d in firestore_client.collection_group("audit").stream()]
    assert docs
    assert SECRET not in json.dumps(docs, default=str)


@pytest.mark.integration
def test_prefixes_keep_two_stores_apart(firestore_client: Any, clock: FakeClock) -> None:
    plain = FirestoreStateStore(firestore_client, clock)
    other = FirestoreStateStore(firestore_client, clock, prefix="blue_")
    plain.put_tenant(Tenant(id=T1, name="Acme"))
    plain.put_mailbox(mailbox())
    other.put_mailbox(mailbox(mid="stopsale"))
    plain.try_acquire_lease("acme/booking", "w1", LEASE_TTL)
    assert [m.key for m in plain.list_mailboxes()] == ["acme/booking"]
    assert [m.key for m in other.list_mailboxes()] == ["acme/stopsale"]
    assert other.list_tenants() == []
    assert other.list_leases() == []
    assert other.try_acquire_lease("acme/booking", "w2", LEASE_TTL) is not None
    assert _doc(firestore_client, "blue_tenants/acme/mailboxes/stopsale")["tenant_id"] == "acme"


@pytest.mark.integration
def test_health_keeps_only_the_last_25_hourly_buckets(
    store: FirestoreStateStore, firestore_client: Any
) -> None:
    path = "tenants/acme/mailboxes/booking/state/health"
    for hour in range(40):
        store.update_health(T1, M1, HealthUpdate(processed=1), START + timedelta(hours=hour))
    buckets = _doc(firestore_client, path)["buckets"]
    assert len(buckets) <= health_math.KEEP_HOURS + 1
    assert health_math.bucket_key(START) not in buckets
    assert store.get_health(T1, M1, START + timedelta(hours=39)).processed_24h == 24
    # quiet for three days: the next update drops everything older than the window
    store.update_health(T1, M1, HealthUpdate(errors=1), START + timedelta(days=5))
    assert list(_doc(firestore_client, path)["buckets"]) == [
        health_math.bucket_key(START + timedelta(days=5))
    ]


@pytest.mark.integration
def test_a_heartbeat_reads_nothing_and_many_mailboxes_go_in_one_commit(
    store: FirestoreStateStore, firestore_client: Any, clock: FakeClock
) -> None:
    """An IDLE refresh reports state and last sync only: no document is read to prune
    buckets (nothing was added to them), and a flush of many mailboxes is one commit."""
    commits: list[int] = []
    real_batch = firestore_client.batch

    def counting_batch() -> Any:
        batch = real_batch()
        real_commit = batch.commit

        def commit(**kw: Any) -> Any:
            commits.append(len(batch))
            return real_commit(**kw)

        batch.commit = commit
        return batch

    firestore_client.batch = counting_batch
    try:
        beat = HealthUpdate(state=MailboxState.IDLE, last_sync_at=clock.now(), pending=0)
        before = store.reads.total
        store.update_health_many([(T1, MailboxId(f"m{i}"), beat) for i in range(40)], clock.now())
        assert store.reads.total == before  # heartbeats: no prune read
        assert commits == [40]
        store.update_health(T1, M1, HealthUpdate(processed=1), clock.now())
        assert store.reads.total == before + 1  # counters added: pruned once this hour
        with pytest.raises(ValueError):
            store.update_health_many([(T1, M1, beat)] * 501, clock.now())
    finally:
        firestore_client.batch = real_batch
    health = store.get_health(T1, MailboxId("m39"), clock.now())
    assert (health.state, health.last_sync_at) == (MailboxState.IDLE, clock.now())


@pytest.mark.integration
def test_a_write_whose_reply_was_lost_is_recognised_as_ours(
    store: FirestoreStateStore, firestore_client: Any, clock: FakeClock
) -> None:
    """A retry that finds its own first attempt applied must not report a lost race: the
    stored ``write_id`` is ours. Simulated by a reference whose write lands and then fails."""
    db = FirestoreDb(firestore_client, clock)
    real = firestore_client.document("dedupe/lost-reply")

    class LandsThenFails:
        def __init__(self, fail: Exception) -> None:
            self.fail = fail

        def create(self, body: dict[str, Any], **kw: Any) -> None:
            real.create(body, **kw)
            raise self.fail

        def update(self, body: dict[str, Any], **kw: Any) -> None:
            real.update(body, **kw)
            raise self.fail

        def get(self, **kw: Any) -> Any:
            return real.get(**kw)

    ref: Any = LandsThenFails(gexc.AlreadyExists("retried create"))
    assert db.create_once(ref, {"status": "pending"}, "test") is True
    assert db.create_once(real, {"status": "pending"}, "test") is False  # someone else's
    snap = real.get()
    ref = LandsThenFails(gexc.FailedPrecondition("retried update"))
    assert db.write_if_unchanged(ref, snap, {"status": "done"}, "test") is True
    stale: Any = snap
    assert db.write_if_unchanged(real, stale, {"status": "x"}, "test") is False  # changed since
    assert _doc(firestore_client, "dedupe/lost-reply")["status"] == "done"
    assert WRITE_ID in _doc(firestore_client, "dedupe/lost-reply")


# -- ids and the error boundary (no emulator) --------------------------------------------


@pytest.mark.parametrize("raw", ["acme", "acme/booking", ".", "..", "__x__", "a%2Fb", "ü é"])
def test_document_ids_are_safe_and_reversible(raw: str) -> None:
    made = doc_id(raw)
    assert "/" not in made
    assert made not in (".", "..")
    assert not (made.startswith("__") and made.endswith("__"))
    assert raw_id(made) == raw
    assert doc_id("acme.booking.3fa2") == "acme.booking.3fa2"


class _RawRpcError(grpc.RpcError):  # type: ignore[misc]
    """What a grpc stream raises when api_core does not wrap it."""

    def __str__(self) -> str:
        return f"stream broke near {SECRET}"


@pytest.mark.parametrize(
    ("vendor", "ours"),
    [
        (gexc.NotFound(f"no document {SECRET}"), NotFound),
        (gexc.AlreadyExists(f"document {SECRET} exists"), AlreadyExists),
        (gexc.Aborted(f"contention on {SECRET}"), ConflictError),
        (gexc.Conflict(SECRET), ConflictError),
        (gexc.ServiceUnavailable(SECRET), ServiceUnavailable),
        (gexc.DeadlineExceeded(SECRET), ServiceUnavailable),
        (gexc.ResourceExhausted(SECRET), ServiceUnavailable),
        (gexc.InternalServerError(SECRET), ServiceUnavailable),
        (gexc.RetryError(SECRET, gexc.ServiceUnavailable(SECRET)), ServiceUnavailable),
        (_RawRpcError(), ServiceUnavailable),
        (gexc.PermissionDenied(SECRET), PermanentError),
        (gexc.InvalidArgument(f"value {SECRET} too long"), PermanentError),
        (gexc.FailedPrecondition("The query requires an index"), PermanentError),
    ],
)
def test_vendor_errors_become_ours_without_their_message(
    vendor: Exception, ours: type[Exception], caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(ours) as caught, mapped("get mailbox"):
        raise vendor
    assert type(caught.value).__module__ == "shared.errors"
    assert "get mailbox" in str(caught.value)
    assert SECRET not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert SECRET not in caplog.text


def test_our_own_errors_pass_the_boundary_unchanged() -> None:
    original = ConflictError("cursor moved")
    with pytest.raises(ConflictError) as caught, mapped("set cursor"):
        raise original
    assert caught.value is original


# -- a dead Firestore --------------------------------------------------------------------

DEAD_TIMEOUT_S = 0.5
HANG_BOUND_S = 60.0  # a bound, not a speed check: without timeouts these calls take minutes


def _every_kind_of_call(store: FirestoreStateStore) -> list[Callable[[], object]]:
    return [
        lambda: store.get_tenant(T1),
        lambda: store.put_mailbox(mailbox()),
        lambda: store.list_mailboxes(),
        lambda: store.compare_and_set_cursor(T1, M1, 0, {"last_uid": 1}),
        lambda: store.try_acquire_lease("acme/booking", "w1", LEASE_TTL),
        lambda: store.release_lease("acme/booking", "w1"),
        lambda: store.claim("k", "w1", DAY, FIVE_MIN),
        lambda: store.complete_claim("k", "w1"),
        lambda: store.update_health(T1, M1, HealthUpdate(processed=1), START),
        lambda: store.append_audit(
            AuditEntry(tenant_id=T1, actor="a", action="x", target="t", at=START)
        ),
        lambda: store.delete_mailbox(T1, M1),
    ]


@pytest.fixture(params=["refused", "silent"])
def dead_firestore(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A loopback port where nothing answers: connections refused (bound, not listening), or
    accepted by the kernel and never answered (listening, never accepting)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        if request.param == "silent":
            sock.listen(64)
        host = f"127.0.0.1:{sock.getsockname()[1]}"
        monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", host)
        yield host


@pytest.mark.integration
def test_a_dead_firestore_is_service_unavailable_not_a_hang(dead_firestore: str) -> None:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    client = firestore.Client(project="demo-test", credentials=AnonymousCredentials())
    store = FirestoreStateStore(client, FakeClock(START), timeout_s=DEAD_TIMEOUT_S)
    outcomes: list[BaseException | None] = []

    def run_all() -> None:
        for call in _every_kind_of_call(store):
            try:
                call()
                outcomes.append(None)
            except BaseException as exc:  # noqa: BLE001 - recorded and asserted below
                outcomes.append(exc)

    worker = threading.Thread(target=run_all, daemon=True)
    worker.start()
    worker.join(timeout=HANG_BOUND_S)
    assert not worker.is_alive(), f"a call hung against {dead_firestore}"
    assert len(outcomes) == len(_every_kind_of_call(store))
    assert all(isinstance(o, ServiceUnavailable) for o in outcomes), outcomes
    client.close()


@pytest.mark.integration
def test_claims_survive_many_threads_on_one_hot_key_then_complete(
    store: FirestoreStateStore,
) -> None:
    """Stress a little beyond the contract race: 16 claimers, then a completion wins over
    every later claim."""
    from tests.contract.state_store_cases import race

    results = race(16, lambda i: store.claim("hotter", f"w{i}", DAY, FIVE_MIN))
    assert results.count(ClaimOutcome.CLAIMED) == 1, results
    winner = f"w{results.index(ClaimOutcome.CLAIMED)}"
    store.complete_claim("hotter", winner)
    assert set(race(8, lambda i: store.claim("hotter", f"v{i}", DAY, FIVE_MIN))) == {
        ClaimOutcome.DONE
    }
