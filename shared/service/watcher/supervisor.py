"""The watcher process: reconciles the mailboxes in the store with the workers it runs,
holding one lease per mailbox so each is watched by exactly one replica.

- every ``reload_s``: mailboxes added, changed or disabled are picked up without a restart;
  free (or expired) leases are taken; workers whose lease was lost are stopped;
- every ``lease_ttl_s / 3``: held leases are renewed; a replica killed with SIGKILL stops
  renewing and its mailboxes are taken over by another within about ``lease_ttl_s``;
- ``stop()`` (SIGTERM): workers stop and leases are released at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from datetime import timedelta

from shared.domain.models import Mailbox, Provider
from shared.errors import MailIngestError
from shared.ports import Clock, CredentialProvider, StateStore
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline
from shared.service.watcher.mailbox_worker import MailboxWorker
from shared.service.watcher.options import WatcherOptions

logger = logging.getLogger(__name__)
WATCHED = (Provider.IMAP, Provider.POP3)


class Watcher:
    def __init__(
        self,
        state: StateStore,
        pipeline: IngestPipeline,
        credentials: CredentialProvider,
        clock: Clock,
        *,
        holder: str,
        options: WatcherOptions | None = None,
    ) -> None:
        self._state = state
        self._pipeline = pipeline
        self._credentials = credentials
        self._clock = clock
        self.holder = holder
        self._opt = options or WatcherOptions()
        self._reporter = HealthReporter(state, clock)
        self._workers: dict[str, MailboxWorker] = {}
        self._slots: dict[str, threading.BoundedSemaphore] = defaultdict(self._new_slot)
        self._stop = threading.Event()
        self._ttl = timedelta(seconds=self._opt.lease_ttl_s)

    def _new_slot(self) -> threading.BoundedSemaphore:
        return threading.BoundedSemaphore(self._opt.max_connections_per_server)

    def _slot_for(self, mailbox: Mailbox) -> threading.BoundedSemaphore:
        host = (mailbox.host or "").lower()
        if host not in self._slots and host in self._opt.server_caps:
            self._slots[host] = threading.BoundedSemaphore(self._opt.server_caps[host])
        return self._slots[host]

    @property
    def watched(self) -> list[str]:
        return sorted(k for k, w in self._workers.items() if w.alive)

    def run(self) -> None:
        """Until ``stop()``; then stops workers and releases leases."""
        threading.stack_size(self._opt.thread_stack_kb * 1024)
        self._reporter.start()
        next_reload = next_renew = 0.0
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                try:
                    if now >= next_renew:
                        self._renew()
                        next_renew = now + self._opt.lease_ttl_s / 3
                    if now >= next_reload:
                        self._reconcile()
                        next_reload = now + self._opt.reload_s
                except MailIngestError as exc:
                    # the store is down: keep what we hold, try again shortly
                    logger.warning("watcher cycle failed", extra={"error": str(exc)[:300]})
                self._stop.wait(0.2)
        finally:
            self._shutdown()

    def stop(self) -> None:
        self._stop.set()

    # -- cycles -------------------------------------------------------------------------
    def _reconcile(self) -> None:
        wanted = {
            m.key: m for m in self._state.list_mailboxes() if m.enabled and m.provider in WATCHED
        }
        for key, worker in list(self._workers.items()):
            current = wanted.get(key)
            if current is None or current != worker.mailbox:
                reason = "disabled or removed" if current is None else "settings changed"
                logger.info("stopping worker", extra={"mailbox_key": key, "reason": reason})
                self._drop(key, release=current is None)
        for key, mailbox in wanted.items():
            if key in self._workers:
                continue
            if self._state.try_acquire_lease(key, self.holder, self._ttl) is None:
                continue  # another replica watches it
            worker = MailboxWorker(
                mailbox,
                cursors=self._state,
                pipeline=self._pipeline,
                credentials=self._credentials,
                reporter=self._reporter,
                clock=self._clock,
                options=self._opt,
                server_slots=self._slot_for(mailbox),
            )
            self._workers[key] = worker
            worker.start()
            logger.info("watching mailbox", extra={"mailbox_key": key, "holder": self.holder})

    def _renew(self) -> None:
        for key in list(self._workers):
            if self._state.renew_lease(key, self.holder, self._ttl) is None:
                logger.warning(
                    "lease lost: another replica took the mailbox", extra={"mailbox_key": key}
                )
                self._drop(key, release=False)

    def _drop(self, key: str, *, release: bool) -> None:
        worker = self._workers.pop(key, None)
        if worker is not None:
            worker.stop()
            worker.join(timeout=self._opt.idle_check_s + self._opt.socket_timeout_s)
        if release:
            try:
                self._state.release_lease(key, self.holder)
            except MailIngestError:
                logger.warning("lease release failed; it lapses by itself", exc_info=True)

    def _shutdown(self) -> None:
        workers = list(self._workers.items())
        for _, worker in workers:
            worker.stop()
        deadline = time.monotonic() + self._opt.idle_check_s + 5
        for key, worker in workers:
            worker.join(timeout=max(0.1, deadline - time.monotonic()))
            try:
                self._state.release_lease(key, self.holder)
            except MailIngestError:
                logger.warning("lease release failed; it lapses by itself", exc_info=True)
        self._workers.clear()
        self._reporter.stop()
