"""Connection caps (per server, per account) and the lease keeper, on in-memory parts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import Lease, Mailbox, Provider, TlsMode
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


def test_keeper_renews_held_leases_and_reports_lost_ones() -> None:
    clock = FakeClock()
    store = InMemoryStateStore(clock)
    assert store.try_acquire_lease("acme/a", "me", TTL) is not None
    assert store.try_acquire_lease("acme/b", "me", TTL) is not None
    lost: list[str] = []
    keeper = LeaseKeeper(store, "me", 20, held=lambda: ["acme/a", "acme/b"], on_lost=lost.append)

    clock.advance(timedelta(seconds=15))
    keeper.renew_all()
    renewed = {lease.name: lease.expires_at for lease in store.list_leases()}
    assert renewed["acme/a"] == clock.now() + TTL

    # b lapses while we are (say) paused and another replica takes it
    clock.advance(timedelta(seconds=25))
    store.release_lease("acme/b", "me")
    assert store.try_acquire_lease("acme/b", "other", TTL) is not None
    keeper.renew_all()
    assert lost == ["acme/b"]
    assert {lease.name: lease.holder for lease in store.list_leases()} == {
        "acme/a": "me",
        "acme/b": "other",
    }
    assert keeper.renewals == 2


def test_keeper_survives_a_store_error_and_renews_the_rest() -> None:
    clock = FakeClock()

    class FlakyStore(InMemoryStateStore):
        def renew_lease(self, name: str, holder: str, ttl: timedelta) -> Lease | None:
            if name == "acme/a":
                raise ServiceUnavailable("firestore: deadline exceeded")
            return super().renew_lease(name, holder, ttl)

    store = FlakyStore(clock)
    for name in ("acme/a", "acme/b"):
        assert store.try_acquire_lease(name, "me", TTL) is not None
    lost: list[str] = []
    keeper = LeaseKeeper(store, "me", 20, held=lambda: ["acme/a", "acme/b"], on_lost=lost.append)
    clock.advance(timedelta(seconds=10))
    keeper.renew_all()
    assert lost == []  # an error is not a lost lease: the next round tries again
    expiry = {lease.name: lease.expires_at for lease in store.list_leases()}
    assert expiry["acme/b"] == clock.now() + TTL
    assert expiry["acme/a"] < clock.now() + TTL
