"""Per-tenant custom rules (stored in Firestore, edited on the settings page).

A rule matches when *all* its condition kinds that are set match (any value within a kind);
actions: set the label, skip (no event, but counted), add tags. Rules run in priority order;
the first that sets a label or skips decides it, tags from every matching rule are added.
Tenant regexes run on RE2 (google-re2): matching takes time linear in the input whatever the
pattern, so no pattern (``((a)+)+$``, ``(a|aa)+$`` ...) can stall a replica; RE2 has no
backreferences or lookaround, and such patterns are refused when the rule is saved. Input is
bounded too.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import re2
from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.domain.classification.text import fold
from shared.domain.labels import Label
from shared.domain.message import Classification, ParsedMessage

MAX_REGEX_LEN = 200
MAX_INPUT = 10_000
MAX_REGEX_MEM = 8 << 20  # bytes of RE2 program per pattern
# a rule's work per message is bounded: at most this many values per condition, each at most
# MAX_VALUE_LEN characters, matched against at most MAX_INPUT characters (folded once per
# message); with the tenant's rule cap that bounds the rules' time per message (make bench:
# rules.ms_per_message_200_rules_at_caps)
MAX_VALUES = 50
MAX_VALUE_LEN = 200


@functools.lru_cache(maxsize=1024)
def compile_tenant_regex(pattern: str) -> Any:
    """The case-insensitive RE2 program of a tenant pattern (raises re2.error)."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = MAX_REGEX_MEM
    return re2.compile(pattern, options)


def tenant_regex_search(pattern: str, text: str) -> bool:
    return compile_tenant_regex(pattern).search(text) is not None


def _check_regex(value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) > MAX_REGEX_LEN:
        raise ValueError(f"regex longer than {MAX_REGEX_LEN} characters")
    try:
        compile_tenant_regex(value)
    except re2.error as exc:
        reason = (
            exc.args[0].decode(errors="replace")
            if exc.args and isinstance(exc.args[0], bytes)
            else str(exc)
        )
        raise ValueError(
            f"invalid regex (RE2 syntax: no backreferences or lookaround): {reason}"
        ) from None
    return value


class RuleConditions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sender_addresses: tuple[str, ...] = ()
    sender_domains: tuple[str, ...] = ()
    subject_keywords: tuple[str, ...] = ()
    body_keywords: tuple[str, ...] = ()
    subject_regex: str | None = None
    body_regex: str | None = None
    attachment_types: tuple[str, ...] = ()  # "application/pdf", "image/*" or ".xlsx"

    @field_validator(
        "sender_addresses",
        "sender_domains",
        "subject_keywords",
        "body_keywords",
        "attachment_types",
    )
    @classmethod
    def _bounded(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        if len(values) > MAX_VALUES:
            raise ValueError(f"at most {MAX_VALUES} values")
        if any(len(v) > MAX_VALUE_LEN for v in values):
            raise ValueError(f"a value longer than {MAX_VALUE_LEN} characters")
        return values

    _subject_re = field_validator("subject_regex")(classmethod(lambda cls, v: _check_regex(v)))
    _body_re = field_validator("body_regex")(classmethod(lambda cls, v: _check_regex(v)))

    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in type(self).model_fields)


class RuleActions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    label: Label | None = None
    skip: bool = False
    tags: tuple[str, ...] = ()


class TenantRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    name: str = ""
    enabled: bool = True
    priority: int = 100
    conditions: RuleConditions = RuleConditions()
    actions: RuleActions = RuleActions()

    def matches(self, parsed: ParsedMessage) -> bool:
        return self.matches_input(RuleInput.of(parsed))

    def matches_input(self, m: RuleInput) -> bool:
        c = self.conditions
        if not self.enabled or c.is_empty():
            return False
        checks: list[bool] = []
        if c.sender_addresses:
            checks.append(m.sender in {a.lower() for a in c.sender_addresses})
        if c.sender_domains:
            checks.append(
                any(
                    m.domain == d.lower() or m.domain.endswith("." + d.lower())
                    for d in c.sender_domains
                )
            )
        if c.subject_keywords:
            checks.append(any(fold(k) in m.subject_folded for k in c.subject_keywords))
        if c.body_keywords:
            checks.append(any(fold(k) in m.body_folded for k in c.body_keywords))
        if c.subject_regex:
            checks.append(tenant_regex_search(c.subject_regex, m.subject))
        if c.body_regex:
            checks.append(tenant_regex_search(c.body_regex, m.body))
        if c.attachment_types:
            checks.append(any(_type_matches(t, m.parsed) for t in c.attachment_types))
        return all(checks)


@dataclass(frozen=True)
class RuleInput:
    """What the rules look at, read and folded once per message (not once per rule and
    keyword: folding 10,000 characters is most of a rule's cost)."""

    parsed: ParsedMessage
    sender: str
    domain: str
    subject: str
    body: str
    subject_folded: str
    body_folded: str

    @classmethod
    def of(cls, parsed: ParsedMessage) -> RuleInput:
        sender = parsed.from_.address.lower() if parsed.from_ else ""
        subject = parsed.subject[:MAX_INPUT]
        body = (parsed.new_text or parsed.text)[:MAX_INPUT]
        return cls(
            parsed=parsed,
            sender=sender,
            domain=sender.rsplit("@", 1)[-1] if "@" in sender else "",
            subject=subject,
            body=body,
            subject_folded=fold(subject),
            body_folded=fold(body),
        )


def _type_matches(wanted: str, parsed: ParsedMessage) -> bool:
    wanted = wanted.lower()
    for att in parsed.attachments:
        if wanted.startswith("."):
            if (att.filename or "").lower().endswith(wanted):
                return True
        elif wanted.endswith("/*"):
            if att.content_type.startswith(wanted[:-1]):
                return True
        elif att.content_type == wanted:
            return True
    return False


def apply_tenant_rules(
    parsed: ParsedMessage, builtin: Classification, rules: Sequence[TenantRule]
) -> Classification:
    label, score, skip = builtin.label, builtin.score, False
    confident = builtin.confident
    decided = False
    matched: list[str] = []
    tags: list[str] = list(builtin.tags)
    seen = RuleInput.of(parsed)
    for rule in sorted(rules, key=lambda r: (r.priority, r.id)):
        if not rule.matches_input(seen):
            continue
        matched.append(f"tenant:{rule.id}")
        tags.extend(t for t in rule.actions.tags if t not in tags)
        if decided:
            continue
        if rule.actions.skip:
            skip, decided = True, True
        elif rule.actions.label is not None:
            label, score, decided = rule.actions.label, 1.0, True
            confident = True  # the tenant said so
    if not matched:
        return builtin
    rules_out = (*matched, *builtin.rules) if decided else (*builtin.rules, *matched)
    if decided and not skip:  # the tenant's label: no runner-up of the built-in rules
        return Classification(label, score, tuple(rules_out), tuple(tags), skip, confident)
    return replace(builtin, rules=tuple(rules_out), tags=tuple(tags), skip=skip)
