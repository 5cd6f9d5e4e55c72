"""Shared fixtures: the real local services (started once per session, only when a test asks
for them), per-test isolation of the environment, and a clean Firestore / Pub/Sub per test.

A service that cannot start fails the test that needs it — never a skip: CI must fail when
Dovecot or an emulator is missing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from shared.devstack import LocalServices
from shared.devstack import local_services as start_local_services

settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

CORPUS_DIR = Path(__file__).resolve().parent / "data" / "corpus"


@pytest.fixture(autouse=True)
def _isolated_environ() -> Iterator[None]:
    saved = dict(os.environ)
    os.environ["GOOGLE_CLOUD_PROJECT"] = "demo-test"
    os.environ["NO_GCE_CHECK"] = "true"
    os.environ["CLOUDSDK_CORE_CHECK_GCE_METADATA"] = "false"
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="session")
def _services() -> Iterator[LocalServices]:
    # Not under pytest's basetemp: another pytest session on the machine resets
    # /tmp/pytest-of-<user> to 0700, and Dovecot's auth user must traverse to its files.
    base = Path(tempfile.mkdtemp(prefix="mailingest-services-"))
    base.chmod(0o755)
    try:
        cm = start_local_services(base_dir=base)
        services = cm.__enter__()
    except Exception as exc:  # noqa: BLE001 - turned into a test failure with the reason
        pytest.fail(f"local services could not start: {exc}", pytrace=False)
    try:
        yield services
    finally:
        cm.__exit__(None, None, None)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def local_services(_services: LocalServices) -> LocalServices:
    """The session's services, with their environment set for this test."""
    os.environ.update(_services.env())
    return _services


@pytest.fixture
def firestore_client(local_services: LocalServices) -> Any:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    assert local_services.firestore is not None
    local_services.firestore.reset(local_services.project_id)
    return firestore.Client(project=local_services.project_id, credentials=AnonymousCredentials())


@pytest.fixture
def pubsub_emulator(local_services: LocalServices) -> str:
    assert local_services.pubsub is not None
    local_services.pubsub.reset()
    return local_services.pubsub.host


@pytest.fixture
def dovecot(local_services: LocalServices) -> Any:
    assert local_services.dovecot is not None
    return local_services.dovecot


@pytest.fixture
def secretmanager_endpoint(local_services: LocalServices) -> str:
    assert local_services.secretmanager is not None
    return local_services.secretmanager.endpoint


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS_DIR
