"""Connection caps (per server, per account) and the lease keeper, on in-memory parts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import Mailbox, Provider, TlsMode
from shared.errors import ServiceUnavailable
from shared.ids import MailboxId, TenantId
from shared.service.watcher.caps import ConnectionCaps
from shared.service.watcher.lease_keeper import LeaseKeeper


def mailbox(mailbox_id: str, host: str, login: str) -> Mailbox:
    return Mailbox(
        tenant_id=TenantId("acme"),
        id=MailboxId(mailbox_id),
        provider=Provider.IMAP,
        address=login,
        host=host,
        tls=TlsMode.TLS,
    )


def test_server_cap_counts_sessions_to_one_host_and_frees_on_release() -> None:
    caps = ConnectionCaps(2)
    a, b, c = (mailbox(f"m{i}", "mail.hotel.example", f"u{i}@x.example") for i in range(3))
    other_host = mailbox("m9", "imap.other.example", "u9@x.example")
    first, second = caps.acquire(a, 0), caps.acquire(b, 0)
    assert first is not None
    assert second is not None
    assert caps.acquire(c, 0) is None  # the host's two slots are taken
    assert caps.acquire(other_host, 0) is not None  # another host is not affected
    first.release()
    assert caps.acquire(c, 0) is not None


def test_server_override_is_matched_case_insensitively() -> None:
    caps = ConnectionCaps(100, server_overrides={"Mail.Small.Example": 1})
    a, b = mailbox("a", "mail.small.example", "a@x"), mailbox("b", "MAIL.small.example", "b@x")
    assert caps.acquire(a, 0) is not None
    assert caps.acquire(b, 0) is None


def test_account_cap_is_per_login_not_per_host() -> None:
    """Gmail's 15 connections are per account: folders of one account share them, other
    accounts on imap.gmail.com have their own."""
    caps = ConnectionCaps(100, per_account={"imap.gmail.com": 2})
    inbox = mailbox("inbox", "imap.gmail.com", "agency@gmail.com")
    stopsale = mailbox("stopsale", "imap.gmail.com", "AGENCY@gmail.com")  # same account
    third = mailbox("third", "imap.gmail.com", "agency@gmail.com")
    other_account = mailbox("other", "imap.gmail.com", "hotelier@gmail.com")
    assert caps.acquire(inbox, 0) is not None
    held = caps.acquire(stopsale, 0)
    assert held is not None
    assert caps.acquire(third, 0) is None
    assert caps.acquire(other_account, 0) is not None
    held.release()
    assert caps.acquire(third, 0) is not None


def test_waiting_for_an_account_slot_does_not_hold_a_server_slot() -> None:
    caps = ConnectionCaps(2, per_account={"imap.gmail.com": 1})
    assert caps.acquire(mailbox("a", "imap.gmail.com", "one@gmail.com"), 0) is not None
    assert caps.acquire(mailbox("b", "imap.gmail.com", "one@gmail.com"), 0) is None
    # the refused attempt gave its server slot back: a second account still gets one
    assert caps.acquire(mailbox("c", "imap.gmail.com", "two@gmail.com"), 0) is not None


def test_a_cap_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ConnectionCaps(0)


TTL = timedelta(seconds=20)


def test_one_heartbeat_keeps_every_member_lease_alive() -> None:
    clock = FakeClock()
    store = InMemoryStateStore(clock)
    keeper = LeaseKeeper(store, "w1#aa", 20, held=lambda: ["acme/a", "acme/b"], on_lost=print)
    keeper.renew_all()
    assert store.take_member_lease("acme/a", "w1#aa")
    assert store.take_member_lease("acme/b", "w1#aa")
    for _ in range(4):  # 60 s, three TTLs, with a beat every 15 s: no lease write at all
        clock.advance(timedelta(seconds=15))
        keeper.renew_all()
        assert not store.take_member_lease("acme/a", "w2#bb")
    assert {lease.holder for lease in store.list_leases()} == {"w1#aa"}
    assert all(lease.expires_at is None for lease in store.list_leases())
    # no beat for longer than the TTL (SIGKILL): another replica takes them over
    clock.advance(timedelta(seconds=21))
    assert store.take_member_lease("acme/a", "w2#bb")
    assert keeper.renewals == 5


def test_keeper_reads_the_live_replicas_by_worker_id() -> None:
    clock = FakeClock()
    store = InMemoryStateStore(clock)
    keeper = LeaseKeeper(store, "w1#aa", 20, held=list, on_lost=print)
    assert keeper.live_workers() == ("w1",)  # itself, even before its first beat
    assert store.heartbeat("w2#bb", "w2", TTL) is False  # its first beat
    assert store.heartbeat("w3#cc", "w3", timedelta(seconds=5)) is False
    keeper.renew_all()
    assert keeper.live_workers() == ("w1", "w2", "w3")
    clock.advance(timedelta(seconds=6))  # w3 stopped beating
    keeper.renew_all()
    assert keeper.live_workers() == ("w1", "w2")
    store.leave("w2#bb")  # a clean goodbye counts at once
    keeper.renew_all()
    assert keeper.live_workers() == ("w1",)


def test_a_lapsed_heartbeat_gives_up_only_what_another_replica_took() -> None:
    """Stalled past the TTL, the replica takes its mailboxes again at once: those nobody
    else took keep their sessions (giving them all up made a replica stalled by load drop
    and reconnect every session); one another live replica took is given up."""
    clock = FakeClock()
    store = InMemoryStateStore(clock)
    lost: list[str] = []
    held = ["acme/a", "acme/b", "acme/c"]
    keeper = LeaseKeeper(store, "me#1", 20, held=lambda: held, on_lost=lost.append)
    keeper.renew_all()
    for key in held:
        assert store.take_member_lease(key, "me#1")
    clock.advance(timedelta(seconds=25))
    assert store.heartbeat("other#2", "other", TTL) is False  # another replica, live
    assert store.take_member_lease("acme/b", "other#2")
    keeper.renew_all()
    assert lost == ["acme/b"]
    holders = {lease.name: lease.holder for lease in store.list_leases()}
    assert holders == {"acme/a": "me#1", "acme/b": "other#2", "acme/c": "me#1"}
    assert not store.take_member_lease("acme/a", "other#2")  # ours again, while we beat


def test_after_a_lapse_a_mailbox_the_store_cannot_confirm_is_given_up() -> None:
    clock = FakeClock()

    class Refusing(InMemoryStateStore):
        def take_member_lease(self, name: str, holder: str) -> bool:
            if name == "acme/b":
                raise ServiceUnavailable("firestore: deadline exceeded")
            return super().take_member_lease(name, holder)

    store = Refusing(clock)
    lost: list[str] = []
    keeper = LeaseKeeper(store, "me#1", 20, held=lambda: ["acme/a", "acme/b"], on_lost=lost.append)
    keeper.renew_all()
    assert store.take_member_lease("acme/a", "me#1")
    clock.advance(timedelta(seconds=25))
    keeper.renew_all()
    assert lost == ["acme/b"]  # not known to be ours: given up, retaken at a reconcile


def test_keeper_survives_a_store_error() -> None:
    clock = FakeClock()

    class FlakyStore(InMemoryStateStore):
        failing = True

        def heartbeat(self, holder: str, worker: str, ttl: timedelta) -> bool:
            if self.failing:
                raise ServiceUnavailable("firestore: deadline exceeded")
            return super().heartbeat(holder, worker, ttl)

    store = FlakyStore(clock)
    lost: list[str] = []
    keeper = LeaseKeeper(store, "me#1", 3600, held=lambda: ["acme/a"], on_lost=lost.append)
    keeper.start()  # its first beat fails: logged, not raised
    try:
        assert keeper.renewals == 0
        assert store.live_members() == []
        store.failing = False
        keeper.renew_all()
        assert [m.holder for m in store.live_members()] == ["me#1"]
        assert lost == []  # an error is not a lost lease: the next round tries again
    finally:
        keeper.stop()


def test_timed_leases_still_expire_by_themselves() -> None:
    """Gmail and Graph syncs keep timed leases (renewed one by one)."""
    clock = FakeClock()
    store = InMemoryStateStore(clock)
    assert store.try_acquire_lease("gmail/acme/a", "fn#1", TTL) is not None
    assert store.try_acquire_lease("gmail/acme/a", "fn#2", TTL) is None
    assert not store.take_member_lease("gmail/acme/a", "fn#2")
    clock.advance(timedelta(seconds=21))
    assert store.try_acquire_lease("gmail/acme/a", "fn#2", TTL) is not None
    holder = {lease.name: lease for lease in store.list_leases()}["gmail/acme/a"]
    assert holder.expires_at == clock.now() + TTL
