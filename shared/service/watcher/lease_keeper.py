"""Renews this replica's leases on its own thread, so renewal never waits behind anything
else the supervisor does (a store listing, a worker that takes its socket timeout to stop).
A lease that turns out to be lost (it lapsed and another replica took it) is reported
through ``on_lost`` at once, so the worker stops watching a mailbox that is no longer ours.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from shared.errors import MailIngestError
from shared.ports import LeaseStore

logger = logging.getLogger(__name__)


class LeaseKeeper:
    def __init__(
        self,
        leases: LeaseStore,
        holder: str,
        ttl_s: float,
        held: Callable[[], list[str]],
        on_lost: Callable[[str], None],
        *,
        concurrency: int = 8,
    ) -> None:
        self._leases = leases
        self._holder = holder
        self._ttl = timedelta(seconds=ttl_s)
        # three renewals per TTL: one failed write (a store hiccup) does not lose the lease
        self._every_s = ttl_s / 3
        self._held = held
        self._on_lost = on_lost
        # a renewal is a read and a conditional write (~2 round trips): one after the other,
        # a few thousand leases would not all be renewed within one TTL
        self._concurrency = concurrency
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)
        self.renewals = 0  # completed renewal rounds (tests, diagnostics)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self._every_s + 30)

    def renew_all(self) -> None:
        keys = self._held()
        if keys:
            workers = min(self._concurrency, len(keys))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="renew") as pool:
                for key, lost in zip(keys, pool.map(self._renew, keys), strict=True):
                    if lost:
                        self._on_lost(key)
        self.renewals += 1

    def _renew(self, key: str) -> bool:
        """True when the lease turned out to be someone else's."""
        try:
            lease = self._leases.renew_lease(key, self._holder, self._ttl)
        except MailIngestError as exc:
            # keep watching: the next round retries well within the TTL
            logger.warning(
                "lease renewal failed", extra={"mailbox_key": key, "error": str(exc)[:200]}
            )
            return False
        if lease is None:
            logger.warning(
                "lease lost: another replica took the mailbox", extra={"mailbox_key": key}
            )
            return True
        return False

    def _run(self) -> None:
        while not self._stop.wait(self._every_s):
            try:
                self.renew_all()
            except Exception:  # this thread must outlive any one bad round
                logger.exception("lease renewal round failed")
