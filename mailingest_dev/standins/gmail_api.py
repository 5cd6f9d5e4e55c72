"""A local stand-in for the Gmail API (development and tests only), answering in the shapes
Google documents (tests/data/gmail/ holds recorded payloads that tests compare against):
``users.watch``, ``users.stop``, ``users.getProfile``, ``users.history.list`` (pages; 404
for a history id older than the retained history), ``users.messages.list`` (``q=after:``),
``users.messages.get?format=raw``, ``users.messages.batchModify`` and ``/batch/gmail/v1``
multipart batches. It counts HTTP requests, can answer 429 with Retry-After, and — as Gmail
does — tells a watcher of new mail by calling ``notify(email, history_id)`` (make run and the
tests publish that to the Pub/Sub emulator's Gmail topic)."""

from __future__ import annotations

import base64
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

from mailingest_dev.standins.serve import serving

Answer = tuple[int, dict[str, str], bytes]
PAGE = 100  # the stand-in's page size, smaller than Google's so that paging is exercised


def google_error(code: int, message: str, reason: str, status: str) -> dict[str, Any]:
    detail = {"message": message, "domain": "global", "reason": reason}
    return {"error": {"code": code, "message": message, "errors": [detail], "status": status}}


NOT_FOUND = google_error(404, "Requested entity was not found.", "notFound", "NOT_FOUND")
RATE_LIMITED = google_error(
    429, "Too many concurrent requests for user", "rateLimitExceeded", "RESOURCE_EXHAUSTED"
)
UNAUTHENTICATED = google_error(
    401, "Request had invalid authentication credentials.", "authError", "UNAUTHENTICATED"
)


@dataclass
class StoredMessage:
    id: str
    raw: bytes
    internal_date_ms: int
    labels: set[str]
    history_id: int


@dataclass
class Account:
    email: str
    messages: dict[str, StoredMessage] = field(default_factory=dict)
    history: list[tuple[int, str]] = field(default_factory=list)  # (history id, message id)
    history_id: int = 1000
    oldest_history_id: int = 1000  # a start id below this is "too old": 404
    watch: dict[str, Any] | None = None


@dataclass
class GmailStandIn:
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> email
    # tokens issued elsewhere (a local OAuth server): access token -> email, or None
    authorize: Callable[[str], str | None] | None = None
    accounts: dict[str, Account] = field(default_factory=dict)
    notify: Callable[[str, int], None] | None = None
    requests: list[str] = field(default_factory=list)  # "METHOD /path" per HTTP request
    batch_parts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""
    _throttle: list[float] = field(default_factory=list)  # Retry-After per answer to refuse
    _next_id: int = 0x18C0000000000000

    # -- what a test or make run does ----------------------------------------------------

    def add_account(self, email: str, access_token: str) -> Account:
        with self.lock:
            account = self.accounts.setdefault(email, Account(email))
            self.tokens[access_token] = email
        return account

    def insert(
        self,
        email: str,
        raw: bytes,
        *,
        labels: tuple[str, ...] = ("INBOX", "UNREAD"),
        internal_date_ms: int | None = None,
        notify: bool = True,
    ) -> str:
        """Deliver a message (``users.messages.insert``); tells the watcher like Gmail."""
        with self.lock:
            account = self.accounts[email]
            self._next_id += 1
            message_id = f"{self._next_id:x}"
            account.history_id += 1
            account.messages[message_id] = StoredMessage(
                message_id,
                raw,
                internal_date_ms or int(time.time() * 1000),
                set(labels),
                account.history_id,
            )
            account.history.append((account.history_id, message_id))
            watched = account.watch is not None and bool(
                set(account.watch.get("labelIds") or labels) & set(labels)
            )
            history_id = account.history_id
        if notify and watched and self.notify is not None:
            self.notify(email, history_id)
        return message_id

    def forget_history(self, email: str) -> None:
        """Make every history id issued so far too old (as Gmail does, rarely, after hours)."""
        with self.lock:
            account = self.accounts[email]
            account.history_id += 1
            account.oldest_history_id = account.history_id

    def throttle(self, times: int, retry_after_s: float = 1.0) -> None:
        with self.lock:
            self._throttle.extend([retry_after_s] * times)

    def request_count(self) -> int:
        with self.lock:
            return len(self.requests)

    # -- the API ---------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: Any, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.requests.append(f"{method} {urlsplit(target).path}")
            if self._throttle:
                retry_after = self._throttle.pop(0)
                return _json(429, RATE_LIMITED, {"Retry-After": f"{retry_after:g}"})
        if urlsplit(target).path == "/batch/gmail/v1":
            return self._batch(headers, body)
        return self._call(method, target, headers.get("Authorization", ""), body)

    def _call(
        self, method: str, target: str, authorization: str, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(target)
        parts = url.path.strip("/").split("/")
        # gmail / v1 / users / {userId} / ...
        if parts[:3] != ["gmail", "v1", "users"] or len(parts) < 5:
            return _json(404, NOT_FOUND)
        token = authorization.removeprefix("Bearer ").strip()
        with self.lock:
            email = self.tokens.get(token)
        if email is None and self.authorize is not None:
            email = self.authorize(token)
        with self.lock:
            account = self.accounts.get(email or "")
        if account is None or parts[3] not in ("me", account.email):
            return _json(401, UNAUTHENTICATED)
        query = {k: v for k, v in parse_qs(url.query).items()}
        route = (method, *parts[4:6])
        with self.lock:
            return self._route(account, route, parts, query, body)

    def _route(
        self,
        account: Account,
        route: tuple[str, ...],
        parts: list[str],
        query: dict[str, list[str]],
        body: bytes,
    ) -> tuple[int, dict[str, str], bytes]:
        if route[:2] == ("GET", "messages") and len(parts) == 6:
            return _get(account, parts[5], query)
        handler = _ROUTES.get(route)
        if handler is None:
            return _json(404, NOT_FOUND)
        return handler(account, query, body)

    def _batch(self, headers: Any, body: bytes) -> tuple[int, dict[str, str], bytes]:
        head = f"Content-Type: {headers.get('Content-Type', '')}\r\n\r\n".encode()
        envelope = BytesParser(policy=HTTP).parsebytes(head + body)
        answers: list[bytes] = []
        for part in envelope.iter_parts():
            request = part.get_payload(decode=True)
            assert isinstance(request, bytes)
            head_text, _, inner_body = request.partition(b"\r\n\r\n")
            lines = head_text.decode().split("\r\n")
            method, target, _version = lines[0].split(" ", 2)
            inner = {
                k.strip(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:] if ":" in ln)
            }
            auth = (
                inner.get("authorization")
                or inner.get("Authorization")
                or headers.get("Authorization", "")
            )
            with self.lock:
                self.batch_parts += 1
            code, _h, payload = self._call(method, target, auth, inner_body)
            content_id = str(part.get("Content-ID", "")).strip("<>")
            answers.append(
                b"Content-Type: application/http\r\n"
                + f"Content-ID: <response-{content_id}>\r\n\r\n".encode()
                + f"HTTP/1.1 {code} {http.HTTPStatus(code).phrase}\r\n".encode()
                + b"Content-Type: application/json; charset=UTF-8\r\n\r\n"
                + payload
                + b"\r\n"
            )
        boundary = "batch_standin_boundary"
        out = b"".join(f"--{boundary}\r\n".encode() + a for a in answers)
        out += f"--{boundary}--\r\n".encode()
        return 200, {"Content-Type": f"multipart/mixed; boundary={boundary}"}, out


def _watch(account: Account, _q: dict[str, list[str]], body: bytes) -> Answer:
    account.watch = json.loads(body or b"{}")
    expiration = int(time.time() * 1000) + 7 * 86400 * 1000
    return _json(200, {"historyId": str(account.history_id), "expiration": str(expiration)})


def _stop(account: Account, _q: dict[str, list[str]], _b: bytes) -> Answer:
    account.watch = None
    return 204, {}, b""


def _json(
    code: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    return (
        code,
        {"Content-Type": "application/json; charset=UTF-8", **(headers or {})},
        (json.dumps(body).encode()),
    )


def _profile(account: Account, _q: dict[str, list[str]], _b: bytes) -> Answer:
    return _json(
        200,
        {
            "emailAddress": account.email,
            "messagesTotal": len(account.messages),
            "threadsTotal": len(account.messages),
            "historyId": str(account.history_id),
        },
    )


def _history(account: Account, query: dict[str, list[str]], _b: bytes) -> Answer:
    start = int(query.get("startHistoryId", ["0"])[0])
    if start < account.oldest_history_id:
        return _json(404, NOT_FOUND)
    label = query.get("labelId", [None])[0]
    offset = int(query.get("pageToken", ["0"])[0])
    records = [
        (hid, mid)
        for hid, mid in account.history
        if hid > start
        and mid in account.messages
        and (label is None or label in account.messages[mid].labels)
    ]
    size = min(int(query.get("maxResults", [str(PAGE)])[0]), PAGE)
    page = records[offset : offset + size]
    body: dict[str, Any] = {"historyId": str(account.history_id)}
    if page:
        body["history"] = [
            {
                "id": str(hid),
                "messages": [{"id": mid, "threadId": mid}],
                "messagesAdded": [
                    {
                        "message": {
                            "id": mid,
                            "threadId": mid,
                            "labelIds": sorted(account.messages[mid].labels),
                        }
                    }
                ],
            }
            for hid, mid in page
        ]
    if offset + size < len(records):
        body["nextPageToken"] = str(offset + size)
    return _json(200, body)


def _list(account: Account, query: dict[str, list[str]], _b: bytes) -> Answer:
    labels = set(query.get("labelIds", []))
    after_ms = 0
    for term in query.get("q", [""])[0].split():
        if term.startswith("after:"):
            after_ms = int(term.removeprefix("after:")) * 1000
    found = sorted(
        (
            m
            for m in account.messages.values()
            if labels <= m.labels and m.internal_date_ms > after_ms
        ),
        key=lambda m: (m.internal_date_ms, m.history_id),
        reverse=True,  # newest first, as Gmail lists
    )
    size = min(int(query.get("maxResults", [str(PAGE)])[0]), PAGE)
    offset = int(query.get("pageToken", ["0"])[0])
    page = found[offset : offset + size]
    body: dict[str, Any] = {"resultSizeEstimate": len(found)}
    if page:
        body["messages"] = [{"id": m.id, "threadId": m.id} for m in page]
    if offset + size < len(found):
        body["nextPageToken"] = str(offset + size)
    return _json(200, body)


def _get(
    account: Account, message_id: str, query: dict[str, list[str]]
) -> tuple[int, dict[str, str], bytes]:
    message = account.messages.get(message_id)
    if message is None:
        return _json(404, NOT_FOUND)
    body: dict[str, Any] = {
        "id": message.id,
        "threadId": message.id,
        "labelIds": sorted(message.labels),
        "snippet": "",
        "historyId": str(message.history_id),
        "internalDate": str(message.internal_date_ms),
        "sizeEstimate": len(message.raw),
    }
    if query.get("format", ["full"])[0] == "raw":
        body["raw"] = base64.urlsafe_b64encode(message.raw).decode().rstrip("=")
    return _json(200, body)


def _modify(account: Account, _q: dict[str, list[str]], raw_body: bytes) -> Answer:
    body = json.loads(raw_body or b"{}")
    for message_id in body.get("ids", []):
        message = account.messages.get(message_id)
        if message is not None:
            message.labels |= set(body.get("addLabelIds", []))
            message.labels -= set(body.get("removeLabelIds", []))
    return 204, {}, b""


_ROUTES: dict[tuple[str, ...], Callable[[Account, dict[str, list[str]], bytes], Answer]] = {
    ("POST", "watch"): _watch,
    ("POST", "stop"): _stop,
    ("GET", "profile"): _profile,
    ("GET", "history"): _history,
    ("GET", "messages"): _list,
    ("POST", "messages", "batchModify"): _modify,
}


@contextmanager
def running_gmail(standin: GmailStandIn | None = None) -> Iterator[GmailStandIn]:
    """Serve a stand-in on a free loopback port; ``base_url`` is the API endpoint."""
    standin = standin or GmailStandIn()
    with serving(standin.handle, "gmail-standin") as base_url:
        standin.base_url = base_url
        yield standin
