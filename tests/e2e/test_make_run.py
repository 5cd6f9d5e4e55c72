"""What `make run` does, end to end: the local system comes up on real parts, the sample
emails flow through, one line per event is printed, and everything it started stops."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_the_corpus_flows_through_the_local_system(tmp_path: Path) -> None:
    state_dir = tmp_path / "local"
    proc = subprocess.run(
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
            str(3 * len(MANIFEST)),
            "--timeout",
            "120",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("demo-agency")]
    assert len(lines) == 3 * len(MANIFEST), proc.stdout[-3000:]
    expected = sorted(m["label"] for m in MANIFEST)
    # the same samples through IMAP IDLE (mailbox "booking"), the Gmail API path
    # (mailbox "gmail-booking": stand-in → Pub/Sub emulator push → gmail_push) and the Graph
    # path ("m365-stopsale": stand-in → graph_webhook → queue → graph_worker)
    for mailbox in ("booking", "gmail-booking", "m365-stopsale"):
        labels = sorted(line.split()[2] for line in lines if line.split()[1] == mailbox)
        assert labels == expected, (mailbox, proc.stdout[-3000:])
    assert f"stopped; {3 * len(MANIFEST)} events seen" in proc.stdout
    assert "function gmail_push: http://127.0.0.1:" in proc.stdout
    assert "function oauth_start: http://127.0.0.1:" in proc.stdout
    assert "function settings: http://127.0.0.1:" in proc.stdout
    # nothing it started is left: the services' pid files point at dead processes
    leftovers = subprocess.run(
        ["pgrep", "-f", str(state_dir)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert leftovers == []
