"""The Gmail adapter reads no answer past its cap, against the stand-in: a batch holding a
message over the limit is asked again part by part, that message becomes its first
limit + 1 bytes (what the pipeline publishes as over the limit) with its internal date, and
the others arrive whole, once; whatever its ``sizeEstimate`` says. Ordinary mail costs no
request more."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import pytest

from mailingest_dev.standins.gmail_api import GmailStandIn
from shared.adapters.gmail import GoogleGmailApi
from shared.errors import ValidationError
from shared.ports import GmailMessage
from tests.unit.gmail.conftest import EMAIL, TOKEN

LIMIT = 64 * 1024  # max_message_bytes of these clients
DATE = 1_767_225_600_000
LINE = b"x" * 998 + b"\r\n"  # the stand-in's filler


def raw(n: int) -> bytes:
    return f"Subject: Booking {n}\r\n\r\nRoom {n}\r\n".encode()


@pytest.fixture
def api(gmail: GmailStandIn) -> Iterator[Callable[[], GoogleGmailApi]]:
    made: list[GoogleGmailApi] = []

    def make() -> GoogleGmailApi:
        made.append(
            GoogleGmailApi(TOKEN, endpoint=gmail.base_url, timeout_s=10, max_message_bytes=LIMIT)
        )
        return made[-1]

    yield make
    for client in made:
        client.close()


def messages(got: Sequence[GmailMessage | object]) -> list[GmailMessage]:
    assert all(isinstance(m, GmailMessage) for m in got), got
    return [m for m in got if isinstance(m, GmailMessage)]


@pytest.mark.parametrize("stated_size", [None, 100], ids=["honest", "lying-size-estimate"])
def test_a_message_over_the_limit_is_cut_and_its_batch_siblings_arrive_whole(
    gmail: GmailStandIn, api: Callable[[], GoogleGmailApi], stated_size: int | None
) -> None:
    first, last = gmail.insert(EMAIL, raw(1)), gmail.insert(EMAIL, raw(3))
    big = gmail.insert(
        EMAIL, raw(2), filler=40 * LIMIT, stated_size=stated_size, internal_date_ms=DATE
    )
    before = gmail.request_count()
    one, over, three = messages(api().get_raw([first, big, last]))
    assert (one.raw, three.raw) == (raw(1), raw(3))
    assert over.id == big
    assert over.raw == (raw(2) + LINE * 66)[: LIMIT + 1]
    assert over.internal_date_ms == DATE
    # the batch, cut; each of its messages alone, and the internal date of the one cut again
    path = "GET /gmail/v1/users/me/messages/"
    assert gmail.requests[before:] == [
        "POST /batch/gmail/v1",
        *(path + i for i in (first, big, big, last)),
    ]
    assert gmail.batch_parts == 3


def test_messages_within_the_limit_cost_one_batch(
    gmail: GmailStandIn, api: Callable[[], GoogleGmailApi]
) -> None:
    """Ten messages of the limit each: the batch is within ten parts' caps."""
    head = raw(0)
    ids = [gmail.insert(EMAIL, head, filler=LIMIT - len(head)) for _ in range(10)]
    before = gmail.request_count()
    got = messages(api().get_raw(ids))
    assert [len(m.raw) for m in got] == [LIMIT] * 10
    assert gmail.request_count() - before == 1


def test_a_message_whose_raw_does_not_start_within_the_cap_is_its_own_error(
    gmail: GmailStandIn, api: Callable[[], GoogleGmailApi]
) -> None:
    """Fields before ``raw`` that fill the cap (a server answering out of all proportion):
    that message is an error of its own, the others arrive."""
    fine = gmail.insert(EMAIL, raw(1))
    big = gmail.insert(EMAIL, raw(2), filler=10 * LIMIT)
    gmail.accounts[EMAIL].messages[big].labels |= {f"Label_{n:06}" for n in range(8000)}
    got = api().get_raw([fine, big])
    assert isinstance(got[0], GmailMessage)
    assert got[0].raw == raw(1)
    assert isinstance(got[1], ValidationError)
    assert "without the start of its raw message" in str(got[1])
