"""The Gmail stand-in's methods, one handler per discovery method id (``gmail.users.*``),
each answering in the shape the discovery document's schemas give (``Message``,
``ListHistoryResponse``, ``ListLabelsResponse``, ``Profile``, ``WatchResponse``); the
requests reaching them were already checked (``gmail_discovery``)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mailingest_dev.standins import gmail_discovery as discovery
from mailingest_dev.standins import gmail_message
from mailingest_dev.standins.gmail_discovery import Refusal, google_error
from mailingest_dev.standins.gmail_store import (
    HISTORY_TYPES,
    Account,
    InvalidLabel,
)
from mailingest_dev.standins.serve import Answer

PAGE = 100  # the stand-in's page size, smaller than Google's so that paging is exercised

NOT_FOUND = google_error(404, "Requested entity was not found.", "notFound", "NOT_FOUND")
RATE_LIMITED = google_error(
    429, "Too many concurrent requests for user", "rateLimitExceeded", "RESOURCE_EXHAUSTED"
)
UNAUTHENTICATED = google_error(
    401, "Request had invalid authentication credentials.", "authError", "UNAUTHENTICATED"
)


@dataclass
class Call:
    account: Account
    path: dict[str, str]
    query: dict[str, list[str]]
    body: bytes
    changed: list[int] = field(default_factory=list)  # history ids written (to notify)

    def one(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, [default])[0]


def touched(account: Account, call: Call) -> set[str]:
    """The labels of the history records a call wrote (before and after the change)."""
    labels: set[str] = set()
    for record in account.history[-len(call.changed) :]:
        labels |= set(record.labels_then) | set(record.changed)
    return labels


def json_answer(code: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Answer:
    return (
        code,
        {"Content-Type": "application/json; charset=UTF-8", **(headers or {})},
        json.dumps(body).encode(),
    )


def refused(refusal: Refusal) -> Answer:
    body = google_error(refusal.code, refusal.message, refusal.reason, refusal.status)
    return json_answer(refusal.code, body)


def _watch(call: Call) -> Answer:
    request = json.loads(call.body or b"{}")
    call.account.check_labels(request.get("labelIds") or [])
    behaviour = request.get("labelFilterBehavior", "include")
    if behaviour not in ("include", "exclude"):  # schemas.WatchRequest.labelFilterBehavior
        raise InvalidLabel(f"Invalid labelFilterBehavior: {behaviour}")
    call.account.watch = request
    expiration = int(time.time() * 1000) + 7 * 86400 * 1000
    return json_answer(
        200, {"historyId": str(call.account.history_id), "expiration": str(expiration)}
    )


def _stop(call: Call) -> Answer:
    call.account.watch = None
    return 204, {}, b""


def _profile(call: Call) -> Answer:
    account = call.account
    return json_answer(
        200,
        {
            "emailAddress": account.email,
            "messagesTotal": len(account.messages),
            "threadsTotal": len(account.messages),
            "historyId": str(account.history_id),
        },
    )


def _labels(call: Call) -> Answer:
    return json_answer(200, {"labels": call.account.labels_json()})


def _history(call: Call) -> Answer:
    account = call.account
    start = int(call.one("startHistoryId") or 0)
    if start < account.oldest_history_id:
        return json_answer(404, NOT_FOUND)
    label = call.one("labelId")
    if label is not None:
        account.check_labels([label])
    kinds = set(call.query.get("historyTypes", [])) or set(HISTORY_TYPES)
    offset = int(call.one("pageToken", "0") or 0)
    records = [
        r
        for r in account.history
        if r.id > start
        and r.kind in kinds
        and r.message_id in account.messages
        and r.matches(label)
    ]
    size = min(int(call.one("maxResults", str(PAGE)) or PAGE), PAGE)
    page = records[offset : offset + size]
    body: dict[str, Any] = {"historyId": str(account.history_id)}
    if page:
        body["history"] = [r.as_json() for r in page]
    if offset + size < len(records):
        body["nextPageToken"] = str(offset + size)
    return json_answer(200, body)


def _list(call: Call) -> Answer:
    labels = set(call.query.get("labelIds", []))
    call.account.check_labels(labels)
    after_ms = 0
    for term in (call.one("q", "") or "").split():
        if term.startswith("after:"):
            after_ms = int(term.removeprefix("after:")) * 1000
    hidden = set() if call.one("includeSpamTrash") == "true" else {"SPAM", "TRASH"}
    found = sorted(
        (
            m
            for m in call.account.messages.values()
            if labels <= m.labels and m.internal_date_ms > after_ms and not m.labels & hidden
        ),
        key=lambda m: (m.internal_date_ms, m.history_id),
        reverse=True,  # newest first, as Gmail lists
    )
    size = min(int(call.one("maxResults", str(PAGE)) or PAGE), PAGE)
    offset = int(call.one("pageToken", "0") or 0)
    page = found[offset : offset + size]
    body: dict[str, Any] = {"resultSizeEstimate": len(found)}
    if page:
        body["messages"] = [{"id": m.id, "threadId": m.id} for m in page]
    if offset + size < len(found):
        body["nextPageToken"] = str(offset + size)
    return json_answer(200, body)


def _get(call: Call) -> Answer:
    message = call.account.messages.get(call.path["id"])
    if message is None:
        return json_answer(404, NOT_FOUND)
    body = gmail_message.answer(message, call.one("format", "full") or "full")
    return 200, {"Content-Type": "application/json; charset=UTF-8"}, body


def _relabel(call: Call, ids: list[str], add: set[str], remove: set[str]) -> None:
    call.account.check_labels(add | remove)
    for message_id in ids:
        message = call.account.messages.get(message_id)
        if message is not None:
            call.changed += call.account.change_labels(message, add, remove)


def _batch_modify(call: Call) -> Answer:
    body = json.loads(call.body or b"{}")
    ids = [str(i) for i in body.get("ids", [])]
    if len(ids) > 1000:  # schemas.BatchModifyMessagesRequest.ids: "a limit of 1000 ids"
        return refused(discovery.invalid("Too many ids: at most 1000 per request"))
    _relabel(call, ids, set(body.get("addLabelIds", [])), set(body.get("removeLabelIds", [])))
    return 204, {}, b""


def _modify(call: Call) -> Answer:
    message = call.account.messages.get(call.path["id"])
    if message is None:
        return json_answer(404, NOT_FOUND)
    body = json.loads(call.body or b"{}")
    add, remove = set(body.get("addLabelIds", [])), set(body.get("removeLabelIds", []))
    _relabel(call, [message.id], add, remove)
    return json_answer(200, gmail_message.fields(message))


def _trash(call: Call) -> Answer:
    """users.messages.trash: "Moves the specified message to the trash" (the TRASH label)."""
    message = call.account.messages.get(call.path["id"])
    if message is None:
        return json_answer(404, NOT_FOUND)
    _relabel(call, [message.id], {"TRASH"}, set())
    return json_answer(200, gmail_message.fields(message))


HANDLERS: dict[str, Callable[[Call], Answer]] = {
    "gmail.users.watch": _watch,
    "gmail.users.stop": _stop,
    "gmail.users.getProfile": _profile,
    "gmail.users.labels.list": _labels,
    "gmail.users.history.list": _history,
    "gmail.users.messages.list": _list,
    "gmail.users.messages.get": _get,
    "gmail.users.messages.batchModify": _batch_modify,
    "gmail.users.messages.modify": _modify,
    "gmail.users.messages.trash": _trash,
}
