"""The hand-off of one message, the same for every mail source: ingest ▸ counted in its
health ▸ after-processing action ▸ cursor compare-and-set ▸ what still waits. Nothing happens
to the message on the server, and the cursor does not move, unless the pipeline returned (the
event is published, or the message is a duplicate / skipped / dead-lettered with its raw
kept); it is counted then, before anything that may still fail (a rerun finds it done and
does not count it again)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from shared.domain.models import Cursor, HealthUpdate, Mailbox
from shared.ports import Clock, CursorStore, FetchedMessage, MailSource, MessageRef
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline, IngestResult


class HandOff:
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
        self._pipeline = pipeline
        self._reporter = reporter
        self._clock = clock
        self._chunk_bytes = chunk_bytes

    def oversized(self, ref: MessageRef) -> bool:
        """Over the pipeline's size limit (by the size the server reported, before any body
        was fetched): handed off by reference, never fetched whole."""
        return ref.size is not None and ref.size > self._pipeline.max_message_bytes

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
        write: bool = True,
    ) -> Cursor:
        """Hand one fetched message off; returns the advanced cursor. ``pending``: how many
        messages still wait on the server after this one; ``write``: False leaves the
        cursor's write to the caller (the cursor returned has the value, not yet stored:
        its version is still the stored one's). Raises what the pipeline, the source or
        the cursor store raise, with the cursor left where it was."""
        result = self.ingest_fetched(mailbox, message, provider_message_id)
        return self._finish(
            source, mailbox, message.ref, result, cursor, new_cursor, pending, write
        )

    def ingest_fetched(
        self, mailbox: Mailbox, message: FetchedMessage, provider_message_id: str
    ) -> IngestResult:
        """The pipeline's part of a hand-off, for a caller that writes its cursor itself."""
        # the claims name this mailbox's lease, which this replica holds while it runs
        return self._pipeline.ingest(
            mailbox,
            provider_message_id,
            message.raw,
            received_at=message.received_at,
            lease=mailbox.key,
        )

    def ingest_by_reference(
        self, source: MailSource, mailbox: Mailbox, ref: MessageRef, provider_message_id: str
    ) -> IngestResult:
        """The same for an oversized message: streamed from the source to the blob store in
        pieces of ``chunk_bytes``, an ``oversized`` event published."""
        chunks = source.stream_raw(ref, self._chunk_bytes)
        return self._pipeline.ingest_oversized(
            mailbox, provider_message_id, chunks, lease=mailbox.key
        )

    def by_reference(
        self,
        source: MailSource,
        mailbox: Mailbox,
        ref: MessageRef,
        provider_message_id: str,
        *,
        cursor: Cursor,
        new_cursor: Mapping[str, Any],
        pending: int,
        write: bool = True,
    ) -> Cursor:
        """``__call__`` for an oversized message (``ingest_by_reference``)."""
        result = self.ingest_by_reference(source, mailbox, ref, provider_message_id)
        return self._finish(source, mailbox, ref, result, cursor, new_cursor, pending, write)

    def batch(
        self,
        source: MailSource,
        mailbox: Mailbox,
        handed: list[tuple[FetchedMessage, IngestResult]],
        *,
        cursor: Cursor,
        position: Callable[[MessageRef], Mapping[str, Any]],
        pending: Mapping[int, int],
        beyond: Sequence[IngestResult] = (),
    ) -> Cursor:
        """Hand off the unbroken run of a batch the pipeline took in one go (``catchup``):
        the after-processing action of each, in order, then ONE cursor compare-and-set to
        the last of them. ``position``: the cursor value after a message; ``pending``: by
        UID, how many wait on the server once it is handed off; ``beyond``: messages after
        the run whose events were published all the same, counted (not handed off). An
        after-processing action that fails moves the cursor to the message before it, then
        raises."""
        # counted as soon as they are out, whatever fails after (an after-processing action,
        # the cursor write): a rerun finds them done and does not count them again, so the
        # counters add up to the events published
        now = self._clock.now()
        for result in [*(result for _, result in handed), *beyond]:
            self._reporter.report_result(mailbox, result, now)
        done: list[FetchedMessage] = []
        try:
            for message, _ in handed:
                source.apply_after_action(message.ref)
                done.append(message)
        finally:
            if done:
                last = done[-1].ref
                cursor = self._cursors.compare_and_set_cursor(
                    mailbox.tenant_id, mailbox.id, cursor.version, position(last)
                )
                self._reporter.report(mailbox, HealthUpdate(pending=pending[last.uid]))
        return cursor

    def _finish(
        self,
        source: MailSource,
        mailbox: Mailbox,
        ref: MessageRef,
        result: IngestResult,
        cursor: Cursor,
        new_cursor: Mapping[str, Any],
        pending: int,
        write: bool,
    ) -> Cursor:
        # counted once it is out, whatever fails after (see ``batch``)
        self._reporter.report_result(mailbox, result, self._clock.now())
        source.apply_after_action(ref)
        if write:
            cursor = self._cursors.compare_and_set_cursor(
                mailbox.tenant_id, mailbox.id, cursor.version, new_cursor
            )
        else:
            cursor = cursor.model_copy(update={"value": dict(new_cursor)})
        self._reporter.report(mailbox, HealthUpdate(pending=pending))
        return cursor
