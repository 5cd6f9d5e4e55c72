"""Opening authenticated IMAP and POP3 sessions for a mailbox."""

from __future__ import annotations

import contextlib
import poplib
import ssl
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient
from imapclient import exceptions as imap_exc

from shared.domain.models import LOOPBACK_HOSTS, Mailbox, TlsMode
from shared.errors import AuthError, ServiceUnavailable, ValidationError
from shared.ports import LoginCredentials


@dataclass(frozen=True)
class ConnectOptions:
    timeout_s: float = 30.0  # every socket operation (connect, read, write)
    ca_file: Path | None = None  # extra trust anchor (tests, private CAs)


def _tls_context(mailbox: Mailbox, options: ConnectOptions) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(options.ca_file) if options.ca_file else None)
    if not mailbox.verify_tls:
        if mailbox.host not in LOOPBACK_HOSTS:
            # settings risk table: verification may be skipped only in development
            raise ValidationError("certificate verification can be skipped only for loopback")
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


_TEMPORARY = (
    "[UNAVAILABLE]",
    "TEMPORARY",
    "[INUSE]",
    "[SERVERBUG]",
    "[LIMIT]",
    "TIMED OUT",
    "TRY AGAIN",
)
_REFUSED = (
    "[AUTHENTICATIONFAILED]",
    "[AUTHORIZATIONFAILED]",
    "[EXPIRED]",
    "AUTHENTICATE FAILED",  # Outlook answers without a response code
    "LOGIN FAILED",
    "INVALID CREDENTIALS",
    "AUTHENTICATION FAILED",
)


def _is_temporary(message: str) -> bool:
    """Only a clear refusal of the credentials is an auth error (RFC 5530 response codes and
    the providers' wordings). Dovecot's "[UNAVAILABLE] Temporary authentication failure" (an
    OAuth introspection endpoint down), an overloaded server's timeout or anything unclear is
    temporary: a mailbox must not sit in auth_error because its server was busy."""
    upper = message.upper()
    if any(marker in upper for marker in _TEMPORARY):
        return True
    return not any(marker in upper for marker in _REFUSED)


def connect_imap(
    mailbox: Mailbox, credentials: LoginCredentials, options: ConnectOptions
) -> IMAPClient:
    """An authenticated IMAPClient. Raises AuthError or ServiceUnavailable."""
    assert mailbox.host is not None  # Mailbox validation requires it for IMAP
    port = mailbox.effective_port()
    client: IMAPClient | None = None
    try:
        if mailbox.tls is TlsMode.TLS:
            client = IMAPClient(
                mailbox.host,
                port=port,
                ssl=True,
                ssl_context=_tls_context(mailbox, options),
                timeout=options.timeout_s,
            )
        else:
            client = IMAPClient(mailbox.host, port=port, ssl=False, timeout=options.timeout_s)
            if mailbox.tls is TlsMode.STARTTLS:
                client.starttls(_tls_context(mailbox, options))
        _login(client, credentials)
        return client
    except (imap_exc.LoginError, imap_exc.IMAPClientError) as exc:
        _close(client)
        text = str(exc)
        if isinstance(exc, imap_exc.LoginError) and not _is_temporary(text):
            raise AuthError(f"IMAP login refused for {mailbox.key}: {text[:200]}") from None
        raise ServiceUnavailable(f"IMAP {mailbox.key}: {text[:200]}") from None
    except (TimeoutError, OSError, ssl.SSLError) as exc:
        _close(client)
        raise ServiceUnavailable(f"IMAP {mailbox.key}: {type(exc).__name__}: {exc}") from None


def _login(client: IMAPClient, c: LoginCredentials) -> None:
    if c.mechanism == "xoauth2":
        client.oauth2_login(c.username, c.secret)
    elif c.mechanism == "oauthbearer":
        # imapclient's oauth2_login(mech="OAUTHBEARER") sends the XOAUTH2 string; this is
        # the RFC 7628 form ("n,a=user,")
        client.oauthbearer_login(c.username, c.secret)
    else:
        client.login(c.username, c.secret)


def _close(client: IMAPClient | None) -> None:
    if client is None:
        return
    with contextlib.suppress(OSError, imap_exc.IMAPClientError):
        client.shutdown()


def connect_pop3(
    mailbox: Mailbox, credentials: LoginCredentials, options: ConnectOptions
) -> poplib.POP3:
    """An authenticated POP3 session (USER/PASS; RFC 1939). Raises AuthError or
    ServiceUnavailable."""
    assert mailbox.host is not None
    port = mailbox.effective_port()
    conn: poplib.POP3 | None = None
    try:
        if mailbox.tls is TlsMode.TLS:
            conn = poplib.POP3_SSL(
                mailbox.host,
                port,
                timeout=options.timeout_s,
                context=_tls_context(mailbox, options),
            )
        else:
            conn = poplib.POP3(mailbox.host, port, timeout=options.timeout_s)
            if mailbox.tls is TlsMode.STARTTLS:
                conn.stls(_tls_context(mailbox, options))
        if credentials.mechanism != "password":
            raise ValidationError("POP3 OAuth (XOAUTH2 via AUTH) is not supported yet")
        conn.user(credentials.username)
        conn.pass_(credentials.secret)
        return conn
    except poplib.error_proto as exc:
        _close_pop(conn)
        text = (
            exc.args[0].decode(errors="replace")
            if exc.args and isinstance(exc.args[0], bytes)
            else str(exc)
        )
        upper = text.upper()
        # RFC 3206: [AUTH] is a refusal of the credentials, [SYS/TEMP] and [IN-USE] are not
        refused = "[AUTH]" in upper or not _is_temporary(text)
        if refused and "[SYS/" not in upper and "[IN-USE]" not in upper:
            raise AuthError(f"POP3 login refused for {mailbox.key}: {text[:200]}") from None
        raise ServiceUnavailable(f"POP3 {mailbox.key}: {text[:200]}") from None
    except (OSError, ssl.SSLError) as exc:
        _close_pop(conn)
        raise ServiceUnavailable(f"POP3 {mailbox.key}: {type(exc).__name__}: {exc}") from None


def _close_pop(conn: poplib.POP3 | None) -> None:
    if conn is None:
        return
    with contextlib.suppress(OSError):
        conn.close()
