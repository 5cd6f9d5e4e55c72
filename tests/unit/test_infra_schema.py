"""``make lint`` checks infra/ against the Google and archive providers' schemas offline
(infra/scripts/check_terraform.py); these show that it passes on infra/ as it is and
catches each kind of mistake a misspelling makes, at both ends of the version constraint."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECK = REPO / "infra" / "scripts" / "check_terraform.py"


def _run(infra: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHECK), str(infra)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture
def infra_copy(tmp_path: Path) -> Path:
    shutil.copytree(
        REPO / "infra", tmp_path / "infra", ignore=shutil.ignore_patterns(".terraform*")
    )
    return tmp_path / "infra"


def test_infra_as_it_is_matches_both_provider_versions() -> None:
    proc = _run(REPO / "infra")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "matches the provider schemas (lowest: 6.10.0" in proc.stdout
    assert "matches the provider schemas (highest: 6.50.0" in proc.stdout


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "pubsub.tf",
            "ack_deadline_seconds       = 300",
            "ack_deadline_second        = 300",
            "unknown argument 'ack_deadline_second'",
        ),
        (
            "pubsub.tf",
            "service_account_email = google_service_account.gmail_pusher.email",
            "service_acount_email = google_service_account.gmail_pusher.email",
            "required argument 'service_account_email' missing",
        ),
        (
            "pubsub.tf",
            "  retry_policy {\n    minimum_backoff",
            "  retry_polcy {\n    minimum_backoff",
            "unknown block 'retry_polcy'",
        ),
        (
            "pubsub.tf",
            'resource "google_pubsub_subscription" "gmail_push"',
            'resource "google_pubsub_subscriptions" "gmail_push"',
            "unknown resource type 'google_pubsub_subscriptions'",
        ),
        (
            "modules/function/main.tf",
            'dynamic "secret_environment_variables"',
            'dynamic "secret_environment_variable"',
            "unknown block 'secret_environment_variable' (dynamic)",
        ),
        (
            "pubsub.tf",
            "google_pubsub_topic.gmail_push.id",
            "google_pubsub_topic.gmail_push.idd",
            "google_pubsub_topic has no attribute 'idd'",
        ),
    ],
)
def test_a_misspelling_is_caught(
    infra_copy: Path, file: str, old: str, new: str, expected: str
) -> None:
    path = infra_copy / file
    text = path.read_text()
    assert old in text, f"the seed {old!r} is not in {file} any more"
    path.write_text(text.replace(old, new, 1))
    proc = _run(infra_copy)
    assert proc.returncode == 1
    assert expected in proc.stdout, proc.stdout[-3000:]
    assert "[lowest:" in proc.stdout
    assert "[highest:" in proc.stdout
