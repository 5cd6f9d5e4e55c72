"""Build ``build/functions/<name>.zip`` for one Cloud Function, deterministically.

The zip holds ``functions/<name>/`` at its root (``main.py`` is what the Python runtime
loads), the ``shared/`` package and ``requirements.txt``. Entries are sorted and written with
a fixed timestamp and mode, so the zip's SHA-256 (the object name Terraform uploads, see
``infra/modules/function``) changes only when the code does.
https://cloud.google.com/functions/docs/writing#directory-structure-python

Usage: ``python infra/scripts/package_function.py NAME [NAME ...] [--root DIR] [--out DIR]``
"""

from __future__ import annotations

import argparse
import os
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

# zip cannot store dates before 1980; any fixed date makes the output reproducible
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644
# never shipped: caches, and the local development stack (Dovecot and emulator launchers)
SKIP_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache", "devstack"}
SKIP_SUFFIXES = {".pyc", ".pyo"}


def _files(base: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if path.suffix not in SKIP_SUFFIXES and not filename.startswith("."):
                yield path


def entries(root: Path, name: str) -> dict[str, Path]:
    """Archive name -> source file, for function ``name`` of the repository at ``root``."""
    function_dir = root / "functions" / name
    if not (function_dir / "main.py").is_file():
        raise FileNotFoundError(f"{function_dir / 'main.py'} does not exist")
    result = {path.relative_to(function_dir).as_posix(): path for path in _files(function_dir)}
    for path in _files(root / "shared"):
        result[path.relative_to(root).as_posix()] = path
    result["requirements.txt"] = root / "requirements.txt"
    return result


def build(root: Path, name: str, out_dir: Path) -> Path:
    """Write ``out_dir/<name>.zip`` (atomically) and return its path."""
    files = sorted(entries(root, name).items())  # raises before anything is written
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}.zip"
    tmp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for arcname, path in files:
            info = zipfile.ZipInfo(arcname, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100000 | FILE_MODE) << 16  # regular file, rw-r--r--
            info.create_system = 3  # Unix, so the mode above is honoured on every host
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    tmp.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="+", help="function directories under functions/")
    repo = Path(__file__).resolve().parents[2]
    parser.add_argument("--root", type=Path, default=repo, help="repository root")
    parser.add_argument("--out", type=Path, default=None, help="default: ROOT/build/functions")
    args = parser.parse_args(argv)
    out_dir = args.out or args.root / "build" / "functions"
    for name in args.names:
        try:
            path = build(args.root, name, out_dir)
        except FileNotFoundError as exc:
            sys.stderr.write(f"package_function: {exc}\n")
            return 2
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
