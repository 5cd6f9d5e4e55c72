"""The boundary of HTTP functions: one place decides the status code for each error (style:
errors mapped at the boundary). The admin's identity: ``shared.web.identity``."""

from __future__ import annotations

import contextvars
import functools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from shared.errors import (
    AuthError,
    ConfigError,
    NotFound,
    PermanentError,
    RetryableError,
    ValidationError,
)

logger = logging.getLogger(__name__)
Response = tuple[str, int, dict[str, str]]
T = TypeVar("T")


class Lazy(Generic[T]):
    """What an entry point builds on its first call and reuses for the process's life
    (nothing is built at import time; a build that fails is tried again on the next call)."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._value: list[T] = []  # empty until built (a value may itself be None)

    def __call__(self) -> T:
        if not self._value:
            with self._lock:
                if not self._value:
                    self._value.append(self._build())
        return self._value[0]

    def reset(self) -> None:
        """Forget what was built: the next call builds again (a test's new environment)."""
        with self._lock:
            self._value.clear()


# the reads answered_within stopped waiting for finish here, each within the store's own
# timeout; a request finding every thread busy waits its deadline like the others
_READS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="bounded-read")


def answered_within(
    seconds: float, answer: Callable[[], Response], overdue: Callable[[], Response]
) -> Response:
    """``answer()``, or ``overdue()`` when it has not answered within ``seconds`` (a store
    that accepts connections and never answers holds a call for the client's whole retry
    budget). Reads only: the late call goes on to its own bounded end on a pool thread and
    its answer is dropped — a write must never be answered before it is known."""
    future = _READS.submit(contextvars.copy_context().run, answer)
    try:
        return future.result(timeout=seconds)
    except TimeoutError:
        future.cancel()  # still queued: never runs
        logger.warning("answer overdue", extra={"after_s": seconds})
        return overdue()


def function_logging() -> None:
    """Every entry point calls this at import: the watcher's JSON lines for Cloud Logging,
    redacted, with labels, at MAILINGEST_LOG_LEVEL (cheap: no client is built)."""
    from shared.config import log_level_from_env
    from shared.observability import configure_logging

    configure_logging(log_level_from_env())


def http_boundary(handler: Callable[[Any], Response]) -> Callable[[Any], Response]:
    @functools.wraps(handler)
    def wrapper(request: Any) -> Response:
        plain = {"Content-Type": "text/plain; charset=utf-8"}
        try:
            return handler(request)
        except ValidationError as exc:
            return f"bad request: {exc}\n", 400, plain
        except AuthError as exc:
            return f"not allowed: {exc}\n", 403, plain
        except NotFound as exc:
            return f"not found: {exc}\n", 404, plain
        except PermanentError as exc:
            logger.error("request failed", extra={"error": str(exc)[:300]})
            return "request failed\n", 422, plain
        except (RetryableError, ConfigError) as exc:
            logger.error("temporarily unavailable", extra={"error": str(exc)[:300]})
            return "temporarily unavailable, try again\n", 503, plain

    return wrapper


# What every admin page answer carries: never framed (clickjacking), no MIME sniffing, no
# referrer (URLs carry tenant and mailbox ids), no plugins, forms post only to the page.
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
MAX_FORM_BYTES = 64 * 1024  # a mailbox form is a few hundred bytes


def page_headers(handler: Callable[[Any], Response]) -> Callable[[Any], Response]:
    """Add PAGE_HEADERS to every answer (errors too); wrap outside ``http_boundary``."""

    @functools.wraps(handler)
    def wrapper(request: Any) -> Response:
        body, status, headers = handler(request)
        return body, status, {**PAGE_HEADERS, **headers}

    return wrapper


def bounded_body(request: Any, limit: int) -> bytes | None:
    """The request body if it is at most ``limit`` bytes, else None — decided by the declared
    length before anything is read, or (no length: chunked) by reading at most ``limit + 1``
    bytes. A large body from anyone, signed in or not, is never read into memory."""
    length = request.content_length
    if length is not None and length > limit:
        return None
    data: bytes = request.stream.read(limit + 1)
    return data if len(data) <= limit else None


def body_too_large(request: Any, limit: int = MAX_FORM_BYTES) -> Response | None:
    """A 411 / 413 answer for a body without a declared length or over ``limit`` (checked
    before the body is read), else None."""
    plain = {"Content-Type": "text/plain; charset=utf-8"}
    length = request.content_length
    if length is None:
        return "a request body needs a Content-Length\n", 411, plain
    if length > limit:
        return f"request body over {limit} bytes\n", 413, plain
    return None


def left_unread(answer: Response) -> Any:
    """``answer`` as a streamed response, for a request whose body is refused unread:
    functions-framework reads the whole body after every response that is not streamed (its
    ``read_request`` after-request hook), which would take in what was refused; and
    ``Connection: close`` so the server does not drain it either."""
    import flask

    body, status, headers = answer
    return flask.Response(iter([body]), status, {**headers, "Connection": "close"})
