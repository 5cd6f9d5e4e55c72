"""The wheel ships only ``shared`` (with its data files): no development package, no tests,
no function or container entry points (those are deployed as zips and an image). Built
offline from a copy of the sources with the venv's setuptools."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("shared", "functions", "containers", "mailingest_dev", "tests")


def _wheel_files(tmp_path: Path) -> list[str]:
    source = tmp_path / "src"
    for name in SOURCES:
        skip = ("__pycache__", "*.egg-info", *(("data",) if name == "tests" else ()))
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns(*skip))
    shutil.copy(REPO / "pyproject.toml", source / "pyproject.toml")
    out = tmp_path / "dist"
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check"),
            *("--no-deps", "--no-build-isolation", "--no-index", "--wheel-dir", str(out)),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_the_wheel_ships_only_shared(tmp_path: Path) -> None:
    files = _wheel_files(tmp_path)
    top = {name.split("/", 1)[0] for name in files}
    assert {t for t in top if not t.endswith(".dist-info")} == {"shared"}
    assert not [name for name in files if "mailingest_dev" in name]
    # the data files the code reads come along
    assert "shared/schemas/mail-event.v1.json" in files
    assert "shared/web/templates/layout.html" in files
    assert "shared/web/static/console.css" in files
    assert "shared/web/locales/tr/LC_MESSAGES/messages.po" in files
    (entry_points,) = [n for n in files if n.endswith(".dist-info/entry_points.txt")]
    with zipfile.ZipFile(next((tmp_path / "dist").glob("*.whl"))) as archive:
        text = archive.read(entry_points).decode()
    assert "mailingest = shared.cli.main:main" in text
    assert "mailingest.commands" not in text  # `mailingest run` comes with the dev package
