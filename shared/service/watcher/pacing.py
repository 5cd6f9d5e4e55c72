"""Connect pacing per server: after a restart (or a network blip that dropped every session)
thousands of mailboxes would otherwise log in to the same few servers within a second —
what providers' abuse protection and a tenant's small server both punish with refusals.

Each server (host, case-insensitive) gets a rate of new connections per second with a
burst; a worker reserves its turn and waits for it, stoppable. The reservation is the
generic cell rate algorithm (a token bucket kept as one "theoretical arrival time" per
server): no thread wakes up to refill anything, and an idle server costs nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping


class ConnectPacer:
    def __init__(
        self,
        per_second: float,
        *,
        burst: int = 10,
        server_rates: Mapping[str, float] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_second <= 0 or burst < 1:
            raise ValueError("a connect rate must be above 0 and its burst at least 1")
        self._default = per_second
        self._rates = {host.lower(): rate for host, rate in (server_rates or {}).items()}
        if any(rate <= 0 for rate in self._rates.values()):
            raise ValueError("a server's connect rate must be above 0")
        self._burst = burst
        self._now = monotonic
        self._lock = threading.Lock()
        self._tat: dict[str, float] = {}  # server -> theoretical arrival time of the next

    def rate(self, host: str) -> float:
        return self._rates.get(host.lower(), self._default)

    def reserve(self, host: str) -> float:
        """Take the next turn to connect to ``host``: how many seconds to wait for it."""
        key = host.lower()
        interval = 1.0 / self.rate(key)
        tolerance = (self._burst - 1) * interval
        with self._lock:
            now = self._now()
            tat = max(self._tat.get(key, now), now)
            self._tat[key] = tat + interval
        return max(0.0, tat - tolerance - now)

    def wait_turn(self, host: str, stop: threading.Event) -> bool:
        """Wait for a turn to connect; False if ``stop`` was set meanwhile (the turn is
        then simply not used: the pace only ever errs on the slow side)."""
        delay = self.reserve(host)
        return not (delay > 0 and stop.wait(delay))
