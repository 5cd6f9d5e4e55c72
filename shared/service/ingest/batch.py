"""The pipeline's steps taken apart for a batch of messages (an IMAP catch-up:
``shared.service.watcher.catchup``): staged (raw stored, parsed) in parallel, claimed in
one write, prepared in parallel, published in order without waiting for each ack and
completed in batched writes (the events' summaries). The caller owns the claims between
the steps. ``IngestPipeline`` offers them beside ``ingest``."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import NamedTuple

from shared.domain.event import encode_event, event_attributes
from shared.domain.models import Mailbox
from shared.errors import MessageTooLarge, PortFailure, RetryableError
from shared.ids import event_id
from shared.observability import log_labels
from shared.ports import ClaimOutcome, EventMark
from shared.service.ingest.failures import MessageFailure, describe, message_step, port
from shared.service.ingest.model import IngestResult, Ready, StagedRaw
from shared.service.ingest.steps import IngestSteps, Published

logger = logging.getLogger(__name__)


class IngestBatch:
    def __init__(self, steps: IngestSteps) -> None:
        self._steps = steps

    def stage(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        raw: bytes,
        *,
        received_at: datetime | None = None,
    ) -> Staged:
        """The raw stored and parsed, before any claim (``claim_staged``): a message that
        fails for itself while parsed is dead-lettered here (``Staged.finished``). Raises
        RetryableError."""
        started = time.perf_counter()
        eid = event_id(mailbox.tenant_id, mailbox.id, provider_message_id)
        with log_labels(
            tenant=mailbox.tenant_id, mailbox=mailbox.id, provider=mailbox.provider.value
        ):
            staged = self._steps.stage(mailbox, provider_message_id, eid, raw, received_at)
        return Staged(mailbox, provider_message_id, eid, started, staged)

    def claim_staged(self, staged: Sequence[Staged], lease: str | None) -> list[ClaimOutcome]:
        """The claims of many staged messages, in one write when none is claimed yet. Their
        ``claim_key`` must all differ; none may be ``finished``."""
        marks = {s.claim_key: EventMark(s.mailbox.tenant_id, s.event_id) for s in staged}
        if not marks:
            return []
        outcomes = self._steps.claim_many(marks, lease)
        return [outcomes[s.claim_key] for s in staged]

    def prepare(self, staged: Staged) -> Prepared:
        """The rest of the steps before the publish, for a message claimed under its
        ``claim_key`` (or ``finished`` while staged): classified, large parts stored, event
        built. Raises RetryableError with the claim still the caller's."""
        ready = staged.staged.ready
        if ready is None:
            mailbox = staged.mailbox
            with log_labels(
                tenant=mailbox.tenant_id, mailbox=mailbox.id, provider=mailbox.provider.value
            ):
                ready = self._steps.finish_preparing(staged.staged, staged.claim_key)
        return Prepared(
            staged.mailbox,
            staged.provider_message_id,
            staged.event_id,
            staged.started,
            ready,
            staged.claim_key,
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
                mailbox,
                prepared.provider_message_id,
                prepared.event_id,
                prepared.ready,
                cause,
                prepared.claim_key,
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
        """Complete the claims of published messages: their events' summaries stored, in
        one write (tries hard: giving up would let a retry publish the events again)."""
        self._steps.complete_published(
            [Published(p.claim_key, p.ready.done, self._steps.ms(p.started)) for p in published]
        )

    def release(self, claim_key: str, prepared: Prepared | None) -> None:
        """Drop the claim of a message not handed off (best effort: a claim not dropped
        lapses with this holder's lease or after the in-flight timeout)."""
        if prepared is not None and prepared.ready.done.event is None:
            return  # finished already: its claim is done or released
        self._steps.release(claim_key)

    def results(self, handed: Sequence[Prepared]) -> list[IngestResult]:
        """What handed-off messages came to (their events published and their claims
        completed, or finished without one)."""
        results: list[IngestResult] = []
        for prepared in handed:
            done, eid = prepared.ready.done, prepared.event_id
            ms = self._steps.ms(prepared.started)
            results.append(IngestResult(eid, done.outcome, done.label, ms, done.confident))
            if done.event is not None:
                self._steps.log_published(eid, prepared.ready)
        return results

    def duplicate(self, mailbox: Mailbox, provider_message_id: str) -> IngestResult:
        """The result for a message whose claim was done already."""
        eid = event_id(mailbox.tenant_id, mailbox.id, provider_message_id)
        logger.info("duplicate message skipped", extra={"event_id": eid})
        return IngestResult(eid, "duplicate", "")


class Staged(NamedTuple):
    """A message of a batch after ``IngestBatch.stage``, before its claim."""

    mailbox: Mailbox
    provider_message_id: str
    event_id: str
    started: float  # time.perf_counter() when its preparation began
    staged: StagedRaw

    @property
    def claim_key(self) -> str:
        """The one claim it is processed under (``StagedRaw.claim_key``)."""
        return self.staged.claim_key

    @property
    def finished(self) -> bool:
        """Dead-lettered while staged: nothing to claim or publish."""
        return self.staged.finished


class Prepared(NamedTuple):
    """A claimed message of a batch after ``IngestBatch.prepare``."""

    mailbox: Mailbox
    provider_message_id: str
    event_id: str
    started: float  # time.perf_counter() when its preparation began
    ready: Ready
    claim_key: str
