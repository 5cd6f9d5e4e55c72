"""The connect flow behind the HTTP functions: *start* sends the admin to the provider with
PKCE (S256) and a sealed state; *callback* checks the state, exchanges the code, stores the
refresh token as a new secret version, records the grant (never the token) and audits."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from shared.domain.models import (
    AfterProcessing,
    AuditEntry,
    AuthMethod,
    Mailbox,
    OAuthGrant,
    OAuthProvider,
    Provider,
)
from shared.errors import AuthError, MailIngestError, NotFound, ValidationError
from shared.ids import MailboxId, TenantId
from shared.oauth import outcome
from shared.oauth.clients import (
    GRAPH_APP_SCOPE,
    AppOnlyClient,
    ClientRejected,
    OAuthClient,
    TokenGrant,
)
from shared.oauth.outcome import SettingsLink
from shared.oauth.state import FlowState, StateSealer, pkce_pair
from shared.ports import AuditLog, Clock, MailboxStore, SecretStore, TenantStore
from shared.secret_names import own_secret, refresh_secret_name
from shared.service.credentials import forget_secret
from shared.service.tenant_access import admin_tenant

logger = logging.getLogger(__name__)
MODES = {"gmail", "gmail-modify", "imap", "pop3", "graph", "graph-write"}
# the connect modes that switch a mailbox to a provider's native API
NATIVE = {
    "gmail": Provider.GMAIL,
    "gmail-modify": Provider.GMAIL,
    "graph": Provider.GRAPH,
    "graph-write": Provider.GRAPH,
}
# starts a connected mailbox's watch or subscription with the access token just obtained
OnConnected = Callable[[Mailbox, str], None]
# what a refused code exchange tells the settings page: RFC 6749 §5.2 codes, Microsoft's
# consent codes, and ours for an unverified Google address; anything else is code_refused
EXCHANGE_ERRORS = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
        "interaction_required",
        "consent_required",
        "email_not_verified",
    }
)


class ConnectRecords(TenantStore, MailboxStore, AuditLog, Protocol):
    """What the connect flow reads and writes: the tenant (whose admin connects), its
    mailboxes, the audit log."""


@dataclass(frozen=True)
class AppOnlyConnection:
    mailbox: Mailbox
    push_pending: bool  # the Graph subscription could not be started yet


class ConnectFlow:
    def __init__(
        self,
        clients: Mapping[OAuthProvider, OAuthClient],
        sealer: StateSealer,
        secrets_store: SecretStore,
        state: ConnectRecords,
        clock: Clock,
        back: SettingsLink | str,
        on_connected: OnConnected | None = None,
    ) -> None:
        self._clients = dict(clients)
        self._sealer = sealer
        self._secrets = secrets_store
        self._state = state
        self._clock = clock
        # where the callback sends the admin: the settings page (with a signed notice)
        self._back = back if isinstance(back, SettingsLink) else SettingsLink(back)
        self._on_connected = on_connected  # starts the Gmail watch / Graph subscription

    def _client(self, provider: str) -> OAuthClient:
        try:
            return self._clients[OAuthProvider(provider)]
        except (ValueError, KeyError):
            raise ValidationError(f"provider {provider!r} is not configured") from None

    def start(self, tenant_id: str, mailbox_id: str, admin: str, provider: str, mode: str) -> str:
        """The provider's authorization URL to redirect the admin's browser to."""
        if mode not in MODES:
            raise ValidationError(f"mode must be one of {sorted(MODES)}")
        client = self._client(provider)
        tenant = admin_tenant(self._state, tenant_id, admin)  # the settings page's rule
        mailbox = self._state.get_mailbox(tenant.id, MailboxId(mailbox_id))
        if mode in ("gmail", "graph") and mailbox.after_processing is not AfterProcessing.LEAVE:
            # marking read, labelling or moving needs gmail.modify / Mail.ReadWrite
            mode = {"gmail": "gmail-modify", "graph": "graph-write"}[mode]
        verifier, challenge = pkce_pair()
        nonce = secrets.token_urlsafe(16)
        sealed = self._sealer.seal(
            FlowState(
                tenant_id=tenant_id,
                mailbox_id=mailbox_id,
                admin=admin,
                provider=provider,
                mode=mode,
                code_verifier=verifier,
                nonce=nonce,
            )
        )
        return client.authorization_url(
            state=sealed,
            code_challenge=challenge,
            mode=mode,
            login_hint=mailbox.address,
            nonce=nonce,
        )

    def callback(self, params: Mapping[str, str], admin: str | None) -> str:
        """Finish the flow; returns the settings-page URL to send the browser back to.
        ``admin`` is the verified identity finishing it: it must be the admin who started
        (sealed in the state) and still an admin of the tenant. Raises AuthError for no
        identity, another admin or one no longer on the tenant's list; ValidationError for a
        bad, expired or replayed state."""
        flow = self._finisher_checked(params, admin)
        if "error" in params:  # the admin declined, or the provider refused
            return self._refused(flow, params["error"][:100])
        code = params.get("code")
        if not code:
            raise ValidationError("callback without a code")
        client = self._client(flow.provider)
        try:
            grant = client.exchange_code(
                code=code, code_verifier=flow.code_verifier, mode=flow.mode, nonce=flow.nonce
            )
        except AuthError as exc:
            # the token endpoint's own reason (RFC 6749 §5.2), for the page and the operator;
            # a bare code in its own field, so the log redactor has no key=value to hide
            reason = exc.oauth_error if exc.oauth_error in EXCHANGE_ERRORS else "code_refused"
            if isinstance(exc, ClientRejected):  # our client id/secret: an operator must fix it
                logger.error("OAuth client refused by the provider", extra={"oauth_error": reason})
            else:
                logger.warning("code exchange refused", extra={"oauth_error": reason})
            return self._refused(flow, reason)
        if not grant.refresh_token:
            return self._refused(flow, "no_refresh_token")
        tid, mid = TenantId(flow.tenant_id), MailboxId(flow.mailbox_id)
        try:
            mailbox = self._state.get_mailbox(tid, mid)
        except NotFound:
            return self._refused(flow, "mailbox_gone")
        stored = self._store_grant(flow, mailbox, grant, client)
        started = flow.mode not in NATIVE or self._start_push(stored, grant.access_token)
        return self._connected(flow, stored, "" if started else "push_pending")

    def _refused(self, flow: FlowState, error: str) -> str:
        back = {"tenant": flow.tenant_id, "mailbox": flow.mailbox_id, "open": flow.mailbox_id}
        notice = outcome.refused(flow.mailbox_id, flow.provider, error)
        return self._back.to(flow.admin, {**back, "result": "error", "error": error}, notice)

    def _connected(self, flow: FlowState, stored: Mailbox, warning: str) -> str:
        grant = stored.oauth
        address = grant.connected_address if grant else stored.address
        expires = grant.access_expires_at if grant else None
        back = {"tenant": flow.tenant_id, "mailbox": flow.mailbox_id, "open": flow.mailbox_id}
        params = {**back, "result": "connected", "address": address}
        if warning:
            params["warning"] = warning
        notice = outcome.connected(flow.mailbox_id, flow.provider, address, expires, warning)
        return self._back.to(flow.admin, params, notice)

    def _finisher_checked(self, params: Mapping[str, str], admin: str | None) -> FlowState:
        if not admin:
            raise AuthError("an authenticated admin is required")
        who = admin.strip().lower()
        flow = self._sealer.open(params.get("state", ""))
        if who != flow.admin.strip().lower():
            raise AuthError("this sign-in was started by someone else")
        admin_tenant(self._state, flow.tenant_id, who)  # still an admin of it
        return flow

    def _store_grant(
        self, flow: FlowState, mailbox: Mailbox, grant: TokenGrant, client: OAuthClient
    ) -> Mailbox:
        """The refresh token as a new secret version; the grant (never a token) on the
        mailbox, switched to the provider's API for the native modes; audited."""
        if grant.refresh_token is None:  # checked by the caller
            raise ValueError("a grant without a refresh token is not stored")
        name = refresh_secret_name(flow.tenant_id, flow.mailbox_id)
        self._secrets.put_secret(name, grant.refresh_token)
        now = self._clock.now()
        address = grant.email or mailbox.address
        oauth = OAuthGrant(
            provider=OAuthProvider(flow.provider),
            connected_address=address,
            scopes=grant.scopes or client.scopes_for(flow.mode),
            access_expires_at=grant.expires_at,
            connected_at=now,
            connected_by=flow.admin,
            directory_tenant=grant.directory_tenant,
        )
        update: dict[str, object] = {
            "auth_method": AuthMethod.OAUTH2,
            "secret_ref": name,
            "oauth": oauth,
            "username": address,
            "updated_at": now,
        }
        if flow.mode in NATIVE:  # the Gmail API / Graph: no server to connect to
            update.update(provider=NATIVE[flow.mode], address=address, host=None, port=None)
        if _awaiting_first_sign_in(mailbox):  # added on the settings page to be signed in
            update["enabled"] = True
        stored = mailbox.model_copy(update=update)
        self._state.put_mailbox(stored)
        self._state.append_audit(
            AuditEntry(
                tenant_id=mailbox.tenant_id,
                actor=flow.admin,
                action="oauth.connect",
                target=mailbox.key,
                at=now,
                details={
                    "provider": flow.provider,
                    "address": address,
                    "scopes": list(oauth.scopes),
                    "mode": flow.mode,
                },
            )
        )
        return stored

    def connect_app_only(
        self, tenant_id: str, mailbox_id: str, admin: str, directory_tenant: str | None = None
    ) -> AppOnlyConnection:
        """Switch a mailbox to Microsoft Graph with an app-only grant (client credentials with
        the application permission, after the directory's admin consented). An operator
        action (CLI), not a browser callback: the directory must already be proven to belong
        to this tenant by a delegated Microsoft connect of one of its mailboxes (the ``tid``
        of an ID token from the token endpoint), so no tenant can point its mailbox at a
        directory that consented for someone else. Without ``directory_tenant``: the
        mailbox's own delegated directory, or the tenant's only proven one.

        App-only tokens are Graph tokens, so the mailbox becomes a Graph mailbox (no server,
        no stored token: the secret it used before is deleted) and its subscription is
        started; one that cannot start yet is left to the renew job (``push_pending``)."""
        tid, mid = TenantId(tenant_id), MailboxId(mailbox_id)
        mailbox = self._state.get_mailbox(tid, mid)
        directory = self._proven_directory(mailbox, directory_tenant)
        client = self._client(OAuthProvider.MICROSOFT.value)
        if not isinstance(client, AppOnlyClient):
            raise ValidationError("the Microsoft client has no app-only tokens")
        token = client.app_token(directory)  # proves the admin consent is in place
        now = self._clock.now()
        oauth = OAuthGrant(
            provider=OAuthProvider.MICROSOFT,
            connected_address=mailbox.address,
            scopes=(GRAPH_APP_SCOPE,),
            access_expires_at=token.expires_at,
            connected_at=now,
            connected_by=admin,
            app_only=True,
            directory_tenant=directory,
        )
        stored = mailbox.model_copy(
            update={
                "auth_method": AuthMethod.OAUTH2,
                "provider": Provider.GRAPH,
                "host": None,
                "port": None,
                "secret_ref": None,
                "oauth": oauth,
                "updated_at": now,
            }
        )
        self._state.put_mailbox(stored)
        details = {"provider": "microsoft", "directory_tenant": directory}
        if mailbox.provider is not Provider.GRAPH:
            details["was"] = mailbox.provider.value
        self._state.append_audit(
            AuditEntry(
                tenant_id=tid,
                actor=admin,
                action="oauth.connect_app_only",
                target=mailbox.key,
                at=now,
                details=details,
            )
        )
        # the one used before
        forget_secret(self._secrets, own_secret(mailbox.tenant_id, mailbox.id, mailbox.secret_ref))
        pending = not self._start_push(stored, token.access_token)
        return AppOnlyConnection(stored, push_pending=pending)

    def _proven_directory(self, mailbox: Mailbox, wanted: str | None) -> str:
        proven = {
            m.oauth.directory_tenant
            for m in self._state.list_mailboxes(mailbox.tenant_id)
            if m.oauth
            and m.oauth.directory_tenant
            and not m.oauth.app_only
            and m.oauth.provider is OAuthProvider.MICROSOFT
        }
        if wanted is None:
            own = mailbox.oauth.directory_tenant if mailbox.oauth else None
            wanted = own if own in proven else (min(proven) if len(proven) == 1 else None)
        if wanted is None or wanted not in proven:
            raise ValidationError(
                "connect one mailbox of that directory with Microsoft first (delegated), "
                "so the directory is known to belong to this tenant"
                + ("; then name it (--directory)" if len(proven) > 1 else "")
            )
        return wanted

    def _start_push(self, mailbox: Mailbox, access_token: str) -> bool:
        if self._on_connected is None:
            return True
        try:
            self._on_connected(mailbox, access_token)
        except MailIngestError as exc:  # the renew job starts it later
            logger.warning("push not started on connect", extra={"error": str(exc)[:200]})
            return False
        return True


def _awaiting_first_sign_in(mailbox: Mailbox) -> bool:
    """An OAuth mailbox saved turned off to be signed in (the settings page's add flow, the
    CLI's ``mailboxes add --oauth``) and never connected: nothing could run it before its
    first grant, so that grant turns it on."""
    return (
        mailbox.auth_method is AuthMethod.OAUTH2
        and not mailbox.enabled
        and mailbox.oauth is None
        and mailbox.secret_ref is None
    )
