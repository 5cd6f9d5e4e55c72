"""One contract for every StateStore: the in-memory one and Firestore on the emulator.

Part 1: tenants, mailboxes, cursors, audit, dead letters, rules, template examples. Part 2
(leases, claims, health) is test_state_store_coordination.py; Firestore-only properties
(document layout, TTL fields, bounded calls, error boundary) are in test_firestore_state.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from shared.domain.classification.templates import TemplateExample
from shared.domain.models import (
    AfterProcessing,
    AuditEntry,
    AuthMethod,
    Cursor,
    DeadLetter,
    HealthUpdate,
    MailboxState,
    OAuthGrant,
    OAuthProvider,
    Tenant,
    TlsMode,
)
from shared.errors import ConflictError, NotFound
from shared.ids import MailboxId, TenantId
from tests.contract.state_store_cases import (
    DAY,
    M1,
    M2,
    START,
    STORES,
    T1,
    T2,
    Env,
    mailbox,
    make_env,
    race,
)


@pytest.fixture(params=STORES)
def env(request: pytest.FixtureRequest) -> Env:
    return make_env(request)


# -- tenants and mailboxes ---------------------------------------------------------------


def test_tenants_round_trip_and_unknown_is_not_found(env: Env) -> None:
    store, clock = env
    acme = Tenant(id=T1, name="Acme", created_at=clock.now(), admins=("ops@acme.example",))
    store.put_tenant(acme)
    store.put_tenant(Tenant(id=T2, name="Globex"))
    assert store.get_tenant(T1) == acme
    assert [t.id for t in store.list_tenants()] == ["acme", "globex"]
    store.put_tenant(acme.model_copy(update={"name": "Acme Travel"}))
    assert store.get_tenant(T1).name == "Acme Travel"
    with pytest.raises(NotFound):
        store.get_tenant(TenantId("nobody"))


def test_mailbox_round_trips_exactly(env: Env) -> None:
    store, clock = env
    m = mailbox(
        port=1143,
        tls=TlsMode.STARTTLS,
        auth_method=AuthMethod.OAUTH2,
        oauth=OAuthGrant(
            provider=OAuthProvider.GOOGLE,
            connected_address="booking@acme.example",
            scopes=("https://mail.google.com/", "openid"),
            access_expires_at=clock.now() + DAY,
            connected_at=clock.now(),
            connected_by="ops@acme.example",
        ),
        folder="Bookings/2026",
        idle=False,
        poll_interval_s=120,
        after_processing=AfterProcessing.MOVE,
        move_to="Processed",
        enabled=False,
        created_at=clock.now(),
        updated_at=clock.now() + timedelta(microseconds=7),
    )
    store.put_mailbox(m)
    got = store.get_mailbox(T1, M1)
    assert got == m
    assert got.oauth is not None
    assert got.oauth.provider is OAuthProvider.GOOGLE
    assert got.after_processing is AfterProcessing.MOVE
    with pytest.raises(NotFound):
        store.get_mailbox(T1, MailboxId("nope"))
    with pytest.raises(NotFound):
        store.get_mailbox(T2, M1)


def test_tenants_never_see_each_others_data(env: Env) -> None:
    store, clock = env
    store.put_mailbox(mailbox(T1, "booking"))
    store.put_mailbox(mailbox(T1, "stopsale"))
    store.put_mailbox(mailbox(T2, "booking", folder="Globex"))
    assert [m.id for m in store.list_mailboxes(T1)] == ["booking", "stopsale"]
    assert [m.key for m in store.list_mailboxes(T2)] == ["globex/booking"]
    assert [m.key for m in store.list_mailboxes()] == [
        "acme/booking",
        "acme/stopsale",
        "globex/booking",
    ]
    assert store.get_mailbox(T1, M1).folder == "INBOX"  # same mailbox id, other tenant

    store.put_rule_doc(T1, "r1", {"id": "r1", "name": "acme only"})
    assert store.list_rule_docs(T2) == []
    assert store.list_rule_docs(T1) == [{"id": "r1", "name": "acme only"}]

    store.put_template_example(T1, example("t1", clock.now()))
    assert store.list_template_examples(T2) == []
    store.delete_template_example(T2, "t1")  # another tenant's id: nothing of T1's goes
    assert [e.id for e in store.list_template_examples(T1)] == ["t1"]

    store.append_audit(AuditEntry(tenant_id=T1, actor="a", action="x", target="t", at=clock.now()))
    assert store.list_audit(T2) == []
    assert [e.action for e in store.list_audit(T1)] == ["x"]

    store.compare_and_set_cursor(T1, M1, 0, {"last_uid": 5})
    assert store.get_cursor(T2, M1) == Cursor()

    store.update_health(T1, M1, HealthUpdate(state=MailboxState.IDLE, processed=3), clock.now())
    other = store.get_health(T2, M1, clock.now())
    assert (other.state, other.processed_24h) == (None, 0)


def test_settings_writes_never_touch_cursor_or_health(env: Env) -> None:
    store, clock = env
    store.put_mailbox(mailbox())
    store.compare_and_set_cursor(T1, M1, 0, {"uidvalidity": 7, "last_uid": 42})
    store.update_health(T1, M1, HealthUpdate(state=MailboxState.IDLE, processed=2), clock.now())
    store.put_mailbox(mailbox(folder="Bookings"))
    assert store.get_cursor(T1, M1).value == {"uidvalidity": 7, "last_uid": 42}
    assert store.get_mailbox(T1, M1).folder == "Bookings"
    health = store.get_health(T1, M1, clock.now())
    assert (health.state, health.processed_24h) == (MailboxState.IDLE, 2)


def test_delete_mailbox_forgets_its_cursor_and_health_only(env: Env) -> None:
    store, clock = env
    for mid in (M1, M2):
        store.put_mailbox(mailbox(mid=mid))
        store.compare_and_set_seen(T1, mid, 0, {"last_uid": 9}, {0: b"k" * 8, 15: b"q" * 8})
        store.update_health(T1, mid, HealthUpdate(processed=1), clock.now())
    store.delete_mailbox(T1, M1)
    assert [m.id for m in store.list_mailboxes(T1)] == [M2]
    assert store.get_cursor(T1, M1) == Cursor()
    assert store.get_seen_shards(T1, M1, 16) == {}
    assert store.get_seen_shards(T1, M2, 16) == {0: b"k" * 8, 15: b"q" * 8}
    assert store.get_health(T1, M1, clock.now()).processed_24h == 0
    assert store.get_cursor(T1, M2).version == 1
    assert store.get_health(T1, M2, clock.now()).processed_24h == 1
    store.delete_mailbox(T1, MailboxId("never-existed"))  # no error


# -- cursors -----------------------------------------------------------------------------


def test_cursor_compare_and_set(env: Env) -> None:
    store, clock = env
    assert store.get_cursor(T1, M1) == Cursor()
    c1 = store.compare_and_set_cursor(T1, M1, 0, {"last_uid": 1})
    assert (c1.version, c1.value, c1.updated_at) == (1, {"last_uid": 1}, clock.now())
    with pytest.raises(ConflictError):
        store.compare_and_set_cursor(T1, M1, 0, {"last_uid": 99})
    with pytest.raises(ConflictError):
        store.compare_and_set_cursor(T1, M1, 5, {"last_uid": 99})
    clock.advance(timedelta(seconds=1))
    c2 = store.compare_and_set_cursor(T1, M1, 1, {"seen_uidls": ["a", "b"]})
    assert store.get_cursor(T1, M1) == c2
    assert c2.value == {"seen_uidls": ["a", "b"]}  # replaced, not merged
    c3 = store.compare_and_set_cursor(T1, M1, 2, {})
    assert store.get_cursor(T1, M1) == c3
    assert c3.value == {}


def test_cursor_values_are_copies(env: Env) -> None:
    store, _ = env
    value: dict[str, Any] = {"seen_uidls": ["a"]}
    store.compare_and_set_cursor(T1, M1, 0, value)
    value["seen_uidls"].append("b")
    store.get_cursor(T1, M1).value["seen_uidls"].append("c")
    assert store.get_cursor(T1, M1).value == {"seen_uidls": ["a"]}


@pytest.mark.parametrize("from_version", [0, 1])
def test_racing_cursor_writers_exactly_one_wins(env: Env, from_version: int) -> None:
    store, _ = env
    if from_version:
        store.compare_and_set_cursor(T1, M1, 0, {"by": "setup"})
    results = race(6, lambda i: store.compare_and_set_cursor(T1, M1, from_version, {"by": i}))
    winners = [r for r in results if isinstance(r, Cursor)]
    assert len(winners) == 1
    assert all(isinstance(r, ConflictError) for r in results if not isinstance(r, Cursor))
    assert store.get_cursor(T1, M1) == winners[0]
    assert winners[0].version == from_version + 1


# -- POP3 seen sets ----------------------------------------------------------------------


def test_seen_shards_land_with_the_cursor_or_not_at_all(env: Env) -> None:
    store, _ = env
    assert store.get_seen_shards(T1, M1, 16) == {}
    c1 = store.compare_and_set_seen(T1, M1, 0, {"seen": {"count": 2}}, {0: b"a" * 8, 3: b"b" * 16})
    assert (c1.version, c1.value) == (1, {"seen": {"count": 2}})
    assert store.get_cursor(T1, M1) == c1
    assert store.get_seen_shards(T1, M1, 16) == {0: b"a" * 8, 3: b"b" * 16}
    with pytest.raises(ConflictError):  # a stale writer (a replica that lost the mailbox)
        store.compare_and_set_seen(T1, M1, 0, {"seen": {"count": 9}}, {0: b"z" * 8, 5: b"z" * 8})
    assert store.get_seen_shards(T1, M1, 16) == {0: b"a" * 8, 3: b"b" * 16}
    c2 = store.compare_and_set_seen(T1, M1, 1, {"seen": {"count": 1}}, {3: b""})
    assert store.get_cursor(T1, M1) == c2
    assert store.get_seen_shards(T1, M1, 16) == {0: b"a" * 8, 3: b""}  # others untouched
    assert store.get_seen_shards(T1, M1, 2) == {0: b"a" * 8}  # only the shards asked
    assert store.get_seen_shards(T1, M2, 16) == {}  # per mailbox


def test_a_seen_shard_holds_a_hundred_thousand_keys(env: Env) -> None:
    """≈ 800 KB in one document: 16 such shards are a POP3 mailbox of 1,600,000 messages."""
    store, _ = env
    big = bytes(range(256)) * (100_000 * 8 // 256)
    store.compare_and_set_seen(T1, M1, 0, {"seen": {}}, {7: big})
    assert store.get_seen_shards(T1, M1, 16) == {7: big}


@pytest.mark.parametrize("from_version", [0, 1])
def test_racing_seen_writers_exactly_one_wins_with_its_shards(env: Env, from_version: int) -> None:
    store, _ = env
    if from_version:
        store.compare_and_set_seen(T1, M1, 0, {"by": "setup"}, {1: b"s" * 8})
    results = race(
        6,
        lambda i: store.compare_and_set_seen(
            T1, M1, from_version, {"by": i}, {1: bytes([i]) * 8, 2: bytes([i]) * 8}
        ),
    )
    winners = [r for r in results if isinstance(r, Cursor)]
    assert len(winners) == 1
    assert all(isinstance(r, ConflictError) for r in results if not isinstance(r, Cursor))
    by = winners[0].value["by"]
    assert store.get_seen_shards(T1, M1, 16) == {1: bytes([by]) * 8, 2: bytes([by]) * 8}


# -- audit, dead letters, rules ----------------------------------------------------------


def test_audit_is_newest_first_and_limited(env: Env) -> None:
    store, clock = env
    for i in range(5):
        store.append_audit(
            AuditEntry(
                tenant_id=T1,
                actor="cli:op",
                action=f"a{i}",
                target="acme/booking",
                at=clock.now(),
                details={"n": i, "fields": ["folder"]},
            )
        )
        clock.advance(timedelta(seconds=1))
    entries = store.list_audit(T1, limit=3)
    assert [e.action for e in entries] == ["a4", "a3", "a2"]
    assert entries[0].details == {"n": 4, "fields": ["folder"]}
    assert entries[0].at == START + timedelta(seconds=4)
    assert len(store.list_audit(T1)) == 5


def test_dead_letters(env: Env) -> None:
    store, clock = env

    def letter(lid: str, tenant: TenantId, minutes: int) -> DeadLetter:
        at = clock.now() + timedelta(minutes=minutes)
        return DeadLetter(
            id=lid,
            tenant_id=tenant,
            mailbox_id=M1,
            provider_message_id="7/1",
            raw_ref="mem://raw/x",
            reason="boom",
            attempts=3,
            first_failed_at=clock.now(),
            last_failed_at=at,
        )

    late, early, other = letter("acme.b.2", T1, 5), letter("acme.b.1", T1, 1), letter("g.1", T2, 3)
    for x in (late, early, other):
        store.put_dead_letter(x)
    assert store.get_dead_letter(late.id) == late
    assert store.list_dead_letters(T1) == [early, late]
    assert store.list_dead_letters(T2) == [other]
    assert store.list_dead_letters() == [early, other, late]
    store.delete_dead_letter(late.id)
    with pytest.raises(NotFound):
        store.get_dead_letter(late.id)
    store.delete_dead_letter(late.id)  # twice: no error


def test_rules_crud(env: Env) -> None:
    store, _ = env
    store.put_rule_doc(T1, "b", {"id": "b", "priority": 2})
    store.put_rule_doc(T1, "a", {"id": "a", "priority": 1, "match": {"subject": ["stop"]}})
    assert [d["id"] for d in store.list_rule_docs(T1)] == ["a", "b"]
    store.put_rule_doc(T1, "b", {"id": "b", "priority": 9})  # replaced, not merged
    assert store.list_rule_docs(T1)[1] == {"id": "b", "priority": 9}
    store.delete_rule_doc(T1, "a")
    assert [d["id"] for d in store.list_rule_docs(T1)] == ["b"]


def example(eid: str, at: datetime, label: str = "other") -> TemplateExample:
    return TemplateExample(
        id=eid,
        sender="allot@partner.example",
        label=label,
        subject=("daily", "allotment", "report", "#"),
        opening=("booking", "confirmed", "mr", "~", "ref", "#"),
        created_at=at,
        created_by="cli:ops",
    )


def test_template_examples_crud_oldest_first(env: Env) -> None:
    store, clock = env
    assert store.list_template_examples(T1) == []
    later = example("b", clock.now() + timedelta(minutes=1))
    store.put_template_example(T1, later)
    store.put_template_example(T1, example("a", clock.now()))
    listed = store.list_template_examples(T1)
    assert [e.id for e in listed] == ["a", "b"]
    assert listed[1] == later  # every field round-trips
    store.put_template_example(T1, example("a", clock.now() + timedelta(minutes=2), "booking"))
    assert [(e.id, e.label) for e in store.list_template_examples(T1)] == [
        ("b", "other"),
        ("a", "booking"),
    ]  # replaced, not added
    store.delete_template_example(T1, "b")
    store.delete_template_example(T1, "never-there")
    assert [e.id for e in store.list_template_examples(T1)] == ["a"]


def test_find_mailboxes_by_the_push_address_of_a_mailbox_entered_under_an_alias(
    env: Env,
) -> None:
    from shared.domain.models import Provider

    store, _clock = env
    alias = mailbox(provider=Provider.GMAIL, host=None, address="reservations@acme.example")
    store.put_mailbox(alias)
    assert store.find_mailboxes(Provider.GMAIL, "booking@acme.example") == []
    store.put_mailbox(alias.model_copy(update={"push_address": "booking@acme.example"}))
    found = store.find_mailboxes(Provider.GMAIL, "Booking@acme.example")
    assert [(m.id, m.push_address) for m in found] == [(M1, "booking@acme.example")]
    assert store.find_mailboxes(Provider.GMAIL, "reservations@acme.example") == []


def test_find_mailboxes_by_provider_and_address_across_tenants(env: Env) -> None:
    from shared.domain.models import Provider

    store, _clock = env
    gmail: dict[str, Any] = {
        "provider": Provider.GMAIL,
        "host": None,
        "address": "Booking@Acme.example",
    }
    store.put_mailbox(mailbox(**gmail))
    store.put_mailbox(mailbox(tenant_id=T2, **gmail))
    store.put_mailbox(mailbox(id=M2, address="booking@acme.example"))  # IMAP: not a match
    found = store.find_mailboxes(Provider.GMAIL, "booking@ACME.example ")
    assert [(m.tenant_id, m.id) for m in found] == sorted([(T1, M1), (T2, M1)])
    assert store.find_mailboxes(Provider.GMAIL, "other@acme.example") == []
    store.delete_mailbox(T2, M1)
    assert [m.tenant_id for m in store.find_mailboxes(Provider.GMAIL, "booking@acme.example")] == [
        T1
    ]


# -- Graph subscription owners -------------------------------------------------------------


def test_graph_subscription_owners_round_trip_and_unknown_is_not_found(env: Env) -> None:
    from shared.ports import GraphSubscriptionOwner

    store, _clock = env
    owner = GraphSubscriptionOwner("7f105c7d-2dc5-4530-97cd-4e7ae6534c07", T1, M1, "ab" * 32)
    store.put_graph_subscription(owner)
    assert store.get_graph_subscription(owner.subscription_id) == owner
    with pytest.raises(NotFound):
        store.get_graph_subscription("d0c5e3b1-0000-4000-8000-000000000000")
    store.delete_graph_subscription(owner.subscription_id)
    store.delete_graph_subscription(owner.subscription_id)  # absent: no error
    with pytest.raises(NotFound):
        store.get_graph_subscription(owner.subscription_id)
