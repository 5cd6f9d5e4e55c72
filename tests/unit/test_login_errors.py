"""Which server answers mean "the credentials were refused" (auth_error, slow retry) and which
mean "try again" (backoff): a busy server must never park a mailbox in auth_error."""

from __future__ import annotations

import pytest

from shared.adapters.imap.errors import is_temporary as _is_temporary


@pytest.mark.parametrize(
    "answer",
    [
        "[AUTHENTICATIONFAILED] Authentication failed.",  # Dovecot
        "[AUTHENTICATIONFAILED] Invalid credentials (Failure)",  # Gmail
        "AUTHENTICATE failed.",  # Outlook
        "LOGIN failed.",
    ],
)
def test_refusals_are_auth_errors(answer: str) -> None:
    assert not _is_temporary(answer)


@pytest.mark.parametrize(
    "answer",
    [
        "[UNAVAILABLE] Temporary authentication failure. [host:2026-11-24]",
        "[SERVERBUG] Internal error occurred. Refer to server log for more information.",
        "[LIMIT] Too many connections",
        "Auth request timed out",
        "Server busy, try again later",
        "",
    ],
)
def test_everything_else_is_temporary(answer: str) -> None:
    assert _is_temporary(answer)
