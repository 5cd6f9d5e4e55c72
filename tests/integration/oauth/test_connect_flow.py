"""The connect flow driven through the functions' HTTP interface, against a local Google."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from functions_framework import create_app

from shared.domain.models import AuthMethod, MailboxState, OAuthProvider
from shared.ids import MailboxId, TenantId
from tests.integration.oauth.conftest import REDIRECT, SETTINGS_URL, OAuthEnv

pytestmark = pytest.mark.integration
SOURCE = "functions/oauth/main.py"


def start(
    env: OAuthEnv, query: str = "tenant=acme&mailbox=booking&provider=google&mode=imap"
) -> Any:
    client = create_app("oauth_start", SOURCE).test_client()
    return client.get(f"/?{query}", headers=env.admin())


def callback(env: OAuthEnv, **params: str) -> Any:
    """The admin who started finishes (IAP-signed identity)."""
    client = create_app("oauth_callback", SOURCE).test_client()
    return client.get("/", query_string=params, headers=env.admin())


def authorize(env: OAuthEnv) -> tuple[str, str]:
    """Start, then play the consent screen: returns (state, code)."""
    response = start(env)
    assert response.status_code == 302
    url = urlparse(response.headers["Location"])
    q = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert url.geturl().startswith(f"{env.google.base_url}/auth?")
    assert q["code_challenge_method"] == "S256"
    assert q["access_type"] == "offline"
    assert q["prompt"] == "consent"
    assert q["redirect_uri"] == REDIRECT
    assert "https://mail.google.com/" in q["scope"].split()
    assert q["login_hint"] == "booking@acme.example"
    assert len(q["nonce"]) >= 16
    return q["state"], env.google.consent(q["code_challenge"], "booking@acme.example", q["nonce"])


def test_full_connect_flow_stores_the_token_as_a_secret_and_records_the_grant(
    oauth_env: OAuthEnv, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    state, code = authorize(oauth_env)
    response = callback(oauth_env, state=state, code=code)
    assert response.status_code == 302
    back = urlparse(response.headers["Location"])
    assert back.geturl().startswith(SETTINGS_URL)
    assert parse_qs(back.query)["result"] == ["connected"]
    mailbox = oauth_env.app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert mailbox.auth_method is AuthMethod.OAUTH2
    assert mailbox.oauth is not None
    assert mailbox.oauth.provider is OAuthProvider.GOOGLE
    assert mailbox.oauth.connected_address == "booking@acme.example"
    assert mailbox.oauth.connected_by == "admin@acme.example"
    assert mailbox.oauth.access_expires_at is not None
    (refresh,) = oauth_env.google.refresh_tokens
    assert oauth_env.app.secrets.get_secret(mailbox.secret_ref) == refresh
    assert refresh not in mailbox.model_dump_json()
    audit = oauth_env.app.state.list_audit(TenantId("acme"))
    assert audit[0].action == "oauth.connect"
    for token in [refresh, *oauth_env.google.access_tokens, code]:
        assert token not in caplog.text


def test_a_replayed_state_or_code_is_refused(oauth_env: OAuthEnv) -> None:
    state, code = authorize(oauth_env)
    assert callback(oauth_env, state=state, code=code).status_code == 302
    assert callback(oauth_env, state=state, code=code).status_code == 400  # state used once
    state2, _ = authorize(oauth_env)
    replay = callback(oauth_env, state=state2, code=code)  # the code was spent
    # the spent code is the provider's invalid_grant, told as such
    assert parse_qs(urlparse(replay.headers["Location"]).query)["error"] == ["invalid_grant"]


def test_a_state_is_finished_only_by_the_admin_who_started_it(oauth_env: OAuthEnv) -> None:
    state, code = authorize(oauth_env)
    client = create_app("oauth_callback", SOURCE).test_client()
    other = oauth_env.admin("mallory@acme.example")
    response = client.get("/", query_string={"state": state, "code": code}, headers=other)
    assert response.status_code == 403
    mailbox = oauth_env.app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert mailbox.oauth is None


def test_a_callback_without_a_verified_identity_is_refused(oauth_env: OAuthEnv) -> None:
    state, code = authorize(oauth_env)
    client = create_app("oauth_callback", SOURCE).test_client()
    for headers in (
        {},  # nobody
        {"X-Goog-Authenticated-User-Email": "accounts.google.com:admin@acme.example"},  # unsigned
    ):
        response = client.get("/", query_string={"state": state, "code": code}, headers=headers)
        assert response.status_code == 403
    assert oauth_env.google.requests == []  # the code was never exchanged
    mailbox = oauth_env.app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert mailbox.oauth is None


def test_an_admin_removed_from_the_tenant_cannot_finish(oauth_env: OAuthEnv) -> None:
    state, code = authorize(oauth_env)
    tenant = oauth_env.app.state.get_tenant(TenantId("acme"))
    oauth_env.app.state.put_tenant(tenant.model_copy(update={"admins": ("new@acme.example",)}))
    response = callback(oauth_env, state=state, code=code)
    assert response.status_code == 403
    assert oauth_env.google.requests == []
    mailbox = oauth_env.app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert mailbox.oauth is None


def test_a_declined_consent_goes_back_with_the_error(oauth_env: OAuthEnv) -> None:
    state, _ = authorize(oauth_env)
    response = callback(oauth_env, state=state, error="access_denied")
    back = parse_qs(urlparse(response.headers["Location"]).query)
    assert back["result"] == ["error"]
    assert back["error"] == ["access_denied"]
    assert oauth_env.google.requests == []  # no token request without a code


def test_a_forged_or_expired_state_is_refused(oauth_env: OAuthEnv) -> None:
    assert callback(oauth_env, state="forged", code="x").status_code == 400
    state, code = authorize(oauth_env)
    tampered = state[:-4] + ("AAAA" if not state.endswith("AAAA") else "BBBB")
    assert callback(oauth_env, state=tampered, code=code).status_code == 400


def test_start_needs_an_authenticated_admin_and_a_known_mailbox(oauth_env: OAuthEnv) -> None:
    client = create_app("oauth_start", SOURCE).test_client()
    assert client.get("/?tenant=acme&mailbox=booking&provider=google&mode=imap").status_code == 403
    other = oauth_env.admin("admin@other.example")
    query = "/?tenant=acme&mailbox=booking&provider=google&mode=imap"
    assert client.get(query, headers=other).status_code == 403  # not this tenant's admin
    absent = query.replace("tenant=acme", "tenant=no-such-agency")
    assert client.get(absent, headers=other).status_code == 403  # alike: no enumeration
    assert start(oauth_env, "tenant=acme&mailbox=nope&provider=google&mode=imap").status_code == 404
    assert (
        start(oauth_env, "tenant=acme&mailbox=booking&provider=yahoo&mode=imap").status_code == 400
    )


def test_refresh_rotation_revocation_and_no_retry_storm(
    oauth_env: OAuthEnv, caplog: pytest.LogCaptureFixture
) -> None:
    import threading

    caplog.set_level(logging.DEBUG)

    from shared.bootstrap import build_oauth
    from shared.errors import AuthError
    from shared.oauth.config import OAuthSettings

    state, code = authorize(oauth_env)
    callback(oauth_env, state=state, code=code)
    tokens = build_oauth(oauth_env.app, OAuthSettings.from_env()).tokens
    mailbox = oauth_env.app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    (refresh,) = oauth_env.google.refresh_tokens
    oauth_env.google.rotate = True
    before = len(oauth_env.google.requests)
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(tokens.access_token(mailbox)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(set(results)) == 1  # one shared refresh
    assert len(oauth_env.google.requests) - before == 1
    (rotated,) = oauth_env.google.refresh_tokens
    assert oauth_env.app.secrets.get_secret(mailbox.secret_ref) == rotated  # saved
    oauth_env.google.revoke_all()
    tokens.invalidate(mailbox)
    with pytest.raises(AuthError):
        tokens.access_token(mailbox)
    calls = len(oauth_env.google.requests)
    with pytest.raises(AuthError):
        tokens.access_token(mailbox)
    assert len(oauth_env.google.requests) == calls  # no second call to the provider
    health = oauth_env.app.state.get_health(
        TenantId("acme"), MailboxId("booking"), oauth_env.app.clock.now()
    )
    assert health.state is MailboxState.REAUTH_REQUIRED
    assert oauth_env.app.state.list_audit(TenantId("acme"))[0].action == "oauth.reauth_required"
    for token in [refresh, rotated, *results]:
        assert token not in caplog.text
    assert "OAuth grant revoked: reconnect needed" in caplog.text  # what the alert matches


def _start_google(env: OAuthEnv) -> dict[str, str]:
    response = start(env)
    assert response.status_code == 302
    return {k: v[0] for k, v in parse_qs(urlparse(response.headers["Location"]).query).items()}


def test_a_refused_client_is_told_precisely_and_logged_unredacted(
    oauth_env: OAuthEnv, capsys: pytest.CaptureFixture[str]
) -> None:
    from shared.observability import configure_logging

    configure_logging("INFO")
    try:
        state, code = authorize(oauth_env)
        oauth_env.google.client_secret = "rotated-at-google"
        response = callback(oauth_env, state=state, code=code)
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "_mailingest", False)]:
            root.removeHandler(handler)
    assert parse_qs(urlparse(response.headers["Location"]).query)["error"] == ["invalid_client"]
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    refused = [e for e in logged if e["message"] == "OAuth client refused by the provider"]
    assert refused
    assert refused[0]["oauth_error"] == "invalid_client"  # the cause, not ***


def test_a_google_answer_with_another_nonce_is_a_400(oauth_env: OAuthEnv) -> None:
    q = _start_google(oauth_env)
    code = oauth_env.google.consent(q["code_challenge"], "booking@acme.example", "other-nonce")
    response = callback(oauth_env, state=q["state"], code=code)
    assert response.status_code == 400
    assert "does not belong to this sign-in" in response.text
    mailbox = oauth_env.app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert mailbox.oauth is None


def test_a_google_account_with_an_unverified_address_is_refused(oauth_env: OAuthEnv) -> None:
    q = _start_google(oauth_env)
    code = oauth_env.google.consent(
        q["code_challenge"], "booking@acme.example", q["nonce"], email_verified=False
    )
    response = callback(oauth_env, state=q["state"], code=code)
    assert response.status_code == 302
    assert parse_qs(urlparse(response.headers["Location"]).query)["error"] == ["email_not_verified"]
    mailbox = oauth_env.app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert mailbox.oauth is None


def test_gmail_api_mode_switches_the_mailbox_to_gmail_and_starts_the_watch(
    oauth_env: OAuthEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mailingest_dev.standins.gmail_api import running_gmail
    from shared.domain.models import Provider

    with running_gmail() as gmail:
        gmail.authorize = lambda token: oauth_env.google.access_tokens.get(token)
        gmail.add_account("booking@acme.example", "unused-static-token")
        monkeypatch.setenv("MAILINGEST_GMAIL_API_ENDPOINT", gmail.base_url)
        monkeypatch.setenv("MAILINGEST_GMAIL_TOPIC", "projects/demo-test/topics/gmail-push")
        response = start(oauth_env, "tenant=acme&mailbox=booking&provider=google&mode=gmail")
        assert response.status_code == 302
        q = {k: v[0] for k, v in parse_qs(urlparse(response.headers["Location"]).query).items()}
        scopes = q["scope"].split()
        # the narrowest scope that works: read-only, since the mailbox leaves mail as it is
        assert "https://www.googleapis.com/auth/gmail.readonly" in scopes
        assert "https://mail.google.com/" not in scopes
        code = oauth_env.google.consent(q["code_challenge"], "booking@acme.example", q["nonce"])
        back = callback(oauth_env, state=q["state"], code=code)
        params = parse_qs(urlparse(back.headers["Location"]).query)
        assert params["result"] == ["connected"]
        assert "warning" not in params
        mailbox = oauth_env.app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
        assert (mailbox.provider, mailbox.host) == (Provider.GMAIL, None)
        watch = gmail.accounts["booking@acme.example"].watch
        assert watch is not None
        assert watch["topicName"] == "projects/demo-test/topics/gmail-push"
        assert watch["labelIds"] == ["INBOX"]
        cursor = oauth_env.app.state.get_cursor(TenantId("acme"), MailboxId("booking"))
        assert cursor.value["history_id"] == str(gmail.accounts["booking@acme.example"].history_id)


def test_a_pop3_mailbox_added_to_be_signed_in_is_turned_on_by_its_first_sign_in(
    oauth_env: OAuthEnv,
) -> None:
    """``mailboxes add --oauth`` (and the page) save an OAuth POP3 mailbox turned off, with no
    grant: the sign-in gives it one and turns it on, on the same server."""
    from shared.domain.models import Mailbox, Provider, TlsMode

    app = oauth_env.app
    app.admin.add_awaiting_sign_in(
        Mailbox(
            tenant_id=TenantId("acme"),
            id=MailboxId("pop"),
            provider=Provider.POP3,
            address="booking@acme.example",
            host="pop.gmail.com",
            tls=TlsMode.TLS,
            auth_method=AuthMethod.OAUTH2,
        ),
        actor="cli:ops",
    )
    waiting = app.state.get_mailbox(TenantId("acme"), MailboxId("pop"))
    assert (waiting.enabled, waiting.oauth, waiting.secret_ref) == (False, None, None)
    response = start(oauth_env, "tenant=acme&mailbox=pop&provider=google&mode=pop3")
    assert response.status_code == 302
    q = {k: v[0] for k, v in parse_qs(urlparse(response.headers["Location"]).query).items()}
    code = oauth_env.google.consent(q["code_challenge"], "booking@acme.example", q["nonce"])
    assert callback(oauth_env, state=q["state"], code=code).status_code == 302
    connected = app.state.get_mailbox(TenantId("acme"), MailboxId("pop"))
    assert connected.enabled
    assert connected.oauth is not None
    assert (connected.provider, connected.host) == (Provider.POP3, "pop.gmail.com")
