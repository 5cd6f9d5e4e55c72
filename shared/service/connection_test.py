"""Test connection: try entered IMAP / POP3 settings before saving them and say which step
failed, in plain words — the address (allowed and resolvable), reaching the server securely
(TCP and TLS), the login, the folder. Nothing is stored; the password is used once. What a
tenant reads tells refused from timed out no more than the watcher's errors do (no network
probing through the page)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.models import Mailbox
from shared.errors import AuthError, MailIngestError, ServiceUnavailable, ValidationError
from shared.host_policy import HostRefused, Resolver, check_host_for_save, system_resolver
from shared.ports import LoginCredentials, MailSources

STEPS = ("address", "connection", "login", "folder")


@dataclass(frozen=True)
class Step:
    name: str  # address | connection | login | folder
    ok: bool
    message: str


class ConnectionTester:
    def __init__(
        self, sources: MailSources, *, allow_private: bool, resolver: Resolver = system_resolver
    ) -> None:
        self._sources = sources
        self._allow_private = allow_private
        self._resolver = resolver

    def test(self, mailbox: Mailbox, password: str) -> list[Step]:
        """Each step until the first that fails; the rest are not tried."""
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
