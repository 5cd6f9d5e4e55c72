"""Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
Jitter"): spreads reconnect storms after a server restart."""

from __future__ import annotations

import random

# one generator for every worker: a Random's state is 2.5 KB, a sixth of what else a
# mailbox costs at 10,000 of them; its methods are safe to share between threads
_JITTER = random.Random()  # noqa: S311 - jitter, not security


class Backoff:
    def __init__(self, base_s: float, max_s: float, rng: random.Random | None = None) -> None:
        self._base = base_s
        self._max = max_s
        self._attempt = 0
        self._rng = rng or _JITTER

    def next_delay(self) -> float:
        ceiling = min(self._max, self._base * (2**self._attempt))
        self._attempt = min(self._attempt + 1, 30)
        return self._rng.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self._attempt = 0


def spread_over(period_s: float, spread: float = 0.2, rng: random.Random | None = None) -> float:
    """``period_s`` shortened by up to ``spread`` of itself, at random: mailboxes connected in
    the same minute (a replica's start) do not all refresh in the same second ever after."""
    return period_s * (1.0 - spread * (rng or _JITTER).random())
