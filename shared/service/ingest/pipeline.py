"""The one ingest pipeline every doorbell ends in: claim ▸ store raw ▸ parse ▸ classify ▸ publish.

Guarantees (architecture.md, "one pipeline, many doorbells"):
- **Never twice**: the event id (tenant + mailbox + provider message id) is claimed
  create-if-absent before anything is published; the RFC 5322 Message-ID within the same
  account is a second guard (a UIDVALIDITY change or a folder move gives new provider ids).
- **Never lost**: ``ingest`` returns only after the event is published and the claim marked
  done (or the message was a duplicate / skipped by a tenant rule / dead-lettered with its raw
  kept). A transient failure releases the claims and raises ``RetryableError``: the caller
  must not advance its cursor past the message.
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
from shared.ports import BlobStore, ClaimOutcome, Clock, EventSink
from shared.service.ingest.batch import IngestBatch
from shared.service.ingest.failures import MessageFailure, message_step, port
from shared.service.ingest.model import (
    Done,
    IngestOptions,
    IngestRecords,
    IngestResult,
    Ready,
    StagedRaw,
)
from shared.service.ingest.publish_watch import PublishWatch
from shared.service.ingest.steps import IngestSteps

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
        claims name it, so they are taken over as soon as this holder loses it (a SIGKILL
        stalls the message for at most the lease TTL, not the in-flight timeout)."""
        return self._claimed(
            mailbox,
            provider_message_id,
            lease,
            lambda eid: self._process(mailbox, provider_message_id, eid, raw, received_at, lease),
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
        return self._claimed(
            mailbox,
            provider_message_id,
            lease,
            lambda eid: self._process_oversized(
                mailbox, provider_message_id, eid, chunks, received_at
            ),
        )

    def _claimed(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        lease: str | None,
        process: Callable[[str], Done],
    ) -> IngestResult:
        """Claim the event id, then ``process`` it; a duplicate is skipped, a message another
        live worker holds is ``ClaimBusy``, and a retryable failure releases the claim."""
        started = time.perf_counter()
        eid = event_id(mailbox.tenant_id, mailbox.id, provider_message_id)
        with log_labels(
            tenant=mailbox.tenant_id, mailbox=mailbox.id, provider=mailbox.provider.value
        ):
            outcome = self._steps.claim(eid, lease)
            if outcome is ClaimOutcome.DONE:
                logger.info("duplicate message skipped", extra={"event_id": eid})
                return IngestResult(eid, "duplicate", "", self._steps.ms(started))
            if outcome is ClaimOutcome.BUSY:
                raise ClaimBusy(f"event {eid} is being processed by another worker")
            try:
                done = process(eid)
            except RetryableError:
                self._steps.release(eid)
                raise
            ms = self._steps.ms(started)
            if done.event is not None:
                self._steps.remember(done.event, ms, done.received_at or self._steps.clock.now())
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

    def _process(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        eid: str,
        raw: bytes,
        received_at: datetime | None,
        lease: str | None,
    ) -> Done:
        """Only a message-specific failure (``MessageFailure``: parse, rules, classify, event
        building, an event over Pub/Sub's limit) is dead-lettered, and only with its raw kept.
        Every port failure leaves as ``PortFailure`` (retryable): nothing is handed off."""
        staged = self._steps.stage(mailbox, provider_message_id, eid, raw, received_at)
        ready = staged.ready if staged.ready is not None else self._guarded(staged, lease)
        if ready.done.event is None:
            return ready.done  # duplicate, skipped or dead-lettered: nothing to publish
        try:
            self._steps.publish(mailbox, ready.done.event)
        except MessageFailure as failure:
            return self._steps.refused(mailbox, provider_message_id, eid, ready, failure.cause)
        except BaseException:
            if ready.message_id_key:
                self._steps.release(ready.message_id_key)
            raise
        self._steps.complete(eid, ready.message_id_key)
        self._steps.log_published(eid, ready)
        return ready.done

    def _guarded(self, staged: StagedRaw, lease: str | None) -> Ready:
        """The rest of the steps before the publish, once the raw is stored and parsed: the
        Message-ID guard taken, classified, large parts stored, event built."""
        key = staged.message_id_key
        return self._steps.finish_preparing(staged, self._steps.claim(key, lease) if key else None)

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
                    mailbox, provider_message_id, eid, raw_ref, failure.cause
                )
        self._steps.complete(eid)
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
