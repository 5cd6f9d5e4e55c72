"""A request body is read only up to its limit: by its declared length before reading, and
without one (chunked) by reading at most the limit and one byte."""

from __future__ import annotations

import io

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from shared.entrypoints import bounded_body


def _request(body: bytes, *, declared: bool) -> tuple[Request, io.BytesIO]:
    stream = io.BytesIO(body)
    environ = EnvironBuilder(method="POST", input_stream=stream).get_environ()
    if not declared:  # chunked: no length, the server marks the input as terminated
        environ.pop("CONTENT_LENGTH", None)
        environ["wsgi.input_terminated"] = True
    return Request(environ), stream


def test_a_body_within_the_limit_is_read_whole() -> None:
    for declared in (True, False):
        request, _ = _request(b"x" * 100, declared=declared)
        assert bounded_body(request, 100) == b"x" * 100


def test_a_body_over_the_limit_is_refused_unread_or_after_the_limit_and_one_byte() -> None:
    request, stream = _request(b"x" * 10_000, declared=True)
    assert bounded_body(request, 100) is None
    assert stream.tell() == 0  # not a byte read
    request, stream = _request(b"x" * 10_000, declared=False)
    assert bounded_body(request, 100) is None
    assert stream.tell() <= 101 + 64 * 1024  # the limit + 1, and at most one buffer's read-ahead
