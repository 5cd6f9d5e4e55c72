"""How a step's failure is told apart: the message's own (``MessageFailure``: dead-lettered)
or a port's (``PortFailure``: retryable, nothing handed off); ``describe`` names an error
without leaking what it carried."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from shared.errors import MailIngestError, PortFailure, RetryableError
from shared.observability import redact


class MessageFailure(Exception):
    """A step failed because of this message (parse, tenant rules, classify, event building,
    an event over the topic's size limit): the only kind of failure that is dead-lettered."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


@contextmanager
def message_step() -> Iterator[None]:
    try:
        yield
    except Exception as exc:  # pure code on this message's content
        raise MessageFailure(exc) from exc


@contextmanager
def port(name: str) -> Iterator[None]:
    """A port's failure, transient or not (a GCS 403, a missing bucket), is never the
    message's fault: it leaves as ``PortFailure`` so nothing is handed off."""
    try:
        yield
    except (RetryableError, MessageFailure):
        raise
    except Exception as exc:
        raise PortFailure(f"{name}: {describe(exc)}", port=name) from exc


def describe(exc: Exception) -> str:
    # adapters map vendor errors to our types with safe messages; anything else (a bug, a
    # vendor type that escaped) is named by type only, so no URL or token reaches health
    text = str(exc) if isinstance(exc, MailIngestError) else ""
    return redact(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:300]
