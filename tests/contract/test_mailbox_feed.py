"""The mailbox feed: one contract for the in-memory store and Firestore's
listener on the emulator. Firestore-only: reads are counted as billed, and a dropped
connection is resumed without losing a change."""

from __future__ import annotations

import os
import queue
import time
from typing import Any

import pytest

from shared.ids import MailboxId
from shared.ports import MailboxChanges
from tests.contract.state_store_cases import M1, M2, STORES, T1, T2, Env, mailbox, make_env
from tests.fakes.tcp_proxy import tcp_proxy

WAIT_S = 30.0  # a bound for a delivery, not a speed check


@pytest.fixture(params=STORES)
def env(request: pytest.FixtureRequest) -> Env:
    return make_env(request)


class Collected:
    def __init__(self) -> None:
        self.deliveries: queue.Queue[MailboxChanges] = queue.Queue()

    def __call__(self, changes: MailboxChanges) -> None:
        self.deliveries.put(changes)

    def next(self) -> MailboxChanges:
        """The next delivery that says anything (a listener may send an empty one)."""
        deadline = time.monotonic() + WAIT_S
        while True:
            got = self.deliveries.get(timeout=max(0.1, deadline - time.monotonic()))
            if got.updated or got.removed or got.complete:
                return got


def test_first_a_complete_delivery_then_each_change(env: Env) -> None:
    store, _ = env
    store.put_mailbox(mailbox(T1, M1))
    store.put_mailbox(mailbox(T2, M1, enabled=False))
    got = Collected()
    subscription = store.watch_mailboxes(got)
    try:
        first = got.next()
        assert first.complete
        assert sorted(m.key for m in first.updated) == ["acme/booking", "globex/booking"]
        assert subscription.active

        store.put_mailbox(mailbox(T1, M2))  # added
        added = got.next()
        assert (added.complete, [m.key for m in added.updated], added.removed) == (
            False,
            ["acme/stopsale"],
            (),
        )
        store.put_mailbox(mailbox(T1, M1, enabled=False))  # disabled: a change
        disabled = got.next()
        assert [(m.key, m.enabled) for m in disabled.updated] == [("acme/booking", False)]
        store.put_mailbox(mailbox(T1, M1, folder="Stopsale"))  # changed
        changed = got.next()
        assert [(m.key, m.folder, m.enabled) for m in changed.updated] == [
            ("acme/booking", "Stopsale", True)
        ]
        store.delete_mailbox(T2, MailboxId("booking"))  # removed
        removed = got.next()
        assert (removed.updated, removed.removed) == ((), ("globex/booking",))
    finally:
        subscription.close()
    assert not subscription.active
    store.put_mailbox(mailbox(T2, M2))
    time.sleep(0.5)  # give a leaked listener the chance to deliver (asserted below)
    assert [c for c in _drain(got) if c.updated or c.removed] == []


def _drain(got: Collected) -> list[MailboxChanges]:
    out = []
    while not got.deliveries.empty():
        out.append(got.deliveries.get_nowait())
    return out


@pytest.mark.integration
def test_firestore_counts_a_read_per_document_delivered_and_none_at_rest(
    firestore_client: Any,
) -> None:
    from mailingest_dev.clock import FakeClock
    from shared.adapters.firestore import FirestoreStateStore
    from tests.contract.state_store_cases import START

    store = FirestoreStateStore(firestore_client, FakeClock(START))
    for i in range(5):
        store.put_mailbox(mailbox(T1, f"m{i}"))
    got = Collected()
    subscription = store.watch_mailboxes(got)
    try:
        assert len(got.next().updated) == 5
        assert store.reads.snapshot().get("watch mailboxes") == 5
        time.sleep(1.0)  # at rest: a listener reads nothing (re-listing would, every time)
        assert store.reads.snapshot().get("watch mailboxes") == 5
        store.put_mailbox(mailbox(T1, "m0", enabled=False))
        assert [m.key for m in got.next().updated] == ["acme/m0"]
        assert store.reads.snapshot().get("watch mailboxes") == 6
    finally:
        subscription.close()
    store.list_mailboxes()
    assert store.reads.snapshot()["list mailboxes"] == 5


@pytest.mark.integration
def test_firestore_a_dropped_connection_ends_the_subscription_and_a_new_one_has_it_all(
    firestore_client: Any,
) -> None:
    """The emulator unreachable for a while (a proxy resets every connection): the
    subscription says it ended (never open and silent), and once the emulator is back a
    new one delivers every change made meanwhile."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    from mailingest_dev.clock import FakeClock
    from shared.adapters.firestore import FirestoreStateStore
    from tests.contract.state_store_cases import START

    writer = FirestoreStateStore(firestore_client, FakeClock(START))
    writer.put_mailbox(mailbox(T1, M1))
    host, port = os.environ["FIRESTORE_EMULATOR_HOST"].rsplit(":", 1)
    with tcp_proxy(host, int(port)) as proxy:
        os.environ["FIRESTORE_EMULATOR_HOST"] = proxy.address
        anonymous = AnonymousCredentials()
        client = firestore.Client(project=firestore_client.project, credentials=anonymous)
        reader = FirestoreStateStore(client, FakeClock(START))
        got = Collected()
        subscription = reader.watch_mailboxes(got)
        try:
            assert [m.key for m in got.next().updated] == ["acme/booking"]
            proxy.down()
            writer.put_mailbox(mailbox(T1, M2))
            writer.delete_mailbox(T1, M1)
            deadline = time.monotonic() + WAIT_S
            while subscription.active and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not subscription.active
        finally:
            subscription.close()
        proxy.up()
        again = Collected()
        subscription = reader.watch_mailboxes(again)
        try:
            first = again.next()
            assert first.complete
            assert [m.key for m in first.updated] == ["acme/stopsale"]
        finally:
            subscription.close()
