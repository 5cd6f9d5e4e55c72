"""Settings: the only reader of the environment. Every bad variable is reported at once.

Each variable is documented in docs/configuration.md (a test keeps the two in step).
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
    """The always-on watcher's variables (docs/watcher.md)."""

    idle_refresh_s: int = 29 * 60
    lease_ttl_s: int = 20
    reload_s: float = 2.0
    relist_s: float = 600.0
    catchup_concurrency: int = 16
    ca_file: Path | None = None
    health_port: int = 0  # PORT: /healthz (Cloud Run sets it); 0 = any free port
    connect_rate: float = 10.0  # new connections per second to one server
    server_connect_rates: dict[str, float] = field(default_factory=dict)  # host -> rate


@dataclass(frozen=True)
class GmailSettings:
    """The Gmail API path (docs/gmail.md)."""

    topic: str = ""  # projects/{project}/topics/{name} Gmail publishes to (users.watch)
    api_endpoint: str | None = None  # a local stand-in; None = Google
    push_auth: bool = True  # verify the push's OIDC token (off only with local Pub/Sub)
    push_audience: str | None = None
    push_service_account: str | None = None
    push_certs_url: str = "https://www.googleapis.com/oauth2/v1/certs"
    resync_concurrency: int = 16


@dataclass(frozen=True)
class GraphSettings:
    """The Microsoft Graph path (docs/graph.md)."""

    notification_url: str = ""  # graph_webhook's public URL
    lifecycle_url: str = ""  # the same function unless set
    api_endpoint: str | None = None  # a local stand-in; None = graph.microsoft.com
    queue_topic: str = "graph-notifications"  # graph_webhook → graph_worker


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
    gmail: GmailSettings = field(default_factory=GmailSettings)
    graph: GraphSettings = field(default_factory=GraphSettings)

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
            gmail=_gmail(r, project or ""),
            graph=_graph(r),
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


def log_level_from_env(env: Mapping[str, str] | None = None) -> str:
    """MAILINGEST_LOG_LEVEL alone, for an entry point's logging at import: INFO when it is
    invalid (the settings report it, with every other problem, when the app is built)."""
    r = EnvReader(os.environ if env is None else env)
    level = _log_level(r)
    return "INFO" if r.problems else level


def _log_level(r: EnvReader) -> str:
    level = (r.get("MAILINGEST_LOG_LEVEL", "INFO") or "INFO").upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        r.problem(f"MAILINGEST_LOG_LEVEL: {level!r} is not DEBUG, INFO, WARNING or ERROR")
    return level


def _watcher(r: EnvReader) -> WatcherSettings:
    return WatcherSettings(
        idle_refresh_s=r.number("MAILINGEST_IDLE_REFRESH_S", 29 * 60, 10, 29 * 60),
        lease_ttl_s=r.number("MAILINGEST_LEASE_TTL_S", 20, 5, 600),
        reload_s=r.seconds("MAILINGEST_RELOAD_S", 2.0, 0.1, 600),
        relist_s=r.seconds("MAILINGEST_RELIST_S", 600.0, 1, 86400),
        catchup_concurrency=r.number("MAILINGEST_CATCHUP_CONCURRENCY", 16, 1, 256),
        ca_file=r.path("MAILINGEST_IMAP_CA_FILE"),
        health_port=r.number("PORT", 0, 0, 65535),
        connect_rate=r.seconds("MAILINGEST_CONNECT_RATE", 10.0, 0.01, 10_000),
        server_connect_rates=_rates(r, "MAILINGEST_SERVER_CONNECT_RATES"),
    )


def _rates(r: EnvReader, name: str) -> dict[str, float]:
    """``host=rate,host=rate`` (connections per second to that server)."""
    rates: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in (r.get(name) or "").split(","))):
        host, sep, raw = item.partition("=")
        try:
            rate = float(raw)
        except ValueError:
            rate = 0.0
        if not sep or not host.strip() or not 0 < rate <= 10_000:
            r.problem(f"{name}: {item!r} is not host=rate with a rate in 0..10000 per second")
            continue
        rates[host.strip().lower()] = rate
    return rates


def _gmail(r: EnvReader, project: str) -> GmailSettings:
    push_auth = r.choice("MAILINGEST_PUSH_AUTH", "oidc", ("oidc", "off")) == "oidc"
    audience = r.get("MAILINGEST_PUSH_AUDIENCE")
    account = r.get("MAILINGEST_PUSH_SERVICE_ACCOUNT")
    if push_auth and (audience is None) != (account is None):
        r.problem(
            "MAILINGEST_PUSH_AUDIENCE and MAILINGEST_PUSH_SERVICE_ACCOUNT: set both (the push "
            "subscription's OIDC audience and service account)"
        )
    if not push_auth and not r.get("PUBSUB_EMULATOR_HOST"):
        r.problem("MAILINGEST_PUSH_AUTH=off: allowed only with the local Pub/Sub emulator")
    return GmailSettings(
        topic=r.get("MAILINGEST_GMAIL_TOPIC") or f"projects/{project}/topics/gmail-push",
        api_endpoint=r.get("MAILINGEST_GMAIL_API_ENDPOINT"),
        push_auth=push_auth,
        push_audience=audience,
        push_service_account=account,
        push_certs_url=r.get("MAILINGEST_PUSH_CERTS_URL")
        or "https://www.googleapis.com/oauth2/v1/certs",
        resync_concurrency=r.number("MAILINGEST_RESYNC_CONCURRENCY", 16, 1, 256),
    )


def _graph(r: EnvReader) -> GraphSettings:
    notification = r.get("MAILINGEST_GRAPH_NOTIFICATION_URL") or ""
    return GraphSettings(
        notification_url=notification,
        lifecycle_url=r.get("MAILINGEST_GRAPH_LIFECYCLE_URL") or notification,
        api_endpoint=r.get("MAILINGEST_GRAPH_API_ENDPOINT"),
        queue_topic=r.get("MAILINGEST_GRAPH_QUEUE_TOPIC") or "graph-notifications",
    )


# -- OAuth (shared.oauth re-exports these) ---------------------------------------------

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - an endpoint, not a secret
MICROSOFT_AUTHORITY = "https://login.microsoftonline.com/organizations"


@dataclass(frozen=True)
class OAuthSettings:
    redirect_uri: str
    settings_url: str
    google_client_id: str | None = None
    google_client_secret: str | None = field(default=None, repr=False)
    google_auth_uri: str = GOOGLE_AUTH_URI
    google_token_uri: str = GOOGLE_TOKEN_URI
    microsoft_client_id: str | None = None
    microsoft_client_secret: str | None = field(default=None, repr=False)
    microsoft_authority: str = MICROSOFT_AUTHORITY
    state_key: str = field(default="", repr=False)  # Fernet key sealing the state parameter
    state_ttl_s: int = 600
    tls_ca_file: str | None = None  # extra CA for the identity endpoints (tests only)
    probe_every_s: int = 6 * 3600  # refresh_tokens probes each grant this often
    probe_run_interval_s: int = 600  # the scheduler's cadence for refresh_tokens

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OAuthSettings:
        """Read (and check) the OAuth variables; raises ConfigError listing every problem.
        Separate from ``Settings.from_env``: only the processes that use OAuth need them."""
        e = dict(os.environ if env is None else env)
        problems = [
            f"{name}: required"
            for name in (
                "MAILINGEST_OAUTH_REDIRECT_URI",
                "MAILINGEST_SETTINGS_URL",
                "MAILINGEST_OAUTH_STATE_KEY",
            )
            if not e.get(name)
        ]
        every = _seconds(e, "MAILINGEST_OAUTH_PROBE_EVERY_S", 6 * 3600, problems)
        run = _seconds(e, "MAILINGEST_OAUTH_PROBE_RUN_S", 600, problems)
        if problems:
            raise ConfigError(problems)
        return cls(
            redirect_uri=e["MAILINGEST_OAUTH_REDIRECT_URI"],
            settings_url=e["MAILINGEST_SETTINGS_URL"],
            google_client_id=e.get("MAILINGEST_GOOGLE_CLIENT_ID") or None,
            google_client_secret=e.get("MAILINGEST_GOOGLE_CLIENT_SECRET") or None,
            google_auth_uri=e.get("MAILINGEST_GOOGLE_AUTH_URI") or GOOGLE_AUTH_URI,
            google_token_uri=e.get("MAILINGEST_GOOGLE_TOKEN_URI") or GOOGLE_TOKEN_URI,
            microsoft_client_id=e.get("MAILINGEST_MICROSOFT_CLIENT_ID") or None,
            microsoft_client_secret=e.get("MAILINGEST_MICROSOFT_CLIENT_SECRET") or None,
            microsoft_authority=e.get("MAILINGEST_MICROSOFT_AUTHORITY") or MICROSOFT_AUTHORITY,
            state_key=e["MAILINGEST_OAUTH_STATE_KEY"],
            tls_ca_file=e.get("MAILINGEST_OAUTH_CA_FILE") or None,
            probe_every_s=every,
            probe_run_interval_s=run,
        )


def _seconds(env: Mapping[str, str], name: str, default: int, problems: list[str]) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 60 <= int(raw) <= 30 * 86400:
        problems.append(f"{name}: seconds between 60 and 2592000, not {raw!r}")
        return default
    return int(raw)


# -- the browser-facing pages -----------------------------------------------------------


def private_hosts_allowed(env: Mapping[str, str] | None = None) -> bool:
    """MAILINGEST_ALLOW_PRIVATE_HOSTS: local development and tests only (host_policy)."""
    value = (os.environ if env is None else env).get("MAILINGEST_ALLOW_PRIVATE_HOSTS", "")
    return value.strip().lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class PageSettings:
    """The settings page's and the OAuth pages' own variables."""

    oauth_start_url: str = "/oauth_start"
    csrf_key: str = field(default="", repr=False)  # MAILINGEST_OAUTH_STATE_KEY
    iap_audience: str = ""
    iap_certs_url: str = "https://www.gstatic.com/iap/verify/public_key"
    dev_admin: str | None = None
    local_backends: bool = False  # emulators and a local secret store: the dev admin may work
    refresh_s: int = 15  # MAILINGEST_PAGE_REFRESH_S: how often the page refreshes health
    # MAILINGEST_CONNECTION_TEST_TIMEOUT_S: a "Test connection"'s timeout, and the time after
    # which every unreachable server answers (closed, filtered and silent look alike)
    connection_test_timeout_s: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> PageSettings:
        e = dict(os.environ if env is None else env)
        r = EnvReader(e)
        test_timeout = r.seconds("MAILINGEST_CONNECTION_TEST_TIMEOUT_S", 10.0, 0.5, 60.0)
        refresh_s = r.number("MAILINGEST_PAGE_REFRESH_S", 15, 1, 3600)
        r.raise_problems()
        state = e.get("MAILINGEST_STATE_BACKEND") or "firestore"
        secrets = e.get("MAILINGEST_SECRETS_BACKEND") or "secretmanager"
        state_local = state == "memory" or bool(e.get("FIRESTORE_EMULATOR_HOST"))
        secrets_local = secrets in ("memory", "file") or bool(
            e.get("MAILINGEST_SECRETMANAGER_ENDPOINT")
        )
        return cls(
            oauth_start_url=(e.get("MAILINGEST_OAUTH_START_URL") or "/oauth_start").strip(),
            csrf_key=(e.get("MAILINGEST_OAUTH_STATE_KEY") or "").strip(),
            iap_audience=(e.get("MAILINGEST_IAP_AUDIENCE") or "").strip(),
            iap_certs_url=(e.get("MAILINGEST_IAP_CERTS_URL") or "").strip()
            or "https://www.gstatic.com/iap/verify/public_key",
            dev_admin=(e.get("MAILINGEST_SETTINGS_DEV_ADMIN") or "").strip().lower() or None,
            local_backends=state_local and secrets_local,
            refresh_s=refresh_s,
            connection_test_timeout_s=test_timeout,
        )
