"""Microsoft Graph mail through httpx: one client with timeouts and a tenacity retry policy
for outages; throttling (429, or 503 with Retry-After) is not retried here but raised as
``Throttled`` so the caller backs this mailbox off; every vendor error is mapped in
``map_response``. Immutable ids are asked for (``Prefer: IdType="ImmutableId"``) so a
message keeps its id, and its event id, when it is moved.

Facts (learn.microsoft.com/graph): subscriptions for messages live at most 10,080 minutes;
delta pages end with ``@odata.deltaLink``; an expired sync state is 410 /
``syncStateNotFound``; MIME is ``/messages/{id}/$value``; Outlook allows 4 concurrent
requests per mailbox and app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from shared.domain.models import Mailbox
from shared.errors import (
    AuthError,
    CursorExpired,
    MailIngestError,
    NotFound,
    ServiceUnavailable,
    Throttled,
    ValidationError,
)
from shared.ports import GraphChange, GraphSubscription

GRAPH_ENDPOINT = "https://graph.microsoft.com/v1.0"
MAX_PAGES = 500
PAGE_SIZE = 50
T = TypeVar("T")


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None


def _error_code(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", {}).get("code", ""))
    except (ValueError, AttributeError):
        return ""


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
    code = _error_code(response)
    if status == 429 or (status == 503 and "Retry-After" in response.headers):
        return Throttled(f"graph {what}: throttled", _retry_after(response))
    if status == 410 or code in ("syncStateNotFound", "syncStateInvalid", "resyncRequired"):
        return CursorExpired(f"graph {what}: delta token expired ({code or status})")
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
    ) -> None:
        self._base = (endpoint or GRAPH_ENDPOINT).rstrip("/")
        self._user = f"users/{quote(user, safe='@')}"
        self._attempts = attempts
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

    def latest_delta_link(self, folder: str) -> str:
        url = f"/{self._user}/mailFolders/{quote(folder)}/messages/delta"
        reply = self._json("GET", url, "delta", params={"$deltatoken": "latest"})
        link = reply.get("@odata.deltaLink")
        if not isinstance(link, str):
            raise ValidationError("graph delta: no deltaLink in the answer")
        return link

    def delta(self, delta_link: str) -> tuple[list[GraphChange], str]:
        changes: dict[str, GraphChange] = {}
        url = delta_link
        for _ in range(MAX_PAGES):
            reply = self._json("GET", url, "delta", headers={"Prefer": _prefer_pages()})
            for item in reply.get("value", []):
                if "@removed" in item:
                    changes.pop(str(item.get("id")), None)
                    continue
                changes[str(item["id"])] = GraphChange(
                    str(item["id"]), _parse_time(item.get("receivedDateTime"))
                )
            if isinstance(reply.get("@odata.deltaLink"), str):
                return list(changes.values()), str(reply["@odata.deltaLink"])
            url = str(reply.get("@odata.nextLink") or "")
            if not url:
                break
        raise ValidationError("graph delta: the pages never ended with a deltaLink")

    def received_since(self, folder: str, since: datetime, limit: int) -> list[GraphChange]:
        url = f"/{self._user}/mailFolders/{quote(folder)}/messages"
        params: dict[str, Any] | None = {
            "$filter": f"receivedDateTime ge {_iso(since)}",
            "$orderby": "receivedDateTime desc",
            "$select": "id,receivedDateTime",
            "$top": str(min(PAGE_SIZE, limit)),
        }
        found: list[GraphChange] = []
        for _ in range(MAX_PAGES):
            reply = self._json("GET", url, "list messages", params=params)
            found.extend(
                GraphChange(str(i["id"]), _parse_time(i.get("receivedDateTime")))
                for i in reply.get("value", [])
            )
            url, params = str(reply.get("@odata.nextLink") or ""), None
            if not url or len(found) >= limit:
                break
        return list(reversed(found[:limit]))

    def mime(self, message_id: str) -> bytes:
        response = self._call(
            "GET", f"/{self._user}/messages/{quote(message_id, safe='')}/$value", "get MIME"
        )
        return response.content

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
    ) -> None:
        self._access_token = access_token
        self._endpoint = endpoint
        self._verify = verify

    def for_mailbox(self, mailbox: Mailbox) -> HttpxGraphApi:
        user = mailbox.oauth.connected_address if mailbox.oauth else mailbox.address
        return HttpxGraphApi(
            self._access_token(mailbox), user, endpoint=self._endpoint, verify=self._verify
        )
