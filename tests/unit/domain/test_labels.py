"""The six labels are written once (``shared.domain.labels.Label``): what the JSON documents
the package publishes (the event schema, the page's OpenAPI description) list is that enum,
plus the two words only the ingest gives an event."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

from shared.domain.classification import LABELS, TenantRule
from shared.domain.classification.builtin_rules import RULES
from shared.domain.event import OVERSIZED, UNPARSEABLE, event_schema
from shared.domain.labels import Label

EVENT_LABELS = [*Label, UNPARSEABLE, OVERSIZED]


def _enums(node: Any) -> Iterator[list[Any]]:
    """Every ``enum`` in a JSON document that lists a label."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "enum" and Label.BOOKING in value:
                yield value
            yield from _enums(value)
    elif isinstance(node, list):
        for value in node:
            yield from _enums(value)


def test_the_classifier_chooses_from_the_enum() -> None:
    assert tuple(Label) == LABELS
    assert {r.label for r in RULES} - {"neutral"} == set(Label)


def test_the_event_schema_lists_the_enum_and_the_ingest_labels() -> None:
    assert list(_enums(event_schema())) == [EVENT_LABELS]


def test_the_openapi_description_lists_the_enum() -> None:
    text = resources.files("shared.web").joinpath("openapi.json").read_text("utf-8")
    enums = list(_enums(json.loads(text)))
    assert enums  # the events view, its filter, the analytics, the correction form
    for enum in enums:
        named = [v for v in enum if v is not None]
        assert named in (list(Label), EVENT_LABELS), enum


def test_a_tenant_rule_sets_one_of_the_labels() -> None:
    rule = TenantRule.model_validate(
        {"id": "r1", "actions": {"label": "stopsale"}, "conditions": {"subject_keywords": ["stop"]}}
    )
    assert rule.actions.label is Label.STOPSALE
    assert rule.model_dump(mode="json")["actions"]["label"] == "stopsale"
