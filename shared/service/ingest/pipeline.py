"""The one ingest pipeline every doorbell ends in: store raw ▸ parse ▸ claim ▸ classify ▸
publish ▸ complete.

Guarantees (architecture.md, "one pipeline, many doorbells"):
- **Never twice**: one claim per message, taken create-if-absent before anything is
  published: its RFC 5322 Message-ID within the account when it has one (a UIDVALIDITY
  change, a folder move or the same mail in two watched folders give new provider ids, not
  a new message), else its event id (tenant + mailbox + provider message id). The event id
  stays the provider message's, the same whatever worker publishes it.
- **Never lost**: ``ingest`` returns only after the event is published and its summary
  stored — the claim's completion — (or the message was a duplicate / skipped by a tenant
  rule / dead-lettered with its raw kept). A transient failure releases the claim and
  raises ``RetryableError``: the caller must not advance its cursor past the message.
- **Two writes** to the state store per published message: the claim and the summary.
- **Bad input loses nothing**: MIME that cannot be parsed becomes an ``unparseable`` event with
  the raw stored; a message that fails for a message-specific reason goes to the dead-letter
  collection with its reason, and ``replay`` runs it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from shared.domain.event import OVERSIZED, Origin, build_oversized_event
from shared.domain.models import Mailbox
from shared.errors import ClaimBusy, RetryableError
from shared.ids import TenantId, event_id
from shared.observability import log_labels
from shared.ports import BlobStore, ClaimOutcome, Clock, EventMark, EventSink
from shared.service.ingest.batch import IngestBatch
from shared.service.ingest.failures import MessageFailure, message_step, port
from shared.service.ingest.model import (
    Done,
    IngestOptions,
    IngestRecords,
    IngestResult,
    StagedRaw,
)
from shared.service.ingest.publish_watch import PublishWatch
from shared.service.ingest.steps import IngestSteps, Published

logger = logging.getLogger(__name__)


class IngestPipeline(IngestBatch):
    """``ingest`` one message at a time (every doorbell), or a batch at a time through the
    steps ``IngestBatch`` takes apart (an IMAP catch-up)."""

    def __init__(
        self,
        state: IngestRecords,
        sink: EventSink,
        blobs: BlobStore,
        clock: Clock,
        *,
        holder: str,
        options: IngestOptions | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            IngestSteps(
                state,
                sink,
                blobs,
                clock,
                holder=holder,
                options=options or IngestOptions(),
                sleep=sleep,
            )
        )

    # -- public -------------------------------------------------------------------------
    @property
    def holder(self) -> str:
        """The name claims are taken under (a watcher's: the same as its leases')."""
        return self._steps.holder

    @property
    def publishing(self) -> PublishWatch:
        """How long each mailbox's events have waited for the event sink."""
        return self._steps.publish_watch

    def ingest(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        raw: bytes,
        *,
        received_at: datetime | None = None,
        lease: str | None = None,
    ) -> IngestResult:
        """``lease``: the mailbox lease the caller holds while it ingests (the watcher's); the
        claim names it, so it is taken over as soon as this holder loses it (a SIGKILL
        stalls the message for at most the lease TTL, not the in-flight timeout)."""
        started = time.perf_counter()
        eid = event_id(mailbox.tenant_id, mailbox.id, provider_message_id)
        with log_labels(
            tenant=mailbox.tenant_id, mailbox=mailbox.id, provider=mailbox.provider.value
        ):
            staged = self._steps.stage(mailbox, provider_message_id, eid, raw, received_at)
            dead = staged.dead  # dead-lettered as it was parsed
            if dead is not None:
                return IngestResult(eid, dead.outcome, dead.label, self._steps.ms(started))
            key = staged.claim_key
            return self._claimed(
                mailbox, eid, key, lease, started, lambda: self._process(staged, key)
            )

    @property
    def max_message_bytes(self) -> int:
        """Larger messages are not fetched into memory: ``ingest_oversized`` takes them."""
        return self._steps.options.max_message_bytes

    def ingest_oversized(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        chunks: Iterable[bytes],
        *,
        received_at: datetime | None = None,
        lease: str | None = None,
    ) -> IngestResult:
        """A message over ``max_message_bytes``, handled by reference: claimed like any
        other, its raw streamed to the blob store (never held whole), then an ``oversized``
        event (not parsed) is published. The same guarantees as ``ingest``; an error of
        ``chunks`` (the mail source failing) releases the claim and leaves unchanged."""
        started = time.perf_counter()
        eid = event_id(mailbox.tenant_id, mailbox.id, provider_message_id)
        with log_labels(
            tenant=mailbox.tenant_id, mailbox=mailbox.id, provider=mailbox.provider.value
        ):
            return self._claimed(
                mailbox,
                eid,
                eid,  # not parsed: claimed by its event id
                lease,
                started,
                lambda: self._process_oversized(
                    mailbox, provider_message_id, eid, chunks, received_at
                ),
            )

    def _claimed(
        self,
        mailbox: Mailbox,
        eid: str,
        key: str,
        lease: str | None,
        started: float,
        process: Callable[[], Done],
    ) -> IngestResult:
        """Claim ``key`` for the event ``eid``, ``process`` it, and complete the claim with
        the published event's summary; a duplicate is skipped, a message another live
        worker holds is ``ClaimBusy``, and a retryable failure releases the claim."""
        outcome = self._steps.claim(key, lease, EventMark(mailbox.tenant_id, eid))
        if outcome is ClaimOutcome.DONE:
            reason = "duplicate message skipped" if key == eid else "duplicate Message-ID skipped"
            logger.info(reason, extra={"event_id": eid})
            return IngestResult(eid, "duplicate", "", self._steps.ms(started))
        if outcome is ClaimOutcome.BUSY:
            raise ClaimBusy(f"event {eid} is being processed by another worker")
        try:
            done = process()
            ms = self._steps.ms(started)
            if done.event is not None:
                self._steps.complete_published([Published(key, done, ms)])
        except RetryableError:
            self._steps.release(key)
            raise
        return IngestResult(eid, done.outcome, done.label, ms, done.confident)

    def replay(self, letter_id: str) -> IngestResult:
        """Run a dead-lettered message through the pipeline again; drop the letter on success."""
        letter = self._steps.state.get_dead_letter(letter_id)
        if letter.raw_ref is None:
            raise RetryableError(f"dead letter {letter_id} has no stored raw message to replay")
        mailbox = self._steps.state.get_mailbox(letter.tenant_id, letter.mailbox_id)
        raw = self._steps.blobs.get_blob(letter.raw_ref)
        result = self.ingest(mailbox, letter.provider_message_id, raw)
        if result.outcome != "dead_lettered":
            self._steps.state.delete_dead_letter(letter_id)
        return result

    def _process(self, staged: StagedRaw, key: str) -> Done:
        """Only a message-specific failure (``MessageFailure``: rules, classify, event
        building, an event over Pub/Sub's limit) is dead-lettered, and only with its raw
        kept. Every port failure leaves as ``PortFailure`` (retryable): nothing is handed
        off."""
        origin = staged.origin
        mailbox, eid = origin.mailbox, origin.event_id
        ready = (
            staged.ready if staged.ready is not None else self._steps.finish_preparing(staged, key)
        )
        if ready.done.event is None:
            return ready.done  # skipped or dead-lettered: nothing to publish
        try:
            self._steps.publish(mailbox, ready.done.event)
        except MessageFailure as failure:
            return self._steps.refused(
                mailbox, origin.provider_message_id, eid, ready, failure.cause, key
            )
        self._steps.log_published(eid, ready)
        return ready.done

    def _process_oversized(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        eid: str,
        chunks: Iterable[bytes],
        received_at: datetime | None,
    ) -> Done:
        size = [0]

        def counted() -> Iterator[bytes]:
            for chunk in chunks:
                size[0] += len(chunk)
                yield chunk

        with port("blob store"):
            raw_ref = self._steps.blobs.put_blob_stream(
                self._steps.raw_key(mailbox, eid), counted(), "message/rfc822", compress=True
            )
        origin = Origin(
            mailbox=mailbox,
            provider_message_id=provider_message_id,
            event_id=eid,
            received_at=received_at or self._steps.clock.now(),
            raw_ref=raw_ref,
            raw_size=size[0],
        )
        try:
            with message_step():
                event = build_oversized_event(origin, self._steps.options.max_message_bytes)
            self._steps.publish(mailbox, event)
        except MessageFailure as failure:
            with port("state store"):
                return self._steps.dead_letter(
                    mailbox, provider_message_id, eid, raw_ref, failure.cause, claim_key=eid
                )
        logger.warning(
            "oversized message published by reference",
            extra={
                "event_id": eid,
                "raw_size": size[0],
                "limit": self._steps.options.max_message_bytes,
            },
        )
        # not classified: a person looks at it
        return Done("published", OVERSIZED, False, event, origin.received_at)

    def forget_tenant(self, tenant_id: TenantId) -> None:
        """Read the tenant's rules and template examples afresh for its next message (they
        were changed in this process; other processes see a change within
        ``rules_cache_s``)."""
        self._steps.forget_tenant(tenant_id)
