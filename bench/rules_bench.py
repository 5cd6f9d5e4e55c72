"""Tenant rules per message: every message of a tenant passes all its rules in the shared
pipeline, so their cost is bounded by the rule cap (200), the caps of a rule's conditions
(50 values of 200 characters, RE2 patterns of 200) and the input cap (10,000 characters)."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.figures import Figure, figure
from shared.domain.classification import classify
from shared.domain.classification.tenant_rules import (
    MAX_INPUT,
    MAX_VALUES,
    TenantRule,
    apply_tenant_rules,
)
from shared.domain.mime import parse_message
from shared.service.rules import MAX_RULES

TEXT = "Değerli misafirimiz, rezervasyonunuz için teşekkürler; oda iptal şartları ekte. "


def _message() -> bytes:
    body = (TEXT * (MAX_INPUT // len(TEXT) + 1))[:MAX_INPUT]
    head = "From: res@hotel.example\r\nSubject: Rezervasyon onayı\r\n"
    return (head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body).encode()


def _rules(values: int) -> list[TenantRule]:
    """Rules that never match (every condition is looked at, none decides early)."""
    return [
        TenantRule.model_validate(
            {
                "id": f"r{i}",
                "priority": i,
                "conditions": {
                    "body_keywords": [f"anahtar-{i}-{k}" for k in range(values)],
                    "subject_keywords": [f"konu-{i}-{k}" for k in range(values)],
                    "body_regex": rf"(oda|room)\s+{i}\d+(a|b|c)+$",
                },
                "actions": {"label": "booking"},
            }
        )
        for i in range(MAX_RULES)
    ]


def _ms_per_message(rules: list[TenantRule], rounds: int) -> float:
    parsed = parse_message(_message())
    builtin = classify(parsed)
    apply_tenant_rules(parsed, builtin, rules)  # patterns compiled once, as in a replica
    started = time.perf_counter()
    for _ in range(rounds):
        apply_tenant_rules(parsed, builtin, rules)
    return (time.perf_counter() - started) / rounds * 1000


def rules() -> dict[str, Figure]:
    return {
        "rules.ms_per_message_200_rules_at_caps": figure(
            _ms_per_message(_rules(MAX_VALUES), 10),
            "ms",
            f"{MAX_RULES} rules of {MAX_VALUES} body and subject keywords and an RE2 pattern "
            f"each, none matching, on a {MAX_INPUT:,}-character Turkish body",
        ),
        "rules.ms_per_message_200_rules_typical": figure(
            _ms_per_message(_rules(3), 50),
            "ms",
            f"{MAX_RULES} rules of 3 keywords and an RE2 pattern each, same message",
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.write_text(json.dumps(rules(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
