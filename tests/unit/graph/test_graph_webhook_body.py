"""The webhook refuses a body without a declared length, or declaring more than the cap,
before reading any of it and before anything is built (functions-framework's test client;
the body is a stream that records what is read of it)."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from functions_framework import create_app

from shared.web.graph_validation import MAX_BODY_BYTES

SOURCE = str(Path(__file__).resolve().parents[3] / "functions" / "graph_webhook" / "main.py")
FORTY_MB = 40 * 1024 * 1024


class RecordingBody(io.RawIOBase):
    """Endless bytes that count how many were read."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = len(buffer)
        buffer[:n] = b"x" * n
        self.read_bytes += n
        return n


def _body(stream: RecordingBody, length: int | None) -> dict[str, object]:
    """The WSGI environ of a JSON POST whose body is ``stream``, of declared ``length``."""
    environ: dict[str, object] = {"wsgi.input": stream, "CONTENT_TYPE": "application/json"}
    if length is None:
        environ.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True})
    else:
        environ["CONTENT_LENGTH"] = str(length)
    return environ


def test_an_oversized_or_unsized_body_is_refused_before_it_is_read() -> None:
    for name in [n for n in os.environ if n.startswith(("MAILINGEST_", "GOOGLE_", "FIRESTORE_"))]:
        del os.environ[name]  # restored by the autouse fixture: nothing could be built
    client = create_app("graph_webhook", SOURCE).test_client()
    oversized = RecordingBody()
    answer = client.post("/", environ_overrides=_body(oversized, FORTY_MB))
    assert answer.status_code == 413
    assert oversized.read_bytes == 0
    just_over = RecordingBody()
    answer = client.post("/", environ_overrides=_body(just_over, MAX_BODY_BYTES + 1))
    assert (answer.status_code, just_over.read_bytes) == (413, 0)
    unsized = RecordingBody()  # chunked: no length declared
    answer = client.post("/", environ_overrides=_body(unsized, None))
    assert answer.status_code == 411
    assert unsized.read_bytes == 0
    (main,) = [m for m in list(sys.modules.values()) if getattr(m, "__file__", None) == SOURCE]
    assert main._endpoint is None  # refused before anything was built
