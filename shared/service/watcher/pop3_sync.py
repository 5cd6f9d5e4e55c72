"""POP3 (RFC 1939) has no push: poll, dedupe by UIDL. The cursor is the set of UIDLs seen
that are still on the server (bounded by the mailbox's size)."""

from __future__ import annotations

import poplib

from shared.domain.models import AfterProcessing, HealthUpdate, Mailbox
from shared.ports import Clock, CursorStore
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline


class Pop3Sync:
    def __init__(
        self,
        cursors: CursorStore,
        pipeline: IngestPipeline,
        reporter: HealthReporter,
        clock: Clock,
    ) -> None:
        self._cursors = cursors
        self._pipeline = pipeline
        self._reporter = reporter
        self._clock = clock

    def sync(self, conn: poplib.POP3, mailbox: Mailbox) -> int:
        cursor = self._cursors.get_cursor(mailbox.tenant_id, mailbox.id)
        seen = set(cursor.value.get("seen_uidls", []))
        listing: dict[str, int] = {}
        for line in conn.uidl()[1]:
            num, uidl = line.decode("ascii", "replace").split(" ", 1)
            listing[uidl.strip()] = int(num)
        handed = 0
        waiting = [uidl for uidl in listing if uidl not in seen]
        self._reporter.report(mailbox, HealthUpdate(pending=len(waiting)))
        for uidl, number in listing.items():
            if uidl in seen:
                continue
            raw = b"\r\n".join(conn.retr(number)[1]) + b"\r\n"
            result = self._pipeline.ingest(mailbox, uidl, raw, lease=mailbox.key)
            if mailbox.after_processing is AfterProcessing.DELETE:
                conn.dele(number)
            seen.add(uidl)
            # keep only UIDLs still on the server: the set cannot grow without bound
            value = {"seen_uidls": sorted(u for u in seen if u in listing)}
            cursor = self._cursors.compare_and_set_cursor(
                mailbox.tenant_id, mailbox.id, cursor.version, value
            )
            handed += 1
            self._reporter.report_result(mailbox, result, self._clock.now())
            self._reporter.report(mailbox, HealthUpdate(pending=len(waiting) - handed))
        self._reporter.report(mailbox, HealthUpdate(last_sync_at=self._clock.now(), pending=0))
        return handed
