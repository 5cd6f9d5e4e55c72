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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, NamedTuple

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from shared.domain.analytics import latency_bucket
from shared.domain.classification import TenantRule, classify
from shared.domain.event import (
    OVERSIZED,
    BodyRefs,
    Origin,
    build_event,
    build_oversized_event,
    build_unparseable_event,
    encode_event,
    event_attributes,
)
from shared.domain.message import ParsedMessage
from shared.domain.mime import ParseLimits, UnparseableMessage, parse_message
from shared.domain.models import DeadLetter, Mailbox
from shared.domain.recent_events import EventSummary, summary_of
from shared.errors import (
    ClaimBusy,
    MailIngestError,
    MessageTooLarge,
    PortFailure,
    RetryableError,
    ServiceUnavailable,
)
from shared.ids import TenantId, event_id, message_id_key, raw_blob_key
from shared.observability import log_labels, redact
from shared.ports import BlobStore, ClaimOutcome, Clock, EventSink, StateStore
from shared.service.tenant_cache import TenantCache

logger = logging.getLogger(__name__)

Outcome = Literal["published", "duplicate", "skipped", "unparseable", "dead_lettered"]
_EVENTS = frozenset({"published", "unparseable"})  # the outcomes that published an event


@dataclass(frozen=True)
class IngestResult:
    event_id: str
    outcome: Outcome
    label: str
    processing_ms: float = 0.0
    # False when a person should look at it: the classification was not sure (close labels
    # or nothing strong matched), the MIME could not be parsed, or it was too large to read
    confident: bool = True

    def label_counts(self) -> dict[str, int]:
        """What a health update counts for the analytics (``HealthUpdate.labels``): the
        event's label; nothing for a duplicate, skipped or dead-lettered message (no event)."""
        return {self.label: 1} if self.outcome in _EVENTS else {}

    def latency_counts(self) -> dict[str, int]:
        """``HealthUpdate.latency``: the event's processing time in its histogram bucket."""
        return {latency_bucket(self.processing_ms): 1} if self.outcome in _EVENTS else {}


@dataclass(frozen=True)
class IngestOptions:
    max_message_bytes: int = 50 * 1024 * 1024
    inline_attachment_max_bytes: int = 256 * 1024
    inline_body_max_chars: int = 200_000
    dedupe_ttl: timedelta = timedelta(days=30)
    in_flight_timeout: timedelta = timedelta(minutes=5)
    publish_attempts: int = 5
    publish_wait_max_s: float = 8.0
    rules_cache_s: float = 30.0  # how long a tenant's rules and template examples are kept


class IngestPipeline:
    def __init__(
        self,
        state: StateStore,
        sink: EventSink,
        blobs: BlobStore,
        clock: Clock,
        *,
        holder: str,
        options: IngestOptions | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._state = state
        self._sink = sink
        self._blobs = blobs
        self._clock = clock
        self._holder = holder
        self._opt = options or IngestOptions()
        self._sleep = sleep
        self._rules = TenantCache(self._load_rules, self._opt.rules_cache_s)
        self._templates = TenantCache(state.list_template_examples, self._opt.rules_cache_s)

    # -- public -------------------------------------------------------------------------
    @property
    def holder(self) -> str:
        """The name claims are taken under (a watcher's: the same as its leases')."""
        return self._holder

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
        return self._opt.max_message_bytes

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
        process: Callable[[str], _Done],
    ) -> IngestResult:
        """Claim the event id, then ``process`` it; a duplicate is skipped, a message another
        live worker holds is ``ClaimBusy``, and a retryable failure releases the claim."""
        started = time.perf_counter()
        eid = event_id(mailbox.tenant_id, mailbox.id, provider_message_id)
        with log_labels(
            tenant=mailbox.tenant_id, mailbox=mailbox.id, provider=mailbox.provider.value
        ):
            outcome = self._claim(eid, lease)
            if outcome is ClaimOutcome.DONE:
                logger.info("duplicate message skipped", extra={"event_id": eid})
                return IngestResult(eid, "duplicate", "", self._ms(started))
            if outcome is ClaimOutcome.BUSY:
                raise ClaimBusy(f"event {eid} is being processed by another worker")
            try:
                done = process(eid)
            except RetryableError:
                self._release(eid)
                raise
            ms = self._ms(started)
            if done.event is not None:
                self._remember(done.event, ms, done.received_at or self._clock.now())
            return IngestResult(eid, done.outcome, done.label, ms, done.confident)

    def _remember(self, event: dict[str, Any], ms: float, received_at: datetime) -> None:
        """The event's summary for the settings page (one write). The event is out already:
        a failure here is logged, never retried through the pipeline (that would publish
        the event again); the page then misses one row."""
        try:
            with _message_step():
                summary = summary_of(event, ms, received_at)
            self._state.put_event_summary(summary)
        except (MailIngestError, _MessageFailure) as exc:
            logger.warning(
                "event summary not stored",
                extra={"event_id": event.get("id"), "error": _describe(exc)},
            )

    def replay(self, letter_id: str) -> IngestResult:
        """Run a dead-lettered message through the pipeline again; drop the letter on success."""
        letter = self._state.get_dead_letter(letter_id)
        if letter.raw_ref is None:
            raise RetryableError(f"dead letter {letter_id} has no stored raw message to replay")
        mailbox = self._state.get_mailbox(letter.tenant_id, letter.mailbox_id)
        raw = self._blobs.get_blob(letter.raw_ref)
        result = self.ingest(mailbox, letter.provider_message_id, raw)
        if result.outcome != "dead_lettered":
            self._state.delete_dead_letter(letter_id)
        return result

    # -- batches (an IMAP catch-up: shared.service.watcher.catchup) ----------------------
    # The same steps as ``ingest``, taken apart so that a batch of messages is claimed in
    # one write, prepared in parallel, published in order without waiting for each ack and
    # completed in batched writes. The caller owns the event-id claims between the steps.

    def claim_batch(
        self, mailbox: Mailbox, provider_message_ids: Sequence[str], lease: str | None
    ) -> list[ClaimOutcome]:
        """Claim the event ids of many messages, in one write when none is claimed yet."""
        keys = [event_id(mailbox.tenant_id, mailbox.id, pid) for pid in provider_message_ids]
        with _port("state store"):
            outcomes = self._state.claim_many(
                dict.fromkeys(keys, lease),
                self._holder,
                ttl=self._opt.dedupe_ttl,
                in_flight_timeout=self._opt.in_flight_timeout,
            )
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
            staged = self._stage(mailbox, provider_message_id, eid, raw, received_at)
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
        with _port("state store"):
            outcomes = self._state.claim_many(
                dict.fromkeys(wanted, lease),
                self._holder,
                ttl=self._opt.dedupe_ttl,
                in_flight_timeout=self._opt.in_flight_timeout,
            )
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
                ready = self._finish_preparing(staged.staged, message_id)
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
            with _message_step():
                data, attributes = encode_event(event), event_attributes(event)
            settle = self._sink.submit(data, ordering_key=mailbox.key, attributes=attributes)
        except (MessageTooLarge, _MessageFailure) as exc:
            cause = exc.cause if isinstance(exc, _MessageFailure) else exc
            done = self._refused(
                mailbox, prepared.provider_message_id, prepared.event_id, prepared.ready, cause
            )
            dead = prepared._replace(ready=_Ready(done, prepared.ready.raw_ref))
            return lambda: dead
        except RetryableError:
            raise
        except Exception as exc:
            raise PortFailure(f"event sink: {_describe(exc)}") from exc

        def settled() -> Prepared:
            with _port("event sink"):
                settle()
            return prepared

        return settled

    def resume_publishing(self, mailbox: Mailbox) -> None:
        """After a failed ``submit`` (or ack): the mailbox's events may be published again.
        Called once nothing more of the batch is being submitted, so that no later event
        reaches the topic before the one that failed."""
        try:
            self._sink.resume(mailbox.key)
        except Exception as exc:  # noqa: BLE001 - the next failed publish resumes again
            logger.warning("publishing not resumed", extra={"error": _describe(exc)})

    def complete_batch(self, published: Sequence[Prepared]) -> None:
        """Mark the claims of published messages done, in one write (tries hard, as
        ``_complete``: giving up would let a retry publish the events again)."""
        keys = [
            key
            for p in published
            if p.ready.done.event is not None
            for key in (p.event_id, p.ready.message_id_key)
            if key
        ]
        if not keys:
            return
        with _port("state store"):
            for attempt in self._retrying():
                with attempt:
                    self._state.complete_claims(keys, self._holder)

    def release(
        self, mailbox: Mailbox, provider_message_id: str, prepared: Prepared | None
    ) -> None:
        """Drop the claims of a message not handed off (best effort: a claim not dropped
        lapses with this holder's lease or after the in-flight timeout)."""
        if prepared is not None and prepared.ready.done.event is None:
            return  # finished already: its claims are done or released
        if prepared is not None and prepared.ready.message_id_key:
            self._release(prepared.ready.message_id_key)
        self._release(event_id(mailbox.tenant_id, mailbox.id, provider_message_id))

    def results(self, handed: Sequence[Prepared]) -> tuple[list[IngestResult], Callable[[], None]]:
        """What handed-off messages came to (their events published and their claims
        completed, or finished without one), and the write of their events' summaries for
        the settings page (one write; a failure is logged, as in ``_remember``), for the
        caller to run when it suits it (off the hand-off's path)."""
        results: list[IngestResult] = []
        summaries: list[EventSummary] = []
        now = self._clock.now()
        for prepared in handed:
            done, eid = prepared.ready.done, prepared.event_id
            ms = self._ms(prepared.started)
            results.append(IngestResult(eid, done.outcome, done.label, ms, done.confident))
            if done.event is None:
                continue
            self._log_published(eid, prepared.ready)
            try:
                with _message_step():
                    summaries.append(summary_of(done.event, ms, done.received_at or now))
            except _MessageFailure as exc:
                logger.warning(
                    "event summary not stored", extra={"event_id": eid, "error": _describe(exc)}
                )
        return results, lambda: self._remember_all(summaries)

    def _remember_all(self, summaries: Sequence[EventSummary]) -> None:
        if not summaries:
            return
        try:
            self._state.put_event_summaries(summaries)
        except MailIngestError as exc:
            logger.warning(
                "event summaries not stored",
                extra={"events": len(summaries), "error": _describe(exc)},
            )

    def duplicate(self, mailbox: Mailbox, provider_message_id: str) -> IngestResult:
        """The result for a message whose event-id claim was done already."""
        eid = event_id(mailbox.tenant_id, mailbox.id, provider_message_id)
        logger.info("duplicate message skipped", extra={"event_id": eid})
        return IngestResult(eid, "duplicate", "")

    # -- steps --------------------------------------------------------------------------

    def _process(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        eid: str,
        raw: bytes,
        received_at: datetime | None,
        lease: str | None,
    ) -> _Done:
        """Only a message-specific failure (``_MessageFailure``: parse, rules, classify, event
        building, an event over Pub/Sub's limit) is dead-lettered, and only with its raw kept.
        Every port failure leaves as ``PortFailure`` (retryable): nothing is handed off."""
        ready = self._prepare(mailbox, provider_message_id, eid, raw, received_at, lease)
        if ready.done.event is None:
            return ready.done  # duplicate, skipped or dead-lettered: nothing to publish
        try:
            self._publish(mailbox, ready.done.event)
        except _MessageFailure as failure:
            return self._refused(mailbox, provider_message_id, eid, ready, failure.cause)
        except BaseException:
            if ready.message_id_key:
                self._release(ready.message_id_key)
            raise
        self._complete(eid, ready.message_id_key)
        self._log_published(eid, ready)
        return ready.done

    def _prepare(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        eid: str,
        raw: bytes,
        received_at: datetime | None,
        lease: str | None,
    ) -> _Ready:
        """Every step before the publish: raw stored, parsed, Message-ID guard, classified,
        large parts stored, event built. A message-specific failure is dead-lettered here."""
        staged = self._stage(mailbox, provider_message_id, eid, raw, received_at)
        if staged.ready is not None:
            return staged.ready
        outcome = self._claim(staged.message_id_key, lease) if staged.message_id_key else None
        return self._finish_preparing(staged, outcome)

    def _stage(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        eid: str,
        raw: bytes,
        received_at: datetime | None,
    ) -> _Staged:
        """Raw stored and parsed: ``ready`` when that is all there is to it (an unparseable
        message's event, or a dead letter), else the Message-ID key to claim next."""
        with _port("blob store"):
            raw_ref = self._blobs.put_blob(self._raw_key(mailbox, eid), raw, "message/rfc822")
        origin = Origin(
            mailbox=mailbox,
            provider_message_id=provider_message_id,
            event_id=eid,
            received_at=received_at or self._clock.now(),
            raw_ref=raw_ref,
            raw_size=len(raw),
        )
        try:
            with _message_step():
                parsed, error = self._parse(raw)
            if parsed is None:
                with _message_step():
                    event = build_unparseable_event(origin, error or "unparseable")
                done = _Done("unparseable", "unparseable", False, event, origin.received_at)
                return _Staged(origin, None, ready=_Ready(done, raw_ref, reason=error))
        except _MessageFailure as failure:
            with _port("state store"):
                dead = self._dead_letter(mailbox, provider_message_id, eid, raw_ref, failure.cause)
            return _Staged(origin, None, ready=_Ready(dead, raw_ref))
        key = None
        if parsed.message_id:
            key = message_id_key(mailbox.tenant_id, mailbox.address, parsed.message_id)
        return _Staged(origin, parsed, key)

    def _refused(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        eid: str,
        ready: _Ready,
        cause: Exception,
    ) -> _Done:
        """The event was refused for itself (over the topic's size limit): dead-lettered."""
        if ready.message_id_key:
            self._release(ready.message_id_key)
        with _port("state store"):
            return self._dead_letter(mailbox, provider_message_id, eid, ready.raw_ref, cause)

    def _log_published(self, eid: str, ready: _Ready) -> None:
        if ready.done.outcome == "unparseable":
            logger.warning(
                "unparseable message published", extra={"event_id": eid, "reason": ready.reason}
            )
        else:
            logger.info("event published", extra={"event_id": eid, "label": ready.done.label})

    def _process_oversized(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        eid: str,
        chunks: Iterable[bytes],
        received_at: datetime | None,
    ) -> _Done:
        size = [0]

        def counted() -> Iterator[bytes]:
            for chunk in chunks:
                size[0] += len(chunk)
                yield chunk

        with _port("blob store"):
            raw_ref = self._blobs.put_blob_stream(
                self._raw_key(mailbox, eid), counted(), "message/rfc822"
            )
        origin = Origin(
            mailbox=mailbox,
            provider_message_id=provider_message_id,
            event_id=eid,
            received_at=received_at or self._clock.now(),
            raw_ref=raw_ref,
            raw_size=size[0],
        )
        try:
            with _message_step():
                event = build_oversized_event(origin, self._opt.max_message_bytes)
            self._publish(mailbox, event)
        except _MessageFailure as failure:
            with _port("state store"):
                return self._dead_letter(mailbox, provider_message_id, eid, raw_ref, failure.cause)
        self._complete(eid)
        logger.warning(
            "oversized message published by reference",
            extra={"event_id": eid, "raw_size": size[0], "limit": self._opt.max_message_bytes},
        )
        # not classified: a person looks at it
        return _Done("published", OVERSIZED, False, event, origin.received_at)

    def _finish_preparing(self, staged: _Staged, message_id: ClaimOutcome | None) -> _Ready:
        """After the Message-ID guard (``message_id``: its claim's outcome; None without a
        Message-ID): classified, large parts stored, event built. ClaimBusy while another
        worker is in flight with the same Message-ID."""
        origin, parsed = staged.origin, staged.parsed
        mailbox, eid = origin.mailbox, origin.event_id
        assert parsed is not None  # staged without a ready result: parsed
        if message_id is ClaimOutcome.DONE:
            self._complete(eid)
            logger.info("duplicate Message-ID skipped", extra={"event_id": eid})
            return _Ready(_Done("duplicate", "", True), origin.raw_ref)
        if message_id is ClaimOutcome.BUSY:
            raise ClaimBusy("the same Message-ID is being processed by another worker")
        msgid_key = staged.message_id_key if message_id is ClaimOutcome.CLAIMED else None
        try:
            try:
                return self._classified(mailbox, eid, origin, parsed, msgid_key)
            except BaseException:
                if msgid_key:
                    self._release(msgid_key)
                raise
        except _MessageFailure as failure:
            with _port("state store"):
                done = self._dead_letter(
                    mailbox, origin.provider_message_id, eid, origin.raw_ref, failure.cause
                )
            return _Ready(done, origin.raw_ref)

    def _classified(
        self,
        mailbox: Mailbox,
        eid: str,
        origin: Origin,
        parsed: ParsedMessage,
        msgid_key: str | None,
    ) -> _Ready:
        with _port("state store"):
            rules = self._rules.get(mailbox.tenant_id)
            templates = self._templates.get(mailbox.tenant_id)
        with _message_step():
            classification = classify(parsed, rules, templates)
        if classification.skip:
            self._complete(eid, msgid_key)
            logger.info(
                "message skipped by tenant rule",
                extra={"event_id": eid, "rules": list(classification.rules)},
            )
            return _Ready(_Done("skipped", classification.label, True), origin.raw_ref)
        with _port("blob store"):
            refs = self._store_large_parts(mailbox, eid, parsed)
        with _message_step():
            event = build_event(
                origin,
                parsed,
                classification,
                inline_body_max_chars=self._opt.inline_body_max_chars,
                refs=refs,
            )
        done = _Done(
            "published", classification.label, classification.confident, event, origin.received_at
        )
        return _Ready(done, origin.raw_ref, msgid_key)

    def _parse(self, raw: bytes) -> tuple[ParsedMessage | None, str | None]:
        if len(raw) > self._opt.max_message_bytes:
            return (
                None,
                f"message of {len(raw)} bytes exceeds the {self._opt.max_message_bytes} limit",
            )
        try:
            return parse_message(
                raw, ParseLimits(max_message_bytes=self._opt.max_message_bytes)
            ), None
        except UnparseableMessage as exc:
            return None, str(exc)

    def _load_rules(self, tenant_id: TenantId) -> list[TenantRule]:
        rules: list[TenantRule] = []
        for doc in self._state.list_rule_docs(tenant_id):
            try:
                rules.append(TenantRule.model_validate(doc))
            except ValueError as exc:
                logger.warning(
                    "invalid tenant rule ignored",
                    extra={"rule_id": doc.get("id"), "error": str(exc)[:300]},
                )
        return rules

    def forget_tenant(self, tenant_id: TenantId) -> None:
        """Read the tenant's rules and template examples afresh for its next message (they
        were changed in this process; other processes see a change within
        ``rules_cache_s``)."""
        self._rules.forget(tenant_id)
        self._templates.forget(tenant_id)

    def _store_large_parts(self, mailbox: Mailbox, eid: str, parsed: ParsedMessage) -> BodyRefs:
        limit = self._opt.inline_attachment_max_bytes
        base = f"attachments/{mailbox.tenant_id}/{mailbox.id}/{eid}"
        att_refs: dict[int, str] = {}
        for i, att in enumerate(parsed.attachments):
            if att.size > limit and att.payload:
                att_refs[i] = self._blobs.put_blob(
                    f"{base}/{i}-{att.sha256[:16]}", att.payload, att.content_type
                )
        max_chars = self._opt.inline_body_max_chars
        text_ref = html_ref = None
        if len(parsed.text) > max_chars:
            text_ref = self._blobs.put_blob(
                f"{base}/body.txt", parsed.text.encode(), "text/plain; charset=utf-8"
            )
        if parsed.html is not None and len(parsed.html) > max_chars:
            html_ref = self._blobs.put_blob(
                f"{base}/body.html", parsed.html.encode(), "text/html; charset=utf-8"
            )
        return BodyRefs(text_ref=text_ref, html_ref=html_ref, attachment_refs=att_refs)

    def _publish(self, mailbox: Mailbox, event: dict[str, Any]) -> None:
        data = encode_event(event)
        attributes = event_attributes(event)
        try:
            for attempt in self._retrying():
                with attempt:
                    self._sink.publish(data, ordering_key=mailbox.key, attributes=attributes)
        except MessageTooLarge as exc:  # this event, not the topic: message-specific
            raise _MessageFailure(exc) from exc
        except RetryableError:
            raise
        except Exception as exc:
            raise PortFailure(f"event sink: {_describe(exc)}") from exc

    def _retrying(self) -> Retrying:
        """Transient failures (ServiceUnavailable) retried with exponential backoff."""
        return Retrying(
            retry=retry_if_exception_type(ServiceUnavailable),
            stop=stop_after_attempt(self._opt.publish_attempts),
            wait=wait_exponential(multiplier=0.2, max=self._opt.publish_wait_max_s),
            sleep=self._sleep,
            reraise=True,
        )

    def _dead_letter(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        eid: str,
        raw_ref: str | None,
        exc: Exception,
    ) -> _Done:
        reason = redact(f"{type(exc).__name__}: {exc}")[:1000]
        now = self._clock.now()
        try:
            previous = self._state.get_dead_letter(eid)
            attempts, first = previous.attempts + 1, previous.first_failed_at
        except MailIngestError:
            attempts, first = 1, now
        self._state.put_dead_letter(
            DeadLetter(
                id=eid,
                tenant_id=mailbox.tenant_id,
                mailbox_id=mailbox.id,
                provider_message_id=provider_message_id,
                raw_ref=raw_ref,
                reason=reason,
                attempts=attempts,
                first_failed_at=first,
                last_failed_at=now,
            )
        )
        self._release(eid)
        logger.error(
            "message dead-lettered",
            extra={"event_id": eid, "reason": reason},
            exc_info=(type(exc), exc, exc.__traceback__),
        )
        return _Done("dead_lettered", "", True)  # counted as failed, not for review

    # -- claims -------------------------------------------------------------------------

    def _claim(self, key: str, lease: str | None) -> ClaimOutcome:
        with _port("state store"):
            return self._state.claim(
                key,
                self._holder,
                ttl=self._opt.dedupe_ttl,
                in_flight_timeout=self._opt.in_flight_timeout,
                lease=lease,
            )

    def _complete(self, *keys: str | None) -> None:
        """Mark claims done. Called after a publish succeeded, so it tries hard: giving up
        here would let a retry publish the event again (consumers dedupe by event id)."""
        retrying = self._retrying()
        with _port("state store"):
            for key in keys:
                if key:
                    for attempt in retrying:
                        with attempt:
                            self._state.complete_claim(key, self._holder)

    def _release(self, key: str) -> None:
        try:
            self._state.release_claim(key, self._holder)
        except MailIngestError:
            # The claim then lapses after in_flight_timeout and a retry takes it over.
            logger.warning("could not release claim", extra={"claim": key}, exc_info=True)

    @staticmethod
    def _raw_key(mailbox: Mailbox, eid: str) -> str:
        return raw_blob_key(mailbox.tenant_id, mailbox.id, eid)

    @staticmethod
    def _ms(started: float) -> float:
        return (time.perf_counter() - started) * 1000.0


class _Done(NamedTuple):
    """What processing one claimed message came to; ``event``: the event published, if any
    (its summary is stored for the settings page)."""

    outcome: Outcome
    label: str
    confident: bool
    event: dict[str, Any] | None = None
    received_at: datetime | None = None


class Staged(NamedTuple):
    """A claimed message of a batch after ``IngestPipeline.stage``."""

    mailbox: Mailbox
    provider_message_id: str
    event_id: str
    started: float  # time.perf_counter() when its preparation began
    staged: _Staged

    @property
    def message_id_key(self) -> str | None:
        """The Message-ID guard's claim still to take (None: none, or nothing to prepare)."""
        return self.staged.message_id_key if self.staged.ready is None else None


class Prepared(NamedTuple):
    """A claimed message of a batch after ``IngestPipeline.prepare``."""

    mailbox: Mailbox
    provider_message_id: str
    event_id: str
    started: float  # time.perf_counter() when its preparation began
    ready: _Ready


class _Ready(NamedTuple):
    """A claimed message after every step before its publish: ``done.event`` is the event
    still to publish (then the claims of ``event_id`` and ``message_id_key`` are completed);
    without one, the message is finished already (duplicate, skipped, dead-lettered)."""

    done: _Done
    raw_ref: str | None
    message_id_key: str | None = None
    reason: str | None = None  # why it could not be parsed


class _Staged(NamedTuple):
    """A claimed message with its raw stored and parsed (``IngestPipeline._stage``)."""

    origin: Origin
    parsed: ParsedMessage | None
    message_id_key: str | None = None  # the Message-ID guard's claim to take next
    ready: _Ready | None = None  # nothing more to prepare (unparseable, dead-lettered)


class _MessageFailure(Exception):
    """A step failed because of this message (parse, tenant rules, classify, event building,
    an event over the topic's size limit): the only kind of failure that is dead-lettered."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


@contextmanager
def _message_step() -> Iterator[None]:
    try:
        yield
    except Exception as exc:  # pure code on this message's content
        raise _MessageFailure(exc) from exc


@contextmanager
def _port(name: str) -> Iterator[None]:
    """A port's failure, transient or not (a GCS 403, a missing bucket), is never the
    message's fault: it leaves as ``PortFailure`` so nothing is handed off."""
    try:
        yield
    except (RetryableError, _MessageFailure):
        raise
    except Exception as exc:
        raise PortFailure(f"{name}: {_describe(exc)}") from exc


def _describe(exc: Exception) -> str:
    # adapters map vendor errors to our types with safe messages; anything else (a bug, a
    # vendor type that escaped) is named by type only, so no URL or token reaches health
    text = str(exc) if isinstance(exc, MailIngestError) else ""
    return redact(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:300]
