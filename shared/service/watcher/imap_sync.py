"""Catch-up sync of one IMAP folder from its cursor (UIDVALIDITY, last UID): fetch the UIDs
above it with BODY.PEEK[] (RFC 3501: does not set \\Seen), hand each message to the pipeline,
apply the after-processing action, then advance the cursor by compare-and-set."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from shared.domain.models import AfterProcessing, HealthUpdate, Mailbox
from shared.ports import Clock, CursorStore
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline

logger = logging.getLogger(__name__)


class ImapSync:
    def __init__(
        self,
        cursors: CursorStore,
        pipeline: IngestPipeline,
        reporter: HealthReporter,
        clock: Clock,
        *,
        batch: int = 25,
        initial_max: int = 1000,
        resync_max: int = 1000,
    ) -> None:
        self._cursors = cursors
        self._pipeline = pipeline
        self._reporter = reporter
        self._clock = clock
        self._batch = batch
        self._initial_max = initial_max
        self._resync_max = resync_max

    def select(self, client: Any, mailbox: Mailbox) -> int:
        info = client.select_folder(
            mailbox.folder, readonly=mailbox.after_processing is AfterProcessing.LEAVE
        )
        return int(info[b"UIDVALIDITY"])

    def catch_up(self, client: Any, mailbox: Mailbox, uidvalidity: int) -> int:
        """Process everything above the cursor; returns how many messages were handed off.
        Raises (RetryableError, IMAP/socket errors) with the cursor left at the last message
        that was durably handed off."""
        cursor = self._cursors.get_cursor(mailbox.tenant_id, mailbox.id)
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
        uids = sorted(u for u in client.search(["UID", f"{last_uid + 1}:*"]) if u > last_uid)
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
        # what waits on the server: a stall shows as pending > 0 with nothing handed off
        self._reporter.report(mailbox, HealthUpdate(pending=len(uids)))
        for start in range(0, len(uids), self._batch):
            chunk = uids[start : start + self._batch]
            fetched = client.fetch(chunk, ["BODY.PEEK[]", "INTERNALDATE"])
            for offset, uid in enumerate(chunk):
                item = fetched.get(uid)
                if item is None:  # expunged meanwhile
                    continue
                raw = item.get(b"BODY[]") or b""
                received = _utc(item.get(b"INTERNALDATE"))
                # the claims name this mailbox's lease, which this replica holds while it runs
                result = self._pipeline.ingest(
                    mailbox, f"{uidvalidity}/{uid}", raw, received_at=received, lease=mailbox.key
                )
                self._after(client, mailbox, uid)
                cursor = self._cursors.compare_and_set_cursor(
                    mailbox.tenant_id,
                    mailbox.id,
                    cursor.version,
                    {"uidvalidity": uidvalidity, "last_uid": uid, "folder": mailbox.folder},
                )
                handed += 1
                self._reporter.report_result(mailbox, result, self._clock.now())
                left = len(uids) - start - offset - 1
                self._reporter.report(mailbox, HealthUpdate(pending=left))
        if (first_sync or resync) and not uids:
            cursor = self._cursors.compare_and_set_cursor(
                mailbox.tenant_id,
                mailbox.id,
                cursor.version,
                {"uidvalidity": uidvalidity, "last_uid": 0, "folder": mailbox.folder},
            )
        self._reporter.report(mailbox, HealthUpdate(last_sync_at=self._clock.now(), pending=0))
        return handed

    @staticmethod
    def _after(client: Any, mailbox: Mailbox, uid: int) -> None:
        action = mailbox.after_processing
        if action is AfterProcessing.MARK_SEEN:
            client.add_flags([uid], [b"\\Seen"])
        elif action is AfterProcessing.DELETE:
            client.delete_messages([uid])
            if client.has_capability("UIDPLUS"):  # RFC 4315: expunge only this message
                client.uid_expunge([uid])
            else:
                client.expunge()
        elif action is AfterProcessing.MOVE and mailbox.move_to:
            if client.has_capability("MOVE"):
                client.move([uid], mailbox.move_to)
            else:
                client.copy([uid], mailbox.move_to)
                client.delete_messages([uid])


def _utc(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
