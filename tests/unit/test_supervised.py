"""`mailingest run` keeps the local system up as the platform would: a child that exits is
started again after a wait that doubles (capped), is said in the log, and a stop ends all."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from mailingest_dev.supervised import Supervisor


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _wait_exited(supervisor: Supervisor) -> None:
    deadline = time.monotonic() + 30
    while any(c.process and c.process.poll() is None for c in supervisor.children):
        assert time.monotonic() < deadline, "the child did not exit"
        time.sleep(0.02)


def test_an_exited_child_is_started_again_with_a_growing_wait(tmp_path: Path) -> None:
    said: list[str] = []
    clock = Clock()
    supervisor = Supervisor(said.append, max_backoff_s=4.0, clock=clock)
    dies = [sys.executable, "-c", "import sys; sys.exit(3)"]
    child = supervisor.spawn("the watcher", dies, {}, tmp_path / "watcher.log")
    first = child.pid
    waits = []
    for _ in range(4):
        _wait_exited(supervisor)
        supervisor.check()  # noticed: a wait starts
        assert child.restart_at is not None
        waits.append(child.restart_at - clock.now)
        supervisor.check()  # the wait is not over: nothing starts
        assert child.restart_at is not None
        clock.now = child.restart_at
        supervisor.check()  # started again
        assert child.restart_at is None
    assert waits == [1.0, 2.0, 4.0, 4.0]
    assert child.restarts == 4
    assert child.pid != first
    assert said[0] == (
        f"the watcher exited with 3; starting it again in 1 s (log: {tmp_path / 'watcher.log'})"
    )
    assert said[1] == "the watcher started again (restart 1)"
    supervisor.stop()


def test_a_child_that_stayed_up_starts_again_from_the_shortest_wait(tmp_path: Path) -> None:
    clock = Clock()
    supervisor = Supervisor(lambda _: None, healthy_after_s=60, clock=clock)
    child = supervisor.spawn("f", [sys.executable, "-c", "pass"], {}, tmp_path / "f.log")
    child.backoff_s = 16.0  # after a run of quick deaths
    clock.now += 120  # ... it then ran for two minutes before exiting
    _wait_exited(supervisor)
    supervisor.check()
    assert child.restart_at == clock.now + 1.0
    supervisor.stop()


def test_stop_ends_every_child(tmp_path: Path) -> None:
    supervisor = Supervisor(lambda _: None)
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    children = [supervisor.spawn(f"s{i}", sleeper, {}, tmp_path / f"s{i}.log") for i in range(2)]
    supervisor.stop()
    assert all(c.process is not None and c.process.poll() is not None for c in children)
