"""``ports.py`` named a module that no longer existed. Every module its
docstring names must exist."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import shared.ports

REPO = Path(__file__).resolve().parents[2]


def test_every_module_and_path_the_ports_docstring_names_exists() -> None:
    doc = shared.ports.__doc__ or ""
    modules = re.findall(r"``(shared(?:\.\w+)+)``", doc)
    paths = re.findall(r"``(tests/[\w/.]+)``", doc)
    assert len(modules) >= 10
    assert paths
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    missing += [p for p in paths if not (REPO / p).exists()]
    assert missing == []
