"""The Gmail API through google-api-python-client, with the discovery document bundled in the
library (no network fetch of discovery) and every vendor error mapped to ``shared.errors``.

One client per mailbox and call burst: it carries the mailbox's current access token. The
API endpoint is overridable (``api_endpoint``) so that local runs and tests reach a stand-in;
batch requests then go to ``{endpoint}batch/gmail/v1`` (the library would otherwise take the
batch URL from the discovery document's ``rootUrl``).

Facts (developers.google.com/gmail/api): history 404 = start id too old → full sync;
``messages.get(format=raw)`` is base64url; batches carry ≤ 100 calls, Google advises ≤ 50;
429 and 403 ``rateLimitExceeded`` / ``userRateLimitExceeded`` mean back off.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

import google_auth_httplib2
import httplib2
from google.oauth2.credentials import Credentials
from googleapiclient import discovery_cache
from googleapiclient.discovery import build_from_document
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest
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
from shared.ports import GmailMessage, GmailWatch

GOOGLE_ENDPOINT = "https://gmail.googleapis.com/"
BATCH_MAX = 50  # Google: "we recommend no more than 50" calls per batch
PAGE_SIZE = 500  # history.list / messages.list maxResults (the API's maximum is 500)
MAX_PAGES = 200  # a bound on every paging loop
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
T = TypeVar("T")


@cache
def _discovery() -> str:
    doc = discovery_cache.get_static_doc("gmail", "v1")
    if doc is None:  # pragma: no cover - the library ships it
        raise RuntimeError("google-api-python-client has no bundled gmail v1 discovery document")
    return str(doc)


def _retry_after(headers: Any) -> float | None:
    value = (headers or {}).get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: rare for Google; the caller's backoff applies


def _reasons(exc: HttpError) -> set[str]:
    try:
        body = json.loads(exc.content or b"{}")
    except ValueError:
        return set()
    errors = body.get("error", {}).get("errors", []) if isinstance(body, dict) else []
    return {str(e.get("reason")) for e in errors if isinstance(e, dict)}


def map_http_error(exc: HttpError, what: str) -> MailIngestError:
    """One place where every Gmail HTTP error becomes one of ours."""
    status = int(exc.resp.status) if exc.resp is not None else 0
    if status == 429 or (status == 403 and _reasons(exc) & RATE_REASONS):
        return Throttled(f"gmail {what}: rate limited", _retry_after(exc.resp))
    if status >= 500:
        return ServiceUnavailable(f"gmail {what}: HTTP {status}")
    if status == 401:
        return AuthError(f"gmail {what}: access token refused")
    if status == 403:
        return AuthError(f"gmail {what}: not allowed ({', '.join(sorted(_reasons(exc)))})")
    if status == 404:
        return NotFound(f"gmail {what}: not found")
    return ValidationError(f"gmail {what}: HTTP {status}")


def _transient(exc: object) -> bool:
    return isinstance(exc, ServiceUnavailable) and not isinstance(exc, Throttled)


class GoogleGmailApi:
    """``shared.ports.GmailApi`` for one account."""

    def __init__(
        self,
        access_token: str,
        *,
        endpoint: str | None = None,
        timeout_s: float = 30.0,
        attempts: int = 3,
    ) -> None:
        credentials = Credentials(token=access_token)  # type: ignore[no-untyped-call]
        # no refresh on 401 here: the token service owns refreshing (and reauth_required)
        self._http = google_auth_httplib2.AuthorizedHttp(
            credentials, http=httplib2.Http(timeout=timeout_s), refresh_status_codes=()
        )
        options = {"api_endpoint": endpoint} if endpoint else None
        self._service = build_from_document(_discovery(), http=self._http, client_options=options)
        self._batch_uri = (endpoint or GOOGLE_ENDPOINT).rstrip("/") + "/batch/gmail/v1"
        self._attempts = attempts
        self._users = self._service.users()

    def close(self) -> None:
        """Close the pooled connections (httplib2 keeps them open)."""
        self._http.http.close()

    def __enter__(self) -> GoogleGmailApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- calls ----------------------------------------------------------------------------

    def watch(self, topic: str, label_ids: Sequence[str]) -> GmailWatch:
        body = {"topicName": topic, "labelIds": list(label_ids), "labelFilterBehavior": "include"}
        reply = self._execute("watch", lambda: self._users.watch(userId="me", body=body))
        return GmailWatch(str(reply["historyId"]), int(reply["expiration"]))

    def stop(self) -> None:
        self._execute("stop", lambda: self._users.stop(userId="me"))

    def current_history_id(self) -> str:
        reply = self._execute("profile", lambda: self._users.getProfile(userId="me"))
        return str(reply["historyId"])

    def added_since(self, history_id: str, label_id: str) -> tuple[list[str], str]:
        ids: dict[str, None] = {}  # ordered, each once
        newest = history_id
        page_token: str | None = None
        for _ in range(MAX_PAGES):
            try:
                reply = self._execute(
                    "history.list",
                    lambda token=page_token: self._users.history().list(  # type: ignore[misc]
                        userId="me",
                        startHistoryId=history_id,
                        historyTypes="messageAdded",
                        labelId=label_id,
                        maxResults=PAGE_SIZE,
                        pageToken=token,
                    ),
                )
            except NotFound:
                raise CursorExpired(f"gmail history id {history_id} is no longer known") from None
            for record in reply.get("history", []):
                for added in record.get("messagesAdded", []):
                    ids[str(added["message"]["id"])] = None
            newest = str(reply.get("historyId", newest))
            page_token = reply.get("nextPageToken")
            if not page_token:
                break
        return list(ids), newest

    def list_after(self, label_id: str, after_epoch_s: int, limit: int) -> list[str]:
        ids: list[str] = []
        page_token: str | None = None
        for _ in range(MAX_PAGES):
            reply = self._execute(
                "messages.list",
                lambda token=page_token: self._users.messages().list(  # type: ignore[misc]
                    userId="me",
                    labelIds=[label_id],
                    q=f"after:{after_epoch_s}",
                    maxResults=min(PAGE_SIZE, limit),
                    pageToken=token,
                ),
            )
            ids.extend(str(m["id"]) for m in reply.get("messages", []))
            page_token = reply.get("nextPageToken")
            if not page_token or len(ids) >= limit:
                break
        return list(reversed(ids[:limit]))  # the API lists newest first

    def get_raw(self, ids: Sequence[str]) -> list[GmailMessage | MailIngestError]:
        results: dict[str, GmailMessage | MailIngestError] = {}
        for start in range(0, len(ids), BATCH_MAX):
            chunk = list(ids[start : start + BATCH_MAX])
            got = self._with_retries(lambda chunk=chunk: self._batch_get(chunk))  # type: ignore[misc]
            results.update(got)
            # a sub-request that failed transiently is asked once more on its own batch
            again = [i for i in chunk if _transient(results[i])]
            if again:
                results.update(self._batch_get(again))
        return [results[i] for i in ids]

    def modify(self, ids: Sequence[str], add: Sequence[str], remove: Sequence[str]) -> None:
        if not ids:
            return
        body = {"ids": list(ids), "addLabelIds": list(add), "removeLabelIds": list(remove)}
        self._execute(
            "messages.batchModify",
            lambda: self._users.messages().batchModify(userId="me", body=body),
        )

    # -- plumbing -------------------------------------------------------------------------

    def _batch_get(self, ids: list[str]) -> dict[str, GmailMessage | MailIngestError]:
        out: dict[str, GmailMessage | MailIngestError] = {}

        def collect(request_id: str, response: Any, exception: Exception | None) -> None:
            if isinstance(exception, HttpError):
                out[request_id] = map_http_error(exception, f"messages.get {request_id}")
            elif exception is not None:
                out[request_id] = ServiceUnavailable(
                    f"gmail messages.get: {type(exception).__name__}"
                )
            else:
                out[request_id] = _message(response)

        batch = BatchHttpRequest(callback=collect, batch_uri=self._batch_uri)
        for message_id in ids:
            request = self._users.messages().get(userId="me", id=message_id, format="raw")
            batch.add(request, request_id=message_id)
        with _mapped("batch"):
            batch.execute(http=self._http)
        for message_id in ids:  # a part the server left out of its answer
            out.setdefault(message_id, ServiceUnavailable("gmail batch: no answer for a part"))
        return out

    def _execute(self, what: str, make: Callable[[], Any]) -> Any:
        def call() -> Any:
            with _mapped(what):
                return make().execute(num_retries=0)

        return self._with_retries(call)

    def _with_retries(self, call: Callable[[], T]) -> T:
        """Short retries of outages inside one call; throttling is not retried here: the
        caller backs off per mailbox, honouring Retry-After."""
        for attempt in Retrying(
            retry=retry_if_exception(_transient),
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=0.5, max=4),
            reraise=True,
        ):
            with attempt:
                return call()
        raise AssertionError("unreachable")  # pragma: no cover


def _message(reply: dict[str, Any]) -> GmailMessage | MailIngestError:
    try:
        raw = base64.urlsafe_b64decode(str(reply["raw"]) + "=" * (-len(str(reply["raw"])) % 4))
        return GmailMessage(str(reply["id"]), raw, int(reply.get("internalDate", 0)))
    except (KeyError, ValueError, TypeError):
        return ValidationError("gmail messages.get: answer without a raw message")


@contextmanager
def _mapped(what: str) -> Iterator[None]:
    try:
        yield
    except HttpError as exc:
        raise map_http_error(exc, what) from None
    except (TimeoutError, httplib2.HttpLib2Error, OSError) as exc:
        raise ServiceUnavailable(f"gmail {what}: {type(exc).__name__}") from None


class TokenGmailApis:
    """``shared.ports.GmailApis``: a client per mailbox with the token service's current
    access token (which raises ``ReauthRequired`` when the grant is gone)."""

    def __init__(
        self, access_token: Callable[[Mailbox], str], *, endpoint: str | None = None
    ) -> None:
        self._access_token = access_token
        self._endpoint = endpoint

    def for_mailbox(self, mailbox: Mailbox) -> GoogleGmailApi:
        return GoogleGmailApi(self._access_token(mailbox), endpoint=self._endpoint)
