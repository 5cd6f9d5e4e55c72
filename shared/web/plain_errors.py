"""A refused field's reason in plain words for the page: what is wrong and what to do. The
model and the services state their rules in the code's terms ("after_processing=move needs
move_to", pydantic's "Input should be ..."); the page says them as an admin would. A reason
already in plain words is shown as it is (a service's known sentence in the page's language).
The JSON answers keep the original reasons."""

from __future__ import annotations

from shared.web import service_words
from shared.web.i18n import N_, _

# (field or "" for any, words the reason contains) -> what the page says instead
_PLAIN: tuple[tuple[str, str, str], ...] = (
    (
        "move_to",
        "needs move_to",
        N_(
            "Enter the folder to move processed emails to, or choose another option under "
            "“After processing”."
        ),
    ),
    (
        "after_processing",
        "pop3 can only",
        N_(
            "POP3 can only leave processed emails on the server or delete them: "
            "choose one of those."
        ),
    ),
    ("host", "needs a host", N_("Enter the mail server's address, for example imap.example.com.")),
    (
        "tls",
        "loopback",
        N_(
            "Choose SSL/TLS or STARTTLS: an unencrypted connection is only allowed to a server "
            "on this same machine (loopback)."
        ),
    ),
    (
        "mailbox",
        "mailbox id:",
        N_("Use 1 to 63 lower-case letters, digits, - or _ for the name, for example booking."),
    ),
    ("address", "valid email", N_("Enter a full email address, for example booking@agency.com.")),
    ("address", "at least 3", N_("Enter a full email address, for example booking@agency.com.")),
    (
        "port",
        "less than or equal",
        N_("Enter a port from 1 to 65535 (IMAP usually 993, POP3 995)."),
    ),
    (
        "port",
        "greater than or equal",
        N_("Enter a port from 1 to 65535 (IMAP usually 993, POP3 995)."),
    ),
    ("poll_interval_s", "greater than or equal", N_("Enter at least 5 seconds.")),
    ("poll_interval_s", "less than or equal", N_("Enter at most 86400 seconds (one day).")),
    ("", "enter a whole number", N_("Enter a whole number, like 60.")),
    ("", "field required", N_("This is needed: fill it in.")),
)


def plain(field: str, reason: str) -> str:
    """``reason`` (why ``field`` was refused) as the page says it."""
    lowered = reason.lower()
    for name, words, said in _PLAIN:
        if (not name or name == field) and words in lowered:
            return _(said)
    return service_words.say(reason)


def plain_all(reasons: dict[str, str]) -> dict[str, str]:
    return {field: plain(field, reason) for field, reason in reasons.items()}
