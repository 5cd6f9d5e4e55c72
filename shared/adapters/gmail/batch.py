"""Gmail batches (``/batch/gmail/v1``) where each part answers on its own
(developers.google.com/gmail/api/guides/batch): a part can come back 429 "Too many
concurrent requests for user" while the others succeed. Only the failed parts are sent
again, in later rounds with exponential backoff; what succeeded is kept.

Size and parallelism: one batch at a time (parts of parallel batches count against the same
per-user concurrency) of ``PARTS`` parts — Gmail allows 100 but warns that "larger batch
sizes are likely to trigger rate limiting", and ``messages.get`` costs 5 of the 250 quota
units a user may spend per second (guides/batch, reference/quota). A burst of 1,000 is then
100 requests when nothing is throttled.

Size: a batch's answer is read to at most ``part_bytes`` per part (the transport,
``shared.adapters.gmail.capped_http``, stops there). A batch cut there is dropped and each
of its parts asked ``alone`` instead, under its own cap: the parts within it arrive whole and
once, and the one over it becomes what the caller makes of it (``shared.adapters.gmail.api``).
Ordinary mail is never cut: the extra requests are spent only on a message too large.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, TypeVar

from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest, HttpRequest

from shared.adapters.gmail.capped_http import AnswerTooLarge, CappedHttp
from shared.adapters.gmail.errors import map_http_error, mapped
from shared.errors import MailIngestError, ServiceUnavailable

logger = logging.getLogger(__name__)
PARTS = 10  # parts per batch
T = TypeVar("T")


@dataclass(frozen=True)
class PartRetries:
    # the first try and up to four rounds of the failed parts, waiting 0.25 + 0.5 + 1 + 2 s;
    # what is still throttled then stops the sync, and the push is redelivered later
    rounds: int = 5
    first_wait_s: float = 0.25
    max_wait_s: float = 4.0
    sleep: Callable[[float], None] = time.sleep

    def wait(self, round_: int) -> None:
        self.sleep(min(self.max_wait_s, self.first_wait_s * 2**round_))


def _retryable(result: object) -> bool:
    return isinstance(result, ServiceUnavailable)  # Throttled included


class Batches:
    """Runs ``make(key)`` for many keys as batches, ``parse`` turning each answer into a
    value; the results map every key to its value or its ``MailIngestError``."""

    def __init__(
        self,
        http: Any,
        transport: CappedHttp,
        batch_uri: str,
        execute_batch: Callable[[Callable[[], None]], None],
        retries: PartRetries,
    ) -> None:
        self._http = http  # the authorized client over ``transport``
        self._transport = transport
        self._uri = batch_uri
        self._execute = execute_batch  # the whole request's own retries (outages)
        self._retries = retries

    def run(
        self,
        what: str,
        keys: Sequence[str],
        make: Callable[[str], HttpRequest],
        parse: Callable[[Any], T | MailIngestError],
        *,
        part_bytes: int | None = None,
        alone: Callable[[str], T | MailIngestError] | None = None,
    ) -> dict[str, T | MailIngestError]:
        """``part_bytes``: the most each part's answer may take (the transport's own cap
        otherwise, for the whole answer); ``alone``: one key by itself, for the parts of a
        batch whose answer went past that (without it, ``AnswerTooLarge`` is raised)."""
        results: dict[str, T | MailIngestError] = {}
        pending = list(dict.fromkeys(keys))
        for round_ in range(self._retries.rounds):
            if round_:
                self._retries.wait(round_ - 1)
            for start in range(0, len(pending), PARTS):
                chunk = pending[start : start + PARTS]
                cap = part_bytes * len(chunk) if part_bytes else None
                results.update(self._one_or_alone(what, chunk, make, parse, cap, alone))
            pending = [k for k in pending if _retryable(results[k])]
            if not pending:
                break
        return results

    def _one_or_alone(
        self,
        what: str,
        keys: list[str],
        make: Callable[[str], HttpRequest],
        parse: Callable[[Any], T | MailIngestError],
        cap: int | None,
        alone: Callable[[str], T | MailIngestError] | None,
    ) -> dict[str, T | MailIngestError]:
        try:
            return self._one(what, keys, make, parse, cap)
        except AnswerTooLarge:
            if alone is None:
                raise
        # out of the handler: what was read of the cut answer is let go before the rest
        logger.warning(
            "gmail batch answer over its cap: its parts asked one by one",
            extra={"parts": len(keys), "cap": cap},
        )
        return {key: alone(key) for key in keys}

    def _one(
        self,
        what: str,
        keys: list[str],
        make: Callable[[str], HttpRequest],
        parse: Callable[[Any], T | MailIngestError],
        cap: int | None,
    ) -> dict[str, T | MailIngestError]:
        out: dict[str, T | MailIngestError] = {}

        def collect(key: str, response: Any, exception: Exception | None) -> None:
            if isinstance(exception, HttpError):
                out[key] = map_http_error(exception, f"{what} {key}")
            elif exception is not None:
                out[key] = ServiceUnavailable(f"gmail {what}: {type(exception).__name__}")
            else:
                out[key] = parse(response)

        def send() -> None:
            out.clear()
            batch = BatchHttpRequest(callback=collect, batch_uri=self._uri)
            for key in keys:
                batch.add(make(key), request_id=key)
            with self._capped(cap), mapped("batch"):
                batch.execute(http=self._http)

        self._execute(send)
        for key in keys:  # a part the server left out of its answer
            out.setdefault(key, ServiceUnavailable(f"gmail {what}: no answer for a part"))
        return out

    def _capped(self, cap: int | None) -> AbstractContextManager[None]:
        return self._transport.capped(cap) if cap else nullcontext()
