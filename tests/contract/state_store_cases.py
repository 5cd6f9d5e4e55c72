"""Helpers for the StateStore contract: the store under test, model builders and a bounded
thread race."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import Mailbox, Provider
from shared.ids import MailboxId, TenantId
from shared.ports import StateStore
from shared.secret_names import password_secret_name

T1, T2 = TenantId("acme"), TenantId("globex")
M1, M2 = MailboxId("booking"), MailboxId("stopsale")
START = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
DAY = timedelta(days=1)
FIVE_MIN = timedelta(minutes=5)
LEASE_TTL = timedelta(seconds=30)
RACE_JOIN_S = 60.0  # a bound, not a speed check: a hung store fails instead of stalling CI


def mailbox(tenant: TenantId = T1, mid: str = "booking", **kw: Any) -> Mailbox:
    base: dict[str, Any] = {
        "tenant_id": tenant,
        "id": MailboxId(mid),
        "provider": Provider.IMAP,
        "address": f"{mid}@{tenant}.example",
        "host": "imap.example.com",
        "secret_ref": password_secret_name(tenant, mid),
    }
    base.update(kw)
    return Mailbox(**base)


def race(n: int, fn: Callable[[int], Any]) -> list[Any]:
    """Run ``fn(0..n-1)`` on n threads released together; each result or the exception."""
    results: list[Any] = [None] * n
    barrier = threading.Barrier(n, timeout=RACE_JOIN_S)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test asserts
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=RACE_JOIN_S)
    assert not any(t.is_alive() for t in threads), "a racing call never returned"
    return results


Env = tuple[StateStore, FakeClock]
STORES = ["memory", pytest.param("firestore", marks=pytest.mark.integration)]


def make_env(request: pytest.FixtureRequest) -> Env:
    """The store named by ``request.param`` with a FakeClock at START (both stores judge
    lease expiry and claim age by it). Firestore uses the emptied emulator database."""
    clock = FakeClock(START)
    if request.param == "memory":
        return InMemoryStateStore(clock), clock
    client = request.getfixturevalue("firestore_client")
    return FirestoreStateStore(client, clock), clock
