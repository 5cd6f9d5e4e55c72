"""The Gmail adapter through google-api-python-client against the local stand-in, which
answers in the documented shapes (checked here against tests/data/gmail/)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from mailingest_dev.standins.gmail_api import GmailStandIn, running_gmail
from shared.adapters.gmail import GoogleGmailApi
from shared.errors import AuthError, CursorExpired, NotFound, Throttled
from shared.ports import GmailMessage

DATA = Path(__file__).resolve().parents[2] / "data" / "gmail"
EMAIL = "booking@agency.example"
TOKEN = "ya29.test-gmail-access-token"


def recorded(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((DATA / name).read_text())
    return data


def raw(n: int) -> bytes:
    return f"From: hotel@example.com\r\nSubject: Booking {n}\r\n\r\nRoom {n}\r\n".encode()


@pytest.fixture
def gmail() -> Iterator[GmailStandIn]:
    with running_gmail() as standin:
        standin.add_account(EMAIL, TOKEN)
        yield standin


@pytest.fixture
def api(gmail: GmailStandIn) -> Iterator[Callable[..., GoogleGmailApi]]:
    made: list[GoogleGmailApi] = []

    def make(token: str = TOKEN) -> GoogleGmailApi:
        made.append(GoogleGmailApi(token, endpoint=gmail.base_url, timeout_s=10, attempts=2))
        return made[-1]

    yield make
    for client in made:
        client.close()


def test_the_stand_in_answers_in_the_documented_shapes(gmail: GmailStandIn) -> None:
    gmail.add_account(EMAIL, TOKEN)
    for n in range(3):
        gmail.insert(EMAIL, raw(n))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    base = gmail.base_url + "gmail/v1/users/me"
    with httpx.Client(headers=headers, timeout=10) as http:
        watch = http.post(f"{base}/watch", json={"topicName": "projects/p/topics/t"}).json()
        history = http.get(
            f"{base}/history", params={"startHistoryId": "1000", "maxResults": 1}
        ).json()
        listed = http.get(f"{base}/messages", params={"maxResults": 1}).json()
        message_id = listed["messages"][0]["id"]
        message = http.get(f"{base}/messages/{message_id}", params={"format": "raw"}).json()
        gone = http.get(f"{base}/messages/nope", params={"format": "raw"})
    assert set(watch) == set(recorded("watch_response.json"))
    assert set(history) == set(recorded("history_list.json"))
    assert set(history["history"][0]) == set(recorded("history_list.json")["history"][0])  # type: ignore[index]
    assert set(listed) == set(recorded("messages_list.json"))
    assert set(message) == set(recorded("message_raw.json"))
    assert gone.status_code == 404
    assert gone.json() == recorded("error_404.json")


def test_watch_history_and_batched_raw_fetch(
    gmail: GmailStandIn, api: Callable[..., GoogleGmailApi]
) -> None:
    client = api()
    watch = client.watch("projects/p/topics/gmail", ["INBOX"])
    assert watch.expiration_ms > 0
    ids = [gmail.insert(EMAIL, raw(n)) for n in range(130)]  # more than one page and batch
    gmail.insert(EMAIL, raw(999), labels=("SENT",))  # another label: not asked for
    changes = client.added_since(watch.history_id, "INBOX")
    assert changes.ids == ids
    assert changes.complete
    assert int(changes.newest) > int(watch.history_id)
    before = gmail.request_count()
    messages = client.get_raw(changes.ids)
    assert all(isinstance(m, GmailMessage) for m in messages)
    assert [m.raw for m in messages if isinstance(m, GmailMessage)] == [raw(n) for n in range(130)]
    assert gmail.request_count() - before == 13  # 130 messages in batches of 10
    assert (gmail.batch_parts, gmail.throttled_parts) == (130, 0)
    again = client.added_since(changes.newest, "INBOX")
    assert (again.ids, again.newest) == ([], changes.newest)


def test_an_expired_history_id_and_the_bounded_listing(
    gmail: GmailStandIn, api: Callable[..., GoogleGmailApi]
) -> None:
    client = api()
    start = client.current_history_id()
    ids = [
        gmail.insert(EMAIL, raw(n), internal_date_ms=1_700_000_000_000 + n * 1000)
        for n in range(10)
    ]
    gmail.forget_history(EMAIL)
    with pytest.raises(CursorExpired):
        client.added_since(start, "INBOX")
    assert client.list_after("INBOX", 1_700_000_004, limit=100) == ids[5:]
    assert client.list_after("INBOX", 0, limit=3) == ids[-3:]


def test_errors_are_mapped_at_the_boundary(
    gmail: GmailStandIn, api: Callable[..., GoogleGmailApi]
) -> None:
    with pytest.raises(AuthError):
        api("ya29.someone-else").current_history_id()
    gmail.throttle(1, retry_after_s=7)
    with pytest.raises(Throttled) as info:
        api().current_history_id()
    assert info.value.retry_after_s == 7
    (missing,) = api().get_raw(["0123"])
    assert isinstance(missing, NotFound)


def test_a_dead_endpoint_is_service_unavailable() -> None:
    from shared.errors import ServiceUnavailable

    client = GoogleGmailApi(TOKEN, endpoint="http://127.0.0.1:9/", timeout_s=2, attempts=1)
    with client, pytest.raises(ServiceUnavailable):
        client.current_history_id()
