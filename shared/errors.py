"""The project's exception tree. Vendor exceptions never cross an adapter; they become one of these.

MailIngestError
 ├── ConfigError             bad or missing configuration (all problems at once)
 ├── RetryableError          transient: raise again so the platform redelivers / the loop retries
 │    ├── ServiceUnavailable     a dependency (Firestore, Pub/Sub, IMAP server...) is down or slow
 │    │    ├── Throttled              the provider said "slow down" (429), maybe with Retry-After
 │    │    ├── SinkUnavailable        the event sink (Pub/Sub) took no event: publishing blocked
 │    │    └── StoreUnavailable       the state store (Firestore) did not answer
 │    ├── ConflictError          a compare-and-set lost a race; re-read and try again
 │    ├── ClaimBusy              another live worker is in flight with the message: retry soon
 │                               (not a connection error: no growing backoff)
 │    └── PortFailure            a port (blob, state, sink, secrets) failed while ingesting, even
 │                               permanently (a GCS 403): the message is not to blame, nothing is
 │                               handed off, the mailbox retries with backoff and shows the error
 └── PermanentError          will not get better by retrying: log, acknowledge, mark the mailbox
      ├── NotFound               the named tenant / mailbox / secret / blob does not exist
      ├── AlreadyExists          create of something that is there
      ├── AuthError              credentials refused (wrong password, revoked grant)
      │    ├── ReauthRequired        an OAuth grant is gone: the tenant must reconnect
      │    └── ClientRejected        the provider refused *our* OAuth client: an operator fixes it
      ├── ValidationError        input that breaks a documented rule (forged webhook, bad state)
      ├── CursorExpired          the provider no longer knows the stored sync position: resync
      └── MessageTooLarge        a message (or its event) over a size limit: message-specific
"""

from __future__ import annotations


class MailIngestError(Exception):
    """Base of every error this project raises on purpose."""


class ConfigError(MailIngestError):
    """Configuration is missing or invalid. ``problems`` lists every one found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid configuration: " + "; ".join(self.problems))


class RetryableError(MailIngestError):
    """Transient failure: the caller should retry later (raise = redeliver)."""


class ServiceUnavailable(RetryableError):
    """A dependency is unreachable, overloaded or timed out."""


class Throttled(ServiceUnavailable):
    """The provider asked us to slow down (HTTP 429, Gmail ``rateLimitExceeded``, Graph 503
    with Retry-After). ``retry_after_s`` is the server's Retry-After when it sent one."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class SinkUnavailable(ServiceUnavailable):
    """The event sink did not take an event (failed, or not settled in time): the mailbox's
    publishing is blocked until it does."""


class StoreUnavailable(ServiceUnavailable):
    """The state store did not answer (unreachable, overloaded, out of time)."""


class ConflictError(RetryableError):
    """An optimistic write lost a race (cursor compare-and-set, lease)."""


class ClaimBusy(RetryableError):
    """Another worker that is still alive holds the message's dedupe claim. Nothing is wrong
    with the connection: retry shortly, without growing a backoff."""


class Stopping(RetryableError):
    """The mailbox's worker is stopping (its mailbox handed over, or the replica shutting
    down): no more events are published; what is not handed off yet keeps the cursor before
    it, its claims released, for the mailbox's next holder."""


class PortFailure(RetryableError):
    """A port failed under the ingest pipeline. Never a reason to dead-letter the message:
    the caller keeps its cursor, leaves the message on the server and retries later.
    ``port``: which one ("event sink", "blob store", ...), when known."""

    def __init__(self, message: str, *, port: str | None = None) -> None:
        super().__init__(message)
        self.port = port


class PermanentError(MailIngestError):
    """Retrying will not help: acknowledge, record, move on."""


class NotFound(PermanentError):
    """The named object does not exist."""


class AlreadyExists(PermanentError):
    """An object with that id already exists."""


class AuthError(PermanentError):
    """Credentials were refused by the server (not a transient outage)."""

    oauth_error: str | None = None  # the token endpoint's RFC 6749 §5.2 code, when it gave one


class ReauthRequired(AuthError):
    """An OAuth grant is gone (invalid_grant, revoked consent): the tenant must reconnect.
    The mailbox's state is ``reauth_required`` (not ``auth_error``) while this lasts."""


class ClientRejected(AuthError):
    """The provider refused *our* OAuth client (``invalid_client``, ``unauthorized_client``:
    a wrong or expired client secret, a disabled app). Not the tenant's doing: their grant is
    left alone and an operator must fix the client (RFC 6749 §5.2)."""


class ValidationError(PermanentError):
    """Input broke a rule: forged webhook, bad state parameter, malformed request."""


class CursorExpired(PermanentError):
    """The provider no longer knows the stored sync position (Gmail: history id too old,
    HTTP 404; Graph: delta token expired, HTTP 410): a bounded resync is the remedy."""


class MessageTooLarge(PermanentError):
    """A raw message exceeds the configured size limit."""


class FolderNotFound(NotFound):
    """The mailbox has no folder by the name it was configured with (the message names it)."""


class LifetimeRefused(ValidationError):
    """A push subscription's expiry is beyond what the provider allows; ``limit_minutes`` is
    the limit its refusal stated, when it stated one."""

    def __init__(self, message: str, limit_minutes: int | None = None) -> None:
        super().__init__(message)
        self.limit_minutes = limit_minutes
