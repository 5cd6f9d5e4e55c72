"""The parser's message class answers every header look-up as ``email.message.Message`` does,
on the sample mails and after the header list changes (added, replaced, deleted, a
parameter or the boundary set)."""

from __future__ import annotations

from collections.abc import Callable
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from shared.domain.mime.headers import RAW_HEADERS
from shared.domain.mime.indexed_message import IndexedMessage

DATA = Path(__file__).resolve().parents[2] / "data"
NAMES = ["content-type", "Content-Type", "SUBJECT", "x-a", "received", "x-missing"]
RAW = (
    b"Received: one\r\nReceived: two\r\nSubject: s\r\nX-A: 1\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n'
)


def _answers(msg: Message) -> list[Any]:
    names = [*NAMES, *msg.keys()]
    return [msg.get(n, "-") for n in names] + [msg.get_content_type(), msg.get_boundary()]


def test_parsed_parts_are_indexed_and_answer_the_same() -> None:
    raws = [p.read_bytes() for p in sorted(DATA.rglob("*.eml")) if "holdout" not in p.name]
    for raw in [*raws, RAW]:
        try:
            ours = message_from_bytes(raw, policy=RAW_HEADERS)
            theirs = message_from_bytes(raw, _class=Message, policy=RAW_HEADERS)
        except RecursionError:  # a nesting bomb: the parser's own limit (test_mime_hostile)
            continue
        for mine, plain in zip(ours.walk(), theirs.walk(), strict=True):
            assert isinstance(mine, IndexedMessage)
            assert _answers(mine) == _answers(plain)


CHANGES: list[Callable[[Message], object]] = [
    lambda m: m.__setitem__("X-B", "2"),
    lambda m: m.__delitem__("Received"),
    lambda m: m.replace_header("Subject", "t"),
    lambda m: m.add_header("X-A", "3"),
    lambda m: m.set_param("charset", "utf-8"),
    lambda m: m.set_boundary("c"),
    lambda m: m.set_raw("Subject", "u"),
    lambda m: m.__delitem__("X-A"),
]


@pytest.mark.parametrize("count", range(1, len(CHANGES) + 1))
def test_the_same_answers_after_the_headers_change(count: int) -> None:
    ours = message_from_bytes(RAW, policy=RAW_HEADERS)
    theirs = message_from_bytes(RAW, _class=Message, policy=RAW_HEADERS)
    assert _answers(ours) == _answers(theirs)
    for change in CHANGES[:count]:
        change(ours)
        change(theirs)
        assert _answers(ours) == _answers(theirs)
