"""``mailingest connect-app-only`` as an operator runs it: against the Firestore emulator, the
Microsoft identity stand-in (client credentials over HTTPS, through MSAL), the Graph
stand-in and the real ``graph_webhook`` answering the subscription handshake."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.domain.models import AuthMethod, Mailbox, Provider, TlsMode
from shared.errors import NotFound
from shared.ids import MailboxId, TenantId
from shared.secret_names import password_secret_name
from tests.integration.oauth.conftest import OAuthEnv, graph_push
from tests.integration.oauth.test_microsoft_connect import connect

pytestmark = pytest.mark.integration
ACME = TenantId("acme")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shared.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "USER": "operator"},
        check=False,
    )


def _password_mailbox(env: OAuthEnv) -> Mailbox:
    """An Exchange Online mailbox read over IMAP with a password, before app-only."""
    secret = password_secret_name("acme", "stopsale")
    env.app.secrets.put_secret(secret, "Old-Imap-Pass-1")
    mailbox = Mailbox(
        tenant_id=ACME,
        id=MailboxId("stopsale"),
        provider=Provider.IMAP,
        address="stopsale@contoso.example",
        host="outlook.office365.com",
        tls=TlsMode.TLS,
        auth_method=AuthMethod.PASSWORD,
        username="stopsale@contoso.example",
        secret_ref=secret,
    )
    env.app.state.put_mailbox(mailbox)
    return mailbox


def test_connect_app_only_switches_to_graph_subscribes_and_audits(
    oauth_env: OAuthEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, ms = oauth_env.app, oauth_env.microsoft
    before = _password_mailbox(oauth_env)
    connect(oauth_env)  # a delegated Microsoft connect proves the directory is acme's
    with graph_push(oauth_env, tmp_path, monkeypatch) as graph:
        done = cli("connect-app-only", "acme", "stopsale")
    assert done.returncode == 0, done.stderr
    assert f"directory {ms.tenant}" in done.stdout
    assert "notifications started" in done.stdout

    mailbox = app.state.get_mailbox(ACME, MailboxId("stopsale"))
    assert mailbox.oauth is not None
    assert mailbox.oauth.app_only
    assert mailbox.oauth.directory_tenant == ms.tenant
    assert mailbox.oauth.connected_address == "stopsale@contoso.example"
    assert (mailbox.provider, mailbox.host, mailbox.secret_ref) == (Provider.GRAPH, None, None)
    assert before.secret_ref is not None
    with pytest.raises(NotFound):  # the IMAP password is of no use now: gone
        app.secrets.get_secret(before.secret_ref)
    # subscribed with the app-only token, on the mailbox's own address
    assert ms.requests.count("client_credentials") >= 1
    (subscription,) = graph.subscriptions.values()
    assert subscription.user == "stopsale@contoso.example"
    cursor = app.state.get_cursor(ACME, MailboxId("stopsale"))
    assert cursor.value["subscription_id"] == subscription.id
    entry = app.state.list_audit(ACME)[0]
    assert (entry.action, entry.actor, entry.target) == (
        "oauth.connect_app_only",
        "cli:operator",
        mailbox.key,
    )
    assert entry.details == {"provider": "microsoft", "directory_tenant": ms.tenant, "was": "imap"}
    for token in [*ms.access_tokens, *ms.refresh_tokens, "Old-Imap-Pass-1"]:
        assert token not in done.stdout + done.stderr
        assert token not in mailbox.model_dump_json()


def test_an_unproven_directory_is_refused_and_changes_nothing(
    oauth_env: OAuthEnv, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    before = _password_mailbox(oauth_env)
    # no delegated Microsoft connect yet: no directory is known to be acme's
    refused = cli("connect-app-only", "acme", "stopsale")
    assert refused.returncode == 1
    assert "connect one mailbox of that directory with Microsoft first" in refused.stderr
    connect(oauth_env)
    other = cli("connect-app-only", "acme", "stopsale", "--directory", "someone-elses-directory")
    assert other.returncode == 1
    assert "connect one mailbox of that directory" in other.stderr
    assert oauth_env.app.state.get_mailbox(ACME, MailboxId("stopsale")) == before
    assert before.secret_ref is not None
    assert oauth_env.app.secrets.get_secret(before.secret_ref) == "Old-Imap-Pass-1"
    actions = [a.action for a in oauth_env.app.state.list_audit(ACME)]
    assert "oauth.connect_app_only" not in actions
    assert "client_credentials" not in oauth_env.microsoft.requests  # never asked
