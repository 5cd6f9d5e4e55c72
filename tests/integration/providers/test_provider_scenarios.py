"""Every provider scenario against every backend: the stand-ins here (``make test``), real
accounts with the ``live`` marker (``make live``). The scenarios: scenarios.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.integration.providers.backends import ProviderBackend
from tests.integration.providers.scenarios import SCENARIOS, Backend


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_provider_scenario(backend: ProviderBackend, scenario: Callable[[Backend], None]) -> None:
    scenario(backend)
