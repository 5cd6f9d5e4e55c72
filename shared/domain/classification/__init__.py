"""Explainable classification of a parsed message: built-in rules in the languages of Turkish
tourism's source markets (``languages/``), then the tenant's own rules. The result names every
rule that matched and says whether it is ``confident``."""

from __future__ import annotations

from collections.abc import Sequence

from shared.domain.classification.engine import classify_builtin
from shared.domain.classification.templates import TemplateExample, TemplateIndex, apply_templates
from shared.domain.classification.tenant_rules import (
    RuleActions,
    RuleConditions,
    TenantRule,
    apply_tenant_rules,
)
from shared.domain.labels import LABELS
from shared.domain.message import Classification, ParsedMessage

__all__ = [
    "LABELS",
    "RuleActions",
    "RuleConditions",
    "TemplateExample",
    "TenantRule",
    "classify",
    "render_table",
]


def classify(
    parsed: ParsedMessage,
    tenant_rules: Sequence[TenantRule] = (),
    templates: Sequence[TemplateExample] | TemplateIndex = (),
) -> Classification:
    """Built-in rules, then the tenant's learned templates (its corrections), then its own
    rules (which an admin wrote on purpose, so they have the last word)."""
    result = classify_builtin(parsed)
    if templates:
        result = apply_templates(parsed, result, templates)
    return apply_tenant_rules(parsed, result, tenant_rules) if tenant_rules else result


def render_table(rows: Sequence[tuple[str, str, float, Sequence[str]]]) -> str:
    """``mailingest classify`` output: file, label, score, matched rules."""
    header = ("FILE", "LABEL", "SCORE", "RULES")
    body = [(f, label, f"{score:.2f}", ", ".join(rules[:6])) for f, label, score, rules in rows]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(3)]
    lines = []
    for row in [header, *body]:
        lines.append("  ".join(row[i].ljust(widths[i]) for i in range(3)) + "  " + row[3])
    return "\n".join(lines)
