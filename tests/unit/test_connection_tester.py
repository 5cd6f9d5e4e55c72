"""Test connection is no port scanner: a closed port, a filtered one and a server that is not
a mail server answer alike — the same words, after the same time — while a login refusal
(a mail server was reached) still says so."""

from __future__ import annotations

import pytest

from shared.adapters.memory_state import InMemoryStateStore
from shared.adapters.system_clock import SystemClock
from shared.domain.models import Mailbox, Provider, TlsMode
from shared.errors import AuthError, MailIngestError, ServiceUnavailable, ValidationError
from shared.ids import MailboxId, TenantId
from shared.ports import LoginCredentials, MailSource
from shared.service.connection_test import ConnectionTester, ConnectionTestLimits, Step

UNIFORM = 10.0


class Elapsing:
    """A monotonic clock that the fake server and the tester's sleep move forward."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Server:
    """What the fake server does to a connection, after how long."""

    def __init__(self, time: Elapsing, failure: MailIngestError, after_s: float) -> None:
        self._time, self._failure, self._after = time, failure, after_s

    def open(self, mailbox: Mailbox, credentials: LoginCredentials) -> MailSource:
        self._time.now += self._after
        raise self._failure


def _tester(
    server: Server, time: Elapsing, *, per_admin: int = 100, per_server: int = 100
) -> ConnectionTester:
    clock = SystemClock()
    limits = ConnectionTestLimits(per_admin, per_server, uniform_failure_s=UNIFORM)
    return ConnectionTester(
        server,
        InMemoryStateStore(clock),
        clock,
        allow_private=True,
        resolver=lambda host, port: ["192.0.2.10"],
        limits=limits,
        sleep=time.sleep,
        monotonic=time.monotonic,
    )


def _mailbox() -> Mailbox:
    return Mailbox(
        tenant_id=TenantId("acme"),
        id=MailboxId("probe"),
        provider=Provider.IMAP,
        address="probe@acme.example",
        host="mail.acme.example",
        tls=TlsMode.TLS,
    )


@pytest.mark.parametrize(
    ("what", "after_s"),
    [("closed", 0.12), ("not a mail server", 7.1), ("filtered", UNIFORM)],
)
def test_unreachable_servers_answer_alike_after_the_same_time(what: str, after_s: float) -> None:
    time = Elapsing()
    started = time.now
    failure = ServiceUnavailable(f"IMAP acme/probe: cannot connect ({what})")
    steps = _tester(Server(time, failure, after_s), time).test(_mailbox(), "pw", actor="a")
    assert steps[-1] == Step(
        "connection",
        False,
        "could not connect securely to mail.acme.example:993: check the host, the port and "
        "the security setting (TLS / STARTTLS)",
    )
    assert time.now - started == pytest.approx(UNIFORM)


def test_a_refused_login_is_said_at_once() -> None:
    time = Elapsing()
    server = Server(time, AuthError("IMAP login refused"), 0.6)
    steps = _tester(server, time).test(_mailbox(), "pw", actor="a")
    assert [(s.name, s.ok) for s in steps] == [
        ("address", True),
        ("connection", True),
        ("login", False),
    ]
    assert time.slept == []


def test_tests_are_limited_per_server_and_per_admin() -> None:
    time = Elapsing()
    tester = _tester(Server(time, AuthError("refused"), 0.0), time, per_admin=3, per_server=2)
    mailbox = _mailbox()
    tester.test(mailbox, "pw", actor="a")
    tester.test(mailbox, "pw", actor="b")
    with pytest.raises(ValidationError, match="of one server"):
        tester.test(mailbox, "pw", actor="c")
    other = mailbox.model_copy(update={"port": 994})
    tester.test(other, "pw", actor="a")
    tester.test(other.model_copy(update={"port": 995}), "pw", actor="a")  # a's third
    with pytest.raises(ValidationError, match="by one admin"):
        tester.test(other.model_copy(update={"port": 996}), "pw", actor="a")
