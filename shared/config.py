"""Settings: the only reader of the environment. Every bad variable is reported at once.

Each variable is documented in README.md ("Configuration"); keep the two in step.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.errors import ConfigError

_BACKENDS = {
    "MAILINGEST_STATE_BACKEND": ("firestore", "memory"),
    "MAILINGEST_EVENTS_BACKEND": ("pubsub", "memory"),
    "MAILINGEST_SECRETS_BACKEND": ("secretmanager", "file", "memory"),
    "MAILINGEST_BLOBS_BACKEND": ("gcs", "local", "memory"),
}


@dataclass(frozen=True)
class WatcherSettings:
    """The always-on watcher's variables (README: "The watcher")."""

    idle_refresh_s: int = 300
    lease_ttl_s: int = 20
    reload_s: float = 2.0
    ca_file: Path | None = None
    health_port: int = 0  # PORT: /healthz (Cloud Run sets it); 0 = any free port


@dataclass(frozen=True)
class Settings:
    project_id: str
    events_topic: str = "mail-events"
    state_backend: str = "firestore"
    events_backend: str = "pubsub"
    secrets_backend: str = "secretmanager"
    blobs_backend: str = "gcs"
    secretmanager_endpoint: str | None = None  # a local stand-in (tests, make run) only
    secrets_file: Path | None = None
    secrets_key: str | None = field(default=None, repr=False)  # Fernet key for the file store
    blob_bucket: str | None = None
    blob_dir: Path | None = None
    max_message_bytes: int = 50 * 1024 * 1024
    inline_attachment_max_bytes: int = 256 * 1024
    inline_body_max_chars: int = 200_000
    dedupe_ttl_days: int = 30
    in_flight_timeout_s: int = 300
    publish_attempts: int = 5
    log_level: str = "INFO"
    worker_id: str = field(default_factory=socket.gethostname)
    watcher: WatcherSettings = field(default_factory=WatcherSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings; raise ConfigError listing every problem found."""
        r = EnvReader(os.environ if env is None else env)
        project = r.get("GOOGLE_CLOUD_PROJECT") or r.get("GCP_PROJECT")
        if not project:
            r.problem("GOOGLE_CLOUD_PROJECT: required (the Google Cloud project id)")
        settings = cls(
            project_id=project or "",
            events_topic=r.get("MAILINGEST_EVENTS_TOPIC", "mail-events") or "mail-events",
            **_backends(r),
            **_limits(r),
            log_level=_log_level(r),
            worker_id=r.get("MAILINGEST_WORKER_ID") or socket.gethostname(),
            watcher=_watcher(r),
        )
        r.raise_problems()
        return settings


class EnvReader:
    """Typed reads of environment variables that collect every problem instead of stopping at
    the first; ``raise_problems`` raises them together as one ``ConfigError``."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = dict(env)
        self.problems: list[str] = []

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def raise_problems(self) -> None:
        if self.problems:
            raise ConfigError(self.problems)

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self._env.get(name, "").strip()
        return value or default

    def number(self, name: str, default: int, low: int, high: int) -> int:
        return int(self._numeric(name, default, low, high, int))

    def seconds(self, name: str, default: float, low: float, high: float) -> float:
        return self._numeric(name, default, low, high, float)

    def _numeric(
        self, name: str, default: float, low: float, high: float, kind: type[int] | type[float]
    ) -> float:
        raw = self.get(name)
        if raw is None:
            return default
        try:
            value = kind(raw)
        except ValueError:
            self.problem(f"{name}: not {'an integer' if kind is int else 'a number'}: {raw!r}")
            return default
        if not low <= value <= high:
            self.problem(f"{name}: {value} is outside {low}..{high}")
        return value

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self.get(name, default) or default
        if value not in allowed:
            self.problem(f"{name}: {value!r} is not one of {', '.join(allowed)}")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        raw = (self.get(name) or "").lower()
        if not raw:
            return default
        if raw not in ("true", "false", "1", "0", "yes", "no"):
            self.problem(f"{name}: {raw!r} is not true or false")
        return raw in ("true", "1", "yes")

    def path(self, name: str) -> Path | None:
        raw = self.get(name)
        return Path(raw) if raw else None

    def require(self, name: str, value: object, when: str) -> None:
        if value is None:
            self.problem(f"{name}: required when {when}")


def _backends(r: EnvReader) -> dict[str, Any]:
    state, events, secrets, blobs = (
        r.choice(name, allowed[0], allowed) for name, allowed in _BACKENDS.items()
    )
    secrets_file = r.path("MAILINGEST_SECRETS_FILE")
    secrets_key = r.get("MAILINGEST_SECRETS_KEY")
    if secrets == "file":
        r.require("MAILINGEST_SECRETS_FILE", secrets_file, "MAILINGEST_SECRETS_BACKEND=file")
        r.require("MAILINGEST_SECRETS_KEY", secrets_key, "MAILINGEST_SECRETS_BACKEND=file")
    bucket = r.get("MAILINGEST_BLOB_BUCKET")
    blob_dir = r.path("MAILINGEST_BLOB_DIR")
    if blobs == "gcs":
        r.require("MAILINGEST_BLOB_BUCKET", bucket, "MAILINGEST_BLOBS_BACKEND=gcs")
    if blobs == "local":
        r.require("MAILINGEST_BLOB_DIR", blob_dir, "MAILINGEST_BLOBS_BACKEND=local")
    return {
        "state_backend": state,
        "events_backend": events,
        "secrets_backend": secrets,
        "blobs_backend": blobs,
        "secretmanager_endpoint": r.get("MAILINGEST_SECRETMANAGER_ENDPOINT"),
        "secrets_file": secrets_file,
        "secrets_key": secrets_key,
        "blob_bucket": bucket,
        "blob_dir": blob_dir,
    }


def _limits(r: EnvReader) -> dict[str, Any]:
    return {
        "max_message_bytes": r.number(
            "MAILINGEST_MAX_MESSAGE_BYTES", 50 * 1024 * 1024, 1024, 1024**3
        ),
        "inline_attachment_max_bytes": r.number(
            "MAILINGEST_INLINE_ATTACHMENT_MAX_BYTES", 256 * 1024, 0, 8 * 1024 * 1024
        ),
        "inline_body_max_chars": r.number(
            "MAILINGEST_INLINE_BODY_MAX_CHARS", 200_000, 1000, 2_000_000
        ),
        "dedupe_ttl_days": r.number("MAILINGEST_DEDUPE_TTL_DAYS", 30, 1, 3650),
        "in_flight_timeout_s": r.number("MAILINGEST_IN_FLIGHT_TIMEOUT_S", 300, 10, 86400),
        "publish_attempts": r.number("MAILINGEST_PUBLISH_ATTEMPTS", 5, 1, 20),
    }


def _log_level(r: EnvReader) -> str:
    level = (r.get("MAILINGEST_LOG_LEVEL", "INFO") or "INFO").upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        r.problem(f"MAILINGEST_LOG_LEVEL: {level!r} is not DEBUG, INFO, WARNING or ERROR")
    return level


def _watcher(r: EnvReader) -> WatcherSettings:
    return WatcherSettings(
        idle_refresh_s=r.number("MAILINGEST_IDLE_REFRESH_S", 300, 10, 29 * 60),
        lease_ttl_s=r.number("MAILINGEST_LEASE_TTL_S", 20, 5, 600),
        reload_s=r.seconds("MAILINGEST_RELOAD_S", 2.0, 0.1, 600),
        ca_file=r.path("MAILINGEST_IMAP_CA_FILE"),
        health_port=r.number("PORT", 0, 0, 65535),
    )
