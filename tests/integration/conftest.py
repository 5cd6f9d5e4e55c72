"""Fixtures of the integration tests of the settings page (tests/integration/test_settings_*.py).

client      the settings function's test client and the app beside it, on the Firestore
            emulator, with tenants acme and globex (tests/integration/settings_fixtures.py)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.settings_fixtures import settings_client

if TYPE_CHECKING:
    from shared.bootstrap import App
    from tests.fakes.iap import IapStandIn


@pytest.fixture
def client(
    firestore_client: Any,  # empties the database
    tmp_path: Path,
    iap: IapStandIn,
) -> Iterator[tuple[Any, App]]:
    with settings_client(tmp_path) as pair:
        yield pair
