"""A valid access token for a mailbox, whenever asked.

- cached in memory until shortly before expiry; otherwise refreshed with the refresh token
  from the secret store;
- concurrent callers for one mailbox share one refresh (a per-mailbox lock, re-checked inside);
- a rotated refresh token (Microsoft rotates them) is saved as a new secret version — only
  when it actually changed (Secret Manager: ~2 writes/s per secret, billed per version);
- ``invalid_grant`` / revoked consent: the mailbox goes to ``reauth_required`` with an audit
  entry and a health alert, and no retry storm: later calls fail fast without calling the
  provider until the tenant reconnects (a new refresh token is stored).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared.domain.models import AuditEntry, HealthUpdate, Mailbox, MailboxState, OAuthProvider
from shared.errors import AuthError, NotFound
from shared.oauth.clients import OAuthClient, ReauthRequired
from shared.observability import register_secret
from shared.ports import Clock, LoginCredentials, SecretStore, StateStore

logger = logging.getLogger(__name__)
EARLY_REFRESH = timedelta(minutes=5)


@dataclass
class _Entry:
    lock: threading.Lock = field(default_factory=threading.Lock)
    token: str | None = field(default=None, repr=False)
    expires_at: datetime | None = None
    dead_refresh: str | None = field(default=None, repr=False)  # the refresh token refused


class TokenService:
    def __init__(
        self,
        clients: Mapping[OAuthProvider, OAuthClient],
        secrets: SecretStore,
        state: StateStore,
        clock: Clock,
    ) -> None:
        self._clients = dict(clients)
        self._secrets = secrets
        self._state = state
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._guard = threading.Lock()

    def _entry(self, key: str) -> _Entry:
        with self._guard:
            return self._entries.setdefault(key, _Entry())

    def access_token(self, mailbox: Mailbox) -> str:
        """Raises ReauthRequired (grant gone) or ServiceUnavailable (provider down)."""
        entry = self._entry(mailbox.key)
        if self._fresh(entry):
            assert entry.token is not None
            return entry.token
        with entry.lock:
            if self._fresh(entry):  # another caller refreshed while we waited
                assert entry.token is not None
                return entry.token
            return self._refresh(mailbox, entry)

    def invalidate(self, mailbox: Mailbox) -> None:
        entry = self._entry(mailbox.key)
        with entry.lock:
            entry.token, entry.expires_at = None, None

    def refresh_now(self, mailbox: Mailbox) -> datetime:
        """Refresh regardless of the cache (the scheduled job's probe); returns the expiry."""
        entry = self._entry(mailbox.key)
        with entry.lock:
            self._refresh(mailbox, entry)
            assert entry.expires_at is not None
            return entry.expires_at

    def _fresh(self, entry: _Entry) -> bool:
        return (
            entry.token is not None
            and entry.expires_at is not None
            and entry.expires_at - EARLY_REFRESH > self._clock.now()
        )

    def _refresh(self, mailbox: Mailbox, entry: _Entry) -> str:
        if mailbox.oauth is None or not mailbox.secret_ref:
            raise AuthError(f"mailbox {mailbox.key} is not connected with OAuth")
        try:
            refresh_token = self._secrets.get_secret(mailbox.secret_ref)
        except NotFound:
            raise ReauthRequired(f"mailbox {mailbox.key} has no refresh token") from None
        register_secret(refresh_token)
        if refresh_token == entry.dead_refresh:
            raise ReauthRequired(f"mailbox {mailbox.key} must be reconnected")
        client = self._clients.get(mailbox.oauth.provider)
        if client is None:
            raise AuthError(f"no OAuth client configured for {mailbox.oauth.provider}")
        try:
            grant = client.refresh(refresh_token, mailbox.oauth.scopes)
        except ReauthRequired:
            entry.dead_refresh, entry.token, entry.expires_at = refresh_token, None, None
            self._mark_reauth(mailbox)
            raise
        if grant.refresh_token and grant.refresh_token != refresh_token:
            self._secrets.put_secret(mailbox.secret_ref, grant.refresh_token)
            logger.info("rotated refresh token saved", extra={"mailbox_key": mailbox.key})
        entry.token, entry.expires_at = grant.access_token, grant.expires_at
        self._record_expiry(mailbox, grant.expires_at)
        return grant.access_token

    def _record_expiry(self, mailbox: Mailbox, expires_at: datetime) -> None:
        assert mailbox.oauth is not None
        current = self._state.get_mailbox(mailbox.tenant_id, mailbox.id)
        if current.oauth is None:
            return
        grant = current.oauth.model_copy(update={"access_expires_at": expires_at})
        self._state.put_mailbox(current.model_copy(update={"oauth": grant}))

    def _mark_reauth(self, mailbox: Mailbox) -> None:
        now = self._clock.now()
        logger.warning("OAuth grant revoked: reconnect needed", extra={"mailbox_key": mailbox.key})
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
            )
        )


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
