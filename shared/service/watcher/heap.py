"""Keeping the garbage collector off the watcher's long-lived objects.

With 10,000 mailboxes idling, one process holds millions of objects that live as long as
their sessions (sockets, buffers, imaplib state, workers). CPython's collector scans all of
them in every full collection, and the refreshes' allocations trigger one every few hundred
seconds: 1.5–2 s of CPU each at 5,000 mailboxes, a quarter of the idle CPU (issue 15 item
1, py-spy). ``gc.freeze()`` moves what exists into a generation the collector never scans
(https://docs.python.org/3/library/gc.html#gc.freeze); young objects are still collected
as before, and so is anything freed by its reference count (nearly all of a closed session).

Only reference cycles among frozen objects outlive their use: they are reclaimed by the next
thaw, which runs one full collection (unfreeze, collect, freeze) when the set of sessions
has settled after growing or shrinking by a tenth, and otherwise every ``thaw_every_s``.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class HeapFreezer:
    def __init__(
        self,
        *,
        settle_s: float,
        thaw_every_s: float,
        change_ratio: float = 0.1,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settle_s = settle_s
        self._thaw_every_s = thaw_every_s
        self._change_ratio = change_ratio
        self._monotonic = monotonic
        self._frozen_at: float | None = None
        self._frozen_size = 0  # sessions when last frozen
        self._size = 0
        self._size_since = monotonic()
        self.freezes = 0

    def tick(self, sessions: int) -> bool:
        """Called from the watcher's loop with how many sessions it runs; True when it froze."""
        now = self._monotonic()
        if sessions != self._size:
            self._size, self._size_since = sessions, now
            return False
        if sessions == 0 or now - self._size_since < self._settle_s:
            return False  # still connecting (or stopping): what is made now may not last
        if not self._due(now, sessions):
            return False
        self._freeze(now, sessions)
        return True

    def _due(self, now: float, sessions: int) -> bool:
        if self._frozen_at is None:
            return True
        if now - self._frozen_at >= self._thaw_every_s:
            return True
        return abs(sessions - self._frozen_size) >= self._change_ratio * max(self._frozen_size, 1)

    def _freeze(self, now: float, sessions: int) -> None:
        started = time.perf_counter()
        gc.unfreeze()
        collected = gc.collect()
        gc.freeze()
        self._frozen_at, self._frozen_size = now, sessions
        self.freezes += 1
        logger.info(
            "heap frozen",
            extra={
                "sessions": sessions,
                "frozen_objects": gc.get_freeze_count(),
                "collected": collected,
                "pause_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
