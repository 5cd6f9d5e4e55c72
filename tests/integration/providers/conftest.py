"""The provider scenarios' backends: the stand-ins (``make test``) and, with the ``live``
marker, real accounts (``make live``; skipped, saying which variables are missing, without
them). A run with live tests writes a dated JSON summary: scenario, backend, result, seconds
(``build/live/`` unless ``MAILINGEST_LIVE_SUMMARY_DIR`` says where)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.integration.providers.backends import (
    ProviderBackend,
    live_backend,
    missing_live,
    standin_backend,
)

REPO = Path(__file__).resolve().parents[3]
BACKENDS = [
    "gmail-standin",
    "graph-standin",
    pytest.param("gmail-live", marks=pytest.mark.live),
    pytest.param("graph-live", marks=pytest.mark.live),
]
_LIVE_RESULTS: list[dict[str, Any]] = []
_STARTED = datetime.now(UTC)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProviderBackend]:
    provider, kind = str(request.param).split("-")
    if kind == "standin":
        with standin_backend(provider, tmp_path) as found:
            yield found
        return
    missing = missing_live(provider, os.environ)
    if missing:
        pytest.skip(f"{provider} live: set {', '.join(missing)} (docs/testing.md)")
    with live_backend(provider, os.environ) as found:
        yield found


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if item.get_closest_marker("live") is None:
        return report
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        reason = ""
        if report.skipped and isinstance(report.longrepr, tuple):
            reason = str(report.longrepr[2]).removeprefix("Skipped: ")
        elif report.failed:
            reason = str(report.longrepr)[-500:]
        params = getattr(getattr(item, "callspec", None), "params", {})
        scenario = params.get("scenario")
        _LIVE_RESULTS.append(
            {
                "scenario": getattr(scenario, "__name__", item.name),
                "backend": params.get("backend", ""),
                "result": report.outcome,
                "seconds": round(report.duration, 2),
                "reason": reason,
            }
        )
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _LIVE_RESULTS:
        return
    where = Path(os.environ.get("MAILINGEST_LIVE_SUMMARY_DIR") or REPO / "build" / "live")
    where.mkdir(parents=True, exist_ok=True)
    finished = datetime.now(UTC)
    path = where / f"live-{finished:%Y%m%dT%H%M%SZ}.json"
    summary = {
        "started": _STARTED.isoformat(),
        "finished": finished.isoformat(),
        "results": _LIVE_RESULTS,
    }
    path.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"\nlive summary: {path}")
