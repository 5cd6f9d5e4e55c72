"""The scheduled refresh_tokens function: refreshes grants near expiry, notices revoked ones."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from functions_framework import create_app

from shared.domain.models import MailboxState
from shared.ids import MailboxId, TenantId
from tests.integration.oauth.conftest import OAuthEnv
from tests.integration.oauth.test_connect_flow import authorize, callback

pytestmark = pytest.mark.integration


def run_job() -> dict[str, int]:
    client = create_app("refresh_tokens", "functions/refresh_tokens/main.py").test_client()
    response = client.post("/")
    assert response.status_code == 200, response.data
    counts: dict[str, int] = json.loads(response.data)
    return counts


def test_refreshes_near_expiry_and_flags_revoked_grants(oauth_env: OAuthEnv) -> None:
    state, code = authorize(oauth_env)
    callback(state=state, code=code)
    assert run_job()["skipped"] == 1  # a fresh token is left alone
    app = oauth_env.app
    mailbox = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert mailbox.oauth is not None
    soon = app.clock.now() + timedelta(minutes=5)
    app.state.put_mailbox(
        mailbox.model_copy(
            update={"oauth": mailbox.oauth.model_copy(update={"access_expires_at": soon})}
        )
    )
    assert run_job()["refreshed"] == 1
    refreshed = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert refreshed.oauth is not None
    assert refreshed.oauth.access_expires_at is not None
    assert refreshed.oauth.access_expires_at > soon
    app.state.put_mailbox(
        refreshed.model_copy(
            update={"oauth": refreshed.oauth.model_copy(update={"access_expires_at": soon})}
        )
    )
    oauth_env.google.revoke_all()
    assert run_job()["reauth_required"] == 1
    health = app.state.get_health(TenantId("acme"), MailboxId("booking"), app.clock.now())
    assert health.state is MailboxState.REAUTH_REQUIRED
