"""The layer contracts in pyproject.toml ([tool.importlinter]) hold, and they do catch a
violation: the check runs on a copy of the packages with one forbidden import added."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def copy_of_packages(tmp_path: Path) -> Path:
    for package in ("shared", "functions", "containers", "mailingest_dev"):
        shutil.copytree(
            REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold_on_the_code_as_it_is(copy_of_packages: Path) -> None:
    proc = _lint(copy_of_packages)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "0 broken" in proc.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("shared/domain/_leak.py", "import shared.adapters.pubsub\n", "the domain is pure"),
        ("shared/domain/_io.py", "import httpx\n", "the domain is pure"),
        ("shared/service/_leak.py", "import shared.adapters.firestore\n", "services use ports"),
        ("shared/_leak.py", "import functions.settings.main\n", "shared never imports"),
        ("shared/cli/_leak.py", "import shared.adapters.blobs\n", "only the composition root"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    copy_of_packages: Path, module: str, line: str, contract: str
) -> None:
    (copy_of_packages / module).write_text(line)
    proc = _lint(copy_of_packages)
    assert proc.returncode != 0
    broken = proc.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, proc.stdout[-3000:]


@pytest.mark.parametrize(
    "files",
    [
        # two modules of one package importing each other at the top
        {
            "shared/service/_ping.py": "import shared.service._pong\n",
            "shared/service/_pong.py": "import shared.service._ping\n",
        },
        # the composition root reached back from a module it imports, inside a function: a
        # lazy import is a dependency all the same
        {"shared/oauth/_back.py": "def f() -> None:\n    import shared.bootstrap\n"},
    ],
    ids=["top-level", "function-level"],
)
def test_an_import_cycle_breaks_the_acyclic_contract(
    copy_of_packages: Path, files: dict[str, str]
) -> None:
    for module, text in files.items():
        (copy_of_packages / module).write_text(text)
    proc = _lint(copy_of_packages)
    assert proc.returncode != 0
    broken = proc.stdout.split("Broken contracts", 1)[-1]
    assert "no import cycles in shared" in broken, proc.stdout[-3000:]
