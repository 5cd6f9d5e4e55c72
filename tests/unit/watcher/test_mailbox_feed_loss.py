"""The watcher when the mailbox feed fails: a feed that cannot start or is lost is logged,
the mailboxes are re-listed at once, and the feed is subscribed again with backoff."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest

from shared.adapters.memory_state import InMemoryStateStore, MemoryMailboxSubscription
from shared.adapters.system_clock import SystemClock
from shared.errors import AuthError, ServiceUnavailable
from shared.ids import MailboxId
from shared.ports import MailboxChanges
from shared.service.ingest import IngestPipeline
from shared.service.watcher import Watcher, WatcherOptions
from tests.unit.watcher.fakes import ExplodingCredentials, FakeSources, RecordingPipeline
from tests.unit.watcher.test_worker_and_supervisor import MAILBOX, wait_for

# no safety re-list during the test: only a lost feed may cause one
OPTIONS = WatcherOptions(
    lease_ttl_s=3, reload_s=0.05, relist_s=3600, idle_check_s=0.1, auth_backoff_s=900
)


class FlakyFeedStore(InMemoryStateStore):
    """A store whose feed refuses to start ``refusals`` times, and whose subscriptions the
    test can break (``lose_feed``: as a dropped listener, it stops delivering)."""

    def __init__(self, refusals: int = 0) -> None:
        super().__init__(SystemClock())
        self.refusals = refusals
        self.subscribes = 0
        self.lists = 0
        self._subs: list[MemoryMailboxSubscription] = []

    def watch_mailboxes(
        self, on_changes: Callable[[MailboxChanges], None]
    ) -> MemoryMailboxSubscription:
        self.subscribes += 1
        if self.subscribes <= self.refusals:
            raise ServiceUnavailable("firestore watch mailboxes: ServiceUnavailable")
        sub = super().watch_mailboxes(on_changes)
        self._subs.append(sub)
        return sub

    def list_mailboxes(self, tenant_id: Any = None) -> list[Any]:
        self.lists += 1
        return super().list_mailboxes(tenant_id)

    def lose_feed(self) -> None:
        for sub in self._subs:
            sub.close()


@pytest.fixture
def run_watcher() -> Iterator[Callable[[InMemoryStateStore], Watcher]]:
    started: list[tuple[Watcher, threading.Thread]] = []

    def start(store: InMemoryStateStore) -> Watcher:
        watcher = Watcher(
            store,
            cast(IngestPipeline, RecordingPipeline()),
            ExplodingCredentials(AuthError("refused")),  # workers wait without a server
            SystemClock(),
            holder="w1",
            sources=FakeSources(error=AssertionError("no source may be opened")),
            options=OPTIONS,
        )
        thread = threading.Thread(target=watcher.run, daemon=True)
        thread.start()
        started.append((watcher, thread))
        return watcher

    yield start
    for watcher, thread in started:
        watcher.stop()
        thread.join(timeout=30)
        assert not thread.is_alive()


def mailbox(mid: str) -> Any:
    return MAILBOX.model_copy(update={"id": MailboxId(mid)})


def test_changes_come_through_the_feed_without_any_re_list(run_watcher: Any) -> None:
    store = FlakyFeedStore()
    store.put_mailbox(mailbox("a"))
    watcher = run_watcher(store)
    wait_for(lambda: watcher.watched == ["acme/a"], what="the first delivery")
    store.put_mailbox(mailbox("b"))
    wait_for(lambda: watcher.watched == ["acme/a", "acme/b"], what="the added mailbox")
    store.put_mailbox(mailbox("a").model_copy(update={"enabled": False}))
    wait_for(lambda: watcher.watched == ["acme/b"], what="the disabled mailbox let go")
    store.delete_mailbox(MAILBOX.tenant_id, MailboxId("b"))
    wait_for(lambda: watcher.watched == [], what="the removed mailbox let go")
    assert (store.lists, watcher.relists, store.subscribes) == (0, 0, 1)


def test_a_lost_feed_is_logged_re_listed_at_once_and_subscribed_again(
    run_watcher: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="shared.service.watcher.directory")
    store = FlakyFeedStore()
    store.put_mailbox(mailbox("a"))
    watcher = run_watcher(store)
    wait_for(lambda: watcher.watched == ["acme/a"], what="the first delivery")
    store.lose_feed()
    store.put_mailbox(mailbox("b"))  # while no feed delivers: only a re-list can see it
    wait_for(lambda: watcher.watched == ["acme/a", "acme/b"], what="the re-list")
    assert watcher.relists >= 1
    assert any(r.getMessage().startswith("mailbox feed lost") for r in caplog.records)
    wait_for(lambda: store.subscribes == 2, what="a new subscription")
    relists = watcher.relists
    store.put_mailbox(mailbox("c"))  # through the new feed
    wait_for(lambda: len(watcher.watched) == 3, what="the new feed's delivery")
    assert watcher.relists == relists


def test_a_feed_that_cannot_start_falls_back_to_listing_and_is_retried_with_backoff(
    run_watcher: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="shared.service.watcher.directory")
    store = FlakyFeedStore(refusals=2)
    store.put_mailbox(mailbox("a"))
    watcher = run_watcher(store)
    wait_for(lambda: watcher.watched == ["acme/a"], what="the re-list")
    assert store.lists >= 1
    refusals = [r for r in caplog.records if r.getMessage() == "mailbox feed could not start"]
    assert refusals
    wait_for(lambda: store.subscribes == 3, what="the feed, third time lucky")
    store.put_mailbox(mailbox("b"))
    wait_for(lambda: len(watcher.watched) == 2, what="a change through the feed")
    # backoff, not a retry at every loop turn (every 50 ms): two refusals, then one success
    assert store.subscribes == 3
