"""XOAUTH2 and OAUTHBEARER logins with tokens from the token service, proven against a real
IMAP and POP3 server: Dovecot's oauth2 passdb asks the local Google stand-in to introspect
them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from mailingest_dev.devstack import start_dovecot
from shared.adapters.imap import ConnectOptions, connect_imap, connect_pop3
from shared.bootstrap import build_oauth
from shared.domain.models import Mailbox, MailboxState, Provider, TlsMode
from shared.errors import AuthError
from shared.ids import MailboxId, TenantId
from shared.oauth.config import OAuthSettings
from shared.oauth.tokens import OAuthCredentialProvider
from tests.integration.oauth.conftest import OAuthEnv
from tests.integration.oauth.test_connect_flow import authorize, callback

pytestmark = pytest.mark.integration


@contextmanager
def connected(
    oauth_env: OAuthEnv, tmp_path: Path, mechanism: str, provider: Provider
) -> Iterator[tuple[Mailbox, OAuthCredentialProvider, ConnectOptions]]:
    """Dovecot whose oauth2 passdb asks the Google stand-in, and the acme/booking mailbox
    connected through the OAuth flow, pointed at it over ``provider``'s protocol."""
    dovecot = start_dovecot(
        tmp_path / "dovecot", oauth2_introspection_url=f"{oauth_env.google.base_url}/introspect"
    )
    try:
        state, code = authorize(oauth_env)
        callback(oauth_env, state=state, code=code)
        app = oauth_env.app
        mailbox = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
        port = dovecot.pop3_port if provider is Provider.POP3 else dovecot.imap_port
        mailbox = mailbox.model_copy(
            update={"provider": provider, "host": "127.0.0.1", "port": port, "tls": TlsMode.PLAIN}
        )
        tokens = build_oauth(app, OAuthSettings.from_env()).tokens
        credentials = OAuthCredentialProvider(tokens, mechanism=mechanism)
        yield mailbox, credentials, ConnectOptions(allow_private_hosts=True, timeout_s=10)
    finally:
        dovecot.close()


def refused_from_now_on(
    oauth_env: OAuthEnv, mailbox: Mailbox, provider: OAuthCredentialProvider
) -> None:
    """Once the server refused the token, the grant is dead: no new token, reauth_required."""
    provider.invalidate(mailbox)
    with pytest.raises(AuthError):
        provider.credentials_for(mailbox)
    app = oauth_env.app
    health = app.state.get_health(mailbox.tenant_id, mailbox.id, app.clock.now())
    assert health.state is MailboxState.REAUTH_REQUIRED


@pytest.mark.parametrize("mechanism", ["xoauth2", "oauthbearer"])
def test_oauth_logins_against_dovecot(oauth_env: OAuthEnv, tmp_path: Path, mechanism: str) -> None:
    with connected(oauth_env, tmp_path, mechanism, Provider.IMAP) as (mailbox, provider, options):
        creds = provider.credentials_for(mailbox)
        assert creds.mechanism == mechanism
        client = connect_imap(mailbox, creds, options)
        try:
            assert client.select_folder("INBOX")[b"EXISTS"] == 0
        finally:
            client.logout()
        # revoked at the provider: the server refuses the token — an auth error, not an outage
        oauth_env.google.revoke_all()
        with pytest.raises(AuthError):
            connect_imap(mailbox, creds, options)
        refused_from_now_on(oauth_env, mailbox, provider)


@pytest.mark.parametrize("mechanism", ["xoauth2", "oauthbearer"])
def test_pop3_oauth_logins_against_dovecot(
    oauth_env: OAuthEnv, tmp_path: Path, mechanism: str
) -> None:
    """POP3 with SASL AUTH (RFC 5034) and the same token service as IMAP: a POP3 mailbox
    connected through OAuth logs in with its token, and a revoked grant is an auth error (then
    reauth_required), as for IMAP."""
    with connected(oauth_env, tmp_path, mechanism, Provider.POP3) as (mailbox, provider, options):
        creds = provider.credentials_for(mailbox)
        conn = connect_pop3(mailbox, creds, options)
        try:
            assert conn.stat() == (0, 0)
        finally:
            conn.quit()
        oauth_env.google.revoke_all()
        with pytest.raises(AuthError, match="POP3 login refused"):
            connect_pop3(mailbox, creds, options)
        refused_from_now_on(oauth_env, mailbox, provider)
