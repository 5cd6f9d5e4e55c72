"""The Graph adapter through httpx against the local stand-in, which answers in the shapes
Microsoft documents (checked here against tests/data/graph/)."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from mailingest_dev.standins.graph_api import GraphStandIn, running_graph
from shared.adapters.graph import HttpxGraphApi, map_response
from shared.errors import (
    AuthError,
    CursorExpired,
    FolderNotFound,
    LifetimeRefused,
    NotFound,
    ServiceUnavailable,
    Throttled,
    ValidationError,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "graph"
USER = "booking@contoso.example"
TOKEN = "eyJ0eXAi.graph-test"


def recorded(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((DATA / name).read_text())
    return data


@pytest.fixture
def graph() -> Iterator[GraphStandIn]:
    with running_graph() as standin:
        standin.add_user(USER, TOKEN)
        yield standin


@pytest.fixture
def api(graph: GraphStandIn) -> Iterator[HttpxGraphApi]:
    client = HttpxGraphApi(TOKEN, USER, endpoint=graph.base_url + "v1.0", attempts=2)
    yield client
    client.close()


def raw(n: int) -> bytes:
    return f"Subject: Booking {n}\r\nMessage-ID: <g{n}@x>\r\n\r\nRoom {n}\r\n".encode()


def test_delta_pages_and_mime_in_the_documented_shapes(
    graph: GraphStandIn, api: HttpxGraphApi
) -> None:
    old = graph.deliver(USER, raw(0), notify=False, received=datetime.now(UTC) - timedelta(days=3))
    start = api.initial_delta_link(
        api.resolve_folder("Inbox"), datetime.now(UTC) - timedelta(hours=1)
    )
    ids = [graph.deliver(USER, raw(n), notify=False) for n in range(25)]  # 3 pages of 10
    headers = {"Authorization": f"Bearer {TOKEN}"}
    first_page = httpx.get(start, headers=headers, timeout=10).json()
    assert set(first_page) - {"@odata.context"} == set(recorded("delta_page.json"))
    assert set(first_page["value"][0]) <= set(recorded("delta_page.json")["value"][0])  # type: ignore[index]
    changes, link = api.delta(start)
    assert [c.id for c in changes] == ids  # the old one is outside the round
    assert old not in [c.id for c in changes]
    assert all(c.received_at is not None for c in changes)
    assert api.mime(ids[3]) == raw(3)
    api.mark_read(ids[3])
    api.move(ids[4], "archive")  # an update and a removal: neither is a created message
    assert api.delta(link)[0] == []


@pytest.fixture
def echo_url() -> Iterator[str]:
    """A receiver that answers Graph's validation handshake (200, text/plain, the token)."""

    class Echo(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            token = parse_qs(urlsplit(self.path).query).get("validationToken", [""])[0]
            body = token.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/notify"
    server.shutdown()
    server.server_close()


def test_subscriptions_create_renew_delete(
    graph: GraphStandIn, api: HttpxGraphApi, echo_url: str
) -> None:
    expires = datetime.now(UTC) + timedelta(days=2)
    with pytest.raises(ValidationError):  # the URL does not answer the handshake
        api.create_subscription("Inbox", graph.base_url + "nowhere", echo_url, "cs", expires)
    assert graph.subscriptions == {}
    sub = api.create_subscription("Inbox", echo_url, echo_url, "client-state-1", expires)
    created = graph.subscriptions[sub.id]
    assert (created.client_state, created.notification_url) == ("client-state-1", echo_url)
    later = expires + timedelta(hours=6)
    assert api.renew_subscription(sub.id, later) == later
    api.delete_subscription(sub.id)
    assert graph.subscriptions == {}
    with pytest.raises(NotFound):
        api.renew_subscription(sub.id, later)


def test_errors_are_mapped_at_the_boundary(graph: GraphStandIn, api: HttpxGraphApi) -> None:
    start = api.initial_delta_link("inbox", datetime.now(UTC))
    _, link = api.delta(start)
    graph.deliver(USER, raw(1), notify=False)
    graph.expire_delta_tokens()
    with pytest.raises(CursorExpired):
        api.delta(link)
    graph.throttle(1, retry_after_s=12)
    with pytest.raises(Throttled) as info:
        api.delta(start)
    assert info.value.retry_after_s == 12
    with pytest.raises(NotFound):
        api.mime("AAkALgAAAAAAHYQDEapmEc2byACqAC-nothing=")
    stranger = HttpxGraphApi("wrong-token", USER, endpoint=graph.base_url + "v1.0", attempts=1)
    with pytest.raises(AuthError):
        stranger.resolve_folder("Inbox")
    stranger.close()


def test_folders_resolve_by_display_name_path_or_well_known_name(
    graph: GraphStandIn, api: HttpxGraphApi
) -> None:
    bookings = graph.add_folder(USER, "Bookings")
    turkish = graph.add_folder(USER, "Rezervasyonlar")
    nested = graph.add_folder(USER, "Bookings", parent="inbox")
    for n in range(12):  # more than a page of top-level folders
        graph.add_folder(USER, f"Folder {n}")
    assert api.resolve_folder("Bookings") == bookings
    assert api.resolve_folder("rezervasyonlar") == turkish
    assert api.resolve_folder("Inbox/Bookings") == nested
    assert api.resolve_folder("archive") == graph.folder_id(USER, "archive")
    with pytest.raises(FolderNotFound, match="Inbox/Nowhere"):
        api.resolve_folder("Inbox/Nowhere")


def test_a_refused_lifetime_states_its_limit_and_subscriptions_are_listed(
    graph: GraphStandIn, api: HttpxGraphApi, echo_url: str
) -> None:
    too_far = datetime.now(UTC) + timedelta(minutes=5_000)
    with pytest.raises(LifetimeRefused) as info:
        api.create_subscription("inbox", echo_url, echo_url, "cs", too_far)
    assert info.value.limit_minutes == 4230
    sub = api.create_subscription("inbox", echo_url, echo_url, "cs", datetime.now(UTC))
    assert [s.id for s in api.list_subscriptions()] == [sub.id]


def test_recorded_error_bodies_map_as_documented() -> None:
    gone = httpx.Response(410, json=recorded("error_410_sync_state.json"))
    busy = httpx.Response(429, json=recorded("error_429.json"), headers={"Retry-After": "3"})
    down = httpx.Response(503, text="unavailable")
    assert isinstance(map_response(gone, "delta"), CursorExpired)
    upper = {"error": {"code": "SyncStateNotFound", "message": "The sync state is not found."}}
    assert isinstance(map_response(httpx.Response(400, json=upper), "delta"), CursorExpired)
    throttled = map_response(busy, "delta")
    assert isinstance(throttled, Throttled)
    assert throttled.retry_after_s == 3
    assert isinstance(map_response(down, "delta"), ServiceUnavailable)
    assert map_response(httpx.Response(200, json={}), "delta") is None


def test_a_dead_endpoint_is_service_unavailable() -> None:
    client = HttpxGraphApi(TOKEN, USER, endpoint="http://127.0.0.1:9/v1.0", attempts=1)
    with pytest.raises(ServiceUnavailable):
        client.resolve_folder("Inbox")
    client.close()


def test_mime_is_cut_after_the_size_limit_plus_one_byte(graph: GraphStandIn) -> None:
    limit = 4096
    small = graph.deliver(USER, raw(1), notify=False)
    big_raw = raw(2) + b"x" * (40 * limit)  # ten times over, in more than one read
    big = graph.deliver(USER, big_raw, notify=False)
    api = HttpxGraphApi(
        TOKEN, USER, endpoint=graph.base_url + "v1.0", attempts=1, max_message_bytes=limit
    )
    try:
        assert api.mime(small) == raw(1)
        held = api.mime(big)
        assert held == big_raw[: limit + 1]  # over the limit, and no more than that
        with pytest.raises(NotFound):
            api.mime("AAMkAD-no-such-message")
    finally:
        api.close()
