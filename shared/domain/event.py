"""The mail event: built from a parsed message, its classification and where it came from.

The JSON Schema is ``shared/schemas/mail-event.v1.json``; tests validate every event they make.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

from shared.domain.message import Address, Classification, ParsedMessage
from shared.domain.models import Mailbox

SCHEMA_VERSION = 1
UNPARSEABLE = "unparseable"
OVERSIZED = "oversized"


@dataclass(frozen=True)
class Origin:
    """Where a raw message came from."""

    mailbox: Mailbox
    provider_message_id: str
    event_id: str
    received_at: datetime
    raw_ref: str | None
    raw_size: int


@dataclass(frozen=True)
class BodyRefs:
    """Large parts stored in the blob store instead of inline."""

    text_ref: str | None = None
    html_ref: str | None = None
    attachment_refs: Mapping[int, str] | None = None  # index in attachments -> ref


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _addr(a: Address) -> dict[str, str]:
    return {"name": a.name, "address": a.address}


def _base(origin: Origin) -> dict[str, Any]:
    mailbox = origin.mailbox
    return {
        "schema_version": SCHEMA_VERSION,
        "id": origin.event_id,
        "tenant_id": mailbox.tenant_id,
        "mailbox_id": mailbox.id,
        "provider": mailbox.provider.value,
        "provider_message_id": origin.provider_message_id,
        "received_at": _iso(origin.received_at),
        "raw_ref": origin.raw_ref,
        "raw_size": origin.raw_size,
    }


def build_event(
    origin: Origin,
    parsed: ParsedMessage,
    classification: Classification,
    *,
    inline_body_max_chars: int,
    refs: BodyRefs | None = None,
) -> dict[str, Any]:
    """The event document for a parsed message."""
    refs = refs or BodyRefs()
    att_refs = refs.attachment_refs or {}
    text = parsed.text
    truncated = len(text) > inline_body_max_chars
    html = parsed.html
    if html is not None and (refs.html_ref or len(html) > inline_body_max_chars):
        html = None  # too big to travel inline: consumers follow html_ref
    event = _base(origin)
    event.update(
        {
            "date": _iso(parsed.date),
            "message_id": parsed.message_id,
            "in_reply_to": parsed.in_reply_to,
            "references": list(parsed.references),
            "subject": parsed.subject,
            "from": _addr(parsed.from_) if parsed.from_ else None,
            "to": [_addr(a) for a in parsed.to],
            "cc": [_addr(a) for a in parsed.cc],
            "reply_to": [_addr(a) for a in parsed.reply_to],
            "text": text[:inline_body_max_chars],
            "text_truncated": truncated,
            "text_ref": refs.text_ref,
            "html": html,
            "html_ref": refs.html_ref,
            "attachments": [
                {
                    "filename": a.filename,
                    "content_type": a.content_type,
                    "size": a.size,
                    "sha256": a.sha256,
                    "inline": a.inline,
                    "content_id": a.content_id,
                    "ref": att_refs.get(i),
                }
                for i, a in enumerate(parsed.attachments)
            ],
            "headers": dict(parsed.headers),
            "flags": {
                "auto_reply": parsed.is_auto_reply,
                "bounce": parsed.is_bounce,
                "unparseable": False,
            },
            "defects": list(parsed.defects),
            "classification": _classification(classification),
            "error": None,
        }
    )
    return event


def build_unparseable_event(origin: Origin, reason: str) -> dict[str, Any]:
    """What a message that cannot be parsed becomes: the raw is kept, the cursor moves on."""
    event = _base(origin)
    event.update(
        {
            "date": None,
            "message_id": None,
            "in_reply_to": None,
            "references": [],
            "subject": "",
            "from": None,
            "to": [],
            "cc": [],
            "reply_to": [],
            "attachments": [],
            "headers": {},
            "flags": {"auto_reply": False, "bounce": False, "unparseable": True},
            "defects": [],
            "classification": {
                "label": UNPARSEABLE,
                "score": 0.0,
                "rules": [],
                "tags": [],
                "confident": False,
            },
            "error": reason[:500],
        }
    )
    return event


def build_oversized_event(origin: Origin, limit: int) -> dict[str, Any]:
    """A message over the size limit, handled by reference: not parsed, the raw kept whole in
    the blob store (``raw_ref``), ``raw_size`` its size. Shaped like an unparseable event
    (consumers that know only that flag still get the raw), labelled ``oversized``."""
    event = build_unparseable_event(
        origin, f"message of {origin.raw_size} bytes exceeds the {limit}-byte limit"
    )
    event["classification"] = {**event["classification"], "label": OVERSIZED}
    event["flags"] = {**event["flags"], "oversized": True}
    return event


def _classification(c: Classification) -> dict[str, Any]:
    return {
        "label": c.label,
        "score": round(float(c.score), 4),
        "rules": list(c.rules),
        "tags": list(c.tags),
        "confident": c.confident,
        **({} if c.confident else _why_not_confident(c)),
    }


def _why_not_confident(c: Classification) -> dict[str, Any]:
    """The runner-up label, the winner's lead over it in points and the doubts, each only
    when the classifier said it."""
    why: dict[str, Any] = {}
    if c.runner_up is not None:
        why["runner_up"] = c.runner_up
    if c.margin is not None:
        why["margin"] = round(float(c.margin), 2)
    if c.doubts:
        why["doubts"] = list(c.doubts)
    return why


# a lone surrogate (an undecodable byte some decoder kept as an escape) has no UTF-8 form
_LONE_SURROGATES = re.compile("[\ud800-\udfff]")


def encode_event(event: Mapping[str, Any]) -> bytes:
    """The event as UTF-8 JSON. Every decoder before it yields valid Unicode; should one
    miss a byte, it becomes U+FFFD here, as elsewhere, and the event is still published."""
    text = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode()
    except UnicodeEncodeError:
        return _LONE_SURROGATES.sub("\ufffd", text).encode()


def event_attributes(event: Mapping[str, Any]) -> dict[str, str]:
    """Pub/Sub attributes subscribers can filter on without parsing the body."""
    return {
        "tenant": str(event["tenant_id"]),
        "mailbox": str(event["mailbox_id"]),
        "label": str(event["classification"]["label"]),
        "provider": str(event["provider"]),
        "event_id": str(event["id"]),
        "schema_version": str(event["schema_version"]),
    }


@cache
def event_schema() -> dict[str, Any]:
    """The event's JSON Schema (packaged with ``shared``)."""
    text = resources.files("shared").joinpath("schemas/mail-event.v1.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
