"""What `make run` does, end to end: the local system comes up on real parts, the sample
emails flow through, one line per event is printed, `make smoke`'s checks pass against it
(one more message in and its event out among them), and everything it started stops."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _lines_until(proc: subprocess.Popen[str], wanted: int, timeout_s: float) -> list[str]:
    """The run's output until ``wanted`` event lines were printed (or it ended)."""
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout_s
    lines: list[str] = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if sum(x.startswith("demo-agency") for x in lines) >= wanted:
            break
    return lines


def test_the_corpus_flows_through_the_local_system(tmp_path: Path) -> None:
    state_dir = tmp_path / "local"
    corpus_events = 3 * len(MANIFEST)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "shared.cli.main",
            "run",
            "--corpus",
            str(CORPUS),
            "--state-dir",
            str(state_dir),
            "--exit-after",
            str(corpus_events + 1),  # and the smoke test's own message
            "--timeout",
            "150",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        head = _lines_until(proc, corpus_events, timeout_s=150)
        # make smoke's checks against this system, while it runs
        smoke = subprocess.run(
            [sys.executable, "-m", "mailingest_dev.smoke", str(state_dir / "smoke.json")],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        rest, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    stdout = "\n".join(head) + "\n" + rest
    assert proc.returncode == 0, stderr[-2000:]
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr[-2000:]
    checks = smoke.stdout.splitlines()
    assert [c for c in checks if not c.startswith(("ok ", "skip ", "passed"))] == [], checks
    for part in ("function graph_webhook", "function settings", "subscription", "watcher"):
        assert [c for c in checks if c.startswith(f"ok    {part}")], (part, checks)
    assert [c for c in checks if c.startswith("ok    one message in, its event out")], checks
    lines = [line for line in stdout.splitlines() if line.startswith("demo-agency")]
    smoked = [line for line in lines if line.split()[3:4] == ["smoke"]]
    assert len(smoked) == 1, stdout[-3000:]
    lines = [line for line in lines if line not in smoked]
    assert len(lines) == corpus_events, stdout[-3000:]
    expected = sorted(m["label"] for m in MANIFEST)
    # the same samples through IMAP IDLE (mailbox "booking"), the Gmail API path
    # (mailbox "gmail-booking": stand-in → Pub/Sub emulator push → gmail_push) and the Graph
    # path ("m365-stopsale": stand-in → graph_webhook → queue → graph_worker)
    for mailbox in ("booking", "gmail-booking", "m365-stopsale"):
        labels = sorted(line.split()[2] for line in lines if line.split()[1] == mailbox)
        assert labels == expected, (mailbox, stdout[-3000:])
    assert f"stopped; {corpus_events + 1} events seen" in stdout
    assert "function gmail_push: http://127.0.0.1:" in stdout
    assert "function oauth_start: http://127.0.0.1:" in stdout
    assert "function settings: http://127.0.0.1:" in stdout
    # nothing it started is left: the services' pid files point at dead processes
    leftovers = subprocess.run(
        ["pgrep", "-f", str(state_dir)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert leftovers == []
