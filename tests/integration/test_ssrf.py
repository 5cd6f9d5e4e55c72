"""SSRF guard against the real Dovecot and the settings page on the Firestore emulator: in
production a mailbox host on loopback / private / reserved addresses is refused when saved
and when connecting; the connection goes to the vetted address with the certificate checked
against the host name; tenants cannot tell a refused port from a silent one."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from shared.adapters.imap.connect import UNREACHABLE, ConnectOptions, connect_imap, connect_pop3
from shared.domain.models import Mailbox, Provider, TlsMode
from shared.errors import ServiceUnavailable
from shared.host_policy import HostRefused
from shared.ids import MailboxId, TenantId
from shared.ports import LoginCredentials
from tests.fakes.black_hole import black_hole

pytestmark = pytest.mark.integration


def _user(dovecot: Any) -> LoginCredentials:
    name, password = f"u{uuid.uuid4().hex[:10]}@test.example", uuid.uuid4().hex
    dovecot.add_user(name, password)
    return LoginCredentials(name, password)


def _mailbox(host: str, port: int, tls: TlsMode = TlsMode.TLS, **kw: Any) -> Mailbox:
    return Mailbox(
        tenant_id=TenantId("acme"),
        id=MailboxId("booking"),
        provider=kw.pop("provider", Provider.IMAP),
        address="booking@acme.example",
        host=host,
        port=port,
        tls=tls,
        **kw,
    )


def test_production_refuses_to_connect_to_loopback(dovecot: Any) -> None:
    creds = _user(dovecot)
    production = ConnectOptions(timeout_s=10, ca_file=dovecot.ca_cert, allow_private_hosts=False)
    for host in ("127.0.0.1", "localhost", "::ffff:127.0.0.1"):
        with pytest.raises(HostRefused):
            connect_imap(_mailbox(host, dovecot.imaps_port), creds, production)
        with pytest.raises(HostRefused):
            connect_pop3(
                _mailbox(host, dovecot.pop3s_port, provider=Provider.POP3), creds, production
            )
    # the same mailbox connects where private hosts are allowed (development)
    dev = ConnectOptions(timeout_s=10, ca_file=dovecot.ca_cert, allow_private_hosts=True)
    connect_imap(_mailbox("localhost", dovecot.imaps_port), creds, dev).logout()


def test_the_vetted_address_is_used_and_the_certificate_checked_against_the_name(
    dovecot: Any,
) -> None:
    creds = _user(dovecot)
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    options = ConnectOptions(
        timeout_s=10, ca_file=dovecot.ca_cert, allow_private_hosts=True, resolver=resolver
    )
    # resolved once, connected to that address, the certificate (issued for localhost) verified
    connect_imap(_mailbox("localhost", dovecot.imaps_port), creds, options).logout()
    assert calls == ["localhost"]
    starttls = _mailbox("localhost", dovecot.imap_port, TlsMode.STARTTLS)
    connect_imap(starttls, creds, options).logout()
    pop = _mailbox("localhost", dovecot.pop3s_port, provider=Provider.POP3)
    connect_pop3(pop, creds, options).quit()
    # a name the certificate does not carry fails although the address is the same server:
    # SNI and the hostname check use the name, not the pinned address
    for mailbox in (
        _mailbox("imap.other.example", dovecot.imaps_port),
        _mailbox("imap.other.example", dovecot.imap_port, TlsMode.STARTTLS),
    ):
        with pytest.raises(ServiceUnavailable):
            connect_imap(mailbox, creds, options)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with black_hole() as address:
        yield int(address.rsplit(":", 1)[1])


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_refused_and_timed_out_look_the_same_to_the_tenant(silent_port: int) -> None:
    creds = LoginCredentials("u", "p")
    options = ConnectOptions(timeout_s=1, allow_private_hosts=True)
    messages = []
    for port in (_closed_port(), silent_port):
        for tls in (TlsMode.TLS, TlsMode.PLAIN):
            with pytest.raises(ServiceUnavailable) as caught:
                connect_imap(_mailbox("127.0.0.1", port, tls), creds, options)
            messages.append(str(caught.value))
            with pytest.raises(ServiceUnavailable) as caught:
                connect_pop3(
                    _mailbox("127.0.0.1", port, tls, provider=Provider.POP3), creds, options
                )
            messages.append(str(caught.value).replace("POP3", "IMAP"))
    assert len(set(messages)) == 1
    assert UNREACHABLE in messages[0]
    for word in ("refused", "timed out", "timeout", "errno", str(silent_port)):
        assert word not in messages[0].lower()
