"""Keeping the garbage collector off the watcher's long-lived objects.

With 10,000 mailboxes idling, one process holds millions of objects that live as long as
their sessions (sockets, buffers, imaplib state, workers). CPython's collector scans all of
them in every full collection, and the refreshes' allocations trigger one every few hundred
seconds: 1.5–2 s of CPU each at 5,000 mailboxes, a quarter of the idle CPU (py-spy).
``gc.freeze()`` moves what exists into a generation the collector never scans
(https://docs.python.org/3/library/gc.html#gc.freeze); young objects are still collected
as before, and so is anything freed by its reference count (nearly all of a closed session).

Only reference cycles among frozen objects outlive their use: they are reclaimed by the next
thaw, which runs one full collection (unfreeze, collect, freeze) once the sessions have
settled after a tenth of them changed (added, removed, reconnected), and otherwise every
``thaw_every_s``.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sessions:
    """What the freezer needs to know of the watcher at one look."""

    workers: int  # mailboxes with a worker
    opened: int  # sessions those workers have opened so far (reconnects included)


class HeapFreezer:
    """Looked at once a minute (the watcher's stale check) with the watcher's ``Sessions``:
    freezes when the workers held and at most ``quiet_ratio`` of them opened a session
    since the last look (the connects are done), and again — a thaw and a full collection
    first — once ``thaw_every_s`` has passed or a tenth of the sessions are new since."""

    def __init__(
        self,
        *,
        thaw_every_s: float,
        change_ratio: float = 0.1,
        quiet_ratio: float = 0.01,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._thaw_every_s = thaw_every_s
        self._change_ratio = change_ratio
        self._quiet_ratio = quiet_ratio
        self._monotonic = monotonic
        self._last: Sessions | None = None
        self._frozen: Sessions | None = None
        self._frozen_at = 0.0
        self.freezes = 0
        self.last_pause_ms = 0.0  # the full collection of the last freeze

    def tick(self, now_seen: Sessions) -> bool:
        """True when it froze."""
        last, self._last = self._last, now_seen
        if last is None or now_seen.workers == 0 or now_seen.workers != last.workers:
            return False
        if now_seen.opened - last.opened > self._quiet_ratio * now_seen.workers:
            return False  # still connecting: what is made now would miss the freeze
        now = self._monotonic()
        if not self._due(now, now_seen):
            return False
        self._freeze(now, now_seen)
        return True

    def _due(self, now: float, seen: Sessions) -> bool:
        frozen = self._frozen
        if frozen is None or now - self._frozen_at >= self._thaw_every_s:
            return True
        changed = abs(seen.workers - frozen.workers) + (seen.opened - frozen.opened)
        return changed >= self._change_ratio * max(frozen.workers, 1)

    def thaw(self) -> None:
        """When the watcher stops: the collector sees everything again (a process that goes
        on, with other objects, must not keep this watcher's dead ones frozen)."""
        if self._frozen is not None:
            gc.unfreeze()
            self._frozen = None

    def _freeze(self, now: float, seen: Sessions) -> None:
        started = time.perf_counter()
        gc.unfreeze()
        collected = gc.collect()
        gc.freeze()
        self._frozen, self._frozen_at = seen, now
        self.freezes += 1
        self.last_pause_ms = round((time.perf_counter() - started) * 1000, 1)
        logger.info(
            "heap frozen",
            extra={
                "workers": seen.workers,
                "frozen_objects": gc.get_freeze_count(),
                "collected": collected,
                "pause_ms": self.last_pause_ms,
            },
        )
