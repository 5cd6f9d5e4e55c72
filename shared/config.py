"""Settings: the only reader of the environment. Every bad variable is reported at once.

Each variable is documented in README.md ("Configuration"); keep the two in step.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shared.errors import ConfigError

_BACKENDS = {
    "MAILINGEST_STATE_BACKEND": ("firestore", "memory"),
    "MAILINGEST_EVENTS_BACKEND": ("pubsub", "memory"),
    "MAILINGEST_SECRETS_BACKEND": ("secretmanager", "file", "memory"),
    "MAILINGEST_BLOBS_BACKEND": ("gcs", "local", "memory"),
}


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

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings; raise ConfigError listing every problem found."""
        e = dict(os.environ if env is None else env)
        problems: list[str] = []

        def get(name: str, default: str | None = None) -> str | None:
            value = e.get(name, "").strip()
            return value or default

        def number(name: str, default: int, low: int, high: int) -> int:
            raw = get(name)
            if raw is None:
                return default
            try:
                value = int(raw)
            except ValueError:
                problems.append(f"{name}: not an integer: {raw!r}")
                return default
            if not low <= value <= high:
                problems.append(f"{name}: {value} is outside {low}..{high}")
            return value

        def choice(name: str, default: str) -> str:
            value = get(name, default) or default
            allowed = _BACKENDS[name]
            if value not in allowed:
                problems.append(f"{name}: {value!r} is not one of {', '.join(allowed)}")
            return value

        def path(name: str) -> Path | None:
            raw = get(name)
            return Path(raw) if raw else None

        project = get("GOOGLE_CLOUD_PROJECT") or get("GCP_PROJECT")
        if not project:
            problems.append("GOOGLE_CLOUD_PROJECT: required (the Google Cloud project id)")
        state = choice("MAILINGEST_STATE_BACKEND", "firestore")
        events = choice("MAILINGEST_EVENTS_BACKEND", "pubsub")
        secrets = choice("MAILINGEST_SECRETS_BACKEND", "secretmanager")
        blobs = choice("MAILINGEST_BLOBS_BACKEND", "gcs")
        secrets_file = path("MAILINGEST_SECRETS_FILE")
        secrets_key = get("MAILINGEST_SECRETS_KEY")
        if secrets == "file":
            if secrets_file is None:
                problems.append(
                    "MAILINGEST_SECRETS_FILE: required when MAILINGEST_SECRETS_BACKEND=file"
                )
            if secrets_key is None:
                problems.append(
                    "MAILINGEST_SECRETS_KEY: required when MAILINGEST_SECRETS_BACKEND=file"
                )
        bucket = get("MAILINGEST_BLOB_BUCKET")
        blob_dir = path("MAILINGEST_BLOB_DIR")
        if blobs == "gcs" and bucket is None:
            problems.append("MAILINGEST_BLOB_BUCKET: required when MAILINGEST_BLOBS_BACKEND=gcs")
        if blobs == "local" and blob_dir is None:
            problems.append("MAILINGEST_BLOB_DIR: required when MAILINGEST_BLOBS_BACKEND=local")
        level = (get("MAILINGEST_LOG_LEVEL", "INFO") or "INFO").upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            problems.append(f"MAILINGEST_LOG_LEVEL: {level!r} is not DEBUG, INFO, WARNING or ERROR")
        settings = cls(
            project_id=project or "",
            events_topic=get("MAILINGEST_EVENTS_TOPIC", "mail-events") or "mail-events",
            state_backend=state,
            events_backend=events,
            secrets_backend=secrets,
            blobs_backend=blobs,
            secretmanager_endpoint=get("MAILINGEST_SECRETMANAGER_ENDPOINT"),
            secrets_file=secrets_file,
            secrets_key=secrets_key,
            blob_bucket=bucket,
            blob_dir=blob_dir,
            max_message_bytes=number(
                "MAILINGEST_MAX_MESSAGE_BYTES", 50 * 1024 * 1024, 1024, 1024**3
            ),
            inline_attachment_max_bytes=number(
                "MAILINGEST_INLINE_ATTACHMENT_MAX_BYTES", 256 * 1024, 0, 8 * 1024 * 1024
            ),
            inline_body_max_chars=number(
                "MAILINGEST_INLINE_BODY_MAX_CHARS", 200_000, 1000, 2_000_000
            ),
            dedupe_ttl_days=number("MAILINGEST_DEDUPE_TTL_DAYS", 30, 1, 3650),
            in_flight_timeout_s=number("MAILINGEST_IN_FLIGHT_TIMEOUT_S", 300, 10, 86400),
            publish_attempts=number("MAILINGEST_PUBLISH_ATTEMPTS", 5, 1, 20),
            log_level=level,
            worker_id=get("MAILINGEST_WORKER_ID") or socket.gethostname(),
        )
        if problems:
            raise ConfigError(problems)
        return settings
