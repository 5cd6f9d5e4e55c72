"""Settings: the only reader of the environment. Every bad variable is reported at once.

Each variable is documented in docs/configuration.md (a test keeps the two in step, the
defaults included). Every default is written once, on the settings' dataclass fields; the
readers below take it from there, and so do the option classes elsewhere that mirror a
setting (``WatcherOptions``, ``IngestOptions``…).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from shared.errors import ConfigError

_T = TypeVar("_T")


@dataclass(frozen=True)
class WatcherSettings:
    """The always-on watcher's variables (docs/watcher.md); ``WatcherOptions`` takes its
    defaults from here."""

    # RFC 2177: servers may drop an idle client after 30 min and clients re-issue IDLE at
    # least every 29; NATs and load balancers often drop quiet flows much sooner — TCP
    # keepalive every minute (``lean_client.KEEPALIVE``) keeps those flows open and finds a
    # vanished peer without waking the process. Re-issuing IDLE also runs a catch-up sync:
    # the safety net for a lost EXISTS. A refresh wakes the mailbox's thread twice and costs
    # ≈ 1 ms of CPU with 10,000 sessions (cold caches), against ≈ 30 µs per server
    # keep-alive line read by the IDLE hub: at 600 s the refreshes were two thirds of the
    # idle CPU at 10,000 mailboxes, so RFC 2177's 29 min (each mailbox's period drawn from
    # its last fifth: 23–29 min)
    idle_refresh_s: int = 29 * 60
    lease_ttl_s: int = 20  # a SIGKILLed replica's mailboxes are taken over within ~ttl + reload
    # how often a reconcile is retried while part of this replica's share is unwatched (a
    # lease still held by a dead replica)
    reload_s: float = 2.0
    # the change feed tells of mailboxes added, changed, disabled and removed; a full
    # re-list (one read per mailbox) this often is the safety net
    relist_s: float = 600.0
    # catch-up: messages of fetched batches being prepared (stored, parsed, classified) at
    # once, for the whole process; 1 = one message at a time
    catchup_concurrency: int = 16
    ca_file: Path | None = None
    health_port: int = 0  # PORT: /healthz (Cloud Run sets it); 0 = any free port
    # new connections per second to one server (``pacing``): after a restart thousands of
    # mailboxes come back without tripping a server's rate limit or abuse protection
    connect_rate: float = 10.0
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


GMAIL_TOPIC = "projects/{project}/topics/gmail-push"  # MAILINGEST_GMAIL_TOPIC unless set


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
    # loopback / private / reserved mail servers may be reached: local development and
    # tests only (shared/host_policy.py)
    allow_private_hosts: bool = False
    pubsub_emulator_host: str | None = None  # PUBSUB_EMULATOR_HOST (Google's variable)
    watcher: WatcherSettings = field(default_factory=WatcherSettings)
    gmail: GmailSettings = field(default_factory=GmailSettings)
    graph: GraphSettings = field(default_factory=GraphSettings)
    # the scheduled renewal and resync: shards of mailboxes, one task message each
    tasks_topic: str = "mailbox-tasks"  # renew_watches → mailbox_tasks
    task_shard_mailboxes: int = 100

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings; raise ConfigError listing every problem found."""
        return _checked(cls.read, env)

    @classmethod
    def read(cls, r: EnvReader) -> Settings:
        project = r.get("GOOGLE_CLOUD_PROJECT") or r.get("GCP_PROJECT")
        if not project:
            r.problem("GOOGLE_CLOUD_PROJECT: required (the Google Cloud project id)")
        emulator = r.get("PUBSUB_EMULATOR_HOST", local=True)
        return cls(
            project_id=project or "",
            events_topic=r.topic("MAILINGEST_EVENTS_TOPIC", cls.events_topic),
            tasks_topic=r.topic("MAILINGEST_TASKS_TOPIC", cls.tasks_topic),
            task_shard_mailboxes=r.number(
                "MAILINGEST_TASK_SHARD_MAILBOXES", cls.task_shard_mailboxes, 1, 10_000
            ),
            **_backends(r),
            **_limits(r),
            log_level=_log_level(r),
            worker_id=r.get("MAILINGEST_WORKER_ID") or socket.gethostname(),
            allow_private_hosts=r.flag("MAILINGEST_ALLOW_PRIVATE_HOSTS", cls.allow_private_hosts),
            pubsub_emulator_host=emulator,
            watcher=_watcher(r),
            gmail=_gmail(r, project or "", emulator),
            graph=_graph(r),
        )


class Read(NamedTuple):
    """How a variable was read: its kind (``text``, ``topic`` — a Pub/Sub topic's name,
    ``number``, ``seconds``, ``choice``, ``flag``, ``path``, ``rates``), the default it gets
    when unset (None: none), and whether it is for local runs only (a stand-in's endpoint, an
    emulator, a file store, an extra trust anchor: a deployed system never sets it)."""

    kind: str
    default: object
    local: bool = False


class EnvReader:
    """Typed reads of environment variables that collect every problem instead of stopping at
    the first; ``raise_problems`` raises them together as one ``ConfigError``. ``reads``
    records every variable read, how, and its default (docs/configuration.md is checked
    against it)."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = dict(env)
        self.problems: list[str] = []
        self.reads: dict[str, Read] = {}

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def raise_problems(self) -> None:
        if self.problems:
            raise ConfigError(self.problems)

    def raw(self, name: str, kind: str, default: object, *, local: bool = False) -> str | None:
        self.reads[name] = Read(kind, default, local)
        return self._env.get(name, "").strip() or None

    def get(self, name: str, *, local: bool = False) -> str | None:
        """The value, or None when unset or empty (``local``: for local runs only)."""
        return self.raw(name, "text", None, local=local)

    def text(self, name: str, default: str) -> str:
        return self.raw(name, "text", default) or default

    def topic(self, name: str, default: str) -> str:
        """A Pub/Sub topic's name: a deployment sets it to the topic it creates."""
        return self.raw(name, "topic", default) or default

    def number(self, name: str, default: int, low: int, high: int) -> int:
        return int(self._numeric(name, default, low, high, int))

    def seconds(self, name: str, default: float, low: float, high: float) -> float:
        return self._numeric(name, default, low, high, float)

    def _numeric(
        self, name: str, default: float, low: float, high: float, kind: type[int] | type[float]
    ) -> float:
        raw = self.raw(name, "number" if kind is int else "seconds", default)
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

    def choice(
        self,
        name: str,
        default: str,
        allowed: tuple[str, ...],
        fold: Callable[[str], str] = str,
    ) -> str:
        """One of ``allowed`` (compared after ``fold``, e.g. ``str.upper``)."""
        value = fold(self.raw(name, "choice", default) or default)
        if value not in allowed:
            self.problem(f"{name}: {value!r} is not one of {', '.join(allowed)}")
        return value

    def flag(self, name: str, default: bool) -> bool:
        raw = (self.raw(name, "flag", default) or "").lower()
        if not raw:
            return default
        if raw not in ("true", "false", "1", "0", "yes", "no"):
            self.problem(f"{name}: {raw!r} is not true or false")
        return raw in ("true", "1", "yes")

    def path(self, name: str, *, local: bool = False) -> Path | None:
        raw = self.raw(name, "path", None, local=local)
        return Path(raw) if raw else None

    def require(self, name: str, value: object, when: str) -> None:
        if value is None:
            self.problem(f"{name}: required when {when}")


def _checked(read: Callable[[EnvReader], _T], env: Mapping[str, str] | None) -> _T:
    """``read`` on the environment (or ``env``); ConfigError listing every problem."""
    r = EnvReader(os.environ if env is None else env)
    settings = read(r)
    r.raise_problems()
    return settings


# variable -> the Settings field it sets and the values allowed
_BACKENDS = {
    "MAILINGEST_STATE_BACKEND": ("state_backend", ("firestore", "memory")),
    "MAILINGEST_EVENTS_BACKEND": ("events_backend", ("pubsub", "memory")),
    "MAILINGEST_SECRETS_BACKEND": ("secrets_backend", ("secretmanager", "file", "memory")),
    "MAILINGEST_BLOBS_BACKEND": ("blobs_backend", ("gcs", "local", "memory")),
}


def _backend(r: EnvReader, name: str) -> str:
    attribute, allowed = _BACKENDS[name]
    default: str = getattr(Settings, attribute)
    return r.choice(name, default, allowed)


def _backends(r: EnvReader) -> dict[str, Any]:
    state, events, secrets, blobs = (_backend(r, name) for name in _BACKENDS)
    secrets_file = r.path("MAILINGEST_SECRETS_FILE", local=True)
    secrets_key = r.get("MAILINGEST_SECRETS_KEY", local=True)
    if secrets == "file":
        r.require("MAILINGEST_SECRETS_FILE", secrets_file, "MAILINGEST_SECRETS_BACKEND=file")
        r.require("MAILINGEST_SECRETS_KEY", secrets_key, "MAILINGEST_SECRETS_BACKEND=file")
    bucket = r.get("MAILINGEST_BLOB_BUCKET")
    blob_dir = r.path("MAILINGEST_BLOB_DIR", local=True)
    if blobs == "gcs":
        r.require("MAILINGEST_BLOB_BUCKET", bucket, "MAILINGEST_BLOBS_BACKEND=gcs")
    if blobs == "local":
        r.require("MAILINGEST_BLOB_DIR", blob_dir, "MAILINGEST_BLOBS_BACKEND=local")
    return {
        "state_backend": state,
        "events_backend": events,
        "secrets_backend": secrets,
        "blobs_backend": blobs,
        "secretmanager_endpoint": r.get("MAILINGEST_SECRETMANAGER_ENDPOINT", local=True),
        "secrets_file": secrets_file,
        "secrets_key": secrets_key,
        "blob_bucket": bucket,
        "blob_dir": blob_dir,
    }


def _limits(r: EnvReader) -> dict[str, Any]:
    s = Settings
    return {
        "max_message_bytes": r.number(
            "MAILINGEST_MAX_MESSAGE_BYTES", s.max_message_bytes, 1024, 1024**3
        ),
        "inline_attachment_max_bytes": r.number(
            "MAILINGEST_INLINE_ATTACHMENT_MAX_BYTES",
            s.inline_attachment_max_bytes,
            0,
            8 * 1024 * 1024,
        ),
        "inline_body_max_chars": r.number(
            "MAILINGEST_INLINE_BODY_MAX_CHARS", s.inline_body_max_chars, 1000, 2_000_000
        ),
        # at most the recent events' KEEP_DAYS: a claim is completed by its event's summary,
        # which must outlive it (shared.domain.recent_events)
        "dedupe_ttl_days": r.number("MAILINGEST_DEDUPE_TTL_DAYS", s.dedupe_ttl_days, 1, 30),
        "in_flight_timeout_s": r.number(
            "MAILINGEST_IN_FLIGHT_TIMEOUT_S", s.in_flight_timeout_s, 10, 86400
        ),
        "publish_attempts": r.number("MAILINGEST_PUBLISH_ATTEMPTS", s.publish_attempts, 1, 20),
    }


def log_level_from_env(env: Mapping[str, str] | None = None) -> str:
    """MAILINGEST_LOG_LEVEL alone, for an entry point's logging at import: the default when
    it is invalid (the settings report it, with every other problem, when the app is built)."""
    r = EnvReader(os.environ if env is None else env)
    level = _log_level(r)
    return Settings.log_level if r.problems else level


def _log_level(r: EnvReader) -> str:
    levels = ("DEBUG", "INFO", "WARNING", "ERROR")
    return r.choice("MAILINGEST_LOG_LEVEL", Settings.log_level, levels, fold=str.upper)


def _watcher(r: EnvReader) -> WatcherSettings:
    w = WatcherSettings
    return WatcherSettings(
        idle_refresh_s=r.number("MAILINGEST_IDLE_REFRESH_S", w.idle_refresh_s, 10, 29 * 60),
        lease_ttl_s=r.number("MAILINGEST_LEASE_TTL_S", w.lease_ttl_s, 5, 600),
        reload_s=r.seconds("MAILINGEST_RELOAD_S", w.reload_s, 0.1, 600),
        relist_s=r.seconds("MAILINGEST_RELIST_S", w.relist_s, 1, 86400),
        catchup_concurrency=r.number(
            "MAILINGEST_CATCHUP_CONCURRENCY", w.catchup_concurrency, 1, 256
        ),
        ca_file=r.path("MAILINGEST_IMAP_CA_FILE", local=True),
        health_port=r.number("PORT", w.health_port, 0, 65535),
        connect_rate=r.seconds("MAILINGEST_CONNECT_RATE", w.connect_rate, 0.01, 10_000),
        server_connect_rates=_rates(r, "MAILINGEST_SERVER_CONNECT_RATES"),
    )


def _rates(r: EnvReader, name: str) -> dict[str, float]:
    """``host=rate,host=rate`` (connections per second to that server)."""
    rates: dict[str, float] = {}
    for item in filter(
        None, (part.strip() for part in (r.raw(name, "rates", None) or "").split(","))
    ):
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


def _gmail(r: EnvReader, project: str, pubsub_emulator: str | None) -> GmailSettings:
    g = GmailSettings
    push_auth = r.choice("MAILINGEST_PUSH_AUTH", "oidc" if g.push_auth else "off", ("oidc", "off"))
    audience = r.get("MAILINGEST_PUSH_AUDIENCE")
    account = r.get("MAILINGEST_PUSH_SERVICE_ACCOUNT")
    if push_auth == "oidc" and (audience is None) != (account is None):
        r.problem(
            "MAILINGEST_PUSH_AUDIENCE and MAILINGEST_PUSH_SERVICE_ACCOUNT: set both (the push "
            "subscription's OIDC audience and service account)"
        )
    if push_auth == "off" and not pubsub_emulator:
        r.problem("MAILINGEST_PUSH_AUTH=off: allowed only with the local Pub/Sub emulator")
    return GmailSettings(
        topic=r.topic("MAILINGEST_GMAIL_TOPIC", GMAIL_TOPIC.format(project=project)),
        api_endpoint=r.get("MAILINGEST_GMAIL_API_ENDPOINT", local=True),
        push_auth=push_auth == "oidc",
        push_audience=audience,
        push_service_account=account,
        push_certs_url=r.text("MAILINGEST_PUSH_CERTS_URL", g.push_certs_url),
        resync_concurrency=r.number("MAILINGEST_RESYNC_CONCURRENCY", g.resync_concurrency, 1, 256),
    )


def _graph(r: EnvReader) -> GraphSettings:
    notification = r.get("MAILINGEST_GRAPH_NOTIFICATION_URL") or ""
    return GraphSettings(
        notification_url=notification,
        lifecycle_url=r.get("MAILINGEST_GRAPH_LIFECYCLE_URL") or notification,
        api_endpoint=r.get("MAILINGEST_GRAPH_API_ENDPOINT", local=True),
        queue_topic=r.topic("MAILINGEST_GRAPH_QUEUE_TOPIC", GraphSettings.queue_topic),
    )


# -- OAuth (shared.oauth re-exports these) ---------------------------------------------

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - an endpoint, not a secret
MICROSOFT_AUTHORITY = "https://login.microsoftonline.com/organizations"
_OAUTH_REQUIRED = (
    "MAILINGEST_OAUTH_REDIRECT_URI",
    "MAILINGEST_SETTINGS_URL",
    "MAILINGEST_OAUTH_STATE_KEY",
)


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
        return _checked(cls.read, env)

    @classmethod
    def read(cls, r: EnvReader) -> OAuthSettings:
        required = {name: r.get(name) for name in _OAUTH_REQUIRED}
        for name, value in required.items():
            if value is None:
                r.problem(f"{name}: required")
        month = 30 * 86400
        return cls(
            redirect_uri=required["MAILINGEST_OAUTH_REDIRECT_URI"] or "",
            settings_url=required["MAILINGEST_SETTINGS_URL"] or "",
            google_client_id=r.get("MAILINGEST_GOOGLE_CLIENT_ID"),
            google_client_secret=r.get("MAILINGEST_GOOGLE_CLIENT_SECRET"),
            google_auth_uri=r.text("MAILINGEST_GOOGLE_AUTH_URI", cls.google_auth_uri),
            google_token_uri=r.text("MAILINGEST_GOOGLE_TOKEN_URI", cls.google_token_uri),
            microsoft_client_id=r.get("MAILINGEST_MICROSOFT_CLIENT_ID"),
            microsoft_client_secret=r.get("MAILINGEST_MICROSOFT_CLIENT_SECRET"),
            microsoft_authority=r.text("MAILINGEST_MICROSOFT_AUTHORITY", cls.microsoft_authority),
            state_key=required["MAILINGEST_OAUTH_STATE_KEY"] or "",
            tls_ca_file=r.get("MAILINGEST_OAUTH_CA_FILE", local=True),
            probe_every_s=r.number("MAILINGEST_OAUTH_PROBE_EVERY_S", cls.probe_every_s, 60, month),
            probe_run_interval_s=r.number(
                "MAILINGEST_OAUTH_PROBE_RUN_S", cls.probe_run_interval_s, 60, month
            ),
        )


# -- the browser-facing pages -----------------------------------------------------------


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
        return _checked(cls.read, env)

    @classmethod
    def read(cls, r: EnvReader) -> PageSettings:
        state_local = _backend(r, "MAILINGEST_STATE_BACKEND") == "memory" or bool(
            r.get("FIRESTORE_EMULATOR_HOST", local=True)
        )
        secrets_local = _backend(r, "MAILINGEST_SECRETS_BACKEND") in ("memory", "file") or bool(
            r.get("MAILINGEST_SECRETMANAGER_ENDPOINT", local=True)
        )
        return cls(
            oauth_start_url=r.text("MAILINGEST_OAUTH_START_URL", cls.oauth_start_url),
            csrf_key=r.get("MAILINGEST_OAUTH_STATE_KEY") or "",
            iap_audience=r.get("MAILINGEST_IAP_AUDIENCE") or "",
            iap_certs_url=r.text("MAILINGEST_IAP_CERTS_URL", cls.iap_certs_url),
            dev_admin=(r.get("MAILINGEST_SETTINGS_DEV_ADMIN", local=True) or "").lower() or None,
            local_backends=state_local and secrets_local,
            refresh_s=r.number("MAILINGEST_PAGE_REFRESH_S", cls.refresh_s, 1, 3600),
            connection_test_timeout_s=r.seconds(
                "MAILINGEST_CONNECTION_TEST_TIMEOUT_S", cls.connection_test_timeout_s, 0.5, 60.0
            ),
        )
