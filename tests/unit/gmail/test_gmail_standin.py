"""The Gmail stand-in alone, over plain HTTP: each rule Google documents that it enforces
(sources in ``mailingest_dev/standins/gmail_api.py``, ``gmail_discovery.py``,
``gmail_store.py``)."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mailingest_dev.standins.gmail_api import GmailStandIn
from tests.unit.gmail.conftest import EMAIL, READ_TOKEN, TOKEN


@pytest.fixture
def http(gmail: GmailStandIn) -> Iterator[httpx.Client]:
    base = gmail.base_url + "gmail/v1/users/me/"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
        yield client


def raw(n: int) -> bytes:
    return f"Subject: Booking {n}\r\n\r\nRoom {n}\r\n".encode()


def google_error(answer: httpx.Response, code: int, reason: str) -> str:
    """Google's error shape (developers.google.com/gmail/api/guides/handle-errors)."""
    assert answer.status_code == code, answer.text
    error = answer.json()["error"]
    assert error["code"] == code
    assert error["errors"][0]["reason"] == reason
    assert error["errors"][0]["domain"] == "global"
    assert error["status"]
    return str(error["message"])


def history_types(answer: httpx.Response) -> list[tuple[str, str]]:
    kinds = ("messagesAdded", "labelsAdded", "labelsRemoved")
    return [
        (kind, entry["message"]["id"])
        for record in answer.json().get("history", [])
        for kind in kinds
        for entry in record.get(kind, [])
    ]


def test_an_unknown_query_parameter_is_refused(http: httpx.Client) -> None:
    answer = http.get("history", params={"startHistoryId": "1000", "label": "INBOX"})
    assert 'Unknown name "label"' in google_error(answer, 400, "invalidArgument")
    assert http.get("profile", params={"prettyPrint": "false"}).status_code == 200  # global


def test_enum_values_are_checked(http: httpx.Client, gmail: GmailStandIn) -> None:
    answer = http.get("history", params={"startHistoryId": "1000", "historyTypes": "added"})
    google_error(answer, 400, "invalidArgument")
    message_id = gmail.insert(EMAIL, raw(1))
    google_error(
        http.get(f"messages/{message_id}", params={"format": "mime"}), 400, "invalidArgument"
    )
    assert http.get(f"messages/{message_id}", params={"format": "raw"}).status_code == 200


def test_max_results_is_bounded_as_documented(http: httpx.Client) -> None:
    # discovery: "The maximum allowed value for this field is 500."
    assert http.get("messages", params={"maxResults": 500}).status_code == 200
    google_error(http.get("messages", params={"maxResults": 501}), 400, "invalidArgument")
    google_error(
        http.get("history", params={"startHistoryId": "1000", "maxResults": "ten"}),
        400,
        "invalidArgument",
    )


def test_start_history_id_is_required(http: httpx.Client) -> None:
    message = google_error(http.get("history"), 400, "invalidArgument")
    assert "startHistoryId" in message


def test_method_and_path_must_be_documented(http: httpx.Client) -> None:
    assert http.delete("history", params={"startHistoryId": "1"}).status_code == 405
    assert http.get("watch").status_code == 405
    assert http.get("nonsense").status_code == 404


def test_labels_are_ids_and_labels_list_names_them(http: httpx.Client, gmail: GmailStandIn) -> None:
    label_id = gmail.add_label(EMAIL, "Bookings")
    labels = {label["name"]: label for label in http.get("labels").json()["labels"]}
    assert labels["Bookings"] == {"id": label_id, "name": "Bookings", "type": "user"}
    assert labels["INBOX"]["type"] == "system"
    topic = {"topicName": "projects/p/topics/t"}
    answer = http.post("watch", json={**topic, "labelIds": ["Bookings"]})
    assert google_error(answer, 400, "invalidArgument") == "Invalid label: Bookings"
    answer = http.get("history", params={"startHistoryId": "1000", "labelId": "Bookings"})
    assert google_error(answer, 400, "invalidArgument") == "Invalid label: Bookings"
    answer = http.get("messages", params={"labelIds": "Bookings"})
    assert google_error(answer, 400, "invalidArgument") == "Invalid label: Bookings"
    answer = http.post("messages/batchModify", json={"ids": [], "addLabelIds": ["Done"]})
    assert google_error(answer, 400, "invalidArgument") == "Invalid label: Done"
    assert http.post("watch", json={**topic, "labelIds": [label_id]}).status_code == 200


def test_history_honours_history_types_and_label_id(
    http: httpx.Client, gmail: GmailStandIn
) -> None:
    start = http.get("profile").json()["historyId"]
    archived = gmail.insert(EMAIL, raw(1), labels=("CATEGORY_UPDATES",))
    inbox = gmail.insert(EMAIL, raw(2))
    gmail.relabel(EMAIL, archived, add=("INBOX",))  # moved back to the inbox later
    both = {"startHistoryId": start, "labelId": "INBOX"}
    added = http.get("history", params={**both, "historyTypes": "messageAdded"})
    assert history_types(added) == [("messagesAdded", inbox)]
    labelled = http.get("history", params={**both, "historyTypes": "labelAdded"})
    assert history_types(labelled) == [("labelsAdded", archived)]
    assert labelled.json()["history"][0]["labelsAdded"][0]["labelIds"] == ["INBOX"]
    every = http.get("history", params={"startHistoryId": start})
    assert [k for k, _ in history_types(every)] == ["messagesAdded", "messagesAdded", "labelsAdded"]


def test_history_older_than_retention_is_404(http: httpx.Client, gmail: GmailStandIn) -> None:
    start = http.get("profile").json()["historyId"]
    gmail.insert(EMAIL, raw(1))
    gmail.forget_history(EMAIL)
    google_error(http.get("history", params={"startHistoryId": start}), 404, "notFound")
    now = http.get("profile").json()["historyId"]
    assert http.get("history", params={"startHistoryId": now}).status_code == 200


@pytest.mark.parametrize("how", ["batchModify", "modify", "trash"])
def test_label_changes_write_history_and_notify(
    http: httpx.Client, gmail: GmailStandIn, how: str
) -> None:
    notified: list[tuple[str, int]] = []
    gmail.notify = lambda email, history_id: notified.append((email, history_id))
    assert http.post("watch", json={"topicName": "t", "labelIds": ["INBOX"]}).status_code == 200
    message_id = gmail.insert(EMAIL, raw(1), notify=False)
    start = http.get("profile").json()["historyId"]
    if how == "batchModify":
        body = {"ids": [message_id], "addLabelIds": ["STARRED"], "removeLabelIds": ["UNREAD"]}
        assert http.post("messages/batchModify", json=body).status_code == 204
    elif how == "modify":
        body = {"addLabelIds": ["STARRED"], "removeLabelIds": ["UNREAD"]}
        assert http.post(f"messages/{message_id}/modify", json=body).status_code == 200
    else:
        assert "TRASH" in http.post(f"messages/{message_id}/trash").json()["labelIds"]
    newest = http.get("profile").json()["historyId"]
    assert int(newest) > int(start)
    answer = http.get("history", params={"startHistoryId": start})
    changes = {kind for kind, _ in history_types(answer)}
    assert changes == ({"labelsAdded"} if how == "trash" else {"labelsAdded", "labelsRemoved"})
    assert notified == [(EMAIL, int(newest))]


def batch(gmail: GmailStandIn, targets: list[str], token: str = TOKEN) -> httpx.Response:
    """A ``multipart/mixed`` batch as developers.google.com/gmail/api/guides/batch shows."""
    boundary = "batch_test"
    body = "".join(
        f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: <item{n}>\r\n\r\n"
        f"GET {target} HTTP/1.1\r\nAuthorization: Bearer {token}\r\n\r\n\r\n"
        for n, target in enumerate(targets)
    )
    body += f"--{boundary}--\r\n"
    return httpx.post(
        gmail.base_url + "batch/gmail/v1",
        content=body.encode(),
        headers={"Content-Type": f"multipart/mixed; boundary={boundary}"},
        timeout=10,
    )


def part_statuses(answer: httpx.Response) -> list[int]:
    return [int(code) for code in re.findall(rb"HTTP/1.1 (\d{3})", answer.content)]


def test_batch_parts_answer_on_their_own_and_beyond_the_limit_get_429(
    gmail: GmailStandIn,
) -> None:
    ids = [gmail.insert(EMAIL, raw(n)) for n in range(14)]
    targets = [f"/gmail/v1/users/me/messages/{i}?format=raw" for i in ids]
    targets[1] = "/gmail/v1/users/me/messages/nope?format=raw"
    answer = batch(gmail, targets)
    assert answer.status_code == 200
    assert part_statuses(answer) == [200, 404] + [200] * 8 + [429] * 4
    assert b"Too many concurrent requests for user" in answer.content
    gmail.parts_per_batch = 3  # configurable
    assert part_statuses(batch(gmail, targets[:5])) == [200, 404, 200, 429, 429]


def test_a_batch_of_more_than_100_parts_is_refused(gmail: GmailStandIn) -> None:
    targets = ["/gmail/v1/users/me/profile"] * 101
    google_error(batch(gmail, targets), 400, "invalidArgument")
    gmail.parts_per_batch = 100
    assert part_statuses(batch(gmail, targets[:100])) == [200] * 100


def test_throttled_parts_anywhere_in_a_batch(gmail: GmailStandIn) -> None:
    gmail.throttle_parts(2)
    targets = ["/gmail/v1/users/me/profile"] * 4
    assert part_statuses(batch(gmail, targets)) == [429, 429, 200, 200]


def test_a_read_only_token_cannot_modify(gmail: GmailStandIn) -> None:
    message_id = gmail.insert(EMAIL, raw(1))
    base = gmail.base_url + "gmail/v1/users/me/"
    headers = {"Authorization": f"Bearer {READ_TOKEN}"}
    with httpx.Client(base_url=base, headers=headers, timeout=10) as http:
        assert http.get(f"messages/{message_id}", params={"format": "raw"}).status_code == 200
        body: dict[str, Any] = {"ids": [message_id], "removeLabelIds": ["UNREAD"]}
        answer = http.post("messages/batchModify", json=body)
        assert google_error(answer, 403, "insufficientPermissions").startswith("Request had")
        google_error(http.post(f"messages/{message_id}/trash"), 403, "insufficientPermissions")
    assert "UNREAD" in gmail.accounts[EMAIL].messages[message_id].labels
    answer = batch(gmail, [f"/gmail/v1/users/me/messages/{message_id}/trash"], READ_TOKEN)
    assert part_statuses(answer) == [405]  # a part is checked like a call: trash is a POST


def test_a_large_message_is_sent_as_generated_and_its_size_estimate_can_be_wrong(
    http: httpx.Client, gmail: GmailStandIn
) -> None:
    """``filler`` lines grow a message as it is sent (whole lines of RFC 5322's at most 998
    characters); ``stated_size`` is a ``sizeEstimate`` that is not the message's size."""
    filler = 1000 * 300 + 1000  # not a multiple of one piece of filler
    honest = gmail.insert(EMAIL, raw(1), filler=filler)
    lying = gmail.insert(EMAIL, raw(2), filler=filler, stated_size=100)
    expected = raw(1) + (b"x" * 998 + b"\r\n") * (filler // 1000)
    answer = http.get(f"messages/{honest}", params={"format": "raw"})
    assert int(answer.headers["Content-Length"]) == len(answer.content)
    message = answer.json()
    assert base64.urlsafe_b64decode(message["raw"] + "==") == expected
    assert message["sizeEstimate"] == len(expected)
    assert http.get(f"messages/{lying}", params={"format": "minimal"}).json()["sizeEstimate"] == 100
    targets = [f"/gmail/v1/users/me/messages/{i}?format=raw" for i in (honest, lying)]
    answer = batch(gmail, targets)
    assert part_statuses(answer) == [200, 200]
    assert answer.content.count(message["raw"].encode()) == 1  # the honest one, whole
