"""Process groups, ports and readiness waits, with small shell children instead of services."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailingest_dev.devstack import start_firestore, start_pubsub, start_secretmanager
from mailingest_dev.devstack.process import (
    DevstackError,
    ManagedProcess,
    ensure_ports_free,
    free_port,
    group_pids,
    port_is_free,
    wait_until,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def listener() -> Iterator[int]:
    """A port something else already listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def test_free_ports_are_free_and_never_handed_out_twice() -> None:
    ports = [free_port() for _ in range(100)]
    assert len(set(ports)) == 100
    assert all(port_is_free(p) for p in ports[:5])


def test_a_taken_port_is_refused_by_name(listener: int) -> None:
    assert not port_is_free(listener)
    with pytest.raises(DevstackError, match=f"port {listener} is already in use"):
        ensure_ports_free([free_port(), listener], "thing")


def test_waiting_for_a_port_succeeds_once_it_is_released() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    port = s.getsockname()[1]
    threading.Timer(0.2, s.close).start()
    ensure_ports_free([port], "thing", wait_s=10)
    assert port_is_free(port)


@pytest.mark.parametrize("start", [start_firestore, start_pubsub, start_secretmanager])
def test_a_service_never_starts_on_a_taken_port(
    start: object, listener: int, tmp_path: Path
) -> None:
    # an old emulator on the port would pass the readiness check: refuse before starting
    with pytest.raises(DevstackError, match="already in use"):
        start(tmp_path, port=listener)  # type: ignore[operator]
    assert list(tmp_path.iterdir()) == []  # no process was started (it would have a log)


def _sleepers(tmp_path: Path, script: str = "sleep 30 & sleep 30 & wait") -> ManagedProcess:
    return ManagedProcess("sleepers", ["sh", "-c", script], tmp_path / "s.log", dict(os.environ))


def test_stop_ends_the_whole_process_group(tmp_path: Path) -> None:
    proc = _sleepers(tmp_path)
    try:
        wait_until(lambda: len(group_pids(proc.pid)) == 3, 10, "sleepers", proc)
    finally:
        proc.stop()
    assert group_pids(proc.pid) == []
    assert proc.poll() is not None


def test_a_group_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    proc = _sleepers(tmp_path, "trap '' TERM; sleep 30 & wait")
    wait_until(lambda: len(group_pids(proc.pid)) == 2, 10, "sleepers", proc)
    proc.stop(timeout_s=0.5)
    assert group_pids(proc.pid) == []


def test_a_missing_binary_is_a_devstack_error(tmp_path: Path) -> None:
    with pytest.raises(DevstackError, match="not found"):
        ManagedProcess("ghost", [str(tmp_path / "no-such-binary")], tmp_path / "g.log", {})


def test_waiting_on_a_process_that_dies_reports_its_log(tmp_path: Path) -> None:
    proc = _sleepers(tmp_path, "echo 'cannot bind port' >&2; exit 3")
    with pytest.raises(DevstackError, match=r"exited with 3.*cannot bind port"):
        wait_until(lambda: False, 10, "thing", proc)


def test_waiting_is_bounded(tmp_path: Path) -> None:
    proc = _sleepers(tmp_path)
    try:
        with pytest.raises(DevstackError, match="not ready after"):
            wait_until(lambda: False, 0.2, "thing", proc)
    finally:
        proc.stop()


def _run_owner(script: str, tmp_path: Path, *, sigterm: bool) -> int:
    """Run ``script`` in a Python child that prints its service's pid when ready and then
    waits for a line on stdin; end it with SIGTERM or that line. Returns the service's pid."""
    with subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    ) as owner:
        try:
            assert owner.stdin is not None
            assert owner.stdout is not None
            pid = int(owner.stdout.readline())
            assert group_pids(pid), "the owner's child should be running"
            if sigterm:
                owner.terminate()
            else:
                owner.stdin.write("exit\n")
                owner.stdin.flush()
            owner.wait(timeout=30)
        finally:
            if owner.poll() is None:
                owner.kill()
                owner.wait(timeout=10)
    return pid


def test_sigterm_to_the_owner_stops_its_services(tmp_path: Path) -> None:
    pid = _run_owner(
        """
        import os, sys
        from pathlib import Path
        from mailingest_dev.devstack.process import (
            ManagedProcess, sigterm_raises_keyboard_interrupt)
        with sigterm_raises_keyboard_interrupt():
            p = ManagedProcess("s", ["sleep", "60"], Path(sys.argv[1]) / "s.log", dict(os.environ))
            try:
                print(p.pid, flush=True)
                sys.stdin.readline()
            finally:
                p.stop()
        """,
        tmp_path,
        sigterm=True,
    )
    assert group_pids(pid) == []


def test_an_owner_that_forgets_stop_leaves_nothing_running(tmp_path: Path) -> None:
    pid = _run_owner(
        """
        import os, sys
        from pathlib import Path
        from mailingest_dev.devstack.process import ManagedProcess
        p = ManagedProcess("s", ["sleep", "60"], Path(sys.argv[1]) / "s.log", dict(os.environ))
        print(p.pid, flush=True)
        sys.stdin.readline()
        """,
        tmp_path,
        sigterm=False,
    )
    assert group_pids(pid) == []


def test_a_service_port_chosen_by_us_moves_on_when_a_neighbour_takes_it() -> None:
    import socket as socket_module

    from mailingest_dev.devstack.process import DevstackError, service_port

    with socket_module.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        with pytest.raises(DevstackError, match="already in use"):
            service_port(busy, "a service")  # a port the caller named must be free
        chosen = service_port(None, "a service")
        assert chosen != busy
        with socket_module.socket() as probe:
            probe.bind(("127.0.0.1", chosen))  # really free
