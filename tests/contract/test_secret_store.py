"""One contract for every SecretStore: memory, the Fernet file, and Secret Manager (through
the official client) against the local stand-in."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import google_crc32c
import pytest
from cryptography.fernet import Fernet

from shared.adapters.memory_sinks import InMemorySecretStore
from shared.adapters.secrets import FernetFileStore, SecretManagerStore
from shared.errors import ConfigError, NotFound, ServiceUnavailable, ValidationError

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


def test_superseded_versions_are_destroyed_and_the_latest_kept(store: Any) -> None:
    """Every version not destroyed is billed; a rotated refresh token
    supersedes all older ones."""
    name = "mailingest-acme-booking-oauth"
    store.put_secret(name, "rt-1")
    store.put_secret(name, "rt-2")
    latest = store.put_secret(name, "rt-3")
    assert store.destroy_versions_before(name, latest) == 2
    assert store.destroy_versions_before(name, latest) == 0  # already destroyed
    assert store.get_secret(name) == "rt-3"
    newer = store.put_secret(name, "rt-4")
    assert store.destroy_versions_before(name, newer) == 1  # only rt-3 was still live
    assert store.get_secret(name) == "rt-4"
    with pytest.raises(NotFound):
        store.destroy_versions_before("never-written", newer)


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


def test_a_missing_key_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        FernetFileStore(tmp_path / "secrets.enc", "")
    assert "MAILINGEST_SECRETS_KEY" in str(info.value)


_FILL_DISK = """
import resource, signal, sys
from pathlib import Path
from shared.adapters.secrets import FernetFileStore
from shared.errors import ServiceUnavailable
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (16_384, 16_384))
store = FernetFileStore(Path(sys.argv[1]), sys.argv[2])
try:
    store.put_secret("too-big", "x" * 100_000)
except ServiceUnavailable as exc:
    print("ServiceUnavailable:", exc)
"""


def test_a_full_disk_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    # RLIMIT_FSIZE makes writes past 16 KB fail (EFBIG) as a full disk fails them (ENOSPC)
    path = tmp_path / "secrets.enc"
    key = Fernet.generate_key().decode()
    FernetFileStore(path, key).put_secret("kept", VALUE)
    before = path.read_bytes()
    proc = subprocess.run(
        [sys.executable, "-c", _FILL_DISK, str(path), key],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "ServiceUnavailable: secrets file" in proc.stdout, proc.stderr
    assert path.read_bytes() == before
    assert FernetFileStore(path, key).get_secret("kept") == VALUE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secrets.enc", "secrets.enc.lock"]


_WRITER = """
import sys
from pathlib import Path
from shared.adapters.secrets import FernetFileStore
store = FernetFileStore(Path(sys.argv[1]), sys.argv[2])
for i in range(25):
    store.put_secret(f"{sys.argv[3]}-{i}", "v")
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    # the CLI and `make run` both write the file; each update reads, changes and rewrites
    path = tmp_path / "secrets.enc"
    key = Fernet.generate_key().decode()
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), key, name])
        for name in ("cli", "run")
    ]
    try:
        assert [w.wait(timeout=120) for w in writers] == [0, 0]
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
                w.wait(timeout=10)
    store = FernetFileStore(path, key)
    for name in ("cli", "run"):
        for i in range(25):
            assert store.get_secret(f"{name}-{i}") == "v"


class _Payload:
    def __init__(self, data: bytes, crc: int) -> None:
        self.data = data
        self.data_crc32c = crc


class _Response:
    def __init__(self, payload: _Payload, name: str = "") -> None:
        self.payload = payload
        self.name = name


class RecordingSecretManagerApi:
    """The three calls the adapter makes, recorded; answers ``access`` with a payload
    whose checksum is as given (Secret Manager returns data_crc32c with every access)."""

    def __init__(self, served_crc: int | None = None) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.served_crc = served_crc
        self.data = b""

    def create_secret(self, request: dict[str, Any], timeout: float) -> None:
        self.requests.append(("create_secret", request))

    def add_secret_version(self, request: dict[str, Any], timeout: float) -> _Response:
        self.requests.append(("add_secret_version", request))
        self.data = request["payload"]["data"]
        return _Response(_Payload(b"", 0), name=f"{request['parent']}/versions/1")

    def access_secret_version(self, request: dict[str, Any], timeout: float) -> _Response:
        self.requests.append(("access_secret_version", request))
        crc = google_crc32c.value(self.data) if self.served_crc is None else self.served_crc
        return _Response(_Payload(self.data, crc))


def test_secret_manager_payloads_carry_and_are_checked_against_crc32c() -> None:
    api = RecordingSecretManagerApi()
    store = SecretManagerStore("demo-test", client=api)
    assert store.put_secret("pw", VALUE) == "projects/demo-test/secrets/pw/versions/1"
    assert store.get_secret("pw") == VALUE
    (_, create), (_, add), (_, access) = api.requests
    assert create["secret"] == {"replication": {"automatic": {}}}
    assert add["payload"]["data_crc32c"] == google_crc32c.value(VALUE.encode())
    assert access["name"] == "projects/demo-test/secrets/pw/versions/latest"

    corrupted = RecordingSecretManagerApi(served_crc=google_crc32c.value(VALUE.encode()) ^ 1)
    corrupted_store = SecretManagerStore("demo-test", client=corrupted)
    corrupted_store.put_secret("pw", VALUE)
    with pytest.raises(ServiceUnavailable) as info:
        corrupted_store.get_secret("pw")
    assert "checksum" in str(info.value)
    assert VALUE not in str(info.value)


def test_an_unreachable_secret_manager_is_service_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        store = SecretManagerStore("demo-test", endpoint=f"http://127.0.0.1:{s.getsockname()[1]}")
        with pytest.raises(ServiceUnavailable) as info:
            store.get_secret("pw")
        with pytest.raises(ServiceUnavailable):
            store.put_secret("pw", VALUE)
    assert "127.0.0.1" not in str(info.value)  # the exception's name, not the transport's text
