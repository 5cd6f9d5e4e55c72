"""What the pipeline reads per tenant on every message (its rules, its template examples),
read through once per ``ttl_s`` and shared by the threads of one process."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from shared.ids import TenantId

T = TypeVar("T")


class TenantCache(Generic[T]):
    def __init__(
        self,
        load: Callable[[TenantId], T],
        ttl_s: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._ttl_s = ttl_s
        self._monotonic = monotonic
        self._values: dict[str, tuple[float, T]] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: TenantId) -> T:
        """The cached value, or a fresh one once it is ``ttl_s`` old; the loader's errors
        leave unchanged (nothing is cached then)."""
        now = self._monotonic()
        with self._lock:
            cached = self._values.get(tenant_id)
            if cached is not None and now - cached[0] < self._ttl_s:
                return cached[1]
        value = self._load(tenant_id)  # outside the lock: one slow tenant holds up no other
        with self._lock:
            self._values[tenant_id] = (now, value)
        return value

    def forget(self, tenant_id: TenantId) -> None:
        """Read the tenant's value afresh next time (it was changed in this process)."""
        with self._lock:
            self._values.pop(tenant_id, None)
