"""The services' sentences said in the page's language: the steps of "Test connection" and
the admin service's refusals are written once, in English, by code that knows nothing of the
page (``shared.service``); here each known sentence is matched whole and said again with its
names and numbers (a host, a mailbox) kept. A sentence not listed is shown as it is."""

from __future__ import annotations

import re

from shared.service.connection_test import Step
from shared.web.i18n import N_, _

_MAILBOX = r"mailbox (?P<mailbox>\S+?)"
# (the whole sentence, with named parts) -> what the page says; the specific ones first
_SAID: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), said)
    for pattern, said in (
        (
            r"(?P<host>\S+) is not an address mail may be read from",
            N_("%(host)s is not an address mail may be read from"),
        ),
        (
            r"(?P<host>\S+) could not be found \(check the name\)",
            N_("%(host)s could not be found (check the name)"),
        ),
        (r"(?P<host>\S+) found", N_("%(host)s found")),
        (
            r"could not connect securely to (?P<where>\S+): check the host, the port and the "
            r"security setting \(TLS / STARTTLS\)",
            N_(
                "could not connect securely to %(where)s: check the host, the port and the "
                "security setting (TLS / STARTTLS)"
            ),
        ),
        (r"connected securely to (?P<where>\S+)", N_("connected securely to %(where)s")),
        (
            r"the server refused the login (?P<login>.+)",
            N_("the server refused the login %(login)s"),
        ),
        (r"logged in as (?P<login>.+)", N_("logged in as %(login)s")),
        (
            r"folder (?P<folder>.+) could not be opened",
            N_("folder %(folder)s could not be opened"),
        ),
        (r"folder (?P<folder>.+) opened", N_("folder %(folder)s opened")),
        (
            r"(?P<count>\d+) connection tests a minute at most \(by one admin\): wait a minute "
            r"and test again",
            N_(
                "%(count)s connection tests a minute at most (by one admin): wait a minute and "
                "test again"
            ),
        ),
        (
            r"(?P<count>\d+) connection tests a minute at most \(of one server\): wait a minute "
            r"and test again",
            N_(
                "%(count)s connection tests a minute at most (of one server): wait a minute and "
                "test again"
            ),
        ),
        (
            _MAILBOX + r": passwords are for IMAP and POP3 only",
            N_("mailbox %(mailbox)s: passwords are for IMAP and POP3 only"),
        ),
        (
            _MAILBOX + r": an IMAP or POP3 server is needed",
            N_("mailbox %(mailbox)s: an IMAP or POP3 server is needed"),
        ),
        (_MAILBOX + r" exists already", N_("mailbox %(mailbox)s exists already")),
        (
            _MAILBOX + r": OAuth 2\.0 is connected with the Connect buttons",
            N_("mailbox %(mailbox)s: OAuth 2.0 is connected with the Connect buttons"),
        ),
        (_MAILBOX + r": a password is required", N_("mailbox %(mailbox)s: a password is required")),
        (
            _MAILBOX + r": the server, port, TLS mode, login or provider changed: enter the "
            r"password again",
            N_(
                "mailbox %(mailbox)s: the server, port, TLS mode, login or provider changed: "
                "enter the password again"
            ),
        ),
        (
            _MAILBOX + r" syncs on every push and every 15 min by itself",
            N_("mailbox %(mailbox)s syncs on every push and every 15 min by itself"),
        ),
        (
            _MAILBOX + r" is disabled: enable it to sync it",
            N_("mailbox %(mailbox)s is disabled: enable it to sync it"),
        ),
        (
            _MAILBOX + r": a sync was asked for moments ago; ask again in (?P<wait>\d+) s if "
            r"it is still needed",
            N_(
                "mailbox %(mailbox)s: a sync was asked for moments ago; ask again in %(wait)s s "
                "if it is still needed"
            ),
        ),
        ("that email is too large to try here", N_("that email is too large to try here")),
        (
            r"not an email that can be parsed: (?P<why>.*)",
            N_("not an email that can be parsed: %(why)s"),
        ),
    )
)
STEP_NAMES = {
    "address": N_("Address"),
    "connection": N_("Connection"),
    "login": N_("Login"),
    "folder": N_("Folder"),
}


def say(sentence: str) -> str:
    """``sentence`` (a service's) in the page's language; as it is when not listed."""
    for pattern, said in _SAID:
        found = pattern.fullmatch(sentence)
        if found:
            return _(said, **found.groupdict())
    return sentence


def step(tested: Step) -> str:
    """One step of "Test connection": "Address: imap.example.com found"."""
    name = STEP_NAMES.get(tested.name)
    return f"{_(name) if name else tested.name.capitalize()}: {say(tested.message)}"
