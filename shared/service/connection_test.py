"""Test connection: try entered IMAP / POP3 settings before saving them and say which step
failed, in plain words — the address (allowed and resolvable), reaching the server securely
(TCP and TLS), the login, the folder. No mailbox or secret is stored; the password is used
once. Each test is audited (who, which host and port, how far it got — never the password).

The page must not become a login or port scanner: tests are limited per admin and per
server, and a server that cannot be reached answers in the same words and after the same
time (``uniform_failure_s``, the connection timeout) whether its port was closed, filtered
or held by something that is not a mail server."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from shared.config import PageSettings
from shared.domain.models import Mailbox
from shared.errors import AuthError, MailIngestError, ServiceUnavailable, ValidationError
from shared.host_policy import HostRefused, Resolver, check_host_for_save, system_resolver
from shared.ports import AuditLog, Clock, LeaseStore, LoginCredentials, MailSources
from shared.service.audit import AuditTrail

STEPS = ("address", "connection", "login", "folder")
# tests in a row: at most this many per admin, and per server (host and port), a minute
PER_ADMIN_PER_MINUTE = 6
PER_SERVER_PER_MINUTE = 3
_WINDOW = timedelta(minutes=1)
# the connection timeout of a test, and the time every unreachable server answers after
UNIFORM_FAILURE_S = PageSettings.connection_test_timeout_s  # MAILINGEST_CONNECTION_TEST_TIMEOUT_S


@dataclass(frozen=True)
class ConnectionTestLimits:
    per_admin: int = PER_ADMIN_PER_MINUTE
    per_server: int = PER_SERVER_PER_MINUTE
    uniform_failure_s: float = UNIFORM_FAILURE_S


@dataclass(frozen=True)
class Step:
    name: str  # address | connection | login | folder
    ok: bool
    message: str


class ConnectionTestRecords(LeaseStore, AuditLog, Protocol):
    """The leases that bound how many tests run and how often, and the audit log."""


class ConnectionTester:
    def __init__(
        self,
        sources: MailSources,
        state: ConnectionTestRecords,
        clock: Clock,
        *,
        allow_private: bool,
        resolver: Resolver = system_resolver,
        limits: ConnectionTestLimits = ConnectionTestLimits(),
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """``sources`` should time out after ``limits.uniform_failure_s``."""
        self._sources = sources
        self._state = state
        self._trail = AuditTrail(state, clock)
        self._allow_private = allow_private
        self._resolver = resolver
        self._limits = limits
        self._sleep = sleep
        self._monotonic = monotonic

    def test(self, mailbox: Mailbox, password: str, *, actor: str) -> list[Step]:
        """Each step until the first that fails; the rest are not tried. ValidationError
        when the admin or the server had their tests for this minute."""
        server = f"{(mailbox.host or '').strip().rstrip('.').lower()}:{mailbox.effective_port()}"
        self._within_limits(actor, server)
        started = self._monotonic()
        steps = self._steps(mailbox, password)
        failed = next((s for s in steps if not s.ok), None)
        if failed is not None and failed.name in ("address", "connection"):
            # closed, filtered, or not a mail server: the same answer after the same time
            self._sleep(max(0.0, started + self._limits.uniform_failure_s - self._monotonic()))
        outcome = "ok" if failed is None else f"{failed.name} failed"
        details = {
            "provider": mailbox.provider.value,
            "host": mailbox.host,
            "port": mailbox.effective_port(),
            "tls": mailbox.tls.value,
            "login": mailbox.login,
            "outcome": outcome,
        }
        self._trail.record(
            mailbox.tenant_id, actor, "mailbox.test_connection", mailbox.key, details
        )
        return steps

    def _within_limits(self, actor: str, server: str) -> None:
        for scope, count in (
            (f"admin/{actor.strip().lower()}", self._limits.per_admin),
            (f"server/{server}", self._limits.per_server),
        ):
            if not self._one_of(f"connection-test/{scope}", count):
                raise ValidationError(
                    f"{count} connection tests a minute at most "
                    f"({'by one admin' if scope.startswith('admin') else 'of one server'}): "
                    "wait a minute and test again"
                )

    def _one_of(self, name: str, count: int) -> bool:
        """One of ``count`` slots, each a lease of a minute (written in a transaction)."""
        holder = secrets.token_hex(8)
        return any(
            self._state.try_acquire_lease(f"{name}/{slot}", holder, _WINDOW) is not None
            for slot in range(count)
        )

    def _steps(self, mailbox: Mailbox, password: str) -> list[Step]:
        where = f"{mailbox.host}:{mailbox.effective_port()}"
        try:
            check_host_for_save(
                mailbox.host,
                mailbox.effective_port(),
                allow_private=self._allow_private,
                resolver=self._resolver,
            )
        except HostRefused:
            return [
                Step("address", False, f"{mailbox.host} is not an address mail may be read from")
            ]
        except (ValidationError, ServiceUnavailable):
            return [Step("address", False, f"{mailbox.host} could not be found (check the name)")]
        steps = [Step("address", True, f"{mailbox.host} found")]
        credentials = LoginCredentials(username=mailbox.login, secret=password)
        try:
            source = self._sources.open(mailbox, credentials)
        except AuthError:
            steps.append(Step("connection", True, f"connected securely to {where}"))
            steps.append(Step("login", False, f"the server refused the login {mailbox.login}"))
            return steps
        except MailIngestError:
            steps.append(
                Step(
                    "connection",
                    False,
                    f"could not connect securely to {where}: check the "
                    "host, the port and the security setting (TLS / STARTTLS)",
                )
            )
            return steps
        steps.append(Step("connection", True, f"connected securely to {where}"))
        steps.append(Step("login", True, f"logged in as {mailbox.login}"))
        try:
            source.select()
            steps.append(Step("folder", True, f"folder {mailbox.folder} opened"))
            source.logout()
        except MailIngestError:
            steps.append(Step("folder", False, f"folder {mailbox.folder} could not be opened"))
        finally:
            source.close()
        return steps
