"""A local stand-in for the Gmail API (development and tests only), held to what Google
documents, not to what our code expects (tests/data/gmail/ holds recorded payloads that tests
compare against):

- every request is checked against the bundled discovery document (``gmail_discovery``):
  method and path, parameter names, enum values, bounds; scopes are enforced per method
  (``methods.*.scopes``: a modify with a read-only token is 403);
- ``users.watch``, ``users.stop``, ``users.getProfile``, ``users.labels.list``,
  ``users.history.list`` (``historyTypes``, ``labelId``, pages; 404 for a start id older
  than the retained history), ``users.messages.list`` (``q=after:``, ``labelIds``),
  ``users.messages.get``, ``modify``, ``batchModify``, ``trash`` (writing ``labelAdded`` /
  ``labelRemoved`` history, advancing the history id and notifying the watch);
- labels are ids only (``gmail_store``);
- ``/batch/gmail/v1`` multipart batches answer per part: more than 100 parts is 400 for the
  batch, and parts beyond ``parts_per_batch`` answer 429 "Too many concurrent requests for
  user" (developers.google.com/gmail/api/guides/batch; handle-errors).

It counts HTTP requests, can answer 429 with Retry-After, and — as Gmail does — tells a
watcher of new mail by calling ``notify(email, history_id)`` (make run and the tests publish
that to the Pub/Sub emulator's Gmail topic)."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs, urlsplit

from mailingest_dev.standins import gmail_discovery as discovery
from mailingest_dev.standins.gmail_discovery import Refusal, google_error
from mailingest_dev.standins.gmail_routes import (
    HANDLERS,
    RATE_LIMITED,
    UNAUTHENTICATED,
    Call,
    json_answer,
    refused,
    touched,
)
from mailingest_dev.standins.gmail_store import (
    Account,
    InvalidLabel,
    StoredMessage,
)
from mailingest_dev.standins.serve import Answer, Streamed, serving

__all__ = ["Account", "GmailStandIn", "StoredMessage", "google_error", "running_gmail"]

# developers.google.com/gmail/api/guides/batch: "You're limited to 100 calls in a single
# batch request"
BATCH_LIMIT = 100
# how many parts of one batch are served before the rest answer 429; Gmail's limit is on
# concurrent requests per user, reached by large batches ("larger batch sizes are likely to
# trigger rate limiting", guides/batch)
PARTS_PER_BATCH = 10
READ_ONLY = "https://www.googleapis.com/auth/gmail.readonly"
MODIFY = "https://www.googleapis.com/auth/gmail.modify"


@dataclass
class GmailStandIn:
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> email
    token_scopes: dict[str, frozenset[str]] = field(default_factory=dict)
    # tokens issued elsewhere (a local OAuth server): access token -> email, or None
    authorize: Callable[[str], str | None] | None = None
    accounts: dict[str, Account] = field(default_factory=dict)
    notify: Callable[[str, int], None] | None = None
    requests: list[str] = field(default_factory=list)  # "METHOD /path" per HTTP request
    batch_parts: int = 0
    throttled_parts: int = 0
    parts_per_batch: int = PARTS_PER_BATCH
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""
    _throttle: list[float] = field(default_factory=list)  # Retry-After per answer to refuse
    _throttle_parts: int = 0
    _fail: list[tuple[str, int]] = field(default_factory=list)  # (path suffix, status)
    _next_id: int = 0x18C0000000000000

    # -- what a test or make run does ----------------------------------------------------

    def add_account(
        self, email: str, access_token: str, *, scopes: tuple[str, ...] | None = None
    ) -> Account:
        with self.lock:
            account = self.accounts.setdefault(email, Account(email))
            self.tokens[access_token] = email
            if scopes is not None:
                self.token_scopes[access_token] = frozenset(scopes)
        return account

    def add_label(self, email: str, name: str) -> str:
        """A user label (``users.labels.create``); returns its id (``Label_N``)."""
        with self.lock:
            return self.accounts[email].add_label(name)

    def insert(
        self,
        email: str,
        raw: bytes,
        *,
        labels: tuple[str, ...] = ("INBOX", "UNREAD"),
        internal_date_ms: int | None = None,
        notify: bool = True,
        filler: int = 0,
        stated_size: int | None = None,
    ) -> str:
        """Deliver a message (``users.messages.insert``); tells the watcher like Gmail.
        ``filler``: bytes of text lines it grows by as it is sent (a large message the
        stand-in never holds); ``stated_size``: a wrong ``sizeEstimate`` (``gmail_message``)."""
        with self.lock:
            account = self.accounts[email]
            account.check_labels(labels)
            self._next_id += 1
            message_id = f"{self._next_id:x}"
            date = internal_date_ms or int(time.time() * 1000)
            stored = StoredMessage(message_id, raw, date, set(labels), 0, filler, stated_size)
            history_id = account.add_message(stored)
            watched = account.watched(set(labels))
        if notify and watched and self.notify is not None:
            self.notify(email, history_id)
        return message_id

    def relabel(
        self,
        email: str,
        message_id: str,
        *,
        add: tuple[str, ...] = (),
        remove: tuple[str, ...] = (),
        notify: bool = True,
    ) -> None:
        """What a user or a filter does in Gmail (un-archive, "Not spam", a label applied
        later): the same label change ``messages.modify`` makes, with its history."""
        with self.lock:
            account = self.accounts[email]
            account.check_labels(add + remove)
            message = account.messages[message_id]
            before = set(message.labels)
            written = account.change_labels(message, set(add), set(remove))
            watched = account.watched(before | message.labels)
        if notify and written and watched and self.notify is not None:
            self.notify(email, written[-1])

    def forget_history(self, email: str) -> None:
        """Make every history id issued so far too old (as Gmail does, rarely, after hours)."""
        with self.lock:
            account = self.accounts[email]
            account.history_id += 1
            account.oldest_history_id = account.history_id

    def throttle(self, times: int, retry_after_s: float = 1.0) -> None:
        """The next ``times`` HTTP requests answer 429 with Retry-After."""
        with self.lock:
            self._throttle.extend([retry_after_s] * times)

    def throttle_parts(self, count: int) -> None:
        """The next ``count`` batch parts answer 429, wherever they are in their batch (the
        user's concurrency taken by something else)."""
        with self.lock:
            self._throttle_parts += count

    def fail(self, path_suffix: str, status: int, times: int = 1) -> None:
        """The next ``times`` calls whose path ends with ``path_suffix`` answer ``status``."""
        with self.lock:
            self._fail.extend([(path_suffix, status)] * times)

    def request_count(self) -> int:
        with self.lock:
            return len(self.requests)

    # -- the API ---------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Any, body: bytes) -> Answer:
        with self.lock:
            self.requests.append(f"{method} {urlsplit(target).path}")
            if self._throttle:
                retry_after = self._throttle.pop(0)
                return json_answer(429, RATE_LIMITED, {"Retry-After": f"{retry_after:g}"})
        if urlsplit(target).path == "/batch/gmail/v1" and method == "POST":
            return self._batch(headers, body)
        return self._call(method, target, headers.get("Authorization", ""), body)

    def _call(self, method: str, target: str, authorization: str, body: bytes) -> Answer:
        url = urlsplit(target)
        found = discovery.match(method, url.path)
        if isinstance(found, Refusal):
            return refused(found)
        spec, path = found
        query = parse_qs(url.query, keep_blank_values=True)
        refusal = discovery.check_query(spec, query)
        if refusal is not None:
            return refused(refusal)
        account, scopes = self._authorize(authorization)
        if account is None or path.get("userId") not in ("me", account.email):
            return json_answer(401, UNAUTHENTICATED)
        refusal = discovery.check_scopes(spec, scopes)
        if refusal is not None:
            return refused(refusal)
        handler = HANDLERS.get(spec.id)
        if handler is None:
            return refused(Refusal(501, "Not implemented by the stand-in", "notImplemented", ""))
        call = Call(account, path, query, body)
        with self.lock:
            for n, (suffix, status) in enumerate(self._fail):
                if url.path.endswith(suffix):
                    del self._fail[n]
                    return json_answer(
                        status, google_error(status, "Backend Error", "backendError", "")
                    )
            try:
                answer = handler(call)
            except InvalidLabel as exc:
                answer = refused(discovery.invalid(str(exc)))
            notify = bool(call.changed) and account.watched(touched(account, call))
        if notify and self.notify is not None:
            self.notify(account.email, call.changed[-1])
        return answer

    def _authorize(self, authorization: str) -> tuple[Account | None, frozenset[str]]:
        token = authorization.removeprefix("Bearer ").strip()
        with self.lock:
            email = self.tokens.get(token)
        if email is None and self.authorize is not None:
            email = self.authorize(token)
        with self.lock:
            account = self.accounts.get(email or "")
            if account is None:
                return None, frozenset()
            return account, self.token_scopes.get(token, account.scopes)

    def _batch(self, headers: Any, body: bytes) -> Answer:
        head = f"Content-Type: {headers.get('Content-Type', '')}\r\n\r\n".encode()
        envelope = BytesParser(policy=HTTP).parsebytes(head + body)
        parts = list(envelope.iter_parts()) if envelope.is_multipart() else []
        if len(parts) > BATCH_LIMIT:
            return refused(discovery.invalid(f"Too many requests in batch: {len(parts)}"))
        boundary = "batch_standin_boundary"
        out: list[bytes | Streamed] = []
        for index, part in enumerate(parts):
            code, payload = self._part(index, part, headers)
            content_id = str(part.get("Content-ID", "")).strip("<>")
            out.append(
                f"--{boundary}\r\n".encode()
                + b"Content-Type: application/http\r\n"
                + f"Content-ID: <response-{content_id}>\r\n\r\n".encode()
                + f"HTTP/1.1 {code} {http.HTTPStatus(code).phrase}\r\n".encode()
                + b"Content-Type: application/json; charset=UTF-8\r\n\r\n"
            )
            out += [payload, b"\r\n"]
        out.append(f"--{boundary}--\r\n".encode())
        content_type = {"Content-Type": f"multipart/mixed; boundary={boundary}"}
        return 200, content_type, Streamed.join(out)

    def _part(self, index: int, part: Any, headers: Any) -> tuple[int, bytes | Streamed]:
        with self.lock:
            self.batch_parts += 1
            throttled = index >= self.parts_per_batch or self._throttle_parts > 0
            if throttled:
                self.throttled_parts += 1
                if index < self.parts_per_batch:
                    self._throttle_parts -= 1
        if throttled:
            return 429, json.dumps(RATE_LIMITED).encode()
        request = part.get_payload(decode=True)
        if not isinstance(request, bytes):
            return 400, b"a batch part is an application/http request"
        head_text, _, inner_body = request.partition(b"\r\n\r\n")
        lines = head_text.decode().split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        inner = {
            k.strip().lower(): v.strip()
            for k, v in (ln.split(":", 1) for ln in lines[1:] if ":" in ln)
        }
        auth = inner.get("authorization") or headers.get("Authorization", "")
        code, _h, payload = self._call(method, target, auth, inner_body)
        return code, payload


@contextmanager
def running_gmail(standin: GmailStandIn | None = None) -> Iterator[GmailStandIn]:
    """Serve a stand-in on a free loopback port; ``base_url`` is the API endpoint."""
    standin = standin or GmailStandIn()
    with serving(standin.handle, "gmail-standin") as base_url:
        standin.base_url = base_url
        yield standin
