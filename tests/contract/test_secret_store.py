"""One contract for every SecretStore: memory, the Fernet file, and Secret Manager (through
the official client) against the local stand-in."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from shared.adapters.memory_sinks import InMemorySecretStore
from shared.adapters.secrets import FernetFileStore, SecretManagerStore
from shared.errors import ConfigError, NotFound, ValidationError

VALUE = "app-pw-Zq8!secret-value"


@pytest.fixture(
    params=["memory", "file", pytest.param("secretmanager", marks=pytest.mark.integration)]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "memory":
        return InMemorySecretStore()
    if request.param == "file":
        return FernetFileStore(tmp_path / "secrets.enc", Fernet.generate_key().decode())
    endpoint = request.getfixturevalue("secretmanager_endpoint")
    return SecretManagerStore("demo-test", endpoint=endpoint)


def test_latest_version_wins(store: Any) -> None:
    store.put_secret("mailingest-acme-booking-password", "first")
    store.put_secret("mailingest-acme-booking-password", VALUE)
    assert store.get_secret("mailingest-acme-booking-password") == VALUE


def test_unknown_and_deleted_secrets_are_not_found(store: Any) -> None:
    with pytest.raises(NotFound):
        store.get_secret("never-written")
    store.put_secret("short-lived", "x1")
    store.delete_secret("short-lived")
    with pytest.raises(NotFound):
        store.get_secret("short-lived")


@pytest.mark.parametrize("name", ["has/slash", "", "dots.are.bad", "x" * 256])
def test_invalid_names_are_refused(store: Any, name: str) -> None:
    with pytest.raises(ValidationError):
        store.put_secret(name, "v")


def test_the_value_never_shows_in_repr_errors_or_logs(
    store: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store.put_secret("mailingest-acme-x-password", VALUE)
    store.get_secret("mailingest-acme-x-password")
    with pytest.raises(NotFound) as info:
        store.get_secret("mailingest-acme-missing")
    assert VALUE not in str(info.value)
    assert VALUE not in repr(store)
    assert VALUE not in caplog.text


def test_the_file_is_encrypted_private_and_needs_its_key(tmp_path: Path) -> None:
    path = tmp_path / "secrets.enc"
    FernetFileStore(path, Fernet.generate_key().decode()).put_secret("k1", VALUE)
    assert VALUE.encode() not in path.read_bytes()
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(ConfigError):
        FernetFileStore(path, Fernet.generate_key().decode()).get_secret("k1")
    with pytest.raises(ConfigError):
        FernetFileStore(path, "not-a-key")
