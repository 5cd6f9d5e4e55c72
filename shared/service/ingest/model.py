"""What the ingest pipeline returns and is configured with, and what one claimed message
comes to on its way (``Done``, ``Ready``, ``StagedRaw``): shared by the one-at-a-time path
(``pipeline``) and the batch path (``batch``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, NamedTuple, Protocol

from shared.config import Settings
from shared.domain.analytics import latency_bucket
from shared.domain.event import Origin
from shared.domain.message import ParsedMessage
from shared.ports import (
    DeadLetterStore,
    DedupeStore,
    MailboxStore,
    RecentEventStore,
    RuleStore,
    TemplateStore,
)

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


class IngestRecords(
    DedupeStore,
    DeadLetterStore,
    RecentEventStore,
    RuleStore,
    TemplateStore,
    MailboxStore,
    Protocol,
):
    """What the pipeline keeps: the claims, the dead letters, the recent events' summaries,
    and reads: a tenant's rules and template examples, a dead letter's mailbox (replay)."""


@dataclass(frozen=True)
class IngestOptions:
    """The pipeline's settings (``bootstrap.ingest_options``), by default the settings'
    defaults (``shared.config``)."""

    max_message_bytes: int = Settings.max_message_bytes
    inline_attachment_max_bytes: int = Settings.inline_attachment_max_bytes
    inline_body_max_chars: int = Settings.inline_body_max_chars
    dedupe_ttl: timedelta = timedelta(days=Settings.dedupe_ttl_days)
    in_flight_timeout: timedelta = timedelta(seconds=Settings.in_flight_timeout_s)
    publish_attempts: int = Settings.publish_attempts
    publish_wait_max_s: float = 8.0
    rules_cache_s: float = 30.0  # how long a tenant's rules and template examples are kept


class Done(NamedTuple):
    """What processing one claimed message came to; ``event``: the event published, if any
    (its summary is stored for the settings page)."""

    outcome: Outcome
    label: str
    confident: bool
    event: dict[str, Any] | None = None
    received_at: datetime | None = None


class Ready(NamedTuple):
    """A claimed message after every step before its publish: ``done.event`` is the event
    still to publish (then its summary is stored: the completion of its claim); without one,
    the message is finished already (skipped, dead-lettered)."""

    done: Done
    raw_ref: str | None
    reason: str | None = None  # why it could not be parsed


class StagedRaw(NamedTuple):
    """A message with its raw stored and parsed (``IngestSteps.stage``), before its claim."""

    origin: Origin
    parsed: ParsedMessage | None
    message_id_key: str | None = None  # its RFC 5322 Message-ID within the account, if any
    ready: Ready | None = None  # nothing more to prepare (unparseable, dead-lettered)

    @property
    def claim_key(self) -> str:
        """The one claim the message is processed under: its Message-ID within the account
        when it has one (the same mail in two folders, or read again after a UIDVALIDITY
        change, is one message), else its event id."""
        return self.message_id_key or self.origin.event_id

    @property
    def dead(self) -> Done | None:
        """What the message came to when it was dead-lettered while staged (nothing to claim
        or publish); None otherwise."""
        ready = self.ready
        return ready.done if ready is not None and ready.done.event is None else None

    @property
    def finished(self) -> bool:
        """Dead-lettered already while staged: nothing to claim or publish."""
        return self.dead is not None
