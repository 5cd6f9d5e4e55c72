"""The one place where imapclient, imaplib, poplib, socket and ssl errors become ours (the
way httpx maps httpcore's): nothing else in the project names a vendor exception of a mail
server session.

    imapclient LoginError / POP3 -ERR at login
        refusal of the credentials (RFC 5530 codes, RFC 3206 [AUTH])  → AuthError
        anything temporary or unclear                                → ServiceUnavailable
    OSError (socket, ssl, timeouts), EOFError, imaplib abort         → ServiceUnavailable,
        with no network detail for the tenant (refused, timed out and a failed TLS handshake
        look the same: no port scanner); operators get the detail in the log
    IMAPClientError / poplib.error_proto after login (NO, BAD, BYE)  → ServiceUnavailable

The cause is kept (``raise … from exc``) except at login, where the vendor exception carries
nothing more than the message and its traceback names the credentials' call.
"""

from __future__ import annotations

import contextlib
import logging
import poplib
from collections.abc import Iterator
from typing import Literal

from imapclient import exceptions as imap_exc

from shared.errors import AuthError, MailIngestError, ServiceUnavailable

logger = logging.getLogger(__name__)

# what a tenant sees for any network failure
UNREACHABLE = "cannot connect to the mail server"
CONNECTION_LOST = "connection to the mail server lost"

# every vendor error a session can raise: socket and ssl errors are OSErrors, imaplib's
# error / abort / readonly are IMAPClientError (imapclient aliases them)
VENDOR_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    imap_exc.IMAPClientError,
    poplib.error_proto,
)

Phase = Literal["connect", "login", "session"]

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


def is_temporary(message: str) -> bool:
    """Only a clear refusal of the credentials is an auth error (RFC 5530 response codes and
    the providers' wordings). Dovecot's "[UNAVAILABLE] Temporary authentication failure" (an
    OAuth introspection endpoint down), an overloaded server's timeout or anything unclear is
    temporary: a mailbox must not sit in auth_error because its server was busy."""
    upper = message.upper()
    if any(marker in upper for marker in _TEMPORARY):
        return True
    return not any(marker in upper for marker in _REFUSED)


def _text(exc: BaseException) -> str:
    if exc.args and isinstance(exc.args[0], bytes):
        return exc.args[0].decode(errors="replace")
    return str(exc)


def _pop3_refused(text: str) -> bool:
    upper = text.upper()
    # RFC 3206: [AUTH] is a refusal of the credentials, [SYS/TEMP] and [IN-USE] are not
    refused = "[AUTH]" in upper or not is_temporary(text)
    return refused and "[SYS/" not in upper and "[IN-USE]" not in upper


def _network(protocol: str, key: str, phase: Phase, exc: BaseException) -> ServiceUnavailable:
    if phase != "connect":  # a failed address is logged once all of them failed
        log_unreachable(protocol, key, exc, lost=phase == "session")
    text = CONNECTION_LOST if phase == "session" else UNREACHABLE
    return ServiceUnavailable(f"{protocol} {key}: {text}")


def log_unreachable(protocol: str, key: str, exc: BaseException | None, *, lost: bool) -> None:
    cause = exc.__cause__ if isinstance(exc, ServiceUnavailable) and exc.__cause__ else exc
    logger.warning(
        "mail server connection lost" if lost else "mail server unreachable",
        extra={"mailbox_key": key, "protocol": protocol, "reason": type(cause).__name__},
    )


@contextlib.contextmanager
def mapped_errors(protocol: str, key: str, phase: Phase = "session") -> Iterator[None]:
    """Translate every vendor error raised inside into ``shared.errors`` (see the module
    docstring). ``key`` is the mailbox key, for the message."""
    try:
        yield
    except MailIngestError:
        raise
    except (OSError, EOFError, imap_exc.IMAPClientAbortError) as exc:
        raise _network(protocol, key, phase, exc) from exc
    except (imap_exc.IMAPClientError, poplib.error_proto) as exc:
        text = _text(exc)
        if phase == "login":
            if isinstance(exc, imap_exc.LoginError) and not is_temporary(text):
                raise AuthError(f"IMAP login refused for {key}: {text[:200]}") from None
            if isinstance(exc, poplib.error_proto) and _pop3_refused(text):
                raise AuthError(f"POP3 login refused for {key}: {text[:200]}") from None
            raise ServiceUnavailable(f"{protocol} {key}: {text[:200]}") from None
        if phase == "connect":
            raise _network(protocol, key, phase, exc) from exc
        raise ServiceUnavailable(f"{protocol} {key}: {text[:200]}") from exc


@contextlib.contextmanager
def quietly() -> Iterator[None]:
    """For closing a connection that may already be gone."""
    with contextlib.suppress(*VENDOR_ERRORS):
        yield
