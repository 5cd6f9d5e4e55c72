"""A part's headers read once answer what the part's own ``get``, ``get_content_type`` and
``get_content_disposition`` answer, on every part of the sample mails and of odd ones."""

from __future__ import annotations

from email import message_from_bytes
from pathlib import Path

from shared.domain.mime.headers import RAW_HEADERS
from shared.domain.mime.part_headers import PartHeaders

DATA = Path(__file__).resolve().parents[2] / "data"
ODD = [
    b"Subject: no type\r\n\r\nbody",
    b"Content-Type: TEXT/HTML ; charset=x\r\nCONTENT-DISPOSITION: Inline; filename=a\r\n\r\nx",
    b"Content-Type: text\r\nContent-Disposition:\r\n\r\nx",
    b"Content-Type: a/b/c\r\nContent-Type: text/html\r\n\r\nx",
    b'Content-Type: multipart/digest; boundary="b"\r\n\r\n--b\r\n\r\nno headers\r\n--b--\r\n',
    b"Content-Type: text/plain; name=\xc3\xa7.txt\r\nContent-ID: <x@y>\r\n\r\nx",
]


def test_the_same_answers_as_the_part() -> None:
    raws = [p.read_bytes() for p in sorted(DATA.rglob("*.eml")) if "holdout" not in p.name]
    names = ["content-type", "Content-Disposition", "content-id", "subject", "x-missing"]
    parts = 0
    for raw in [*raws, *ODD]:
        try:
            message = message_from_bytes(raw, policy=RAW_HEADERS)
        except RecursionError:  # a nesting bomb: the parser's own limit (test_mime_hostile)
            continue
        for part in message.walk():
            heads = PartHeaders(part)
            for name in [*names, *part.keys()]:
                assert heads.get(name) == part.get(name)
            assert heads.content_type() == part.get_content_type()
            assert heads.disposition() == part.get_content_disposition()
            parts += 1
    assert parts > 60
