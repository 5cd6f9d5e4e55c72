"""The steps of one message, the same on the one-at-a-time path (``pipeline``) and the
batch path (``batch``): raw stored and parsed, claimed (by its Message-ID within the
account, else its event id), classified, large parts stored, event built and published,
dead-lettered; the claim taken, completed and released. A published event's summary, kept
for the settings page, is its claim's completion: two writes per message."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from shared.domain.classification import TenantRule, classify
from shared.domain.classification.templates import TemplateIndex
from shared.domain.event import (
    BodyRefs,
    Origin,
    build_event,
    build_unparseable_event,
    encode_event,
    event_attributes,
)
from shared.domain.message import ParsedMessage
from shared.domain.mime import ParseLimits, UnparseableMessage, parse_message
from shared.domain.models import DeadLetter, Mailbox
from shared.domain.recent_events import EventSummary, summary_of
from shared.errors import (
    MailIngestError,
    MessageTooLarge,
    PortFailure,
    RetryableError,
    ServiceUnavailable,
)
from shared.ids import TenantId, dead_letter_blob_key, message_id_key, raw_blob_key
from shared.observability import redact
from shared.ports import BlobStore, ClaimOutcome, Clock, EventMark, EventSink
from shared.service.ingest.failures import MessageFailure, describe, message_step, port
from shared.service.ingest.model import Done, IngestOptions, IngestRecords, Ready, StagedRaw
from shared.service.ingest.publish_watch import PublishWatch
from shared.service.tenant_cache import TenantCache

logger = logging.getLogger(__name__)


class Published(NamedTuple):
    """A published message on its way to completion: its claim, what it came to, and how
    long it took (milliseconds, for its summary)."""

    claim_key: str
    done: Done
    ms: float


class IngestSteps:
    def __init__(
        self,
        state: IngestRecords,
        sink: EventSink,
        blobs: BlobStore,
        clock: Clock,
        *,
        holder: str,
        options: IngestOptions,
        sleep: Callable[[float], None],
    ) -> None:
        self.state = state
        # every publish timed per mailbox: a blocked one shows before the sink gives up
        self.publish_watch = PublishWatch(sink, clock)
        self.sink: EventSink = self.publish_watch  # what the steps publish through
        self.blobs = blobs
        self.clock = clock
        self.holder = holder
        self.options = options
        self._sleep = sleep
        self._rules = TenantCache(self._load_rules, options.rules_cache_s)
        # indexed once per load, not compared one by one per message
        self._templates = TenantCache(
            lambda tenant: TemplateIndex(state.list_template_examples(tenant)),
            options.rules_cache_s,
        )

    def stage(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        eid: str,
        raw: bytes,
        received_at: datetime | None,
    ) -> StagedRaw:
        """Raw stored and parsed: ``ready`` when that is all there is to it (an unparseable
        message's event, or a dead letter), else the Message-ID key to claim next."""
        with port("blob store"):
            raw_ref = self.blobs.put_blob(
                self.raw_key(mailbox, eid), raw, "message/rfc822", compress=True
            )
        origin = Origin(
            mailbox=mailbox,
            provider_message_id=provider_message_id,
            event_id=eid,
            received_at=received_at or self.clock.now(),
            raw_ref=raw_ref,
            raw_size=len(raw),
        )
        try:
            with message_step():
                parsed, error = self._parse(raw)
            if parsed is None:
                with message_step():
                    event = build_unparseable_event(origin, error or "unparseable")
                done = Done("unparseable", "unparseable", False, event, origin.received_at)
                return StagedRaw(origin, None, ready=Ready(done, raw_ref, reason=error))
        except MessageFailure as failure:
            with port("state store"):
                dead = self.dead_letter(
                    mailbox, provider_message_id, eid, raw_ref, failure.cause, claim_key=None
                )
            return StagedRaw(origin, None, ready=Ready(dead, raw_ref))
        key = None
        if parsed.message_id:
            key = message_id_key(mailbox.tenant_id, mailbox.address, parsed.message_id)
        return StagedRaw(origin, parsed, key)

    def refused(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        eid: str,
        ready: Ready,
        cause: Exception,
        claim_key: str,
    ) -> Done:
        """The event was refused for itself (over the topic's size limit): dead-lettered."""
        with port("state store"):
            return self.dead_letter(
                mailbox, provider_message_id, eid, ready.raw_ref, cause, claim_key=claim_key
            )

    def log_published(self, eid: str, ready: Ready) -> None:
        if ready.done.outcome == "unparseable":
            logger.warning(
                "unparseable message published", extra={"event_id": eid, "reason": ready.reason}
            )
        else:
            logger.info("event published", extra={"event_id": eid, "label": ready.done.label})

    def finish_preparing(self, staged: StagedRaw, claim_key: str) -> Ready:
        """For a message claimed under ``claim_key``: classified, large parts stored, event
        built. A message a tenant rule skips is completed here; one that fails for itself
        is dead-lettered (its claim released)."""
        origin, parsed = staged.origin, staged.parsed
        mailbox, eid = origin.mailbox, origin.event_id
        if parsed is None:  # staged without a ready result: parsed
            raise ValueError(f"event {eid} was staged unparsed")
        try:
            return self._classified(mailbox, eid, origin, parsed, claim_key)
        except MessageFailure as failure:
            with port("state store"):
                done = self.dead_letter(
                    mailbox,
                    origin.provider_message_id,
                    eid,
                    origin.raw_ref,
                    failure.cause,
                    claim_key=claim_key,
                )
            return Ready(done, origin.raw_ref)

    def _classified(
        self,
        mailbox: Mailbox,
        eid: str,
        origin: Origin,
        parsed: ParsedMessage,
        claim_key: str,
    ) -> Ready:
        with port("state store"):
            rules = self._rules.get(mailbox.tenant_id)
            templates = self._templates.get(mailbox.tenant_id)
        with message_step():
            classification = classify(parsed, rules, templates)
        if classification.skip:
            self.complete(claim_key)
            logger.info(
                "message skipped by tenant rule",
                extra={"event_id": eid, "rules": list(classification.rules)},
            )
            return Ready(Done("skipped", classification.label, True), origin.raw_ref)
        with port("blob store"):
            refs = self._store_large_parts(mailbox, eid, parsed)
        with message_step():
            event = build_event(
                origin,
                parsed,
                classification,
                inline_body_max_chars=self.options.inline_body_max_chars,
                refs=refs,
            )
        done = Done(
            "published", classification.label, classification.confident, event, origin.received_at
        )
        return Ready(done, origin.raw_ref)

    def _parse(self, raw: bytes) -> tuple[ParsedMessage | None, str | None]:
        if len(raw) > self.options.max_message_bytes:
            return (
                None,
                f"message exceeds the {self.options.max_message_bytes}-byte limit "
                f"({len(raw)} bytes or more)",
            )
        try:
            return parse_message(
                raw, ParseLimits(max_message_bytes=self.options.max_message_bytes)
            ), None
        except UnparseableMessage as exc:
            return None, str(exc)

    def _load_rules(self, tenant_id: TenantId) -> list[TenantRule]:
        rules: list[TenantRule] = []
        for doc in self.state.list_rule_docs(tenant_id):
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
        limit = self.options.inline_attachment_max_bytes
        base = f"attachments/{mailbox.tenant_id}/{mailbox.id}/{eid}"
        att_refs: dict[int, str] = {}
        for i, att in enumerate(parsed.attachments):
            if att.size > limit and att.payload:
                att_refs[i] = self.blobs.put_blob(
                    f"{base}/{i}-{att.sha256[:16]}", att.payload, att.content_type
                )
        max_chars = self.options.inline_body_max_chars
        text_ref = html_ref = None
        if len(parsed.text) > max_chars:
            text_ref = self.blobs.put_blob(
                f"{base}/body.txt", parsed.text.encode(), "text/plain; charset=utf-8"
            )
        if parsed.html is not None and len(parsed.html) > max_chars:
            html_ref = self.blobs.put_blob(
                f"{base}/body.html", parsed.html.encode(), "text/html; charset=utf-8"
            )
        return BodyRefs(text_ref=text_ref, html_ref=html_ref, attachment_refs=att_refs)

    def publish(self, mailbox: Mailbox, event: dict[str, Any]) -> None:
        data = encode_event(event)
        attributes = event_attributes(event)
        try:
            for attempt in self.retrying():
                with attempt:
                    self.sink.publish(data, ordering_key=mailbox.key, attributes=attributes)
        except MessageTooLarge as exc:  # this event, not the topic: message-specific
            raise MessageFailure(exc) from exc
        except RetryableError:
            raise
        except Exception as exc:
            raise PortFailure(f"event sink: {describe(exc)}", port="event sink") from exc

    def retrying(self) -> Retrying:
        """Transient failures (ServiceUnavailable) retried with exponential backoff."""
        return Retrying(
            retry=retry_if_exception_type(ServiceUnavailable),
            stop=stop_after_attempt(self.options.publish_attempts),
            wait=wait_exponential(multiplier=0.2, max=self.options.publish_wait_max_s),
            sleep=self._sleep,
            reraise=True,
        )

    def dead_letter(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        eid: str,
        raw_ref: str | None,
        exc: Exception,
        *,
        claim_key: str | None,
    ) -> Done:
        """Kept with its reason (and its raw, where a replay finds it); ``claim_key``: the
        message's claim, released (None: none was taken yet)."""
        reason = redact(f"{type(exc).__name__}: {exc}")[:1000]
        now = self.clock.now()
        raw_ref = self._kept_for_replay(mailbox, eid, raw_ref)
        try:
            previous = self.state.get_dead_letter(eid)
            attempts, first = previous.attempts + 1, previous.first_failed_at
        except MailIngestError:
            attempts, first = 1, now
        self.state.put_dead_letter(
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
        if claim_key:
            self.release(claim_key)
        logger.error(
            "message dead-lettered",
            extra={"event_id": eid, "reason": reason},
            exc_info=(type(exc), exc, exc.__traceback__),
        )
        return Done("dead_lettered", "", True)  # counted as failed, not for review

    def _kept_for_replay(self, mailbox: Mailbox, eid: str, raw_ref: str | None) -> str | None:
        """The dead letter's raw MIME copied to where it outlives the raw of delivered
        messages (a replay may come weeks later). A failing copy fails the dead-lettering:
        the message is handed back and tried again, its raw not left to expire unseen."""
        if raw_ref is None:
            return None
        key = dead_letter_blob_key(mailbox.tenant_id, mailbox.id, eid)
        if raw_ref == self.blobs.ref_for(key):
            return raw_ref  # a replayed dead letter failing again: kept already
        with port("blob store"):
            return self.blobs.copy_blob(raw_ref, key)

    # -- claims -------------------------------------------------------------------------

    def claim(self, key: str, lease: str | None, mark: EventMark) -> ClaimOutcome:
        with port("state store"):
            return self.state.claim(
                key,
                self.holder,
                ttl=self.options.dedupe_ttl,
                in_flight_timeout=self.options.in_flight_timeout,
                lease=lease,
                mark=mark,
            )

    def claim_many(
        self, marks: Mapping[str, EventMark], lease: str | None
    ) -> dict[str, ClaimOutcome]:
        """Claim many keys at once (key → its event; one write when none is claimed yet)."""
        with port("state store"):
            return self.state.claim_many(
                dict.fromkeys(marks, lease),
                self.holder,
                ttl=self.options.dedupe_ttl,
                in_flight_timeout=self.options.in_flight_timeout,
                marks=marks,
            )

    def complete(self, key: str) -> None:
        """Mark a claim done without a summary (a skipped message). Tries hard: giving up
        would let a retry handle the message again."""
        with port("state store"):
            for attempt in self.retrying():
                with attempt:
                    self.state.complete_claim(key, self.holder)

    def complete_published(self, published: Sequence[Published]) -> None:
        """The published events' summaries stored, in one write: the completion of their
        claims (and the settings page's rows). Called after the publish, so it tries hard:
        giving up here would let a retry publish the events again (consumers dedupe by
        event id). An event whose summary cannot be built has its claim marked done; a
        message that published no event (dead-lettered, skipped) is left as it is."""
        summaries: list[EventSummary] = []
        unsummarized: list[str] = []
        for key, done, ms in published:
            if done.event is None:
                continue
            try:
                with message_step():
                    summaries.append(
                        summary_of(done.event, ms, done.received_at or self.clock.now())
                    )
            except MessageFailure as exc:
                logger.warning(
                    "event summary not stored",
                    extra={"event_id": done.event.get("id"), "error": describe(exc)},
                )
                unsummarized.append(key)
        with port("state store"):
            for attempt in self.retrying():
                with attempt:
                    if len(summaries) == 1:
                        self.state.put_event_summary(summaries[0])
                    elif summaries:
                        self.state.put_event_summaries(summaries)
                    if unsummarized:
                        self.state.complete_claims(unsummarized, self.holder)

    def release(self, key: str) -> None:
        try:
            self.state.release_claim(key, self.holder)
        except MailIngestError:
            # The claim then lapses after in_flight_timeout and a retry takes it over.
            logger.warning("could not release claim", extra={"claim": key}, exc_info=True)

    @staticmethod
    def raw_key(mailbox: Mailbox, eid: str) -> str:
        return raw_blob_key(mailbox.tenant_id, mailbox.id, eid)

    @staticmethod
    def ms(started: float) -> float:
        return (time.perf_counter() - started) * 1000.0
