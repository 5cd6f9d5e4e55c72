"""What a mail is about: the six labels the classifier chooses from (built-in rules, learned
templates and a tenant's own rules alike), in the order the settings page lists them. The
event's JSON Schema and the page's OpenAPI description list the same words (a test compares
them); an event may also say ``unparseable`` or ``oversized`` (``shared.domain.event``), which
no classifier chooses."""

from __future__ import annotations

from enum import StrEnum


class Label(StrEnum):
    BOOKING = "booking"
    STOPSALE = "stopsale"
    OPENSALE = "opensale"
    CANCELLATION = "cancellation"
    AMENDMENT = "amendment"
    OTHER = "other"


LABELS = tuple(Label)
