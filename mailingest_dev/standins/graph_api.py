"""A local stand-in for Microsoft Graph mail (development and tests only), held to what
Microsoft documents (``microsoftgraph/microsoft-graph-docs-contrib``) and never to what our
code expects; where the docs disagree it takes the stricter reading. tests/data/graph/ holds
the documented payloads the tests compare against.

- ``/subscriptions``: create (the validation handshake on both URLs, as Graph does), renew,
  delete, list, 404. The lifetime limit is ``max_lifetime_minutes``, 4,230 by default: the
  current ``api-reference/v1.0/resources/subscription.md`` says 10,080 minutes for Outlook
  messages, older revisions and real refusals 4,230 — beyond it a 400 with Graph's message.
- Change notifications POSTed to the subscribed URLs; one not accepted (non-2xx, or no answer
  within 3 s) is delivered again with exponential backoff (``concepts/webhooks.md``: "If
  Microsoft Graph doesn't receive a 2xx class code within 3 seconds, it will try to publish
  the change notification a number of times, for a period of about 4 hours"; the stand-in's
  retry schedule is ``retry_delays_s``, scaled down).
- Folders, messages and ``messages/delta``: ``graph_mail``.
- Writing to a message (PATCH, move) needs ``Mail.ReadWrite``: a token with ``Mail.Read``
  only gets 403 ``ErrorAccessDenied`` (``api-reference/v1.0/api/message-update.md``,
  ``message-move.md``, "Permissions").
- 429 with Retry-After on demand; every request counted.

A token ``authorize`` maps to ``APP_ONLY`` (app-only, application permission) reads every
user's mail; ``scopes_of`` gives a token's scopes (None: all that the app was granted)."""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx

from mailingest_dev.standins.graph_mail import (
    GraphRefusal,
    Mailbox,
    Message,
    Round,
    iso,
    not_found,
    page_size,
    parse_round,
    round_items,
)
from mailingest_dev.standins.serve import serving

Answer = tuple[int, dict[str, str], bytes]
TENANT = "contoso-tenant-id"
APP_ONLY = "*"  # the "user" of an app-only token
WRITE_SCOPE = "mail.readwrite"
NOTIFY_TIMEOUT_S = 3.0  # concepts/webhooks.md: an answer within 3 seconds


def graph_error(code: int, name: str, message: str) -> Answer:
    body = {"error": {"code": name, "message": message, "innerError": {"date": iso(_now())}}}
    return code, {"Content-Type": "application/json"}, json.dumps(body).encode()


def _now() -> datetime:
    return datetime.now(UTC)


def _json(code: int, body: dict[str, Any]) -> Answer:
    return (
        code,
        {"Content-Type": "application/json; odata.metadata=minimal"},
        json.dumps(body).encode(),
    )


@dataclass
class Subscription:
    id: str
    user: str
    folder: str  # the folder's id
    resource: str
    notification_url: str
    lifecycle_url: str
    client_state: str
    expires: str


@dataclass
class GraphStandIn:
    authorize: Callable[[str], str | None] | None = None  # access token -> user
    scopes_of: Callable[[str], str | None] | None = None  # access token -> "a b c" scopes
    tokens: dict[str, str] = field(default_factory=dict)
    token_scopes: dict[str, str] = field(default_factory=dict)
    mailboxes: dict[str, Mailbox] = field(default_factory=dict)  # user -> mailbox
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    notifications_sent: int = 0
    notification_attempts: int = 0
    max_lifetime_minutes: int = 4230
    retry_delays_s: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)
    on_request: Callable[[str, str], None] | None = None  # (method, path), before answering
    base_url: str = ""
    lock: threading.RLock = field(default_factory=threading.RLock)
    _seq: int = 0
    _rounds: dict[str, Round] = field(default_factory=dict)  # delta token -> round
    _pages: dict[str, tuple[str, list[dict[str, Any]]]] = field(default_factory=dict)
    _throttle: list[float] = field(default_factory=list)
    _throttled_paths: dict[str, int] = field(default_factory=dict)  # path part -> times
    _senders: list[threading.Thread] = field(default_factory=list)

    # -- what a test or make run does ----------------------------------------------------

    @property
    def messages(self) -> dict[str, list[Message]]:
        return {user: box.messages for user, box in self.mailboxes.items()}

    def box(self, user: str) -> Mailbox:
        with self.lock:
            return self.mailboxes.setdefault(user.lower(), Mailbox())

    def add_user(self, user: str, token: str | None = None, scopes: str = "Mail.ReadWrite") -> None:
        with self.lock:
            self.box(user)
            if token:
                self.tokens[token] = user.lower()
                self.token_scopes[token] = scopes

    def add_folder(self, user: str, display_name: str, parent: str = "msgfolderroot") -> str:
        with self.lock:
            return self.box(user).add_folder(display_name, parent)

    def folder_id(self, user: str, ref: str) -> str:
        with self.lock:
            return self.box(user).folder(ref).id

    def deliver(
        self,
        user: str,
        raw: bytes,
        *,
        notify: bool = True,
        folder: str = "inbox",
        received: datetime | None = None,
    ) -> str:
        """A message arrives in a folder (Inbox unless told); subscribers are told."""
        with self.lock:
            box = self.box(user)
            self._seq += 1
            # immutable ids look like this and carry "=", "-" and "_"
            message_id = "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A" + secrets.token_urlsafe(12) + "="
            target = box.folder(folder).id
            message = Message(message_id, raw, received or _now(), self._seq, target)
            box.messages.append(message)
            subs = [s for s in self.subscriptions.values() if s.user == user.lower()]
        if notify:
            for sub in subs:
                if sub.folder == target:
                    self._send(sub.notification_url, [self._created(sub, message)])
        return message_id

    def user_changes(self, user: str, message_id: str, *, read: bool, flagged: bool) -> None:
        """The user reads or flags a message in Outlook: an update, as for delta."""
        with self.lock:
            message = self.box(user).message(message_id)
            self._seq += 1
            message.read, message.flagged, message.changed = read, flagged, self._seq

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
            self._rounds.clear()
            self._pages.clear()

    def throttle(self, times: int, retry_after_s: float = 1.0) -> None:
        with self.lock:
            self._throttle.extend([retry_after_s] * times)

    def throttle_path(self, part: str, times: int) -> None:
        """The next ``times`` requests whose path contains ``part`` (a message id) get 429
        (learn.microsoft.com/graph/throttling: any request may be throttled)."""
        with self.lock:
            self._throttled_paths[part] = times

    def request_count(self) -> int:
        with self.lock:
            return len(self.requests)

    def downloads(self) -> int:
        with self.lock:
            return len([r for r in self.requests if r.endswith("/$value")])

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
            for delay in (0.0, *self.retry_delays_s):
                time.sleep(delay)
                with self.lock:
                    self.notification_attempts += 1
                try:
                    with httpx.Client(timeout=NOTIFY_TIMEOUT_S) as client:
                        answer = client.post(url, json={"value": items})
                except httpx.HTTPError:
                    continue  # no answer within 3 s, or none at all: again later
                if 200 <= answer.status_code < 300:
                    with self.lock:
                        self.notifications_sent += len(items)
                    return

        sender = threading.Thread(target=post, name="graph-notify", daemon=True)
        self._senders.append(sender)
        sender.start()

    # -- the API ---------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Any, body: bytes) -> Answer:
        url = urlsplit(target)
        if self.on_request is not None:
            self.on_request(method, url.path)
        with self.lock:
            self.requests.append(f"{method} {url.path}")
            path = unquote(url.path)
            part = next((p for p, n in self._throttled_paths.items() if n and p in path), None)
            if part is not None:
                self._throttled_paths[part] -= 1
                self._throttle.insert(0, 0.1)
            if self._throttle:
                retry = self._throttle.pop(0)
                code, hdrs, payload = graph_error(429, "TooManyRequests", "Too many requests.")
                return code, {**hdrs, "Retry-After": f"{retry:g}"}, payload
        token = headers.get("Authorization", "").removeprefix("Bearer ").strip()
        user = self._user(token)
        if user is None:
            return graph_error(401, "InvalidAuthenticationToken", "Access token is empty.")
        parts = [unquote(p) for p in url.path.strip("/").split("/")]
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        try:
            if parts[:2] == ["v1.0", "subscriptions"]:
                return self._subscriptions(method, parts[2:], body, user)
            if parts[:2] == ["v1.0", "users"] and len(parts) >= 4:
                owner = parts[2].lower()
                if owner != user and user != APP_ONLY:
                    return graph_error(403, "ErrorAccessDenied", "Access is denied.")
                if method in ("PATCH", "POST") and not self._may_write(token):
                    return graph_error(
                        403,
                        "ErrorAccessDenied",
                        "Access is denied. Check credentials and try again.",
                    )
                return self._mail(method, parts[3:], query, headers, body, owner)
        except GraphRefusal as refusal:
            return graph_error(refusal.status, refusal.code, refusal.message)
        return graph_error(404, "ResourceNotFound", "Resource not found.")

    def _user(self, token: str) -> str | None:
        with self.lock:
            user = self.tokens.get(token)
        if user is None and self.authorize is not None and token:
            user = self.authorize(token)
        return user.lower() if user else None

    def _may_write(self, token: str) -> bool:
        with self.lock:
            scopes = self.token_scopes.get(token)
        if scopes is None and self.scopes_of is not None:
            scopes = self.scopes_of(token)
        if scopes is None:
            return True  # an app-only token: the application permission the app was granted
        names = {s.rsplit("/", 1)[-1].lower() for s in scopes.split()}
        return bool(names & {WRITE_SCOPE, WRITE_SCOPE + ".shared"})

    # -- subscriptions --------------------------------------------------------------------

    def _subscriptions(self, method: str, rest: list[str], body: bytes, user: str) -> Answer:
        if method == "POST" and not rest:
            return self._create(json.loads(body or b"{}"), user)
        if method == "GET" and not rest:
            with self.lock:
                mine = [s for s in self.subscriptions.values() if user in (APP_ONLY, s.user)]
            return _json(200, {"value": [self._subscription_body(s) for s in mine]})
        with self.lock:
            sub = self.subscriptions.get(rest[0]) if rest else None
        if sub is None:
            return graph_error(404, "ResourceNotFound", "The object was not found.")
        if method == "DELETE":
            with self.lock:
                self.subscriptions.pop(sub.id, None)
            return 204, {}, b""
        if method == "PATCH":
            expires = json.loads(body or b"{}").get("expirationDateTime", sub.expires)
            refused = self._lifetime_refusal(str(expires), "Update")
            if refused is not None:
                return refused
            sub.expires = expires
            return _json(200, self._subscription_body(sub))
        if method == "GET":
            return _json(200, self._subscription_body(sub))
        return graph_error(405, "MethodNotAllowed", "Method not allowed.")

    def _lifetime_refusal(self, expires: str, operation: str) -> Answer | None:
        try:
            at = datetime.fromisoformat(expires.replace("Z", "+00:00"))
        except ValueError:
            return graph_error(400, "InvalidRequest", "expirationDateTime is not a date.")
        if at > _now() + timedelta(minutes=self.max_lifetime_minutes):
            limit = self.max_lifetime_minutes
            return graph_error(
                400,
                "ExtensionError",
                f"Operation: {operation}; Exception: [Status Code: BadRequest; Reason: "
                f"Subscription expiration can only be {limit} minutes in the future.]",
            )
        return None

    def _create(self, request: dict[str, Any], user: str) -> Answer:
        resource = str(request.get("resource", ""))
        if user == APP_ONLY:  # users/{address}/mailFolders('…')/messages
            user = unquote(resource.split("/")[1]).lower() if "/" in resource else ""
        ref = resource.split("mailFolders('", 1)[-1].split("')", 1)[0] if "('" in resource else ""
        with self.lock:
            folder = self.box(user).folder(ref or "inbox").id  # 404 for a display name
        refused = self._lifetime_refusal(str(request.get("expirationDateTime")), "Create")
        if refused is not None:
            return refused
        for url in {request.get("notificationUrl"), request.get("lifecycleNotificationUrl")}:
            if url and not _validates(str(url)):
                return graph_error(400, "InvalidRequest", "Subscription validation request failed.")
        sub = Subscription(
            id=str(uuid.uuid4()),
            user=user,
            folder=folder,
            resource=resource,
            notification_url=str(request.get("notificationUrl")),
            lifecycle_url=str(
                request.get("lifecycleNotificationUrl") or request.get("notificationUrl")
            ),
            client_state=str(request.get("clientState", "")),
            expires=str(request.get("expirationDateTime")),
        )
        with self.lock:
            self.subscriptions[sub.id] = sub
        return _json(201, self._subscription_body(sub))

    def _subscription_body(self, sub: Subscription) -> dict[str, Any]:
        return {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity",
            "id": sub.id,
            "resource": sub.resource,
            "applicationId": "24d3b144-21ae-4080-943f-7067b395b913",
            "changeType": "created",
            "clientState": sub.client_state,
            "notificationUrl": sub.notification_url,
            "lifecycleNotificationUrl": sub.lifecycle_url,
            "expirationDateTime": sub.expires,
            "creatorId": "8ee44408-0679-472c-bc2a-692812af3437",
        }

    # -- mail -----------------------------------------------------------------------------

    def _mail(
        self,
        method: str,
        rest: list[str],
        query: dict[str, str],
        headers: Any,
        body: bytes,
        user: str,
    ) -> Answer:
        with self.lock:
            box = self.box(user)
            if method in ("PATCH", "POST") and rest[:1] == ["messages"]:
                return self._change(method, rest, box, json.loads(body or b"{}"))
            if method != "GET":
                return graph_error(405, "MethodNotAllowed", "Method not allowed.")
            if rest[:1] == ["messages"] and len(rest) == 3 and rest[2] == "$value":
                return 200, {"Content-Type": "text/plain"}, box.message(rest[1]).raw
            if rest[:1] == ["mailFolders"] or rest[0].startswith("mailFolders("):
                return self._folders(rest, query, headers, box, user)
        return graph_error(404, "ResourceNotFound", "Resource not found.")

    def _folders(
        self, rest: list[str], query: dict[str, str], headers: Any, box: Mailbox, user: str
    ) -> Answer:
        # mailFolders/{x}/... and mailFolders('{x}')/... name the same folder
        if rest[0].startswith("mailFolders("):
            rest = ["mailFolders", rest[0][len("mailFolders(") :].strip(")").strip("'"), *rest[1:]]
        base = f"{self.base_url}v1.0/users/{user}/mailFolders"
        if len(rest) == 1:
            return _listing([f.body(box) for f in box.children("msgfolderroot")], query, base)
        folder = box.folder(rest[1])
        tail = rest[2:]
        if not tail:
            return _json(200, folder.body(box))
        if tail == ["childFolders"]:
            children = [f.body(box) for f in box.children(folder.id)]
            return _listing(children, query, f"{base}/{folder.id}/childFolders")
        if tail == ["messages", "delta"]:
            return self._delta(folder.id, query, headers, box, user)
        if tail == ["messages"]:
            return self._messages(folder.id, query, box)
        raise not_found()

    def _change(
        self, method: str, rest: list[str], box: Mailbox, request: dict[str, Any]
    ) -> Answer:
        """PATCH messages/{id} (isRead) and POST messages/{id}/move (destinationId)."""
        message = box.message(rest[1]) if len(rest) > 1 else None
        if message is None:
            raise not_found()
        if method == "PATCH" and len(rest) == 2:
            self._seq += 1
            message.read = bool(request.get("isRead", message.read))
            message.changed = self._seq
            return _json(200, {"id": message.id, "isRead": message.read})
        if method == "POST" and rest[2:] == ["move"]:
            target = box.folder(str(request.get("destinationId", "")))  # id or well-known
            self._seq += 1
            box.removed.append((self._seq, message.id, message.folder))
            message.folder, message.seq = target.id, self._seq
            return _json(201, {"id": message.id, "parentFolderId": message.folder})
        return graph_error(405, "MethodNotAllowed", "Method not allowed.")

    def _delta(
        self, folder: str, query: dict[str, str], headers: Any, box: Mailbox, user: str
    ) -> Answer:
        size = page_size(headers, query)
        link = f"{self.base_url}v1.0/users/{user}/mailFolders('{folder}')/messages/delta"
        if "$skiptoken" in query:
            page = self._pages.pop(query["$skiptoken"], None)
            if page is None:
                raise GraphRefusal(410, "SyncStateNotFound", "The sync state is not found.")
            next_token, items = page
        else:
            token = query.get("$deltatoken")
            if token is None or token == "latest":  # "latest" is nothing special for mail
                options = {k: v for k, v in query.items() if k != "$deltatoken"}
                round_ = parse_round(folder, options)
            elif token in self._rounds:
                round_ = self._rounds[token]
            else:
                raise GraphRefusal(410, "SyncStateNotFound", "The sync state is not found.")
            items = round_items(box, round_)
            next_token = secrets.token_urlsafe(16)
            self._rounds[next_token] = Round(folder, round_.change_type, round_.since, self._seq)
        body: dict[str, Any] = {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(message)",
            "value": items[:size],
        }
        if len(items) > size:
            skip = secrets.token_urlsafe(16)
            self._pages[skip] = (next_token, items[size:])
            body["@odata.nextLink"] = f"{link}?$skiptoken={skip}"
        else:
            body["@odata.deltaLink"] = f"{link}?$deltatoken={next_token}"
        return _json(200, body)

    def _messages(self, folder: str, query: dict[str, str], box: Mailbox) -> Answer:
        since = datetime.min.replace(tzinfo=UTC)
        flt = query.get("$filter", "")
        if "receivedDateTime ge " in flt:
            since = datetime.fromisoformat(flt.split("ge ", 1)[1].strip().replace("Z", "+00:00"))
        found = [m for m in box.messages if m.folder == folder and m.received >= since]
        found.sort(key=lambda m: m.received, reverse=True)
        top = int(query.get("$top", "10"))
        skip = int(query.get("$skip", "0"))
        body: dict[str, Any] = {
            "value": [{"id": m.id, "receivedDateTime": iso(m.received)} for m in found[skip:][:top]]
        }
        if skip + top < len(found):
            link = f"{self.base_url}v1.0/users/me/mailFolders/{folder}/messages"
            body["@odata.nextLink"] = f"{link}?$top={top}&$skip={skip + top}&$filter={flt}"
        return _json(200, body)


def _listing(items: list[dict[str, Any]], query: dict[str, str], link: str) -> Answer:
    """A collection in pages of ``$top`` (10 by default, api-reference/v1.0/api/
    user-list-mailfolders.md) with ``@odata.nextLink``."""
    top, skip = int(query.get("$top", "10")), int(query.get("$skip", "0"))
    body: dict[str, Any] = {"value": items[skip : skip + top]}
    if skip + top < len(items):
        body["@odata.nextLink"] = f"{link}?$top={top}&$skip={skip + top}"
    return _json(200, body)


def _validates(url: str) -> bool:
    """Graph's handshake: POST ?validationToken=..., expect 200 text/plain with the token
    within 10 seconds (``concepts/webhooks.md``, "Notification endpoint validation")."""
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
