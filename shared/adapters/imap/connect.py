"""Opening authenticated IMAP and POP3 sessions for a mailbox."""

from __future__ import annotations

import logging
import poplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imapclient import IMAPClient

from shared.adapters.imap.errors import UNREACHABLE, log_unreachable, mapped_errors, quietly
from shared.adapters.imap.lean_client import LeanIMAPClient, slim
from shared.adapters.imap.pop3_auth import pop3_login
from shared.config import Settings
from shared.domain.models import LOOPBACK_HOSTS, Mailbox, TlsMode
from shared.errors import MailIngestError, ServiceUnavailable, ValidationError
from shared.host_policy import Resolver, system_resolver, vetted_addresses
from shared.ports import LoginCredentials

logger = logging.getLogger(__name__)
__all__ = ["UNREACHABLE", "ConnectOptions", "connect_imap", "connect_pop3"]


@dataclass(frozen=True)
class ConnectOptions:
    # loopback / private servers allowed: the settings' (MAILINGEST_ALLOW_PRIVATE_HOSTS,
    # shared.host_policy)
    allow_private_hosts: bool
    timeout_s: float = 30.0  # every socket operation (connect, read, write)
    ca_file: Path | None = None  # extra trust anchor (tests, private CAs)
    resolver: Resolver = system_resolver
    # the most one message's body read may hold (the pipeline's MAILINGEST_MAX_MESSAGE_BYTES)
    max_message_bytes: int = Settings.max_message_bytes


class _NamedServerContext(ssl.SSLContext):
    """A client context that sends SNI for, and checks the certificate against, the host
    *name* while the socket is connected to the vetted address (imaplib / poplib pass the
    address they connected to as ``server_hostname``)."""

    server_name: str = ""

    def wrap_socket(self, sock: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs["server_hostname"] = self.server_name
        return super().wrap_socket(sock, *args, **kwargs)


def _tls_context(mailbox: Mailbox, options: ConnectOptions) -> ssl.SSLContext:
    context = _NamedServerContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_default_certs()
    if options.ca_file:
        context.load_verify_locations(cafile=str(options.ca_file))
    context.server_name = (mailbox.host or "").strip().strip("[]")
    if not mailbox.verify_tls:
        if mailbox.host not in LOOPBACK_HOSTS:
            # settings risk table: verification may be skipped only in development
            raise ValidationError("certificate verification can be skipped only for loopback")
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _addresses(mailbox: Mailbox, options: ConnectOptions) -> list[str]:
    """The vetted addresses of the mailbox's host (HostRefused / ServiceUnavailable)."""
    if mailbox.host is None:  # Mailbox validation requires it for IMAP and POP3
        raise ValueError(f"mailbox {mailbox.id} has no host")
    return vetted_addresses(
        mailbox.host,
        mailbox.effective_port(),
        allow_private=options.allow_private_hosts,
        resolver=options.resolver,
    )


def connect_imap(
    mailbox: Mailbox, credentials: LoginCredentials, options: ConnectOptions
) -> IMAPClient:
    """An authenticated IMAPClient, connected to a vetted address of the host. Raises
    AuthError, HostRefused (a ValidationError) or ServiceUnavailable."""
    port = mailbox.effective_port()
    client: IMAPClient | None = None
    failure: ServiceUnavailable | None = None
    for address in _addresses(mailbox, options):
        try:
            with mapped_errors("IMAP", mailbox.key, "connect"):
                if mailbox.tls is TlsMode.TLS:
                    client = LeanIMAPClient(
                        address,
                        port=port,
                        ssl=True,
                        ssl_context=_tls_context(mailbox, options),
                        timeout=options.timeout_s,
                    )
                else:
                    client = LeanIMAPClient(
                        address, port=port, ssl=False, timeout=options.timeout_s
                    )
                    if mailbox.tls is TlsMode.STARTTLS:
                        client.starttls(_tls_context(mailbox, options))
        except ServiceUnavailable as exc:
            _close(client)
            client, failure = None, exc
            continue
        break
    if client is None:
        log_unreachable("IMAP", mailbox.key, failure, lost=False)
        raise failure or ServiceUnavailable(f"IMAP {mailbox.key}: {UNREACHABLE}")
    try:
        with mapped_errors("IMAP", mailbox.key, "login"):
            _login(client, credentials)
            slim(client)
    except MailIngestError:
        _close(client)
        raise
    return client


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
    with quietly():
        client.shutdown()


def connect_pop3(
    mailbox: Mailbox, credentials: LoginCredentials, options: ConnectOptions
) -> poplib.POP3:
    """An authenticated POP3 session (USER/PASS, or SASL AUTH with an OAuth token:
    ``pop3_auth``), connected to a vetted address of the host. Raises AuthError,
    HostRefused (a ValidationError) or ServiceUnavailable."""
    port = mailbox.effective_port()
    conn: poplib.POP3 | None = None
    failure: ServiceUnavailable | None = None
    for address in _addresses(mailbox, options):
        try:
            with mapped_errors("POP3", mailbox.key, "connect"):
                if mailbox.tls is TlsMode.TLS:
                    context = _tls_context(mailbox, options)
                    conn = _open_pop(
                        poplib.POP3_SSL, address, port, timeout=options.timeout_s, context=context
                    )
                else:
                    conn = _open_pop(poplib.POP3, address, port, timeout=options.timeout_s)
                    if mailbox.tls is TlsMode.STARTTLS:
                        conn.stls(_tls_context(mailbox, options))
        except ServiceUnavailable as exc:
            _close_pop(conn)
            conn, failure = None, exc
            continue
        break
    if conn is None:
        log_unreachable("POP3", mailbox.key, failure, lost=False)
        raise failure or ServiceUnavailable(f"POP3 {mailbox.key}: {UNREACHABLE}")
    try:
        with mapped_errors("POP3", mailbox.key, "login"):
            pop3_login(conn, credentials)
    except MailIngestError:
        _close_pop(conn)
        raise
    return conn


def _open_pop(cls: type[poplib.POP3], *args: Any, **kwargs: Any) -> poplib.POP3:
    """``cls(...)``, closing the socket when the greeting fails (poplib leaves it open)."""
    conn = cls.__new__(cls)
    try:
        conn.__init__(*args, **kwargs)  # type: ignore[misc]
    except BaseException:
        if getattr(conn, "sock", None) is not None:
            _close_pop(conn)
        raise
    return conn


def _close_pop(conn: poplib.POP3 | None) -> None:
    if conn is None:
        return
    with quietly():
        conn.close()
