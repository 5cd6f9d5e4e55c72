"""``make live`` runs the provider scenarios against real accounts: selected by the ``live``
marker, never by ``make test`` (so never in CI), each skipped with the variables it misses,
and every live run writes a dated JSON summary (scenario, backend, result, seconds)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROVIDERS = "tests/integration/providers"


def _pytest(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
        check=False,
    )


def test_without_accounts_every_live_scenario_is_skipped_saying_why_and_summarised(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILINGEST_LIVE_")}
    env["MAILINGEST_LIVE_SUMMARY_DIR"] = str(tmp_path)
    run = _pytest("-m", "live", PROVIDERS, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"\b12 skipped\b", run.stdout), run.stdout
    assert "passed" not in run.stdout.splitlines()[-1]
    assert "gmail live: set MAILINGEST_LIVE_GMAIL_ADDRESS" in run.stdout
    assert "graph live: set MAILINGEST_LIVE_M365_ADDRESS" in run.stdout
    (summary,) = tmp_path.glob("live-*.json")
    assert re.fullmatch(r"live-\d{8}T\d{6}Z\.json", summary.name)
    data = json.loads(summary.read_text())
    assert {"started", "finished", "results"} <= set(data)
    results = data["results"]
    assert len(results) == 12
    assert {r["backend"] for r in results} == {"gmail-live", "graph-live"}
    assert len({r["scenario"] for r in results}) == 6
    assert all(r["result"] == "skipped" and "set MAILINGEST_LIVE_" in r["reason"] for r in results)
    assert all(isinstance(r["seconds"], float) for r in results)


def test_make_test_never_selects_a_live_scenario() -> None:
    makefile = (REPO / "Makefile").read_text()
    test_target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert '-m "not live"' in test_target
    live_target = makefile.split("\nlive:", 1)[1].split("\n\n", 1)[0]
    assert "-m live" in live_target
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILINGEST_LIVE_")}
    collected = _pytest("--collect-only", "-m", "not live", PROVIDERS, env=env).stdout
    assert "standin" in collected
    assert "-live]" not in collected
