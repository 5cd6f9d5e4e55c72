"""The scheduled refresh_tokens function: probes grants, flags revoked ones once, and leaves
flagged ones alone (no calls to the provider) until the tenant reconnects."""

from __future__ import annotations

import json

import pytest
from functions_framework import create_app

from shared.domain.models import MailboxState
from shared.ids import MailboxId, TenantId
from tests.integration.oauth.conftest import OAuthEnv
from tests.integration.oauth.test_connect_flow import authorize, callback

pytestmark = pytest.mark.integration


def run_job(body: dict[str, object] | None = None) -> dict[str, int]:
    client = create_app("refresh_tokens", "functions/refresh_tokens/main.py").test_client()
    response = client.post("/", json=body or {})
    assert response.status_code == 200, response.data
    counts: dict[str, int] = json.loads(response.data)
    return counts


def test_probes_grants_and_flags_a_revoked_one_once(oauth_env: OAuthEnv) -> None:
    state, code = authorize(oauth_env)
    callback(oauth_env, state=state, code=code)
    app, google = oauth_env.app, oauth_env.google
    counts = run_job()  # a regular run: this grant is probed in one run out of 36
    assert counts["refreshed"] + counts["skipped"] == 1
    before = len(google.requests)
    assert run_job({"all": True})["refreshed"] == 1
    assert google.requests[before:] == ["refresh_token"]

    google.revoke_all()
    assert run_job({"all": True})["reauth_required"] == 1
    mailbox = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert mailbox.oauth is not None
    assert mailbox.oauth.reauth_required_at is not None
    health = app.state.get_health(TenantId("acme"), MailboxId("booking"), app.clock.now())
    assert health.state is MailboxState.REAUTH_REQUIRED
    calls = len(google.requests)
    again = run_job({"all": True})  # a new process: the flag is in Firestore, not in memory
    assert again["awaiting_reconnect"] == 1
    assert again["reauth_required"] == 0
    assert len(google.requests) == calls
    actions = [a.action for a in app.state.list_audit(TenantId("acme"))]
    assert actions.count("oauth.reauth_required") == 1

    state, code = authorize(oauth_env)  # the tenant reconnects
    callback(oauth_env, state=state, code=code)
    assert run_job({"all": True})["refreshed"] == 1
