"""A local stand-in for Microsoft Graph mail (development and tests only), answering in the
shapes Microsoft documents (tests/data/graph/ holds recorded payloads the tests compare
against): ``/subscriptions`` (create — with the validation handshake on both URLs, as Graph
does —, renew, delete, 404), ``messages/delta`` (pages, ``@odata.deltaLink``,
``$deltatoken=latest``, 410 ``syncStateNotFound`` for an expired token), the folder's
messages with a ``receivedDateTime`` filter, ``/messages/{id}/$value``, 429 with
Retry-After. It counts requests, and POSTs change and lifecycle notifications (with
``clientState``) to the subscribed URLs. A token ``authorize`` maps to ``APP_ONLY`` (an
app-only token with the application permission) reads every user's mail."""

from __future__ import annotations

import json
import secrets
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx

from mailingest_dev.standins.serve import serving

Answer = tuple[int, dict[str, str], bytes]
PAGE = 10  # small pages so that paging is exercised
TENANT = "contoso-tenant-id"
APP_ONLY = "*"  # the "user" of an app-only token


def graph_error(code: int, name: str, message: str) -> Answer:
    body = {"error": {"code": name, "message": message, "innerError": {"date": _now_iso()}}}
    return code, {"Content-Type": "application/json"}, json.dumps(body).encode()


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json(code: int, body: dict[str, Any]) -> Answer:
    return (
        code,
        {"Content-Type": "application/json; odata.metadata=minimal"},
        json.dumps(body).encode(),
    )


@dataclass
class Message:
    id: str
    raw: bytes
    received: datetime
    seq: int
    read: bool = False
    folder: str = "inbox"


@dataclass
class Subscription:
    id: str
    user: str
    folder: str
    notification_url: str
    lifecycle_url: str
    client_state: str
    expires: str


@dataclass
class GraphStandIn:
    authorize: Callable[[str], str | None] | None = None  # access token -> user
    tokens: dict[str, str] = field(default_factory=dict)
    messages: dict[str, list[Message]] = field(default_factory=dict)  # user -> messages
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    notifications_sent: int = 0
    base_url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    _seq: int = 0
    _oldest_token: int = 0  # delta tokens below this are expired (410)
    _throttle: list[float] = field(default_factory=list)
    _senders: list[threading.Thread] = field(default_factory=list)

    # -- what a test or make run does ----------------------------------------------------

    def add_user(self, user: str, token: str | None = None) -> None:
        with self.lock:
            self.messages.setdefault(user.lower(), [])
            if token:
                self.tokens[token] = user.lower()

    def deliver(self, user: str, raw: bytes, *, notify: bool = True) -> str:
        """A message arrives in the user's Inbox; subscribers are told, as Graph does."""
        with self.lock:
            self._seq += 1
            # immutable ids look like this and carry "=", "-" and "_"
            message_id = "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A" + secrets.token_urlsafe(12) + "="
            message = Message(message_id, raw, datetime.now(UTC), self._seq)
            self.messages.setdefault(user.lower(), []).append(message)
            subs = [s for s in self.subscriptions.values() if s.user == user.lower()]
        if notify:
            for sub in subs:
                self._send(sub.notification_url, [self._created(sub, message)])
        return message_id

    def lifecycle(self, subscription_id: str, event: str) -> None:
        with self.lock:
            sub = self.subscriptions[subscription_id]
        item = {
            "subscriptionId": sub.id,
            "subscriptionExpirationDateTime": sub.expires,
            "tenantId": TENANT,
            "clientState": sub.client_state,
            "lifecycleEvent": event,
        }
        self._send(sub.lifecycle_url, [item])

    def remove_subscription(self, subscription_id: str) -> None:
        with self.lock:
            self.subscriptions.pop(subscription_id, None)

    def expire_delta_tokens(self) -> None:
        with self.lock:
            self._oldest_token = self._seq + 1

    def throttle(self, times: int, retry_after_s: float = 1.0) -> None:
        with self.lock:
            self._throttle.extend([retry_after_s] * times)

    def request_count(self) -> int:
        with self.lock:
            return len(self.requests)

    def wait_for_notifications(self, timeout_s: float = 30) -> None:
        for sender in list(self._senders):
            sender.join(timeout_s)

    def _created(self, sub: Subscription, message: Message) -> dict[str, Any]:
        resource = f"Users/{sub.user}/Messages/{message.id}"
        return {
            "subscriptionId": sub.id,
            "subscriptionExpirationDateTime": sub.expires,
            "changeType": "created",
            "resource": resource,
            "resourceData": {
                "@odata.type": "#Microsoft.Graph.Message",
                "@odata.id": resource,
                "@odata.etag": 'W/"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf"',
                "id": message.id,
            },
            "clientState": sub.client_state,
            "tenantId": TENANT,
        }

    def _send(self, url: str, items: list[dict[str, Any]]) -> None:
        def post() -> None:
            with httpx.Client(timeout=10) as client:
                client.post(url, json={"value": items})
            with self.lock:
                self.notifications_sent += len(items)

        sender = threading.Thread(target=post, name="graph-notify", daemon=True)
        self._senders.append(sender)
        sender.start()

    # -- the API ---------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Any, body: bytes) -> Answer:
        url = urlsplit(target)
        with self.lock:
            self.requests.append(f"{method} {url.path}")
            if self._throttle:
                retry = self._throttle.pop(0)
                code, hdrs, payload = graph_error(429, "TooManyRequests", "Too many requests.")
                return code, {**hdrs, "Retry-After": f"{retry:g}"}, payload
        user = self._user(headers.get("Authorization", ""))
        if user is None:
            return graph_error(401, "InvalidAuthenticationToken", "Access token is empty.")
        parts = [unquote(p) for p in url.path.strip("/").split("/")]
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if parts[:2] == ["v1.0", "subscriptions"]:
            return self._subscriptions(method, parts[2:], body, user)
        if parts[:2] == ["v1.0", "users"] and len(parts) >= 4:
            if parts[2].lower() != user and user != APP_ONLY:
                return graph_error(403, "ErrorAccessDenied", "Access is denied.")
            return self._mail(method, parts[3:], query, body, parts[2].lower())
        return graph_error(404, "ResourceNotFound", "Resource not found.")

    def _user(self, authorization: str) -> str | None:
        token = authorization.removeprefix("Bearer ").strip()
        with self.lock:
            user = self.tokens.get(token)
        if user is None and self.authorize is not None and token:
            user = self.authorize(token)
        return user.lower() if user else None

    def _subscriptions(self, method: str, rest: list[str], body: bytes, user: str) -> Answer:
        if method == "POST" and not rest:
            return self._create(json.loads(body or b"{}"), user)
        with self.lock:
            sub = self.subscriptions.get(rest[0]) if rest else None
        if sub is None:
            return graph_error(404, "ResourceNotFound", "The object was not found.")
        if method == "DELETE":
            with self.lock:
                self.subscriptions.pop(sub.id, None)
            return 204, {}, b""
        if method == "PATCH":
            sub.expires = json.loads(body or b"{}").get("expirationDateTime", sub.expires)
            return _json(200, self._subscription_body(sub))
        return graph_error(405, "MethodNotAllowed", "Method not allowed.")

    def _create(self, request: dict[str, Any], user: str) -> Answer:
        for url in {request.get("notificationUrl"), request.get("lifecycleNotificationUrl")}:
            if url and not _validates(str(url)):
                return graph_error(400, "InvalidRequest", "Subscription validation request failed.")
        resource = str(request.get("resource", ""))
        folder = resource.split("mailFolders('", 1)[-1].split("')", 1)[0] or "Inbox"
        if user == APP_ONLY:  # users/{address}/mailFolders('…')/messages
            user = unquote(resource.split("/")[1]).lower() if "/" in resource else ""
        sub = Subscription(
            id=str(uuid.uuid4()),
            user=user,
            folder=folder,
            notification_url=str(request.get("notificationUrl")),
            lifecycle_url=str(
                request.get("lifecycleNotificationUrl") or request.get("notificationUrl")
            ),
            client_state=str(request.get("clientState", "")),
            expires=str(request.get("expirationDateTime")),
        )
        with self.lock:
            self.subscriptions[sub.id] = sub
        return _json(201, self._subscription_body(sub, resource))

    def _subscription_body(self, sub: Subscription, resource: str = "") -> dict[str, Any]:
        return {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity",
            "id": sub.id,
            "resource": resource or f"users/{sub.user}/mailFolders('{sub.folder}')/messages",
            "applicationId": "24d3b144-21ae-4080-943f-7067b395b913",
            "changeType": "created",
            "clientState": sub.client_state,
            "notificationUrl": sub.notification_url,
            "lifecycleNotificationUrl": sub.lifecycle_url,
            "expirationDateTime": sub.expires,
            "creatorId": "8ee44408-0679-472c-bc2a-692812af3437",
        }

    def _mail(
        self, method: str, rest: list[str], query: dict[str, str], body: bytes, user: str
    ) -> Answer:
        if method in ("PATCH", "POST") and rest[:1] == ["messages"]:
            return self._change(method, rest, user, body)
        if method != "GET":
            return graph_error(405, "MethodNotAllowed", "Method not allowed.")
        if rest[:1] == ["messages"] and len(rest) == 3 and rest[2] == "$value":
            with self.lock:
                found = [m for m in self.messages.get(user, []) if m.id == rest[1]]
            if not found:
                return graph_error(404, "ErrorItemNotFound", "The specified object was not found.")
            return 200, {"Content-Type": "text/plain"}, found[0].raw
        if rest[:1] == ["mailFolders"] and rest[-1] == "delta":
            return self._delta(query, user)
        if rest[:1] == ["mailFolders"] and rest[-1] == "messages":
            return self._list(query, user)
        return graph_error(404, "ResourceNotFound", "Resource not found.")

    def _change(self, method: str, rest: list[str], user: str, body: bytes) -> Answer:
        """PATCH messages/{id} (isRead) and POST messages/{id}/move (destinationId)."""
        with self.lock:
            found = [m for m in self.messages.get(user, []) if len(rest) > 1 and m.id == rest[1]]
        if not found:
            return graph_error(404, "ErrorItemNotFound", "The specified object was not found.")
        message, request = found[0], json.loads(body or b"{}")
        if method == "PATCH" and len(rest) == 2:
            message.read = bool(request.get("isRead", message.read))
            return _json(200, {"id": message.id, "isRead": message.read})
        if method == "POST" and rest[2:] == ["move"]:
            message.folder = str(request.get("destinationId", message.folder))
            return _json(201, {"id": message.id, "parentFolderId": message.folder})
        return graph_error(405, "MethodNotAllowed", "Method not allowed.")

    def _delta(self, query: dict[str, str], user: str) -> Answer:
        link = f"{self.base_url}v1.0/users/{user}/mailFolders/inbox/messages/delta"
        with self.lock:
            seq, oldest = self._seq, self._oldest_token
            messages = list(self.messages.get(user, []))
        token = query.get("$deltatoken")
        if token == "latest":
            return _json(200, {"value": [], "@odata.deltaLink": f"{link}?$deltatoken={seq}"})
        start = int(token or query.get("$skiptoken", "0").split(":")[0] or 0)
        if token is not None and start < oldest:
            return graph_error(410, "syncStateNotFound", "The sync state is not found.")
        offset = int(query.get("$skiptoken", "0:0").split(":")[-1]) if "$skiptoken" in query else 0
        newer = [m for m in messages if m.seq > start]
        page = newer[offset : offset + PAGE]
        body: dict[str, Any] = {
            "value": [
                {
                    "@odata.type": "#microsoft.graph.message",
                    "id": m.id,
                    "receivedDateTime": m.received.strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
                for m in page
            ]
        }
        if offset + PAGE < len(newer):
            body["@odata.nextLink"] = f"{link}?$skiptoken={start}:{offset + PAGE}"
        else:
            body["@odata.deltaLink"] = f"{link}?$deltatoken={seq}"
        return _json(200, body)

    def _list(self, query: dict[str, str], user: str) -> Answer:
        since = datetime.min.replace(tzinfo=UTC)
        flt = query.get("$filter", "")
        if "receivedDateTime ge " in flt:
            since = datetime.fromisoformat(flt.split("ge ", 1)[1].strip().replace("Z", "+00:00"))
        with self.lock:
            found = [m for m in self.messages.get(user, []) if m.received >= since]
        found.sort(key=lambda m: m.received, reverse=True)
        top = int(query.get("$top", str(PAGE)))
        skip = int(query.get("$skip", "0"))
        page = found[skip : skip + top]
        body: dict[str, Any] = {
            "value": [
                {"id": m.id, "receivedDateTime": m.received.strftime("%Y-%m-%dT%H:%M:%SZ")}
                for m in page
            ]
        }
        if skip + top < len(found):
            link = f"{self.base_url}v1.0/users/{user}/mailFolders/inbox/messages"
            body["@odata.nextLink"] = f"{link}?$top={top}&$skip={skip + top}&$filter={flt}"
        return _json(200, body)


def _validates(url: str) -> bool:
    """Graph's handshake: POST ?validationToken=..., expect 200 text/plain with the token."""
    token = f"Validation: Testing client application reachability {uuid.uuid4()}"
    try:
        response = httpx.post(url, params={"validationToken": token}, timeout=10)
    except httpx.HTTPError:
        return False
    return (
        response.status_code == 200
        and response.headers.get("content-type", "").startswith("text/plain")
        and response.text == token
    )


@contextmanager
def running_graph(standin: GraphStandIn | None = None) -> Iterator[GraphStandIn]:
    """Serve a stand-in on a free loopback port; ``base_url`` + ``v1.0`` is the endpoint."""
    standin = standin or GraphStandIn()
    with serving(standin.handle, "graph-standin") as base_url:
        standin.base_url = base_url
        try:
            yield standin
        finally:
            standin.wait_for_notifications(5)


def expires_in(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
