"""The system clock (``shared.ports.Clock``); tests use ``mailingest_dev.clock.FakeClock``."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    """Wall-clock time, timezone-aware UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)
