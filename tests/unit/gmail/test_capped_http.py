"""The transport under the Gmail client: httplib2's ``request`` over httpx, each answer read
as a stream and never past its cap; what it sends and what httpx's failures become."""

from __future__ import annotations

import gzip
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from mailingest_dev.standins.serve import Answer, Streamed, serving
from shared.adapters.gmail import GoogleGmailApi
from shared.adapters.gmail.capped_http import AnswerTooLarge, CappedHttp

MB = 1024 * 1024


class Recorder:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.seen: list[tuple[str, str, dict[str, str], bytes]] = []

    def handle(self, method: str, target: str, headers: Any, body: bytes) -> Answer:
        self.seen.append((method, target, {k.lower(): v for k, v in headers.items()}, body))
        return self.answer


@pytest.fixture
def transport() -> Iterator[CappedHttp]:
    http = CappedHttp(cap_bytes=MB, timeout_s=10)
    yield http
    http.close()


def endless(length: int) -> Streamed:
    return Streamed(length, lambda: (b"y" * 65536 for _ in range(-(-length // 65536))))


def test_an_answer_within_its_cap_comes_as_httplib2_gives_it(transport: CappedHttp) -> None:
    server = Recorder((201, {"Content-Type": "application/json", "X-Thing": "1"}, b'{"a": 1}'))
    with serving(server.handle, "test") as url:
        answer, content = transport.request(
            url + "p?q=1", "POST", body='{"ü": 1}', headers={"authorization": "Bearer t"}
        )
    assert (answer.status, answer["content-type"], answer["x-thing"]) == (
        201,
        "application/json",
        "1",
    )
    assert answer["status"] == "201"
    assert content == b'{"a": 1}'
    method, target, headers, body = server.seen[0]
    assert (method, target, body) == ("POST", "/p?q=1", '{"ü": 1}'.encode())
    assert headers["authorization"] == "Bearer t"
    assert headers["accept-encoding"] == "identity"  # the cap counts what is held


def test_an_answer_past_its_cap_is_not_read_past_it(transport: CappedHttp) -> None:
    server = Recorder((200, {}, endless(64 * MB)))
    with serving(server.handle, "test") as url:
        with pytest.raises(AnswerTooLarge) as cut:
            transport.request(url)
        assert cut.value.held == b"y" * MB
        with transport.capped(3 * MB), pytest.raises(AnswerTooLarge) as cut:
            transport.request(url)
        assert len(cut.value.held) == 3 * MB
        assert transport.cap_bytes == MB  # for that call only
        server.answer = (200, {}, endless(MB))
        assert transport.request(url)[1] == b"y" * MB  # the cap itself is within it


def test_a_compressed_answer_is_refused_and_failures_are_httplib2s(
    transport: CappedHttp,
) -> None:
    server = Recorder((200, {"Content-Encoding": "gzip"}, gzip.compress(b"z" * 10 * MB)))
    with serving(server.handle, "test") as url, pytest.raises(ConnectionError, match="encoded"):
        transport.request(url)
    with pytest.raises(ConnectionError):  # nobody listens there any more
        transport.request(url)
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        quick = CappedHttp(cap_bytes=MB, timeout_s=0.2)
        with pytest.raises(TimeoutError):
            quick.request(f"http://127.0.0.1:{silent.getsockname()[1]}/")
        quick.close()


def test_an_answer_over_its_cap_outside_a_message_read_is_a_permanent_error() -> None:
    """Not a message: no part to ask alone, the call fails (and is not retried)."""
    server = Recorder((200, {"Content-Type": "application/json"}, endless(8 * MB)))
    with serving(server.handle, "test") as url:
        client = GoogleGmailApi("t", endpoint=url, timeout_s=10, max_message_bytes=MB)
        with client, pytest.raises(AnswerTooLarge):
            client.labels()
        assert len(server.seen) == 1
