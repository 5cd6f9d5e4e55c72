"""Child processes in their own process group, free ports and bounded readiness waits."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from shared.errors import MailIngestError


class DevstackError(MailIngestError):
    """A local service could not be started (missing binary, port taken, not ready in time)."""


def free_port() -> int:
    """A port nobody listens on right now (bind to 0, read it back)."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def port_is_free(port: int) -> bool:
    """True when nothing listens on ``port`` (connections in TIME_WAIT do not count)."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def wait_until(
    check: Callable[[], bool], timeout_s: float, what: str, proc: ManagedProcess
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise DevstackError(f"{what} exited with {proc.poll()} while starting; {proc.tail()}")
        with contextlib.suppress(OSError):
            if check():
                return
        time.sleep(0.1)
    raise DevstackError(f"{what} not ready after {timeout_s:.0f} s; {proc.tail()}")


class ManagedProcess:
    """A child in a new session (its own process group), logging to a file."""

    def __init__(self, name: str, argv: list[str], log_path: Path, env: dict[str, str]) -> None:
        self.name = name
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as log:
            try:
                self._proc = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                    start_new_session=True,
                )
            except FileNotFoundError as exc:
                raise DevstackError(f"{name}: {argv[0]} not found ({exc.strerror})") from None

    @property
    def pid(self) -> int:
        return self._proc.pid

    def poll(self) -> int | None:
        return self._proc.poll()

    def tail(self, lines: int = 8) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return "no log"
        return f"log {self.log_path}: " + " | ".join(text)

    def stop(self, timeout_s: float = 10.0) -> None:
        """SIGTERM the whole group, SIGKILL it if it lingers."""
        if self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGTERM)
            try:
                self._proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait(timeout=5)
        # Children that outlived the group leader (JVM helpers, dovecot workers)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._proc.pid, signal.SIGKILL)
