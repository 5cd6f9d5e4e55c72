"""Structured JSON logs for Cloud Logging, with secret redaction and per-mailbox labels.

One JSON object per line with ``severity``, ``message``, ``time``, ``logger`` and
``logging.googleapis.com/labels`` (tenant, mailbox, provider), which Cloud Logging reads from
stdout of Cloud Functions and Cloud Run (cloud.google.com/logging/docs/structured-logging).

Redaction happens on the rendered line, so a secret is removed whatever path it took —
the message, its arguments, ``extra`` fields, an exception's text or its traceback:
- values registered with ``register_secret`` (passwords and tokens the process handles);
- patterns that look like credentials (Bearer tokens, XOAUTH2 payloads, password= / token=
  pairs, OAuth codes and refresh tokens in URLs or JSON).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import sys
import threading
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, TextIO

REDACTED = "***"
_MIN_SECRET_LEN = 6  # shorter values would redact ordinary words

_labels: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "mailingest_log_labels", default=None
)

_KEY_ALT = (
    r"password|passwd|pass|pwd|secret|client_secret|access_token|refresh_token|id_token|token"
    r"|code|code_verifier|assertion|api_key|apikey|authorization"
)
_PATTERNS = [
    # Authorization: Bearer xxx / Basic xxx
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"),
    # key=value, key: value, "key": "value" (JSON, URLs, form bodies, repr of dicts)
    re.compile(r"(?i)([\"']?\b(?:" + _KEY_ALT + r")\b[\"']?\s*[:=]\s*[\"']?)([^\"'&\s,;}]{3,})"),
    # XOAUTH2 initial response decoded form
    re.compile(r"auth=Bearer\s+[^\x01\s]+"),
]


class _SecretRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._regex: re.Pattern[str] | None = None

    def add(self, value: str) -> None:
        if len(value) < _MIN_SECRET_LEN:
            return
        with self._lock:
            if value not in self._values:
                self._values.add(value)
                self._regex = None

    def scrub(self, text: str) -> str:
        with self._lock:
            if not self._values:
                return text
            if self._regex is None:
                alts = sorted(self._values, key=len, reverse=True)
                self._regex = re.compile("|".join(re.escape(v) for v in alts))
            regex = self._regex
        return regex.sub(REDACTED, text)


_registry = _SecretRegistry()


def register_secret(value: str | None) -> None:
    """Make sure ``value`` never reaches a log line from this process."""
    if value:
        _registry.add(value)


def redact(text: str) -> str:
    """Remove registered secrets and credential-shaped substrings from ``text``."""
    text = _registry.scrub(text)
    text = _PATTERNS[0].sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _PATTERNS[1].sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    return _PATTERNS[2].sub(f"auth=Bearer {REDACTED}", text)


@contextlib.contextmanager
def log_labels(**labels: str) -> Iterator[None]:
    """Attach labels (tenant, mailbox, provider...) to every record logged inside."""
    current = dict(_labels.get() or {})
    current.update({k: v for k, v in labels.items() if v})
    token = _labels.set(current)
    try:
        yield
    finally:
        _labels.reset(token)


_STD_ATTRS = frozenset(
    vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None)).keys()
) | {"message", "asctime", "taskName"}

_SEVERITY = {
    logging.DEBUG: "DEBUG",
    logging.INFO: "INFO",
    logging.WARNING: "WARNING",
    logging.ERROR: "ERROR",
    logging.CRITICAL: "CRITICAL",
}


class JsonFormatter(logging.Formatter):
    """One Cloud Logging JSON object per record; redacted after rendering."""

    def format(self, record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except Exception as exc:  # noqa: BLE001 - a bad format string must not lose the record
            message = f"{record.msg!r} (unformattable: {type(exc).__name__})"
        entry: dict[str, Any] = {
            "severity": _SEVERITY.get(record.levelno, "DEFAULT"),
            "message": message,
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "logger": record.name,
        }
        labels = dict(_labels.get() or {})
        for key, value in vars(record).items():
            if key in _STD_ATTRS or key.startswith("_"):
                continue
            if key in ("tenant", "mailbox", "provider") and isinstance(value, str):
                labels[key] = value
            else:
                entry[key] = value
        if labels:
            entry["logging.googleapis.com/labels"] = labels
        if record.exc_info:
            entry["stack_trace"] = "".join(traceback.format_exception(*record.exc_info))
        elif record.exc_text:
            entry["stack_trace"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = record.stack_info
        # Redact each value before encoding: JSON escaping (\" or \u0001) would hide a
        # credential's shape from the patterns on the rendered line.
        return json.dumps(_redact_tree(entry), default=str, ensure_ascii=False)


def _redact_tree(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {str(k): _redact_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact_tree(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(str(value))


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Route all logging through one JSON handler on stdout (idempotent)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_mailingest", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter())
    handler._mailingest = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # Client libraries are chatty at INFO and may echo request bodies at DEBUG.
    for noisy in ("urllib3", "google", "grpc", "imapclient", "msal", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
