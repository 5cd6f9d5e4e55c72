"""Microsoft through the functions' HTTP interface: start → the tenant's authorize endpoint
(discovered by MSAL over HTTPS) → callback → refresh token stored; then the token service
refreshes with rotation, and app-only Graph access for the proven directory."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from functions_framework import create_app

from shared.bootstrap import build_app, build_oauth
from shared.domain.models import OAuthProvider, Provider
from shared.errors import NotFound, ServiceUnavailable, ValidationError
from shared.ids import MailboxId, TenantId
from shared.oauth.clients import OUTLOOK_IMAP_SCOPE, ClientRejected
from shared.oauth.config import OAuthSettings
from tests.integration.oauth.conftest import (
    ADMIN_EMAIL,
    REDIRECT,
    SETTINGS_URL,
    OAuthEnv,
    graph_push,
)
from tests.unit.oauth.test_token_errors import recorded

pytestmark = pytest.mark.integration
SOURCE = "functions/oauth/main.py"


def connect(env: OAuthEnv) -> str:
    """Start, consent as ops@contoso.example, call back; returns the settings-page URL."""
    start = create_app("oauth_start", SOURCE).test_client()
    response = start.get(
        "/?tenant=acme&mailbox=ops&provider=microsoft&mode=imap", headers=env.admin()
    )
    assert response.status_code == 302
    url = urlparse(response.headers["Location"])
    q = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert url.geturl().startswith(f"{env.microsoft.authority}/oauth2/v2.0/authorize?")
    assert q["code_challenge_method"] == "S256"
    assert q["redirect_uri"] == REDIRECT
    assert {OUTLOOK_IMAP_SCOPE, "offline_access"} <= set(q["scope"].split())
    code = env.microsoft.consent(q["code_challenge"], "ops@contoso.example", q["nonce"])
    back = create_app("oauth_callback", SOURCE).test_client()
    response = back.get("/", query_string={"state": q["state"], "code": code}, headers=env.admin())
    assert response.status_code == 302
    return str(response.headers["Location"])


def test_connect_refresh_rotation_and_app_only(
    oauth_env: OAuthEnv,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    app, ms = oauth_env.app, oauth_env.microsoft
    location = connect(oauth_env)
    assert location.startswith(SETTINGS_URL)
    assert parse_qs(urlparse(location).query)["result"] == ["connected"]
    mailbox = app.state.get_mailbox(TenantId("acme"), MailboxId("ops"))
    assert mailbox.oauth is not None
    assert mailbox.oauth.provider is OAuthProvider.MICROSOFT
    assert mailbox.oauth.connected_address == "ops@contoso.example"
    assert mailbox.oauth.directory_tenant == ms.tenant
    assert mailbox.secret_ref is not None
    first = app.secrets.get_secret(mailbox.secret_ref)
    assert first in ms.refresh_tokens

    parts = build_oauth(app, OAuthSettings.from_env())
    access = parts.tokens.access_token(mailbox)
    rotated = app.secrets.get_secret(mailbox.secret_ref)
    assert rotated != first
    assert rotated in ms.refresh_tokens
    assert parts.tokens.access_token(mailbox) == access  # cached: no second request
    assert ms.requests.count("refresh_token") == 1

    with pytest.raises(ValidationError):  # a directory this tenant has not proven
        parts.flow.connect_app_only("acme", "booking", ADMIN_EMAIL, "someone-elses-directory")
    with graph_push(oauth_env, tmp_path, monkeypatch) as graph:
        parts = build_oauth(build_app(), OAuthSettings.from_env())  # Graph from the env now
        done = parts.flow.connect_app_only("acme", "ops", ADMIN_EMAIL, ms.tenant)
    app_only = done.mailbox
    assert app_only.oauth is not None
    assert app_only.oauth.app_only
    # app-only tokens are Graph tokens: a Graph mailbox, subscribed, the old token deleted
    assert (app_only.provider, app_only.host, app_only.secret_ref) == (Provider.GRAPH, None, None)
    assert not done.push_pending
    assert [s.user for s in graph.subscriptions.values()] == ["ops@acme.example"]
    with pytest.raises(NotFound):
        app.secrets.get_secret(mailbox.secret_ref)
    assert parts.tokens.refresh_now(app_only) > app.clock.now()
    assert ms.requests.count("client_credentials") >= 1
    actions = [a.action for a in app.state.list_audit(TenantId("acme"))]
    assert actions[:2] == ["oauth.connect_app_only", "oauth.connect"]
    for token in [first, rotated, access]:
        assert token not in caplog.text


@pytest.mark.parametrize(
    ("payload", "status", "expected"),
    [
        ("microsoft_invalid_client.json", 401, ClientRejected),
        ("microsoft_temporarily_unavailable.json", 400, ServiceUnavailable),
    ],
)
def test_refresh_errors_that_are_not_the_tenants_leave_the_grant(
    oauth_env: OAuthEnv, payload: str, status: int, expected: type[Exception]
) -> None:
    connect(oauth_env)
    app = oauth_env.app
    mailbox = app.state.get_mailbox(TenantId("acme"), MailboxId("ops"))
    oauth_env.microsoft.next_error = (status, recorded(payload))
    tokens = build_oauth(app, OAuthSettings.from_env()).tokens
    with pytest.raises(expected):
        tokens.access_token(mailbox)
    stored = app.state.get_mailbox(TenantId("acme"), MailboxId("ops"))
    assert stored.oauth is not None
    assert stored.oauth.reauth_required_at is None
    actions = [a.action for a in app.state.list_audit(TenantId("acme"))]
    assert "oauth.reauth_required" not in actions
    if status != 400:  # MSAL itself answers a repeated identical HTTP 400 from cache for 60 s
        assert tokens.access_token(mailbox)  # the next attempt works


def test_an_id_token_with_another_nonce_is_a_400_not_a_500(oauth_env: OAuthEnv) -> None:
    start = create_app("oauth_start", SOURCE).test_client()
    headers = oauth_env.admin()
    response = start.get("/?tenant=acme&mailbox=ops&provider=microsoft&mode=imap", headers=headers)
    q = {k: v[0] for k, v in parse_qs(urlparse(response.headers["Location"]).query).items()}
    code = oauth_env.microsoft.consent(q["code_challenge"], "ops@contoso.example", "not-ours")
    back = create_app("oauth_callback", SOURCE).test_client()
    response = back.get("/", query_string={"state": q["state"], "code": code}, headers=headers)
    assert response.status_code == 400
    assert "does not belong to this sign-in" in response.text
    mailbox = oauth_env.app.state.get_mailbox(TenantId("acme"), MailboxId("ops"))
    assert mailbox.oauth is None
