"""XOAUTH2 and OAUTHBEARER logins with tokens from the token service, proven against a real
IMAP and POP3 server: Dovecot's oauth2 passdb asks the local Google stand-in to introspect
them."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailingest_dev.devstack import start_dovecot
from shared.adapters.imap import ConnectOptions, connect_imap, connect_pop3
from shared.bootstrap import build_oauth
from shared.domain.models import MailboxState, Provider, TlsMode
from shared.errors import AuthError
from shared.ids import MailboxId, TenantId
from shared.oauth.config import OAuthSettings
from shared.oauth.tokens import OAuthCredentialProvider
from tests.integration.oauth.conftest import OAuthEnv
from tests.integration.oauth.test_connect_flow import authorize, callback

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("mechanism", ["xoauth2", "oauthbearer"])
def test_oauth_logins_against_dovecot(oauth_env: OAuthEnv, tmp_path: Path, mechanism: str) -> None:
    dovecot = start_dovecot(
        tmp_path / "dovecot", oauth2_introspection_url=f"{oauth_env.google.base_url}/introspect"
    )
    try:
        state, code = authorize(oauth_env)
        callback(oauth_env, state=state, code=code)
        app = oauth_env.app
        mailbox = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
        mailbox = mailbox.model_copy(
            update={"host": "127.0.0.1", "port": dovecot.imap_port, "tls": TlsMode.PLAIN}
        )
        tokens = build_oauth(app, OAuthSettings.from_env()).tokens
        provider = OAuthCredentialProvider(tokens, mechanism=mechanism)
        creds = provider.credentials_for(mailbox)
        assert creds.mechanism == mechanism
        client = connect_imap(
            mailbox, creds, ConnectOptions(allow_private_hosts=True, timeout_s=10)
        )
        try:
            assert client.select_folder("INBOX")[b"EXISTS"] == 0
        finally:
            client.logout()
        # revoked at the provider: the server refuses the token — an auth error, not an outage
        oauth_env.google.revoke_all()
        with pytest.raises(AuthError):
            connect_imap(mailbox, creds, ConnectOptions(allow_private_hosts=True, timeout_s=10))
        provider.invalidate(mailbox)
        with pytest.raises(AuthError):
            provider.credentials_for(mailbox)
        health = app.state.get_health(mailbox.tenant_id, mailbox.id, app.clock.now())
        assert health.state is MailboxState.REAUTH_REQUIRED
    finally:
        dovecot.close()


@pytest.mark.parametrize("mechanism", ["xoauth2", "oauthbearer"])
def test_pop3_oauth_logins_against_dovecot(
    oauth_env: OAuthEnv, tmp_path: Path, mechanism: str
) -> None:
    """POP3 with SASL AUTH (RFC 5034) and the same token service as IMAP: a POP3 mailbox
    connected through OAuth logs in with its token, and a revoked grant is an auth error (then
    reauth_required), as for IMAP."""
    dovecot = start_dovecot(
        tmp_path / "dovecot", oauth2_introspection_url=f"{oauth_env.google.base_url}/introspect"
    )
    try:
        state, code = authorize(oauth_env)
        callback(oauth_env, state=state, code=code)
        app = oauth_env.app
        mailbox = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
        mailbox = mailbox.model_copy(
            update={
                "provider": Provider.POP3,
                "host": "127.0.0.1",
                "port": dovecot.pop3_port,
                "tls": TlsMode.PLAIN,
            }
        )
        tokens = build_oauth(app, OAuthSettings.from_env()).tokens
        provider = OAuthCredentialProvider(tokens, mechanism=mechanism)
        creds = provider.credentials_for(mailbox)
        options = ConnectOptions(allow_private_hosts=True, timeout_s=10)
        conn = connect_pop3(mailbox, creds, options)
        try:
            assert conn.stat() == (0, 0)
        finally:
            conn.quit()
        oauth_env.google.revoke_all()
        with pytest.raises(AuthError, match="POP3 login refused"):
            connect_pop3(mailbox, creds, options)
        provider.invalidate(mailbox)
        with pytest.raises(AuthError):
            provider.credentials_for(mailbox)
        health = app.state.get_health(mailbox.tenant_id, mailbox.id, app.clock.now())
        assert health.state is MailboxState.REAUTH_REQUIRED
    finally:
        dovecot.close()
