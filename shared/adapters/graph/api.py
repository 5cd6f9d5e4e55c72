"""Microsoft Graph mail through httpx: one client with timeouts and a tenacity retry policy
for outages; throttling (429, or 503 with Retry-After) is not retried here but raised as
``Throttled`` so the caller backs this mailbox off; every vendor error is mapped in
``map_response``. Immutable ids are asked for (``Prefer: IdType="ImmutableId"``) so a
message keeps its id, and its event id, when it is moved.

Facts (``microsoftgraph/microsoft-graph-docs-contrib``): subscriptions for messages live at
most 10,080 minutes by the current ``resources/subscription.md``, 4,230 by older revisions
and real refusals ("Subscription expiration can only be 4230 minutes in the future": mapped
to ``LifetimeRefused`` with the limit it states); delta returns created, updated and
``@removed`` items unless ``changeType`` is in the first request of a round, and accepts
only ``$filter=receivedDateTime ge|gt {v}`` (``api/message-delta.md``); ``$deltatoken=latest``
is not documented for messages (``concepts/delta-query-overview.md``); delta pages end with
``@odata.deltaLink``; an expired sync state is 410 / ``syncStateNotFound`` (any case);
``mailFolders('{x}')`` takes an id or a well-known name only (``resources/mailfolder.md``):
display names are resolved through ``mailFolders`` and ``childFolders``; MIME is
``/messages/{id}/$value`` (``api/message-get.md``, "Get MIME content"): streamed and cut at
``max_message_bytes`` + 1, so a message over the limit is never held whole (the pipeline
turns a raw longer than the limit into the event that says so); Outlook allows 4
concurrent requests per mailbox and app.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from shared.config import Settings
from shared.domain.models import Mailbox
from shared.errors import (
    AuthError,
    CursorExpired,
    FolderNotFound,
    LifetimeRefused,
    MailIngestError,
    NotFound,
    ServiceUnavailable,
    Throttled,
    ValidationError,
)
from shared.ports import GraphChange, GraphSubscription, GraphSubscriptionInfo

GRAPH_ENDPOINT = "https://graph.microsoft.com/v1.0"
MAX_PAGES = 500
PAGE_SIZE = 50
FOLDER_PAGE = 100
EXPIRED_CODES = frozenset({"syncstatenotfound", "syncstateinvalid", "resyncrequired"})
_LIFETIME = re.compile(r"expiration can only be (\d+) minutes in the future", re.IGNORECASE)
T = TypeVar("T")
_IDENTITY = {"Accept-Encoding": "identity"}


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None


def _error(response: httpx.Response) -> tuple[str, str]:
    """The Graph error body's code and message."""
    try:
        error = response.json().get("error", {})
        return str(error.get("code", "")), str(error.get("message", ""))
    except (ValueError, AttributeError):
        return "", ""


_BY_STATUS: dict[int, type[MailIngestError]] = {
    401: AuthError,
    403: AuthError,
    404: NotFound,
}


def map_response(response: httpx.Response, what: str) -> MailIngestError | None:
    """None for a success; otherwise the one error of ours it means."""
    status = response.status_code
    if status < 300:
        return None
    code, message = _error(response)
    if status == 429 or (status == 503 and "Retry-After" in response.headers):
        return Throttled(f"graph {what}: throttled", _retry_after(response))
    if status == 410 or code.lower() in EXPIRED_CODES:
        return CursorExpired(f"graph {what}: delta token expired ({code or status})")
    lifetime = _LIFETIME.search(message)
    if status == 400 and lifetime:
        return LifetimeRefused(f"graph {what}: {lifetime.group(0)}", int(lifetime.group(1)))
    if status >= 500:
        return ServiceUnavailable(f"graph {what}: HTTP {status}")
    kind = _BY_STATUS.get(status, ValidationError)
    return kind(f"graph {what}: HTTP {status} {code}".strip())


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, ServiceUnavailable) and not isinstance(exc, Throttled)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


class HttpxGraphApi:
    """``shared.ports.GraphApi`` for one mailbox."""

    def __init__(
        self,
        access_token: str,
        user: str,
        *,
        endpoint: str | None = None,
        timeout_s: float = 30.0,
        attempts: int = 3,
        verify: str | bool = True,
        max_message_bytes: int = Settings.max_message_bytes,
    ) -> None:
        self._base = (endpoint or GRAPH_ENDPOINT).rstrip("/")
        self._user = f"users/{quote(user, safe='@')}"
        self._attempts = attempts
        self._max_message_bytes = max_message_bytes
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout_s, connect=10.0),
            verify=verify,
            headers={
                "Authorization": f"Bearer {access_token}",
                "Prefer": 'IdType="ImmutableId"',
            },
            # at most 4 concurrent requests per mailbox (Outlook's limit)
            limits=httpx.Limits(max_connections=4, max_keepalive_connections=4),
        )

    def close(self) -> None:
        self._http.close()

    # -- subscriptions --------------------------------------------------------------------

    def list_subscriptions(self) -> list[GraphSubscriptionInfo]:
        found: list[GraphSubscriptionInfo] = []
        url = "/subscriptions"
        for _ in range(MAX_PAGES):
            reply = self._json("GET", url, "list subscriptions")
            found.extend(
                GraphSubscriptionInfo(
                    str(s.get("id")), str(s.get("resource")), str(s.get("notificationUrl"))
                )
                for s in reply.get("value", [])
            )
            url = str(reply.get("@odata.nextLink") or "")
            if not url:
                break
        return found

    def create_subscription(
        self,
        folder: str,
        notification_url: str,
        lifecycle_url: str,
        client_state: str,
        expires_at: datetime,
    ) -> GraphSubscription:
        body = {
            "changeType": "created",
            "notificationUrl": notification_url,
            "lifecycleNotificationUrl": lifecycle_url,
            "resource": f"{self._user}/mailFolders('{folder}')/messages",
            "expirationDateTime": _iso(expires_at),
            "clientState": client_state,
        }
        reply = self._json("POST", "/subscriptions", "create subscription", json=body)
        expires = _parse_time(reply.get("expirationDateTime")) or expires_at
        return GraphSubscription(str(reply["id"]), expires)

    def renew_subscription(self, subscription_id: str, expires_at: datetime) -> datetime:
        reply = self._json(
            "PATCH",
            f"/subscriptions/{quote(subscription_id)}",
            "renew subscription",
            json={"expirationDateTime": _iso(expires_at)},
        )
        return _parse_time(reply.get("expirationDateTime")) or expires_at

    def delete_subscription(self, subscription_id: str) -> None:
        self._call("DELETE", f"/subscriptions/{quote(subscription_id)}", "delete subscription")

    # -- messages -------------------------------------------------------------------------

    def initial_delta_link(self, folder_id: str, since: datetime) -> str:
        """The first request of a round of created messages received since ``since``; Graph
        carries both options in the links that follow (message-delta.md)."""
        query = urlencode(
            {
                "changeType": "created",
                "$filter": f"receivedDateTime ge {_iso(since)}",
                "$select": "id,receivedDateTime",
            },
            safe="$:,",
        )
        folder = quote(folder_id, safe="")
        return f"{self._base}/{self._user}/mailFolders/{folder}/messages/delta?{query}"

    def delta(self, delta_link: str) -> tuple[list[GraphChange], str]:
        changes: dict[str, GraphChange] = {}
        url = delta_link
        for _ in range(MAX_PAGES):
            reply = self._json("GET", url, "delta", headers={"Prefer": _prefer_pages()})
            for item in reply.get("value", []):
                if "@removed" in item:
                    continue  # only created items are asked for; a removal changes nothing
                changes[str(item["id"])] = GraphChange(
                    str(item["id"]), _parse_time(item.get("receivedDateTime"))
                )
            if isinstance(reply.get("@odata.deltaLink"), str):
                return list(changes.values()), str(reply["@odata.deltaLink"])
            url = str(reply.get("@odata.nextLink") or "")
            if not url:
                break
        raise ValidationError("graph delta: the pages never ended with a deltaLink")

    def resolve_folder(self, path: str) -> str:
        """A folder's id from its display name (``Bookings``), a path of them
        (``Inbox/Bookings``), or a well-known name (``archive``)."""
        names = [n.strip() for n in path.strip("/").split("/") if n.strip()]
        if not names:
            raise FolderNotFound("graph: no folder given")
        parent = ""
        for depth, name in enumerate(names):
            url = f"/{self._user}/mailFolders"
            if parent:
                url += f"/{quote(parent, safe='')}/childFolders"
            found = self._find_folder(url, name)
            if found is None and depth == 0:
                found = self._well_known(name)
            if found is None:
                raise FolderNotFound(f"graph: the mailbox has no folder {path!r}")
            parent = found
        return parent

    def _find_folder(self, url: str, name: str) -> str | None:
        params: dict[str, Any] | None = {"$top": str(FOLDER_PAGE)}
        for _ in range(MAX_PAGES):
            reply = self._json("GET", url, "list folders", params=params)
            for folder in reply.get("value", []):
                if str(folder.get("displayName", "")).casefold() == name.casefold():
                    return str(folder["id"])
            url, params = str(reply.get("@odata.nextLink") or ""), None
            if not url:
                break
        return None

    def _well_known(self, name: str) -> str | None:
        try:
            reply = self._json(
                "GET", f"/{self._user}/mailFolders/{quote(name, safe='')}", "get folder"
            )
        except NotFound:
            return None
        return str(reply["id"])

    def mime(self, message_id: str) -> bytes:
        """At most ``max_message_bytes`` + 1 bytes: the rest is never read (the connection
        is closed with the response)."""
        url = f"{self._base}/{self._user}/messages/{quote(message_id, safe='')}/$value"
        cap = self._max_message_bytes + 1

        def once() -> bytes:
            try:
                # identity: the cap counts what is held, so no compressed body is inflated
                with self._http.stream("GET", url, headers=_IDENTITY) as response:
                    if response.status_code >= 300:
                        response.read()  # an error body is small: map_response reads it
                        error = map_response(response, "get MIME")
                        if error is not None:
                            raise error
                    return _read_capped(response, cap)
            except httpx.HTTPError as exc:
                raise ServiceUnavailable(f"graph get MIME: {type(exc).__name__}") from None

        return self._with_retries(once)

    def mark_read(self, message_id: str) -> None:
        url = f"/{self._user}/messages/{quote(message_id, safe='')}"
        self._call("PATCH", url, "mark read", json={"isRead": True})

    def move(self, message_id: str, folder: str) -> None:
        url = f"/{self._user}/messages/{quote(message_id, safe='')}/move"
        self._call("POST", url, "move", json={"destinationId": folder})

    # -- plumbing -------------------------------------------------------------------------

    def _json(self, method: str, url: str, what: str, **kw: Any) -> dict[str, Any]:
        response = self._call(method, url, what, **kw)
        try:
            data = response.json()
        except ValueError:
            raise ValidationError(f"graph {what}: answer is not JSON") from None
        if not isinstance(data, dict):
            raise ValidationError(f"graph {what}: unexpected answer")
        return data

    def _call(self, method: str, url: str, what: str, **kw: Any) -> httpx.Response:
        target = url if url.startswith("http") else self._base + url

        def once() -> httpx.Response:
            try:
                response = self._http.request(method, target, **kw)
            except httpx.HTTPError as exc:
                raise ServiceUnavailable(f"graph {what}: {type(exc).__name__}") from None
            error = map_response(response, what)
            if error is not None:
                raise error
            return response

        return self._with_retries(once)

    def _with_retries(self, call: Callable[[], T]) -> T:
        for attempt in Retrying(
            retry=retry_if_exception(_transient),
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=0.5, max=4),
            reraise=True,
        ):
            with attempt:
                return call()
        raise AssertionError("unreachable")  # pragma: no cover


def _read_capped(response: httpx.Response, cap: int) -> bytes:
    """The body's first ``cap`` bytes, read piece by piece; nothing after them is read."""
    pieces: list[bytes] = []
    held = 0
    for piece in response.iter_bytes(chunk_size=64 * 1024):
        pieces.append(piece[: cap - held])
        held += len(pieces[-1])
        if held >= cap:
            break
    return b"".join(pieces)


def _prefer_pages() -> str:
    return f'IdType="ImmutableId", odata.maxpagesize={PAGE_SIZE}'


class TokenGraphApis:
    """``shared.ports.GraphApis``: a client per mailbox with the token service's current
    access token (``ReauthRequired`` when the grant is gone)."""

    def __init__(
        self,
        access_token: Callable[[Mailbox], str],
        *,
        endpoint: str | None = None,
        verify: str | bool = True,
        max_message_bytes: int = Settings.max_message_bytes,
    ) -> None:
        self._access_token = access_token
        self._endpoint = endpoint
        self._verify = verify
        self._max_message_bytes = max_message_bytes

    def for_mailbox(self, mailbox: Mailbox) -> HttpxGraphApi:
        user = mailbox.oauth.connected_address if mailbox.oauth else mailbox.address
        return HttpxGraphApi(
            self._access_token(mailbox),
            user,
            endpoint=self._endpoint,
            verify=self._verify,
            max_message_bytes=self._max_message_bytes,
        )
