"""Every Gmail HTTP error becomes one of ours here, in the adapter (httpx's
``map_httpcore_exceptions``): nothing from googleapiclient or httplib2 crosses it.

Facts (developers.google.com/gmail/api/guides/handle-errors): 429 and 403
``rateLimitExceeded`` / ``userRateLimitExceeded`` mean back off; 403
``insufficientPermissions`` is a grant without the scope the call needs; 404 is a missing
message, or a history id too old; a name where a label id belongs is 400 "Invalid label".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httplib2
from googleapiclient.errors import HttpError

from shared.errors import (
    AuthError,
    MailIngestError,
    NotFound,
    ServiceUnavailable,
    Throttled,
    ValidationError,
)

RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


def _retry_after(headers: Any) -> float | None:
    value = (headers or {}).get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: rare for Google; the caller's backoff applies


def _error(exc: HttpError) -> tuple[set[str], str]:
    try:
        body = json.loads(exc.content or b"{}")
    except ValueError:
        return set(), ""
    error = body.get("error", {}) if isinstance(body, dict) else {}
    if not isinstance(error, dict):
        return set(), ""
    reasons = {str(e.get("reason")) for e in error.get("errors", []) if isinstance(e, dict)}
    return reasons, str(error.get("message", ""))[:200]


def map_http_error(exc: HttpError, what: str) -> MailIngestError:
    """One place where every Gmail HTTP error becomes one of ours."""
    status = int(exc.resp.status) if exc.resp is not None else 0
    reasons, message = _error(exc)
    if status == 429 or (status == 403 and reasons & RATE_REASONS):
        return Throttled(f"gmail {what}: rate limited", _retry_after(exc.resp))
    if status >= 500:
        return ServiceUnavailable(f"gmail {what}: HTTP {status}")
    if status == 401:
        return AuthError(f"gmail {what}: access token refused")
    if status == 403:
        return AuthError(f"gmail {what}: not allowed ({', '.join(sorted(reasons))})")
    if status == 404:
        return NotFound(f"gmail {what}: not found")
    return ValidationError(f"gmail {what}: HTTP {status}" + (f": {message}" if message else ""))


@contextmanager
def mapped(what: str) -> Iterator[None]:
    try:
        yield
    except HttpError as exc:
        raise map_http_error(exc, what) from None
    except (TimeoutError, httplib2.HttpLib2Error, OSError) as exc:
        raise ServiceUnavailable(f"gmail {what}: {type(exc).__name__}") from None
