"""A mailbox's state as the console says it: one key per condition an admin can tell apart,
each with a word, a one-line hint (what it means, what to do) and the colour class of its
dot. Every state of the health model maps to one of them (a test walks the enum), so no
internal state name ever reaches the page. The words live here, in one table, so that the
page's periodic refresh (JSON) and the server-rendered page say the same thing."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.models import API_PROVIDERS, Health, Mailbox, MailboxState
from shared.service.health_view import not_started
from shared.web.i18n import N_, _

# key -> (word, hint, dot colour class); the words are said in the page's language (``words``)
WORDS: dict[str, tuple[str, str, str]] = {
    "connected": (N_("Connected"), N_("New mail is picked up within seconds."), "connected"),
    "checking": (
        N_("Connected"),
        N_("New mail is checked for at a regular interval."),
        "connected",
    ),
    "catching_up": (
        N_("Catching up"),
        N_("Emails that arrived meanwhile are being collected now."),
        "connected",
    ),
    "connecting": (N_("Connecting…"), N_("Signing in to the mail server."), "not_started"),
    "not_started": (
        N_("Not started yet"),
        N_("Checking starts within a minute of saving; nothing to do."),
        "not_started",
    ),
    "not_started_late": (
        N_("Not started yet"),
        N_("Still waiting for the first check: the mail service may not be running."),
        "warning",
    ),
    "sign_in_needed": (
        N_("Sign-in needed"),
        N_("The provider no longer accepts the connection: connect it again."),
        "error",
    ),
    "never_signed_in": (
        N_("Sign-in needed"),
        N_("Connect it with the provider's sign-in to start collecting mail."),
        "warning",
    ),
    "login_refused": (
        N_("Sign-in refused"),
        N_("The server refused the user name or password: edit the mailbox and enter them again."),
        "error",
    ),
    "unreachable": (
        N_("Server unreachable"),
        N_("The mail server could not be reached: check its address and port."),
        "error",
    ),
    "retrying": (
        N_("Server unreachable"),
        N_("The mail server did not answer; trying again by itself."),
        "warning",
    ),
    "delivery_paused": (
        N_("Delivery paused"),
        N_("New emails cannot be passed on right now; they wait on the server until it clears."),
        "warning",
    ),
    "storage_delayed": (
        N_("Delayed"),
        N_("Our records could not be updated for a moment; retrying by itself."),
        "warning",
    ),
    "not_checked": (
        N_("Not being checked"),
        N_("Nothing is checking this mailbox right now; new mail waits on the server until it is."),
        "warning",
    ),
    "quiet": (
        N_("No recent check"),
        N_("No news from this mailbox for a while; it is retried by itself."),
        "warning",
    ),
    "turned_off": (
        N_("Turned off"),
        N_("Mail is not collected. Turn it on with Enable."),
        "disabled",
    ),
    "unknown": (N_("Unknown"), N_("No state reported yet."), "unknown"),
}

# a reported state -> its key (a mailbox running with mail waiting: "catching_up")
_REPORTED = {
    MailboxState.CONNECTING: "connecting",
    MailboxState.SYNCING: "connected",
    MailboxState.IDLE: "connected",
    MailboxState.POLLING: "checking",
    MailboxState.BACKOFF: "retrying",
    MailboxState.PUBLISHING_BLOCKED: "delivery_paused",
    MailboxState.STORE_UNREACHABLE: "storage_delayed",
    MailboxState.AUTH_ERROR: "login_refused",
    MailboxState.CONNECT_ERROR: "unreachable",
    MailboxState.REAUTH_REQUIRED: "sign_in_needed",
    MailboxState.DISABLED: "turned_off",
}
_RUNNING = {MailboxState.IDLE, MailboxState.POLLING, MailboxState.SYNCING}
# filter choices of the overview (a key's word can be shared: they filter together)
FILTERS = ("connected", "needs_attention", "not_started", "turned_off")
_FILTER_OF = {"connected": "connected", "not_started": "not_started", "disabled": "turned_off"}


@dataclass(frozen=True)
class StateWords:
    key: str
    word: str
    hint: str
    colour: str  # the dot's class: connected | warning | error | not_started | disabled

    @property
    def filter(self) -> str:
        """The overview's state filter this state falls under."""
        return _FILTER_OF.get(self.colour, "needs_attention")

    def to_json(self) -> dict[str, str]:
        return {"key": self.key, "word": self.word, "hint": self.hint, "colour": self.colour}


def key_of(mailbox: Mailbox, health: Health, *, stale: bool, unwatched: bool) -> str:
    """The condition key of a mailbox (``WORDS``): what the mailbox's settings say first
    (turned off, never or no longer signed in), then what its checks report."""
    oauth = mailbox.oauth
    first = (
        # never signed in: turned off until its first sign-in, which turns it on
        (mailbox.provider in API_PROVIDERS and oauth is None, "never_signed_in"),
        (not mailbox.enabled, "turned_off"),
        (oauth is not None and oauth.reauth_required_at is not None, "sign_in_needed"),
        (unwatched, "not_checked"),
        (not_started(health), "not_started_late" if stale else "not_started"),
    )
    for applies, key in first:
        if applies:
            return key
    return _reported(health, stale)


def _reported(health: Health, stale: bool) -> str:
    state = health.state
    if state is None:
        return "unknown"
    if state in _RUNNING and stale:
        return "quiet"
    if state in _RUNNING and health.pending:
        return "catching_up"
    return _REPORTED[state]


def words(key: str) -> StateWords:
    """The state ``key`` in the page's language."""
    word, hint, colour = WORDS[key]
    return StateWords(key, _(word), _(hint), colour)
