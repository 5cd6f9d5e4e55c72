"""A tenant's own classification rules: list, save, delete (audited), and "try it" — the
label and the rules that fire for a pasted email, with the tenant's rules (and the template
examples learned from its corrections) applied exactly as the pipeline applies them."""

from __future__ import annotations

from typing import Protocol

from pydantic import ValidationError as PydanticValidationError

from shared.domain.classification import TenantRule, classify
from shared.domain.message import Classification
from shared.domain.mime import ParseLimits, UnparseableMessage, parse_message
from shared.errors import NotFound, ValidationError
from shared.ids import TenantId
from shared.ports import AuditLog, Clock, RuleStore, TemplateStore
from shared.service.audit import AuditTrail

MAX_RULES = 200
MAX_TRY_BYTES = 2 * 1024 * 1024


class RuleRefused(ValidationError):
    """A rule that breaks a rule of its own: ``problems`` maps the rule's field (dotted:
    ``conditions.subject_regex``; "" for the rule as a whole) to why."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{k}: {v}" if k else v for k, v in self.problems.items()))


def _problems(exc: PydanticValidationError) -> dict[str, str]:
    problems: dict[str, str] = {}
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"][:2])
        message = str(error["msg"]).removeprefix("Value error, ")
        problems[where] = f"{problems[where]}; {message}" if where in problems else message
    return problems


class RuleRecords(RuleStore, TemplateStore, AuditLog, Protocol):
    """What the rules and the corrections keep: a tenant's rules, the template examples
    learned from its corrections, and the audit log of both."""


class RuleBook:
    def __init__(self, state: RuleRecords, clock: Clock) -> None:
        self._state = state
        self._clock = clock
        self._trail = AuditTrail(state, clock)

    def rules(self, tenant_id: TenantId) -> list[TenantRule]:
        found = []
        for doc in self._state.list_rule_docs(tenant_id):
            try:
                found.append(TenantRule.model_validate(doc))
            except PydanticValidationError:
                continue  # a rule written by an older version: shown nowhere, applied nowhere
        return sorted(found, key=lambda r: (r.priority, r.id))

    def save(self, tenant_id: TenantId, doc: dict[str, object], *, actor: str) -> TenantRule:
        """Validate and store one rule (RuleRefused, nothing stored, when it breaks one)."""
        try:
            rule = TenantRule.model_validate(doc)
        except PydanticValidationError as exc:
            raise RuleRefused(_problems(exc)) from None
        if rule.conditions.is_empty():
            raise RuleRefused({"conditions": "a rule needs at least one condition"})
        existing = {r.id for r in self.rules(tenant_id)}
        if rule.id not in existing and len(existing) >= MAX_RULES:
            raise RuleRefused({"": f"at most {MAX_RULES} rules per tenant"})
        self._state.put_rule_doc(tenant_id, rule.id, rule.model_dump(mode="json"))
        self._audit(tenant_id, actor, "rule.put", rule.id, rule.model_dump(mode="json"))
        return rule

    def delete(self, tenant_id: TenantId, rule_id: str, *, actor: str) -> None:
        """NotFound (nothing audited) for a rule the tenant does not have (any more)."""
        if rule_id not in {str(d.get("id")) for d in self._state.list_rule_docs(tenant_id)}:
            raise NotFound(f"rule {rule_id} not found")
        self._state.delete_rule_doc(tenant_id, rule_id)
        self._audit(tenant_id, actor, "rule.delete", rule_id, {})

    def try_it(self, tenant_id: TenantId, raw: bytes) -> Classification:
        if len(raw) > MAX_TRY_BYTES:
            raise ValidationError("that email is too large to try here")
        try:
            parsed = parse_message(raw, ParseLimits())
        except UnparseableMessage as exc:
            raise ValidationError(f"not an email that can be parsed: {exc}") from None
        return classify(
            parsed, self.rules(tenant_id), self._state.list_template_examples(tenant_id)
        )

    def _audit(
        self, tenant_id: TenantId, actor: str, action: str, target: str, details: dict[str, object]
    ) -> None:
        self._trail.record(tenant_id, actor, action, f"{tenant_id}/rules/{target}", details)
