"""Tests are marked by their folder: `make test-unit` (not integration) collects exactly the
tests under tests/unit, and tests/conftest.py refuses a unit test that asks for a service
fixture — so the unit run starts no service."""

from __future__ import annotations

import subprocess
import sys

UNIT, SERVICES = "not integration and not live", "integration"

# Both selections in one child: the second collection reuses the first one's imports (most
# of a collection's time), and each is still pytest's own ``-m`` over the whole tree.
_COLLECT_EACH = """
import sys
import pytest

codes = []
for marker in sys.argv[1:]:
    print(f"=== {marker}", flush=True)
    codes.append(int(pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider",
                                  "-m", marker, "tests"])))
    sys.stdout.flush()
sys.exit(max(codes))
"""


def _collected(*markers: str) -> dict[str, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", _COLLECT_EACH, *markers],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    selected: dict[str, list[str]] = {}
    for line in out.splitlines():
        if line.startswith("=== "):
            current = selected.setdefault(line.removeprefix("=== "), [])
        elif "::" in line:
            current.append(line)
    assert sorted(selected) == sorted(markers), out[-2000:]
    return selected


def test_the_unit_run_is_exactly_the_unit_folder() -> None:
    selected = _collected(UNIT, SERVICES)
    unit = selected[UNIT]
    assert unit
    assert all(node.startswith("tests/unit/") for node in unit)
    services = selected[SERVICES]
    assert services
    assert not any(node.startswith("tests/unit/") for node in services)
