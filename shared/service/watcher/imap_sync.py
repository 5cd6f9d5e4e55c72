"""Catch-up sync of one IMAP folder from its cursor (UIDVALIDITY, last UID): list the UIDs
above it with their sizes, fetch them in batches bounded in count and bytes without setting
\\Seen, stream a message over the size limit to the blob store instead (issue #9 item 7), and
hand each message off (pipeline, after-processing action, cursor compare-and-set)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from shared.domain.models import Cursor, HealthUpdate, Mailbox
from shared.errors import ClaimBusy
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
from shared.service.watcher.catchup import CatchUpPool
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
        self._resync_max = resync_max
        # the cursor as this worker last read or wrote it: while its session lasts nobody else
        # moves it (the mailbox's lease is ours, and a compare-and-set with a stale version
        # fails), so an IDLE refresh with nothing new costs no store read (issue 15)
        self._known: Cursor | None = None

    def forget_cursor(self) -> None:
        """Read the cursor from the store at the next catch-up (a new session)."""
        self._known = None

    def catch_up(self, source: MailSource, mailbox: Mailbox, uidvalidity: int) -> int:
        """Process everything above the cursor; returns how many messages were handed off.
        Raises (RetryableError: the pipeline's, the source's) with the cursor left at the last
        message that was durably handed off; the next catch-up then reads it again."""
        try:
            return self._catch_up(source, mailbox, uidvalidity)
        except BaseException:
            self._known = None
            raise

    def _catch_up(self, source: MailSource, mailbox: Mailbox, uidvalidity: int) -> int:
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
        # pipeline's Message-ID guard drops those already published
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
        handed = 0
        if uids:
            # what waits on the server: a stall shows as pending > 0 with nothing handed off
            self._reporter.report(mailbox, HealthUpdate(pending=len(uids)))
        for start, chunk in self._batches(uids):
            # how many wait on the server once each one is handed off
            after = {ref.uid: len(uids) - start - i - 1 for i, ref in enumerate(chunk)}
            if self._hand_off.oversized(chunk[0]):  # always alone in its batch
                cursor = self._hand_off.by_reference(
                    source,
                    mailbox,
                    chunk[0],
                    f"{uidvalidity}/{chunk[0].uid}",
                    cursor=cursor,
                    new_cursor=self._position(mailbox, uidvalidity, chunk[0].uid),
                    pending=after[chunk[0].uid],
                )
                handed += 1
                continue
            fetched = source.fetch_raw(chunk)
            if self._pool is not None and len(fetched) >= self._pool.min_batch:
                cursor = self._in_one_go(source, mailbox, uidvalidity, fetched, cursor, after)
                handed += len(fetched)
                continue
            for message in fetched:
                cursor = self._hand_off(
                    source,
                    mailbox,
                    message,
                    f"{uidvalidity}/{message.ref.uid}",
                    cursor=cursor,
                    new_cursor=self._position(mailbox, uidvalidity, message.ref.uid),
                    pending=after[message.ref.uid],
                )
                handed += 1
        if (first_sync or resync) and not uids:
            cursor = self._cursors.compare_and_set_cursor(
                mailbox.tenant_id,
                mailbox.id,
                cursor.version,
                {"uidvalidity": uidvalidity, "last_uid": 0, "folder": mailbox.folder},
            )
        self._known = cursor
        self._reporter.report(mailbox, HealthUpdate(last_sync_at=self._clock.now(), pending=0))
        return handed

    def _in_one_go(
        self,
        source: MailSource,
        mailbox: Mailbox,
        uidvalidity: int,
        fetched: list[FetchedMessage],
        cursor: Cursor,
        pending: dict[int, int],
    ) -> Cursor:
        """A fetched batch through the pipeline in one go (``catchup``), its unbroken run
        handed off with one cursor write; raises what stopped the run, with the cursor at
        the last message handed off. Two messages of the batch with one Message-ID stop the
        run at the second (ClaimBusy: the first is in flight): the rest of the batch goes
        again, so the run only ends early when it made no progress."""
        assert self._pool is not None
        remaining = fetched
        while remaining:
            named = [(f"{uidvalidity}/{m.ref.uid}", m) for m in remaining]
            run = self._pool.run(self._pipeline, mailbox, named)
            cursor = self._hand_off.batch(
                source,
                mailbox,
                run.handed,
                cursor=cursor,
                position=lambda ref: self._position(mailbox, uidvalidity, ref.uid),
                pending=pending,
            )
            if run.error is None:
                break
            if not (isinstance(run.error, ClaimBusy) and run.handed):
                raise run.error
            remaining = remaining[len(run.handed) :]
        return cursor

    def _batches(self, refs: list[MessageRef]) -> Iterator[tuple[int, list[MessageRef]]]:
        """(index of the first, batch): at most ``batch`` messages and ``batch_bytes`` bytes by
        the sizes the server reported; a message larger than ``batch_bytes`` goes alone, and
        an oversized one alone too (it is streamed, never fetched)."""
        start, chunk, size = 0, list[MessageRef](), 0
        for i, ref in enumerate(refs):
            bytes_ = ref.size or 0
            alone = self._hand_off.oversized(ref)
            if chunk and (
                alone
                or len(chunk) >= self._batch
                or size + bytes_ > self._batch_bytes
                or self._hand_off.oversized(chunk[0])
            ):
                yield start, chunk
                start, chunk, size = i, [], 0
            chunk.append(ref)
            size += bytes_
        if chunk:
            yield start, chunk

    @staticmethod
    def _position(mailbox: Mailbox, uidvalidity: int, uid: int) -> dict[str, object]:
        return {"uidvalidity": uidvalidity, "last_uid": uid, "folder": mailbox.folder}
