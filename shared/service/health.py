"""Coalesced health writes: the watcher reports often, Firestore takes ~1 write/s per document,
so updates are merged in memory and flushed once per interval per mailbox.

A port that blocks a mailbox (``publishing blocked``, ``store unreachable``) stays its state
until the mailbox makes progress again (a message handed off, a sync completed), and is
written at least once: the reconnects in between (``connecting``, ``syncing``, ``idle``) do
not hide it, and a store outage is still told once the store answers again."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.models import Health, HealthUpdate, Mailbox, MailboxState
from shared.errors import MailIngestError, StoreUnavailable
from shared.ids import MailboxId, TenantId
from shared.ports import HEALTH_WRITES_PER_CALL, Clock, HealthStore
from shared.service.ingest import IngestResult

logger = logging.getLogger(__name__)
_COUNTERS = ("processed", "failed", "errors", "processing_ms_total", "needs_review")
_HISTOGRAMS = ("labels", "latency")
# a port that blocks the mailbox: kept until it makes progress again
BLOCKED = frozenset({MailboxState.PUBLISHING_BLOCKED, MailboxState.STORE_UNREACHABLE})
# what a session goes through while it works: held back while a block is shown
_RUNNING = frozenset(
    {MailboxState.CONNECTING, MailboxState.SYNCING, MailboxState.IDLE, MailboxState.POLLING}
)


def merge(a: HealthUpdate, b: HealthUpdate) -> HealthUpdate:
    """``b`` after ``a``: latest values from ``b`` where set, counters added."""
    data = a.model_dump()
    for key, value in b.model_dump().items():
        if key in _COUNTERS:
            data[key] = data[key] + value
        elif key in _HISTOGRAMS:
            data[key] = {k: data[key].get(k, 0) + value.get(k, 0) for k in {*data[key], *value}}
        elif value is not None:
            data[key] = value
    return HealthUpdate(**data)


def stale_window(mailbox: Mailbox, idle_refresh_s: int) -> timedelta:
    """A healthy watcher syncs at least once per poll interval (polling) or IDLE refresh
    (each re-IDLE runs a catch-up sync); three of those missed in a row is stale."""
    return timedelta(seconds=3 * max(mailbox.poll_interval_s, idle_refresh_s))


# messages waiting with none handed off for this long is a stall: short enough that a stall
# shows within a minute of its start (with the watcher's look every stale_check_s), long
# enough for one large message fetched over a slow link
STUCK_AFTER = timedelta(seconds=45)


def stuck_since(
    pending: int | None, waiting_since: datetime | None, progress: datetime | None
) -> datetime | None:
    """Since when messages have waited on the server with none handed off; None when nothing
    waits. ``waiting_since``: when the current backlog began; ``progress``: last handoff."""
    if not pending or waiting_since is None:
        return None
    return max(waiting_since, progress) if progress is not None else waiting_since


def is_stale(
    health: Health,
    mailbox: Mailbox,
    now: datetime,
    idle_refresh_s: int,
    stuck_after: timedelta = STUCK_AFTER,
) -> bool:
    """No doorbell, successful sync or hand-off within the window a healthy watcher would
    have produced one (a silent watcher is the failure users hit most; before the first of
    them the wait counts from the first connect, so a first catch-up under way is not
    stale), or messages waiting on the server with none handed off for ``stuck_after`` (a
    watcher that connects but is stuck)."""
    if not mailbox.enabled:
        return False
    stuck = stuck_since(health.pending, health.oldest_pending_at, health.last_event_at)
    if stuck is not None and now - stuck > stuck_after:
        return True
    window = stale_window(mailbox, idle_refresh_s)
    signs = (health.last_doorbell_at, health.last_sync_at, health.last_event_at)
    latest = max((t for t in signs if t is not None), default=health.last_connect_at)
    return latest is None or now - latest > window


@dataclass
class _Block:
    """A blocked state reported for a mailbox: ``written`` once a flush carried it;
    ``cleared`` when progress came before that (replaced by the running state once written)."""

    state: MailboxState
    written: bool = False
    cleared: bool = False


Ids = tuple[TenantId, MailboxId]


class HealthReporter:
    def __init__(self, store: HealthStore, clock: Clock, interval_s: float = 1.0) -> None:
        self._store = store
        self._clock = clock
        self._interval = interval_s
        self._pending: dict[tuple[TenantId, MailboxId], HealthUpdate] = {}
        # by Mailbox.key: the latest doorbell or sync reported by this process (the stale
        # check needs no reads), since when messages have waited (pending > 0), the latest
        # handoff
        self._alive: dict[str, datetime] = {}
        self._backlog: dict[str, datetime] = {}
        self._progress: dict[str, datetime] = {}
        # by (tenant, mailbox): the blocked state shown, the state the session is in
        # underneath it, and the mailbox (to report on it from here)
        self._blocks: dict[Ids, _Block] = {}
        self._running: dict[Ids, MailboxState] = {}
        self._mailboxes: dict[str, Mailbox] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def report(self, mailbox: Mailbox, update: HealthUpdate) -> None:
        key = mailbox.key
        alive = max(
            (t for t in (update.last_sync_at, update.last_doorbell_at) if t is not None),
            default=None,
        )
        with self._lock:
            if alive is not None:
                self._alive[key] = alive
            if update.last_event_at is not None:
                self._progress[key] = update.last_event_at
            if update.pending == 0:
                self._backlog.pop(key, None)
            elif update.pending is not None:
                # oldest_pending_at: when the current backlog began (kept until it is empty)
                since = self._backlog.setdefault(key, self._clock.now())
                update = update.model_copy(update={"oldest_pending_at": since})
            ids = (mailbox.tenant_id, mailbox.id)
            self._mailboxes[key] = mailbox
            self._merge(ids, self._overlay(ids, update))

    def _merge(self, ids: Ids, update: HealthUpdate) -> None:
        current = self._pending.get(ids)
        self._pending[ids] = merge(current, update) if current else update

    def _overlay(self, ids: Ids, update: HealthUpdate) -> HealthUpdate:
        """A blocked state is kept until progress: a running state reported meanwhile is
        remembered, not written; any other state (``backoff``, ``auth_error``…) replaces
        it. Progress (a hand-off, a sync completed) brings the running state back, once the
        blocked one has been written."""
        state = update.state
        if state in BLOCKED:
            self._blocks[ids] = _Block(state)
            return update
        if state in _RUNNING:
            self._running[ids] = state
        elif state is not None:
            self._blocks.pop(ids, None)
        block = self._blocks.get(ids)
        if block is None:
            return update
        if state in _RUNNING:
            update = update.model_copy(update={"state": None})
        if update.last_event_at is not None or update.last_sync_at is not None:
            if not block.written:
                block.cleared = True  # once it is written
            else:
                del self._blocks[ids]
                running = self._running.get(ids, MailboxState.SYNCING)
                update = update.model_copy(update={"state": running})
        return update

    def store_unreachable(self, error: str) -> None:
        """The store did not answer this process (a health write, a heartbeat): every
        mailbox with messages waiting is blocked by it (its session may be stuck in a store
        call that has not given up yet). Written once the store answers again."""
        now = self._clock.now()
        told = HealthUpdate(
            state=MailboxState.STORE_UNREACHABLE,
            last_error=error[:500],
            last_error_at=now,
            errors=1,
        )
        with self._lock:
            for key in self._backlog:
                mailbox = self._mailboxes.get(key)
                if mailbox is None:
                    continue
                ids = (mailbox.tenant_id, mailbox.id)
                block = self._blocks.get(ids)
                if block is None or block.state is not MailboxState.STORE_UNREACHABLE:
                    self._merge(ids, self._overlay(ids, told))  # told once per outage

    def report_result(self, mailbox: Mailbox, result: IngestResult, at: datetime) -> None:
        """One message handed off: counted as processed, or failed when dead-lettered."""
        self.report(mailbox, result_update(result, at))

    def liveness(self) -> tuple[dict[str, datetime], dict[str, datetime]]:
        """For every mailbox this process reported on, by ``Mailbox.key``: its latest
        doorbell or sync, and since when messages have waited with none handed off — in one
        look (the stale check walks 10,000 mailboxes with it, not 20,000 lock rounds)."""
        with self._lock:
            alive = dict(self._alive)
            stuck = {
                key: since
                for key, backlog in self._backlog.items()
                if (since := stuck_since(1, backlog, self._progress.get(key))) is not None
            }
        return alive, stuck

    def flush(self) -> None:
        """Write what changed since the last flush, ``HEALTH_WRITES_PER_CALL`` mailboxes per
        round trip; a part that fails is kept for the next flush (counters not lost) and the
        other parts are still tried."""
        with self._lock:
            pending, self._pending = self._pending, {}
            blocks = {ids: self._blocks[ids] for ids in pending if ids in self._blocks}
        now = self._clock.now()
        items = [(tenant, mailbox, update) for (tenant, mailbox), update in pending.items()]
        for start in range(0, len(items), HEALTH_WRITES_PER_CALL):
            part = items[start : start + HEALTH_WRITES_PER_CALL]
            try:
                self._store.update_health_many(part, now)
            except MailIngestError as exc:
                logger.warning(
                    "health write failed", extra={"error": str(exc)[:200], "mailboxes": len(part)}
                )
                with self._lock:
                    for tenant, mailbox, update in part:
                        later = self._pending.get((tenant, mailbox))
                        self._pending[(tenant, mailbox)] = merge(update, later) if later else update
                if isinstance(exc, StoreUnavailable):
                    self.store_unreachable(f"{type(exc).__name__}: {exc}")
            else:
                self._written([(tenant, mailbox) for tenant, mailbox, _ in part], blocks)

    def _written(self, written: list[Ids], blocks: dict[Ids, _Block]) -> None:
        """The blocked states of ``written`` are in the store: those progress has cleared
        meanwhile give way to the running state (at the next flush)."""
        with self._lock:
            for ids in written:
                block = blocks.get(ids)
                if block is None or self._blocks.get(ids) is not block:
                    continue  # none, or blocked again since
                block.written = True
                if block.cleared:
                    del self._blocks[ids]
                    running = self._running.get(ids, MailboxState.SYNCING)
                    self._merge(ids, HealthUpdate(state=running))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="health-flush", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.flush()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.flush()


def found_waiting(count: int, now: datetime, since: datetime | None = None) -> HealthUpdate:
    """What a push provider's sync found beyond its cursor (the Gmail history, the Graph
    delta it read), counted ``now``; ``since``: when the oldest of them arrived, if known."""
    return HealthUpdate(
        pending=count, pending_at=now, oldest_pending_at=(since or now) if count else None
    )


def result_update(
    result: IngestResult, at: datetime, *, still_waiting: int | None = None
) -> HealthUpdate:
    """What one message handed off adds to its mailbox's health (every provider): processed
    (once: not again as a duplicate), or failed when it was dead-lettered; its label, review
    and latency counts; with
    ``still_waiting``, what the sync found that is not handed off yet (no write more)."""
    failed = result.outcome == "dead_lettered"
    # a message handed off again (a retried sync, a takeover) is progress, not one more
    # processed: the counters add up to the events published
    again = result.outcome == "duplicate"
    return HealthUpdate(
        pending=still_waiting,
        pending_at=at if still_waiting is not None else None,
        last_event_at=at,
        processed=0 if failed or again else 1,
        failed=1 if failed else 0,
        processing_ms_total=result.processing_ms,
        needs_review=0 if result.confident else 1,
        labels=result.label_counts(),
        latency=result.latency_counts(),
    )
