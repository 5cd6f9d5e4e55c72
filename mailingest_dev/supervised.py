"""Children that are started again when they exit, as Cloud Run restarts a container (and
Cloud Functions an instance) in production: ``mailingest run`` keeps the local system up
when one part dies, and stops only when asked to (Ctrl-C). Restarts back off (1 s, doubling,
at most ``max_backoff_s``) so a child that dies at once does not spin; a child that stayed up
for ``healthy_after_s`` starts again from the shortest wait."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restarts: int = 0
    backoff_s: float = 1.0
    restart_at: float | None = None  # when an exited child starts again

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None


@dataclass
class Supervisor:
    say: Callable[[str], None]
    max_backoff_s: float = 30.0
    healthy_after_s: float = 60.0
    clock: Callable[[], float] = time.monotonic
    children: list[Child] = field(default_factory=list)

    def spawn(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> Child:
        child = Child(name, argv, env, log)
        self._start(child)
        self.children.append(child)
        return child

    def check(self) -> None:
        """Notice exited children and start those whose wait is over (call it often)."""
        now = self.clock()
        for child in self.children:
            process = child.process
            if child.restart_at is None and process is not None and process.poll() is not None:
                if now - child.started_at >= self.healthy_after_s:
                    child.backoff_s = 1.0
                child.restart_at = now + child.backoff_s
                self.say(
                    f"{child.name} exited with {process.returncode}; "
                    f"starting it again in {child.backoff_s:g} s (log: {child.log})"
                )
                child.backoff_s = min(child.backoff_s * 2, self.max_backoff_s)
            elif child.restart_at is not None and now >= child.restart_at:
                child.restart_at = None
                child.restarts += 1
                self._start(child)
                self.say(f"{child.name} started again (restart {child.restarts})")

    def stop(self) -> None:
        """SIGTERM to every child's process group, SIGKILL to what is left after 10 s."""
        running = [c.process for c in self.children if c.process is not None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def _start(self, child: Child) -> None:
        with child.log.open("ab") as out:
            child.process = subprocess.Popen(  # noqa: S603 - our own executables
                child.argv,
                env=child.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        child.started_at = self.clock()
