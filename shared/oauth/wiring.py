"""Composition of the OAuth pieces from ``OAuthSettings`` and the stores they use; the
composition root (``shared.bootstrap.build_oauth``) hands them the app's stores and what a
new connection starts (a Gmail watch, a Graph subscription)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from shared.domain.models import Mailbox, OAuthProvider
from shared.oauth.clients import GoogleOAuthClient, OAuthClient
from shared.oauth.config import OAuthSettings
from shared.oauth.connect import ConnectFlow, ConnectRecords
from shared.oauth.microsoft import MicrosoftOAuthClient
from shared.oauth.outcome import SettingsLink
from shared.oauth.state import StateSealer
from shared.oauth.tokens import TokenRecords, TokenService
from shared.ports import Clock, DedupeStore, SecretStore
from shared.web import flash


class OAuthRecords(ConnectRecords, TokenRecords, DedupeStore, Protocol):
    """What the OAuth pieces keep together: the connect flow's and the token service's
    records, and the claims that make a sealed ``state`` good for one use."""


@dataclass
class OAuthParts:
    flow: ConnectFlow
    tokens: TokenService
    settings: OAuthSettings


def oauth_clients(settings: OAuthSettings) -> dict[OAuthProvider, OAuthClient]:
    clients: dict[OAuthProvider, OAuthClient] = {}
    if settings.google_client_id and settings.google_client_secret:
        clients[OAuthProvider.GOOGLE] = GoogleOAuthClient(
            settings.google_client_id,
            settings.google_client_secret,
            settings.google_auth_uri,
            settings.google_token_uri,
            settings.redirect_uri,
        )
    if settings.microsoft_client_id and settings.microsoft_client_secret:
        clients[OAuthProvider.MICROSOFT] = MicrosoftOAuthClient(
            settings.microsoft_client_id,
            settings.microsoft_client_secret,
            settings.microsoft_authority,
            settings.redirect_uri,
            verify=settings.tls_ca_file or True,
        )
    return clients


# after a Gmail API / Graph connect, with the access token the connect just obtained: the
# watch or the subscription (the page finishing a connect never reads a stored token)
StartPush = Callable[[Mailbox, str], None]


def compose_oauth(
    settings: OAuthSettings,
    state: OAuthRecords,
    secrets: SecretStore,
    clock: Clock,
    start_push: StartPush,
) -> OAuthParts:
    clients = oauth_clients(settings)
    sealer = StateSealer(settings.state_key, settings.state_ttl_s, clock, state)
    tokens = TokenService(clients, secrets, state, clock)

    def notice(admin: str, tenant_id: str, text: str) -> str:
        """Signed as the settings page signs its own notices (same key: its CSRF key)."""
        key = settings.state_key.strip().encode()
        return flash.sign(key, admin, tenant_id, text, clock.now().timestamp())

    flow = ConnectFlow(
        clients,
        sealer,
        secrets,
        state,
        clock,
        SettingsLink(settings.settings_url, notice),
        on_connected=start_push,
    )
    return OAuthParts(flow=flow, tokens=tokens, settings=settings)
