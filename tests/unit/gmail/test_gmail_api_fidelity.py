"""The Gmail adapter against the strict stand-in: batch parts retried on their own, mail that
enters the label later, the history page cap, labels and the primary address, scopes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from mailingest_dev.standins.gmail_api import GmailStandIn
from shared.adapters.gmail import GoogleGmailApi
from shared.adapters.gmail.batch import PartRetries
from shared.errors import AuthError, Throttled, ValidationError
from shared.ports import GmailMessage
from tests.unit.gmail.conftest import EMAIL, READ_TOKEN, TOKEN


def raw(n: int) -> bytes:
    return f"Subject: Booking {n}\r\n\r\nRoom {n}\r\n".encode()


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def api(gmail: GmailStandIn, waits: list[float]) -> Iterator[Callable[..., GoogleGmailApi]]:
    made: list[GoogleGmailApi] = []

    def make(token: str = TOKEN, rounds: int = 5, pages: int = 20) -> GoogleGmailApi:
        retries = PartRetries(rounds=rounds, sleep=waits.append)
        client = GoogleGmailApi(
            token,
            endpoint=gmail.base_url,
            timeout_s=10,
            attempts=2,
            part_retries=retries,
            history_pages=pages,
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def test_only_the_throttled_parts_are_asked_again_with_backoff(
    gmail: GmailStandIn, api: Callable[..., GoogleGmailApi], waits: list[float]
) -> None:
    ids = [gmail.insert(EMAIL, raw(n)) for n in range(30)]
    gmail.throttle_parts(12)  # the first 10 parts of batch 1, 2 of batch 2
    before = gmail.request_count()
    got = api().get_raw(ids)
    assert [m.raw for m in got if isinstance(m, GmailMessage)] == [raw(n) for n in range(30)]
    # 3 batches, then the 12 throttled parts again: 2 batches
    assert gmail.request_count() - before == 5
    assert gmail.batch_parts == 42
    assert waits == [0.25]


def test_parts_still_throttled_after_every_round_are_their_error(
    gmail: GmailStandIn, api: Callable[..., GoogleGmailApi], waits: list[float]
) -> None:
    ids = [gmail.insert(EMAIL, raw(n)) for n in range(3)]
    gmail.throttle_parts(100)
    got = api(rounds=3).get_raw(ids)
    assert all(isinstance(m, Throttled) for m in got)
    assert waits == [0.25, 0.5]


def test_mail_given_the_label_later_is_added_once(
    gmail: GmailStandIn, api: Callable[..., GoogleGmailApi]
) -> None:
    client = api()
    start = client.current_history_id()
    archived = gmail.insert(EMAIL, raw(1), labels=("CATEGORY_UPDATES",))
    new = gmail.insert(EMAIL, raw(2))
    gmail.relabel(EMAIL, archived, add=("INBOX",))  # un-archived
    gmail.relabel(EMAIL, new, remove=("INBOX",))
    gmail.relabel(EMAIL, new, add=("INBOX", "STARRED"))  # back again: already known
    gmail.relabel(EMAIL, new, add=("IMPORTANT",))  # another label: not an entry
    changes = client.added_since(start, "INBOX")
    assert changes.ids == [new, archived]
    records = dict(changes.added)
    assert int(records[new]) < int(records[archived])


def test_a_history_read_stopped_at_its_page_cap_goes_only_as_far_as_it_read(
    gmail: GmailStandIn, api: Callable[..., GoogleGmailApi]
) -> None:
    client = api(pages=2)  # the stand-in's pages are 100 records
    start = client.current_history_id()
    ids = [gmail.insert(EMAIL, raw(n)) for n in range(250)]
    first = client.added_since(start, "INBOX")
    assert (first.ids, first.complete) == (ids[:200], False)
    assert first.newest == dict(first.added)[ids[199]]
    rest = client.added_since(first.newest, "INBOX")
    assert (rest.ids, rest.complete) == (ids[200:], True)
    assert rest.newest == str(gmail.accounts[EMAIL].history_id)


def test_labels_profile_and_a_label_name_refused(
    gmail: GmailStandIn, api: Callable[..., GoogleGmailApi]
) -> None:
    label = gmail.add_label(EMAIL, "Bookings")
    client = api()
    assert client.labels()[label] == "Bookings"
    assert client.profile().email == EMAIL
    with pytest.raises(ValidationError, match="Invalid label: Bookings"):
        client.watch("projects/p/topics/t", ["Bookings"])


def test_trash_and_a_read_only_grant(
    gmail: GmailStandIn, api: Callable[..., GoogleGmailApi]
) -> None:
    ids = [gmail.insert(EMAIL, raw(n)) for n in range(12)]
    with pytest.raises(AuthError, match="insufficientPermissions"):
        api(READ_TOKEN).modify(ids, add=(), remove=("UNREAD",))
    with pytest.raises(AuthError):
        api(READ_TOKEN).trash(ids[:1])
    api().trash(ids)
    assert all("TRASH" in gmail.accounts[EMAIL].messages[i].labels for i in ids)
