"""A mailbox worker's failure handling and the supervisor's lease keeping, with no server:
the credentials fail before any connection is made."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_state import InMemoryStateStore
from shared.adapters.system_clock import SystemClock
from shared.domain.models import (
    AuthMethod,
    Health,
    Mailbox,
    MailboxState,
    OAuthGrant,
    OAuthProvider,
    Provider,
    TlsMode,
)
from shared.errors import AuthError, ClaimBusy, ClientRejected, ReauthRequired
from shared.ids import MailboxId, TenantId
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline
from shared.service.watcher import Watcher, WatcherOptions
from shared.service.watcher.caps import ConnectionCaps
from shared.service.watcher.mailbox_worker import MailAccess, MailboxWorker
from tests.unit.watcher.fakes import (
    ExplodingCredentials,
    FakeFolder,
    FakeSources,
    RecordingPipeline,
)

MAILBOX = Mailbox(
    tenant_id=TenantId("acme"),
    id=MailboxId("booking"),
    provider=Provider.IMAP,
    address="b@acme.example",
    host="127.0.0.1",
    port=1,  # never reached: the credentials fail first
    tls=TlsMode.PLAIN,
)
# the credentials fail before any source is opened
NO_SERVER = FakeSources(error=AssertionError("no source may be opened"))
# long waits after a failure: the tests look at the worker while it waits
SLOW = WatcherOptions(idle_check_s=0.1, backoff_base_s=600, backoff_max_s=600, auth_backoff_s=900)


def wait_for(condition: Callable[[], Any], timeout: float = 30.0, what: str = "it") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def worker_for() -> Iterator[Callable[..., tuple[MailboxWorker, InMemoryStateStore, Any]]]:
    workers: list[MailboxWorker] = []

    def make(
        credentials: ExplodingCredentials, caps: ConnectionCaps, options: WatcherOptions = SLOW
    ) -> tuple[MailboxWorker, InMemoryStateStore, Callable[[], Health]]:
        clock = SystemClock()
        store = InMemoryStateStore(clock)
        reporter = HealthReporter(store, clock)
        worker = MailboxWorker(
            MAILBOX,
            cursors=store,
            pipeline=cast(IngestPipeline, RecordingPipeline()),
            access=MailAccess(credentials, FakeSources(FakeFolder(7, []))),
            reporter=reporter,
            clock=clock,
            options=options,
            caps=caps,
        )
        workers.append(worker)
        worker.start()

        def health() -> Health:
            reporter.flush()
            return store.get_health(MAILBOX.tenant_id, MAILBOX.id, clock.now())

        return worker, store, health

    yield make
    for worker in workers:
        worker.stop()
        worker.join(timeout=10)
        assert not worker.alive, "worker did not stop"


def test_an_unexpected_error_backs_off_instead_of_killing_the_worker(worker_for: Any) -> None:
    credentials = ExplodingCredentials(KeyError("a server answer we did not expect"))
    caps = ConnectionCaps(1)
    worker, _, health = worker_for(credentials, caps)
    h = wait_for(lambda: (h := health()).state is MailboxState.BACKOFF and h, what="backoff")
    assert "KeyError" in (h.last_error or "")
    assert h.errors_24h == 1
    assert worker.alive
    # backing off without a socket: the server's only slot is free for other mailboxes
    assert caps.acquire(MAILBOX, 0) is not None


def test_a_message_claimed_elsewhere_is_retried_soon_without_growing_backoff(
    worker_for: Any,
) -> None:
    """A mailbox "another worker holds" grew the reconnect backoff to 139 s."""
    credentials = ExplodingCredentials(ClaimBusy("event e is being processed by another worker"))
    options = dataclasses.replace(SLOW, busy_retry_s=0.05)  # backoff: 600 s
    _, _, health = worker_for(credentials, ConnectionCaps(1), options)
    wait_for(lambda: credentials.attempts >= 5, what="several short retries")
    h = health()
    assert h.state is not MailboxState.BACKOFF
    assert h.errors_24h == 0  # not a connection error
    assert "another worker" in (h.last_error or "")


def test_a_refused_login_is_auth_error_with_one_attempt_and_no_slot_held(
    worker_for: Any,
) -> None:
    credentials = ExplodingCredentials(AuthError("IMAP login refused for acme/booking"))
    caps = ConnectionCaps(1)
    _, _, health = worker_for(credentials, caps)
    wait_for(lambda: health().state is MailboxState.AUTH_ERROR, what="auth_error")
    assert credentials.invalidated == 1  # a cached token / secret is dropped
    assert credentials.attempts == 1  # then it waits auth_backoff_s (900 s): no hammering
    assert caps.acquire(MAILBOX, 0) is not None


def test_a_revoked_grant_is_reauth_required_not_auth_error(
    worker_for: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The watcher reported a revoked OAuth grant as auth_error (and
    logged "login refused", the password alert)."""
    caplog.set_level(logging.INFO)
    credentials = ExplodingCredentials(ReauthRequired("mailbox acme/booking must be reconnected"))
    _, _, health = worker_for(credentials, ConnectionCaps(1))
    wait_for(lambda: health().state is MailboxState.REAUTH_REQUIRED, what="reauth_required")
    assert credentials.attempts == 1  # then the long auth backoff: no retry storm
    assert "login refused" not in caplog.text


def test_our_oauth_client_refused_alerts_the_operator(
    worker_for: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    credentials = ExplodingCredentials(ClientRejected("google refused our OAuth client"))
    _, _, health = worker_for(credentials, ConnectionCaps(1))
    wait_for(lambda: health().state is MailboxState.AUTH_ERROR, what="auth_error")
    (alert,) = [
        r for r in caplog.records if r.getMessage() == "OAuth client refused by the provider"
    ]
    assert alert.levelno == logging.ERROR  # infra/monitoring.tf: oauth_client_refused
    assert "login refused" not in caplog.text
    assert credentials.attempts == 1


def test_a_mailbox_waiting_for_a_slot_says_so_in_its_health(worker_for: Any) -> None:
    caps = ConnectionCaps(1)
    held = caps.acquire(MAILBOX, 0)  # another session has the server's only slot
    assert held is not None
    credentials = ExplodingCredentials(AuthError("refused"))
    _, _, health = worker_for(credentials, caps)
    h = wait_for(lambda: (h := health()).state is MailboxState.BACKOFF and h, what="waiting")
    assert "connection cap" in (h.last_error or "")
    assert credentials.attempts == 0  # it did not connect past the cap
    held.release()
    wait_for(lambda: credentials.attempts == 1, what="the login once the slot is free")


def _loginless(
    store: InMemoryStateStore, clock: Any, options: WatcherOptions, holder: str = "w1"
) -> Watcher:
    """A watcher whose workers fail their login before any server is reached: they wait in
    their backoff, holding their mailboxes (no mail server needed)."""
    return Watcher(
        store,
        cast(IngestPipeline, RecordingPipeline(holder)),
        ExplodingCredentials(AuthError("refused")),
        clock,
        holder=holder,
        sources=NO_SERVER,
        options=options,
    )


class BlockingListStore(InMemoryStateStore):
    """``list_mailboxes`` hangs (a slow store) from its second call until released."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.calls = 0
        self.unblock = threading.Event()

    def list_mailboxes(self, tenant_id: TenantId | None = None) -> list[Mailbox]:
        self.calls += 1
        if self.calls > 1:
            self.unblock.wait(timeout=60)
        return super().list_mailboxes(tenant_id)


def test_the_heartbeat_is_written_while_the_reconcile_cycle_is_stuck() -> None:
    clock = SystemClock()
    store = BlockingListStore(clock)
    store.put_mailbox(MAILBOX)
    # a safety re-list at every turn: the second one hangs
    options = WatcherOptions(
        lease_ttl_s=1, reload_s=0.05, relist_s=0.05, idle_check_s=0.1, auth_backoff_s=900
    )
    watcher = _loginless(store, clock, options)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: store.calls > 1, what="the second, stuck listing")
        first: datetime = store.live_members()[0].expires_at
        # the keeper beats every ttl/3 on its own thread: the heartbeat (which keeps the
        # member lease alive) moves on while the supervisor's loop is stuck (before, renewal
        # waited behind the listing and the lease lapsed to another replica)
        wait_for(
            lambda: store.live_members()[0].expires_at > first + timedelta(milliseconds=500),
            what="a heartbeat during the stuck listing",
        )
        assert store.list_leases()[0].holder == "w1"
        assert not store.take_member_lease(MAILBOX.key, "w2")
    finally:
        store.unblock.set()
        watcher.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert store.list_leases() == []  # stop() released it
    assert store.live_members() == []  # and left


class HangingReleaseStore(InMemoryStateStore):
    """``release_lease`` hangs (an unreachable store) until released; the first one of a
    stop answers at once."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.unblock = threading.Event()
        self.releases = 0
        self._count = threading.Lock()

    def release_lease(self, name: str, holder: str) -> None:
        with self._count:
            self.releases += 1
            first = self.releases == 1
        if not first:
            self.unblock.wait(timeout=60)
        super().release_lease(name, holder)


def test_a_stop_gives_up_releasing_leases_at_its_deadline_and_they_lapse(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = SystemClock()
    store = HangingReleaseStore(clock)
    for i in range(40):
        store.put_mailbox(MAILBOX.model_copy(update={"id": MailboxId(f"m{i:02d}")}))
    options = WatcherOptions(
        lease_ttl_s=30,
        reload_s=0.05,
        idle_check_s=0.1,
        auth_backoff_s=900,
        store_concurrency=4,
        shutdown_grace_s=0.2,
        release_grace_s=0.5,
    )
    watcher = _loginless(store, clock, options)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: len(watcher.watched) == 40, what="all 40 watched")
        with caplog.at_level(logging.INFO):
            watcher.stop()
            # the releases hang for 60 s each: the stop ends at its deadline all the same
            thread.join(timeout=20)
            assert not thread.is_alive()
        cut = [r for r in caplog.records if "cut short" in r.getMessage()]
        assert len(cut) == 1
        # one released at once, four hanging in flight, the other 35 cancelled
        assert (cut[0].__dict__["count"], cut[0].__dict__["released"]) == (39, 1)
        assert not [r for r in caplog.records if r.getMessage() == "leases released"]
        # the 39 are still held in the store: they lapse by themselves within the TTL
        assert len([lease for lease in store.list_leases() if lease.holder == "w1"]) == 39
    finally:
        store.unblock.set()
        watcher.stop()
        thread.join(timeout=30)


def test_two_replicas_split_the_mailboxes_and_one_takes_over_when_the_other_stops() -> None:
    clock = SystemClock()
    store = InMemoryStateStore(clock)
    keys = []
    for i in range(40):
        mailbox = MAILBOX.model_copy(update={"id": MailboxId(f"m{i:02d}")})
        store.put_mailbox(mailbox)
        keys.append(mailbox.key)
    options = WatcherOptions(lease_ttl_s=3, reload_s=0.05, idle_check_s=0.1, auth_backoff_s=900)

    def replica(holder: str) -> tuple[Watcher, threading.Thread]:
        # workers wait without a server
        watcher = _loginless(store, clock, options, holder=holder)
        thread = threading.Thread(target=watcher.run, daemon=True)
        thread.start()
        return watcher, thread

    a, a_thread = replica("a")
    b, b_thread = replica("b")
    try:
        wait_for(lambda: len(a.watched) + len(b.watched) == 40, what="all 40 watched")
        assert not set(a.watched) & set(b.watched)  # exactly one replica per mailbox
        assert sorted(a.watched + b.watched) == sorted(keys)
        holders = {lease.name: lease.holder for lease in store.list_leases()}
        assert holders == {k: ("a" if k in a.watched else "b") for k in keys}

        a.stop()  # SIGTERM: a's leases are released at once, b picks them up
        a_thread.join(timeout=30)
        assert not a_thread.is_alive()
        wait_for(lambda: len(b.watched) == 40, what="b to take a's mailboxes over")
        assert {lease.holder for lease in store.list_leases()} == {"b"}
    finally:
        for watcher, thread in ((a, a_thread), (b, b_thread)):
            watcher.stop()
            thread.join(timeout=30)
    assert store.list_leases() == []


def test_a_silent_mailbox_is_logged_stale_once(caplog: pytest.LogCaptureFixture) -> None:
    """infra/monitoring.tf alerts on the "mailbox stale" log line."""
    clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    store = InMemoryStateStore(clock)
    store.put_mailbox(MAILBOX)  # poll 60 s, IDLE refresh 1200 s: window 60 min
    options = WatcherOptions(
        idle_refresh_s=1200,
        lease_ttl_s=1,
        reload_s=0.05,
        idle_check_s=0.1,
        auth_backoff_s=900,
        stale_check_s=0.05,
    )
    # never syncs
    watcher = _loginless(store, clock, options)
    thread = threading.Thread(target=watcher.run, daemon=True)
    caplog.set_level(logging.INFO, logger="shared.service.watcher.watcher")

    def stale_lines() -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.getMessage() == "mailbox stale"]

    thread.start()
    try:
        wait_for(lambda: watcher.watched == ["acme/booking"], what="watched")
        renewals = watcher.lease_renewals
        wait_for(lambda: watcher.lease_renewals > renewals + 1, what="a few cycles")
        assert stale_lines() == []  # silent for no time at all yet
        clock.advance(timedelta(minutes=61))
        record = wait_for(lambda: stale_lines(), what="the stale log line")[0]
        assert getattr(record, "mailbox_key", None) == "acme/booking"
        renewals = watcher.lease_renewals
        wait_for(lambda: watcher.lease_renewals > renewals + 1, what="more cycles")
        assert len(stale_lines()) == 1  # once per episode, not once per cycle
    finally:
        watcher.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()


def test_only_a_connection_relevant_change_restarts_a_mailbox(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Any change of the mailbox document (a token expiry, a label, an audit
    time) reconnected the mailbox."""
    clock = SystemClock()
    store = InMemoryStateStore(clock)
    grant = OAuthGrant(
        provider=OAuthProvider.GOOGLE,
        connected_address="b@acme.example",
        connected_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    oauth_mailbox = MAILBOX.model_copy(update={"auth_method": AuthMethod.OAUTH2, "oauth": grant})
    store.put_mailbox(oauth_mailbox)
    options = WatcherOptions(lease_ttl_s=3, reload_s=0.05, idle_check_s=0.1, auth_backoff_s=900)
    watcher = _loginless(store, clock, options)
    caplog.set_level(logging.INFO, logger="shared.service.watcher.watcher")

    def restarts() -> int:
        return sum(r.getMessage() == "stopping worker" for r in caplog.records)

    def cycles(n: int) -> None:
        seen = watcher.lease_renewals
        wait_for(lambda: watcher.lease_renewals >= seen + n, what="a few reload cycles")

    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: watcher.watched == ["acme/booking"], what="watched")
        volatile = oauth_mailbox.model_copy(
            update={
                "purpose": "stopsale",
                "updated_at": datetime(2026, 2, 1, tzinfo=UTC),
                "oauth": grant.model_copy(
                    update={
                        "access_expires_at": datetime(2026, 2, 1, 1, tzinfo=UTC),
                        "reauth_required_at": datetime(2026, 2, 1, tzinfo=UTC),
                    }
                ),
            }
        )
        store.put_mailbox(volatile)
        cycles(2)  # ~2 s: 40 reloads
        assert restarts() == 0
        assert watcher.watched == ["acme/booking"]
        store.put_mailbox(volatile.model_copy(update={"folder": "Stopsale"}))
        wait_for(lambda: restarts() == 1, what="the restart for a new folder")
        reconnected = grant.model_copy(update={"connected_at": datetime(2026, 3, 1, tzinfo=UTC)})
        store.put_mailbox(volatile.model_copy(update={"folder": "Stopsale", "oauth": reconnected}))
        wait_for(lambda: restarts() == 2, what="the restart for a reconnected grant")
    finally:
        watcher.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()


def test_the_pipeline_must_claim_under_the_watchers_lease_holder_name() -> None:
    """Claims name the mailbox lease and are freed when their holder no longer holds it: a
    pipeline claiming under another name would have its claims taken over at once."""
    store = InMemoryStateStore(SystemClock())
    with pytest.raises(ValueError, match="claims as 'w1#a'"):
        Watcher(
            store,
            cast(IngestPipeline, RecordingPipeline("w1#a")),
            ExplodingCredentials(AuthError("refused")),
            SystemClock(),
            holder="w1#b",
            sources=NO_SERVER,
        )


def test_an_idle_replica_reconciles_only_when_something_changes() -> None:
    """Walking every worker on every reload was most of the idle CPU at 10,000 mailboxes: the
    walk runs on a change — a mailbox added, a worker's thread ended — and
    otherwise only every full_reconcile_s (an hour here)."""
    clock = SystemClock()
    store = InMemoryStateStore(clock)
    for i in range(5):
        store.put_mailbox(MAILBOX.model_copy(update={"id": MailboxId(f"m{i}")}))
    options = WatcherOptions(
        lease_ttl_s=3, reload_s=0.05, full_reconcile_s=3600, idle_check_s=0.1, auth_backoff_s=900
    )
    # workers wait, holding their mailboxes
    watcher = _loginless(store, clock, options)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: len(watcher.watched) == 5, what="all 5 watched")
        settled = watcher.reconciles
        time.sleep(1.0)  # twenty reload periods with nothing changing
        assert watcher.reconciles == settled

        store.put_mailbox(MAILBOX.model_copy(update={"id": MailboxId("m5")}))
        wait_for(lambda: len(watcher.watched) == 6, what="the added mailbox watched")
        assert watcher.reconciles > settled

        # a worker whose thread ends (a bug, in production) is restarted at once
        with watcher._lock:
            worker = watcher._workers["acme/m0"]
        worker.stop()
        wait_for(lambda: watcher._workers.get("acme/m0") not in (None, worker), what="restart")
        # the new worker reports itself watched once its thread holds the mailbox again
        wait_for(lambda: "acme/m0" in watcher.watched, what="the restarted worker watched")
    finally:
        watcher.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()


def test_the_loop_wakes_when_a_mailbox_arrives_or_stop_is_called_not_at_its_next_look() -> None:
    """The feed delivering a mailbox and ``stop`` wake the watcher's loop: with its own looks
    an hour apart, a mailbox added is watched and a stop ends the loop all the same."""
    clock = SystemClock()
    store = InMemoryStateStore(clock)
    store.put_mailbox(MAILBOX)
    options = WatcherOptions(loop_s=3600, reload_s=3600, idle_check_s=0.1, auth_backoff_s=900)
    watcher = _loginless(store, clock, options)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: watcher.watched == ["acme/booking"], what="the first mailbox watched")
        store.put_mailbox(MAILBOX.model_copy(update={"id": MailboxId("stopsale")}))
        wait_for(lambda: len(watcher.watched) == 2, what="the added mailbox watched")
    finally:
        watcher.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
