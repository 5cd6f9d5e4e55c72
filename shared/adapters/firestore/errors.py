"""One boundary for Firestore errors: google.api_core / grpc exceptions become ours.
Messages carry the operation and the error class, never document data."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from google.api_core import exceptions as gexc
from google.api_core.retry import Retry

from shared.errors import AlreadyExists, ConflictError, NotFound, PermanentError, ServiceUnavailable

# Every call is bounded: transient errors are retried for at most ~10 s, then surface as
# ServiceUnavailable (a dead Firestore must not hang a worker).
CALL_TIMEOUT_S = 10.0
RETRY = Retry(
    initial=0.1,
    maximum=1.0,
    multiplier=2.0,
    timeout=CALL_TIMEOUT_S,
    predicate=lambda exc: isinstance(
        exc, gexc.ServiceUnavailable | gexc.DeadlineExceeded | gexc.InternalServerError
    ),
)
CALL: dict[str, Any] = {"timeout": CALL_TIMEOUT_S, "retry": RETRY}


@contextlib.contextmanager
def mapped(operation: str) -> Iterator[None]:
    try:
        yield
    except gexc.NotFound:
        raise NotFound(f"firestore {operation}: not found") from None
    except gexc.AlreadyExists:
        raise AlreadyExists(f"firestore {operation}: already exists") from None
    except (gexc.Aborted, gexc.Conflict, gexc.FailedPrecondition) as exc:
        raise ConflictError(f"firestore {operation}: {type(exc).__name__}") from None
    except (gexc.PermissionDenied, gexc.Unauthenticated, gexc.InvalidArgument) as exc:
        raise PermanentError(f"firestore {operation}: {type(exc).__name__}") from None
    except (gexc.GoogleAPIError, gexc.RetryError) as exc:
        raise ServiceUnavailable(f"firestore {operation}: {type(exc).__name__}") from None
