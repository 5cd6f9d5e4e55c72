"""Token endpoint answers recorded in the providers' documented shapes (tests/data/oauth),
replayed by a loopback server: only a dead grant asks the tenant to reconnect; a refused
client is ours to fix; nothing in an error carries a token."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailingest_dev.standins.json_http import JsonHandler
from shared.errors import AuthError, ReauthRequired, ServiceUnavailable
from shared.oauth.clients import ClientRejected, GoogleOAuthClient, classify_token_error

DATA = Path(__file__).parents[2] / "data" / "oauth"


def recorded(name: str) -> dict[str, object]:
    body: dict[str, object] = json.loads((DATA / name).read_text())
    return body


class Replay:
    def __init__(self) -> None:
        self.status = 200
        self.body: dict[str, object] = {}
        self.forms: list[str] = []
        self.url = ""
        self.delay = 0.0  # seconds before answering (a hanging endpoint)


@pytest.fixture
def replay() -> Iterator[Replay]:
    r = Replay()

    class Handler(JsonHandler):
        def do_POST(self) -> None:
            r.forms.append(json.dumps(self._form()))
            time.sleep(r.delay)
            self._json(r.status, r.body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    r.url = f"http://127.0.0.1:{server.server_address[1]}/token"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield r
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def google(replay: Replay, timeout_s: float = 15.0) -> GoogleOAuthClient:
    return GoogleOAuthClient(
        "cid.apps.googleusercontent.com",
        "GOCSPX-unit-secret",
        "https://accounts.example/auth",
        replay.url,
        "https://functions.example/oauth_callback",
        timeout_s=timeout_s,
    )


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("google_invalid_grant.json", ReauthRequired),
        ("google_invalid_client.json", ClientRejected),
        ("google_unauthorized_client.json", ClientRejected),
        ("google_invalid_request.json", AuthError),
        # transient: retried later, the grant untouched (tests/unit/oauth/test_tokens.py)
        ("google_temporarily_unavailable.json", ServiceUnavailable),
        ("google_server_error.json", ServiceUnavailable),
    ],
)
def test_google_refresh_errors(replay: Replay, payload: str, expected: type[Exception]) -> None:
    replay.status, replay.body = 400, recorded(payload)
    with pytest.raises(expected) as caught:
        google(replay).refresh("1//0g-refresh-token-value", ("https://mail.google.com/",))
    assert type(caught.value) is expected  # not a broader or narrower class
    assert "1//0g-refresh-token-value" not in str(caught.value)
    assert "GOCSPX-unit-secret" not in str(caught.value)


def test_a_google_server_error_status_is_retryable(replay: Replay) -> None:
    replay.status, replay.body = 503, recorded("google_server_error.json")
    with pytest.raises(ServiceUnavailable):
        google(replay).refresh("1//0g-refresh-token-value", ("https://mail.google.com/",))


def test_a_hanging_google_token_endpoint_is_a_bounded_retryable_failure(replay: Replay) -> None:
    """google-auth's own transport waits 120 s; a refresh runs inside a watcher's connect."""
    replay.delay, replay.body = 5.0, recorded("google_refresh_ok.json")
    # the endpoint would answer with a valid token after 5 s: only giving up first raises
    with pytest.raises(ServiceUnavailable):
        google(replay, timeout_s=0.3).refresh("1//0g-refresh", ("https://mail.google.com/",))


def test_google_refresh_success_in_the_documented_shape(replay: Replay) -> None:
    replay.body = recorded("google_refresh_ok.json")
    grant = google(replay).refresh("1//0g-refresh-token-value", ("https://mail.google.com/",))
    assert grant.access_token == replay.body["access_token"]
    assert grant.refresh_token is None  # Google did not rotate: nothing to save
    sent = json.loads(replay.forms[0])
    assert sent["grant_type"] == "refresh_token"
    assert sent["refresh_token"] == "1//0g-refresh-token-value"


@pytest.mark.parametrize(
    ("status", "payload", "expected"),
    [
        (400, "google_invalid_grant.json", ReauthRequired),  # a spent or forged code
        (401, "google_invalid_client.json", ClientRejected),
        (503, "google_invalid_request.json", ServiceUnavailable),
    ],
)
def test_google_code_exchange_errors(
    replay: Replay, status: int, payload: str, expected: type[Exception]
) -> None:
    replay.status, replay.body = status, recorded(payload)
    with pytest.raises(expected):
        google(replay).exchange_code(
            code="4/0Acode", code_verifier="v" * 50, mode="imap", nonce="n"
        )
    assert json.loads(replay.forms[0])["code_verifier"] == "v" * 50


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("microsoft_invalid_grant.json", ReauthRequired),
        ("microsoft_interaction_required.json", ReauthRequired),
        ("microsoft_invalid_client.json", ClientRejected),
    ],
)
def test_microsoft_error_codes(payload: str, expected: type[Exception]) -> None:
    error = classify_token_error("microsoft", str(recorded(payload)["error"]))
    assert type(error) is expected
