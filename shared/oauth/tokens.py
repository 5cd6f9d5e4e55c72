"""A valid access token for a mailbox, whenever asked.

- cached in memory until shortly before expiry; otherwise refreshed with the refresh token
  from the secret store (or, for an app-only grant, by client credentials);
- concurrent callers for one mailbox share one refresh (a per-mailbox lock, re-checked inside);
- a rotated refresh token (Microsoft rotates them) is saved as a new secret version — only
  when it actually changed (Secret Manager: ~2 writes/s per secret, billed per version) —
  and the versions it supersedes are destroyed;
- ``invalid_grant`` / revoked consent: the mailbox goes to ``reauth_required`` — a flag on
  its stored grant, an audit entry and a health alert — and no retry storm: every process
  (watcher, functions, the scheduled job) sees the flag and fails fast without calling the
  provider until the tenant reconnects (the callback writes a new grant without the flag).

A routine refresh writes nothing to the mailbox document: the watcher restarts a mailbox's
connection when its document changes, and a read-modify-write per refresh could also undo an
admin's concurrent edit.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from shared.domain.models import (
    AuditEntry,
    HealthUpdate,
    Mailbox,
    MailboxState,
    OAuthGrant,
    OAuthProvider,
)
from shared.errors import AuthError, MailIngestError, NotFound, ReauthRequired
from shared.oauth.clients import AppOnlyClient, OAuthClient, TokenGrant
from shared.observability import register_secret
from shared.ports import (
    AuditLog,
    Clock,
    HealthStore,
    LoginCredentials,
    MailboxStore,
    SecretStore,
)
from shared.secret_names import RefreshTokenSecret, owned_refresh_token

logger = logging.getLogger(__name__)
EARLY_REFRESH = timedelta(minutes=5)
REAUTH_LOG = "OAuth grant revoked: reconnect needed"  # infra/monitoring.tf alerts on it


def _grant_id(mailbox: Mailbox) -> str | None:
    """Which grant a cached token belongs to: a reconnect (another provider, or the same one
    again) is a new grant, whose tokens never come from the old one's cache; so is a grant
    marked refused, and a cached token never serves another server or login than the one it
    was fetched for (an edited host gets no token from the cache)."""
    g = mailbox.oauth
    if g is None:
        return None
    connected = g.connected_at.isoformat() if g.connected_at else ""
    refused = g.reauth_required_at.isoformat() if g.reauth_required_at else ""
    return f"{g.provider.value}|{g.app_only}|{connected}|{refused}|{mailbox.server_binding()}"


@dataclass
class _Entry:
    grant: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    token: str | None = field(default=None, repr=False)
    expires_at: datetime | None = None
    dead_refresh: str | None = field(default=None, repr=False)  # the refresh token refused


class TokenRecords(MailboxStore, HealthStore, AuditLog, Protocol):
    """What the token service keeps: the mailboxes' grants, their health (a revoked grant
    shows there) and the audit log."""


class TokenService:
    def __init__(
        self,
        clients: Mapping[OAuthProvider, OAuthClient],
        secrets: SecretStore,
        state: TokenRecords,
        clock: Clock,
    ) -> None:
        self._clients = dict(clients)
        self._secrets = secrets
        self._state = state
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._guard = threading.Lock()

    def _entry(self, mailbox: Mailbox) -> _Entry:
        """The mailbox's cache entry, a fresh one when its grant changed (one per mailbox)."""
        grant = _grant_id(mailbox)
        with self._guard:
            entry = self._entries.get(mailbox.key)
            if entry is None or entry.grant != grant:
                entry = self._entries[mailbox.key] = _Entry(grant=grant)
            return entry

    def access_token(self, mailbox: Mailbox) -> str:
        """Raises ReauthRequired (grant gone), AuthError (not connected, our client refused)
        or ServiceUnavailable (provider or store down: try again later)."""
        entry = self._entry(mailbox)
        token = self._cached(entry)
        if token is not None:
            return token
        with entry.lock:
            token = self._cached(entry)  # another caller refreshed while we waited
            if token is not None:
                return token
            return self._refresh(mailbox, entry).access_token

    def invalidate(self, mailbox: Mailbox) -> None:
        """Forget the cached access token (the server refused it)."""
        entry = self._entry(mailbox)
        with entry.lock:
            entry.token, entry.expires_at = None, None

    def refresh_now(self, mailbox: Mailbox) -> datetime:
        """Refresh regardless of the cache (the scheduled job's probe); returns the expiry."""
        entry = self._entry(mailbox)
        with entry.lock:
            return self._refresh(mailbox, entry).expires_at

    def _cached(self, entry: _Entry) -> str | None:
        if entry.token is None or entry.expires_at is None:
            return None
        if entry.expires_at - EARLY_REFRESH <= self._clock.now():
            return None
        return entry.token

    def _refresh(self, mailbox: Mailbox, entry: _Entry) -> TokenGrant:
        # the stored grant, not the caller's copy: it may have been reconnected or flagged
        try:
            current = self._state.get_mailbox(mailbox.tenant_id, mailbox.id)
        except NotFound:
            raise AuthError(f"mailbox {mailbox.key} no longer exists") from None
        grant = current.oauth
        if grant is None:
            raise AuthError(f"mailbox {mailbox.key} is not connected with OAuth")
        if grant.reauth_required_at is not None:
            raise ReauthRequired(f"mailbox {mailbox.key} must be reconnected")
        client = self._clients.get(grant.provider)
        if client is None:
            raise AuthError(f"no OAuth client configured for {grant.provider}")
        if grant.app_only:
            result = self._app_only(current, grant, client)
        else:
            result = self._by_refresh_token(current, grant, client, entry)
        entry.token, entry.expires_at = result.access_token, result.expires_at
        return result

    def _app_only(self, mailbox: Mailbox, grant: OAuthGrant, client: OAuthClient) -> TokenGrant:
        if not isinstance(client, AppOnlyClient):
            raise AuthError(f"{grant.provider} has no app-only tokens")
        try:
            return client.app_token(grant.directory_tenant)
        except ReauthRequired:  # the directory's admin withdrew consent
            self._mark_reauth(mailbox, grant)
            raise

    def _by_refresh_token(
        self, mailbox: Mailbox, grant: OAuthGrant, client: OAuthClient, entry: _Entry
    ) -> TokenGrant:
        name, refresh_token = self._read_refresh(mailbox, grant)
        if refresh_token == entry.dead_refresh:  # the flag write failed earlier: still no call
            raise ReauthRequired(f"mailbox {mailbox.key} must be reconnected")
        try:
            result = client.refresh(refresh_token, grant.scopes)
        except ReauthRequired:
            # another process (the scheduled job, another replica) may have rotated the token
            # after we read it: try the newest version once before declaring the grant dead
            _, latest = self._read_refresh(mailbox, grant)
            if latest == refresh_token:
                entry.dead_refresh = refresh_token
                self._mark_reauth(mailbox, grant)
                raise
            refresh_token = latest
            try:
                result = client.refresh(refresh_token, grant.scopes)
            except ReauthRequired:
                entry.dead_refresh = refresh_token
                self._mark_reauth(mailbox, grant)
                raise
        if result.refresh_token and result.refresh_token != refresh_token:
            register_secret(result.refresh_token)
            version = self._secrets.put_secret(name, result.refresh_token)
            logger.info("rotated refresh token saved", extra={"mailbox_key": mailbox.key})
            self._destroy_superseded(mailbox, name, version)
        return result

    def _destroy_superseded(self, mailbox: Mailbox, name: RefreshTokenSecret, version: str) -> None:
        """Each version that is not destroyed is billed, and a superseded refresh token is of
        no use to anyone. Best effort: the new token is saved; the next rotation retries."""
        try:
            self._secrets.destroy_versions_before(name, version)
        except MailIngestError as exc:
            logger.warning(
                "superseded refresh tokens not destroyed",
                extra={"mailbox_key": mailbox.key, "error": str(exc)[:200]},
            )

    def _read_refresh(self, mailbox: Mailbox, grant: OAuthGrant) -> tuple[RefreshTokenSecret, str]:
        """The mailbox's own refresh-token secret and its latest value."""
        if not mailbox.secret_ref:
            self._mark_reauth(mailbox, grant)
            raise ReauthRequired(f"mailbox {mailbox.key} has no refresh token")
        try:
            name = owned_refresh_token(mailbox.tenant_id, mailbox.id, mailbox.secret_ref)
        except AuthError:
            self._mark_reauth(mailbox, grant)
            raise ReauthRequired(f"mailbox {mailbox.key} must be reconnected") from None
        try:
            value = self._secrets.get_secret(name)
        except NotFound:
            self._mark_reauth(mailbox, grant)
            raise ReauthRequired(f"mailbox {mailbox.key} has no refresh token") from None
        register_secret(value)
        return name, value

    def _mark_reauth(self, mailbox: Mailbox, grant: OAuthGrant) -> None:
        now = self._clock.now()
        logger.warning(REAUTH_LOG, extra={"mailbox_key": mailbox.key})
        self._flag(mailbox, grant, now)
        self._state.update_health(
            mailbox.tenant_id,
            mailbox.id,
            HealthUpdate(
                state=MailboxState.REAUTH_REQUIRED,
                last_error="the OAuth grant was revoked or expired: reconnect the mailbox",
                last_error_at=now,
                errors=1,
            ),
            now,
        )
        self._state.append_audit(
            AuditEntry(
                tenant_id=mailbox.tenant_id,
                actor="system:token-service",
                action="oauth.reauth_required",
                target=mailbox.key,
                at=now,
                details={"provider": grant.provider.value},
            )
        )

    def _flag(self, mailbox: Mailbox, grant: OAuthGrant, now: datetime) -> None:
        """Persist the flag on the grant we refreshed — unless the tenant reconnected in the
        meantime (a different grant is stored now)."""
        try:
            current = self._state.get_mailbox(mailbox.tenant_id, mailbox.id)
        except NotFound:
            return
        if current.oauth is None or current.oauth.connected_at != grant.connected_at:
            return
        flagged = current.oauth.model_copy(update={"reauth_required_at": now})
        self._state.put_mailbox(current.model_copy(update={"oauth": flagged}))


class OAuthCredentialProvider:
    """The watcher's login seam for OAuth mailboxes: XOAUTH2 with a fresh access token at
    every (re)connect (OAUTHBEARER when ``mechanism`` says so)."""

    def __init__(self, tokens: TokenService, mechanism: str = "xoauth2") -> None:
        self._tokens = tokens
        self._mechanism = mechanism

    def credentials_for(self, mailbox: Mailbox) -> LoginCredentials:
        token = self._tokens.access_token(mailbox)
        user = mailbox.oauth.connected_address if mailbox.oauth else mailbox.login
        if self._mechanism == "oauthbearer":
            return LoginCredentials(user, token, "oauthbearer")
        return LoginCredentials(user, token, "xoauth2")

    def invalidate(self, mailbox: Mailbox) -> None:
        self._tokens.invalidate(mailbox)
