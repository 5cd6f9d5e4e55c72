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
import math
import re
import sys
import threading
import time
import traceback
from collections import OrderedDict
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
# RFC 6749 §4.1.2.1 / §5.2 and OpenID Connect Core §3.1.2.6 error codes
_OAUTH_ERRORS = (
    r"invalid_request|invalid_client|invalid_grant|unauthorized_client|unsupported_grant_type"
    r"|invalid_scope|access_denied|unsupported_response_type|server_error"
    r"|temporarily_unavailable|interaction_required|login_required|consent_required"
    r"|account_selection_required|invalid_request_uri|invalid_request_object"
)
_PATTERNS = [
    # Authorization: Bearer xxx / Basic xxx
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"),
    # key=value, key: value, "key": "value" (JSON, URLs, form bodies, repr of dicts)
    # (OAuth error codes are not credentials: an operator needs to read "invalid_client")
    re.compile(
        r"(?i)([\"']?\b(?:" + _KEY_ALT + r")\b[\"']?\s*[:=]\s*[\"']?)"
        r"(?!(?:" + _OAUTH_ERRORS + r")\b)([^\"'&\s,;}]{3,})"
    ),
    # XOAUTH2 initial response decoded form
    re.compile(r"auth=Bearer\s+[^\x01\s]+"),
]


class _SecretRegistry:
    """The values registered with ``register_secret``, found in a text in one pass.

    Values are indexed by their first ``_MIN_SECRET_LEN`` characters, so scrubbing a line
    costs the same with ten or a hundred thousand registered values (a watcher that runs
    for months registers every refreshed access token). The registry is bounded: values
    with a lifetime (access tokens) leave when it ends, and beyond ``max_values`` the
    oldest leave first.
    """

    def __init__(self, max_values: int = 50_000) -> None:
        self._lock = threading.Lock()
        self._max = max_values
        self._expiry: OrderedDict[str, float] = OrderedDict()  # value -> monotonic deadline
        self._by_prefix: dict[str, set[str]] = {}
        self._adds_since_sweep = 0

    def __len__(self) -> int:
        return len(self._expiry)

    def add(self, value: str, ttl_s: float | None = None) -> None:
        if len(value) < _MIN_SECRET_LEN:
            return
        deadline = math.inf if ttl_s is None else time.monotonic() + ttl_s
        with self._lock:
            if value in self._expiry:
                self._expiry[value] = max(self._expiry[value], deadline)
                self._expiry.move_to_end(value)
                return
            self._expiry[value] = deadline
            self._by_prefix.setdefault(value[:_MIN_SECRET_LEN], set()).add(value)
            while len(self._expiry) > self._max:
                self._forget(next(iter(self._expiry)))
            self._adds_since_sweep += 1
            if self._adds_since_sweep >= 1024:
                self._sweep_expired()

    def _forget(self, value: str) -> None:
        del self._expiry[value]
        prefix = value[:_MIN_SECRET_LEN]
        bucket = self._by_prefix[prefix]
        bucket.discard(value)
        if not bucket:
            del self._by_prefix[prefix]

    def _sweep_expired(self) -> None:
        self._adds_since_sweep = 0
        now = time.monotonic()
        for value in [v for v, deadline in self._expiry.items() if deadline < now]:
            self._forget(value)

    def scrub(self, text: str) -> str:
        if len(text) < _MIN_SECRET_LEN or not self._by_prefix:
            return text
        with self._lock:
            spans = self._find(text)
        if not spans:
            return text
        out: list[str] = []
        last = 0
        for start, end in spans:
            out.append(text[last:start])
            out.append(REDACTED)
            last = end
        out.append(text[last:])
        return "".join(out)

    def _find(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        index = self._by_prefix
        i, stop = 0, len(text) - _MIN_SECRET_LEN + 1
        while i < stop:
            bucket = index.get(text[i : i + _MIN_SECRET_LEN])
            if bucket:
                longest = max((len(v) for v in bucket if text.startswith(v, i)), default=0)
                if longest:
                    spans.append((i, i + longest))
                    i += longest
                    continue
            i += 1
        return spans


_registry = _SecretRegistry()


def register_secret(value: str | None, *, ttl_s: float | None = None) -> None:
    """Make sure ``value`` never reaches a log line from this process.

    ``ttl_s`` bounds how long a short-lived value (an access token) is remembered: pass a
    little more than its lifetime. Values without one stay until the registry is full.
    """
    if value:
        _registry.add(value, ttl_s)


# fields that carry our own identifiers (tenant and mailbox ids, event ids, lease holders):
# never a registered secret's place, and one tenant's password that happens to equal another
# tenant's id ("demo-agency") must not turn that tenant's log fields into "***/booking".
# Credential-shaped substrings are still removed from them.
IDENTIFIER_FIELDS = frozenset(
    {
        "tenant",
        "mailbox",
        "provider",
        "mailbox_key",
        "tenant_id",
        "mailbox_id",
        "event_id",
        "holder",
        "target",
        "logger",
        "severity",
        "time",
    }
)


def redact(text: str) -> str:
    """Remove registered secrets and credential-shaped substrings from ``text``."""
    return _redact_shapes(_registry.scrub(text))


def _redact_shapes(text: str) -> str:
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


def _redact_tree(value: Any, identifier: bool = False) -> Any:
    if isinstance(value, str):
        return _redact_shapes(value) if identifier else redact(value)
    if isinstance(value, dict):
        return {str(k): _redact_tree(v, str(k) in IDENTIFIER_FIELDS) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact_tree(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(str(value))


class _StdoutHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stdout`` is when a record comes, not when it was made: an
    entry point configures logging at import, and whoever replaced stdout since (a test
    runner's capture, a worker's redirect) must not leave it writing to a closed file."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass  # always sys.stdout


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Route all logging through one JSON handler on stdout (idempotent)."""
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_mailingest", False):
            root.removeHandler(old)
    handler: logging.Handler = (
        logging.StreamHandler(stream) if stream is not None else _StdoutHandler()
    )
    handler.setFormatter(JsonFormatter())
    handler._mailingest = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # Client libraries are chatty at INFO and may echo request bodies at DEBUG.
    for noisy in ("urllib3", "google", "grpc", "imapclient", "msal", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
