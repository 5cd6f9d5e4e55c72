"""Keeps this replica a live member on its own thread, so the heartbeat never waits behind
anything else the supervisor does (a store listing, a worker that takes its socket timeout
to stop).

Every ``ttl / 3`` it writes the replica's heartbeat — one write that keeps every member
lease the replica holds alive, however many mailboxes that is — and reads who else is live
(``members``, what the watcher spreads mailboxes over). A heartbeat that turns out to have
lapsed (the process stalled past the TTL, or the store was unreachable that long) means
other replicas may have taken some of its mailboxes: each held one is taken again at once
where nobody else did (its session goes on), and the others are reported through
``on_lost``. Giving them all up instead made a replica stalled by load drop and reconnect
every session, which kept it stalled (the churn seen at 10,000 mailboxes).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Protocol

from shared.errors import MailIngestError
from shared.ports import LeaseStore, MemberStore

logger = logging.getLogger(__name__)


class Members(MemberStore, LeaseStore, Protocol):
    """The heartbeats, and the member leases they keep alive."""


class LeaseKeeper:
    def __init__(
        self,
        members: Members,
        holder: str,
        ttl_s: float,
        held: Callable[[], list[str]],
        on_lost: Callable[[str], None],
        *,
        worker: str | None = None,
        concurrency: int = 16,
        on_failed: Callable[[MailIngestError], None] | None = None,
    ) -> None:
        self._members = members
        self._concurrency = max(1, concurrency)  # parallel lease writes after a lapse
        self._holder = holder
        self._worker = worker or worker_of(holder)
        self._ttl = timedelta(seconds=ttl_s)
        # three beats per TTL: one failed write (a store hiccup) does not lose the membership
        self._every_s = ttl_s / 3
        self._held = held
        self._on_lost = on_lost
        self._on_failed = on_failed  # a heartbeat the store did not take (it is retried)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)
        self._beaten = False  # a heartbeat has been written by this incarnation
        self._live: tuple[str, ...] = ()
        self._view_lock = threading.Lock()
        self.renewals = 0  # completed heartbeat rounds (tests, diagnostics)

    @property
    def worker(self) -> str:
        return self._worker

    def live_workers(self) -> tuple[str, ...]:
        """The worker ids of the live replicas as last read, always including this one."""
        with self._view_lock:
            return tuple(sorted({*self._live, self._worker}))

    def start(self) -> None:
        """One beat now (before any lease is taken), then every ``ttl / 3``."""
        self._guarded_beat()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self._every_s + 30)

    def leave(self) -> None:
        """Delete the heartbeat (after the leases are released): a clean goodbye, so the
        others spread this replica's mailboxes among themselves at once."""
        try:
            self._members.leave(self._holder)
        except MailIngestError:
            logger.warning("could not leave; the heartbeat lapses by itself", exc_info=True)

    def renew_all(self) -> None:
        was_live = self._members.heartbeat(self._holder, self._worker, self._ttl)
        if self._beaten and not was_live:
            held = self._held()
            lost = self._taken_by_others(held)
            logger.warning(
                "heartbeat had lapsed: mailboxes taken over meanwhile are given up",
                extra={"holder": self._holder, "held": len(held), "lost": len(lost)},
            )
            for key in lost:
                self._on_lost(key)
        self._beaten = True
        live = tuple(m.worker for m in self._members.live_members())
        with self._view_lock:
            self._live = live
        self.renewals += 1

    def _taken_by_others(self, keys: list[str]) -> list[str]:
        """Of ``keys``, those this replica could not take again (another replica took them
        while its heartbeat had lapsed, or the store did not answer: given up, and taken
        back at the next reconcile if free)."""
        kept = take_member_leases(self._members, self._holder, keys, self._concurrency)
        return [key for key in keys if key not in kept]

    def _guarded_beat(self) -> None:
        try:
            self.renew_all()
        except MailIngestError as exc:
            # keep watching: the next beat retries well within the TTL
            logger.warning("heartbeat failed", extra={"error": str(exc)[:200]})
            if self._on_failed is not None:
                self._on_failed(exc)

    def _run(self) -> None:
        while not self._stop.wait(self._every_s):
            try:
                self._guarded_beat()
            except Exception:  # this thread must outlive any one bad round
                logger.exception("heartbeat round failed")


def take_member_leases(
    store: LeaseStore, holder: str, keys: list[str], concurrency: int
) -> set[str]:
    """The keys whose member lease ``holder`` got (free, ours, or held by a replica whose
    heartbeat lapsed), ``concurrency`` store round trips at a time: thousands are taken in
    one go, not one at a time. A key the store did not answer for is not taken (logged)."""
    if not keys:
        return set()

    def take(key: str) -> bool:
        try:
            return store.take_member_lease(key, holder)
        except MailIngestError as exc:
            logger.warning(
                "lease acquisition failed", extra={"mailbox_key": key, "error": str(exc)[:200]}
            )
            return False

    workers = min(max(1, concurrency), len(keys))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lease") as pool:
        got = list(pool.map(take, keys))
    return {key for key, ok in zip(keys, got, strict=True) if ok}


def worker_of(holder: str) -> str:
    """The stable worker id in an incarnation name (``worker#nonce``, ``shared.ids``)."""
    worker, sep, _ = holder.rpartition("#")
    return worker if sep else holder
