"""The hand-off of one message, the same for every mail source: ingest ▸ after-processing
action ▸ cursor compare-and-set ▸ health report. Nothing happens to the message on the server,
and the cursor does not move, unless the pipeline returned (the event is published, or the
message is a duplicate / skipped / dead-lettered with its raw kept)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.domain.models import Cursor, HealthUpdate, Mailbox
from shared.ports import Clock, CursorStore, FetchedMessage, MailSource
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline


class HandOff:
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

    def __call__(
        self,
        source: MailSource,
        mailbox: Mailbox,
        message: FetchedMessage,
        provider_message_id: str,
        *,
        cursor: Cursor,
        new_cursor: Mapping[str, Any],
        pending: int,
    ) -> Cursor:
        """Hand one fetched message off; returns the advanced cursor. ``pending``: how many
        messages still wait on the server after this one. Raises what the pipeline, the
        source or the cursor store raise, with the cursor left where it was."""
        # the claims name this mailbox's lease, which this replica holds while it runs
        result = self._pipeline.ingest(
            mailbox,
            provider_message_id,
            message.raw,
            received_at=message.received_at,
            lease=mailbox.key,
        )
        source.apply_after_action(message.ref)
        cursor = self._cursors.compare_and_set_cursor(
            mailbox.tenant_id, mailbox.id, cursor.version, new_cursor
        )
        self._reporter.report_result(mailbox, result, self._clock.now())
        self._reporter.report(mailbox, HealthUpdate(pending=pending))
        return cursor
