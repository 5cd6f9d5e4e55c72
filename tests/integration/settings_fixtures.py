"""The settings page's test scaffolding, one copy for the HTTP tests (tests/integration/
test_settings_*.py, through the ``client`` fixture in tests/integration/conftest.py) and the
browser tests (tests/browser/): the backends and keys the function runs with, the two tenants
every test starts with, and the form token a page carries.

    settings_env(tmp)       state on Firestore, events in memory, secrets in a Fernet file
                            under ``tmp``, fresh Fernet keys (secrets, OAuth state)
    app_with_tenants()      the app built from the environment, with tenants acme (admin
                            ACME) and globex (admin GLOBEX)
    settings_client(tmp)    the settings function's Flask test client and that app, the
                            function's cached parts dropped before and after
    csrf(html)              the page's form token
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet

if TYPE_CHECKING:
    from shared.bootstrap import App

SOURCE = "functions/settings/main.py"
ACME = "ops@acme.example"
GLOBEX = "boss@globex.example"
OAUTH_START = "https://fn.example/oauth_start"  # never called: the page only links to it
_TENANTS = (("acme", "Acme Travel", ACME), ("globex", "Globex", GLOBEX))


def settings_env(tmp: Path) -> dict[str, str]:
    """What every settings test runs the function with (blobs are the caller's choice)."""
    return {
        "MAILINGEST_STATE_BACKEND": "firestore",
        "MAILINGEST_EVENTS_BACKEND": "memory",
        "MAILINGEST_SECRETS_BACKEND": "file",
        "MAILINGEST_SECRETS_FILE": str(tmp / "secrets.enc"),
        "MAILINGEST_SECRETS_KEY": Fernet.generate_key().decode(),
        "MAILINGEST_OAUTH_STATE_KEY": Fernet.generate_key().decode(),
        # an unreachable server answers after this: short here, the same for every failure
        "MAILINGEST_CONNECTION_TEST_TIMEOUT_S": "1",
    }


def app_with_tenants() -> App:
    """The app of this process's environment, with the tenants acme and globex."""
    from shared.bootstrap import build_app

    app = build_app()
    for tenant_id, name, admin in _TENANTS:
        app.admin.add_tenant(tenant_id, name, actor="t", admins=(admin,))
    return app


@contextmanager
def settings_client(tmp: Path) -> Iterator[tuple[Any, App]]:
    """The settings function in this process (Flask's test client) on the Firestore emulator
    and the app beside it; blobs in a directory both share (a correction reads the raw
    message the tests' pipeline kept)."""
    from functions_framework import create_app

    import functions.settings.main as settings_main

    os.environ.update(
        {
            **settings_env(tmp),
            "MAILINGEST_BLOBS_BACKEND": "local",
            "MAILINGEST_BLOB_DIR": str(tmp / "blobs"),
            "MAILINGEST_OAUTH_START_URL": OAUTH_START,
        }
    )
    settings_main.page.reset()
    settings_main.identity.reset()
    try:
        app = app_with_tenants()
        yield create_app("settings", SOURCE).test_client(), app
    finally:
        settings_main.page.reset()
        settings_main.identity.reset()


def csrf(html: str) -> str:
    match = re.search(r'name="csrf(?:-token)?" (?:value|content)="([0-9]+\.[0-9a-f]+)"', html)
    assert match
    return match.group(1)
