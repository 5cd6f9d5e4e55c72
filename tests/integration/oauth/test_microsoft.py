"""Microsoft through MSAL, unchanged, against a local HTTPS identity endpoint."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from mailingest_dev.standins.microsoft_identity import microsoft_stand_in
from shared.errors import ReauthRequired
from shared.oauth.clients import OUTLOOK_IMAP_SCOPE
from shared.oauth.microsoft import MicrosoftOAuthClient
from shared.oauth.state import pkce_pair

REDIRECT = "https://functions.example/oauth_callback"


def test_auth_code_flow_refresh_rotation_revocation_and_app_only(tmp_path: Path) -> None:
    with microsoft_stand_in(tmp_path) as ms:
        client = MicrosoftOAuthClient(
            ms.client_id, ms.client_secret, ms.authority, REDIRECT, verify=str(ms.ca_file)
        )
        verifier, challenge = pkce_pair()
        url = urlparse(
            client.authorization_url(
                state="sealed-state",
                code_challenge=challenge,
                mode="imap",
                login_hint="b@contoso.example",
                nonce="n-123",
            )
        )
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        assert url.path == f"/{ms.tenant}/oauth2/v2.0/authorize"
        assert q["state"] == "sealed-state"
        assert q["code_challenge_method"] == "S256"
        assert q["code_challenge"] == challenge
        assert OUTLOOK_IMAP_SCOPE in q["scope"].split()
        assert "offline_access" in q["scope"].split()  # added by MSAL
        code = ms.consent(challenge, "booking@contoso.example", q["nonce"])
        grant = client.exchange_code(code=code, code_verifier=verifier, mode="imap", nonce="n-123")
        assert grant.email == "booking@contoso.example"
        assert grant.refresh_token in ms.refresh_tokens
        with pytest.raises(ReauthRequired):  # a code works once
            client.exchange_code(code=code, code_verifier=verifier, mode="imap", nonce="n-123")
        assert grant.refresh_token is not None
        refreshed = client.refresh(grant.refresh_token, (OUTLOOK_IMAP_SCOPE,))
        assert refreshed.refresh_token is not None
        assert refreshed.refresh_token != grant.refresh_token  # rotated: the caller saves it
        with pytest.raises(ReauthRequired):  # the old one is spent
            client.refresh(grant.refresh_token, (OUTLOOK_IMAP_SCOPE,))
        assert client.app_token().access_token.startswith("app.")
        assert "client_credentials" in ms.requests
