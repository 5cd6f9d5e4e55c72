"""POP3 (RFC 1939) has no push: poll, dedupe by UIDL. The cursor is the set of UIDLs seen
that are still on the server (bounded by the mailbox's size)."""

from __future__ import annotations

from typing import Any

from shared.domain.models import HealthUpdate, Mailbox
from shared.ports import Clock, CursorStore, MailSource, SourcePosition
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline
from shared.service.watcher.handoff import HandOff


class Pop3Sync:
    def __init__(
        self,
        cursors: CursorStore,
        pipeline: IngestPipeline,
        reporter: HealthReporter,
        clock: Clock,
        *,
        chunk_bytes: int = 1024 * 1024,
    ) -> None:
        self._cursors = cursors
        self._hand_off = HandOff(cursors, pipeline, reporter, clock, chunk_bytes=chunk_bytes)
        self._reporter = reporter
        self._clock = clock

    def sync(self, source: MailSource, mailbox: Mailbox) -> int:
        cursor = self._cursors.get_cursor(mailbox.tenant_id, mailbox.id)
        seen = set(cursor.value.get("seen_uidls", []))
        listing = {ref.name: ref for ref in source.changes_since(SourcePosition())}
        waiting = [ref for name, ref in listing.items() if name not in seen]
        # what waits on the server: the list against the seen set, counted at every poll
        self._reporter.report(
            mailbox, HealthUpdate(pending=len(waiting), pending_at=self._clock.now())
        )
        handed = 0
        for ref in waiting:
            # keep only UIDLs still on the server: the set cannot grow without bound
            now_seen = {u for u in seen | {ref.name} if u in listing}
            step: dict[str, Any] = {
                "cursor": cursor,
                "new_cursor": {"seen_uidls": sorted(now_seen)},
                "pending": len(waiting) - handed - 1,
            }
            if self._hand_off.oversized(ref):  # by the LIST size: streamed, never fetched
                cursor = self._hand_off.by_reference(source, mailbox, ref, ref.name, **step)
            else:
                (message,) = source.fetch_raw([ref])
                cursor = self._hand_off(source, mailbox, message, ref.name, **step)
            seen = now_seen
            handed += 1
        now = self._clock.now()
        self._reporter.report(mailbox, HealthUpdate(last_sync_at=now, pending=0, pending_at=now))
        return handed
