"""`mailingest health` and the settings page answer when the store does not: a Firestore that
accepts connections and never answers (a black hole on loopback) gets "store unreachable"
(the CLI: exit code 3) in about HEALTH_ANSWER_S / PAGE_ANSWER_S, not a hang (the Firestore
client alone would wait out its retries)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.cli.health_cmds import HEALTH_ANSWER_S
from shared.web.settings_routes import PAGE_ANSWER_S
from tests.fakes.black_hole import black_hole
from tests.fakes.iap import IapStandIn
from tests.integration.settings_fixtures import ACME, OAUTH_START, SOURCE, settings_env


@pytest.fixture
def silent_store() -> Iterator[str]:
    with black_hole() as address:
        yield address


def test_health_says_the_store_is_unreachable_instead_of_hanging(silent_store: str) -> None:
    env = {
        **os.environ,
        "GOOGLE_CLOUD_PROJECT": "demo-test",
        "FIRESTORE_EMULATOR_HOST": silent_store,
        "MAILINGEST_STATE_BACKEND": "firestore",
        "MAILINGEST_EVENTS_BACKEND": "memory",
        "MAILINGEST_SECRETS_BACKEND": "memory",
        "MAILINGEST_BLOBS_BACKEND": "memory",
    }
    done = subprocess.run(
        [sys.executable, "-m", "shared.cli.main", "health"],
        env=env,
        capture_output=True,
        text=True,
        timeout=HEALTH_ANSWER_S + 15,  # the client alone took 19 s and more
        check=False,
    )
    assert done.returncode == 3, done.stderr[-500:]
    assert "store unreachable" in done.stderr


def test_the_page_says_the_store_is_unreachable_instead_of_hanging(
    silent_store: str, iap: IapStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The settings page (and its own refresh, as JSON) answers "store unreachable" within
    PAGE_ANSWER_S — the store's client alone would answer "temporarily unavailable" only after
    its whole retry budget."""
    from functions_framework import create_app

    import functions.settings.main as settings_main

    env = {
        **settings_env(tmp_path),
        "GOOGLE_CLOUD_PROJECT": "demo-test",
        "FIRESTORE_EMULATOR_HOST": silent_store,
        "MAILINGEST_BLOBS_BACKEND": "memory",
        "MAILINGEST_OAUTH_START_URL": OAUTH_START,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings_main.page.reset()
    settings_main.identity.reset()
    try:
        http = create_app("settings", SOURCE).test_client()
        page = http.get("/?tenant=acme", headers=iap.headers(ACME))
        assert (page.status_code, page.headers["Retry-After"]) == (503, "5")
        assert "<h1>Store unreachable</h1>" in page.text
        assert f"did not answer within {PAGE_ANSWER_S:g} s" in page.text
        refresh = http.get("/?tenant=acme&format=json", headers=iap.headers(ACME))
        assert refresh.status_code == 503
        assert refresh.get_json()["error"] == "store unreachable"
    finally:
        settings_main.page.reset()
        settings_main.identity.reset()
