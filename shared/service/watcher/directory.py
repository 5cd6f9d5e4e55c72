"""What the watcher knows of the store's mailboxes, kept current by the store's change feed
(``MailboxFeed``: a Firestore listener) instead of re-listing every mailbox every few
seconds (300,000 reads a minute at 10,000 mailboxes per replica).

- the feed's deliveries go into a thread-safe queue; ``refresh`` (the watcher's loop)
  applies them: a mailbox added, changed, disabled or removed is seen within one loop turn;
- a full re-list (``list_mailboxes``) every ``relist_s`` (10 min) is the safety net, and
  at once whenever the feed could not start or was lost;
- a lost feed is logged and subscribed again with backoff (1 s doubling to a minute).

A re-list and the feed can cross (a delivery read before the re-list applied after it):
the feed delivers in order, so its last word on a mailbox is the store's latest.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from typing import Protocol

from shared.domain.models import Mailbox, Provider
from shared.errors import MailIngestError
from shared.ports import MailboxChanges, MailboxFeed, MailboxStore, MailboxSubscription
from shared.service.watcher.backoff import Backoff

logger = logging.getLogger(__name__)
FEED_RETRY_BASE_S = 1.0
FEED_RETRY_MAX_S = 60.0


class MailboxSource(MailboxStore, MailboxFeed, Protocol):
    """The two ways to learn the mailboxes: list them, or follow their changes."""


class MailboxDirectory:
    def __init__(
        self,
        store: MailboxSource,
        *,
        watched: tuple[Provider, ...],
        relist_s: float,
        retry_s: float,
        on_delivery: Callable[[], None] = lambda: None,
    ) -> None:
        """``on_delivery``: called (on the feed's thread) after each delivery is queued, so
        the loop that calls ``refresh`` can apply it at once."""
        self._store = store
        self._on_delivery = on_delivery
        self._watched = watched
        self._relist_s = relist_s
        self._retry_s = retry_s  # a failed re-list is tried again this soon
        self._deliveries: queue.SimpleQueue[MailboxChanges] = queue.SimpleQueue()
        self._known: dict[str, Mailbox] = {}
        self._subscription: MailboxSubscription | None = None
        self._next_subscribe = 0.0
        self._next_relist: float | None = None  # None: not before the feed is tried
        self._backoff = Backoff(FEED_RETRY_BASE_S, FEED_RETRY_MAX_S)
        self.relists = 0  # completed re-lists (tests, diagnostics)

    @property
    def mailboxes(self) -> list[Mailbox]:
        return list(self._known.values())

    def refresh(self, now: float) -> bool:
        """Apply what the feed delivered, keep the feed subscribed, re-list when due (``now``:
        monotonic seconds). True when the known mailboxes changed. Raises MailIngestError
        when a due re-list fails (what is known stays; it is tried again in ``retry_s``)."""
        changed = self._drain()
        if self._subscription is None or not self._subscription.active:
            self._subscribe(now)
            changed = self._drain() or changed  # a feed may deliver its first at once
        if self._next_relist is not None and now >= self._next_relist:
            self._next_relist = now + self._retry_s
            changed = self._replace(self._store.list_mailboxes()) or changed
            self._next_relist = now + self._relist_s
            self.relists += 1
        return changed

    def close(self) -> None:
        if self._subscription is not None:
            self._subscription.close()
            self._subscription = None

    # -- the feed -----------------------------------------------------------------------
    def _subscribe(self, now: float) -> None:
        if self._subscription is not None:
            logger.warning("mailbox feed lost; re-listing and subscribing again")
            self._subscription.close()
            self._subscription = None
            self._next_relist = now  # whatever changed meanwhile
        if now < self._next_subscribe:
            return
        self._next_subscribe = now + self._backoff.next_delay()
        try:
            self._subscription = self._store.watch_mailboxes(self._deliver)
        except MailIngestError as exc:
            logger.warning("mailbox feed could not start", extra={"error": str(exc)[:300]})
            self._next_relist = now
            return
        if self._next_relist is None:  # the first subscription: its first delivery is a list
            self._next_relist = now + self._relist_s

    def _deliver(self, changes: MailboxChanges) -> None:
        self._deliveries.put(changes)
        self._on_delivery()

    def _drain(self) -> bool:
        changed = False
        while True:
            try:
                changes = self._deliveries.get_nowait()
            except queue.Empty:
                return changed
            if changes.complete:
                self._backoff.reset()  # the feed works: a later loss retries soon again
                changed = self._replace(list(changes.updated)) or changed
            else:
                changed = self._apply(changes) or changed

    def _replace(self, mailboxes: list[Mailbox]) -> bool:
        known = {m.key: m for m in mailboxes if m.provider in self._watched}
        changed = known != self._known
        self._known = known
        return changed

    def _apply(self, changes: MailboxChanges) -> bool:
        before = dict(self._known)
        for mailbox in changes.updated:
            if mailbox.provider in self._watched:
                self._known[mailbox.key] = mailbox
            else:  # switched to Gmail / Graph: no longer the watcher's
                self._known.pop(mailbox.key, None)
        for key in changes.removed:
            self._known.pop(key, None)
        return before != self._known
