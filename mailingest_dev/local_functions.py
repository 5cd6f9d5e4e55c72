"""What the local runs of the functions share (benchmarks and end-to-end tests): the
environment of local backends, and a function served by functions-framework as a child."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.fernet import Fernet

from mailingest_dev.devstack.process import free_port, wait_for_listener


def local_backends_env(tmp: Path, events_topic: str) -> dict[str, str]:
    """Firestore and Pub/Sub (their emulators' hosts come from the dev stack), raw MIME in
    ``tmp/blobs``, secrets in an encrypted file, a fresh OAuth state key."""
    return {
        "MAILINGEST_STATE_BACKEND": "firestore",
        "MAILINGEST_EVENTS_BACKEND": "pubsub",
        "MAILINGEST_EVENTS_TOPIC": events_topic,
        "MAILINGEST_BLOBS_BACKEND": "local",
        "MAILINGEST_BLOB_DIR": str(tmp / "blobs"),
        "MAILINGEST_SECRETS_BACKEND": "file",
        "MAILINGEST_SECRETS_FILE": str(tmp / "secrets.enc"),
        "MAILINGEST_SECRETS_KEY": Fernet.generate_key().decode(),
        "MAILINGEST_OAUTH_STATE_KEY": Fernet.generate_key().decode(),
        "MAILINGEST_OAUTH_REDIRECT_URI": "http://127.0.0.1/oauth_callback",
        "MAILINGEST_SETTINGS_URL": "http://127.0.0.1/settings",
    }


@contextmanager
def serving_function(
    target: str,
    log: Path,
    *,
    signature: str = "http",
    port: int | None = None,
    folder: str | None = None,
) -> Iterator[str]:
    """``functions/<folder>/main.py`` (the folder defaults to the target's name; both OAuth
    targets live in ``functions/oauth``) under functions-framework with this process's
    environment; yields its URL once it listens; stopped at the end."""
    port = port or free_port()
    ff = Path(sys.executable).with_name("functions-framework")
    argv = [
        str(ff),
        f"--target={target}",
        f"--source=functions/{folder or target}/main.py",
        f"--signature-type={signature}",
        "--host=127.0.0.1",
        f"--port={port}",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 - our own function under functions-framework
            argv, env=dict(os.environ), stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_listener(url)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
