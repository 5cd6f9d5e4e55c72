"""One Gmail stand-in account for the unit tests of the stand-in and the adapter: a token
with the full scope and one with ``gmail.readonly``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mailingest_dev.standins.gmail_api import READ_ONLY, GmailStandIn, running_gmail

EMAIL = "booking@agency.example"
TOKEN = "ya29.standin-full"
READ_TOKEN = "ya29.standin-readonly"


@pytest.fixture
def gmail() -> Iterator[GmailStandIn]:
    with running_gmail() as standin:
        standin.add_account(EMAIL, TOKEN)
        standin.add_account(EMAIL, READ_TOKEN, scopes=(READ_ONLY,))
        yield standin
