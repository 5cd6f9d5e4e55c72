"""Code and docs say what is, not how it came to be: no issue numbers or session history in
them (a reader of the repository cannot open our tracker); history goes to CHANGELOG.md."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

HISTORY = re.compile(r"\b[Ii]ssues?\s+#?\d+|\bsession of 20\d\d-\d\d-\d\d")
KINDS = ("*.py", "*.md", "*.tf", "*.tfvars", "*.html", "*.sh", "Makefile", "*.toml")


def _tracked() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", *KINDS], capture_output=True, text=True, check=True
    ).stdout
    return [Path(p) for p in out.split() if p != "CHANGELOG.md" and Path(p).exists()]


def test_no_issue_numbers_in_code_or_docs() -> None:
    files = _tracked()
    assert any(p.suffix == ".py" for p in files)
    found = [
        f"{path}:{n}: {line.strip()[:80]}"
        for path in files
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if HISTORY.search(line) and path.name != Path(__file__).name
    ]
    assert found == []
