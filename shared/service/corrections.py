"""Label corrections that teach the classifier: a tenant says an event's
label was wrong; its stored raw message becomes a template example (masked tokens only), and
later mails of that sender that follow the same template get the corrected label, explained
as ``template:<id>``. Per tenant, bounded (``MAX_EXAMPLES``, oldest dropped), editable (list,
delete) and audited (who, which event, the label before and after — no body text).

The event is found by its id alone: an event id is ``tenant.mailbox.digest`` (tenant and
mailbox ids never hold a "."), and the pipeline keeps every event's raw MIME under
``raw_blob_key(tenant, mailbox, event id)`` before it parses it. An event of another tenant
is "not found", exactly like one that never existed.

"Before" is the label the pipeline gives the message now (built-in rules, the tenant's
templates and rules as they stand): the event's own label unless those changed meanwhile.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from shared.config import Settings
from shared.domain.classification import LABELS, classify
from shared.domain.classification.templates import TemplateExample, remember
from shared.domain.message import ParsedMessage
from shared.domain.mime import ParseLimits, UnparseableMessage, parse_message
from shared.errors import NotFound, ValidationError
from shared.ids import TenantId, event_owner, raw_blob_key
from shared.ports import BlobStore, Clock
from shared.service.audit import AuditTrail
from shared.service.rules import RuleBook, RuleRecords

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Correction:
    example: TemplateExample
    before: str  # the label the pipeline gave the message before the correction
    event_id: str


def example_id_for(event_id: str) -> str:
    """One example per corrected event: correcting it again replaces its example."""
    return "t" + hashlib.sha256(event_id.encode()).hexdigest()[:15]


class Corrections:
    def __init__(
        self,
        state: RuleRecords,
        blobs: BlobStore,
        clock: Clock,
        *,
        max_message_bytes: int = Settings.max_message_bytes,
        on_change: Callable[[TenantId], None] | None = None,
    ) -> None:
        """``on_change``: told a tenant's examples changed (the pipeline of this process
        then reads them afresh; other processes within their cache time)."""
        self._state = state
        self._blobs = blobs
        self._clock = clock
        self._trail = AuditTrail(state, clock)
        self._max_bytes = max_message_bytes
        self._on_change = on_change or (lambda _tenant: None)

    def correct(self, tenant_id: TenantId, event_id: str, label: str, *, actor: str) -> Correction:
        """Raises ValidationError (a label that is not one of ``LABELS``, a message that
        cannot be learned from) or NotFound (no such event in this tenant)."""
        if label not in LABELS:
            raise ValidationError(f"label {label!r} is not one of {', '.join(LABELS)}")
        parsed = self._parsed(tenant_id, event_id)
        examples = self._state.list_template_examples(tenant_id)
        before = classify(parsed, RuleBook(self._state, self._clock).rules(tenant_id), examples)
        example = TemplateExample.from_correction(
            example_id_for(event_id), parsed, label, created_at=self._clock.now(), created_by=actor
        )
        kept = remember(examples, example)
        kept_ids = {e.id for e in kept}
        if example.id in kept_ids:
            self._state.put_template_example(tenant_id, example)
        for old in {e.id for e in (*examples, example)} - kept_ids:  # beyond the bound
            self._state.delete_template_example(tenant_id, old)
        self._on_change(tenant_id)
        owner = event_owner(event_id)
        self._audit(
            tenant_id,
            actor,
            "template.correct",
            example.id,
            {
                "event_id": event_id,
                "mailbox": owner[1] if owner else "",
                "sender": example.sender,
                "before": before.label,
                "after": label,
            },
        )
        return Correction(example=example, before=before.label, event_id=event_id)

    def examples(self, tenant_id: TenantId) -> list[TemplateExample]:
        """The tenant's examples, newest first (what the settings page lists)."""
        return sorted(
            self._state.list_template_examples(tenant_id),
            key=lambda e: (e.created_at, e.id),
            reverse=True,
        )

    def delete(self, tenant_id: TenantId, example_id: str, *, actor: str) -> TemplateExample:
        """Raises NotFound when the tenant has no such example."""
        found = [e for e in self._state.list_template_examples(tenant_id) if e.id == example_id]
        if not found:
            raise NotFound(f"template example {example_id} not found in tenant {tenant_id}")
        self._state.delete_template_example(tenant_id, example_id)
        self._on_change(tenant_id)
        details = {"sender": found[0].sender, "label": found[0].label}
        self._audit(tenant_id, actor, "template.delete", example_id, details)
        return found[0]

    def _parsed(self, tenant_id: TenantId, event_id: str) -> ParsedMessage:
        owner = event_owner(event_id)
        missing = NotFound(f"event {event_id} not found in tenant {tenant_id}")
        if owner is None or owner[0] != tenant_id:
            raise missing
        try:
            raw = self._blobs.get_blob(self._blobs.ref_for(raw_blob_key(*owner, event_id)))
        except NotFound:
            raise missing from None
        if len(raw) > self._max_bytes:
            raise ValidationError(f"event {event_id} is too large to learn a template from")
        try:
            parsed = parse_message(raw, ParseLimits(max_message_bytes=self._max_bytes))
        except UnparseableMessage:
            raise ValidationError(
                f"event {event_id} could not be parsed: no template to learn from"
            ) from None
        if parsed.from_ is None or not parsed.from_.address:
            raise ValidationError(f"event {event_id} has no sender: templates are per sender")
        return parsed

    def _audit(
        self, tenant_id: TenantId, actor: str, action: str, example_id: str, details: dict[str, str]
    ) -> None:
        target = f"{tenant_id}/templates/{example_id}"
        self._trail.record(tenant_id, actor, action, target, details)
