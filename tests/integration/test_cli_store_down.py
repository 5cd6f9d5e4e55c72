"""`mailingest health` answers when the store does not: a Firestore that accepts connections
and never answers (a black hole on loopback) gets "store unreachable" and exit code 3 in
about HEALTH_ANSWER_S, not a hang (the Firestore client alone would wait out its retries)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from shared.cli.health_cmds import HEALTH_ANSWER_S


@pytest.fixture
def black_hole() -> Iterator[str]:
    """A TCP listener that accepts and never says a word."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(5)
    for conn in held:
        conn.close()
    listener.close()


def test_health_says_the_store_is_unreachable_instead_of_hanging(black_hole: str) -> None:
    env = {
        **os.environ,
        "GOOGLE_CLOUD_PROJECT": "demo-test",
        "FIRESTORE_EMULATOR_HOST": black_hole,
        "MAILINGEST_STATE_BACKEND": "firestore",
        "MAILINGEST_EVENTS_BACKEND": "memory",
        "MAILINGEST_SECRETS_BACKEND": "memory",
        "MAILINGEST_BLOBS_BACKEND": "memory",
    }
    done = subprocess.run(
        [sys.executable, "-m", "shared.cli.main", "health"],
        env=env,
        capture_output=True,
        text=True,
        timeout=HEALTH_ANSWER_S + 15,  # the client alone took 19 s and more
        check=False,
    )
    assert done.returncode == 3, done.stderr[-500:]
    assert "store unreachable" in done.stderr
