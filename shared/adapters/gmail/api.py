"""The Gmail API through google-api-python-client, with the discovery document bundled in the
library (no network fetch of discovery) and every vendor error mapped to ``shared.errors``
(``shared.adapters.gmail.errors``).

One client per mailbox and call burst: it carries the mailbox's current access token. The
API endpoint is overridable (``api_endpoint``) so that local runs and tests reach a stand-in;
batch requests then go to ``{endpoint}batch/gmail/v1`` (the library would otherwise take the
batch URL from the discovery document's ``rootUrl``).

Facts (developers.google.com/gmail/api): history 404 = start id too old → full sync; mail
that enters a label later is ``labelAdded`` history, not ``messageAdded`` (guides/sync);
``messages.get(format=raw)`` is base64url; batch parts answer on their own
(``shared.adapters.gmail.batch``).

No answer is read past its cap (``shared.adapters.gmail.capped_http`` under the library, in
place of httplib2's whole reads): a message's ``max_message_bytes`` as base64url and its
other fields (``shared.adapters.gmail.raw_message``), once per part of a batch. A message over
it is read alone, to that cap, and becomes its first ``max_message_bytes`` + 1 bytes (with
its internal date from a ``format=minimal`` get): the pipeline publishes it as the event
that says it is over the limit, as it does for the other providers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

import google_auth_httplib2
from google.oauth2.credentials import Credentials
from googleapiclient import discovery_cache
from googleapiclient.discovery import build_from_document
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from shared.adapters.gmail import raw_message
from shared.adapters.gmail.batch import Batches, PartRetries
from shared.adapters.gmail.capped_http import AnswerTooLarge, CappedHttp
from shared.adapters.gmail.errors import mapped
from shared.domain.models import Mailbox
from shared.errors import (
    CursorExpired,
    MailIngestError,
    NotFound,
    ServiceUnavailable,
    Throttled,
)
from shared.ports import GmailChanges, GmailMessage, GmailProfile, GmailWatch

GOOGLE_ENDPOINT = "https://gmail.googleapis.com/"
PAGE_SIZE = 500  # history.list / messages.list maxResults (discovery: "maximum ... is 500")
MAX_PAGES = 20  # history pages read per call; the rest is read by the next call
LIST_PAGES = 200  # a bound on messages.list paging
# guides/sync: what makes a message new for a watched label
HISTORY_TYPES = ["messageAdded", "labelAdded"]
T = TypeVar("T")


@cache
def _discovery() -> str:
    doc = discovery_cache.get_static_doc("gmail", "v1")
    if doc is None:  # pragma: no cover - the library ships it
        raise RuntimeError("google-api-python-client has no bundled gmail v1 discovery document")
    return str(doc)


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
        part_retries: PartRetries | None = None,
        history_pages: int = MAX_PAGES,
        max_message_bytes: int = 50 * 1024 * 1024,
    ) -> None:
        credentials = Credentials(token=access_token)  # type: ignore[no-untyped-call]
        self._max_message_bytes = max_message_bytes
        self._part_bytes = raw_message.answer_cap(max_message_bytes)
        self._transport = CappedHttp(cap_bytes=self._part_bytes, timeout_s=timeout_s)
        # no refresh on 401 here: the token service owns refreshing (and reauth_required)
        self._http = google_auth_httplib2.AuthorizedHttp(
            credentials, http=self._transport, refresh_status_codes=()
        )
        options = {"api_endpoint": endpoint} if endpoint else None
        self._service = build_from_document(_discovery(), http=self._http, client_options=options)
        self._attempts = attempts
        self._history_pages = history_pages
        self._users = self._service.users()
        self._batches = Batches(
            self._http,
            self._transport,
            (endpoint or GOOGLE_ENDPOINT).rstrip("/") + "/batch/gmail/v1",
            self._with_retries,
            part_retries or PartRetries(),
        )

    def close(self) -> None:
        """Close the pooled connections."""
        self._transport.close()

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
        return self.profile().history_id

    def profile(self) -> GmailProfile:
        reply = self._execute("profile", lambda: self._users.getProfile(userId="me"))
        return GmailProfile(str(reply["emailAddress"]), str(reply["historyId"]))

    def labels(self) -> dict[str, str]:
        reply = self._execute("labels.list", lambda: self._users.labels().list(userId="me"))
        return {str(label["id"]): str(label.get("name", "")) for label in reply.get("labels", [])}

    def added_since(self, history_id: str, label_id: str) -> GmailChanges:
        added: dict[str, str] = {}  # message id -> the record that brought it, first seen
        newest, last_record = history_id, history_id
        page_token: str | None = None
        for _ in range(self._history_pages):
            try:
                reply = self._execute(
                    "history.list",
                    lambda token=page_token: self._users.history().list(  # type: ignore[misc]
                        userId="me",
                        startHistoryId=history_id,
                        historyTypes=HISTORY_TYPES,
                        labelId=label_id,
                        maxResults=PAGE_SIZE,
                        pageToken=token,
                    ),
                )
            except NotFound:
                raise CursorExpired(f"gmail history id {history_id} is no longer known") from None
            for record in reply.get("history", []):
                last_record = str(record.get("id", last_record))
                for message_id in _entered(record, label_id):
                    added.setdefault(message_id, last_record)
            newest = str(reply.get("historyId", newest))
            page_token = reply.get("nextPageToken")
            if not page_token:
                return GmailChanges(tuple(added.items()), newest)
        # pages left unread: the cursor may go only as far as what was read (guides/sync:
        # store the historyId only when there is no nextPageToken)
        return GmailChanges(tuple(added.items()), last_record, complete=False)

    def list_after(self, label_id: str, after_epoch_s: int, limit: int) -> list[str]:
        ids: list[str] = []
        page_token: str | None = None
        for _ in range(LIST_PAGES):
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
        results = self._batches.run(
            "messages.get",
            ids,
            lambda message_id: self._users.messages().get(userId="me", id=message_id, format="raw"),
            raw_message.parsed,
            part_bytes=self._part_bytes,
            alone=self._raw_alone,
        )
        return [results[i] for i in ids]

    def _raw_alone(self, message_id: str) -> GmailMessage | MailIngestError:
        """One message by itself (its batch's answer was too large), read to one part's cap;
        cut there, it is the start of its raw and its internal date (``format=minimal``)."""
        messages = self._users.messages()
        try:
            try:
                reply = self._execute(
                    "messages.get",
                    lambda: messages.get(userId="me", id=message_id, format="raw"),
                )
                return raw_message.parsed(reply)
            except AnswerTooLarge as too_large:
                held = too_large.held
            minimal = self._execute(
                "messages.get", lambda: messages.get(userId="me", id=message_id, format="minimal")
            )
            return raw_message.cut(message_id, held, minimal, self._max_message_bytes)
        except MailIngestError as exc:  # this message's own result, as a batch part's
            return exc

    def modify(self, ids: Sequence[str], add: Sequence[str], remove: Sequence[str]) -> None:
        body = {"addLabelIds": list(add), "removeLabelIds": list(remove)}
        for start in range(0, len(ids), 1000):  # BatchModifyMessagesRequest: ≤ 1000 ids
            chunk = {"ids": list(ids[start : start + 1000]), **body}
            self._execute(
                "messages.batchModify",
                lambda chunk=chunk: self._users.messages().batchModify(  # type: ignore[misc]
                    userId="me", body=chunk
                ),
            )

    def trash(self, ids: Sequence[str]) -> None:
        results = self._batches.run(
            "messages.trash",
            ids,
            lambda message_id: self._users.messages().trash(userId="me", id=message_id),
            lambda _reply: None,
        )
        for message_id in ids:
            got = results[message_id]
            if isinstance(got, MailIngestError) and not isinstance(got, NotFound):
                raise got

    # -- plumbing -------------------------------------------------------------------------

    def _execute(self, what: str, make: Callable[[], Any]) -> Any:
        def call() -> Any:
            with mapped(what):
                return make().execute(num_retries=0)

        return self._with_retries(call)

    def _with_retries(self, call: Callable[[], T]) -> T:
        """Short retries of outages inside one call; throttling of a whole request is not
        retried here: the caller backs off per mailbox, honouring Retry-After."""
        for attempt in Retrying(
            retry=retry_if_exception(_transient),
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=0.5, max=4),
            reraise=True,
        ):
            with attempt:
                return call()
        raise AssertionError("unreachable")  # pragma: no cover


def _entered(record: dict[str, Any], label_id: str) -> list[str]:
    """The messages a history record brought into ``label_id``: every ``messagesAdded``
    (history.list was asked for that label) and the ``labelsAdded`` that added it."""
    ids = [str(a["message"]["id"]) for a in record.get("messagesAdded", [])]
    ids += [
        str(a["message"]["id"])
        for a in record.get("labelsAdded", [])
        if label_id in a.get("labelIds", [])
    ]
    return ids


class TokenGmailApis:
    """``shared.ports.GmailApis``: a client per mailbox with the token service's current
    access token (which raises ``ReauthRequired`` when the grant is gone)."""

    def __init__(
        self,
        access_token: Callable[[Mailbox], str],
        *,
        endpoint: str | None = None,
        max_message_bytes: int = 50 * 1024 * 1024,
    ) -> None:
        self._access_token = access_token
        self._endpoint = endpoint
        self._max_message_bytes = max_message_bytes

    def for_mailbox(self, mailbox: Mailbox) -> GoogleGmailApi:
        return GoogleGmailApi(
            self._access_token(mailbox),
            endpoint=self._endpoint,
            max_message_bytes=self._max_message_bytes,
        )
