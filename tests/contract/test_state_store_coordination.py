"""The StateStore contract, part 2: what replicas coordinate through — leases, dedupe claims
and health counters — against the in-memory store and Firestore on the emulator."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.models import HealthUpdate, MailboxState
from shared.domain.recent_events import EventSummary
from shared.ports import ClaimOutcome, EventMark
from tests.contract.state_store_cases import (
    DAY,
    FIVE_MIN,
    LEASE_TTL,
    M1,
    M2,
    START,
    STORES,
    T1,
    T2,
    Env,
    make_env,
    race,
)


@pytest.fixture(params=STORES)
def env(request: pytest.FixtureRequest) -> Env:
    return make_env(request)


# -- leases ------------------------------------------------------------------------------


def test_leases(env: Env) -> None:
    store, clock = env
    first = store.try_acquire_lease("acme/booking", "w1", LEASE_TTL)
    assert first is not None
    assert (first.holder, first.expires_at) == ("w1", clock.now() + LEASE_TTL)
    assert store.try_acquire_lease("acme/booking", "w2", LEASE_TTL) is None
    clock.advance(timedelta(seconds=10))
    again = store.try_acquire_lease("acme/booking", "w1", LEASE_TTL)  # ours: renewed
    assert again is not None
    assert again.expires_at == clock.now() + LEASE_TTL
    clock.advance(timedelta(seconds=29))
    assert store.try_acquire_lease("acme/booking", "w2", LEASE_TTL) is None  # still live
    clock.advance(timedelta(seconds=2))
    taken = store.try_acquire_lease("acme/booking", "w2", LEASE_TTL)
    assert taken is not None
    assert taken.holder == "w2"
    assert store.renew_lease("acme/booking", "w1", LEASE_TTL) is None  # lost it
    store.release_lease("acme/booking", "w1")  # not ours: no-op
    assert [(x.name, x.holder) for x in store.list_leases()] == [("acme/booking", "w2")]
    renewed = store.renew_lease("acme/booking", "w2", LEASE_TTL)
    assert renewed is not None
    assert renewed.expires_at == clock.now() + LEASE_TTL
    store.release_lease("acme/booking", "w2")
    assert store.list_leases() == []
    assert store.try_acquire_lease("acme/booking", "w1", LEASE_TTL) is not None  # free again


def test_renew_of_a_lapsed_lease_nobody_took_succeeds_and_of_none_fails(env: Env) -> None:
    store, clock = env
    assert store.renew_lease("acme/booking", "w1", LEASE_TTL) is None  # never held
    assert store.try_acquire_lease("acme/booking", "w1", LEASE_TTL) is not None
    clock.advance(timedelta(minutes=5))
    renewed = store.renew_lease("acme/booking", "w1", LEASE_TTL)
    assert renewed is not None
    assert renewed.expires_at == clock.now() + LEASE_TTL


def test_lease_names_are_kept_verbatim(env: Env) -> None:
    store, _ = env
    names = ["acme/booking", "..", "__reserved__", "a b%2F"]
    for name in names:
        assert store.try_acquire_lease(name, "w1", LEASE_TTL) is not None
    assert [x.name for x in store.list_leases()] == sorted(names)
    assert store.try_acquire_lease("acme%2Fbooking", "w2", LEASE_TTL) is not None  # distinct


def test_racing_lease_takers_exactly_one_wins(env: Env) -> None:
    store, clock = env
    store.try_acquire_lease("acme/booking", "crashed", LEASE_TTL)
    clock.advance(LEASE_TTL + timedelta(seconds=1))  # lapsed: everyone may try
    results = race(6, lambda i: store.try_acquire_lease("acme/booking", f"w{i}", LEASE_TTL))
    winners = [r for r in results if r is not None]
    assert len(winners) == 1, results
    assert [x.holder for x in store.list_leases()] == [winners[0].holder]


def test_member_leases_live_exactly_as_long_as_their_holders_heartbeat(env: Env) -> None:
    """One heartbeat per replica keeps all its mailbox leases alive (a write per
    replica, not per mailbox); a lapsed or departed replica's leases are free to take."""
    store, clock = env
    assert store.heartbeat("w1#a", "w1", LEASE_TTL) is False  # the first beat
    assert store.heartbeat("w2#b", "w2", LEASE_TTL) is False
    assert store.take_member_lease("acme/booking", "w1#a")
    assert store.take_member_lease("acme/booking", "w1#a")  # ours: again
    assert store.take_member_lease("acme/stopsale", "w1#a")
    assert not store.take_member_lease("acme/booking", "w2#b")
    assert [(x.name, x.holder, x.expires_at) for x in store.list_leases()] == [
        ("acme/booking", "w1#a", None),
        ("acme/stopsale", "w1#a", None),
    ]
    for _ in range(3):  # beats keep them, with no write to the leases
        clock.advance(timedelta(seconds=25))
        assert store.heartbeat("w1#a", "w1", LEASE_TTL) is True
        assert store.heartbeat("w2#b", "w2", LEASE_TTL) is True
        assert not store.take_member_lease("acme/booking", "w2#b")
    assert [(m.holder, m.worker) for m in store.live_members()] == [("w1#a", "w1"), ("w2#b", "w2")]
    clock.advance(LEASE_TTL + timedelta(seconds=1))  # nobody beat: both lapsed
    assert store.live_members() == []
    assert store.heartbeat("w2#b", "w2", LEASE_TTL) is False  # late: it says so
    assert store.take_member_lease("acme/booking", "w2#b")  # w1 lapsed: taken over
    store.leave("w2#b")  # a clean goodbye frees at once, before any lapse
    assert store.heartbeat("w3#c", "w3", LEASE_TTL) is False
    assert store.take_member_lease("acme/booking", "w3#c")
    store.release_lease("acme/booking", "w3#c")
    assert [x.name for x in store.list_leases()] == ["acme/stopsale"]


def test_lease_held_reads_one_lease_as_a_reader_of_all_of_them_would(env: Env) -> None:
    """What the page asks of one mailbox (is anybody watching it?) agrees with the listing:
    a timed lease until it expires, a member lease while its holder beats."""
    store, clock = env
    assert not store.lease_held("acme/booking")  # never taken
    assert store.try_acquire_lease("acme/booking", "w1", LEASE_TTL) is not None
    assert store.lease_held("acme/booking")
    assert store.heartbeat("w2#b", "w2", LEASE_TTL) is False
    assert store.take_member_lease("acme/stopsale", "w2#b")
    assert store.lease_held("acme/stopsale")
    clock.advance(LEASE_TTL + timedelta(seconds=1))  # the timed lease expired, nobody beat
    assert not store.lease_held("acme/booking")
    assert not store.lease_held("acme/stopsale")
    assert store.heartbeat("w2#b", "w2", LEASE_TTL) is False  # back: its member lease lives
    assert store.lease_held("acme/stopsale")
    store.release_lease("acme/stopsale", "w2#b")
    assert not store.lease_held("acme/stopsale")


def test_leases_held_reads_many_leases_as_lease_held_reads_each(env: Env) -> None:
    """The page's overview asks of all of a tenant's mailboxes at once (one batched read)
    what ``lease_held`` answers of each."""
    store, clock = env
    names = ["acme/booking", "acme/stopsale", "acme/timed", "acme/never"]
    assert store.leases_held(names) == set()
    assert store.leases_held([]) == set()
    assert store.try_acquire_lease("acme/timed", "w1", LEASE_TTL) is not None
    assert store.heartbeat("w2#b", "w2", LEASE_TTL) is False
    assert store.take_member_lease("acme/booking", "w2#b")
    assert store.take_member_lease("acme/stopsale", "w2#b")
    assert store.leases_held(names) == {"acme/booking", "acme/stopsale", "acme/timed"}
    assert store.leases_held(names) == {n for n in names if store.lease_held(n)}
    clock.advance(LEASE_TTL + timedelta(seconds=1))  # the timed lease expired, nobody beat
    assert store.leases_held(names) == set()
    assert store.heartbeat("w2#b", "w2", LEASE_TTL) is False  # back: its member leases live
    assert store.leases_held(names) == {"acme/booking", "acme/stopsale"}
    store.release_lease("acme/stopsale", "w2#b")
    assert store.leases_held(names) == {"acme/booking"}


def test_a_claim_tied_to_a_member_lease_is_free_once_its_holder_stops_beating(env: Env) -> None:
    store, clock = env
    assert store.heartbeat("w1#a", "w1", LEASE_TTL) is False
    assert store.take_member_lease("acme/booking", "w1#a")
    assert store.claim("k", "w1#a", DAY, FIVE_MIN, lease="acme/booking") is ClaimOutcome.CLAIMED
    clock.advance(LEASE_TTL - timedelta(seconds=1))
    assert store.claim("k", "w2#b", DAY, FIVE_MIN, lease="acme/booking") is ClaimOutcome.BUSY
    clock.advance(timedelta(seconds=2))  # SIGKILLed: no heartbeat any more
    assert store.claim("k", "w2#b", DAY, FIVE_MIN, lease="acme/booking") is ClaimOutcome.CLAIMED


def test_racing_member_lease_takers_exactly_one_wins(env: Env) -> None:
    store, _ = env
    for i in range(6):
        store.heartbeat(f"w{i}#x", f"w{i}", LEASE_TTL)
    results = race(6, lambda i: store.take_member_lease("acme/booking", f"w{i}#x"))
    assert results.count(True) == 1, results
    assert [x.holder for x in store.list_leases()] == [f"w{results.index(True)}#x"]


# -- dedupe claims -----------------------------------------------------------------------


def test_claims(env: Env) -> None:
    store, _ = env
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
    assert store.claim("k2", "w1", DAY, FIVE_MIN) is ClaimOutcome.CLAIMED  # keys independent


def test_a_crashed_holders_claim_is_taken_over_and_done_claims_expire(env: Env) -> None:
    store, clock = env
    assert store.claim("k2", "dead-worker", DAY, FIVE_MIN) is ClaimOutcome.CLAIMED
    clock.advance(timedelta(minutes=4))
    assert store.claim("k2", "w2", DAY, FIVE_MIN) is ClaimOutcome.BUSY  # still in flight
    clock.advance(timedelta(minutes=2))
    assert store.claim("k2", "w2", DAY, FIVE_MIN) is ClaimOutcome.CLAIMED
    store.release_claim("k2", "dead-worker")  # woke up late: the claim is w2's now
    assert store.claim("k2", "w3", DAY, FIVE_MIN) is ClaimOutcome.BUSY
    store.complete_claim("k2", "w2")
    clock.advance(timedelta(hours=23))
    assert store.claim("k2", "w3", DAY, FIVE_MIN) is ClaimOutcome.DONE
    clock.advance(timedelta(days=2))  # past its TTL
    assert store.claim("k2", "w3", DAY, FIVE_MIN) is ClaimOutcome.CLAIMED


def test_a_claim_tied_to_a_lease_is_taken_over_as_soon_as_its_holder_loses_the_lease(
    env: Env,
) -> None:
    """A watcher SIGKILLed between claim and publish stalled its mailbox
    until the in-flight timeout. A claim names its holder's mailbox lease; once that lease
    lapses (at most its TTL), is released or belongs to someone else, the claim is free."""
    store, clock = env
    ttl = timedelta(seconds=20)
    assert store.try_acquire_lease("acme/booking", "w1#a", ttl) is not None
    assert store.claim("k", "w1#a", DAY, FIVE_MIN, lease="acme/booking") is ClaimOutcome.CLAIMED
    # the holder's lease is live: it is in flight, whoever asks (its own restart included)
    assert store.claim("k", "w1#b", DAY, FIVE_MIN, lease="acme/booking") is ClaimOutcome.BUSY
    clock.advance(timedelta(seconds=21))  # SIGKILLed: nobody renews the lease
    assert store.claim("k", "w1#b", DAY, FIVE_MIN, lease="acme/booking") is ClaimOutcome.CLAIMED
    # the new holder's claim is as safe as the first one was
    assert store.try_acquire_lease("acme/booking", "w1#b", ttl) is not None
    assert store.claim("k", "w2", DAY, FIVE_MIN, lease="acme/booking") is ClaimOutcome.BUSY
    # a lease another replica holds now: the claim's holder lost the mailbox
    assert store.claim("k2", "w1#b", DAY, FIVE_MIN, lease="acme/booking") is ClaimOutcome.CLAIMED
    store.release_lease("acme/booking", "w1#b")
    assert store.try_acquire_lease("acme/booking", "w2", ttl) is not None
    assert store.claim("k2", "w2", DAY, FIVE_MIN, lease="acme/booking") is ClaimOutcome.CLAIMED
    # a claim naming no lease (a function, the CLI) still waits for the in-flight timeout
    assert store.claim("k3", "fn-1", DAY, FIVE_MIN) is ClaimOutcome.CLAIMED
    clock.advance(timedelta(minutes=1))
    assert store.claim("k3", "w2", DAY, FIVE_MIN, lease="acme/booking") is ClaimOutcome.BUSY


def test_completing_without_a_claim_still_records_done(env: Env) -> None:
    store, clock = env
    store.complete_claim("published-anyway", "w1")
    assert store.claim("published-anyway", "w2", DAY, FIVE_MIN) is ClaimOutcome.DONE
    clock.advance(timedelta(days=29))
    assert store.claim("published-anyway", "w2", DAY, FIVE_MIN) is ClaimOutcome.DONE
    clock.advance(timedelta(days=2))  # past DONE_WITHOUT_CLAIM_TTL
    assert store.claim("published-anyway", "w2", DAY, FIVE_MIN) is ClaimOutcome.CLAIMED


def test_a_claim_naming_its_event_is_done_once_the_events_summary_is_stored(env: Env) -> None:
    """The summary is the completion: no write to the claim. Another holder finds the claim
    done as soon as the summary of the event it names is stored — in flight, its holder
    alive or not — and only that tenant's summary of that event counts."""
    store, clock = env
    eid = f"{T1}.booking.{7:040x}"
    mark = EventMark(T1, eid)
    assert store.claim("msgid.k", "w1", DAY, FIVE_MIN, lease="acme/booking", mark=mark) is (
        ClaimOutcome.CLAIMED
    )
    assert store.try_acquire_lease("acme/booking", "w1", LEASE_TTL) is not None
    assert store.claim("msgid.k", "w2", DAY, FIVE_MIN, mark=mark) is ClaimOutcome.BUSY
    store.put_event_summary(_summary(T2, eid))  # the same id in another tenant: not this
    assert store.claim("msgid.k", "w2", DAY, FIVE_MIN, mark=mark) is ClaimOutcome.BUSY
    store.put_event_summary(_summary(T1, f"{T1}.booking.{8:040x}"))  # another event
    assert store.claim("msgid.k", "w2", DAY, FIVE_MIN, mark=mark) is ClaimOutcome.BUSY
    store.put_event_summary(_summary(T1, eid))
    assert store.claim("msgid.k", "w2", DAY, FIVE_MIN) is ClaimOutcome.DONE
    clock.advance(timedelta(minutes=10))  # its holder gone: done all the same
    store.release_lease("acme/booking", "w1")
    assert store.claim("msgid.k", "w3", DAY, FIVE_MIN, mark=mark) is ClaimOutcome.DONE
    store.release_claim("msgid.k", "w1")  # a late release of a completed claim: no effect
    assert store.claim_many({"msgid.k": None, "new": None}, "w3", DAY, FIVE_MIN) == {
        "msgid.k": ClaimOutcome.DONE,
        "new": ClaimOutcome.CLAIMED,
    }


def test_claims_taken_many_at_once_name_their_events(env: Env) -> None:
    store, _ = env
    marks = {f"m{i}": EventMark(T1, f"{T1}.booking.{i:040x}") for i in range(3)}
    claims: dict[str, str | None] = dict.fromkeys(marks, None)
    assert store.claim_many(claims, "w1", DAY, FIVE_MIN, marks=marks) == dict.fromkeys(
        marks, ClaimOutcome.CLAIMED
    )
    store.put_event_summaries([_summary(T1, marks["m0"].event_id)])
    assert store.claim_many(claims, "w2", DAY, FIVE_MIN) == {
        "m0": ClaimOutcome.DONE,
        "m1": ClaimOutcome.BUSY,
        "m2": ClaimOutcome.BUSY,
    }


def _summary(tenant: str, eid: str) -> EventSummary:
    return EventSummary(
        event_id=eid, tenant_id=tenant, mailbox_id="booking", at=START, label="booking"
    )


def test_claim_keys_of_any_shape(env: Env) -> None:
    store, _ = env
    keys = ["acme.booking.3fa2", "graph/AAMk=/x", "..", "__x__"]
    for key in keys:
        assert store.claim(key, "w1", DAY, FIVE_MIN) is ClaimOutcome.CLAIMED
        store.complete_claim(key, "w1")
    assert [store.claim(k, "w2", DAY, FIVE_MIN) for k in keys] == [ClaimOutcome.DONE] * 4


def test_claims_many_at_once_new_or_not_each_as_alone(env: Env) -> None:
    """A catch-up claims a fetched batch in one call (one write when all are new) and
    completes it in one call; with some claimed or done already, each answers as alone."""
    store, _ = env
    fresh: dict[str, str | None] = {f"batch-{i}": None for i in range(5)}
    outcomes = store.claim_many(fresh, "w1", DAY, FIVE_MIN)
    assert outcomes == dict.fromkeys(fresh, ClaimOutcome.CLAIMED)
    assert store.claim("batch-0", "w2", DAY, FIVE_MIN) is ClaimOutcome.BUSY  # really claimed
    store.complete_claims(["batch-0", "batch-1"], "w1")
    store.release_claim("batch-2", "w1")
    mixed = {f"batch-{i}": None for i in range(6)}  # 5: new
    assert store.claim_many(mixed, "w2", DAY, FIVE_MIN) == {
        "batch-0": ClaimOutcome.DONE,
        "batch-1": ClaimOutcome.DONE,
        "batch-2": ClaimOutcome.CLAIMED,  # released: free again
        "batch-3": ClaimOutcome.BUSY,  # w1's, in flight
        "batch-4": ClaimOutcome.BUSY,
        "batch-5": ClaimOutcome.CLAIMED,
    }
    store.complete_claims(["batch-2", "batch-5", "never-claimed"], "w2")
    assert store.claim_many(
        {"batch-2": None, "batch-5": None, "never-claimed": None}, "w3", DAY, FIVE_MIN
    ) == dict.fromkeys(["batch-2", "batch-5", "never-claimed"], ClaimOutcome.DONE)


def test_racing_claims_exactly_one_wins(env: Env) -> None:
    store, _ = env
    results = race(8, lambda i: store.claim("hot", f"w{i}", DAY, FIVE_MIN))
    assert results.count(ClaimOutcome.CLAIMED) == 1, results
    assert results.count(ClaimOutcome.BUSY) == 7


def test_racing_takeovers_of_a_stale_claim_exactly_one_wins(env: Env) -> None:
    store, clock = env
    store.claim("stale", "dead-worker", DAY, FIVE_MIN)
    clock.advance(timedelta(minutes=10))
    results = race(6, lambda i: store.claim("stale", "same-holder", DAY, FIVE_MIN))
    assert results.count(ClaimOutcome.CLAIMED) == 1, results
    assert results.count(ClaimOutcome.BUSY) == 5


# -- health ------------------------------------------------------------------------------


def test_health_counts_the_last_24_hours(env: Env) -> None:
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
    assert h.updated_at == clock.now()
    later = start + timedelta(hours=25)
    assert store.get_health(T1, M1, later).processed_24h == 5  # the first hour fell out
    assert store.get_health(T1, M1, start + timedelta(days=3)).processed_24h == 0
    assert store.get_health(T1, M1, start + timedelta(days=3)).avg_processing_ms is None


def test_health_merges_only_the_fields_an_update_sets(env: Env) -> None:
    store, clock = env
    connected = clock.now()
    store.update_health(
        T1,
        M1,
        HealthUpdate(
            state=MailboxState.BACKOFF,
            last_connect_at=connected,
            last_error="timeout",
            last_error_at=connected,
            pending=3,
        ),
        clock.now(),
    )
    clock.advance(timedelta(minutes=1))
    store.update_health(T1, M1, HealthUpdate(state=MailboxState.IDLE, pending=0), clock.now())
    clock.advance(timedelta(minutes=1))
    store.update_health(T1, M1, HealthUpdate(processed=1), clock.now())
    h = store.get_health(T1, M1, clock.now())
    assert h.state is MailboxState.IDLE
    assert h.last_connect_at == connected
    assert (h.last_error, h.last_error_at) == ("timeout", connected)  # kept, not cleared
    assert h.pending == 0
    assert h.processed_24h == 1


def test_concurrent_health_updates_all_count(env: Env) -> None:
    store, clock = env
    at = clock.now()
    race(8, lambda i: store.update_health(T1, M1, HealthUpdate(processed=1, errors=i), at))
    h = store.get_health(T1, M1, at)
    assert (h.processed_24h, h.errors_24h) == (8, sum(range(8)))


def test_health_updates_for_many_mailboxes_in_one_call(env: Env) -> None:
    store, clock = env
    at = clock.now()
    store.update_health_many(
        [
            (T1, M1, HealthUpdate(state=MailboxState.IDLE, processed=2, last_sync_at=at)),
            (T1, M2, HealthUpdate(state=MailboxState.BACKOFF, errors=1, last_error="reset")),
            (T2, M1, HealthUpdate(processed=1)),
        ],
        at,
    )
    one, two, other = (store.get_health(t, m, at) for t, m in ((T1, M1), (T1, M2), (T2, M1)))
    assert (one.state, one.processed_24h, one.last_sync_at) == (MailboxState.IDLE, 2, at)
    assert (two.state, two.errors_24h, two.last_error) == (MailboxState.BACKOFF, 1, "reset")
    assert other.processed_24h == 1
    # counters add up with what single updates wrote
    store.update_health(T1, M1, HealthUpdate(processed=3), at)
    assert store.get_health(T1, M1, at).processed_24h == 5
