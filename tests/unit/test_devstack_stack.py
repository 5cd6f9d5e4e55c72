"""LocalServices bookkeeping, the ``up`` command's arguments and the shared fixtures' failure
behaviour, without starting any service."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mailingest_dev.devstack import DevstackError, LocalServices

REPO = Path(__file__).resolve().parents[2]


def test_env_without_services_has_only_the_client_settings(tmp_path: Path) -> None:
    services = LocalServices(tmp_path)
    try:
        env = services.env()
    finally:
        services.stop()
    assert env["GOOGLE_CLOUD_PROJECT"] == "demo-test"
    assert env["NO_GCE_CHECK"] == "true"
    assert env["CLOUDSDK_CORE_CHECK_GCE_METADATA"] == "false"
    assert Path(env["CLOUDSDK_CONFIG"]).is_dir()
    assert not {k for k in env if "EMULATOR" in k or k.startswith("MAILINGEST_")}
    assert services.summary() == "no services"


def test_unknown_service_names_are_refused(tmp_path: Path) -> None:
    services = LocalServices(tmp_path)
    try:
        with pytest.raises(ValueError, match="redis"):
            services.start("redis")
    finally:
        services.stop()


def test_a_failed_start_is_reported_every_time_and_nothing_starts_after_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    services = LocalServices(tmp_path)
    try:
        for _ in range(2):
            with pytest.raises(DevstackError, match=r"dovecot: Dovecot not found: run `make"):
                services.ensure("dovecot")
        assert services.dovecot is None
    finally:
        services.stop()
    with pytest.raises(DevstackError, match="stopped"):
        services.start("dovecot")


def test_up_refuses_unknown_services() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mailingest_dev.devstack", "up", "--services", "dovecot,redis"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "choose from firestore,pubsub,secretmanager,dovecot" in result.stderr


def test_fixtures_start_services_lazily_and_fail_never_skip_when_one_cannot_start(
    tmp_path: Path,
) -> None:
    # a pytest run with this repository's fixtures (tests/conftest.py) and no dovecot on PATH
    basetemp = tmp_path / "bt"
    (tmp_path / "test_probe.py").write_text(
        textwrap.dedent(
            f"""
            import os
            from pathlib import Path

            def test_environment_is_set_and_no_service_started():
                assert os.environ["GOOGLE_CLOUD_PROJECT"] == "demo-test"
                assert os.environ["NO_GCE_CHECK"] == "true"
                assert not list(Path({str(basetemp)!r}).glob("services*"))
                os.environ["LEAK"] = "1"

            def test_environment_is_restored():
                assert "LEAK" not in os.environ

            def test_needs_dovecot(dovecot):
                pass

            def test_needs_dovecot_too(dovecot):
                pass
            """
        )
    )
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-rA", "test_probe.py"),
            *("-p", "tests.conftest", "-p", "no:cacheprovider", f"--basetemp={basetemp}"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PATH": str(tmp_path / "empty"), "PYTHONPATH": str(REPO)},
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stdout
    assert "2 passed, 2 errors" in result.stdout
    assert "skipped" not in result.stdout
    assert "local services could not start: dovecot: Dovecot not found" in result.stdout
