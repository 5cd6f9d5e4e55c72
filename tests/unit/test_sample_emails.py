"""The repository carries its own sample emails, and a missing or empty sample folder is an
error rather than "delivering 0 sample emails"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mailingest_dev.local_system import NoSampleEmails, sample_emails

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "data" / "corpus"


def test_the_samples_live_in_the_repository_and_match_their_manifest() -> None:
    files = sample_emails(CORPUS)
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    assert [p.name for p in files] == sorted(m["file"] for m in manifest)
    assert len(files) >= 40


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(NoSampleEmails, match="does not exist"):
        sample_emails(tmp_path / "nowhere")


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("no mail here")
    with pytest.raises(NoSampleEmails, match=r"no \.eml files"):
        sample_emails(tmp_path)


def test_run_refuses_an_empty_folder_before_starting_anything(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "shared.cli.main",
            "run",
            "--corpus",
            str(tmp_path),
            "--state-dir",
            str(tmp_path / "state"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=REPO,
    )
    assert proc.returncode == 2
    assert "holds no .eml files" in proc.stderr
    assert not (tmp_path / "state").exists()
