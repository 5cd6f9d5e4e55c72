"""Bounds on what one message may cost to parse."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParseLimits:
    max_message_bytes: int = 50 * 1024 * 1024
    max_parts: int = 500
    max_depth: int = 20
    max_attachments: int = 200
    max_text_chars: int = 2_000_000
    max_header_chars: int = 4000
