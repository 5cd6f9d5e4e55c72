"""The pipeline's steps taken apart for a batch of messages (an IMAP catch-up:
``shared.service.watcher.catchup``): claimed in one write, prepared in parallel, published
in order without waiting for each ack and completed in batched writes. The caller owns the
event-id claims between the steps. ``IngestPipeline`` offers them beside ``ingest``."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import NamedTuple

from shared.domain.event import encode_event, event_attributes
from shared.domain.models import Mailbox
from shared.domain.recent_events import EventSummary, summary_of
from shared.errors import MailIngestError, MessageTooLarge, PortFailure, RetryableError
from shared.ids import event_id
from shared.observability import log_labels
from shared.ports import ClaimOutcome
from shared.service.ingest.failures import MessageFailure, describe, message_step, port
from shared.service.ingest.model import IngestResult, Ready, StagedRaw
from shared.service.ingest.steps import IngestSteps

logger = logging.getLogger(__name__)


class IngestBatch:
    def __init__(self, steps: IngestSteps) -> None:
        self._steps = steps

    def claim_batch(
        self, mailbox: Mailbox, provider_message_ids: Sequence[str], lease: str | None
    ) -> list[ClaimOutcome]:
        """Claim the event ids of many messages, in one write when none is claimed yet."""
        keys = [event_id(mailbox.tenant_id, mailbox.id, pid) for pid in provider_message_ids]
        outcomes = self._steps.claim_many(keys, lease)
        return [outcomes[key] for key in keys]

    def stage(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        raw: bytes,
        *,
        received_at: datetime | None = None,
    ) -> Staged:
        """The raw stored and parsed, for a message whose event id the caller claimed
        (``claim_batch``). Raises RetryableError; the event-id claim stays the caller's."""
        started = time.perf_counter()
        eid = event_id(mailbox.tenant_id, mailbox.id, provider_message_id)
        with log_labels(
            tenant=mailbox.tenant_id, mailbox=mailbox.id, provider=mailbox.provider.value
        ):
            staged = self._steps.stage(mailbox, provider_message_id, eid, raw, received_at)
        return Staged(mailbox, provider_message_id, eid, started, staged)

    def claim_message_ids(
        self, staged: Sequence[Staged], lease: str | None
    ) -> list[ClaimOutcome | None]:
        """The Message-ID guard of many staged messages, in one write (None: a message with
        no Message-ID claim to take). Their ``message_id_key`` must all differ."""
        keys = [s.message_id_key for s in staged]
        wanted = [key for key in keys if key]
        if not wanted:
            return [None] * len(keys)
        outcomes = self._steps.claim_many(wanted, lease)
        return [outcomes[key] if key else None for key in keys]

    def prepare(self, staged: Staged, message_id: ClaimOutcome | None) -> Prepared:
        """The rest of the steps before the publish, after ``claim_message_ids``: classified,
        large parts stored, event built. Raises RetryableError (ClaimBusy: the Message-ID
        is in flight elsewhere) with the Message-ID claim released."""
        ready = staged.staged.ready
        if ready is None:
            mailbox = staged.mailbox
            with log_labels(
                tenant=mailbox.tenant_id, mailbox=mailbox.id, provider=mailbox.provider.value
            ):
                ready = self._steps.finish_preparing(staged.staged, message_id)
        return Prepared(
            staged.mailbox, staged.provider_message_id, staged.event_id, staged.started, ready
        )

    def submit(self, prepared: Prepared) -> Callable[[], Prepared]:
        """Start publishing a prepared message's event (``EventSink.submit``: one key's
        events reach the topic in the order submitted); the call returned waits for the ack
        (one attempt: raises RetryableError when it failed). An event refused for itself
        (over the topic's size limit) is dead-lettered here: nothing left to publish."""
        event = prepared.ready.done.event
        if event is None:
            return lambda: prepared
        mailbox = prepared.mailbox
        try:
            with message_step():
                data, attributes = encode_event(event), event_attributes(event)
            settle = self._steps.sink.submit(data, ordering_key=mailbox.key, attributes=attributes)
        except (MessageTooLarge, MessageFailure) as exc:
            cause = exc.cause if isinstance(exc, MessageFailure) else exc
            done = self._steps.refused(
                mailbox, prepared.provider_message_id, prepared.event_id, prepared.ready, cause
            )
            dead = prepared._replace(ready=Ready(done, prepared.ready.raw_ref))
            return lambda: dead
        except RetryableError:
            raise
        except Exception as exc:
            raise PortFailure(f"event sink: {describe(exc)}", port="event sink") from exc

        def settled() -> Prepared:
            with port("event sink"):
                settle()
            return prepared

        return settled

    def resume_publishing(self, mailbox: Mailbox) -> None:
        """After a failed ``submit`` (or ack): the mailbox's events may be published again.
        Called once nothing more of the batch is being submitted, so that no later event
        reaches the topic before the one that failed."""
        try:
            self._steps.sink.resume(mailbox.key)
        except Exception as exc:  # noqa: BLE001 - the next failed publish resumes again
            logger.warning("publishing not resumed", extra={"error": describe(exc)})

    def complete_batch(self, published: Sequence[Prepared]) -> None:
        """Mark the claims of published messages done, in one write (tries hard: giving up
        would let a retry publish the events again)."""
        keys = [
            key
            for p in published
            if p.ready.done.event is not None
            for key in (p.event_id, p.ready.message_id_key)
            if key
        ]
        if keys:
            self._steps.complete_many(keys)

    def release(
        self, mailbox: Mailbox, provider_message_id: str, prepared: Prepared | None
    ) -> None:
        """Drop the claims of a message not handed off (best effort: a claim not dropped
        lapses with this holder's lease or after the in-flight timeout)."""
        if prepared is not None and prepared.ready.done.event is None:
            return  # finished already: its claims are done or released
        if prepared is not None and prepared.ready.message_id_key:
            self._steps.release(prepared.ready.message_id_key)
        self._steps.release(event_id(mailbox.tenant_id, mailbox.id, provider_message_id))

    def results(self, handed: Sequence[Prepared]) -> tuple[list[IngestResult], Callable[[], None]]:
        """What handed-off messages came to (their events published and their claims
        completed, or finished without one), and the write of their events' summaries for
        the settings page (one write; a failure is logged, as in ``IngestSteps.remember``), for the
        caller to run when it suits it (off the hand-off's path)."""
        results: list[IngestResult] = []
        summaries: list[EventSummary] = []
        now = self._steps.clock.now()
        for prepared in handed:
            done, eid = prepared.ready.done, prepared.event_id
            ms = self._steps.ms(prepared.started)
            results.append(IngestResult(eid, done.outcome, done.label, ms, done.confident))
            if done.event is None:
                continue
            self._steps.log_published(eid, prepared.ready)
            try:
                with message_step():
                    summaries.append(summary_of(done.event, ms, done.received_at or now))
            except MessageFailure as exc:
                logger.warning(
                    "event summary not stored", extra={"event_id": eid, "error": describe(exc)}
                )
        return results, lambda: self._remember_all(summaries)

    def _remember_all(self, summaries: Sequence[EventSummary]) -> None:
        if not summaries:
            return
        try:
            self._steps.state.put_event_summaries(summaries)
        except MailIngestError as exc:
            logger.warning(
                "event summaries not stored",
                extra={"events": len(summaries), "error": describe(exc)},
            )

    def duplicate(self, mailbox: Mailbox, provider_message_id: str) -> IngestResult:
        """The result for a message whose event-id claim was done already."""
        eid = event_id(mailbox.tenant_id, mailbox.id, provider_message_id)
        logger.info("duplicate message skipped", extra={"event_id": eid})
        return IngestResult(eid, "duplicate", "")


class Staged(NamedTuple):
    """A claimed message of a batch after ``IngestBatch.stage``."""

    mailbox: Mailbox
    provider_message_id: str
    event_id: str
    started: float  # time.perf_counter() when its preparation began
    staged: StagedRaw

    @property
    def message_id_key(self) -> str | None:
        """The Message-ID guard's claim still to take (None: none, or nothing to prepare)."""
        return self.staged.message_id_key if self.staged.ready is None else None


class Prepared(NamedTuple):
    """A claimed message of a batch after ``IngestBatch.prepare``."""

    mailbox: Mailbox
    provider_message_id: str
    event_id: str
    started: float  # time.perf_counter() when its preparation began
    ready: Ready
