"""A clock that tests move by hand (``shared.ports.Clock``)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

FAKE_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class FakeClock:
    """A clock that moves only when told to. Thread-safe: a test thread may advance it while
    the code under test reads it from others."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = _aware(start or FAKE_EPOCH)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta``; returns the new now."""
        if delta < timedelta(0):
            raise ValueError("a clock does not run backwards; use set() to rewind")
        with self._lock:
            self._now += delta
            return self._now

    def set(self, at: datetime) -> None:
        with self._lock:
            self._now = _aware(at)


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("FakeClock needs a timezone-aware datetime")
    return at.astimezone(UTC)
