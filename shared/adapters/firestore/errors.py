"""One boundary for Firestore errors: google.api_core / grpc / google.auth exceptions become
``shared.errors`` types.

Our messages carry the operation and the error class only — never the vendor message, which
may echo a document id or value — and the vendor exception is not chained (``from None``), so
no document data reaches a log line or an HTTP 500 page through the traceback.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import grpc  # type: ignore[import-untyped]
from google.api_core import exceptions as gexc
from google.auth import exceptions as auth_exc

from shared.errors import AlreadyExists, ConflictError, NotFound, PermanentError, StoreUnavailable

logger = logging.getLogger(__name__)

# Retrying these cannot help: a missing index, bad request or denied IAM role is a deployment
# problem. They are PermanentError, not AuthError/ValidationError, because callers give those
# a mailbox-level meaning (a refused IMAP password, a forged webhook).
_PERMANENT = (
    gexc.PermissionDenied,
    gexc.Unauthenticated,
    gexc.InvalidArgument,
    gexc.FailedPrecondition,  # outside conditional writes: "the query requires an index"
    gexc.OutOfRange,
    gexc.MethodNotImplemented,
)


def _cause_name(exc: BaseException) -> str:
    """The class name, and for a RetryError the name of what was retried."""
    name = type(exc).__name__
    cause = getattr(exc, "cause", None)
    return f"{name}({type(cause).__name__})" if cause is not None else name


@contextlib.contextmanager
def mapped(operation: str) -> Iterator[None]:
    """Translate every Firestore-side failure inside the block; our own errors pass through."""
    try:
        yield
    except gexc.NotFound:
        raise NotFound(f"firestore {operation}: not found") from None
    except gexc.AlreadyExists:  # a subclass of Conflict: caught first
        raise AlreadyExists(f"firestore {operation}: already exists") from None
    except (gexc.Aborted, gexc.Conflict) as exc:
        raise ConflictError(f"firestore {operation}: {type(exc).__name__}") from None
    except _PERMANENT as exc:
        logger.error(
            "firestore call refused",
            extra={"operation": operation, "error_class": _cause_name(exc)},
        )
        raise PermanentError(f"firestore {operation}: {type(exc).__name__}") from None
    except (gexc.GoogleAPIError, grpc.RpcError, auth_exc.TransportError) as exc:
        # Unavailable, DeadlineExceeded, ResourceExhausted, Internal, Unknown, RetryError
        # (our retry budget ran out) and raw grpc errors from a stream.
        logger.warning(
            "firestore unavailable",
            extra={"operation": operation, "error_class": _cause_name(exc)},
        )
        raise StoreUnavailable(f"firestore {operation}: {_cause_name(exc)}") from None
    except auth_exc.GoogleAuthError as exc:  # no usable credentials: configuration
        raise PermanentError(f"firestore {operation}: {type(exc).__name__}") from None
