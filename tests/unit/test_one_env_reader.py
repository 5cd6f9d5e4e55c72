"""``shared/config.py`` is the only reader of the MAILINGEST_ variables and of the emulators'
hosts (Google's ``PUBSUB_EMULATOR_HOST`` and ``FIRESTORE_EMULATOR_HOST``, which the Google
libraries read themselves): no other module of the shipped packages (``shared``,
``functions``, ``containers``) reads one from ``os.environ`` / ``os.getenv``. The development
package and the tests set them up, so they are not looked at."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.source_tree import parse

REPO = Path(__file__).resolve().parents[2]
EMULATOR_HOSTS = ("PUBSUB_EMULATOR_HOST", "FIRESTORE_EMULATOR_HOST")
READER = REPO / "shared" / "config.py"


def _env_reads(tree: ast.AST) -> list[int]:
    """Lines that read a MAILINGEST_ variable or an emulator's host: ``os.environ[...]``,
    ``os.environ.get(...)``, ``os.getenv(...)`` with a literal name."""
    lines: list[int] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Subscript | ast.Call):
            continue
        target: ast.expr | None = None
        if isinstance(node, ast.Subscript):
            if ast.unparse(node.value) in ("os.environ", "environ"):
                target = node.slice
        elif isinstance(node, ast.Call) and node.args:
            called = ast.unparse(node.func)
            if called in ("os.environ.get", "environ.get", "os.getenv", "getenv"):
                target = node.args[0]
        if (
            isinstance(target, ast.Constant)
            and isinstance(target.value, str)
            and (target.value.startswith("MAILINGEST_") or target.value in EMULATOR_HOSTS)
        ):
            lines.append(node.lineno)
    return lines


def test_only_config_reads_mailingest_variables() -> None:
    readers = {
        f"{path.relative_to(REPO)}:{line}"
        for package in ("shared", "functions", "containers")
        for path in sorted((REPO / package).rglob("*.py"))
        if path != READER
        for line in _env_reads(parse(path.read_text("utf-8")))
    }
    assert readers == set()


def test_the_check_sees_each_way_of_reading() -> None:
    code = (
        "import os\n"
        "a = os.environ['MAILINGEST_A']\n"
        "b = os.environ.get('MAILINGEST_B', '')\n"
        "c = os.getenv('MAILINGEST_C')\n"
        "d = os.environ.get('USER')\n"
        "e = os.environ.get('PUBSUB_EMULATOR_HOST')\n"
    )
    assert _env_reads(parse(code)) == [2, 3, 4, 6]
