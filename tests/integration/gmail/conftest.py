"""The ``gmail`` fixture of the Gmail scenarios (tests/integration/gmail/gmail_parts.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.gmail.gmail_parts import Gmail, gmail_parts


@pytest.fixture
def gmail(firestore_client: Any, pubsub_emulator: str, tmp_path: Path) -> Iterator[Gmail]:
    with gmail_parts(tmp_path) as parts:
        yield parts
