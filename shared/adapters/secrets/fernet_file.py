"""A local ``SecretStore``: one Fernet-encrypted JSON file (mode 0600), written atomically
(temp file, fsync, rename) so a crash or a full disk never leaves it half-written, and
updated under an exclusive ``flock`` on a lock file beside it, so two processes (the CLI
and ``make run``) adding secrets at once do not lose each other's update."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from shared.adapters.atomic_write import atomic_write
from shared.adapters.memory_sinks import check_secret_name, destroy_before, version_number
from shared.errors import ConfigError, NotFound, ServiceUnavailable


class FernetFileStore:
    def __init__(self, path: Path, key: str) -> None:
        try:
            self._fernet = Fernet(key.encode())
        except (ValueError, TypeError):
            raise ConfigError(
                ["MAILINGEST_SECRETS_KEY: not a Fernet key (32 url-safe base64 bytes)"]
            ) from None
        self._path = Path(path)
        self._lock_path = self._path.with_name(self._path.name + ".lock")
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FernetFileStore({str(self._path)!r})"

    @contextlib.contextmanager
    def _update(self) -> Iterator[None]:
        """Serialise read-modify-write across threads and processes."""
        with self._lock:
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                raise ServiceUnavailable(f"secrets file {self._path}: {exc.strerror}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)  # released when fd closes, also on a crash
                yield
            finally:
                os.close(fd)

    def _load(self) -> dict[str, list[str]]:
        try:
            token = self._path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise ServiceUnavailable(f"secrets file {self._path}: {exc.strerror}") from None
        try:
            data: dict[str, list[str]] = json.loads(self._fernet.decrypt(token))
        except InvalidToken:
            raise ConfigError(
                [f"{self._path}: cannot decrypt with MAILINGEST_SECRETS_KEY"]
            ) from None
        return data

    def _save(self, data: dict[str, list[str]]) -> None:
        token = self._fernet.encrypt(json.dumps(data).encode())
        try:
            atomic_write(self._path, token, mode=0o600)
        except OSError as exc:
            raise ServiceUnavailable(f"secrets file {self._path}: {exc.strerror}") from None

    def put_secret(self, name: str, value: str) -> str:
        check_secret_name(name)
        with self._update():
            data = self._load()
            versions = data.setdefault(name, [])
            versions.append(value)
            self._save(data)
            return f"{name}/versions/{len(versions)}"

    def get_secret(self, name: str) -> str:
        check_secret_name(name)
        with self._lock:
            versions = self._load().get(name)
        if not versions:
            raise NotFound(f"secret {name} not found")
        return versions[-1]

    def destroy_versions_before(self, name: str, version: str) -> int:
        check_secret_name(name)
        with self._update():
            data = self._load()
            versions = data.get(name)
            if not versions:
                raise NotFound(f"secret {name} not found")
            destroyed = destroy_before(versions, version_number(version))
            if destroyed:
                self._save(data)
            return destroyed

    def delete_secret(self, name: str) -> None:
        check_secret_name(name)
        with self._update():
            data = self._load()
            if data.pop(name, None) is None:
                raise NotFound(f"secret {name} not found")
            self._save(data)
