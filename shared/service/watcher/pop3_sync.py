"""POP3 (RFC 1939) has no push: poll, dedupe by UIDL. The cursor is the set of UIDLs seen
that are still on the server (bounded by the mailbox's size)."""

from __future__ import annotations

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
    ) -> None:
        self._cursors = cursors
        self._hand_off = HandOff(cursors, pipeline, reporter, clock)
        self._reporter = reporter
        self._clock = clock

    def sync(self, source: MailSource, mailbox: Mailbox) -> int:
        cursor = self._cursors.get_cursor(mailbox.tenant_id, mailbox.id)
        seen = set(cursor.value.get("seen_uidls", []))
        listing = {ref.name: ref for ref in source.changes_since(SourcePosition())}
        waiting = [ref for name, ref in listing.items() if name not in seen]
        self._reporter.report(mailbox, HealthUpdate(pending=len(waiting)))
        handed = 0
        for ref in waiting:
            for message in source.fetch_raw([ref]):
                # keep only UIDLs still on the server: the set cannot grow without bound
                now_seen = {u for u in seen | {ref.name} if u in listing}
                cursor = self._hand_off(
                    source,
                    mailbox,
                    message,
                    ref.name,
                    cursor=cursor,
                    new_cursor={"seen_uidls": sorted(now_seen)},
                    pending=len(waiting) - handed - 1,
                )
                seen = now_seen
                handed += 1
        self._reporter.report(mailbox, HealthUpdate(last_sync_at=self._clock.now(), pending=0))
        return handed
