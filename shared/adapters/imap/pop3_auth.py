"""POP3 logins: ``USER`` / ``PASS`` (RFC 1939) with a password, SASL ``AUTH`` (RFC 5034) with
an OAuth access token — the only way into Microsoft 365 over POP3 (basic authentication is off
in Exchange Online) and the way Google recommends.

The exchange both providers document (Google:
https://developers.google.com/gmail/imap/xoauth2-protocol; Microsoft:
https://learn.microsoft.com/exchange/client-developer/legacy-protocols/
how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth)::

    C: AUTH XOAUTH2
    S: +
    C: base64("user=" user "\\x01auth=Bearer " token "\\x01\\x01")
    S: +OK ...                      (or a "+ " challenge carrying a base64 JSON error,
                                     answered with an empty line, then "-ERR ...")

OAUTHBEARER (RFC 7628) sends ``n,a=user,\\x01auth=Bearer token\\x01\\x01`` the same way. The
token never appears in an error: what the server answers is quoted, not what was sent."""

from __future__ import annotations

import base64
import poplib
from typing import Any

from shared.ports import LoginCredentials


def sasl_response(credentials: LoginCredentials) -> bytes:
    """The client's response for XOAUTH2 or OAUTHBEARER (the same bytes IMAP sends)."""
    user, token = credentials.username, credentials.secret
    if credentials.mechanism == "oauthbearer":
        return f"n,a={user},\x01auth=Bearer {token}\x01\x01".encode()
    return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()


def pop3_login(conn: poplib.POP3, credentials: LoginCredentials) -> None:
    """Log in; a refusal raises ``poplib.error_proto`` with the server's words (mapped by the
    caller: ``[AUTH]`` and the like are a refused grant, ``[SYS/TEMP]`` an outage)."""
    if credentials.mechanism == "password":
        conn.user(credentials.username)
        conn.pass_(credentials.secret)
        return
    # poplib has no AUTH; its line-level calls are not in typeshed
    raw: Any = conn
    raw._shortcmd(f"AUTH {credentials.mechanism.upper()}")  # "+" asks for the response
    answer: bytes = raw._shortcmd(base64.b64encode(sasl_response(credentials)).decode())
    if answer.startswith(b"+OK"):
        return
    # a "+ <challenge>": the failure's details; RFC 7628 §3.2.3 / Google: answer it with an
    # empty response, the server then ends the exchange with -ERR (raised by poplib)
    raw._shortcmd("")
    raise poplib.error_proto(b"-ERR [AUTH] the server did not accept the OAuth token")
