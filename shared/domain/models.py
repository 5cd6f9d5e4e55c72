"""Tenants, mailboxes and the state kept about them. Pure values; stores persist them.

A mailbox document never holds a secret: ``secret_ref`` names a secret in the secret store.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.ids import MailboxId, TenantId, valid_id


class Provider(StrEnum):
    IMAP = "imap"
    POP3 = "pop3"
    GMAIL = "gmail"
    GRAPH = "graph"


# the providers of a mail server we log in to: the watcher's (a host, a port, a session);
# Gmail API and Microsoft 365 (Graph) mailboxes are driven by their pushes instead
SERVER_PROVIDERS = frozenset({Provider.IMAP, Provider.POP3})
# the providers whose mailboxes are driven by a push (a Gmail watch, a Graph subscription)
# and an API (Gmail API, Microsoft 365 through Graph): connected with the Connect buttons
API_PROVIDERS = frozenset({Provider.GMAIL, Provider.GRAPH})


class AuthMethod(StrEnum):
    PASSWORD = "password"  # noqa: S105 - a name, not a secret
    APP_PASSWORD = "app_password"  # noqa: S105
    OAUTH2 = "oauth2"


class OAuthProvider(StrEnum):
    GOOGLE = "google"
    MICROSOFT = "microsoft"


class TlsMode(StrEnum):
    TLS = "tls"  # implicit TLS (IMAPS 993, POP3S 995)
    STARTTLS = "starttls"
    PLAIN = "plain"  # allowed only for loopback hosts


class AfterProcessing(StrEnum):
    LEAVE = "leave"
    MARK_SEEN = "mark_seen"
    MOVE = "move"
    DELETE = "delete"


class MailboxState(StrEnum):
    CONNECTING = "connecting"
    SYNCING = "syncing"
    IDLE = "idle"
    POLLING = "polling"
    BACKOFF = "backoff"
    # the event sink refuses the mailbox's events (the error beside it); nothing is handed off
    PUBLISHING_BLOCKED = "publishing_blocked"
    # the state store did not answer the watcher (written once it answers again)
    STORE_UNREACHABLE = "store_unreachable"
    AUTH_ERROR = "auth_error"
    CONNECT_ERROR = "connect_error"
    REAUTH_REQUIRED = "reauth_required"
    DISABLED = "disabled"


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


class Tenant(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: TenantId
    name: str = Field(min_length=1, max_length=200)
    created_at: datetime | None = None
    admins: tuple[str, ...] = ()  # emails allowed on the tenant's settings page (IAP identity)

    @field_validator("id")
    @classmethod
    def _check_id(cls, v: str) -> str:
        if not valid_id(v):
            raise ValueError("tenant id: 1-63 of a-z 0-9 _ -, starting with a letter or digit")
        return v


class OAuthGrant(BaseModel):
    """What Firestore knows about a mailbox's OAuth connection (never the tokens)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: OAuthProvider
    connected_address: str
    scopes: tuple[str, ...] = ()
    access_expires_at: datetime | None = None
    connected_at: datetime | None = None
    connected_by: str | None = None
    app_only: bool = False
    # Microsoft: the customer's Entra directory (tenant id); app-only tokens are issued by it
    directory_tenant: str | None = None
    # set when the provider refused the grant (invalid_grant); a reconnect writes a new grant,
    # so every process stops calling the provider for this mailbox until then
    reauth_required_at: datetime | None = None


class Mailbox(BaseModel):
    """A watched mailbox folder of one tenant."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tenant_id: TenantId
    id: MailboxId
    provider: Provider
    address: str = Field(min_length=3, max_length=320)
    purpose: str = "booking"  # booking, stopsale, ... free text shown on the settings page
    host: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    tls: TlsMode = TlsMode.TLS
    verify_tls: bool = True  # may be turned off only in development (settings risk table)
    auth_method: AuthMethod = AuthMethod.PASSWORD
    username: str | None = None
    secret_ref: str | None = None  # name in the secret store: password or refresh token
    oauth: OAuthGrant | None = None
    folder: str = "INBOX"
    idle: bool = True
    poll_interval_s: int = Field(default=60, ge=5, le=86400)
    after_processing: AfterProcessing = AfterProcessing.LEAVE
    move_to: str | None = None
    # provider ids of the folders named in ``folder`` and ``move_to`` (name -> id), resolved
    # when the push starts: Gmail takes label ids only (``INBOX``, ``Label_12``)
    folder_ids: dict[str, str] = Field(default_factory=dict)
    # the address the provider's push names, when it differs from ``address`` (Gmail: the
    # account's primary address from users.getProfile, for a mailbox entered under an alias)
    push_address: str | None = None
    enabled: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # an admin's "Sync now" (IMAP, POP3): part of the connection settings, so the watcher
    # starts the mailbox's session again — a catch-up from the cursor, or a POP3 poll now
    sync_requested_at: datetime | None = None

    @field_validator("id")
    @classmethod
    def _check_id(cls, v: str) -> str:
        if not valid_id(v):
            raise ValueError("mailbox id: 1-63 of a-z 0-9 _ -, starting with a letter or digit")
        return v

    @model_validator(mode="after")
    def _check_consistency(self) -> Mailbox:
        if self.provider in SERVER_PROVIDERS:
            if not self.host:
                raise ValueError(f"{self.provider} mailbox needs a host")
            if self.tls is TlsMode.PLAIN and self.host not in LOOPBACK_HOSTS:
                raise ValueError("plain (unencrypted) connections are allowed only to loopback")
        if self.after_processing is AfterProcessing.MOVE and not self.move_to:
            raise ValueError("after_processing=move needs move_to")
        if self.provider is Provider.POP3 and self.after_processing in (
            AfterProcessing.MARK_SEEN,
            AfterProcessing.MOVE,
        ):
            raise ValueError("POP3 can only leave or delete messages")
        return self

    @property
    def key(self) -> str:
        """``tenant/mailbox``: the ordering key, lease name and log label."""
        return f"{self.tenant_id}/{self.id}"

    @property
    def login(self) -> str:
        return self.username or self.address

    def connection_settings(self) -> dict[str, Any]:
        """What a watcher's session depends on. A change of anything else (labels, audit
        times, the grant's last known token expiry or its reauth mark) must not restart the
        mailbox's connection: a reconnect per token refresh or per rename is churn, and with
        IMAP it can drop an EXISTS. A reconnect of the grant changes ``connected_at``."""
        data = self.model_dump(exclude={"purpose", "created_at", "updated_at", "oauth"})
        if self.oauth is not None:
            data["oauth"] = self.oauth.model_dump(
                exclude={"access_expires_at", "connected_by", "reauth_required_at"}
            )
        return data

    def server_binding(self) -> tuple[str, str, int, str, bool, str]:
        """What a stored password or OAuth grant is bound to: provider, host, port, TLS mode,
        certificate check and login. A credential is never sent anywhere else."""
        host = (self.host or "").strip().rstrip(".").lower()
        return (
            self.provider.value,
            host,
            self.effective_port(),
            self.tls.value,
            self.verify_tls,
            self.login,
        )

    def effective_port(self) -> int:
        if self.port:
            return self.port
        if self.provider is Provider.POP3:
            return 995 if self.tls is TlsMode.TLS else 110
        return 993 if self.tls is TlsMode.TLS else 143


class Cursor(BaseModel):
    """A mailbox's sync position, opaque to the store; ``version`` guards compare-and-set.

    IMAP: {"uidvalidity": int, "last_uid": int}; POP3: {"seen_uidls": [..]};
    Gmail: {"history_id": str}; Graph: {"delta_link": str}.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: dict[str, Any] = Field(default_factory=dict)
    version: int = 0
    updated_at: datetime | None = None


class Lease(BaseModel):
    """A named lease. ``expires_at`` set: a timed lease (renewed one by one). ``expires_at``
    None: a member lease, live exactly as long as its holder's ``Member`` heartbeat — one
    write per replica keeps thousands of them alive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    holder: str
    expires_at: datetime | None = None


class Member(BaseModel):
    """A live replica of the watcher: ``holder`` (this incarnation, as leases and claims
    name it), ``worker`` (the stable worker id mailboxes are spread by) and when its
    heartbeat lapses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    holder: str
    worker: str
    expires_at: datetime


class HealthUpdate(BaseModel):
    """A coalesced batch of health changes for one mailbox. ``None`` fields are left alone;
    counters are added to rolling 24-hour buckets."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    state: MailboxState | None = None
    last_connect_at: datetime | None = None
    last_doorbell_at: datetime | None = None
    last_sync_at: datetime | None = None
    last_event_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    processed: int = 0
    failed: int = 0
    errors: int = 0
    processing_ms_total: float = 0.0
    needs_review: int = 0  # events a person should look at (not confident, unparseable ...)
    pending: int | None = None
    pending_at: datetime | None = None  # when ``pending`` was last counted on the server
    oldest_pending_at: datetime | None = None
    # analytics of the day of the update (shared.domain.analytics): events per label, and
    # processing times as a histogram (bucket name -> count)
    labels: dict[str, int] = Field(default_factory=dict)
    latency: dict[str, int] = Field(default_factory=dict)


class Health(BaseModel):
    """What the settings page shows per mailbox."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    state: MailboxState | None = None
    last_connect_at: datetime | None = None
    last_doorbell_at: datetime | None = None
    last_sync_at: datetime | None = None
    last_event_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    processed_24h: int = 0
    failed_24h: int = 0
    errors_24h: int = 0
    needs_review_24h: int = 0
    avg_processing_ms: float | None = None
    pending: int | None = None
    pending_at: datetime | None = None
    oldest_pending_at: datetime | None = None
    updated_at: datetime | None = None


class AuditEntry(BaseModel):
    """Who changed what, when. ``details`` must never carry a secret value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tenant_id: TenantId
    actor: str
    action: str
    target: str
    at: datetime
    details: dict[str, Any] = Field(default_factory=dict)


class DeadLetter(BaseModel):
    """A message that kept failing, with its reason, for ``mailingest replay``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str  # the event id
    tenant_id: TenantId
    mailbox_id: MailboxId
    provider_message_id: str
    raw_ref: str | None
    reason: str
    attempts: int = 1
    first_failed_at: datetime
    last_failed_at: datetime
