"""Catch-up sync of one IMAP folder from its cursor (UIDVALIDITY, last UID): list the UIDs
above it with their sizes, fetch them in batches bounded in count and bytes without setting
\\Seen, stream a message over the size limit to the blob store instead, and
hand each message off (pipeline, after-processing action, cursor compare-and-set).

The cursor is written once per batch; messages handed off one at a time (IDLE's new mail)
move it in memory and it is written every ``FetchLimits.cursor_every`` of them, when the
session ends and with the next batch: a replica killed in between leaves at most that many
to be read again by the next one, whose claims find them done (nothing published twice)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

from shared.domain.models import Cursor, HealthUpdate, Mailbox
from shared.errors import ClaimBusy, MailIngestError, Stopping
from shared.ports import (
    Clock,
    CursorStore,
    FetchedMessage,
    MailSource,
    MessageRef,
    SourcePosition,
)
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline
from shared.service.watcher.catchup import Batch, BatchRun, CatchUpPool
from shared.service.watcher.handoff import HandOff
from shared.service.watcher.options import FetchLimits

logger = logging.getLogger(__name__)


class ImapSync:
    def __init__(
        self,
        cursors: CursorStore,
        pipeline: IngestPipeline,
        reporter: HealthReporter,
        clock: Clock,
        *,
        limits: FetchLimits = FetchLimits(),  # noqa: B008 - frozen: one shared default is fine
        initial_max: int = 1000,
        resync_max: int = 1000,
        pool: CatchUpPool | None = None,
    ) -> None:
        self._cursors = cursors
        self._pipeline = pipeline
        self._pool = pool  # None: one message at a time
        self._hand_off = HandOff(cursors, pipeline, reporter, clock, chunk_bytes=limits.chunk_bytes)
        self._batch = limits.batch
        self._batch_bytes = limits.batch_bytes
        self._reporter = reporter
        self._clock = clock
        self._initial_max = initial_max
        self._recount_s = limits.recount_s  # a long catch-up counts what waits again this often
        self._resync_max = resync_max
        # the cursor as this worker last read or wrote it: while its session lasts nobody else
        # moves it (the mailbox's lease is ours, and a compare-and-set with a stale version
        # fails), so an IDLE refresh with nothing new costs no store read. It may be ahead
        # of the store by ``_owed`` messages handed off one at a time (its version is then
        # still the stored one's)
        self._known: Cursor | None = None
        self._every = max(1, limits.cursor_every)
        self._owed = 0
        self._owed_for: Mailbox | None = None

    def forget_cursor(self) -> None:
        """Read the cursor from the store at the next catch-up (a new session): what this
        worker owes it is written first."""
        self.flush_cursor()
        self._known = None

    def flush_cursor(self) -> None:
        """Write the cursor moved in memory by messages handed off one at a time, if any (a
        session ending). Best effort: when it cannot be written, the next catch-up reads
        the stored one and finds those messages done."""
        known, mailbox, owed = self._known, self._owed_for, self._owed
        self._owed = 0
        if not owed or known is None or mailbox is None:
            return
        try:
            self._known = self._cursors.compare_and_set_cursor(
                mailbox.tenant_id, mailbox.id, known.version, known.value
            )
        except MailIngestError as exc:
            self._known = None
            logger.warning(
                "cursor not written; the next sync reads the stored one",
                extra={"owed": owed, "error": str(exc)[:300]},
            )

    def catch_up(
        self,
        source: MailSource,
        mailbox: Mailbox,
        uidvalidity: int,
        stopping: Callable[[], bool] = lambda: False,
    ) -> int:
        """Process everything above the cursor; returns how many messages were handed off.
        Raises (RetryableError: the pipeline's, the source's) with the cursor left at the last
        message that was durably handed off; the next catch-up then reads it again.
        ``stopping``: true once the worker was told to stop; from then on nothing more is
        handed off (``Stopping`` is raised between two messages or batches)."""
        try:
            return self._catch_up(source, mailbox, uidvalidity, stopping)
        except BaseException:
            self.flush_cursor()
            self._known = None
            raise

    def _catch_up(
        self, source: MailSource, mailbox: Mailbox, uidvalidity: int, stopping: Callable[[], bool]
    ) -> int:
        cursor = self._known or self._cursors.get_cursor(mailbox.tenant_id, mailbox.id)
        stored = cursor.value
        if stored.get("folder", mailbox.folder) != mailbox.folder:
            # the mailbox now watches another folder: UIDs (and even UIDVALIDITY values, which
            # RFC 3501 only makes unique per folder name) of the old one mean nothing here
            logger.info(
                "folder changed: starting it like a new mailbox",
                extra={"old_folder": stored.get("folder"), "folder": mailbox.folder},
            )
            stored = {}
        first_sync = not stored
        resync = bool(stored) and stored.get("uidvalidity") != uidvalidity
        last_uid = int(stored.get("last_uid", 0)) if stored.get("uidvalidity") == uidvalidity else 0
        uids = source.changes_since(SourcePosition(last_uid=last_uid))
        # bounded: a new mailbox starts from its newest messages; after a UIDVALIDITY change
        # (RFC 3501 §2.3.1.1: every cached UID is void) the newest ones are re-read and the
        # pipeline's claims by Message-ID drop those already published
        limit = self._initial_max if first_sync else self._resync_max if resync else None
        skipped = max(0, len(uids) - limit) if limit is not None else 0
        if skipped:
            uids = uids[skipped:]
        if resync:
            logger.warning(
                "UIDVALIDITY changed: resyncing folder",
                extra={
                    "old": stored.get("uidvalidity"),
                    "new": uidvalidity,
                    "resync_count": len(uids),
                    "skipped_older": skipped,
                },
            )
        if uids:
            # what waits on the server: a stall shows as pending > 0 with nothing handed off
            self._reporter.report(
                mailbox, HealthUpdate(pending=len(uids), pending_at=self._clock.now())
            )
        job = _CatchUp(source, mailbox, uidvalidity, uids, stopping)
        cursor, handed = self._drain(job, cursor)
        if (first_sync or resync) and not uids:
            cursor = self._written(
                self._cursors.compare_and_set_cursor(
                    mailbox.tenant_id, mailbox.id, cursor.version, job.position(0)
                )
            )
        self._known = cursor
        now = self._clock.now()
        self._reporter.report(mailbox, HealthUpdate(last_sync_at=now, pending=0, pending_at=now))
        return handed

    def _drain(self, job: _CatchUp, cursor: Cursor) -> tuple[Cursor, int]:
        """Hand ``job.uids`` off a batch at a time; returns the cursor and how many were
        handed off. A batch the pool takes in one go is published and handed off while the
        next one is fetched and prepared; that one is abandoned (its claims released) if
        this stops short."""
        chunks = list(self._batches(job.uids))
        handed = 0
        try:
            for n, chunk in enumerate(chunks):
                job.check_stopping()
                if n and time.monotonic() - job.counted >= self._recount_s:
                    self._recount(job, chunk[0])
                if self._hand_off.oversized(chunk[0]):  # always alone in its batch
                    cursor = self._alone(job, chunk[0], cursor)
                    handed += 1
                    continue
                batch = job.ahead.take()
                fetched = batch.fetched if batch else job.source.fetch_raw(chunk)
                if batch is None and not self._pooled(len(fetched)):
                    for message in fetched:
                        job.check_stopping()
                        cursor = self._alone(job, message, cursor)
                else:
                    upcoming = chunks[n + 1] if n + 1 < len(chunks) else []
                    job.ahead.upcoming = upcoming if self._pooled(len(upcoming), upcoming) else []
                    moved = self._in_one_go(job, fetched, cursor, batch)
                    if moved.version != cursor.version:
                        self._written(moved)
                    cursor = moved
                handed += len(fetched)
        finally:
            if self._pool is not None:
                self._pool.abandon(self._pipeline, job.ahead.drop())
        return cursor, handed

    def _recount(self, job: _CatchUp, next_ref: MessageRef) -> None:
        """Count again what waits on the server (a long catch-up: a burst that goes on
        arriving): the messages of this catch-up not handed off yet, from ``next_ref`` on,
        and those that arrived since it listed them (one UID SEARCH above its last)."""
        with job.ahead.connection:
            arrived = len(job.source.changes_since(SourcePosition(last_uid=job.uids[-1].uid)))
        job.counted = time.monotonic()
        job.arrived(arrived)
        waiting = job.pending[next_ref.uid] + 1
        self._reporter.report(
            job.mailbox, HealthUpdate(pending=waiting, pending_at=self._clock.now())
        )

    def _alone(self, job: _CatchUp, item: FetchedMessage | MessageRef, cursor: Cursor) -> Cursor:
        """One message handed off on its own: fetched, or by reference (``item`` a
        ``MessageRef``: oversized, streamed). The cursor is written every ``cursor_every``
        such messages, else moved in memory (``flush_cursor`` writes it)."""
        if isinstance(item, FetchedMessage):
            ref, hand_off = item.ref, partial(self._hand_off, job.source, job.mailbox, item)
        else:
            ref = item
            hand_off = partial(self._hand_off.by_reference, job.source, job.mailbox, item)
        write = self._owed + 1 >= self._every
        cursor = hand_off(
            job.name(ref.uid),
            cursor=cursor,
            new_cursor=job.position(ref.uid),
            pending=job.pending[ref.uid],
            write=write,
        )
        self._known, self._owed_for = cursor, job.mailbox
        self._owed = 0 if write else self._owed + 1
        return cursor

    def _written(self, cursor: Cursor) -> Cursor:
        """A cursor just written: nothing owed any more."""
        self._owed = 0
        return cursor

    def _pooled(self, count: int, refs: list[MessageRef] | None = None) -> bool:
        """Whether a batch of ``count`` goes through the pool in one go (``refs``: not one
        that is streamed)."""
        if self._pool is None or count < self._pool.min_batch:
            return False
        return not (refs and self._hand_off.oversized(refs[0]))

    def _in_one_go(
        self, job: _CatchUp, fetched: list[FetchedMessage], cursor: Cursor, batch: Batch | None
    ) -> Cursor:
        """A fetched batch through the pipeline in one go (``catchup``; ``batch``: prepared
        already, ahead), published and its unbroken run handed off with one cursor write on
        a helper thread while the next one (``job.ahead.upcoming``) is fetched and prepared
        into ``job.ahead`` on this one; raises what stopped the run, with the cursor at the
        last message handed off. Two messages of the batch with one Message-ID stop the run
        at the second (ClaimBusy: the first is in flight): the rest of the batch goes again,
        so the run only ends early when it made no progress (a batch prepared ahead goes
        again once: the Message-ID may have been in flight in the batch before it)."""
        pool, ingest, ahead = self._pooling(), self._pipeline, job.ahead
        remaining = fetched
        batch = batch or pool.prepare(ingest, job.mailbox, job.named(remaining))
        while True:

            def hand_off(batch: Batch = batch, cursor: Cursor = cursor) -> tuple[BatchRun, Cursor]:
                run = pool.publish(ingest, batch, job.stopping)
                with ahead.connection:  # the next batch may be being fetched on it
                    return run, self._hand_off.batch(
                        job.source,
                        job.mailbox,
                        run.handed,
                        cursor=cursor,
                        position=lambda ref: job.position(ref.uid),
                        pending=job.pending,
                        beyond=run.beyond,
                    )

            if ahead.upcoming:
                refs, ahead.upcoming = ahead.upcoming, []
                (run, cursor), prepared = pool.overlap(
                    ingest, hand_off, partial(self._fetch_ahead, job, refs)
                )
                ahead.put(prepared)
            else:
                run, cursor = hand_off()
            if run.error is None:
                return cursor
            pool.abandon(ingest, ahead.drop())
            if not (isinstance(run.error, ClaimBusy) and (run.handed or batch.ahead)):
                raise run.error
            remaining = remaining[len(run.handed) :]
            batch = pool.prepare(ingest, job.mailbox, job.named(remaining))

    def _fetch_ahead(self, job: _CatchUp, refs: list[MessageRef]) -> Batch:
        """The next batch fetched, claimed and prepared while the one before it is published
        and handed off (its after-processing actions on the same connection: one at a time)."""
        with job.ahead.connection:
            fetched = job.source.fetch_raw(refs)
        return self._pooling().prepare(self._pipeline, job.mailbox, job.named(fetched), ahead=True)

    def _pooling(self) -> CatchUpPool:
        """The pool a batched catch-up runs on (only chosen when there is one: ``_pooled``)."""
        if self._pool is None:
            raise RuntimeError("a batched catch-up without a pool")
        return self._pool

    def _batches(self, refs: list[MessageRef]) -> Iterator[list[MessageRef]]:
        """At most ``batch`` messages and ``batch_bytes`` bytes by the sizes the server
        reported; a message larger than ``batch_bytes`` goes alone, and an oversized one
        alone too (it is streamed, never fetched)."""
        chunk, size = list[MessageRef](), 0
        for ref in refs:
            bytes_ = ref.size or 0
            alone = self._hand_off.oversized(ref)
            if chunk and (
                alone
                or len(chunk) >= self._batch
                or size + bytes_ > self._batch_bytes
                or self._hand_off.oversized(chunk[0])
            ):
                yield chunk
                chunk, size = [], 0
            chunk.append(ref)
            size += bytes_
        if chunk:
            yield chunk


class _Ahead:
    """One batch ahead: ``upcoming``, the messages of the batch after the one being handed
    off (fetched and prepared while that one is published and handed off; empty: none),
    then that batch prepared, or why it could not be fetched (raised when its turn comes:
    after the batch before it was handed off). ``connection``: the mail source is used by
    one thread at a time (the fetch ahead, the after-processing actions)."""

    def __init__(self) -> None:
        self.connection = threading.Lock()  # the mail source's, between the two threads
        self.upcoming: list[MessageRef] = []
        self._next: Batch | MailIngestError | None = None

    def put(self, next_batch: Batch | MailIngestError) -> None:
        self._next = next_batch

    def take(self) -> Batch | None:
        next_batch = self.drop()
        if isinstance(next_batch, MailIngestError):
            raise next_batch
        return next_batch

    def drop(self) -> Batch | MailIngestError | None:
        next_batch, self._next = self._next, None
        return next_batch


@dataclass
class _CatchUp:
    """One catch-up of a folder: its session (``source``), the mailbox, the UIDVALIDITY the
    UIDs belong to, the messages to hand off (``uids``, in UID order) with, by UID, how many
    wait on the server once each one is handed off (``pending``), and the batch ahead."""

    source: MailSource
    mailbox: Mailbox
    uidvalidity: int
    uids: list[MessageRef]
    stopping: Callable[[], bool]  # true once the worker was told to stop
    pending: dict[int, int] = field(init=False)
    ahead: _Ahead = field(default_factory=_Ahead)
    counted: float = field(default_factory=time.monotonic)  # when the server was asked
    _arrived: int = 0  # on the server above the last of ``uids`` when it was last asked

    def __post_init__(self) -> None:
        self.pending = {ref.uid: len(self.uids) - i - 1 for i, ref in enumerate(self.uids)}

    def arrived(self, count: int) -> None:
        """``count`` messages wait on the server above the last of ``uids`` (picked up by
        the next catch-up): counted in what waits after each message of this one."""
        change, self._arrived = count - self._arrived, count
        if change:
            self.pending = {uid: n + change for uid, n in self.pending.items()}

    def check_stopping(self) -> None:
        if self.stopping():
            raise Stopping("the mailbox's worker is stopping")

    def name(self, uid: int) -> str:
        """The provider message id of a message (what its event id is made of)."""
        return f"{self.uidvalidity}/{uid}"

    def position(self, uid: int) -> dict[str, object]:
        """The cursor's value once the message ``uid`` is handed off."""
        return {"uidvalidity": self.uidvalidity, "last_uid": uid, "folder": self.mailbox.folder}

    def named(self, fetched: list[FetchedMessage]) -> list[tuple[str, FetchedMessage]]:
        return [(self.name(m.ref.uid), m) for m in fetched]
