"""The boundary of HTTP functions: one place decides the status code for each error (style:
errors mapped at the boundary). The admin's identity: ``shared.web.identity``."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

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
