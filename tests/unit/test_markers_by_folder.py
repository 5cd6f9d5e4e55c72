"""Tests are marked by their folder: `make test-unit` (not integration) collects exactly the
tests under tests/unit, and tests/conftest.py refuses a unit test that asks for a service
fixture — so the unit run starts no service."""

from __future__ import annotations

import subprocess
import sys

COLLECT = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]


def _collected(marker: str) -> list[str]:
    out = subprocess.run(
        [*COLLECT, "-m", marker, "tests"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return [line for line in out.splitlines() if "::" in line]


def test_the_unit_run_is_exactly_the_unit_folder() -> None:
    unit = _collected("not integration and not live")
    assert unit
    assert all(node.startswith("tests/unit/") for node in unit)
    services = _collected("integration")
    assert services
    assert not any(node.startswith("tests/unit/") for node in services)
