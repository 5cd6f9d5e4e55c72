"""The Graph stand-in alone, over plain HTTP: each rule it holds our code to, as Microsoft
documents it (sources in ``mailingest_dev/standins/graph_api.py`` and ``graph_mail.py``)."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from mailingest_dev.standins.graph_api import GraphStandIn, running_graph

USER = "booking@contoso.example"
WRITER, READER = "eyJ0eXAi.writer", "eyJ0eXAi.reader"


@pytest.fixture
def graph() -> Iterator[GraphStandIn]:
    with running_graph(GraphStandIn(retry_delays_s=(0.2, 0.4))) as standin:
        standin.add_user(USER, WRITER, scopes="https://graph.microsoft.com/Mail.ReadWrite")
        standin.add_user(USER, READER, scopes="https://graph.microsoft.com/Mail.Read")
        yield standin


def call(
    graph: GraphStandIn, method: str, path: str, token: str = WRITER, **kw: Any
) -> httpx.Response:
    url = path if path.startswith("http") else f"{graph.base_url}v1.0/users/{USER}/{path}"
    headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
    return httpx.request(method, url, headers=headers, timeout=10, **kw)


def round_of(graph: GraphStandIn, first: str, **kw: Any) -> tuple[list[dict[str, Any]], str, int]:
    """Every page of a round: items, the deltaLink, the number of requests."""
    items: list[dict[str, Any]] = []
    url, requests = first, 0
    while True:
        page = call(graph, "GET", url, **kw).json()
        requests += 1
        items += page["value"]
        if "@odata.deltaLink" in page:
            return items, page["@odata.deltaLink"], requests
        url = page["@odata.nextLink"]


def raw(n: int) -> bytes:
    return f"Subject: Booking {n}\r\n\r\nRoom {n}\r\n".encode()


def test_delta_without_change_type_returns_created_updated_and_removed(
    graph: GraphStandIn,
) -> None:
    first, second = (graph.deliver(USER, raw(n), notify=False) for n in range(2))
    items, link, _ = round_of(graph, "mailFolders/inbox/messages/delta")
    assert [i["id"] for i in items] == [first, second]
    third = graph.deliver(USER, raw(3), notify=False)
    graph.user_changes(USER, first, read=True, flagged=True)
    moved = call(graph, "POST", f"messages/{second}/move", json={"destinationId": "archive"})
    assert moved.status_code == 201
    items, _, _ = round_of(graph, link)
    assert {(i["id"], "@removed" in i) for i in items} == {
        (third, False),
        (first, False),
        (second, True),
    }


def test_change_type_and_filter_of_the_first_request_are_carried_in_the_links(
    graph: GraphStandIn,
) -> None:
    old = graph.deliver(USER, raw(0), notify=False, received=datetime.now(UTC) - timedelta(days=9))
    since = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recent = graph.deliver(USER, raw(1), notify=False)
    first = "mailFolders/inbox/messages/delta"
    params = {"changeType": "created", "$filter": f"receivedDateTime ge {since}"}
    items, link, _ = round_of(graph, first, params=params)
    assert [i["id"] for i in items] == [recent]  # the old one is outside the filter
    assert "changeType" not in link  # carried in the token, as Graph encodes it
    graph.user_changes(USER, recent, read=True, flagged=False)
    assert call(graph, "PATCH", f"messages/{recent}", json={"isRead": False}).status_code == 200
    late_old = graph.deliver(
        USER, raw(2), notify=False, received=datetime.now(UTC) - timedelta(days=5)
    )
    new = graph.deliver(USER, raw(3), notify=False)
    items, _, _ = round_of(graph, link)
    assert [i["id"] for i in items] == [new]  # no updates, nothing outside the filter
    assert late_old != old


def test_latest_is_not_special_for_messages_a_full_initial_round(graph: GraphStandIn) -> None:
    ids = [graph.deliver(USER, raw(n), notify=False) for n in range(3)]
    url = "mailFolders/inbox/messages/delta"
    items, _, _ = round_of(graph, url, params={"$deltatoken": "latest"})
    assert [i["id"] for i in items] == ids


def test_pages_of_ten_by_default_and_prefer_maxpagesize_honoured(graph: GraphStandIn) -> None:
    for n in range(25):
        graph.deliver(USER, raw(n), notify=False)
    url = "mailFolders/inbox/messages/delta"
    assert round_of(graph, url)[2] == 3
    items, _, requests = round_of(graph, url, headers={"Prefer": "odata.maxpagesize=7"})
    assert (len(items), requests) == (25, 4)


def test_only_the_documented_delta_filter_is_accepted(graph: GraphStandIn) -> None:
    url = "mailFolders/inbox/messages/delta"
    answer = call(graph, "GET", url, params={"$filter": "isRead eq false"})
    assert answer.status_code == 400
    assert call(graph, "GET", url, params={"changeType": "moved"}).status_code == 400
    assert call(graph, "GET", url, params={"$search": "x"}).status_code == 400


def test_an_unknown_delta_token_is_410(graph: GraphStandIn) -> None:
    url = "mailFolders/inbox/messages/delta"
    answer = call(graph, "GET", url, params={"$deltatoken": "not-a-state"})
    assert answer.status_code == 410


def test_folders_by_id_or_well_known_name_and_listed(graph: GraphStandIn) -> None:
    bookings = graph.add_folder(USER, "Bookings")
    nested = graph.add_folder(USER, "Bookings", parent="inbox")
    for ref in ("Bookings", "Rezervasyonlar", "Inbox/Bookings"):
        answer = call(graph, "GET", f"mailFolders('{ref}')")
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "ErrorItemNotFound"
    assert call(graph, "GET", f"mailFolders('{bookings}')").json()["displayName"] == "Bookings"
    inbox = call(graph, "GET", "mailFolders/Inbox").json()
    assert inbox["displayName"] == "Inbox"
    top = call(graph, "GET", "mailFolders", params={"$top": "100"}).json()["value"]
    assert bookings in [f["id"] for f in top]
    assert nested not in [f["id"] for f in top]
    children = call(graph, "GET", f"mailFolders/{inbox['id']}/childFolders").json()["value"]
    assert [(f["id"], f["displayName"]) for f in children] == [(nested, "Bookings")]
    first_page = call(graph, "GET", "mailFolders", params={"$top": "2"}).json()
    assert len(first_page["value"]) == 2
    assert "@odata.nextLink" in first_page


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, Any]], list[int]]]:
    """Answers the handshake; notifications get the statuses queued in ``answers`` (202 when
    empty; a 0 means "answer only after 4 s"). Records each notification body."""
    got: list[dict[str, Any]] = []
    answers: list[int] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            token = parse_qs(urlsplit(self.path).query).get("validationToken", [""])[0]
            length = int(self.headers.get("Content-Length", "0") or 0)
            body = self.rfile.read(length)
            status = 200
            if not token:
                got.append(json.loads(body))
                status = answers.pop(0) if answers else 202
                if status == 0:
                    time.sleep(4)  # longer than Graph waits
                    status = 202
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(token)))
            self.end_headers()
            self.wfile.write(token.encode())

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", got, answers
    server.shutdown()
    server.server_close()


def _subscribe(graph: GraphStandIn, url: str, minutes: float, folder: str = "Inbox") -> Any:
    expires = (datetime.now(UTC) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = {
        "changeType": "created",
        "notificationUrl": url,
        "resource": f"users/{USER}/mailFolders('{folder}')/messages",
        "expirationDateTime": expires,
        "clientState": "cs",
    }
    return call(graph, "POST", f"{graph.base_url}v1.0/subscriptions", json=body)


def test_subscription_lifetime_is_refused_beyond_the_limit(
    graph: GraphStandIn, receiver: tuple[str, list[dict[str, Any]], list[int]]
) -> None:
    url = receiver[0]
    refused = _subscribe(graph, url, 4_300)
    assert refused.status_code == 400
    assert (
        "Subscription expiration can only be 4230 minutes in the future"
        in (refused.json()["error"]["message"])
    )
    created = _subscribe(graph, url, 4_200)
    assert created.status_code == 201
    sub = created.json()["id"]
    too_far = (datetime.now(UTC) + timedelta(minutes=5_000)).strftime("%Y-%m-%dT%H:%M:%SZ")
    renew = call(
        graph,
        "PATCH",
        f"{graph.base_url}v1.0/subscriptions/{sub}",
        json={"expirationDateTime": too_far},
    )
    assert renew.status_code == 400
    graph.max_lifetime_minutes = 10_080
    assert _subscribe(graph, url, 10_000).status_code == 201
    listed = call(graph, "GET", f"{graph.base_url}v1.0/subscriptions").json()["value"]
    assert len(listed) == 2
    assert _subscribe(graph, url, 60, folder="Bookings").status_code == 404


def test_writing_with_a_mail_read_token_is_403(graph: GraphStandIn) -> None:
    message = graph.deliver(USER, raw(1), notify=False)
    for method, path, body in (
        ("PATCH", f"messages/{message}", {"isRead": True}),
        ("POST", f"messages/{message}/move", {"destinationId": "archive"}),
    ):
        refused = call(graph, method, path, token=READER, json=body)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "ErrorAccessDenied"
    assert call(graph, "GET", f"messages/{message}/$value", token=READER).content == raw(1)
    assert call(graph, "PATCH", f"messages/{message}", json={"isRead": True}).status_code == 200


def test_a_notification_not_accepted_is_delivered_again(
    graph: GraphStandIn, receiver: tuple[str, list[dict[str, Any]], list[int]]
) -> None:
    url, got, answers = receiver
    assert _subscribe(graph, url, 60).status_code == 201
    answers.extend([500, 0])  # a failure, then no answer within 3 s, then accepted
    message = graph.deliver(USER, raw(1))
    graph.wait_for_notifications(30)
    assert [n["value"][0]["resourceData"]["id"] for n in got] == [message] * 3
    assert graph.notifications_sent == 1
