"""Child processes in their own process group, free ports and bounded readiness waits.

Every service runs in a new session (``start_new_session``) so that stopping it kills the
whole group: the Pub/Sub emulator's shell wrapper and its JVM, Dovecot's master and its
login/imap/auth workers. A registry of live processes is stopped at interpreter exit as a
last resort, so even an owner that forgets ``stop()`` leaves nothing listening.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from shared.errors import MailIngestError

logger = logging.getLogger(__name__)


class DevstackError(MailIngestError):
    """A local service could not be started (missing binary, port taken, not ready in time)."""


_handed_out: set[int] = set()
_ports_lock = threading.Lock()


def free_port() -> int:
    """A loopback port nobody listens on right now (bind to 0, read it back).

    Ports already handed out by this process are never returned twice, so services started
    in parallel cannot be given the same port.
    """
    for _ in range(50):
        with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
            s.bind(("127.0.0.1", 0))
            port: int = s.getsockname()[1]
        with _ports_lock:
            if port not in _handed_out:
                _handed_out.add(port)
                return port
    raise DevstackError("no free loopback port found")


def port_is_free(port: int) -> bool:
    """True when nothing listens on ``port`` (connections in TIME_WAIT do not count)."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def service_port(port: int | None, what: str) -> int:
    """``port`` if given (it must be free), else a free loopback port — another one when a
    neighbour (a concurrent test run) takes the first between our choice and the check."""
    if port is not None:
        ensure_ports_free([port], what)
        return port
    for _ in range(20):
        candidate = free_port()
        if port_is_free(candidate):
            return candidate
    raise DevstackError(f"{what}: no free loopback port found")


def ensure_ports_free(ports: list[int], what: str, wait_s: float = 0.0) -> None:
    """Fail unless every port is free (waiting up to ``wait_s`` for a previous run to let go).

    Checked just before a service starts: something else on the port would otherwise answer
    our readiness check and the tests would talk to a stranger (handbook: gotcha 1).
    """
    deadline = time.monotonic() + wait_s
    while True:
        taken = [p for p in ports if not port_is_free(p)]
        if not taken:
            return
        if time.monotonic() >= deadline:
            raise DevstackError(f"{what}: port {taken[0]} is already in use on 127.0.0.1")
        time.sleep(0.05)


def group_pids(pgid: int) -> list[int]:
    """Live (non-zombie) processes in process group ``pgid``, read from /proc (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # fields after the parenthesised command name: state ppid pgrp ...
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 2 and fields[0] not in ("Z", "X") and int(fields[2]) == pgid:
            found.append(int(entry.name))
    return found


def wait_until(
    check: Callable[[], bool], timeout_s: float, what: str, proc: ManagedProcess
) -> None:
    """Poll ``check`` until it is true; fail early if ``proc`` dies, late with its log."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise DevstackError(f"{what} exited with {proc.poll()} while starting; {proc.tail()}")
        with contextlib.suppress(OSError):
            if check():
                return
        time.sleep(0.05)
    raise DevstackError(f"{what} not ready after {timeout_s:.0f} s; {proc.tail()}")


_live: set[ManagedProcess] = set()
_live_lock = threading.Lock()


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
        with _live_lock:
            _live.add(self)
        logger.info("started %s", name, extra={"service": name, "pid": self._proc.pid})

    @property
    def pid(self) -> int:
        """The group leader's pid, which is also the process group id."""
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
        """SIGTERM the whole group, SIGKILL what lingers, return when no member is left."""
        pgid = self._proc.pid
        if self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGTERM)
            try:
                self._proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                logger.warning("%s ignored SIGTERM; killing it", self.name)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pgid, signal.SIGKILL)
                self._proc.wait(timeout=5)
        # Children that outlived the group leader (JVM helpers, dovecot workers): kill them and
        # wait until they are gone, so their listening sockets are closed when we return.
        deadline = time.monotonic() + 5
        while group_pids(pgid) and time.monotonic() < deadline:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)
            time.sleep(0.02)
        with _live_lock:
            _live.discard(self)
        logger.info("stopped %s", self.name, extra={"service": self.name, "pid": pgid})


@atexit.register
def _stop_leftovers() -> None:
    """Last resort: an owner that never called stop() must not leave services running."""
    with _live_lock:
        leftovers = list(_live)
    for proc in leftovers:
        with contextlib.suppress(Exception):
            proc.stop(timeout_s=3)


@contextlib.contextmanager
def sigterm_raises_keyboard_interrupt() -> Iterator[None]:
    """While inside, SIGTERM unwinds like Ctrl-C, so ``finally`` blocks stop the services.

    Python's default SIGTERM action ends the process without unwinding, which would orphan
    every child (each lives in its own session). Only installed from the main thread and
    only over the default handler: an owner with its own handler (``mailingest run``,
    ``python -m mailingest_dev.devstack up``) keeps it.
    """
    install = (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    )
    if not install:
        yield
        return

    def on_sigterm(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def wait_for_listener(url: str, timeout_s: float = 60) -> None:
    """Wait until something accepts TCP connections at ``url``'s host and port."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.closing(socket.socket()) as s:
            s.settimeout(1)
            if s.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    raise DevstackError(f"nothing listens at {url} after {timeout_s:.0f} s")
