"""``Watcher``, the supervisor of the watcher process: reconciles the mailboxes in the store
with the workers it runs (``mailbox_worker``), holding one member lease per mailbox so each
is watched by exactly one replica.

- mailboxes added, changed, disabled or removed are picked up from the store's change feed
  (``directory``: a Firestore listener, with a full re-list every ``relist_s`` as the
  safety net) within a loop turn, without a restart and without re-reading every mailbox;
- every ``lease_ttl_s / 3``: the lease keeper's own thread writes this replica's heartbeat
  (which keeps all its member leases alive: one write, not one per mailbox) and reads which
  replicas are live;
- at once after a change (mailboxes, live replicas, a worker's thread ended), every
  ``reload_s`` while part of its share is still unwatched, and every ``full_reconcile_s``
  otherwise (the safety net): the enabled mailboxes are spread over the live replicas
  (``spread``: even and sticky); this replica watches its share — taking each lease if
  free, ours, or held by a replica whose heartbeat lapsed —, hands over what the spread now
  gives another replica, restarts dead workers, and stops workers whose mailbox was
  disabled, removed or changed, or whose lease was lost; no mailbox is read for that.
  A replica killed with SIGKILL stops beating and its mailboxes are taken over
  within about ``lease_ttl_s + reload_s``;
- ``stop()`` (SIGTERM): workers stop, leases are released and the replica leaves at once.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import timedelta
from typing import Protocol

from shared.domain.models import SERVER_PROVIDERS, HealthUpdate, Mailbox, MailboxState
from shared.errors import MailIngestError, StoreUnavailable
from shared.ports import Clock, CredentialProvider, HealthStore, MailSources, SeenUidlStore
from shared.service.health import HealthReporter, stale_window
from shared.service.ingest import IngestPipeline
from shared.service.watcher.caps import ConnectionCaps
from shared.service.watcher.catchup import CatchUpPool
from shared.service.watcher.directory import MailboxDirectory, MailboxSource
from shared.service.watcher.heap import HeapFreezer, Sessions
from shared.service.watcher.lease_keeper import LeaseKeeper, Members, take_member_leases
from shared.service.watcher.mailbox_worker import MailAccess, MailboxWorker
from shared.service.watcher.options import WatcherOptions
from shared.service.watcher.pacing import ConnectPacer
from shared.service.watcher.spread import Spread

logger = logging.getLogger(__name__)
WATCHED = tuple(SERVER_PROVIDERS)


class WatcherRecords(MailboxSource, SeenUidlStore, Members, HealthStore, Protocol):
    """What the watcher keeps: the mailboxes and their changes, the cursors (POP3's seen sets
    too), the heartbeats and the leases they keep, health."""


class Watcher:
    def __init__(
        self,
        state: WatcherRecords,
        pipeline: IngestPipeline,
        credentials: CredentialProvider,
        clock: Clock,
        *,
        holder: str,
        sources: MailSources,
        options: WatcherOptions | None = None,
    ) -> None:
        if pipeline.holder != holder:
            # claims name the mailbox lease and are judged by its holder: one name for both
            raise ValueError(
                f"the pipeline claims as {pipeline.holder!r} but the watcher leases as {holder!r}"
            )
        self._state = state
        self._pipeline = pipeline

        self._clock = clock
        self.holder = holder
        self._opt = options or WatcherOptions()
        self._reporter = HealthReporter(state, clock)
        self._workers: dict[str, MailboxWorker] = {}
        self._lost: set[str] = set()
        self._stale: set[str] = set()  # mailboxes already reported stale
        self._publish_blocked: set[str] = set()  # mailboxes already reported so
        self._lock = threading.Lock()  # _workers and _lost: the lease keeper reads them too
        self._caps = ConnectionCaps(
            self._opt.max_connections_per_server,
            server_overrides=self._opt.server_caps,
            per_account=self._opt.account_caps,
        )
        pacer = ConnectPacer(
            self._opt.connect_rate_per_server,
            burst=self._opt.connect_burst,
            server_rates=self._opt.server_connect_rates,
        )
        concurrency = self._opt.catchup_concurrency
        self._catchup = (
            CatchUpPool(concurrency, min_batch=self._opt.catchup_min_batch)
            if concurrency > 1
            else None
        )
        self._access = MailAccess(credentials, sources, pacer, self._catchup)
        self._keeper = LeaseKeeper(
            state,
            holder,
            self._opt.lease_ttl_s,
            held=self._held,
            on_lost=self._lease_lost,
            concurrency=self._opt.store_concurrency,
            on_failed=self._store_failed,
        )
        self._spread = Spread(self._keeper.worker)
        self._wake = threading.Event()  # something for the loop to do: it looks at once
        self._directory = MailboxDirectory(
            state,
            watched=WATCHED,
            relist_s=self._opt.relist_s,
            retry_s=self._opt.reload_s,
            on_delivery=self._wake.set,
        )
        self._stop = threading.Event()
        self._ended = threading.Event()  # a worker's thread ended: reconcile at once
        self._live_seen: tuple[str, ...] = ()
        self._reconciles = 0
        self._heap = HeapFreezer(thaw_every_s=self._opt.heap_thaw_s)

    @property
    def watched(self) -> list[str]:
        with self._lock:
            return sorted(k for k, w in self._workers.items() if w.alive)

    @property
    def lease_renewals(self) -> int:
        return self._keeper.renewals

    @property
    def reconciles(self) -> int:
        """Walks of every worker so far (run on a change, not on every turn of the loop)."""
        return self._reconciles

    @property
    def relists(self) -> int:
        """Full re-lists of the mailboxes so far (the change feed's safety net)."""
        return self._directory.relists

    @property
    def heap(self) -> HeapFreezer:
        """How often the sessions' objects were frozen out of the collector, and the pause."""
        return self._heap

    def run(self) -> None:
        """Until ``stop()``; then stops workers and releases leases."""
        threading.stack_size(self._opt.thread_stack_kb * 1024)
        self._reporter.start()
        self._keeper.start()
        next_reload = next_stale_check = 0.0
        try:
            while not self._stop.is_set():
                self._wake.clear()  # what happens from here on wakes the wait below
                self._drop_lost()
                now = time.monotonic()
                next_reload = self._cycle(now, next_reload)
                self._check_publishing()
                if now >= next_stale_check:
                    # stale windows are minutes: a look every stale_check_s is plenty, and
                    # with 10,000 mailboxes each look is a loop over all of them
                    self._check_stale()
                    self._heap.tick(self._sessions())
                    next_stale_check = now + self._opt.stale_check_s
                self._wake.wait(self._opt.loop_s)
        finally:
            self._directory.close()
            self._shutdown()
            self._heap.thaw()  # the process may go on (tests, ``mailingest run``)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _worker_ended(self) -> None:
        self._ended.set()
        self._wake.set()

    def _cycle(self, now: float, next_reload: float) -> float:
        """One turn of the loop; returns when the next reconcile is due. A reconcile walks
        every worker: it runs when something changed (the mailboxes, the live replicas, a
        worker's thread ended), every ``reload_s`` while some of this replica's share is
        still unwatched (a lease held by a replica whose heartbeat has yet to lapse), and
        every ``full_reconcile_s`` as the safety net — not every ``reload_s`` whatever
        happened: with 10,000 idle mailboxes that walk was most of the watcher's idle CPU."""
        try:
            changed = self._directory.refresh(now)
            live = self._keeper.live_workers()
            if changed or live != self._live_seen or self._ended.is_set() or now >= next_reload:
                self._ended.clear()
                self._live_seen = live
                pending = self._reconcile(self._directory.mailboxes)
                return now + (self._opt.reload_s if pending else self._opt.full_reconcile_s)
        except MailIngestError as exc:
            # the store is down: keep what we hold, try again shortly
            logger.warning("watcher cycle failed", extra={"error": str(exc)[:300]})
            return now + self._opt.reload_s
        return next_reload

    def _sessions(self) -> Sessions:
        with self._lock:
            workers = list(self._workers.values())
        return Sessions(len(workers), sum(w.sessions_opened for w in workers))

    def _check_stale(self) -> None:
        """Log "mailbox stale" (the alert in infra/monitoring.tf) once when a watched mailbox
        has had neither a doorbell nor a sync within its window, or has had messages waiting
        with none handed off for ``stuck_after_s``, and "mailbox no longer
        stale" when it recovers. From what this process reported: no store reads."""
        now = self._clock.now()
        with self._lock:
            workers = list(self._workers.items())
        alive, stuck = self._reporter.liveness()
        stuck_after = timedelta(seconds=self._opt.stuck_after_s)
        for key, worker in workers:
            since = alive.get(key) or worker.started_at
            if since is None:
                continue
            window = stale_window(worker.mailbox, self._opt.idle_refresh_s)
            # or messages wait on the server and none was handed off for stuck_after (it
            # connects and even syncs, but something holds every message back)
            waiting = stuck.get(key)
            if waiting is not None and now - waiting > stuck_after:
                since, window = waiting, stuck_after
            self._mark_stale(key, now - since, window)

    def _check_publishing(self) -> None:
        """Show ``publishing blocked`` (with the sink's error, or how long it has waited)
        for a mailbox whose events have had no acknowledgement for
        ``publish_blocked_after_s``, while the publish is still being waited for — not only
        once the sink and then the pipeline's retries have given up, minutes later. Cheap:
        only the mailboxes with a publish in flight or failed are looked at."""
        after = timedelta(seconds=self._opt.publish_blocked_after_s)
        stalled = {s.ordering_key: s for s in self._pipeline.publishing.stalled(after)}
        self._publish_blocked &= set(stalled)  # those unblocked may be reported again
        for key, stall in stalled.items():
            with self._lock:
                worker = self._workers.get(key)
            if worker is None or key in self._publish_blocked:
                continue
            self._publish_blocked.add(key)
            logger.info(
                "publishing blocked",
                extra={"mailbox_key": key, "error": stall.error, "since": stall.since.isoformat()},
            )
            self._reporter.report(
                worker.mailbox,
                HealthUpdate(
                    state=MailboxState.PUBLISHING_BLOCKED,
                    last_error=stall.error[:500],
                    last_error_at=self._clock.now(),
                    errors=1,
                ),
            )

    def _store_failed(self, exc: MailIngestError) -> None:
        """A heartbeat the store did not take: the mailboxes with messages waiting are shown
        ``store unreachable`` (written once it answers again)."""
        if isinstance(exc, StoreUnavailable):
            self._reporter.store_unreachable(f"{type(exc).__name__}: {exc}")

    def _mark_stale(self, key: str, silent: timedelta, window: timedelta) -> None:
        stale = silent > window
        if stale and key not in self._stale:
            self._stale.add(key)
            logger.warning(
                "mailbox stale",
                extra={
                    "mailbox_key": key,
                    "silent_s": int(silent.total_seconds()),
                    "window_s": int(window.total_seconds()),
                },
            )
        elif not stale and key in self._stale:
            self._stale.discard(key)
            logger.info("mailbox no longer stale", extra={"mailbox_key": key})

    # -- leases -------------------------------------------------------------------------
    def _held(self) -> list[str]:
        with self._lock:
            return [k for k in self._workers if k not in self._lost]

    def _lease_lost(self, key: str) -> None:
        # stop at once (no join on the keeper's thread); the main loop removes the worker
        with self._lock:
            worker = self._workers.get(key)
            self._lost.add(key)
        if worker is not None:
            worker.stop()

    def _drop_lost(self) -> None:
        with self._lock:
            lost, self._lost = self._lost, set()
        for key in lost:
            self._drop(key, release=False)

    # -- reconciling --------------------------------------------------------------------
    def _reconcile(self, listed: list[Mailbox]) -> bool:
        """Bring the workers in line with the mailboxes and this replica's share of them;
        True while part of the share could not be taken yet (try again in ``reload_s``)."""
        self._reconciles += 1
        wanted = {m.key: m for m in listed if m.enabled}
        disabled = {m.key: m for m in listed if not m.enabled}
        with self._lock:
            running = list(self._workers.items())
        for key, worker in running:
            current = wanted.get(key)
            # the directory hands out the same object until the mailbox changes: with 10,000
            # mailboxes, comparing every one's settings on every reload was most of the
            # watcher's idle CPU
            changed = (
                current is not None
                and current is not worker.mailbox
                and current.connection_settings() != worker.mailbox.connection_settings()
            )
            if current is not None and not changed and current is not worker.mailbox:
                worker.mailbox = current  # a label or an audit time: no reconnect for that
            if current is None or changed:
                reason = "disabled or removed" if current is None else "settings changed"
                logger.info("stopping worker", extra={"mailbox_key": key, "reason": reason})
                self._drop(key, release=current is None)
                if key in disabled:  # the worker knew only the enabled settings
                    self._reporter.report(disabled[key], HealthUpdate(state=MailboxState.DISABLED))
            elif not worker.alive:
                # defence in depth: the worker catches everything, but a dead thread whose
                # lease we kept renewing would be a mailbox nobody watches
                logger.error("worker thread ended; restarting", extra={"mailbox_key": key})
                self._drop(key, release=False)
        mine = self._spread.mine(wanted, self._keeper.live_workers())
        self._hand_over(set(wanted) - mine)
        with self._lock:
            unwatched = [m for key, m in wanted.items() if key in mine and key not in self._workers]
        taken = self._acquire(unwatched)
        for mailbox in taken:
            worker = MailboxWorker(
                mailbox,
                cursors=self._state,
                pipeline=self._pipeline,
                access=self._access,
                reporter=self._reporter,
                clock=self._clock,
                options=self._opt,
                caps=self._caps,
            )
            worker.on_exit = self._worker_ended
            with self._lock:
                self._workers[mailbox.key] = worker
            worker.start()
            logger.info(
                "watching mailbox", extra={"mailbox_key": mailbox.key, "holder": self.holder}
            )
        return len(taken) < len(unwatched)

    def _hand_over(self, others: set[str]) -> None:
        """Stop watching what the spread now gives another live replica (one joined, or one
        came back), releasing the lease so that it can take the mailbox at once."""
        with self._lock:
            leaving = [key for key in self._workers if key in others]
        for key in leaving:
            logger.info("handing mailbox over", extra={"mailbox_key": key})
            self._drop(key, release=True)

    def _acquire(self, mailboxes: list[Mailbox]) -> list[Mailbox]:
        """The mailboxes whose member lease we got: free, ours, or held by a replica whose
        heartbeat lapsed. In parallel, so a dead replica's thousands of mailboxes are taken
        over within one reload rather than one store round trip at a time."""
        keys = [m.key for m in mailboxes]
        taken = take_member_leases(self._state, self.holder, keys, self._opt.store_concurrency)
        return [m for m in mailboxes if m.key in taken]

    def _drop(self, key: str, *, release: bool) -> None:
        self._stale.discard(key)
        with self._lock:
            worker = self._workers.pop(key, None)
        if worker is not None:
            worker.stop()
            worker.join(timeout=self._opt.idle_check_s + self._opt.socket_timeout_s)
            if release and worker.alive:
                # still finishing a message (it publishes nothing new once stopped): its
                # claims name this lease, so releasing it now would let the next holder take
                # them over while it may still publish; released once it has ended
                logger.warning(
                    "mailbox worker still finishing; its lease is released when it ends",
                    extra={"mailbox_key": key},
                )
                threading.Thread(
                    target=self._release_after,
                    args=(key, worker),
                    name=f"release-{key}",
                    daemon=True,
                ).start()
                return
        if release:
            self._release(key)

    def _release_after(self, worker_key: str, worker: MailboxWorker) -> None:
        """Release a handed-over mailbox's lease once its worker has ended (bounded: a worker
        stuck past ``release_after_s`` — a store or server call that will not return — gives
        the lease up all the same)."""
        worker.join(timeout=self._opt.release_after_s)
        with self._lock:
            if worker_key in self._workers:
                return  # watched here again meanwhile (the spread changed back): still ours
        self._release(worker_key)

    def _release(self, key: str) -> bool:
        """Release our lease of a mailbox; False when the store refused (it lapses)."""
        try:
            self._state.release_lease(key, self.holder)
            return True
        except MailIngestError:
            logger.warning("lease release failed; it lapses by itself", extra={"mailbox_key": key})
            return False

    def _shutdown(self) -> None:
        # no renewal may race the releases below
        self._keeper.stop()
        with self._lock:
            workers = list(self._workers.items())
            self._workers.clear()
        for _, worker in workers:
            worker.stop()
        # Cloud Run sends SIGKILL 10 s after SIGTERM (container runtime contract): wait for
        # the workers (each leaves IDLE within idle_check_s) only up to the grace period, then
        # release every lease; one still finishing a message completes its claim or, if it
        # is killed first, its claim is free at once (it names the lease released here; a
        # publish that still lands makes a duplicate, which consumers drop by event id)
        deadline = time.monotonic() + self._opt.shutdown_grace_s
        for _, worker in workers:
            worker.join(timeout=max(0.0, deadline - time.monotonic()))
        self._release_all([key for key, _ in workers])
        self._keeper.leave()
        if self._catchup is not None:
            self._catchup.close()
        self._reporter.stop()

    def _release_all(self, keys: list[str]) -> None:
        """In parallel (one at a time, a thousand leases would take longer than the grace
        period: a Firestore write is ~10-20 ms), and for at most ``release_grace_s``: a store
        that is down or slow must not hold the stop past the platform's SIGKILL (10,000
        releases against a dead emulator, each waiting its call timeout, held a stop for
        minutes before it was killed). A lease not released lapses by itself within
        ``lease_ttl_s``."""
        if not keys:
            return
        workers = min(self._opt.store_concurrency, len(keys))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="release")
        futures = [pool.submit(self._release, key) for key in keys]
        done, _ = wait(futures, timeout=self._opt.release_grace_s)
        # what is not done by now is dropped: queued releases are cancelled, and one still
        # in flight ends at its own call timeout without anyone waiting for it
        pool.shutdown(wait=False, cancel_futures=True)
        released = sum(1 for f in done if f.result())
        if len(done) < len(keys):
            logger.warning(
                "lease release cut short at the stop deadline; the rest lapse by themselves",
                extra={
                    "count": len(keys) - len(done),
                    "released": released,
                    "lease_ttl_s": self._opt.lease_ttl_s,
                },
            )
            return
        logger.info("leases released", extra={"count": released, "holder": self.holder})
