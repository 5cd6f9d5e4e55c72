"""Terraform checks that run without the Google provider (which cannot be downloaded here):
formatting/syntax through ``terraform fmt``, and project rules on the parsed HCL."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import hcl2
import pytest

INFRA = Path(__file__).resolve().parents[2] / "infra"
TF_FILES = sorted(INFRA.rglob("*.tf"))
# project-wide grants that have no narrower resource (each justified in iam.tf)
PROJECT_IAM_ALLOWED = {"firestore_users", "secret_access"}


def _load(path: Path) -> dict[str, Any]:
    with path.open() as f:
        data: dict[str, Any] = hcl2.load(f)
    return data


def _unquote(label: str) -> str:
    return label.strip('"')


def test_terraform_fmt_check_passes() -> None:
    terraform = shutil.which("terraform")
    if terraform is None:
        if os.environ.get("CI") == "true":
            pytest.fail("terraform is not installed")
        pytest.skip("terraform is not installed")
    env = {k: v for k, v in os.environ.items() if k != "TF_CLI_CONFIG_FILE"}
    env["CHECKPOINT_DISABLE"] = "1"
    result = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", str(INFRA)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_variable_is_typed_and_described() -> None:
    seen = 0
    for path in TF_FILES:
        for block in _load(path).get("variable", []):
            for name, body in block.items():
                seen += 1
                assert "type" in body, f"{path.name}: variable {name} has no type"
                assert body.get("description"), f"{path.name}: variable {name} undescribed"
    assert seen >= 10


def test_project_wide_grants_are_only_the_justified_ones() -> None:
    found = set()
    for path in TF_FILES:
        for block in _load(path).get("resource", []):
            for name in block.get(
                '"google_project_iam_member"', block.get("google_project_iam_member", {})
            ):
                found.add(_unquote(name))
    assert found == PROJECT_IAM_ALLOWED


def test_event_triggers_retry_and_functions_have_their_own_service_account() -> None:
    text = (INFRA / "modules" / "function" / "main.tf").read_text()
    assert 'retry_policy          = "RETRY_POLICY_RETRY"' in text
    assert "service_account_email = google_service_account.this.email" in text


def test_no_secret_values_in_terraform() -> None:
    pattern = re.compile(
        # a value, not a reference: Secret Manager ids ("mailingest-...") are references
        r"(password|client_secret|refresh_token|private_key)\s*=\s*\"(?!mailingest-)[^\"]+\"",
        re.IGNORECASE,
    )
    for path in [*TF_FILES, *INFRA.rglob("*.tfvars")]:
        assert not pattern.search(path.read_text()), f"{path} holds a secret value"


def test_the_watcher_is_always_on() -> None:
    worker = _load(INFRA / "worker.tf")["resource"][0]
    service = next(iter(worker.values()))
    body = next(iter(service.values()))
    template = body["template"][0]
    container = template["containers"][0]
    assert container["resources"][0]["cpu_idle"] is False
    variables = {
        _unquote(k): v for b in _load(INFRA / "variables.tf")["variable"] for k, v in b.items()
    }
    assert variables["watcher_min_instances"]["default"] >= 1
