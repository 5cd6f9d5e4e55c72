"""Composition of the OAuth pieces from the app and ``OAuthSettings``."""

from __future__ import annotations

from dataclasses import dataclass

from shared.bootstrap import App, build_gmail_sync, build_graph_sync
from shared.domain.models import Mailbox, OAuthProvider, Provider
from shared.oauth.clients import GoogleOAuthClient, OAuthClient
from shared.oauth.config import OAuthSettings
from shared.oauth.connect import ConnectFlow
from shared.oauth.microsoft import MicrosoftOAuthClient
from shared.oauth.outcome import SettingsLink
from shared.oauth.state import StateSealer
from shared.oauth.tokens import TokenService
from shared.web import flash


@dataclass
class OAuthParts:
    flow: ConnectFlow
    tokens: TokenService


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


def build_oauth(app: App, settings: OAuthSettings) -> OAuthParts:
    clients = oauth_clients(settings)
    sealer = StateSealer(settings.state_key, settings.state_ttl_s, app.clock, app.state)
    tokens = TokenService(clients, app.secrets, app.state, app.clock)

    def start_push(mailbox: Mailbox) -> None:
        """After a Gmail API / Graph connect: the watch or the subscription."""
        if mailbox.provider is Provider.GMAIL:
            build_gmail_sync(app, tokens.access_token).start_watch(mailbox)
        elif mailbox.provider is Provider.GRAPH:
            build_graph_sync(app, tokens.access_token).connect(mailbox)

    def notice(admin: str, tenant_id: str, text: str) -> str:
        """Signed as the settings page signs its own notices (same key: its CSRF key)."""
        key = settings.state_key.strip().encode()
        return flash.sign(key, admin, tenant_id, text, app.clock.now().timestamp())

    flow = ConnectFlow(
        clients,
        sealer,
        app.secrets,
        app.state,
        app.clock,
        SettingsLink(settings.settings_url, notice),
        on_connected=start_push,
    )
    return OAuthParts(flow=flow, tokens=tokens)
